#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "models/table.h"

void tu_assert_close(double a, double b, double tol, const char *expr, const char *file, int line) {
    if (!(fabs(a - b) <= tol)) {
        print_error("%s = %.10g, expected %.10g +- %.3g\n", expr, a, b, tol);
        _fail(file, line);
    }
}

static char buf_dir[4096];

const char *tu_tmpdir(const char *name) {
    snprintf(buf_dir, sizeof buf_dir, "%s/%s", FLOWSIM_TEST_TMP, name);
    char cmd[8300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", buf_dir, buf_dir);
    if (system(cmd) != 0) fail_msg("cannot make %s", buf_dir);
    return buf_dir;
}

static char buf_src[4096];

const char *tu_src(const char *rel) {
    snprintf(buf_src, sizeof buf_src, "%s/%s", FLOWSIM_SOURCE_DIR, rel);
    return buf_src;
}

void tu_write(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

char *tu_read(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

int tu_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

size_t tu_count_lines(const char *text) {
    size_t n = 0;
    for (; *text; text++) n += *text == '\n';
    return n;
}

int tu_run(const char *args, char **out, char **errout) {
    return tu_run_under("", args, out, errout);
}

int tu_run_under(const char *prefix, const char *args, char **out, char **errout) {
    static int counter;
    char o[4096], e[4096], cmd[16384];
    mkdir(FLOWSIM_TEST_TMP, 0777);
    snprintf(o, sizeof o, "%s/run-%d-%d.out", FLOWSIM_TEST_TMP, (int)getpid(), counter);
    snprintf(e, sizeof e, "%s/run-%d-%d.err", FLOWSIM_TEST_TMP, (int)getpid(), counter++);
    snprintf(cmd, sizeof cmd, "%s '%s' %s >'%s' 2>'%s'", prefix, FLOWSIM_BIN, args, o, e);
    int st = system(cmd);
    if (out) *out = tu_read(o);
    if (errout) *errout = tu_read(e);
    remove(o);
    remove(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int tu_rep_means(const char *dir, const char *unit, const char *metric, double *out, int max) {
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err) != 0) fail_msg("%s", err);
    double sum[1024] = {0};
    int cnt[1024] = {0}, nrep = 0;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        if (r->n < 7 || strcmp(r->field[4], unit) || strcmp(r->field[5], metric)) continue;
        int rep = atoi(r->field[1]);
        if (rep < 1 || rep > max || rep > 1024) fail_msg("replication %d out of range", rep);
        if (!r->field[6][0]) fail_msg("%s.%s has an empty cell: not a rate", unit, metric);
        sum[rep - 1] += strtod(r->field[6], NULL);
        cnt[rep - 1]++;
        if (rep > nrep) nrep = rep;
    }
    table_fini(&t);
    for (int k = 0; k < nrep; k++) out[k] = cnt[k] ? sum[k] / cnt[k] : NAN;
    return nrep;
}

void tu_paired_ci(const double *a, const double *b, int n, double *lo, double *hi) {
    double m = 0, v = 0;
    for (int i = 0; i < n; i++) m += (b[i] - a[i]) / n;
    for (int i = 0; i < n; i++) v += (b[i] - a[i] - m) * (b[i] - a[i] - m) / (n - 1);
    double h = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(v / n);
    *lo = m - h;
    *hi = m + h;
}

static double num(const char *s) {
    return *s ? strtod(s, NULL) : NAN;
}

int tu_summary(const char *dir, const char *unit, const char *metric, struct tu_row *row) {
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    struct table t;
    if (table_read(path, &t, err, sizeof err) != 0) fail_msg("%s", err);
    int found = -1;
    for (size_t i = 1; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        const char *u = r->n > 1 ? r->field[1] : "";
        if (r->n >= 3 && !strcmp(u, unit) && !strcmp(r->field[2], metric)) {
            /* Trailing empty columns are dropped by the reader: treat them as empty. */
            const char *f[8];
            for (int k = 0; k < 8; k++) f[k] = (size_t)k < r->n ? r->field[k] : "";
            row->mean = num(f[3]);
            row->sd = num(f[4]);
            row->lo = num(f[5]);
            row->hi = num(f[6]);
            row->n = atoi(f[7]);
            found = 0;
        }
    }
    table_fini(&t);
    if (found)
        fail_msg("summary.csv in %s has no row for unit '%s' metric '%s'", dir, unit, metric);
    return found;
}

/* The whole file at path, its length in *len (NUL bytes and all), or NULL. */
static char *read_bytes(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) free(b);
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

/* The line of text[0..len) that holds byte at: its number (from 1), start and length. */
static size_t line_at(const char *text, size_t len, size_t at, const char **start, int *n) {
    size_t line = 1, s = 0;
    for (size_t i = 0; i < at && i < len; i++)
        if (text[i] == '\n') line++, s = i + 1;
    size_t e = s;
    while (e < len && text[e] != '\n') e++;
    *start = text + s;
    *n = (int)(e - s > 300 ? 300 : e - s); /* a line of the report, not a whole file */
    return line;
}

void tu_assert_same_files(const char *d1, const char *d2, const char *const *names,
                          const char *file, int line) {
    int differ = 0;
    for (; *names; names++) {
        char p1[4200], p2[4200];
        snprintf(p1, sizeof p1, "%s/%s", d1, *names);
        snprintf(p2, sizeof p2, "%s/%s", d2, *names);
        size_t n1 = 0, n2 = 0;
        char *a = read_bytes(p1, &n1), *b = read_bytes(p2, &n2);
        if (!a || !b) {
            print_error("%s: missing %s\n", *names, !a ? p1 : p2);
            differ++;
        } else if (n1 != n2 || memcmp(a, b, n1)) {
            /* The first differing byte, and the line holding it in each file. */
            size_t at = 0;
            while (at < n1 && at < n2 && a[at] == b[at]) at++;
            const char *la, *lb;
            int wa, wb;
            size_t ln = line_at(a, n1, at, &la, &wa);
            line_at(b, n2, at, &lb, &wb);
            print_error("%s differs from line %zu (%zu and %zu bytes):\n  %s: %.*s%s\n  %s: "
                        "%.*s%s\n",
                        *names, ln, n1, n2, p1, wa, la, at >= n1 ? "(end of file)" : "", p2, wb, lb,
                        at >= n2 ? "(end of file)" : "");
            differ++;
        }
        free(a);
        free(b);
    }
    if (differ) {
        print_error("%d file(s) differ between %s and %s\n", differ, d1, d2);
        _fail(file, line);
    }
}

double tu_erlang_c(int c, double a) {
    double b = 1;
    for (int k = 1; k <= c; k++) b = a * b / (k + a * b);
    return b / (1 - a / c * (1 - b));
}
