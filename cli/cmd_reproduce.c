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
#include "output/contable.h"
#include "output/csvout.h"
#include "output/results.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "sim/stats.h"

/* One expected figure: the mean of unit/metric within [low, high], or, for a metric ending in
 * '*', the largest of the metrics with that prefix must be review_value. */
/* What a figure can show (EXPECT.csv's optional kind column): a calibration target (fitted), a
 * parameter echoed back (input: shown, never counted, as it cannot fail), or an output no
 * parameter was fitted to (predicted). A file without the column: every figure counted. */
enum fig_kind { FK_ANY, FK_FITTED, FK_INPUT, FK_PREDICTED };
static const char *const kind_names[] = {"", "fitted", "input", "predicted"};

/* A metric's values over a figure's period, per replication: the sum of its whole report
 * buckets in the period and how many (empty cells, where the metric is undefined, skipped). */
struct period_cell {
    double sum, n;
};
struct period_acc {
    char *metric;
    struct period_cell *rep; /* by replication - 1 */
    size_t cap;
};

struct expect {
    enum fig_kind kind;
    char *quantity, *unit, *metric, *review, *tolerance;
    double low, high;
    long line;
    /* The period the figure covers (EXPECT.csv's optional from and to, whole days, to
     * included): t0 and t1 in days from the scenario's start, set by check_names; none when
     * from is empty, and the figure is compared with the whole report period's summary. */
    char *from, *to, *statistic;
    long d0, d1; /* from and to as day numbers (val_date) */
    double t0, t1;
    int change; /* period_of_change = yes: a figure about a period of change (a winter) */
    struct period_acc *acc; /* its metrics' sums over the period, per replication */
    size_t nacc;
    int drift;       /* refused: the run is not shown steady, and the figure is not about a
                      * period of change */
    int period_cols; /* EXPECT.csv has a from column: reproduction.csv gets the period's */
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
    int cf = t.n ? table_column(&t.row[0], "from") : -1,
        ct = t.n ? table_column(&t.row[0], "to") : -1;
    int cs = t.n ? table_column(&t.row[0], "statistic") : -1;
    int cc = t.n ? table_column(&t.row[0], "period_of_change") : -1;
    /* a column named twice would be read from its first place only: refused, not guessed */
    for (size_t a = 0; rc == 0 && t.n && a < t.row[0].n; a++)
        for (size_t b = a + 1; rc == 0 && b < t.row[0].n; b++)
            if (*t.row[0].field[a] && !strcmp(t.row[0].field[a], t.row[0].field[b])) {
                snprintf(err, errlen, "%s:1: %s: expected each column once, got it twice", path,
                         t.row[0].field[a]);
                rc = -1;
            }
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
        /* a figure given twice would be counted twice */
        for (size_t j = 0; j + 1 < m && rc == 0; j++)
            if (!strcmp(e[j].quantity, x->quantity)) {
                snprintf(err, errlen,
                         "%s:%ld: quantity: expected each figure once, got '%s' again (line %ld)",
                         path, r->line, x->quantity, e[j].line);
                rc = -1;
            }
        if (rc) continue;
        x->period_cols = cf >= 0;
        x->from = fs_strdup(table_field(r, cf));
        x->to = fs_strdup(table_field(r, ct));
        x->statistic = fs_strdup(table_field(r, cs));
        const char *pc = table_field(r, cc);
        x->change = !strcmp(pc, "yes");
        char why[FS_MSG_MAX];
        if (*pc && !x->change && strcmp(pc, "no")) {
            snprintf(err, errlen, "%s:%ld: period_of_change: expected yes, no or nothing, got '%s'",
                     path, r->line, pc);
            rc = -1;
            continue;
        }
        if (!*x->from != !*x->to) {
            snprintf(err, errlen,
                     "%s:%ld: %s: expected a date in both from and to (a period), or in neither "
                     "(the whole report period)",
                     path, r->line, *x->from ? "to" : "from");
            rc = -1;
            continue;
        }
        int bad_from = *x->from && val_date(x->from, &x->d0, why, sizeof why) != 0;
        if (bad_from || (*x->from && val_date(x->to, &x->d1, why, sizeof why) != 0)) {
            snprintf(err, errlen, "%s:%ld: %s: expected a date YYYY-MM-DD, got '%s'", path, r->line,
                     bad_from ? "from" : "to", bad_from ? x->from : x->to);
            rc = -1;
            continue;
        }
        if (*x->from && x->d1 < x->d0) {
            snprintf(err, errlen, "%s:%ld: to: expected a date on or after from (%s), got '%s'",
                     path, r->line, x->from, x->to);
            rc = -1;
            continue;
        }
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
        } else if (!*lo && !*hi) {
            snprintf(err, errlen,
                     "%s:%ld: %s: expected a number for low or high (a figure with neither "
                     "cannot fail)",
                     path, r->line, x->metric);
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

/* A figure's period, in days from the scenario's start, must lie within the report period
 * (after the warm-up, before the horizon): a figure of another year is bad input, found before
 * the run rather than compared with the wrong months. */
static int check_period(const struct opts *o, const struct scenario *sc, struct expect *x,
                        char *err, size_t errlen) {
    x->t0 = (double)(x->d0 - sc->start_day);
    x->t1 = (double)(x->d1 + 1 - sc->start_day);
    char a[11], b[11];
    if (x->t0 >= sc->warmup - 1e-9 && x->t1 <= sc->horizon + 1e-9) {
        /* whole report buckets only: a period cut to the buckets inside it would be compared
         * under a label it does not cover */
        double k0 = (x->t0 - sc->warmup) / sc->interval, k1 = (x->t1 - sc->warmup) / sc->interval;
        int on0 = fabs(k0 - round(k0)) < 1e-9,
            on1 = fabs(k1 - round(k1)) < 1e-9 || fabs(x->t1 - sc->horizon) < 1e-9;
        if (on0 && on1) return 0;
        val_format_date(sc->start_day + (long)ceil(sc->warmup - 1e-9), a);
        snprintf(err, errlen,
                 "%s:%ld: %s: the figure's period %s to %s does not fall on whole report buckets "
                 "(%g days each from %s): give dates on their edges, or set scenario.interval "
                 "to a length that divides the period (1d always does)",
                 o->expect, x->line, on0 ? "to" : "from", x->from, x->to, sc->interval, a);
        return -1;
    }
    val_format_date(sc->start_day + (long)ceil(sc->warmup - 1e-9), a);
    val_format_date(sc->start_day + (long)floor(sc->horizon + 1e-9) - 1, b);
    snprintf(err, errlen,
             "%s:%ld: %s: the figure's period %s to %s is not within the run's report period "
             "(%s to %s): start the run earlier or run it longer (scenario.start, warmup, "
             "horizon), or give the figure's own period",
             o->expect, x->line, x->t0 >= sc->warmup - 1e-9 ? "to" : "from", x->from, x->to, a, b);
    return -1;
}

/* A figure's period is read from timeseries.csv's rows of its metric, a row a bucket: the
 * rows must be there (timeseries_metrics keeps the metric) and be buckets, not report_interval's
 * weeks or months, whose edges need not be the period's (a week straddling the period's end was
 * counted whole, and a month's figure read from weeks moved with no word). */
static int period_kept(const struct opts *o, const struct scenario *sc, const struct expect *x,
                       int kept, char *err, size_t errlen) {
    if (sc->report_every || sc->report_monthly) {
        snprintf(err, errlen,
                 "%s:%ld: from: a figure's period is read from timeseries.csv's rows, which "
                 "[scenario] report_interval makes windows of several intervals: run reproduce "
                 "without report_interval, or give the figure no period (the whole report "
                 "period)",
                 o->expect, x->line);
        return -1;
    }
    if (!kept) {
        snprintf(err, errlen,
                 "%s:%ld: metric: a figure's period is read from timeseries.csv's rows of '%s', "
                 "which [scenario] timeseries_metrics does not keep (every one of a PREFIX*): "
                 "add it to the list, or give the figure no period (the whole report period)",
                 o->expect, x->line, x->metric);
        return -1;
    }
    return 0;
}

/* Each figure names a unit and a metric the run will report (and, for PREFIX*, a metric with
 * that prefix as review_value): a misspelt name is bad input, found before the run starts
 * rather than reported afterwards as a figure outside its tolerance. A scenario that does not
 * load passes here: the run then says what is wrong with it. */
static int check_names(const struct opts *o, struct expect *e, size_t n, double *interval,
                       char *err, size_t errlen) {
    char why[FS_MSG_MAX];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, why, sizeof why);
    if (!sc || (o->by_group && !sc->ngroups)) {
        scenario_free(sc);
        return 0;
    }
    struct metric_layout ml;
    metric_layout_init(&ml, sc, o->by_group);
    *interval = sc->interval;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct expect *x = &e[i];
        if (*x->from && check_period(o, sc, x, err, errlen) != 0) {
            rc = -1;
            break;
        }
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
        /* kept: the figure's rows are in timeseries.csv; for PREFIX*, every metric of the
         * prefix (its largest is judged among them all: a list keeping some would judge it
         * among those) */
        int glob = x->metric[len - 1] == '*', prefixed = 0, named = 0, kept = 0, every = 1;
        for (size_t k = 0; k < ml.n; k++) {
            if (ml.slot[k].unit != u) continue;
            int hit;
            if (glob) {
                int pre = !strncmp(ml.slot[k].name, x->metric, len - 1);
                prefixed |= pre;
                every &= !pre || scenario_timeseries_keeps(sc, (int)ml.slot[k].metric);
                hit = !strncmp(ml.slot[k].name, x->metric, len - 1) &&
                      !strcmp(ml.slot[k].name, x->review);
            } else {
                hit = !strcmp(ml.slot[k].name, x->metric);
            }
            named |= hit;
            kept |= hit && scenario_timeseries_keeps(sc, (int)ml.slot[k].metric);
        }
        if (named && *x->from &&
            (rc = period_kept(o, sc, x, glob ? every : kept, err, errlen)) != 0)
            break;
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
        fs_free(e[i].from), fs_free(e[i].to), fs_free(e[i].statistic);
        for (size_t k = 0; k < e[i].nacc; k++)
            fs_free(e[i].acc[k].metric), fs_free(e[i].acc[k].rep);
        fs_free(e[i].acc);
    }
    fs_free(e);
}

