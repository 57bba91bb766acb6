/* Visit-based units (visit_slots, visit_slots_schedule, visits_initial, visits_final,
 * visit_length, double_handed): IPACS's visit model of pathway 1 worked by hand (the taper,
 * its rounding half to even, the days each patient starts, the hours delivered); with constant
 * visits and stays of whole days it is a discrete-time loss system whose Markov chain gives
 * the loss, the visits and the slots used exactly; patients delayed after their episode keep
 * their visits, so a long-term domiciliary-care unit short of slots blocks reablement and,
 * through it, the acute ward; more slots shorten the waits; and the visits' draws move no
 * other draw. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/load.h"
#include "models/table.h"
#include "testflow.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_visits");
    return 0;
}

/* Three patients waiting at time 0 for a service of 6 slots a day, each for a fixed 4 days
 * tapering 4, 3, 2, 1 visits (IPACS's round(seq(4, 1, length.out = 4))). The first starts at
 * once (books 4, 3, 2, 1 on days 0-3); the second fits from day 2 (day 0: 4 + 4 > 6, day 1:
 * 3 + 4 > 6; day 2: 2 + 4, 1 + 3, 0 + 2, 0 + 1), the third from day 4 (day 2: 6 + 4, day 3:
 * 4 + 4 > 6; day 4: 2 + 4, 1 + 3, 2, 1): waits 0, 2 and 4, mean 2. 30 visits over 20 days:
 * 1.5 a day, 25% of the 120 slots, 1.5 x 45 minutes = 1.125 carer hours a day. Double-handed,
 * on 12 slots: the same days, twice the slots and hours, the same visits. */
#define HAND(extra)                                                                                \
    "[scenario]\nhorizon = 20d\nreplications = 1\n"                                                \
    "[arrivals a]\nto = hc\nrate = 1e-9/d\n"                                                       \
    "[unit hc]\nkind = home_care\nstay = fixed(4d)\ninitial_queue = 3\nvisits_initial = 4\n"       \
    "visits_final = 1\nvisit_length = 45m\n" extra

static void the_ipacs_example_worked_by_hand(void **s) {
    (void)s;
    struct {
        const char *extra;
        double hours, slots_pct;
    } cases[] = {{"visit_slots = 6\n", 1.125, 25},
                 {"visit_slots = 12\ndouble_handed = 1\n", 2.25, 25}};
    for (size_t i = 0; i < 2; i++) {
        char text[1024];
        snprintf(text, sizeof text, HAND("%s"), cases[i].extra);
        struct run r;
        tf_load(&r, dir, text, 0);
        tf_rep(&r, 0, NULL);
        assert_close(tf_get(&r, "hc", "wait_mean"), 2, 1e-12);
        assert_close(tf_get(&r, "hc", "admissions"), 3.0 / 20, 1e-12);
        assert_close(tf_get(&r, "hc", "visits"), 1.5, 1e-12);
        assert_close(tf_get(&r, "hc", "visit_slots_used_pct"), cases[i].slots_pct, 1e-12);
        assert_close(tf_get(&r, "hc", "visit_hours"), cases[i].hours, 1e-12);
        /* the third started on day 4: nobody in the queue from then */
        assert_close(tf_get(&r, "hc", "queue"), (2 * 2 + 1 * 2) / 20.0, 1e-12);
        tf_done(&r);
    }
}

/* A 5-day episode tapering 4 to 1: seq(4, 1, length.out = 5) is 4, 3.25, 2.5, 1.75, 1, which
 * R's round (half to even) makes 4, 3, 2, 2, 1: 12 visits (rounding 2.5 up would make 13). A
 * stay of 4.5 days from midnight touches 5 days too; one of 0 days still has its first. */
static void the_taper_rounds_half_to_even_over_the_days_touched(void **s) {
    (void)s;
    struct {
        const char *stay;
        double visits;
    } cases[] = {{"fixed(5d)", 12}, {"fixed(4.5d)", 12}, {"fixed(1m)", 4}, {"fixed(2d)", 5}};
    for (size_t i = 0; i < 4; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[scenario]\nhorizon = 10d\nreplications = 1\n"
                 "[arrivals a]\nto = hc\nrate = 1e-9/d\n"
                 "[unit hc]\nkind = home_care\nstay = %s\ninitial_queue = 1\nvisit_slots = 4\n"
                 "visits_initial = 4\nvisits_final = 1\n",
                 cases[i].stay);
        struct run r;
        tf_load(&r, dir, text, 0);
        tf_rep(&r, 0, NULL);
        print_message("stay %s: %.1f visits\n", cases[i].stay, 10 * tf_get(&r, "hc", "visits"));
        assert_close(10 * tf_get(&r, "hc", "visits"), cases[i].visits, 1e-9);
        tf_done(&r);
    }
}

