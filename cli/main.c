/* flowsim — the command line: the command and option tables, the usage and help made from them,
 * parsing the arguments, and the dispatch to a command (cli/cmd_NAME.c). It knows no layer but
 * the value parsers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "models/value.h"
#include "par.h"
#include "sim/core.h"
#include "sim/platform.h"

/* The continuation of a usage line, and of a command's lines in --help. */
#define USAGE_MORE "\n                "
#define ABOUT_MORE "\n                  "

/* ONE row per command: its id, its name, the function that runs it (cli/cmd_NAME.c: the options
 * and the command line's text), what it is (CF_* flags), what its FILE arguments are (for
 * "NAME needs ..."), its usage after "flowsim NAME", and its lines in --help's list of commands.
 * The usage and help text, the option table's sets of commands, the dispatch and the MPI rule
 * all read it, so a new command is one row here (and its options' rows in FS_OPTIONS). */
#define FS_COMMANDS(X)                                                                             \
    X(RUN, "run", cmd_run, CF_SCENARIO | CF_RUNS | CF_MPI, "a scenario FILE",                      \
      "FILE [-o DIR] [--replications N] [--seed S] [--threads N]" USAGE_MORE                       \
      "[--set NAME.KEY=VALUE]... [--by-group] [--patient-log] [--report]" USAGE_MORE               \
      "[--precision P%] [--max-replications N] [--replications-range A:B] [--quiet]",              \
      "run FILE        run the scenario FILE (INI) and write CSV results")                         \
    X(VALIDATE, "validate", cmd_validate, CF_SCENARIO, "a scenario FILE",                          \
      "FILE [--set NAME.KEY=VALUE]... [--replications N] [--seed S] [--quiet]",                    \
      "validate FILE   load and check FILE without running it")                                    \
    X(COMPARE, "compare", cmd_compare, CF_SCENARIO | CF_RUNS | CF_MPI, "a scenario FILE",          \
      "BASE.ini VARIANT.ini [MORE.ini]... [-o DIR] [--replications N]" USAGE_MORE                  \
      "[--seed S] [--threads N] [--set NAME.KEY=VALUE]... [--by-group] [--report]" USAGE_MORE      \
      "[--quiet]",                                                                                 \
      "compare BASE VARIANT...  run every scenario on the same patients (the base's seed "         \
      "and" ABOUT_MORE "replications) and write comparison.csv with paired differences")           \
    X(SWEEP, "sweep", cmd_sweep, CF_SCENARIO | CF_RUNS | CF_MPI, "a scenario FILE",                \
      "BASE.ini --grid GRID.csv [-o DIR] [--replications N] [--seed S]" USAGE_MORE                 \
      "[--threads N] [--set NAME.KEY=VALUE]... [--by-group] [--patient-log]" USAGE_MORE            \
      "[--report] [--quiet]",                                                                      \
      "sweep BASE --grid GRID.csv  one variant per grid row (columns NAME.KEY as in --set, "       \
      "and" ABOUT_MORE "an optional 'variant' label); a folder each and sweep.csv")                \
    X(REPORT, "report", cmd_report, 0, "a results folder DIR", "DIR [--quiet]",                    \
      "report DIR      write DIR/report.html (charts, self-contained) from a results folder")      \
    X(FIT, "fit", cmd_fit, 0, "a CSV file of stays", "STAYS.csv",                                  \
      "fit STAYS.csv   fit exp, lognormal, gamma and Weibull to a column of stays "                \
      "(days);" ABOUT_MORE "prints each with its log-likelihood and AIC, and the best to paste")   \
    X(CALIBRATE, "calibrate", cmd_calibrate, CF_SCENARIO | CF_RUNS, "a scenario FILE",             \
      "FILE --targets TARGETS.csv --vary VARY.csv [-o DIR] [--max-evals N]" USAGE_MORE             \
      "[--replications N] [--seed S] [--threads N] [--set NAME.KEY=VALUE]... [--quiet]",           \
      "calibrate FILE  adjust keys (VARY.csv: key,low,high) so metrics hit targets" ABOUT_MORE     \
      "(TARGETS.csv: unit,metric,target,weight); writes calibrated.ini")                           \
    X(REPRODUCE, "reproduce", cmd_reproduce, CF_SCENARIO | CF_RUNS, "a scenario FILE",             \
      "FILE --expect EXPECT.csv [-o DIR] [--replications N] [--seed S]" USAGE_MORE                 \
      "[--threads N] [--set NAME.KEY=VALUE]... [--by-group] [--patient-log]" USAGE_MORE            \
      "[--report] [--precision P%] [--max-replications N] [--quiet]",                              \
      "reproduce FILE --expect EXPECT.csv  run FILE, then check published figures" ABOUT_MORE      \
      "(quantity,unit,metric,review_value,tolerance,low,high); writes" ABOUT_MORE                  \
      "reproduction.csv; exit status 3 when one is outside its tolerance")                         \
    X(MERGE, "merge", cmd_merge, 0, "the folders of the parts", "PART_DIR... -o DIR [--quiet]",    \
      "merge PART_DIR... -o DIR  put the parts of a run made with --replications-range" ABOUT_MORE \
      "back together: DIR is what one run of every replication writes")

