/* [escalation]: levels reviewed from a signal over a window, actions in force at and above
 * their level. Checked exactly: a deterministic signal (a census that never leaves, a capacity
 * schedule) gives the days at each level, the rises and the places open to the last digit;
 * the window's value is the outputs' own metric (a one-day window reviewed at each midnight is
 * the report bucket just closed, so the next day's level follows from the time series); days
 * at the levels add up to every window; a cancelling action cancels exactly the arrivals of
 * the days it is in force. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_escalation");
    return 0;
}

/* A ward of 10 census patients who never leave in 30 days (a stay of 10^5 days), its places
 * scheduled 20, 12 and 10 from days 0, 10 and 20: occupancy_pct 50%, 83.3% and 100%. A 6-hour
 * window reviewed every 6 hours sees each change at the first review after it. */
#define WARD_SCENARIO(interval, esc)                                                               \
    "[scenario]\nhorizon = 30d\nstart = 2025-01-06\ninterval = " interval "\n"                     \
    "[arrivals a]\nto = other\nrate = 1/d\n"                                                       \
    "[unit other]\nstay = exp(1d)\n"                                                               \
    "[unit ward]\ncapacity = 20\ncapacity_schedule = beds.csv\nstay = fixed(100000d)\n"            \
    "initial_occupancy = 10\n"                                                                     \
    "[escalation]\ncheck_every = 6h\nsignal = occupancy_pct ward 6h\nlevels = >= 60, >= 90\n" esc

static void put_beds(void) {
    tf_put(dir, "beds.csv", "date,capacity\n2025-01-16,12\n2025-01-26,10\n");
}

/* Level 0 to the review at day 10.25 (the window [10, 10.25] is the first at 83.3%), level 1
 * to 20.25, level 2 to the horizon. */
static void levels_follow_a_deterministic_signal(void **s) {
    (void)s;
    put_beds();
    struct run r;
    tf_load(&r, dir, WARD_SCENARIO("30d", ""), 0);
    tf_rep(&r, 0, NULL);
    assert_close(tf_get(&r, "ward", "occupancy"), 10, 0); /* nobody left */
    assert_close(tf_get(&r, NULL, "escalation_days_level_0"), 10.25, 1e-9);
    assert_close(tf_get(&r, NULL, "escalation_days_level_1"), 10, 1e-9);
    assert_close(tf_get(&r, NULL, "escalation_days_level_2"), 9.75, 1e-9);
    assert_int_equal(tf_slot(&r, NULL, "escalation_days_level_3"), -1); /* two levels only */
    assert_close(tf_get(&r, NULL, "escalations"), 2.0 / 30, 1e-12);
    tf_done(&r);
}

/* At level 2 the action opens 10 more places: 10 of 20 held is 50%, level 0 at the first review
 * once level 2 has held its day (stay_at_least), the places close, 100% again, level 2 at the
 * next review: a cycle of 1 day at level 2 and 6 hours at 0, from day 20.25. Seven cycles to day
 * 29, then level 2 to the horizon: 8 days at level 2, 10.25 + 7 x 0.25 = 12 at level 0, 9 rises
 * (0 to 1, 1 to 2, seven times 0 to 2); places 20 x 10 + 12 x 10 + 10 x (0.25 + 1.75) + 20 x 8
 * = 500 place-days for 300 patient-days held: occupancy_pct 60. */
static void an_open_action_cycles_with_its_hysteresis(void **s) {
    (void)s;
    put_beds();
    struct run r;
    tf_load(&r, dir, WARD_SCENARIO("30d", "stay_at_least = 1d\nactions = 2: open ward 10\n"), 0);
    tf_rep(&r, 0, NULL);
    assert_close(tf_get(&r, NULL, "escalation_days_level_0"), 12, 1e-9);
    assert_close(tf_get(&r, NULL, "escalation_days_level_1"), 10, 1e-9);
    assert_close(tf_get(&r, NULL, "escalation_days_level_2"), 8, 1e-9);
    assert_close(tf_get(&r, NULL, "escalations"), 9.0 / 30, 1e-12);
    assert_close(tf_get(&r, "ward", "occupancy_pct"), 60, 1e-9);
    tf_done(&r);
}

