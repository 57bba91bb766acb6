/* Outbreaks closing places (outbreak_rate, outbreak_beds, outbreak_duration, outbreak_by_date):
 * the outbreaks are an M/G/infinity queue of their own, so the mean number of places closed is
 * lambda E[K] E[D] (Little) whatever the ward does; a by_date multiplier scales lambda; the
 * closures never evict, and their own stream leaves every patient's draw in step. */
#include <math.h>
#include <stdio.h>

#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_outbreak");
    /* one outbreak at the start, then none: the rate's multiplier 1 for the first hour only */
    tf_put(dir, "once.csv", "date,multiplier\n2025-01-06,1\n2025-01-07,0\n");
    return 0;
}

static void over_reps(const char *text, int n, const char *metric, double *mean, double *half) {
    tf_mean_over_reps(dir, text, 0, n, "ward", metric, mean, half);
}

/* One outbreak a month closing 6 places for an exponential 4 days: 0.8 places closed. With
 * sizes uniform on 2..10 (rounded: mean 6) and lognormal lengths, the same. */
#define WARD(extra)                                                                                \
    "[scenario]\nhorizon = 4000d\nwarmup = 50d\n"                                                  \
    "[arrivals a]\nto = ward\nrate = 10/d\n"                                                       \
    "[unit ward]\ncapacity = 60\nstay = exp(3d)\noutbreak_rate = 12/y\n" extra

static void places_closed_are_lambda_k_d(void **s) {
    (void)s;
    const double lambda = 12 / 365.25;
    struct {
        const char *extra;
        double want;
    } cases[] = {
        {"outbreak_beds = fixed(6)\noutbreak_duration = exp(4d)\n", lambda * 6 * 4},
        {"outbreak_beds = uniform(1.5, 10.5)\noutbreak_duration = lognormal(5d, 4d)\n",
         lambda * 6 * 5},
    };
    for (size_t i = 0; i < 2; i++) {
        char text[1024];
        snprintf(text, sizeof text, WARD("%s"), cases[i].extra);
        double mean, half;
        over_reps(text, 8, "beds_closed_outbreak", &mean, &half);
        print_message("places closed %.4f +- %.4f (99.9%%), lambda E[K] E[D] %.4f\n", mean, half,
                      cases[i].want);
        assert_close(mean, cases[i].want, half);
    }
}

/* outbreak_by_date: a multiplier of 2 from before the start doubles the rate. */
static void a_by_date_multiplier_scales_the_rate(void **s) {
    (void)s;
    tf_put(dir, "twice.csv", "date,multiplier\n2020-01-01,2\n");
    double mean, half;
    over_reps(WARD("outbreak_beds = fixed(6)\noutbreak_duration = exp(4d)\n"
                   "outbreak_by_date = twice.csv\n"),
              8, "beds_closed_outbreak", &mean, &half);
    double want = 2 * 12 / 365.25 * 24;
    print_message("doubled: %.4f +- %.4f, want %.4f\n", mean, half, want);
    assert_close(mean, want, half);
}

/* Closing all 10 places of a full ward for long spells: nobody is evicted (occupancy may stay
 * above the places open until patients leave), the ward waits longer, and the same patients
 * arrive as without outbreaks (their own stream). */
static void closures_never_evict_and_move_no_draw(void **s) {
    (void)s;
    const char *base = "[scenario]\nhorizon = 400d\nwarmup = 20d\n"
                       "[arrivals a]\nto = ward\nrate = 2/d\n"
                       "[unit ward]\ncapacity = 10\nstay = exp(3d)\n";
    char with[1024];
    snprintf(with, sizeof with,
             "%soutbreak_rate = 1/w\noutbreak_beds = fixed(10)\noutbreak_duration = fixed(2d)\n",
             base);
    struct run a, b;
    tf_load(&a, dir, base, 0);
    tf_load(&b, dir, with, 0);
    tf_rep(&a, 0, NULL);
    tf_rep(&b, 0, NULL);
    assert_close(tf_get(&b, "", "arrivals"), tf_get(&a, "", "arrivals"), 0);
    print_message("wait %.4f d without, %.4f with; closed %.3f\n", tf_get(&a, "ward", "wait_mean"),
                  tf_get(&b, "ward", "wait_mean"), tf_get(&b, "ward", "beds_closed_outbreak"));
    assert_true(tf_get(&b, "ward", "wait_mean") > 3 * tf_get(&a, "ward", "wait_mean"));
    assert_true(tf_get(&b, "ward", "beds_closed_outbreak") > 1.5);     /* about 10 x 2 / 7 */
    assert_int_equal(tf_slot(&a, "ward", "beds_closed_outbreak"), -1); /* none, no metric */
    tf_done(&a);
    tf_done(&b);
}

/* Surge escalates on the places open: a ward of 20 with 10 closed by a long outbreak on its
 * first day (outbreaks at 1 a day that day only: this replication's stream draws one), 15 a
 * day of 1-day stays, is full on its 10 open places, so its 10 surge places open (they did
 * not, judged against the 20 scheduled). */
static void surge_counts_the_places_open(void **s) {
    (void)s;
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nstart = 2025-01-06\nhorizon = 200d\nwarmup = 50d\n"
            "[arrivals a]\nto = ward\nrate = 15/d\n"
            "[unit ward]\ncapacity = 20\nstay = exp(1d)\nsurge_capacity = 10\n"
            "outbreak_rate = 1/d\noutbreak_beds = fixed(10)\noutbreak_duration = fixed(1000d)\n"
            "outbreak_by_date = once.csv\n",
            0);
    int found = 0;
    for (int k = 0; k < 20 && !found; k++) { /* a replication whose first day drew one */
        tf_rep(&r, k, NULL);
        double closed = tf_get(&r, "ward", "beds_closed_outbreak");
        if (fabs(closed - 10) > 1e-9) continue;
        found = 1;
        print_message("replication %d: surge hours %.2f a day with 10 of 20 places closed\n", k,
                      tf_get(&r, "ward", "surge_hours"));
        assert_true(tf_get(&r, "ward", "surge_hours") > 12);
    }
    assert_true(found);
    tf_done(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(places_closed_are_lambda_k_d),
        cmocka_unit_test(a_by_date_multiplier_scales_the_rate),
        cmocka_unit_test(closures_never_evict_and_move_no_draw),
        cmocka_unit_test(surge_counts_the_places_open),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