/* What a command is, for the options it takes and the MPI rule. */
enum cmd_flag {
    CF_SCENARIO = 1, /* loads a scenario, and so takes --set and its shorthands */
    CF_RUNS = 2,     /* ... and runs it */
    CF_MPI = 4       /* spreads its work over MPI ranks */
};

enum cmd_index {
#define X(id, name, fn, flags, needs, use, about) CMDI_##id,
    FS_COMMANDS(X)
#undef X
        CMD_COUNT
};
enum cmd_bit {
#define X(id, name, fn, flags, needs, use, about) CMD_##id = 1u << CMDI_##id,
    FS_COMMANDS(X)
#undef X
};
/* The commands that load a scenario, and of those the ones that run it (CMD_* bits). */
enum {
#define X(id, name, fn, flags, needs, use, about) | ((flags)&CF_SCENARIO ? CMD_##id : 0)
    CMD_SCENARIO = 0 FS_COMMANDS(X),
#undef X
#define X(id, name, fn, flags, needs, use, about) | ((flags)&CF_RUNS ? CMD_##id : 0)
    CMD_RUNS = 0 FS_COMMANDS(X)
#undef X
};

/* The commands as the table calls them: the options and the command line's text. */
typedef int (*command_fn)(const struct opts *o, const char *command);

static const struct cli_command {
    const char *name;
    command_fn fn;
    unsigned flags;    /* CF_* */
    const char *needs; /* what its FILE arguments are: "NAME needs ..." */
    const char *usage; /* after "flowsim NAME " */
    const char *about; /* its lines in --help's list of commands */
} commands[] = {
#define X(id, name, fn, flags, needs, use, about)                                                  \
    [CMDI_##id] = {name, fn, flags, needs, use, about},
    FS_COMMANDS(X)
#undef X
};
_Static_assert(sizeof commands / sizeof *commands == CMD_COUNT, "one row per command");

static const char help_head[] =
    "flowsim: discrete-event simulation of older people's flow through health and care\n"
    "(A&E, acute beds, step-down, reablement, care homes, virtual wards).\n\n"
    "commands:\n";

static const char help_rest[] =
    "options (each only for the commands whose usage above shows it; any other is refused):\n"
    "  -o DIR                  results folder (default results/NAME, NAME from [scenario])\n"
    "  --replications N        override [scenario] replications\n"
    "  --seed S                override [scenario] seed\n"
    "  --threads N             worker threads (default: all cores); results do not depend on it\n"
    "  --set NAME.KEY=VALUE    override any key; NAME is a section's name, e.g.\n"
    "                          --set acute.capacity=950 --set scenario.horizon=730d\n"
    "  --by-group              also report the core metrics of each [group], as METRIC.GROUP\n"
    "  --patient-log           also write patients.csv: one row per patient per unit visited\n"
    "  --report                also write report.html (run, compare, sweep and reproduce)\n"
    "  --precision P%          add replications (in batches of [scenario] replications) until\n"
    "                          every headline metric's 95% half-width is within P% of its mean\n"
    "  --max-replications N    the most --precision may run (default 1000)\n"
    "  --replications-range A:B  run only replications A to B (of [scenario] replications),\n"
    "                          as one part of a run: flowsim merge puts the parts together\n"
    "                          (job arrays; docs/scaling.md)\n"
    "  --quiet                 print nothing but errors\n\n"
    "outputs: summary.csv, timeseries.csv, metrics.csv, scenario.resolved.ini, run-info\n"
    "exit status: 0 ok, 2 bad input or usage, 3 reproduce: a figure outside its tolerance,\n"
    "73 an output cannot be created, 74 a write failed (disk full), 71 out of memory,\n"
    "130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP, 1 internal error (a bug); docs/errors.md\n"
    "scenario keys: docs/scenario-reference.md\n";

/* The usage: a line (or a few) per command of the table. */
static void print_usage(FILE *f) {
    for (int c = 0; c < CMD_COUNT; c++)
        fprintf(f, "%s flowsim %s %s\n", c ? "      " : "usage:", commands[c].name,
                commands[c].usage);
    fprintf(f, "       flowsim --help | --version\n");
}

static void print_help(FILE *f) {
    print_usage(f);
    fprintf(f, "\n%s", help_head);
    for (int c = 0; c < CMD_COUNT; c++) fprintf(f, "  %s\n", commands[c].about);
    fprintf(f, "\n%s", help_rest);
}

static int usage_error(const char *fmt, ...) FS_PRINTF(1, 2);
static int usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "flowsim: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    print_usage(stderr);
    return EXIT_BAD_INPUT;
}

