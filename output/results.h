/* results.h — the files of one run: timeseries.csv streamed as each replication finishes (in
 * replication order), then summary.csv, scenario.resolved.ini and run-info.
 *
 * The files are written into a private folder the caller gives (a results folder's staging
 * folder, outdir.h, which publishes them only when the whole run has succeeded; or an MPI
 * rank's part), so a results folder never holds a half-written or mismatched file. */
#ifndef FS_RESULTS_H
#define FS_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
    int ranks;               /* MPI processes (0 or 1: none) */
    const char *merged_from; /* flowsim merge: the parts, or NULL */
};

/* What run-info records of the run itself. */
struct results_counts {
    const char *scenario, *scenario_file;
    uint64_t seed;
    int replications;         /* in these results */
    int first_rep, part_nrep; /* a part: replications first_rep+1 .. first_rep+part_nrep */
    int total;                /* a part: the scenario's replications */
    unsigned long long events, patients, peak_patients;
};

#define RESULTS_SUMMARY_HEADER "scenario,unit,metric,mean,sd,ci95_low,ci95_high,replications\n"
struct welford;
/* One summary.csv row (names already quoted), shared with flowsim merge so that a merged
 * summary is the same bytes. */
void results_summary_row(FILE *f, const char *q_scenario, const char *q_unit, const char *q_metric,
                         const struct welford *w);
/* The run-info file. */
void results_write_run_info(FILE *f, const struct results_info *info,
                            const struct results_counts *n);

/* A bucket's date as timeseries.csv, warmup.csv and series.csv write it, time t days from the
 * start: YYYY-MM-DD for an interval of a day or more (as always), YYYY-MM-DDTHH:MM (ISO 8601,
 * to the nearest minute) under a day, where a date has several rows; HH:MM:SS under a minute and
 * HH:MM:SS.mmm under a second. */
#define RESULTS_DATE_MAX 24
void results_format_date(const struct scenario *sc, double t, char out[static RESULTS_DATE_MAX]);

/* Excel's rows a sheet (header included): a bigger CSV is cut when opened. */
#define RESULTS_EXCEL_ROWS 1048576
/* The warning for a CSV file (its name: "timeseries.csv", SERIES_FILE or "warmup.csv") of rows
 * data rows (and a header) that Excel would cut, with that file's remedies, ending in a newline;
 * "" when it fits. Allocated: fs_free it. */
char *results_rows_warning(const char *file, unsigned long long rows);

/* Start the files in dir (an existing private folder). Returns NULL with a message on failure
 * (a file that cannot be created: see csvout_open). */
struct results *results_open(const char *dir, const struct scenario *sc,
                             const struct metric_layout *ml, char *err, size_t errlen);
/* Make these results a part of a run (--replications-range, an MPI rank's share): they hold
 * replications first_rep+1 .. first_rep+nrep of the scenario's, and also write
 * replications.csv (each replication's summary values, exactly) for flowsim merge. Call before
 * the first results_add. */
int results_set_part(struct results *rs, int first_rep, int nrep, char *err, size_t errlen);
/* The timeseries.csv rows of report bucket b of replication rep (0-based; nslots values), and
 * the warmup.csv rows of warm-up-chart interval k (one occupancy per unit), written to f. They
 * read rs only, so the threads running replications write their own rows in parallel. */
void results_write_bucket(const struct results *rs, int rep, size_t b, const double *row, FILE *f);
void results_write_warm(const struct results *rs, int rep, size_t k, const double *occ, FILE *f);
/* Replication's values of bucket b (row: nslots values) into vals (results_series_len of room,
 * bucket-major), as series.csv summarises them (series_round). Reads rs only: for the threads. */
void results_keep_bucket(const struct results *rs, size_t b, const double *row, double *vals);
size_t results_series_len(const struct results *rs);
/* With [scenario] report_interval, timeseries.csv's rows are per window, not per bucket:
 * results_write_bucket writes nothing, and a replication's rows are written at its end by
 * results_write_windows from its values (results_keep_bucket's, all buckets) into f. */
