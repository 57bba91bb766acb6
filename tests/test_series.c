/* The files an analyst opens (issue 18, items 5 and 6): series.csv (each bucket's mean and
 * 5-95% band across replications) checked exactly against timeseries.csv, the same bytes on
 * any thread count and part split, [scenario] timeseries_metrics, ISO 8601 date-times under a
 * day, the Excel row-limit warning at its exact threshold, and the console tables' units and
 * alignment. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/table.h"
#include "output/contable.h"
#include "output/csvout.h"
#include "output/results.h"
#include "output/series.h"
#include "sim/core.h"
#include "testutil.h"

static char cmd[16384];

/* A small A&E and acute pool: every bucket has A&E rates (a ratio metric with empty cells on
 * quiet days is possible) and occupancy. */
#define SHORT                                                                                      \
    "--set scenario.horizon=40d --set scenario.warmup=5d --set scenario.replications=7 --quiet"

static const char *in(const char *dir, const char *name) {
    static char p[4400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The cell as series.csv would write v. */
static void fmt(char *buf, double v) {
    buf[csvout_fmt_num(buf, v)] = 0;
}

/* Hyndman & Fan type 7, as R's quantile() and numpy's default: known answers. For
 * x = 10, 20, 30, 40, 50, R gives quantile(x, c(.05, .95)) = 12, 48; one value is itself. */
static void type_7_quantiles_known_answers(void **s) {
    (void)s;
    double x[] = {10, 20, 30, 40, 50};
    assert_close(series_quantile(x, 5, 0.05), 12, 1e-12);
    assert_close(series_quantile(x, 5, 0.95), 48, 1e-12);
    assert_close(series_quantile(x, 5, 0.5), 30, 0);
    assert_close(series_quantile(x, 1, 0.95), 10, 0);
    double y[] = {1, 2}; /* h = 0.05: 1.05; h = 0.95: 1.95 */
    assert_close(series_quantile(y, 2, 0.05), 1.05, 1e-12);
    assert_close(series_quantile(y, 2, 0.95), 1.95, 1e-12);
}

/* Every series.csv row is, exactly, the mean and the type-7 p5 and p95 of timeseries.csv's
 * values of its bucket, unit and metric (read back from the text), over the non-empty cells. */
static void series_is_the_time_series_across_replications(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("series_exact");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s", tu_src("tests/scenarios/ae_pressure.ini"), dir,
             SHORT);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    struct table ts, se;
    char err[512];
    assert_int_equal(table_read(in(dir, "timeseries.csv"), &ts, err, sizeof err), 0);
    assert_int_equal(table_read(in(dir, "series.csv"), &se, err, sizeof err), 0);
    assert_string_equal(se.row[0].field[8], "replications");
    size_t nkeys = se.n - 1, nrep = 7;
    assert_int_equal(ts.n - 1, nkeys * nrep);
    double *v = calloc(nrep, sizeof *v);
    int checked = 0;
    for (size_t k = 0; k < nkeys; k++) {
        const struct table_row *r = &se.row[k + 1];
        size_t n = 0;
        double sum = 0;
        for (size_t rep = 0; rep < nrep; rep++) {
            const struct table_row *t = &ts.row[1 + rep * nkeys + k];
            /* the same bucket, unit and metric, in the same place each replication */
            for (int c = 2; c < 6; c++) assert_string_equal(t->field[c], r->field[c - 1]);
            assert_int_equal(atoi(t->field[1]), (int)rep + 1);
            if (!*table_field(t, 6)) continue;
            v[n] = strtod(table_field(t, 6), NULL);
            sum += v[n++];
        }
        char want[64];
        snprintf(want, sizeof want, "%zu", n);
        assert_string_equal(r->field[8], want);
        if (n == 0) {
            assert_string_equal(r->field[5], "");
            continue;
        }
        qsort(v, n, sizeof *v, cmp_double);
        fmt(want, sum / (double)n);
        assert_string_equal(r->field[5], want);
        double h = 0.05 * (double)(n - 1), lo = floor(h);
        fmt(want, v[(size_t)lo] + (h - lo) * (v[(size_t)lo + (n > 1)] - v[(size_t)lo]));
        assert_string_equal(r->field[6], want);
        h = 0.95 * (double)(n - 1), lo = floor(h);
        fmt(want, v[(size_t)lo] + (h - lo) * (v[(size_t)lo + (n > 1)] - v[(size_t)lo]));
        assert_string_equal(r->field[7], want);
        checked++;
    }
    assert_true(checked > 1000);
    free(v);
    table_fini(&ts);
    table_fini(&se);
}

/* The same bytes whatever the thread count or the part split (parts merged), with every
 * metric kept and with a chosen few; `none` writes no timeseries.csv, and leaves summary.csv
 * and series.csv as they were. */
static void series_same_bytes_any_threads_or_parts(void **s) {
    (void)s;
    char all[4400]; /* the run of every metric, one thread, to compare the others with */
    static const char *const files[] = {"summary.csv", "timeseries.csv", "series.csv", "warmup.csv",
                                        NULL};
    const char *sets[] = {"", "--set 'scenario.timeseries_metrics=occupancy_pct, ae_4h_pct'",
                          "--set scenario.report_interval=7d"};
    char one[4400], three[4400], p1[4400], p2[4400], merged[4400];
    for (int k = 0; k < 3; k++) {
        const char *dir = tu_tmpdir(k == 2 ? "series_parts_weeks"
                                    : k    ? "series_parts_few"
                                           : "series_parts_all");
        if (k == 0) snprintf(all, sizeof all, "%s/one", dir);
        snprintf(one, sizeof one, "%s/one", dir);
        snprintf(three, sizeof three, "%s/three", dir);
        snprintf(p1, sizeof p1, "%s/p1", dir);
        snprintf(p2, sizeof p2, "%s/p2", dir);
        snprintf(merged, sizeof merged, "%s/merged", dir);
        const char *ini = tu_src("tests/scenarios/ae_pressure.ini");
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s %s --threads 1", ini, one, SHORT, sets[k]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s %s --threads 3", ini, three, SHORT, sets[k]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s %s --replications-range 1:3", ini, p1, SHORT,
                 sets[k]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s %s --replications-range 4:7 --threads 2",
                 ini, p2, SHORT, sets[k]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        snprintf(cmd, sizeof cmd, "merge '%s' '%s' -o '%s' --quiet", p2, p1, merged);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        assert_same_files(one, three, files);
        assert_same_files(one, merged, files);
        if (k == 1) { /* only the metrics asked for, and the whole summary */
            char *t = tu_read(in(one, "timeseries.csv"));
            assert_non_null(strstr(t, ",ae,ae_4h_pct,"));
            assert_non_null(strstr(t, ",acute,occupancy_pct,"));
            assert_null(strstr(t, ",occupancy,"));
            free(t);
            static const char *const same[] = {"summary.csv", "series.csv", NULL};
            assert_same_files(one, all, same);
        }
    }
    /* none: no timeseries.csv, in a run or a merge */
    const char *dir = tu_tmpdir("series_none");
    const char *ini = tu_src("tests/scenarios/ae_pressure.ini");
    snprintf(p1, sizeof p1, "%s/p1", dir);
    snprintf(p2, sizeof p2, "%s/p2", dir);
    snprintf(one, sizeof one, "%s/one", dir);
    snprintf(merged, sizeof merged, "%s/merged", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --set scenario.timeseries_metrics=none", ini,
             one, SHORT);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' %s --set scenario.timeseries_metrics=none --replications-range 1:2",
             ini, p1, SHORT);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' %s --set scenario.timeseries_metrics=none --replications-range 3:7",
             ini, p2, SHORT);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "merge '%s' '%s' -o '%s' --quiet", p1, p2, merged);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    assert_false(tu_exists(in(one, "timeseries.csv")));
    /* --report charts timeseries.csv: with none, or a list no unit reports, the page has the
     * headline table and says why it has no charts over time. */
    const char *lists[] = {"none", "cost_per_day", "queue"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd,
                 "run '%s' -o '%s/rep%d' %s --set scenario.timeseries_metrics=%s --report --quiet",
                 ini, dir, i, SHORT, lists[i]);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        char rep[4200];
        snprintf(rep, sizeof rep, "%s/rep%d", dir, i);
        char *html = tu_read(in(rep, "report.html"));
        assert_non_null(strstr(html, "<h2>Headline results</h2>"));
        /* queue is kept but not charted: the page has a time series, and no empty heading */
        assert_true(!strstr(html, "timeseries.csv holds none of the series this page charts") ==
                    (i == 2));
        assert_null(strstr(html, "<h2>Occupancy</h2>"));
        /* warmup.csv and run-info's verdicts are there whatever timeseries.csv keeps */
        assert_non_null(strstr(html, "<h2>Warm-up</h2>"));
        assert_non_null(strstr(html, "<h2>Stationarity</h2>"));
        free(html);
        snprintf(cmd, sizeof cmd, "report '%s' --quiet", rep); /* and on the folder again */
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    }
    assert_false(tu_exists(in(merged, "timeseries.csv")));
    static const char *const kept[] = {"summary.csv", "series.csv", NULL};
    assert_same_files(one, all, kept);
    assert_same_files(one, merged, kept);
    /* Names as metrics.csv has them: a concrete per-target name keeps its whole metric (every
     * unit awaited), as does its prefix without the '_'. */
    snprintf(
        cmd, sizeof cmd,
        "run '%s' -o '%s/named' %s --set 'scenario.timeseries_metrics=delayed_days_awaiting_x, "
        "occupancy.frail'",
        tu_src("scenarios/demo.ini"), dir, SHORT);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char named[4200];
    snprintf(named, sizeof named, "%s/named", dir);
    char *ts = tu_read(in(named, "timeseries.csv"));
    assert_non_null(strstr(ts, ",delayed_days_awaiting_acute,"));
    assert_non_null(strstr(ts, ",occupancy,"));
    assert_null(strstr(ts, ",occupancy_pct,"));
    free(ts);
}

