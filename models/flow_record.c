/* flow_record.c — recording: every update of the open report window (struct unit_window per
 * unit, struct sys_window, the awaited-unit areas) and of its by-group copy (--by-group)
 * behind one verb per thing that happens, so event code never touches a window; the patient
 * log; and closing report windows and warm-up-chart intervals. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "flow_int.h"
#include "sim/core.h"

#define HOURS(h) ((h) / 24.0)
/* Is a duration d (days) within limit? Thresholds are inclusive: a wait of exactly 4 h counts
 * as within 4 h. A duration is the difference of two clock times, each rounded to the clock's
 * precision, which coarsens as the clock grows (the spacing of doubles near day 4,096 is 9e-13
 * day, near day 365,250 — the longest horizon — 6e-11 day, 5 microseconds): a slack relative to
 * the limit alone turned every fixed 4-hour stay into a breach after day 4,096. So the slack
 * scales with the clock too: 4 x DBL_EPSILON x now, at most 30 microseconds at the longest
 * horizon, far below the minute that the finest data (minute-stamped A&E times) resolve. */
#define WITHIN(r, d, limit) ((d) <= (limit) * (1 + 1e-12) + 4 * DBL_EPSILON * fabs((r)->now))

/* The by-group index of patient p in unit u: [group * nunits + unit]. */
static size_t gi(const struct rep *r, int u, const struct patient *p) {
    return (size_t)p->group * r->sc->nunits + (size_t)u;
}

size_t flow_nwarm(const struct scenario *sc) {
    double n = ceil(sc->horizon / sc->interval - 1e-9);
    return n < 1 ? 1 : (size_t)n;
}

int flow_unstable(double q_first, double q_last, double capacity) {
    double margin = isinf(capacity) ? 10 : fmax(10, capacity / 2);
    return q_last > 2 * q_first && q_last - q_first > margin;
}

/* The index of Σ f_i f_j (i <= j) in the sums' upper triangle, row by row over
 * FLOW_TREND_KMAX regressors. */
static int tri(int i, int j) {
    return i * FLOW_TREND_KMAX - i * (i - 1) / 2 + (j - i);
}

/* The seasonal difference's year (days): whole daily buckets; the calendar's drift is a day in
 * four years. */
static const double year = 365;

int flow_year_windows(const struct scenario *sc, double y[4]) {
    double report = sc->horizon - sc->warmup;
    if (!(report >= year - 1e-9) || !(sc->horizon >= 2 * year - 1e-9)) return 0;
    /* An interval longer than a month that does not divide the year shares its integral between
     * the years by its overlap: a season inside it lands in the wrong year (a 200-day interval
     * biased a steady seasonal unit by 4%), so the fit is used instead. */
    if (sc->interval > 31 && fabs(remainder(year, sc->interval)) > 1e-9) return 0;
    y[2] = sc->horizon - year, y[3] = sc->horizon;
    y[0] = report >= 2 * year - 1e-9 ? sc->warmup : sc->horizon - 2 * year;
    y[1] = y[0] + year;
    return 1;
}

/* The seasonal difference of flow_trend from the year sums s (FLOW_TREND_YEAR on): the later
 * year's mean level and queue less the earlier's, or 0 when a year was not wholly covered. */
static int year_difference(const double *s, double out[4]) {
    const double *e = s + FLOW_TREND_YEAR, *l = e + 3;
    if (!(e[2] >= year - 1e-6) || !(l[2] >= year - 1e-6)) return 0;
    out[0] = l[0] / l[2] - e[0] / e[2];
    out[2] = l[1] / l[2] - e[1] / e[2];
    return 1;
}

void flow_trend(const double *sums, double x0, double x1, int years, double out[4]) {
    int k = (int)sums[FLOW_TREND_K];
    double n = sums[FLOW_TREND_XX + tri(0, 0)];
    out[0] = out[1] = out[2] = out[3] = NAN;
    if (n >= 1) out[1] = sums[FLOW_TREND_XY] / n, out[3] = sums[FLOW_TREND_XYQ] / n;
    if (years && year_difference(sums, out)) return;
    if ((k != 2 && k != FLOW_TREND_KMAX) || !(n >= k + 1)) return;
    /* The normal equations (k x k, symmetric, positive definite when the regressors spread),
     * with two right-hand sides (the level, the queue), solved by Gaussian elimination with
     * partial pivoting: k is at most FLOW_TREND_KMAX. */
    double a[FLOW_TREND_KMAX][FLOW_TREND_KMAX + 2];
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++)
            a[i][j] = sums[FLOW_TREND_XX + (i <= j ? tri(i, j) : tri(j, i))];
        a[i][k] = sums[FLOW_TREND_XY + i];
        a[i][k + 1] = sums[FLOW_TREND_XYQ + i];
    }
    for (int c = 0; c < k; c++) {
        int p = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(a[r][c]) > fabs(a[p][c])) p = r;
        if (!(fabs(a[p][c]) > 1e-12 * fabs(a[0][0]))) return; /* singular */
        for (int j = 0; j <= k + 1; j++) {
            double t = a[c][j];
            a[c][j] = a[p][j], a[p][j] = t;
        }
        for (int r = 0; r < k; r++) {
            if (r == c) continue;
            double f = a[r][c] / a[c][c];
            for (int j = c; j <= k + 1; j++) a[r][j] -= f * a[c][j];
        }
    }
    out[0] = a[1][k] / a[1][1] * (x1 - x0);
    out[2] = a[1][k + 1] / a[1][1] * (x1 - x0);
}

