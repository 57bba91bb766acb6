/* flowsim run: a scenario loaded, run into its results folder, and the numbers people look at
 * first printed from the run's summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/limits.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "output/contable.h"
#include "output/csvout.h"
#include "output/dictionary.h"
#include "output/outdir.h"
#include "output/series.h"
#include "par.h"
#include "sim/core.h"
#include "sim/runner.h"
#include "sim/stats.h"

/* One number as summary.csv's cell has it (csvout_num), terminated. */
static void cell(char buf[CSVOUT_NUM_MAX + 1], double v) {
    buf[csvout_fmt_num(buf, v)] = 0;
}

/* A short table of the numbers people look at first (the registry's CONSOLE column): the run's
 * summary in memory (sum, per slot of ml), as summary.csv's cells say it. */
static void print_headlines(const struct scenario *sc, const struct metric_layout *ml,
                            const struct welford *sum) {
    struct ctab t;
    ctab_init(&t, 6, "lllrrr");
    const char *head[] = {"unit", "metric", "unit_of_measure", "mean", "ci95_low", "ci95_high"};
    ctab_row(&t, head);
    for (size_t k = 0; k < ml->n; k++) {
        const struct metric_slot *s = &ml->slot[k];
        /* A by-group slot (METRIC.GROUP) is no metric of the registry: not shown. */
        const struct metric_def *d = metric_find(s->name, s->unit < 0);
        if (!d || d->console == MC_HIDE) continue;
        /* Undefined statistics are empty cells: no mean over nothing, no interval from one. */
        char mean[CSVOUT_NUM_MAX + 1] = "", lo[CSVOUT_NUM_MAX + 1] = "",
                                   hi[CSVOUT_NUM_MAX + 1] = "";
        double l, h, lo_b, hi_b;
        if (sum[k].n > 0) cell(mean, sum[k].mean);
        metric_bounds(s->name, s->unit < 0, &lo_b, &hi_b); /* as summary.csv's row */
        if (stats_ci95_bounded(&sum[k], lo_b, hi_b, &l, &h) == 0) cell(lo, l), cell(hi, h);
        if (d->console == MC_NONZERO && (!*mean || atof(mean) == 0)) continue;
        const char *row[] = {
            s->unit >= 0 ? sc->unit[s->unit].name : "(system)", s->name, d->measure, mean, lo, hi};
        ctab_row(&t, row);
    }
    fputc('\n', stdout);
    ctab_print(&t, stdout);
    ctab_fini(&t);
}

int cmd_run_into(const struct opts *o, const char *command, char *dir, size_t dirlen,
                 const struct cli_hook *hook) {
    char err[FS_MSG_MAX];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    size_t nlw;
    const char *const *lw = scenario_warnings(sc, &nlw); /* also in run-info */
    for (size_t i = 0; !o->quiet && par_rank() == 0 && i < nlw; i++)
        fprintf(stderr, "flowsim: warning: %s\n", lw[i]);
    struct metric_layout ml = {0};
    struct outdir *od = NULL;
    struct run_stats st = {0};
    int status = EXIT_OK;
    if ((status = cli_results_dir(o, "", sc, dir, dirlen)) != EXIT_OK) goto done;
    metric_layout_init(&ml, sc, o->by_group);
    int threads = o->threads > 0 ? o->threads : runner_cores();
    if (o->range_last > sc->replications) {
        fprintf(stderr,
                "flowsim: --replications-range %d:%d: the scenario has %d replications "
                "(set them with --replications N)\n",
                o->range_first, o->range_last, sc->replications);
        status = EXIT_BAD_INPUT;
        goto done;
    }
    /* The folder is opened before the run, so one that cannot be written is refused at once;
     * under mpirun rank 0 writes it. */
    const char *files[12] = {"summary.csv", "timeseries.csv", "warmup.csv", "scenario.resolved.ini",
                             "run-info",    DICT_FILE,        SERIES_FILE};
    size_t nf = 7;
    if (o->patient_log) files[nf++] = "patients.csv";
    if (o->report) files[nf++] = "report.html";
    if (o->range_first) files[nf++] = "replications.csv";
    if (hook) files[nf++] = hook->file;
    if (par_rank() == 0 && (status = cli_outdir_open(&od, dir, files, NULL, o->quiet)) != EXIT_OK)
        goto done;
    struct run_options ro = {.patient_log = o->patient_log,
                             .progress = o->progress,
                             .precision = o->precision,
                             .max_replications = o->max_replications,
                             .first_rep = o->range_first ? o->range_first - 1 : 0,
                             .nrep = o->range_first ? o->range_last - o->range_first + 1 : 0};
    int rc = cli_run_to_dir(sc, &ml, od ? outdir_stage(od) : NULL, threads, command, &ro, &st, err,
                            sizeof err);
    /* The hook's file first (reproduction.csv), so that the report shows it. */
    if (rc == 0 && od && hook) rc = hook->fn(hook->ctx, outdir_stage(od), err, sizeof err);
    if (rc == 0 && od && o->report) status = cli_report_in(od, o->quiet);
    if (rc != 0) {
        status = cli_fail(rc, err);
        goto done;
    }
    if (status == EXIT_OK && od) {
        status = cli_outdir_publish(od);
        od = NULL;
    }
    if (status != EXIT_OK) goto done;
    if (!o->quiet && st.warnings) /* also in run-info */
        for (char *line = strtok(st.warnings, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "flowsim: warning: %s\n", line);
    if (!o->quiet) {
        printf("flowsim: %s: %d replications of %.6g days, %llu patients, %llu events in %.2f s "
               "(%d threads)\n",
               sc->name, st.replications, sc->horizon, (unsigned long long)st.patients,
               (unsigned long long)st.events, st.wall_seconds, threads);
        if (st.stopped[0]) printf("flowsim: %s\n", st.stopped);
        if (st.summary) print_headlines(sc, &ml, st.summary);
        printf("\nresults: %s/summary.csv, %s/series.csv%s%s%s\n", dir, dir,
               sc->timeseries_none ? "" : ", ", sc->timeseries_none ? "" : dir,
               sc->timeseries_none ? "" : "/timeseries.csv");
    }
done:
    fs_free(st.summary);
    fs_free(st.warnings);
    outdir_abort(od);
    metric_layout_fini(&ml);
    scenario_free(sc);
    return status;
}

int cmd_run(const struct opts *o, const char *command) {
    char dir[FS_PATH_MAX];
    return cmd_run_into(o, command, dir, sizeof dir, NULL);
}
