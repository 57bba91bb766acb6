/* results.h — the files of one run: timeseries.csv streamed as each replication finishes (in
 * replication order), then summary.csv, scenario.resolved.ini and run-info.
 *
 * Every file is written under a temporary name and renamed only when the whole run has
 * succeeded, so a results folder never holds a half-written or mismatched file. */
#ifndef FS_RESULTS_H
#define FS_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "models/flow.h"
#include "models/metrics.h"
#include "models/scenario.h"

struct results;

struct results_info {
    const char *version;
    const char *git_rev;
    const char *command; /* the command line, for the record */
    int threads;
    double wall_seconds;
};

/* Create dir (and parents) and start the files. Returns NULL with a message on failure. */
struct results *results_open(const char *dir, const struct scenario *sc,
                             const struct metric_layout *ml, char *err, size_t errlen);
/* One replication's time-series rows as CSV text (freshly allocated). Reads rs only, so the
 * threads that ran the replications format their own rows in parallel. */
int results_format(const struct results *rs, const struct flow_result *res, char **text,
                   size_t *len, char *err, size_t errlen);
/* Write one replication's rows — text from results_format, or formatted here straight into
 * the file when text is NULL (no copy held) — and fold its summary in. Replications must come
 * in order. */
int results_add(struct results *rs, const struct flow_result *res, const char *text, size_t len,
                char *err, size_t errlen);
/* Write the rest and rename everything into place; frees rs. */
int results_commit(struct results *rs, const struct results_info *info, char *err, size_t errlen);
/* Delete the temporary files, and the folder if results_open created it (it is left as it
 * was); frees rs (accepts NULL). */
void results_abort(struct results *rs);

/* Slot's mean over the replications added so far and its 95% half-width (infinite with fewer
 * than 2); returns how many replications defined it. */
size_t results_stat(const struct results *rs, size_t slot, double *mean, double *half);

/* Totals over the replications added so far. */
uint64_t results_events(const struct results *rs);
uint64_t results_patients(const struct results *rs);

#endif
