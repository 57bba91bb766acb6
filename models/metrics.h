/* metrics.h — which metrics a scenario reports (its "slots": unit x metric, or system-wide),
 * the raw accumulators of one reporting window, and how they become metric values.
 *
 * A window is a report bucket or the whole post-warm-up period; the whole period is simply
 * the sum of its buckets' raw accumulators, so each event updates one set of counters. */
#ifndef FS_METRICS_H
#define FS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

enum metric {
    /* per unit (contract names) */
    MET_OCCUPANCY,
    MET_OCCUPANCY_PCT,
    MET_QUEUE,
    MET_ADMISSIONS,
    MET_WAIT_MEAN,
    MET_LOST_FRACTION,
    MET_DELAYED,
    MET_DELAYED_DAYS,
    MET_DELAYED_DAYS_AWAITING, /* one slot per unit the patients wait for: ..._awaiting_UNIT */
    MET_DELAYED_DAYS_ASSESSMENT,
    MET_DELAYED_DAYS_REJECTED,
    MET_DELAYED_DAYS_CHC,
    MET_NCTR,
    MET_REFERRALS,
    MET_ASSESSED_WITHIN_TARGET_PCT,
    MET_ACCEPTED_PCT,
    MET_LOS_MEAN,
    MET_AE_4H_PCT,
    MET_AE_12H_WAITS,
    MET_AE_12H_PCT,
    MET_TROLLEY_WAIT_MEAN,
    MET_TROLLEY_WAITS_12H,
    MET_HANDOVERS,
    MET_HANDOVER_MEAN,
    MET_HANDOVERS_30M,
    MET_HANDOVERS_60M,
    MET_COST_PER_DAY,
    MET_READMIT_30D_PCT,
    MET_HOME_91D_PCT,
    MET_STEP_UPS,
    MET_STEP_DOWNS,
    MET_BED_DAYS_SAVED,
    MET_SURGE_HOURS,
    MET_SURGE_BED_DAYS,
    MET_RENEGED_PCT,
    /* system-wide */
    MET_ARRIVALS,
    MET_DEPARTURES,
    MET_LOST,
    MET_IN_SYSTEM,
    MET_DTOC_PER_100K,
    MET_SYSTEM_COST_PER_DAY,
    MET_READMISSIONS,
    MET_SYSTEM_READMIT_30D_PCT,
    MET_CHC_ASSESSMENTS,
    MET_CHC_IN_ACUTE_PCT,
    MET_CHC_DAYS_TO_DECISION,
    MET_CHC_WITHIN_28D_PCT,
    MET_CHC_ELIGIBLE_PCT,
    MET_COUNT
};

struct metric_slot {
    int unit; /* -1 for a system metric */
    enum metric metric;
    int target;   /* the awaited unit, for MET_DELAYED_DAYS_AWAITING; else -1 */
    int group;    /* a case-mix group, for --by-group slots (named METRIC.GROUP); else -1 */
    char *name;   /* as written in the CSVs */
    size_t await; /* MET_DELAYED_DAYS_AWAITING: its (unit, target) pair in the await arrays */
};

struct metric_layout {
    size_t n;
    struct metric_slot *slot;
    int by_group; /* per-group slots follow the others */
    /* The (unit, awaited unit) pairs a delay can be counted under, so that the await arrays
     * grow with the routes rather than with units squared: unit u's awaited units are
     * await_to[await_off[u] .. await_off[u + 1]), ascending, and are pairs await_off[u] ...
     * of the arrays; the last pair, nawait - 1, gathers any other (which no slot reports). */
    size_t *await_off; /* nunits + 1 */
    int *await_to;
    size_t nawait;
};

/* by_group adds, for each [group], the core metrics of each unit and the system's arrivals and
 * departures, named METRIC.GROUP. */
void metric_layout_init(struct metric_layout *ml, const struct scenario *sc, int by_group);
/* Units a patient ending a stay in unit u may wait for (a queueing unit reached by its routing,
 * through any diverts) into out[] (room for sc->nunits); returns how many. */
int metric_wait_targets(const struct scenario *sc, int u, int *out);
void metric_layout_fini(struct metric_layout *ml);
/* Index of the pair (unit u delayed awaiting unit d) in the await arrays: a binary search of
 * u's awaited units; nawait - 1 for a pair no slot reports. */
size_t metric_await_index(const struct metric_layout *ml, int u, int d);

/* Raw accumulators of one unit over one window. */
struct unit_window {
    double occ_area, cap_area, queue_area, delayed_area; /* place-days, patient-days */
    double wait_sum, los_sum;                            /* days */
    uint64_t arrivals, admissions, lost, leaves, ae_leaves, ae_within_4h;
    /* A&E: waits from arrival, decision-to-admit to leaving, ambulance handovers */
    uint64_t ae_over_12h, trolley_n, trolley_over_12h, handovers, handovers_30m, handovers_60m;
    double trolley_sum, handover_sum;
    double nctr_sum; /* delayed patients counted at the end of each bucket */
    uint64_t nctr_n;
    /* [transfer]: delay by reason in the FROM unit; referrals counted at the TO unit */
    double assess_area, rejected_area;
    uint64_t referrals, target_n, within_target, accepted;
    /* going home, counted when it happens among patients who can be followed to the horizon:
     * for 30 days (readmission) and 91 days (still at home) */
    uint64_t home30_n, readmit30, home91_n, home91_ok;
    /* step-down: admissions by step-down (at the receiving unit), stay moved out (source) */
    uint64_t step_downs;
    double saved;
    double surge_area; /* days in surge */
    double chc_area;   /* delayed patient-days in a CHC assessment */
    uint64_t reneged;  /* gave up waiting for a place here (patience) */
};

struct sys_window {
    double in_system_area;
    uint64_t arrivals, departures, lost, readmissions;
    /* CHC: referrals by place (counted at referral), decisions (counted at the decision) */
    uint64_t chc_in_acute, chc_after, chc_decisions, chc_eligible, chc_within_28d;
    double chc_days_sum;
};

void unit_window_add(struct unit_window *into, const struct unit_window *w);
void sys_window_add(struct sys_window *into, const struct sys_window *w);

/* Metric values of a window of the given length (days) into out[ml->n]; NAN where a
 * metric is undefined (a mean over no patients). await_area[metric_await_index(ml, u, d)]
 * (ml->nawait values) is the delayed patient-days in unit u of patients waiting for a place
 * in unit d. With by_group, guw[g * nunits + u] and gsw[g] are group g's windows (else
 * NULL). */
void metrics_eval(const struct metric_layout *ml, const struct scenario *sc,
                  const struct unit_window *uw, const struct sys_window *sw,
                  const double *await_area, const struct unit_window *guw,
                  const struct sys_window *gsw, double length, double *out);

#endif
