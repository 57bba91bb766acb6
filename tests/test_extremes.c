/* The extremes: no places at all, capacities of inf, a horizon shorter than one interval, a
 * warm-up as long as the horizon, one replication, twenty years, ten thousand replications.
 * Each runs to the end or stops with a clear message, and no CSV ever holds NaN or Inf. And the
 * loader's limits that only files of seconds' reading reach. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/scenario.h"
#include "models/value.h"
#include "testutil.h"

static char cmd[16384], ini[4200];
static const char *dir;

static const char *scenario(const char *name, const char *text) {
    snprintf(ini, sizeof ini, "%s/%s.ini", dir, name);
    tu_write(ini, text);
    return ini;
}

/* Every CSV cell of a results folder is text, a number or empty: never nan or inf. */
static void no_nan_or_inf(const char *out) {
    const char *files[] = {"summary.csv", "timeseries.csv", "warmup.csv"};
    for (int f = 0; f < 3; f++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/%s", out, files[f]);
        char *t = tu_read(path);
        assert_non_null(t);
        for (char *p = t; *p; p++) *p = (char)tolower((unsigned char)*p);
        for (char *p = t; (p = strpbrk(p, "ni")); p++)
            if ((!strncmp(p, "nan", 3) || !strncmp(p, "inf", 3)) &&
                (p == t || p[-1] == ',' || p[-1] == '-') &&
                (p[3] == ',' || p[3] == '\n' || p[3] == 0))
                fail_msg("%s: a non-finite number: '%.40s'", path, p - 1);
        free(t);
    }
}

/* Run NAME (scenario text) with extra options; returns the exit status and stderr. */
static int run(const char *name, const char *text, const char *extra, char **err) {
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/%s' --quiet %s", scenario(name, text), dir, name,
             extra);
    return tu_run(cmd, NULL, err);
}

static const char *out_of(const char *name) {
    static char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void no_places_queue_runs_to_the_horizon_and_warns(void **s) {
    (void)s;
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/cap0' --replications 3",
             scenario("cap0", "[scenario]\nhorizon = 200d\n[arrivals a]\nto = w\nrate = 10/d\n"
                              "[unit w]\ncapacity = 0\nstay = exp(2d)\n"),
             dir);
    assert_int_equal(tu_run(cmd, NULL, &err), 0);
    assert_non_null(strstr(err, "flowsim: warning: unit w: its queue grew without settling in 3 "
                                "of 3 replications"));
    free(err);
    char path[4300];
    snprintf(path, sizeof path, "%s/run-info", out_of("cap0"));
    char *info = tu_read(path);
    assert_non_null(strstr(info, "warning = unit w: its queue grew"));
    free(info);
    /* It ran to the horizon: the last day is there. */
    snprintf(path, sizeof path, "%s/timeseries.csv", out_of("cap0"));
    char *ts = tu_read(path);
    assert_non_null(strstr(ts, "cap0,3,199,"));
    free(ts);
    struct tu_row r;
    assert_int_equal(tu_summary(out_of("cap0"), "w", "admissions", &r), 0);
    assert_close(r.mean, 0, 0);
    no_nan_or_inf(out_of("cap0"));
    /* A stable queue, loaded to 90%, is not warned about. */
    assert_int_equal(run("stable",
                         "[scenario]\nhorizon = 400d\nwarmup = 50d\n[arrivals a]\nto = w\n"
                         "rate = 9/d\n[unit w]\ncapacity = 10\nstay = exp(1d)\n",
                         "", &err),
                     0);
    assert_string_equal(err, "");
    free(err);
}

static void no_places_divert_or_lose(void **s) {
    (void)s;
    char *err = NULL;
    assert_int_equal(run("cap0div",
                         "[scenario]\nhorizon = 100d\n[arrivals a]\nto = w\nrate = 10/d\n"
                         "[unit w]\ncapacity = 0\nstay = exp(2d)\nwhen_full = divert v\n"
                         "[unit v]\ncapacity = 0\nstay = exp(1d)\nwhen_full = lose\n",
                         "--replications 2", &err),
                     0);
    free(err);
    struct tu_row in, lost;
    assert_int_equal(tu_summary(out_of("cap0div"), "", "arrivals", &in), 0);
    assert_int_equal(tu_summary(out_of("cap0div"), "", "lost", &lost), 0);
    assert_true(in.mean > 9);
    assert_close(lost.mean, in.mean, 0); /* everyone diverted, then lost; nobody stuck */
    no_nan_or_inf(out_of("cap0div"));
}

