/* fit.h — maximum-likelihood fits of the duration families to a sample (no censoring), for
 * `flowsim fit`: each family's parameters as the scenario format writes them, its
 * log-likelihood and its AIC. */
#ifndef FS_FIT_H
#define FS_FIT_H

#include <stddef.h>

#include "dist.h"

struct fit_result {
    enum dist_kind kind; /* DIST_EXP, DIST_LOGNORMAL, DIST_GAMMA or DIST_WEIBULL */
    double p[2];         /* as in scenario files: mean (and sd) of the duration, or shape/scale */
    double loglik, aic;
    int ok; /* 0 if the fit failed (then the other fields are meaningless) */
};

/* Fit the four families to x[0..n-1] (all > 0, n >= 2). out[4] receives them in the order
 * exp, lognormal, gamma, weibull; returns the index of the lowest AIC, or -1 with a message
 * when the sample cannot be fitted. */
int fit_all(const double *x, size_t n, struct fit_result out[4], char *err, size_t errlen);

#endif
