/* Scaling out: the parts of a run (--replications-range, in any order) merge into the very
 * bytes one run writes, bad sets of parts are refused with the reason, and (in an MPI build)
 * mpirun -np 2 writes the same bytes as one process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char cmd[16384];
static const char *const outputs[] = {"summary.csv",  "timeseries.csv",        "warmup.csv",
                                      "patients.csv", "scenario.resolved.ini", NULL};

/* A small run of the demo: 5 replications, a short horizon, the patient log on. */
static void run_demo(const char *dir, const char *extra) {
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --replications 5 --set scenario.horizon=150d "
             "--set scenario.warmup=30d --patient-log --quiet %s",
             tu_src("scenarios/demo.ini"), dir, extra);
    char *err = NULL;
    int rc = tu_run(cmd, NULL, &err);
    if (rc != 0) fail_msg("flowsim %s: exit %d: %s", cmd, rc, err ? err : "");
    free(err);
}

static char *dup_tmp(const char *name) {
    const char *d = tu_tmpdir(name);
    char *c = malloc(strlen(d) + 1);
    strcpy(c, d);
    return c;
}

/* run-info's stationarity and warning lines, in order (output/stationarity.h, results.h). */
static char *verdict_lines(const char *dir) {
    char *info = tu_read(strcat(strcpy(cmd, dir), "/run-info"));
    assert_non_null(info);
    char *out = calloc(strlen(info) + 1, 1);
    for (char *l = strtok(info, "\n"); l; l = strtok(NULL, "\n"))
        if (!strncmp(l, "stationarity = ", 15) || !strncmp(l, "warning = ", 10))
            strcat(strcat(out, l), "\n");
    free(info);
    return out;
}

static void parts_merge_into_the_same_bytes(void **s) {
    (void)s;
    char *full = dup_tmp("sc_full"), *a = dup_tmp("sc_a"), *b = dup_tmp("sc_b"),
         *c = dup_tmp("sc_c"), *m = dup_tmp("sc_merged");
    run_demo(full, "--threads 2");
    run_demo(a, "--replications-range 1:2 --threads 1");
    run_demo(b, "--replications-range 3:3 --threads 1");
    run_demo(c, "--replications-range 4:5 --threads 2");
    /* A part is a results folder of its own, with its replications' rows only. */
    char *info = tu_read(strcat(strcpy(cmd, c), "/run-info"));
    assert_non_null(strstr(info, "replications = 2\n"));
    assert_non_null(strstr(info, "replications_range = 4:5\n"));
    assert_non_null(strstr(info, "replications_total = 5\n"));
    free(info);
    /* Given in any order. */
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "merge '%s' '%s' '%s' -o '%s'", c, a, b, m);
    assert_int_equal(tu_run(cmd, &out, NULL), 0);
    assert_non_null(strstr(out, "merged 3 parts"));
    free(out);
    assert_same_files(full, m, outputs);
    /* The trend test and the warnings, judged from every replication's row: the same lines. */
    char *vf = verdict_lines(full), *vm = verdict_lines(m);
    assert_non_null(strstr(vf, "stationarity = acute: "));
    assert_string_equal(vf, vm);
    free(vf), free(vm);
    info = tu_read(strcat(strcpy(cmd, m), "/run-info"));
    assert_non_null(strstr(info, "replications = 5\n"));
    assert_non_null(strstr(info, "merged_from = "));
    assert_null(strstr(info, "replications_range"));
    free(info);
    free(full), free(a), free(b), free(c), free(m);
}

/* flowsim merge PARTS -o OUT must fail with status 2 and say why. */
static void merge_refuses(const char *parts, const char *why) {
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "merge %s -o '%s'", parts, tu_tmpdir("sc_refused"));
    int rc = tu_run(cmd, NULL, &err);
    if (rc != 2 || !err || !strstr(err, why))
        fail_msg("merge %s: exit %d, '%s'; wanted 2 and '%s'", parts, rc, err ? err : "", why);
    free(err);
}

/* Part b's scenario.resolved.ini with every table's folder replaced by dir (as a part run in
 * another folder, or on Windows, names the same file), and its file names' "hour_of_week"
 * replaced by rename when given. */
static void move_tables(const char *b, const char *dir, const char *rename) {
    char path[4200];
    snprintf(path, sizeof path, "%s/scenario.resolved.ini", b);
    char *text = tu_read(path), *out = calloc(2 * strlen(text) + 4096, 1);
    for (char *l = text, *nl; *l; l = nl + 1) { /* every line, the empty ones too */
        if (!(nl = strchr(l, '\n'))) break;
        *nl = 0;
        char *v = strstr(l, " = /"), *name = v ? strrchr(v, '/') + 1 : NULL;
        if (name && strstr(name, ".csv")) {
            strncat(out, l, (size_t)(v - l) + 3);
            strcat(out, dir);
            if (rename && !strncmp(name, "hour_of_week", 12))
                strcat(strcat(out, rename), name + 12);
            else
                strcat(out, name);
        } else {
            strcat(out, l);
        }
        strcat(out, "\n");
    }
    tu_write(path, out);
    free(text), free(out);
}

