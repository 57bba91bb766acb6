/* stationarity.h — is each unit steady over the report period? A trend test across
 * replications, judged from the replications' diagnostics rows alone (flow_diag), so that a run,
 * its merged parts and its MPI ranks say the very same bytes.
 *
 * Each replication gives, per unit, the least-squares change over the report period of the
 * patients in place or queueing (its report buckets' mean occupancy + mean queue against their
 * midpoints: FDU_TREND_CHANGE, patients) and their mean level (FDU_TREND_LEVEL). Independent
 * replications make the changes independent and identically distributed, so their mean has a
 * Student-t interval with no model of the autocorrelation within a run (Law, Simulation Modeling
 * and Analysis, 5th ed., 2015, ch. 9). A unit is drifting when that interval excludes 0 and the
 * mean change is larger than the scenario's drift_tolerance (percent) of the mean level: a
 * change too small to matter is not reported however precisely it is known. docs/model.md,
 * "Stationarity of the report period". */
#ifndef FS_STATIONARITY_H
#define FS_STATIONARITY_H

#include <stddef.h>
#include <stdio.h>

/* Steady is shown, not assumed: a change whose interval reaches past the material size either
 * way (more replications would be needed to tell) is inconclusive, not steady — an equivalence
 * test (two one-sided tests: Schuirmann, J Pharmacokinet Biopharm 1987;15:657). */
enum stn_verdict { STN_NOT_TESTED, STN_STEADY, STN_DRIFTING, STN_INCONCLUSIVE };

/* One unit's test over the replications. */
struct stn_unit {
    int nrep;              /* replications judged */
    int untestable;        /* some replication had too few report buckets (NAN change) */
    int planned;           /* its capacity_schedule changes in the report period: not judged */
    double change, lo, hi; /* mean change (patients) and its 95% t interval (NAN: n < 2) */
    double dlo, dhi;       /* the interval a drift must exclude 0 from (stn_unit_of) */
    double level;          /* mean level (patients) */
    double qchange, qlo, qhi, qdlo, qdhi, qlevel; /* the same for the queue alone */
    double tol;                                   /* drift_tolerance, percent of the level */
    enum stn_verdict verdict;
};

/* One series' verdict from the numbers: not tested when nrep < 2 or any of change, lo, hi, level
 * is not a number; with m = max(tol/100 × |level|, 1 patient), the material size: drifting when
 * the interval excludes 0 (lo > 0 or hi < 0) and |change| > m; steady when the whole interval
 * lies within [−m, m]; inconclusive otherwise. A unit's verdict (stn_unit_of) is drifting if
 * its level (in place or queueing) or its queue alone drifts, else its level's verdict: a full
 * unit's queue may double while its level moves by a few percent, and a queue of a few patients
 * is too noisy beside its own size to show it steady. */
enum stn_verdict stn_verdict(int nrep, double change, double lo, double hi, double level,
                             double tol);
/* The same with the interval the drift must exclude 0 from given apart (dlo, dhi): wider than
 * the 95% one where many quantities are tested at once (stn_unit_of). */
enum stn_verdict stn_verdict_of(int nrep, double change, double lo, double hi, double dlo,
                                double dhi, double level, double tol);

/* Unit u's test from nrep diagnostics rows (diag: nrep rows of flow_diag_len(nunits), the
 * tolerance read from the first row's FD_DRIFT_TOL). A run tests 2 × nunits quantities, so a
 * drift must exclude 0 from its Bonferroni interval, the t interval of level 1 − 0.05 / (2 ×
 * nunits): a steady run of many units then reads a false drift somewhere at most 5% of the
 * time, not 5% a quantity. Steadiness is judged on the 95% interval (two one-sided tests at 5%
 * each, Schuirmann 1987). */
void stn_unit_of(size_t nunits, const double *diag, int nrep, size_t u, struct stn_unit *out);

/* run-info's lines, one a unit in the scenario's order, each ending in '\n', into f:
 *   stationarity = UNIT: change +52.3 [+41, +63.6] on a level of 1012 patients over the report
 *   period (30 replications): drifting
 * or "stationarity = UNIT: not tested (one replication)" / "(too few report buckets)". The
 * verdict (drifting, steady, not tested ...) is the text after the last ": ". */
void stn_write_lines(FILE *f, size_t nunits, const char *const *names, const double *diag,
                     int nrep);

/* A warning line (ending in '\n') for each drifting unit, into f: its change, interval, level,
 * the tolerance and what to do. Part of the run's warnings (results_warnings_of). */
void stn_write_warnings(FILE *f, size_t nunits, const char *const *names, const double *diag,
                        int nrep);

#endif
