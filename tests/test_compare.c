/* The compare and sweep commands: paired scenarios under common random numbers, their known
 * answer of exactly 0, the same bytes on any thread count, and bad variants refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/metrics.h"
#include "models/table.h"
#include "testutil.h"

static char cmd[16384];

/* A variant file in dir that extends a scenario of the source tree and adds text. */
static const char *variant_file(const char *dir, const char *name, const char *base,
                                const char *text) {
    static char path[4096];
    char body[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(body, sizeof body, "[scenario]\nextends = %s\nname = %s\n%s", tu_src(base), name,
             text);
    tu_write(path, body);
    return path;
}

/* The comparison.csv row of (metric, unit, scenario): columns 3.. as numbers (NAN if empty). */
static int comparison_row(const char *dir, const char *metric, const char *unit, const char *sc,
                          double *col) {
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/comparison.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err) != 0) fail_msg("%s", err);
    int found = 0;
    for (size_t i = 1; i < t.n && !found; i++) {
        const struct table_row *r = &t.row[i];
        const char *u = r->n > 1 ? r->field[1] : "";
        if (r->n < 4 || strcmp(r->field[0], metric) || strcmp(u, unit) || strcmp(r->field[2], sc))
            continue;
        for (size_t k = 3; k < 9; k++)
            col[k - 3] = k < r->n && *r->field[k] ? strtod(r->field[k], NULL) : NAN;
        found = 1;
    }
    table_fini(&t);
    return found;
}

static void compare_pairs_the_patients(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_compare");
    char base[4096], more[4096];
    snprintf(base, sizeof base, "%s", tu_src("tests/scenarios/ae_pressure.ini"));
    snprintf(more, sizeof more, "%s",
             variant_file(dir, "more_beds", "tests/scenarios/ae_pressure.ini",
                          "[unit acute]\ncapacity = 186\n"));
    char out1[4096], out2[4096];
    snprintf(out1, sizeof out1, "%s/out1", dir);
    snprintf(out2, sizeof out2, "%s/out2", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --threads 1", base, more, out1);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    assert_non_null(strstr(o, "vs base [95% CI]"));
    free(o), free(e);
    /* Same bytes on any number of threads. */
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --threads 2 --quiet", base, more, out2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char p1[4200], p2[4200];
    snprintf(p1, sizeof p1, "%s/comparison.csv", out1);
    snprintf(p2, sizeof p2, "%s/comparison.csv", out2);
    char *a = tu_read(p1), *b = tu_read(p2);
    assert_string_equal(a, b);
    static const char head[] = "metric,unit,scenario,mean,ci95_low,ci95_high,diff_vs_base,"
                               "diff_ci95_low,diff_ci95_high\n";
    assert_true(strncmp(a, head, strlen(head)) == 0);
    free(a), free(b);
    /* The point of common random numbers: the paired interval of the difference is far
     * narrower than the two scenarios' own intervals combined. */
    double c0[6], c1[6];
    assert_true(comparison_row(out1, "occupancy_pct", "acute", "ae_pressure", c0));
    assert_true(comparison_row(out1, "occupancy_pct", "acute", "more_beds", c1));
    double unpaired = sqrt(pow((c0[2] - c0[1]) / 2, 2) + pow((c1[2] - c1[1]) / 2, 2));
    double paired = (c1[5] - c1[4]) / 2;
    print_message("acute occupancy_pct: paired half-width %.4g, unpaired %.4g\n", paired, unpaired);
    assert_true(c1[5] < 0);              /* 8 more beds: a lower occupancy, resolved exactly */
    assert_true(paired < unpaired / 10); /* here about 30 times narrower */
    assert_true(c0[2] > c1[1]);          /* while the scenarios' own intervals overlap */
    assert_close(c1[3], c1[0] - c0[0], 1e-6 * (1 + fabs(c0[0])));
}

static void compare_known_answer_is_zero(void **s) {
    (void)s;
    /* A change that cannot matter: a unit of unlimited places given a million places it never
     * fills. Under common random numbers every patient does exactly the same, so every shared
     * metric's difference is exactly 0. */
    const char *dir = tu_tmpdir("e2e_compare_zero");
    char base[4096], same[4096], out[4096];
    snprintf(base, sizeof base, "%s",
             variant_file(dir, "base", "tests/scenarios/groups.ini",
                          "replications = 4\n[unit reablement]\ncapacity = inf\n"));
    snprintf(same, sizeof same, "%s",
             variant_file(dir, "million", "tests/scenarios/groups.ini",
                          "replications = 4\n[unit reablement]\ncapacity = 1000000\n"));
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --quiet", base, same, out);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/comparison.csv", out);
    struct table t;
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    int checked = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (strcmp(r->field[2], "million") || r->n < 7 || !*r->field[6]) continue;
        assert_string_equal(r->field[6], "0");
        checked++;
    }
    table_fini(&t);
    assert_true(checked > 50);
    /* A bad variant stops everything before it runs: exit 2, no results folder. */
    char bad[4096], out2[4096];
    snprintf(bad, sizeof bad, "%s",
             variant_file(dir, "bad", "tests/scenarios/groups.ini",
                          "[unit reablement]\ncapacity = lots\n"));
    snprintf(out2, sizeof out2, "%s/out2", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s'", base, bad, out2);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "capacity: expected a whole number >= 0 or 'inf', got 'lots'"));
    free(o), free(e);
    struct stat st;
    assert_int_not_equal(stat(out2, &st), 0);
}

