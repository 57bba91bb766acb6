/* flowsim validate FILE: the scenario loaded and checked, and what it holds in one line. */
#include <stdio.h>

#include "cli.h"
#include "models/scenario.h"

int cmd_validate(const struct opts *o, const char *command) {
    (void)command;
    char err[FS_MSG_MAX];
    struct scenario *sc = scenario_load(o->file, o->sets, o->nsets, err, sizeof err);
    if (!sc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_BAD_INPUT;
    }
    if (!o->quiet)
        printf("%s: ok: scenario '%s', %zu units, %zu arrival streams, horizon %.6g days "
               "(warm-up %.6g), %d replications\n",
               o->file, sc->name, sc->nunits, sc->narrivals, sc->horizon, sc->warmup,
               sc->replications);
    scenario_free(sc);
    return EXIT_OK;
}
