/*
 * fuzz_load.c -- libFuzzer harness for the model loader: the input is the
 * text of a model file. A refused model must honour the load contract
 * (fuzz_common.h); an accepted one is queried, simulated briefly, reset
 * and simulated again, so the compiler, the VM and the solver see it too.
 *
 *   make fuzz FUZZ_SECONDS=300     (see the Makefile; corpus in build-fuzz/)
 * A crash found here becomes a file in tests/fuzz-regressions/load/.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  muskx_model *m = (muskx_model *)&size; /* must come back NULL on failure */
  muskx_error err;
  muskx_status st =
      muskx_model_load_string((const char *)data, size, "fuzz.yaml", &m, &err);
  if (st != MUSKX_OK) {
    fuzz_check_failed_load(st, m, &err);
    return 0;
  }
  FUZZ_REQUIRE(m != NULL);
  fuzz_exercise(m);
  muskx_model_free(m);
  return 0;
}
