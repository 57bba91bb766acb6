/* The front door and the board's measures, checked exactly or against theory: corridor spaces
 * (Erlang C for the cubicles alone when the corridor is unlimited, whatever acute does; Little's
 * law on the corridor from the patient log of the same run), the ambulance handover's own time,
 * left without being seen, and the midnight census's stranded patients and escalation levels
 * and occupancy_p95 on deterministic examples. A scenario without the new keys reports none of
 * the new metrics (its outputs are those of before: tests/golden). */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/flow.h"
#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_frontdoor");
    return 0;
}

static void put(const char *name, const char *text) {
    tf_put(dir, name, text);
}

static void run_opts(struct run *r, const char *text, int rep, const struct flow_opts *o) {
    tf_load(r, dir, text, 0);
    tf_rep(r, rep, o);
}

static void run(struct run *r, const char *text, int rep) {
    run_opts(r, text, rep, NULL);
}

/* Ten cubicles, exponential hours, 8 arrivals an hour, everyone admitted to an acute unit far
 * too small (20 beds, 3-day stays, 192 admissions a day): nearly always full. */
#define EXIT_BLOCK(corridor)                                                                       \
    "[scenario]\nhorizon = 1000d\nwarmup = 5d\n"                                                   \
    "[arrivals a]\nto = ae\nrate = 192/d\n"                                                        \
    "[unit ae]\nkind = ae\ncapacity = 10\nstay = exp(1h)\nnext = acute 1\n"                        \
    "corridor_capacity = " corridor "\n"                                                           \
    "[unit acute]\nkind = acute\ncapacity = 20\nstay = exp(3d)\n"

/* With unlimited corridors the cubicles are an M/M/10 whatever acute does: the wait for a
 * cubicle is Erlang C's, W = C(10, 8) / (10 mu - lambda) = 0.2045 h, inside the 99.9% interval
 * of 10 replications; the cubicles' occupancy is the offered load, 8. Without a corridor the
 * same A&E is exit-blocked: patients wait hours for a cubicle. */
static void erlang_c_for_the_cubicles_when_corridors_are_unlimited(void **s) {
    (void)s;
    enum { N = 10 };
    double w[N], occ[N], sum = 0, ss = 0, osum = 0;
    for (int k = 0; k < N; k++) {
        struct run r;
        run(&r, EXIT_BLOCK("inf"), k);
        w[k] = tf_get(&r, "ae", "wait_mean");
        occ[k] = tf_get(&r, "ae", "occupancy");
        assert_true(tf_get(&r, "acute", "occupancy_pct") > 99);     /* nearly always full */
        assert_true(tf_get(&r, "ae", "corridor_occupancy") > 1000); /* the whole exit block */
        assert_true(tf_get(&r, "ae", "corridor_hours") > 23.9);
        sum += w[k], osum += occ[k];
        tf_done(&r);
    }
    double mean = sum / N;
    for (int k = 0; k < N; k++) ss += (w[k] - mean) * (w[k] - mean);
    double half = gsl_cdf_tdist_Pinv(0.9995, N - 1) * sqrt(ss / (N - 1)) / sqrt(N);
    double theory = tu_erlang_c(10, 8) / (10 - 8) / 24; /* days */
    print_message("cubicle wait %.6g +- %.3g d (99.9%%), Erlang C %.6g d; occupancy %.4g\n", mean,
                  half, theory, osum / N);
    assert_close(mean, theory, half);
    assert_close(osum / N, 8, 0.2);
    struct run b;
    run(&b, EXIT_BLOCK("0"), 0);
    assert_true(tf_get(&b, "ae", "wait_mean") > 1);                /* days: the door is blocked */
    assert_int_equal(tf_slot(&b, "ae", "corridor_occupancy"), -1); /* no corridor, no metric */
    tf_done(&b);
}

/* The patient log's corridor rows, summed over the run. */
struct corridor_log {
    double area, n, horizon;
    double cubicle_area; /* the A&E place-days: [start, corridor or leave) */
    int ae;
};

