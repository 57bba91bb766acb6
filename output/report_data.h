/* report_data.h — what the report reads: a run's time series (timeseries.csv, warmup.csv) as
 * series[unit|metric][bucket][replication], a comparison (comparison.csv, sweep.csv) checked
 * cell by cell, and the kinds of a results folder's units for the headline rule. */
#ifndef FS_REPORT_DATA_H
#define FS_REPORT_DATA_H

#include <stddef.h>

#include "models/table.h"

struct series {
    char *unit, *metric;
    double *v; /* nb x nrep, NAN where missing */
};

struct runts {
    size_t nb, nrep, ns;
    double *time;
    char (*date)[17]; /* YYYY-MM-DD, or YYYY-MM-DDTHH:MM with an interval under a day, as
                         results.c writes them (a longer cell is refused) */
    struct series *s;
    char *scenario;
};

/* Read a time series file (timeseries.csv's columns). Returns 0, or -1 with a message (a damaged
 * cell named by its line). runts_fini frees it. */
int rd_timeseries(const char *path, struct runts *t, char *err, size_t errlen);
void runts_fini(struct runts *t);
/* The series of (unit, metric), or NULL. */
struct series *rd_find(const struct runts *t, const char *unit, const char *metric);
/* Mean and the 5% and 95% quantiles (linear interpolation) across replications, per bucket
 * (arrays of t->nb; NAN where a bucket has no value). */
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
