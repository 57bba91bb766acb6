#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core.h"
#include "unitkind.h"

/* The registry, one row per metric (models/metrics.def). */
static const struct metric_def defs[] = {
#define METRIC(id, name, scope, when, by_group, headline, console, measure, range, definition,     \
               source)                                                                             \
    [MET_##id] = {name,    scope,   when,  by_group,   headline,                                   \
                  console, measure, range, definition, source},
#include "metrics.def"
#undef METRIC
};
_Static_assert(sizeof defs / sizeof *defs == MET_COUNT, "a row of metrics.def per metric");

const struct metric_def *metric_def(enum metric m) {
    FS_ASSERT((unsigned)m < MET_COUNT);
    return &defs[m];
}

const struct metric_def *metric_find(const char *name, int system) {
    enum metric_scope scope = system ? MS_SYSTEM : MS_UNIT;
    for (int m = 0; m < MET_COUNT; m++)
        if (defs[m].scope == scope && defs[m].when != MW_PER_AWAITED &&
            defs[m].when != MW_PER_DEST && !strcmp(defs[m].name, name))
            return &defs[m];
    return NULL;
}

void metric_range_bounds(enum metric_range r, double *lo, double *hi) {
    *lo = 0;
    switch (r) {
    case MR_NONNEG:
        *hi = INFINITY;
        return;
    case MR_PERCENT:
        *hi = 100;
        return;
    case MR_FRACTION:
        *hi = 1;
        return;
    case MR_HOURS_PER_DAY:
        *hi = 24;
        return;
    case MR_ANY:
        *lo = -INFINITY;
        *hi = INFINITY;
        return;
    }
    FS_UNREACHABLE();
}

const struct metric_def *metric_lookup(const char *name, int system) {
    enum metric_scope scope = system ? MS_SYSTEM : MS_UNIT;
    const struct metric_def *d = metric_find(name, system);
    /* A per-target metric: its registry name is a prefix. */
    for (int m = 0; !d && m < MET_COUNT; m++)
        if (defs[m].scope == scope &&
            (defs[m].when == MW_PER_AWAITED || defs[m].when == MW_PER_DEST) &&
            !strncmp(defs[m].name, name, strlen(defs[m].name)))
            d = &defs[m];
    /* A per-group metric: the registry name before the first '.' (no registry name has one). */
    const char *dot = strchr(name, '.');
    for (int m = 0; !d && dot && m < MET_COUNT; m++)
        if (defs[m].scope == scope && strlen(defs[m].name) == (size_t)(dot - name) &&
            !strncmp(defs[m].name, name, (size_t)(dot - name)))
            d = &defs[m];
    return d;
}

const struct metric_def *metric_named(const char *name, int system) {
    const struct metric_def *d = metric_lookup(name, system);
    enum metric_scope scope = system ? MS_SYSTEM : MS_UNIT;
    size_t n = strlen(name);
    /* a per-target registry name, "delayed_days_awaiting_", given without its '_' */
    for (int m = 0; !d && n && m < MET_COUNT; m++)
        if (defs[m].scope == scope && strlen(defs[m].name) == n + 1 && defs[m].name[n] == '_' &&
            !strncmp(defs[m].name, name, n))
            d = &defs[m];
    return d;
}

void metric_bounds(const char *name, int system, double *lo, double *hi) {
    if (*name == '"') name++;
    const struct metric_def *d = metric_lookup(name, system);
    metric_range_bounds(d ? d->range : MR_ANY, lo, hi);
}

int metric_is_headline(const char *name, int kind) {
    const struct metric_def *d = metric_find(name, kind == METRIC_SYSTEM);
    if (!d || !d->headline) return 0;
    if (kind == METRIC_SYSTEM || kind == METRIC_ANY_KIND) return 1;
    return kind >= 0 && kind < 16 && (d->headline & (1u << kind));
}

static int finite_capacity(const struct sc_unit *u) {
    if (isinf(u->capacity)) return 0;
    for (size_t i = 0; i < u->nsched; i++)
        if (isinf(u->sched_cap[i])) return 0;
    return 1;
}

