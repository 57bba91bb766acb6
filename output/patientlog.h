/* patientlog.h — patients.csv: one row per place held in a unit (a visit) and per queue left
 * without a place there, streamed.
 *
 * replication,patient,group,unit,arrive,start,end_of_care,leave,next,delay_reason,
 * delayed_days_chc_assessment,delayed_days_assessment,delayed_days_rejected,
 * delayed_days_awaiting,delayed_in[,delayed_days_internal,delayed_days_discharge_hour][,corridor]
 * [,delayed_days_choice]
 *
 * The two delay columns only in a scenario with internal delays or discharge hours (PLOG_HEADER
 * less its newline, then PLOG_HEADER_DISCHARGE), corridor only in one with corridor spaces,
 * delayed_days_choice only in one with a [transfer]'s choice_time, so the log of any other is
 * what it always was.
 * The first ten columns are a fixed contract (SCENARIO-FORMAT.md); new ones go at the end.
 * What each row and column means, and how the rows add up to summary.csv's numbers, is in
 * docs/model.md ("The patient log"). Rows go to the log as visits and queues end, then those
 * still open at the horizon. On several threads each replication writes to its own temporary
 * file, and the files are appended in replication order, so the log is the same bytes for any
 * thread count and is never held in memory. */
#ifndef FS_PATIENTLOG_H
#define FS_PATIENTLOG_H

#include <stddef.h>
#include <stdio.h>

#include "models/flow.h"
#include "models/scenario.h"

#define PLOG_HEADER                                                                                \
    "replication,patient,group,unit,arrive,start,end_of_care,leave,next,delay_reason,"             \
    "delayed_days_chc_assessment,delayed_days_assessment,delayed_days_rejected,"                   \
    "delayed_days_awaiting,delayed_in\n"

#define PLOG_HEADER_DISCHARGE ",delayed_days_internal,delayed_days_discharge_hour"

struct plog;

/* Start dir/patients.csv (under a temporary name until plog_commit). */
struct plog *plog_open(const char *dir, const struct scenario *sc, char *err, size_t errlen);
/* Where one replication's rows go: f is the log itself or a temporary file. */
struct plog_sink {
    const struct plog *log;
    FILE *f;
};
/* A flow_visit_fn: ctx is a struct plog_sink. */
void plog_visit(void *ctx, const struct flow_visit *v);
FILE *plog_file(struct plog *log);
/* Append a replication's temporary file to the log and close it. */
int plog_append(struct plog *log, FILE *tmp, char *err, size_t errlen);
/* Rename into place and free; or delete and free. */
int plog_commit(struct plog *log, char *err, size_t errlen);
void plog_abort(struct plog *log);

#endif
