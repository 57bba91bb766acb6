/* scenario.h — a scenario file loaded, checked and turned into plain typed data.
 *
 * Everything here is read-only once loaded, so one scenario is shared by every replication
 * thread. Times are in days from the scenario's start date. */
#ifndef FS_SCENARIO_H
#define FS_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "inidoc.h"
#include "sim/dist.h"
#include "sim/nhpp.h"

enum unit_kind {
    UNIT_GENERIC,
    UNIT_AE,
    UNIT_ACUTE,
    UNIT_STEP_DOWN,
    UNIT_HOME_CARE,
    UNIT_CARE_HOME,
    UNIT_VIRTUAL_WARD,
};

enum when_full { FULL_QUEUE, FULL_LOSE, FULL_DIVERT };

#define ROUTE_EXIT (-1)

/* A routing list with unit indices (ROUTE_EXIT for leaving) and cumulative probabilities. */
struct route {
    size_t n;
    int *dest;
    double *cum; /* cum[n-1] == 1 */
};

/* A unit's patient-level keys for one case-mix group: its own KEY.GROUP values, or copies of
 * the unit's. Every unit has at least one (group 0 stands for everyone when there are no
 * [group] sections), so the model never asks whether groups exist. */
struct unit_group {
    struct dist stay;
    struct route next;
    double readmit;
    struct dist readmit_after;
    int readmit_to;
    double avoided_stay; /* at a ward with avoids: the avoided unit's mean stay, days */
};

struct sc_group {
    char *name;
    double share;
    int priority; /* priority: a unit admits from its queue the highest first (flow_units.c) */
    int prank;    /* its rank among the scenario's priorities, 0 the highest */
};

