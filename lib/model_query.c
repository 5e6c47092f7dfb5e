/*
 * model_query.c -- questions about a loaded model that need its compiled
 * form: default values (expressions evaluated at the defaults), reaction
 * modifiers and the Jacobian's structure.
 */
#include <math.h>

#include "alloc.h"
#include "compile.h"
#include "vm.h"

void muskx__model_eval_defaults(const muskx_model *m, double *R) {
  const muskx__program *p = m->program;
  for (int32_t i = 0; i < p->nconst; i++) R[i] = p->consts[i];
  for (int i = 0; i < m->ninputs; i++) R[p->reg_input0 + i] = m->inputs[i].def;
  for (int i = 0; i < p->nparamlike; i++) {
    muskx__vm_run(&p->init_param[i], R);
    R[p->reg_param0 + i] = R[p->init_param[i].results[0]];
  }
  for (int i = 0; i < m->nspecies; i++) {
    muskx__vm_run(&p->init_species[i], R);
    R[p->reg_state0 + i] = R[p->init_species[i].results[0]];
  }
}

double muskx_model_default(const muskx_model *m, muskx_kind kind, int index) {
  if (m == NULL || m->program == NULL || index < 0) return NAN;
  const muskx__program *p = m->program;
  int32_t reg;
  if (kind == MUSKX_INPUT)
    return index < m->ninputs ? m->inputs[index].def : NAN;
  if (kind == MUSKX_PARAMETER && index < m->nparams)
    reg = p->reg_param0 + index;
  else if (kind == MUSKX_COMPARTMENT && index < m->ncompartments)
    reg = p->reg_param0 + m->nparams + index;
  else if (kind == MUSKX_SPECIES && index < m->nspecies)
    reg = p->reg_state0 + index;
  else
    return NAN;
  /* A private register file: the model itself is never written. */
  double *R = muskx__calloc((size_t)p->nregs + 1, sizeof *R);
  if (R == NULL) return NAN;
  muskx__model_eval_defaults(m, R);
  double v = R[reg];
  muskx__free(R);
  return v;
}

int muskx_model_reaction_modifiers(const muskx_model *m, int r, int *species,
                                   int max) {
  if (m == NULL || m->program == NULL || r < 0 || r >= m->nreactions)
    return -1;
  const muskx__program *p = m->program;
  int n = p->mod_ptr[r + 1] - p->mod_ptr[r];
  for (int k = 0; species != NULL && k < n && k < max; k++)
    species[k] = p->mod_species[p->mod_ptr[r] + k];
  return n;
}

int muskx_model_jacobian_nnz(const muskx_model *m) {
  return m == NULL || m->program == NULL ? -1 : m->program->jac_nnz;
}

int muskx_model_jacobian_pattern(const muskx_model *m, int *rows, int *cols) {
  if (m == NULL || m->program == NULL) return -1;
  const muskx__program *p = m->program;
  for (int j = 0; j < m->nspecies; j++)
    for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++) {
      if (rows) rows[k] = p->jac_rowind[k];
      if (cols) cols[k] = j;
    }
  return p->jac_nnz;
}

const char *muskx_model_description(const muskx_model *m) {
  return m == NULL || m->description == NULL ? "" : m->description;
}

int muskx_model_species_flags(const muskx_model *m, int i) {
  if (m == NULL || m->program == NULL || i < 0 || i >= m->nspecies) return -1;
  const muskx__species *sp = &m->species[i];
  return (sp->constant ? MUSKX_SPECIES_CONSTANT : 0) |
         (sp->nonnegative ? MUSKX_SPECIES_NONNEGATIVE : 0) |
         (sp->has_ode ? MUSKX_SPECIES_ODE : 0) |
         (m->program->species_fixed[i] ? MUSKX_SPECIES_FIXED : 0);
}

int muskx_model_species_compartment(const muskx_model *m, int i) {
  if (m == NULL || i < 0 || i >= m->nspecies) return -1;
  return m->species[i].compartment;
}

int muskx_model_reaction_reversible(const muskx_model *m, int r) {
  if (m == NULL || r < 0 || r >= m->nreactions) return -1;
  return m->reactions[r].reversible != 0;
}
