/* scenario_units.c — the sections about units: [unit NAME] read by topic (kind, places, stay
 * and routing, when full, patience, costs, readmission, step-down, census, surge) and its
 * KEY.GROUP values, routing lists, [transfer FROM -> TO] and [chc]. Calls only
 * scenario_tables.c, scenario_read.c and scenario_query.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "models/limits.h"
#include "scenario_int.h"
#include "sim/core.h"
#include "unitkind.h"
#include "value.h"

static const char *const kind_names[] = {"generic",   "ae",        "acute",       "step_down",
                                         "home_care", "care_home", "virtual_ward"};

int build_route(struct ctx *c, struct doc_entry *e, struct route *rt) {
    struct val_route vr;
    char why[FS_MSG_MAX];
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

static void route_copy(struct route *dst, const struct route *src) {
    dst->n = src->n;
    dst->dest = fs_calloc(src->n + 1, sizeof *dst->dest);
    dst->cum = fs_calloc(src->n + 1, sizeof *dst->cum);
    memcpy(dst->dest, src->dest, src->n * sizeof *dst->dest);
    memcpy(dst->cum, src->cum, src->n * sizeof *dst->cum);
}

void route_fini(struct route *r) {
    fs_free(r->dest);
    fs_free(r->cum);
    memset(r, 0, sizeof *r);
}

/* ---- [unit NAME], one topic at a time ---------------------------------------------------------
 */

static int unit_index(const struct ctx *c, const struct sc_unit *u) {
    return (int)(u - c->sc->unit);
}

/* Capacity finite at time 0 and at every change (costs and surges need one). */
static int unit_finite(const struct sc_unit *u) {
    int finite = !isinf(u->capacity);
    for (size_t i = 0; i < u->nsched; i++) finite &= !isinf(u->sched_cap[i]);
    return finite;
}

static int unit_kind(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e = get(c, s, K_unit_kind);
    int k = -1;
    for (int i = 0; i < (int)(sizeof kind_names / sizeof *kind_names); i++)
        if (strcmp(e->value, kind_names[i]) == 0) k = i;
    if (k < 0)
        return key_fail(c, e,
                        "expected ae, acute, step_down, home_care, care_home, virtual_ward "
                        "or generic");
    u->kind = (enum unit_kind)k;
    return 0;
}

/* Which layer of the scenario a key comes from: a base file (extends) is below the file that
 * extends it (the doc interns files in that order), and every --set is one layer above them
 * all (its "file" is the assignment). */
static size_t layer(const struct doc *d, const char *file) {
    size_t i = 0;
    if (!strncmp(file, "--set ", 6)) return d->nfiles;
    while (i < d->nfiles && d->files[i] != file) i++;
    return i;
}

/* capacity, and capacity_schedule: capacity holds until the schedule's first row, and each row
 * from its date (rows up to the start date set the capacity at time 0). Neither is ever
 * silently ignored: a capacity that a schedule covering the start would override for the whole
 * run is refused (unless a file extending the capacity's file sets the schedule, overriding it
 * as it would any key), and a schedule starting after the start needs a capacity for the days
 * before it, or the unit would be unlimited until its first row. */