static void sweep_grid_of_variants(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_sweep");
    char grid[4096], out1[4096], out2[4096];
    snprintf(grid, sizeof grid, "%s/grid.csv", dir);
    /* "again" repeats the first row under another label: a known answer of exactly 0. */
    tu_write(grid, "variant,vw.capacity,eab.capacity\nnone,0,62\nvw13,13,62\nagain,0,62\n");
    snprintf(out1, sizeof out1, "%s/out1", dir);
    snprintf(out2, sizeof out2, "%s/out2", dir);
    const char *sc = tu_src("tests/scenarios/virtual_ward.ini");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --replications 4 --threads 1 --quiet",
             sc, grid, out1);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --replications 4 --threads 2 --quiet",
             sc, grid, out2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char p1[4200], p2[4200];
    snprintf(p1, sizeof p1, "%s/sweep.csv", out1);
    snprintf(p2, sizeof p2, "%s/sweep.csv", out2);
    char *a = tu_read(p1), *b = tu_read(p2);
    assert_string_equal(a, b); /* same bytes on any thread count */
    assert_true(strncmp(a, "metric,unit,variant,", 20) == 0);
    free(a), free(b);
    /* One results folder per variant, each a complete run. */
    struct tu_row r;
    snprintf(p1, sizeof p1, "%s/vw13", out1);
    tu_summary(p1, "vw", "step_downs", &r);
    assert_true(r.mean > 1);
    /* The repeated row differs from the first by exactly 0 in every metric. */
    struct table t;
    char err[512];
    snprintf(p1, sizeof p1, "%s/sweep.csv", out1);
    assert_int_equal(table_read(p1, &t, err, sizeof err), 0);
    int zeros = 0, moved = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *row = &t.row[i];
        if (row->n < 7 || !*row->field[6]) continue;
        if (!strcmp(row->field[2], "again")) {
            assert_string_equal(row->field[6], "0");
            zeros++;
        }
        if (!strcmp(row->field[2], "vw13") && !strcmp(row->field[0], "occupancy") &&
            !strcmp(row->field[1], "acute"))
            moved = strtod(row->field[6], NULL) < -1;
    }
    table_fini(&t);
    assert_true(zeros > 50);
    assert_true(moved);
    /* A bad column, or a bad value in a row: exit 2 before anything is written. */
    char bad[4096], out3[4096];
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    snprintf(out3, sizeof out3, "%s/out3", dir);
    tu_write(bad, "variant,capacity\nx,3\n");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s'", sc, bad, out3);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "bad.csv:1: column 'capacity': expected NAME.KEY as in --set"));
    free(o), free(e);
    tu_write(bad, "variant,vw.capacity\nok,3\nbroken,three\n");
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "bad.csv:3: variant 'broken': --set vw.capacity=three: capacity: "));
    free(o), free(e);
    struct stat st;
    assert_int_not_equal(stat(out3, &st), 0);
}

/* compare's run-info names every scenario file, however many and however long their paths:
 * twenty variants at some 270 bytes each are more than any fixed line would hold. */
