#include "dictionary.h"

#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "models/metrics.h"
#include "sim/core.h"

void dict_add(struct dict *d, const char *name, int system) {
    system = system != 0;
    /* A linear search: a folder names at most a few hundred distinct metrics. */
    for (size_t i = 0; i < d->n; i++)
        if (d->e[i].system == system && !strcmp(d->e[i].name, name)) return;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->e = fs_realloc(d->e, d->cap * sizeof *d->e);
    }
    d->e[d->n] = (struct dict_entry){.name = fs_strdup(name),
                                     .system = system,
                                     .def = metric_lookup(name, system),
                                     .order = d->n};
    d->n++;
}

void dict_add_layout(struct dict *d, const struct metric_layout *ml) {
    for (size_t k = 0; k < ml->n; k++) dict_add(d, ml->slot[k].name, ml->slot[k].unit < 0);
}

/* text with its first word `word` replaced by with (or with added in brackets where the text
 * has no such word), freshly allocated. */
static char *put_in(const char *text, const char *word, const char *with) {
    const char *at = strstr(text, word);
    if (!at) return fs_sprintf("%s (%s)", text, with);
    return fs_sprintf("%.*s%s%s", (int)(at - text), text, with, at + strlen(word));
}

char *dict_definition(const struct metric_def *def, const char *name) {
    if (!def) return fs_strdup("");
    size_t len = strlen(def->name);
    int per_target = def->when == MW_PER_AWAITED || def->when == MW_PER_DEST;
    if (per_target && !strncmp(name, def->name, len) && name[len])
        return put_in(def->definition, def->when == MW_PER_AWAITED ? "UNIT" : "DEST", name + len);
    if (!strncmp(name, def->name, len) && name[len] == '.')
        return fs_sprintf("%s; patients of case-mix group %s only", def->definition,
                          name + len + 1);
    return fs_strdup(def->definition);
}

const char *dict_range(const struct metric_def *def) {
    switch (def->range) {
    case MR_NONNEG:
        return "[0, inf)";
    case MR_PERCENT:
        return "[0, 100]";
    case MR_FRACTION:
        return "[0, 1]";
    case MR_HOURS_PER_DAY:
        return "[0, 24]";
    case MR_ANY:
        return "(-inf, inf)";
    }
    FS_UNREACHABLE();
}

/* A registry row's place in the registry, MET_COUNT for none. */
static size_t def_index(const struct metric_def *def) {
    for (int m = 0; def && m < MET_COUNT; m++)
        if (metric_def((enum metric)m) == def) return (size_t)m;
    return MET_COUNT;
}

/* The registry's order, then the order added: the same bytes for the same names. */
static int by_registry(const void *a, const void *b) {
    const struct dict_entry *x = a, *y = b;
    size_t i = def_index(x->def), j = def_index(y->def);
    if (i != j) return i < j ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* One text cell (quoted as every text cell flowsim writes), then sep. */
static void cell(FILE *f, const char *s, char sep) {
    char *q = csvout_quote(s);
    fputs(q, f);
    fputc(sep, f);
    fs_free(q);
}

void dict_put(struct dict *d, FILE *f) {
    if (d->n) qsort(d->e, d->n, sizeof *d->e, by_registry);
    fputs(DICT_HEADER, f);
    for (size_t i = 0; i < d->n; i++) {
        const struct dict_entry *e = &d->e[i];
        char *def = dict_definition(e->def, e->name);
        cell(f, e->name, ',');
        cell(f, e->def ? e->def->measure : "", ',');
        cell(f, e->system ? "system" : "unit", ',');
        cell(f, def, ',');
        cell(f, e->def ? e->def->source : "", ',');
        cell(f, e->def ? dict_range(e->def) : "", '\n');
        fs_free(def);
    }
}

int dict_write(struct dict *d, const char *dir, char *err, size_t errlen) {
    struct csvout_file cf;
    int rc = csvout_open(&cf, dir, DICT_FILE, err, errlen);
    if (rc != 0) return rc;
    dict_put(d, cf.f);
    return csvout_close(&cf, err, errlen);
}

void dict_fini(struct dict *d) {
    for (size_t i = 0; i < d->n; i++) fs_free(d->e[i].name);
    fs_free(d->e);
    *d = (struct dict){0};
}
