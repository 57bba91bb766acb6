/* platform.h — the operating system, behind one small set of calls: POSIX (Linux, macOS, the
 * BSDs) and Windows (the mingw-w64 build, make windows; docs/windows.md).
 *
 * On POSIX every call is the POSIX call it names, with the same arguments, results and errno:
 * the Linux build behaves byte for byte as it did before this module. On Windows each is built
 * from the Win32 API and the C runtime, and where Windows cannot give the POSIX guarantee the
 * function says what it gives instead (docs/windows.md lists what that changes for a results
 * folder). Paths are UTF-8 on both: the Windows calls convert them to UTF-16 for the W
 * functions, and the program's manifest makes UTF-8 the code page of the C runtime's own file
 * calls (fopen, open, stat, opendir), so a name with any character works everywhere.
 *
 * Errors: as the POSIX call, -1 or NULL with errno set; a Win32 error is mapped to the nearest
 * errno (ENOENT, EEXIST, EACCES, ENOSPC, EBUSY; EIO otherwise). */
#ifndef FS_PLATFORM_H
#define FS_PLATFORM_H

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#ifdef _WIN32
/* No symbolic links that open() follows silently and no FIFOs to block on in the C runtime's
 * open; O_NOINHERIT is Windows' close-on-exec (no child process inherits the handle). */
#define PLAT_O_NOFOLLOW 0
#define PLAT_O_NONBLOCK 0
#define PLAT_O_CLOEXEC O_NOINHERIT
/* A scratch file deleted when its last handle closes: Windows cannot unlink an open file, so
 * the unlink that makes it nameless on POSIX fails there and this removes it instead. */
#define PLAT_O_TEMPORARY _O_TEMPORARY
#else
#define PLAT_O_NOFOLLOW O_NOFOLLOW
#define PLAT_O_NONBLOCK O_NONBLOCK
#define PLAT_O_CLOEXEC O_CLOEXEC
#define PLAT_O_TEMPORARY 0
#endif

/* The characters that end a folder's name in a path: Windows takes '\' as well as '/'. */
#ifdef _WIN32
#define PLAT_SEPARATORS "/\\"
#else
#define PLAT_SEPARATORS "/"
#endif

/* The most bytes a resolved path plat_realpath writes into a caller's buffer holds, its NUL
 * counted (Linux's PATH_MAX; Windows' long paths stop at 32767 UTF-16 units). */
#define PLAT_PATH_MAX 4096

/* At the start of main, before any file is opened. POSIX: nothing. Windows: every file and the
 * standard streams in binary mode, as POSIX has only, so a CSV is the same bytes on both ('\n',
 * never "\r\n") and a scenario is read as written. */
void plat_init(void);

/* mkdir(path, mode). Windows: the mode is ignored (a folder takes its parent's permissions), and
 * a drive ("C:") or a share (\\server\share) that exists fails with EEXIST, as "/" does. */
int plat_mkdir(const char *path, int mode);

/* lstat(path, sb). Windows: stat (a symbolic link or junction is reported as what it points
 * to: Windows makes them only for administrators or in developer mode). */
int plat_lstat(const char *path, struct stat *sb);

/* link(from, to): a second name for a file. Windows: CreateHardLinkW (NTFS; -1 with errno on a
 * file system without links, FAT, where callers copy instead). */
int plat_link(const char *from, const char *to);

/* rename(from, to), replacing a file at to. Windows: MoveFileExW with
 * MOVEFILE_REPLACE_EXISTING for a file (the C runtime's rename refuses an existing to); a
 * folder is renamed only to a name that does not exist, as flowsim does. Atomic on NTFS for a
 * file in the same folder, as far as Windows promises (docs/windows.md). */
int plat_rename(const char *from, const char *to);

/* mkdtemp(tmpl): tmpl ends in XXXXXX, replaced by a name made fresh, the folder created (only
 * for its owner on POSIX); tmpl, or NULL with errno. */
char *plat_mkdtemp(char *tmpl);

/* realpath(path, resolved): the absolute path with no '.', '..' or links, of a path that
 * exists; into resolved (PLAT_PATH_MAX bytes), or allocated (free it) when resolved is NULL.
 * Windows: GetFullPathNameW (no links resolved), with '/' for '\', and NULL with ENOENT when
 * nothing is there. */
char *plat_realpath(const char *path, char *resolved);

/* getline(line, cap, f): the next line, its '\n' kept, into *line (grown with realloc: free
 * it); its length, or -1 at the end of the file or on an error. */
ssize_t plat_getline(char **line, size_t *cap, FILE *f);

/* A stream that writes into memory: after plat_memstream_close, *buf is the text written
 * (NUL-terminated, allocated: free it, NULL if nothing could be kept) and *len its length.
 * NULL when the stream cannot be made. Windows, which has no open_memstream: a temporary
 * file, deleted when closed, read back at close. */
FILE *plat_memstream_open(char **buf, size_t *len);
/* fclose's result; the stream is closed whatever it returns. */
int plat_memstream_close(FILE *f, char **buf, size_t *len);

/* Exclusive locks on a folder, between processes, held until plat_unlock_dir or the process
 * ends (however it ends: kill -9 included), which is what tells a later run a staging folder
 * is a dead run's. PLAT_LOCK_TRY fails at once (-1, errno EWOULDBLOCK) when another holds it;
 * PLAT_LOCK_WAIT waits for it. PLAT_LOCK_NOFOLLOW refuses a symbolic link at dir (-1).
 * Returns the lock (>= 0), or -1 with errno when dir is not a folder that can be opened.
 * POSIX: open(dir, O_DIRECTORY) and flock; on a file system with no locks a PLAT_LOCK_WAIT
 * gives the descriptor unlocked, as flowsim always did. Windows: a named kernel object made
 * from the folder's full path (case folded), which exists exactly while its maker holds it;
 * the folder itself stays free to list, fill, rename and remove. */
enum { PLAT_LOCK_WAIT = 0, PLAT_LOCK_TRY = 1, PLAT_LOCK_NOFOLLOW = 2 };
int plat_lock_dir(const char *dir, int how);
void plat_unlock_dir(int lock); /* accepts -1 */

/* gmtime_r(t, tm). */
struct tm *plat_gmtime(const time_t *t, struct tm *tm);

/* The processors online, at least 1. WebAssembly (make web): 1, the module having no threads. */
int plat_cores(void);

/* n bytes aligned to align (a power of two; n a multiple of it), or NULL; freed only by
 * plat_aligned_free (Windows' _aligned_malloc memory cannot go to free). */
void *plat_aligned_alloc(size_t align, size_t n);
void plat_aligned_free(void *p); /* accepts NULL */

/* Ends the process at once, as kill -9 would: no handler, no atexit, no flush (the tests'
 * kill points). Windows: TerminateProcess, exit status 137. */
_Noreturn void plat_kill_self(void);

/* Whether errno e says the disk or the user's quota is full (Windows has no EDQUOT). */
int plat_disk_full(int e);

/* on_stop for Ctrl-C and the requests to stop (SIGINT, SIGTERM, SIGHUP; Windows: SIGINT,
 * SIGBREAK and SIGTERM, a second Ctrl-C then ending the process as usual), on_abort for
 * SIGABRT. */
void plat_catch_signals(void (*on_stop)(int), void (*on_abort)(int));

#endif
