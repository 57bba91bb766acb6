/* flow.c — the run of one replication: build it (rep_init), run its event loop (dispatching
 * each event to flow_units.c or flow_pathways.c), and hand back the result. The pieces share
 * flow_int.h. */
#include <math.h>
#include <string.h>

#include "flow_int.h"
#include "models/value.h"
#include "sim/core.h"

/* ---- construction ------------------------------------------------------------------------- */

/* Frees whatever a replication holds, the result included; fields left zero are skipped, so
 * it undoes a half-built rep as well as a finished one. */
static void rep_fini(struct rep *r) {
    flow_result_free(r->res);
    for (size_t i = 0; r->u && i < r->sc->nunits; i++) {
        fs_free(r->u[i].hist);
        fs_free(r->u[i].hist_total);
        fs_free(r->u[i].vused);
        fs_free(r->u[i].vvisits);
    }
    cal_free(r->cal);
    fs_free(r->u);
    fs_free(r->p);
    fs_free(r->arr_rng);
    fs_free(r->arr_count);
    fs_free(r->arr_key);
    fs_free(r->stack);
    fs_free(r->ptail);
    fs_free(r->ob_rng);
    fs_free(r->win);
    fs_free(r->gwin);
    fs_free(r->gtotal_u);
    fs_free(r->gsw);
    fs_free(r->gtotal_s);
    fs_free(r->g_occ);
    fs_free(r->g_q);
    fs_free(r->g_del);
    fs_free(r->await_tw);
    fs_free(r->await_win);
    fs_free(r->await_total);
    fs_free(r->total_u);
    fs_free(r->rowbuf);
    fs_free(r->warmbuf);
    fs_free(r->warm_q);
    fs_free(r->dl_in);
    fs_free(r->dl_cnt);
    fs_free(r->vlog);
    for (size_t k = 0; r->esc_sig && k < r->sc->esc.nsignals; k++) {
        fs_free(r->esc_sig[k].ring);
        fs_free(r->esc_sig[k].t);
    }
    fs_free(r->esc_sig);
    fs_free(r->esc_scratch);
    fs_free(r->esc_cancel);
    memset(r, 0, sizeof *r);
}

/* [escalation]: level 0 from time 0, the first review after check_every (the review draws
 * nothing: every other draw is where it was). */
static void esc_init(struct rep *r) {
    const struct scenario *sc = r->sc;
    const struct sc_escalation *x = &sc->esc;
    r->esc_sig = fs_calloc(x->nsignals, sizeof *r->esc_sig);
    for (size_t k = 0; k < x->nsignals; k++) {
        const struct sc_esc_signal *g = &x->signal[k];
        struct esc_rt *S = &r->esc_sig[k];
        S->ring = fs_calloc(g->nwindow + 1, sizeof *S->ring);
        S->t = fs_calloc(g->nwindow + 1, sizeof *S->t);
        /* the signal as metrics_eval's one slot: the same definition as the outputs' */
        S->slot = (struct metric_slot){
            .unit = g->unit, .metric = (enum metric)g->metric, .target = -1, .group = -1};
        S->ml = (struct metric_layout){.n = 1, .slot = &S->slot};
    }
    r->esc_scratch = fs_calloc(sc->nunits, sizeof *r->esc_scratch);
    r->esc_cancel = fs_calloc(sc->narrivals, sizeof *r->esc_cancel);
    for (int k = 0; k <= ESC_MAX_LEVELS; k++) tw_init(&r->esc_tw[k], 0, k == 0);
    if (x->check_every < sc->horizon)
        cal_push(r->cal, (struct cal_event){.time = x->check_every, .kind = EV_ESCALATE});
}

/* Whether unit u's mean places over [a, b) and [c, d) differ by more than the drift tolerance of
 * the larger (at least a place). */
