/* flow_pathways.c — care pathways: where a patient arrives from outside, how its stays end
 * (routing, step-down, the CHC decision), transfers that need the receiving service's
 * assessment, CHC referrals, going home and readmission, giving up a queue (patience), and the
 * census placed at time 0. Places and queues are flow_units.c's, which returns what happened
 * at a door or in a cascade of freed places: the stays and patiences begin here. Counts go to
 * flow_record.c. */
#include <math.h>
#include <string.h>

#include "flow_int.h"
#include "sim/core.h"

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

/* ---- virtual wards ------------------------------------------------------------------------ */

/* A ward's draw for patient p at unit u: its own stream keyed by (patient, unit, its arrivals
 * at wards so far, which draw), so that giving a ward avoids or escalate_to moves no other draw
 * and a variant with fewer ward places draws the same (common random numbers). */
static double ward_uniform(const struct rep *r, const struct patient *p, int u, uint64_t which) {
    const uint64_t WARD = 1ULL << 59;
    struct rng g;
    rng_seed_key(&g, r->sc->seed, (uint64_t)r->rep,
                 WARD | which << 56 | (uint64_t)p->wardvisits << 32 | (uint64_t)u, p->number);
    return rng_uniform(&g);
}

/* Patient id begins a stay of `stay` days in ward u (ward_rules). At a ward with avoids, a
 * step-up that would otherwise have been admitted (drawn at a ward's door; certain for one
 * diverted from a full unit that no ward's door saw) is an avoided admission, saving the
 * avoided unit's mean stay, counted now; step-downs are not. Whether the stay ends in
 * escalation is drawn now too. Returns the stay, cut to the escalation point. */
static __attribute__((noinline)) double ward_stay(struct rep *r, uint32_t id, int u, double stay) {
    struct patient *p = &r->p[id];
    const struct sc_unit *su = &r->sc->unit[u];
    unsigned w = p->ward;
    int avoider = w & WARD_SEEN ? (w & WARD_AVOIDS) != 0 : (w & WARD_DIVERTED) != 0;
    if (su->avoids >= 0 && avoider && !(w & WARD_STEPPED))
        rec_ward_avoided(r, u, +1, su->g[p->group].avoided_stay);
    p->ward = 0;
    if (su->escalate_to >= 0 && ward_uniform(r, p, u, 1) < su->escalate_share) {
        p->ward = WARD_ESCALATES;
        return stay * su->escalate_at;
    }
    return stay;
}

/* ---- stays -------------------------------------------------------------------------------- */

/* The patient has just taken a place in u: draw its stay and schedule how it ends (end of
 * stay, step-down point, or the CHC decision in the interim unit). Inline: once per admission,
 * and left out of line it cost M1 3% more instructions (callgrind). */
