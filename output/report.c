#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart.h"
#include "csvout.h"
#include "models/limits.h"
#include "models/table.h"
#include "models/value.h"
#include "output/results.h"
#include "report_charts.h"
#include "report_data.h"
#include "report_tables.h"
#include "sim/core.h"

/* Beyond this many units, the warm-up charts are of the slowest this many (by the stationarity
 * measure): a page of 4,000 warm-up charts helps no one. */
#define MAX_WARMUP_CHARTS 12

static const char style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;"
    "max-width:820px;color:#222;background:#fff}h1{font-size:22px;margin:0 0 4px}h2{font-size:"
    "17px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:20px 0 6px}"
    "figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}svg.chart{width:100%;"
    "height:auto;background:#fff}.wide{overflow-x:auto}.plot{fill:#fafafa;stroke:#bbb}.grid{stroke:"
    "#e4e4e4}.tick{"
    "font-size:11px;fill:#555}.axis{font-size:12px;fill:#333}.line{fill:none;stroke-width:2}"
    ".thin{stroke-width:1.2}.dashed{stroke-dasharray:7 4}.band{opacity:.25;stroke:none}.ref{"
    "stroke:#555;stroke-dasharray:6 4}.stack{opacity:.9;stroke:#fff;stroke-width:.5}.whisker{"
    "stroke:#333;stroke-width:1.5;fill:none}.ci{stroke-width:2.5}.forest circle{stroke-width:2}"
    ".zero{stroke:#222;stroke-width:1.2}ul.legend{list-style:none;padding:0;margin:4px 0}"
    "ul.legend li{display:inline-block;margin-right:16px;font-size:12px}ul.legend i{display:"
    "inline-block;width:18px;height:10px;margin-right:5px;vertical-align:0;box-sizing:border-box}"
    ".k-line{border-top:2px solid var(--c);height:0!important;vertical-align:3px!important}"
    ".k-dash{border-top:2px dashed var(--c);height:0!important;vertical-align:3px!important}"
    ".k-band{background:var(--c);opacity:.3}.k-area{background:var(--c)}.k-dot{background:"
    "var(--c);border-radius:50%;width:10px!important}.k-ring{border:2px solid var(--c);"
    "border-radius:50%;width:10px!important}table{border-collapse:collapse;font-size:13px;"
    "margin:6px 0}caption{text-align:left;font-weight:600;padding:2px 0}td,th{padding:3px 10px;"
    "border-bottom:1px solid "
    "#eee;text-align:right}td:first-child,th:first-child,td.t{text-align:left}"
    "th{font-weight:600}details{margin:4px 0 12px}summary{cursor:pointer;color:#1a4f8a}"
    "ul.warn li{margin-bottom:4px}";

/* ---- a run's sections ------------------------------------------------------------------------ */

/* A unit's slowness for choosing warm-up charts: |change| / level of its stationarity line
 * ("UNIT: change C [...] on a level of L ..."); -1 when its line says none. */
static double slowness(const char *info, const char *unit) {
    char *lines = info ? results_info_lines(info, "stationarity") : NULL;
    double v = -1;
    size_t n = strlen(unit);
    for (char *l = lines; l && *l; l = strchr(l, '\n') + 1) {
        if (!strncmp(l, unit, n) && !strncmp(l + n, ": change ", 9)) {
            double c, level;
            char *at = strstr(l, "on a level of ");
            if (at && sscanf(l + n + 9, "%lf", &c) == 1 && sscanf(at + 14, "%lf", &level) == 1 &&
                level > 0)
                v = fabs(c) / level;
            break;
        }
    }
    fs_free(lines);
    return v;
}

struct slow {
    size_t i;
    double v;
};

static int by_slowness(const void *a, const void *b) {
    const struct slow *x = a, *y = b;
    return (x->v < y->v) - (x->v > y->v);
}

/* Welch's chart per unit, from warmup.csv; none when the run has no warm-up (a census start). */
/* The warm-up's charts, the statistics starting at report_start (days; none without a warm-up,
 * or NAN: not known). */
