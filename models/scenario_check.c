/* scenario_check.c — checks of the scenario as a whole once every section is built: values
 * that scenario.resolved.ini could not hold (refused), loops of units that patients could go
 * round without the clock moving (refused), and the plausible slips that load but are kept as
 * warnings (a duration without a unit, an A&E stay of days). Calls only scenario_write.c,
 * scenario_read.c and scenario_query.c. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "scenario_int.h"
#include "sim/core.h"

/* What can follow what for a patient, with the mean time it takes: node u (< nunits) is a
 * patient at unit u's door or starting a stay there, node nunits + u the end of a stay in u
 * (where next?), node 2 nunits + t an assessment for transfer t. Only the steps that average
 * under FS_MIN_LOOP_STEP_DAYS are kept: a cycle of them is a loop patients could go round for
 * ever without the clock moving. Each step's own typical time (typical: its mean, or its median
 * when shorter) is compared, so the check errs towards refusing: a loop of such steps is not a
 * care pathway anyway. */
struct loop_edge {
    int a, b;
};

struct loop_graph {
    size_t nnodes, n, cap; /* the last node is out of the system: home, lost, gone */
    struct loop_edge *e;
    double below; /* the steps kept: those whose typical time is under this */
    size_t gi;    /* the group whose routing it is */
};

static void loop_step(struct loop_graph *g, size_t a, size_t b, double days) {
    if (!(days < g->below)) return;
    fs_grow((void **)&g->e, &g->cap, g->n + 1, sizeof *g->e);
    g->e[g->n++] = (struct loop_edge){(int)a, (int)b};
}

/* What a step typically takes: its mean, or its median when that is shorter. A duration that
 * is almost always near zero with a long tail (weibull(0.01, 1e-160d), gamma(1d, 1000d)) has a
 * respectable mean but goes round a loop millions of times before the clock moves. */
static double typical(const struct dist *d) {
    double m = dist_mean(d), q = dist_median(d);
    return q < m ? q : m;
}

/* The internal delay typical of a departure from u for d (ROUTE_EXIT: home), as the engine
 * picks it (models/flow_pathways.c, internal_delay): internal_delay_to's for d, else
 * internal_delay's, else none; and none back to u itself (a new stay in the same place). It
 * is part of the step that leaves, after any assessment for the move. */
static double loop_internal(const struct scenario *sc, int u, int d) {
    const struct sc_unit *U = &sc->unit[u];
    if (d == u) return 0;
    for (size_t k = 0; k < U->ninternal_to; k++)
        if (U->internal_to_dest[k] == d) return typical(&U->internal_to[k]);
    return U->has_internal ? typical(&U->internal) : 0;
}

/* Where a patient whose stay in u ended goes for dest d (proceed in models/flow_pathways.c):
 * home, its own place again, an assessment, or d's door; the move's own internal delay, when
 * no assessment comes first, is part of the step. */
static void loop_proceed(const struct scenario *sc, struct loop_graph *g, int u, int d,
                         double days) {
    size_t n = sc->nunits;
    if (d == ROUTE_EXIT) {
        /* going home, for good unless every one is readmitted (a step of its own) */
        if (sc->unit[u].g[g->gi].readmit < 1)
            loop_step(g, n + (size_t)u, g->nnodes - 1, days + loop_internal(sc, u, d));
        return;
    }
    int t = d == u ? -1 : scenario_transfer(sc, u, d);
    loop_step(g, n + (size_t)u, t < 0 ? (size_t)d : 2 * n + (size_t)t,
              days + (t < 0 ? loop_internal(sc, u, d) : 0));
}

