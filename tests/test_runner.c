/* The replication runner: results reach `done` in replication order on any thread count, and
 * a failure stops the run with its message. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/runner.h"
#include "testutil.h"

struct ctx {
    int next_expected;
    int fail_at;
    int mismatches; /* asserted on the main thread: cmocka cannot fail from a worker */
    long sum;
};

static int run(void *vctx, int rep, void **result, char *err, size_t errlen) {
    struct ctx *c = vctx;
    /* Uneven work so threads finish out of order. */
    struct timespec ts = {0, (long)((rep * 7919) % 5) * 200000L};
    nanosleep(&ts, NULL);
    if (rep == c->fail_at) {
        snprintf(err, errlen, "boom %d", rep);
        return -1;
    }
    int *r = malloc(sizeof *r);
    *r = rep * rep;
    *result = r;
    return 0;
}

static int done(void *vctx, int rep, void *result, char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    struct ctx *c = vctx;
    int *r = result;
    c->mismatches += rep != c->next_expected || *r != rep * rep;
    c->next_expected++;
    c->sum += *r;
    free(r);
    return 0;
}

static void discard(void *vctx, void *result) {
    (void)vctx;
    free(result);
}

static void in_order_on_many_threads(void **s) {
    (void)s;
    for (int threads = 1; threads <= 8; threads *= 2) {
        struct ctx c = {.next_expected = 3, .fail_at = -1};
        struct runner_job job = {.first_rep = 3,
                                 .nrep = 40,
                                 .nthreads = threads,
                                 .run = run,
                                 .done = done,
                                 .discard = discard,
                                 .ctx = &c};
        char err[64];
        assert_int_equal(runner_run(&job, err, sizeof err), 0);
        assert_int_equal(c.next_expected, 43);
        assert_int_equal(c.mismatches, 0);
    }
}

/* One slow replication: the rest may not run ahead of it without bound (their results and
 * temporary files would pile up); at most 4 per thread wait. */
struct window_ctx {
    int first_slow;
    int started, emitted, most_ahead;
    pthread_mutex_t lock;
};

static int run_slow_first(void *vctx, int rep, void **result, char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    struct window_ctx *c = vctx;
    pthread_mutex_lock(&c->lock);
    c->started++;
    if (c->started - c->emitted > c->most_ahead) c->most_ahead = c->started - c->emitted;
    pthread_mutex_unlock(&c->lock);
    struct timespec ts = {0, rep == 0 ? 200000000L : 100000L};
    nanosleep(&ts, NULL);
    *result = NULL;
    return 0;
}

static int done_count(void *vctx, int rep, void *result, char *err, size_t errlen) {
    (void)rep;
    (void)result;
    (void)err;
    (void)errlen;
    struct window_ctx *c = vctx; /* called under the runner's lock; run reads it under ours */
    pthread_mutex_lock(&c->lock);
    c->emitted++;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static void slow_replication_bounds_the_backlog(void **s) {
    (void)s;
    struct window_ctx c = {0};
    pthread_mutex_init(&c.lock, NULL);
    struct runner_job job = {
        .nrep = 200, .nthreads = 2, .run = run_slow_first, .done = done_count, .ctx = &c};
    char err[64];
    assert_int_equal(runner_run(&job, err, sizeof err), 0);
    assert_int_equal(c.emitted, 200);
    assert_true(c.most_ahead <= 8);
    assert_true(c.most_ahead >= 2); /* both threads did work at once */
    pthread_mutex_destroy(&c.lock);
}

static void failure_stops_with_message(void **s) {
    (void)s;
    struct ctx c = {.next_expected = 0, .fail_at = 5};
    struct runner_job job = {
        .nrep = 30, .nthreads = 4, .run = run, .done = done, .discard = discard, .ctx = &c};
    char err[64] = "";
    assert_int_not_equal(runner_run(&job, err, sizeof err), 0);
    assert_string_equal(err, "boom 5");
    assert_true(c.next_expected <= 5); /* nothing after the failed replication was consumed */
    assert_int_equal(c.mismatches, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(in_order_on_many_threads),
        cmocka_unit_test(slow_replication_bounds_the_backlog),
        cmocka_unit_test(failure_stops_with_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
