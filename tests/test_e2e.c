/* End to end: the flowsim binary on scenario files, reading what it writes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/table.h"
#include "sim/dist.h"
#include "testutil.h"

static char cmd[16384];
static const char *demo_args =
    "--replications 3 --set scenario.horizon=250d --set scenario.warmup=60d";

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static char *file_in(const char *dir, const char *name) {
    static char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static size_t count_lines(const char *text) {
    size_t n = 0;
    for (; *text; text++) n += *text == '\n';
    return n;
}

static void help_version_and_usage(void **s) {
    (void)s;
    char *out, *err;
    assert_int_equal(tu_run("--help", &out, &err), 0);
    assert_non_null(strstr(out, "flowsim run FILE"));
    free(out), free(err);
    assert_int_equal(tu_run("--version", &out, &err), 0);
    assert_true(strncmp(out, "flowsim ", 8) == 0);
    free(out), free(err);
    assert_int_equal(tu_run("", &out, &err), 2);
    free(out), free(err);
    assert_int_equal(tu_run("frobnicate x.ini", &out, &err), 2);
    assert_non_null(strstr(err, "unknown command 'frobnicate'"));
    free(out), free(err);
    assert_int_equal(tu_run("run", &out, &err), 2);
    free(out), free(err);
    assert_int_equal(tu_run("run x.ini --threads zero", &out, &err), 2);
    assert_non_null(strstr(err, "--threads: expected a whole number from 1 to 4096, got 'zero'"));
    free(out), free(err);
}

static void demo_writes_the_contract_files(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_demo");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --quiet", tu_src("scenarios/demo.ini"), dir,
             demo_args);
    char *out, *err;
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_string_equal(out, ""); /* --quiet */
    free(out), free(err);
    char *sum = tu_read(file_in(dir, "summary.csv"));
    char *ts = tu_read(file_in(dir, "timeseries.csv"));
    assert_non_null(sum);
    assert_non_null(ts);
    static const char sum_head[] = "scenario,unit,metric,mean,sd,ci95_low,ci95_high,replications\n";
    static const char ts_head[] = "scenario,replication,time,date,unit,metric,value\n";
    assert_true(strncmp(sum, sum_head, strlen(sum_head)) == 0);
    assert_true(strncmp(ts, ts_head, strlen(ts_head)) == 0);
    /* No NaN or infinity ever reaches a CSV. */
    assert_null(strstr(sum, "nan"));
    assert_null(strstr(sum, "inf"));
    assert_null(strstr(ts, "nan"));
    assert_null(strstr(ts, "inf"));
    /* One time-series row per replication x bucket x (unit, metric) slot. */
    size_t slots = count_lines(sum) - 1, buckets = 250 - 60;
    assert_int_equal(count_lines(ts) - 1, 3 * buckets * slots);
    assert_non_null(strstr(ts, "\ndemo,1,60,2025-12-05,ae,occupancy,"));
    assert_non_null(strstr(ts, "\ndemo,3,249,2026-06-12,,in_system,"));
    struct tu_row r;
    tu_summary(dir, "acute", "occupancy_pct", &r);
    assert_int_equal(r.n, 3);
    assert_true(r.mean > 50 && r.mean <= 100);
    assert_true(r.lo <= r.mean && r.mean <= r.hi);
    tu_summary(dir, "", "dtoc_per_100k", &r);
    assert_true(r.mean >= 0);
    assert_true(exists(file_in(dir, "scenario.resolved.ini")));
    char *info = tu_read(file_in(dir, "run-info"));
    assert_non_null(strstr(info, "replications = 3\n"));
    assert_non_null(strstr(info, "seed = 2025\n"));
    free(info);
    free(sum);
    free(ts);
    /* No temporary files are left behind. */
    assert_false(exists(file_in(dir, ".timeseries.csv.tmp")));
}

static void same_bytes_for_any_thread_count(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_threads1"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_threads2"));
    const char *dirs[] = {d1, d2};
    for (int t = 0; t < 2; t++) {
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 5 --threads %d --quiet",
                 tu_src("scenarios/demo.ini"), dirs[t], t + 1);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    }
    const char *files[] = {"summary.csv", "timeseries.csv"};
    for (int f = 0; f < 2; f++) {
        char *a = tu_read(file_in(d1, files[f]));
        char *b = tu_read(file_in(d2, files[f]));
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(strlen(a), strlen(b));
        assert_true(strcmp(a, b) == 0);
        free(a), free(b);
    }
}

static void resolved_scenario_reproduces_the_run(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_resolved1"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_resolved2"));
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --set acute.capacity=230 --quiet",
             tu_src("scenarios/demo.ini"), d1, demo_args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s/scenario.resolved.ini' -o '%s' --quiet", d1, d2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *a = tu_read(file_in(d1, "summary.csv"));
    char *b = tu_read(file_in(d2, "summary.csv"));
    assert_string_equal(a, b);
    free(a), free(b);
}

static void set_changes_the_answer(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_set1"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_set2"));
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --quiet", tu_src("scenarios/demo.ini"), d1,
             demo_args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --set care_home.capacity=250 --quiet",
             tu_src("scenarios/demo.ini"), d2, demo_args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    struct tu_row a, b;
    tu_summary(d1, "acute", "delayed_days", &a);
    tu_summary(d2, "acute", "delayed_days", &b);
    /* Fewer care-home places: more acute patients wait in their beds. */
    assert_true(b.mean > a.mean + 1);
    tu_summary(d1, "care_home", "occupancy_pct", &a);
    tu_summary(d2, "care_home", "occupancy_pct", &b);
    assert_true(b.mean > a.mean);
}

/* Run a scenario with extra arguments into a fresh folder named name. */
static const char *variant(const char *scenario, const char *name, const char *extra) {
    static char dirs[4][4096];
    static int k;
    char *dir = dirs[k++ % 4];
    snprintf(dir, 4096, "%s", tu_tmpdir(name));
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet %s", tu_src(scenario), dir, extra);
    char *out, *err;
    if (tu_run(cmd, &out, &err) != 0) fail_msg("flowsim failed: %s", err);
    free(out), free(err);
    return dir;
}

/* The paired 95% interval of (variant - base) for unit.metric lies wholly above zero
 * (sign > 0), wholly below it (sign < 0), or holds zero (sign 0: no change). Common random
 * numbers make it narrow. */