static void loop_steps(const struct scenario *sc, size_t gi, struct loop_graph *g) {
    size_t n = sc->nunits, out = g->nnodes - 1;
    g->n = 0;
    g->gi = gi;
    for (size_t u = 0; u < n; u++) {
        const struct sc_unit *U = &sc->unit[u];
        const struct unit_group *G = &U->g[gi];
        double stay = typical(&G->stay);
        loop_step(g, u, n + u, stay);
        if (U->step_down_to >= 0 && U->step_down_share > 0) {
            /* The rest of the stay is spent in the step-down unit, and ends there. */
            size_t v = (size_t)U->step_down_to;
            loop_step(g, u, v, U->step_down_at * stay);
            loop_step(g, v, n + v, (1 - U->step_down_at) * stay);
        }
        for (size_t i = 0; i < G->next.n; i++) loop_proceed(sc, g, (int)u, G->next.dest[i], 0);
        if (U->escalate_to >= 0 && U->escalate_share > 0)
            loop_step(g, u, (size_t)U->escalate_to, U->escalate_at * stay);
        if (G->readmit > 0)
            loop_step(g, n + u, (size_t)G->readmit_to,
                      loop_internal(sc, (int)u, ROUTE_EXIT) + typical(&G->readmit_after));
        if (U->when_full == FULL_DIVERT) loop_step(g, u, (size_t)U->divert, 0);
        if (U->when_full == FULL_LOSE) loop_step(g, u, out, 0);
        if (U->has_patience)
            loop_step(g, u, U->patience_to >= 0 ? (size_t)U->patience_to : out,
                      typical(&U->patience));
    }
    for (size_t t = 0; t < sc->ntransfers; t++) {
        const struct sc_transfer *T = &sc->transfer[t];
        const struct unit_group *G = &sc->unit[T->from].g[gi];
        double a = typical(&T->assessment);
        /* Accepted: the internal delay of the move after the assessment. */
        if (T->accept > 0)
            loop_step(g, 2 * n + t, (size_t)T->to, a + loop_internal(sc, T->from, T->to));
        /* Refused: on from where the patient is, by on_reject (home, or another referral). */
        for (size_t i = 0; T->accept < 1 && i < T->on_reject.n; i++) {
            int w = T->on_reject.dest[i];
            int t2 = w == ROUTE_EXIT || w == T->from ? -1 : scenario_transfer(sc, T->from, w);
            double leave = a + (t2 < 0 ? loop_internal(sc, T->from, w) : 0);
            if (w == ROUTE_EXIT && G->readmit < 1) loop_step(g, 2 * n + t, out, leave);
            if (w == ROUTE_EXIT && G->readmit > 0)
                loop_step(g, 2 * n + t, (size_t)G->readmit_to, leave + typical(&G->readmit_after));
            else if (w != ROUTE_EXIT)
                loop_step(g, 2 * n + t, t2 < 0 ? (size_t)w : 2 * n + (size_t)t2, leave);
        }
    }
    const struct sc_chc *h = &sc->chc;
    if (h->on) {
        double a = typical(&h->assessment);
        for (size_t u = 0; u < n; u++) {
            if (!h->from[u]) continue;
            if (h->eligible_to >= 0) loop_proceed(sc, g, (int)u, h->eligible_to, a);
            if (h->interim >= 0) loop_proceed(sc, g, (int)u, h->interim, 0);
        }
        /* Decided at the end of the interim stay (or of the stay of one who gave up waiting
         * for it): on to eligible_to or where it was going. */
        int at[2] = {h->interim, h->interim >= 0 && sc->unit[h->interim].has_patience
                                     ? sc->unit[h->interim].patience_to
                                     : -1};
        for (int k = 0; k < 2; k++) {
            if (at[k] < 0) continue;
            /* found ineligible, on to where it was going, which may be home */
            loop_step(g, n + (size_t)at[k], out, 0);
            if (h->eligible_to >= 0) loop_proceed(sc, g, at[k], h->eligible_to, 0);
            for (size_t v = 0; v < n; v++)
                if (h->to[v]) loop_proceed(sc, g, at[k], (int)v, 0);
        }
    }
}

/* The unit a node of the graph is about (an assessment is in its FROM unit's bed). */
static int loop_unit(const struct scenario *sc, int x) {
    size_t n = sc->nunits;
    if ((size_t)x < 2 * n) return (int)((size_t)x % n);
    return sc->transfer[(size_t)x - 2 * n].from;
}

/* What a node is named by in a message: its unit (a door and the end of a stay there are one
 * unit), or its referral. */
static int loop_step_id(const struct scenario *sc, int x) {
    size_t n = sc->nunits;
    return (size_t)x < 2 * n ? (int)((size_t)x % n) : x;
}

static void loop_label(const struct scenario *sc, int x, char *buf, size_t len) {
    size_t n = sc->nunits;
    if ((size_t)x < 2 * n) {
        snprintf(buf, len, "%s", sc->unit[(size_t)x % n].name);
        return;
    }
    const struct sc_transfer *t = &sc->transfer[(size_t)x - 2 * n];
    snprintf(buf, len, "referral %s->%s", sc->unit[t->from].name, sc->unit[t->to].name);
}

