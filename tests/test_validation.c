/* Statistical validation against queueing theory. Each check runs a scenario from
 * scenarios/validation/ with its fixed seed and asks that the theoretical value lie inside the
 * 99.9% Student-t interval across replications; being seeded, the outcome never changes. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/flow.h"
#include "models/table.h"
#include "testutil.h"

static double erlang_b(int c, double a) {
    double b = 1; /* the stable recursion B(k) = a B(k-1) / (k + a B(k-1)) */
    for (int k = 1; k <= c; k++) b = a * b / (k + a * b);
    return b;
}

static double erlang_c(int c, double a) {
    double b = erlang_b(c, a), rho = a / c;
    return b / (1 - rho * (1 - b));
}

/* 99.9% half-width from a summary row. */
static double half999(const struct tu_row *r) {
    return gsl_cdf_tdist_Pinv(0.9995, r->n - 1) * r->sd / sqrt(r->n);
}

static const char *run_validation(const char *name) {
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir(name));
    char cmd[8192], rel[256];
    snprintf(rel, sizeof rel, "scenarios/validation/%s.ini", name);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet", tu_src(rel), dir);
    char *out, *err;
    int rc = tu_run(cmd, &out, &err);
    if (rc != 0) fail_msg("flowsim failed: %s", err);
    free(out), free(err);
    return dir;
}

static void within(const char *what, const struct tu_row *r, double theory) {
    double h = half999(r);
    print_message("%-28s sim %.6g +- %.3g (99.9%%, n=%d), theory %.6g\n", what, r->mean, h, r->n,
                  theory);
    assert_int_equal(r->n, 10);
    assert_close(r->mean, theory, h);
}

static void erlang_c_wait_and_queue(void **s) {
    (void)s;
    const char *dir = run_validation("mmc");
    double lambda = 8, a = 8; /* per hour; mu = 1/h */
    double C = erlang_c(10, a);
    double wq_hours = C / (10 - lambda);
    struct tu_row r;
    tu_summary(dir, "servers", "wait_mean", &r);
    within("M/M/10 wait_mean (days)", &r, wq_hours / 24);
    tu_summary(dir, "servers", "queue", &r);
    within("M/M/10 queue", &r, lambda * wq_hours);
    tu_summary(dir, "servers", "occupancy", &r);
    within("M/M/10 occupancy", &r, a);
}

static void erlang_b_loss(void **s) {
    (void)s;
    const char *dir = run_validation("mmcc");
    struct tu_row r;
    tu_summary(dir, "servers", "lost_fraction", &r);
    within("M/M/10/10 lost_fraction", &r, erlang_b(10, 8));
    tu_summary(dir, "servers", "occupancy", &r);
    within("M/M/10/10 occupancy", &r, 8 * (1 - erlang_b(10, 8)));
}

/* M/M/c+M: the birth-death chain solved to where its probabilities vanish. */
static void erlang_a(int c, double lambda, double mu, double theta, double *occ, double *queue) {
    double p = 1, total = 0, busy = 0, q = 0;
    for (int n = 0; n < 2000 && p > 1e-300; n++) {
        total += p, busy += p * (n < c ? n : c), q += p * (n > c ? n - c : 0);
        p *= lambda / ((n + 1 < c ? n + 1 : c) * mu + (n + 1 > c ? n + 1 - c : 0) * theta);
    }
    *occ = busy / total;
    *queue = q / total;
}

static void erlang_a_patience(void **s) {
    (void)s;
    const char *dir = run_validation("erlang_a");
    double occ, queue; /* per hour: lambda 12, mu 1, theta 1/2 */
    erlang_a(10, 12, 1, 0.5, &occ, &queue);
    struct tu_row r;
    tu_summary(dir, "servers", "queue", &r);
    within("M/M/10+M queue", &r, queue);
    tu_summary(dir, "servers", "occupancy", &r);
    within("M/M/10+M occupancy", &r, occ);
    /* Those who give up leave at rate theta x queue, out of lambda arrivals. */
    tu_summary(dir, "servers", "reneged_pct", &r);
    within("M/M/10+M reneged_pct", &r, 100 * 0.5 * queue / 12);
}

static void mg_infinity_occupancy(void **s) {
    (void)s;
    const char *dir = run_validation("mginf");
    struct tu_row r;
    tu_summary(dir, "beds", "occupancy", &r);
    within("M/G/inf occupancy", &r, 20 * 5);
    tu_summary(dir, "beds", "los_mean", &r);
    within("M/G/inf los_mean", &r, 5);
}

