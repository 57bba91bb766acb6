/* scenario.resolved.ini (and calibrated.ini, written by the same function) always loads back:
 * no line over inih's 196 characters, long values broken at spaces across continuation lines
 * that the loader joins back byte for byte, and a value that cannot be broken refused where it
 * entered (its file and line, or its --set). resolve(resolve(x)) == resolve(x) for every
 * shipped scenario. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/scenario.h"
#include "testutil.h"

static const char *dir;
static char err[8192];

static int setup(void **s) {
    (void)s;
    dir = tu_tmpdir("test_resolved");
    return 0;
}

static const char *put(const char *name, const char *text) {
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    tu_write(p, text);
    return p;
}

/* sc's resolved file, written to DIR/name; its text (the caller frees). */
static char *resolve(const struct scenario *sc, const char *name, char *path, size_t len) {
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(scenario_write_resolved(sc, f, 0), 0);
    fclose(f);
    char *text = tu_read(path);
    assert_non_null(text);
    return text;
}

/* Every line of text within inidoc.c's 196 characters. */
static void assert_lines_fit(const char *text, const char *what) {
    for (const char *l = text; *l;) {
        size_t n = strcspn(l, "\n");
        if (n > 196) fail_msg("%s: a line of %zu characters: %.60s...", what, n, l);
        l += n + (l[n] != 0);
    }
}

/* The scenario at path (with sets) resolves, loads back and resolves to the same bytes;
 * returns the first resolved text (the caller frees). */
static char *round_trip(const char *path, const char *const *sets, size_t nsets) {
    struct scenario *sc = scenario_load(path, sets, nsets, err, sizeof err);
    if (!sc) fail_msg("%s: %s", path, err);
    char a[4096], b[4096];
    char *ta = resolve(sc, "a.resolved.ini", a, sizeof a);
    scenario_free(sc);
    assert_lines_fit(ta, path);
    sc = scenario_load(a, NULL, 0, err, sizeof err);
    if (!sc) fail_msg("%s resolved does not load back: %s", path, err);
    char *tb = resolve(sc, "b.resolved.ini", b, sizeof b);
    scenario_free(sc);
    if (strcmp(ta, tb)) fail_msg("%s: resolve(resolve(x)) differs from resolve(x)", path);
    free(tb);
    return ta;
}

static void every_shipped_scenario_resolves_to_itself(void **s) {
    (void)s;
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "find '%s/scenarios' '%s/tests/scenarios' -name '*.ini' | sort",
             FLOWSIM_SOURCE_DIR, FLOWSIM_SOURCE_DIR);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        free(round_trip(line, NULL, 0));
        n++;
    }
    pclose(p);
    assert_true(n >= 20);
}

#define HEAD "[scenario]\nhorizon = 30d\n\n[arrivals a]\nto = hub\nrate = 5/d\n\n"

/* Sixteen wards named w..._NN after a hub whose next lists them all across continuation lines
 * (some 400 characters joined). */
static const char *long_next_scenario(const char *name, const char *group) {
    static char text[16384];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n, "%s", HEAD);
    if (group)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "[group %s]\nshare = 0.5\n\n[group other]\nshare = 0.5\n\n", group);
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "[unit hub]\ncapacity = inf\nstay = exp(1d)\n%s%s = ",
                          group ? "next = exit 1\nnext." : "next", group ? group : "");
    for (int i = 0; i < 16; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sward_number_%02d 0.0625%s",
                              i ? "    " : "", i, i < 15 ? ",\n" : "\n");
    for (int i = 0; i < 16; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "\n[unit ward_number_%02d]\ncapacity = inf\nstay = exp(2d)\n", i);
    return put(name, text);
}

