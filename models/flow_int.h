/* flow_int.h — what the pieces of the flow model share, and nothing else (SQLite's
 * btreeInt.h): the replication's state (struct rep), its patients and units, and the functions
 * one of the four files calls in another. The calls go one way, down this list, never back up
 * (tests/check-calls fails on a pair of files that call each other):
 *
 *   flow.c -> flow_pathways.c -> flow_units.c -> flow_record.c
 *
 * (flow.c may call any of the three; flow_pathways.c also records). So the unit mechanics
 * return what happened (a patient took a place, joined a queue, freed a place) and the
 * pathways, their caller, begin the stay, start the patience and offer the freed place.
 *
 *   flow.c           the run: construction of a replication, the event loop and dispatch, the
 *                    result
 *   flow_units.c     unit mechanics: the patient pool, queues, admission and blocking, delays,
 *                    surge, capacity schedules, visit slots
 *   flow_pathways.c  care pathways: arrivals, routing, transfers and assessments, CHC,
 *                    step-down, going home and readmission, patience, the census at time 0
 *   flow_record.c    recording: every update of the metric windows (with its by-group copy),
 *                    the patient log, closing report windows and warm-up-chart intervals
 *
 * Event code changes state and calls one rec_* verb for each thing that is counted: only
 * flow_record.c writes the report windows (and their by-group copies) and the time-weighted
 * counts they are read from. Everything not declared here or in flow.h is static in its file. */
#ifndef FS_FLOW_INT_H
#define FS_FLOW_INT_H

#include <stdint.h>

#include "flow.h"
#include "models/limits.h"
#include "models/unitkind.h"
#include "sim/calendar.h"
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
    EV_RENEGE,
    EV_DEPART,
    EV_ADMIT_HOURS, /* id: a unit with admission hours; arg: 1 it opens, 0 it closes */
    EV_OUTBREAK,    /* id: a unit with outbreaks; arg: 0 one starts, k + 1 one of k places ends */
    EV_REBOOKED,    /* id: a patient whose arrival was cancelled; arg: its stream */
    EV_CHOSEN,      /* id: a patient accepted by a [transfer] with choice_time has chosen */
    EV_ESCALATE,    /* the [escalation] review (no id: one chain of them) */
    EV_VISIT_DAY    /* a midnight, in a scenario with visit-based units (sc_unit visits) */
};

enum pstate {
    P_FREE,
    P_IN_CARE,   /* in a place, stay running */
    P_BLOCKED,   /* stay ended, keeps its place, queued for the next unit */
    P_WAITING,   /* arrived from outside, queued, holds no place */
    P_ASSESSING, /* stay ended, keeps its place while assessed for a transfer, waiting for a
                  * re-offer after a decline, or choosing after acceptance (choice_time) */
    P_HOME,      /* gone home (out of the system) and due to be readmitted */
    P_CHC,       /* stay ended, keeps its place while a CHC assessment runs in it */
    P_DEPARTING, /* stay ended, keeps its place for an internal delay or the discharge hour */
    P_REBOOKED,  /* arrival cancelled ([arrivals] cancel_above): in the system, holding nothing,
                  * until its rebooked date */
};

/* Why a patient whose stay has ended is still in its place: each delayed patient has exactly
 * one reason at a time, so the reasons add up to the unit's delay. */
enum delay {
    D_NONE,
    D_ASSESSMENT,
    D_AWAITING,
    D_REJECTED,
    D_CHC,
    D_INTERNAL,
    D_DISCHARGE_HOUR,
    D_CHOICE /* accepted by a [transfer] with choice_time, choosing (patient or family choice) */
};

#define NONE UINT32_MAX

/* A patient's priority rank: its arrival stream's (stream >= 0 with priority), else its
 * group's, else that of priority 0 (scenario.c, rank_priorities). */
static inline uint8_t flow_prank(const struct scenario *sc, int stream, int group) {
    if (stream >= 0 && sc->arrivals[stream].has_priority)
        return (uint8_t)sc->arrivals[stream].prank;
    return (uint8_t)(sc->ngroups ? sc->group[group].prank : sc->prank0);
}

