/* Running a scenario's replications and writing its results folder: shared by run and
 * sweep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "models/flow.h"
#include "output/patientlog.h"
#include "output/results.h"
#include "sim/core.h"
#include "sim/runner.h"

#ifndef FLOWSIM_VERSION
#define FLOWSIM_VERSION "0.0.0"
#endif
#ifndef FLOWSIM_GIT_REV
#define FLOWSIM_GIT_REV "unknown"
#endif

struct run_ctx {
    const struct scenario *sc;
    const struct metric_layout *ml;
    struct results *rs;
    int threads;
    double *keep;     /* each replication's summary, or NULL */
    struct plog *log; /* the patient log, or NULL */
    int progress, done;
    struct timespec t0;
    double shown; /* when the progress line was last drawn */
};

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* A finished replication: its results and, on several threads, its time-series rows already
 * formatted by the thread that ran it, so that writing them in order is only a copy. On one
 * thread the rows go straight to the file instead, holding no copy. */
struct rep_out {
    struct flow_result *res;
    char *text;
    size_t len;
    FILE *log; /* this replication's patient-log rows, on several threads */
};

static void rep_out_free(struct rep_out *o) {
    if (!o) return;
    flow_result_free(o->res);
    free(o->text); /* from open_memstream */
    if (o->log) fclose(o->log);
    fs_free(o);
}

static int run_one(void *ctx, int rep, void **result, char *err, size_t errlen) {
    struct run_ctx *c = ctx;
    struct rep_out *o = fs_calloc(1, sizeof *o);
    /* One thread writes log rows straight into the log; several write to their own file. */
    struct plog_sink sink = {.log = c->log, .f = NULL};
    if (c->log) {
        sink.f = c->threads > 1 ? (o->log = tmpfile()) : plog_file(c->log);
        if (!sink.f) {
            snprintf(err, errlen, "cannot create a temporary file for the patient log");
            rep_out_free(o);
            return -1;
        }
    }
    struct flow_opts fo = {
        .visit = c->log ? plog_visit : NULL, .visit_ctx = &sink, .stop = &cli_interrupted};
    if (flow_run_opts(c->sc, c->ml, rep, &fo, &o->res, err, errlen) != 0 ||
        (c->threads > 1 && results_format(c->rs, o->res, &o->text, &o->len, err, errlen) != 0)) {
        rep_out_free(o);
        return -1;
    }
    *result = o;
    return 0;
}

static int run_done(void *ctx, int rep, void *result, char *err, size_t errlen) {
    struct run_ctx *c = ctx;
    struct rep_out *o = result;
    int rc = results_add(c->rs, o->res, o->text, o->len, err, errlen);
    if (rc == 0 && o->log) {
        rc = plog_append(c->log, o->log, err, errlen);
        o->log = NULL;
    }
    c->done++;
    double t = seconds_since(&c->t0);
    if (c->progress && (t - c->shown >= 0.2 || c->done == c->sc->replications)) {
        /* Replications finish in order, so done / total is the share of the work. */
        double eta = t / c->done * (c->sc->replications - c->done);
        fprintf(stderr, "\rflowsim: %d/%d replications, %.1f s elapsed, about %.1f s to go   ",
                c->done, c->sc->replications, t, eta);
        if (c->done == c->sc->replications) fputc('\n', stderr);
        fflush(stderr);
        c->shown = t;
    }
    if (c->keep)
        memcpy(c->keep + (size_t)rep * c->ml->n, o->res->summary, c->ml->n * sizeof *c->keep);
    rep_out_free(o);
    return rc;
}

static void run_discard(void *ctx, void *result) {
    (void)ctx;
    rep_out_free(result);
}

int cli_run_to_dir(const struct scenario *sc, const struct metric_layout *ml, const char *dir,
                   int threads, const char *command, double *keep, int patient_log, int progress,
                   struct run_stats *st, char *err, size_t errlen) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int workers = threads < sc->replications ? threads : sc->replications;
    struct run_ctx ctx = {
        .sc = sc, .ml = ml, .threads = workers, .keep = keep, .progress = progress, .t0 = t0};
    ctx.rs = results_open(dir, sc, ml, err, errlen);
    if (!ctx.rs) return -1;
    if (patient_log && !(ctx.log = plog_open(dir, sc, err, errlen))) {
        results_abort(ctx.rs);
        return -1;
    }
    struct runner_job job = {.first_rep = 0,
                             .nrep = sc->replications,
                             .nthreads = threads,
                             .run = run_one,
                             .done = run_done,
                             .discard = run_discard,
                             .ctx = &ctx,
                             .stop = &cli_interrupted};
    if (runner_run(&job, err, errlen) != 0) {
        if (progress && ctx.shown > 0) fputc('\n', stderr);
        plog_abort(ctx.log); /* first: its temporary file is in the folder */
        results_abort(ctx.rs);
        return -1;
    }
    st->wall_seconds = seconds_since(&t0);
    st->events = results_events(ctx.rs);
    st->patients = results_patients(ctx.rs);
    struct results_info info = {.version = FLOWSIM_VERSION,
                                .git_rev = FLOWSIM_GIT_REV,
                                .command = command,
                                .threads = threads,
                                .wall_seconds = st->wall_seconds};
    if (ctx.log && plog_commit(ctx.log, err, errlen) != 0) {
        results_abort(ctx.rs);
        return -1;
    }
    return results_commit(ctx.rs, &info, err, errlen);
}
