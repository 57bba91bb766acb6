/* metrics.csv, the data dictionary of every results folder (output/dictionary.c): each kind of
 * folder — run (with --by-group), a part and its merge, compare, sweep and its variants,
 * reproduce, calibrate — has one, naming exactly the metrics its data files hold, once per
 * scope; each row's unit of measure, definition, source and range are the registry's
 * (models/metrics.def) and each metric is documented in docs/model.md's Metrics tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/metrics.h"
#include "models/table.h"
#include "output/dictionary.h"
#include "sim/core.h"
#include "testutil.h"

static char cmd[16384];

static void read_table(const char *dir, const char *name, struct table *t) {
    char path[4400], err[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (table_read(path, t, err, sizeof err) != 0) fail_msg("%s", err);
}

/* "U:name" or "S:name", freshly allocated: a metric's key in its scope. */
static char *key_of(const char *name, int system) {
    return fs_sprintf("%c:%s", system ? 'S' : 'U', name);
}

struct keys {
    char **v;
    size_t n;
};

static int keys_has(const struct keys *k, const char *s) {
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(k->v[i], s)) return 1;
    return 0;
}

static void keys_add(struct keys *k, char *s) {
    if (keys_has(k, s)) {
        fs_free(s);
        return;
    }
    k->v = fs_realloc(k->v, (k->n + 1) * sizeof *k->v);
    k->v[k->n++] = s;
}

static void keys_fini(struct keys *k) {
    for (size_t i = 0; i < k->n; i++) fs_free(k->v[i]);
    fs_free(k->v);
    *k = (struct keys){0};
}

/* The (scope, metric) pairs of a data file: its unit and metric columns named in the header;
 * only rows whose column only_col equals only (calibration.csv's targets), when given. */
static void data_keys(const char *dir, const char *file, const char *unit_col, const char *only_col,
                      const char *only, struct keys *k) {
    struct table t;
    read_table(dir, file, &t);
    int uc = table_column(&t.row[0], unit_col), mc = table_column(&t.row[0], "metric");
    int oc = only_col ? table_column(&t.row[0], only_col) : -1;
    assert_true(uc >= 0 && mc >= 0 && (!only_col || oc >= 0));
    for (size_t i = 1; i < t.n; i++) {
        if (only && strcmp(table_field(&t.row[i], oc), only)) continue;
        keys_add(k, key_of(table_field(&t.row[i], mc), !*table_field(&t.row[i], uc)));
    }
    table_fini(&t);
}

/* The range column read back as numbers, "[0, inf)" -> 0, inf: checked against metric_bounds,
 * what every interval is cut at, rather than against a second copy of the text. */
static void range_of(const char *text, double *lo, double *hi) {
    char a[32], b[32];
    if (sscanf(text, "%*[[(]%31[^,], %31[^])]", a, b) != 2) fail_msg("range '%s'", text);
    *lo = strtod(a, NULL), *hi = strtod(b, NULL);
}

/* The definition a row should have: the registry's, with a per-target name's target in place
 * of UNIT or DEST, and a per-group name's group named. Built here, apart from dictionary.c. */
static char *want_definition(const struct metric_def *d, const char *name) {
    size_t len = strlen(d->name);
    if (!strcmp(name, d->name)) return fs_strdup(d->definition);
    if (d->when == MW_PER_AWAITED || d->when == MW_PER_DEST) {
        const char *word = d->when == MW_PER_AWAITED ? "UNIT" : "DEST";
        const char *at = strstr(d->definition, word);
        assert_non_null(at); /* the registry says where the target goes */
        return fs_sprintf("%.*s%s%s", (int)(at - d->definition), d->definition, name + len, at + 4);
    }
    assert_true(name[len] == '.');
    return fs_sprintf("%s; patients of case-mix group %s only", d->definition, name + len + 1);
}