static void infinite_capacities_everywhere(void **s) {
    (void)s;
    char *err = NULL;
    assert_int_equal(run("allinf",
                         "[scenario]\nhorizon = 100d\n[arrivals a]\nto = ae\nrate = 50/d\n"
                         "[unit ae]\ncapacity = inf\nstay = exp(3h)\nnext = acute 0.5, exit 0.5\n"
                         "[unit acute]\ncapacity = inf\nstay = lognormal(5d, 4d)\n"
                         "next = home 1\n[unit home]\ncapacity = inf\nstay = exp(10d)\n"
                         "readmit = 0.1\nreadmit_after = exp(30d)\n",
                         "--replications 2", &err),
                     0);
    free(err);
    no_nan_or_inf(out_of("allinf"));
    /* inf where a finite number is needed: said so, with the key. */
    const char *bad[][2] = {
        {"horizon = inf", "horizon: expected a duration"},
        {"rate = inf", "rate: expected a rate like 300/d"},
        {"stay = exp(inf)", "stay: exp: argument 1: expected a duration"},
        {"rate = 1e300/d", "rate: expected at most 10000000 arrivals a day"},
        {"stay = lognormal(1d, 1e300d)", "stay: lognormal(MEAN, SD) needs SD at most 10^8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[scenario]\n%s\n[arrivals a]\nto = w\n%s\n[unit w]\ncapacity = 3\n%s\n",
                 strncmp(bad[i][0], "horizon", 7) ? "horizon = 10d" : bad[i][0],
                 strncmp(bad[i][0], "rate", 4) ? "rate = 1/d" : bad[i][0],
                 strncmp(bad[i][0], "stay", 4) ? "stay = exp(1d)" : bad[i][0]);
        assert_int_equal(run("infbad", text, "", &err), 2);
        if (!strstr(err, bad[i][1])) fail_msg("%s: got '%s'", bad[i][0], err);
        free(err);
    }
}

static void horizons_short_and_long(void **s) {
    (void)s;
    char *err = NULL;
    /* Shorter than one report interval: one (short) bucket. */
    assert_int_equal(run("short",
                         "[scenario]\nhorizon = 12h\n[arrivals a]\nto = w\nrate = 10/d\n"
                         "[unit w]\ncapacity = 3\nstay = exp(2d)\n",
                         "--replications 1", &err),
                     0);
    free(err);
    struct tu_row r;
    assert_int_equal(tu_summary(out_of("short"), "w", "occupancy", &r), 0);
    assert_true(r.mean > 0);
    assert_int_equal(r.n, 1); /* one replication: no sd, no interval (empty, not NaN) */
    assert_true(r.sd != r.sd && r.lo != r.lo);
    no_nan_or_inf(out_of("short"));
    /* The warm-up must end before the horizon. */
    assert_int_equal(run("warm",
                         "[scenario]\nhorizon = 100d\nwarmup = 100d\n[arrivals a]\nto = w\n"
                         "rate = 10/d\n[unit w]\ncapacity = 3\nstay = exp(2d)\n",
                         "", &err),
                     2);
    assert_non_null(strstr(err, "warm.ini:3: warmup: expected a warm-up shorter than the horizon"));
    free(err);
    /* Twenty years, daily buckets. */
    assert_int_equal(run("twenty",
                         "[scenario]\nhorizon = 7300d\n[arrivals a]\nto = w\nrate = 20/d\n"
                         "[unit w]\ncapacity = 30\nstay = exp(1d)\nnext = v 0.2, exit 0.8\n"
                         "[unit v]\ncapacity = 40\nstay = exp(30d)\n",
                         "--replications 2", &err),
                     0);
    free(err);
    char path[4300];
    snprintf(path, sizeof path, "%s/timeseries.csv", out_of("twenty"));
    char *ts = tu_read(path);
    assert_non_null(strstr(ts, "twenty,2,7299,2044-12-")); /* the last day of the last run */
    free(ts);
    no_nan_or_inf(out_of("twenty"));
}

static void ten_thousand_replications(void **s) {
    (void)s;
    char *err = NULL;
    assert_int_equal(run("many",
                         "[scenario]\nhorizon = 2d\n[arrivals a]\nto = w\nrate = 5/d\n"
                         "[unit w]\ncapacity = 2\nstay = exp(1d)\n",
                         "--replications 10000", &err),
                     0);
    free(err);
    struct tu_row r;
    assert_int_equal(tu_summary(out_of("many"), "w", "occupancy", &r), 0);
    assert_int_equal(r.n, 10000);
    assert_true(r.hi - r.lo < 0.05 * r.mean); /* a tight interval from so many */
    no_nan_or_inf(out_of("many"));
}

