#include "rng.h"

void rng_seed(struct rng *r, uint64_t initstate, uint64_t initseq) {
    r->state = 0u;
    r->inc = (initseq << 1u) | 1u;
    rng_u32(r);
    r->state += initstate;
    rng_u32(r);
}

static uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t rng_key_prefix(uint64_t seed, uint64_t a, uint64_t b) {
    return splitmix64(splitmix64(splitmix64(seed) ^ a) ^ b);
}

void rng_seed_prefixed(struct rng *r, uint64_t prefix, uint64_t c) {
    uint64_t h = splitmix64(prefix ^ c);
    rng_seed(r, h, splitmix64(h ^ 0x5851f42d4c957f2dULL));
}

void rng_seed_key(struct rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
    rng_seed_prefixed(r, rng_key_prefix(seed, a, b), c);
}

static unsigned long gsl_get(void *state) {
    return rng_u32(state);
}

static double gsl_get_double(void *state) {
    return rng_uniform(state);
}

static void gsl_set(void *state, unsigned long seed) {
    rng_seed(state, seed, 0);
}

static const gsl_rng_type pcg32_gsl_type = {
    "flowsim-pcg32", 0xffffffffUL, 0, sizeof(struct rng), gsl_set, gsl_get, gsl_get_double,
};

gsl_rng rng_gsl(struct rng *r) {
    gsl_rng g = {&pcg32_gsl_type, r};
    return g;
}
