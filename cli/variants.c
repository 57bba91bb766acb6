/* Variants of a scenario on the same patients: loaded, their summaries kept, the paired
 * comparison written, published and printed (compare and sweep). */
#include "variants.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/flow.h"
#include "models/scenario.h"
#include "output/contable.h"
#include "output/dictionary.h"
#include "output/outdir.h"
#include "output/results.h"
#include "output/stationarity.h"
#include "par.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "sim/runner.h"
#include "sim/stats.h"

void variants_init(struct variants *vs, size_t n) {
    memset(vs, 0, sizeof *vs);
    vs->v = fs_calloc(n + 1, sizeof *vs->v);
    vs->n = n;
}

void variants_fini(struct variants *vs) {
    for (size_t i = 0; vs->v && i < vs->n; i++) {
        struct variant *v = &vs->v[i];
        fs_free(v->value);
        fs_free(v->diag);
        fs_free(v->warnings);
        fs_free(v->stationarity);
        fs_free(v->unit);
        fs_free(v->metric);
        metric_layout_fini(&v->ml);
        scenario_free(v->sc);
    }
    fs_free(vs->v);
    vs->v = NULL;
}

int variants_load(struct variants *vs, size_t i, const char *file, const char *const *sets,
                  size_t nsets, const char *const *more, size_t nmore, char *err, size_t errlen) {
    const char **all = fs_calloc(nsets + nmore + 3, sizeof *all);
    size_t n = 0;
    for (size_t k = 0; k < nsets; k++) all[n++] = sets[k];
    for (size_t k = 0; k < nmore; k++) all[n++] = more[k];
    if (i > 0) {
        all[n++] = vs->seed;
        all[n++] = vs->reps;
    }
    struct variant *v = &vs->v[i];
    v->sc = scenario_load(file, all, n, err, errlen);
    fs_free(all);
    if (!v->sc) return -1;
    v->name = v->sc->name;
    if (i == 0) {
        snprintf(vs->seed, sizeof vs->seed, "scenario.seed=%llu", (unsigned long long)v->sc->seed);
        snprintf(vs->reps, sizeof vs->reps, "scenario.replications=%d", v->sc->replications);
    }
    return 0;
}

void variants_prepare(struct variants *vs, size_t i, int by_group) {
    struct variant *v = &vs->v[i];
    metric_layout_init(&v->ml, v->sc, by_group && v->sc->ngroups);
    v->value = fs_calloc((size_t)v->sc->replications * v->ml.n + 1, sizeof *v->value);
    v->diag =
        fs_calloc((size_t)v->sc->replications * flow_diag_len(v->sc->nunits) + 1, sizeof *v->diag);
}

void variants_judge(struct variants *vs, size_t i) {
    struct variant *v = &vs->v[i];
    const char **names = fs_calloc(v->sc->nunits + 1, sizeof *names);
    for (size_t u = 0; u < v->sc->nunits; u++) names[u] = v->sc->unit[u].name;
    char *run = results_warnings_of(v->sc->nunits, names, v->diag, v->sc->replications);
    char *text = NULL;
    size_t len = 0;
    FILE *f = plat_memstream_open(&text, &len);
    if (f) {
        stn_write_lines(f, v->sc->nunits, names, v->diag, v->sc->replications);
        plat_memstream_close(f, &text, &len);
    }
    fs_free(v->stationarity);
    v->stationarity = fs_strdup(text ? text : "");
    free(text);
    fs_free(names);
    /* The scenario's own warnings first, then the run's: as a run's run-info has them. */
    fs_free(v->warnings);
    v->warnings = results_all_warnings(v->sc, run);
    fs_free(run);
}

