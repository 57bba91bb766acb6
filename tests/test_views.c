/* The views of one run on a scenario with every mechanism on (tests/scenarios/everything.ini):
 * every metric of the registry is reported and counts something, so a metric whose recording
 * was forgotten (the engine never counts it, the summary reads 0) fails here rather than
 * shipping as a silent zero; and the three views (patients.csv, summary.csv, timeseries.csv)
 * describe the same patients: the log's rows, cut at the report window, give the summary's and
 * the time series' numbers exactly (up to rounding), unit by unit, group by group, reason by
 * reason, in each replication. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/metrics.h"
#include "models/table.h"
#include "testutil.h"

static char dir[4200];

static int setup(void **s) {
    (void)s;
    snprintf(dir, sizeof dir, "%s/out", tu_tmpdir("views"));
    char args[8800], *out, *err;
    snprintf(args, sizeof args, "run '%s' -o '%s' --by-group --patient-log --quiet",
             tu_src("tests/scenarios/everything.ini"), dir);
    int rc = tu_run(args, &out, &err);
    if (rc != 0) fprintf(stderr, "flowsim %s: %d\n%s", args, rc, err);
    free(out), free(err);
    return rc;
}

/* Metrics no scenario of this size can be made to count without breaking the others, each
 * with its reason and the test where it is counted instead. */
static int exempt(const char *name) {
    /* only a system frozen by blocking counts it: the deadlock tests do */
    return !strcmp(name, "deadlocked_pct");
}

/* The registry's name for a summary row's metric: a group's row (NAME.GROUP) is its metric's,
 * a per-target row (delayed_days_awaiting_UNIT) its prefix's. */
static int registry_index(const char *metric, int system) {
    char name[256];
    snprintf(name, sizeof name, "%s", metric);
    char *dot = strchr(name, '.');
    if (dot) *dot = 0;
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        if ((d->scope == MS_SYSTEM) != system) continue;
        size_t n = strlen(d->name);
        if (d->name[n - 1] == '_' ? !strncmp(name, d->name, n) : !strcmp(name, d->name)) return m;
    }
    return -1;
}

static void every_metric_is_reported_and_counts_something(void **s) {
    (void)s;
    char path[4300], err[512];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err)) fail_msg("%s", err);
    int reported[MET_COUNT] = {0}, counted[MET_COUNT] = {0};
    const struct table_row *h = &t.row[0];
    int cu = table_column(h, "unit"), cm = table_column(h, "metric"),
        cmean = table_column(h, "mean");
    assert_true(cu >= 0 && cm >= 0 && cmean >= 0);
    for (size_t i = 1; i < t.n; i++) {
        const char *unit = table_field(&t.row[i], cu), *metric = table_field(&t.row[i], cm);
        int m = registry_index(metric, unit[0] == 0);
        if (m < 0) {
            print_error("%s %s: in summary.csv, not in the registry\n", unit, metric);
            counted[0] = -1000000; /* fails below */
            continue;
        }
        reported[m] = 1;
        const char *mean = table_field(&t.row[i], cmean);
        if (mean[0] && strtod(mean, NULL) != 0) counted[m] = 1;
    }
    table_fini(&t);
    int bad = counted[0] < 0;
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        if (!reported[m]) {
            print_error("%s (%s): not reported by everything.ini: give it the mechanism\n", d->name,
                        d->scope == MS_SYSTEM ? "system" : "unit");
            bad = 1;
        } else if (!counted[m] && !exempt(d->name)) {
            print_error("%s (%s): 0 or empty in every row: is it recorded?\n", d->name,
                        d->scope == MS_SYSTEM ? "system" : "unit");
            bad = 1;
        }
    }
    assert_false(bad);
}

/* ---- the three views agree ---------------------------------------------------------------- */

/* everything.ini's units, groups, replications and report window [W0, H). */
static const char *const units[] = {"ae", "acute", "reablement", "eab",         "care_home",
                                    "vw", "d2a",   "domcare",    "nursing_home"};
static const char *const groups[] = {"frail", "other"};
enum { NU = 9, NG = 2, NREP = 2 };
static const double W0 = 30, H = 200;

/* Per (replication, unit, group or NG for all): what the time series reports, as its name
 * there; Q_AWAIT + k is delayed_days_awaiting_<units[k]>. */