static void a_long_next_is_written_across_continuation_lines(void **s) {
    (void)s;
    char *text = round_trip(long_next_scenario("longnext.ini", NULL), NULL, 0);
    /* Broken after a comma, each part on an indented line. */
    assert_non_null(strstr(text, "next = ward_number_00 0.0625, ward_number_01 0.0625, "));
    assert_non_null(strstr(text, "0.0625,\n    ward_number_"));
    free(text);
    /* The value loaded back is the one given, byte for byte. */
    struct scenario *sc =
        scenario_load(long_next_scenario("longnext.ini", NULL), NULL, 0, err, sizeof err);
    assert_non_null(sc);
    const char *given = doc_get(doc_section(&sc->doc, "hub"), "next")->value;
    char a[4096];
    free(resolve(sc, "a.resolved.ini", a, sizeof a));
    struct scenario *back = scenario_load(a, NULL, 0, err, sizeof err);
    assert_non_null(back);
    assert_string_equal(doc_get(doc_section(&back->doc, "hub"), "next")->value, given);
    assert_int_equal(back->unit[0].next.n, 16);
    scenario_free(back);
    scenario_free(sc);
}

/* A KEY.GROUP of more than 49 characters (inih passes a continuation's key cut to its
 * MAX_NAME of 50) is continued all the same. */
static void a_long_group_key_is_continued(void **s) {
    (void)s;
    char group[64];
    memset(group, 'g', 55);
    group[55] = 0;
    struct scenario *sc =
        scenario_load(long_next_scenario("longgroup.ini", group), NULL, 0, err, sizeof err);
    if (!sc) fail_msg("%s", err);
    assert_int_equal(sc->unit[0].g[0].next.n, 16);
    assert_int_equal(sc->unit[0].g[1].next.n, 1);
    scenario_free(sc);
    free(round_trip(long_next_scenario("longgroup.ini", group), NULL, 0));
}

/* A value whose first part does not fit beside its key starts on a line of its own (an empty
 * value continued is the continuation alone): a table path of 180 characters. */
static void a_long_path_goes_on_its_own_line(void **s) {
    (void)s;
    char sub[256], csv[512], ini[1024], text[2048];
    size_t room = 180 - strlen(dir) - 1 - strlen("/s.csv"); /* an absolute path of 180 */
    assert_true(room > 10 && room < 200);
    memset(sub, 'd', room);
    sub[room] = 0;
    snprintf(csv, sizeof csv, "%s/%s", dir, sub);
    mkdir(csv, 0777);
    snprintf(csv, sizeof csv, "%s/%s/s.csv", dir, sub);
    tu_write(csv, "date,capacity\n2025-01-01,5\n");
    assert_int_equal(strlen(csv), 180);
    snprintf(text, sizeof text,
             "[scenario]\nhorizon = 30d\n\n[arrivals a]\nto = ward\nrate = 2/d\n\n"
             "[unit ward]\ncapacity_schedule = %s/s.csv\nstay = exp(2d)\n",
             sub);
    snprintf(ini, sizeof ini, "%s", put("longpath.ini", text));
    char *r = round_trip(ini, NULL, 0);
    char want[1024];
    snprintf(want, sizeof want, "capacity_schedule =\n    %s\n", csv);
    assert_non_null(strstr(r, want));
    free(r);
}

/* Where a value cannot be broken (no space in 193 characters) it is refused where it entered,
 * not written into a results folder whose scenario cannot run again. */
static void an_unbreakable_path_is_refused_at_load(void **s) {
    (void)s;
    char sub[256], csv[512], text[2048];
    size_t room = 200 - strlen(dir) - 1 - strlen("/s.csv"); /* an absolute path of 200 */
    memset(sub, 'e', room);
    sub[room] = 0;
    snprintf(csv, sizeof csv, "%s/%s", dir, sub);
    mkdir(csv, 0777);
    snprintf(csv, sizeof csv, "%s/%s/s.csv", dir, sub);
    tu_write(csv, "date,capacity\n2025-01-01,5\n");
    snprintf(text, sizeof text,
             "[scenario]\nhorizon = 30d\n\n[arrivals a]\nto = ward\nrate = 2/d\n\n"
             "[unit ward]\ncapacity_schedule = %s/s.csv\nstay = exp(2d)\n",
             sub);
    const char *ini = put("longpath.ini", text);
    assert_null(scenario_load(ini, NULL, 0, err, sizeof err));
    char want[4096];
    snprintf(want, sizeof want,
             "%s:9: capacity_schedule: expected at most 192 characters without a space (here "
             "200): longer cannot be written back into scenario.resolved.ini",
             ini);
    assert_string_equal(err, want);
}

