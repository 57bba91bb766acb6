/* csvout.h — CSV writing helpers: text fields quoted by libcsv, numbers in one fixed format,
 * and files written under a fresh temporary name then renamed, so a file is complete or
 * absent. Where files go (a results folder and its staging) is outdir.h's. */
#ifndef FS_CSVOUT_H
#define FS_CSVOUT_H

#include <stddef.h>
#include <stdio.h>

#include "models/limits.h"

/* s as a CSV text cell, freshly allocated: quoted by libcsv when needed, and neutralised when a
 * spreadsheet would run it as a formula (first character = + - @, tab or CR: a leading
 * apostrophe, OWASP's rule; a plain number such as -3.5 is left as it is). Every text cell
 * flowsim writes goes through this. */
char *csvout_quote(const char *s);
/* Undo csvout_quote's neutralising apostrophe in a cell read back (in place): "'=x" is "=x"
 * again, for a page or a console that shows the name rather than hands it to a spreadsheet.
 * Returns cell. */
char *csvout_plain(char *cell);
/* A number as %.9g; nothing at all for NaN or infinity (an empty cell, never "nan"). */
void csvout_num(FILE *f, double v);
/* The same text into buf (at least CSVOUT_NUM_MAX bytes, not terminated); returns its length. */
#define CSVOUT_NUM_MAX 32
size_t csvout_fmt_num(char *buf, double v);
/* Append the whole of tmp (a temporary file written by one worker) to dst and close tmp.
 * Returns 0, or -1 when a read or write failed. */
int csvout_append(FILE *dst, FILE *tmp);
/* Copy what is left of src (from where it stands) to dst, adding the lines copied (its
 * newlines) to *lines unless lines is NULL. Returns 0, or -1 when a read or write failed. */
int csvout_copy_rest(FILE *dst, FILE *src, unsigned long long *lines);

/* A file in dir, written under a fresh temporary name (.NAME.PID-N.tmp, created with
 * O_EXCL|O_NOFOLLOW, so nothing already there is opened or followed) and renamed to dir/name on
 * close: the file is whole or absent. The one way flowsim writes an output file. */
struct csvout_file {
    FILE *f;
    char tmp[FS_PATH_MAX];   /* dir/.NAME.PID-N.tmp, while it is written */
    char final[FS_PATH_MAX]; /* dir/NAME */
};
/* Returns 0, or an fs_status (FS_ECREATE, FS_EIO, FS_EINPUT for a name too long) with a
 * message. */
int csvout_open(struct csvout_file *cf, const char *dir, const char *name, char *err,
                size_t errlen);
/* Flush, close and rename; returns 0, or FS_EIO (a write failed) or FS_ECREATE (the name is
 * taken by a folder, say) with a message. */
int csvout_close(struct csvout_file *cf, char *err, size_t errlen);
/* Close and delete (after a failure). */
void csvout_discard(struct csvout_file *cf);

#endif
