/* scenario_tables.c — the CSV tables a scenario's keys name: one keyed-CSV reader (path,
 * strict read, header row, column count, one function a row, FILE:LINE: key: TABLE:ROW: why),
 * and its users: dated tables (by_date, capacity_schedule), empirical(FILE.csv), hour_of_week
 * and the [scenario] initial census. Calls only scenario_read.c and scenario_query.c. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "scenario_int.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "table.h"
#include "value.h"

/* A CSV path relative to the file that names it (relative to the working directory for
 * --set), made absolute, so the resolved scenario works from anywhere. A path longer than
 * FS_PATH_MAX is refused ("START...: path too long"), never cut. */
static int resolve_path(struct ctx *c, const struct doc_entry *e, const char *value, char *out,
                        size_t len) {
    char why[FS_MSG_MAX];
    int rc;
    if (value[0] == '/' || strncmp(e->file, "--set", 5) == 0) {
        rc = fs_path(out, len, why, sizeof why, "%s", value);
    } else {
        char *dircopy = fs_strdup(e->file);
        rc = fs_path(out, len, why, sizeof why, "%s/%s", dirname(dircopy), value);
        fs_free(dircopy);
    }
    char *real = rc == FS_OK ? plat_realpath(out, NULL) : NULL;
    if (real) {
        rc = fs_path(out, len, why, sizeof why, "%s", real);
        free(real);
    }
    return rc == FS_OK ? 0 : key_fail(c, e, why);
}

static int read_table(struct ctx *c, struct doc_entry *e, const char *value, struct table *t,
                      char *path, size_t pathlen) {
    /* An empty value names no file (resolved, it would be the scenario's folder). */
    if (!value[0]) return key_got(c, e, "expected a CSV file name");
    if (resolve_path(c, e, value, path, pathlen) != 0) return -1;
    char why[FS_MSG_MAX];
    if (table_read(path, t, why, sizeof why) != 0) return key_fail(c, e, why);
    /* A table is read (and kept) once per key that names it: a million-row table named by
     * thousands of streams would be billions of rows. */
    if ((c->table_rows += t->n) > FS_MAX_TABLE_ROWS) {
        snprintf(why, sizeof why,
                 "%s: expected at most %d rows in all the scenario's tables together (a table "
                 "counts each time a key names it; there are %zu so far)",
                 path, FS_MAX_TABLE_ROWS, c->table_rows);
        table_fini(t);
        return key_fail(c, e, why);
    }
    if (t->n == 0) {
        snprintf(why, sizeof why, "%s: the CSV file has no rows", path);
        table_fini(t);
        return key_fail(c, e, why);
    }
    return 0;
}

/* A header row is allowed: the first row is skipped when it looks like one, a row of column
 * names: its value column does not parse and holds no digit (so a mistyped value, '3dd' or
 * '12/15/2024', is a data row refused with its message, not a header skipped), and it has as
 * many columns as a row should (a one-row file of semicolons is a row to refuse, not a
 * header followed by nothing). */
static int is_header(const struct table *t, size_t col, parse_fn fn, size_t min_cols,
                     size_t max_cols) {
    char why[FS_MSG_MAX];
    double v;
    const struct table_row *r = &t->row[0];
    if (min_cols && (r->n < min_cols || r->n > max_cols)) return 0;
    if (col >= r->n || fn(r->field[col], &v, why, sizeof why) == 0) return 0;
    return strpbrk(r->field[col], "0123456789") == NULL;
}

static int cell_fail(struct ctx *c, struct doc_entry *e, const char *path, long line,
                     const char *why) {
    char msg[FS_MSG_MAX];
    snprintf(msg, sizeof msg, "%s:%ld: %s", path, line, why);
    return key_fail(c, e, msg);
}

/* A CSV table named by a key: the shape of its rows and what each row does. The reader
 * (read_keyed_table) resolves the path, reads it strictly, skips a header, checks each row's
 * columns and calls row; every message about a cell is FILE:LINE: key: TABLE:ROW: why. */
