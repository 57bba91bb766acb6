/* The allocation wrapper: growth keeps contents and capacity covers the need. */
#include <string.h>

#include "sim/core.h"
#include "testutil.h"

static void grow_keeps_contents(void **s) {
    (void)s;
    int *a = NULL;
    size_t cap = 0;
    for (int i = 0; i < 1000; i++) {
        fs_grow((void **)&a, &cap, (size_t)i + 1, sizeof *a);
        assert_true(cap >= (size_t)i + 1);
        a[i] = i * 3;
    }
    for (int i = 0; i < 1000; i++) assert_int_equal(a[i], i * 3);
    size_t before = cap;
    fs_grow((void **)&a, &cap, 10, sizeof *a); /* never shrinks */
    assert_int_equal(cap, before);
    fs_free(a);
}

static void strdup_and_zero_sizes(void **s) {
    (void)s;
    char *d = fs_strdup("acute");
    assert_string_equal(d, "acute");
    fs_free(d);
    void *z = fs_malloc(0); /* a valid pointer even for zero bytes */
    assert_non_null(z);
    fs_free(z);
    int *c = fs_calloc(4, sizeof *c);
    for (int i = 0; i < 4; i++) assert_int_equal(c[i], 0);
    fs_free(c);
    fs_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grow_keeps_contents),
        cmocka_unit_test(strdup_and_zero_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
