#include "axis.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/value.h"

/* Two ends closer than 2^-40 of their magnitude are one value to a chart (a 280-pixel axis
 * resolves 1/280). Above it, steps are at least 2^-40 / 16.5 of the magnitude (a step is no
 * smaller than the range / (1.5 x 11)), thousands of ulps: ticks are distinct doubles, their
 * index fits 2^53, and a label needs at most 15 significant digits. */
#define REL_RES 0x1p-40
/* The narrowest span: its steps (down to span / 16.5) stay normal doubles, whose powers of ten
 * pow() gives. A limit of the number format, met only by subnormal data. */
#define MIN_SPAN (DBL_MIN * 1e6)
/* Plain decimals up to this many characters ("1000000", "0.00025"), beyond it scientific: a
 * label of 11-pixel type wider than this meets the y axis' title in the report's 62-pixel
 * margin. */
#define LABEL_PLAIN 7
/* Tick indices are whole numbers below 2^53, exact as doubles. */
#define MAX_INDEX 0x1p53

/* n x mant x 10^exp from whole numbers: n x mant is exact, and one rounding by the power of
 * ten (10^-exp is exact to 10^22, and correctly rounded beyond), so ticks do not drift. */
static double scaled(long long n, int mant, int exp) {
    double m = (double)n * mant;
    return exp >= 0 ? m * pow(10, exp) : m / pow(10, -exp);
}

/* Heckbert's nicenum: x (> 0, a normal double) as 1, 2, 5 or 10 x 10^e, rounded to the nearest
 * (round) or up to the next (ceiling) of them; 10 x 10^e comes back as 1 x 10^(e+1). */
static void nicenum(double x, int round, int *mant, int *exp) {
    int e = (int)floor(log10(x));
    double f = e >= 0 ? x / pow(10, e) : x * pow(10, -e);
    if (f >= 10) f /= 10, e++; /* log10 a hair off at a power of ten */
    if (f < 1) f *= 10, e--;
    int m = round ? (f < 1.5 ? 1
                     : f < 3 ? 2
                     : f < 7 ? 5
                             : 10)
                  : (f <= 1   ? 1
                     : f <= 2 ? 2
                     : f <= 5 ? 5
                              : 10);
    if (m == 10) m = 1, e++;
    *mant = m, *exp = e;
}

/* The next nice step up: 1, 2, 5, 10, 20, ... */
static void next_nice(int *mant, int *exp) {
    if (*mant == 1)
        *mant = 2;
    else if (*mant == 2)
        *mant = 5;
    else
        *mant = 1, ++*exp;
}

/* The ticks of step mant x 10^exp just outside [lo, hi]; 0 when their indices would not be
 * exact (a step too fine for the range: the caller takes a coarser one). */
static int place(double lo, double hi, int mant, int exp, struct axis *ax) {
    double step = scaled(1, mant, exp);
    if (fabs(lo / step) >= MAX_INDEX || fabs(hi / step) >= MAX_INDEX) return 0;
    long long a = (long long)floor(lo / step), b = (long long)ceil(hi / step);
    while (scaled(a, mant, exp) > lo) a--; /* lo / step rounded up past a whole number */
    while (scaled(b, mant, exp) < hi) b++;
    if (b - a + 1 > AXIS_MAX_TICKS * 4) return 0; /* far too fine: no use counting */
    *ax = (struct axis){scaled(a, mant, exp), scaled(b, mant, exp), step, mant, exp, a,
                        (int)(b - a + 1)};
    return 1;
}