/* A cycle of g as nodes path[0..*len) (path[0] repeated at the end not included), or 0. */
static int loop_find(const struct loop_graph *g, int *path, size_t *len) {
    size_t nn = g->nnodes;
    size_t *off = fs_calloc(nn + 1, sizeof *off), *it = fs_calloc(nn, sizeof *it);
    int *adj = fs_calloc(g->n + 1, sizeof *adj), *pos = fs_calloc(nn, sizeof *pos);
    unsigned char *color = fs_calloc(nn, 1); /* 0 unseen, 1 on the path, 2 done */
    for (size_t i = 0; i < g->n; i++) off[g->e[i].a + 1]++;
    for (size_t x = 0; x < nn; x++) off[x + 1] += off[x];
    for (size_t x = 0; x < nn; x++) it[x] = off[x];
    for (size_t i = 0; i < g->n; i++) adj[it[g->e[i].a]++] = g->e[i].b;
    for (size_t x = 0; x < nn; x++) it[x] = off[x];
    int found = 0;
    for (size_t root = 0; root < nn && !found; root++) {
        if (color[root]) continue;
        size_t depth = 0;
        path[depth++] = (int)root;
        color[root] = 1;
        while (depth && !found) {
            int x = path[depth - 1];
            if (it[x] == off[x + 1]) {
                color[x] = 2;
                depth--;
                continue;
            }
            int y = adj[it[x]++];
            if (color[y] == 0) {
                pos[y] = (int)depth;
                path[depth++] = y;
                color[y] = 1;
            } else if (color[y] == 1) {
                /* the cycle: y and what the path added after it */
                memmove(path, path + pos[y], (depth - (size_t)pos[y]) * sizeof *path);
                *len = depth - (size_t)pos[y];
                found = 1;
            }
        }
        pos[root] = 0;
    }
    fs_free(off);
    fs_free(it);
    fs_free(adj);
    fs_free(pos);
    fs_free(color);
    return found;
}

/* ---- warnings: what loads but is probably not what was meant -------------------------------- */

/* An A&E stay of a day or more on average: A&E stays are hours (the 4-hour standard), and a
 * stay meant in hours but written without a unit is days. */
static void warn_ae_stay(struct ctx *c, size_t u, const struct doc_entry *e) {
    const struct sc_unit *U = &c->sc->unit[u];
    const char *dot = strchr(e->key, '.');
    int g = dot ? group_index(c->sc, dot + 1) : -1;
    double mean = dist_mean(g >= 0 ? &U->g[g].stay : &U->stay);
    if (!(mean > 1)) return;
    char why[FS_MSG_MAX];
    snprintf(why, sizeof why,
             "%s: an A&E stay (kind = ae) with a mean of %.3g days: A&E stays are hours, "
             "judged against 4 hours (was it meant in hours?)",
             e->key, mean);
    doc_warn(c->d, e->file, e->line, why);
}

/* An ambulance handover of a day or more on average: handovers are minutes (handovers_30m,
 * _45m, _60m), and a time meant in minutes but written without a unit is days. */
static void warn_handover(struct ctx *c, size_t u, const struct doc_entry *e) {
    double mean = dist_mean(&c->sc->unit[u].handover_time);
    if (!(mean >= 1)) return;
    char why[FS_MSG_MAX];
    snprintf(why, sizeof why,
             "%s: an ambulance handover with a mean of %.3g days: handovers are minutes, "
             "judged against 30, 45 and 60 minutes (was it meant in minutes?)",
             e->key, mean);
    doc_warn(c->d, e->file, e->line, why);
}

/* key, or KEY.GROUP of it. */
static int is_key(const char *key, const char *name) {
    size_t n = strlen(name);
    return !strncmp(key, name, n) && (key[n] == 0 || key[n] == '.');
}

/* Given in the file or by --set, not a default the loader filled in. */
static int given(const struct doc_section *s, const struct doc_entry *e) {
    return e->line > 0 || e->file != s->file;
}

static void leaves_for(const struct scenario *sc, int u, unsigned char *to);

/* Whether a unit is never full: unlimited places at every time and no hours closed to
 * admissions, so nobody ever queues at its door. */
static int never_full(const struct sc_unit *U) {
    int inf = isinf(U->capacity);
    for (size_t i = 0; i < U->nsched; i++) inf &= isinf(U->sched_cap[i]);
    return inf && !U->ahours && !U->visits;
}

/* Whether a patient sent to v may have to wait for it, holding its place where it is: v may
 * be full and queues, or diverts to a unit that may (a chain of diverts ends: build). */
static int may_block(const struct scenario *sc, int v) {
    const struct sc_unit *V = &sc->unit[v];
    if (never_full(V) || V->when_full == FULL_LOSE) return 0;
    return V->when_full == FULL_QUEUE || may_block(sc, V->divert);
}

/* Whether some patient leaving u may wait for its next unit (A&E's corridor holds them). */
static int leaves_to_wait(const struct scenario *sc, size_t u) {
    unsigned char *to = fs_malloc(sc->nunits + 1);
    leaves_for(sc, (int)u, to);
    int any = 0;
    for (size_t v = 0; v < sc->nunits && !any; v++) any = to[v] && may_block(sc, (int)v);
    fs_free(to);
    return any;
}

