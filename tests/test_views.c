/* The views of one run on a scenario with every mechanism on (tests/scenarios/everything.ini):
 * every metric of the registry is reported and counts something, so a metric whose recording
 * was forgotten (the engine never counts it, the summary reads 0) fails here rather than
 * shipping as a silent zero. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/metrics.h"
#include "models/table.h"
#include "testutil.h"

static char dir[4200];

static int setup(void **s) {
    (void)s;
    snprintf(dir, sizeof dir, "%s/out", tu_tmpdir("views"));
    char args[8800], *out, *err;
    snprintf(args, sizeof args, "run '%s' -o '%s' --by-group --patient-log --quiet",
             tu_src("tests/scenarios/everything.ini"), dir);
    int rc = tu_run(args, &out, &err);
    if (rc != 0) fprintf(stderr, "flowsim %s: %d\n%s", args, rc, err);
    free(out), free(err);
    return rc;
}

/* Metrics no scenario of this size can be made to count without breaking the others, each
 * with its reason and the test where it is counted instead. */
static int exempt(const char *name) {
    /* only a system frozen by blocking counts it: the deadlock tests do */
    return !strcmp(name, "deadlocked_pct");
}

/* The registry's name for a summary row's metric: a group's row (NAME.GROUP) is its metric's,
 * a per-target row (delayed_days_awaiting_UNIT) its prefix's. */
static int registry_index(const char *metric, int system) {
    char name[256];
    snprintf(name, sizeof name, "%s", metric);
    char *dot = strchr(name, '.');
    if (dot) *dot = 0;
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        if ((d->scope == MS_SYSTEM) != system) continue;
        size_t n = strlen(d->name);
        if (d->name[n - 1] == '_' ? !strncmp(name, d->name, n) : !strcmp(name, d->name)) return m;
    }
    return -1;
}

static void every_metric_is_reported_and_counts_something(void **s) {
    (void)s;
    char path[4300], err[512];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err)) fail_msg("%s", err);
    int reported[MET_COUNT] = {0}, counted[MET_COUNT] = {0};
    const struct table_row *h = &t.row[0];
    int cu = table_column(h, "unit"), cm = table_column(h, "metric"),
        cmean = table_column(h, "mean");
    assert_true(cu >= 0 && cm >= 0 && cmean >= 0);
    for (size_t i = 1; i < t.n; i++) {
        const char *unit = table_field(&t.row[i], cu), *metric = table_field(&t.row[i], cm);
        int m = registry_index(metric, unit[0] == 0);
        if (m < 0) {
            print_error("%s %s: in summary.csv, not in the registry\n", unit, metric);
            counted[0] = -1000000; /* fails below */
            continue;
        }
        reported[m] = 1;
        const char *mean = table_field(&t.row[i], cmean);
        if (mean[0] && strtod(mean, NULL) != 0) counted[m] = 1;
    }
    table_fini(&t);
    int bad = counted[0] < 0;
    for (int m = 0; m < MET_COUNT; m++) {
        const struct metric_def *d = metric_def((enum metric)m);
        if (!reported[m]) {
            print_error("%s (%s): not reported by everything.ini: give it the mechanism\n", d->name,
                        d->scope == MS_SYSTEM ? "system" : "unit");
            bad = 1;
        } else if (!counted[m] && !exempt(d->name)) {
            print_error("%s (%s): 0 or empty in every row: is it recorded?\n", d->name,
                        d->scope == MS_SYSTEM ? "system" : "unit");
            bad = 1;
        }
    }
    assert_false(bad);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_metric_is_reported_and_counts_something),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
