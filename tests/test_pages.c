/* The report's pages read as a board and an analyst read them (issue 18): a comparison leads
 * with its paired answer (a forest plot and a table whose numbers are comparison.csv's), a run
 * with its headline table (summary.csv's numbers), a reproduction with its table; every chart
 * is accessible (a <title> and <desc> it is labelled by) and has its data in a table; delay
 * reasons keep their colours whatever their order. The HTML is parsed here; the browser test
 * (tests/test_report.c) draws it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/report_charts.h"
#include "testutil.h"

static char cmd[16384];

static int count(const char *text, const char *what) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static char *read_in(const char *dir, const char *file) {
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *s = tu_read(path);
    assert_non_null(s);
    return s;
}

/* Field k (0-based) of a CSV line without quotes, as a number; NAN when empty. */
static double csv_num(const char *line, int k) {
    for (int i = 0; i < k; i++) line = strchr(line, ',') + 1;
    return *line == ',' || *line == '\n' ? NAN : strtod(line, NULL);
}

/* The line of csv starting with prefix. */
static const char *csv_line(const char *csv, const char *prefix) {
    for (const char *l = csv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, prefix, strlen(prefix))) return l;
    fail_msg("no line %s", prefix);
    return NULL;
}

/* The k-th cell (0-based) after p, as a number; an interval cell "[lo, hi]" gives lo, and *hi
 * its hi. */
static double td(const char *p, int k, double *hi) {
    for (int i = 0; i <= k; i++) {
        p = strstr(p, "<td"); /* a number's <td>, or a text's <td class="t"> */
        assert_non_null(p);
        p = strchr(p, '>') + 1;
    }
    if (*p == '[') {
        char *end;
        double lo = strtod(p + 1, &end);
        if (hi) *hi = strtod(end + 2, NULL);
        return lo;
    }
    return strtod(p, NULL);
}

/* A table shows 4 significant digits: within half a unit of the 4th of the exact value. */
static void assert_shown(double shown, double exact) {
    assert_close(shown, exact, 5e-4 * fabs(exact) + 1e-12);
}

/* WCAG's structure: lang, headings in order (h1 first, never a level skipped), every <svg>
 * an image with a <title> and <desc> it is labelled by, and a data table after every chart
 * (before the next one). */
static void assert_accessible(const char *html) {
    assert_non_null(strstr(html, "<html lang=\"en\">"));
    int last = 0;
    for (const char *p = html; (p = strstr(p, "<h")); p++)
        if (p[2] >= '1' && p[2] <= '6' && p[3] == '>') {
            int level = p[2] - '0';
            assert_true(level <= last + 1);
            last = level;
        }
    assert_true(last >= 1);
    int svgs = count(html, "<svg");
    assert_true(svgs >= 1);
    assert_int_equal(count(html, "role=\"img\" aria-labelledby=\"c"), svgs);
    assert_int_equal(count(html, "<title id=\"c"), svgs);
    assert_int_equal(count(html, "<desc id=\"c"), svgs);
    for (const char *p = html; (p = strstr(p, "<svg")); p++) {
        const char *next = strstr(p + 4, "<svg"), *table = strstr(p, "<table");
        assert_non_null(table);
        assert_true(!next || table < next);
        const char *title = strstr(p, "<title id=\"c"), *desc = strstr(p, "<desc id=\"c");
        assert_true(title && desc && (!next || (title < next && desc < next)));
    }
    /* Every table has a caption and column headers. */
    assert_int_equal(count(html, "<table"), count(html, "<caption>"));
    assert_true(count(html, "<th scope=\"col\">") >= count(html, "<table"));
}

