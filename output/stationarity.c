#include "stationarity.h"

#include <math.h>

#include "models/flow.h"
#include "sim/stats.h"

/* The material size of a change: more than the tolerance (percent) of the level, and at least a
 * whole patient (a small unit's fraction of a patient over a year is no drift worth a warning). */
static double material_of(double tol, double level) {
    return fmax(tol / 100 * fabs(level), 1);
}

enum stn_verdict stn_verdict_of(int nrep, double change, double lo, double hi, double dlo,
                                double dhi, double level, double tol) {
    if (nrep < 2 || isnan(change) || isnan(lo) || isnan(hi) || isnan(level)) return STN_NOT_TESTED;
    double material = material_of(tol, level);
    if ((dlo > 0 || dhi < 0) && fabs(change) > material) return STN_DRIFTING;
    return lo >= -material && hi <= material ? STN_STEADY : STN_INCONCLUSIVE;
}

enum stn_verdict stn_verdict(int nrep, double change, double lo, double hi, double level,
                             double tol) {
    return stn_verdict_of(nrep, change, lo, hi, lo, hi, level, tol);
}

/* The mean of column col over the rows and its t interval; untestable when a row has NAN. */
static void series_of(size_t nunits, const double *diag, int nrep, size_t u, int col, int lcol,
                      double *mean, double *lo, double *hi, double *dlo, double *dhi, double *level,
                      int *untestable) {
    size_t dlen = flow_diag_len(nunits);
    struct welford dw, lw;
    welford_init(&dw);
    welford_init(&lw);
    for (int r = 0; r < nrep; r++) {
        const double *x = diag + (size_t)r * dlen + FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u;
        if (isnan(x[col]) || isnan(x[lcol])) {
            *untestable = 1;
            continue;
        }
        welford_add(&dw, x[col]);
        welford_add(&lw, x[lcol]);
    }
    *mean = dw.n > 0 && !*untestable ? dw.mean : NAN;
    *level = lw.n > 0 && !*untestable ? lw.mean : NAN;
    *lo = *hi = *dlo = *dhi = NAN;
    if (!*untestable && stats_ci95(&dw, lo, hi) == 0) {
        double p = 1 - 0.025 / (2 * (double)nunits);
        double h = stats_t_quantile(p, (double)(dw.n - 1)) * welford_sd(&dw) / sqrt((double)dw.n);
        *dlo = dw.mean - h, *dhi = dw.mean + h;
    }
}

void stn_unit_of(size_t nunits, const double *diag, int nrep, size_t u, struct stn_unit *out) {
    out->untestable = 0;
    series_of(nunits, diag, nrep, u, FDU_TREND_CHANGE, FDU_TREND_LEVEL, &out->change, &out->lo,
              &out->hi, &out->dlo, &out->dhi, &out->level, &out->untestable);
    series_of(nunits, diag, nrep, u, FDU_QUEUE_CHANGE, FDU_QUEUE_LEVEL, &out->qchange, &out->qlo,
              &out->qhi, &out->qdlo, &out->qdhi, &out->qlevel, &out->untestable);
    out->nrep = nrep;
    out->tol = nrep > 0 ? diag[FD_DRIFT_TOL] : NAN;
    out->planned = nrep > 0 && diag[FLOW_DIAG_SYS + FLOW_DIAG_UNIT * u + FDU_PLANNED] > 0;
    enum stn_verdict a = stn_verdict_of(nrep, out->change, out->lo, out->hi, out->dlo, out->dhi,
                                        out->level, out->tol);
    enum stn_verdict b = stn_verdict_of(nrep, out->qchange, out->qlo, out->qhi, out->qdlo,
                                        out->qdhi, out->qlevel, out->tol);
    /* The queue can only add a drift: a queue of a few patients is noisy beside its own size,
     * and what matters of it, its growth, is a drift. */
    out->verdict = out->planned || a == STN_NOT_TESTED || b == STN_NOT_TESTED ? STN_NOT_TESTED
                   : a == STN_DRIFTING || b == STN_DRIFTING                   ? STN_DRIFTING
                                                                              : a;
}

/* An inconclusive unit whose level's or queue's own 95% interval excludes 0 with a material
 * change: a drift the family-wise interval (Bonferroni over the 2 x units quantities) cannot
 * confirm. Said in its line and warned of, so that a unit among many is not quietly let off. */
