/* The modelling tools end to end: fit (a distribution from data), calibrate (inputs from target
 * outputs) and reproduce (the Birmingham 2017/18 review's figures, within tolerance). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/table.h"
#include "sim/dist.h"
#include "testutil.h"

static char cmd[16384];

static void fit_recovers_a_known_distribution(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_fit");
    /* 5,000 stays from gamma(12d, 6d), written as Excel would (header, CRLF). */
    struct dist d;
    double p[3] = {12, 6, 0};
    char err[128];
    assert_int_equal(dist_init(&d, DIST_GAMMA, p, err, sizeof err), 0);
    struct rng r;
    rng_seed(&r, 99, 1);
    char path[4200];
    snprintf(path, sizeof path, "%s/stays.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("stay_days\r\n", f);
    for (int i = 0; i < 5000; i++) fprintf(f, "%.6f\r\n", dist_sample(&d, &r));
    fclose(f);
    char *out, *e;
    snprintf(cmd, sizeof cmd, "fit '%s'", path);
    assert_int_equal(tu_run(cmd, &out, &e), 0);
    const char *best = strstr(out, "stay = gamma(");
    assert_non_null(best);
    double mean, sd;
    assert_int_equal(sscanf(best, "stay = gamma(%lfd, %lfd)", &mean, &sd), 2);
    assert_close(mean, 12, 5 * 6 / sqrt(5000));
    assert_close(sd, 6, 0.3);
    assert_non_null(strstr(out, "log-likelihood"));
    free(out), free(e);
    /* A bad value: exit 2 with its line. */
    tu_write(path, "stay_days\n3.5\nthree\n");
    assert_int_equal(tu_run(cmd, &out, &e), 2);
    assert_non_null(strstr(e, "stays.csv:3: expected a duration"));
    free(out), free(e);
    /* A long bad cell is quoted by its start and "...": the message is whole, its quote closed. */
    char *line = malloc(1000);
    memset(line, '3', 900);
    snprintf(line + 900, 100, "q\n");
    char *text = malloc(1100);
    snprintf(text, 1100, "stay_days\n3.5\n%s", line);
    tu_write(path, text);
    assert_int_equal(tu_run(cmd, &out, &e), 2);
    char want[200];
    snprintf(want, sizeof want,
             "stays.csv:3: expected a duration like 45m, 4h, 2.5d, 6w or 8 (days), "
             "got '%.64s...'\n",
             line);
    assert_non_null(strstr(e, want));
    free(out), free(e), free(line), free(text);
}

