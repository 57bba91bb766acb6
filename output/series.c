/* series.csv: per key, the mean and the 5-95% band across replications (series.h). */
#include "series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "outdir.h"
#include "sim/core.h"
#include "sim/platform.h"

/* The values read back at once at the end: 8 MB, whatever the run (a block of keys of every
 * replication). */
#define SERIES_BLOCK (1u << 20)

void series_init(struct series *s, size_t nkeys, const char *dir) {
    memset(s, 0, sizeof *s);
    s->nkeys = nkeys;
    s->dir = dir ? fs_strdup(dir) : NULL;
    s->row = fs_malloc((nkeys + 1) * sizeof *s->row); /* pages untouched until filled */
}

void series_fini(struct series *s) {
    for (size_t i = 0; i < s->npre; i++) fs_free(s->pre[i]);
    for (size_t i = 0; i < s->nsuf; i++) fs_free(s->suf[i]);
    fs_free(s->pre), fs_free(s->suf), fs_free(s->sufmap);
    fs_free(s->kpre), fs_free(s->ksuf);
    fs_free(s->row);
    fs_free(s->dir);
    if (s->spill) fclose(s->spill);
    memset(s, 0, sizeof *s);
}

/* suf's index of text, added when new (the table at most half full). */
static uint32_t suffix_of(struct series *s, const char *text) {
    if (2 * (s->nsuf + 1) > s->sufcap) { /* grow and rehash */
        size_t cap = s->sufcap ? 2 * s->sufcap : 64;
        uint32_t *map = fs_calloc(cap, sizeof *map);
        for (size_t i = 0; i < s->nsuf; i++) {
            size_t h = fs_hash(FS_HASH_INIT, s->suf[i]) & (cap - 1);
            while (map[h]) h = (h + 1) & (cap - 1);
            map[h] = (uint32_t)i + 1;
        }
        fs_free(s->sufmap);
        s->sufmap = map, s->sufcap = cap;
    }
    size_t h = fs_hash(FS_HASH_INIT, text) & (s->sufcap - 1);
    for (; s->sufmap[h]; h = (h + 1) & (s->sufcap - 1))
        if (!strcmp(s->suf[s->sufmap[h] - 1], text)) return s->sufmap[h] - 1;
    if (s->nsuf == s->capsuf)
        s->suf = fs_realloc(s->suf, (s->capsuf = s->capsuf ? 2 * s->capsuf : 64) * sizeof *s->suf);
    s->suf[s->nsuf] = fs_strdup(text);
    s->sufmap[h] = (uint32_t)++s->nsuf;
    return (uint32_t)(s->nsuf - 1);
}

static void add_pre(struct series *s, const char *text, size_t len) {
    if (s->npre == s->cappre)
        s->pre = fs_realloc(s->pre, (s->cappre = s->cappre ? 2 * s->cappre : 64) * sizeof *s->pre);
    s->pre[s->npre++] = fs_sprintf("%.*s", (int)len, text);
}

void series_grid(struct series *s, size_t npre, const char *const *pre, size_t ncol,
                 const char *const *suf) {
    s->ncol = ncol;
    for (size_t w = 0; w < npre; w++) add_pre(s, pre[w], strlen(pre[w]));
    s->suf = fs_calloc(ncol + 1, sizeof *s->suf);
    s->nsuf = s->capsuf = ncol;
    for (size_t i = 0; i < ncol; i++) s->suf[i] = fs_strdup(suf[i]);
}

