/* Case-mix groups in the loader: a group without its own KEY.GROUP value uses the unit's, for
 * every per-group key (stay, next, readmit, readmit_after, readmit_to), also where the unit's
 * own readmit is 0 and only the group is readmitted; and today's patients (patients =
 * FILE.csv) already past any stay of theirs load with a warning, judged by their group. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"
#include "sim/dist.h"
#include "testutil.h"

static const char *dir;
static char path[4096], err[4096];

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_groups");
    return 0;
}

static const char *put(const char *name, const char *text) {
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_write(path, text);
    return path;
}

static struct scenario *load(const char *name, const char *text) {
    struct scenario *sc = scenario_load(put(name, text), NULL, 0, err, sizeof err);
    if (!sc) fail_msg("%s: %s", name, err);
    return sc;
}

/* Two groups; ae (index 0) sends everyone to ward (index 1). WARD is the rest of [unit ward]. */
#define GROUPS(WARD)                                                                               \
    "[scenario]\nhorizon = 30d\n\n[group frail]\nshare = 0.5\n\n[group other]\nshare = 0.5\n\n"    \
    "[arrivals a]\nto = ae\nrate = 10/d\n\n"                                                       \
    "[unit ae]\nkind = ae\ncapacity = inf\nstay = exp(2h)\nnext = ward 1\n\n"                      \
    "[unit ward]\ncapacity = inf\nstay = exp(2d)\n" WARD

enum { AE, WARD };
enum { FRAIL, OTHER };

/* readmit.frail = 0.9 on a unit that does not readmit: the group takes the unit's readmit_after
 * and readmit_to (readmit_after.frail was required, and the group went to the first stream's
 * unit, ae, instead of the unit's readmit_to). */
static void a_readmitted_group_takes_the_units_after_and_to(void **s) {
    (void)s;
    struct scenario *sc = load("inherit.ini", GROUPS("readmit_after = exp(10d)\n"
                                                     "readmit_to = ward\nreadmit.frail = 0.9\n"));
    const struct sc_unit *u = &sc->unit[WARD];
    assert_close(u->readmit, 0, 0);
    assert_close(u->g[FRAIL].readmit, 0.9, 0);
    assert_int_equal(u->g[FRAIL].readmit_to, WARD);
    assert_int_equal(u->g[FRAIL].readmit_after.kind, DIST_EXP);
    assert_close(dist_mean(&u->g[FRAIL].readmit_after), 10, 1e-12);
    assert_close(u->g[OTHER].readmit, 0, 0);
    assert_close(u->readmit_any, 0.9, 0);
    assert_true(sc->readmissions);
    size_t nw;
    scenario_warnings(sc, &nw);
    assert_int_equal(nw, 0); /* readmit_after and readmit_to have an effect: no warning */
    scenario_free(sc);
}

/* Its own readmit_after, the unit's readmit_to. */
static void a_group_with_its_own_after_takes_the_units_to(void **s) {
    (void)s;
    struct scenario *sc = load("own-after.ini", GROUPS("readmit_to = ward\nreadmit.frail = 0.5\n"
                                                       "readmit_after.frail = exp(5d)\n"));
    const struct unit_group *G = &sc->unit[WARD].g[FRAIL];
    assert_int_equal(G->readmit_to, WARD);
    assert_close(dist_mean(&G->readmit_after), 5, 1e-12);
    scenario_free(sc);
}

/* Without readmit_to anywhere, where the first arrival stream enters (the reference's
 * default), for the unit and the group alike. */
static void without_readmit_to_the_first_streams_unit(void **s) {
    (void)s;
    struct scenario *sc =
        load("no-to.ini", GROUPS("readmit_after = exp(10d)\nreadmit.frail = 0.9\n"));
    assert_int_equal(sc->unit[WARD].g[FRAIL].readmit_to, AE);
    scenario_free(sc);
}

