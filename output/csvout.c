#include "csvout.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/core.h"
#include "sim/platform.h"

/* OWASP's rule for CSV injection: a text cell that starts with = + - @, a tab or a carriage
 * return is a formula to Excel and LibreOffice (quoting does not stop them), so it is written
 * with a leading apostrophe, which both show as text. A plain number ("-3.5") is left alone. */
static int formula_like(const char *s) {
    if (!s[0] || !strchr("=+-@\t\r", s[0])) return 0;
    /* A plain decimal number ([+-]digits[.digits][e[+-]digits]) is a number to a spreadsheet
     * too; anything else (-inf, +0x10, -1+1) is neutralised. */
    const char *p = s + (*s == '+' || *s == '-');
    int digits = 0;
    while (*p >= '0' && *p <= '9') p++, digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++) digits++;
    if (digits && (*p == 'e' || *p == 'E')) {
        p++;
        p += *p == '+' || *p == '-';
        if (!(*p >= '0' && *p <= '9')) return 1;
        while (*p >= '0' && *p <= '9') p++;
    }
    return !digits || *p != 0;
}

char *csvout_quote(const char *s) {
    char *own = NULL;
    if (formula_like(s)) {
        size_t n = strlen(s);
        own = fs_malloc(n + 2);
        own[0] = '\'';
        memcpy(own + 1, s, n + 1);
        s = own;
    }
    size_t len = strlen(s);
    int needs = strpbrk(s, ",\"\r\n") != NULL || (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!needs) return own ? own : fs_strdup(s);
    size_t n = csv_write(NULL, 0, s, len);
    char *out = fs_malloc(n + 1);
    csv_write(out, n, s, len);
    out[n] = 0;
    fs_free(own);
    return out;
}

/* "00" to "99": numbers written two digits at a time (a digit a division was most of the cost
 * of a long run's time series). */
static const char digit_pairs[201] =
    "0001020304050607080910111213141516171819202122232425262728293031"
    "3233343536373839404142434445464748495051525354555657585960616263"
    "6465666768697071727374757677787980818283848586878889909192939495"
    "96979899";

/* %.9g without printf's multi-precision conversion, for the common case: scale |v| to nine
 * digits in double by an exact power of ten (10^k, |k| <= 22: one rounding, at most 2^-24 below
 * 2^30, where the digits are), and accept the result only when that error cannot change the
 * rounded digits (a fraction further than 1e-6 from a half); otherwise return 0 and printf
 * decides. Long double would widen the range, but x87's floor reloads its control word (most
 * of a long run's time series cost) and WebAssembly's is emulated in software. The text follows
 * C's %g rules: fixed notation for decimal exponents -4..8, else d.dddde+XX, trailing zeros
 * dropped. tests/test_csvout.c checks it against printf. */
static size_t fmt_g9(char *buf, double v) {
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    double a = fabs(v);
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    /* The decimal exponent from the binary one, floor(e2 log10 2) (78913 / 2^18 = log10 2 to
     * 6 digits, exact in floor for |e2| < 1650), which is the exponent or one below it: the
     * loop below corrects it. A subnormal's comes out far out of range: printf's turn. */
    int e = ((int)(bits >> 52) - 1023) * 78913 >> 18;
    unsigned long n = 0;
    for (int tries = 0;; tries++) {
        int k = 8 - e; /* x = a * 10^k has nine digits before the point */
        if (k > 22 || k < -22 || tries == 2) return 0;
        double x = k >= 0 ? a * p10[k] : a / p10[-k];
        if (x < 1e8) { /* e was one too high */
            e--;
            continue;
        }
        if (x >= 1e9) {
            e++;
            continue;
        }
        unsigned long whole = (unsigned long)x; /* x < 1e9: truncation is floor, and exact */
        double frac = x - (double)whole;
        if (fabs(frac - 0.5) < 1e-6) return 0; /* too near a tie to trust */
        n = whole + (frac > 0.5);
        if (n == 1000000000UL) n = 100000000UL, e++; /* rounded up to the next power */
        break;
    }
    /* The nine significant digits, two at a time. */
    char d[9];
    uint32_t hi = (uint32_t)(n / 10000), lo = (uint32_t)(n % 10000); /* 5 digits, 4 digits */
    d[0] = (char)('0' + hi / 10000);
    memcpy(d + 1, digit_pairs + 2 * (hi / 100 % 100), 2),
        memcpy(d + 3, digit_pairs + 2 * (hi % 100), 2);
    memcpy(d + 5, digit_pairs + 2 * (lo / 100), 2), memcpy(d + 7, digit_pairs + 2 * (lo % 100), 2);
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
        char tmp[16], *p = tmp + sizeof tmp; /* |v| < 10^9: nine digits and a sign */
        long n = (long)v;
        unsigned long m = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
        for (; m >= 10; m /= 100) p -= 2, memcpy(p, digit_pairs + 2 * (m % 100), 2);
        if (m || p == tmp + sizeof tmp) *--p = (char)('0' + m);
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

char *csvout_plain(char *cell) {
    if (cell[0] == '\'' && cell[1] && strchr("=+-@\t\r", cell[1]))
        memmove(cell, cell + 1, strlen(cell)); /* the NUL too */
    return cell;
}

void csvout_num(FILE *f, double v) {
    char buf[CSVOUT_NUM_MAX];
    fwrite(buf, 1, csvout_fmt_num(buf, v), f);
}

int csvout_copy_rest(FILE *dst, FILE *src, unsigned long long *lines) {
    char buf[1 << 16]; /* a piece at a time: a size for speed, not a bound */
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, src)) > 0) {
        fwrite(buf, 1, n, dst);
        for (const char *c = buf; lines && (c = memchr(c, '\n', (size_t)(buf + n - c))); c++)
            ++*lines;
    }
    return ferror(src) || ferror(dst) ? -1 : 0;
}

