/* Console tables aligned on their widest cells (contable.h). */
#include "contable.h"

#include <string.h>

#include "sim/core.h"

void ctab_init(struct ctab *t, size_t ncol, const char *align) {
    memset(t, 0, sizeof *t);
    t->ncol = ncol;
    t->right = align;
}

void ctab_row(struct ctab *t, const char *const *cells) {
    fs_grow((void **)&t->cell, &t->cap, (t->nrow + 1) * t->ncol, sizeof *t->cell);
    for (size_t c = 0; c < t->ncol; c++)
        t->cell[t->nrow * t->ncol + c] = fs_strdup(cells[c] ? cells[c] : "");
    t->nrow++;
}

size_t ctab_width(const char *s) {
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80; /* not a continuation byte */
    return n;
}

static void pad(FILE *f, size_t n) {
    while (n--) fputc(' ', f);
}

void ctab_print(const struct ctab *t, FILE *f) {
    size_t *w = fs_calloc(t->ncol + 1, sizeof *w);
    for (size_t r = 0; r < t->nrow; r++)
        for (size_t c = 0; c < t->ncol; c++) {
            size_t k = ctab_width(t->cell[r * t->ncol + c]);
            if (k > w[c]) w[c] = k;
        }
    for (size_t r = 0; r < t->nrow; r++) {
        size_t last = t->ncol; /* no trailing blanks: empty left-aligned cells at the end */
        while (last > 1 && (!t->right || t->right[last - 1] != 'r') &&
               !*t->cell[r * t->ncol + last - 1])
            last--;
        for (size_t c = 0; c < last; c++) {
            const char *s = t->cell[r * t->ncol + c];
            size_t gap = w[c] - ctab_width(s);
            int right = t->right && t->right[c] == 'r';
            if (c) fputs("  ", f);
            if (right) pad(f, gap);
            fputs(s, f);
            if (!right && c + 1 < last) pad(f, gap);
        }
        fputc('\n', f);
    }
    fs_free(w);
}

void ctab_fini(struct ctab *t) {
    for (size_t i = 0; i < t->nrow * t->ncol; i++) fs_free(t->cell[i]);
    fs_free(t->cell);
    memset(t, 0, sizeof *t);
}
