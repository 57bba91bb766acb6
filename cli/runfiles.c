/* Running a scenario's replications and writing its results folder (run, reproduce and sweep),
 * or keeping only their summaries (compare, calibrate); under mpirun, sharing them out over
 * the ranks. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cli.h"
#include "models/flow.h"
#include "models/limits.h"
#include "models/load.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "output/csvout.h"
#include "output/merge.h"
#include "output/outdir.h"
#include "output/patientlog.h"
#include "output/results.h"
#include "par.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "sim/precision.h"
#include "sim/runner.h"
#include "sim/stats.h"

struct run_ctx {
    const struct scenario *sc;
    const struct metric_layout *ml;
    struct results *rs;
    double *keep;     /* each replication's summary, or NULL */
    struct plog *log; /* the patient log, or NULL */
    int progress, done, total;
    struct timespec t0;
    double shown; /* when the progress line was last drawn */
    /* The replication whose rows go next into the run's files: every one before it is in
     * them (run_done stores it last, once the previous replication's rows are all there). */
    atomic_int next_rep;
};

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* A replication's rows (time series, warm-up chart, patient log) are written once, straight
 * into the run's files, by the replication whose turn it is: every replication before it is
 * in them. On one thread that is every replication. On several, one that runs ahead of its
 * turn keeps its rows so far in scratch files of its own in the staging folder
 * (outdir_scratch: nameless, so gone however the run ends), made when its first row comes;
 * when its turn comes, mid-run or once done, they are appended to the run's files (in
 * replication order: the bytes of one thread) and it writes straight on. Nothing grows with
 * the horizon or the number of replications. */
enum { OUT_TS, OUT_WARM, OUT_LOG, OUT_N };
static const char *const out_name[OUT_N] = {"timeseries.csv", "warmup.csv", "patients.csv"};

struct rep_out {
    struct flow_result *res;
    struct run_ctx *c;
    int rep;
    int straight;     /* its turn has come: its rows go into the run's files */
    int failed;       /* a scratch file could not be made, or appended (errno) */
    FILE *tmp[OUT_N]; /* its rows before its turn came, or NULL */
    struct plog_sink sink;
    double *vals; /* its values for series.csv (results_keep_bucket) */
};

static void rep_out_free(struct rep_out *o) {
    if (!o) return;
    flow_result_free(o->res);
    fs_free(o->vals);
    for (int k = 0; k < OUT_N; k++)
        if (o->tmp[k]) fclose(o->tmp[k]);
    fs_free(o);
}

/* The run's file k (NULL: not written, timeseries_metrics = none). */
static FILE *run_file(struct run_ctx *c, int k) {
    return k == OUT_TS     ? results_series_file(c->rs)
           : k == OUT_WARM ? results_warm_file(c->rs)
           : c->log        ? plog_file(c->log)
                           : NULL;
}

/* Its turn has come: what it wrote so far into the run's files, in order, then straight on. */
static void go_straight(struct rep_out *o) {
    for (int k = 0; k < OUT_N; k++)
        if (o->tmp[k]) {
            if (csvout_append(run_file(o->c, k), o->tmp[k]) != 0 && !o->failed)
                o->failed = errno ? errno : EIO;
            o->tmp[k] = NULL; /* closed by csvout_append */
        }
    o->straight = 1;
}

/* Where o's rows of file k go now; NULL: nowhere (not written, or a scratch file failed). */
static FILE *out_file(struct rep_out *o, int k) {
    if (!o->straight && atomic_load_explicit(&o->c->next_rep, memory_order_acquire) == o->rep)
        go_straight(o);
    FILE *to = run_file(o->c, k);
    if (o->straight || !to || o->failed) return o->failed ? NULL : to;
    if (!o->tmp[k] && !(o->tmp[k] = outdir_scratch(results_dir(o->c->rs), out_name[k])))
        o->failed = errno ? errno : EIO;
    return o->tmp[k];
}

