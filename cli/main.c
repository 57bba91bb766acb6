/* flowsim — the command line: the command and option tables, parsing the arguments, and the
 * dispatch to a command (cli/NAME.c). It knows no layer but the value parsers. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "models/value.h"
#include "par.h"
#include "sim/core.h"

static const char usage[] =
    "usage: flowsim run FILE [-o DIR] [--replications N] [--seed S] [--threads N]\n"
    "                [--set NAME.KEY=VALUE]... [--by-group] [--patient-log] [--report]\n"
    "                [--precision P%] [--max-replications N] [--replications-range A:B] "
    "[--quiet]\n"
    "       flowsim validate FILE [--set NAME.KEY=VALUE]... [--replications N] [--seed S] "
    "[--quiet]\n"
    "       flowsim compare BASE.ini VARIANT.ini [MORE.ini]... [-o DIR] [--replications N]\n"
    "                [--seed S] [--threads N] [--set NAME.KEY=VALUE]... [--by-group] [--report]\n"
    "                [--quiet]\n"
    "       flowsim sweep BASE.ini --grid GRID.csv [-o DIR] [--replications N] [--seed S]\n"
    "                [--threads N] [--set NAME.KEY=VALUE]... [--by-group] [--patient-log]\n"
    "                [--report] [--quiet]\n"
    "       flowsim report DIR [--quiet]\n"
    "       flowsim fit STAYS.csv\n"
    "       flowsim calibrate FILE --targets TARGETS.csv --vary VARY.csv [-o DIR] [--max-evals N]\n"
    "                [--replications N] [--seed S] [--threads N] [--set NAME.KEY=VALUE]... "
    "[--quiet]\n"
    "       flowsim reproduce FILE --expect EXPECT.csv [-o DIR] [--replications N] [--seed S]\n"
    "                [--threads N] [--set NAME.KEY=VALUE]... [--by-group] [--patient-log]\n"
    "                [--report] [--precision P%] [--max-replications N] [--quiet]\n"
    "       flowsim merge PART_DIR... -o DIR [--quiet]\n"
    "       flowsim --help | --version\n";

static const char help[] =
    "flowsim: discrete-event simulation of older people's flow through health and care\n"
    "(A&E, acute beds, step-down, reablement, care homes, virtual wards).\n\n"
    "commands:\n"
    "  run FILE        run the scenario FILE (INI) and write CSV results\n"
    "  validate FILE   load and check FILE without running it\n"
    "  compare BASE VARIANT...  run every scenario on the same patients (the base's seed and\n"
    "                  replications) and write comparison.csv with paired differences\n"
    "  sweep BASE --grid GRID.csv  one variant per grid row (columns NAME.KEY as in --set, and\n"
    "                  an optional 'variant' label); a folder each and sweep.csv\n"
    "  report DIR      write DIR/report.html (charts, self-contained) from a results folder\n"
    "  fit STAYS.csv   fit exp, lognormal, gamma and Weibull to a column of stays (days);\n"
    "                  prints each with its log-likelihood and AIC, and the best to paste\n"
    "  calibrate FILE  adjust keys (VARY.csv: key,low,high) so metrics hit targets\n"
    "                  (TARGETS.csv: unit,metric,target,weight); writes calibrated.ini\n"
    "  reproduce FILE --expect EXPECT.csv  run FILE, then check published figures\n"
    "                  (quantity,unit,metric,review_value,tolerance,low,high); writes\n"
    "                  reproduction.csv; exit status 3 when one is outside its tolerance\n"
    "  merge PART_DIR... -o DIR  put the parts of a run made with --replications-range\n"
    "                  back together: DIR is what one run of every replication writes\n\n"
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
    "outputs: summary.csv, timeseries.csv, scenario.resolved.ini, run-info\n"
    "exit status: 0 ok, 2 bad input or usage, 3 reproduce: a figure outside its tolerance,\n"
    "73 an output cannot be created, 74 a write failed (disk full), 71 out of memory,\n"
    "130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP, 1 internal error (a bug); docs/errors.md\n"
    "scenario keys: docs/scenario-reference.md\n";

static int usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "flowsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return EXIT_BAD_INPUT;
}

/* ONE row per command: its id, its name, the function that runs it (each takes the options and
 * the command line's text), and whether it spreads its work under mpirun. The
 * option table, the dispatch and the MPI rule all read it. */
