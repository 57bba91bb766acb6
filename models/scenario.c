#include "scenario.h"

#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "sim/core.h"
#include "table.h"
#include "value.h"

static const char *const kind_names[] = {"generic",   "ae",        "acute",       "step_down",
                                         "home_care", "care_home", "virtual_ward"};

/* Keys each section type accepts, in the order scenario.resolved.ini writes them. */
/* clang-format off */
static const char *const scenario_keys[] = {
    "name",
    "start",
    "horizon",
    "warmup",
    "replications",
    "seed",
    "interval",
    "population",
    "initial",
    "extends",
    NULL,
};
/* clang-format on */
/* clang-format off */
static const char *const unit_keys[] = {
    "kind",
    "capacity",
    "capacity_schedule",
    "stay",
    "next",
    "when_full",
    "cost_per_place_day",
    "cost_per_patient_day",
    "readmit",
    "readmit_after",
    "readmit_to",
    "step_down",
    "surge_capacity",
    "surge_on",
    "surge_after",
    "surge_off",
    "initial_occupancy",
    "initial_delayed",
    "patience",
    "patience_to",
    NULL,
};
/* clang-format on */
/* clang-format off */
static const char *const chc_keys[] = {
    "from",
    "to",
    "referral",
    "in_acute",
    "assessment",
    "eligible",
    "eligible_to",
    "interim",
    NULL,
};
/* clang-format on */
static const char *const group_section_keys[] = {"share", NULL};
/* Unit keys that may take a per-group value, KEY.GROUP: those about patients, not places. */
static const char *const group_keys[] = {"stay",          "next",       "readmit",
                                         "readmit_after", "readmit_to", NULL};
static const char *const transfer_keys[] = {"assessment", "target", "accept", "on_reject", NULL};
static const char *const arrivals_keys[] = {"to",      "rate",      "hour_of_week",
                                            "by_date", "ambulance", NULL};

struct ctx {
    struct scenario *sc;
    struct doc *d;
    char *err;
    size_t errlen;
    struct doc_section **usec; /* each unit's section, by unit index (doc_section is a search) */
    size_t table_rows;         /* rows read from CSV tables so far, each time a key names one */
};