struct table_spec {
    const char *cols; /* the columns, as the count message names them: "date,value" */
    size_t min_cols;  /* 0: any number (only the value column is read) */
    size_t max_cols;
    int header_col; /* the first row is a header when this column does not parse; -1 the last */
    parse_fn header_fn;
    const char *row_what;  /* a data row, as "expected at least one ..." names it: "patient row" */
    size_t nrows;          /* data rows expected (0: any), checked before the first row... */
    const char *rows_what; /* ...and named so: "multipliers (one per hour, ...)" */
    const char *value_as;  /* the key's value becomes "value_as(PATH)"; NULL: PATH */
    /* Before the rows: room for n of them. */
    void (*begin)(void *arg, size_t n);
    /* Data row k: 0, or -1 with why. */
    int (*row)(struct ctx *c, void *arg, const struct table_row *r, size_t k, char *why,
               size_t len);
    /* After every row was read: 0, or -1 with why (reported at the first row). */
    int (*end)(void *arg, char *why, size_t len);
};

/* Read the table that value (e's value, or a part of it) names, row by row as spec says; on
 * success the key's value becomes the absolute path, so the resolved scenario works from
 * anywhere. */
static int read_keyed_table(struct ctx *c, struct doc_entry *e, const char *value,
                            const struct table_spec *spec, void *arg) {
    struct table t;
    char path[FS_PATH_MAX], why[FS_MSG_MAX];
    if (read_table(c, e, value, &t, path, sizeof path) != 0) return -1;
    size_t col = spec->header_col < 0 ? t.row[0].n - 1 : (size_t)spec->header_col;
    size_t first = is_header(&t, col, spec->header_fn, spec->min_cols, spec->max_cols) ? 1 : 0;
    int rc = 0;
    if (!spec->nrows && t.n == first) {
        /* A header and nothing else: an export that lost its rows, not an empty census. */
        snprintf(why, sizeof why, "expected at least one %s after the header, got none",
                 spec->row_what);
        rc = cell_fail(c, e, path, t.row[0].line, why);
    } else if (spec->nrows && t.n - first != spec->nrows) {
        snprintf(why, sizeof why, "expected %zu %s, got %zu", spec->nrows, spec->rows_what,
                 t.n - first);
        rc = cell_fail(c, e, path, t.row[t.n - 1].line, why);
    }
    if (rc == 0 && spec->begin) spec->begin(arg, t.n - first);
    for (size_t i = first; i < t.n && rc == 0; i++) {
        const struct table_row *r = &t.row[i];
        if (spec->min_cols && (r->n < spec->min_cols || r->n > spec->max_cols)) {
            char count[64];
            if (spec->min_cols == spec->max_cols)
                snprintf(count, sizeof count, "%zu", spec->min_cols);
            else if (spec->max_cols == spec->min_cols + 1)
                snprintf(count, sizeof count, "%zu or %zu", spec->min_cols, spec->max_cols);
            else
                snprintf(count, sizeof count, "%zu to %zu", spec->min_cols, spec->max_cols);
            /* Excel in many European locales saves "CSV" with semicolons. */
            int semi = r->n == 1 && strchr(r->field[0], ';');
            snprintf(why, sizeof why, "expected %s columns (%s), got %zu%s", count, spec->cols,
                     r->n, semi ? " (semicolons: save it as CSV with commas)" : "");
            rc = cell_fail(c, e, path, r->line, why);
        } else if (spec->row(c, arg, r, i - first, why, sizeof why) != 0) {
            rc = cell_fail(c, e, path, r->line, why);
        }
    }
    if (rc == 0 && spec->end && spec->end(arg, why, sizeof why) != 0)
        rc = cell_fail(c, e, path, t.row[0].line, why);
    table_fini(&t);
    if (rc == 0) {
        size_t len = strlen(path) + (spec->value_as ? strlen(spec->value_as) + 3 : 1);
        fs_free(e->value);
        e->value = fs_malloc(len);
        if (spec->value_as)
            snprintf(e->value, len, "%s(%s)", spec->value_as, path);
        else
            snprintf(e->value, len, "%s", path);
    }
    return rc;
}

static int parse_date_d(const char *s, double *v, char *err, size_t errlen) {
    long day;
    if (val_date(s, &day, err, errlen) != 0) return -1;
    *v = (double)day;
    return 0;
}

/* ---- dated tables: by_date, capacity_schedule ----------------------------------------------- */

struct dated {
    parse_fn value_fn;
    double *days, *vals;
    size_t n;
};

static void dated_begin(void *arg, size_t n) {
    struct dated *d = arg;
    d->days = fs_calloc(n, sizeof *d->days);
    d->vals = fs_calloc(n, sizeof *d->vals);
}

