#include "dist.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static const char *const names[] = {"exp",     "lognormal",  "gamma", "weibull",
                                    "uniform", "triangular", "fixed", "empirical"};
static const int nparams[] = {1, 2, 2, 2, 2, 3, 1, 0};

int dist_nparams(enum dist_kind kind) {
    return nparams[kind];
}

const char *dist_name(enum dist_kind kind) {
    return names[kind];
}

int dist_kind_by_name(const char *name) {
    for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++)
        if (strcmp(name, names[k]) == 0) return k;
    return -1;
}

static int bad(char *err, size_t errlen, const char *msg) {
    snprintf(err, errlen, "%s", msg);
    return -1;
}

/* Derive the sampler's parameters from the user's; validation lives here so that every
 * way of building a dist (scenario file, --set, calibration) is checked alike. */
static int derive(struct dist *d, char *err, size_t errlen) {
    const double *p = d->p;
    for (int i = 0; i < nparams[d->kind]; i++)
        if (!isfinite(p[i])) return bad(err, errlen, "parameters must be finite numbers");
    switch (d->kind) {
    case DIST_EXP:
        if (!(p[0] > 0)) return bad(err, errlen, "exp(MEAN) needs MEAN > 0");
        break;
    case DIST_LOGNORMAL: {
        if (!(p[0] > 0) || !(p[1] >= 0))
            return bad(err, errlen, "lognormal(MEAN, SD) needs MEAN > 0 and SD >= 0");
        double cv = p[1] / p[0], s2 = log1p(cv * cv);
        d->q[0] = log(p[0]) - s2 / 2; /* mu of the log */
        d->q[1] = sqrt(s2);           /* sigma of the log */
        /* An SD so far beyond the mean leaves no samplable distribution (NaN draws). */
        if (!(cv <= 1e8))
            return bad(err, errlen, "lognormal(MEAN, SD) needs SD at most 10^8 times MEAN");
        break;
    }
    case DIST_GAMMA:
        if (!(p[0] > 0) || !(p[1] > 0))
            return bad(err, errlen, "gamma(MEAN, SD) needs MEAN > 0 and SD > 0");
        d->q[0] = (p[0] / p[1]) * (p[0] / p[1]); /* shape */
        d->q[1] = p[1] * (p[1] / p[0]);          /* scale */
        /* Ratios past these overflow or underflow the sampler's parameters (NaN draws). */
        if (!(d->q[0] >= 1e-6 && d->q[0] <= 1e12) || !isfinite(d->q[1]))
            return bad(err, errlen, "gamma(MEAN, SD) needs SD between 10^-6 and 10^3 times MEAN");
        break;
    case DIST_WEIBULL:
        if (!(p[0] > 0) || !(p[1] > 0))
            return bad(err, errlen, "weibull(SHAPE, SCALE) needs SHAPE > 0 and SCALE > 0");
        /* Its mean, SCALE * Gamma(1 + 1/SHAPE), must be a number (else GSL aborts on it). */
        if (!(p[0] >= 0.01) || !(lgamma(1 + 1 / p[0]) + log(p[1]) < 700))
            return bad(err, errlen, "weibull(SHAPE, SCALE) needs SHAPE >= 0.01 and a finite mean");
        break;
    case DIST_UNIFORM:
        if (!(p[0] >= 0) || !(p[1] >= p[0]))
            return bad(err, errlen, "uniform(MIN, MAX) needs 0 <= MIN <= MAX");
        break;
    case DIST_TRIANGULAR:
        if (!(p[0] >= 0) || !(p[1] >= p[0]) || !(p[2] >= p[1]) || !(p[2] > p[0]))
            return bad(err, errlen,
                       "triangular(MIN, MODE, MAX) needs 0 <= MIN <= MODE <= MAX, MIN < MAX");
        d->q[0] = (p[1] - p[0]) / (p[2] - p[0]); /* F(mode) */
        break;
    case DIST_FIXED:
        if (!(p[0] >= 0)) return bad(err, errlen, "fixed(X) needs X >= 0");
        break;
    case DIST_EMPIRICAL:
        break;
    }
    return 0;
}