static void compare_run_info_names_every_file(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_compare_many");
    char sub[4096], out[4096], name[240];
    memset(name, 'c', 220);
    name[220] = 0;
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    assert_int_equal(mkdir(sub, 0777), 0);
    const char *v = variant_file(sub, "v", "tests/scenarios/virtual_ward.ini", "");
    size_t len = strlen(v);
    char *files = calloc(21 * (len + 3) + 1, 1), *want = calloc(21 * (len + 1) + 64, 1);
    strcpy(want, "scenario_files = ");
    strcat(want, tu_src("tests/scenarios/virtual_ward.ini"));
    for (int i = 0; i < 20; i++) {
        strcat(strcat(strcat(files, " '"), v), "'");
        strcat(strcat(want, " "), v);
    }
    strcat(want, "\n");
    snprintf(out, sizeof out, "%s/out", dir);
    char *args = malloc(strlen(files) + 8192);
    sprintf(args,
            "compare '%s' %s -o '%s' --replications 2 --set scenario.horizon=30d "
            "--set scenario.warmup=5d --quiet",
            tu_src("tests/scenarios/virtual_ward.ini"), files, out);
    assert_int_equal(tu_run(args, NULL, NULL), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/run-info", out);
    char *info = tu_read(path);
    assert_non_null(info);
    assert_true(strlen(want) > 4096);
    assert_non_null(strstr(info, want));
    free(info), free(args), free(files), free(want);
}

/* A sweep whose variant folders would have paths longer than any file can have (a results
 * folder deep in the tree, a long label) is refused before anything runs, never cut short. */
static void sweep_paths_too_long_are_refused(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_sweep_deep");
    /* Folders of 200 bytes down to some 3,990 bytes in all: the results folder and its staging
     * folder fit, the staging folder and a label of 120 bytes do not. */
    char deep[4200], part[256];
    snprintf(deep, sizeof deep, "%s", dir);
    while (strlen(deep) < 3985) {
        size_t left = 3985 - strlen(deep) - 1;
        size_t n = left > 200 ? 200 : left < 1 ? 1 : left;
        memset(part, 'd', n);
        part[n] = 0;
        strcat(strcat(deep, "/"), part);
        assert_int_equal(mkdir(deep, 0777), 0);
    }
    char grid[4096], label[128], text[512], prefix[4400];
    memset(label, 'v', 120);
    label[120] = 0;
    snprintf(grid, sizeof grid, "%s/grid.csv", dir);
    snprintf(text, sizeof text, "variant,acute.capacity\n%s,900\nb,950\n", label);
    tu_write(grid, text);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", deep);
    snprintf(cmd, sizeof cmd,
             "sweep '%s' --grid '%s' -o out --replications 2 --set scenario.horizon=20d "
             "--set scenario.warmup=5d --quiet",
             tu_src("scenarios/demo.ini"), grid);
    char *o, *e;
    assert_int_equal(tu_run_under(prefix, cmd, &o, &e), 2);
    assert_non_null(strstr(e, "...: path too long (more than 4095 bytes)\n"));
    free(o), free(e);
    char out[4300];
    snprintf(out, sizeof out, "%s/out", deep);
    assert_false(tu_exists(out));
}

/* A scenario of a generic ward, an acute unit and a load warning (a stay without a unit), small
 * enough to run in a moment. */
static const char *warned_scenario(const char *dir, const char *name, int beds) {
    static char path[4096];
    char body[2048];
    snprintf(path, sizeof path, "%s/%s.ini", dir, name);
    snprintf(body, sizeof body,
             "[scenario]\nname = %s\nhorizon = 60d\nwarmup = 10d\nreplications = 2\nseed = 7\n"
             "interval = 10d\n\n[arrivals door]\nto = acute\nrate = 2.5/d\n\n"
             "[unit acute]\nkind = acute\ncapacity = %d\nstay = exp(4d)\nnext = ward 1\n\n"
             "[unit ward]\ncapacity = 30\nstay = exp(3)\n",
             name, beds);
    tu_write(path, body);
    return path;
}

/* Every line of text starting with prefix, in order, prefix removed: to fs-free. */
static char *lines_with(const char *text, const char *prefix) {
    size_t n = 0, pl = strlen(prefix);
    char *out = calloc(strlen(text) + 1, 1);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, prefix, pl)) continue;
        const char *end = strchr(l, '\n');
        size_t len = end ? (size_t)(end - l) + 1 : strlen(l);
        memcpy(out + n, l + pl, len - pl);
        n += len - pl;
    }
    return out;
}