/* --max-evals N runs the scenario at most N times, the best point's figures included. */
static void calibrate_max_evals_is_exact(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_calibrate_cap");
    char t[4200], v[4200], out[4200], path[4300];
    snprintf(t, sizeof t, "%s/targets.csv", dir);
    snprintf(v, sizeof v, "%s/vary.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    tu_write(t, "unit,metric,target,weight\nservers,occupancy,7,1\n");
    tu_write(v, "key,low,high\npoisson.rate,4,9.5\n");
    for (int cap = 1; cap <= 8; cap += 7) {
        snprintf(cmd, sizeof cmd,
                 "calibrate '%s' --targets '%s' --vary '%s' -o '%s' --replications 2 "
                 "--set scenario.horizon=30d --set scenario.warmup=5d --max-evals %d",
                 tu_src("scenarios/validation/mmc.ini"), t, v, out, cap);
        char *o, *e;
        assert_int_equal(tu_run(cmd, &o, &e), 0);
        char want[64];
        snprintf(want, sizeof want, "\n%d evaluations, ", cap);
        assert_non_null(strstr(o, want));
        snprintf(path, sizeof path, "%s/run-info", out);
        char *info = tu_read(path);
        snprintf(want, sizeof want, "\nevaluations = %d\n", cap);
        assert_non_null(strstr(info, want));
        free(info), free(o), free(e);
    }
}

static void calibrate_finds_known_answers(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_calibrate");
    char t[4200], v[4200], out[4200];
    snprintf(t, sizeof t, "%s/targets.csv", dir);
    snprintf(v, sizeof v, "%s/vary.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    /* M/M/10 with service 1 hour: occupancy = arrival rate x 1 h, so a target occupancy of 7
     * means 7 arrivals an hour. */
    tu_write(t, "unit,metric,target,weight\nservers,occupancy,7,1\n");
    tu_write(v, "key,low,high\npoisson.rate,4,9.5\n");
    snprintf(cmd, sizeof cmd,
             "calibrate '%s' --targets '%s' --vary '%s' -o '%s' --replications 4 "
             "--set scenario.horizon=205d --quiet",
             tu_src("scenarios/validation/mmc.ini"), t, v, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4300];
    snprintf(path, sizeof path, "%s/calibrated.ini", out);
    char *ini = tu_read(path);
    const char *rate = strstr(ini, "rate = ");
    assert_non_null(rate);
    assert_close(strtod(rate + 7, NULL), 7, 0.1);
    free(ini);
    /* M/G/inf: occupancy = lambda E[S] = 20/d x 5 d x scale, so a target of 150 means stays
     * scaled by 1.5 (a mean of 7.5 days). */
    tu_write(t, "unit,metric,target,weight\nbeds,occupancy,150,1\n");
    tu_write(v, "key,low,high\nbeds.stay,0.5,3\n");
    snprintf(cmd, sizeof cmd,
             "calibrate '%s' --targets '%s' --vary '%s' -o '%s' --replications 4 --quiet",
             tu_src("scenarios/validation/mginf.ini"), t, v, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    ini = tu_read(path);
    const char *stay = strstr(ini, "stay = lognormal(");
    assert_non_null(stay);
    double mean, sd;
    assert_int_equal(sscanf(stay, "stay = lognormal(%lfd, %lfd)", &mean, &sd), 2);
    assert_close(mean, 7.5, 0.25);
    assert_close(sd / mean, 8.0 / 5, 1e-6); /* a scale keeps the shape */
    free(ini);
    /* The calibrated scenario runs as it is. */
    snprintf(cmd, sizeof cmd, "validate '%s'", path);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    /* Bad input: a key the scenario does not have. */
    tu_write(v, "key,low,high\nbeds.capacty,1,2\n");
    char *o, *e;
    snprintf(cmd, sizeof cmd, "calibrate '%s' --targets '%s' --vary '%s' -o '%s'",
             tu_src("scenarios/validation/mginf.ini"), t, v, out);
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "vary.csv:2: 'beds.capacty': expected NAME.KEY of a key the "
                              "scenario has"));
    free(o), free(e);
}

/* calibrate keeps the calibrated point's warnings, as run gives them: the scenario's own (a
 * stay with no unit) and its replications' (the acute <-> step-down cycle of
 * ../shared/cases/edges/deadlock freezes at every capacity tried), in run-info and on stderr,
 * the same deadlock line as a run of calibrated.ini, and a note that the achieved figure comes
 * from a frozen system. */
static void calibrate_keeps_the_calibrated_points_warnings(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_calibrate_warn");
    char ini[2048], t[2048], v[2048], out[2048], run[2048], path[2100];
    snprintf(ini, sizeof ini, "%s/cycle.ini", dir);
    snprintf(t, sizeof t, "%s/t.csv", dir);
    snprintf(v, sizeof v, "%s/v.csv", dir);
    snprintf(out, sizeof out, "%s/cal", dir);
    snprintf(run, sizeof run, "%s/run", dir);
    tu_write(ini, "[scenario]\nname = cycle\nstart = 2025-01-06\nhorizon = 3650d\nwarmup = 30d\n"
                  "replications = 20\nseed = 4\ninterval = 1d\n"
                  "[arrivals emergency]\nto = acute\nrate = 4/d\n"
                  "[unit acute]\nkind = acute\ncapacity = 20\nstay = exp(3d)\n"
                  "next = exit 0.5, eab 0.5\n"
                  "[unit eab]\nkind = step_down\ncapacity = 16\nstay = exp(5)\n"
                  "next = exit 0.6, acute 0.4\n");
    tu_write(t, "unit,metric,target,weight\nacute,occupancy_pct,90,1\n");
    tu_write(v, "key,low,high\neab.capacity,10,30\n");
    snprintf(cmd, sizeof cmd,
             "calibrate '%s' --targets '%s' --vary '%s' -o '%s' --max-evals 5 --replications 3",
             ini, t, v, out);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    assert_non_null(strstr(e, "flowsim: warning: "));
    assert_non_null(strstr(e, "stay: a number without a unit is days"));
    assert_non_null(strstr(e, "flowsim: warning: deadlock: units acute, eab froze in 3 of 3 "));
    assert_non_null(strstr(o, "note: the achieved values come from a system that froze in a "
                              "deadlock in 3 of 3 replications"));
    snprintf(path, sizeof path, "%s/run-info", out);
    char *info = tu_read(path);
    assert_non_null(info);
    char *load = strstr(info, "\nwarning = "), *dl = strstr(info, "\nwarning = deadlock: ");
    if (!load || !dl) fail_msg("run-info lacks the warnings: %s", info);
    assert_true(load < dl); /* the scenario's own first, as run's */
    assert_non_null(strstr(load, "stay: a number without a unit is days"));
    /* The same deadlock line as a run of the calibrated scenario. */
    snprintf(cmd, sizeof cmd, "run '%s/calibrated.ini' -o '%s' --replications 3 --quiet", out, run);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/run-info", run);
    char *rinfo = tu_read(path), *rdl = strstr(rinfo, "\nwarning = deadlock: ");
    assert_non_null(rdl);
    size_t n = strcspn(rdl + 1, "\n");
    assert_int_equal(strcspn(dl + 1, "\n"), n);
    assert_memory_equal(dl + 1, rdl + 1, n);
    free(rinfo), free(info), free(o), free(e);
}

/* The Birmingham 2017/18 reproduction as make reproduce runs it (50 replications, six years'
 * warm-up): the run shown steady, the two fitted figures reproduced over their own periods, the
 * inputs shown and not counted, A&E 4-hour far below the trusts' figures and the largest delay
 * reason not the review's (docs/birmingham-2017-18.md), so exit status 3. A figure out of
 * tolerance gives exit status 3, a bad figures file exit status 2. */
static void birmingham_reproduction_fits_and_predicts(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_reproduce");
    char out[4200], path[4300], bad[4300];
    char ini[4200], figures[4200]; /* tu_src's buffer is reused: one call per expression */
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(ini, sizeof ini, "%s", tu_src("scenarios/birmingham-2017-18/birmingham.ini"));
    snprintf(figures, sizeof figures, "%s",
             tu_src("scenarios/birmingham-2017-18/review-figures.csv"));
    snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s' --quiet", ini, figures, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 3);
    snprintf(path, sizeof path, "%s/reproduction.csv", out);
    struct table t;
    char err[2048];
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    assert_int_equal(t.n, 10);
    const char *cols[] = {"quantity",  "review_value",     "flowsim_mean", "ci95_low", "ci95_high",
                          "tolerance", "within",           "kind",         "from",     "to",
                          "statistic", "period_of_change", "drift"};
    for (int k = 0; k < 13; k++) assert_string_equal(t.row[0].field[k], cols[k]);
    /* what each figure can show — two fitted, four inputs echoed, three predicted */
    const char *kinds[] = {"fitted",    "fitted",    "input",     "input", "input",
                           "predicted", "predicted", "predicted", "input"};
    for (int k = 0; k < 9; k++) assert_string_equal(t.row[k + 1].field[7], kinds[k]);
    /* the CHC input contradicts the review (its assessment time is an assumption): shown as
     * missed, never counted */
    assert_string_equal(t.row[9].field[6], "no");
    /* Each fitted and input row checked again from its numbers; the run is steady (drift no),
     * so the fitted ones are reproduced. */
    const struct {
        const char *from;
        double low, high;
    } want[] = {{"2017-03-01", 95.5, 97.5},
                {"2017-11-01", 8.84, 11.96},
                {"", 37, 53},
                {"", 41, 51},
                {"", 74.5, 80.5}};
    for (size_t i = 0; i < 5; i++) {
        const struct table_row *r = &t.row[i + 1];
        double mean = strtod(r->field[2], NULL);
        print_message("%-50s %g\n", r->field[0], mean);
        assert_true(mean >= want[i].low && mean <= want[i].high);
        assert_string_equal(r->field[6], "yes");
        assert_string_equal(r->field[8], want[i].from);
        assert_string_equal(r->field[12], "no");
    }
    /* The A&E prediction fails, and says so: far below the band, its interval too; and so does
     * the largest delay reason (reablement, not nursing homes). */
    assert_string_equal(t.row[6].field[6], "no");
    assert_true(strtod(t.row[6].field[4], NULL) < 60);
    assert_string_equal(t.row[8].field[6], "no");
    table_fini(&t);
    /* A figure out of tolerance: exit status 3, and the file says which. */
    snprintf(bad, sizeof bad, "%s/figures.csv", dir);
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60\n"
                  "largest,acute,delayed_days_*,delayed_days_assessment,largest,,\n");
    snprintf(cmd, sizeof cmd,
             "reproduce '%s' --expect '%s' -o '%s' --replications 2 --set scenario.warmup=100d "
             "--set scenario.horizon=200d "
             "--set scenario.drift_tolerance=100%% "
             "--quiet",
             ini, bad, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 3);
    snprintf(path, sizeof path, "%s/reproduction.csv", out);
    char *csv = tu_read(path);
    assert_non_null(strstr(csv, ",50 to 60,no,no\n"));
    assert_non_null(strstr(csv, ",largest,no,no\n"));
    free(csv);
    /* An input figure out of its tolerance is shown, never counted: exit status 0, and the
     * console says what was counted; a fitted one out of it fails. (A steady M/M/100 at 80%
     * with 30 replications, which the trend test shows steady, so that nothing is refused.) */
    char steady[4300];
    snprintf(steady, sizeof steady, "%s/steady.ini", dir);
    tu_write(steady, "[scenario]\nhorizon = 350d\nwarmup = 50d\nreplications = 30\n"
                     "[arrivals a]\nto = acute\nrate = 80/d\n"
                     "[unit acute]\ncapacity = 100\nstay = exp(1d)\n");
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high,kind\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60,input\n"
                  "admissions,acute,admissions,80,at least 70 a day,70,,predicted\n");
    snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s'", steady, bad, out);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    assert_non_null(strstr(o, "no (not counted)"));
    assert_non_null(strstr(o, "1 of 1 checks that can fail within tolerance (0 fitted, 1 "
                              "predicted); 1 input figures shown, not counted"));
    free(o), free(e);
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high,kind\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60,fitted\n");
    assert_int_equal(tu_run(cmd, NULL, NULL), 3);
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high,kind\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60,guessed\n");
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "figures.csv:2: kind: expected fitted, input or predicted, got "
                              "'guessed'"));
    free(o), free(e);
    /* A figure given twice, or a column named twice, is bad input, not counted twice or read
     * from one place. */
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high,kind\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60,input\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60,input\n");
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "figures.csv:3: quantity: expected each figure once, got "
                              "'occupancy' again (line 2)"));
    free(o), free(e);
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high,low\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60,0\n");
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "figures.csv:1: low: expected each column once, got it twice"));
    free(o), free(e);
    /* A drifting run fails the reproduction even when its only figures are inputs (nothing to
     * refuse): the same M/M/100 filling from empty over its first two days. */
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high,kind\n"
                  "occupancy,acute,occupancy,50,any,0,,input\n");
    snprintf(cmd, sizeof cmd,
             "reproduce '%s' --expect '%s' -o '%s' --quiet --set scenario.warmup=0 "
             "--set scenario.horizon=2d --set scenario.interval=1h --set acute.capacity=inf "
             "--set 'acute.stay=exp(20d)'",
             steady, bad, out);
    assert_int_equal(tu_run(cmd, &o, &e), 3);
    assert_non_null(strstr(e, "the run is not shown steady (acute drifting)"));
    free(o), free(e);
    snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s'", steady, bad, out);
    /* A bad figures file: exit status 2 and the line. */
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,fifty,60\n");
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "figures.csv:2: occupancy_pct: expected numbers"));
    free(o), free(e);
}