struct sc_unit {
    char *name;
    enum unit_kind kind;
    double capacity; /* in force at time 0; +infinity for inf */
    size_t nsched;   /* capacity changes after time 0 */
    double *sched_t;
    double *sched_cap;
    struct dist stay;
    struct route next;
    enum when_full when_full;
    int divert;        /* unit index for FULL_DIVERT */
    int has_ambulance; /* some arrival stream brings ambulance patients here */
    double cost_per_place_day, cost_per_patient_day;
    /* roles in [transfer] sections */
    int assesses;   /* FROM of some transfer: reports assessment delay */
    int rejects;    /* FROM of a transfer that may refuse: reports rejected delay */
    int chooses;    /* FROM of a transfer with choice_time: reports choice delay */
    int reoffered;  /* TO of a transfer with reoffer_after: reports declines */
    int referred;   /* TO of some transfer: reports referrals and acceptance */
    int has_target; /* TO of a transfer with a target: reports assessed_within_target_pct */
    double readmit; /* probability a patient going home from here comes back */
    struct dist readmit_after; /* time from going home to coming back */
    int readmit_to;            /* unit a readmitted patient arrives at */
    int step_down_to;          /* step_down = UNIT SHARE at FRACTION: UNIT, or -1 */
    double step_down_share, step_down_at;
    int stepped_into;  /* some unit steps patients down into this one */
    int step_down_own; /* step_down_stay = own: the step-down unit's own stay, not the rest */
    /* Virtual wards as evaluated (flow_pathways.c, "wards"): avoids = UNIT [SHARE]: a step-up
     * here would otherwise have been admitted to UNIT with probability avoids_share (the rest
     * are new demand, who go home rather than be diverted when the ward is full); -1 none.
     * escalate_to = UNIT SHARE at FRACTION: SHARE of stays here end at FRACTION, the patient
     * going to UNIT instead of by next; -1 none. ward_rules: either is set. */
    int avoids;
    double avoids_share;
    int escalate_to;
    double escalate_share, escalate_at;
    int ward_rules;
    /* escalation: surge_capacity extra places open once occupancy has stayed at or above
     * surge_on x capacity for surge_after, and close below surge_off x capacity */
    double surge_capacity, surge_on, surge_after, surge_off;
    double init_in_care, init_delayed; /* census at time 0 */
    double init_queue;                 /* initial_queue: patients waiting at the door at time 0 */
    /* patience: a patient queuing here gives up after a draw from `patience` and goes to
     * patience_to (a unit, or ROUTE_EXIT: out of the modelled system) */
    int has_patience, patience_to;
    struct dist patience;
    /* The front door (an A&E, UK_CORRIDOR): corridor_capacity spaces (0: none, inf) where
     * a patient whose stay has ended waits for its next unit without holding a cubicle; the
     * time an ambulance handover takes once a cubicle is free (has_handover_time) */
    double corridor_capacity;
    int has_handover_time;
    struct dist handover_time;
    /* escalation_levels: up to 3 occupancy fractions, ascending (nlevels of them; 0: none),
     * reported as days_at_level_1..nlevels */
    size_t nlevels;
    double level[3];
    /* Leaving (flow_pathways.c, depart): after the stay, an internal delay (internal_delay, or
     * per destination internal_delay_to: internal_to_dest[k] ROUTE_EXIT or a unit, with
     * internal_to[k]), then a wait for the discharge hour (discharge_hour_of_week as a
     * piecewise-constant rate discharge_rate x weight(h); dhours_inf: at once in the first
     * hour of positive weight). discharge: any of them, which also turns on the unit's
     * discharge measures. */
    /* Outbreaks (outbreak_*): closures starting as a Poisson process (by_date multipliers),
     * each closing a number of places drawn from outbreak_beds for outbreak_duration; NULL:
     * none (flow_units.c) */
    struct nhpp *outbreak;
    int cancels; /* a stream to it has cancel_above: reports cancellations */
    /* ring_fence of the stream fence_stream: fence places only its patients may take */
    double fence;
    int fence_stream;
    struct dist outbreak_beds, outbreak_duration;
    int discharge, has_internal, has_dhours, dhours_inf;
    struct dist internal;
    size_t ninternal_to;
    int *internal_to_dest;
    struct dist *internal_to;
    struct nhpp *dhours; /* (has_dhours; kept apart: 1.4 KB beside every unit's hot fields
                          * slowed Birmingham's run 7% without it) */
    double dhours_wait;  /* the mean wait for it from a moment uniform over the week, days, the
                          * any_hour share's none included (load.c) */
    double any_hour;     /* discharge_any_hour: the share that leaves without waiting for it */
    /* admission_hour_of_week: the hours the unit takes patients in (weight > 0; a patient
     * arriving in another hour waits in its queue), NULL for every hour (flow_units.c) */
    struct nhpp *ahours;
    /* Visit-based (visit_slots or visit_slots_schedule; flow_units.c, "visit slots"): the
     * unit's capacity is carer visits a day, not places. vslots[d] the slots of day d (its
     * schedule's value at the day's midnight), for the nvdays days that begin before the
     * horizon; each patient needs visits_initial visits a day falling linearly to visits_final
     * over its episode (IPACS), each visit_length days long and double-handed (two carers,
     * two slots) for a share double_handed of its patients. visits 0: not visit-based. */
    int visits;
    size_t nvdays;
    double *vslots;
    double visits_initial, visits_final, visit_length, double_handed;
    struct unit_group *g; /* per group (scenario_ngroups(sc) of them) */
    double readmit_any;   /* the largest readmit over the groups */
    int init_given;
};

/* [chc]: NHS Continuing Healthcare. A patient moving from a `from` unit to a `to` unit may be
 * referred for a full assessment, done in the bed (in_acute) or after discharge in `interim`
 * (discharge to assess); eligible patients go to eligible_to, others where they were going. */
struct sc_chc {
    int on;
    char *from, *to; /* per unit: 1 if listed */
    double referral, in_acute, eligible;
    struct dist assessment;
    int eligible_to, interim;
};

/* [escalation]: a level (0 none, up to ESC_MAX_LEVELS) reviewed every check_every from up to
 * ESC_MAX_SIGNALS signals, each a metric of a unit over its last window with its own thresholds:
 * the level is the highest any signal reaches. Actions are in force at and above their level. */
