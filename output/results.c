#include "results.h"

#include <sys/stat.h>
#include <unistd.h>

#include <math.h>
#include <string.h>
#include <time.h>

#include "csvout.h"
#include "dictionary.h"
#include "models/load.h"
#include "models/table.h"
#include "models/value.h"
#include "series.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "sim/stats.h"
#include "stationarity.h"

struct results {
    char *dir; /* the folder written: a private one (a staging folder, a part's) */
    const struct scenario *sc;
    const struct metric_layout *ml;
    struct csvout_file ts;
    char *q_scenario;                /* quoted scenario name */
    char **q_unit;                   /* quoted unit names */
    char **q_metric;                 /* quoted metric names, per slot */
    char (*dates)[RESULTS_DATE_MAX]; /* date (and time, under a day) of each bucket start */
    struct welford *acc;             /* per slot, across replications */
    int nrep;
    uint64_t events, patients;
    size_t peak_patients;
    struct csvout_file warm; /* warmup.csv: occupancy from time 0, for judging the warm-up */
    /* A part of a run (--replications-range, or one MPI rank's share): replications
     * first_rep + 1 .. first_rep + nrep of the scenario's; replications.csv then keeps each
     * one's summary exactly, for flowsim merge. */
    int part, first_rep, part_nrep;
    struct csvout_file reps;
    /* Each replication's diagnostics (flow_diag: flow_diag_len values), in the order added,
     * what the warnings are judged from (results_warnings_of). */
    double *diag;
    size_t dlen, dcap;
    double *load_pct; /* each unit's offered load, % of capacity (load_pct): in every diag row */
    struct series series; /* every replication's timeseries values, for series.csv */
    uint8_t *kept; /* per slot: timeseries.csv keeps its rows ([scenario] timeseries_metrics) */
    size_t nkept;  /* how many slots it keeps */
    /* [scenario] report_interval: rows per window of buckets. nwin windows, window w made of
     * buckets win[w] .. win[w+1]-1; weight[b] is bucket b's length in days (the last may be
     * shorter). Without the key: agg 0, a window a bucket. */
    int agg;
    size_t nb, nwin, *win;
    double *weight;
    uint8_t *summed; /* per slot: a window's value is the sum of its buckets' (days at a level) */
};

static void free_rs(struct results *rs) {
    if (!rs) return;
    fs_free(rs->dir);
    fs_free(rs->q_scenario);
    if (rs->q_unit)
        for (size_t i = 0; i < rs->sc->nunits; i++) fs_free(rs->q_unit[i]);
    fs_free(rs->q_unit);
    if (rs->q_metric)
        for (size_t i = 0; i < rs->ml->n; i++) fs_free(rs->q_metric[i]);
    fs_free(rs->q_metric);
    fs_free(rs->dates);
    fs_free(rs->acc);
    fs_free(rs->diag);
    fs_free(rs->load_pct);
    fs_free(rs->kept);
    fs_free(rs->win);
    fs_free(rs->weight);
    fs_free(rs->summed);
    series_fini(&rs->series);
    fs_free(rs);
}

void results_format_date(const struct scenario *sc, double t, char out[static RESULTS_DATE_MAX]) {
    if (!(sc->interval < 1)) { /* a day or more: the date alone, as it always was */
        val_format_date(sc->start_day + (long)floor(t + 1e-9), out);
        return;
    }
    /* ISO 8601 to the minute: an interval under a day has several rows a date; to the second
     * under a minute, to the millisecond under a second, so that no two rows share a time. */
    int per = sc->interval < 1.0 / 86400 - 1e-15 ? 3 : sc->interval < 1.0 / 1440 - 1e-12 ? 2 : 1;
    double units = per == 3 ? 86400e3 : per == 2 ? 86400.0 : 1440.0; /* a day's */
    long long n = llround(t * units), day = (long long)units;
    if (n < 0) n = 0; /* times are from the start: never before it */
    long long in = n % day;
    /* unsigned and reduced, so that the compiler sees each field's two or three digits */
    unsigned ms = per == 3 ? (unsigned)(in % 1000) : 0u,
             sec = (unsigned)(per == 3 ? in / 1000 : in) % 86400u;
    val_format_date(sc->start_day + (long)(n / day), out);
    /* "T%02u:%02u[:%02u[.%03u]]" by hand: under a day, every row has one */
    unsigned f[3] = {sec / 3600 % 24u, sec / 60 % 60u, sec % 60u};
    if (per == 1) f[0] = sec / 60 % 24u, f[1] = sec % 60u; /* minutes of the day, in sec */
    char *p = out + 10;
    *p++ = 'T';
    for (int i = 0; i < (per == 1 ? 2 : 3); i++) {
        if (i) *p++ = ':';
        *p++ = (char)('0' + f[i] / 10), *p++ = (char)('0' + f[i] % 10);
    }
    if (per == 3) {
        unsigned m = ms % 1000u;
        *p++ = '.', *p++ = (char)('0' + m / 100), *p++ = (char)('0' + m / 10 % 10);
        *p++ = (char)('0' + m % 10);
    }
    *p = 0;
}

/* The windows of [scenario] report_interval: report_every buckets each, or the buckets whose
 * start falls in one calendar month (YYYY-MM of its date). */
