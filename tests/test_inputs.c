/* Bad inputs to the commands other than run: every number read from a CSV file (calibrate's
 * targets and bounds, reproduce's figures, fit's stays, merge's parts, report's results) or from
 * the command line goes through the strict value parsers, so a bad cell is refused with
 * FILE:LINE: column: what was expected, exit status 2 and nothing written — never read as 0 or
 * as its leading digits; and an option its command does not use is refused, never silently
 * ignored. One test per row of the table of bad inputs, each reporting its own mismatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

/* The scenario of the case calibrate-cells: one ward, quick to run. */
static const char small_ini[] = "[scenario]\nname = small\nhorizon = 30d\nreplications = 3\n"
                                "seed = 7\n\n[arrivals a]\nto = ward\nrate = 20/d\n\n"
                                "[unit ward]\ncapacity = 50\nstay = lognormal(2d, 1d)\n"
                                "next = exit 1\n";

/* Good inputs, written into every row's folder; a row replaces one of them. */
static const struct {
    const char *name, *text;
} good[] = {
    {"small.ini", small_ini},
    {"targets.csv", "unit,metric,target,weight\nward,occupancy,30,1\n"},
    {"vary.csv", "key,low,high\nward.capacity,10,60\n"},
    {"expect.csv", "quantity,unit,metric,review_value,tolerance,low,high\n"
                   "occupancy,ward,occupancy,40,35 to 45,35,45\n"},
    {"stays.csv", "stay\n3.5\n2d\n12h\n"},
    {"grid.csv", "variant,ward.capacity\na,50\nb,60\n"},
};

#define CAL "calibrate small.ini --targets targets.csv --vary vary.csv -o out --quiet --max-evals 5"
#define REP "reproduce small.ini --expect expect.csv -o out --quiet"
#define TARGETS_HEAD "unit,metric,target,weight\n"
#define EXPECT_HEAD "quantity,unit,metric,review_value,tolerance,low,high\n"

struct bad_input {
    const char *name; /* the test, as a sentence */
    const char *file; /* the input replaced (one of good[]), or NULL */
    const char *text; /* its bad text */
    const char *args; /* flowsim's arguments, run in the row's folder */
    const char *want; /* stderr, exactly */
};