#define FS_COMMANDS(X)                                                                             \
    X(RUN, "run", cmd_run, 1)                                                                      \
    X(VALIDATE, "validate", do_validate, 0)                                                        \
    X(COMPARE, "compare", cmd_compare, 1)                                                          \
    X(SWEEP, "sweep", cmd_sweep, 1)                                                                \
    X(REPORT, "report", do_report, 0)                                                              \
    X(FIT, "fit", do_fit, 0)                                                                       \
    X(CALIBRATE, "calibrate", cmd_calibrate, 0)                                                    \
    X(REPRODUCE, "reproduce", cmd_reproduce, 0)                                                    \
    X(MERGE, "merge", cmd_merge, 0)

enum cmd_index {
#define X(id, name, fn, mpi) CMDI_##id,
    FS_COMMANDS(X)
#undef X
        CMD_COUNT
};
enum cmd_bit {
#define X(id, name, fn, mpi) CMD_##id = 1u << CMDI_##id,
    FS_COMMANDS(X)
#undef X
};
static const char *const command_names[] = {
#define X(id, name, fn, mpi) [CMDI_##id] = name,
    FS_COMMANDS(X)
#undef X
};
_Static_assert(sizeof command_names / sizeof *command_names == CMD_COUNT, "one name per command");

/* The commands that load a scenario, and so take --set and its shorthands. */
#define CMD_SCENARIO                                                                               \
    (CMD_RUN | CMD_VALIDATE | CMD_COMPARE | CMD_SWEEP | CMD_CALIBRATE | CMD_REPRODUCE)
/* ... and of those, the ones that run it. */
#define CMD_RUNS (CMD_RUN | CMD_COMPARE | CMD_SWEEP | CMD_CALIBRATE | CMD_REPRODUCE)

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
    char num[64], why[160];
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
    char a[64], why[160];
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
    unsigned cmd = 0;
    for (int c = 0; c < CMD_COUNT; c++)
        if (!strcmp(o->cmd, command_names[c])) cmd = 1u << c;
    if (!cmd) return usage_error("unknown command '%s'", o->cmd);
    char err[256];
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
                char msg[128];
                snprintf(msg, sizeof msg, "%s needs %s", a, options[id].value);
                return usage_error("%s", msg);
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
    if (o->nfiles == 0)
        return usage_error(merge               ? "%s needs the folders of the parts"
                           : cmd == CMD_REPORT ? "%s needs a results folder DIR"
                           : cmd == CMD_FIT    ? "%s needs a CSV file of stays"
                                               : "%s needs a scenario FILE",
                           o->cmd);
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

/* The commands as the table calls them: the options and the command line's text. */
typedef int (*command_fn)(const struct opts *o, const char *command);

static int do_validate(const struct opts *o, const char *command) {
    (void)command;
    return cmd_validate(o);
}
static int do_report(const struct opts *o, const char *command) {
    (void)command;
    return cli_report(o->file, o->quiet);
}
static int do_fit(const struct opts *o, const char *command) {
    (void)command;
    return cmd_fit(o);
}

static const struct {
    command_fn fn;
    int mpi; /* spreads its work over MPI ranks */
} commands[] = {
#define X(id, name, fn, mpi) [CMDI_##id] = {fn, mpi},
    FS_COMMANDS(X)
#undef X
};

static int cli_main(int argc, char **argv);

int main(int argc, char **argv) {
    par_init(&argc, &argv);
    return par_finish(cli_main(argc, argv));
}

static int cli_main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "%s", usage);
        return EXIT_BAD_INPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        printf("%s\n%s", usage, help);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("flowsim %s (%s)\n", FLOWSIM_VERSION, FLOWSIM_GIT_REV);
        return EXIT_OK;
    }
    int c = 0;
    while (c < CMD_COUNT && strcmp(argv[1], command_names[c])) c++;
    if (c == CMD_COUNT) return usage_error("unknown command '%s'", argv[1]);
    struct opts o;
    int rc = parse_args(argc, argv, &o);
    /* Under mpirun, the commands that run many replications spread them over the ranks. */
    if (rc == EXIT_OK && par_size() > 1) {
        if (!commands[c].mpi)
            rc = usage_error("under mpirun only run, compare and sweep spread their work; run "
                             "%s as one process",
                             o.cmd);
        else if (o.precision > 0 || o.range_first)
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