/* A second signal on the same ward with three levels of its own, 50% already reaching the third:
 * the level is the higher of the two, 3 from the first review to the horizon (the first signal
 * alone never passes 2); the section has as many levels as its longest list. */
static void the_level_is_the_highest_signals(void **s) {
    (void)s;
    put_beds();
    struct run r;
    tf_load(&r, dir,
            WARD_SCENARIO("30d", "signal_2 = occupancy ward 12h\nlevels_2 = >= 4, >= 6, >= 8\n"),
            0);
    assert_int_equal(r.sc->esc.nsignals, 2);
    assert_int_equal(r.sc->esc.nlevels, 3);
    tf_rep(&r, 0, NULL);
    assert_close(tf_get(&r, NULL, "escalation_days_level_0"), 0.25, 1e-9);
    assert_close(tf_get(&r, NULL, "escalation_days_level_1"), 0, 0);
    assert_close(tf_get(&r, NULL, "escalation_days_level_2"), 0, 0);
    assert_close(tf_get(&r, NULL, "escalation_days_level_3"), 29.75, 1e-9);
    assert_close(tf_get(&r, NULL, "escalations"), 1.0 / 30, 1e-12);
    tf_done(&r);
}

/* From level 1 (day 10.25 on) the electives' stream is cancelled, each rebooked beyond the
 * horizon: by day, no cancellation before day 10, no elective admitted from day 11; over the run,
 * cancelled and admitted together are the stream's arrivals of the run without the action (the
 * same patients: the review draws nothing). */
static void a_cancel_action_cancels_while_in_force(void **s) {
    (void)s;
    put_beds();
    const char *el = "[arrivals el]\nto = elect\nrate = 4/d\n"
                     "[unit elect]\ncapacity = 100\nstay = exp(1d)\n";
    char with[4096], without[4096];
    snprintf(with, sizeof with, "%s%s",
             WARD_SCENARIO("1d", "actions = 1: cancel el fixed(100000d)\n"), el);
    snprintf(without, sizeof without, "%s%s", WARD_SCENARIO("1d", ""), el);
    struct run r, b;
    tf_load(&r, dir, with, 0);
    tf_rep(&r, 0, NULL);
    tf_load(&b, dir, without, 0);
    tf_rep(&b, 0, NULL);
    double arrived = 0, cancelled = 0, admitted = 0;
    for (size_t d = 0; d < 30; d++) {
        double c = tf_at(&r, d, "elect", "cancellations"), a = tf_at(&r, d, "elect", "admissions");
        if (d < 10) assert_close(c, 0, 0);
        if (d > 10) assert_close(a, 0, 0);
        cancelled += c;
        admitted += a;
        arrived += tf_at(&b, d, "elect", "admissions");
    }
    assert_true(cancelled > 50);
    assert_close(cancelled + admitted, arrived, 1e-9);
    tf_done(&r);
    tf_done(&b);
}

/* What the loader reads: the window in reviews, the comparison, the thresholds, the actions
 * (two opens on one unit add up; a cancel names its stream and marks its unit as cancelling). */
static void the_section_is_read(void **s) {
    (void)s;
    put_beds();
    struct run r;
    tf_load(&r, dir,
            WARD_SCENARIO("30d", "stay_at_least = 12h\nactions = 1: open ward 2, 2: open ward 3, "
                                 "2: cancel a uniform(7d, 28d)\n"),
            0);
    const struct sc_escalation *x = &r.sc->esc;
    assert_true(x->on);
    assert_close(x->check_every, 0.25, 0);
    assert_int_equal(x->nsignals, 1);
    assert_int_equal(x->signal[0].nwindow, 1);
    assert_int_equal(x->signal[0].unit, scenario_unit_index(r.sc, "ward"));
    assert_int_equal(x->signal[0].rising, 1);
    assert_int_equal(x->signal[0].strict, 0);
    assert_int_equal(x->nlevels, 2);
    assert_close(x->signal[0].level[1], 90, 0);
    assert_close(x->stay_at_least, 0.5, 0);
    assert_int_equal(x->nactions, 3);
    assert_int_equal(x->action[1].verb, ESC_OPEN);
    assert_close(x->action[1].places, 3, 0);
    assert_int_equal(x->action[2].verb, ESC_CANCEL);
    assert_int_equal(r.sc->arrivals[0].esc_cancel, 2);
    assert_true(r.sc->unit[scenario_unit_index(r.sc, "other")].cancels);
    tf_done(&r);
}