static int sched_differs(const struct scenario *sc, const struct sc_unit *su, double a, double b,
                         double c, double d) {
    double m1 = scenario_mean_capacity(su, a, b), m2 = scenario_mean_capacity(su, c, d);
    if (isinf(m1) || isinf(m2)) return isinf(m1) != isinf(m2);
    return fabs(m2 - m1) > fmax(sc->drift_tol / 100 * fmax(m1, m2), 1);
}

/* Is unit u's capacity a planned change over the report period (FLOW_PLANNED_*)? Its
 * capacity_schedule's mean places over the two periods the change is measured between (the
 * seasonal difference's years, or the report period's halves) differ by more than the drift
 * tolerance of the larger (at least a place): a winter ward that opens in the last months is
 * one; a blip of a day, a change on the last day, or a row that keeps the places is not, so
 * that no row can switch the trend test off (output/stationarity.h). A change between the
 * years that the report period itself does not hold (a cut in the warm-up, a rise on the
 * report's first day) is no planned change of the report period: the unit is then judged by
 * the fit within the report period, which the change does not reach. */
static int planned_change(const struct scenario *sc, size_t u) {
    const struct sc_unit *su = &sc->unit[u];
    if (su->nsched == 0 || !(sc->horizon > sc->warmup)) return FLOW_PLANNED_NO;
    double mid = 0.5 * (sc->warmup + sc->horizon);
    int halves = sched_differs(sc, su, sc->warmup, mid, mid, sc->horizon);
    double y[4];
    if (!flow_year_windows(sc, y)) return halves ? FLOW_PLANNED_YES : FLOW_PLANNED_NO;
    if (!sched_differs(sc, su, y[0], y[1], y[2], y[3])) return FLOW_PLANNED_NO;
    return halves ? FLOW_PLANNED_YES : FLOW_PLANNED_FIT;
}