static int dated_row(struct ctx *c, void *arg, const struct table_row *r, size_t k, char *why,
                     size_t len) {
    (void)c;
    (void)k;
    struct dated *d = arg;
    if (parse_date_d(r->field[0], &d->days[d->n], why, len) != 0 ||
        d->value_fn(r->field[1], &d->vals[d->n], why, len) != 0)
        return -1;
    if (d->n > 0 && !(d->days[d->n] > d->days[d->n - 1])) {
        snprintf(why, len, "expected dates in increasing order");
        return -1;
    }
    if (d->n == FS_MAX_DATED_ROWS) {
        snprintf(why, len, "expected at most %d dated rows", FS_MAX_DATED_ROWS);
        return -1;
    }
    d->n++;
    return 0;
}

int read_dated(struct ctx *c, struct doc_entry *e, parse_fn value_fn, double **days, double **vals,
               size_t *n) {
    static const struct table_spec spec = {
        .cols = "date,value",
        .min_cols = 2,
        .max_cols = 2,
        .header_col = 0,
        .header_fn = parse_date_d,
        .row_what = "dated row",
        .begin = dated_begin,
        .row = dated_row,
    };
    struct dated d = {.value_fn = value_fn};
    int rc = read_keyed_table(c, e, e->value, &spec, &d);
    *days = d.days;
    *vals = d.vals;
    *n = d.n;
    return rc;
}

/* ---- empirical(FILE.csv): one duration a row, the first column ------------------------------ */

struct samples {
    double *v;
    size_t n;
    struct dist *d;
    size_t nbare; /* values written without a unit (days), and the first of them */
    long bare_line;
    char *bare_cell;
};

static void samples_begin(void *arg, size_t n) {
    struct samples *sm = arg;
    sm->v = fs_calloc(n, sizeof *sm->v);
}

static int samples_row(struct ctx *c, void *arg, const struct table_row *r, size_t k, char *why,
                       size_t len) {
    (void)c;
    struct samples *sm = arg;
    sm->n = k + 1;
    if (val_bare_duration(r->field[0]) && !sm->nbare++) {
        sm->bare_line = r->line;
        sm->bare_cell = fs_strdup(r->field[0]);
    }
    return val_duration(r->field[0], &sm->v[k], why, len);
}

/* One warning a key for an empirical sample of bare numbers, as for any other duration
 * without a unit: they are days. */
static void samples_warn(struct ctx *c, const struct doc_entry *e, const char *file,
                         const struct samples *sm) {
    char text[FS_MSG_MAX], which[64]; /* a count's digits */
    const char *v = sm->bare_cell;
    if (sm->nbare == sm->n)
        snprintf(which, sizeof which, "its values have");
    else
        snprintf(which, sizeof which, "%zu of its values (the first on line %ld) have", sm->nbare,
                 sm->bare_line);
    snprintf(text, sizeof text,
             "%s: empirical(%s): %s no unit and are read as days (write %sd, or %sh if hours "
             "were meant)",
             e->key, file, which, v, v);
    doc_warn(c->d, e->file, e->line, text);
}

static int samples_end(void *arg, char *why, size_t len) {
    struct samples *sm = arg;
    return dist_init_empirical(sm->d, sm->v, sm->n, why, len);
}

/* A distribution of durations (duration: a bare number is days, noted for the warning) or of
 * counts (outbreak_beds: a bare number is a count). */
static int build_dist_of(struct ctx *c, struct doc_entry *e, struct dist *d, int duration) {
    struct val_dist vd;
    char why[FS_MSG_MAX];
    if (val_dist(e->value, &vd, why, sizeof why) != 0) return key_fail(c, e, why);
    if (vd.kind != DIST_EMPIRICAL) {
        FS_ASSERT(dist_init(d, vd.kind, vd.p, why, sizeof why) == 0);
        if (duration) note_bare_duration(c, e, e->value);
        return 0;
    }
    static const struct table_spec spec = {
        .header_col = 0,
        .header_fn = val_duration,
        .row_what = "value",
        .value_as = "empirical",
        .begin = samples_begin,
        .row = samples_row,
        .end = samples_end,
    };
    struct samples sm = {.d = d};
    int rc = read_keyed_table(c, e, vd.file, &spec, &sm);
    if (rc == 0 && sm.nbare && duration) samples_warn(c, e, vd.file, &sm);
    fs_free(sm.bare_cell);
    fs_free(vd.file);
    fs_free(sm.v);
    return rc;
}

