/* The flow model's rules, checked through its API on small scenarios: conservation, blocking
 * bookkeeping, lose and divert, capacity schedules, the 4-hour measure, determinism and common
 * random numbers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/flow.h"
#include "models/unitkind.h"
#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_flow");
    return 0;
}

/* A CSV table beside the scenario file. */
static void put(const char *name, const char *text) {
    tf_put(dir, name, text);
}

static void run(struct run *r, const char *text, int rep) {
    tf_load(r, dir, text, 1); /* per-group slots too, where there are groups */
    tf_rep(r, rep, NULL);
}

/* Arrivals stop on day 200 and everyone has left by day 600: whole-run identities are exact. */
#define DRAINED                                                                                    \
    "[scenario]\nhorizon = 600d\nstart = 2025-01-06\n"                                             \
    "[arrivals a]\nto = ae\nrate = 20/d\nby_date = stop.csv\n"                                     \
    "[unit ae]\nkind = ae\ncapacity = 6\nstay = uniform(1h, 6h)\nnext = acute 0.5, exit 0.5\n"     \
    "[unit acute]\nkind = acute\ncapacity = 60\nstay = triangular(1d, 3d, 12d)\n"                  \
    "next = exit 0.5, eab 0.3, home 0.2\n"                                                         \
    "[unit eab]\nkind = step_down\ncapacity = 32\nstay = uniform(5d, 15d)\n"                       \
    "next = exit 0.8, home 0.2\n"                                                                  \
    "[unit home]\nkind = home_care\ncapacity = 54\nstay = uniform(10d, 30d)\nwhen_full = queue\n"

static void conservation_and_littles_law_exact_when_drained(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-07-25,0\n");
    struct run r;
    run(&r, DRAINED, 0);
    double T = 600;
    double arrivals = tf_get(&r, NULL, "arrivals") * T, out = tf_get(&r, NULL, "departures") * T;
    assert_true(arrivals > 3500);
    assert_close(out + tf_get(&r, NULL, "lost") * T, arrivals, 1e-6);
    const char *units[] = {"ae", "acute", "eab", "home"};
    for (int i = 0; i < 4; i++) {
        /* Little's law, L = lambda W, holds exactly over a period that starts and ends empty. */
        double L = tf_get(&r, units[i], "occupancy");
        double lw = tf_get(&r, units[i], "admissions") * tf_get(&r, units[i], "los_mean");
        assert_close(L, lw, 1e-9 * (1 + L));
    }
    /* The network blocked: acute patients waited in their beds for EAB and home care. */
    assert_true(tf_get(&r, "acute", "delayed") > 0.1);
    assert_true(tf_get(&r, "ae", "delayed") > 0.001);
    tf_done(&r);
}

static void delay_reasons_add_up(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-07-25,0\n");
    struct run r;
    run(&r, DRAINED, 0);
    const char *units[] = {"ae", "acute", "eab", "home"};
    for (int i = 0; i < 4; i++) {
        double sum = 0;
        int u = scenario_unit_index(r.sc, units[i]);
        for (size_t k = 0; k < r.ml.n; k++)
            if (r.ml.slot[k].unit == u && r.ml.slot[k].metric == MET_DELAYED_DAYS_AWAITING)
                sum += r.res->summary[k];
        assert_close(sum, tf_get(&r, units[i], "delayed_days"), 1e-9);
    }
    assert_true(tf_get(&r, "acute", "delayed_days_awaiting_eab") > 0);
    assert_true(tf_get(&r, "acute", "delayed_days_awaiting_home") > 0);
    /* nctr is a count taken at each midnight: whole numbers a day, averaged in the summary. */
    double mean = 0;
    for (size_t b = 0; b < r.res->nbuckets; b++) {
        double v = tf_at(&r, b, "acute", "nctr");
        assert_true(v >= 0 && v == floor(v));
        mean += v / (double)r.res->nbuckets;
    }
    assert_close(tf_get(&r, "acute", "nctr"), mean, 1e-9);
    tf_done(&r);
}

/* nctr and drd_over_21d are counts of the midnight census (the sitrep's daily count), as the
 * stranded counts are, so they do not depend on the report interval (issue 15c: they were
 * taken at each bucket's end, 29.6 on the demo at 1d, 33.9 at 12h, 24.8 at 7d): a 7-day bucket
 * is the mean of its 7 days' counts, a 12-hour bucket with no midnight in it is undefined
 * (NaN, an empty cell), and the whole run's mean is the same at every interval. */
static void midnight_counts_do_not_depend_on_the_interval(void **s) {
    (void)s;
    static const char *const interval[] = {"1d", "7d", "12h"};
    static const char *const metric[] = {"nctr", "drd_over_21d"};
    struct run r[3];
    for (int i = 0; i < 3; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[scenario]\nhorizon = 140d\nwarmup = 14d\ninterval = %s\n"
                 "[arrivals a]\nto = acute\nrate = 10/d\n"
                 "[unit acute]\nkind = acute\ncapacity = inf\nstay = exp(3d)\n"
                 "internal_delay = exp(10d)\n",
                 interval[i]);
        run(&r[i], text, 0);
    }
    assert_int_equal(r[1].res->nbuckets * 7, r[0].res->nbuckets);
    assert_int_equal(r[2].res->nbuckets, 2 * r[0].res->nbuckets);
    for (int m = 0; m < 2; m++) {
        double all = tf_get(&r[0], "acute", metric[m]);
        assert_true(all > 0);
        assert_close(tf_get(&r[1], "acute", metric[m]), all, 1e-9 * all);
        assert_close(tf_get(&r[2], "acute", metric[m]), all, 1e-9 * all);
        for (size_t b = 0; b < r[1].res->nbuckets; b++) {
            double week = 0;
            for (size_t d = 0; d < 7; d++) week += tf_at(&r[0], 7 * b + d, "acute", metric[m]) / 7;
            assert_close(tf_at(&r[1], b, "acute", metric[m]), week, 1e-9 * (1 + week));
        }
        for (size_t b = 0; b < r[0].res->nbuckets; b++) {
            assert_true(isnan(tf_at(&r[2], 2 * b, "acute", metric[m]))); /* no midnight in it */
            assert_close(tf_at(&r[2], 2 * b + 1, "acute", metric[m]),
                         tf_at(&r[0], b, "acute", metric[m]), 0);
        }
    }
    for (int i = 0; i < 3; i++) tf_done(&r[i]);
}

static void waits_are_for_the_unit_that_queues(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 300d\n[arrivals a]\nto = acute\nrate = 10/d\n"
        "[unit acute]\ncapacity = inf\nstay = exp(2d)\nnext = vw 0.5, gone 0.2, exit 0.3\n"
        "[unit vw]\ncapacity = 5\nstay = exp(5d)\nwhen_full = divert eab\n"
        "[unit eab]\ncapacity = 10\nstay = exp(5d)\n"
        "[unit gone]\ncapacity = 1\nstay = exp(1d)\nwhen_full = lose\n",
        0);
    /* Patients for a full virtual ward are diverted to EAB and wait for EAB; a unit that
     * loses patients keeps nobody waiting. */
    int t[8];
    assert_int_equal(metric_wait_targets(r.sc, 0, t), 1);
    assert_int_equal(t[0], scenario_unit_index(r.sc, "eab"));
    assert_true(tf_get(&r, "acute", "delayed_days_awaiting_eab") > 1);
    assert_close(tf_get(&r, "acute", "delayed_days_awaiting_eab"),
                 tf_get(&r, "acute", "delayed_days"), 1e-9);
    for (size_t k = 0; k < r.ml.n; k++) {
        assert_string_not_equal(r.ml.slot[k].name, "delayed_days_awaiting_vw");
        assert_string_not_equal(r.ml.slot[k].name, "delayed_days_awaiting_gone");
    }
    tf_done(&r);
}

/* acute -> eab with an assessment in the acute bed; arrivals stop on day 100 and the network
 * drains by day 400, so whole-run identities are exact. */
