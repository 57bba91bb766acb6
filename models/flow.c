#include "flow.h"

#include <math.h>
#include <string.h>

#include "models/limits.h"
#include "sim/calendar.h"
#include "sim/core.h"
#include "sim/rng.h"
#include "sim/stats.h"

enum {
    EV_ARRIVAL,
    EV_END_STAY,
    EV_CAPACITY,
    EV_ASSESSED,
    EV_READMIT,
    EV_STEP_DOWN,
    EV_SURGE,
    EV_CHC_DECIDED,
    EV_RENEGE
};

enum pstate {
    P_FREE,
    P_IN_CARE,   /* in a place, stay running */
    P_BLOCKED,   /* stay ended, keeps its place, queued for the next unit */
    P_WAITING,   /* arrived from outside, queued, holds no place */
    P_ASSESSING, /* stay ended, keeps its place while assessed for a transfer */
    P_HOME,      /* gone home (out of the system) and due to be readmitted */
    P_CHC,       /* stay ended, keeps its place while a CHC assessment runs in it */
};

/* Why a patient whose stay has ended is still in its place: each delayed patient has exactly
 * one reason at a time, so the reasons add up to the unit's delay. */
enum delay { D_NONE, D_ASSESSMENT, D_AWAITING, D_REJECTED, D_CHC };

#define NONE UINT32_MAX
#define HOURS(h) ((h) / 24.0)
/* Thresholds are compared with a relative hair of slack, so a wait of exactly 4 h counts as
 * within 4 h whatever the rounding of the times that make it. */
#define WITHIN(d, limit) ((d) <= (limit) * (1 + 1e-12))

struct patient {
    struct rng rng;   /* the patient's own stream: stays and routing (common random numbers) */
    struct rng aux;   /* its second stream, for choices a variant may add (step-down), so that
                       * adding them leaves the main stream's stays and routing in step */
    double remaining; /* rest of the stay after a step-down point */
    double t_arrived; /* arrival at the unit it holds a place in (queue join or entry) */
    double t_entered; /* entry into that unit */
    double t_queued;  /* joined the queue of target */
    double t_ended;   /* end of the stay in unit (the decision to move on) */
    int32_t unit;     /* unit holding its place, -1 none */
    int32_t target;   /* unit whose queue it is in, -1 none */
    uint32_t link;    /* next in that queue, or next free record */
    uint32_t stamp;   /* bumped when the record is recycled: stale events are ignored */
    uint32_t qstamp;  /* bumped each time it joins a queue: a stale patience event is ignored */
    uint8_t state;
    uint8_t ambulance; /* arrived by ambulance and not yet handed over to an A&E cubicle */
    uint8_t delay;     /* enum delay, while delayed in unit */
    uint8_t group;     /* case-mix group (0 when the scenario has none): FS_MAX_GROUPS fit */
    uint64_t number;   /* 1, 2, ... in order of arrival, for the patient log */
    uint8_t rejected;  /* refused by a service since its stay here ended */
    int32_t assess_to; /* the unit it is being assessed for */
    int32_t home_from; /* the unit it went home from (for readmit_to) */
    /* CHC: considered for this episode; assessed after discharge, in the interim unit */
    uint8_t chc_done, chc_d2a;
    int32_t chc_to;      /* where it was going when referred */
    double chc_ref_t;    /* referral (end of the stay) */
    double chc_assess;   /* length of the assessment */
    double chc_decide_t; /* decision, for an assessment after discharge */
    double t_assess;     /* start of that assessment */
};

/* The loader refuses more groups than a patient's one byte can tell apart (300 groups once put
 * the patients of groups 256-299 silently in groups 0-43); likewise units and arrival streams
 * go into the calendar's 32-bit ids. */
_Static_assert(FS_MAX_GROUPS <= UINT8_MAX + 1, "struct patient keeps its group in a uint8_t");
_Static_assert(FS_MAX_UNITS <= INT32_MAX && FS_MAX_ARRIVALS <= INT32_MAX,
               "unit and stream indices are int32_t in patients and uint32_t in events");
_Static_assert(FS_MAX_DATED_ROWS <= UINT32_MAX, "a capacity change's row is an event's arg");

struct unit_rt {
    double cap;
    int32_t occ;     /* places held: in care + delayed in place */
    int32_t delayed; /* of those, stays ended and waiting to move on */
    int32_t qlen;
    uint32_t qhead, qtail;
    struct tw occ_tw, cap_tw, q_tw, del_tw;
    struct tw assess_tw, rej_tw; /* delayed patients being assessed / after a refusal */
    /* occ_tw is never reset: report windows and warm-up intervals read differences of its
     * running integral, so one update per occupancy change serves both */
    double occ_mark, warm_mark;
    struct tw chc_tw; /* delayed patients in a CHC assessment */
    /* escalation */
    double base;          /* capacity before surge places (capacity_schedule's value) */
    int surging, armed;   /* surge places open; occupancy high and a check pending */
    uint32_t surge_epoch; /* bumped to cancel a pending check */
    struct tw surge_tw;   /* 1 while surging */
};

struct rep {
    const struct scenario *sc;
    const struct metric_layout *ml;
    int rep;
    double now;
    struct calendar *cal;
    struct unit_rt *u;
    struct unit_window *win; /* the open report window, one per unit (contiguous for eval) */
    /* Delayed patients by (unit they are in, unit they wait for), one per pair the routing
     * allows (metric_await_index: ml->nawait of them, not nunits squared): the time-weighted
     * counts, and their areas in the open window and over the whole run. */
    struct tw *await_tw;
    double *await_win, *await_total;
    struct patient *p;
    size_t np, pcap, in_use, peak;
    uint32_t free_head;
    struct rng *arr_rng;
    uint64_t *arr_count;
    uint64_t *arr_key; /* per arrival stream: its patients' stream keys, hashed once (2 each) */
    struct tw in_sys;
    struct sys_window sw;
    uint32_t *stack; /* units whose freed place is still to be offered */
    size_t nstack, stackcap;
    /* report windows */
    int collecting;
    size_t bucket;
    double next_boundary;
    struct unit_window *total_u;
    struct sys_window total_s;
    struct flow_result *res;
    /* --by-group: per (group, unit) windows, totals and time-weighted counts, [g * nunits + u];
     * NULL when not asked for */
    struct unit_window *gwin, *gtotal_u;
    struct sys_window *gsw, *gtotal_s;
    struct tw *g_occ, *g_q, *g_del;
    size_t warm_k;       /* the warm-up-chart interval now open */
    double warm_next;    /* and when it closes */
    flow_visit_fn visit; /* the patient log, or NULL */
    void *visit_ctx;
    flow_row_fn row, warm_row; /* streaming, or NULL: then res->series and res->warm */
    void *row_ctx;
    double *rowbuf, *warmbuf; /* the one row being made, when streaming */
    uint64_t numbered;
    uint64_t came, went; /* since time 0: arrivals + readmissions, departures + lost */
};