/* ONE row per option: the id, its name, another spelling (or NULL), what its value is (NULL: a
 * flag) for "needs ...", and the commands that use it — read from each cmd_* (and, for sweep's
 * --patient-log and --by-group and compare's --by-group, what they are being taught to honour).
 * parse_args refuses an option its command does not use, so no option is ever taken and then
 * silently ignored; the usage text lists the same, and tests/test_inputs.c checks they agree. */
#define FS_OPTIONS(X)                                                                              \
    X(OUTPUT, "-o", "--output", "a folder", CMD_RUNS | CMD_MERGE)                                  \
    X(SET, "--set", NULL, "NAME.KEY=VALUE", CMD_SCENARIO)                                          \
    X(REPLICATIONS, "--replications", NULL, "a number", CMD_SCENARIO)                              \
    X(SEED, "--seed", NULL, "a number", CMD_SCENARIO)                                              \
    X(THREADS, "--threads", NULL, "a number", CMD_RUNS)                                            \
    X(TARGETS, "--targets", NULL, "a CSV file", CMD_CALIBRATE)                                     \
    X(VARY, "--vary", NULL, "a CSV file", CMD_CALIBRATE)                                           \
    X(MAX_EVALS, "--max-evals", NULL, "a number", CMD_CALIBRATE)                                   \
    X(EXPECT, "--expect", NULL, "a CSV file", CMD_REPRODUCE)                                       \
    X(GRID, "--grid", NULL, "a CSV file", CMD_SWEEP)                                               \
    X(PRECISION, "--precision", NULL, "a percentage, e.g. 2%", CMD_RUN | CMD_REPRODUCE)            \
    X(MAX_REPLICATIONS, "--max-replications", NULL, "a number", CMD_RUN | CMD_REPRODUCE)           \
    X(REPLICATIONS_RANGE, "--replications-range", NULL, "A:B, e.g. 1:10", CMD_RUN)                 \
    X(REPORT, "--report", NULL, NULL, CMD_RUN | CMD_COMPARE | CMD_SWEEP | CMD_REPRODUCE)           \
    X(PATIENT_LOG, "--patient-log", NULL, NULL, CMD_RUN | CMD_SWEEP | CMD_REPRODUCE)               \
    X(BY_GROUP, "--by-group", NULL, NULL, CMD_RUN | CMD_COMPARE | CMD_SWEEP | CMD_REPRODUCE)       \
    X(QUIET, "--quiet", "-q", NULL, CMD_RUNS | CMD_VALIDATE | CMD_MERGE | CMD_REPORT)

enum opt_id {
#define X(id, name, alias, value, cmds) OPT_##id,
    FS_OPTIONS(X)
#undef X
        OPT_COUNT
};
static const struct cli_option {
    const char *name, *alias; /* as typed: "--quiet", "-q" */
    const char *value;        /* what follows it, for "needs ..."; NULL for a flag */
    unsigned cmds;            /* CMD_* bits of the commands that use it */
} options[] = {
#define X(id, name, alias, value, cmds) [OPT_##id] = {name, alias, value, cmds},
    FS_OPTIONS(X)
#undef X
};
_Static_assert(sizeof options / sizeof *options == OPT_COUNT, "one row per option");

static int option_index(const char *a) {
    for (int k = 0; k < OPT_COUNT; k++)
        if (!strcmp(a, options[k].name) || (options[k].alias && !strcmp(a, options[k].alias)))
            return k;
    return -1;
}

