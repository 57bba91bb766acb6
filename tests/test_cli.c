/* The run and validate commands end to end: usage, the files a run writes and what they hold,
 * the same bytes on any thread count, options (repeated, --precision, --patient-log), the
 * progress line, and every shipped scenario validating. Bad scenarios: test_run_inputs.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/metrics.h"
#include "models/table.h"
#include "testutil.h"

static char cmd[16384];

static const char *demo_args =
    "--replications 3 --set scenario.horizon=250d --set scenario.warmup=60d";

static char *file_in(const char *dir, const char *name) {
    static char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void help_version_and_usage(void **s) {
    (void)s;
    char *out, *err;
    assert_int_equal(tu_run("--help", &out, &err), 0);
    assert_non_null(strstr(out, "flowsim run FILE"));
    free(out), free(err);
    assert_int_equal(tu_run("--version", &out, &err), 0);
    assert_true(strncmp(out, "flowsim ", 8) == 0);
    free(out), free(err);
    assert_int_equal(tu_run("", &out, &err), 2);
    free(out), free(err);
    assert_int_equal(tu_run("frobnicate x.ini", &out, &err), 2);
    assert_non_null(strstr(err, "unknown command 'frobnicate'"));
    free(out), free(err);
    assert_int_equal(tu_run("run", &out, &err), 2);
    free(out), free(err);
    assert_int_equal(tu_run("run x.ini --threads zero", &out, &err), 2);
    assert_non_null(strstr(err, "--threads: expected a whole number from 1 to 4096, got 'zero'"));
    free(out), free(err);
}

static void demo_writes_the_contract_files(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_demo");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --quiet", tu_src("scenarios/demo.ini"), dir,
             demo_args);
    char *out, *err;
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_string_equal(out, ""); /* --quiet */
    free(out), free(err);
    char *sum = tu_read(file_in(dir, "summary.csv"));
    char *ts = tu_read(file_in(dir, "timeseries.csv"));
    assert_non_null(sum);
    assert_non_null(ts);
    static const char sum_head[] = "scenario,unit,metric,mean,sd,ci95_low,ci95_high,replications\n";
    static const char ts_head[] = "scenario,replication,time,date,unit,metric,value\n";
    assert_true(strncmp(sum, sum_head, strlen(sum_head)) == 0);
    assert_true(strncmp(ts, ts_head, strlen(ts_head)) == 0);
    /* No NaN or infinity ever reaches a CSV. */
    assert_null(strstr(sum, "nan"));
    assert_null(strstr(sum, "inf"));
    assert_null(strstr(ts, "nan"));
    assert_null(strstr(ts, "inf"));
    /* One time-series row per replication x bucket x (unit, metric) slot. */
    size_t slots = tu_count_lines(sum) - 1, buckets = 250 - 60;
    assert_int_equal(tu_count_lines(ts) - 1, 3 * buckets * slots);
    assert_non_null(strstr(ts, "\ndemo,1,60,2025-12-05,ae,occupancy,"));
    assert_non_null(strstr(ts, "\ndemo,3,249,2026-06-12,,in_system,"));
    struct tu_row r;
    tu_summary(dir, "acute", "occupancy_pct", &r);
    assert_int_equal(r.n, 3);
    assert_true(r.mean > 50 && r.mean <= 100);
    assert_true(r.lo <= r.mean && r.mean <= r.hi);
    /* The demo sets population, and its acute beds hold delayed patients. */
    tu_summary(dir, "", "dtoc_per_100k", &r);
    assert_true(r.mean > 0);
    assert_true(r.lo <= r.mean && r.mean <= r.hi);
    assert_true(tu_exists(file_in(dir, "scenario.resolved.ini")));
    char *info = tu_read(file_in(dir, "run-info"));
    assert_non_null(strstr(info, "replications = 3\n"));
    assert_non_null(strstr(info, "seed = 2025\n"));
    free(info);
    free(sum);
    free(ts);
    /* No temporary files are left behind. */
    assert_false(tu_exists(file_in(dir, ".timeseries.csv.tmp")));
}

static void same_bytes_for_any_thread_count(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_threads1"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_threads2"));
    const char *dirs[] = {d1, d2};
    for (int t = 0; t < 2; t++) {
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 5 --threads %d --quiet",
                 tu_src("scenarios/demo.ini"), dirs[t], t + 1);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    }
    const char *files[] = {"summary.csv", "timeseries.csv"};
    for (int f = 0; f < 2; f++) {
        char *a = tu_read(file_in(d1, files[f]));
        char *b = tu_read(file_in(d2, files[f]));
        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(strlen(a), strlen(b));
        assert_true(strcmp(a, b) == 0);
        free(a), free(b);
    }
}

static void resolved_scenario_reproduces_the_run(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_resolved1"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_resolved2"));
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --set acute.capacity=230 --quiet",
             tu_src("scenarios/demo.ini"), d1, demo_args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s/scenario.resolved.ini' -o '%s' --quiet", d1, d2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *a = tu_read(file_in(d1, "summary.csv"));
    char *b = tu_read(file_in(d2, "summary.csv"));
    assert_string_equal(a, b);
    free(a), free(b);
}

