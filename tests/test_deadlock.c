/* Blocking deadlock and the run's warnings, end to end: a cycle of full units that freezes is
 * reported as frozen (units, days, replications; run-info, stderr, the report page and
 * deadlocked_pct), not as demand outrunning capacity; a heavily loaded system that does not
 * freeze is not; a warning names the bottleneck downstream; and the warnings are the same bytes
 * on any thread count, split into parts and merged, over MPI ranks, and they are kept in
 * compare's and sweep's run-info. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char cmd[16384];
static const char *dir;

/* acute <-> eab (docs: ../shared/cases/edges/deadlock, Ciw #43/#151): 75-78% load, and still
 * both units end full of patients waiting for each other. */
static const char cycle[] = "[scenario]\nname = cycle\nhorizon = 2000d\nwarmup = 30d\n"
                            "replications = 6\nseed = 4\ninterval = 1d\n"
                            "[arrivals emergency]\nto = acute\nrate = 4/d\n"
                            "[unit acute]\nkind = acute\ncapacity = 20\nstay = exp(3d)\n"
                            "next = exit 0.5, eab 0.5\n"
                            "[unit eab]\nkind = step_down\ncapacity = 16\nstay = exp(5d)\n"
                            "next = exit 0.6, acute 0.4\n";

/* Acute's patients wait in their beds for a care home whose residents stay long: acute's queue
 * grows, the care home's capacity is the constraint, and nothing freezes (the care home's
 * residents leave). */
static const char carehome[] = "[scenario]\nname = ch\nhorizon = 400d\nreplications = 4\n"
                               "seed = 3\ninterval = 1d\n"
                               "[arrivals a]\nto = acute\nrate = 5/d\n"
                               "[unit acute]\nkind = acute\ncapacity = 30\nstay = exp(3d)\n"
                               "next = exit 0.5, home 0.5\n"
                               "[unit home]\nkind = care_home\ncapacity = 20\nstay = exp(20d)\n"
                               "next = exit 1\n";

static const char *file(const char *name, const char *text) {
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_write(path, text);
    return path;
}

static const char *out(const char *name) {
    static char p[4][4200];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* The warning lines of a folder's run-info, whole (allocated). */
static char *warnings_of(const char *folder) {
    char path[4300];
    snprintf(path, sizeof path, "%s/run-info", folder);
    char *info = tu_read(path);
    assert_non_null(info);
    size_t n = strlen(info) + 1, k = 0;
    char *w = calloc(n, 1);
    for (char *line = info; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        if (!strncmp(line, "warning = ", 10)) memcpy(w + k, line, len), k += len;
    }
    free(info);
    return w;
}

static void cycle_deadlock_is_reported_as_frozen(void **s) {
    (void)s;
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --threads 2 --report", file("cycle.ini", cycle),
             out("cycle"));
    assert_int_equal(tu_run(cmd, NULL, &err), 0);
    const char *want = "deadlock: units acute, eab froze in 6 of 6 replications, first on day ";
    char line[256];
    snprintf(line, sizeof line, "flowsim: warning: %s", want);
    if (!strstr(err, line)) fail_msg("stderr lacks '%s': %s", line, err);
    assert_null(strstr(err, "demand outran")); /* the freeze is not demand */
    assert_non_null(strstr(err, "6 stayed frozen to the horizon"));
    /* ... and that is checked, not assumed: each frozen unit's offered load, as validate's
     * rough-cut table gives it (acute 5/d x 3 d = 15 of 20 places, eab 2.5/d x 5 d = 12.5 of
     * 16). */
    if (!strstr(err, "6 stayed frozen to the horizon: acute was offered 75% of its capacity, eab "
                     "78% by validate's rough-cut load, so demand did not outrun their capacity: "
                     "the routing between them locks"))
        fail_msg("no checked load: %s", err);
    char *w = warnings_of(out("cycle"));
    snprintf(line, sizeof line, "warning = %s", want);
    assert_non_null(strstr(w, line));
    assert_null(strstr(w, "demand outran"));
    assert_null(strstr(w, "grew without settling"));
    free(w);
    /* The share of the report period spent frozen: most of it. */
    struct tu_row r;
    assert_int_equal(tu_summary(out("cycle"), "", "deadlocked_pct", &r), 0);
    assert_true(r.mean > 30 && r.mean <= 100);
    /* The report page says it first. */
    char path[4300];
    snprintf(path, sizeof path, "%s/report.html", out("cycle"));
    char *html = tu_read(path);
    assert_non_null(html);
    char *box = strstr(html, "<h2>Warnings</h2>");
    assert_non_null(box);
    assert_non_null(strstr(box, "deadlock: units acute, eab froze"));
    assert_true(box < strstr(html, "<h2>Occupancy</h2>"));
    free(html);
    free(err);
}

