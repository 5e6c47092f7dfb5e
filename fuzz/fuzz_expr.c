/*
 * fuzz_expr.c -- libFuzzer harness for expressions. The input is one
 * expression. It goes to the internal parser muskx__expr_parse directly
 * (any bytes), and, when it is one line of text, into a small fixed model
 * as the right-hand side of an ODE and as an output, which is then loaded,
 * compiled (with its symbolic derivative: the Jacobian), evaluated and
 * simulated. The model offers every kind of name an expression may use.
 *
 * A crash found here becomes a file in tests/fuzz-regressions/expr/.
 */
#include <stdio.h>

#include "expr.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char model_head[] =
    "muskx: 1\n"
    "model: {id: fuzz_expr}\n"
    "parameters: {k: 0.5, n: 2}\n"
    "compartments: {cell: 2}\n"
    "inputs:\n"
    "  u: {times: [0, 1], values: [1, 3], interp: linear}\n"
    "functions:\n"
    "  f(x, y): x*y + 1\n"
    "  g(x): exp(-x)\n"
    "species: {A: 1, B: 0.5, C: 0}\n"
    "assignments: {w: A + B}\n"
    "reactions:\n"
    "  - {id: r1, equation: A -> B, rate: k*A}\n";

/* The expression as a YAML literal block, so no quoting is needed. */
static char *embed(const uint8_t *data, size_t size, const char *section,
                   const char *key, size_t *len) {
  size_t cap = sizeof model_head + 2 * size + 128;
  char *t = malloc(cap);
  if (t == NULL) return NULL;
  int n = snprintf(t, cap, "%s%s:\n  %s: |-\n    ", model_head, section, key);
  memcpy(t + n, data, size);
  *len = (size_t)n + size;
  t[*len] = '\0';
  return t;
}

static void load_and_run(const char *text, size_t len) {
  muskx_model *m = NULL;
  muskx_error err;
  muskx_status st = muskx_model_load_string(text, len, "expr.yaml", &m, &err);
  if (st != MUSKX_OK) {
    fuzz_check_failed_load(st, m, &err);
    return;
  }
  fuzz_exercise(m);
  muskx_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0; /* the depth and length limits are tested elsewhere */
  muskx_error err;
  memset(&err, 0, sizeof err);
  muskx__expr *e = muskx__expr_parse((const char *)data, size, "expr", 1, 1, &err);
  if (e == NULL) {
    FUZZ_REQUIRE(err.status != MUSKX_OK);
    FUZZ_REQUIRE(memchr(err.message, '\0', sizeof err.message) != NULL);
    FUZZ_REQUIRE(err.message[0] != '\0');
  } else {
    muskx__expr *c = muskx__expr_clone(e);
    muskx__expr_free(c);
    muskx__expr_free(e);
  }
  /* One line of printable text only: the model embeds it in a block. */
  for (size_t i = 0; i < size; i++)
    if (data[i] < 0x20 || data[i] == 0x7f) return 0;
  size_t len;
  char *t = embed(data, size, "odes", "C", &len);
  if (t == NULL) return 0;
  load_and_run(t, len);
  free(t);
  t = embed(data, size, "outputs", "o", &len);
  if (t == NULL) return 0;
  load_and_run(t, len);
  free(t);
  return 0;
}
