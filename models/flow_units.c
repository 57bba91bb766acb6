/* flow_units.c — unit mechanics: the patient pool, queues, places and delays, admission and
 * blocking (a full unit's queue, diversion, loss), the offer of freed places (the cascade),
 * surge places and capacity schedules. What is counted goes through flow_record.c's verbs.
 * Nothing here knows the care pathways: what happened is returned (who took a place, who
 * joined a queue, which place was freed) and flow_pathways.c, the caller, begins the stay,
 * starts the patience and offers the place. */
#include <math.h>

#include "flow_int.h"
#include "sim/core.h"

/* ---- patients ----------------------------------------------------------------------------- */

uint32_t pool_new(struct rep *r) {
    uint32_t id;
    if (r->free_head != NONE) {
        id = r->free_head;
        r->free_head = r->p[id].link;
    } else {
        /* Records are numbered in 32 bits, NONE excluded: 2^32 patients at once would be some
         * 600 GB of records, so the allocator fails long before; this says so if not. */
        FS_ASSERT(r->np < NONE);
        fs_grow((void **)&r->p, &r->pcap, r->np + 1, sizeof *r->p);
        /* the next event's record, prefetched while the calendar is tiered: its stamp and
         * state are the first thing read (an arrival's id is a stream's: a wasted fetch) */
        cal_prefetch(r->cal, &r->p[0].stamp, sizeof *r->p, r->pcap);
        id = (uint32_t)r->np++;
        r->p[id].stamp = 0;
    }
    struct patient *p = &r->p[id];
    /* A compound literal, not memset: the compiler clears it with a few vector stores, where
     * memset's string instruction costs more than the record to start up. */
    *p = (struct patient){
        .stamp = p->stamp, .number = ++r->numbered, .unit = -1, .target = -1, .link = NONE};
    if (++r->in_use > r->peak) r->peak = r->in_use;
    rec_in_system(r, 1);
    return id;
}

void pool_free(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    p->state = P_FREE;
    p->stamp++;
    p->link = r->free_head;
    r->free_head = id;
    r->in_use--;
    rec_in_system(r, -1);
}

/* ---- unit bookkeeping --------------------------------------------------------------------- */

/* With priorities the queue stays one list, highest rank first and first come first served
 * within a rank: a patient goes in after the last of its own rank or, with none, of the
 * nearest higher one (ptail), else at the head. Nobody in a place is moved. */
static void enqueue_ranked(struct rep *r, int u, uint32_t id) {
    struct unit_rt *U = &r->u[u];
    uint32_t *tail = &r->ptail[(size_t)u * r->sc->nprio];
    uint32_t after = NONE;
    for (int k = r->p[id].prank; k >= 0 && after == NONE; k--) after = tail[k];
    if (after == NONE) {
        r->p[id].link = U->qhead;
        U->qhead = id;
        if (U->qtail == NONE) U->qtail = id;
    } else {
        r->p[id].link = r->p[after].link;
        r->p[after].link = id;
        if (U->qtail == after) U->qtail = id;
    }
    tail[r->p[id].prank] = id;
}

/* The patient leaves u's queue after prev (NONE: it was the head): its rank's tail moves back
 * to prev if prev is of the same rank, else that rank has nobody left. */
static void unrank(struct rep *r, int u, uint32_t id, uint32_t prev) {
    uint32_t *tail = &r->ptail[(size_t)u * r->sc->nprio + r->p[id].prank];
    if (*tail == id) *tail = prev != NONE && r->p[prev].prank == r->p[id].prank ? prev : NONE;
}

