/* scenario_int.h — what the scenario loader's files share, and nothing else (the SQLite
 * btreeInt.h habit). Each file calls only those below it, never one above:
 *
 *   scenario.c        scenario_load / build / scenario_free; the [scenario], [group] and
 *                     [arrivals] sections
 *   scenario_units.c  [unit] (by topic, and its KEY.GROUP values), routes, step-down,
 *                     [transfer], [chc]
 *   scenario_check.c  loops of units that take no time, values that cannot be written back,
 *                     the warnings
 *   scenario_tables.c CSV tables named by keys: the keyed-CSV reader, dated tables,
 *                     empirical(FILE), hour_of_week, the [scenario] initial census
 *   scenario_write.c  scenario.resolved.ini, from the key table
 *   scenario_read.c   the key table (scenario_keys.def), the unknown-key check, get / require /
 *                     parse_key, the messages (failf), unit lookup
 *   scenario_query.c  the public queries on a loaded scenario (unit and transfer indices,
 *                     groups, buckets) and the indices they search
 *
 * Every message is "FILE:LINE: ..." written by failf into the caller's buffer. */
#ifndef FS_SCENARIO_INT_H
#define FS_SCENARIO_INT_H

#include <stddef.h>

#include "inidoc.h"
#include "scenario.h"
#include "sim/core.h"

/* ---- the key table (scenario_keys.def) ------------------------------------------------------ */

enum {
    KF_REQUIRED = 1, /* the section must give it */
    KF_GROUP = 2,    /* also KEY.GROUP in a [unit] */
    KF_DERIVED = 4,  /* the loader works its default out */
    KF_NOWRITE = 8,  /* not in scenario.resolved.ini */
};

enum sc_key {
#define KEY(type, name, dflt, flags, expect) K_##type##_##name,
#include "scenario_keys.def"
#undef KEY
    K_COUNT
};

struct sc_key_row {
    const char *type, *name;
    const char *dflt;   /* NULL: none written when absent */
    int flags;          /* KF_* */
    const char *expect; /* for "required key missing (expected ...)" */
};

extern const struct sc_key_row sc_keys[K_COUNT];

/* ---- loading context and messages (scenario_read.c) ----------------------------------------- */

/* A warning about a key read as a duration, kept until the scenario has loaded and then given
 * in the file's order (scenario_check.c): key is the entry's own key string, which stays put
 * while its section grows. */
struct key_note {
    const char *key;
    char *text; /* "KEY: ..." */
};

struct ctx {
    struct scenario *sc;
    struct doc *d;
    char *err;
    size_t errlen;
    struct doc_section **usec; /* each unit's section, by unit index (doc_section is a search) */
    size_t table_rows;         /* rows read from CSV tables so far, each time a key names one */
    struct key_note *notes;    /* durations written without a unit, one a key at most */
    size_t nnotes, notecap;
};

typedef int (*parse_fn)(const char *s, double *v, char *err, size_t errlen);

/* "FILE:LINE: " then fmt into c->err; returns -1. */
int failf(struct ctx *c, const char *file, int line, const char *fmt, ...) FS_PRINTF(4, 5);
/* An error about a key's value: FILE:LINE: key: why. Returns -1. */
int key_fail(struct ctx *c, const struct doc_entry *e, const char *why);
/* The same with the value quoted after it: FILE:LINE: key: why, got 'VALUE'. */
int key_got(struct ctx *c, const struct doc_entry *e, const char *why);

/* Every key of s is a row of the table for its type (or, in a [unit], KEY.GROUP for a KF_GROUP
 * key and a declared group); else -1 with the message listing the type's keys. */
int check_known_keys(struct ctx *c, struct doc_section *s);
/* The entry for key k, filled in with the table's default when absent (NULL when it has none
 * and is absent). */
struct doc_entry *get(struct ctx *c, struct doc_section *s, enum sc_key k);
/* The entry for k, or NULL: no default filled in. */
struct doc_entry *opt(struct doc_section *s, enum sc_key k);
/* For a KF_DERIVED key: the entry, filled in with dflt (the loader's own) when absent. */
struct doc_entry *get_derived(struct ctx *c, struct doc_section *s, enum sc_key k,
                              const char *dflt);
/* The entry for k, or NULL with "[TYPE NAME]: KEY: required key missing (expected ...)",
 * EXPECT from the table. */
struct doc_entry *require(struct ctx *c, struct doc_section *s, enum sc_key k);
/* The same message for k absent where it is needed; with group, for KEY.GROUP. */
int missing(struct ctx *c, const struct doc_section *s, enum sc_key k, const char *group);
/* KEY.GROUP in s, or NULL. */
struct doc_entry *opt_group(struct doc_section *s, enum sc_key k, const char *group);
/* e's value through fn into *v; else the message, -1. */
int parse_key(struct ctx *c, struct doc_entry *e, parse_fn fn, double *v);
/* get(k), then parse_key: for a number with a default. */
int key_number(struct ctx *c, struct doc_section *s, enum sc_key k, parse_fn fn, double *v);
/* Every duration the loader reads goes through here (parse_key with val_duration, build_dist,
 * an assessment's duration): text, e's value or one item of it, a duration or a distribution,
 * is checked for a number without a unit (days: "3 is 3 days" is the warning), so no key read
 * as a duration can miss the warning. One note a key. */