/* The accumulator of metric for figure x (a new one the first time). */
static struct period_acc *acc_of(struct expect *x, const char *metric) {
    for (size_t k = 0; k < x->nacc; k++)
        if (!strcmp(x->acc[k].metric, metric)) return &x->acc[k];
    x->acc = fs_realloc(x->acc, (x->nacc + 1) * sizeof *x->acc);
    struct period_acc *a = &x->acc[x->nacc++];
    *a = (struct period_acc){fs_strdup(metric), NULL, 0};
    return a;
}

/* Split a timeseries.csv row (scenario,replication,time,date,unit,metric,value) from the
 * right, in place: only the scenario's name can hold a comma (quoted), never the fields read
 * here. Returns 0, or -1 for a row that is not of that shape. */
static int ts_fields(char *line, char **f) {
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
    for (int k = 6; k >= 1; k--) {
        char *c = strrchr(line, ',');
        if (!c) return -1;
        *c = 0;
        f[k] = c + 1;
    }
    f[0] = line;
    return 0;
}

/* One pass over the run's timeseries.csv: each figure with a period gathers, per
 * replication, its metrics' whole buckets within the period (a bucket of interval days
 * starting at time t counts when t >= t0 and t + interval <= t1). The period's value of a
 * replication is then the mean of its buckets: exact for a time average, a count per day and
 * a midnight census with the same beds open; for a share of patients (ae_4h_pct) each day
 * weighs alike. */