enum {
    Q_ADM,
    Q_OCC,
    Q_QUEUE,
    Q_DELAYED,
    Q_CHC,
    Q_ASSESS,
    Q_REJ,
    Q_CHOICE,
    Q_INTERNAL,
    Q_DHOUR,
    Q_CORRIDOR,
    Q_AWAIT,
    NQ = Q_AWAIT + NU
};
static const char *const qname[Q_AWAIT] = {"admissions",
                                           "occupancy",
                                           "queue",
                                           "delayed_days",
                                           "delayed_days_chc_assessment",
                                           "delayed_days_assessment",
                                           "delayed_days_rejected",
                                           "delayed_days_choice",
                                           "delayed_days_internal",
                                           "delayed_days_discharge_hour",
                                           "corridor_occupancy"};
/* Per-patient counts from the log, per (replication, unit, group or NG). */
struct pcount {
    double los_sum, los_n, wait_sum, wait_n, reneged, ae_n, ae_4h, step_downs;
};
static double logq[NREP][NU][NG + 1][NQ], tsq[NREP][NU][NG + 1][NQ];
static int tsn[NREP][NU][NG + 1][NQ];
static struct pcount pc[NREP][NU][NG + 1];
static double lost[NREP], readmitted[NREP];

static int index_of(const char *const *names, int n, const char *s) {
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s)) return i;
    return -1;
}

/* The part of [a, b) inside the report window (b NAN: open at the horizon). */
static double overlap(double a, double b) {
    if (isnan(b)) b = H;
    double v = fmin(b, H) - fmax(a, W0);
    return v > 0 ? v : 0;
}

static int in_window(double t) {
    return t >= W0 && t < H;
}

static double cell(const struct table_row *r, int c) {
    return c >= 0 && (size_t)c < r->n && r->field[c][0] ? strtod(r->field[c], NULL) : NAN;
}

static const char *text(const struct table_row *r, int c) {
    return c >= 0 && (size_t)c < r->n ? r->field[c] : "";
}

/* Add to the unit's total and its group's. */
static void add(int rep, int u, int g, int q, double v) {
    logq[rep][u][NG][q] += v;
    logq[rep][u][g][q] += v;
}

