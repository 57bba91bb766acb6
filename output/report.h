/* report.h — report.html: one self-contained page (inline SVG and CSS, no scripts, no network)
 * drawn from a results folder's CSVs: occupancy % of each unit over time with the 5-95% band
 * across replications and the capacity line, delayed days by reason, A&E 4-hour %, and for a
 * compare or sweep folder each headline metric per scenario with its 95% interval. */
#ifndef FS_REPORT_H
#define FS_REPORT_H

#include <stddef.h>

/* Write dir/report.html from what dir holds (summary.csv and timeseries.csv of a run;
 * comparison.csv or sweep.csv of a compare or sweep). Returns 0, or -1 with a message. */
int report_write(const char *dir, char *err, size_t errlen);

#endif
