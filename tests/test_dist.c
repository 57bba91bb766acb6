/* Every distribution's sample mean and variance against theory (fixed seeds, 5-sigma bounds
 * from the sampling error of each moment), and the parameter checks. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sim/dist.h"
#include "testutil.h"

#define N 300000

/* Sample mean and variance must sit within 5 standard errors of theory. The standard error
 * of the variance uses the sample's fourth central moment. */
static void check_moments(const struct dist *d, double mean, double var) {
    struct rng r;
    rng_seed(&r, 12345, (uint64_t)d->kind);
    double *x = malloc(N * sizeof *x);
    double s = 0;
    for (int i = 0; i < N; i++) {
        x[i] = dist_sample(d, &r);
        assert_true(x[i] >= 0 && isfinite(x[i]));
        s += x[i];
    }
    double m = s / N, m2 = 0, m4 = 0;
    for (int i = 0; i < N; i++) {
        double e = x[i] - m;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    m2 /= N;
    m4 /= N;
    free(x);
    assert_close(dist_mean(d), mean, 1e-9 * (1 + mean));
    assert_close(dist_var(d), var, 1e-9 * (1 + var));
    assert_close(m, mean, 5 * sqrt(var / N) + 1e-12);
    assert_close(m2, var, 5 * sqrt((m4 - m2 * m2) / N) + 1e-12);
}

static void make(struct dist *d, enum dist_kind k, double a, double b, double c) {
    double p[3] = {a, b, c};
    char err[128];
    assert_int_equal(dist_init(d, k, p, err, sizeof err), 0);
}

static void exp_moments(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_EXP, 3, 0, 0);
    check_moments(&d, 3, 9);
}

static void lognormal_by_mean_and_sd(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_LOGNORMAL, 8, 8, 0);
    check_moments(&d, 8, 64);
}

static void gamma_by_mean_and_sd(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_GAMMA, 21, 10, 0);
    check_moments(&d, 21, 100);
    make(&d, DIST_GAMMA, 2, 3, 0); /* shape < 1 takes GSL's other branch */
    check_moments(&d, 2, 9);
}

static void weibull_shape_scale(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_WEIBULL, 1.5, 10, 0);
    double m = 10 * tgamma(1 + 1 / 1.5), v = 100 * tgamma(1 + 2 / 1.5) - m * m;
    check_moments(&d, m, v);
}

static void uniform_triangular_fixed(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_UNIFORM, 2, 6, 0);
    check_moments(&d, 4, 16.0 / 12);
    make(&d, DIST_TRIANGULAR, 1, 2, 7);
    check_moments(&d, 10.0 / 3, (1 + 49 + 4 - 7 - 2 - 14) / 18.0);
    make(&d, DIST_FIXED, 2.5, 0, 0);
    struct rng r;
    rng_seed(&r, 1, 1);
    assert_true(dist_sample(&d, &r) == 2.5);
    assert_true(dist_var(&d) == 0);
}

static void empirical_resamples(void **s) {
    (void)s;
    double v[] = {1, 2, 2, 7};
    struct dist d;
    char err[128];
    assert_int_equal(dist_init_empirical(&d, v, 4, err, sizeof err), 0);
    check_moments(&d, 3, ((4.0 + 1 + 1 + 16) / 4));
    struct dist c;
    dist_copy(&c, &d);
    dist_fini(&d);
    assert_close(dist_mean(&c), 3, 1e-12);
    dist_fini(&c);
}

static void scale_keeps_shape(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_LOGNORMAL, 4, 2, 0);
    dist_scale(&d, 2);
    check_moments(&d, 8, 16);
}

/* The equilibrium residual has mean E[S^2] / (2 E[S]) = (var + mean^2) / (2 mean), and, for
 * the exponential, the exponential's own law. */
static void residual_mean(const struct dist *d) {
    struct rng r;
    rng_seed(&r, 777, (uint64_t)d->kind);
    double m = dist_mean(d), v = dist_var(d), want = (v + m * m) / (2 * m);
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        double x = dist_sample_residual(d, &r);
        assert_true(x >= 0 && isfinite(x));
        s += x;
        s2 += x * x;
    }
    double mean = s / N, sd = sqrt(s2 / N - mean * mean);
    assert_close(mean, want, 5 * sd / sqrt(N));
}

