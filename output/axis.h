/* axis.h — chart axes for the report: "nice" ticks over any finite range of numbers, ticks at
 * month starts for time axes, and ranges cut to the values a metric can take.
 *
 * Numbers: Heckbert's loose labelling ("Nice numbers for graph labels", Graphics Gems, 1990):
 * the tick step is 1, 2 or 5 x 10^k, chosen from the range itself, and the axis widens to the
 * ticks just outside the data. Every rule is relative to the data (no absolute tolerance), so
 * an axis of 0..1e-300 and one of -1e300..1e300 are drawn alike. The tick count never exceeds
 * min(2 x target, AXIS_MAX_TICKS): a page's size stays in proportion to its charts.
 *
 * Invariants of a struct axis made here: min < max, both finite; ticks are exact multiples
 * n x mant x 10^exp (n whole), in [min, max], strictly increasing, and their labels
 * (axis_label) differ from their neighbours and are never "-0". */
#ifndef FS_AXIS_H
#define FS_AXIS_H

#include <stddef.h>

/* Never more ticks than this on one axis (12 gridlines are plenty on a 280-pixel chart). */
#define AXIS_MAX_TICKS 12

/* The largest magnitude an axis takes: DBL_MAX / 16, so that the widened ends and a step of up
 * to twice the range stay finite doubles. A limit of the number format, not a tolerance. */
#define AXIS_MAX_ABS (1.7976931348623157e308 / 16)

/* Status codes. */
enum {
    AXIS_OK = 0,
    AXIS_EDOMAIN = -1, /* an argument is NaN or infinite (a bound may be infinite), or the bounds
                          are not lower < upper */
    AXIS_ERANGE = -2   /* a value beyond +-AXIS_MAX_ABS (or a date axis beyond AXIS_MAX_DAYS) */
};

struct axis {
    double min, max; /* the axis' ends: the data widened to the outer ticks, cut at the bounds */
    double step;     /* distance between ticks, mant x 10^exp, > 0 */
    int mant;        /* 1, 2 or 5 */
    int exp;         /* the power of ten of step */
    long long first; /* the first tick is first x mant x 10^exp */
    int count;       /* number of ticks: 1..AXIS_MAX_TICKS (2 or more unless a bound cut some) */
};

/* A nice axis over the data range [lo, hi] (either order) with about target ticks (clamped to
 * 2..AXIS_MAX_TICKS; at most 2 x target). A range narrower than 2^-40 of its magnitude (equal
 * ends, one ulp apart) or than DBL_MIN x 10^6 is a single value v, drawn on [min(0, 2v),
 * max(0, 2v)], and 0 on [0, 1]: a flat line in the middle of a chart that starts at 0.
 * Returns AXIS_OK, AXIS_EDOMAIN (lo or hi NaN or infinite) or AXIS_ERANGE (|lo| or |hi| >
 * AXIS_MAX_ABS); *ax is set only on AXIS_OK. */
int axis_nice(double lo, double hi, int target, struct axis *ax);

/* axis_nice for a metric that can only take values in [lower, upper] (metric_bounds; either
 * may be infinite): the data are first cut to the bounds, and the axis' ends and ticks beyond
 * them are dropped, so that nothing is drawn below 0 for a non-negative metric or above 100 for
 * a percentage. AXIS_EDOMAIN also when a bound is NaN or lower >= upper. */
int axis_nice_within(double lo, double hi, int target, double lower, double upper, struct axis *ax);

/* The value of tick i, 0 <= i < ax->count: (first + i) x mant x 10^exp, computed from whole
 * numbers so ticks do not drift as a sum of steps would. */
double axis_tick(const struct axis *ax, int i);

/* Tick i's label into buf (len bytes; 32 always suffice): plain decimals with the step's
 * decimal places ("0.25", "1200") where that takes at most 7 characters, else scientific with
 * as many significant digits as the step needs, in short form ("2.5e299", "1e-7"). 0 is "0",
 * never "-0". Returns the length written (snprintf's). */
int axis_label(const struct axis *ax, int i, char *buf, size_t len);

/* ---- time axes --------------------------------------------------------------------------------
 */

/* The furthest from day 0 a date axis goes, in days (about a million years): days stay exact
 * and years fit a label. */
#define AXIS_MAX_DAYS 3.65e8

struct axis_date_tick {
    double x;       /* days from day 0 (the start day), as the chart's x axis */
    char label[40]; /* "Oct 2025" (a month start), "2031" (1 January, yearly ticks) or
                       "6 Oct 2025" (a day, for runs too short for three month starts) */
};

/* Date ticks for an x axis over [x0, x1] days from start_day (a day number, days since
 * 1970-01-01, as val_date gives): ticks on the first of the month, every 1, 2, 3, 6 or 12
 * months, or every 2, 5, 10, 20, 50... years, the finest with at most target ticks (clamped to
 * 2..AXIS_MAX_TICKS), each aligned to the calendar (3-monthly ticks fall on January, April, July
 * and October; yearly on 1 January). A range holding fewer than three month starts gets day
 * ticks every 1, 2, 7 or 14 days (7 and 14 on Mondays). Writes *n ticks (0..AXIS_MAX_TICKS, 0
 * for a range within one day) into tick[AXIS_MAX_TICKS], in order. Returns AXIS_OK,
 * AXIS_EDOMAIN (x0 or x1 NaN or infinite, or x1 < x0) or AXIS_ERANGE (|x0|, |x1| or the
 * dates beyond AXIS_MAX_DAYS). */
int axis_dates(long start_day, double x0, double x1, int target,
               struct axis_date_tick tick[AXIS_MAX_TICKS], int *n);

#endif
