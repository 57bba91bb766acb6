/* table.h — a small CSV table read with libcsv (strict mode), keeping each row's line number
 * so that errors can point at FILE:LINE. Handles a UTF-8 BOM, CRLF, quoted fields, blank lines
 * and trailing empty columns (as Excel writes them). */
#ifndef FS_TABLE_H
#define FS_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct table_row {
    size_t n;     /* fields, trailing empty ones dropped */
    char **field; /* NUL-terminated, surrounding spaces trimmed */
    long line;    /* line where the row starts */
};

struct table {
    size_t n;
    struct table_row *row;
};

/* Open an input file (a scenario or a table) for reading: a regular file only, so that a
 * name like /dev/zero, a folder or a named pipe is refused at once rather than read for ever.
 * what names the kind of file for the message ("CSV file"). NULL with "PATH: reason" in err. */
FILE *table_fopen(const char *path, const char *what, char *err, size_t errlen);

/* Returns 0, or -1 with "PATH: reason" (or "PATH:LINE: reason") in err. */
int table_read(const char *path, struct table *t, char *err, size_t errlen);
void table_fini(struct table *t);
/* table_each's callback: a row of the file (the header too, as table_read keeps it), its fields
 * valid until it returns. Returns 0 to go on, or nonzero (having written err) to stop. */
typedef int (*table_row_fn)(void *ctx, const struct table_row *r);
/* The file's rows one at a time, by table_read's rules (and its messages), holding only the
 * row: for files too big to hold. Returns 0, -1 with a message, or fn's nonzero. */
int table_each(const char *path, table_row_fn fn, void *ctx, char *err, size_t errlen);
/* The index of the field of row h (a header) named name, or -1. */
int table_column(const struct table_row *h, const char *name);
/* Field col of row r, or "" where col < 0 or the row is shorter (its trailing empty cells were
 * dropped): a column that is absent and a cell left empty read alike. */
const char *table_field(const struct table_row *r, int col);

/* A value parser of models/value.h's shape (val_number, val_positive, val_duration...). */
typedef int (*table_parse_fn)(const char *s, double *v, char *err, size_t errlen);
/* The number in column col of row r (of the file path), read by parse: the one way a number is
 * read from a CSV cell, so that a bad cell is refused, never read as 0 or as its leading digits.
 * name is the column as the header names it. Returns 0, or -1 with
 * "PATH:LINE: NAME: expected ..., got '...'" in err. */
int table_number(const char *path, const struct table_row *r, int col, const char *name,
                 table_parse_fn parse, double *v, char *err, size_t errlen);

#endif
