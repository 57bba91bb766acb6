/* Leaving a unit (docs/model.md, "Leaving: internal delays and the discharge hour"), checked
 * against theory: an unlimited unit whose discharges happen only in a weekly window holds
 * lambda (E[S] + E[W]) patients, E[W] worked out here from the window alone (Poisson arrivals
 * end their stays at moments uniform over the week, whatever the stay's law), for an infinite
 * and a finite discharge rate; no patient leaves in an hour of zero weight; an internal delay
 * adds exactly its days to occupancy (the same patients: common random numbers); and the
 * discharge measures count what they say. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/flow.h"
#include "models/load.h"
#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_discharge");
    return 0;
}

static void put(const char *name, const char *text) {
    tf_put(dir, name, text);
}

static void load(struct run *r, const char *text) {
    tf_load(r, dir, text, 0);
}

/* A weekly profile: weight w(d, h) for day d (Monday 0) and hour h, written as the CSV. */
typedef double (*profile_fn)(int d, int h);
static double profile[168];

static void write_profile(const char *name, profile_fn f) {
    char text[168 * 16 + 32], *p = text;
    p += sprintf(p, "hour,weight\n");
    for (int k = 0; k < 168; k++) {
        profile[k] = f(k / 24, k % 24);
        p += sprintf(p, "%d,%g\n", k, profile[k]);
    }
    put(name, text);
}

/* Weekdays 08:00-17:00 only (9 hours a day, 5 days): closed runs of 15 hours Monday to
 * Thursday night and 63 hours over the weekend. */
static double weekday_office(int d, int h) {
    return d < 5 && h >= 8 && h < 17;
}

/* A lumpier window: weekdays 08:00-12:00 at weight 2 and 14:00-18:00 at 1, Saturday 10:00-12:00
 * at 0.5. */
static double lumpy(int d, int h) {
    if (d < 5) return h >= 8 && h < 12 ? 2 : h >= 14 && h < 18 ? 1 : 0;
    return d == 5 && h >= 10 && h < 12 ? 0.5 : 0;
}

/* E[W] in days for a patient ready at a moment uniform over the week, discharges at rate
 * rate x weight(h) (rate per day; inf: at the start of the first open hour). Infinite rate:
 * sum of L^2 / 2 over the closed runs, / the week. Finite: E[W | t] = int_0^week exp(-Lambda(t,
 * t + w)) dw / (1 - exp(-Lambda_week)), integrated exactly over each hour, averaged over t on a
 * grid of 100 points an hour (midpoints; E[W | t] is smooth within an hour). */
static double expected_wait(double rate) {
    if (isinf(rate)) {
        double sum = 0, run = 0;
        int first = 0;
        while (profile[first] == 0) first++; /* start the walk at an open hour */
        for (int k = 0; k <= 168; k++) {
            if (profile[(first + k) % 168] == 0) {
                run += 1;
            } else {
                sum += run * run / 2;
                run = 0;
            }
        }
        return sum / 168 / 24; /* hours^2 / hours of the week -> hours, -> days */
    }
    double week = 0;
    for (int k = 0; k < 168; k++) week += rate * profile[k] / 24;
    const int per_hour = 100;
    double total = 0;
    for (int k = 0; k < 168; k++)
        for (int j = 0; j < per_hour; j++) {
            double x = (j + 0.5) / per_hour; /* hours into hour k */
            double lam = 0, w = 0;
            for (int m = 0; m <= 168; m++) {
                int h = (k + m) % 168;
                double len = (m == 0 ? 1 - x : m == 168 ? x : 1) / 24, r = rate * profile[h];
                w += exp(-lam) * (r > 0 ? (1 - exp(-r * len)) / r : len);
                lam += r * len;
            }
            total += w / (1 - exp(-week));
        }
    return total / (168 * per_hour);
}

/* Occupancy and the discharge-hour delay over n replications against lambda (E[S] + E[W]) and
 * lambda E[W], within 4.5 standard errors of the replications' mean. */