static void a_700_character_name_is_refused_at_set(void **s) {
    (void)s;
    const char *ini = put("named.ini", HEAD "[unit hub]\ncapacity = inf\nstay = exp(1d)\n");
    char set[1024];
    int n = snprintf(set, sizeof set, "scenario.name=");
    memset(set + n, 'n', 700);
    set[n + 700] = 0;
    const char *sets[] = {set};
    assert_null(scenario_load(ini, sets, 1, err, sizeof err));
    char want[2048];
    snprintf(want, sizeof want,
             "--set %s: name: expected at most 192 characters without a space (here 700): "
             "longer cannot be written back into scenario.resolved.ini",
             set);
    assert_string_equal(err, want);
    /* With spaces, as long, it is written across lines and loads back as given. */
    for (int i = n + 9; i < n + 690; i += 10) set[i] = ' ';
    char *r = round_trip(ini, sets, 1);
    struct scenario *sc = scenario_load(ini, sets, 1, err, sizeof err);
    assert_non_null(sc);
    assert_string_equal(sc->name, set + n);
    scenario_free(sc);
    free(r);
}

/* A --set value is read as a file's line is: " ; comment" dropped (as " # comment" was), so
 * nothing in it reads back as a comment; a line break cannot be written at all. */
static void set_values_read_as_a_file_line(void **s) {
    (void)s;
    const char *ini = put("named.ini", HEAD "[unit hub]\ncapacity = inf\nstay = exp(1d)\n");
    const char *sets[] = {"scenario.name=winter plan ; B"};
    struct scenario *sc = scenario_load(ini, sets, 1, err, sizeof err);
    assert_non_null(sc);
    assert_string_equal(sc->name, "winter plan");
    scenario_free(sc);
    const char *broken[] = {"scenario.name=two\nlines"};
    assert_null(scenario_load(ini, broken, 1, err, sizeof err));
    assert_string_equal(err, "--set scenario.name=two\nlines: name: expected one line of text: a "
                             "line break cannot be written back into scenario.resolved.ini");
}

/* In a file, a "; comment" after a continued part is a comment too (inih kept it). */
static void a_comment_on_a_continuation_line_is_dropped(void **s) {
    (void)s;
    const char *ini = put("contcomment.ini", "[scenario]\nhorizon = 30d\nname = winter ; one\n"
                                             "    plan ; two\n\n[arrivals a]\nto = hub\n"
                                             "rate = 5/d\n\n[unit hub]\ncapacity = inf\n"
                                             "stay = exp(1d)\n");
    struct scenario *sc = scenario_load(ini, NULL, 0, err, sizeof err);
    if (!sc) fail_msg("%s", err);
    assert_string_equal(sc->name, "winter plan");
    scenario_free(sc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shipped_scenario_resolves_to_itself),
        cmocka_unit_test(a_long_next_is_written_across_continuation_lines),
        cmocka_unit_test(a_long_group_key_is_continued),
        cmocka_unit_test(a_long_path_goes_on_its_own_line),
        cmocka_unit_test(an_unbreakable_path_is_refused_at_load),
        cmocka_unit_test(a_700_character_name_is_refused_at_set),
        cmocka_unit_test(set_values_read_as_a_file_line),
        cmocka_unit_test(a_comment_on_a_continuation_line_is_dropped),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
