/* scenario_write.c — scenario.resolved.ini: every section with every key it has, in the key
 * table's order (scenario_keys.def), defaults included since the loader filled them in. Reads
 * the key table of scenario_read.c and calls no function of the loader's files. */
#include <stdio.h>
#include <string.h>

#include "scenario_int.h"

int scenario_write_resolved(const struct scenario *sc, FILE *f, int replications) {
    fprintf(f,
            "; flowsim resolved scenario: every key with its effective value, defaults\n"
            "; included, extends and --set applied. Run it as it is to reproduce the results.\n");
    for (size_t i = 0; i < sc->doc.n; i++) {
        struct doc_section *s = &((struct scenario *)sc)->doc.s[i];
        if (!strcmp(s->type, s->name))
            fprintf(f, "\n[%s]\n", s->type);
        else
            fprintf(f, "\n[%s %s]\n", s->type, s->name);
        for (size_t k = 0; k < K_COUNT; k++) {
            const struct sc_key_row *row = &sc_keys[k];
            if (strcmp(row->type, s->type) || (row->flags & KF_NOWRITE)) continue;
            struct doc_entry *e = doc_get(s, row->name);
            if (e && replications > 0 && k == K_scenario_replications)
                fprintf(f, "replications = %d\n", replications);
            else if (e)
                fprintf(f, "%s = %s\n", row->name, e->value);
        }
        /* Per-group values, KEY.GROUP, after the unit's own. */
        for (size_t j = 0; !strcmp(s->type, "unit") && j < s->n; j++)
            if (strchr(s->e[j].key, '.')) fprintf(f, "%s = %s\n", s->e[j].key, s->e[j].value);
    }
    return ferror(f) ? -1 : 0;
}