/* compare's console table and report.html show the same headline metrics, by each unit's kind
 * (the generic ward's occupancy_pct is none; the acute unit's is); levels' intervals stay inside
 * the metric's range, as summary.csv's; and the scenario's load warnings travel with every
 * variant, on stderr and in run-info. */
static void compare_headlines_intervals_and_warnings(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_compare_kinds");
    char a[4096], b[4096], out[4200], path[4300];
    snprintf(a, sizeof a, "%s", warned_scenario(dir, "base", 14));
    snprintf(b, sizeof b, "%s", warned_scenario(dir, "fewer", 12));
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --report --threads 2", a, b, out);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    assert_non_null(strstr(o, "\nacute occupancy_pct "));
    assert_null(strstr(o, "\nward occupancy_pct "));
    assert_null(strstr(o, "\nward delayed_days "));
    snprintf(path, sizeof path, "%s/report.html", out);
    char *html = tu_read(path);
    assert_non_null(html);
    assert_non_null(strstr(html, "acute: occupancy, % of places, each scenario's mean"));
    assert_non_null(strstr(html, "acute: delayed bed-days, each scenario's mean"));
    assert_null(strstr(html, "ward: occupancy, % of places, each scenario's mean"));
    assert_null(strstr(html, "ward: delayed bed-days, each scenario's mean"));
    /* The paired table likewise: the acute unit's headlines, not the ward's. */
    assert_non_null(strstr(html, "data-metric=\"occupancy_pct\" data-unit=\"acute\""));
    assert_null(strstr(html, "data-unit=\"ward\""));
    free(html);
    /* Load warnings: each variant's, prefixed, on stderr and in run-info, the same lines. */
    char want[8192];
    snprintf(want, sizeof want, "variant base: %s:21: stay: a number without a unit is days", a);
    assert_non_null(strstr(e, want));
    snprintf(path, sizeof path, "%s/run-info", out);
    char *info = tu_read(path), *w = lines_with(info, "warning = "),
         *w2 = lines_with(e, "flowsim: warning: ");
    assert_non_null(strstr(w, want));
    snprintf(want, sizeof want,
             "variant fewer: %s/fewer.ini:21: stay: a number without a unit is days", dir);
    assert_non_null(strstr(w, want));
    assert_string_equal(w, w2);
    free(info), free(w), free(w2), free(o), free(e);
    /* Every level's interval inside its range; both ends present with 2 replications. */
    snprintf(path, sizeof path, "%s/comparison.csv", out);
    struct table t;
    char err[512];
    if (table_read(path, &t, err, sizeof err) != 0) fail_msg("%s", err);
    int cut = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        double lo_b, hi_b;
        metric_bounds(r->field[0], !*r->field[1], &lo_b, &hi_b);
        if (!*table_field(r, 4)) continue;
        double lo = strtod(r->field[4], NULL), hi = strtod(r->field[5], NULL);
        if (lo < lo_b || hi > hi_b)
            fail_msg("%s %s %s: [%g, %g] outside [%g, %g]", r->field[0], r->field[1], r->field[2],
                     lo, hi, lo_b, hi_b);
        cut += lo == lo_b || hi == hi_b;
    }
    table_fini(&t);
    assert_true(cut > 0); /* with 2 replications some Student-t interval crossed a bound */
}

/* The scenario's load warnings are the same whatever the command, threads or parts: run,
 * run in two parts and merged, and sweep (prefixed by its variant). */