/* One value of a results folder's timeseries.csv, keyed by replication, unit and metric (in
 * the order of the rows), with its time. */
struct tsrow {
    int rep;
    double t;
    const char *unit, *metric, *date;
    double v; /* NAN: an empty cell */
};

static size_t read_rows(const struct table *t, struct tsrow *out) {
    size_t n = 0;
    for (size_t i = 1; i < t->n; i++) {
        const struct table_row *r = &t->row[i];
        out[n++] = (struct tsrow){
            atoi(r->field[1]), strtod(r->field[2], NULL),
            r->field[4],       r->field[5],
            r->field[3],       *table_field(r, 6) ? strtod(table_field(r, 6), NULL) : NAN};
    }
    return n;
}

/* report_interval = 7d: each weekly row is, by hand from the daily rows of the same run, the
 * mean of its seven buckets weighted by their lengths (the last week here has a whole day
 * and a half day: 41.5 - 5 = 36.5 days), empty cells left out; days at a level (units with
 * escalation_levels) summed. Every metric of everything.ini. Within the rounding of the
 * daily rows' nine digits. The summary is the same bytes: only the rows change. */
static void weekly_rows_are_the_days_weighted(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("series_weeks");
    char day[4400], week[4400], month[4400];
    snprintf(day, sizeof day, "%s/day", dir);
    snprintf(week, sizeof week, "%s/week", dir);
    snprintf(month, sizeof month, "%s/month", dir);
    const char *ini = tu_src("tests/scenarios/everything.ini");
    const char *args = "--quiet --set scenario.horizon=41.5d --set scenario.warmup=5d "
                       "--set scenario.replications=2";
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s", ini, day, args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' %s --set scenario.report_interval=1w", ini, week,
             args);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    static const char *const same[] = {"summary.csv", "warmup.csv", NULL};
    assert_same_files(day, week, same);
    struct table td, tw;
    char err[512];
    assert_int_equal(table_read(in(day, "timeseries.csv"), &td, err, sizeof err), 0);
    assert_int_equal(table_read(in(week, "timeseries.csv"), &tw, err, sizeof err), 0);
    struct tsrow *d = calloc(td.n, sizeof *d), *w = calloc(tw.n, sizeof *w);
    size_t nd = read_rows(&td, d), nw = read_rows(&tw, w);
    size_t per = nd / 2 / 37; /* slots: 37 buckets a replication */
    assert_int_equal(nd, 2 * 37 * per);
    assert_int_equal(nw, 2 * 6 * per); /* 6 windows: five weeks and the last 1.5 days */
    int summed = 0;
    for (size_t k = 0; k < nw; k++) {
        size_t rep = k / (6 * per), win = k / per % 6, slot = k % per;
        double sum = 0, len = 0;
        int any = 0, days = strstr(w[k].metric, "days_at_level_") ||
                            strstr(w[k].metric, "escalation_days_level_");
        for (size_t b = 7 * win; b < 7 * win + 7 && b < 37; b++) {
            const struct tsrow *x = &d[rep * 37 * per + b * per + slot];
            assert_string_equal(x->metric, w[k].metric);
            assert_string_equal(x->unit, w[k].unit);
            if (b == 7 * win)
                assert_close(x->t, w[k].t, 0), assert_string_equal(x->date, w[k].date);
            if (isnan(x->v)) continue;
            double len_b = b == 36 ? 0.5 : 1;
            sum += days ? x->v : x->v * len_b;
            len += len_b;
            any = 1;
        }
        if (!any) {
            assert_true(isnan(w[k].v));
            continue;
        }
        double want = days ? sum : sum / len;
        summed += days && want > 1;
        assert_close(w[k].v, want, 1e-8 * fabs(want) + 1e-12);
    }
    assert_true(summed > 0); /* a week of days at a level: a sum, not a mean */
    free(d), free(w);
    table_fini(&td);
    table_fini(&tw);
    /* Calendar months: the first window from the report's start, then each 1st of a month. */
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --quiet --set scenario.horizon=70d --set scenario.warmup=5d "
             "--set scenario.replications=2 --set scenario.report_interval=month",
             ini, month);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *t = tu_read(in(month, "series.csv"));
    /* start 2025-01-06: the report from 2025-01-11, February from day 26, March from day 54 */
    assert_non_null(strstr(t, "\neverything,5,2025-01-11,"));
    assert_non_null(strstr(t, "\neverything,26,2025-02-01,"));
    assert_non_null(strstr(t, "\neverything,54,2025-03-01,"));
    assert_null(strstr(t, "\neverything,6,"));
    free(t);
}

