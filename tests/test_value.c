/* The value syntaxes of the scenario contract, and their exact error texts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/table.h"
#include "models/value.h"
#include "testutil.h"

static void durations(void **s) {
    (void)s;
    double d;
    char err[256];
    assert_int_equal(val_duration("45m", &d, err, sizeof err), 0);
    assert_close(d, 45.0 / 1440, 1e-15);
    assert_int_equal(val_duration(" 4h ", &d, err, sizeof err), 0);
    assert_close(d, 4.0 / 24, 1e-15);
    assert_int_equal(val_duration("2.5d", &d, err, sizeof err), 0);
    assert_close(d, 2.5, 0);
    assert_int_equal(val_duration("6w", &d, err, sizeof err), 0);
    assert_close(d, 42, 0);
    assert_int_equal(val_duration("8", &d, err, sizeof err), 0);
    assert_close(d, 8, 0);
    assert_int_equal(val_duration("8 days", &d, err, sizeof err), -1);
    assert_string_equal(err,
                        "expected a duration like 45m, 4h, 2.5d, 6w or 8 (days), got '8 days'");
    assert_int_equal(val_duration("-2d", &d, err, sizeof err), -1);
    assert_int_equal(val_duration("nan", &d, err, sizeof err), -1);
    assert_int_equal(val_duration("0x10", &d, err, sizeof err), -1);
    assert_int_equal(val_duration("", &d, err, sizeof err), -1);
}

static void rates_counts_probs(void **s) {
    (void)s;
    double v;
    char err[256];
    assert_int_equal(val_rate("300/d", &v, err, sizeof err), 0);
    assert_close(v, 300, 0);
    assert_int_equal(val_rate("12.5 / h", &v, err, sizeof err), 0);
    assert_close(v, 300, 1e-12);
    assert_int_equal(val_rate("300", &v, err, sizeof err), -1);
    assert_string_equal(err, "expected a rate like 300/d, 12.5/h, 2/w or 6/y, got '300'");
    assert_int_equal(val_count("900", &v, err, sizeof err), 0);
    assert_close(v, 900, 0);
    assert_int_equal(val_count("inf", &v, err, sizeof err), 0);
    assert_true(isinf(v));
    assert_int_equal(val_count("-5", &v, err, sizeof err), -1);
    assert_string_equal(err, "expected a whole number >= 0 or 'inf', got '-5'");
    assert_int_equal(val_count("12.5", &v, err, sizeof err), -1);
    assert_int_equal(val_count("many", &v, err, sizeof err), -1);
    assert_int_equal(val_prob("0.35", &v, err, sizeof err), 0);
    assert_int_equal(val_prob("1.2", &v, err, sizeof err), -1);
    assert_string_equal(err, "expected a probability between 0 and 1, got '1.2'");
}

static void dates(void **s) {
    (void)s;
    long d;
    char err[256], out[11];
    assert_int_equal(val_date("1970-01-01", &d, err, sizeof err), 0);
    assert_int_equal(d, 0);
    assert_int_equal(val_date("2025-01-06", &d, err, sizeof err), 0);
    assert_int_equal(val_weekday(d), 0); /* a Monday */
    val_format_date(d + 366, out);
    assert_string_equal(out, "2026-01-07");
    assert_int_equal(val_date("2024-02-29", &d, err, sizeof err), 0);
    assert_int_equal(val_date("2025-02-29", &d, err, sizeof err), -1);
    assert_string_equal(err, "expected a real calendar date as YYYY-MM-DD, got '2025-02-29'");
    assert_int_equal(val_date("06/01/2025", &d, err, sizeof err), -1);
    assert_string_equal(err, "expected a date as YYYY-MM-DD, got '06/01/2025' (write "
                             "2025-01-06 if that is day/month/year, 2025-06-01 if "
                             "month/day/year; flowsim does not guess which comes first)");
    /* Only a reading that can be meant is suggested: a US date is month/day, never the
     * impossible 2025-15-12; a day above 12 first is day/month; no reading, no suggestion. */
    assert_int_equal(val_date("12/15/2025", &d, err, sizeof err), -1);
    assert_string_equal(err, "expected a date as YYYY-MM-DD, got '12/15/2025' (as "
                             "month/day/year that is 2025-12-15: write that)");
    assert_int_equal(val_date("15/12/2025", &d, err, sizeof err), -1);
    assert_string_equal(err, "expected a date as YYYY-MM-DD, got '15/12/2025' (as "
                             "day/month/year that is 2025-12-15: write that)");
    assert_int_equal(val_date("31/02/2025", &d, err, sizeof err), -1);
    assert_string_equal(err, "expected a date as YYYY-MM-DD, got '31/02/2025'");
    assert_int_equal(val_date("13/14/2025", &d, err, sizeof err), -1);
    assert_string_equal(err, "expected a date as YYYY-MM-DD, got '13/14/2025'");
    assert_int_equal(val_date("07/07/2025", &d, err, sizeof err), -1);
    assert_string_equal(err, "expected a date as YYYY-MM-DD, got '07/07/2025' (as "
                             "day/month/year that is 2025-07-07: write that)");
}

