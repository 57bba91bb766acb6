/* Bad scenarios given to run (and validate): exit 2, one line "FILE:LINE: key: ...", and no
 * results folder. One test per row of the table, each reporting every mismatch of its row, so
 * the first failure hides nothing (bad inputs to the other commands: test_inputs.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static char cmd[16384];
static char dir[4096]; /* the folder of the bad scenarios, made by setup */

/* Each bad scenario: exit 2, one line "FILE:LINE: key: ...", and no results folder. */
struct bad {
    const char *test;               /* the test, as a sentence */
    const char *name, *text, *want; /* the file, its text, and stderr after the file's path */
};

#define GOOD_HEAD "[scenario]\nhorizon = 50d\n[arrivals a]\nto = ward\nrate = 10/d\n[unit ward]\n"

static const struct bad cases[] = {
    {"an unknown key is refused", "unknown_key.ini", GOOD_HEAD "stay = exp(1d)\ncolour = red\n",
     ":8: colour: unknown key"},
    {"routing to an unknown unit is refused", "unknown_unit.ini",
     GOOD_HEAD "stay = exp(1d)\nnext = icu 1\n", ":8: next: unknown unit 'icu'"},
    {"routing probabilities not summing to 1 are refused", "sum.ini",
     GOOD_HEAD "stay = exp(1d)\nnext = exit 0.5, ward 0.4\n",
     ":8: next: expected routing probabilities summing to 1 (they sum to 0.9)"},
    {"a negative capacity is refused", "negative.ini", GOOD_HEAD "capacity = -1\nstay = exp(1d)\n",
     ":7: capacity: expected a whole number >= 0 or 'inf', got '-1'"},
    {"a capacity in words is refused", "text.ini", GOOD_HEAD "capacity = ten\nstay = exp(1d)\n",
     ":7: capacity: expected a whole number >= 0 or 'inf', got 'ten'"},
    {"a distribution missing an argument is refused", "dist.ini",
     GOOD_HEAD "stay = lognormal(3d, )\n", ":7: stay: lognormal: argument 2: expected a duration"},
    {"an empirical distribution of a missing file is refused", "csv.ini",
     GOOD_HEAD "stay = empirical(nope.csv)\n", ":7: stay: "},
    {"a scenario that extends itself is refused", "loop.ini", "[scenario]\nextends = loop.ini\n",
     ":2: extends: loop: "},
    {"a capacity that a schedule covering the start overrides is refused", "cap_sched.ini",
     GOOD_HEAD "capacity = 10\ncapacity_schedule = covers.csv\nstay = exp(1d)\n",
     ":7: capacity: expected no capacity beside a capacity_schedule whose first row (2024-12-01) "
     "is on or before the start (2025-01-06)"},
    {"a schedule that starts after the start with no capacity before it is refused",
     "sched_late.ini", GOOD_HEAD "capacity_schedule = later.csv\nstay = exp(1d)\n",
     ":7: capacity_schedule: expected a schedule that covers the start: its first row "
     "(2025-02-01) is after the start (2025-01-06)"},
    {"a US date gets its month/day reading, never an impossible one", "us_date.ini",
     GOOD_HEAD "capacity_schedule = us.csv\nstay = exp(1d)\n", ":7: capacity_schedule: "},
    {"a ring of three units of zero stays is refused, naming it", "ring.ini",
     GOOD_HEAD "stay = fixed(0d)\nnext = v 1\n[unit v]\nstay = fixed(0d)\nnext = x 1\n"
               "[unit x]\nstay = fixed(0d)\nnext = ward 1\n",
     ":6: [unit ward]: expected a loop of units to take time: ward -> v -> x -> ward goes round"},
};

