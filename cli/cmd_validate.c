/* flowsim validate FILE: the scenario loaded and checked, what it holds in one line, the
 * warnings about plausible slips, and a rough-cut capacity check: each unit's offered load
 * against its capacity (models/load.h), the first thing an analyst wants of a new scenario. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "models/load.h"
#include "models/scenario.h"
#include "sim/core.h"

/* Load as a share of capacity at or above which a unit is flagged "high": queues grow
 * quickly beyond it (the usual planning ceiling for bed occupancy). */
#define VALIDATE_HIGH_PCT 85.0

static void print_load(const struct scenario *sc) {
    struct load_unit *lu = fs_calloc(sc->nunits, sizeof *lu);
    int unbounded = load_offered(sc, lu);
    int w = 4;
    for (size_t u = 0; u < sc->nunits; u++)
        if ((int)strlen(sc->unit[u].name) > w) w = (int)strlen(sc->unit[u].name);
    printf("\nrough-cut capacity check (offered load = arrivals a day x mean days holding a "
           "place, from the scenario's rates, routing and stays over the report period; no "
           "queues, blocking or diverts):\n");
    printf("%-*s  %12s  %16s  %21s  %8s  %6s\n", w, "unit", "arrivals/day", "mean stay (days)",
           "offered load (places)", "capacity", "load %");
    size_t over = 0, high = 0;
    for (size_t u = 0; u < sc->nunits; u++) {
        const struct load_unit *x = &lu[u];
        char stay[32] = "-", cap[32] = "inf", pct[32] = "-";
        const char *flag = "";
        if (!isnan(x->stay)) snprintf(stay, sizeof stay, "%.4g", x->stay);
        if (!isinf(x->capacity)) snprintf(cap, sizeof cap, "%.6g", x->capacity);
        if (!isinf(x->capacity) && (x->load > 0 || x->capacity > 0)) {
            double p = x->capacity > 0 ? 100 * x->load / x->capacity : INFINITY;
            if (p < 1e9) /* 10 digits at most; a load far beyond any capacity in short */
                snprintf(pct, sizeof pct, "%.0f%%", p);
            else
                snprintf(pct, sizeof pct, "%.3g%%", p);
            if (p > 100 * (1 + 1e-9)) /* not the rounding of a load exactly at capacity */
                flag = "  over capacity", over++;
            else if (p >= VALIDATE_HIGH_PCT)
                flag = "  high", high++;
        }
        printf("%-*s  %12.4g  %16s  %21.4g  %8s  %6s%s\n", w, sc->unit[u].name, x->arrivals, stay,
               x->load, cap, pct, flag);
    }
    if (unbounded)
        printf("inf: routing that (almost) never lets patients leave, so they pile up without "
               "end\n");
    if (over)
        printf("%zu unit%s offered more than %s capacity: expect queues that grow until the "
               "horizon\n",
               over, over == 1 ? " is" : "s are", over == 1 ? "its" : "their");
    if (high)
        printf("%zu unit%s offered %.0f%% of %s capacity or more: expect queues at busy times\n",
               high, high == 1 ? " is" : "s are", VALIDATE_HIGH_PCT, high == 1 ? "its" : "their");
    fs_free(lu);
}

int cmd_validate(const struct opts *o, const char *command) {
    (void)command;
    char err[FS_MSG_MAX];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    size_t nw;
    const char *const *warn = scenario_warnings(sc, &nw);
    for (size_t i = 0; !o->quiet && i < nw; i++) fprintf(stderr, "flowsim: warning: %s\n", warn[i]);
    if (!o->quiet) {
        printf("%s: ok: scenario '%s', %zu units, %zu arrival streams, horizon %.6g days "
               "(warm-up %.6g), %d replications\n",
               o->file, sc->name, sc->nunits, sc->narrivals, sc->horizon, sc->warmup,
               sc->replications);
        print_load(sc);
    }
    scenario_free(sc);
    return EXIT_OK;
}
