/* outdir.h — the results folder: one whole result at a time, in the folder the user made, and
 * nothing written outside it or through what is found there.
 *
 * A result is written in a private staging folder INSIDE the results folder
 * (DIR/.flowsim-stage-XXXXXX, made by mkdtemp, locked with flock while its run lives: plat_* in
 * sim/platform.h, whose Windows equivalents docs/windows.md describes), then
 * published file by file:
 *
 *   1. the previous result's files are hard-linked into the staging folder's `.previous`
 *      (made under another name and renamed when complete);
 *   2. DIR/run-info is removed: from here on the folder says it is being replaced;
 *   3. each new file (and each new sub-folder's files) is renamed into place, and the previous
 *      result's files the new one lacks are removed;
 *   4. the new run-info is renamed into place last; it lists the result's files and folders
 *      (`files = ...`, `folders = ...`);
 *   5. the staging folder is removed.
 *
 * Guarantee: at any moment, DIR/run-info either names a result all of whose files are in DIR,
 * or is absent while a publication is under way (a rename per file: milliseconds). A run killed
 * in that window (kill -9, a crash) leaves the previous result whole in its staging folder's
 * `.previous`, and the next flowsim command that writes to DIR puts it back, exactly, before
 * anything else. The folder itself — its inode, mode, owner, group, setgid bit — is never
 * replaced, and files that are not the result's (the user's notes, anything flowsim did not
 * list) are never moved, renamed or deleted. Staging folders of runs that died (their lock is
 * free) are found and removed by the next command that writes to DIR.
 *
 * Every function that can fail returns an fs_status (sim/core.h) with a message in err. */
#ifndef FS_OUTDIR_H
#define FS_OUTDIR_H

#include <stddef.h>
#include <stdio.h>

/* A label (scenario name, sweep variant, anything that becomes a file or folder name) mapped
 * to one safe path component: each character other than an ASCII letter, digit, '.', '-' or
 * '_' becomes one '_' (a UTF-8 character of several bytes, one '_'; a stray byte, one), and a
 * leading '.' becomes '_' (no hidden names). Refuses an empty label, "." and "..", and
 * labels longer than OUTDIR_LABEL_MAX characters (UTF-8): FS_EINPUT with "WHAT 'LABEL': expected
 * ...". out holds at least OUTDIR_LABEL_MAX + 1 bytes. 128 bytes: well inside a file system's name
 * limit (NAME_MAX, 255) and readable in a listing; a buffer of models/limits.h's list
 * ("Buffers"), which refuses a longer label rather than cut it. */
#define OUTDIR_LABEL_MAX 128
/* Is s valid UTF-8 of printable characters: no C0 or C1 control (a line break, a tab, ESC,
 * U+0085, U+009B, the 8-bit escape), no DEL, no bidirectional embedding, override or isolate
 * (U+202A-U+202E, U+2066-U+2069: they reorder what a console or page shows after them)? A name
 * shown as given (a sweep's label) must be: 1 yes, 0 no. */
int outdir_printable(const char *s);
int outdir_label(const char *what, const char *label, char *out, size_t outlen, char *err,
                 size_t errlen);

struct outdir;

/* Open the results folder path for a new result: create it (and its parents) with the
 * umask's mode if missing, put back a previous result a killed publication left half
 * replaced, remove staging folders of dead runs, and make this run's staging folder. Before
 * any work is done, so a folder that cannot be written is refused at once. files and folders
 * (NULL-terminated, or NULL) name what the result will put there: a file of the user's at one
 * of those names (one the previous result's run-info does not list), or a folder holding
 * flowsim-named files of the user's, is refused rather than replaced. Returns FS_OK with *od
 * set; FS_EINPUT (an empty path, a file in the way of a folder to create, a name too long);
 * FS_ECREATE (no permission, a read-only file system, the user's file where the result goes). */
int outdir_open(struct outdir **od, const char *path, const char *const *files,
                const char *const *folders, char *err, size_t errlen);
/* The staging folder (absolute): write the result's files and sub-folders here. */
const char *outdir_stage(const struct outdir *od);
/* The results folder (absolute). */
const char *outdir_path(const struct outdir *od);
/* What opening found and did (a previous result put back, stale staging folders removed), one
 * line each, or "". */
const char *outdir_notes(const struct outdir *od);
/* Publish the staged result (it must hold run-info) as described above, and free od. Returns
 * FS_OK, FS_ECREATE or FS_EIO (the previous result then stays, or is put back by the next
 * command). */
int outdir_publish(struct outdir *od, char *err, size_t errlen);
/* Remove the staging folder, and the results folder too if this run created it and it is
 * still empty; free od. Accepts NULL. */
void outdir_abort(struct outdir *od);

/* For a command that writes into a published result without replacing it (flowsim report
 * DIR): lock the folder against publications and recoveries, after doing what outdir_open does
 * first (put back a result a killed publication left half replaced, remove dead runs' staging
 * folders and flowsim's temporary files). What it did goes into notes. Returns the lock (a
 * descriptor for outdir_unlock), or -1 with errno when path is not a folder that can be
 * opened. */
int outdir_lock(const char *path, char *notes, size_t len);
void outdir_unlock(int fd);

/* Is name one of the file names a flowsim result may hold (run-info, summary.csv, ...)? A
 * sweep's variant may not be called so. */
int outdir_is_flowsim_file(const char *name);

/* Under outdir_lock: would writing files into the published result at path replace a file of
 * the user's (one its run-info does not list)? FS_ECREATE with a message naming it, or FS_OK. */
int outdir_check(const char *path, const char *const *files, char *err, size_t errlen);

/* A file written into a published result afterwards (flowsim report DIR's report.html) added
 * to (add 1) or taken off (add 0) the list its run-info keeps, so the next publication knows
 * what is the result's; under outdir_lock, before the file goes in (and off again should it
 * fail). Does nothing when there is no run-info, it has no list (an earlier flowsim's) or the
 * name is already as asked. Returns 1 when the list changed, 0 when not, -1 when run-info could
 * not be rewritten. */
int outdir_list(const char *path, const char *name, int add);

/* A private folder for temporary work (an MPI rank's part): PARENT/PREFIXXXXXXX, locked for
 * the life of the process; dead ones of the same prefix (their lock free, holding only
 * flowsim's files) are removed first. parent NULL: $TMPDIR, else /tmp. Returns FS_OK,
 * FS_EINPUT (the path would not fit in len bytes: refused, never cut) or FS_ECREATE. */
int outdir_private(const char *parent, const char *prefix, char *buf, size_t len, char *err,
                   size_t errlen);

/* A scratch file for work in progress (a replication's rows waiting for those before it, the
 * values series.csv is made from), opened for reading and writing, in dir: the run's staging
 * folder (never /tmp: a result's scratch is as big as the result, and the folder the user
 * chose for it is where room was made). NULL dir: $TMPDIR, else /tmp. It is created under a
 * fresh name, dir/.NAME.PID-sK.tmp (NAME one of flowsim's file names, so that a recovery knows
 * it), with O_EXCL|O_NOFOLLOW|O_CLOEXEC and mode 0600 (nothing found at the name, a planted
 * link included, is opened or followed), and unlinked at once: it has no name while it is
 * used, and goes when it is closed or the process ends, however it ends (an error, Ctrl-C,
 * kill -9). Thread-safe. NULL with errno set when it cannot be made. */
FILE *outdir_scratch(const char *dir, const char *name);

/* Remove a folder flowsim made and everything in it (three levels at most). */
void outdir_remove(const char *dir);

#endif
