/* inidoc.h — a scenario's INI text as sections of keys, each remembering the file and line it
 * came from, with `extends` flattened and `--set` overrides applied. The typed loader
 * (scenario.c) reads it; nothing here knows what the keys mean. */
#ifndef FS_INIDOC_H
#define FS_INIDOC_H

#include <stddef.h>
#include <stdio.h>

struct doc_entry {
    char *key;
    char *value;
    const char *file; /* owned by the doc's file list */
    int line;         /* 0 for a default filled in by the loader */
};

struct doc_section {
    char *type; /* "scenario", "unit", "arrivals", ... */
    char *name; /* the NAME in [type NAME]; "scenario" for [scenario] */
    const char *file;
    int line;
    size_t n, cap;
    struct doc_entry *e;
};

struct doc {
    size_t n, cap;
    struct doc_section *s;
    size_t nfiles, filecap;
    char **files;
    /* Warnings about the text as read ("FILE:LINE: key: ..."): plausible slips that load, kept
     * for the commands to print and to write into run-info. */
    size_t nwarn, warncap;
    char **warn;
};

/* Parse path (following `extends` in [scenario], with loop detection). Returns 0, or -1
 * with a one-line "FILE:LINE: ..." message. The doc must be freed either way. */
int doc_load(struct doc *d, const char *path, char *err, size_t errlen);
void doc_fini(struct doc *d);

/* Apply "NAME.KEY=VALUE" (NAME is a section's name). Returns 0 or -1 with a message. */
int doc_set(struct doc *d, const char *assignment, char *err, size_t errlen);

struct doc_section *doc_section(struct doc *d, const char *name);
struct doc_entry *doc_get(struct doc_section *s, const char *key);
/* Set key to value (a default when line is 0), replacing any earlier value. */
struct doc_entry *doc_put(struct doc *d, struct doc_section *s, const char *key, const char *value,
                          const char *file, int line);
/* Remove key from s, if it is there (a value that another overrides and that must not be
 * written back to scenario.resolved.ini). */
void doc_remove(struct doc_section *s, const char *key);
/* Keep a warning, "FILE:LINE: " (as doc_where) then text. */
void doc_warn(struct doc *d, const char *file, int line, const char *text);
/* Append a section; returns it. */
struct doc_section *doc_add_section(struct doc *d, const char *type, const char *name,
                                    const char *file, int line);
/* Remember a file name for the doc's lifetime; returns the stored copy. */
const char *doc_intern_file(struct doc *d, const char *path);

/* "FILE:LINE: " (or "FILE: " when line is 0) into buf. */
void doc_where(const char *file, int line, char *buf, size_t len);

/* Whether the text t (a line with its indentation removed) sets a key: "KEY = ..." where a key
 * is letters, digits, '_', '-' and '.'. Such a line is read as a key even when indented; any
 * other indented text continues the value above (the writer of scenario.resolved.ini breaks
 * long values only where the next line cannot be read as a key). */
int doc_is_key_line(const char *t);

#endif