static void enqueue(struct rep *r, int u, uint32_t id) {
    struct unit_rt *U = &r->u[u];
    if (__builtin_expect(U->extras & (UX_PRIO | UX_LINKED), 0)) {
        /* the one before id once it is in: the tail's (appended) or the successor's qprev */
        uint32_t tail = U->qtail;
        if (U->extras & UX_PRIO) {
            enqueue_ranked(r, u, id);
        } else {
            r->p[id].link = NONE;
            if (tail == NONE)
                U->qhead = id;
            else
                r->p[tail].link = id;
            U->qtail = id;
        }
        if (U->extras & UX_LINKED) {
            uint32_t next = r->p[id].link;
            r->p[id].qprev = U->qhead == id ? NONE : next == NONE ? tail : r->p[next].qprev;
            if (next != NONE) r->p[next].qprev = id;
        }
    } else {
        r->p[id].link = NONE;
        if (U->qtail == NONE)
            U->qhead = id;
        else
            r->p[U->qtail].link = id;
        U->qtail = id;
    }
    U->qlen++;
    rec_queue(r, u, &r->p[id], +1);
}

/* A patient gives up (patience) or is taken out of turn (a ring-fence): one step at a unit
 * with a patience, whose queue is doubly linked (an 80,000 waiting list giving up one by one
 * walked it each time), else a linear walk. */
void units_queue_remove(struct rep *r, int u, uint32_t id) {
    struct unit_rt *U = &r->u[u];
    uint32_t prev = NONE, next = r->p[id].link;
    if (U->extras & UX_LINKED) {
        prev = r->p[id].qprev;
        FS_INVARIANT(prev == NONE ? U->qhead == id : r->p[prev].link == id);
        if (next != NONE) r->p[next].qprev = prev;
    } else {
        for (uint32_t k = U->qhead; k != id; k = r->p[k].link) {
            FS_ASSERT(k != NONE);
            prev = k;
        }
    }
    if (r->ptail) unrank(r, u, id, prev);
    if (prev == NONE)
        U->qhead = next;
    else
        r->p[prev].link = next;
    if (U->qtail == id) U->qtail = prev;
    U->qlen--;
    r->p[id].vfor = 0; /* it gave up: a stay drawn for u is not its stay */
    rec_queue(r, u, &r->p[id], -1);
}

static uint32_t dequeue(struct rep *r, int u) {
    struct unit_rt *U = &r->u[u];
    uint32_t id = U->qhead;
    if (__builtin_expect(U->extras & (UX_PRIO | UX_LINKED), 0)) {
        if (U->extras & UX_PRIO) unrank(r, u, id, NONE);
        if ((U->extras & UX_LINKED) && r->p[id].link != NONE) r->p[r->p[id].link].qprev = NONE;
    }
    U->qhead = r->p[id].link;
    if (U->qhead == NONE) U->qtail = NONE;
    U->qlen--;
    rec_queue(r, u, &r->p[id], -1);
    return id;
}

/* The places open: the schedule's (base) less those an outbreak has closed, plus surge places
 * while surging. A closure takes places out of use as they free (nobody is evicted). */
static double places_open(const struct rep *r, int u) {
    const struct unit_rt *U = &r->u[u];
    return fmax(U->base - U->shut, 0) + (U->surging ? r->sc->unit[u].surge_capacity : 0) +
           U->esc_open;
}

/* Escalation: arm a check when occupancy reaches surge_on x base, cancel it if occupancy
 * drops first; while surging, close the surge places once occupancy is below surge_off x base
 * (no one is evicted: they are simply not refilled). Surge places extend an open ward: a ward
 * scheduled to 0 places has none open (at base 0 the fractions degenerate — 0 >= 0.95 x 0
 * always, 0 < 0.9 x 0 never — and kept 5 surge places open and charged all summer). */