static void make_windows(struct results *rs, size_t nb) {
    const struct scenario *sc = rs->sc;
    rs->nb = nb;
    rs->agg = sc->report_monthly || sc->report_every > 1;
    rs->win = fs_calloc(nb + 2, sizeof *rs->win);
    rs->weight = fs_calloc(nb + 1, sizeof *rs->weight);
    size_t w = 0;
    for (size_t b = 0; b < nb; b++) {
        double end = fmin(flow_bucket_start(sc, b + 1), sc->horizon);
        rs->weight[b] = end - flow_bucket_start(sc, b);
        int starts = b == 0;
        if (!starts && sc->report_monthly)
            starts = strncmp(rs->dates[b], rs->dates[b - 1], 7) != 0; /* YYYY-MM */
        else if (!starts)
            starts = !rs->agg || b % sc->report_every == 0;
        if (starts) rs->win[w++] = b;
    }
    rs->nwin = w;
    rs->win[w] = nb;
    rs->summed = fs_calloc(rs->ml->n + 1, 1);
    for (size_t i = 0; i < rs->ml->n; i++) {
        enum metric m = rs->ml->slot[i].metric;
        rs->summed[i] = m == MET_DAYS_AT_LEVEL_1 || m == MET_DAYS_AT_LEVEL_2 ||
                        m == MET_DAYS_AT_LEVEL_3 || m == MET_ESCALATION_DAYS_0 ||
                        m == MET_ESCALATION_DAYS_1 || m == MET_ESCALATION_DAYS_2 ||
                        m == MET_ESCALATION_DAYS_3 || m == MET_ESCALATION_DAYS_4;
    }
}

/* A replication's window values (nwin x nslots) from its bucket values (nb x nslots): each
 * metric's mean over the window weighted by its buckets' lengths, empty buckets left out (a
 * time average or a rate per day of the window, exactly); days at a level summed. */
static void aggregate(const struct results *rs, const double *vals, double *out) {
    size_t n = rs->ml->n;
    for (size_t w = 0; w < rs->nwin; w++)
        for (size_t i = 0; i < n; i++) {
            double sum = 0, len = 0;
            int any = 0;
            for (size_t b = rs->win[w]; b < rs->win[w + 1]; b++) {
                double v = vals[b * n + i];
                if (isnan(v)) continue;
                any = 1;
                sum += rs->summed[i] ? v : v * rs->weight[b];
                len += rs->weight[b];
            }
            out[w * n + i] = !any ? NAN : rs->summed[i] ? sum : sum / len;
        }
}

/* series.csv's labels: each window's (bucket's) and slot's "time,date,unit,metric" cells, as
 * the rows of timeseries.csv have them. */
static void series_labels(struct results *rs) {
    const struct metric_layout *ml = rs->ml;
    series_init(&rs->series, rs->nwin * ml->n, rs->dir);
    char **pre = fs_calloc(rs->nwin + 1, sizeof *pre), **suf = fs_calloc(ml->n + 1, sizeof *suf);
    for (size_t w = 0; w < rs->nwin; w++) {
        size_t b = rs->win[w];
        char t[CSVOUT_NUM_MAX + 1];
        t[csvout_fmt_num(t, flow_bucket_start(rs->sc, b))] = 0;
        pre[w] = fs_sprintf("%s,%s", t, rs->dates[b]);
    }
    for (size_t i = 0; i < ml->n; i++) {
        const struct metric_slot *s = &ml->slot[i];
        suf[i] = fs_sprintf("%s,%s", s->unit >= 0 ? rs->q_unit[s->unit] : "", rs->q_metric[i]);
    }
    series_grid(&rs->series, rs->nwin, (const char *const *)pre, ml->n, (const char *const *)suf);
    for (size_t w = 0; w < rs->nwin; w++) fs_free(pre[w]);
    for (size_t i = 0; i < ml->n; i++) fs_free(suf[i]);
    fs_free(pre), fs_free(suf);
}

int results_set_part(struct results *rs, int first_rep, int nrep, char *err, size_t errlen) {
    if (csvout_open(&rs->reps, rs->dir, "replications.csv", err, errlen) != 0) return -1;
    rs->part = 1;
    rs->first_rep = first_rep;
    rs->part_nrep = nrep;
    fputs("replication", rs->reps.f);
    for (size_t i = 0; i < rs->ml->n; i++) { /* column names, for people: UNIT:METRIC */
        const struct metric_slot *s = &rs->ml->slot[i];
        char *name = fs_sprintf("%s%s%s", s->unit >= 0 ? rs->sc->unit[s->unit].name : "",
                                s->unit >= 0 ? ":" : "", s->name);
        char *q = csvout_quote(name);
        fprintf(rs->reps.f, ",%s", q);
        fs_free(q);
        fs_free(name);
    }
    /* Then each replication's diagnostics, for the warnings of the merged run. */
    for (size_t i = 0; i < FLOW_DIAG_SYS; i++) fprintf(rs->reps.f, ",%s", flow_diag_sys_names[i]);
    for (size_t u = 0; u < rs->sc->nunits; u++)
        for (size_t i = 0; i < FLOW_DIAG_UNIT; i++) {
            char *name = fs_sprintf("%s:%s", rs->sc->unit[u].name, flow_diag_unit_names[i]);
            char *q = csvout_quote(name);
            fprintf(rs->reps.f, ",%s", q);
            fs_free(q);
            fs_free(name);
        }
    fputc('\n', rs->reps.f);
    return 0;
}

