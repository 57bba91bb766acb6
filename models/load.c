/* load.c — the rough-cut capacity check of load.h: the traffic equations, solved by
 * Gauss-Seidel sweeps over the routing's edges, one case-mix group at a time. */
#include "load.h"

#include <math.h>
#include <string.h>

#include "sim/core.h"

/* Sweeps before the traffic is called unbounded: a loop that returns a share p of its patients
 * converges like p^k, so this is far beyond any care pathway (p = 0.999 needs some 30,000). */
#define LOAD_MAX_SWEEPS 200000
/* Sweeps x edges at most, so that a scenario of 10,000 units stays quick to validate. */
#define LOAD_MAX_WORK 4e8
/* A rejected referral re-routed by on_reject to another assessment, at most this deep. */
#define LOAD_MAX_REFERRALS 32

struct edge {
    int from, to;
    double p;
};

/* A visit to another unit on the way out of one (a step-down, a discharge-to-assess bed): a
 * share of the unit's patients enter `unit`, holding a place there `hold` days each on
 * average (already multiplied by the share), and leave by the routing of the visit. */
struct side {
    int from, unit;
    double share, hold;
};

/* Where the patients ending a stay in one unit go: a share to each unit, by index. */
struct outflow {
    double *to;   /* per unit */
    int *touched; /* the units with a share, each once */
    size_t n;
    double hold; /* days in the current bed for assessments, per patient */
    struct side *side;
    size_t nside, sidecap;
};

static void out_add(struct outflow *o, int u, double p) {
    if (o->to[u] == 0) o->touched[o->n++] = u;
    o->to[u] += p;
}

static void proceed(const struct scenario *sc, size_t g, int v, int d, double q, int depth,
                    int chc_done, struct outflow *o);

/* A share w of the patients leaving unit v (group g) routed by rt. */
static void depart(const struct scenario *sc, size_t g, int v, const struct route *rt, double w,
                   int depth, int chc_done, struct outflow *o) {
    for (size_t i = 0; i < rt->n; i++)
        proceed(sc, g, v, rt->dest[i], w * (rt->cum[i] - (i ? rt->cum[i - 1] : 0)), depth, chc_done,
                o);
}

/* The mean time a patient leaving unit v for d holds its place after the stay (and any
 * assessment): its internal delay, then the wait for the discharge hour, from a moment uniform
 * over the week (exact for Poisson arrivals; docs/model.md, "Leaving"). */
static double leaving(const struct scenario *sc, int v, int d) {
    const struct sc_unit *U = &sc->unit[v];
    if (!U->discharge || d == v) return 0;
    double m = U->has_dhours ? U->dhours_wait : 0;
    for (size_t k = 0; k < U->ninternal_to; k++)
        if (U->internal_to_dest[k] == d) return m + dist_mean(&U->internal_to[k]);
    return m + (U->has_internal ? dist_mean(&U->internal) : 0);
}

/* A transfer's re-offers (reoffer_after, up to max_offers m offers, each accepted with
 * probability p): adds to *hold the bed-days a share q of patients waits for them, E[D] times
 * the re-offers waited for, sum over k = 1 .. m - 1 of (1 - p)^k; returns the share accepted
 * in the end, 1 - (1 - p)^m. */
static double offers(const struct sc_transfer *T, double *hold, double q) {
    double p = T->accept, r = 1 - p, m = T->max_offers, waits;
    if (!(p > 0)) {
        waits = m - 1; /* finite: the loader refuses accept = 0 with endless offers */
    } else {
        double rm = isinf(m) ? 0 : pow(r, m);
        waits = r * (1 - (isinf(m) ? 0 : pow(r, m - 1))) / p;
        p = 1 - rm;
    }
    *hold += q * waits * dist_mean(&T->reoffer_after);
    return p;
}

