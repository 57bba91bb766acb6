/* The minimiser finds a known minimum inside its box, and respects the box. */
#include <math.h>

#include "sim/calibrate.h"
#include "testutil.h"

static double bowl(void *ctx, const double *x) {
    (void)ctx;
    return (x[0] - 3) * (x[0] - 3) + 10 * (x[1] + 1) * (x[1] + 1);
}

static double slope(void *ctx, const double *x) {
    int *calls = ctx;
    (*calls)++;
    return x[0]; /* the minimum is at the lower bound */
}

static void finds_the_minimum(void **s) {
    (void)s;
    double low[] = {0, -5}, high[] = {10, 5}, start[] = {8, 4}, best[2], f;
    struct calib_job job = {2, low, high, start, bowl, NULL, 500, 1e-8};
    int evals = calib_minimise(&job, best, &f);
    assert_true(evals > 10 && evals <= 500);
    assert_close(best[0], 3, 1e-3);
    assert_close(best[1], -1, 1e-3);
    assert_close(f, 0, 1e-5);
}

static void stays_in_the_box(void **s) {
    (void)s;
    int calls = 0;
    double low[] = {2}, high[] = {4}, start[] = {3}, best[1], f;
    struct calib_job job = {1, low, high, start, slope, &calls, 60, 1e-12};
    int evals = calib_minimise(&job, best, &f);
    assert_int_equal(evals, calls);
    assert_true(evals <= 61);
    assert_true(best[0] >= 2 && best[0] < 2.01);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_minimum),
        cmocka_unit_test(stays_in_the_box),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
