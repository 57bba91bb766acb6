/* The results-folder contract (output/outdir.h, README "Results folder"): files created, never
 * written through what is there; names that cannot escape the folder; the folder the user made
 * kept; a whole result at every step of a publication, even under kill -9; nothing left behind;
 * sweeps and compares published as one; no row cut; no formula in a cell; an exit status for
 * each kind of failure. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/csvout.h"
#include "output/outdir.h"
#include "sim/core.h"
#include "testutil.h"

static char cmd[16384];

#define SMALL                                                                                      \
    "[scenario]\nname = small\nhorizon = 40d\nreplications = 3\nseed = 7\n"                        \
    "[arrivals a]\nto = ward\nrate = 20/d\n"                                                       \
    "[unit ward]\ncapacity = 50\nstay = lognormal(2d, 1d)\nnext = exit 1\n"

/* A fresh scratch folder (a copy of tu_tmpdir's, which is reused) with small.ini in it. */
static const char *scratch(const char *name, char *buf, size_t len) {
    snprintf(buf, len, "%s", tu_tmpdir(name));
    char p[4300];
    snprintf(p, sizeof p, "%s/small.ini", buf);
    tu_write(p, SMALL);
    return buf;
}

static char *path_in(const char *dir, const char *name) {
    static char p[8][4400];
    static int k;
    k = (k + 1) % 8;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static int sh(const char *fmt, const char *a, const char *b) {
    char line[16384];
    snprintf(line, sizeof line, fmt, a, b);
    return system(line);
}

static int is_regular(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int entries_like(const char *dir, const char *pattern) { /* ls -A | grep -c */
    char line[8192];
    snprintf(line, sizeof line, "test $(ls -A '%s' | grep -c -- '%s') -gt 0", dir, pattern);
    return system(line) == 0;
}

/* Run flowsim (args, after the shell words in prefix) and check its exit status and that its
 * stderr holds want. */
static void expect_exit(const char *prefix, const char *args, int want_rc, const char *want) {
    char *err = NULL;
    int rc = tu_run_under(prefix, args, NULL, &err);
    if (rc != want_rc || !err || !strstr(err, want))
        fail_msg("%s: exit %d, '%s'; expected %d and '%s'", args, rc, err ? err : "", want_rc,
                 want);
    free(err);
}

/* ---- 1. created, never opened through what is there ---- */

static void a_symlink_at_any_temporary_or_final_name_is_never_written_through(void **s) {
    (void)s;
    char d[4096];
    scratch("folders_symlink", d, sizeof d);
    char victim[4400];
    snprintf(victim, sizeof victim, "%s/victim", d);
    tu_write(victim, "precious data\n");
    /* The names flowsim used before (fixed .NAME.tmp), and a final name. */
    const char *plant[][2] = {{"out", ".report.html.tmp"},     {"cmp", ".comparison.csv.tmp"},
                              {"sw", ".sweep.csv.tmp"},        {"cal", ".calibrated.ini.tmp"},
                              {"cal", ".calibration.csv.tmp"}, {"rep", "report.html"}};
    for (size_t i = 0; i < sizeof plant / sizeof *plant; i++) {
        mkdir(path_in(d, plant[i][0]), 0777);
        char link[4500];
        snprintf(link, sizeof link, "%s/%s/%s", d, plant[i][0], plant[i][1]);
        assert_int_equal(symlink(victim, link), 0);
    }
    const char *ini = path_in(d, "small.ini");
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/out' --report --quiet", ini, d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "compare '%s' '%s' -o '%s/cmp' --quiet", ini, ini, d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    tu_write(path_in(d, "grid.csv"), "ward.capacity\n50\n40\n");
    snprintf(cmd, sizeof cmd, "sweep '%s' --grid '%s/grid.csv' -o '%s/sw' --quiet", ini, d, d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    tu_write(path_in(d, "t.csv"), "unit,metric,target,weight\nward,occupancy,30,1\n");
    tu_write(path_in(d, "v.csv"), "key,low,high\nward.capacity,10,60\n");
    snprintf(cmd, sizeof cmd,
             "calibrate '%s' --targets '%s/t.csv' --vary '%s/v.csv' -o '%s/cal' --quiet "
             "--max-evals 5",
             ini, d, d, d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/rep' --quiet", ini, d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    /* A link at a name the result uses is not the result's: refused, neither followed nor
     * replaced. */
    char *err = NULL;
    snprintf(cmd, sizeof cmd, "report '%s/rep'", d);
    assert_int_equal(tu_run(cmd, NULL, &err), 73);
    assert_non_null(
        strstr(err, "report.html: something that is not a plain file (a link, a pipe) is where"));
    free(err);
    snprintf(cmd, sizeof cmd, "run '%s' -o '%s/rep' --report --quiet", ini, d);
    assert_int_equal(tu_run(cmd, NULL, NULL), 73);
    char *v = tu_read(victim);
    assert_string_equal(v, "precious data\n");
    free(v);
    assert_true(is_regular(path_in(d, "out/report.html")));
    assert_true(is_regular(path_in(d, "cmp/comparison.csv")));
    assert_true(is_regular(path_in(d, "sw/sweep.csv")));
    assert_true(is_regular(path_in(d, "cal/calibrated.ini")));
    assert_false(is_regular(path_in(d, "rep/report.html")));
}

/* ---- 2. names ---- */

static void names_that_are_not_a_folder_name_are_refused(void **s) {
    (void)s;
    char d[4096], prefix[4300];
    scratch("folders_names", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    tu_write(path_in(d, "notes.txt"), "mine\n");
    struct {
        const char *args, *want;
    } bad[] = {
        {"run small.ini --set scenario.name=..", "scenario name '..': expected a name that can"},
        {"run small.ini --set scenario.name=.", "scenario name '.': expected a name that can"},
        {"compare small.ini small.ini --set scenario.name=..", "scenario name '..'"},
        {"sweep small.ini --grid dots.csv", "dots.csv:3: variant '..': expected a name that"},
        {"sweep small.ini --grid apart.csv", "apart.csv:3: variant 'a_b': expected a name apart "
                                             "from line 2's 'a b' (both make the folder name "
                                             "'a_b')"},
        {"sweep small.ini --grid ctl.csv", "ctl.csv:3: variant: expected a name without control "
                                           "characters"},
        {"run small.ini --set scenario.name=" /* 160 characters (at most 192 load) */
         "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
         "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
         "at most 128 characters); or give the results folder with -o DIR"},
    };
    tu_write(path_in(d, "dots.csv"), "variant,ward.capacity\nok,50\n..,40\n");
    tu_write(path_in(d, "apart.csv"), "variant,ward.capacity\na b,50\na_b,40\n");
    tu_write(path_in(d, "ctl.csv"), "variant,ward.capacity\n\"a\nb\",50\n");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_exit(prefix, bad[i].args, 2, bad[i].want);
    /* Nothing was written anywhere: no results folder, the working folder as it was. */
    assert_int_equal(
        sh("cd '%s' && test \"$(ls -A)\" = \"$(printf '%%s\\n' apart.csv ctl.csv dots.csv "
           "notes.txt small.ini)\"",
           d, ""),
        0);
    /* Any other label maps to one safe name under results/. */
    assert_int_equal(
        tu_run_under(prefix, "run small.ini --quiet --set 'scenario.name=a/../b c'", NULL, NULL),
        0);
    assert_true(is_regular(path_in(d, "results/a_.._b_c/summary.csv")));
    char out[OUTDIR_LABEL_MAX + 1], err[512];
    assert_int_equal(outdir_label("x", ".hidden", out, sizeof out, err, sizeof err), FS_OK);
    assert_string_equal(out, "_hidden");
    assert_int_equal(outdir_label("x", "", out, sizeof out, err, sizeof err), FS_EINPUT);
    /* A character is one '_' however many bytes it has in UTF-8 ("✓" 3, "é" 2, "😀" 4); a
     * stray continuation byte is one too. */
    assert_int_equal(
        outdir_label("x", "Ward \u2713 50 \u2013 plan", out, sizeof out, err, sizeof err), FS_OK);
    assert_string_equal(out, "Ward___50___plan");
    assert_int_equal(
        outdir_label("x", "caf\u00e9\U0001F600\x80x", out, sizeof out, err, sizeof err), FS_OK);
    assert_string_equal(out, "caf___x");
    /* Shown as given only when printable UTF-8. */
    assert_true(outdir_printable("Ward \u2713 50 \u2013 plan"));
    const char *unprintable[] = {"a\tb",
                                 "a\x1b[31m",
                                 "a\x7f",
                                 "a\xc2\x85"
                                 "b",
                                 "a\xc2\x9b"
                                 "b",
                                 "a\u202eb",
                                 "a\u2066b",
                                 "ab\xff",
                                 "a\x80",
                                 "\xc0\xaf",
                                 "\xe2\x9c"};
    for (size_t i = 0; i < sizeof unprintable / sizeof *unprintable; i++)
        assert_false(outdir_printable(unprintable[i]));
}

/* ---- 3. the folder the user made ---- */

static void publishing_keeps_the_folder_the_user_made(void **s) {
    (void)s;
    char d[4096];
    scratch("folders_keep", d, sizeof d);
    const char *team = path_in(d, "team");
    mkdir(team, 0777);
    chmod(team, 02775);
    struct stat before, after;
    assert_int_equal(stat(team, &before), 0);
    snprintf(cmd, sizeof cmd, "run '%s/small.ini' -o '%s' --quiet", d, team);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0); /* a re-run */
    assert_int_equal(stat(team, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_int_equal(after.st_mode & 07777, 02775);
    /* -o . from inside the folder, with the steps that follow publication. */
    char prefix[4400];
    snprintf(prefix, sizeof prefix, "cd '%s' &&", team);
    snprintf(cmd, sizeof cmd, "run ../small.ini -o . --report --quiet");
    assert_int_equal(tu_run_under(prefix, cmd, NULL, NULL), 0);
    assert_true(is_regular(path_in(team, "report.html")));
    snprintf(cmd, sizeof cmd, "compare ../small.ini ../small.ini -o . --report --quiet");
    assert_int_equal(tu_run_under(prefix, cmd, NULL, NULL), 0);
    assert_true(is_regular(path_in(team, "comparison.csv")));
    tu_write(
        path_in(d, "expect.csv"),
        "quantity,unit,metric,review_value,tolerance,low,high\nocc,ward,occupancy,38,5,0,100\n");
    snprintf(cmd, sizeof cmd, "reproduce ../small.ini --expect ../expect.csv -o . --quiet");
    int rc = tu_run_under(prefix, cmd, NULL, NULL);
    assert_true(rc == 0 || rc == 3);
    assert_true(is_regular(path_in(team, "reproduction.csv")));
    /* Nothing was made beside the folder: its parent is not written. */
    assert_false(entries_like(d, "^.team"));
    /* New folders (and their parents) get the umask's mode, like mkdir's. */
    snprintf(prefix, sizeof prefix, "cd '%s' && umask 002 &&", d);
    assert_int_equal(tu_run_under(prefix, "run small.ini -o new/deeper --quiet", NULL, NULL), 0);
    assert_int_equal(stat(path_in(d, "new/deeper"), &after), 0);
    assert_int_equal(after.st_mode & 07777, 0775);
    assert_int_equal(stat(path_in(d, "new"), &after), 0);
    assert_int_equal(after.st_mode & 07777, 0775);
}

/* A mount point cannot be renamed over, and a folder in a read-only parent cannot have a
 * sibling: results go into them all the same. Each part runs where the machine allows it (a
 * tmpfs mount needs root with CAP_SYS_ADMIN; a read-only parent needs a user that permissions
 * bind, so root runs that part as nobody). */
static void a_mount_point_or_a_folder_in_a_read_only_parent_takes_results(void **s) {
    (void)s;
    char d[4096], line[16384];
    scratch("folders_mount", d, sizeof d);
    chmod(d, 0755);
    chmod(path_in(d, "small.ini"), 0644);
    const char *mnt = path_in(d, "mnt");
    mkdir(mnt, 0777);
    snprintf(line, sizeof line, "mount -t tmpfs tmpfs '%s' 2>/dev/null", mnt);
    if (system(line) == 0) {
        snprintf(cmd, sizeof cmd, "run '%s/small.ini' -o '%s' --quiet", d, mnt);
        int rc1 = tu_run(cmd, NULL, NULL), rc2 = tu_run(cmd, NULL, NULL);
        int ok = is_regular(path_in(mnt, "summary.csv"));
        snprintf(line, sizeof line, "umount '%s'", mnt);
        assert_int_equal(system(line), 0);
        assert_int_equal(rc1, 0);
        assert_int_equal(rc2, 0);
        assert_true(ok);
    } else {
        print_message("(no tmpfs mount here: the mount point part is skipped)\n");
    }
    const char *ro = path_in(d, "ro");
    mkdir(ro, 0777);
    mkdir(path_in(ro, "out"), 0777);
    chmod(path_in(ro, "out"), 0777);
    chmod(ro, 0555);
    const char *as = getuid() != 0 ? "" : "runuser -u nobody --";
    /* nobody must reach the binary and the scenario (not so in a tree under /root). */
    snprintf(line, sizeof line, "%s test -x '%s' -a -r '%s/small.ini' 2>/dev/null", as, FLOWSIM_BIN,
             d);
    if (system(line) != 0) as = NULL;
    if (as) {
        snprintf(line, sizeof line, "%s '%s' run '%s/small.ini' -o '%s/out' --quiet", as,
                 FLOWSIM_BIN, d, ro);
        assert_int_equal(system(line), 0);
        assert_true(is_regular(path_in(ro, "out/summary.csv")));
    } else {
        print_message("(nobody cannot run flowsim here: the read-only parent part is skipped)\n");
    }
    chmod(ro, 0755);
}

/* ---- 4. a whole result at every step, and nothing left behind ---- */

/* The files of a result folder (and one level of sub-folders), name and content, sorted; the
 * lines of run-info that differ from run to run (the clock) and report.html (which flowsim
 * report rewrites, and adds to run-info's list) left out. */
static char *snapshot(const char *dir) {
    char line[8192], out[4400];
    snprintf(out, sizeof out, "%s.snap", dir);
    snprintf(line, sizeof line,
             "cd '%s' && for f in $(ls -A | sort) $(ls -d */* 2>/dev/null | sort); do "
             "test -f \"$f\" && test \"$f\" != report.html && { echo \"== $f\"; grep -v -e "
             "'^finished_utc' -e "
             "'^wall_seconds' \"$f\" | sed '/^files = /s/ report.html//'; }; done > '%s'",
             dir, out);
    if (system(line) != 0) fail_msg("cannot list %s", dir);
    return tu_read(out);
}

/* Kill -9 at each change a publication makes (FLOWSIM_TEST_KILL_AT=n), until one finishes:
 * after each, the next command that writes there (flowsim report, which reports on it) finds
 * the previous result or the new one, whole, and the user's file as it was. */
static void kill_at_every_step(const char *d, const char *first, const char *second,
                               const char *folder) {
    char prefix[4400], result[4400];
    snprintf(result, sizeof result, "%s", folder);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    assert_int_equal(tu_run_under(prefix, first, NULL, NULL), 0);
    tu_write(path_in(result, "notes.txt"), "mine\n");
    char *old = snapshot(result);
    assert_int_equal(tu_run_under(prefix, second, NULL, NULL), 0);
    char *fresh = snapshot(result);
    assert_string_not_equal(old, fresh);
    int n = 1, restored = 0, kept = 0;
    for (;; n++) {
        assert_int_equal(tu_run_under(prefix, first, NULL, NULL), 0);
        free(old);
        old = snapshot(result);
        char killer[4600];
        snprintf(killer, sizeof killer, "cd '%s' && FLOWSIM_TEST_KILL_AT=%d", d, n);
        int rc = tu_run_under(killer, second, NULL, NULL);
        if (rc == 0) break;
        if (rc != -1 && rc != 137) fail_msg("step %d: exit %d, not killed", n, rc);
        snprintf(cmd, sizeof cmd, "report '%s'", result);
        assert_int_equal(tu_run(cmd, NULL, NULL), 0);
        char *now = snapshot(result);
        if (!strcmp(now, old))
            restored++;
        else if (!strcmp(now, fresh))
            kept++;
        else
            fail_msg("killed at step %d: neither the previous result nor the new one:\n%s", n, now);
        free(now);
        assert_false(entries_like(result, "^.flowsim-stage-"));
        assert_false(entries_like(result, "restore"));
        if (n > 100) fail_msg("no publication finished in 100 steps");
    }
    if (!restored || !kept) fail_msg("%d steps: %d put back, %d new", n, restored, kept);
    free(old);
    free(fresh);
}

static void a_kill_at_every_step_of_a_publication_leaves_one_whole_result(void **s) {
    (void)s;
    char d[4096];
    scratch("folders_kill_steps", d, sizeof d);
    /* The previous run has a patient log, the new one none: the log must go or come back. */
    kill_at_every_step(d, "run small.ini -o res --quiet --patient-log --replications 2",
                       "run small.ini -o res --quiet --replications 3 --report", path_in(d, "res"));
}

static void a_kill_at_every_step_of_a_sweep_leaves_one_whole_sweep(void **s) {
    (void)s;
    char d[4096];
    scratch("folders_kill_sweep", d, sizeof d);
    tu_write(path_in(d, "g2.csv"), "variant,ward.capacity\nbase,50\nless,40\ngone,30\n");
    tu_write(path_in(d, "g3.csv"), "variant,ward.capacity\nbase,50\nless,35\nnew,45\n");
    /* A variant goes (gone), one comes (new), one changes (less). */
    kill_at_every_step(d, "sweep small.ini --grid g2.csv -o sw --quiet --seed 1",
                       "sweep small.ini --grid g3.csv -o sw --quiet --seed 2", path_in(d, "sw"));
    assert_false(entries_like(path_in(d, "sw"), "^gone$"));
}

static void stopped_runs_leave_nothing_behind(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_stopped", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    assert_int_equal(tu_run_under(prefix, "run small.ini -o res --quiet", NULL, NULL), 0);
    char *old = snapshot(path_in(d, "res"));
    /* SIGTERM and SIGHUP are handled as Ctrl-C is: 128 + the signal, nothing left. */
    const int sig[] = {SIGTERM, SIGHUP, SIGINT};
    for (int i = 0; i < 3; i++) {
        char line[8192];
        snprintf(line, sizeof line,
                 "cd '%s' && { '%s' run small.ini -o res --replications 100000 --quiet "
                 "--patient-log 2>/dev/null & p=$!; sleep 0.4; kill -%d $p; wait $p; "
                 "test $? = %d; }",
                 d, FLOWSIM_BIN, sig[i], 128 + sig[i]);
        if (system(line) != 0) fail_msg("signal %d: not exit %d", sig[i], 128 + sig[i]);
        assert_false(entries_like(path_in(d, "res"), "^.flowsim-stage-"));
    }
    /* kill -9 leaves its staging folder; the next run removes it and says so. */
    char line[8192];
    snprintf(line, sizeof line,
             "cd '%s' && { '%s' run small.ini -o res --replications 100000 --quiet "
             "2>/dev/null & p=$!; sleep 0.4; kill -9 $p; wait $p; test $? = 137; }",
             d, FLOWSIM_BIN);
    assert_int_equal(system(line), 0);
    assert_true(entries_like(path_in(d, "res"), "^.flowsim-stage-"));
    char *now = snapshot(path_in(d, "res"));
    assert_string_equal(now, old);
    free(now);
    char *err = NULL;
    assert_int_equal(tu_run_under(prefix, "run small.ini -o res --replications 2", NULL, &err), 0);
    assert_non_null(strstr(err, "the staging folder of a run that was stopped"));
    free(err);
    assert_false(entries_like(path_in(d, "res"), "^.flowsim-stage-"));
    free(old);
    /* Private folders (an MPI rank's part): dead ones holding only flowsim's files go, one
     * holding anything else stays. */
    const char *tmp = path_in(d, "tmp");
    mkdir(tmp, 0777);
    mkdir(path_in(tmp, "flowsim-part-dead01"), 0777);
    tu_write(path_in(tmp, "flowsim-part-dead01/summary.csv"), "x\n");
    mkdir(path_in(tmp, "flowsim-part-user01"), 0777);
    tu_write(path_in(tmp, "flowsim-part-user01/thesis.tex"), "x\n");
    char buf[4400], msg[512];
    assert_int_equal(outdir_private(tmp, "flowsim-part-", buf, sizeof buf, msg, sizeof msg), 0);
    assert_false(entries_like(tmp, "dead01"));
    assert_true(entries_like(tmp, "user01"));
    outdir_remove(buf);
}

/* A dead run's staging folder kept because someone put a file in it: the previous result it
 * held is put back once, never again over a later result. */
static void a_result_put_back_once_is_never_put_back_again(void **s) {
    (void)s;
    char d[4096], prefix[4400], line[8192];
    scratch("folders_once", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    assert_int_equal(tu_run_under(prefix, "run small.ini -o k9 --quiet", NULL, NULL), 0);
    char killer[4600];
    snprintf(killer, sizeof killer, "cd '%s' && FLOWSIM_TEST_KILL_AT=4", d);
    int rc = tu_run_under(killer, "run small.ini -o k9 --quiet --seed 9", NULL, NULL);
    assert_true(rc == -1 || rc == 137);
    snprintf(line, sizeof line, "cd '%s'/k9/.flowsim-stage-* && echo mine > myfile.txt", d);
    assert_int_equal(system(line), 0);
    assert_int_equal(tu_run_under(prefix, "run small.ini -o k9 --quiet --seed 11", NULL, NULL), 0);
    assert_int_equal(tu_run_under(prefix, "report k9 --quiet", NULL, NULL), 0);
    assert_int_equal(tu_run_under(prefix, "run small.ini -o k9 --quiet --seed 12", NULL, NULL), 0);
    char *info = tu_read(path_in(d, "k9/run-info"));
    assert_non_null(strstr(info, "seed = 12\n"));
    free(info);
    snprintf(line, sizeof line, "cat '%s'/k9/.flowsim-stage-*/myfile.txt | grep -q mine", d);
    assert_int_equal(system(line), 0); /* and the user's file was not deleted */
    /* A file put in a dead run's .previous is not put back over the user's, and a run killed
     * before it changed anything (its run-info still there) has nothing to put back. */
    assert_int_equal(tu_run_under(prefix, "run small.ini -o r --quiet", NULL, NULL), 0);
    tu_write(path_in(d, "r/notes.txt"), "my notes\n");
    snprintf(killer, sizeof killer, "cd '%s' && FLOWSIM_TEST_KILL_AT=1", d);
    rc = tu_run_under(killer, "run small.ini -o r --quiet --seed 2", NULL, NULL);
    assert_true(rc == -1 || rc == 137);
    snprintf(line, sizeof line,
             "echo planted > \"$(echo '%s'/r/.flowsim-stage-*)/.previous/notes.txt\"", d);
    assert_int_equal(system(line), 0);
    char *err = NULL;
    assert_int_equal(tu_run_under(prefix, "run small.ini -o r --seed 3", NULL, &err), 0);
    assert_null(strstr(err, "put back"));
    free(err);
    char *notes = tu_read(path_in(d, "r/notes.txt"));
    assert_string_equal(notes, "my notes\n");
    free(notes);
}

/* A file of the user's at a name the result uses — one no run-info lists — is refused with
 * 73 before anything runs, never replaced: a page, a patient log, a summary, a link, a FIFO. */
static void files_of_the_user_at_the_results_names_are_refused_not_replaced(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_theirs", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    mkdir(path_in(d, "out"), 0777);
    tu_write(path_in(d, "out/report.html"), "my page\n");
    tu_write(path_in(d, "out/patients.csv"), "my patients\n");
    assert_int_equal(tu_run_under(prefix, "run small.ini -o out --quiet", NULL, NULL), 0);
    const struct {
        const char *args, *want;
    } cases[] = {
        {"run small.ini -o out --quiet --report", "out/report.html: a file of yours is where"},
        {"run small.ini -o out --quiet --patient-log", "out/patients.csv: a file of yours"},
        {"report out", "out/report.html: a file of yours is where the result puts"},
        {"run small.ini -o fresh --quiet", "fresh/summary.csv: a file of yours"},
        {"run small.ini -o fifo --quiet", "fifo/run-info: something that is not a plain file"},
        {"sweep small.ini --grid g.csv -o sw --quiet", "sw/b: a folder holding files of yours"},
    };
    mkdir(path_in(d, "fresh"), 0777);
    tu_write(path_in(d, "fresh/summary.csv"), "my summary\n");
    mkdir(path_in(d, "fifo"), 0777);
    assert_int_equal(mkfifo(path_in(d, "fifo/run-info"), 0666), 0);
    mkdir(path_in(d, "sw"), 0777);
    mkdir(path_in(d, "sw/b"), 0777);
    tu_write(path_in(d, "sw/b/summary.csv"), "my summary\n");
    tu_write(path_in(d, "g.csv"), "variant,ward.capacity\na,50\nb,40\n");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_exit(prefix, cases[i].args, 73, cases[i].want);
    const char *mine[][2] = {{"out/report.html", "my page\n"},
                             {"out/patients.csv", "my patients\n"},
                             {"fresh/summary.csv", "my summary\n"},
                             {"sw/b/summary.csv", "my summary\n"}};
    for (size_t i = 0; i < 4; i++) {
        char *t = tu_read(path_in(d, mine[i][0]));
        assert_string_equal(t, mine[i][1]);
        free(t);
    }
    assert_false(entries_like(path_in(d, "out"), "^.flowsim-stage-"));
    /* A report that fails lists nothing: a page of the user's made later stays the user's. */
    assert_int_equal(tu_run_under(prefix, "run small.ini -o dmg --quiet", NULL, NULL), 0);
    assert_int_equal(sh("echo 'x,y' >> '%s/dmg/timeseries.csv'", d, ""), 0);
    expect_exit(prefix, "report dmg", 2, "expected 7 columns");
    char *info = tu_read(path_in(d, "dmg/run-info"));
    assert_null(strstr(info, "report.html"));
    free(info);
    tu_write(path_in(d, "dmg/report.html"), "my page\n");
    assert_int_equal(tu_run_under(prefix, "run small.ini -o dmg --quiet --seed 3", NULL, NULL), 0);
    char *t = tu_read(path_in(d, "dmg/report.html"));
    assert_string_equal(t, "my page\n");
    free(t);
    /* Not a results folder (no run-info): nothing to report on, nothing written. */
    mkdir(path_in(d, "plain"), 0777);
    tu_write(path_in(d, "plain/timeseries.csv"),
             "scenario,replication,time,date,unit,metric,value\n");
    expect_exit(prefix, "report plain", 2, "not a flowsim results folder (no run-info)");
    assert_false(is_regular(path_in(d, "plain/report.html")));
}

/* Names that are not paths, labels that are flowsim's own file names, temporary files left by
 * a killed report: refused with 2, or cleaned by the next command. */
static void odd_names_and_leftovers_are_handled(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_odd", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    const struct {
        const char *args, *want;
    } bad[] = {
        {"report ''", "report: '': expected a results folder"},
        {"merge '' -o m", "merge: '': expected the folder of a part"},
        {"sweep small.ini --grid ri.csv -o sw", "ri.csv:2: variant 'run-info': expected a name "
                                                "that is not one of flowsim's files"},
    };
    tu_write(path_in(d, "ri.csv"), "variant,ward.capacity\nrun-info,50\nok,40\n");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_exit(prefix, bad[i].args, 2, bad[i].want);
    assert_false(entries_like(d, "^sw$"));
    assert_int_equal(tu_run_under(prefix, "run small.ini -o out --quiet", NULL, NULL), 0);
    tu_write(path_in(d, "out/.report.html.4242-0.tmp"), "half a page");
    tu_write(path_in(d, "out/.run-info.4242.add.tmp"), "half a run-info");
    tu_write(path_in(d, "out/.notes.tmp"), "the user's, not flowsim's");
    assert_int_equal(tu_run_under(prefix, "report out --quiet", NULL, NULL), 0);
    assert_false(entries_like(path_in(d, "out"), "4242"));
    assert_true(entries_like(path_in(d, "out"), "^.notes.tmp$"));
    char *info = tu_read(path_in(d, "out/run-info"));
    assert_non_null(strstr(info, "report.html"));
    free(info);
}

/* ---- 5. a sweep and a compare are one result ---- */

static void an_interrupted_sweep_or_compare_leaves_the_previous_one_whole(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_sweep", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    tu_write(path_in(d, "grid.csv"), "variant,ward.capacity\nbase,50\nless,40\nlots,60\n");
    assert_int_equal(
        tu_run_under(prefix, "sweep small.ini --grid grid.csv -o sw --quiet", NULL, NULL), 0);
    assert_int_equal(tu_run_under(prefix, "compare small.ini small.ini -o cmp --quiet", NULL, NULL),
                     0);
    char *sw = snapshot(path_in(d, "sw")), *cmp = snapshot(path_in(d, "cmp"));
    char line[8192];
    snprintf(line, sizeof line,
             "cd '%s' && { '%s' sweep small.ini --grid grid.csv -o sw --quiet --seed 9 "
             "--replications 100000 2>/dev/null & p=$!; sleep 0.5; kill -INT $p; wait $p; "
             "test $? = 130; } && { '%s' compare small.ini small.ini -o cmp --quiet --seed 9 "
             "--replications 100000 2>/dev/null & p=$!; sleep 0.5; kill -TERM $p; wait $p; "
             "test $? = 143; }",
             d, FLOWSIM_BIN, FLOWSIM_BIN);
    assert_int_equal(system(line), 0);
    char *sw2 = snapshot(path_in(d, "sw")), *cmp2 = snapshot(path_in(d, "cmp"));
    assert_string_equal(sw, sw2);
    assert_string_equal(cmp, cmp2);
    free(sw), free(sw2), free(cmp), free(cmp2);
    /* A sweep of fewer rows replaces the whole sweep: the old rows' folders go. */
    tu_write(path_in(d, "two.csv"), "variant,ward.capacity\nbase,50\nless,40\n");
    assert_int_equal(
        tu_run_under(prefix, "sweep small.ini --grid two.csv -o sw --quiet", NULL, NULL), 0);
    assert_false(entries_like(path_in(d, "sw"), "^lots$"));
    assert_true(is_regular(path_in(d, "sw/less/summary.csv")));
}

/* ---- 6. output that cannot be written correctly is refused, never written wrong ---- */

static int fields(const char *line) { /* a CSV line's fields, quotes respected */
    int n = 1, q = 0;
    for (; *line && *line != '\n'; line++)
        if (*line == '"')
            q = !q;
        else if (*line == ',' && !q)
            n++;
    return n;
}

static void every_row_has_every_column_whatever_the_names(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_long", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    char name[1001];
    memset(name, 'N', 1000);
    name[1000] = 0;
    for (int i = 99; i < 900; i += 100) name[i] = ' '; /* a name loads with at most 192 */
    snprintf(cmd, sizeof cmd, "run small.ini -o out --quiet --set 'scenario.name=%s'", name);
    assert_int_equal(tu_run_under(prefix, cmd, NULL, NULL), 0);
    snprintf(cmd, sizeof cmd, "compare small.ini small.ini -o cmp --quiet --set 'scenario.name=%s'",
             name);
    assert_int_equal(tu_run_under(prefix, cmd, NULL, NULL), 0);
    /* A comma in the name: one quoted cell, and the console's table still finds its rows. */
    char *out = NULL;
    assert_int_equal(tu_run_under(prefix,
                                  "run small.ini -o comma --set 'scenario.name=Winter, 2025'", &out,
                                  NULL),
                     0);
    assert_non_null(strstr(out, "\nward  occupancy_pct  %  ")); /* columns as wide as their cells */
    free(out);
    const struct {
        const char *file;
        int n;
    } want[] = {{"out/timeseries.csv", 7},
                {"out/warmup.csv", 7},
                {"out/summary.csv", 8},
                {"cmp/comparison.csv", 9}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char *t = tu_read(path_in(d, want[i].file));
        assert_non_null(t);
        int rows = 0;
        for (char *l = t; *l; l = strchr(l, '\n') + 1, rows++)
            if (fields(l) != want[i].n)
                fail_msg("%s row %d: %d fields, not %d", want[i].file, rows, fields(l), want[i].n);
        assert_true(rows > 1);
        free(t);
    }
}

static void sweep_and_compare_honour_the_per_patient_and_per_group_options(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_options", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    tu_write(path_in(d, "groups.ini"),
             SMALL "[group frail]\nshare = 0.4\n[group other]\nshare = 0.6\n");
    tu_write(path_in(d, "grid.csv"), "ward.capacity\n50\n40\n");
    assert_int_equal(tu_run_under(prefix,
                                  "sweep groups.ini --grid grid.csv -o sw --quiet --patient-log "
                                  "--by-group",
                                  NULL, NULL),
                     0);
    char *t = tu_read(path_in(d, "sw/40/patients.csv"));
    assert_non_null(t);
    free(t);
    t = tu_read(path_in(d, "sw/50/summary.csv"));
    assert_non_null(strstr(t, ".frail,"));
    free(t);
    assert_int_equal(
        tu_run_under(prefix, "compare groups.ini groups.ini -o cmp --quiet --by-group", NULL, NULL),
        0);
    t = tu_read(path_in(d, "cmp/comparison.csv"));
    assert_non_null(strstr(t, ".other,"));
    free(t);
    /* Without groups, --by-group is refused by every command, as run refuses it. */
    char *err = NULL;
    assert_int_equal(
        tu_run_under(prefix, "sweep small.ini --grid grid.csv -o sw2 --by-group", NULL, &err), 2);
    assert_non_null(strstr(err, "--by-group: the scenario has no [group NAME] sections"));
    free(err);
}

/* ---- 7. no formula in a cell ---- */

static void text_a_spreadsheet_would_run_is_written_as_text(void **s) {
    (void)s;
    const struct {
        const char *in, *out;
    } q[] = {{"=1+1", "'=1+1"}, {"@SUM(A1)", "'@SUM(A1)"}, {"+cmd", "'+cmd"},
             {"-2+3", "'-2+3"}, {"\tx", "'\tx"},           {"-3.5", "-3.5"},
             {"+1e3", "+1e3"},  {"ward", "ward"},          {"=a,b", "\"'=a,b\""},
             {"", ""}};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        char *got = csvout_quote(q[i].in);
        if (strcmp(got, q[i].out)) fail_msg("'%s' -> '%s', expected '%s'", q[i].in, got, q[i].out);
        fs_free(got);
    }
    char d[4096], prefix[4400];
    scratch("folders_formula", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    assert_int_equal(tu_run_under(prefix,
                                  "compare small.ini small.ini -o cmp --quiet "
                                  "--set 'scenario.name=@SUM(1+1)'",
                                  NULL, NULL),
                     0);
    char *t = tu_read(path_in(d, "cmp/comparison.csv"));
    assert_non_null(strstr(t, ",'@SUM(1+1),"));
    assert_null(strstr(t, ",@SUM"));
    free(t);
    assert_int_equal(
        tu_run_under(prefix, "run small.ini -o out --quiet --set 'scenario.name=-2+3'", NULL, NULL),
        0);
    t = tu_read(path_in(d, "out/timeseries.csv"));
    assert_non_null(strstr(t, "\n'-2+3,1,"));
    free(t);
}

/* ---- 8. exit statuses ---- */

/* ---- no name or path is ever cut (models/limits.h, "Buffers") ---- */

/* text holds needle whole: found, and followed by what should come after it. */
static void holds(const char *dir, const char *file, const char *needle, const char *after) {
    char *t = tu_read(path_in(dir, file));
    if (!t) fail_msg("%s/%s: missing", dir, file);
    size_t n = strlen(needle);
    int whole = 0;
    for (const char *p = t; !whole && (p = strstr(p, needle)); p++)
        whole = !strncmp(p + n, after, strlen(after));
    if (!whole)
        fail_msg("%s/%s: no '%.40s...' (%zu bytes) followed by '%s'", dir, file, needle, n, after);
    free(t);
}

static void long_names_are_whole_in_every_file_the_report_and_a_merge(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_longer", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    /* A unit named as long as an INI line allows, a scenario name of 2,500 characters (a
     * run-info line that long, read back by merge and report). */
    char unit[181], name[2501];
    memset(unit, 'U', 180), unit[180] = 0;
    memset(name, 'W', 2500), name[2500] = 0;
    for (int i = 99; i < 2400; i += 100) name[i] = ' '; /* a name loads with at most 192 */
    char ini[1024];
    snprintf(ini, sizeof ini,
             "[scenario]\nhorizon = 40d\nreplications = 2\nseed = 7\n"
             "[arrivals a]\nto = %s\nrate = 20/d\n"
             "[unit %s]\ncapacity = 50\nstay = lognormal(2d, 1d)\nnext = exit 1\n",
             unit, unit);
    tu_write(path_in(d, "long.ini"), ini);
    /* A unit's line of 196 characters and its newline (a name of 189) is read whole; one more
     * (inih's limit) is refused at its line, never read as a shorter name. */
    for (int len = 189; len <= 190; len++) {
        char u[200], text[1024];
        memset(u, 'U', (size_t)len), u[len] = 0;
        snprintf(text, sizeof text,
                 "[scenario]\nhorizon = 40d\n[arrivals a]\nto = %s\nrate = 20/d\n"
                 "[unit %s]\nstay = fixed(2d)\nnext = exit 1\n",
                 u, u);
        tu_write(path_in(d, "longer.ini"), text);
        expect_exit(prefix, "validate longer.ini", len == 189 ? 0 : 2,
                    len == 189 ? "" : "longer.ini:6: line is too long (at most 196 characters)");
    }
    const char *runs[] = {"-o out --report", "-o p1 --replications-range 1:1",
                          "-o p2 --replications-range 2:2"};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "run long.ini %s --quiet --set 'scenario.name=%s'", runs[i],
                 name);
        assert_int_equal(tu_run_under(prefix, cmd, NULL, NULL), 0);
    }
    char *err = NULL;
    int rc = tu_run_under(prefix, "merge p1 p2 -o m --quiet", NULL, &err);
    if (rc != 0) fail_msg("merge of long-named parts: exit %d, '%.300s'", rc, err ? err : "");
    free(err);
    char line[4096];
    snprintf(line, sizeof line, "%s,%s,", name, unit);
    const char *dirs[] = {"out", "m"};
    for (int i = 0; i < 2; i++) {
        char od[4200];
        snprintf(od, sizeof od, "%s/%s", d, dirs[i]);
        holds(od, "summary.csv", line, "occupancy_pct,");
        holds(od, "run-info", name, "\n");
        snprintf(line, sizeof line, "%s,1,", name);
        holds(od, "timeseries.csv", line, "0,2025");
        snprintf(line, sizeof line, "%s,%s,", name, unit);
    }
    const char *same[] = {"summary.csv", "timeseries.csv", "warmup.csv", NULL};
    assert_same_files(path_in(d, "out"), path_in(d, "m"), same);
    holds(path_in(d, "out"), "report.html", name, "</h1>");
    holds(path_in(d, "out"), "report.html", unit, ": occupancy, % of places</figcaption>");

    /* flowsim report on a result whose files hold longer names than a scenario can (edited, or
     * of another tool): a 1,000-character unit in every chart's title, and a run-info warning of
     * 10,000 characters whole in the page. */
    char unit2[1001], *note = malloc(10001);
    memset(unit2, 'V', 1000), unit2[1000] = 0;
    memset(note, 'x', 10000), note[10000] = 0;
    assert_int_equal(sh("cp -r '%s/out' '%s/hand'", d, d), 0);
    snprintf(cmd, sizeof cmd, "cd '%s/hand' && sed -i 's/,%s,/,", d, unit);
    size_t k = strlen(cmd);
    snprintf(cmd + k, sizeof cmd - k, "%s,/' timeseries.csv warmup.csv", unit2);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(path_in(d, "hand/run-info"), "a");
    assert_non_null(f);
    fprintf(f, "warning = %s\n", note); /* the page shows run-info's warnings */
    fclose(f);
    snprintf(cmd, sizeof cmd, "report '%s/hand'", d);
    err = NULL;
    rc = tu_run(cmd, NULL, &err);
    if (rc != 0) fail_msg("report: exit %d, '%.300s'", rc, err ? err : "");
    free(err);
    /* In the chart's caption and its own <title> (the run has no warm-up: no warm-up chart). */
    const char *titles[] = {": occupancy, % of places</figcaption>",
                            ": occupancy, % of places</title>"};
    for (int i = 0; i < 2; i++) holds(path_in(d, "hand"), "report.html", unit2, titles[i]);
    holds(path_in(d, "hand"), "report.html", note, "</li>");
    free(note);
}

/* "././././.../NAME": a path longer than any file can have, to a folder that is there. */
static void long_path_to(const char *name, char *out, size_t len) {
    size_t n = 0;
    while (n + 2 < 4200) out[n++] = '.', out[n++] = '/';
    snprintf(out + n, len - n, "%s", name);
}

static void paths_too_long_are_refused_never_cut(void **s) {
    (void)s;
    char d[4096], prefix[4400], p[4400];
    scratch("folders_paths", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    /* The results folder: exit 2 before anything is written. */
    long_path_to("out", p, sizeof p);
    snprintf(cmd, sizeof cmd, "run small.ini -o '%s' --quiet", p);
    expect_exit(prefix, cmd, 2, "...: ");
    expect_exit(prefix, cmd, 2, " too long");
    assert_false(tu_exists(path_in(d, "out")));
    /* A part to merge, and a folder to report on: named, not taken for missing files. */
    snprintf(cmd, sizeof cmd, "run small.ini -o part --replications-range 1:3 --quiet");
    assert_int_equal(tu_run_under(prefix, cmd, NULL, NULL), 0);
    long_path_to("part", p, sizeof p);
    snprintf(cmd, sizeof cmd, "merge '%s' -o merged --quiet", p);
    expect_exit(prefix, cmd, 2, "...: path too long (more than 4095 bytes)");
    assert_false(tu_exists(path_in(d, "merged")));
}

static void each_kind_of_failure_has_its_exit_status(void **s) {
    (void)s;
    char d[4096], prefix[4400];
    scratch("folders_exit", d, sizeof d);
    snprintf(prefix, sizeof prefix, "cd '%s' &&", d);
    tu_write(path_in(d, "a-file"), "x\n");
    mkdir(path_in(d, "empty"), 0777);
    const struct {
        const char *args;
        int rc;
        const char *want;
    } cases[] = {
        {"run small.ini -o ''", 2, "'': expected a folder for the results"},
        {"run small.ini -o a-file", 2, "a-file: exists and is not a folder"},
        {"run small.ini -o a-file/sub", 2, "a-file/sub: cannot use this folder: Not a directory"},
        {"compare small.ini small.ini -o a-file", 2, "a-file: exists and is not a folder"},
        {"report empty", 2, "no timeseries.csv, comparison.csv or sweep.csv"},
        {"run small.ini -o /sys/flowsim-test", 73, "/sys/flowsim-test: cannot create the folder"},
        {"run small.ini -o /sys/kernel", 73, "/sys/kernel: cannot write in this folder"},
        /* A full disk: files may grow to 40 KiB here. */
        {"run small.ini -o full --set scenario.horizon=400d", 74, "write failed (disk full?)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char pre[4600];
        snprintf(pre, sizeof pre, "cd '%s' && trap '' XFSZ && ulimit -f %s &&", d,
                 cases[i].rc == 74 ? "40" : "unlimited");
        expect_exit(pre, cases[i].args, cases[i].rc, cases[i].want);
    }
    /* Nothing half-written was left by the full disk. */
    assert_false(entries_like(d, "^full$"));
#ifndef FLOWSIM_SANITIZED /* ASan reserves more address space than the limit */
    /* Out of memory (a census of 5 million patients in 300 MB of address space): 71. */
    char pre[4600];
    snprintf(pre, sizeof pre, "cd '%s' && ulimit -v 300000 &&", d);
    expect_exit(pre,
                "run small.ini -o oom --set ward.capacity=inf "
                "--set ward.initial_occupancy=5000000",
                71, "out of memory");
#endif
    /* An internal error (a broken invariant, here the tests' own in replication 2 of 4 on
     * threads): 1, as documented, not the 134 of SIGABRT; its staging folder is removed by the
     * next command on the folder. */
    char bug[4600];
    snprintf(bug, sizeof bug, "cd '%s' && FLOWSIM_TEST_BUG=2", d);
    expect_exit(bug, "run small.ini -o bug --replications 4 --threads 2", 1,
                "flowsim: internal error: assertion 'unreachable' failed at");
    char again[4600];
    snprintf(again, sizeof again, "cd '%s' &&", d);
    assert_int_equal(tu_run_under(again, "run small.ini -o bug --quiet", NULL, NULL), 0);
    assert_false(entries_like(path_in(d, "bug"), "^[.]flowsim-stage"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_symlink_at_any_temporary_or_final_name_is_never_written_through),
        cmocka_unit_test(names_that_are_not_a_folder_name_are_refused),
        cmocka_unit_test(publishing_keeps_the_folder_the_user_made),
        cmocka_unit_test(a_mount_point_or_a_folder_in_a_read_only_parent_takes_results),
        cmocka_unit_test(a_kill_at_every_step_of_a_publication_leaves_one_whole_result),
        cmocka_unit_test(a_kill_at_every_step_of_a_sweep_leaves_one_whole_sweep),
        cmocka_unit_test(stopped_runs_leave_nothing_behind),
        cmocka_unit_test(a_result_put_back_once_is_never_put_back_again),
        cmocka_unit_test(files_of_the_user_at_the_results_names_are_refused_not_replaced),
        cmocka_unit_test(odd_names_and_leftovers_are_handled),
        cmocka_unit_test(an_interrupted_sweep_or_compare_leaves_the_previous_one_whole),
        cmocka_unit_test(every_row_has_every_column_whatever_the_names),
        cmocka_unit_test(sweep_and_compare_honour_the_per_patient_and_per_group_options),
        cmocka_unit_test(text_a_spreadsheet_would_run_is_written_as_text),
        cmocka_unit_test(each_kind_of_failure_has_its_exit_status),
        cmocka_unit_test(long_names_are_whole_in_every_file_the_report_and_a_merge),
        cmocka_unit_test(paths_too_long_are_refused_never_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