static void take_visit(void *ctx, const struct flow_visit *v) {
    struct corridor_log *c = ctx;
    if (v->unit != c->ae || v->queue) return;
    double end = isnan(v->leave) ? c->horizon : v->leave;
    c->cubicle_area += (isnan(v->corridor) ? end : v->corridor) - v->start;
    if (isnan(v->corridor)) return;
    c->n++;
    c->area += end - v->corridor;
}

/* Arrivals stop on day 100 and everyone has left long before day 400, with a corridor of 3
 * spaces that fills: Little's law on the corridor is exact over the run (warm-up 0),
 * corridor_occupancy = (entries / T) x mean corridor time, both from the same run's log; and
 * the A&E's occupancy counts cubicles only. */
static void littles_law_on_the_corridor(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-04-16,0\n");
    const char *text = "[scenario]\nhorizon = 400d\nstart = 2025-01-06\n"
                       "[arrivals a]\nto = ae\nrate = 100/d\nby_date = stop.csv\n"
                       "[unit ae]\nkind = ae\ncapacity = 6\nstay = exp(1h)\n"
                       "next = acute 0.5, exit 0.5\ncorridor_capacity = 3\n"
                       "[unit acute]\nkind = acute\ncapacity = 48\nstay = exp(1d)\n";
    struct corridor_log c = {.horizon = 400};
    struct flow_opts o = {.visit = take_visit, .visit_ctx = &c};
    struct run r;
    char path[4096], err[2048];
    snprintf(path, sizeof path, "%s/s.ini", dir);
    tu_write(path, text);
    struct scenario *sc = scenario_load(path, NULL, 0, err, sizeof err);
    if (!sc) fail_msg("%s", err);
    c.ae = scenario_unit_index(sc, "ae");
    scenario_free(sc);
    run_opts(&r, text, 0, &o);
    double T = 400, L = tf_get(&r, "ae", "corridor_occupancy");
    print_message("corridor: %.0f entries, mean %.6g d, L %.6g, lambda W %.6g\n", c.n, c.area / c.n,
                  L, c.n / T * (c.area / c.n));
    assert_true(c.n > 100);
    assert_close(L, c.n / T * (c.area / c.n), 1e-9 * L);
    assert_close(tf_get(&r, "ae", "occupancy"), c.cubicle_area / T, 1e-9 * c.cubicle_area / T);
    assert_true(tf_get(&r, "ae", "corridor_hours") > 0 && tf_get(&r, "ae", "corridor_hours") < 24);
    tf_done(&r);
}

/* An ambulance handover takes handover_time once a cubicle is free (none is ever short here):
 * handover_mean is that time exactly, the 30/45/60-minute counts follow it, and the A&E stay
 * begins after it. */
static void handover_takes_its_own_time(void **s) {
    (void)s;
    static const struct {
        const char *h;
        double mean_min, over30, over45, over60;
    } rows[] = {
        {"fixed(20m)", 20, 0, 0, 0}, {"fixed(50m)", 50, 1, 1, 0}, {"fixed(90m)", 90, 1, 1, 1}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[scenario]\nhorizon = 30d\n"
                 "[arrivals a]\nto = ae\nrate = 50/d\nambulance = 1\n"
                 "[unit ae]\nkind = ae\nstay = fixed(2h)\nhandover_time = %s\n",
                 rows[i].h);
        struct run r;
        run(&r, text, 0);
        double n = tf_get(&r, "ae", "handovers");
        assert_close(tf_get(&r, "ae", "handover_mean"), rows[i].mean_min / 1440, 1e-9);
        assert_close(tf_get(&r, "ae", "handovers_30m"), rows[i].over30 * n, 1e-9);
        assert_close(tf_get(&r, "ae", "handovers_45m"), rows[i].over45 * n, 1e-9);
        assert_close(tf_get(&r, "ae", "handovers_60m"), rows[i].over60 * n, 1e-9);
        assert_close(tf_get(&r, "ae", "los_mean"), (120 + rows[i].mean_min) / 1440, 1e-9);
        tf_done(&r);
    }
}

/* Left without being seen: NHS ECDS's share of attendances; an A&E with no cubicles loses
 * every attendance to its patience. */
