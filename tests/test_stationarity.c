/* The trend test of the report period (docs/model.md, "Stationarity of the report period";
 * output/stationarity.h): each replication's least-squares change and level of a unit's
 * patients in place or queueing, checked against a direct least-squares fit of the replication's
 * own bucket values and against the closed form of a census that decays without arrivals; the
 * verdicts of a steady queue, a unit filling from empty with and without a warm-up, and hand-made
 * numbers; and run-info's lines through the program (one replication, too few buckets, the
 * Birmingham scenario, the tolerance). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "models/flow.h"
#include "output/stationarity.h"
#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_stationarity");
    return 0;
}

#define MAXREP 32

/* Replications 0..n-1 of r's scenario: each one's diagnostics row into diag (n rows). */
static void run_diag(struct run *r, int n, double *diag) {
    size_t dlen = flow_diag_len(r->sc->nunits);
    for (int k = 0; k < n; k++) {
        tf_rep(r, k, NULL);
        flow_diag(r->res, r->sc->nunits, diag + (size_t)k * dlen);
    }
}

/* The end of report bucket b (the horizon cuts the last). */
static double bucket_end(const struct scenario *sc, size_t b) {
    double e = flow_bucket_start(sc, b + 1);
    return e < sc->horizon ? e : sc->horizon;
}

/* Each replication's change and level are a least-squares line through its own buckets'
 * occupancy + queue (the values timeseries.csv writes) against their midpoints, fitted here
 * directly, in two passes (centred), to 1e-9 relative: a warm-up, a last bucket the horizon
 * cuts short, and a queue that grows. */
static void change_and_level_are_the_least_squares_fit_of_the_buckets(void **s) {
    (void)s;
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nhorizon = 40.25d\nwarmup = 3.5d\ninterval = 2d\nreplications = 3\n"
            "[arrivals a]\nto = ward\nrate = 10/d\n"
            "[unit ward]\ncapacity = 8\nstay = exp(1d)\nnext = home 1\n"
            "[unit home]\ncapacity = inf\nstay = exp(3d)\n",
            0);
    int occ = tf_slot(&r, "ward", "occupancy"), q = tf_slot(&r, "ward", "queue");
    int occ2 = tf_slot(&r, "home", "occupancy"), q2 = tf_slot(&r, "home", "queue");
    assert_true(occ >= 0 && q >= 0 && occ2 >= 0 && q2 >= 0);
    size_t dlen = flow_diag_len(r.sc->nunits);
    double *row = calloc(dlen, sizeof *row);
    for (int k = 0; k < 3; k++) {
        tf_rep(&r, k, NULL);
        flow_diag(r.res, r.sc->nunits, row);
        size_t nb = r.res->nbuckets;
        assert_int_equal(nb, 19); /* 36.75 days in 2-day buckets: the last 0.75 long */
        for (size_t u = 0; u < 2; u++) {
            int so = u ? occ2 : occ, sq = u ? q2 : q;
            double mx = 0, my = 0;
            for (size_t b = 0; b < nb; b++) {
                const double *v = r.res->series + b * r.res->nslots;
                mx += 0.5 * (flow_bucket_start(r.sc, b) + bucket_end(r.sc, b)) - r.sc->warmup;
                my += v[so] + v[sq];
            }
            mx /= (double)nb, my /= (double)nb;
            double sxx = 0, sxy = 0, x0 = NAN, x1 = NAN;
            for (size_t b = 0; b < nb; b++) {
                const double *v = r.res->series + b * r.res->nslots;
                double x = 0.5 * (flow_bucket_start(r.sc, b) + bucket_end(r.sc, b)) - r.sc->warmup;
                if (b == 0) x0 = x;
                x1 = x;
                sxx += (x - mx) * (x - mx);
                sxy += (x - mx) * (v[so] + v[sq] - my);
            }
            double change = sxy / sxx * (x1 - x0);
            const double *d = row + FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u;
            assert_true(fabs(change) > 0.1 && my > 1);
            tu_assert_close(d[FDU_TREND_CHANGE], change, 1e-9 * fabs(change), "change", __FILE__,
                            __LINE__);
            tu_assert_close(d[FDU_TREND_LEVEL], my, 1e-9 * my, "level", __FILE__, __LINE__);
        }
        assert_true(row[FD_DRIFT_TOL] == 5);
    }
    free(row);
    tf_done(&r);
}

/* A census of N in a unit of exp(mu) stays and no arrivals decays as N e^{-t/mu} (each patient's
 * stay left is exp(mu): memoryless), so a bucket [a, b)'s expected level is
 * N mu (e^{-a/mu} - e^{-b/mu}) / (b - a), and, the fit being linear in the levels, the expected
 * change is sum_b w_b E[y_b] with w_b = (x_b - mean x) / Sxx * (x_last - x_first). The mean
 * change of 16 replications lies in its own 99.9% Student-t interval of that value, and the unit
 * is drifting. */
