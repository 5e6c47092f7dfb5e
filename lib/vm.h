/*
 * vm.h -- runs compiled programs over a register file.
 */
#ifndef MUSKX_VM_H
#define MUSKX_VM_H

#include <math.h>

#include "opcodes.h"

/*
 * x^y as programs run it (POW), in the VM and in native code (vm_native.c
 * emits MUSKX__POW_SOURCE, the same expression as text, so both stay
 * bit-identical), and as the compiler folds constants (dag.c). The
 * exponents the compiler rewrites when written as literals (x^0 = 1,
 * x^1 = x, x^2 = x*x, x^0.5 = sqrt(x)) get the same rewrite when their
 * value comes from a parameter at run time, so x^n with n = 2 is the
 * number x^2 gives, and 3 and 4 become products too: Hill coefficients
 * and exponents of 2, 3 and 4 cost multiplications instead of pow
 * (issue 19: 40 % of an ISS crew member's pow calls). x*x and sqrt are
 * correctly rounded, x*x*x and (x*x)*(x*x) within about 1 and 1.5 ULP,
 * glibc's pow within 0.52 ULP: a difference of rounding only
 * (bench/bench_crew_accuracy: the ISS crew's errors against a tight
 * reference unchanged, bench/NOTES.md). pow(x, 0) is 1 for every x, NaN
 * included.
 */
#define MUSKX__POW_EXPR(x, y)                                           \
  ((y) == 2.0   ? (x) * (x)                                           \
   : (y) == 1.0 ? (x)                                                 \
   : (y) == 3.0 ? (x) * (x) * (x)                                     \
   : (y) == 0.0 ? 1.0                                                 \
   : (y) == 0.5 ? sqrt(x)                                             \
   : (y) == 4.0 ? ((x) * (x)) * ((x) * (x))                           \
                : pow((x), (y)))
#define MUSKX__STRINGIFY(...) #__VA_ARGS__
#define MUSKX__EXPAND_STRINGIFY(...) MUSKX__STRINGIFY(__VA_ARGS__)
#define MUSKX__POW_SOURCE                                             \
  "static inline double muskx_pow(double x,double y){return "        \
  MUSKX__EXPAND_STRINGIFY(MUSKX__POW_EXPR(x, y)) ";}\n"

static inline double muskx__vm_pow(double x, double y) {
  return MUSKX__POW_EXPR(x, y);
}

/* Executes p over R. No allocation, no checks: the compiler guarantees
   every operand is a valid register. */
void muskx__vm_run(const muskx__prog *p, double *R);

/* Index of the first non-finite result of p in R, or -1. */
int32_t muskx__vm_first_nonfinite(const muskx__prog *p, const double *R);

#endif
