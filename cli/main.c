/* flowsim — the command line: parse arguments, load the scenario, run the replications,
 * write the results. The only place that knows every layer. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "models/flow.h"
#include "models/metrics.h"
#include "models/scenario.h"
#include "models/value.h"
#include "output/report.h"
#include "output/results.h"
#include "par.h"
#include "sim/core.h"
#include "sim/runner.h"

static const char usage[] =
    "usage: flowsim run FILE [-o DIR] [--replications N] [--seed S] [--threads N]\n"
    "                        [--set NAME.KEY=VALUE]... [--by-group] [--patient-log] [--quiet]\n"
    "       flowsim validate FILE [--set NAME.KEY=VALUE]...\n"
    "       flowsim compare BASE.ini VARIANT.ini [MORE.ini]... [-o DIR] [options as for run]\n"
    "       flowsim sweep BASE.ini --grid GRID.csv [-o DIR] [options as for run]\n"
    "       flowsim report DIR\n"
    "       flowsim fit STAYS.csv\n"
    "       flowsim calibrate FILE --targets TARGETS.csv --vary VARY.csv [-o DIR] [--max-evals N]\n"
    "       flowsim reproduce FILE --expect EXPECT.csv [-o DIR] [options as for run]\n"
    "       flowsim merge PART_DIR... -o DIR\n"
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
    "options:\n"
    "  -o DIR                  results folder (default results/NAME, NAME from [scenario])\n"
    "  --replications N        override [scenario] replications\n"
    "  --seed S                override [scenario] seed\n"
    "  --threads N             worker threads (default: all cores); results do not depend on it\n"
    "  --set NAME.KEY=VALUE    override any key; NAME is a section's name, e.g.\n"
    "                          --set acute.capacity=950 --set scenario.horizon=730d\n"
    "  --by-group              also report the core metrics of each [group], as METRIC.GROUP\n"
    "  --patient-log           also write patients.csv: one row per patient per unit visited\n"
    "  --report                also write report.html (run, compare and sweep)\n"
    "  --precision P%          add replications (in batches of [scenario] replications) until\n"
    "                          every headline metric's 95% half-width is within P% of its mean\n"
    "  --max-replications N    the most --precision may run (default 1000)\n"
    "  --replications-range A:B  run only replications A to B (of [scenario] replications),\n"
    "                          as one part of a run: flowsim merge puts the parts together\n"
    "                          (job arrays; docs/scaling.md)\n"
    "  --quiet                 print nothing but errors\n\n"
    "outputs: summary.csv, timeseries.csv, scenario.resolved.ini, run-info\n"
    "exit status: 0 ok, 2 bad input or usage, 1 internal error, 3 reproduce: a figure outside\n"
    "its tolerance, 130 interrupted (Ctrl-C)\n"
    "scenario keys: docs/scenario-reference.md\n";

static int usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "flowsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return EXIT_BAD_INPUT;
}

static int parse_args(int argc, char **argv, struct opts *o) {
    memset(o, 0, sizeof *o);
    o->sets = fs_calloc((size_t)argc + 2, sizeof *o->sets);
    o->files = fs_calloc((size_t)argc + 1, sizeof *o->files);
    o->owned = fs_calloc((size_t)argc + 1, sizeof *o->owned);
    o->max_replications = 1000;
    o->max_evals = 200;
    o->cmd = argv[1];
    char err[256];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!has_val) return usage_error("%s needs a folder", a);
            o->outdir = argv[++i];
        } else if (!strcmp(a, "--set")) {
            if (!has_val) return usage_error("%s needs NAME.KEY=VALUE", a);
            o->sets[o->nsets++] = argv[++i];
        } else if (!strcmp(a, "--replications") || !strcmp(a, "--seed")) {
            if (!has_val) return usage_error("%s needs a number", a);
            const char *v = argv[++i];
            long long n;
            uint64_t s;
            int rep = !strcmp(a, "--replications");
            if (rep ? val_int(v, 1, 1000000, &n, err, sizeof err)
                    : val_uint64(v, &s, err, sizeof err)) {
                fprintf(stderr, "flowsim: %s: %s\n", a, err);
                return EXIT_BAD_INPUT;
            }
            size_t len = strlen(v) + 32;
            char *set = fs_malloc(len);
            snprintf(set, len, "scenario.%s=%s", rep ? "replications" : "seed", v);
            o->owned[o->nowned++] = set; /* still in sets: freed at exit */
            o->sets[o->nsets++] = set;
        } else if (!strcmp(a, "--threads")) {
            long long n;
            if (!has_val) return usage_error("%s needs a number", a);
            if (val_int(argv[++i], 1, 4096, &n, err, sizeof err)) {
                fprintf(stderr, "flowsim: --threads: %s\n", err);
                return EXIT_BAD_INPUT;
            }
            o->threads = (int)n;
        } else if (!strcmp(a, "--targets") || !strcmp(a, "--vary") || !strcmp(a, "--expect")) {
            if (!has_val) return usage_error("%s needs a CSV file", a);
            if (!strcmp(a, "--targets"))
                o->targets = argv[++i];
            else if (!strcmp(a, "--vary"))
                o->vary = argv[++i];
            else
                o->expect = argv[++i];
        } else if (!strcmp(a, "--max-evals")) {
            long long n;
            if (!has_val) return usage_error("%s needs a number", a);
            if (val_int(argv[++i], 1, 100000, &n, err, sizeof err)) {
                fprintf(stderr, "flowsim: --max-evals: %s\n", err);
                return EXIT_BAD_INPUT;
            }
            o->max_evals = (int)n;
        } else if (!strcmp(a, "--grid")) {
            if (!has_val) return usage_error("%s needs a CSV file", a);
            o->grid = argv[++i];
        } else if (!strcmp(a, "--precision")) {
            if (!has_val) return usage_error("%s needs a percentage, e.g. 2%%", a);
            const char *v = argv[++i];
            char *end;
            double p = strtod(v, &end);
            if (end == v || strcmp(end, "%") || !(p > 0) || p >= 100) {
                fprintf(stderr, "flowsim: --precision: expected a percentage like 2%%, got '%s'\n",
                        v);
                return EXIT_BAD_INPUT;
            }
            o->precision = p / 100;
        } else if (!strcmp(a, "--max-replications")) {
            long long n;
            if (!has_val) return usage_error("%s needs a number", a);
            if (val_int(argv[++i], 2, 1000000, &n, err, sizeof err)) {
                fprintf(stderr, "flowsim: --max-replications: %s\n", err);
                return EXIT_BAD_INPUT;
            }
            o->max_replications = (int)n;
        } else if (!strcmp(a, "--replications-range")) {
            if (!has_val) return usage_error("%s needs A:B, e.g. 1:10", a);
            const char *v = argv[++i];
            int a1, b1, used = 0;
            if (sscanf(v, "%d:%d%n", &a1, &b1, &used) != 2 || v[used] || a1 < 1 || b1 < a1) {
                fprintf(stderr,
                        "flowsim: --replications-range: expected A:B with 1 <= A <= B, "
                        "got '%s'\n",
                        v);
                return EXIT_BAD_INPUT;
            }
            o->range_first = a1;
            o->range_last = b1;
        } else if (!strcmp(a, "--report")) {
            o->report = 1;
        } else if (!strcmp(a, "--patient-log")) {
            o->patient_log = 1;
        } else if (!strcmp(a, "--by-group")) {
            o->by_group = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else {
            o->files[o->nfiles++] = a;
        }
    }
    int compare = !strcmp(o->cmd, "compare"), merge = !strcmp(o->cmd, "merge");
    if (o->nfiles == 0)
        return usage_error(merge ? "%s needs the folders of the parts" : "%s needs a scenario FILE",
                           o->cmd);
    if (compare && o->nfiles < 2)
        return usage_error("%s needs BASE.ini and at least one VARIANT.ini", o->cmd);
    if (merge && !o->outdir) return usage_error("%s needs -o DIR for the merged results", o->cmd);
    if (!compare && !merge && o->nfiles > 1)
        return usage_error("unexpected argument '%s'", o->files[1]);
    if (o->range_first && strcmp(o->cmd, "run"))
        return usage_error("--replications-range is for run, not %s", o->cmd);
    if (o->range_first && o->precision > 0)
        return usage_error("%s", "--replications-range and --precision cannot go together "
                                 "(a part cannot decide when the whole run is precise enough)");
    o->file = o->files[0];
    return EXIT_OK;
}

