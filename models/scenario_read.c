/* scenario_read.c — reading one key: the key table (scenario_keys.def) and what reads it (the
 * unknown-key check, defaults, required keys), the FILE:LINE messages, and unit lookup. Calls
 * only scenario_query.c of the loader's files. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "scenario_int.h"
#include "sim/core.h"
#include "value.h"

const struct sc_key_row sc_keys[K_COUNT] = {
#define KEY(type, name, dflt, flags, expect) {#type, #name, dflt, flags, expect},
#include "scenario_keys.def"
#undef KEY
};

int failf(struct ctx *c, const char *file, int line, const char *fmt, ...) {
    char where[FS_MSG_MAX];
    doc_where(file, line, where, sizeof where);
    size_t n = strlen(where);
    snprintf(c->err, c->errlen, "%s", where);
    if (n < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int key_fail(struct ctx *c, const struct doc_entry *e, const char *why) {
    return failf(c, e->file, e->line, "%s: %s", e->key, why);
}

int key_got(struct ctx *c, const struct doc_entry *e, const char *why) {
    return failf(c, e->file, e->line, "%s: %s, got '%s'", e->key, why, e->value);
}

/* The table's rows for a section type: [*lo, *hi) (rows of one type stay together). */
static void type_rows(const char *type, size_t *lo, size_t *hi) {
    *lo = 0;
    while (*lo < K_COUNT && strcmp(sc_keys[*lo].type, type)) ++*lo;
    *hi = *lo;
    while (*hi < K_COUNT && !strcmp(sc_keys[*hi].type, type)) ++*hi;
}

/* The names of rows [lo, hi) having all of flags, as "a, b, c" (last_sep: ", " or " and "
 * before the last). */
static void key_list(size_t lo, size_t hi, int flags, const char *last_sep, char *out, size_t len) {
    size_t n = 0, total = 0, at = 0;
    for (size_t k = lo; k < hi; k++) total += (sc_keys[k].flags & flags) == flags;
    out[0] = 0;
    for (size_t k = lo; k < hi; k++) {
        if ((sc_keys[k].flags & flags) != flags) continue;
        const char *sep = n == 0 ? "" : n + 1 == total ? last_sep : ", ";
        int w = snprintf(out + at, len - at, "%s%s", sep, sc_keys[k].name);
        FS_ASSERT(w >= 0 && (size_t)w < len - at); /* the table's names fit a message */
        at += (size_t)w;
        n++;
    }
}

/* KEY.GROUP in a [unit]: a per-group value of a KF_GROUP key for a declared group. 1 when it
 * is one, 0 when the key has no dot, -1 with the message. */
static int group_key_ok(struct ctx *c, const struct doc_entry *e, size_t lo, size_t hi) {
    const char *dot = strchr(e->key, '.');
    if (!dot) return 0;
    size_t n = (size_t)(dot - e->key);
    int known = 0;
    for (size_t k = lo; k < hi; k++)
        known |= (sc_keys[k].flags & KF_GROUP) && strlen(sc_keys[k].name) == n &&
                 !strncmp(sc_keys[k].name, e->key, n);
    if (!known) {
        /* the list is a few of the table's key names: far shorter than a message */
        char list[FS_MSG_MAX / 2], why[FS_MSG_MAX];
        key_list(lo, hi, KF_GROUP, " and ", list, sizeof list);
        snprintf(why, sizeof why, "per-group values (KEY.GROUP) are for %s", list);
        return key_fail(c, e, why);
    }
    if (group_index(c->sc, dot + 1) < 0) {
        char why[FS_MSG_MAX];
        snprintf(why, sizeof why, "unknown group '%s' (expected a [group NAME] section)", dot + 1);
        return key_fail(c, e, why);
    }
    return 1;
}

