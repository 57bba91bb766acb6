/* flowsim calibrate SCENARIO --targets TARGETS.csv --vary VARY.csv: adjust keys within bounds so
 * that output metrics hit their targets, by minimising the weighted squared relative error over
 * runs on the same patients (GSL's simplex, in sim/calibrate.c). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/flow.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "models/table.h"
#include "models/value.h"
#include "output/csvout.h"
#include "output/dictionary.h"
#include "output/outdir.h"
#include "output/results.h"
#include "par.h"
#include "sim/calibrate.h"
#include "sim/core.h"
#include "variants.h"

/* A key to vary: a number (bounds are values: a capacity, a probability, the number of a rate
 * such as 8/h) or a distribution (bounds are scale factors). */
struct vary {
    char *key;
    double low, high, start;
    int is_dist, integer;
    int inf;              /* its value is inf: a count, or a key whose unit is unknown */
    long line;            /* its row in VARY.csv */
    char *suffix;         /* a rate's "/h" or "/d", as written; or NULL */
    struct val_dist base; /* for a distribution */
};

struct target {
    char *unit, *metric;
    double value, weight;
    int slot;
};

struct cal {
    const struct opts *o;
    struct vary *v;
    size_t nv;
    struct target *t;
    size_t nt;
    int evals; /* runs of the scenario: at most --max-evals */
    char err[FS_MSG_MAX];
    int failed;       /* a run failed: its status (FS_ESTOPPED on Ctrl-C), and err */
    double best;      /* the lowest objective run so far (non-finite as 1e300, as the search) */
    double *best_got; /* the targets' achieved means there (nt of them) */
    double *got;      /* scratch, nt */
    /* Each replication's diagnostics (flow_diag rows) of the last run, and of the best point's,
     * for the warnings of the calibrated point (results_warnings_of): its achieved values may
     * come from a system that froze or never settled. */
    double *diag, *best_diag;
    size_t ndiag;        /* values in diag and best_diag */
    int reps;            /* replications per evaluation */
    struct point *ahead; /* points evaluated ahead of the asking (cal_ahead), nahead of them */
    size_t nahead;
};

/* The --set string for vary k at value x, however long: to fs_free. */
static char *set_string(const struct vary *v, double x) {
    if (!v->is_dist) {
        const char *fmt = v->integer ? "%s=%.0f%s" : "%s=%.10g%s";
        double val = v->integer ? round(x) : x;
        const char *suffix = v->suffix ? v->suffix : "";
        int n = snprintf(NULL, 0, fmt, v->key, val, suffix);
        char *out = fs_malloc((size_t)n + 1);
        snprintf(out, (size_t)n + 1, fmt, v->key, val, suffix);
        return out;
    }
    /* Every duration of the distribution times x; the Weibull shape is not a duration. Each
     * parameter is %.10g, at most 17 bytes with its "d" and ", ". */
    const struct val_dist *d = &v->base;
    int np = dist_nparams(d->kind);
    size_t len = strlen(v->key) + strlen(dist_name(d->kind)) + 4 + (size_t)np * 24;
    char *out = fs_malloc(len);
    size_t n = (size_t)snprintf(out, len, "%s=%s(", v->key, dist_name(d->kind));
    for (int i = 0; i < np; i++) {
        double p = d->kind == DIST_WEIBULL && i == 0 ? d->p[i] : d->p[i] * x;
        n += (size_t)snprintf(out + n, len - n, "%s%.10g%s", i ? ", " : "", p,
                              d->kind == DIST_WEIBULL && i == 0 ? "" : "d");
    }
    snprintf(out + n, len - n, ")");
    return out;
}

/* Load the scenario with the varied keys at x. */
static struct scenario *load_at(const struct cal *c, const double *x, char *err, size_t errlen) {
    const struct opts *o = c->o;
    const char **sets = fs_calloc(o->nsets + c->nv + 1, sizeof *sets);
    char **buf = fs_calloc(c->nv + 1, sizeof *buf);
    size_t n = 0;
    for (size_t i = 0; i < o->nsets; i++) sets[n++] = o->sets[i];
    for (size_t k = 0; k < c->nv; k++) sets[n++] = buf[k] = set_string(&c->v[k], x[k]);
    struct scenario *sc = scenario_load(o->file, sets, n, err, errlen);
    fs_free(sets);
    for (size_t k = 0; k < c->nv; k++) fs_free(buf[k]);
    fs_free(buf);
    return sc;
}

