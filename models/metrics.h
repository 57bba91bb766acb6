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

/* Where a metric is a headline (the registry's HEADLINE column): for units of a kind, or the
 * system-wide one. */
#define MH_ACUTE (1u << UNIT_ACUTE)
#define MH_AE (1u << UNIT_AE)
#define MH_SYSTEM (1u << 16)

/* The table `flowsim run` prints (the registry's CONSOLE column). */
enum metric_console {
    MC_HIDE,
    MC_SHOW,
    MC_NONZERO /* shown unless its mean is 0 (or empty) */
};

enum metric_scope { MS_UNIT, MS_SYSTEM };

/* The values a metric can take (the registry's RANGE column): its 95% intervals are cut at
 * these bounds (metric_range_bounds). */
enum metric_range {
    MR_NONNEG,        /* [0, inf): counts, rates, times, places, costs */
    MR_PERCENT,       /* [0, 100]: a share of patients (or of time) */
    MR_FRACTION,      /* [0, 1] */
    MR_HOURS_PER_DAY, /* [0, 24] */
    MR_ANY            /* unbounded: a difference */
};

/* Which units report a per-unit metric (which scenarios, for a system metric): the contract's
 * for every unit, the rest only where the scenario switched on what they measure. */
enum metric_when {
    MW_ALWAYS,
    /* per unit */
    MW_PER_AWAITED,            /* one slot for each unit a patient leaving this one can wait for */
    MW_PER_DEST,               /* on units with discharge measures, one slot for each destination
                                * (a unit, or exit) a patient leaving this one may take */
    MW_FINITE_CAPACITY,        /* capacity never inf */
    MW_OVERFILL,               /* capacity never inf, and a schedule or a census can leave more
                                * patients than places */
    MW_AE,                     /* ae units */
    MW_AMBULANCE,              /* ae units fed by a stream with ambulance */
    MW_ACUTE,                  /* acute units */
    MW_COST,                   /* a cost key */
    MW_ASSESSES,               /* FROM of a [transfer] */
    MW_REJECTS,                /* FROM of a [transfer] that may refuse */
    MW_REFERRED,               /* TO of a [transfer] */
    MW_TARGET,                 /* TO of a [transfer] with a target */
    MW_READMIT,                /* readmit > 0 for some group */
    MW_HOME_CARE_READMISSIONS, /* home_care units of a scenario with readmissions */
    MW_STEPPED_INTO,           /* receives step-downs, or avoids */
    MW_SAVES,                  /* has a step_down, or avoids */
    MW_AVOIDS,                 /* avoids (a virtual ward's avoided admissions) */
    MW_ESCALATE_TO,            /* escalate_to */
    MW_AVOIDS_COST,            /* avoids and a cost key */
    MW_SURGE,                  /* surge_capacity > 0 */
    MW_PATIENCE,               /* a patience */
    MW_CHC_FROM,               /* a [chc] from unit */
    MW_CORRIDOR,               /* corridor_capacity > 0 */
    MW_BOARD,                  /* board_measures = yes */
    MW_BOARD_ACUTE,            /* acute units, board_measures = yes */
    MW_BOARD_ACUTE_BEDS,       /* the same with a finite capacity (occupancy_midnight_pct) */
    MW_BOARD_AMBULANCE,        /* MW_AMBULANCE units, board_measures = yes or handover_time */
    MW_BOARD_LWBS,             /* ae units with a patience, board_measures = yes */
    MW_LEVEL1,                 /* escalation_levels with at least 1, 2, 3 levels */
    MW_LEVEL2,
    MW_LEVEL3,
    MW_INTERNAL,        /* internal_delay or internal_delay_to */
    MW_DISCHARGE_HOURS, /* discharge_hour_of_week */
    MW_OUTBREAK,        /* outbreak_rate */
    MW_CANCEL,          /* a stream to it has cancel_above */
    MW_DISCHARGE,       /* either: the discharge measures */
    MW_REOFFERED,       /* TO of a [transfer] with reoffer_after */
    MW_CHOICE,          /* FROM of a [transfer] with choice_time */
    MW_VISITS,          /* visit_slots or visit_slots_schedule: a visit-based unit */
    /* system */
    MW_POPULATION, /* population set */
    MW_ANY_COST,   /* some unit has a cost key */
    MW_READMISSIONS,
    MW_CHC,
    MW_ESCALATION, /* an [escalation] section */
    MW_ESC_LEVEL1, /* ... with at least 1, 2, 3, 4 levels */
    MW_ESC_LEVEL2,
    MW_ESC_LEVEL3,
    MW_ESC_LEVEL4
};

