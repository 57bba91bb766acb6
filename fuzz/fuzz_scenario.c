/* libFuzzer harness: the scenario loader, INI and the CSV tables it reads.
 *
 * The input is up to three files separated by lines "%%": the scenario (s.ini), then t.csv
 * and u.csv beside it, which the scenario may name (hour_of_week = t.csv, by_date = u.csv,
 * capacity_schedule = t.csv, empirical(t.csv), extends = u.csv ...). A load must end in a
 * scenario or in an error message; never a crash, a hang or a sanitizer report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/metrics.h"
#include "models/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    /* A --set too, the way the command line passes one. */
    const char *sets[] = {"scenario.replications=2"};
    struct scenario *sc = scenario_load(path, sets, 1, err, sizeof err);
    if (sc) {
        /* What a run does next with a loaded scenario: lay out its metrics and write it back. */
        struct metric_layout ml;
        metric_layout_init(&ml, sc, 1);
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