static inline void begin_stay(struct rep *r, uint32_t id, int u) {
    struct patient *p = &r->p[id];
    /* at a visit-based unit, drawn to book its visits (flow_units.c, visit_book) */
    double stay = __builtin_expect(r->sc->visit_units, 0) && (r->u[u].extras & UX_VISITS)
                      ? p->vstay
                      : dist_sample(&r->sc->unit[u].g[p->group].stay, &p->rng);
    const struct sc_unit *su = &r->sc->unit[u];
    if (__builtin_expect(p->ambulance == AMB_HANDING_OVER, 0)) {
        /* The handover takes its own time in the cubicle before the A&E stay begins: the
         * handover is complete at arrival + wait for a cubicle + handover_time. Drawn from its
         * own stream (keyed by patient and unit), so the patient's other draws stay in step. */
        const uint64_t HANDOVER = 1ULL << 60;
        struct rng g;
        rng_seed_key(&g, r->sc->seed, (uint64_t)r->rep, HANDOVER | (uint64_t)u, p->number);
        double h = dist_sample(&su->handover_time, &g);
        rec_handover(r, u, r->now - p->t_arrived + h);
        p->ambulance = 0;
        stay += h;
    }
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
    if (__builtin_expect(r->sc->wards, 0)) {
        if (r->u[u].extras & UX_WARD)
            stay = ward_stay(r, id, u, stay);
        else
            p->ward = 0; /* a door's marks last to the admission that follows */
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

static int step_down_waits(struct rep *r, uint32_t id);

/* At its step-down point the patient moves to the step-down unit if it has a free place,
 * nobody waiting and is in its admission hours, and spends the rest of its stay there;
 * otherwise it stays put. A step-down leaves the unit, so on a unit with discharge hours it
 * waits for one first (step_down_waits). */
void path_on_step_down(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    int u = p->unit, vw = r->sc->unit[u].step_down_to;
    if (__builtin_expect(r->sc->discharges, 0) && (r->u[u].caps & UNIT_RT_DISCHARGE) &&
        step_down_waits(r, id))
        return;
    struct unit_rt *V = &r->u[vw];
    double rest = p->remaining;
    if (!units_may_take(r, vw, p) || V->qlen > 0) {
        cal_push(r->cal,
                 (struct cal_event){
                     .time = r->now + rest, .kind = EV_END_STAY, .id = id, .stamp = p->stamp});
        return;
    }
    rec_step_down(r, u, vw, rest);
    units_leave(r, u, p, vw);
    units_occ_add(r, vw, +1, p);
    rec_admitted(r, vw, p, 0); /* no wait: it moved straight in */
    p->unit = vw;
    p->t_arrived = p->t_entered = r->now;
    if (__builtin_expect(r->sc->unit[u].step_down_own || r->sc->unit[vw].ward_rules, 0)) {
        /* step_down_stay = own: a stay of the ward's own (the rest of this one was saved all
         * the same); a ward's escalation applies to step-downs as to step-ups */
        p->wardvisits++;
        p->ward = WARD_STEPPED;
        if (r->sc->unit[u].step_down_own) /* drawn here: a second call of begin_stay would
                                           * take it out of line (M1 +0.8% instructions) */
            rest = dist_sample(&r->sc->unit[vw].g[p->group].stay, &p->rng);
        if (r->sc->unit[vw].ward_rules) rest = ward_stay(r, id, vw, rest);
    }
    cal_push(r->cal, (struct cal_event){
                         .time = r->now + rest, .kind = EV_END_STAY, .id = id, .stamp = p->stamp});
    path_offer(r, u);
}

/* ---- patience ----------------------------------------------------------------------------- */

/* The patient has just joined d's queue, where d has patience: schedule when it gives up. */
static void start_patience(struct rep *r, uint32_t id, int d) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    /* Its own stream keyed by (patient, unit, queue joined), so drawing a patience leaves every
     * other draw of the patient in step. */
    const uint64_t PATIENCE = 1ULL << 61;
    struct rng g;
    rng_seed_key(&g, sc->seed, (uint64_t)r->rep,
                 PATIENCE | ((uint64_t)(p->qstamp & 0xfffffff) << 32) | (uint64_t)d, p->number);
    double w = dist_sample(&sc->unit[d].patience, &g);
    cal_push(
        r->cal,
        (struct cal_event){
            .time = r->now + w, .kind = EV_RENEGE, .id = id, .stamp = p->stamp, .arg = p->qstamp});
}

/* ---- doors and freed places -------------------------------------------------------------- */

void path_offer(struct rep *r, int u) {
    uint32_t id;
    int v;
    units_offer(r, u);
    while ((id = units_offer_next(r, &v)) != NONE) begin_stay(r, id, v);
}

/* The patient arrives at unit d's door: it begins a stay where it takes a place (and the
 * place it left is offered), or its patience starts in the queue it joins. */
static int ward_door(struct rep *r, uint32_t id, int d);

static void arrive(struct rep *r, uint32_t id, int d) {
    if (__builtin_expect(r->sc->wards, 0) && (r->u[d].extras & UX_WARD) && ward_door(r, id, d))
        return;
    int freed;
    int at = units_arrive(r, id, d, &freed);
    if (at >= 0)
        begin_stay(r, id, at);
    else if (at == ARRIVE_QUEUED && r->sc->unit[r->p[id].target].has_patience)
        start_patience(r, id, r->p[id].target);
    if (freed >= 0) path_offer(r, freed);
}

/* The patient leaves the system (home, or lost) and its place is offered. */
static void leave_system(struct rep *r, uint32_t id, int why) {
    int freed = units_remove(r, id, why);
    if (freed >= 0) path_offer(r, freed);
}

/* At the door of ward d (ward_rules): is the step-up one who would otherwise have been
 * admitted (avoids' share, drawn here)? New demand finding the ward full is not diverted to
 * the unit the ward avoids, since without the ward it would not have been admitted: it stays
 * at home. Returns 1 when the patient went home. */
static __attribute__((noinline)) int ward_door(struct rep *r, uint32_t id, int d) {
    struct patient *p = &r->p[id];
    const struct sc_unit *su = &r->sc->unit[d];
    p->wardvisits++;
    p->ward = 0;
    if (su->avoids < 0 || p->unit == d) return 0; /* none, or a new stay in its own place */
    p->ward = WARD_SEEN;
    if (ward_uniform(r, p, d, 0) < su->avoids_share) {
        p->ward |= WARD_AVOIDS;
        return 0;
    }
    /* New demand follows the diverts while they lead to wards that avoid admissions (keeping
     * what this door drew); it goes home where they would put it in a bed. (Divert chains end:
     * the loader refuses a circle.) */
    for (int v = d;; v = r->sc->unit[v].divert) {
        if (units_may_take(r, v, p) || r->sc->unit[v].when_full != FULL_DIVERT) return 0;
        if (r->sc->unit[r->sc->unit[v].divert].avoids < 0) break;
    }
    rec_went_home(r, p);
    /* leave_system's work, not a call of it: a third caller takes it out of line */
    int freed = units_remove(r, id, FLOW_NEXT_HOME);
    if (freed >= 0) path_offer(r, freed);
    return 1;
}

/* ---- giving up a queue -------------------------------------------------------------------- */

/* The patient has waited its patience in the queue of p->target: it goes to the unit's
 * patience_to, or out of the modelled system (a placement out of area, say). */
void path_on_renege(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    int d = p->target;
    units_queue_remove(r, d, id);
    rec_reneged(r, d, p);
    if (p->state == P_BLOCKED) units_delay_end(r, p->unit, p); /* reads p->target: first */
    p->target = -1;
    p->state = P_IN_CARE; /* stay ended, deciding: not delayed for this instant */
    int to = r->sc->unit[d].patience_to;
    if (to == ROUTE_EXIT) {
        rec_went_home(r, p);
        leave_system(r, id, FLOW_NEXT_HOME);
        return;
    }
    arrive(r, id, to);
}

/* ---- arrivals, going home, readmission ---------------------------------------------------- */

/* A patient of stream s at its unit's door: cancelled, if the stream cancels (cancel_above)
 * and the unit is that full, or an [escalation] action cancels it now, and rebooked after
 * rebook_after (drawn from its own stream, keyed by patient and cancellation, so cancelling moves
 * no other draw); else in at the door. */
static void arrive_booked(struct rep *r, uint32_t id, uint32_t s) {
    const struct sc_arrivals *A = &r->sc->arrivals[s];
    const struct unit_rt *U = &r->u[A->to];
    /* an [escalation] action cancelling the stream now, rebooked after its own delay */
    int esc = r->esc_cancel && r->esc_cancel[s];
    if (!esc && (!(A->cancel_above > 0) || U->occ < A->cancel_above * U->cap)) {
        arrive(r, id, A->to);
        return;
    }
    struct patient *p = &r->p[id];
    rec_cancelled(r, A->to);
    p->state = P_REBOOKED;
    const uint64_t REBOOK = 5ULL << 58;
    struct rng g;
    rng_seed_key(&g, r->sc->seed, (uint64_t)r->rep, REBOOK | ((uint64_t)p->rebooks << 32) | s,
                 p->number);
    p->rebooks++;
    double t = r->now + dist_sample(esc ? &A->esc_rebook : &A->rebook_after, &g);
    if (t < r->sc->horizon)
        cal_push(r->cal,
                 (struct cal_event){
                     .time = t, .kind = EV_REBOOKED, .id = id, .stamp = p->stamp, .arg = s});
}

void path_on_rebooked(struct rep *r, uint32_t id, uint32_t s) {
    r->p[id].state = P_IN_CARE; /* arriving: neither waiting nor placed yet */
    arrive_booked(r, id, s);
}

/* A patient of stream s with any of the rarer keys (sc_arrivals rare): its priority's rank, its
 * ring-fence, its ambulance (drawn only when the stream has ambulances, so scenarios without
 * them draw as before), its cancellation at the door. Out of line: the common arrival looks at
 * one flag. */
static __attribute__((noinline)) void arrival_rare(struct rep *r, uint32_t id, uint32_t s) {
    const struct scenario *sc = r->sc;
    const struct sc_arrivals *A = &sc->arrivals[s];
    struct patient *p = &r->p[id];
    if (sc->nprio > 1) p->prank = flow_prank(sc, (int)s, p->group);
    if (A->ring_fence > 0) p->fenced = 1;
    if (A->ambulance > 0) p->ambulance = rng_uniform(&p->rng) < A->ambulance;
    if (A->cancel_above > 0 || A->esc_cancel)
        arrive_booked(r, id, s);
    else
        arrive(r, id, A->to);
}

void path_on_arrival(struct rep *r, uint32_t s) {
    const struct scenario *sc = r->sc;
    uint32_t id = pool_new(r);
    /* Keyed by (replication, stream, patient number in stream): the same patient arrives with
     * the same needs whatever the capacities. */
    uint64_t k = r->arr_count[s]++;
    rng_seed_prefixed(&r->p[id].rng, r->arr_key[2 * s], k);
    if (sc->aux_draws) rng_seed_prefixed(&r->p[id].aux, r->arr_key[2 * s + 1], k);
    /* A stream of one group (group = NAME) draws none: its patients' other draws come first. */
    r->p[id].group =
        sc->arrivals[s].group < 0 ? draw_group(sc, &r->p[id].rng) : (uint8_t)sc->arrivals[s].group;
    rec_entered(r, &r->p[id]);
    if (__builtin_expect(sc->arrivals[s].rare, 0))
        arrival_rare(r, id, s);
    else
        arrive(r, id, sc->arrivals[s].to);
    double next =
        nhpp_next(&sc->arrivals[s].nhpp, r->now, rng_exp(&r->arr_rng[s], 1.0), sc->horizon);
    if (next < sc->horizon)
        cal_push(r->cal, (struct cal_event){.time = next, .kind = EV_ARRIVAL, .id = s});
}

/* The patient leaves its unit for home. Whether and when it comes back is drawn now (from its
 * own stream, only where readmit > 0), so its 30- and 91-day outcomes are known at once. Called
 * from proceed alone, where it is inlined: a second call (path_on_depart's) made it a call, and
 * cost M1 3% more instructions (callgrind). */
static void go_home(struct rep *r, uint32_t id) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    int u = p->unit;
    rec_went_home(r, p);
    double back = INFINITY;
    const struct unit_group *G = &sc->unit[u].g[p->group];
    if (G->readmit > 0 && rng_uniform(&p->rng) < G->readmit)
        back = r->now + dist_sample(&G->readmit_after, &p->rng);
    rec_home_outcome(r, u, G, back);
    if (!(back < sc->horizon)) {
        leave_system(r, id, FLOW_NEXT_HOME);
        return;
    }
    /* Out of the system until readmitted; the record (and its stream) waits at home. */
    p->home_from = u;
    units_leave(r, u, p, FLOW_NEXT_HOME);
    p->state = P_HOME;
    rec_in_system(r, -1);
    cal_push(r->cal,
             (struct cal_event){.time = back, .kind = EV_READMIT, .id = id, .stamp = p->stamp});
    path_offer(r, u);
}