/* unit_rt extras */
enum {
    UX_SURGE = 1,    /* surge_capacity > 0 */
    UX_HIST = 2,     /* board measures: occupancy_p95's histogram */
    UX_CORRIDOR = 4, /* corridor_capacity > 0 */
    UX_PRIO = 8,     /* the scenario has priorities: the queue is ranked (rep ptail) */
    UX_FENCE = 16,   /* a stream's ring_fence keeps places of it (unit_rt occ_fenced) */
    UX_VISITS = 32,  /* visit-based (sc_unit visits): admission books visit slots (vused) */
    UX_LINKED = 64,  /* a patience: its queue is doubly linked (patient qprev), so that giving
                      * up is one step, not a walk of the queue (an 80,000 waiting list) */
    UX_WARD = 128    /* sc_unit ward_rules (avoids, escalate_to): tested at the door and at
                      * admission on the unit's record the engine has in hand */
};

/* A patient's ward bits (patient ward; flow_pathways.c, "virtual wards"), from a door to the
 * admission that follows: the door of a ward with avoids saw it (WARD_SEEN) and drew whether it
 * would otherwise have been admitted (WARD_AVOIDS); it was diverted from a full unit on the way
 * (WARD_DIVERTED, flow_units.c: bound for a bed, it would have been admitted); it came by
 * step-down (WARD_STEPPED); and, once in a ward, its stay ends in escalation (WARD_ESCALATES). */
enum { WARD_AVOIDS = 1, WARD_ESCALATES = 2, WARD_STEPPED = 4, WARD_DIVERTED = 8, WARD_SEEN = 16 };

/* An ambulance patient in its cubicle whose handover takes the unit's handover_time. */
#define AMB_HANDING_OVER 2

/* Where a blocked patient of a unit with corridor spaces is (its u8 field, dstage, departs and
 * clink fill what was padding: the record is no bigger). */
enum corridor {
    C_NONE,    /* in its place (or not blocked) */
    C_IN,      /* in a corridor space: its place was freed, it is still in the unit */
    C_WAITING, /* in its place, in the unit's list for a corridor space (chead) */
};

/* In unit_rt caps beside its kind's UK_* flags: the unit has internal delays or discharge
 * hours (sc_unit discharge). Tested where a departure goes by, on the word already loaded for
 * the kind's flags, so that units without them pay nothing more. */
#define UNIT_RT_DISCHARGE (1u << 31)

/* A cascade of freed places looks at the stop flag once in this many moves (a power of 2). */
#define CASCADE_STOP_EVERY 4096u

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
    uint8_t ambulance;        /* arrived by ambulance and not yet handed over to an A&E cubicle (1),
                               * or in a cubicle with its handover under way (AMB_HANDING_OVER) */
    uint8_t delay;            /* enum delay, while delayed in unit */
    uint8_t group;            /* case-mix group (0 when the scenario has none): FS_MAX_GROUPS fit */
    uint8_t prank;            /* its priority's rank, 0 the highest (scenario nprio > 1 only) */
    uint8_t vcarers, vcar_in; /* visit-based units: see vstay below */
    uint32_t qprev;   /* the patient before it in its queue (UX_LINKED units only), or NONE */
    uint64_t number;  /* 1, 2, ... in order of arrival, for the patient log */
    uint8_t rejected; /* refused by a service since its stay here ended */
    /* CHC: considered for this episode; assessed after discharge, in the interim unit */
    uint8_t chc_done, chc_d2a;
    uint8_t corridor;    /* enum corridor: blocked in an A&E with corridor spaces */
    uint8_t rebooks;     /* arrivals of it cancelled so far (keys the rebooking's own stream) */
    uint8_t fenced;      /* of a stream with a ring_fence: may take its unit's kept places */
    uint8_t ward;        /* WARD_* bits: at a ward with avoids or escalate_to (flow_pathways.c) */
    uint8_t wardvisits;  /* arrivals at wards with avoids or escalate_to: keys their draws */
    uint8_t dstage;      /* a departure under way (depart_steps): 1 internal delay done, 2
                          * discharge hour reached too (or, in care, a step-down put off to
                          * its discharge hour: step_down_waits); 0 otherwise */
    uint16_t departs;    /* departures begun from units with internal delays or discharge hours:
                          * keys their own streams */
    int32_t vfor;        /* visit-based units: see vstay below */
    uint32_t offers;     /* offers made to p->assess_to in this assessment (a [transfer]'s
                          * re-offers): keys the re-offers' own streams */
    int32_t assess_to;   /* the unit it is being assessed for */
    int32_t home_from;   /* the unit it went home from (for readmit_to) */
    int32_t chc_to;      /* where it was going when referred */
    uint32_t clink;      /* next in its unit's list of patients waiting for a corridor space */
    double chc_ref_t;    /* referral (end of the stay) */
    double chc_assess;   /* length of the assessment */
    double chc_decide_t; /* decision, for an assessment after discharge */
    double t_assess;     /* start of that assessment */
    /* Visit-based units (flow_units.c, "visit slots"): the stay drawn for unit vfor - 1 (0:
     * none drawn) before it starts there, to test whether its visits fit, and its carers a
     * visit there (1, or 2 double-handed), which begin_stay takes rather than drawing one;
     * vcar_in: its carers a visit in the visit-based unit it is in now. */
    double vstay;
};

