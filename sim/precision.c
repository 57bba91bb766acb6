#include "precision.h"

#include <math.h>

#include "stats.h"

struct prec_stat prec_stat_of(const struct welford *w) {
    double lo, hi;
    /* The whole Student-t half-width, (hi - lo) / 2 of stats_ci95's interval. summary.csv's
     * interval is cut at the metric's range (stats_ci95_bounded), so it can be narrower: the
     * rule asks for precision of the estimate, which a bound does not give. */
    return (struct prec_stat){.mean = w->mean,
                              .half = stats_ci95(w, &lo, &hi) == 0 ? (hi - lo) / 2 : INFINITY,
                              .n = (size_t)w->n};
}

int prec_within(const struct prec_stat *s, double p) {
    return s->half <= p * fabs(s->mean); /* false for a NaN or infinite half-width */
}

double prec_percent(const struct prec_stat *s) {
    return 100 * s->half / fabs(s->mean);
}

long prec_first_short(const struct welford *w, size_t k, double p, struct prec_stat *first) {
    for (size_t j = 0; j < k; j++) {
        struct prec_stat s = prec_stat_of(&w[j]);
        if (prec_within(&s, p)) continue;
        if (first) *first = s;
        return (long)j;
    }
    return -1;
}

int prec_next_batch(int done, int batch, int cap) {
    int left = cap > done ? cap - done : 0;
    return batch < left ? batch : left;
}