#define TRANSFER(assessment, target, accept)                                                       \
    "[scenario]\nhorizon = 400d\nstart = 2025-01-06\n"                                             \
    "[arrivals a]\nto = acute\nrate = 20/d\nby_date = stop.csv\n"                                  \
    "[unit acute]\nkind = acute\nstay = exp(3d)\nnext = eab 0.5, exit 0.5\n"                       \
    "[unit eab]\nkind = step_down\ncapacity = 40\nstay = exp(8d)\n"                                \
    "[unit home]\nkind = home_care\nstay = exp(10d)\n"                                             \
    "[transfer acute -> eab]\nassessment = " assessment "\ntarget = " target "\n"                  \
    "accept = " accept "\non_reject = home 1\n"

static void transfer_assessment_in_the_bed(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-04-16,0\n");
    struct run r;
    run(&r, TRANSFER("30h", "24h", "1"), 0);
    double T = 400, referred = tf_get(&r, "eab", "referrals") * T;
    assert_true(referred > 800);
    /* Every referral spends exactly 30 hours assessed in its acute bed. */
    assert_close(tf_get(&r, "acute", "delayed_days_assessment") * T, referred * 30.0 / 24, 1e-6);
    assert_close(tf_get(&r, "eab", "assessed_within_target_pct"), 0, 0);
    assert_close(tf_get(&r, "eab", "accepted_pct"), 100, 0);
    assert_close(tf_get(&r, "eab", "admissions") * T, referred, 1e-6);
    /* Reasons add up to the delay. */
    assert_close(tf_get(&r, "acute", "delayed_days"),
                 tf_get(&r, "acute", "delayed_days_assessment") +
                     tf_get(&r, "acute", "delayed_days_awaiting_eab"),
                 1e-9);
    tf_done(&r);

    run(&r, TRANSFER("20h", "24h", "1"), 0);
    assert_close(tf_get(&r, "eab", "assessed_within_target_pct"), 100, 0);
    tf_done(&r);
}

static void refused_referrals_are_routed_on(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-04-16,0\n");
    struct run r;
    run(&r, TRANSFER("exp(1d)", "24h", "0.7"), 0);
    double T = 400, referred = tf_get(&r, "eab", "referrals") * T;
    double acc = tf_get(&r, "eab", "accepted_pct") / 100;
    assert_close(acc, 0.7, 5 * sqrt(0.21 / referred));
    assert_close(tf_get(&r, "eab", "admissions") * T, acc * referred, 1e-6);
    assert_close(tf_get(&r, "home", "admissions") * T, (1 - acc) * referred, 1e-6);
    assert_true(tf_get(&r, "acute", "delayed_days_rejected") == 0); /* home care has no limit */
    assert_close(tf_get(&r, "acute", "delayed_days"),
                 tf_get(&r, "acute", "delayed_days_assessment") +
                     tf_get(&r, "acute", "delayed_days_awaiting_eab") +
                     tf_get(&r, "acute", "delayed_days_rejected"),
                 1e-9);
    double in_target = tf_get(&r, "eab", "assessed_within_target_pct") / 100;
    assert_close(in_target, 1 - exp(-1), 5 * sqrt(0.25 / referred)); /* P(exp(1d) <= 1d) */
    tf_done(&r);

    /* A refused patient who must then wait is delayed as "rejected". */
    run(&r,
        "[scenario]\nhorizon = 200d\n[arrivals a]\nto = acute\nrate = 10/d\n"
        "[unit acute]\nkind = acute\nstay = exp(3d)\nnext = eab 1\n"
        "[unit eab]\nstay = exp(8d)\n[unit home]\ncapacity = 10\nstay = exp(10d)\n"
        "[transfer acute -> eab]\naccept = 0.5\non_reject = home 1\n",
        0);
    assert_true(tf_get(&r, "acute", "delayed_days_rejected") > 1);
    assert_close(tf_get(&r, "acute", "delayed_days_rejected"), tf_get(&r, "acute", "delayed_days"),
                 1e-9);
    assert_close(tf_get(&r, "acute", "delayed_days_assessment"), 0, 0); /* assessment = 0 */
    tf_done(&r);
}

static void blocked_time_is_the_downstream_queue(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 400d\nwarmup = 50d\n"
        "[arrivals a]\nto = up\nrate = 4/d\n"
        "[unit up]\ncapacity = inf\nstay = exp(1d)\nnext = down 1\n"
        "[unit down]\ncapacity = 20\nstay = exp(5.5d)\n",
        0);
    /* Everyone queueing for `down` is blocked in `up`, so the two time-averages agree. */
    assert_true(tf_get(&r, "up", "delayed") > 1);
    assert_close(tf_get(&r, "down", "queue"), tf_get(&r, "up", "delayed"), 1e-9);
    assert_close(tf_get(&r, "up", "delayed_days"), tf_get(&r, "up", "delayed"), 0);
    assert_true(tf_get(&r, "down", "occupancy") <= 20);
    assert_close(tf_get(&r, "down", "occupancy_pct"), tf_get(&r, "down", "occupancy") * 5, 1e-9);
    /* los in `up` includes the delay: mean stay 1 day plus the wait for a place downstream. */
    assert_close(tf_get(&r, "up", "los_mean"), 1 + tf_get(&r, "down", "wait_mean"), 0.15);
    tf_done(&r);
}

static void lose_and_divert(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 100d\n"
        "[arrivals a]\nto = vw\nrate = 10/d\n"
        "[arrivals b]\nto = closed\nrate = 5/d\n"
        "[unit vw]\nkind = virtual_ward\ncapacity = 0\nstay = exp(1d)\nwhen_full = divert acute\n"
        "[unit acute]\nkind = acute\ncapacity = inf\nstay = exp(1d)\n"
        "[unit closed]\ncapacity = 0\nstay = exp(1d)\nwhen_full = lose\n",
        0);
    assert_close(tf_get(&r, "vw", "admissions"), 0, 0);
    assert_close(tf_get(&r, "acute", "admissions"),
                 tf_get(&r, NULL, "arrivals") - tf_get(&r, NULL, "lost"), 1e-9);
    assert_close(tf_get(&r, "closed", "lost_fraction"), 1, 0);
    assert_close(tf_get(&r, "vw", "lost_fraction"), 0, 0);
    assert_close(tf_get(&r, NULL, "lost"), 5, 5 * 5 / sqrt(500));
    assert_true(isnan(tf_get(&r, "closed", "wait_mean"))); /* nobody entered: undefined, not 0 */
    tf_done(&r);
}

static void capacity_schedule_holds_then_releases(void **s) {
    (void)s;
    put("open.csv", "date,capacity\n2025-01-16,inf\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 20d\nstart = 2025-01-06\n"
        "[arrivals a]\nto = w\nrate = 10/d\n"
        "[unit w]\ncapacity = 0\ncapacity_schedule = open.csv\nstay = fixed(100d)\n",
        0);
    for (size_t b = 0; b < 10; b++) assert_close(tf_at(&r, b, "w", "admissions"), 0, 0);
    assert_true(tf_at(&r, 9, "w", "queue") > 50);
    /* On day 10 the queue moves in at once; afterwards nobody waits. */
    assert_true(tf_at(&r, 10, "w", "admissions") > 50);
    assert_close(tf_at(&r, 12, "w", "queue"), 0, 0);
    assert_close(tf_at(&r, 12, "w", "wait_mean"), 0, 0);
    assert_true(tf_at(&r, 10, "w", "wait_mean") > 3);
    tf_done(&r);
}

static void four_hour_measure(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 30d\n"
        "[arrivals a]\nto = quick\nrate = 20/d\n[arrivals b]\nto = slow\nrate = 20/d\n"
        "[unit quick]\nkind = ae\nstay = fixed(3h)\n"
        "[unit slow]\nkind = ae\nstay = fixed(5h)\n",
        0);
    assert_close(tf_get(&r, "quick", "ae_4h_pct"), 100, 0);
    assert_close(tf_get(&r, "slow", "ae_4h_pct"), 0, 0);
    assert_close(tf_get(&r, "quick", "los_mean"), 0.125, 1e-9);
    tf_done(&r);
}