/* --precision P%: a plain number (models/value.h's val_number: no hex, inf or nan) and '%'. */
static int parse_percent(const char *v, double *fraction) {
    char num[64], why[FS_MSG_MAX]; /* num: a percentage, longer is refused */
    size_t len = strlen(v);
    double p;
    if (len < 2 || len >= sizeof num || v[len - 1] != '%') return -1;
    memcpy(num, v, len - 1);
    num[len - 1] = 0;
    if (val_number(num, &p, why, sizeof why) != 0 || !(p > 0) || p >= 100) return -1;
    *fraction = p / 100;
    return 0;
}

/* --replications-range A:B, each a whole number read by val_int, 1 <= A <= B. */
static int parse_range(const char *v, int *first, int *last) {
    char a[64], why[FS_MSG_MAX]; /* a: a whole number, longer is refused */
    const char *colon = strchr(v, ':');
    long long x, y;
    if (!colon || (size_t)(colon - v) >= sizeof a) return -1;
    memcpy(a, v, (size_t)(colon - v));
    a[colon - v] = 0;
    if (val_int(a, 1, 1000000, &x, why, sizeof why) != 0 ||
        val_int(colon + 1, x, 1000000, &y, why, sizeof why) != 0)
        return -1;
    *first = (int)x, *last = (int)y;
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o) {
    memset(o, 0, sizeof *o);
    o->sets = fs_calloc((size_t)argc + 2, sizeof *o->sets);
    o->files = fs_calloc((size_t)argc + 1, sizeof *o->files);
    o->owned = fs_calloc((size_t)argc + 1, sizeof *o->owned);
    o->max_replications = 1000;
    o->max_evals = 200;
    o->cmd = argv[1];
    int ci = 0;
    while (ci < CMD_COUNT && strcmp(o->cmd, commands[ci].name)) ci++;
    if (ci == CMD_COUNT) return usage_error("unknown command '%s'", o->cmd);
    unsigned cmd = 1u << ci;
    char err[FS_MSG_MAX];
    int max_replications_given = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int id = option_index(a);
        if (id < 0) {
            if (a[0] == '-' && a[1]) return usage_error("unknown option '%s'", a);
            o->files[o->nfiles++] = a;
            continue;
        }
        if (!(options[id].cmds & cmd)) {
            fprintf(stderr, "flowsim: %s: not available for %s\n", a, o->cmd);
            return EXIT_BAD_INPUT;
        }
        const char *v = NULL;
        if (options[id].value) {
            if (i + 1 >= argc) {
                return usage_error("%s needs %s", a, options[id].value);
            }
            v = argv[++i];
        }
        long long n;
        switch ((enum opt_id)id) {
        case OPT_OUTPUT:
            o->outdir = v;
            break;
        case OPT_SET:
            o->sets[o->nsets++] = v;
            break;
        case OPT_REPLICATIONS:
        case OPT_SEED: {
            uint64_t seed;
            int rep = id == OPT_REPLICATIONS;
            if (rep ? val_int(v, 1, 1000000, &n, err, sizeof err)
                    : val_uint64(v, &seed, err, sizeof err)) {
                fprintf(stderr, "flowsim: %s: %s\n", a, err);
                return EXIT_BAD_INPUT;
            }
            size_t len = strlen(v) + 32;
            char *set = fs_malloc(len);
            snprintf(set, len, "scenario.%s=%s", rep ? "replications" : "seed", v);
            o->owned[o->nowned++] = set; /* still in sets: freed at exit */
            o->sets[o->nsets++] = set;
            break;
        }
        case OPT_THREADS:
        case OPT_MAX_EVALS:
        case OPT_MAX_REPLICATIONS: {
            long long lo = id == OPT_MAX_REPLICATIONS ? 2 : 1;
            long long hi = id == OPT_THREADS ? 4096 : id == OPT_MAX_EVALS ? 100000 : 1000000;
            if (val_int(v, lo, hi, &n, err, sizeof err)) {
                fprintf(stderr, "flowsim: %s: %s\n", options[id].name, err);
                return EXIT_BAD_INPUT;
            }
            if (id == OPT_THREADS) o->threads = (int)n;
            if (id == OPT_MAX_EVALS) o->max_evals = (int)n;
            if (id == OPT_MAX_REPLICATIONS) o->max_replications = (int)n;
            max_replications_given |= id == OPT_MAX_REPLICATIONS;
            break;
        }
        case OPT_TARGETS:
            o->targets = v;
            break;
        case OPT_VARY:
            o->vary = v;
            break;
        case OPT_EXPECT:
            o->expect = v;
            break;
        case OPT_GRID:
            o->grid = v;
            break;
        case OPT_PRECISION:
            if (parse_percent(v, &o->precision) != 0) {
                fprintf(stderr, "flowsim: --precision: expected a percentage like 2%%, got '%s'\n",
                        v);
                return EXIT_BAD_INPUT;
            }
            break;
        case OPT_REPLICATIONS_RANGE:
            if (parse_range(v, &o->range_first, &o->range_last) != 0) {
                fprintf(stderr,
                        "flowsim: --replications-range: expected A:B with 1 <= A <= B, "
                        "got '%s'\n",
                        v);
                return EXIT_BAD_INPUT;
            }
            break;
        case OPT_REPORT:
            o->report = 1;
            break;
        case OPT_PATIENT_LOG:
            o->patient_log = 1;
            break;
        case OPT_BY_GROUP:
            o->by_group = 1;
            break;
        case OPT_QUIET:
            o->quiet = 1;
            break;
        case OPT_COUNT:
            break;
        }
    }
    int compare = cmd == CMD_COMPARE, merge = cmd == CMD_MERGE;
    if (o->nfiles == 0) return usage_error("%s needs %s", o->cmd, commands[ci].needs);
    if (compare && o->nfiles < 2)
        return usage_error("%s needs BASE.ini and at least one VARIANT.ini", o->cmd);
    if (merge && !o->outdir) return usage_error("%s needs -o DIR for the merged results", o->cmd);
    if (!compare && !merge && o->nfiles > 1)
        return usage_error("unexpected argument '%s'", o->files[1]);
    if (o->range_first && o->precision > 0)
        return usage_error("%s", "--replications-range and --precision cannot go together "
                                 "(a part cannot decide when the whole run is precise enough)");
    /* Without --precision nothing reads it: refused rather than ignored. */
    if (max_replications_given && !(o->precision > 0)) {
        fprintf(stderr, "flowsim: --max-replications: only with --precision (it caps the "
                        "replications --precision adds)\n");
        return EXIT_BAD_INPUT;
    }
    o->file = o->files[0];
    return EXIT_OK;
}

