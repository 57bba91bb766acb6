/* The minimiser finds a known minimum inside its box, and respects the box; and the calibrate
 * command refuses a --vary row it could only fail on, at the start, with the row's line and the
 * scenario's reason: exit 2 and nothing written, never a search whose every point is refused
 * ending in exit 1 (a bug). One test per row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/calibrate.h"
#include "testutil.h"

static double bowl(void *ctx, const double *x) {
    (void)ctx;
    return (x[0] - 3) * (x[0] - 3) + 10 * (x[1] + 1) * (x[1] + 1);
}

static double slope(void *ctx, const double *x) {
    int *calls = ctx;
    (*calls)++;
    return x[0]; /* the minimum is at the lower bound */
}

static void finds_the_minimum(void **s) {
    (void)s;
    double low[] = {0, -5}, high[] = {10, 5}, start[] = {8, 4}, best[2], f;
    struct calib_job job = {2, low, high, start, bowl, NULL, 500, 1e-8, NULL};
    int evals = calib_minimise(&job, best, &f);
    assert_true(evals > 10 && evals <= 500);
    assert_close(best[0], 3, 1e-3);
    assert_close(best[1], -1, 1e-3);
    assert_close(f, 0, 1e-5);
}

/* What ahead is told and what f is then asked, in order. */
struct asked {
    double told[8 * 3], seen[8 * 3];
    size_t ntold, nseen;
};

static double log_point(void *ctx, const double *x) {
    struct asked *a = ctx;
    if (a->nseen < 8) memcpy(a->seen + 3 * a->nseen++, x, 3 * sizeof *x);
    return (x[0] - 1) * (x[0] - 1) + x[1] * x[1] + (x[2] + 2) * (x[2] + 2);
}

static void log_ahead(void *ctx, const double *xs, size_t k) {
    struct asked *a = ctx;
    a->ntold = k;
    memcpy(a->told, xs, k * 3 * sizeof *xs);
}

/* The points told ahead are the very ones the search asks for first, bit for bit and in order
 * (cmd_calibrate runs them at once and hands them back by exact match): the start and one
 * step along each axis, n + 1 of them, and the search that follows is the same as without. */
static void the_first_points_are_told_ahead_exactly(void **s) {
    (void)s;
    double low[] = {-5, -5, -5}, high[] = {5, 5, 5}, start[] = {0.5, 2, -1}, best[3], f;
    double best0[3], f0;
    struct asked a = {0}, b = {0};
    struct calib_job job = {3, low, high, start, log_point, &a, 200, 1e-8, log_ahead};
    int evals = calib_minimise(&job, best, &f);
    assert_int_equal(a.ntold, 4);
    assert_true(a.nseen >= 4);
    assert_memory_equal(a.told, a.seen, 4 * 3 * sizeof(double));
    job.ctx = &b;
    job.ahead = NULL;
    int evals0 = calib_minimise(&job, best0, &f0);
    assert_int_equal(evals, evals0);
    assert_memory_equal(best, best0, sizeof best);
    assert_memory_equal(a.seen, b.seen, sizeof a.seen);
}

static void stays_in_the_box(void **s) {
    (void)s;
    int calls = 0;
    double low[] = {2}, high[] = {4}, start[] = {3}, best[1], f;
    struct calib_job job = {1, low, high, start, slope, &calls, 60, 1e-12, NULL};
    int evals = calib_minimise(&job, best, &f);
    assert_int_equal(evals, calls);
    assert_true(evals <= 61);
    assert_true(best[0] >= 2 && best[0] < 2.01);
}

/* A scenario with discharge hours at the default rate (inf), capacity 30 and surge places. */
#define CAL_INI                                                                                    \
    "[scenario]\nhorizon = 20d\nreplications = 2\n[arrivals a]\nto = w\nrate = 5/d\n"              \
    "[unit w]\ncapacity = 30\nstay = exp(5d)\ndischarge_hour_of_week = ones.csv\n"                 \
    "surge_capacity = 2\nsurge_on = 0.9\nsurge_off = 0.85\n"

struct bad_vary {
    const char *test, *vary, *want; /* the sentence, VARY.csv, stderr exactly */
};

static const struct bad_vary bad_varies[] = {
    {"a rate at its default inf is refused at the start, naming the row", "w.discharge_rate,1,20\n",
     "vary.csv:2: w.discharge_rate: expected bounds the scenario takes, got low 1, which it "
     "refuses: --set w.discharge_rate=1: discharge_rate: expected a rate like 300/d, 12.5/h, 2/w "
     "or 6/y, got '1' (the key's value is inf, which has no unit for the bounds: give it a value "
     "with its unit in the scenario, such as a rate like 6/d, to vary it)\n"},
    {"a bound the key cannot take is refused at the start", "w.capacity,-3,40\n",
     "vary.csv:2: w.capacity: expected bounds the scenario takes, got low -3, which it refuses: "
     "--set w.capacity=-3: capacity: expected a whole number >= 0 or 'inf', got '-3'\n"},
    {"a bound that breaks another key is refused at the start", "w.surge_on,0.8,0.95\n",
     "vary.csv:2: w.surge_on: expected bounds the scenario takes, got low 0.8, which it refuses: "
     "cal.ini:13: surge_off: expected surge_off <= surge_on\n"},
    {"a key varied twice is refused", "w.capacity,10,40\nw.capacity,20,50\n",
     "vary.csv:3: 'w.capacity': expected each key once (it is also on line 2)\n"},
    {"keys whose start values conflict together are refused at the start",
     "w.surge_on,0.85,0.86\nw.surge_off,0.87,0.9\n",
     "vary.csv: the varied keys at their start values together: the scenario refuses them: "
     "--set w.surge_off=0.87: surge_off: expected surge_off <= surge_on\n"},
};