static void check_window(const char *ini, double lambda, double es, double ew) {
    struct run r;
    load(&r, ini);
    enum { N = 8 };
    double occ[N], dh[N], mo = 0, md = 0, so = 0, sd = 0;
    for (int k = 0; k < N; k++) {
        tf_rep(&r, k, NULL);
        occ[k] = tf_get(&r, "ward", "occupancy");
        dh[k] = tf_get(&r, "ward", "delayed_days_discharge_hour");
        mo += occ[k] / N;
        md += dh[k] / N;
    }
    for (int k = 0; k < N; k++) {
        so += (occ[k] - mo) * (occ[k] - mo) / (N - 1);
        sd += (dh[k] - md) * (dh[k] - md) / (N - 1);
    }
    double want_o = lambda * (es + ew), want_d = lambda * ew;
    /* the loader's closed form (sim/nhpp.c) agrees with the one here, and the rough-cut load
     * (flowsim validate) counts the wait */
    const struct sc_unit *w = &r.sc->unit[0];
    assert_close(w->dhours_wait, ew, 1e-6 * ew);
    struct load_unit lu;
    assert_int_equal(load_offered(r.sc, &lu), 0);
    assert_close(lu.load, want_o, 1e-6 * want_o);
    print_message("E[W] = %.6f d: occupancy %.4f (theory %.4f, se %.4f), discharge-hour delay "
                  "%.4f (theory %.4f, se %.4f)\n",
                  ew, mo, want_o, sqrt(so / N), md, want_d, sqrt(sd / N));
    assert_true(fabs(mo - want_o) < 4.5 * sqrt(so / N) + 1e-9);
    assert_true(fabs(md - want_d) < 4.5 * sqrt(sd / N) + 1e-9);
    tf_done(&r);
}

static void window_at_an_infinite_rate_adds_its_exact_wait(void **s) {
    (void)s;
    write_profile("office.csv", weekday_office);
    double ew = expected_wait(INFINITY);
    /* (4 x 15^2 + 63^2) / 2 / 168 hours */
    assert_close(ew * 24, (4 * 225.0 + 3969) / 2 / 168, 1e-12);
    check_window("[scenario]\nhorizon = 800d\nwarmup = 20d\n"
                 "[arrivals a]\nto = ward\nrate = 40/d\n"
                 "[unit ward]\nstay = lognormal(3d, 2d)\ndischarge_hour_of_week = office.csv\n",
                 40, 3, ew);
}

static void window_at_a_finite_rate_adds_its_exact_wait(void **s) {
    (void)s;
    write_profile("lumpy.csv", lumpy);
    double ew = expected_wait(6);
    assert_true(ew > expected_wait(INFINITY)); /* a finite rate waits longer */
    check_window("[scenario]\nhorizon = 800d\nwarmup = 20d\n"
                 "[arrivals a]\nto = ward\nrate = 40/d\n"
                 "[unit ward]\nstay = exp(2d)\ndischarge_hour_of_week = lumpy.csv\n"
                 "discharge_rate = 6/d\n",
                 40, 2, ew);
}

/* Admission hours: a unit that takes patients in only on weekdays 08:00-17:00. Patients leave
 * an unlimited ward upstream (M/G/infinity: its departures are Poisson) and wait in its beds,
 * delayed as awaiting the unit, for the first open hour: lambda E[W] of them on average (the
 * closed runs' L^2 / 2 over the week, as for a discharge window at an infinite rate), while
 * the unit holds lambda E[S]; in the patient log nobody starts there in a closed hour. */
struct starts {
    int unit;
    size_t n, bad;
};

static void on_start(void *ctx, const struct flow_visit *v) {
    struct starts *l = ctx;
    if (v->unit != l->unit || v->queue) return;
    double h = fmod(v->start * 24, 168); /* the scenario starts on a Monday */
    l->n++;
    l->bad += profile[(int)h] == 0;
}

