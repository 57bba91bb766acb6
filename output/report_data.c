#include "report_data.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/limits.h"
#include "models/metrics.h"
#include "models/value.h"
#include "outdir.h"
#include "sim/core.h"
#include "sim/platform.h"

/* ---- the time series, as a stream ---------------------------------------------------------- */

/* The values read back at once at the end: 8 MB, whatever the file (a block of keys of every
 * replication), as series.c's. */
#define RD_BLOCK (1u << 20)

int rd_drawn(const char *metric) {
    static const char *const drawn[] = {"occupancy", "occupancy_pct", "delayed_days", "ae_4h_pct",
                                        "cost_per_day"};
    for (size_t i = 0; i < sizeof drawn / sizeof *drawn; i++)
        if (!strcmp(metric, drawn[i])) return 1;
    return !strncmp(metric, "delayed_days_", 13); /* its reasons */
}

/* (unit, metric) -> index + 1 of t->s, 0 for an empty slot; at most half full. */
struct rd_map {
    size_t *slot, cap;
};

static size_t map_hash(const char *unit, const char *metric) {
    return (size_t)fs_hash(fs_hash(FS_HASH_INIT, unit) * FS_HASH_PRIME, metric); /* unit\0metric */
}

/* The slot of (unit, metric): its series' or the empty one where it would go. */
static size_t *map_slot(const struct runts *t, const char *unit, const char *metric) {
    const struct rd_map *m = t->map;
    for (size_t i = map_hash(unit, metric) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        size_t k = m->slot[i];
        if (!k || (!strcmp(t->s[k - 1].unit, unit) && !strcmp(t->s[k - 1].metric, metric)))
            return &m->slot[i];
    }
}

static void map_grow(struct runts *t) {
    struct rd_map *m = t->map;
    size_t old = m->cap, *was = m->slot;
    m->cap = old ? old * 2 : 64;
    m->slot = fs_calloc(m->cap, sizeof *m->slot);
    for (size_t i = 0; i < old; i++)
        if (was[i]) *map_slot(t, t->s[was[i] - 1].unit, t->s[was[i] - 1].metric) = was[i];
    fs_free(was);
}

struct series *rd_find(const struct runts *t, const char *unit, const char *metric) {
    if (!t->map || !t->map->cap) return NULL;
    size_t k = *map_slot(t, unit, metric);
    return k ? &t->s[k - 1] : NULL;
}

static void series_free(struct series *s) {
    fs_free(s->unit), fs_free(s->metric);
    fs_free(s->lo), fs_free(s->mid), fs_free(s->hi);
}

void runts_fini(struct runts *t) {
    for (size_t i = 0; i < t->ns; i++) {
        if (t->s[i].open) series_free(t->s[i].open), fs_free(t->s[i].open);
        series_free(&t->s[i]);
    }
    if (t->map) fs_free(t->map->slot), fs_free(t->map);
    fs_free(t->s);
    fs_free(t->time);
    fs_free(t->date);
    fs_free(t->scenario);
    memset(t, 0, sizeof *t);
}

/* A value of replication 1 (its series s, bucket b), held until replication 1 has ended and
 * the buckets and series are known. */
struct first_value {
    size_t s, b;
    double v;
};

/* The reading of a time series. A key is (series, bucket): key s * nb + b of the drawn series
 * s, then (ns + j) * nb + b of places open j (the occupancy series open[j]'s). */
struct ts_read {
    const char *path;
    struct runts *t;
    char *err;
    size_t errlen;
    int header;                /* the header row is read */
    size_t rows;               /* data rows */
    size_t scap, bcap;         /* t->s's, t->time's */
    struct first_value *first; /* replication 1's values (phase 0) */
    size_t nfirst, fcap;
    int phase;                  /* 0: replication 1's rows; 1: the others'; 2: out of order */
    long bad_line;              /* phase 2: the row that came out of order */
    size_t nkeys, nopen, *open; /* open[j]: the occupancy series of places open j */
    double *row;                /* replication cur's values, nkeys */
    size_t cur, b;              /* its number (0: none), the bucket of its last row */
    size_t *at, atcap;          /* at[r]: 1 + where replication r's row is in spill, or 0 */
    size_t nspilled;
    FILE *spill;
    int failed; /* spill could not be made, written or read: the errno, else 0 */
};

/* A scratch file beside the time series read (the staging folder of a run's --report, or the
 * folder `flowsim report` was given): outdir_scratch's, nameless, gone when closed. Not /tmp:
 * the folder chosen for the result is where room was made, and nothing is written outside it. */
static FILE *spill_open(const char *path) {
    char dir[FS_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) return outdir_scratch(".", "report.html");
    if ((size_t)(slash - path) >= sizeof dir) return NULL;
    snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return outdir_scratch(dir, "report.html");
}