static void rep_init(struct rep *r, const struct scenario *sc, const struct metric_layout *ml,
                     int rep, const struct flow_opts *opts) {
    memset(r, 0, sizeof *r);
    r->sc = sc;
    r->ml = ml;
    r->rep = rep;
    r->visit = opts->visit;
    r->visit_ctx = opts->visit_ctx;
    r->cal = cal_new();
    r->free_head = NONE;
    r->offering = -1;
    r->stop = opts->stop;
    r->u = fs_calloc(sc->nunits, sizeof *r->u);
    if (sc->nprio > 1) {
        r->ptail = fs_calloc(sc->nunits * sc->nprio, sizeof *r->ptail);
        for (size_t k = 0; k < sc->nunits * sc->nprio; k++) r->ptail[k] = NONE;
    }
    r->win = fs_calloc(sc->nunits, sizeof *r->win);
    if (ml->by_group) {
        size_t ng = sc->ngroups * sc->nunits;
        r->gwin = fs_calloc(ng, sizeof *r->gwin);
        r->gtotal_u = fs_calloc(ng, sizeof *r->gtotal_u);
        r->gsw = fs_calloc(sc->ngroups, sizeof *r->gsw);
        r->gtotal_s = fs_calloc(sc->ngroups, sizeof *r->gtotal_s);
        r->g_occ = fs_calloc(ng, sizeof *r->g_occ);
        r->g_q = fs_calloc(ng, sizeof *r->g_q);
        r->g_del = fs_calloc(ng, sizeof *r->g_del);
    }
    r->await_tw = fs_calloc(ml->nawait, sizeof *r->await_tw);
    r->await_win = fs_calloc(ml->narea, sizeof *r->await_win);
    r->await_total = fs_calloc(ml->narea, sizeof *r->await_total);
    r->total_u = fs_calloc(sc->nunits, sizeof *r->total_u);
    r->arr_rng = fs_calloc(sc->narrivals, sizeof *r->arr_rng);
    r->arr_count = fs_calloc(sc->narrivals, sizeof *r->arr_count);
    r->arr_key = fs_calloc(2 * sc->narrivals, sizeof *r->arr_key);
    for (size_t s = 0; s < sc->narrivals; s++) {
        r->arr_key[2 * s] = rng_key_prefix(sc->seed, (uint64_t)rep, 1 + (uint64_t)s);
        r->arr_key[2 * s + 1] = rng_key_prefix(sc->seed, (uint64_t)rep, ~(uint64_t)s);
    }

    struct flow_result *res = fs_calloc(1, sizeof *res);
    res->rep = rep;
    res->nslots = ml->n;
    res->nbuckets = scenario_nbuckets(sc);
    res->summary = fs_calloc(ml->n, sizeof *res->summary);
    res->nwarm = flow_nwarm(sc);
    res->q_first = fs_calloc(sc->nunits, sizeof *res->q_first);
    res->q_last = fs_calloc(sc->nunits, sizeof *res->q_last);
    res->unstable = fs_calloc(sc->nunits, sizeof *res->unstable);
    res->planned = fs_calloc(sc->nunits, sizeof *res->planned);
    for (size_t u = 0; u < sc->nunits; u++) res->planned[u] = planned_change(sc, u);
    res->trend = fs_calloc(FLOW_TREND_NSUMS * sc->nunits, sizeof *res->trend);
    res->trend_x0 = res->trend_x1 = NAN;
    res->drift_tol = sc->drift_tol;
    res->deadlocked = fs_calloc(sc->nunits, sizeof *res->deadlocked);
    res->awaits = fs_calloc(sc->nunits, sizeof *res->awaits);
    res->frozen_at = NAN;
    res->thawed_last = res->frozen_last = NAN;
    r->dl_in = fs_calloc(sc->nunits, sizeof *r->dl_in);
    r->dl_cnt = fs_calloc(sc->nunits, sizeof *r->dl_cnt);
    r->dl_since = NAN;
    r->row = opts->row;
    r->warm_row = opts->warm;
    r->row_ctx = opts->row_ctx;
    if (r->row)
        r->rowbuf = fs_calloc(ml->n, sizeof *r->rowbuf);
    else
        res->series = fs_calloc(res->nbuckets * ml->n, sizeof *res->series);
    if (r->warm_row)
        r->warmbuf = fs_calloc(sc->nunits, sizeof *r->warmbuf);
    else
        res->warm = fs_calloc(res->nwarm * sc->nunits, sizeof *res->warm);
    r->warm_next = fmin(sc->interval, sc->horizon);
    if (flow_year_windows(sc, r->years)) r->warm_q = fs_calloc(2 * sc->nunits, sizeof *r->warm_q);
    r->res = res;

    int visits = 0;
    for (size_t i = 0; i < sc->nunits; i++) {
        struct unit_rt *U = &r->u[i];
        U->cap = U->base = sc->unit[i].capacity;
        U->caps = unitkind_caps(sc->unit[i].kind);
        if (sc->unit[i].discharge) U->caps |= UNIT_RT_DISCHARGE;
        U->qhead = U->qtail = NONE;
        U->chead = U->ctail = NONE;
        if (sc->unit[i].surge_capacity > 0) U->extras |= UX_SURGE;
        if (sc->unit[i].corridor_capacity > 0) U->extras |= UX_CORRIDOR;
        if (sc->nprio > 1) U->extras |= UX_PRIO;
        if (sc->unit[i].fence > 0) U->extras |= UX_FENCE;
        if (sc->unit[i].has_patience) U->extras |= UX_LINKED;
        if (sc->unit[i].ward_rules) U->extras |= UX_WARD;
        if (sc->unit[i].ahours) { /* closed or open from time 0, and its first turn */
            int open = nhpp_next_open(sc->unit[i].ahours, 0) == 0;
            cal_push(r->cal,
                     (struct cal_event){
                         .time = 0, .kind = EV_ADMIT_HOURS, .id = (uint32_t)i, .arg = open});
            U->closed = (uint8_t)!open;
        }
        if (sc->board_measures) {
            U->extras |= UX_HIST;
            /* occupancy_p95's histogram, grown as occupancy rises */
            U->nhist = 16;
            U->hist = fs_calloc(U->nhist, sizeof *U->hist);
            U->hist_total = fs_calloc(U->nhist, sizeof *U->hist_total);
        }
        tw_init(&U->occ_tw, 0, 0);
        tw_init(&U->cap_tw, 0, isinf(U->cap) ? 0 : U->cap);
        if (sc->unit[i].outbreak) tw_init(&U->closed_tw, 0, 0);
        if (sc->unit[i].visits) {
            U->vused = fs_calloc(sc->unit[i].nvdays + 1, sizeof *U->vused);
            U->vvisits = fs_calloc(sc->unit[i].nvdays + 1, sizeof *U->vvisits);
            U->extras |= UX_VISITS;
            visits = 1;
        }
        tw_init(&U->q_tw, 0, 0);
        tw_init(&U->del_tw, 0, 0);
        for (size_t k = 0; k < sc->unit[i].nsched; k++)
            if (sc->unit[i].sched_t[k] < sc->horizon)
                cal_push(r->cal, (struct cal_event){.time = sc->unit[i].sched_t[k],
                                                    .kind = EV_CAPACITY,
                                                    .id = (uint32_t)i,
                                                    .arg = (uint32_t)k});
    }
    tw_init(&r->in_sys, 0, 0);
    /* Visit-based units book the delayed patients' visits and retry their queues at each
     * midnight (one event a day for them all) */
    if (visits && 1 < sc->horizon)
        cal_push(r->cal, (struct cal_event){.time = 1, .kind = EV_VISIT_DAY});
    r->wday0 = val_weekday(sc->start_day);
    if (sc->census > 0) path_place_census(r);
    if (sc->esc.on) esc_init(r);
    /* Each unit's outbreaks from its own stream (keyed by unit), so that adding them moves no
     * other draw (common random numbers); the first start is drawn at time 0. */
    for (size_t u = 0; u < sc->nunits; u++) {
        const struct nhpp *ob = sc->unit[u].outbreak;
        if (!ob) continue;
        const uint64_t OUTBREAK = 3ULL << 58;
        if (!r->ob_rng) r->ob_rng = fs_calloc(sc->nunits, sizeof *r->ob_rng);
        rng_seed_key(&r->ob_rng[u], sc->seed, (uint64_t)rep, OUTBREAK | u, UINT64_MAX);
        double t = nhpp_next(ob, 0, rng_exp(&r->ob_rng[u], 1.0), sc->horizon);
        if (t < sc->horizon)
            cal_push(r->cal, (struct cal_event){.time = t, .kind = EV_OUTBREAK, .id = (uint32_t)u});
    }
    for (size_t s = 0; s < sc->narrivals; s++) {
        rng_seed_key(&r->arr_rng[s], sc->seed, (uint64_t)rep, 0, s);
        double t = nhpp_next(&sc->arrivals[s].nhpp, 0, rng_exp(&r->arr_rng[s], 1.0), sc->horizon);
        if (t < sc->horizon)
            cal_push(r->cal, (struct cal_event){.time = t, .kind = EV_ARRIVAL, .id = (uint32_t)s});
    }
    /* Before the warm-up ends nothing is collected; with no warm-up the first window opens now. */
    r->collecting = sc->warmup <= 0;
    r->next_boundary = sc->warmup > 0 ? sc->warmup : fmin(flow_bucket_start(sc, 1), sc->horizon);
    r->dl_next = fmin(1, r->next_boundary);
    r->snap_next = 1; /* every midnight: nctr and drd_over_21d are counts of its census */
}

