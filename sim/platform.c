/* POSIX: the calls themselves. Windows: the same contracts from Win32 (platform.h says where
 * they differ). */
#ifndef _WIN32
#define _DEFAULT_SOURCE /* flock, and mkdtemp/realpath/getline beside _XOPEN_SOURCE */
#endif
#include "platform.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#ifndef _WIN32

#include <sys/file.h>
#include <unistd.h>

void plat_init(void) {}

int plat_mkdir(const char *path, int mode) {
    return mkdir(path, (mode_t)mode);
}

int plat_lstat(const char *path, struct stat *sb) {
    return lstat(path, sb);
}

int plat_link(const char *from, const char *to) {
    return link(from, to);
}

int plat_rename(const char *from, const char *to) {
    return rename(from, to);
}

char *plat_mkdtemp(char *tmpl) {
    return mkdtemp(tmpl);
}

char *plat_realpath(const char *path, char *resolved) {
    return realpath(path, resolved);
}

ssize_t plat_getline(char **line, size_t *cap, FILE *f) {
    return getline(line, cap, f);
}

FILE *plat_memstream_open(char **buf, size_t *len) {
    return open_memstream(buf, len);
}

int plat_memstream_close(FILE *f, char **buf, size_t *len) {
    (void)buf, (void)len; /* the stream keeps them up to date itself */
    return fclose(f);
}

int plat_lock_dir(const char *dir, int how) {
    int fd =
        open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (how & PLAT_LOCK_NOFOLLOW ? O_NOFOLLOW : 0));
    if (fd < 0) return -1;
    if (flock(fd, LOCK_EX | (how & PLAT_LOCK_TRY ? LOCK_NB : 0)) != 0 && (how & PLAT_LOCK_TRY)) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

void plat_unlock_dir(int lock) {
    if (lock >= 0) close(lock);
}

struct tm *plat_gmtime(const time_t *t, struct tm *tm) {
    return gmtime_r(t, tm);
}

int plat_cores(void) {
#ifdef __EMSCRIPTEN__
    return 1; /* built without threads (docs/web.md): pthread_create would only fail */
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
#endif
}

void *plat_aligned_alloc(size_t align, size_t n) {
    return aligned_alloc(align, n);
}

void plat_aligned_free(void *p) {
    free(p);
}

_Noreturn void plat_kill_self(void) {
    raise(SIGKILL);
    _exit(137); /* not reached: SIGKILL cannot be caught */
}

int plat_disk_full(int e) {
    return e == ENOSPC || e == EDQUOT;
}

void plat_catch_signals(void (*on_stop)(int), void (*on_abort)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_abort;
    sigaction(SIGABRT, &sa, NULL);
}

#else /* _WIN32 */

#include <windows.h>

#include <direct.h>
#include <io.h>
#include <malloc.h>
#include <stdint.h>

/* errno for the last Win32 error: the few a caller tells apart, EIO for the rest. */
static int errno_of(DWORD w) {
    switch (w) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
        return ENOENT;
    case ERROR_ALREADY_EXISTS:
    case ERROR_FILE_EXISTS:
        return EEXIST;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        return EACCES;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        return ENOSPC;
    case ERROR_NOT_SAME_DEVICE:
        return EXDEV;
    case ERROR_DIR_NOT_EMPTY:
        return ENOTEMPTY;
    case ERROR_FILENAME_EXCED_RANGE:
        return ENAMETOOLONG;
    case ERROR_INVALID_NAME:
        return EINVAL;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return ENOMEM;
    case ERROR_NOT_SUPPORTED:
    case ERROR_INVALID_FUNCTION:
        return ENOSYS;
    default:
        return EIO;
    }
}

/* path (UTF-8) as UTF-16, allocated (free it); NULL with errno EINVAL when it is not UTF-8. */
static wchar_t *wide(const char *s) {
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (!w || MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
        free(w);
        errno = n > 0 ? ENOMEM : EINVAL;
        return NULL;
    }
    return w;
}

/* w (UTF-16) as UTF-8 into buf of len bytes, or allocated when buf is NULL; NULL with errno. */
static char *narrow(const wchar_t *w, char *buf, size_t len) {
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0) {
        errno = EINVAL;
        return NULL;
    }
    if (buf && (size_t)n > len) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    char *s = buf ? buf : malloc((size_t)n);
    if (!s) {
        errno = ENOMEM;
        return NULL;
    }
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

void plat_init(void) {
    _fmode = _O_BINARY; /* what open and fopen use when the mode names neither */
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
}

