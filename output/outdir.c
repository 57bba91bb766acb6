/* The results folder: staged inside, published file by file with run-info last, previous
 * result kept as hard links until the new one is whole (outdir.h states the guarantee). */
#include "outdir.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "models/limits.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "utf8.h"

/* plat_realpath writes up to PLAT_PATH_MAX bytes into the buffers given it (od->path). */
_Static_assert(FS_PATH_MAX >= PLAT_PATH_MAX, "FS_PATH_MAX holds what plat_realpath writes");

#define STAGE_PREFIX ".flowsim-stage-"

/* Every file name a flowsim result may hold, of every command: what a folder's recovery and a
 * sweep's variant folders treat as flowsim's. Anything else is the user's. */
static const char *const flowsim_files[] = {"summary.csv",      "timeseries.csv",
                                            "warmup.csv",       "patients.csv",
                                            "replications.csv", "scenario.resolved.ini",
                                            "run-info",         "report.html",
                                            "comparison.csv",   "sweep.csv",
                                            "reproduction.csv", "calibrated.ini",
                                            "calibration.csv",  "metrics.csv",
                                            "series.csv",       NULL};

struct outdir {
    char path[FS_PATH_MAX];  /* the results folder, resolved */
    char stage[FS_PATH_MAX]; /* its staging folder, DIR/.flowsim-stage-XXXXXX */
    int stage_fd;            /* stage's plat_lock_dir: a live run's folder is never taken */
    char given[FS_PATH_MAX]; /* the path as given, and the topmost folder this run created in it */
    char made[FS_PATH_MAX];
    char *notes; /* what recovery did, a line each, however many (allocated; NULL: nothing) */
};

/* ---- names ------------------------------------------------------------------------------ */

int outdir_label(const char *what, const char *label, char *out, size_t outlen, char *err,
                 size_t errlen) {
    size_t n = strlen(label), chars = 0; /* characters: the folder name has one byte each */
    for (const char *c = label; *c; chars++) utf8_next(&c, NULL);
    if (n == 0 || !strcmp(label, ".") || !strcmp(label, "..") || chars > OUTDIR_LABEL_MAX ||
        outlen <= chars) {
        snprintf(err, errlen,
                 "%s '%.200s%s': expected a name that can be a folder name (not empty, '.' or "
                 "'..', at most %d characters)",
                 what, label, n > 200 ? "..." : "", OUTDIR_LABEL_MAX);
        return FS_EINPUT;
    }
    /* One '_' a character, not a byte: a UTF-8 character ("✓", "–", "é") is a lead byte and its
     * continuation bytes (10xxxxxx), and mapping each byte made "a – b" read "a_____b". Only
     * ASCII is kept, so that the same name is a valid file name on every platform and code page
     * (Windows opens narrow names in the ANSI code page). */
    size_t j = 0;
    for (const char *at = label; *at;) {
        unsigned char c = (unsigned char)*at;
        utf8_next(&at, NULL);
        out[j] =
            (char)(c < 0x80 && (isalnum(c) || c == '-' || c == '_' || (c == '.' && j > 0)) ? c
                                                                                           : '_');
        j++;
    }
    out[j] = 0;
    return FS_OK;
}

int outdir_printable(const char *s) {
    while (*s) {
        int bad = 0;
        uint32_t cp = utf8_next(&s, &bad);
        if (bad || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return 0;
    }
    return 1;
}

int outdir_is_flowsim_file(const char *name) {
    for (const char *const *f = flowsim_files; *f; f++)
        if (!strcmp(*f, name)) return 1;
    return 0;
}

/* A temporary file of flowsim's: .NAME.<anything>.tmp for one of its file names (csvout's
 * .NAME.PID-N.tmp, a restore's .NAME.PID.restore.tmp, run-info's .run-info.PID.add.tmp). */
static int is_flowsim_temp(const char *name) {
    size_t n = strlen(name);
    if (name[0] != '.' || n < 6 || strcmp(name + n - 4, ".tmp")) return 0;
    for (const char *const *f = flowsim_files; *f; f++) {
        size_t k = strlen(*f);
        if (!strncmp(name + 1, *f, k) && name[1 + k] == '.') return 1;
    }
    return 0;
}

static int is_flowsim_file(const char *name) {
    return outdir_is_flowsim_file(name) || is_flowsim_temp(name);
}

/* a/b into buf; 0, or -1 when it does not fit. */
static int join(char *buf, size_t len, const char *a, const char *b) {
    int n = snprintf(buf, len, "%s/%s", a, b);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int kind_of(const char *path) { /* 'f' regular file, 'd' folder, 'o' other, 0 none */
    struct stat sb;
    if (plat_lstat(path, &sb) != 0) return 0;
    return S_ISREG(sb.st_mode) ? 'f' : S_ISDIR(sb.st_mode) ? 'd' : 'o';
}

/* ---- a list of names, from a folder or a run-info line ------------------------------------ */

struct names {
    char **v;
    size_t n, cap;
};

static void names_add(struct names *l, const char *s) {
    fs_grow((void **)&l->v, &l->cap, l->n + 2, sizeof *l->v);
    l->v[l->n++] = fs_strdup(s);
    l->v[l->n] = NULL;
}

static void names_fini(struct names *l) {
    for (size_t i = 0; i < l->n; i++) fs_free(l->v[i]);
    fs_free(l->v);
    memset(l, 0, sizeof *l);
}

static int names_has(const struct names *l, const char *s) {
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s)) return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir of kind ('f' or 'd') whose names do not start with '.', sorted. */
static void names_of_dir(const char *dir, int kind, struct names *l) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[FS_PATH_MAX];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.' && join(p, sizeof p, dir, e->d_name) == 0 && kind_of(p) == kind)
            names_add(l, e->d_name);
    if (d) closedir(d);
    if (l->n) qsort(l->v, l->n, sizeof *l->v, cmp_str);
}

