#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

double welford_var(const struct welford *w) {
    return w->n < 2 ? 0.0 : w->m2 / (double)(w->n - 1);
}

double welford_sd(const struct welford *w) {
    return sqrt(welford_var(w));
}

double stats_t975(double df) {
    return gsl_cdf_tdist_Pinv(0.975, df);
}

double stats_t_quantile(double p, double df) {
    return gsl_cdf_tdist_Pinv(p, df);
}

size_t stats_paired(const double *a, const double *b, size_t n, double *mean, double *lo,
                    double *hi) {
    struct welford w;
    welford_init(&w);
    for (size_t i = 0; i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i])) welford_add(&w, b[i] - a[i]);
    *mean = w.n ? w.mean : NAN;
    stats_ci95(&w, lo, hi);
    return (size_t)w.n;
}

int stats_ci95(const struct welford *w, double *lo, double *hi) {
    if (w->n < 2) return -1;
    double h = stats_t975((double)(w->n - 1)) * welford_sd(w) / sqrt((double)w->n);
    *lo = w->mean - h;
    *hi = w->mean + h;
    return 0;
}

int stats_ci95_bounded(const struct welford *w, double lo_bound, double hi_bound, double *lo,
                       double *hi) {
    double l, h;
    if (stats_ci95(w, &l, &h) != 0) return -1;
    /* The mean lies in the range (a mean of values that do), up to its last bit: keep lo <= hi
     * whatever rounding did. */
    *lo = fmin(fmax(l, lo_bound), hi_bound);
    *hi = fmax(fmin(h, hi_bound), lo_bound);
    return 0;
}
