/* Chart axes (output/axis.h): nice ticks over zero, tiny, huge, negative, mixed, equal and
 * one-ulp-apart ranges — the ticks cover the data, stay within the bound, step by 1, 2 or 5 x
 * 10^k and have distinct labels, never "-0" — ranges cut to a metric's bounds, month-start date
 * ticks; and end to end, the reports of run, compare and sweep with an all-zero metric and with
 * huge costs stay in proportion to their charts (at most 2 x AXIS_MAX_TICKS gridlines a chart,
 * the winter compare drew 2,021). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/value.h"
#include "output/axis.h"
#include "testutil.h"

/* Every promise of axis.h about an axis made for data [lo, hi] with target ticks. */
static void check_axis(double lo, double hi, int target, const struct axis *ax) {
    double a = fmin(lo, hi), b = fmax(lo, hi);
    int bound = 2 * target < AXIS_MAX_TICKS ? 2 * target : AXIS_MAX_TICKS;
    if (!(ax->count >= 2 && ax->count <= bound))
        fail_msg("[%g, %g]: %d ticks, expected 2..%d", lo, hi, ax->count, bound);
    assert_true(isfinite(ax->min) && isfinite(ax->max) && ax->min < ax->max);
    /* The ticks cover the data, the first and last are the axis' ends. */
    if (!(ax->min <= a && b <= ax->max))
        fail_msg("[%g, %g] not within the axis [%g, %g]", lo, hi, ax->min, ax->max);
    assert_true(axis_tick(ax, 0) == ax->min);
    assert_true(axis_tick(ax, ax->count - 1) == ax->max);
    /* The step is 1, 2 or 5 x 10^exp. */
    assert_true(ax->mant == 1 || ax->mant == 2 || ax->mant == 5);
    assert_close(ax->step / (ax->mant * pow(10, ax->exp)), 1, 1e-15);
    char prev[32] = "", cur[32];
    for (int i = 0; i < ax->count; i++) {
        double t = axis_tick(ax, i);
        if (i) assert_true(t > axis_tick(ax, i - 1));
        int n = axis_label(ax, i, cur, sizeof cur);
        assert_true(n > 0 && n < (int)sizeof cur);
        if (!strcmp(cur, prev))
            fail_msg("[%g, %g]: ticks %d and %d both '%s'", lo, hi, i - 1, i, cur);
        if (cur[0] == '-' && strspn(cur + 1, "0.") == strlen(cur + 1))
            fail_msg("[%g, %g]: label '%s'", lo, hi, cur);
        /* The label reads back as the tick, to the step's precision. */
        assert_true(fabs(strtod(cur, NULL) - t) <= ax->step * 1e-6);
        memcpy(prev, cur, sizeof cur);
    }
}

static struct axis nice(double lo, double hi, int target) {
    struct axis ax;
    assert_int_equal(axis_nice(lo, hi, target, &ax), AXIS_OK);
    check_axis(lo, hi, target, &ax);
    return ax;
}

static void ticks_cover_any_range(void **s) {
    (void)s;
    static const double r[][2] = {
        {0, 0},
        {0, 1e-300},
        {1e-300, 3e-300},
        {0, 1e300},
        {-1e300, 1e300},
        {1e300, 1e300},
        {-5, -2},
        {-3, 7},
        {0, 100},
        {90, 97.5},
        {1, 1},
        {-2, -2},
        {1e-9, 1e-9},
        {0, 5e-324},
        {5e-324, 5e-324},
        {-AXIS_MAX_ABS, AXIS_MAX_ABS},
        {AXIS_MAX_ABS, AXIS_MAX_ABS},
        {1e6, 1e6 + 1e-6},
        {12345.678, 12345.679},
        {-0.0, 0},
        {0.1, 0.3},
        {1e15, 1.0000001e15},
    };
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        for (int target = 2; target <= AXIS_MAX_TICKS + 2; target++) {
            nice(r[i][0], r[i][1], target);
            nice(r[i][1], r[i][0], target); /* either order */
        }
    /* One ulp apart, at every scale. */
    for (double x = 1e-300; x < 1e300; x *= 7.3) {
        nice(x, nextafter(x, INFINITY), 5);
        nice(-x, nextafter(-x, 0), 5);
    }
}

