/* scenario.c — scenario_load: the INI read (models/inidoc.c), then every section built in
 * the order they depend on ([scenario], [group], units and arrivals, per-group values,
 * transfers, the census, [chc]) and the whole checked; scenario_free. The [scenario], [group]
 * and [arrivals] sections are read here; the rest by the files below (scenario_int.h). */
#include "scenario.h"

#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/limits.h"
#include "models/metrics.h"
#include "scenario_int.h"
#include "sim/core.h"
#include "value.h"

/* A share of a level written as a percentage with its sign, "5%" or "2.5 %": above 0 and at
 * most 100 (drift_tolerance). The sign is required, so that 0.05 meant as a fraction is not
 * read as 0.05%. */
static int percent_key(struct ctx *c, struct doc_entry *e, double *pct) {
    char why[FS_MSG_MAX];
    const char *v = e->value;
    size_t n = strlen(v);
    while (n && isspace((unsigned char)v[n - 1])) n--;
    int ok = n > 1 && v[n - 1] == '%';
    char *num = ok ? fs_strdup(v) : NULL;
    double x = NAN;
    if (ok) {
        n--; /* the % */
        while (n && isspace((unsigned char)num[n - 1])) n--;
        num[n] = 0;
        ok = n > 0 && val_number(num, &x, why, sizeof why) == 0 && x > 0 && x <= 100;
    }
    fs_free(num);
    if (!ok) return key_got(c, e, "expected a percentage above 0% and at most 100%, like 5%");
    *pct = x;
    return 0;
}

/* timeseries_metrics = NAME, NAME, ... (metric names as metrics.csv or the registry have them,
 * a per-target metric by its prefix: metric_named) or none: which metrics timeseries.csv keeps. A
 * metric no unit of this scenario reports is still a name: the same list serves every scenario of a
 * study. */
static int timeseries_key(struct ctx *c, struct doc_entry *e, struct scenario *sc) {
    const char *want = "expected none, or metric names from metrics.csv separated by commas, "
                       "like occupancy_pct, delayed_days";
    if (!strcmp(e->value, "none")) {
        sc->timeseries_none = 1;
        return 0;
    }
    /* split_list: an empty item ("a,,b", "a,") is refused as in every list */
    char **items = NULL;
    size_t n = 0;
    if (split_list(c, e, want, &items, &n)) return -1;
    sc->ts_keep = fs_calloc(MET_COUNT, 1);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *t = items[i];
        /* Every row of the name: a unit's and the system's (cost_per_day) alike; a concrete
         * per-target or per-group name (delayed_days_awaiting_home, occupancy.frail) keeps its
         * whole metric, every target and group. */
        int found = 0;
        for (int m = 0; m < MET_COUNT; m++) {
            const struct metric_def *d = metric_def((enum metric)m);
            if (metric_named(t, d->scope == MS_SYSTEM) == d) sc->ts_keep[m] = 1, found = 1;
        }
        if (!found) {
            char why[FS_MSG_MAX];
            snprintf(why, sizeof why, "%s ('%.60s' is no metric)", want, t);
            rc = key_got(c, e, why);
        }
    }
    list_free(items, n);
    return rc;
}

/* report_interval = month, or a duration that is a whole number of intervals (7d on 1d): the
 * windows timeseries.csv and series.csv aggregate the buckets into. */
