/* Care-home placement (docs/model.md, "Care-home placement"): a [transfer]'s declines and
 * re-offers (reoffer_after, max_offers), its choice time (choice_time) and a care home's places
 * shared with a community stream, checked against exact answers:
 * - every patient's delay by reason is exactly assessment + k re-offer delays + the choice, k
 *   geometric, truncated at max_offers, the share routed by on_reject (1 - p)^m (binomial);
 * - with no limit, unlimited places and exponential times, the metrics are Little's law on the
 *   geometric count: declines lambda (1 - p) / p a day, delayed_days_rejected lambda E[D]
 *   (1 - p) / p, delayed_days_choice lambda E[C], and the acute stay E[S] + E[A] + E[D] (1 - p)
 *   / p + E[C];
 * - hospital and community patients share an M/M/c care home first come first served: both
 *   wait Erlang C's mean (--by-group);
 * - declines and choice time raise the acute delayed days on the same patients (a direction). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/flow.h"
#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_placement");
    return 0;
}

/* What the acute visits that ended in the run add up to. */
struct tally {
    int acute, home, other;    /* unit indices */
    long n, to_home, to_other; /* visits left, by where they went */
    long bad;                  /* visits whose delays are not what the rule makes them */
    double rejected, choice;   /* their delayed days by those reasons, summed */
    long by_k[8];              /* patients placed after k declines */
};

/* Every acute visit: assessment exactly 1 day; rejected exactly 2 days a decline waited on; a
 * choice of exactly 3 days for those who went to the home, none for those routed away after
 * the 4th decline (6 days rejected: 3 re-offers waited for). */
static void on_visit(void *ctx, const struct flow_visit *v) {
    struct tally *t = ctx;
    if (v->unit != t->acute || isnan(v->leave) || v->queue) return;
    t->n++;
    const double *d = v->delayed;
    double k = d[FLOW_DELAY_REJECTED] / 2;
    int whole = fabs(k - round(k)) < 1e-9;
    if (fabs(d[FLOW_DELAY_ASSESSMENT] - 1) > 1e-9 || !whole || d[FLOW_DELAY_AWAITING] != 0 ||
        d[FLOW_DELAY_CHC] != 0)
        t->bad++;
    if (v->next == t->home) {
        t->to_home++;
        if (fabs(d[FLOW_DELAY_CHOICE] - 3) > 1e-9 || k > 3 + 1e-9) t->bad++;
        if (whole && k >= 0 && k < 8) t->by_k[(int)round(k)]++;
    } else if (v->next == t->other) {
        t->to_other++;
        if (d[FLOW_DELAY_CHOICE] != 0 || fabs(k - 3) > 1e-9) t->bad++;
    } else {
        t->bad++;
    }
    t->rejected += d[FLOW_DELAY_REJECTED];
    t->choice += d[FLOW_DELAY_CHOICE];
}

/* accept p = 0.3, re-offers 2 days apart, at most 4 offers, 3 days to choose: each patient's
 * delays are exact; the number of declines before acceptance is geometric truncated at 3, and
 * the share routed away (1 - p)^4, each within its binomial 99.9% interval. */