/* The loader refuses more groups than a patient's one byte can tell apart (300 groups once put
 * the patients of groups 256-299 silently in groups 0-43); likewise units and arrival streams
 * go into the calendar's 32-bit ids. */
_Static_assert(FS_MAX_GROUPS <= UINT8_MAX + 1, "struct patient keeps its group in a uint8_t");
_Static_assert(FS_MAX_UNITS <= INT32_MAX && FS_MAX_ARRIVALS <= INT32_MAX,
               "unit and stream indices are int32_t in patients and uint32_t in events");
_Static_assert(FS_MAX_DATED_ROWS <= UINT32_MAX, "a capacity change's row is an event's arg");
_Static_assert(FS_MAX_UNITS < INT32_MAX, "a departure's destination + 1 is an event's arg, bit 31 "
                                         "apart (DEPART_OVER_48H)");

struct unit_rt {
    double cap;
    unsigned caps;   /* what the unit's kind does: UK_* flags (unitkind.h), set once per run, and
                      * UNIT_RT_DISCHARGE */
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
    /* corridor spaces (sc_unit corridor_capacity > 0): patients in them (not in occ, still in
     * delayed), and the blocked patients still in a place waiting for one, first blocked
     * first, linked by clink */
    int32_t corr;
    uint32_t chead, ctail;
    /* What an occupancy change also updates (UX_*, set once per run): one test on the hot path
     * for the rare extras */
    uint8_t extras;
    /* 1 in an hour its admission_hour_of_week closes (it takes nobody in; EV_ADMIT_HOURS) */
    uint8_t closed;
    struct tw corr_tw, corr_any_tw; /* patients in the corridor; 1 while any is */
    /* Board measures only (else NULL): time at each whole occupancy in the open window and
     * since the warm-up, hist[k] for occupancy k (nhist of them), up to hist_t */
    double *hist, *hist_total;
    size_t nhist;
    double hist_t;
    /* delayed in an internal delay, waiting for the discharge hour (units with sc_unit
     * discharge only: last, after the fields every unit uses) */
    struct tw int_tw, dh_tw;
    int32_t occ_fenced; /* places held by the ring-fenced stream's patients (UX_FENCE only) */
    /* places shut by outbreaks now (sc_unit outbreak only), and their time-weighted count */
    double shut;
    struct tw closed_tw;
    struct tw choice_tw; /* delayed patients choosing (a [transfer]'s choice_time) */
    double esc_open;     /* places opened by [escalation] actions now */
    double esc_any_hour; /* an [escalation] discharge action's share leaving at any hour now */
    /* Visit-based units only (sc_unit visits, else NULL): slots booked and visits made on
     * each day d (nvdays of them), and the slots and visits a day of the patients delayed in
     * their place now, whose episodes are over (each booked at its final rate every midnight
     * it begins there) */
    double *vused, *vvisits;
    double vbridge_slots, vbridge_visits;
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
     * counts, and their areas in the open window and over the whole run; after them in the
     * window and the run (ml->narea in all), the days from the end of the stay to leaving and
     * the patients leaving, per (unit, destination) (metric_dest_index). */
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
    /* With priorities (sc nprio > 1): ptail[u * nprio + k], the last patient of rank k in unit
     * u's queue (NONE: none), where the next of that rank goes; NULL without */
    uint32_t *ptail;
    /* Outbreaks' streams, one per unit (NULL without outbreaks): starts, sizes, lengths */
    struct rng *ob_rng;
    size_t nstack, stackcap;
    int offering; /* the unit whose freed places the cascade is filling, -1 none */
    /* The run's stop flag (flow_opts, may be NULL), looked at every CASCADE_STOP_EVERY moves
     * of a cascade that free a place upstream too: a cascade is a loop at one instant inside one
     * event, which the event loop's own look cannot interrupt. moved counts the moves that free a
     * place upstream; stopped, once a cascade saw the flag, ends the replication after the event.
     */
    const volatile sig_atomic_t *stop;
    uint32_t moved;
    int stopped;
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
    size_t inv_next;  /* FLOWSIM_INVARIANTS: the unit the next per-event check starts at */
    size_t warm_k;    /* the warm-up-chart interval now open */
    double warm_next; /* and when it closes */
    /* With a seasonal difference (flow_year_windows) only, else NULL: per unit, the queue's
     * integral at the last warm-up-chart close and what report windows' resets took from it
     * since (2 a unit); and the two years */
    double *warm_q;
    double years[4];
    flow_visit_fn visit; /* the patient log, or NULL */
    void *visit_ctx;
    /* With a patient log only (else NULL): per patient record, what its row needs that the
     * engine does not keep (flow_record.c) */
    struct visit_log *vlog;
    size_t vlogcap;
    flow_row_fn row, warm_row; /* streaming, or NULL: then res->series and res->warm */
    void *row_ctx;
    double *rowbuf, *warmbuf; /* the one row being made, when streaming */
    uint64_t numbered;
    uint64_t came, went; /* since time 0: arrivals + readmissions, departures + lost */
    int placing; /* a census patient taking its place, or a patient keeping its own: a unit may be
                    above capacity */
    /* Blocking deadlock (flow_deadlock.c): the next daily check; frozen since (NAN: not
     * frozen) and the time up to which its length went into the report window; per unit, in
     * the frozen set now, and scratch for the check. */
    double dl_next, dl_since, dl_mark;
    uint8_t *dl_in;
    int32_t *dl_cnt;
    double snap_next; /* the next midnight census (day 1, 2, ...) */
    /* Discharge measures (units with sc_unit discharge): the day of the week at time 0
     * (Monday 0), and where the open report window began. */
    int wday0;
    double win_start;
    /* [escalation] (sc esc.on; else all zero): the level and when it was set, the reviews so
     * far, 1 while at each level, per stream 1 while cancelled; per signal its running state
     * (struct esc_rt); the window array a signal is evaluated from (zero but its unit's) */
    int esc_level;
    double esc_since;
    size_t esc_k;
    struct tw esc_tw[ESC_MAX_LEVELS + 1];
    uint8_t *esc_cancel;
    struct esc_rt *esc_sig;
    struct unit_window *esc_scratch;
};