void variants_read_warnings(struct variants *vs, size_t i, const char *dir) {
    struct variant *v = &vs->v[i];
    char path[FS_PATH_MAX];
    fs_free(v->warnings);
    fs_free(v->stationarity);
    v->warnings = v->stationarity = NULL;
    char *text = NULL, *stn = NULL;
    size_t len = 0, slen = 0;
    FILE *out = plat_memstream_open(&text, &len), *sout = plat_memstream_open(&stn, &slen);
    FILE *f = snprintf(path, sizeof path, "%s/run-info", dir) < (int)sizeof path ? fopen(path, "r")
                                                                                 : NULL;
    char *line = NULL;
    size_t cap = 0;
    while (f && out && sout && plat_getline(&line, &cap, f) > 0)
        if (!strncmp(line, "warning = ", 10))
            fputs(line + 10, out);
        else if (!strncmp(line, "stationarity = ", 15))
            fputs(line, sout);
    free(line);
    if (f) fclose(f);
    if (out) plat_memstream_close(out, &text, &len);
    if (sout) plat_memstream_close(sout, &stn, &slen);
    v->warnings = fs_strdup(text ? text : "");
    v->stationarity = fs_strdup(stn ? stn : "");
    free(text), free(stn);
}

/* Each line of text as "PREFIXvariant NAME: LINE\n" into f, LINE without its leading drop
 * ("" for none): the variant's warnings ("warning = " or the console's prefix), and its
 * run-info's "stationarity = UNIT: ..." lines as "stationarity = variant NAME: UNIT: ...", each
 * variant's trend test judged on its whole run, where a compare's or sweep's reader finds its
 * answer (a drifting variant's difference has no steady size). */
static void put_lines(FILE *f, const char *prefix, const struct variant *v, const char *text,
                      const char *drop) {
    size_t nd = strlen(drop);
    for (const char *w = text ? text : ""; *w;) {
        const char *end = strchr(w, '\n');
        int n = end ? (int)(end - w) : (int)strlen(w);
        int skip = n >= (int)nd && !strncmp(w, drop, nd) ? (int)nd : 0;
        if (n > skip) fprintf(f, "%svariant %s: %.*s\n", prefix, v->name, n - skip, w + skip);
        w += n + (end != NULL);
    }
}

void variants_warn(const struct variants *vs) {
    if (par_rank() != 0) return;
    for (size_t i = 0; i < vs->n; i++)
        put_lines(stderr, "flowsim: warning: ", &vs->v[i], vs->v[i].warnings, "");
}

int variants_open(const struct variants *vs, const struct opts *o, const char *prefix,
                  const char *file, const char *const *folders, char *dir, size_t dirlen,
                  struct outdir **od) {
    int status = cli_results_dir(o, prefix, vs->v[0].sc, dir, dirlen);
    /* Opened before the runs, so that a folder that cannot be written is refused at once. */
    const char *files[] = {file, DICT_FILE, "run-info", o->report ? "report.html" : NULL, NULL};
    if (status == EXIT_OK && par_rank() == 0)
        status = cli_outdir_open(od, dir, files, folders, o->quiet);
    return status;
}

struct cmp_scenario *variants_table(struct variants *vs) {
    struct cmp_scenario *cs = fs_calloc(vs->n + 1, sizeof *cs);
    for (size_t i = 0; i < vs->n; i++) {
        struct variant *v = &vs->v[i];
        const struct metric_layout *ml = &v->ml;
        fs_free(v->unit);
        fs_free(v->metric);
        v->unit = fs_calloc(ml->n + 1, sizeof *v->unit);
        v->metric = fs_calloc(ml->n + 1, sizeof *v->metric);
        for (size_t k = 0; k < ml->n; k++) {
            int u = ml->slot[k].unit;
            v->unit[k] = u >= 0 ? v->sc->unit[u].name : "";
            v->metric[k] = ml->slot[k].name;
        }
        cs[i] = (struct cmp_scenario){.name = v->name,
                                      .nslots = ml->n,
                                      .nrep = (size_t)v->sc->replications,
                                      .unit = v->unit,
                                      .metric = v->metric,
                                      .value = v->value};
    }
    return cs;
}

