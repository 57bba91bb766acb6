/* The event calendar: time order, FIFO among equal times, and heap order under random use. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/calendar.h"
#include "sim/rng.h"
#include "testutil.h"

static void empty_calendar(void **s) {
    (void)s;
    struct calendar *c = cal_new();
    struct cal_event e;
    assert_int_equal(cal_pop(c, &e), 0);
    assert_true(isinf(cal_peek_time(c)));
    assert_int_equal(cal_size(c), 0);
    cal_free(c);
    cal_free(NULL);
}

static void ties_run_first_in_first_out(void **s) {
    (void)s;
    struct calendar *c = cal_new();
    for (uint32_t i = 0; i < 100; i++)
        cal_push(c, (struct cal_event){.time = (i % 3) * 1.0, .id = i});
    struct cal_event e;
    double last_t = -1;
    uint32_t last_id = 0;
    for (int k = 0; k < 100; k++) {
        assert_int_equal(cal_pop(c, &e), 1);
        if (e.time == last_t)
            assert_true(e.id > last_id);
        else
            assert_true(e.time > last_t);
        last_t = e.time;
        last_id = e.id;
    }
    cal_free(c);
}

static void random_interleaving_pops_in_order(void **s) {
    (void)s;
    struct calendar *c = cal_new();
    struct rng r;
    rng_seed(&r, 5, 5);
    double now = 0;
    struct cal_event e;
    size_t n = 0;
    for (int i = 0; i < 200000; i++) {
        if (n == 0 || rng_uniform(&r) < 0.55) {
            /* Coarse times force many ties. */
            cal_push(c, (struct cal_event){.time = now + floor(rng_uniform(&r) * 50), .kind = 1});
            n++;
        } else {
            assert_int_equal(cal_pop(c, &e), 1);
            assert_true(e.time >= now);
            now = e.time;
            n--;
        }
        assert_int_equal(cal_size(c), n);
    }
    uint64_t last_seq = 0;
    double last_t = -1;
    while (cal_pop(c, &e)) {
        assert_true(e.time > last_t || (e.time == last_t && e.seq > last_seq));
        last_t = e.time;
        last_seq = e.seq;
    }
    cal_free(c);
}

static void carries_payload(void **s) {
    (void)s;
    struct calendar *c = cal_new();
    cal_push(c, (struct cal_event){.time = 2, .kind = 7, .id = 8, .stamp = 9, .arg = 10});
    cal_push(c, (struct cal_event){.time = 1, .kind = 1, .id = 2, .stamp = 3, .arg = 4});
    assert_true(cal_peek_time(c) == 1);
    struct cal_event e;
    cal_pop(c, &e);
    assert_int_equal(e.kind, 1);
    assert_int_equal(e.id, 2);
    assert_int_equal(e.stamp, 3);
    assert_int_equal(e.arg, 4);
    cal_pop(c, &e);
    assert_int_equal(e.kind, 7);
    assert_int_equal(e.arg, 10);
    cal_free(c);
}

/* The heap compares times by their bits: every kind of non-negative time (zero and -0,
 * subnormals, ties, huge values, infinity) must come out exactly as a stable sort puts it. */