/* The names on run-info's "KEY = a b c" line; returns 1 when the file has the line. */
/* fd of a regular file opened for reading, or -1: never a link, and never blocks on a FIFO or
 * a device someone put at the name. */
static int open_regular(const char *path) {
    int fd = open(path, O_RDONLY | PLAT_O_NOFOLLOW | PLAT_O_NONBLOCK | PLAT_O_CLOEXEC);
    struct stat sb;
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) close(fd), fd = -1;
    return fd;
}

static int names_of_run_info(const char *run_info, const char *key, struct names *l) {
    int fd = open_regular(run_info);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return 0;
    }
    char *line = NULL;
    size_t cap = 0, klen = strlen(key);
    int found = 0;
    while (!found && plat_getline(&line, &cap, f) > 0) {
        if (strncmp(line, key, klen) || strncmp(line + klen, " = ", 3)) continue;
        found = 1;
        for (char *t = strtok(line + klen + 3, " \n"); t; t = strtok(NULL, " \n"))
            if (!strchr(t, '/') && strcmp(t, ".") && strcmp(t, "..")) names_add(l, t);
    }
    free(line);
    fclose(f);
    return found;
}

/* ---- files ------------------------------------------------------------------------------ */

/* A second name for the file from at to (hard link), or a copy where the file system has no
 * links. Never follows a symlink. */
static int link_or_copy(const char *from, const char *to) {
    if (plat_link(from, to) == 0) return 0;
    int in = open_regular(from);
    if (in < 0) return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | PLAT_O_NOFOLLOW | PLAT_O_CLOEXEC, 0666);
    int rc = out < 0 ? -1 : 0;
    char buf[1 << 16]; /* a piece at a time: a size for speed, not a bound */
    ssize_t k;
    while (rc == 0 && (k = read(in, buf, sizeof buf)) != 0)
        if (k < 0 || write(out, buf, (size_t)k) != k) rc = -1;
    if (out >= 0 && close(out) != 0) rc = -1;
    close(in);
    if (rc != 0) unlink(to);
    return rc;
}

/* Put the file from back at to without taking it from from (so this can be done again): a
 * second name made beside to (.NAME.PID.restore.tmp), renamed over it. */
static int restore(const char *from, const char *to) {
    char tmp[FS_PATH_MAX];
    const char *slash = strrchr(to, '/');
    int dl = slash ? (int)(slash - to) : 0;
    if (!slash || snprintf(tmp, sizeof tmp, "%.*s/.%s.%ld.restore.tmp", dl, to, slash + 1,
                           (long)getpid()) >= (int)sizeof tmp)
        return -1;
    unlink(tmp);
    if (link_or_copy(from, tmp) != 0) return -1;
    int rc = plat_rename(tmp, to);
    /* When to is already that file (a second hard link to it), rename does nothing: tmp stays. */
    unlink(tmp);
    return rc;
}

/* dir and everything in it, depth levels of folders down (never following a link). */
static void remove_tree(const char *dir, int depth) {
    DIR *d = opendir(dir);
    struct dirent *e;
    struct names sub = {0};
    while (d && (e = readdir(d))) {
        char p[FS_PATH_MAX];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (join(p, sizeof p, dir, e->d_name) != 0) continue;
        if (depth > 0 && kind_of(p) == 'd')
            names_add(&sub, p); /* after the listing: removing while reading skips entries */
        else
            unlink(p);
    }
    if (d) closedir(d);
    for (size_t i = 0; i < sub.n; i++) remove_tree(sub.v[i], depth - 1);
    names_fini(&sub);
    rmdir(dir);
}

void outdir_remove(const char *dir) {
    /* Three levels at most: staging folder, .previous, a sweep's variant folder. */
    remove_tree(dir, 3);
}

/* Does dir (to three levels) hold only what flowsim writes? Folders may have any name (a
 * sweep's variants); files must be flowsim's; anything else (a link, a device) is not. */