/* The load % validate's rough-cut table prints for unit name (allocated "121%"), or NULL. */
static char *validate_pct(const char *ini, const char *name) {
    char *o = NULL;
    snprintf(cmd, sizeof cmd, "validate '%s'", ini);
    assert_int_equal(tu_run(cmd, &o, NULL), 0);
    char *res = NULL, key[64];
    snprintf(key, sizeof key, "\n%s ", name);
    char *line = strstr(strstr(o, "rough-cut"), key);
    if (line) {
        char *end = strchr(line + 1, '\n'), *pct = NULL;
        for (char *p = line + 1; p < end; p++)
            if (*p == '%') pct = p;
        char *start = pct;
        while (start && start[-1] != ' ') start--;
        if (pct) res = strndup(start, (size_t)(pct - start + 1));
    }
    free(o);
    return res;
}

/* A three-unit cycle a -> b -> c -> a beside a unit that is not in it: all three are named,
 * the bystander is not; b is offered more than its capacity, so the warning does not say
 * demand stayed within it, and the loads it gives are validate's. */
static void three_unit_cycle_names_its_units(void **s) {
    (void)s;
    const char *text = "[scenario]\nname = tri\nhorizon = 1500d\nreplications = 4\nseed = 9\n"
                       "[arrivals x]\nto = a\nrate = 3/d\n"
                       "[arrivals y]\nto = d\nrate = 3/d\n"
                       "[unit a]\ncapacity = 8\nstay = exp(1d)\nnext = exit 0.3, b 0.7\n"
                       "[unit b]\ncapacity = 6\nstay = exp(2d)\nnext = c 1\n"
                       "[unit c]\ncapacity = 5\nstay = exp(1d)\nnext = a 0.6, exit 0.4\n"
                       "[unit d]\ncapacity = 30\nstay = exp(2d)\nnext = exit 1\n";
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet", file("tri.ini", text), out("tri"));
    assert_int_equal(tu_run(cmd, NULL, &err), 0);
    char *w = warnings_of(out("tri"));
    if (!strstr(w, "warning = deadlock: units a, b, c froze in "))
        fail_msg("no three-unit deadlock: %s", w);
    assert_null(strstr(w, "demand outran"));
    assert_null(strstr(w, "did not outrun"));
    char want[256], *pa = validate_pct(file("tri.ini", text), "a"),
                    *pb = validate_pct(file("tri.ini", text), "b"),
                    *pc = validate_pct(file("tri.ini", text), "c");
    assert_non_null(pa), assert_non_null(pb), assert_non_null(pc);
    assert_string_equal(pb, "121%");
    snprintf(want, sizeof want,
             "the routing between them locks, and demand also exceeds capacity: a was offered %s "
             "of its capacity, b %s, c %s by validate's rough-cut load (",
             pa, pb, pc);
    if (!strstr(w, want)) fail_msg("no '%s': %s", want, w);
    free(pa), free(pb), free(pc);
    free(w);
    free(err);
}

/* Heavily loaded, and no freeze: a unit blocked by a full care home whose residents do leave,
 * and the cycle itself when eab's queue has patience (a blocked patient gives up, so the
 * units never lock). Neither is called a deadlock; the first names the care home. */
