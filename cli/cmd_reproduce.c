/* flowsim reproduce FILE --expect EXPECT.csv: run a scenario, then check its summary against
 * published figures, each with a tolerance, and write reproduction.csv beside the results.
 * Nothing here knows any particular review: the figures and tolerances are data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "models/table.h"
#include "models/value.h"
#include "output/csvout.h"
#include "sim/core.h"

/* One expected figure: the mean of unit/metric within [low, high], or, for a metric ending in
 * '*', the largest of the metrics with that prefix must be review_value. */
/* What a figure can show (EXPECT.csv's optional kind column): a calibration target (fitted), a
 * parameter echoed back (input: shown, never counted, as it cannot fail), or an output no
 * parameter was fitted to (predicted). A file without the column: every figure counted. */
enum fig_kind { FK_ANY, FK_FITTED, FK_INPUT, FK_PREDICTED };
static const char *const kind_names[] = {"", "fitted", "input", "predicted"};

struct expect {
    enum fig_kind kind;
    char *quantity, *unit, *metric, *review, *tolerance;
    double low, high;
    long line;
    /* found */
    int found;
    double mean, lo, hi;
    const char *largest, *second; /* for PREFIX*: the largest two (in the run's summary.csv) */
    int within;
};

struct summary_row {
    const char *unit, *metric;
    double mean, lo, hi;
};

/* A number of our own summary.csv, or NAN where the cell is empty (undefined) or not a number. */
static double num_or_nan(const char *s) {
    double v;
    char why[FS_MSG_MAX];
    return val_number(s, &v, why, sizeof why) == 0 ? v : NAN;
}

/* A bound: nothing is no bound (def); anything else must be a number. */
static int bound(const char *s, double def, double *v) {
    char why[FS_MSG_MAX];
    if (!*s) {
        *v = def;
        return 0;
    }
    return val_number(s, v, why, sizeof why);
}

/* Read EXPECT.csv: quantity,unit,metric,review_value,tolerance,low,high. review_value and
 * tolerance are the review's words, kept as text; low and high are the numbers checked. */
static int read_expect(const char *path, struct expect **out, size_t *n, char *err, size_t errlen) {
    struct table t;
    *out = NULL, *n = 0;
    if (table_read(path, &t, err, errlen) != 0) return -1;
    const char *cols[] = {"quantity", "unit", "metric", "review_value", "tolerance", "low", "high"};
    int c[7];
    int rc = 0;
    for (int k = 0; k < 7; k++) c[k] = t.n ? table_column(&t.row[0], cols[k]) : -1;
    int ck = t.n ? table_column(&t.row[0], "kind") : -1;
    for (int k = 0; k < 7 && rc == 0; k++)
        if (c[k] < 0 || t.n < 2) {
            snprintf(err, errlen,
                     "%s:1: expected a header quantity,unit,metric,review_value,tolerance,low,high "
                     "and at least one row",
                     path);
            rc = -1;
        }
    struct expect *e = fs_calloc(t.n + 1, sizeof *e);
    size_t m = 0;
    for (size_t i = 1; rc == 0 && i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        struct expect *x = &e[m++];
        x->quantity = fs_strdup(table_field(r, c[0]));
        x->unit = fs_strdup(table_field(r, c[1]));
        x->metric = fs_strdup(table_field(r, c[2]));
        x->review = fs_strdup(table_field(r, c[3]));
        x->tolerance = fs_strdup(table_field(r, c[4]));
        x->line = r->line;
        if (ck >= 0) {
            const char *k = table_field(r, ck);
            for (int j = FK_FITTED; j <= FK_PREDICTED; j++)
                if (!strcmp(k, kind_names[j])) x->kind = (enum fig_kind)j;
            if (x->kind == FK_ANY) {
                snprintf(err, errlen, "%s:%ld: kind: expected fitted, input or predicted, got '%s'",
                         path, r->line, k);
                rc = -1;
                continue;
            }
        }
        size_t ml = strlen(x->metric);
        const char *lo = table_field(r, c[5]), *hi = table_field(r, c[6]);
        int bad_lo = bound(lo, -INFINITY, &x->low) != 0;
        int bad_hi = !bad_lo && bound(hi, INFINITY, &x->high) != 0;
        if (!*x->quantity || ml == 0) {
            snprintf(err, errlen, "%s:%ld: expected a quantity and a metric", path, r->line);
            rc = -1;
        } else if (x->metric[ml - 1] == '*') {
            /* PREFIX*: which metric is largest is checked, not a value. */
            if (!*x->review) {
                snprintf(err, errlen,
                         "%s:%ld: review_value: expected the name of the metric that should "
                         "be largest among %s, got ''",
                         path, r->line, x->metric);
                rc = -1;
            } else if (*lo || *hi) {
                snprintf(err, errlen,
                         "%s:%ld: %s: expected nothing for low and high (a metric PREFIX* is "
                         "checked by which metric is largest), got '%s' for %s",
                         path, r->line, x->metric, *lo ? lo : hi, *lo ? "low" : "high");
                rc = -1;
            }
        } else if (bad_lo || bad_hi) {
            snprintf(err, errlen,
                     "%s:%ld: %s: expected numbers (or nothing) for low and high, got '%s' for %s",
                     path, r->line, x->metric, bad_lo ? lo : hi, bad_lo ? "low" : "high");
            rc = -1;
        } else if (x->low > x->high) {
            snprintf(err, errlen, "%s:%ld: %s: expected low <= high, got '%s' and '%s'", path,
                     r->line, x->metric, lo, hi);
            rc = -1;
        }
    }
    table_fini(&t);
    *out = e;
    *n = m;
    return rc;
}