/* Thresholds stay exact however long the run: a stay of exactly 4 hours once became a breach
 * after day 4,096, where the clock's rounding outgrew a slack relative to 4 hours alone. At
 * the longest horizon flowsim accepts (1,000 years), exactly 4 h and 12 h are still within, and
 * a minute more is still a breach. */
static void thresholds_exact_at_the_longest_horizon(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 365250d\nwarmup = 365200d\ninterval = 10d\n"
        "[arrivals a]\nto = four\nrate = 2/d\n[arrivals b]\nto = late\nrate = 2/d\n"
        "[arrivals c]\nto = twelve\nrate = 2/d\n"
        "[unit four]\nkind = ae\nstay = fixed(4h)\n"
        "[unit late]\nkind = ae\nstay = fixed(241m)\n"
        "[unit twelve]\nkind = ae\nstay = fixed(12h)\n",
        0);
    assert_true(tf_get(&r, "four", "admissions") > 1);
    assert_close(tf_get(&r, "four", "ae_4h_pct"), 100, 0);
    assert_close(tf_get(&r, "late", "ae_4h_pct"), 0, 0);
    assert_close(tf_get(&r, "twelve", "ae_4h_pct"), 0, 0);
    assert_close(tf_get(&r, "twelve", "ae_12h_pct"), 0, 0);
    tf_done(&r);
}

/* The case shared/cases/edges/clock: every A&E stay exactly 4 hours, nobody waits, 20 years in
 * yearly buckets: 100% within 4 hours in every year (it read 0% from day 4,096). */
static void exactly_four_hours_for_twenty_years(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 7300d\ninterval = 365d\n[arrivals walkin]\nto = ae\nrate = 50/d\n"
        "[unit ae]\nkind = ae\ncapacity = inf\nstay = fixed(4h)\n",
        0);
    assert_int_equal(r.res->nbuckets, 20);
    for (size_t b = 0; b < r.res->nbuckets; b++)
        assert_close(tf_at(&r, b, "ae", "ae_4h_pct"), 100, 0);
    tf_done(&r);
}

static void ae_twelve_hours_trolley_and_handover(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 200d\nwarmup = 20d\n"
        "[arrivals walk_in]\nto = ae\nrate = 30/d\n"
        "[arrivals blue_light]\nto = ae\nrate = 30/d\nambulance = 1\n"
        "[unit ae]\nkind = ae\ncapacity = 8\nstay = exp(3h)\nnext = ward 0.5, exit 0.5\n"
        "[unit ward]\ncapacity = 150\nstay = exp(5d)\n",
        0);
    /* Everyone admitted to the ward comes from A&E: the ward's queue wait is the trolley wait. */
    assert_true(tf_get(&r, "ae", "trolley_wait_mean") > 0);
    assert_close(tf_get(&r, "ae", "trolley_wait_mean"), tf_get(&r, "ward", "wait_mean"), 1e-12);
    /* Half the attendances come by ambulance; the others queue alongside them. */
    assert_true(tf_get(&r, "ae", "handovers_30m") <= tf_get(&r, "ae", "handovers"));
    assert_true(tf_get(&r, "ae", "handovers_60m") <= tf_get(&r, "ae", "handovers_30m"));
    assert_true(tf_get(&r, "ae", "handovers_60m") > 0);
    assert_true(tf_get(&r, "ae", "ae_12h_pct") > 0 && tf_get(&r, "ae", "ae_12h_pct") < 100);
    assert_close(tf_get(&r, "ae", "ae_12h_waits"),
                 tf_get(&r, "ae", "ae_12h_pct") / 100 * tf_get(&r, "ae", "admissions"), 0.05);
    tf_done(&r);

    /* All by ambulance: the handover is the whole wait for a cubicle. */
    run(&r,
        "[scenario]\nhorizon = 100d\n[arrivals a]\nto = ae\nrate = 60/d\nambulance = 1\n"
        "[unit ae]\nkind = ae\ncapacity = 8\nstay = exp(3h)\n",
        0);
    assert_close(tf_get(&r, "ae", "handover_mean"), tf_get(&r, "ae", "wait_mean"), 1e-12);
    tf_done(&r);

    /* Fixed stays either side of 12 hours, with no queue. */
    run(&r,
        "[scenario]\nhorizon = 30d\n[arrivals a]\nto = long\nrate = 10/d\n"
        "[arrivals b]\nto = short\nrate = 10/d\n"
        "[unit long]\nkind = ae\nstay = fixed(13h)\n[unit short]\nkind = ae\nstay = fixed(11h)\n",
        0);
    assert_close(tf_get(&r, "long", "ae_12h_pct"), 100, 0);
    assert_close(tf_get(&r, "short", "ae_12h_pct"), 0, 0);
    assert_true(isnan(tf_get(&r, "short", "trolley_wait_mean"))); /* nobody admitted */
    tf_done(&r);
}

static void ambulance_share_is_drawn_per_patient(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 400d\n[arrivals a]\nto = ae\nrate = 50/d\nambulance = 0.3\n"
        "[unit ae]\nkind = ae\ncapacity = inf\nstay = exp(2h)\n",
        0);
    /* With no queue every ambulance patient is handed over at once, and their number is
     * 30% of attendances within binomial error (5 sigma). */
    double n = tf_get(&r, NULL, "arrivals") * 400, amb = tf_get(&r, "ae", "handovers") * 400;
    assert_close(amb / n, 0.3, 5 * sqrt(0.3 * 0.7 / n));
    assert_close(tf_get(&r, "ae", "handover_mean"), 0, 0);
    assert_close(tf_get(&r, "ae", "handovers_30m"), 0, 0);
    tf_done(&r);
}

static void costs_for_places_and_patient_days(void **s) {
    (void)s;
    put("beds.csv", "date,capacity\n2025-01-16,30\n"); /* 20 beds for 10 days, then 30 for 30 */
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 40d\nstart = 2025-01-06\n[arrivals a]\nto = ward\nrate = 4/d\n"
        "[unit ward]\ncapacity = 20\ncapacity_schedule = beds.csv\nstay = exp(3d)\n"
        "next = home 1\ncost_per_place_day = 100\ncost_per_patient_day = 50\n"
        "[unit home]\nstay = exp(10d)\ncost_per_patient_day = 20\n"
        "[unit free]\nstay = exp(1d)\n",
        0);
    /* Places are paid for used or not (time-weighted capacity); patient-days as used. */
    double ward = (20 * 10 + 30 * 30) * 100.0 / 40 + 50 * tf_get(&r, "ward", "occupancy");
    assert_close(tf_get(&r, "ward", "cost_per_day"), ward, 1e-9 * ward);
    assert_close(tf_get(&r, "home", "cost_per_day"), 20 * tf_get(&r, "home", "occupancy"), 1e-9);
    assert_close(tf_get(&r, NULL, "cost_per_day"),
                 tf_get(&r, "ward", "cost_per_day") + tf_get(&r, "home", "cost_per_day"), 1e-9);
    for (size_t i = 0; i < r.ml.n; i++) /* a unit without costs reports none */
        assert_false(r.ml.slot[i].unit == 2 && r.ml.slot[i].metric == MET_COST_PER_DAY);
    tf_done(&r);
}