static void repeated_options_last_one_wins(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_repeat");
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --replications 5 --replications 2 --seed 4 --seed 9 --quiet",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *info = tu_read(file_in(dir, "run-info"));
    assert_non_null(strstr(info, "seed = 9\n"));
    assert_non_null(strstr(info, "replications = 2\n"));
    free(info);
}

static void precision_adds_replications(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_precision"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_precision_again"));
    char *out, *err;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --precision 2%%",
             tu_src("tests/scenarios/ae_pressure.ini"), d1);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_non_null(strstr(out, "precision reached: every headline metric within 2%"));
    free(out), free(err);
    /* Batches of the scenario's 8: a multiple of 8, more than 8, and the headline metric's
     * interval really within 2% of its mean. */
    struct tu_row r;
    tu_summary(d1, "acute", "occupancy_pct", &r);
    assert_true(r.n > 8 && r.n % 8 == 0);
    assert_true((r.hi - r.lo) / 2 <= 0.02 * r.mean);
    /* The resolved scenario records how many ran, and reproduces the run byte for byte. */
    snprintf(cmd, sizeof cmd, "run '%s/scenario.resolved.ini' -o '%s' --quiet", d1, d2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *a = tu_read(file_in(d1, "timeseries.csv"));
    char *b = tu_read(file_in(d2, "timeseries.csv"));
    assert_string_equal(a, b);
    free(a), free(b);
    /* A cap that comes first is said so. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --precision 0.01%% --max-replications 12",
             tu_src("tests/scenarios/ae_pressure.ini"), d2);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_non_null(strstr(out, "stopped at --max-replications 12 before the precision was "
                                "reached"));
    free(out), free(err);
    tu_summary(d2, "acute", "occupancy_pct", &r);
    assert_int_equal(r.n, 12);
    snprintf(cmd, sizeof cmd, "run '%s' --precision two", tu_src("scenarios/demo.ini"));
    assert_int_equal(tu_run(cmd, &out, &err), 2);
    assert_string_equal(err, "flowsim: --precision: expected a percentage like 2%, got 'two'\n");
    free(out), free(err);
}

static void patient_log_agrees_with_the_summary(void **s) {
    (void)s;
    char d1[4096], d2[4096];
    snprintf(d1, sizeof d1, "%s", tu_tmpdir("e2e_plog1"));
    snprintf(d2, sizeof d2, "%s", tu_tmpdir("e2e_plog2"));
    const char *args = "--replications 1 --set scenario.horizon=200d --set scenario.warmup=50d "
                       "--patient-log --quiet";
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --threads 1",
             tu_src("tests/scenarios/eab_referrals.ini"), d1, args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --threads 2 --replications 3",
             tu_src("tests/scenarios/eab_referrals.ini"), d2, args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/patients.csv", d1);
    struct table t;
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    assert_string_equal(t.row[0].field[0], "replication");
    assert_string_equal(t.row[0].field[9], "delay_reason");
    double los = 0;
    long n = 0, assessed = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        /* A queue left without a place (no start) or a row still open at the horizon (no
         * leave): not a finished visit (docs/model.md, "The patient log"). */
        if (!*r->field[5] || !*r->field[7]) continue;
        double arrive = strtod(r->field[4], NULL), start = strtod(r->field[5], NULL);
        double end = r->n > 6 && *r->field[6] ? strtod(r->field[6], NULL) : start;
        double leave = strtod(r->field[7], NULL);
        assert_true(arrive <= start && start <= end && end <= leave && leave < 200);
        if (!strcmp(r->field[3], "acute") && leave >= 50) los += leave - start, n++;
        if (r->n > 9 && !strcmp(r->field[9], "assessment")) assessed++;
    }
    table_fini(&t);
    /* The log's own arithmetic gives the summary's number: they describe the same visits. */
    struct tu_row row;
    tu_summary(d1, "acute", "los_mean", &row);
    assert_close(los / (double)n, row.mean, 1e-6 * row.mean);
    assert_true(assessed == 0); /* after an assessment patients wait or move: never leave on it */
    /* Replication 1 of a 3-replication run on 2 threads logs the same rows as the run above. */
    char *a = tu_read(path);
    snprintf(path, sizeof path, "%s/patients.csv", d2);
    char *b = tu_read(path);
    assert_true(strlen(b) > strlen(a));
    assert_true(strncmp(a, b, strlen(a)) == 0);
    free(a), free(b);
}