/* Under a day, the date carries the time (ISO 8601, to the minute); a day or more, the date
 * alone, as before. */
static void dates_carry_the_time_under_a_day(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("series_hours");
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --quiet --set scenario.horizon=2d --set scenario.warmup=0 "
             "--set scenario.interval=6h --set scenario.start=2025-03-30 --replications 2",
             tu_src("tests/scenarios/ae_pressure.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char *t = tu_read(in(dir, "timeseries.csv"));
    assert_non_null(strstr(t, "\nae_pressure,1,0,2025-03-30T00:00,ae,"));
    assert_non_null(strstr(t, "\nae_pressure,1,0.25,2025-03-30T06:00,ae,"));
    assert_non_null(strstr(t, "\nae_pressure,2,1.75,2025-03-31T18:00,ae,"));
    free(t);
    t = tu_read(in(dir, "series.csv"));
    assert_non_null(strstr(t, "\nae_pressure,1.5,2025-03-31T12:00,ae,"));
    free(t);
    t = tu_read(in(dir, "warmup.csv"));
    assert_non_null(strstr(t, "\nae_pressure,1,0.5,2025-03-30T12:00,ae,occupancy,"));
    free(t);
    char buf[RESULTS_DATE_MAX];
    struct scenario sc = {.start_day = 0, .interval = 1};
    results_format_date(&sc, 1.5, buf); /* a day: the date alone, as always */
    assert_string_equal(buf, "1970-01-02");
    sc.interval = 1.0 / 1440; /* a minute: rounded to the minute, midnight carried */
    results_format_date(&sc, 0.99999999, buf);
    assert_string_equal(buf, "1970-01-02T00:00");
    sc.interval = 10.0 / 86400; /* ten seconds: to the second */
    results_format_date(&sc, 1 + 3725.0 / 86400, buf);
    assert_string_equal(buf, "1970-01-02T01:02:05");
    sc.interval = 0.25 / 86400; /* a quarter second: to the millisecond */
    results_format_date(&sc, 86399.75 / 86400, buf);
    assert_string_equal(buf, "1970-01-01T23:59:59.750");
}

/* The warning fires when the data rows and the header pass Excel's 1,048,576: 1,048,575 rows
 * fit, 1,048,576 do not. A run over it says so on stderr and in run-info, with the count
 * timeseries.csv really has. */
static void excel_warning_at_the_row_limit(void **s) {
    (void)s;
    char *w = results_rows_warning("timeseries.csv", 1048575);
    assert_string_equal(w, "");
    fs_free(w);
    w = results_rows_warning("timeseries.csv", 1048576);
    assert_non_null(strstr(w, "timeseries.csv has 1048576 rows and a header, more than the "
                              "1048576 rows (header included) Excel holds"));
    assert_non_null(strstr(w, "series.csv"));
    assert_non_null(strstr(w, "timeseries_metrics"));
    fs_free(w);
    /* series.csv and warmup.csv at the same bound, each with its own remedy. */
    w = results_rows_warning(SERIES_FILE, 1048575);
    assert_string_equal(w, "");
    fs_free(w);
    w = results_rows_warning(SERIES_FILE, 1048576);
    assert_non_null(strstr(w, "series.csv has 1048576 rows"));
    assert_non_null(strstr(w, "report_interval"));
    assert_null(strstr(w, "timeseries_metrics")); /* series.csv keeps every metric */
    fs_free(w);
    w = results_rows_warning("warmup.csv", 2000000);
    assert_non_null(strstr(w, "warmup.csv has 2000000 rows"));
    assert_non_null(strstr(w, "fewer replications"));
    fs_free(w);
    /* 2 replications of 524,288 one-minute buckets, one metric kept: 1,048,576 rows. */
    const char *dir = tu_tmpdir("series_excel");
    char ini[4400];
    snprintf(ini, sizeof ini, "%s.ini", dir);
    tu_write(ini, "[scenario]\nhorizon = 524288m\ninterval = 1m\nreplications = 2\n"
                  "timeseries_metrics = occupancy\n[arrivals a]\nto = ward\nrate = 10/d\n"
                  "[unit ward]\ncapacity = 30\nstay = exp(2d)\n");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --threads 2", ini, dir);
    char *out, *err;
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_non_null(strstr(err, "flowsim: warning: timeseries.csv has 1048576 rows and a header"));
    /* warmup.csv: 2 replications x 524,288 intervals x 1 unit; series.csv: one row a bucket and
     * metric, more still. */
    assert_non_null(strstr(err, "flowsim: warning: warmup.csv has 1048576 rows and a header"));
    assert_non_null(strstr(err, "flowsim: warning: series.csv has "));
    char *info = tu_read(in(dir, "run-info"));
    assert_non_null(strstr(info, "\nwarning = timeseries.csv has 1048576 rows and a header"));
    free(info);
    char *t = tu_read(in(dir, "timeseries.csv"));
    assert_int_equal(tu_count_lines(t), 1048577);
    free(t);
    free(out), free(err);
    /* With no timeseries.csv at all (timeseries_metrics = none, the remedy for a big run)
     * series.csv and warmup.csv are still judged. */
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --threads 2 --set scenario.timeseries_metrics=none",
             ini, dir);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    assert_null(strstr(err, "timeseries.csv has"));
    assert_non_null(strstr(err, "flowsim: warning: series.csv has "));
    assert_non_null(strstr(err, "flowsim: warning: warmup.csv has 1048576 rows"));
    free(out), free(err);
}