static void admission_window_adds_its_exact_wait(void **s) {
    (void)s;
    write_profile("office.csv", weekday_office);
    double ew = expected_wait(INFINITY);
    struct run r;
    load(&r, "[scenario]\nhorizon = 800d\nwarmup = 20d\n"
             "[arrivals a]\nto = ward\nrate = 40/d\n"
             "[unit ward]\nstay = exp(1d)\nnext = rehab 1\n"
             "[unit rehab]\nstay = lognormal(3d, 2d)\nadmission_hour_of_week = office.csv\n");
    assert_non_null(r.sc->unit[scenario_unit_index(r.sc, "rehab")].ahours);
    assert_null(r.sc->unit[scenario_unit_index(r.sc, "ward")].ahours);
    enum { N = 8 };
    double occ[N], del[N], mo = 0, md = 0, so = 0, sd = 0;
    for (int k = 0; k < N; k++) {
        struct starts l = {.unit = scenario_unit_index(r.sc, "rehab")};
        struct flow_opts o = {.visit = on_start, .visit_ctx = &l};
        tf_rep(&r, k, k == 0 ? &o : NULL);
        occ[k] = tf_get(&r, "rehab", "occupancy");
        del[k] = tf_get(&r, "ward", "delayed_days_awaiting_rehab");
        mo += occ[k] / N;
        md += del[k] / N;
        if (k == 0) {
            assert_true(l.n > 10000);
            assert_int_equal(l.bad, 0);
        }
    }
    for (int k = 0; k < N; k++) {
        so += (occ[k] - mo) * (occ[k] - mo) / (N - 1);
        sd += (del[k] - md) * (del[k] - md) / (N - 1);
    }
    print_message("admission hours: awaiting %.4f (theory %.4f, se %.4f), occupancy %.4f "
                  "(theory 120, se %.4f)\n",
                  md, 40 * ew, sqrt(sd / N), mo, sqrt(so / N));
    assert_true(fabs(md - 40 * ew) < 4.5 * sqrt(sd / N));
    assert_true(fabs(mo - 120) < 4.5 * sqrt(so / N));
    tf_done(&r);
}

/* The patient log: every visit of the ward that ended left in an hour of positive weight. */
struct leaves {
    int ward;
    size_t n, bad;
    double internal, dhour;
};

static void on_visit(void *ctx, const struct flow_visit *v) {
    struct leaves *l = ctx;
    if (v->unit != l->ward || isnan(v->leave)) return;
    l->n++;
    long hour = (long)floor((v->leave + 1e-9) * 24) % 168; /* the start date is a Monday */
    if (!(profile[hour] > 0)) l->bad++;
    l->internal += v->delayed[FLOW_DELAY_INTERNAL];
    l->dhour += v->delayed[FLOW_DELAY_DISCHARGE_HOUR];
}

/* A share leaving at any hour (criteria-led discharge) waits 0: E[W] is (1 - share) x the
 * window's, and the loader's rough cut says so. */
static void a_share_leaves_at_any_hour(void **s) {
    (void)s;
    write_profile("office.csv", weekday_office);
    double ew = 0.75 * expected_wait(INFINITY);
    check_window("[scenario]\nhorizon = 800d\nwarmup = 20d\n"
                 "[arrivals a]\nto = ward\nrate = 40/d\n"
                 "[unit ward]\nstay = exp(2d)\ndischarge_hour_of_week = office.csv\n"
                 "discharge_any_hour = 0.25\n",
                 40, 2, ew);
}

static void no_discharge_in_a_zero_weight_hour(void **s) {
    (void)s;
    write_profile("lumpy.csv", lumpy);
    const char *rates[] = {"inf", "6/d"};
    for (int i = 0; i < 2; i++) {
        char ini[1024];
        snprintf(ini, sizeof ini,
                 "[scenario]\nhorizon = 200d\n"
                 "[arrivals a]\nto = ward\nrate = 30/d\n"
                 "[unit ward]\nstay = exp(2d)\nnext = exit 0.7, rehab 0.3\n"
                 "internal_delay = lognormal(10h, 8h)\n"
                 "internal_delay_to = rehab fixed(2d)\n"
                 "discharge_hour_of_week = lumpy.csv\ndischarge_rate = %s\n"
                 "[unit rehab]\nstay = exp(5d)\n",
                 rates[i]);
        struct run r;
        load(&r, ini);
        struct leaves l = {.ward = scenario_unit_index(r.sc, "ward")};
        struct flow_opts o = {.visit = on_visit, .visit_ctx = &l};
        tf_rep(&r, 0, &o);
        print_message("rate %s: %zu departures, %zu in a closed hour\n", rates[i], l.n, l.bad);
        assert_true(l.n > 4000);
        assert_int_equal(l.bad, 0);
        assert_true(l.internal > 0 && l.dhour > 0);
        tf_done(&r);
    }
}

