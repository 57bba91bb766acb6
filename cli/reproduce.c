/* flowsim reproduce FILE --expect EXPECT.csv: run a scenario, then check its summary against
 * published figures, each with a tolerance, and write reproduction.csv beside the results.
 * Nothing here knows any particular review: the figures and tolerances are data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "models/table.h"
#include "models/value.h"
#include "output/csvout.h"
#include "sim/core.h"

/* One expected figure: the mean of unit/metric within [low, high], or, for a metric ending in
 * '*', the largest of the metrics with that prefix must be review_value. */
struct expect {
    char *quantity, *unit, *metric, *review, *tolerance;
    double low, high;
    long line;
    /* found */
    int found;
    double mean, lo, hi;
    char largest[256], second[256];
    int within;
};

struct summary_row {
    const char *unit, *metric;
    double mean, lo, hi;
};

static const char *cell(const struct table_row *r, int k) {
    return k >= 0 && (size_t)k < r->n ? r->field[k] : "";
}

static double num_or_nan(const char *s) {
    char *end;
    double v = strtod(s, &end);
    return *s && !*end ? v : NAN;
}

/* Read EXPECT.csv: quantity,unit,metric,review_value,tolerance,low,high. */
static int read_expect(const char *path, struct expect **out, size_t *n, char *err, size_t errlen) {
    struct table t;
    *out = NULL, *n = 0;
    if (table_read(path, &t, err, errlen) != 0) return -1;
    const char *cols[] = {"quantity", "unit", "metric", "review_value", "tolerance", "low", "high"};
    int c[7];
    int rc = 0;
    for (int k = 0; k < 7; k++) c[k] = t.n ? table_column(&t.row[0], cols[k]) : -1;
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
        x->quantity = fs_strdup(cell(r, c[0]));
        x->unit = fs_strdup(cell(r, c[1]));
        x->metric = fs_strdup(cell(r, c[2]));
        x->review = fs_strdup(cell(r, c[3]));
        x->tolerance = fs_strdup(cell(r, c[4]));
        x->line = r->line;
        size_t ml = strlen(x->metric);
        const char *lo = cell(r, c[5]), *hi = cell(r, c[6]);
        x->low = *lo ? num_or_nan(lo) : -INFINITY;
        x->high = *hi ? num_or_nan(hi) : INFINITY;
        if (!*x->quantity || ml == 0) {
            snprintf(err, errlen, "%s:%ld: expected a quantity and a metric", path, r->line);
            rc = -1;
        } else if (x->metric[ml - 1] == '*' ? !*x->review : (isnan(x->low) || isnan(x->high))) {
            snprintf(err, errlen,
                     "%s:%ld: %s: expected numbers (or nothing) for low and high, or a metric "
                     "PREFIX* with the metric expected to be largest as review_value",
                     path, r->line, x->metric);
            rc = -1;
        }
    }
    table_fini(&t);
    *out = e;
    *n = m;
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
        snprintf(x->largest, sizeof x->largest, "%s", best->metric);
        snprintf(x->second, sizeof x->second, "%s", second ? second->metric : "");
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
    fprintf(f, "quantity,review_value,flowsim_mean,ci95_low,ci95_high,tolerance,within\n");
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
        fprintf(f, ",%s,%s\n", q, e[i].within ? "yes" : "no");
        fs_free(q);
    }
    return csvout_close(&cf, err, errlen);
}

static void print_table(const struct expect *e, size_t n) {
    int wq = 8, wr = 6; /* column widths: the longest quantity and review value */
    for (size_t i = 0; i < n; i++) {
        int q = (int)strlen(e[i].quantity), r = (int)strlen(e[i].review);
        wq = q > wq ? q : wq, wr = r > wr ? r : wr;
    }
    printf("\n%-*s  %-*s  %-26s %-14s %s\n", wq, "quantity", wr, "review", "flowsim mean [95% CI]",
           "tolerance", "within");
    for (size_t i = 0; i < n; i++) {
        char got[96] = "(not in the results)";
        if (e[i].found) snprintf(got, sizeof got, "%.4g [%.4g, %.4g]", e[i].mean, e[i].lo, e[i].hi);
        printf("%-*s  %-*s  %-26s %-14s %s\n", wq, e[i].quantity, wr, e[i].review, got,
               e[i].tolerance, e[i].within ? "yes" : "NO");
        if (e[i].largest[0])
            printf("%-*s  largest: %s, next: %s\n", wq, "", e[i].largest, e[i].second);
    }
}

int cmd_reproduce(const struct opts *o, int argc, char **argv) {
    char err[2048];
    if (!o->expect) {
        fprintf(stderr, "flowsim: reproduce needs --expect EXPECT.csv\n");
        return EXIT_BAD_INPUT;
    }
    struct expect *e;
    size_t n;
    if (read_expect(o->expect, &e, &n, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        free_expect(e, n);
        return EXIT_BAD_INPUT;
    }
    char dir[4000];
    int status = cmd_run_into(o, argc, argv, dir, sizeof dir);
    struct table t = {0};
    struct summary_row *s = NULL;
    if (status != EXIT_OK) goto done;
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (table_read(path, &t, err, sizeof err) != 0) {
        fprintf(stderr, "flowsim: %s\n", err);
        status = EXIT_INTERNAL;
        goto done;
    }
    s = fs_calloc(t.n + 1, sizeof *s);
    size_t ns = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (r->n < 7) continue;
        s[ns++] = (struct summary_row){r->field[1], r->field[2], num_or_nan(r->field[3]),
                                       num_or_nan(r->field[5]), num_or_nan(r->field[6])};
    }
    int missed = 0;
    for (size_t i = 0; i < n; i++) {
        evaluate(&e[i], s, ns);
        missed += !e[i].within;
    }
    if (write_reproduction(dir, e, n, err, sizeof err) != 0) {
        fprintf(stderr, "flowsim: %s\n", err);
        status = EXIT_INTERNAL;
        goto done;
    }
    if (!o->quiet) {
        print_table(e, n);
        printf("\n%zu of %zu within tolerance: %s/reproduction.csv\n", n - (size_t)missed, n, dir);
    }
    if (missed) {
        fprintf(stderr, "flowsim: reproduce: %d of %zu figures outside their tolerance\n", missed,
                n);
        status = EXIT_MISSED;
    }
done:
    fs_free(s);
    table_fini(&t);
    free_expect(e, n);
    return status;
}
