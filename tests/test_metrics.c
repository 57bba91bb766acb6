/* The metric registry (models/metrics.def): its rows against docs/model.md's list of metrics,
 * the headline predicate, and the window accumulators merged field by field. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/metrics.h"
#include "output/results.h"
#include "sim/core.h"
#include "sim/stats.h"
#include "testutil.h"

/* docs/model.md's "## Metrics" section, up to its first subsection ("### ") or the next "## "
 * heading: the metric tables (caller frees). */
static char *metrics_section(void) {
    char *doc = tu_read(tu_src("docs/model.md"));
    assert_non_null(doc);
    char *start = strstr(doc, "\n## Metrics\n");
    assert_non_null(start);
    start += 1;
    char *end = strstr(start + 3, "\n## "), *sub = strstr(start, "\n### ");
    if (sub && (!end || sub < end)) end = sub;
    size_t len = end ? (size_t)(end - start) : strlen(start);
    char *sec = malloc(len + 1);
    assert_non_null(sec);
    memcpy(sec, start, len);
    sec[len] = '\0';
    free(doc);
    return sec;
}

/* The name the docs give a metric: a per-target metric's pattern ends in UNIT, a
 * per-destination one's in DEST. */
static void doc_name(const struct metric_def *d, char *out, size_t outlen) {
    snprintf(out, outlen, "%s%s", d->name,
             d->when == MW_PER_AWAITED ? "UNIT"
             : d->when == MW_PER_DEST  ? "DEST"
                                       : "");
}

/* The metric of scope named name as the docs write it, or -1. */
static int registered(const char *name, enum metric_scope scope) {
    for (int m = 0; m < MET_COUNT; m++) {
        char dn[128];
        doc_name(metric_def((enum metric)m), dn, sizeof dn);
        if (metric_def((enum metric)m)->scope == scope && !strcmp(dn, name)) return m;
    }
    return -1;
}

/* The Metrics section's tables: "| metric | definition |" for units' metrics and
 * "| system metric | definition |" for the system's. Each row's first cell is exactly a
 * registry metric of the table's scope in backticks, "`name`" (or several, "`a`, `b`", that
 * one definition covers); each registry metric has such a row, once. A metric named only in
 * prose, or a row that is no metric, is reported; every mismatch, then the test fails. */
static int check_metric_tables(const char *sec) {
    int rows[MET_COUNT] = {0}, bad = 0, tables = 0, in_table = 0, scope = -1;
    char *copy = fs_strdup(sec);
    /* Line by line, blank lines too: a blank line ends a Markdown table. */
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        if (line[0] != '|') {
            in_table = 0;
            continue;
        }
        if (!in_table) { /* a header row */
            in_table = 1;
            tables++;
            if (!strncmp(line, "| metric |", 10))
                scope = MS_UNIT;
            else if (!strncmp(line, "| system metric |", 17))
                scope = MS_SYSTEM;
            else {
                print_error("docs/model.md: a table in Metrics that is not of metrics: %s\n", line);
                scope = -1;
                bad++;
            }
            continue;
        }
        if (!strncmp(line, "|---", 4) || scope < 0) continue;
        char *cell = line + 1, *cell_end = strstr(cell, " |");
        if (!cell_end) cell_end = cell + strlen(cell);
        *cell_end = 0;
        while (*cell == ' ') cell++;
        char orig[512];
        snprintf(orig, sizeof orig, "%s", cell);
        /* "`a`" or "`a`, `b`": names in backticks and ", " between, nothing else; the names
         * of a row that is not that count for nothing. */
        int found[8], n = 0, ok = 1;
        for (char *p = cell; ok;) {
            char *close = p[0] == '`' ? strchr(p + 1, '`') : NULL;
            if (!close || n == 8) {
                ok = 0;
                break;
            }
            *close = 0;
            found[n] = registered(p + 1, (enum metric_scope)scope);
            if (found[n] < 0) {
                print_error("docs/model.md lists %s metric %s, which metrics.def lacks\n",
                            scope == MS_UNIT ? "unit" : "system", p + 1);
                bad++;
            } else
                n++;
            if (!close[1]) break;
            if (strncmp(close + 1, ", ", 2)) ok = 0;
            p = close + 3;
        }
        if (!ok) {
            print_error("docs/model.md: a Metrics row whose first cell is not `name` (or `a`, "
                        "`b`): %s\n",
                        orig);
            bad++;
            continue;
        }
        for (int k = 0; k < n; k++) rows[found[k]]++;
    }
    fs_free(copy);
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        char name[128];
        doc_name(d, name, sizeof name);
        if (rows[m] != 1) {
            print_error("%s metric %s has %d rows in docs/model.md's %s table (expected 1)\n",
                        d->scope == MS_UNIT ? "unit" : "system", name, rows[m],
                        d->scope == MS_UNIT ? "| metric |" : "| system metric |");
            bad++;
        }
    }
    if (tables < 2) {
        print_error("docs/model.md: %d metric tables in Metrics, expected the units' and the "
                    "system's\n",
                    tables);
        bad++;
    }
    return bad;
}

