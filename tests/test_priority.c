/* Priorities in the queue ([group] and [arrivals] priority): a unit admits from its queue the
 * waiting patient of highest priority first, first come first served within a priority,
 * pre-empting nobody. Checked against the non-preemptive priority M/M/c (Cobham 1954): with
 * classes k = 1 (highest), 2, ... offered to c servers of rate mu,
 *     W_k = [C(c, a) / (c mu)] / ((1 - s_{k-1}) (1 - s_k)),  s_k = sum_{i <= k} lambda_i / (c mu),
 * C Erlang C for the whole load a = lambda / mu (Kleinrock, Queueing Systems II, 3.7). A
 * stream's priority outranks its patients' group's, and giving up a queue keeps the order. */
#include <math.h>
#include <stdio.h>

#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_priority");
    return 0;
}

static void over_reps(const char *text, int n, const char *metric, double *mean, double *half) {
    tf_mean_over_reps(dir, text, 1, n, "ward", metric, mean, half);
}

/* Three classes at 2, 3 and 3 a day (priorities 5, 0, -2) on 10 places of exponential 1-day
 * stays: load 0.8, C(10, 8) = 0.409; W = 0.0511, 0.1023 and 0.409 days. */
#define THREE                                                                                      \
    "[scenario]\nhorizon = 2000d\nwarmup = 50d\n"                                                  \
    "[group urgent]\nshare = 0.25\npriority = 5\n"                                                 \
    "[group usual]\nshare = 0.375\n"                                                               \
    "[group elective]\nshare = 0.375\npriority = -2\n"                                             \
    "[arrivals a]\nto = ward\nrate = 8/d\n"                                                        \
    "[unit ward]\ncapacity = 10\nstay = exp(1d)\n"

static void cobham_for_three_priorities(void **s) {
    (void)s;
    const char *name[] = {"urgent", "usual", "elective"};
    const double lambda[] = {2, 3, 3};
    double w0 = tu_erlang_c(10, 8) / 10, below = 0;
    for (int k = 0; k < 3; k++) {
        double above = below + lambda[k] / 10, want = w0 / ((1 - below) * (1 - above));
        char metric[64];
        snprintf(metric, sizeof metric, "wait_mean.%s", name[k]);
        double mean, half;
        over_reps(THREE, 10, metric, &mean, &half);
        print_message("%-9s wait %.5f +- %.5f d (99.9%%), Cobham %.5f\n", name[k], mean, half,
                      want);
        assert_close(mean, want, half);
        below = above;
    }
    /* all of them together: Erlang C's first come first served mean, whatever the order */
    double mean, half;
    over_reps(THREE, 10, "wait_mean", &mean, &half);
    assert_close(mean, tu_erlang_c(10, 8) / (10 - 8), half);
}

/* A stream's priority is its patients' whatever their group: one stream for all at priority 3,
 * so the groups' own priorities do nothing, and both groups wait as in one first-come-first-
 * served queue (Erlang C, W = 0.2045 d). */
static void a_streams_priority_outranks_the_groups(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 2000d\nwarmup = 50d\n"
                       "[group urgent]\nshare = 0.25\npriority = 5\n"
                       "[group usual]\nshare = 0.75\n"
                       "[arrivals a]\nto = ward\nrate = 8/d\npriority = 3\n"
                       "[unit ward]\ncapacity = 10\nstay = exp(1d)\n";
    double want = tu_erlang_c(10, 8) / (10 - 8), m1, h1, m2, h2;
    over_reps(text, 10, "wait_mean.urgent", &m1, &h1);
    over_reps(text, 10, "wait_mean.usual", &m2, &h2);
    print_message("urgent %.5f +- %.5f, usual %.5f +- %.5f, Erlang C %.5f\n", m1, h1, m2, h2, want);
    assert_close(m1, want, h1);
    assert_close(m2, want, h2);
}

/* Patients giving up the queue (patience) leave it from anywhere in the order: an overloaded
 * ward (15 a day at 10 places of 1-day stays) whose queue is held finite by patience. The
 * urgent, first in line, wait only for the next of 10 places to free (about 0.1 day against
 * a mean patience of 1: about 1 in 11 gives up), so most of the 4.5 a day are admitted; the
 * usual take the rest of the 10 places a day and half of them give up. The engine's invariants
 * (make test builds with them) check the queue's links after every event. */
static void giving_up_keeps_the_order(void **s) {
    (void)s;
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nhorizon = 400d\nwarmup = 20d\n"
            "[group urgent]\nshare = 0.3\npriority = 1\n"
            "[group usual]\nshare = 0.7\n"
            "[arrivals a]\nto = ward\nrate = 15/d\n"
            "[unit ward]\ncapacity = 10\nstay = exp(1d)\npatience = exp(1d)\n",
            1);
    tf_rep(&r, 0, NULL);
    double urgent = tf_get(&r, "ward", "admissions.urgent"),
           usual = tf_get(&r, "ward", "admissions.usual");
    print_message("admitted a day: urgent %.3f of 4.5, usual %.3f of 10.5\n", urgent, usual);
    assert_true(urgent > 0.8 * 4.5 && usual < 0.6 * 10.5);
    assert_close(urgent + usual, 10, 0.3); /* the places are always full */
    double wu = tf_get(&r, "ward", "wait_mean.urgent"), wo = tf_get(&r, "ward", "wait_mean.usual");
    print_message("wait of those admitted: urgent %.3f, usual %.3f d\n", wu, wo);
    assert_true(wu < 0.5 * wo);
    tf_done(&r);
}

/* An elective stream of its own group (group = NAME) at a lower priority: every patient of
 * the stream is in the group and no other is (the other stream draws its groups by share, here
 * all "emergency"), so --by-group counts the electives' arrivals exactly, and they wait behind
 * the emergencies (Cobham, two classes: 6 and 2 a day on 10 places). */
static void an_elective_stream_of_its_own_group(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 2000d\nwarmup = 50d\n"
                       "[group emergency]\nshare = 1\n"
                       "[group elective]\nshare = 0\npriority = -1\n"
                       "[arrivals em]\nto = ward\nrate = 6/d\n"
                       "[arrivals el]\nto = ward\nrate = 2/d\ngroup = elective\n"
                       "[unit ward]\ncapacity = 10\nstay = exp(1d)\n";
    struct run r;
    tf_load(&r, dir, text, 1);
    tf_rep(&r, 0, NULL);
    double el = tf_get(&r, NULL, "arrivals.elective"), em = tf_get(&r, NULL, "arrivals.emergency");
    print_message("arrivals a day: elective %.3f, emergency %.3f\n", el, em);
    assert_close(el, 2, 0.15);
    assert_close(em, 6, 0.25);
    tf_done(&r);
    double w0 = tu_erlang_c(10, 8) / 10, mean, half;
    over_reps(text, 10, "wait_mean.elective", &mean, &half);
    print_message("elective wait %.4f +- %.4f, Cobham %.4f\n", mean, half,
                  w0 / ((1 - 0.6) * (1 - 0.8)));
    assert_close(mean, w0 / ((1 - 0.6) * (1 - 0.8)), half);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cobham_for_three_priorities),
        cmocka_unit_test(a_streams_priority_outranks_the_groups),
        cmocka_unit_test(giving_up_keeps_the_order),
        cmocka_unit_test(an_elective_stream_of_its_own_group),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