/* Lines of the console table printed after "\n" + first, up to the next blank line. */
static int table_lines(const char *out, const char *first, char lines[][512], int max) {
    const char *p = strstr(out, first);
    int n = 0;
    while (p && *p && *p != '\n' && n < max) {
        size_t len = strcspn(p, "\n");
        snprintf(lines[n++], 512, "%.*s", (int)len, p);
        p += len + (p[len] == '\n');
    }
    return n;
}

/* Widths are a terminal's columns: CJK and emoji two, a combining accent none, '£' and '✓'
 * one, a malformed byte one. A table of such cells lines up: the second column starts at the
 * same column on every line, and every line is as wide as the header. */
static void console_widths_are_columns_not_characters(void **s) {
    (void)s;
    assert_int_equal(ctab_width("abc"), 3);
    assert_int_equal(ctab_width("\u00a3 per day"), 9); /* £ */
    assert_int_equal(ctab_width("\u75c5\u68df"), 4);   /* 病棟 */
    assert_int_equal(ctab_width("\U0001F600"), 2);     /* 😀 */
    assert_int_equal(ctab_width("e\u0301"), 1);        /* e + combining acute */
    assert_int_equal(ctab_width("\u2713"), 1);         /* ✓ */
    assert_int_equal(ctab_width("\uac00\uff21"), 4);   /* 가 Ａ */
    assert_int_equal(ctab_width("\xe7\x97x"), 2);      /* a cut sequence, then x */
    struct ctab t;
    ctab_init(&t, 3, "llr");
    const char *rows[][3] = {{"scenario", "metric", "mean"},
                             {"\u75c5\u68df\u8a08\u753b", "occupancy", "1"},
                             {"plan \U0001F600", "wait", "22"},
                             {"cafe\u0301", "x", "333"}};
    for (int i = 0; i < 4; i++) ctab_row(&t, rows[i]);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ctab_print(&t, f);
    fclose(f);
    ctab_fini(&t);
    char lines[8][512];
    int n = 0;
    for (char *l = buf; *l && n < 8; n++) {
        size_t k = strcspn(l, "\n");
        snprintf(lines[n], sizeof lines[n], "%.*s", (int)k, l);
        l += k + (l[k] == '\n');
    }
    assert_int_equal(n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ctab_width(lines[i]), ctab_width(lines[0]));
        /* the metric column: after the first cell and its padding, at column 10 (8 + 2) */
        const char *m = strstr(lines[i], rows[i][1]);
        char head[512];
        snprintf(head, sizeof head, "%.*s", (int)(m - lines[i]), lines[i]);
        assert_int_equal(ctab_width(head), 10);
    }
    free(buf);
}

