/* flowsim sweep: one variant of the base scenario per row of a grid of --set values, each run
 * on the same patients, with a results folder each and sweep.csv of paired differences from
 * the first row. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "models/table.h"
#include "output/comparison.h"
#include "output/csvout.h"
#include "output/outdir.h"
#include "par.h"
#include "sim/core.h"
#include "sim/runner.h"

struct sweep_variant {
    char label[OUTDIR_LABEL_MAX + 1];
    char **sets; /* owned "NAME.KEY=VALUE" strings of the row */
    size_t nsets;
    long line;
    struct scenario *sc;
    struct metric_layout ml;
    double *value;
    const char **unit, **metric;
};

static void variant_fini(struct sweep_variant *v) {
    for (size_t i = 0; i < v->nsets; i++) fs_free(v->sets[i]);
    fs_free(v->sets);
    fs_free(v->value);
    fs_free(v->unit);
    fs_free(v->metric);
    metric_layout_fini(&v->ml);
    scenario_free(v->sc);
}

/* The grid: a header of NAME.KEY columns (and an optional 'variant' label column), then one
 * variant per row. */
static int read_grid(const char *path, struct sweep_variant **out, size_t *n, char *err,
                     size_t errlen) {
    struct table t;
    if (table_read(path, &t, err, errlen) != 0) return -1;
    int rc = 0;
    if (t.n < 2) {
        snprintf(err, errlen, "%s: expected a header row and at least one variant row", path);
        table_fini(&t);
        return -1;
    }
    const struct table_row *head = &t.row[0];
    int label_col = -1;
    for (size_t k = 0; k < head->n && !rc; k++) {
        const char *h = head->field[k];
        if (!strcmp(h, "variant"))
            label_col = (int)k;
        else if (!strchr(h, '.') || h[0] == '.') {
            snprintf(err, errlen,
                     "%s:%ld: column '%s': expected NAME.KEY as in --set, or 'variant'", path,
                     head->line, h);
            rc = -1;
        }
    }
    struct sweep_variant *v = fs_calloc(t.n, sizeof *v);
    size_t nv = 0;
    for (size_t i = 1; i < t.n && !rc; i++) {
        const struct table_row *row = &t.row[i];
        struct sweep_variant *x = &v[nv++];
        x->line = row->line;
        x->sets = fs_calloc(head->n + 1, sizeof *x->sets);
        if (row->n != head->n) {
            snprintf(err, errlen, "%s:%ld: expected %zu columns like the header, got %zu", path,
                     row->line, head->n, row->n);
            rc = -1;
            break;
        }
        char made[4 * OUTDIR_LABEL_MAX] = ""; /* longer than a label: outdir_label says so */
        for (size_t k = 0; k < head->n; k++) {
            if ((int)k == label_col) continue;
            size_t len = strlen(head->field[k]) + strlen(row->field[k]) + 2;
            x->sets[x->nsets] = fs_malloc(len);
            snprintf(x->sets[x->nsets++], len, "%s=%s", head->field[k], row->field[k]);
            size_t m = strlen(made);
            snprintf(made + m, sizeof made - m, "%s%s", m ? "_" : "", row->field[k]);
        }
        char what[64];
        snprintf(what, sizeof what, "variant%s", label_col >= 0 ? "" : " (from the row's values)");
        if (outdir_label(what, label_col >= 0 ? row->field[label_col] : made, x->label,
                         sizeof x->label, err, errlen) != FS_OK ||
            (outdir_is_flowsim_file(x->label) &&
             snprintf(err, errlen,
                      "%s '%s': expected a name that is not one of flowsim's files (run-info, "
                      "sweep.csv, report.html, ...)",
                      what, x->label))) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", err);
            snprintf(err, errlen, "%s:%ld: %s%s", path, row->line, msg,
                     label_col >= 0 ? "" : "; name it in a 'variant' column");
            rc = -1;
            break;
        }
        for (size_t j = 0; j + 1 < nv && !rc; j++)
            if (!strcmp(v[j].label, x->label)) {
                snprintf(err, errlen, "%s:%ld: variant '%s' appears twice (first at line %ld)",
                         path, row->line, x->label, v[j].line);
                rc = -1;
            }
    }
    table_fini(&t);
    *out = v;
    *n = nv;
    return rc;
}

