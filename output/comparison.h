/* comparison.h — comparison.csv: each scenario's metrics across replications and their paired
 * differences from the base scenario (the first), which common random numbers make precise. */
#ifndef FS_COMPARISON_H
#define FS_COMPARISON_H

#include <stddef.h>

/* One scenario's results: nslots metrics named by (unit, metric) — unit "" for the system —
 * with value[r * nslots + k] the whole-run value of metric k in replication r (NAN where
 * undefined). */
struct cmp_scenario {
    const char *name;
    size_t nslots, nrep;
    const char *const *unit;
    const char *const *metric;
    const double *value;
};

/* The index of (unit, metric) in s, or -1. */
int cmp_find(const struct cmp_scenario *s, const char *unit, const char *metric);

/* Write dir/file (complete or absent) with the columns
 * metric,unit,LABEL,mean,ci95_low,ci95_high,diff_vs_base,diff_ci95_low,diff_ci95_high: for
 * every scenario and metric, mean and 95% interval (cut at the metric's range, metric_bounds, as
 * summary.csv's), and for metrics the base (the first) also
 * has, the paired difference from the base and its 95% interval (empty on the base's rows).
 * LABEL names the third column ("scenario", or "variant" for a sweep). Returns 0, or -1. */
int comparison_write(const char *dir, const char *file, const char *label,
                     const struct cmp_scenario *sc, size_t nsc, char *err, size_t errlen);

#endif
