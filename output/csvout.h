/* csvout.h — CSV writing helpers: text fields quoted by libcsv, numbers in one fixed format,
 * and files written under a temporary name then renamed, so a file is complete or absent. */
#ifndef FS_CSVOUT_H
#define FS_CSVOUT_H

#include <stddef.h>
#include <stdio.h>

/* s quoted as a CSV field by libcsv (always quoted only when needed), freshly allocated. */
char *csvout_quote(const char *s);
/* A number as %.9g; nothing at all for NaN or infinity (an empty cell, never "nan"). */
void csvout_num(FILE *f, double v);
/* The same text into buf (at least CSVOUT_NUM_MAX bytes, not terminated); returns its length. */
#define CSVOUT_NUM_MAX 32
size_t csvout_fmt_num(char *buf, double v);
/* Append the whole of tmp (a temporary file written by one worker) to dst and close tmp.
 * Returns 0, or -1 when a read or write failed. */
int csvout_append(FILE *dst, FILE *tmp);
/* Copy what is left of src (from where it stands) to dst. Returns 0, or -1 when a read or
 * write failed. */
int csvout_copy_rest(FILE *dst, FILE *src);

/* Create dir and its parents (like mkdir -p). Returns 0, or -1 with a message. */
int csvout_mkdirs(const char *path, char *err, size_t errlen);

/* A file in dir written as dir/.name.tmp and renamed to dir/name on close. */
struct csvout_file {
    FILE *f;
    char tmp[4096];
    char final[4096];
};
int csvout_open(struct csvout_file *cf, const char *dir, const char *name, char *err,
                size_t errlen);
/* Flush, close and rename; returns 0 or -1 with a message. */
int csvout_close(struct csvout_file *cf, char *err, size_t errlen);
/* Close and delete (after a failure). */
void csvout_discard(struct csvout_file *cf);

/* Remove the plain files of a folder, then the folder (if that leaves it empty). */
void csvout_remove_dir(const char *dir);

/* A results folder written whole or not at all: its files go to a hidden staging folder
 * beside it (.NAME.tmp-XXXXXX), which takes its place in one step at publish (an atomic
 * exchange where the file system offers one). A run killed at any moment — even by kill -9 —
 * leaves the previous folder as it was; files of other people's in it are kept. */
struct csvout_stage {
    char final[4096]; /* the folder, resolved (a symlink to a folder is followed) */
    char dir[4200];   /* the staging folder: write the files here */
    /* Names that belong to the writer (NULL-terminated, or NULL): an old file of such a name
     * goes with the old folder even when the new one has none (a patient log from an earlier
     * run must not sit beside results it does not describe). Anything else is kept. */
    const char *const *owned;
};
int csvout_stage_open(struct csvout_stage *st, const char *dir, char *err, size_t errlen);
int csvout_stage_publish(struct csvout_stage *st, char *err, size_t errlen);
/* Delete the staging folder and what was written in it. */
void csvout_stage_abort(struct csvout_stage *st);

#endif
