/* testutil.h — shared test helpers: a double comparison cmocka 1.1.5 lacks, running the
 * flowsim binary, and reading its CSV outputs. */
#ifndef FS_TESTUTIL_H
#define FS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

/* |a - b| <= tol, with a message naming both values. */
#define assert_close(a, b, tol) tu_assert_close((a), (b), (tol), #a, __FILE__, __LINE__)
void tu_assert_close(double a, double b, double tol, const char *expr, const char *file, int line);

/* Run the flowsim binary with a shell-quoted argument string; stdout and stderr are captured
 * into the returned buffers (caller frees). Returns the exit status. */
int tu_run(const char *args, char **out, char **errout);
/* The same with a command in front of the binary (mpirun -np 2, say). */
int tu_run_under(const char *prefix, const char *args, char **out, char **errout);

/* A fresh empty folder under the build tree for one test. */
const char *tu_tmpdir(const char *name);

/* Path of a file in the source tree. */
const char *tu_src(const char *rel);

/* Write text to path. */
void tu_write(const char *path, const char *text);
char *tu_read(const char *path); /* whole file, or NULL */

/* Whether path exists (a file or a folder). */
int tu_exists(const char *path);

/* The number of newlines in text. */
size_t tu_count_lines(const char *text);

/* Each file named in names (a NULL-terminated list) has the same bytes in d1 and d2; each one
 * that differs is reported with its first differing line in both, then the test fails. */
#define assert_same_files(d1, d2, names)                                                           \
    tu_assert_same_files((d1), (d2), (names), __FILE__, __LINE__)
void tu_assert_same_files(const char *d1, const char *d2, const char *const *names,
                          const char *file, int line);

/* summary.csv of dir: the mean (or other column) of (unit, metric); NAN if absent or empty. */
struct tu_row {
    double mean, sd, lo, hi;
    int n;
};
int tu_summary(const char *dir, const char *unit, const char *metric, struct tu_row *row);

/* Per-replication means of (unit, metric) over timeseries.csv's buckets into out[0..max-1];
 * returns the number of replications found. With equal-length buckets this is the whole-run
 * value of a rate or a time-average (not of a mean over patients, such as wait_mean). Empty
 * cells are an error: rates and time-averages are always defined. */
int tu_rep_means(const char *dir, const char *unit, const char *metric, double *out, int max);

/* 95% paired-t interval of b[i] - a[i], i < n. */
void tu_paired_ci(const double *a, const double *b, int n, double *lo, double *hi);

/* Erlang C: the probability that an arrival waits in an M/M/c queue offered a = lambda / mu
 * (a < c), by the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)); C = B / (1 - (a/c)(1 - B)).
 */
double tu_erlang_c(int c, double a);

#endif