void path_on_readmit(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    rec_readmitted(r);
    rec_in_system(r, +1);
    p->state = P_IN_CARE; /* arriving: neither waiting nor placed yet */
    p->ambulance = 0;
    arrive(r, id, r->sc->unit[p->home_from].g[p->group].readmit_to);
}

/* ---- leaving: internal delays and the discharge hour --------------------------------------- */

/* The internal delay of a patient leaving unit su for dest: internal_delay_to's for dest,
 * else the unit's internal_delay, else none (NULL). */
static const struct dist *internal_delay(const struct sc_unit *su, int dest) {
    for (size_t k = 0; k < su->ninternal_to; k++)
        if (su->internal_to_dest[k] == dest) return &su->internal_to[k];
    return su->has_internal ? &su->internal : NULL;
}

/* A departure's own stream, keyed by (patient, unit, its departures so far, which draw), as
 * patience is: giving a unit an internal delay or a discharge profile moves no other draw of
 * any patient (common random numbers). */
static void depart_stream(struct rep *r, const struct patient *p, int u, uint64_t which,
                          struct rng *g) {
    const uint64_t DEPART = 1ULL << 60;
    rng_seed_key(g, r->sc->seed, (uint64_t)r->rep,
                 DEPART | which << 56 | (uint64_t)p->departs << 32 | (uint64_t)u, p->number);
}