static size_t gi(const struct rep *r, int u, const struct patient *p) {
    return (size_t)p->group * r->sc->nunits + (size_t)u;
}

size_t flow_nwarm(const struct scenario *sc) {
    double n = ceil(sc->horizon / sc->interval - 1e-9);
    return n < 1 ? 1 : (size_t)n;
}

/* Close warm-up-chart interval warm_k at t: each unit's mean occupancy over it. */
static void close_warm(struct rep *r, double t) {
    const struct scenario *sc = r->sc;
    double start = (double)r->warm_k * sc->interval;
    for (size_t u = 0; u < sc->nunits; u++) {
        struct unit_rt *U = &r->u[u];
        double a = tw_area(&U->occ_tw, t);
        double *w = r->warm_row ? r->warmbuf : r->res->warm + r->warm_k * sc->nunits;
        w[u] = (a - U->warm_mark) / (t - start);
        U->warm_mark = a;
    }
    if (r->warm_row) r->warm_row(r->row_ctx, r->rep, r->warm_k, r->warmbuf);
    r->warm_k++;
    double next = (double)(r->warm_k + 1) * sc->interval;
    r->warm_next = r->warm_k >= r->res->nwarm ? INFINITY : fmin(next, sc->horizon);
}

int flow_unstable(double q_first, double q_last, double capacity) {
    double margin = isinf(capacity) ? 10 : fmax(10, capacity / 2);
    return q_last > 2 * q_first && q_last - q_first > margin;
}

double flow_bucket_start(const struct scenario *sc, size_t b) {
    return sc->warmup + (double)b * sc->interval;
}

/* ---- patients ----------------------------------------------------------------------------- */

static uint32_t patient_new(struct rep *r) {
    uint32_t id;
    if (r->free_head != NONE) {
        id = r->free_head;
        r->free_head = r->p[id].link;
    } else {
        /* Records are numbered in 32 bits, NONE excluded: 2^32 patients at once would be some
         * 600 GB of records, so the allocator fails long before; this says so if not. */
        FS_ASSERT(r->np < NONE);
        fs_grow((void **)&r->p, &r->pcap, r->np + 1, sizeof *r->p);
        id = (uint32_t)r->np++;
        r->p[id].stamp = 0;
    }
    struct patient *p = &r->p[id];
    /* A compound literal, not memset: the compiler clears it with a few vector stores, where
     * memset's string instruction costs more than the record to start up. */
    *p = (struct patient){
        .stamp = p->stamp, .number = ++r->numbered, .unit = -1, .target = -1, .link = NONE};
    if (++r->in_use > r->peak) r->peak = r->in_use;
    tw_add(&r->in_sys, r->now, 1);
    return id;
}

static void patient_free(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    p->state = P_FREE;
    p->stamp++;
    p->link = r->free_head;
    r->free_head = id;
    r->in_use--;
    tw_add(&r->in_sys, r->now, -1);
}

/* ---- unit bookkeeping --------------------------------------------------------------------- */

static void enqueue(struct rep *r, int u, uint32_t id) {
    struct unit_rt *U = &r->u[u];
    if (r->gwin) tw_add(&r->g_q[gi(r, u, &r->p[id])], r->now, +1);
    r->p[id].link = NONE;
    if (U->qtail == NONE)
        U->qhead = id;
    else
        r->p[U->qtail].link = id;
    U->qtail = id;
    U->qlen++;
    tw_set(&U->q_tw, r->now, U->qlen);
}

/* Take a patient out of the middle of u's queue (it gave up). A linear walk: giving up is rare
 * beside joining and leaving, and the queue stays singly linked and small. */
static void queue_remove(struct rep *r, int u, uint32_t id) {
    struct unit_rt *U = &r->u[u];
    uint32_t prev = NONE, k = U->qhead;
    while (k != id) {
        FS_ASSERT(k != NONE);
        prev = k;
        k = r->p[k].link;
    }
    if (prev == NONE)
        U->qhead = r->p[id].link;
    else
        r->p[prev].link = r->p[id].link;
    if (U->qtail == id) U->qtail = prev;
    if (r->gwin) tw_add(&r->g_q[gi(r, u, &r->p[id])], r->now, -1);
    U->qlen--;
    tw_set(&U->q_tw, r->now, U->qlen);
}

static uint32_t dequeue(struct rep *r, int u) {
    struct unit_rt *U = &r->u[u];
    uint32_t id = U->qhead;
    U->qhead = r->p[id].link;
    if (U->qhead == NONE) U->qtail = NONE;
    if (r->gwin) tw_add(&r->g_q[gi(r, u, &r->p[id])], r->now, -1);
    U->qlen--;
    tw_set(&U->q_tw, r->now, U->qlen);
    return id;
}

/* Escalation: arm a check when occupancy reaches surge_on x base, cancel it if occupancy
 * drops first; while surging, close the surge places once occupancy is below surge_off x base
 * (no one is evicted: they are simply not refilled). */
static void surge_update(struct rep *r, int u) {
    const struct sc_unit *su = &r->sc->unit[u];
    struct unit_rt *U = &r->u[u];
    if (U->surging) {
        if (U->occ < su->surge_off * U->base) {
            U->surging = 0;
            U->cap = U->base;
            tw_set(&U->surge_tw, r->now, 0);
            tw_set(&U->cap_tw, r->now, U->cap);
        }
    } else if (U->occ >= su->surge_on * U->base) {
        if (!U->armed) {
            U->armed = 1;
            cal_push(r->cal, (struct cal_event){.time = r->now + su->surge_after,
                                                .kind = EV_SURGE,
                                                .id = (uint32_t)u,
                                                .stamp = ++U->surge_epoch});
        }
    } else if (U->armed) {
        U->armed = 0;
        U->surge_epoch++;
    }
}