/* Whether internal_delay_to names every destination u's patients leave for, leaving
 * internal_delay none. */
static int internal_to_all(const struct scenario *sc, size_t u) {
    const struct sc_unit *U = &sc->unit[u];
    size_t n = sc->nunits;
    unsigned char *to = fs_malloc(n + 1);
    leaves_for(sc, (int)u, to);
    for (size_t k = 0; k < U->ninternal_to; k++) {
        int d = U->internal_to_dest[k];
        to[d == ROUTE_EXIT ? n : (size_t)d] = 0;
    }
    /* readmission is a way home too: its delay is exit's */
    int all = 1;
    for (size_t v = 0; v <= n && all; v++) all = !to[v];
    fs_free(to);
    return all;
}

/* A key given where nothing reads it, or whose every reading changes nothing: what it needs to
 * have an effect. Only the clear cases: a value that is the key's "none" (ambulance = 0,
 * discharge_any_hour = 0, corridor_capacity = 0) is no slip. */
/* Whether some unit may hold a queue: it queues and may be full. */
static int any_queue(const struct scenario *sc) {
    for (size_t u = 0; u < sc->nunits; u++)
        if (sc->unit[u].when_full == FULL_QUEUE && !never_full(&sc->unit[u])) return 1;
    return 0;
}

static const char *no_effect(const struct scenario *sc, const char *type, size_t u,
                             const struct doc_entry *e) {
    if (!strcmp(type, "unit")) {
        const struct sc_unit *U = &sc->unit[u];
        if (is_key(e->key, "handover_time") && U->has_handover_time && !U->has_ambulance)
            return "has no effect without ambulance patients (no [arrivals] stream to this unit "
                   "has ambulance > 0: the handover is theirs)";
        if (is_key(e->key, "corridor_capacity") && U->corridor_capacity > 0 &&
            !leaves_to_wait(sc, u))
            return "has no effect: none of this unit's patients goes on to a unit that can be "
                   "full and make it wait (by next, a group's next.GROUP, a [transfer]'s "
                   "on_reject or [chc]), so nobody waits in its corridor";
        if (is_key(e->key, "internal_delay") && U->has_internal && internal_to_all(sc, u))
            return "has no effect: internal_delay_to names every destination this unit's "
                   "patients leave for, so their delays are its";
        if (is_key(e->key, "discharge_any_hour") && U->has_dhours && U->any_hour >= 1)
            return "has no effect on when patients leave: at 1 every departure leaves at any "
                   "hour, so discharge_hour_of_week's hours (and discharge_rate) hold nobody "
                   "back (its discharge measures are still reported)";
        if (is_key(e->key, "admission_hour_of_week") && U->ahours &&
            isinf(nhpp_next_closed(U->ahours, 0)))
            return "has no effect: every hour has a weight above 0, so the unit admits at "
                   "every hour (a weight of 0 closes an hour)";
        if (is_key(e->key, "discharge_hour_of_week") && U->has_dhours && U->dhours_inf) {
            /* A flat profile is the documented way to turn the measures on and change nothing:
             * the slip is hours of different weights, none 0, whose differences do nothing. */
            int flat = 1;
            for (int h = 0; h < 168; h++) flat &= U->dhours->how[h] == U->dhours->how[0];
            if (!flat && isinf(nhpp_next_closed(U->dhours, 0)))
                return "has no effect on when patients leave: every hour has a weight above 0 "
                       "and discharge_rate is inf, so every departure leaves at once and the "
                       "weights' differences do nothing (a weight of 0 closes an hour to "
                       "discharges, a finite discharge_rate makes the weights rates)";
        }
        if (is_key(e->key, "patience") && U->has_patience && never_full(U))
            return "has no effect on a unit that is never full (capacity inf, no admission "
                   "hours): nobody queues there to give up";
        if ((is_key(e->key, "surge_on") || is_key(e->key, "surge_after") ||
             is_key(e->key, "surge_off")) &&
            !(U->surge_capacity > 0))
            return "has no effect without surge_capacity > 0 (no surge places to open)";
        if ((is_key(e->key, "readmit_after") || is_key(e->key, "readmit_to")) &&
            !(U->readmit_any > 0))
            return "has no effect without readmit > 0 (nobody is readmitted)";
    }
    if (!strcmp(type, "escalation") && is_key(e->key, "check_every") &&
        !(sc->esc.check_every < sc->horizon))
        return "has no effect: the first review would come at or after the horizon, so the level "
               "stays 0 and no action is taken";
    if ((!strcmp(type, "group") || !strcmp(type, "arrivals")) && is_key(e->key, "priority") &&
        strtol(e->value, NULL, 10) != 0 && !any_queue(sc))
        return "has no effect: no unit queues (when_full = queue on a unit that can fill), so "
               "there is no queue to order";
    if (!strcmp(type, "arrivals") && is_key(e->key, "ambulance") &&
        sc->unit[sc->arrivals[u].to].kind != UNIT_AE) {
        double share = strtod(e->value, NULL);
        if (share > 0)
            return "has no effect at a unit that is not kind = ae (ambulance handovers are "
                   "A&E's)";
    }
    return NULL;
}