static int only_flowsim(const char *dir, int depth) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        char p[FS_PATH_MAX];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (join(p, sizeof p, dir, e->d_name) != 0) {
            ok = 0;
            break;
        }
        int k = kind_of(p);
        ok = k == 'f' ? is_flowsim_file(e->d_name)
                      : k == 'd' && depth > 0 && only_flowsim(p, depth - 1);
    }
    closedir(d);
    return ok;
}

static void note(struct outdir *od, const char *fmt, const char *a) {
    char *line = fs_sprintf(fmt, od->path, a);
    char *all = fs_sprintf("%s%s", od->notes ? od->notes : "", line);
    fs_free(line);
    fs_free(od->notes);
    od->notes = all;
}

/* flowsim's files in dir (and its sub-folders, depth levels down), then the folders left empty:
 * a file of anyone else's keeps its folder. */
static void remove_ours(const char *dir, int depth) {
    struct names f = {0}, d = {0};
    char p[FS_PATH_MAX];
    names_of_dir(dir, 'f', &f);
    names_of_dir(dir, 'd', &d);
    for (size_t i = 0; i < f.n; i++)
        if (is_flowsim_file(f.v[i]) && join(p, sizeof p, dir, f.v[i]) == 0) unlink(p);
    for (size_t i = 0; depth > 0 && i < d.n; i++)
        if (join(p, sizeof p, dir, d.v[i]) == 0) remove_ours(p, depth - 1);
    names_fini(&f);
    names_fini(&d);
    rmdir(dir);
}

/* ---- putting back a previous result a killed publication half replaced -------------------- */

/* stage is a dead run's staging folder whose publication began (.previous exists) and did not
 * end (its run-info is still there): take out what it put in, and put back .previous. Each
 * step can be done again, so a kill during this is mended by the next try. */
static void roll_back(const char *dir, const char *stage) {
    char prev[FS_PATH_MAX], p[FS_PATH_MAX], q[FS_PATH_MAX];
    struct names files = {0}, folders = {0}, had = {0}, hadf = {0};
    if (join(prev, sizeof prev, stage, ".previous") != 0) return;
    if (join(p, sizeof p, stage, "run-info") == 0) {
        names_of_run_info(p, "files", &files);
        names_of_run_info(p, "folders", &folders);
    }
    /* Only what a publication puts in .previous is put back: flowsim's files, and the folders
     * the two results list (the previous result's run-info is in .previous too). Anything else
     * found there is not the previous result's, and never lands on a file of the user's. */
    struct names all = {0}, ok = {0};
    names_of_dir(prev, 'f', &all);
    for (size_t i = 0; i < all.n; i++)
        if (outdir_is_flowsim_file(all.v[i])) names_add(&had, all.v[i]);
    names_fini(&all);
    if (join(p, sizeof p, prev, "run-info") == 0) names_of_run_info(p, "folders", &ok);
    names_of_dir(prev, 'd', &all);
    for (size_t i = 0; i < all.n; i++)
        if (names_has(&ok, all.v[i]) || names_has(&folders, all.v[i])) names_add(&hadf, all.v[i]);
    names_fini(&all);
    names_fini(&ok);
    /* What the new result added where the previous had nothing. */
    for (size_t i = 0; i < files.n; i++)
        if (strcmp(files.v[i], "run-info") && !names_has(&had, files.v[i]) &&
            join(p, sizeof p, dir, files.v[i]) == 0 && kind_of(p) == 'f')
            unlink(p);
    for (size_t i = 0; i < folders.n; i++) {
        char sub[FS_PATH_MAX], psub[FS_PATH_MAX];
        if (join(sub, sizeof sub, dir, folders.v[i]) || join(psub, sizeof psub, prev, folders.v[i]))
            continue;
        for (const char *const *g = flowsim_files; *g; g++)
            if (join(p, sizeof p, psub, *g) == 0 && kind_of(p) != 'f' &&
                join(q, sizeof q, sub, *g) == 0 && kind_of(q) == 'f')
                unlink(q);
        if (!names_has(&hadf, folders.v[i])) rmdir(sub);
    }
    /* The previous result, its run-info last. */
    for (size_t i = 0; i < hadf.n; i++) {
        char sub[FS_PATH_MAX], psub[FS_PATH_MAX];
        struct names in = {0};
        if (join(sub, sizeof sub, dir, hadf.v[i]) || join(psub, sizeof psub, prev, hadf.v[i]))
            continue;
        if (plat_mkdir(sub, 0777) != 0 && errno != EEXIST) continue;
        names_of_dir(psub, 'f', &in);
        for (size_t k = 0; k < in.n; k++)
            if (outdir_is_flowsim_file(in.v[k]) && join(p, sizeof p, psub, in.v[k]) == 0 &&
                join(q, sizeof q, sub, in.v[k]) == 0)
                restore(p, q);
        names_fini(&in);
    }
    for (int last = 0; last < 2; last++)
        for (size_t i = 0; i < had.n; i++)
            if ((!strcmp(had.v[i], "run-info")) == last && join(p, sizeof p, prev, had.v[i]) == 0 &&
                join(q, sizeof q, dir, had.v[i]) == 0)
                restore(p, q);
    names_fini(&files);
    names_fini(&folders);
    names_fini(&had);
    names_fini(&hadf);
}