/* The group's own values win over the unit's. */
static void a_groups_own_values_win(void **s) {
    (void)s;
    struct scenario *sc = load("own.ini", GROUPS("readmit = 0.2\nreadmit_after = exp(10d)\n"
                                                 "readmit_to = ward\nreadmit.frail = 0.6\n"
                                                 "readmit_after.frail = exp(3d)\n"
                                                 "readmit_to.frail = ae\nreadmit.other = 0\n"));
    const struct sc_unit *u = &sc->unit[WARD];
    assert_close(u->g[FRAIL].readmit, 0.6, 0);
    assert_close(dist_mean(&u->g[FRAIL].readmit_after), 3, 1e-12);
    assert_int_equal(u->g[FRAIL].readmit_to, AE);
    assert_close(u->g[OTHER].readmit, 0, 0);
    assert_close(dist_mean(&u->g[OTHER].readmit_after), 10, 1e-12);
    assert_int_equal(u->g[OTHER].readmit_to, WARD);
    scenario_free(sc);
}

/* stay and next: a group that gives one takes the other from the unit. */
static void stay_and_next_are_inherited_one_by_one(void **s) {
    (void)s;
    struct scenario *sc =
        load("stay-next.ini", GROUPS("next = ae 0.25, exit 0.75\nstay.frail = exp(6d)\n"
                                     "next.other = exit 1\n"));
    const struct sc_unit *u = &sc->unit[WARD];
    assert_close(dist_mean(&u->g[FRAIL].stay), 6, 1e-12);
    assert_int_equal(u->g[FRAIL].next.n, 2);
    assert_int_equal(u->g[FRAIL].next.dest[0], AE);
    assert_close(u->g[FRAIL].next.cum[0], 0.25, 1e-12);
    assert_close(dist_mean(&u->g[OTHER].stay), 2, 1e-12);
    assert_int_equal(u->g[OTHER].next.n, 1);
    assert_int_equal(u->g[OTHER].next.dest[0], ROUTE_EXIT);
    scenario_free(sc);
}

/* Neither the group nor the unit says when patients come back: the message names both. */
static void a_readmitted_group_without_any_after_is_refused(void **s) {
    (void)s;
    const char *ini = put("no-after.ini", GROUPS("readmit.frail = 1\n"));
    assert_null(scenario_load(ini, NULL, 0, err, sizeof err));
    char want[4096];
    snprintf(want, sizeof want,
             "%s:20: [unit ward]: readmit_after.frail: required key missing (expected a "
             "distribution like exp(12d))",
             ini);
    assert_string_equal(err, want);
}

/* A bad readmit_after is refused even on a unit whose own readmit is 0 (it was never read,
 * and a group readmitted through it would have taken nothing). */
static void a_bad_readmit_after_is_refused_whatever_readmit(void **s) {
    (void)s;
    const char *ini = put("bad-after.ini", GROUPS("readmit_after = exp(-1d)\n"));
    assert_null(scenario_load(ini, NULL, 0, err, sizeof err));
    char want[64];
    snprintf(want, sizeof want, "%s:23: readmit_after: ", "bad-after.ini");
    if (!strstr(err, want)) fail_msg("got: %s", err);
}

/* ---- today's patients past any stay ------------------------------------------------------ */

/* The patients' table beside the scenario; the ward's stays are the empirical sample 1, 2 and
 * 5 days for everyone, or 9 days for group frail (stays.csv, frail.csv); half go on to step,
 * which a medically fit patient waits for (a fit patient of a unit whose every patient goes
 * home is refused: issue 14, kind 1). */