/* The patient keeps its place, delayed for `why`, until t, when its departure for dest goes
 * on (path_on_depart). */
static void depart_wait(struct rep *r, uint32_t id, enum delay why, double t, int dest,
                        uint32_t flags) {
    struct patient *p = &r->p[id];
    p->state = P_DEPARTING;
    units_delay_begin(r, p->unit, p, why, -1);
    if (t < r->sc->horizon)
        cal_push(r->cal, (struct cal_event){.time = t,
                                            .kind = EV_DEPART,
                                            .id = id,
                                            .stamp = p->stamp,
                                            .arg = (uint32_t)(dest + 1) | flags});
}

/* A departure's steps on a unit with internal delays or discharge hours: first its internal
 * delay (the trust's own work — medicines, transport, the summary — which a care-home place
 * needs done as much as going home does), then the wait for the discharge hour; then the
 * caller sends it to the door, where it may still queue. Each step once per stay ended
 * (p->dstage, 0 but while a departure is under way). Returns 1 when the patient now waits in its
 * place (path_on_depart goes on), 0 when it leaves now. Out of line: only units with the keys come
 * here. */
/* The moment a departure from unit u may go, by its discharge hours (su->has_dhours): now for
 * discharge_any_hour's share (criteria-led discharge at any hour: its own draw, so giving the
 * share moves neither the window's draw nor any other), else the first event after now of the
 * Poisson process of rate discharge_rate x weight(hour), by inversion of its integrated rate
 * (sim/nhpp.c), or, at an infinite rate, the start of the first hour of positive weight. */
static double discharge_moment(struct rep *r, const struct patient *p, int u) {
    const struct sc_unit *su = &r->sc->unit[u];
    struct rng g;
    /* an [escalation] discharge action in force raises the share (the same draw) */
    double any = fmax(su->any_hour, r->u[u].esc_any_hour);
    if (any > 0) {
        depart_stream(r, p, u, 2, &g);
        if (rng_uniform(&g) < any) return r->now;
    }
    if (su->dhours_inf) return nhpp_next_open(su->dhours, r->now);
    depart_stream(r, p, u, 1, &g);
    return nhpp_next(su->dhours, r->now, rng_exp(&g, 1.0), r->sc->horizon);
}

static __attribute__((noinline)) int depart_steps(struct rep *r, uint32_t id, int dest) {
    struct patient *p = &r->p[id];
    int u = p->unit;
    const struct sc_unit *su = &r->sc->unit[u];
    if (p->dstage == 0) {
        p->dstage = 1;
        p->departs++;
        const struct dist *d = internal_delay(su, dest);
        if (d) {
            struct rng g;
            depart_stream(r, p, u, 0, &g);
            double x = dist_sample(d, &g);
            if (x > 0) {
                depart_wait(r, id, D_INTERNAL, r->now + x, dest, x > 2 ? DEPART_OVER_48H : 0);
                return 1;
            }
        }
    }
    if (p->dstage == 1) {
        p->dstage = 2;
        double t = su->has_dhours ? discharge_moment(r, p, u) : r->now;
        if (t > r->now) {
            depart_wait(r, id, D_DISCHARGE_HOUR, t, dest, 0);
            return 1;
        }
    }
    /* It leaves now: nothing after the door calls depart again for this stay (a queue given up
     * goes to patience_to's door), so the next stay starts from the first step. */
    p->dstage = 0;
    return 0;
}

/* A step-down is a departure from the unit in the middle of a stay: on a unit with discharge
 * hours it happens in them, as every other departure does (but for discharge_any_hour's
 * share), drawn as depart_steps draws the end of a stay's. Its care goes on in its place
 * meanwhile, so the step-down moves to that moment and the rest of the stay, spent in the
 * step-down unit, is shorter by the wait; a stay that would end first ends here instead, and
 * its departure waits as any other. No internal delay: that is the work after a stay has
 * ended, and this one has not. Returns 1 when the step-down was put off (or given up), 0 when
 * it goes on now (p->dstage 2 marks a step-down whose hour has come). */
static __attribute__((noinline)) int step_down_waits(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    int u = p->unit;
    const struct sc_unit *su = &r->sc->unit[u];
    if (p->dstage == 2) {
        p->dstage = 0;
        return 0;
    }
    if (!su->has_dhours) return 0;
    p->departs++;
    double t = discharge_moment(r, p, u);
    if (!(t > r->now)) return 0;
    if (!(t - r->now < p->remaining)) {
        cal_push(r->cal, (struct cal_event){.time = r->now + p->remaining,
                                            .kind = EV_END_STAY,
                                            .id = id,
                                            .stamp = p->stamp});
        return 1;
    }
    p->remaining -= t - r->now;
    p->dstage = 2;
    cal_push(r->cal,
             (struct cal_event){.time = t, .kind = EV_STEP_DOWN, .id = id, .stamp = p->stamp});
    return 1;
}

/* The patient, whose stay has ended (and any assessment for the move with it), is to leave its
 * unit for dest (ROUTE_EXIT: home): does it wait first? Only on a unit with internal delays or
 * discharge hours (depart_steps); a patient routed back to its own unit holds its place for a
 * new stay and does not leave. The caller sends the others on at once, so a scenario without
 * the keys pays one test of a flag. */
static inline int depart_waits(struct rep *r, uint32_t id, int dest) {
    if (__builtin_expect(!r->sc->discharges, 1)) return 0;
    int u = r->p[id].unit;
    return (r->u[u].caps & UNIT_RT_DISCHARGE) && dest != u && depart_steps(r, id, dest);
}

static void proceed(struct rep *r, uint32_t id, int dest);