static void put_bucket(void *ctx, int rep, size_t b, const double *row) {
    struct rep_out *o = ctx;
    results_write_bucket(o->c->rs, rep, b, row, out_file(o, OUT_TS));
    results_keep_bucket(o->c->rs, b, row, o->vals);
}

static void put_warm(void *ctx, int rep, size_t k, const double *occ) {
    struct rep_out *o = ctx;
    FILE *f = out_file(o, OUT_WARM);
    if (f) results_write_warm(o->c->rs, rep, k, occ, f);
}

static void put_visit(void *ctx, const struct flow_visit *v) {
    struct rep_out *o = ctx;
    if ((o->sink.f = out_file(o, OUT_LOG))) plog_visit(&o->sink, v);
}

static int run_one(void *ctx, int rep, void **result, char *err, size_t errlen) {
    struct run_ctx *c = ctx;
    /* The tests' bug: a broken invariant in replication N (FLOWSIM_TEST_BUG=N), on its thread,
     * with the results folder staged, exits 1 as an internal error does. */
    if (fs_test_point("FLOWSIM_TEST_BUG", rep + 1)) FS_UNREACHABLE();
    struct rep_out *o = fs_calloc(1, sizeof *o);
    o->c = c;
    o->rep = rep;
    o->sink.log = c->log;
    o->vals = fs_calloc(results_series_len(c->rs) + 1, sizeof *o->vals);
    struct flow_opts fo = {.visit = c->log ? put_visit : NULL,
                           .visit_ctx = o,
                           .stop = &cli_interrupted,
                           .row = put_bucket,
                           .warm = put_warm,
                           .row_ctx = o};
    if (flow_run_opts(c->sc, c->ml, rep, &fo, &o->res, err, errlen) != 0) {
        rep_out_free(o);
        return -1;
    }
    /* report_interval: the replication's rows per window, now that every bucket is in. */
    if (results_aggregates(c->rs)) results_write_windows(c->rs, rep, o->vals, out_file(o, OUT_TS));
    if (o->failed) {
        snprintf(err, errlen, "%s: cannot write a scratch file for replication %d's rows: %s",
                 results_dir(c->rs), rep + 1, strerror(o->failed));
        int st = fs_errno_status(o->failed);
        rep_out_free(o);
        return st;
    }
    *result = o;
    return 0;
}

static int run_done(void *ctx, int rep, void *result, char *err, size_t errlen) {
    struct run_ctx *c = ctx;
    struct rep_out *o = result;
    /* Rows it kept while others ran (none when its turn came before it ended) go in now. */
    int rc = results_add(c->rs, o->res, o->tmp[OUT_TS], o->tmp[OUT_WARM], o->vals, err, errlen);
    o->tmp[OUT_TS] = o->tmp[OUT_WARM] = NULL; /* closed by results_add */
    o->vals = NULL;                           /* taken by results_add */
    if (rc == 0 && o->tmp[OUT_LOG]) {
        rc = plog_append(c->log, o->tmp[OUT_LOG], err, errlen);
        o->tmp[OUT_LOG] = NULL;
    }
    c->done++;
    double t = seconds_since(&c->t0);
    if (c->progress && (t - c->shown >= 0.2 || c->done == c->total)) {
        /* Replications finish in order, so done / total is the share of the work (with
         * --precision, total is the most there may be). */
        double eta = t / c->done * (c->total - c->done);
        fprintf(stderr, "\rflowsim: %d/%d replications, %.1f s elapsed, about %.1f s to go   ",
                c->done, c->total, t, eta);
        if (c->done == c->total) fputc('\n', stderr);
        fflush(stderr);
        c->shown = t;
    }
    if (c->keep)
        memcpy(c->keep + (size_t)rep * c->ml->n, o->res->summary, c->ml->n * sizeof *c->keep);
    rep_out_free(o);
    /* Last: from here the next replication may write into the run's files. */
    atomic_store_explicit(&c->next_rep, rep + 1, memory_order_release);
    return rc;
}