/* Issue 15 review, kinds 1 and 4: every departure the discharge hours gate leaves in an hour
 * of positive weight, step-downs to a virtual ward included (a step-down is a departure, and
 * once went at any hour); the two documented exceptions are told apart in the log: a patient
 * who, once its hour came, queued for a full unit (it moves when a place frees: delay_reason
 * awaiting_UNIT), and one who gave up that queue (its queue row just before, at the same
 * moment: a give-up is at any hour). And the patient log names the reason of a departure's
 * own delay that ended as the patient left: `internal`, `discharge_hour`. */
struct gated {
    int ward, vw, ch;
    size_t n, steps, queued, gave_up, bad, internal, dhour, unnamed;
    uint64_t quit; /* the last patient who gave up ch's queue, and when */
    double quit_t;
};

static void on_gated(void *ctx, const struct flow_visit *v) {
    struct gated *g = ctx;
    if (v->queue && v->unit == g->ch && v->next == FLOW_NEXT_HOME) {
        g->quit = v->patient;
        g->quit_t = v->leave;
        return;
    }
    if (v->queue || v->unit != g->ward || isnan(v->leave)) return;
    g->n++;
    if (v->patient == g->quit && v->leave == g->quit_t) {
        g->gave_up++;
        return;
    }
    if (!strcmp(v->delay_reason, "awaiting")) {
        g->queued++;
        return;
    }
    g->steps += v->next == g->vw;
    long hour = (long)floor((v->leave + 1e-9) * 24) % 168; /* the start date is a Monday */
    if (!(profile[hour] > 0)) g->bad++;
    /* its delay ended as it left: named, the last of them */
    if (v->delayed[FLOW_DELAY_DISCHARGE_HOUR] > 0)
        g->dhour += !strcmp(v->delay_reason, "discharge_hour");
    else if (v->delayed[FLOW_DELAY_INTERNAL] > 0)
        g->internal += !strcmp(v->delay_reason, "internal");
    if (v->leave > v->end_of_care && !v->delay_reason[0]) g->unnamed++;
}

static void gated_departures_only_in_open_hours_step_downs_included(void **s) {
    (void)s;
    write_profile("lumpy.csv", lumpy);
    const char *rates[] = {"inf", "6/d"};
    for (int i = 0; i < 2; i++) {
        char ini[1024];
        snprintf(ini, sizeof ini,
                 "[scenario]\nhorizon = 200d\n"
                 "[arrivals a]\nto = ward\nrate = 30/d\n"
                 "[unit ward]\nstay = exp(2d)\nnext = exit 0.7, ch 0.3\n"
                 "step_down = vw 0.4 at 0.5\ninternal_delay = lognormal(10h, 8h)\n"
                 "discharge_hour_of_week = lumpy.csv\ndischarge_rate = %s\n"
                 "[unit vw]\nkind = virtual_ward\ncapacity = 8\nstay = exp(3d)\n"
                 "[unit ch]\ncapacity = 40\nstay = exp(20d)\npatience = exp(2d)\n",
                 rates[i]);
        struct run r;
        load(&r, ini);
        struct gated g = {.ward = scenario_unit_index(r.sc, "ward"),
                          .vw = scenario_unit_index(r.sc, "vw"),
                          .ch = scenario_unit_index(r.sc, "ch"),
                          .quit = UINT64_MAX};
        struct flow_opts o = {.visit = on_gated, .visit_ctx = &g};
        tf_rep(&r, 0, &o);
        print_message("rate %s: %zu departures (%zu step-downs, %zu queued, %zu gave up), %zu "
                      "gated in a closed hour; named internal %zu, discharge_hour %zu\n",
                      rates[i], g.n, g.steps, g.queued, g.gave_up, g.bad, g.internal, g.dhour);
        assert_true(g.n > 4000 && g.steps > 300 && g.queued > 50 && g.gave_up > 20);
        assert_int_equal(g.bad, 0);
        assert_true(g.dhour > 100 && (i == 1 || g.internal > 100)); /* 6/d: always a wait */
        assert_int_equal(g.unnamed, 0);
        tf_done(&r);
    }
}