void path_on_depart(struct rep *r, uint32_t id, uint32_t arg) {
    struct patient *p = &r->p[id];
    int dest = (int)(arg & ~DEPART_OVER_48H) - 1;
    if (p->dstage == 1) rec_internal_ended(r, p->unit, (arg & DEPART_OVER_48H) != 0);
    units_delay_end(r, p->unit, p);
    p->state = P_IN_CARE; /* stay ended, leaving */
    if (dest == ROUTE_EXIT)
        proceed(r, id, dest); /* home, after the next step (its only way to go_home) */
    else if (!depart_waits(r, id, dest))
        arrive(r, id, dest);
}

/* ---- the end of a stay: routing, transfers, CHC ------------------------------------------- */

/* The patient, whose stay in its unit has ended, heads for dest: home, an assessment in its
 * bed when a [transfer] covers the move, or straight to dest's door. */
static void proceed(struct rep *r, uint32_t id, int dest) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    if (dest == ROUTE_EXIT) {
        if (!depart_waits(r, id, dest)) go_home(r, id);
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
                rec_chc_referred(r, 1);
                p->state = P_CHC;
                units_delay_begin(r, p->unit, p, D_CHC, -1);
                cal_push(r->cal, (struct cal_event){.time = r->now + p->chc_assess,
                                                    .kind = EV_CHC_DECIDED,
                                                    .id = id,
                                                    .stamp = p->stamp});
                return;
            }
            rec_chc_referred(r, 0);
            p->chc_d2a = 1;
            dest = sc->chc.interim;
        }
    }
    int t = dest == p->unit ? -1 : scenario_transfer(sc, p->unit, dest);
    if (t < 0) {
        if (!depart_waits(r, id, dest)) arrive(r, id, dest);
        return;
    }
    p->state = P_ASSESSING;
    p->assess_to = dest;
    p->t_assess = r->now;
    p->offers = 0;
    units_delay_begin(r, p->unit, p, D_ASSESSMENT, -1);
    double d = dist_sample(&sc->transfer[t].assessment, &p->rng);
    cal_push(r->cal, (struct cal_event){
                         .time = r->now + d, .kind = EV_ASSESSED, .id = id, .stamp = p->stamp});
}

/* The CHC decision, taken at time t: eligible patients go to eligible_to, the others where
 * they were going. Returns the destination. */
static int chc_decide(struct rep *r, struct patient *p, double t) {
    const struct sc_chc *h = &r->sc->chc;
    int eligible = rng_uniform(&p->aux) < h->eligible;
    rec_chc_decided(r, t - p->chc_ref_t, eligible);
    return eligible ? h->eligible_to : p->chc_to;
}

void path_on_chc_decided(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    units_delay_end(r, p->unit, p);
    p->state = P_IN_CARE; /* stay ended, deciding */
    proceed(r, id, chc_decide(r, p, r->now));
}

void path_on_end_stay(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    p->t_ended = r->now;
    if (__builtin_expect(p->ward & WARD_ESCALATES, 0)) {
        /* Escalated: to escalate_to's door at once, as an emergency (no assessment, no wait
         * for a discharge hour); if it is full the patient waits in its place here. */
        const struct sc_unit *su = &r->sc->unit[p->unit];
        p->ward = 0;
        /* an admission to the unit the ward avoids after all: one fewer avoided, its stay
         * not saved (the ward's own stream of them, whoever they were) */
        rec_ward_escalated(r, p->unit, su->escalate_to == su->avoids ? -1 : 0,
                           su->escalate_to == su->avoids ? su->g[p->group].avoided_stay : 0);
        arrive(r, id, su->escalate_to);
        return;
    }
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

/* A placement's own stream, keyed by (patient, transfer, offers so far, which draw: 0 the
 * re-offer's delay, 1 its decision, 2 the choice time), as patience is: re-offers and choice
 * move no other draw of any patient (common random numbers). Bit 63 is no other stream's. */
static void placement_stream(struct rep *r, const struct patient *p, int t, uint64_t which,
                             struct rng *g) {
    const uint64_t PLACEMENT = 1ULL << 63;
    rng_seed_key(g, r->sc->seed, (uint64_t)r->rep,
                 PLACEMENT | which << 61 | (uint64_t)(p->offers & 0x1fffffff) << 32 | (uint64_t)t,
                 p->number);
}

/* The patient keeps its place in the FROM bed, delayed for `why`, until `kind` (EV_ASSESSED: a
 * re-offer; EV_CHOSEN: the choice made) at now + d. */
static void placement_wait(struct rep *r, uint32_t id, enum delay why, double d, int kind) {
    struct patient *p = &r->p[id];
    p->state = P_ASSESSING;
    units_delay_begin(r, p->unit, p, why, -1);
    cal_push(r->cal,
             (struct cal_event){.time = r->now + d, .kind = kind, .id = id, .stamp = p->stamp});
}

/* The choice is made: the patient goes to TO's door (and may still wait for a place there). */
void path_on_chosen(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    units_delay_end(r, p->unit, p);
    p->state = P_IN_CARE; /* stay ended, leaving */
    if (!depart_waits(r, id, p->assess_to)) arrive(r, id, p->assess_to);
}

/* The receiving service has decided (the assessment's decision, or a re-offer's): accepted
 * patients choose for choice_time, where the transfer has one, and go to its door (and may
 * still wait for a place); refused ones are offered again after reoffer_after while offers
 * remain (max_offers), and are routed on by on_reject after the last. */
void path_on_assessed(struct rep *r, uint32_t id) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    int to = p->assess_to, ti = scenario_transfer(sc, p->unit, to);
    const struct sc_transfer *t = &sc->transfer[ti];
    units_delay_end(r, p->unit, p);
    p->state = P_IN_CARE; /* stay ended, deciding: not delayed for this instant */
    int accepted = 1;
    if (p->offers == 0) {
        /* Drawn only when refusal is possible, so accept = 1 consumes nothing. */
        accepted = t->accept >= 1 || rng_uniform(&p->rng) < t->accept;
        rec_assessed(r, to, t, r->now - p->t_assess, accepted);
    } else if (t->accept < 1) {
        struct rng g;
        placement_stream(r, p, ti, 1, &g);
        accepted = rng_uniform(&g) < t->accept;
    }
    p->offers++;
    if (accepted) {
        if (t->has_choice) {
            struct rng g;
            placement_stream(r, p, ti, 2, &g);
            placement_wait(r, id, D_CHOICE, dist_sample(&t->choice_time, &g), EV_CHOSEN);
        } else if (!depart_waits(r, id, to)) {
            arrive(r, id, to);
        }
        return;
    }
    p->rejected = 1;
    if (t->has_reoffer) rec_declined(r, to);
    if ((double)p->offers < t->max_offers) {
        struct rng g;
        placement_stream(r, p, ti, 0, &g);
        placement_wait(r, id, D_REJECTED, dist_sample(&t->reoffer_after, &g), EV_ASSESSED);
        return;
    }
    proceed(r, id, route(&t->on_reject, &p->rng));
}