/* Staging folders of dead runs in dir (their lock is free): put back what a publication half
 * did, then remove them when they hold only flowsim's files. Called under dir's lock. */
static void recover(struct outdir *od) {
    if (fs_test_point("FLOWSIM_TEST_NO_RECOVERY", 0)) return; /* tests: see a dead run's mess */
    struct names found = {0};
    DIR *d = opendir(od->path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[FS_PATH_MAX];
        if (!strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX))) names_add(&found, e->d_name);
        /* A temporary file of a flowsim killed while writing here (flowsim report): every
         * writer in this folder holds its lock, so none is being written now. */
        else if (is_flowsim_temp(e->d_name) && join(p, sizeof p, od->path, e->d_name) == 0 &&
                 kind_of(p) == 'f')
            unlink(p);
    }
    if (d) closedir(d);
    for (size_t i = 0; i < found.n; i++) {
        char s[FS_PATH_MAX];
        if (join(s, sizeof s, od->path, found.v[i]) != 0 || kind_of(s) != 'd') continue;
        /* a live run's, or no locks here: not ours */
        int fd = plat_lock_dir(s, PLAT_LOCK_TRY | PLAT_LOCK_NOFOLLOW);
        if (fd < 0) continue;
        /* A publication under way when the run died: it had begun (.previous is complete), had
         * removed the folder's run-info, and had not put its own in place (still here). */
        char prev[FS_PATH_MAX], info[FS_PATH_MAX], mark[FS_PATH_MAX];
        if (join(prev, sizeof prev, s, ".previous") == 0 && kind_of(prev) == 'd' &&
            join(info, sizeof info, s, "run-info") == 0 && kind_of(info) == 'f' &&
            join(mark, sizeof mark, od->path, "run-info") == 0 && kind_of(mark) == 0) {
            roll_back(od->path, s);
            note(od,
                 "%s: put back the previous result, which a run stopped while publishing "
                 "(%s) had half replaced\n",
                 found.v[i]);
        }
        /* Whatever was decided, decided once: what is left of the staging folder (kept, should
         * it hold someone's file) is never put back over a later result. */
        if (join(prev, sizeof prev, s, ".previous") == 0) remove_ours(prev, 1);
        if (join(info, sizeof info, s, "run-info") == 0) unlink(info);
        if (only_flowsim(s, 3)) {
            outdir_remove(s);
            note(od, "%s: removed %s, the staging folder of a run that was stopped\n", found.v[i]);
        } else {
            note(od,
                 "%s: left %s, the staging folder of a stopped run: it holds files that are "
                 "not flowsim's\n",
                 found.v[i]);
        }
        plat_unlock_dir(fd);
    }
    names_fini(&found);
}

int outdir_lock(const char *path, char *notes, size_t len) {
    struct outdir *od = fs_calloc(1, sizeof *od);
    int dfd = -1;
    if (plat_realpath(path, od->path) && (dfd = plat_lock_dir(od->path, PLAT_LOCK_WAIT)) >= 0)
        recover(od);
    int e = errno;
    if (len) snprintf(notes, len, "%s", od->notes ? od->notes : ""); /* a message: may be cut */
    fs_free(od->notes);
    fs_free(od);
    errno = e;
    return dfd;
}

void outdir_unlock(int fd) {
    plat_unlock_dir(fd);
}

int outdir_list(const char *path, const char *name, int add) {
    char info[FS_PATH_MAX], tmp[FS_PATH_MAX];
    if (join(info, sizeof info, path, "run-info") ||
        snprintf(tmp, sizeof tmp, "%s/.run-info.%ld.add.tmp", path, (long)getpid()) >=
            (int)sizeof tmp)
        return -1;
    if (kind_of(info) != 'f') return 0; /* not a flowsim result: nothing to record */
    struct names have = {0};
    int listed = names_of_run_info(info, "files", &have), rc = 0;
    if (!listed || names_has(&have, name) == add) {
        names_fini(&have);
        return 0;
    }
    names_fini(&have);
    int in = open_regular(info);
    int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | PLAT_O_NOFOLLOW | PLAT_O_CLOEXEC, 0666);
    FILE *fi = in >= 0 ? fdopen(in, "r") : NULL, *fo = out >= 0 ? fdopen(out, "w") : NULL;
    if (!fi || !fo) {
        rc = -1;
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = plat_getline(&line, &cap, fi)) > 0) {
            if (!strncmp(line, "files = ", 8) && line[n - 1] == '\n') {
                line[n - 1] = 0;
                fputs("files =", fo);
                for (char *t = strtok(line + 8, " "); t; t = strtok(NULL, " "))
                    if (strcmp(t, name)) fprintf(fo, " %s", t);
                fprintf(fo, "%s%s\n", add ? " " : "", add ? name : "");
            } else {
                fputs(line, fo);
            }
        }
        free(line);
        rc = ferror(fo) ? -1 : 0;
    }
    if (fi)
        fclose(fi);
    else if (in >= 0)
        close(in);
    if (fo) {
        if (fclose(fo) != 0) rc = -1;
    } else if (out >= 0)
        close(out);
    if (rc == 0 && plat_rename(tmp, info) != 0) rc = -1;
    if (rc != 0) unlink(tmp);
    return rc == 0 ? 1 : -1;
}