static void run_discard(void *ctx, void *result) {
    (void)ctx;
    rep_out_free(result);
}

/* The metrics --precision watches: every headline metric of the scenario (the registry's), or
 * with none, each unit's occupancy. Their slots into slots (ml->n of room); how many. */
static size_t watched_slots(const struct scenario *sc, const struct metric_layout *ml,
                            size_t *slots) {
    size_t n = 0;
    for (int pass = 0; pass < 2 && n == 0; pass++)
        for (size_t k = 0; k < ml->n; k++) {
            const struct metric_slot *s = &ml->slot[k];
            int kind = s->unit >= 0 ? (int)sc->unit[s->unit].kind : METRIC_SYSTEM;
            if (pass == 0 ? metric_is_headline(s->name, kind)
                          : s->unit >= 0 && s->metric == MET_OCCUPANCY && s->group < 0)
                slots[n++] = k;
        }
    return n;
}

/* With --precision: is every watched metric's interval within p of its mean? The rule is
 * sim/precision.c's (prec_first_short); here only the names of the first that stopped short,
 * written into why. */
static int precise_enough(const struct results *rs, const struct scenario *sc,
                          const struct metric_layout *ml, const size_t *slots, size_t n, double p,
                          char *why, size_t whylen) {
    struct welford *w = fs_calloc(n + 1, sizeof *w);
    for (size_t i = 0; i < n; i++) results_summary_get(rs, slots[i], &w[i]);
    struct prec_stat st;
    long j = prec_first_short(w, n, p, &st);
    fs_free(w);
    if (j < 0) return 1;
    const struct metric_slot *s = &ml->slot[slots[j]];
    snprintf(why, whylen, "%s%s%s: +-%.3g%% of the mean",
             s->unit >= 0 ? sc->unit[s->unit].name : "", s->unit >= 0 ? " " : "", s->name,
             prec_percent(&st));
    return 0;
}

/* The run's summary (what summary.csv's rows say), per slot: a copy for the caller. */
static struct welford *summary_of(const struct results *rs, size_t n) {
    struct welford *w = fs_calloc(n + 1, sizeof *w);
    for (size_t k = 0; k < n; k++) results_summary_get(rs, k, &w[k]);
    return w;
}