/* The most held for the keys at once: replication 1's values or a replication's row, the
 * series, their map and bands, the buckets (t->bytes). Beyond it, a read holds a byte or two a
 * replication (at, and read_back's v and x) and read_back's block (RD_BLOCK values at most). */
static void note_bytes(struct ts_read *r, size_t bands) {
    const struct runts *t = r->t;
    size_t b = r->nkeys * sizeof *r->row + r->fcap * sizeof *r->first +
               t->map->cap * sizeof *t->map->slot + r->scap * sizeof *t->s +
               r->bcap * (sizeof *t->time + sizeof *t->date) + bands;
    if (b > r->t->bytes) r->t->bytes = b;
}

/* Replication 1 has ended: the keys are known. Each occupancy series with an occupancy_pct of
 * its unit gets a places open, and replication 1's values their row. */
static void layout(struct ts_read *r) {
    struct runts *t = r->t;
    r->open = fs_calloc(t->ns + 1, sizeof *r->open);
    for (size_t i = 0; i < t->ns; i++)
        if (!strcmp(t->s[i].metric, "occupancy") && rd_find(t, t->s[i].unit, "occupancy_pct"))
            r->open[r->nopen++] = i;
    r->nkeys = (t->ns + r->nopen) * t->nb;
    r->row = fs_malloc((r->nkeys + 1) * sizeof *r->row);
    for (size_t k = 0; k < r->nkeys; k++) r->row[k] = NAN;
    for (size_t i = 0; i < r->nfirst; i++)
        r->row[r->first[i].s * t->nb + r->first[i].b] = r->first[i].v;
    note_bytes(r, 0);
    fs_free(r->first);
    r->first = NULL, r->fcap = r->nfirst = 0;
    r->cur = 1;
    r->phase = 1;
}

/* Places open of the row: occupancy / (occupancy_pct / 100), as a chart of it reads them. */
static void places_open(struct ts_read *r) {
    const struct runts *t = r->t;
    for (size_t j = 0; j < r->nopen; j++) {
        const struct series *occ = &t->s[r->open[j]];
        size_t so = r->open[j], sp = (size_t)(rd_find(t, occ->unit, "occupancy_pct") - t->s);
        for (size_t b = 0; b < t->nb; b++) {
            double o = r->row[so * t->nb + b], p = r->row[sp * t->nb + b];
            r->row[(t->ns + j) * t->nb + b] = p > 0 ? o * 100.0 / p : NAN;
        }
    }
}

/* Room in at for replication rep, none of the new ones spilled. */
static void at_grow(struct ts_read *r, size_t rep) {
    size_t had = r->atcap;
    fs_grow((void **)&r->at, &r->atcap, rep + 1, sizeof *r->at);
    memset(r->at + had, 0, (r->atcap - had) * sizeof *r->at);
}

/* Replication cur's row into the spill file, at its place. */
static void flush(struct ts_read *r) {
    if (!r->cur || r->failed || !r->nkeys) return;
    places_open(r);
    if (!r->spill && !(r->spill = spill_open(r->path))) {
        r->failed = errno ? errno : EIO;
        return;
    }
    at_grow(r, r->cur);
    if (r->at[r->cur] == 0) r->at[r->cur] = ++r->nspilled;
    if (plat_fseek(r->spill, (r->at[r->cur] - 1) * r->nkeys * sizeof *r->row) != 0 ||
        fwrite(r->row, sizeof *r->row, r->nkeys, r->spill) != r->nkeys)
        r->failed = errno ? errno : EIO;
}

/* Replication rep's row, to be filled: read back where it came before. */
static void switch_to(struct ts_read *r, size_t rep) {
    flush(r);
    at_grow(r, rep);
    r->cur = rep, r->b = 0;
    if (r->at[rep] && !r->failed) {
        if (plat_fseek(r->spill, (r->at[rep] - 1) * r->nkeys * sizeof *r->row) != 0 ||
            fread(r->row, sizeof *r->row, r->nkeys, r->spill) != r->nkeys)
            r->failed = errno ? errno : EIO;
    } else {
        for (size_t k = 0; k < r->nkeys; k++) r->row[k] = NAN;
    }
}

/* A row's cells, read strictly: our own file, but one that may have been edited or cut short,
 * so a damaged cell is refused with its line rather than read as 0 (or as a replication
 * number that would size the arrays). */