/* One [escalation] signal's running state: its unit's counts of every report window closed so
 * far (closed), and at the last nwindow + 1 reviews (the ring ring[k % (nwindow + 1)], taken at
 * t[same]); its level at its last review with a value; its one-slot layout for metrics_eval. */
struct esc_rt {
    struct unit_window closed;
    struct unit_window *ring;
    double *t;
    int level;
    struct metric_slot slot;
    struct metric_layout ml;
};

/* What the patient log needs of a patient's current visit beyond struct patient: kept apart,
 * and only with a log, so a run without one carries none of it. */
struct visit_log {
    double since;                /* the delay under way began */
    double delayed[FLOW_NDELAY]; /* delayed days of the visit so far, by reason */
    int32_t delayed_in;          /* the unit it kept its place in while queueing here, + 1 */
    double corridor;             /* it moved to a corridor space (valid while in one) */
    uint8_t last;                /* enum delay: the visit's last delay that ended (D_NONE: none) */
};

/* ---- flow_units.c: unit mechanics ---- */

/* What units_arrive did with a patient that took no place. */
enum { ARRIVE_QUEUED = -1, ARRIVE_LOST = -2 };

/* A patient record from the pool (recycled through a free list), numbered, in the system;
 * and its return to the pool, out of the system. */
uint32_t pool_new(struct rep *r);
void pool_free(struct rep *r, uint32_t id);
/* Take a patient out of the middle of u's queue (it gave up). */
void units_queue_remove(struct rep *r, int u, uint32_t id);
/* Places held in unit u change by d (patient p's). */
void units_occ_add(struct rep *r, int u, int d, const struct patient *p);
/* The patient, whose stay in unit u has ended, starts or ends a delay in its place there. */
void units_delay_begin(struct rep *r, int u, struct patient *p, enum delay why, int target);
void units_delay_end(struct rep *r, int u, struct patient *p);
/* The patient gives up its place in unit u for next (a unit, or FLOW_NEXT_HOME/LOST); the
 * place is offered by the caller. */
void units_leave(struct rep *r, int u, struct patient *p, int next);
/* The cascade of places freed at u: units_offer starts it; each units_offer_next moves one
 * patient into a freed place (u's queue first, then the places those patients free upstream
 * in turn) and returns it, with *to the unit, or NONE when no more can move. The caller begins
 * each returned patient's stay before asking for the next. */