static void each_patient_waits_exactly_its_declines_and_its_choice(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 400d\n"
                       "[arrivals a]\nto = acute\nrate = 20/d\n"
                       "[unit acute]\nkind = acute\nstay = exp(2d)\nnext = home 1\n"
                       "[unit home]\nkind = care_home\nstay = exp(30d)\n"
                       "[unit other]\nstay = exp(5d)\n"
                       "[transfer acute -> home]\nassessment = 1d\naccept = 0.3\n"
                       "reoffer_after = fixed(2d)\nmax_offers = 4\nchoice_time = fixed(3d)\n"
                       "on_reject = other 1\n";
    struct run r;
    tf_load(&r, dir, text, 0);
    struct tally t = {.acute = 0, .home = 1, .other = 2};
    struct flow_opts o = {.visit = on_visit, .visit_ctx = &t};
    tf_rep(&r, 0, &o);
    const double p = 0.3, q = 1 - p, z = 3.29; /* 99.9% */
    double n = (double)t.n, away = (double)t.to_other / n, want = pow(q, 4);
    print_message("%ld acute visits, %ld wrong; routed away %.4f (theory %.4f)\n", t.n, t.bad, away,
                  want);
    assert_true(t.n > 5000);
    assert_int_equal(t.bad, 0);
    assert_int_equal(t.to_home + t.to_other, t.n);
    assert_close(away, want, z * sqrt(want * (1 - want) / n));
    for (int k = 0; k <= 3; k++) {
        double share = (double)t.by_k[k] / n, pk = pow(q, k) * p;
        assert_close(share, pk, z * sqrt(pk * (1 - pk) / n));
    }
    /* Re-offer waits a patient: 2 days for each of the first three declines it had. */
    double wait = 2 * (q + q * q + q * q * q), choice = 3 * (1 - want);
    assert_close(t.rejected / n, wait, z * 3 / sqrt(n)); /* 2k in [0, 6]: its sd is at most 3 */
    assert_close(t.choice / n, choice, z * 3 * sqrt(want * (1 - want) / n));
    tf_done(&r);
}

/* Unlimited offers, places and exponential times: the metrics against Little's law on the
 * geometric count, each within the 99.9% interval over 8 replications. */
static void unlimited_reoffers_are_geometric(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 1000d\nwarmup = 60d\n"
                       "[arrivals a]\nto = acute\nrate = 10/d\n"
                       "[unit acute]\nkind = acute\nstay = exp(2d)\nnext = home 1\n"
                       "[unit home]\nkind = care_home\nstay = exp(30d)\n"
                       "[transfer acute -> home]\nassessment = exp(1d)\naccept = 0.4\n"
                       "reoffer_after = exp(5d)\nchoice_time = exp(2d)\n";
    const double lambda = 10, p = 0.4, D = 5, C = 2, A = 1, S = 2;
    struct {
        const char *unit, *metric;
        double want;
    } checks[] = {
        {"home", "declines", lambda * (1 - p) / p},
        {"home", "referrals", lambda},
        {"home", "accepted_pct", 100 * p},
        {"acute", "delayed_days_rejected", lambda * D * (1 - p) / p},
        {"acute", "delayed_days_choice", lambda * C},
        {"acute", "delayed_days_assessment", lambda * A},
        {"acute", "delayed_days", lambda * (A + D * (1 - p) / p + C)},
        {"acute", "los_mean", S + A + D * (1 - p) / p + C},
        {"acute", "delayed_days_awaiting_home", 0},
    };
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        double mean, half;
        tf_mean_over_reps(dir, text, 0, 8, checks[i].unit, checks[i].metric, &mean, &half);
        print_message("%s %s %.4f +- %.4f (theory %.4f)\n", checks[i].unit, checks[i].metric, mean,
                      half, checks[i].want);
        assert_close(mean, checks[i].want, half > 0 ? half : 1e-12);
    }
}

/* A care home of 10 places (stays exp(10d)) filled by the hospital (4 a day through an
 * unlimited acute ward: its departures are Poisson, Burke) and the community (0.3 a day,
 * group community) first come first served: M/M/10 offered 8, each source waits Erlang C's
 * mean, and is admitted at its own rate. */
