/* flowsim merge PART_DIR... -o DIR: the parts of a run (job-array tasks run with
 * --replications-range) put back together into the results one run would have written. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output/dictionary.h"
#include "output/merge.h"
#include "output/outdir.h"
#include "output/series.h"
#include "sim/core.h"

int cmd_merge(const struct opts *o, const char *command) {
    char err[FS_MSG_MAX];
    /* The parts, as many as there are (run-info records them whole). */
    size_t len = 1;
    for (size_t i = 0; i < o->nfiles; i++) len += strlen(o->files[i]) + 1;
    char *from = fs_calloc(len, 1);
    for (size_t i = 0; i < o->nfiles; i++) {
        if (i) strcat(from, " ");
        strcat(from, o->files[i]);
    }
    struct results_info info = {.version = FLOWSIM_VERSION,
                                .git_rev = FLOWSIM_GIT_REV,
                                .command = command,
                                .threads = 1,
                                .merged_from = from,
                                .wall_seconds = -1}; /* the parts' sum */
    struct outdir *od = NULL;
    char *warn = NULL, *lwarn = NULL; /* the run's and the scenario's, also in run-info */
    static const char *const files[] = {
        "summary.csv", "timeseries.csv", "warmup.csv", "scenario.resolved.ini",
        "run-info",    DICT_FILE,        SERIES_FILE,  NULL};
    int status = EXIT_OK;
    if (!*o->outdir) {
        fprintf(stderr, "flowsim: merge: '': expected a folder for the results\n");
        status = EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < o->nfiles && status == EXIT_OK; i++)
        if (!*o->files[i]) {
            fprintf(stderr, "flowsim: merge: '': expected the folder of a part\n");
            status = EXIT_BAD_INPUT;
        }
    if (status == EXIT_OK) status = cli_outdir_open(&od, o->outdir, files, NULL, o->quiet);
    int rc = status == EXIT_OK ? merge_parts(o->files, o->nfiles, o->outdir, outdir_stage(od),
                                             &info, &lwarn, &warn, err, sizeof err)
                               : 0;
    if (rc != 0) {
        fprintf(stderr, "flowsim: merge: %s\n", err);
        status = cli_status(rc);
    }
    if (status == EXIT_OK) {
        status = cli_outdir_publish(od);
        od = NULL;
    }
    /* The scenario's warnings, then the run's: as run prints them, at its start and its end. */
    char *both[] = {lwarn, warn};
    for (int k = 0; k < 2; k++)
        if (status == EXIT_OK && !o->quiet && both[k])
            for (char *line = strtok(both[k], "\n"); line; line = strtok(NULL, "\n"))
                fprintf(stderr, "flowsim: warning: %s\n", line);
    char tspath[FS_PATH_MAX];
    int no_series =
        snprintf(tspath, sizeof tspath, "%s/timeseries.csv", o->outdir) >= (int)sizeof tspath ||
        access(tspath, F_OK) != 0; /* timeseries_metrics = none */
    if (status == EXIT_OK && !o->quiet)
        printf("flowsim: merged %zu parts into %s/ (summary.csv, %sseries.csv, metrics.csv)\n",
               o->nfiles, o->outdir, no_series ? "" : "timeseries.csv, ");
    outdir_abort(od);
    fs_free(warn);
    fs_free(lwarn);
    fs_free(from);
    return status;
}