/* The midnight censuses up to t (those at t included: the state at a midnight is the state
 * before any event at that instant), each counted in the window open then. */
static void snapshots_until(struct rep *r, double t) {
    while (r->snap_next <= t && r->snap_next <= r->sc->horizon) {
        rec_snapshot(r, r->snap_next);
        r->snap_next += 1;
    }
}

/* ---- escalation --------------------------------------------------------------------------- */

/* The level moves to `to`: each action whose level is crossed starts or stops. */
static void esc_set(struct rep *r, int to) {
    const struct sc_escalation *x = &r->sc->esc;
    int from = r->esc_level;
    rec_escalation(r, from, to);
    r->esc_level = to;
    r->esc_since = r->now;
    for (size_t i = 0; i < x->nactions; i++) {
        const struct sc_esc_action *a = &x->action[i];
        int was = from >= a->level, is = to >= a->level;
        if (was == is) continue;
        if (a->verb == ESC_CANCEL) {
            r->esc_cancel[a->target] = (uint8_t)is;
        } else if (a->verb == ESC_DISCHARGE) {
            r->u[a->target].esc_any_hour = is ? a->share : 0;
        } else if (units_on_escalation(r, a->target, is ? a->places : -a->places)) {
            path_offer(r, a->target);
            if (!isnan(r->dl_since)) dl_check(r); /* places added: thawed? */
        }
    }
}

