#include "report_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "models/metrics.h"
#include "models/value.h"
#include "sim/core.h"

void runts_fini(struct runts *t) {
    for (size_t i = 0; i < t->ns; i++) {
        fs_free(t->s[i].unit);
        fs_free(t->s[i].metric);
        fs_free(t->s[i].v);
    }
    fs_free(t->s);
    fs_free(t->time);
    fs_free(t->date);
    fs_free(t->scenario);
}

struct series *rd_find(const struct runts *t, const char *unit, const char *metric) {
    for (size_t i = 0; i < t->ns; i++)
        if (!strcmp(t->s[i].unit, unit) && !strcmp(t->s[i].metric, metric)) return &t->s[i];
    return NULL;
}

/* find for the rows of a time series, which come in the same order of series in every bucket:
 * the one after the last found (*hint), or the first, before a search. Linear in rows, where a
 * search per row was rows x series (4,000 units: half a minute). */
static struct series *find_next(const struct runts *t, const char *unit, const char *metric,
                                size_t *hint) {
    size_t try[2] = {*hint + 1, 0};
    for (int k = 0; k < 2; k++)
        if (try[k] < t->ns && !strcmp(t->s[try[k]].unit, unit) &&
            !strcmp(t->s[try[k]].metric, metric))
            return &t->s[*hint = try[k]];
    struct series *s = rd_find(t, unit, metric);
    if (s) *hint = (size_t)(s - t->s);
    return s;
}

/* Rows come replication by replication, bucket by bucket: times repeat for each
 * replication, so the first replication's times are the buckets. Our own file, but one that
 * may have been edited or cut short: every number is read strictly, and a damaged cell is
 * refused with its line rather than read as 0 (or as a replication number that would size
 * the arrays). */
