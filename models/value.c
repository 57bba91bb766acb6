#include "value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "sim/core.h"

static int expected(char *err, size_t errlen, const char *what, const char *got) {
    snprintf(err, errlen, "expected %s, got '%s'", what, got);
    return -1;
}

static const char *skip_ws(const char *s) {
    while (isspace((unsigned char)*s)) s++;
    return s;
}

/* strtod that refuses hex, inf and nan spellings: planners type decimal numbers. */
static int parse_number(const char *s, double *v, const char **end) {
    s = skip_ws(s);
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1]))) return -1;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) return -1;
    char *e;
    errno = 0;
    double x = strtod(s, &e);
    if (e == s || errno == ERANGE || !isfinite(x)) return -1;
    *v = x;
    *end = e;
    return 0;
}

static int only_ws(const char *s) {
    return *skip_ws(s) == 0;
}

#define DURATION_HINT "a duration like 45m, 4h, 2.5d, 6w or 8 (days)"

int val_duration(const char *s, double *days, char *err, size_t errlen) {
    double x;
    const char *e;
    if (parse_number(s, &x, &e) != 0) return expected(err, errlen, DURATION_HINT, s);
    double f = 1.0;
    switch (*e) {
    case 'm':
        f = 1.0 / 1440.0, e++;
        break;
    case 'h':
        f = 1.0 / 24.0, e++;
        break;
    case 'd':
        e++;
        break;
    case 'w':
        f = 7.0, e++;
        break;
    default:
        break;
    }
    if (!only_ws(e)) return expected(err, errlen, DURATION_HINT, s);
    if (x < 0) return expected(err, errlen, "a duration >= 0", s);
    *days = x * f;
    return 0;
}

int val_bare_duration(const char *s) {
    double x;
    const char *e;
    return parse_number(s, &x, &e) == 0 && only_ws(e) && x != 0;
}

int val_rate(const char *s, double *per_day, char *err, size_t errlen) {
    static const char hint[] = "a rate like 300/d, 12.5/h, 2/w or 6/y";
    double x;
    const char *e;
    if (parse_number(s, &x, &e) != 0) return expected(err, errlen, hint, s);
    e = skip_ws(e);
    if (*e != '/') return expected(err, errlen, hint, s);
    e = skip_ws(e + 1);
    double f;
    if (*e == 'd')
        f = 1.0;
    else if (*e == 'h')
        f = 24.0;
    else if (*e == 'w') /* rare events: outbreaks a week, a year */
        f = 1 / 7.0;
    else if (*e == 'y')
        f = 1 / 365.25;
    else
        return expected(err, errlen, hint, s);
    if (!only_ws(e + 1)) return expected(err, errlen, hint, s);
    if (x < 0) return expected(err, errlen, "a rate >= 0", s);
    *per_day = x * f;
    return 0;
}

int val_count(const char *s, double *count, char *err, size_t errlen) {
    const char *p = skip_ws(s);
    if (strncmp(p, "inf", 3) == 0 && only_ws(p + 3)) {
        *count = INFINITY;
        return 0;
    }
    long long v;
    if (val_int(s, 0, 100000000, &v, err, errlen) != 0)
        return expected(err, errlen, "a whole number >= 0 or 'inf'", s);
    *count = (double)v;
    return 0;
}

int val_prob(const char *s, double *p, char *err, size_t errlen) {
    double x;
    const char *e;
    if (parse_number(s, &x, &e) != 0 || !only_ws(e) || x < 0 || x > 1)
        return expected(err, errlen, "a probability between 0 and 1", s);
    *p = x;
    return 0;
}

int val_int(const char *s, long long lo, long long hi, long long *v, char *err, size_t errlen) {
    const char *p = skip_ws(s);
    char *e;
    errno = 0;
    if (!(isdigit((unsigned char)*p) || ((*p == '-' || *p == '+') && isdigit((unsigned char)p[1]))))
        goto bad;
    long long x = strtoll(p, &e, 10);
    if (errno == ERANGE || !only_ws(e) || x < lo || x > hi) goto bad;
    *v = x;
    return 0;
bad:;
    char what[96]; /* fixed text and two numbers: 64 bytes at most */
    snprintf(what, sizeof what, "a whole number from %lld to %lld", lo, hi);
    return expected(err, errlen, what, s);
}