/* The run in one process: every replication of ro (or of sc) into dir. */
static int run_local(const struct scenario *sc, const struct metric_layout *ml, const char *dir,
                     int threads, const char *command, const struct run_options *ro,
                     struct run_stats *st, char *err, size_t errlen) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* A part runs its range; a whole run every replication, or with --precision batches of
     * them until precise enough. */
    int base = ro->nrep > 0 ? ro->first_rep : 0;
    int batch = ro->nrep > 0 ? ro->nrep : sc->replications;
    int cap = ro->precision > 0 ? ro->max_replications : batch;
    if (ro->precision > 0 && batch < 2) batch = 2; /* an interval needs two */
    struct run_ctx ctx = {
        .sc = sc, .ml = ml, .keep = ro->keep, .progress = ro->progress, .t0 = t0, .total = cap};
    atomic_init(&ctx.next_rep, base);
    /* Failing to start a file in a private folder: it cannot be created (a full disk or
     * no descriptors left). */
    ctx.rs = results_open(dir, sc, ml, err, errlen);
    if (!ctx.rs) return FS_ECREATE;
    int rc = ro->nrep > 0 ? results_set_part(ctx.rs, base, ro->nrep, err, errlen) : 0;
    if (rc != 0) {
        results_abort(ctx.rs);
        return rc;
    }
    if (ro->patient_log && !(ctx.log = plog_open(results_dir(ctx.rs), sc, err, errlen))) {
        results_abort(ctx.rs);
        return FS_ECREATE;
    }
    /* Replications run in batches numbered on from the last, so the first N are the same
     * whatever the batch size, and each batch is added to the same results in order. */
    int done = 0;
    st->stopped[0] = 0;
    size_t *watch = fs_calloc(ml->n + 1, sizeof *watch);
    size_t nwatch = ro->precision > 0 ? watched_slots(sc, ml, watch) : 0;
    for (;;) {
        int n = prec_next_batch(done, batch, cap);
        struct runner_job job = {.first_rep = base + done,
                                 .nrep = n,
                                 .nthreads = threads,
                                 .run = run_one,
                                 .done = run_done,
                                 .discard = run_discard,
                                 .ctx = &ctx,
                                 .stop = &cli_interrupted};
        if ((rc = runner_run(&job, err, errlen)) != 0) {
            if (ro->progress && ctx.shown > 0) fputc('\n', stderr);
            plog_abort(ctx.log); /* first: its temporary file is in the folder */
            results_abort(ctx.rs);
            fs_free(watch);
            return rc;
        }
        done += n;
        if (ro->precision <= 0) break;
        char why[FS_MSG_MAX] = "";
        if (precise_enough(ctx.rs, sc, ml, watch, nwatch, ro->precision, why, sizeof why)) {
            snprintf(st->stopped, sizeof st->stopped,
                     "precision reached: every headline metric within %.3g%% after %d "
                     "replications",
                     100 * ro->precision, done);
            break;
        }
        if (done >= cap) {
            snprintf(st->stopped, sizeof st->stopped,
                     "stopped at --max-replications %d before the precision was reached (%s)", cap,
                     why);
            break;
        }
    }
    fs_free(watch);
    if (ro->progress && ctx.shown > 0 && ctx.done < ctx.total) fputc('\n', stderr);
    st->replications = done;
    st->summary = summary_of(ctx.rs, ml->n);
    st->wall_seconds = seconds_since(&t0);
    st->events = results_events(ctx.rs);
    st->patients = results_patients(ctx.rs);
    struct results_info info = {.version = FLOWSIM_VERSION,
                                .git_rev = FLOWSIM_GIT_REV,
                                .command = command,
                                .threads = threads,
                                .wall_seconds = st->wall_seconds};
    st->warnings = results_warnings(ctx.rs);
    if (ctx.log && (rc = plog_commit(ctx.log, err, errlen)) != 0) {
        results_abort(ctx.rs);
        return rc;
    }
    return results_commit(ctx.rs, &info, err, errlen);
}

/* ---- summaries only, no files (compare, calibrate) ---------------------------------------- */

struct sum_ctx {
    const struct scenario *sc;
    const struct metric_layout *ml;
    double *keep;
    double *diag; /* each replication's flow_diag row, or NULL */
    double *load; /* with diag: each unit's offered load, % of capacity (load_pct) */
};

static int sum_one(void *ctx, int rep, void **result, char *err, size_t errlen) {
    struct sum_ctx *c = ctx;
    struct flow_result *res;
    struct flow_opts fo = {.stop = &cli_interrupted};
    if (flow_run_opts(c->sc, c->ml, rep, &fo, &res, err, errlen) != 0) return -1;
    *result = res;
    return 0;
}

static int sum_keep(void *ctx, int rep, void *result, char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    struct sum_ctx *c = ctx;
    struct flow_result *res = result;
    memcpy(c->keep + (size_t)rep * c->ml->n, res->summary, c->ml->n * sizeof *c->keep);
    if (c->diag) {
        double *row = c->diag + (size_t)rep * flow_diag_len(c->sc->nunits);
        flow_diag(res, c->sc->nunits, row);
        results_diag_load(row, c->sc->nunits, c->load);
    }
    flow_result_free(res);
    return 0;
}

static void sum_discard(void *ctx, void *result) {
    (void)ctx;
    flow_result_free(result);
}

/* Under mpirun every rank runs the same command, so the outcome of a rank's share must be
 * agreed by all before they go on together: 0, or -1 with err set on every rank (a rank's own
 * failure is reported on its stderr, as rank 0 alone prints). */
