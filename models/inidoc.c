#include "inidoc.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "sim/core.h"
#include "sim/platform.h"
#include "table.h"

void doc_where(const char *file, int line, char *buf, size_t len) {
    if (line > 0)
        snprintf(buf, len, "%s:%d: ", file, line);
    else
        snprintf(buf, len, "%s: ", file);
}

/* "FILE:LINE" for pointing at an earlier place, inside a message. */
static void place(const char *file, int line, char *buf, size_t len) {
    if (line > 0)
        snprintf(buf, len, "%s:%d", file, line);
    else
        snprintf(buf, len, "%s", file);
}

const char *doc_intern_file(struct doc *d, const char *path) {
    for (size_t i = 0; i < d->nfiles; i++)
        if (strcmp(d->files[i], path) == 0) return d->files[i];
    fs_grow((void **)&d->files, &d->filecap, d->nfiles + 1, sizeof *d->files);
    return d->files[d->nfiles++] = fs_strdup(path);
}

struct doc_section *doc_add_section(struct doc *d, const char *type, const char *name,
                                    const char *file, int line) {
    fs_grow((void **)&d->s, &d->cap, d->n + 1, sizeof *d->s);
    struct doc_section *s = &d->s[d->n++];
    memset(s, 0, sizeof *s);
    s->type = fs_strdup(type);
    s->name = fs_strdup(name);
    s->file = doc_intern_file(d, file);
    s->line = line;
    return s;
}

struct doc_section *doc_section(struct doc *d, const char *name) {
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->s[i].name, name) == 0) return &d->s[i];
    return NULL;
}

struct doc_entry *doc_get(struct doc_section *s, const char *key) {
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->e[i].key, key) == 0) return &s->e[i];
    return NULL;
}

struct doc_entry *doc_put(struct doc *d, struct doc_section *s, const char *key, const char *value,
                          const char *file, int line) {
    struct doc_entry *e = doc_get(s, key);
    if (!e) {
        fs_grow((void **)&s->e, &s->cap, s->n + 1, sizeof *s->e);
        e = &s->e[s->n++];
        memset(e, 0, sizeof *e);
        e->key = fs_strdup(key);
    } else {
        fs_free(e->value);
    }
    e->value = fs_strdup(value);
    e->file = doc_intern_file(d, file);
    e->line = line;
    return e;
}

void doc_remove(struct doc_section *s, const char *key) {
    struct doc_entry *e = doc_get(s, key);
    if (!e) return;
    fs_free(e->key);
    fs_free(e->value);
    memmove(e, e + 1, (size_t)(s->e + s->n - (e + 1)) * sizeof *e);
    s->n--;
}

void doc_warn(struct doc *d, const char *file, int line, const char *text) {
    char where[FS_MSG_MAX];
    doc_where(file, line, where, sizeof where);
    fs_grow((void **)&d->warn, &d->warncap, d->nwarn + 1, sizeof *d->warn);
    d->warn[d->nwarn++] = fs_sprintf("%s%s", where, text);
}

static void section_fini(struct doc_section *s) {
    for (size_t i = 0; i < s->n; i++) {
        fs_free(s->e[i].key);
        fs_free(s->e[i].value);
    }
    fs_free(s->e);
    fs_free(s->type);
    fs_free(s->name);
}

void doc_fini(struct doc *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) section_fini(&d->s[i]);
    fs_free(d->s);
    for (size_t i = 0; i < d->nfiles; i++) fs_free(d->files[i]);
    fs_free(d->files);
    for (size_t i = 0; i < d->nwarn; i++) fs_free(d->warn[i]);
    fs_free(d->warn);
    memset(d, 0, sizeof *d);
}

/* ---- parsing one file with inih, counting lines ourselves -------------------------------- */

struct parse {
    struct doc *d;
    FILE *f;
    const char *file;
    int line;
    int cont; /* the current raw line starts with white space (a continuation) */
    struct doc_section *cur;
    struct doc_entry *last;
    char *err;
    size_t errlen;
    int failed;
};

static int fail_at(struct parse *p, int line, const char *fmt, const char *a, const char *b) {
    if (p->failed) return 0;
    char where[FS_MSG_MAX];
    doc_where(p->file, line, where, sizeof where);
    size_t n = strlen(where);
    snprintf(p->err, p->errlen, "%s", where);
    if (n < p->errlen) snprintf(p->err + n, p->errlen - n, fmt, a, b);
    p->failed = 1;
    return 0;
}