/* A point's evaluation: what one run at x gives (eval_at), kept until the search asks. */
struct point {
    double *x;    /* nv parameters */
    double f;     /* the objective */
    int loaded;   /* the scenario took the values (else f is inf and nothing else is set) */
    int rc;       /* the run's failure, with err, or 0 */
    double *got;  /* the targets' achieved means, nt */
    double *diag; /* each replication's flow_diag row, nd values */
    size_t nd;
    int done; /* evaluated (a point ahead may not be: a failure or Ctrl-C before it) */
    int used; /* handed to the search */
    char err[FS_MSG_MAX];
};

static void point_free(struct point *p) {
    fs_free(p->x), fs_free(p->got), fs_free(p->diag);
    memset(p, 0, sizeof *p);
}

/* Run at p->x on threads threads, into p. Reads c, writes only p: several run at once. */
static void eval_at(const struct cal *c, struct point *p, int threads) {
    struct scenario *sc = load_at(c, p->x, p->err, sizeof p->err);
    p->f = INFINITY;
    if (!sc) return; /* e.g. a value the scenario cannot take */
    p->loaded = 1;
    struct metric_layout ml;
    metric_layout_init(&ml, sc, 0);
    double *keep = fs_calloc((size_t)sc->replications * ml.n, sizeof *keep);
    p->nd = (size_t)sc->replications * flow_diag_len(sc->nunits);
    p->diag = fs_calloc(p->nd + 1, sizeof *p->diag);
    p->got = fs_calloc(c->nt + 1, sizeof *p->got);
    p->rc = cli_run_summaries_diag(sc, &ml, threads, keep, p->diag, p->err, sizeof p->err);
    if (p->rc == 0) {
        p->f = 0;
        for (size_t i = 0; i < c->nt; i++) {
            struct target *t = &c->t[i];
            double sum = 0;
            int n = 0;
            /* The target's slot in this point's layout: a varied key can add or remove metrics
             * (surge_capacity 0 has no surge metrics), moving the others; none here: NaN. */
            int u = *t->unit ? scenario_unit_index(sc, t->unit) : -1;
            size_t slot = ml.n;
            for (size_t k = 0; k < ml.n && slot == ml.n; k++)
                if (ml.slot[k].unit == u && !strcmp(ml.slot[k].name, t->metric)) slot = k;
            for (int r = 0; r < sc->replications && slot < ml.n; r++) {
                double v = keep[(size_t)r * ml.n + slot];
                if (!isnan(v)) sum += v, n++;
            }
            double mean = n ? sum / n : NAN;
            p->got[i] = mean;
            double e = t->value != 0 ? (mean - t->value) / t->value : mean - t->value;
            p->f += isnan(e) ? 1e6 : t->weight * e * e;
        }
    }
    fs_free(keep);
    metric_layout_fini(&ml);
    scenario_free(sc);
}

/* The point's run as the search's evaluation: counted, its failure kept (the first), its
 * achieved values and diagnostics the last run's (c->got, c->diag: a point the scenario
 * refused leaves them as they were). Returns the objective. */
static double take(struct cal *c, const struct point *p) {
    if (p->loaded && p->nd > c->ndiag) { /* the varied keys cannot change the units, nor the
                                          * replications: once */
        fs_free(c->diag), fs_free(c->best_diag);
        c->diag = fs_calloc(p->nd, sizeof *c->diag);
        c->best_diag = fs_calloc(p->nd, sizeof *c->best_diag);
        c->ndiag = p->nd;
    }
    if (p->loaded) memcpy(c->diag, p->diag, p->nd * sizeof *c->diag);
    if (p->rc != 0 && !c->failed) {
        snprintf(c->err, sizeof c->err, "%s", p->err);
        c->failed = p->rc;
    } else if (p->loaded && p->rc == 0) {
        memcpy(c->got, p->got, c->nt * sizeof *c->got);
    }
    c->evals++;
    return p->f;
}