static int unit_places(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *cap = opt(s, K_unit_capacity), *e = opt(s, K_unit_capacity_schedule);
    if (!e) return key_number(c, s, K_unit_capacity, val_count, &u->capacity);
    double *days = NULL, *caps = NULL;
    size_t n = 0;
    int rc = read_dated(c, e, val_count, &days, &caps, &n);
    char why[FS_MSG_MAX], first[11], start[11];
    if (rc == 0) {
        FS_ASSERT(n > 0); /* read_dated refuses a table without rows */
        val_format_date((long)days[0], first);
        val_format_date(c->sc->start_day, start);
    }
    if (rc == 0 && days[0] <= (double)c->sc->start_day) {
        if (cap && layer(c->d, cap->file) >= layer(c->d, e->file)) {
            snprintf(why, sizeof why,
                     "expected no capacity beside a capacity_schedule whose first row (%s) is "
                     "on or before the start (%s): the schedule sets every day's capacity, so "
                     "this one would never apply (change the schedule's rows)",
                     first, start);
            rc = key_fail(c, cap, why);
        } else if (cap) {
            /* A base file's capacity, replaced by this schedule: not written back either. */
            doc_remove(s, sc_keys[K_unit_capacity].name);
        }
        u->capacity = INFINITY; /* set by the rows on or before the start, below */
    } else if (rc == 0 && !cap) {
        snprintf(why, sizeof why,
                 "expected a schedule that covers the start: its first row (%s) is after the "
                 "start (%s), and the unit would be unlimited until then (add a row dated on or "
                 "before the start, or give capacity for the days before the first row)",
                 first, start);
        rc = key_fail(c, e, why);
    } else if (rc == 0) {
        rc = parse_key(c, cap, val_count, &u->capacity);
    }
    if (rc == 0) {
        u->sched_t = fs_calloc(n, sizeof *u->sched_t);
        u->sched_cap = fs_calloc(n, sizeof *u->sched_cap);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
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
    return rc;
}

static int unit_stay(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e = require(c, s, K_unit_stay);
    if (!e || build_dist(c, e, &u->stay)) return -1;
    return build_route(c, get(c, s, K_unit_next), &u->next);
}

static int unit_when_full(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e = get(c, s, K_unit_when_full);
    if (strcmp(e->value, "queue") == 0) {
        u->when_full = FULL_QUEUE;
    } else if (strcmp(e->value, "lose") == 0) {
        u->when_full = FULL_LOSE;
    } else if (strncmp(e->value, "divert", 6) == 0 && (e->value[6] == ' ' || e->value[6] == '\t')) {
        const char *t = e->value + 6;
        while (*t == ' ' || *t == '\t') t++;
        u->when_full = FULL_DIVERT;
        if (unit_named(c, e, t, 0, &u->divert)) return -1;
        if (u->divert == unit_index(c, u)) return key_fail(c, e, "a unit cannot divert to itself");
    } else {
        return key_fail(c, e, "expected queue, lose or divert UNIT");
    }
    return 0;
}

/* Patience (reneging): how long a patient waits in this unit's queue before taking another
 * route, e.g. a placement out of area. */
static int unit_patience(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e;
    u->patience_to = ROUTE_EXIT;
    if ((e = opt(s, K_unit_patience))) {
        if (u->when_full != FULL_QUEUE)
            return key_fail(c, e, "expected when_full = queue (only a queue can be given up)");
        if (build_dist(c, e, &u->patience)) return -1;
        u->has_patience = 1;
        e = get(c, s, K_unit_patience_to);
        if (unit_named(c, e, e->value, 1, &u->patience_to)) return -1;
        if (u->patience_to == unit_index(c, u))
            return key_fail(c, e, "expected another unit: patients give up waiting for this one");
    } else if ((e = opt(s, K_unit_patience_to))) {
        return key_fail(
            c, e,
            "expected patience = DIST beside it (patience_to says where those who give up go)");
    }
    return 0;
}

/* A cost a day of a place or a patient: a number from 0 to FS_MAX_COST_PER_DAY (limits.h). */
static int parse_cost(const char *s, double *v, char *err, size_t errlen) {
    if (parse_number_any(s, v, err, errlen) == 0 && *v <= FS_MAX_COST_PER_DAY) return 0;
    snprintf(err, errlen, "expected a cost a day from 0 to 1e9, got '%s'", s);
    return -1;
}

static int unit_costs(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e = get(c, s, K_unit_cost_per_place_day);
    if (parse_key(c, e, parse_cost, &u->cost_per_place_day)) return -1;
    if (u->cost_per_place_day > 0 && !unit_finite(u))
        return key_fail(c, e, "expected a finite capacity to pay for (capacity is inf)");
    return key_number(c, s, K_unit_cost_per_patient_day, parse_cost, &u->cost_per_patient_day);
}

/* Readmission: off unless readmit > 0; readmit_to defaults to where the first arrival stream
 * enters (A&E, usually), filled in once the arrivals are built. readmit_after and readmit_to
 * are read whenever given, readmit 0 or not: a group readmitted through readmit.GROUP takes
 * them as its own unless it has its own (build_unit_groups). */
static int unit_readmit(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e;
    if (key_number(c, s, K_unit_readmit, val_prob, &u->readmit)) return -1;
    u->readmit_to = -1;
    if (u->readmit > 0 && !require(c, s, K_unit_readmit_after)) return -1;
    if ((e = opt(s, K_unit_readmit_after)) && build_dist(c, e, &u->readmit_after)) return -1;
    if ((e = opt(s, K_unit_readmit_to)) && unit_named(c, e, e->value, 0, &u->readmit_to)) return -1;
    c->sc->readmissions |= u->readmit > 0;
    return 0;
}

/* UNIT SHARE at FRACTION (step_down, escalate_to): a share of the unit's stays that move to
 * another unit at a fraction of the stay. */
static int unit_share_at(struct ctx *c, struct sc_unit *u, const struct doc_entry *e,
                         const char *hint, const char *self, int *to, double *share, double *at) {
    /* Each word is at most the whole value: no word is cut. */
    size_t len = strlen(e->value) + 1;
    char *buf = fs_malloc(4 * len), *name = buf, *sh = buf + len, *word = buf + 2 * len,
         *frac = buf + 3 * len, why[FS_MSG_MAX];
    int n = 0, rc = 0;
    if (sscanf(e->value, "%s %s %s %s %n", name, sh, word, frac, &n) != 4 || e->value[n] != 0 ||
        strcmp(word, "at") != 0)
        rc = key_got(c, e, hint);
    else if (unit_named(c, e, name, 0, to))
        rc = -1;
    else if (*to == unit_index(c, u))
        rc = key_got(c, e, self);
    else if (val_prob(sh, share, why, sizeof why))
        rc = key_fail(c, e, why);
    else if (val_prob(frac, at, why, sizeof why) || *at <= 0 || *at >= 1)
        rc = key_got(c, e, "expected the FRACTION of the stay strictly between 0 and 1");
    fs_free(buf);
    return rc;
}

/* step_down = UNIT SHARE at FRACTION; step_down_stay = rest | own */
static int unit_step_down(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    u->step_down_to = -1;
    struct doc_entry *e = opt(s, K_unit_step_down), *st = opt(s, K_unit_step_down_stay);
    if (st) {
        if (!strcmp(st->value, "own"))
            u->step_down_own = 1;
        else if (strcmp(st->value, "rest"))
            return key_got(c, st, "expected rest or own");
        if (!e) return key_got(c, st, "needs step_down on this unit");
    }
    if (!e) return 0;
    if (unit_share_at(c, u, e, "expected UNIT SHARE at FRACTION, e.g. 'vw 0.1 at 0.6'",
                      "a unit cannot step patients down into itself", &u->step_down_to,
                      &u->step_down_share, &u->step_down_at))
        return -1;
    c->sc->unit[u->step_down_to].stepped_into = 1;
    c->sc->step_downs = 1;
    return 0;
}

/* Virtual wards as evaluated: avoids = UNIT [SHARE] (the share defaults to 0.4: one
 * non-elective admission avoided per 2.5 virtual-ward admissions, NHS England South East's
 * evaluation of 29 virtual-ward pathways, PPL 2024); escalate_to = UNIT SHARE at FRACTION. */
static int unit_ward(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    static const char hint[] = "expected UNIT or UNIT SHARE, e.g. 'acute' or 'acute 0.4'";
    u->avoids = u->escalate_to = -1;
    struct doc_entry *e;
    if ((e = opt(s, K_unit_escalate_to)) &&
        unit_share_at(c, u, e, "expected UNIT SHARE at FRACTION, e.g. 'acute 0.1 at 0.3'",
                      "a unit cannot escalate patients to itself", &u->escalate_to,
                      &u->escalate_share, &u->escalate_at))
        return -1;
    if (u->escalate_to >= 0 && u->step_down_to >= 0)
        return key_got(c, e,
                       "a unit with step_down cannot also escalate_to (give the step-down "
                       "unit the escalation)");
    if ((e = opt(s, K_unit_avoids))) {
        size_t len = strlen(e->value) + 1;
        char *buf = fs_malloc(2 * len), *name = buf, *sh = buf + len, why[FS_MSG_MAX];
        int n = 0, k = sscanf(e->value, "%s %n", name, &n), rc = 0;
        if (k == 1 && e->value[n] != 0) {
            n = 0;
            k = sscanf(e->value, "%s %s %n", name, sh, &n) == 2 && e->value[n] == 0 ? 2 : 0;
        }
        u->avoids_share = 0.4;
        if (k < 1)
            rc = key_got(c, e, hint);
        else if (unit_named(c, e, name, 0, &u->avoids))
            rc = -1;
        else if (u->avoids == unit_index(c, u))
            rc = key_got(c, e, "a unit cannot avoid admissions to itself");
        else if (k == 2 && val_prob(sh, &u->avoids_share, why, sizeof why))
            rc = key_fail(c, e, why);
        fs_free(buf);
        if (rc) return rc;
    }
    u->ward_rules = u->avoids >= 0 || u->escalate_to >= 0;
    c->sc->wards |= u->ward_rules;
    return 0;
}

/* A census at time 0 (or from [scenario] initial = FILE.csv, checked once all units exist). */
static int unit_census(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    static const enum sc_key keys[3] = {K_unit_initial_occupancy, K_unit_initial_delayed,
                                        K_unit_initial_queue};
    double *at[3] = {&u->init_in_care, &u->init_delayed, &u->init_queue};
    for (int i = 0; i < 3; i++) {
        struct doc_entry *e = opt(s, keys[i]);
        if (!e) continue;
        if (parse_key(c, e, val_count, at[i])) return -1;
        if (isinf(*at[i])) return key_fail(c, e, "expected a whole number of patients");
        if (i == 2 && *at[i] > 0 && u->when_full != FULL_QUEUE)
            return key_fail(c, e, "expected no queue on a unit whose when_full is not queue");
        u->init_given |= i < 2;
    }
    return 0;
}

static int unit_surge(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e = get(c, s, K_unit_surge_capacity);
    if (parse_key(c, e, val_count, &u->surge_capacity)) return -1;
    if (!(u->surge_capacity > 0)) return 0;
    if (isinf(u->surge_capacity) || !unit_finite(u))
        return key_fail(c, e, "expected a whole number of places on a unit of finite capacity");
    if (key_number(c, s, K_unit_surge_on, val_prob, &u->surge_on) ||
        key_number(c, s, K_unit_surge_after, val_duration, &u->surge_after))
        return -1;
    e = get(c, s, K_unit_surge_off);
    if (parse_key(c, e, val_prob, &u->surge_off)) return -1;
    if (u->surge_off > u->surge_on) return key_fail(c, e, "expected surge_off <= surge_on");
    return 0;
}

/* Outbreaks: closures of places that start at outbreak_rate (times outbreak_by_date's
 * multipliers), each closing outbreak_beds places for outbreak_duration. All three or none. */
static int unit_outbreaks(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *rate_e = opt(s, K_unit_outbreak_rate), *beds_e = opt(s, K_unit_outbreak_beds),
                     *dur_e = opt(s, K_unit_outbreak_duration),
                     *date_e = opt(s, K_unit_outbreak_by_date);
    if (!rate_e) {
        struct doc_entry *e = beds_e ? beds_e : dur_e ? dur_e : date_e;
        return e ? key_got(c, e,
                           "expected outbreak_rate beside it (outbreaks need a rate, "
                           "outbreak_beds and outbreak_duration)")
                 : 0;
    }
    if (!beds_e || !dur_e)
        return key_got(c, rate_e,
                       beds_e ? "expected outbreak_duration beside it (how long a closure lasts)"
                              : "expected outbreak_beds beside it (places closed by each)");
    if (!unit_finite(u))
        return key_got(c, rate_e, "expected a unit of finite capacity (its places are closed)");
    double rate;
    if (parse_key(c, rate_e, val_rate, &rate)) return -1;
    if (rate * (1 - 1e-12) > FS_MAX_OUTBREAKS_PER_DAY)
        return key_got(c, rate_e,
                       "expected at most 24 outbreaks a day (they are rare: a few a year, like "
                       "6/y)");
    /* places, not time: a unit letter (fixed(6h)) is a slip, 6 hours read as 0 places */
    for (const char *q = beds_e->value; strncmp(beds_e->value, "empirical", 9) && *q; q++)
        if ((*q == 'm' || *q == 'h' || *q == 'd' || *q == 'w') && q > beds_e->value &&
            (q[-1] >= '0' && q[-1] <= '9'))
            return key_got(c, beds_e,
                           "expected a distribution of places, numbers without a unit (like "
                           "fixed(6) or uniform(3.5, 12.5))");
    if (build_count_dist(c, beds_e, &u->outbreak_beds) ||
        build_dist(c, dur_e, &u->outbreak_duration))
        return -1;
    double *days = NULL, *mult = NULL;
    size_t n = 0;
    if (date_e) {
        if (read_dated(c, date_e, parse_number_any, &days, &mult, &n)) {
            fs_free(days);
            fs_free(mult);
            return -1;
        }
        for (size_t i = 0; i < n; i++) days[i] -= (double)c->sc->start_day;
    }
    char why[FS_MSG_MAX];
    u->outbreak = fs_calloc(1, sizeof *u->outbreak);
    int rc = nhpp_init(u->outbreak, rate, NULL, 0, days, mult, n, why, sizeof why);
    fs_free(days);
    fs_free(mult);
    if (rc) return key_fail(c, date_e ? date_e : rate_e, why);
    return 0;
}

/* A key of A&E's on a unit of another kind: its kind is what the message quotes. */
static int kind_fail(struct ctx *c, const struct doc_entry *e, const struct sc_unit *u,
                     const char *why) {
    char text[FS_MSG_MAX];
    snprintf(text, sizeof text, "expected kind = ae (%s), got kind '%s'", why, kind_names[u->kind]);
    return key_fail(c, e, text);
}

/* The front door: corridor spaces and the ambulance handover's own time, on a unit whose kind
 * has them (an A&E: UK_CORRIDOR, UK_HANDOVER). */
static int unit_front_door(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e;
    unsigned caps = unitkind_caps(u->kind);
    if ((e = opt(s, K_unit_corridor_capacity))) {
        if (!(caps & UK_CORRIDOR)) return kind_fail(c, e, u, "only A&E has corridors");
        if (parse_key(c, e, val_count, &u->corridor_capacity)) return -1;
        c->sc->corridors |= u->corridor_capacity > 0;
    }
    if ((e = opt(s, K_unit_handover_time))) {
        if (!(caps & UK_HANDOVER)) return kind_fail(c, e, u, "only A&E takes ambulance handovers");
        if (build_dist(c, e, &u->handover_time)) return -1;
        u->has_handover_time = 1;
    }
    return 0;
}

/* escalation_levels = 0.85, 0.92, 0.97: up to three occupancy fractions, ascending, on a unit
 * of finite capacity. */
static int unit_levels(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    static const char hint[] = "expected 1 to 3 occupancy fractions in (0, 1], ascending, like "
                               "'0.85, 0.92, 0.97'";
    struct doc_entry *e = opt(s, K_unit_escalation_levels);
    if (!e) return 0;
    if (!unit_finite(u))
        return key_fail(c, e, "expected a unit of finite capacity, got an unlimited one (inf)");
    char **item, why[FS_MSG_MAX];
    size_t n;
    if (split_list(c, e, hint, &item, &n)) return -1;
    int rc = 0;
    u->nlevels = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        double v;
        if (u->nlevels == 3 || val_prob(item[i], &v, why, sizeof why) || !(v > 0) ||
            (u->nlevels > 0 && !(v > u->level[u->nlevels - 1])))
            rc = key_got(c, e, hint);
        else
            u->level[u->nlevels++] = v;
    }
    list_free(item, n);
    return rc;
}

