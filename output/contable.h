/* contable.h — a table for the console (flowsim run's headline table, compare's): every
 * column as wide as its widest cell, so that long unit, metric and measure names (a 40-letter
 * unit, "£ per day") never push a row out of line. Widths are counted in a terminal's columns:
 * a UTF-8 character is one, a wide one (CJK, Hangul, kana, emoji: East Asian Width W or F,
 * Unicode UAX #11) two, a combining mark or zero-width character none. Cells are copied; rows are
 * printed only by ctab_print. */
#ifndef FS_CONTABLE_H
#define FS_CONTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ctab {
    size_t ncol;
    const char *right; /* ncol flags: 'r' right-aligned (numbers), else left */
    char **cell;       /* nrow x ncol, row-major; row 0 the header */
    size_t nrow, cap;
};

/* A table of ncol columns; align: a string of ncol letters, 'l' or 'r' (kept, not copied). */
void ctab_init(struct ctab *t, size_t ncol, const char *align);
/* One row of ncol cells (NULL: empty). The first row added is the header. */
void ctab_row(struct ctab *t, const char *const *cells);
/* The table: columns two spaces apart, each padded to its widest cell (the last one too, when
 * right-aligned; a left-aligned last column is not padded: no trailing spaces). */
void ctab_print(const struct ctab *t, FILE *f);
void ctab_fini(struct ctab *t);
/* Columns s takes on a terminal (UTF-8): see above. A malformed sequence counts one. */
size_t ctab_width(const char *s);
/* Columns one code point takes on a terminal: 0, 1 or 2 (as above). */
int ctab_columns(uint32_t c);

#endif