/* A visit schedule that cuts the slots, from some day to the horizon, below what one patient
 * may need on a day: a patient needing more, at the head of the queue, would wait there with
 * everyone behind it to the horizon (first come first served), while slots stand free. */
static void warn_visits_cut(struct ctx *c, size_t u, const struct doc_entry *e) {
    const struct sc_unit *U = &c->sc->unit[u];
    double need = fmax(U->visits_initial, U->visits_final) * (U->double_handed > 0 ? 2 : 1);
    size_t d = U->nvdays;
    while (d > 0 && U->vslots[d - 1] < need && U->vslots[d - 1] > 0) d--;
    if (d == U->nvdays || d == 0) return;
    char text[FS_MSG_MAX];
    snprintf(text, sizeof text,
             "%s: from day %zu to the horizon the unit has fewer than the %g slots a day one "
             "patient may need (visits_initial, visits_final, two for a double-handed visit): "
             "such a patient would wait at the head of the queue, and everyone behind it, to the "
             "horizon",
             e->key, d, need);
    doc_warn(c->d, e->file, e->line, text);
}

static void check_warnings(struct ctx *c) {
    struct doc *d = c->d;
    size_t u = 0, a = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct doc_section *s = &d->s[i];
        int unit = !strcmp(s->type, "unit"), arrivals = !strcmp(s->type, "arrivals"),
            group = !strcmp(s->type, "group"), escalation = !strcmp(s->type, "escalation");
        for (size_t k = 0; k < s->n; k++) {
            const struct doc_entry *e = &s->e[k];
            /* The loader's notes on it: a duration without a unit (note_bare_duration). */
            for (size_t n = 0; n < c->nnotes; n++)
                if (c->notes[n].key == e->key) doc_warn(d, e->file, e->line, c->notes[n].text);
            if (unit && c->sc->unit[u].kind == UNIT_AE && is_key(e->key, "stay"))
                warn_ae_stay(c, u, e);
            if (unit && c->sc->unit[u].has_handover_time && is_key(e->key, "handover_time"))
                warn_handover(c, u, e);
            if (unit && c->sc->unit[u].visits && is_key(e->key, "visit_slots_schedule"))
                warn_visits_cut(c, u, e);
            const char *why = given(s, e) && (unit || arrivals || group || escalation)
                                  ? no_effect(c->sc, s->type, unit ? u : a, e)
                                  : NULL;
            if (why) {
                char text[FS_MSG_MAX];
                snprintf(text, sizeof text, "%s: %s", e->key, why);
                doc_warn(d, e->file, e->line, text);
            }
        }
        u += unit;
        a += arrivals;
    }
}

const char *const *scenario_warnings(const struct scenario *sc, size_t *n) {
    *n = sc->doc.nwarn;
    return (const char *const *)sc->doc.warn;
}

/* Every value, as the loader leaves it (tables' paths made absolute, defaults filled in), can
 * be written into scenario.resolved.ini and calibrated.ini so that they load back: refused
 * here, where it entered (its file and line, or its --set), rather than in a results folder
 * whose scenario cannot be run again. */
static int check_writable(struct ctx *c) {
    for (size_t i = 0; i < c->d->n; i++) {
        const struct doc_entry *bad = NULL;
        char why[FS_MSG_MAX];
        if (resolved_check(&c->d->s[i], &bad, why, sizeof why)) return key_fail(c, bad, why);
    }
    return 0;
}

/* Mark in seen[] every node reachable from those already marked (queue[0..n)), along the
 * edges adj[off[x]..off[x+1]). */
static void reach(const size_t *off, const int *adj, unsigned char *seen, int *queue, size_t n) {
    for (size_t h = 0; h < n; h++)
        for (size_t i = off[queue[h]]; i < off[queue[h] + 1]; i++)
            if (!seen[adj[i]]) {
                seen[adj[i]] = 1;
                queue[n++] = adj[i];
            }
}