static void readmissions_and_91_day_outcome(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 730d\nwarmup = 100d\n"
        "[arrivals a]\nto = ae\nrate = 20/d\n"
        "[unit ae]\nkind = ae\nstay = exp(3h)\nnext = acute 0.5, exit 0.5\n"
        "[unit acute]\nkind = acute\nstay = exp(5d)\nnext = reablement 0.3, exit 0.7\n"
        "readmit = 0.2\nreadmit_after = uniform(10d, 50d)\n"
        "[unit reablement]\nkind = home_care\nstay = exp(20d)\n"
        "readmit = 0.1\nreadmit_after = uniform(60d, 120d)\nreadmit_to = acute\n",
        0);
    /* acute: readmitted with probability 0.2 after uniform(10, 50) days, so within 30 days
     * with probability 0.2 x 0.5. */
    double home = tf_get(&r, "acute", "admissions") * 0.7 * 630;
    assert_close(tf_get(&r, "acute", "readmit_30d_pct") / 100, 0.1, 5 * sqrt(0.09 / home));
    /* reablement: readmitted with probability 0.1 after 60-120 days: never within 30 days, and
     * within 91 days with probability 0.1 x 31/60. */
    assert_close(tf_get(&r, "reablement", "readmit_30d_pct"), 0, 0);
    double reab = tf_get(&r, "reablement", "admissions") * 630;
    double p91 = 1 - 0.1 * 31.0 / 60;
    assert_close(tf_get(&r, "reablement", "home_91d_pct") / 100, p91,
                 5 * sqrt(p91 * (1 - p91) / reab));
    /* Readmissions come back: about 0.2 of acute's and 0.1 of reablement's discharges home. */
    double back = tf_get(&r, "acute", "admissions") * 0.7 * 0.2 +
                  tf_get(&r, "reablement", "admissions") * 0.1;
    assert_close(tf_get(&r, NULL, "readmissions"), back, 0.1 * back);
    tf_done(&r);
}

static void conservation_at_the_horizon(void **s) {
    (void)s;
    /* Every mechanism at once (ambulances, divert, schedule, transfer with refusals, CHC in and
     * out of hospital, readmissions, loss, costs, census, groups, step-down, surge); no
     * warm-up, so the whole run is counted. */
    put("beds2.csv", "date,capacity\n2025-02-01,30\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 200d\nstart = 2025-01-06\n"
        "[arrivals a]\nto = ae\nrate = 40/d\nambulance = 0.3\n"
        "[arrivals gp]\nto = vw\nrate = 3/d\n"
        "[unit ae]\nkind = ae\ncapacity = 6\nstay = exp(3h)\nnext = acute 0.4, exit 0.6\n"
        "[unit vw]\nkind = virtual_ward\ncapacity = 4\nstay = exp(4d)\nwhen_full = divert acute\n"
        "[unit acute]\nkind = acute\ncapacity = 90\nstay = exp(4d)\n"
        "next = exit 0.5, eab 0.3, reab 0.2\nreadmit = 0.15\nreadmit_after = exp(20d)\n"
        "cost_per_place_day = 300\ninitial_occupancy = 10\ninitial_delayed = 3\n"
        "stay.frail = exp(7d)\nnext.frail = exit 0.3, eab 0.4, reab 0.3\nstep_down = vw2 0.2 at "
        "0.5\n"
        "surge_capacity = 10\nsurge_on = 0.9\n"
        "[unit eab]\nkind = step_down\ncapacity = 20\ncapacity_schedule = beds2.csv\n"
        "stay = exp(10d)\nnext = exit 0.8, home_x 0.2\n"
        "[unit reab]\nkind = home_care\ncapacity = 40\nstay = exp(15d)\nreadmit = 0.1\n"
        "readmit_after = exp(40d)\n"
        "[unit home_x]\ncapacity = 1\nstay = exp(5d)\nwhen_full = lose\n"
        "[transfer acute -> eab]\nassessment = exp(1d)\ntarget = 24h\naccept = 0.8\n"
        "on_reject = reab 1\n"
        "[unit d2a]\ncapacity = 15\nstay = exp(7d)\n[unit nh]\ncapacity = 30\nstay = exp(40d)\n"
        "patience = exp(10d)\npatience_to = reab\n"
        "[group frail]\nshare = 0.35\n[group other]\nshare = 0.65\n"
        "[unit vw2]\nkind = virtual_ward\ncapacity = 3\nstay = exp(2d)\n"
        "[chc]\nfrom = acute\nto = eab, reab\nreferral = 0.4\nin_acute = 0.5\n"
        "assessment = exp(10d)\neligible = 0.3\neligible_to = nh\ninterim = d2a\n",
        0);
    double T = 200;
    double in = (tf_get(&r, NULL, "arrivals") + tf_get(&r, NULL, "readmissions")) * T;
    double out = (tf_get(&r, NULL, "departures") + tf_get(&r, NULL, "lost")) * T;
    assert_true(tf_get(&r, NULL, "readmissions") > 0.5);
    assert_true(tf_get(&r, NULL, "lost") > 0);
    assert_true(r.res->in_system_end > 10);
    assert_close(r.res->census, 13, 0);
    assert_close(in + r.res->census, out + r.res->in_system_end, 1e-6);
    assert_true(tf_get(&r, NULL, "chc_assessments") > 0.1);
    /* Every unit's delay reasons add up to its delay, whatever mechanism caused it. */
    for (size_t u = 0; u < r.sc->nunits; u++) {
        double sum = 0, total = NAN;
        for (size_t k = 0; k < r.ml.n; k++) {
            const struct metric_slot *sl = &r.ml.slot[k];
            if (sl->unit != (int)u || sl->group >= 0) continue;
            if (sl->metric == MET_DELAYED_DAYS) total = r.res->summary[k];
            if (!strncmp(sl->name, "delayed_days_", 13)) sum += r.res->summary[k];
        }
        assert_close(sum, total, 1e-9 * (1 + total));
    }
    assert_true(tf_get(&r, "acute", "delayed_days_awaiting_d2a") > 0);
    /* ...and each mechanism really ran. */
    assert_true(tf_get(&r, "vw2", "step_downs") > 0);
    assert_true(tf_get(&r, "acute", "surge_hours") > 0);
    assert_true(tf_get(&r, "eab", "referrals") > 0 && tf_get(&r, "eab", "accepted_pct") < 100);
    assert_true(tf_get(&r, "ae", "handovers") > 0);
    assert_true(tf_get(&r, "vw", "admissions") > 0);
    /* Patients gave up waiting for nh (going on to reab), and d2a's patients waited in their
     * beds for reab (after a CHC decision, or having given up on nh). */
    assert_true(tf_get(&r, "nh", "reneged_pct") > 1);
    assert_true(tf_get(&r, "d2a", "delayed_days_awaiting_reab") > 0);
    tf_done(&r);
}

static void step_down_to_a_virtual_ward(void **s) {
    (void)s;
    const char *fmt =
        "[scenario]\nhorizon = 300d\nwarmup = 20d\n[arrivals a]\nto = acute\nrate = 10/d\n"
        "[unit acute]\nkind = acute\nstay = fixed(10d)\nstep_down = vw 1 at 0.6\n"
        "[unit vw]\nkind = virtual_ward\ncapacity = %s\nstay = exp(30d)\n";
    char text[1024];
    struct run r;
    snprintf(text, sizeof text, fmt, "inf");
    run(&r, text, 0);
    /* Everyone moves at day 6 and brings the remaining 4 days with them. */
    assert_close(tf_get(&r, "acute", "los_mean"), 6, 1e-9);
    assert_close(tf_get(&r, "vw", "los_mean"), 4, 1e-9);
    assert_close(tf_get(&r, "vw", "step_ups"), 0, 0);
    assert_close(tf_get(&r, "acute", "bed_days_saved"), 4 * tf_get(&r, "vw", "step_downs"), 1e-9);
    assert_close(tf_get(&r, "acute", "occupancy"), 6 * 10, 3);
    tf_done(&r);
    /* A full ward: nobody moves, the acute stay runs its whole course. */
    snprintf(text, sizeof text, fmt, "0");
    run(&r, text, 0);
    assert_close(tf_get(&r, "acute", "los_mean"), 10, 1e-9);
    assert_close(tf_get(&r, "vw", "step_downs"), 0, 0);
    assert_close(tf_get(&r, "acute", "bed_days_saved"), 0, 0);
    tf_done(&r);
}