void series_label(struct series *s, size_t k, const char *label) {
    if (!s->kpre) {
        s->kpre = fs_malloc((s->nkeys + 1) * sizeof *s->kpre);
        s->ksuf = fs_malloc((s->nkeys + 1) * sizeof *s->ksuf);
        for (size_t j = 0; j < s->nkeys; j++) s->kpre[j] = s->ksuf[j] = UINT32_MAX;
    }
    /* "time,date" | "unit,metric": neither a time nor a date has a comma */
    const char *c1 = strchr(label, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    size_t plen = c2 ? (size_t)(c2 - label) : strlen(label);
    /* keys come window by window: a prefix is the last one kept, or a new one */
    if (!(s->npre && strlen(s->pre[s->npre - 1]) == plen &&
          !strncmp(s->pre[s->npre - 1], label, plen)))
        add_pre(s, label, plen);
    s->kpre[k] = (uint32_t)(s->npre - 1);
    s->ksuf[k] = suffix_of(s, c2 ? c2 + 1 : "");
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

void series_add(struct series *s, double *vals) {
    if (s->nrep == 0) { /* the first: its array is the row (one replication: held once) */
        fs_free(s->row);
        s->row = vals;
    } else { /* later ones into the same row: one array kept, whatever the replications,
              * rather than each replication's freed by another thread a replication later
              * (a 16-replication soak then grew 14.6 -> 22.3 MB) */
        flush(s);
        memcpy(s->row, vals, s->nkeys * sizeof *vals);
        fs_free(vals);
    }
    s->pending = 1;
    s->nrep++;
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

/* The cells a key's row starts with: head "SCENARIO,TIME,DATE," (hl bytes) and suf
 * "UNIT,METRIC" (sl bytes); made once a window on a grid. */
struct key_cells {
    char *head;
    size_t hl, hcap, sl;
    const char *suf;
    size_t at_pre; /* the pre head was made for, SIZE_MAX none yet */
};

/* Key k's cells (an unlabelled key's are empty: "SCENARIO,,," and ","). */
static void key_cells(const struct series *s, const char *q, size_t ql, size_t k,
                      struct key_cells *kc) {
    size_t ip = SIZE_MAX;
    const char *suf = ",";
    if (s->ncol)
        ip = k / s->ncol, suf = s->suf[k % s->ncol];
    else if (s->kpre && s->kpre[k] != UINT32_MAX)
        ip = s->kpre[k], suf = s->suf[s->ksuf[k]];
    kc->suf = suf, kc->sl = strlen(suf);
    if (ip == kc->at_pre && kc->head) return;
    const char *pre = ip == SIZE_MAX ? "," : s->pre[ip];
    size_t pl = strlen(pre);
    if (ql + pl + 3 > kc->hcap) kc->head = fs_realloc(kc->head, kc->hcap = ql + pl + 3);
    memcpy(kc->head, q, ql), kc->head[ql] = ',';
    memcpy(kc->head + ql + 1, pre, pl), kc->head[ql + 1 + pl] = ',';
    kc->hl = ql + pl + 2, kc->at_pre = ip;
}

/* Key k's row from its values of every replication, v[0..nrep-1] in replication order, after
 * its cells kc, made in the rows' buffer (csvout_rows), or written in pieces when a very long
 * name does not fit it. */
static void put_key(const struct series *s, struct csvout_rows *rows, const struct key_cells *kc,
                    const double *v, double *x) {
    size_t n = 0;
    double sum = 0;
    for (size_t r = 0; r < s->nrep; r++)
        if (!isnan(v[r])) x[n++] = v[r];
    /* One value is its own mean and percentiles, and writing it read back is writing it. */
    for (size_t i = 0; n > 1 && i < n; i++)
        sum += x[i] = series_round(x[i]); /* in replication order: the same sum however split */
    char num[3][CSVOUT_NUM_MAX];
    size_t nl[3] = {0, 0, 0};
    if (n == 1) {
        nl[0] = nl[1] = nl[2] = csvout_fmt_num(num[0], x[0]);
        memcpy(num[1], num[0], nl[0]), memcpy(num[2], num[0], nl[0]);
    } else if (n > 1) {
        qsort(x, n, sizeof *x, cmp_double);
        nl[0] = csvout_fmt_num(num[0], sum / (double)n);
        nl[1] = csvout_fmt_num(num[1], series_quantile(x, n, 0.05));
        nl[2] = csvout_fmt_num(num[2], series_quantile(x, n, 0.95));
    }
    char *p = csvout_rows_room(rows, kc->hl + kc->sl + 4 * CSVOUT_NUM_MAX + 8);
    if (!p) {
        fprintf(rows->f, "%.*s%s,%.*s,%.*s,%.*s,%zu\n", (int)kc->hl, kc->head, kc->suf, (int)nl[0],
                num[0], (int)nl[1], num[1], (int)nl[2], num[2], n);
        return;
    }
    memcpy(p, kc->head, kc->hl), p += kc->hl;
    memcpy(p, kc->suf, kc->sl), p += kc->sl;
    for (int j = 0; j < 3; j++) *p++ = ',', memcpy(p, num[j], nl[j]), p += nl[j];
    *p++ = ',', p += csvout_fmt_num(p, (double)n), *p++ = '\n'; /* a count: its digits */
    csvout_rows_put(rows, p);
}

int series_write(struct series *s, FILE *f, const char *q_scenario) {
    if (s->failed) return -1;
    fputs(SERIES_HEADER, f);
    /* The replications before the pending one are read back from the scratch file; the
     * pending one (a one-replication run's only one) is read where it is. */
    size_t nrep = s->nrep, nspill = nrep - (size_t)s->pending, per = nrep ? SERIES_BLOCK / nrep : 1;
    if (per < 1) per = 1;
    /* A block of keys of every replication: blk[r * nb + j] is key c + j's value in r. */
    size_t nbmax = per < s->nkeys ? per : s->nkeys;
    double *blk = fs_malloc((nbmax * nspill + 1) * sizeof *blk),
           *v = fs_calloc(nrep + 1, sizeof *v), *x = fs_calloc(nrep + 1, sizeof *x);
    int rc = 0;
    size_t ql = strlen(q_scenario);
    struct key_cells kc = {.at_pre = SIZE_MAX};
    struct csvout_rows rows;
    csvout_rows_init(&rows, f);
    for (size_t c = 0; c < s->nkeys && rc == 0; c += nbmax) {
        size_t nb = s->nkeys - c < nbmax ? s->nkeys - c : nbmax;
        for (size_t r = 0; r < nspill && rc == 0; r++)
            if (plat_fseek(s->spill, (r * s->nkeys + c) * sizeof *blk) != 0 ||
                fread(blk + r * nb, sizeof *blk, nb, s->spill) != nb)
                rc = -1;
        for (size_t j = 0; j < nb && rc == 0; j++) {
            for (size_t r = 0; r < nspill; r++) v[r] = blk[r * nb + j];
            if (nspill < nrep) v[nspill] = s->row[c + j];
            key_cells(s, q_scenario, ql, c + j, &kc);
            put_key(s, &rows, &kc, v, x);
        }
    }
    csvout_rows_flush(&rows);
    fs_free(kc.head);
    fs_free(blk);
    fs_free(v);
    fs_free(x);
    return rc || ferror(f) ? -1 : 0;
}
