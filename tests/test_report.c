/* The HTML report (--report and the report command): self-contained, its charts, and drawn by a
 * real browser (headless Chromium, when installed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/metrics.h"
#include "testutil.h"

static char cmd[16384];

static int count(const char *text, const char *what) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static void report_is_self_contained(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_report");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/run' --replications 4 --report --quiet",
             tu_src("tests/scenarios/eab_referrals.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/run/report.html", dir);
    char *html = tu_read(path);
    assert_non_null(html);
    /* No network and no other file: no scripts, links, images or stylesheets from elsewhere. */
    assert_null(strstr(html, "http:"));
    assert_null(strstr(html, "https:"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "<link"));
    /* A chart per unit's occupancy, the delays by reason, A&E; a legend under each. */
    assert_true(count(html, "<svg") >= 5 + 2 + 1);
    assert_int_equal(count(html, "<svg"), count(html, "class=\"legend\""));
    assert_non_null(strstr(html, "acute: occupancy, % of places"));
    assert_non_null(strstr(html, "acute: delayed bed-days per day by reason"));
    assert_non_null(strstr(html, "ae: A&amp;E 4-hour performance"));
    assert_non_null(strstr(html, "awaiting_eab"));
    assert_non_null(strstr(html, "assessment"));
    /* The warm-up chart, from warmup.csv: acute occupancy from time 0 (Welch). */
    assert_non_null(strstr(html, "acute: occupancy from the start, for judging the warm-up"));
    free(html);
    snprintf(path, sizeof path, "%s/run/warmup.csv", dir);
    char *warm = tu_read(path);
    assert_true(strncmp(warm,
                        "scenario,replication,time,date,unit,metric,value\n"
                        "eab_referrals,1,0,2025-10-06,ae,occupancy,",
                        90) == 0);
    /* 4 replications x 300 daily intervals from time 0 x 5 units. */
    assert_int_equal(count(warm, "\n"), 1 + 4 * 300 * 5);
    free(warm);
    /* A comparison's report: each headline metric per scenario, with whiskers. */
    char base[4096]; /* tu_src reuses one buffer: copy before the second call */
    snprintf(base, sizeof base, "%s", tu_src("scenarios/winter/baseline.ini"));
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s/cmp' --report --quiet", base,
             tu_src("scenarios/winter.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/cmp/report.html", dir);
    html = tu_read(path);
    assert_non_null(strstr(html, "<h1>winter-baseline vs winter-plan</h1>"));
    assert_true(count(html, "class=\"whisker\"") >= 8);
    /* A marker per whisker, and one per paired difference in the forest plot. */
    assert_int_equal(count(html, "<circle"), count(html, "class=\"whisker\"") +
                                                 count(html, "class=\"excl\"") +
                                                 count(html, "class=\"incl\""));
    free(html);
    /* Nothing to report on: exit 2. */
    char *o, *e;
    snprintf(cmd, sizeof cmd, "report '%s'", dir);
    assert_int_equal(tu_run(cmd, &o, &e), 2);
    assert_non_null(strstr(e, "no timeseries.csv, comparison.csv or sweep.csv to report on"));
    free(o), free(e);
}

/* The report really renders: Debian's Chromium, headless and offline, draws it. */
/* A unit whose band is never defined (a virtual ward with no patients: every interval's value
 * empty) gets no band path: d="Z", a path of no point, is not SVG and Chromium says so. */
static void an_empty_band_draws_no_path(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("e2e_report_band");
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s/run' --replications 3 --report --quiet "
             "--set scenario.horizon=120d --set scenario.warmup=10d",
             tu_src("scenarios/virtual-wards/vw0.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/run/report.html", dir);
    char *html = tu_read(path);
    assert_non_null(html);
    assert_true(count(html, "class=\"band\"") > 0); /* the other units' bands are there */
    assert_null(strstr(html, "d=\"Z\""));
    assert_null(strstr(html, "d=\"\""));
    free(html);
}

static void report_renders_in_chromium(void **s) {
    (void)s;
    if (system("command -v chromium >/dev/null 2>&1") != 0) {
        print_message("SKIPPED: chromium is not installed (apt-get install chromium); the "
                      "report's browser test did not run\n");
        skip();
    }
    const char *dir = tu_tmpdir("e2e_chromium");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --replications 3 --report --quiet",
             tu_src("scenarios/demo.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    const char *flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                        "--disable-background-networking --disable-component-update "
                        "--disable-sync --hide-scrollbars";
    char line[16384], dom[4200], png[4200];
    snprintf(dom, sizeof dom, "%s/dom.html", dir);
    snprintf(png, sizeof png, "%s/report.png", dir);
    snprintf(line, sizeof line,
             "timeout 120 chromium %s --user-data-dir='%s/profile' --dump-dom "
             "'file://%s/report.html' > '%s' 2>/dev/null",
             flags, dir, dir, dom);
    assert_int_equal(system(line), 0);
    char *text = tu_read(dom);
    assert_non_null(text);
    /* The DOM Chromium built holds the charts: 5 occupancy, 4 delay and 1 A&E chart. */
    int charts = count(text, "<svg"), paths = count(text, "<path");
    print_message("chromium: %d charts, %d paths\n", charts, paths);
    assert_true(charts >= 8);
    assert_true(paths > charts); /* every chart has its lines, bands or stacks */
    free(text);
    snprintf(line, sizeof line,
             "timeout 120 chromium %s --user-data-dir='%s/profile' --window-size=900,1400 "
             "--screenshot='%s' 'file://%s/report.html' >/dev/null 2>&1",
             flags, dir, png, dir);
    assert_int_equal(system(line), 0);
    struct stat st;
    assert_int_equal(stat(png, &st), 0);
    assert_true(st.st_size > 20000); /* a picture with charts in it, not an empty page */
}

/* The report tells a unit's kind, for the headline rule, from comparison.csv's rows: the kinds
 * with headline metrics (acute, ae) each report a metric only they report (the registry's
 * MW_ACUTE, MW_AE). A headline for another kind would need another way (output/report.c,
 * base_kinds): this fails first. */
static void headline_kinds_are_told_by_their_rows(void **s) {
    (void)s;
    int acute_only = 0, ae_only = 0;
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        if (d->headline & ~(MH_ACUTE | MH_AE | MH_SYSTEM))
            fail_msg("%s is a headline of a kind output/report.c cannot tell", d->name);
        acute_only += d->scope == MS_UNIT && d->when == MW_ACUTE;
        ae_only += d->scope == MS_UNIT && d->when == MW_AE;
    }
    assert_true(acute_only > 0 && ae_only > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_is_self_contained),
        cmocka_unit_test(an_empty_band_draws_no_path),
        cmocka_unit_test(report_renders_in_chromium),
        cmocka_unit_test(headline_kinds_are_told_by_their_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
