/*
 * test_sens_select.c -- the run executes only the part of the fused
 * df/dP program (sens.f_all) that the chosen parameters need
 * (lib/sens.c, select_dfdp), which relies on the emitter's layout:
 * instruction i writes register code[0].a + i. The compiler checks that
 * layout (muskx__prog_in_order, lib/compile_sens.c); a program out of
 * order makes the run execute all of f_all. Checked here: the layout
 * test on hand-made programs; that the compiled programs of a small
 * model and of the shipped crosstalk model are in order (so the
 * selection is what runs); and that the selection and the whole
 * program give bit-identical sensitivities, both equal to the analytic
 * ones.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "compile_sens.h"
#include "model.h"
#include "sim.h"
#include "muskx.h"
#include "testutil.h"

#define RTOL 1e-6 /* two-sided: |got - ref| <= ATOL + RTOL |ref| */
#define ATOL 1e-9

START_TEST(layout_of_hand_made_programs) {
  muskx__instr in_order[3] = {{0, 10, 1, 2, 0}, {0, 11, 10, 3, 0},
                              {0, 12, 11, 10, 0}};
  muskx__instr reused[3] = {{0, 10, 1, 2, 0}, {0, 11, 10, 3, 0},
                            {0, 10, 11, 10, 0}};
  muskx__instr gap[2] = {{0, 10, 1, 2, 0}, {0, 12, 10, 3, 0}};
  muskx__prog p = {in_order, 3, NULL, 0};
  ck_assert_int_eq(muskx__prog_in_order(&p), 1);
  p.code = reused;
  ck_assert_int_eq(muskx__prog_in_order(&p), 0);
  p.code = gap;
  p.ncode = 2;
  ck_assert_int_eq(muskx__prog_in_order(&p), 0);
  p.code = NULL;
  p.ncode = 0;
  ck_assert_int_eq(muskx__prog_in_order(&p), 1);
}
END_TEST

/* A' = -(k + c) A with k = a + 2 b; B' = -b exp(c) B shares no
   instruction with A's derivative by a, so choosing {a, A0} leaves b's
   and c's slots out of the selection. dA/da = -t A, dA/dA0 = A / A0,
   dB/da = dB/dA0 = 0. */
static const char TWO_PARTS[] =
    "muskx: 1\n"
    "model: {id: select}\n"
    "parameters:\n"
    "  a: 0.2\n"
    "  b: 0.15\n"
    "  c: 0.1\n"
    "  A0: 2\n"
    "  k: {value: a + 2*b}\n"
    "species: {A: A0, B: 1}\n"
    "reactions:\n"
    "  - {equation: A ->, rate: k*A + c*A}\n"
    "  - {equation: B ->, rate: b*exp(c)*B}\n";

/* Runs with sensitivities to a and A0; returns how many instructions of
   f_all the run executed. */
static int run(const muskx_model *m, double *out, double *sens) {
  const char *names[] = {"a", "A0"};
  double times[4] = {0, 0.5, 3, 9};
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  TU_OK(s, muskx_sim_set_sens_params(s, names, 2));
  TU_OK(s, muskx_sim_run_sens(s, times, 4, out, sens));
  int executed = s->sens_nfcode;
  muskx_sim_free(s);
  return executed;
}

START_TEST(selection_and_whole_program_agree) {
  muskx_model *m = tu_load_text(TWO_PARTS, "select");
  muskx__program *p = m->program;
  ck_assert_int_eq(p->sens.available, 1);
  ck_assert_int_eq(p->sens.f_all_in_order, 1);
  double out[4 * 2], sel[4 * 2 * 2], whole[4 * 2 * 2];
  int32_t n = p->sens.f_all.code.ncode;
  /* b's and c's instructions are left out */
  int executed = run(m, out, sel);
  ck_assert_int_gt(executed, 0);
  ck_assert_int_lt(executed, n);
  double times[4] = {0, 0.5, 3, 9};
  for (int i = 0; i < 4; i++) {
    double t = times[i], A = 2 * exp(-0.6 * t);
    TU_CLOSE(out[i * 2], A, RTOL, ATOL, "A", t);
    TU_CLOSE(sel[(i * 2 + 0) * 2 + 0], -t * A, RTOL, ATOL, "dA/da", t);
    TU_CLOSE(sel[(i * 2 + 0) * 2 + 1], A / 2, RTOL, ATOL, "dA/dA0", t);
    TU_CLOSE(sel[(i * 2 + 1) * 2 + 0], 0.0, RTOL, ATOL, "dB/da", t);
    TU_CLOSE(sel[(i * 2 + 1) * 2 + 1], 0.0, RTOL, ATOL, "dB/dA0", t);
  }
  /* the fallback for a program out of order: every instruction runs */
  p->sens.f_all_in_order = 0;
  ck_assert_int_eq(run(m, out, whole), n);
  ck_assert_mem_eq(sel, whole, sizeof sel);
  muskx_model_free(m);
}
END_TEST

START_TEST(shipped_model_is_in_order) {
  muskx_model *m = tu_load("models/crosstalk/spaceflight.yaml");
  const muskx__program *p = m->program;
  ck_assert_int_eq(p->sens.available, 1);
  ck_assert_int_gt(p->sens.f_all.code.ncode, 100);
  ck_assert_int_eq(p->sens.f_all_in_order, 1);
  muskx_model_free(m);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sens_select");
  TCase *tc = tcase_create("select");
  tcase_add_test(tc, layout_of_hand_made_programs);
  tcase_add_test(tc, selection_and_whole_program_agree);
  tcase_add_test(tc, shipped_model_is_in_order);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
