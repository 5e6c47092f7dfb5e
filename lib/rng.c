/*
 * rng.c -- counter-based random numbers (SplitMix64 keyed by seed, sample
 * and variable); see rng.h for why counter-based and for the sources.
 */
#include <math.h>

#include "rng.h"

/* SplitMix64's increment: 2^64 / golden ratio, odd. */
#define GOLDEN 0x9E3779B97F4A7C15u

/* Stafford's Mix13, the SplitMix64 output function: a bijection of the
   64-bit integers with full avalanche. */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

uint64_t muskx__rng_u64(uint64_t seed, uint64_t sample, uint64_t variable,
                        uint64_t k) {
  /* Each stage hashes the previous key with one more coordinate; the odd
     multipliers keep (sample, variable) pairs from colliding before the
     hash. */
  uint64_t key = mix64(seed + GOLDEN);
  key = mix64(key ^ mix64((sample + 1) * GOLDEN));
  key = mix64(key ^ mix64((variable + 1) * 0xD1B54A32D192ED03u));
  return mix64(key + (k + 1) * GOLDEN);
}

double muskx__rng_uniform(uint64_t seed, uint64_t sample, uint64_t variable,
                          uint64_t k) {
  /* The top 53 bits, centred in their interval: never 0, never 1, so
     log(u) below is always finite. */
  uint64_t x = muskx__rng_u64(seed, sample, variable, k) >> 11;
  return ((double)x + 0.5) * 0x1p-53;
}

double muskx__rng_normal(uint64_t seed, uint64_t sample, uint64_t variable,
                         uint64_t k) {
  /* Box & Muller (1958), Ann. Math. Statist. 29:610; the cosine branch
     only, so each normal costs two draws and depends on nothing else. */
  double u1 = muskx__rng_uniform(seed, sample, variable, k);
  double u2 = muskx__rng_uniform(seed, sample, variable, k + 1);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