/* Edges of g from a to b (rev: from b to a) as adjacency lists off[nnodes + 1], adj[g->n]. */
static void loop_adjacency(const struct loop_graph *g, int rev, size_t *off, int *adj) {
    memset(off, 0, (g->nnodes + 1) * sizeof *off);
    for (size_t i = 0; i < g->n; i++) off[(rev ? g->e[i].b : g->e[i].a) + 1]++;
    for (size_t x = 0; x < g->nnodes; x++) off[x + 1] += off[x];
    size_t *at = fs_calloc(g->nnodes, sizeof *at);
    for (size_t i = 0; i < g->n; i++) {
        int a = rev ? g->e[i].b : g->e[i].a, b = rev ? g->e[i].a : g->e[i].b;
        adj[off[a] + at[a]++] = b;
    }
    fs_free(at);
}

/* Units patients can reach (from an arrival's door, a census or today's patients) but never
 * leave: no route out of them, however long it takes, leads out of the system (home, lost,
 * out of area). Such patients pile up for the whole run, each still making events, so the
 * work grows as the horizon squared: a unit whose next is only itself, a referral refused
 * back to its own bed for ever, every patient readmitted. Refused, naming the units. */
static int check_closed(struct ctx *c) {
    const struct scenario *sc = c->sc;
    size_t n = sc->nunits;
    struct loop_graph g = {.nnodes = 2 * n + sc->ntransfers + 1, .below = INFINITY};
    size_t nn = g.nnodes, *off = fs_calloc(nn + 1, sizeof *off);
    int *queue = fs_calloc(nn, sizeof *queue), rc = 0;
    unsigned char *out = fs_calloc(nn, 1), *in = fs_calloc(nn, 1);
    for (size_t gi = 0; gi < scenario_ngroups(sc) && rc == 0; gi++) {
        if (sc->ngroups && !(sc->group[gi].share > 0)) continue;
        loop_steps(sc, gi, &g);
        int *adj = fs_calloc(g.n + 1, sizeof *adj);
        /* the nodes from which the way out can be reached */
        loop_adjacency(&g, 1, off, adj);
        memset(out, 0, nn);
        out[nn - 1] = 1;
        queue[0] = (int)(nn - 1);
        reach(off, adj, out, queue, 1);
        /* the nodes patients reach */
        loop_adjacency(&g, 0, off, adj);
        memset(in, 0, nn);
        size_t k = 0;
        for (size_t a = 0; a < sc->narrivals; a++)
            if (!in[sc->arrivals[a].to])
                in[sc->arrivals[a].to] = 1, queue[k++] = sc->arrivals[a].to;
        for (size_t u = 0; u < n; u++) {
            const struct sc_unit *U = &sc->unit[u];
            if (!in[u] && U->init_in_care + U->init_delayed + U->init_queue > 0)
                in[u] = 1, queue[k++] = (int)u;
        }
        for (size_t p = 0; p < sc->npatients; p++)
            if (!in[sc->patients[p].unit])
                in[sc->patients[p].unit] = 1, queue[k++] = sc->patients[p].unit;
        reach(off, adj, in, queue, k);
        size_t x = 0;
        while (x < nn && !(in[x] && !out[x])) x++;
        if (x < nn) {
            /* Everything x leads to is as closed: name its units, in the scenario's order. */
            memset(in, 0, nn);
            in[x] = 1;
            queue[0] = (int)x;
            reach(off, adj, in, queue, 1);
            unsigned char *named = out; /* no longer needed: the units named */
            memset(named, 0, nn);
            char units[FS_MSG_MAX] = "";
            int shown = 0, first = -1;
            for (size_t y = 0; y < 2 * n + sc->ntransfers; y++) {
                int u = loop_unit(sc, (int)y);
                if (!in[y] || named[u]) continue;
                named[u] = 1;
                if (first < 0) first = u;
                size_t at = strlen(units);
                if (shown++ == 8) {
                    snprintf(units + at, sizeof units - at, ", ...");
                    break;
                }
                snprintf(units + at, sizeof units - at, "%s%s", shown > 1 ? ", " : "",
                         sc->unit[u].name);
            }
            char group[FS_MSG_MAX] = "";
            if (sc->ngroups) snprintf(group, sizeof group, " of group %s", sc->group[gi].name);
            const struct doc_section *s = c->usec[first];
            rc = failf(c, s->file, s->line,
                       "[unit %s]: expected a way out: patients%s who reach %s never leave (no "
                       "route from there leads home or out: next, on_reject, patience, "
                       "when_full = lose, readmit below 1), so they pile up for the whole run: "
                       "give one of these routes an exit",
                       sc->unit[first].name, group, units);
        }
        fs_free(adj);
    }
    fs_free(g.e);
    fs_free(off);
    fs_free(queue);
    fs_free(out);
    fs_free(in);
    return rc;
}

/* ---- keys about one route: a route that is taken ------------------------------------------ */

