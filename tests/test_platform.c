/* The operating-system layer (sim/platform.h) keeps POSIX's contracts: the Linux build's own
 * calls, checked here for what flowsim relies on (the Windows side is checked under wine by
 * tools/windows/check). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/platform.h"
#include "testutil.h"

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void getline_keeps_newlines_and_a_last_line_without_one(void **s) {
    (void)s;
    char path[4200];
    snprintf(path, sizeof path, "%s/lines.txt", tu_tmpdir("platform-lines"));
    write_file(path, "ab\n\nlast");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    assert_int_equal(plat_getline(&line, &cap, f), 3);
    assert_string_equal(line, "ab\n");
    assert_int_equal(plat_getline(&line, &cap, f), 1);
    assert_string_equal(line, "\n");
    assert_int_equal(plat_getline(&line, &cap, f), 4);
    assert_string_equal(line, "last");
    assert_int_equal(plat_getline(&line, &cap, f), -1);
    free(line);
    fclose(f);
}

static void memstream_gives_back_what_was_written(void **s) {
    (void)s;
    char *text = NULL;
    size_t len = 0;
    FILE *f = plat_memstream_open(&text, &len);
    assert_non_null(f);
    for (int i = 0; i < 1000; i++) fprintf(f, "line %d\n", i); /* more than any one buffer */
    assert_int_equal(plat_memstream_close(f, &text, &len), 0);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(text, "line 0\nline 1\n", 14);
    assert_non_null(strstr(text, "line 999\n"));
    free(text);
}

static void a_locked_folder_is_refused_to_a_second_try_until_unlocked(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("platform-lock");
    int a = plat_lock_dir(dir, PLAT_LOCK_TRY);
    assert_true(a >= 0);
    errno = 0;
    assert_int_equal(plat_lock_dir(dir, PLAT_LOCK_TRY | PLAT_LOCK_NOFOLLOW), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    plat_unlock_dir(a);
    int b = plat_lock_dir(dir, PLAT_LOCK_WAIT);
    assert_true(b >= 0);
    plat_unlock_dir(b);
    plat_unlock_dir(-1); /* accepted */
    char file[4200];
    snprintf(file, sizeof file, "%s/not-a-folder", dir);
    write_file(file, "x");
    assert_int_equal(plat_lock_dir(file, PLAT_LOCK_TRY), -1);
}

static void mkdtemp_realpath_and_rename_over_a_file(void **s) {
    (void)s;
    const char *dir = tu_tmpdir("platform-files");
    char tmpl[4200], real[PLAT_PATH_MAX], a[4300], b[4300];
    snprintf(tmpl, sizeof tmpl, "%s/t-XXXXXX", dir);
    assert_ptr_equal(plat_mkdtemp(tmpl), tmpl);
    assert_null(strstr(tmpl, "XXXXXX"));
    struct stat sb;
    assert_int_equal(plat_lstat(tmpl, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    char dotted[4300];
    snprintf(dotted, sizeof dotted, "%s/./../%s", tmpl, strrchr(tmpl, '/') + 1);
    assert_ptr_equal(plat_realpath(dotted, real), real);
    char *want = plat_realpath(tmpl, NULL);
    assert_string_equal(real, want);
    free(want);
    errno = 0;
    snprintf(a, sizeof a, "%s/none", tmpl);
    assert_null(plat_realpath(a, NULL));
    assert_int_equal(errno, ENOENT);
    snprintf(a, sizeof a, "%s/a", tmpl);
    snprintf(b, sizeof b, "%s/b", tmpl);
    write_file(a, "new");
    write_file(b, "old");
    assert_int_equal(plat_rename(a, b), 0); /* replaces b, as POSIX rename does */
    char *got = tu_read(b);
    assert_string_equal(got, "new");
    free(got);
    assert_int_equal(plat_link(b, a), 0);
    assert_int_equal(plat_mkdir(a, 0777), -1);
    assert_int_equal(errno, EEXIST);
}

static void small_things(void **s) {
    (void)s;
    assert_true(plat_cores() >= 1);
    time_t t = 86400 * 366; /* 1971-01-02 00:00:00 UTC */
    struct tm tm;
    assert_ptr_equal(plat_gmtime(&t, &tm), &tm);
    assert_int_equal(tm.tm_year, 71);
    assert_int_equal(tm.tm_yday, 1);
    void *p = plat_aligned_alloc(128, 256);
    assert_non_null(p);
    assert_int_equal((size_t)p % 128, 0);
    plat_aligned_free(p);
    plat_aligned_free(NULL);
    assert_true(plat_disk_full(ENOSPC));
    assert_false(plat_disk_full(EACCES));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(getline_keeps_newlines_and_a_last_line_without_one),
        cmocka_unit_test(memstream_gives_back_what_was_written),
        cmocka_unit_test(a_locked_folder_is_refused_to_a_second_try_until_unlocked),
        cmocka_unit_test(mkdtemp_realpath_and_rename_over_a_file),
        cmocka_unit_test(small_things),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
