/* Non-homogeneous Poisson arrivals: counts per period against the integrated rate. */
#include <math.h>

#include "sim/nhpp.h"
#include "sim/rng.h"
#include "testutil.h"

/* Arrivals in [a, b) from a fresh stream. */
static long count(const struct nhpp *p, double a, double b, uint64_t seed) {
    struct rng r;
    rng_seed(&r, seed, 1);
    long n = 0;
    for (double t = nhpp_next(p, 0, rng_exp(&r, 1), b); t < b;
         t = nhpp_next(p, t, rng_exp(&r, 1), b))
        n += t >= a;
    return n;
}

static void flat_rate(void **s) {
    (void)s;
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 100, NULL, 0, NULL, NULL, 0, err, sizeof err), 0);
    long n = count(&p, 0, 1000, 1);
    assert_close((double)n, 100000, 5 * sqrt(100000));
    assert_close(nhpp_rate(&p, 3.3), 100, 1e-12);
    nhpp_fini(&p);
}

static void hour_of_week_profile(void **s) {
    (void)s;
    double how[168];
    for (int h = 0; h < 168; h++) how[h] = h % 24 < 12 ? 3.0 : 1.0; /* busy mornings */
    struct nhpp p;
    char err[128];
    /* Start on a Wednesday (hour 48 of the week): the profile must follow the clock. */
    assert_int_equal(nhpp_init(&p, 48, how, 48, NULL, NULL, 0, err, sizeof err), 0);
    assert_close(nhpp_rate(&p, 0.25), 48 * 1.5, 1e-9); /* normalised: mean of 3 and 1 is 2 */
    assert_close(nhpp_rate(&p, 0.75), 48 * 0.5, 1e-9);
    struct rng r;
    rng_seed(&r, 3, 1);
    long am = 0, pm = 0;
    for (double t = nhpp_next(&p, 0, rng_exp(&r, 1), 2000); t < 2000;
         t = nhpp_next(&p, t, rng_exp(&r, 1), 2000)) {
        if (fmod(t, 1.0) < 0.5)
            am++;
        else
            pm++;
    }
    assert_close((double)am, 2000 * 48 * 0.75, 5 * sqrt(2000 * 48 * 0.75));
    assert_close((double)pm, 2000 * 48 * 0.25, 5 * sqrt(2000 * 48 * 0.25));
    nhpp_fini(&p);
}

static void zero_hours_get_no_arrivals(void **s) {
    (void)s;
    double how[168];
    for (int h = 0; h < 168; h++) how[h] = h < 120 ? 1.0 : 0.0; /* nothing at weekends */
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 10, how, 0, NULL, NULL, 0, err, sizeof err), 0);
    struct rng r;
    rng_seed(&r, 4, 1);
    long n = 0;
    for (double t = nhpp_next(&p, 0, rng_exp(&r, 1), 700); t < 700;
         t = nhpp_next(&p, t, rng_exp(&r, 1), 700)) {
        assert_true(fmod(t, 7.0) < 5.0);
        n++;
    }
    assert_close((double)n, 7000, 5 * sqrt(7000));
    nhpp_fini(&p);
}

static void by_date_steps(void **s) {
    (void)s;
    double st[] = {100, 200}, sm[] = {3, 0};
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 50, NULL, 0, st, sm, 2, err, sizeof err), 0);
    assert_close((double)count(&p, 0, 100, 7), 5000, 5 * sqrt(5000));
    assert_close((double)count(&p, 100, 200, 7), 15000, 5 * sqrt(15000));
    /* A zero multiplier after the last step: no arrival ever again. */
    assert_true(isinf(nhpp_next(&p, 200, 0.5, INFINITY)));
    assert_true(isinf(nhpp_next(&p, 199.9999, 1e6, INFINITY)));
    nhpp_fini(&p);
}

static void zero_rate_never_arrives(void **s) {
    (void)s;
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 0, NULL, 0, NULL, NULL, 0, err, sizeof err), 0);
    assert_true(isinf(nhpp_next(&p, 0, 1, INFINITY)));
}

static void rejects_bad_profiles(void **s) {
    (void)s;
    double how[168] = {0};
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 5, how, 0, NULL, NULL, 0, err, sizeof err), -1);
    assert_string_equal(err, "hour-of-week multipliers must not all be zero");
    double st[] = {5, 5}, sm[] = {1, 2};
    assert_int_equal(nhpp_init(&p, 5, NULL, 0, st, sm, 2, err, sizeof err), -1);
    assert_int_equal(nhpp_init(&p, -1, NULL, 0, NULL, NULL, 0, err, sizeof err), -1);
}

/* The profile of the tiny-rate case (issue 12): each day ramps from 1 to 2. */
static void ramp(double *how) {
    for (int h = 0; h < 168; h++) how[h] = 1 + (h % 24) / 24.0;
}

/* A rate of 1e-9/d with a profile was walked an hour at a time for some 10^12 years: now the
 * sampler stops at the horizon, and without one crosses whole weeks at once. No timing here:
 * a hang fails by ctest's timeout. */
