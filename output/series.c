/* series.csv: per key, the mean and the 5-95% band across replications (series.h). */
#include "series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "outdir.h"
#include "sim/core.h"

/* The values read back at once at the end: 8 MB, whatever the run (a block of keys of every
 * replication). */
#define SERIES_BLOCK (1u << 20)

void series_init(struct series *s, size_t nkeys, const char *dir) {
    memset(s, 0, sizeof *s);
    s->nkeys = nkeys;
    s->dir = dir ? fs_strdup(dir) : NULL;
    s->label = fs_calloc(nkeys + 1, sizeof *s->label);
    s->row = fs_calloc(nkeys + 1, sizeof *s->row);
}

void series_fini(struct series *s) {
    for (size_t k = 0; s->label && k < s->nkeys; k++) fs_free(s->label[k]);
    fs_free(s->label);
    fs_free(s->row);
    fs_free(s->dir);
    if (s->spill) fclose(s->spill);
    memset(s, 0, sizeof *s);
}

void series_label(struct series *s, size_t k, const char *label) {
    fs_free(s->label[k]);
    s->label[k] = fs_strdup(label);
}

/* The pending replication into the scratch file. */
static void flush(struct series *s) {
    if (!s->pending) return;
    s->pending = 0;
    if (!s->spill && !s->failed && !(s->spill = outdir_scratch(s->dir, SERIES_FILE))) s->failed = 1;
    if (s->spill && fwrite(s->row, sizeof *s->row, s->nkeys, s->spill) != s->nkeys) s->failed = 1;
}

double *series_next(struct series *s) {
    flush(s);
    s->pending = 1;
    s->nrep++;
    return s->row;
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

/* Key k's row from its values of every replication, v[0..nrep-1] in replication order. */
static void put_key(const struct series *s, FILE *f, const char *q_scenario, size_t k,
                    const double *v, double *x) {
    size_t n = 0;
    double sum = 0;
    for (size_t r = 0; r < s->nrep; r++) {
        if (isnan(v[r])) continue;
        sum += v[r]; /* in replication order: the same sum however the run was split */
        x[n++] = v[r];
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

int series_write(struct series *s, FILE *f, const char *q_scenario) {
    flush(s);
    if (s->failed) return -1;
    fputs(SERIES_HEADER, f);
    size_t nrep = s->nrep, per = nrep ? SERIES_BLOCK / nrep : 1;
    if (per < 1) per = 1;
    /* A block of keys of every replication: blk[r * nb + j] is key c + j's value in r. */
    size_t nbmax = per < s->nkeys ? per : s->nkeys;
    double *blk = fs_calloc(nbmax * nrep + 1, sizeof *blk), *v = fs_calloc(nrep + 1, sizeof *v),
           *x = fs_calloc(nrep + 1, sizeof *x);
    int rc = 0;
    for (size_t c = 0; c < s->nkeys && rc == 0; c += nbmax) {
        size_t nb = s->nkeys - c < nbmax ? s->nkeys - c : nbmax;
        for (size_t r = 0; r < nrep && rc == 0; r++) {
            long off = (long)((r * s->nkeys + c) * sizeof *blk);
            if (fseek(s->spill, off, SEEK_SET) != 0 ||
                fread(blk + r * nb, sizeof *blk, nb, s->spill) != nb)
                rc = -1;
        }
        for (size_t j = 0; j < nb && rc == 0; j++) {
            for (size_t r = 0; r < nrep; r++) v[r] = blk[r * nb + j];
            put_key(s, f, q_scenario, c + j, v, x);
        }
    }
    fs_free(blk);
    fs_free(v);
    fs_free(x);
    return rc || ferror(f) ? -1 : 0;
}
