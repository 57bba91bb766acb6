/* flowsim compare: every scenario on the same patients, and the paired differences. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "models/scenario.h"
#include "output/outdir.h"
#include "sim/core.h"
#include "variants.h"

/* The scenario files as one line for run-info, however long. */
static char *joined(const char *const *files, size_t n) {
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(files[i]) + 1;
    char *s = fs_calloc(len, 1), *p = s;
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%s%s", i ? " " : "", files[i]);
    return s;
}

/* Variant i's replications' summaries and diagnostics, then its warnings (variants_run). */
static int compare_one(void *ctx, size_t i, int threads, char *err, size_t errlen) {
    struct variants *vs = ctx;
    struct variant *x = &vs->v[i];
    int rc = cli_run_summaries_diag(x->sc, &x->ml, threads, x->value, x->diag, err, errlen);
    if (rc == 0) variants_judge(vs, i);
    return rc;
}

int cmd_compare(const struct opts *o, const char *command) {
    char err[FS_MSG_MAX];
    size_t n = o->nfiles;
    struct variants vs;
    variants_init(&vs, n);
    struct cmp_scenario *cs = NULL;
    int status = EXIT_OK;
    /* Every scenario is loaded and checked before anything runs. */
    for (size_t i = 0; i < n && status == EXIT_OK; i++)
        if (variants_load(&vs, i, o->files[i], o->sets, o->nsets, NULL, 0, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            status = EXIT_BAD_INPUT;
        }
    char dir[FS_PATH_MAX];
    struct outdir *od = NULL;
    if (status == EXIT_OK)
        status = variants_open(&vs, o, "compare-", "comparison.csv", NULL, dir, sizeof dir, &od);
    if (status == EXIT_OK) {
        /* Several at once when each has fewer replications than threads (variants_run). */
        for (size_t i = 0; i < n; i++) variants_prepare(&vs, i, o->by_group);
        int rc = variants_run(n, vs.v[0].sc->replications, o->threads, compare_one, &vs, err,
                              sizeof err);
        if (rc != 0) status = cli_fail(rc, err);
    }
    if (status == EXIT_OK) cs = variants_table(&vs);
    /* comparison.csv, run-info and the report are published together (under mpirun, by rank
     * 0). */
    if (status == EXIT_OK && od) {
        char *inis = joined(o->files, n);
        status = variants_publish(&vs, cs, &od, o, command, "comparison.csv", "scenario",
                                  "scenario_files", inis);
        fs_free(inis);
    }
    if (status == EXIT_OK && !o->quiet) variants_warn(&vs); /* also in run-info */
    if (status == EXIT_OK && !o->quiet) {
        printf(
            "flowsim: compared %zu scenarios on the same patients (seed %llu, %d replications)\n",
            n, (unsigned long long)vs.v[0].sc->seed, vs.v[0].sc->replications);
        variants_print(&vs, cs);
        printf("\nresults: %s/comparison.csv\n", dir);
    }
    outdir_abort(od);
    variants_fini(&vs);
    fs_free(cs);
    return status;
}