static void a_tiny_rate_with_a_profile_stops_at_the_horizon(void **s) {
    (void)s;
    double how[168];
    ramp(how);
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 1e-9, how, 48, NULL, NULL, 0, err, sizeof err), 0);
    struct rng r;
    rng_seed(&r, 9, 1);
    for (int i = 0; i < 100; i++) assert_true(isinf(nhpp_next(&p, 0, rng_exp(&r, 1), 30)));
    /* With no horizon, the arrival where the integrated rate (1e-9 a day on average over
     * each week) reaches the draw: within a week of 10^9 days. */
    double t = nhpp_next(&p, 0, 1.0, INFINITY);
    assert_close(t, 1e9, 7);
    /* The integral up to it is the draw: the whole weeks are not skipped a week too far. */
    assert_true(nhpp_next(&p, 0, 1.0 - 1e-6, INFINITY) < t);
    nhpp_fini(&p);
}

static void a_tiny_by_date_multiplier_stops_at_the_horizon(void **s) {
    (void)s;
    double st[] = {4}, sm[] = {1e-10};
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 20, NULL, 0, st, sm, 1, err, sizeof err), 0);
    /* Before the step, arrivals as ever; after it, none before the horizon. */
    assert_close(nhpp_next(&p, 0, 1, 30), 1.0 / 20, 1e-12);
    assert_true(isinf(nhpp_next(&p, 3.99, 1, 30)));
    assert_true(isinf(nhpp_next(&p, 5, 0.5, 30)));
    /* No horizon: 1 / (20 x 1e-10) days after the step, found in whole weeks. */
    assert_close(nhpp_next(&p, 4, 1, INFINITY), 4 + 5e8, 7);
    nhpp_fini(&p);
}

/* Other members of the kind: one tiny hour and all the others zero (normalised, it holds
 * the whole week's rate), a multiplier of 1e-300, and daily steps all tiny (no whole week
 * without a step to cross: the horizon bounds the walk). */
static void one_hour_a_week_or_a_multiplier_of_1e_300_also_end(void **s) {
    (void)s;
    double how[168] = {0};
    how[100] = 1e-300;
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 1e-9, how, 0, NULL, NULL, 0, err, sizeof err), 0);
    assert_true(isinf(nhpp_next(&p, 0, 1, 30)));
    double t = nhpp_next(&p, 0, 1, INFINITY);
    assert_close(t, 1e9, 7);
    double hour = fmod(t * 24, 168);
    assert_true(hour >= 100 && hour <= 101); /* in the one hour that has arrivals */
    nhpp_fini(&p);

    double st[] = {0}, sm[] = {1e-300};
    assert_int_equal(nhpp_init(&p, 20, NULL, 0, st, sm, 1, err, sizeof err), 0);
    assert_true(isinf(nhpp_next(&p, 0, 1, 30)));
    assert_true(!(nhpp_next(&p, 0, 1, INFINITY) < 1e297));
    nhpp_fini(&p);

    enum { DAYS = 1000 };
    static double dt[DAYS], dm[DAYS];
    for (int i = 0; i < DAYS; i++) dt[i] = i, dm[i] = 1e-10 * (1 + i % 2);
    assert_int_equal(nhpp_init(&p, 20, NULL, 0, dt, dm, DAYS, err, sizeof err), 0);
    assert_true(isinf(nhpp_next(&p, 0, 1, DAYS)));
    nhpp_fini(&p);
}

/* Arrivals weeks apart are found by crossing whole weeks, then walking the last: the counts
 * and the hours they fall in are those of the rate. */
static void whole_weeks_keep_the_counts_and_the_profile(void **s) {
    (void)s;
    double how[168];
    for (int h = 0; h < 168; h++) how[h] = h % 24 < 12 ? 3.0 : 1.0;
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 0.05, how, 0, NULL, NULL, 0, err, sizeof err), 0);
    struct rng r;
    rng_seed(&r, 11, 1);
    long am = 0, n = 0;
    for (double t = nhpp_next(&p, 0, rng_exp(&r, 1), 4e5); t < 4e5;
         t = nhpp_next(&p, t, rng_exp(&r, 1), 4e5)) {
        am += fmod(t, 1.0) < 0.5;
        n++;
    }
    assert_close((double)n, 2e4, 5 * sqrt(2e4));
    assert_close((double)am, 0.75 * (double)n, 5 * sqrt(0.75 * 0.25 * (double)n));
    nhpp_fini(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flat_rate),
        cmocka_unit_test(hour_of_week_profile),
        cmocka_unit_test(zero_hours_get_no_arrivals),
        cmocka_unit_test(by_date_steps),
        cmocka_unit_test(zero_rate_never_arrives),
        cmocka_unit_test(rejects_bad_profiles),
        cmocka_unit_test(a_tiny_rate_with_a_profile_stops_at_the_horizon),
        cmocka_unit_test(a_tiny_by_date_multiplier_stops_at_the_horizon),
        cmocka_unit_test(one_hour_a_week_or_a_multiplier_of_1e_300_also_end),
        cmocka_unit_test(whole_weeks_keep_the_counts_and_the_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