static void parts_from_other_folders_and_platforms_merge(void **s) {
    (void)s;
    char *full = dup_tmp("sc_pf_full"), *a = dup_tmp("sc_pf_a"), *b = dup_tmp("sc_pf_b"),
         *m = dup_tmp("sc_pf_merged");
    run_demo(full, "");
    run_demo(a, "--replications-range 1:2");
    run_demo(b, "--replications-range 3:5");
    /* The demo reads two tables; a Windows part names them Z:\\... (wine's drive) */
    move_tables(b, "Z:\\home\\analyst\\scenarios\\", NULL);
    snprintf(cmd, sizeof cmd, "merge '%s' '%s' -o '%s'", a, b, m);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    assert_same_files(full, m, outputs);
    /* Another table by name is another scenario. */
    run_demo(b, "--replications-range 3:5");
    move_tables(b, "/elsewhere/", "other_week");
    char parts[8192];
    snprintf(parts, sizeof parts, "'%s' '%s'", a, b);
    merge_refuses(parts, "scenario.resolved.ini differs from the first part's");
    free(full), free(a), free(b), free(m);
}

static void bad_parts_are_refused(void **s) {
    (void)s;
    char *a = dup_tmp("sc_bad_a"), *b = dup_tmp("sc_bad_b"), *c = dup_tmp("sc_bad_c"),
         *d = dup_tmp("sc_bad_d"), *full = dup_tmp("sc_bad_full");
    char parts[8192];
    run_demo(a, "--replications-range 1:2");
    run_demo(b, "--replications-range 4:5");
    run_demo(c, "--replications-range 2:3");
    run_demo(d, "--replications-range 3:5 --seed 7");
    run_demo(full, "");
    snprintf(parts, sizeof parts, "'%s' '%s'", a, b);
    merge_refuses(parts, "replications 3:3 are in no part");
    snprintf(parts, sizeof parts, "'%s' '%s' '%s'", a, c, b);
    merge_refuses(parts, "replications 2:3 overlap another part's");
    snprintf(parts, sizeof parts, "'%s' '%s'", a, d);
    merge_refuses(parts, "another scenario, seed or replication count");
    snprintf(parts, sizeof parts, "'%s'", a);
    merge_refuses(parts, "replications 3:5 are in no part");
    snprintf(parts, sizeof parts, "'%s' '%s'", full, b);
    merge_refuses(parts, "not a part (run it with --replications-range A:B)");
    snprintf(parts, sizeof parts, "'%s/nowhere'", a);
    merge_refuses(parts, "no run-info");
    /* A damaged part: a replication missing from replications.csv. */
    char path[4200];
    snprintf(path, sizeof path, "%s/replications.csv", b);
    char *text = tu_read(path);
    *strrchr(text, '\n') = 0;
    *(strrchr(text, '\n') + 1) = 0; /* drop the last row */
    tu_write(path, text);
    free(text);
    run_demo(c, "--replications-range 3:3");
    snprintf(parts, sizeof parts, "'%s' '%s' '%s'", a, c, b);
    merge_refuses(parts, "does not hold every replication of its range");
    free(a), free(b), free(c), free(d), free(full);
}

static void bad_ranges_are_refused(void **s) {
    (void)s;
    char *err = NULL;
    const char *dir = tu_tmpdir("sc_badrange");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 5 --replications-range 4:6",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, &err), 2);
    assert_non_null(strstr(err, "--replications-range 4:6: the scenario has 5 replications"));
    free(err);
    const char *bad[] = {"0:3", "3:2", "2", "1:x", "1:2:3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications-range %s",
                 tu_src("scenarios/demo.ini"), dir, bad[i]);
        assert_int_equal(tu_run(cmd, NULL, &err), 2);
        assert_non_null(strstr(err, "--replications-range: expected A:B with 1 <= A <= B"));
        free(err);
    }
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications-range 1:2 --precision 5%%",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, &err), 2);
    assert_non_null(strstr(err, "cannot go together"));
    free(err);
    snprintf(cmd, sizeof cmd, "merge '%s'", dir);
    assert_int_equal(tu_run(cmd, NULL, &err), 2);
    assert_non_null(strstr(err, "merge needs -o DIR"));
    free(err);
}

