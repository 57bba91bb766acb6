/* flow_pathways.c — care pathways: where a patient arrives from outside, how its stays end
 * (routing, step-down, the CHC decision), transfers that need the receiving service's
 * assessment, CHC referrals, going home and readmission, giving up a queue (patience), and the
 * census placed at time 0. Places and queues are flow_units.c's, which returns what happened
 * at a door or in a cascade of freed places: the stays and patiences begin here. Counts go to
 * flow_record.c. */
#include <math.h>

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

/* ---- stays -------------------------------------------------------------------------------- */

/* The patient has just taken a place in u: draw its stay and schedule how it ends (end of
 * stay, step-down point, or the CHC decision in the interim unit). Inline: once per admission,
 * and left out of line it cost M1 3% more instructions (callgrind). */
static inline void begin_stay(struct rep *r, uint32_t id, int u) {
    struct patient *p = &r->p[id];
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
void path_on_step_down(struct rep *r, uint32_t id) {
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
    rec_step_down(r, u, vw, rest);
    units_leave(r, u, p, vw);
    units_occ_add(r, vw, +1, p);
    rec_admitted(r, vw, p, 0); /* no wait: it moved straight in */
    p->unit = vw;
    p->t_arrived = p->t_entered = r->now;
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
static void arrive(struct rep *r, uint32_t id, int d) {
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

/* ---- giving up a queue -------------------------------------------------------------------- */

/* The patient has waited its patience in the queue of p->target: it goes to the unit's
 * patience_to, or out of the modelled system (a placement out of area, say). */
void path_on_renege(struct rep *r, uint32_t id) {
    struct patient *p = &r->p[id];
    int d = p->target;
    units_queue_remove(r, d, id);
    rec_reneged(r, d);
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

void path_on_arrival(struct rep *r, uint32_t s) {
    const struct scenario *sc = r->sc;
    uint32_t id = pool_new(r);
    /* Keyed by (replication, stream, patient number in stream): the same patient arrives with
     * the same needs whatever the capacities. */
    uint64_t k = r->arr_count[s]++;
    rng_seed_prefixed(&r->p[id].rng, r->arr_key[2 * s], k);
    if (sc->aux_draws) rng_seed_prefixed(&r->p[id].aux, r->arr_key[2 * s + 1], k);
    r->p[id].group = draw_group(sc, &r->p[id].rng);
    rec_entered(r, &r->p[id]);
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
 * own stream, only where readmit > 0), so its 30- and 91-day outcomes are known at once. */
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

/* ---- the end of a stay: routing, transfers, CHC ------------------------------------------- */

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
        arrive(r, id, dest);
        return;
    }
    p->state = P_ASSESSING;
    p->assess_to = dest;
    p->t_assess = r->now;
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
void path_on_assessed(struct rep *r, uint32_t id) {
    const struct scenario *sc = r->sc;
    struct patient *p = &r->p[id];
    int to = p->assess_to;
    const struct sc_transfer *t = &sc->transfer[scenario_transfer(sc, p->unit, to)];
    units_delay_end(r, p->unit, p);
    p->state = P_IN_CARE; /* stay ended, deciding: not delayed for this instant */
    /* Drawn only when refusal is possible, so accept = 1 consumes nothing. */
    int accepted = t->accept >= 1 || rng_uniform(&p->rng) < t->accept;
    rec_assessed(r, to, t, r->now - p->t_assess, accepted);
    if (accepted) {
        arrive(r, id, to);
    } else {
        p->rejected = 1;
        proceed(r, id, route(&t->on_reject, &p->rng));
    }
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

/* Patients in care at time 0 have the time left in a stay under way at a random moment (the
 * equilibrium residual), so a run from a census starts in steady state. Delayed ones have
 * finished their stay and head for their next unit at once. Each has its own stream, keyed
 * apart from the arrival streams. */
void path_place_census(struct rep *r) {
    const struct scenario *sc = r->sc;
    const uint64_t CENSUS = 1ULL << 62;
    for (int pass = 0; pass < 2; pass++)
        for (size_t u = 0; u < sc->nunits; u++) {
            const struct sc_unit *su = &sc->unit[u];
            double n = pass == 0 ? su->init_in_care : su->init_delayed;
            for (double k = 0; k < n; k++) {
                uint32_t id = pool_new(r);
                struct patient *p = &r->p[id];
                uint64_t key = (uint64_t)k + (pass ? (uint64_t)su->init_in_care : 0);
                rng_seed_key(&p->rng, sc->seed, (uint64_t)r->rep, CENSUS | u, key);
                if (sc->aux_draws)
                    rng_seed_key(&p->aux, sc->seed, (uint64_t)r->rep, ~(CENSUS | u), key);
                p->group = draw_group(sc, &p->rng);
                units_occ_add(r, (int)u, +1, p);
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