int cmd_sweep(const struct opts *o, const char *command) {
    char err[2048];
    struct sweep_variant *v = NULL;
    size_t n = 0;
    int status = EXIT_OK;
    if (!o->grid) {
        fprintf(stderr, "flowsim: sweep needs --grid GRID.csv\n");
        return EXIT_BAD_INPUT;
    }
    if (read_grid(o->grid, &v, &n, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        status = EXIT_BAD_INPUT;
    }
    /* Every variant is loaded and checked before any runs; all take the first row's seed and
     * replications, so they see the same patients. */
    char seed[64], reps[64];
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        size_t ns = 0;
        const char **sets = fs_calloc(o->nsets + v[i].nsets + 3, sizeof *sets);
        for (size_t k = 0; k < o->nsets; k++) sets[ns++] = o->sets[k];
        for (size_t k = 0; k < v[i].nsets; k++) sets[ns++] = v[i].sets[k];
        if (i > 0) {
            sets[ns++] = seed;
            sets[ns++] = reps;
        }
        v[i].sc = scenario_load(o->file, sets, ns, err, sizeof err);
        fs_free(sets);
        if (!v[i].sc) {
            fprintf(stderr, "%s:%ld: variant '%s': %s\n", o->grid, v[i].line, v[i].label, err);
            status = EXIT_BAD_INPUT;
            break;
        }
        if (i == 0) {
            snprintf(seed, sizeof seed, "scenario.seed=%llu", (unsigned long long)v[0].sc->seed);
            snprintf(reps, sizeof reps, "scenario.replications=%d", v[0].sc->replications);
        }
    }
    char dir[4096], sub[4300];
    struct outdir *od = NULL;
    if (status == EXIT_OK) status = cli_results_dir(o, "sweep-", v[0].sc, dir, sizeof dir);
    /* The whole sweep — every variant's folder, sweep.csv, run-info, the report — is staged in
     * one folder and published as one result (under mpirun, by rank 0). */
    const char *files[] = {"sweep.csv", "run-info", o->report ? "report.html" : NULL, NULL};
    const char **labels = fs_calloc(n + 1, sizeof *labels);
    for (size_t i = 0; i < n; i++) labels[i] = v[i].label;
    if (status == EXIT_OK && par_rank() == 0)
        status = cli_outdir_open(&od, dir, files, labels, o->quiet);
    fs_free(labels);
    const char *stage = od ? outdir_stage(od) : "";
    struct cmp_scenario *cs = fs_calloc(n + 1, sizeof *cs);
    int threads = o->threads > 0 ? o->threads : runner_cores();
    /* Under mpirun with at least as many variants as ranks, each rank runs whole variants
     * (variant i on rank i mod ranks), all at once, and hands them to rank 0 afterwards;
     * with fewer variants, each variant's replications are shared out instead. */
    int ranks = par_size(), rank = par_rank();
    int alone = ranks > 1 && n >= (size_t)ranks;
    int *rc = fs_calloc(n + 1, sizeof *rc);
    double *wall = fs_calloc(n + 1, sizeof *wall);
    char(*from)[4200] = fs_calloc(n + 1, sizeof *from);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        struct sweep_variant *x = &v[i];
        metric_layout_init(&x->ml, x->sc, o->by_group && x->sc->ngroups);
        x->value = fs_calloc((size_t)x->sc->replications * x->ml.n, sizeof *x->value);
        snprintf(sub, sizeof sub, "%s/%s", stage, x->label);
        int owner = alone ? (int)(i % (size_t)ranks) : rank;
        if (owner != rank) continue;
        struct run_stats st = {0};
        struct run_options ro = {.keep = x->value,
                                 .patient_log = o->patient_log,
                                 .progress = o->progress,
                                 .alone = alone};
        /* A rank other than 0 runs into a folder of its own, which cli_deliver sends. */
        if (alone && rank != 0)
            rc[i] = cli_part_dir(from[i], sizeof from[i], err, sizeof err);
        else if (rank == 0 && mkdir(sub, 0777) != 0)
            snprintf(err, sizeof err, "%.1500s: cannot create the folder: %s", sub,
                     strerror(errno)),
                rc[i] = FS_ECREATE;
        if (rc[i] == 0)
            rc[i] = cli_run_to_dir(x->sc, &x->ml,
                                   from[i][0]  ? from[i]
                                   : rank == 0 ? sub
                                               : NULL,
                                   threads, command, &ro, &st, err, sizeof err);
        wall[i] = st.wall_seconds;
        fs_free(st.warnings);                     /* a variant's warnings are in its run-info */
        if (rc[i] != 0 && alone) par_report(err); /* now: err is reused by the next variant */
        if (rc[i] != 0 && !alone) status = cli_fail(rc[i], err);
    }
    for (size_t i = 0; alone && i < n && status == EXIT_OK; i++) {
        struct sweep_variant *x = &v[i];
        snprintf(sub, sizeof sub, "%s/%s", stage, x->label);
        int drc = cli_deliver((int)(i % (size_t)ranks), rc[i], from[i], sub, x->value,
                              (size_t)x->sc->replications * x->ml.n, &wall[i], err, sizeof err);
        if (drc != 0) status = cli_fail(drc, err);
    }
    fs_free(rc);
    fs_free(from);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        struct sweep_variant *x = &v[i];
        if (!o->quiet)
            printf("flowsim: variant %s: %d replications in %.2f s -> %s/%s\n", x->label,
                   x->sc->replications, wall[i], dir, x->label);
        cs[i] = cli_cmp_scenario(x->label, x->sc, &x->ml, x->value, &x->unit, &x->metric);
    }
    fs_free(wall);
    if (status == EXIT_OK && od) {
        int wrc = comparison_write(stage, "sweep.csv", "variant", cs, n, err, sizeof err);
        if (wrc == 0)
            wrc = cli_run_info(stage, command, (unsigned long long)v[0].sc->seed,
                               v[0].sc->replications, "grid", o->grid, err, sizeof err);
        if (wrc != 0) status = cli_fail(wrc, err);
        if (status == EXIT_OK && o->report) status = cli_report_in(od, o->quiet);
        if (status == EXIT_OK) {
            status = cli_outdir_publish(od);
            od = NULL;
        }
    }
    if (status == EXIT_OK && !o->quiet) {
        cli_print_comparison(v[0].sc, cs, n);
        printf("\nresults: %s/sweep.csv and one folder per variant\n", dir);
    }
    outdir_abort(od);
    for (size_t i = 0; i < n; i++) variant_fini(&v[i]);
    fs_free(v);
    fs_free(cs);
    return status;
}