/* ---- open, publish, abort ------------------------------------------------------------------ */

/* The previous result in dir: the files and folders its run-info lists; for an earlier
 * flowsim's run-info (no list), every flowsim file name there; nothing without run-info. */
static void previous_result(const char *dir, struct names *f, struct names *d) {
    char p[FS_PATH_MAX], q[FS_PATH_MAX];
    if (join(p, sizeof p, dir, "run-info") || kind_of(p) != 'f') return;
    if (!names_of_run_info(p, "files", f))
        for (const char *const *o = flowsim_files; *o; o++)
            if (join(q, sizeof q, dir, *o) == 0 && kind_of(q) == 'f') names_add(f, *o);
    names_of_run_info(p, "folders", d);
}

/* Is something that is not the previous result's where the new result puts a file (a name in
 * files) or a folder (in folders)? Then nothing may be written: the user's file would be
 * replaced. FS_ECREATE with a message naming it, or FS_OK. */
static int in_the_way(const char *dir, const char *const *files, const char *const *folders,
                      const struct names *oldf, const struct names *oldd, char *err,
                      size_t errlen) {
    char p[FS_PATH_MAX], q[FS_PATH_MAX];
    for (const char *const *f = files; f && *f; f++) {
        if (join(p, sizeof p, dir, *f) != 0) continue;
        int k = kind_of(p);
        if (k == 'f' && !names_has(oldf, *f)) {
            snprintf(err, errlen,
                     "%s: a file of yours is where the result puts its %s (no run-info here "
                     "lists it as flowsim's): move it, or write the results to another folder",
                     p, *f);
            return FS_ECREATE;
        }
        if (k == 'd' || k == 'o') {
            snprintf(err, errlen,
                     "%s: %s is where the result puts its file %s: move it, or write the "
                     "results to another folder",
                     p,
                     k == 'd' ? "a folder" : "something that is not a plain file (a link, a pipe)",
                     *f);
            return FS_ECREATE;
        }
    }
    for (const char *const *f = folders; f && *f; f++) {
        if (join(p, sizeof p, dir, *f) != 0 || names_has(oldd, *f)) continue;
        int k = kind_of(p), theirs = 0;
        for (const char *const *g = flowsim_files; k == 'd' && *g && !theirs; g++)
            theirs = join(q, sizeof q, p, *g) == 0 && kind_of(q) != 0;
        if ((k && k != 'd') || theirs) {
            snprintf(err, errlen,
                     "%s: %s is where the result puts its folder %s (no run-info here lists it "
                     "as flowsim's): move it, or write the results to another folder",
                     p, k != 'd' ? "a file of yours" : "a folder holding files of yours", *f);
            return FS_ECREATE;
        }
    }
    return FS_OK;
}

int outdir_check(const char *path, const char *const *files, char *err, size_t errlen) {
    struct names oldf = {0}, oldd = {0};
    previous_result(path, &oldf, &oldd);
    int rc = in_the_way(path, files, NULL, &oldf, &oldd, err, errlen);
    names_fini(&oldf);
    names_fini(&oldd);
    return rc;
}

/* mkdir -p, remembering the topmost folder made (for abort). */
static int make_dirs(struct outdir *od, const char *path, char *err, size_t errlen) {
    char buf[FS_PATH_MAX];
    int rc = fs_path(buf, sizeof buf, err, errlen, "%s", path);
    if (rc != FS_OK) return rc;
    size_t n = strlen(buf);
    while (n > 1 && strchr(PLAT_SEPARATORS, buf[n - 1])) buf[--n] = 0;
    for (char *p = buf + 1;; p++) {
        int end = *p == 0;
        if (!end && !strchr(PLAT_SEPARATORS, *p)) continue;
        *p = 0;
        if (plat_mkdir(buf, 0777) == 0) {
            if (!od->made[0]) snprintf(od->made, sizeof od->made, "%s", buf); /* as buf: fits */
        } else if (errno != EEXIST) {
            int e = errno;
            snprintf(err, errlen, "%s: cannot create the folder: %s", buf, strerror(e));
            return fs_errno_status(e);
        } else if (kind_of(buf) == 'f') {
            snprintf(err, errlen, "%s: exists and is not a folder", buf);
            return FS_EINPUT;
        }
        if (end) break;
        *p = '/';
    }
    return FS_OK;
}

