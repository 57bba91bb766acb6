/* dist.h — the duration distributions of the scenario contract, parameterised as users think
 * of them (mean and sd of the duration itself), sampled from our PCG32 streams.
 *
 * A struct dist is caller-owned and read-only once built, so one copy is shared by every
 * replication thread. */
#ifndef FS_DIST_H
#define FS_DIST_H

#include <stddef.h>

#include "rng.h"

enum dist_kind {
    DIST_EXP,        /* p0 = mean */
    DIST_LOGNORMAL,  /* p0 = mean, p1 = sd (of the duration, not its log) */
    DIST_GAMMA,      /* p0 = mean, p1 = sd */
    DIST_WEIBULL,    /* p0 = shape, p1 = scale */
    DIST_UNIFORM,    /* p0 = min, p1 = max */
    DIST_TRIANGULAR, /* p0 = min, p1 = mode, p2 = max */
    DIST_FIXED,      /* p0 = value */
    DIST_EMPIRICAL,  /* resample of a given sample */
};

struct dist {
    enum dist_kind kind;
    double p[3]; /* parameters as given */
    double q[3]; /* derived once, for the sampler */
    double *sample;
    size_t n;
    double *sorted, *cum; /* empirical: the sample sorted, and its running sums (census draws) */
};

/* Number of parameters kind takes (0 for empirical), and its name in scenario files. */
int dist_nparams(enum dist_kind kind);
const char *dist_name(enum dist_kind kind);
/* Kind by name; returns -1 if unknown. */
int dist_kind_by_name(const char *name);

/* Build a parametric distribution. Returns 0, or -1 with a message in err saying which
 * parameter is out of range. */
int dist_init(struct dist *d, enum dist_kind kind, const double *params, char *err, size_t errlen);
/* Build an empirical distribution from n >= 1 non-negative values (copied). */
int dist_init_empirical(struct dist *d, const double *values, size_t n, char *err, size_t errlen);
void dist_fini(struct dist *d);
/* Deep copy (the empirical sample is duplicated). */
void dist_copy(struct dist *dst, const struct dist *src);

double dist_sample(const struct dist *d, struct rng *r);
double dist_mean(const struct dist *d);
double dist_var(const struct dist *d);
/* The median (days), exact or, for the gamma, within a factor of 1.5 (Choi's approximation for
 * shape >= 1, the small-shape limit (0.5 Gamma(k+1))^(1/k) below): enough to tell a duration
 * that is almost always near zero — weibull(0.01, 1e-160d), gamma(1d, 1000d) — whatever its
 * mean. */
double dist_median(const struct dist *d);
/* A draw from the equilibrium residual distribution, density P(S > x) / E[S]: the time left
 * in a stay that is under way at a random moment (for starting a run from a census). Drawn
 * as U x L, with L length-biased (density x f(x) / E[S]) and U uniform on [0, 1). */
double dist_sample_residual(const struct dist *d, struct rng *r);
/* A draw from the length-biased distribution, density x f(x) / E[S]: the whole length of a
 * stay under way at a random moment (O(log n) for an empirical sample). */
double dist_sample_length_biased(const struct dist *d, struct rng *r);
/* P(S > a), and a draw of S - a given S > a: the rest of a stay already a days long (for an
 * empirical sample, a sample value above a, uniformly). Where no stay outlasts a (P(S > a)
 * is 0 or rounds to 0) the draw is 0: the stay ends at once. a <= 0 draws S itself. */
double dist_tail(const struct dist *d, double a);
double dist_sample_after(const struct dist *d, double a, struct rng *r);

/* Multiply every draw by f > 0 (a scale change keeps the shape). */
void dist_scale(struct dist *d, double f);

#endif
