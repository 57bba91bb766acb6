/* flow_deadlock.c — a blocking deadlock, found and timed: a set S of units, each full, every
 * patient holding a place in them blocked (its stay over) in the queue of another unit of S,
 * and nothing that could end: no stay, assessment or CHC decision running in them, no patience
 * that could take a blocked patient out of a queue, no surge places still to open. Nobody in
 * S can ever move again, unless a capacity change adds places (a schedule row, surge): the
 * freeze is then re-judged, and a thaw recorded.
 *
 * The check costs O(units + routes) from counts the engine keeps anyway (occupancy, delayed
 * patients, and delayed patients by the unit they wait for: await_tw); only a unit holding
 * patients whose wait is counted elsewhere (refused by a service, waiting for a unit they
 * were diverted to) makes it walk the queues of the units still in the set. It runs once a
 * simulated day, before each report window closes and after a capacity change: the set, once
 * frozen, stays frozen until a capacity change, so a daily check finds it, and the moment it
 * froze is read back from the time its units last changed. */
#include <math.h>
#include <string.h>

#include "flow_int.h"
#include "sim/core.h"

/* Could unit u be in a frozen set, by its own counts? Full, every place held by a patient
 * waiting to move on, none of them in an assessment, a CHC decision, an internal delay or a
 * wait for the discharge hour (each ends by itself), no patience in its
 * queue (a patient blocked waiting for it could give up, freeing its place upstream), and no
 * surge places still to open. */
static int candidate(const struct rep *r, int u) {
    const struct unit_rt *U = &r->u[u];
    const struct sc_unit *su = &r->sc->unit[u];
    /* A&E's corridor patients are delayed without a place: with them the unit is full of
     * blocked patients when its places and its corridor are. */
    return U->occ > 0 && U->occ >= U->cap && U->delayed == U->occ + U->corr &&
           U->corr >= su->corridor_capacity && U->assess_tw.value == 0 && U->chc_tw.value == 0 &&
           U->int_tw.value == 0 && U->dh_tw.value == 0 && !su->has_patience &&
           !(su->surge_capacity > 0 && !U->surging);
}

/* Patients of unit u counted as waiting for units still in the set (*in_set), and delayed
 * patients whose awaited unit is not counted (*other: refused by a service, or waiting on a
 * pair no slot reports): all of u's delayed less its assessments, CHC and counted waits. */
static void await_counts(const struct rep *r, int u, double *in_set, double *other) {
    const struct metric_layout *ml = r->ml;
    *in_set = 0;
    for (size_t k = ml->await_off[u]; k < ml->await_off[u + 1]; k++)
        if (r->dl_in[ml->await_to[k]]) *in_set += r->await_tw[k].value;
    *other = r->u[u].delayed - r->u[u].assess_tw.value - r->u[u].chc_tw.value;
    for (size_t k = ml->await_off[u]; k < ml->await_off[u + 1]; k++) *other -= r->await_tw[k].value;
}

/* The exact count, by walking the queues of the units in the set: patients of each unit in
 * the set blocked in the queue of a unit in the set, into r->dl_cnt. */
static void walk_queues(struct rep *r) {
    size_t n = r->sc->nunits;
    memset(r->dl_cnt, 0, n * sizeof *r->dl_cnt);
    for (size_t v = 0; v < n; v++) {
        if (!r->dl_in[v]) continue;
        for (uint32_t id = r->u[v].qhead; id != NONE; id = r->p[id].link) {
            const struct patient *p = &r->p[id];
            if (p->state == P_BLOCKED && p->unit >= 0 && r->dl_in[p->unit]) r->dl_cnt[p->unit]++;
        }
    }
}

/* The largest frozen set now, into r->dl_in; how many units it has. */
static size_t frozen_set(struct rep *r) {
    size_t n = r->sc->nunits, k = 0;
    for (size_t u = 0; u < n; u++) k += r->dl_in[u] = (uint8_t)candidate(r, (int)u);
    if (k == 0) return 0;
    /* Drop units with a patient waiting outside the set until none is left to drop. */
    int walk = 0;
    for (int changed = 1; changed && k > 0;) {
        changed = 0;
        for (size_t u = 0; u < n; u++) {
            if (!r->dl_in[u]) continue;
            double in_set, other;
            await_counts(r, (int)u, &in_set, &other);
            if (in_set + other < r->u[u].occ + r->u[u].corr) {
                r->dl_in[u] = 0, k--, changed = 1;
            } else if (other > 0) {
                walk = 1;
            }
        }
    }
    /* Some waits are counted by reason, not by awaited unit: count those units exactly. */
    for (int changed = walk; changed && k > 0;) {
        changed = 0;
        walk_queues(r);
        for (size_t u = 0; u < n; u++)
            if (r->dl_in[u] && r->dl_cnt[u] < r->u[u].occ + r->u[u].corr)
                r->dl_in[u] = 0, k--, changed = 1;
    }
    return k;
}

/* Both are rare beside the events (once a day or a bucket): kept out of line, and the loop's
 * test for them marked unlikely, so that the event loop stays as tight as it was (inlined by
 * the link-time optimiser, M2 took 3-5% more CPU; out of line, within 1%). */
__attribute__((noinline, cold)) void dl_account(struct rep *r, double t) {
    if (isnan(r->dl_since)) return;
    if (t > r->dl_mark) rec_deadlocked(r, t - r->dl_mark);
    r->dl_mark = t;
}

__attribute__((noinline, cold)) void dl_check(struct rep *r) {
    int was = !isnan(r->dl_since);
    size_t k = frozen_set(r);
    struct flow_result *res = r->res;
    if (k > 0 && !was) {
        /* It froze when the last of its units last changed: nothing in them has moved since. */
        double t = 0;
        for (size_t u = 0; u < r->sc->nunits; u++)
            if (r->dl_in[u]) {
                const struct unit_rt *U = &r->u[u];
                t = fmax(t, fmax(U->occ_tw.t_last, fmax(U->del_tw.t_last, U->cap_tw.t_last)));
            }
        r->dl_since = t;
        /* The open window began after any earlier time, or the check before it had found the
         * freeze: its length counts from t. */
        r->dl_mark = t;
        if (isnan(res->frozen_at)) res->frozen_at = t;
        res->frozen_last = t;
    } else if (k == 0 && was) {
        dl_account(r, r->now);
        r->dl_since = NAN;
        res->thaws++;
        res->thawed_last = r->now;
    }
    for (size_t u = 0; k > 0 && u < r->sc->nunits; u++) res->deadlocked[u] |= r->dl_in[u];
    res->frozen_end = k > 0;
}