static int agree(int rc, char *err, size_t errlen) {
    if (rc != 0 && par_rank() != 0) par_report(err);
    if (par_worst(rc != 0) == 0) return 0;
    if (rc == 0) snprintf(err, errlen, "another MPI rank failed (its message is above)");
    return rc != 0 ? rc : -1;
}

int cli_run_summaries(const struct scenario *sc, const struct metric_layout *ml, int threads,
                      double *keep, char *err, size_t errlen) {
    return cli_run_summaries_diag(sc, ml, threads, keep, NULL, err, errlen);
}

int cli_run_summaries_diag(const struct scenario *sc, const struct metric_layout *ml, int threads,
                           double *keep, double *diag, char *err, size_t errlen) {
    struct sum_ctx c = {.sc = sc, .ml = ml, .keep = keep, .diag = diag};
    if (diag) { /* the scenario's, once: the same in every row (results_diag_load) */
        c.load = fs_calloc(sc->nunits + 1, sizeof *c.load);
        load_pct(sc, c.load);
    }
    int first, n; /* this rank's share: all of them in one process */
    par_block(0, sc->replications, par_rank(), &first, &n);
    struct runner_job job = {.first_rep = first,
                             .nrep = n,
                             .nthreads = threads,
                             .run = sum_one,
                             .done = sum_keep,
                             .discard = sum_discard,
                             .ctx = &c,
                             .stop = &cli_interrupted};
    int rc = n > 0 ? runner_run(&job, err, errlen) : 0;
    fs_free(c.load);
    if (par_size() == 1) return rc;
    if ((rc = agree(rc, err, errlen)) != 0) return rc;
    rc = par_allgather_rows(keep, ml->n, 0, sc->replications);
    if (rc == 0 && diag)
        rc = par_allgather_rows(diag, flow_diag_len(sc->nunits), 0, sc->replications);
    return rc;
}

/* ---- under mpirun: each rank runs its share as a part; rank 0 gathers and merges ---------- */

int cli_part_dir(char *buf, size_t len, char *err, size_t errlen) {
    return outdir_private(NULL, "flowsim-part-", buf, len, err, errlen);
}