int check_known_keys(struct ctx *c, struct doc_section *s) {
    size_t lo, hi;
    type_rows(s->type, &lo, &hi);
    for (size_t i = 0; i < s->n; i++) {
        int ok = 0;
        for (size_t k = lo; k < hi && !ok; k++) ok = strcmp(sc_keys[k].name, s->e[i].key) == 0;
        if (!ok && !strcmp(s->type, "unit")) {
            int g = group_key_ok(c, &s->e[i], lo, hi);
            if (g < 0) return -1;
            ok = g;
        }
        if (!ok) {
            char list[FS_MSG_MAX];
            key_list(lo, hi, 0, ", ", list, sizeof list);
            return failf(c, s->e[i].file, s->e[i].line,
                         "%s: unknown key in [%s] (expected one of: %s)", s->e[i].key, s->type,
                         list);
        }
    }
    return 0;
}

struct doc_entry *opt(struct doc_section *s, enum sc_key k) {
    FS_ASSERT(!strcmp(sc_keys[k].type, s->type));
    return doc_get(s, sc_keys[k].name);
}

struct doc_entry *get(struct ctx *c, struct doc_section *s, enum sc_key k) {
    struct doc_entry *e = opt(s, k);
    if (!e && sc_keys[k].dflt) e = doc_put(c->d, s, sc_keys[k].name, sc_keys[k].dflt, s->file, 0);
    return e;
}

struct doc_entry *get_derived(struct ctx *c, struct doc_section *s, enum sc_key k,
                              const char *dflt) {
    FS_ASSERT(sc_keys[k].flags & KF_DERIVED);
    struct doc_entry *e = opt(s, k);
    if (!e) e = doc_put(c->d, s, sc_keys[k].name, dflt, s->file, 0);
    return e;
}

int missing(struct ctx *c, const struct doc_section *s, enum sc_key k, const char *group) {
    FS_ASSERT(sc_keys[k].expect);
    int named = strcmp(s->type, s->name) != 0;
    return failf(c, s->file, s->line, "[%s%s%s]: %s%s%s: required key missing (expected %s)",
                 s->type, named ? " " : "", named ? s->name : "", sc_keys[k].name, group ? "." : "",
                 group ? group : "", sc_keys[k].expect);
}

struct doc_entry *require(struct ctx *c, struct doc_section *s, enum sc_key k) {
    struct doc_entry *e = get(c, s, k);
    if (!e) missing(c, s, k, NULL);
    return e;
}

struct doc_entry *opt_group(struct doc_section *s, enum sc_key k, const char *group) {
    const char *name = sc_keys[k].name;
    size_t n = strlen(name);
    FS_ASSERT(sc_keys[k].flags & KF_GROUP);
    for (size_t i = 0; i < s->n; i++) {
        const char *key = s->e[i].key;
        if (!strncmp(key, name, n) && key[n] == '.' && !strcmp(key + n + 1, group)) return &s->e[i];
    }
    return NULL;
}

int parse_key(struct ctx *c, struct doc_entry *e, parse_fn fn, double *v) {
    char why[FS_MSG_MAX];
    if (fn(e->value, v, why, sizeof why) != 0) return key_fail(c, e, why);
    if (fn == val_duration) note_bare_duration(c, e, e->value);
    return 0;
}

/* The first number of text[0..n) written without a unit (not 0, which is 0 in any unit): its
 * length, its start in *at; 0 when none. */
static size_t bare_number(const char *text, size_t n, const char **at) {
    while (n && isspace((unsigned char)*text)) text++, n--;
    while (n && isspace((unsigned char)text[n - 1])) n--;
    char buf[64];
    if (!n || n >= sizeof buf) return 0;
    memcpy(buf, text, n);
    buf[n] = 0;
    char *end;
    double x = strtod(buf, &end);
    if (end == buf || *end || x == 0 || !isdigit((unsigned char)buf[n - 1])) return 0;
    *at = text;
    return n;
}

