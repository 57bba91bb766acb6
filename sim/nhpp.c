#include "nhpp.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

int nhpp_init(struct nhpp *p, double rate_per_day, const double *how168, double how_start_hour,
              const double *step_t, const double *step_m, size_t nsteps, char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    if (!(rate_per_day >= 0) || !isfinite(rate_per_day)) {
        snprintf(err, errlen, "rate must be a finite number >= 0");
        return -1;
    }
    p->rate = rate_per_day;
    p->how_start = how_start_hour;
    double sum = 0;
    for (int h = 0; h < 168; h++) {
        double m = how168 ? how168[h] : 1.0;
        if (!(m >= 0) || !isfinite(m)) {
            snprintf(err, errlen, "hour-of-week multiplier %d must be a finite number >= 0", h + 1);
            return -1;
        }
        p->how[h] = m;
        sum += m;
    }
    if (!(sum > 0)) {
        snprintf(err, errlen, "hour-of-week multipliers must not all be zero");
        return -1;
    }
    for (int h = 0; h < 168; h++) p->how[h] *= 168.0 / sum;
    for (int h = 0; h < 168; h++) p->week += p->how[h] / 24.0;
    for (size_t i = 0; i < nsteps; i++) {
        if (!(step_m[i] >= 0) || !isfinite(step_m[i])) {
            snprintf(err, errlen, "by-date multiplier %zu must be a finite number >= 0", i + 1);
            return -1;
        }
        if (i > 0 && !(step_t[i] > step_t[i - 1])) {
            snprintf(err, errlen, "by-date rows must be in increasing date order (row %zu)", i + 1);
            return -1;
        }
    }
    /* A bound on the busiest moment, so that a slip (a rate per year given per day, a
     * multiplier of 1e300) is an error rather than a run that never ends (models/limits.h). */
    double peak = rate_per_day, hmax = 0, smax = 1;
    for (int h = 0; h < 168; h++) hmax = p->how[h] > hmax ? p->how[h] : hmax;
    for (size_t i = 0; i < nsteps; i++) smax = step_m[i] > smax ? step_m[i] : smax;
    peak *= hmax * smax;
    if (!(peak <= NHPP_MAX_PER_DAY)) {
        snprintf(err, errlen,
                 "expected at most %.0f arrivals a day at the busiest time (rate x "
                 "hour-of-week x by-date multipliers), got %.3g",
                 NHPP_MAX_PER_DAY, peak);
        return -1;
    }
    p->flat = how168 == NULL && nsteps == 0;
    if (nsteps) {
        p->step_t = fs_malloc(nsteps * sizeof *p->step_t);
        p->step_m = fs_malloc(nsteps * sizeof *p->step_m);
        memcpy(p->step_t, step_t, nsteps * sizeof *step_t);
        memcpy(p->step_m, step_m, nsteps * sizeof *step_m);
        p->nsteps = nsteps;
    }
    return 0;
}

void nhpp_fini(struct nhpp *p) {
    if (!p) return;
    fs_free(p->step_t);
    fs_free(p->step_m);
    p->step_t = p->step_m = NULL;
    p->nsteps = 0;
}

/* Index of the step in force at t (-1 before the first). */
static long step_at(const struct nhpp *p, double t) {
    long lo = 0, hi = (long)p->nsteps - 1, ans = -1;
    while (lo <= hi) {
        long mid = (lo + hi) / 2;
        if (p->step_t[mid] <= t)
            ans = mid, lo = mid + 1;
        else
            hi = mid - 1;
    }
    return ans;
}

static long hour_index(const struct nhpp *p, double t, double *seg_end) {
    double x = t * 24.0 + p->how_start;
    double k = floor(x);
    /* Rounding can put t a hair before a boundary it has reached: move on, never stall. */
    if ((k + 1 - p->how_start) / 24.0 <= t) k += 1;
    *seg_end = (k + 1 - p->how_start) / 24.0;
    /* k is a whole number: the integer remainder is fmod's, without its cost (a tenth of a
     * run with discharge hours went in fmod) */
    long h = (long)k % 168;
    return h < 0 ? h + 168 : h;
}

double nhpp_rate(const struct nhpp *p, double t) {
    double end;
    long s = step_at(p, t);
    return p->rate * p->how[hour_index(p, t, &end)] * (s < 0 ? 1.0 : p->step_m[s]);
}