static int run_spread(const struct scenario *sc, const struct metric_layout *ml, const char *dir,
                      int threads, const char *command, const struct run_options *ro,
                      struct run_stats *st, char *err, size_t errlen) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rank = par_rank(), size = par_size();
    int base = ro->nrep > 0 ? ro->first_rep : 0, total = ro->nrep > 0 ? ro->nrep : sc->replications;
    int first, n;
    par_block(base, total, rank, &first, &n);
    char(*parts)[FS_PATH_MAX] = fs_calloc((size_t)size, sizeof *parts);
    /* Every replication's summary, on every rank, for the run's summary (keep, or one of our
     * own): rank 0 has only its share's results in memory. */
    double *keep =
        ro->keep ? ro->keep : fs_calloc((size_t)(base + total) * ml->n + 1, sizeof *keep);
    struct run_stats mine = {0};
    char *merged = NULL; /* the whole run's warnings, from every rank's replications */
    int rc = 0;
    if (n > 0) {
        struct run_options part = *ro;
        part.keep = keep;
        part.first_rep = first;
        part.nrep = n;
        part.progress = ro->progress && rank == 0;
        rc = cli_part_dir(parts[rank], sizeof parts[rank], err, errlen);
        if (rc == 0)
            rc = run_local(sc, ml, parts[rank], threads, command, &part, &mine, err, errlen);
    }
    rc = agree(rc, err, errlen);
    if (rc == 0 && rank == 0) {
        /* Receive every other rank's part, then merge them all, in rank (= replication) order. */
        const char **dirs = fs_calloc((size_t)size, sizeof *dirs);
        size_t ndirs = 0;
        for (int r = 0; r < size; r++) {
            int bf, bn;
            par_block(base, total, r, &bf, &bn);
            if (bn == 0) continue;
            if (r > 0 && rc == 0 && cli_part_dir(parts[r], sizeof parts[r], err, errlen) != 0)
                rc = -1;
            /* Every sender must be heard out, even after a failure, or it waits for ever. */
            if (r > 0 && par_recv_dir(r, parts[r][0] ? parts[r] : "/nonexistent", err, errlen) != 0)
                rc = -1;
            dirs[ndirs++] = parts[r];
        }
        struct results_info info = {.version = FLOWSIM_VERSION,
                                    .git_rev = FLOWSIM_GIT_REV,
                                    .command = command,
                                    .threads = threads,
                                    .ranks = size,
                                    .wall_seconds = seconds_since(&t0)};
        if (rc == 0) rc = merge_parts(dirs, ndirs, dir, dir, &info, NULL, &merged, err, errlen);
        fs_free(dirs);
    } else if (rc == 0 && n > 0 && par_send_dir(parts[rank], err, errlen) != 0) {
        rc = -1;
    }
    rc = agree(rc, err, errlen);
    for (int r = 0; r < size; r++)
        if (parts[r][0]) outdir_remove(parts[r]);
    fs_free(parts);
    if (rc == 0) rc = par_allgather_rows(keep, ml->n, base, total);
    fs_free(mine.summary); /* the share's: the run's is made from every replication */
    if (rc == 0) {
        /* In replication order, as the merge of the parts made summary.csv's. */
        st->summary = fs_calloc(ml->n + 1, sizeof *st->summary);
        for (size_t k = 0; k < ml->n; k++) {
            welford_init(&st->summary[k]);
            for (int r = base; r < base + total; r++) {
                double v = keep[(size_t)r * ml->n + k];
                if (!isnan(v)) welford_add(&st->summary[k], v);
            }
        }
    }
    if (keep != ro->keep) fs_free(keep);
    st->replications = total;
    st->events = par_sum(mine.events);
    st->patients = par_sum(mine.patients);
    st->wall_seconds = seconds_since(&t0);
    st->stopped[0] = 0;
    fs_free(mine.warnings); /* the share's: the run's are judged on every replication */
    st->warnings = merged;
    return rc;
}

int cli_run_to_dir(const struct scenario *sc, const struct metric_layout *ml, const char *dir,
                   int threads, const char *command, const struct run_options *ro,
                   struct run_stats *st, char *err, size_t errlen) {
    if (par_size() == 1 || ro->alone)
        return run_local(sc, ml, dir, threads, command, ro, st, err, errlen);
    return run_spread(sc, ml, dir, threads, command, ro, st, err, errlen);
}

int cli_deliver(int owner, int rc, const char *from, const char *dir, double *keep, size_t nkeep,
                double *wall, char *err, size_t errlen) {
    int rank = par_rank();
    par_bcast_ints(&rc, 1, owner); /* (the owner has reported its failure) */
    if (rc != 0) {
        snprintf(err, errlen, "MPI rank %d failed (its message is above)", owner);
        return -1;
    }
    int ok = 0;
    if (owner != 0 && rank == owner) {
        ok = par_send_dir(from, err, errlen);
        outdir_remove(from);
    } else if (owner != 0 && rank == 0) {
        /* dir is a variant's folder in the sweep's staging folder. */
        if (plat_mkdir(dir, 0777) != 0) {
            snprintf(err, errlen, "%s: cannot create the folder: %s", dir, strerror(errno));
            ok = FS_ECREATE;
        }
        /* Heard out even when the folder could not be made, or the sender waits for ever. */
        int rrc = par_recv_dir(owner, ok == 0 ? dir : "/nonexistent", err, errlen);
        if (ok == 0) ok = rrc;
    }
    if (agree(ok, err, errlen) != 0) return -1;
    par_bcast_doubles(keep, nkeep, owner);
    par_bcast_doubles(wall, 1, owner);
    return 0;
}