/* internal_delay_to = DEST DIST, DEST DIST: a destination (a unit or exit) and a distribution
 * an item, split at commas outside brackets (a distribution has its own commas). */
static int unit_internal_to(struct ctx *c, struct doc_entry *e, struct sc_unit *u) {
    static const char hint[] =
        "expected DEST DIST, DEST DIST (a unit or exit, then a distribution), e.g. "
        "'care_home lognormal(2d, 1d), exit fixed(4h)'";
    char **item;
    size_t n;
    if (split_list(c, e, hint, &item, &n)) return -1;
    int rc = 0, rewrite = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *name = item[i], *dist = name;
        while (*dist && *dist != ' ' && *dist != '\t') dist++;
        if (*dist) *dist++ = 0;
        while (*dist == ' ' || *dist == '\t') dist++;
        if (!*dist) {
            rc = key_got(c, e, hint);
            break;
        }
        int d;
        if ((rc = unit_named(c, e, name, 1, &d))) break;
        for (size_t k = 0; k < u->ninternal_to; k++)
            if (u->internal_to_dest[k] == d) {
                char why[FS_MSG_MAX];
                snprintf(why, sizeof why, "expected each destination once, got '%s' twice", name);
                rc = key_fail(c, e, why);
            }
        if (rc) break;
        size_t k = u->ninternal_to++;
        u->internal_to_dest = fs_realloc(u->internal_to_dest, u->ninternal_to * sizeof(int));
        u->internal_to = fs_realloc(u->internal_to, u->ninternal_to * sizeof *u->internal_to);
        memset(&u->internal_to[k], 0, sizeof *u->internal_to);
        u->internal_to_dest[k] = d;
        /* The item as an entry of its own (its key the same string, for its notes): an
         * empirical(FILE) in it becomes the file's absolute path (the table reader replaces
         * the entry's value), written back into the key's value below. */
        struct doc_entry one = *e;
        one.value = fs_strdup(dist);
        rc = build_dist(c, &one, &u->internal_to[k]);
        rewrite |= strcmp(one.value, dist) != 0;
        item[i] = fs_sprintf("%s %s", name, one.value);
        fs_free(name);
        fs_free(one.value);
    }
    if (rc == 0 && rewrite) {
        size_t len = 1;
        for (size_t i = 0; i < n; i++) len += strlen(item[i]) + 2;
        char *v = fs_malloc(len);
        v[0] = 0;
        for (size_t i = 0; i < n; i++) {
            if (i) strcat(v, ", ");
            strcat(v, item[i]);
        }
        fs_free(e->value);
        e->value = v;
    }
    list_free(item, n);
    return rc;
}

