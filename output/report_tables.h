/* report_tables.h — the numbers a page leads with: a run's headline table (summary.csv), its
 * warnings and stationarity verdicts in words (run-info), a reproduction's table
 * (reproduction.csv), and a comparison's paired answer: the forest plot of each headline
 * metric's paired difference from the base and the table of them (comparison.csv, sweep.csv). */
#ifndef FS_REPORT_TABLES_H
#define FS_REPORT_TABLES_H

#include "chart.h"
#include "models/table.h"

/* Each headline metric of summary.csv (path): mean, 95% interval, unit of measure. Writes
 * nothing when the file cannot be read. */
void rt_headlines(struct ch_page *p, const char *path);
/* run-info's warning lines as a list, its stationarity lines as a table (unit, verdict, what
 * the trend test found), and what the run was (seed, replications, ...) as a table. info: the
 * whole run-info, or NULL. */
void rt_warnings(struct ch_page *p, const char *info);
void rt_stationarity(struct ch_page *p, const char *info);
void rt_run_facts(struct ch_page *p, const char *info);
/* reproduction.csv (path) as a table; 0, or -1 when there is none to read. */
int rt_reproduction(struct ch_page *p, const char *path);
/* The paired answer of a comparison (cmp: comparison.csv or sweep.csv, read by rd_comparison;
 * the first scenario is the base): a forest plot and a table of each headline metric's paired
 * difference from the base, each variant's, with its 95% interval and whether it excludes 0. */
void rt_paired(struct ch_page *p, const struct table *cmp);

#endif