/* Issue 12's tiny-rate case: a rare stream with an hour-of-week profile, and an ordinary one
 * switched almost off by a by_date multiplier of 1e-10, each walked the profile an hour at a
 * time for ever. Both now run at once with (almost) no arrivals; a hang fails by the test's
 * timeout (tests/CMakeLists.txt). */
static void tiny_rates_run_at_once_with_almost_no_arrivals(void **s) {
    (void)s;
    char path[4300], how[8192] = "hour,multiplier\n";
    for (int h = 0; h < 168; h++) {
        size_t n = strlen(how);
        snprintf(how + n, sizeof how - n, "%d,%.17g\n", h, 1 + (h % 24) / 24.0);
    }
    snprintf(path, sizeof path, "%s/how.csv", dir);
    tu_write(path, how);
    snprintf(path, sizeof path, "%s/bydate.csv", dir);
    tu_write(path, "date,multiplier\n2025-01-10,1e-10\n");
    char *err = NULL;
    assert_int_equal(run("how_rate",
                         "[scenario]\nhorizon = 30d\nreplications = 2\n[arrivals rare]\nto = ward\n"
                         "rate = 1e-9/d\nhour_of_week = how.csv\n[unit ward]\ncapacity = 50\n"
                         "stay = lognormal(2d, 1d)\n",
                         "", &err),
                     0);
    free(err);
    struct tu_row r;
    assert_int_equal(tu_summary(out_of("how_rate"), "", "arrivals", &r), 0);
    assert_close(r.mean, 0, 0);
    no_nan_or_inf(out_of("how_rate"));
    /* Rate 20/d from the start (Monday 6 January) to Friday 10 January, then 2e-9/d. */
    assert_int_equal(run("bydate",
                         "[scenario]\nhorizon = 30d\nreplications = 2\n[arrivals a]\nto = ward\n"
                         "rate = 20/d\nby_date = bydate.csv\n[unit ward]\ncapacity = 50\n"
                         "stay = lognormal(2d, 1d)\n",
                         "", &err),
                     0);
    free(err);
    assert_int_equal(tu_summary(out_of("bydate"), "", "arrivals", &r), 0);
    assert_close(r.mean * 30, 80, 5 * sqrt(80)); /* four days' worth, nothing after */
    no_nan_or_inf(out_of("bydate"));
}

/* Peak RSS (KB) of a flowsim run. A helper process runs it and reports getrusage of its own
 * children, so the runs of the other tests (children of this process) do not count. */
static long peak_kb(const char *args) {
    char line[16384];
    snprintf(line, sizeof line, "'%s' %s", FLOWSIM_BIN, args);
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        long kb = -1;
        if (system(line) == 0) {
            struct rusage ru;
            getrusage(RUSAGE_CHILDREN, &ru);
            kb = ru.ru_maxrss;
        }
        if (write(fd[1], &kb, sizeof kb) != (ssize_t)sizeof kb) _exit(1);
        _exit(0);
    }
    close(fd[1]);
    long kb = -1;
    assert_int_equal(read(fd[0], &kb, sizeof kb), (ssize_t)sizeof kb);
    close(fd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(kb > 0); /* the run succeeded */
    return kb;
}

/* The soak's results are most of what the suite writes (860 MB of daily rows): removed once
 * measured, so that a CI machine short of disk runs the rest. */
static void drop_folder(const char *name) {
    char rm[8300];
    snprintf(rm, sizeof rm, "rm -rf '%s/%s'", dir, name);
    assert_int_equal(system(rm), 0);
}

/* A soak in small: ten years of the Birmingham scenario, 6 and then 18 replications. Memory
 * follows the patients in the system, not the length of the run or the number of replications
 * (bench/RESULTS.md records the full 200-replication soak). On one thread: on several, the peak
 * also holds the finished replications waiting for a slower one (up to the runner's window, 4
 * a thread, each with its time series), which scheduling decides run by run (with 2 threads,
 * 16 replications peaked anywhere from 16.5 to 19.2 MB against 16.0 for 4); one thread
 * measures what a replication count could leak, the same every run. The allocator's heap settles
 * over the first few (1, 2, 3, 6, 12 replications peaked at 7.5, 10.8, 15.2, 17.7, 18.4 MB), so
 * the fewer is 6. */
