/* cli.h — what the flowsim subcommands share: parsed options and exit codes. */
#ifndef FS_CLI_H
#define FS_CLI_H

#include <stddef.h>

#include <signal.h>

#include "models/limits.h" /* FS_PATH_MAX, FS_MSG_MAX: the commands' paths and messages */

/* Set by the build (CMake); these stand in for a build without them. */
#ifndef FLOWSIM_VERSION
#define FLOWSIM_VERSION "0.0.0"
#endif
#ifndef FLOWSIM_GIT_REV
#define FLOWSIM_GIT_REV "unknown"
#endif

/* Exit statuses (README "Exit status"; sysexits.h's numbers for the environment's failures). */
enum {
    EXIT_OK = 0,
    EXIT_INTERNAL = 1,      /* a bug: please report it */
    EXIT_BAD_INPUT = 2,     /* bad input or usage: the message says what to fix */
    EXIT_MISSED = 3,        /* reproduce: a figure outside its tolerance */
    EXIT_CANTCREAT = 73,    /* EX_CANTCREAT: an output file or folder cannot be created */
    EXIT_IOERR = 74,        /* EX_IOERR: a write failed (disk full, I/O error) */
    EXIT_INTERRUPTED = 130, /* 128 + SIGINT: Ctrl-C */
    EXIT_TERMINATED = 143   /* 128 + SIGTERM: kill, timeout, a batch system's time limit */
};

/* Set by the signal handler (SIGINT, SIGTERM, SIGHUP) to the signal's number: runs stop and
 * write nothing, and the exit status is 128 + it. The one global the program has, because a
 * signal handler can reach nothing else. */
extern volatile sig_atomic_t cli_interrupted;
/* Install the handler that sets cli_interrupted (SIGINT, SIGTERM, SIGHUP). */
void cli_catch_signals(void);
/* The exit status of an fs_status (sim/core.h). */
int cli_status(int rc);
/* Print why a command failed and return its exit status: stopped by a signal (128 + its
 * number, "no results written"), else rc's (cli_status). */
int cli_fail(int rc, const char *err);

struct outdir;
/* DIR/NAME into buf (len bytes): FS_OK, or FS_EINPUT with "DIR/NAME...: path too long" in err
 * when it does not fit (a path is never cut short). */
int cli_path(char *buf, size_t len, const char *dir, const char *name, char *err, size_t errlen);
/* The default results folder results/PREFIXNAME, NAME the scenario's name as one safe folder
 * name (outdir_label); exit status (2, with the message printed, for '.', '..', '' or a name
 * too long). */
int cli_default_dir(char *buf, size_t len, const char *prefix, const char *name);
struct opts;
struct scenario;
/* The results folder of a command (-o, or results/PREFIXNAME from base's name) into buf, after
 * refusing --by-group for a scenario without groups; exit status (2 with the message printed,
 * also for a folder too long for buf). */
int cli_results_dir(const struct opts *o, const char *prefix, const struct scenario *base,
                    char *buf, size_t len);
/* outdir_open (files and folders: what the result will put there), printing what it found
 * (unless quiet) or why it failed; exit status. */
int cli_outdir_open(struct outdir **od, const char *dir, const char *const *files,
                    const char *const *folders, int quiet);
/* outdir_publish, unless a signal came (then nothing is published: 128 + the signal); exit
 * status (printing why it failed). */
int cli_outdir_publish(struct outdir *od);
/* report.html into od's staging folder, before publication; exit status. */
int cli_report_in(const struct outdir *od, int quiet);
/* run-info for a command that runs no single scenario (compare, sweep, calibrate) into dir:
 * version, command, time, seed, replications, one more "key = value" line (key NULL: none) and
 * a "warning = LINE" line for each line of warnings (NULL or "": none). Returns 0 or an
 * fs_status with a message. */
int cli_run_info(const char *dir, const char *command, unsigned long long seed, int replications,
                 const char *key, const char *value, const char *warnings, char *err,
                 size_t errlen);

struct opts {
    const char *cmd, *file, *outdir, *grid, *targets, *vary, *expect;
    int max_evals;
    const char **files; /* every FILE argument; file is the first */
    size_t nfiles;
    const char **sets;
    size_t nsets;
    int threads, quiet, by_group, patient_log, report;
    int progress; /* a progress line on stderr (a terminal, and not --quiet) */
    double precision;
    int max_replications;
    int range_first, range_last; /* --replications-range A:B (1-based), or 0 */
    char **owned; /* --set strings made from --replications / --seed, freed at exit */
    size_t nowned;
};

