#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core.h"

static const char *const names[MET_COUNT] = {
    [MET_OCCUPANCY] = "occupancy",
    [MET_OCCUPANCY_PCT] = "occupancy_pct",
    [MET_QUEUE] = "queue",
    [MET_ADMISSIONS] = "admissions",
    [MET_WAIT_MEAN] = "wait_mean",
    [MET_LOST_FRACTION] = "lost_fraction",
    [MET_DELAYED] = "delayed",
    [MET_DELAYED_DAYS] = "delayed_days",
    [MET_DELAYED_DAYS_AWAITING] = "delayed_days_awaiting_",
    [MET_DELAYED_DAYS_ASSESSMENT] = "delayed_days_assessment",
    [MET_DELAYED_DAYS_REJECTED] = "delayed_days_rejected",
    [MET_DELAYED_DAYS_CHC] = "delayed_days_chc_assessment",
    [MET_CHC_ASSESSMENTS] = "chc_assessments",
    [MET_CHC_IN_ACUTE_PCT] = "chc_in_acute_pct",
    [MET_CHC_DAYS_TO_DECISION] = "chc_days_to_decision",
    [MET_CHC_WITHIN_28D_PCT] = "chc_within_28d_pct",
    [MET_CHC_ELIGIBLE_PCT] = "chc_eligible_pct",
    [MET_NCTR] = "nctr",
    [MET_REFERRALS] = "referrals",
    [MET_ASSESSED_WITHIN_TARGET_PCT] = "assessed_within_target_pct",
    [MET_ACCEPTED_PCT] = "accepted_pct",
    [MET_LOS_MEAN] = "los_mean",
    [MET_AE_4H_PCT] = "ae_4h_pct",
    [MET_AE_12H_WAITS] = "ae_12h_waits",
    [MET_AE_12H_PCT] = "ae_12h_pct",
    [MET_TROLLEY_WAIT_MEAN] = "trolley_wait_mean",
    [MET_TROLLEY_WAITS_12H] = "trolley_waits_12h",
    [MET_HANDOVERS] = "handovers",
    [MET_HANDOVER_MEAN] = "handover_mean",
    [MET_HANDOVERS_30M] = "handovers_30m",
    [MET_HANDOVERS_60M] = "handovers_60m",
    [MET_COST_PER_DAY] = "cost_per_day",
    [MET_ARRIVALS] = "arrivals",
    [MET_DEPARTURES] = "departures",
    [MET_LOST] = "lost",
    [MET_IN_SYSTEM] = "in_system",
    [MET_DTOC_PER_100K] = "dtoc_per_100k",
    [MET_SYSTEM_COST_PER_DAY] = "cost_per_day",
    [MET_READMIT_30D_PCT] = "readmit_30d_pct",
    [MET_HOME_91D_PCT] = "home_91d_pct",
    [MET_STEP_UPS] = "step_ups",
    [MET_STEP_DOWNS] = "step_downs",
    [MET_BED_DAYS_SAVED] = "bed_days_saved",
    [MET_SURGE_HOURS] = "surge_hours",
    [MET_SURGE_BED_DAYS] = "surge_bed_days",
    [MET_RENEGED_PCT] = "reneged_pct",
    [MET_READMISSIONS] = "readmissions",
    [MET_SYSTEM_READMIT_30D_PCT] = "readmit_30d_pct",
};

static int finite_capacity(const struct sc_unit *u) {
    if (isinf(u->capacity)) return 0;
    for (size_t i = 0; i < u->nsched; i++)
        if (isinf(u->sched_cap[i])) return 0;
    return 1;
}

/* Which per-unit metrics a unit reports: the contract's for every unit, the rest only where
 * the scenario switched on what they measure. */
