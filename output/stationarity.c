#include "stationarity.h"

#include <math.h>

#include "models/flow.h"
#include "sim/stats.h"

enum stn_verdict stn_verdict(int nrep, double change, double lo, double hi, double level,
                             double tol) {
    if (nrep < 2 || isnan(change) || isnan(lo) || isnan(hi) || isnan(level)) return STN_NOT_TESTED;
    int excludes0 = lo > 0 || hi < 0;
    /* material: more than the tolerance of the level, and at least a whole patient (a small
     * unit's fraction of a patient over a year is no drift worth a warning) */
    double material = fmax(tol / 100 * fabs(level), 1);
    return excludes0 && fabs(change) > material ? STN_DRIFTING : STN_STEADY;
}

void stn_unit_of(size_t nunits, const double *diag, int nrep, size_t u, struct stn_unit *out) {
    size_t dlen = flow_diag_len(nunits);
    struct welford dw, lw;
    welford_init(&dw);
    welford_init(&lw);
    out->untestable = 0;
    for (int r = 0; r < nrep; r++) {
        const double *x = diag + (size_t)r * dlen + FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u;
        if (isnan(x[FDU_TREND_CHANGE]) || isnan(x[FDU_TREND_LEVEL])) {
            out->untestable = 1;
            continue;
        }
        welford_add(&dw, x[FDU_TREND_CHANGE]);
        welford_add(&lw, x[FDU_TREND_LEVEL]);
    }
    out->nrep = nrep;
    out->tol = nrep > 0 ? diag[FD_DRIFT_TOL] : NAN;
    out->change = dw.n > 0 && !out->untestable ? dw.mean : NAN;
    out->level = lw.n > 0 && !out->untestable ? lw.mean : NAN;
    out->lo = out->hi = NAN;
    if (!out->untestable) stats_ci95(&dw, &out->lo, &out->hi);
    out->planned = nrep > 0 && diag[FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u + FDU_PLANNED] > 0;
    out->verdict = out->planned
                       ? STN_NOT_TESTED
                       : stn_verdict(nrep, out->change, out->lo, out->hi, out->level, out->tol);
}

/* A number of patients as run-info writes it: three significant figures, whole numbers from
 * 1000 on (1718, not 1.72e+03); sign: a leading + on a positive number. */
static void put_num(FILE *f, double v, int sign) {
    if (fabs(v) >= 1000 && isfinite(v))
        fprintf(f, sign ? "%+.0f" : "%.0f", v);
    else
        fprintf(f, sign ? "%+.3g" : "%.3g", v);
}

/* "change +52.3 [+41, +63.6] on a level of 1012 patients" */
static void put_change(FILE *f, const struct stn_unit *s) {
    fputs("change ", f);
    put_num(f, s->change, 1);
    fputs(" [", f);
    put_num(f, s->lo, 1);
    fputs(", ", f);
    put_num(f, s->hi, 1);
    fputs("] on a level of ", f);
    put_num(f, s->level, 0);
    fputs(" patients", f);
}

void stn_write_lines(FILE *f, size_t nunits, const char *const *names, const double *diag,
                     int nrep) {
    for (size_t u = 0; u < nunits; u++) {
        struct stn_unit s;
        stn_unit_of(nunits, diag, nrep, u, &s);
        fprintf(f, "stationarity = %s: ", names[u]);
        if (s.planned)
            fputs("not tested (its capacity_schedule changes in the report period, a planned "
                  "change)\n",
                  f);
        else if (s.untestable)
            fputs("not tested (too few report buckets)\n", f);
        else if (nrep < 2)
            fputs(nrep == 1 ? "not tested (one replication)\n" : "not tested (no replications)\n",
                  f);
        else {
            put_change(f, &s);
            fprintf(f, " over the report period (%d replications): %s\n", nrep,
                    s.verdict == STN_DRIFTING ? "drifting" : "steady");
        }
    }
}

void stn_write_warnings(FILE *f, size_t nunits, const char *const *names, const double *diag,
                        int nrep) {
    for (size_t u = 0; u < nunits; u++) {
        struct stn_unit s;
        stn_unit_of(nunits, diag, nrep, u, &s);
        if (s.verdict != STN_DRIFTING) continue;
        fprintf(f, "unit %s: drifting over the report period: ", names[u]);
        put_change(f, &s);
        fprintf(f,
                " in place or queueing (mean least-squares change over %d replications, 95%% "
                "interval), more than the "
                "drift tolerance of %g%% of the level: the results depend on when the report "
                "period starts and ends; start earlier (a longer warm-up) or from a census "
                "(initial_occupancy), unless the report period is one of change (a winter), when "
                "a drift is expected\n",
                nrep, s.tol);
    }
}