/* Each figure names a unit and a metric the run will report (and, for PREFIX*, a metric with
 * that prefix as review_value): a misspelt name is bad input, found before the run starts
 * rather than reported afterwards as a figure outside its tolerance. A scenario that does not
 * load passes here: the run then says what is wrong with it. */
static int check_names(const struct opts *o, const struct expect *e, size_t n, char *err,
                       size_t errlen) {
    char why[FS_MSG_MAX];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, why, sizeof why);
    if (!sc || (o->by_group && !sc->ngroups)) {
        scenario_free(sc);
        return 0;
    }
    struct metric_layout ml;
    metric_layout_init(&ml, sc, o->by_group);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct expect *x = &e[i];
        int u = *x->unit ? scenario_unit_index(sc, x->unit) : -1;
        if (*x->unit && u < 0) {
            snprintf(err, errlen,
                     "%s:%ld: unit: unknown unit '%s' (expected a [unit] name, or empty for a "
                     "system metric)",
                     o->expect, x->line, x->unit);
            rc = -1;
            break;
        }
        size_t len = strlen(x->metric);
        int glob = x->metric[len - 1] == '*', prefixed = 0, named = 0;
        for (size_t k = 0; k < ml.n; k++) {
            if (ml.slot[k].unit != u) continue;
            if (glob) {
                prefixed |= !strncmp(ml.slot[k].name, x->metric, len - 1);
                named |= !strncmp(ml.slot[k].name, x->metric, len - 1) &&
                         !strcmp(ml.slot[k].name, x->review);
            } else {
                named |= !strcmp(ml.slot[k].name, x->metric);
            }
        }
        if (named) continue;
        /* "for unit 'ward'", or for a system metric "for the system (unit empty)" */
        const char *u1 = *x->unit ? "unit '" : "the system (unit empty)";
        const char *u2 = *x->unit ? "'" : "";
        if (glob && prefixed)
            snprintf(err, errlen, "%s:%ld: review_value: no metric '%s' matching '%s' for %s%s%s",
                     o->expect, x->line, x->review, x->metric, u1, x->unit, u2);
        else
            snprintf(err, errlen, "%s:%ld: metric: no metric %s'%s' for %s%s%s", o->expect, x->line,
                     glob ? "matching " : "", x->metric, u1, x->unit, u2);
        rc = -1;
    }
    metric_layout_fini(&ml);
    scenario_free(sc);
    return rc;
}

