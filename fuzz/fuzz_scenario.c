/* libFuzzer harness: the scenario loader, INI and the CSV tables it reads.
 *
 * The input is up to three files separated by lines "%%": the scenario (s.ini), then t.csv
 * and u.csv beside it, which the scenario may name (hour_of_week = t.csv, by_date = u.csv,
 * capacity_schedule = t.csv, empirical(t.csv), extends = u.csv ...). A load must end in a
 * scenario or in an error message; never a crash, a hang or a sanitizer report.
 *
 * A slow input is a hang in the making (a by_date multiplier of 1e-8 took 5 s, 1e-10 ten
 * minutes), so the run has a budget: more than FUZZ_MAX_EVENTS events aborts with a message,
 * and `make fuzz` gives libFuzzer a short -timeout for slowness that makes no events. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/flow.h"
#include "models/metrics.h"
#include "models/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A 3-day run of under 20,000 arrivals and a census under 20,000 (the gate below) makes some
 * 10^5 events; twenty times that is patients going round a loop of short steps, seconds under
 * ASan (some 250,000 events a second): slow, so reported. */
#define FUZZ_MAX_EVENTS 2000000

/* One folder per fuzzing process, made on the first input. */
static char dir[256];

static void put(const char *name, const uint8_t *p, size_t n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (n) fwrite(p, 1, n, f);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/flowsim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) abort();
    }
    const char *names[3] = {"s.ini", "t.csv", "u.csv"};
    size_t start = 0, part = 0;
    for (size_t i = 0; part < 3; i++) {
        /* A part ends at "\n%%\n" or at the end of the input. */
        int end = i == size;
        if (!end && i + 4 <= size && !memcmp(data + i, "\n%%\n", 4)) end = 2;
        if (!end) continue;
        put(names[part++], data + start, i - start + (end == 2)); /* keep the newline */
        if (end == 1) break;
        start = i + 4;
        i += 3;
    }
    for (; part < 3; part++) put(names[part], data, 0);
    char path[512], err[2048];
    snprintf(path, sizeof path, "%s/s.ini", dir);
    /* --set too, the way the command line passes it: a short run, so that every scenario the
     * loader accepts can also be run (the engine's own checks then see fuzzed scenarios). */
    const char *sets[] = {"scenario.replications=2", "scenario.horizon=3d", "scenario.warmup=0"};
    struct scenario *sc = scenario_load(path, sets, 3, err, sizeof err);
    if (sc) {
        /* What a run does next with a loaded scenario: lay out its metrics, run it (when small
         * enough to be quick), write it back. */
        struct metric_layout ml;
        metric_layout_init(&ml, sc, 1);
        double arrivals = 0, census = 0;
        for (size_t i = 0; i < sc->narrivals; i++) {
            const struct nhpp *p = &sc->arrivals[i].nhpp;
            double peak = 0, step = 1;
            for (int h = 0; h < 168; h++) peak = p->how[h] > peak ? p->how[h] : peak;
            for (size_t k = 0; k < p->nsteps; k++) step = p->step_m[k] > step ? p->step_m[k] : step;
            arrivals += p->rate * peak * step * sc->horizon;
        }
        for (size_t u = 0; u < sc->nunits; u++)
            census += sc->unit[u].init_in_care + sc->unit[u].init_delayed;
        if (arrivals < 2e4 && census < 2e4 && scenario_nbuckets(sc) < 1000) {
            struct flow_result *res;
            char rerr[512];
            struct flow_opts fo = {.max_events = FUZZ_MAX_EVENTS};
            if (flow_run_opts(sc, &ml, 0, &fo, &res, rerr, sizeof rerr) != 0) {
                fprintf(stderr, "fuzz_scenario: a scenario that loaded failed to run: %s\n", rerr);
                abort();
            }
            flow_result_free(res);
        }
        metric_layout_fini(&ml);
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            scenario_write_resolved(sc, null, 2);
            fclose(null);
        }
        scenario_free(sc);
    } else if (!err[0]) {
        abort(); /* a failure must say why */
    }
    return 0;
}