/* Constant visits k, C slots a day (c = floor(C / k) patients a day), Poisson arrivals at
 * rate lambda, stays of exactly m - 1 days (so m calendar days each, almost surely), lost when
 * they do not fit: a patient arriving on day d fits iff fewer than c patients are booked on
 * day d (later days of its episode hold only patients already booked on d), so the patients
 * starting on day d are A_d = min(N_d, c - A_{d-1} - ... - A_{d-m+1}), N_d Poisson(lambda):
 * a Markov chain on the last m - 1 days' starts. Its stationary E[A] gives the loss fraction
 * 1 - E[A] / lambda, the visits k m E[A] a day and the slots used 100 k m E[A] / C. (In
 * continuous time it would be Erlang's loss system with c servers; the day grid makes it
 * this chain: docs/model.md.) */
static double chain_mean_starts(double lambda, int c, int m) {
    /* states: (a_1, a_2) for m = 3, a_1 + a_2 <= c; index a_1 * (c + 1) + a_2 */
    enum { MAXC = 8 };
    double pi[(MAXC + 1) * (MAXC + 1)] = {0}, nx[(MAXC + 1) * (MAXC + 1)];
    double pn[64];
    assert_true(m == 3 && c <= MAXC);
    pn[0] = exp(-lambda);
    for (int j = 1; j < 64; j++) pn[j] = pn[j - 1] * lambda / j;
    pi[0] = 1;
    double ea = 0;
    for (int it = 0; it < 2000; it++) {
        memset(nx, 0, sizeof nx);
        ea = 0;
        for (int a1 = 0; a1 <= c; a1++)
            for (int a2 = 0; a1 + a2 <= c; a2++) {
                double p = pi[a1 * (c + 1) + a2];
                if (p == 0) continue;
                int free = c - a1 - a2;
                double tail = 1;
                for (int a = 0; a <= free; a++) {
                    double q = a < free ? pn[a] : tail; /* P(N = a), or P(N >= free) */
                    tail -= pn[a];
                    nx[a * (c + 1) + a1] += p * q;
                    ea += p * q * a;
                }
            }
        memcpy(pi, nx, sizeof pi);
    }
    return ea;
}

static void constant_visits_match_the_day_chain_exactly(void **s) {
    (void)s;
    const double lambda = 1.5;
    const int k = 2, c = 4, m = 3;
    const double slots = 9; /* floor(9 / 2) = 4 patients a day: the odd slot is never used */
    double ea = chain_mean_starts(lambda, c, m);
    const char *text = "[scenario]\nhorizon = 3000d\nwarmup = 10d\n"
                       "[arrivals a]\nto = hc\nrate = 1.5/d\n"
                       "[unit hc]\nkind = home_care\nstay = fixed(2d)\nwhen_full = lose\n"
                       "visit_slots = 9\nvisits_initial = 2\nvisit_length = 30m\n";
    struct {
        const char *metric;
        double want;
    } cases[] = {
        {"lost_fraction", 1 - ea / lambda},
        {"visits", k * m * ea},
        {"visit_slots_used_pct", 100 * k * m * ea / slots},
        {"visit_hours", k * m * ea * 0.5},
    };
    for (size_t i = 0; i < 4; i++) {
        double mean, half;
        tf_mean_over_reps(dir, text, 0, 8, "hc", cases[i].metric, &mean, &half);
        print_message("%s %.5f +- %.5f (99.9%%), chain %.5f\n", cases[i].metric, mean, half,
                      cases[i].want);
        assert_close(mean, cases[i].want, half);
    }
}

/* First come first served: stays of every length, so a newcomer's episode often fits where the
 * head's does not (a double-handed head needs twice the slots); yet nobody starts before a patient
 * who arrived earlier (IPACS would let it: docs/model.md). Read from the patient log of a run of
 * the program. */