double flow_bucket_start(const struct scenario *sc, size_t b) {
    return sc->warmup + (double)b * sc->interval;
}

/* ---- the patient log ---------------------------------------------------------------------- */

/* The log's entry for patient p (with a log only): records are numbered as the pool grows, so
 * the entries grow with them, zeroed. */
static struct visit_log *vlog_of(struct rep *r, const struct patient *p) {
    size_t id = (size_t)(p - r->p), old = r->vlogcap;
    if (id >= old) {
        fs_grow((void **)&r->vlog, &r->vlogcap, id + 1, sizeof *r->vlog);
        memset(r->vlog + old, 0, (r->vlogcap - old) * sizeof *r->vlog);
    }
    return &r->vlog[id];
}

/* enum delay as the log's FLOW_DELAY_* index */
static const int delay_index[] = {
    [D_ASSESSMENT] = FLOW_DELAY_ASSESSMENT, [D_AWAITING] = FLOW_DELAY_AWAITING,
    [D_REJECTED] = FLOW_DELAY_REJECTED,     [D_CHC] = FLOW_DELAY_CHC,
    [D_INTERNAL] = FLOW_DELAY_INTERNAL,     [D_DISCHARGE_HOUR] = FLOW_DELAY_DISCHARGE_HOUR,
    [D_CHOICE] = FLOW_DELAY_CHOICE};
static const char *const delay_names[] = {
    "",         "assessment",     "awaiting", "rejected", "chc_assessment",
    "internal", "discharge_hour", "choice"};
_Static_assert(sizeof delay_names / sizeof *delay_names == D_CHOICE + 1, "ORDER enum delay");

/* The reason a visit's row names: the delay under way as the patient leaves; or, for one that
 * leaves the moment its internal delay or its wait for the discharge hour ends (the steps of a
 * departure, which end only to let it go), that delay. (An assessment that ends with the move
 * leaves the column empty, as it always has.) */
static enum delay row_reason(const struct patient *p, const struct visit_log *e) {
    if (p->delay != D_NONE) return (enum delay)p->delay;
    return e->last == D_INTERNAL || e->last == D_DISCHARGE_HOUR ? (enum delay)e->last : D_NONE;
}

/* The row of patient p's place in unit u, leaving at `leave` for next (NAN, FLOW_NEXT_NONE:
 * still there at the horizon); its delay under way counts up to `leave` or the horizon. */
static void log_visit(struct rep *r, int u, const struct patient *p, double leave, int next) {
    const struct visit_log *e = vlog_of(r, p);
    struct flow_visit v = {.rep = r->rep,
                           .patient = p->number,
                           .group = p->group,
                           .unit = u,
                           .arrive = p->t_arrived,
                           .start = p->t_entered,
                           .end_of_care = p->t_ended >= p->t_entered ? p->t_ended : NAN,
                           .leave = leave,
                           .next = next,
                           .delay_reason = delay_names[row_reason(p, e)],
                           .delay_target = p->target,
                           .delayed_in = e->delayed_in - 1,
                           .corridor = p->corridor == C_IN ? e->corridor : NAN};
    memcpy(v.delayed, e->delayed, sizeof v.delayed);
    if (p->delay != D_NONE)
        v.delayed[delay_index[p->delay]] += (isnan(leave) ? r->sc->horizon : leave) - e->since;
    r->visit(r->visit_ctx, &v);
}

/* The row of patient p's wait at unit u's door without a place there, from p->t_queued (or,
 * lost at the door, from now) to `leave` (NAN: still waiting at the horizon). */
