/* flow.h — one replication of the care network: patients arrive, take places, end their
 * stays, move on or wait in place (blocking), and the metric windows record it all.
 *
 * A replication owns everything it touches (calendar, patients, random streams, windows), so
 * any number run at once on different threads and give the same numbers as one at a time.
 *
 * This header is the whole contract. The model is four files sharing the private flow_int.h:
 * flow.c (the run), flow_units.c (places and queues), flow_pathways.c (care pathways) and
 * flow_record.c (the metric windows); see flow_int.h. */
#ifndef FS_FLOW_H
#define FS_FLOW_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "scenario.h"

struct flow_result {
    int rep;
    size_t nbuckets, nslots;
    double *summary; /* nslots values over the whole post-warm-up period (NAN: undefined) */
    double *series;  /* nbuckets x nslots, bucket-major (NULL when streamed: flow_opts.row) */
    uint64_t events, patients;
    size_t peak_patients; /* most patient records in use at once */
    double in_system_end; /* patients in the system at the horizon (for conservation checks) */
    double census;        /* patients placed at time 0 from the census */
    /* Mean occupancy of each unit per interval from time 0, warm-up included (for judging the
     * warm-up): nwarm x nunits, interval-major (NULL when streamed: flow_opts.warm). */
    size_t nwarm;
    double *warm;
    /* Per unit: mean queue over the first and the last quarter of the report period, and
     * whether it grew without settling (flow_unstable), for a warning. */
    double *q_first, *q_last;
    uint8_t *unstable;
    /* per unit, FLOW_PLANNED_*: whether its capacity_schedule changes its places inside the
     * report period by more than the drift tolerance (a planned change, which the trend test
     * does not judge: output/stationarity.h), or only between the seasonal difference's years */
    uint8_t *planned;
    /* Per unit, the sums of an ordinary least-squares line through its report buckets' levels
     * y (mean occupancy + mean queue over the bucket, patients) against their midpoints x (days
     * from the end of the warm-up): FLOW_TREND_NSUMS values a unit (n, Σx, Σx², Σy, Σxy), and
     * the first and last bucket's midpoints, for the trend test (output/stationarity.h). */
    double *trend;
    double trend_x0, trend_x1;
    double drift_tol; /* the scenario's drift_tolerance, percent, carried into the diagnostics */
    /* Blocking deadlock (flow_deadlock.c): when the system first froze (days from time 0; NAN:
     * never), whether it was still frozen at the horizon, and per unit whether it was ever in
     * the frozen set. Per unit, the unit its delayed patients spent most bed-days waiting for
     * when that is at least a tenth of its bed-days (-1: none), for naming a bottleneck. How
     * many times it thawed (places added), when it last thawed and when it last froze (NAN:
     * never), so a warning can tell a freeze that a capacity rise ended, and one that came back. */
    double frozen_at;
    int frozen_end;
    int thaws;
    double thawed_last, frozen_last;
    uint8_t *deadlocked;
    int32_t *awaits;
};

/* One row of a patient log: a place held in a unit (a visit), or a queue joined without a
 * place there (gave up, lost at the door, or still waiting at the horizon). Times in days;
 * NAN where there is none: start, for a queue row; end_of_care, while the stay runs or when
 * the patient left before its stay ended (a step-down); leave, for a row still open at the
 * horizon (next is then FLOW_NEXT_NONE). The delayed days split the visit's delay, from
 * end_of_care to leaving (or the horizon), by reason, in the order they come: CHC assessment,
 * transfer assessment, then either, after a refusal, rejected, or the internal delay, the wait
 * for the discharge hour and waits for places downstream.
 * delayed_in: on a row of unit X, the unit where the patient kept its place while it waited
 * at X's door, counted there as awaiting X (-1: none). */
