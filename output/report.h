/* report.h — report.html: one self-contained page (inline SVG and CSS, no scripts, no network)
 * drawn from a results folder's CSVs: occupancy % of each unit over time with the 5-95% band
 * across replications and the capacity line, delayed days by reason, A&E 4-hour %, and for a
 * compare or sweep folder each headline metric per scenario with its 95% interval. */
#ifndef FS_REPORT_H
#define FS_REPORT_H

#include <signal.h>
#include <stddef.h>

/* Write dir/report.html from what dir holds (summary.csv and timeseries.csv of a run;
 * comparison.csv or sweep.csv of a compare or sweep); folder names the folder in the page and in
 * messages (the results folder, when dir is its staging folder; NULL: dir). Returns 0; -1
 * with a message when dir holds nothing to report on or a CSV cannot be read; FS_ECREATE or
 * FS_EIO when report.html cannot be written; FS_ESTOPPED, writing nothing, once *stop (a signal
 * handler's flag, or NULL) is set. */
int report_write(const char *dir, const char *folder, const volatile sig_atomic_t *stop, char *err,
                 size_t errlen);

#endif
