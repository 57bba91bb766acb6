/* flowsim merge PART_DIR... -o DIR: the parts of a run (job-array tasks run with
 * --replications-range) put back together into the results one run would have written. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output/merge.h"
#include "output/outdir.h"

int cmd_merge(const struct opts *o, int argc, char **argv) {
    char err[2048], command[2048], from[4096] = "";
    cli_command_line(argc, argv, command, sizeof command);
    for (size_t i = 0; i < o->nfiles; i++) {
        size_t n = strlen(from);
        snprintf(from + n, sizeof from - n, "%s%s", i ? " " : "", o->files[i]);
    }
    struct results_info info = {.version = FLOWSIM_VERSION,
                                .git_rev = FLOWSIM_GIT_REV,
                                .command = command,
                                .threads = 1,
                                .merged_from = from,
                                .wall_seconds = -1}; /* the parts' sum */
    struct outdir *od;
    static const char *const files[] = {"summary.csv",           "timeseries.csv", "warmup.csv",
                                        "scenario.resolved.ini", "run-info",       NULL};
    if (!*o->outdir) {
        fprintf(stderr, "flowsim: merge: '': expected a folder for the results\n");
        return EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < o->nfiles; i++)
        if (!*o->files[i]) {
            fprintf(stderr, "flowsim: merge: '': expected the folder of a part\n");
            return EXIT_BAD_INPUT;
        }
    int status = cli_outdir_open(&od, o->outdir, files, NULL, o->quiet);
    if (status != EXIT_OK) return status;
    int rc = merge_parts(o->files, o->nfiles, o->outdir, outdir_stage(od), &info, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "flowsim: merge: %s\n", err);
        outdir_abort(od);
        return cli_status(rc);
    }
    if ((status = cli_outdir_publish(od)) != EXIT_OK) return status;
    if (!o->quiet)
        printf("flowsim: merged %zu parts into %s/ (summary.csv, timeseries.csv)\n", o->nfiles,
               o->outdir);
    return EXIT_OK;
}