static void surge_opens_after_sustained_pressure(void **s) {
    (void)s;
    struct run r;
    /* Always full: the surge opens 4 hours after the unit first fills and never closes. */
    run(&r,
        "[scenario]\nhorizon = 100d\n[arrivals a]\nto = w\nrate = 100/d\n"
        "[unit w]\ncapacity = 10\nstay = fixed(10d)\nsurge_capacity = 5\nsurge_on = 1\n"
        "surge_after = 4h\nsurge_off = 0.5\n",
        0);
    assert_true(tf_get(&r, "w", "surge_hours") > 23.5);
    assert_close(tf_get(&r, "w", "surge_bed_days"), 5 * tf_get(&r, "w", "surge_hours") / 24, 1e-9);
    /* Occupancy is a difference of running integrals: exact to rounding (1e-9). */
    for (size_t b = 0; b < r.res->nbuckets; b++)
        assert_true(tf_at(&r, b, "w", "occupancy") <= 15 + 1e-9);
    assert_close(tf_at(&r, 50, "w", "occupancy"), 15, 1e-9);
    assert_close(tf_at(&r, 50, "w", "occupancy_pct"), 100, 1e-9); /* of 15 places open */
    tf_done(&r);
    /* Never busy enough: no surge. */
    run(&r,
        "[scenario]\nhorizon = 100d\n[arrivals a]\nto = w\nrate = 1/d\n"
        "[unit w]\ncapacity = 10\nstay = exp(2d)\nsurge_capacity = 5\n",
        0);
    assert_close(tf_get(&r, "w", "surge_hours"), 0, 0);
    tf_done(&r);
}

/* Rules stated as a fraction of capacity hold at capacity 0: a ward scheduled to 0 places
 * has no surge places open (0 >= 0.95 x 0 always held and 0 < 0.9 x 0 never did, so a closed
 * ward kept its surge places open and charged until the horizon). It closes while surging;
 * reopened, it escalates again. */
static void surge_closes_with_the_ward(void **s) {
    (void)s;
    put("winter.csv", "date,capacity\n2025-01-06,10\n2025-01-31,0\n2025-02-25,10\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 80d\nstart = 2025-01-06\n[arrivals a]\nto = w\nrate = 100/d\n"
        "[unit w]\ncapacity_schedule = winter.csv\nstay = fixed(10d)\nwhen_full = lose\n"
        "surge_capacity = 5\nsurge_on = 1\nsurge_after = 4h\nsurge_off = 0.5\n"
        "cost_per_place_day = 300\n",
        0);
    assert_true(tf_at(&r, 20, "w", "surge_hours") > 23.5); /* open and full: surging */
    for (size_t b = 26; b < 50; b++) {                     /* closed: no surge places */
        assert_close(tf_at(&r, b, "w", "surge_hours"), 0, 0);
        assert_close(tf_at(&r, b, "w", "cost_per_day"), 0, 0);
        assert_close(tf_at(&r, b, "w", "admissions"), 0, 0);
    }
    assert_true(tf_at(&r, 70, "w", "surge_hours") > 23.5); /* reopened, full again */
    tf_done(&r);
}

/* acute -> care home, every patient referred for CHC; arrivals stop on day 100 and the system
 * drains, so the identities are exact. */
#define CHC(in_acute, interim_stay)                                                                \
    "[scenario]\nhorizon = 500d\nstart = 2025-01-06\n"                                             \
    "[arrivals a]\nto = acute\nrate = 5/d\nby_date = stop.csv\n"                                   \
    "[unit acute]\nkind = acute\nstay = exp(5d)\nnext = home 1\n"                                  \
    "[unit home]\nkind = care_home\nstay = exp(20d)\n"                                             \
    "[unit d2a]\nstay = " interim_stay "\n[unit nh]\nkind = care_home\nstay = exp(30d)\n"          \
    "[chc]\nfrom = acute\nto = home\nreferral = 1\nin_acute = " in_acute "\n"                      \
    "assessment = 10d\neligible = 0.25\neligible_to = nh\ninterim = d2a\n"

static void chc_in_acute_or_after_discharge(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-04-16,0\n");
    struct run r;
    run(&r, CHC("1", "fixed(3d)"), 0);
    double T = 500, n = tf_get(&r, NULL, "chc_assessments") * T;
    assert_true(n > 400);
    /* All in acute: each referral keeps its bed 10 days; decisions 10 days after referral. */
    assert_close(tf_get(&r, NULL, "chc_in_acute_pct"), 100, 0);
    assert_close(tf_get(&r, "acute", "delayed_days_chc_assessment") * T, 10 * n, 1e-6);
    assert_close(tf_get(&r, NULL, "chc_days_to_decision"), 10, 1e-9);
    assert_close(tf_get(&r, NULL, "chc_within_28d_pct"), 100, 0);
    double el = tf_get(&r, NULL, "chc_eligible_pct") / 100;
    assert_close(el, 0.25, 5 * sqrt(0.25 * 0.75 / n));
    assert_close(tf_get(&r, "nh", "admissions") * T, el * n, 1e-6);
    assert_close(tf_get(&r, "d2a", "admissions"), 0, 0);
    tf_done(&r);
    /* All after discharge: no CHC delay in acute; the interim stay (3 days) is stretched to the
     * 10-day decision. */
    run(&r, CHC("0", "fixed(3d)"), 0);
    assert_close(tf_get(&r, NULL, "chc_in_acute_pct"), 0, 0);
    assert_close(tf_get(&r, "acute", "delayed_days_chc_assessment"), 0, 0);
    assert_close(tf_get(&r, "d2a", "los_mean"), 10, 1e-9);
    assert_close(tf_get(&r, NULL, "chc_days_to_decision"), 10, 1e-9);
    tf_done(&r);
    /* A longer interim stay is not cut short by an early decision. */
    run(&r, CHC("0", "fixed(15d)"), 0);
    assert_close(tf_get(&r, "d2a", "los_mean"), 15, 1e-9);
    assert_close(tf_get(&r, NULL, "chc_days_to_decision"), 10, 1e-9);
    tf_done(&r);
}

static void case_mix_groups(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 400d\nwarmup = 20d\n[arrivals a]\nto = acute\nrate = 20/d\n"
        "[group frail]\nshare = 0.3\n[group fit]\nshare = 0.7\n"
        "[unit acute]\nstay = fixed(2d)\nstay.frail = fixed(10d)\nnext.frail = home 1\n"
        "[unit home]\nkind = care_home\nstay = exp(5d)\n",
        0);
    double n = tf_get(&r, "acute", "admissions") * 380;
    double frail = tf_get(&r, "home", "admissions") / tf_get(&r, "acute", "admissions");
    assert_close(frail, 0.3, 5 * sqrt(0.21 / n));
    /* Each group's own stay: the mean is the mix of 10 and 2 days by the realised shares. */
    assert_close(tf_get(&r, "acute", "los_mean"), 10 * frail + 2 * (1 - frail), 0.01);
    /* --by-group: each group's own numbers, which add up to the whole. */
    assert_close(tf_get(&r, "acute", "los_mean.frail"), 10, 1e-9);
    assert_close(tf_get(&r, "acute", "los_mean.fit"), 2, 1e-9);
    const char *sum[] = {"occupancy", "admissions", "queue", "delayed_days"};
    for (int i = 0; i < 4; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "%s.frail", sum[i]);
        snprintf(b, sizeof b, "%s.fit", sum[i]);
        assert_close(tf_get(&r, "acute", a) + tf_get(&r, "acute", b), tf_get(&r, "acute", sum[i]),
                     1e-9 * (1 + tf_get(&r, "acute", sum[i])));
    }
    assert_close(tf_get(&r, NULL, "arrivals.frail") + tf_get(&r, NULL, "arrivals.fit"),
                 tf_get(&r, NULL, "arrivals"), 1e-9);
    assert_close(tf_get(&r, NULL, "departures.frail") + tf_get(&r, NULL, "departures.fit"),
                 tf_get(&r, NULL, "departures"), 1e-9);
    assert_close(tf_get(&r, "home", "admissions.frail"), tf_get(&r, "home", "admissions"), 1e-12);
    tf_done(&r);
}