int build_dist(struct ctx *c, struct doc_entry *e, struct dist *d) {
    return build_dist_of(c, e, d, 1);
}

int build_count_dist(struct ctx *c, struct doc_entry *e, struct dist *d) {
    return build_dist_of(c, e, d, 0);
}

/* ---- hour_of_week: the last column of each row is the hour's multiplier --------------------- */

static int hour_row(struct ctx *c, void *arg, const struct table_row *r, size_t k, char *why,
                    size_t len) {
    (void)c;
    return parse_number_any(r->field[r->n - 1], &((double *)arg)[k], why, len);
}

int read_hour_of_week(struct ctx *c, struct doc_entry *e, double how[168], const char *none) {
    static const struct table_spec spec = {
        .header_col = -1,
        .header_fn = parse_number_any,
        .nrows = 168,
        .rows_what = "multipliers (one per hour, Monday 00:00 first)",
        .row = hour_row,
    };
    if (read_keyed_table(c, e, e->value, &spec, how)) return -1;
    double sum = 0;
    for (int h = 0; h < 168; h++) sum += how[h];
    if (sum > 0) return 0;
    char why[FS_MSG_MAX];
    snprintf(why, sizeof why,
             "expected a weight above 0 in some hour (with none, %s), got 168 zeros in '%s'", none,
             e->value);
    return key_fail(c, e, why);
}

void how_scaled(const double how[168], double out[168]) {
    double top = 0;
    int e = 0;
    for (int h = 0; h < 168; h++) top = how[h] > top ? how[h] : top;
    if (top > 0) frexp(top, &e);
    for (int h = 0; h < 168; h++) out[h] = ldexp(how[h], -e);
}

/* ---- the census at time 0 ------------------------------------------------------------------- */

static int parse_whole(const char *s, double *v, char *err, size_t errlen) {
    long long n;
    if (val_int(s, 0, FS_MAX_CENSUS, &n, err, errlen)) return -1;
    *v = (double)n;
    return 0;
}

/* A row of [scenario] initial = FILE.csv: unit,in_care[,delayed]. */
static int census_row(struct ctx *c, void *arg, const struct table_row *r, size_t k, char *why,
                      size_t len) {
    (void)arg;
    (void)k;
    struct scenario *sc = c->sc;
    double in_care, delayed = 0;
    int u;
    if (unit_lookup(sc, r->field[0], 0, &u, why, len) ||
        parse_whole(r->field[1], &in_care, why, len) ||
        (r->n == 3 && parse_whole(r->field[2], &delayed, why, len)))
        return -1;
    if (sc->unit[u].init_given) {
        snprintf(why, len, "unit '%s' has a census here and in its own section", r->field[0]);
        return -1;
    }
    sc->unit[u].init_in_care = in_care;
    sc->unit[u].init_delayed = delayed;
    sc->unit[u].init_given = 1;
    return 0;
}

/* ---- today's patients: [scenario] patients = FILE.csv ---------------------------------------- */

#define PATIENT_COLS "unit,group,admitted,fit,waits_for"

/* The admitted column: the time already spent in the unit (a duration, 3d), or the admission
 * date (YYYY-MM-DD, midnight) or date-time (YYYY-MM-DD HH:MM) as days since 1970 with
 * *is_date set (a flag, not the sign: a date before 1970 is negative days, and was once taken for a
 * duration of decades). */
static int admitted_cell(const char *s, double *v, int *is_date, char *err, size_t errlen) {
    *is_date = 0;
    if (strchr(s, '/')) {
        /* A date as Excel writes it: val_date's hint (which ISO date to write), if it can
         * tell one; the time of day, if any, does not bear on it. */
        char date[16], why[FS_MSG_MAX];
        size_t n = strcspn(s, " T");
        long day;
        if (n < sizeof date) {
            memcpy(date, s, n);
            date[n] = 0;
            if (val_date(date, &day, why, sizeof why) != 0 && strstr(why, "(")) {
                snprintf(err, errlen, "admitted: %s", why);
                return -1;
            }
        }
        goto bad;
    }
    if (!strchr(s, '-')) {
        if (val_duration(s, v, err, errlen) == 0) return 0;
        goto bad;
    }
    char date[16];
    size_t n = strcspn(s, " T");
    long day;
    int hh = 0, mm = 0, used = 0;
    if (n >= sizeof date) goto bad;
    memcpy(date, s, n);
    date[n] = 0;
    if (val_date(date, &day, err, errlen) != 0) goto bad;
    if (s[n] && (sscanf(s + n + 1, "%2d:%2d%n", &hh, &mm, &used) != 2 || s[n + 1 + used] ||
                 hh > 23 || mm > 59 || hh < 0 || mm < 0))
        goto bad;
    *v = (double)day + hh / 24.0 + mm / 1440.0;
    *is_date = 1;
    return 0;
bad:
    snprintf(err, errlen,
             "admitted: expected the time already in the unit (a duration like 3d) or the "
             "admission date-time (YYYY-MM-DD or YYYY-MM-DD HH:MM), got '%s'",
             s);
    return -1;
}

