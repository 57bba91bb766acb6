/* A census is the model's steady state (issue 14): on M/G/inf networks, whose stationary
 * census is known exactly (Poisson with mean rate x mean stay, independently by group and
 * unit: Takacs), occupancy by unit and group is flat from day 0; census patients step down;
 * per-patient stays are whole, so Little's law holds from a census start; a census above
 * capacity, an initial queue and today's patients from a CSV. Replications are run through
 * the API on the loaded scenario (many, in moments). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/flow.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "testutil.h"

static const char *dir;

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_census");
    return 0;
}

static void put(const char *name, const char *text) {
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    tu_write(p, text);
}

struct model {
    struct scenario *sc;
    struct metric_layout ml;
};

static void load(struct model *m, const char *text) {
    char path[4096], err[2048];
    snprintf(path, sizeof path, "%s/s.ini", dir);
    tu_write(path, text);
    m->sc = scenario_load(path, NULL, 0, err, sizeof err);
    if (!m->sc) fail_msg("%s", err);
    metric_layout_init(&m->ml, m->sc, 1);
}

static void unload(struct model *m) {
    metric_layout_fini(&m->ml);
    scenario_free(m->sc);
}

static int slot(const struct model *m, const char *unit, const char *metric) {
    int u = unit ? scenario_unit_index(m->sc, unit) : -1;
    for (size_t i = 0; i < m->ml.n; i++)
        if (m->ml.slot[i].unit == u && !strcmp(m->ml.slot[i].name, metric)) return (int)i;
    fail_msg("no slot %s.%s", unit ? unit : "", metric);
    return -1;
}

/* Mean and standard error across reps replications of a value of each one's result. */
struct est {
    double mean, se;
};

/* Per (unit, metric) and bucket: the mean over R replications of the bucket's value, with its
 * standard error, for the buckets in days[] (nd of them). Also the summary's. */
#define MAXQ 8
#define MAXD 8
struct query {
    const char *unit, *metric;
    double expect;
};

static void run_reps(struct model *m, int reps, const struct query *q, size_t nq,
                     const size_t *days, size_t nd, struct est out[MAXQ][MAXD],
                     struct est summary[MAXQ]) {
    double s[MAXQ][MAXD] = {{0}}, s2[MAXQ][MAXD] = {{0}}, t[MAXQ] = {0}, t2[MAXQ] = {0};
    int sl[MAXQ];
    for (size_t k = 0; k < nq; k++) sl[k] = slot(m, q[k].unit, q[k].metric);
    char err[512];
    for (int rep = 0; rep < reps; rep++) {
        struct flow_result *res;
        assert_int_equal(flow_run(m->sc, &m->ml, rep, &res, err, sizeof err), 0);
        for (size_t k = 0; k < nq; k++) {
            for (size_t d = 0; d < nd; d++) {
                double v = res->series[days[d] * res->nslots + (size_t)sl[k]];
                s[k][d] += v;
                s2[k][d] += v * v;
            }
            double v = res->summary[sl[k]];
            t[k] += v;
            t2[k] += v * v;
        }
        flow_result_free(res);
    }
    for (size_t k = 0; k < nq; k++) {
        for (size_t d = 0; d < nd; d++) {
            double mean = s[k][d] / reps, var = (s2[k][d] - reps * mean * mean) / (reps - 1);
            out[k][d] = (struct est){mean, sqrt(fmax(var, 0) / reps)};
        }
        double mean = t[k] / reps, var = (t2[k] - reps * mean * mean) / (reps - 1);
        if (summary) summary[k] = (struct est){mean, sqrt(fmax(var, 0) / reps)};
    }
}

/* Every (query, day) mean within 4 standard errors of its expectation (and the error small
 * enough to tell a 10% bias apart). */
static void assert_flat(struct model *m, int reps, const struct query *q, size_t nq) {
    static const size_t days[] = {0, 1, 3, 5, 10};
    struct est e[MAXQ][MAXD];
    run_reps(m, reps, q, nq, days, 5, e, NULL);
    for (size_t k = 0; k < nq; k++)
        for (size_t d = 0; d < 5; d++) {
            double tol = 4 * e[k][d].se + 1e-9;
            if (fabs(e[k][d].mean - q[k].expect) > tol)
                fail_msg("%s %s on day %zu: %.3f, expected %.3f +- %.3f", q[k].unit, q[k].metric,
                         days[d], e[k][d].mean, q[k].expect, tol);
            assert_true(tol < 0.1 * q[k].expect);
        }
}