int results_aggregates(const struct results *rs);
void results_write_windows(const struct results *rs, int rep, const double *vals, FILE *f);
/* The staging folder the files are written in until results_commit puts it in place (for
 * other files of the run, such as the patient log). */
const char *results_dir(const struct results *rs);
/* The files being written, for rows streamed straight in (one thread, replications in order). */
FILE *results_series_file(struct results *rs);
FILE *results_warm_file(struct results *rs);
/* Fold one replication in, in order: its summary, and its rows — copied from ts and warm
 * (temporary files a worker wrote, closed here) when given, else from res->series and res->warm
 * when it holds them, else already streamed into the files; and its values for series.csv,
 * vals (results_keep_bucket's, all buckets: results_series_len + 1 doubles from fs_malloc,
 * taken and freed here), or NULL to take them from res->series. */
int results_add(struct results *rs, const struct flow_result *res, FILE *ts, FILE *warm,
                double *vals, char *err, size_t errlen);
/* Write the rest and close every file under its own name; frees rs. Returns 0 or an fs_status
 * (FS_EIO: a write failed) with a message. */
int results_commit(struct results *rs, const struct results_info *info, char *err, size_t errlen);
/* Delete the files being written; frees rs (accepts NULL). */
void results_abort(struct results *rs);

/* Slot's accumulator over the replications added so far, copied into *w: what its summary.csv
 * row is made from (results_summary_row), for a caller that shows or checks the summary without
 * reading the file back. */
void results_summary_get(const struct results *rs, size_t slot, struct welford *w);

/* Warnings about the replications added so far, one line each, however many: a string to
 * fs_free ("" for none). results_warnings_of. */
char *results_warnings(const struct results *rs);
/* The warnings of nrep replications from their diagnostics alone (diag: nrep rows of
 * flow_diag_len(nunits) values, in replication order; names: the units'), so that a run, its
 * merged parts and its MPI ranks say the very same bytes: a blocking deadlock in any
 * replication (flow_deadlock.c), with its units, first and last day and how many stayed
 * frozen, how many thawed when places were added and froze again, and each frozen unit's
 * offered load (FDU_OFFERED_PCT: whether demand also outran their capacity); and each unit whose
 * queue grew without settling (flow_unstable) in more than half the replications,
 * deadlock-explained ones not counted, naming the unit downstream whose capacity holds its places
 * (what its delayed patients mostly waited for, followed on); then each unit drifting over the
 * report period (stn_write_warnings, output/stationarity.h). results_warnings adds, for a whole
 * run, results_rows_warning's line for each of timeseries.csv, series.csv and warmup.csv that is
 * too big for Excel. */
char *results_warnings_of(size_t nunits, const char *const *names, const double *diag, int nrep);

/* All of a result's warnings, as run-info lists them: the scenario's own (scenario_warnings: a
 * duration without a unit, ...) first, one a line, then run, a run's warnings (those of
 * results_warnings_of). Returns a new string (fs_free), "" when there are none. */
char *results_all_warnings(const struct scenario *sc, const char *run);
/* Put the scenario's offered loads (pct[nunits], load_pct in models/load.h) into a diagnostics
 * row that flow_diag made: a deadlock's warning says from them whether demand outran the
 * frozen units' capacity (it says nothing of demand when they are NAN). */
void results_diag_load(double *row, size_t nunits, const double *pct);

/* Totals over the replications added so far. */
uint64_t results_events(const struct results *rs);
uint64_t results_patients(const struct results *rs);

/* The whole of a small file of a run (run-info, a scenario), NUL-terminated and allocated
 * (fs_free it), its length in *len when len is not NULL; NULL when it cannot be read or is not
 * a regular file (a FIFO or a folder where the file should be is not read). */
char *results_read_file(const char *path, size_t *len);

/* run-info is "key = value" lines: every value of key's lines, in order, each ending in a
 * newline ("" for none), allocated (fs_free it). text is the whole run-info. */
char *results_info_lines(const char *text, const char *key);
/* The value of [scenario] key in a scenario.resolved.ini's text, as written (the rest of its
 * "key = value" line), allocated; NULL where the key is not there. */
char *results_resolved_value(const char *ini, const char *key);

#endif