static void every_registry_metric_has_its_row_and_every_row_is_a_metric(void **s) {
    (void)s;
    char *sec = metrics_section();
    int bad = check_metric_tables(sec);
    free(sec);
    assert_int_equal(bad, 0);
}

/* The check itself: a row deleted while its name stays in prose fails, and so does a row that
 * names no metric. */
static void the_table_check_is_not_fooled_by_prose(void **s) {
    (void)s;
    char *sec = metrics_section();
    char *row = strstr(sec, "\n| `queue` |");
    assert_non_null(row);
    char *eol = strchr(row + 1, '\n');
    assert_non_null(eol);
    /* Delete the queue row and mention `queue` in prose. */
    size_t len = strlen(sec);
    char *no_row = malloc(len + 64);
    assert_non_null(no_row);
    snprintf(no_row, len + 64, "%.*s%s\nThe `queue` is described elsewhere.\n", (int)(row - sec),
             sec, eol);
    assert_int_equal(check_metric_tables(no_row), 1);
    /* A row that names no metric, and one with words beside the name. */
    snprintf(no_row, len + 64, "%.*s\n| `queues` |%s", (int)(row - sec), sec, eol);
    assert_int_equal(check_metric_tables(no_row), 2); /* queues unknown, queue rowless */
    snprintf(no_row, len + 64, "%.*s\n| `queue` (waiting) |%s", (int)(row - sec), sec, eol);
    assert_int_equal(check_metric_tables(no_row), 2); /* not a name, queue rowless */
    free(no_row);
    assert_int_equal(check_metric_tables(sec), 0);
    free(sec);
}

/* metric_find picks a row by name and scope, so a name is one row's in its scope. */
static void names_are_unique_within_a_scope(void **s) {
    (void)s;
    for (int a = 0; a < MET_COUNT; a++)
        for (int b = a + 1; b < MET_COUNT; b++) {
            const struct metric_def *x = metric_def((enum metric)a),
                                    *y = metric_def((enum metric)b);
            if (x->scope == y->scope && !strcmp(x->name, y->name))
                fail_msg("metrics %d and %d are both named %s", a, b, x->name);
        }
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        assert_non_null(d->measure);
        assert_true(strlen(d->definition) > 0);
        if (d->when != MW_PER_AWAITED && d->when != MW_PER_DEST)
            assert_ptr_equal(metric_find(d->name, d->scope == MS_SYSTEM), d);
    }
}

/* Every metric says where its definition comes from (metrics.csv's source column), and a
 * source that cites a section of docs/model.md ("docs/model.md, SECTION") names one there. */
static void every_metric_has_a_source_and_its_section_exists(void **s) {
    (void)s;
    char *doc = tu_read(tu_src("docs/model.md"));
    assert_non_null(doc);
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        assert_non_null(d->source);
        if (!*d->source) fail_msg("metric %s has no source", d->name);
        const char *cite = strstr(d->source, "docs/model.md, ");
        if (!cite) continue;
        cite += strlen("docs/model.md, ");
        /* A heading ("## T" or "### T") whose title T the citation begins with, ended there by
         * ')' or ':' (a title may hold a ':' itself). */
        int found = 0;
        for (const char *l = strstr(doc, "\n#"); l && !found; l = strstr(l + 1, "\n#")) {
            const char *title = l + 1 + strspn(l + 1, "#");
            if (*title++ != ' ') continue;
            size_t n = strcspn(title, "\n");
            found = !strncmp(cite, title, n) && (cite[n] == ')' || cite[n] == ':');
        }
        if (!found) fail_msg("metric %s cites a section docs/model.md lacks: %s", d->name, cite);
    }
    free(doc);
}

