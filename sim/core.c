#include "core.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

/* The machine's limit, not a bug: sysexits' EX_OSERR (71). Nothing half-written is kept (a
 * staging folder is left, which the next run removes). */
static _Noreturn void out_of_memory(size_t n) {
    fprintf(stderr, "flowsim: out of memory (asked for %zu bytes)\n", n);
    exit(71);
}

void *fs_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory(n);
    return p;
}

void *fs_calloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *fs_realloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory(n);
    return q;
}

void *fs_aligned(size_t align, size_t n) {
    n = (n + align - 1) / align * align; /* aligned_alloc wants a multiple */
    void *p = plat_aligned_alloc(align, n ? n : align);
    if (!p) out_of_memory(n);
    return p;
}

unsigned long long fs_hash(unsigned long long h, const char *s) {
    for (; *s; s++) h = (h ^ (unsigned char)*s) * FS_HASH_PRIME;
    return h;
}

char *fs_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = fs_malloc(n);
    memcpy(d, s, n);
    return d;
}

char *fs_sprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    FS_ASSERT(n >= 0); /* only a bad format fails, and the formats are the program's */
    char *s = fs_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int fs_path(char *buf, size_t len, char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < len) return FS_OK;
    snprintf(err, errlen, "%.200s...: path too long (more than %zu bytes)", buf, len - 1);
    buf[0] = 0;
    return FS_EINPUT;
}

void fs_free(void *p) {
    free(p);
}

void fs_aligned_free(void *p) {
    plat_aligned_free(p);
}

void fs_grow(void **arr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return;
    size_t n = *cap ? *cap : 8;
    while (n < need) n *= 2;
    *arr = fs_realloc(*arr, n * elem);
    *cap = n;
}

_Noreturn void fs_assert_failed(const char *expr, const char *file, int line) {
    fprintf(stderr, "flowsim: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
    abort();
}

int fs_test_point(const char *name, int value) {
    const char *v = getenv(name);
    if (!v || !*v) return 0;
    return value == 0 || atoi(v) == value;
}

int fs_errno_status(int e) {
    return plat_disk_full(e) || e == EIO       ? FS_EIO
           : e == ENAMETOOLONG || e == ENOTDIR ? FS_EINPUT
                                               : FS_ECREATE;
}