int val_uint64(const char *s, uint64_t *v, char *err, size_t errlen) {
    const char *p = skip_ws(s);
    char *e;
    errno = 0;
    if (!isdigit((unsigned char)*p)) return expected(err, errlen, "a whole number >= 0", s);
    unsigned long long x = strtoull(p, &e, 10);
    if (errno == ERANGE || !only_ws(e)) return expected(err, errlen, "a whole number >= 0", s);
    *v = (uint64_t)x;
    return 0;
}

int val_positive(const char *s, double *v, char *err, size_t errlen) {
    double x;
    const char *e;
    if (parse_number(s, &x, &e) != 0 || !only_ws(e) || !(x > 0))
        return expected(err, errlen, "a number > 0", s);
    *v = x;
    return 0;
}

int val_number(const char *s, double *v, char *err, size_t errlen) {
    double x;
    const char *e;
    if (parse_number(s, &x, &e) != 0 || !only_ws(e)) return expected(err, errlen, "a number", s);
    *v = x;
    return 0;
}

/* Days from civil date (Howard Hinnant's algorithm), proleptic Gregorian. */
static long days_from_civil(long y, unsigned m, unsigned d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

/* y-m-d is a date of the calendar flowsim reads (from 1900). */
static int real_date(int y, int m, int d) {
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] &&
           !(m == 2 && d == 29 && !leap);
}

