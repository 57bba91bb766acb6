/* CSV writing: numbers exactly as %.9g (the fast path for whole numbers included), empty cells
 * for NaN and infinity, and appending a worker's temporary file. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/csvout.h"
#include "sim/rng.h"
#include "testutil.h"

static void check(double v) {
    char got[CSVOUT_NUM_MAX + 1], want[64];
    size_t n = csvout_fmt_num(got, v);
    got[n] = 0;
    snprintf(want, sizeof want, "%.9g", v == 0 ? 0.0 : v);
    if (strcmp(got, want)) fail_msg("%.17g: got '%s', want '%s'", v, got, want);
}

static void numbers_print_as_printf_would(void **s) {
    (void)s;
    const double v[] = {0.0,      -0.0,        1.0,          -1.0,        7.0,
                        10.0,     999999999.0, -999999999.,  1e9,         -1e9,
                        1e10,     123456789.5, 0.1,          -2.5,        1e-7,
                        4.9e-324, 1e300,       4294967296.0, 2147483648., 9007199254740992.0};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) check(v[i]);
    struct rng r;
    rng_seed(&r, 1, 2);
    for (int i = 0; i < 100000; i++) {
        double u = rng_uniform(&r);
        check(floor((u - 0.5) * 2.2e9));         /* whole numbers either side of 1e9 */
        check((u - 0.5) * pow(10, i % 24 - 8));  /* everything else */
        check((u - 0.5) * pow(10, i % 80 - 40)); /* far out: printf's turn */
        /* Ties and near-ties at the ninth digit, where rounding is decided. */
        double t = (floor(u * 9e8) + 1e8 + 0.5) * pow(10, i % 30 - 20);
        check(t);
        check(nextafter(t, 0));
        check(nextafter(t, INFINITY));
        check(t * 1e-9 / 1e-9);
    }
    const double more[] = {0.5,        1.5,         2.5e-5,       1.0000000005, 123456789.5,
                           0.00012345, 0.000099999, 9.99999999e8, 999999999.5,  99999999.96,
                           1e-5,       1e-4,        1.5e9,        -3.25e-7,     0.1 + 0.2};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) check(more[i]);
}

static void nan_and_infinity_are_empty_cells(void **s) {
    (void)s;
    char buf[CSVOUT_NUM_MAX];
    assert_int_equal(csvout_fmt_num(buf, NAN), 0);
    assert_int_equal(csvout_fmt_num(buf, INFINITY), 0);
    assert_int_equal(csvout_fmt_num(buf, -INFINITY), 0);
}

static void append_copies_and_closes(void **s) {
    (void)s;
    FILE *dst = tmpfile(), *src = tmpfile();
    assert_non_null(dst);
    assert_non_null(src);
    fputs("head\n", dst);
    for (int i = 0; i < 20000; i++) fprintf(src, "row %d\n", i); /* several buffers' worth */
    assert_int_equal(csvout_append(dst, src), 0);
    rewind(dst);
    char line[64];
    assert_non_null(fgets(line, sizeof line, dst));
    assert_string_equal(line, "head\n");
    int k = 0;
    while (fgets(line, sizeof line, dst)) {
        char want[64];
        snprintf(want, sizeof want, "row %d\n", k++);
        assert_string_equal(line, want);
    }
    assert_int_equal(k, 20000);
    fclose(dst);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_print_as_printf_would),
        cmocka_unit_test(nan_and_infinity_are_empty_cells),
        cmocka_unit_test(append_copies_and_closes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