/* The points evaluated ahead of the asking (cal_ahead), in the order they will be asked. */
static struct point *ahead_of(struct cal *c, const double *x) {
    for (size_t i = 0; i < c->nahead; i++)
        if (c->ahead[i].done && !c->ahead[i].used && !memcmp(c->ahead[i].x, x, c->nv * sizeof *x))
            return &c->ahead[i];
    return NULL;
}

/* The search's objective. Past --max-evals it runs nothing (the search may ask for a few more
 * points to finish a step of its simplex): the cap is exact, and the best point's achieved
 * values are kept from its own run rather than run again. */
static double objective(void *ctx, const double *x) {
    struct cal *c = ctx;
    if (c->failed || c->evals >= c->o->max_evals) return INFINITY;
    struct point own = {0}, *p = ahead_of(c, x);
    if (!p) {
        own.x = fs_calloc(c->nv + 1, sizeof *own.x);
        memcpy(own.x, x, c->nv * sizeof *x);
        eval_at(c, &own, c->o->threads);
        p = &own;
    }
    p->used = 1;
    double f = take(c, p), seen = isfinite(f) ? f : 1e300;
    point_free(&own);
    if (seen < c->best) {
        c->best = seen;
        memcpy(c->best_got, c->got, c->nt * sizeof *c->got);
        if (c->ndiag) memcpy(c->best_diag, c->diag, c->ndiag * sizeof *c->diag);
    }
    return f;
}

static int ahead_one(void *ctx, size_t i, int threads, char *err, size_t errlen) {
    struct cal *c = ctx;
    struct point *p = &c->ahead[i];
    eval_at(c, p, threads);
    p->done = 1;
    /* A failure stops those after it (variants_run), which the search then never asks for:
     * it stops at the first failure, in its own order, as one at a time would. */
    if (p->rc != 0) snprintf(err, errlen, "%s", p->err);
    return p->rc;
}

/* The simplex's first points, independent of one another: when a point's replications are
 * fewer than the threads, several run at once (variants_run), each as it would alone, so the
 * search and its results are the same bytes on any number of threads. Those past --max-evals
 * are not run. */
static void cal_ahead(void *ctx, const double *xs, size_t k) {
    struct cal *c = ctx;
    int reps = c->reps, together, each;
    size_t left = c->o->max_evals > c->evals ? (size_t)(c->o->max_evals - c->evals) : 0;
    if (k > left) k = left;
    variants_split(k, reps, c->o->threads, &together, &each);
    if (together <= 1 || c->failed) return; /* one at a time, each with every thread */
    c->ahead = fs_calloc(k + 1, sizeof *c->ahead);
    c->nahead = k;
    for (size_t i = 0; i < k; i++) {
        c->ahead[i].x = fs_calloc(c->nv + 1, sizeof *c->ahead[i].x);
        memcpy(c->ahead[i].x, xs + i * c->nv, c->nv * sizeof *xs);
    }
    char err[FS_MSG_MAX];
    variants_run(k, reps, c->o->threads, ahead_one, c, err, sizeof err);
}

/* Both bounds of a row load, each alone over the scenario (and its --set): else the row's
 * message, naming the bound and the loader's reason, rather than a search whose every point
 * is refused and a best point that cannot be written (exit 1). The key's value says what the
 * bounds are (the number of a rate in the value's own unit): a value with no unit, inf, is
 * read as a whole number, which a rate or a duration is not. */
static int vary_bounds_load(struct cal *c, const struct vary *v, const char *path, char *err,
                            size_t errlen) {
    const struct opts *o = c->o;
    const char **sets = fs_calloc(o->nsets + 1, sizeof *sets);
    for (size_t i = 0; i < o->nsets; i++) sets[i] = o->sets[i];
    int rc = 0;
    for (int b = 0; b < 2 && !rc; b++) {
        char *set = set_string(v, b ? v->high : v->low), why[FS_MSG_MAX];
        sets[o->nsets] = set;
        struct scenario *sc = scenario_load(o->file, sets, o->nsets + 1, why, sizeof why);
        /* inf read as a whole number where the key wants a unit: say where the unit comes from */
        int unitless =
            v->inf && (strstr(why, "expected a rate") || strstr(why, "expected a duration"));
        if (!sc) {
            snprintf(err, errlen,
                     "%s:%ld: %s: expected bounds the scenario takes, got %s %.10g, which it "
                     "refuses: %s%s",
                     path, v->line, v->key, b ? "high" : "low", b ? v->high : v->low, why,
                     unitless
                         ? " (the key's value is inf, which has no unit for the bounds: give it "
                           "a value with its unit in the scenario, such as a rate like 6/d, to "
                           "vary it)"
                         : "");
            rc = -1;
        }
        scenario_free(sc);
        fs_free(set);
    }
    fs_free(sets);
    return rc;
}