static int gather_periods(const char *stage, struct expect *e, size_t n, double interval, char *err,
                          size_t errlen) {
    char path[FS_PATH_MAX];
    int rc = cli_path(path, sizeof path, stage, "timeseries.csv", err, errlen);
    if (rc != FS_OK) return rc;
    FILE *in = fopen(path, "rb");
    if (!in) {
        snprintf(err, errlen, "%s: cannot read our own time series", path);
        return FS_EBUG;
    }
    char *line = NULL, *f[7];
    size_t cap = 0;
    long lineno = 0;
    while (plat_getline(&line, &cap, in) > 0) {
        if (++lineno == 1 || ts_fields(line, f) != 0) continue;
        const char *unit = csvout_plain(f[4]), *metric = csvout_plain(f[5]);
        double t = num_or_nan(f[2]), v = num_or_nan(f[6]), rep = num_or_nan(f[1]);
        if (isnan(v) || !(rep >= 1 && rep <= 1e6)) continue;
        for (size_t i = 0; i < n; i++) {
            struct expect *x = &e[i];
            if (!*x->from || strcmp(x->unit, unit)) continue;
            size_t ml = strlen(x->metric);
            int glob = x->metric[ml - 1] == '*';
            if (glob ? strncmp(metric, x->metric, ml - 1) != 0 : strcmp(metric, x->metric) != 0)
                continue;
            if (!(t >= x->t0 - 1e-9 && t + interval <= x->t1 + 1e-9)) continue;
            struct period_acc *a = acc_of(x, metric);
            size_t r = (size_t)rep - 1;
            if (r >= a->cap) {
                size_t old = a->cap;
                fs_grow((void **)&a->rep, &a->cap, r + 1, sizeof *a->rep);
                memset(a->rep + old, 0, (a->cap - old) * sizeof *a->rep);
            }
            a->rep[r].sum += v;
            a->rep[r].n += 1;
        }
    }
    free(line);
    fclose(in);
    return FS_OK;
}