enum { FLOW_NEXT_HOME = -1, FLOW_NEXT_LOST = -2, FLOW_NEXT_NONE = -3 };
enum {
    FLOW_DELAY_CHC,
    FLOW_DELAY_ASSESSMENT,
    FLOW_DELAY_REJECTED,
    FLOW_DELAY_AWAITING,
    FLOW_DELAY_INTERNAL,       /* after the columns above: written only when some unit has */
    FLOW_DELAY_DISCHARGE_HOUR, /* internal delays or discharge hours (scenario discharges) */
    FLOW_DELAY_CHOICE,         /* written only when some [transfer] has choice_time */
    FLOW_NDELAY
};
struct flow_visit {
    int rep;
    uint64_t patient; /* numbered from 1 within the replication, in order of arrival */
    int group, unit;
    double arrive, start, end_of_care, leave;
    int next;                    /* the unit it went to, or FLOW_NEXT_HOME / LOST / NONE */
    const char *delay_reason;    /* why it was delayed when it left ("" if it was not) */
    int delay_target;            /* the awaited unit, for "awaiting" */
    int queue;                   /* a queue row: no place held here, no delayed days */
    double delayed[FLOW_NDELAY]; /* days of this visit's delay by reason (FLOW_DELAY_*) */
    int delayed_in;              /* the unit kept while queueing here, counted as awaiting it */
    double corridor;             /* when it moved from its place to a corridor space, or NAN */
};
typedef void (*flow_visit_fn)(void *ctx, const struct flow_visit *v);
/* Values handed over as they are made: report bucket `index` of replication rep (nslots
 * values), or warm-up-chart interval `index` (one mean occupancy per unit). */
typedef void (*flow_row_fn)(void *ctx, int rep, size_t index, const double *values);

/* Run replication rep (0-based) of sc. Returns 0 with *out set, or -1 with a message. */
int flow_run(const struct scenario *sc, const struct metric_layout *ml, int rep,
             struct flow_result **out, char *err, size_t errlen);
/* Options of a replication: a patient log (visit is called for every visit and every queue
 * left without a place, as each ends, then for those still open at the horizon), and a flag that,
 * once set (by a signal handler, say), makes the replication stop within a few thousand events (or
 * moves of patients at one instant, when places free) and fail with "interrupted". Both may be
 * NULL. */
struct flow_opts {
    flow_visit_fn visit;
    void *visit_ctx;
    const volatile sig_atomic_t *stop;
    /* Streaming: when set, each report bucket goes to row as it closes and each warm-up-chart
     * interval to warm, and the result holds neither (series and warm stay NULL), so a
     * replication's memory does not grow with its horizon. */
    flow_row_fn row, warm;
    void *row_ctx;
    /* A budget of events (0: none): past it, within a few thousand, the replication fails
     * with "over budget". For a fuzzer, whose inputs must each run in moments. */
    uint64_t max_events;
};
int flow_run_opts(const struct scenario *sc, const struct metric_layout *ml, int rep,
                  const struct flow_opts *opts, struct flow_result **out, char *err, size_t errlen);
void flow_result_free(struct flow_result *r); /* accepts NULL */

/* Number of warm-up-chart intervals (from time 0 to the horizon). */
size_t flow_nwarm(const struct scenario *sc);

/* Did a queue grow without settling? Its mean over the last quarter of the report period is
 * more than twice that over the first, and larger by more than half the places (at least 10
 * patients): demand beyond capacity, so the results depend on the horizon. */
int flow_unstable(double q_first, double q_last, double capacity);

/* The trend sums of a unit (struct flow_result's trend): FLOW_TREND_NSUMS a unit. The model is
 * y = a + b x, or, over a report period of a year or more, y = a + b x + the first two
 * harmonics of the year (c1 sin ωx + d1 cos ωx + c2 sin 2ωx + d2 cos 2ωx)
 * with ω = 2π / 365.25 days: an annual cycle (winter demand, a winter ward) is then fitted as a
 * cycle and not read as a trend (harmonic regression: Hyndman & Athanasopoulos, Forecasting:
 * Principles and Practice, 3rd ed., 2021, §7.4 "Fourier terms"). The sums are the normal
 * equations': FLOW_TREND_K regressors (2 or FLOW_TREND_KMAX), then Σ f_i f_j (i <= j, row by
 * row over FLOW_TREND_KMAX), Σ f_i y and Σ f_i q, with f = (1, x, sin ωx, cos ωx, sin 2ωx,
 * cos 2ωx), x in days from the middle of the report period. */
enum {
    FLOW_TREND_K,
    FLOW_TREND_XX,
    FLOW_TREND_KMAX = 6, /* 1, x, and two harmonics of the year */
    FLOW_TREND_XY = FLOW_TREND_XX + FLOW_TREND_KMAX * (FLOW_TREND_KMAX + 1) / 2,
    FLOW_TREND_XYQ = FLOW_TREND_XY + FLOW_TREND_KMAX, /* Σ f_i q, q the mean queue alone */
    /* the seasonal difference's integrals (flow_year_windows): the level's, the queue's and the
     * time covered, over the earlier year, then the same over the later */
    FLOW_TREND_YEAR = FLOW_TREND_XYQ + FLOW_TREND_KMAX,
    FLOW_TREND_NSUMS = FLOW_TREND_YEAR + 6
};
/* The two years whose means the seasonal difference compares, [y[0], y[1]) and [y[2], y[3])
 * (days from time 0): the report period's last 365 days, and its first 365 when it is two years
 * or more, else the 365 days before its last (reaching into the warm-up). Returns 0, y left as
 * it was, when the report period is under a year or the run under two: the fit is used then. */