static int unit_reports(const struct sc_unit *u, enum metric m) {
    switch (m) {
    case MET_OCCUPANCY_PCT:
        return finite_capacity(u);
    case MET_AE_4H_PCT:
    case MET_AE_12H_WAITS:
    case MET_AE_12H_PCT:
    case MET_TROLLEY_WAIT_MEAN:
    case MET_TROLLEY_WAITS_12H:
        return u->kind == UNIT_AE;
    case MET_HANDOVERS:
    case MET_HANDOVER_MEAN:
    case MET_HANDOVERS_30M:
    case MET_HANDOVERS_60M:
        return u->kind == UNIT_AE && u->has_ambulance;
    case MET_COST_PER_DAY:
        return u->cost_per_place_day > 0 || u->cost_per_patient_day > 0;
    case MET_NCTR:
        return u->kind == UNIT_ACUTE;
    case MET_DELAYED_DAYS_ASSESSMENT:
        return u->assesses;
    case MET_DELAYED_DAYS_REJECTED:
        return u->rejects;
    case MET_REFERRALS:
    case MET_ACCEPTED_PCT:
        return u->referred;
    case MET_ASSESSED_WITHIN_TARGET_PCT:
        return u->has_target;
    case MET_READMIT_30D_PCT:
        return u->readmit_any > 0;
    case MET_STEP_UPS:
    case MET_STEP_DOWNS:
        return u->stepped_into;
    case MET_BED_DAYS_SAVED:
        return u->step_down_to >= 0;
    case MET_SURGE_HOURS:
    case MET_SURGE_BED_DAYS:
        return u->surge_capacity > 0;
    case MET_RENEGED_PCT:
        return u->has_patience;
    default:
        return 1;
    }
}

/* As unit_reports, for metrics that depend on the scenario as a whole: home-care units report
 * the 91-day outcome once the scenario models readmissions. */
static int unit_reports_in(const struct scenario *sc, const struct sc_unit *u, enum metric m) {
    switch (m) {
    case MET_HOME_91D_PCT:
        return sc->readmissions && u->kind == UNIT_HOME_CARE;
    case MET_DELAYED_DAYS_CHC:
        return sc->chc.on && sc->chc.from[u - sc->unit];
    default:
        return unit_reports(u, m);
    }
}

static void add(struct metric_layout *ml, size_t *cap, int unit, enum metric m, int target,
                const struct scenario *sc) {
    fs_grow((void **)&ml->slot, cap, ml->n + 1, sizeof *ml->slot);
    struct metric_slot *s = &ml->slot[ml->n++];
    s->unit = unit;
    s->metric = m;
    s->target = target;
    s->group = -1;
    s->await = 0;
    if (target >= 0) {
        size_t len = strlen(names[m]) + strlen(sc->unit[target].name) + 1;
        s->name = fs_malloc(len);
        snprintf(s->name, len, "%s%s", names[m], sc->unit[target].name);
    } else {
        s->name = fs_strdup(names[m]);
    }
}

/* Add the unit a patient heading for d waits for: follow the diverts to the first unit that
 * queues. A unit that loses patients, or the patient's own unit, makes nobody wait. */
static void add_wait_target(const struct scenario *sc, int u, int d, int *out, int *n) {
    for (size_t steps = 0; d >= 0 && d != u && steps <= sc->nunits; steps++) {
        const struct sc_unit *D = &sc->unit[d];
        if (D->when_full == FULL_QUEUE) {
            for (int k = 0; k < *n; k++)
                if (out[k] == d) return;
            out[(*n)++] = d;
            return;
        }
        d = D->when_full == FULL_DIVERT ? D->divert : -1;
    }
}

/* As add_wait_target, and where the unit waited for has a patience, the unit those who give
 * up go to (and so on: a chain of patience_to, bounded by the number of units). */
static void add_wait_chain(const struct scenario *sc, int u, int d, int *out, int *n) {
    for (size_t steps = 0; d >= 0 && steps <= sc->nunits; steps++) {
        int before = *n;
        add_wait_target(sc, u, d, out, n);
        if (*n == before) return;
        const struct sc_unit *W = &sc->unit[out[*n - 1]];
        d = W->has_patience ? W->patience_to : -1;
    }
}