static int report_interval_key(struct ctx *c, struct doc_entry *e, struct scenario *sc) {
    if (!strcmp(e->value, "month")) {
        /* A bucket of more than a day could span two months: refused, not split. */
        if (sc->interval > 1 + 1e-9)
            return key_got(c, e, "expected an interval of a day or less for monthly rows");
        sc->report_monthly = 1;
        return 0;
    }
    double d;
    char why[FS_MSG_MAX];
    if (val_duration(e->value, &d, why, sizeof why) != 0 || !(d > 0))
        return key_got(c, e,
                       "expected month, or a duration that is a whole number of intervals, "
                       "like 7d");
    note_bare_duration(c, e, e->value); /* "7" is 7 days, as for every duration */
    double k = d / sc->interval;
    /* Longer than the run: one window (the whole report period), not a wrong reason. */
    if (d > sc->horizon) k = ceil(sc->horizon / sc->interval - 1e-9);
    if (!(k >= 1 && fabs(k - round(k)) <= 1e-9 * k)) {
        snprintf(why, sizeof why,
                 "expected month, or a duration that is a whole number of intervals (%g days "
                 "each), like 7d",
                 sc->interval);
        return key_got(c, e, why);
    }
    sc->report_every = (size_t)round(k);
    return 0;
}

int scenario_timeseries_keeps(const struct scenario *sc, int m) {
    if (sc->timeseries_none) return 0;
    return !sc->ts_keep || (m >= 0 && m < MET_COUNT && sc->ts_keep[m]);
}

static int build_scenario_section(struct ctx *c, struct doc_section *s) {
    struct scenario *sc = c->sc;
    struct doc_entry *e;
    char why[FS_MSG_MAX];
    if (check_known_keys(c, s)) return -1;

    char *base = fs_strdup(sc->path), *b = basename(base), *dot = strrchr(b, '.');
    if (dot && dot != b) *dot = 0;
    e = get_derived(c, s, K_scenario_name, b);
    fs_free(base);
    if (!e->value[0]) return key_fail(c, e, "expected a non-empty label");
    sc->name = fs_strdup(e->value);

    e = get(c, s, K_scenario_start);
    if (val_date(e->value, &sc->start_day, why, sizeof why)) return key_fail(c, e, why);
    if (!(e = require(c, s, K_scenario_horizon))) return -1;
    if (parse_key(c, e, val_duration, &sc->horizon)) return -1;
    if (!(sc->horizon > 0)) return key_fail(c, e, "expected a duration > 0");
    if (!(sc->horizon <= FS_MAX_HORIZON_DAYS)) {
        snprintf(why, sizeof why, "expected a horizon of at most %.0f days (%.0f years)",
                 FS_MAX_HORIZON_DAYS, FS_MAX_HORIZON_DAYS / 365.25);
        return key_fail(c, e, why);
    }
    /* Dates are written YYYY-MM-DD: a run ending after 9999-12-31 would write years of five
     * digits, which no reader of the CSVs expects. */
    long last_day;
    if (val_date("9999-12-31", &last_day, why, sizeof why)) return key_fail(c, e, why);
    if (!(sc->start_day + sc->horizon <= (double)last_day + 1)) {
        snprintf(why, sizeof why,
                 "expected a horizon that ends by 9999-12-31 (the start is %s; dates are "
                 "written YYYY-MM-DD)",
                 get(c, s, K_scenario_start)->value);
        return key_fail(c, e, why);
    }
    struct doc_entry *h = e;
    e = get(c, s, K_scenario_warmup);
    if (parse_key(c, e, val_duration, &sc->warmup)) return -1;
    if (!(sc->warmup < sc->horizon)) {
        snprintf(why, sizeof why, "expected a warm-up shorter than the horizon (%s)", h->value);
        return key_fail(c, e, why);
    }
    long long r;
    e = get(c, s, K_scenario_replications);
    if (val_int(e->value, 1, 1000000, &r, why, sizeof why)) return key_fail(c, e, why);
    sc->replications = (int)r;
    e = get(c, s, K_scenario_seed);
    if (val_uint64(e->value, &sc->seed, why, sizeof why)) return key_fail(c, e, why);
    e = get(c, s, K_scenario_interval);
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
    if ((e = opt(s, K_scenario_population)) && parse_key(c, e, val_positive, &sc->population))
        return -1;
    /* The board's measures (stranded patients, occupancy_p95, lwbs_pct, handovers_45m) are
     * reported only when asked for, so that a scenario without the key writes what it wrote
     * before, byte for byte. */
    if ((e = opt(s, K_scenario_board_measures))) {
        if (!strcmp(e->value, "yes"))
            sc->board_measures = 1;
        else if (strcmp(e->value, "no") != 0)
            return key_got(c, e, "expected yes or no");
    }
    /* Absent, 5%: not written to scenario.resolved.ini, so a scenario without the key writes
     * what it wrote before. */
    sc->drift_tol = 5;
    if ((e = opt(s, K_scenario_drift_tolerance)) && percent_key(c, e, &sc->drift_tol)) return -1;
    if ((e = opt(s, K_scenario_timeseries_metrics)) && timeseries_key(c, e, sc)) return -1;
    if ((e = opt(s, K_scenario_report_interval)) && report_interval_key(c, e, sc)) return -1;
    return 0;
}