/* A short table of the numbers people look at first, read back from summary.csv's values. */
static void print_headlines(const char *dir) {
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[1024];
    printf("\n%-16s %-14s %12s %12s %12s\n", "unit", "metric", "mean", "ci95_low", "ci95_high");
    while (fgets(line, sizeof line, f)) {
        char *fld[8] = {0};
        int n = 0;
        for (char *p = line; n < 8; n++) {
            fld[n] = p;
            char *c = strpbrk(p, ",\n");
            if (!c) break;
            *c = 0;
            p = c + 1;
        }
        if (n < 7 || strchr(fld[1], '"')) continue;
        const char *m = fld[2];
        if (strcmp(m, "occupancy_pct") && strcmp(m, "delayed_days") && strcmp(m, "wait_mean") &&
            strcmp(m, "ae_4h_pct") && strcmp(m, "dtoc_per_100k") && strcmp(m, "lost_fraction"))
            continue;
        if (!strcmp(m, "lost_fraction") && (!*fld[3] || atof(fld[3]) == 0)) continue;
        printf("%-16s %-14s %12s %12s %12s\n", *fld[1] ? fld[1] : "(system)", m, fld[3], fld[5],
               fld[6]);
    }
    fclose(f);
}

int cmd_run_into(const struct opts *o, int argc, char **argv, char *dir, size_t dirlen) {
    char err[2048];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (o->outdir) {
        snprintf(dir, dirlen, "%s", o->outdir);
    } else {
        snprintf(dir, dirlen, "results/%s", sc->name);
        for (char *p = dir + 8; *p; p++)
            if (*p == '/' || *p == '\\' || *p == ' ') *p = '_';
    }
    struct metric_layout ml;
    if (o->by_group && !sc->ngroups) {
        fprintf(stderr, "flowsim: --by-group: the scenario has no [group NAME] sections\n");
        scenario_free(sc);
        return EXIT_BAD_INPUT;
    }
    metric_layout_init(&ml, sc, o->by_group);
    int threads = o->threads > 0 ? o->threads : runner_cores();
    char command[2048];
    cli_command_line(argc, argv, command, sizeof command);
    int status = EXIT_OK;
    if (o->range_last > sc->replications) {
        fprintf(stderr,
                "flowsim: --replications-range %d:%d: the scenario has %d replications "
                "(set them with --replications N)\n",
                o->range_first, o->range_last, sc->replications);
        status = EXIT_BAD_INPUT;
        goto done;
    }
    struct run_stats st = {0};
    struct run_options ro = {.patient_log = o->patient_log,
                             .progress = o->progress,
                             .precision = o->precision,
                             .max_replications = o->max_replications,
                             .first_rep = o->range_first ? o->range_first - 1 : 0,
                             .nrep = o->range_first ? o->range_last - o->range_first + 1 : 0};
    if (cli_run_to_dir(sc, &ml, dir, threads, command, &ro, &st, err, sizeof err) != 0) {
        status = cli_fail(err);
        goto done;
    }
    if (!o->quiet) /* also in run-info */
        for (char *line = strtok(st.warnings, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "flowsim: warning: %s\n", line);
    uint64_t events = st.events, patients = st.patients;
    double wall = st.wall_seconds;
    if (o->report && cli_report(dir, o->quiet) != EXIT_OK) status = EXIT_INTERNAL;
    if (!o->quiet) {
        printf("flowsim: %s: %d replications of %.6g days, %llu patients, %llu events in %.2f s "
               "(%d threads)\n",
               sc->name, st.replications, sc->horizon, (unsigned long long)patients,
               (unsigned long long)events, wall, threads);
        if (st.stopped[0]) printf("flowsim: %s\n", st.stopped);
        print_headlines(dir);
        printf("\nresults: %s/summary.csv, %s/timeseries.csv\n", dir, dir);
    }
done:
    metric_layout_fini(&ml);
    scenario_free(sc);
    return status;
}

void cli_command_line(int argc, char **argv, char *buf, size_t len) {
    snprintf(buf, len, "flowsim");
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, " %s", argv[i]);
    }
}