/* A figure's metrics over its period as summary rows: the mean over replications of each
 * replication's period mean, with its 95% t interval (sim/stats.h). rows[0..] point at the
 * accumulators' names; returns how many. */
static size_t period_rows(const struct expect *x, struct summary_row *rows) {
    for (size_t k = 0; k < x->nacc; k++) {
        const struct period_acc *a = &x->acc[k];
        struct welford w;
        welford_init(&w);
        for (size_t r = 0; r < a->cap; r++)
            if (a->rep[r].n > 0) welford_add(&w, a->rep[r].sum / a->rep[r].n);
        double lo = NAN, hi = NAN, blo, bhi;
        /* cut at what the metric can be, as summary.csv's intervals are */
        metric_bounds(a->metric, !*x->unit, &blo, &bhi);
        stats_ci95_bounded(&w, blo, bhi, &lo, &hi);
        rows[k] = (struct summary_row){x->unit, a->metric, w.n ? w.mean : NAN, lo, hi};
    }
    return x->nacc;
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
    int periods = n > 0 && e[0].period_cols;
    fprintf(f, "quantity,review_value,flowsim_mean,ci95_low,ci95_high,tolerance,within%s%s\n",
            kinds ? ",kind" : "", periods ? ",from,to,statistic,period_of_change,drift" : ",drift");
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
        fprintf(f, ",%s,%s", q, e[i].within && !e[i].drift ? "yes" : "no");
        fs_free(q);
        if (kinds) fprintf(f, ",%s", kind_names[e[i].kind]);
        if (periods) {
            char *st = csvout_quote(e[i].statistic);
            fprintf(f, ",%s,%s,%s,%s,%s", e[i].from, e[i].to, st, e[i].change ? "yes" : "no",
                    e[i].drift ? "yes" : "no");
            fs_free(st);
        } else {
            fprintf(f, ",%s", e[i].drift ? "yes" : "no");
        }
        fputc('\n', f);
    }
    return csvout_close(&cf, err, errlen);
}

/* A row of the columns keep[] flags (of 8). */
static void put_row(struct ctab *t, const char *const *cells, const int *keep) {
    const char *kept[8];
    int n = 0;
    for (int c = 0; c < 8; c++)
        if (keep[c]) kept[n++] = cells[c];
    ctab_row(t, kept);
}

/* The console's reproduction table (output/contable.h: aligned on a terminal's columns, with
 * each figure's unit of measure), then the largest two of each PREFIX* figure. */