static void occ_add(struct rep *r, int u, int d, const struct patient *p) {
    struct unit_rt *U = &r->u[u];
    U->occ += d;
    /* A place is taken only where one is free (a capacity cut leaves the patients it finds). */
    FS_INVARIANT(U->occ >= 0 && (d < 0 || U->occ <= U->cap));
    tw_set(&U->occ_tw, r->now, U->occ);
    if (r->gwin) tw_add(&r->g_occ[gi(r, u, p)], r->now, d);
    if (r->sc->unit[u].surge_capacity > 0) surge_update(r, u);
}

/* The time-weighted count that holds delayed patients of unit u with this reason. */
static struct tw *delay_tw(struct rep *r, int u, enum delay why, int target) {
    switch (why) {
    case D_ASSESSMENT:
        return &r->u[u].assess_tw;
    case D_REJECTED:
        return &r->u[u].rej_tw;
    case D_CHC:
        return &r->u[u].chc_tw;
    case D_AWAITING:
        return &r->await_tw[metric_await_index(r->ml, u, target)];
    case D_NONE:
        break;
    }
    FS_UNREACHABLE();
}

/* The patient, whose stay in unit u has ended, starts a delay in its place there. A patient
 * refused by a service is delayed "rejected" from then on, whatever it waits for next. */
static void delay_begin(struct rep *r, int u, struct patient *p, enum delay why, int target) {
    struct unit_rt *U = &r->u[u];
    if (p->rejected) why = D_REJECTED;
    p->delay = (uint8_t)why;
    U->delayed++;
    tw_set(&U->del_tw, r->now, U->delayed);
    tw_add(delay_tw(r, u, why, target), r->now, +1);
    if (r->gwin) tw_add(&r->g_del[gi(r, u, p)], r->now, +1);
}

static void delay_end(struct rep *r, int u, struct patient *p) {
    struct unit_rt *U = &r->u[u];
    U->delayed--;
    tw_set(&U->del_tw, r->now, U->delayed);
    tw_add(delay_tw(r, u, (enum delay)p->delay, p->target), r->now, -1);
    if (r->gwin) tw_add(&r->g_del[gi(r, u, p)], r->now, -1);
    p->delay = D_NONE;
}

static const char *const delay_names[] = {"", "assessment", "awaiting", "rejected",
                                          "chc_assessment"};

/* The patient gives up its place in unit u for next (a unit, or FLOW_NEXT_HOME/LOST); the
 * place is offered by the caller. */
static void leave(struct rep *r, int u, struct patient *p, int next) {
    if (r->visit) {
        struct flow_visit v = {.rep = r->rep,
                               .patient = p->number,
                               .group = p->group,
                               .unit = u,
                               .arrive = p->t_arrived,
                               .start = p->t_entered,
                               .end_of_care = p->t_ended >= p->t_entered ? p->t_ended : NAN,
                               .leave = r->now,
                               .next = next,
                               .delay_reason = delay_names[p->delay],
                               .delay_target = p->target};
        r->visit(r->visit_ctx, &v);
    }
    occ_add(r, u, -1, p);
    if (p->delay != D_NONE) delay_end(r, u, p);
    r->win[u].leaves++;
    r->win[u].los_sum += r->now - p->t_entered;
    if (r->gwin) {
        r->gwin[gi(r, u, p)].leaves++;
        r->gwin[gi(r, u, p)].los_sum += r->now - p->t_entered;
    }
    if (r->sc->unit[u].kind == UNIT_AE) {
        double in_ae = r->now - p->t_arrived;
        r->win[u].ae_leaves++;
        if (WITHIN(in_ae, HOURS(4))) r->win[u].ae_within_4h++;
        if (!WITHIN(in_ae, HOURS(12))) r->win[u].ae_over_12h++;
    }
    p->unit = -1;
}

static void start_stay(struct rep *r, uint32_t id, int u, double t_arrived) {
    struct patient *p = &r->p[id];
    occ_add(r, u, +1, p);
    r->win[u].admissions++;
    r->win[u].wait_sum += r->now - t_arrived;
    if (r->gwin) {
        r->gwin[gi(r, u, p)].admissions++;
        r->gwin[gi(r, u, p)].wait_sum += r->now - t_arrived;
    }
    p->unit = u;
    p->target = -1;
    p->state = P_IN_CARE;
    p->rejected = 0;
    p->t_ended = -INFINITY; /* not yet */
    p->t_arrived = t_arrived;
    p->t_entered = r->now;
    if (p->ambulance && r->sc->unit[u].kind == UNIT_AE) {
        /* Handover: from arrival at A&E to a cubicle. */
        double h = r->now - t_arrived;
        r->win[u].handovers++;
        r->win[u].handover_sum += h;
        if (!WITHIN(h, HOURS(0.5))) r->win[u].handovers_30m++;
        if (!WITHIN(h, HOURS(1))) r->win[u].handovers_60m++;
        p->ambulance = 0;
    }
    double stay = dist_sample(&r->sc->unit[u].g[p->group].stay, &p->rng);
    const struct sc_unit *su = &r->sc->unit[u];
    const struct sc_chc *h = &r->sc->chc;
    if (h->on && h->from[u]) p->chc_done = 0; /* a new episode may need its own assessment */
    if (p->chc_d2a && u == h->interim) {
        /* The interim stay lasts at least until the CHC decision. */
        p->chc_decide_t = r->now + p->chc_assess;
        if (stay < p->chc_assess) stay = p->chc_assess;
        cal_push(r->cal,
                 (struct cal_event){
                     .time = r->now + stay, .kind = EV_END_STAY, .id = id, .stamp = p->stamp});
        return;
    }
    if (su->step_down_to >= 0 && rng_uniform(&p->aux) < su->step_down_share) {
        /* A step-down candidate: at that point of its stay it moves on if there is room. */
        p->remaining = stay * (1 - su->step_down_at);
        cal_push(r->cal, (struct cal_event){.time = r->now + stay * su->step_down_at,
                                            .kind = EV_STEP_DOWN,
                                            .id = id,
                                            .stamp = p->stamp});
        return;
    }
    cal_push(r->cal, (struct cal_event){
                         .time = r->now + stay, .kind = EV_END_STAY, .id = id, .stamp = p->stamp});
}