static void a_decaying_census_has_the_closed_form_change(void **s) {
    (void)s;
    const double N = 200, mu = 50;
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nhorizon = 105d\nwarmup = 5d\ninterval = 5d\nreplications = 16\n"
            "[arrivals none]\nto = ch\nrate = 0/d\n"
            "[unit ch]\nkind = care_home\ncapacity = inf\nstay = exp(50d)\n"
            "initial_occupancy = 200\n",
            0);
    const int R = 16;
    size_t dlen = flow_diag_len(r.sc->nunits);
    double *diag = calloc((size_t)R * dlen, sizeof *diag);
    run_diag(&r, R, diag);
    size_t nb = r.res->nbuckets;
    assert_int_equal(nb, 20);
    double mx = 0, x[32], ey[32];
    for (size_t b = 0; b < nb; b++) {
        double a = flow_bucket_start(r.sc, b), e = bucket_end(r.sc, b);
        x[b] = 0.5 * (a + e) - r.sc->warmup;
        ey[b] = N * mu * (exp(-a / mu) - exp(-e / mu)) / (e - a);
        mx += x[b] / (double)nb;
    }
    double sxx = 0, want = 0, want_level = 0;
    for (size_t b = 0; b < nb; b++) sxx += (x[b] - mx) * (x[b] - mx);
    for (size_t b = 0; b < nb; b++) {
        want += (x[b] - mx) / sxx * (x[nb - 1] - x[0]) * ey[b];
        want_level += ey[b] / (double)nb;
    }
    double m = 0, m2 = 0, lm = 0, l2 = 0;
    for (int k = 0; k < R; k++) {
        const double *d = diag + (size_t)k * dlen + FLOW_DIAG_SYS;
        m += d[FDU_TREND_CHANGE] / R, m2 += d[FDU_TREND_CHANGE] * d[FDU_TREND_CHANGE];
        lm += d[FDU_TREND_LEVEL] / R, l2 += d[FDU_TREND_LEVEL] * d[FDU_TREND_LEVEL];
    }
    double sd = sqrt((m2 - R * m * m) / (R - 1)), lsd = sqrt((l2 - R * lm * lm) / (R - 1));
    double t = gsl_cdf_tdist_Pinv(0.9995, R - 1);
    double half = t * sd / sqrt(R), lhalf = t * lsd / sqrt(R);
    print_message("change %.3f (sd %.3f), expected %.3f +- %.3f; level %.3f, expected %.3f\n", m,
                  sd, want, half, lm, want_level);
    if (fabs(m - want) > half) fail_msg("change %.4f, expected %.4f +- %.4f", m, want, half);
    if (fabs(lm - want_level) > lhalf)
        fail_msg("level %.4f, expected %.4f +- %.4f", lm, want_level, lhalf);
    /* The interval is narrow enough to tell the change from none: about -140 +- 7. */
    assert_true(want < -100 && half < 0.1 * fabs(want));
    struct stn_unit u;
    stn_unit_of(r.sc->nunits, diag, R, 0, &u);
    assert_int_equal(u.verdict, STN_DRIFTING);
    tu_assert_close(u.change, m, 1e-9 * fabs(m), "mean change", __FILE__, __LINE__);
    assert_true(u.lo < m && m < u.hi && u.hi < 0);
    free(diag);
    tf_done(&r);
}

/* The verdict of replications 0..R-1 of text for unit 0. */
static enum stn_verdict verdict_of(const char *text, int R, struct stn_unit *out) {
    struct run r;
    tf_load(&r, dir, text, 0);
    size_t dlen = flow_diag_len(r.sc->nunits);
    double *diag = calloc((size_t)R * dlen, sizeof *diag);
    run_diag(&r, R, diag);
    stn_unit_of(r.sc->nunits, diag, R, 0, out);
    free(diag);
    tf_done(&r);
    return out->verdict;
}

/* A steady M/M/100 queue at 80% load after a warm-up is steady; a care home filling from empty
 * (M/M/inf, 2 a day for 50 days each: 100 at equilibrium) drifts up over its first 200 days, and
 * is steady after a warm-up of twelve mean stays. */
