/*
 * rng.h -- a counter-based random number generator for ensembles.
 *
 * A draw is a pure function of (seed, sample, variable, k): no state, no
 * sequence to advance. So sample i of an ensemble gets the same numbers
 * whichever thread runs it, in whatever order, on one process or spread
 * over MPI ranks (issue 8: results identical for a seed whatever the
 * thread count), and adding a varied parameter does not change the values
 * drawn for the others.
 *
 * Construction: the key (seed, sample, variable) is hashed with the
 * SplitMix64 finaliser into a 64-bit stream key, and draw k is the k-th
 * output of SplitMix64 started at that key -- Steele, Lea & Flood (2014),
 * "Fast splittable pseudorandom number generators", OOPSLA '14; the
 * finaliser is Stafford's "Mix13" variant of the MurmurHash3 fmix64. A
 * counter hashed this way is how SplitMix64 itself generates, and it passes
 * BigCrush (TestU01) in that use.
 */
#ifndef MUSKX_RNG_H
#define MUSKX_RNG_H

#include <stdint.h>

/* The k-th 64-bit draw of the stream (seed, sample, variable). */
uint64_t muskx__rng_u64(uint64_t seed, uint64_t sample, uint64_t variable,
                        uint64_t k);
/* A uniform double in the open interval (0, 1), 53 random bits. */
double muskx__rng_uniform(uint64_t seed, uint64_t sample, uint64_t variable,
                          uint64_t k);
/* A standard normal N(0, 1) from draws k and k + 1 (Box-Muller). */
double muskx__rng_normal(uint64_t seed, uint64_t sample, uint64_t variable,
                         uint64_t k);

#endif