int variants_publish(const struct variants *vs, const struct cmp_scenario *cs, struct outdir **od,
                     const struct opts *o, const char *command, const char *file,
                     const char *column, const char *key, const char *value) {
    char err[FS_MSG_MAX];
    const char *stage = outdir_stage(*od);
    const struct scenario *base = vs->v[0].sc;
    int status = EXIT_OK;
    int rc = comparison_write(stage, file, column, cs, vs->n, err, sizeof err);
    if (rc == 0) { /* the dictionary of comparison.csv's (sweep.csv's) metrics */
        struct dict d = {0};
        for (size_t i = 0; i < vs->n; i++)
            for (size_t k = 0; k < cs[i].nslots; k++)
                dict_add(&d, cs[i].metric[k], !*cs[i].unit[k]);
        rc = dict_write(&d, stage, err, sizeof err);
        dict_fini(&d);
    }
    if (rc == 0)
        rc = cli_run_info(stage, command, (unsigned long long)base->seed, base->replications, key,
                          value, NULL, err, sizeof err);
    if (rc == 0) { /* every variant's warnings, judged on its whole run */
        char path[FS_PATH_MAX];
        FILE *f = NULL;
        if (cli_path(path, sizeof path, stage, "run-info", err, sizeof err) != FS_OK)
            rc = FS_EINPUT;
        else if (!(f = fopen(path, "a")))
            snprintf(err, sizeof err, "%s: cannot write", path), rc = FS_EIO;
        /* A sweep varies one scenario: its name titles the page (a comparison's are its
         * scenarios'). */
        if (f && !strcmp(column, "variant")) fprintf(f, "scenario = %s\n", base->name);
        for (size_t i = 0; f && i < vs->n; i++)
            put_lines(f, "stationarity = ", &vs->v[i], vs->v[i].stationarity, "stationarity = ");
        for (size_t i = 0; f && i < vs->n; i++)
            put_lines(f, "warning = ", &vs->v[i], vs->v[i].warnings, "");
        if (f && fclose(f) != 0) snprintf(err, sizeof err, "%s: write failed", path), rc = FS_EIO;
    }
    if (rc != 0) status = cli_fail(rc, err);
    if (status == EXIT_OK && o->report) status = cli_report_in(*od, o->quiet);
    if (status == EXIT_OK) {
        status = cli_outdir_publish(*od);
        *od = NULL;
    }
    return status;
}