static void moves(const char *base, const char *variant, const char *unit, const char *metric,
                  int sign) {
    double a[64], b[64], lo, hi;
    int n = tu_rep_means(base, unit, metric, a, 64);
    assert_int_equal(tu_rep_means(variant, unit, metric, b, 64), n);
    tu_paired_ci(a, b, n, &lo, &hi);
    print_message("%-6s %-18s paired diff 95%% CI [%.4g, %.4g]\n", unit, metric, lo, hi);
    if (sign > 0 && !(lo > 0)) fail_msg("%s.%s did not rise: CI [%g, %g]", unit, metric, lo, hi);
    if (sign < 0 && !(hi < 0)) fail_msg("%s.%s did not fall: CI [%g, %g]", unit, metric, lo, hi);
    if (sign == 0 && !(lo <= 0 && hi >= 0))
        fail_msg("%s.%s changed: CI [%g, %g]", unit, metric, lo, hi);
}

static void ae_measures_move_the_right_way(void **s) {
    (void)s;
    const char *sc = "tests/scenarios/ae_pressure.ini";
    const char *base = variant(sc, "e2e_ae_base", "");
    /* More cubicles: fewer long ambulance handovers and a shorter queue for a cubicle; the same
     * patients arrive by ambulance either way (common random numbers). */
    const char *more = variant(sc, "e2e_ae_more", "--set ae.capacity=13");
    moves(base, more, "ae", "handovers_60m", -1);
    moves(base, more, "ae", "handovers", 0);
    moves(base, more, "ae", "queue", -1);
    /* More acute beds: fewer patients waiting in cubicles for a bed (trolley waits), so fewer
     * cubicles held and fewer long handovers; acute occupancy itself is set by demand.
     * (12-hour waits are rare here; their rule is checked in test_flow.) */
    const char *roomy = variant(sc, "e2e_acute_roomy", "--set acute.capacity=200");
    moves(base, roomy, "ae", "delayed", -1);
    moves(base, roomy, "ae", "occupancy", -1);
    moves(base, roomy, "ae", "handovers_60m", -1);
}

static void costs_weigh_beds_against_delays(void **s) {
    (void)s;
    const char *costs = "--replications 8 --set scenario.horizon=300d "
                        "--set eab.cost_per_place_day=200 --set acute.cost_per_patient_day=400";
    char extra[512];
    const char *base = variant("scenarios/demo.ini", "e2e_cost_base", costs);
    snprintf(extra, sizeof extra, "%s --set eab.capacity=72", costs);
    const char *more = variant("scenarios/demo.ini", "e2e_cost_more", extra);
    /* Ten more EAB beds cost ten bed-days a day whatever happens; fewer delayed acute
     * patient-days pay back part of it. */
    double a[64], b[64];
    int n = tu_rep_means(base, "eab", "cost_per_day", a, 64);
    assert_int_equal(tu_rep_means(more, "eab", "cost_per_day", b, 64), n);
    for (int i = 0; i < n; i++) assert_close(b[i] - a[i], 10 * 200, 1e-6);
    moves(base, more, "acute", "cost_per_day", -1);
    moves(base, more, "acute", "delayed_days", -1);
    moves(base, more, "acute", "delayed_days_awaiting_eab", -1);
    moves(base, more, "acute", "nctr", -1);
}

static void winter_plan_relieves_ae(void **s) {
    (void)s;
    const char *base = variant("scenarios/winter/baseline.ini", "e2e_winter_base", "");
    const char *plan = variant("scenarios/winter.ini", "e2e_winter_plan", "");
    /* Escalation beds take patients off A&E trolleys: fewer waiting in cubicles, so fewer
     * cubicles held, and fewer 12-hour waits. */
    moves(base, plan, "ae", "delayed", -1);
    moves(base, plan, "ae", "occupancy", -1);
    moves(base, plan, "ae", "ae_12h_waits", -1);
    /* The surge: January's attendances are 6% above November's, within Poisson noise. */
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/timeseries.csv", base);
    struct table t;
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    double nov = 0, jan = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (strcmp(r->field[5], "arrivals") != 0) continue;
        if (!strncmp(r->field[3], "2025-11", 7)) nov += strtod(r->field[6], NULL);
        if (!strncmp(r->field[3], "2026-01", 7)) jan += strtod(r->field[6], NULL);
    }
    table_fini(&t);
    /* Sums of daily rates over 30 and 31 days of 10 replications: Poisson counts. */
    double n_nov = nov, n_jan = jan, ratio = (n_jan / 31) / (n_nov / 30);
    assert_close(ratio, 1.06, 5 * 1.06 * sqrt(1 / n_nov + 1 / n_jan));
}

static void slower_eab_assessment(void **s) {
    (void)s;
    const char *sc = "tests/scenarios/eab_referrals.ini";
    const char *base = variant(sc, "e2e_eab_base", "");
    const char *slow =
        variant(sc, "e2e_eab_slow", "--set 'acute->eab.assessment=lognormal(40h, 25h)'");
    /* Longer assessments: more acute bed-days spent being assessed, and fewer referrals
     * assessed within the 24-hour target. The target share is a ratio, not a rate: compare
     * the summary intervals, which do not overlap. */
    moves(base, slow, "acute", "delayed_days_assessment", +1);
    struct tu_row a, b;
    tu_summary(base, "eab", "assessed_within_target_pct", &a);
    tu_summary(slow, "eab", "assessed_within_target_pct", &b);
    print_message("assessed_within_target_pct %.3g [%.3g, %.3g] -> %.3g [%.3g, %.3g]\n", a.mean,
                  a.lo, a.hi, b.mean, b.lo, b.hi);
    assert_true(b.hi < a.lo);
    /* The same referrals are made either way (common random numbers, same routing draws). */
    moves(base, slow, "eab", "referrals", 0);
}