static void soak_memory_is_flat(void **s) {
    (void)s;
#ifdef FLOWSIM_SANITIZED
    skip(); /* ASan's memory is not the program's; the plain build measures it */
#endif
    char args[8192];
    const char *bham = tu_src("scenarios/birmingham-2017-18/birmingham.ini");
    snprintf(args, sizeof args,
             "run '%s' -o '%s/soak6' --replications 6 --threads 1 --quiet "
             "--set scenario.horizon=3770d",
             bham, dir);
    long few = peak_kb(args);
    drop_folder("soak6");
    snprintf(args, sizeof args,
             "run '%s' -o '%s/soak18' --replications 18 --threads 1 --quiet "
             "--set scenario.horizon=3770d",
             bham, dir);
    long many = peak_kb(args);
    drop_folder("soak18");
    print_message("soak: peak RSS %ld KB for 6 replications, %ld KB for 18\n", few, many);
    /* the allocator's heap settles over tens of replications (a build here: 17.7, 18.6, 19.5
     * MB for 6, 18, 36; at 200 days 14.6 and 14.8 MB for 50 and 100), and each replication
     * keeps its diagnostics row (a few KB): far under a run's time series a replication */
    assert_true(many < 1.25 * few);
}

/* Limits of models/limits.h that only a file of seconds' reading reaches (the rest:
 * tests/test_scenario.c, too_many_groups_or_units_are_refused_with_the_limit): each refused at
 * the first row beyond it, with the limit named. */
static char lerr[4200];

static struct scenario *load_big(const char *name, const char *text) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    tu_write(p, text);
    return scenario_load(p, NULL, 0, lerr, sizeof lerr);
}

static void limits_reached_only_by_big_files(void **s) {
    (void)s;
    const char *err = lerr;
    /* 10,001 units (a chain): refused at the 10,001st, quickly. Not through expect_error,
     * whose inputs become fuzzer seeds (this one is 500 KB). */
    size_t cap = 64 << 20, len = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    len += (size_t)snprintf(big + len, cap - len,
                            "[scenario]\nhorizon = 5d\n[arrivals a]\nto = u0\nrate = 20/d\n");
    for (int u = 0; u < 10001; u++)
        len += (size_t)snprintf(big + len, cap - len, "[unit u%d]\nstay = exp(1h)\nnext = u%d 1\n",
                                u, u + 1 < 10001 ? u + 1 : 0);
    assert_null(load_big("units10001.ini", big));
    char want[4200];
    snprintf(want, sizeof want,
             "%s/units10001.ini:30006: [unit u10000]: expected at most 10000 units (there are "
             "10001)",
             dir);
    assert_string_equal(err, want);
    /* 40,000 sections: refused while the file is read, at the first beyond every kind's
     * limit together, before the reading cost (a square of the sections) grows. */
    len = (size_t)snprintf(big, cap, "[scenario]\nhorizon = 5d\n");
    for (int u = 0; u < 40000; u++)
        len += (size_t)snprintf(big + len, cap - len, "[unit u%d]\nstay = exp(1h)\n", u);
    assert_null(load_big("sections.ini", big));
    snprintf(want, sizeof want,
             "%s/sections.ini:60161: [u30079]: expected at most 30080 sections (units, "
             "transfers, arrivals, groups and the rest: models/limits.h)",
             dir);
    assert_string_equal(err, want);
    free(big);

    /* The rows of all tables together (a table counted each time a key names it): 5 streams
     * naming one 900,000-row table are 4.5 M rows. */
    char tpath[4200];
    snprintf(tpath, sizeof tpath, "%s/rows.csv", dir);
    FILE *tf = fopen(tpath, "w");
    assert_non_null(tf);
    long day0;
    assert_int_equal(val_date("2025-01-01", &day0, tpath, 1), 0);
    for (long r = 0; r < 900000; r++) {
        char day[11];
        val_format_date(day0 + r, day);
        fprintf(tf, "%s,1\n", day);
    }
    fclose(tf);
    big = malloc(cap);
    len = (size_t)snprintf(big, cap, "[scenario]\nhorizon = 3d\n[unit w]\nstay = exp(1d)\n");
    for (int a = 0; a < 5; a++)
        len += (size_t)snprintf(big + len, cap - len,
                                "[arrivals a%d]\nto = w\nrate = 1/d\nby_date = rows.csv\n", a);
    assert_null(load_big("rows.ini", big));
    free(big);
    if (!strstr(err, "rows.ini:24: by_date: ")) fail_msg("%s", err);
    assert_non_null(strstr(err, "rows.csv: expected at most 4000000 rows in all the scenario's "
                                "tables together (a table counts each time a key names it; "
                                "there are 4500000 so far)"));
}

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_extremes");
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_places_queue_runs_to_the_horizon_and_warns),
        cmocka_unit_test(no_places_divert_or_lose),
        cmocka_unit_test(infinite_capacities_everywhere),
        cmocka_unit_test(horizons_short_and_long),
        cmocka_unit_test(ten_thousand_replications),
        cmocka_unit_test(tiny_rates_run_at_once_with_almost_no_arrivals),
        cmocka_unit_test(soak_memory_is_flat),
        cmocka_unit_test(limits_reached_only_by_big_files),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
