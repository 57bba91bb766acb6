/* The report's reading of a time series (output/report_data.c, issue 19 item 3): read once as a
 * stream, each drawn series' mean and 5-95% band per bucket exactly as a sort of every
 * replication's values gives them, and what it holds the same for 2, 20 or 200 replications
 * and for a file of many more series than the page draws. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/limits.h"
#include "output/report_data.h"
#include "sim/core.h"
#include "testutil.h"

#define NB 9    /* buckets */
#define UNITS 3 /* units of drawn series */

/* A known value of (replication r, unit u, metric m, bucket b): distinct, some undefined. */
static double value(int r, int u, int m, int b) {
    if (m == 1 && b == 3 && r % 4 == 0) return NAN; /* occupancy_pct's empty cells */
    return (double)((r * 37 + u * 11 + m * 5 + b * 3) % 23) + 0.25 * m + (m == 1 ? 1 : 0);
}

static const char *const drawn[] = {"occupancy", "occupancy_pct", "delayed_days",
                                    "delayed_days_assessment", "cost_per_day"};
#define NM 5

/* timeseries.csv of nrep replications, in order; with `extra` undrawn metrics a unit, and the
 * replications listed in order (NULL: 1..nrep). */
static const char *write_ts(const char *name, int nrep, int extra, const int *order) {
    static char path[4400];
    snprintf(path, sizeof path, "%s/%s.csv", tu_tmpdir("report_data"), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("scenario,replication,time,date,unit,metric,value\n", f);
    for (int i = 0; i < nrep; i++) {
        int r = order ? order[i] : i + 1;
        for (int b = 0; b < NB; b++)
            for (int u = 0; u < UNITS; u++) {
                for (int m = 0; m < NM; m++) {
                    double v = value(r, u, m, b);
                    fprintf(f, "s,%d,%d,2025-01-%02d,ward%d,%s,", r, 10 + b, 11 + b, u, drawn[m]);
                    if (!isnan(v)) fprintf(f, "%.9g", v);
                    fputc('\n', f);
                }
                for (int x = 0; x < extra; x++)
                    fprintf(f, "s,%d,%d,2025-01-%02d,ward%d,other_%d,%d\n", r, 10 + b, 11 + b, u, x,
                            r + x);
            }
    }
    fclose(f);
    return path;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type 7 quantile of n sorted values, as the report draws it. */
static double quantile(const double *x, int n, double p) {
    double h = (n - 1) * p;
    int i = (int)h;
    return x[i] + (h - i) * (i + 1 < n ? x[i + 1] - x[i] : 0);
}

/* Every drawn series' bands equal a sort of its values, exactly; places open is
 * occupancy / occupancy_pct in each replication; undrawn series are not kept. */
static void bands_are_exact(void **s) {
    (void)s;
    enum { R = 7 };
    struct runts t;
    char err[FS_MSG_MAX];
    assert_int_equal(rd_timeseries(write_ts("exact", R, 2, NULL), &t, err, sizeof err), 0);
    assert_int_equal(t.nb, NB);
    assert_int_equal(t.nrep, R);
    assert_int_equal(t.ns, UNITS * NM); /* other_0 and other_1 are not drawn */
    assert_null(rd_find(&t, "ward0", "other_0"));
    assert_string_equal(t.date[NB - 1], "2025-01-19");
    for (int u = 0; u < UNITS; u++)
        for (int m = 0; m < NM; m++) {
            char unit[16];
            snprintf(unit, sizeof unit, "ward%d", u);
            const struct series *se = rd_find(&t, unit, drawn[m]);
            assert_non_null(se);
            assert_true(!strcmp(se->metric, drawn[m]) && (m == 0) == (se->open != NULL));
            for (int b = 0; b < NB; b++) {
                double x[R], o[R], sum = 0, osum = 0;
                int n = 0, no = 0;
                for (int r = 1; r <= R; r++) {
                    double v = value(r, u, m, b), p = value(r, u, 1, b);
                    if (!isnan(v)) sum += v, x[n++] = v;
                    if (p > 0) o[no] = value(r, u, 0, b) * 100.0 / p, osum += o[no++];
                }
                qsort(x, (size_t)n, sizeof *x, cmp_double);
                assert_true(se->mid[b] == sum / n);
                assert_true(se->lo[b] == quantile(x, n, 0.05));
                assert_true(se->hi[b] == quantile(x, n, 0.95));
                if (m == 0) {
                    qsort(o, (size_t)no, sizeof *o, cmp_double);
                    assert_true(se->open->mid[b] == osum / no);
                    assert_true(se->open->hi[b] == quantile(o, no, 0.95));
                }
            }
        }
    runts_fini(&t);
}

/* The replications after the first in any order (each row put back where its replication's
 * others are) read as in order; a row of another replication before replication 1's is
 * refused with its line. */
static void order_of_replications(void **s) {
    (void)s;
    static const int order[] = {1, 3, 2, 5, 4};
    struct runts a, b;
    char err[FS_MSG_MAX];
    assert_int_equal(rd_timeseries(write_ts("inorder", 5, 0, NULL), &a, err, sizeof err), 0);
    assert_int_equal(rd_timeseries(write_ts("shuffled", 5, 0, order), &b, err, sizeof err), 0);
    for (size_t i = 0; i < a.ns; i++)
        for (size_t k = 0; k < NB; k++)
            assert_true(a.s[i].mid[k] == b.s[i].mid[k] && a.s[i].hi[k] == b.s[i].hi[k]);
    runts_fini(&a), runts_fini(&b);
    static const int late[] = {2, 1};
    const char *p = write_ts("late", 2, 0, late);
    assert_int_equal(rd_timeseries(p, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "late.csv:2: expected replication 1's rows first"));
}

/* What the reading holds is the same for 2, 20 and 200 replications, and for a file with ten
 * times the rows of series the page does not draw: in proportion to the drawn series and
 * buckets alone (a few kB here), not to the file. */
static void memory_is_independent_of_the_file(void **s) {
    (void)s;
    static const int reps[] = {2, 20, 200};
    size_t bytes[4];
    char err[FS_MSG_MAX];
    for (int i = 0; i < 4; i++) {
        struct runts t;
        char name[16];
        snprintf(name, sizeof name, "mem%d", i);
        const char *p = write_ts(name, i < 3 ? reps[i] : 20, i < 3 ? 0 : 50, NULL);
        assert_int_equal(rd_timeseries(p, &t, err, sizeof err), 0);
        bytes[i] = t.bytes;
        runts_fini(&t);
    }
    assert_true(bytes[0] > 0);
    assert_int_equal(bytes[1], bytes[0]);
    assert_int_equal(bytes[2], bytes[0]);
    assert_int_equal(bytes[3], bytes[0]);
    /* the keys' values (a row of them, the bands) are what it holds: 15 series + 3 places
     * open, 9 buckets */
    assert_true(bytes[0] < 16384);
}

/* Every metric the page's code looks a series up by (report.c's run_sections, the charts of
 * report_charts.c) is one rd_drawn keeps: a chart added without it would find no series. */
static void drawn_is_what_the_page_draws(void **s) {
    (void)s;
    static const char *const files[] = {"output/report.c", "output/report_charts.c"};
    static const char *const marks[] = {"metric, \"", "any_metric(t, \"", "rd_find(t, unit, \""};
    int found = 0;
    for (size_t f = 0; f < 2; f++) {
        char *text = tu_read(tu_src(files[f]));
        assert_non_null(text);
        for (size_t m = 0; m < 3; m++)
            for (const char *at = strstr(text, marks[m]); at; at = strstr(at + 1, marks[m])) {
                const char *name = at + strlen(marks[m]), *end = strchr(name, '"');
                char metric[64];
                assert_true(end && end - name > 0 && end - name < 60);
                /* a prefix (delayed_days_, a delay's reasons) stands for its metrics */
                snprintf(metric, sizeof metric, "%.*s%s", (int)(end - name), name,
                         end[-1] == '_' ? "x" : "");
                if (!rd_drawn(metric))
                    fail_msg("%s draws %s, which rd_drawn leaves out", files[f], metric);
                found++;
            }
        free(text);
    }
    assert_true(found >= 11); /* as many as the page's lookups today */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bands_are_exact),
        cmocka_unit_test(order_of_replications),
        cmocka_unit_test(memory_is_independent_of_the_file),
        cmocka_unit_test(drawn_is_what_the_page_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