/* The level to which value v leads, by thresholds t[0..n) (falling with the signal: v < t). */
static int level_of(double v, const double *t, int n, int rising) {
    int l = 0;
    for (int i = 0; i < n; i++)
        if (rising ? v > t[i] : v < t[i]) l = i + 1;
    return l;
}

/* A one-day window reviewed at each midnight with no hysteresis: the level through day k + 1 is
 * the one day k's value of the metric in timeseries.csv leads to (the window is that report
 * bucket, evaluated by the same metrics_eval), and the days at the levels add up to each
 * bucket. For a count ratio (ae_4h_pct), an area ratio (occupancy_pct) and a census (nctr). */
static void follows_the_series(const char *signal, const char *unit, const char *metric,
                               const double *t, int rising) {
    char text[4096];
    char levels[128];
    const char *op = rising ? ">" : "<";
    snprintf(levels, sizeof levels, "%s %g, %s %g, %s %g, %s %g", op, t[0], op, t[1], op, t[2], op,
             t[3]);
    snprintf(text, sizeof text,
             "[scenario]\nhorizon = 200d\ninterval = 1d\n"
             "[arrivals a]\nto = ae\nrate = 60/d\n"
             "[unit ae]\nkind = ae\ncapacity = 14\nstay = lognormal(2h, 1h)\n"
             "next = acute 0.4, exit 0.6\n"
             "[unit acute]\nkind = acute\ncapacity = 104\nstay = lognormal(4d, 3d)\n"
             "next = exit 0.8, care 0.2\n"
             "[unit care]\ncapacity = 90\nstay = lognormal(18d, 10d)\n"
             "[escalation]\ncheck_every = 1d\nsignal = %s\nlevels = %s\n",
             signal, levels);
    struct run r;
    tf_load(&r, dir, text, 0);
    tf_rep(&r, 0, NULL);
    static const char *const names[] = {"escalation_days_level_0", "escalation_days_level_1",
                                        "escalation_days_level_2", "escalation_days_level_3",
                                        "escalation_days_level_4"};
    int seen[5] = {0};
    for (size_t k = 0; k + 1 < 200; k++) {
        double v = tf_at(&r, k, unit, metric), sum = 0;
        int l = level_of(v, t, 4, rising);
        seen[l]++;
        for (int j = 0; j < 5; j++) sum += tf_at(&r, k, NULL, names[j]);
        assert_close(sum, 1, 1e-9);
        assert_close(tf_at(&r, k + 1, NULL, names[l]), 1, 1e-9);
    }
    print_message("%s: days at levels 0-4 %d %d %d %d %d\n", signal, seen[0], seen[1], seen[2],
                  seen[3], seen[4]);
    for (int j = 0; j < 5; j++) assert_true(seen[j] > 0); /* every level was reached */
    tf_done(&r);
}

static void the_window_is_the_outputs_metric(void **s) {
    (void)s;
    static const double ae[] = {97, 95, 90, 70}, occ[] = {85, 90, 95, 99.5}, nctr[] = {0, 1, 3, 6};
    follows_the_series("ae_4h_pct ae 1d", "ae", "ae_4h_pct", ae, 0);
    follows_the_series("occupancy_pct acute 1d", "acute", "occupancy_pct", occ, 1);
    follows_the_series("nctr acute 1d", "acute", "nctr", nctr, 1);
}

/* Reviews without actions change nothing but their own metrics: the reviews draw no random
 * number and touch no patient, so every other slot (the layout adds the escalation's at the end)
 * is bit for bit that of the run without the section, in every bucket, warm-up included. */