static void free_expect(struct expect *e, size_t n) {
    for (size_t i = 0; i < n; i++) {
        fs_free(e[i].quantity), fs_free(e[i].unit), fs_free(e[i].metric);
        fs_free(e[i].review), fs_free(e[i].tolerance);
    }
    fs_free(e);
}

/* Match each expectation against summary.csv's rows (the base scenario only). */
static void evaluate(struct expect *x, const struct summary_row *s, size_t ns) {
    size_t ml = strlen(x->metric);
    int glob = x->metric[ml - 1] == '*';
    const struct summary_row *best = NULL, *second = NULL, *named = NULL;
    for (size_t i = 0; i < ns; i++) {
        if (strcmp(s[i].unit, x->unit)) continue;
        if (!glob) {
            if (!strcmp(s[i].metric, x->metric)) named = &s[i];
            continue;
        }
        if (strncmp(s[i].metric, x->metric, ml - 1) || isnan(s[i].mean)) continue;
        if (!strcmp(s[i].metric, x->review)) named = &s[i];
        if (!best || s[i].mean > best->mean)
            second = best, best = &s[i];
        else if (!second || s[i].mean > second->mean)
            second = &s[i];
    }
    x->found = named != NULL;
    if (!named) return;
    x->mean = named->mean, x->lo = named->lo, x->hi = named->hi;
    if (glob) {
        x->largest = best->metric;
        x->second = second ? second->metric : "";
        x->within = best == named;
    } else {
        x->within = !isnan(x->mean) && x->mean >= x->low && x->mean <= x->high;
    }
}

static int write_reproduction(const char *dir, const struct expect *e, size_t n, char *err,
                              size_t errlen) {
    struct csvout_file cf;
    if (csvout_open(&cf, dir, "reproduction.csv", err, errlen) != 0) return -1;
    FILE *f = cf.f;
    int kinds = n > 0 && e[0].kind != FK_ANY;
    fprintf(f, "quantity,review_value,flowsim_mean,ci95_low,ci95_high,tolerance,within%s\n",
            kinds ? ",kind" : "");
    for (size_t i = 0; i < n; i++) {
        const char *text[] = {e[i].quantity, e[i].review};
        for (int k = 0; k < 2; k++) {
            char *q = csvout_quote(text[k]);
            fprintf(f, "%s,", q);
            fs_free(q);
        }
        if (e[i].found) csvout_num(f, e[i].mean);
        fputc(',', f);
        if (e[i].found) csvout_num(f, e[i].lo);
        fputc(',', f);
        if (e[i].found) csvout_num(f, e[i].hi);
        char *q = csvout_quote(e[i].tolerance);
        fprintf(f, ",%s,%s", q, e[i].within ? "yes" : "no");
        fs_free(q);
        if (kinds) fprintf(f, ",%s", kind_names[e[i].kind]);
        fputc('\n', f);
    }
    return csvout_close(&cf, err, errlen);
}

static void print_table(const struct expect *e, size_t n) {
    int wq = 8, wr = 6; /* column widths: the longest quantity and review value */
    for (size_t i = 0; i < n; i++) {
        int q = (int)strlen(e[i].quantity), r = (int)strlen(e[i].review);
        wq = q > wq ? q : wq, wr = r > wr ? r : wr;
    }
    int kinds = n > 0 && e[0].kind != FK_ANY;
    printf("\n%-*s  %-*s  %-26s %-14s %s%s\n", wq, "quantity", wr, "review",
           "flowsim mean [95% CI]", "tolerance", kinds ? "kind       " : "", "within");
    for (size_t i = 0; i < n; i++) {
        char got[96] = "(not in the results)";
        if (e[i].found) snprintf(got, sizeof got, "%.4g [%.4g, %.4g]", e[i].mean, e[i].lo, e[i].hi);
        printf("%-*s  %-*s  %-26s %-14s %-*s%s\n", wq, e[i].quantity, wr, e[i].review, got,
               e[i].tolerance, kinds ? 11 : 0, kinds ? kind_names[e[i].kind] : "",
               e[i].kind == FK_INPUT ? (e[i].within ? "yes (not counted)" : "no (not counted)")
               : e[i].within         ? "yes"
                                     : "NO");
        if (e[i].largest)
            printf("%-*s  largest: %s, next: %s\n", wq, "", e[i].largest, e[i].second);
    }
}