void variants_print(const struct variants *vs, const struct cmp_scenario *cs) {
    const struct scenario *base = vs->v[0].sc;
    size_t n = vs->n;
    int no_ci_seen = 0, *no_ci = &no_ci_seen;
    struct ctab t;
    ctab_init(&t, 5, "lllll");
    const char *head[] = {"metric", "unit_of_measure", "scenario", "mean [95% CI]",
                          "vs base [95% CI]"};
    ctab_row(&t, head);
    for (size_t k = 0; k < cs[0].nslots; k++) {
        const char *u = cs[0].unit[k], *m = cs[0].metric[k];
        /* A unit the base lacks is of no kind that has headlines. */
        int ui = *u ? scenario_unit_index(base, u) : -1;
        int kind = !*u ? METRIC_SYSTEM : ui >= 0 ? (int)base->unit[ui].kind : (int)UNIT_GENERIC;
        if (!metric_is_headline(m, kind)) continue;
        size_t len = strlen(u) + strlen(m) + 2;
        char *label = fs_malloc(len);
        snprintf(label, len, "%s%s%s", u, *u ? " " : "", m);
        const struct metric_def *def = metric_lookup(m, !*u);
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
            double lo = NAN, hi = NAN, lo_b, hi_b; /* cut at the range, as comparison.csv's */
            metric_bounds(m, !*u, &lo_b, &hi_b);
            int ci = stats_ci95_bounded(&w, lo_b, hi_b, &lo, &hi) == 0;
            /* Numbers of %.4g: at most 11 bytes each, so these hold any. Where the CSV's cell is
             * empty (no value, or no interval from one replication) the table says so, never
             * nan. */
            char mean[64], diff[64] = "";
            if (w.n == 0)
                snprintf(mean, sizeof mean, "-");
            else if (!ci)
                snprintf(mean, sizeof mean, "%.4g [no interval]", w.mean), *no_ci = 1;
            else
                snprintf(mean, sizeof mean, "%.4g [%.4g, %.4g]", w.mean, lo, hi);
            if (i > 0) {
                double d = NAN, dlo = NAN, dhi = NAN;
                stats_paired(a, b, cs[i].nrep, &d, &dlo, &dhi);
                if (isnan(d))
                    snprintf(diff, sizeof diff, "-");
                else if (isnan(dlo) || isnan(dhi))
                    snprintf(diff, sizeof diff, "%+.4g [no interval]", d), *no_ci = 1;
                else
                    snprintf(diff, sizeof diff, "%+.4g [%+.4g, %+.4g]%s", d, dlo, dhi,
                             (dlo > 0 || dhi < 0) ? " *" : "");
            }
            const char *row[] = {i == 0 ? label : "", i == 0 && def ? def->measure : "", cs[i].name,
                                 mean, diff};
            ctab_row(&t, row);
        }
        fs_free(label);
        fs_free(a);
        fs_free(b);
    }
    fputc('\n', stdout);
    ctab_print(&t, stdout);
    ctab_fini(&t);
    printf("\n* the paired 95%% interval of the difference excludes 0\n");
    if (no_ci_seen)
        printf("no interval: too few replications with a value to give one (at least 2: "
               "--replications)\n");
}

/* ---- several variants at once ---------------------------------------------------------------- */

void variants_split(size_t n, int reps, int threads, int *together, int *each) {
    if (threads <= 0) threads = runner_cores();
    if (reps < 1) reps = 1;
    /* A variant keeps reps threads busy at most; the rest run other variants. */
    int k = reps < threads && par_size() == 1 ? threads / reps : 1;
    if ((size_t)k > n) k = n ? (int)n : 1;
    *together = k;
    *each = threads / k;
}

struct vrun {
    variant_fn fn;
    void *ctx;
    int each;
};

/* A variant's outcome, handed to vrun_done in order. */
struct vout {
    int rc;
    char err[FS_MSG_MAX];
};

static int vrun_one(void *ctx, int i, void **result, char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    struct vrun *r = ctx;
    struct vout *o = fs_calloc(1, sizeof *o);
    o->rc = r->fn(r->ctx, (size_t)i, r->each, o->err, sizeof o->err);
    *result = o;
    return 0; /* its failure is said in order, by vrun_done */
}

static int vrun_done(void *ctx, int i, void *result, char *err, size_t errlen) {
    (void)ctx;
    (void)i;
    struct vout *o = result;
    int rc = o->rc;
    if (rc != 0) snprintf(err, errlen, "%s", o->err);
    fs_free(o);
    return rc < 0 ? rc : rc ? FS_EBUG : 0;
}

static void vrun_discard(void *ctx, void *result) {
    (void)ctx;
    fs_free(result);
}

int variants_run(size_t n, int reps, int threads, variant_fn fn, void *ctx, char *err,
                 size_t errlen) {
    int together, each;
    variants_split(n, reps, threads, &together, &each);
    if (together <= 1) {
        for (size_t i = 0; i < n; i++) {
            int rc = fn(ctx, i, threads, err, errlen);
            if (rc != 0) return rc;
        }
        return 0;
    }
    struct vrun r = {.fn = fn, .ctx = ctx, .each = each};
    struct runner_job job = {.first_rep = 0,
                             .nrep = (int)n,
                             .nthreads = together,
                             .run = vrun_one,
                             .done = vrun_done,
                             .discard = vrun_discard,
                             .ctx = &r,
                             .stop = &cli_interrupted};
    return runner_run(&job, err, errlen);
}
