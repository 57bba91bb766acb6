#include "fit.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdio.h>

struct moments {
    size_t n;
    double mean, mean_log, var_log;
};

static double aic(double loglik, int params) {
    return 2.0 * params - 2.0 * loglik;
}

static void fit_exp(const double *x, const struct moments *m, struct fit_result *r) {
    (void)x;
    double n = (double)m->n, mu = m->mean;
    r->kind = DIST_EXP;
    r->p[0] = mu;
    r->loglik = -n * log(mu) - n; /* sum x / mu = n */
    r->aic = aic(r->loglik, 1);
    r->ok = 1;
}

static void fit_lognormal(const double *x, const struct moments *m, struct fit_result *r) {
    (void)x;
    double n = (double)m->n, mu = m->mean_log, s2 = m->var_log; /* MLE: n denominator */
    r->kind = DIST_LOGNORMAL;
    r->ok = s2 > 0;
    if (!r->ok) return;
    r->p[0] = exp(mu + s2 / 2);
    r->p[1] = r->p[0] * sqrt(expm1(s2));
    /* sum of -ln x - ln s - ln(2 pi)/2 - (ln x - mu)^2 / (2 s^2); the last sums to n/2 */
    r->loglik = -n * mu - n * log(sqrt(s2)) - n * 0.5 * log(2 * M_PI) - n / 2;
    r->aic = aic(r->loglik, 2);
}

/* Gamma: the shape k solves ln k - psi(k) = ln(mean) - mean(ln x); Newton from the usual
 * closed-form start (Minka 2002) converges in a few steps. */
static void fit_gamma(const double *x, const struct moments *m, struct fit_result *r) {
    (void)x;
    double n = (double)m->n, s = log(m->mean) - m->mean_log;
    r->kind = DIST_GAMMA;
    r->ok = s > 0;
    if (!r->ok) return;
    double k = (3 - s + sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
    for (int i = 0; i < 100; i++) {
        double f = log(k) - gsl_sf_psi(k) - s, df = 1 / k - gsl_sf_psi_1(k);
        double next = k - f / df;
        if (!(next > 0)) next = k / 2;
        if (fabs(next - k) < 1e-12 * k) {
            k = next;
            break;
        }
        k = next;
    }
    double theta = m->mean / k;
    r->p[0] = k * theta;
    r->p[1] = sqrt(k) * theta;
    r->loglik = (k - 1) * n * m->mean_log - n * m->mean / theta - n * gsl_sf_lngamma(k) -
                n * k * log(theta);
    r->aic = aic(r->loglik, 2);
}

struct weib {
    const double *x;
    size_t n;
    double mean_log;
};

/* The Weibull shape k solves sum x^k ln x / sum x^k - 1/k - mean(ln x) = 0. */
static double weibull_eq(double k, void *params) {
    const struct weib *w = params;
    double a = 0, b = 0;
    for (size_t i = 0; i < w->n; i++) {
        double xk = pow(w->x[i], k), lx = log(w->x[i]);
        a += xk * lx;
        b += xk;
    }
    return a / b - 1 / k - w->mean_log;
}

static void fit_weibull(const double *x, const struct moments *m, struct fit_result *r) {
    struct weib w = {x, m->n, m->mean_log};
    r->kind = DIST_WEIBULL;
    r->ok = 0;
    gsl_function F = {weibull_eq, &w};
    double lo = 0.02, hi = 50;
    if (weibull_eq(lo, &w) * weibull_eq(hi, &w) > 0) return;
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    gsl_root_fsolver_set(s, &F, lo, hi);
    double k = NAN;
    for (int i = 0; i < 200; i++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS) break;
        k = gsl_root_fsolver_root(s);
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, b, 0, 1e-12) == GSL_SUCCESS) break;
    }
    gsl_root_fsolver_free(s);
    if (!(k > 0)) return;
    double sum = 0;
    for (size_t i = 0; i < m->n; i++) sum += pow(x[i], k);
    double n = (double)m->n, lambda = pow(sum / n, 1 / k);
    r->p[0] = k;
    r->p[1] = lambda;
    /* sum of ln k - ln l + (k-1) ln(x/l) - (x/l)^k; the last sums to n */
    r->loglik = n * log(k) - n * log(lambda) + (k - 1) * (n * m->mean_log - n * log(lambda)) - n;
    r->aic = aic(r->loglik, 2);
    r->ok = 1;
}

int fit_all(const double *x, size_t n, struct fit_result out[4], char *err, size_t errlen) {
    if (n < 2) {
        snprintf(err, errlen, "need at least 2 observations, got %zu", n);
        return -1;
    }
    struct moments m = {.n = n};
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0) || !isfinite(x[i])) {
            snprintf(err, errlen, "observation %zu is %g: every stay must be a number > 0", i + 1,
                     x[i]);
            return -1;
        }
        m.mean += x[i] / (double)n;
        m.mean_log += log(x[i]) / (double)n;
    }
    for (size_t i = 0; i < n; i++) m.var_log += pow(log(x[i]) - m.mean_log, 2) / (double)n;
    /* Every GSL call below gets valid arguments (positive shapes, a bracketed root), so GSL's
     * process-wide error handler, which we leave alone, is never reached. */
    fit_exp(x, &m, &out[0]);
    fit_lognormal(x, &m, &out[1]);
    fit_gamma(x, &m, &out[2]);
    fit_weibull(x, &m, &out[3]);
    int best = -1;
    for (int i = 0; i < 4; i++)
        if (out[i].ok && (best < 0 || out[i].aic < out[best].aic)) best = i;
    if (best < 0) snprintf(err, errlen, "no family could be fitted (all observations equal?)");
    return best;
}