/* ---- the census at time 0 ----------------------------------------------------------------- */

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

/* ---- the census's steady state ---------------------------------------------------------- */

/* What a census draw needs to know of the network in equilibrium: each group's visits per day
 * to each unit, x[g * nunits + u], and the units that step patients down (their patients may be
 * found in the unit they step down to). */
struct census_net {
    const struct scenario *sc;
    size_t ng; /* scenario_ngroups */
    double *x; /* ng x nunits */
    int *sd;   /* units with step_down */
    size_t nsd;
    /* ng x nunits: E[S_gu], worked out at its first use (NAN before): an empirical sample's
     * mean is a pass over it, too long to repeat for every census patient */
    double *mean;
};

static double stay_mean(const struct census_net *cn, int u, size_t g) {
    double *m = &cn->mean[g * cn->sc->nunits + (size_t)u];
    if (isnan(*m)) *m = dist_mean(&cn->sc->unit[u].g[g].stay);
    return *m;
}

/* A patient found in a unit at a random moment belongs to a group, and came by a route, with
 * probability proportional to the rate at which that kind of patient enters the unit times the
 * time it holds a place there (the stationary M/G/inf census, Takacs 1962: unit u holds
 * Poisson(x_gu E[S_gu]) patients of group g, independently by group). x_gu, the group's
 * visits to u per day, solves the traffic equations x = a + x P over the group's routing,
 * step-downs and readmissions, fed by the streams' mean rates (transfers' refusals and CHC are
 * left out: they move few patients, and the draw only needs ratios). Per replication:
 * Jacobi sweeps, as many as the longest path (at most 10^4, for routings that loop almost
 * surely). */
static void census_net_init(struct census_net *cn, const struct scenario *sc) {
    size_t nu = sc->nunits, ng = scenario_ngroups(sc);
    *cn = (struct census_net){.sc = sc, .ng = ng};
    cn->x = fs_calloc(ng * nu, sizeof *cn->x);
    cn->sd = fs_calloc(nu, sizeof *cn->sd);
    cn->mean = fs_calloc(ng * nu, sizeof *cn->mean);
    for (size_t i = 0; i < ng * nu; i++) cn->mean[i] = NAN;
    for (size_t u = 0; u < nu; u++)
        if (sc->unit[u].step_down_to >= 0) cn->sd[cn->nsd++] = (int)u;
    double *a = fs_calloc(nu, sizeof *a), *y = fs_calloc(nu, sizeof *y);
    for (size_t g = 0; g < ng; g++) {
        double *xg = cn->x + g * nu;
        memset(a, 0, nu * sizeof *a); /* the group's arrivals, a stream's group included */
        for (size_t s = 0; s < sc->narrivals; s++)
            a[sc->arrivals[s].to] +=
                sc->arrivals[s].nhpp.rate * scenario_stream_group_share(sc, s, g);
        for (int it = 0; it < 10000; it++) {
            for (size_t u = 0; u < nu; u++) y[u] = a[u];
            for (size_t u = 0; u < nu; u++) {
                const struct sc_unit *su = &sc->unit[u];
                const struct unit_group *G = &su->g[g];
                double f = xg[u];
                if (!(f > 0)) continue;
                if (su->step_down_to >= 0) {
                    y[su->step_down_to] += f * su->step_down_share;
                    f *= 1 - su->step_down_share;
                }
                double prev = 0;
                for (size_t k = 0; k < G->next.n; k++) {
                    double w = f * (G->next.cum[k] - prev);
                    prev = G->next.cum[k];
                    if (G->next.dest[k] != ROUTE_EXIT)
                        y[G->next.dest[k]] += w;
                    else if (G->readmit > 0)
                        y[G->readmit_to] += w * G->readmit;
                }
            }
            double change = 0;
            for (size_t u = 0; u < nu; u++) {
                change = fmax(change, fabs(y[u] - xg[u]) / fmax(y[u], 1e-300));
                xg[u] = y[u];
            }
            if (change < 1e-12) break;
        }
    }
    fs_free(a);
    fs_free(y);
}

static void census_net_fini(struct census_net *cn) {
    fs_free(cn->x);
    fs_free(cn->sd);
    fs_free(cn->mean);
}

/* The weight of patients of group g in care in unit v that came by route src: -1 from its
 * door, with v's own stay; k >= 0 by step-down from unit cn->sd[k], spending the rest (1 - f)
 * of a stay there. Flow times, at a random moment (age < 0), the mean time in v, or, with a
 * known age, P(time in v > age), the density of that age (Ross, Stochastic Processes, 2nd
 * ed., 1996, ch. 3: the age of a renewal process at a random time). */
