/* Output in proportion and every core used (issue 19): scratch files only in the run's staging
 * folder, nameless and never through a link planted there; a replication's rows written once
 * when its turn comes; sweeps, compares and calibrations running several variants or points at
 * once when their replications are fewer than the threads — all the same bytes on any number
 * of threads. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/outdir.h"
#include "testutil.h"

static char cmd[16384];

/* Every file a variant's folder holds, compared between two runs. */
static const char *const run_files[] = {
    "summary.csv", "timeseries.csv",        "series.csv", "warmup.csv", "patients.csv",
    "metrics.csv", "scenario.resolved.ini", NULL};

/* Where descriptor fd's file was (Linux's /proc), or "" where /proc cannot say. */
static void where(int fd, char *buf, size_t len) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, len - 1);
    buf[n > 0 ? n : 0] = 0;
}

static int entries(const char *dir) { /* ls -A | wc -l */
    char line[4400];
    snprintf(line, sizeof line, "test $(ls -A '%s' | wc -l) -eq 0", dir);
    return system(line) == 0 ? 0 : 1;
}

/* outdir_scratch: in the folder given, nameless at once (nothing to clean up, whatever ends
 * the run), readable back; a link planted at its first name is passed over, not written
 * through; with no folder, $TMPDIR. */
static void scratch_files_are_nameless_in_the_folder_given(void **s) {
    (void)s;
    char base[4096], dir[4200], other[4200], target[4300], planted[4300], got[4400];
    snprintf(base, sizeof base, "%s", tu_tmpdir("par_scratch"));
    snprintf(other, sizeof other, "%s/elsewhere", base);
    snprintf(dir, sizeof dir, "%s/stage", base);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(other, 0700), 0);
    FILE *f = outdir_scratch(dir, "timeseries.csv");
    assert_non_null(f);
    assert_int_equal(entries(dir), 0); /* no name left in the folder */
    fputs("row 1\nrow 2\n", f);
    rewind(f);
    char line[64];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "row 1\n");
    where(fileno(f), got, sizeof got);
    if (*got) { /* Linux: the file was made in dir and is deleted */
        assert_true(strncmp(got, dir, strlen(dir)) == 0);
        assert_non_null(strstr(got, "(deleted)"));
    }
    fclose(f);
    /* A link at the first name it would take, to a file of someone's: never followed. */
    snprintf(target, sizeof target, "%s/precious", other);
    tu_write(target, "keep me\n");
    snprintf(planted, sizeof planted, "%s/.timeseries.csv.%ld-s0.tmp", dir, (long)getpid());
    assert_int_equal(symlink(target, planted), 0);
    f = outdir_scratch(dir, "timeseries.csv");
    assert_non_null(f);
    fputs("scratch\n", f);
    fflush(f);
    where(fileno(f), got, sizeof got);
    if (*got) assert_null(strstr(got, "precious"));
    fclose(f);
    char *kept = tu_read(target);
    assert_string_equal(kept, "keep me\n");
    free(kept);
    struct stat st;
    assert_int_equal(lstat(planted, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    unlink(planted);
    /* No folder given: $TMPDIR's. */
    const char *was = getenv("TMPDIR");
    char *saved = was ? strdup(was) : NULL;
    setenv("TMPDIR", other, 1);
    f = outdir_scratch(NULL, "series.csv");
    assert_non_null(f);
    where(fileno(f), got, sizeof got);
    if (*got) assert_true(strncmp(got, other, strlen(other)) == 0);
    fclose(f);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    /* A folder it cannot write in: NULL, said by errno. */
    f = outdir_scratch("/nonexistent-flowsim-folder", "series.csv");
    assert_null(f);
}

/* No bare tmpfile() is left in flowsim's sources: every scratch file goes through
 * outdir_scratch, into the staging folder. */
static void no_source_makes_a_file_in_tmp_behind_the_run(void **s) {
    (void)s;
    snprintf(cmd, sizeof cmd,
             "grep -rn 'tmpfile *(' '%s/cli' '%s/output' '%s/sim' '%s/models' --include='*.c'",
             tu_src(""), tu_src(""), tu_src(""), tu_src(""));
    assert_int_not_equal(system(cmd), 0);
}

/* A run on several threads with $TMPDIR a folder that does not exist: every scratch file is
 * in the staging folder, so it runs, leaves nothing behind in the results folder, and gives
 * the bytes of one thread (time series, warm-up chart, patient log, series.csv). */
static void several_threads_write_in_the_staging_folder_and_give_one_threads_bytes(void **s) {
    (void)s;
    char dir[4200], one[4300], three[4300];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir("par_run"));
    snprintf(one, sizeof one, "%s/one", dir);
    snprintf(three, sizeof three, "%s/three", dir);
    const char *sc = tu_src("tests/scenarios/everything.ini");
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --replications 7 --set scenario.horizon=90d --threads 1 "
             "--patient-log --quiet",
             sc, one);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --replications 7 --set scenario.horizon=90d --threads 3 "
             "--patient-log --quiet",
             sc, three);
    assert_int_equal(tu_run_under("TMPDIR=/nonexistent-flowsim-tmp", cmd, NULL, NULL), 0);
    assert_same_files(one, three, run_files);
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | grep -c '^\\.') -eq 0", three);
    assert_int_equal(system(cmd), 0); /* no staging folder, no scratch file left */
}

