/* Maximum-likelihood fits recover the parameters of samples drawn from known distributions,
 * and AIC picks the family they came from. */
#include <math.h>
#include <stdlib.h>

#include "sim/fit.h"
#include "testutil.h"

#define N 20000

static void sample(enum dist_kind k, double a, double b, double *x) {
    struct dist d;
    double p[3] = {a, b, 0};
    char err[128];
    assert_int_equal(dist_init(&d, k, p, err, sizeof err), 0);
    struct rng r;
    rng_seed(&r, 2718, (uint64_t)k);
    for (int i = 0; i < N; i++) x[i] = dist_sample(&d, &r);
}

static void recovers(enum dist_kind k, double a, double b, double tol_a, double tol_b) {
    double *x = malloc(N * sizeof *x);
    sample(k, a, b, x);
    struct fit_result f[4];
    char err[128];
    int best = fit_all(x, N, f, err, sizeof err);
    free(x);
    assert_true(best >= 0);
    assert_int_equal(f[best].kind, k); /* AIC picks the true family */
    assert_close(f[best].p[0], a, tol_a);
    if (k != DIST_EXP) assert_close(f[best].p[1], b, tol_b);
    for (int i = 0; i < 4; i++) assert_true(!f[i].ok || f[i].aic >= f[best].aic);
}

static void exponential(void **s) {
    (void)s;
    recovers(DIST_EXP, 3, 0, 5 * 3 / sqrt(N), 0);
}

static void lognormal_by_mean_and_sd(void **s) {
    (void)s;
    recovers(DIST_LOGNORMAL, 8, 8, 0.3, 0.6);
}

static void gamma_by_mean_and_sd(void **s) {
    (void)s;
    recovers(DIST_GAMMA, 21, 10, 0.4, 0.3);
}

static void weibull_shape_and_scale(void **s) {
    (void)s;
    recovers(DIST_WEIBULL, 1.7, 12, 0.05, 0.3);
}

static void loglik_matches_the_densities(void **s) {
    (void)s;
    double x[] = {1.5, 2, 4, 7.5, 3};
    struct fit_result f[4];
    char err[64];
    assert_true(fit_all(x, 5, f, err, sizeof err) >= 0);
    /* The exponential's log-likelihood at its MLE, summed directly. */
    double m = (1.5 + 2 + 4 + 7.5 + 3) / 5, ll = 0;
    for (int i = 0; i < 5; i++) ll += -log(m) - x[i] / m;
    assert_close(f[0].loglik, ll, 1e-9);
    assert_close(f[0].aic, 2 - 2 * ll, 1e-9);
}

static void rejects_bad_samples(void **s) {
    (void)s;
    double x[] = {1, 0, 2};
    struct fit_result f[4];
    char err[128];
    assert_int_equal(fit_all(x, 3, f, err, sizeof err), -1);
    assert_string_equal(err, "observation 2 is 0: every stay must be a number > 0");
    assert_int_equal(fit_all(x, 1, f, err, sizeof err), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exponential),
        cmocka_unit_test(lognormal_by_mean_and_sd),
        cmocka_unit_test(gamma_by_mean_and_sd),
        cmocka_unit_test(weibull_shape_and_scale),
        cmocka_unit_test(loglik_matches_the_densities),
        cmocka_unit_test(rejects_bad_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
