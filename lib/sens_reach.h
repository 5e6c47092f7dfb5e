/*
 * sens_reach.h -- which parameter-like slots and species' initial values
 * can move a chosen set of outputs, from the structure of the compiled
 * sensitivity programs (compile_sens.c): the same sparse derivative lists
 * the forward sensitivities are computed from, so a slot this finds
 * unable to reach the outputs has output sensitivities that are zero by
 * construction (sens_reach.c says why).
 */
#ifndef MUSKX_SENS_REACH_H
#define MUSKX_SENS_REACH_H

#include "model.h"

/*
 * outputs: m->noutputs flags, the outputs that matter. On return slots
 * (m->nparams + m->ncompartments flags) marks every parameter-like slot,
 * and species (m->nspecies flags) every species, whose value or initial
 * value can change one of those outputs at any time of a run, across
 * events, and at a steady state. Returns 0; -1 when the model has no
 * sensitivity programs (the caller must then keep every slot); -2 out of
 * memory. The flags mean nothing unless 0 is returned.
 */
int muskx__sens_reach(const muskx_model *m, const unsigned char *outputs,
                      unsigned char *slots, unsigned char *species);

#endif