static void community_and_hospital_wait_alike_first_come_first_served(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 60000d\nwarmup = 500d\n"
                       "[group hospital]\nshare = 1\n[group community]\nshare = 0\n"
                       "[arrivals a]\nto = acute\nrate = 0.5/d\n"
                       "[arrivals c]\nto = home\nrate = 0.3/d\ngroup = community\n"
                       "[unit acute]\nkind = acute\nstay = exp(2d)\nnext = home 1\n"
                       "[unit home]\nkind = care_home\ncapacity = 10\nstay = exp(10d)\n"
                       "[transfer acute -> home]\nassessment = 0\n";
    double want = tu_erlang_c(10, 8) / (10 * 0.1 - 0.8); /* C / (c mu - lambda), days */
    const char *groups[] = {"hospital", "community"};
    const double rates[] = {0.5, 0.3};
    for (int g = 0; g < 2; g++) {
        char m[64];
        double mean, half, am, ah;
        snprintf(m, sizeof m, "wait_mean.%s", groups[g]);
        tf_mean_over_reps(dir, text, 1, 16, "home", m, &mean, &half);
        snprintf(m, sizeof m, "admissions.%s", groups[g]);
        tf_mean_over_reps(dir, text, 1, 16, "home", m, &am, &ah);
        print_message("%s: wait %.4f +- %.4f d (Erlang C %.4f), admitted %.4f +- %.4f a day\n",
                      groups[g], mean, half, want, am, ah);
        assert_close(mean, want, half);
        assert_close(am, rates[g], ah);
    }
    /* The hospital's wait at the door is its acute delay awaiting the home (Little). */
    double aw, awh;
    tf_mean_over_reps(dir, text, 0, 16, "acute", "delayed_days_awaiting_home", &aw, &awh);
    assert_close(aw, 0.5 * want, awh);
}

/* Declines and choice time, as in the Birmingham review's "declined by five different nursing
 * homes", raise the acute delayed days and the delay for the nursing home, paired on the same
 * patients (common random numbers). */
static void declines_and_choice_raise_acute_delays(void **s) {
    (void)s;
    const char *base = "[scenario]\nhorizon = 400d\nwarmup = 60d\n"
                       "[arrivals a]\nto = acute\nrate = 30/d\n"
                       "[unit acute]\nkind = acute\ncapacity = 300\nstay = exp(5d)\n"
                       "next = exit 0.9, nursing 0.1\n"
                       "[unit nursing]\nkind = care_home\ncapacity = 320\nstay = exp(90d)\n"
                       "[transfer acute -> nursing]\nassessment = fixed(2d)\naccept = %s\n%s";
    char a[1024], b[1024];
    snprintf(a, sizeof a, base, "1", ""); /* no declines, no choice */
    snprintf(b, sizeof b, base, "0.6", "reoffer_after = exp(12d)\nchoice_time = exp(3d)\n");
    struct run ra, rb;
    tf_load(&ra, dir, a, 0);
    tf_load(&rb, dir, b, 0);
    enum { N = 4 };
    double da[N], db[N], na[N], nb[N], lo, hi;
    for (int k = 0; k < N; k++) {
        tf_rep(&ra, k, NULL);
        tf_rep(&rb, k, NULL);
        da[k] = tf_get(&ra, "acute", "delayed_days");
        db[k] = tf_get(&rb, "acute", "delayed_days");
        /* the nursing home's delay: waiting for it, re-offers and the choice */
        na[k] = tf_get(&ra, "acute", "delayed_days_awaiting_nursing");
        nb[k] = tf_get(&rb, "acute", "delayed_days_awaiting_nursing") +
                tf_get(&rb, "acute", "delayed_days_rejected") +
                tf_get(&rb, "acute", "delayed_days_choice");
        assert_true(tf_get(&rb, "nursing", "declines") > 0);
    }
    tu_paired_ci(da, db, N, &lo, &hi);
    print_message("acute delayed days %.2f -> %.2f, paired 95%% CI [%.2f, %.2f]\n", da[0], db[0],
                  lo, hi);
    assert_true(lo > 0);
    tu_paired_ci(na, nb, N, &lo, &hi);
    assert_true(lo > 0);
    tf_done(&ra);
    tf_done(&rb);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_patient_waits_exactly_its_declines_and_its_choice),
        cmocka_unit_test(unlimited_reoffers_are_geometric),
        cmocka_unit_test(community_and_hospital_wait_alike_first_come_first_served),
        cmocka_unit_test(declines_and_choice_raise_acute_delays),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
