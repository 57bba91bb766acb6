/* precision.h — when a run has replications enough: the relative-precision stopping rule
 * behind --precision P%, knowing nothing of what the quantities are.
 *
 * Each quantity is a mean over replications, kept in an accumulator (sim/stats.h; a value a
 * replication leaves undefined is not added to it). Its 95% Student-t interval has half-width h =
 * t(0.975, n - 1) * s / sqrt(n), as stats_ci95 computes it; the rule holds for the quantity when h
 * <= p * |mean|, p a fraction (0.02 for 2%). With fewer than two values there is no interval (h is
 * infinite), so the rule never holds; a mean of 0 satisfies it only with h = 0, every value 0. A
 * run adds batches of replications until the rule holds for every quantity it watches, or a cap is
 * reached. */
#ifndef FS_PRECISION_H
#define FS_PRECISION_H

#include <stddef.h>

struct welford;

/* One quantity's mean and the half-width of its 95% interval. */
struct prec_stat {
    double mean; /* over the values that defined it (0 with none) */
    double half; /* 95% half-width; INFINITY with fewer than 2 values */
    size_t n;    /* how many values defined it */
};

/* From an accumulator of the values (sim/stats.h): the whole Student-t half-width of
 * stats_ci95, not the interval cut at a metric's range that summary.csv shows. */
struct prec_stat prec_stat_of(const struct welford *w);

/* Whether s is within p (a fraction > 0) of its mean: half <= p * |mean|. */
int prec_within(const struct prec_stat *s, double p);
/* The half-width as a percentage of |mean| (for messages; infinite or NaN where the mean is 0
 * or there is no interval). */
double prec_percent(const struct prec_stat *s);

/* Of k quantities, w[j] the accumulator of quantity j: the first whose interval is not within
 * p of its mean (with its statistics in *first, when not NULL), or -1 when every one is (and
 * when k is 0). The one stopping rule: `flowsim run --precision` asks it after each batch. */
long prec_first_short(const struct welford *w, size_t k, double p, struct prec_stat *first);

/* How many replications to try next, done run so far in batches of batch (>= 1) and at most
 * cap in all: batch, or what is left below cap when that is less (0: the cap is reached). */
int prec_next_batch(int done, int batch, int cap);

#endif