/* Started from a census of lambda E[S] = 100 patients with equilibrium residual stays, an
 * M/G/inf run is in steady state from the first day: every day's occupancy, averaged over the
 * replications, is 100 within its 99.9% interval. An empty start would be far below at first;
 * so would residuals taken as a uniform fraction of a fresh stay (mean E[S]/2 = 2.5 days
 * instead of E[S^2]/(2 E[S]) = 8.9 here). */
static void census_start_is_steady_from_day_one(void **s) {
    (void)s;
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir("mginf_census"));
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --quiet --replications 40 --set scenario.warmup=0 "
             "--set scenario.horizon=30d --set scenario.interval=1d "
             "--set beds.initial_occupancy=100",
             tu_src("scenarios/validation/mginf.ini"), dir);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    struct table t;
    assert_int_equal(table_read(path, &t, err, sizeof err), 0);
    double sum[30] = {0}, sum2[30] = {0};
    int n[30] = {0};
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (strcmp(r->field[4], "beds") || strcmp(r->field[5], "occupancy")) continue;
        int day = atoi(r->field[2]);
        double v = strtod(r->field[6], NULL);
        sum[day] += v, sum2[day] += v * v, n[day]++;
    }
    table_fini(&t);
    for (int d = 0; d < 30; d++) {
        double m = sum[d] / n[d], sd = sqrt((sum2[d] - n[d] * m * m) / (n[d] - 1));
        double h = gsl_cdf_tdist_Pinv(0.9995, n[d] - 1) * sd / sqrt(n[d]);
        assert_int_equal(n[d], 40);
        if (d < 3 || d == 29) print_message("day %2d occupancy %.2f +- %.2f\n", d, m, h);
        assert_close(m, 100, h);
    }
}

/* Little's law, L = lambda W, on a network with blocking: per replication the difference
 * occupancy - admissions x los_mean is computed, and zero must lie in its 99.9% interval. The
 * CLI's summary.csv must agree with the same replications' means. */
static void littles_law_with_blocking(void **s) {
    (void)s;
    const char *dir = run_validation("network");
    char err[2048];
    struct scenario *sc =
        scenario_load(tu_src("scenarios/validation/network.ini"), NULL, 0, err, sizeof err);
    assert_non_null(sc);
    struct metric_layout ml;
    metric_layout_init(&ml, sc, 0);
    for (size_t u = 0; u < sc->nunits; u++) {
        int io = -1, ia = -1, il = -1;
        for (size_t i = 0; i < ml.n; i++) {
            if (ml.slot[i].unit != (int)u) continue;
            if (ml.slot[i].metric == MET_OCCUPANCY) io = (int)i;
            if (ml.slot[i].metric == MET_ADMISSIONS) ia = (int)i;
            if (ml.slot[i].metric == MET_LOS_MEAN) il = (int)i;
        }
        double d[10], mean = 0, var = 0, occ = 0;
        for (int rep = 0; rep < 10; rep++) {
            struct flow_result *res;
            assert_int_equal(flow_run(sc, &ml, rep, &res, err, sizeof err), 0);
            d[rep] = res->summary[io] - res->summary[ia] * res->summary[il];
            occ += res->summary[io] / 10;
            mean += d[rep] / 10;
            flow_result_free(res);
        }
        for (int rep = 0; rep < 10; rep++) var += (d[rep] - mean) * (d[rep] - mean) / 9;
        double h = gsl_cdf_tdist_Pinv(0.9995, 9) * sqrt(var / 10);
        print_message("Little %-10s L=%.4g, L - lambda W = %.3g +- %.3g\n", sc->unit[u].name, occ,
                      mean, h);
        assert_close(mean, 0, h);
        /* The same replications as the CLI ran: identical means. */
        struct tu_row r;
        tu_summary(dir, sc->unit[u].name, "occupancy", &r);
        assert_close(r.mean, occ, 1e-6 * occ);
    }
    /* The network really blocks: a test of Little's law without delays would prove less. */
    struct tu_row r;
    tu_summary(dir, "acute", "delayed", &r);
    assert_true(r.mean > 1);
    tu_summary(dir, "ae", "delayed", &r);
    assert_true(r.mean > 0.01);
    metric_layout_fini(&ml);
    scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(erlang_c_wait_and_queue),
        cmocka_unit_test(erlang_b_loss),
        cmocka_unit_test(erlang_a_patience),
        cmocka_unit_test(mg_infinity_occupancy),
        cmocka_unit_test(littles_law_with_blocking),
        cmocka_unit_test(census_start_is_steady_from_day_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
