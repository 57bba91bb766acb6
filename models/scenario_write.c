/* scenario_write.c — scenario.resolved.ini: every section with every key it has, in the key
 * table's order (scenario_keys.def), defaults included since the loader filled them in, each
 * written so that it loads back as the same value, byte for byte. Reads the key table of
 * scenario_read.c and calls no function of the loader's files. */
#include <ctype.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "models/limits.h"
#include "scenario_int.h"
#include "sim/core.h"

/* inidoc.c's reader refuses a line of INI_MAX_LINE - 3 characters or more before its newline
 * (inih's buffer holds the newline and the NUL): SC_LINE_MAX is the longest it reads. */
_Static_assert(SC_LINE_MAX == INI_MAX_LINE - 4, "inidoc.c's line limit is inih's buffer");

/* A long value is written this wide where it can be (and up to SC_LINE_MAX where it cannot),
 * its continuation lines indented so. */
#define WRAP 100
#define INDENT "    "

/* Whether v may be broken at v[i], a space, onto a continuation line. inidoc.c joins a
 * continuation to the value above with one space, and inih strips white space at both ends of
 * every line, so the break must be one space between two other characters; and the rest must
 * read as a continuation: not a key line, a [header] or a comment (inidoc.c's reader). */
static int continues(const char *t) {
    return *t && !isspace((unsigned char)*t) && *t != '[' && *t != ';' && *t != '#' &&
           !doc_is_key_line(t);
}

static int can_break(const char *v, size_t i) {
    return v[i] == ' ' && i > 0 && !isspace((unsigned char)v[i - 1]) && continues(v + i + 1);
}

/* The part of v from i to write on a line that already holds `used` characters: its end (a
 * break, or the end of v). The widest part within WRAP, else the narrowest beyond it; 0 with
 * *end the end of the part when even that is over SC_LINE_MAX. */
static int next_part(const char *v, size_t i, size_t used, size_t *end) {
    size_t n = strlen(v), best = 0, first = 0;
    if (used + n - i <= WRAP) {
        *end = n;
        return 1;
    }
    for (size_t j = i + 1; j < n; j++)
        if (can_break(v, j)) {
            if (!first) first = j;
            if (used + j - i <= WRAP) best = j;
        }
    *end = best ? best : first ? first : n;
    return used + *end - i <= SC_LINE_MAX;
}

/* KEY = VALUE as lines of at most SC_LINE_MAX characters into f (NULL: only checked): on one
 * line when it fits, which is every value of the shipped scenarios; else broken at spaces
 * across continuation lines. 0, or -1 with why when it cannot be written so. */
static int write_value(FILE *f, const char *key, const char *v, char *why, size_t len) {
    size_t n = strlen(v), k = strlen(key);
    if (strchr(v, '\n')) {
        snprintf(why, len,
                 "expected one line of text: a line break cannot be written back into "
                 "scenario.resolved.ini");
        return -1;
    }
    for (const char *c = v; *c; c++)
        if ((*c == ';' || *c == '#') && c > v && isspace((unsigned char)c[-1])) {
            snprintf(why, len,
                     "expected no '%c' after a space (it starts a comment): it cannot be written "
                     "back into scenario.resolved.ini",
                     *c);
            return -1;
        }
    if (k + 3 + n <= SC_LINE_MAX) {
        if (f) fprintf(f, "%s = %s\n", key, v);
        return 0;
    }
    /* The first part beside the key, or, if it does not fit there, on a line of its own (an
     * empty value continued is the continuation alone: inidoc.c). */
    size_t i = 0, end;
    int beside = next_part(v, 0, k + 3, &end) && can_break(v, end);
    if (!beside && (k + 2 > SC_LINE_MAX || !continues(v))) {
        snprintf(why, len,
                 "expected at most %zu characters before the first space: longer cannot be "
                 "written back into scenario.resolved.ini",
                 k + 3 < SC_LINE_MAX ? SC_LINE_MAX - 3 - k : 0);
        return -1;
    }
    if (beside) {
        if (f) fprintf(f, "%s = %.*s\n", key, (int)end, v);
        i = end + 1;
    } else if (f) {
        fprintf(f, "%s =\n", key);
    }
    while (i < n) {
        if (!next_part(v, i, strlen(INDENT), &end)) {
            snprintf(why, len,
                     "expected at most %zu characters without a space (here %zu): longer "
                     "cannot be written back into scenario.resolved.ini",
                     (size_t)SC_LINE_MAX - strlen(INDENT), end - i);
            return -1;
        }
        if (f) fprintf(f, INDENT "%.*s\n", (int)(end - i), v + i);
        i = end + (end < n);
    }
    return 0;
}

/* s's keys as scenario.resolved.ini has them, into f (NULL: only checked): 0, or -1 with *bad
 * the entry that cannot be written and why. */
static int write_section(const struct doc_section *s, FILE *f, int replications,
                         const struct doc_entry **bad, char *why, size_t len) {
    for (size_t k = 0; k < K_COUNT; k++) {
        const struct sc_key_row *row = &sc_keys[k];
        if (strcmp(row->type, s->type) || (row->flags & KF_NOWRITE)) continue;
        struct doc_entry *e = doc_get((struct doc_section *)s, row->name);
        if (!e) continue;
        char reps[16]; /* a whole number below 10^9 */
        const char *v = e->value;
        if (replications > 0 && k == K_scenario_replications) {
            snprintf(reps, sizeof reps, "%d", replications);
            v = reps;
        }
        if (write_value(f, row->name, v, why, len)) {
            *bad = e;
            return -1;
        }
    }
    /* Per-group values, KEY.GROUP, after the unit's own. */
    for (size_t j = 0; !strcmp(s->type, "unit") && j < s->n; j++)
        if (strchr(s->e[j].key, '.') && write_value(f, s->e[j].key, s->e[j].value, why, len)) {
            *bad = &s->e[j];
            return -1;
        }
    return 0;
}

int resolved_check(const struct doc_section *s, const struct doc_entry **bad, char *why,
                   size_t len) {
    return write_section(s, NULL, 0, bad, why, len);
}

int scenario_write_resolved(const struct scenario *sc, FILE *f, int replications) {
    fprintf(f,
            "; flowsim resolved scenario: every key with its effective value, defaults\n"
            "; included, extends and --set applied. Run it as it is to reproduce the results.\n");
    for (size_t i = 0; i < sc->doc.n; i++) {
        const struct doc_section *s = &sc->doc.s[i];
        if (!strcmp(s->type, s->name))
            fprintf(f, "\n[%s]\n", s->type);
        else
            fprintf(f, "\n[%s %s]\n", s->type, s->name);
        const struct doc_entry *bad = NULL;
        char why[FS_MSG_MAX];
        /* The loader refused every value that cannot be written (check_loops). */
        FS_ASSERT(write_section(s, f, replications, &bad, why, sizeof why) == 0);
    }
    return ferror(f) ? -1 : 0;
}