static void left_without_being_seen(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 30d\nboard_measures = yes\n"
                       "[arrivals a]\nto = ae\nrate = 50/d\n"
                       "[unit ae]\nkind = ae\ncapacity = %s\nstay = exp(2h)\npatience = exp(3h)\n";
    char t[1024];
    snprintf(t, sizeof t, text, "0");
    struct run r;
    run(&r, t, 0);
    assert_close(tf_get(&r, "ae", "lwbs_pct"), 100, 1e-9);
    tf_done(&r);
    snprintf(t, sizeof t, text, "5");
    run(&r, t, 0);
    double l = tf_get(&r, "ae", "lwbs_pct");
    assert_true(l > 1 && l < 60);
    tf_done(&r);
}

/* A patients file of a fixed-stay ward: each patient's rest of stay is exact, so the occupancy
 * step function, the midnight census and the percentiles are known. */
#define WARD(horizon, stay, extra)                                                                 \
    "[scenario]\nhorizon = " horizon "\npatients = today.csv\nboard_measures = yes\n"              \
    "[arrivals a]\nto = elsewhere\nrate = 1/d\n"                                                   \
    "[unit elsewhere]\nstay = fixed(1h)\n"                                                         \
    "[unit ward]\nkind = acute\ncapacity = 10\nstay = " stay "\n" extra

/* Ten patients in 10 places, 0.5 to 9.5 days into a 10-day stay: occupancy 10 for half a day,
 * then 9, 8, ..., 1 for a day each, then 0 for the last 15.5 of the 25 days. The time at k or
 * fewer is (15.5 + k) / 25 for k < 10: 0.94 at 8, 0.98 at 9, so the 95th percentile is 9;
 * day 0's is 10 (half at 10, half at 9), day 3's 7. The midnight census m = 1..25 finds 10 - m
 * (then 0): at or above 0.5 of the places 5 times, 0.75 twice, 0.95 never; 45 of 250 beds
 * occupied over the censuses. */
static void occupancy_p95_and_escalation_levels_exact(void **s) {
    (void)s;
    put("today.csv", "unit,group,admitted\nward,,0.5d\nward,,1.5d\nward,,2.5d\nward,,3.5d\n"
                     "ward,,4.5d\nward,,5.5d\nward,,6.5d\nward,,7.5d\nward,,8.5d\nward,,9.5d\n");
    struct run r;
    run(&r, WARD("25d", "fixed(10d)", "escalation_levels = 0.5, 0.75, 0.95\n"), 0);
    assert_close(tf_get(&r, "ward", "occupancy"), (0.5 * 10 + 45) / 25.0, 1e-9);
    assert_close(tf_get(&r, "ward", "occupancy_p95"), 9, 0);
    assert_close(tf_at(&r, 0, "ward", "occupancy_p95"), 10, 0);
    assert_close(tf_at(&r, 3, "ward", "occupancy_p95"), 7, 0);
    assert_close(tf_at(&r, 20, "ward", "occupancy_p95"), 0, 0);
    assert_close(tf_get(&r, "ward", "days_at_level_1"), 5, 0);
    assert_close(tf_get(&r, "ward", "days_at_level_2"), 2, 0);
    assert_close(tf_get(&r, "ward", "days_at_level_3"), 0, 0);
    assert_close(tf_at(&r, 0, "ward", "days_at_level_1"), 1, 0);
    assert_close(tf_at(&r, 5, "ward", "days_at_level_1"), 0, 0);
    /* KH03's overnight occupancy: the censuses' 9 + 8 + ... + 1 = 45 of 25 x 10 beds */
    assert_close(tf_get(&r, "ward", "occupancy_midnight_pct"), 100.0 * 45 / 250, 1e-9);
    assert_close(tf_at(&r, 0, "ward", "occupancy_midnight_pct"), 90, 1e-9);
    assert_close(tf_at(&r, 12, "ward", "occupancy_midnight_pct"), 0, 0);
    tf_done(&r);
}

/* Five patients 0.5, 3.5, 6.5, 13.5 and 20.5 days into 30-day stays: at midnight m their
 * stays have lasted those + m days, so the census finds 7 days or more 3, 3, 3, 4, 4 times
 * over the first five midnights, 14 days or more 2 and 21 days or more 1 each time: the
 * census patients' time before 0 counts. */