static void bad_vary_row(void **state) {
    const struct bad_vary *row = *state;
    char name[64], p[4300], cd[4300], out[4300], vary[1024];
    snprintf(name, sizeof name, "calibrate_vary_%d", (int)(row - bad_varies));
    const char *dir = tu_tmpdir(name);
    char ones[168 * 2 + 1] = "";
    for (int h = 0; h < 168; h++) strcat(ones, "1\n");
    snprintf(p, sizeof p, "%s/ones.csv", dir);
    tu_write(p, ones);
    snprintf(p, sizeof p, "%s/cal.ini", dir);
    tu_write(p, CAL_INI);
    snprintf(p, sizeof p, "%s/targets.csv", dir);
    tu_write(p, "unit,metric,target\nw,occupancy_pct,80\n");
    snprintf(p, sizeof p, "%s/vary.csv", dir);
    snprintf(vary, sizeof vary, "key,low,high\n%s", row->vary);
    tu_write(p, vary);
    snprintf(cd, sizeof cd, "cd '%s' &&", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    char *o = NULL, *e = NULL;
    const char *args = "calibrate cal.ini --targets targets.csv --vary vary.csv -o out --quiet "
                       "--max-evals 3";
    int rc = tu_run_under(cd, args, &o, &e);
    if (rc != 2 || !e || strcmp(e, row->want))
        fail_msg("flowsim %s\n  exit %d, wanted 2\n  stderr: %s  wanted: %s", args, rc,
                 e ? e : "(none)\n", row->want);
    if (tu_exists(out)) fail_msg("exit 2 but wrote %s", out);
    free(o), free(e);
}

/* A target read where this point's layout has it: varying surge_capacity from 0 (to 1 to 3) adds
 * ward w's surge metrics, which came before unit z's in the layout, and z's target was read from
 * the slot of the scenario as given, another metric. z does not depend on w (its own stream), so
 * the figure achieved is z's own, as a run gives it. */
static void targets_read_where_each_point_has_them(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("calibrate_layout");
    char p[4300], cmd[16384];
    snprintf(p, sizeof p, "%s/s.ini", dir);
    tu_write(p, "[scenario]\nhorizon = 40d\nreplications = 2\n[arrivals a]\nto = w\nrate = 5/d\n"
                "[unit w]\ncapacity = 20\nstay = exp(5d)\n[arrivals b]\nto = z\nrate = 3/d\n"
                "[unit z]\ncapacity = 5\nstay = exp(1d)\n");
    snprintf(p, sizeof p, "%s/t.csv", dir);
    tu_write(p, "unit,metric,target\nz,occupancy_pct,50\n");
    snprintf(p, sizeof p, "%s/v.csv", dir);
    tu_write(p, "key,low,high\nw.surge_capacity,1,3\n");
    snprintf(cmd, sizeof cmd, "cd '%s' &&", dir);
    assert_int_equal(tu_run_under(cmd,
                                  "calibrate s.ini --targets t.csv --vary v.csv -o c --quiet "
                                  "--max-evals 6",
                                  NULL, NULL),
                     0);
    assert_int_equal(tu_run_under(cmd, "run s.ini -o r --quiet", NULL, NULL), 0);
    struct tu_row row;
    snprintf(p, sizeof p, "%s/r", dir);
    assert_int_equal(tu_summary(p, "z", "occupancy_pct", &row), 0);
    snprintf(p, sizeof p, "%s/c/calibration.csv", dir);
    char *csv = tu_read(p);
    assert_non_null(csv);
    const char *t = strstr(csv, "\ntarget,z,occupancy_pct,50,");
    assert_non_null(t);
    assert_close(strtod(t + strlen("\ntarget,z,occupancy_pct,50,"), NULL), row.mean, 1e-6);
    free(csv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_minimum),
        cmocka_unit_test(stays_in_the_box),
        cmocka_unit_test(the_first_points_are_told_ahead_exactly),
        cmocka_unit_test(targets_read_where_each_point_has_them),
    };
    enum { NT = sizeof tests / sizeof *tests, NB = sizeof bad_varies / sizeof *bad_varies };
    struct CMUnitTest all[NT + NB];
    memcpy(all, tests, sizeof tests);
    for (size_t i = 0; i < NB; i++)
        all[NT + i] = (struct CMUnitTest){.name = bad_varies[i].test,
                                          .test_func = bad_vary_row,
                                          .initial_state = (void *)&bad_varies[i]};
    return cmocka_run_group_tests(all, NULL, NULL);
}