/* The case census-groups: lambda = 10/d, half frail exp(20d), half other exp(2d): a bed census
 * holds 100 frail and 10 other (length-biased), not 55/55, and keeps them from day 0. */
static void a_census_with_groups_is_flat_from_day_0(void **s) {
    (void)s;
    struct model m;
    load(&m, "[scenario]\nhorizon = 11d\ninterval = 1d\nseed = 21\n"
             "[group frail]\nshare = 0.5\n[group other]\nshare = 0.5\n"
             "[arrivals emergency]\nto = ward\nrate = 10/d\n"
             "[unit ward]\ncapacity = inf\nstay = exp(2d)\nstay.frail = exp(20d)\n"
             "initial_occupancy = 110\n");
    const struct query q[] = {{"ward", "occupancy", 110},
                              {"ward", "occupancy.frail", 100},
                              {"ward", "occupancy.other", 10}};
    assert_flat(&m, 300, q, 3);
    unload(&m);
}

/* Not in the folder: three groups with stays of different families (exponential, lognormal,
 * empirical), each of rate 2/d: 2 x 10, 2 x 5 and 2 x 9 (the sample's mean) in the ward. */
static void three_groups_of_different_families_are_flat_from_day_0(void **s) {
    (void)s;
    put("stays.csv", "days\n1\n2\n3\n30\n");
    struct model m;
    load(&m, "[scenario]\nhorizon = 11d\ninterval = 1d\nseed = 3\n"
             "[group a]\nshare = 0.3333333333333333\n[group b]\nshare = 0.3333333333333333\n"
             "[group c]\nshare = 0.3333333333333334\n"
             "[arrivals emergency]\nto = ward\nrate = 6/d\n"
             "[unit ward]\ncapacity = inf\nstay = exp(10d)\nstay.b = lognormal(5d, 8d)\n"
             "stay.c = empirical(stays.csv)\ninitial_occupancy = 48\n");
    const struct query q[] = {{"ward", "occupancy", 48},
                              {"ward", "occupancy.a", 20},
                              {"ward", "occupancy.b", 10},
                              {"ward", "occupancy.c", 18}};
    assert_flat(&m, 400, q, 4);
    unload(&m);
}

/* Not in the folder: a chain with step-down and routing by group. 8/d to acute, stays
 * gamma(6d, 4d); half step down at half their stay to vw (where they spend the rest of it:
 * vw's own stay, which nobody uses, does not count); of the others frail go to rehab with 0.8,
 * other with 0.4, exp(10d). In acute a patient holds its bed 0.5 x 0.5 x 6 + 0.5 x 6 = 4.5
 * days: 36; vw 4/d x 3 = 12; rehab (2 x 0.8 + 2 x 0.4)/d x 10 = 24, of them 16 frail: the
 * group weights follow the routing. */
static void a_chain_with_step_down_and_routing_is_flat_from_day_0(void **s) {
    (void)s;
    struct model m;
    load(&m, "[scenario]\nhorizon = 11d\ninterval = 1d\nseed = 8\n"
             "[group frail]\nshare = 0.5\n[group other]\nshare = 0.5\n"
             "[arrivals emergency]\nto = acute\nrate = 8/d\n"
             "[unit acute]\nkind = acute\ncapacity = inf\nstay = gamma(6d, 4d)\n"
             "step_down = vw 0.5 at 0.5\nnext = rehab 0.4, exit 0.6\n"
             "next.frail = rehab 0.8, exit 0.2\ninitial_occupancy = 36\n"
             "[unit vw]\nkind = virtual_ward\ncapacity = inf\nstay = fixed(1d)\n"
             "initial_occupancy = 12\n"
             "[unit rehab]\ncapacity = inf\nstay = exp(10d)\ninitial_occupancy = 24\n");
    const struct query q[] = {{"acute", "occupancy", 36},
                              {"vw", "occupancy", 12},
                              {"rehab", "occupancy", 24},
                              {"rehab", "occupancy.frail", 16},
                              {"acute", "occupancy.frail", 18}};
    assert_flat(&m, 300, q, 5);
    unload(&m);
}