static int parse_admitted(const char *s, double *v, char *err, size_t errlen) {
    int date;
    return admitted_cell(s, v, &date, err, errlen);
}

/* Reading today's patients: per unit, the rows of patients in care whose time already there
 * is past any stay of theirs (the first such row, and how many), for one warning a unit. */
struct patients_read {
    struct scenario *sc;
    /* the first row whose admitted is a number without a unit, and how many; the first
     * whose patient has been in its unit over FS_WARN_ADMITTED_DAYS, and how many */
    long bare_line, old_line;
    size_t nbare, nold;
    char *bare_cell, *old_cell;
    long *past_line; /* per unit: the first such row (0: none) */
    size_t *past_n;
    char **past_cell; /* its admitted cell, as written */
};

static void patients_begin(void *arg, size_t n) {
    struct patients_read *pr = arg;
    pr->sc->patients = fs_calloc(n ? n : 1, sizeof *pr->sc->patients);
}

/* Whether a patient of group g (-1: any) in care in unit u for `age` days has no stay left:
 * P(S > age) is 0 (or rounds to 0) for its group's stay there and for every stay that steps
 * down into u (the rest, 1 - f, of a stay spent in u), so the census draws a remaining stay
 * of 0 (dist_sample_after) and it leaves at time 0. */
static int past_any_stay(const struct scenario *sc, int u, int g, double age) {
    if (!(age > 0)) return 0;
    size_t ng = scenario_ngroups(sc);
    for (size_t k = 0; k < ng; k++) {
        if (g >= 0 && (size_t)g != k) continue;
        if (dist_tail(&sc->unit[u].g[k].stay, age) > 0) return 0;
        for (size_t w = 0; w < sc->nunits; w++) {
            const struct sc_unit *W = &sc->unit[w];
            if (W->step_down_to == u && W->step_down_share > 0 &&
                dist_tail(&W->g[k].stay, age / (1 - W->step_down_at)) > 0)
                return 0;
        }
    }
    return 1;
}

/* Whether a delayed census patient of unit u, of group g (-1: drawn), has a unit to wait for:
 * its group's routing (next.GROUP, or next) sends some of its stays to a unit. A drawn group
 * is weighed by that share (flow_pathways.c, census_group), so any group with a share in the
 * arrivals will do: only when none has such a route would the patient go home at time 0. */
static int census_can_wait(const struct scenario *sc, int u, int g) {
    for (size_t k = 0; k < scenario_ngroups(sc); k++) {
        if (g >= 0 ? (size_t)g != k : sc->ngroups && !(sc->group[k].share > 0)) continue;
        const struct route *rt = &sc->unit[u].g[k].next;
        double prev = 0;
        for (size_t i = 0; i < rt->n; i++) {
            if (rt->dest[i] != ROUTE_EXIT && rt->cum[i] > prev) return 1;
            prev = rt->cum[i];
        }
    }
    return 0;
}

