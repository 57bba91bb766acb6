#include "calibrate.h"

#include <gsl/gsl_multimin.h>
#include <math.h>

#include "core.h"

/* The simplex works on unbounded y; x = low + (high - low) * logistic(y) stays in the box. */
struct wrap {
    const struct calib_job *job;
    double *x, *best, fbest;
    int evals;
};

static void to_x(const struct calib_job *j, const gsl_vector *y, double *x) {
    for (size_t i = 0; i < j->n; i++) {
        double yi = gsl_vector_get(y, i);
        x[i] = j->low[i] + (j->high[i] - j->low[i]) / (1 + exp(-yi));
    }
}

static double eval(const gsl_vector *y, void *params) {
    struct wrap *w = params;
    to_x(w->job, y, w->x);
    double f = w->job->f(w->job->ctx, w->x);
    w->evals++;
    if (!isfinite(f)) f = 1e300;
    if (f < w->fbest) {
        w->fbest = f;
        for (size_t i = 0; i < w->job->n; i++) w->best[i] = w->x[i];
    }
    return f;
}

/* The points the simplex's set-up asks for, recorded without evaluating them (calib_minimise
 * then sets it up again, asking for the same points, now evaluated). */
struct probe {
    const struct calib_job *job;
    double *xs;
    size_t k, cap;
};

static double record(const gsl_vector *y, void *params) {
    struct probe *p = params;
    if (p->k < p->cap) to_x(p->job, y, p->xs + p->k++ * p->job->n);
    return 0;
}

int calib_minimise(const struct calib_job *job, double *best, double *fbest) {
    size_t n = job->n;
    struct wrap w = {
        .job = job, .x = fs_calloc(n, sizeof(double)), .best = best, .fbest = INFINITY};
    for (size_t i = 0; i < n; i++) best[i] = job->start[i];
    gsl_vector *y = gsl_vector_alloc(n), *step = gsl_vector_alloc(n);
    for (size_t i = 0; i < n; i++) {
        /* The start, mapped back through the logistic. It is kept 2% inside the bounds: at a
         * bound the logistic is flat, so a start there (or clipped there) would never move. */
        double u = (job->start[i] - job->low[i]) / (job->high[i] - job->low[i]);
        u = fmin(fmax(u, 0.02), 0.98);
        gsl_vector_set(y, i, log(u / (1 - u)));
        gsl_vector_set(step, i, 1.0);
    }
    gsl_multimin_function fn = {.f = eval, .n = n, .params = &w};
    gsl_multimin_fminimizer *s =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
    if (job->ahead) {
        struct probe pr = {.job = job, .xs = fs_calloc((n + 1) * n, sizeof(double)), .cap = n + 1};
        gsl_multimin_function rec = {.f = record, .n = n, .params = &pr};
        gsl_multimin_fminimizer_set(s, &rec, y, step);
        job->ahead(job->ctx, pr.xs, pr.k);
        fs_free(pr.xs);
    }
    gsl_multimin_fminimizer_set(s, &fn, y, step);
    while (w.evals < job->max_evals) {
        if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS) break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), job->tol) == GSL_SUCCESS) break;
    }
    gsl_multimin_fminimizer_free(s);
    gsl_vector_free(y);
    gsl_vector_free(step);
    fs_free(w.x);
    *fbest = w.fbest;
    return w.evals;
}