void units_offer(struct rep *r, int u);
uint32_t units_offer_next(struct rep *r, int *to);
/* The patient leaves the system (home, or lost); returns the unit whose place it freed, for
 * the caller to offer, or -1. */
int units_remove(struct rep *r, uint32_t id, int why);
/* The patient arrives at unit d: a place, the queue, diverted or lost by d's when_full.
 * Returns the unit it took a place in (d or where d diverted it: the caller begins the stay),
 * ARRIVE_QUEUED (in p->target's queue) or ARRIVE_LOST (out of the system); *freed is the unit
 * whose place it gave up, for the caller to offer, or -1. */
int units_arrive(struct rep *r, uint32_t id, int d, int *freed);
/* Events: a capacity schedule's row k for unit u (the caller offers u's places); surge places
 * opening, returning 1 when they opened (the caller offers them), 0 for a stale epoch; the
 * admission hours turning, returning 1 when the unit opened (the caller offers its places). */
void units_on_capacity(struct rep *r, int u, uint32_t k);
int units_on_surge(struct rep *r, int u, uint32_t epoch);
int units_on_admit_hours(struct rep *r, int u, int open);
int units_on_outbreak(struct rep *r, int u, uint32_t arg);
/* An [escalation] action opens (d > 0) or closes (d < 0) d of unit u's places; returns 1 when
 * it opened them (the caller offers them). Closing evicts nobody: held places close as they
 * free, as a capacity cut's do. */
int units_on_escalation(struct rep *r, int u, double d);
/* A midnight, in visit-based unit u: the day's visits of the patients delayed in it are
 * booked (the caller then offers u, whose queue's head may now fit). */
void units_on_visit_day(struct rep *r, int u);
/* Could patient p take one of unit u's places now: one free, the unit open (admission hours),
 * and not kept by a ring-fence for another stream's patients. */
int units_may_take(const struct rep *r, int u, const struct patient *p);

/* ---- flow_pathways.c: care pathways ---- */

/* Places freed at u go to its queue and on up the cascade (units_offer); each patient that
 * takes one begins its stay. */
void path_offer(struct rep *r, int u);
/* Events. */
void path_on_arrival(struct rep *r, uint32_t s);
void path_on_end_stay(struct rep *r, uint32_t id);
void path_on_assessed(struct rep *r, uint32_t id);
void path_on_chosen(struct rep *r, uint32_t id);
void path_on_readmit(struct rep *r, uint32_t id);
void path_on_rebooked(struct rep *r, uint32_t id, uint32_t s);
void path_on_step_down(struct rep *r, uint32_t id);
void path_on_chc_decided(struct rep *r, uint32_t id);
void path_on_renege(struct rep *r, uint32_t id);
/* An internal delay or a wait for the discharge hour has ended; arg is the event's (the
 * destination + 1, and DEPART_OVER_48H for an internal delay over 48 hours). */
void path_on_depart(struct rep *r, uint32_t id, uint32_t arg);
#define DEPART_OVER_48H (1u << 31)
/* Place the census's patients at time 0. */
void path_place_census(struct rep *r);

/* ---- flow_deadlock.c: a blocking deadlock, found and timed ---- */

/* Is the system frozen now (a set of full units, every patient in them blocked waiting for a
 * place in another of them, nothing that could end)? Called once a simulated day, before a
 * report window closes and after a capacity change; records the freeze or the thaw. */
void dl_check(struct rep *r);
/* The frozen time up to t into the open report window (before it closes at t). */
void dl_account(struct rep *r, double t);

/* ---- flow_record.c: recording ---- */

/* Patients in the system change by d. */
void rec_in_system(struct rep *r, double d);
/* Patient p entered the system from an arrival stream (its group drawn); was readmitted. */
void rec_entered(struct rep *r, const struct patient *p);
void rec_readmitted(struct rep *r);
/* Patient p went home (out of the system); lost at the door of full unit u. */
void rec_went_home(struct rep *r, const struct patient *p);
void rec_lost(struct rep *r, int u, const struct patient *p);
/* Unit u's places (counted as `places`: 0 for an unlimited unit) and its surge places open
 * (1) or closed (0). */