static const struct bad_input rows[] = {
    /* The case calibrate-cells: each bad target cell, and a bad weight. */
    {"a target that is text is refused", "targets.csv", TARGETS_HEAD "ward,occupancy,xx,1\n", CAL,
     "targets.csv:2: target: expected a number, got 'xx'\n"},
    {"an empty target is refused", "targets.csv", TARGETS_HEAD "ward,occupancy,,1\n", CAL,
     "targets.csv:2: target: expected a number, got ''\n"},
    {"a target with a decimal comma is refused, not read as 30", "targets.csv",
     TARGETS_HEAD "ward,occupancy,\"30,5\",1\n", CAL,
     "targets.csv:2: target: expected a number, got '30,5'\n"},
    {"a target in per cent is refused, not read as 30", "targets.csv",
     TARGETS_HEAD "ward,occupancy,30%,1\n", CAL,
     "targets.csv:2: target: expected a number, got '30%'\n"},
    {"a weight with letters after it is refused, not read as 2", "targets.csv",
     TARGETS_HEAD "ward,occupancy,30,2abc\n", CAL,
     "targets.csv:2: weight: expected a number > 0, got '2abc'\n"},
    /* The same kind elsewhere in calibrate. */
    {"a target of infinity is refused", "targets.csv", TARGETS_HEAD "ward,occupancy,inf,1\n", CAL,
     "targets.csv:2: target: expected a number, got 'inf'\n"},
    {"a weight of 0 is refused", "targets.csv", TARGETS_HEAD "ward,occupancy,30,0\n", CAL,
     "targets.csv:2: weight: expected a number > 0, got '0'\n"},
    {"a misspelt target metric is refused", "targets.csv", TARGETS_HEAD "ward,occupancy_pc,30,1\n",
     CAL, "targets.csv:2: metric: no metric 'occupancy_pc' for unit 'ward'\n"},
    {"a misspelt target unit is refused", "targets.csv", TARGETS_HEAD "wrd,occupancy,30,1\n", CAL,
     "targets.csv:2: unit: unknown unit 'wrd' (expected a [unit] name, or empty for a system "
     "metric)\n"},
    {"an empty lower bound to vary is refused, not read as 0", "vary.csv",
     "key,low,high\nward.capacity,,60\n", CAL, "vary.csv:2: low: expected a number, got ''\n"},
    {"a hexadecimal upper bound to vary is refused", "vary.csv",
     "key,low,high\nward.capacity,10,0x3C\n", CAL,
     "vary.csv:2: high: expected a number, got '0x3C'\n"},
    {"bounds to vary the wrong way round are refused", "vary.csv",
     "key,low,high\nward.capacity,60,10\n", CAL,
     "vary.csv:2: high: expected a number above low (60), got '10'\n"},
    /* reproduce's figures: names are checked before the run, bounds are numbers. */
    {"a misspelt metric in the figures is bad input, found before the run", "expect.csv",
     EXPECT_HEAD "occupancy,ward,nosuchmetric,40,35 to 45,35,45\n", REP,
     "expect.csv:2: metric: no metric 'nosuchmetric' for unit 'ward'\n"},
    {"a misspelt unit in the figures is bad input", "expect.csv",
     EXPECT_HEAD "occupancy,wrd,occupancy,40,35 to 45,35,45\n", REP,
     "expect.csv:2: unit: unknown unit 'wrd' (expected a [unit] name, or empty for a system "
     "metric)\n"},
    {"a unit metric asked of the system is bad input", "expect.csv",
     EXPECT_HEAD "occupancy,,occupancy,40,35 to 45,35,45\n", REP,
     "expect.csv:2: metric: no metric 'occupancy' for the system (unit empty)\n"},
    {"a largest-of figure naming no metric of its prefix is bad input", "expect.csv",
     EXPECT_HEAD "largest,ward,delayed_*,delayed_dayz,the largest,,\n", REP,
     "expect.csv:2: review_value: no metric 'delayed_dayz' matching 'delayed_*' for unit "
     "'ward'\n"},
    {"a figure's bound with a decimal comma is refused", "expect.csv",
     EXPECT_HEAD "occupancy,ward,occupancy,40,35 to 45,\"35,5\",45\n", REP,
     "expect.csv:2: occupancy: expected numbers (or nothing) for low and high, got '35,5' for "
     "low\n"},
    {"a figure's bound in per cent is refused", "expect.csv",
     EXPECT_HEAD "occupancy,ward,occupancy,40,35 to 45,35,45%\n", REP,
     "expect.csv:2: occupancy: expected numbers (or nothing) for low and high, got '45%' for "
     "high\n"},
    {"a figure's bounds the wrong way round are refused", "expect.csv",
     EXPECT_HEAD "occupancy,ward,occupancy,40,35 to 45,45,35\n", REP,
     "expect.csv:2: occupancy: expected low <= high, got '45' and '35'\n"},
    {"bounds on a largest-of figure, which reads none, are refused", "expect.csv",
     EXPECT_HEAD "largest,ward,delayed_*,delayed_days,the largest,1,\n", REP,
     "expect.csv:2: delayed_*: expected nothing for low and high (a metric PREFIX* is checked "
     "by which metric is largest), got '1' for low\n"},
    /* fit's stays. */
    {"a stay with a decimal comma is refused, not read as 3", "stays.csv", "stay\n3.5\n3,5\n4\n",
     "fit stays.csv",
     "stays.csv:3: expected one column like the first row, got 2 (a decimal comma? write "
     "3.5)\n"},
    {"a stay in per cent is refused", "stays.csv", "stay\n3.5\n30%\n4\n", "fit stays.csv",
     "stays.csv:3: expected a duration like 45m, 4h, 2.5d, 6w or 8 (days), got '30%'\n"},
    {"a stay of 0 is refused with its line", "stays.csv", "stay\n3.5\n0\n4\n", "fit stays.csv",
     "stays.csv:3: expected a finite stay > 0, got '0'\n"},
    /* The command line's numbers. */
    {"a precision of nan% is refused", NULL, NULL, "run small.ini -o out --quiet --precision nan%",
     "flowsim: --precision: expected a percentage like 2%, got 'nan%'\n"},
    {"a precision of inf% is refused", NULL, NULL, "run small.ini -o out --quiet --precision inf%",
     "flowsim: --precision: expected a percentage like 2%, got 'inf%'\n"},
    {"a precision with text after the % is refused", NULL, NULL,
     "run small.ini -o out --quiet --precision 2%x",
     "flowsim: --precision: expected a percentage like 2%, got '2%x'\n"},
    {"a hexadecimal precision is refused", NULL, NULL,
     "run small.ini -o out --quiet --precision 0x2%",
     "flowsim: --precision: expected a percentage like 2%, got '0x2%'\n"},
    {"a replications range with text after it is refused", NULL, NULL,
     "run small.ini -o out --quiet --replications-range 1:2x",
     "flowsim: --replications-range: expected A:B with 1 <= A <= B, got '1:2x'\n"},
    {"--max-replications without --precision, which alone reads it, is refused", NULL, NULL,
     "run small.ini -o out --quiet --max-replications 5",
     "flowsim: --max-replications: only with --precision (it caps the replications "
     "--precision adds)\n"},
    /* The sweep grid's values are --set values: the scenario loader's strict parsers. */
    {"a grid cell with a decimal comma is refused", "grid.csv",
     "variant,ward.capacity\na,\"50,5\"\n", "sweep small.ini --grid grid.csv -o out --quiet",
     "grid.csv:2: variant 'a': --set ward.capacity=50,5: capacity: expected a whole number >= 0 "
     "or 'inf', got '50,5'\n"},
    /* Options a command does not use: refused, never ignored (the case ignored-options). */
    {"compare refuses --patient-log", NULL, NULL,
     "compare small.ini small.ini -o out --quiet --patient-log",
     "flowsim: --patient-log: not available for compare\n"},
    {"run refuses --grid", NULL, NULL, "run small.ini --grid grid.csv -o out --quiet",
     "flowsim: --grid: not available for run\n"},
    {"run refuses --max-evals", NULL, NULL, "run small.ini -o out --max-evals 5",
     "flowsim: --max-evals: not available for run\n"},
    {"validate refuses --report", NULL, NULL, "validate small.ini --report",
     "flowsim: --report: not available for validate\n"},
    {"fit refuses --threads", NULL, NULL, "fit stays.csv --threads 2",
     "flowsim: --threads: not available for fit\n"},
    {"fit refuses --report", NULL, NULL, "fit stays.csv --report",
     "flowsim: --report: not available for fit\n"},
    {"compare refuses --targets", NULL, NULL,
     "compare small.ini small.ini -o out --targets targets.csv",
     "flowsim: --targets: not available for compare\n"},
    {"sweep refuses --expect", NULL, NULL,
     "sweep small.ini --grid grid.csv -o out --expect expect.csv",
     "flowsim: --expect: not available for sweep\n"},
    {"sweep refuses --precision", NULL, NULL,
     "sweep small.ini --grid grid.csv -o out --precision 2%",
     "flowsim: --precision: not available for sweep\n"},
    {"calibrate refuses --precision", NULL, NULL, CAL " --precision 2%",
     "flowsim: --precision: not available for calibrate\n"},
    {"calibrate refuses --report", NULL, NULL, CAL " --report",
     "flowsim: --report: not available for calibrate\n"},
    {"reproduce refuses --replications-range", NULL, NULL, REP " --replications-range 1:2",
     "flowsim: --replications-range: not available for reproduce\n"},
    {"merge refuses --threads", NULL, NULL, "merge p1 p2 -o out --threads 2",
     "flowsim: --threads: not available for merge\n"},
    {"an option refused is refused even without its value", NULL, NULL, "run small.ini --grid",
     "flowsim: --grid: not available for run\n"},
};

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The row's folder with the good inputs and the row's bad one; returns the folder. */
static const char *setup_folder(const char *name, const char *file, const char *text) {
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir(name));
    char path[4300];
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, good[i].name);
        tu_write(path, file && !strcmp(file, good[i].name) ? text : good[i].text);
    }
    return dir;
}

