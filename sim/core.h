/* core.h — the one allocation wrapper and the one assertion sink.
 *
 * Out-of-memory policy: flowsim cannot produce a trustworthy result without the memory it
 * asked for, so every allocation that fails prints the size and exits with status 71
 * (sysexits' EX_OSERR: the machine's limit, not a bug). Callers therefore never check for
 * NULL. */
#ifndef FS_CORE_H
#define FS_CORE_H

#include <stddef.h>

#if defined(__GNUC__) && defined(__MINGW32__)
/* The Windows build prints with mingw-w64's C99 printf (__USE_MINGW_ANSI_STDIO), not msvcrt's,
 * whose %zu and %g differ: checked as GNU's. */
#define FS_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#elif defined(__GNUC__)
#define FS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FS_PRINTF(fmt, args)
#endif

void *fs_malloc(size_t n);
void *fs_calloc(size_t count, size_t size);
void *fs_realloc(void *p, size_t n);
char *fs_strdup(const char *s);
void fs_free(void *p); /* accepts NULL */
/* FNV-1a over the bytes of s (Fowler, Noll and Vo), continuing from h: FS_HASH_INIT to start;
 * h * FS_HASH_PRIME mixes in a NUL, a separator between two strings. 64-bit arithmetic on every
 * platform, so that what a hash picks (a colour) is the same everywhere. For hash tables of
 * names and for picking by name; not a checksum. */
#define FS_HASH_INIT 2166136261u
#define FS_HASH_PRIME 16777619u
unsigned long long fs_hash(unsigned long long h, const char *s);
/* printf's text, allocated to its length (fs_free it): for text built from names, which no
 * fixed buffer may cut. */
char *fs_sprintf(const char *fmt, ...) FS_PRINTF(1, 2);
/* n bytes aligned to align (a power of two); n is rounded up to a multiple of it. Freed
 * with fs_aligned_free (Windows keeps aligned blocks apart from malloc's). */
void *fs_aligned(size_t align, size_t n);
void fs_aligned_free(void *p); /* accepts NULL */

/* A broken invariant is a bug, never bad input: it stays checked in release builds and goes
 * through this one function, the place to set a breakpoint. */
_Noreturn void fs_assert_failed(const char *expr, const char *file, int line);
#define FS_ASSERT(c) ((c) ? (void)0 : fs_assert_failed(#c, __FILE__, __LINE__))
#define FS_UNREACHABLE() fs_assert_failed("unreachable", __FILE__, __LINE__)
/* The model's bookkeeping (places within capacity, no negative counts, patients conserved)
 * checked as the events go in builds with FLOWSIM_INVARIANTS — the test builds, which make and
 * make demo share — at a cost per event that does not grow with the model (models/flow.c checks
 * one unit's counts an event, in turn), and compiled out of the others. */
#ifdef FLOWSIM_INVARIANTS
#define FS_INVARIANT(c) FS_ASSERT(c)
#else
#define FS_INVARIANT(c) ((void)0)
#endif

/* Why something failed, for the exit status (cli.h maps each to its code): a function that
 * can fail for more than one kind of reason returns one of these, with a message. Plain -1
 * elsewhere is FS_EBUG. */
enum fs_status {
    FS_OK = 0,
    FS_EBUG = -1,    /* an internal error: a bug */
    FS_EINPUT = -2,  /* bad input or usage: the user can fix it */
    FS_ECREATE = -3, /* an output file or folder cannot be created (permission, read-only) */
    FS_EIO = -4,     /* a write failed (disk full, I/O error) */
    FS_ESTOPPED = -5 /* stopped by a signal (Ctrl-C, SIGTERM) */
};

/* The fs_status of a failed file operation's errno: a full disk or an I/O error is FS_EIO, a
 * name too long or a file where a folder should be is FS_EINPUT, anything else (permission, a
 * read-only file system) FS_ECREATE. */
int fs_errno_status(int e);

/* A path formatted into buf (len bytes: FS_PATH_MAX, models/limits.h): FS_OK when the whole
 * of it fits; else FS_EINPUT with "START...: path too long (more than N bytes)" in err and buf
 * emptied — a path is refused, never cut short (a cut one names another file). */
int fs_path(char *buf, size_t len, char *err, size_t errlen, const char *fmt, ...) FS_PRINTF(5, 6);

/* The one-line message buffers of sim/ (the runner's copy of a replication's failure, which
 * may name an output file): sim/ cannot include models/limits.h, whose FS_MSG_MAX this equals
 * (checked there) and whose "Buffers" paragraph gives the reason. */
#define FS_SIM_MSG_MAX (4096 + 512)

/* A test's hook in the program, off unless the test sets it: is the environment variable name
 * set to a whole number equal to value (value 0: set at all)? Used to kill a publication at a
 * chosen step and to keep a dead run's staging folder for inspection; costs one getenv. */
int fs_test_point(const char *name, int value);

/* Grow *arr (of *cap elements of size elem) so that it holds at least need elements. */
void fs_grow(void **arr, size_t *cap, size_t need, size_t elem);

#endif