static void loaded_but_moving_is_not_a_deadlock(void **s) {
    (void)s;
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s'", file("ch.ini", carehome), out("ch"));
    assert_int_equal(tu_run(cmd, NULL, &err), 0);
    assert_null(strstr(err, "deadlock"));
    assert_non_null(strstr(err, "flowsim: warning: unit acute: its queue grew without settling in "
                                "4 of 4 replications"));
    assert_non_null(strstr(err, "its places were held by patients waiting for home, so home's "
                                "capacity downstream is the constraint, not acute's"));
    struct tu_row r;
    assert_int_equal(tu_summary(out("ch"), "", "deadlocked_pct", &r), 0);
    assert_close(r.mean, 0, 0);
    free(err);
    err = NULL;
    snprintf(cmd, sizeof cmd,
             "run '%s' -o '%s' --quiet --set eab.patience='exp(2d)' --set scenario.horizon=800d",
             file("cycle.ini", cycle), out("patient"));
    assert_int_equal(tu_run(cmd, NULL, &err), 0);
    char *w = warnings_of(out("patient"));
    assert_null(strstr(w, "deadlock"));
    free(w);
    assert_int_equal(tu_summary(out("patient"), "", "deadlocked_pct", &r), 0);
    assert_close(r.mean, 0, 0);
    free(err);
}

/* A capacity rise frees the frozen units (eab to 100 places in 2030, day 1821): the freeze
 * ends with it, and deadlocked_pct says so day by day. */
static void a_capacity_rise_thaws_it(void **s) {
    (void)s;
    char sched[4300];
    snprintf(sched, sizeof sched, "%s/eab_beds.csv", dir);
    tu_write(sched, "date,capacity\n2025-01-06,16\n2030-01-01,100\n");
    const char *text = "[scenario]\nname = thaw\nstart = 2025-01-06\nhorizon = 2500d\n"
                       "warmup = 30d\nreplications = 6\nseed = 4\n"
                       "[arrivals emergency]\nto = acute\nrate = 4/d\n"
                       "[unit acute]\nkind = acute\ncapacity = 20\n"
                       "stay = exp(3d)\nnext = exit 0.5, eab 0.5\n"
                       "[unit eab]\nkind = step_down\ncapacity_schedule = eab_beds.csv\n"
                       "stay = exp(5d)\n"
                       "next = exit 0.6, acute 0.4\n";
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet", file("thaw.ini", text), out("thaw"));
    if (tu_run(cmd, NULL, &err) != 0) fail_msg("%s", err);
    char *w = warnings_of(out("thaw"));
    assert_non_null(strstr(w, "warning = deadlock: units acute, eab froze in 6 of 6 "));
    /* The thaw and the freeze that came back are told, not only the freeze at the horizon. */
    if (!strstr(w, "; 6 thawed when places were added, 6 of them froze again "))
        fail_msg("no thaw told: %s", w);
    assert_non_null(strstr(w, "6 were frozen at the horizon"));
    free(w);
    /* Frozen the whole of the day before the rise, free the day after (and, with acute's
     * backlog of thousands served first, eab later fills with patients waiting for acute and
     * freezes again: told as frozen at the horizon). */
    char path[4300];
    snprintf(path, sizeof path, "%s/timeseries.csv", out("thaw"));
    char *ts = tu_read(path);
    assert_non_null(ts);
    assert_non_null(strstr(ts, "thaw,1,1820,2029-12-31,,deadlocked_pct,100\n"));
    assert_non_null(strstr(ts, "thaw,1,1822,2030-01-02,,deadlocked_pct,0\n"));
    free(ts);
    free(err);
}

/* Acute rises from 20 to 40 beds on day 725 (a capacity_schedule): replications frozen before
 * it thaw, and some freeze again; the warning counts both and says how long the thaw lasted,
 * and a replication that first froze after the rise is not counted as thawed. */