/* A share q of unit v's patients heading for d (proceed in models/flow_pathways.c): home (and
 * back by readmission), a CHC referral (assessed in the bed, or in the interim unit), a new stay
 * in v, an assessment by a [transfer] (accepted: on to d; refused: on by on_reject from the same
 * bed) or straight to d; leaving, after the internal delay and the discharge hour. */
static void proceed(const struct scenario *sc, size_t g, int v, int d, double q, int depth,
                    int chc_done, struct outflow *o) {
    const struct unit_group *G = &sc->unit[v].g[g];
    const struct sc_chc *h = &sc->chc;
    if (!(q > 0) || depth > LOAD_MAX_REFERRALS) return;
    if (d == ROUTE_EXIT) {
        o->hold += q * leaving(sc, v, d);
        if (G->readmit > 0) out_add(o, G->readmit_to, q * G->readmit);
        return;
    }
    if (h->on && !chc_done && h->from[v] && h->to[d] && h->referral > 0) {
        double qr = q * h->referral, qi = qr * h->in_acute, qd = qr - qi,
               a = dist_mean(&h->assessment);
        q -= qr;
        /* In the bed: the decision, then on to eligible_to or where it was going. */
        o->hold += qi * a;
        if (h->eligible_to >= 0)
            proceed(sc, g, v, h->eligible_to, qi * h->eligible, depth + 1, 1, o);
        proceed(sc, g, v, d, qi * (1 - h->eligible), depth + 1, 1, o);
        if (qd > 0 && h->interim >= 0) {
            /* Discharged to assess: the interim stay lasts at least until the decision (its
             * mean taken as the larger of the two means: a rough cut). */
            int w = h->interim;
            double held = o->hold, stay = dist_mean(&sc->unit[w].g[g].stay);
            o->hold = 0;
            if (h->eligible_to >= 0)
                proceed(sc, g, w, h->eligible_to, qd * h->eligible, depth + 1, 1, o);
            proceed(sc, g, w, d, qd * (1 - h->eligible), depth + 1, 1, o);
            fs_grow((void **)&o->side, &o->sidecap, o->nside + 1, sizeof *o->side);
            o->side[o->nside++] = (struct side){v, w, qd, qd * (stay > a ? stay : a) + o->hold};
            o->hold = held;
        }
    }
    int t = d == v ? -1 : scenario_transfer(sc, v, d);
    if (t < 0) {
        o->hold += q * leaving(sc, v, d);
        out_add(o, d, q);
        return;
    }
    const struct sc_transfer *T = &sc->transfer[t];
    double pa = T->accept;
    o->hold += q * dist_mean(&T->assessment);
    if (T->has_reoffer) pa = offers(T, &o->hold, q);
    if (T->has_choice) o->hold += q * pa * dist_mean(&T->choice_time);
    o->hold += q * pa * leaving(sc, v, d);
    if (pa > 0) out_add(o, d, q * pa);
    if (pa < 1) depart(sc, g, v, &T->on_reject, q * (1 - pa), depth + 1, chc_done, o);
}

/* The mean of a stream's rate over [from, to): its by-date multipliers weighted by time (1
 * before the first); the hour-of-week profile has mean 1. */
static double mean_rate(const struct nhpp *p, double from, double to) {
    double sum = 0, m = 1, t = from;
    for (size_t i = 0; i <= p->nsteps; i++) {
        double next = i < p->nsteps ? p->step_t[i] : to;
        if (next > to) next = to;
        if (next > t) sum += m * (next - t), t = next;
        if (i < p->nsteps) m = p->step_m[i];
    }
    return p->rate * sum / (to - from);
}

/* A visit-based unit's places: the patients its slots a day, averaged over the days that begin
 * in [from, to), could carry at a patient's mean visits a day ((visits_initial + visits_final)
 * / 2 slots, twice that for the double-handed share); +infinity if any of those days is. */