/* At its step-down point the patient moves to the step-down unit if it has a free place and
 * nobody waiting, and spends the rest of its stay there; otherwise it stays put. */
static void offer(struct rep *r, int u);
static void on_step_down(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    int u = p->unit, vw = r->sc->unit[u].step_down_to;
    struct unit_rt *V = &r->u[vw];
    double rest = p->remaining;
    if (!(V->occ < V->cap) || V->qlen > 0) {
        cal_push(r->cal,
                 (struct cal_event){
                     .time = r->now + rest, .kind = EV_END_STAY, .id = id, .stamp = p->stamp});
        return;
    }
    r->win[u].saved += rest;
    r->win[vw].step_downs++;
    r->win[vw].arrivals++;
    leave(r, u, p, vw);
    occ_add(r, vw, +1, p);
    r->win[vw].admissions++;
    if (r->gwin) r->gwin[gi(r, vw, p)].admissions++;
    p->unit = vw;
    p->t_arrived = p->t_entered = r->now;
    cal_push(r->cal, (struct cal_event){
                         .time = r->now + rest, .kind = EV_END_STAY, .id = id, .stamp = p->stamp});
    offer(r, u);
}

/* Move the patient into unit u, which has room; returns the unit whose place it freed. */
static int move_in(struct rep *r, uint32_t id, int u) {
    struct patient *p = &r->p[id];
    int src = p->unit;
    double t_arrived = (p->state == P_BLOCKED || p->state == P_WAITING) ? p->t_queued : r->now;
    if (src >= 0 && r->sc->unit[src].kind == UNIT_AE) {
        /* Admitted from A&E: the "trolley wait" runs from the decision to admit. */
        double w = r->now - p->t_ended;
        r->win[src].trolley_n++;
        r->win[src].trolley_sum += w;
        if (!WITHIN(w, HOURS(12))) r->win[src].trolley_over_12h++;
    }
    if (src >= 0) leave(r, src, p, u);
    start_stay(r, id, u, t_arrived);
    return src;
}

static void push_offer(struct rep *r, int u) {
    fs_grow((void **)&r->stack, &r->stackcap, r->nstack + 1, sizeof *r->stack);
    r->stack[r->nstack++] = (uint32_t)u;
}

/* Places freed at u go to the head of u's queue at once; a blocked patient who moves frees a
 * place upstream, which is offered in turn at the same instant (the cascade). */
static void offer(struct rep *r, int u) {
    push_offer(r, u);
    while (r->nstack) {
        int v = (int)r->stack[--r->nstack];
        struct unit_rt *V = &r->u[v];
        while (V->qlen > 0 && V->occ < V->cap) {
            int src = move_in(r, dequeue(r, v), v);
            if (src >= 0) push_offer(r, src);
        }
    }
}

static void remove_patient(struct rep *r, uint32_t id, int why) {
    int src = r->p[id].unit;
    if (src >= 0) leave(r, src, &r->p[id], why);
    patient_free(r, id);
    if (src >= 0) offer(r, src);
}

/* The patient arrives at unit d, from outside or at the end of a stay elsewhere. */
static void arrive(struct rep *r, uint32_t id, int d) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    for (;;) {
        struct unit_rt *D = &r->u[d];
        r->win[d].arrivals++;
        if (p->unit == d) {
            /* Routed back to its own unit: a new stay in the place it already holds. */
            leave(r, d, p, d);
            start_stay(r, id, d, r->now);
            return;
        }
        if (D->occ < D->cap) {
            int src = move_in(r, id, d);
            if (src >= 0) offer(r, src);
            return;
        }
        switch (sc->unit[d].when_full) {
        case FULL_QUEUE:
            p->target = d;
            p->t_queued = r->now;
            if (p->unit >= 0) {
                p->state = P_BLOCKED;
                delay_begin(r, p->unit, p, D_AWAITING, d);
            } else {
                p->state = P_WAITING;
            }
            enqueue(r, d, id);
            p->qstamp++;
            if (sc->unit[d].has_patience) {
                /* Its own stream keyed by (patient, unit, queue joined), so drawing a
                 * patience leaves every other draw of the patient in step. */
                const uint64_t PATIENCE = 1ULL << 61;
                struct rng g;
                rng_seed_key(&g, sc->seed, (uint64_t)r->rep,
                             PATIENCE | ((uint64_t)(p->qstamp & 0xfffffff) << 32) | (uint64_t)d,
                             p->number);
                double w = dist_sample(&sc->unit[d].patience, &g);
                cal_push(r->cal, (struct cal_event){.time = r->now + w,
                                                    .kind = EV_RENEGE,
                                                    .id = id,
                                                    .stamp = p->stamp,
                                                    .arg = p->qstamp});
            }
            return;
        case FULL_LOSE:
            r->win[d].lost++;
            r->sw.lost++;
            remove_patient(r, id, FLOW_NEXT_LOST);
            return;
        case FULL_DIVERT:
            d = sc->unit[d].divert;
            break;
        }
    }
}

/* The patient has waited its patience in the queue of p->target: it goes to the unit's
 * patience_to, or out of the modelled system (a placement out of area, say). */
static void on_renege(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    int d = p->target;
    queue_remove(r, d, id);
    r->win[d].reneged++;
    if (p->state == P_BLOCKED) delay_end(r, p->unit, p); /* reads p->target: first */
    p->target = -1;
    p->state = P_IN_CARE; /* stay ended, deciding: not delayed for this instant */
    int to = r->sc->unit[d].patience_to;
    if (to == ROUTE_EXIT) {
        r->sw.departures++;
        if (r->gsw) r->gsw[p->group].departures++;
        remove_patient(r, id, FLOW_NEXT_HOME);
        return;
    }
    arrive(r, id, to);
}

static int route(const struct route *rt, struct rng *g) {
    if (rt->n == 1) return rt->dest[0];
    double x = rng_uniform(g);
    size_t i = 0;
    while (i + 1 < rt->n && x >= rt->cum[i]) i++;
    return rt->dest[i];
}