static void known_answers(void **s) {
    (void)s;
    /* Heckbert's own: 0..100 with 5 ticks steps by 20 (range 100, 100/4 = 25 rounds to 20). */
    struct axis ax = nice(0, 100, 5);
    assert_true(ax.min == 0 && ax.max == 100 && ax.mant == 2 && ax.exp == 1);
    /* Zero is [0, 1]; a single value v is [0, 2v] (or [2v, 0]). */
    ax = nice(0, 0, 5);
    assert_true(ax.min == 0 && ax.max == 1);
    ax = nice(3, 3, 5);
    assert_true(ax.min == 0 && ax.max == 6);
    ax = nice(-1e300, -1e300, 5);
    assert_true(ax.min == -2e300 && ax.max == 0);
    /* Labels: decimals to the step, scientific for the extremes, 0 plain. */
    char b[32];
    ax = nice(0, 1, 5);
    axis_label(&ax, 1, b, sizeof b);
    assert_string_equal(b, "0.2");
    ax = nice(0, 1e300, 5);
    axis_label(&ax, 0, b, sizeof b);
    assert_string_equal(b, "0");
    axis_label(&ax, 1, b, sizeof b);
    assert_string_equal(b, "2e299");
    ax = nice(0, 1e-6, 5);
    axis_label(&ax, 1, b, sizeof b);
    assert_string_equal(b, "2e-7");
    ax = nice(0, 2e7, 5);
    axis_label(&ax, 1, b, sizeof b);
    assert_string_equal(b, "5e6");
    ax = nice(0, 1e6, 5);
    axis_label(&ax, 5, b, sizeof b);
    assert_string_equal(b, "1000000");
    ax = nice(-7, 3, 5);
    axis_label(&ax, 0, b, sizeof b);
    assert_string_equal(b, "-8");
    ax = nice(1e6, 1e6 + 1e-6, 5);
    axis_label(&ax, 1, b, sizeof b);
    assert_string_equal(b, "1.0000000000005e6");
}

static void nonsense_is_refused(void **s) {
    (void)s;
    struct axis ax;
    assert_int_equal(axis_nice(NAN, 1, 5, &ax), AXIS_EDOMAIN);
    assert_int_equal(axis_nice(0, INFINITY, 5, &ax), AXIS_EDOMAIN);
    assert_int_equal(axis_nice(-INFINITY, 0, 5, &ax), AXIS_EDOMAIN);
    assert_int_equal(axis_nice(0, DBL_MAX, 5, &ax), AXIS_ERANGE);
    assert_int_equal(axis_nice_within(0, 1, 5, 1, 0, &ax), AXIS_EDOMAIN);
    assert_int_equal(axis_nice_within(0, 1, 5, NAN, 1, &ax), AXIS_EDOMAIN);
    struct axis_date_tick t[AXIS_MAX_TICKS];
    int n;
    assert_int_equal(axis_dates(0, 0, NAN, 6, t, &n), AXIS_EDOMAIN);
    assert_int_equal(axis_dates(0, 5, 1, 6, t, &n), AXIS_EDOMAIN);
    assert_int_equal(axis_dates(0, 0, 1e300, 6, t, &n), AXIS_ERANGE);
    assert_int_equal(n, 0);
}

/* Cut to a metric's range: a percentage never above 100, a count never below 0. */
static void ranges_are_cut_to_the_metric(void **s) {
    (void)s;
    struct axis ax;
    assert_int_equal(axis_nice_within(0, 104, 5, 0, 100, &ax), AXIS_OK);
    assert_true(ax.min == 0 && ax.max == 100 && axis_tick(&ax, ax.count - 1) == 100);
    assert_int_equal(axis_nice_within(-3, 40, 5, 0, INFINITY, &ax), AXIS_OK);
    assert_true(ax.min == 0 && axis_tick(&ax, 0) == 0);
    assert_int_equal(axis_nice_within(100, 100, 5, 0, 100, &ax), AXIS_OK);
    assert_true(ax.min == 0 && ax.max == 100);
    /* Hours a day: steps of 5 reach 25, cut at 24 with the ticks inside. */
    assert_int_equal(axis_nice_within(0, 24, 5, 0, 24, &ax), AXIS_OK);
    assert_true(ax.max == 24 && axis_tick(&ax, ax.count - 1) <= 24 && ax.count >= 2);
    for (int i = 0; i < ax.count; i++) assert_true(axis_tick(&ax, i) >= 0);
    /* Anything with no bounds is axis_nice. */
    struct axis bx;
    assert_int_equal(axis_nice_within(-1e300, 3, 5, -INFINITY, INFINITY, &ax), AXIS_OK);
    assert_int_equal(axis_nice(-1e300, 3, 5, &bx), AXIS_OK);
    assert_true(ax.min == bx.min && ax.max == bx.max && ax.mant == bx.mant && ax.exp == bx.exp &&
                ax.first == bx.first && ax.count == bx.count);
}

static long day(const char *iso) {
    long d;
    char err[256];
    assert_int_equal(val_date(iso, &d, err, sizeof err), 0);
    return d;
}

/* Each tick is the first of a month (or a day tick), in order, within [x0, x1], on the
 * interval's calendar alignment. */
