/* Golden outputs: a short demo run (tests/golden/args) must write, byte for byte, the files in
 * tests/golden/. A change of numbers fails here until tests/golden/regenerate is run and the
 * commit says why; on one thread and on several, since results do not depend on them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *const files[] = {
    "summary.csv", "timeseries.csv", "warmup.csv", "scenario.resolved.ini",
    "metrics.csv", "series.csv",     NULL};

/* scenario.resolved.ini names the scenario's tables by absolute path (so that it runs from
 * anywhere): the source tree's own folder is written {SRC} in the golden copy, as
 * tests/golden/regenerate writes it, so that the test passes in any checkout. */
static void source_as_placeholder(const char *path) {
    char root[4200];
    snprintf(root, sizeof root, "%s", tu_src(""));
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') root[--n] = 0;
    char *text = tu_read(path);
    assert_non_null(text);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (const char *p = text; *p;) {
        if (!strncmp(p, root, n) && p[n] == '/') {
            fputs("{SRC}", f);
            p += n;
        } else {
            fputc(*p++, f);
        }
    }
    assert_int_equal(fclose(f), 0);
    free(text);
}

static void run_with(const char *threads) {
    char *args = tu_read(tu_src("tests/golden/args"));
    assert_non_null(args);
    args[strcspn(args, "\n")] = 0;
    char dir[4200], golden[4200], cmd[8192];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir("golden"));
    snprintf(golden, sizeof golden, "%s", tu_src("tests/golden"));
    /* The arguments name files from the source tree, as the regenerate script runs them. */
    snprintf(cmd, sizeof cmd, "%s -o '%s/res' --threads %s", args, dir, threads);
    char prefix[4300];
    snprintf(prefix, sizeof prefix, "cd '%s' &&", tu_src(""));
    assert_int_equal(tu_run_under(prefix, cmd, NULL, NULL), 0);
    char res[4300];
    snprintf(res, sizeof res, "%s/res", dir);
    char ini[4400];
    snprintf(ini, sizeof ini, "%s/scenario.resolved.ini", res);
    source_as_placeholder(ini);
    assert_same_files(golden, res, files);
    free(args);
}

static void a_short_demo_run_writes_the_golden_bytes_on_one_thread(void **s) {
    (void)s;
    run_with("1");
}

static void and_on_three(void **s) {
    (void)s;
    run_with("3");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_short_demo_run_writes_the_golden_bytes_on_one_thread),
        cmocka_unit_test(and_on_three),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