/* A transfer is named FROM->TO: two names joined by one arrow. */
static int valid_transfer_name(const char *s) {
    const char *arrow = strstr(s, "->");
    if (!arrow || arrow == s || !arrow[2] || strstr(arrow + 2, "->")) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '>') return 0;
    return 1;
}

static int valid_name(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-') return 0;
    return 1;
}

/* A section header: [type] or [type NAME]. */
static void header(struct parse *p, char *line) {
    char *end = strchr(line, ']');
    if (!end) {
        fail_at(p, p->line, "%s%s", "section header needs a closing ']'", "");
        return;
    }
    *end = 0;
    char *type = line + 1;
    while (isspace((unsigned char)*type)) type++;
    char *sp = type;
    while (*sp && !isspace((unsigned char)*sp)) sp++;
    char *name = sp;
    while (isspace((unsigned char)*name)) name++;
    *sp = 0;
    char *ne = name + strlen(name);
    while (ne > name && isspace((unsigned char)ne[-1])) *--ne = 0;
    if (!*type) {
        fail_at(p, p->line, "%s%s", "empty section header", "");
        return;
    }
    if (!*name) name = type; /* [scenario] is named "scenario" */
    if (!strcmp(type, "transfer")) {
        /* [transfer acute -> eab] is named "acute->eab" (spaces dropped), for --set too. */
        char *w = name;
        for (char *q = name; *q; q++)
            if (!isspace((unsigned char)*q)) *w++ = *q;
        *w = 0;
        if (!valid_transfer_name(name)) {
            fail_at(p, p->line, "[transfer %s]: expected [transfer FROM -> TO]%s", name, "");
            return;
        }
    } else if (!valid_name(name)) {
        fail_at(p, p->line, "section name '%s': expected letters, digits, '_' or '-'%s", name, "");
        return;
    }
    /* Refused while reading, so that a file of a million sections is not read whole first
     * (each new name is compared with those before it). */
    if (p->d->n >= FS_MAX_SECTIONS) {
        char most[32]; /* an int's digits */
        snprintf(most, sizeof most, "%d", FS_MAX_SECTIONS);
        fail_at(p, p->line,
                "[%s]: expected at most %s sections (units, transfers, arrivals, groups and the "
                "rest: models/limits.h)",
                name, most);
        return;
    }
    struct doc_section *old = doc_section(p->d, name);
    if (old) {
        char prev[FS_MSG_MAX]; /* "FILE:LINE", inside a message */
        place(old->file, old->line, prev, sizeof prev);
        fail_at(p, p->line, "section name '%s' is used twice (first at %s)", name, prev);
        return;
    }
    p->cur = doc_add_section(p->d, type, name, p->file, p->line);
    p->last = NULL;
}

int doc_is_key_line(const char *t) {
    const char *k = t;
    while (isalnum((unsigned char)*k) || *k == '_' || *k == '-' || *k == '.') k++;
    if (k == t) return 0;
    while (*k == ' ' || *k == '\t') k++;
    return *k == '=';
}

