/* Virtual wards as evaluated (avoids, escalate_to, step_down_stay): the avoided admissions are
 * a conservation law (the acute admissions a run without the ward's places has, less the
 * run's own, are exactly the ward's avoided_admissions, on the same patients, escalations back
 * into acute included); the avoided share and the escalated share are binomial; the savings
 * are the avoided unit's mean stay times the admissions avoided (gross and net of escalations);
 * escalation shortens the ward's stays by e(1 - f); a step-down's own stay is the ward's; a
 * patient diverted in from a full unit avoids an admission; the cost per bed-day saved is the
 * ward's cost over its net saving. */
#include <math.h>
#include <stdio.h>

#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_wards");
    return 0;
}

/* 40 attendances a day at an A&E of fixed one-hour stays: half to the virtual ward, 30% to an
 * acute unit of unlimited beds, the rest home. The ward's places and the extra keys vary. */
#define WARDS(places, extra)                                                                       \
    "[scenario]\nhorizon = 600d\nwarmup = 30d\n"                                                   \
    "[arrivals a]\nto = ae\nrate = 40/d\n"                                                         \
    "[unit ae]\nkind = ae\nstay = fixed(1h)\nnext = vw 0.5, acute 0.3, exit 0.2\n"                 \
    "[unit acute]\nkind = acute\nstay = exp(6d)\n"                                                 \
    "[unit vw]\nkind = virtual_ward\ncapacity = " places "\nstay = exp(4d)\n"                      \
    "when_full = divert acute\navoids = acute 0.4\n" extra

/* Without the ward's places every step-up who would otherwise have been admitted is (diverted
 * to acute) and the new demand goes home; with them, the same patients (their own streams)
 * arrive at the same times and acute admits exactly avoided_admissions fewer. */
static void conserved(const char *extra) {
    struct run with, none;
    char ta[1024], tb[1024];
    snprintf(ta, sizeof ta, WARDS("60", "%s"), extra);
    snprintf(tb, sizeof tb, WARDS("0", "%s"), extra);
    tf_load(&with, dir, ta, 0);
    tf_load(&none, dir, tb, 0);
    for (int rep = 0; rep < 3; rep++) {
        tf_rep(&with, rep, NULL);
        tf_rep(&none, rep, NULL);
        double a = tf_get(&with, "acute", "admissions"), b = tf_get(&none, "acute", "admissions"),
               avoided = tf_get(&with, "vw", "avoided_admissions");
        print_message("rep %d: acute %.4f/d with the ward, %.4f without; avoided %.4f/d\n", rep, a,
                      b, avoided);
        assert_true(avoided > 1);
        assert_close(b - a, avoided, 1e-9 * b);
        /* the 60% new demand never reaches acute without the ward either */
        assert_close(tf_get(&none, "vw", "step_ups"), 0, 0);
        assert_close(tf_get(&none, "", "arrivals"), tf_get(&with, "", "arrivals"), 0);
    }
    tf_done(&with);
    tf_done(&none);
}

/* Escalations back into acute are admissions the ward brings (or gives back): net of them,
 * the law holds in every window too. */
static void avoided_admissions_are_conserved(void **s) {
    (void)s;
    conserved("");
    conserved("escalate_to = acute 0.25 at 0.3\n");
}

/* Every step-up is admitted (the ward never fills): the avoided share is 0.4 within its
 * binomial interval, bed_days_saved is avoided x E[acute stay] = 6 days exactly, and the
 * cost per bed-day saved is the ward's cost_per_day over it. */
static void avoided_share_and_saving(void **s) {
    (void)s;
    struct run r;
    tf_load(&r, dir, WARDS("inf", "cost_per_patient_day = 150\n"), 0);
    tf_rep(&r, 0, NULL);
    double ups = tf_get(&r, "vw", "step_ups"), avoided = tf_get(&r, "vw", "avoided_admissions");
    double days = 570, n = ups * days, p = avoided / ups;
    double half = 3.29 * sqrt(0.4 * 0.6 / n); /* 99.9% */
    print_message("step-ups %.0f, avoided share %.4f +- %.4f\n", n, p, half);
    assert_close(p, 0.4, half);
    assert_close(tf_get(&r, "vw", "bed_days_saved"), 6 * avoided, 1e-9 * avoided);
    double cost = tf_get(&r, "vw", "cost_per_day");
    assert_true(cost > 0);
    assert_close(tf_get(&r, "vw", "cost_per_bed_day_saved"), cost / (6 * avoided), 1e-9 * cost);
    assert_close(tf_get(&r, "vw", "net_bed_days_saved"), 6 * avoided, 1e-9 * avoided);
    /* the acute unit has no step_down: nothing of its own to report */
    assert_int_equal(tf_slot(&r, "acute", "bed_days_saved"), -1);
    tf_done(&r);
}

