#include "table.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "models/limits.h"
#include "sim/core.h"
#include "sim/platform.h"

struct reader {
    struct table *t; /* table_read's: every row kept */
    size_t cap;
    struct table_row cur;
    size_t curcap;
    long line;
    /* table_each's: each row handed to fn, its fields in one buffer used again for the next
     * row (text at off[i]), so that a file of millions of rows costs no allocation a field */
    table_row_fn fn;
    void *ctx;
    int stop; /* fn's nonzero: the rows after it are not handed on */
    char *text;
    size_t *off, textlen, textcap, offcap;
};

static char *trimmed_copy(const char *s, size_t len) {
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    char *c = fs_malloc(len + 1);
    memcpy(c, s, len);
    c[len] = 0;
    return c;
}

/* table_each's field: trimmed into the row's buffer. */
static void on_field_each(struct reader *r, const char *s, size_t len) {
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (r->cur.n == 0) r->textlen = 0;
    fs_grow((void **)&r->text, &r->textcap, r->textlen + len + 1, 1);
    fs_grow((void **)&r->off, &r->offcap, r->cur.n + 1, sizeof *r->off);
    fs_grow((void **)&r->cur.field, &r->curcap, r->cur.n + 1, sizeof *r->cur.field);
    memcpy(r->text + r->textlen, s, len);
    r->text[r->textlen + len] = 0;
    r->off[r->cur.n++] = r->textlen;
    r->textlen += len + 1;
}

static void on_field(void *s, size_t len, void *data) {
    struct reader *r = data;
    if (r->cur.n == 0) r->cur.line = r->line;
    if (r->fn) {
        on_field_each(r, s ? s : "", s ? len : 0);
        return;
    }
    fs_grow((void **)&r->cur.field, &r->curcap, r->cur.n + 1, sizeof *r->cur.field);
    r->cur.field[r->cur.n++] = trimmed_copy(s ? s : "", s ? len : 0);
}

static void on_row(int c, void *data) {
    (void)c;
    struct reader *r = data;
    if (r->fn) {
        for (size_t i = 0; i < r->cur.n; i++) r->cur.field[i] = r->text + r->off[i];
        while (r->cur.n && r->cur.field[r->cur.n - 1][0] == 0) r->cur.n--;
        if (r->cur.n && !r->stop) r->stop = r->fn(r->ctx, &r->cur);
        r->cur.n = 0;
        return;
    }
    /* Excel pads rows with empty columns: drop them, and drop rows left empty. */
    while (r->cur.n && r->cur.field[r->cur.n - 1][0] == 0) fs_free(r->cur.field[--r->cur.n]);
    if (r->cur.n == 0) return;
    fs_grow((void **)&r->t->row, &r->cap, r->t->n + 1, sizeof *r->t->row);
    r->t->row[r->t->n++] = r->cur;
    memset(&r->cur, 0, sizeof r->cur);
    r->curcap = 0;
}

FILE *table_fopen(const char *path, const char *what, char *err, size_t errlen) {
    struct stat st;
    /* stat before open: opening a named pipe would already wait for a writer. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot open %s: %s", path, what,
                 S_ISDIR(st.st_mode) ? "it is a folder" : "not a regular file");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) snprintf(err, errlen, "%s: cannot open %s: %s", path, what, strerror(errno));
    return f;
}

/* The file's rows through libcsv into r (table_read's table or table_each's fn): 0, -1 with a
 * message, or fn's nonzero. */
static int read_rows(const char *path, struct reader *r0, char *err, size_t errlen) {
    FILE *f = table_fopen(path, "CSV file", err, errlen);
    if (!f) return -1;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
        fclose(f);
        snprintf(err, errlen, "%s: cannot start the CSV parser", path);
        return -1;
    }
    struct reader r = *r0;
    char *buf = NULL;
    size_t bufcap = 0;
    ssize_t len;
    int rc = 0;
    while (!r.stop && (len = plat_getline(&buf, &bufcap, f)) > 0) {
        r.line++;
        const char *s = buf;
        if (r.line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, len -= 3;
        if (memchr(s, 0, (size_t)len)) {
            snprintf(err, errlen, "%s:%ld: a NUL byte: this is not a text CSV file", path, r.line);
            rc = -1;
            break;
        }
        if (csv_parse(&p, s, (size_t)len, on_field, on_row, &r) != (size_t)len) {
            snprintf(err, errlen, "%s:%ld: malformed CSV (%s)", path, r.line,
                     csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && r.stop) rc = r.stop;
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    }
    /* csv_fini flushes a last row that has no final newline. */
    if (rc == 0 && csv_fini(&p, on_field, on_row, &r) != 0) {
        snprintf(err, errlen, "%s:%ld: malformed CSV (%s)", path, r.line,
                 csv_strerror(csv_error(&p)));
        rc = -1;
    }
    if (rc == 0 && r.stop) rc = r.stop; /* the last row's, flushed by csv_fini */
    for (size_t i = 0; !r.fn && i < r.cur.n; i++) fs_free(r.cur.field[i]);
    fs_free(r.cur.field);
    fs_free(r.text);
    fs_free(r.off);
    csv_free(&p);
    free(buf);
    fclose(f);
    return rc;
}

int table_read(const char *path, struct table *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    struct reader r = {.t = t};
    int rc = read_rows(path, &r, err, errlen);
    if (rc) table_fini(t);
    return rc;
}

int table_each(const char *path, table_row_fn fn, void *ctx, char *err, size_t errlen) {
    struct reader r = {.fn = fn, .ctx = ctx};
    return read_rows(path, &r, err, errlen);
}

void table_fini(struct table *t) {
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->row[i].n; j++) fs_free(t->row[i].field[j]);
        fs_free(t->row[i].field);
    }
    fs_free(t->row);
    memset(t, 0, sizeof *t);
}

int table_column(const struct table_row *h, const char *name) {
    for (size_t k = 0; k < h->n; k++)
        if (!strcmp(h->field[k], name)) return (int)k;
    return -1;
}

const char *table_field(const struct table_row *r, int col) {
    return col >= 0 && (size_t)col < r->n ? r->field[col] : "";
}

int table_number(const char *path, const struct table_row *r, int col, const char *name,
                 table_parse_fn parse, double *v, char *err, size_t errlen) {
    char why[FS_MSG_MAX];
    if (parse(table_field(r, col), v, why, sizeof why) == 0) return 0;
    snprintf(err, errlen, "%s:%ld: %s: %s", path, r->line, name, why);
    return -1;
}