static char *reader(char *str, int num, void *stream) {
    struct parse *p = stream;
    static const char *const blank = "\n";
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len = plat_getline(&buf, &cap, p->f);
    if (len < 0) {
        free(buf);
        return NULL;
    }
    p->line++;
    if (memchr(buf, 0, (size_t)len)) {
        fail_at(p, p->line, "%s%s", "a NUL byte: this is not a text scenario file", "");
        snprintf(str, (size_t)num, "%s", blank);
    } else if (len >= num - 2) {
        fail_at(p, p->line, "line is too long (at most %s characters)%s", "196", "");
        snprintf(str, (size_t)num, "%s", blank);
    } else {
        const char *s = buf;
        if (p->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
        p->cont = isspace((unsigned char)s[0]) && s[0] != '\n' && s[0] != '\r';
        const char *t = s;
        while (isspace((unsigned char)*t)) t++;
        if (*t == '[') {
            char *copy = fs_strdup(t);
            header(p, copy);
            fs_free(copy);
        }
        /* inih reads any indented line as more of the value above: an indented key, header or
         * comment would silently join it. Only other text continues a value. */
        if (p->cont && (*t == '[' || *t == ';' || *t == '#' || doc_is_key_line(t))) {
            p->cont = 0;
            s = t;
        }
        snprintf(str, (size_t)num, "%s", s);
    }
    free(buf);
    return str;
}

/* Strip an inline "# comment" (at the start too), and a "; comment" after white space as inih
 * does on a key's line: also on a continuation line (where inih keeps it) and in a --set value,
 * so that no value holds text that scenario.resolved.ini would read back as a comment. */
static void strip_hash_comment(char *v) {
    for (char *c = v; *c; c++)
        if ((*c == '#' && (c == v || isspace((unsigned char)c[-1]))) ||
            (*c == ';' && c > v && isspace((unsigned char)c[-1]))) {
            *c = 0;
            break;
        }
    char *e = v + strlen(v);
    while (e > v && isspace((unsigned char)e[-1])) *--e = 0;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
    struct parse *p = user;
    (void)section;
    if (p->failed) return 1;
    if (!p->cur) return fail_at(p, p->line, "%s: key outside any [section]%s", name, "");
    char *v = fs_strdup(value);
    strip_hash_comment(v);
    if (p->cont && p->last && name[0] && !strncmp(p->last->key, name, strlen(name))) {
        /* A continuation line: append to the value it continues, after one space (none after
         * an empty value: "key =" then the value on lines of its own). inih names it by the
         * key cut to 49 characters (its MAX_NAME), so a longer KEY.GROUP is matched so. */
        size_t a = strlen(p->last->value), b = strlen(v), sp = a > 0 && b > 0;
        p->last->value = fs_realloc(p->last->value, a + b + 2);
        if (sp) p->last->value[a] = ' ';
        memcpy(p->last->value + a + sp, v, b + 1);
    } else if (doc_get(p->cur, name)) {
        char prev[FS_MSG_MAX];
        struct doc_entry *e = doc_get(p->cur, name);
        place(e->file, e->line, prev, sizeof prev);
        fail_at(p, p->line, "%s: key given twice in this section (first at %s)", name, prev);
    } else {
        p->last = doc_put(p->d, p->cur, name, v, p->file, p->line);
    }
    fs_free(v);
    return 1;
}

static int parse_file(struct doc *d, const char *path, char *err, size_t errlen) {
    struct parse p = {.d = d, .file = doc_intern_file(d, path), .err = err, .errlen = errlen};
    p.f = table_fopen(path, "scenario file", err, errlen);
    if (!p.f) return -1;
    int rc = ini_parse_stream(reader, &p, handler, &p);
    fclose(p.f);
    if (p.failed) return -1;
    if (rc > 0) {
        char where[FS_MSG_MAX];
        doc_where(path, rc, where, sizeof where);
        snprintf(err, errlen, "%sexpected 'key = value', a [section] header or a comment", where);
        return -1;
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot read scenario file", path);
        return -1;
    }
    return 0;
}

/* Overlay src onto dst: src's keys replace dst's, src's new sections are appended. */
static int overlay(struct doc *dst, struct doc *src, char *err, size_t errlen) {
    for (size_t i = 0; i < src->n; i++) {
        struct doc_section *s = &src->s[i];
        struct doc_section *t = doc_section(dst, s->name);
        if (t && strcmp(t->type, s->type) != 0) {
            char where[FS_MSG_MAX], prev[FS_MSG_MAX];
            doc_where(s->file, s->line, where, sizeof where);
            place(t->file, t->line, prev, sizeof prev);
            snprintf(err, errlen, "%ssection name '%s' is already a [%s] in the base scenario (%s)",
                     where, s->name, t->type, prev);
            return -1;
        }
        if (!t) t = doc_add_section(dst, s->type, s->name, s->file, s->line);
        for (size_t j = 0; j < s->n; j++)
            doc_put(dst, t, s->e[j].key, s->e[j].value, s->e[j].file, s->e[j].line);
    }
    return 0;
}

#define MAX_EXTENDS 16

static int load_chain(struct doc *d, const char *path, char **chain, int depth, char *err,
                      size_t errlen) {
    char *real = plat_realpath(path, NULL);
    if (!real) {
        snprintf(err, errlen, "%s: cannot open scenario file: %s", path, strerror(errno));
        return -1;
    }
    if (depth >= MAX_EXTENDS) {
        snprintf(err, errlen, "%s: extends chain deeper than %d files", path, MAX_EXTENDS);
        free(real);
        return -1;
    }
    chain[depth] = real;

    struct doc own = {0};
    int rc = parse_file(&own, path, err, errlen);
    struct doc_section *sc = rc == 0 ? doc_section(&own, "scenario") : NULL;
    struct doc_entry *ext = sc ? doc_get(sc, "extends") : NULL;
    if (rc == 0 && ext) {
        /* The base path is relative to the file that names it. */
        char base[FS_PATH_MAX], at[FS_MSG_MAX], why[FS_MSG_MAX];
        doc_where(ext->file, ext->line, at, sizeof at);
        if (ext->value[0] == '/') {
            rc = fs_path(base, sizeof base, why, sizeof why, "%s", ext->value);
        } else {
            char *dircopy = fs_strdup(path);
            rc = fs_path(base, sizeof base, why, sizeof why, "%s/%s", dirname(dircopy), ext->value);
            fs_free(dircopy);
        }
        if (rc != 0) { /* refused whole: a cut path would name another file */
            snprintf(err, errlen, "%sextends: %s", at, why);
            doc_fini(&own);
            free(real);
            chain[depth] = NULL;
            return -1;
        }
        struct doc basedoc = {0};
        char *base_real = plat_realpath(base, NULL);
        for (int i = 0; base_real && i <= depth; i++)
            if (strcmp(chain[i], base_real) == 0) {
                /* Name the whole circle, from the file that starts it back to itself. */
                snprintf(err, errlen, "%sextends: loop:", at);
                for (int j = i; j <= depth; j++) {
                    size_t n = strlen(err);
                    snprintf(err + n, errlen - n, " %s ->", chain[j]);
                }
                size_t n = strlen(err);
                snprintf(err + n, errlen - n, " %s", base_real);
                rc = -1;
                break;
            }
        free(base_real);
        if (rc == 0) rc = load_chain(&basedoc, base, chain, depth + 1, err, errlen);
        if (rc != 0 && strncmp(err, base, strlen(base)) == 0 && strstr(err, ": cannot open")) {
            /* A base file that cannot be opened has no line of its own: point at the extends. */
            char inner[FS_MSG_MAX];
            snprintf(inner, sizeof inner, "%s", err);
            snprintf(err, errlen, "%sextends: %s", at, inner);
        }
        if (rc == 0) rc = overlay(&basedoc, &own, err, errlen);
        if (rc == 0) rc = overlay(d, &basedoc, err, errlen);
        doc_fini(&basedoc);
    } else if (rc == 0) {
        rc = overlay(d, &own, err, errlen);
    }
    doc_fini(&own);
    free(real);
    chain[depth] = NULL;
    return rc;
}

int doc_load(struct doc *d, const char *path, char *err, size_t errlen) {
    char *chain[MAX_EXTENDS + 1] = {0};
    memset(d, 0, sizeof *d);
    return load_chain(d, path, chain, 0, err, errlen);
}

int doc_set(struct doc *d, const char *assignment, char *err, size_t errlen) {
    const char *eq = strchr(assignment, '=');
    const char *dot = strchr(assignment, '.');
    if (!eq || !dot || dot > eq || dot == assignment || eq == dot + 1) {
        snprintf(err, errlen, "--set %s: expected NAME.KEY=VALUE, e.g. acute.capacity=950",
                 assignment);
        return -1;
    }
    char name[200], key[200]; /* refused below when longer, never cut: a file's line holds
                               * at most 196 characters (models/limits.h), so every section
                               * name and key a file can give fits */
    size_t nl = (size_t)(dot - assignment), kl = (size_t)(eq - dot - 1);
    if (nl >= sizeof name || kl >= sizeof key) {
        snprintf(err, errlen, "--set %s: name or key too long", assignment);
        return -1;
    }
    memcpy(name, assignment, nl);
    name[nl] = 0;
    memcpy(key, dot + 1, kl);
    key[kl] = 0;
    struct doc_section *s = doc_section(d, name);
    if (!s) {
        snprintf(err, errlen, "--set %s: no section named '%s' in the scenario", assignment, name);
        return -1;
    }
    /* The key's "file", named in messages about it: the whole assignment. */
    char *label = fs_sprintf("--set %s", assignment);
    char *v = fs_strdup(eq + 1);
    strip_hash_comment(v);
    const char *vs = v;
    while (isspace((unsigned char)*vs)) vs++;
    doc_put(d, s, key, vs, label, 0);
    fs_free(v);
    fs_free(label);
    return 0;
}
