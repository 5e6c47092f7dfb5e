/*
 * opcodes.h -- the instruction set of the expression VM (vm.c).
 *
 * An instruction is {op, dst, a, b, c}; every operand is a register index
 * into the simulation's register file R (doubles). Registers are laid out
 * by the compiler (compile.c):
 *
 *   [0, nconst)           literal constants (deduplicated)
 *   TIME                  the current time t
 *   [param0, +nparamlike) parameters, then compartment volumes
 *   [input0, +ninputs)    input values at t
 *   [state0, +nspecies)   the state vector y
 *   [temp0, ...)          temporaries, one per instruction (SSA)
 *
 * Limits: a register index fits int32 (MUSKX__MAX_REGISTERS); a program that
 * needs more is refused at compile time ("model too large").
 * Semantics, one line each (R = register file):
 */
#ifndef MUSKX_OPCODES_H
#define MUSKX_OPCODES_H

#include <stdint.h>

#define MUSKX__MAX_REGISTERS (INT32_MAX / 2)

#define MUSKX__OPCODE_MAP(XX)                              \
  XX(NEG, "R(A) := -R(B)")                                 \
  XX(NOT, "R(A) := R(B) == 0")                             \
  XX(EXP, "R(A) := exp(R(B))")                             \
  XX(LOG, "R(A) := log(R(B))")                             \
  XX(LOG10, "R(A) := log10(R(B))")                         \
  XX(SQRT, "R(A) := sqrt(R(B))")                           \
  XX(ABS, "R(A) := |R(B)|")                                \
  XX(SIGN, "R(A) := sign(R(B))")                           \
  XX(FLOOR, "R(A) := floor(R(B))")                         \
  XX(CEIL, "R(A) := ceil(R(B))")                           \
  XX(SIN, "R(A) := sin(R(B))")                             \
  XX(COS, "R(A) := cos(R(B))")                             \
  XX(TAN, "R(A) := tan(R(B))")                             \
  XX(TANH, "R(A) := tanh(R(B))")                           \
  XX(ASIN, "R(A) := asin(R(B))")                           \
  XX(ACOS, "R(A) := acos(R(B))")                           \
  XX(ATAN, "R(A) := atan(R(B))")                           \
  XX(SQR, "R(A) := R(B) * R(B)")                           \
  XX(ADD, "R(A) := R(B) + R(C)")                           \
  XX(SUB, "R(A) := R(B) - R(C)")                           \
  XX(MUL, "R(A) := R(B) * R(C)")                           \
  XX(DIV, "R(A) := R(B) / R(C)")                           \
  XX(POW, "R(A) := R(B) ^ R(C)")                           \
  XX(MIN, "R(A) := min(R(B), R(C))")                       \
  XX(MAX, "R(A) := max(R(B), R(C))")                       \
  XX(LT, "R(A) := R(B) < R(C)")                            \
  XX(LE, "R(A) := R(B) <= R(C)")                           \
  XX(GT, "R(A) := R(B) > R(C)")                            \
  XX(GE, "R(A) := R(B) >= R(C)")                           \
  XX(EQ, "R(A) := R(B) == R(C)")                           \
  XX(NE, "R(A) := R(B) != R(C)")                           \
  XX(AND, "R(A) := R(B) && R(C)")                          \
  XX(OR, "R(A) := R(B) || R(C)")                           \
  XX(IF, "R(A) := R(B) != 0 ? R(C) : R(D)")                \
  XX(MULADD, "R(A) := R(B) * R(C) + R(D)")

typedef enum {
#define MUSKX__OPCODE_ENUM(name, syn) MUSKX__OP_##name,
  MUSKX__OPCODE_MAP(MUSKX__OPCODE_ENUM)
#undef MUSKX__OPCODE_ENUM
      MUSKX__OP_COUNT
} muskx__opcode;

/* Operand fields are named A (dst), B, C, D to match the synopses. */
typedef struct muskx__instr {
  int32_t op;
  int32_t a, b, c, d;
} muskx__instr;

/* A compiled program: code, then the registers holding its results. */
typedef struct muskx__prog {
  muskx__instr *code;
  int32_t ncode;
  int32_t *results;
  int32_t nresults;
} muskx__prog;

const char *muskx__opcode_name(muskx__opcode op);
const char *muskx__opcode_synopsis(muskx__opcode op);

#endif