static double visit_places(const struct sc_unit *u, double from, double to) {
    double sum = 0, days = 0;
    for (size_t d = (size_t)ceil(from); d < u->nvdays && (double)d < to; d++, days++)
        sum += u->vslots[d];
    double need = (u->visits_initial + u->visits_final) / 2 * (1 + u->double_handed);
    return days > 0 ? sum / days / need : INFINITY;
}

/* lambda = a + lambda P by Gauss-Seidel over the edges into each unit (in[off[u]..off[u+1])).
 * Returns 0, or 1 with +infinity where it did not settle. */
static int solve(size_t n, const double *a, const struct edge *e, size_t ne, double *lam) {
    size_t *off = fs_calloc(n + 1, sizeof *off), *at = fs_calloc(n + 1, sizeof *at);
    size_t *in = fs_calloc(ne + 1, sizeof *in);
    double *delta = fs_calloc(n, sizeof *delta);
    for (size_t k = 0; k < ne; k++) off[e[k].to + 1]++;
    for (size_t u = 0; u < n; u++) off[u + 1] += off[u], at[u] = off[u];
    for (size_t k = 0; k < ne; k++) in[at[e[k].to]++] = k;
    memcpy(lam, a, n * sizeof *lam);
    double work = 0;
    int settled = 0;
    for (long sweep = 0; sweep < LOAD_MAX_SWEEPS && work < LOAD_MAX_WORK && !settled; sweep++) {
        double change = 0, top = 0;
        for (size_t u = 0; u < n; u++) {
            double x = a[u];
            for (size_t j = off[u]; j < off[u + 1]; j++) x += lam[e[in[j]].from] * e[in[j]].p;
            delta[u] = fabs(x - lam[u]);
            if (delta[u] > change) change = delta[u];
            if (x > top) top = x;
            lam[u] = x;
        }
        settled = change <= 1e-14 * (1 + top);
        work += (double)(ne + n);
    }
    for (size_t u = 0; !settled && u < n; u++)
        if (delta[u] > 0) lam[u] = INFINITY;
    fs_free(off);
    fs_free(at);
    fs_free(in);
    fs_free(delta);
    return !settled;
}

