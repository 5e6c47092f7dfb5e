/*
 * vm.c -- the expression VM: one dispatch loop over register code.
 *
 * Invariants: programs are in SSA form produced by compile.c, every operand
 * indexes the register file the simulation allocated from the model's
 * register count, and nothing here allocates or branches on anything but
 * the opcode. Non-finite values are not checked per instruction; callers
 * check results (muskx__vm_first_nonfinite) and report the culprit.
 */
#include <math.h>

#include "vm.h"

static const char *const opcode_names[MUSKX__OP_COUNT] = {
#define MUSKX__OPCODE_NAME(name, syn) #name,
    MUSKX__OPCODE_MAP(MUSKX__OPCODE_NAME)
#undef MUSKX__OPCODE_NAME
};

static const char *const opcode_synopses[MUSKX__OP_COUNT] = {
#define MUSKX__OPCODE_SYN(name, syn) syn,
    MUSKX__OPCODE_MAP(MUSKX__OPCODE_SYN)
#undef MUSKX__OPCODE_SYN
};

const char *muskx__opcode_name(muskx__opcode op) {
  return (unsigned)op < MUSKX__OP_COUNT ? opcode_names[op] : "?";
}

const char *muskx__opcode_synopsis(muskx__opcode op) {
  return (unsigned)op < MUSKX__OP_COUNT ? opcode_synopses[op] : "?";
}