int axis_nice(double lo, double hi, int target, struct axis *ax) {
    if (!isfinite(lo) || !isfinite(hi)) return AXIS_EDOMAIN;
    if (fabs(lo) > AXIS_MAX_ABS || fabs(hi) > AXIS_MAX_ABS) return AXIS_ERANGE;
    if (lo > hi) {
        double t = lo;
        lo = hi, hi = t;
    }
    target = target < 2 ? 2 : target > AXIS_MAX_TICKS ? AXIS_MAX_TICKS : target;
    int bound = 2 * target < AXIS_MAX_TICKS ? 2 * target : AXIS_MAX_TICKS;
    double mag = fmax(fabs(lo), fabs(hi));
    if (hi - lo <= mag * REL_RES || hi - lo < MIN_SPAN) {
        /* One value: a window from 0 to twice it, the value in the middle. */
        double v = lo / 2 + hi / 2;
        lo = v == 0 ? 0 : fmin(0, 2 * v);
        hi = v == 0 ? 1 : fmax(0, 2 * v);
        if (hi - lo < MIN_SPAN) { /* a subnormal value */
            if (v > 0)
                hi = MIN_SPAN;
            else
                lo = -MIN_SPAN;
        }
    }
    /* Heckbert: the range rounded up to a nice number, then a nice step for target ticks. */
    int mant, exp;
    nicenum(hi - lo, 0, &mant, &exp);
    nicenum(scaled(1, mant, exp) / (target - 1), 1, &mant, &exp);
    /* Coarser until the count is within the bound: at most a few rounds, as each step up
     * divides the count by 2 to 2.5. */
    while (!place(lo, hi, mant, exp, ax) || ax->count > bound) next_nice(&mant, &exp);
    return AXIS_OK;
}

int axis_nice_within(double lo, double hi, int target, double lower, double upper,
                     struct axis *ax) {
    if (isnan(lower) || isnan(upper) || !(lower < upper)) return AXIS_EDOMAIN;
    if (!isfinite(lo) || !isfinite(hi)) return AXIS_EDOMAIN;
    lo = fmin(fmax(lo, lower), upper);
    hi = fmin(fmax(hi, lower), upper);
    struct axis a;
    int rc = axis_nice(lo, hi, target, &a);
    if (rc != AXIS_OK) return rc;
    while (a.count > 0 && axis_tick(&a, 0) < lower) a.first++, a.count--;
    while (a.count > 0 && axis_tick(&a, a.count - 1) > upper) a.count--;
    a.min = fmax(a.min, lower);
    a.max = fmin(a.max, upper);
    *ax = a;
    return AXIS_OK;
}

double axis_tick(const struct axis *ax, int i) {
    return scaled(ax->first + i, ax->mant, ax->exp);
}

/* s, a number printed by %e, in fewer characters: without the zeros that end its mantissa, the
 * exponent's plus sign and leading zeros ("2.50e+03" is "2.5e3", "1e-07" is "1e-7"). */
static void shorten(char *s) {
    char *e = strchr(s, 'e');
    if (!e) return;
    char *end = e;
    while (end > s && end[-1] == '0') end--;
    if (end > s && end[-1] == '.') end--;
    char *x = e + 1, *out = end;
    *out++ = 'e';
    if (*x == '-') *out++ = *x;
    if (*x == '-' || *x == '+') x++;
    while (*x == '0' && x[1]) x++;
    memmove(out, x, strlen(x) + 1);
}

int axis_label(const struct axis *ax, int i, char *buf, size_t len) {
    double v = axis_tick(ax, i);
    if (v == 0) return snprintf(buf, len, "0"); /* never "-0" */
    /* Digits to the step's place, measured on the largest tick so all labels agree. */
    double big = fmax(fabs(axis_tick(ax, 0)), fabs(axis_tick(ax, ax->count - 1)));
    int emax = (int)floor(log10(fmax(big, fabs(v))));
    int ints = emax >= 0 ? emax + 1 : 1, decs = ax->exp < 0 ? -ax->exp : 0;
    if (ints + (decs ? decs + 1 : 0) + (v < 0) <= LABEL_PLAIN)
        return snprintf(buf, len, "%.*f", decs, v);
    int sig = emax - ax->exp + 1;
    sig = sig < 1 ? 1 : sig > 17 ? 17 : sig;
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.*e", sig - 1, v);
    shorten(tmp);
    return snprintf(buf, len, "%s", tmp);
}