static void log_queue(struct rep *r, int u, const struct patient *p, double leave, int next) {
    int lost = next == FLOW_NEXT_LOST;
    struct flow_visit v = {.rep = r->rep,
                           .patient = p->number,
                           .group = p->group,
                           .unit = u,
                           .arrive = lost ? r->now : p->t_queued,
                           .start = NAN,
                           .end_of_care = NAN,
                           .leave = leave,
                           .next = next,
                           .delay_reason = "",
                           .delay_target = -1,
                           .queue = 1,
                           .delayed_in =
                               !lost && p->delay == D_AWAITING && p->target == u ? p->unit : -1,
                           .corridor = NAN};
    r->visit(r->visit_ctx, &v);
}

void rec_horizon(struct rep *r) {
    if (!r->visit) return;
    for (size_t id = 0; id < r->np; id++) {
        const struct patient *p = &r->p[id];
        if (p->state == P_FREE || p->state == P_HOME) continue;
        if (p->unit >= 0) log_visit(r, p->unit, p, NAN, FLOW_NEXT_NONE);
        if (p->target >= 0) log_queue(r, p->target, p, NAN, FLOW_NEXT_NONE);
    }
}

/* ---- the system --------------------------------------------------------------------------- */

void rec_in_system(struct rep *r, double d) {
    tw_add(&r->in_sys, r->now, d);
}

void rec_entered(struct rep *r, const struct patient *p) {
    r->sw.arrivals++;
    if (r->gsw) r->gsw[p->group].arrivals++;
}

void rec_readmitted(struct rep *r) {
    r->sw.readmissions++;
}

void rec_went_home(struct rep *r, const struct patient *p) {
    r->sw.departures++;
    if (r->gsw) r->gsw[p->group].departures++;
}

void rec_lost(struct rep *r, int u, const struct patient *p) {
    r->win[u].lost++;
    r->sw.lost++;
    if (r->visit) log_queue(r, u, p, r->now, FLOW_NEXT_LOST);
}

/* ---- places, queues, delays --------------------------------------------------------------- */

void rec_arrived(struct rep *r, int u) {
    r->win[u].arrivals++;
}

/* Unit u's places held beyond its capacity, integrated up to t over the stretch since either
 * last changed (cap_tw is also reset when a window closes): called before either changes. */
static void over_account(struct rep *r, int u, double t) {
    const struct unit_rt *U = &r->u[u];
    double from = fmax(U->occ_tw.t_last, U->cap_tw.t_last);
    double over = U->occ_tw.value - U->cap_tw.value;
    if (over > 0 && t > from) r->win[u].over_area += over * (t - from);
}

void rec_capacity(struct rep *r, int u, double places) {
    over_account(r, u, r->now);
    tw_set(&r->u[u].cap_tw, r->now, places);
}

void rec_surge(struct rep *r, int u, int on) {
    tw_set(&r->u[u].surge_tw, r->now, on);
}

void rec_escalation(struct rep *r, int from, int to) {
    tw_set(&r->esc_tw[from], r->now, 0);
    tw_set(&r->esc_tw[to], r->now, 1);
    if (to > from) r->sw.escalations++;
}

void rec_counts_so_far(const struct rep *r, int u, double t, const struct unit_window *closed,
                       struct unit_window *out) {
    const struct unit_rt *U = &r->u[u];
    *out = r->win[u];
    /* the areas rec_close_window sets, up to t; and over_account's pending part */
    out->occ_area = tw_area(&U->occ_tw, t) - U->occ_mark;
    out->cap_area = tw_area(&U->cap_tw, t);
    out->queue_area = tw_area(&U->q_tw, t);
    out->delayed_area = tw_area(&U->del_tw, t);
    double from = fmax(U->occ_tw.t_last, U->cap_tw.t_last);
    double over = U->occ_tw.value - U->cap_tw.value;
    if (over > 0 && t > from) out->over_area += over * (t - from);
    unit_window_add(out, closed);
}

void rec_cancelled(struct rep *r, int u) {
    r->win[u].cancellations++;
}

void rec_closed(struct rep *r, int u, double places) {
    tw_set(&r->u[u].closed_tw, r->now, places);
}

void rec_queue(struct rep *r, int u, const struct patient *p, int d) {
    if (r->gwin) tw_add(&r->g_q[gi(r, u, p)], r->now, d);
    tw_set(&r->u[u].q_tw, r->now, r->u[u].qlen);
}

/* The time since the last change at the occupancy before it (board measures): the exact
 * step function's histogram, for occupancy_p95. Grows with the largest occupancy seen. */