int csvout_append(FILE *dst, FILE *tmp) {
    rewind(tmp);
    int rc = csvout_copy_rest(dst, tmp, NULL);
    fclose(tmp);
    return rc;
}

int csvout_open(struct csvout_file *cf, const char *dir, const char *name, char *err,
                size_t errlen) {
    cf->f = NULL;
    cf->tmp[0] = 0;
    /* Room is kept for the temporary name (.NAME.PID-N.tmp, up to 40 bytes longer), so that a
     * name refused is refused here, before anything is made. */
    int n = snprintf(cf->final, sizeof cf->final, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof cf->final - 40) {
        snprintf(err, errlen, "%.200s...: file name too long", cf->final);
        cf->final[0] = 0;
        return FS_EINPUT;
    }
    /* A fresh file, never one that is there: O_EXCL refuses an existing name, a symlink
     * included, so nothing planted at a predictable name is written through. */
    int fd = -1, e = 0;
    for (int k = 0; fd < 0 && k < 1000; k++) {
        n = snprintf(cf->tmp, sizeof cf->tmp, "%s/.%s.%ld-%d.tmp", dir, name, (long)getpid(), k);
        if (n < 0 || (size_t)n >= sizeof cf->tmp) { /* cannot be, with the room kept above */
            snprintf(err, errlen, "%.200s...: file name too long", cf->final);
            cf->tmp[0] = 0;
            return FS_EINPUT;
        }
        fd = open(cf->tmp, O_WRONLY | O_CREAT | O_EXCL | PLAT_O_NOFOLLOW | PLAT_O_CLOEXEC, 0666);
        e = errno;
        if (fd < 0 && e != EEXIST) break;
    }
    if (fd < 0 || !(cf->f = fdopen(fd, "wb"))) {
        if (fd >= 0) e = errno, close(fd), unlink(cf->tmp);
        snprintf(err, errlen, "%s: cannot write: %s", cf->final, strerror(e));
        cf->tmp[0] = 0;
        return fs_errno_status(e);
    }
    setvbuf(cf->f, NULL, _IOFBF, 1 << 16); /* a time series is megabytes: fewer, larger writes */
    return 0;
}

int csvout_close(struct csvout_file *cf, char *err, size_t errlen) {
    int bad = ferror(cf->f);
    if (fclose(cf->f) != 0) bad = 1;
    cf->f = NULL;
    if (bad) {
        snprintf(err, errlen, "%s: write failed (disk full?)", cf->final);
        unlink(cf->tmp);
        return FS_EIO;
    }
    /* rename replaces a symlink at the final name; it never writes through it. */
    if (plat_rename(cf->tmp, cf->final) != 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot put in place: %s", cf->final, strerror(e));
        unlink(cf->tmp);
        return fs_errno_status(e);
    }
    return 0;
}

void csvout_discard(struct csvout_file *cf) {
    if (cf->f) fclose(cf->f);
    cf->f = NULL;
    if (cf->tmp[0]) unlink(cf->tmp);
}
