/* Elective admissions cancelled when the ward is full ([arrivals] cancel_above, rebook_after),
 * checked exactly: with rebooking beyond the horizon, a stream cancelled while the ward holds
 * at least k of its c places is a birth-death chain, lambda(n) = lambda_em + lambda_el [n < k],
 * mu(n) = min(n, c) mu, whose stationary distribution gives the cancellations, lambda_el P(N >=
 * k) a day (arrivals see time averages, PASTA), and the occupancy. Rebooked patients come back:
 * every elective is admitted in the end. */
#include <math.h>
#include <stdio.h>

#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_electives");
    return 0;
}

/* The chain's stationary distribution, truncated where it is negligible: P(N >= k) and the
 * mean places held. */
static void birth_death(double lem, double lel, int k, int c, double *p_k, double *occ) {
    enum { N = 400 };
    double p[N], sum = 0;
    p[0] = 1;
    for (int n = 1; n < N; n++) p[n] = p[n - 1] * (lem + (n - 1 < k ? lel : 0)) / fmin(n, c);
    for (int n = 0; n < N; n++) sum += p[n];
    *p_k = *occ = 0;
    for (int n = 0; n < N; n++) {
        if (n >= k) *p_k += p[n] / sum;
        *occ += fmin(n, c) * p[n] / sum;
    }
}

/* 6 emergencies and 3 electives a day on 10 places of exponential 1-day stays; electives are
 * cancelled while 9 or more places are held (cancel_above = 0.9): 1.259 a day. */
static void cancellations_are_the_chains(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 3000d\nwarmup = 50d\n"
                       "[arrivals em]\nto = ward\nrate = 6/d\n"
                       "[arrivals el]\nto = ward\nrate = 3/d\ncancel_above = 0.9\n"
                       "rebook_after = fixed(100000d)\n"
                       "[unit ward]\ncapacity = 10\nstay = exp(1d)\n";
    double pk, occ, mean, half, om, oh;
    birth_death(6, 3, 9, 10, &pk, &occ);
    tf_mean_over_reps(dir, text, 0, 8, "ward", "cancellations", &mean, &half);
    tf_mean_over_reps(dir, text, 0, 8, "ward", "occupancy", &om, &oh);
    print_message("cancellations %.4f +- %.4f a day (chain %.4f); occupancy %.4f +- %.4f (%.4f)\n",
                  mean, half, 3 * pk, om, oh, occ);
    assert_close(mean, 3 * pk, half);
    assert_close(om, occ, oh);
}

/* Rebooked a week later, every cancelled elective comes back, and in the long run all are
 * admitted: the electives' admissions are their arrivals (2 a day), their cancellations a
 * multiple of them; the emergencies' draws are those of a run without cancellation. */
static void rebooked_electives_come_back(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 2000d\nwarmup = 50d\n"
                       "[group emergency]\nshare = 1\n[group elective]\nshare = 0\n"
                       "[arrivals em]\nto = ward\nrate = 7/d\n"
                       "[arrivals el]\nto = ward\nrate = 2/d\ngroup = elective\n"
                       "cancel_above = 0.8\nrebook_after = fixed(7d)\n"
                       "[unit ward]\ncapacity = 10\nstay = exp(1d)\n";
    struct run r;
    tf_load(&r, dir, text, 1);
    tf_rep(&r, 0, NULL);
    double adm = tf_get(&r, "ward", "admissions.elective"), c = tf_get(&r, "ward", "cancellations");
    print_message("electives admitted %.3f a day of 2, cancelled %.3f a day\n", adm, c);
    assert_close(adm, 2, 0.1);
    assert_true(c > 0.5); /* many are cancelled, some more than once */
    tf_done(&r);
}

/* A ring-fence ([arrivals] ring_fence): with the fenced stream all but absent, the others
 * have the rest of the places, an M/M/7 of Erlang C's wait on 10 places fenced 3. */
static void a_ring_fence_leaves_the_others_the_rest(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 3000d\nwarmup = 50d\n"
                       "[arrivals em]\nto = ward\nrate = 5/d\n"
                       "[arrivals el]\nto = ward\nrate = 1e-9/d\nring_fence = 3\n"
                       "[unit ward]\ncapacity = 10\nstay = exp(1d)\n";
    double mean, half;
    tf_mean_over_reps(dir, text, 0, 8, "ward", "wait_mean", &mean, &half);
    print_message("wait %.4f +- %.4f d, Erlang C on 7 places %.4f\n", mean, half,
                  tu_erlang_c(7, 5) / (7 - 5));
    assert_close(mean, tu_erlang_c(7, 5) / (7 - 5), half);
}