void note_bare_duration(struct ctx *c, const struct doc_entry *e, const char *text) {
    const char *open = strchr(text, '('), *at = NULL;
    size_t len = 0;
    if (!open) {
        len = bare_number(text, strlen(text), &at);
    } else {
        const char *name = text;
        while (isspace((unsigned char)*name)) name++;
        size_t namelen = strspn(name, "abcdefghijklmnopqrstuvwxyz");
        if (namelen == 9 && !strncmp(name, "empirical", 9)) return; /* its file warns */
        int skip = namelen == 7 && !strncmp(name, "weibull", 7);    /* the shape has no unit */
        for (const char *a = open + 1; *a && !len;) {
            size_t n = strcspn(a, ",)");
            if (skip)
                skip = 0;
            else
                len = bare_number(a, n, &at);
            a += n;
            if (*a) a++;
        }
    }
    if (!len) return;
    for (size_t i = 0; i < c->nnotes; i++)
        if (c->notes[i].key == e->key) return; /* one a key: its first */
    fs_grow((void **)&c->notes, &c->notecap, c->nnotes + 1, sizeof *c->notes);
    c->notes[c->nnotes++] = (struct key_note){
        e->key, fs_sprintf("%s: a number without a unit is days: %.*s here is %.*s days (write "
                           "%.*sd to say so, or %.*sh if hours were meant)",
                           e->key, (int)len, at, (int)len, at, (int)len, at, (int)len, at)};
}

void notes_fini(struct ctx *c) {
    for (size_t i = 0; i < c->nnotes; i++) fs_free(c->notes[i].text);
    fs_free(c->notes);
    c->notes = NULL;
    c->nnotes = c->notecap = 0;
}

void list_free(char **items, size_t n) {
    for (size_t i = 0; i < n; i++) fs_free(items[i]);
    fs_free(items);
}

int split_list(struct ctx *c, const struct doc_entry *e, const char *hint, char ***items,
               size_t *n) {
    size_t cap = 0;
    *items = NULL;
    *n = 0;
    for (const char *p = e->value;;) {
        const char *end = p;
        for (int depth = 0; *end && (*end != ',' || depth > 0); end++)
            depth += (*end == '(') - (*end == ')');
        const char *a = p, *b = end;
        while (a < b && isspace((unsigned char)*a)) a++;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        if (a == b) {
            list_free(*items, *n);
            *items = NULL;
            *n = 0;
            return key_got(c, e, hint);
        }
        fs_grow((void **)items, &cap, *n + 1, sizeof **items);
        char *item = fs_malloc((size_t)(b - a) + 1);
        memcpy(item, a, (size_t)(b - a));
        item[b - a] = 0;
        (*items)[(*n)++] = item;
        if (!*end) return 0;
        p = end + 1;
    }
}

int key_number(struct ctx *c, struct doc_section *s, enum sc_key k, parse_fn fn, double *v) {
    FS_ASSERT(sc_keys[k].dflt);
    return parse_key(c, get(c, s, k), fn, v);
}

int parse_number_any(const char *s, double *v, char *err, size_t errlen) {
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end || !isfinite(x) || x < 0) {
        snprintf(err, errlen, "expected a number >= 0, got '%s'", s);
        return -1;
    }
    *v = x;
    return 0;
}

int unit_lookup(const struct scenario *sc, const char *name, int allow_exit, int *out, char *why,
                size_t len) {
    if (allow_exit && !strcmp(name, "exit")) {
        *out = ROUTE_EXIT;
        return 0;
    }
    if ((*out = scenario_unit_index(sc, name)) >= 0) return 0;
    snprintf(why, len, "unknown unit '%s' (expected a [unit] name%s)", name,
             allow_exit ? " or exit" : "");
    return -1;
}

int unit_named(struct ctx *c, const struct doc_entry *e, const char *name, int allow_exit,
               int *out) {
    char why[FS_MSG_MAX];
    if (unit_lookup(c->sc, name, allow_exit, out, why, sizeof why)) return key_fail(c, e, why);
    return 0;
}
