/*
 * fuzz_sbml.c -- libFuzzer harness for SBML on the public load path
 * (issue 16): the input is the text of an SBML document, loaded with
 * muskx_model_load_string(), which detects SBML text ("<?xml", "<sbml")
 * and translates it (lib/sbml_import*.c, libSBML) before the ordinary
 * loader sees it. A refused document must honour the load contract; an
 * accepted one is queried and simulated briefly like any model.
 *
 * Seeds: fuzz/corpus/sbml/ and a sample of the SBML Test Suite's cases
 * (make fuzz-corpus). A crash found here becomes a file in
 * tests/fuzz-regressions/sbml/, replayed by every test build.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  muskx_model *m = (muskx_model *)&size; /* must come back NULL on failure */
  muskx_error err;
  muskx_status st =
      muskx_model_load_string((const char *)data, size, "fuzz.xml", &m, &err);
  if (st != MUSKX_OK) {
    fuzz_check_failed_load(st, m, &err);
    return 0;
  }
  FUZZ_REQUIRE(m != NULL);
  fuzz_exercise(m);
  muskx_model_free(m);
  return 0;
}