static void readmissions_fill_beds(void **s) {
    (void)s;
    const char *common = "--replications 8 --set scenario.horizon=400d "
                         "--set 'acute.readmit_after=lognormal(20d, 15d)' "
                         "--set 'reablement.readmit_after=lognormal(60d, 40d)'";
    char a[512], b[512];
    snprintf(a, sizeof a, "%s --set acute.readmit=0.05 --set reablement.readmit=0.1", common);
    snprintf(b, sizeof b, "%s --set acute.readmit=0.12 --set reablement.readmit=0.25", common);
    const char *low = variant("scenarios/demo.ini", "e2e_readmit_low", a);
    const char *high = variant("scenarios/demo.ini", "e2e_readmit_high", b);
    /* More readmissions: more patients come back through A&E into acute beds. */
    moves(low, high, "", "readmissions", +1);
    moves(low, high, "ae", "admissions", +1);
    moves(low, high, "acute", "occupancy", +1);
    /* ...and fewer people are still at home 91 days after reablement (a ratio: compare the
     * summary intervals). */
    struct tu_row x, y;
    tu_summary(low, "reablement", "home_91d_pct", &x);
    tu_summary(high, "reablement", "home_91d_pct", &y);
    print_message("home_91d_pct %.3g [%.3g, %.3g] -> %.3g [%.3g, %.3g]\n", x.mean, x.lo, x.hi,
                  y.mean, y.lo, y.hi);
    assert_true(y.hi < x.lo);
}

static void virtual_ward_beds_empty_acute(void **s) {
    (void)s;
    const char *sc = "tests/scenarios/virtual_ward.ini";
    const char *none = variant(sc, "e2e_vw_0", "--set vw.capacity=0");
    const char *some = variant(sc, "e2e_vw_25", "--set vw.capacity=25");
    /* Virtual-ward beds take the end of acute stays: patients step down, acute beds are
     * saved, and fewer are occupied; the same patients arrive either way. */
    moves(none, some, "vw", "step_downs", +1);
    moves(none, some, "acute", "bed_days_saved", +1);
    moves(none, some, "acute", "occupancy", -1);
    moves(none, some, "", "arrivals", 0);
}

static void escalation_beds_relieve_pressure(void **s) {
    (void)s;
    const char *sc = "tests/scenarios/ae_pressure.ini";
    const char *plain = variant(sc, "e2e_surge_off", "");
    const char *surge =
        variant(sc, "e2e_surge_on", "--set acute.surge_capacity=15 --set acute.surge_on=0.97");
    /* Surge beds open under pressure (the plain run has no surge metrics at all), and fewer
     * patients wait in A&E for a bed. */
    struct tu_row row;
    tu_summary(surge, "acute", "surge_bed_days", &row);
    assert_true(row.lo > 1);
    moves(plain, surge, "ae", "delayed", -1);
    moves(plain, surge, "ae", "handovers_60m", -1);
}

static void chc_assessments_out_of_hospital(void **s) {
    (void)s;
    const char *sc = "tests/scenarios/chc.ini";
    const char *out = variant(sc, "e2e_chc_15", "--set chc.in_acute=0.15");
    const char *in = variant(sc, "e2e_chc_53", "--set chc.in_acute=0.53");
    /* More CHC assessments in acute (CrossCity's 53% against the 15% target): more acute
     * bed-days spent waiting for a CHC decision, fuller acute beds, fewer D2A beds used. */
    moves(out, in, "acute", "delayed_days_chc_assessment", +1);
    moves(out, in, "acute", "occupancy", +1);
    moves(out, in, "d2a", "occupancy", -1);
    struct tu_row a, b;
    tu_summary(out, "", "chc_in_acute_pct", &a);
    tu_summary(in, "", "chc_in_acute_pct", &b);
    assert_close(a.mean, 15, 3 * a.sd + 1);
    assert_close(b.mean, 53, 3 * b.sd + 1);
}

static void frailer_case_mix_fills_acute(void **s) {
    (void)s;
    /* --by-group adds METRIC.GROUP rows; without [group] sections it is a usage error. */
    const char *bg = variant("tests/scenarios/groups.ini", "e2e_by_group", "--by-group");
    struct tu_row all, fr, ot;
    tu_summary(bg, "acute", "occupancy", &all);
    tu_summary(bg, "acute", "occupancy.frail", &fr);
    tu_summary(bg, "acute", "occupancy.other", &ot);
    assert_close(fr.mean + ot.mean, all.mean, 1e-6 * all.mean);
    char *out, *err;
    snprintf(cmd, sizeof cmd, "run '%s' --by-group -o '%s/x'", tu_src("scenarios/demo.ini"), bg);
    assert_int_equal(tu_run(cmd, &out, &err), 2);
    assert_string_equal(err, "flowsim: --by-group: the scenario has no [group NAME] sections\n");
    free(out), free(err);
    const char *sc = "tests/scenarios/groups.ini";
    const char *low = variant(sc, "e2e_groups_20", "--set frail.share=0.2 --set other.share=0.8");
    const char *high = variant(sc, "e2e_groups_40", "--set frail.share=0.4 --set other.share=0.6");
    /* More frail patients: longer acute stays, and more waiting for a care home (which is full:
     * its admissions cannot rise, its queue does). */
    moves(low, high, "acute", "occupancy", +1);
    moves(low, high, "care_home", "queue", +1);
    moves(low, high, "", "arrivals", 0);
}

/* A variant file in dir that extends a scenario of the source tree and adds text. */
static const char *variant_file(const char *dir, const char *name, const char *base,
                                const char *text) {
    static char path[4096];
    char body[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(body, sizeof body, "[scenario]\nextends = %s\nname = %s\n%s", tu_src(base), name,
             text);
    tu_write(path, body);
    return path;
}

/* The comparison.csv row of (metric, unit, scenario): columns 3.. as numbers (NAN if empty). */
static int comparison_row(const char *dir, const char *metric, const char *unit, const char *sc,
                          double *col) {
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/comparison.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err) != 0) fail_msg("%s", err);
    int found = 0;
    for (size_t i = 1; i < t.n && !found; i++) {
        const struct table_row *r = &t.row[i];
        const char *u = r->n > 1 ? r->field[1] : "";
        if (r->n < 4 || strcmp(r->field[0], metric) || strcmp(u, unit) || strcmp(r->field[2], sc))
            continue;
        for (size_t k = 3; k < 9; k++)
            col[k - 3] = k < r->n && *r->field[k] ? strtod(r->field[k], NULL) : NAN;
        found = 1;
    }
    table_fini(&t);
    return found;
}

