/* The rough-cut capacity check (models/load.h): offered loads on networks whose traffic
 * equations are solved by hand, exactly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/load.h"
#include "models/scenario.h"
#include "testutil.h"

static const char *dir;
static char err[2048];

static struct scenario *load(const char *name, const char *text) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_write(path, text);
    struct scenario *sc = scenario_load(path, NULL, 0, err, sizeof err);
    if (!sc) fail_msg("%s", err);
    return sc;
}

static void put(const char *name, const char *text) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_write(path, text);
}

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_load");
    return 0;
}

/* Two units in tandem: 10 a day, 60% on to the second. lambda = (10, 6). */
static void a_tandem_passes_on_its_share(void **s) {
    (void)s;
    struct scenario *sc = load("tandem.ini", "[scenario]\nhorizon = 100d\n"
                                             "[arrivals a]\nto = u1\nrate = 10/d\n"
                                             "[unit u1]\nstay = exp(2d)\nnext = u2 0.6, exit 0.4\n"
                                             "[unit u2]\ncapacity = 20\nstay = fixed(5d)\n");
    struct load_unit lu[2];
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].arrivals, 10, 1e-12);
    assert_close(lu[0].stay, 2, 1e-12);
    assert_close(lu[0].load, 20, 1e-12);
    assert_true(isinf(lu[0].capacity));
    assert_close(lu[1].arrivals, 6, 1e-12);
    assert_close(lu[1].load, 30, 1e-12);
    assert_close(lu[1].capacity, 20, 0);
    scenario_free(sc);
}

/* An ambulance handover holds the cubicle before the A&E stay: 40 a day, a quarter by
 * ambulance (the other stream none), 30 minutes each: 40 x 3h + 10 x 0.5h of cubicle time. */
static void an_ambulance_handover_holds_the_cubicle(void **s) {
    (void)s;
    struct scenario *sc = load("handover.ini", "[scenario]\nhorizon = 100d\n"
                                               "[arrivals blue]\nto = ae\nrate = 20/d\n"
                                               "ambulance = 0.5\n"
                                               "[arrivals walk]\nto = ae\nrate = 20/d\n"
                                               "[unit ae]\nkind = ae\ncapacity = 12\n"
                                               "stay = fixed(3h)\nhandover_time = fixed(30m)\n");
    struct load_unit lu[1];
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].arrivals, 40, 1e-12);
    assert_close(lu[0].load, (40 * 3 + 10 * 0.5) / 24.0, 1e-12);
    scenario_free(sc);
}

/* A stream of one group (group = NAME) brings only that group's patients, whatever the
 * shares: 10 a day drawn (all "short", 2-day stays) and 3 a day "long" (10-day stays). */
static void a_streams_group_takes_all_its_patients(void **s) {
    (void)s;
    struct scenario *sc =
        load("sgroup.ini", "[scenario]\nhorizon = 100d\n"
                           "[group short]\nshare = 1\n[group long]\nshare = 0\n"
                           "[arrivals a]\nto = w\nrate = 10/d\n"
                           "[arrivals b]\nto = w\nrate = 3/d\ngroup = long\n"
                           "[unit w]\nstay = fixed(2d)\nstay.long = fixed(10d)\n");
    struct load_unit lu[1];
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].arrivals, 13, 1e-12);
    assert_close(lu[0].load, 10 * 2 + 3 * 10, 1e-12);
    scenario_free(sc);
}

/* Outbreaks close lambda E[K] E[D] places on average: 12 a year of 6 places for 4 days. */
static void outbreaks_take_their_mean_closures_off(void **s) {
    (void)s;
    struct scenario *sc = load("ob.ini", "[scenario]\nhorizon = 100d\n"
                                         "[arrivals a]\nto = w\nrate = 10/d\n"
                                         "[unit w]\ncapacity = 50\nstay = fixed(2d)\n"
                                         "outbreak_rate = 12/y\noutbreak_beds = fixed(6)\n"
                                         "outbreak_duration = fixed(4d)\n");
    struct load_unit lu[1];
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].capacity, 50 - 12 / 365.25 * 6 * 4, 1e-9);
    assert_close(lu[0].load, 20, 1e-12);
    scenario_free(sc);
}

/* A feedback network with a transfer and readmissions. A: half go home (a fifth of them come
 * back to A), half are referred to B, assessed in A's bed for a day; B accepts 80%, the rest go
 * home (a fifth back). B: a quarter back to A, the rest to C. So
 *   lambda_A = 10 + (0.5 x 0.2 + 0.5 x 0.2 x 0.2) lambda_A + 0.25 lambda_B = 10 + 0.12 lambda_A
 *              + 0.25 lambda_B,  lambda_B = 0.4 lambda_A,  lambda_C = 0.75 lambda_B,
 * lambda_A = 10 / 0.78; A holds a place for 2 days + half a day of assessment. */