/* A case-mix group by the [group] shares (the patient's first draw; none without groups). */
static uint8_t draw_group(const struct scenario *sc, struct rng *g) {
    if (!sc->ngroups) return 0;
    double x = rng_uniform(g), acc = 0;
    for (size_t i = 0; i + 1 < sc->ngroups; i++) {
        acc += sc->group[i].share;
        if (x < acc) return (uint8_t)i;
    }
    return (uint8_t)(sc->ngroups - 1);
}

/* ---- events ------------------------------------------------------------------------------- */

static void on_arrival(struct rep *r, uint32_t s) {
    const struct scenario *sc = r->sc;
    uint32_t id = patient_new(r);
    /* Keyed by (replication, stream, patient number in stream): the same patient arrives with
     * the same needs whatever the capacities. */
    uint64_t k = r->arr_count[s]++;
    rng_seed_prefixed(&r->p[id].rng, r->arr_key[2 * s], k);
    if (sc->aux_draws) rng_seed_prefixed(&r->p[id].aux, r->arr_key[2 * s + 1], k);
    r->sw.arrivals++;
    r->p[id].group = draw_group(sc, &r->p[id].rng);
    if (r->gsw) r->gsw[r->p[id].group].arrivals++;
    /* Drawn only when the stream has ambulances, so scenarios without them draw as before. */
    if (sc->arrivals[s].ambulance > 0)
        r->p[id].ambulance = rng_uniform(&r->p[id].rng) < sc->arrivals[s].ambulance;
    arrive(r, id, sc->arrivals[s].to);
    double next =
        nhpp_next(&sc->arrivals[s].nhpp, r->now, rng_exp(&r->arr_rng[s], 1.0), sc->horizon);
    if (next < sc->horizon)
        cal_push(r->cal, (struct cal_event){.time = next, .kind = EV_ARRIVAL, .id = s});
}

/* The patient leaves its unit for home. Whether and when it comes back is drawn now (from its
 * own stream, only where readmit > 0), so its 30- and 91-day outcomes are known at once; they
 * are counted only for patients the horizon lets us follow that long. */
static void go_home(struct rep *r, uint32_t id) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    int u = p->unit;
    const struct sc_unit *U = &sc->unit[u];
    struct unit_window *w = &r->win[u];
    r->sw.departures++;
    if (r->gsw) r->gsw[p->group].departures++;
    double back = INFINITY;
    const struct unit_group *G = &U->g[p->group];
    if (G->readmit > 0 && rng_uniform(&p->rng) < G->readmit)
        back = r->now + dist_sample(&G->readmit_after, &p->rng);
    if (G->readmit > 0 && r->now + 30 <= sc->horizon) {
        w->home30_n++;
        if (WITHIN(back - r->now, 30)) w->readmit30++;
    }
    if (sc->readmissions && U->kind == UNIT_HOME_CARE && r->now + 91 <= sc->horizon) {
        w->home91_n++;
        if (!WITHIN(back - r->now, 91)) w->home91_ok++;
    }
    if (!(back < sc->horizon)) {
        remove_patient(r, id, FLOW_NEXT_HOME);
        return;
    }
    /* Out of the system until readmitted; the record (and its stream) waits at home. */
    p->home_from = u;
    leave(r, u, p, FLOW_NEXT_HOME);
    p->state = P_HOME;
    tw_add(&r->in_sys, r->now, -1);
    cal_push(r->cal,
             (struct cal_event){.time = back, .kind = EV_READMIT, .id = id, .stamp = p->stamp});
    offer(r, u);
}

static void on_readmit(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    r->sw.readmissions++;
    tw_add(&r->in_sys, r->now, +1);
    p->state = P_IN_CARE; /* arriving: neither waiting nor placed yet */
    p->ambulance = 0;
    arrive(r, id, r->sc->unit[p->home_from].g[p->group].readmit_to);
}

/* The patient, whose stay in its unit has ended, heads for dest: home, an assessment in its
 * bed when a [transfer] covers the move, or straight to dest's door. */
static void proceed(struct rep *r, uint32_t id, int dest) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    if (dest == ROUTE_EXIT) {
        go_home(r, id);
        return;
    }
    if (sc->chc.on && !p->chc_done && sc->chc.from[p->unit] && sc->chc.to[dest]) {
        /* Referral for a full CHC assessment: every draw from the second stream, so moving
         * assessments out of hospital leaves the patient's stays and routing unchanged. */
        p->chc_done = 1;
        if (rng_uniform(&p->aux) < sc->chc.referral) {
            p->chc_ref_t = r->now;
            p->chc_to = dest;
            p->chc_assess = dist_sample(&sc->chc.assessment, &p->aux);
            if (rng_uniform(&p->aux) < sc->chc.in_acute) {
                r->sw.chc_in_acute++;
                p->state = P_CHC;
                delay_begin(r, p->unit, p, D_CHC, -1);
                cal_push(r->cal, (struct cal_event){.time = r->now + p->chc_assess,
                                                    .kind = EV_CHC_DECIDED,
                                                    .id = id,
                                                    .stamp = p->stamp});
                return;
            }
            r->sw.chc_after++;
            p->chc_d2a = 1;
            dest = sc->chc.interim;
        }
    }
    int t = dest == p->unit ? -1 : scenario_transfer(sc, p->unit, dest);
    if (t < 0) {
        arrive(r, id, dest);
        return;
    }
    p->state = P_ASSESSING;
    p->assess_to = dest;
    p->t_assess = r->now;
    delay_begin(r, p->unit, p, D_ASSESSMENT, -1);
    double d = dist_sample(&sc->transfer[t].assessment, &p->rng);
    cal_push(r->cal, (struct cal_event){
                         .time = r->now + d, .kind = EV_ASSESSED, .id = id, .stamp = p->stamp});
}

/* The CHC decision, taken at time t: eligible patients go to eligible_to, the others where
 * they were going. Returns the destination. */
static int chc_decide(struct rep *r, struct patient *p, double t) {
    const struct sc_chc *h = &r->sc->chc;
    double days = t - p->chc_ref_t;
    int eligible = rng_uniform(&p->aux) < h->eligible;
    r->sw.chc_decisions++;
    r->sw.chc_eligible += (uint64_t)eligible;
    r->sw.chc_days_sum += days;
    if (WITHIN(days, 28)) r->sw.chc_within_28d++;
    return eligible ? h->eligible_to : p->chc_to;
}

