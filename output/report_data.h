/* report_data.h — what the report reads: a run's time series (timeseries.csv, warmup.csv) as
 * the bands the page draws, series[unit|metric][bucket], read as a stream; a comparison
 * (comparison.csv, sweep.csv) checked cell by cell; and the kinds of a results folder's units for
 * the headline rule.
 *
 * Memory: the time series is read a row at a time (table_each), and only the series the page
 * draws are kept (rd_drawn), each as its mean and 5-95% band per bucket: a replication's values
 * of them in memory, the others' in a temporary file read back a block at a time (as series.c
 * does), so the peak is in proportion to drawn series x buckets, not to the replications or the
 * file (tests/test_report_data.c). */
#ifndef FS_REPORT_DATA_H
#define FS_REPORT_DATA_H

#include <stddef.h>

#include "models/table.h"

struct series {
    char *unit, *metric;
    /* per bucket (nb each), across replications: the 5% and 95% quantiles (linear
     * interpolation) and the mean; NAN where a bucket has no value */
    double *lo, *mid, *hi;
    double total; /* every value of every replication summed, bucket by bucket */
    /* a unit's occupancy, where it has occupancy_pct too: its places open (occupancy /
     * (occupancy_pct / 100) in each replication and bucket; none where 0), as a series of the
     * same shape; else NULL */
    struct series *open;
};

struct rd_map; /* (unit, metric) -> series, open addressing */

struct runts {
    size_t nb, nrep, ns;
    double *time;
    char (*date)[24]; /* YYYY-MM-DD, or YYYY-MM-DDTHH:MM with an interval under a day, as
                         results.c writes them (a longer cell is refused) */
    struct series *s; /* the drawn series, in the order of replication 1's rows */
    char *scenario;
    struct rd_map *map;
    size_t bytes; /* the most this reading held at once for its keys (report_data.c's
                     note_bytes; the tests' measure) */
};

/* Is metric one a page draws (the charts of report.c's run_sections and its warm-up)? */
int rd_drawn(const char *metric);
/* Read a time series file (timeseries.csv's columns), rows replication by replication as
 * flowsim writes them: replication 1's first (they name the buckets and series), the others in
 * any order. Returns 0, or -1 with a message (a damaged cell named by its line; a replication's
 * row before replication 1's end), or FS_ECREATE when the temporary file for the replications'
 * values cannot be made or written (its errno's message). runts_fini frees it. */
int rd_timeseries(const char *path, struct runts *t, char *err, size_t errlen);
void runts_fini(struct runts *t);
/* The series of (unit, metric), or NULL: O(1). */
struct series *rd_find(const struct runts *t, const char *unit, const char *metric);
/* s's mean and 5% and 95% quantiles per bucket, copied into lo, mid, hi (arrays of t->nb). */
void rd_bands(const struct runts *t, const struct series *s, double *lo, double *mid, double *hi);

/* comparison.csv or sweep.csv (metric,unit,scenario or variant, then numbers, each empty where
 * undefined) as a table whose number cells are checked once. Returns 0 or -1 with a message. */
int rd_comparison(const char *path, struct table *t, char *err, size_t errlen);

/* The kind of each unit (an enum unit_kind) of the rows of tb whose column cscen equals the
 * first row's (the base scenario), told by a metric only that kind reports (the registry's
 * WHEN: MW_ACUTE, MW_AE; tests/test_report.c fails if another kind gets a headline); metric and
 * unit in columns cmet and cunit. rd_headline is the one headline rule on it. */
struct rd_kinds;
struct rd_kinds *rd_kinds_of(const struct table *tb, int cmet, int cunit, int cscen);
int rd_headline(const struct rd_kinds *k, const char *unit, const char *metric);
void rd_kinds_free(struct rd_kinds *k);

/* The column of tb's header named name, or -1. */
int rd_column(const struct table *tb, const char *name);

#endif
