/* cli.h — what the flowsim subcommands share: parsed options and exit codes. */
#ifndef FS_CLI_H
#define FS_CLI_H

#include <stddef.h>

#include <signal.h>

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_BAD_INPUT = 2, EXIT_INTERRUPTED = 130 };

/* Set by the SIGINT handler (Ctrl-C): runs stop and write nothing. The one global the program
 * has, because a signal handler can reach nothing else. */
extern volatile sig_atomic_t cli_interrupted;
/* The exit status and message for a failed run: interrupted or an internal error. */
int cli_fail(const char *err);

struct opts {
    const char *cmd, *file, *outdir, *grid;
    const char **files; /* every FILE argument; file is the first */
    size_t nfiles;
    const char **sets;
    size_t nsets;
    int threads, quiet, by_group, patient_log;
    int progress; /* a progress line on stderr (a terminal, and not --quiet) */
    char **owned; /* --set strings made from --replications / --seed, freed at exit */
    size_t nowned;
};

struct scenario;
struct metric_layout;

struct run_stats {
    double wall_seconds;
    unsigned long long events, patients;
};

/* Run every replication of sc on threads and write its results folder dir (files complete or
 * absent). keep, if not NULL, receives each replication's summary (replications x ml->n);
 * patient_log adds patients.csv. Returns 0, or -1 with a message. */
int cli_run_to_dir(const struct scenario *sc, const struct metric_layout *ml, const char *dir,
                   int threads, const char *command, double *keep, int patient_log, int progress,
                   struct run_stats *st, char *err, size_t errlen);

struct cmp_scenario;
/* The headline metrics of the base (acute occupancy % and delayed days, A&E 4-hour %, DTOC
 * per 100k, cost per day): each scenario's mean and interval and its paired difference. */
void cli_print_comparison(const struct scenario *base, const struct cmp_scenario *cs, size_t n);

/* flowsim compare BASE.ini VARIANT.ini [MORE.ini...] */
int cmd_compare(const struct opts *o);
/* flowsim sweep BASE.ini --grid GRID.csv */
int cmd_sweep(const struct opts *o, const char *command);

#endif
