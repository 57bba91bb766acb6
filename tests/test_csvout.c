/* CSV writing: numbers exactly as %.9g (the fast path for whole numbers included), empty cells
 * for NaN and infinity, appending a worker's temporary file, and paths refused whole rather
 * than cut. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/limits.h"
#include "output/csvout.h"
#include "sim/core.h"
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
        /* Either side of a power of ten, where the scaled value may round across 1e8 or 1e9
         * and the exponent is corrected, and of the exact powers' end (10^22). */
        double p = pow(10, i % 46 - 20);
        check(nextafter(p, 0)), check(nextafter(p, INFINITY)), check(p * (1 - 5e-10 * u));
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

/* A path one byte too long for FS_PATH_MAX is refused with a message naming its start, and
 * never left cut in the buffer; one that fits is whole. */
static void paths_that_do_not_fit_are_refused_not_cut(void **s) {
    (void)s;
    char dir[FS_PATH_MAX + 8], buf[FS_PATH_MAX], err[FS_MSG_MAX];
    memset(dir, 'd', FS_PATH_MAX - 8), dir[FS_PATH_MAX - 8] = 0; /* + "/run-in": 4095 */
    assert_int_equal(fs_path(buf, sizeof buf, err, sizeof err, "%s/%s", dir, "run-in"), FS_OK);
    assert_int_equal(strlen(buf), FS_PATH_MAX - 1);
    assert_int_equal(fs_path(buf, sizeof buf, err, sizeof err, "%s/%s", dir, "run-inf"), FS_EINPUT);
    assert_string_equal(buf, "");
    char want[300];
    snprintf(want, sizeof want, "%.200s...: path too long (more than %d bytes)", dir,
             FS_PATH_MAX - 1);
    assert_string_equal(err, want);
    /* A file in a folder whose name leaves no room for it: nothing is created. */
    const char *tmp = tu_tmpdir("csvout_long");
    struct csvout_file cf;
    snprintf(dir, sizeof dir, "%s/", tmp);
    size_t n = strlen(dir);
    while (n + 2 < FS_PATH_MAX - 20) dir[n++] = '.', dir[n++] = '/';
    dir[n] = 0;
    assert_int_equal(csvout_open(&cf, dir, "summary.csv", err, sizeof err), FS_EINPUT);
    assert_non_null(strstr(err, "...: file name too long"));
    assert_null(cf.f);
    assert_string_equal(cf.final, "");
    DIR *dd = opendir(tmp);
    assert_non_null(dd);
    struct dirent *e;
    int count = 0;
    while ((e = readdir(dd))) count += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(dd);
    assert_int_equal(count, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_print_as_printf_would),
        cmocka_unit_test(nan_and_infinity_are_empty_cells),
        cmocka_unit_test(append_copies_and_closes),
        cmocka_unit_test(paths_that_do_not_fit_are_refused_not_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
