/* stats.h — the accumulators every metric is built from: time-weighted averages, Welford
 * mean/variance, and Student-t 95% intervals across replications. */
#ifndef FS_STATS_H
#define FS_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Time-weighted integral of a piecewise-constant value. */
struct tw {
    double t_last; /* time of the last change */
    double value;  /* current value */
    double area;   /* integral since the last reset */
};

static inline void tw_init(struct tw *w, double t, double value) {
    w->t_last = t;
    w->value = value;
    w->area = 0;
}

/* The value changes to v at time t >= t_last. */
static inline void tw_set(struct tw *w, double t, double v) {
    w->area += w->value * (t - w->t_last);
    w->t_last = t;
    w->value = v;
}

static inline void tw_add(struct tw *w, double t, double dv) {
    tw_set(w, t, w->value + dv);
}

/* Integral from the last reset up to t (t >= t_last), without changing the state. */
static inline double tw_area(const struct tw *w, double t) {
    return w->area + w->value * (t - w->t_last);
}

/* Start a new integration window at t. */
static inline void tw_reset(struct tw *w, double t) {
    w->area = 0;
    w->t_last = t;
}

/* Welford's online mean and variance (numerically stable in one pass). */
struct welford {
    uint64_t n;
    double mean, m2;
};

static inline void welford_init(struct welford *w) {
    w->n = 0;
    w->mean = w->m2 = 0;
}

static inline void welford_add(struct welford *w, double x) {
    w->n++;
    double d = x - w->mean;
    w->mean += d / (double)w->n;
    w->m2 += d * (x - w->mean);
}

/* Sample variance (n - 1 denominator); 0 when n < 2. */
double welford_var(const struct welford *w);
double welford_sd(const struct welford *w);

/* The 0.975 quantile of Student's t with df degrees of freedom (df >= 1). */
double stats_t975(double df);
/* The p quantile (0 < p < 1) of Student's t with df degrees of freedom (df >= 1). */
double stats_t_quantile(double p, double df);

/* 95% t interval for the mean: writes lo and hi and returns 0, or returns -1 (and leaves
 * them alone) when n < 2 and no interval exists. */
int stats_ci95(const struct welford *w, double *lo, double *hi);

/* The same interval for a quantity known to lie in [lo_bound, hi_bound] (either may be
 * infinite), cut at those bounds: the Student-t interval where it lies inside, else its part
 * inside. The true value is in the range, so the cut interval covers it whenever the whole
 * one does: coverage stays at least 95% (Mandelkern 2002, Statistical Science 17(2):149-172).
 * Every interval of a level that flowsim shows comes from here; the --precision rule keeps
 * the whole half-width of stats_ci95 (sim/precision.h). Returns as stats_ci95. */
int stats_ci95_bounded(const struct welford *w, double lo_bound, double hi_bound, double *lo,
                       double *hi);

/* Mean of b[i] - a[i] over the i where both are numbers, and its 95% paired t interval (lo, hi
 * are left alone with fewer than 2 pairs). Returns the number of pairs. */
size_t stats_paired(const double *a, const double *b, size_t n, double *mean, double *lo,
                    double *hi);

#endif