/* The case census-groups' step-down member: everyone steps down half-way, so every patient in
 * an acute bed is in the first half of its stay and moves to the virtual ward within days:
 * about 100 step-downs (those whose step-down point is past day 30, U x 0.5 x L with L of mean
 * 20, are a fraction of a percent). */
static void census_patients_step_down(void **s) {
    (void)s;
    struct model m;
    load(&m, "[scenario]\nhorizon = 30d\ninterval = 30d\nseed = 5\n"
             "[arrivals none]\nto = acute\nrate = 0/d\n"
             "[unit acute]\nkind = acute\nstay = exp(10d)\nstep_down = vw 1 at 0.5\n"
             "initial_occupancy = 100\n"
             "[unit vw]\nkind = virtual_ward\ncapacity = inf\nstay = fixed(1d)\n");
    const struct query q[] = {{"vw", "step_downs", 0}};
    static const size_t day0[] = {0};
    struct est e[MAXQ][MAXD], sum[MAXQ];
    run_reps(&m, 20, q, 1, day0, 1, e, sum);
    double per_rep = sum[0].mean * 30;
    if (per_rep < 98 || per_rep > 100) fail_msg("%.2f step-downs a replication", per_rep);
    unload(&m);
}

/* The case census-los: lognormal(11d, 15d) stays at 10/d from a census of 110: los_mean counts
 * whole stays (a census patient's from before time 0), so it is E[S] = 11 and Little's law
 * holds, as after a warm-up; counted from time 0 it was 8.45. */
static void los_from_a_census_start_keeps_littles_law(void **s) {
    (void)s;
    struct model m;
    load(&m, "[scenario]\nhorizon = 60d\ninterval = 60d\nseed = 23\n"
             "[arrivals emergency]\nto = ward\nrate = 10/d\n"
             "[unit ward]\ncapacity = inf\nstay = lognormal(11d, 15d)\ninitial_occupancy = 110\n");
    const struct query q[] = {
        {"ward", "los_mean", 11}, {"ward", "occupancy", 110}, {"ward", "admissions", 10}};
    static const size_t day0[] = {0};
    struct est e[MAXQ][MAXD], sum[MAXQ];
    run_reps(&m, 100, q, 3, day0, 1, e, sum);
    for (int k = 0; k < 3; k++)
        if (fabs(sum[k].mean - q[k].expect) > 4 * sum[k].se)
            fail_msg("%s %.3f, expected %.3f +- %.3f", q[k].metric, sum[k].mean, q[k].expect,
                     4 * sum[k].se);
    assert_close(sum[2].mean * sum[0].mean / sum[1].mean, 1, 0.03);
    unload(&m);
}

/* A patient log collector: per visit to unit 0, the census patients' leaving times (entered
 * before time 0) and the others' starts. */
struct visits {
    double census_leave[64], other_start[64];
    int nc, no;
    double min_census_start;
};

static void collect(void *ctx, const struct flow_visit *v) {
    struct visits *c = ctx;
    if (v->unit != 0) return;
    if (v->start < 0 && c->nc < 64) c->census_leave[c->nc++] = v->leave;
    if (v->start < c->min_census_start) c->min_census_start = v->start;
    if (v->start >= 0 && c->no < 64) c->other_start[c->no++] = v->start;
}

/* Per group and per unit gone to: the census patients' visits (entered before time 0). */
struct groups {
    int n, group[8], to[8];
};