static void distributions(void **s) {
    (void)s;
    struct val_dist vd;
    char err[512];
    assert_int_equal(val_dist("lognormal(8d, 8d)", &vd, err, sizeof err), 0);
    assert_int_equal(vd.kind, DIST_LOGNORMAL);
    assert_close(vd.p[0], 8, 0);
    assert_int_equal(val_dist("exp(3h)", &vd, err, sizeof err), 0);
    assert_close(vd.p[0], 0.125, 1e-15);
    assert_int_equal(val_dist("weibull(1.5, 10d)", &vd, err, sizeof err), 0);
    assert_close(vd.p[0], 1.5, 0);
    assert_close(vd.p[1], 10, 0);
    assert_int_equal(val_dist("triangular(1d, 2d, 5d)", &vd, err, sizeof err), 0);
    assert_int_equal(val_dist("empirical( stays.csv )", &vd, err, sizeof err), 0);
    assert_string_equal(vd.file, "stays.csv");
    free(vd.file);
    assert_int_equal(val_dist("lognormal(8d)", &vd, err, sizeof err), -1);
    assert_string_equal(err, "expected lognormal with 2 arguments, got 'lognormal(8d)'");
    assert_int_equal(val_dist("normal(1, 2)", &vd, err, sizeof err), -1);
    assert_true(strstr(err, "expected a distribution: exp(MEAN)") == err);
    assert_int_equal(val_dist("exp(3 hours)", &vd, err, sizeof err), -1);
    assert_true(strstr(err, "exp: argument 1: expected a duration") == err);
    assert_int_equal(val_dist("gamma(5d, 0)", &vd, err, sizeof err), -1);
    assert_string_equal(err, "gamma(MEAN, SD) needs MEAN > 0 and SD > 0, got 'gamma(5d, 0)'");
    assert_int_equal(val_dist("exp(3h", &vd, err, sizeof err), -1);
}

static void routes(void **s) {
    (void)s;
    struct val_route r;
    char err[256];
    assert_int_equal(val_route("acute 0.3, exit 0.7", &r, err, sizeof err), 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.dest[0], "acute");
    assert_string_equal(r.dest[1], "exit");
    assert_close(r.prob[1], 0.7, 0);
    val_route_fini(&r);
    assert_int_equal(val_route("exit 1", &r, err, sizeof err), 0);
    val_route_fini(&r);
    assert_int_equal(val_route("acute 0.3, exit 0.6", &r, err, sizeof err), -1);
    assert_string_equal(err, "expected routing probabilities summing to 1 (they sum to 0.9), "
                             "got 'acute 0.3, exit 0.6'");
    assert_int_equal(val_route("acute, exit 1", &r, err, sizeof err), -1);
    assert_int_equal(val_route("exit 0.5, exit 0.5", &r, err, sizeof err), -1);
    assert_int_equal(val_route("acute 1.5, exit -0.5", &r, err, sizeof err), -1);
}

/* A plain number, as a CSV cell holds one: wholly a number, or refused with its text. */
static void plain_numbers(void **s) {
    (void)s;
    double v;
    char err[256];
    assert_int_equal(val_number("30", &v, err, sizeof err), 0);
    assert_close(v, 30, 0);
    assert_int_equal(val_number(" -2.5 ", &v, err, sizeof err), 0);
    assert_close(v, -2.5, 0);
    assert_int_equal(val_number("1e3", &v, err, sizeof err), 0);
    assert_close(v, 1000, 0);
    assert_int_equal(val_number(".5", &v, err, sizeof err), 0);
    assert_close(v, 0.5, 0);
    /* Each of these was once read as 0 or as its leading digits. */
    static const char *const bad[] = {"xx",  "",    " ",    "30,5",  "30%",  "2abc", "0x10",
                                      "inf", "nan", "-inf", "1e999", "30 5", "+",    "."};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char want[128];
        snprintf(want, sizeof want, "expected a number, got '%s'", bad[i]);
        v = 42;
        if (val_number(bad[i], &v, err, sizeof err) != -1 || strcmp(err, want) || v != 42)
            fail_msg("val_number('%s'): got '%s', %g; wanted -1, '%s', untouched", bad[i], err, v,
                     want);
    }
}

/* table_number: a CSV cell through a value parser, the message naming file, line and column. */
static void table_cells_name_their_line_and_column(void **s) {
    (void)s;
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/t.csv", tu_tmpdir("value_table"));
    tu_write(path, "unit,target,weight\r\nward,30,\r\nward,\"30,5\",2abc\r\n");
    struct table t;
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    assert_int_equal(t.n, 3);
    double v;
    assert_int_equal(table_number(path, &t.row[1], 1, "target", val_number, &v, err, sizeof err),
                     0);
    assert_close(v, 30, 0);
    /* The dropped trailing cell reads as empty, like a column not there. */
    assert_string_equal(table_field(&t.row[1], 2), "");
    assert_string_equal(table_field(&t.row[1], -1), "");
    char want[4400];
    assert_int_equal(table_number(path, &t.row[1], 2, "weight", val_positive, &v, err, sizeof err),
                     -1);
    snprintf(want, sizeof want, "%s:2: weight: expected a number > 0, got ''", path);
    assert_string_equal(err, want);
    assert_int_equal(table_number(path, &t.row[2], 1, "target", val_number, &v, err, sizeof err),
                     -1);
    snprintf(want, sizeof want, "%s:3: target: expected a number, got '30,5'", path);
    assert_string_equal(err, want);
    assert_int_equal(table_number(path, &t.row[2], 2, "weight", val_positive, &v, err, sizeof err),
                     -1);
    snprintf(want, sizeof want, "%s:3: weight: expected a number > 0, got '2abc'", path);
    assert_string_equal(err, want);
    table_fini(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(durations),
        cmocka_unit_test(rates_counts_probs),
        cmocka_unit_test(dates),
        cmocka_unit_test(distributions),
        cmocka_unit_test(routes),
        cmocka_unit_test(plain_numbers),
        cmocka_unit_test(table_cells_name_their_line_and_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
