/* merge.h — parts of one run put back together: the folders written by
 * `flowsim run --replications-range A:B` (or by MPI ranks) become the results folder that one
 * run of every replication writes, with the same bytes in every CSV file and in
 * scenario.resolved.ini (run-info records the merge instead of one run).
 *
 * Each part's replications.csv holds every replication's summary values exactly, so the
 * merged summary.csv is computed over the same numbers in the same order as a single run's;
 * and each replication's diagnostics (flow_diag), so that the merged run-info's warnings are
 * those one run would give (results_warnings_of). With warnings, *warnings receives them (a
 * line each, to fs_free; NULL on failure). The scenario's own warnings (scenario_warnings),
 * which every part's run-info has before its replications' and which must agree, come first in
 * the merged run-info, as in one run's; with load_warnings, *load_warnings receives them. */
#ifndef FS_MERGE_H
#define FS_MERGE_H

#include <stddef.h>

#include "results.h"

/* Merge the parts in dirs (any order) into out (a private folder: the staging folder of the
 * results folder final, outdir.h); run-info records info (with the sum of the parts' times when
 * info->wall_seconds < 0). The parts must come from the same resolved scenario and cover its
 * replications 1..N exactly once, and none may be final itself. Returns 0; FS_EINPUT with a
 * message naming the folder and the cause when the parts are unusable; FS_ECREATE or FS_EIO
 * when writing failed. */
int merge_parts(const char *const *dirs, size_t n, const char *final, const char *out,
                const struct results_info *info, char **load_warnings, char **warnings, char *err,
                size_t errlen);

#endif
