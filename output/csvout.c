/* renameat2 (RENAME_EXCHANGE) is Linux's; elsewhere publishing falls back to renames. */
#define _GNU_SOURCE
#include "csvout.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "sim/core.h"

char *csvout_quote(const char *s) {
    size_t len = strlen(s);
    int needs = strpbrk(s, ",\"\r\n") != NULL || (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!needs) return fs_strdup(s);
    size_t n = csv_write(NULL, 0, s, len);
    char *out = fs_malloc(n + 1);
    csv_write(out, n, s, len);
    out[n] = 0;
    return out;
}

/* %.9g without printf's multi-precision conversion, for the common case: scale |v| to nine
 * digits in long double (one rounding, relative error 2^-64), and accept the result only
 * when that error cannot change the rounded digits; otherwise return 0 and printf decides.
 * The text follows C's %g rules: fixed notation for decimal exponents -4..8, else d.dddde+XX,
 * trailing zeros dropped. tests/test_csvout.c checks it against printf. */
static size_t fmt_g9(char *buf, double v) {
    static const long double p10[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
                                      1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
                                      1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
                                      1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
    double a = fabs(v);
    int e = (int)floor(log10(a)); /* the decimal exponent, or one off: corrected below */
    unsigned long n = 0;
    for (int tries = 0;; tries++) {
        int k = 8 - e; /* x = a * 10^k has nine digits before the point */
        if (k > 27 || k < -27 || tries == 2) return 0;
        long double x = k >= 0 ? (long double)a * p10[k] : (long double)a / p10[-k];
        if (x < 1e8L) { /* e was one too high */
            e--;
            continue;
        }
        if (x >= 1e9L) {
            e++;
            continue;
        }
        long double whole = floorl(x), frac = x - whole;
        if (fabsl(frac - 0.5L) < 1e-6L) return 0; /* too near a tie to trust */
        n = (unsigned long)whole + (frac > 0.5L);
        if (n == 1000000000UL) n = 100000000UL, e++; /* rounded up to the next power */
        break;
    }
    char d[9];
    for (int i = 8; i >= 0; i--) d[i] = (char)('0' + n % 10), n /= 10;
    int nd = 9;
    char *p = buf;
    if (v < 0) *p++ = '-';
    if (e >= -4 && e < 9) {
        if (e >= 0) {
            memcpy(p, d, (size_t)e + 1), p += e + 1;
            while (nd > e + 1 && d[nd - 1] == '0') nd--;
            if (nd > e + 1) *p++ = '.', memcpy(p, d + e + 1, (size_t)(nd - e - 1)), p += nd - e - 1;
        } else {
            while (nd > 0 && d[nd - 1] == '0') nd--;
            *p++ = '0', *p++ = '.';
            for (int i = 0; i < -e - 1; i++) *p++ = '0';
            memcpy(p, d, (size_t)nd), p += nd;
        }
    } else {
        while (nd > 1 && d[nd - 1] == '0') nd--;
        *p++ = d[0];
        if (nd > 1) *p++ = '.', memcpy(p, d + 1, (size_t)nd - 1), p += nd - 1;
        int x = e < 0 ? -e : e;
        *p++ = 'e', *p++ = e < 0 ? '-' : '+';
        if (x >= 100) *p++ = (char)('0' + x / 100);
        *p++ = (char)('0' + x / 10 % 10), *p++ = (char)('0' + x % 10);
    }
    return (size_t)(p - buf);
}

size_t csvout_fmt_num(char *buf, double v) {
    if (!isfinite(v)) return 0;
    /* Most cells are counts: a whole number below 1e9 is its digits under %.9g too, and this
     * is several times quicker than printf's exact conversion. -0 prints as 0. */
    if (v > -1e9 && v < 1e9 && v == (double)(long)v) {
        char tmp[16], *p = tmp + sizeof tmp;
        long n = (long)v;
        unsigned long m = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
        do *--p = (char)('0' + m % 10);
        while (m /= 10);
        if (n < 0) *--p = '-';
        size_t len = (size_t)(tmp + sizeof tmp - p);
        memcpy(buf, p, len);
        return len;
    }
    size_t len = fmt_g9(buf, v);
    if (len) return len;
    int n = snprintf(buf, CSVOUT_NUM_MAX, "%.9g", v);
    return n > 0 ? (size_t)n : 0;
}

void csvout_num(FILE *f, double v) {
    char buf[CSVOUT_NUM_MAX];
    fwrite(buf, 1, csvout_fmt_num(buf, v), f);
}

int csvout_copy_rest(FILE *dst, FILE *src) {
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, src)) > 0) fwrite(buf, 1, n, dst);
    return ferror(src) || ferror(dst) ? -1 : 0;
}

int csvout_append(FILE *dst, FILE *tmp) {
    rewind(tmp);
    int rc = csvout_copy_rest(dst, tmp);
    fclose(tmp);
    return rc;
}