/* Reconstruct every count from the log's rows alone. */
static void read_log(void) {
    char path[4300], err[512];
    snprintf(path, sizeof path, "%s/patients.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err)) fail_msg("%s", err);
    const struct table_row *h = &t.row[0];
    int c_rep = table_column(h, "replication"), c_pat = table_column(h, "patient"),
        c_grp = table_column(h, "group"), c_unit = table_column(h, "unit"),
        c_arr = table_column(h, "arrive"), c_start = table_column(h, "start"),
        c_eoc = table_column(h, "end_of_care"), c_leave = table_column(h, "leave"),
        c_next = table_column(h, "next"), c_in = table_column(h, "delayed_in"),
        c_corr = table_column(h, "corridor");
    /* in the order of the delay: CHC, assessment, rejected, choice, internal, discharge hour,
     * awaiting (everything.ini chooses only where nobody was refused) */
    int c_days[7] = {table_column(h, "delayed_days_chc_assessment"),
                     table_column(h, "delayed_days_assessment"),
                     table_column(h, "delayed_days_rejected"),
                     table_column(h, "delayed_days_choice"),
                     table_column(h, "delayed_days_internal"),
                     table_column(h, "delayed_days_discharge_hour"),
                     table_column(h, "delayed_days_awaiting")};
    assert_true(c_rep == 0 && c_pat == 1 && c_grp == 2 && c_unit == 3 && c_arr == 4 &&
                c_start == 5 && c_eoc == 6 && c_leave == 7 && c_next == 8); /* the old contract */
    for (int k = 0; k < 7; k++) assert_true(c_days[k] > 9);
    assert_true(c_in > 9);
    /* the reasons added later come after delayed_in, at the end: internal and discharge hour,
     * the corridor, the choice last */
    assert_true(c_days[4] > c_in && c_days[5] > c_in);
    assert_int_equal(c_days[3], (int)h->n - 1);
    assert_int_equal(c_corr, (int)h->n - 2);
    assert_true(c_corr > c_days[4] && c_corr > c_days[5]);
    /* patients gone home, by number, per replication: their next row is a readmission */
    size_t cap = 1 << 16;
    unsigned char *home[NREP] = {calloc(cap, 1), calloc(cap, 1)};
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        int rep = atoi(text(r, c_rep)) - 1, u = index_of(units, NU, text(r, c_unit)),
            g = index_of(groups, NG, text(r, c_grp));
        size_t num = strtoull(text(r, c_pat), NULL, 10);
        assert_true(rep >= 0 && rep < NREP && u >= 0 && g >= 0 && num < cap);
        double arrive = cell(r, c_arr), start = cell(r, c_start), eoc = cell(r, c_eoc),
               leave = cell(r, c_leave);
        const char *next = text(r, c_next);
        int in = index_of(units, NU, text(r, c_in));
        if (home[rep][num] && in_window(arrive)) readmitted[rep]++;
        home[rep][num] = !strcmp(next, "home");
        if (isnan(leave)) assert_string_equal(next, ""); /* open at the horizon */
        if (isnan(start)) {
            /* A queue left without a place here: gave up, lost at the door, or still waiting. */
            add(rep, u, g, Q_QUEUE, overlap(arrive, leave));
            if (in >= 0) logq[rep][in][NG][Q_AWAIT + u] += overlap(arrive, leave);
            if (isnan(leave) || !in_window(leave)) continue;
            if (!strcmp(next, "lost")) {
                lost[rep]++;
                continue;
            }
            pc[rep][u][NG].reneged++;
            if (!strcmp(units[u], "ae")) { /* left without being seen: an attendance */
                pc[rep][u][NG].ae_n++;
                pc[rep][u][NG].ae_4h += leave - arrive <= 4 / 24.0 * (1 + 1e-12);
            }
            continue;
        }
        /* A place held, up to a move to a corridor space, then the corridor. */
        double corridor = cell(r, c_corr);
        add(rep, u, g, Q_OCC, overlap(start, isnan(corridor) ? leave : corridor));
        if (!isnan(corridor)) add(rep, u, g, Q_CORRIDOR, overlap(corridor, leave));
        add(rep, u, g, Q_QUEUE, overlap(arrive, start));
        if (in >= 0) logq[rep][in][NG][Q_AWAIT + u] += overlap(arrive, start);
        if (in_window(start)) {
            add(rep, u, g, Q_ADM, 1);
            for (int k = 0; k < 2; k++) {
                struct pcount *p = &pc[rep][u][k ? NG : g];
                p->wait_sum += start - arrive, p->wait_n++;
            }
        }
        if (!isnan(leave) && in_window(leave)) {
            for (int k = 0; k < 2; k++) {
                struct pcount *p = &pc[rep][u][k ? NG : g];
                p->los_sum += leave - start, p->los_n++;
            }
            if (!strcmp(units[u], "ae")) {
                pc[rep][u][NG].ae_n++;
                pc[rep][u][NG].ae_4h += leave - arrive <= 4 / 24.0 * (1 + 1e-12);
            }
            int v = index_of(units, NU, next);
            if (v >= 0 && isnan(eoc) && !strcmp(units[v], "vw")) pc[rep][v][NG].step_downs++;
        }
        /* The delay, from the end of care to leaving (or the horizon), by reason in order:
         * CHC assessment, transfer assessment, then rejected, or choice, internal delay,
         * discharge hour and awaiting. */
        double d[7], sum = 0;
        for (int k = 0; k < 7; k++) sum += d[k] = cell(r, c_days[k]);
        if (isnan(eoc)) {
            assert_true(sum == 0);
            continue;
        }
        double end = isnan(leave) ? H : leave;
        /* each of the seven cells and two times is printed to 9 digits */
        assert_close(sum, end - eoc, 1e-8 * (fabs(end) + fabs(eoc) + sum));
        add(rep, u, g, Q_DELAYED, overlap(eoc, end));
        double t0 = eoc;
        for (int k = 0; k < 6; k++) {
            add(rep, u, g, Q_CHC + k, overlap(t0, fmin(t0 + d[k], end)));
            t0 += d[k];
        }
    }
    free(home[0]), free(home[1]);
    table_fini(&t);
}

/* Each (replication, unit, metric) of the time series: the mean of its buckets (all a day
 * long here), the replication's whole-window value. */
static void read_series(void) {
    char path[4300], err[512];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err)) fail_msg("%s", err);
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        int rep = atoi(text(r, 1)) - 1, u = index_of(units, NU, text(r, 4));
        if (u < 0) continue;
        char name[256];
        snprintf(name, sizeof name, "%s", text(r, 5));
        char *dot = strchr(name, '.');
        int g = NG;
        if (dot) *dot = 0, g = index_of(groups, NG, dot + 1);
        int q = index_of(qname, Q_AWAIT, name);
        if (q < 0 && !strncmp(name, "delayed_days_awaiting_", 22))
            q = Q_AWAIT + index_of(units, NU, name + 22);
        if (q < 0 || g < 0 || rep < 0 || rep >= NREP) continue;
        tsq[rep][u][g][q] += cell(r, 6);
        tsn[rep][u][g][q]++;
    }
    table_fini(&t);
}

/* Both views read once, for the tests that compare them. */
static void load(void) {
    static int loaded;
    if (loaded) return;
    read_log();
    read_series();
    loaded = 1;
}