struct results *results_open(const char *dir, const struct scenario *sc,
                             const struct metric_layout *ml, char *err, size_t errlen) {
    struct results *rs = fs_calloc(1, sizeof *rs);
    rs->dir = fs_strdup(dir);
    rs->sc = sc;
    rs->ml = ml;
    rs->q_scenario = csvout_quote(sc->name);
    rs->q_unit = fs_calloc(sc->nunits, sizeof *rs->q_unit);
    for (size_t i = 0; i < sc->nunits; i++) rs->q_unit[i] = csvout_quote(sc->unit[i].name);
    rs->q_metric = fs_calloc(ml->n, sizeof *rs->q_metric);
    for (size_t i = 0; i < ml->n; i++) rs->q_metric[i] = csvout_quote(ml->slot[i].name);
    size_t nb = scenario_nbuckets(sc);
    rs->dates = fs_calloc(nb, sizeof *rs->dates);
    for (size_t b = 0; b < nb; b++) results_format_date(sc, flow_bucket_start(sc, b), rs->dates[b]);
    make_windows(rs, nb);
    series_labels(rs);
    rs->kept = fs_calloc(ml->n + 1, 1);
    for (size_t i = 0; i < ml->n; i++)
        rs->nkept += rs->kept[i] = scenario_timeseries_keeps(sc, ml->slot[i].metric);
    rs->acc = fs_calloc(ml->n, sizeof *rs->acc);
    rs->dlen = flow_diag_len(sc->nunits);
    rs->load_pct = fs_calloc(sc->nunits + 1, sizeof *rs->load_pct);
    load_pct(sc, rs->load_pct);
    /* Opened even with timeseries_metrics = none, which a part ignores (its merge makes
     * series.csv from its rows); a whole run's is discarded at the end. */
    if (csvout_open(&rs->ts, rs->dir, "timeseries.csv", err, errlen) != 0) {
        free_rs(rs);
        return NULL;
    }
    if (rs->ts.f) fputs("scenario,replication,time,date,unit,metric,value\n", rs->ts.f);
    if (csvout_open(&rs->warm, rs->dir, "warmup.csv", err, errlen) != 0) {
        if (rs->ts.f) csvout_discard(&rs->ts);
        free_rs(rs);
        return NULL;
    }
    fputs("scenario,replication,time,date,unit,metric,value\n", rs->warm.f);
    return rs;
}

/* One row, made in the rows' buffer (csvout_rows), or written in pieces when a very long name
 * does not fit it: never cut. */
static void put_row(struct csvout_rows *b, const char *prefix, size_t plen, const char *unit,
                    const char *metric, double v) {
    size_t ul = strlen(unit), ml = strlen(metric);
    char *p = csvout_rows_room(b, plen + ul + ml + CSVOUT_NUM_MAX + 4);
    if (!p) {
        fprintf(b->f, "%s%s,%s,", prefix, unit, metric);
        csvout_num(b->f, v);
        fputc('\n', b->f);
        return;
    }
    memcpy(p, prefix, plen), p += plen;
    memcpy(p, unit, ul), p += ul;
    *p++ = ',';
    memcpy(p, metric, ml), p += ml;
    *p++ = ',';
    p += csvout_fmt_num(p, v);
    *p++ = '\n';
    csvout_rows_put(b, p);
}

/* "scenario,replication,time,date," for a row at time t of replication rep (0-based), into
 * buf when it fits (len bytes), else into a buffer made here (*own, freed by the caller): no
 * name is long enough to cut a row. Returns the text; its length in *plen. */
static const char *row_prefix(const struct results *rs, int rep, double t, const char *date,
                              char *buf, size_t len, char **own, size_t *plen) {
    size_t need = strlen(rs->q_scenario) + CSVOUT_NUM_MAX + 48;
    *own = NULL;
    if (need > len) buf = *own = fs_malloc(len = need);
    /* "%s,%d,%s,%s," by hand: a prefix is made for every bucket and warm-up interval */
    size_t ql = strlen(rs->q_scenario), dl = strlen(date);
    char *p = buf;
    memcpy(p, rs->q_scenario, ql), p += ql, *p++ = ',';
    p += csvout_fmt_num(p, (double)rep + 1), *p++ = ',';
    p += csvout_fmt_num(p, t), *p++ = ',';
    memcpy(p, date, dl), p += dl, *p++ = ',';
    *plen = (size_t)(p - buf);
    return buf;
}

void results_keep_bucket(const struct results *rs, size_t b, const double *row, double *vals) {
    memcpy(vals + b * rs->ml->n, row, rs->ml->n * sizeof *vals);
}

size_t results_series_len(const struct results *rs) {
    return rs->nb * rs->ml->n;
}

int results_aggregates(const struct results *rs) {
    return rs->agg;
}

void results_write_windows(const struct results *rs, int rep, const double *vals, FILE *f) {
    if (!f) return;
    const struct metric_layout *ml = rs->ml;
    double *win = fs_calloc(rs->nwin * ml->n + 1, sizeof *win);
    aggregate(rs, vals, win);
    struct csvout_rows rows;
    csvout_rows_init(&rows, f);
    for (size_t w = 0; w < rs->nwin; w++) {
        char buf[512], *own;
        size_t plen, b = rs->win[w];
        const char *prefix = row_prefix(rs, rep, flow_bucket_start(rs->sc, b), rs->dates[b], buf,
                                        sizeof buf, &own, &plen);
        for (size_t i = 0; i < ml->n; i++) {
            const struct metric_slot *s = &ml->slot[i];
            if (!rs->kept[i] && !rs->part) continue;
            put_row(&rows, prefix, plen, s->unit >= 0 ? rs->q_unit[s->unit] : "", rs->q_metric[i],
                    win[w * ml->n + i]);
        }
        fs_free(own);
    }
    csvout_rows_flush(&rows);
    fs_free(win);
}