/* ORDER METRIC: the enum follows the registry, models/metrics.def. */
enum metric {
#define METRIC(id, name, scope, when, by_group, headline, console, measure, range, definition,     \
               source)                                                                             \
    MET_##id,
#include "metrics.def"
#undef METRIC
    MET_COUNT
};

/* One row of the registry. */
struct metric_def {
    const char *name; /* in the CSVs; a per-target metric's prefix */
    enum metric_scope scope;
    enum metric_when when;
    int by_group;      /* also per case-mix group with --by-group */
    unsigned headline; /* MH_* bits */
    enum metric_console console;
    const char *measure;     /* unit of measure */
    enum metric_range range; /* the values it can take */
    const char *definition;  /* one line; docs/model.md has the whole */
    const char *source;      /* where the definition comes from (an NHS collection, ...) */
};

/* The registry's row of metric m. */
const struct metric_def *metric_def(enum metric m);
/* The row named name (exactly, as in a CSV's metric column) of the given scope (a system
 * metric, or a unit's); NULL when none is (a per-target or per-group slot's name). */
const struct metric_def *metric_find(const char *name, int system);

/* The row of the metric named name as a CSV's metric column has it, unquoted: a registry name,
 * a per-target one (delayed_days_awaiting_UNIT, drd_to_discharge_mean_DEST: the row whose name
 * is its prefix) or a per-group one (NAME.GROUP: the row named NAME), a system metric or a
 * unit's; NULL for a name of no registry metric. */
const struct metric_def *metric_lookup(const char *name, int system);
/* A name as a list of metrics may give it ([scenario] timeseries_metrics): any name
 * metric_lookup takes (a registry name, a concrete one of the CSVs: delayed_days_awaiting_home,
 * occupancy.frail), or a per-target registry name without its trailing '_'
 * (delayed_days_awaiting); its registry row of that scope, NULL for none. */
const struct metric_def *metric_named(const char *name, int system);

/* The bounds lo <= hi of range r (an infinite one where it has none). */
void metric_range_bounds(enum metric_range r, double *lo, double *hi);
/* The bounds of the metric named name as a CSV's metric column has it (a per-target name,
 * delayed_days_awaiting_UNIT, and a per-group one, NAME.GROUP, included; a leading quote of a
 * quoted field is skipped), a system metric or a unit's: the one lookup every writer of an
 * interval uses, so that `flowsim run`, `merge`, `compare` and the report cut alike. A name
 * of no registry metric is unbounded. */
void metric_bounds(const char *name, int system, double *lo, double *hi);

/* metric_is_headline's kind for a system metric, and for a unit whose kind is not known (a
 * results folder's CSV): a headline for some kind of unit. */
#define METRIC_SYSTEM (-1)
#define METRIC_ANY_KIND (-2)
/* Whether the metric named name is a headline (compare, --precision, the report's
 * comparison) for a unit of the given kind (an enum unit_kind), or METRIC_SYSTEM or
 * METRIC_ANY_KIND. The one headline predicate: every list of headlines reads it. */
int metric_is_headline(const char *name, int kind);