#define ESC_MAX_LEVELS 4  /* NHS England's OPEL framework has four */
#define ESC_MAX_SIGNALS 4 /* signal, signal_2, signal_3, signal_4 */
enum esc_verb {
    ESC_OPEN,     /* open `places` more places in unit `target` (spot purchase: in a care home) */
    ESC_CANCEL,   /* cancel the arrivals of stream `target`, each rebooked after its esc_rebook */
    ESC_DISCHARGE /* unit `target` discharges `share` of its departures at any hour */
};
struct sc_esc_action {
    int level; /* in force while the level is at least this, 1..nlevels */
    enum esc_verb verb;
    int target;    /* a unit (ESC_OPEN) or an arrival stream (ESC_CANCEL) */
    double places; /* ESC_OPEN: whole places > 0 */
    double share;  /* ESC_DISCHARGE: the share that leaves at any hour, (0, 1] */
};
struct sc_esc_signal {
    int metric;    /* an enum metric (metrics.h) of a unit, from the few that a window's counts
                    * give exactly (scenario_units.c, esc_signals) */
    int unit;      /* its unit */
    double window; /* days: a whole number of check_every, `nwindow` of them */
    size_t nwindow;
    int rising;     /* 1: levels rise with the signal (> or >=); 0: they fall (< or <=) */
    int strict;     /* the comparison is < or > (else <= or >=) */
    size_t nlevels; /* 1..ESC_MAX_LEVELS */
    double level[ESC_MAX_LEVELS]; /* thresholds, each more severe than the one before */
};
struct sc_escalation {
    int on;
    double check_every; /* days between reviews, >= FS_MIN_ESC_CHECK_DAYS */
    size_t nsignals;    /* 1..ESC_MAX_SIGNALS */
    struct sc_esc_signal signal[ESC_MAX_SIGNALS];
    size_t nlevels;       /* the most levels any signal has */
    double stay_at_least; /* days a level holds before it may step down (hysteresis) */
    size_t nactions;
    struct sc_esc_action *action;
};

/* [transfer FROM -> TO]: an assessment in the FROM bed before a patient may move to TO. */
struct sc_transfer {
    int from, to;
    struct dist assessment;
    double target; /* NAN when none */
    double accept;
    struct route on_reject;
    /* Declines and re-offers: a refused patient is offered to TO again after reoffer_after
     * (has_reoffer), up to max_offers offers in all (INFINITY: no limit) before on_reject;
     * without reoffer_after, one offer (max_offers 1). */
    int has_reoffer;
    struct dist reoffer_after;
    double max_offers;
    /* Choice time (has_choice): an accepted patient chooses, in its FROM bed, for choice_time
     * before going to TO's door. */
    int has_choice;
    struct dist choice_time;
};

/* A row of [scenario] patients = FILE.csv: one patient in a unit at time 0. */
struct sc_patient {
    int unit;
    int group;     /* -1: drawn (from what is known of the patient) */
    double age;    /* days it has been in the unit at time 0 */
    int fit;       /* medically fit: its stay has ended and it waits to move on */
    int waits_for; /* the unit a fit patient waits for; -1: drawn from the routing */
};

struct sc_arrivals {
    char *name;
    int to;
    struct nhpp nhpp;
    double ambulance; /* share of arrivals by ambulance (0: none) */
    int has_priority; /* priority given: its patients' priority, else their group's */
    int priority, prank;
    int group; /* group = NAME: every patient of the stream is in it (no draw); -1: drawn */
    /* cancel_above: a patient arriving while its unit's occupancy is at or above this share of
     * the places open is cancelled and comes back after rebook_after (0: never cancelled) */
    double cancel_above;
    struct dist rebook_after;
    double ring_fence; /* places of its unit kept for its patients (0: none) */
    /* any of priorities (nprio > 1), ring_fence, ambulance, cancel_above or an [escalation]
     * cancel: an arrival looks at each only then (flow_pathways.c, path_on_arrival) */
    int rare;
    /* [escalation] actions 'cancel NAME DIST': cancelled from this level up (0: never), each
     * patient rebooked after esc_rebook */
    int esc_cancel;
    struct dist esc_rebook;
};

