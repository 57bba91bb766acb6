/* variants.h — what compare and sweep share: several variants of a scenario run on the same
 * patients, their results kept and compared.
 *
 * Every variant after the first takes the first's seed and replications (common random
 * numbers: the same patients, in the same number of runs), so the paired differences from
 * the first are precise. Each replication's summary is kept in memory; the paired comparison
 * (comparison.csv, sweep.csv) and run-info are written into the command's staging folder,
 * with the report when asked, and published as one result. */
#ifndef FS_VARIANTS_H
#define FS_VARIANTS_H

#include <stddef.h>

#include "models/metrics.h"
#include "output/comparison.h"

struct opts;
struct outdir;
struct scenario;

/* One variant: its scenario, and each replication's summary once run. */
struct variant {
    const char *name; /* what the comparison calls it: the scenario's name, a sweep row's label */
    struct scenario *sc;
    struct metric_layout ml;
    double *value;               /* replications x ml.n: each replication's summary */
    const char **unit, **metric; /* per slot, the names the comparison reads */
    double *diag;                /* replications x flow_diag_len: each one's diagnostics */
    char *warnings;              /* its warnings, a line each ("" for none), once run */
    char *stationarity;          /* its run-info's "stationarity = UNIT: ..." lines, once run */
};

struct variants {
    struct variant *v;
    size_t n;
    char seed[64], reps[64]; /* the first's seed and replications, as --set values */
};

/* Room for n variants; variants_fini frees them and what they hold (accepts a zeroed one). */
void variants_init(struct variants *vs, size_t n);
void variants_fini(struct variants *vs);

/* Load variant i (0 first, then in order) from file with the --set values sets, then more
 * (either may be empty); every variant after the first also takes the first's seed and
 * replications. Returns 0, or -1 with the loader's message. */
int variants_load(struct variants *vs, size_t i, const char *file, const char *const *sets,
                  size_t nsets, const char *const *more, size_t nmore, char *err, size_t errlen);

/* Variant i's metric layout (by group when asked and it has groups) and room for each
 * replication's summary (v[i].value, replications x ml.n): before it runs. */
void variants_prepare(struct variants *vs, size_t i, int by_group);

/* The results folder of the command (-o DIR, or results/PREFIXNAME from the first variant's
 * name) into dir, opened (on rank 0 under mpirun) for file, run-info and the report when o asks
 * for it, and for folders (NULL: none): cli_results_dir and cli_outdir_open. Exit status. */
int variants_open(const struct variants *vs, const struct opts *o, const char *prefix,
                  const char *file, const char *const *folders, char *dir, size_t dirlen,
                  struct outdir **od);

/* Variant i's warnings, the scenario's own (scenario_warnings: a duration without a unit, ...)
 * then its run's from its replications' diagnostics (v[i].diag, compare), or the warning lines
 * of the run-info in its folder dir, which has both (sweep): into v[i].warnings. */
void variants_judge(struct variants *vs, size_t i);
void variants_read_warnings(struct variants *vs, size_t i, const char *dir);
/* Every variant's warnings on stderr, each line "flowsim: warning: variant NAME: ...". */
void variants_warn(const struct variants *vs);

/* Every variant as the comparison reads it: n of them, to fs_free. After the runs. */
struct cmp_scenario *variants_table(struct variants *vs);

/* Into od's staging folder: the comparison (file, its third column named column: "scenario",
 * "variant"), run-info (with "key = value", and every variant's warnings as
 * "warning = variant NAME: ..."), the report when o asks for it; then publication.
 * *od is NULL once publication is tried; after an earlier failure it is left for the caller's
 * outdir_abort. Exit status. */
int variants_publish(const struct variants *vs, const struct cmp_scenario *cs, struct outdir **od,
                     const struct opts *o, const char *command, const char *file,
                     const char *column, const char *key, const char *value);

/* Run fn(ctx, i, threads, err, errlen) for every variant i of 0..n-1, each with reps
 * replications, on threads threads in all (<= 0: every core): one variant after another with
 * every thread, or, when a variant's replications are fewer than the threads (the threads left
 * idle otherwise) and there is one process, several variants at once, the threads split
 * between them (variants_split). fn writes only variant i's own places, and each variant is
 * the same run whatever its threads, so the results are the bytes of one after another. fn
 * returns 0 or an fs_status with its message. Returns 0, or the status and message of the
 * first variant, in order, that failed (none after it starts); under mpirun one after
 * another, as every rank must take part in each variant's run in the same order. */
typedef int (*variant_fn)(void *ctx, size_t i, int threads, char *err, size_t errlen);
int variants_run(size_t n, int reps, int threads, variant_fn fn, void *ctx, char *err,
                 size_t errlen);
/* How variants_run shares threads among n variants of reps replications: *together variants
 * at once (1: one after another), each run on *each threads. */
void variants_split(size_t n, int reps, int threads, int *together, int *each);

/* The headline metrics of the first variant (metric_is_headline with its units' kinds, as
 * report.html's), one block each: every variant's mean and 95% interval (cut at the metric's
 * range, as comparison.csv's), and its paired difference from the first ('*' where that
 * excludes 0). */
void variants_print(const struct variants *vs, const struct cmp_scenario *cs);

#endif