/* A row of [scenario] patients = FILE.csv: unit,group,admitted[,fit[,waits_for]]. */
static int patient_row(struct ctx *c, void *arg, const struct table_row *r, size_t k, char *why,
                       size_t len) {
    (void)c;
    (void)k;
    struct patients_read *pr = arg;
    struct scenario *sc = pr->sc;
    struct sc_patient *p = &sc->patients[sc->npatients];
    *p = (struct sc_patient){.group = -1, .waits_for = -1};
    if (unit_lookup(sc, r->field[0], 0, &p->unit, why, len)) return -1;
    const char *g = r->field[1];
    if (g[0]) {
        size_t i = 0;
        while (i < sc->ngroups && strcmp(sc->group[i].name, g)) i++;
        if (i == sc->ngroups) {
            snprintf(why, len, "group: expected a [group] name or nothing, got '%s'", g);
            return -1;
        }
        p->group = (int)i;
    }
    double a;
    int date;
    if (admitted_cell(r->field[2], &a, &date, why, len)) return -1;
    if (date) {
        a = (double)sc->start_day - a; /* start - admission, in days */
        if (a < 0) {
            snprintf(why, len,
                     "admitted: expected a date-time before the scenario's start, got '%s'",
                     r->field[2]);
            return -1;
        }
    }
    if (a > FS_MAX_ADMITTED_DAYS) {
        snprintf(why, len,
                 "admitted: expected at most %.0f days (100 years) in the unit before the "
                 "scenario's start, got '%s' (%.4g days: is the year right?)",
                 FS_MAX_ADMITTED_DAYS, r->field[2], a);
        return -1;
    }
    if (val_bare_duration(r->field[2]) && !pr->nbare++) {
        pr->bare_line = r->line;
        pr->bare_cell = fs_strdup(r->field[2]);
    }
    if (a > FS_WARN_ADMITTED_DAYS && !pr->nold++) {
        pr->old_line = r->line;
        pr->old_cell = fs_strdup(r->field[2]);
    }
    p->age = a;
    const char *fit = r->n > 3 ? r->field[3] : "";
    if (!strcmp(fit, "yes"))
        p->fit = 1;
    else if (fit[0] && strcmp(fit, "no")) {
        snprintf(why, len, "fit: expected yes, no or nothing, got '%s'", fit);
        return -1;
    }
    const char *to = r->n > 4 ? r->field[4] : "";
    if (to[0]) {
        if (!p->fit) {
            snprintf(why, len,
                     "waits_for: expected nothing for a patient who is not medically fit "
                     "(fit = yes), got '%s'",
                     to);
            return -1;
        }
        if (unit_lookup(sc, to, 0, &p->waits_for, why, len)) return -1;
        if (p->waits_for == p->unit) {
            snprintf(why, len, "waits_for: expected a unit other than its own, got '%s'", to);
            return -1;
        }
    } else if (p->fit && !census_can_wait(sc, p->unit, p->group)) {
        /* Its destination would be drawn from its group's 'next' without exit: there is none. */
        snprintf(why, len,
                 "waits_for: expected the unit this medically fit patient waits for, as unit "
                 "'%s' sends %s%s home ('next')",
                 sc->unit[p->unit].name, p->group >= 0 ? "group " : "every patient",
                 p->group >= 0 ? sc->group[p->group].name : "");
        return -1;
    }
    if (!p->fit && past_any_stay(sc, p->unit, p->group, p->age) && !pr->past_n[p->unit]++) {
        pr->past_line[p->unit] = r->line;
        pr->past_cell[p->unit] = fs_strdup(r->field[2]);
    }
    sc->npatients++;
    return 0;
}

/* One warning a unit for its patients already past any stay: they load (today's list may be
 * right, the stay distribution wrong) but leave at once, which is worth saying. */
static void patients_warn(struct ctx *c, const struct doc_entry *pe, struct patients_read *pr) {
    const struct scenario *sc = c->sc;
    char tail[2][64] = {"", ""}; /* a count's digits */
    size_t n[2] = {pr->nbare, pr->nold};
    for (int i = 0; i < 2; i++)
        if (n[i] > 1)
            snprintf(tail[i], sizeof tail[i], " (and %zu more row%s like it)", n[i] - 1,
                     n[i] > 2 ? "s" : "");
    char msg[FS_MSG_MAX];
    if (pr->nbare) {
        snprintf(msg, sizeof msg,
                 "%s: %s:%ld: admitted: a number without a unit is days: '%s' here is %s days "
                 "(write %sd to say so, or %sh if hours were meant)%s",
                 pe->key, pe->value, pr->bare_line, pr->bare_cell, pr->bare_cell, pr->bare_cell,
                 pr->bare_cell, tail[0]);
        doc_warn(c->d, pe->file, pe->line, msg);
    }
    if (pr->nold) {
        snprintf(msg, sizeof msg,
                 "%s: %s:%ld: admitted: '%s' is over 5 years in the unit before the scenario's "
                 "start: is the year right?%s",
                 pe->key, pe->value, pr->old_line, pr->old_cell, tail[1]);
        doc_warn(c->d, pe->file, pe->line, msg);
    }
    for (size_t u = 0; u < sc->nunits; u++) {
        if (!pr->past_n[u]) continue;
        char text[FS_MSG_MAX], more[64] = ""; /* a count's digits */
        if (pr->past_n[u] > 1)
            snprintf(more, sizeof more, " (and %zu more row%s like it in this unit)",
                     pr->past_n[u] - 1, pr->past_n[u] > 2 ? "s" : "");
        snprintf(text, sizeof text,
                 "%s: %s:%ld: admitted: '%s' is past any stay in unit '%s' (no stay drawn from "
                 "its stay distribution lasts that long, or the chance rounds to 0): this patient "
                 "in care leaves at time 0%s",
                 pe->key, pe->value, pr->past_line[u], pr->past_cell[u], sc->unit[u].name, more);
        doc_warn(c->d, pe->file, pe->line, text);
    }
}