static void headlines_follow_the_registry(void **s) {
    (void)s;
    assert_true(metric_is_headline("occupancy_pct", UNIT_ACUTE));
    assert_false(metric_is_headline("occupancy_pct", UNIT_GENERIC));
    assert_true(metric_is_headline("occupancy_pct", METRIC_ANY_KIND));
    assert_true(metric_is_headline("delayed_days", UNIT_ACUTE));
    assert_true(metric_is_headline("ae_4h_pct", UNIT_AE));
    assert_false(metric_is_headline("ae_4h_pct", UNIT_ACUTE));
    assert_true(metric_is_headline("dtoc_per_100k", METRIC_SYSTEM));
    /* the system's cost is a headline, a unit's is not */
    assert_true(metric_is_headline("cost_per_day", METRIC_SYSTEM));
    assert_false(metric_is_headline("cost_per_day", UNIT_ACUTE));
    assert_false(metric_is_headline("cost_per_day", METRIC_ANY_KIND));
    assert_false(metric_is_headline("occupancy_pct", METRIC_SYSTEM));
    assert_false(metric_is_headline("wait_mean", UNIT_ACUTE));
    assert_false(metric_is_headline("occupancy.frail", UNIT_ACUTE));
    assert_false(metric_is_headline("no_such_metric", METRIC_ANY_KIND));
    assert_int_equal(metric_find("lost_fraction", 0)->console, MC_NONZERO);
    assert_int_equal(metric_find("wait_mean", 0)->console, MC_SHOW);
    assert_int_equal(metric_find("queue", 0)->console, MC_HIDE);
    assert_null(metric_find("delayed_days_awaiting_", 0));
    assert_null(metric_find("drd_to_discharge_mean_", 0));
}

/* Every field is a double or a uint64_t, 8 bytes: fill field k's bytes with 0x30 + k (a finite
 * double, a nonzero integer, different for each field), add to a zero window, and the sum must
 * be the same bytes. A field the add forgets stays 0; one added into another's place differs. */
static void fill_fields(void *p, size_t size) {
    unsigned char *b = p;
    for (size_t k = 0; k < size / 8; k++) memset(b + 8 * k, 0x30 + (int)(k % 64), 8);
}

_Static_assert(sizeof(struct unit_window) % 8 == 0, "unit_window holds 8-byte fields only");
_Static_assert(sizeof(struct sys_window) % 8 == 0, "sys_window holds 8-byte fields only");

static void unit_window_add_merges_every_field(void **s) {
    (void)s;
    struct unit_window w, sum;
    memset(&sum, 0, sizeof sum);
    fill_fields(&w, sizeof w);
    unit_window_add(&sum, &w);
    for (size_t k = 0; k < sizeof w / 8; k++)
        if (memcmp((char *)&sum + 8 * k, (char *)&w + 8 * k, 8))
            fail_msg("unit_window_add does not merge the field at byte %zu", 8 * k);
}

static void sys_window_add_merges_every_field(void **s) {
    (void)s;
    struct sys_window w, sum;
    memset(&sum, 0, sizeof sum);
    fill_fields(&w, sizeof w);
    sys_window_add(&sum, &w);
    for (size_t k = 0; k < sizeof w / 8; k++)
        if (memcmp((char *)&sum + 8 * k, (char *)&w + 8 * k, 8))
            fail_msg("sys_window_add does not merge the field at byte %zu", 8 * k);
}