struct scenario {
    char *name;
    char *path;
    long start_day; /* days since 1970-01-01 */
    double horizon, warmup, interval;
    int replications;
    uint64_t seed;
    double population; /* NAN when unset */
    size_t nunits;
    struct sc_unit *unit;
    size_t narrivals;
    struct sc_arrivals *arrivals;
    size_t ntransfers;
    struct sc_transfer *transfer;
    /* The transfers by FROM unit, so that memory follows the transfers and not units squared:
     * unit u's are transfer_by_from[transfer_off[u] .. transfer_off[u + 1]), ascending by TO
     * (scenario_transfer searches them). */
    size_t *transfer_off; /* nunits + 1 */
    int *transfer_by_from;
    int *unit_by_name; /* unit indices in the order of their names (scenario_unit_index) */
    int readmissions;  /* some unit has readmit > 0 */
    int step_downs;    /* some unit has step_down */
    double census;     /* patients placed at time 0 */
    size_t npatients;  /* [scenario] patients: today's patients, one by one */
    struct sc_patient *patients;
    struct sc_chc chc;
    struct sc_escalation esc; /* [escalation], esc.on when present */
    size_t ngroups;           /* [group] sections; 0 for none */
    struct sc_group *group;
    int aux_draws;      /* some feature draws from the patients' second stream */
    int board_measures; /* [scenario] board_measures = yes: stranded, occupancy_p95, ... */
    double drift_tol;   /* [scenario] drift_tolerance: percent of the level (default 5) */
    /* [scenario] timeseries_metrics: which metrics timeseries.csv keeps (series.csv and
     * summary.csv keep every one). NULL: all; else MET_COUNT flags, one per enum metric. */
    unsigned char *ts_keep;
    int timeseries_none; /* timeseries_metrics = none: no timeseries.csv at all */
    /* [scenario] report_interval: timeseries.csv's and series.csv's rows per window of
     * report_every buckets (0: per bucket, the key absent), or per calendar month
     * (report_monthly). The simulation's buckets (interval) are unchanged. */
    size_t report_every;
    int report_monthly;
    int corridors; /* some unit has corridor_capacity > 0 */
    /* distinct priorities ([group], [arrivals] priority; 1: queues first come first served),
     * and the rank of priority 0 (patients with neither) */
    size_t nprio;
    int prank0;
    int discharges; /* some unit has internal delays or a discharge profile (sc_unit discharge) */
    /* some unit has ward_rules / is visit-based: the engine's door and admission look at the
     * unit's own flags only then (one test of the scenario's, on every other scenario's path) */
    int wards, visit_units;
    int choices;    /* some [transfer] has choice_time: the patient log writes delayed_choice */
    struct doc doc; /* every key with its effective value, for scenario.resolved.ini */
};

/* Does timeseries.csv keep the rows of metric m (an enum metric)? [scenario]
 * timeseries_metrics; every metric when the key is absent, none with `none`. */
int scenario_timeseries_keeps(const struct scenario *sc, int m);

/* Load path, apply the "NAME.KEY=VALUE" overrides in sets, and check everything, the limits of
 * models/limits.h included. Returns NULL with a one-line "FILE:LINE: key: expected ..." message
 * on any error. */
struct scenario *scenario_load(const char *path, const char *const *sets, size_t nsets, char *err,
                               size_t errlen);
void scenario_free(struct scenario *sc); /* accepts NULL */

int scenario_unit_index(const struct scenario *sc, const char *name); /* -1 if none */
/* The [transfer FROM -> TO] from unit `from` to unit `to`: its index in sc->transfer, or -1. */
int scenario_transfer(const struct scenario *sc, int from, int to);
/* Number of per-unit group records: the [group] count, or 1 when there are none. */
size_t scenario_ngroups(const struct scenario *sc);
/* The share of arrival stream s's patients in group g (of scenario_ngroups): the group's share
 * for a stream that draws groups, 1 or 0 for a stream of one group ([arrivals] group). */
double scenario_stream_group_share(const struct scenario *sc, size_t s, size_t g);
/* Number of report buckets after the warm-up (the last may be shorter than interval). */
size_t scenario_nbuckets(const struct scenario *sc);
/* Unit u's places averaged over [from, to) (days, from < to): the time-average of its capacity
 * and capacity_schedule's step function; +infinity if unlimited at any time in it. */
double scenario_mean_capacity(const struct sc_unit *u, double from, double to);

/* What loaded but looks like a slip (a duration without a unit, an A&E stay of days), each
 * "FILE:LINE: key: ..." without a newline, in the order of the file: *n of them. For the
 * commands to print on stderr (unless --quiet) and to write into run-info as warning = ... */
const char *const *scenario_warnings(const struct scenario *sc, size_t *n);

/* Every section and key with its effective value, defaults included; replications > 0
 * replaces [scenario] replications (a run that chose its own number, --precision). */
int scenario_write_resolved(const struct scenario *sc, FILE *f, int replications);

#endif