void rec_capacity(struct rep *r, int u, double places);
void rec_surge(struct rep *r, int u, int on);
void rec_closed(struct rep *r, int u, double places);
/* The escalation level moves from `from` to `to`. */
void rec_escalation(struct rep *r, int from, int to);
/* Unit u's counts since time 0 up to t (now): `closed` (its windows closed so far, kept by
 * rec_close_window for each escalation signal) plus the open one, its areas integrated to t, so
 * that the difference of two is exactly the counts between them. */
void rec_counts_so_far(const struct rep *r, int u, double t, const struct unit_window *closed,
                       struct unit_window *out);
void rec_cancelled(struct rep *r, int u);
/* A patient arrived at unit u's door (from outside, or at the end of a stay elsewhere). */
void rec_arrived(struct rep *r, int u);
/* Unit u's queue changed by d (patient p's), to U->qlen; its occupancy by d, to U->occ. */
void rec_queue(struct rep *r, int u, const struct patient *p, int d);
void rec_occupancy(struct rep *r, int u, const struct patient *p, int d);
/* Unit u's occupancy changed by d, to U->occ: its histogram (board measures, U->hist). */
void rec_occupancy_hist(struct rep *r, int u, int d);
/* Patient p, delayed in unit u, began a delay (reason p->delay, awaiting target) or ended its
 * delay: U->delayed already counts the change. */
void rec_delay_began(struct rep *r, int u, const struct patient *p, int target);
void rec_delay_ended(struct rep *r, int u, const struct patient *p);
/* Patient p moved into (d = +1) or out of (-1) one of unit u's corridor spaces: U->corr
 * already counts it. */
void rec_corridor(struct rep *r, int u, const struct patient *p, int d);
/* Unit U's time-weighted 95th percentile of occupancy since the warm-up (board measures;
 * NAN without them). */
double flow_p95_total(const struct unit_rt *U);
/* The midnight census at time t: nctr, drd_over_21d, stranded patients (board_measures),
 * escalation levels. */
void rec_snapshot(struct rep *r, double t);
/* Patient p took a place in unit u after waiting `wait` since it arrived at the door; an
 * ambulance's handover to A&E unit u took h days. */
void rec_admitted(struct rep *r, int u, const struct patient *p, double wait);
void rec_handover(struct rep *r, int u, double h);
/* Patient p is leaving unit u for next: the patient log, stays, A&E times (before its place
 * and delay are given up). */
void rec_left(struct rep *r, int u, const struct patient *p, int next);
/* Patient p, admitted from A&E unit u, left it: the trolley wait since the decision. */
void rec_trolley(struct rep *r, int u, const struct patient *p);
/* A step-down from u to v, saving `rest` days of u's stay. */
void rec_step_down(struct rep *r, int u, int v, double rest);
/* Ward u admitted a step-up who avoids an admission (avoids: n = 1, saving `days`), or ended a
 * stay early to escalate the patient (escalate_to), which, into the unit it avoids, is an
 * admission after all (n = -1, days the mean stay it brings back; else 0 and 0). */
void rec_ward_avoided(struct rep *r, int u, double n, double days);
void rec_ward_escalated(struct rep *r, int u, double n, double days);
/* An internal delay in unit u ended; it had lasted over 48 hours. */
void rec_internal_ended(struct rep *r, int u, int over_48h);
/* Patient p gave up waiting for unit u (it joined the queue at p->t_queued). */
void rec_reneged(struct rep *r, int u, const struct patient *p);
/* A patient of group G went home from unit u, back at `back` (INFINITY: not): its 30- and
 * 91-day readmission outcomes, where the horizon lets us follow it. */
void rec_home_outcome(struct rep *r, int u, const struct unit_group *G, double back);
/* A CHC referral, assessed in the acute bed or after discharge; a decision `days` after the
 * referral. */
void rec_chc_referred(struct rep *r, int in_acute);
void rec_chc_decided(struct rep *r, double days, int eligible);
/* Unit u decided on a transfer t `days` after the assessment began. */
void rec_assessed(struct rep *r, int u, const struct sc_transfer *t, double days, int accepted);
/* Unit u (the TO of a [transfer] with reoffer_after) declined an offer. */
void rec_declined(struct rep *r, int u);
/* The system has been frozen in a deadlock for `days` more days of the open window. */
void rec_deadlocked(struct rep *r, double days);
/* The horizon: the patient log's rows for every place held and queue joined still open. */
void rec_horizon(struct rep *r);
/* Close the report window ending at t (evaluating it once collecting) and the warm-up-chart
 * interval ending at t. */
void rec_close_window(struct rep *r, double t);
void rec_close_warm(struct rep *r, double t);

#endif