/* docs/model.md's Metrics section (up to its first subsection), caller frees. */
static char *metrics_section(void) {
    char *doc = tu_read(tu_src("docs/model.md"));
    assert_non_null(doc);
    char *start = strstr(doc, "\n## Metrics\n");
    assert_non_null(start);
    char *end = strstr(start + 3, "\n### ");
    char *sec = fs_sprintf("%.*s", (int)(end ? end - start : (long)strlen(start)), start);
    free(doc);
    return sec;
}

/* Whether the Metrics table of the scope has a row whose first cell names `doc` (the name as
 * the docs write it: delayed_days_awaiting_UNIT, a group's metric by its own name). */
static int documented(const char *sec, const char *doc, int system) {
    const char *head = system ? "\n| system metric |" : "\n| metric |";
    const char *t = strstr(sec, head);
    if (!t) return 0;
    char *tick = fs_sprintf("`%s`", doc);
    int found = 0;
    for (const char *l = strchr(t + 1, '\n'); l && l[1] == '|' && !found; l = strchr(l + 1, '\n')) {
        const char *cell_end = strstr(l + 2, " |");
        const char *at = strstr(l + 2, tick);
        found = at && cell_end && at < cell_end;
    }
    fs_free(tick);
    return found;
}

/* dir/metrics.csv against the registry and the docs; each row's key into k, once. */
static void check_rows(const char *dir, const char *sec, struct keys *k) {
    struct table t;
    read_table(dir, DICT_FILE, &t);
    const char *cols[] = {"metric", "unit_of_measure", "scope", "definition", "source", "range"};
    assert_int_equal(t.row[0].n, 6);
    for (int c = 0; c < 6; c++) assert_string_equal(t.row[0].field[c], cols[c]);
    assert_true(t.n > 1);
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        const char *name = table_field(r, 0), *scope = table_field(r, 2);
        assert_true(!strcmp(scope, "unit") || !strcmp(scope, "system"));
        int system = !strcmp(scope, "system");
        char *key = key_of(name, system);
        if (keys_has(k, key)) fail_msg("%s/metrics.csv: %s twice", dir, key);
        keys_add(k, key);
        const struct metric_def *d = metric_lookup(name, system);
        if (!d) fail_msg("%s/metrics.csv: %s is no registry metric", dir, name);
        assert_string_equal(table_field(r, 1), d->measure);
        char *def = want_definition(d, name);
        assert_string_equal(table_field(r, 3), def);
        fs_free(def);
        assert_string_equal(table_field(r, 4), d->source);
        assert_true(strlen(d->source) > 0);
        double lo, hi, blo, bhi;
        range_of(table_field(r, 5), &lo, &hi);
        metric_bounds(name, system, &blo, &bhi);
        assert_true(lo == blo && hi == bhi);
        char *doc = fs_sprintf("%s%s", d->name,
                               d->when == MW_PER_AWAITED ? "UNIT"
                               : d->when == MW_PER_DEST  ? "DEST"
                                                         : "");
        if (!documented(sec, doc, system))
            fail_msg("%s (%s) is in metrics.csv but not in docs/model.md's Metrics tables", name,
                     doc);
        fs_free(doc);
    }
    table_fini(&t);
}

/* The two key sets are the same: every metric of the data has its one row and every row is a
 * metric of the data. */
static void assert_same_keys(const char *what, const struct keys *data, const struct keys *dict) {
    for (size_t i = 0; i < data->n; i++)
        if (!keys_has(dict, data->v[i])) fail_msg("%s: %s has no row", what, data->v[i]);
    for (size_t i = 0; i < dict->n; i++)
        if (!keys_has(data, dict->v[i]))
            fail_msg("%s: row %s is in no data file", what, dict->v[i]);
}

/* A folder's dictionary against its data files (the first, and the second when given, each
 * naming exactly the dictionary's metrics) and run-info's list of the result's files. The
 * calibrate folder's data file is calibration.csv, its target rows (kind = target). */