double nhpp_next(const struct nhpp *p, double t, double e, double limit) {
    if (p->rate <= 0) return INFINITY;
    if (p->flat) { /* the common case needs no walk through the week */
        double x = t + e / p->rate;
        return x < limit ? x : INFINITY;
    }
    long s = step_at(p, t);
    for (;;) { /* one by-date step at a time */
        /* Past the limit the arrival is of no use to anyone: a rate of 1e-9/d with a profile
         * was walked hour by hour for 10^12 years before this stop. */
        if (!(t < limit)) return INFINITY;
        double m = s < 0 ? 1.0 : p->step_m[s];
        double next_step = (size_t)(s + 1) < p->nsteps ? p->step_t[s + 1] : INFINITY;
        if (m == 0) {
            /* After the last step a zero multiplier is zero for ever; before it nothing
             * arrives until the next step, so go straight there. */
            if (isinf(next_step)) return INFINITY;
            t = next_step;
            s++;
            continue;
        }
        for (int walked = 0;; walked = 1) { /* the hours of the step */
            double end;
            long h = hour_index(p, t, &end);
            if (next_step < end) end = next_step;
            double r = p->rate * p->how[h] * m;
            if (r > 0 && r * (end - t) >= e) {
                double x = t + e / r;
                return x < limit ? x : INFINITY;
            }
            e -= r * (end - t);
            t = end;
            if (t >= next_step) {
                s++;
                break;
            }
            if (!(t < limit)) return INFINITY;
            /* Not in its first hour: whole weeks of an unchanging profile at once (integrated,
             * not walked), leaving at least one week to walk so the arrival is found segment
             * by segment as before. The walk's cost is then bounded by the weeks at each end
             * of a step, not by 1 / rate. */
            double wk = walked ? 0 : p->rate * m * p->week;
            if (!walked && e > 2 * wk) {
                double n = floor(e / wk) - 1, room = floor((next_step - t) / 7.0);
                if (n > room) n = room;
                if (n >= 1) {
                    t += 7.0 * n;
                    e -= n * wk;
                    if (!(t < limit)) return INFINITY;
                }
            }
        }
    }
}

/* The first moment at or after t in an hour whose weight is positive (open) or zero (!open). */
static double next_where(const struct nhpp *p, double t, int open) {
    FS_ASSERT(p->nsteps == 0);
    for (int k = 0; k <= 168; k++) { /* a week and an hour: every hour seen */
        double end;
        if ((p->how[hour_index(p, t, &end)] > 0) == open) return t;
        t = end;
    }
    return INFINITY;
}

double nhpp_next_open(const struct nhpp *p, double t) {
    return next_where(p, t, 1);
}

double nhpp_next_closed(const struct nhpp *p, double t) {
    return next_where(p, t, 0);
}

/* In hours, for hour j of the profile at r events an hour: A_j, the mean wait from its start,
 * solves A_j = (1 - e^-r) / r + e^-r A_{j+1} round the week (at r = 0: 1 + A_{j+1}; at an
 * infinite rate: 0), and a moment uniform within hour k waits on average
 * int_0^1 [(1 - e^-r(1-x)) / r + e^-r(1-x) A_{k+1}] dx. */
double nhpp_mean_wait(const struct nhpp *p, int infinite) {
    FS_ASSERT(p->nsteps == 0);
    double r[168], stay[168], pass[168]; /* per hour: rate, mean time spent in it, P(pass it) */
    for (int k = 0; k < 168; k++) {
        r[k] = p->rate * p->how[k] / 24;
        if (infinite) {
            stay[k] = p->how[k] > 0 ? 0 : 1;
            pass[k] = p->how[k] > 0 ? 0 : 1;
        } else {
            stay[k] = r[k] > 0 ? -expm1(-r[k]) / r[k] : 1;
            pass[k] = exp(-r[k]);
        }
    }
    /* A_0 = S + P A_0 over one week, then A_j backwards from A_168 = A_0 */
    double S = 0, P = 1;
    for (int k = 0; k < 168; k++) {
        S += P * stay[k];
        P *= pass[k];
    }
    if (!(P < 1)) return INFINITY; /* no event ever (nhpp_init refuses it) */
    double A[169];
    A[168] = A[0] = S / (1 - P);
    for (int k = 167; k > 0; k--) A[k] = stay[k] + pass[k] * A[k + 1];
    double sum = 0;
    for (int k = 0; k < 168; k++) {
        double in, on; /* int_0^1 of the wait within the hour, and of P(still waiting at its end) */
        if (infinite) {
            in = p->how[k] > 0 ? 0 : 0.5;
            on = p->how[k] > 0 ? 0 : 1;
        } else if (r[k] > 0) {
            on = -expm1(-r[k]) / r[k];
            in = (1 - on) / r[k];
        } else {
            in = 0.5;
            on = 1;
        }
        sum += in + on * A[k + 1];
    }
    return sum / 168 / 24;
}