static int warmup_section(struct ch_page *p, const char *dir, double report_start, const char *info,
                          char *err, size_t errlen) {
    char path[FS_PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/warmup.csv", dir);
    if (!(report_start > 0) || stat(path, &st) != 0) return 0;
    struct runts w; /* a damaged warmup.csv leaves its charts out, as before */
    int e = rd_timeseries(path, &w, err, errlen);
    if (e) return e == FS_ECREATE ? e : 0; /* no room for the values is no page */
    if (w.nb > 1 && w.nrep > 0 && w.ns > 0) {
        struct slow *order = fs_calloc(w.ns, sizeof *order);
        for (size_t i = 0; i < w.ns; i++) order[i] = (struct slow){i, slowness(info, w.s[i].unit)};
        size_t n = w.ns;
        fputs("<h2>Warm-up</h2>\n<p>Statistics start at the dashed line. The warm-up is long "
              "enough if the smoothed curve has levelled off before it.",
              p->f);
        if (n > MAX_WARMUP_CHARTS) {
            qsort(order, n, sizeof *order, by_slowness);
            fprintf(p->f,
                    " The %d units of the %zu that changed most over the report period "
                    "(relative to their level: the stationarity test) are drawn; warmup.csv has "
                    "every unit.",
                    MAX_WARMUP_CHARTS, n);
            n = MAX_WARMUP_CHARTS;
        }
        fputs("</p>\n", p->f);
        for (size_t k = 0; k < n; k++) rc_welch(p, &w, &w.s[order[k].i], report_start);
        fs_free(order);
    }
    runts_fini(&w);
    return 0;
}

static int any_metric(const struct runts *t, const char *metric) {
    for (size_t i = 0; i < t->ns; i++)
        if (!strcmp(t->s[i].metric, metric)) return 1;
    return 0;
}

static int run_sections(struct ch_page *p, const char *dir, const struct runts *t, const char *info,
                        const volatile sig_atomic_t *stop, char *err, size_t errlen) {
    FILE *f = p->f;
    if (any_metric(t, "occupancy_pct")) fputs("<h2>Occupancy</h2>\n", f);
    for (size_t i = 0; i < t->ns && !(stop && *stop); i++)
        if (!strcmp(t->s[i].metric, "occupancy_pct")) {
            char *title = fs_sprintf("%s: occupancy, %% of places", t->s[i].unit);
            rc_band(p, t, &t->s[i], title, 100, "all places full (100%)");
            fs_free(title);
        }
    /* Places open against places used, where the places open changed. */
    int heading = 0;
    for (size_t i = 0; i < t->ns && !(stop && *stop); i++)
        if (!strcmp(t->s[i].metric, "occupancy_pct") && rc_beds(NULL, t, t->s[i].unit)) {
            if (!heading++)
                fputs("<h2>Places open and places used</h2>\n<p>Where a schedule, surge or "
                      "escalation changed the places open. Places open is capacity and any "
                      "place held beyond it, worked out as occupancy over occupancy % "
                      "(timeseries.csv has no series of places open).</p>\n",
                      f);
            rc_beds(p, t, t->s[i].unit);
        }
    if (any_metric(t, "delayed_days")) {
        fputs("<h2>Delayed transfers</h2>\n", f);
        for (size_t i = 0; i < t->ns && !(stop && *stop); i++)
            if (!strcmp(t->s[i].metric, "delayed_days")) rc_reasons(p, t, t->s[i].unit);
    }
    if (any_metric(t, "ae_4h_pct")) {
        fputs("<h2>A&amp;E</h2>\n", f);
        for (size_t i = 0; i < t->ns; i++)
            if (!strcmp(t->s[i].metric, "ae_4h_pct")) {
                char *title = fs_sprintf("%s: A&E 4-hour performance", t->s[i].unit);
                rc_band(p, t, &t->s[i], title, 95, "the 95% standard");
                fs_free(title);
            }
    }
    if (any_metric(t, "cost_per_day")) {
        fputs("<h2>Cost</h2>\n", f);
        for (size_t i = 0; i < t->ns; i++)
            if (!strcmp(t->s[i].metric, "cost_per_day")) {
                char *title =
                    fs_sprintf("%s: cost per day", *t->s[i].unit ? t->s[i].unit : "whole system");
                rc_band(p, t, &t->s[i], title, NAN, NULL);
                fs_free(title);
            }
    }
    return warmup_section(p, dir, t->time[0], info, err, errlen);
}

/* ---- the page -------------------------------------------------------------------------------- */

/* The page's name: the scenario of a run; of a comparison, its scenarios joined by "vs" (a base
 * and how many variants, beyond four). */
static char *page_name(const struct runts *t, const struct table *cmp, const char *info) {
    if (t) return csvout_plain(fs_sprintf("%s", t->scenario));
    char *base = info ? results_info_lines(info, "scenario") : NULL; /* a sweep's, NAME\n */
    if (base && *base) {
        size_t nv = 0; /* variants: sweep.csv's rows of its first metric and unit */
        const struct table_row *r1 = cmp->n > 1 && cmp->row[1].n > 2 ? &cmp->row[1] : NULL;
        for (size_t i = 1; r1 && i < cmp->n; i++)
            nv += cmp->row[i].n > 2 && !strcmp(cmp->row[i].field[0], r1->field[0]) &&
                  !strcmp(cmp->row[i].field[1], r1->field[1]);
        char *out = fs_sprintf("%.*s: a sweep of %zu variant%s", (int)strcspn(base, "\n"), base, nv,
                               nv == 1 ? "" : "s");
        fs_free(base);
        return out;
    }
    fs_free(base);
    const char **shown = fs_calloc(cmp->n + 1, sizeof *shown); /* every one, however many */
    size_t ns = 0, len = 1;
    for (size_t i = 1; i < cmp->n; i++) {
        const char *name = cmp->row[i].n > 2 ? cmp->row[i].field[2] : "";
        int seen = 0;
        for (size_t k = 0; k < ns && !seen; k++) seen = !strcmp(shown[k], name);
        if (!seen) shown[ns++] = name, len += strlen(name) + 4;
    }
    char *out;
    if (ns > 4) {
        out = fs_sprintf("%s and %zu variants", shown[0], ns - 1);
    } else {
        out = fs_calloc(len, 1);
        for (size_t k = 0; k < ns; k++) {
            if (k) strcat(out, " vs ");
            strcat(out, shown[k]);
        }
    }
    fs_free(shown);
    return out;
}

/* The warm-up of the run in dir, days, from its scenario.resolved.ini; NAN when not read. */
static double resolved_warmup(const char *dir) {
    char path[FS_PATH_MAX], why[FS_MSG_MAX];
    snprintf(path, sizeof path, "%s/scenario.resolved.ini", dir);
    char *ini = results_read_file(path, NULL),
         *v = ini ? results_resolved_value(ini, "warmup") : NULL;
    double d = NAN;
    if (v && val_duration(v, &d, why, sizeof why) != 0) d = NAN;
    fs_free(v);
    fs_free(ini);
    return d;
}

/* The scenario of a run's summary.csv (its first row's, as given), or NULL where there is no
 * such file or row. Allocated. */
static char *summary_scenario(const char *path) {
    struct table tb;
    char why[FS_MSG_MAX];
    struct stat st;
    if (stat(path, &st) != 0 || table_read(path, &tb, why, sizeof why) != 0) return NULL;
    char *name = tb.n > 1 && tb.row[1].n > 0 ? fs_strdup(csvout_plain(tb.row[1].field[0])) : NULL;
    table_fini(&tb);
    return name;
}

int report_write(const char *dir, const char *folder, const volatile sig_atomic_t *stop, char *err,
                 size_t errlen) {
    if (!folder) folder = dir;
    char path[FS_PATH_MAX];
    struct stat st;
    struct runts t;
    int have_ts = 0;
    /* The longest of the names read here: once it fits, every path below does. */
    if (fs_path(path, sizeof path, err, errlen, "%s/reproduction.csv", dir) != 0) return FS_EINPUT;
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    if (stat(path, &st) == 0) {
        int e = rd_timeseries(path, &t, err, errlen);
        if (e) return e == FS_ECREATE ? e : -1;
        have_ts = t.nb > 0 && t.nrep > 0;
        if (!have_ts) runts_fini(&t);
    }
    struct table cmp = {0};
    const char *cmp_file = NULL; /* the one this folder has: the page names no other */
    const char *cmp_files[] = {"comparison.csv", "sweep.csv"};
    for (int i = 0; i < 2 && !cmp_file; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, cmp_files[i]);
        if (stat(path, &st) == 0) {
            if (rd_comparison(path, &cmp, err, errlen) != 0) {
                if (have_ts) runts_fini(&t);
                return -1;
            }
            /* Names as given ("=plan", "-5 beds"), not as neutralised for a spreadsheet. */
            for (size_t r = 1; r < cmp.n; r++)
                if (cmp.row[r].n > 2) csvout_plain(cmp.row[r].field[2]);
            cmp_file = cmp_files[i];
        }
    }
    /* A run whose timeseries.csv has none of the series the charts draw (timeseries_metrics =
     * none, or a list of metrics no unit reports) still has its headline table. */
    char *chartless = NULL;
    if (!have_ts && !cmp_file) {
        snprintf(path, sizeof path, "%s/summary.csv", dir);
        chartless = summary_scenario(path);
    }
    if (!have_ts && !cmp_file && !chartless) {
        snprintf(err, errlen,
                 "%s: no timeseries.csv, summary.csv, comparison.csv or sweep.csv to report on",
                 folder);
        return -1;
    }
    struct csvout_file cf;
    int rc = csvout_open(&cf, dir, "report.html", err, errlen);
    if (rc != 0) {
        fs_free(chartless);
        if (have_ts) runts_fini(&t);
        table_fini(&cmp);
        return rc;
    }
    snprintf(path, sizeof path, "%s/run-info", dir);
    char *info = results_read_file(path, NULL);
    struct ch_page page = {cf.f, 1}, *p = &page;
    FILE *f = cf.f;
    char *name = chartless ? chartless : page_name(have_ts ? &t : NULL, &cmp, info);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\"><title>",
          f);
    ch_esc(f, name);
    fprintf(f, " - flowsim report</title><style>%s</style></head><body>\n<main>\n<h1>", style);
    ch_esc(f, name);
    fputs("</h1>\n", f);
    fs_free(name);
    if (have_ts)
        fprintf(f,
                "<p>flowsim report: %zu replications, %zu report intervals, the first starting %s "
                "and the last %s. Bands "
                "show the 5th to 95th percentile across replications; lines their mean. Each "
                "chart's numbers are in the data table under it.</p>\n",
                t.nrep, t.nb, t.date[0], t.date[t.nb - 1]);
    else if (chartless)
        fputs("<p>flowsim report: timeseries.csv holds none of the series this page charts "
              "([scenario] timeseries_metrics), so it has the headline numbers and no charts over "
              "time; series.csv holds every interval's mean and 5-95% band.</p>\n",
              f);
    else
        fprintf(f, "<p>flowsim report of a %s.</p>\n",
                !strcmp(cmp_file, "sweep.csv") ? "sweep" : "comparison");
    snprintf(path, sizeof path, "%s/reproduction.csv", dir);
    if (stat(path, &st) == 0) rt_reproduction(p, path);
    if (cmp_file) {
        rt_paired(p, &cmp);
        fprintf(f,
                "<h2>Each scenario's level</h2>\n<p>Each scenario's own mean and 95%% interval. "
                "These unpaired intervals overlap more than the paired differences above "
                "suggest: the paired differences are the comparison. %s holds every "
                "number.</p>\n",
                cmp_file);
        struct rd_kinds *kinds = rd_kinds_of(&cmp, 0, 1, 2);
        for (size_t i = 1; i < cmp.n; i++) {
            const struct table_row *r = &cmp.row[i];
            if (r->n < 3 || !rd_headline(kinds, r->field[1], r->field[0])) continue;
            /* Each (unit, metric) once: where it first appears. */
            int seen = 0;
            for (size_t j = 1; j < i && !seen; j++) {
                const struct table_row *q = &cmp.row[j];
                seen = q->n > 1 && !strcmp(q->field[0], r->field[0]) &&
                       !strcmp(q->field[1], r->field[1]);
            }
            if (!seen) rc_whiskers(p, &cmp, r->field[1], r->field[0]);
        }
        rd_kinds_free(kinds);
    } else {
        snprintf(path, sizeof path, "%s/summary.csv", dir);
        rt_headlines(p, path);
    }
    rt_warnings(p, info);
    if (have_ts) {
        rc = run_sections(p, dir, &t, info, stop, err, errlen);
        rt_stationarity(p, info);
    } else if (chartless) { /* warmup.csv and run-info's verdicts do not need timeseries.csv */
        rc = warmup_section(p, dir, resolved_warmup(dir), info, err, errlen);
        rt_stationarity(p, info);
    }
    if (rc == 0) rt_run_facts(p, info);
    fputs("</main>\n<footer><p>Made by flowsim from the CSV files beside this page.</p></footer>\n"
          "</body></html>\n",
          f);
    fs_free(info);
    if (have_ts) runts_fini(&t);
    table_fini(&cmp);
    if (rc != 0) {
        csvout_discard(&cf);
        return rc;
    }
    if (stop && *stop) { /* a signal: no page, rather than half of one */
        csvout_discard(&cf);
        snprintf(err, errlen, "interrupted");
        return FS_ESTOPPED;
    }
    return csvout_close(&cf, err, errlen);
}