static void compare_page_leads_with_the_paired_answer(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("pages_compare");
    char base[4096], d[4096];
    snprintf(d, sizeof d, "%s", dir);
    snprintf(base, sizeof base, "%s", tu_src("scenarios/winter/baseline.ini"));
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s/cmp' --replications 5 --report --quiet",
             base, tu_src("scenarios/winter.ini"), d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/cmp", d);
    char *html = read_in(sub, "report.html"), *csv = read_in(sub, "comparison.csv");
    assert_accessible(html);
    /* The title is the scenarios compared, not a path. */
    assert_non_null(strstr(html, "<title>winter-baseline vs winter-plan - flowsim report</title>"));
    assert_non_null(strstr(html, "<h1>winter-baseline vs winter-plan</h1>"));
    /* The paired answer first: the forest plot, then its table, then each scenario's level. */
    const char *answer = strstr(html, "<h2>The paired answer</h2>"),
               *forest = strstr(html, "class=\"chart forest\""),
               *levels = strstr(html, "<h2>Each scenario's level</h2>");
    assert_true(answer && forest && levels && answer < forest && forest < levels);
    /* The winter plan's A&E 4-hour difference, in the table and the plot, is comparison.csv's. */
    const char *line = csv_line(csv, "ae_4h_pct,ae,winter-plan,");
    double dd = csv_num(line, 6), dlo = csv_num(line, 7), dhi = csv_num(line, 8);
    const char *row = strstr(
        html, "<tr data-metric=\"ae_4h_pct\" data-unit=\"ae\" data-variant=\"winter-plan\">");
    assert_non_null(row);
    double hi, lo = td(row, 4, &hi);
    assert_shown(td(row, 3, NULL), dd);
    assert_shown(lo, dlo);
    assert_shown(hi, dhi);
    int excludes = dlo > 0 || dhi < 0;
    assert_non_null(strstr(row, excludes ? "<td class=\"t\">yes</td>" : "<td class=\"t\">no</td>"));
    char text[128];
    snprintf(text, sizeof text, "%+.3g [%+.3g, %+.3g] %s", dd, dlo, dhi,
             excludes ? "excludes 0" : "includes 0");
    assert_non_null(strstr(forest, text));
    /* Every headline (metric, unit) of the variant has a row: occupancy % and delayed days of
     * the acute unit, A&E 4-hour, the system's delayed transfers. */
    assert_int_equal(count(html, "data-variant=\"winter-plan\""), 4);
    /* A filled marker for each interval excluding 0, a hollow one for the others. */
    assert_int_equal(count(forest, "class=\"excl\"") + count(forest, "class=\"incl\""), 4);
    assert_int_equal(count(html, "<td class=\"t\">yes</td>"), count(forest, "class=\"excl\""));
    /* Each scenario's colour in the legend of the levels; the page names its own file. */
    assert_non_null(strstr(levels, "winter-baseline</li>"));
    assert_non_null(strstr(levels, "winter-plan</li>"));
    assert_non_null(strstr(html, "comparison.csv holds every number"));
    printf("compare page: %zu bytes\n", strlen(html));
    assert_true(strlen(html) < 100000);
    free(html), free(csv);
}