int outdir_open(struct outdir **out, const char *path, const char *const *files,
                const char *const *folders, char *err, size_t errlen) {
    *out = NULL;
    if (!path || !*path) {
        snprintf(err, errlen, "'': expected a folder for the results");
        return FS_EINPUT;
    }
    /* Room for the staging folder's name and a file in it: refused now, before anything is
     * made, rather than by the first file (given, made and the paths below then all fit). */
    if (strlen(path) >= FS_PATH_MAX - 64) {
        snprintf(err, errlen, "%.200s...: folder name too long", path);
        return FS_EINPUT;
    }
    struct outdir *od = fs_calloc(1, sizeof *od);
    od->stage_fd = -1;
    snprintf(od->given, sizeof od->given, "%s", path); /* fits: checked above */
    struct stat sb;
    int rc = FS_OK, dfd = -1;
    if (stat(path, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            snprintf(err, errlen, "%s: exists and is not a folder", path);
            rc = FS_EINPUT;
        }
    } else if (errno == ENOENT) {
        rc = make_dirs(od, path, err, errlen);
    } else {
        int e = errno;
        snprintf(err, errlen, "%s: cannot use this folder: %s", path, strerror(e));
        rc = fs_errno_status(e);
    }
    /* Resolved once, now: the steps after publication (a report, a reproduction table) and a
     * shell whose working folder this is all keep meaning the same folder. */
    if (rc == FS_OK && !plat_realpath(path, od->path)) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot resolve: %s", path, strerror(e));
        rc = fs_errno_status(e);
    }
    if (rc == FS_OK) {
        dfd = plat_lock_dir(od->path, PLAT_LOCK_WAIT); /* one recovery or publication at a time */
        recover(od);
        struct names oldf = {0}, oldd = {0};
        previous_result(od->path, &oldf, &oldd);
        rc = in_the_way(od->path, files, folders, &oldf, &oldd, err, errlen);
        names_fini(&oldf);
        names_fini(&oldd);
        if (rc != FS_OK) {
            /* refused before anything is written */
        } else if (join(od->stage, sizeof od->stage, od->path, STAGE_PREFIX "XXXXXX") != 0) {
            snprintf(err, errlen, "%.200s...: folder name too long", od->path);
            rc = FS_EINPUT;
        } else if (!plat_mkdtemp(od->stage)) {
            int e = errno;
            snprintf(err, errlen, "%s: cannot write in this folder: %s", od->path, strerror(e));
            od->stage[0] = 0;
            rc = fs_errno_status(e);
        } else {
            od->stage_fd = plat_lock_dir(od->stage, PLAT_LOCK_TRY);
        }
        plat_unlock_dir(dfd);
    }
    if (rc != FS_OK) {
        outdir_abort(od);
        return rc;
    }
    *out = od;
    return FS_OK;
}

const char *outdir_stage(const struct outdir *od) {
    return od->stage;
}

const char *outdir_path(const struct outdir *od) {
    return od->path;
}

const char *outdir_notes(const struct outdir *od) {
    return od->notes ? od->notes : "";
}

static void close_stage(struct outdir *od) {
    plat_unlock_dir(od->stage_fd);
    od->stage_fd = -1;
}

void outdir_abort(struct outdir *od) {
    if (!od) return;
    if (od->stage[0]) outdir_remove(od->stage);
    close_stage(od);
    /* Folders this run made, while empty, from the deepest up. */
    if (od->made[0]) {
        char p[FS_PATH_MAX];
        snprintf(p, sizeof p, "%s", od->given); /* the same size as given */
        size_t top = strlen(od->made);
        while (strlen(p) >= top && rmdir(p) == 0) {
            char *slash = p + strlen(p) - 1; /* the last '/' (or '\\' on Windows) */
            while (slash > p && !strchr(PLAT_SEPARATORS, *slash)) slash--;
            if (slash == p) break;
            *slash = 0;
        }
    }
    fs_free(od->notes);
    fs_free(od);
}

/* The previous result's files, and files of the new one's names, linked into
 * stage/.previous (complete, or absent). */
/* The tests' kill -9 at every step of a publication: with FLOWSIM_TEST_KILL_AT=N in the
 * environment, the process kills itself at the Nth change publication makes to the folder. */
static void step(int *k) {
    if (fs_test_point("FLOWSIM_TEST_KILL_AT", ++*k)) plat_kill_self();
}

