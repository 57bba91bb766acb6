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
#include "sim/platform.h"
#include "sim/runner.h"
#include "variants.h"

/* A row of the grid: the variant's name and its --set values. */
struct sweep_row {
    char *name;                       /* as the grid gives it: sweep.csv's, the page's */
    char label[OUTDIR_LABEL_MAX + 1]; /* its folder's name (outdir_label: ASCII) */
    char **sets;                      /* owned "NAME.KEY=VALUE" strings of the row */
    size_t nsets;
    long line;
};

static void rows_free(struct sweep_row *v, size_t n) {
    for (size_t k = 0; k < n; k++) {
        fs_free(v[k].name);
        for (size_t i = 0; i < v[k].nsets; i++) fs_free(v[k].sets[i]);
        fs_free(v[k].sets);
    }
    fs_free(v);
}

/* The grid: a header of NAME.KEY columns (and an optional 'variant' label column), then one
 * variant per row. */
static int read_grid(const char *path, struct sweep_row **out, size_t *n, char *err,
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
    struct sweep_row *v = fs_calloc(t.n, sizeof *v);
    size_t nv = 0;
    for (size_t i = 1; i < t.n && !rc; i++) {
        const struct table_row *row = &t.row[i];
        struct sweep_row *x = &v[nv++];
        x->line = row->line;
        x->sets = fs_calloc(head->n + 1, sizeof *x->sets);
        if (row->n != head->n) {
            snprintf(err, errlen, "%s:%ld: expected %zu columns like the header, got %zu", path,
                     row->line, head->n, row->n);
            rc = -1;
            break;
        }
        /* The label from the row's values, VALUE_VALUE..., however long (outdir_label says
         * when it is too long for a folder's name). */
        size_t mlen = 1;
        for (size_t k = 0; k < head->n; k++) mlen += strlen(row->field[k]) + 1;
        char *made = fs_calloc(mlen, 1), *mp = made;
        for (size_t k = 0; k < head->n; k++) {
            if ((int)k == label_col) continue;
            size_t len = strlen(head->field[k]) + strlen(row->field[k]) + 2;
            x->sets[x->nsets] = fs_malloc(len);
            snprintf(x->sets[x->nsets++], len, "%s=%s", head->field[k], row->field[k]);
            mp += sprintf(mp, "%s%s", mp > made ? "_" : "", row->field[k]);
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
            char *msg = fs_strdup(err);
            snprintf(err, errlen, "%s:%ld: %s%s", path, row->line, msg,
                     label_col >= 0 ? "" : "; name it in a 'variant' column");
            fs_free(msg);
            rc = -1;
        }
        x->name = fs_strdup(label_col >= 0 ? row->field[label_col] : made);
        fs_free(made);
        /* The name goes into run-info's lines, the console and the page as it is. */
        if (!rc && !outdir_printable(x->name)) {
            snprintf(err, errlen,
                     "%s:%ld: variant: expected a name without control characters (a line break, "
                     "a tab, U+0085), bidirectional overrides or bytes that are not UTF-8",
                     path, row->line);
            rc = -1;
        }
        if (rc) break;
        for (size_t j = 0; j + 1 < nv && !rc; j++)
            if (!strcmp(v[j].name, x->name)) {
                snprintf(err, errlen, "%s:%ld: variant '%s' appears twice (first at line %ld)",
                         path, row->line, x->name, v[j].line);
                rc = -1;
            } else if (!strcmp(v[j].label, x->label)) { /* "a b" and "a_b": one folder */
                snprintf(err, errlen,
                         "%s:%ld: variant '%s': expected a name apart from line %ld's '%s' (both "
                         "make the folder name '%s')",
                         path, row->line, x->name, v[j].line, v[j].name, x->label);
                rc = -1;
            }
    }
    table_fini(&t);
    *out = v;
    *n = nv;
    return rc;
}

/* The sweep's runs: variant i's into its folder in the staging folder (variants_run). */
struct sweep {
    struct variants *vs;
    const struct sweep_row *row;
    const struct opts *o;
    const char *command, *stage;
    int alone, ranks, rank, progress;
    int *rc;                   /* each variant's status */
    double *wall;              /* each variant's wall time, seconds */
    char (*from)[FS_PATH_MAX]; /* under mpirun, a rank's own folder for variant i, or "" */
};

static int sweep_one(void *ctx, size_t i, int threads, char *err, size_t errlen) {
    struct sweep *w = ctx;
    struct variant *x = &w->vs->v[i];
    int owner = w->alone ? (int)(i % (size_t)w->ranks) : w->rank;
    if (owner != w->rank) return 0;
    struct run_stats st = {0};
    struct run_options ro = {.keep = x->value,
                             .patient_log = w->o->patient_log,
                             .progress = w->progress,
                             .alone = w->alone};
    char sub[FS_PATH_MAX] = "";
    int rc = 0;
    /* A rank other than 0 runs into a folder of its own, which cli_deliver sends. */
    if (w->alone && w->rank != 0)
        rc = cli_part_dir(w->from[i], sizeof w->from[i], err, errlen);
    else if (w->rank == 0)
        rc = cli_path(sub, sizeof sub, w->stage, w->row[i].label, err, errlen);
    if (rc == 0 && w->rank == 0 && !w->from[i][0] && plat_mkdir(sub, 0777) != 0) {
        snprintf(err, errlen, "%.1500s: cannot create the folder: %s", sub, strerror(errno));
        rc = FS_ECREATE;
    }
    if (rc == 0)
        rc = cli_run_to_dir(x->sc, &x->ml,
                            w->from[i][0]  ? w->from[i]
                            : w->rank == 0 ? sub
                                           : NULL,
                            threads, w->command, &ro, &st, err, errlen);
    w->wall[i] = st.wall_seconds;
    fs_free(st.warnings); /* a variant's warnings are in its run-info */
    fs_free(st.summary);
    w->rc[i] = rc;
    if (rc != 0 && w->alone) { /* said now; the ranks agree on it in cli_deliver */
        par_report(err);
        return 0;
    }
    return rc;
}

