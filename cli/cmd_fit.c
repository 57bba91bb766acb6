/* flowsim fit STAYS.csv: the four duration families fitted to a column of observed stays. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "models/table.h"
#include "models/value.h"
#include "sim/core.h"
#include "sim/fit.h"

/* A fit as a scenario file would say it (durations in days, to four significant figures). */
static void dist_string(const struct fit_result *f, char *out, size_t len) {
    switch (f->kind) {
    case DIST_EXP:
        snprintf(out, len, "exp(%.4gd)", f->p[0]);
        break;
    case DIST_WEIBULL:
        snprintf(out, len, "weibull(%.4g, %.4gd)", f->p[0], f->p[1]);
        break;
    default:
        snprintf(out, len, "%s(%.4gd, %.4gd)", dist_name(f->kind), f->p[0], f->p[1]);
    }
}

/* The longest part of a cell a message quotes: a longer cell is quoted by its start and "...",
 * so that the message ends with its closing quote and what follows it, never cut. */
#define FIT_QUOTE_MAX 64

/* The start of cell to quote: its length up to FIT_QUOTE_MAX bytes (not inside a UTF-8
 * character), and whether it goes on. */
static int quoted_len(const char *cell, int *more) {
    size_t n = strlen(cell);
    *more = n > FIT_QUOTE_MAX;
    if (!*more) return (int)n;
    n = FIT_QUOTE_MAX;
    while (n > 0 && ((unsigned char)cell[n] & 0xC0) == 0x80) n--;
    return (int)n;
}

/* why, which quotes cell whole, with a long cell shortened as quoted_len says. */
static void shorten_quote(char *why, const char *cell) {
    int more, n = quoted_len(cell, &more);
    char *at = more ? strstr(why, cell) : NULL;
    if (!at) return;
    size_t len = strlen(cell);
    memcpy(at + n, "...", 3);
    memmove(at + n + 3, at + len, strlen(at + len) + 1);
}

int cmd_fit(const struct opts *o, const char *command) {
    (void)command;
    char err[FS_MSG_MAX];
    struct table t;
    if (table_read(o->file, &t, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    double *x = fs_calloc(t.n + 1, sizeof *x);
    size_t n = 0;
    int status = EXIT_OK;
    /* The stays are the first column. A row wider than the first row is refused rather than
     * cut: in a file of one column it is a decimal comma (3,5 read as 3). */
    size_t width = t.n ? t.row[0].n : 0;
    for (size_t i = 0; i < t.n; i++) {
        const struct table_row *r = &t.row[i];
        /* Room for the cell whole, however long, then shortened: never a cut message. */
        char *why = fs_malloc(strlen(r->field[0]) + FS_MSG_MAX);
        double v;
        if (r->n > width) {
            if (width == 1)
                fprintf(stderr,
                        "%s:%ld: expected one column like the first row, got %zu (a decimal "
                        "comma? write 3.5)\n",
                        o->file, r->line, r->n);
            else
                fprintf(stderr,
                        "%s:%ld: expected at most %zu columns like the first row, got %zu\n",
                        o->file, r->line, width, r->n);
            status = EXIT_BAD_INPUT;
            fs_free(why);
            break;
        }
        int bad = val_duration(r->field[0], &v, why, strlen(r->field[0]) + FS_MSG_MAX) != 0;
        if (bad && i > 0) {
            shorten_quote(why, r->field[0]);
            fprintf(stderr, "%s:%ld: %s\n", o->file, r->line, why);
            status = EXIT_BAD_INPUT;
        }
        fs_free(why);
        if (bad && i == 0) continue; /* a header */
        if (bad) break;
        /* A stay of 0 (or one overflowing to infinity) has no likelihood in any family. */
        if (!(v > 0) || !isfinite(v)) {
            int more, len = quoted_len(r->field[0], &more);
            fprintf(stderr, "%s:%ld: expected a finite stay > 0, got '%.*s%s'\n", o->file, r->line,
                    len, r->field[0], more ? "..." : "");
            status = EXIT_BAD_INPUT;
            break;
        }
        x[n++] = v;
    }
    struct fit_result f[4];
    int best = -1;
    if (status == EXIT_OK && (best = fit_all(x, n, f, err, sizeof err)) < 0) {
        fprintf(stderr, "%s: %s\n", o->file, err);
        status = EXIT_BAD_INPUT;
    }
    if (status == EXIT_OK) {
        double mean = 0;
        for (size_t i = 0; i < n; i++) mean += x[i] / (double)n;
        printf("flowsim fit: %zu stays from %s (mean %.4g days), maximum likelihood\n\n", n,
               o->file, mean);
        printf("%-11s %-28s %16s %14s\n", "family", "distribution", "log-likelihood", "AIC");
        char s[96];
        for (int i = 0; i < 4; i++) {
            if (!f[i].ok) {
                printf("%-11s %-28s\n", dist_name(f[i].kind), "(no fit)");
                continue;
            }
            dist_string(&f[i], s, sizeof s);
            printf("%-11s %-28s %16.6g %14.6g%s\n", dist_name(f[i].kind), s, f[i].loglik, f[i].aic,
                   i == best ? "  <- best" : "");
        }
        dist_string(&f[best], s, sizeof s);
        printf("\nbest (lowest AIC), ready to paste:\nstay = %s\n", s);
    }
    fs_free(x);
    table_fini(&t);
    return status;
}