/* Both streams lost when they cannot enter (when_full = lose): trunk reservation, a finite
 * chain on (others in, fenced in), others entering while fewer than 7 of them and a place is
 * free, the fenced while a place is free. Its stationary distribution (Gauss-Seidel) gives the
 * share lost, which the run matches. */
static void a_ring_fence_is_trunk_reservation(void **s) {
    (void)s;
    enum { C = 10, F = 3 };
    const double lo = 6, lf = 3; /* a day; stays exp(1d) */
    double p[C + 1][C + 1] = {{0}};
    p[0][0] = 1;
    for (int it = 0; it < 20000; it++)
        for (int a = 0; a <= C - F; a++)
            for (int b = 0; a + b <= C; b++) {
                double out = a + b, in = 0;
                int free = a + b < C;
                if (free && a < C - F) out += lo;
                if (free) out += lf;
                if (a > 0 && a + b <= C) in += p[a - 1][b] * lo; /* a - 1 < C - F, place free */
                if (b > 0) in += p[a][b - 1] * lf;
                if (a < C - F && a + 1 + b <= C) in += p[a + 1][b] * (a + 1);
                if (a + b + 1 <= C) in += p[a][b + 1] * (b + 1);
                if (a || b) p[a][b] = in / out;
            }
    double z = 0, lost = 0;
    for (int a = 0; a <= C - F; a++)
        for (int b = 0; a + b <= C; b++) z += p[a][b];
    for (int a = 0; a <= C - F; a++)
        for (int b = 0; a + b <= C; b++) {
            double q = p[a][b] / z;
            if (a + b == C || a == C - F) lost += q * lo;
            if (a + b == C) lost += q * lf;
        }
    double want = lost / (lo + lf), mean, half;
    const char *text = "[scenario]\nhorizon = 3000d\nwarmup = 50d\n"
                       "[arrivals em]\nto = ward\nrate = 6/d\n"
                       "[arrivals el]\nto = ward\nrate = 3/d\nring_fence = 3\n"
                       "[unit ward]\ncapacity = 10\nstay = exp(1d)\nwhen_full = lose\n";
    tf_mean_over_reps(dir, text, 0, 8, "ward", "lost_fraction", &mean, &half);
    print_message("lost %.5f +- %.5f, chain %.5f\n", mean, half, want);
    assert_close(mean, want, half);
}

/* Today's census weighs groups by their real arrivals, a stream of one group included: a
 * ward fed 5 a day of 1-day emergencies and 2 a day of 5-day electives holds 10 electives of
 * its 15 in steady state, and the electives' step-down unit none but electives; a census of
 * 15 and 6 starts there (no warm-up needed). */
static void the_census_follows_a_streams_group(void **s) {
    (void)s;
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nhorizon = 20d\n"
            "[group em]\nshare = 1\n[group el]\nshare = 0\n"
            "[arrivals s]\nto = ward\nrate = 5/d\n"
            "[arrivals e]\nto = ward\nrate = 2/d\ngroup = el\n"
            "[unit ward]\ncapacity = 30\nstay = exp(1d)\nstay.el = exp(5d)\nnext = exit 1\n"
            "next.el = step 1\ninitial_occupancy = 15\n"
            "[unit step]\ncapacity = 30\nstay = exp(3d)\ninitial_occupancy = 6\n",
            1);
    double el = 0, em = 0, step_em = 0;
    for (int k = 0; k < 10; k++) {
        tf_rep(&r, k, NULL);
        el += tf_at(&r, 0, "ward", "occupancy.el") / 10;
        em += tf_at(&r, 0, "ward", "occupancy.em") / 10;
        step_em += tf_get(&r, "step", "occupancy.em");
    }
    print_message("first day: ward electives %.2f (10), emergencies %.2f (5)\n", el, em);
    assert_close(el, 10, 1.5);
    assert_close(em, 5, 1.0);
    assert_close(step_em, 0, 0);
    tf_done(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancellations_are_the_chains),
        cmocka_unit_test(rebooked_electives_come_back),
        cmocka_unit_test(a_ring_fence_leaves_the_others_the_rest),
        cmocka_unit_test(a_ring_fence_is_trunk_reservation),
        cmocka_unit_test(the_census_follows_a_streams_group),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