/* Where patients whose stay in u has ended may leave u for (proceed in models/flow_pathways.c),
 * into to[0..nunits] (to[nunits]: exit): any group's next, the on_reject of a [transfer] from
 * u, a [chc] decision (eligible_to or the interim unit from a `from` unit; from the interim
 * unit, or where those who give up waiting for it go, eligible_to or a `to` unit), or a
 * waits_for of today's patients in u. Not u itself: a patient routed back to its own unit
 * starts a new stay in the place it holds, and leaves nothing. Not a [transfer]'s TO either:
 * a transfer assesses a move that these routes make. */
static void leaves_for(const struct scenario *sc, int u, unsigned char *to) {
    size_t n = sc->nunits;
    memset(to, 0, n + 1);
    const struct sc_unit *U = &sc->unit[u];
#define MARK(d) (to[(d) == ROUTE_EXIT ? n : (size_t)(d)] = 1)
    for (size_t g = 0; g < scenario_ngroups(sc); g++)
        for (size_t i = 0; i < U->g[g].next.n; i++) MARK(U->g[g].next.dest[i]);
    for (size_t t = 0; t < sc->ntransfers; t++)
        for (size_t i = 0; sc->transfer[t].from == u && i < sc->transfer[t].on_reject.n; i++)
            MARK(sc->transfer[t].on_reject.dest[i]);
    const struct sc_chc *h = &sc->chc;
    if (h->on && h->from[u]) {
        if (h->eligible_to >= 0) MARK(h->eligible_to);
        if (h->interim >= 0) MARK(h->interim);
    }
    if (h->on && h->interim >= 0 &&
        (u == h->interim ||
         (sc->unit[h->interim].has_patience && u == sc->unit[h->interim].patience_to))) {
        if (h->eligible_to >= 0) MARK(h->eligible_to);
        for (size_t v = 0; v < n; v++)
            if (h->to[v]) MARK((int)v);
    }
    for (size_t p = 0; p < sc->npatients; p++)
        if (sc->patients[p].unit == u && sc->patients[p].waits_for >= 0)
            MARK(sc->patients[p].waits_for);
#undef MARK
    to[u] = 0;
}

static const char routes_taken[] =
    "by next, a group's next.GROUP, a [transfer]'s on_reject, [chc] or today's patients' "
    "waits_for; not the unit itself, where a patient routed back starts a new stay";

/* A key about one route — an internal delay by destination, a [transfer] assessing a move, a
 * [chc] placement — names a route that patients take, or it would never apply: refused (a
 * misspelt next, or a route removed and its key left behind, would silently do nothing). */
static int check_route_keys(struct ctx *c) {
    const struct scenario *sc = c->sc;
    size_t n = sc->nunits;
    unsigned char *to = fs_malloc(n + 1);
    char why[FS_MSG_MAX];
    int rc = 0;
    for (size_t u = 0; u < n && rc == 0; u++) {
        const struct sc_unit *U = &sc->unit[u];
        if (!U->ninternal_to) continue;
        leaves_for(sc, (int)u, to);
        for (size_t k = 0; k < U->ninternal_to && rc == 0; k++) {
            int d = U->internal_to_dest[k];
            if (to[d == ROUTE_EXIT ? n : (size_t)d]) continue;
            snprintf(why, sizeof why,
                     "expected destinations that %s's patients leave for (%s), got '%s', where "
                     "none of them goes",
                     U->name, routes_taken, d == ROUTE_EXIT ? "exit" : sc->unit[d].name);
            rc = key_fail(c, opt(c->usec[u], K_unit_internal_delay_to), why);
        }
    }
    for (size_t i = 0, t = 0; i < c->d->n && rc == 0; i++) {
        const struct doc_section *s = &c->d->s[i];
        if (strcmp(s->type, "transfer")) continue;
        const struct sc_transfer *T = &sc->transfer[t++];
        leaves_for(sc, T->from, to);
        if (!to[T->to])
            rc = failf(c, s->file, s->line,
                       "[transfer %s]: expected a move that %s's patients make (%s), got none "
                       "to %s: its assessment would never happen",
                       s->name, sc->unit[T->from].name, routes_taken, sc->unit[T->to].name);
    }
    const struct sc_chc *h = &sc->chc;
    for (size_t v = 0; h->on && v < n && rc == 0; v++) {
        if (!h->to[v]) continue;
        int reached = 0;
        for (size_t u = 0; u < n && !reached; u++)
            if (h->from[u]) {
                leaves_for(sc, (int)u, to);
                reached = to[v];
            }
        if (reached) continue;
        snprintf(why, sizeof why,
                 "expected destinations that patients of the 'from' units leave for (%s), got "
                 "'%s', where none of them goes",
                 routes_taken, sc->unit[v].name);
        rc = key_fail(c, opt(doc_section(c->d, "chc"), K_chc_to), why);
    }
    fs_free(to);
    return rc;
}