/* Leaving: the trust's own work after the stay (internal_delay, internal_delay_to), then the
 * hours discharges happen in (discharge_hour_of_week, read as arrivals' hour_of_week, with
 * discharge_rate: inf, the default, leaves at once in the first hour of positive weight). */
static int unit_discharge(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e;
    char why[FS_MSG_MAX];
    if ((e = opt(s, K_unit_internal_delay))) {
        if (build_dist(c, e, &u->internal)) return -1;
        u->has_internal = 1;
    }
    if ((e = opt(s, K_unit_internal_delay_to)) && unit_internal_to(c, e, u)) return -1;
    struct doc_entry *how_e = opt(s, K_unit_discharge_hour_of_week);
    if (how_e) {
        double how[168], sum = 0, top = 0, rate = 1;
        if (read_hour_of_week(c, how_e, how, "no patient could ever leave")) return -1;
        for (int h = 0; h < 168; h++) sum += how[h], top = fmax(top, how[h]);
        e = get_derived(c, s, K_unit_discharge_rate, "inf");
        u->dhours_inf = !strcmp(e->value, "inf");
        if (!u->dhours_inf) {
            if (parse_key(c, e, val_rate, &rate)) return -1;
            if (!(rate > 0)) return key_got(c, e, "expected a rate above 0, like 12/d, or inf");
            /* The arrivals' bound at the busiest hour, and one discharge in the longest
             * horizon at the least (models/limits.h). */
            if (!(rate * top <= NHPP_MAX_PER_DAY)) {
                snprintf(why, sizeof why,
                         "expected at most %.0f discharges a day at the busiest hour "
                         "(discharge_rate x that hour's weight in discharge_hour_of_week; inf "
                         "to leave at once)",
                         NHPP_MAX_PER_DAY);
                return key_got(c, e, why);
            }
            if (!(rate * sum / 168 >= FS_MIN_DISCHARGES_PER_DAY)) {
                snprintf(why, sizeof why,
                         "expected a rate giving at least one discharge in %.0f days, the "
                         "longest horizon (discharge_rate x the mean weight of "
                         "discharge_hour_of_week; slower, no patient waiting for the discharge "
                         "hour would ever leave)",
                         FS_MAX_HORIZON_DAYS);
                return key_got(c, e, why);
            }
        }
        /* The rate in hour h is discharge_rate x weight(h), weights as given: nhpp normalises
         * them to mean 1, so its rate is discharge_rate x the mean weight. At an infinite rate
         * only which hours have weight matters (nhpp_next_open), so the profile alone is
         * given, at mean 1, and no weight is too large. */
        double profile[168];
        how_scaled(how, profile);
        u->dhours = fs_calloc(1, sizeof *u->dhours);
        if (nhpp_init(u->dhours, u->dhours_inf ? 1 : rate * sum / 168, profile,
                      24.0 * val_weekday(c->sc->start_day), NULL, NULL, 0, why, sizeof why))
            return key_fail(c, how_e, why);
        u->has_dhours = 1;
        u->dhours_wait = nhpp_mean_wait(u->dhours, u->dhours_inf);
        if ((e = opt(s, K_unit_discharge_any_hour)) && parse_key(c, e, val_prob, &u->any_hour))
            return -1;
        u->dhours_wait *= 1 - u->any_hour;
    } else if ((e = opt(s, K_unit_discharge_rate))) {
        return key_got(c, e,
                       "expected discharge_hour_of_week = FILE.csv beside it (the rate is per "
                       "hour of that profile)");
    } else if ((e = opt(s, K_unit_discharge_any_hour))) {
        return key_got(c, e,
                       "expected discharge_hour_of_week = FILE.csv beside it (the share leaves "
                       "outside its hours)");
    }
    u->discharge = u->has_internal || u->ninternal_to > 0 || u->has_dhours;
    c->sc->discharges |= u->discharge;
    return 0;
}

/* Admitting: the hours a unit takes patients in (admission_hour_of_week, read as arrivals'
 * hour_of_week; only zero or positive matters). Closed, the unit queues whoever comes, so it
 * needs a queue. */
static int unit_admission(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *e = opt(s, K_unit_admission_hour_of_week);
    if (!e) return 0;
    double how[168];
    char why[FS_MSG_MAX];
    if (u->when_full != FULL_QUEUE) {
        snprintf(why, sizeof why,
                 "expected when_full = queue on a unit with admission hours (a patient arriving "
                 "in a closed hour waits in its queue), got 'when_full = %s'",
                 get(c, s, K_unit_when_full)->value);
        return key_fail(c, e, why);
    }
    if (read_hour_of_week(c, e, how, "the unit would never admit anyone")) return -1;
    how_scaled(how, how); /* only which hours have weight matters */
    u->ahours = fs_calloc(1, sizeof *u->ahours);
    if (nhpp_init(u->ahours, 1, how, 24.0 * val_weekday(c->sc->start_day), NULL, NULL, 0, why,
                  sizeof why))
        return key_fail(c, e, why);
    return 0;
}

/* ---- visit slots ------------------------------------------------------------------------------
 */

/* The keys of a visit-based unit other than the slots themselves: each needs the unit to be
 * one (visit_slots or visit_slots_schedule). */
static const enum sc_key visit_keys[] = {K_unit_visits_initial, K_unit_visits_final,
                                         K_unit_visit_length, K_unit_double_handed};