static void compare_pairs_the_patients(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_compare");
    char base[4096], more[4096];
    snprintf(base, sizeof base, "%s", tu_src("tests/scenarios/ae_pressure.ini"));
    snprintf(more, sizeof more, "%s",
             variant_file(dir, "more_beds", "tests/scenarios/ae_pressure.ini",
                          "[unit acute]\ncapacity = 186\n"));
    char out1[4096], out2[4096];
    snprintf(out1, sizeof out1, "%s/out1", dir);
    snprintf(out2, sizeof out2, "%s/out2", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --threads 1", base, more, out1);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    assert_non_null(strstr(o, "vs base [95% CI]"));
    free(o), free(e);
    /* Same bytes on any number of threads. */
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --threads 2 --quiet", base, more, out2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char p1[4200], p2[4200];
    snprintf(p1, sizeof p1, "%s/comparison.csv", out1);
    snprintf(p2, sizeof p2, "%s/comparison.csv", out2);
    char *a = tu_read(p1), *b = tu_read(p2);
    assert_string_equal(a, b);
    static const char head[] = "metric,unit,scenario,mean,ci95_low,ci95_high,diff_vs_base,"
                               "diff_ci95_low,diff_ci95_high\n";
    assert_true(strncmp(a, head, strlen(head)) == 0);
    free(a), free(b);
    /* The point of common random numbers: the paired interval of the difference is far
     * narrower than the two scenarios' own intervals combined. */
    double c0[6], c1[6];
    assert_true(comparison_row(out1, "occupancy_pct", "acute", "ae_pressure", c0));
    assert_true(comparison_row(out1, "occupancy_pct", "acute", "more_beds", c1));
    double unpaired = sqrt(pow((c0[2] - c0[1]) / 2, 2) + pow((c1[2] - c1[1]) / 2, 2));
    double paired = (c1[5] - c1[4]) / 2;
    print_message("acute occupancy_pct: paired half-width %.4g, unpaired %.4g\n", paired, unpaired);
    assert_true(c1[5] < 0);              /* 8 more beds: a lower occupancy, resolved exactly */
    assert_true(paired < unpaired / 10); /* here about 30 times narrower */
    assert_true(c0[2] > c1[1]);          /* while the scenarios' own intervals overlap */
    assert_close(c1[3], c1[0] - c0[0], 1e-6 * (1 + fabs(c0[0])));
}

static void compare_known_answer_is_zero(void **s) {
    (void)s;
    /* A change that cannot matter: a unit of unlimited places given a million places it never
     * fills. Under common random numbers every patient does exactly the same, so every shared
     * metric's difference is exactly 0. */
    const char *dir = tu_tmpdir("e2e_compare_zero");
    char base[4096], same[4096], out[4096];
    snprintf(base, sizeof base, "%s",
             variant_file(dir, "base", "tests/scenarios/groups.ini",
                          "replications = 4\n[unit reablement]\ncapacity = inf\n"));
    snprintf(same, sizeof same, "%s",
             variant_file(dir, "million", "tests/scenarios/groups.ini",
                          "replications = 4\n[unit reablement]\ncapacity = 1000000\n"));
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --quiet", base, same, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/comparison.csv", out);
    struct table t;
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    int checked = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (strcmp(r->field[2], "million") || r->n < 7 || !*r->field[6]) continue;
        assert_string_equal(r->field[6], "0");
        checked++;
    }
    table_fini(&t);
    assert_true(checked > 50);
    /* A bad variant stops everything before it runs: exit 2, no results folder. */
    char bad[4096], out2[4096];
    snprintf(bad, sizeof bad, "%s",
             variant_file(dir, "bad", "tests/scenarios/groups.ini",
                          "[unit reablement]\ncapacity = lots\n"));
    snprintf(out2, sizeof out2, "%s/out2", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s'", base, bad, out2);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "capacity: expected a whole number >= 0 or 'inf', got 'lots'"));
    free(o), free(e);
    struct stat st;
    assert_int_not_equal(stat(out2, &st), 0);
}

static void sweep_grid_of_variants(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_sweep");
    char grid[4096], out1[4096], out2[4096];
    snprintf(grid, sizeof grid, "%s/grid.csv", dir);
    /* "again" repeats the first row under another label: a known answer of exactly 0. */
    tu_write(grid, "variant,vw.capacity,eab.capacity\nnone,0,62\nvw13,13,62\nagain,0,62\n");
    snprintf(out1, sizeof out1, "%s/out1", dir);
    snprintf(out2, sizeof out2, "%s/out2", dir);
    const char *sc = tu_src("tests/scenarios/virtual_ward.ini");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --replications 4 --threads 1 --quiet",
             sc, grid, out1);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --replications 4 --threads 2 --quiet",
             sc, grid, out2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char p1[4200], p2[4200];
    snprintf(p1, sizeof p1, "%s/sweep.csv", out1);
    snprintf(p2, sizeof p2, "%s/sweep.csv", out2);
    char *a = tu_read(p1), *b = tu_read(p2);
    assert_string_equal(a, b); /* same bytes on any thread count */
    assert_true(strncmp(a, "metric,unit,variant,", 20) == 0);
    free(a), free(b);
    /* One results folder per variant, each a complete run. */
    struct tu_row r;
    snprintf(p1, sizeof p1, "%s/vw13", out1);
    tu_summary(p1, "vw", "step_downs", &r);
    assert_true(r.mean > 1);
    /* The repeated row differs from the first by exactly 0 in every metric. */
    struct table t;
    char err[512];
    snprintf(p1, sizeof p1, "%s/sweep.csv", out1);
    assert_int_equal(table_read(p1, &t, err, sizeof err), 0);
    int zeros = 0, moved = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *row = &t.row[i];
        if (row->n < 7 || !*row->field[6]) continue;
        if (!strcmp(row->field[2], "again")) {
            assert_string_equal(row->field[6], "0");
            zeros++;
        }
        if (!strcmp(row->field[2], "vw13") && !strcmp(row->field[0], "occupancy") &&
            !strcmp(row->field[1], "acute"))
            moved = strtod(row->field[6], NULL) < -1;
    }
    table_fini(&t);
    assert_true(zeros > 50);
    assert_true(moved);
    /* A bad column, or a bad value in a row: exit 2 before anything is written. */
    char bad[4096], out3[4096];
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    snprintf(out3, sizeof out3, "%s/out3", dir);
    tu_write(bad, "variant,capacity\nx,3\n");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s'", sc, bad, out3);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "bad.csv:1: column 'capacity': expected NAME.KEY as in --set"));
    free(o), free(e);
    tu_write(bad, "variant,vw.capacity\nok,3\nbroken,three\n");
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "bad.csv:3: variant 'broken': --set vw.capacity=three: capacity: "));
    free(o), free(e);
    struct stat st;
    assert_int_not_equal(stat(out3, &st), 0);
}

