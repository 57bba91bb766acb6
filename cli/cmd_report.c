/* flowsim report DIR: report.html written in place into a results folder, under its lock and
 * listed in its run-info, so that it becomes part of the result it describes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include "cli.h"
#include "output/outdir.h"
#include "output/report.h"
#include "par.h"
#include "sim/core.h"
#include "sim/platform.h"

int cmd_report(const struct opts *o, const char *command) {
    (void)command;
    const char *dir = o->file;
    int quiet = o->quiet;
    char err[FS_MSG_MAX], notes[FS_MSG_MAX];
    if (par_rank() != 0) return EXIT_OK; /* under mpirun, rank 0 writes */
    if (!*dir) {
        fprintf(stderr, "flowsim: report: '': expected a results folder\n");
        return EXIT_BAD_INPUT;
    }
    /* Locked against publications while the page is written; a result a killed publication
     * half replaced is put back first, so that the page describes a whole one. */
    int lock = outdir_lock(dir, notes, sizeof notes);
    if (lock < 0) {
        int e = errno;
        fprintf(stderr, "flowsim: report: %s: cannot use this folder: %s\n", dir, strerror(e));
        return e == ENOENT || e == ENOTDIR ? EXIT_BAD_INPUT : EXIT_CANTCREAT;
    }
    if (!quiet && *notes) fprintf(stderr, "flowsim: %s", notes);
    /* Only a result's folder: there, run-info says which files are the result's, so a page of
     * the user's is never taken for flowsim's. */
    char info[FS_PATH_MAX];
    struct stat sb;
    if (cli_path(info, sizeof info, dir, "run-info", err, sizeof err) != FS_OK) {
        outdir_unlock(lock);
        fprintf(stderr, "flowsim: report: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (plat_lstat(info, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        outdir_unlock(lock);
        fprintf(stderr,
                "flowsim: report: %s: not a flowsim results folder (no run-info): no "
                "timeseries.csv, comparison.csv or sweep.csv to report on\n",
                dir);
        return EXIT_BAD_INPUT;
    }
    /* The page becomes part of the result: listed first, so that a kill between the two
     * leaves at worst a listed file missing, never an unlisted page beside a new result. */
    static const char *const page[] = {"report.html", NULL};
    int rc = outdir_check(dir, page, err, sizeof err); /* never over a page of the user's */
    int listed = rc == 0 ? outdir_list(dir, "report.html", 1) : 0;
    if (listed < 0) {
        snprintf(err, sizeof err, "%s/run-info: cannot add report.html to its list", dir);
        rc = FS_ECREATE;
    }
    if (rc == 0) rc = report_write(dir, NULL, &cli_interrupted, err, sizeof err);
    /* No page after all: off the list, or a later file of the user's of that name would be
     * taken for the result's. */
    if (rc != 0 && listed > 0) outdir_list(dir, "report.html", 0);
    outdir_unlock(lock);
    if (rc == FS_ESTOPPED) return cli_fail(rc, err);
    if (rc != 0) {
        fprintf(stderr, "flowsim: report: %s\n", err);
        return rc == -1 ? EXIT_BAD_INPUT : cli_status(rc);
    }
    if (!quiet) printf("report: %s/report.html\n", dir);
    return EXIT_OK;
}