/* The commands that spread their work under mpirun, as words: "run, compare and sweep". */
static char *mpi_commands(void) {
    size_t len = 1, n = 0, k = 0;
    for (int c = 0; c < CMD_COUNT; c++)
        if (commands[c].flags & CF_MPI) len += strlen(commands[c].name) + 5, n++;
    char *s = fs_calloc(len, 1);
    for (int c = 0; c < CMD_COUNT; c++)
        if (commands[c].flags & CF_MPI) {
            k++;
            strcat(s, k == 1 ? "" : k == n ? " and " : ", ");
            strcat(s, commands[c].name);
        }
    return s;
}

static int cli_main(int argc, char **argv);

int main(int argc, char **argv) {
    plat_init();
    par_init(&argc, &argv);
    return par_finish(cli_main(argc, argv));
}

static int cli_main(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_BAD_INPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("flowsim %s (%s)\n", FLOWSIM_VERSION, FLOWSIM_GIT_REV);
        return EXIT_OK;
    }
    int c = 0;
    while (c < CMD_COUNT && strcmp(argv[1], commands[c].name)) c++;
    if (c == CMD_COUNT) return usage_error("unknown command '%s'", argv[1]);
    struct opts o;
    int rc = parse_args(argc, argv, &o);
    /* Under mpirun, the commands that run many replications spread them over the ranks. */
    if (rc == EXIT_OK && par_size() > 1) {
        if (!(commands[c].flags & CF_MPI)) {
            char *which = mpi_commands();
            rc = usage_error("under mpirun only %s spread their work; run %s as one process", which,
                             o.cmd);
            fs_free(which);
        } else if (o.precision > 0 || o.range_first)
            rc = usage_error("%s", "under mpirun, --precision and --replications-range are not "
                                   "available (the ranks share out every replication)");
    }
    o.progress = !o.quiet && isatty(STDERR_FILENO);
    cli_catch_signals();
    char *command = cli_command_line(argc, argv);
    if (rc == EXIT_OK) rc = commands[c].fn(&o, command);
    fs_free(command);
    fs_free(o.sets);
    fs_free(o.files);
    for (size_t i = 0; i < o.nowned; i++) fs_free(o.owned[i]);
    fs_free(o.owned);
    return rc;
}