static void hist_account(struct rep *r, int u, int32_t before, double t) {
    struct unit_rt *U = &r->u[u];
    if ((size_t)before >= U->nhist) {
        size_t old = U->nhist, cap = old, cap2 = old;
        fs_grow((void **)&U->hist, &cap, (size_t)before + 1, sizeof *U->hist);
        fs_grow((void **)&U->hist_total, &cap2, cap, sizeof *U->hist_total);
        FS_ASSERT(cap2 >= cap);
        memset(U->hist + old, 0, (cap - old) * sizeof *U->hist);
        memset(U->hist_total + old, 0, (cap - old) * sizeof *U->hist_total);
        U->nhist = cap;
    }
    U->hist[before] += t - U->hist_t;
    U->hist_t = t;
}

/* The time-weighted 95th percentile of a histogram of time at each whole occupancy: the least
 * k with the time at k or below at least 95% of the whole (the inverse of the time-weighted
 * distribution function, exact for the step function); NAN for no time. */
static double hist_p95(const double *h, size_t n) {
    double total = 0, acc = 0;
    for (size_t k = 0; k < n; k++) total += h[k];
    if (!(total > 0)) return NAN;
    for (size_t k = 0; k < n; k++) {
        acc += h[k];
        if (acc >= 0.95 * total * (1 - 1e-12)) return (double)k;
    }
    return (double)(n - 1);
}

double flow_p95_total(const struct unit_rt *U) {
    return U->hist_total ? hist_p95(U->hist_total, U->nhist) : NAN;
}

void rec_corridor(struct rep *r, int u, const struct patient *p, int d) {
    struct unit_rt *U = &r->u[u];
    if (r->visit && d > 0) vlog_of(r, p)->corridor = r->now;
    tw_set(&U->corr_tw, r->now, U->corr);
    if ((U->corr > 0) != (U->corr_any_tw.value > 0)) tw_set(&U->corr_any_tw, r->now, U->corr > 0);
    if (d > 0) r->win[u].corridor_entries++;
}

/* The midnight census (the bed census of KH03 and the discharge sitrep's 23:59 count): the
 * patients in each unit no longer meeting the criteria to reside (delayed: nctr) and more
 * than 21 days past their discharge-ready date (drd_over_21d), those whose stay there has
 * lasted 7, 14 and 21 days or more (NHS Improvement's stranded and super-stranded), and each
 * unit's occupancy against its escalation levels, counted in the open window. Taken every
 * midnight whatever the report interval, so that these counts do not depend on it. */
void rec_snapshot(struct rep *r, double t) {
    const struct scenario *sc = r->sc;
    /* In the warm-up the window is thrown away when it closes: nothing to count (the census
     * walks every patient, a fifth of a Birmingham run with board measures). */
    if (!r->collecting) return;
    for (size_t u = 0; u < sc->nunits; u++) {
        struct unit_window *w = &r->win[u];
        const struct unit_rt *U = &r->u[u];
        w->snapshots++;
        w->nctr_sum += U->delayed;
        /* a visit-based unit's day t - 1 has ended: its visits are all booked */
        if (U->vused && t - 1 < (double)sc->unit[u].nvdays) {
            size_t d = (size_t)(t - 1);
            w->visit_days++;
            w->visit_slots += sc->unit[u].vslots[d];
            w->visit_used += U->vused[d];
            w->visit_used_in += fmin(U->vused[d], sc->unit[u].vslots[d]);
            w->visit_visits += U->vvisits[d];
        }
        const struct sc_unit *su = &sc->unit[u];
        /* at a level: occupancy at least level x places available (those in force, or more
         * if held, as occupancy_pct counts them) */
        double avail = fmax(isinf(U->cap) ? 0 : U->cap, (double)U->occ);
        uint64_t *at[3] = {&w->days_level1, &w->days_level2, &w->days_level3};
        for (size_t k = 0; k < su->nlevels; k++)
            if (avail > 0 && (double)U->occ >= su->level[k] * avail * (1 - 1e-12)) (*at[k])++;
        /* KH03's overnight occupancy: beds occupied of beds open, at the census */
        if (!isinf(U->cap)) w->occ_midnight_sum += U->occ, w->avail_midnight_sum += avail;
    }
    /* Patients more than 21 days past their discharge-ready date (the end of their stay). */
    for (size_t id = 0; sc->discharges && id < r->np; id++) {
        /* delayed: in a unit (a patient gone home or freed left its delay with its place) */
        const struct patient *p = &r->p[id];
        if (p->delay == D_NONE || !(t - p->t_ended > 21)) continue;
        FS_INVARIANT(p->unit >= 0);
        if (r->u[p->unit].caps & UNIT_RT_DISCHARGE) r->win[p->unit].drd21_sum++;
    }
    if (!sc->board_measures) return;
    for (size_t id = 0; id < r->np; id++) {
        const struct patient *p = &r->p[id];
        if (p->state == P_FREE || p->state == P_HOME || p->unit < 0) continue;
        double los = t - p->t_entered;
        struct unit_window *w = &r->win[p->unit];
        /* whole days with the clock's slack: a stay of exactly 7 days counts */
        if (!WITHIN(r, 7, los)) continue;
        w->stranded7_sum++;
        if (WITHIN(r, 14, los)) w->stranded14_sum++;
        if (WITHIN(r, 21, los)) w->stranded21_sum++;
    }
}