static int by_arrival(const void *a, const void *b) {
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void nobody_starts_before_an_earlier_arrival(void **s) {
    (void)s;
    char ini[4300], out[4300], args[9000], path[4400], err[512];
    snprintf(ini, sizeof ini, "%s/fcfs.ini", dir);
    snprintf(out, sizeof out, "%s/fcfs", dir);
    tu_write(ini, "[scenario]\nhorizon = 300d\nreplications = 1\n"
                  "[arrivals a]\nto = hc\nrate = 3/d\n"
                  "[unit hc]\nkind = home_care\nstay = lognormal(10d, 10d)\nvisit_slots = 80\n"
                  "visits_initial = 4\nvisits_final = 1\ndouble_handed = 0.3\n");
    snprintf(args, sizeof args, "run '%s' -o '%s' --patient-log --quiet", ini, out);
    char *o, *e;
    assert_int_equal(tu_run(args, &o, &e), 0);
    free(o);
    free(e);
    snprintf(path, sizeof path, "%s/patients.csv", out);
    struct table t;
    if (table_read(path, &t, err, sizeof err)) fail_msg("%s", err);
    int c_arr = table_column(&t.row[0], "arrive"), c_start = table_column(&t.row[0], "start");
    double(*v)[2] = calloc(t.n, sizeof *v);
    size_t n = 0, waited = 0;
    for (size_t i = 1; i < t.n; i++) {
        const char *st = table_field(&t.row[i], c_start);
        v[n][0] = strtod(table_field(&t.row[i], c_arr), NULL);
        v[n][1] = st[0] ? strtod(st, NULL) : INFINITY; /* still waiting at the horizon */
        waited += v[n][1] > v[n][0];
        n++;
    }
    qsort(v, n, sizeof *v, by_arrival);
    for (size_t i = 1; i < n; i++)
        if (v[i][1] < v[i - 1][1])
            fail_msg("arrived at %.4f, started at %.4f: before the patient who arrived at %.4f "
                     "(started %.4f)",
                     v[i][0], v[i][1], v[i - 1][0], v[i - 1][1]);
    print_message("%zu patients, %zu waited\n", n, waited);
    assert_true(waited > n / 4);
    free(v);
    table_fini(&t);
}

/* acute -> reablement (visits 4 to 1) -> domcare (2 a day for months) or home. */
#define PATHWAY(reab_slots, dom_slots)                                                             \
    "[scenario]\nhorizon = 400d\nwarmup = 100d\n"                                                  \
    "[arrivals a]\nto = acute\nrate = 10/d\n"                                                      \
    "[unit acute]\nkind = acute\ncapacity = 120\nstay = exp(5d)\n"                                 \
    "next = reablement 0.4, exit 0.6\n"                                                            \
    "[unit reablement]\nkind = home_care\nvisit_slots = " reab_slots "\nvisits_initial = 4\n"      \
    "visits_final = 1\ndouble_handed = 0.2\nstay = lognormal(14d, 7d)\n"                           \
    "next = domcare 0.3, exit 0.7\n"                                                               \
    "[unit domcare]\nkind = home_care\nvisit_slots = " dom_slots "\nvisits_initial = 2\n"          \
    "stay = lognormal(60d, 30d)\n"

/* Each (unit, metric) over 12 replications in two scenarios: want the first below the second
 * by more than both intervals' half-widths (99.9%). */
static void assert_below(const char *lo_text, const char *hi_text, const char *unit,
                         const char *metric) {
    double m1, h1, m2, h2;
    tf_mean_over_reps(dir, lo_text, 0, 12, unit, metric, &m1, &h1);
    tf_mean_over_reps(dir, hi_text, 0, 12, unit, metric, &m2, &h2);
    print_message("%s %s: %.4f +- %.4f below %.4f +- %.4f\n", unit, metric, m1, h1, m2, h2);
    assert_true(m1 + h1 < m2 - h2);
}

/* Fewer domiciliary-care slots: reablement's patients wait in their reablement place (and keep
 * their visits, at their final rate), so reablement fills, starts fewer and the acute ward's
 * patients wait for it. 1.2 a day stay some 60 days at 2 visits: some 146 slots a day needed,
 * and 100 are too few. */
static void fewer_domcare_slots_block_reablement_and_acute(void **s) {
    (void)s;
    const char *plenty = PATHWAY("300", "200"), *short_ = PATHWAY("300", "100");
    assert_below(plenty, short_, "reablement", "delayed_days");
    assert_below(plenty, short_, "acute", "delayed_days");
    assert_below(plenty, short_, "domcare", "wait_mean");
}

/* More reablement slots: shorter waits to start reablement and fewer acute delays. */
static void more_slots_shorten_waits_and_acute_delays(void **s) {
    (void)s;
    const char *more = PATHWAY("300", "250"), *fewer = PATHWAY("190", "250");
    assert_below(more, fewer, "reablement", "wait_mean");
    assert_below(more, fewer, "acute", "delayed_days");
    assert_below(more, fewer, "reablement", "visit_slots_used_pct");
}

/* A visit-based unit with slots to spare is an unlimited unit whose patients are the same:
 * its stay is the same draw of the patient's stream (drawn to book the visits), and
 * double-handedness comes from its own stream, so the stays, the admissions and everything
 * downstream are the same to the last bit. */
static void visits_move_no_other_draw(void **s) {
    (void)s;
    const char *base =
        "[scenario]\nhorizon = 200d\nwarmup = 20d\n"
        "[arrivals a]\nto = acute\nrate = 10/d\n"
        "[unit acute]\nkind = acute\ncapacity = 80\nstay = exp(5d)\n"
        "next = hc 0.5, exit 0.5\n"
        "[unit hc]\nkind = home_care\nstay = lognormal(14d, 7d)\nnext = ch 0.2, exit 0.8\n"
        "[unit ch]\nkind = care_home\ncapacity = 40\nstay = exp(30d)\n";
    char with[2048];
    snprintf(with, sizeof with, "%s", base);
    char *at = strstr(with, "[unit ch]");
    snprintf(at, sizeof with - (size_t)(at - with),
             "visit_slots = 1000000\nvisits_initial = 3\ndouble_handed = 0.5\n"
             "[unit ch]\nkind = care_home\ncapacity = 40\nstay = exp(30d)\n");
    struct run a, b;
    tf_load(&a, dir, base, 0);
    tf_load(&b, dir, with, 0);
    for (int rep = 0; rep < 2; rep++) {
        tf_rep(&a, rep, NULL);
        tf_rep(&b, rep, NULL);
        const char *m[][2] = {{"hc", "los_mean"},
                              {"hc", "admissions"},
                              {"ch", "wait_mean"},
                              {"acute", "delayed_days"}};
        for (size_t i = 0; i < 4; i++)
            assert_close(tf_get(&b, m[i][0], m[i][1]), tf_get(&a, m[i][0], m[i][1]), 0);
        assert_true(tf_get(&b, "hc", "visits") > 0);
    }
    assert_int_equal(tf_slot(&a, "hc", "visits"), -1); /* not visit-based: no metric */
    tf_done(&a);
    tf_done(&b);
}

/* visit_slots_schedule: a service closed for its first 10 days (0 slots) then open with 6:
 * the three patients of the hand example start on days 10, 12 and 14. */
static void a_schedule_sets_each_days_slots(void **s) {
    (void)s;
    tf_put(dir, "slots.csv", "date,slots\n2025-01-06,0\n2025-01-16,6\n");
    struct run r;
    tf_load(&r, dir,
            "[scenario]\nstart = 2025-01-06\nhorizon = 30d\nreplications = 1\n"
            "[arrivals a]\nto = hc\nrate = 1e-9/d\n"
            "[unit hc]\nkind = home_care\nstay = fixed(4d)\ninitial_queue = 3\n"
            "visits_initial = 4\nvisits_final = 1\nvisit_slots_schedule = slots.csv\n",
            0);
    tf_rep(&r, 0, NULL);
    assert_close(tf_get(&r, "hc", "wait_mean"), 12, 1e-12);
    assert_close(tf_get(&r, "hc", "visit_slots_used_pct"), 100.0 * 30 / (20 * 6), 1e-12);
    tf_done(&r);
}

/* flowsim validate's rough cut: a visit-based unit carries its slots a day over a patient's mean
 * visits a day, (4 + 1) / 2 = 2.5, x 1.2 for a fifth double-handed: 300 slots, 100 patients;
 * 4 a day for a mean 14 days offer 56. A schedule is averaged over the report period's days. */
static void validate_counts_a_visit_unit_in_patients_its_slots_carry(void **s) {
    (void)s;
    char err[512], path[4300];
    snprintf(path, sizeof path, "%s/load.ini", dir);
    tu_write(path, "[scenario]\nhorizon = 100d\n[arrivals a]\nto = hc\nrate = 4/d\n"
                   "[unit hc]\nkind = home_care\nstay = exp(14d)\nvisit_slots = 300\n"
                   "visits_initial = 4\nvisits_final = 1\ndouble_handed = 0.2\n");
    struct scenario *sc = scenario_load(path, NULL, 0, err, sizeof err);
    if (!sc) fail_msg("%s", err);
    struct load_unit lu[1];
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].capacity, 100, 1e-9);
    assert_close(lu[0].load, 56, 1e-9);
    scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_ipacs_example_worked_by_hand),
        cmocka_unit_test(the_taper_rounds_half_to_even_over_the_days_touched),
        cmocka_unit_test(constant_visits_match_the_day_chain_exactly),
        cmocka_unit_test(nobody_starts_before_an_earlier_arrival),
        cmocka_unit_test(fewer_domcare_slots_block_reablement_and_acute),
        cmocka_unit_test(more_slots_shorten_waits_and_acute_delays),
        cmocka_unit_test(visits_move_no_other_draw),
        cmocka_unit_test(a_schedule_sets_each_days_slots),
        cmocka_unit_test(validate_counts_a_visit_unit_in_patients_its_slots_carry),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