static void grid(const char *path) {
    tu_write(path, "variant,vw.capacity,eab.capacity\nnone,0,62\nvw13,13,62\nvw5,5,40\n"
                   "vw8,8,50\nvw20,20,62\nagain,0,62\n");
}

/* A sweep of one-replication variants runs several variants at once on several threads:
 * sweep.csv and every variant's folder are the same bytes on 1, 2 and 3 threads. */
static void a_sweep_is_the_same_bytes_on_any_threads(void **s) {
    (void)s;
    char dir[4200], g[4300], out[3][4300];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir("par_sweep"));
    snprintf(g, sizeof g, "%s/grid.csv", dir);
    grid(g);
    const char *sc = tu_src("tests/scenarios/virtual_ward.ini");
    for (int t = 0; t < 3; t++) {
        snprintf(out[t], sizeof out[t], "%s/t%d", dir, t + 1);
        snprintf(cmd, sizeof cmd,
                 "sweep '%s' --grid '%s' -o '%s' --replications 1 --threads %d --patient-log "
                 "--quiet",
                 sc, g, out[t], t + 1);
        assert_int_equal(tu_run_under("TMPDIR=/nonexistent-flowsim-tmp", cmd, NULL, NULL), 0);
    }
    static const char *const top[] = {"sweep.csv", "metrics.csv", NULL};
    const char *names[] = {"none", "vw13", "vw5", "vw8", "vw20", "again"};
    for (int t = 1; t < 3; t++) {
        assert_same_files(out[0], out[t], top);
        for (size_t v = 0; v < sizeof names / sizeof *names; v++) {
            char a[4400], b[4400];
            snprintf(a, sizeof a, "%s/%s", out[0], names[v]);
            snprintf(b, sizeof b, "%s/%s", out[t], names[v]);
            assert_same_files(a, b, run_files);
        }
    }
}

/* compare likewise: comparison.csv the same on 1 and 3 threads. */
static void a_compare_is_the_same_bytes_on_any_threads(void **s) {
    (void)s;
    char dir[4200], out[2][4300];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir("par_compare"));
    const char *a = tu_src("scenarios/demo.ini");
    char b[4300];
    snprintf(b, sizeof b, "%s", tu_src("tests/scenarios/virtual_ward.ini"));
    for (int t = 0; t < 2; t++) {
        snprintf(out[t], sizeof out[t], "%s/t%d", dir, t);
        snprintf(cmd, sizeof cmd,
                 "compare '%s' '%s' '%s' -o '%s' --replications 1 --set scenario.horizon=120d "
                 "--threads %d --quiet",
                 a, b, a, out[t], t ? 3 : 1);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    }
    static const char *const files[] = {"comparison.csv", "metrics.csv", NULL};
    assert_same_files(out[0], out[1], files);
}

/* calibrate: the simplex's first points run at once; calibrated.ini, calibration.csv and the
 * number of evaluations are the same on 1, 2 and 3 threads. */
static void a_calibration_is_the_same_bytes_on_any_threads(void **s) {
    (void)s;
    char dir[4200], t[4300], v[4300], out[3][4300];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir("par_calibrate"));
    snprintf(t, sizeof t, "%s/targets.csv", dir);
    snprintf(v, sizeof v, "%s/vary.csv", dir);
    tu_write(t, "unit,metric,target,weight\nservers,occupancy,7,1\nservers,wait_mean,0.1,1\n");
    tu_write(v, "key,low,high\npoisson.rate,4,9.5\nservers.capacity,8,14\n");
    char *evals[3];
    for (int k = 0; k < 3; k++) {
        snprintf(out[k], sizeof out[k], "%s/t%d", dir, k + 1);
        snprintf(cmd, sizeof cmd,
                 "calibrate '%s' --targets '%s' --vary '%s' -o '%s' --replications 1 "
                 "--set scenario.horizon=60d --max-evals 30 --threads %d --quiet",
                 tu_src("scenarios/validation/mmc.ini"), t, v, out[k], k + 1);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        char p[4400];
        snprintf(p, sizeof p, "%s/run-info", out[k]);
        char *info = tu_read(p);
        assert_non_null(info);
        char *e = strstr(info, "\nevaluations = ");
        assert_non_null(e);
        evals[k] = strndup(e, strcspn(e + 1, "\n") + 1);
        free(info);
    }
    static const char *const files[] = {"calibrated.ini", "calibration.csv", "metrics.csv", NULL};
    for (int k = 1; k < 3; k++) {
        assert_same_files(out[0], out[k], files);
        assert_string_equal(evals[0], evals[k]);
    }
    assert_string_equal(evals[0], "\nevaluations = 30");
    for (int k = 0; k < 3; k++) free(evals[k]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scratch_files_are_nameless_in_the_folder_given),
        cmocka_unit_test(no_source_makes_a_file_in_tmp_behind_the_run),
        cmocka_unit_test(several_threads_write_in_the_staging_folder_and_give_one_threads_bytes),
        cmocka_unit_test(a_sweep_is_the_same_bytes_on_any_threads),
        cmocka_unit_test(a_compare_is_the_same_bytes_on_any_threads),
        cmocka_unit_test(a_calibration_is_the_same_bytes_on_any_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