/* visits_initial or visits_final: whole visits a day, 1 to FS_MAX_VISITS_PER_DAY. */
static int visits_a_day(struct ctx *c, struct doc_section *s, enum sc_key k, double dflt,
                        double *v) {
    struct doc_entry *e = opt(s, k);
    *v = dflt;
    if (!e) return 0;
    char why[FS_MSG_MAX];
    if (val_count(e->value, v, why, sizeof why) || !(*v >= 1 && *v <= FS_MAX_VISITS_PER_DAY))
        return key_got(c, e,
                       "expected a whole number of visits a day from 1 to 96 (96: one every 15 "
                       "minutes)");
    return 0;
}

/* Each day's slots: visit_slots until the schedule's first row, then each row from its date
 * (a day takes the value in force at its midnight), like capacity and capacity_schedule. */
static int visit_days(struct ctx *c, struct doc_entry *slots_e, struct doc_entry *sched_e,
                      struct sc_unit *u) {
    double slots = 0, *days = NULL, *vals = NULL;
    size_t n = 0;
    char why[FS_MSG_MAX], first[11], start[11];
    int rc = slots_e ? parse_key(c, slots_e, val_count, &slots) : 0;
    if (rc == 0 && sched_e) {
        rc = read_dated(c, sched_e, val_count, &days, &vals, &n);
        if (rc == 0) {
            val_format_date((long)days[0], first);
            val_format_date(c->sc->start_day, start);
        }
        if (rc == 0 && days[0] <= (double)c->sc->start_day && slots_e) {
            snprintf(why, sizeof why,
                     "expected no visit_slots beside a visit_slots_schedule whose first row (%s) "
                     "is on or before the start (%s): the schedule sets every day's slots, so "
                     "this one would never apply",
                     first, start);
            rc = key_fail(c, slots_e, why);
        } else if (rc == 0 && days[0] > (double)c->sc->start_day && !slots_e) {
            snprintf(why, sizeof why,
                     "expected a schedule that covers the start: its first row (%s) is after "
                     "the start (%s) (add a row dated on or before the start, or give "
                     "visit_slots for the days before the first row)",
                     first, start);
            rc = key_fail(c, sched_e, why);
        }
    }
    if (rc == 0) {
        u->nvdays = (size_t)ceil(c->sc->horizon);
        u->vslots = fs_calloc(u->nvdays, sizeof *u->vslots);
        size_t k = 0;
        for (size_t d = 0; d < u->nvdays; d++) {
            while (k < n && days[k] - (double)c->sc->start_day <= (double)d) slots = vals[k++];
            u->vslots[d] = slots;
        }
    }
    fs_free(days);
    fs_free(vals);
    return rc;
}

/* A visit-based unit (IPACS's pathway 1): its capacity is carer visits a day (visit_slots, or
 * visit_slots_schedule's by date), each patient needing visits_initial visits a day falling
 * linearly to visits_final over its episode, each visit_length long, double-handed (two
 * carers) for a share double_handed of patients. Places are then unlimited: capacity and
 * capacity_schedule are refused beside it, and so are what would change a stay after its
 * visits were booked (a handover's time on an A&E, a step-down out of it). */
static int unit_visits(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct doc_entry *slots_e = opt(s, K_unit_visit_slots),
                     *sched_e = opt(s, K_unit_visit_slots_schedule), *e;
    if (!slots_e && !sched_e) {
        for (size_t i = 0; i < sizeof visit_keys / sizeof *visit_keys; i++)
            if ((e = opt(s, visit_keys[i])))
                return key_got(c, e,
                               "expected visit_slots or visit_slots_schedule beside it (visits "
                               "are booked against a visit-based unit's slots)");
        return 0;
    }
    /* capacity = inf is what scenario.resolved.ini writes for it: not refused */
    if ((e = opt(s, K_unit_capacity_schedule)) ||
        (!isinf(u->capacity) && (e = opt(s, K_unit_capacity))))
        return key_got(c, e,
                       "expected no capacity on a visit-based unit (its capacity is its "
                       "visit_slots a day; its places are unlimited)");
    e = slots_e ? slots_e : sched_e;
    if (u->kind == UNIT_AE)
        return key_fail(c, e,
                        "expected a unit that is not kind = ae (an A&E has cubicles, not visits)");
    if ((e = opt(s, K_unit_step_down)))
        return key_got(c, e,
                       "expected no step_down from a visit-based unit (its visits are booked "
                       "for the whole stay when it starts)");
    if ((e = opt(s, K_unit_escalate_to)))
        return key_got(c, e,
                       "expected no escalate_to from a visit-based unit (its visits are booked "
                       "for the whole stay when it starts)");
    u->visits = 1;
    c->sc->visit_units = 1;
    if (visits_a_day(c, s, K_unit_visits_initial, 1, &u->visits_initial) ||
        visits_a_day(c, s, K_unit_visits_final, u->visits_initial, &u->visits_final))
        return -1;
    u->visit_length = 45.0 / (24 * 60);
    if ((e = opt(s, K_unit_visit_length))) {
        if (parse_key(c, e, val_duration, &u->visit_length)) return -1;
        if (!(u->visit_length > 0 && u->visit_length <= 1))
            return key_got(c, e, "expected a visit length above 0 and at most 1d");
    }
    if ((e = opt(s, K_unit_double_handed)) && parse_key(c, e, val_prob, &u->double_handed))
        return -1;
    if (visit_days(c, slots_e, sched_e, u)) return -1;
    /* A patient needing more slots on one day than any day has would never start. */
    double most = 0,
           need = fmax(u->visits_initial, u->visits_final) * (u->double_handed > 0 ? 2 : 1);
    for (size_t d = 0; d < u->nvdays; d++) most = fmax(most, u->vslots[d]);
    if (need > most && most > 0) {
        char why[FS_MSG_MAX];
        snprintf(why, sizeof why,
                 "expected slots for one patient's visits: a patient needs up to %g slots a day "
                 "(visits_initial, visits_final, two for a double-handed visit) and no day has "
                 "more than %g, so nobody would ever start",
                 need, most);
        return key_fail(c, slots_e ? slots_e : sched_e, why);
    }
    return 0;
}

/* ORDER: a unit's first bad key, in this order, is the one reported. */
static int (*const unit_topics[])(struct ctx *, struct doc_section *, struct sc_unit *) = {
    unit_kind,    unit_places,    unit_stay,      unit_when_full, unit_patience, unit_costs,
    unit_readmit, unit_step_down, unit_ward,      unit_census,    unit_surge,    unit_front_door,
    unit_levels,  unit_discharge, unit_admission, unit_outbreaks, unit_visits,
};

int build_unit(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    if (check_known_keys(c, s)) return -1;
    for (size_t i = 0; i < sizeof unit_topics / sizeof *unit_topics; i++)
        if (unit_topics[i](c, s, u)) return -1;
    return 0;
}

/* One group's KEY.GROUP values over the copies of the unit's own: a key the group does not
 * give is the unit's (stay, next, readmit, readmit_after, readmit_to), as the reference says. */
