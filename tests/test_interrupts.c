/* A run stopped part way, by Ctrl-C (SIGINT) or kill -9: the results folder is left as it was.
 * Long runs killed at set moments: seconds each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static char cmd[16384];

static void ctrl_c_leaves_the_folder_as_it_was(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_sigint");
    char line[8192], log[4200];
    snprintf(log, sizeof log, "%s/status.txt", dir);
    /* A long run interrupted after half a second: exit 130 and no folder left behind... */
    snprintf(line, sizeof line,
             "'%s' run '%s' -o '%s/new' --replications 5000 --patient-log 2>/dev/null & pid=$!; "
             "sleep 0.5; kill -INT $pid; wait $pid; echo $? > '%s'",
             FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    char *status = tu_read(log);
    assert_string_equal(status, "130\n");
    free(status);
    struct stat st;
    char path[4200];
    snprintf(path, sizeof path, "%s/new", dir);
    assert_int_not_equal(stat(path, &st), 0);
    /* ...and an existing folder keeps exactly what it had. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/old' --replications 2 --quiet",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/old/summary.csv", dir);
    char *previous = tu_read(path);
    snprintf(line, sizeof line,
             "'%s' run '%s' -o '%s/old' --replications 5000 2>/dev/null & pid=$!; "
             "sleep 0.5; kill -INT $pid; wait $pid; echo $? > '%s'",
             FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    status = tu_read(log);
    assert_string_equal(status, "130\n");
    free(status);
    char *old = tu_read(path);
    assert_string_equal(old, previous);
    free(old);
    free(previous);
    char listing[8192];
    snprintf(listing, sizeof listing,
             "test \"$(ls -A '%s/old' | tr '\\n' ' ')\" = "
             "'metrics.csv run-info scenario.resolved.ini series.csv summary.csv timeseries.csv "
             "warmup.csv '",
             dir);
    assert_int_equal(system(listing), 0);
}

/* kill -9 cannot be caught: the previous results must survive it because a run writes only
 * in a staging folder inside the results folder, published at the very end (output/outdir.h);
 * the next run removes the dead run's staging folder. */
static void kill_9_leaves_the_previous_results(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_kill9");
    char out[4200], line[8192];
    snprintf(out, sizeof out, "%s/res", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 2 --quiet --patient-log",
             tu_src("scenarios/demo.ini"), out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char notes[4300];
    snprintf(notes, sizeof notes, "%s/notes.txt", out);
    tu_write(notes, "someone else's file\n");
    const char *files[] = {"summary.csv",  "timeseries.csv", "warmup.csv",
                           "patients.csv", "metrics.csv",    "scenario.resolved.ini",
                           "run-info",     "notes.txt",      "series.csv"};
    enum { NF = sizeof files / sizeof *files };
    char *before[NF];
    for (int i = 0; i < NF; i++) {
        snprintf(line, sizeof line, "%s/%s", out, files[i]);
        before[i] = tu_read(line);
        assert_non_null(before[i]);
    }
    /* Killed at several moments of a long run, writing the same folder. */
    const char *when[] = {"0.05", "0.3", "0.8"};
    for (int k = 0; k < 3; k++) {
        snprintf(line, sizeof line,
                 "'%s' run '%s' -o '%s' --replications 5000 --patient-log --quiet & pid=$!; "
                 "sleep %s; kill -9 $pid; wait $pid; test $? = 137",
                 FLOWSIM_BIN, tu_src("scenarios/demo.ini"), out, when[k]);
        assert_int_equal(system(line), 0);
        for (int i = 0; i < NF; i++) {
            snprintf(line, sizeof line, "%s/%s", out, files[i]);
            char *now = tu_read(line);
            if (!now || strcmp(now, before[i])) fail_msg("%s changed by a killed run", line);
            free(now);
        }
        /* Nothing else appeared in the folder but the dead run's staging folder, and never
         * more than one: each run removes those of runs that died. */
        snprintf(line, sizeof line,
                 "cd '%s' && test $(ls -A | grep -v '^.flowsim-stage-' | wc -l) = %d && "
                 "test $(ls -A | grep -c '^.flowsim-stage-') -le 1",
                 out, NF);
        assert_int_equal(system(line), 0);
    }
    for (int i = 0; i < NF; i++) free(before[i]);
    /* A run that finishes replaces the results and keeps the file that was not its own. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 3 --quiet",
             tu_src("scenarios/demo.ini"), out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *n = tu_read(notes);
    assert_string_equal(n, "someone else's file\n");
    free(n);
    snprintf(line, sizeof line, "test -z \"$(ls -A '%s' | grep '^.flowsim-stage-')\"", out);
    assert_int_equal(system(line), 0);
    snprintf(line, sizeof line, "%s/run-info", out);
    char *info = tu_read(line);
    assert_non_null(strstr(info, "replications = 3\n"));
    free(info);
    /* The old run's patient log went with it: it does not describe these results. */
    snprintf(line, sizeof line, "%s/patients.csv", out);
    struct stat st;
    assert_int_not_equal(stat(line, &st), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ctrl_c_leaves_the_folder_as_it_was),
        cmocka_unit_test(kill_9_leaves_the_previous_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