static int back_up(struct outdir *od, const struct names *oldf, const struct names *oldd,
                   const struct names *newf, const struct names *newd, char *err, size_t errlen) {
    char tmp[FS_PATH_MAX], prev[FS_PATH_MAX], p[FS_PATH_MAX], q[FS_PATH_MAX];
    if (join(tmp, sizeof tmp, od->stage, ".previous-tmp") ||
        join(prev, sizeof prev, od->stage, ".previous") || plat_mkdir(tmp, 0700) != 0)
        goto fail;
    for (int pass = 0; pass < 2; pass++) {
        const struct names *l = pass ? newf : oldf;
        for (size_t i = 0; i < l->n; i++)
            if (join(p, sizeof p, od->path, l->v[i]) == 0 && kind_of(p) == 'f' &&
                join(q, sizeof q, tmp, l->v[i]) == 0 && kind_of(q) == 0 && link_or_copy(p, q))
                goto fail;
    }
    for (int pass = 0; pass < 2; pass++) {
        const struct names *l = pass ? newd : oldd;
        for (size_t i = 0; i < l->n; i++) {
            char sub[FS_PATH_MAX], bsub[FS_PATH_MAX];
            if (join(sub, sizeof sub, od->path, l->v[i]) || kind_of(sub) != 'd' ||
                join(bsub, sizeof bsub, tmp, l->v[i]) || kind_of(bsub))
                continue;
            if (plat_mkdir(bsub, 0700) != 0) goto fail;
            for (const char *const *g = flowsim_files; *g; g++)
                if (join(p, sizeof p, sub, *g) == 0 && kind_of(p) == 'f' &&
                    join(q, sizeof q, bsub, *g) == 0 && link_or_copy(p, q))
                    goto fail;
        }
    }
    if (plat_rename(tmp, prev) == 0) return FS_OK;
fail:;
    int e = errno;
    snprintf(err, errlen, "%s: cannot keep the previous result while publishing: %s", od->path,
             strerror(e));
    return plat_disk_full(e) ? FS_EIO : FS_ECREATE;
}

/* run-info's record of what the result holds, for the next publication and for recovery. */
static int list_in_run_info(const char *run_info, const struct names *f, const struct names *d) {
    int fd = open(run_info, O_WRONLY | O_APPEND | PLAT_O_NOFOLLOW | PLAT_O_CLOEXEC);
    FILE *out = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!out) {
        if (fd >= 0) close(fd);
        return -1;
    }
    fputs("files =", out);
    for (size_t i = 0; i < f->n; i++) fprintf(out, " %s", f->v[i]);
    fputc('\n', out);
    if (d->n) {
        fputs("folders =", out);
        for (size_t i = 0; i < d->n; i++) fprintf(out, " %s", d->v[i]);
        fputc('\n', out);
    }
    return ferror(out) | fclose(out) ? -1 : 0;
}

int outdir_publish(struct outdir *od, char *err, size_t errlen) {
    struct names newf = {0}, newd = {0}, oldf = {0}, oldd = {0};
    char p[FS_PATH_MAX], q[FS_PATH_MAX], info[FS_PATH_MAX];
    int rc = FS_OK, k = 0, dfd = plat_lock_dir(od->path, PLAT_LOCK_WAIT);
    names_of_dir(od->stage, 'f', &newf);
    names_of_dir(od->stage, 'd', &newd);
    if (!names_has(&newf, "run-info")) {
        snprintf(err, errlen, "%s: nothing to publish (no run-info)", od->stage);
        rc = FS_EBUG;
        goto done;
    }
    /* The staging folder's path and the results folder's fit with room to spare (outdir_open
     * refused a longer one), so these joins cannot fail; checked all the same. */
    if (join(info, sizeof info, od->stage, "run-info") || join(p, sizeof p, od->path, "run-info")) {
        snprintf(err, errlen, "%.200s...: folder name too long", od->path);
        rc = FS_EINPUT;
        goto done;
    }
    if (rc == FS_OK && list_in_run_info(info, &newf, &newd) != 0) {
        snprintf(err, errlen, "%s: write failed (disk full?)", info);
        rc = FS_EIO;
    }
    if (rc != FS_OK) goto done;
    previous_result(od->path, &oldf, &oldd);
    /* Checked at open; again now, for what appeared during the run. */
    rc = in_the_way(od->path, (const char *const *)newf.v, (const char *const *)newd.v, &oldf,
                    &oldd, err, errlen);
    if (rc != FS_OK) goto done;
    rc = back_up(od, &oldf, &oldd, &newf, &newd, err, errlen);
    if (rc != FS_OK) goto done;
    step(&k);
    /* From here the folder has no run-info until the new one is whole. */
    if (unlink(p) != 0 && errno != ENOENT) goto io;
    step(&k);
    for (size_t i = 0; i < newf.n; i++) {
        if (!strcmp(newf.v[i], "run-info")) continue;
        if (join(p, sizeof p, od->stage, newf.v[i]) || join(q, sizeof q, od->path, newf.v[i]) ||
            plat_rename(p, q) != 0)
            goto io;
        step(&k);
    }
    for (size_t i = 0; i < newd.n; i++) {
        char from[FS_PATH_MAX], to[FS_PATH_MAX];
        struct names in = {0};
        if (join(from, sizeof from, od->stage, newd.v[i]) ||
            join(to, sizeof to, od->path, newd.v[i]) ||
            (plat_mkdir(to, 0777) != 0 && errno != EEXIST))
            goto io;
        names_of_dir(from, 'f', &in);
        int bad = 0;
        for (size_t j = 0; j < in.n && !bad; j++) {
            bad = join(p, sizeof p, from, in.v[j]) || join(q, sizeof q, to, in.v[j]) ||
                  plat_rename(p, q) != 0;
            step(&k);
        }
        for (const char *const *g = flowsim_files; *g && !bad; g++)
            if (!names_has(&in, *g) && join(q, sizeof q, to, *g) == 0 && kind_of(q) == 'f')
                unlink(q);
        names_fini(&in);
        if (bad) goto io;
    }
    /* The previous result's files and folders the new one does not have. */
    for (size_t i = 0; i < oldf.n; i++)
        if (!names_has(&newf, oldf.v[i]) && join(q, sizeof q, od->path, oldf.v[i]) == 0 &&
            kind_of(q) == 'f')
            unlink(q), step(&k);
    for (size_t i = 0; i < oldd.n; i++) {
        char sub[FS_PATH_MAX];
        if (names_has(&newd, oldd.v[i]) || join(sub, sizeof sub, od->path, oldd.v[i]) ||
            kind_of(sub) != 'd')
            continue;
        for (const char *const *g = flowsim_files; *g; g++)
            if (join(q, sizeof q, sub, *g) == 0 && kind_of(q) == 'f') unlink(q);
        rmdir(sub); /* kept when it holds the user's files */
        step(&k);
    }
    if (join(q, sizeof q, od->path, "run-info") || plat_rename(info, q) != 0) goto io;
    step(&k);
    goto done;
io:;
    int e = errno;
    snprintf(err, errlen,
             "%s: cannot put the result in place: %s (the previous result is put "
             "back)",
             od->path, strerror(e));
    rc = fs_errno_status(e);
    roll_back(od->path, od->stage);
done:
    plat_unlock_dir(dfd);
    names_fini(&newf);
    names_fini(&newd);
    names_fini(&oldf);
    names_fini(&oldd);
    outdir_remove(od->stage);
    od->stage[0] = 0;
    od->made[0] = 0; /* the folder is the result's now, or was before */
    if (rc != FS_OK) {
        outdir_abort(od);
        return rc;
    }
    close_stage(od);
    fs_free(od->notes);
    fs_free(od);
    return FS_OK;
}

