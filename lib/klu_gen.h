/*
 * klu_gen.h -- KLU's solve as generated straight-line C for one factor
 * structure (issue 19).
 *
 * A KLU factor's structure (block triangular form, pivot order, the
 * patterns of L, U and the off-diagonal blocks, row scaling or not) fixes
 * every operation klu_l_solve does. For that structure we generate one C
 * statement per operation, in klu_l_solve's order, reading the values
 * from the factor's own arrays, so a refactorisation (same structure, new
 * values) needs no new code and results are bit-identical to
 * klu_l_solve's (tests/test_klu_gen.c). klu_l_refactor is generated the
 * same way (row scaling included), bit-identical too. One structure is
 * compiled per generator, the first one asked for; factors of any other
 * structure get NULL and stay with KLU.
 */
#ifndef MUSKX_KLU_GEN_H
#define MUSKX_KLU_GEN_H

#include <klu.h>

/* Solves A x = b in place (b holds x on return) with the factor whose
   arrays are passed: Numeric->LUbx, Udiag, Offx and Rs. */
typedef void (*muskx__klu_solve_fn)(void *const *LU, const double *D,
                                    const double *O, const double *Rs,
                                    double *B);

/* Refactors the factor in place from the values Ax of the matrix whose
   pattern it was made for, as klu_l_refactor (row scaling included):
   1, or 0 at a zero pivot (then the factor is half done: klu_l_refactor
   must run to give KLU's status). */
typedef int (*muskx__klu_refactor_fn)(const double *Ax, void *const *LU,
                                      double *D, double *O, double *Rs);

/* A generator shared by threads (its own lock); the compiled code is
   immutable once made. */
typedef struct muskx__klu_gen muskx__klu_gen;

/* cc and cache_dir as for muskx__native_build (copied); NULL when out of
   memory. */
muskx__klu_gen *muskx__klu_gen_new(const char *cc, const char *cache_dir,
                                   long timeout_ms);
void muskx__klu_gen_free(muskx__klu_gen *g);

/* The generated solve for this factor, compiling it on the first call;
   NULL when the factor's structure is not the compiled one, the factor
   is too large (over 5,000 operations: the compiler's time) or the code
   could not be made (then never tried again). */
/* Ap, Ai: the pattern of the matrix factored; scale: KLU's setting for
   refactorisations; *refactor (unless NULL): the generated refactor,
   NULL when the solve is. */
muskx__klu_solve_fn muskx__klu_gen_match(muskx__klu_gen *g,
                                         const klu_l_symbolic *sym,
                                         const klu_l_numeric *num,
                                         const SuiteSparse_long *Ap,
                                         const SuiteSparse_long *Ai, int scale,
                                         muskx__klu_refactor_fn *refactor);

/* How many factors were given the compiled solve (tests). */
long muskx__klu_gen_matches(muskx__klu_gen *g);

/* The C source of the solve for this factor (NUL-terminated, freed by
   the caller), or NULL when out of memory or the factor's layout is not
   KLU's real, 64-bit one. */
char *muskx__klu_gen_source(const klu_l_symbolic *sym,
                            const klu_l_numeric *num,
                            const SuiteSparse_long *Ap,
                            const SuiteSparse_long *Ai, int scale);

#endif
