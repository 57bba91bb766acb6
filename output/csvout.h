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
/* Rows gathered into few writes: stdio locks and copies on every call, and a long run's
 * outputs are millions of short rows (timeseries.csv, series.csv, warmup.csv). A row of at most
 * `need` bytes is made at csvout_rows_room's pointer and ended with csvout_rows_put; the bytes
 * written are the same as one fwrite a row. Flush before anything else writes to f. */
struct csvout_rows {
    FILE *f;
    size_t n;          /* bytes waiting in buf */
    char buf[1 << 14]; /* 16 KB: a few stdio buffers; on the caller's stack */
};
static inline void csvout_rows_init(struct csvout_rows *b, FILE *f) {
    b->f = f, b->n = 0;
}
static inline void csvout_rows_flush(struct csvout_rows *b) {
    if (b->n) fwrite(b->buf, 1, b->n, b->f);
    b->n = 0;
}
/* Where a row of at most need bytes goes, or NULL when need is more than the buffer holds (the
 * buffer is flushed: write that row to f directly). */
static inline char *csvout_rows_room(struct csvout_rows *b, size_t need) {
    if (b->n + need > sizeof b->buf) csvout_rows_flush(b);
    return need > sizeof b->buf ? NULL : b->buf + b->n;
}
/* The row made at csvout_rows_room's pointer ends at end. */
static inline void csvout_rows_put(struct csvout_rows *b, const char *end) {
    b->n = (size_t)(end - b->buf);
}

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
