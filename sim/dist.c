#include "dist.h"

#include <gsl/gsl_cdf.h>
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
        /* sampling squares the width: wider than 1e150 it overflows to a negative draw (the
         * fuzzer's triangular(1, 7, 1e229)) */
        if (!(p[2] - p[0] < 1e150))
            return bad(err, errlen, "triangular(MIN, MODE, MAX) needs MAX - MIN below 1e150");
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

static int cmp_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The sample sorted, with its running sums: a census draws a length-biased value (weights
 * x_i) and a value above an age by binary search on them, O(log n) a patient, where a rescan
 * of the sample per patient cost 10x the rest of the run (issue 14). Recomputed after a
 * scale change. */
static void sort_sample(struct dist *d) {
    if (!d->sorted) d->sorted = fs_malloc(d->n * sizeof *d->sorted);
    if (!d->cum) d->cum = fs_malloc(d->n * sizeof *d->cum);
    memcpy(d->sorted, d->sample, d->n * sizeof *d->sorted);
    qsort(d->sorted, d->n, sizeof *d->sorted, cmp_value);
    double acc = 0;
    for (size_t i = 0; i < d->n; i++) d->cum[i] = acc += d->sorted[i];
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
    sort_sample(d);
    return 0;
}

void dist_fini(struct dist *d) {
    if (!d) return;
    fs_free(d->sample);
    fs_free(d->sorted);
    fs_free(d->cum);
    d->sample = d->sorted = d->cum = NULL;
    d->n = 0;
}

static double *dup_values(const double *v, size_t n) {
    if (!v) return NULL;
    double *w = fs_malloc(n * sizeof *w);
    memcpy(w, v, n * sizeof *w);
    return w;
}

void dist_copy(struct dist *dst, const struct dist *src) {
    *dst = *src;
    dst->sample = dup_values(src->sample, src->n);
    dst->sorted = dup_values(src->sorted, src->n);
    dst->cum = dup_values(src->cum, src->n);
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

/* The first index of the sorted sample above a (n when none). */
static size_t first_above(const struct dist *d, double a) {
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->sorted[mid] > a)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
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
    case DIST_EMPIRICAL: {
        /* value i with probability x_i / sum: the first running sum above a uniform share */
        double total = d->cum[d->n - 1];
        if (!(total > 0)) return 0;
        double x = rng_uniform(r) * total;
        size_t lo = 0, hi = d->n - 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->cum[mid] > x)
                hi = mid;
            else
                lo = mid + 1;
        }
        return d->sorted[lo];
    }
    case DIST_UNIFORM:
    case DIST_TRIANGULAR: {
        double max = d->kind == DIST_UNIFORM ? p[1] : p[2];
        if (max <= 0) return 0;
        for (;;) {
            double x = dist_sample(d, r);
            if (rng_uniform(r) * max < x) return x;
        }
    }
    }
    FS_UNREACHABLE();
}

double dist_sample_length_biased(const struct dist *d, struct rng *r) {
    return length_biased(d, r);
}

double dist_sample_residual(const struct dist *d, struct rng *r) {
    double l = length_biased(d, r);
    return rng_uniform(r) * l;
}

double dist_tail(const struct dist *d, double a) {
    const double *p = d->p;
    if (!(a > 0)) return 1;
    switch (d->kind) {
    case DIST_EXP:
        return exp(-a / p[0]);
    case DIST_LOGNORMAL: /* SD 0 is a fixed stay */
        return d->q[1] > 0 ? gsl_cdf_lognormal_Q(a, d->q[0], d->q[1]) : p[0] > a ? 1 : 0;
    case DIST_GAMMA:
        return gsl_cdf_gamma_Q(a, d->q[0], d->q[1]);
    case DIST_WEIBULL:
        return exp(-pow(a / p[1], p[0]));
    case DIST_UNIFORM:
        return a >= p[1] ? 0 : a <= p[0] ? 1 : (p[1] - a) / (p[1] - p[0]);
    case DIST_TRIANGULAR: {
        double lo = p[0], c = p[1], hi = p[2];
        if (a >= hi) return 0;
        if (a <= lo) return 1;
        if (a <= c) return 1 - (a - lo) * (a - lo) / ((hi - lo) * (c - lo));
        return (hi - a) * (hi - a) / ((hi - lo) * (hi - c));
    }
    case DIST_FIXED:
        return p[0] > a ? 1 : 0;
    case DIST_EMPIRICAL:
        return (double)(d->n - first_above(d, a)) / (double)d->n;
    }
    FS_UNREACHABLE();
}

double dist_sample_after(const struct dist *d, double a, struct rng *r) {
    const double *p = d->p;
    if (!(a > 0)) return dist_sample(d, r);
    double u = rng_uniform(r);
    switch (d->kind) {
    case DIST_EXP: /* memoryless */
        return -p[0] * log1p(-u);
    case DIST_LOGNORMAL:
    case DIST_GAMMA: {
        /* inversion on the upper tail, kept in Q so that a far tail does not round to 1 */
        if (d->kind == DIST_LOGNORMAL && !(d->q[1] > 0)) return p[0] > a ? p[0] - a : 0;
        double q = dist_tail(d, a) * (1 - u);
        if (!(q > 0)) return 0;
        double x = d->kind == DIST_LOGNORMAL ? gsl_cdf_lognormal_Qinv(q, d->q[0], d->q[1])
                                             : gsl_cdf_gamma_Qinv(q, d->q[0], d->q[1]);
        return x > a ? x - a : 0;
    }
    case DIST_WEIBULL: /* (S / scale)^shape is Exp(1): add one to the age's */
        return p[1] * pow(pow(a / p[1], p[0]) - log1p(-u), 1 / p[0]) - a;
    case DIST_UNIFORM: {
        double lo = fmax(a, p[0]);
        return lo >= p[1] ? 0 : lo + (p[1] - lo) * u - a;
    }
    case DIST_TRIANGULAR: {
        double q = dist_tail(d, a) * (1 - u), lo = p[0], c = p[1], hi = p[2];
        if (!(q > 0)) return 0;
        double x = q <= (hi - c) / (hi - lo) ? hi - sqrt(q * (hi - lo) * (hi - c))
                                             : lo + sqrt((1 - q) * (hi - lo) * (c - lo));
        return x > a ? x - a : 0;
    }
    case DIST_FIXED:
        return p[0] > a ? p[0] - a : 0;
    case DIST_EMPIRICAL: {
        size_t i = first_above(d, a);
        if (i == d->n) return 0;
        return d->sorted[i + (size_t)(u * (double)(d->n - i))] - a;
    }
    }
    FS_UNREACHABLE();
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
        sort_sample(d);
        break;
    default:
        for (int i = 0; i < nparams[d->kind]; i++) d->p[i] *= f;
    }
    char err[64]; /* never read: scaling a valid distribution cannot fail (the assertion) */
    FS_ASSERT(derive(d, err, sizeof err) == 0);
}