int plat_mkdir(const char *path, int mode) {
    (void)mode;
    wchar_t *w = wide(path);
    if (!w) return -1;
    int rc = _wmkdir(w);
    if (rc != 0 && errno != EEXIST) {
        /* "C:" or a share's root refuses creation with another error: it exists all the same. */
        int e = errno;
        DWORD a = GetFileAttributesW(w);
        errno = a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) ? EEXIST : e;
    }
    free(w);
    return rc;
}

int plat_lstat(const char *path, struct stat *sb) {
    return stat(path, sb);
}

int plat_link(const char *from, const char *to) {
    wchar_t *wf = wide(from), *wt = wf ? wide(to) : NULL;
    int ok = wt && CreateHardLinkW(wt, wf, NULL);
    if (wt && !ok) errno = errno_of(GetLastError());
    free(wf);
    free(wt);
    return ok ? 0 : -1;
}

int plat_rename(const char *from, const char *to) {
    wchar_t *wf = wide(from), *wt = wf ? wide(to) : NULL;
    int ok = 0;
    if (wt) {
        DWORD a = GetFileAttributesW(wf);
        /* MOVEFILE_REPLACE_EXISTING may not name a folder; POSIX rename of a folder over an
         * existing one is not what flowsim asks for. */
        DWORD flags = a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY)
                          ? 0
                          : MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH;
        ok = MoveFileExW(wf, wt, flags) != 0;
        if (!ok) errno = errno_of(GetLastError());
    }
    free(wf);
    free(wt);
    return ok ? 0 : -1;
}

char *plat_mkdtemp(char *tmpl) {
    size_t n = strlen(tmpl);
    if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX")) {
        errno = EINVAL;
        return NULL;
    }
    static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    /* Not secret, only fresh: the clock, the process and the try, mixed (FNV-1a). */
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    uint64_t h =
        1469598103934665603ull ^ (uint64_t)t.QuadPart ^ ((uint64_t)GetCurrentProcessId() << 32);
    for (int attempt = 0; attempt < 1000; attempt++) {
        for (int i = 0; i < 6; i++) {
            h = (h ^ (uint64_t)(attempt * 7 + i)) * 1099511628211ull;
            tmpl[n - 6 + i] = abc[(h >> 29) % (sizeof abc - 1)];
        }
        if (plat_mkdir(tmpl, 0700) == 0) return tmpl;
        if (errno != EEXIST) return NULL;
    }
    errno = EEXIST;
    return NULL;
}

char *plat_realpath(const char *path, char *resolved) {
    wchar_t *w = wide(path);
    if (!w) return NULL;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    wchar_t *full = n ? malloc((size_t)n * sizeof *full) : NULL;
    char *out = NULL;
    if (!full || !GetFullPathNameW(w, n, full, NULL)) {
        errno = full ? errno_of(GetLastError()) : ENOMEM;
    } else if (GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES) {
        errno = errno_of(GetLastError());
    } else if ((out = narrow(full, resolved, PLAT_PATH_MAX)) != NULL) {
        /* One separator, '/', as every path flowsim joins: the Win32 calls take either. */
        for (char *p = out; *p; p++)
            if (*p == '\\') *p = '/';
        /* No trailing separator except a drive's root ("C:/"), as realpath gives none. */
        size_t k = strlen(out);
        if (k > 3 && out[k - 1] == '/') out[k - 1] = 0;
    }
    free(full);
    free(w);
    return out;
}

ssize_t plat_getline(char **line, size_t *cap, FILE *f) {
    size_t n = 0;
    int c;
    if (!*line || *cap < 2) {
        char *p = realloc(*line, 128);
        if (!p) return -1;
        *line = p, *cap = 128;
    }
    while ((c = getc(f)) != EOF) {
        if (n + 2 > *cap) {
            char *p = realloc(*line, *cap * 2);
            if (!p) return -1;
            *line = p, *cap *= 2;
        }
        (*line)[n++] = (char)c;
        if (c == '\n') break;
    }
    (*line)[n] = 0;
    return n == 0 ? -1 : (ssize_t)n;
}

/* A temporary file in the user's temporary folder, removed by Windows when closed (the C
 * runtime's tmpfile writes in the drive's root, which a user without administrator rights
 * cannot). */
