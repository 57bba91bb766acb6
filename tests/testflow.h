/* testflow.h — the model run in-process for unit tests of the engine (test_flow, test_frontdoor,
 * test_discharge): a scenario from text, its metric layout, a replication's result, and the
 * values by unit and metric name. */
#ifndef FS_TESTFLOW_H
#define FS_TESTFLOW_H

#include <stddef.h>

#include "models/flow.h"
#include "models/metrics.h"
#include "models/scenario.h"

struct run {
    struct scenario *sc;
    struct metric_layout ml;
    struct flow_result *res; /* NULL until tf_rep */
};

/* Write text to DIR/name (a scenario's CSV table, say). */
void tf_put(const char *dir, const char *name, const char *text);
/* Load text as DIR/s.ini and lay out its metrics (by_group: the per-group slots too); a bad
 * scenario fails the test with the loader's message. */
void tf_load(struct run *r, const char *dir, const char *text, int by_group);
/* Run replication rep (0-based) with options o (NULL: none), replacing any earlier result. */
void tf_rep(struct run *r, int rep, const struct flow_opts *o);
void tf_done(struct run *r);
/* The slot of unit's (NULL: the system's) metric, or -1. */
int tf_slot(const struct run *r, const char *unit, const char *metric);
/* The report-window value, or that of one bucket; a missing slot fails the test. */
double tf_get(const struct run *r, const char *unit, const char *metric);
double tf_at(const struct run *r, size_t bucket, const char *unit, const char *metric);
/* Load text as in tf_load and run replications 0..n-1 (n at most 16): the mean of unit's
 * metric over them and the half-width of its 99.9% Student-t interval. */
void tf_mean_over_reps(const char *dir, const char *text, int by_group, int n, const char *unit,
                       const char *metric, double *mean, double *half);

#endif