struct scenario;
struct metric_layout;
struct welford;

struct run_stats {
    double wall_seconds;
    unsigned long long events, patients;
    int replications;               /* run, which --precision decides */
    char stopped[FS_MSG_MAX + 128]; /* with --precision: what stopped it (a message) */
    char *warnings;          /* lines to print as warnings (results_warnings), or NULL; fs_free */
    struct welford *summary; /* per slot: the run's summary, what summary.csv's rows are made
                              * from (results_summary_get), or NULL; fs_free */
};

struct run_options {
    double *keep;     /* receives each replication's summary (replications x ml->n), or NULL */
    int patient_log;  /* also write patients.csv */
    int progress;     /* a progress line on stderr */
    double precision; /* > 0: add batches of replications until every headline metric's 95%
                       * half-width is within this fraction of its mean (not with keep) */
    int max_replications;
    int first_rep, nrep; /* a part: replications first_rep+1 .. first_rep+nrep (nrep 0: all) */
    int alone;           /* under mpirun, run every replication on this rank (a sweep variant) */
};

/* Run the replications of sc on threads and write its results into dir, a private folder (a
 * staging folder: cli_outdir_open). Under mpirun dir matters on rank 0 only (NULL elsewhere).
 * Returns 0, or an fs_status with a message. */
int cli_run_to_dir(const struct scenario *sc, const struct metric_layout *ml, const char *dir,
                   int threads, const char *command, const struct run_options *ro,
                   struct run_stats *st, char *err, size_t errlen);

/* Under mpirun, where each rank runs whole sweep variants (ro->alone): deliver one to rank 0.
 * Collective, called by every rank in the same order. The owner ran it with status rc (0, or
 * -1 after reporting why with par_report) into folder from (its own folder under TMPDIR when it is
 * not rank 0); rank 0 puts the folder in place at dir, and every rank receives its summaries (keep,
 * nkeep doubles) and wall time. Returns 0, or -1 with a message on every rank. */
int cli_deliver(int owner, int rc, const char *from, const char *dir, double *keep, size_t nkeep,
                double *wall, char *err, size_t errlen);
/* A fresh private folder for a part under TMPDIR (or /tmp): outdir_private. */
int cli_part_dir(char *buf, size_t len, char *err, size_t errlen);

/* Run every replication of sc and keep only each one's summary (replications x ml->n), writing
 * no files. Returns 0, or -1 with a message. */
int cli_run_summaries(const struct scenario *sc, const struct metric_layout *ml, int threads,
                      double *keep, char *err, size_t errlen);
/* The same, also keeping each replication's diagnostics (replications x flow_diag_len rows,
 * gathered from every MPI rank), for the run's warnings (results_warnings_of). */
int cli_run_summaries_diag(const struct scenario *sc, const struct metric_layout *ml, int threads,
                           double *keep, double *diag, char *err, size_t errlen);

/* Work done in the staging folder after a run and before publication (reproduce's table), so
 * that it is published with the run: returns 0 or an fs_status with a message. */
struct cli_hook {
    int (*fn)(void *ctx, const char *stage, char *err, size_t errlen);
    void *ctx;
    const char *file; /* the file it writes there */
};
/* flowsim run FILE, writing into dir (the folder used, returned in dir); hook (or NULL) runs
 * before publication; exit status. */
int cmd_run_into(const struct opts *o, const char *command, char *dir, size_t dirlen,
                 const struct cli_hook *hook);

/* The commands (cli/cmd_NAME.c), as main.c's table calls them: the parsed options and the
 * command line as text (for run-info); each returns the exit status. */
int cmd_run(const struct opts *o, const char *command);       /* run FILE */
int cmd_validate(const struct opts *o, const char *command);  /* validate FILE */
int cmd_compare(const struct opts *o, const char *command);   /* compare BASE VARIANT... */
int cmd_sweep(const struct opts *o, const char *command);     /* sweep BASE --grid GRID.csv */
int cmd_report(const struct opts *o, const char *command);    /* report DIR */
int cmd_fit(const struct opts *o, const char *command);       /* fit STAYS.csv */
int cmd_calibrate(const struct opts *o, const char *command); /* calibrate FILE --targets --vary */
int cmd_reproduce(const struct opts *o, const char *command); /* reproduce FILE --expect */
int cmd_merge(const struct opts *o, const char *command);     /* merge PART_DIR... -o DIR */

/* The command line as one string, for run-info. */
char *cli_command_line(int argc, char **argv); /* to fs_free */

#endif