/* A figure over its own period (issue 17): reproduce's value is, for each replication, the
 * mean of the metric's report buckets from `from` to `to` (both days included), then the mean
 * of those over replications — checked here against timeseries.csv's own rows. A period
 * outside the report period, half a period, a bad date or dates the wrong way round are bad
 * input: exit 2, before the run. */
static void reproduce_compares_a_figure_over_its_own_period(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_reproduce_period");
    char ini[4300], fig[4300], out[4300], path[4400];
    snprintf(ini, sizeof ini, "%s/s.ini", dir);
    snprintf(fig, sizeof fig, "%s/f.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    tu_write(ini, "[scenario]\nstart = 2025-01-06\nwarmup = 20d\nhorizon = 80d\n"
                  "replications = 30\nseed = 5\n"
                  "[arrivals a]\nto = ward\nrate = 80/d\n"
                  "[unit ward]\ncapacity = 100\nstay = exp(1d)\n");
    tu_write(fig, "quantity,unit,metric,review_value,tolerance,low,high,kind,from,to,statistic\n"
                  "occupancy,ward,occupancy,80,any,0,1000,predicted,2025-02-10,2025-02-19,time "
                  "average\n");
    snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s'", ini, fig, out);
    char *so, *se;
    assert_int_equal(tu_run(cmd, &so, &se), 0);
    /* the console's table: the figure's unit of measure and its period, in their columns */
    const char *head = strstr(so, "\nquantity ");
    assert_non_null(head);
    assert_non_null(strstr(head, " unit_of_measure "));
    const char *row = strstr(head, "\noccupancy ");
    assert_non_null(row);
    assert_int_equal(strstr(row, " patients ") - row, strstr(head, " unit_of_measure ") - head);
    assert_non_null(strstr(row, "over 2025-02-10 to 2025-02-19, time average\n"));
    free(so), free(se);
    /* the same from the time series: days 35 to 44 from the start, ten buckets a replication */
    snprintf(path, sizeof path, "%s/timeseries.csv", out);
    struct table t;
    char err[2048];
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    double sum[30] = {0}, n[30] = {0};
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        double time = strtod(r->field[2], NULL);
        if (strcmp(r->field[4], "ward") || strcmp(r->field[5], "occupancy") || time < 35 ||
            time >= 45)
            continue;
        int rep = atoi(r->field[1]) - 1;
        sum[rep] += strtod(r->field[6], NULL), n[rep]++;
    }
    table_fini(&t);
    double want = 0;
    for (int k = 0; k < 30; k++) {
        assert_true(n[k] == 10);
        want += sum[k] / n[k] / 30;
    }
    snprintf(path, sizeof path, "%s/reproduction.csv", out);
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    assert_close(strtod(t.row[1].field[2], NULL), want, 1e-6 * want);
    assert_string_equal(t.row[1].field[8], "2025-02-10");
    assert_string_equal(t.row[1].field[10], "time average");
    table_fini(&t);
    /* bad periods: exit 2, the line and the key */
    static const struct {
        const char *from, *to, *change, *want;
    } bad[] = {
        {"2025-01-10", "2025-01-19", "",
         "f.csv:2: from: the figure's period 2025-01-10 to 2025-01-19 is not within the run's "
         "report period (2025-01-26 to 2025-03-26)"},
        {"2025-03-20", "2025-03-27", "", "is not within the run's report period"},
        {"2025-02-10", "", "", "f.csv:2: to: expected a date in both from and to"},
        {"2025-02-31", "2025-03-01", "",
         "f.csv:2: from: expected a date YYYY-MM-DD, got '2025-02-31'"},
        {"2025-02-10", "2025-02-09", "", "f.csv:2: to: expected a date on or after from"},
        {"2025-02-10", "2025-02-19", "maybe",
         "f.csv:2: period_of_change: expected yes, no or nothing, got 'maybe'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "quantity,unit,metric,review_value,tolerance,low,high,from,to,period_of_change\n"
                 "occupancy,ward,occupancy,7,any,0,100,%s,%s,%s\n",
                 bad[i].from, bad[i].to, bad[i].change);
        tu_write(fig, text);
        char *o, *e;
        snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s/bad' --quiet", ini, fig,
                 dir);
        assert_int_equal(tu_run(cmd, &o, &e), 2);
        print_message("%s", e);
        assert_non_null(strstr(e, bad[i].want));
        free(o), free(e);
        snprintf(path, sizeof path, "%s/bad", dir);
        assert_false(tu_exists(path));
    }
    /* a period that is not whole report buckets (7-day buckets from 2025-01-26), and a figure
     * with neither bound, which could not fail */
    tu_write(fig, "quantity,unit,metric,review_value,tolerance,low,high,from,to\n"
                  "occupancy,ward,occupancy,7,any,0,100,2025-02-10,2025-02-19\n");
    snprintf(cmd, sizeof cmd,
             "reproduce '%s' --expect '%s' -o '%s/bad' --quiet --set scenario.interval=7d", ini,
             fig, dir);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "f.csv:2: from: the figure's period 2025-02-10 to 2025-02-19 does "
                              "not fall on whole report buckets (7 days each from 2025-01-26)"));
    free(o), free(e);
    /* a period read from windows of report_interval (a week straddling its end was counted
     * whole), or from rows timeseries_metrics does not keep: refused before the run */
    const char *unread[][2] = {
        {"scenario.report_interval=7d", "f.csv:2: from: a figure's period is read from "
                                        "timeseries.csv's rows, which [scenario] report_interval"},
        {"scenario.timeseries_metrics=queue",
         "f.csv:2: metric: a figure's period is read from timeseries.csv's rows of 'occupancy', "
         "which [scenario] timeseries_metrics does not keep"},
        {"scenario.timeseries_metrics=none", "which [scenario] timeseries_metrics does not keep"}};
    for (size_t i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s/bad' --quiet --set %s", ini,
                 fig, dir, unread[i][0]);
        assert_int_equal(tu_run(cmd, &o, &e), 2);
        assert_non_null(strstr(e, unread[i][1]));
        free(o), free(e);
    }
    /* a PREFIX* figure needs every metric of the prefix: its largest judged among a few kept
     * would be another answer */
    tu_write(fig, "quantity,unit,metric,review_value,tolerance,low,high,from,to\n"
                  "largest,acute,delayed_days_*,delayed_days_awaiting_care_home,x,,,2026-01-01,"
                  "2026-01-31\n");
    snprintf(cmd, sizeof cmd,
             "reproduce '%s' --expect '%s' -o '%s/bad' --quiet --set scenario.horizon=120d "
             "--set scenario.timeseries_metrics=delayed_days_awaiting",
             tu_src("scenarios/demo.ini"), fig, dir);
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "f.csv:2: metric: a figure's period is read from timeseries.csv's "
                              "rows of 'delayed_days_*', which [scenario] timeseries_metrics does "
                              "not keep (every one of a PREFIX*)"));
    free(o), free(e);
    tu_write(fig, "quantity,unit,metric,review_value,tolerance,low,high\n"
                  "occupancy,ward,occupancy,7,any,,\n");
    snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s/bad' --quiet", ini, fig, dir);
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "f.csv:2: occupancy: expected a number for low or high (a figure "
                              "with neither cannot fail)"));
    free(o), free(e);
    snprintf(path, sizeof path, "%s/bad", dir);
    assert_false(tu_exists(path));
}