static void steady_and_filling_units_are_told_apart(void **s) {
    (void)s;
    struct stn_unit u;
    assert_int_equal(verdict_of("[scenario]\nhorizon = 350d\nwarmup = 50d\n"
                                "[arrivals a]\nto = ward\nrate = 80/d\n"
                                "[unit ward]\ncapacity = 100\nstay = exp(1d)\n",
                                30, &u),
                     STN_STEADY);
    assert_true(u.lo <= 0 && u.hi >= 0);
    assert_int_equal(verdict_of("[scenario]\nhorizon = 200d\n"
                                "[arrivals a]\nto = ch\nrate = 2/d\n"
                                "[unit ch]\nkind = care_home\ncapacity = inf\nstay = exp(50d)\n",
                                10, &u),
                     STN_DRIFTING);
    /* E[census] = 100 (1 - e^{-t/50}): from about 2 to 98 over the buckets, so +70 or more */
    assert_true(u.change > 60 && u.lo > 0);
    /* Steady must be shown: the interval within 5% of the level either way, which takes 200
     * replications here (the changes' sd is about 14 patients); with 30 this seed's mean change
     * is -7.7, three standard errors from 0, and with 100 -2.5 [-5.3, +0.4]: inconclusive */
    assert_int_equal(verdict_of("[scenario]\nhorizon = 800d\nwarmup = 600d\n"
                                "[arrivals a]\nto = ch\nrate = 2/d\n"
                                "[unit ch]\nkind = care_home\ncapacity = inf\nstay = exp(50d)\n",
                                200, &u),
                     STN_STEADY);
    /* A looser tolerance makes the same change no drift (it is less than its level of about
     * 75); the level is still what it was. */
    assert_int_not_equal(verdict_of("[scenario]\nhorizon = 200d\ndrift_tolerance = 100%\n"
                                    "[arrivals a]\nto = ch\nrate = 2/d\n"
                                    "[unit ch]\nkind = care_home\ncapacity = inf\n"
                                    "stay = exp(50d)\n",
                                    10, &u),
                         STN_DRIFTING);
    /* Too few replications to tell a steady unit from a drift of its size: inconclusive, not
     * steady (an M/M/10 at 80% with 2) */
    assert_int_equal(verdict_of("[scenario]\nhorizon = 350d\nwarmup = 50d\n"
                                "[arrivals a]\nto = ward\nrate = 8/d\n"
                                "[unit ward]\ncapacity = 10\nstay = exp(1d)\n",
                                2, &u),
                     STN_INCONCLUSIVE);
}

/* A capacity_schedule row exempts a unit only for a planned change: its mean places over the
 * report period's second half differ from the first's. A blip of a day, or a change on the
 * last day, leaves a filling unit drifting; a ward opened for the second half is not judged. */
static void only_a_planned_change_exempts(void **s) {
    (void)s;
    char sched[4300], text[8192];
    struct stn_unit u;
    const char *rows[] = {"date,capacity\n2025-03-01,1100\n2025-03-02,1000\n", /* a blip */
                          "date,capacity\n2025-07-19,1100\n",                  /* last day */
                          "date,capacity\n2025-05-01,100\n"}; /* for the second half */
    const enum stn_verdict want[] = {STN_DRIFTING, STN_DRIFTING, STN_NOT_TESTED};
    for (int k = 0; k < 3; k++) {
        snprintf(sched, sizeof sched, "%s/sched%d.csv", dir, k);
        tu_write(sched, rows[k]);
        snprintf(text, sizeof text,
                 "[scenario]\nstart = 2025-01-06\nhorizon = 200d\n"
                 "[arrivals a]\nto = ch\nrate = 2/d\n"
                 "[unit ch]\nkind = care_home\ncapacity = 1000\ncapacity_schedule = %s\n"
                 "stay = exp(50d)\n",
                 sched);
        assert_int_equal(verdict_of(text, 10, &u), want[k]);
    }
}

/* Over a report year with the year before it (the seasonal difference), a capacity change
 * between the years that the report period does not hold is no planned change: the unit is
 * judged by the fit within the report year. A care home cut below demand (10 a day for 100
 * days: 1,000 against 900 places) in the warm-up's June drifts through the report year at
 * constant places; one filling from empty towards 10,000 with its places doubled on the report
 * year's first day (places it never nears) drifts too, where either change had exempted it. */
static void a_change_before_the_report_year_exempts_nothing(void **s) {
    (void)s;
    char sched[4300], text[8192];
    struct stn_unit u;
    const char *rows[] = {"date,capacity\n2016-01-01,2000\n2016-06-01,900\n",
                          "date,capacity\n2016-01-01,100000\n2017-01-01,200000\n"};
    const char *stay[] = {"exp(100d)", "exp(1000d)"};
    for (int k = 0; k < 2; k++) {
        snprintf(sched, sizeof sched, "%s/before%d.csv", dir, k);
        tu_write(sched, rows[k]);
        snprintf(text, sizeof text,
                 "[scenario]\nstart = 2016-01-01\nwarmup = 366d\nhorizon = 731d\n"
                 "[arrivals a]\nto = ch\nrate = 10/d\n"
                 "[unit ch]\nkind = care_home\ncapacity_schedule = %s\nstay = %s\n",
                 sched, stay[k]);
        assert_int_equal(verdict_of(text, 10, &u), STN_DRIFTING);
        assert_false(u.planned);
        assert_true(u.lo > 0);
    }
}