static void surge_update(struct rep *r, int u) {
    const struct sc_unit *su = &r->sc->unit[u];
    struct unit_rt *U = &r->u[u];
    /* against the places open: an outbreak's closed bay is no bed to fill */
    double base = fmax(U->base - U->shut, 0);
    if (U->surging) {
        if (!(base > 0) || U->occ < su->surge_off * base) {
            U->surging = 0;
            U->cap = places_open(r, u);
            rec_surge(r, u, 0);
            rec_capacity(r, u, U->cap);
        }
    } else if (base > 0 && U->occ >= su->surge_on * base) {
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

void units_occ_add(struct rep *r, int u, int d, const struct patient *p) {
    struct unit_rt *U = &r->u[u];
    U->occ += d;
    /* A place is taken only where one is free, or kept (r->placing): a capacity cut leaves the
     * patients it finds, a census may fill escalation beds above it, and a patient routed back
     * to its own unit keeps the place it holds, so occupancy may stay above capacity. */
    FS_INVARIANT(U->occ >= 0 && (d < 0 || U->occ <= U->cap || r->placing));
    rec_occupancy(r, u, p, d);
    if (__builtin_expect(U->extras & (UX_SURGE | UX_HIST | UX_FENCE), 0)) {
        if (U->extras & UX_HIST) rec_occupancy_hist(r, u, d);
        if (U->extras & UX_SURGE) surge_update(r, u);
        if (U->extras & UX_FENCE) U->occ_fenced += p->fenced ? d : 0;
    }
}

/* May patient p take a free place of unit u? A ring-fence (an [arrivals] ring_fence) keeps its
 * places for its stream's patients: the others may hold at most the rest. */
static int fence_lets(const struct rep *r, int u, const struct patient *p) {
    const struct unit_rt *U = &r->u[u];
    return p->fenced || U->occ - U->occ_fenced < U->cap - r->sc->unit[u].fence;
}

int units_may_take(const struct rep *r, int u, const struct patient *p) {
    const struct unit_rt *U = &r->u[u];
    return U->occ < U->cap && !U->closed && (!(U->extras & UX_FENCE) || fence_lets(r, u, p));
}

/* The first patient in u's queue a free place may go to under its ring-fence, or NONE: a
 * linear walk, only on a fenced unit. */
static uint32_t fence_first(const struct rep *r, int u) {
    for (uint32_t k = r->u[u].qhead; k != NONE; k = r->p[k].link)
        if (fence_lets(r, u, &r->p[k])) return k;
    return NONE;
}

/* ---- visit slots -------------------------------------------------------------------------- */

/* A visit-based unit (sc_unit visits; IPACS's visit model of pathway 1) books carer visits
 * against its slots a day rather than places. A patient's episode is the calendar days its
 * stay touches, from its first day floor(t) to the day it ends in, ceil(t + stay) - 1 (at
 * least its first); on day i of n it needs IPACS's visits: the linear taper from
 * visits_initial to visits_final rounded half to even (R's round(seq(initial, final,
 * length.out = n))), a slot each, two for a double-handed patient. It starts only when
 * every day of its episode has the slots free, and then books them all (nobody leaves
 * early, so a booking is never given back). */

/* Visits on day i of an n-day episode (n may be huge: a stay of centuries). */
static double visit_need(const struct sc_unit *su, double i, double n) {
    if (n <= 1 || su->visits_final == su->visits_initial) return su->visits_initial;
    if (i >= n - 1) return su->visits_final;
    double by = (su->visits_final - su->visits_initial) / (n - 1);
    return rint(su->visits_initial + i * by);
}

/* The patient's stay in u and its carers a visit, drawn once before it starts there: the stay
 * from its own stream, as begin_stay would draw it at admission (the next draw of that stream
 * either way), double-handedness from a stream keyed by (patient, unit) alone, so that adding
 * it moves no other draw. */
static void visit_prepare(struct rep *r, int u, struct patient *p) {
    if (p->vfor == u + 1) return;
    const struct sc_unit *su = &r->sc->unit[u];
    p->vstay = dist_sample(&su->g[p->group].stay, &p->rng);
    p->vcarers = 1;
    if (su->double_handed > 0) {
        const uint64_t VISITS = 5ULL << 58;
        struct rng g;
        rng_seed_key(&g, r->sc->seed, (uint64_t)r->rep, VISITS | (uint64_t)u, p->number);
        if (rng_uniform(&g) < su->double_handed) p->vcarers = 2;
    }
    p->vfor = u + 1;
}

/* The episode of a stay starting now: its first day and its length in days. */
static void visit_episode(const struct rep *r, const struct patient *p, double *d0, double *n) {
    *d0 = floor(r->now);
    *n = fmax(1, ceil(r->now + p->vstay) - *d0);
}

/* Do the patient's visits fit in u's free slots on every day of its episode (days after the
 * horizon are not booked)? */
static __attribute__((noinline)) int visit_fits(struct rep *r, int u, struct patient *p) {
    const struct sc_unit *su = &r->sc->unit[u];
    const struct unit_rt *U = &r->u[u];
    visit_prepare(r, u, p);
    double d0, n;
    visit_episode(r, p, &d0, &n);
    for (double i = 0; i < n && d0 + i < (double)su->nvdays; i++) {
        size_t d = (size_t)(d0 + i);
        if (U->vused[d] + p->vcarers * visit_need(su, i, n) > su->vslots[d]) return 0;
    }
    return 1;
}

/* May a patient arriving at u start now? Its visits fit, and nobody waiting is ahead of it: a
 * place-based unit with a queue is full, but a visit-based one may have slots for a newcomer
 * and not for the head of its queue, which starts first (first come first served, within
 * priority). */
static int visit_may_start(struct rep *r, int u, struct patient *p) {
    const struct unit_rt *U = &r->u[u];
    if (U->qlen > 0 && !((U->extras & UX_PRIO) && r->p[U->qhead].prank > p->prank)) return 0;
    return visit_fits(r, u, p);
}

/* The patient starts in u: its episode's slots are booked (also where they did not fit: a
 * patient routed back to its own unit keeps its place), and begin_stay takes the stay drawn. */
static __attribute__((noinline)) void visit_book(struct rep *r, int u, struct patient *p) {
    const struct sc_unit *su = &r->sc->unit[u];
    struct unit_rt *U = &r->u[u];
    visit_prepare(r, u, p);
    double d0, n;
    visit_episode(r, p, &d0, &n);
    for (double i = 0; i < n && d0 + i < (double)su->nvdays; i++) {
        size_t d = (size_t)(d0 + i);
        double v = visit_need(su, i, n);
        U->vused[d] += p->vcarers * v;
        U->vvisits[d] += v;
    }
    p->vcar_in = p->vcarers;
    p->vfor = 0;
}

/* A patient delayed in its place after its episode still has visits, at its final rate:
 * booked each midnight it begins there (units_on_visit_day). */
static __attribute__((noinline)) void visit_bridge(struct rep *r, int u, const struct patient *p,
                                                   int d) {
    struct unit_rt *U = &r->u[u];
    double v = r->sc->unit[u].visits_final;
    U->vbridge_slots += d * p->vcar_in * v;
    U->vbridge_visits += d * v;
}

void units_on_visit_day(struct rep *r, int u) {
    struct unit_rt *U = &r->u[u];
    size_t d = (size_t)r->now;
    if (d >= r->sc->unit[u].nvdays) return;
    U->vused[d] += U->vbridge_slots;
    U->vvisits[d] += U->vbridge_visits;
}

/* A free place at a fenced or visit-based door: may this patient take it? (One test of the
 * unit's flags for the rest: a door without either pays nothing more.) */
static __attribute__((noinline)) int door_lets(struct rep *r, int d, struct patient *p) {
    const struct unit_rt *D = &r->u[d];
    return (!(D->extras & UX_FENCE) || fence_lets(r, d, p)) &&
           (!(D->extras & UX_VISITS) || visit_may_start(r, d, p));
}

/* A patient refused by a service is delayed "rejected" from then on, whatever it waits for
 * next, but for a choice of care home after a re-offer is accepted (its own NHS reason). */
void units_delay_begin(struct rep *r, int u, struct patient *p, enum delay why, int target) {
    if (p->rejected && why != D_CHOICE) why = D_REJECTED;
    p->delay = (uint8_t)why;
    r->u[u].delayed++;
    if (__builtin_expect(r->u[u].extras & UX_VISITS, 0)) visit_bridge(r, u, p, +1);
    rec_delay_began(r, u, p, target);
}

void units_delay_end(struct rep *r, int u, struct patient *p) {
    r->u[u].delayed--;
    if (__builtin_expect(r->u[u].extras & UX_VISITS, 0)) visit_bridge(r, u, p, -1);
    rec_delay_ended(r, u, p);
    p->delay = D_NONE;
}

/* ---- corridor spaces ---------------------------------------------------------------------- */

/* An A&E with corridor_capacity > 0: a patient whose stay has ended and who is blocked
 * (queued for a full unit) leaves its cubicle for a corridor space while one is free; the
 * cubicle is freed for the next patient. It is still in the unit (its A&E clock and its
 * delay run on: delayed counts it, occ does not). Blocked patients that find the corridor
 * full wait in their cubicles for a space, first blocked first (chead): a corridor space
 * freed goes to the earliest of them. The unit's next-unit queue is first come first served
 * by the decision to admit, so corridor patients, blocked before those still in cubicles,
 * move on first. */
static void corridor_enter(struct rep *r, int u, struct patient *p) {
    units_occ_add(r, u, -1, p);
    r->u[u].corr++;
    p->corridor = C_IN;
    rec_corridor(r, u, p, +1);
}

static int corridor_free(const struct rep *r, int u) {
    return r->u[u].corr < r->sc->unit[u].corridor_capacity;
}

/* Patient id, in its place in u, has just been blocked: a corridor space, or the list for
 * one. Returns 1 when its place was freed (for the caller to offer). */
static int corridor_blocked(struct rep *r, int u, uint32_t id) {
    struct unit_rt *U = &r->u[u];
    struct patient *p = &r->p[id];
    if (corridor_free(r, u)) {
        corridor_enter(r, u, p);
        return 1;
    }
    p->corridor = C_WAITING;
    p->clink = NONE;
    if (U->ctail == NONE)
        U->chead = id;
    else
        r->p[U->ctail].clink = id;
    U->ctail = id;
    return 0;
}

/* Out of u's list for a corridor space (it moved on from its cubicle): a linear walk, as the
 * list holds at most the unit's cubicles. */
static void corridor_unlist(struct rep *r, int u, uint32_t id) {
    struct unit_rt *U = &r->u[u];
    uint32_t prev = NONE, k = U->chead;
    while (k != id) {
        FS_ASSERT(k != NONE);
        prev = k;
        k = r->p[k].clink;
    }
    if (prev == NONE)
        U->chead = r->p[id].clink;
    else
        r->p[prev].clink = r->p[id].clink;
    if (U->ctail == id) U->ctail = prev;
    r->p[id].corridor = C_NONE;
}

/* Corridor spaces free in u go to the patients waiting in their cubicles, each freeing its
 * cubicle. */
static void corridor_fill(struct rep *r, int u) {
    struct unit_rt *U = &r->u[u];
    while (U->chead != NONE && corridor_free(r, u)) {
        uint32_t id = U->chead;
        U->chead = r->p[id].clink;
        if (U->chead == NONE) U->ctail = NONE;
        corridor_enter(r, u, &r->p[id]);
    }
}

/* A corridor patient leaves its space, which goes at once to the first patient waiting in a
 * cubicle for one (freeing that cubicle: the caller offers unit u, as for any place freed). */
static void corridor_leave(struct rep *r, int u, struct patient *p) {
    r->u[u].corr--;
    rec_corridor(r, u, p, -1);
    p->corridor = C_NONE;
    corridor_fill(r, u);
}

/* A patient in a corridor space or listed for one was blocked, but its delay may already have
 * ended when it leaves (it gave up the queue it was blocked in: path_on_renege ends the delay
 * first), so the corridor is tested on its own: a corridor patient holds no cubicle. The common
 * case, a patient leaving at the end of its care, pays one test of each. */
void units_leave(struct rep *r, int u, struct patient *p, int next) {
    rec_left(r, u, p, next);
    if (__builtin_expect(p->corridor != C_NONE, 0)) {
        if (p->delay != D_NONE) units_delay_end(r, u, p);
        if (p->corridor == C_IN) {
            corridor_leave(r, u, p);
            p->unit = -1;
            return;
        }
        corridor_unlist(r, u, (uint32_t)(p - r->p));
        units_occ_add(r, u, -1, p);
    } else if (p->delay != D_NONE) {
        units_occ_add(r, u, -1, p);
        units_delay_end(r, u, p);
    } else {
        units_occ_add(r, u, -1, p);
    }
    p->unit = -1;
}

static void start_stay(struct rep *r, uint32_t id, int u, double t_arrived) {
    struct patient *p = &r->p[id];
    if (__builtin_expect(r->sc->visit_units, 0) && (r->u[u].extras & UX_VISITS))
        visit_book(r, u, p);
    units_occ_add(r, u, +1, p);
    p->unit = u;
    p->target = -1;
    p->state = P_IN_CARE;
    p->rejected = 0;
    p->t_ended = -INFINITY; /* not yet */
    p->t_arrived = t_arrived;
    p->t_entered = r->now;
    rec_admitted(r, u, p, r->now - t_arrived);
    if (p->ambulance && (r->u[u].caps & UK_HANDOVER)) {
        if (__builtin_expect(r->sc->unit[u].has_handover_time, 0)) {
            p->ambulance = AMB_HANDING_OVER; /* begin_stay adds the handover's own time */
        } else {
            rec_handover(r, u, r->now - t_arrived);
            p->ambulance = 0;
        }
    }
}

/* Move the patient into unit u, which has room; returns the unit whose place it freed.
 * Inline: once per admission, from the door and from the cascade. */
static inline int move_in(struct rep *r, uint32_t id, int u) {
    struct patient *p = &r->p[id];
    int src = p->unit;
    double t_arrived = (p->state == P_BLOCKED || p->state == P_WAITING) ? p->t_queued : r->now;
    if (src >= 0 && (r->u[src].caps & UK_TROLLEY_WAIT)) rec_trolley(r, src, p);
    if (src >= 0) units_leave(r, src, p, u);
    start_stay(r, id, u, t_arrived);
    return src;
}

static void push_offer(struct rep *r, int u) {
    fs_grow((void **)&r->stack, &r->stackcap, r->nstack + 1, sizeof *r->stack);
    r->stack[r->nstack++] = (uint32_t)u;
}

/* Places freed at u go to the head of u's queue at once; a blocked patient who moves frees a
 * place upstream, which is offered in turn at the same instant (the cascade). The cascade
 * hands back one admission at a time, so each stay begins before the next patient moves, in
 * the order a loop over the whole cascade would make them: units_offer_next is that loop,
 * resumed where it returned (r->offering, the unit being filled; r->stack, those still to
 * be offered). */
void units_offer(struct rep *r, int u) {
    FS_INVARIANT(r->offering < 0 && r->nstack == 0); /* one cascade at a time */
    r->offering = u;
}

/* The patient in u's queue a freed place goes to at a fenced or visit-based unit, taken out
 * of the queue, or NONE: the first its ring-fence lets in; at a visit-based unit the head,
 * when its visits fit (TAKE_HEAD: the caller dequeues it, so that dequeue keeps one caller
 * and stays inline). Out of line: only such units come here. */
#define TAKE_HEAD (NONE - 1)
static __attribute__((noinline)) uint32_t special_take(struct rep *r, int u) {
    if ((r->u[u].extras & UX_VISITS) && !visit_fits(r, u, &r->p[r->u[u].qhead])) return NONE;
    if (!(r->u[u].extras & UX_FENCE)) return TAKE_HEAD;
    uint32_t id = fence_first(r, u);
    if (id != NONE) units_queue_remove(r, u, id);
    return id;
}

uint32_t units_offer_next(struct rep *r, int *to) {
    for (;;) {
        int v = r->offering;
        if (v >= 0 && r->u[v].qlen > 0 && r->u[v].occ < r->u[v].cap && !r->u[v].closed) {
            uint32_t id = TAKE_HEAD;
            if (__builtin_expect(r->u[v].extras & (UX_FENCE | UX_VISITS), 0)) {
                id = special_take(r, v);
                if (id == NONE) goto next_unit; /* nobody waiting may take it */
            }
            if (id == TAKE_HEAD) id = dequeue(r, v);
            int src = move_in(r, id, v);
            if (src >= 0) {
                push_offer(r, src);
                /* A cascade moves patients at one instant inside one event, and only moves that
                 * free a place upstream can keep it going without end: at one of them in 4,096
                 * the stop flag (Ctrl-C, SIGTERM) is looked at too, so that a cascade gone wrong
                 * can be interrupted. This patient still begins its stay (the caller's), the
                 * rest are left unoffered and rep_loop abandons the replication after the
                 * event. Moves of patients from outside (bounded by the queue) pay nothing. */
                if (__builtin_expect((++r->moved & (CASCADE_STOP_EVERY - 1)) == 0, 0) && r->stop &&
                    *r->stop) {
                    r->stopped = 1;
                    r->offering = -1;
                    r->nstack = 0;
                }
            }
            *to = v;
            return id;
        }
    next_unit:
        if (!r->nstack) {
            r->offering = -1;
            return NONE;
        }
        r->offering = (int)r->stack[--r->nstack];
    }
}

int units_remove(struct rep *r, uint32_t id, int why) {
    int src = r->p[id].unit;
    if (src >= 0) units_leave(r, src, &r->p[id], why);
    pool_free(r, id);
    return src;
}

int units_arrive(struct rep *r, uint32_t id, int d, int *freed) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    int back = -1; /* its own unit, left from a corridor space: that space is freed */
    for (;;) {
        struct unit_rt *D = &r->u[d];
        rec_arrived(r, d);
        if (p->unit == d) {
            if (__builtin_expect(p->corridor != C_IN, 1)) {
                /* Routed back to its own unit: a new stay in the place it already holds, which
                 * it keeps even where a capacity cut has left the unit above capacity. */
                units_leave(r, d, p, d);
                r->placing = 1;
                start_stay(r, id, d, r->now);
                r->placing = 0;
                *freed = -1;
                return d;
            }
            /* From its corridor space back to its own door (it gave up waiting): it holds no
             * place here, so it arrives as from outside. */
            units_leave(r, d, p, d);
            back = d;
        }
        if (D->occ < D->cap && !D->closed &&
            (!(D->extras & (UX_FENCE | UX_VISITS)) || door_lets(r, d, p))) {
            int src = move_in(r, id, d);
            *freed = src >= 0 ? src : back;
            return d;
        }
        switch (sc->unit[d].when_full) {
        case FULL_QUEUE:
            p->target = d;
            p->t_queued = r->now;
            if (p->unit >= 0) {
                p->state = P_BLOCKED;
                units_delay_begin(r, p->unit, p, D_AWAITING, d);
            } else {
                p->state = P_WAITING;
            }
            enqueue(r, d, id);
            p->qstamp++;
            *freed = back;
            /* Blocked in an A&E with corridor spaces: out of its cubicle if one is free (a
             * patient already in the corridor, or listed for it, stays so). */
            if (p->unit >= 0 && __builtin_expect(r->u[p->unit].extras & UX_CORRIDOR, 0) &&
                p->corridor == C_NONE && corridor_blocked(r, p->unit, id))
                *freed = p->unit;
            return ARRIVE_QUEUED;
        case FULL_LOSE: {
            rec_lost(r, d, p);
            int src = units_remove(r, id, FLOW_NEXT_LOST);
            *freed = src >= 0 ? src : back;
            return ARRIVE_LOST;
        }
        case FULL_DIVERT:
            p->vfor = 0; /* sent on: a stay drawn for d is not its stay there */
            p->ward |= WARD_DIVERTED;
            d = sc->unit[d].divert;
            break;
        }
    }
}

/* ---- capacity ----------------------------------------------------------------------------- */

void units_on_capacity(struct rep *r, int u, uint32_t k) {
    struct unit_rt *U = &r->u[u];
    U->base = r->sc->unit[u].sched_cap[k];
    U->cap = places_open(r, u);
    rec_capacity(r, u, isinf(U->cap) ? 0 : U->cap);
    if (r->sc->unit[u].outbreak) rec_closed(r, u, fmin(U->shut, U->base));
    if (U->extras & UX_SURGE) surge_update(r, u);
}

/* An outbreak starts (arg 0: its places close, its end and the next start are scheduled, all
 * drawn from the unit's own stream) or ends (arg k + 1: k places reopen). Returns 1 when places
 * reopened (the caller offers them). */
int units_on_outbreak(struct rep *r, int u, uint32_t arg) {
    const struct sc_unit *su = &r->sc->unit[u];
    struct unit_rt *U = &r->u[u];
    struct rng *g = &r->ob_rng[u];
    if (arg == 0) {
        /* whole places; at most a billion, so that k + 1 is an event's 32-bit arg */
        double k = fmin(fmax(0, round(dist_sample(&su->outbreak_beds, g))), 1e9);
        double end = r->now + dist_sample(&su->outbreak_duration, g);
        double next = nhpp_next(su->outbreak, r->now, rng_exp(g, 1.0), r->sc->horizon);
        if (next < r->sc->horizon)
            cal_push(r->cal,
                     (struct cal_event){.time = next, .kind = EV_OUTBREAK, .id = (uint32_t)u});
        if (!(k > 0)) return 0;
        U->shut += k;
        if (end < r->sc->horizon)
            cal_push(r->cal, (struct cal_event){.time = end,
                                                .kind = EV_OUTBREAK,
                                                .id = (uint32_t)u,
                                                .arg = (uint32_t)k + 1});
    } else {
        U->shut -= arg - 1;
    }
    U->cap = places_open(r, u);
    rec_capacity(r, u, U->cap);
    rec_closed(r, u, fmin(U->shut, U->base));
    if (U->extras & UX_SURGE) surge_update(r, u);
    return arg != 0;
}

/* The admission hours turn (sc_unit ahours): the unit opens or closes, and the next turn is
 * scheduled. Returns 1 when it opened (its free places are then offered). A turn is always
 * after now (nhpp_next_open/_closed from an hour of the other kind), so it never loops. */
int units_on_admit_hours(struct rep *r, int u, int open) {
    const struct nhpp *ah = r->sc->unit[u].ahours;
    r->u[u].closed = (uint8_t)!open;
    double t = open ? nhpp_next_closed(ah, r->now) : nhpp_next_open(ah, r->now);
    if (t < r->sc->horizon)
        cal_push(r->cal, (struct cal_event){
                             .time = t, .kind = EV_ADMIT_HOURS, .id = (uint32_t)u, .arg = !open});
    return open;
}

int units_on_escalation(struct rep *r, int u, double d) {
    struct unit_rt *U = &r->u[u];
    U->esc_open += d;
    U->cap = places_open(r, u);
    rec_capacity(r, u, isinf(U->cap) ? 0 : U->cap);
    if (U->extras & UX_SURGE) surge_update(r, u);
    return d > 0;
}

/* Occupancy has stayed high for surge_after: open the surge places. */
int units_on_surge(struct rep *r, int u, uint32_t epoch) {
    struct unit_rt *U = &r->u[u];
    if (!U->armed || epoch != U->surge_epoch) return 0;
    U->armed = 0;
    U->surging = 1;
    U->cap = places_open(r, u);
    rec_surge(r, u, 1);
    rec_capacity(r, u, U->cap);
    return 1;
}
