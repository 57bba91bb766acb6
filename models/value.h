/* value.h — parsers for the value syntaxes of the scenario contract (durations, rates,
 * counts, probabilities, dates, distributions, routing lists).
 *
 * Each returns 0 on success, or -1 with err set to "expected ..., got '...'" so that the
 * loader can prefix FILE:LINE: key:. Durations are returned in days. */
#ifndef FS_VALUE_H
#define FS_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/dist.h"

int val_duration(const char *s, double *days, char *err, size_t errlen);
/* Whether s, a duration val_duration reads, is a number other than 0 with no unit: read as
 * days, which is worth a warning (3 meant as hours is 3 days). */
int val_bare_duration(const char *s);
int val_rate(const char *s, double *per_day, char *err, size_t errlen);
/* A whole number >= 0, or "inf" (stored as +infinity). */
int val_count(const char *s, double *count, char *err, size_t errlen);
int val_prob(const char *s, double *p, char *err, size_t errlen);
/* A whole number in [lo, hi]. */
int val_int(const char *s, long long lo, long long hi, long long *v, char *err, size_t errlen);
int val_uint64(const char *s, uint64_t *v, char *err, size_t errlen);
/* A number > 0 (population sizes and the like). */
int val_positive(const char *s, double *v, char *err, size_t errlen);
/* A plain finite decimal number with no unit, as a CSV cell or a command-line value holds one:
 * "30", "-2.5", "1e3". Refused, never read as their leading digits or as 0: an empty string,
 * "xx", "30%", a decimal comma "30,5", hex, inf and nan ("expected a number, got '30%'"). */
int val_number(const char *s, double *v, char *err, size_t errlen);
/* ISO YYYY-MM-DD as a day number (days since 1970-01-01). */
int val_date(const char *s, long *day, char *err, size_t errlen);
/* Day of the week of a day number, Monday = 0. */
int val_weekday(long day);
/* Writes YYYY-MM-DD (11 bytes with the NUL). */
void val_format_date(long day, char out[static 11]);
/* The proleptic Gregorian calendar both ways (Howard Hinnant's algorithms), any year: the day
 * number (days since 1970-01-01) of y-m-d (m 1..12, d 1..31), and the y-m-d of a day number. */
long val_day_of(long y, unsigned m, unsigned d);
void val_civil_of(long day, long *y, unsigned *m, unsigned *d);

/* A distribution. For empirical(FILE) the parameters are untouched and *file receives a
 * freshly allocated copy of FILE (caller frees); otherwise *file is NULL. */
struct val_dist {
    enum dist_kind kind;
    double p[3];
    char *file;
};
int val_dist(const char *s, struct val_dist *out, char *err, size_t errlen);

/* A routing list "DEST PROB, DEST PROB". Names are freshly allocated (free with
 * val_route_fini); probabilities sum to 1 within 1e-6. */
struct val_route {
    size_t n;
    char **dest;
    double *prob;
};
int val_route(const char *s, struct val_route *out, char *err, size_t errlen);
void val_route_fini(struct val_route *r);

#endif