/* Every metric's range (the registry's RANGE column): what it measures bounds it. */
static void ranges_follow_what_is_measured(void **s) {
    (void)s;
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        double lo, hi;
        metric_range_bounds(d->range, &lo, &hi);
        /* A percentage of patients or of time is within [0, 100]; nothing flowsim counts is
         * below 0, but for the two net measures of a virtual ward (differences: what it
         * avoided less what its escalations brought back). */
        if (!strcmp(d->measure, "%"))
            assert_true(lo == 0 && hi == 100);
        else if (m == MET_AVOIDED_ADMISSIONS || m == MET_NET_BED_DAYS_SAVED)
            assert_true(d->range == MR_ANY);
        else
            assert_true(lo == 0 && hi > 0);
    }
    assert_int_equal(metric_find("lost_fraction", 0)->range, MR_FRACTION);
    assert_int_equal(metric_find("surge_hours", 0)->range, MR_HOURS_PER_DAY);
    assert_int_equal(metric_find("occupancy_pct", 0)->range, MR_PERCENT);
}

/* Names as the CSVs write them find their range: per-target and per-group ones, quoted ones,
 * a system metric apart from a unit's of the same name; an unknown name is unbounded. */
static void bounds_by_name(void **s) {
    (void)s;
    struct {
        const char *name;
        int system;
        double lo, hi;
    } c[] = {
        {"delayed_days", 0, 0, INFINITY},
        {"reneged_pct", 0, 0, 100},
        {"delayed_days_awaiting_eab", 0, 0, INFINITY},
        {"delayed_days_awaiting_a.b", 0, 0, INFINITY},
        {"occupancy.frail", 0, 0, INFINITY},
        {"\"admissions.a,b\"", 0, 0, INFINITY},
        {"lost_fraction", 0, 0, 1},
        {"surge_hours", 0, 0, 24},
        {"readmit_30d_pct", 1, 0, 100},
        {"dtoc_per_100k", 1, 0, INFINITY},
        {"arrivals.fit", 1, 0, INFINITY},
        {"dtoc_per_100k", 0, -INFINITY, INFINITY}, /* no unit has it */
        {"no_such_metric", 0, -INFINITY, INFINITY},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        double lo, hi;
        metric_bounds(c[i].name, c[i].system, &lo, &hi);
        if (lo != c[i].lo || hi != c[i].hi)
            fail_msg("%s: [%g, %g], expected [%g, %g]", c[i].name, lo, hi, c[i].lo, c[i].hi);
    }
}

/* summary.csv's row (run and merge write it): the interval cut at the metric's range. */
static void summary_rows_cut_the_interval(void **s) {
    (void)s;
    struct {
        const char *unit, *metric;
        double x[5];
        const char *row;
    } c[] = {
        {"eab", "queue", {0, 0, 0, 0, 0.8}, "s,eab,queue,0.16,0.357770876,0,0.604231217,5\n"},
        {"eab",
         "reneged_pct",
         {100, 100, 100, 100, 99},
         "s,eab,reneged_pct,99.8,0.447213595,"
         "99.244711,100,5\n"},
        {"",
         "dtoc_per_100k",
         {0, 0, 0.5, 0, 0},
         "s,,dtoc_per_100k,0.1,0.223606798,0,"
         "0.377644511,5\n"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        struct welford w;
        welford_init(&w);
        for (int k = 0; k < 5; k++) welford_add(&w, c[i].x[k]);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        results_summary_row(f, "s", c[i].unit, c[i].metric, &w);
        fclose(f);
        if (strcmp(buf, c[i].row)) fail_msg("got %s expected %s", buf, c[i].row);
        free(buf);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_registry_metric_has_its_row_and_every_row_is_a_metric),
        cmocka_unit_test(the_table_check_is_not_fooled_by_prose),
        cmocka_unit_test(names_are_unique_within_a_scope),
        cmocka_unit_test(every_metric_has_a_source_and_its_section_exists),
        cmocka_unit_test(headlines_follow_the_registry),
        cmocka_unit_test(unit_window_add_merges_every_field),
        cmocka_unit_test(sys_window_add_merges_every_field),
        cmocka_unit_test(ranges_follow_what_is_measured),
        cmocka_unit_test(bounds_by_name),
        cmocka_unit_test(summary_rows_cut_the_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