/* Does signal value v reach threshold t? */
static int esc_reaches(const struct sc_esc_signal *g, double v, double t) {
    if (g->rising) return g->strict ? v > t : v >= t;
    return g->strict ? v < t : v <= t;
}

/* Signal k at review number rk: its value over its last window (or since time 0, for the first
 * reviews), the difference of its unit's counts now and at the review `nwindow` before,
 * evaluated by metrics_eval as the outputs are; its level moves to the highest threshold that
 * value reaches, and stays where it was when the value is undefined (nobody left A&E). */
static void esc_signal_review(struct rep *r, size_t k, size_t rk) {
    const struct sc_esc_signal *g = &r->sc->esc.signal[k];
    struct esc_rt *S = &r->esc_sig[k];
    size_t n = g->nwindow + 1, k0 = rk > g->nwindow ? rk - g->nwindow : 0;
    struct unit_window *now = &S->ring[rk % n], *w = &r->esc_scratch[g->unit];
    rec_counts_so_far(r, g->unit, r->now, &S->closed, now);
    S->t[rk % n] = r->now;
    *w = *now;
    unit_window_sub(w, &S->ring[k0 % n]);
    double v;
    metrics_eval(&S->ml, r->sc, r->esc_scratch, &r->sw, NULL, NULL, NULL, r->now - S->t[k0 % n],
                 &v);
    if (isnan(v)) return;
    S->level = 0;
    for (size_t i = 0; i < g->nlevels; i++)
        if (esc_reaches(g, v, g->level[i])) S->level = (int)i + 1;
}

/* The review: each signal's level, and the highest of them. The level rises to it at once; it
 * falls only once it has held stay_at_least. */
static void esc_review(struct rep *r) {
    const struct sc_escalation *x = &r->sc->esc;
    size_t rk = ++r->esc_k;
    int to = 0;
    for (size_t k = 0; k < x->nsignals; k++) {
        esc_signal_review(r, k, rk);
        if (r->esc_sig[k].level > to) to = r->esc_sig[k].level;
    }
    /* a level held stay_at_least (to a part in 10^12 of the clock: reviews fall on multiples of
     * check_every) may step down */
    int held = r->now - r->esc_since >= x->stay_at_least - 1e-12 * fmax(r->now, 1);
    if (to > r->esc_level || (to < r->esc_level && held)) esc_set(r, to);
    /* times as multiples, so that a long run's reviews do not drift */
    double next = (double)(rk + 1) * x->check_every;
    if (next < r->sc->horizon)
        cal_push(r->cal, (struct cal_event){.time = next, .kind = EV_ESCALATE});
}

/* ---- the loop ----------------------------------------------------------------------------- */

/* One event. A patient event is stale once the patient has moved on (another state) or its
 * record was recycled (another stamp): then it does nothing. */