static void reviews_alone_change_nothing(void **s) {
    (void)s;
    const char *sys = "[scenario]\nhorizon = 120d\nwarmup = 20d\n"
                      "[arrivals a]\nto = ae\nrate = 60/d\nambulance = 0.3\n"
                      "[unit ae]\nkind = ae\ncapacity = 14\nstay = lognormal(2h, 1h)\n"
                      "next = acute 0.4, exit 0.6\n"
                      "[unit acute]\nkind = acute\ncapacity = 104\nstay = lognormal(4d, 3d)\n";
    char with[2048];
    snprintf(with, sizeof with,
             "%s[escalation]\ncheck_every = 3h\nsignal = handovers_60m ae 12h\n"
             "levels = >= 1, >= 5, >= 10\n",
             sys);
    struct run a, b;
    tf_load(&a, dir, sys, 0);
    tf_load(&b, dir, with, 0);
    tf_rep(&a, 1, NULL);
    tf_rep(&b, 1, NULL);
    assert_true(b.ml.n > a.ml.n);
    for (size_t i = 0; i < a.ml.n; i++) {
        assert_string_equal(a.ml.slot[i].name, b.ml.slot[i].name);
        assert_memory_equal(&a.res->summary[i], &b.res->summary[i], sizeof(double));
        for (size_t k = 0; k < a.res->nbuckets; k++)
            assert_memory_equal(&a.res->series[k * a.ml.n + i], &b.res->series[k * b.ml.n + i],
                                sizeof(double));
    }
    assert_true(tf_get(&b, NULL, "escalations") > 0);
    tf_done(&a);
    tf_done(&b);
}

/* `discharge UNIT SHARE`: while in force, that share of the unit's departures leaves at any
 * hour (the same draw as discharge_any_hour's). A level held from the first review (an hour
 * in, before the warm-up ends) is the key itself: the report window is the same to the last
 * digit as a run with discharge_any_hour = 0.4; and against a discharge hour once a week
 * (Monday 10:00, at once), the rest wait 3.5 days on average: delayed_days_discharge_hour is
 * 10 a day x 0.6 x 3.5 = 21 (Little), 35 without the action. */
#define DISCHARGE_SCENARIO(extra)                                                                  \
    "[scenario]\nhorizon = 400d\nwarmup = 14d\nstart = 2025-01-06\n"                               \
    "[arrivals a]\nto = ward\nrate = 10/d\n"                                                       \
    "[unit ward]\nstay = exp(2d)\ndischarge_hour_of_week = monday10.csv\n" extra

static void a_discharge_action_is_discharge_any_hour(void **s) {
    (void)s;
    char csv[4096] = "hour,weight\n";
    for (int h = 0; h < 168; h++)
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "%d,%d\n", h, h == 10);
    tf_put(dir, "monday10.csv", csv);
    struct run a, b;
    tf_load(&a, dir,
            DISCHARGE_SCENARIO("[escalation]\ncheck_every = 1h\nsignal = occupancy ward 1h\n"
                               "levels = >= 0\nactions = 1: discharge ward 0.4\n"),
            0);
    tf_load(&b, dir, DISCHARGE_SCENARIO("discharge_any_hour = 0.4\n"), 0);
    double mean = 0, m2 = 0;
    const int reps = 6;
    for (int rep = 0; rep < reps; rep++) {
        tf_rep(&a, rep, NULL);
        tf_rep(&b, rep, NULL);
        double x = tf_get(&a, "ward", "delayed_days_discharge_hour");
        assert_close(x, tf_get(&b, "ward", "delayed_days_discharge_hour"), 0);
        assert_close(tf_get(&a, NULL, "escalation_days_level_1"), 386, 1e-9);
        mean += x / reps;
        m2 += x * x / reps;
    }
    double half = 5.57 * sqrt((m2 - mean * mean) * reps / (reps - 1)) / sqrt(reps); /* t5 99.9% */
    print_message("delayed_days_discharge_hour %.3f +- %.3f, Little 21\n", mean, half);
    assert_close(mean, 21, half);
    tf_done(&a);
    tf_done(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_discharge_action_is_discharge_any_hour),
        cmocka_unit_test(the_section_is_read),
        cmocka_unit_test(levels_follow_a_deterministic_signal),
        cmocka_unit_test(an_open_action_cycles_with_its_hysteresis),
        cmocka_unit_test(the_level_is_the_highest_signals),
        cmocka_unit_test(a_cancel_action_cancels_while_in_force),
        cmocka_unit_test(the_window_is_the_outputs_metric),
        cmocka_unit_test(reviews_alone_change_nothing),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