static int unit_group_values(struct ctx *c, struct doc_section *s, struct unit_group *G,
                             const char *gn) {
    struct doc_entry *e;
    if ((e = opt_group(s, K_unit_stay, gn))) {
        dist_fini(&G->stay);
        if (build_dist(c, e, &G->stay)) return -1;
    }
    if ((e = opt_group(s, K_unit_next, gn))) {
        route_fini(&G->next);
        if (build_route(c, e, &G->next)) return -1;
    }
    if ((e = opt_group(s, K_unit_readmit, gn)) && parse_key(c, e, val_prob, &G->readmit)) return -1;
    if ((e = opt_group(s, K_unit_readmit_after, gn))) {
        dist_fini(&G->readmit_after);
        if (build_dist(c, e, &G->readmit_after)) return -1;
    } else if (G->readmit > 0 && !opt(s, K_unit_readmit_after)) {
        return missing(c, s, K_unit_readmit_after, gn); /* neither the group's nor the unit's */
    }
    if ((e = opt_group(s, K_unit_readmit_to, gn)) && unit_named(c, e, e->value, 0, &G->readmit_to))
        return -1;
    return 0;
}

/* Each unit's per-group records: copies of its own values, then its KEY.GROUP overrides. */
int build_unit_groups(struct ctx *c, struct doc_section *s, struct sc_unit *u) {
    struct scenario *sc = c->sc;
    size_t ng = scenario_ngroups(sc);
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
        if (unit_group_values(c, s, G, sc->group[g].name)) return -1;
        if (G->readmit > 0 && G->readmit_to < 0) G->readmit_to = sc->arrivals[0].to;
        if (G->readmit > u->readmit_any) u->readmit_any = G->readmit;
    }
    if (u->readmit_any > 0) sc->readmissions = 1;
    return 0;
}

/* ---- [transfer FROM -> TO] --------------------------------------------------------------------
 */

/* A plain duration is a fixed time (an assessment's, a re-offer's, a choice's); otherwise a
 * distribution. */
static int assessment(struct ctx *c, struct doc_entry *e, struct dist *d) {
    char why[FS_MSG_MAX];
    double fixed;
    if (val_duration(e->value, &fixed, why, sizeof why) == 0) {
        FS_ASSERT(dist_init(d, DIST_FIXED, &fixed, why, sizeof why) == 0);
        note_bare_duration(c, e, e->value);
        return 0;
    }
    return build_dist(c, e, d);
}

/* reoffer_after and max_offers: one offer without reoffer_after (max_offers refused then, it
 * would do nothing); with it, max_offers defaults to inf. A patient TO never accepts, offered
 * without end, would hold its bed for ever: refused. */
static int transfer_reoffers(struct ctx *c, struct doc_section *s, struct sc_transfer *t) {
    struct doc_entry *re = opt(s, K_transfer_reoffer_after), *me = opt(s, K_transfer_max_offers);
    t->max_offers = 1;
    if (!re) {
        return me ? key_got(c, me,
                            "expected reoffer_after beside it (how long after a decline the "
                            "patient is offered again, e.g. uniform(3d, 10d))")
                  : 0;
    }
    t->has_reoffer = 1;
    if (assessment(c, re, &t->reoffer_after)) return -1;
    /* Typically under a minute (its mean, or its median when shorter, as the loop check
     * judges a step), a patient rarely accepted would be re-offered thousands of times at
     * almost one instant. */
    double m = dist_mean(&t->reoffer_after), q = dist_median(&t->reoffer_after);
    if (!((q < m ? q : m) >= 1.0 / 1440))
        return key_got(c, re,
                       "expected a delay of a minute or more (its mean, or its median when "
                       "shorter): a re-offer takes time");
    if (!me && !(t->accept > 0))
        return key_got(c, re,
                       "expected max_offers beside it with accept = 0 (a patient never accepted "
                       "would be offered for ever)");
    me = get_derived(c, s, K_transfer_max_offers, "inf");
    if (parse_key(c, me, val_count, &t->max_offers)) return -1;
    if (!(t->max_offers >= 1))
        return key_got(c, me, "expected a whole number of offers >= 1 or 'inf'");
    if (!(t->accept > 0) && isinf(t->max_offers))
        return key_got(c, me,
                       "expected a finite number with accept = 0 (a patient never accepted "
                       "would be offered for ever)");
    return 0;
}

int build_transfer(struct ctx *c, struct doc_section *s, struct sc_transfer *t) {
    struct doc_entry *e;
    char why[FS_MSG_MAX];
    if (check_known_keys(c, s)) return -1;
    t->from = t->to = -1;
    const char *arrow = strstr(s->name, "->");
    size_t n = (size_t)(arrow - s->name);
    char *from = fs_malloc(n + 1);
    memcpy(from, s->name, n);
    from[n] = 0;
    int bad = unit_lookup(c->sc, from, 0, &t->from, why, sizeof why) ||
              unit_lookup(c->sc, arrow + 2, 0, &t->to, why, sizeof why);
    fs_free(from);
    if (bad) return failf(c, s->file, s->line, "[transfer %s]: %s", s->name, why);
    if (t->from == t->to)
        return failf(c, s->file, s->line, "[transfer %s]: a unit cannot transfer to itself",
                     s->name);
    if (assessment(c, get(c, s, K_transfer_assessment), &t->assessment)) return -1;
    t->target = NAN;
    if ((e = opt(s, K_transfer_target)) && parse_key(c, e, val_duration, &t->target)) return -1;
    if (key_number(c, s, K_transfer_accept, val_prob, &t->accept)) return -1;
    if (build_route(c, get(c, s, K_transfer_on_reject), &t->on_reject)) return -1;
    if (transfer_reoffers(c, s, t)) return -1;
    t->has_choice = (e = opt(s, K_transfer_choice_time)) != NULL;
    return t->has_choice ? assessment(c, e, &t->choice_time) : 0;
}

/* ---- [chc] ------------------------------------------------------------------------------------
 */

/* A list of unit names ("acute, ward2") into a per-unit flag array. */
static int unit_list(struct ctx *c, struct doc_entry *e, char **flags) {
    *flags = fs_calloc(c->sc->nunits, 1);
    char **item;
    size_t n;
    if (split_list(c, e, "expected a list of [unit] names, like 'acute, community'", &item, &n))
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        int u;
        if (!(rc = unit_named(c, e, item[i], 0, &u))) (*flags)[u] = 1;
    }
    list_free(item, n);
    return rc;
}