static void dispatch(struct rep *r, const struct cal_event *ev) {
#define LIVE(state_) (r->p[ev->id].stamp == ev->stamp && r->p[ev->id].state == (state_))
    switch (ev->kind) {
    case EV_ARRIVAL:
        path_on_arrival(r, ev->id);
        break;
    case EV_END_STAY:
        if (LIVE(P_IN_CARE)) path_on_end_stay(r, ev->id);
        break;
    case EV_ASSESSED:
        if (LIVE(P_ASSESSING)) path_on_assessed(r, ev->id);
        break;
    case EV_CHOSEN:
        if (LIVE(P_ASSESSING)) path_on_chosen(r, ev->id);
        break;
    case EV_READMIT:
        if (LIVE(P_HOME)) path_on_readmit(r, ev->id);
        break;
    case EV_STEP_DOWN:
        if (LIVE(P_IN_CARE)) path_on_step_down(r, ev->id);
        break;
    case EV_CHC_DECIDED:
        if (LIVE(P_CHC)) path_on_chc_decided(r, ev->id);
        break;
    case EV_DEPART:
        if (LIVE(P_DEPARTING)) path_on_depart(r, ev->id, ev->arg);
        break;
    case EV_RENEGE:
        if (r->p[ev->id].stamp == ev->stamp && r->p[ev->id].qstamp == ev->arg &&
            (r->p[ev->id].state == P_WAITING || r->p[ev->id].state == P_BLOCKED))
            path_on_renege(r, ev->id);
        break;
    case EV_SURGE:
        if (units_on_surge(r, (int)ev->id, ev->stamp)) path_offer(r, (int)ev->id);
        if (!isnan(r->dl_since)) dl_check(r); /* places added: thawed? */
        break;
    case EV_CAPACITY:
        units_on_capacity(r, (int)ev->id, ev->arg);
        path_offer(r, (int)ev->id);
        if (!isnan(r->dl_since)) dl_check(r);
        break;
    case EV_REBOOKED:
        if (LIVE(P_REBOOKED)) path_on_rebooked(r, ev->id, ev->arg);
        break;
    case EV_OUTBREAK:
        if (units_on_outbreak(r, (int)ev->id, ev->arg)) path_offer(r, (int)ev->id);
        if (!isnan(r->dl_since)) dl_check(r); /* places reopened: thawed? */
        break;
    case EV_ADMIT_HOURS:
        if (units_on_admit_hours(r, (int)ev->id, (int)ev->arg)) path_offer(r, (int)ev->id);
        break;
    case EV_ESCALATE:
        esc_review(r);
        break;
    case EV_VISIT_DAY:
        for (size_t u = 0; u < r->sc->nunits; u++)
            if (r->u[u].vused) {
                units_on_visit_day(r, (int)u);
                path_offer(r, (int)u);
            }
        if (r->now + 1 < r->sc->horizon)
            cal_push(r->cal, (struct cal_event){.time = r->now + 1, .kind = EV_VISIT_DAY});
        if (!isnan(r->dl_since)) dl_check(r);
        break;
    }
#undef LIVE
}

#ifdef FLOWSIM_INVARIANTS
/* Units checked after each event in builds with FLOWSIM_INVARIANTS (the test builds). */
enum { INV_PER_EVENT = 1 };

/* Unit u's queue and delay counts agree with themselves. */
static void check_unit(const struct rep *r, size_t u) {
    const struct unit_rt *U = &r->u[u];
    FS_INVARIANT(U->qlen >= 0 && U->delayed >= 0 && U->delayed <= U->occ + U->corr);
    FS_INVARIANT((U->qlen == 0) == (U->qhead == NONE));
}
#endif

/* Run the events up to the horizon, closing report windows and warm-up intervals as their
 * ends pass. Returns 0, or -1 with a message when stopped or over the event budget. */
