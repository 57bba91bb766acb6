/* flowsim run and validate: a scenario loaded, run into its results folder, and the numbers
 * people look at first printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "models/table.h"
#include "output/outdir.h"
#include "output/results.h"
#include "par.h"
#include "sim/core.h"
#include "sim/runner.h"

/* A short table of the numbers people look at first (the registry's CONSOLE column), read back
 * from summary.csv with the CSV reader (a scenario named "Winter, 2025" is one quoted cell). */
static void print_headlines(const char *dir) {
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err) != 0) return;
    printf("\n%-16s %-14s %12s %12s %12s\n", "unit", "metric", "mean", "ci95_low", "ci95_high");
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (r->n < 7) continue;
        const char *u = r->field[1], *m = r->field[2];
        const struct metric_def *d = metric_find(m, !*u);
        if (!d || d->console == MC_HIDE) continue;
        if (d->console == MC_NONZERO && (!*r->field[3] || atof(r->field[3]) == 0)) continue;
        printf("%-16s %-14s %12s %12s %12s\n", *u ? u : "(system)", m, r->field[3], r->field[5],
               r->field[6]);
    }
    table_fini(&t);
}

int cmd_run_into(const struct opts *o, const char *command, char *dir, size_t dirlen,
                 const struct cli_hook *hook) {
    char err[2048];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    struct metric_layout ml = {0};
    struct outdir *od = NULL;
    int status = EXIT_OK;
    if ((status = cli_results_dir(o, "", sc, dir, dirlen)) != EXIT_OK) goto done;
    metric_layout_init(&ml, sc, o->by_group);
    int threads = o->threads > 0 ? o->threads : runner_cores();
    char *warnings = NULL;
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
                             "run-info"};
    size_t nf = 5;
    if (o->patient_log) files[nf++] = "patients.csv";
    if (o->report) files[nf++] = "report.html";
    if (o->range_first) files[nf++] = "replications.csv";
    if (hook) files[nf++] = hook->file;
    if (par_rank() == 0 && (status = cli_outdir_open(&od, dir, files, NULL, o->quiet)) != EXIT_OK)
        goto done;
    struct run_stats st = {0};
    struct run_options ro = {.patient_log = o->patient_log,
                             .progress = o->progress,
                             .precision = o->precision,
                             .max_replications = o->max_replications,
                             .first_rep = o->range_first ? o->range_first - 1 : 0,
                             .nrep = o->range_first ? o->range_last - o->range_first + 1 : 0};
    int rc = cli_run_to_dir(sc, &ml, od ? outdir_stage(od) : NULL, threads, command, &ro, &st, err,
                            sizeof err);
    if (rc == 0 && od && o->report) status = cli_report_in(od, o->quiet);
    if (rc == 0 && status == EXIT_OK && od && hook)
        rc = hook->fn(hook->ctx, outdir_stage(od), err, sizeof err);
    if (rc != 0) {
        status = cli_fail(rc, err);
        goto done;
    }
    if (status == EXIT_OK && od) {
        status = cli_outdir_publish(od);
        od = NULL;
    }
    if (status != EXIT_OK) goto done;
    warnings = st.warnings;
    if (!o->quiet && warnings) /* also in run-info */
        for (char *line = strtok(warnings, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "flowsim: warning: %s\n", line);
    if (!o->quiet) {
        printf("flowsim: %s: %d replications of %.6g days, %llu patients, %llu events in %.2f s "
               "(%d threads)\n",
               sc->name, st.replications, sc->horizon, (unsigned long long)st.patients,
               (unsigned long long)st.events, st.wall_seconds, threads);
        if (st.stopped[0]) printf("flowsim: %s\n", st.stopped);
        print_headlines(dir);
        printf("\nresults: %s/summary.csv, %s/timeseries.csv\n", dir, dir);
    }
done:
    fs_free(warnings);
    outdir_abort(od);
    metric_layout_fini(&ml);
    scenario_free(sc);
    return status;
}

int cmd_run(const struct opts *o, const char *command) {
    char dir[4000];
    return cmd_run_into(o, command, dir, sizeof dir, NULL);
}

int cmd_validate(const struct opts *o) {
    char err[2048];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (!o->quiet)
        printf("%s: ok: scenario '%s', %zu units, %zu arrival streams, horizon %.6g days "
               "(warm-up %.6g), %d replications\n",
               o->file, sc->name, sc->nunits, sc->narrivals, sc->horizon, sc->warmup,
               sc->replications);
    scenario_free(sc);
    return EXIT_OK;
}
