/* The --precision stopping rule (sim/precision.c): intervals against hand-computed Student-t
 * values, and the edge cases (one replication, a mean of 0, constant values, undefined ones). */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "sim/precision.h"
#include "sim/stats.h"
#include "testutil.h"

/* The accumulator a run keeps of a metric's values, NaNs (undefined in a replication) not
 * added, as output/results.c adds them. */
static struct welford acc_of(const double *x, size_t n, size_t stride) {
    struct welford w;
    welford_init(&w);
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i * stride])) welford_add(&w, x[i * stride]);
    return w;
}

static struct prec_stat stat_of(const double *x, size_t n) {
    struct welford w = acc_of(x, n, 1);
    return prec_stat_of(&w);
}

/* 1, 2, 3, 4, 5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445105 (any t table), so the
 * half-width is 2.776445105 * sqrt(2.5) / sqrt(5) = 2.776445105 / sqrt(2) = 1.963243. */
static void half_width_is_the_student_t_interval(void **s) {
    (void)s;
    double x[] = {1, 2, 3, 4, 5};
    struct prec_stat p = stat_of(x, 5);
    assert_int_equal(p.n, 5);
    assert_close(p.mean, 3, 1e-15);
    assert_close(p.half, 1.963243, 1e-6);
    assert_close(p.half, gsl_cdf_tdist_Pinv(0.975, 4) * sqrt(2.5) / sqrt(5), 1e-12);
    assert_close(prec_percent(&p), 100 * 1.963243 / 3, 1e-4);
    /* Within 66% of the mean (1.98), not within 65% (1.95). */
    assert_true(prec_within(&p, 0.66));
    assert_false(prec_within(&p, 0.65));
    /* Two values 10 and 12: s = sqrt(2), t(0.975, 1) = 12.7062047, half = 12.7062047. */
    double y[] = {10, 12};
    p = stat_of(y, 2);
    assert_close(p.mean, 11, 1e-15);
    assert_close(p.half, 12.7062047, 1e-6);
    assert_false(prec_within(&p, 1.15)); /* 12.65 */
    assert_true(prec_within(&p, 1.16));  /* 12.76 */
}

/* The whole Student-t half-width, (hi - lo) / 2 of stats_ci95, to the last bit; not the interval
 * summary.csv shows, which is cut at the metric's range: here [0, 0.5] cuts it, and the rule
 * still asks for the whole width. */
static void half_width_is_the_whole_student_t_interval(void **s) {
    (void)s;
    double x[] = {0.1, 0.7, 0.2, 0.9, 0.35, 0.6};
    struct welford w;
    welford_init(&w);
    for (int i = 0; i < 6; i++) welford_add(&w, x[i]);
    double lo, hi;
    assert_int_equal(stats_ci95(&w, &lo, &hi), 0);
    struct prec_stat a = prec_stat_of(&w);
    assert_true(a.half == (hi - lo) / 2);
    assert_true(a.mean == w.mean && a.n == 6);
    double blo, bhi;
    assert_int_equal(stats_ci95_bounded(&w, 0, 0.5, &blo, &bhi), 0);
    assert_true(bhi == 0.5 && bhi < hi);
    assert_true(a.half > (bhi - blo) / 2);
}

static void one_replication_is_never_enough(void **s) {
    (void)s;
    double x[] = {42};
    struct prec_stat p = stat_of(x, 1);
    assert_int_equal(p.n, 1);
    assert_true(isinf(p.half));
    assert_false(prec_within(&p, 0.99));
    /* No values at all: none either. */
    p = stat_of(x, 0);
    assert_int_equal(p.n, 0);
    assert_false(prec_within(&p, 0.99));
}

static void mean_zero_holds_only_when_every_value_is_zero(void **s) {
    (void)s;
    double spread[] = {-1, 1, -2, 2};
    struct prec_stat p = stat_of(spread, 4);
    assert_close(p.mean, 0, 0);
    assert_true(p.half > 0);
    assert_false(prec_within(&p, 0.99));
    assert_true(isinf(prec_percent(&p)));
    double zeros[] = {0, 0, 0};
    p = stat_of(zeros, 3);
    assert_true(p.half == 0);
    assert_true(prec_within(&p, 1e-9));
}

static void constant_values_are_precise_at_once(void **s) {
    (void)s;
    double x[] = {7.25, 7.25, 7.25, 7.25};
    struct prec_stat p = stat_of(x, 4);
    assert_true(p.mean == 7.25 && p.half == 0);
    assert_true(prec_within(&p, 1e-12));
}

/* Values a replication leaves undefined never reach the accumulator (results.c skips them):
 * the interval is of the values there are, and with none there is none. */
static void undefined_values_are_skipped(void **s) {
    (void)s;
    double x[] = {1, NAN, 2, 3, NAN, 4, 5};
    struct prec_stat p = stat_of(x, 7);
    assert_int_equal(p.n, 5);
    assert_close(p.half, 1.963243, 1e-6);
    double none[] = {NAN, NAN, NAN};
    p = stat_of(none, 3);
    assert_int_equal(p.n, 0);
    assert_false(prec_within(&p, 0.5));
}

/* Three quantities over five replications, row by row: the first that is short is named. */
static void first_short_quantity_of_several(void **s) {
    (void)s;
    double v[] = {
        /* a constant, 1..5, and 1, 9, 1, 9, 5 (mean 5, s = 4) */
        5, 1, 1, 5, 2, 9, 5, 3, 1, 5, 4, 9, 5, 5, 5,
    };
    struct welford w[3], none[3];
    for (size_t j = 0; j < 3; j++) w[j] = acc_of(v + j, 5, 3), none[j] = acc_of(v + j, 0, 3);
    struct prec_stat p = {0};
    assert_int_equal(prec_first_short(w, 3, 0.65, &p), 1);
    assert_close(p.mean, 3, 1e-15);
    assert_close(p.half, 1.963243, 1e-6);
    /* The third's half-width is 2.776445105 * 4 / sqrt(5) = 4.966656, 99.33% of its mean: at
     * 70% the second passes and the third is short; at 100% every one passes. */
    assert_int_equal(prec_first_short(w, 3, 0.70, &p), 2);
    assert_close(p.half, 4.966656, 1e-6);
    assert_close(prec_percent(&p), 99.3331, 1e-3);
    assert_int_equal(prec_first_short(w, 3, 1.0, NULL), -1);
    assert_int_equal(prec_first_short(none, 3, 0.5, NULL), 0); /* no replications */
    assert_int_equal(prec_first_short(w, 0, 0.5, NULL), -1);   /* no quantities */
}

static void batches_stop_at_the_cap(void **s) {
    (void)s;
    assert_int_equal(prec_next_batch(0, 5, 20), 5);
    assert_int_equal(prec_next_batch(15, 5, 20), 5);
    assert_int_equal(prec_next_batch(18, 5, 20), 2);
    assert_int_equal(prec_next_batch(20, 5, 20), 0);
    assert_int_equal(prec_next_batch(25, 5, 20), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(half_width_is_the_student_t_interval),
        cmocka_unit_test(half_width_is_the_whole_student_t_interval),
        cmocka_unit_test(one_replication_is_never_enough),
        cmocka_unit_test(mean_zero_holds_only_when_every_value_is_zero),
        cmocka_unit_test(constant_values_are_precise_at_once),
        cmocka_unit_test(undefined_values_are_skipped),
        cmocka_unit_test(first_short_quantity_of_several),
        cmocka_unit_test(batches_stop_at_the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