static int probable_drift(const struct stn_unit *s) {
    if (s->verdict != STN_INCONCLUSIVE) return 0;
    double m = material_of(s->tol, s->level), mq = material_of(s->tol, s->qlevel);
    return ((s->lo > 0 || s->hi < 0) && fabs(s->change) > m) ||
           ((s->qlo > 0 || s->qhi < 0) && fabs(s->qchange) > mq);
}

/* A number of patients as run-info writes it: three significant figures, whole numbers from
 * 1000 on (1718, not 1.72e+03); sign: a leading + on a positive number. */
static void put_num(FILE *f, double v, int sign) {
    if (fabs(v) >= 1000 && isfinite(v))
        fprintf(f, sign ? "%+.0f" : "%.0f", v);
    else
        fprintf(f, sign ? "%+.3g" : "%.3g", v);
}

/* "+52.3 [+41, +63.6]": a change and its interval */
static void put_interval(FILE *f, double change, double lo, double hi) {
    put_num(f, change, 1);
    fputs(" [", f);
    put_num(f, lo, 1);
    fputs(", ", f);
    put_num(f, hi, 1);
    fputs("]", f);
}

/* "change +52.3 [+41, +63.6] on a level of 1012 patients, queue +2.1 [-1, +5.2] on 30" */
static void put_change(FILE *f, const struct stn_unit *s) {
    fputs("change ", f);
    put_interval(f, s->change, s->lo, s->hi);
    fputs(" on a level of ", f);
    put_num(f, s->level, 0);
    fputs(" patients, queue ", f);
    put_interval(f, s->qchange, s->qlo, s->qhi);
    fputs(" on ", f);
    put_num(f, s->qlevel, 0);
}

/* "; its 95% interval excludes 0, the family-wise one over 2 x N quantities does not: change
 * [-8.9, +71.1], queue [...]" */
static void put_familywise(FILE *f, const struct stn_unit *s, size_t nunits) {
    fprintf(f,
            "; its 95%% interval excludes 0, the family-wise one over %zu quantities (Bonferroni) "
            "does not: change ",
            2 * nunits);
    put_interval(f, s->change, s->dlo, s->dhi);
    fputs(", queue ", f);
    put_interval(f, s->qchange, s->qdlo, s->qdhi);
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
            fprintf(f, " over the report period (%d replications", nrep);
            if (probable_drift(&s)) put_familywise(f, &s, nunits);
            fprintf(f, "): %s\n",
                    s.verdict == STN_DRIFTING ? "drifting"
                    : s.verdict == STN_STEADY ? "steady"
                                              : "inconclusive");
        }
    }
}

void stn_write_warnings(FILE *f, size_t nunits, const char *const *names, const double *diag,
                        int nrep) {
    for (size_t u = 0; u < nunits; u++) {
        struct stn_unit s;
        stn_unit_of(nunits, diag, nrep, u, &s);
        if (probable_drift(&s)) {
            fprintf(f,
                    "unit %s: probably drifting over the report period: patients in place or "
                    "queueing ",
                    names[u]);
            put_change(f, &s);
            fprintf(f,
                    " (mean changes over %d replications, 95%% intervals), more than the drift "
                    "tolerance of %g%% of its level and a patient, but with %zu quantities "
                    "tested at once the family-wise intervals (Bonferroni) ",
                    nrep, s.tol, 2 * nunits);
            put_interval(f, s.change, s.dlo, s.dhi);
            fputs(" and ", f);
            put_interval(f, s.qchange, s.qdlo, s.qdhi);
            fputs(" include 0: inconclusive; run more replications to tell\n", f);
            continue;
        }
        if (s.verdict != STN_DRIFTING) continue;
        fprintf(f, "unit %s: drifting over the report period: patients in place or queueing ",
                names[u]);
        put_change(f, &s);
        fprintf(f,
                " (mean changes over %d replications, 95%% intervals), one of them "
                "more than the drift tolerance of %g%% of its level and a patient: the results "
                "depend on when the report "
                "period starts and ends; start earlier (a longer warm-up) or from a census "
                "(initial_occupancy), unless the report period is one of change (a winter), when "
                "a drift is expected\n",
                nrep, s.tol);
    }
}
