#include "testflow.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

void tf_put(const char *dir, const char *name, const char *text) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    tu_write(p, text);
}

void tf_load(struct run *r, const char *dir, const char *text, int by_group) {
    char path[4200], err[2048];
    snprintf(path, sizeof path, "%s/s.ini", dir);
    tu_write(path, text);
    r->sc = scenario_load(path, NULL, 0, err, sizeof err);
    if (!r->sc) fail_msg("%s", err);
    metric_layout_init(&r->ml, r->sc, by_group);
    r->res = NULL;
}

void tf_rep(struct run *r, int rep, const struct flow_opts *o) {
    char err[2048];
    struct flow_opts none = {0};
    flow_result_free(r->res);
    r->res = NULL;
    assert_int_equal(flow_run_opts(r->sc, &r->ml, rep, o ? o : &none, &r->res, err, sizeof err), 0);
}

void tf_done(struct run *r) {
    flow_result_free(r->res);
    metric_layout_fini(&r->ml);
    scenario_free(r->sc);
}

int tf_slot(const struct run *r, const char *unit, const char *metric) {
    int u = unit ? scenario_unit_index(r->sc, unit) : -1;
    for (size_t i = 0; i < r->ml.n; i++)
        if (r->ml.slot[i].unit == u && !strcmp(r->ml.slot[i].name, metric)) return (int)i;
    return -1;
}

double tf_get(const struct run *r, const char *unit, const char *metric) {
    int k = tf_slot(r, unit, metric);
    if (k < 0) fail_msg("no slot %s.%s", unit ? unit : "", metric);
    return r->res->summary[k];
}

double tf_at(const struct run *r, size_t bucket, const char *unit, const char *metric) {
    int k = tf_slot(r, unit, metric);
    if (k < 0) fail_msg("no slot %s.%s", unit ? unit : "", metric);
    return r->res->series[bucket * r->res->nslots + (size_t)k];
}

void tf_mean_over_reps(const char *dir, const char *text, int by_group, int n, const char *unit,
                       const char *metric, double *mean, double *half) {
    struct run r;
    tf_load(&r, dir, text, by_group);
    double v[16], sum = 0, ss = 0;
    if (n > 16) n = 16;
    for (int k = 0; k < n; k++) {
        tf_rep(&r, k, NULL);
        sum += v[k] = tf_get(&r, unit, metric);
    }
    tf_done(&r);
    *mean = sum / n;
    for (int k = 0; k < n; k++) ss += (v[k] - *mean) * (v[k] - *mean);
    *half = gsl_cdf_tdist_Pinv(0.9995, n - 1) * sqrt(ss / (n - 1)) / sqrt(n);
}
