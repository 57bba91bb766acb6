/* Where the commands' results go: the default folder from a name, the results folder opened and
 * published (output/outdir.h), run-info for the commands that run no single scenario, the
 * report, and the exit status each kind of failure gets. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "models/scenario.h"
#include "output/csvout.h"
#include "output/outdir.h"
#include "output/report.h"
#include "sim/core.h"
#include "sim/platform.h"

int cli_status(int rc) {
    return rc == FS_OK        ? EXIT_OK
           : rc == FS_EINPUT  ? EXIT_BAD_INPUT
           : rc == FS_ECREATE ? EXIT_CANTCREAT
           : rc == FS_EIO     ? EXIT_IOERR
                              : EXIT_INTERNAL;
}

int cli_fail(int rc, const char *err) {
    if (cli_interrupted || rc == FS_ESTOPPED) {
        int sig = cli_interrupted ? (int)cli_interrupted : SIGINT;
        fprintf(stderr, "flowsim: %s: no results written\n",
                sig == SIGINT    ? "interrupted"
                : sig == SIGTERM ? "stopped (SIGTERM)"
                                 : "stopped");
        return 128 + sig;
    }
    fprintf(stderr, "flowsim: %s\n", err);
    return cli_status(rc);
}

int cli_path(char *buf, size_t len, const char *dir, const char *name, char *err, size_t errlen) {
    int n = snprintf(buf, len, "%s%s%s", dir, *name ? "/" : "", name);
    if (n >= 0 && (size_t)n < len) return FS_OK;
    snprintf(err, errlen, "%.200s...: path too long (more than %zu bytes)", buf, len - 1);
    return FS_EINPUT;
}

int cli_default_dir(char *buf, size_t len, const char *prefix, const char *name) {
    char label[OUTDIR_LABEL_MAX + 1], err[FS_MSG_MAX];
    if (outdir_label("scenario name", name, label, sizeof label, err, sizeof err) != FS_OK) {
        fprintf(stderr, "flowsim: %s; or give the results folder with -o DIR\n", err);
        return EXIT_BAD_INPUT;
    }
    int n = snprintf(buf, len, "results/%s%s", prefix, label);
    if (n < 0 || (size_t)n >= len) {
        fprintf(stderr, "flowsim: results/%s%s: path too long\n", prefix, label);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

int cli_results_dir(const struct opts *o, const char *prefix, const struct scenario *base,
                    char *buf, size_t len) {
    if (o->by_group && !base->ngroups) {
        fprintf(stderr, "flowsim: --by-group: the scenario has no [group NAME] sections\n");
        return EXIT_BAD_INPUT;
    }
    if (!o->outdir) return cli_default_dir(buf, len, prefix, base->name);
    char err[FS_MSG_MAX];
    if (cli_path(buf, len, o->outdir, "", err, sizeof err) != FS_OK) {
        fprintf(stderr, "flowsim: -o: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

int cli_outdir_open(struct outdir **od, const char *dir, const char *const *files,
                    const char *const *folders, int quiet) {
    char err[FS_MSG_MAX];
    int rc = outdir_open(od, dir, files, folders, err, sizeof err);
    if (rc != FS_OK) {
        fprintf(stderr, "flowsim: %s\n", err);
        return cli_status(rc);
    }
    const char *notes = outdir_notes(*od);
    if (!quiet && *notes) fprintf(stderr, "flowsim: %s", notes);
    return EXIT_OK;
}

int cli_outdir_publish(struct outdir *od) {
    char err[FS_MSG_MAX];
    /* A signal before publication stops it; one during it (milliseconds) lets it finish, so
     * that the folder holds a whole result either way. */
    if (cli_interrupted) {
        outdir_abort(od);
        return cli_fail(FS_ESTOPPED, "");
    }
    int rc = outdir_publish(od, err, sizeof err);
    return rc == FS_OK ? EXIT_OK : cli_fail(rc, err);
}

int cli_report_in(const struct outdir *od, int quiet) {
    char err[FS_MSG_MAX];
    int rc = report_write(outdir_stage(od), outdir_path(od), &cli_interrupted, err, sizeof err);
    if (rc == FS_ESTOPPED) return cli_fail(rc, err);
    if (rc != 0) {
        fprintf(stderr, "flowsim: report: %s\n", err);
        return rc == -1 ? EXIT_INTERNAL : cli_status(rc); /* our own files: unreadable is a bug */
    }
    if (!quiet) printf("report: %s/report.html\n", outdir_path(od));
    return EXIT_OK;
}

int cli_run_info(const char *dir, const char *command, unsigned long long seed, int replications,
                 const char *key, const char *value, const char *warnings, char *err,
                 size_t errlen) {
    struct csvout_file cf;
    int rc = csvout_open(&cf, dir, "run-info", err, errlen);
    if (rc != 0) return rc;
    char when[64];
    time_t now = time(NULL);
    struct tm tm;
    plat_gmtime(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(cf.f, "flowsim_version = %s\ngit_revision = %s\ncommand = %s\nfinished_utc = %s\n",
            FLOWSIM_VERSION, FLOWSIM_GIT_REV, command, when);
    fprintf(cf.f, "seed = %llu\nreplications = %d\n", seed, replications);
    if (key) fprintf(cf.f, "%s = %s\n", key, value);
    for (const char *l = warnings ? warnings : ""; *l;) {
        size_t n = strcspn(l, "\n");
        if (n > 0) fprintf(cf.f, "warning = %.*s\n", (int)n, l);
        l += n + (l[n] == '\n');
    }
    return csvout_close(&cf, err, errlen);
}