static int read_vary(struct cal *c, const struct scenario *sc, char *err, size_t errlen) {
    const char *path = c->o->vary;
    struct table t;
    if (table_read(path, &t, err, errlen) != 0) return -1;
    int ck = t.n ? table_column(&t.row[0], "key") : -1,
        cl = t.n ? table_column(&t.row[0], "low") : -1,
        ch = t.n ? table_column(&t.row[0], "high") : -1;
    int rc = 0;
    if (ck < 0 || cl < 0 || ch < 0 || t.n < 2) {
        snprintf(err, errlen, "%s:1: expected a header key,low,high and at least one row", path);
        rc = -1;
    }
    c->v = fs_calloc(t.n + 1, sizeof *c->v);
    for (size_t i = 1; i < t.n && !rc; i++) {
        const struct table_row *r = &t.row[i];
        struct vary *v = &c->v[c->nv];
        char why[FS_MSG_MAX];
        v->key = fs_strdup(table_field(r, ck));
        if (table_number(path, r, cl, "low", val_number, &v->low, err, errlen) ||
            table_number(path, r, ch, "high", val_number, &v->high, err, errlen)) {
            rc = -1;
            break;
        }
        if (!(v->low < v->high)) {
            snprintf(err, errlen, "%s:%ld: high: expected a number above low (%.10g), got '%s'",
                     path, r->line, v->low, table_field(r, ch));
            rc = -1;
            break;
        }
        for (size_t k = 0; k < c->nv && !rc; k++)
            if (!strcmp(c->v[k].key, v->key)) {
                snprintf(err, errlen,
                         "%s:%ld: '%s': expected each key once (it is also on line %ld)", path,
                         r->line, v->key, c->v[k].line);
                rc = -1;
            }
        if (rc) break;
        v->line = r->line;
        /* The key's current value decides how it varies. */
        const char *dot = strchr(v->key, '.');
        struct doc_section *s = NULL;
        if (dot) {
            char *name = fs_strdup(v->key);
            name[dot - v->key] = 0;
            s = doc_section((struct doc *)&sc->doc, name);
            fs_free(name);
        }
        struct doc_entry *e = s ? doc_get(s, dot + 1) : NULL;
        if (!e) {
            snprintf(err, errlen, "%s:%ld: '%s': expected NAME.KEY of a key the scenario has", path,
                     r->line, v->key);
            rc = -1;
            break;
        }
        double x;
        const char *val = e->value;
        if (val_dist(val, &v->base, why, sizeof why) == 0 && v->base.kind != DIST_EMPIRICAL) {
            v->is_dist = 1;
            v->start = 1;
        } else if (val_rate(val, &x, why, sizeof why) == 0) {
            char *end;
            v->start = strtod(val, &end);
            while (isspace((unsigned char)*end)) end++;
            v->suffix = fs_strdup(end);
        } else if (val_number(val, &v->start, why, sizeof why) != 0 &&
                   val_count(val, &v->start, why, sizeof why) != 0) {
            /* Not a plain number, nor a capacity of inf (which starts at high, below). */
            snprintf(err, errlen,
                     "%s:%ld: '%s' is '%s': expected a number, a rate or a distribution to vary",
                     path, r->line, v->key, val);
            fs_free(v->base.file);
            rc = -1;
            break;
        } else {
            v->integer = !strchr(val, '.') && !strchr(val, 'e') && !strchr(val, 'E');
            v->inf = isinf(v->start);
        }
        fs_free(v->base.file);
        v->start = fmin(fmax(v->start, v->low), v->high);
        c->nv++;
        if ((rc = vary_bounds_load(c, v, path, err, errlen))) break;
    }
    table_fini(&t);
    return rc;
}

