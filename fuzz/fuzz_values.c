/* libFuzzer harness: the value parsers (durations, rates, counts, probabilities, whole numbers,
 * dates, distributions, routing lists). The first byte picks the parser, the rest is the text.
 * Each must accept, or reject with a message; an accepted distribution must also sample. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/value.h"
#include "sim/dist.h"
#include "sim/rng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 4096) return 0;
    char *s = malloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    char err[512] = "";
    double d;
    long long ll;
    uint64_t u;
    long day;
    int rc = 0;
    switch (data[0] % 10) {
    case 0:
        rc = val_duration(s, &d, err, sizeof err);
        break;
    case 1:
        rc = val_rate(s, &d, err, sizeof err);
        break;
    case 2:
        rc = val_count(s, &d, err, sizeof err);
        break;
    case 3:
        rc = val_prob(s, &d, err, sizeof err);
        break;
    case 4:
        rc = val_int(s, -5, 1000000, &ll, err, sizeof err);
        break;
    case 5:
        rc = val_uint64(s, &u, err, sizeof err);
        break;
    case 6:
        rc = val_positive(s, &d, err, sizeof err);
        break;
    case 7:
        rc = val_date(s, &day, err, sizeof err);
        if (rc == 0) {
            char out[11];
            val_format_date(day, out);
            (void)val_weekday(day);
        }
        break;
    case 8: {
        struct val_dist vd;
        rc = val_dist(s, &vd, err, sizeof err);
        if (rc == 0 && !vd.file) {
            struct dist dd;
            char derr[256];
            if (dist_init(&dd, vd.kind, vd.p, derr, sizeof derr) == 0) {
                struct rng r;
                rng_seed(&r, 1, 2);
                /* A stay or a delay: never NaN, never negative (NaN reached the event calendar). */
                for (int i = 0; i < 64; i++)
                    if (!(dist_sample(&dd, &r) >= 0)) abort();
                (void)dist_mean(&dd);
                dist_fini(&dd);
            }
        }
        if (rc == 0) free(vd.file);
        break;
    }
    case 9: {
        struct val_route vr;
        rc = val_route(s, &vr, err, sizeof err);
        if (rc == 0) val_route_fini(&vr);
        break;
    }
    }
    if (rc != 0 && !err[0]) abort(); /* a rejection must say why */
    free(s);
    return 0;
}