static FILE *temp_stream(void) {
    wchar_t dir[MAX_PATH + 1], name[MAX_PATH + 1];
    if (!GetTempPathW(MAX_PATH + 1, dir) || !GetTempFileNameW(dir, L"fs", 0, name)) {
        errno = errno_of(GetLastError());
        return NULL;
    }
    HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        errno = errno_of(GetLastError());
        DeleteFileW(name);
        return NULL;
    }
    int fd = _open_osfhandle((intptr_t)h, _O_BINARY);
    FILE *f = fd >= 0 ? _fdopen(fd, "w+b") : NULL;
    if (!f) {
        if (fd >= 0)
            _close(fd);
        else
            CloseHandle(h);
    }
    return f;
}

FILE *plat_memstream_open(char **buf, size_t *len) {
    *buf = NULL;
    *len = 0;
    return temp_stream();
}

int plat_memstream_close(FILE *f, char **buf, size_t *len) {
    int rc = fflush(f);
    long n = ftell(f);
    char *s = n >= 0 && rc == 0 ? malloc((size_t)n + 1) : NULL;
    if (s) {
        rewind(f);
        size_t got = fread(s, 1, (size_t)n, f);
        s[got] = 0;
        *len = got;
    }
    *buf = s;
    return fclose(f) != 0 || !s ? EOF : 0;
}

/* The lock's name: a hash of the folder's full path, case folded as NTFS compares names. A
 * named object lives while a handle to it is open, and Windows closes a process's handles
 * however it ends, so "it exists" is "its maker is alive and holds it". */
static HANDLE lock_object(const char *dir, int *existed) {
    char full[PLAT_PATH_MAX];
    if (!plat_realpath(dir, full)) return NULL;
    wchar_t *w = wide(full);
    if (!w) return NULL;
    CharLowerW(w);
    uint64_t h = 1469598103934665603ull;
    for (const wchar_t *p = w; *p; p++) h = (h ^ (uint64_t)*p) * 1099511628211ull;
    free(w);
    wchar_t name[64];
    _snwprintf(name, 64, L"Local\\flowsim-folder-%016llx", (unsigned long long)h);
    name[63] = 0;
    HANDLE m = CreateMutexW(NULL, FALSE, name);
    *existed = m && GetLastError() == ERROR_ALREADY_EXISTS;
    if (!m) errno = errno_of(GetLastError());
    return m;
}

int plat_lock_dir(const char *dir, int how) {
    wchar_t *w = wide(dir);
    if (!w) return -1;
    DWORD a = GetFileAttributesW(w);
    free(w);
    if (a == INVALID_FILE_ATTRIBUTES) {
        errno = errno_of(GetLastError());
        return -1;
    }
    if (!(a & FILE_ATTRIBUTE_DIRECTORY) ||
        ((how & PLAT_LOCK_NOFOLLOW) && (a & FILE_ATTRIBUTE_REPARSE_POINT))) {
        errno = ENOTDIR;
        return -1;
    }
    for (DWORD wait = 1;; wait = wait < 100 ? wait * 2 : wait) {
        int existed;
        HANDLE m = lock_object(dir, &existed);
        if (!m) return -1;
        /* 64-bit Windows keeps handles in 32 bits (for 32-bit processes' sake), so one fits
         * the int the POSIX side returns. */
        if (!existed) return (int)(intptr_t)m;
        CloseHandle(m);
        if (how & PLAT_LOCK_TRY) {
            errno = EWOULDBLOCK;
            return -1;
        }
        Sleep(wait);
    }
}

void plat_unlock_dir(int lock) {
    if (lock >= 0) CloseHandle((HANDLE)(intptr_t)lock);
}

struct tm *plat_gmtime(const time_t *t, struct tm *tm) {
    return gmtime_s(tm, t) == 0 ? tm : NULL;
}

int plat_cores(void) {
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors < 1 ? 1 : (int)si.dwNumberOfProcessors;
}

void *plat_aligned_alloc(size_t align, size_t n) {
    return _aligned_malloc(n, align);
}

void plat_aligned_free(void *p) {
    _aligned_free(p);
}

_Noreturn void plat_kill_self(void) {
    TerminateProcess(GetCurrentProcess(), 137);
    _exit(137); /* not reached */
}

int plat_disk_full(int e) {
    return e == ENOSPC;
}

void plat_catch_signals(void (*on_stop)(int), void (*on_abort)(int)) {
    /* The C runtime's signals: Ctrl-C (SIGINT) and Ctrl-Break (SIGBREAK) from the console,
     * SIGTERM from raise only (Windows sends processes no signals). */
    signal(SIGINT, on_stop);
    signal(SIGBREAK, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGABRT, on_abort);
}

#endif
