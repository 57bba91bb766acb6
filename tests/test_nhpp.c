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
    for (double t = nhpp_next(p, 0, rng_exp(&r, 1)); t < b; t = nhpp_next(p, t, rng_exp(&r, 1)))
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
    for (double t = nhpp_next(&p, 0, rng_exp(&r, 1)); t < 2000;
         t = nhpp_next(&p, t, rng_exp(&r, 1))) {
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
    for (double t = nhpp_next(&p, 0, rng_exp(&r, 1)); t < 700;
         t = nhpp_next(&p, t, rng_exp(&r, 1))) {
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
    assert_true(isinf(nhpp_next(&p, 200, 0.5)));
    assert_true(isinf(nhpp_next(&p, 199.9999, 1e6)));
    nhpp_fini(&p);
}

static void zero_rate_never_arrives(void **s) {
    (void)s;
    struct nhpp p;
    char err[128];
    assert_int_equal(nhpp_init(&p, 0, NULL, 0, NULL, NULL, 0, err, sizeof err), 0);
    assert_true(isinf(nhpp_next(&p, 0, 1)));
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flat_rate),
        cmocka_unit_test(hour_of_week_profile),
        cmocka_unit_test(zero_hours_get_no_arrivals),
        cmocka_unit_test(by_date_steps),
        cmocka_unit_test(zero_rate_never_arrives),
        cmocka_unit_test(rejects_bad_profiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