static int rep_loop(struct rep *r, const struct flow_opts *opts, char *err, size_t errlen) {
    const struct scenario *sc = r->sc;
    struct cal_event ev;
    uint64_t events = 0;
    while (cal_pop(r->cal, &ev)) {
        if (ev.time >= sc->horizon) break;
        /* A deadlock is looked for once a simulated day and before each report window closes
         * (flow_deadlock.c; dl_next is never after next_boundary, so one comparison an event
         * serves both): the state now is the state since the last event. */
        if (__builtin_expect(ev.time >= r->dl_next, 0)) {
#ifdef FLOWSIM_INVARIANTS
            for (size_t u = 0; u < sc->nunits; u++) check_unit(r, u);
#endif
            dl_check(r);
            while (ev.time >= r->next_boundary) {
                snapshots_until(r, r->next_boundary);
                dl_account(r, r->next_boundary);
                rec_close_window(r, r->next_boundary);
            }
            snapshots_until(r, ev.time);
            r->dl_next = fmin(floor(ev.time) + 1, r->next_boundary);
        }
        while (ev.time >= r->warm_next) rec_close_warm(r, r->warm_next);
        FS_ASSERT(ev.time >= r->now);
        r->now = ev.time;
        if ((++events & 0xffff) == 0 &&
            ((opts->stop && *opts->stop) || (opts->max_events && events > opts->max_events))) {
            if (opts->stop && *opts->stop)
                snprintf(err, errlen, "interrupted");
            else
                snprintf(err, errlen, "over budget: more than %llu events",
                         (unsigned long long)opts->max_events);
            return -1;
        }
        dispatch(r, &ev);
        if (__builtin_expect(r->stopped, 0)) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
#ifdef FLOWSIM_INVARIANTS
        /* A few units after each event, round the units in turn, so that the check costs the
         * same per event whatever the model's size (every unit after every event cost x2.1 at
         * 50 hospitals); a broken count persists, so it is found within units / INV_PER_EVENT
         * events, and every unit is checked once a simulated day (below, with the deadlock
         * check). */
        for (size_t k = 0; k < INV_PER_EVENT && k < sc->nunits; k++) {
            check_unit(r, r->inv_next);
            r->inv_next = r->inv_next + 1 < sc->nunits ? r->inv_next + 1 : 0;
        }
#endif
    }
    if (r->next_boundary <= sc->horizon) dl_check(r);
    while (r->next_boundary <= sc->horizon) {
        snapshots_until(r, r->next_boundary);
        dl_account(r, r->next_boundary);
        rec_close_window(r, r->next_boundary);
    }
    while (r->warm_next <= sc->horizon) rec_close_warm(r, r->warm_next);
    rec_horizon(r);
    FS_ASSERT(r->bucket == r->res->nbuckets);
    r->res->events = events;
    return 0;
}

/* ---- the result --------------------------------------------------------------------------- */

/* The whole-run summary and the rest of the result, taken out of the finished replication. */
static struct flow_result *rep_result(struct rep *r) {
    const struct scenario *sc = r->sc;
    struct flow_result *res = r->res;
    /* occupancy_p95 of the whole run is its own histogram's, not a sum of the windows' */
    for (size_t i = 0; sc->board_measures && i < sc->nunits; i++)
        r->total_u[i].occ_p95 = flow_p95_total(&r->u[i]);
    metrics_eval(r->ml, sc, r->total_u, &r->total_s, r->await_total, r->gtotal_u, r->gtotal_s,
                 sc->horizon - sc->warmup, res->summary);
    for (size_t i = 0; i < sc->nunits; i++)
        res->unstable[i] =
            (uint8_t)flow_unstable(res->q_first[i], res->q_last[i], sc->unit[i].capacity);
    /* Per unit, the unit its delayed patients waited most for, when that held at least a
     * tenth of its bed-days: the bottleneck a warning about its queue names. */
    for (size_t i = 0; i < sc->nunits; i++) {
        double best = 0;
        res->awaits[i] = -1;
        for (size_t k = r->ml->await_off[i]; k < r->ml->await_off[i + 1]; k++)
            if (r->await_total[k] > best)
                best = r->await_total[k], res->awaits[i] = r->ml->await_to[k];
        if (!(best >= 0.1 * r->total_u[i].occ_area)) res->awaits[i] = -1;
    }
    for (size_t i = 0; i < sc->narrivals; i++) res->patients += r->arr_count[i];
    res->peak_patients = r->peak;
    res->in_system_end = r->in_sys.value;
    r->res = NULL;
    return res;
}