static int failf(struct ctx *c, const char *file, int line, const char *fmt, ...) {
    char where[512];
    doc_where(file, line, where, sizeof where);
    size_t n = strlen(where);
    snprintf(c->err, c->errlen, "%s", where);
    if (n < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* An error about a key's value: FILE:LINE: key: why. */
static int key_fail(struct ctx *c, const struct doc_entry *e, const char *why) {
    return failf(c, e->file, e->line, "%s: %s", e->key, why);
}

/* The entry for key, filling in dflt when absent (NULL dflt: absent stays NULL). */
static struct doc_entry *get(struct ctx *c, struct doc_section *s, const char *key,
                             const char *dflt) {
    struct doc_entry *e = doc_get(s, key);
    if (!e && dflt) e = doc_put(c->d, s, key, dflt, s->file, 0);
    return e;
}

static struct doc_entry *require(struct ctx *c, struct doc_section *s, const char *key,
                                 const char *what) {
    struct doc_entry *e = get(c, s, key, NULL);
    if (!e)
        failf(c, s->file, s->line, "[%s%s%s]: %s: required key missing (expected %s)", s->type,
              strcmp(s->type, s->name) ? " " : "", strcmp(s->type, s->name) ? s->name : "", key,
              what);
    return e;
}

typedef int (*parse_fn)(const char *s, double *v, char *err, size_t errlen);

static int parse_key(struct ctx *c, struct doc_entry *e, parse_fn fn, double *v) {
    char why[512];
    if (fn(e->value, v, why, sizeof why) != 0) return key_fail(c, e, why);
    return 0;
}

/* A unit named in a scenario: its index, or ROUTE_EXIT for "exit" where allow_exit. Every key,
 * census row and section that names a unit reads it here, so a misnamed one reads the same
 * wherever it is: why gets the message and -1 comes back. */
static int unit_lookup(const struct scenario *sc, const char *name, int allow_exit, int *out,
                       char *why, size_t len) {
    if (allow_exit && !strcmp(name, "exit")) {
        *out = ROUTE_EXIT;
        return 0;
    }
    if ((*out = scenario_unit_index(sc, name)) >= 0) return 0;
    snprintf(why, len, "unknown unit '%s' (expected a [unit] name%s)", name,
             allow_exit ? " or exit" : "");
    return -1;
}

/* The same, for a key's value: FILE:LINE: key: unknown unit ... */
static int unit_named(struct ctx *c, const struct doc_entry *e, const char *name, int allow_exit,
                      int *out) {
    char why[512];
    if (unit_lookup(c->sc, name, allow_exit, out, why, sizeof why)) return key_fail(c, e, why);
    return 0;
}

/* A CSV path relative to the file that names it (relative to the working directory for
 * --set); the entry's value becomes the absolute path, so the resolved scenario works
 * from anywhere. */
static void resolve_path(const struct doc_entry *e, const char *value, char *out, size_t len) {
    if (value[0] == '/' || strncmp(e->file, "--set", 5) == 0) {
        snprintf(out, len, "%s", value);
    } else {
        char *dircopy = fs_strdup(e->file);
        snprintf(out, len, "%s/%s", dirname(dircopy), value);
        fs_free(dircopy);
    }
    char *real = realpath(out, NULL);
    if (real) {
        snprintf(out, len, "%s", real);
        free(real);
    }
}

static int read_table(struct ctx *c, struct doc_entry *e, const char *value, struct table *t,
                      char *path, size_t pathlen) {
    resolve_path(e, value, path, pathlen);
    char why[1024];
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
        char msg[PATH_MAX + 64];
        snprintf(msg, sizeof msg, "%s: the CSV file has no rows", path);
        table_fini(t);
        return key_fail(c, e, msg);
    }
    return 0;
}

/* A header row is allowed: the first row is skipped when its value column does not parse. */
static int is_header(const struct table *t, size_t col, parse_fn fn) {
    char why[256];
    double v;
    const struct table_row *r = &t->row[0];
    return col >= r->n || fn(r->field[col], &v, why, sizeof why) != 0;
}

static int cell_fail(struct ctx *c, struct doc_entry *e, const char *path, long line,
                     const char *why) {
    char msg[PATH_MAX + 600];
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
    char path[PATH_MAX], why[512];
    if (read_table(c, e, value, &t, path, sizeof path) != 0) return -1;
    size_t col = spec->header_col < 0 ? t.row[0].n - 1 : (size_t)spec->header_col;
    size_t first = is_header(&t, col, spec->header_fn) ? 1 : 0;
    int rc = 0;
    if (spec->nrows && t.n - first != spec->nrows) {
        snprintf(why, sizeof why, "expected %zu %s, got %zu", spec->nrows, spec->rows_what,
                 t.n - first);
        rc = cell_fail(c, e, path, t.row[t.n - 1].line, why);
    }
    if (rc == 0 && spec->begin) spec->begin(arg, t.n - first);
    for (size_t i = first; i < t.n && rc == 0; i++) {
        const struct table_row *r = &t.row[i];
        if (spec->min_cols && (r->n < spec->min_cols || r->n > spec->max_cols)) {
            char count[32];
            if (spec->min_cols == spec->max_cols)
                snprintf(count, sizeof count, "%zu", spec->min_cols);
            else
                snprintf(count, sizeof count, "%zu or %zu", spec->min_cols, spec->max_cols);
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

static int parse_number_any(const char *s, double *v, char *err, size_t errlen) {
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end || !isfinite(x) || x < 0) {
        snprintf(err, errlen, "expected a number >= 0, got '%s'", s);
        return -1;
    }
    *v = x;
    return 0;
}

static int parse_date_d(const char *s, double *v, char *err, size_t errlen) {
    long day;
    if (val_date(s, &day, err, errlen) != 0) return -1;
    *v = (double)day;
    return 0;
}

/* A CSV of (date, number) rows in increasing date order: by_date and capacity_schedule. */
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

static int dated_end(void *arg, char *why, size_t len) {
    if (((struct dated *)arg)->n > 0) return 0;
    snprintf(why, len, "expected data rows");
    return -1;
}

static int read_dated(struct ctx *c, struct doc_entry *e, parse_fn value_fn, double **days,
                      double **vals, size_t *n) {
    static const struct table_spec spec = {
        .cols = "date,value",
        .min_cols = 2,
        .max_cols = 2,
        .header_col = 0,
        .header_fn = parse_date_d,
        .begin = dated_begin,
        .row = dated_row,
        .end = dated_end,
    };
    struct dated d = {.value_fn = value_fn};
    int rc = read_keyed_table(c, e, e->value, &spec, &d);
    *days = d.days;
    *vals = d.vals;
    *n = d.n;
    return rc;
}

/* empirical(FILE.csv): one duration a row, the first column. */
struct samples {
    double *v;
    size_t n;
    struct dist *d;
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
    return val_duration(r->field[0], &sm->v[k], why, len);
}

static int samples_end(void *arg, char *why, size_t len) {
    struct samples *sm = arg;
    return dist_init_empirical(sm->d, sm->v, sm->n, why, len);
}

static int build_dist(struct ctx *c, struct doc_entry *e, struct dist *d) {
    struct val_dist vd;
    char why[512];
    if (val_dist(e->value, &vd, why, sizeof why) != 0) return key_fail(c, e, why);
    if (vd.kind != DIST_EMPIRICAL) {
        FS_ASSERT(dist_init(d, vd.kind, vd.p, why, sizeof why) == 0);
        return 0;
    }
    static const struct table_spec spec = {
        .header_col = 0,
        .header_fn = val_duration,
        .value_as = "empirical",
        .begin = samples_begin,
        .row = samples_row,
        .end = samples_end,
    };
    struct samples sm = {.d = d};
    int rc = read_keyed_table(c, e, vd.file, &spec, &sm);
    fs_free(vd.file);
    fs_free(sm.v);
    return rc;
}

static int group_index(const struct scenario *sc, const char *name) {
    for (size_t g = 0; g < sc->ngroups; g++)
        if (!strcmp(sc->group[g].name, name)) return (int)g;
    return -1;
}

/* KEY.GROUP in a [unit]: a per-group value of a patient-level key for a declared group. */
static int group_key_ok(struct ctx *c, const struct doc_entry *e) {
    const char *dot = strchr(e->key, '.');
    if (!dot) return 0;
    char base[64];
    snprintf(base, sizeof base, "%.*s", (int)(dot - e->key), e->key);
    int known = 0;
    for (const char *const *k = group_keys; *k; k++) known |= !strcmp(*k, base);
    if (!known) {
        key_fail(c, e,
                 "per-group values (KEY.GROUP) are for stay, next, readmit, readmit_after "
                 "and readmit_to");
        return -1;
    }
    if (group_index(c->sc, dot + 1) < 0) {
        char why[256];
        snprintf(why, sizeof why, "unknown group '%s' (expected a [group NAME] section)", dot + 1);
        key_fail(c, e, why);
        return -1;
    }
    return 1;
}

static int check_known_keys(struct ctx *c, struct doc_section *s, const char *const *keys) {
    for (size_t i = 0; i < s->n; i++) {
        int ok = 0;
        for (const char *const *k = keys; *k && !ok; k++) ok = strcmp(*k, s->e[i].key) == 0;
        if (!ok && keys == unit_keys) {
            int g = group_key_ok(c, &s->e[i]);
            if (g < 0) return -1;
            ok = g;
        }
        if (!ok) {
            char list[512] = "";
            for (const char *const *k = keys; *k; k++) {
                size_t n = strlen(list);
                snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", *k);
            }
            return failf(c, s->e[i].file, s->e[i].line,
                         "%s: unknown key in [%s] (expected one of: %s)", s->e[i].key, s->type,
                         list);
        }
    }
    return 0;
}

static int build_scenario_section(struct ctx *c, struct doc_section *s) {
    struct scenario *sc = c->sc;
    struct doc_entry *e;
    char why[512];
    if (check_known_keys(c, s, scenario_keys)) return -1;

    char *base = fs_strdup(sc->path), *b = basename(base), *dot = strrchr(b, '.');
    if (dot && dot != b) *dot = 0;
    e = get(c, s, "name", b);
    fs_free(base);
    if (!e->value[0]) return key_fail(c, e, "expected a non-empty label");
    sc->name = fs_strdup(e->value);

    e = get(c, s, "start", "2025-01-06");
    if (val_date(e->value, &sc->start_day, why, sizeof why)) return key_fail(c, e, why);
    if (!(e = require(c, s, "horizon", "a duration like 365d"))) return -1;
    if (parse_key(c, e, val_duration, &sc->horizon)) return -1;
    if (!(sc->horizon > 0)) return key_fail(c, e, "expected a duration > 0");
    if (!(sc->horizon <= FS_MAX_HORIZON_DAYS)) {
        snprintf(why, sizeof why, "expected a horizon of at most %.0f days (%.0f years)",
                 FS_MAX_HORIZON_DAYS, FS_MAX_HORIZON_DAYS / 365.25);
        return key_fail(c, e, why);
    }
    struct doc_entry *h = e;
    e = get(c, s, "warmup", "0");
    if (parse_key(c, e, val_duration, &sc->warmup)) return -1;
    if (!(sc->warmup < sc->horizon)) {
        snprintf(why, sizeof why, "expected a warm-up shorter than the horizon (%s)", h->value);
        return key_fail(c, e, why);
    }
    long long r;
    e = get(c, s, "replications", "10");
    if (val_int(e->value, 1, 1000000, &r, why, sizeof why)) return key_fail(c, e, why);
    sc->replications = (int)r;
    e = get(c, s, "seed", "1");
    if (val_uint64(e->value, &sc->seed, why, sizeof why)) return key_fail(c, e, why);
    e = get(c, s, "interval", "1d");
    if (parse_key(c, e, val_duration, &sc->interval)) return -1;
    if (!(sc->interval > 0)) return key_fail(c, e, "expected a duration > 0");
    if ((sc->horizon - sc->warmup) / sc->interval > FS_MAX_BUCKETS) {
        snprintf(why, sizeof why, "expected an interval giving at most %d report buckets",
                 FS_MAX_BUCKETS);
        return key_fail(c, e, why);
    }
    /* The warm-up chart has intervals from time 0: a long warm-up adds them too. */
    if (sc->horizon / sc->interval > FS_MAX_BUCKETS) {
        snprintf(why, sizeof why,
                 "expected an interval giving at most %d intervals from the start, warm-up "
                 "included (the warm-up chart's)",
                 FS_MAX_BUCKETS);
        return key_fail(c, e, why);
    }
    sc->population = NAN;
    if ((e = get(c, s, "population", NULL)) && parse_key(c, e, val_positive, &sc->population))
        return -1;
    return 0;
}

static int build_route(struct ctx *c, struct doc_entry *e, struct route *rt) {
    struct val_route vr;
    char why[512];
    if (val_route(e->value, &vr, why, sizeof why)) return key_fail(c, e, why);
    rt->n = vr.n;
    rt->dest = fs_calloc(vr.n, sizeof *rt->dest);
    rt->cum = fs_calloc(vr.n, sizeof *rt->cum);
    double acc = 0;
    int rc = 0;
    for (size_t i = 0; i < vr.n && rc == 0; i++) {
        rc = unit_named(c, e, vr.dest[i], 1, &rt->dest[i]);
        acc += vr.prob[i];
        rt->cum[i] = acc;
    }
    /* The last bucket takes the rounding slack, so every draw lands somewhere. */
    if (vr.n) rt->cum[vr.n - 1] = 1.0;
    val_route_fini(&vr);
    return rc;
}

/* step_down = UNIT SHARE at FRACTION */
static int parse_step_down(struct ctx *c, struct doc_entry *e, struct sc_unit *u) {
    static const char hint[] = "expected UNIT SHARE at FRACTION, e.g. 'vw 0.1 at 0.6'";
    char name[128], at[8], share[64], frac[64], why[512];
    int n = 0;
    if (sscanf(e->value, "%127s %63s %7s %63s %n", name, share, at, frac, &n) != 4 ||
        e->value[n] != 0 || strcmp(at, "at") != 0)
        return key_fail(c, e, hint);
    if (unit_named(c, e, name, 0, &u->step_down_to)) return -1;
    if (u->step_down_to == (int)(u - c->sc->unit))
        return key_fail(c, e, "a unit cannot step patients down into itself");
    if (val_prob(share, &u->step_down_share, why, sizeof why)) return key_fail(c, e, why);
    if (val_prob(frac, &u->step_down_at, why, sizeof why) || u->step_down_at <= 0 ||
        u->step_down_at >= 1)
        return key_fail(c, e, "expected the FRACTION of the stay strictly between 0 and 1");
    c->sc->unit[u->step_down_to].stepped_into = 1;
    c->sc->step_downs = 1;
    return 0;
}

static int build_unit(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e;
    if (check_known_keys(c, s, unit_keys)) return -1;
    e = get(c, s, "kind", "generic");
    int k = -1;
    for (int i = 0; i < (int)(sizeof kind_names / sizeof *kind_names); i++)
        if (strcmp(e->value, kind_names[i]) == 0) k = i;
    if (k < 0)
        return key_fail(c, e,
                        "expected ae, acute, step_down, home_care, care_home, virtual_ward "
                        "or generic");
    u->kind = (enum unit_kind)k;
    e = get(c, s, "capacity", "inf");
    if (parse_key(c, e, val_count, &u->capacity)) return -1;
    if ((e = get(c, s, "capacity_schedule", NULL))) {
        double *days = NULL, *caps = NULL;
        size_t n = 0;
        if (read_dated(c, e, val_count, &days, &caps, &n)) {
            fs_free(days);
            fs_free(caps);
            return -1;
        }
        /* Rows up to the start date set the capacity at time 0; later rows are changes. */
        u->sched_t = fs_calloc(n, sizeof *u->sched_t);
        u->sched_cap = fs_calloc(n, sizeof *u->sched_cap);
        for (size_t i = 0; i < n; i++) {
            double t = days[i] - (double)c->sc->start_day;
            if (t <= 0) {
                u->capacity = caps[i];
            } else {
                u->sched_t[u->nsched] = t;
                u->sched_cap[u->nsched++] = caps[i];
            }
        }
        fs_free(days);
        fs_free(caps);
    }
    if (!(e = require(c, s, "stay", "a distribution like lognormal(8d, 8d)"))) return -1;
    if (build_dist(c, e, &u->stay)) return -1;
    e = get(c, s, "next", "exit 1");
    if (build_route(c, e, &u->next)) return -1;
    e = get(c, s, "when_full", "queue");
    if (strcmp(e->value, "queue") == 0) {
        u->when_full = FULL_QUEUE;
    } else if (strcmp(e->value, "lose") == 0) {
        u->when_full = FULL_LOSE;
    } else if (strncmp(e->value, "divert", 6) == 0 && (e->value[6] == ' ' || e->value[6] == '\t')) {
        const char *t = e->value + 6;
        while (*t == ' ' || *t == '\t') t++;
        u->when_full = FULL_DIVERT;
        if (unit_named(c, e, t, 0, &u->divert)) return -1;
        if (u->divert == (int)(u - c->sc->unit))
            return key_fail(c, e, "a unit cannot divert to itself");
    } else {
        return key_fail(c, e, "expected queue, lose or divert UNIT");
    }
    /* Patience (reneging): how long a patient waits in this unit's queue before taking another
     * route, e.g. a placement out of area. */
    u->patience_to = ROUTE_EXIT;
    if ((e = get(c, s, "patience", NULL))) {
        if (u->when_full != FULL_QUEUE)
            return key_fail(c, e, "expected when_full = queue (only a queue can be given up)");
        if (build_dist(c, e, &u->patience)) return -1;
        u->has_patience = 1;
        e = get(c, s, "patience_to", "exit");
        if (unit_named(c, e, e->value, 1, &u->patience_to)) return -1;
        if (u->patience_to == (int)(u - c->sc->unit))
            return key_fail(c, e, "expected another unit: patients give up waiting for this one");
    } else if ((e = get(c, s, "patience_to", NULL))) {
        return key_fail(
            c, e,
            "expected patience = DIST beside it (patience_to says where those who give up go)");
    }
    e = get(c, s, "cost_per_place_day", "0");
    if (parse_key(c, e, parse_number_any, &u->cost_per_place_day)) return -1;
    int finite = !isinf(u->capacity);
    for (size_t i = 0; i < u->nsched; i++) finite &= !isinf(u->sched_cap[i]);
    if (u->cost_per_place_day > 0 && !finite)
        return key_fail(c, e, "expected a finite capacity to pay for (capacity is inf)");
    e = get(c, s, "cost_per_patient_day", "0");
    if (parse_key(c, e, parse_number_any, &u->cost_per_patient_day)) return -1;
    /* Readmission: off unless readmit > 0; readmit_to defaults to where the first arrival
     * stream enters (A&E, usually), filled in once the arrivals are built. */
    e = get(c, s, "readmit", "0");
    if (parse_key(c, e, val_prob, &u->readmit)) return -1;
    u->readmit_to = -1;
    if (u->readmit > 0) {
        c->sc->readmissions = 1;
        if (!(e = require(c, s, "readmit_after", "a distribution like exp(12d)"))) return -1;
        if (build_dist(c, e, &u->readmit_after)) return -1;
        if ((e = get(c, s, "readmit_to", NULL)) && unit_named(c, e, e->value, 0, &u->readmit_to))
            return -1;
    }
    u->step_down_to = -1;
    if ((e = get(c, s, "step_down", NULL)) && parse_step_down(c, e, u)) return -1;
    /* A census at time 0 (or from [scenario] initial = FILE.csv, checked once all units
     * exist). */
    if ((e = get(c, s, "initial_occupancy", NULL))) {
        if (parse_key(c, e, val_count, &u->init_in_care)) return -1;
        if (isinf(u->init_in_care)) return key_fail(c, e, "expected a whole number of patients");
        u->init_given = 1;
    }
    if ((e = get(c, s, "initial_delayed", NULL))) {
        if (parse_key(c, e, val_count, &u->init_delayed)) return -1;
        if (isinf(u->init_delayed)) return key_fail(c, e, "expected a whole number of patients");
        u->init_given = 1;
    }
    e = get(c, s, "surge_capacity", "0");
    if (parse_key(c, e, val_count, &u->surge_capacity)) return -1;
    if (u->surge_capacity > 0) {
        if (isinf(u->surge_capacity) || !finite)
            return key_fail(c, e, "expected a whole number of places on a unit of finite capacity");
        if (parse_key(c, get(c, s, "surge_on", "0.95"), val_prob, &u->surge_on)) return -1;
        if (parse_key(c, get(c, s, "surge_after", "4h"), val_duration, &u->surge_after)) return -1;
        e = get(c, s, "surge_off", "0.9");
        if (parse_key(c, e, val_prob, &u->surge_off)) return -1;
        if (u->surge_off > u->surge_on) return key_fail(c, e, "expected surge_off <= surge_on");
    }
    return 0;
}

/* hour_of_week: the last column of each row is the hour's multiplier. */
static int hour_row(struct ctx *c, void *arg, const struct table_row *r, size_t k, char *why,
                    size_t len) {
    (void)c;
    return parse_number_any(r->field[r->n - 1], &((double *)arg)[k], why, len);
}

static int build_arrivals(struct ctx *c, struct doc_section *s, struct sc_arrivals *a) {
    struct doc_entry *e;
    char why[512];
    if (check_known_keys(c, s, arrivals_keys)) return -1;
    if (!(e = require(c, s, "to", "the name of a [unit]"))) return -1;
    if (unit_named(c, e, e->value, 0, &a->to)) return -1;
    e = get(c, s, "ambulance", "0");
    if (parse_key(c, e, val_prob, &a->ambulance)) return -1;
    if (a->ambulance > 0) c->sc->unit[a->to].has_ambulance = 1;
    double rate;
    if (!(e = require(c, s, "rate", "a rate like 300/d"))) return -1;
    if (parse_key(c, e, val_rate, &rate)) return -1;
    struct doc_entry *rate_e = e;

    double how[168], *howp = NULL;
    if ((e = get(c, s, "hour_of_week", NULL))) {
        static const struct table_spec spec = {
            .header_col = -1,
            .header_fn = parse_number_any,
            .nrows = 168,
            .rows_what = "multipliers (one per hour, Monday 00:00 first)",
            .row = hour_row,
        };
        if (read_keyed_table(c, e, e->value, &spec, how)) return -1;
        howp = how;
    }
    double *days = NULL, *mult = NULL;
    size_t n = 0;
    if ((e = get(c, s, "by_date", NULL))) {
        if (read_dated(c, e, parse_number_any, &days, &mult, &n)) {
            fs_free(days);
            fs_free(mult);
            return -1;
        }
        for (size_t i = 0; i < n; i++) days[i] -= (double)c->sc->start_day;
    }
    double start_hour = 24.0 * val_weekday(c->sc->start_day);
    int rc = nhpp_init(&a->nhpp, rate, howp, start_hour, days, mult, n, why, sizeof why);
    fs_free(days);
    fs_free(mult);
    if (rc) return key_fail(c, howp ? get(c, s, "hour_of_week", NULL) : rate_e, why);
    return 0;
}

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

/* [scenario] initial = FILE.csv (unit,in_care,delayed), then the census's own checks: it fits
 * the capacity at time 0, and delayed patients have somewhere to wait for. */
static int build_census(struct ctx *c, struct doc_section *scs) {
    struct scenario *sc = c->sc;
    struct doc_entry *e = get(c, scs, "initial", NULL);
    static const struct table_spec spec = {
        .cols = "unit,in_care,delayed",
        .min_cols = 2,
        .max_cols = 3,
        .header_col = 1,
        .header_fn = parse_whole,
        .row = census_row,
    };
    if (e && read_keyed_table(c, e, e->value, &spec, NULL)) return -1;
    for (size_t i = 0; i < sc->nunits; i++) {
        struct sc_unit *u = &sc->unit[i];
        if (!u->init_given) continue;
        struct doc_section *s = c->usec[i];
        struct doc_entry *at = doc_get(s, "initial_occupancy");
        const char *file = at ? at->file : e ? e->file : s->file;
        int line = at ? at->line : e ? e->line : s->line;
        if (u->init_in_care + u->init_delayed > u->capacity)
            return failf(c, file, line,
                         "[unit %s]: a census of %.0f patients does not fit its "
                         "capacity of %.0f at the start",
                         u->name, u->init_in_care + u->init_delayed, u->capacity);
        int waits = 0;
        for (size_t k = 0; k < u->next.n; k++) waits |= u->next.dest[k] != ROUTE_EXIT;
        if (u->init_delayed > 0 && !waits)
            return failf(c, file, line,
                         "[unit %s]: delayed patients need a unit to wait for in "
                         "'next'",
                         u->name);
        sc->census += u->init_in_care + u->init_delayed;
        if (sc->census > FS_MAX_CENSUS)
            return failf(c, file, line,
                         "[unit %s]: expected at most %d patients in the census of all units "
                         "together (there are %.0f so far)",
                         u->name, FS_MAX_CENSUS, sc->census);
    }
    return 0;
}

/* A list of unit names ("acute, ward2") into a per-unit flag array. */
static int unit_list(struct ctx *c, struct doc_entry *e, char **flags) {
    *flags = fs_calloc(c->sc->nunits, 1);
    char *copy = fs_strdup(e->value), *save = NULL;
    int rc = 0, n = 0;
    for (char *tok = strtok_r(copy, ", \t", &save); tok && !rc;
         tok = strtok_r(NULL, ", \t", &save)) {
        int u;
        if (!(rc = unit_named(c, e, tok, 0, &u))) {
            (*flags)[u] = 1;
            n++;
        }
    }
    fs_free(copy);
    if (!rc && !n) rc = key_fail(c, e, "expected a list of [unit] names");
    return rc;
}

static int build_chc(struct ctx *c, struct doc_section *s) {
    struct sc_chc *h = &c->sc->chc;
    struct doc_entry *e;
    char why[512];
    if (check_known_keys(c, s, chc_keys)) return -1;
    h->on = 1;
    h->eligible_to = h->interim = -1;
    if (!(e = require(c, s, "from",
                      "the units whose beds a CHC assessment may keep, e.g. acute")) ||
        unit_list(c, e, &h->from))
        return -1;
    if (!(e = require(c, s, "to", "the units whose placements may need one, e.g. care_home")) ||
        unit_list(c, e, &h->to))
        return -1;
    if (!(e = require(c, s, "referral", "a probability")) ||
        parse_key(c, e, val_prob, &h->referral))
        return -1;
    /* England's share of DSTs in acute settings, Q1 2017/18 (the Birmingham review). */
    if (parse_key(c, get(c, s, "in_acute", "0.27"), val_prob, &h->in_acute)) return -1;
    if (!(e = require(c, s, "assessment", "a duration or distribution, e.g. lognormal(20d, 12d)")))
        return -1;
    double fixed;
    if (val_duration(e->value, &fixed, why, sizeof why) == 0)
        FS_ASSERT(dist_init(&h->assessment, DIST_FIXED, &fixed, why, sizeof why) == 0);
    else if (build_dist(c, e, &h->assessment))
        return -1;
    if (!(e = require(c, s, "eligible", "a probability")) ||
        parse_key(c, e, val_prob, &h->eligible))
        return -1;
    if ((e = get(c, s, "eligible_to", NULL)) && unit_named(c, e, e->value, 0, &h->eligible_to))
        return -1;
    if (h->eligible > 0 && h->eligible_to < 0)
        return failf(c, s->file, s->line,
                     "[chc]: eligible_to: required key missing (expected the "
                     "unit eligible patients go to, e.g. a CHC-funded nursing home)");
    if ((e = get(c, s, "interim", NULL)) && unit_named(c, e, e->value, 0, &h->interim)) return -1;
    if (h->interim >= 0 && c->sc->unit[h->interim].when_full != FULL_QUEUE)
        return key_fail(c, doc_get(s, "interim"),
                        "expected a unit with when_full = queue: discharge to assess waits for "
                        "its interim bed rather than going elsewhere");
    if (h->in_acute < 1 && h->interim < 0)
        return failf(c, s->file, s->line,
                     "[chc]: interim: required key missing (expected the unit "
                     "where assessments after discharge happen, since in_acute < 1)");
    return 0;
}

static void route_copy(struct route *dst, const struct route *src) {
    dst->n = src->n;
    dst->dest = fs_calloc(src->n + 1, sizeof *dst->dest);
    dst->cum = fs_calloc(src->n + 1, sizeof *dst->cum);
    memcpy(dst->dest, src->dest, src->n * sizeof *dst->dest);
    memcpy(dst->cum, src->cum, src->n * sizeof *dst->cum);
}

static void route_fini(struct route *r) {
    fs_free(r->dest);
    fs_free(r->cum);
    memset(r, 0, sizeof *r);
}

/* More sections of type than limit (models/limits.h): the message names the first one beyond. */
static int too_many(struct ctx *c, const char *type, int limit, size_t n, const char *what) {
    int seen = 0;
    for (size_t i = 0; i < c->d->n; i++) {
        const struct doc_section *s = &c->d->s[i];
        if (strcmp(s->type, type) || ++seen <= limit) continue;
        return failf(c, s->file, s->line, "[%s %s]: expected at most %d %s (there are %zu)", type,
                     s->name, limit, what, n);
    }
    FS_UNREACHABLE();
}

/* [group NAME] share = P, for every group; the shares must add up to 1. */
static int build_groups(struct ctx *c) {
    struct scenario *sc = c->sc;
    struct doc *d = c->d;
    for (size_t i = 0; i < d->n; i++) sc->ngroups += !strcmp(d->s[i].type, "group");
    if (!sc->ngroups) return 0;
    if (sc->ngroups > FS_MAX_GROUPS) {
        size_t ng = sc->ngroups;
        sc->ngroups = 0; /* nothing made yet for scenario_free to walk */
        return too_many(c, "group", FS_MAX_GROUPS, ng, "groups");
    }
    sc->group = fs_calloc(sc->ngroups, sizeof *sc->group);
    size_t g = 0;
    double sum = 0;
    struct doc_section *last = NULL;
    for (size_t i = 0; i < d->n; i++) {
        struct doc_section *s = &d->s[i];
        if (strcmp(s->type, "group")) continue;
        if (check_known_keys(c, s, group_section_keys)) return -1;
        struct doc_entry *e = require(c, s, "share", "the share of arrivals in this group");
        if (!e || parse_key(c, e, val_prob, &sc->group[g].share)) return -1;
        sc->group[g].name = fs_strdup(s->name);
        sum += sc->group[g++].share;
        last = s;
    }
    if (fabs(sum - 1) > 1e-6)
        return failf(c, last->file, last->line,
                     "[group %s]: the groups' shares must add up to 1 (they add up to %.6g)",
                     last->name, sum);
    return 0;
}

size_t scenario_ngroups(const struct scenario *sc) {
    return sc->ngroups ? sc->ngroups : 1;
}

/* Each unit's per-group records: copies of its own values, then its KEY.GROUP overrides. */
static int build_unit_groups(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct scenario *sc = c->sc;
    size_t ng = scenario_ngroups(sc);
    char key[96];
    u->g = fs_calloc(ng, sizeof *u->g);
    u->readmit_any = u->readmit;
    for (size_t g = 0; g < ng; g++) {
        struct unit_group *G = &u->g[g];
        dist_copy(&G->stay, &u->stay);
        route_copy(&G->next, &u->next);
        G->readmit = u->readmit;
        dist_copy(&G->readmit_after, &u->readmit_after);
        G->readmit_to = u->readmit_to;
        if (!sc->ngroups) continue;
        const char *gn = sc->group[g].name;
        struct doc_entry *e;
        snprintf(key, sizeof key, "stay.%s", gn);
        if ((e = get(c, s, key, NULL))) {
            dist_fini(&G->stay);
            if (build_dist(c, e, &G->stay)) return -1;
        }
        snprintf(key, sizeof key, "next.%s", gn);
        if ((e = get(c, s, key, NULL))) {
            route_fini(&G->next);
            if (build_route(c, e, &G->next)) return -1;
        }
        snprintf(key, sizeof key, "readmit.%s", gn);
        if ((e = get(c, s, key, NULL)) && parse_key(c, e, val_prob, &G->readmit)) return -1;
        snprintf(key, sizeof key, "readmit_after.%s", gn);
        if ((e = get(c, s, key, NULL))) {
            dist_fini(&G->readmit_after);
            if (build_dist(c, e, &G->readmit_after)) return -1;
        } else if (G->readmit > 0 && !(u->readmit > 0)) {
            return failf(c, s->file, s->line,
                         "[unit %s]: readmit_after.%s: required key missing "
                         "(expected a distribution like exp(12d))",
                         u->name, gn);
        }
        snprintf(key, sizeof key, "readmit_to.%s", gn);
        if ((e = get(c, s, key, NULL)) && unit_named(c, e, e->value, 0, &G->readmit_to)) return -1;
        if (G->readmit > 0 && G->readmit_to < 0) G->readmit_to = sc->arrivals[0].to;
        if (G->readmit > u->readmit_any) u->readmit_any = G->readmit;
    }
    if (u->readmit_any > 0) sc->readmissions = 1;
    return 0;
}

static int build_transfer(struct ctx *c, struct doc_section *s, struct sc_transfer *t) {
    struct doc_entry *e;
    char why[512];
    if (check_known_keys(c, s, transfer_keys)) return -1;
    t->from = t->to = -1;
    const char *arrow = strstr(s->name, "->");
    char from[256];
    snprintf(from, sizeof from, "%.*s", (int)(arrow - s->name), s->name);
    if (unit_lookup(c->sc, from, 0, &t->from, why, sizeof why) ||
        unit_lookup(c->sc, arrow + 2, 0, &t->to, why, sizeof why))
        return failf(c, s->file, s->line, "[transfer %s]: %s", s->name, why);
    if (t->from == t->to)
        return failf(c, s->file, s->line, "[transfer %s]: a unit cannot transfer to itself",
                     s->name);
    /* A plain duration is a fixed assessment time; otherwise a distribution. */
    e = get(c, s, "assessment", "0");
    double fixed;
    if (val_duration(e->value, &fixed, why, sizeof why) == 0) {
        FS_ASSERT(dist_init(&t->assessment, DIST_FIXED, &fixed, why, sizeof why) == 0);
    } else if (build_dist(c, e, &t->assessment)) {
        return -1;
    }
    t->target = NAN;
    if ((e = get(c, s, "target", NULL)) && parse_key(c, e, val_duration, &t->target)) return -1;
    e = get(c, s, "accept", "1");
    if (parse_key(c, e, val_prob, &t->accept)) return -1;
    e = get(c, s, "on_reject", "exit 1");
    return build_route(c, e, &t->on_reject);
}

/* Sorting the names (qsort has no context: pairs of name and index). */
struct named {
    const char *name;
    int index;
};

static int named_cmp(const void *a, const void *b) {
    return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Every unit name is looked up by routing lists, diverts and censuses: a linear search each
 * made loading 16,000 units take seconds. Names are unique (the INI reader sees to it). */
static void index_unit_names(struct scenario *sc) {
    struct named *v = fs_calloc(sc->nunits, sizeof *v);
    for (size_t i = 0; i < sc->nunits; i++) v[i] = (struct named){sc->unit[i].name, (int)i};
    qsort(v, sc->nunits, sizeof *v, named_cmp);
    sc->unit_by_name = fs_calloc(sc->nunits, sizeof *sc->unit_by_name);
    for (size_t i = 0; i < sc->nunits; i++) sc->unit_by_name[i] = v[i].index;
    fs_free(v);
}

int scenario_unit_index(const struct scenario *sc, const char *name) {
    if (!sc->unit_by_name) {
        for (size_t i = 0; i < sc->nunits; i++)
            if (sc->unit[i].name && strcmp(sc->unit[i].name, name) == 0) return (int)i;
        return -1;
    }
    size_t lo = 0, hi = sc->nunits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = strcmp(sc->unit[sc->unit_by_name[mid]].name, name);
        if (k == 0) return sc->unit_by_name[mid];
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Transfers grouped by FROM and sorted by TO (a counting sort, then each group's few sorted). */
static void index_transfers(struct scenario *sc) {
    sc->transfer_off = fs_calloc(sc->nunits + 1, sizeof *sc->transfer_off);
    sc->transfer_by_from = fs_calloc(sc->ntransfers + 1, sizeof *sc->transfer_by_from);
    for (size_t i = 0; i < sc->ntransfers; i++) sc->transfer_off[sc->transfer[i].from + 1]++;
    for (size_t u = 0; u < sc->nunits; u++) sc->transfer_off[u + 1] += sc->transfer_off[u];
    size_t *fill = fs_calloc(sc->nunits, sizeof *fill);
    for (size_t i = 0; i < sc->ntransfers; i++) {
        int u = sc->transfer[i].from;
        size_t k = sc->transfer_off[u] + fill[u]++;
        /* insertion by TO among the unit's transfers so far */
        while (k > sc->transfer_off[u] &&
               sc->transfer[sc->transfer_by_from[k - 1]].to > sc->transfer[i].to) {
            sc->transfer_by_from[k] = sc->transfer_by_from[k - 1];
            k--;
        }
        sc->transfer_by_from[k] = (int)i;
    }
    fs_free(fill);
}

int scenario_transfer(const struct scenario *sc, int from, int to) {
    size_t lo = sc->transfer_off[from], hi = sc->transfer_off[from + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = sc->transfer_by_from[mid], t = sc->transfer[k].to;
        if (t == to) return k;
        if (t < to)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

size_t scenario_nbuckets(const struct scenario *sc) {
    double n = ceil((sc->horizon - sc->warmup) / sc->interval - 1e-9);
    return n < 1 ? 1 : (size_t)n;
}

/* ---- loops that take no time ---------------------------------------------------------------- */

/* What can follow what for a patient, with the mean time it takes: node u (< nunits) is a
 * patient at unit u's door or starting a stay there, node nunits + u the end of a stay in u
 * (where next?), node 2 nunits + t an assessment for transfer t. Only the steps that average
 * under FS_MIN_LOOP_STEP_DAYS are kept: a cycle of them is a loop patients could go round for
 * ever without the clock moving. Each step's own typical time (typical: its mean, or its median
 * when shorter) is compared, so the check errs towards refusing: a loop of such steps is not a
 * care pathway anyway. */
struct loop_edge {
    int a, b;
};

struct loop_graph {
    size_t nnodes, n, cap;
    struct loop_edge *e;
};

static void loop_step(struct loop_graph *g, size_t a, size_t b, double days) {
    if (!(days < FS_MIN_LOOP_STEP_DAYS)) return;
    fs_grow((void **)&g->e, &g->cap, g->n + 1, sizeof *g->e);
    g->e[g->n++] = (struct loop_edge){(int)a, (int)b};
}

/* Where a patient whose stay in u ended goes for dest d (proceed in models/flow.c): home, its
 * own place again, an assessment, or d's door. */
static void loop_proceed(const struct scenario *sc, struct loop_graph *g, int u, int d,
                         double days) {
    size_t n = sc->nunits;
    if (d == ROUTE_EXIT) return; /* going home: readmissions are steps of their own */
    int t = d == u ? -1 : scenario_transfer(sc, u, d);
    loop_step(g, n + (size_t)u, t < 0 ? (size_t)d : 2 * n + (size_t)t, days);
}

/* What a step typically takes: its mean, or its median when that is shorter. A duration that
 * is almost always near zero with a long tail (weibull(0.01, 1e-160d), gamma(1d, 1000d)) has a
 * respectable mean but goes round a loop millions of times before the clock moves. */
static double typical(const struct dist *d) {
    double m = dist_mean(d), q = dist_median(d);
    return q < m ? q : m;
}

static void loop_steps(const struct scenario *sc, size_t gi, struct loop_graph *g) {
    size_t n = sc->nunits;
    g->n = 0;
    for (size_t u = 0; u < n; u++) {
        const struct sc_unit *U = &sc->unit[u];
        const struct unit_group *G = &U->g[gi];
        double stay = typical(&G->stay);
        loop_step(g, u, n + u, stay);
        if (U->step_down_to >= 0 && U->step_down_share > 0) {
            /* The rest of the stay is spent in the step-down unit, and ends there. */
            size_t v = (size_t)U->step_down_to;
            loop_step(g, u, v, U->step_down_at * stay);
            loop_step(g, v, n + v, (1 - U->step_down_at) * stay);
        }
        for (size_t i = 0; i < G->next.n; i++) loop_proceed(sc, g, (int)u, G->next.dest[i], 0);
        if (G->readmit > 0) loop_step(g, n + u, (size_t)G->readmit_to, typical(&G->readmit_after));
        if (U->when_full == FULL_DIVERT) loop_step(g, u, (size_t)U->divert, 0);
        if (U->has_patience && U->patience_to >= 0)
            loop_step(g, u, (size_t)U->patience_to, typical(&U->patience));
    }
    for (size_t t = 0; t < sc->ntransfers; t++) {
        const struct sc_transfer *T = &sc->transfer[t];
        const struct unit_group *G = &sc->unit[T->from].g[gi];
        double a = typical(&T->assessment);
        if (T->accept > 0) loop_step(g, 2 * n + t, (size_t)T->to, a);
        /* Refused: on from where the patient is, by on_reject (home, or another referral). */
        for (size_t i = 0; T->accept < 1 && i < T->on_reject.n; i++) {
            int w = T->on_reject.dest[i];
            int t2 = w == ROUTE_EXIT || w == T->from ? -1 : scenario_transfer(sc, T->from, w);
            if (w == ROUTE_EXIT && G->readmit > 0)
                loop_step(g, 2 * n + t, (size_t)G->readmit_to, a + typical(&G->readmit_after));
            else if (w != ROUTE_EXIT)
                loop_step(g, 2 * n + t, t2 < 0 ? (size_t)w : 2 * n + (size_t)t2, a);
        }
    }
    const struct sc_chc *h = &sc->chc;
    if (h->on) {
        double a = typical(&h->assessment);
        for (size_t u = 0; u < n; u++) {
            if (!h->from[u]) continue;
            if (h->eligible_to >= 0) loop_proceed(sc, g, (int)u, h->eligible_to, a);
            if (h->interim >= 0) loop_proceed(sc, g, (int)u, h->interim, 0);
        }
        /* Decided at the end of the interim stay (or of the stay of one who gave up waiting
         * for it): on to eligible_to or where it was going. */
        int at[2] = {h->interim, h->interim >= 0 && sc->unit[h->interim].has_patience
                                     ? sc->unit[h->interim].patience_to
                                     : -1};
        for (int k = 0; k < 2; k++) {
            if (at[k] < 0) continue;
            if (h->eligible_to >= 0) loop_proceed(sc, g, at[k], h->eligible_to, 0);
            for (size_t v = 0; v < n; v++)
                if (h->to[v]) loop_proceed(sc, g, at[k], (int)v, 0);
        }
    }
}

/* The unit a node of the graph is about (an assessment is in its FROM unit's bed). */
static int loop_unit(const struct scenario *sc, int x) {
    size_t n = sc->nunits;
    if ((size_t)x < 2 * n) return (int)((size_t)x % n);
    return sc->transfer[(size_t)x - 2 * n].from;
}

/* A cycle of g as nodes path[0..*len) (path[0] repeated at the end not included), or 0. */
static int loop_find(const struct loop_graph *g, int *path, size_t *len) {
    size_t nn = g->nnodes;
    size_t *off = fs_calloc(nn + 1, sizeof *off), *it = fs_calloc(nn, sizeof *it);
    int *adj = fs_calloc(g->n + 1, sizeof *adj), *pos = fs_calloc(nn, sizeof *pos);
    unsigned char *color = fs_calloc(nn, 1); /* 0 unseen, 1 on the path, 2 done */
    for (size_t i = 0; i < g->n; i++) off[g->e[i].a + 1]++;
    for (size_t x = 0; x < nn; x++) off[x + 1] += off[x];
    for (size_t x = 0; x < nn; x++) it[x] = off[x];
    for (size_t i = 0; i < g->n; i++) adj[it[g->e[i].a]++] = g->e[i].b;
    for (size_t x = 0; x < nn; x++) it[x] = off[x];
    int found = 0;
    for (size_t root = 0; root < nn && !found; root++) {
        if (color[root]) continue;
        size_t depth = 0;
        path[depth++] = (int)root;
        color[root] = 1;
        while (depth && !found) {
            int x = path[depth - 1];
            if (it[x] == off[x + 1]) {
                color[x] = 2;
                depth--;
                continue;
            }
            int y = adj[it[x]++];
            if (color[y] == 0) {
                pos[y] = (int)depth;
                path[depth++] = y;
                color[y] = 1;
            } else if (color[y] == 1) {
                /* the cycle: y and what the path added after it */
                memmove(path, path + pos[y], (depth - (size_t)pos[y]) * sizeof *path);
                *len = depth - (size_t)pos[y];
                found = 1;
            }
        }
        pos[root] = 0;
    }
    fs_free(off);
    fs_free(it);
    fs_free(adj);
    fs_free(pos);
    fs_free(color);
    return found;
}

static int check_loops(struct ctx *c) {
    const struct scenario *sc = c->sc;
    struct loop_graph g = {.nnodes = 2 * sc->nunits + sc->ntransfers};
    int *path = fs_calloc(g.nnodes + 1, sizeof *path);
    size_t len = 0;
    int rc = 0;
    for (size_t gi = 0; gi < scenario_ngroups(sc) && rc == 0; gi++) {
        loop_steps(sc, gi, &g);
        if (!loop_find(&g, path, &len)) continue;
        /* Named by its units, each once in a row, at most eight of them. */
        int first = loop_unit(sc, path[0]), last = first, shown = 1;
        char units[600];
        snprintf(units, sizeof units, "%s", sc->unit[first].name);
        for (size_t k = 1; k <= len; k++) {
            int u = loop_unit(sc, path[k % len]);
            if (u == last && k < len) continue;
            size_t at = strlen(units);
            if (shown++ == 8 && k < len) {
                snprintf(units + at, sizeof units - at, " -> ...");
                break;
            }
            snprintf(units + at, sizeof units - at, " -> %s", sc->unit[u].name);
            last = u;
        }
        char group[200] = "";
        if (sc->ngroups) snprintf(group, sizeof group, " for group %s", sc->group[gi].name);
        const struct doc_section *s = c->usec[first];
        rc = failf(c, s->file, s->line,
                   "[unit %s]: expected a loop of units to take time: %s%s goes round at "
                   "under a minute a step (stays, assessments, patience, readmissions), so the "
                   "run would never reach its horizon",
                   sc->unit[first].name, units, group);
    }
    fs_free(g.e);
    fs_free(path);
    return rc;
}

static int build(struct ctx *c) {
    struct scenario *sc = c->sc;
    struct doc *d = c->d;
    struct doc_section *scs = doc_section(d, "scenario");
    if (!scs || strcmp(scs->type, "scenario") != 0)
        return failf(c, sc->path, 0, "expected a [scenario] section with at least 'horizon'");
    for (size_t i = 0; i < d->n; i++) {
        const char *t = d->s[i].type;
        int single = !strcmp(t, "scenario") || !strcmp(t, "chc"); /* sections without a name */
        if (strcmp(t, "scenario") && strcmp(t, "unit") && strcmp(t, "arrivals") &&
            strcmp(t, "transfer") && strcmp(t, "chc") && strcmp(t, "group"))
            return failf(c, d->s[i].file, d->s[i].line,
                         "[%s]: unknown section type (expected [scenario], [unit NAME], "
                         "[arrivals NAME], [group NAME], [transfer FROM -> TO] or [chc])",
                         t);
        if (single && strcmp(d->s[i].name, t))
            return failf(c, d->s[i].file, d->s[i].line, "[%s] takes no name", t);
        if (!single && !strcmp(d->s[i].name, d->s[i].type))
            return failf(c, d->s[i].file, d->s[i].line, "[%s]: expected a name, as in [%s NAME]", t,
                         t);
        if (!strcmp(d->s[i].name, "exit"))
            return failf(c, d->s[i].file, d->s[i].line,
                         "'exit' is reserved for leaving the system");
    }
    if (build_scenario_section(c, scs)) return -1;
    if (build_groups(c)) return -1;

    /* Units are named before they are built, so routing can refer forwards. */
    size_t nunits = 0, narrivals = 0, ntransfers = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!strcmp(d->s[i].type, "unit")) nunits++;
        if (!strcmp(d->s[i].type, "arrivals")) narrivals++;
        if (!strcmp(d->s[i].type, "transfer")) ntransfers++;
    }
    if (!nunits) return failf(c, sc->path, 0, "expected at least one [unit NAME] section");
    if (!narrivals) return failf(c, sc->path, 0, "expected at least one [arrivals NAME] section");
    if (nunits > FS_MAX_UNITS) return too_many(c, "unit", FS_MAX_UNITS, nunits, "units");
    if (narrivals > FS_MAX_ARRIVALS)
        return too_many(c, "arrivals", FS_MAX_ARRIVALS, narrivals, "arrival streams");
    if (ntransfers > FS_MAX_TRANSFERS)
        return too_many(c, "transfer", FS_MAX_TRANSFERS, ntransfers, "transfers");
    /* Counts and arrays together: scenario_free walks the counts (the fuzzer found a scenario
     * without units freed through a count whose array was never made). */
    sc->nunits = nunits;
    sc->narrivals = narrivals;
    sc->ntransfers = ntransfers;
    sc->unit = fs_calloc(sc->nunits, sizeof *sc->unit);
    sc->arrivals = fs_calloc(sc->narrivals, sizeof *sc->arrivals);
    sc->transfer = fs_calloc(sc->ntransfers + 1, sizeof *sc->transfer);
    c->usec = fs_calloc(sc->nunits, sizeof *c->usec);
    size_t ui = 0, ai = 0;
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->s[i].type, "unit")) {
            c->usec[ui] = &d->s[i];
            sc->unit[ui++].name = fs_strdup(d->s[i].name);
        }
    index_unit_names(sc);
    ui = 0;
    for (size_t i = 0; i < d->n; i++) {
        struct doc_section *s = &d->s[i];
        if (!strcmp(s->type, "unit") && build_unit(c, s, &sc->unit[ui++])) return -1;
        if (!strcmp(s->type, "arrivals")) {
            sc->arrivals[ai].name = fs_strdup(s->name);
            if (build_arrivals(c, s, &sc->arrivals[ai++])) return -1;
        }
    }
    for (size_t i = 0; i < sc->nunits; i++) {
        struct sc_unit *u = &sc->unit[i];
        if (u->readmit > 0 && u->readmit_to < 0) {
            u->readmit_to = sc->arrivals[0].to;
            get(c, c->usec[i], "readmit_to", sc->unit[u->readmit_to].name);
        }
    }
    for (size_t i = 0; i < sc->nunits; i++)
        if (build_unit_groups(c, c->usec[i], &sc->unit[i])) return -1;
    size_t ti = 0;
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->s[i].type, "transfer") && build_transfer(c, &d->s[i], &sc->transfer[ti++]))
            return -1;
    index_transfers(sc);
    for (size_t i = 0; i < sc->ntransfers; i++) {
        const struct sc_transfer *t = &sc->transfer[i];
        sc->unit[t->from].assesses = 1;
        sc->unit[t->from].rejects |= t->accept < 1;
        sc->unit[t->to].referred = 1;
        sc->unit[t->to].has_target |= !isnan(t->target);
    }
    if (build_census(c, scs)) return -1;
    struct doc_section *chc = doc_section(d, "chc");
    if (chc && build_chc(c, chc)) return -1;
    sc->aux_draws = sc->step_downs || sc->chc.on;
    /* A chain of diverts must end somewhere, or a full system would loop for ever. */
    for (size_t i = 0; i < sc->nunits; i++) {
        size_t steps = 0;
        int u = (int)i;
        while (sc->unit[u].when_full == FULL_DIVERT && steps <= sc->nunits)
            u = sc->unit[u].divert, steps++;
        if (steps > sc->nunits) {
            struct doc_entry *e = doc_get(c->usec[i], "when_full");
            return key_fail(c, e, "divert loop: these units divert to each other in a circle");
        }
    }
    return check_loops(c);
}

struct scenario *scenario_load(const char *path, const char *const *sets, size_t nsets, char *err,
                               size_t errlen) {
    struct scenario *sc = fs_calloc(1, sizeof *sc);
    sc->path = fs_strdup(path);
    struct ctx c = {.sc = sc, .d = &sc->doc, .err = err, .errlen = errlen};
    int rc = doc_load(&sc->doc, path, err, errlen);
    for (size_t i = 0; rc == 0 && i < nsets; i++) rc = doc_set(&sc->doc, sets[i], err, errlen);
    if (rc == 0) rc = build(&c);
    fs_free(c.usec);
    if (rc != 0) {
        scenario_free(sc);
        return NULL;
    }
    return sc;
}

void scenario_free(struct scenario *sc) {
    if (!sc) return;
    for (size_t i = 0; i < sc->nunits; i++) {
        struct sc_unit *u = &sc->unit[i];
        fs_free(u->name);
        fs_free(u->sched_t);
        fs_free(u->sched_cap);
        dist_fini(&u->stay);
        dist_fini(&u->readmit_after);
        dist_fini(&u->patience);
        for (size_t g = 0; u->g && g < scenario_ngroups(sc); g++) {
            dist_fini(&u->g[g].stay);
            dist_fini(&u->g[g].readmit_after);
            route_fini(&u->g[g].next);
        }
        fs_free(u->g);
        fs_free(u->next.dest);
        fs_free(u->next.cum);
    }
    for (size_t i = 0; i < sc->narrivals; i++) {
        fs_free(sc->arrivals[i].name);
        nhpp_fini(&sc->arrivals[i].nhpp);
    }
    for (size_t i = 0; i < sc->ntransfers; i++) {
        dist_fini(&sc->transfer[i].assessment);
        fs_free(sc->transfer[i].on_reject.dest);
        fs_free(sc->transfer[i].on_reject.cum);
    }
    fs_free(sc->transfer);
    for (size_t g = 0; g < sc->ngroups; g++) fs_free(sc->group[g].name);
    fs_free(sc->group);
    fs_free(sc->chc.from);
    fs_free(sc->chc.to);
    dist_fini(&sc->chc.assessment);
    fs_free(sc->transfer_off);
    fs_free(sc->transfer_by_from);
    fs_free(sc->unit_by_name);
    fs_free(sc->unit);
    fs_free(sc->arrivals);
    fs_free(sc->name);
    fs_free(sc->path);
    doc_fini(&sc->doc);
    fs_free(sc);
}

int scenario_write_resolved(const struct scenario *sc, FILE *f, int replications) {
    fprintf(f,
            "; flowsim resolved scenario: every key with its effective value, defaults\n"
            "; included, extends and --set applied. Run it as it is to reproduce the results.\n");
    for (size_t i = 0; i < sc->doc.n; i++) {
        const struct doc_section *s = &sc->doc.s[i];
        const char *const *keys = !strcmp(s->type, "scenario")   ? scenario_keys
                                  : !strcmp(s->type, "unit")     ? unit_keys
                                  : !strcmp(s->type, "transfer") ? transfer_keys
                                  : !strcmp(s->type, "chc")      ? chc_keys
                                  : !strcmp(s->type, "group")    ? group_section_keys
                                                                 : arrivals_keys;
        if (!strcmp(s->type, s->name))
            fprintf(f, "\n[%s]\n", s->type);
        else
            fprintf(f, "\n[%s %s]\n", s->type, s->name);
        for (const char *const *k = keys; *k; k++) {
            if (!strcmp(*k, "extends")) continue;
            struct doc_entry *e = doc_get((struct doc_section *)s, *k);
            if (e && replications > 0 && keys == scenario_keys && !strcmp(*k, "replications"))
                fprintf(f, "replications = %d\n", replications);
            else if (e)
                fprintf(f, "%s = %s\n", *k, e->value);
        }
        /* Per-group values, KEY.GROUP, after the unit's own. */
        for (size_t j = 0; keys == unit_keys && j < s->n; j++)
            if (strchr(s->e[j].key, '.')) fprintf(f, "%s = %s\n", s->e[j].key, s->e[j].value);
    }
    return ferror(f) ? -1 : 0;
}