/* escalate_to = acute 0.25 at 0.3: a quarter of the ward's stays end at 30% of their length,
 * the patient going to acute: ward_escalations / step_ups is 0.25 (binomial), the net avoided
 * admissions among step-ups 0.4 - 0.25 (each escalation an admission after all: the difference
 * of two independent Bernoulli counts), the ward's mean stay 4 (1 - 0.25 x 0.7) = 3.3 days,
 * acute takes the escalations on top, and the saving is gross (avoided + escalations) x 6 and
 * net avoided x 6 days, exactly. */
static void escalation_shortens_and_returns(void **s) {
    (void)s;
    struct run r;
    tf_load(&r, dir, WARDS("inf", "escalate_to = acute 0.25 at 0.3\n"), 0);
    double los = 0, los2 = 0, share = 0, av = 0, n = 0;
    const int reps = 4;
    for (int rep = 0; rep < reps; rep++) {
        tf_rep(&r, rep, NULL);
        double ups = tf_get(&r, "vw", "step_ups"), l = tf_get(&r, "vw", "los_mean");
        n += ups * 570;
        share += tf_get(&r, "vw", "ward_escalations") / ups / reps;
        double avd = tf_get(&r, "vw", "avoided_admissions"),
               esc = tf_get(&r, "vw", "ward_escalations");
        av += avd / ups / reps;
        assert_close(tf_get(&r, "vw", "bed_days_saved"), 6 * (avd + esc), 1e-9 * (avd + esc));
        assert_close(tf_get(&r, "vw", "net_bed_days_saved"), 6 * avd, 1e-9 * (avd + esc));
        los += l / reps;
        los2 += l * l / reps;
        /* acute's arrivals: its own 30% and the escalations (and avoiders, never diverted) */
        double want = 40 * 0.3 + tf_get(&r, "vw", "ward_escalations");
        assert_close(tf_get(&r, "acute", "admissions"), want, 0.03 * want);
    }
    double sd = sqrt(fmax(los2 - los * los, 0) * reps / (reps - 1));
    double half_los = 8.61 * sd / sqrt(reps); /* t(3) at 99.9% */
    print_message("escalated %.4f, avoided %.4f of %.0f step-ups; ward stay %.4f +- %.4f\n", share,
                  av, n, los, half_los);
    assert_close(share, 0.25, 3.29 * sqrt(0.25 * 0.75 / n));
    assert_close(av, 0.15, 3.29 * sqrt((0.4 * 0.6 + 0.25 * 0.75) / n));
    assert_close(los, 4 * (1 - 0.25 * 0.7), fmax(half_los, 0.02));
    tf_done(&r);
}

/* step_down_stay = own: a step-down spends the ward's own fixed 2 days there (not the rest
 * of its acute stay), and the acute bed-days saved are the same rests as without it. */
static void step_down_own_stay(void **s) {
    (void)s;
    const char *fmt = "[scenario]\nhorizon = 300d\nwarmup = 20d\n"
                      "[arrivals a]\nto = acute\nrate = 10/d\n"
                      "[unit acute]\nkind = acute\nstay = exp(6d)\nstep_down = vw 0.3 at 0.5\n%s"
                      "[unit vw]\nkind = virtual_ward\nstay = fixed(2d)\n";
    char rest[512], own[512];
    snprintf(rest, sizeof rest, fmt, "");
    snprintf(own, sizeof own, fmt, "step_down_stay = own\n");
    struct run a, b;
    tf_load(&a, dir, rest, 0);
    tf_load(&b, dir, own, 0);
    tf_rep(&a, 0, NULL);
    tf_rep(&b, 0, NULL);
    print_message("ward stay %.4f (rest of acute's) and %.4f (own)\n", tf_get(&a, "vw", "los_mean"),
                  tf_get(&b, "vw", "los_mean"));
    assert_close(tf_get(&b, "vw", "los_mean"), 2, 1e-9);
    assert_true(fabs(tf_get(&a, "vw", "los_mean") - 2) > 0.2);
    assert_close(tf_get(&b, "acute", "bed_days_saved"), tf_get(&a, "acute", "bed_days_saved"), 0);
    tf_done(&a);
    tf_done(&b);
}

/* Two wards, the first diverting to the second when full, each with its own share and its
 * escalations: the law holds for their sum against both closed (new demand the first's door
 * saw goes on to the second, and home only where the diverts would put it in a bed). */