static int ts_cells(struct ts_read *r, const struct table_row *row, size_t *rep, double *tm,
                    double *v) {
    char why[FS_MSG_MAX];
    long long k;
    if (row->n < 6 || row->n > 7) {
        snprintf(r->err, r->errlen,
                 "%s:%ld: expected 7 columns (scenario,replication,time,date,unit,metric,"
                 "value), got %zu",
                 r->path, row->line, row->n);
        return -1;
    }
    if (val_int(row->field[1], 1, 1000000, &k, why, sizeof why) != 0) {
        snprintf(r->err, r->errlen, "%s:%ld: replication: %s", r->path, row->line, why);
        return -1;
    }
    if (table_number(r->path, row, 2, "time", val_number, tm, r->err, r->errlen) != 0) return -1;
    if (strlen(row->field[3]) >= sizeof *r->t->date) { /* never cut to fit */
        snprintf(r->err, r->errlen,
                 "%s:%ld: date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]], got '%.40s%s'",
                 r->path, row->line, row->field[3], strlen(row->field[3]) > 40 ? "..." : "");
        return -1;
    }
    *v = NAN;
    if (*table_field(row, 6) &&
        table_number(r->path, row, 6, "value", val_number, v, r->err, r->errlen) != 0)
        return -1;
    *rep = (size_t)k;
    return 0;
}

/* A row of replication 1: the buckets are its times in turn, the series its (unit, metric) as
 * they first come; its value held until the keys are known. */
static void first_row(struct ts_read *r, const struct table_row *row, double tm, double v) {
    struct runts *t = r->t;
    if (!t->nb || t->time[t->nb - 1] != tm) {
        fs_grow((void **)&t->time, &r->bcap, t->nb + 1, sizeof *t->time);
        t->date = fs_realloc(t->date, r->bcap * sizeof *t->date);
        t->time[t->nb] = tm;
        snprintf(t->date[t->nb], sizeof *t->date, "%s", row->field[3]);
        t->nb++;
    }
    if (!rd_drawn(row->field[5]) || r->phase != 0) return;
    if (2 * (t->ns + 1) > t->map->cap) map_grow(t);
    size_t *slot = map_slot(t, row->field[4], row->field[5]);
    if (!*slot) {
        fs_grow((void **)&t->s, &r->scap, t->ns + 1, sizeof *t->s);
        t->s[t->ns] =
            (struct series){.unit = fs_strdup(row->field[4]), .metric = fs_strdup(row->field[5])};
        *slot = ++t->ns;
    }
    fs_grow((void **)&r->first, &r->fcap, r->nfirst + 1, sizeof *r->first);
    r->first[r->nfirst++] = (struct first_value){*slot - 1, t->nb - 1, v};
    note_bytes(r, 0);
}