/* stn_verdict on hand-made numbers. */
static void the_verdict_from_numbers(void **s) {
    (void)s;
    /* an interval excluding 0 but within the tolerance (5 of 100): steady */
    assert_int_equal(stn_verdict(30, 4, 3, 5, 100, 5), STN_STEADY);
    /* above it: drifting, either way */
    assert_int_equal(stn_verdict(30, 6, 5, 7, 100, 5), STN_DRIFTING);
    assert_int_equal(stn_verdict(30, -6, -7, -5, 100, 5), STN_DRIFTING);
    /* exactly at it, the interval reaching past it: neither shown */
    assert_int_equal(stn_verdict(30, 5, 4, 6, 100, 5), STN_INCONCLUSIVE);
    /* a large change the interval does not tell from 0: inconclusive, not steady */
    assert_int_equal(stn_verdict(30, 50, -1, 101, 100, 5), STN_INCONCLUSIVE);
    /* a small unit: the material size is at least one patient */
    assert_int_equal(stn_verdict(30, -0.5, -0.9, -0.1, 10, 5), STN_STEADY);
    assert_int_equal(stn_verdict(30, 0.5, -0.9, 1.9, 10, 5), STN_INCONCLUSIVE);
    /* an empty unit: nothing changes */
    assert_int_equal(stn_verdict(30, 0, 0, 0, 0, 5), STN_STEADY);
    /* one replication, or no numbers: not tested */
    assert_int_equal(stn_verdict(1, 50, NAN, NAN, 100, 5), STN_NOT_TESTED);
    assert_int_equal(stn_verdict(30, NAN, NAN, NAN, NAN, 5), STN_NOT_TESTED);
    assert_int_equal(stn_verdict(30, 6, 5, 7, NAN, 5), STN_NOT_TESTED);
}

/* Three replications' diagnostics rows for nunits units, the first with changes 10, 11, 12 on a
 * level of 100 and a queue of 0, the others untested (NAN). */
static void three_rows(double *rows, size_t nunits) {
    size_t dlen = flow_diag_len(nunits);
    for (int k = 0; k < 3; k++) {
        double *d = rows + (size_t)k * dlen;
        for (size_t i = 0; i < dlen; i++) d[i] = NAN;
        d[FD_DRIFT_TOL] = 5;
        d[FLOW_DIAG_SYS + FDU_TREND_CHANGE] = 10 + k;
        d[FLOW_DIAG_SYS + FDU_TREND_LEVEL] = 100;
        d[FLOW_DIAG_SYS + FDU_QUEUE_CHANGE] = 0;
        d[FLOW_DIAG_SYS + FDU_QUEUE_LEVEL] = 0;
    }
}

/* run-info's lines and the warning from hand-made diagnostics rows: changes 10, 11, 12 on a
 * level of 100 (mean 11, sd 1: 11 +- t(0.975, 2)/sqrt(3) = 11 +- 2.484), one replication, and
 * rows without a change (too few buckets). */
