/* The scenario key table (models/scenario_keys.def) against docs/scenario-reference.md: every
 * key of every section type is in the doc's table for its section with the same default, and
 * every key the doc lists is in the key table. Each mismatch is reported, then the test fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario_int.h"
#include "testutil.h"

/* One row of a doc's key table: its section type, key and default cell. */
struct doc_key {
    char type[32], key[64], dflt[256];
    int seen; /* matched by a row of the key table */
};

static struct doc_key doc_keys[256];
static size_t ndoc;

/* Every "| `key` | meaning | default |" row under a "## `[TYPE ...]`" heading. */
static void read_doc(void) {
    char *text = tu_read(tu_src("docs/scenario-reference.md"));
    assert_non_null(text);
    char type[32] = "";
    ndoc = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "## ", 3)) {
            type[0] = 0;
            if (!strncmp(line, "## `[", 5)) sscanf(line + 5, "%31[a-z_]", type);
            continue;
        }
        if (!type[0] || strncmp(line, "| `", 3)) continue;
        assert_true(ndoc < sizeof doc_keys / sizeof *doc_keys);
        struct doc_key *d = &doc_keys[ndoc++];
        memset(d, 0, sizeof *d);
        snprintf(d->type, sizeof d->type, "%s", type);
        sscanf(line + 3, "%63[^`]", d->key);
        /* The default is the last cell: after the last " | ", before the closing "|". */
        char *end = line + strlen(line);
        while (end > line && (end[-1] == ' ' || end[-1] == '|')) end--;
        *end = 0;
        char *last = line, *p;
        while ((p = strstr(last, " | "))) last = p + 3;
        while (*last == ' ') last++;
        snprintf(d->dflt, sizeof d->dflt, "%s", last);
    }
    free(text);
}

static struct doc_key *doc_find(const char *type, const char *key) {
    for (size_t i = 0; i < ndoc; i++)
        if (!strcmp(doc_keys[i].type, type) && !strcmp(doc_keys[i].key, key)) return &doc_keys[i];
    return NULL;
}

/* What the doc's default cell must say for row: `DEFAULT` (then anything), "required", or
 * words that are neither (none, flat, unset, the loader's own). */
static int default_agrees(const struct sc_key_row *row, const char *cell, char *why, size_t len) {
    int required = !strcmp(cell, "required");
    if ((row->flags & KF_REQUIRED) && !required) {
        snprintf(why, len, "the table says required, the doc says '%s'", cell);
        return 0;
    }
    if (!(row->flags & KF_REQUIRED) && required) {
        snprintf(why, len, "the doc says required, the table does not");
        return 0;
    }
    if (row->dflt) {
        /* `DEFAULT`, alone or followed by a comment in brackets: `0` (off) */
        size_t n = strlen(row->dflt);
        if (cell[0] != '`' || strncmp(cell + 1, row->dflt, n) || cell[n + 1] != '`' ||
            (cell[n + 2] && strncmp(cell + n + 2, " (", 2))) {
            snprintf(why, len, "the table's default is `%s`, the doc says '%s'", row->dflt, cell);
            return 0;
        }
    } else if (row->flags & (KF_REQUIRED | KF_DERIVED)) {
        /* required, or worked out by the loader and described in words */
        if (cell[0] == '`' || !strncmp(cell, "none", 4)) {
            snprintf(why, len, "the table derives the default, the doc says '%s'", cell);
            return 0;
        }
    } else if (strncmp(cell, "none", 4) && strcmp(cell, "flat") && strncmp(cell, "unset", 5)) {
        /* no default: the key is simply absent — "none", "flat" (no profile), "unset" */
        snprintf(why, len, "the table has no default, the doc says '%s' (expected none ...)", cell);
        return 0;
    }
    return 1;
}

static void every_table_key_is_documented_with_its_default(void **s) {
    (void)s;
    read_doc();
    int bad = 0;
    for (size_t k = 0; k < K_COUNT; k++) {
        const struct sc_key_row *row = &sc_keys[k];
        struct doc_key *d = doc_find(row->type, row->name);
        char why[512];
        if (!d) {
            print_error("[%s] %s: in models/scenario_keys.def, not in "
                        "docs/scenario-reference.md\n",
                        row->type, row->name);
            bad++;
        } else if (!default_agrees(row, d->dflt, why, sizeof why)) {
            print_error("[%s] %s: %s\n", row->type, row->name, why);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void every_documented_key_is_in_the_table(void **s) {
    (void)s;
    read_doc();
    assert_true(ndoc > 0);
    int bad = 0;
    for (size_t i = 0; i < ndoc; i++) {
        int found = 0;
        for (size_t k = 0; k < K_COUNT && !found; k++)
            found = !strcmp(sc_keys[k].type, doc_keys[i].type) &&
                    !strcmp(sc_keys[k].name, doc_keys[i].key);
        if (!found) {
            print_error("[%s] %s: in docs/scenario-reference.md, not in "
                        "models/scenario_keys.def\n",
                        doc_keys[i].type, doc_keys[i].key);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Each section type's rows stay together (the reader finds a type's rows as one run). */
static void rows_of_a_type_are_together(void **s) {
    (void)s;
    for (size_t k = 1; k < K_COUNT; k++) {
        if (!strcmp(sc_keys[k].type, sc_keys[k - 1].type)) continue;
        for (size_t j = 0; j + 1 < k; j++)
            if (!strcmp(sc_keys[j].type, sc_keys[k].type))
                fail_msg("[%s] %s: apart from the type's other rows", sc_keys[k].type,
                         sc_keys[k].name);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_table_key_is_documented_with_its_default),
        cmocka_unit_test(every_documented_key_is_in_the_table),
        cmocka_unit_test(rows_of_a_type_are_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