/* ---- dates ------------------------------------------------------------------------------------
 */

static long floor_div(long a, long b) {
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}
static long ceil_div(long a, long b) {
    return -floor_div(-a, b);
}

static const char *const month_name[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The k-th interval of months: 1, 2, 3, 6, 12 months, then 2, 5, 10, 20, 50... years. */
static long month_interval(int k) {
    static const long first[] = {1, 2, 3, 6, 12}, nice[] = {1, 2, 5};
    if (k < 5) return first[k];
    long years = nice[(k - 4) % 3];
    for (int j = 0; j < (k - 4) / 3; j++) years *= 10;
    return 12 * years;
}

/* Ticks at month starts m0..m1 (months since year 0: 12 y + month - 1), every k months. */
static int month_ticks(long start_day, long m0, long m1, int target, struct axis_date_tick *tick) {
    long k = 1;
    for (int j = 1; floor_div(m1, k) - ceil_div(m0, k) + 1 > target; j++) k = month_interval(j);
    int n = 0;
    for (long q = ceil_div(m0, k); q * k <= m1 && n < AXIS_MAX_TICKS; q++) {
        long mi = q * k, y = floor_div(mi, 12);
        unsigned m = (unsigned)(mi - 12 * y) + 1;
        tick[n].x = (double)(val_day_of(y, m, 1) - start_day);
        if (k >= 12)
            snprintf(tick[n].label, sizeof tick[n].label, "%ld", y);
        else
            snprintf(tick[n].label, sizeof tick[n].label, "%s %ld", month_name[m - 1], y);
        n++;
    }
    return n;
}

/* Ticks at days d0..d1, every 1, 2, 7, 14, 28, 56... days (weekly ones and over on Mondays). */
static int day_ticks(long start_day, long d0, long d1, int target, struct axis_date_tick *tick) {
    static const long steps[] = {1, 2, 7, 14};
    long s = 1, off = 0;
    for (int j = 0; floor_div(d1 - off, s) - ceil_div(d0 - off, s) + 1 > target; j++) {
        s = j < 4 ? steps[j] : 2 * s;
        off = s >= 7 ? 4 : 0; /* day 4, 1970-01-05, was a Monday */
    }
    int n = 0;
    for (long q = ceil_div(d0 - off, s); q * s + off <= d1 && n < AXIS_MAX_TICKS; q++) {
        long day = q * s + off, y;
        unsigned m, d;
        val_civil_of(day, &y, &m, &d);
        tick[n].x = (double)(day - start_day);
        snprintf(tick[n].label, sizeof tick[n].label, "%u %s %ld", d, month_name[m - 1], y);
        n++;
    }
    return n;
}

int axis_dates(long start_day, double x0, double x1, int target,
               struct axis_date_tick tick[AXIS_MAX_TICKS], int *n) {
    *n = 0;
    if (!isfinite(x0) || !isfinite(x1) || x1 < x0) return AXIS_EDOMAIN;
    if (fabs(x0) > AXIS_MAX_DAYS || fabs(x1) > AXIS_MAX_DAYS ||
        fabs((double)start_day) > AXIS_MAX_DAYS)
        return AXIS_ERANGE;
    target = target < 2 ? 2 : target > AXIS_MAX_TICKS ? AXIS_MAX_TICKS : target;
    long d0 = start_day + (long)ceil(x0), d1 = start_day + (long)floor(x1);
    if (d1 < d0) return AXIS_OK; /* within one day: no midnight to mark */
    long y;
    unsigned m, d;
    val_civil_of(d0, &y, &m, &d);
    long m0 = 12 * y + (long)m - 1 + (d > 1); /* the first month start on or after d0 */
    val_civil_of(d1, &y, &m, &d);
    long m1 = 12 * y + (long)m - 1; /* the last on or before d1 */
    *n = m1 - m0 + 1 >= 3 ? month_ticks(start_day, m0, m1, target, tick)
                          : day_ticks(start_day, d0, d1, target, tick);
    return AXIS_OK;
}