static void bad_input_row(void **state) {
    const struct bad_input *row = *state;
    char name[64];
    snprintf(name, sizeof name, "inputs_%d", (int)(row - rows));
    const char *dir = setup_folder(name, row->file, row->text);
    char cd[4200], out[4200];
    snprintf(cd, sizeof cd, "cd '%s' &&", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    char *o = NULL, *e = NULL;
    int rc = tu_run_under(cd, row->args, &o, &e);
    if (rc != 2 || !e || strcmp(e, row->want))
        fail_msg("flowsim %s\n  exit %d, wanted 2\n  stderr: %s  wanted: %s", row->args, rc,
                 e ? e : "(none)\n", row->want);
    if (exists(out)) fail_msg("flowsim %s: exit 2 but wrote %s", row->args, out);
    free(o), free(e);
}

/* merge and report read our own files; a damaged one is refused with its line, not misread.
 * Parts of the small scenario's run, each damaged in one place. */
static void damaged_results_are_refused(void **s) {
    (void)s;
    const char *dir = setup_folder("inputs_damaged", NULL, NULL);
    char cd[4200];
    snprintf(cd, sizeof cd, "cd '%s' &&", dir);
    assert_int_equal(
        tu_run_under(cd, "run small.ini -o p1 --replications-range 1:1 --quiet", NULL, NULL), 0);
    assert_int_equal(
        tu_run_under(cd, "run small.ini -o p2 --replications-range 2:3 --quiet", NULL, NULL), 0);
    assert_int_equal(tu_run_under(cd, "run small.ini -o r --quiet", NULL, NULL), 0);
    assert_int_equal(tu_run_under(cd, "compare small.ini small.ini -o cmp --quiet", NULL, NULL), 0);
    static const struct {
        const char *damage; /* a shell command run in the folder */
        const char *args, *want;
    } cases[] = {
        {"sed -i '2s/^2,[0-9.]*,/2,0x10,/' p2/replications.csv", "merge p1 p2 -o m --quiet",
         "p2/replications.csv:2: ward:occupancy: expected a number, got '0x10'"},
        {"sed -i '2s/^2,\\([0-9]*\\)\\.\\([0-9]\\)/2,\\1,\\2/' p2/replications.csv",
         "merge p1 p2 -o m --quiet", "p2/replications.csv:2: expected 32 columns like the header"},
        {"sed -i 's/^events = .*/events = 23x/' p2/run-info", "merge p1 p2 -o m --quiet",
         "p2/run-info: events: expected a whole number >= 0, got '23x'"},
        {"sed -i 's/^replications_range = .*/replications_range = 2:9/' p2/run-info",
         "merge p1 p2 -o m --quiet",
         "p2/run-info: replications_range: expected A:B with 1 <= A <= B <= 3 "
         "(replications_total), got '2:9'"},
        {"sed -i '2s/^small,1,/small,x,/' r/timeseries.csv", "report r",
         "r/timeseries.csv:2: replication: expected a whole number from 1 to 1000000, got 'x'"},
        {"sed -i '2s/^small,1,/small,999999,/' r/timeseries.csv", "report r",
         "r/timeseries.csv: 999999 replications of 30 time buckets each cannot be in"},
        {"sed -i '3s/,[^,]*$/,1e5x/' r/timeseries.csv", "report r",
         "r/timeseries.csv:3: value: expected a number, got '1e5x'"},
        {"sed -i '2s/^\\([^,]*,[^,]*,[^,]*,\\)[^,]*/\\1x/' cmp/comparison.csv", "report cmp",
         "cmp/comparison.csv:2: mean: expected a number, got 'x'"},
    };
    char keep[4200];
    snprintf(keep, sizeof keep,
             "cd '%s' && cp -r p2 p2.good && cp -r r r.good && cp -r cmp cmp.good", dir);
    assert_int_equal(system(keep), 0);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char damage[8400];
        snprintf(damage, sizeof damage,
                 "cd '%s' && rm -rf p2 r cmp m && cp -r p2.good p2 && cp -r r.good r && "
                 "cp -r cmp.good cmp && %s",
                 dir, cases[i].damage);
        assert_int_equal(system(damage), 0);
        char *e = NULL;
        int rc = tu_run_under(cd, cases[i].args, NULL, &e);
        if (rc != 2 || !e || !strstr(e, cases[i].want))
            fail_msg("after %s: flowsim %s\n  exit %d, wanted 2\n  stderr: %s  wanted: %s",
                     cases[i].damage, cases[i].args, rc, e ? e : "(none)\n", cases[i].want);
        free(e);
        char m[4300];
        snprintf(m, sizeof m, "%s/m", dir);
        assert_false(exists(m));
    }
}