static void patient_log_agrees_with_the_summary(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_plog1"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_plog2"));
    const char *args = "--replications 1 --set scenario.horizon=200d --set scenario.warmup=50d "
                       "--patient-log --quiet";
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --threads 1",
             tu_src("tests/scenarios/eab_referrals.ini"), d1, args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --threads 2 --replications 3",
             tu_src("tests/scenarios/eab_referrals.ini"), d2, args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/patients.csv", d1);
    struct table t;
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    assert_string_equal(t.row[0].field[0], "replication");
    assert_string_equal(t.row[0].field[9], "delay_reason");
    double los = 0;
    long n = 0, assessed = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        double arrive = strtod(r->field[4], NULL), start = strtod(r->field[5], NULL);
        double end = r->n > 6 && *r->field[6] ? strtod(r->field[6], NULL) : start;
        double leave = strtod(r->field[7], NULL);
        assert_true(arrive <= start && start <= end && end <= leave && leave < 200);
        if (!strcmp(r->field[3], "acute") && leave >= 50) los += leave - start, n++;
        if (r->n > 9 && !strcmp(r->field[9], "assessment")) assessed++;
    }
    table_fini(&t);
    /* The log's own arithmetic gives the summary's number: they describe the same visits. */
    struct tu_row row;
    tu_summary(d1, "acute", "los_mean", &row);
    assert_close(los / (double)n, row.mean, 1e-6 * row.mean);
    assert_true(assessed == 0); /* after an assessment patients wait or move: never leave on it */
    /* Replication 1 of a 3-replication run on 2 threads logs the same rows as the run above. */
    char *a = tu_read(path);
    snprintf(path, sizeof path, "%s/patients.csv", d2);
    char *b = tu_read(path);
    assert_true(strlen(b) > strlen(a));
    assert_true(strncmp(a, b, strlen(a)) == 0);
    free(a), free(b);
}

