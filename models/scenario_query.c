/* scenario_query.c — the public queries on a loaded scenario (scenario.h) and the indices they
 * search, made once the units and transfers are known. Calls no other file of the loader. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"
#include "sim/core.h"

/* Sorting the names (qsort has no context: pairs of name and index). */
struct named {
    const char *name;
    int index;
};

static int named_cmp(const void *a, const void *b) {
    return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* Every unit name is looked up by routing lists, diverts and censuses: a linear search each
 * made loading 16,000 units take seconds. Names are unique (the INI reader sees to it). */
void index_unit_names(struct scenario *sc) {
    struct named *v = fs_calloc(sc->nunits, sizeof *v);
    for (size_t i = 0; i < sc->nunits; i++) v[i] = (struct named){sc->unit[i].name, (int)i};
    qsort(v, sc->nunits, sizeof *v, named_cmp);
    sc->unit_by_name = fs_calloc(sc->nunits, sizeof *sc->unit_by_name);
    for (size_t i = 0; i < sc->nunits; i++) sc->unit_by_name[i] = v[i].index;
    fs_free(v);
}

int scenario_unit_index(const struct scenario *sc, const char *name) {
    if (!sc->unit_by_name) {
        for (size_t i = 0; i < sc->nunits; i++)
            if (sc->unit[i].name && strcmp(sc->unit[i].name, name) == 0) return (int)i;
        return -1;
    }
    size_t lo = 0, hi = sc->nunits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = strcmp(sc->unit[sc->unit_by_name[mid]].name, name);
        if (k == 0) return sc->unit_by_name[mid];
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Transfers grouped by FROM and sorted by TO (a counting sort, then each group's few sorted). */
void index_transfers(struct scenario *sc) {
    sc->transfer_off = fs_calloc(sc->nunits + 1, sizeof *sc->transfer_off);
    sc->transfer_by_from = fs_calloc(sc->ntransfers + 1, sizeof *sc->transfer_by_from);
    for (size_t i = 0; i < sc->ntransfers; i++) sc->transfer_off[sc->transfer[i].from + 1]++;
    for (size_t u = 0; u < sc->nunits; u++) sc->transfer_off[u + 1] += sc->transfer_off[u];
    size_t *fill = fs_calloc(sc->nunits, sizeof *fill);
    for (size_t i = 0; i < sc->ntransfers; i++) {
        int u = sc->transfer[i].from;
        size_t k = sc->transfer_off[u] + fill[u]++;
        /* insertion by TO among the unit's transfers so far */
        while (k > sc->transfer_off[u] &&
               sc->transfer[sc->transfer_by_from[k - 1]].to > sc->transfer[i].to) {
            sc->transfer_by_from[k] = sc->transfer_by_from[k - 1];
            k--;
        }
        sc->transfer_by_from[k] = (int)i;
    }
    fs_free(fill);
}

int scenario_transfer(const struct scenario *sc, int from, int to) {
    size_t lo = sc->transfer_off[from], hi = sc->transfer_off[from + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = sc->transfer_by_from[mid], t = sc->transfer[k].to;
        if (t == to) return k;
        if (t < to)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int group_index(const struct scenario *sc, const char *name) {
    for (size_t g = 0; g < sc->ngroups; g++)
        if (!strcmp(sc->group[g].name, name)) return (int)g;
    return -1;
}

size_t scenario_ngroups(const struct scenario *sc) {
    return sc->ngroups ? sc->ngroups : 1;
}

double scenario_stream_group_share(const struct scenario *sc, size_t s, size_t g) {
    int sg = sc->arrivals[s].group;
    if (sg >= 0) return sg == (int)g;
    return sc->ngroups ? sc->group[g].share : 1;
}

size_t scenario_nbuckets(const struct scenario *sc) {
    double n = ceil((sc->horizon - sc->warmup) / sc->interval - 1e-9);
    return n < 1 ? 1 : (size_t)n;
}

double scenario_mean_capacity(const struct sc_unit *u, double from, double to) {
    double sum = 0, c = u->capacity, t = from;
    for (size_t i = 0; i <= u->nsched; i++) {
        double next = i < u->nsched ? u->sched_t[i] : to;
        if (next > to) next = to;
        if (next > t) {
            if (isinf(c)) return INFINITY;
            sum += c * (next - t), t = next;
        }
        if (i < u->nsched) c = u->sched_cap[i];
    }
    return sum / (to - from);
}