void rec_occupancy_hist(struct rep *r, int u, int d) {
    hist_account(r, u, r->u[u].occ - d, r->now);
}

void rec_occupancy(struct rep *r, int u, const struct patient *p, int d) {
    over_account(r, u, r->now);
    tw_set(&r->u[u].occ_tw, r->now, r->u[u].occ);
    if (r->gwin) tw_add(&r->g_occ[gi(r, u, p)], r->now, d);
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
    case D_INTERNAL:
        return &r->u[u].int_tw;
    case D_DISCHARGE_HOUR:
        return &r->u[u].dh_tw;
    case D_CHOICE:
        return &r->u[u].choice_tw;
    case D_NONE:
        break;
    }
    FS_UNREACHABLE();
}

void rec_delay_began(struct rep *r, int u, const struct patient *p, int target) {
    if (r->visit) vlog_of(r, p)->since = r->now;
    tw_set(&r->u[u].del_tw, r->now, r->u[u].delayed);
    tw_add(delay_tw(r, u, (enum delay)p->delay, target), r->now, +1);
    if (r->gwin) tw_add(&r->g_del[gi(r, u, p)], r->now, +1);
}

void rec_delay_ended(struct rep *r, int u, const struct patient *p) {
    if (r->visit) {
        struct visit_log *e = vlog_of(r, p);
        e->delayed[delay_index[p->delay]] += r->now - e->since;
        e->last = p->delay;
    }
    tw_set(&r->u[u].del_tw, r->now, r->u[u].delayed);
    tw_add(delay_tw(r, u, (enum delay)p->delay, p->target), r->now, -1);
    if (r->gwin) tw_add(&r->g_del[gi(r, u, p)], r->now, -1);
}

/* ---- admissions and departures ------------------------------------------------------------ */

void rec_admitted(struct rep *r, int u, const struct patient *p, double wait) {
    r->win[u].admissions++;
    r->win[u].wait_sum += wait;
    if (r->gwin) {
        r->gwin[gi(r, u, p)].admissions++;
        r->gwin[gi(r, u, p)].wait_sum += wait;
    }
}

/* Handover: from arrival at A&E to a cubicle. */
void rec_handover(struct rep *r, int u, double h) {
    r->win[u].handovers++;
    r->win[u].handover_sum += h;
    if (!WITHIN(r, h, HOURS(0.5))) r->win[u].handovers_30m++;
    if (!WITHIN(r, h, HOURS(0.75))) r->win[u].handovers_45m++;
    if (!WITHIN(r, h, HOURS(1))) r->win[u].handovers_60m++;
}

/* An attendance at A&E unit u ended after in_ae days in the department (from arrival, queue
 * included): NHS England's 4-hour and 12-hour measures count every attendance, those who left
 * without being seen included, with the clock stopping when the patient leaves. */
static void ae_attendance(struct rep *r, int u, double in_ae) {
    r->win[u].ae_leaves++;
    if (WITHIN(r, in_ae, HOURS(4))) r->win[u].ae_within_4h++;
    if (!WITHIN(r, in_ae, HOURS(12))) r->win[u].ae_over_12h++;
}

/* The day (from time 0) and whether it is a Saturday or Sunday, of time t: a hair later, so
 * that a departure at the start of an hour, computed to the last bit, is in that hour. */
static double day_of(double t) {
    return floor(t + 1e-9);
}
static int weekend(const struct rep *r, double day) {
    return (r->wday0 + (long long)day) % 7 >= 5;
}

/* Patient p left unit u (which has discharge measures) for next now: its time of day and
 * week, and the time since its stay ended (its discharge-ready date), when it had one here,
 * overall and by destination (home: exit; lost at a door: no destination's). */
static void discharged(struct rep *r, int u, const struct patient *p, int next) {
    struct unit_window *w = &r->win[u];
    double day = day_of(r->now);
    w->dis_n++;
    if (r->now + 1e-9 - day < 0.5) w->dis_noon++;
    if (weekend(r, day)) w->dis_weekend++;
    if (p->t_ended >= p->t_entered) {
        w->drd_n++;
        w->drd_sum += r->now - p->t_ended;
        const struct metric_layout *ml = r->ml;
        size_t k = next >= 0                ? metric_dest_index(ml, u, next)
                   : next == FLOW_NEXT_HOME ? metric_dest_index(ml, u, ROUTE_EXIT)
                                            : ml->ndest - 1;
        r->await_win[ml->nawait + k] += r->now - p->t_ended;
        r->await_win[ml->nawait + ml->ndest + k]++;
    }
}

