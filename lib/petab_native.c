/*
 * petab_native.c -- a PEtab problem's simulations run the model's
 * right-hand side and Jacobian as native code instead of the VM (issue 17,
 * session 28): the C compiler runs once per problem (vm_native.c); the
 * code is immutable and shared by every simulation an evaluation is given
 * (muskx__petab_evaluate attaches it), so fit workers share one copy.
 * Results are the VM's bit for bit (vm_native.h).
 */
#include "alloc.h"
#include "error.h"
#include "model.h"
#include "petab.h"
#include "vm_native.h"

muskx_status muskx_petab_set_native(muskx_petab *pb, const char *cc,
                                    const char *cache_dir, muskx_error *err) {
  muskx__clearerr(err);
  if (pb == NULL)
    return muskx__seterr(err, MUSKX_EINVAL, NULL, "pb must not be NULL");
  muskx__native_free(pb->native);
  pb->native = NULL;
  if (cc == NULL) return MUSKX_OK;
  char msg[MUSKX_ERROR_MESSAGE_MAX - 64];
  msg[0] = '\0';
  /* every output, as the problem's simulations compute them: no kept-
     outputs program (the outputs are read at the measurement times only) */
  pb->native = muskx__native_build(pb->model->program, NULL, cc, cache_dir,
                                   msg, sizeof msg);
  if (pb->native == NULL)
    return muskx__seterr(err, MUSKX_EUNSUPPORTED, NULL,
                         "no native code, the VM runs the simulations: %s",
                         msg);
  return MUSKX_OK;
}

int muskx_petab_native(const muskx_petab *pb) {
  return pb != NULL && pb->native != NULL;
}