/* scenarios/discharge-timing/fit checks its arguments before the first run (issue 15c: a ratio
 * of 'abc' was read as 0 and wrote every weekend weight as 0, rounds of 'abc' ran none, both
 * exit 0, and an output that could not be written failed after every round): a bad one is
 * what was expected and what came, the usage line, exit 2, and nothing written. Good ones fit
 * a round of the demo. */
static void the_discharge_fit_script_checks_its_arguments(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_discharge_fit");
    char prefix[8400], demo[4096], out[4400], args[17000];
    snprintf(prefix, sizeof prefix, "'%s'", tu_src("scenarios/discharge-timing/fit"));
    snprintf(demo, sizeof demo, "%s", tu_src("scenarios/demo.ini"));
    snprintf(out, sizeof out, "%s/w.csv", dir);
    static const struct {
        const char *ratio, *out, *rounds, *want;
    } bad[] = {
        {"abc", NULL, "1",
         "fit: WEEKEND_RATIO: expected a number above 0 (a weekend day's "
         "discharges over a weekday's, e.g. 0.6), got 'abc'"},
        {"0", NULL, "1", "got '0'"},
        {"0.6x", NULL, "1", "got '0.6x'"},
        {"0.6", NULL, "abc",
         "fit: ROUNDS: expected a whole number of rounds >= 1, like 8, got "
         "'abc'"},
        {"0.6", NULL, "0", "got '0'"},
        {"0.6", "/nonexistent-folder/w.csv", "1",
         "fit: OUT.csv: expected a file that can be written, in a folder that exists, got "
         "'/nonexistent-folder/w.csv'"},
        {"0.6", "/proc/w.csv", "1", "got '/proc/w.csv'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(args, sizeof args, "'%s' acute %s '%s' %s -- --replications 1", demo, bad[i].ratio,
                 bad[i].out ? bad[i].out : out, bad[i].rounds);
        char *e = NULL;
        int rc = tu_run_under(prefix, args, NULL, &e);
        if (rc != 2 || !e || !strstr(e, bad[i].want) || !strstr(e, "usage: "))
            fail_msg("fit %s: exit %d, '%s'; expected 2 and '%s'", args, rc, e ? e : "",
                     bad[i].want);
        free(e);
        assert_false(tu_exists(out));
    }
    snprintf(args, sizeof args, "'%s' acute 0.6 '%s' 1 -- --replications 1", demo, out);
    assert_int_equal(tu_run_under(prefix, args, NULL, NULL), 0);
    char *w = tu_read(out);
    assert_non_null(w);
    assert_non_null(strstr(w, "hour,weight\n0,"));
    free(w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_discharge_fit_script_checks_its_arguments),
        cmocka_unit_test(fit_recovers_a_known_distribution),
        cmocka_unit_test(calibrate_finds_known_answers),
        cmocka_unit_test(calibrate_max_evals_is_exact),
        cmocka_unit_test(calibrate_keeps_the_calibrated_points_warnings),
        cmocka_unit_test(birmingham_reproduction_fits_and_predicts),
        cmocka_unit_test(reproduce_compares_a_figure_over_its_own_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