int csvout_open(struct csvout_file *cf, const char *dir, const char *name, char *err,
                size_t errlen) {
    snprintf(cf->tmp, sizeof cf->tmp, "%s/.%s.tmp", dir, name);
    snprintf(cf->final, sizeof cf->final, "%s/%s", dir, name);
    cf->f = fopen(cf->tmp, "wb");
    if (!cf->f) {
        snprintf(err, errlen, "%s: cannot write: %s", cf->tmp, strerror(errno));
        return -1;
    }
    setvbuf(cf->f, NULL, _IOFBF, 1 << 16); /* a time series is megabytes: fewer, larger writes */
    return 0;
}

int csvout_close(struct csvout_file *cf, char *err, size_t errlen) {
    int bad = ferror(cf->f);
    if (fclose(cf->f) != 0) bad = 1;
    cf->f = NULL;
    if (bad) {
        snprintf(err, errlen, "%s: write failed (disk full?)", cf->tmp);
        unlink(cf->tmp);
        return -1;
    }
    if (rename(cf->tmp, cf->final) != 0) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", cf->final, strerror(errno));
        unlink(cf->tmp);
        return -1;
    }
    return 0;
}

void csvout_discard(struct csvout_file *cf) {
    if (cf->f) fclose(cf->f);
    cf->f = NULL;
    unlink(cf->tmp);
}

int csvout_mkdirs(const char *path, char *err, size_t errlen) {
    char buf[4000];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) goto fail;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) goto fail;
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: exists and is not a directory", path);
        return -1;
    }
    return 0;
fail:
    snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
    return -1;
}

void csvout_remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            char p[4608];
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

int csvout_stage_open(struct csvout_stage *st, const char *dir, char *err, size_t errlen) {
    if (strlen(dir) >= 3900) {
        snprintf(err, errlen, "%s: output path too long", dir);
        return -1;
    }
    char resolved[PATH_MAX];
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            snprintf(err, errlen, "%s: exists and is not a directory", dir);
            return -1;
        }
        if (!realpath(dir, resolved) || strlen(resolved) >= sizeof st->final) {
            snprintf(err, errlen, "%s: cannot resolve: %s", dir, strerror(errno));
            return -1;
        }
        dir = resolved;
    }
    snprintf(st->final, sizeof st->final, "%s", dir);
    /* The staging folder sits beside the final one, on the same file system. */
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", st->final);
    snprintf(b, sizeof b, "%s", st->final);
    const char *parent = dirname(a), *base = basename(b);
    if (csvout_mkdirs(parent, err, errlen) != 0) return -1;
    snprintf(st->dir, sizeof st->dir, "%s/.%s.tmp-XXXXXX", parent, base);
    if (!mkdtemp(st->dir)) {
        snprintf(err, errlen, "%s: cannot create a folder beside it: %s", st->final,
                 strerror(errno));
        return -1;
    }
    return 0;
}

static int owned(const struct csvout_stage *st, const char *name) {
    for (const char *const *o = st->owned; o && *o; o++)
        if (!strcmp(*o, name)) return 1;
    return 0;
}

/* Move the entries of the staging folder into the final one. After an exchange (old = 1) the
 * staging folder holds the old contents: only what is someone else's moves back (what the new
 * folder lacks and the writer does not own), and failures are left behind rather than fatal.
 * Otherwise every entry moves, and the first failure is the error. */
static int move_in(const struct csvout_stage *st, int old, char *err, size_t errlen) {
    DIR *d = opendir(st->dir);
    int rc = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char from[4608], to[4608];
        struct stat sb;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(from, sizeof from, "%s/%s", st->dir, e->d_name);
        snprintf(to, sizeof to, "%s/%s", st->final, e->d_name);
        if (old && (lstat(to, &sb) == 0 || owned(st, e->d_name))) continue;
        if (rename(from, to) != 0 && !old && rc == 0) {
            snprintf(err, errlen, "%s: cannot rename into place: %s", to, strerror(errno));
            rc = -1;
        }
    }
    if (d) closedir(d);
    csvout_remove_dir(st->dir);
    return rc;
}

int csvout_stage_publish(struct csvout_stage *st, char *err, size_t errlen) {
    /* A new folder: one rename, and it is there whole. */
    if (rename(st->dir, st->final) == 0) return 0;
    if (errno != EEXIST && errno != ENOTEMPTY) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", st->final, strerror(errno));
        return -1;
    }
#ifdef RENAME_EXCHANGE
    /* An existing folder: swap the two at once, then bring back what was not ours to replace
     * and delete the old outputs (now in the staging folder's place). */
    if (renameat2(AT_FDCWD, st->dir, AT_FDCWD, st->final, RENAME_EXCHANGE) == 0)
        return move_in(st, 1, err, errlen);
#endif
    /* No exchange here: remove the writer's old files that will not be replaced, then move
     * the new files in one by one (each rename is atomic). */
    for (const char *const *o = st->owned; o && *o; o++) {
        char fresh[4608], old[4608];
        struct stat sb;
        snprintf(fresh, sizeof fresh, "%s/%s", st->dir, *o);
        snprintf(old, sizeof old, "%s/%s", st->final, *o);
        if (lstat(fresh, &sb) != 0) unlink(old);
    }
    return move_in(st, 0, err, errlen);
}

void csvout_stage_abort(struct csvout_stage *st) {
    if (st->dir[0]) csvout_remove_dir(st->dir);
    st->dir[0] = 0;
}