int cmd_sweep(const struct opts *o, const char *command) {
    char err[FS_MSG_MAX];
    struct sweep_row *row = NULL;
    size_t n = 0;
    int status = EXIT_OK;
    if (!o->grid) {
        fprintf(stderr, "flowsim: sweep needs --grid GRID.csv\n");
        return EXIT_BAD_INPUT;
    }
    if (read_grid(o->grid, &row, &n, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        status = EXIT_BAD_INPUT;
    }
    /* Every variant is loaded and checked before any runs, on the first row's patients. */
    struct variants vs;
    variants_init(&vs, n);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        if (variants_load(&vs, i, o->file, o->sets, o->nsets, (const char *const *)row[i].sets,
                          row[i].nsets, err, sizeof err) != 0) {
            fprintf(stderr, "%s:%ld: variant '%s': %s\n", o->grid, row[i].line, row[i].name, err);
            status = EXIT_BAD_INPUT;
        }
        vs.v[i].name = row[i].name;
    }
    char dir[FS_PATH_MAX], sub[FS_PATH_MAX] = "";
    struct outdir *od = NULL;
    /* The whole sweep — every variant's folder, sweep.csv, run-info, the report — is staged in
     * one folder and published as one result (under mpirun, by rank 0). */
    const char **labels = fs_calloc(n + 1, sizeof *labels);
    for (size_t i = 0; i < n; i++) labels[i] = row[i].label;
    if (status == EXIT_OK)
        status = variants_open(&vs, o, "sweep-", "sweep.csv", labels, dir, sizeof dir, &od);
    fs_free(labels);
    const char *stage = od ? outdir_stage(od) : "";
    /* Each variant's folder in the staging folder: refused before anything runs when its path
     * is too long. */
    for (size_t i = 0; i < n && status == EXIT_OK && od; i++)
        if (cli_path(sub, sizeof sub, stage, row[i].label, err, sizeof err) != FS_OK)
            status = cli_fail(FS_EINPUT, err);
    int threads = o->threads > 0 ? o->threads : runner_cores();
    /* Under mpirun with at least as many variants as ranks, each rank runs whole variants
     * (variant i on rank i mod ranks), all at once, and hands them to rank 0 afterwards;
     * with fewer variants, each variant's replications are shared out instead. In one
     * process, variants of fewer replications than threads run several at once
     * (variants_run). */
    int ranks = par_size(), rank = par_rank();
    int alone = ranks > 1 && n >= (size_t)ranks;
    struct sweep w = {.vs = &vs,
                      .row = row,
                      .o = o,
                      .command = command,
                      .stage = stage,
                      .alone = alone,
                      .ranks = ranks,
                      .rank = rank,
                      .rc = fs_calloc(n + 1, sizeof *w.rc),
                      .wall = fs_calloc(n + 1, sizeof *w.wall),
                      .from = fs_calloc(n + 1, sizeof *w.from)};
    int *rc = w.rc;
    double *wall = w.wall;
    char(*from)[FS_PATH_MAX] = w.from;
    if (status == EXIT_OK) {
        int together, each;
        for (size_t i = 0; i < n; i++) variants_prepare(&vs, i, o->by_group);
        variants_split(n, vs.v[0].sc->replications, threads, &together, &each);
        w.progress = o->progress && together == 1; /* one line at a time */
        int vrc =
            variants_run(n, vs.v[0].sc->replications, threads, sweep_one, &w, err, sizeof err);
        if (vrc != 0) status = cli_fail(vrc, err);
    }
    for (size_t i = 0; alone && i < n && status == EXIT_OK; i++) {
        struct variant *x = &vs.v[i];
        if (rank == 0) cli_path(sub, sizeof sub, stage, row[i].label, err, sizeof err); /* fits */
        int drc = cli_deliver((int)(i % (size_t)ranks), rc[i], from[i], sub, x->value,
                              (size_t)x->sc->replications * x->ml.n, &wall[i], err, sizeof err);
        if (drc != 0) status = cli_fail(drc, err);
    }
    fs_free(rc);
    fs_free(from);
    /* Each variant's warnings, as its own run-info says them (judged on its whole run, on
     * whichever rank ran it). */
    for (size_t i = 0; i < n && status == EXIT_OK && od; i++)
        if (cli_path(sub, sizeof sub, stage, row[i].label, err, sizeof err) == FS_OK)
            variants_read_warnings(&vs, i, sub);
    if (status == EXIT_OK && !o->quiet) variants_warn(&vs); /* also in run-info */
    for (size_t i = 0; i < n && status == EXIT_OK && !o->quiet; i++)
        printf("flowsim: variant %s: %d replications in %.2f s -> %s/%s\n", row[i].name,
               vs.v[i].sc->replications, wall[i], dir, row[i].label);
    fs_free(wall);
    struct cmp_scenario *cs = status == EXIT_OK ? variants_table(&vs) : NULL;
    if (status == EXIT_OK && od)
        status =
            variants_publish(&vs, cs, &od, o, command, "sweep.csv", "variant", "grid", o->grid);
    if (status == EXIT_OK && !o->quiet) {
        variants_print(&vs, cs);
        printf("\nresults: %s/sweep.csv and one folder per variant\n", dir);
    }
    outdir_abort(od);
    variants_fini(&vs);
    rows_free(row, n);
    fs_free(cs);
    return status;
}