#define TWO_WARDS(c1, c2)                                                                          \
    "[scenario]\nhorizon = 300d\nwarmup = 10d\n"                                                   \
    "[arrivals a]\nto = ae\nrate = 40/d\n[arrivals comm]\nto = vw\nrate = 3/d\n"                   \
    "[unit ae]\nkind = ae\nstay = exp(3h)\nnext = acute 0.4, vw 0.2, vw2 0.05, exit 0.35\n"        \
    "[unit acute]\nkind = acute\nstay = exp(4d)\n"                                                 \
    "[unit vw]\ncapacity = " c1 "\nstay = exp(5d)\nwhen_full = divert vw2\navoids = acute 0.5\n"   \
    "escalate_to = acute 0.2 at 0.4\n"                                                             \
    "[unit vw2]\ncapacity = " c2 "\nstay = exp(3d)\nwhen_full = divert acute\n"                    \
    "avoids = acute 0.3\nescalate_to = acute 0.3 at 0.5\n"

static void conserved_over_wards(void **s) {
    (void)s;
    struct run with, none;
    tf_load(&with, dir, TWO_WARDS("20", "30"), 0);
    tf_load(&none, dir, TWO_WARDS("0", "0"), 0);
    for (int rep = 0; rep < 2; rep++) {
        tf_rep(&with, rep, NULL);
        tf_rep(&none, rep, NULL);
        double d = tf_get(&none, "acute", "admissions") - tf_get(&with, "acute", "admissions"),
               av = tf_get(&with, "vw", "avoided_admissions") +
                    tf_get(&with, "vw2", "avoided_admissions");
        print_message("rep %d: acute %.4f fewer a day; avoided %.4f\n", rep, d, av);
        assert_true(av > 1);
        assert_close(d, av, 1e-9 * tf_get(&none, "acute", "admissions"));
    }
    tf_done(&with);
    tf_done(&none);
}

/* A step-up diverted in from a full unit was bound for a bed: it would have been admitted,
 * whatever the share (here 0), so every step-up of a ward fed only by acute's divert is an
 * avoided admission. */
static void diverted_in_avoids(void **s) {
    (void)s;
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nhorizon = 300d\nwarmup = 20d\n"
            "[arrivals a]\nto = acute\nrate = 12/d\n"
            "[unit acute]\nkind = acute\ncapacity = 60\nstay = exp(6d)\nwhen_full = divert vw\n"
            "[unit vw]\nkind = virtual_ward\nstay = exp(3d)\navoids = acute 0\n",
            0);
    tf_rep(&r, 0, NULL);
    double ups = tf_get(&r, "vw", "step_ups");
    print_message("diverted in: %.4f step-ups a day, %.4f avoided\n", ups,
                  tf_get(&r, "vw", "avoided_admissions"));
    assert_true(ups > 1);
    assert_close(tf_get(&r, "vw", "avoided_admissions"), ups, 1e-9 * ups);
    tf_done(&r);
}

/* Commissioning more places: with an eligible share larger than a small ward can take, its
 * referrals grow with its places (the rest go to acute or home), so acute admits fewer and
 * the avoided admissions and the saving grow; at 0.4 the new demand added is 1.5 times the
 * avoided admissions. */
static void more_places_avoid_more(void **s) {
    (void)s;
    double prev_acute = INFINITY, prev_avoided = -1;
    const char *places[] = {"5", "20", "80"};
    for (int i = 0; i < 3; i++) {
        char text[1024];
        snprintf(text, sizeof text, WARDS("%s", ""), places[i]);
        struct run r;
        tf_load(&r, dir, text, 0);
        tf_rep(&r, 0, NULL);
        double acute = tf_get(&r, "acute", "admissions"),
               avoided = tf_get(&r, "vw", "avoided_admissions");
        print_message("%s places: step-ups %.3f/d, avoided %.3f/d, acute %.3f/d\n", places[i],
                      tf_get(&r, "vw", "step_ups"), avoided, acute);
        assert_true(acute < prev_acute);
        assert_true(avoided > prev_avoided);
        prev_acute = acute;
        prev_avoided = avoided;
        tf_done(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(avoided_admissions_are_conserved),
        cmocka_unit_test(avoided_share_and_saving),
        cmocka_unit_test(escalation_shortens_and_returns),
        cmocka_unit_test(step_down_own_stay),
        cmocka_unit_test(more_places_avoid_more),
        cmocka_unit_test(diverted_in_avoids),
        cmocka_unit_test(conserved_over_wards),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
