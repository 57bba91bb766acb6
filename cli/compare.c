/* flowsim compare: every scenario on the same patients, and the paired differences. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/flow.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "output/comparison.h"
#include "output/csvout.h"
#include "output/outdir.h"
#include "par.h"
#include "sim/core.h"
#include "sim/runner.h"
#include "sim/stats.h"

/* One scenario of the comparison: loaded, then run keeping each replication's summary. */
struct variant {
    struct scenario *sc;
    struct metric_layout ml;
    double *value; /* nrep x nslots */
    const char **unit, **metric;
};

static void variant_fini(struct variant *v) {
    fs_free(v->value);
    fs_free(v->unit);
    fs_free(v->metric);
    metric_layout_fini(&v->ml);
    scenario_free(v->sc);
}

/* The numbers that matter most, one block per metric: each scenario's mean and interval, and
 * its paired difference from the base; '*' marks a difference whose interval excludes 0. */
void cli_print_comparison(const struct scenario *base, const struct cmp_scenario *cs, size_t n) {
    printf("\n%-34s %-20s %-28s %s\n", "metric", "scenario", "mean [95% CI]", "vs base [95% CI]");
    for (size_t k = 0; k < cs[0].nslots; k++) {
        const char *u = cs[0].unit[k], *m = cs[0].metric[k];
        /* A unit the base lacks is of no kind that has headlines. */
        int ui = *u ? scenario_unit_index(base, u) : -1;
        int kind = !*u ? METRIC_SYSTEM : ui >= 0 ? (int)base->unit[ui].kind : (int)UNIT_GENERIC;
        if (!metric_is_headline(m, kind)) continue;
        char label[128];
        snprintf(label, sizeof label, "%s%s%s", u, *u ? " " : "", m);
        double *a = fs_calloc(cs[0].nrep + 1, sizeof *a), *b = fs_calloc(cs[0].nrep + 1, sizeof *b);
        for (size_t i = 0; i < n; i++) {
            int j = cmp_find(&cs[i], u, m);
            if (j < 0) continue;
            struct welford w;
            welford_init(&w);
            for (size_t r = 0; r < cs[i].nrep; r++) {
                b[r] = cs[i].value[r * cs[i].nslots + (size_t)j];
                if (i == 0) a[r] = b[r];
                if (!isnan(b[r])) welford_add(&w, b[r]);
            }
            double lo = NAN, hi = NAN;
            stats_ci95(&w, &lo, &hi);
            char mean[64], diff[64] = "";
            snprintf(mean, sizeof mean, "%.4g [%.4g, %.4g]", w.mean, lo, hi);
            if (i > 0) {
                double d, dlo = NAN, dhi = NAN;
                stats_paired(a, b, cs[i].nrep, &d, &dlo, &dhi);
                snprintf(diff, sizeof diff, "%+.4g [%+.4g, %+.4g]%s", d, dlo, dhi,
                         (dlo > 0 || dhi < 0) ? " *" : "");
            }
            printf("%-34s %-20s %-28s %s\n", i == 0 ? label : "", cs[i].name, mean, diff);
        }
        fs_free(a);
        fs_free(b);
    }
    printf("\n* the paired 95%% interval of the difference excludes 0\n");
}

struct cmp_scenario cli_cmp_scenario(const char *name, const struct scenario *sc,
                                     const struct metric_layout *ml, const double *value,
                                     const char ***unit, const char ***metric) {
    *unit = fs_calloc(ml->n, sizeof **unit);
    *metric = fs_calloc(ml->n, sizeof **metric);
    for (size_t k = 0; k < ml->n; k++) {
        int u = ml->slot[k].unit;
        (*unit)[k] = u >= 0 ? sc->unit[u].name : "";
        (*metric)[k] = ml->slot[k].name;
    }
    return (struct cmp_scenario){.name = name,
                                 .nslots = ml->n,
                                 .nrep = (size_t)sc->replications,
                                 .unit = *unit,
                                 .metric = *metric,
                                 .value = value};
}