int build_chc(struct ctx *c, struct doc_section *s) {
    struct sc_chc *h = &c->sc->chc;
    struct doc_entry *e;
    if (check_known_keys(c, s)) return -1;
    h->on = 1;
    h->eligible_to = h->interim = -1;
    if (!(e = require(c, s, K_chc_from)) || unit_list(c, e, &h->from)) return -1;
    if (!(e = require(c, s, K_chc_to)) || unit_list(c, e, &h->to)) return -1;
    if (!(e = require(c, s, K_chc_referral)) || parse_key(c, e, val_prob, &h->referral)) return -1;
    /* England's share of DSTs in acute settings, Q1 2017/18 (the Birmingham review). */
    if (key_number(c, s, K_chc_in_acute, val_prob, &h->in_acute)) return -1;
    if (!(e = require(c, s, K_chc_assessment)) || assessment(c, e, &h->assessment)) return -1;
    if (!(e = require(c, s, K_chc_eligible)) || parse_key(c, e, val_prob, &h->eligible)) return -1;
    if ((e = opt(s, K_chc_eligible_to)) && unit_named(c, e, e->value, 0, &h->eligible_to))
        return -1;
    if (h->eligible > 0 && h->eligible_to < 0) return missing(c, s, K_chc_eligible_to, NULL);
    if ((e = opt(s, K_chc_interim)) && unit_named(c, e, e->value, 0, &h->interim)) return -1;
    if (h->interim >= 0 && c->sc->unit[h->interim].when_full != FULL_QUEUE)
        return key_fail(c, e,
                        "expected a unit with when_full = queue: discharge to assess waits for "
                        "its interim bed rather than going elsewhere");
    if (h->in_acute < 1 && h->interim < 0) return missing(c, s, K_chc_interim, NULL);
    return 0;
}

/* ---- [escalation] ------------------------------------------------------------------------- */

/* The metrics a signal may be: those of one unit whose value over a window is exactly the
 * difference of two snapshots of its counts (counters, and the areas the engine integrates as
 * it goes: occupancy, places, queue, delay), with the capability the unit must have for the
 * metric to count anything. Not occupancy_p95 (a percentile is no difference), nor the per-target
 * and discharge measures (counted elsewhere). ORDER: the hint lists them in this order. */
static const struct {
    enum metric m;
    unsigned caps; /* UK_* the unit needs (0: any unit) */
} esc_signals[] = {
    {MET_OCCUPANCY, 0},
    {MET_OCCUPANCY_PCT, 0},
    {MET_QUEUE, 0},
    {MET_ADMISSIONS, 0},
    {MET_WAIT_MEAN, 0},
    {MET_LOST_FRACTION, 0},
    {MET_DELAYED, 0},
    {MET_DELAYED_DAYS, 0},
    {MET_NCTR, UK_ACUTE_BEDS},
    {MET_LOS_MEAN, 0},
    {MET_CANCELLATIONS, 0},
    {MET_RENEGED_PCT, 0},
    {MET_AE_4H_PCT, UK_AE_CLOCK},
    {MET_AE_12H_WAITS, UK_AE_CLOCK},
    {MET_AE_12H_PCT, UK_AE_CLOCK},
    {MET_TROLLEY_WAIT_MEAN, UK_AE_CLOCK},
    {MET_TROLLEY_WAITS_12H, UK_AE_CLOCK},
    {MET_HANDOVERS, UK_HANDOVER},
    {MET_HANDOVER_MEAN, UK_HANDOVER},
    {MET_HANDOVERS_30M, UK_HANDOVER},
    {MET_HANDOVERS_60M, UK_HANDOVER},
};
#define NSIGNALS (sizeof esc_signals / sizeof esc_signals[0])

/* signal = METRIC UNIT WINDOW. */
static int esc_signal(struct ctx *c, struct doc_entry *e, double check_every,
                      struct sc_esc_signal *x) {
    static const char hint[] = "expected METRIC UNIT WINDOW, e.g. 'ae_4h_pct ae 24h'";
    char m[64], u[200], w[64], extra[2];
    if (sscanf(e->value, "%63s %199s %63s %1s", m, u, w, extra) != 3) return key_got(c, e, hint);
    size_t k = 0;
    while (k < NSIGNALS && strcmp(metric_def(esc_signals[k].m)->name, m)) k++;
    if (k == NSIGNALS) {
        char why[FS_MSG_MAX];
        int at = snprintf(why, sizeof why, "expected a signal metric (");
        for (size_t i = 0; i < NSIGNALS && at > 0 && (size_t)at < sizeof why; i++)
            at += snprintf(why + at, sizeof why - (size_t)at, "%s%s", i ? ", " : "",
                           metric_def(esc_signals[i].m)->name);
        snprintf(why + at, sizeof why - (size_t)at, ") of a unit, got '%s'", m);
        return key_fail(c, e, why);
    }
    x->metric = (int)esc_signals[k].m;
    if (unit_named(c, e, u, 0, &x->unit)) return -1;
    const struct sc_unit *su = &c->sc->unit[x->unit];
    unsigned need = esc_signals[k].caps;
    if ((need && !(unitkind_caps(su->kind) & need)) || (need == UK_HANDOVER && !su->has_ambulance))
        return key_got(c, e,
                       need == UK_AE_CLOCK ? "expected an A&E unit for an A&E metric (kind = ae)"
                       : need == UK_ACUTE_BEDS ? "expected an acute unit for nctr (kind = acute: "
                                                 "only acute units report it)"
                                               : "expected an A&E unit that a stream with "
                                                 "ambulance > 0 arrives at");
    if (x->metric == MET_OCCUPANCY_PCT && isinf(su->capacity) && su->nsched == 0)
        return key_got(c, e, "expected a unit of finite capacity for occupancy_pct");
    char why[FS_MSG_MAX];
    if (val_duration(w, &x->window, why, sizeof why)) return key_fail(c, e, why);
    note_bare_duration(c, e, w);
    double n = round(x->window / check_every);
    if (!(n >= 1) || fabs(n * check_every - x->window) > 1e-9 * x->window)
        return key_got(c, e, "expected a window of a whole number of check_every (1 or more)");
    if (n > FS_MAX_ESC_WINDOW_CHECKS) {
        snprintf(why, sizeof why, "expected a window of at most %d check_every",
                 FS_MAX_ESC_WINDOW_CHECKS);
        return key_got(c, e, why);
    }
    x->nwindow = (size_t)n;
    return 0;
}

/* levels = OP N, OP N, ...: one comparison (<, <=, > or >=) for all, thresholds each more
 * severe than the last (falling with < and <=, rising with > and >=). */
static int esc_levels(struct ctx *c, struct doc_entry *e, struct sc_esc_signal *x) {
    static const char hint[] =
        "expected 1 to 4 thresholds with one comparison, each more severe than the last, e.g. "
        "'< 90, < 80, < 70' or '>= 92, >= 95'";
    char **item;
    size_t n;
    if (split_list(c, e, hint, &item, &n)) return -1;
    int rc = n > ESC_MAX_LEVELS;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *s = item[i];
        int rising = *s == '>', strict = s[1] != '=';
        if (*s != '<' && *s != '>') {
            rc = 1;
            break;
        }
        s += strict ? 1 : 2;
        double v;
        char why[FS_MSG_MAX];
        if ((i > 0 && (rising != x->rising || strict != x->strict)) ||
            parse_number_any(s + strspn(s, " \t"), &v, why, sizeof why) || isinf(v) ||
            strpbrk(s, "xX") || /* strtod's hexadecimal: no other number key takes it */
            (i > 0 && !(rising ? v > x->level[i - 1] : v < x->level[i - 1]))) {
            rc = 1;
            break;
        }
        x->rising = rising;
        x->strict = strict;
        x->level[x->nlevels++] = v;
    }
    list_free(item, n);
    return rc ? key_got(c, e, hint) : 0;
}