/* The group is kept in one byte and 64 groups are the limit (models/limits.h): the last gets its
 * own patients, with its own keys, like the first. */
static void the_last_of_64_groups_gets_its_own_patients(void **s) {
    (void)s;
    static char text[8192];
    snprintf(text, sizeof text,
             "[scenario]\nhorizon = 400d\n[arrivals a]\nto = acute\nrate = 64/d\n"
             "[unit acute]\nstay = fixed(2d)\nstay.g63 = fixed(9d)\nnext.g63 = home 1\n"
             "[unit home]\nstay = exp(5d)\n");
    for (int g = 0; g < 64; g++) {
        size_t n = strlen(text);
        snprintf(text + n, sizeof text - n, "[group g%d]\nshare = 0.015625\n", g);
    }
    struct run r;
    run(&r, text, 0);
    double all = tf_get(&r, NULL, "arrivals") * 400, last = tf_get(&r, NULL, "arrivals.g63") * 400;
    assert_close(last, all / 64, 5 * sqrt(all / 64));
    assert_close(tf_get(&r, "acute", "los_mean.g63"), 9, 1e-9);
    assert_close(tf_get(&r, "acute", "los_mean.g0"), 2, 1e-9);
    assert_close(tf_get(&r, "home", "admissions"), tf_get(&r, "home", "admissions.g63"), 1e-12);
    tf_done(&r);
}

/* The awaiting pairs are those the routing allows, not every pair of units: a chain of 300
 * units keeps 299 (and one for any other), and still counts each delay where it belongs. */
static void awaiting_pairs_follow_the_routes(void **s) {
    (void)s;
    static char text[1 << 16];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "[scenario]\nhorizon = 60d\n[arrivals a]\nto = u0\nrate = 5/d\n");
    for (int u = 0; u < 300; u++) {
        char next[32] = "exit 1";
        if (u + 1 < 300) snprintf(next, sizeof next, "u%d 1", u + 1);
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "[unit u%d]\ncapacity = %d\nstay = exp(1d)\nnext = %s\n", u,
                              u == 2 ? 1 : 50, next);
    }
    struct run r;
    run(&r, text, 0);
    assert_int_equal(r.ml.nawait, 300);
    assert_int_equal(metric_await_index(&r.ml, 149, 150), 149);
    assert_int_equal(metric_await_index(&r.ml, 150, 149), 299); /* no route: the spare */
    /* u2 has one place: those in u1 wait for it, and their delay is all "awaiting u2". */
    assert_true(tf_get(&r, "u1", "delayed_days_awaiting_u2") > 1);
    assert_close(tf_get(&r, "u1", "delayed_days_awaiting_u2"), tf_get(&r, "u1", "delayed_days"),
                 1e-9);
    tf_done(&r);
}

static void same_replication_same_numbers(void **s) {
    (void)s;
    struct run a, b, c;
    const char *text =
        "[scenario]\nhorizon = 60d\n[arrivals a]\nto = w\nrate = 30/d\n"
        "[unit w]\ncapacity = 10\nstay = lognormal(8h, 6h)\nnext = w 0.1, exit 0.9\n";
    run(&a, text, 3);
    run(&b, text, 3);
    run(&c, text, 4);
    size_t n = a.res->nbuckets * a.res->nslots;
    assert_memory_equal(a.res->series, b.res->series, n * sizeof(double));
    assert_true(memcmp(a.res->series, c.res->series, n * sizeof(double)) != 0);
    tf_done(&a);
    tf_done(&b);
    tf_done(&c);
}

/* A kind is what it does (unitkind.h): A&E keeps the clock, hands over ambulances, has trolley
 * waits and corridor spaces; acute beds and home care's 91-day outcome are their own; the rest
 * are labels. */
static void kinds_are_capability_flags(void **s) {
    (void)s;
    assert_int_equal(unitkind_caps(UNIT_AE),
                     UK_AE_CLOCK | UK_HANDOVER | UK_TROLLEY_WAIT | UK_CORRIDOR);
    assert_int_equal(unitkind_caps(UNIT_ACUTE), UK_ACUTE_BEDS);
    assert_int_equal(unitkind_caps(UNIT_HOME_CARE), UK_HOME_91D);
    assert_int_equal(unitkind_caps(UNIT_GENERIC), 0);
    assert_int_equal(unitkind_caps(UNIT_STEP_DOWN), 0);
    assert_int_equal(unitkind_caps(UNIT_CARE_HOME), 0);
    assert_int_equal(unitkind_caps(UNIT_VIRTUAL_WARD), 0);
}

/* A label changes nothing: the same pathway (a step-down, a queue with patience, readmissions)
 * gives the same numbers whatever label its units wear. */
static void label_kinds_change_nothing(void **s) {
    (void)s;
    static const char *const labels[] = {"generic", "step_down", "care_home", "virtual_ward"};
    struct run base;
    char text[2048];
    for (size_t k = 0; k < sizeof labels / sizeof *labels; k++) {
        snprintf(text, sizeof text,
                 "[scenario]\nhorizon = 120d\nwarmup = 10d\n"
                 "[arrivals a]\nto = ward\nrate = 12/d\n"
                 "[unit ward]\nkind = %s\ncapacity = 40\nstay = lognormal(3d, 2d)\n"
                 "next = exit 0.6, rest 0.4\nstep_down = vw 0.3 at 0.5\nreadmit = 0.1\n"
                 "readmit_after = exp(20d)\n"
                 "[unit rest]\nkind = %s\ncapacity = 12\nstay = uniform(5d, 20d)\n"
                 "when_full = queue\npatience = exp(3d)\npatience_to = exit\n"
                 "[unit vw]\nkind = %s\ncapacity = 6\nstay = exp(2d)\n",
                 labels[k], labels[k], labels[k]);
        struct run r;
        run(&r, text, 1);
        if (k == 0) {
            base = r;
            continue;
        }
        assert_int_equal(r.res->nslots, base.res->nslots);
        for (size_t i = 0; i < r.ml.n; i++)
            assert_string_equal(r.ml.slot[i].name, base.ml.slot[i].name);
        assert_memory_equal(r.res->summary, base.res->summary, r.res->nslots * sizeof(double));
        assert_memory_equal(r.res->series, base.res->series,
                            r.res->nbuckets * r.res->nslots * sizeof(double));
        tf_done(&r);
    }
    tf_done(&base);
}

/* Streamed rows are the rows a held series would have, in order, and nothing is held. */
struct collect {
    double *rows, *warm;
    size_t nrows, nwarm, width, wwidth;
};
static void take_row(void *ctx, int rep, size_t b, const double *v) {
    struct collect *c = ctx;
    assert_int_equal(rep, 3);
    assert_int_equal(b, c->nrows); /* in order, none skipped */
    memcpy(c->rows + c->nrows++ * c->width, v, c->width * sizeof *v);
}
static void take_warm(void *ctx, int rep, size_t k, const double *v) {
    struct collect *c = ctx;
    assert_int_equal(rep, 3);
    assert_int_equal(k, c->nwarm);
    memcpy(c->warm + c->nwarm++ * c->wwidth, v, c->wwidth * sizeof *v);
}