static int read_targets(struct cal *c, const struct scenario *sc, char *err, size_t errlen) {
    const char *path = c->o->targets;
    struct table t;
    if (table_read(path, &t, err, errlen) != 0) return -1;
    int cu = t.n ? table_column(&t.row[0], "unit") : -1,
        cm = t.n ? table_column(&t.row[0], "metric") : -1,
        cv = t.n ? table_column(&t.row[0], "target") : -1,
        cw = t.n ? table_column(&t.row[0], "weight") : -1;
    int rc = 0;
    if (cu < 0 || cm < 0 || cv < 0 || t.n < 2) {
        snprintf(err, errlen, "%s:1: expected a header unit,metric,target[,weight] and a row",
                 path);
        rc = -1;
    }
    struct metric_layout ml;
    metric_layout_init(&ml, sc, 0);
    c->t = fs_calloc(t.n + 1, sizeof *c->t);
    for (size_t i = 1; i < t.n && !rc; i++) {
        const struct table_row *r = &t.row[i];
        struct target *g = &c->t[c->nt];
        const char *unit = table_field(r, cu), *metric = table_field(r, cm);
        g->unit = fs_strdup(unit);
        g->metric = fs_strdup(metric);
        /* An empty weight (or none: the column is optional) is the default, 1. */
        g->weight = 1;
        if (table_number(path, r, cv, "target", val_number, &g->value, err, errlen) ||
            (*table_field(r, cw) &&
             table_number(path, r, cw, "weight", val_positive, &g->weight, err, errlen))) {
            rc = -1;
            break;
        }
        int u = *unit ? scenario_unit_index(sc, unit) : -1;
        g->slot = -1;
        for (size_t k = 0; k < ml.n; k++)
            if (ml.slot[k].unit == u && !strcmp(ml.slot[k].name, metric)) g->slot = (int)k;
        if (*unit && u < 0) {
            snprintf(err, errlen,
                     "%s:%ld: unit: unknown unit '%s' (expected a [unit] name, or empty for a "
                     "system metric)",
                     path, r->line, unit);
            rc = -1;
            break;
        }
        if (g->slot < 0) {
            if (*unit)
                snprintf(err, errlen, "%s:%ld: metric: no metric '%s' for unit '%s'", path, r->line,
                         metric, unit);
            else
                snprintf(err, errlen, "%s:%ld: metric: no metric '%s' for the system (unit empty)",
                         path, r->line, metric);
            rc = -1;
            break;
        }
        c->nt++;
    }
    metric_layout_fini(&ml);
    table_fini(&t);
    return rc;
}

/* The calibrated point's warnings, as run gives them: the scenario's own (scenario_warnings),
 * then those of its replications in the search (results_warnings_of); how many of them froze
 * in a deadlock into *frozen, and whether some unit's queue never settled into *unsteady. */
static char *calibrated_warnings(const struct cal *c, const struct scenario *fin, int *frozen,
                                 int *unsteady) {
    size_t dlen = flow_diag_len(fin->nunits);
    const char **names = fs_calloc(fin->nunits + 1, sizeof *names);
    for (size_t u = 0; u < fin->nunits; u++) names[u] = fin->unit[u].name;
    int nrep = c->best < 1e300 ? fin->replications : 0; /* no run: nothing to judge */
    char *run = results_warnings_of(fin->nunits, names, c->best_diag, nrep);
    fs_free(names);
    *frozen = 0;
    for (int r = 0; r < nrep; r++) *frozen += !isnan(c->best_diag[(size_t)r * dlen + FD_FROZEN_AT]);
    *unsteady = strstr(run, "grew without settling") != NULL;
    char *out = results_all_warnings(fin, run);
    fs_free(run);
    return out;
}