static double route_weight(const struct census_net *cn, int v, size_t g, int src, double age) {
    const struct scenario *sc = cn->sc;
    size_t nu = sc->nunits;
    if (src >= 0) {
        int u = cn->sd[src];
        const struct sc_unit *su = &sc->unit[u];
        if (su->step_down_to != v) return 0;
        double flow = cn->x[g * nu + (size_t)u] * su->step_down_share, rest = 1 - su->step_down_at;
        const struct dist *S = &su->g[g].stay;
        return flow * (age < 0 ? rest * stay_mean(cn, u, g) : dist_tail(S, age / rest));
    }
    double direct = cn->x[g * nu + (size_t)v];
    for (size_t k = 0; k < cn->nsd; k++)
        if (sc->unit[cn->sd[k]].step_down_to == v)
            direct -= cn->x[g * nu + (size_t)cn->sd[k]] * sc->unit[cn->sd[k]].step_down_share;
    const struct dist *S = &sc->unit[v].g[g].stay;
    return fmax(direct, 0) * (age < 0 ? stay_mean(cn, v, g) : dist_tail(S, age));
}

/* How a census patient's group is weighed (below, census_group). */
enum census_kind { CENSUS_IN_CARE, CENSUS_DELAYED, CENSUS_QUEUE };

/* The share of group g's stays in unit u that end in a move to another unit (delayed
 * patients are those waiting to move). */
static double leaves_for_unit(const struct route *rt) {
    double w = 0, prev = 0;
    for (size_t k = 0; k < rt->n; k++) {
        if (rt->dest[k] != ROUTE_EXIT) w += rt->cum[k] - prev;
        prev = rt->cum[k];
    }
    return w;
}

/* The group of a census patient of unit u (no draw without groups): weights x_gu times the
 * time a patient of the group holds a place in that state, which is, in care, its stay
 * (length-biased: a bed census over-represents long stays; route_weight, summed over the
 * routes in) or, when its stay has already lasted `age` days, the density of that age;
 * delayed, the share of its stays that end in a move (the delay itself has no distribution of
 * its own: it is whatever the next unit makes it, taken alike for every group); queueing, the
 * arrivals alone. A unit no group reaches (no arrivals lead to it) weighs the groups by their
 * shares, as if the arrivals came to its door. */
static uint8_t census_group(const struct census_net *cn, int u, enum census_kind kind, double age,
                            struct rng *g) {
    const struct scenario *sc = cn->sc;
    if (!sc->ngroups) return 0;
    size_t nu = sc->nunits, ng = sc->ngroups;
    double w[FS_MAX_GROUPS], total = 0;
    for (int pass = 0; pass < 2 && !(total > 0); pass++)
        for (size_t k = 0; k < ng; k++) {
            const struct unit_group *G = &sc->unit[u].g[k];
            double f = pass == 0 ? cn->x[k * nu + (size_t)u] : sc->group[k].share;
            if (kind == CENSUS_QUEUE)
                w[k] = f;
            else if (kind == CENSUS_DELAYED)
                w[k] = f * leaves_for_unit(&G->next);
            else if (pass == 1)
                w[k] = f * (age < 0 ? stay_mean(cn, u, k) : dist_tail(&G->stay, age));
            else
                for (int src = -1, n = (int)cn->nsd; src < n; src++)
                    w[k] = (src < 0 ? 0 : w[k]) + route_weight(cn, u, k, src, age);
            total += w[k];
        }
    double v = rng_uniform(g) * total;
    for (size_t k = 0; k + 1 < ng; k++) {
        if (v < w[k]) return (uint8_t)k;
        v -= w[k];
    }
    return (uint8_t)(ng - 1);
}

/* The route by which a census patient of group g in care in unit v came (route_weight): -1,
 * its door, unless a unit steps patients down into v. */
static int census_route(const struct census_net *cn, int v, size_t g, double age, struct rng *r) {
    if (!cn->sc->unit[v].stepped_into) return -1;
    double total = 0;
    for (int src = -1; src < (int)cn->nsd; src++) total += route_weight(cn, v, g, src, age);
    if (!(total > 0)) return -1;
    double x = rng_uniform(r) * total;
    for (int src = -1; src < (int)cn->nsd; src++) {
        double w = route_weight(cn, v, g, src, age);
        if (x < w) return src;
        x -= w;
    }
    return -1;
}

/* A census patient in care in unit u, its group chosen, whose stay has lasted `age` days (< 0:
 * unknown, a random moment): where it is in its stay, and its end (or step-down) scheduled.
 *
 * At a random moment (renewal theory: the stay under way is length-biased, density
 * s f(s) / E[S], and the moment is uniform within it) the whole stay is L length-biased and
 * the time already spent (1 - U) L. A unit with step_down holds a candidate only for the part
 * f L before its step-down point, so a patient in the bed is a candidate with probability
 * s f / (s f + 1 - s) (s its share, f its fraction), and, if one, is in the first part of its
 * stay: the step-down point comes after U f L. With a known age a the stay is S given S > a
 * for a non-candidate, and given f S > a for a candidate, which one weighed by s P(S > a / f)
 * against (1 - s) P(S > a). In a unit that step-downs feed, the patient came by step-down
 * with the weight of route_weight, and then spends the rest (1 - f) L of a length-biased stay
 * L of the unit it stepped down from. */