/* The part of [a, b) on a Saturday or Sunday, days. */
static double weekend_days(const struct rep *r, double a, double b) {
    double s = 0;
    for (double d = floor(a); d < b; d++)
        if (weekend(r, d)) s += fmax(0, fmin(b, d + 1) - fmax(a, d));
    return s;
}

void rec_internal_ended(struct rep *r, int u, int over_48h) {
    r->win[u].internal_over_48h += (uint64_t)over_48h;
}

void rec_left(struct rep *r, int u, const struct patient *p, int next) {
    if (r->visit) {
        log_visit(r, u, p, r->now, next);
        /* The next visit starts clean (the delay, ended after this, adds nothing more), and
         * knows whether its wait at the door was this unit's delay awaiting it. */
        struct visit_log *e = vlog_of(r, p);
        memset(e->delayed, 0, sizeof e->delayed);
        e->last = D_NONE;
        e->since = r->now;
        e->delayed_in = next >= 0 && p->delay == D_AWAITING && p->target == next ? u + 1 : 0;
    }
    r->win[u].leaves++;
    r->win[u].los_sum += r->now - p->t_entered;
    if (r->gwin) {
        r->gwin[gi(r, u, p)].leaves++;
        r->gwin[gi(r, u, p)].los_sum += r->now - p->t_entered;
    }
    unsigned caps = r->u[u].caps;
    if (caps & UK_AE_CLOCK) ae_attendance(r, u, r->now - p->t_arrived);
    if (__builtin_expect((caps & UNIT_RT_DISCHARGE) != 0, 0) && next != u)
        discharged(r, u, p, next);
    /* ASCOF 2B(1) counts everyone who went into reablement: one who leaves it for anywhere but
     * home (a care home, a hospital, lost out of the system) is not at home at 91 days. Going
     * home is counted by rec_home_outcome; a new stay in the same place is no leaving. */
    if (r->sc->readmissions && (caps & UK_HOME_91D) && next != FLOW_NEXT_HOME && next != u &&
        r->now + 91 <= r->sc->horizon)
        r->win[u].home91_n++;
}

/* Admitted from A&E: the "trolley wait" runs from the decision to admit. */
void rec_trolley(struct rep *r, int u, const struct patient *p) {
    double w = r->now - p->t_ended;
    r->win[u].trolley_n++;
    r->win[u].trolley_sum += w;
    if (!WITHIN(r, w, HOURS(12))) r->win[u].trolley_over_12h++;
}

/* ---- pathways ----------------------------------------------------------------------------- */

void rec_step_down(struct rep *r, int u, int v, double rest) {
    r->win[u].saved += rest;
    /* a ward that avoids admissions counts the step-downs it takes among its savings too */
    if (__builtin_expect(r->sc->unit[v].avoids >= 0, 0)) r->win[v].saved += rest;
    r->win[v].step_downs++;
    r->win[v].arrivals++;
}

void rec_ward_avoided(struct rep *r, int u, double n, double days) {
    r->win[u].avoided += n;
    r->win[u].saved += days;
}

void rec_ward_escalated(struct rep *r, int u, double n, double days) {
    r->win[u].ward_escalations++;
    r->win[u].avoided += n;
    r->win[u].returned += days;
}

void rec_reneged(struct rep *r, int u, const struct patient *p) {
    if (r->visit) {
        int to = r->sc->unit[u].patience_to;
        log_queue(r, u, p, r->now, to == ROUTE_EXIT ? FLOW_NEXT_HOME : to);
    }
    r->win[u].reneged++;
    /* Gave up waiting for a cubicle: left without being seen, an attendance all the same. */
    if (r->u[u].caps & UK_AE_CLOCK) ae_attendance(r, u, r->now - p->t_queued);
}

/* Counted only for patients the horizon lets us follow that long. */
void rec_home_outcome(struct rep *r, int u, const struct unit_group *G, double back) {
    const struct scenario *sc = r->sc;
    struct unit_window *w = &r->win[u];
    /* Every patient going home from a unit that readmits, those of a group that never comes
     * back included (not readmitted: in the denominator, as in NHS England's emergency
     * readmissions within 30 days of discharge). */
    (void)G; /* whose return was drawn: every group counts here */
    if (sc->unit[u].readmit_any > 0 && r->now + 30 <= sc->horizon) {
        w->home30_n++;
        if (WITHIN(r, back - r->now, 30)) w->readmit30++;
    }
    if (sc->readmissions && (r->u[u].caps & UK_HOME_91D) && r->now + 91 <= sc->horizon) {
        w->home91_n++;
        if (!WITHIN(r, back - r->now, 91)) w->home91_ok++;
    }
}