static void on_chc_decided(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    delay_end(r, p->unit, p);
    p->state = P_IN_CARE; /* stay ended, deciding */
    proceed(r, id, chc_decide(r, p, r->now));
}

static void on_end_stay(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    p->t_ended = r->now;
    if (p->chc_d2a) {
        /* Discharged to assess: the stay in the interim unit lasted until the decision (a
         * patient diverted elsewhere is decided when that stay ends). */
        p->chc_d2a = 0;
        double t = p->unit == r->sc->chc.interim ? p->chc_decide_t : r->now;
        proceed(r, id, chc_decide(r, p, t));
        return;
    }
    proceed(r, id, route(&r->sc->unit[p->unit].g[p->group].next, &p->rng));
}

/* The receiving service has decided: accepted patients go to its door (and may still wait
 * for a place); refused ones are routed on by on_reject. */
static void on_assessed(struct rep *r, uint32_t id) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    int to = p->assess_to;
    const struct sc_transfer *t = &sc->transfer[scenario_transfer(sc, p->unit, to)];
    delay_end(r, p->unit, p);
    p->state = P_IN_CARE; /* stay ended, deciding: not delayed for this instant */
    struct unit_window *w = &r->win[to];
    w->referrals++;
    if (!isnan(t->target)) {
        w->target_n++;
        if (WITHIN(r->now - p->t_assess, t->target)) w->within_target++;
    }
    /* Drawn only when refusal is possible, so accept = 1 consumes nothing. */
    int accepted = t->accept >= 1 || rng_uniform(&p->rng) < t->accept;
    if (accepted) {
        w->accepted++;
        arrive(r, id, to);
    } else {
        p->rejected = 1;
        proceed(r, id, route(&t->on_reject, &p->rng));
    }
}

static void on_capacity(struct rep *r, int u, uint32_t k) {
    struct unit_rt *U = &r->u[u];
    double c = r->sc->unit[u].sched_cap[k];
    U->base = c;
    U->cap = c + (U->surging ? r->sc->unit[u].surge_capacity : 0);
    tw_set(&U->cap_tw, r->now, isinf(U->cap) ? 0 : U->cap);
    if (r->sc->unit[u].surge_capacity > 0) surge_update(r, u);
    offer(r, u);
}

/* Occupancy has stayed high for surge_after: open the surge places. */
static void on_surge(struct rep *r, int u, uint32_t epoch) {
    struct unit_rt *U = &r->u[u];
    if (!U->armed || epoch != U->surge_epoch) return;
    U->armed = 0;
    U->surging = 1;
    U->cap = U->base + r->sc->unit[u].surge_capacity;
    tw_set(&U->surge_tw, r->now, 1);
    tw_set(&U->cap_tw, r->now, U->cap);
    offer(r, u);
}

/* ---- the census at time 0 ---- */

/* A draw of where a delayed census patient is waiting to go: the unit's routing without
 * 'exit', renormalised. */
static int route_away(const struct route *rt, struct rng *g) {
    double total = 0, prev = 0;
    for (size_t i = 0; i < rt->n; i++) {
        if (rt->dest[i] != ROUTE_EXIT) total += rt->cum[i] - prev;
        prev = rt->cum[i];
    }
    double x = rng_uniform(g) * total;
    int last = ROUTE_EXIT;
    prev = 0;
    for (size_t i = 0; i < rt->n; i++) {
        double w = rt->cum[i] - prev;
        prev = rt->cum[i];
        if (rt->dest[i] == ROUTE_EXIT) continue;
        last = rt->dest[i];
        if (x < w) return last;
        x -= w;
    }
    return last;
}

/* Patients in care at time 0 have the time left in a stay under way at a random moment (the
 * equilibrium residual), so a run from a census starts in steady state. Delayed ones have
 * finished their stay and head for their next unit at once. Each has its own stream, keyed
 * apart from the arrival streams. */
static void place_census(struct rep *r) {
    const struct scenario *sc = r->sc;
    const uint64_t CENSUS = 1ULL << 62;
    for (int pass = 0; pass < 2; pass++)
        for (size_t u = 0; u < sc->nunits; u++) {
            const struct sc_unit *su = &sc->unit[u];
            double n = pass == 0 ? su->init_in_care : su->init_delayed;
            for (double k = 0; k < n; k++) {
                uint32_t id = patient_new(r);
                struct patient *p = &r->p[id];
                uint64_t key = (uint64_t)k + (pass ? (uint64_t)su->init_in_care : 0);
                rng_seed_key(&p->rng, sc->seed, (uint64_t)r->rep, CENSUS | u, key);
                if (sc->aux_draws)
                    rng_seed_key(&p->aux, sc->seed, (uint64_t)r->rep, ~(CENSUS | u), key);
                p->group = draw_group(sc, &p->rng);
                occ_add(r, (int)u, +1, p);
                p->unit = (int32_t)u;
                p->state = P_IN_CARE;
                p->t_arrived = p->t_entered = r->now;
                p->t_ended = -INFINITY; /* in care: the stay has not ended */
                r->res->census++;
                if (pass == 0) {
                    double rest = dist_sample_residual(&su->g[p->group].stay, &p->rng);
                    cal_push(r->cal,
                             (struct cal_event){
                                 .time = rest, .kind = EV_END_STAY, .id = id, .stamp = p->stamp});
                } else {
                    p->t_ended = r->now;
                    proceed(r, id, route_away(&su->g[p->group].next, &p->rng));
                }
            }
        }
}

/* ---- report windows ----------------------------------------------------------------------- */

