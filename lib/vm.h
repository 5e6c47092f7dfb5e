/*
 * vm.h -- runs compiled programs over a register file.
 */
#ifndef MUSKX_VM_H
#define MUSKX_VM_H

#include "opcodes.h"

/* Executes p over R. No allocation, no checks: the compiler guarantees
   every operand is a valid register. */
void muskx__vm_run(const muskx__prog *p, double *R);

/* Index of the first non-finite result of p in R, or -1. */
int32_t muskx__vm_first_nonfinite(const muskx__prog *p, const double *R);

#endif