static void check_folder(const char *dir, const char *file, const char *file2, const char *unit_col,
                         const char *only_col, const char *only) {
    char *sec = metrics_section();
    struct keys dict = {0}, data = {0};
    check_rows(dir, sec, &dict);
    data_keys(dir, file, unit_col, only_col, only, &data);
    assert_same_keys(file, &data, &dict);
    keys_fini(&data);
    if (file2) {
        data_keys(dir, file2, unit_col, NULL, NULL, &data);
        assert_same_keys(file2, &data, &dict);
        keys_fini(&data);
    }
    keys_fini(&dict);
    free(sec);
    char path[4400];
    snprintf(path, sizeof path, "%s/run-info", dir);
    char *info = tu_read(path);
    assert_non_null(info);
    /* A published folder's list of its files names it (a sweep's variant folder has none:
     * the sweep's folders line names it, and its files are flowsim's by name). */
    char *files = strstr(info, "\nfiles = ");
    if (files) {
        files[strcspn(files + 1, "\n") + 1] = 0;
        assert_non_null(strstr(files, " metrics.csv"));
    }
    free(info);
}

#define SHORT "--set scenario.horizon=40d --set scenario.warmup=10d --replications 2 --quiet"

static const char *in(const char *dir, const char *name) {
    static char p[4400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* A run with every metric and --by-group; two parts of it and their merge. */
static void a_run_a_part_and_a_merge_list_exactly_their_metrics(void **s) {
    (void)s;
    char d[4200], ini[4200];
    snprintf(d, sizeof d, "%s", tu_tmpdir("dict_run"));
    snprintf(ini, sizeof ini, "%s", tu_src("tests/scenarios/everything.ini"));
    snprintf(cmd, sizeof cmd, "run '%s' " SHORT " --by-group -o '%s'", ini, in(d, "run"));
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    check_folder(in(d, "run"), "summary.csv", "timeseries.csv", "unit", NULL, NULL);
    /* --by-group's rows are there, each with its group's words */
    char *dict = tu_read(in(d, "run/metrics.csv"));
    assert_non_null(strstr(dict, "\noccupancy.frail,patients,unit,"));
    free(dict);
    for (int p = 1; p <= 2; p++) {
        char part[16];
        snprintf(part, sizeof part, "p%d", p);
        snprintf(cmd, sizeof cmd,
                 "run '%s' " SHORT " --by-group --replications-range %d:%d -o '%s'", ini, p, p,
                 in(d, part));
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    }
    check_folder(in(d, "p1"), "summary.csv", "timeseries.csv", "unit", NULL, NULL);
    char p1[4400];
    snprintf(p1, sizeof p1, "%s", in(d, "p1"));
    char p2[4400];
    snprintf(p2, sizeof p2, "%s", in(d, "p2"));
    snprintf(cmd, sizeof cmd, "merge '%s' '%s' -o '%s' --quiet", p1, p2, in(d, "merged"));
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    check_folder(in(d, "merged"), "summary.csv", "timeseries.csv", "unit", NULL, NULL);
    /* The merged run's dictionary is the whole run's, byte for byte. */
    char *a = tu_read(in(d, "merged/metrics.csv"));
    char *b = tu_read(in(d, "run/metrics.csv"));
    assert_string_equal(a, b);
    free(a), free(b);
}

/* compare of two scenarios with different units (the union of their metrics), a sweep (its
 * sweep.csv and each variant's folder), reproduce and calibrate. */
static void compare_sweep_reproduce_and_calibrate_folders_have_theirs(void **s) {
    (void)s;
    char d[4200], demo[4200], every[4200], mmc[4200];
    snprintf(d, sizeof d, "%s", tu_tmpdir("dict_other"));
    snprintf(demo, sizeof demo, "%s", tu_src("scenarios/demo.ini"));
    snprintf(every, sizeof every, "%s", tu_src("tests/scenarios/everything.ini"));
    snprintf(mmc, sizeof mmc, "%s", tu_src("scenarios/validation/mmc.ini"));
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' " SHORT " -o '%s'", demo, every, in(d, "cmp"));
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    check_folder(in(d, "cmp"), "comparison.csv", NULL, "unit", NULL, NULL);

    tu_write(in(d, "grid.csv"), "variant,eab.capacity\nsmall,20\nlarge,40\n");
    char grid[4400];
    snprintf(grid, sizeof grid, "%s", in(d, "grid.csv"));
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s' " SHORT " --by-group -o '%s'", every, grid,
             in(d, "sw"));
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    check_folder(in(d, "sw"), "sweep.csv", NULL, "unit", NULL, NULL);
    check_folder(in(d, "sw/small"), "summary.csv", "timeseries.csv", "unit", NULL, NULL);
    check_folder(in(d, "sw/large"), "summary.csv", "timeseries.csv", "unit", NULL, NULL);

    tu_write(in(d, "fig.csv"), "quantity,unit,metric,review_value,tolerance,low,high\n"
                               "occ,acute,occupancy_pct,50,wide,0,100\n");
    char fig[4400];
    snprintf(fig, sizeof fig, "%s", in(d, "fig.csv"));
    snprintf(cmd, sizeof cmd, "reproduce '%s' --expect '%s' " SHORT " -o '%s'", demo, fig,
             in(d, "rep"));
    int rc = tu_run(cmd, NULL, NULL);
    assert_true(rc == 0 || rc == 3); /* a figure not reproduced is still a results folder */
    check_folder(in(d, "rep"), "summary.csv", "timeseries.csv", "unit", NULL, NULL);

    tu_write(in(d, "t.csv"), "unit,metric,target,weight\nservers,occupancy,7,1\n,in_system,7,1\n");
    tu_write(in(d, "v.csv"), "key,low,high\npoisson.rate,4,9.5\n");
    char t[4400], v[4400];
    snprintf(t, sizeof t, "%s", in(d, "t.csv"));
    snprintf(v, sizeof v, "%s", in(d, "v.csv"));
    snprintf(cmd, sizeof cmd,
             "calibrate '%s' --targets '%s' --vary '%s' -o '%s' --replications 2 "
             "--set scenario.horizon=30d --set scenario.warmup=5d --max-evals 3 --quiet",
             mmc, t, v, in(d, "cal"));
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    check_folder(in(d, "cal"), "calibration.csv", NULL, "unit_or_key", "kind", "target");
}

/* The writer itself: a name once per scope (cost_per_day is a unit's and the system's), the
 * registry's order whatever the order added, and a name of no metric kept with empty cells. */
static void the_dictionary_is_ordered_by_the_registry_and_once_per_scope(void **s) {
    (void)s;
    struct dict d = {0};
    dict_add(&d, "cost_per_day", 1);
    dict_add(&d, "delayed_days_awaiting_b", 0);
    dict_add(&d, "occupancy", 0);
    dict_add(&d, "delayed_days_awaiting_a", 0);
    dict_add(&d, "cost_per_day", 0);
    dict_add(&d, "occupancy", 0);
    dict_add(&d, "no_such_metric", 0);
    assert_int_equal(d.n, 6);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    dict_put(&d, f);
    assert_int_equal(fclose(f), 0);
    dict_fini(&d);
    const char *order[] = {"\noccupancy,",
                           "\ndelayed_days_awaiting_b,",
                           "\ndelayed_days_awaiting_a,",
                           "\ncost_per_day,£ per day,unit,",
                           "\ncost_per_day,£ per day,system,",
                           "\nno_such_metric,,unit,,,\n"};
    const char *at = buf;
    for (int i = 0; i < 6; i++) {
        const char *p = strstr(at, order[i]);
        if (!p) fail_msg("%s not after the row before it in:\n%s", order[i], buf);
        at = p + 1;
    }
    assert_int_equal(strncmp(buf, DICT_HEADER, strlen(DICT_HEADER)), 0);
    free(buf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_dictionary_is_ordered_by_the_registry_and_once_per_scope),
        cmocka_unit_test(a_run_a_part_and_a_merge_list_exactly_their_metrics),
        cmocka_unit_test(compare_sweep_reproduce_and_calibrate_folders_have_theirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