/* mpirun -np 2 (run, with threads, and compare) writes what one process writes. */
static void mpi_ranks_write_the_same_bytes(void **s) {
    (void)s;
#ifndef FLOWSIM_MPIEXEC
    skip(); /* a build without FLOWSIM_MPI=ON: CI builds one with it and runs this */
#else
    char *one = dup_tmp("sc_mpi_one"), *two = dup_tmp("sc_mpi_two");
    run_demo(one, "--threads 1");
    /* Open MPI refuses root without these; --oversubscribe lets 2 ranks share fewer cores. */
    const char *mpi = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " FLOWSIM_MPIEXEC
                      " -np 2 --oversubscribe";
    char args[8192];
    snprintf(args, sizeof args,
             "run '%s' -o '%s' --replications 5 --set scenario.horizon=150d "
             "--set scenario.warmup=30d --patient-log --threads 2",
             tu_src("scenarios/demo.ini"), two);
    char *out = NULL, *err = NULL;
    int rc = tu_run_under(mpi, args, &out, &err);
    if (rc != 0) fail_msg("mpirun: exit %d: %s", rc, err ? err : "");
    assert_same_files(one, two, outputs);
    char *v1 = verdict_lines(one), *v2 = verdict_lines(two);
    assert_string_equal(v1, v2);
    free(v1), free(v2);
    /* One summary printed, by rank 0, and run-info says how the work was spread. */
    assert_non_null(strstr(out, "5 replications"));
    assert_null(strstr(strstr(out, "5 replications") + 1, "5 replications"));
    char *info = tu_read(strcat(strcpy(cmd, two), "/run-info"));
    assert_non_null(strstr(info, "mpi_ranks = 2\n"));
    assert_non_null(strstr(info, "replications = 5\n"));
    free(info), free(out), free(err);
    /* compare: the paired differences need every replication's values on rank 0. */
    char *c1 = dup_tmp("sc_mpi_cmp1"), *c2 = dup_tmp("sc_mpi_cmp2");
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --replications 3 --quiet",
             tu_src("scenarios/demo.ini"), tu_src("scenarios/virtual-wards/vw50.ini"), c1);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(args, sizeof args, "compare '%s' '%s' -o '%s' --replications 3 --quiet",
             tu_src("scenarios/demo.ini"), tu_src("scenarios/virtual-wards/vw50.ini"), c2);
    assert_int_equal(tu_run_under(mpi, args, NULL, NULL), 0);
    const char *cmp[] = {"comparison.csv", NULL};
    assert_same_files(c1, c2, cmp);
    /* sweep: three variants on two ranks, each rank running whole variants; rank 0 gathers. */
    char grid[4300];
    snprintf(grid, sizeof grid, "%s/grid.csv", c1);
    tu_write(grid, "variant,acute.capacity\nsmall,220\nmid,240\nbig,260\n");
    char *w1 = dup_tmp("sc_mpi_sweep1"), *w2 = dup_tmp("sc_mpi_sweep2");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --replications 3 --quiet",
             tu_src("scenarios/demo.ini"), grid, w1);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(args, sizeof args, "sweep '%s' --grid '%s' -o '%s' --replications 3 --quiet",
             tu_src("scenarios/demo.ini"), grid, w2);
    assert_int_equal(tu_run_under(mpi, args, NULL, NULL), 0);
    const char *sw[] = {"sweep.csv", NULL};
    assert_same_files(w1, w2, sw);
    const char *variants[] = {"small", "mid", "big"};
    for (int i = 0; i < 3; i++) {
        char a[4400], b[4400];
        snprintf(a, sizeof a, "%s/%s", w1, variants[i]);
        snprintf(b, sizeof b, "%s/%s", w2, variants[i]);
        const char *each[] = {"summary.csv", "timeseries.csv", "warmup.csv",
                              "scenario.resolved.ini", NULL};
        assert_same_files(a, b, each);
    }
    free(w1), free(w2);
    /* Commands that do not spread are refused, not run twice. */
    snprintf(args, sizeof args, "reproduce '%s' --expect x.csv", tu_src("scenarios/demo.ini"));
    err = NULL;
    assert_int_equal(tu_run_under(mpi, args, NULL, &err), 2);
    assert_non_null(strstr(err, "under mpirun only run, compare and sweep"));
    free(err);
    free(one), free(two), free(c1), free(c2);
#endif
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_merge_into_the_same_bytes),
        cmocka_unit_test(bad_parts_are_refused),
        cmocka_unit_test(parts_from_other_folders_and_platforms_merge),
        cmocka_unit_test(bad_ranges_are_refused),
        cmocka_unit_test(mpi_ranks_write_the_same_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