static void a_freeze_that_comes_back_is_told(void **s) {
    (void)s;
    char sched[4300];
    snprintf(sched, sizeof sched, "%s/acute_beds.csv", dir);
    tu_write(sched, "date,capacity\n2025-01-06,20\n2027-01-01,40\n");
    const char *text = "[scenario]\nname = rise\nstart = 2025-01-06\nhorizon = 1000d\n"
                       "warmup = 30d\nreplications = 12\nseed = 4\ninterval = 1d\n"
                       "[arrivals emergency]\nto = acute\nrate = 4/d\n"
                       "[unit acute]\nkind = acute\ncapacity_schedule = acute_beds.csv\n"
                       "stay = exp(3d)\nnext = exit 0.5, eab 0.5\n"
                       "[unit eab]\nkind = step_down\ncapacity = 16\nstay = exp(5d)\n"
                       "next = exit 0.6, acute 0.4\n";
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet", file("rise.ini", text), out("rise"));
    if (tu_run(cmd, NULL, &err) != 0) fail_msg("%s", err);
    char *w = warnings_of(out("rise"));
    const char *p = strstr(w, "warning = deadlock: units acute, eab froze in ");
    if (!p) fail_msg("no deadlock: %s", w);
    int frozen, nrep, thawed, again, lo, hi, end;
    assert_int_equal(
        sscanf(p, "warning = deadlock: units acute, eab froze in %d of %d ", &frozen, &nrep), 2);
    p = strstr(p, "so nobody could move; ");
    assert_non_null(p);
    if (sscanf(p,
               "so nobody could move; %d thawed when places were added, %d of them froze again "
               "%d to %d days later; %d were frozen at the horizon: ",
               &thawed, &again, &lo, &hi, &end) != 5)
        fail_msg("thaws not told: %s", w);
    assert_int_equal(nrep, 12);
    assert_true(thawed >= 1 && thawed <= frozen);
    assert_true(again >= 1 && again <= thawed);
    assert_true(0 <= lo && lo <= hi && hi < 1000 - 725);
    assert_true(end >= again && end <= frozen);
    free(w);
    free(err);
}

/* The same warnings, byte for byte, on 1 or 2 threads, as one run or as parts merged, and
 * (with an MPI build) over 2 ranks. */
static void warnings_are_the_same_however_the_run_is_split(void **s) {
    (void)s;
    const char *ini[] = {file("cycle.ini", cycle), NULL, NULL};
    static char ch[4200], over[4200];
    snprintf(ch, sizeof ch, "%s", file("ch.ini", carehome));
    ini[1] = ch;
    /* A cycle offered more than its capacity (b 2.4/d x 2 d on 2 places): the loads the
     * warning gives travel in the parts' diagnostics too. */
    snprintf(over, sizeof over, "%s",
             file("over.ini", "[scenario]\nname = over\nhorizon = 400d\nseed = 9\n"
                              "[arrivals x]\nto = a\nrate = 2/d\n"
                              "[unit a]\ncapacity = 4\nstay = exp(1d)\nnext = exit 0.3, b 0.7\n"
                              "[unit b]\ncapacity = 2\nstay = exp(2d)\nnext = a 0.5, exit 0.5\n"));
    ini[2] = over;
    for (int k = 0; k < 3; k++) {
        const char *o1 = out("s1"), *o2 = out("s2");
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet --threads 1 --replications 6", ini[k],
                 o1);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        snprintf(cmd, sizeof cmd, "run '%s' -o '%s' --quiet --threads 2 --replications 6", ini[k],
                 o2);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        char *a = warnings_of(o1), *b = warnings_of(o2);
        assert_true(strlen(a) > 0);
        if (k != 1 && !strstr(a, "was offered ")) fail_msg("no offered load: %s", a);
        assert_string_equal(a, b);
        free(b);
        const char *p1 = out("p1"), *p2 = out("p2"), *m = out("m");
        snprintf(cmd, sizeof cmd,
                 "run '%s' -o '%s' --quiet --replications 6 --replications-range 1:3", ini[k], p1);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        snprintf(cmd, sizeof cmd,
                 "run '%s' -o '%s' --quiet --replications 6 --replications-range 4:6", ini[k], p2);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        char *err = NULL;
        snprintf(cmd, sizeof cmd, "merge '%s' '%s' -o '%s'", p1, p2, m);
        assert_int_equal(tu_run(cmd, NULL, &err), 0);
        b = warnings_of(m);
        assert_string_equal(a, b);
        /* merge says them too */
        char first[200];
        snprintf(first, sizeof first, "flowsim: warning: %.120s", a + 10);
        assert_non_null(strstr(err, first));
        free(err);
        free(b);
#ifdef FLOWSIM_MPIEXEC
        const char *mpi =
            "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " FLOWSIM_MPIEXEC
            " -np 2 --oversubscribe";
        char args[8192];
        snprintf(args, sizeof args, "run '%s' -o '%s' --quiet --replications 6", ini[k],
                 out("mpi"));
        err = NULL;
        int rc = tu_run_under(mpi, args, NULL, &err);
        if (rc != 0) fail_msg("mpirun: exit %d: %s", rc, err ? err : "");
        free(err);
        b = warnings_of(out("mpi"));
        assert_string_equal(a, b);
        free(b);
#endif
        free(a);
    }
}

