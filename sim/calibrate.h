/* calibrate.h — finding parameter values that make a model hit targets: minimise an objective
 * over a box with GSL's Nelder-Mead simplex. It knows parameters and objective only as numbers;
 * what they mean is the caller's. */
#ifndef FS_CALIBRATE_H
#define FS_CALIBRATE_H

#include <stddef.h>

/* The objective at parameters x[0..n-1] (each within its bounds); NAN or infinity counts as
 * very bad. */
typedef double (*calib_fn)(void *ctx, const double *x);

struct calib_job {
    size_t n;
    const double *low, *high; /* bounds, low < high */
    const double *start;      /* inside the bounds */
    calib_fn f;
    void *ctx;
    int max_evals;
    double tol; /* stop when the simplex's size (in transformed units) falls below it */
};

/* Minimise; best[] receives the best parameters found and *fbest its objective. Returns the
 * number of objective evaluations used. */
int calib_minimise(const struct calib_job *job, double *best, double *fbest);

#endif