int val_date(const char *s, long *day, char *err, size_t errlen) {
    const char *p = skip_ws(s);
    int y, m, d, n = 0;
    if (sscanf(p, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || !only_ws(p + n) ||
        !isdigit((unsigned char)p[0]) || p[4] != '-' || p[7] != '-') {
        /* Excel's dates (UK day/month, US month/day): suggest only a reading that can be
         * meant, both when both can, and never guess day from month. */
        int a, b;
        if (sscanf(p, "%2d/%2d/%4d%n", &a, &b, &y, &n) == 3 && only_ws(p + n)) {
            int dm = real_date(y, b, a), md = real_date(y, a, b);
            if (dm && md && a != b) {
                snprintf(err, errlen,
                         "expected a date as YYYY-MM-DD, got '%s' (write %04d-%02d-%02d if that "
                         "is day/month/year, %04d-%02d-%02d if month/day/year; flowsim does not "
                         "guess which comes first)",
                         s, y, b, a, y, a, b);
                return -1;
            }
            if (dm || md) {
                snprintf(err, errlen,
                         "expected a date as YYYY-MM-DD, got '%s' (as %s/year that is "
                         "%04d-%02d-%02d: write that)",
                         s, dm ? "day/month" : "month/day", y, dm ? b : a, dm ? a : b);
                return -1;
            }
        }
        return expected(err, errlen, "a date as YYYY-MM-DD", s);
    }
    if (!real_date(y, m, d)) return expected(err, errlen, "a real calendar date as YYYY-MM-DD", s);
    *day = days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

int val_weekday(long day) {
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    long w = (day + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

void val_format_date(long day, char out[static 11]) {
    long y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    /* "%04u-%02u-%02u" by hand: a date is formatted for every row prefix of the outputs */
    unsigned yy = (unsigned)(y < 0 ? 0 : y % 10000);
    m %= 100, d %= 100;
    const char t[11] = {(char)('0' + yy / 1000),
                        (char)('0' + yy / 100 % 10),
                        (char)('0' + yy / 10 % 10),
                        (char)('0' + yy % 10),
                        '-',
                        (char)('0' + m / 10),
                        (char)('0' + m % 10),
                        '-',
                        (char)('0' + d / 10),
                        (char)('0' + d % 10),
                        0};
    memcpy(out, t, sizeof t);
}

long val_day_of(long y, unsigned m, unsigned d) {
    return days_from_civil(y, m, d);
}

void val_civil_of(long day, long *y, unsigned *m, unsigned *d) {
    civil_from_days(day, y, m, d);
}

#define DIST_HINT                                                                                  \
    "a distribution: exp(MEAN), lognormal(MEAN, SD), gamma(MEAN, SD), weibull(SHAPE, SCALE), "     \
    "uniform(MIN, MAX), triangular(MIN, MODE, MAX), fixed(X) or empirical(FILE.csv)"

int val_dist(const char *s, struct val_dist *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    const char *p = skip_ws(s);
    char name[16]; /* the longest kind is 10 letters: a longer word, even cut, is none of them */
    size_t n = 0;
    while (isalpha((unsigned char)p[n]) && n < sizeof name - 1) name[n] = p[n], n++;
    name[n] = 0;
    int kind = dist_kind_by_name(name);
    const char *q = skip_ws(p + n);
    const char *close = strrchr(q, ')');
    if (kind < 0 || *q != '(' || !close || !only_ws(close + 1))
        return expected(err, errlen, DIST_HINT, s);
    q++;
    out->kind = (enum dist_kind)kind;
    if (kind == DIST_EMPIRICAL) {
        const char *a = skip_ws(q), *b = close;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        if (b == a) return expected(err, errlen, "empirical(FILE.csv) with a file name", s);
        out->file = fs_malloc((size_t)(b - a) + 1);
        memcpy(out->file, a, (size_t)(b - a));
        out->file[b - a] = 0;
        return 0;
    }
    int want = dist_nparams(out->kind);
    for (int i = 0; i < want; i++) {
        /* Copy one argument (up to ',' or ')') and parse it. */
        const char *e = q;
        while (e < close && *e != ',') e++;
        if ((i < want - 1) != (e < close) || e == q) {
            char what[FS_MSG_MAX];
            snprintf(what, sizeof what, "%s with %d argument%s", name, want, want > 1 ? "s" : "");
            return expected(err, errlen, what, s);
        }
        char arg[64]; /* a number with its unit: a longer one is refused below, not cut */
        size_t len = (size_t)(e - q);
        if (len >= sizeof arg) return expected(err, errlen, DIST_HINT, s);
        memcpy(arg, q, len);
        arg[len] = 0;
        char sub[FS_MSG_MAX];
        int rc;
        if (out->kind == DIST_WEIBULL && i == 0) {
            const char *ae;
            rc = parse_number(arg, &out->p[i], &ae) != 0 || !only_ws(ae) ? -1 : 0;
            if (rc) snprintf(sub, sizeof sub, "a number for the Weibull shape, got '%s'", arg);
        } else {
            rc = val_duration(arg, &out->p[i], sub, sizeof sub);
        }
        if (rc) {
            snprintf(err, errlen, "%s: argument %d: %s", name, i + 1, sub);
            return -1;
        }
        q = e + 1;
    }
    /* Range checks live with the sampler, so every route into a dist is checked alike. */
    struct dist d;
    char why[FS_MSG_MAX];
    if (dist_init(&d, out->kind, out->p, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s, got '%s'", why, s);
        return -1;
    }
    dist_fini(&d);
    return 0;
}

void val_route_fini(struct val_route *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) fs_free(r->dest[i]);
    fs_free(r->dest);
    fs_free(r->prob);
    memset(r, 0, sizeof *r);
}

#define ROUTE_HINT "a routing list like 'acute 0.3, exit 0.7' (probabilities summing to 1)"

int val_route(const char *s, struct val_route *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    const char *p = s;
    double sum = 0;
    for (;;) {
        p = skip_ws(p);
        const char *a = p;
        while (*p && !isspace((unsigned char)*p) && *p != ',') p++;
        if (p == a) goto bad;
        size_t len = (size_t)(p - a);
        double prob;
        const char *e;
        if (parse_number(p, &prob, &e) != 0) goto bad;
        p = skip_ws(e);
        if (*p && *p != ',') goto bad;
        if (prob < 0 || prob > 1) {
            val_route_fini(out);
            return expected(err, errlen, "each routing probability between 0 and 1", s);
        }
        if (out->n == cap) {
            size_t c2 = cap;
            fs_grow((void **)&out->dest, &cap, out->n + 1, sizeof *out->dest);
            fs_grow((void **)&out->prob, &c2, out->n + 1, sizeof *out->prob);
        }
        out->dest[out->n] = fs_malloc(len + 1);
        memcpy(out->dest[out->n], a, len);
        out->dest[out->n][len] = 0;
        for (size_t i = 0; i < out->n; i++)
            if (strcmp(out->dest[i], out->dest[out->n]) == 0) {
                out->n++;
                val_route_fini(out);
                return expected(err, errlen, "each destination once in a routing list", s);
            }
        out->prob[out->n++] = prob;
        sum += prob;
        if (!*p) break;
        p++;
    }
    if (fabs(sum - 1.0) > 1e-6) {
        val_route_fini(out);
        char what[96]; /* fixed text and one %.6g number: 70 bytes at most */
        snprintf(what, sizeof what, "routing probabilities summing to 1 (they sum to %.6g)", sum);
        return expected(err, errlen, what, s);
    }
    return 0;
bad:
    val_route_fini(out);
    return expected(err, errlen, ROUTE_HINT, s);
}