int flow_year_windows(const struct scenario *sc, double y[4]);
/* From one unit's sums (sums[FLOW_TREND_NSUMS]) and the first and last midpoints x0, x1 (days):
 * out[0] the change over the report period of the patients in place or queueing (patients),
 * out[1] their mean level Σy/n over the report buckets (patients), out[2] and out[3] the same
 * for the queue alone (a full care home's residents hide its queue's growth). The change is the
 * seasonal difference when both years of flow_year_windows were covered: the later year's mean
 * less the earlier's, which a steady seasonal system keeps at 0 whatever the shape of its year
 * (Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd ed., 2021, §9.1
 * "seasonal differencing"). Otherwise it is the least-squares change b × (x1 − x0): NAN with
 * fewer buckets than regressors + 1 (a line through 2 points has no test) or when the normal
 * equations are singular (the midpoints do not spread); the levels are NAN with no bucket.
 * years = 0 asks for the fit whatever the years cover (a unit whose capacity_schedule differs
 * between the years but not within the report period: FLOW_PLANNED_FIT). */
void flow_trend(const double *sums, double x0, double x1, int years, double out[4]);
/* struct flow_result's planned, per unit: whether its capacity_schedule is a planned change of
 * the report period (YES: not tested), none (NO), or one between the seasonal difference's
 * years that the report period does not hold (FIT: judged by the fit within the report period
 * instead of the difference, which the change would make). */
enum { FLOW_PLANNED_NO, FLOW_PLANNED_YES, FLOW_PLANNED_FIT };

/* A replication's diagnostics as one row of numbers, what a warning is judged from: parts
 * write it exactly (replications.csv) and MPI ranks gather it, so the warnings of a whole run
 * are computed from every replication's row, however the run was split (results_warnings_of).
 * FLOW_DIAG_SYS values, then FLOW_DIAG_UNIT per unit. */
enum {
    FD_FROZEN_AT,
    FD_FROZEN_END,
    FD_THAWS,
    FD_THAWED_LAST,
    FD_FROZEN_LAST,
    FD_DRIFT_TOL,
    FLOW_DIAG_SYS
};
enum {
    FDU_UNSTABLE,
    FDU_Q_FIRST,
    FDU_Q_LAST,
    FDU_AWAITS,
    FDU_DEADLOCKED,
    FDU_OFFERED_PCT,
    FDU_TREND_CHANGE,
    FDU_TREND_LEVEL,
    FDU_PLANNED,
    FDU_QUEUE_CHANGE,
    FDU_QUEUE_LEVEL,
    FLOW_DIAG_UNIT
};
size_t flow_diag_len(size_t nunits);
/* The names of the row's columns (FLOW_DIAG_UNIT per unit): "frozen_at", "frozen_end",
 * "thaws", "thawed_last", "frozen_last", "drift_tolerance", then "unstable", "queue_first",
 * "queue_last", "awaits", "deadlocked", "offered_pct", "trend_change", "trend_level", "planned",
 * "queue_change", "queue_level" (a part prefixes a unit's with "UNIT:"). drift_tolerance is the
 * scenario's (percent, the same in every row) and trend_change, trend_level the replication's
 * change (a seasonal difference or a least-squares fit) and mean level of the unit's patients in
 * place or queueing (flow_trend; NAN:
 * not tested), so that the stationarity verdict of a run (output/stationarity.h) comes from the
 * rows alone. offered_pct is the scenario's, not the replication's: the unit's offered load as a
 * share of its capacity (load_pct, models/load.h), which flow_diag leaves NAN for its caller to
 * fill (results_add, cli's summaries), the same in every row, so that a warning about a freeze can
 * say whether demand outran capacity, from the rows alone. */
extern const char *const flow_diag_sys_names[FLOW_DIAG_SYS];
extern const char *const flow_diag_unit_names[FLOW_DIAG_UNIT];
void flow_diag(const struct flow_result *res, size_t nunits, double *row);

/* Start time (days) of report bucket b. */
double flow_bucket_start(const struct scenario *sc, size_t b);

#endif
