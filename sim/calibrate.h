/* calibrate.h — finding parameter values that make a model hit targets: minimise an objective
 * over a box with GSL's Nelder-Mead simplex. It knows parameters and objective only as numbers;
 * what they mean is the caller's. */
#ifndef FS_CALIBRATE_H
#define FS_CALIBRATE_H

#include <stddef.h>

/* The objective at parameters x[0..n-1] (each within its bounds); NAN or infinity counts as
 * very bad. */
typedef double (*calib_fn)(void *ctx, const double *x);
/* The next k points f will be asked for, in order (xs[i * n + j]: point i's parameter j),
 * which do not depend on one another's values: to evaluate together, ahead of the asking. */
typedef void (*calib_ahead_fn)(void *ctx, const double *xs, size_t k);

struct calib_job {
    size_t n;
    const double *low, *high; /* bounds, low < high */
    const double *start;      /* inside the bounds */
    calib_fn f;
    void *ctx;
    int max_evals;
    double tol;           /* stop when the simplex's size (in transformed units) falls below it */
    calib_ahead_fn ahead; /* or NULL */
};

/* Minimise; best[] receives the best parameters found and *fbest its objective. Returns the
 * number of objective evaluations used. The simplex's first points (the start and one step
 * along each axis: n + 1) are independent of one another, and are given to ahead first; every
 * later point depends on the values before it (a reflection, then an expansion or a
 * contraction of the worst point, or a shrink towards the best), so the search asks for them
 * one at a time. */
int calib_minimise(const struct calib_job *job, double *best, double *fbest);

#endif