static void lines_and_warnings_from_rows(void **s) {
    (void)s;
    size_t dlen = flow_diag_len(1);
    double diag[3 * (FLOW_DIAG_SYS + FLOW_DIAG_UNIT)];
    three_rows(diag, 1);
    const char *names[] = {"acute"};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    stn_write_lines(f, 1, names, diag, 3);
    stn_write_lines(f, 1, names, diag, 1);
    stn_write_warnings(f, 1, names, diag, 3);
    stn_write_warnings(f, 1, names, diag, 1); /* nothing: not tested */
    for (int k = 0; k < 3; k++) diag[(size_t)k * dlen + FLOW_DIAG_SYS + FDU_TREND_CHANGE] = NAN;
    stn_write_lines(f, 1, names, diag, 3);
    fclose(f);
    const char *want =
        "stationarity = acute: change +11 [+8.52, +13.5] on a level of 100 patients, queue +0 "
        "[+0, +0] on 0 over the report period (3 replications): drifting\n"
        "stationarity = acute: not tested (one replication)\n"
        "unit acute: drifting over the report period: patients in place or queueing change +11 "
        "[+8.52, +13.5] on a level of 100 patients, queue +0 [+0, +0] on 0 (mean "
        "changes over 3 replications, 95% intervals), one of them more than the drift tolerance "
        "of 5% of its level and a patient: the results depend on when the report period starts "
        "and ends; start earlier (a longer warm-up) or from a census "
        "(initial_occupancy), unless the report period is one of change (a winter), when a drift "
        "is expected\n"
        "stationarity = acute: not tested (too few report buckets)\n";
    assert_string_equal(text, want);
    free(text);
    /* The same changes in the first of 50 units (the others untested): the family-wise interval
     * over 100 quantities, 11 +- t(1 - 0.025/100, 2) / sqrt(3) = 11 +- 25.8, includes 0, so
     * the unit is inconclusive, and its line and a warning say its own interval does not. */
    size_t dl = flow_diag_len(50);
    double *rows = malloc(3 * dl * sizeof *rows);
    const char *many[50];
    for (int k = 0; k < 50; k++) many[k] = k ? "other" : "u0";
    three_rows(rows, 50);
    struct stn_unit u;
    stn_unit_of(50, rows, 3, 0, &u);
    assert_int_equal(u.verdict, STN_INCONCLUSIVE);
    assert_true(u.dlo < 0 && fabs(u.dhi - u.change - (u.change - u.dlo)) < 1e-9);
    assert_true(fabs((u.dhi - u.change) - 25.8) < 0.1);
    f = open_memstream(&text, &len);
    stn_write_lines(f, 50, many, rows, 3);
    stn_write_warnings(f, 50, many, rows, 3);
    fclose(f);
    assert_non_null(strstr(text, "(3 replications; its 95% interval excludes 0, the family-wise "
                                 "one over 100 quantities (Bonferroni) does not: change +11 "
                                 "[-14.8, +36.8], queue +0 [+0, +0]): inconclusive\n"));
    assert_non_null(strstr(text, "unit u0: probably drifting over the report period: "));
    free(text);
    free(rows);
}

/* The run-info lines of UNIT in dir's run-info ("" when none), one per line. */
static char *lines_of(const char *rundir, const char *prefix) {
    char path[4200];
    snprintf(path, sizeof path, "%s/run-info", rundir);
    char *info = tu_read(path);
    if (!info) fail_msg("no %s", path);
    char *out = calloc(strlen(info) + 1, 1);
    for (char *l = strtok(info, "\n"); l; l = strtok(NULL, "\n"))
        if (!strncmp(l, prefix, strlen(prefix))) strcat(strcat(out, l), "\n");
    free(info);
    return out;
}

static void run_ok(const char *args) {
    char *err = NULL;
    int rc = tu_run(args, NULL, &err);
    if (rc != 0) fail_msg("flowsim %s: exit %d: %s", args, rc, err ? err : "");
    free(err);
}

/* Through the program: a line a unit in run-info, "not tested" with one replication or two
 * buckets, and the report page shows them. */