/* The option names, as --help's usage shows them, and a value for each that takes one. */
static const struct {
    const char *name, *value;
} all_options[] = {
    {"-o", "out"},
    {"--set", "ward.capacity=40"},
    {"--replications", "2"},
    {"--seed", "1"},
    {"--threads", "1"},
    {"--targets", "targets.csv"},
    {"--vary", "vary.csv"},
    {"--max-evals", "5"},
    {"--expect", "expect.csv"},
    {"--grid", "grid.csv"},
    {"--precision", "5%"},
    {"--max-replications", "10"},
    {"--replications-range", "1:2"},
    {"--report", NULL},
    {"--patient-log", NULL},
    {"--by-group", NULL},
    {"--quiet", NULL},
};

/* Does the usage block of cmd (its lines in --help) show option? */
static int usage_shows(const char *help, const char *cmd, const char *option) {
    char head[64];
    snprintf(head, sizeof head, "flowsim %s ", cmd);
    const char *b = strstr(help, head);
    if (!b) fail_msg("--help shows no usage for %s", cmd);
    /* The block ends where the next command's usage (or the blank line) begins. */
    const char *end = strstr(b + strlen(head), "flowsim ");
    const char *blank = strstr(b, "\n\n");
    if (!end || (blank && blank < end)) end = blank;
    size_t n = strlen(option);
    for (const char *p = strstr(b, option); p && p < end; p = strstr(p + 1, option))
        if ((p[-1] == '[' || p[-1] == ' ') && (p[n] == ' ' || p[n] == ']' || p[n] == '\n'))
            return 1;
    return 0;
}