int dist_init(struct dist *d, enum dist_kind kind, const double *params, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    d->kind = kind;
    if (kind == DIST_EMPIRICAL) return bad(err, errlen, "empirical needs a sample");
    for (int i = 0; i < nparams[kind]; i++) d->p[i] = params[i];
    return derive(d, err, errlen);
}

int dist_init_empirical(struct dist *d, const double *values, size_t n, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    d->kind = DIST_EMPIRICAL;
    if (n == 0) return bad(err, errlen, "empirical sample is empty");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(values[i]) || values[i] < 0)
            return bad(err, errlen, "empirical values must be finite durations >= 0");
    d->sample = fs_malloc(n * sizeof *d->sample);
    memcpy(d->sample, values, n * sizeof *d->sample);
    d->n = n;
    return 0;
}

void dist_fini(struct dist *d) {
    if (!d) return;
    fs_free(d->sample);
    d->sample = NULL;
    d->n = 0;
}

void dist_copy(struct dist *dst, const struct dist *src) {
    *dst = *src;
    if (src->sample) {
        dst->sample = fs_malloc(src->n * sizeof *src->sample);
        memcpy(dst->sample, src->sample, src->n * sizeof *src->sample);
    }
}

double dist_sample(const struct dist *d, struct rng *r) {
    const double *p = d->p;
    gsl_rng g;
    switch (d->kind) {
    case DIST_EXP:
        return rng_exp(r, p[0]);
    case DIST_LOGNORMAL:
        g = rng_gsl(r);
        return gsl_ran_lognormal(&g, d->q[0], d->q[1]);
    case DIST_GAMMA:
        g = rng_gsl(r);
        return gsl_ran_gamma(&g, d->q[0], d->q[1]);
    case DIST_WEIBULL:
        g = rng_gsl(r);
        return gsl_ran_weibull(&g, p[1], p[0]); /* GSL takes (scale, shape) */
    case DIST_UNIFORM:
        return p[0] + (p[1] - p[0]) * rng_uniform(r);
    case DIST_TRIANGULAR: {
        double u = rng_uniform(r), w = p[2] - p[0];
        if (u < d->q[0]) return p[0] + sqrt(u * w * (p[1] - p[0]));
        return p[2] - sqrt((1 - u) * w * (p[2] - p[1]));
    }
    case DIST_FIXED:
        return p[0];
    case DIST_EMPIRICAL:
        return d->sample[(size_t)(rng_uniform(r) * (double)d->n)];
    }
    FS_UNREACHABLE();
}

/* Length-biased draw: a closed form where the family has one, else exact rejection on a
 * bounded support (accept x with probability x / max). */
static double length_biased(const struct dist *d, struct rng *r) {
    const double *p = d->p;
    gsl_rng g = rng_gsl(r);
    switch (d->kind) {
    case DIST_EXP:
        return gsl_ran_gamma(&g, 2, p[0]);
    case DIST_LOGNORMAL:
        return gsl_ran_lognormal(&g, d->q[0] + d->q[1] * d->q[1], d->q[1]);
    case DIST_GAMMA:
        return gsl_ran_gamma(&g, d->q[0] + 1, d->q[1]);
    case DIST_WEIBULL:
        return p[1] * pow(gsl_ran_gamma(&g, 1 + 1 / p[0], 1), 1 / p[0]);
    case DIST_FIXED:
        return p[0];
    case DIST_UNIFORM:
    case DIST_TRIANGULAR:
    case DIST_EMPIRICAL: {
        double max = d->kind == DIST_UNIFORM ? p[1] : d->kind == DIST_TRIANGULAR ? p[2] : 0;
        if (d->kind == DIST_EMPIRICAL)
            for (size_t i = 0; i < d->n; i++) max = fmax(max, d->sample[i]);
        if (max <= 0) return 0;
        for (;;) {
            double x = dist_sample(d, r);
            if (rng_uniform(r) * max < x) return x;
        }
    }
    }
    FS_UNREACHABLE();
}