static struct scenario *with_patients(const char *rows, const char *frail_stay) {
    put("stays.csv", "days\n1d\n2d\n5d\n");
    put("frail.csv", "days\n9d\n");
    char t[4096];
    snprintf(t, sizeof t, "unit,group,admitted,fit\n%s", rows);
    put("today.csv", t);
    char ward[512];
    snprintf(ward, sizeof ward, "%s", frail_stay ? frail_stay : "");
    snprintf(t, sizeof t,
             "[scenario]\nhorizon = 30d\npatients = today.csv\n\n[group frail]\nshare = 0.5\n\n"
             "[group other]\nshare = 0.5\n\n[arrivals a]\nto = ward\nrate = 1/d\n\n"
             "[unit ward]\ncapacity = inf\nstay = empirical(stays.csv)\n"
             "next = exit 0.5, step 0.5\n%s[unit step]\ncapacity = inf\nstay = exp(3d)\n",
             ward);
    return load("today.ini", t);
}

static void expect_warnings(struct scenario *sc, size_t want_n, const char *want0) {
    size_t n;
    const char *const *w = scenario_warnings(sc, &n);
    if (n != want_n)
        fail_msg("%zu warnings, want %zu%s%s", n, want_n, n ? ": " : "", n ? w[0] : "");
    if (want0) assert_string_equal(w[0], want0);
}

static void a_patient_past_the_longest_stay_is_a_warning(void **s) {
    (void)s;
    struct scenario *sc = with_patients("ward,,6d,no\nward,,1d,no\nward,other,5d\n", NULL);
    char want[4096];
    snprintf(want, sizeof want,
             "%s/today.ini:3: patients: %s/today.csv:2: admitted: '6d' is past any stay in unit "
             "'ward' (no stay drawn from its stay distribution lasts that long, or the chance "
             "rounds to 0): this patient in care leaves at time 0 (and 1 more row like it in "
             "this unit)",
             dir, dir);
    expect_warnings(sc, 1, want);
    scenario_free(sc);
}

/* Judged by the patient's group: past the unit's stays but not the frail group's, a frail or
 * an unknown group's patient may still be there; a patient who is medically fit has ended its
 * stay already (it waits), whatever its age. */
static void a_patient_is_judged_by_its_group(void **s) {
    (void)s;
    struct scenario *sc = with_patients("ward,frail,6d\nward,,6d\nward,,60d,yes\n",
                                        "stay.frail = empirical(frail.csv)\n");
    expect_warnings(sc, 0, NULL);
    scenario_free(sc);
    sc = with_patients("ward,other,6d\n", "stay.frail = empirical(frail.csv)\n");
    expect_warnings(sc, 1, NULL);
    scenario_free(sc);
}

/* A parametric stay whose tail rounds to 0 at the patient's age: exp(2d) at 2,000 days
 * (e^-1000 underflows), not at 1,000 (e^-500 is 7e-218: a stay may still outlast it). */
static void a_tail_that_rounds_to_zero_is_past_any_stay(void **s) {
    (void)s;
    put("today.csv", "unit,group,admitted\nward,,1600d\n");
    const char *t = "[scenario]\nhorizon = 30d\npatients = today.csv\n\n[arrivals a]\nto = "
                    "ward\nrate = 1/d\n\n[unit ward]\ncapacity = inf\nstay = exp(2d)\n";
    struct scenario *sc = load("tail.ini", t);
    expect_warnings(sc, 1, NULL);
    scenario_free(sc);
    put("today.csv", "unit,group,admitted\nward,,1000d\n");
    sc = load("tail.ini", t);
    expect_warnings(sc, 0, NULL);
    scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_readmitted_group_takes_the_units_after_and_to),
        cmocka_unit_test(a_group_with_its_own_after_takes_the_units_to),
        cmocka_unit_test(without_readmit_to_the_first_streams_unit),
        cmocka_unit_test(a_groups_own_values_win),
        cmocka_unit_test(stay_and_next_are_inherited_one_by_one),
        cmocka_unit_test(a_readmitted_group_without_any_after_is_refused),
        cmocka_unit_test(a_bad_readmit_after_is_refused_whatever_readmit),
        cmocka_unit_test(a_patient_past_the_longest_stay_is_a_warning),
        cmocka_unit_test(a_patient_is_judged_by_its_group),
        cmocka_unit_test(a_tail_that_rounds_to_zero_is_past_any_stay),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