/* priority = N on a [group] or an [arrivals] stream */
static int priority_key(struct ctx *c, struct doc_entry *e, int *out) {
    long long v;
    char why[FS_MSG_MAX];
    if (val_int(e->value, -FS_MAX_PRIORITY, FS_MAX_PRIORITY, &v, why, sizeof why))
        return key_fail(c, e, why);
    *out = (int)v;
    return 0;
}

/* The distinct priorities, highest first, and each group's and stream's rank among them (a
 * patient's rank is its stream's, else its group's, else that of 0). One priority, or none
 * given: nprio 1, every queue first come first served as before. */
static void rank_priorities(struct scenario *sc) {
    int v[2 * FS_MAX_PRIORITY + 1] = {0}; /* v[p + FS_MAX_PRIORITY]: p is used */
    if (sc->ngroups == 0) v[FS_MAX_PRIORITY] = 1;
    for (size_t g = 0; g < sc->ngroups; g++) v[sc->group[g].priority + FS_MAX_PRIORITY] = 1;
    for (size_t a = 0; a < sc->narrivals; a++)
        if (sc->arrivals[a].has_priority) v[sc->arrivals[a].priority + FS_MAX_PRIORITY] = 1;
    int rank[2 * FS_MAX_PRIORITY + 1];
    sc->nprio = 0;
    for (int p = 2 * FS_MAX_PRIORITY; p >= 0; p--)
        if (v[p]) rank[p] = (int)sc->nprio++;
    sc->prank0 = v[FS_MAX_PRIORITY] ? rank[FS_MAX_PRIORITY] : 0;
    for (size_t g = 0; g < sc->ngroups; g++)
        sc->group[g].prank = rank[sc->group[g].priority + FS_MAX_PRIORITY];
    for (size_t a = 0; a < sc->narrivals; a++)
        if (sc->arrivals[a].has_priority)
            sc->arrivals[a].prank = rank[sc->arrivals[a].priority + FS_MAX_PRIORITY];
}