static void progress_only_on_a_terminal(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_progress");
    char *out, *err;
    /* Not a terminal (our pipes): no progress line, whatever the run's length. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/a' --replications 6", tu_src("scenarios/demo.ini"),
             dir);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_null(strchr(err, '\r')); /* (a warning may be there: this demo's winter queues) */
    assert_null(strstr(err, "replications, "));
    free(out), free(err);
    /* A terminal, made by script(1): the progress line appears on it. */
    if (system("command -v script >/dev/null 2>&1") != 0) {
        print_message("script(1) is not installed: the terminal half of this test is skipped\n");
        return;
    }
    char line[8192], log[4200];
    snprintf(log, sizeof log, "%s/tty.txt", dir);
    snprintf(line, sizeof line,
             "script -qec \"'%s' run '%s' -o '%s/b' --replications 6\" /dev/null > '%s' 2>&1",
             FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    char *tty = tu_read(log);
    assert_non_null(strstr(tty, "6/6 replications"));
    assert_non_null(strstr(tty, "s to go"));
    free(tty);
    /* --quiet silences it there too. */
    snprintf(
        line, sizeof line,
        "script -qec \"'%s' run '%s' -o '%s/c' --replications 6 --quiet\" /dev/null > '%s' 2>&1",
        FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    tty = tu_read(log);
    assert_null(strstr(tty, "replications"));
    free(tty);
}

static void ctrl_c_leaves_the_folder_as_it_was(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_sigint");
    char line[8192], log[4200];
    snprintf(log, sizeof log, "%s/status.txt", dir);
    /* A long run interrupted after half a second: exit 130 and no folder left behind... */
    snprintf(line, sizeof line,
             "'%s' run '%s' -o '%s/new' --replications 5000 --patient-log 2>/dev/null & pid=$!; "
             "sleep 0.5; kill -INT $pid; wait $pid; echo $? > '%s'",
             FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    char *status = tu_read(log);
    assert_string_equal(status, "130\n");
    free(status);
    struct stat st;
    char path[4200];
    snprintf(path, sizeof path, "%s/new", dir);
    assert_int_not_equal(stat(path, &st), 0);
    /* ...and an existing folder keeps exactly what it had. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/old' --replications 2 --quiet",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/old/summary.csv", dir);
    char *previous = tu_read(path);
    snprintf(line, sizeof line,
             "'%s' run '%s' -o '%s/old' --replications 5000 2>/dev/null & pid=$!; "
             "sleep 0.5; kill -INT $pid; wait $pid; echo $? > '%s'",
             FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    status = tu_read(log);
    assert_string_equal(status, "130\n");
    free(status);
    char *old = tu_read(path);
    assert_string_equal(old, previous);
    free(old);
    free(previous);
    char listing[8192];
    snprintf(listing, sizeof listing,
             "test \"$(ls -A '%s/old' | tr '\\n' ' ')\" = "
             "'run-info scenario.resolved.ini summary.csv timeseries.csv warmup.csv '",
             dir);
    assert_int_equal(system(listing), 0);
}

/* kill -9 cannot be caught: the previous results must survive it because a run writes only
 * in a staging folder inside the results folder, published at the very end (output/outdir.h);
 * the next run removes the dead run's staging folder. */
static void kill_9_leaves_the_previous_results(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_kill9");
    char out[4200], line[8192];
    snprintf(out, sizeof out, "%s/res", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 2 --quiet --patient-log",
             tu_src("scenarios/demo.ini"), out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char notes[4300];
    snprintf(notes, sizeof notes, "%s/notes.txt", out);
    tu_write(notes, "someone else's file\n");
    const char *files[] = {"summary.csv",           "timeseries.csv", "warmup.csv", "patients.csv",
                           "scenario.resolved.ini", "run-info",       "notes.txt"};
    enum { NF = sizeof files / sizeof *files };
    char *before[NF];
    for (int i = 0; i < NF; i++) {
        snprintf(line, sizeof line, "%s/%s", out, files[i]);
        before[i] = tu_read(line);
        assert_non_null(before[i]);
    }
    /* Killed at several moments of a long run, writing the same folder. */
    const char *when[] = {"0.05", "0.3", "0.8"};
    for (int k = 0; k < 3; k++) {
        snprintf(line, sizeof line,
                 "'%s' run '%s' -o '%s' --replications 5000 --patient-log --quiet & pid=$!; "
                 "sleep %s; kill -9 $pid; wait $pid; test $? = 137",
                 FLOWSIM_BIN, tu_src("scenarios/demo.ini"), out, when[k]);
        assert_int_equal(system(line), 0);
        for (int i = 0; i < NF; i++) {
            snprintf(line, sizeof line, "%s/%s", out, files[i]);
            char *now = tu_read(line);
            if (!now || strcmp(now, before[i])) fail_msg("%s changed by a killed run", line);
            free(now);
        }
        /* Nothing else appeared in the folder but the dead run's staging folder, and never
         * more than one: each run removes those of runs that died. */
        snprintf(line, sizeof line,
                 "cd '%s' && test $(ls -A | grep -v '^.flowsim-stage-' | wc -l) = %d && "
                 "test $(ls -A | grep -c '^.flowsim-stage-') -le 1",
                 out, NF);
        assert_int_equal(system(line), 0);
    }
    for (int i = 0; i < NF; i++) free(before[i]);
    /* A run that finishes replaces the results and keeps the file that was not its own. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 3 --quiet",
             tu_src("scenarios/demo.ini"), out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *n = tu_read(notes);
    assert_string_equal(n, "someone else's file\n");
    free(n);
    snprintf(line, sizeof line, "test -z \"$(ls -A '%s' | grep '^.flowsim-stage-')\"", out);
    assert_int_equal(system(line), 0);
    snprintf(line, sizeof line, "%s/run-info", out);
    char *info = tu_read(line);
    assert_non_null(strstr(info, "replications = 3\n"));
    free(info);
    /* The old run's patient log went with it: it does not describe these results. */
    snprintf(line, sizeof line, "%s/patients.csv", out);
    struct stat st;
    assert_int_not_equal(stat(line, &st), 0);
}

/* Each bad scenario: exit 2, one line "FILE:LINE: key: ...", and no results folder. */
struct bad {
    const char *name, *text, *want;
};

#define GOOD_HEAD "[scenario]\nhorizon = 50d\n[arrivals a]\nto = ward\nrate = 10/d\n[unit ward]\n"

static void bad_input_exit_2_and_no_output(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_bad");
    char p[4096];
    snprintf(p, sizeof p, "%s/loop1.ini", dir);
    tu_write(p, "[scenario]\nextends = loop2.ini\n");
    snprintf(p, sizeof p, "%s/loop2.ini", dir);
    tu_write(p, "[scenario]\nextends = loop1.ini\n");
    static const struct bad cases[] = {
        {"unknown_key.ini", GOOD_HEAD "stay = exp(1d)\ncolour = red\n", ":8: colour: unknown key"},
        {"unknown_unit.ini", GOOD_HEAD "stay = exp(1d)\nnext = icu 1\n",
         ":8: next: unknown unit 'icu'"},
        {"sum.ini", GOOD_HEAD "stay = exp(1d)\nnext = exit 0.5, ward 0.4\n",
         ":8: next: expected routing probabilities summing to 1 (they sum to 0.9)"},
        {"negative.ini", GOOD_HEAD "capacity = -1\nstay = exp(1d)\n",
         ":7: capacity: expected a whole number >= 0 or 'inf', got '-1'"},
        {"text.ini", GOOD_HEAD "capacity = ten\nstay = exp(1d)\n",
         ":7: capacity: expected a whole number >= 0 or 'inf', got 'ten'"},
        {"dist.ini", GOOD_HEAD "stay = lognormal(3d, )\n",
         ":7: stay: lognormal: argument 2: expected a duration"},
        {"csv.ini", GOOD_HEAD "stay = empirical(nope.csv)\n", ":7: stay: "},
        {"loop.ini", "[scenario]\nextends = loop.ini\n", ":2: extends: loop: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ini[4096], out[4096];
        snprintf(ini, sizeof ini, "%s/%s", dir, cases[i].name);
        snprintf(out, sizeof out, "%s/out-%zu", dir, i);
        tu_write(ini, cases[i].text);
        const char *corpus = getenv("FLOWSIM_CORPUS_OUT"); /* fuzz/make-corpus: seeds */
        if (corpus) {
            char seed[4300];
            snprintf(seed, sizeof seed, "%s/e2e-%s", corpus, cases[i].name);
            tu_write(seed, cases[i].text);
        }
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s'", ini, out);
        char *o, *e;
        int rc = tu_run(cmd, &o, &e);
        if (rc != 2) fail_msg("%s: exit %d, stderr %s", cases[i].name, rc, e);
        char want[4300];
        snprintf(want, sizeof want, "%s%s", ini, cases[i].want);
        if (strncmp(e, want, strlen(want)) != 0)
            fail_msg("%s:\n got: %s\nwant: %s", cases[i].name, e, want);
        assert_int_equal(count_lines(e), 1);
        assert_false(exists(out));
        free(o), free(e);
        snprintf(cmd, sizeof cmd, "validate '%s'", ini);
        assert_int_equal(tu_run(cmd, NULL, NULL), 2);
    }
    /* An existing results folder is left exactly as it was. */
    char out[4096], sentinel[4200];
    snprintf(out, sizeof out, "%s/existing", dir);
    mkdir(out, 0777);
    snprintf(sentinel, sizeof sentinel, "%s/summary.csv", out);
    tu_write(sentinel, "old results\n");
    snprintf(cmd, sizeof cmd, "run '%s/unknown_key.ini' -o '%s'", dir, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 2);
    char *old = tu_read(sentinel);
    assert_string_equal(old, "old results\n");
    free(old);
}

static void repeated_options_last_one_wins(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_repeat");
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --replications 5 --replications 2 --seed 4 --seed 9 --quiet",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *info = tu_read(file_in(dir, "run-info"));
    assert_non_null(strstr(info, "seed = 9\n"));
    assert_non_null(strstr(info, "replications = 2\n"));
    free(info);
}

static void precision_adds_replications(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_precision"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_precision_again"));
    char *out, *err;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --precision 2%%",
             tu_src("tests/scenarios/ae_pressure.ini"), d1);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_non_null(strstr(out, "precision reached: every headline metric within 2%"));
    free(out), free(err);
    /* Batches of the scenario's 8: a multiple of 8, more than 8, and the headline metric's
     * interval really within 2% of its mean. */
    struct tu_row r;
    tu_summary(d1, "acute", "occupancy_pct", &r);
    assert_true(r.n > 8 && r.n % 8 == 0);
    assert_true((r.hi - r.lo) / 2 <= 0.02 * r.mean);
    /* The resolved scenario records how many ran, and reproduces the run byte for byte. */
    snprintf(cmd, sizeof cmd, "run '%s/scenario.resolved.ini' -o '%s' --quiet", d1, d2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *a = tu_read(file_in(d1, "timeseries.csv"));
    char *b = tu_read(file_in(d2, "timeseries.csv"));
    assert_string_equal(a, b);
    free(a), free(b);
    /* A cap that comes first is said so. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --precision 0.01%% --max-replications 12",
             tu_src("tests/scenarios/ae_pressure.ini"), d2);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_non_null(strstr(out, "stopped at --max-replications 12 before the precision was "
                                "reached"));
    free(out), free(err);
    tu_summary(d2, "acute", "occupancy_pct", &r);
    assert_int_equal(r.n, 12);
    snprintf(cmd, sizeof cmd, "run '%s' --precision two", tu_src("scenarios/demo.ini"));
    assert_int_equal(tu_run(cmd, &out, &err), 2);
    assert_string_equal(err, "flowsim: --precision: expected a percentage like 2%, got 'two'\n");
    free(out), free(err);
}

static int count(const char *text, const char *what) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static void report_is_self_contained(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_report");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/run' --replications 4 --report --quiet",
             tu_src("tests/scenarios/eab_referrals.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/run/report.html", dir);
    char *html = tu_read(path);
    assert_non_null(html);
    /* No network and no other file: no scripts, links, images or stylesheets from elsewhere. */
    assert_null(strstr(html, "http:"));
    assert_null(strstr(html, "https:"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "<link"));
    /* A chart per unit's occupancy, the delays by reason, A&E; a legend under each. */
    assert_true(count(html, "<svg") >= 5 + 2 + 1);
    assert_int_equal(count(html, "<svg"), count(html, "class=\"legend\""));
    assert_non_null(strstr(html, "acute: occupancy, % of places"));
    assert_non_null(strstr(html, "acute: delayed bed-days per day by reason"));
    assert_non_null(strstr(html, "ae: A&amp;E 4-hour performance"));
    assert_non_null(strstr(html, "awaiting_eab"));
    assert_non_null(strstr(html, "assessment"));
    /* The warm-up chart, from warmup.csv: acute occupancy from time 0 (Welch). */
    assert_non_null(strstr(html, "acute: occupancy from the start, for judging the warm-up"));
    free(html);
    snprintf(path, sizeof path, "%s/run/warmup.csv", dir);
    char *warm = tu_read(path);
    assert_true(strncmp(warm,
                        "scenario,replication,time,date,unit,metric,value\n"
                        "eab_referrals,1,0,2025-10-06,ae,occupancy,",
                        90) == 0);
    /* 4 replications x 300 daily intervals from time 0 x 5 units. */
    assert_int_equal(count(warm, "\n"), 1 + 4 * 300 * 5);
    free(warm);
    /* A comparison's report: each headline metric per scenario, with whiskers. */
    char base[4096]; /* tu_src reuses one buffer: copy before the second call */
    snprintf(base, sizeof base, "%s", tu_src("scenarios/winter/baseline.ini"));
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s/cmp' --report --quiet", base,
             tu_src("scenarios/winter.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/cmp/report.html", dir);
    html = tu_read(path);
    assert_non_null(strstr(html, "<h1>flowsim report: winter-baseline vs winter-plan</h1>"));
    assert_true(count(html, "class=\"whisker\"") >= 8);
    assert_int_equal(count(html, "<circle"), count(html, "class=\"whisker\""));
    free(html);
    /* Nothing to report on: exit 2. */
    char *o, *e;
    snprintf(cmd, sizeof cmd, "report '%s'", dir);
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "no timeseries.csv, comparison.csv or sweep.csv to report on"));
    free(o), free(e);
}

/* The report really renders: Debian's Chromium, headless and offline, draws it. */
static void report_renders_in_chromium(void **s) {
    (void)s;
    if (system("command -v chromium >/dev/null 2>&1") != 0) {
        print_message("SKIPPED: chromium is not installed (apt-get install chromium); the "
                      "report's browser test did not run\n");
        skip();
    }
    const char *dir = tu_tmpdir("e2e_chromium");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 3 --report --quiet",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    const char *flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                        "--disable-background-networking --disable-component-update "
                        "--disable-sync --hide-scrollbars";
    char line[16384], dom[4200], png[4200];
    snprintf(dom, sizeof dom, "%s/dom.html", dir);
    snprintf(png, sizeof png, "%s/report.png", dir);
    snprintf(line, sizeof line,
             "timeout 120 chromium %s --user-data-dir='%s/profile' --dump-dom "
             "'file://%s/report.html' > '%s' 2>/dev/null",
             flags, dir, dir, dom);
    assert_int_equal(system(line), 0);
    char *text = tu_read(dom);
    assert_non_null(text);
    /* The DOM Chromium built holds the charts: 5 occupancy, 4 delay and 1 A&E chart. */
    int charts = count(text, "<svg"), paths = count(text, "<path");
    print_message("chromium: %d charts, %d paths\n", charts, paths);
    assert_true(charts >= 8);
    assert_true(paths > charts); /* every chart has its lines, bands or stacks */
    free(text);
    snprintf(line, sizeof line,
             "timeout 120 chromium %s --user-data-dir='%s/profile' --window-size=900,1400 "
             "--screenshot='%s' 'file://%s/report.html' >/dev/null 2>&1",
             flags, dir, png, dir);
    assert_int_equal(system(line), 0);
    struct stat st;
    assert_int_equal(stat(png, &st), 0);
    assert_true(st.st_size > 20000); /* a picture with charts in it, not an empty page */
}

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

/* The Birmingham 2017/18 reproduction, shortened to 10 replications (make reproduce runs the
 * scenario's 30): every figure of the CQC review within its tolerance, as reproduction.csv
 * says; a figure out of tolerance gives exit status 3, a bad figures file exit status 2. */
static void birmingham_reproduction_within_tolerance(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_reproduce");
    char out[4200], path[4300], bad[4300];
    char ini[4200], figures[4200]; /* tu_src's buffer is reused: one call per expression */
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(ini, sizeof ini, "%s", tu_src("scenarios/birmingham-2017-18/birmingham.ini"));
    snprintf(figures, sizeof figures, "%s",
             tu_src("scenarios/birmingham-2017-18/review-figures.csv"));
    snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' -o '%s' --replications 10 --quiet", ini,
             figures, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/reproduction.csv", out);
    struct table t;
    char err[2048];
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    assert_int_equal(t.n, 8);
    const char *cols[] = {"quantity",  "review_value", "flowsim_mean", "ci95_low",
                          "ci95_high", "tolerance",    "within"};
    for (int k = 0; k < 7; k++) assert_string_equal(t.row[0].field[k], cols[k]);
    /* Each row checked here again from its numbers, not only from its 'within'. */
    const struct {
        const char *quantity;
        double low, high;
    } want[] = {{"acute occupancy (all acute units), %", 95.5, 97.5},
                {"DTOC, delayed days per day per 100,000 aged 18+", 18.3 * 0.9, 18.3 * 1.1},
                {"CHC assessments done in acute, %", 37, 53},
                {"EAB referrals assessed within 24 hours, %", 41, 51},
                {"still at home 91 days after reablement, %", 74.5, 80.5},
                {"A&E 4-hour performance, %", 0, 89}};
    for (size_t i = 0; i < 6; i++) {
        const struct table_row *r = &t.row[i + 1];
        assert_string_equal(r->field[0], want[i].quantity);
        double mean = strtod(r->field[2], NULL);
        print_message("%-50s %g\n", r->field[0], mean);
        assert_true(mean >= want[i].low && mean <= want[i].high);
        assert_string_equal(r->field[6], "yes");
    }
    assert_string_equal(t.row[7].field[0], "largest delay reason");
    assert_string_equal(t.row[7].field[6], "yes");
    table_fini(&t);
    /* The largest reason, from summary.csv itself. */
    snprintf(path, sizeof path, "%s/summary.csv", out);
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    double nursing = -1, other = -1;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (strcmp(r->field[1], "acute") || strncmp(r->field[2], "delayed_days_", 13)) continue;
        double v = strtod(r->field[3], NULL);
        if (!strcmp(r->field[2], "delayed_days_awaiting_nursing_home"))
            nursing = v;
        else if (v > other)
            other = v;
    }
    table_fini(&t);
    assert_true(nursing > other && other >= 0);
    /* A figure out of tolerance: exit status 3, and the file says which. */
    snprintf(bad, sizeof bad, "%s/figures.csv", dir);
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,50,60\n"
                  "largest,acute,delayed_days_*,delayed_days_assessment,largest,,\n");
    snprintf(cmd, sizeof cmd,
             "reproduce '%s' --expect '%s' -o '%s' --replications 2 --set scenario.horizon=200d "
             "--quiet",
             ini, bad, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 3);
    snprintf(path, sizeof path, "%s/reproduction.csv", out);
    char *csv = tu_read(path);
    assert_non_null(strstr(csv, ",50 to 60,no\n"));
    assert_non_null(strstr(csv, ",largest,no\n"));
    free(csv);
    /* A bad figures file: exit status 2 and the line. */
    tu_write(bad, "quantity,unit,metric,review_value,tolerance,low,high\n"
                  "occupancy,acute,occupancy_pct,50,50 to 60,fifty,60\n");
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "figures.csv:2: occupancy_pct: expected numbers"));
    free(o), free(e);
}