static int setup(void **s) {
    (void)s;
    snprintf(dir, sizeof dir, "%s", tu_tmpdir("e2e_bad"));
    char p[4200];
    snprintf(p, sizeof p, "%s/loop1.ini", dir);
    tu_write(p, "[scenario]\nextends = loop2.ini\n");
    snprintf(p, sizeof p, "%s/loop2.ini", dir);
    tu_write(p, "[scenario]\nextends = loop1.ini\n");
    snprintf(p, sizeof p, "%s/covers.csv", dir);
    tu_write(p, "date,capacity\n2024-12-01,15\n");
    snprintf(p, sizeof p, "%s/later.csv", dir);
    tu_write(p, "date,capacity\n2025-02-01,25\n");
    snprintf(p, sizeof p, "%s/us.csv", dir);
    tu_write(p, "date,capacity\n12/15/2025,25\n");
    return 0;
}

/* Append one mismatch to the row's report. */
static void note(char *report, size_t size, const char *what) {
    size_t used = strlen(report);
    snprintf(report + used, size - used, "  %s\n", what);
}

static void bad_scenario_row(void **state) {
    const struct bad *c = *state;
    size_t i = (size_t)(c - cases);
    char ini[4200], out[4200];
    snprintf(ini, sizeof ini, "%s/%s", dir, c->name);
    snprintf(out, sizeof out, "%s/out-%zu", dir, i);
    tu_write(ini, c->text);
    const char *corpus = getenv("FLOWSIM_CORPUS_OUT"); /* fuzz/make-corpus: seeds */
    if (corpus) {
        char seed[4300];
        snprintf(seed, sizeof seed, "%s/e2e-%s", corpus, c->name);
        tu_write(seed, c->text);
    }
    char report[16384] = "", line[12000];
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s'", ini, out);
    char *o = NULL, *e = NULL;
    int rc = tu_run(cmd, &o, &e);
    const char *err = e ? e : "";
    if (rc != 2) {
        snprintf(line, sizeof line, "run: exit %d, wanted 2", rc);
        note(report, sizeof report, line);
    }
    char want[4400];
    snprintf(want, sizeof want, "%s%s", ini, c->want);
    if (strncmp(err, want, strlen(want)) != 0) {
        snprintf(line, sizeof line, "run:\n   got: %s  want: %s...", err, want);
        note(report, sizeof report, line);
    }
    if (tu_count_lines(err) != 1) {
        snprintf(line, sizeof line, "run: %zu lines on stderr, wanted 1", tu_count_lines(err));
        note(report, sizeof report, line);
    }
    if (tu_exists(out)) {
        snprintf(line, sizeof line, "run: exit %d but wrote %s", rc, out);
        note(report, sizeof report, line);
    }
    free(o), free(e);
    snprintf(cmd, sizeof cmd, "validate '%s'", ini);
    rc = tu_run(cmd, NULL, NULL);
    if (rc != 2) {
        snprintf(line, sizeof line, "validate: exit %d, wanted 2", rc);
        note(report, sizeof report, line);
    }
    if (*report) fail_msg("%s:\n%s", c->name, report);
}

/* An existing results folder is left exactly as it was. */
static void a_bad_scenario_leaves_an_existing_folder_as_it_was(void **s) {
    (void)s;
    char ini[4200], out[4200], sentinel[4300];
    snprintf(ini, sizeof ini, "%s/%s", dir, cases[0].name);
    tu_write(ini, cases[0].text);
    snprintf(out, sizeof out, "%s/existing", dir);
    mkdir(out, 0777);
    snprintf(sentinel, sizeof sentinel, "%s/summary.csv", out);
    tu_write(sentinel, "old results\n");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s'", ini, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 2);
    char *old = tu_read(sentinel);
    assert_string_equal(old, "old results\n");
    free(old);
}

int main(void) {
    enum { NROWS = sizeof cases / sizeof *cases };
    struct CMUnitTest tests[NROWS + 1];
    for (size_t i = 0; i < NROWS; i++)
        tests[i] = (struct CMUnitTest){.name = cases[i].test,
                                       .test_func = bad_scenario_row,
                                       .initial_state = (void *)&cases[i]};
    tests[NROWS] =
        (struct CMUnitTest)cmocka_unit_test(a_bad_scenario_leaves_an_existing_folder_as_it_was);
    return cmocka_run_group_tests(tests, setup, NULL);
}