static void stranded_patients_exact(void **s) {
    (void)s;
    put("today.csv", "unit,group,admitted\nward,,0.5d\nward,,3.5d\nward,,6.5d\nward,,13.5d\n"
                     "ward,,20.5d\n");
    struct run r;
    run(&r, WARD("25d", "fixed(30d)", ""), 0);
    for (size_t b = 0; b < 5; b++) {
        assert_close(tf_at(&r, b, "ward", "stranded_7d"), b < 3 ? 3 : 4, 0);
        assert_close(tf_at(&r, b, "ward", "stranded_14d"), 2, 0);
        assert_close(tf_at(&r, b, "ward", "stranded_21d"), 1, 0);
    }
    tf_done(&r);
    /* horizon 5d: the summary is the mean over the five censuses */
    run(&r, WARD("5d", "fixed(30d)", ""), 0);
    assert_close(tf_get(&r, "ward", "stranded_7d"), 3.4, 1e-12);
    assert_close(tf_get(&r, "ward", "stranded_14d"), 2, 1e-12);
    assert_close(tf_get(&r, "ward", "stranded_21d"), 1, 1e-12);
    tf_done(&r);
}

/* Without the new keys nothing new is reported: the outputs of before, row for row. */
/* Corridor patients who give up waiting for a bed (patience on the unit they wait for): their
 * delay ends before they leave, and the corridor space (or their place on the list for one)
 * must still be given back. It was not: the corridor's list was corrupted, and the run failed
 * an assertion or looped for ever at one instant. With the invariants on (the test build), the
 * places, the corridor and the patients are checked on every event. */
static void corridor_patients_who_give_up(void **s) {
    (void)s;
    for (int corridor = 1; corridor <= 3; corridor++)
        for (int seed = 1; seed <= 5; seed++) {
            char text[1024];
            snprintf(text, sizeof text,
                     "[scenario]\nhorizon = 30d\nseed = %d\n[arrivals a]\nto = ae\nrate = 3/h\n"
                     "[unit ae]\nkind = ae\ncapacity = 4\nstay = exp(1h)\n"
                     "next = acute 0.5, exit 0.5\ncorridor_capacity = %d\n"
                     "[unit acute]\nkind = acute\ncapacity = 30\nstay = lognormal(1d, 1d)\n"
                     "patience = exp(3h)\n",
                     seed, corridor);
            struct run r;
            run(&r, text, 0);
            double c = tf_get(&r, "ae", "corridor_occupancy");
            assert_true(c > 0 && c <= corridor);
            assert_true(tf_get(&r, "acute", "reneged_pct") > 0);
            tf_done(&r);
        }
}

static void nothing_new_without_the_keys(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 10d\n[arrivals a]\nto = ae\nrate = 50/d\nambulance = 0.5\n"
        "[unit ae]\nkind = ae\ncapacity = 3\nstay = exp(2h)\nnext = acute 0.3, exit 0.7\n"
        "patience = exp(4h)\n"
        "[unit acute]\nkind = acute\ncapacity = 5\nstay = exp(3d)\n",
        0);
    static const char *const fresh[] = {
        "corridor_occupancy", "corridor_hours",  "handovers_45m",   "lwbs_pct",
        "stranded_7d",        "stranded_14d",    "stranded_21d",    "occupancy_p95",
        "days_at_level_1",    "days_at_level_2", "days_at_level_3",
    };
    for (size_t i = 0; i < sizeof fresh / sizeof *fresh; i++) {
        assert_int_equal(tf_slot(&r, "ae", fresh[i]), -1);
        assert_int_equal(tf_slot(&r, "acute", fresh[i]), -1);
    }
    tf_done(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(erlang_c_for_the_cubicles_when_corridors_are_unlimited),
        cmocka_unit_test(littles_law_on_the_corridor),
        cmocka_unit_test(handover_takes_its_own_time),
        cmocka_unit_test(left_without_being_seen),
        cmocka_unit_test(occupancy_p95_and_escalation_levels_exact),
        cmocka_unit_test(stranded_patients_exact),
        cmocka_unit_test(corridor_patients_who_give_up),
        cmocka_unit_test(nothing_new_without_the_keys),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