static void progress_only_on_a_terminal(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_progress");
    char *out, *err;
    /* Not a terminal (our pipes): no progress line, whatever the run's length. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/a' --replications 6", tu_src("scenarios/demo.ini"),
             dir);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_null(strchr(err, '\r')); /* (a warning may be there: this demo's winter queues) */
    assert_null(strstr(err, "replications, "));
    free(out), free(err);
    /* A terminal, made by script(1): the progress line appears on it. */
    if (system("command -v script >/dev/null 2>&1") != 0) {
        print_message("script(1) is not installed: the terminal half of this test is skipped\n");
        return;
    }
    char line[8192], log[4200];
    snprintf(log, sizeof log, "%s/tty.txt", dir);
    snprintf(line, sizeof line,
             "script -qec \"'%s' run '%s' -o '%s/b' --replications 6\" /dev/null > '%s' 2>&1",
             FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    char *tty = tu_read(log);
    assert_non_null(strstr(tty, "6/6 replications"));
    assert_non_null(strstr(tty, "s to go"));
    free(tty);
    /* --quiet silences it there too. */
    snprintf(
        line, sizeof line,
        "script -qec \"'%s' run '%s' -o '%s/c' --replications 6 --quiet\" /dev/null > '%s' 2>&1",
        FLOWSIM_BIN, tu_src("scenarios/demo.ini"), dir, log);
    assert_int_equal(system(line), 0);
    tty = tu_read(log);
    assert_null(strstr(tty, "replications"));
    free(tty);
}

static void validate_good_scenario(void **s) {
    (void)s;
    char *out, *err;
    snprintf(cmd, sizeof cmd, "validate '%s'", tu_src("scenarios/demo.ini"));
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_non_null(strstr(out, ": ok: scenario 'demo', 5 units, 1 arrival streams"));
    free(out), free(err);
}

/* Every scenario shipped in scenarios/ loads and checks cleanly. */
static void every_shipped_scenario_validates(void **s) {
    (void)s;
    char line[32768], log[4200];
    const char *dir = tu_tmpdir("e2e_all_scenarios");
    snprintf(log, sizeof log, "%s/bad.txt", dir);
    snprintf(line, sizeof line,
             "find '%s' -name '*.ini' | sort | while read f; do '%s' validate \"$f\" >/dev/null "
             "2>&1 || echo \"$f\"; done > '%s'; find '%s' -name '*.ini' | wc -l >> '%s'",
             tu_src("scenarios"), FLOWSIM_BIN, log, tu_src("scenarios"), log);
    assert_int_equal(system(line), 0);
    char *out = tu_read(log);
    int n = atoi(out);
    if (n == 0) fail_msg("these scenarios do not validate:\n%s", out);
    assert_true(n >= 17);
    free(out);
}

/* The console table after a run is the run's summary as summary.csv's cells say it, whatever
 * the scenario's name (a comma in it once emptied the table). */
static void console_table_is_the_summary(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_console");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --set 'scenario.name=Winter, 2025'",
             tu_src("scenarios/demo.ini"), dir, demo_args);
    char *out, *err;
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    /* Columns are as wide as their widest cell (output/contable.h): compared with runs of
     * blanks made one. */
    char *flat = strdup(out), *w = flat;
    for (const char *p = out; *p; p++)
        if (!(*p == ' ' && w > flat && w[-1] == ' ')) *w++ = *p;
    *w = 0;
    assert_non_null(strstr(flat, "\nunit metric unit_of_measure mean ci95_low ci95_high\n"));
    struct table t;
    char msg[512];
    assert_int_equal(table_read(file_in(dir, "summary.csv"), &t, msg, sizeof msg), 0);
    const char *shown[][2] = {
        {"acute", "occupancy_pct"}, {"ae", "ae_4h_pct"}, {"(system)", "dtoc_per_100k"}};
    for (size_t k = 0; k < sizeof shown / sizeof *shown; k++) {
        int found = 0;
        for (size_t i = 1; i < t.n; i++) {
            const struct table_row *r = &t.row[i];
            const char *u = !strcmp(shown[k][0], "(system)") ? "" : shown[k][0];
            const char *measure = metric_find(shown[k][1], !*u)->measure;
            if (r->n < 7 || strcmp(r->field[0], "Winter, 2025") || strcmp(r->field[1], u) ||
                strcmp(r->field[2], shown[k][1]))
                continue;
            char line[256];
            snprintf(line, sizeof line, "\n%s %s %s %s %s %s\n", shown[k][0], shown[k][1], measure,
                     r->field[3], r->field[5], r->field[6]);
            if (!strstr(flat, line)) fail_msg("not on the console:%s", line);
            found = 1;
        }
        assert_true(found);
    }
    table_fini(&t);
    free(flat);
    free(out), free(err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_version_and_usage),
        cmocka_unit_test(demo_writes_the_contract_files),
        cmocka_unit_test(same_bytes_for_any_thread_count),
        cmocka_unit_test(resolved_scenario_reproduces_the_run),
        cmocka_unit_test(repeated_options_last_one_wins),
        cmocka_unit_test(precision_adds_replications),
        cmocka_unit_test(console_table_is_the_summary),
        cmocka_unit_test(patient_log_agrees_with_the_summary),
        cmocka_unit_test(progress_only_on_a_terminal),
        cmocka_unit_test(validate_good_scenario),
        cmocka_unit_test(every_shipped_scenario_validates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
