/* nhpp.h — non-homogeneous Poisson arrivals by inversion of the cumulative rate.
 *
 * The rate is piecewise constant: base rate x an hour-of-week multiplier x a by-date step
 * multiplier. Given the last arrival time and one Exp(1) draw, nhpp_next walks the segments
 * until the integrated rate reaches the draw. Inversion uses exactly one draw per arrival, so
 * the arrival sequence of a stream is a fixed function of its random stream (common random
 * numbers), and there is no rejection. Times are in days.
 *
 * However small the rate, nhpp_next ends: it stops at the caller's limit (the horizon), and
 * crosses whole weeks of an unchanging profile in one step, so one call walks at most two
 * weeks of hours in each by-date step it crosses, and never past the limit. */
#ifndef FS_NHPP_H
#define FS_NHPP_H

#include <stddef.h>

/* The most arrivals a day a process may reach at its busiest moment (rate x profile x step
 * multiplier): beyond it a run would never end (models/limits.h gives the planner's reason). */
#define NHPP_MAX_PER_DAY 1e7

struct nhpp {
    double rate;      /* mean arrivals per day */
    double how[168];  /* hour-of-week multipliers, mean 1; all 1 when none given */
    double how_start; /* hour of the week (0 = Monday 00:00) at time 0 */
    size_t nsteps;
    double *step_t; /* by-date steps: from step_t[i] (days) the multiplier is step_m[i] */
    double *step_m;
    int flat;    /* no profile at all: arrivals are a plain Poisson process */
    double week; /* integrated hour-of-week profile over one week (sum of how[h] / 24), days */
};

/* how168 may be NULL (flat); it is normalised to mean 1 and must have a positive sum. Steps
 * must be sorted by time; before the first step the multiplier is 1. Returns 0, or -1 with
 * a message. */
int nhpp_init(struct nhpp *p, double rate_per_day, const double *how168, double how_start_hour,
              const double *step_t, const double *step_m, size_t nsteps, char *err, size_t errlen);
void nhpp_fini(struct nhpp *p);

/* Instantaneous rate (per day) at time t. */
double nhpp_rate(const struct nhpp *p, double t);
/* First arrival after t whose integrated rate from t equals e (an Exp(1) draw), if it comes
 * before limit (the horizon; +infinity for none); otherwise +infinity, as when the rate stays
 * zero for ever. Any rate > 0, however small, returns without walking past limit. */
double nhpp_next(const struct nhpp *p, double t, double e, double limit);
/* The first moment at or after t when the hour-of-week profile is positive: t itself, or the
 * start of the first hour of positive weight after it (an infinite rate's first event). For
 * a process without by-date steps; +infinity if every hour is zero (nhpp_init refuses that). */
double nhpp_next_open(const struct nhpp *p, double t);
/* The first moment at or after t when the profile is zero: t itself, or the start of the first
 * hour of zero weight after it, always after t when t's own hour is positive (hour_index never
 * stalls on a boundary); +infinity if no hour is zero. Without by-date steps. */
double nhpp_next_closed(const struct nhpp *p, double t);
/* The mean time, days, from a moment uniform over the week to the process's first event after
 * it (nhpp_next's; with infinite, nhpp_next_open's: the process at an infinite rate), for a
 * process without by-date steps: exactly, by integrating each hour in closed form. */
double nhpp_mean_wait(const struct nhpp *p, int infinite);

#endif