void rec_chc_referred(struct rep *r, int in_acute) {
    if (in_acute)
        r->sw.chc_in_acute++;
    else
        r->sw.chc_after++;
}

void rec_chc_decided(struct rep *r, double days, int eligible) {
    r->sw.chc_decisions++;
    r->sw.chc_eligible += (uint64_t)eligible;
    r->sw.chc_days_sum += days;
    if (WITHIN(r, days, 28)) r->sw.chc_within_28d++;
}

void rec_assessed(struct rep *r, int u, const struct sc_transfer *t, double days, int accepted) {
    struct unit_window *w = &r->win[u];
    w->referrals++;
    if (!isnan(t->target)) {
        w->target_n++;
        if (WITHIN(r, days, t->target)) w->within_target++;
    }
    if (accepted) w->accepted++;
}

void rec_declined(struct rep *r, int u) {
    r->win[u].declines++;
}

void rec_deadlocked(struct rep *r, double days) {
    r->sw.deadlocked_days += days;
}

/* ---- closing windows ---------------------------------------------------------------------- */

/* Interval [s, t) of unit u into the seasonal difference's year integrals (flow_trend): its
 * occupancy and queue integrals, occ and q, each year taking the share of them its overlap
 * with the interval is (exact when the years begin and end on the intervals' edges). */
static void rec_years(struct rep *r, size_t u, double s, double t, double occ, double q) {
    double *e = r->res->trend + FLOW_TREND_NSUMS * u + FLOW_TREND_YEAR;
    for (int k = 0; k < 2; k++, e += 3) {
        double o = fmin(t, r->years[2 * k + 1]) - fmax(s, r->years[2 * k]);
        if (!(o > 0)) continue;
        double f = o / (t - s);
        e[0] += f * (occ + q), e[1] += f * q, e[2] += o;
    }
}

/* Each unit's mean occupancy over warm-up-chart interval warm_k; with a seasonal difference
 * (r->years), its occupancy and queue into the years' integrals. */
void rec_close_warm(struct rep *r, double t) {
    const struct scenario *sc = r->sc;
    double start = (double)r->warm_k * sc->interval;
    for (size_t u = 0; u < sc->nunits; u++) {
        struct unit_rt *U = &r->u[u];
        double a = tw_area(&U->occ_tw, t);
        double *w = r->warm_row ? r->warmbuf : r->res->warm + r->warm_k * sc->nunits;
        w[u] = (a - U->warm_mark) / (t - start);
        if (r->warm_q) {
            /* q_tw restarts with each report window: warm_q[2u + 1] keeps what it held */
            double qa = tw_area(&U->q_tw, t);
            double q = r->warm_q[2 * u + 1] + qa - r->warm_q[2 * u];
            r->warm_q[2 * u] = qa, r->warm_q[2 * u + 1] = 0;
            rec_years(r, u, start, t, a - U->warm_mark, q);
        }
        U->warm_mark = a;
    }
    if (r->warm_row) r->warm_row(r->row_ctx, r->rep, r->warm_k, r->warmbuf);
    r->warm_k++;
    double next = (double)(r->warm_k + 1) * sc->interval;
    r->warm_next = r->warm_k >= r->res->nwarm ? INFINITY : fmin(next, sc->horizon);
}

/* One closed report bucket [start, t) into each unit's trend sums (flow_trend): its level, the
 * mean number in place plus the mean number queueing (timeseries.csv's occupancy + queue, the
 * same divisions), at its midpoint in days from the end of the warm-up. A full unit's
 * occupancy stops rising while its queue grows, so the queue is counted too. */