double dist_sample_residual(const struct dist *d, struct rng *r) {
    return rng_uniform(r) * length_biased(d, r);
}

double dist_mean(const struct dist *d) {
    const double *p = d->p;
    switch (d->kind) {
    case DIST_EXP:
    case DIST_LOGNORMAL:
    case DIST_GAMMA:
    case DIST_FIXED:
        return p[0];
    case DIST_WEIBULL:
        return p[1] * gsl_sf_gamma(1 + 1 / p[0]);
    case DIST_UNIFORM:
        return (p[0] + p[1]) / 2;
    case DIST_TRIANGULAR:
        return (p[0] + p[1] + p[2]) / 3;
    case DIST_EMPIRICAL: {
        double s = 0;
        for (size_t i = 0; i < d->n; i++) s += d->sample[i];
        return s / (double)d->n;
    }
    }
    FS_UNREACHABLE();
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double dist_median(const struct dist *d) {
    const double *p = d->p;
    switch (d->kind) {
    case DIST_EXP:
        return p[0] * M_LN2;
    case DIST_LOGNORMAL: /* exp(mu) = mean / sqrt(1 + cv^2) */
        return p[0] / sqrt(1 + (p[1] / p[0]) * (p[1] / p[0]));
    case DIST_GAMMA: {
        double k = (p[0] / p[1]) * (p[0] / p[1]), theta = p[1] * p[1] / p[0];
        if (k >= 1) return theta * (k - 1.0 / 3 + 0.02 / k);
        return theta * exp((log(0.5) + lgamma(k + 1)) / k); /* P(X < x) ~ (x/theta)^k / G(k+1) */
    }
    case DIST_WEIBULL:
        return p[1] * pow(M_LN2, 1 / p[0]);
    case DIST_UNIFORM:
        return (p[0] + p[1]) / 2;
    case DIST_TRIANGULAR:
    case DIST_FIXED:
        return d->kind == DIST_FIXED ? p[0] : p[1] > (p[0] + p[2]) / 2 ? dist_mean(d) : p[1];
    case DIST_EMPIRICAL: {
        double *v = fs_malloc(d->n * sizeof *v);
        memcpy(v, d->sample, d->n * sizeof *v);
        qsort(v, d->n, sizeof *v, cmp_double);
        double m = v[(d->n - 1) / 2];
        fs_free(v);
        return m;
    }
    }
    FS_UNREACHABLE();
}

double dist_var(const struct dist *d) {
    const double *p = d->p;
    switch (d->kind) {
    case DIST_EXP:
        return p[0] * p[0];
    case DIST_LOGNORMAL:
    case DIST_GAMMA:
        return p[1] * p[1];
    case DIST_FIXED:
        return 0;
    case DIST_WEIBULL: {
        double g1 = gsl_sf_gamma(1 + 1 / p[0]), g2 = gsl_sf_gamma(1 + 2 / p[0]);
        return p[1] * p[1] * (g2 - g1 * g1);
    }
    case DIST_UNIFORM:
        return (p[1] - p[0]) * (p[1] - p[0]) / 12;
    case DIST_TRIANGULAR: {
        double a = p[0], c = p[1], b = p[2];
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    }
    case DIST_EMPIRICAL: {
        double m = dist_mean(d), s = 0;
        for (size_t i = 0; i < d->n; i++) s += (d->sample[i] - m) * (d->sample[i] - m);
        return s / (double)d->n;
    }
    }
    FS_UNREACHABLE();
}

void dist_scale(struct dist *d, double f) {
    switch (d->kind) {
    case DIST_WEIBULL:
        d->p[1] *= f;
        break;
    case DIST_EMPIRICAL:
        for (size_t i = 0; i < d->n; i++) d->sample[i] *= f;
        break;
    default:
        for (int i = 0; i < nparams[d->kind]; i++) d->p[i] *= f;
    }
    char err[64]; /* never read: scaling a valid distribution cannot fail (the assertion) */
    FS_ASSERT(derive(d, err, sizeof err) == 0);
}