static void run_info_says_it(void **s) {
    (void)s;
    char ini[4200], out[4200], cmd[9000];
    snprintf(ini, sizeof ini, "%s/fill.ini", dir);
    tu_write(ini, "[scenario]\nhorizon = 200d\nreplications = 4\n"
                  "[arrivals a]\nto = ch\nrate = 2/d\n"
                  "[unit ch]\nkind = care_home\ncapacity = inf\nstay = exp(50d)\n"
                  "[unit spare]\ncapacity = 3\nstay = exp(1d)\n");
    snprintf(out, sizeof out, "%s/fill", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet --report", ini, out);
    run_ok(cmd);
    char *l = lines_of(out, "stationarity = ");
    assert_int_equal(tu_count_lines(l), 2);
    assert_true(!strncmp(l, "stationarity = ch: change +", 27));
    assert_non_null(strstr(l, " over the report period (4 replications): drifting\n"
                              "stationarity = spare: change +0 [+0, +0] on a level of 0 patients, "
                              "queue +0 [+0, +0] on 0 over the report period (4 replications): "
                              "steady\n"));
    free(l);
    l = lines_of(out, "warning = unit ch: drifting over the report period: patients in place or "
                      "queueing change +");
    assert_int_equal(tu_count_lines(l), 1);
    free(l);
    char path[4300];
    snprintf(path, sizeof path, "%s/report.html", out);
    char *html = tu_read(path);
    assert_non_null(html);
    /* The verdicts as a table: the unit, its verdict, what the test found. */
    assert_non_null(strstr(
        html, "<th scope=\"row\">ch</th><td class=\"t\">drifting</td><td class=\"t\">change +"));
    assert_non_null(strstr(html, "<th scope=\"row\">spare</th><td class=\"t\">steady</td>"));
    assert_non_null(strstr(html, "<li>unit ch: drifting over the report period"));
    free(html);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet --replications 1", ini, out);
    run_ok(cmd);
    l = lines_of(out, "stationarity = ");
    assert_string_equal(l, "stationarity = ch: not tested (one replication)\n"
                           "stationarity = spare: not tested (one replication)\n");
    free(l);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet --set scenario.interval=100d", ini, out);
    run_ok(cmd);
    l = lines_of(out, "stationarity = ");
    assert_string_equal(l, "stationarity = ch: not tested (too few report buckets)\n"
                           "stationarity = spare: not tested (too few report buckets)\n");
    free(l);
}

/* The verdicts of a run directory's stationarity lines: drift[u] = 1 for drifting, 0 steady,
 * -1 not tested; returns the number of lines. */
static int verdicts_of(const char *out, char names[][32], int *drift, int max) {
    char *l = lines_of(out, "stationarity = ");
    int n = 0;
    for (char *p = strtok(l, "\n"); p && n < max; p = strtok(NULL, "\n"), n++) {
        const char *name = p + strlen("stationarity = ");
        size_t nl = strcspn(name, ":");
        snprintf(names[n], 32, "%.*s", (int)nl, name);
        const char *last = strrchr(p, ':');
        drift[n] = !strcmp(last, ": drifting")       ? 1
                   : !strcmp(last, ": steady")       ? 0
                   : !strcmp(last, ": inconclusive") ? 2
                                                     : -1;
    }
    free(l);
    return n;
}

/* Birmingham as it was before issue 17 (a 120-day warm-up into April 2017, 691 nursing places
 * from a census of 560): the report year ramps into gridlock, and acute or A&E drifts. The
 * shipped scenario (six years' warm-up, its winter escalation, recalibrated, 50 replications)
 * is steady in every unit; with three years' warm-up the seasonal difference found the nursing
 * homes' queue still growing, and without the escalation A&E's winters differ too much between
 * replications to bound its change. */
static void birmingham_before_drifts_and_the_shipped_one_is_steady(void **s) {
    (void)s;
    char out[4200], cmd[9000], names[16][32];
    int drift[16];
    snprintf(out, sizeof out, "%s/bham-before", dir);
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --quiet --replications 10 --set scenario.start=2016-12-05 "
             "--set scenario.warmup=120d --set scenario.horizon=485d "
             "--set nursing_home.capacity=691 --set nursing_home.initial_occupancy=560",
             tu_src("scenarios/birmingham-2017-18/birmingham.ini"), out);
    run_ok(cmd);
    int n = verdicts_of(out, names, drift, 16), acute = 0;
    for (int k = 0; k < n; k++)
        acute |= (!strcmp(names[k], "acute") || !strcmp(names[k], "ae")) && drift[k] == 1;
    assert_true(acute);
    snprintf(out, sizeof out, "%s/bham", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet",
             tu_src("scenarios/birmingham-2017-18/birmingham.ini"), out);
    run_ok(cmd);
    n = verdicts_of(out, names, drift, 16);
    assert_int_equal(n, 9);
    /* docs/birmingham-2017-18.md, "A steady report year": every unit is steady */
    for (int k = 0; k < n; k++) {
        print_message("%-14s %s\n", names[k],
                      drift[k] == 1   ? "drifting"
                      : drift[k] == 2 ? "inconclusive"
                      : drift[k]      ? "not tested"
                                      : "steady");
        assert_int_equal(drift[k], 0);
    }
}

/* Over a report year the fit has the year's first two harmonics too: its
 * change is the least-squares b of that model, checked here against a fit by another method
 * (modified Gram-Schmidt on the design's columns) to 1e-7 relative. An unlimited unit whose
 * demand follows the seasons (+30% in January, -30% in July) has a level that follows them:
 * a line alone over a year that starts in April reads the cycle as a drift of more than half
 * its level; with the cycle fitted a tenth of that is left and the unit does not drift. */