struct metric_slot {
    int unit; /* -1 for a system metric */
    enum metric metric;
    int target;   /* the awaited unit, for MET_DELAYED_DAYS_AWAITING; else -1 */
    int group;    /* a case-mix group, for --by-group slots (named METRIC.GROUP); else -1 */
    char *name;   /* as written in the CSVs */
    size_t await; /* MET_DELAYED_DAYS_AWAITING: its (unit, target) pair in the await arrays;
                   * an MW_PER_DEST metric: its (unit, destination) sum there (nawait + k) */
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
    /* The (unit, destination) pairs of MW_PER_DEST slots, likewise: unit u's destinations
     * (ROUTE_EXIT for exit) are dest_to[dest_off[u] .. dest_off[u + 1]), ascending; the last
     * pair, ndest - 1, gathers any other. Their sums follow the await pairs in the await arrays
     * (pair k's at nawait + k, its count at nawait + ndest + k), narea values in all. */
    size_t *dest_off;
    int *dest_to;
    size_t ndest, narea;
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
/* Index k of the pair (unit u, destination d: a unit or ROUTE_EXIT) among the MW_PER_DEST
 * pairs; ndest - 1 for a pair no slot reports. */
size_t metric_dest_index(const struct metric_layout *ml, int u, int d);

/* Raw accumulators of one unit over one window, one X(type, field) each: the struct and
 * unit_window_add are made from this list, so a new accumulator is merged by construction
 * (tests/test_metrics.c checks every field). Each is a double or a uint64_t. */
#define UNIT_WINDOW_FIELDS(X)                                                                      \
    X(double, occ_area)     /* place-days */                                                       \
    X(double, cap_area)     /* capacity place-days */                                              \
    X(double, over_area)    /* place-days held beyond capacity (a cut leaves the patients) */      \
    X(double, queue_area)   /* patient-days queueing */                                            \
    X(double, delayed_area) /* patient-days delayed in place */                                    \
    X(double, wait_sum)     /* days */                                                             \
    X(double, los_sum)      /* days */                                                             \
    X(uint64_t, arrivals)                                                                          \
    X(uint64_t, admissions)                                                                        \
    X(uint64_t, lost)                                                                              \
    X(uint64_t, leaves)                                                                            \
    X(uint64_t, ae_leaves)                                                                         \
    X(uint64_t, ae_within_4h)                                                                      \
    /* A&E: waits from arrival, decision-to-admit to leaving, ambulance handovers */               \
    X(uint64_t, ae_over_12h)                                                                       \
    X(uint64_t, trolley_n)                                                                         \
    X(uint64_t, trolley_over_12h)                                                                  \
    X(uint64_t, handovers)                                                                         \
    X(uint64_t, handovers_30m)                                                                     \
    X(uint64_t, handovers_60m)                                                                     \
    X(double, trolley_sum)                                                                         \
    X(double, handover_sum)                                                                        \
    X(double, nctr_sum) /* delayed patients summed over the midnight censuses (snapshots) */       \
    /* [transfer]: delay by reason in the FROM unit; referrals counted at the TO unit */           \
    X(double, assess_area)                                                                         \
    X(double, rejected_area)                                                                       \
    X(uint64_t, referrals)                                                                         \
    X(uint64_t, target_n)                                                                          \
    X(uint64_t, within_target)                                                                     \
    X(uint64_t, accepted)                                                                          \
    /* going home, counted when it happens among patients who can be followed to the horizon:      \
     * for 30 days (readmission) and 91 days (still at home) */                                    \
    X(uint64_t, home30_n)                                                                          \
    X(uint64_t, readmit30)                                                                         \
    X(uint64_t, home91_n)                                                                          \
    X(uint64_t, home91_ok)                                                                         \
    /* step-down: admissions by step-down (at the receiving unit), stay moved out (source) */      \
    X(uint64_t, step_downs)                                                                        \
    X(double, saved)                                                                               \
    /* virtual wards (avoids, escalate_to): admissions avoided, stays escalated */                 \
    X(double, avoided)  /* net: avoiders admitted less escalations back into the avoided unit */   \
    X(double, returned) /* the avoided unit's mean stays escalations back into it bring */         \
    X(uint64_t, ward_escalations)                                                                  \
    X(double, surge_area)      /* days in surge */                                                 \
    X(double, closed_area)     /* place-days closed by outbreaks */                                \
    X(uint64_t, cancellations) /* arrivals cancelled at this unit (cancel_above) */                \
    X(double, chc_area)        /* delayed patient-days in a CHC assessment */                      \
    X(uint64_t, reneged)       /* gave up waiting for a place here (patience) */                   \
    /* the front door: corridor patient-days, days with anyone in the corridor, entries; */        \
    X(double, corridor_area)                                                                       \
    X(double, corridor_any_area)                                                                   \
    X(uint64_t, corridor_entries)                                                                  \
    X(uint64_t, handovers_45m)                                                                     \
    /* the midnight census (rec_snapshot): how many (nctr_sum and drd21_sum are summed over */     \
    /* them too); stranded patients summed over them; those at or above each escalation level */   \
    X(uint64_t, snapshots)                                                                         \
    X(double, stranded7_sum)                                                                       \
    X(double, stranded14_sum)                                                                      \
    X(double, stranded21_sum)                                                                      \
    X(uint64_t, days_level1)                                                                       \
    X(uint64_t, days_level2)                                                                       \
    X(uint64_t, days_level3)                                                                       \
    /* beds occupied and available, summed over the censuses (occupancy_midnight_pct) */           \
    X(double, occ_midnight_sum)                                                                    \
    X(double, avail_midnight_sum)                                                                  \
    /* padding: every event indexes r->win[u]; at 584 bytes GCC multiplies by the size in */       \
    /* three instructions, at 600 in one imul (+0.7% instructions on bench M1 without it, */       \
    /* bench/RESULTS.md): keep a size of one imul when adding fields */                            \
    X(double, pad1_)                                                                               \
    X(double, pad2_)                                                                               \
    /* visit-based units, summed over the days ended in the window: days, slots, slots booked, */  \
    /* visits made */                                                                              \
    X(uint64_t, visit_days)                                                                        \
    X(double, visit_slots)                                                                         \
    X(double, visit_used)                                                                          \
    X(double, visit_used_in) /* slots booked, each day at most its slots */                        \
    X(double, visit_visits)                                                                        \
    /* the window's time-weighted 95th percentile of occupancy, set when it closes; a sum of */    \
    /* windows means nothing: the whole run's is set from its own histogram (flow.c) */            \
    X(double, occ_p95)                                                                             \
    /* leaving (units with internal delays or discharge hours): delay by those reasons;            \
     * departures, before noon, on a Saturday or Sunday; the window's weekend days; days from      \
     * the end of the stay to leaving (patients whose stay ended here); more than 21 days past     \
     * it, counted at each bucket's end; internal delays over 48 hours, counted as they end */     \
    X(double, internal_area)                                                                       \
    X(double, dhour_area)                                                                          \
    X(uint64_t, dis_n)                                                                             \
    X(uint64_t, dis_noon)                                                                          \
    X(uint64_t, dis_weekend)                                                                       \
    X(double, weekend_days)                                                                        \
    X(uint64_t, drd_n)                                                                             \
    X(double, drd_sum)                                                                             \
    X(double, drd21_sum)                                                                           \
    X(uint64_t, internal_over_48h)                                                                 \
    /* placement: offers declined at the TO unit; delayed patient-days choosing (FROM) */          \
    X(uint64_t, declines)                                                                          \
    X(double, choice_area)

struct unit_window {
#define UNIT_WINDOW_FIELD(type, field) type field;
    UNIT_WINDOW_FIELDS(UNIT_WINDOW_FIELD)
#undef UNIT_WINDOW_FIELD
};

/* The same for the system's window. */
#define SYS_WINDOW_FIELDS(X)                                                                       \
    X(double, in_system_area)                                                                      \
    X(double, deadlocked_days) /* time frozen in a blocking deadlock (flow_deadlock.c) */          \
    X(uint64_t, arrivals)                                                                          \
    X(uint64_t, departures)                                                                        \
    X(uint64_t, lost)                                                                              \
    X(uint64_t, readmissions)                                                                      \
    /* CHC: referrals by place (counted at referral), decisions (counted at the decision) */       \
    X(uint64_t, chc_in_acute)                                                                      \
    X(uint64_t, chc_after)                                                                         \
    X(uint64_t, chc_decisions)                                                                     \
    X(uint64_t, chc_eligible)                                                                      \
    X(uint64_t, chc_within_28d)                                                                    \
    X(double, chc_days_sum)                                                                        \
    /* [escalation]: days at each level, reviews that raised it */                                 \
    X(double, esc_days0)                                                                           \
    X(double, esc_days1)                                                                           \
    X(double, esc_days2)                                                                           \
    X(double, esc_days3)                                                                           \
    X(double, esc_days4)                                                                           \
    X(uint64_t, escalations)

struct sys_window {
#define SYS_WINDOW_FIELD(type, field) type field;
    SYS_WINDOW_FIELDS(SYS_WINDOW_FIELD)
#undef SYS_WINDOW_FIELD
};

void unit_window_add(struct unit_window *into, const struct unit_window *w);
/* into -= w, field by field: the counts between two snapshots of running totals ([escalation]'s
 * window, flow.c). */
void unit_window_sub(struct unit_window *into, const struct unit_window *w);
void sys_window_add(struct sys_window *into, const struct sys_window *w);

/* Metric values of a window of the given length (days) into out[ml->n]; NAN where a
 * metric is undefined (a mean over no patients). await_area[metric_await_index(ml, u, d)]
 * (ml->nawait values) is the delayed patient-days in unit u of patients waiting for a place
 * in unit d; then (ml->narea values in all) the MW_PER_DEST sums and counts. With by_group, guw[g *
 * nunits + u] and gsw[g] are group g's windows (else NULL). */
void metrics_eval(const struct metric_layout *ml, const struct scenario *sc,
                  const struct unit_window *uw, const struct sys_window *sw,
                  const double *await_area, const struct unit_window *guw,
                  const struct sys_window *gsw, double length, double *out);

#endif