static void a_feedback_network_solves_its_traffic_equations(void **s) {
    (void)s;
    struct scenario *sc =
        load("feedback.ini", "[scenario]\nhorizon = 100d\n"
                             "[arrivals a]\nto = A\nrate = 10/d\n"
                             "[unit A]\ncapacity = 40\nstay = exp(2d)\nnext = B 0.5, exit 0.5\n"
                             "readmit = 0.2\nreadmit_after = exp(30d)\n"
                             "[unit B]\ncapacity = 25\nstay = exp(5d)\nnext = A 0.25, C 0.75\n"
                             "[unit C]\ncapacity = 10\nstay = fixed(3d)\n"
                             "[transfer A -> B]\nassessment = fixed(1d)\naccept = 0.8\n");
    struct load_unit lu[3];
    assert_int_equal(load_offered(sc, lu), 0);
    double la = 10 / 0.78, lb = 0.4 * la, lc = 0.75 * lb;
    assert_close(lu[0].arrivals, la, 1e-9);
    assert_close(lu[0].load, la * 2.5, 1e-9);
    assert_close(lu[0].stay, 2.5, 1e-9);
    assert_close(lu[1].arrivals, lb, 1e-9);
    assert_close(lu[1].load, lb * 5, 1e-9);
    assert_close(lu[2].arrivals, lc, 1e-9);
    assert_close(lu[2].load, lc * 3, 1e-9);
    scenario_free(sc);
}

/* Re-offers and choice time ([transfer] reoffer_after, max_offers, choice_time): A's patients
 * all go to B, accepted with p = 0.5 at each of at most 3 offers, 4 days between offers, 2 days
 * to choose. B gets 1 - 0.5^3 = 7/8 of them, the rest go home; A holds 2 days of stay, 1 of
 * assessment, 4 x (0.5 + 0.25) of re-offers and 2 x 7/8 of choice. Unlimited offers: all reach
 * B, after 4 x (1 - p) / p days of re-offers. */
static void reoffers_and_choice_hold_the_bed(void **s) {
    (void)s;
    const char *text = "[scenario]\nhorizon = 100d\n"
                       "[arrivals a]\nto = A\nrate = 10/d\n"
                       "[unit A]\nstay = exp(2d)\nnext = B 1\n"
                       "[unit B]\nstay = exp(5d)\n"
                       "[transfer A -> B]\nassessment = fixed(1d)\naccept = 0.5\n"
                       "reoffer_after = exp(4d)\nchoice_time = fixed(2d)\n";
    char text3[1024];
    snprintf(text3, sizeof text3, "%smax_offers = 3\n", text);
    struct scenario *sc = load("offers3.ini", text3);
    struct load_unit lu[2];
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].stay, 2 + 1 + 4 * 0.75 + 2 * 0.875, 1e-12);
    assert_close(lu[1].arrivals, 10 * 0.875, 1e-12);
    scenario_free(sc);
    sc = load("offers_inf.ini", text);
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].stay, 2 + 1 + 4 + 2, 1e-12);
    assert_close(lu[1].arrivals, 10, 1e-12);
    scenario_free(sc);
}

/* Half of A's patients step down to V after 40% of a 10-day stay, and leave from there: A holds
 * 10 x (1 - 0.5 x 0.6) = 7 days a patient, V 6 days for each one stepped down. Groups with
 * their own stays add up by their shares; a by-date surge and a capacity schedule count by the
 * time they are in force in the report period (days 20 to 100). */