/* Exact up to rounding: both come from the same events (the log's times have 9 digits). */
static void same(double log, double view, const char *what, const char *unit, int rep, int *bad) {
    if (fabs(log - view) <= 1e-6 * fmax(1, fabs(view))) return;
    print_error("replication %d, %s %s: the log gives %.9g, the views %.9g\n", rep + 1, unit, what,
                log, view);
    *bad = 1;
}

static void log_adds_up_to_the_time_series(void **s) {
    (void)s;
    load();
    int bad = 0, compared = 0;
    for (int rep = 0; rep < NREP; rep++)
        for (int u = 0; u < NU; u++)
            for (int g = 0; g <= NG; g++)
                for (int q = 0; q < NQ; q++) {
                    char what[128];
                    snprintf(what, sizeof what, "%s%s%s",
                             q < Q_AWAIT ? qname[q] : "delayed_days_awaiting_",
                             q < Q_AWAIT ? "" : units[q - Q_AWAIT], g < NG ? "." : "");
                    if (g < NG) strncat(what, groups[g], sizeof what - strlen(what) - 1);
                    double log = logq[rep][u][g][q] / (H - W0);
                    if (!tsn[rep][u][g][q]) {
                        /* Not reported (the unit has no such delay, or no group breakdown):
                         * the log has none of it either, where it tells by group at all. */
                        if (g == NG || q == Q_ADM || q == Q_OCC || q == Q_QUEUE || q == Q_DELAYED)
                            same(log, 0, what, units[u], rep, &bad);
                        continue;
                    }
                    same(log, tsq[rep][u][g][q] / tsn[rep][u][g][q], what, units[u], rep, &bad);
                    compared++;
                }
    assert_false(bad);
    /* every unit's occupancy, admissions, queue and delays, by group and by reason */
    assert_true(compared >= NREP * NU * (4 + 4 * NG));
}

/* Per-patient statistics: the summary's mean over replications of each one's value. */
static double mean_of(double a, double b) {
    return (a + b) / 2;
}

static void check(const char *unit, const char *metric, double log, int *bad) {
    struct tu_row row;
    tu_summary(dir, unit, metric, &row);
    same(log, row.mean, metric, unit, -1, bad);
}

static void log_adds_up_to_the_summary(void **s) {
    (void)s;
    load();
    int bad = 0;
    char m[128];
    for (int u = 0; u < NU; u++)
        for (int g = 0; g <= NG; g++) {
            const struct pcount *a = &pc[0][u][g], *b = &pc[1][u][g];
            const char *sfx = g < NG ? groups[g] : "";
            snprintf(m, sizeof m, "los_mean%s%s", g < NG ? "." : "", sfx);
            check(units[u], m, mean_of(a->los_sum / a->los_n, b->los_sum / b->los_n), &bad);
            snprintf(m, sizeof m, "wait_mean%s%s", g < NG ? "." : "", sfx);
            check(units[u], m, mean_of(a->wait_sum / a->wait_n, b->wait_sum / b->wait_n), &bad);
        }
    /* patience (eab): gave up over waits ended; A&E's 4 hours over every attendance */
    int eab = index_of(units, NU, "eab"), ae = index_of(units, NU, "ae"),
        vw = index_of(units, NU, "vw");
    double rn[NREP], fh[NREP], sd[NREP];
    for (int rep = 0; rep < NREP; rep++) {
        const struct pcount *p = &pc[rep][eab][NG];
        assert_true(p->reneged > 0);
        rn[rep] = 100 * p->reneged / (p->reneged + logq[rep][eab][NG][Q_ADM]);
        fh[rep] = 100 * pc[rep][ae][NG].ae_4h / pc[rep][ae][NG].ae_n;
        sd[rep] = pc[rep][vw][NG].step_downs / (H - W0);
    }
    check("eab", "reneged_pct", mean_of(rn[0], rn[1]), &bad);
    check("ae", "ae_4h_pct", mean_of(fh[0], fh[1]), &bad);
    check("vw", "step_downs", mean_of(sd[0], sd[1]), &bad);
    /* lost at a door; readmitted (a row after one that went home) */
    check("", "lost", mean_of(lost[0], lost[1]) / (H - W0), &bad);
    check("", "readmissions", mean_of(readmitted[0], readmitted[1]) / (H - W0), &bad);
    assert_false(bad);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_metric_is_reported_and_counts_something),
        cmocka_unit_test(log_adds_up_to_the_time_series),
        cmocka_unit_test(log_adds_up_to_the_summary),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