/* The same patients with and without an internal delay (its own stream: stays and routing
 * unmoved): occupancy grows by exactly the internal delay's bed-days, and by lambda E[I] on
 * average; a fixed internal delay is exactly the time from the end of the stay to leaving. */
static void internal_delay_adds_exactly_its_days(void **s) {
    (void)s;
    const char *base = "[scenario]\nhorizon = 600d\nwarmup = 20d\n"
                       "[arrivals a]\nto = ward\nrate = 40/d\n"
                       "[unit ward]\nstay = exp(1d)\n";
    char with[1024];
    snprintf(with, sizeof with, "%sinternal_delay = lognormal(2d, 1d)\n", base);
    struct run a, b;
    load(&a, base);
    load(&b, with);
    enum { N = 6 };
    double d[N], mean = 0, var = 0;
    for (int k = 0; k < N; k++) {
        tf_rep(&a, k, NULL);
        tf_rep(&b, k, NULL);
        double grow = tf_get(&b, "ward", "occupancy") - tf_get(&a, "ward", "occupancy");
        d[k] = tf_get(&b, "ward", "delayed_days_internal");
        assert_close(grow, d[k], 1e-9 * tf_get(&b, "ward", "occupancy"));
        assert_close(tf_get(&b, "ward", "admissions"), tf_get(&a, "ward", "admissions"), 0);
        mean += d[k] / N;
    }
    for (int k = 0; k < N; k++) var += (d[k] - mean) * (d[k] - mean) / (N - 1);
    print_message("internal delay: %.4f bed-days a day (theory 80, se %.4f)\n", mean,
                  sqrt(var / N));
    assert_true(fabs(mean - 80) < 4.5 * sqrt(var / N));
    tf_done(&a);
    tf_done(&b);

    /* fixed(1d) for exit by destination: every departure exactly 1 day after its ready date */
    char fixed[1024];
    snprintf(fixed, sizeof fixed,
             "%sinternal_delay_to = exit fixed(1d)\ninternal_delay = fixed(5d)\n", base);
    load(&a, fixed);
    tf_rep(&a, 0, NULL);
    assert_close(tf_get(&a, "ward", "drd_to_discharge_mean"), 1, 1e-9);
    assert_close(tf_get(&a, "ward", "drd_to_discharge_mean_exit"), 1, 1e-9);
    assert_close(tf_get(&a, "ward", "internal_over_48h"), 0, 0);
    tf_done(&a);
    /* by pathway: each destination its own delay, the unit's the mean of them by patients */
    load(&a, "[scenario]\nhorizon = 300d\nwarmup = 20d\n"
             "[arrivals a]\nto = ward\nrate = 40/d\n"
             "[unit ward]\nstay = exp(1d)\nnext = exit 0.75, rehab 0.25\n"
             "internal_delay_to = rehab fixed(3d)\ninternal_delay = fixed(1d)\n"
             "[unit rehab]\nstay = exp(5d)\n");
    tf_rep(&a, 0, NULL);
    assert_close(tf_get(&a, "ward", "drd_to_discharge_mean_exit"), 1, 1e-9);
    assert_close(tf_get(&a, "ward", "drd_to_discharge_mean_rehab"), 3, 1e-9);
    assert_close(tf_get(&a, "ward", "drd_to_discharge_mean"), 1.5, 0.05);
    assert_close(tf_get(&a, "ward", "internal_over_48h"), 10, 0.6); /* a quarter of 40/d */
    tf_done(&a);
}

static double monday_to_friday_9am_or_3pm(int d, int h) {
    return d < 5 && (h == 9 || h == 15);
}

/* dtoc_per_100k counts what the DTOC return counted: the waits for a service downstream, not
 * the trust's own work nor the discharge hour (both in nctr and delayed_days). */