/* One action: 'L: open UNIT K' or 'L: cancel STREAM DIST'. */
static int esc_action(struct ctx *c, struct doc_entry *e, const char *text,
                      struct sc_esc_action *a) {
    static const char hint[] =
        "expected LEVEL: open UNIT PLACES, LEVEL: cancel STREAM DIST or LEVEL: discharge UNIT "
        "SHARE, e.g. '3: open acute 20, 3: cancel electives uniform(7d, 28d)'";
    char verb[16], name[200], rest[200], why[FS_MSG_MAX];
    int level, used = 0;
    if (sscanf(text, "%d : %15s %199s %n", &level, verb, name, &used) != 3 || used == 0)
        return key_got(c, e, hint);
    snprintf(rest, sizeof rest, "%s", text + used);
    if (level < 1 || (size_t)level > c->sc->esc.nlevels) {
        snprintf(why, sizeof why, "expected a level from 1 to %zu (the levels given) in '%s'",
                 c->sc->esc.nlevels, text);
        return key_fail(c, e, why);
    }
    a->level = level;
    if (!strcmp(verb, "open")) {
        a->verb = ESC_OPEN;
        if (unit_named(c, e, name, 0, &a->target)) return -1;
        const struct sc_unit *su = &c->sc->unit[a->target];
        if (val_count(rest, &a->places, why, sizeof why) || !(a->places > 0) || isinf(a->places))
            return key_got(c, e,
                           "expected open UNIT PLACES, a whole number of places from 1 to "
                           "100000000, e.g. '2: open acute 20'");
        if (isinf(su->capacity) && su->nsched == 0)
            return key_got(c, e, "expected a unit of finite capacity to open places in");
        return 0;
    }
    if (!strcmp(verb, "discharge")) {
        /* criteria-led discharge at any hour for a share of the unit's departures */
        a->verb = ESC_DISCHARGE;
        if (unit_named(c, e, name, 0, &a->target)) return -1;
        if (val_prob(rest, &a->share, why, sizeof why) || !(a->share > 0))
            return key_got(c, e,
                           "expected discharge UNIT SHARE, the share of its departures that "
                           "leave at any hour (above 0, at most 1), e.g. '2: discharge acute 0.3'");
        if (!c->sc->unit[a->target].has_dhours)
            return key_got(c, e,
                           "expected a unit with discharge_hour_of_week (its departures wait for "
                           "a discharge hour; the action lets a share leave at any hour)");
        return 0;
    }
    if (strcmp(verb, "cancel")) return key_got(c, e, hint);
    a->verb = ESC_CANCEL;
    size_t s = 0;
    while (s < c->sc->narrivals && strcmp(c->sc->arrivals[s].name, name)) s++;
    if (s == c->sc->narrivals)
        return key_got(c, e, "expected cancel STREAM DIST, STREAM the name of an [arrivals NAME]");
    struct sc_arrivals *A = &c->sc->arrivals[s];
    if (A->esc_cancel) return key_got(c, e, "expected each stream cancelled by one action");
    struct val_dist vd;
    if (val_dist(rest, &vd, why, sizeof why)) return key_fail(c, e, why);
    if (vd.kind == DIST_EMPIRICAL) {
        fs_free(vd.file);
        return key_got(c, e, "expected a rebooking delay like uniform(7d, 28d) (not empirical)");
    }
    FS_ASSERT(dist_init(&A->esc_rebook, vd.kind, vd.p, why, sizeof why) == 0);
    note_bare_duration(c, e, rest);
    /* cancelled again at each return while the action holds: a delay near 0 would bring the
     * patient back at the same instant for ever (the loop rule's minute, models/limits.h) */
    double m = dist_mean(&A->esc_rebook), q = dist_median(&A->esc_rebook);
    if (!((q < m ? q : m) >= FS_MIN_LOOP_STEP_DAYS))
        return key_got(c, e,
                       "expected a rebooking delay of a minute or more (its mean, or its median "
                       "when shorter): cancelled again at each return, a patient back at once "
                       "would never arrive");
    A->esc_cancel = level;
    c->sc->unit[A->to].cancels = 1; /* reports its cancellations */
    a->target = (int)s;
    return 0;
}

static int esc_actions(struct ctx *c, struct doc_entry *e, struct sc_escalation *x) {
    char **item;
    size_t n;
    if (split_list(c, e, "expected LEVEL: ACTION, LEVEL: ACTION, e.g. '3: open acute 20'", &item,
                   &n))
        return -1;
    x->action = fs_calloc(n, sizeof *x->action);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = esc_action(c, e, item[i], &x->action[i]);
        x->nactions += rc == 0;
    }
    list_free(item, n);
    return rc;
}

/* The signals: signal and levels (required), then signal_K with levels_K, each pair whole. */
static int esc_signals_of(struct ctx *c, struct doc_section *s, struct sc_escalation *x) {
    static const enum sc_key sig[ESC_MAX_SIGNALS] = {K_escalation_signal, K_escalation_signal_2,
                                                     K_escalation_signal_3, K_escalation_signal_4};
    static const enum sc_key lev[ESC_MAX_SIGNALS] = {K_escalation_levels, K_escalation_levels_2,
                                                     K_escalation_levels_3, K_escalation_levels_4};
    for (size_t k = 0; k < ESC_MAX_SIGNALS; k++) {
        struct doc_entry *se = k ? opt(s, sig[k]) : require(c, s, sig[k]), *le;
        if (!se) {
            if (k == 0) return -1;
            if (opt(s, lev[k])) return missing(c, s, sig[k], NULL);
            continue;
        }
        if (x->nsignals < k) /* signal_3 without signal_2: numbered without gaps */
            return key_got(c, se,
                           "expected the signals numbered without a gap (signal_2 before "
                           "signal_3, signal_3 before signal_4)");
        struct sc_esc_signal *g = &x->signal[x->nsignals++];
        if (esc_signal(c, se, x->check_every, g)) return -1;
        if (!(le = opt(s, lev[k]))) return missing(c, s, lev[k], NULL);
        if (esc_levels(c, le, g)) return -1;
        if (g->nlevels > x->nlevels) x->nlevels = g->nlevels;
    }
    return 0;
}

int build_escalation(struct ctx *c, struct doc_section *s) {
    struct sc_escalation *x = &c->sc->esc;
    struct doc_entry *e;
    if (check_known_keys(c, s)) return -1;
    x->on = 1;
    if (key_number(c, s, K_escalation_check_every, val_duration, &x->check_every)) return -1;
    if (!(x->check_every >= FS_MIN_ESC_CHECK_DAYS) || isinf(x->check_every))
        return key_got(c, get(c, s, K_escalation_check_every),
                       "expected a duration of at least 1m, like 4h");
    if (esc_signals_of(c, s, x)) return -1;
    if (key_number(c, s, K_escalation_stay_at_least, val_duration, &x->stay_at_least)) return -1;
    if ((e = opt(s, K_escalation_actions)) && esc_actions(c, e, x)) return -1;
    return 0;
}
