/* Time-weighted averages, Welford against a two-pass computation, t quantiles and intervals. */
#include <math.h>

#include "sim/stats.h"
#include "testutil.h"

static void time_weighted_area(void **s) {
    (void)s;
    struct tw w;
    tw_init(&w, 0, 2);
    tw_set(&w, 1.5, 4);  /* 2 for 1.5 */
    tw_add(&w, 2.0, -1); /* 4 for 0.5 */
    assert_close(tw_area(&w, 4.0), 3 + 2 + 3 * 2, 1e-12);
    tw_reset(&w, 4.0);
    assert_close(tw_area(&w, 5.0), 3, 1e-12);
    assert_close(w.value, 3, 0);
}

static void welford_matches_two_pass(void **s) {
    (void)s;
    double x[] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}; /* a large offset tests stability */
    struct welford w;
    welford_init(&w);
    for (int i = 0; i < 4; i++) welford_add(&w, x[i]);
    assert_close(w.mean, 1e9 + 10, 1e-6);
    assert_close(welford_var(&w), 30, 1e-6);
    struct welford one;
    welford_init(&one);
    welford_add(&one, 5);
    assert_close(welford_var(&one), 0, 0);
}

static void t_quantiles(void **s) {
    (void)s;
    assert_close(stats_t975(1), 12.7062047, 1e-6);
    assert_close(stats_t975(9), 2.26215716, 1e-7);
    assert_close(stats_t975(1e6), 1.95996, 1e-4);
}

static void ci95(void **s) {
    (void)s;
    struct welford w;
    welford_init(&w);
    double lo = -1, hi = -1;
    welford_add(&w, 3);
    assert_int_equal(stats_ci95(&w, &lo, &hi), -1); /* one replication: no interval */
    assert_true(lo == -1 && hi == -1);
    for (int i = 0; i < 9; i++) welford_add(&w, 3 + (i % 2 ? 1 : -1));
    assert_int_equal(stats_ci95(&w, &lo, &hi), 0);
    double h = stats_t975(9) * welford_sd(&w) / sqrt(10);
    assert_close(lo, w.mean - h, 1e-12);
    assert_close(hi, w.mean + h, 1e-12);
}

static void paired_differences(void **s) {
    (void)s;
    double a[] = {10, 12, NAN, 9, 11}, b[] = {11, 13.5, 7, 9.5, 12};
    double m, lo = -1, hi = -1;
    /* Pairs with a missing side are skipped: differences 1, 1.5, 0.5, 1. */
    assert_int_equal(stats_paired(a, b, 5, &m, &lo, &hi), 4);
    assert_close(m, 1, 1e-12);
    double sd = sqrt((0 + 0.25 + 0.25 + 0) / 3);
    assert_close(hi - m, stats_t975(3) * sd / 2, 1e-12);
    assert_close(m - lo, hi - m, 1e-12);
    /* Identical runs: a difference of exactly 0 with a zero-width interval. */
    assert_int_equal(stats_paired(b, b, 5, &m, &lo, &hi), 5);
    assert_true(m == 0 && lo == 0 && hi == 0);
}

/* An interval for a quantity known to lie in a range is cut at its bounds (case bounded-ci:
 * delayed_days [-0.038, 0.356], reneged_pct [99.72, 100.24]); one inside is the t interval. */
static void intervals_cut_at_the_range(void **s) {
    (void)s;
    struct welford w;
    welford_init(&w);
    double lo = -1, hi = -1, tlo, thi;
    welford_add(&w, 0.5);
    assert_int_equal(stats_ci95_bounded(&w, 0, INFINITY, &lo, &hi), -1);
    assert_true(lo == -1 && hi == -1);
    double rare[] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) welford_add(&w, rare[i]); /* mean 0.1, t interval below 0 */
    assert_int_equal(stats_ci95(&w, &tlo, &thi), 0);
    assert_true(tlo < 0);
    assert_int_equal(stats_ci95_bounded(&w, 0, INFINITY, &lo, &hi), 0);
    assert_true(lo == 0 && hi == thi);
    /* A percentage near 100: cut at 100 above, the lower end kept to the last bit. */
    welford_init(&w);
    double pct[] = {100, 100, 99.5, 100, 100};
    for (int i = 0; i < 5; i++) welford_add(&w, pct[i]);
    assert_int_equal(stats_ci95(&w, &tlo, &thi), 0);
    assert_true(thi > 100);
    assert_int_equal(stats_ci95_bounded(&w, 0, 100, &lo, &hi), 0);
    assert_true(lo == tlo && hi == 100);
    /* Inside the range, or unbounded: the Student-t interval, every bit. */
    welford_init(&w);
    for (int i = 0; i < 10; i++) welford_add(&w, 50 + i);
    assert_int_equal(stats_ci95(&w, &tlo, &thi), 0);
    assert_int_equal(stats_ci95_bounded(&w, 0, 100, &lo, &hi), 0);
    assert_true(lo == tlo && hi == thi);
    assert_int_equal(stats_ci95_bounded(&w, -INFINITY, INFINITY, &lo, &hi), 0);
    assert_true(lo == tlo && hi == thi);
    /* Every value at the bound: a zero-width interval at it. */
    welford_init(&w);
    for (int i = 0; i < 3; i++) welford_add(&w, 100);
    assert_int_equal(stats_ci95_bounded(&w, 0, 100, &lo, &hi), 0);
    assert_true(lo == 100 && hi == 100);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_weighted_area), cmocka_unit_test(welford_matches_two_pass),
        cmocka_unit_test(t_quantiles),        cmocka_unit_test(ci95),
        cmocka_unit_test(paired_differences), cmocka_unit_test(intervals_cut_at_the_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