/* Every scenario shipped in scenarios/ loads and checks cleanly. */
static void every_shipped_scenario_validates(void **s) {
    (void)s;
    char line[32768], log[4200];
    const char *dir = tu_tmpdir("e2e_all_scenarios");
    snprintf(log, sizeof log, "%s/bad.txt", dir);
    snprintf(line, sizeof line,
             "find '%s' -name '*.ini' | sort | while read f; do '%s' validate \"$f\" >/dev/null "
             "2>&1 || echo \"$f\"; done > '%s'; find '%s' -name '*.ini' | wc -l >> '%s'",
             tu_src("scenarios"), FLOWSIM_BIN, log, tu_src("scenarios"), log);
    assert_int_equal(system(line), 0);
    char *out = tu_read(log);
    int n = atoi(out);
    if (n == 0) fail_msg("these scenarios do not validate:\n%s", out);
    assert_true(n >= 17);
    free(out);
}

static void validate_good_scenario(void **s) {
    (void)s;
    char *out, *err;
    snprintf(cmd, sizeof cmd, "validate '%s'", tu_src("scenarios/demo.ini"));
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_non_null(strstr(out, ": ok: scenario 'demo', 5 units, 1 arrival streams"));
    free(out), free(err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_version_and_usage),
        cmocka_unit_test(demo_writes_the_contract_files),
        cmocka_unit_test(same_bytes_for_any_thread_count),
        cmocka_unit_test(resolved_scenario_reproduces_the_run),
        cmocka_unit_test(set_changes_the_answer),
        cmocka_unit_test(ae_measures_move_the_right_way),
        cmocka_unit_test(costs_weigh_beds_against_delays),
        cmocka_unit_test(winter_plan_relieves_ae),
        cmocka_unit_test(slower_eab_assessment),
        cmocka_unit_test(readmissions_fill_beds),
        cmocka_unit_test(virtual_ward_beds_empty_acute),
        cmocka_unit_test(escalation_beds_relieve_pressure),
        cmocka_unit_test(chc_assessments_out_of_hospital),
        cmocka_unit_test(frailer_case_mix_fills_acute),
        cmocka_unit_test(compare_pairs_the_patients),
        cmocka_unit_test(compare_known_answer_is_zero),
        cmocka_unit_test(sweep_grid_of_variants),
        cmocka_unit_test(patient_log_agrees_with_the_summary),
        cmocka_unit_test(progress_only_on_a_terminal),
        cmocka_unit_test(ctrl_c_leaves_the_folder_as_it_was),
        cmocka_unit_test(kill_9_leaves_the_previous_results),
        cmocka_unit_test(bad_input_exit_2_and_no_output),
        cmocka_unit_test(validate_good_scenario),
        cmocka_unit_test(every_shipped_scenario_validates),
        cmocka_unit_test(repeated_options_last_one_wins),
        cmocka_unit_test(precision_adds_replications),
        cmocka_unit_test(report_is_self_contained),
        cmocka_unit_test(report_renders_in_chromium),
        cmocka_unit_test(fit_recovers_a_known_distribution),
        cmocka_unit_test(calibrate_finds_known_answers),
        cmocka_unit_test(birmingham_reproduction_within_tolerance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