static void close_window(struct rep *r, double t) {
    const struct scenario *sc = r->sc;
    for (size_t i = 0; i < sc->nunits; i++) {
        struct unit_rt *U = &r->u[i];
        double occ = tw_area(&U->occ_tw, t);
        r->win[i].occ_area = occ - U->occ_mark;
        U->occ_mark = occ;
        r->win[i].cap_area = tw_area(&U->cap_tw, t);
        r->win[i].queue_area = tw_area(&U->q_tw, t);
        r->win[i].delayed_area = tw_area(&U->del_tw, t);
        r->win[i].assess_area = tw_area(&U->assess_tw, t);
        r->win[i].rejected_area = tw_area(&U->rej_tw, t);
        r->win[i].surge_area = tw_area(&U->surge_tw, t);
        r->win[i].chc_area = tw_area(&U->chc_tw, t);
        /* The NHS England count of patients no longer meeting the criteria to reside is a
         * snapshot: take it at the end of each bucket. */
        r->win[i].nctr_sum = U->delayed;
        r->win[i].nctr_n = 1;
    }
    size_t npairs = r->ml->nawait;
    for (size_t k = 0; k < npairs; k++) r->await_win[k] = tw_area(&r->await_tw[k], t);
    size_t ng = r->gwin ? sc->ngroups * sc->nunits : 0;
    for (size_t k = 0; k < ng; k++) {
        r->gwin[k].occ_area = tw_area(&r->g_occ[k], t);
        r->gwin[k].queue_area = tw_area(&r->g_q[k], t);
        r->gwin[k].delayed_area = tw_area(&r->g_del[k], t);
    }
    r->sw.in_system_area = tw_area(&r->in_sys, t);

    if (r->collecting) {
        struct flow_result *res = r->res;
        double start = flow_bucket_start(sc, r->bucket);
        double *row = r->row ? r->rowbuf : res->series + r->bucket * res->nslots;
        for (size_t i = 0; i < sc->nunits; i++) unit_window_add(&r->total_u[i], &r->win[i]);
        for (size_t k = 0; k < npairs; k++) r->await_total[k] += r->await_win[k];
        sys_window_add(&r->total_s, &r->sw);
        for (size_t k = 0; k < ng; k++) unit_window_add(&r->gtotal_u[k], &r->gwin[k]);
        for (size_t g = 0; r->gsw && g < sc->ngroups; g++)
            sys_window_add(&r->gtotal_s[g], &r->gsw[g]);
        metrics_eval(r->ml, sc, r->win, &r->sw, r->await_win, r->gwin, r->gsw, t - start, row);
        /* Queue means over the first and last quarter of the buckets, for flow_unstable. */
        size_t nb = res->nbuckets, quarter = nb / 4;
        for (size_t i = 0; quarter > 0 && i < sc->nunits; i++) {
            double q = r->win[i].queue_area / (t - start) / (double)quarter;
            if (r->bucket < quarter) res->q_first[i] += q;
            if (r->bucket >= nb - quarter) res->q_last[i] += q;
        }
        if (r->row) r->row(r->row_ctx, r->rep, r->bucket, row);
        r->bucket++;
    }
    r->collecting = 1;
    memset(r->win, 0, sc->nunits * sizeof *r->win);
    for (size_t i = 0; i < sc->nunits; i++) {
        struct unit_rt *U = &r->u[i];
        tw_reset(&U->cap_tw, t);
        tw_reset(&U->q_tw, t);
        tw_reset(&U->del_tw, t);
        tw_reset(&U->assess_tw, t);
        tw_reset(&U->rej_tw, t);
        tw_reset(&U->surge_tw, t);
        tw_reset(&U->chc_tw, t);
    }
    for (size_t k = 0; k < npairs; k++) tw_reset(&r->await_tw[k], t);
    if (r->gwin) {
        memset(r->gwin, 0, ng * sizeof *r->gwin);
        memset(r->gsw, 0, sc->ngroups * sizeof *r->gsw);
        for (size_t k = 0; k < ng; k++) {
            tw_reset(&r->g_occ[k], t);
            tw_reset(&r->g_q[k], t);
            tw_reset(&r->g_del[k], t);
        }
    }
    /* Conservation at every boundary: everyone who came (or was there at the start) has gone
     * home, been lost, or is still in the system. */
    r->came += r->sw.arrivals + r->sw.readmissions;
    r->went += r->sw.departures + r->sw.lost;
    FS_INVARIANT((double)r->came + r->res->census == (double)r->went + r->in_sys.value);
    memset(&r->sw, 0, sizeof r->sw);
    tw_reset(&r->in_sys, t);
    if (r->bucket >= r->res->nbuckets)
        r->next_boundary = INFINITY;
    else {
        double b = flow_bucket_start(sc, r->bucket + 1);
        r->next_boundary = b < sc->horizon ? b : sc->horizon;
    }
}

/* ---- the replication ---------------------------------------------------------------------- */

static void rep_fini(struct rep *r) {
    cal_free(r->cal);
    fs_free(r->u);
    fs_free(r->p);
    fs_free(r->arr_rng);
    fs_free(r->arr_count);
    fs_free(r->arr_key);
    fs_free(r->stack);
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
}