static void streamed_rows_equal_held_rows(void **s) {
    (void)s;
    struct run a;
    run(&a,
        "[scenario]\nhorizon = 90d\nwarmup = 10d\n[arrivals a]\nto = w\nrate = 30/d\n"
        "[unit w]\ncapacity = 10\nstay = lognormal(8h, 6h)\nnext = v 0.5, exit 0.5\n"
        "[unit v]\ncapacity = 3\nstay = exp(1d)\n",
        3);
    struct collect c = {.width = a.res->nslots, .wwidth = a.sc->nunits};
    c.rows = test_malloc(a.res->nbuckets * c.width * sizeof *c.rows);
    c.warm = test_malloc(a.res->nwarm * c.wwidth * sizeof *c.warm);
    struct flow_opts fo = {.row = take_row, .warm = take_warm, .row_ctx = &c};
    struct flow_result *res;
    char err[256];
    assert_int_equal(flow_run_opts(a.sc, &a.ml, 3, &fo, &res, err, sizeof err), 0);
    assert_null(res->series);
    assert_null(res->warm);
    assert_int_equal(c.nrows, a.res->nbuckets);
    assert_int_equal(c.nwarm, a.res->nwarm);
    assert_memory_equal(c.rows, a.res->series, c.nrows * c.width * sizeof *c.rows);
    assert_memory_equal(c.warm, a.res->warm, c.nwarm * c.wwidth * sizeof *c.warm);
    assert_memory_equal(res->summary, a.res->summary, c.width * sizeof *c.rows);
    test_free(c.rows);
    test_free(c.warm);
    flow_result_free(res);
    tf_done(&a);
}

static void common_random_numbers_across_capacities(void **s) {
    (void)s;
    /* Changing a downstream capacity changes nobody's arrival or own stay: the arrivals are the
     * same, and the upstream unit's stays (never blocked here, capacity inf) too. */
    const char *fmt = "[scenario]\nhorizon = 200d\n[arrivals a]\nto = up\nrate = 12/d\n"
                      "[unit up]\nstay = exp(2d)\nnext = down 0.4, exit 0.6\n"
                      "[unit down]\ncapacity = %d\nstay = exp(4d)\nwhen_full = lose\n";
    char t1[512], t2[512];
    snprintf(t1, sizeof t1, fmt, 30);
    snprintf(t2, sizeof t2, fmt, 10);
    struct run a, b;
    run(&a, t1, 0);
    run(&b, t2, 0);
    assert_close(tf_get(&a, NULL, "arrivals"), tf_get(&b, NULL, "arrivals"), 0);
    assert_close(tf_get(&a, "up", "admissions"), tf_get(&b, "up", "admissions"), 0);
    assert_close(tf_get(&a, "up", "los_mean"), tf_get(&b, "up", "los_mean"), 0);
    assert_true(tf_get(&b, "down", "lost_fraction") > tf_get(&a, "down", "lost_fraction"));
    tf_done(&a);
    tf_done(&b);
}

/* Denominators (docs/model.md, "Denominators"): an A&E attendance that ends with the patient
 * giving up in the queue (left without being seen) counts in the 4- and 12-hour measures with
 * its time in the department. Arrivals stop and the run drains, so every attendance has ended:
 * those seen all take 5 h (breaches), those who left waited exactly 1 h (within 4 h), so the
 * 4-hour share is exactly the share who gave up. Before, they were left out: 0%. */
static void left_without_being_seen_counts_in_the_ae_measures(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-02-05,0\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 60d\nstart = 2025-01-06\n"
        "[arrivals a]\nto = ae\nrate = 20/d\nby_date = stop.csv\n"
        "[unit ae]\nkind = ae\ncapacity = 2\nstay = fixed(5h)\n"
        "patience = fixed(1h)\npatience_to = exit\n",
        0);
    double lwbs = tf_get(&r, "ae", "reneged_pct");
    assert_true(lwbs > 10 && lwbs < 90);
    assert_close(tf_get(&r, "ae", "ae_4h_pct"), lwbs, 1e-9);
    assert_close(tf_get(&r, "ae", "ae_12h_pct"), 0, 0);
    tf_done(&r);
    /* No cubicle at all: everyone leaves unseen after 13 hours, every one a 12-hour wait. */
    run(&r,
        "[scenario]\nhorizon = 60d\nstart = 2025-01-06\n"
        "[arrivals a]\nto = ae\nrate = 20/d\nby_date = stop.csv\n"
        "[unit ae]\nkind = ae\ncapacity = 0\nstay = fixed(5h)\n"
        "patience = fixed(13h)\npatience_to = exit\n",
        0);
    assert_close(tf_get(&r, "ae", "ae_4h_pct"), 0, 0);
    assert_close(tf_get(&r, "ae", "ae_12h_pct"), 100, 0);
    assert_close(tf_get(&r, "ae", "reneged_pct"), 100, 0);
    assert_close(tf_get(&r, "ae", "ae_12h_waits") * 60, tf_get(&r, NULL, "arrivals") * 60, 1e-9);
    tf_done(&r);
}

/* reneged_pct is over the patients whose wait ended in the window (admitted or given up), so
 * a unit with no places reads 100% in every bucket: over arrivals it read 100.2% in a bucket
 * where more gave up than had come (case bounded-ci). */
static void reneged_share_is_at_most_all(void **s) {
    (void)s;
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 100d\n[arrivals a]\nto = acute\nrate = 3/d\n"
        "[unit acute]\nkind = acute\nstay = exp(5d)\nnext = exit 0.5, eab 0.5\n"
        "[unit eab]\nkind = step_down\ncapacity = 0\nstay = exp(10d)\n"
        "patience = exp(2d)\n",
        0);
    for (size_t b = 0; b < r.res->nbuckets; b++) {
        double v = tf_at(&r, b, "eab", "reneged_pct");
        if (!isnan(v)) assert_close(v, 100, 0);
    }
    assert_close(tf_get(&r, "eab", "reneged_pct"), 100, 0);
    tf_done(&r);
}

/* Every patient going home from a unit that readmits is in readmit_30d_pct's denominator, a
 * group that never comes back included. Frail patients (half) all come back after 10 days (to
 * another ward, which does not readmit), the fit never: the share is exactly the frail share of
 * the unit's discharges home, all of them followed 30 days. Before, only the frail counted:
 * 100%. */
static void readmission_share_counts_every_group_going_home(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-02-05,0\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 200d\nstart = 2025-01-06\n"
        "[arrivals a]\nto = acute\nrate = 20/d\nby_date = stop.csv\n"
        "[group frail]\nshare = 0.5\n[group fit]\nshare = 0.5\n"
        "[unit acute]\nkind = acute\nstay = fixed(2d)\nreadmit.frail = 1\n"
        "readmit_after.frail = fixed(10d)\nreadmit_to.frail = ward\n"
        "[unit ward]\nstay = fixed(2d)\n",
        0);
    double frail = tf_get(&r, "acute", "admissions.frail") / tf_get(&r, "acute", "admissions");
    assert_true(frail > 0.4 && frail < 0.6);
    assert_close(tf_get(&r, "acute", "readmit_30d_pct"), 100 * frail, 1e-9);
    assert_close(tf_get(&r, NULL, "readmit_30d_pct"), 100 * frail, 1e-9);
    tf_done(&r);
}

/* ASCOF 2B(1) counts everyone who went into reablement: those who leave it for a care home are
 * not at home at 91 days. Nobody is readmitted within 91 days, so the share at home is exactly
 * those who went home. Before, the care-home leavers were left out: 100%. */
static void ninety_one_days_counts_those_who_left_for_a_care_home(void **s) {
    (void)s;
    put("stop.csv", "date,multiplier\n2025-02-05,0\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 300d\nstart = 2025-01-06\n"
        "[arrivals a]\nto = acute\nrate = 20/d\nby_date = stop.csv\n"
        "[unit acute]\nkind = acute\nstay = fixed(2d)\nnext = reablement 1\n"
        "[unit reablement]\nkind = home_care\nstay = fixed(10d)\n"
        "next = exit 0.7, care 0.3\nreadmit = 0.5\nreadmit_after = fixed(400d)\n"
        "[unit care]\nkind = care_home\nstay = fixed(20d)\n",
        0);
    double moved = tf_get(&r, "care", "admissions") / tf_get(&r, "reablement", "admissions");
    assert_true(moved > 0.2 && moved < 0.4);
    assert_close(tf_get(&r, "reablement", "home_91d_pct"), 100 * (1 - moved), 1e-9);
    tf_done(&r);
}