/* What would place a patient in a visit-based unit without booking its visits, or change its
 * stay after they were booked, is refused: a census in it (its patients' visits are not
 * known), a step-down into it, a [chc] interim stay in it (lengthened to the decision). */
static int check_visits(struct ctx *c) {
    const struct scenario *sc = c->sc;
    struct doc_section *scs = doc_section(c->d, "scenario");
    for (size_t u = 0; u < sc->nunits; u++) {
        const struct sc_unit *U = &sc->unit[u];
        char why[FS_MSG_MAX];
        if (U->step_down_to >= 0 && sc->unit[U->step_down_to].visits) {
            snprintf(why, sizeof why,
                     "expected no step-down into visit-based unit %s (its visits are booked "
                     "for the whole stay when it starts)",
                     sc->unit[U->step_down_to].name);
            return key_got(c, opt(c->usec[u], K_unit_step_down), why);
        }
        if (!U->visits) continue;
        if (U->init_in_care > 0 || U->init_delayed > 0) {
            struct doc_entry *e = opt(c->usec[u], K_unit_initial_occupancy);
            if (!e) e = opt(c->usec[u], K_unit_initial_delayed);
            if (!e && scs) e = opt(scs, K_scenario_initial);
            snprintf(why, sizeof why,
                     "expected no patients in visit-based unit %s at time 0 (their visits are "
                     "not known: start it empty, or give initial_queue)",
                     U->name);
            return e ? key_fail(c, e, why)
                     : failf(c, c->usec[u]->file, c->usec[u]->line, "[unit %s]: %s", U->name, why);
        }
        if (sc->chc.on && sc->chc.interim == (int)u)
            return key_got(c, opt(doc_section(c->d, "chc"), K_chc_interim),
                           "expected an interim unit that is not visit-based (an interim stay "
                           "lasts until the CHC decision, after its visits were booked)");
    }
    for (size_t k = 0; k < sc->npatients; k++)
        if (sc->unit[sc->patients[k].unit].visits) {
            char why[FS_MSG_MAX];
            snprintf(why, sizeof why,
                     "expected no patients in visit-based unit %s at time 0 (their visits are "
                     "not known: start it empty)",
                     sc->unit[sc->patients[k].unit].name);
            return key_got(c, opt(scs, K_scenario_patients), why);
        }
    return 0;
}

int check_loops(struct ctx *c) {
    if (check_writable(c) || check_route_keys(c) || check_visits(c)) return -1;
    const struct scenario *sc = c->sc;
    struct loop_graph g = {.nnodes = 2 * sc->nunits + sc->ntransfers + 1,
                           .below = FS_MIN_LOOP_STEP_DAYS};
    int *path = fs_calloc(g.nnodes + 1, sizeof *path);
    size_t len = 0;
    int rc = 0;
    for (size_t gi = 0; gi < scenario_ngroups(sc) && rc == 0; gi++) {
        loop_steps(sc, gi, &g);
        if (!loop_find(&g, path, &len)) continue;
        /* Named by its units and referrals, each once in a row, at most eight of them: a
         * loop of referrals refused from one bed is named by them, not as that bed twice. */
        int first = loop_unit(sc, path[0]), last = loop_step_id(sc, path[0]), shown = 1;
        char units[FS_MSG_MAX];
        loop_label(sc, path[0], units, sizeof units);
        for (size_t k = 1; k <= len; k++) {
            int id = loop_step_id(sc, path[k % len]);
            if (id == last && k < len) continue;
            size_t at = strlen(units);
            if (shown++ == 8 && k < len) {
                snprintf(units + at, sizeof units - at, " -> ...");
                break;
            }
            snprintf(units + at, sizeof units - at, " -> ");
            at = strlen(units);
            loop_label(sc, path[k % len], units + at, sizeof units - at);
            last = id;
        }
        char group[FS_MSG_MAX] = "";
        if (sc->ngroups) snprintf(group, sizeof group, " for group %s", sc->group[gi].name);
        const struct doc_section *s = c->usec[first];
        rc = failf(c, s->file, s->line,
                   "[unit %s]: expected a loop of units to take time: %s%s goes round at "
                   "under a minute a step (stays, assessments, internal delays, patience, "
                   "readmissions), so "
                   "patients could go round it many times at one instant (give a step of it a "
                   "duration)",
                   sc->unit[first].name, units, group);
    }
    fs_free(g.e);
    fs_free(path);
    if (rc == 0) rc = check_closed(c);
    /* The last check of a loaded scenario: what loads but looks like a slip is kept. */
    if (rc == 0) check_warnings(c);
    return rc;
}