static int ts_row(void *ctx, const struct table_row *row) {
    struct ts_read *r = ctx;
    struct runts *t = r->t;
    size_t rep;
    double tm, v;
    if (!r->header) return r->header = 1, 0;
    if (ts_cells(r, row, &rep, &tm, &v) != 0) return -1;
    r->rows++;
    if (!t->scenario) t->scenario = fs_strdup(row->field[0]);
    if (rep > t->nrep) t->nrep = rep;
    /* Replication 1's rows first, as flowsim writes them: they name the buckets. Any other
     * order is a damaged file, refused once every cell is read (which may say worse). */
    if (rep == 1) {
        if (r->phase == 1) r->phase = 2, r->bad_line = row->line;
        first_row(r, row, tm, v);
        return 0;
    }
    if (r->phase == 0 && r->rows == 1) r->phase = 2, r->bad_line = row->line;
    if (r->phase == 0) layout(r);
    if (r->phase != 1) return 0;
    if (rep != r->cur) switch_to(r, rep);
    /* the first bucket at or after the row's time, going on from the replication's last */
    while (r->b + 1 < t->nb && t->time[r->b] < tm) r->b++;
    struct series *s = rd_find(t, row->field[4], row->field[5]);
    if (s) r->row[(size_t)(s - t->s) * t->nb + r->b] = v;
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Key k's mean and 5% and 95% quantiles (linear interpolation) from v[0..nrep-1], the
 * replications' values in their order (NAN: none), into its series; x: room for nrep. */
static void band_of(struct ts_read *r, size_t k, const double *v, double *x) {
    struct runts *t = r->t;
    size_t si = k / t->nb, b = k % t->nb, n = 0;
    struct series *s = si < t->ns ? &t->s[si] : t->s[r->open[si - t->ns]].open;
    double sum = 0;
    for (size_t i = 0; i < t->nrep; i++)
        if (!isnan(v[i])) x[n++] = v[i], sum += v[i], s->total += v[i];
    if (!n) {
        s->lo[b] = s->mid[b] = s->hi[b] = NAN;
        return;
    }
    qsort(x, n, sizeof *x, cmp_double);
    double p5 = 0.05 * (double)(n - 1), p95 = 0.95 * (double)(n - 1);
    size_t i5 = (size_t)p5, i95 = (size_t)p95;
    s->lo[b] = x[i5] + (p5 - (double)i5) * (i5 + 1 < n ? x[i5 + 1] - x[i5] : 0);
    s->hi[b] = x[i95] + (p95 - (double)i95) * (i95 + 1 < n ? x[i95 + 1] - x[i95] : 0);
    s->mid[b] = sum / (double)n;
}

static void band_arrays(struct series *s, size_t nb) {
    s->lo = fs_malloc((nb + 1) * sizeof *s->lo);
    s->mid = fs_malloc((nb + 1) * sizeof *s->mid);
    s->hi = fs_malloc((nb + 1) * sizeof *s->hi);
}

/* Every key's band from the spill file, a block of keys of every replication at a time, the
 * keys in order (so that a series' total adds bucket by bucket, each in replication order). */
static int read_back(struct ts_read *r) {
    struct runts *t = r->t;
    for (size_t i = 0; i < t->ns; i++) band_arrays(&t->s[i], t->nb);
    for (size_t j = 0; j < r->nopen; j++) {
        struct series *occ = &t->s[r->open[j]];
        occ->open = fs_calloc(1, sizeof *occ->open);
        *occ->open =
            (struct series){.unit = fs_strdup(occ->unit), .metric = fs_strdup("occupancy")};
        band_arrays(occ->open, t->nb);
    }
    size_t nrep = t->nrep, per = RD_BLOCK / nrep ? RD_BLOCK / nrep : 1;
    size_t nbmax = per < r->nkeys ? per : r->nkeys;
    double *blk = fs_malloc((nbmax * nrep + 1) * sizeof *blk),
           *v = fs_malloc((nrep + 1) * sizeof *v), *x = fs_malloc((nrep + 1) * sizeof *x);
    note_bytes(r, (t->ns + r->nopen) * 3 * (t->nb + 1) * sizeof *blk);
    for (size_t c = 0; c < r->nkeys && !r->failed; c += nbmax) {
        size_t nb = r->nkeys - c < nbmax ? r->nkeys - c : nbmax;
        for (size_t i = 0; i < nrep && !r->failed; i++) {
            size_t at = i + 1 < r->atcap ? r->at[i + 1] : 0;
            if (!at) /* a replication with no rows */
                for (size_t j = 0; j < nb; j++) blk[i * nb + j] = NAN;
            else if (plat_fseek(r->spill, ((at - 1) * r->nkeys + c) * sizeof *blk) != 0 ||
                     fread(blk + i * nb, sizeof *blk, nb, r->spill) != nb)
                r->failed = errno ? errno : EIO;
        }
        for (size_t j = 0; j < nb && !r->failed; j++) {
            for (size_t i = 0; i < nrep; i++) v[i] = blk[i * nb + j];
            band_of(r, c + j, v, x);
        }
    }
    fs_free(blk), fs_free(v), fs_free(x);
    if (r->failed)
        snprintf(r->err, r->errlen,
                 "%s: cannot hold its values in a scratch file in its folder: %s", r->path,
                 strerror(r->failed));
    return r->failed ? FS_ECREATE : 0;
}

int rd_timeseries(const char *path, struct runts *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    t->map = fs_calloc(1, sizeof *t->map);
    map_grow(t);
    struct ts_read r = {.path = path, .t = t, .err = err, .errlen = errlen};
    int rc = table_each(path, ts_row, &r, err, errlen) != 0 ? -1 : 0;
    /* Every replication has every bucket, each in a row of its own: more of them than rows is
     * a damaged file (and would size the arrays from a number nobody wrote). */
    if (rc == 0 && t->nb && t->nrep > r.rows / t->nb) {
        snprintf(err, errlen,
                 "%s: %zu replications of %zu time buckets each cannot be in %zu rows: the file "
                 "is damaged",
                 path, t->nrep, t->nb, r.rows);
        rc = -1;
    } else if (rc == 0 && t->nb && r.phase == 2) {
        snprintf(err, errlen,
                 "%s:%ld: expected replication 1's rows first, then the other replications' (as "
                 "flowsim writes them): the file is damaged",
                 path, r.bad_line);
        rc = -1;
    }
    if (rc == 0 && t->nb) {
        if (r.phase == 0) layout(&r); /* one replication */
        flush(&r);
        rc = read_back(&r);
    }
    fs_free(r.first), fs_free(r.open), fs_free(r.row), fs_free(r.at);
    if (r.spill) fclose(r.spill);
    if (rc) runts_fini(t);
    return rc;
}

void rd_bands(const struct runts *t, const struct series *s, double *lo, double *mid, double *hi) {
    memcpy(lo, s->lo, t->nb * sizeof *lo);
    memcpy(mid, s->mid, t->nb * sizeof *mid);
    memcpy(hi, s->hi, t->nb * sizeof *hi);
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