static void a_seasonal_unit_is_a_cycle_not_a_drift(void **s) {
    (void)s;
    char csv[4300], text[8192];
    snprintf(csv, sizeof csv, "%s/season.csv", dir);
    FILE *f = fopen(csv, "w");
    assert_non_null(f);
    fputs("date,multiplier\n", f);
    for (int y = 2024; y <= 2026; y++)
        for (int m = 1; m <= 12; m++)
            fprintf(f, "%d-%02d-01,%.4f\n", y, m, 1 + 0.3 * cos(2 * M_PI * (m - 1) / 12.0));
    fclose(f);
    snprintf(text, sizeof text,
             "[scenario]\nstart = 2025-03-01\nwarmup = 31d\nhorizon = 396d\nreplications = 30\n"
             "[arrivals a]\nto = ward\nrate = 50/d\nby_date = %s\n"
             "[unit ward]\ncapacity = inf\nstay = exp(2d)\n",
             csv);
    struct run r;
    tf_load(&r, dir, text, 0);
    int occ = tf_slot(&r, "ward", "occupancy");
    size_t dlen = flow_diag_len(r.sc->nunits);
    double *diag = calloc(30 * dlen, sizeof *diag), line[30];
    for (int k = 0; k < 30; k++) {
        tf_rep(&r, k, NULL);
        flow_diag(r.res, r.sc->nunits, diag + (size_t)k * dlen);
        size_t nb = r.res->nbuckets;
        assert_int_equal(nb, 365);
        /* the design's columns (1, x, sin, cos) and y, orthogonalised in turn */
        static double q[7][400];
        double w = 2 * M_PI / 365.25, mid = 0.5 * (r.sc->warmup + r.sc->horizon);
        for (size_t b = 0; b < nb; b++) {
            double x = 0.5 * (flow_bucket_start(r.sc, b) + bucket_end(r.sc, b)) - mid;
            q[0][b] = 1, q[1][b] = x, q[2][b] = sin(w * x), q[3][b] = cos(w * x);
            q[4][b] = sin(2 * w * x), q[5][b] = cos(2 * w * x);
            q[6][b] = r.res->series[b * r.res->nslots + occ];
        }
        /* b's coefficient: regress x and y on (1 and the harmonics) and take the slope of the
         * residuals (Frisch-Waugh-Lovell) */
        int order[6] = {0, 2, 3, 4, 5, 1};
        for (int i = 0; i < 6; i++) {
            int ci = order[i];
            for (int j = 0; j < i; j++) {
                int cj = order[j];
                double d = 0, nn = 0;
                for (size_t b = 0; b < nb; b++) d += q[cj][b] * q[ci][b], nn += q[cj][b] * q[cj][b];
                for (size_t b = 0; b < nb; b++) q[ci][b] -= d / nn * q[cj][b];
            }
        }
        for (int j = 0; j < 5; j++) {
            int cj = order[j];
            double d = 0, nn = 0;
            for (size_t b = 0; b < nb; b++) d += q[cj][b] * q[6][b], nn += q[cj][b] * q[cj][b];
            for (size_t b = 0; b < nb; b++) q[6][b] -= d / nn * q[cj][b];
        }
        double num = 0, den = 0;
        for (size_t b = 0; b < nb; b++) num += q[1][b] * q[6][b], den += q[1][b] * q[1][b];
        double x0 = 0.5 * (flow_bucket_start(r.sc, 0) + bucket_end(r.sc, 0)) - mid;
        double x1 = 0.5 * (flow_bucket_start(r.sc, nb - 1) + bucket_end(r.sc, nb - 1)) - mid;
        double want = num / den * (x1 - x0);
        double got = diag[(size_t)k * dlen + FLOW_DIAG_SYS + FDU_TREND_CHANGE];
        tu_assert_close(got, want, 1e-7 * fmax(1, fabs(want)), "change", __FILE__, __LINE__);
        /* the straight line alone over the same buckets */
        double mx = 0, my = 0, sxx = 0, sxy = 0;
        for (size_t b = 0; b < nb; b++) {
            mx += (0.5 * (flow_bucket_start(r.sc, b) + bucket_end(r.sc, b)) - mid) / (double)nb;
            my += r.res->series[b * r.res->nslots + occ] / (double)nb;
        }
        for (size_t b = 0; b < nb; b++) {
            double x = 0.5 * (flow_bucket_start(r.sc, b) + bucket_end(r.sc, b)) - mid;
            sxx += (x - mx) * (x - mx);
            sxy += (x - mx) * (r.res->series[b * r.res->nslots + occ] - my);
        }
        line[k] = sxy / sxx * (x1 - x0);
    }
    struct stn_unit st;
    stn_unit_of(r.sc->nunits, diag, 30, 0, &st);
    double mline = 0;
    for (int k = 0; k < 30; k++) mline += line[k] / 30;
    print_message("level %.1f: change with the cycle %+.2f [%+.2f, %+.2f], a line alone %+.2f\n",
                  st.level, st.change, st.lo, st.hi, mline);
    /* the line alone reads the cycle as a drift of more than half the level; with the two
     * harmonics a tenth of that is left (a stepped monthly cycle has higher harmonics), not a
     * drift */
    assert_int_not_equal(st.verdict, STN_DRIFTING);
    assert_true(fabs(mline) > 0.5 * st.level && fabs(st.change) < 0.1 * fabs(mline));
    free(diag);
    tf_done(&r);
    /* With a year before the report's, the seasonal difference compares the same months: the
     * cycle leaves nothing (the harmonics' +4.7 came from the monthly steps), and the unit is
     * shown steady */
    snprintf(text, sizeof text,
             "[scenario]\nstart = 2024-03-01\nwarmup = 396d\nhorizon = 761d\nreplications = 30\n"
             "[arrivals a]\nto = ward\nrate = 50/d\nby_date = %s\n"
             "[unit ward]\ncapacity = inf\nstay = exp(2d)\n",
             csv);
    struct stn_unit yy;
    assert_int_equal(verdict_of(text, 30, &yy), STN_STEADY);
    print_message("the seasonal difference %+.2f [%+.2f, %+.2f]\n", yy.change, yy.lo, yy.hi);
    assert_true(yy.lo < 0 && yy.hi > 0 && yy.hi - yy.lo < 2);
}

