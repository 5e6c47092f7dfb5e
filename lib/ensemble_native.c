/*
 * ensemble_native.c -- an ensemble's members run the model's right-hand
 * side and Jacobian as native code instead of the VM (issue 19): the C
 * compiler runs once per model (vm_native.c), thousands of members gain.
 */
#include "alloc.h"
#include "ensemble.h"
#include "vm_native.h"

muskx_status muskx_ensemble_set_native(muskx_ensemble *e, const char *cc,
                                       const char *cache_dir) {
  if (e == NULL) return MUSKX_EINVAL;
  muskx__native_free(e->native);
  e->native = NULL;
  if (cc == NULL) return MUSKX_OK;
  char msg[MUSKX_ERROR_MESSAGE_MAX - 64];
  msg[0] = '\0';
  e->native = muskx__native_build(e->m->program, cc, cache_dir, msg,
                                  sizeof msg);
  if (e->native == NULL)
    return muskx__ens_err(e, MUSKX_EUNSUPPORTED, "no native code, the VM runs the "
                          "members: %s", msg);
  e->errmsg[0] = '\0';
  return MUSKX_OK;
}