/* [scenario] initial = FILE.csv (unit,in_care,delayed) and patients = FILE.csv (one patient a
 * row), then the census's own checks: delayed patients have somewhere to wait for, and the
 * census is within its limit. A census above a unit's capacity is accepted (escalation beds in
 * use today): nobody is admitted there until occupancy falls below capacity. */
int build_census(struct ctx *c, struct doc_section *scs) {
    struct scenario *sc = c->sc;
    struct doc_entry *e = opt(scs, K_scenario_initial);
    static const struct table_spec spec = {
        .cols = "unit,in_care,delayed",
        .min_cols = 2,
        .max_cols = 3,
        .header_col = 1,
        .header_fn = parse_whole,
        .row_what = "unit row",
        .row = census_row,
    };
    if (e && read_keyed_table(c, e, e->value, &spec, NULL)) return -1;
    struct doc_entry *pe = opt(scs, K_scenario_patients);
    static const struct table_spec pspec = {
        .cols = PATIENT_COLS,
        .min_cols = 3,
        .max_cols = 5,
        .header_col = 2,
        .header_fn = parse_admitted,
        .row_what = "patient row",
        .begin = patients_begin,
        .row = patient_row,
    };
    struct patients_read pr = {.sc = sc};
    if (pe) {
        pr.past_line = fs_calloc(sc->nunits, sizeof *pr.past_line);
        pr.past_n = fs_calloc(sc->nunits, sizeof *pr.past_n);
        pr.past_cell = fs_calloc(sc->nunits, sizeof *pr.past_cell);
        int rc = read_keyed_table(c, pe, pe->value, &pspec, &pr);
        if (rc == 0) patients_warn(c, pe, &pr);
        for (size_t u = 0; u < sc->nunits; u++) fs_free(pr.past_cell[u]);
        fs_free(pr.bare_cell);
        fs_free(pr.old_cell);
        fs_free(pr.past_cell);
        fs_free(pr.past_n);
        fs_free(pr.past_line);
        if (rc) return -1;
    }
    sc->census = (double)sc->npatients;
    if (sc->census > FS_MAX_CENSUS)
        return failf(c, pe->file, pe->line, "patients: expected at most %d patients, got %.0f",
                     FS_MAX_CENSUS, sc->census);
    for (size_t i = 0; i < sc->nunits; i++) {
        struct sc_unit *u = &sc->unit[i];
        if (!u->init_given && !(u->init_queue > 0)) continue;
        struct doc_section *s = c->usec[i];
        struct doc_entry *at = opt(s, K_unit_initial_occupancy);
        const char *file = at ? at->file : e ? e->file : s->file;
        int line = at ? at->line : e ? e->line : s->line;
        if (u->init_delayed > 0 && !census_can_wait(sc, (int)i, -1))
            return failf(c, file, line,
                         "[unit %s]: delayed patients need a unit to wait for in "
                         "'next' (or a group's next.GROUP)",
                         u->name);
        sc->census += u->init_in_care + u->init_delayed + u->init_queue;
        if (sc->census > FS_MAX_CENSUS)
            return failf(c, file, line,
                         "[unit %s]: expected at most %d patients in the census of all units "
                         "together (there are %.0f so far)",
                         u->name, FS_MAX_CENSUS, sc->census);
    }
    return 0;
}