void muskx__vm_run(const muskx__prog *p, double *R) {
  const muskx__instr *pc = p->code, *end = p->code + p->ncode;
  for (; pc < end; pc++) {
    double *A = &R[pc->a];
    const double B = R[pc->b];
    switch ((muskx__opcode)pc->op) {
      /* Opcode: NEG A B      Synopsis: R(A) := -R(B) */
      case MUSKX__OP_NEG: *A = -B; break;
      /* Opcode: NOT A B      Synopsis: R(A) := R(B) == 0 */
      case MUSKX__OP_NOT: *A = B == 0.0; break;
      /* Opcode: EXP A B      Synopsis: R(A) := exp(R(B)) */
      case MUSKX__OP_EXP: *A = exp(B); break;
      /* Opcode: LOG A B      Synopsis: R(A) := log(R(B)) */
      case MUSKX__OP_LOG: *A = log(B); break;
      /* Opcode: LOG10 A B    Synopsis: R(A) := log10(R(B)) */
      case MUSKX__OP_LOG10: *A = log10(B); break;
      /* Opcode: SQRT A B     Synopsis: R(A) := sqrt(R(B)) */
      case MUSKX__OP_SQRT: *A = sqrt(B); break;
      /* Opcode: ABS A B      Synopsis: R(A) := |R(B)| */
      case MUSKX__OP_ABS: *A = fabs(B); break;
      /* Opcode: SIGN A B     Synopsis: R(A) := sign(R(B)) */
      case MUSKX__OP_SIGN: *A = (B > 0) - (B < 0); break;
      /* Opcode: FLOOR A B    Synopsis: R(A) := floor(R(B)) */
      case MUSKX__OP_FLOOR: *A = floor(B); break;
      /* Opcode: CEIL A B     Synopsis: R(A) := ceil(R(B)) */
      case MUSKX__OP_CEIL: *A = ceil(B); break;
      /* Opcode: SIN A B      Synopsis: R(A) := sin(R(B)) */
      case MUSKX__OP_SIN: *A = sin(B); break;
      /* Opcode: COS A B      Synopsis: R(A) := cos(R(B)) */
      case MUSKX__OP_COS: *A = cos(B); break;
      /* Opcode: TAN A B      Synopsis: R(A) := tan(R(B)) */
      case MUSKX__OP_TAN: *A = tan(B); break;
      /* Opcode: TANH A B     Synopsis: R(A) := tanh(R(B)) */
      case MUSKX__OP_TANH: *A = tanh(B); break;
      /* Opcode: ASIN A B     Synopsis: R(A) := asin(R(B)) */
      case MUSKX__OP_ASIN: *A = asin(B); break;
      /* Opcode: ACOS A B     Synopsis: R(A) := acos(R(B)) */
      case MUSKX__OP_ACOS: *A = acos(B); break;
      /* Opcode: ATAN A B     Synopsis: R(A) := atan(R(B)) */
      case MUSKX__OP_ATAN: *A = atan(B); break;
      /* Opcode: SQR A B      Synopsis: R(A) := R(B) * R(B) */
      case MUSKX__OP_SQR: *A = B * B; break;
      /* Opcode: ADD A B C    Synopsis: R(A) := R(B) + R(C) */
      case MUSKX__OP_ADD: *A = B + R[pc->c]; break;
      /* Opcode: SUB A B C    Synopsis: R(A) := R(B) - R(C) */
      case MUSKX__OP_SUB: *A = B - R[pc->c]; break;
      /* Opcode: MUL A B C    Synopsis: R(A) := R(B) * R(C) */
      case MUSKX__OP_MUL: *A = B * R[pc->c]; break;
      /* Opcode: DIV A B C    Synopsis: R(A) := R(B) / R(C) */
      case MUSKX__OP_DIV: *A = B / R[pc->c]; break;
      /* Opcode: POW A B C    Synopsis: R(A) := R(B) ^ R(C) */
      case MUSKX__OP_POW: *A = muskx__vm_pow(B, R[pc->c]); break;
      /* Opcode: MIN A B C    Synopsis: R(A) := min(R(B), R(C)) */
      case MUSKX__OP_MIN: { double C = R[pc->c]; *A = B < C ? B : C; break; }
      /* Opcode: MAX A B C    Synopsis: R(A) := max(R(B), R(C)) */
      case MUSKX__OP_MAX: { double C = R[pc->c]; *A = B > C ? B : C; break; }
      /* Opcode: LT A B C     Synopsis: R(A) := R(B) < R(C) */
      case MUSKX__OP_LT: *A = B < R[pc->c]; break;
      /* Opcode: LE A B C     Synopsis: R(A) := R(B) <= R(C) */
      case MUSKX__OP_LE: *A = B <= R[pc->c]; break;
      /* Opcode: GT A B C     Synopsis: R(A) := R(B) > R(C) */
      case MUSKX__OP_GT: *A = B > R[pc->c]; break;
      /* Opcode: GE A B C     Synopsis: R(A) := R(B) >= R(C) */
      case MUSKX__OP_GE: *A = B >= R[pc->c]; break;
      /* Opcode: EQ A B C     Synopsis: R(A) := R(B) == R(C) */
      case MUSKX__OP_EQ: *A = B == R[pc->c]; break;
      /* Opcode: NE A B C     Synopsis: R(A) := R(B) != R(C) */
      case MUSKX__OP_NE: *A = B != R[pc->c]; break;
      /* Opcode: AND A B C    Synopsis: R(A) := R(B) && R(C) */
      case MUSKX__OP_AND: *A = (B != 0.0) && (R[pc->c] != 0.0); break;
      /* Opcode: OR A B C     Synopsis: R(A) := R(B) || R(C) */
      case MUSKX__OP_OR: *A = (B != 0.0) || (R[pc->c] != 0.0); break;
      /* Opcode: IF A B C D   Synopsis: R(A) := R(B) != 0 ? R(C) : R(D) */
      case MUSKX__OP_IF: *A = B != 0.0 ? R[pc->c] : R[pc->d]; break;
      /* Opcode: MULADD A B C D  Synopsis: R(A) := R(B) * R(C) + R(D) */
      case MUSKX__OP_MULADD: *A = B * R[pc->c] + R[pc->d]; break;
      case MUSKX__OP_COUNT: break;
    }
  }
}

int32_t muskx__vm_first_nonfinite(const muskx__prog *p, const double *R) {
  for (int32_t i = 0; i < p->nresults; i++)
    if (!isfinite(R[p->results[i]])) return i;
  return -1;
}