void note_bare_duration(struct ctx *c, const struct doc_entry *e, const char *text);
/* The notes kept, freed (scenario_load, loaded or not). */
void notes_fini(struct ctx *c);
/* A list value, "A, B, C": its items, split at commas outside brackets (a distribution has
 * its own) and trimmed, as *items[0..*n) (free with list_free). An empty value or an empty
 * item ("a,,b", "a,", ", a") is refused with "KEY: HINT, got 'VALUE'", hint "expected ...",
 * the same for every list key. */
int split_list(struct ctx *c, const struct doc_entry *e, const char *hint, char ***items,
               size_t *n);
void list_free(char **items, size_t n);
/* A number >= 0 (costs, hour_of_week multipliers). */
int parse_number_any(const char *s, double *v, char *err, size_t errlen);

/* A unit named in a scenario: its index, or ROUTE_EXIT for "exit" where allow_exit; else -1
 * with why. Every key, census row and section that names a unit reads it here, so a misnamed
 * one reads the same wherever it is. */
int unit_lookup(const struct scenario *sc, const char *name, int allow_exit, int *out, char *why,
                size_t len);
/* The same, for a key's value: FILE:LINE: key: unknown unit ... */
int unit_named(struct ctx *c, const struct doc_entry *e, const char *name, int allow_exit,
               int *out);

/* ---- CSV tables (scenario_tables.c) --------------------------------------------------------- */

/* A CSV of (date, number) rows in increasing date order: by_date and capacity_schedule. The
 * arrays are the caller's to free, also on failure. */
int read_dated(struct ctx *c, struct doc_entry *e, parse_fn value_fn, double **days, double **vals,
               size_t *n);
/* hour_of_week = FILE.csv: 168 multipliers into how. */
/* none: what a profile of zeros would mean (refused, quoting the file). */
int read_hour_of_week(struct ctx *c, struct doc_entry *e, double how[168], const char *none);
/* how scaled by a power of two (exact) so that its largest weight is below 1 and at least 1/2:
 * the same profile, which the arrival process can normalise without overflow (weights of
 * 4.9e-324 read as an infinite rate). Weights as given are for the checks that read them. */
void how_scaled(const double how[168], double out[168]);
/* A distribution (empirical(FILE.csv) read here). */
int build_dist(struct ctx *c, struct doc_entry *e, struct dist *d);
/* The same for a distribution of counts (outbreak_beds): no note of a bare number as days. */
int build_count_dist(struct ctx *c, struct doc_entry *e, struct dist *d);
/* [scenario] initial = FILE.csv, then every unit's census checked. */
int build_census(struct ctx *c, struct doc_section *scs);

/* ---- units, transfers, CHC (scenario_units.c) ----------------------------------------------- */

int build_route(struct ctx *c, struct doc_entry *e, struct route *rt);
void route_fini(struct route *r);
int build_unit(struct ctx *c, struct doc_section *s, struct sc_unit *u);
/* Each unit's per-group records (after the arrivals: readmit_to's default is theirs). */
int build_unit_groups(struct ctx *c, struct doc_section *s, struct sc_unit *u);
int build_transfer(struct ctx *c, struct doc_section *s, struct sc_transfer *t);
int build_chc(struct ctx *c, struct doc_section *s);
/* [escalation] (after the units and streams, which it names). */
int build_escalation(struct ctx *c, struct doc_section *s);

/* ---- loops (scenario_check.c) --------------------------------------------------------------- */

/* The last checks of a loaded scenario. Every value can be written back into
 * scenario.resolved.ini (resolved_check), else the message, -1; a loop of units every step of
 * which takes under FS_MIN_LOOP_STEP_DAYS: the message, -1. Else 0, with the warnings about
 * plausible slips kept in the doc (scenario_warnings). */
int check_loops(struct ctx *c);

/* ---- scenario.resolved.ini (scenario_write.c) ------------------------------------------------ */

/* The longest line inidoc.c reads (inih's INI_MAX_LINE of 200 holds it with its newline and
 * NUL): scenario.resolved.ini writes none longer, breaking a long value across continuation
 * lines at its spaces. */
#define SC_LINE_MAX 196

/* Whether every key of s can be written into scenario.resolved.ini so that it loads back as
 * the same value: 0, or -1 with *bad the entry that cannot (a part between spaces longer than
 * a line, a line break, text read back as a comment) and why ("expected ..."). */
int resolved_check(const struct doc_section *s, const struct doc_entry **bad, char *why,
                   size_t len);

/* ---- indices (scenario_query.c) ------------------------------------------------------------- */

void index_unit_names(struct scenario *sc);
void index_transfers(struct scenario *sc);
int group_index(const struct scenario *sc, const char *name); /* -1 if none */

#endif