int cmd_compare(const struct opts *o, const char *command) {
    char err[2048];
    size_t n = o->nfiles;
    struct variant *v = fs_calloc(n, sizeof *v);
    struct cmp_scenario *cs = fs_calloc(n, sizeof *cs);
    int status = EXIT_OK;
    /* Every scenario is loaded and checked before anything runs. The variants take the base's
     * seed and replications: the same patients, in the same number of runs. */
    const char **sets = fs_calloc(o->nsets + 3, sizeof *sets);
    char seed[64], reps[64];
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        size_t ns = o->nsets;
        memcpy(sets, o->sets, o->nsets * sizeof *sets);
        if (i > 0) {
            sets[ns++] = seed;
            sets[ns++] = reps;
        }
        v[i].sc = scenario_load(o->files[i], sets, ns, err, sizeof err);
        if (!v[i].sc) {
            fprintf(stderr, "%s\n", err);
            status = EXIT_BAD_INPUT;
            break;
        }
        if (i == 0) {
            snprintf(seed, sizeof seed, "scenario.seed=%llu", (unsigned long long)v[0].sc->seed);
            snprintf(reps, sizeof reps, "scenario.replications=%d", v[0].sc->replications);
        }
    }
    fs_free(sets);
    char dir[4096];
    struct outdir *od = NULL;
    if (status == EXIT_OK) status = cli_results_dir(o, "compare-", v[0].sc, dir, sizeof dir);
    /* Opened before the runs, so that a folder that cannot be written is refused at once. */
    const char *files[] = {"comparison.csv", "run-info", o->report ? "report.html" : NULL, NULL};
    if (status == EXIT_OK && par_rank() == 0)
        status = cli_outdir_open(&od, dir, files, NULL, o->quiet);
    for (size_t i = 0; i < n && status == EXIT_OK; i++) {
        struct variant *x = &v[i];
        metric_layout_init(&x->ml, x->sc, o->by_group && x->sc->ngroups);
        x->value = fs_calloc((size_t)x->sc->replications * x->ml.n, sizeof *x->value);
        int rc = cli_run_summaries(x->sc, &x->ml, o->threads, x->value, err, sizeof err);
        if (rc != 0) {
            status = cli_fail(rc, err);
            break;
        }
        cs[i] = cli_cmp_scenario(x->sc->name, x->sc, &x->ml, x->value, &x->unit, &x->metric);
    }
    /* comparison.csv, run-info and the report are published together (under mpirun, by rank
     * 0). */
    if (status == EXIT_OK && od) {
        char inis[4096] = "";
        for (size_t i = 0; i < n; i++) {
            size_t k = strlen(inis);
            snprintf(inis + k, sizeof inis - k, "%s%s", i ? " " : "", o->files[i]);
        }
        int rc = comparison_write(outdir_stage(od), "comparison.csv", "scenario", cs, n, err,
                                  sizeof err);
        if (rc == 0)
            rc = cli_run_info(outdir_stage(od), command, (unsigned long long)v[0].sc->seed,
                              v[0].sc->replications, "scenario_files", inis, err, sizeof err);
        if (rc != 0) status = cli_fail(rc, err);
        if (status == EXIT_OK && o->report) status = cli_report_in(od, o->quiet);
        if (status == EXIT_OK) {
            status = cli_outdir_publish(od);
            od = NULL;
        }
    }
    if (status == EXIT_OK && !o->quiet) {
        printf(
            "flowsim: compared %zu scenarios on the same patients (seed %llu, %d replications)\n",
            n, (unsigned long long)v[0].sc->seed, v[0].sc->replications);
        cli_print_comparison(v[0].sc, cs, n);
        printf("\nresults: %s/comparison.csv\n", dir);
    }
    outdir_abort(od);
    for (size_t i = 0; i < n; i++) variant_fini(&v[i]);
    fs_free(v);
    fs_free(cs);
    return status;
}