static void print_table(const struct expect *e, size_t n) {
    int kinds = n > 0 && e[0].kind != FK_ANY, periods = 0;
    for (size_t i = 0; i < n; i++) periods |= *e[i].from || *e[i].statistic;
    /* The kind and period columns only where the figures have them. */
    int keep[8] = {1, 1, 1, 1, 1, kinds, 1, periods}, ncol = 0;
    for (int c = 0; c < 8; c++) ncol += keep[c];
    struct ctab t;
    ctab_init(&t, (size_t)ncol, "llrlllll");
    const char *head[] = {"quantity",        "review",    "flowsim mean [95% CI]",
                          "unit_of_measure", "tolerance", "kind",
                          "within",          "period"};
    put_row(&t, head, keep);
    for (size_t i = 0; i < n; i++) {
        const struct expect *x = &e[i];
        char got[96] = "(not in the results)", period[160];
        if (x->found) snprintf(got, sizeof got, "%.4g [%.4g, %.4g]", x->mean, x->lo, x->hi);
        snprintf(period, sizeof period, "%s%s%s%s%s%s%s", *x->from ? "over " : "", x->from,
                 *x->from ? " to " : "", x->to, *x->from && *x->statistic ? ", " : "", x->statistic,
                 x->change ? " (a period of change)" : "");
        size_t len = strlen(x->metric);
        const struct metric_def *def =
            metric_named(x->metric[len - 1] == '*' ? x->review : x->metric, !*x->unit);
        const char *row[] = {x->quantity,
                             x->review,
                             got,
                             def ? def->measure : "",
                             x->tolerance,
                             kinds ? kind_names[x->kind] : "",
                             x->kind == FK_INPUT
                                 ? (x->within ? "yes (not counted)" : "no (not counted)")
                             : x->drift  ? "NO (not shown steady)"
                             : x->within ? "yes"
                                         : "NO",
                             period};
        put_row(&t, row, keep);
    }
    putchar('\n');
    ctab_print(&t, stdout);
    ctab_fini(&t);
    for (size_t i = 0; i < n; i++)
        if (e[i].largest)
            printf("%s: largest: %s, next: %s\n", e[i].quantity, e[i].largest, e[i].second);
}

struct repro_ctx {
    struct expect *e;
    size_t n;
    int missed;
    double interval;    /* the scenario's report bucket, days */
    char *stationarity; /* run-info's stationarity lines, as they read, one per unit */
    char *unsteady;     /* the units not shown steady ("acute drifting, ae not tested"), or NULL */
    struct table t;     /* the run's summary.csv */
    struct summary_row *s; /* its rows, pointing into t */
};

/* Append "NAME WHAT" to *list (comma-separated). */
static void list_add(char **list, const char *name, size_t nl, const char *what) {
    size_t have = *list ? strlen(*list) : 0;
    *list = fs_realloc(*list, have + nl + strlen(what) + 4);
    if (have) memcpy(*list + have, ", ", 2), have += 2;
    memcpy(*list + have, name, nl);
    have += nl;
    if (*what) (*list)[have++] = ' ';
    memcpy(*list + have, what, strlen(what) + 1);
}

/* run-info's stationarity lines (output/stationarity.h): "stationarity = UNIT: ...: VERDICT",
 * one per unit. A unit that drifts, is inconclusive, or could not be tested (one replication,
 * too few buckets) leaves the run not shown steady; one whose capacity_schedule changes in the
 * report period (a planned change) does not. */
