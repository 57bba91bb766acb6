/* report_charts.h — the report's charts of a run over time (timeseries.csv, warmup.csv) and of a
 * comparison's levels: each an accessible chart (chart.h) with its data in a table under it. */
#ifndef FS_REPORT_CHARTS_H
#define FS_REPORT_CHARTS_H

#include "chart.h"
#include "models/table.h"
#include "report_data.h"

/* A metric over time: mean, 5-95% band across replications, and a reference line at ref (NAN:
 * none) named ref_label. title: the chart's; its y axis is the metric's label and unit. */
void rc_band(struct ch_page *p, const struct runts *t, const struct series *s, const char *title,
             double ref, const char *ref_label);
/* A unit's delayed bed-days per day by reason (means, stacked), over the 5-95% band of its
 * total; nothing when it has no delays. */
void rc_reasons(struct ch_page *p, const struct runts *t, const char *unit);
/* Places open against places used over time: mean occupancy (patients, with its band) and the
 * mean places available (occupancy / occupancy_pct: capacity, or more while held, per bucket).
 * Returns 1 when the places open changed over the report period (a schedule, surge or
 * escalation), and draws the chart then unless p is NULL; else 0, writing nothing. */
int rc_beds(struct ch_page *p, const struct runts *t, const char *unit);
/* Welch's warm-up chart of a unit's occupancy from time 0 (warmup.csv), with the warm-up's end
 * (warmup, days) marked. */
void rc_welch(struct ch_page *p, const struct runts *w, const struct series *s, double warmup);
/* A comparison's (unit, metric): each scenario's mean and 95% interval, whiskers cut at the
 * metric's range. */
void rc_whiskers(struct ch_page *p, const struct table *tb, const char *unit, const char *metric);

/* The colour of each delay reason (reason[i]: the metric's name after delayed_days_), fixed by
 * the reason and the set of reasons, never by their order: out[i] (n of them). Okabe-Ito colours:
 * each fixed reason its own; awaiting a unit, a colour of three chosen by the unit's name
 * (ties taken in name order). */
void rc_reason_colors(const char *const *reason, size_t n, const char **out);

#endif