static void sweep_page_names_only_its_files_and_its_scenario(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("pages_sweep");
    char d[4096], grid[4200];
    snprintf(d, sizeof d, "%s", dir);
    snprintf(grid, sizeof grid, "%s/grid.csv", d);
    tu_write(grid, "variant,vw.capacity\nnone,0\n-13 beds,13\nvw 50 \u2713,50\n");
    snprintf(cmd, sizeof cmd,
             "sweep '%s' --grid '%s' -o '%s/sw' --replications 4 --set scenario.horizon=200d "
             "--report --quiet",
             tu_src("tests/scenarios/virtual_ward.ini"), grid, d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/sw", d);
    char *html = read_in(sub, "report.html"), *csv = read_in(sub, "sweep.csv");
    assert_accessible(html);
    assert_null(strstr(html, "comparison.csv")); /* a sweep writes sweep.csv */
    /* Titled by the scenario it varies, not a list of its variants. */
    assert_non_null(strstr(html, "<h1>virtual_ward: a sweep of 3 variants</h1>"));
    assert_non_null(strstr(html, "sweep.csv holds every number"));
    assert_non_null(strstr(html, "class=\"chart forest\""));
    /* A row per variant and headline metric, each matching sweep.csv. */
    /* A label keeps its UTF-8 in sweep.csv and on the page; its folder is ASCII. One that
     * starts like a formula is neutralised in sweep.csv (the leading apostrophe) but shown on
     * the page as given. */
    const char *variants[] = {"-13 beds", "vw 50 \u2713"}, *in_csv[] = {"'-13 beds", variants[1]};
    assert_null(strstr(html, "'-13"));
    char folder[4300];
    snprintf(folder, sizeof folder, "%s/vw_50__/summary.csv", sub);
    assert_true(tu_exists(folder));
    for (int v = 0; v < 2; v++) {
        char key[200], prefix[200];
        snprintf(key, sizeof key,
                 "<tr data-metric=\"occupancy_pct\" data-unit=\"acute\" data-variant=\"%s\">",
                 variants[v]);
        snprintf(prefix, sizeof prefix, "occupancy_pct,acute,%s,", in_csv[v]);
        const char *row = strstr(html, key), *line = csv_line(csv, prefix);
        assert_non_null(row);
        assert_shown(td(row, 3, NULL), csv_num(line, 6));
    }
    free(html), free(csv);
}

static void run_page_leads_with_its_headline_table(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("pages_run");
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s/run' --replications 3 --set scenario.horizon=200d --report --quiet",
             tu_src("scenarios/demo.ini"), d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/run", d);
    char *html = read_in(sub, "report.html");
    assert_accessible(html);
    assert_non_null(strstr(html, "<title>demo - flowsim report</title>"));
    const char *table = strstr(html, "<h2>Headline results</h2>");
    assert_non_null(table);
    assert_true(table < strstr(html, "<svg")); /* the numbers lead */
    /* Each headline: mean and interval as summary.csv has them, with its unit of measure. */
    const char *heads[][3] = {{"acute", "occupancy_pct", "%"},
                              {"acute", "delayed_days", "bed-days per day"},
                              {"ae", "ae_4h_pct", "%"},
                              {"", "dtoc_per_100k", "bed-days per day per 100,000"}};
    for (int i = 0; i < 4; i++) {
        char key[200];
        snprintf(key, sizeof key, "<tr data-metric=\"%s\" data-unit=\"%s\">", heads[i][1],
                 heads[i][0]);
        const char *row = strstr(html, key);
        assert_non_null(row);
        struct tu_row r;
        assert_int_equal(tu_summary(sub, heads[i][0], heads[i][1], &r), 0);
        double hi, lo = td(row, 2, &hi);
        assert_shown(td(row, 1, NULL), r.mean);
        assert_shown(lo, r.lo);
        assert_shown(hi, r.hi);
        char unit[200];
        snprintf(unit, sizeof unit, "<td class=\"t\">%s</td></tr>", heads[i][2]);
        assert_true(strstr(row, unit) && strstr(row, unit) < strstr(row + 1, "<tr"));
    }
    assert_int_equal(count(html, "<tr data-metric="), 4);
    /* Units on every y axis; the A&E heading once; no raw run-info block. */
    assert_non_null(strstr(html, "occupancy, % of places (%)</text>"));
    assert_int_equal(count(html, "<h2>A&amp;E</h2>"), 1);
    assert_null(strstr(html, "<pre>"));
    assert_non_null(strstr(html, "<h2>Stationarity</h2>"));
    /* A warm-up chart for every unit (demo: 5), the care home included. */
    assert_int_equal(count(html, "for judging the warm-up (Welch)</figcaption>"), 5);
    assert_non_null(strstr(html, "care_home: occupancy from the start"));
    /* The delayed days chart has its band. */
    assert_non_null(strstr(html, "total: 5-95% of replications"));
    printf("run page: %zu bytes\n", strlen(html));
    assert_true(strlen(html) < 400000);
    free(html);
    /* No warm-up: no warm-up chart. */
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s/cold' --replications 2 --set scenario.horizon=100d "
             "--set scenario.warmup=0 --report --quiet",
             tu_src("scenarios/demo.ini"), d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(sub, sizeof sub, "%s/cold", d);
    html = read_in(sub, "report.html");
    assert_null(strstr(html, "<h2>Warm-up</h2>"));
    assert_accessible(html);
    free(html);
}

/* The report page of `flowsim run SRC --report` with 2 replications and extra options, into
 * its own test folder (tmp); the caller frees it. */
static char *run_page(const char *tmp, const char *src, const char *extra) {
    const char *dir = tu_tmpdir(tmp);
    char d[4096], sub[4200];
    snprintf(d, sizeof d, "%s", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/r' --replications 2 --report --quiet %s",
             tu_src(src), d, extra);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(sub, sizeof sub, "%s/r", d);
    return read_in(sub, "report.html");
}

/* everything.ini: a capacity schedule and surge places (places open against used), costs. */
static void schedules_and_costs_are_drawn(void **s) {
    (void)s;
    char *html = run_page("pages_everything", "tests/scenarios/everything.ini", "");
    assert_accessible(html);
    assert_non_null(strstr(html, "<h2>Places open and places used</h2>"));
    assert_non_null(strstr(html, "acute: places open against places used"));
    assert_non_null(strstr(html, "<h2>Cost</h2>"));
    assert_non_null(strstr(html, "whole system: cost per day</figcaption>"));
    /* The legend draws the places open as the dashed line it is. */
    const char *beds = strstr(html, "places open against places used");
    assert_non_null(strstr(beds, "class=\"line dashed\""));
    assert_non_null(strstr(beds, "<i class=\"k-dash\""));
    free(html);
}

/* An interval under a day dates its rows YYYY-MM-DDTHH:MM: the page reads them, its ticks still
 * on month starts, its tables showing the hour. */
static void a_page_of_hours(void **s) {
    (void)s;
    char *html = run_page("pages_hours", "scenarios/demo.ini",
                          "--set scenario.horizon=130d --set scenario.interval=6h");
    assert_accessible(html);
    assert_non_null(strstr(html, ">Jan 2026<"));
    assert_non_null(strstr(html, "T06:00"));
    free(html);
}

static void reproduce_page_leads_with_its_table(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("pages_reproduce");
    char d[4096], fig[4200];
    snprintf(d, sizeof d, "%s", dir);
    snprintf(fig, sizeof fig, "%s/fig.csv", d);
    tu_write(fig, "quantity,unit,metric,review_value,tolerance,low,high\n"
                  "acute occupancy,acute,occupancy_pct,90,80 to 100,80,100\n");
    snprintf(cmd, sizeof cmd,
             "reproduce '%s' --expect '%s' -o '%s/rep' --replications 2 --set "
             "scenario.horizon=60d --set scenario.warmup=20d --report --quiet",
             tu_src("scenarios/demo.ini"), fig, d);
    int rc = tu_run(cmd, NULL, NULL);
    assert_true(rc == 0 || rc == 3);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/rep", d);
    char *html = read_in(sub, "report.html");
    assert_accessible(html);
    const char *t = strstr(html, "<h2>Reproduction</h2>");
    assert_non_null(t);
    assert_true(t < strstr(html, "<svg"));
    const char *row = strstr(t, "<th scope=\"row\">acute occupancy</th>");
    assert_non_null(row);
    struct tu_row r;
    assert_int_equal(tu_summary(sub, "acute", "occupancy_pct", &r), 0);
    assert_non_null(strstr(row, "<td class=\"t\">90</td>"));
    assert_non_null(strstr(row, "<td class=\"t\">80 to 100</td>"));
    assert_shown(td(row, 3, NULL), r.mean);
    free(html);
}

/* A reason's colour is the reason's, whatever the order the file lists them in. */
static void reason_colours_do_not_depend_on_order(void **s) {
    (void)s;
    const char *a[] = {"awaiting_care_home",  "assessment",     "awaiting_eab", "internal",
                       "awaiting_reablement", "discharge_hour", "rejected",     "chc_assessment"};
    const char *b[] = {"chc_assessment", "awaiting_reablement", "rejected",   "discharge_hour",
                       "internal",       "awaiting_eab",        "assessment", "awaiting_care_home"};
    const char *ca[8], *cb[8];
    rc_reason_colors(a, 8, ca);
    rc_reason_colors(b, 8, cb);
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 8; k++)
            if (!strcmp(a[i], b[k])) assert_string_equal(ca[i], cb[k]);
    /* Eight reasons, eight colours: none shared. */
    for (int i = 0; i < 8; i++)
        for (int k = i + 1; k < 8; k++) assert_string_not_equal(ca[i], ca[k]);
    /* A fixed reason keeps its colour in any company. */
    const char *one[] = {"assessment"}, *c1[1];
    rc_reason_colors(one, 1, c1);
    for (int i = 0; i < 8; i++)
        if (!strcmp(a[i], "assessment")) assert_string_equal(c1[0], ca[i]);
    /* Eight units awaited in one chart, with the five fixed reasons: thirteen colours. */
    const char *w[] = {
        "awaiting_acute", "awaiting_eab",     "awaiting_care_home",   "awaiting_reablement",
        "awaiting_d2a",   "awaiting_domcare", "awaiting_residential", "awaiting_nursing",
        "assessment",     "rejected",         "chc_assessment",       "internal",
        "discharge_hour"};
    const char *cw[13];
    rc_reason_colors(w, 13, cw);
    for (int i = 0; i < 13; i++)
        for (int k = i + 1; k < 13; k++) assert_string_not_equal(cw[i], cw[k]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compare_page_leads_with_the_paired_answer),
        cmocka_unit_test(sweep_page_names_only_its_files_and_its_scenario),
        cmocka_unit_test(run_page_leads_with_its_headline_table),
        cmocka_unit_test(schedules_and_costs_are_drawn),
        cmocka_unit_test(a_page_of_hours),
        cmocka_unit_test(reproduce_page_leads_with_its_table),
        cmocka_unit_test(reason_colours_do_not_depend_on_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