void results_write_bucket(const struct results *rs, int rep, size_t b, const double *row, FILE *f) {
    const struct metric_layout *ml = rs->ml;
    if (!f || rs->agg) return; /* timeseries_metrics = none; windows: results_write_windows */
    char buf[512], *own;       /* what is the same along a bucket's rows, made once (row_prefix
                                * allocates when a long scenario name needs more) */
    size_t plen;
    const char *prefix = row_prefix(rs, rep, flow_bucket_start(rs->sc, b), rs->dates[b], buf,
                                    sizeof buf, &own, &plen);
    struct csvout_rows rows;
    csvout_rows_init(&rows, f);
    for (size_t i = 0; i < ml->n; i++) {
        const struct metric_slot *s = &ml->slot[i];
        /* A part keeps every metric: the merge makes series.csv from them, then drops those
         * the scenario does not keep. */
        if (!rs->kept[i] && !rs->part) continue;
        put_row(&rows, prefix, plen, s->unit >= 0 ? rs->q_unit[s->unit] : "", rs->q_metric[i],
                row[i]);
    }
    csvout_rows_flush(&rows);
    fs_free(own);
}

void results_write_warm(const struct results *rs, int rep, size_t k, const double *occ, FILE *f) {
    const struct scenario *sc = rs->sc;
    double t = (double)k * sc->interval;
    char date[RESULTS_DATE_MAX], buf[512], *own; /* the prefix as in results_write_bucket */
    results_format_date(sc, t, date);
    size_t plen;
    const char *prefix = row_prefix(rs, rep, t, date, buf, sizeof buf, &own, &plen);
    struct csvout_rows rows;
    csvout_rows_init(&rows, f);
    for (size_t u = 0; u < sc->nunits; u++)
        put_row(&rows, prefix, plen, rs->q_unit[u], "occupancy", occ[u]);
    csvout_rows_flush(&rows);
    fs_free(own);
}

const char *results_dir(const struct results *rs) {
    return rs->dir;
}

FILE *results_series_file(struct results *rs) {
    return rs->ts.f;
}

FILE *results_warm_file(struct results *rs) {
    return rs->warm.f;
}

int results_add(struct results *rs, const struct flow_result *res, FILE *ts, FILE *warm,
                double *vals, char *err, size_t errlen) {
    const struct metric_layout *ml = rs->ml;
    int bad = 0;
    if (ts && rs->ts.f)
        bad |= csvout_append(rs->ts.f, ts);
    else if (ts)
        fclose(ts);
    else
        for (size_t b = 0; res->series && b < res->nbuckets; b++)
            results_write_bucket(rs, res->rep, b, res->series + b * res->nslots, rs->ts.f);
    if (!ts && res->series && rs->agg) results_write_windows(rs, res->rep, res->series, rs->ts.f);
    /* series.csv's values as computed: series_write reads them as written (series_round). */
    const double *from = vals;
    if (!from && res->series && res->nbuckets * res->nslots == results_series_len(rs))
        from = res->series; /* the same layout: bucket-major */
    size_t nk = rs->series.nkeys;
    if (from && (rs->agg || from != vals)) { /* windows, or res's own: values of its own */
        double *into = fs_malloc((nk + 1) * sizeof *into);
        if (rs->agg)
            aggregate(rs, from, into);
        else
            memcpy(into, from, nk * sizeof *into);
        fs_free(vals);
        vals = into;
    } else if (!from) { /* none given: empty cells rather than wrong ones */
        vals = fs_malloc((nk + 1) * sizeof *vals);
        for (size_t k = 0; k < nk; k++) vals[k] = NAN;
    }
    series_add(&rs->series, vals); /* taken: the run's values held once */
    if (warm)
        bad |= csvout_append(rs->warm.f, warm);
    else
        for (size_t k = 0; res->warm && k < res->nwarm; k++)
            results_write_warm(rs, res->rep, k, res->warm + k * rs->sc->nunits, rs->warm.f);
    for (size_t i = 0; i < ml->n; i++)
        if (!isnan(res->summary[i])) welford_add(&rs->acc[i], res->summary[i]);
    fs_grow((void **)&rs->diag, &rs->dcap, (size_t)(rs->nrep + 1) * rs->dlen, sizeof *rs->diag);
    double *dg = rs->diag + (size_t)rs->nrep * rs->dlen;
    flow_diag(res, rs->sc->nunits, dg);
    results_diag_load(dg, rs->sc->nunits, rs->load_pct);
    if (rs->part) { /* every bit, so that a merge computes the very same summary */
        fprintf(rs->reps.f, "%d", res->rep + 1);
        for (size_t i = 0; i < ml->n; i++)
            if (isnan(res->summary[i]))
                fputc(',', rs->reps.f);
            else
                fprintf(rs->reps.f, ",%.17g", res->summary[i]);
        for (size_t i = 0; i < rs->dlen; i++)
            if (isnan(dg[i]))
                fputc(',', rs->reps.f);
            else
                fprintf(rs->reps.f, ",%.17g", dg[i]);
        fputc('\n', rs->reps.f);
        bad |= ferror(rs->reps.f) != 0;
    }
    rs->nrep++;
    rs->events += res->events;
    rs->patients += res->patients;
    if (res->peak_patients > rs->peak_patients) rs->peak_patients = res->peak_patients;
    if (bad || (rs->ts.f && ferror(rs->ts.f)) || ferror(rs->warm.f)) {
        snprintf(err, errlen, "%s: write failed (disk full?)", rs->ts.final);
        return FS_EIO;
    }
    return 0;
}