int metric_wait_targets(const struct scenario *sc, int u, int *out) {
    int n = 0;
    for (size_t g = 0; g < scenario_ngroups(sc); g++) {
        const struct route *rt = &sc->unit[u].g[g].next;
        for (size_t i = 0; i < rt->n; i++) add_wait_chain(sc, u, rt->dest[i], out, &n);
    }
    /* A CHC assessment sends patients on to the interim unit or to eligible_to; after a
     * decision in the interim unit they go to eligible_to or where they were going. */
    if (sc->chc.on && sc->chc.from[u]) {
        add_wait_chain(sc, u, sc->chc.interim, out, &n);
        add_wait_chain(sc, u, sc->chc.eligible_to, out, &n);
    }
    if (sc->chc.on && u == sc->chc.interim) {
        add_wait_chain(sc, u, sc->chc.eligible_to, out, &n);
        for (size_t d = 0; d < sc->nunits; d++)
            if (sc->chc.to[d]) add_wait_chain(sc, u, (int)d, out, &n);
    }
    return n;
}

/* The metrics --by-group breaks down: those made of occupancy, queues, delays, admissions and
 * stays, which every patient belongs to exactly one group of. */
static const enum metric group_unit_metrics[] = {MET_OCCUPANCY, MET_QUEUE,        MET_ADMISSIONS,
                                                 MET_WAIT_MEAN, MET_DELAYED_DAYS, MET_LOS_MEAN};
static const enum metric group_sys_metrics[] = {MET_ARRIVALS, MET_DEPARTURES};

static void add_group(struct metric_layout *ml, size_t *cap, int unit, enum metric m, int g,
                      const struct scenario *sc) {
    add(ml, cap, unit, m, -1, sc);
    struct metric_slot *s = &ml->slot[ml->n - 1];
    size_t len = strlen(names[m]) + strlen(sc->group[g].name) + 2;
    fs_free(s->name);
    s->name = fs_malloc(len);
    snprintf(s->name, len, "%s.%s", names[m], sc->group[g].name);
    s->group = g;
}

static int int_cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void metric_layout_init(struct metric_layout *ml, const struct scenario *sc, int by_group) {
    memset(ml, 0, sizeof *ml);
    size_t cap = 0, tocap = 0;
    /* One buffer for every unit's wait targets (each unit has at most nunits of them): one
     * per unit made a run with 10,000 units clear 400 MB. */
    int *t = fs_calloc(sc->nunits, sizeof *t);
    ml->await_off = fs_calloc(sc->nunits + 1, sizeof *ml->await_off);
    for (size_t i = 0; i < sc->nunits; i++) {
        const struct sc_unit *u = &sc->unit[i];
        int n = 0;
        for (int m = MET_OCCUPANCY; m < MET_ARRIVALS; m++) {
            if (m == MET_DELAYED_DAYS_AWAITING) {
                n = metric_wait_targets(sc, (int)i, t);
                for (int k = 0; k < n; k++) add(ml, &cap, (int)i, (enum metric)m, t[k], sc);
            } else if (unit_reports_in(sc, u, (enum metric)m)) {
                add(ml, &cap, (int)i, (enum metric)m, -1, sc);
            }
        }
        /* The slots keep the routing's order (the CSVs' columns); the pairs are sorted for
         * the search. */
        qsort(t, (size_t)n, sizeof *t, int_cmp);
        fs_grow((void **)&ml->await_to, &tocap, ml->await_off[i] + (size_t)n + 1,
                sizeof *ml->await_to);
        memcpy(ml->await_to + ml->await_off[i], t, (size_t)n * sizeof *t);
        ml->await_off[i + 1] = ml->await_off[i] + (size_t)n;
    }
    fs_free(t);
    ml->nawait = ml->await_off[sc->nunits] + 1;
    for (size_t k = 0; k < ml->n; k++)
        if (ml->slot[k].metric == MET_DELAYED_DAYS_AWAITING)
            ml->slot[k].await = metric_await_index(ml, ml->slot[k].unit, ml->slot[k].target);
    int costs = 0;
    for (size_t i = 0; i < sc->nunits; i++) costs |= unit_reports(&sc->unit[i], MET_COST_PER_DAY);
    for (int m = MET_ARRIVALS; m < MET_COUNT; m++) {
        if (m == MET_DTOC_PER_100K && isnan(sc->population)) continue;
        if (m == MET_SYSTEM_COST_PER_DAY && !costs) continue;
        if ((m == MET_READMISSIONS || m == MET_SYSTEM_READMIT_30D_PCT) && !sc->readmissions)
            continue;
        if (m >= MET_CHC_ASSESSMENTS && m <= MET_CHC_ELIGIBLE_PCT && !sc->chc.on) continue;
        add(ml, &cap, -1, (enum metric)m, -1, sc);
    }
    if (!by_group || !sc->ngroups) return;
    ml->by_group = 1;
    for (size_t g = 0; g < sc->ngroups; g++) {
        for (size_t u = 0; u < sc->nunits; u++)
            for (size_t k = 0; k < sizeof group_unit_metrics / sizeof *group_unit_metrics; k++)
                add_group(ml, &cap, (int)u, group_unit_metrics[k], (int)g, sc);
        for (size_t k = 0; k < sizeof group_sys_metrics / sizeof *group_sys_metrics; k++)
            add_group(ml, &cap, -1, group_sys_metrics[k], (int)g, sc);
    }
}