static void collect_groups(void *ctx, const struct flow_visit *v) {
    struct groups *c = ctx;
    if (v->start >= 0 || v->unit != 0 || v->queue) return;
    c->n++;
    if (v->group >= 0 && v->group < 8) c->group[v->group]++;
    if (v->next >= 0 && v->next < 8) c->to[v->next]++;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Escalation beds in use today: 15 patients in 10 places, refused with exit 2 before. Nobody is
 * admitted until occupancy falls below capacity: the three queueing at the door at time 0 get
 * in when the 6th census patient leaves, then the 7th and 8th; and the places held above
 * capacity show (over_capacity). */
static void a_census_above_capacity_admits_nobody_until_below(void **s) {
    (void)s;
    struct model m;
    load(&m, "[scenario]\nhorizon = 40d\ninterval = 1d\n"
             "[arrivals none]\nto = ward\nrate = 0/d\n"
             "[unit ward]\ncapacity = 10\nstay = fixed(10d)\ninitial_occupancy = 15\n"
             "initial_queue = 3\n");
    for (int rep = 0; rep < 5; rep++) {
        struct visits c = {.min_census_start = 0};
        struct flow_opts o = {.visit = collect, .visit_ctx = &c};
        struct flow_result *res;
        char err[512];
        assert_int_equal(flow_run_opts(m.sc, &m.ml, rep, &o, &res, err, sizeof err), 0);
        assert_int_equal(c.nc, 15);
        assert_int_equal(c.no, 3);
        qsort(c.census_leave, 15, sizeof(double), cmp);
        qsort(c.other_start, 3, sizeof(double), cmp);
        for (int k = 0; k < 3; k++) assert_close(c.other_start[k], c.census_leave[5 + k], 1e-12);
        assert_true(c.min_census_start > -10); /* within the fixed stay */
        /* the first day's places held beyond capacity: 5, less the few census patients who
         * leave within it */
        double over = res->series[(size_t)slot(&m, "ward", "over_capacity")];
        assert_true(over > 4 && over <= 5);
        assert_close(res->census, 18, 0);
        flow_result_free(res);
    }
    unload(&m);
}

/* An initial queue with room: the patients take the free places at once, in order, and the
 * rest queue; with patience they give up from time 0. */
static void an_initial_queue_fills_free_places_then_queues(void **s) {
    (void)s;
    struct model m;
    load(&m, "[scenario]\nhorizon = 2d\ninterval = 1d\n"
             "[arrivals none]\nto = ward\nrate = 0/d\n"
             "[unit ward]\ncapacity = 4\nstay = fixed(10d)\ninitial_occupancy = 1\n"
             "initial_queue = 6\npatience = fixed(1d)\n");
    struct flow_result *res;
    char err[512];
    assert_int_equal(flow_run(m.sc, &m.ml, 0, &res, err, sizeof err), 0);
    double *b0 = res->series, *b1 = res->series + res->nslots;
    assert_close(b0[slot(&m, "ward", "admissions")], 3, 1e-12);
    assert_close(b0[slot(&m, "ward", "occupancy")], 4, 1e-12);
    assert_close(b0[slot(&m, "ward", "queue")], 3, 1e-9);
    assert_close(b1[slot(&m, "ward", "queue")], 0, 1e-9); /* all gave up at day 1 */
    flow_result_free(res);
    unload(&m);
    /* only a queueing unit can have one */
    char path[4096], msg[2048];
    snprintf(path, sizeof path, "%s/s.ini", dir);
    tu_write(path, "[scenario]\nhorizon = 2d\n[arrivals none]\nto = ward\nrate = 0/d\n"
                   "[unit ward]\ncapacity = 4\nstay = fixed(10d)\nwhen_full = lose\n"
                   "initial_queue = 6\n");
    assert_null(scenario_load(path, NULL, 0, msg, sizeof msg));
    assert_non_null(strstr(msg, ":10: initial_queue: expected no queue on a unit whose "
                                "when_full is not queue"));
}

/* Today's patients: the rest of each stay is S - a given S > a. With a fixed(10d) stay a
 * patient in for 3 days leaves on day 7, one admitted 2025-01-04 12:00 (1.5 days before the
 * start) on day 8.5, one in for 12 days at once; a fit one moves to the unit it waits for at
 * time 0. An empirical stay continues with a sample value above the age. */
static void todays_patients_continue_their_stays(void **s) {
    (void)s;
    put("today.csv", "unit,group,admitted,fit,waits_for\n"
                     "ward,,3d\n"
                     "ward,,2025-01-04 12:00,no\n"
                     "ward,,12d\n"
                     "ward,,1d,yes,home\n"
                     "emp,,4d\n");
    put("emp.csv", "2\n3\n5\n8\n");
    struct model m;
    load(&m, "[scenario]\nstart = 2025-01-06\nhorizon = 20d\ninterval = 20d\n"
             "patients = today.csv\n"
             "[arrivals none]\nto = ward\nrate = 0/d\n"
             "[unit ward]\ncapacity = 10\nstay = fixed(10d)\nnext = home 1\n"
             "[unit home]\nkind = home_care\ncapacity = inf\nstay = fixed(30d)\n"
             "[unit emp]\ncapacity = inf\nstay = empirical(emp.csv)\n");
    for (int rep = 0; rep < 20; rep++) {
        struct visits c = {.min_census_start = 0};
        struct flow_opts o = {.visit = collect, .visit_ctx = &c};
        struct flow_result *res;
        char err[512];
        assert_int_equal(flow_run_opts(m.sc, &m.ml, rep, &o, &res, err, sizeof err), 0);
        assert_int_equal(c.nc, 4);
        qsort(c.census_leave, 4, sizeof(double), cmp);
        assert_close(c.census_leave[0], 0, 1e-12);   /* fit: to home at once */
        assert_close(c.census_leave[1], 0, 1e-12);   /* 12 days of a 10-day stay: at once */
        assert_close(c.census_leave[2], 7, 1e-12);   /* 3 days in */
        assert_close(c.census_leave[3], 8.5, 1e-12); /* 1.5 days in */
        assert_close(c.min_census_start, -12, 1e-12);
        /* the emp patient leaves after 1 or 4 more days (5 or 8), never 2 or 3 */
        double in_emp = res->summary[slot(&m, "emp", "los_mean")];
        assert_true(fabs(in_emp - 5) < 1e-9 || fabs(in_emp - 8) < 1e-9);
        flow_result_free(res);
    }
    unload(&m);
}

/* Every bad row is one FILE:LINE: key: TABLE:LINE: column: expected ... message. */
static void bad_patient_rows_are_refused_with_their_line(void **s) {
    (void)s;
    static const struct {
        const char *row, *msg;
    } bad[] = {
        {"icu,,3d", "today.csv:2: unknown unit 'icu' (expected a [unit] name)"},
        {"ward,fral,3d", "today.csv:2: group: expected a [group] name or nothing, got 'fral'"},
        {"ward,,yesterday", "today.csv:2: admitted: expected the time already in the unit (a "
                            "duration like 3d) or the admission date-time (YYYY-MM-DD or "
                            "YYYY-MM-DD HH:MM), got 'yesterday'"},
        {"ward,,2025-01-06 25:00", "admitted: expected the time already"},
        {"ward,,2025-02-01", "today.csv:2: admitted: expected a date-time before the scenario's "
                             "start, got '2025-02-01'"},
        {"ward,,3d,y", "today.csv:2: fit: expected yes, no or nothing, got 'y'"},
        {"ward,,3d,no,home", "today.csv:2: waits_for: expected nothing for a patient who is not "
                             "medically fit (fit = yes), got 'home'"},
        {"ward,,3d,yes,ward", "today.csv:2: waits_for: expected a unit other than its own, got "
                              "'ward'"},
        {"ward,,3d,yes,home,x",
         "today.csv:2: expected 3 to 5 columns (unit,group,admitted,fit,waits_for), got 6"},
        /* Issue 14, kind 11: the time already in the unit is bounded (los_mean read 4.6e297
         * days; a year typed as 1900 was a bed for decades), and a US date gets the hint the
         * other date fields give. */
        {"ward,,1e300d", "today.csv:2: admitted: expected at most 36525 days (100 years) in the "
                         "unit before the scenario's start, got '1e300d' (1e+300 days: is the "
                         "year right?)"},
        {"ward,,1900-01-01", "today.csv:2: admitted: expected at most 36525 days (100 years) in "
                             "the unit before the scenario's start, got '1900-01-01'"},
        {"ward,,12/15/2024", "today.csv:2: admitted: expected a date as YYYY-MM-DD, got "
                             "'12/15/2024' (as month/day/year that is 2024-12-15: write that)"},
        /* Issue 14, kind 1: a fit patient whose group goes only home waits for nothing. */
        {"home,frail,3d,yes", "today.csv:2: waits_for: expected the unit this medically fit "
                              "patient waits for, as unit 'home' sends group frail home ('next')"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char csv[256], path[4096], msg[2048];
        snprintf(csv, sizeof csv, "unit,group,admitted,fit,waits_for\n%s\n", bad[i].row);
        put("today.csv", csv);
        snprintf(path, sizeof path, "%s/s.ini", dir);
        tu_write(path, "[scenario]\nstart = 2025-01-06\nhorizon = 20d\npatients = today.csv\n"
                       "[group frail]\nshare = 1\n"
                       "[arrivals none]\nto = ward\nrate = 0/d\n"
                       "[unit ward]\ncapacity = 10\nstay = fixed(10d)\nnext = home 1\n"
                       "[unit home]\nkind = home_care\ncapacity = inf\nstay = fixed(30d)\n");
        struct scenario *sc = scenario_load(path, NULL, 0, msg, sizeof msg);
        if (sc || !strstr(msg, bad[i].msg) || !strstr(msg, "s.ini:4: patients: "))
            fail_msg("row '%s': got '%s'", bad[i].row, sc ? "(loaded)" : msg);
    }
}

/* The group of a patient of today's file with no group is drawn with weights visits x
 * P(S > a): 20 days in, a frail exp(20d) patient (e^-1) is far likelier than an exp(2d) one
 * (e^-10): with equal shares, 99.99% frail. */
static void a_todays_patient_without_a_group_is_weighed_by_its_age(void **s) {
    (void)s;
    char rows[8192] = "unit,group,admitted\n";
    for (int k = 0; k < 200; k++) strcat(rows, "ward,,20d\n");
    put("today.csv", rows);
    struct model m;
    load(&m, "[scenario]\nhorizon = 1d\ninterval = 1d\npatients = today.csv\n"
             "[group frail]\nshare = 0.5\n[group other]\nshare = 0.5\n"
             "[arrivals none]\nto = ward\nrate = 0/d\n"
             "[unit ward]\ncapacity = inf\nstay = exp(2d)\nstay.frail = exp(20d)\n");
    struct flow_result *res;
    char err[512];
    assert_int_equal(flow_run(m.sc, &m.ml, 0, &res, err, sizeof err), 0);
    double frail = res->series[slot(&m, "ward", "occupancy.frail")];
    double all = res->series[slot(&m, "ward", "occupancy")];
    assert_true(all > 150);
    assert_true(frail > 0.99 * all);
    flow_result_free(res);
    unload(&m);
}

/* The draws behind today's patients: S - a given S > a has P(S - a > t) = P(S > a + t) / P(S >
 * a) for every family, checked at two points with 40,000 draws (4 sigma); and the length-biased
 * draw of an empirical sample picks value x_i with probability x_i / sum. */
static void the_rest_of_a_stay_is_drawn_given_its_age(void **s) {
    (void)s;
    static const struct {
        enum dist_kind k;
        double p[3], a;
    } fam[] = {
        {DIST_EXP, {10}, 7},
        {DIST_LOGNORMAL, {11, 15}, 9},
        {DIST_GAMMA, {6, 4}, 8},
        {DIST_WEIBULL, {1.7, 5}, 3},
        {DIST_UNIFORM, {2, 12}, 5},
        {DIST_TRIANGULAR, {1, 3, 12}, 2},
        {DIST_TRIANGULAR, {1, 3, 12}, 6},
    };
    static const double sample[] = {1, 2, 3, 5, 8, 13, 21};
    struct rng g;
    rng_seed(&g, 42, 54);
    for (size_t i = 0; i <= sizeof fam / sizeof fam[0]; i++) {
        struct dist d;
        char err[128];
        double a = i < sizeof fam / sizeof fam[0] ? fam[i].a : 4;
        if (i < sizeof fam / sizeof fam[0])
            assert_int_equal(dist_init(&d, fam[i].k, fam[i].p, err, sizeof err), 0);
        else
            assert_int_equal(dist_init_empirical(&d, sample, 7, err, sizeof err), 0);
        const int n = 40000;
        double t1 = dist_mean(&d) * 0.3, t2 = dist_mean(&d), c1 = 0, c2 = 0;
        for (int k = 0; k < n; k++) {
            double x = dist_sample_after(&d, a, &g);
            assert_true(x >= 0);
            c1 += x > t1;
            c2 += x > t2;
        }
        double e1 = dist_tail(&d, a + t1) / dist_tail(&d, a),
               e2 = dist_tail(&d, a + t2) / dist_tail(&d, a);
        if (fabs(c1 / n - e1) > 4 * sqrt(e1 * (1 - e1) / n) + 1e-9 ||
            fabs(c2 / n - e2) > 4 * sqrt(e2 * (1 - e2) / n) + 1e-9)
            fail_msg("%s after %g: %.4f %.4f, expected %.4f %.4f", dist_name(d.kind), a, c1 / n,
                     c2 / n, e1, e2);
        /* past the whole support the stay ends at once */
        if (d.kind == DIST_UNIFORM || d.kind == DIST_EMPIRICAL)
            assert_close(dist_sample_after(&d, 1e3, &g), 0, 0);
        if (d.kind == DIST_EMPIRICAL) {
            double hits[7] = {0}, total = 53;
            for (int k = 0; k < n; k++) {
                double x = dist_sample_length_biased(&d, &g);
                for (int j = 0; j < 7; j++) hits[j] += x == sample[j];
            }
            for (int j = 0; j < 7; j++) {
                double e = sample[j] / total;
                assert_true(fabs(hits[j] / n - e) < 4 * sqrt(e * (1 - e) / n));
            }
        }
        dist_fini(&d);
    }
}

/* Load s.ini (text) expecting failure with want in the message. */
static void expect_refused(const char *text, const char *want) {
    char path[4096], msg[2048];
    snprintf(path, sizeof path, "%s/s.ini", dir);
    tu_write(path, text);
    struct scenario *sc = scenario_load(path, NULL, 0, msg, sizeof msg);
    if (sc) scenario_free(sc);
    if (sc || !strstr(msg, want)) fail_msg("want '%s', got '%s'", want, sc ? "(loaded)" : msg);
}

/* Issue 14, kind 1: a delayed census patient's group is weighed by its own routing (next.GROUP):
 * with next = exit 1 but next.b = eab 1, only group b waits for anything, so every delayed
 * patient is of group b and waits for eab (refused before: "need a unit to wait for"). */
static void delayed_census_patients_take_the_group_that_waits(void **s) {
    (void)s;
    struct model m;
    load(&m, "[scenario]\nhorizon = 5d\ninterval = 5d\n"
             "[group a]\nshare = 0.5\n[group b]\nshare = 0.5\n"
             "[arrivals none]\nto = ward\nrate = 0/d\n"
             "[unit ward]\ncapacity = 20\nstay = exp(3d)\nnext = exit 1\nnext.b = eab 1\n"
             "initial_delayed = 10\n"
             "[unit eab]\ncapacity = inf\nstay = exp(3d)\n");
    int eab = scenario_unit_index(m.sc, "eab");
    for (int rep = 0; rep < 5; rep++) {
        struct groups c = {0};
        struct flow_opts o = {.visit = collect_groups, .visit_ctx = &c};
        struct flow_result *res;
        char err[512];
        assert_int_equal(flow_run_opts(m.sc, &m.ml, rep, &o, &res, err, sizeof err), 0);
        assert_int_equal(c.n, 10);
        assert_int_equal(c.group[1], 10); /* all of group b */
        assert_int_equal(c.to[eab], 10);  /* all waiting for eab, none home at time 0 */
        flow_result_free(res);
    }
    unload(&m);
}

/* Today's patients, kind 11: bare numbers and years-old admissions load with one warning
 * each for the file, naming the first row; an empirical sample of bare numbers warns once. */
static void todays_patients_and_samples_warn_of_slips(void **s) {
    (void)s;
    put("today.csv", "unit,group,admitted\nward,,3\nward,,4\nward,,2018-01-01\nward,,3d\n");
    put("e.csv", "3\n4\n5\n");
    struct model m;
    load(&m, "[scenario]\nstart = 2025-01-06\nhorizon = 20d\ninterval = 20d\n"
             "patients = today.csv\n"
             "[arrivals none]\nto = ward\nrate = 0/d\n"
             "[unit ward]\ncapacity = 10\nstay = empirical(e.csv)\nnext = exit 1\n");
    size_t n;
    const char *const *w = scenario_warnings(m.sc, &n);
    static const char *const want[] = {
        "s.ini:11: stay: empirical(e.csv): its values have no unit and are read as days (write "
        "3d, or 3h if hours were meant)",
        "s.ini:5: patients: ", /* then the path */
        "today.csv:2: admitted: a number without a unit is days: '3' here is 3 days (write 3d "
        "to say so, or 3h if hours were meant) (and 1 more row like it)",
        "today.csv:4: admitted: '2018-01-01' is over 5 years in the unit before the scenario's "
        "start: is the year right?",
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        size_t i = 0;
        while (i < n && !strstr(w[i], want[k])) i++;
        if (i == n) {
            for (i = 0; i < n; i++) print_message("warning: %s\n", w[i]);
            fail_msg("no warning with '%s' (%zu warnings)", want[k], n);
        }
    }
    unload(&m);
}

/* Kind 11: a one-row file of semicolons is a row to refuse, not a header followed by nothing
 * (the run had no patients, silently), and a file with a header and no rows is refused like
 * an empty one, for every keyed table. */
static void one_row_and_header_only_tables_are_refused(void **s) {
    (void)s;
    static const struct {
        const char *csv;
        int section; /* the key's: 0 [scenario], 1 [arrivals a], 2 [unit ward] */
        const char *key, *want;
    } bad[] = {
        {"ward;;3d\n", 0, "patients = t.csv\n",
         "t.csv:1: expected 3 to 5 columns (unit,group,admitted,fit,waits_for), got 1 "
         "(semicolons: save it as CSV with commas)"},
        {"unit,group,admitted\n", 0, "patients = t.csv\n",
         "t.csv:1: expected at least one patient row after the header, got none"},
        {"ward;4\n", 0, "initial = t.csv\n",
         "t.csv:1: expected 2 or 3 columns (unit,in_care,delayed), got 1 (semicolons"},
        {"unit,in_care\n", 0, "initial = t.csv\n",
         "t.csv:1: expected at least one unit row after the header, got none"},
        {"2025-01-01;4\n", 2, "capacity_schedule = t.csv\n",
         "t.csv:1: expected 2 columns (date,value), got 1 (semicolons"},
        {"date,capacity\n", 2, "capacity_schedule = t.csv\n",
         "t.csv:1: expected at least one dated row after the header, got none"},
        {"date,multiplier\n", 1, "by_date = t.csv\n",
         "t.csv:1: expected at least one dated row after the header, got none"},
        {"days\n", 2, "stay = empirical(t.csv)\n",
         "t.csv:1: expected at least one value after the header, got none"},
        {"3;4\n", 2, "stay = empirical(t.csv)\n",
         "t.csv:1: expected a duration like 45m, 4h, 2.5d, 6w or 8 (days), got '3;4'"},
        {"hour,multiplier\n", 1, "hour_of_week = t.csv\n",
         "t.csv:1: expected 168 multipliers (one per hour, Monday 00:00 first), got 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        put("t.csv", bad[i].csv);
        char text[1024];
        const char *key[3] = {"", "", ""};
        key[bad[i].section] = bad[i].key;
        snprintf(text, sizeof text,
                 "[scenario]\nstart = 2025-01-06\nhorizon = 20d\n%s"
                 "[arrivals a]\nto = ward\nrate = 1/d\n%s"
                 "[unit ward]\ncapacity = 10\n%s%s",
                 key[0], key[1],
                 bad[i].section == 2 && strstr(key[2], "stay") ? "" : "stay = exp(2d)\n", key[2]);
        expect_refused(text, bad[i].want);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_census_with_groups_is_flat_from_day_0),
        cmocka_unit_test(three_groups_of_different_families_are_flat_from_day_0),
        cmocka_unit_test(a_chain_with_step_down_and_routing_is_flat_from_day_0),
        cmocka_unit_test(census_patients_step_down),
        cmocka_unit_test(los_from_a_census_start_keeps_littles_law),
        cmocka_unit_test(a_census_above_capacity_admits_nobody_until_below),
        cmocka_unit_test(an_initial_queue_fills_free_places_then_queues),
        cmocka_unit_test(todays_patients_continue_their_stays),
        cmocka_unit_test(bad_patient_rows_are_refused_with_their_line),
        cmocka_unit_test(a_todays_patient_without_a_group_is_weighed_by_its_age),
        cmocka_unit_test(the_rest_of_a_stay_is_drawn_given_its_age),
        cmocka_unit_test(delayed_census_patients_take_the_group_that_waits),
        cmocka_unit_test(todays_patients_and_samples_warn_of_slips),
        cmocka_unit_test(one_row_and_header_only_tables_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