static int build_arrivals(struct ctx *c, struct doc_section *s, struct sc_arrivals *a) {
    struct doc_entry *e;
    char why[FS_MSG_MAX];
    if (check_known_keys(c, s)) return -1;
    if (!(e = require(c, s, K_arrivals_to))) return -1;
    if (unit_named(c, e, e->value, 0, &a->to)) return -1;
    if (key_number(c, s, K_arrivals_ambulance, val_prob, &a->ambulance)) return -1;
    if ((e = opt(s, K_arrivals_priority))) {
        if (priority_key(c, e, &a->priority)) return -1;
        a->has_priority = 1;
    }
    struct doc_entry *ce = opt(s, K_arrivals_cancel_above), *re = opt(s, K_arrivals_rebook_after);
    if (ce || re) {
        if (!ce || !re)
            return key_got(c, ce ? ce : re,
                           ce ? "expected rebook_after beside it (when a cancelled patient comes "
                                "back, e.g. uniform(7d, 28d))"
                              : "expected cancel_above beside it (the occupancy at which "
                                "arrivals are cancelled)");
        if (parse_key(c, ce, val_prob, &a->cancel_above) || build_dist(c, re, &a->rebook_after))
            return -1;
        if (!(a->cancel_above > 0))
            return key_got(c, ce, "expected a share of the places above 0, like 0.95");
        /* cancelled again at each return while the unit is full: a delay typically near 0 (its
         * mean, or its median when shorter, as the loop check judges a step: gamma(2m, 200m)
         * is almost always 0) would bring the patient back at the same instant, the unit as
         * full, for ever (the loop rule's minute, models/limits.h) */
        double m = dist_mean(&a->rebook_after), q = dist_median(&a->rebook_after);
        if (!((q < m ? q : m) >= FS_MIN_LOOP_STEP_DAYS))
            return key_got(c, re,
                           "expected a rebooking delay of a minute or more (its mean, or its "
                           "median when shorter): a patient cancelled and back at once would be "
                           "cancelled for ever");
    }
    if ((e = opt(s, K_arrivals_ring_fence))) {
        if (parse_key(c, e, val_count, &a->ring_fence)) return -1;
        if (isinf(a->ring_fence) || !(a->ring_fence > 0))
            return key_got(c, e, "expected a whole number of places above 0, like 10");
    }
    a->group = -1;
    if ((e = opt(s, K_arrivals_group))) {
        size_t g = 0;
        while (g < c->sc->ngroups && strcmp(c->sc->group[g].name, e->value)) g++;
        if (g == c->sc->ngroups)
            return key_got(c, e, "expected the name of a [group NAME] section");
        a->group = (int)g;
    }
    if (a->ambulance > 0) c->sc->unit[a->to].has_ambulance = 1;
    double rate;
    if (!(e = require(c, s, K_arrivals_rate))) return -1;
    if (parse_key(c, e, val_rate, &rate)) return -1;
    struct doc_entry *rate_e = e;

    double how[168], *howp = NULL;
    struct doc_entry *how_e = opt(s, K_arrivals_hour_of_week);
    if (how_e) {
        if (read_hour_of_week(c, how_e, how, "nobody would ever arrive")) return -1;
        how_scaled(how, how); /* the rate is the mean: only the profile's shape matters */
        howp = how;
    }
    double *days = NULL, *mult = NULL;
    size_t n = 0;
    if ((e = opt(s, K_arrivals_by_date))) {
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
    if (rc) return key_fail(c, howp ? how_e : rate_e, why);
    return 0;
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
        if (check_known_keys(c, s)) return -1;
        struct doc_entry *e = require(c, s, K_group_share);
        if (!e || parse_key(c, e, val_prob, &sc->group[g].share)) return -1;
        if ((e = opt(s, K_group_priority)) && priority_key(c, e, &sc->group[g].priority)) return -1;
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

static int build(struct ctx *c) {
    struct scenario *sc = c->sc;
    struct doc *d = c->d;
    struct doc_section *scs = doc_section(d, "scenario");
    if (!scs || strcmp(scs->type, "scenario") != 0)
        return failf(c, sc->path, 0, "expected a [scenario] section with at least 'horizon'");
    for (size_t i = 0; i < d->n; i++) {
        const char *t = d->s[i].type;
        /* sections without a name */
        int single = !strcmp(t, "scenario") || !strcmp(t, "chc") || !strcmp(t, "escalation");
        if (strcmp(t, "scenario") && strcmp(t, "unit") && strcmp(t, "arrivals") &&
            strcmp(t, "transfer") && strcmp(t, "chc") && strcmp(t, "group") &&
            strcmp(t, "escalation"))
            return failf(c, d->s[i].file, d->s[i].line,
                         "[%s]: unknown section type (expected [scenario], [unit NAME], "
                         "[arrivals NAME], [group NAME], [transfer FROM -> TO], [chc] or "
                         "[escalation])",
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
    rank_priorities(sc);
    /* Cancellation needs places to count (checked once every unit is built: a stream may come
     * before its unit in the file). */
    ai = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->s[i].type, "arrivals")) continue;
        const struct sc_arrivals *a = &sc->arrivals[ai++];
        const struct sc_unit *u = &sc->unit[a->to];
        if (a->cancel_above > 0 && isinf(u->capacity) && u->nsched == 0)
            return key_got(c, opt(&d->s[i], K_arrivals_cancel_above),
                           "expected a stream to a unit of finite capacity (an unlimited unit is "
                           "never full)");
        sc->unit[a->to].cancels |= a->cancel_above > 0;
        if (a->ring_fence > 0) {
            struct sc_unit *fu = &sc->unit[a->to];
            struct doc_entry *fe = opt(&d->s[i], K_arrivals_ring_fence);
            if (fu->fence > 0)
                return key_got(c, fe,
                               "expected one ring-fenced stream a unit (another stream "
                               "already keeps places of this one)");
            if (isinf(fu->capacity) || fu->nsched > 0 || a->ring_fence > fu->capacity)
                return key_got(c, fe,
                               "expected at most the unit's places, on a unit of fixed "
                               "finite capacity");
            fu->fence = a->ring_fence;
            fu->fence_stream = (int)(ai - 1);
        }
    }
    for (size_t i = 0; i < sc->nunits; i++) {
        struct sc_unit *u = &sc->unit[i];
        if (u->readmit > 0 && u->readmit_to < 0) {
            u->readmit_to = sc->arrivals[0].to;
            get_derived(c, c->usec[i], K_unit_readmit_to, sc->unit[u->readmit_to].name);
        }
    }
    for (size_t i = 0; i < sc->nunits; i++)
        if (build_unit_groups(c, c->usec[i], &sc->unit[i])) return -1;
    /* A visit-based unit's new episode books its visits at its door: one routed back to the
     * unit it is in would start without the fit or the queue. */
    for (size_t i = 0; i < sc->nunits; i++)
        for (size_t g = 0; sc->unit[i].visits && g < scenario_ngroups(sc); g++) {
            const struct route *rt = &sc->unit[i].g[g].next;
            for (size_t k = 0; k < rt->n; k++)
                if (rt->dest[k] == (int)i) {
                    struct doc_entry *e = opt(c->usec[i], K_unit_next);
                    if (g < sc->ngroups && opt_group(c->usec[i], K_unit_next, sc->group[g].name))
                        e = opt_group(c->usec[i], K_unit_next, sc->group[g].name);
                    return key_got(c, e,
                                   "expected no route back to this visit-based unit (a new "
                                   "episode waits for its visits as every patient does: route "
                                   "to another unit)");
                }
        }
    /* An escalation from a ward that avoids admissions goes back to the unit it avoids (it is an
     * admission there after all: avoided_admissions nets it); none goes into such a ward (a
     * patient already admitted would count as an avoided admission). */
    for (size_t i = 0; i < sc->nunits; i++) {
        const struct sc_unit *U = &sc->unit[i];
        if (U->escalate_to < 0) continue;
        struct doc_entry *e = opt(c->usec[i], K_unit_escalate_to);
        if (U->avoids >= 0 && U->escalate_to != U->avoids)
            return key_got(c, e,
                           "expected the unit this ward avoids (its avoids): an escalation goes "
                           "back to it, an admission there after all");
        if (sc->unit[U->escalate_to].avoids >= 0)
            return key_got(c, e,
                           "expected a unit without avoids: a patient sent on into a virtual "
                           "ward is a step-down or a routed step-up, not an escalation");
    }
    /* A ward's avoided admission saves the stay its patient would have had in the unit it
     * avoids, on average (the time to medically fit: delays after it are not counted). */
    for (size_t i = 0; i < sc->nunits; i++)
        for (size_t g = 0; sc->unit[i].avoids >= 0 && g < scenario_ngroups(sc); g++)
            sc->unit[i].g[g].avoided_stay = dist_mean(&sc->unit[sc->unit[i].avoids].g[g].stay);
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
        sc->unit[t->from].chooses |= t->has_choice;
        sc->unit[t->to].reoffered |= t->has_reoffer;
        sc->choices |= t->has_choice;
    }
    if (build_census(c, scs)) return -1;
    struct doc_section *chc = doc_section(d, "chc");
    if (chc && build_chc(c, chc)) return -1;
    struct doc_section *esc = doc_section(d, "escalation");
    if (esc && build_escalation(c, esc)) return -1;
    sc->aux_draws = sc->step_downs || sc->chc.on;
    for (size_t i = 0; i < sc->narrivals; i++) {
        struct sc_arrivals *A = &sc->arrivals[i];
        A->rare = sc->nprio > 1 || A->ring_fence > 0 || A->ambulance > 0 || A->cancel_above > 0 ||
                  A->esc_cancel;
    }
    /* A chain of diverts must end somewhere, or a full system would loop for ever. */
    for (size_t i = 0; i < sc->nunits; i++) {
        size_t steps = 0;
        int u = (int)i;
        while (sc->unit[u].when_full == FULL_DIVERT && steps <= sc->nunits)
            u = sc->unit[u].divert, steps++;
        if (steps > sc->nunits) {
            struct doc_entry *e = opt(c->usec[i], K_unit_when_full);
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
    notes_fini(&c);
    if (rc != 0) {
        scenario_free(sc);
        return NULL;
    }
    return sc;
}

void scenario_free(struct scenario *sc) {
    if (!sc) return;
    fs_free(sc->ts_keep);
    for (size_t i = 0; i < sc->nunits; i++) {
        struct sc_unit *u = &sc->unit[i];
        fs_free(u->name);
        fs_free(u->sched_t);
        fs_free(u->sched_cap);
        fs_free(u->vslots);
        dist_fini(&u->stay);
        dist_fini(&u->readmit_after);
        dist_fini(&u->patience);
        dist_fini(&u->handover_time);
        dist_fini(&u->internal);
        for (size_t k = 0; k < u->ninternal_to; k++) dist_fini(&u->internal_to[k]);
        fs_free(u->internal_to);
        fs_free(u->internal_to_dest);
        nhpp_fini(u->dhours);
        fs_free(u->dhours);
        nhpp_fini(u->ahours);
        fs_free(u->ahours);
        nhpp_fini(u->outbreak);
        fs_free(u->outbreak);
        dist_fini(&u->outbreak_beds);
        dist_fini(&u->outbreak_duration);
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
        dist_fini(&sc->arrivals[i].rebook_after);
        dist_fini(&sc->arrivals[i].esc_rebook);
    }
    for (size_t i = 0; i < sc->ntransfers; i++) {
        dist_fini(&sc->transfer[i].assessment);
        dist_fini(&sc->transfer[i].reoffer_after);
        dist_fini(&sc->transfer[i].choice_time);
        fs_free(sc->transfer[i].on_reject.dest);
        fs_free(sc->transfer[i].on_reject.cum);
    }
    fs_free(sc->transfer);
    for (size_t g = 0; g < sc->ngroups; g++) fs_free(sc->group[g].name);
    fs_free(sc->group);
    fs_free(sc->chc.from);
    fs_free(sc->chc.to);
    dist_fini(&sc->chc.assessment);
    fs_free(sc->esc.action);
    fs_free(sc->transfer_off);
    fs_free(sc->transfer_by_from);
    fs_free(sc->unit_by_name);
    fs_free(sc->patients);
    fs_free(sc->unit);
    fs_free(sc->arrivals);
    fs_free(sc->name);
    fs_free(sc->path);
    doc_fini(&sc->doc);
    fs_free(sc);
}