static void census_in_care(struct rep *r, const struct census_net *cn, uint32_t id, int u,
                           double age) {
    struct patient *p = &r->p[id];
    int src = census_route(cn, u, p->group, age, &p->rng);
    const struct sc_unit *su = &r->sc->unit[src >= 0 ? cn->sd[src] : u];
    const struct dist *S = &su->g[p->group].stay;
    int sd = src < 0 && su->step_down_to >= 0;
    /* a patient who stepped down holds its place here for the part 1 - f of its stay */
    double s = su->step_down_share, f = src >= 0 ? 1 - su->step_down_at : su->step_down_at;
    double to_end, elapsed, whole;
    int cand = 0;
    if (age < 0) {
        cand = sd && rng_uniform(&p->aux) * (s * f + 1 - s) < s * f;
        whole = dist_sample_length_biased(S, &p->rng);
        double in_u = cand || src >= 0 ? f * whole : whole;
        double U = rng_uniform(&p->rng);
        to_end = U * in_u;
        elapsed = in_u - to_end;
    } else {
        if (sd) {
            double wc = s * dist_tail(S, age / f), wn = (1 - s) * dist_tail(S, age);
            cand = wc + wn > 0 && rng_uniform(&p->aux) * (wc + wn) < wc;
        }
        if (cand || src >= 0) {
            whole = age / f + dist_sample_after(S, age / f, &p->rng);
            to_end = fmax(f * whole - age, 0);
        } else {
            to_end = dist_sample_after(S, age, &p->rng);
            whole = age + to_end;
        }
        elapsed = age;
    }
    /* Its stay began before time 0: stay statistics count the whole of it. */
    p->t_arrived = p->t_entered = r->now - elapsed;
    int kind = EV_END_STAY;
    if (cand) {
        p->remaining = whole * (1 - f);
        kind = EV_STEP_DOWN;
    }
    cal_push(r->cal, (struct cal_event){
                         .time = r->now + to_end, .kind = kind, .id = id, .stamp = p->stamp});
}

/* A census patient, its own stream keyed (stream, key) apart from the arrival streams. */
static uint32_t census_new(struct rep *r, uint64_t stream, uint64_t key) {
    const struct scenario *sc = r->sc;
    uint32_t id = pool_new(r);
    struct patient *p = &r->p[id];
    rng_seed_key(&p->rng, sc->seed, (uint64_t)r->rep, stream, key);
    if (sc->aux_draws) rng_seed_key(&p->aux, sc->seed, (uint64_t)r->rep, ~stream, key);
    r->res->census++;
    return id;
}

/* It takes a place in u, which may be above the capacity (escalation beds in use today). */
static void census_place(struct rep *r, uint32_t id, int u) {
    struct patient *p = &r->p[id];
    r->placing = 1;
    units_occ_add(r, u, +1, p);
    r->placing = 0;
    p->unit = (int32_t)u;
    p->state = P_IN_CARE;
    p->t_ended = -INFINITY; /* in care: the stay has not ended */
}

/* A delayed census patient: its stay in u (drawn whole, as its length does not bear on how
 * long the delay has lasted) ended at time 0, when its delay begins; it heads for `to`. */
static void census_delayed(struct rep *r, uint32_t id, int u, int to) {
    struct patient *p = &r->p[id];
    double stay = dist_sample(&r->sc->unit[u].g[p->group].stay, &p->rng);
    p->t_arrived = p->t_entered = r->now - stay;
    p->t_ended = r->now;
    proceed(r, id, to);
}

/* The census at time 0 is the model's steady state: every attribute of a census patient is
 * drawn as a patient found in its place at a random moment would have it (group, where it is
 * in its stay, whether it will step down, what it waits for), so a run from a census needs no
 * warm-up. Delayed patients have finished their stay and head for their next unit at once;
 * patients in a unit's initial queue arrive at its door. Then today's patients from the
 * [scenario] patients file, each from what is known of it. Each patient has its own stream,
 * keyed apart from the arrival streams. */
void path_place_census(struct rep *r) {
    const struct scenario *sc = r->sc;
    const uint64_t CENSUS = 1ULL << 62;
    struct census_net cn;
    census_net_init(&cn, sc);
    for (int pass = 0; pass < 3; pass++)
        for (size_t u = 0; u < sc->nunits; u++) {
            const struct sc_unit *su = &sc->unit[u];
            double n = pass == 0 ? su->init_in_care : pass == 1 ? su->init_delayed : su->init_queue;
            uint64_t base = pass == 0   ? 0
                            : pass == 1 ? (uint64_t)su->init_in_care
                                        : (uint64_t)(su->init_in_care + su->init_delayed);
            for (double k = 0; k < n; k++) {
                uint32_t id = census_new(r, CENSUS | u, (uint64_t)k + base);
                struct patient *p = &r->p[id];
                p->group = census_group(&cn, (int)u, (enum census_kind)pass, -1, &p->rng);
                p->prank = flow_prank(sc, -1, p->group);
                if (pass == 2) {
                    p->state = P_IN_CARE; /* arriving: neither waiting nor placed yet */
                    arrive(r, id, (int)u);
                    continue;
                }
                census_place(r, id, (int)u);
                if (pass == 0)
                    census_in_care(r, &cn, id, (int)u, -1);
                else
                    census_delayed(r, id, (int)u, route_away(&su->g[p->group].next, &p->rng));
            }
        }
    for (size_t k = 0; k < sc->npatients; k++) {
        const struct sc_patient *sp = &sc->patients[k];
        uint32_t id = census_new(r, CENSUS | (1ULL << 40), k);
        struct patient *p = &r->p[id];
        p->group = sp->group >= 0
                       ? (uint8_t)sp->group
                       : census_group(&cn, sp->unit, sp->fit ? CENSUS_DELAYED : CENSUS_IN_CARE,
                                      sp->age, &p->rng);
        p->prank = flow_prank(sc, -1, p->group);
        census_place(r, id, sp->unit);
        if (!sp->fit) {
            census_in_care(r, &cn, id, sp->unit, sp->age);
            continue;
        }
        p->t_arrived = p->t_entered = r->now - sp->age;
        p->t_ended = r->now;
        proceed(r, id,
                sp->waits_for >= 0 ? sp->waits_for
                                   : route_away(&sc->unit[sp->unit].g[p->group].next, &p->rng));
    }
    census_net_fini(&cn);
}