/* parse_args's table and the usage text say the same: every option a command's usage shows is
 * accepted by it, and every other is refused with "not available for". */
static void usage_lists_exactly_the_options_each_command_takes(void **s) {
    (void)s;
    const char *dir = setup_folder("inputs_usage", NULL, NULL);
    char *help = NULL;
    assert_int_equal(tu_run("--help", &help, NULL), 0);
    static const char *const cmds[] = {"run", "validate",  "compare",   "sweep", "report",
                                       "fit", "calibrate", "reproduce", "merge"};
    char cd[4200];
    snprintf(cd, sizeof cd, "cd '%s' &&", dir);
    int wrong = 0, accepted = 0, refused_n = 0;
    for (size_t c = 0; c < sizeof cmds / sizeof *cmds; c++)
        for (size_t k = 0; k < sizeof all_options / sizeof *all_options; k++) {
            char args[512], refusal[128];
            /* A file that is not there: an accepted option then fails on it, quickly. */
            snprintf(args, sizeof args, "%s nosuch %s %s", cmds[c], all_options[k].name,
                     all_options[k].value ? all_options[k].value : "");
            snprintf(refusal, sizeof refusal, "flowsim: %s: not available for %s\n",
                     all_options[k].name, cmds[c]);
            char *e = NULL;
            int rc = tu_run_under(cd, args, NULL, &e);
            int refused = rc == 2 && e && !strcmp(e, refusal);
            int shown = usage_shows(help, cmds[c], all_options[k].name);
            accepted += !refused, refused_n += refused;
            if (refused == shown) {
                print_error("flowsim %s: %s, but --help %s it\n", args,
                            refused ? "refused" : "accepted", shown ? "shows" : "does not show");
                wrong++;
            }
            free(e);
        }
    free(help);
    assert_int_equal(wrong, 0);
    /* The usage was read at all: both kinds are plentiful. */
    assert_true(accepted > 40 && refused_n > 40);
}

/* A unit's name as long as a section header's line allows can be --set and swept: the --set
 * reader takes any section name a file can hold. */
static void longest_unit_name_can_be_set_and_swept(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("inputs_long_name");
    static char cmd[16384];
    char name[200], ini[4200], grid[4200], out[4200];
    memset(name, 'w', 189); /* "[unit " + 189 + "]": 196 characters, the longest line */
    name[189] = 0;
    snprintf(ini, sizeof ini, "%s/long.ini", dir);
    snprintf(grid, sizeof grid, "%s/grid.csv", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    char *text = malloc(2048);
    snprintf(text, 2048,
             "[scenario]\nname = long\nhorizon = 20d\nwarmup = 2d\nreplications = 2\n"
             "interval = 2d\n\n[arrivals door]\nto = %s\nrate = 2/d\n\n[unit %s]\n"
             "capacity = 20\nstay = exp(2d)\n",
             name, name);
    tu_write(ini, text);
    snprintf(cmd, sizeof cmd, "validate '%s' --set %s.capacity=5 --quiet", ini, name);
    char *e = NULL;
    int rc = tu_run(cmd, NULL, &e);
    if (rc != 0) fail_msg("%s", e ? e : "");
    free(e);
    snprintf(text, 2048, "variant,%s.capacity\nfive,5\nsix,6\n", name);
    tu_write(grid, text);
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --quiet", ini, grid, out);
    e = NULL;
    rc = tu_run(cmd, NULL, &e);
    if (rc != 0) fail_msg("%s", e ? e : "");
    free(e);
    free(text);
}

int main(void) {
    enum { NROWS = sizeof rows / sizeof *rows };
    struct CMUnitTest tests[NROWS + 3];
    for (size_t i = 0; i < NROWS; i++)
        tests[i] = (struct CMUnitTest){
            .name = rows[i].name, .test_func = bad_input_row, .initial_state = (void *)&rows[i]};
    tests[NROWS] = (struct CMUnitTest)cmocka_unit_test(damaged_results_are_refused);
    tests[NROWS + 1] =
        (struct CMUnitTest)cmocka_unit_test(usage_lists_exactly_the_options_each_command_takes);
    tests[NROWS + 2] = (struct CMUnitTest)cmocka_unit_test(longest_unit_name_can_be_set_and_swept);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