/* compare and sweep: each variant's warnings, on stderr and in run-info, named by variant. */
static void compare_and_sweep_keep_their_variants_warnings(void **s) {
    (void)s;
    static char ch[4200], ch2[4200];
    snprintf(ch, sizeof ch, "%s", file("ch.ini", carehome));
    char text[2048];
    snprintf(text, sizeof text,
             "[scenario]\nextends = ch.ini\nname = roomy\n"
             "[unit home]\ncapacity = 80\n");
    snprintf(ch2, sizeof ch2, "%s", file("roomy.ini", text));
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s' --threads 2", ch, ch2, out("cmp"));
    if (tu_run(cmd, NULL, &err) != 0) fail_msg("%s", err);
    assert_non_null(strstr(err, "flowsim: warning: variant ch: unit acute: its queue grew"));
    /* roomy's acute queue settles; its care home, filling from empty with no warm-up, drifts
     * up over the report period (the trend test's warning, a real one). */
    assert_null(strstr(err, "variant roomy: unit acute:"));
    assert_non_null(strstr(err, "variant roomy: unit home: drifting over the report period"));
    char *w = warnings_of(out("cmp"));
    assert_non_null(strstr(w, "warning = variant ch: unit acute: its queue grew without settling "
                              "in 4 of 4 replications"));
    free(w);
    /* and each variant's trend test, a line a unit, the verdict after the last ": " */
    char path[4400];
    snprintf(path, sizeof path, "%s/run-info", out("cmp"));
    char *info = tu_read(path);
    assert_non_null(strstr(info, "\nstationarity = variant roomy: home: change +"));
    assert_non_null(strstr(info, "\nstationarity = variant ch: acute: "));
    free(info);
    free(err);
    err = NULL;
    char grid[4300];
    snprintf(grid, sizeof grid, "%s/grid.csv", dir);
    tu_write(grid, "variant,home.capacity\nsmall,20\nbig,80\n");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' -o '%s' --threads 2", ch, grid, out("sw"));
    if (tu_run(cmd, NULL, &err) != 0) fail_msg("%s", err);
    assert_non_null(strstr(err, "flowsim: warning: variant small: unit acute: its queue grew"));
    w = warnings_of(out("sw"));
    assert_non_null(strstr(w, "warning = variant small: unit acute: its queue grew"));
    free(w);
    snprintf(path, sizeof path, "%s/run-info", out("sw"));
    info = tu_read(path);
    assert_non_null(strstr(info, "\nstationarity = variant big: home: "));
    free(info);
    char sub[4300];
    snprintf(sub, sizeof sub, "%s/small", out("sw"));
    w = warnings_of(sub);
    assert_non_null(strstr(w, "warning = unit acute: its queue grew"));
    free(w);
    free(err);
}

int main(void) {
    dir = tu_tmpdir("deadlock");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cycle_deadlock_is_reported_as_frozen),
        cmocka_unit_test(three_unit_cycle_names_its_units),
        cmocka_unit_test(loaded_but_moving_is_not_a_deadlock),
        cmocka_unit_test(a_capacity_rise_thaws_it),
        cmocka_unit_test(a_freeze_that_comes_back_is_told),
        cmocka_unit_test(warnings_are_the_same_however_the_run_is_split),
        cmocka_unit_test(compare_and_sweep_keep_their_variants_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