static void dtoc_leaves_out_the_trusts_own_delays(void **s) {
    (void)s;
    write_profile("nine.csv", monday_to_friday_9am_or_3pm);
    struct run r;
    load(&r, "[scenario]\nhorizon = 300d\nwarmup = 30d\npopulation = 50000\n"
             "[arrivals a]\nto = ward\nrate = 20/d\n"
             "[unit ward]\nkind = acute\nstay = exp(2d)\nnext = exit 0.8, rehab 0.2\n"
             "internal_delay = lognormal(1d, 1d)\ndischarge_hour_of_week = nine.csv\n"
             "[unit rehab]\ncapacity = 20\nstay = exp(6d)\n");
    tf_rep(&r, 0, NULL);
    double all = tf_get(&r, "ward", "delayed_days");
    double own = tf_get(&r, "ward", "delayed_days_internal") +
                 tf_get(&r, "ward", "delayed_days_discharge_hour");
    double waits = tf_get(&r, "ward", "delayed_days_awaiting_rehab");
    assert_true(own > 10 && waits > 0.5);
    assert_close(all, own + waits, 1e-9 * all);
    assert_close(tf_get(&r, "", "dtoc_per_100k"), waits / 50000 * 1e5, 1e-9 * all);
    tf_done(&r);
}

/* A window of one hour a weekday: every departure before noon, none at the weekend; a 22-day
 * internal delay: every one over 48 hours, and lambda x 1 day of patients past 21 days at
 * each snapshot. */
static double monday_to_friday_9am(int d, int h) {
    return d < 5 && h == 9;
}

static void measures_count_what_they_say(void **s) {
    (void)s;
    write_profile("nine.csv", monday_to_friday_9am);
    struct run r;
    load(&r, "[scenario]\nhorizon = 400d\nwarmup = 50d\n"
             "[arrivals a]\nto = ward\nrate = 20/d\n"
             "[unit ward]\nstay = exp(1d)\ninternal_delay = fixed(22d)\n"
             "discharge_hour_of_week = nine.csv\n");
    tf_rep(&r, 0, NULL);
    assert_close(tf_get(&r, "ward", "discharges_before_noon_pct"), 100, 0);
    assert_close(tf_get(&r, "ward", "weekend_discharge_ratio"), 0, 0);
    double lambda = tf_get(&r, "ward", "admissions");
    assert_close(tf_get(&r, "ward", "internal_over_48h"), lambda, 0.02 * lambda);
    double drd = tf_get(&r, "ward", "drd_to_discharge_mean");
    assert_true(drd > 22 && drd < 22 + 3.0); /* 22 days, then the next 09:00 on a weekday */
    tf_done(&r);
    /* Without the window: at each day's end, the patients between 21 and 22 days into their
     * 22-day delay, Poisson(20) (the snapshot of a window would catch the overnight queue) */
    load(&r, "[scenario]\nhorizon = 400d\nwarmup = 50d\n"
             "[arrivals a]\nto = ward\nrate = 20/d\n"
             "[unit ward]\nstay = exp(1d)\ninternal_delay = fixed(22d)\n");
    tf_rep(&r, 0, NULL);
    assert_close(tf_get(&r, "ward", "drd_over_21d"), 20, 1.0);
    assert_close(tf_get(&r, "ward", "drd_to_discharge_mean"), 22, 1e-9);
    tf_done(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(window_at_an_infinite_rate_adds_its_exact_wait),
        cmocka_unit_test(window_at_a_finite_rate_adds_its_exact_wait),
        cmocka_unit_test(admission_window_adds_its_exact_wait),
        cmocka_unit_test(a_share_leaves_at_any_hour),
        cmocka_unit_test(no_discharge_in_a_zero_weight_hour),
        cmocka_unit_test(gated_departures_only_in_open_hours_step_downs_included),
        cmocka_unit_test(internal_delay_adds_exactly_its_days),
        cmocka_unit_test(measures_count_what_they_say),
        cmocka_unit_test(dtoc_leaves_out_the_trusts_own_delays),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