void flow_result_free(struct flow_result *res) {
    if (!res) return;
    fs_free(res->summary);
    fs_free(res->series);
    fs_free(res->warm);
    fs_free(res->q_first);
    fs_free(res->q_last);
    fs_free(res->unstable);
    fs_free(res->trend);
    fs_free(res->planned);
    fs_free(res->deadlocked);
    fs_free(res->awaits);
    fs_free(res);
}

const char *const flow_diag_sys_names[FLOW_DIAG_SYS] = {
    "frozen_at", "frozen_end", "thaws", "thawed_last", "frozen_last", "drift_tolerance"};
const char *const flow_diag_unit_names[FLOW_DIAG_UNIT] = {
    "unstable",     "queue_first", "queue_last", "awaits",       "deadlocked", "offered_pct",
    "trend_change", "trend_level", "planned",    "queue_change", "queue_level"};

size_t flow_diag_len(size_t nunits) {
    return FLOW_DIAG_SYS + FLOW_DIAG_UNIT * nunits;
}

void flow_diag(const struct flow_result *res, size_t nunits, double *row) {
    row[FD_FROZEN_AT] = res->frozen_at;
    row[FD_FROZEN_END] = res->frozen_end;
    row[FD_THAWS] = res->thaws;
    row[FD_THAWED_LAST] = res->thawed_last;
    row[FD_FROZEN_LAST] = res->frozen_last;
    row[FD_DRIFT_TOL] = res->drift_tol;
    for (size_t u = 0; u < nunits; u++) {
        double *x = row + FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u;
        x[FDU_UNSTABLE] = res->unstable[u];
        x[FDU_Q_FIRST] = res->q_first[u];
        x[FDU_Q_LAST] = res->q_last[u];
        x[FDU_AWAITS] = res->awaits[u];
        x[FDU_DEADLOCKED] = res->deadlocked[u];
        x[FDU_OFFERED_PCT] = NAN; /* the scenario's: filled by the caller (flow.h) */
        double t[4];
        flow_trend(res->trend + FLOW_TREND_NSUMS * u, res->trend_x0, res->trend_x1,
                   res->planned[u] != FLOW_PLANNED_FIT, t);
        x[FDU_TREND_CHANGE] = t[0], x[FDU_TREND_LEVEL] = t[1];
        x[FDU_QUEUE_CHANGE] = t[2], x[FDU_QUEUE_LEVEL] = t[3];
        x[FDU_PLANNED] = res->planned[u] == FLOW_PLANNED_YES;
    }
}

int flow_run(const struct scenario *sc, const struct metric_layout *ml, int rep,
             struct flow_result **out, char *err, size_t errlen) {
    return flow_run_opts(sc, ml, rep, NULL, out, err, errlen);
}

int flow_run_opts(const struct scenario *sc, const struct metric_layout *ml, int rep,
                  const struct flow_opts *opts, struct flow_result **out, char *err,
                  size_t errlen) {
    static const struct flow_opts none = {0};
    if (!opts) opts = &none;
    struct rep r;
    rep_init(&r, sc, ml, rep, opts);
    if (rep_loop(&r, opts, err, errlen) != 0) goto fail;
    *out = rep_result(&r);
    rep_fini(&r);
    return 0;
fail:
    rep_fini(&r);
    return -1;
}