struct ref {
    double t;
    uint32_t i;
};
static int by_time_then_index(const void *a, const void *b) {
    const struct ref *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static void pops_as_a_stable_sort(void **s) {
    (void)s;
    enum { N = 5000 };
    static struct ref want[N];
    const double odd[] = {0.0, -0.0, 4.9e-324, 2.2e-308, 1e-300, 1.0, 1e300, INFINITY};
    struct calendar *c = cal_new();
    struct rng r;
    rng_seed(&r, 11, 3);
    for (uint32_t i = 0; i < N; i++) {
        double u = rng_uniform(&r);
        double t = u < 0.2   ? odd[(size_t)(rng_uniform(&r) * 8)]
                   : u < 0.6 ? floor(rng_uniform(&r) * 20)
                             : rng_uniform(&r) * 1e6;
        want[i] = (struct ref){t, i};
        cal_push(c, (struct cal_event){.time = t, .id = i});
    }
    qsort(want, N, sizeof *want, by_time_then_index);
    struct cal_event e;
    for (int k = 0; k < N; k++) {
        assert_int_equal(cal_pop(c, &e), 1);
        assert_int_equal(e.id, want[k].i);
        assert_true(e.time == want[k].t);
    }
    assert_int_equal(cal_pop(c, &e), 0);
    cal_free(c);
}

/* The tier (calendar.c): with many events pending the far future waits in time buckets, and
 * pops must still come in exactly (time, seq) order. A tiered calendar (small thresholds, tiny
 * buckets) and a plain heap (never tiered) are driven with the same pushes and pops; phases of
 * mostly pushes and mostly pops cross the thresholds both ways and empty the calendar, and the
 * delays mix equal times, the current bucket, the ring, far beyond it, huge and infinite. */
static double adversarial_delay(struct rng *r, double scale) {
    double u = rng_uniform(r);
    if (u < 0.25) return 0;                                 /* ties with now */
    if (u < 0.35) return 1e-9;                              /* the same bucket */
    if (u < 0.65) return floor(rng_uniform(r) * 8) * scale; /* bucket edges, ties */
    if (u < 0.85) return rng_uniform(r) * 64 * scale;       /* the ring */
    if (u < 0.97) return rng_uniform(r) * 1e5 * scale;      /* far */
    return u < 0.99 ? 1e300 : INFINITY;                     /* the last bucket */
}

static void tier_run(uint64_t seed, size_t on, size_t off, double per_bucket, double scale) {
    struct calendar *tiered = cal_new(), *plain = cal_new();
    cal_tune(tiered, on, off, per_bucket);
    /* records for the first ids only: a later id is past them and not fetched (a fetch of
     * what is not there is no fault, but a wasted one) */
    static const double records[64];
    cal_prefetch(tiered, records, sizeof *records, 64);
    cal_tune(plain, SIZE_MAX, SIZE_MAX - 1, 1);
    struct rng r;
    rng_seed(&r, seed, 5);
    double now = 0;
    uint32_t id = 0;
    size_t pops = 0, tiered_pops = 0;
    for (int phase = 0; phase < 12; phase++) {
        /* grow past `on`, shrink below `off`, and every third phase drain to empty */
        double p_push = phase % 2 == 0 ? 0.75 : phase % 3 == 2 ? 0.0 : 0.3;
        for (int step = 0; step < 6000; step++) {
            if (rng_uniform(&r) < p_push) {
                struct cal_event ev = {.time = now + adversarial_delay(&r, scale), .id = id++};
                cal_push(tiered, ev);
                cal_push(plain, ev);
            } else {
                struct cal_event a, b;
                int ga = cal_pop(tiered, &a), gb = cal_pop(plain, &b);
                assert_int_equal(ga, gb);
                if (!ga) continue;
                assert_int_equal(a.id, b.id);
                assert_true(a.time == b.time);
                assert_true(a.seq == b.seq);
                if (isfinite(a.time)) now = a.time;
                pops++;
                tiered_pops += cal_tiered(tiered);
                /* below `off` it has let go */
                if (cal_size(tiered) < off) assert_false(cal_tiered(tiered));
            }
            assert_int_equal(cal_size(tiered), cal_size(plain));
        }
    }
    assert_true(pops > 20000);
    assert_true(tiered_pops > 1000); /* the tier was engaged for a good part */
    struct cal_event a, b;
    while (cal_pop(plain, &b)) {
        assert_int_equal(cal_pop(tiered, &a), 1);
        assert_int_equal(a.id, b.id);
    }
    assert_int_equal(cal_pop(tiered, &a), 0);
    cal_free(tiered);
    cal_free(plain);
}

static void tier_pops_as_the_heap(void **s) {
    (void)s;
    tier_run(1, 600, 200, 4, 1.0);    /* buckets of a few events */
    tier_run(2, 600, 200, 50, 0.001); /* wide buckets: many ties inside each */
    tier_run(3, 300, 299, 1, 1000.0); /* flapping at the threshold, sparse ring */
    tier_run(4, 2000, 100, 16, 0.01); /* far-future heavy: jumps over empty rings */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_calendar),
        cmocka_unit_test(ties_run_first_in_first_out),
        cmocka_unit_test(random_interleaving_pops_in_order),
        cmocka_unit_test(carries_payload),
        cmocka_unit_test(pops_as_a_stable_sort),
        cmocka_unit_test(tier_pops_as_the_heap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