void results_diag_load(double *row, size_t nunits, const double *pct) {
    for (size_t u = 0; u < nunits; u++)
        row[FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u + FDU_OFFERED_PCT] = pct[u];
}

/* A load as validate's table prints it ("196%"), into buf (32 bytes). */
static void fmt_pct(char *buf, size_t len, double p) {
    if (isinf(p))
        snprintf(buf, len, "inf%%");
    else if (p < 1e9) /* 10 digits at most; a load far beyond any capacity in short */
        snprintf(buf, len, "%.0f%%", p);
    else
        snprintf(buf, len, "%.3g%%", p);
}

/* The unit the most replications name (a vote; ties to the lowest index), -1 for none: of
 * column col of unit u's diagnostics, over the replications where want (NULL: all). */
static int mode_unit(size_t nunits, const double *diag, int nrep, size_t u, const uint8_t *want) {
    size_t dlen = flow_diag_len(nunits);
    int best = -1, bestn = 0;
    int *votes = fs_calloc(nunits + 1, sizeof *votes);
    int none = 0;
    for (int r = 0; r < nrep; r++) {
        if (want && !want[r]) continue;
        double a = diag[(size_t)r * dlen + FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u + FDU_AWAITS];
        if (a >= 0 && a < (double)nunits)
            votes[(size_t)a]++;
        else
            none++;
    }
    for (size_t v = 0; v < nunits; v++)
        if (votes[v] > bestn) best = (int)v, bestn = votes[v];
    fs_free(votes);
    return bestn > none ? best : -1;
}