static int dates(long start, double x0, double x1, int target, struct axis_date_tick *t) {
    int n;
    assert_int_equal(axis_dates(start, x0, x1, target, t, &n), AXIS_OK);
    assert_true(n >= 0 && n <= AXIS_MAX_TICKS && n <= (target < 2 ? 2 : target));
    for (int i = 0; i < n; i++) {
        assert_true(t[i].x >= x0 && t[i].x <= x1);
        if (i) assert_true(t[i].x > t[i - 1].x);
    }
    return n;
}

static void date_ticks_fall_on_month_starts(void **s) {
    (void)s;
    struct axis_date_tick t[AXIS_MAX_TICKS];
    long start = day("2025-10-06"); /* the demo's */
    /* 485 days: every 3 months, on January, April, July and October. */
    int n = dates(start, 0, 485, 6, t);
    assert_int_equal(n, 5);
    const char *want[] = {"Jan 2026", "Apr 2026", "Jul 2026", "Oct 2026", "Jan 2027"};
    for (int i = 0; i < n; i++) {
        assert_string_equal(t[i].label, want[i]);
        long y;
        unsigned m, d;
        val_civil_of(start + (long)t[i].x, &y, &m, &d);
        assert_int_equal(d, 1);
        assert_int_equal((m - 1) % 3, 0);
    }
    assert_true(t[0].x == (double)(day("2026-01-01") - start));
    /* A winter (five months from the warm-up's end): monthly. */
    n = dates(start, 60, 210, 6, t);
    assert_int_equal(n, 5);
    assert_string_equal(t[0].label, "Jan 2026");
    /* Ten years: every 2 years on 1 January; a century: every 20. */
    n = dates(start, 0, 3653, 6, t);
    assert_string_equal(t[0].label, "2026");
    assert_string_equal(t[1].label, "2028");
    n = dates(start, 0, 36525, 6, t);
    assert_true(n >= 3 && n <= 6);
    assert_string_equal(t[0].label, "2040");
    /* The longest axis: still at most target ticks. */
    n = dates(start, -AXIS_MAX_DAYS, AXIS_MAX_DAYS, 8, t);
    assert_true(n >= 2);
    /* Six weeks: day ticks every 14 days, on Mondays. */
    n = dates(start, 0, 42, 6, t);
    assert_true(n >= 3);
    for (int i = 0; i < n; i++) assert_int_equal(val_weekday(start + (long)t[i].x), 0);
    assert_string_equal(t[0].label, "13 Oct 2025");
    /* Within a day: nothing to mark; a day and a half: one midnight. */
    assert_int_equal(dates(start, 0.25, 0.75, 6, t), 0);
    assert_int_equal(dates(start, 0.5, 2, 6, t), 2);
}

/* ---- end to end: the reports stay in proportion ---------------------------------------------- */

static int count(const char *text, const char *what) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

/* A report's size and gridlines: at most 2 x AXIS_MAX_TICKS gridlines a chart (an x and a y
 * axis; the forest plot's per panel), no tick label of the old absolute tolerances' kind, and
 * under 12 KB a chart and 8 KB its data table besides 8 KB of page (a year's daily series is
 * about 9 KB a chart as paths). */
static void check_report(const char *dir) {
    char path[4200];
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = tu_read(path);
    assert_non_null(html);
    int charts = count(html, "<svg"), grid = count(html, "class=\"grid\"");
    size_t size = strlen(html);
    print_message("%s: %zu bytes, %d charts, %d gridlines\n", dir, size, charts, grid);
    assert_true(charts >= 2);
    assert_true(grid <= (charts + count(html, "class=\"zero\"")) * 2 * AXIS_MAX_TICKS);
    /* Every chart's own count: between one <svg and the next. */
    for (const char *p = strstr(html, "<svg"); p; p = strstr(p + 4, "<svg")) {
        const char *end = strstr(p, "</svg>");
        assert_non_null(end);
        int n = 0, panels = 0; /* the forest plot: a panel per metric, each with its 0 line */
        for (const char *q = p; (q = strstr(q, "class=\"grid\"")) && q < end; q++) n++;
        for (const char *q = p; (q = strstr(q, "class=\"zero\"")) && q < end; q++) panels++;
        if (n > 2 * AXIS_MAX_TICKS * (panels ? panels : 1))
            fail_msg("%s: a chart with %d gridlines", dir, n);
    }
    assert_null(strstr(html, ">1e-09<"));
    assert_null(strstr(html, ">-1e-12<"));
    assert_null(strstr(html, ">-0<"));
    assert_null(strstr(html, "nan"));
    /* No infinite number drawn or tabled (the command in the run's table may say "inf"). */
    assert_null(strstr(html, "inf</text>"));
    assert_null(strstr(html, ">inf<"));
    assert_null(strstr(html, ">-inf<"));
    /* 12 KB a chart and 8 KB for its data table (at most 61 rows, report_charts.c). */
    assert_true(size <= 8192 + (size_t)charts * (12288 + 8192));
    free(html);
}

