#include "merge.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvout.h"
#include "dictionary.h"
#include "models/limits.h"
#include "models/metrics.h"
#include "models/table.h"
#include "models/value.h"
#include "series.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "sim/stats.h"
#include "stationarity.h"

struct part {
    const char *dir;
    int first, last, total;         /* replications first..last (1-based) of total */
    char *scenario, *scenario_file; /* as its run-info says them, whole */
    uint64_t seed;
    unsigned long long events, patients, peak;
    double wall; /* its wall_seconds */
    int has_log;
    char *warnings; /* its run-info's warning lines, each with its newline ("" for none) */
};

static int bad(char *err, size_t errlen, const char *dir, const char *what) {
    snprintf(err, errlen, "%s: %s", dir, what);
    return FS_EINPUT;
}

/* dir/name into buf (FS_PATH_MAX bytes): FS_OK, or FS_EINPUT with "path too long". */
static int path_in(const char *dir, const char *name, char *buf, char *err, size_t errlen) {
    return fs_path(buf, FS_PATH_MAX, err, errlen, "%s/%s", dir, name);
}

/* Is dir/name there? A path too long is an error (FS_EINPUT, with its message), not "no". */
static int exists(const char *dir, const char *name, int *yes, char *err, size_t errlen) {
    char p[FS_PATH_MAX];
    struct stat st;
    int rc = path_in(dir, name, p, err, errlen);
    *yes = rc == 0 && stat(p, &st) == 0;
    return rc;
}

/* run-info is "key = value" lines: the value, whole however long (a scenario name of
 * thousands of characters), allocated (fs_free it); NULL when the line is not there. */
static char *info_value(const char *text, const char *key) {
    size_t kl = strlen(key);
    for (const char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, kl) || strncmp(line + kl, " = ", 3)) continue;
        const char *v = line + kl + 3, *end = strchr(v, '\n');
        size_t n = end ? (size_t)(end - v) : strlen(v);
        char *out = fs_malloc(n + 1);
        memcpy(out, v, n);
        out[n] = 0;
        return out;
    }
    return NULL;
}

/* A whole number of run-info, read strictly: a damaged part is refused, never misread. */
static int info_whole(const char *info, const struct part *p, const char *key,
                      unsigned long long *out, char *err, size_t errlen) {
    char why[FS_MSG_MAX];
    uint64_t x;
    char *v = info_value(info, key);
    if (!v) return bad(err, errlen, p->dir, "run-info is incomplete");
    int rc = val_uint64(v, &x, why, sizeof why);
    fs_free(v);
    if (rc != 0) {
        snprintf(err, errlen, "%s/run-info: %s: %s", p->dir, key, why);
        return -1;
    }
    *out = (unsigned long long)x;
    return 0;
}