char *results_warnings_of(size_t nunits, const char *const *names, const double *diag, int nrep) {
    /* As long as it takes: every unit that warns is named, however many (no buffer cuts it). */
    char *text = NULL;
    size_t len = 0;
    FILE *f = plat_memstream_open(&text, &len);
    size_t dlen = flow_diag_len(nunits);
#define D(r, k) diag[(size_t)(r)*dlen + (k)]
#define DU(r, u, k) D(r, FLOW_DIAG_SYS + FLOW_DIAG_UNIT * (u) + (k))
    /* A deadlock is a fact of the replications it happened in, not a statistic: told whenever
     * one froze. */
    int nfrozen = 0, nend = 0, nthaw = 0, nrefroze = 0;
    double first = INFINITY, last = -INFINITY, gap_lo = INFINITY, gap_hi = -INFINITY;
    for (int r = 0; r < nrep; r++) {
        if (isnan(D(r, FD_FROZEN_AT))) continue;
        nfrozen++;
        nend += D(r, FD_FROZEN_END) > 0;
        first = fmin(first, D(r, FD_FROZEN_AT));
        last = fmax(last, D(r, FD_FROZEN_AT));
        if (!(D(r, FD_THAWS) > 0)) continue;
        nthaw++;
        if (D(r, FD_FROZEN_END) > 0) { /* frozen again after its last thaw */
            double gap = D(r, FD_FROZEN_LAST) - D(r, FD_THAWED_LAST);
            nrefroze++;
            gap_lo = fmin(gap_lo, gap);
            gap_hi = fmax(gap_hi, gap);
        }
    }
    if (f && nfrozen > 0) {
        fputs("deadlock: ", f);
        int k = 0;
        uint8_t *in = fs_calloc(nunits + 1, 1);
        for (size_t u = 0; u < nunits; u++) {
            for (int r = 0; r < nrep && !in[u]; r++) in[u] = DU(r, u, FDU_DEADLOCKED) > 0;
            if (in[u]) fprintf(f, "%s%s", k++ ? ", " : "units ", names[u]);
        }
        fprintf(f,
                " froze in %d of %d replications, first on day %.0f (the latest on day %.0f), "
                "each full and every patient in them waiting for a place in another of them, "
                "so nobody could move; ",
                nfrozen, nrep, floor(first), floor(last));
        /* A freeze that places added ended, and one that came back. */
        if (nthaw > 0 && nrefroze == 0)
            fprintf(f, "%d thawed when places were added and none froze again; ", nthaw);
        else if (nthaw > 0 && gap_hi - gap_lo < 0.5)
            fprintf(f, "%d thawed when places were added, %d of them froze again %.0f days later; ",
                    nthaw, nrefroze, gap_lo);
        else if (nthaw > 0)
            fprintf(f,
                    "%d thawed when places were added, %d of them froze again %.0f to %.0f days "
                    "later; ",
                    nthaw, nrefroze, gap_lo, gap_hi);
        fprintf(f,
                nthaw > 0 ? "%d were frozen at the horizon: " : "%d stayed frozen to the horizon: ",
                nend);
        /* Whether demand outran their capacity is checked, not assumed: each unit's offered load
         * (the scenario's, validate's rough-cut table, carried in every row). */
        int known = 1, over = 0;
        for (size_t u = 0; u < nunits; u++) {
            if (!in[u]) continue;
            double p = nrep > 0 ? DU(0, u, FDU_OFFERED_PCT) : NAN;
            known &= !isnan(p);
            over |= p > 100 * (1 + 1e-9); /* not the rounding of a load exactly at capacity */
        }
        if (known) {
            if (over)
                fputs("the routing between them locks, and demand also exceeds capacity: ", f);
            k = 0;
            for (size_t u = 0; u < nunits; u++) {
                if (!in[u]) continue;
                char pct[32];
                fmt_pct(pct, sizeof pct, DU(0, u, FDU_OFFERED_PCT));
                if (k++ == 0)
                    fprintf(f, "%s was offered %s of its capacity", names[u], pct);
                else
                    fprintf(f, ", %s %s", names[u], pct);
            }
            fputs(over ? " by validate's rough-cut load"
                       : " by validate's rough-cut load, so demand did not outrun their capacity: "
                         "the routing between them locks",
                  f);
        } else {
            fputs("the routing between them locks", f);
        }
        fputs(" (deadlocked_pct is the share of the report period spent frozen)\n", f);
        fs_free(in);
    }
    uint8_t *want = fs_calloc((size_t)nrep + 1, 1);
    for (size_t u = 0; f && u < nunits; u++) {
        /* Growth explained by a deadlock is not demand: not counted (the unit froze, or what
         * its patients wait for did). */
        int n = 0;
        double q_first = 0, q_last = 0;
        for (int r = 0; r < nrep; r++) {
            q_first += DU(r, u, FDU_Q_FIRST);
            q_last += DU(r, u, FDU_Q_LAST);
            int explained = DU(r, u, FDU_DEADLOCKED) > 0;
            for (size_t v = u, hops = 0; !explained && hops < nunits; hops++) {
                double a = DU(r, v, FDU_AWAITS);
                if (!(a >= 0 && a < (double)nunits)) break;
                v = (size_t)a;
                explained = DU(r, v, FDU_DEADLOCKED) > 0;
            }
            want[r] = DU(r, u, FDU_UNSTABLE) > 0 && !explained;
            n += want[r];
        }
        /* Most replications: an odd few are chance, not the system. */
        if (2 * n <= nrep) continue;
        fprintf(f,
                "unit %s: its queue grew without settling in %d of %d replications "
                "(%.3g waiting on average in the last quarter of the report period, "
                "%.3g in the first): ",
                names[u], n, nrep, q_last / nrep, q_first / nrep);
        /* The bottleneck: follow what its delayed patients wait for, downstream. */
        int b = mode_unit(nunits, diag, nrep, u, want), hops = 0;
        if (b < 0) {
            fputs("demand outran its capacity by the end", f);
        } else {
            fprintf(f, "its places were held by patients waiting for %s", names[b]);
            uint8_t *seen = fs_calloc(nunits, 1);
            seen[u] = seen[b] = 1;
            for (int c; hops < (int)nunits &&
                        (c = mode_unit(nunits, diag, nrep, (size_t)b, want)) >= 0 && !seen[c];
                 hops++) {
                fprintf(f, ", whose patients wait for %s", names[c]);
                seen[c] = 1, b = c;
            }
            fs_free(seen);
            fprintf(f, ", so %s's capacity downstream is the constraint, not %s's; the results",
                    names[b], names[u]);
        }
        fputs(b < 0 ? ", so the results" : "", f);
        fputs(" depend on the horizon (a seasonal peak at the end does this too)\n", f);
    }
    /* Each unit whose level drifted over the report period (a trend across replications). */
    if (f) stn_write_warnings(f, nunits, names, diag, nrep);
#undef D
#undef DU
    fs_free(want);
    if (f) plat_memstream_close(f, &text, &len);
    char *out = fs_strdup(text ? text : "");
    free(text);
    return out;
}

/* run-info's stationarity lines, one a unit (output/stationarity.h). */
static void write_stationarity(const struct results *rs, FILE *f) {
    const char **names = fs_calloc(rs->sc->nunits + 1, sizeof *names);
    for (size_t u = 0; u < rs->sc->nunits; u++) names[u] = rs->sc->unit[u].name;
    stn_write_lines(f, rs->sc->nunits, names, rs->diag, rs->nrep);
    fs_free(names);
}

char *results_warnings(const struct results *rs) {
    const char **names = fs_calloc(rs->sc->nunits + 1, sizeof *names);
    for (size_t u = 0; u < rs->sc->nunits; u++) names[u] = rs->sc->unit[u].name;
    char *w = results_warnings_of(rs->sc->nunits, names, rs->diag, rs->nrep);
    fs_free(names);
    /* A part's timeseries.csv is not the run's: its merge judges the whole file's rows. */
    if (rs->part) return w;
    char *ts = rs->sc->timeseries_none
                   ? fs_strdup("")
                   : results_rows_warning("timeseries.csv",
                                          (unsigned long long)rs->nrep * rs->nwin * rs->nkept),
         *ser = results_rows_warning(SERIES_FILE, rs->series.nkeys),
         *warm = results_rows_warning("warmup.csv", (unsigned long long)rs->nrep *
                                                        flow_nwarm(rs->sc) * rs->sc->nunits);
    char *out = fs_sprintf("%s%s%s%s", w, ts, ser, warm);
    fs_free(w);
    fs_free(ts);
    fs_free(ser);
    fs_free(warm);
    return out;
}