static char cmd[16384];

/* An all-zero headline (no delays to count with unlimited places downstream) and huge costs
 * (1e9 a place-day, the most a scenario may give: cost_per_day near 1e12), through run, compare
 * and sweep. Beyond any scenario's (1e300, 1e308): zero_and_huge_by_hand. */
static void reports_stay_in_proportion(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("test_axis");
    char base[4096], plan[4096];
    snprintf(base, sizeof base, "%s", tu_src("scenarios/winter/baseline.ini"));
    snprintf(plan, sizeof plan, "%s", tu_src("scenarios/winter.ini"));
    const char *zero = "--set reablement.capacity=inf --set eab.capacity=inf "
                       "--set care_home.capacity=inf",
               *huge = "--set acute.cost_per_place_day=1e9 --set eab.cost_per_place_day=1e9";
    const char *cases[][2] = {{"zero", zero}, {"huge", huge}};
    for (int c = 0; c < 2; c++) {
        const char *common = "--replications 3 --set scenario.horizon=150d --report --quiet";
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s/run-%s' %s %s", plan, dir, cases[c][0], common,
                 cases[c][1]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s/cmp-%s' %s %s", base, plan, dir,
                 cases[c][0], common, cases[c][1]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        char grid[4200];
        snprintf(grid, sizeof grid, "%s/grid-%s.csv", dir, cases[c][0]);
        FILE *g = fopen(grid, "w");
        assert_non_null(g);
        fputs("variant,acute.capacity\nsmall,200\nbig,240\n", g);
        fclose(g);
        snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s/sweep-%s' %s %s", plan, grid, dir,
                 cases[c][0], common, cases[c][1]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        const char *kinds[] = {"run", "cmp", "sweep"};
        for (int k = 0; k < 3; k++) {
            char out[4200];
            snprintf(out, sizeof out, "%s/%s-%s", dir, kinds[k], cases[c][0]);
            check_report(out);
        }
    }
}

/* Exactly zero and huge, by hand: a folder of CSVs that `flowsim report` reads. An all-zero
 * A&E metric, a cost of 1e300 and one of 1e308 (beyond any axis: not drawn, said so); an
 * all-zero time series and a huge one. */
static void zero_and_huge_by_hand(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("test_axis_hand");
    char path[4200];
    snprintf(path, sizeof path, "%s/comparison.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(
        "metric,unit,scenario,mean,ci95_low,ci95_high,diff_vs_base,diff_ci95_low,"
        "diff_ci95_high\n"
        "ae_4h_pct,ae,a,0,0,0,,,\nae_4h_pct,ae,b,0,0,0,0,0,0\n"
        "cost_per_day,,a,1e300,9e299,1.1e300,,,\ncost_per_day,,b,2e300,1e300,3e300,1e300,0,2e300\n"
        "dtoc_per_100k,,a,1e308,1e308,1e308,,,\ndtoc_per_100k,,b,0,0,0,-1e308,-1e308,-1e308\n",
        f);
    fclose(f);
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("scenario,replication,time,date,unit,metric,value\n", f);
    for (int r = 1; r <= 2; r++)
        for (int d = 0; d < 400; d++) {
            char date[11];
            val_format_date(day("2025-10-06") + d, date);
            fprintf(f, "hand,%d,%d,%s,acute,occupancy_pct,0\n", r, d, date);
            fprintf(f, "hand,%d,%d,%s,acute,delayed_days,%g\n", r, d, date, 1e300 * r);
            fprintf(f, "hand,%d,%d,%s,acute,delayed_days_x,%g\n", r, d, date, 1e300 * r);
            fprintf(f, "hand,%d,%d,%s,ae,ae_4h_pct,0\n", r, d, date);
        }
    fclose(f);
    snprintf(path, sizeof path, "%s/run-info", dir); /* what makes it a results folder */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("files = comparison.csv timeseries.csv run-info\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "report '%s' --quiet", dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    check_report(dir);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = tu_read(path);
    assert_int_equal(count(html, "Not drawn"), 1); /* dtoc_per_100k's 1e308 */
    assert_non_null(strstr(html, ">2e300<"));
    assert_non_null(strstr(html, ">Jan 2026<"));
    free(html);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ticks_cover_any_range),
        cmocka_unit_test(known_answers),
        cmocka_unit_test(nonsense_is_refused),
        cmocka_unit_test(ranges_are_cut_to_the_metric),
        cmocka_unit_test(date_ticks_fall_on_month_starts),
        cmocka_unit_test(reports_stay_in_proportion),
        cmocka_unit_test(zero_and_huge_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