/* replications_range = A:B of replications_total = N, with 1 <= A <= B <= N. */
static int info_range(const char *info, struct part *p, char *err, size_t errlen) {
    char why[FS_MSG_MAX];
    char *range = info_value(info, "replications_range"),
         *total = info_value(info, "replications_total");
    int rc = 0;
    long long a, b, n;
    if (!range || !total) {
        rc = bad(err, errlen, p->dir,
                 "run-info has no replications_range: not a part (run it with "
                 "--replications-range A:B)");
    } else if (val_int(total, 1, 1000000, &n, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s/run-info: replications_total: %s", p->dir, why);
        rc = -1;
    } else {
        char *colon = strchr(range, ':');
        if (colon) *colon = 0;
        if (!colon || val_int(range, 1, n, &a, why, sizeof why) != 0 ||
            val_int(colon + 1, a, n, &b, why, sizeof why) != 0) {
            if (colon) *colon = ':';
            snprintf(err, errlen,
                     "%s/run-info: replications_range: expected A:B with 1 <= A <= B <= %lld "
                     "(replications_total), got '%s'",
                     p->dir, n, range);
            rc = -1;
        } else {
            p->first = (int)a, p->last = (int)b, p->total = (int)n;
        }
    }
    fs_free(range);
    fs_free(total);
    return rc;
}

static int read_part(struct part *p, char *err, size_t errlen) {
    char path[FS_PATH_MAX], why[FS_MSG_MAX];
    if (path_in(p->dir, "run-info", path, err, errlen) != 0) return FS_EINPUT;
    char *info = results_read_file(path, NULL);
    if (!info) return bad(err, errlen, p->dir, "no run-info: not a flowsim results folder");
    int rc = info_range(info, p, err, errlen);
    char *seed = NULL, *wall = NULL;
    if (rc == 0) {
        p->scenario = info_value(info, "scenario");
        p->scenario_file = info_value(info, "scenario_file");
        p->warnings = results_info_lines(info, "warning");
        seed = info_value(info, "seed");
        wall = info_value(info, "wall_seconds");
        if (!p->scenario || !p->scenario_file || !seed || !wall)
            rc = bad(err, errlen, p->dir, "run-info is incomplete");
    }
    if (rc == 0 && val_uint64(seed, &p->seed, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s/run-info: seed: %s", p->dir, why);
        rc = -1;
    }
    if (rc == 0 && (val_number(wall, &p->wall, why, sizeof why) != 0 || p->wall < 0)) {
        snprintf(err, errlen, "%s/run-info: wall_seconds: expected a number >= 0, got '%s'", p->dir,
                 wall);
        rc = -1;
    }
    fs_free(seed);
    fs_free(wall);
    if (rc == 0) rc = info_whole(info, p, "events", &p->events, err, errlen);
    if (rc == 0) rc = info_whole(info, p, "patients", &p->patients, err, errlen);
    if (rc == 0) rc = info_whole(info, p, "peak_patients_in_system", &p->peak, err, errlen);
    fs_free(info);
    if (rc) return rc;
    const char *need[] = {"summary.csv", "timeseries.csv", "warmup.csv", "replications.csv",
                          "scenario.resolved.ini"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        int yes;
        if (exists(p->dir, need[i], &yes, err, errlen) != 0) return FS_EINPUT;
        if (!yes) {
            snprintf(err, errlen, "%s: %s is missing", p->dir, need[i]);
            return -1;
        }
    }
    return exists(p->dir, "patients.csv", &p->has_log, err, errlen);
}

static int by_first(const void *a, const void *b) {
    const struct part *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* Append src without its header line to dst, adding its lines to *rows; the header must be the
 * one dst started with. */
static int append_rows(FILE *dst, const char *src, const char *header, unsigned long long *rows,
                       char *err, size_t errlen) {
    FILE *f = table_fopen(src, "CSV file", err, errlen);
    if (!f) {
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = plat_getline(&line, &cap, f);
    int rc = 0;
    if (n <= 0 || strcmp(line, header)) {
        snprintf(err, errlen, "%s: its header differs from the first part's", src);
        rc = -1;
    } else if (csvout_copy_rest(dst, f, rows) != 0) { /* rows: for the Excel warning */
        snprintf(err, errlen, "%s: read or write error", src);
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

/* The first line of a file (with its newline), or NULL. */
static char *first_line(const char *path) {
    char why[FS_MSG_MAX];
    FILE *f = table_fopen(path, "CSV file", why, sizeof why);
    if (!f) return NULL;
    char *line = NULL;
    size_t cap = 0;
    if (plat_getline(&line, &cap, f) <= 0) {
        free(line);
        line = NULL;
    }
    fclose(f);
    return line;
}

/* Each replication's diagnostics (flow_diag), for the warnings of the merged run: the units'
 * names, from the first part's header, and the rows in replication order. */
struct diags {
    size_t nunits, dlen;
    char **names;
    double *row;
    size_t nrow, cap;
};

/* The diagnostic columns of a replications.csv header, after its nslots metric columns:
 * FLOW_DIAG_SYS, then FLOW_DIAG_UNIT per unit, each "UNIT:NAME". Into d (names) from the first
 * part; every other part's must be the same. */
static int diag_header(const struct table_row *h, size_t nslots, struct diags *d, const char *path,
                       char *err, size_t errlen) {
    size_t first = nslots + 1, nd = h->n > first ? h->n - first : 0;
    int ok = nd >= FLOW_DIAG_SYS && (nd - FLOW_DIAG_SYS) % FLOW_DIAG_UNIT == 0;
    for (size_t i = 0; ok && i < FLOW_DIAG_SYS; i++)
        ok = !strcmp(h->field[first + i], flow_diag_sys_names[i]);
    size_t nunits = ok ? (nd - FLOW_DIAG_SYS) / FLOW_DIAG_UNIT : 0;
    if (ok && d->names && nunits != d->nunits) ok = 0;
    char **names = fs_calloc(nunits + 1, sizeof *names);
    for (size_t u = 0; ok && u < nunits; u++)
        for (size_t i = 0; ok && i < FLOW_DIAG_UNIT; i++) {
            const char *c = h->field[first + FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u + i];
            size_t cl = strlen(c), sl = strlen(flow_diag_unit_names[i]);
            ok = cl > sl + 1 && c[cl - sl - 1] == ':' &&
                 !strcmp(c + cl - sl, flow_diag_unit_names[i]);
            if (!ok) break;
            if (i == 0) {
                names[u] = fs_malloc(cl - sl);
                memcpy(names[u], c, cl - sl - 1);
                names[u][cl - sl - 1] = 0;
            } else {
                ok = strlen(names[u]) == cl - sl - 1 && !strncmp(c, names[u], cl - sl - 1);
            }
            if (ok && d->names) ok = !strcmp(names[u], d->names[u]);
        }
    if (!ok || d->names) {
        for (size_t u = 0; u < nunits; u++) fs_free(names[u]);
        fs_free(names);
    }
    if (!ok) {
        snprintf(err, errlen,
                 "%s: expected the metric columns of summary.csv, then frozen_at, frozen_end and "
                 "each unit's diagnostics, as the first part's (a part of another flowsim?)",
                 path);
        return -1;
    }
    if (!d->names) {
        d->names = names;
        d->nunits = nunits;
        d->dlen = flow_diag_len(nunits);
    }
    return 0;
}

static void diags_fini(struct diags *d) {
    for (size_t u = 0; d->names && u < d->nunits; u++) fs_free(d->names[u]);
    fs_free(d->names);
    fs_free(d->row);
}

/* Fold each replication's summary values (replications.csv of every part, in order) into acc,
 * and keep its diagnostics in d. Slots are the rows of the first part's summary.csv, which
 * every part must share. */
static int fold_summaries(const struct part *parts, size_t n, const struct table *slots,
                          struct welford *acc, struct diags *d, char *err, size_t errlen) {
    size_t nslots = slots->n - 1;
    int next = 1;
    for (size_t k = 0; k < n; k++) {
        char path[FS_PATH_MAX];
        struct table t;
        if (path_in(parts[k].dir, "summary.csv", path, err, errlen) != 0) return FS_EINPUT;
        if (table_read(path, &t, err, errlen) != 0) return -1;
        int same = t.n == slots->n;
        for (size_t i = 1; same && i < t.n; i++)
            for (size_t j = 0; same && j < 3; j++)
                same = t.row[i].n > j && slots->row[i].n > j
                           ? !strcmp(t.row[i].field[j], slots->row[i].field[j])
                           : t.row[i].n <= j && slots->row[i].n <= j;
        table_fini(&t);
        if (!same)
            return bad(err, errlen, parts[k].dir,
                       "summary.csv has other metrics than the first part's (another scenario, "
                       "or --by-group in one and not the other)");
        if (path_in(parts[k].dir, "replications.csv", path, err, errlen) != 0) return FS_EINPUT;
        if (table_read(path, &t, err, errlen) != 0) return -1;
        int rc = 0;
        if (t.n == 0 || t.row[0].n < nslots + 1) {
            snprintf(err, errlen, "%s: expected %zu metric columns, as summary.csv has", path,
                     nslots);
            rc = -1;
        }
        if (rc == 0) rc = diag_header(&t.row[0], nslots, d, path, err, errlen);
        size_t ncol = rc == 0 ? t.row[0].n : 0;
        for (size_t r = 1; rc == 0 && r < t.n; r++, next++) {
            const struct table_row *row = &t.row[r];
            long long rep;
            char why[FS_MSG_MAX];
            if (val_int(row->field[0], 1, 1000000, &rep, why, sizeof why) != 0 || rep != next) {
                snprintf(err, errlen, "%s:%ld: replication: expected %d, got '%s'", path, row->line,
                         next, row->field[0]);
                rc = -1;
                break;
            }
            if (row->n > ncol) {
                snprintf(err, errlen, "%s:%ld: expected %zu columns like the header, got %zu", path,
                         row->line, ncol, row->n);
                rc = -1;
                break;
            }
            for (size_t i = 0; i < nslots && rc == 0; i++) {
                /* Empty (or dropped trailing) cells are undefined values: not counted. */
                if (!*table_field(row, (int)i + 1)) continue;
                double v;
                rc = table_number(path, row, (int)i + 1, t.row[0].field[i + 1], val_number, &v, err,
                                  errlen);
                if (rc == 0) welford_add(&acc[i], v);
            }
            fs_grow((void **)&d->row, &d->cap, (d->nrow + 1) * d->dlen, sizeof *d->row);
            double *dg = d->row + d->nrow++ * d->dlen;
            for (size_t i = 0; i < d->dlen && rc == 0; i++) {
                int col = (int)(nslots + 1 + i);
                dg[i] = NAN; /* an empty cell: no freeze */
                if (!*table_field(row, col)) continue;
                if (!strcmp(table_field(row, col), "inf")) { /* a load without end */
                    dg[i] = INFINITY;
                    continue;
                }
                rc = table_number(path, row, col, t.row[0].field[col], val_number, &dg[i], err,
                                  errlen);
            }
        }
        table_fini(&t);
        if (rc) return rc;
        if (next != parts[k].last + 1)
            return bad(err, errlen, parts[k].dir,
                       "replications.csv does not hold every replication of its range");
    }
    return 0;
}

/* The scenario's own warnings (scenario_warnings: a duration without a unit, ...), which a run
 * writes into run-info before its replications' (results_commit): each part's warning lines
 * less those its replications give, rows nrow of d from row first. They come from loading the
 * scenario, so every part of one run has the same; a part whose lines do not end with its
 * replications' warnings, or whose scenario warnings differ from the first part's, is refused.
 * Into *out (allocated) from the first part. */
static int scenario_warnings_of_parts(const struct part *parts, size_t n, const struct diags *d,
                                      char **out, char *err, size_t errlen) {
    size_t row = 0;
    *out = NULL;
    for (size_t k = 0; k < n; k++) {
        int nrow = parts[k].last - parts[k].first + 1;
        char *run = results_warnings_of(d->nunits, (const char *const *)d->names,
                                        d->row + row * d->dlen, nrow);
        row += (size_t)nrow;
        const char *w = parts[k].warnings;
        size_t wl = strlen(w), rl = strlen(run);
        int ok = wl >= rl && !strcmp(w + wl - rl, run);
        fs_free(run);
        if (!ok)
            return bad(err, errlen, parts[k].dir,
                       "run-info's warnings are not those of its replications.csv (a damaged "
                       "part?)");
        char *mine = fs_malloc(wl - rl + 1);
        memcpy(mine, w, wl - rl);
        mine[wl - rl] = 0;
        if (!*out) {
            *out = mine;
        } else {
            ok = !strcmp(mine, *out);
            fs_free(mine);
            if (!ok)
                return bad(err, errlen, parts[k].dir,
                           "run-info's warnings about the scenario differ from the first "
                           "part's: the parts are not of one run");
        }
    }
    return 0;
}

/* ---- timeseries.csv and series.csv ------------------------------------------------------- */

/* Where the CSV cell starting at p ends (at its ',', its newline or the end): a quoted cell
 * runs to its closing quote ("" inside is a quote). */
static const char *cell_end(const char *p) {
    if (*p == '"') {
        for (p++; *p; p++)
            if (*p == '"' && p[1] != '"')
                return p + 1;
            else if (*p == '"')
                p++;
        return p;
    }
    while (*p && *p != ',' && *p != '\n') p++;
    return p;
}

/* The cell [a, b) unquoted, allocated. */
static char *cell_text(const char *a, const char *b) {
    char *out = fs_malloc((size_t)(b - a) + 1), *o = out;
    if (a < b && *a == '"') {
        for (a++; a < b - 1; a++) {
            *o++ = *a;
            if (*a == '"') a++; /* "" is one quote */
        }
    } else {
        memcpy(o, a, (size_t)(b - a)), o += b - a;
    }
    *o = 0;
    return out;
}

/* Does the timeseries_metrics list (NULL: every metric) keep the metric named by a row's unit
 * and metric cells? The same rule as scenario_timeseries_keeps, by name. */
static int list_keeps(const char *list, const char *unit, const char *metric) {
    if (!list) return 1;
    const struct metric_def *d = metric_lookup(metric, !*unit);
    if (!d || !strcmp(list, "none")) return 0;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t')) t--;
        char tok[128];
        if ((size_t)(t - p) < sizeof tok) { /* as the scenario read it: metric_named */
            memcpy(tok, p, (size_t)(t - p));
            tok[t - p] = 0;
            if (metric_named(tok, 0) == d || metric_named(tok, 1) == d) return 1;
        }
        p = e;
    }
    return 0;
}

/* The merged timeseries.csv (into ts, NULL for none: the rows the resolved scenario's
 * timeseries_metrics keeps, every one when it has none; the parts keep them all) and the
 * values of series.csv, from every part's timeseries.csv in replication order: one row a key
 * (bucket, slot) per replication, in the same order in each, its scratch file in out (the
 * staging folder). *rows: the rows written. */
static int merge_series(const struct part *parts, size_t n, FILE *ts, const char *list,
                        const char *out, struct series *ser, unsigned long long *rows, char *err,
                        size_t errlen) {
    char **label = NULL;
    uint8_t *keep = NULL;
    double *first = NULL; /* replication 1's values, until its row count is known */
    size_t nkeys = 0, cap = 0, lcap = 0, k = 0, kcap = 0;
    int cur = 0, rc = 0;
    double *vals = NULL;
    *rows = 0;
    for (size_t p = 0; p < n && rc == 0; p++) {
        char path[FS_PATH_MAX];
        if ((rc = path_in(parts[p].dir, "timeseries.csv", path, err, errlen)) != 0) break;
        FILE *f = table_fopen(path, "CSV file", err, errlen);
        if (!f) {
            rc = -1;
            break;
        }
        char *line = NULL;
        size_t lc = 0;
        long ln = 1;
        if (plat_getline(&line, &lc, f) <= 0) rc = bad(err, errlen, path, "empty");
        if (rc == 0 && ts && p == 0) fputs(line, ts);
        while (rc == 0 && plat_getline(&line, &lc, f) > 0) {
            ln++;
            const char *a = cell_end(line), *r = *a == ',' ? a + 1 : NULL;
            const char *lab = r ? cell_end(r) : NULL, *last = strrchr(line, ',');
            int rep = r ? atoi(r) : 0;
            if (!lab || *lab != ',' || last <= lab || rep < 1) {
                snprintf(err, errlen,
                         "%s:%ld: expected scenario,replication,time,date,unit,"
                         "metric,value",
                         path, ln);
                rc = -1;
                break;
            }
            lab++;
            if (rep != cur) { /* a new replication: the last one's rows all there? */
                if (rep != cur + 1 || (cur > 1 && k != nkeys)) {
                    snprintf(err, errlen,
                             "%s:%ld: expected the rows of replication %d as replication 1's, "
                             "in order",
                             path, ln, rep != cur + 1 ? cur + 1 : cur);
                    rc = -1;
                    break;
                }
                if (cur == 1) { /* replication 1 is whole: now the keys are known */
                    nkeys = k;
                    series_init(ser, nkeys, out);
                    for (size_t i = 0; i < nkeys; i++) series_label(ser, i, label[i]);
                    memcpy(series_next(ser), first, nkeys * sizeof *first);
                }
                cur = rep, k = 0;
            }
            char *val = cell_text(last + 1, last + 1 + strcspn(last + 1, "\r\n"));
            double v = NAN;
            if (*val && (val_number(val, &v, err, errlen) != 0 || !isfinite(v))) {
                snprintf(err, errlen, "%s:%ld: value: expected a number, got '%.40s'", path, ln,
                         val);
                rc = -1;
            }
            if (rc == 0 && cur == 1) {
                const char *u = cell_end(cell_end(lab) + 1) + 1, *m = cell_end(u) + 1;
                char *uu = cell_text(u, cell_end(u)), *mm = cell_text(m, cell_end(m));
                fs_grow((void **)&label, &lcap, k + 2, sizeof *label);
                fs_grow((void **)&keep, &kcap, k + 2, sizeof *keep);
                fs_grow((void **)&first, &cap, k + 2, sizeof *first);
                label[k] = fs_malloc((size_t)(last - lab) + 1);
                memcpy(label[k], lab, (size_t)(last - lab));
                label[k][last - lab] = 0;
                keep[k] = (uint8_t)list_keeps(list, uu, mm);
                first[k] = v;
                fs_free(uu), fs_free(mm);
            } else if (rc == 0) {
                if (k == 0) vals = series_next(ser);
                if (k >= nkeys || strncmp(label[k], lab, (size_t)(last - lab)) ||
                    label[k][last - lab]) {
                    snprintf(err, errlen,
                             "%s:%ld: expected the rows of replication %d as replication 1's, "
                             "in order",
                             path, ln, cur);
                    rc = -1;
                } else {
                    vals[k] = v;
                }
            }
            if (rc == 0 && keep[k] && ts) fputs(line, ts), ++*rows;
            fs_free(val);
            k++;
        }
        free(line);
        if (ferror(f) && rc == 0) rc = bad(err, errlen, path, "read error");
        fclose(f);
    }
    if (rc == 0 && cur == 1) { /* one replication in all */
        nkeys = k;
        series_init(ser, nkeys, out);
        for (size_t i = 0; i < nkeys; i++) series_label(ser, i, label[i]);
        memcpy(series_next(ser), first, nkeys * sizeof *first);
    } else if (rc == 0 && cur > 1 && k != nkeys) {
        rc = bad(err, errlen, parts[n - 1].dir,
                 "timeseries.csv: the last replication has fewer rows than replication 1");
    }
    if (rc == 0 && !ser->row) series_init(ser, 0, out);
    for (size_t i = 0; label && i < (cur == 1 ? k : nkeys); i++) fs_free(label[i]);
    fs_free(label);
    fs_free(keep);
    fs_free(first);
    return rc;
}

/* An absolute path as a resolved scenario writes a table's: "/..." on POSIX, "C:/..." or
 * "\\\\server\\..." on Windows. Returns where its file name starts, or NULL. */
static const char *abs_path_name(const char *v, size_t len) {
    int posix = len > 1 && v[0] == '/';
    int drive = len > 3 && ((v[0] | 32) >= 'a' && (v[0] | 32) <= 'z') && v[1] == ':' &&
                (v[2] == '/' || v[2] == '\\');
    int unc = len > 2 && v[0] == '\\' && v[1] == '\\';
    if (!posix && !drive && !unc) return NULL;
    const char *name = v;
    for (size_t i = 0; i < len; i++)
        if (v[i] == '/' || v[i] == '\\') name = v + i + 1;
    return name;
}

/* Two parts' scenario.resolved.ini say the same scenario: the same lines, but for the folder a
 * table was read from (a table's path is made absolute where each part ran: parts made in
 * other folders, or on Windows and Linux and in a browser, name the same file by other paths;
 * its file name must agree). */
static int same_resolved(const char *a, const char *b) {
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la)) {
            const char *ea = memchr(a, '=', la), *eb = memchr(b, '=', lb);
            if (!ea || !eb || ea - a != eb - b || memcmp(a, b, (size_t)(ea - a))) return 0;
            const char *va = ea + 1 + (ea[1] == ' '), *vb = eb + 1 + (eb[1] == ' ');
            size_t na = la - (size_t)(va - a), nb = lb - (size_t)(vb - b);
            const char *fa = abs_path_name(va, na), *fb = abs_path_name(vb, nb);
            if (!fa || !fb || na - (size_t)(fa - va) != nb - (size_t)(fb - vb) ||
                memcmp(fa, fb, na - (size_t)(fa - va)))
                return 0;
        }
        a += la + (a[la] == '\n'), b += lb + (b[lb] == '\n');
    }
    return 1;
}

static int check_parts(struct part *parts, size_t n, char *err, size_t errlen) {
    qsort(parts, n, sizeof *parts, by_first);
    int want = 1;
    char *ini0 = NULL;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        const struct part *p = &parts[k];
        char msg[FS_MSG_MAX], path[FS_PATH_MAX];
        if (p->total != parts[0].total || p->seed != parts[0].seed ||
            strcmp(p->scenario, parts[0].scenario)) {
            rc = bad(err, errlen, p->dir,
                     "another scenario, seed or replication count than the first part's");
        } else if (p->first != want) {
            if (p->first < want)
                snprintf(msg, sizeof msg, "replications %d:%d overlap another part's", p->first,
                         p->last);
            else
                snprintf(msg, sizeof msg, "replications %d:%d are in no part", want, p->first - 1);
            rc = bad(err, errlen, p->dir, msg);
        } else if (p->has_log != parts[0].has_log) {
            rc = bad(err, errlen, p->dir,
                     "patients.csv is in some parts and not in others (--patient-log)");
        } else {
            char *ini = NULL;
            if (path_in(p->dir, "scenario.resolved.ini", path, err, errlen) != 0)
                rc = FS_EINPUT;
            else if (!(ini = results_read_file(path, NULL)))
                rc = bad(err, errlen, p->dir, "cannot read scenario.resolved.ini");
            else if (ini0 && !same_resolved(ini, ini0))
                rc = bad(err, errlen, p->dir,
                         "scenario.resolved.ini differs from the first part's: the parts are "
                         "not of one run");
            if (!ini0) {
                ini0 = ini;
                ini = NULL;
            }
            fs_free(ini);
        }
        want = p->last + 1;
    }
    fs_free(ini0);
    if (rc == 0 && want != parts[0].total + 1) {
        char msg[FS_MSG_MAX];
        snprintf(msg, sizeof msg, "replications %d:%d are in no part", want, parts[0].total);
        rc = bad(err, errlen, parts[n - 1].dir, msg);
    }
    return rc;
}

int merge_parts(const char *const *dirs, size_t n, const char *final, const char *out,
                const struct results_info *info, char **load_warnings, char **warnings, char *err,
                size_t errlen) {
    if (warnings) *warnings = NULL;
    if (load_warnings) *load_warnings = NULL;
    if (n == 0) return bad(err, errlen, final, "no parts to merge");
    struct part *parts = fs_calloc(n, sizeof *parts);
    int rc = 0;
    char *rout = plat_realpath(final, NULL); /* allocated: no PATH_MAX buffer to cut it */
    for (size_t k = 0; k < n && rc == 0; k++) {
        char *rdir = rout ? plat_realpath(dirs[k], NULL) : NULL;
        parts[k].dir = dirs[k];
        if (rdir && !strcmp(rdir, rout))
            rc = bad(err, errlen, dirs[k], "the output folder cannot be one of the parts");
        else
            rc = read_part(&parts[k], err, errlen);
        free(rdir);
    }
    free(rout);
    if (rc == 0) rc = check_parts(parts, n, err, errlen);
    struct table slots = {0};
    struct welford *acc = NULL;
    struct diags dg = {0};
    char path[FS_PATH_MAX] = "";
    if (rc == 0) rc = path_in(parts[0].dir, "summary.csv", path, err, errlen);
    if (rc == 0) rc = table_read(path, &slots, err, errlen);
    if (rc == 0 && slots.n < 1) rc = bad(err, errlen, path, "empty");
    if (rc == 0) {
        acc = fs_calloc(slots.n, sizeof *acc);
        rc = fold_summaries(parts, n, &slots, acc, &dg, err, errlen);
    }
    char *load = NULL;
    if (rc == 0) rc = scenario_warnings_of_parts(parts, n, &dg, &load, err, errlen);
    /* Everything read and checked: now write, each file under a temporary name. */
    const char *rows[] = {"timeseries.csv", "warmup.csv", "patients.csv"};
    struct csvout_file f[9] = {{0}};
    size_t nf = 0;
    char *rini = NULL, *list = NULL;
    struct series ser = {0};
    unsigned long long nrows = 0, warm_rows = 0, log_rows = 0, ser_rows = 0;
    if (rc == 0 && (rc = path_in(parts[0].dir, "scenario.resolved.ini", path, err, errlen)) == 0 &&
        !(rini = results_read_file(path, NULL)))
        rc = bad(err, errlen, parts[0].dir, "cannot read scenario.resolved.ini");
    if (rc == 0) list = results_resolved_value(rini, "timeseries_metrics");
    int none = list && !strcmp(list, "none");
    if (rc == 0 && !none) rc = csvout_open(&f[nf++], out, "timeseries.csv", err, errlen);
    if (rc == 0)
        rc =
            merge_series(parts, n, none ? NULL : f[nf - 1].f, list, out, &ser, &nrows, err, errlen);
    if (rc == 0) rc = csvout_open(&f[nf++], out, SERIES_FILE, err, errlen);
    if (rc == 0) {
        char *q = csvout_quote(parts[0].scenario);
        if (series_write(&ser, f[nf - 1].f, q) != 0) {
            snprintf(err, errlen, "%s: write failed (disk full? series.csv's temporary file)",
                     f[nf - 1].final);
            rc = FS_EIO;
        }
        fs_free(q);
    }
    ser_rows = ser.nkeys;
    series_fini(&ser);
    for (size_t i = 1; rc == 0 && i < 3; i++) {
        if (i == 2 && !parts[0].has_log) break;
        if ((rc = path_in(parts[0].dir, rows[i], path, err, errlen)) != 0) break;
        char *header = first_line(path);
        if (!header) {
            rc = bad(err, errlen, path, "empty");
            break;
        }
        if ((rc = csvout_open(&f[nf], out, rows[i], err, errlen)) != 0) {
            fs_free(header);
            break;
        }
        fputs(header, f[nf].f);
        for (size_t k = 0; k < n && rc == 0; k++)
            if ((rc = path_in(parts[k].dir, rows[i], path, err, errlen)) == 0)
                rc = append_rows(f[nf].f, path, header, i == 1 ? &warm_rows : &log_rows, err,
                                 errlen);
        nf++;
        free(header);
    }
    if (rc == 0) rc = csvout_open(&f[nf++], out, "summary.csv", err, errlen);
    if (rc == 0) {
        FILE *s = f[nf - 1].f;
        fputs(RESULTS_SUMMARY_HEADER, s);
        for (size_t i = 1; i < slots.n; i++) {
            const struct table_row *r = &slots.row[i];
            char *q[3];
            for (int j = 0; j < 3; j++) q[j] = csvout_quote(r->n > (size_t)j ? r->field[j] : "");
            results_summary_row(s, q[0], q[1], q[2], &acc[i - 1]);
            for (int j = 0; j < 3; j++) fs_free(q[j]);
        }
    }
    if (rc == 0) rc = csvout_open(&f[nf++], out, DICT_FILE, err, errlen);
    if (rc == 0) { /* the merged summary's metrics, the first part's rows */
        struct dict d = {0};
        for (size_t i = 1; i < slots.n; i++) {
            const struct table_row *r = &slots.row[i];
            dict_add(&d, r->n > 2 ? r->field[2] : "", r->n < 2 || !*r->field[1]);
        }
        dict_put(&d, f[nf - 1].f);
        dict_fini(&d);
    }
    if (rc == 0) rc = csvout_open(&f[nf++], out, "scenario.resolved.ini", err, errlen);
    if (rc == 0) {
        size_t len;
        char *ini = NULL;
        if ((rc = path_in(parts[0].dir, "scenario.resolved.ini", path, err, errlen)) == 0)
            ini = results_read_file(path, &len);
        if (ini) fwrite(ini, 1, len, f[nf - 1].f);
        fs_free(ini);
    }
    if (rc == 0) rc = csvout_open(&f[nf++], out, "run-info", err, errlen);
    if (rc == 0) {
        struct results_counts c = {.scenario = parts[0].scenario,
                                   .scenario_file = parts[0].scenario_file,
                                   .replications = parts[0].total};
        c.seed = parts[0].seed;
        for (size_t k = 0; k < n; k++) {
            c.events += parts[k].events;
            c.patients += parts[k].patients;
            if (parts[k].peak > c.peak_patients) c.peak_patients = parts[k].peak;
        }
        struct results_info mi = *info; /* negative: the run's time is the parts' time */
        if (mi.wall_seconds < 0) {
            mi.wall_seconds = 0;
            for (size_t k = 0; k < n; k++) mi.wall_seconds += parts[k].wall;
        }
        results_write_run_info(f[nf - 1].f, &mi, &c);
        stn_write_lines(f[nf - 1].f, dg.nunits, (const char *const *)dg.names, dg.row,
                        (int)dg.nrow);
        for (const char *l = load; *l; l = strchr(l, '\n') + 1) /* each line ends in '\n' */
            fprintf(f[nf - 1].f, "warning = %.*s\n", (int)(strchr(l, '\n') - l), l);
        if (load_warnings) *load_warnings = fs_strdup(load);
        /* The warnings of the whole run, from every replication's diagnostics: the same bytes
         * as one run's. */
        char *runw =
            results_warnings_of(dg.nunits, (const char *const *)dg.names, dg.row, (int)dg.nrow);
        char *ts = none ? fs_strdup("") : results_rows_warning("timeseries.csv", nrows),
             *sr = results_rows_warning(SERIES_FILE, ser_rows),
             *wr = results_rows_warning("warmup.csv", warm_rows);
        char *warn = fs_sprintf("%s%s%s%s", runw, ts, sr, wr);
        fs_free(runw);
        fs_free(ts);
        fs_free(sr);
        fs_free(wr);
        char *save = NULL;
        if (warnings) *warnings = fs_strdup(warn);
        for (char *line = strtok_r(warn, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            fprintf(f[nf - 1].f, "warning = %s\n", line);
        fs_free(warn);
    }
    for (size_t i = 0; i < nf; i++)
        if (rc == 0)
            rc = csvout_close(&f[i], err, errlen);
        else if (f[i].f)
            csvout_discard(&f[i]);
    fs_free(acc);
    diags_fini(&dg);
    if (rc != 0 && warnings) {
        fs_free(*warnings);
        *warnings = NULL;
    }
    if (rc != 0 && load_warnings) {
        fs_free(*load_warnings);
        *load_warnings = NULL;
    }
    fs_free(load);
    fs_free(rini);
    fs_free(list);
    table_fini(&slots);
    for (size_t k = 0; k < n; k++) {
        fs_free(parts[k].scenario);
        fs_free(parts[k].scenario_file);
        fs_free(parts[k].warnings);
    }
    fs_free(parts);
    /* The readers' plain -1 is a part that cannot be used. */
    return rc == FS_EBUG ? FS_EINPUT : rc;
}
