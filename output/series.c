/* series.csv: per key, the mean and the 5-95% band across replications (series.h). */
#include "series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "sim/core.h"

void series_init(struct series *s, size_t nkeys) {
    memset(s, 0, sizeof *s);
    s->nkeys = nkeys;
    s->label = fs_calloc(nkeys + 1, sizeof *s->label);
}

void series_fini(struct series *s) {
    for (size_t k = 0; s->label && k < s->nkeys; k++) fs_free(s->label[k]);
    fs_free(s->label);
    fs_free(s->v);
    memset(s, 0, sizeof *s);
}

void series_label(struct series *s, size_t k, const char *label) {
    fs_free(s->label[k]);
    s->label[k] = fs_strdup(label);
}

double *series_next(struct series *s) {
    fs_grow((void **)&s->v, &s->cap, (s->nrep + 1) * s->nkeys + 1, sizeof *s->v);
    return s->v + s->nrep++ * s->nkeys;
}

double series_round(double v) {
    char buf[CSVOUT_NUM_MAX + 1];
    size_t n = csvout_fmt_num(buf, v);
    if (n == 0) return NAN; /* an empty cell */
    buf[n] = 0;
    return strtod(buf, NULL);
}

double series_quantile(const double *x, size_t n, double p) {
    double h = (double)(n - 1) * p, lo = floor(h);
    size_t i = (size_t)lo;
    if (i + 1 >= n) return x[n - 1];
    return x[i] + (h - lo) * (x[i + 1] - x[i]);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int series_write(const struct series *s, FILE *f, const char *q_scenario) {
    fputs(SERIES_HEADER, f);
    double *x = fs_calloc(s->nrep + 1, sizeof *x);
    for (size_t k = 0; k < s->nkeys; k++) {
        size_t n = 0;
        double sum = 0;
        for (size_t r = 0; r < s->nrep; r++) {
            double v = s->v[r * s->nkeys + k];
            if (isnan(v)) continue;
            sum += v; /* in replication order: the same sum however the run was split */
            x[n++] = v;
        }
        fprintf(f, "%s,%s,", q_scenario, s->label[k] ? s->label[k] : ",,,");
        if (n > 0) {
            qsort(x, n, sizeof *x, cmp_double);
            csvout_num(f, sum / (double)n);
            fputc(',', f);
            csvout_num(f, series_quantile(x, n, 0.05));
            fputc(',', f);
            csvout_num(f, series_quantile(x, n, 0.95));
        } else {
            fputs(",,", f);
        }
        fprintf(f, ",%zu\n", n);
    }
    fs_free(x);
    return ferror(f) ? -1 : 0;
}
