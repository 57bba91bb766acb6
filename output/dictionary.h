/* dictionary.h — metrics.csv, a results folder's data dictionary: one row per metric the
 * folder's CSVs name, with its unit of measure, scope, definition, the source of the definition
 * and the values it can take, all from the metric registry (models/metrics.def), so that an
 * analyst opening summary.csv, timeseries.csv or comparison.csv knows what each number is.
 *
 *   metric,unit_of_measure,scope,definition,source,range
 *
 * Rows are the concrete names the folder's files hold (delayed_days_awaiting_acute, not
 * delayed_days_awaiting_UNIT; occupancy.frail with --by-group), each once per scope: the
 * metric column joins the dictionary to the data directly (a lookup in a spreadsheet, a merge
 * in pandas or R). A per-target row's definition names its target where the registry's says
 * UNIT or DEST; a per-group row's adds "; patients of case-mix group GROUP only". Rows follow
 * the registry's order (ORDER METRIC), a metric's concrete names in the order they were added,
 * so the file's bytes depend only on the names added — never on threads or ranks. */
#ifndef FS_DICTIONARY_H
#define FS_DICTIONARY_H

#include <stddef.h>
#include <stdio.h>

struct metric_layout;
struct metric_def;

#define DICT_FILE "metrics.csv"
#define DICT_HEADER "metric,unit_of_measure,scope,definition,source,range\n"

struct dict_entry {
    char *name;                   /* as in the CSVs */
    int system;                   /* a system metric (unit empty), else a unit's */
    const struct metric_def *def; /* its registry row (metric_lookup), or NULL: none */
    size_t order;                 /* when it was first added */
};

/* The metric names a folder's files hold, each (name, scope) once. Zero-initialised is empty. */
struct dict {
    struct dict_entry *e;
    size_t n, cap;
};

/* Add name (unquoted, as a CSV's metric column has it) of a system metric (system 1) or a
 * unit's; a name already added in that scope is not added again. */
void dict_add(struct dict *d, const char *name, int system);
/* Add every slot's name of ml: what summary.csv and timeseries.csv hold. */
void dict_add_layout(struct dict *d, const struct metric_layout *ml);
/* The definition a row gives name (as dict_add took it): the registry's, its target put in
 * for UNIT or DEST, and a group's words added for NAME.GROUP; "" when the registry has no such
 * metric. Freshly allocated (fs_free). */
char *dict_definition(const struct metric_def *def, const char *name);
/* The range column's text for the registry's range of def: "[0, inf)", "[0, 100]", ... */
const char *dict_range(const struct metric_def *def);
/* The file's header and rows into f (sorting d's entries). */
void dict_put(struct dict *d, FILE *f);
/* dir/metrics.csv, written whole or not at all (csvout_open). 0, or an fs_status with a
 * message in err. */
int dict_write(struct dict *d, const char *dir, char *err, size_t errlen);
void dict_fini(struct dict *d);

#endif