static void equilibrium_residuals(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_EXP, 3, 0, 0);
    residual_mean(&d); /* memoryless: mean 3 */
    make(&d, DIST_LOGNORMAL, 8, 8, 0);
    residual_mean(&d);
    make(&d, DIST_GAMMA, 21, 10, 0);
    residual_mean(&d);
    make(&d, DIST_WEIBULL, 1.5, 10, 0);
    residual_mean(&d);
    make(&d, DIST_UNIFORM, 2, 6, 0);
    residual_mean(&d);
    make(&d, DIST_TRIANGULAR, 1, 2, 7);
    residual_mean(&d);
    make(&d, DIST_FIXED, 4, 0, 0);
    residual_mean(&d); /* uniform on [0, 4): mean 2 */
    double v[] = {1, 2, 2, 7};
    char err[64];
    assert_int_equal(dist_init_empirical(&d, v, 4, err, sizeof err), 0);
    residual_mean(&d);
    dist_fini(&d);
}

/* The median against GSL's inverse CDFs (exact forms), and the gamma's approximation within its
 * stated factor of 1.5, over shapes from 0.05 to 100 (GSL's inverse does not converge below). */
static void medians(void **s) {
    (void)s;
    struct dist d;
    make(&d, DIST_EXP, 2, 0, 0);
    assert_close(dist_median(&d), gsl_cdf_exponential_Pinv(0.5, 2), 1e-12);
    make(&d, DIST_LOGNORMAL, 1, 2, 0);
    double s2 = log(1 + 4.0), mu = -s2 / 2;
    assert_close(dist_median(&d), gsl_cdf_lognormal_Pinv(0.5, mu, sqrt(s2)), 1e-12);
    make(&d, DIST_WEIBULL, 1.7, 3, 0);
    assert_close(dist_median(&d), gsl_cdf_weibull_Pinv(0.5, 3, 1.7), 1e-12);
    make(&d, DIST_FIXED, 4, 0, 0);
    assert_close(dist_median(&d), 4, 0);
    double v[] = {0, 0, 0, 5, 9};
    char err[128];
    assert_int_equal(dist_init_empirical(&d, v, 5, err, sizeof err), 0);
    assert_close(dist_median(&d), 0, 0);
    dist_fini(&d);
    const double shape[] = {0.05, 0.3, 0.9, 1, 2, 10, 100};
    for (size_t i = 0; i < sizeof shape / sizeof *shape; i++) {
        double k = shape[i], mean = 3, sd = mean / sqrt(k);
        make(&d, DIST_GAMMA, mean, sd, 0);
        double want = gsl_cdf_gamma_Pinv(0.5, k, mean / k), got = dist_median(&d);
        if (!(got <= 1.5 * want && got >= want / 1.5))
            fail_msg("gamma shape %g: median %g, GSL %g", k, got, want);
    }
    make(&d, DIST_GAMMA, 1, 1000, 0); /* shape 1e-6: all but certainly 0 */
    assert_true(dist_median(&d) < 1e-100);
    /* Almost always near zero, whatever the mean. */
    make(&d, DIST_WEIBULL, 0.01, 1e-160, 0);
    assert_true(dist_median(&d) < 1e-170 && dist_mean(&d) > 1e-3);
}

static void rejects_bad_parameters(void **s) {
    (void)s;
    struct dist d;
    char err[160];
    double p[3] = {0, 1, 2};
    assert_int_equal(dist_init(&d, DIST_EXP, p, err, sizeof err), -1);
    assert_string_equal(err, "exp(MEAN) needs MEAN > 0");
    p[0] = 5, p[1] = 0;
    assert_int_equal(dist_init(&d, DIST_GAMMA, p, err, sizeof err), -1);
    assert_string_equal(err, "gamma(MEAN, SD) needs MEAN > 0 and SD > 0");
    p[0] = 3, p[1] = 2, p[2] = 5;
    assert_int_equal(dist_init(&d, DIST_TRIANGULAR, p, err, sizeof err), -1);
    p[0] = 4, p[1] = 2;
    assert_int_equal(dist_init(&d, DIST_UNIFORM, p, err, sizeof err), -1);
    double neg[] = {1, -1};
    assert_int_equal(dist_init_empirical(&d, neg, 2, err, sizeof err), -1);
    assert_int_equal(dist_init_empirical(&d, neg, 0, err, sizeof err), -1);
    assert_int_equal(dist_kind_by_name("normal"), -1);
    assert_int_equal(dist_kind_by_name("weibull"), DIST_WEIBULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exp_moments),
        cmocka_unit_test(lognormal_by_mean_and_sd),
        cmocka_unit_test(gamma_by_mean_and_sd),
        cmocka_unit_test(weibull_shape_scale),
        cmocka_unit_test(uniform_triangular_fixed),
        cmocka_unit_test(empirical_resamples),
        cmocka_unit_test(scale_keeps_shape),
        cmocka_unit_test(equilibrium_residuals),
        cmocka_unit_test(medians),
        cmocka_unit_test(rejects_bad_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