static void rec_trend(struct rep *r, double start, double t) {
    const struct scenario *sc = r->sc;
    struct flow_result *res = r->res;
    /* x from the middle of the report period, so that the sums stay well conditioned */
    double len = t - start, x = 0.5 * (start + t) - 0.5 * (sc->warmup + sc->horizon);
    if (r->bucket == 0) res->trend_x0 = x;
    res->trend_x1 = x;
    int k = sc->horizon - sc->warmup >= 365 - 1e-9 ? FLOW_TREND_KMAX : 2;
    double f[FLOW_TREND_KMAX] = {1, x};
    if (k > 2) {
        /* the year's harmonics, the higher ones by angle addition from the first */
        double w = 2 * M_PI / 365.25, sn = sin(w * x), cs = cos(w * x);
        f[2] = sn, f[3] = cs;
        for (int h = 4; h + 1 < FLOW_TREND_KMAX; h += 2) {
            f[h] = f[h - 2] * cs + f[h - 1] * sn;
            f[h + 1] = f[h - 1] * cs - f[h - 2] * sn;
        }
    }
    for (size_t i = 0; i < sc->nunits; i++) {
        double q = r->win[i].queue_area / len, y = r->win[i].occ_area / len + q;
        double *s = res->trend + FLOW_TREND_NSUMS * i;
        s[FLOW_TREND_K] = k;
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) s[FLOW_TREND_XX + tri(a, b)] += f[a] * f[b];
            s[FLOW_TREND_XY + a] += f[a] * y;
            s[FLOW_TREND_XYQ + a] += f[a] * q;
        }
    }
}

void rec_close_window(struct rep *r, double t) {
    const struct scenario *sc = r->sc;
    for (size_t i = 0; i < sc->nunits; i++) {
        struct unit_rt *U = &r->u[i];
        over_account(r, (int)i, t); /* up to t: cap_tw starts again from t */
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
        r->win[i].choice_area = tw_area(&U->choice_tw, t);
        r->win[i].corridor_area = tw_area(&U->corr_tw, t);
        r->win[i].corridor_any_area = tw_area(&U->corr_any_tw, t);
        if (U->hist) {
            hist_account(r, (int)i, U->occ, t);
            r->win[i].occ_p95 = hist_p95(U->hist, U->nhist);
            for (size_t k = 0; k < U->nhist; k++) {
                if (r->collecting) U->hist_total[k] += U->hist[k];
                U->hist[k] = 0;
            }
        }
        if (r->sc->unit[i].outbreak) r->win[i].closed_area = tw_area(&U->closed_tw, t);
        if (U->caps & UNIT_RT_DISCHARGE) {
            r->win[i].internal_area = tw_area(&U->int_tw, t);
            r->win[i].dhour_area = tw_area(&U->dh_tw, t);
            r->win[i].weekend_days = weekend_days(r, r->win_start, t);
        }
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
    if (sc->esc.on) {
        double *days[ESC_MAX_LEVELS + 1] = {&r->sw.esc_days0, &r->sw.esc_days1, &r->sw.esc_days2,
                                            &r->sw.esc_days3, &r->sw.esc_days4};
        for (int k = 0; k <= ESC_MAX_LEVELS; k++) {
            *days[k] = tw_area(&r->esc_tw[k], t);
            tw_reset(&r->esc_tw[k], t);
        }
        for (size_t k = 0; k < sc->esc.nsignals; k++)
            unit_window_add(&r->esc_sig[k].closed, &r->win[sc->esc.signal[k].unit]);
    }

    if (r->collecting) {
        struct flow_result *res = r->res;
        double start = flow_bucket_start(sc, r->bucket);
        double *row = r->row ? r->rowbuf : res->series + r->bucket * res->nslots;
        for (size_t i = 0; i < sc->nunits; i++) unit_window_add(&r->total_u[i], &r->win[i]);
        for (size_t k = 0; k < r->ml->narea; k++) r->await_total[k] += r->await_win[k];
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
        rec_trend(r, start, t);
        if (r->row) r->row(r->row_ctx, r->rep, r->bucket, row);
        r->bucket++;
    }
    r->collecting = 1;
    memset(r->win, 0, sc->nunits * sizeof *r->win);
    for (size_t k = npairs; k < r->ml->narea; k++) r->await_win[k] = 0; /* by destination */
    for (size_t i = 0; i < sc->nunits; i++) {
        struct unit_rt *U = &r->u[i];
        tw_reset(&U->cap_tw, t);
        if (r->warm_q) {
            r->warm_q[2 * i + 1] += tw_area(&U->q_tw, t) - r->warm_q[2 * i];
            r->warm_q[2 * i] = 0;
        }
        tw_reset(&U->q_tw, t);
        tw_reset(&U->del_tw, t);
        tw_reset(&U->assess_tw, t);
        tw_reset(&U->rej_tw, t);
        tw_reset(&U->surge_tw, t);
        tw_reset(&U->chc_tw, t);
        tw_reset(&U->choice_tw, t);
        tw_reset(&U->corr_tw, t);
        tw_reset(&U->corr_any_tw, t);
        if (U->caps & UNIT_RT_DISCHARGE) {
            tw_reset(&U->int_tw, t);
            tw_reset(&U->dh_tw, t);
        }
        if (sc->unit[i].outbreak) tw_reset(&U->closed_tw, t);
    }
    r->win_start = t;
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