/* The seasonal difference (flow_trend, flow_year_windows). An M/M/inf unit filling from empty
 * (2 a day, exp(100d) stays) has E[N(t)] = lam S (1 - e^{-t/S}), so the mean over a year [a,
 * a + Y) less that over the year before it is lam S (S/Y) e^{-(a-Y)/S} (1 - e^{-Y/S})^2
 * exactly: 51.99 for the years [0, 365) and [365, 730) (a year's report after a year's warm-up,
 * the earlier year in the warm-up), and e^{-1} of that, 19.13, for the report's first and last
 * years over a two-year report from day 100. The mean of 30 replications lies in its own 99.9%
 * Student-t interval of each, and the unit drifts. */
static void a_filling_unit_has_the_closed_form_seasonal_difference(void **s) {
    (void)s;
    const double lam = 2, S = 100, Y = 365;
    const struct { double warmup, horizon, a; } cases[] = {{365, 730, 365}, {100, 830, 465}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char text[400];
        snprintf(text, sizeof text,
                 "[scenario]\nwarmup = %gd\nhorizon = %gd\nreplications = 30\n"
                 "[arrivals a]\nto = ward\nrate = 2/d\n"
                 "[unit ward]\ncapacity = inf\nstay = exp(100d)\n",
                 cases[c].warmup, cases[c].horizon);
        struct run r;
        tf_load(&r, dir, text, 0);
        double y[4];
        assert_int_equal(flow_year_windows(r.sc, y), 1);
        assert_true(y[2] == cases[c].a && y[0] == cases[c].a - Y);
        const int R = 30;
        size_t dlen = flow_diag_len(r.sc->nunits);
        double *diag = calloc((size_t)R * dlen, sizeof *diag);
        run_diag(&r, R, diag);
        double want = lam * S * (S / Y) * exp(-(cases[c].a - Y) / S) * pow(1 - exp(-Y / S), 2);
        double m = 0, m2 = 0;
        for (int k = 0; k < R; k++) {
            double d = diag[(size_t)k * dlen + FLOW_DIAG_SYS + FDU_TREND_CHANGE];
            m += d / R, m2 += d * d;
        }
        double sd = sqrt((m2 - R * m * m) / (R - 1));
        double half = gsl_cdf_tdist_Pinv(0.9995, R - 1) * sd / sqrt(R);
        print_message("years from %g: change %.2f (sd %.2f), expected %.2f +- %.2f\n", y[0], m, sd,
                      want, half);
        if (fabs(m - want) > half) fail_msg("change %.3f, expected %.3f +- %.3f", m, want, half);
        assert_true(half < 0.5 * want); /* a check that can tell the change from none */
        struct stn_unit u;
        stn_unit_of(r.sc->nunits, diag, R, 0, &u);
        assert_int_equal(u.verdict, STN_DRIFTING);
        free(diag);
        tf_done(&r);
    }
    /* A report under a year, or a run under two, has no seasonal difference: the fit is used */
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nwarmup = 366d\nhorizon = 729d\n[arrivals a]\nto = w\nrate = 1/d\n"
            "[unit w]\nstay = exp(1d)\n",
            0);
    double y[4];
    assert_int_equal(flow_year_windows(r.sc, y), 0);
    tf_done(&r);
    tf_load(&r, dir,
            "[scenario]\nwarmup = 300d\nhorizon = 728d\n[arrivals a]\nto = w\nrate = 1/d\n"
            "[unit w]\nstay = exp(1d)\n",
            0);
    assert_int_equal(flow_year_windows(r.sc, y), 0);
    tf_done(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(change_and_level_are_the_least_squares_fit_of_the_buckets),
        cmocka_unit_test(a_decaying_census_has_the_closed_form_change),
        cmocka_unit_test(a_filling_unit_has_the_closed_form_seasonal_difference),
        cmocka_unit_test(steady_and_filling_units_are_told_apart),
        cmocka_unit_test(only_a_planned_change_exempts),
        cmocka_unit_test(a_change_before_the_report_year_exempts_nothing),
        cmocka_unit_test(the_verdict_from_numbers),
        cmocka_unit_test(lines_and_warnings_from_rows),
        cmocka_unit_test(run_info_says_it),
        cmocka_unit_test(birmingham_before_drifts_and_the_shipped_one_is_steady),
        cmocka_unit_test(a_seasonal_unit_is_a_cycle_not_a_drift),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
