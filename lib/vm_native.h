/*
 * vm_native.h -- the right-hand side and the Jacobian of a compiled model as
 * native code: C generated from the VM programs (one statement per
 * instruction, the same operations in the same order, so results are the
 * VM's bit for bit), compiled once by a C compiler into a shared object,
 * cached, and loaded with dlopen. Used by ensembles (issue 19), where
 * thousands of members amortise the compiler's second.
 */
#ifndef MUSKX_VM_NATIVE_H
#define MUSKX_VM_NATIVE_H

#include <stddef.h>

#include "compile.h"

/* Runs a program over the register file R. C is the simulation's own
   cache (ncache doubles, zeroed when allocated) of the instructions that
   read parameters only, recomputed when a parameter they read changes. */
typedef void (*muskx__native_fn)(double *R, double *C);

/* Runs program->rhs as muskx__native_fn does, then writes its results in
   order to dy (dy[i] = the value of results[i], bit for bit): the
   right-hand side CVODE reads, without a gather loop over results. */
typedef void (*muskx__native_rhs_fn)(double *R, double *C, double *dy);

/* Loaded native code of one model; immutable once built, shareable by
   threads. */
typedef struct muskx__native {
  void *handle;           /* dlopen handle */
  muskx__native_fn rhs;   /* runs program->rhs over a register file */
  muskx__native_rhs_fn rhs_dy; /* the same, and its results into dy */
  muskx__native_rhs_fn rhs_dy_cached; /* rhs_dy without comparing the
                             parameters its cached part read with theirs
                             at the last check: only where none can have
                             changed since a call of rhs or rhs_dy on the
                             same C (sim.c, muskx__sim_eval_rhs_to) */
  muskx__native_fn jac;   /* runs program->jac */
  muskx__native_fn out;   /* runs a copy of `kept` (below), or NULL */
  muskx__prog kept;       /* that program (a sim's kept outputs, see
                             sim_outputs.c); a sim runs `out` only when
                             its own kept-outputs program is equal */
  int32_t ncache;         /* doubles of a simulation's cache C */
  struct muskx__klu_gen *klu; /* generated KLU solves for the sims running
                                 this code (klu_gen.h; internally locked) */
} muskx__native;

/* Programs larger than this (instructions of rhs + jac) are not compiled:
   the compiler's time would outgrow any gain. */
#define MUSKX__NATIVE_MAX_INSTR 400000

/* Builds (or finds in cache_dir) the native code of p with the C compiler
   cc (a command name or path, run without a shell), and of kept (a
   program over p's registers, e.g. the kept outputs) unless NULL.
   cache_dir NULL: a private temporary folder, removed once the code is
   loaded. Returns NULL
   with a message in msg (msgsize bytes) when anything fails; the caller
   keeps the VM. */
muskx__native *muskx__native_build(const muskx__program *p,
                                   const muskx__prog *kept, const char *cc,
                                   const char *cache_dir, char *msg,
                                   size_t msgsize);
/* The same, the compiler stopped (its process group killed) when it runs
   longer than timeout_ms; muskx__native_build allows
   MUSKX__NATIVE_CC_TIMEOUT_MS, generous for the largest model allowed
   (the crosstalk model takes about 1 CPU-s) on a busy machine. */
#define MUSKX__NATIVE_CC_TIMEOUT_MS 300000L
muskx__native *muskx__native_build_timed(const muskx__program *p,
                                         const muskx__prog *kept,
                                         const char *cc,
                                         const char *cache_dir,
                                         long timeout_ms, char *msg,
                                         size_t msgsize);
void muskx__native_free(muskx__native *n);

/* Finds in cache_dir (NULL: a private temporary folder) or compiles with
   cc the C source text into a shared object exporting every name of syms
   (NULL-terminated) and loads it: its dlopen handle, or NULL with a
   message in msg. The object is named after a hash of text and command. */
void *muskx__native_object(const char *text, const char *const *syms,
                           const char *cc, const char *cache_dir,
                           long timeout_ms, char *msg, size_t msgsize);

/* The C source muskx__native_build compiles (NUL-terminated, freed by the
   caller) and the size of the cache it needs, or NULL when out of memory. */
char *muskx__native_source(const muskx__program *p, const muskx__prog *kept,
                           int32_t *ncache);

#endif