char *results_rows_warning(const char *file, unsigned long long rows) {
    if (rows + 1 <= RESULTS_EXCEL_ROWS) return fs_strdup("");
    /* Each file's own remedies: series.csv has one row a window, unit and metric whatever the
     * replications; warmup.csv one a bucket, unit and replication whatever report_interval. */
    const char *fix =
        !strcmp(file, SERIES_FILE)
            ? "write weeks or months ([scenario] report_interval = 7d or month), or use a "
              "longer [scenario] interval"
        : !strcmp(file, "warmup.csv")
            ? "use a longer [scenario] interval or fewer replications (warmup.csv has every "
              "unit's occupancy at every interval of every replication)"
            : "plot series.csv (each interval's mean and 5-95% band across replications) "
              "instead, keep fewer metrics in timeseries.csv ([scenario] timeseries_metrics = "
              "occupancy_pct, ...), write weeks or months ([scenario] report_interval = 7d or "
              "month), or use a longer [scenario] interval or fewer replications";
    return fs_sprintf("%s has %llu rows and a header, more than the %d rows (header included) "
                      "Excel holds in a sheet: Excel opens the first %d and drops the rest; %s\n",
                      file, rows, RESULTS_EXCEL_ROWS, RESULTS_EXCEL_ROWS - 1, fix);
}

void results_summary_get(const struct results *rs, size_t slot, struct welford *w) {
    *w = rs->acc[slot];
}

uint64_t results_events(const struct results *rs) {
    return rs->events;
}

uint64_t results_patients(const struct results *rs) {
    return rs->patients;
}

void results_summary_row(FILE *f, const char *q_scenario, const char *q_unit, const char *q_metric,
                         const struct welford *w) {
    fprintf(f, "%s,%s,%s,", q_scenario, q_unit, q_metric);
    /* Undefined statistics are empty cells: no mean over nothing, no sd or CI from one. */
    if (w->n > 0) csvout_num(f, w->mean);
    fputc(',', f);
    if (w->n > 1) csvout_num(f, welford_sd(w));
    /* The interval cut at the metric's range (merge writes its rows here too, from the same
     * names, so a merged summary stays the same bytes). */
    double lo, hi, lo_b, hi_b;
    metric_bounds(q_metric, !*q_unit, &lo_b, &hi_b);
    if (stats_ci95_bounded(w, lo_b, hi_b, &lo, &hi) == 0) {
        fputc(',', f);
        csvout_num(f, lo);
        fputc(',', f);
        csvout_num(f, hi);
    } else {
        fputs(",,", f);
    }
    fprintf(f, ",%llu\n", (unsigned long long)w->n);
}

static void write_summary(struct results *rs, FILE *f) {
    fputs(RESULTS_SUMMARY_HEADER, f);
    for (size_t i = 0; i < rs->ml->n; i++) {
        const struct metric_slot *s = &rs->ml->slot[i];
        results_summary_row(f, rs->q_scenario, s->unit >= 0 ? rs->q_unit[s->unit] : "",
                            rs->q_metric[i], &rs->acc[i]);
    }
}

void results_write_run_info(FILE *f, const struct results_info *info,
                            const struct results_counts *n) {
    char when[64]; /* YYYY-MM-DDTHH:MM:SSZ: 20 characters */
    time_t now = time(NULL);
    struct tm tm;
    plat_gmtime(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f, "flowsim_version = %s\n", info->version);
    fprintf(f, "git_revision = %s\n", info->git_rev);
    fprintf(f, "scenario = %s\n", n->scenario);
    fprintf(f, "scenario_file = %s\n", n->scenario_file);
    fprintf(f, "command = %s\n", info->command);
    fprintf(f, "finished_utc = %s\n", when);
    fprintf(f, "seed = %llu\n", (unsigned long long)n->seed);
    fprintf(f, "replications = %d\n", n->replications);
    if (n->part_nrep > 0) {
        fprintf(f, "replications_range = %d:%d\n", n->first_rep + 1, n->first_rep + n->part_nrep);
        fprintf(f, "replications_total = %d\n", n->total);
    }
    if (info->ranks > 1) fprintf(f, "mpi_ranks = %d\n", info->ranks);
    if (info->merged_from) fprintf(f, "merged_from = %s\n", info->merged_from);
    fprintf(f, "threads = %d\n", info->threads);
    fprintf(f, "wall_seconds = %.3f\n", info->wall_seconds);
    fprintf(f, "events = %llu\n", (unsigned long long)n->events);
    fprintf(f, "patients = %llu\n", (unsigned long long)n->patients);
    fprintf(f, "peak_patients_in_system = %llu\n", (unsigned long long)n->peak_patients);
}

