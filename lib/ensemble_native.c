/*
 * ensemble_native.c -- an ensemble's members run the model's right-hand
 * side and Jacobian as native code instead of the VM (issue 19): the C
 * compiler runs once per model (vm_native.c), thousands of members gain.
 */
#include "alloc.h"
#include "ensemble.h"
#include "sim.h"
#include "vm_native.h"

muskx_status muskx_ensemble_set_native(muskx_ensemble *e, const char *cc,
                                       const char *cache_dir) {
  if (e == NULL) return MUSKX_EINVAL;
  muskx__native_free(e->native);
  e->native = NULL;
  if (cc == NULL) return MUSKX_OK;
  char msg[MUSKX_ERROR_MESSAGE_MAX - 64];
  msg[0] = '\0';
  /* the kept outputs, as a worker's sim will have them (set_columns
     before this call; with other columns later the VM runs them) */
  muskx_sim *probe = NULL;
  if (muskx_sim_create(e->m, &probe) != MUSKX_OK ||
      muskx__ens_only_what_is_read(e, probe) != MUSKX_OK) {
    muskx_sim_free(probe);
    return muskx__ens_err(e, MUSKX_ENOMEM, "out of memory");
  }
  e->native = muskx__native_build(e->m->program,
                                  probe->have_out_keep ? &probe->out_keep
                                                       : NULL,
                                  cc, cache_dir, msg, sizeof msg);
  muskx_sim_free(probe);
  if (e->native == NULL)
    return muskx__ens_err(e, MUSKX_EUNSUPPORTED,
                          "no native code, the VM runs the members: %s", msg);
  e->errmsg[0] = '\0';
  return MUSKX_OK;
}
