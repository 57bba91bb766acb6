/* rng.h — PCG32 (XSH-RR 64/32, O'Neill 2014) with stream selection, and stream derivation.
 *
 * The state is caller-owned (like pcg-c's _r API): a replication, an arrival stream or a
 * patient each hold their own, so nothing is shared between threads. */
#ifndef FS_RNG_H
#define FS_RNG_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

struct rng {
    uint64_t state;
    uint64_t inc; /* stream selector, always odd */
};

/* pcg32_srandom_r: initstate is the starting state, initseq selects the stream. */
void rng_seed(struct rng *r, uint64_t initstate, uint64_t initseq);

/* A stream keyed by (seed, a, b, c): the key is hashed with SplitMix64 into both the state and
 * the stream selector, so neighbouring keys give unrelated sequences. flowsim keys streams
 * by (seed, replication, purpose, index); see docs/model.md, "Common random numbers". */
void rng_seed_key(struct rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c);
/* The same stream in two steps, for a family keyed many times by c alone (every patient of an
 * arrival stream): rng_seed_prefixed(r, rng_key_prefix(seed, a, b), c) is
 * rng_seed_key(r, seed, a, b, c), with the three shared hashes done once. */
uint64_t rng_key_prefix(uint64_t seed, uint64_t a, uint64_t b);
void rng_seed_prefixed(struct rng *r, uint64_t prefix, uint64_t c);

static inline uint32_t rng_u32(struct rng *r) {
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ULL + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/* Uniform double in [0,1) with 53 random bits (two outputs: 27 + 26 bits). */
static inline double rng_uniform(struct rng *r) {
    uint64_t a = rng_u32(r) >> 5, b = rng_u32(r) >> 6;
    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

/* Exponential by inversion; kept inline because it is the hottest sampler. */
static inline double rng_exp(struct rng *r, double mean) {
    return -mean * log1p(-rng_uniform(r));
}

/* A gsl_rng that draws from r, so GSL's samplers run on our streams. The returned struct
 * borrows r; it needs no freeing. */
gsl_rng rng_gsl(struct rng *r);

#endif