static int cmd_run(const struct opts *o, int argc, char **argv) {
    char dir[4000];
    return cmd_run_into(o, argc, argv, dir, sizeof dir);
}

static int cmd_validate(const struct opts *o) {
    char err[2048];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (!o->quiet)
        printf("%s: ok: scenario '%s', %zu units, %zu arrival streams, horizon %.6g days "
               "(warm-up %.6g), %d replications\n",
               o->file, sc->name, sc->nunits, sc->narrivals, sc->horizon, sc->warmup,
               sc->replications);
    scenario_free(sc);
    return EXIT_OK;
}

volatile sig_atomic_t cli_interrupted;

static int cli_main(int argc, char **argv);

static void on_sigint(int sig) {
    (void)sig;
    cli_interrupted = 1;
}

int cli_report(const char *dir, int quiet) {
    char err[2048];
    if (par_rank() != 0) return EXIT_OK; /* under mpirun, rank 0 writes */
    if (report_write(dir, err, sizeof err) != 0) {
        fprintf(stderr, "flowsim: report: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (!quiet) printf("report: %s/report.html\n", dir);
    return EXIT_OK;
}

int cli_fail(const char *err) {
    if (cli_interrupted) {
        fprintf(stderr, "flowsim: interrupted: no results written\n");
        return EXIT_INTERRUPTED;
    }
    fprintf(stderr, "flowsim: %s\n", err);
    return EXIT_INTERNAL;
}

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
    if (strcmp(argv[1], "run") && strcmp(argv[1], "validate") && strcmp(argv[1], "compare") &&
        strcmp(argv[1], "sweep") && strcmp(argv[1], "report") && strcmp(argv[1], "fit") &&
        strcmp(argv[1], "calibrate") && strcmp(argv[1], "reproduce") && strcmp(argv[1], "merge"))
        return usage_error("unknown command '%s'", argv[1]);
    struct opts o;
    int rc = parse_args(argc, argv, &o);
    /* Under mpirun, the commands that run many replications spread them over the ranks. */
    if (rc == EXIT_OK && par_size() > 1) {
        if (strcmp(o.cmd, "run") && strcmp(o.cmd, "compare") && strcmp(o.cmd, "sweep"))
            rc = usage_error("under mpirun only run, compare and sweep spread their work; run "
                             "%s as one process",
                             o.cmd);
        else if (o.precision > 0 || o.range_first)
            rc = usage_error("%s", "under mpirun, --precision and --replications-range are not "
                                   "available (the ranks share out every replication)");
    }
    o.progress = !o.quiet && isatty(STDERR_FILENO);
    /* Ctrl-C stops the run: replications poll the flag, and nothing half-written is kept. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    if (rc == EXIT_OK)
        rc = !strcmp(o.cmd, "run")         ? cmd_run(&o, argc, argv)
             : !strcmp(o.cmd, "compare")   ? cmd_compare(&o)
             : !strcmp(o.cmd, "sweep")     ? cmd_sweep(&o, "flowsim sweep")
             : !strcmp(o.cmd, "report")    ? cli_report(o.file, 0)
             : !strcmp(o.cmd, "fit")       ? cmd_fit(&o)
             : !strcmp(o.cmd, "calibrate") ? cmd_calibrate(&o)
             : !strcmp(o.cmd, "reproduce") ? cmd_reproduce(&o, argc, argv)
             : !strcmp(o.cmd, "merge")     ? cmd_merge(&o, argc, argv)
                                           : cmd_validate(&o);
    fs_free(o.sets);
    fs_free(o.files);
    for (size_t i = 0; i < o.nowned; i++) fs_free(o.owned[i]);
    fs_free(o.owned);
    return rc;
}