static void load_warnings_from_every_command(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_load_warnings");
    char ini[4096], out[4200], p1[4200], p2[4200], m[4200], sw[4200], grid[4200], path[4300];
    snprintf(ini, sizeof ini, "%s", warned_scenario(dir, "base", 14));
    snprintf(out, sizeof out, "%s/run", dir);
    snprintf(p1, sizeof p1, "%s/p1", dir);
    snprintf(p2, sizeof p2, "%s/p2", dir);
    snprintf(m, sizeof m, "%s/merged", dir);
    snprintf(sw, sizeof sw, "%s/sweep", dir);
    snprintf(grid, sizeof grid, "%s/grid.csv", dir);
    char *o, *e;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --threads 1", ini, out);
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    char *run_err = lines_with(e, "flowsim: warning: ");
    free(o), free(e);
    snprintf(path, sizeof path, "%s/run-info", out);
    char *info = tu_read(path), *run_w = lines_with(info, "warning = ");
    free(info);
    assert_non_null(strstr(run_w, "stay: a number without a unit is days"));
    assert_string_equal(run_w, run_err);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications-range 1:1 --threads 2 --quiet", ini,
             p1);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications-range 2:2 --quiet", ini, p2);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "merge '%s' '%s' -o '%s'", p2, p1, m);
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    char *merge_err = lines_with(e, "flowsim: warning: ");
    free(o), free(e);
    snprintf(path, sizeof path, "%s/run-info", m);
    info = tu_read(path);
    char *merge_w = lines_with(info, "warning = ");
    free(info);
    assert_string_equal(merge_w, run_w);
    assert_string_equal(merge_err, run_w);
    /* A sweep: each variant's folder as a run's, and the sweep's own, prefixed. */
    tu_write(grid, "variant,acute.capacity\nfourteen,14\ntwelve,12\n");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s'", ini, grid, sw);
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    snprintf(path, sizeof path, "%s/run-info", sw);
    info = tu_read(path);
    char *sweep_w = lines_with(info, "warning = "),
         *sweep_err = lines_with(e, "flowsim: warning: ");
    free(info), free(o), free(e);
    char want[8192];
    snprintf(want, sizeof want, "variant twelve: %.*s", (int)(strchr(run_w, '\n') - run_w + 1),
             run_w);
    assert_string_equal(sweep_w, sweep_err);
    assert_non_null(strstr(sweep_w, "variant fourteen: "));
    assert_non_null(strstr(sweep_w, want));
    free(run_err), free(run_w), free(merge_err), free(merge_w), free(sweep_w), free(sweep_err);
}

/* One replication gives a mean and no interval: compare's and sweep's tables say so, as the
 * CSVs' empty cells and run's empty columns do, and never print nan. */
static void one_replication_prints_no_interval_not_nan(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_compare_one");
    char out[4200], grid[4200];
    snprintf(out, sizeof out, "%s/cmp", dir);
    const char *short_run = "--set scenario.horizon=120d --set scenario.warmup=20d";
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --replications 1 %s",
             tu_src("scenarios/winter/baseline.ini"), tu_src("scenarios/winter.ini"), out,
             short_run);
    char *o, *e;
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    if (strstr(o, "nan")) fail_msg("nan in compare's table: %s", o);
    assert_non_null(strstr(o, " [no interval]"));
    assert_non_null(strstr(o, "\nno interval: too few replications with a value to give one"));
    free(o), free(e);
    snprintf(grid, sizeof grid, "%s/grid.csv", dir);
    tu_write(grid, "variant,acute.capacity\nsmall,60\nbig,80\n");
    snprintf(out, sizeof out, "%s/sweep", dir);
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --replications 1 %s",
             tu_src("scenarios/winter/baseline.ini"), grid, out, short_run);
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    if (strstr(o, "nan")) fail_msg("nan in sweep's table: %s", o);
    assert_non_null(strstr(o, " [no interval]"));
    free(o), free(e);
    /* run's table: the mean, and empty interval columns. */
    snprintf(out, sizeof out, "%s/run", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 1 %s",
             tu_src("scenarios/winter/baseline.ini"), out, short_run);
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    if (strstr(o, "nan")) fail_msg("nan in run's table: %s", o);
    free(o), free(e);
    /* With 2, intervals as before. */
    snprintf(out, sizeof out, "%s/cmp2", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --replications 2 %s",
             tu_src("scenarios/winter/baseline.ini"), tu_src("scenarios/winter.ini"), out,
             short_run);
    assert_int_equal(tu_run(cmd, &o, &e), 0);
    assert_null(strstr(o, "no interval"));
    free(o), free(e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_replication_prints_no_interval_not_nan),
        cmocka_unit_test(compare_pairs_the_patients),
        cmocka_unit_test(compare_known_answer_is_zero),
        cmocka_unit_test(sweep_grid_of_variants),
        cmocka_unit_test(compare_run_info_names_every_file),
        cmocka_unit_test(sweep_paths_too_long_are_refused),
        cmocka_unit_test(compare_headlines_intervals_and_warnings),
        cmocka_unit_test(load_warnings_from_every_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