static int read_stationarity(struct repro_ctx *c, const char *stage, char *err, size_t errlen) {
    char path[FS_PATH_MAX];
    int rc = cli_path(path, sizeof path, stage, "run-info", err, errlen);
    if (rc != FS_OK) return rc;
    char *info = results_read_file(path, NULL);
    if (!info) return FS_OK;
    c->stationarity = results_info_lines(info, "stationarity");
    fs_free(info);
    for (char *text = c->stationarity, *end; *text; text = end + 1) {
        end = strchr(text, '\n'); /* every value ends in one */
        *end = 0;
        const char *colon = strchr(text, ':'), *last = NULL;
        for (const char *q = strstr(text, ": "); q; q = strstr(q + 2, ": ")) last = q + 2;
        const char *what = !colon || !last                 ? NULL
                           : !strcmp(last, "drifting")     ? "drifting"
                           : !strcmp(last, "inconclusive") ? "inconclusive"
                           : !strncmp(last, "not tested", 10) && !strstr(last, "planned change")
                               ? "not tested"
                               : NULL;
        if (what) list_add(&c->unsteady, text, (size_t)(colon - text), what);
        *end = '\n';
    }
    return FS_OK;
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
        c->s[ns++] = (struct summary_row){csvout_plain(r->field[1]), csvout_plain(r->field[2]),
                                          num_or_nan(r->field[3]), num_or_nan(r->field[5]),
                                          num_or_nan(r->field[6])};
    }
    int periods = 0;
    for (size_t i = 0; i < c->n; i++) periods |= *c->e[i].from != 0;
    if (periods && (rc = gather_periods(stage, c->e, c->n, c->interval, err, errlen)) != FS_OK)
        return rc;
    if ((rc = read_stationarity(c, stage, err, errlen)) != FS_OK) return rc;
    for (size_t i = 0; i < c->n; i++) {
        struct expect *x = &c->e[i];
        if (*x->from) {
            struct summary_row *rows = fs_calloc(x->nacc + 1, sizeof *rows);
            evaluate(x, rows, period_rows(x, rows));
            /* a PREFIX* figure's names point into its accumulators, kept with it */
            fs_free(rows);
        } else {
            evaluate(x, c->s, ns);
        }
        /* On a run not shown steady a level may depend on where the period sits: not
         * reproduced, unless the figure is about a period of change. */
        if (c->unsteady && !x->change && x->kind != FK_INPUT && x->within) x->drift = 1;
        /* an input echoes a parameter: it cannot fail, so it never counts */
        c->missed += (!x->within || x->drift) && x->kind != FK_INPUT;
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
    struct repro_ctx c = {0};
    if (read_expect(o->expect, &e, &n, err, sizeof err) != 0 ||
        check_names(o, e, n, &c.interval, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        free_expect(e, n);
        return EXIT_BAD_INPUT;
    }
    char dir[FS_PATH_MAX];
    c.e = e, c.n = n;
    struct cli_hook hook = {repro_hook, &c, "reproduction.csv"};
    int status = cmd_run_into(o, command, dir, sizeof dir, &hook);
    int missed = c.missed;
    if (status != EXIT_OK) goto done;
    size_t counted = 0, fitted = 0, inputs = 0, refused = 0;
    for (size_t i = 0; i < n; i++) {
        counted += e[i].kind != FK_INPUT;
        fitted += e[i].kind == FK_FITTED;
        inputs += e[i].kind == FK_INPUT;
        refused += e[i].drift;
    }
    if (!o->quiet) {
        if (c.stationarity && *c.stationarity)
            printf("\nstationarity over the report period (docs/model.md, \"Stationarity\"):\n%s",
                   c.stationarity);
        print_table(e, n);
        if (e[0].kind == FK_ANY)
            printf("\n%zu of %zu within tolerance: %s/reproduction.csv\n", counted - (size_t)missed,
                   counted, dir);
        else
            printf(
                "\n%zu of %zu checks that can fail within tolerance (%zu fitted, %zu predicted); "
                "%zu input figures shown, not counted: %s/reproduction.csv\n",
                counted - (size_t)missed, counted, fitted, counted - fitted, inputs, dir);
        if (refused)
            printf("%zu of them within their tolerance by value, refused: the run is not shown "
                   "steady\n",
                   refused);
    }
    fflush(stdout); /* the table before the verdict, when both go to one file */
    if (c.unsteady)
        fprintf(stderr,
                "flowsim: reproduce: the run is not shown steady (%s): its figures may depend on "
                "where the report period sits, so none is called reproduced unless it is about a "
                "period of change (period_of_change = yes); start the run earlier or from a "
                "census, or run more replications (an inconclusive unit may need them)\n",
                c.unsteady);

    if (missed) {
        fprintf(stderr,
                "flowsim: reproduce: %d of %zu figures not reproduced (%zu outside their "
                "tolerance, %zu refused)\n",
                missed, counted, (size_t)missed - refused, refused);
        status = EXIT_MISSED;
    }
    /* A run not shown steady fails the reproduction even with no figure to refuse (inputs
     * only), unless its counted figures are all about a period of change, which may show one. */
    size_t of_change = 0;
    for (size_t i = 0; i < n; i++) of_change += e[i].kind != FK_INPUT && e[i].change;
    if (c.unsteady && (counted == 0 || of_change < counted)) status = EXIT_MISSED;
done:
    fs_free(c.s);
    fs_free(c.stationarity);
    fs_free(c.unsteady);
    table_fini(&c.t);
    free_expect(e, n);
    return status;
}
