#include "comparison.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "models/metrics.h"
#include "sim/core.h"
#include "sim/stats.h"

int cmp_find(const struct cmp_scenario *s, const char *unit, const char *metric) {
    for (size_t k = 0; k < s->nslots; k++)
        if (!strcmp(s->unit[k], unit) && !strcmp(s->metric[k], metric)) return (int)k;
    return -1;
}

/* Column k of s across replications. */
static void column(const struct cmp_scenario *s, size_t k, double *out) {
    for (size_t r = 0; r < s->nrep; r++) out[r] = s->value[r * s->nslots + k];
}

static void field(FILE *f, const char *text) {
    char *q = csvout_quote(text);
    fputs(q, f);
    fs_free(q);
}

int comparison_write(const char *dir, const char *file, const char *label,
                     const struct cmp_scenario *sc, size_t nsc, char *err, size_t errlen) {
    struct csvout_file cf;
    if (csvout_open(&cf, dir, file, err, errlen) != 0) return -1;
    FILE *f = cf.f;
    fprintf(f, "metric,unit,%s,mean,ci95_low,ci95_high,diff_vs_base,diff_ci95_low,diff_ci95_high\n",
            label);
    const struct cmp_scenario *base = &sc[0];
    size_t nrep = base->nrep;
    double *a = fs_calloc(nrep + 1, sizeof *a), *b = fs_calloc(nrep + 1, sizeof *b);
    for (size_t i = 0; i < nsc; i++) {
        const struct cmp_scenario *s = &sc[i];
        for (size_t k = 0; k < s->nslots; k++) {
            column(s, k, b);
            struct welford w;
            welford_init(&w);
            for (size_t r = 0; r < s->nrep; r++)
                if (!isnan(b[r])) welford_add(&w, b[r]);
            field(f, s->metric[k]);
            fputc(',', f);
            field(f, s->unit[k]);
            fputc(',', f);
            field(f, s->name);
            fputc(',', f);
            if (w.n) csvout_num(f, w.mean);
            /* The level's interval cut at the metric's range, as summary.csv's; the paired
             * difference below can be of either sign and keeps its whole Student-t interval. */
            double lo = NAN, hi = NAN, lo_b, hi_b;
            metric_bounds(s->metric[k], !*s->unit[k], &lo_b, &hi_b);
            stats_ci95_bounded(&w, lo_b, hi_b, &lo, &hi);
            fputc(',', f);
            csvout_num(f, lo);
            fputc(',', f);
            csvout_num(f, hi);
            /* The paired difference: replication r of the variant against replication r of
             * the base, which saw the same patients. */
            int bk = i ? cmp_find(base, s->unit[k], s->metric[k]) : -1;
            double d = NAN, dlo = NAN, dhi = NAN;
            if (bk >= 0) {
                column(base, (size_t)bk, a);
                stats_paired(a, b, nrep < s->nrep ? nrep : s->nrep, &d, &dlo, &dhi);
            }
            fputc(',', f);
            csvout_num(f, d);
            fputc(',', f);
            csvout_num(f, dlo);
            fputc(',', f);
            csvout_num(f, dhi);
            fputc('\n', f);
        }
    }
    fs_free(a);
    fs_free(b);
    return csvout_close(&cf, err, errlen);
}