int rd_timeseries(const char *path, struct runts *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    struct table tb;
    if (table_read(path, &tb, err, errlen) != 0) return -1;
    size_t rows = tb.n ? tb.n - 1 : 0;
    size_t *rep = fs_calloc(rows + 1, sizeof *rep);
    double *tm = fs_calloc(rows + 1, sizeof *tm), *val = fs_calloc(rows + 1, sizeof *val);
    int rc = 0;
    size_t hint = (size_t)-1; /* find_next's: none yet */
    for (size_t i = 1; i < tb.n && rc == 0; i++) {
        const struct table_row *r = &tb.row[i];
        char why[FS_MSG_MAX];
        long long k;
        if (r->n < 6 || r->n > 7) {
            snprintf(err, errlen,
                     "%s:%ld: expected 7 columns (scenario,replication,time,date,unit,metric,"
                     "value), got %zu",
                     path, r->line, r->n);
            rc = -1;
        } else if (val_int(r->field[1], 1, 1000000, &k, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%ld: replication: %s", path, r->line, why);
            rc = -1;
        } else if (table_number(path, r, 2, "time", val_number, &tm[i - 1], err, errlen) != 0) {
            rc = -1;
        } else if (strlen(r->field[3]) >= sizeof *t->date) { /* never cut to fit */
            snprintf(err, errlen,
                     "%s:%ld: date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got '%.40s%s'", path,
                     r->line, r->field[3], strlen(r->field[3]) > 40 ? "..." : "");
            rc = -1;
        } else if (*table_field(r, 6) &&
                   table_number(path, r, 6, "value", val_number, &val[i - 1], err, errlen) != 0) {
            rc = -1;
        } else {
            rep[i - 1] = (size_t)k;
            if (!*table_field(r, 6)) val[i - 1] = NAN;
        }
    }
    size_t cap = 0, scap = 0;
    for (size_t i = 1; i < tb.n && rc == 0; i++) {
        const struct table_row *r = &tb.row[i];
        if (rep[i - 1] > t->nrep) t->nrep = rep[i - 1];
        if (rep[i - 1] == 1) {
            if (!t->nb || t->time[t->nb - 1] != tm[i - 1]) {
                fs_grow((void **)&t->time, &cap, t->nb + 1, sizeof *t->time);
                t->date = fs_realloc(t->date, cap * sizeof *t->date);
                t->time[t->nb] = tm[i - 1];
                snprintf(t->date[t->nb], sizeof *t->date, "%s", r->field[3]);
                t->nb++;
            }
            if (!find_next(t, r->field[4], r->field[5], &hint)) {
                hint = t->ns;
                fs_grow((void **)&t->s, &scap, t->ns + 1, sizeof *t->s);
                t->s[t->ns].unit = fs_strdup(r->field[4]);
                t->s[t->ns].metric = fs_strdup(r->field[5]);
                t->s[t->ns++].v = NULL;
            }
        }
        if (!t->scenario) t->scenario = fs_strdup(r->field[0]);
    }
    /* Every replication has every bucket, each in a row of its own: more of them than rows is
     * a damaged file (and would size the arrays from a number nobody wrote). */
    if (rc == 0 && t->nb && t->nrep > rows / t->nb) {
        snprintf(err, errlen,
                 "%s: %zu replications of %zu time buckets each cannot be in %zu rows: the file "
                 "is damaged",
                 path, t->nrep, t->nb, rows);
        rc = -1;
    }
    for (size_t i = 0; i < t->ns && rc == 0; i++) {
        t->s[i].v = fs_malloc(t->nb * t->nrep * sizeof *t->s[i].v);
        for (size_t k = 0; k < t->nb * t->nrep; k++) t->s[i].v[k] = NAN;
    }
    /* Second pass: the values, bucket found by time within each replication. */
    size_t b = 0, last_rep = 0;
    struct series *s = NULL;
    for (size_t i = 1; i < tb.n && rc == 0; i++) {
        const struct table_row *r = &tb.row[i];
        if (rep[i - 1] != last_rep) b = 0, last_rep = rep[i - 1];
        while (b + 1 < t->nb && t->time[b] < tm[i - 1]) b++;
        if (!s || strcmp(s->unit, r->field[4]) || strcmp(s->metric, r->field[5]))
            s = find_next(t, r->field[4], r->field[5], &hint);
        if (s && t->nb) s->v[b * t->nrep + rep[i - 1] - 1] = val[i - 1];
    }
    fs_free(rep), fs_free(tm), fs_free(val);
    table_fini(&tb);
    if (rc) runts_fini(t);
    return rc;
}

/* comparison.csv or sweep.csv: metric,unit,scenario (or variant), then numbers, each empty
 * where undefined. Read as a table whose number cells are checked here, once, so that the
 * charts draw only numbers that were written. */
int rd_comparison(const char *path, struct table *t, char *err, size_t errlen) {
    if (table_read(path, t, err, errlen) != 0) return -1;
    size_t width = t->n ? t->row[0].n : 0;
    for (size_t i = 1; i < t->n; i++) {
        const struct table_row *r = &t->row[i];
        int rc = 0;
        if (r->n < 3 || r->n > width) {
            snprintf(err, errlen, "%s:%ld: expected %zu columns like the header, got %zu", path,
                     r->line, width, r->n);
            rc = -1;
        }
        for (size_t k = 3; k < r->n && rc == 0; k++) {
            double v;
            if (*r->field[k])
                rc = table_number(path, r, (int)k, t->row[0].field[k], val_number, &v, err, errlen);
        }
        if (rc) {
            table_fini(t);
            return -1;
        }
    }
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean and the 5% and 95% quantiles (linear interpolation) across replications, per bucket. */
void rd_bands(const struct runts *t, const struct series *s, double *lo, double *mid, double *hi) {
    double *x = fs_malloc((t->nrep + 1) * sizeof *x);
    for (size_t b = 0; b < t->nb; b++) {
        size_t n = 0;
        double sum = 0;
        for (size_t r = 0; r < t->nrep; r++) {
            double v = s->v[b * t->nrep + r];
            if (!isnan(v)) x[n++] = v, sum += v;
        }
        if (!n) {
            lo[b] = mid[b] = hi[b] = NAN;
            continue;
        }
        qsort(x, n, sizeof *x, cmp_double);
        double p5 = 0.05 * (double)(n - 1), p95 = 0.95 * (double)(n - 1);
        size_t i5 = (size_t)p5, i95 = (size_t)p95;
        lo[b] = x[i5] + (p5 - (double)i5) * (i5 + 1 < n ? x[i5 + 1] - x[i5] : 0);
        hi[b] = x[i95] + (p95 - (double)i95) * (i95 + 1 < n ? x[i95 + 1] - x[i95] : 0);
        mid[b] = sum / (double)n;
    }
    fs_free(x);
}

/* ---- the kinds of a folder's units, for the headline rule -------------------------------- */

struct unit_kind_of {
    const char *unit;
    int kind;
};

struct rd_kinds {
    struct unit_kind_of *k;
    size_t n;
};

static int by_unit_name(const void *a, const void *b) {
    return strcmp(((const struct unit_kind_of *)a)->unit, ((const struct unit_kind_of *)b)->unit);
}

static int by_unit(const void *a, const void *b) {
    const struct unit_kind_of *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);
    return c ? c : (x->kind < y->kind) - (x->kind > y->kind); /* a kind before "none" */
}

struct rd_kinds *rd_kinds_of(const struct table *tb, int cmet, int cunit, int cscen) {
    struct rd_kinds *out = fs_calloc(1, sizeof *out);
    out->k = fs_calloc(tb->n + 1, sizeof *out->k);
    int width = cmet > cunit ? cmet : cunit;
    width = (cscen > width ? cscen : width) + 1;
    const char *base = tb->n > 1 && tb->row[1].n > (size_t)cscen ? tb->row[1].field[cscen] : "";
    size_t m = 0;
    for (size_t i = 1; i < tb->n; i++) {
        const struct table_row *r = &tb->row[i];
        if (r->n < (size_t)width || !*r->field[cunit] || strcmp(r->field[cscen], base)) continue;
        const struct metric_def *d = metric_find(r->field[cmet], 0);
        int kind = !d                    ? UNIT_GENERIC
                   : d->when == MW_ACUTE ? UNIT_ACUTE
                   : d->when == MW_AE    ? UNIT_AE
                                         : UNIT_GENERIC;
        out->k[m++] = (struct unit_kind_of){r->field[cunit], kind};
    }
    qsort(out->k, m, sizeof *out->k, by_unit);
    size_t u = 0; /* each unit once, with its kind where a row told it */
    for (size_t i = 0; i < m; i++)
        if (u == 0 || strcmp(out->k[u - 1].unit, out->k[i].unit)) out->k[u++] = out->k[i];
    out->n = u;
    return out;
}

int rd_headline(const struct rd_kinds *k, const char *unit, const char *metric) {
    if (!*unit) return metric_is_headline(metric, METRIC_SYSTEM);
    struct unit_kind_of key = {unit, 0};
    const struct unit_kind_of *u = bsearch(&key, k->k, k->n, sizeof *k->k, by_unit_name);
    return metric_is_headline(metric, u ? u->kind : UNIT_GENERIC);
}

void rd_kinds_free(struct rd_kinds *k) {
    if (!k) return;
    fs_free(k->k);
    fs_free(k);
}

int rd_column(const struct table *tb, const char *name) {
    if (!tb->n) return -1;
    for (size_t i = 0; i < tb->row[0].n; i++)
        if (!strcmp(tb->row[0].field[i], name)) return (int)i;
    return -1;
}