/* flowsim run's table and compare's print each metric's unit of measure, and a 40-character
 * unit name (and the multi-byte '£') leaves every column aligned: each line as wide, in
 * characters, as the header, and the measure column starting in the same place. */
static void console_tables_print_units_aligned(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("series_console");
    const char *longname = "a_ward_with_a_name_of_forty_characters_x";
    assert_int_equal(strlen(longname), 40);
    char ini[4400], ini2[4400];
    snprintf(ini, sizeof ini, "%s-a.ini", dir);
    snprintf(ini2, sizeof ini2, "%s-b.ini", dir);
    char text[2048];
    snprintf(text, sizeof text,
             "[scenario]\nname = %s\nhorizon = 30d\nreplications = 3\n[arrivals a]\nto = %s\n"
             "rate = 10/d\n[unit %s]\nkind = acute\ncapacity = %s\nstay = exp(2d)\n"
             "cost_per_place_day = 300\n",
             "a", longname, longname, "30");
    tu_write(ini, text);
    snprintf(text, sizeof text,
             "[scenario]\nname = %s\nhorizon = 30d\nreplications = 3\n[arrivals a]\nto = %s\n"
             "rate = 10/d\n[unit %s]\nkind = acute\ncapacity = %s\nstay = exp(2d)\n"
             "cost_per_place_day = 300\n",
             "b", longname, longname, "25");
    tu_write(ini2, text);
    char out1[4400];
    snprintf(out1, sizeof out1, "%s/run", dir);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s'", ini, out1);
    char *out, *err;
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    char lines[64][512];
    int n = table_lines(out, "unit ", lines, 64);
    assert_true(n >= 3);
    const char *m = strstr(lines[0], "unit_of_measure");
    assert_non_null(m);
    size_t col = (size_t)(m - lines[0]), width = ctab_width(lines[0]);
    int seen_measure = 0;
    for (int i = 1; i < n; i++) {
        assert_int_equal(ctab_width(lines[i]), width);
        assert_true(strncmp(lines[i], longname, 40) == 0);
        assert_true(lines[i][col - 1] == ' ' && lines[i][col] != ' ');
        seen_measure += strstr(lines[i], " occupancy_pct ") && strstr(lines[i], "  %  ");
    }
    assert_int_equal(seen_measure, 1);
    free(out), free(err);
    snprintf(out1, sizeof out1, "%s/cmp", dir);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s'", ini, ini2, out1);
    assert_int_equal(tu_run(cmd, &out, &err), 0);
    n = table_lines(out, "metric ", lines, 64);
    assert_true(n >= 3);
    m = strstr(lines[0], "scenario");
    col = (size_t)(m - lines[0]);
    for (int i = 1; i < n; i++) {
        /* the scenario column starts in the same place on every line, in characters */
        const char *c = lines[i];
        for (size_t k = 0; k < col && *c; k++) /* one character on: a UTF-8 sequence */
            for (c++; ((unsigned char)*c & 0xC0) == 0x80; c++) continue;
        assert_true(c[-1] == ' ' && (*c == 'a' || *c == 'b') && c[1] == ' ');
    }
    assert_non_null(strstr(out, longname));
    assert_non_null(strstr(lines[1], " % ")); /* occupancy_pct's, the first headline */
    free(out), free(err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(type_7_quantiles_known_answers),
        cmocka_unit_test(series_is_the_time_series_across_replications),
        cmocka_unit_test(series_same_bytes_any_threads_or_parts),
        cmocka_unit_test(weekly_rows_are_the_days_weighted),
        cmocka_unit_test(dates_carry_the_time_under_a_day),
        cmocka_unit_test(excel_warning_at_the_row_limit),
        cmocka_unit_test(console_widths_are_columns_not_characters),
        cmocka_unit_test(console_tables_print_units_aligned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