static void step_downs_groups_and_schedules_count_as_they_apply(void **s) {
    (void)s;
    struct scenario *sc =
        load("stepdown.ini", "[scenario]\nhorizon = 100d\n"
                             "[arrivals a]\nto = A\nrate = 2/d\n"
                             "[unit A]\nstay = fixed(10d)\nstep_down = V 0.5 at 0.4\n"
                             "[unit V]\nstay = exp(1d)\n");
    struct load_unit lu[2];
    assert_int_equal(load_offered(sc, lu), 0);
    assert_close(lu[0].arrivals, 2, 1e-12);
    assert_close(lu[0].load, 14, 1e-12);
    assert_close(lu[1].arrivals, 1, 1e-12);
    assert_close(lu[1].load, 6, 1e-12);
    scenario_free(sc);

    put("surge.csv", "date,multiplier\n2025-03-07,2\n");              /* day 60 */
    put("beds.csv", "date,capacity\n2025-01-06,10\n2025-02-15,30\n"); /* day 40 */
    sc = load("groups.ini", "[scenario]\nhorizon = 100d\nwarmup = 20d\n"
                            "[group frail]\nshare = 0.25\n[group other]\nshare = 0.75\n"
                            "[arrivals a]\nto = W\nrate = 10/d\nby_date = surge.csv\n"
                            "[unit W]\ncapacity_schedule = beds.csv\nstay = exp(2d)\n"
                            "stay.frail = exp(8d)\n");
    assert_int_equal(load_offered(sc, lu), 0);
    double rate = 10 * (40 * 1 + 40 * 2) / 80.0; /* 15 a day over days 20 to 100 */
    assert_close(lu[0].arrivals, rate, 1e-12);
    assert_close(lu[0].load, rate * (0.25 * 8 + 0.75 * 2), 1e-12);
    assert_close(lu[0].capacity, (20 * 10 + 60 * 30) / 80.0, 1e-12);
    scenario_free(sc);
}

/* Routing that never lets patients leave has no finite traffic: refused before any load. */
static void a_closed_loop_is_unbounded(void **s) {
    (void)s;
    /* Patients who reach A never leave: refused at load since issue 14 (kind 6), so its load,
     * which load_offered reports as infinite, is never offered to validate. */
    char path[4096], msg[2048];
    snprintf(path, sizeof path, "%s/closed.ini", dir);
    tu_write(path, "[scenario]\nhorizon = 100d\n"
                   "[arrivals a]\nto = A\nrate = 1/d\n"
                   "[unit A]\nstay = exp(1d)\nnext = B 1\n"
                   "[unit B]\nstay = exp(1d)\nnext = A 1\n"
                   "[unit C]\nstay = exp(1d)\n");
    assert_null(scenario_load(path, NULL, 0, msg, sizeof msg));
    assert_non_null(strstr(msg, "patients who reach A, B never leave"));
}

/* validate prints the check: a unit offered three times its capacity is flagged, not "ok"
 * alone; a warning about a slip goes to stderr; --quiet prints neither. */
static void validate_prints_each_units_load_against_its_capacity(void **s) {
    (void)s;
    char path[4096], cmd[8300];
    snprintf(path, sizeof path, "%s/busy.ini", dir);
    tu_write(path, "[scenario]\nhorizon = 100d\n[arrivals a]\nto = ward\nrate = 30/d\n"
                   "[unit ward]\ncapacity = 10\nstay = fixed(1)\nnext = home 0.5, exit 0.5\n"
                   "[unit home]\ncapacity = 20\nstay = exp(36d)\n");
    snprintf(cmd, sizeof cmd, "validate '%s'", path);
    char *out = NULL, *err2 = NULL;
    assert_int_equal(tu_run(cmd, &out, &err2), 0);
    assert_non_null(strstr(out, "unit  arrivals/day  mean stay (days)  offered load (places)  "
                                "capacity  load %\n"));
    assert_non_null(strstr(out, "ward            30                 1                     30  "
                                "      10    300%  over capacity\n"));
    assert_non_null(strstr(out, "home            15                36                    540  "
                                "      20   2700%  over capacity\n"));
    assert_non_null(strstr(out, "2 units are offered more than their capacity"));
    assert_non_null(strstr(err2, "busy.ini:8: stay: a number without a unit is days: 1 here"));
    free(out), free(err2);
    snprintf(cmd, sizeof cmd, "validate '%s' --quiet", path);
    assert_int_equal(tu_run(cmd, &out, &err2), 0);
    assert_string_equal(out ? out : "", "");
    assert_string_equal(err2 ? err2 : "", "");
    free(out), free(err2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_tandem_passes_on_its_share),
        cmocka_unit_test(a_feedback_network_solves_its_traffic_equations),
        cmocka_unit_test(reoffers_and_choice_hold_the_bed),
        cmocka_unit_test(an_ambulance_handover_holds_the_cubicle),
        cmocka_unit_test(a_streams_group_takes_all_its_patients),
        cmocka_unit_test(outbreaks_take_their_mean_closures_off),
        cmocka_unit_test(step_downs_groups_and_schedules_count_as_they_apply),
        cmocka_unit_test(a_closed_loop_is_unbounded),
        cmocka_unit_test(validate_prints_each_units_load_against_its_capacity),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