int load_offered(const struct scenario *sc, struct load_unit *out) {
    size_t n = sc->nunits, ng = scenario_ngroups(sc);
    double from = sc->warmup, to = sc->horizon;
    double *a = fs_calloc(n, sizeof *a), *lam = fs_calloc(n, sizeof *lam);
    double *hold = fs_calloc(n, sizeof *hold),
           *rate = fs_calloc(sc->narrivals, sizeof *rate); /* each stream's mean rate */
    struct outflow o = {.to = fs_calloc(n, sizeof *o.to), .touched = fs_calloc(n, sizeof(int))};
    struct edge *e = NULL;
    size_t ne = 0, cap = 0;
    int unbounded = 0;
    for (size_t u = 0; u < n; u++) {
        const struct sc_unit *U = &sc->unit[u];
        double places = U->visits ? visit_places(U, from, to) : scenario_mean_capacity(U, from, to);
        /* Outbreaks close lambda E[K] E[D] places on average (an M/G/infinity of closures),
         * the rate averaged over the period as arrivals' are: places not open to the load. */
        if (U->outbreak)
            places = fmax(places - mean_rate(U->outbreak, from, to) * dist_mean(&U->outbreak_beds) *
                                       dist_mean(&U->outbreak_duration),
                          0);
        out[u] = (struct load_unit){.capacity = places};
    }
    for (size_t i = 0; i < sc->narrivals; i++) rate[i] = mean_rate(&sc->arrivals[i].nhpp, from, to);
    for (size_t g = 0; g < ng; g++) {
        ne = 0;
        o.nside = 0;
        for (size_t v = 0; v < n; v++) {
            const struct sc_unit *U = &sc->unit[v];
            double stay = dist_mean(&U->g[g].stay);
            /* A share s moves on to the step-down unit after a fraction f of the stay and
             * leaves from there, by its routing. */
            double s = U->step_down_to >= 0 ? U->step_down_share : 0, f = U->step_down_at;
            /* On a unit with discharge hours the step-down waits for one, its care going on
             * in v: the mean wait moves from the rest of the stay into v (a rough cut: the
             * wait is cut short by the stay's end only on average). */
            double sw = s > 0 && U->has_dhours ? fmin(U->dhours_wait, (1 - f) * stay) : 0;
            a[v] = 0;
            o.n = 0;
            o.hold = 0;
            /* escalate_to: a share e ends its stay at a fraction of it and goes straight to
             * that unit's door (a ward has no step_down: the loader refuses both) */
            double es = U->escalate_to >= 0 ? U->escalate_share : 0;
            depart(sc, g, (int)v, &U->g[g].next, (1 - s) * (1 - es), 0, 0, &o);
            if (es > 0) out_add(&o, U->escalate_to, es);
            hold[v] = stay * (1 - s * (1 - f) - es * (1 - U->escalate_at)) + s * sw + o.hold;
            if (s > 0) {
                int w = U->step_down_to;
                o.hold = 0;
                depart(sc, g, w, &sc->unit[w].g[g].next, s, 0, 0, &o);
                fs_grow((void **)&o.side, &o.sidecap, o.nside + 1, sizeof *o.side);
                o.side[o.nside++] = (struct side){(int)v, w, s, s * ((1 - f) * stay - sw) + o.hold};
            }
            for (size_t k = 0; k < o.n; k++) {
                int u = o.touched[k];
                fs_grow((void **)&e, &cap, ne + 1, sizeof *e);
                e[ne++] = (struct edge){(int)v, u, o.to[u]};
                o.to[u] = 0;
            }
        }
        for (size_t i = 0; i < sc->narrivals; i++)
            a[sc->arrivals[i].to] += rate[i] * scenario_stream_group_share(sc, i, g);
        unbounded |= solve(n, a, e, ne, lam);
        for (size_t v = 0; v < n; v++) {
            out[v].arrivals += lam[v];
            out[v].load += lam[v] * hold[v];
        }
        for (size_t k = 0; k < o.nside; k++) {
            const struct side *x = &o.side[k];
            out[x->unit].arrivals += lam[x->from] * x->share;
            out[x->unit].load += lam[x->from] * x->hold;
        }
    }
    /* An ambulance handover (handover_time) holds the cubicle before the A&E stay begins: the
     * streams' ambulance patients, whatever their group (the share is drawn per patient). */
    for (size_t i = 0; i < sc->narrivals; i++) {
        const struct sc_arrivals *A = &sc->arrivals[i];
        const struct sc_unit *U = &sc->unit[A->to];
        if (A->ambulance > 0 && U->has_handover_time)
            out[A->to].load +=
                mean_rate(&A->nhpp, from, to) * A->ambulance * dist_mean(&U->handover_time);
    }
    for (size_t u = 0; u < n; u++)
        out[u].stay = out[u].arrivals > 0 ? out[u].load / out[u].arrivals : NAN;
    fs_free(a);
    fs_free(lam);
    fs_free(hold);
    fs_free(rate);
    fs_free(o.to);
    fs_free(o.touched);
    fs_free(o.side);
    fs_free(e);
    return unbounded;
}

void load_pct(const struct scenario *sc, double *pct) {
    struct load_unit *lu = fs_calloc(sc->nunits + 1, sizeof *lu);
    load_offered(sc, lu);
    for (size_t u = 0; u < sc->nunits; u++) {
        const struct load_unit *x = &lu[u];
        if (isinf(x->capacity) || !(x->load > 0 || x->capacity > 0))
            pct[u] = NAN;
        else
            pct[u] = x->capacity > 0 ? 100 * x->load / x->capacity : INFINITY;
    }
    fs_free(lu);
}