int results_commit(struct results *rs, const struct results_info *info, char *err, size_t errlen) {
    struct csvout_file sum = {0}, dic = {0}, ini = {0}, run = {0}, ser = {0};
    int rc = csvout_open(&sum, rs->dir, "summary.csv", err, errlen);
    if (rc == 0) rc = csvout_open(&ser, rs->dir, SERIES_FILE, err, errlen);
    if (rc == 0) rc = csvout_open(&dic, rs->dir, DICT_FILE, err, errlen);
    if (rc == 0) rc = csvout_open(&ini, rs->dir, "scenario.resolved.ini", err, errlen);
    if (rc == 0) rc = csvout_open(&run, rs->dir, "run-info", err, errlen);
    if (rc == 0) {
        write_summary(rs, sum.f);
        int ser_bad = series_write(&rs->series, ser.f, rs->q_scenario) != 0;
        struct dict d = {0}; /* what summary.csv and timeseries.csv name */
        dict_add_layout(&d, rs->ml);
        dict_put(&d, dic.f);
        dict_fini(&d);
        /* A part records the whole run's count, so that every part's resolved scenario is the
         * same file and a merge can check that they belong together. */
        scenario_write_resolved(rs->sc, ini.f, rs->part ? rs->sc->replications : rs->nrep);
        struct results_counts n = {.scenario = rs->sc->name,
                                   .scenario_file = rs->sc->path,
                                   .seed = rs->sc->seed,
                                   .replications = rs->nrep,
                                   .first_rep = rs->first_rep,
                                   .part_nrep = rs->part ? rs->part_nrep : 0,
                                   .total = rs->sc->replications,
                                   .events = rs->events,
                                   .patients = rs->patients,
                                   .peak_patients = rs->peak_patients};
        results_write_run_info(run.f, info, &n);
        write_stationarity(rs, run.f);
        char *run_warn = results_warnings(rs);
        char *warn = results_all_warnings(rs->sc, run_warn);
        for (char *line = strtok(warn, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(run.f, "warning = %s\n", line);
        fs_free(warn);
        fs_free(run_warn);
        /* Rename only once everything is written; timeseries first, run-info last. */
        if (!rs->part && rs->sc->timeseries_none) csvout_discard(&rs->ts); /* none kept */
        rc = rs->ts.f ? csvout_close(&rs->ts, err, errlen) : 0;
        if (rc == 0 && ser_bad) {
            snprintf(err, errlen, "%s: write failed (disk full? series.csv's temporary file)",
                     ser.final);
            rc = FS_EIO;
        }
        if (rc == 0) rc = csvout_close(&ser, err, errlen);
        if (rc == 0) rc = csvout_close(&rs->warm, err, errlen);
        if (rc == 0 && rs->part) rc = csvout_close(&rs->reps, err, errlen);
        if (rc == 0) rc = csvout_close(&sum, err, errlen);
        if (rc == 0) rc = csvout_close(&dic, err, errlen);
        if (rc == 0) rc = csvout_close(&ini, err, errlen);
        if (rc == 0) rc = csvout_close(&run, err, errlen);
    }
    if (rc != 0) {
        if (rs->ts.f) csvout_discard(&rs->ts);
        if (rs->warm.f) csvout_discard(&rs->warm);
        if (rs->reps.f) csvout_discard(&rs->reps);
        if (sum.f) csvout_discard(&sum);
        if (ser.f) csvout_discard(&ser);
        if (dic.f) csvout_discard(&dic);
        if (ini.f) csvout_discard(&ini);
        if (run.f) csvout_discard(&run);
    }
    free_rs(rs);
    return rc;
}

void results_abort(struct results *rs) {
    if (!rs) return;
    if (rs->ts.f) csvout_discard(&rs->ts);
    if (rs->warm.f) csvout_discard(&rs->warm);
    if (rs->reps.f) csvout_discard(&rs->reps);
    free_rs(rs);
}

char *results_all_warnings(const struct scenario *sc, const char *run) {
    size_t nlw;
    const char *const *lw = scenario_warnings(sc, &nlw);
    char *text = NULL;
    size_t len = 0;
    FILE *f = plat_memstream_open(&text, &len);
    for (size_t k = 0; f && k < nlw; k++) fprintf(f, "%s\n", lw[k]);
    if (f) fputs(run, f), plat_memstream_close(f, &text, &len);
    char *out = fs_strdup(text ? text : "");
    free(text);
    return out;
}

char *results_read_file(const char *path, size_t *len) {
    char why[FS_MSG_MAX]; /* a FIFO or a folder put where a part's file should be is not read */
    FILE *f = table_fopen(path, "file", why, sizeof why);
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *s = fs_malloc(cap);
    size_t k;
    while ((k = fread(s + n, 1, cap - n - 1, f)) > 0)
        if ((n += k) + 1 == cap) s = fs_realloc(s, cap *= 2);
    int e = ferror(f);
    fclose(f);
    if (e) {
        fs_free(s);
        return NULL;
    }
    s[n] = 0;
    if (len) *len = n;
    return s;
}

char *results_info_lines(const char *text, const char *key) {
    size_t kl = strlen(key), n = 0;
    char *out = fs_malloc(strlen(text) + 2);
    for (const char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, kl) || strncmp(line + kl, " = ", 3)) continue;
        const char *v = line + kl + 3, *end = strchr(v, '\n');
        size_t len = end ? (size_t)(end - v) : strlen(v);
        memcpy(out + n, v, len);
        n += len;
        out[n++] = '\n';
    }
    out[n] = 0;
    return out;
}

char *results_resolved_value(const char *ini, const char *key) {
    int in = 0;
    size_t kl = strlen(key);
    for (const char *l = ini; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (*l == '[') in = !strncmp(l, "[scenario]", 10);
        if (!in || strncmp(l, key, kl) || strncmp(l + kl, " = ", 3)) continue;
        const char *v = l + kl + 3;
        return fs_sprintf("%.*s", (int)strcspn(v, "\n"), v);
    }
    return NULL;
}