/* A ward scheduled to 0 places that still holds patients: occupancy_pct counts a held place as
 * available (100%, not empty), over_capacity shows how many places are held beyond capacity,
 * and the place cost follows the capacity (0); once empty and closed, occupancy_pct is empty. */
static void occupancy_shows_at_capacity_zero(void **s) {
    (void)s;
    put("close.csv", "date,capacity\n2025-01-06,10\n2025-01-16,0\n2025-02-05,4\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 40d\nstart = 2025-01-06\n[arrivals a]\nto = w\nrate = 50/d\n"
        "[unit w]\ncapacity_schedule = close.csv\nstay = uniform(1d, 9d)\nwhen_full = lose\n"
        "cost_per_place_day = 100\n",
        0);
    assert_true(tf_at(&r, 8, "w", "occupancy_pct") > 95); /* open and all but full */
    assert_close(tf_at(&r, 8, "w", "over_capacity"), 0, 0);
    int held = 0, empty = 0;
    for (size_t b = 10; b < 30; b++) { /* closed from day 10 to day 30 */
        assert_close(tf_at(&r, b, "w", "cost_per_day"), 0, 0);
        if (tf_at(&r, b, "w", "occupancy") > 0) { /* the last patients, before they leave */
            held++;
            assert_close(tf_at(&r, b, "w", "occupancy_pct"), 100, 1e-9);
            assert_close(tf_at(&r, b, "w", "over_capacity"), tf_at(&r, b, "w", "occupancy"), 1e-9);
        } else { /* closed and empty: nothing to measure */
            empty++;
            assert_true(isnan(tf_at(&r, b, "w", "occupancy_pct")));
        }
    }
    assert_true(held >= 5 && empty >= 5);
    assert_true(tf_at(&r, 35, "w", "occupancy_pct") > 90); /* reopened with 4 places */
    assert_close(tf_at(&r, 35, "w", "cost_per_day"), 400, 1e-9);
    /* The whole run: over capacity only in the closed days with patients. */
    assert_true(tf_get(&r, "w", "over_capacity") > 0);
    assert_true(tf_get(&r, "w", "occupancy_pct") <= 100);
    tf_done(&r);
}

/* A patient routed back to its own unit starts a new stay in the place it holds, and keeps it
 * even where the unit is above capacity: after a capacity cut (10 places, then 4, then 0 with
 * a corridor-less queue), from a census of 20 in 10 places, and from an A&E's cubicle while
 * listed for a corridor space. Nobody is evicted; the run ends with patients conserved (the
 * invariants, on in the test builds, once stopped it at the first such patient). */
static void routed_back_keeps_its_place_above_capacity(void **s) {
    (void)s;
    put("cut.csv", "date,capacity\n2025-01-06,10\n2025-01-16,4\n2025-01-26,0\n");
    struct run r;
    run(&r,
        "[scenario]\nhorizon = 40d\nstart = 2025-01-06\n[arrivals a]\nto = w\nrate = 50/d\n"
        "[unit w]\ncapacity_schedule = cut.csv\nstay = exp(1d)\nnext = exit 0.5, w 0.5\n"
        "[unit v]\ncapacity = 10\ninitial_occupancy = 20\nstay = exp(1d)\n"
        "next = exit 0.5, v 0.5\n"
        "[arrivals b]\nto = ae\nrate = 40/d\n"
        "[unit ae]\nkind = ae\ncapacity = 2\ncorridor_capacity = 1\nstay = exp(1h)\n"
        "next = exit 0.4, ae 0.3, x 0.3\n[unit x]\ncapacity = 1\nstay = exp(1d)\n",
        0);
    assert_true(tf_at(&r, 10, "w", "over_capacity") > 0); /* held above the cuts */
    assert_true(tf_at(&r, 20, "w", "over_capacity") > 0);
    assert_true(tf_at(&r, 0, "v", "over_capacity") > 0); /* the census above capacity */
    assert_true(tf_get(&r, "w", "admissions") > 0 && tf_get(&r, "ae", "admissions") > 0);
    tf_done(&r);
}

/* Places freed at one instant move patients from queue to queue inside one event (the offer
 * cascade), out of the event loop's sight: the stop flag (Ctrl-C, SIGTERM) is looked at there
 * too, at moves that free a place upstream (those that can keep a cascade going without end).
 * 20,000 patients delayed in w1 for w2, closed, move at one instant when it opens, in a run of
 * a handful of events (the loop looks every 65,536): with the flag set it stops,
 * "interrupted"; without, it runs and moves them all. */
static void a_cascade_at_one_instant_sees_the_stop_flag(void **s) {
    (void)s;
    put("opens.csv", "date,capacity\n2025-01-06,0\n2025-01-07,100000\n");
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nhorizon = 3d\nstart = 2025-01-06\n[arrivals a]\nto = w1\n"
            "rate = 0.001/d\n[unit w1]\ncapacity = 20000\nstay = fixed(1000d)\nnext = w2 1\n"
            "initial_delayed = 20000\n"
            "[unit w2]\ncapacity_schedule = opens.csv\nstay = fixed(1000d)\n",
            0);
    volatile sig_atomic_t stop = 1;
    struct flow_opts o = {.stop = &stop};
    char err[256] = "";
    assert_int_equal(flow_run_opts(r.sc, &r.ml, 0, &o, &r.res, err, sizeof err), -1);
    assert_string_equal(err, "interrupted");
    stop = 0;
    tf_rep(&r, 0, &o);
    assert_true(r.res->events < 100);
    assert_close(tf_get(&r, "w2", "occupancy"), 20000 * 2 / 3.0, 1e-6);
    tf_done(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conservation_and_littles_law_exact_when_drained),
        cmocka_unit_test(delay_reasons_add_up),
        cmocka_unit_test(midnight_counts_do_not_depend_on_the_interval),
        cmocka_unit_test(waits_are_for_the_unit_that_queues),
        cmocka_unit_test(transfer_assessment_in_the_bed),
        cmocka_unit_test(refused_referrals_are_routed_on),
        cmocka_unit_test(blocked_time_is_the_downstream_queue),
        cmocka_unit_test(lose_and_divert),
        cmocka_unit_test(capacity_schedule_holds_then_releases),
        cmocka_unit_test(routed_back_keeps_its_place_above_capacity),
        cmocka_unit_test(four_hour_measure),
        cmocka_unit_test(thresholds_exact_at_the_longest_horizon),
        cmocka_unit_test(exactly_four_hours_for_twenty_years),
        cmocka_unit_test(ae_twelve_hours_trolley_and_handover),
        cmocka_unit_test(ambulance_share_is_drawn_per_patient),
        cmocka_unit_test(costs_for_places_and_patient_days),
        cmocka_unit_test(readmissions_and_91_day_outcome),
        cmocka_unit_test(conservation_at_the_horizon),
        cmocka_unit_test(step_down_to_a_virtual_ward),
        cmocka_unit_test(surge_opens_after_sustained_pressure),
        cmocka_unit_test(surge_closes_with_the_ward),
        cmocka_unit_test(chc_in_acute_or_after_discharge),
        cmocka_unit_test(case_mix_groups),
        cmocka_unit_test(the_last_of_64_groups_gets_its_own_patients),
        cmocka_unit_test(awaiting_pairs_follow_the_routes),
        cmocka_unit_test(same_replication_same_numbers),
        cmocka_unit_test(kinds_are_capability_flags),
        cmocka_unit_test(label_kinds_change_nothing),
        cmocka_unit_test(streamed_rows_equal_held_rows),
        cmocka_unit_test(common_random_numbers_across_capacities),
        cmocka_unit_test(left_without_being_seen_counts_in_the_ae_measures),
        cmocka_unit_test(reneged_share_is_at_most_all),
        cmocka_unit_test(a_cascade_at_one_instant_sees_the_stop_flag),
        cmocka_unit_test(readmission_share_counts_every_group_going_home),
        cmocka_unit_test(ninety_one_days_counts_those_who_left_for_a_care_home),
        cmocka_unit_test(occupancy_shows_at_capacity_zero),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