int cmd_calibrate(const struct opts *o, const char *command) {
    char err[FS_MSG_MAX];
    if (!o->targets || !o->vary) {
        fprintf(stderr, "flowsim: calibrate needs --targets TARGETS.csv and --vary VARY.csv\n");
        return EXIT_BAD_INPUT;
    }
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    struct cal c = {.o = o, .best = INFINITY};
    int status = EXIT_OK;
    if (read_vary(&c, sc, err, sizeof err) || read_targets(&c, sc, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        status = EXIT_BAD_INPUT;
    }
    double *low = fs_calloc(c.nv + 1, sizeof *low), *high = fs_calloc(c.nv + 1, sizeof *high),
           *start = fs_calloc(c.nv + 1, sizeof *start), *best = fs_calloc(c.nv + 1, sizeof *best),
           *got = fs_calloc(c.nt + 1, sizeof *got);
    c.got = fs_calloc(c.nt + 1, sizeof *c.got);
    c.best_got = fs_calloc(c.nt + 1, sizeof *c.best_got);
    double fbest = INFINITY;
    char *warnings = NULL; /* the calibrated point's, a line each */
    int frozen = 0, unsteady = 0;
    /* The folder is opened before the evaluations, so one that cannot be written is refused at
     * once. */
    char dir[FS_PATH_MAX];
    struct outdir *od = NULL;
    static const char *const files[] = {"calibrated.ini", "calibration.csv", DICT_FILE, "run-info",
                                        NULL};
    for (size_t k = 0; k < c.nv; k++)
        low[k] = c.v[k].low, high[k] = c.v[k].high, start[k] = c.v[k].start;
    if (status == EXIT_OK) {
        /* The rows' bounds load one at a time (read_vary); together, at the start, they
         * may still conflict (surge_off above surge_on): said at once, not after the search. */
        char why[FS_MSG_MAX / 2]; /* the loader's message, inside err with the file's name */
        struct scenario *at = load_at(&c, start, why, sizeof why);
        if (!at) {
            snprintf(err, sizeof err,
                     "%s: the varied keys at their start values together: the scenario refuses "
                     "them: %s",
                     o->vary, why);
            fprintf(stderr, "%s\n", err);
            status = EXIT_BAD_INPUT;
        }
        scenario_free(at);
    }
    if (status == EXIT_OK) status = cli_results_dir(o, "calibrate-", sc, dir, sizeof dir);
    if (status == EXIT_OK) status = cli_outdir_open(&od, dir, files, NULL, o->quiet);
    if (status == EXIT_OK) {
        c.reps = sc->replications;
        struct calib_job job = {c.nv, low,          high, start,    objective,
                                &c,   o->max_evals, 1e-3, cal_ahead};
        if (!o->quiet)
            printf("flowsim calibrate: %zu keys, %zu targets, %d replications per evaluation\n",
                   c.nv, c.nt, sc->replications);
        calib_minimise(&job, best, &fbest);
        if (c.failed) status = cli_fail(c.failed, c.err);
    }
    if (status == EXIT_OK) {
        /* The best point's objective and achieved values, from its run in the search (the
         * same numbers a run again would give: the same seed). */
        fbest = c.best < 1e300 ? c.best : INFINITY;
        memcpy(got, c.best_got, c.nt * sizeof *got);
        struct scenario *fin = load_at(&c, best, err, sizeof err);
        if (fin) warnings = calibrated_warnings(&c, fin, &frozen, &unsteady);
        const char *stage = outdir_stage(od);
        struct csvout_file ini = {0}, csv = {0};
        /* Each point of the search is within every row's bounds, all of which load, but keys
         * varied together may conflict there: refused as the start point would be. */
        char why[FS_MSG_MAX / 2]; /* the loader's message, inside err with the file's name */
        if (!fin) snprintf(why, sizeof why, "%.2000s", err); /* a message: may be cut */
        if (!fin)
            snprintf(err, sizeof err,
                     "%s: the varied keys at the values found together: the scenario refuses "
                     "them: %s",
                     o->vary, why);
        int rc = fin ? csvout_open(&ini, stage, "calibrated.ini", err, sizeof err) : FS_EINPUT;
        if (rc == 0) {
            scenario_write_resolved(fin, ini.f, 0);
            rc = csvout_close(&ini, err, sizeof err);
        }
        if (rc == 0) rc = csvout_open(&csv, stage, "calibration.csv", err, sizeof err);
        if (rc == 0) {
            fputs("kind,unit_or_key,metric,target,achieved,weight,low,high\n", csv.f);
            for (size_t k = 0; k < c.nv; k++) {
                char *s = set_string(&c.v[k], best[k]);
                char *q = csvout_quote(strchr(s, '=') + 1), *qk = csvout_quote(c.v[k].key);
                fprintf(csv.f, "vary,%s,,%s,,,%.10g,%.10g\n", qk, q, c.v[k].low, c.v[k].high);
                fs_free(q);
                fs_free(qk);
                fs_free(s);
            }
            for (size_t i = 0; i < c.nt; i++) {
                char *qu = csvout_quote(c.t[i].unit), *qm = csvout_quote(c.t[i].metric);
                fprintf(csv.f, "target,%s,%s,%.10g,", qu, qm, c.t[i].value);
                fs_free(qu);
                fs_free(qm);
                csvout_num(csv.f, got[i]);
                fprintf(csv.f, ",%.10g,,\n", c.t[i].weight);
            }
            rc = csvout_close(&csv, err, sizeof err);
        }
        if (rc == 0) { /* the dictionary of calibration.csv's target metrics */
            struct dict d = {0};
            for (size_t i = 0; i < c.nt; i++) dict_add(&d, c.t[i].metric, !*c.t[i].unit);
            rc = dict_write(&d, stage, err, sizeof err);
            dict_fini(&d);
        }
        char evals[32];
        snprintf(evals, sizeof evals, "%d", c.evals);
        if (rc == 0)
            rc = cli_run_info(stage, command, (unsigned long long)sc->seed, sc->replications,
                              "evaluations", evals, warnings, err, sizeof err);
        if (rc != 0) status = cli_fail(rc, err);
        if (status == EXIT_OK) {
            status = cli_outdir_publish(od);
            od = NULL;
        }
        scenario_free(fin);
    }
    if (status == EXIT_OK && !o->quiet && par_rank() == 0) /* also in run-info */
        for (const char *l = warnings ? warnings : ""; *l;) {
            size_t n = strcspn(l, "\n");
            if (n > 0) fprintf(stderr, "flowsim: warning: %.*s\n", (int)n, l);
            l += n + (l[n] == '\n');
        }
    if (status == EXIT_OK && !o->quiet) {
        printf("\n%-32s %s\n", "key", "calibrated value");
        for (size_t k = 0; k < c.nv; k++) {
            char *s = set_string(&c.v[k], best[k]);
            printf("%-32s %s\n", c.v[k].key, strchr(s, '=') + 1);
            fs_free(s);
        }
        printf("\n%-32s %12s %12s\n", "target", "wanted", "achieved");
        for (size_t i = 0; i < c.nt; i++) {
            size_t len = strlen(c.t[i].unit) + strlen(c.t[i].metric) + 2;
            char *label = fs_malloc(len);
            snprintf(label, len, "%s%s%s", c.t[i].unit, *c.t[i].unit ? " " : "", c.t[i].metric);
            printf("%-32s %12.6g %12.6g\n", label, c.t[i].value, got[i]);
            fs_free(label);
        }
        /* A figure from a frozen or unsettled system is no steady state to calibrate to. */
        if (frozen)
            printf("\nnote: the achieved values come from a system that froze in a deadlock in %d "
                   "of %d replications (see the warnings): not a steady state the targets can be "
                   "matched in\n",
                   frozen, sc->replications);
        else if (unsteady)
            printf("\nnote: the achieved values come from a system whose queues did not settle "
                   "(see the warnings): they depend on the horizon\n");
        printf(
            "\n%d evaluations, weighted squared relative error %.3g\nresults: %s/calibrated.ini, "
            "%s/calibration.csv\n",
            c.evals, fbest, dir, dir);
    }
    outdir_abort(od);
    fs_free(low), fs_free(high), fs_free(start), fs_free(best), fs_free(got);
    fs_free(c.got), fs_free(c.best_got);
    fs_free(c.diag), fs_free(c.best_diag);
    for (size_t i = 0; i < c.nahead; i++) point_free(&c.ahead[i]);
    fs_free(c.ahead);
    fs_free(warnings);
    for (size_t k = 0; c.v && k <= c.nv; k++) fs_free(c.v[k].key), fs_free(c.v[k].suffix);
    for (size_t i = 0; c.t && i <= c.nt; i++) fs_free(c.t[i].unit), fs_free(c.t[i].metric);
    fs_free(c.v);
    fs_free(c.t);
    scenario_free(sc);
    return status;
}