void flow_result_free(struct flow_result *res) {
    if (!res) return;
    fs_free(res->summary);
    fs_free(res->series);
    fs_free(res->warm);
    fs_free(res->q_first);
    fs_free(res->q_last);
    fs_free(res->unstable);
    fs_free(res);
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
    memset(&r, 0, sizeof r);
    r.sc = sc;
    r.ml = ml;
    r.rep = rep;
    r.visit = opts->visit;
    r.visit_ctx = opts->visit_ctx;
    r.cal = cal_new();
    r.free_head = NONE;
    r.u = fs_calloc(sc->nunits, sizeof *r.u);
    r.win = fs_calloc(sc->nunits, sizeof *r.win);
    if (ml->by_group) {
        size_t ng = sc->ngroups * sc->nunits;
        r.gwin = fs_calloc(ng, sizeof *r.gwin);
        r.gtotal_u = fs_calloc(ng, sizeof *r.gtotal_u);
        r.gsw = fs_calloc(sc->ngroups, sizeof *r.gsw);
        r.gtotal_s = fs_calloc(sc->ngroups, sizeof *r.gtotal_s);
        r.g_occ = fs_calloc(ng, sizeof *r.g_occ);
        r.g_q = fs_calloc(ng, sizeof *r.g_q);
        r.g_del = fs_calloc(ng, sizeof *r.g_del);
    }
    r.await_tw = fs_calloc(ml->nawait, sizeof *r.await_tw);
    r.await_win = fs_calloc(ml->nawait, sizeof *r.await_win);
    r.await_total = fs_calloc(ml->nawait, sizeof *r.await_total);
    r.total_u = fs_calloc(sc->nunits, sizeof *r.total_u);
    r.arr_rng = fs_calloc(sc->narrivals, sizeof *r.arr_rng);
    r.arr_count = fs_calloc(sc->narrivals, sizeof *r.arr_count);
    r.arr_key = fs_calloc(2 * sc->narrivals, sizeof *r.arr_key);
    for (size_t s = 0; s < sc->narrivals; s++) {
        r.arr_key[2 * s] = rng_key_prefix(sc->seed, (uint64_t)rep, 1 + (uint64_t)s);
        r.arr_key[2 * s + 1] = rng_key_prefix(sc->seed, (uint64_t)rep, ~(uint64_t)s);
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
    r.row = opts->row;
    r.warm_row = opts->warm;
    r.row_ctx = opts->row_ctx;
    if (r.row)
        r.rowbuf = fs_calloc(ml->n, sizeof *r.rowbuf);
    else
        res->series = fs_calloc(res->nbuckets * ml->n, sizeof *res->series);
    if (r.warm_row)
        r.warmbuf = fs_calloc(sc->nunits, sizeof *r.warmbuf);
    else
        res->warm = fs_calloc(res->nwarm * sc->nunits, sizeof *res->warm);
    r.warm_next = fmin(sc->interval, sc->horizon);
    r.res = res;

    for (size_t i = 0; i < sc->nunits; i++) {
        struct unit_rt *U = &r.u[i];
        U->cap = U->base = sc->unit[i].capacity;
        U->qhead = U->qtail = NONE;
        tw_init(&U->occ_tw, 0, 0);
        tw_init(&U->cap_tw, 0, isinf(U->cap) ? 0 : U->cap);
        tw_init(&U->q_tw, 0, 0);
        tw_init(&U->del_tw, 0, 0);
        for (size_t k = 0; k < sc->unit[i].nsched; k++)
            if (sc->unit[i].sched_t[k] < sc->horizon)
                cal_push(r.cal, (struct cal_event){.time = sc->unit[i].sched_t[k],
                                                   .kind = EV_CAPACITY,
                                                   .id = (uint32_t)i,
                                                   .arg = (uint32_t)k});
    }
    tw_init(&r.in_sys, 0, 0);
    if (sc->census > 0) place_census(&r);
    for (size_t s = 0; s < sc->narrivals; s++) {
        rng_seed_key(&r.arr_rng[s], sc->seed, (uint64_t)rep, 0, s);
        double t = nhpp_next(&sc->arrivals[s].nhpp, 0, rng_exp(&r.arr_rng[s], 1.0), sc->horizon);
        if (t < sc->horizon)
            cal_push(r.cal, (struct cal_event){.time = t, .kind = EV_ARRIVAL, .id = (uint32_t)s});
    }
    /* Before the warm-up ends nothing is collected; with no warm-up the first window opens now. */
    r.collecting = sc->warmup <= 0;
    r.next_boundary = sc->warmup > 0 ? sc->warmup : fmin(flow_bucket_start(sc, 1), sc->horizon);

    struct cal_event ev;
    uint64_t events = 0;
    while (cal_pop(r.cal, &ev)) {
        if (ev.time >= sc->horizon) break;
        while (ev.time >= r.next_boundary) close_window(&r, r.next_boundary);
        while (ev.time >= r.warm_next) close_warm(&r, r.warm_next);
        FS_ASSERT(ev.time >= r.now);
        r.now = ev.time;
        if ((++events & 0xffff) == 0 &&
            ((opts->stop && *opts->stop) || (opts->max_events && events > opts->max_events))) {
            if (opts->stop && *opts->stop)
                snprintf(err, errlen, "interrupted");
            else
                snprintf(err, errlen, "over budget: more than %llu events",
                         (unsigned long long)opts->max_events);
            flow_result_free(res);
            rep_fini(&r);
            return -1;
        }
        /* A patient event is stale once the patient has moved on (another state) or its record
         * was recycled (another stamp): then it does nothing. */
#define LIVE(state_) (r.p[ev.id].stamp == ev.stamp && r.p[ev.id].state == (state_))
        switch (ev.kind) {
        case EV_ARRIVAL:
            on_arrival(&r, ev.id);
            break;
        case EV_END_STAY:
            if (LIVE(P_IN_CARE)) on_end_stay(&r, ev.id);
            break;
        case EV_ASSESSED:
            if (LIVE(P_ASSESSING)) on_assessed(&r, ev.id);
            break;
        case EV_READMIT:
            if (LIVE(P_HOME)) on_readmit(&r, ev.id);
            break;
        case EV_STEP_DOWN:
            if (LIVE(P_IN_CARE)) on_step_down(&r, ev.id);
            break;
        case EV_CHC_DECIDED:
            if (LIVE(P_CHC)) on_chc_decided(&r, ev.id);
            break;
        case EV_RENEGE:
            if (r.p[ev.id].stamp == ev.stamp && r.p[ev.id].qstamp == ev.arg &&
                (r.p[ev.id].state == P_WAITING || r.p[ev.id].state == P_BLOCKED))
                on_renege(&r, ev.id);
            break;
        case EV_SURGE:
            on_surge(&r, (int)ev.id, ev.stamp);
            break;
        case EV_CAPACITY:
            on_capacity(&r, (int)ev.id, ev.arg);
            break;
        }
#undef LIVE
#ifdef FLOWSIM_INVARIANTS
        for (size_t u = 0; u < sc->nunits; u++) {
            const struct unit_rt *U = &r.u[u];
            FS_INVARIANT(U->qlen >= 0 && U->delayed >= 0 && U->delayed <= U->occ);
            FS_INVARIANT((U->qlen == 0) == (U->qhead == NONE));
        }
#endif
    }
    while (r.next_boundary <= sc->horizon) close_window(&r, r.next_boundary);
    while (r.warm_next <= sc->horizon) close_warm(&r, r.warm_next);
    FS_ASSERT(r.bucket == res->nbuckets);

    metrics_eval(ml, sc, r.total_u, &r.total_s, r.await_total, r.gtotal_u, r.gtotal_s,
                 sc->horizon - sc->warmup, res->summary);
    for (size_t i = 0; i < sc->nunits; i++)
        res->unstable[i] =
            (uint8_t)flow_unstable(res->q_first[i], res->q_last[i], sc->unit[i].capacity);
    res->events = events;
    for (size_t i = 0; i < sc->narrivals; i++) res->patients += r.arr_count[i];
    res->peak_patients = r.peak;
    res->in_system_end = r.in_sys.value;
    rep_fini(&r);
    *out = res;
    return 0;
}