size_t metric_await_index(const struct metric_layout *ml, int u, int d) {
    size_t lo = ml->await_off[u], hi = ml->await_off[u + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ml->await_to[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ml->await_off[u + 1] && ml->await_to[lo] == d ? lo : ml->nawait - 1;
}

void metric_layout_fini(struct metric_layout *ml) {
    if (!ml) return;
    for (size_t i = 0; i < ml->n; i++) fs_free(ml->slot[i].name);
    fs_free(ml->slot);
    fs_free(ml->await_off);
    fs_free(ml->await_to);
    memset(ml, 0, sizeof *ml);
}

void unit_window_add(struct unit_window *a, const struct unit_window *w) {
    a->occ_area += w->occ_area;
    a->cap_area += w->cap_area;
    a->queue_area += w->queue_area;
    a->delayed_area += w->delayed_area;
    a->wait_sum += w->wait_sum;
    a->los_sum += w->los_sum;
    a->arrivals += w->arrivals;
    a->admissions += w->admissions;
    a->lost += w->lost;
    a->leaves += w->leaves;
    a->ae_leaves += w->ae_leaves;
    a->ae_within_4h += w->ae_within_4h;
    a->ae_over_12h += w->ae_over_12h;
    a->trolley_n += w->trolley_n;
    a->trolley_over_12h += w->trolley_over_12h;
    a->handovers += w->handovers;
    a->handovers_30m += w->handovers_30m;
    a->handovers_60m += w->handovers_60m;
    a->trolley_sum += w->trolley_sum;
    a->handover_sum += w->handover_sum;
    a->nctr_sum += w->nctr_sum;
    a->nctr_n += w->nctr_n;
    a->assess_area += w->assess_area;
    a->rejected_area += w->rejected_area;
    a->referrals += w->referrals;
    a->target_n += w->target_n;
    a->within_target += w->within_target;
    a->accepted += w->accepted;
    a->home30_n += w->home30_n;
    a->readmit30 += w->readmit30;
    a->home91_n += w->home91_n;
    a->home91_ok += w->home91_ok;
    a->step_downs += w->step_downs;
    a->saved += w->saved;
    a->surge_area += w->surge_area;
    a->chc_area += w->chc_area;
    a->reneged += w->reneged;
}

void sys_window_add(struct sys_window *a, const struct sys_window *w) {
    a->in_system_area += w->in_system_area;
    a->arrivals += w->arrivals;
    a->departures += w->departures;
    a->lost += w->lost;
    a->readmissions += w->readmissions;
    a->chc_in_acute += w->chc_in_acute;
    a->chc_after += w->chc_after;
    a->chc_decisions += w->chc_decisions;
    a->chc_eligible += w->chc_eligible;
    a->chc_within_28d += w->chc_within_28d;
    a->chc_days_sum += w->chc_days_sum;
}

/* Places are paid for whether used or not; patient-days only when used. */
static double unit_cost(const struct sc_unit *u, const struct unit_window *w) {
    double c = 0;
    if (u->cost_per_place_day > 0) c += u->cost_per_place_day * w->cap_area;
    if (u->cost_per_patient_day > 0) c += u->cost_per_patient_day * w->occ_area;
    return c;
}

static double ratio(double num, double den) {
    return den > 0 ? num / den : NAN;
}

void metrics_eval(const struct metric_layout *ml, const struct scenario *sc,
                  const struct unit_window *uw, const struct sys_window *sw0,
                  const double *await_area, const struct unit_window *guw,
                  const struct sys_window *gsw, double length, double *out) {
    for (size_t i = 0; i < ml->n; i++) {
        const struct metric_slot *s = &ml->slot[i];
        /* A group's slot reads that group's windows; the arithmetic is the same. */
        size_t g = s->group >= 0 ? (size_t)s->group : 0;
        const struct unit_window *w = s->unit < 0     ? NULL
                                      : s->group >= 0 ? &guw[g * sc->nunits + (size_t)s->unit]
                                                      : &uw[s->unit];
        const struct sys_window *sw = s->group >= 0 ? &gsw[g] : sw0;
        double v = NAN;
        switch (s->metric) {
        case MET_OCCUPANCY:
            v = w->occ_area / length;
            break;
        case MET_OCCUPANCY_PCT:
            v = 100.0 * ratio(w->occ_area, w->cap_area);
            break;
        case MET_QUEUE:
            v = w->queue_area / length;
            break;
        case MET_ADMISSIONS:
            v = (double)w->admissions / length;
            break;
        case MET_WAIT_MEAN:
            v = ratio(w->wait_sum, (double)w->admissions);
            break;
        case MET_LOST_FRACTION:
            v = ratio((double)w->lost, (double)w->arrivals);
            break;
        case MET_RENEGED_PCT:
            v = 100.0 * ratio((double)w->reneged, (double)w->arrivals);
            break;
        case MET_DELAYED:
        case MET_DELAYED_DAYS:
            v = w->delayed_area / length;
            break;
        case MET_DELAYED_DAYS_AWAITING:
            v = await_area[s->await] / length;
            break;
        case MET_NCTR:
            v = ratio(w->nctr_sum, (double)w->nctr_n);
            break;
        case MET_DELAYED_DAYS_ASSESSMENT:
            v = w->assess_area / length;
            break;
        case MET_DELAYED_DAYS_REJECTED:
            v = w->rejected_area / length;
            break;
        case MET_REFERRALS:
            v = (double)w->referrals / length;
            break;
        case MET_ASSESSED_WITHIN_TARGET_PCT:
            v = 100.0 * ratio((double)w->within_target, (double)w->target_n);
            break;
        case MET_ACCEPTED_PCT:
            v = 100.0 * ratio((double)w->accepted, (double)w->referrals);
            break;
        case MET_LOS_MEAN:
            v = ratio(w->los_sum, (double)w->leaves);
            break;
        case MET_AE_4H_PCT:
            v = 100.0 * ratio((double)w->ae_within_4h, (double)w->ae_leaves);
            break;
        case MET_AE_12H_WAITS:
            v = (double)w->ae_over_12h / length;
            break;
        case MET_AE_12H_PCT:
            v = 100.0 * ratio((double)w->ae_over_12h, (double)w->ae_leaves);
            break;
        case MET_TROLLEY_WAIT_MEAN:
            v = ratio(w->trolley_sum, (double)w->trolley_n);
            break;
        case MET_TROLLEY_WAITS_12H:
            v = (double)w->trolley_over_12h / length;
            break;
        case MET_HANDOVERS:
            v = (double)w->handovers / length;
            break;
        case MET_HANDOVER_MEAN:
            v = ratio(w->handover_sum, (double)w->handovers);
            break;
        case MET_HANDOVERS_30M:
            v = (double)w->handovers_30m / length;
            break;
        case MET_HANDOVERS_60M:
            v = (double)w->handovers_60m / length;
            break;
        case MET_COST_PER_DAY:
            v = unit_cost(&sc->unit[s->unit], w) / length;
            break;
        case MET_ARRIVALS:
            v = (double)sw->arrivals / length;
            break;
        case MET_DEPARTURES:
            v = (double)sw->departures / length;
            break;
        case MET_LOST:
            v = (double)sw->lost / length;
            break;
        case MET_IN_SYSTEM:
            v = sw->in_system_area / length;
            break;
        case MET_DTOC_PER_100K: {
            double d = 0;
            for (size_t u = 0; u < sc->nunits; u++)
                if (sc->unit[u].kind == UNIT_ACUTE) d += uw[u].delayed_area;
            v = d / length / sc->population * 1e5;
            break;
        }
        case MET_SYSTEM_COST_PER_DAY: {
            double c = 0;
            for (size_t u = 0; u < sc->nunits; u++) c += unit_cost(&sc->unit[u], &uw[u]);
            v = c / length;
            break;
        }
        case MET_READMIT_30D_PCT:
            v = 100.0 * ratio((double)w->readmit30, (double)w->home30_n);
            break;
        case MET_HOME_91D_PCT:
            v = 100.0 * ratio((double)w->home91_ok, (double)w->home91_n);
            break;
        case MET_STEP_UPS:
            v = (double)(w->admissions - w->step_downs) / length;
            break;
        case MET_STEP_DOWNS:
            v = (double)w->step_downs / length;
            break;
        case MET_BED_DAYS_SAVED:
            v = w->saved / length;
            break;
        case MET_SURGE_HOURS:
            v = 24 * w->surge_area / length;
            break;
        case MET_SURGE_BED_DAYS:
            v = sc->unit[s->unit].surge_capacity * w->surge_area / length;
            break;
        case MET_DELAYED_DAYS_CHC:
            v = w->chc_area / length;
            break;
        case MET_CHC_ASSESSMENTS:
            v = (double)sw->chc_decisions / length;
            break;
        case MET_CHC_IN_ACUTE_PCT:
            v = 100.0 * ratio((double)sw->chc_in_acute, (double)(sw->chc_in_acute + sw->chc_after));
            break;
        case MET_CHC_DAYS_TO_DECISION:
            v = ratio(sw->chc_days_sum, (double)sw->chc_decisions);
            break;
        case MET_CHC_WITHIN_28D_PCT:
            v = 100.0 * ratio((double)sw->chc_within_28d, (double)sw->chc_decisions);
            break;
        case MET_CHC_ELIGIBLE_PCT:
            v = 100.0 * ratio((double)sw->chc_eligible, (double)sw->chc_decisions);
            break;
        case MET_READMISSIONS:
            v = (double)sw->readmissions / length;
            break;
        case MET_SYSTEM_READMIT_30D_PCT: {
            double n = 0, k = 0;
            for (size_t u = 0; u < sc->nunits; u++) {
                n += (double)uw[u].home30_n;
                k += (double)uw[u].readmit30;
            }
            v = 100.0 * ratio(k, n);
            break;
        }
        case MET_COUNT:
            FS_UNREACHABLE();
        }
        out[i] = v;
    }
}