/* ---- scratch files ------------------------------------------------------------------------ */

FILE *outdir_scratch(const char *dir, const char *name) {
    if (!dir) {
        const char *tmp = getenv("TMPDIR");
        dir = tmp && *tmp ? tmp : "/tmp";
    }
    char p[FS_PATH_MAX];
    int fd = -1, e = EEXIST;
    /* A name taken (by another thread's scratch, in the instant before its unlink) is passed
     * over: O_EXCL, never a file that is there. */
    for (int k = 0; fd < 0 && e == EEXIST && k < 1000; k++) {
        int n = snprintf(p, sizeof p, "%s/.%s.%ld-s%d.tmp", dir, name, (long)getpid(), k);
        if (n < 0 || (size_t)n >= sizeof p) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        fd =
            open(p, O_RDWR | O_CREAT | O_EXCL | PLAT_O_NOFOLLOW | PLAT_O_CLOEXEC | PLAT_O_TEMPORARY,
                 0600);
        e = errno;
    }
    if (fd < 0) {
        errno = e;
        return NULL;
    }
    unlink(p); /* nameless from now on: nothing to clean up, whatever happens */
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* ---- private folders for temporary work ----------------------------------------------------- */

int outdir_private(const char *parent, const char *prefix, char *buf, size_t len, char *err,
                   size_t errlen) {
    const char *tmp = getenv("TMPDIR");
    if (!parent) parent = tmp && *tmp ? tmp : "/tmp";
    /* Dead ones first: a run stopped by SIGKILL (or an MPI job at its time limit) cannot clean
     * up, and a part can be hundreds of megabytes. */
    DIR *d = opendir(parent);
    struct dirent *e;
    struct names found = {0};
    while (d && (e = readdir(d)))
        if (!strncmp(e->d_name, prefix, strlen(prefix))) names_add(&found, e->d_name);
    if (d) closedir(d);
    for (size_t i = 0; i < found.n; i++) {
        char p[FS_PATH_MAX];
        if (join(p, sizeof p, parent, found.v[i]) != 0) continue;
        int fd = plat_lock_dir(p, PLAT_LOCK_TRY | PLAT_LOCK_NOFOLLOW);
        if (fd >= 0 && only_flowsim(p, 1)) outdir_remove(p);
        plat_unlock_dir(fd);
    }
    names_fini(&found);
    int n = snprintf(buf, len, "%s/%sXXXXXX", parent, prefix);
    if (n < 0 || (size_t)n >= len) {
        snprintf(err, errlen, "%.200s...: folder name too long", parent);
        buf[0] = 0;
        return FS_EINPUT;
    }
    if (!plat_mkdtemp(buf)) {
        int why = errno;
        snprintf(err, errlen, "%s: cannot create a private folder: %s", parent, strerror(why));
        buf[0] = 0;
        return fs_errno_status(why);
    }
    /* Locked until the process ends (the descriptor is kept open on purpose): that is what
     * tells a later run this folder is not a dead one's. */
    plat_lock_dir(buf, PLAT_LOCK_TRY);
    return FS_OK;
}