struct repro_ctx {
    struct expect *e;
    size_t n;
    int missed;
    struct table t;        /* the run's summary.csv */
    struct summary_row *s; /* its rows, pointing into t */
};

/* A name as flowsim wrote it in a CSV cell, without the apostrophe that neutralises a
 * formula-like text (csvout_quote). */
static const char *cell_text(const char *f) {
    return f[0] == '\'' && f[1] && strchr("=+-@\t\r", f[1]) ? f + 1 : f;
}

/* After the run, in its staging folder: the figures checked against its summary.csv and
 * reproduction.csv written there, so that the table is published with the run it describes. */
static int repro_hook(void *ctx, const char *stage, char *err, size_t errlen) {
    struct repro_ctx *c = ctx;
    char path[FS_PATH_MAX];
    int rc = cli_path(path, sizeof path, stage, "summary.csv", err, errlen);
    if (rc != FS_OK) return rc;
    if (table_read(path, &c->t, err, errlen) != 0) return FS_EBUG; /* our own file */
    c->s = fs_calloc(c->t.n + 1, sizeof *c->s);
    size_t ns = 0;
    for (size_t i = 1; i < c->t.n; i++) {
        const struct table_row *r = &c->t.row[i];
        if (r->n < 7) continue;
        c->s[ns++] = (struct summary_row){cell_text(r->field[1]), cell_text(r->field[2]),
                                          num_or_nan(r->field[3]), num_or_nan(r->field[5]),
                                          num_or_nan(r->field[6])};
    }
    for (size_t i = 0; i < c->n; i++) {
        evaluate(&c->e[i], c->s, ns);
        /* an input echoes a parameter: it cannot fail, so it never counts */
        c->missed += !c->e[i].within && c->e[i].kind != FK_INPUT;
    }
    return write_reproduction(stage, c->e, c->n, err, errlen);
}

int cmd_reproduce(const struct opts *o, const char *command) {
    char err[FS_MSG_MAX];
    if (!o->expect) {
        fprintf(stderr, "flowsim: reproduce needs --expect EXPECT.csv\n");
        return EXIT_BAD_INPUT;
    }
    struct expect *e;
    size_t n;
    if (read_expect(o->expect, &e, &n, err, sizeof err) != 0 ||
        check_names(o, e, n, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        free_expect(e, n);
        return EXIT_BAD_INPUT;
    }
    char dir[FS_PATH_MAX];
    struct repro_ctx c = {.e = e, .n = n};
    struct cli_hook hook = {repro_hook, &c, "reproduction.csv"};
    int status = cmd_run_into(o, command, dir, sizeof dir, &hook);
    int missed = c.missed;
    if (status != EXIT_OK) goto done;
    size_t counted = 0, fitted = 0, inputs = 0;
    for (size_t i = 0; i < n; i++) {
        counted += e[i].kind != FK_INPUT;
        fitted += e[i].kind == FK_FITTED;
        inputs += e[i].kind == FK_INPUT;
    }
    if (!o->quiet) {
        print_table(e, n);
        if (e[0].kind == FK_ANY)
            printf("\n%zu of %zu within tolerance: %s/reproduction.csv\n", counted - (size_t)missed,
                   counted, dir);
        else
            printf(
                "\n%zu of %zu checks that can fail within tolerance (%zu fitted, %zu predicted); "
                "%zu input figures shown, not counted: %s/reproduction.csv\n",
                counted - (size_t)missed, counted, fitted, counted - fitted, inputs, dir);
    }
    if (missed) {
        fprintf(stderr, "flowsim: reproduce: %d of %zu figures outside their tolerance\n", missed,
                counted);
        status = EXIT_MISSED;
    }
done:
    fs_free(c.s);
    table_fini(&c.t);
    free_expect(e, n);
    return status;
}