/* Whether unit u (NULL: the system) reports the metrics of condition c. */
static int reports(const struct scenario *sc, const struct sc_unit *u, enum metric_when c) {
    switch (c) {
    case MW_ALWAYS:
        return 1;
    case MW_PER_AWAITED: /* one slot per awaited unit: metric_layout_init */
    case MW_PER_DEST:    /* one slot per destination: metric_layout_init */
        return 0;
    case MW_FINITE_CAPACITY:
        return finite_capacity(u);
    case MW_OVERFILL: /* a capacity cut (or an outbreak's closure) leaves the patients it
                       * finds; a census may exceed it */
        return finite_capacity(u) &&
               (u->nsched > 0 || sc->census > 0 || sc->npatients > 0 || u->outbreak);
    case MW_AE:
        return (unitkind_caps(u->kind) & UK_AE_CLOCK) != 0;
    case MW_AMBULANCE:
        return (unitkind_caps(u->kind) & UK_HANDOVER) && u->has_ambulance;
    case MW_ACUTE:
        return (unitkind_caps(u->kind) & UK_ACUTE_BEDS) != 0;
    case MW_COST:
        return u->cost_per_place_day > 0 || u->cost_per_patient_day > 0;
    case MW_ASSESSES:
        return u->assesses;
    case MW_REJECTS:
        return u->rejects;
    case MW_REFERRED:
        return u->referred;
    case MW_TARGET:
        return u->has_target;
    case MW_READMIT:
        return u->readmit_any > 0;
    case MW_HOME_CARE_READMISSIONS:
        return sc->readmissions && (unitkind_caps(u->kind) & UK_HOME_91D);
    case MW_STEPPED_INTO:
        return u->stepped_into || u->avoids >= 0;
    case MW_SAVES:
        return u->step_down_to >= 0 || u->avoids >= 0;
    case MW_AVOIDS:
        return u->avoids >= 0;
    case MW_ESCALATE_TO:
        return u->escalate_to >= 0;
    case MW_AVOIDS_COST:
        return u->avoids >= 0 && reports(sc, u, MW_COST);
    case MW_SURGE:
        return u->surge_capacity > 0;
    case MW_PATIENCE:
        return u->has_patience;
    case MW_CHC_FROM:
        return sc->chc.on && sc->chc.from[u - sc->unit];
    case MW_CORRIDOR:
        return u->corridor_capacity > 0;
    case MW_BOARD:
        return sc->board_measures;
    case MW_BOARD_ACUTE:
        return sc->board_measures && reports(sc, u, MW_ACUTE);
    case MW_BOARD_ACUTE_BEDS:
        return reports(sc, u, MW_BOARD_ACUTE) && finite_capacity(u);
    case MW_BOARD_AMBULANCE:
        return (sc->board_measures || u->has_handover_time) && reports(sc, u, MW_AMBULANCE);
    case MW_BOARD_LWBS:
        return sc->board_measures && reports(sc, u, MW_AE) && u->has_patience;
    case MW_LEVEL1:
    case MW_LEVEL2:
    case MW_LEVEL3:
        return u->nlevels >= (size_t)(c - MW_LEVEL1 + 1);
    case MW_INTERNAL:
        return u->has_internal || u->ninternal_to > 0;
    case MW_DISCHARGE_HOURS:
        return u->has_dhours;
    case MW_OUTBREAK:
        return u->outbreak != NULL;
    case MW_CANCEL:
        return u->cancels;
    case MW_DISCHARGE:
        return u->discharge;
    case MW_REOFFERED:
        return u->reoffered;
    case MW_CHOICE:
        return u->chooses;
    case MW_VISITS:
        return u->visits;
    case MW_POPULATION:
        return !isnan(sc->population);
    case MW_ANY_COST:
        for (size_t i = 0; i < sc->nunits; i++)
            if (reports(sc, &sc->unit[i], MW_COST)) return 1;
        return 0;
    case MW_READMISSIONS:
        return sc->readmissions;
    case MW_CHC:
        return sc->chc.on;
    case MW_ESCALATION:
        return sc->esc.on;
    case MW_ESC_LEVEL1:
    case MW_ESC_LEVEL2:
    case MW_ESC_LEVEL3:
    case MW_ESC_LEVEL4:
        return sc->esc.on && sc->esc.nlevels >= (size_t)(c - MW_ESC_LEVEL1 + 1);
    }
    FS_UNREACHABLE();
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
        size_t len = strlen(defs[m].name) + strlen(sc->unit[target].name) + 1;
        s->name = fs_malloc(len);
        snprintf(s->name, len, "%s%s", defs[m].name, sc->unit[target].name);
    } else {
        s->name = fs_strdup(defs[m].name);
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
    /* escalate_to's patients go straight to that unit's door */
    if (sc->unit[u].escalate_to >= 0) add_wait_chain(sc, u, sc->unit[u].escalate_to, out, &n);
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

static void add_group(struct metric_layout *ml, size_t *cap, int unit, enum metric m, int g,
                      const struct scenario *sc) {
    add(ml, cap, unit, m, -1, sc);
    struct metric_slot *s = &ml->slot[ml->n - 1];
    size_t len = strlen(defs[m].name) + strlen(sc->group[g].name) + 2;
    fs_free(s->name);
    s->name = fs_malloc(len);
    snprintf(s->name, len, "%s.%s", defs[m].name, sc->group[g].name);
    s->group = g;
}

/* A destination once in out[*n]. */
static void add_dest(int d, int u, int *out, int *n) {
    if (d == u) return; /* a new stay in the same place: no leaving */
    for (int k = 0; k < *n; k++)
        if (out[k] == d) return;
    out[(*n)++] = d;
}

/* Where a patient leaving unit u may go (ROUTE_EXIT for exit), into out[] (room for nunits +
 * 1): its routing's destinations, its transfers' on_reject routings and, for a [chc] from unit,
 * the interim and eligible_to units; in that order. */
static int dest_targets(const struct scenario *sc, int u, int *out) {
    int n = 0;
    for (size_t g = 0; g < scenario_ngroups(sc); g++) {
        const struct route *rt = &sc->unit[u].g[g].next;
        for (size_t i = 0; i < rt->n; i++) add_dest(rt->dest[i], u, out, &n);
    }
    for (size_t t = 0; t < sc->ntransfers; t++) {
        const struct sc_transfer *T = &sc->transfer[t];
        if (T->from != u) continue;
        for (size_t i = 0; i < T->on_reject.n; i++) add_dest(T->on_reject.dest[i], u, out, &n);
    }
    if (sc->chc.on && sc->chc.from[u]) {
        if (sc->chc.interim >= 0) add_dest(sc->chc.interim, u, out, &n);
        if (sc->chc.eligible_to >= 0) add_dest(sc->chc.eligible_to, u, out, &n);
    }
    return n;
}

/* An MW_PER_DEST slot: NAME then the destination's name (exit for ROUTE_EXIT). */
static void add_dest_slot(struct metric_layout *ml, size_t *cap, int unit, enum metric m, int d,
                          const struct scenario *sc) {
    add(ml, cap, unit, m, -1, sc);
    struct metric_slot *s = &ml->slot[ml->n - 1];
    const char *dn = d == ROUTE_EXIT ? "exit" : sc->unit[d].name;
    size_t len = strlen(defs[m].name) + strlen(dn) + 1;
    fs_free(s->name);
    s->name = fs_malloc(len);
    snprintf(s->name, len, "%s%s", defs[m].name, dn);
    s->await = (size_t)d; /* the destination, until the pairs are known (below) */
}

static int int_cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

void metric_layout_init(struct metric_layout *ml, const struct scenario *sc, int by_group) {
    memset(ml, 0, sizeof *ml);
    size_t cap = 0, tocap = 0, dcap = 0;
    /* One buffer for every unit's wait targets (each unit has at most nunits of them): one
     * per unit made a run with 10,000 units clear 400 MB. */
    int *t = fs_calloc(sc->nunits + 1, sizeof *t), *dt = fs_calloc(sc->nunits + 1, sizeof *dt);
    ml->await_off = fs_calloc(sc->nunits + 1, sizeof *ml->await_off);
    ml->dest_off = fs_calloc(sc->nunits + 1, sizeof *ml->dest_off);
    for (size_t i = 0; i < sc->nunits; i++) {
        const struct sc_unit *u = &sc->unit[i];
        int n = 0, nd = 0;
        for (int m = 0; m < MET_COUNT; m++) {
            if (defs[m].scope != MS_UNIT) continue;
            if (defs[m].when == MW_PER_AWAITED) {
                n = metric_wait_targets(sc, (int)i, t);
                for (int k = 0; k < n; k++) add(ml, &cap, (int)i, (enum metric)m, t[k], sc);
            } else if (defs[m].when == MW_PER_DEST) {
                if (!u->discharge) continue;
                nd = dest_targets(sc, (int)i, dt);
                for (int k = 0; k < nd; k++)
                    add_dest_slot(ml, &cap, (int)i, (enum metric)m, dt[k], sc);
            } else if (reports(sc, u, defs[m].when)) {
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
        qsort(dt, (size_t)nd, sizeof *dt, int_cmp);
        fs_grow((void **)&ml->dest_to, &dcap, ml->dest_off[i] + (size_t)nd + 1,
                sizeof *ml->dest_to);
        memcpy(ml->dest_to + ml->dest_off[i], dt, (size_t)nd * sizeof *dt);
        ml->dest_off[i + 1] = ml->dest_off[i] + (size_t)nd;
    }
    fs_free(t);
    fs_free(dt);
    ml->nawait = ml->await_off[sc->nunits] + 1;
    ml->ndest = ml->dest_off[sc->nunits] + 1;
    ml->narea = ml->nawait + 2 * ml->ndest;
    for (size_t k = 0; k < ml->n; k++) {
        struct metric_slot *s = &ml->slot[k];
        if (s->metric == MET_DELAYED_DAYS_AWAITING)
            s->await = metric_await_index(ml, s->unit, s->target);
        else if (defs[s->metric].when == MW_PER_DEST)
            s->await = ml->nawait + metric_dest_index(ml, s->unit, (int)s->await);
    }
    for (int m = 0; m < MET_COUNT; m++)
        if (defs[m].scope == MS_SYSTEM && reports(sc, NULL, defs[m].when))
            add(ml, &cap, -1, (enum metric)m, -1, sc);
    if (!by_group || !sc->ngroups) return;
    ml->by_group = 1;
    for (size_t g = 0; g < sc->ngroups; g++) {
        for (size_t u = 0; u < sc->nunits; u++)
            for (int m = 0; m < MET_COUNT; m++)
                if (defs[m].by_group && defs[m].scope == MS_UNIT)
                    add_group(ml, &cap, (int)u, (enum metric)m, (int)g, sc);
        for (int m = 0; m < MET_COUNT; m++)
            if (defs[m].by_group && defs[m].scope == MS_SYSTEM)
                add_group(ml, &cap, -1, (enum metric)m, (int)g, sc);
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

size_t metric_dest_index(const struct metric_layout *ml, int u, int d) {
    size_t lo = ml->dest_off[u], hi = ml->dest_off[u + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ml->dest_to[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ml->dest_off[u + 1] && ml->dest_to[lo] == d ? lo : ml->ndest - 1;
}

void metric_layout_fini(struct metric_layout *ml) {
    if (!ml) return;
    for (size_t i = 0; i < ml->n; i++) fs_free(ml->slot[i].name);
    fs_free(ml->slot);
    fs_free(ml->await_off);
    fs_free(ml->await_to);
    fs_free(ml->dest_off);
    fs_free(ml->dest_to);
    memset(ml, 0, sizeof *ml);
}

void unit_window_add(struct unit_window *a, const struct unit_window *w) {
#define ADD(type, field) a->field += w->field;
    UNIT_WINDOW_FIELDS(ADD)
#undef ADD
}

void unit_window_sub(struct unit_window *a, const struct unit_window *w) {
#define SUB(type, field) a->field -= w->field;
    UNIT_WINDOW_FIELDS(SUB)
#undef SUB
}

void sys_window_add(struct sys_window *a, const struct sys_window *w) {
#define ADD(type, field) a->field += w->field;
    SYS_WINDOW_FIELDS(ADD)
#undef ADD
}

/* The place-days available: capacity, and any place held beyond it (a cut to 0 beds that
 * leaves 3 patients leaves 3 beds open). NHS England's KH03 counts a bed with a patient in it
 * as available, so occupancy stays within 100% and a closed ward's last patients still show. An
 * unlimited unit's capacity counts as 0 (rec_capacity): none is beyond it. */
static double available_area(const struct sc_unit *u, const struct unit_window *w) {
    return w->cap_area + (finite_capacity(u) ? w->over_area : 0);
}

/* Places are paid for whether used or not; patient-days only when used. The places paid for
 * are the capacity in force (surge places while open): a ward scheduled to 0 costs no places,
 * and patients it still holds cost their patient-days (cost_per_patient_day). */
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
        case MET_OCCUPANCY_PCT: /* empty only when the unit had neither places nor patients */
            v = 100.0 * ratio(w->occ_area, available_area(&sc->unit[s->unit], w));
            break;
        case MET_OVER_CAPACITY:
            v = w->over_area / length;
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
            /* Over the patients whose wait here ended in the window, admitted or given up:
             * counted when it ends, as the numerator is, so at most 100% (over arrivals, those
             * who came before the window and gave up in it made 100.2%). */
            v = 100.0 * ratio((double)w->reneged, (double)(w->admissions + w->reneged));
            break;
        case MET_DELAYED:
        case MET_DELAYED_DAYS:
            v = w->delayed_area / length;
            break;
        case MET_DELAYED_DAYS_AWAITING:
            v = await_area[s->await] / length;
            break;
        case MET_NCTR:
            v = ratio(w->nctr_sum, (double)w->snapshots);
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
        case MET_DEADLOCKED_PCT:
            v = 100.0 * sw->deadlocked_days / length;
            break;
        case MET_DTOC_PER_100K: {
            double d = 0;
            for (size_t u = 0; u < sc->nunits; u++)
                /* The DTOC return's reasons were all waits for someone outside the ward
                 * (assessment, funding, a service, a choice): not the trust's own work nor
                 * the hour it discharges in, which NCTR counts. */
                if (unitkind_caps(sc->unit[u].kind) & UK_ACUTE_BEDS) {
                    /* A difference of sums kept apart: when every delay was the trust's own it
                     * is round-off (1.97e-14 a day was written), not a delayed patient. */
                    double x = uw[u].delayed_area - uw[u].internal_area - uw[u].dhour_area;
                    d += x > 1e-9 * uw[u].delayed_area ? x : 0;
                }
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
        case MET_AVOIDED_ADMISSIONS:
            v = w->avoided / length;
            break;
        case MET_WARD_ESCALATIONS:
            v = (double)w->ward_escalations / length;
            break;
        case MET_NET_BED_DAYS_SAVED:
            v = (w->saved - w->returned) / length;
            break;
        case MET_COST_PER_BED_DAY_SAVED:
            v = ratio(unit_cost(&sc->unit[s->unit], w), w->saved - w->returned);
            break;
        case MET_SURGE_HOURS:
            v = 24 * w->surge_area / length;
            break;
        case MET_CANCELLATIONS:
            v = (double)w->cancellations / length;
            break;
        case MET_BEDS_CLOSED_OUTBREAK:
            v = w->closed_area / length;
            break;
        case MET_VISIT_SLOTS_USED_PCT:
            /* of unlimited slots no share is used: empty, not 0 */
            v = isinf(w->visit_slots) ? NAN : 100.0 * ratio(w->visit_used_in, w->visit_slots);
            break;
        case MET_VISITS:
            v = ratio(w->visit_visits, (double)w->visit_days);
            break;
        case MET_VISIT_HOURS:
            v = 24 * sc->unit[s->unit].visit_length * ratio(w->visit_used, (double)w->visit_days);
            break;
        case MET_SURGE_BED_DAYS:
            v = sc->unit[s->unit].surge_capacity * w->surge_area / length;
            break;
        case MET_DELAYED_DAYS_CHC:
            v = w->chc_area / length;
            break;
        case MET_DELAYED_DAYS_INTERNAL:
            v = w->internal_area / length;
            break;
        case MET_DELAYED_DAYS_DISCHARGE_HOUR:
            v = w->dhour_area / length;
            break;
        case MET_DECLINES:
            v = (double)w->declines / length;
            break;
        case MET_DELAYED_DAYS_CHOICE:
            v = w->choice_area / length;
            break;
        case MET_DISCHARGES_BEFORE_NOON_PCT:
            v = 100.0 * ratio((double)w->dis_noon, (double)w->dis_n);
            break;
        case MET_WEEKEND_DISCHARGE_RATIO: /* per day of each kind the window holds */
            v = ratio(ratio((double)w->dis_weekend, w->weekend_days),
                      ratio((double)(w->dis_n - w->dis_weekend), length - w->weekend_days));
            break;
        case MET_DRD_TO_DISCHARGE_MEAN:
            v = ratio(w->drd_sum, (double)w->drd_n);
            break;
        case MET_DRD_TO_DISCHARGE_MEAN_TO:
            v = ratio(await_area[s->await], await_area[s->await + ml->ndest]);
            break;
        case MET_DRD_OVER_21D:
            v = ratio(w->drd21_sum, (double)w->snapshots);
            break;
        case MET_INTERNAL_OVER_48H:
            v = (double)w->internal_over_48h / length;
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
        case MET_CORRIDOR_OCCUPANCY:
            v = w->corridor_area / length;
            break;
        case MET_CORRIDOR_HOURS:
            v = 24 * w->corridor_any_area / length;
            break;
        case MET_HANDOVERS_45M:
            v = (double)w->handovers_45m / length;
            break;
        case MET_LWBS_PCT: /* NHS ECDS: left before being seen, over every attendance */
            v = 100.0 * ratio((double)w->reneged, (double)w->ae_leaves);
            break;
        case MET_STRANDED_7D:
            v = ratio(w->stranded7_sum, (double)w->snapshots);
            break;
        case MET_STRANDED_14D:
            v = ratio(w->stranded14_sum, (double)w->snapshots);
            break;
        case MET_STRANDED_21D:
            v = ratio(w->stranded21_sum, (double)w->snapshots);
            break;
        case MET_OCCUPANCY_MIDNIGHT_PCT:
            v = 100.0 * ratio(w->occ_midnight_sum, w->avail_midnight_sum);
            break;
        case MET_OCCUPANCY_P95:
            v = w->occ_p95;
            break;
        case MET_DAYS_AT_LEVEL_1:
            v = (double)w->days_level1;
            break;
        case MET_DAYS_AT_LEVEL_2:
            v = (double)w->days_level2;
            break;
        case MET_DAYS_AT_LEVEL_3:
            v = (double)w->days_level3;
            break;
        case MET_ESCALATION_DAYS_0:
            v = sw->esc_days0;
            break;
        case MET_ESCALATION_DAYS_1:
            v = sw->esc_days1;
            break;
        case MET_ESCALATION_DAYS_2:
            v = sw->esc_days2;
            break;
        case MET_ESCALATION_DAYS_3:
            v = sw->esc_days3;
            break;
        case MET_ESCALATION_DAYS_4:
            v = sw->esc_days4;
            break;
        case MET_ESCALATIONS:
            v = (double)sw->escalations / length;
            break;
        case MET_COUNT:
            FS_UNREACHABLE();
        }
        out[i] = v;
    }
}
