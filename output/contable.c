/* Console tables aligned on their widest cells (contable.h). */
#include "contable.h"

#include <stdint.h>
#include <string.h>

#include "sim/core.h"
#include "utf8.h"

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

/* Code points a terminal draws in no column (combining marks, zero-width spaces and joiners,
 * variation selectors, emoji skin tones) and in two (East Asian Wide and Fullwidth, UAX #11:
 * Hangul, CJK, kana, fullwidth forms, emoji), as ranges [lo, hi] in order. After Markus Kuhn's
 * public-domain wcwidth (2007), brought up to Unicode 15's wide emoji. A table rather than libc's
 * wcwidth, which needs a UTF-8 locale set process-wide and is absent from Windows' C library. */
static const uint32_t zero_width[][2] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},   {0x0610, 0x061A},  {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},   {0x1AB0, 0x1AFF},  {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},   {0x20D0, 0x20FF},  {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0x1F3FB, 0x1F3FF}, {0xE0000, 0xE0FFF}};
static const uint32_t double_width[][2] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18AFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F3FA},
    {0x1F400, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D},
    {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596},
    {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC},
    {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC},
    {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A},
    {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD}};

static int in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n) {
    size_t lo = 0, hi = n; /* binary search: the first range ending at or after c */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r[mid][1] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && r[lo][0] <= c;
}

int ctab_columns(uint32_t c) {
    return in_ranges(c, zero_width, sizeof zero_width / sizeof *zero_width)         ? 0
           : in_ranges(c, double_width, sizeof double_width / sizeof *double_width) ? 2
                                                                                    : 1;
}

size_t ctab_width(const char *s) {
    size_t n = 0;
    while (*s) n += (size_t)ctab_columns(utf8_next(&s, NULL)); /* a malformed one: 1 (U+FFFD) */
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
