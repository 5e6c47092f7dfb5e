/*
 * test_sens.c -- forward sensitivities (issue 15) against analytic
 * solutions: exponential decay (by the rate, by an initial value written
 * as an expression, by the species' own initial value, by a compartment
 * volume, through a derived parameter of two chosen ones), a linear
 * two-state system (matrix exponential), a state reset
 * at a state-dependent event (the event time moves with p), an event that
 * switches a parameter, a bolus dose, 100 daily doses (model event and
 * API doses) against the closed-form superposition, a steady state and a
 * run from it;
 * and the errors of the API.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "muskx.h"
#include "testutil.h"

#define RTOL 1e-6  /* two-sided: |got - ref| <= ATOL + RTOL |ref| */
#define ATOL 1e-9

/* A sim at tight tolerances with sensitivity parameters names. */
static muskx_sim *sens_sim(const muskx_model *m, const char *const *names, int n) {
  muskx_sim *s = tu_sim(m);
  TU_OK(s, muskx_sim_set_tolerances(s, 1e-10, 1e-12));
  TU_OK(s, muskx_sim_set_sens_params(s, names, n));
  ck_assert_int_eq(muskx_sim_sens_count(s), n);
  return s;
}

/* sens of row i, column c, parameter k */
#define SENS(buf, i, c, k, ncols, np) ((buf)[((size_t)(i) * (ncols) + (c)) * (np) + (k)])

static const char DECAY[] =
    "muskx: 1\n"
    "model: {id: decay}\n"
    "parameters: {k: 0.5, A0: 2}\n"
    "species: {A: A0}\n"
    "reactions:\n"
    "  - {equation: A ->, rate: k*A}\n"
    "outputs: {twoA: 2*A + k}\n";

START_TEST(decay_by_rate_and_initial_value_expression) {
  muskx_model *m = tu_load_text(DECAY, "sens");
  const char *names[] = {"k", "A0"};
  muskx_sim *s = sens_sim(m, names, 2);
  double times[6] = {0, 0.5, 1, 2, 4, 8}, out[6 * 2], sens[6 * 2 * 2];
  TU_OK(s, muskx_sim_run_sens(s, times, 6, out, sens));
  for (int i = 0; i < 6; i++) {
    double t = times[i], e = exp(-0.5 * t);
    TU_CLOSE(out[i * 2], 2 * e, RTOL, ATOL, "A", t);
    TU_CLOSE(SENS(sens, i, 0, 0, 2, 2), -t * 2 * e, RTOL, ATOL, "dA/dk", t);
    TU_CLOSE(SENS(sens, i, 0, 1, 2, 2), e, RTOL, ATOL, "dA/dA0", t);
    TU_CLOSE(SENS(sens, i, 1, 0, 2, 2), -2 * t * 2 * e + 1, RTOL, ATOL,
             "dtwoA/dk", t);
    TU_CLOSE(SENS(sens, i, 1, 1, 2, 2), 2 * e, RTOL, ATOL, "dtwoA/dA0", t);
  }
  /* the species name means its own initial value */
  const char *a[] = {"A"};
  TU_OK(s, muskx_sim_set_sens_params(s, a, 1));
  double sa[6 * 2];
  TU_OK(s, muskx_sim_run_sens(s, times, 6, out, sa));
  for (int i = 0; i < 6; i++)
    TU_CLOSE(SENS(sa, i, 0, 0, 2, 1), exp(-0.5 * times[i]), RTOL, ATOL, "dA/dA(0)",
             times[i]);
  /* a value set by the caller no longer follows A0 */
  TU_OK(s, muskx_sim_set_initial(s, "A", 3.0));
  TU_OK(s, muskx_sim_set_sens_params(s, names, 2));
  TU_OK(s, muskx_sim_run_sens(s, times, 6, out, sens));
  TU_CLOSE(SENS(sens, 5, 0, 1, 2, 2), 0.0, RTOL, ATOL, "dA/dA0 (A set)", 8.0);
  TU_CLOSE(SENS(sens, 5, 0, 0, 2, 2), -8 * 3 * exp(-4.0), RTOL, ATOL, "dA/dk", 8.0);
  /* a plain run afterwards is unchanged by the sensitivities */
  double plain[6 * 2];
  tu_run(s, times, 6, plain);
  for (int i = 0; i < 6; i++)
    TU_CLOSE(plain[i * 2], 3 * exp(-0.5 * times[i]), RTOL, ATOL, "A", times[i]);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* df/dp through a derived parameter that follows two chosen ones (a row
   of dP/dp with two nonzeros) next to a chosen parameter used directly
   (a row with one: sens.c adds only that column) and an initial value:
   A' = -(k + c) A, k = a + 2 b, so dA/da = -t A, dA/db = -2 t A,
   dA/dc = -t A, dA/dA0 = A / A0. */
START_TEST(derived_and_direct_parameters_in_one_rate) {
  muskx_model *m = tu_load_text(
      "muskx: 1\n"
      "model: {id: derived}\n"
      "parameters:\n"
      "  a: 0.2\n"
      "  b: 0.15\n"
      "  c: 0.1\n"
      "  A0: 2\n"
      "  k: {value: a + 2*b}\n"
      "species: {A: A0}\n"
      "reactions:\n"
      "  - {equation: A ->, rate: k*A + c*A}\n", "sens");
  const char *names[] = {"a", "b", "c", "A0"};
  muskx_sim *s = sens_sim(m, names, 4);
  double times[5] = {0, 0.5, 2, 5, 9}, out[5], sens[5 * 4];
  TU_OK(s, muskx_sim_run_sens(s, times, 5, out, sens));
  for (int i = 0; i < 5; i++) {
    double t = times[i], A = 2 * exp(-0.6 * t);
    TU_CLOSE(out[i], A, RTOL, ATOL, "A", t);
    TU_CLOSE(SENS(sens, i, 0, 0, 1, 4), -t * A, RTOL, ATOL, "dA/da", t);
    TU_CLOSE(SENS(sens, i, 0, 1, 1, 4), -2 * t * A, RTOL, ATOL, "dA/db", t);
    TU_CLOSE(SENS(sens, i, 0, 2, 1, 4), -t * A, RTOL, ATOL, "dA/dc", t);
    TU_CLOSE(SENS(sens, i, 0, 3, 1, 4), A / 2, RTOL, ATOL, "dA/dA0", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(compartment_volume) {
  muskx_model *m = tu_load_text(
      "muskx: 1\n"
      "model: {id: vol}\n"
      "parameters: {k: 0.3}\n"
      "compartments: {V: 2}\n"
      "species: {A: {initial: 1, compartment: V}}\n"
      "reactions:\n"
      "  - {equation: A ->, rate: k*A}\n", "sens");
  const char *names[] = {"V"};
  muskx_sim *s = sens_sim(m, names, 1);
  double times[3] = {0, 3, 10}, out[3], sens[3];
  TU_OK(s, muskx_sim_run_sens(s, times, 3, out, sens));
  for (int i = 0; i < 3; i++) {
    double t = times[i], a = exp(-0.3 * t / 2);
    TU_CLOSE(sens[i], a * 0.3 * t / 4, RTOL, ATOL, "dA/dV", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* x' = M x + b with M = [a11 a12; a21 a22]: s_b1 = M^-1 (e^{Mt} - I) e1
   and d x / d x(0) = e^{Mt} e1 (Putzer's formula for e^{Mt}). */
START_TEST(linear_two_state_system) {
  muskx_model *m = tu_load(TEST_MODEL("linear2.yaml"));
  const char *names[] = {"b1", "x"};
  muskx_sim *s = sens_sim(m, names, 2);
  double times[4] = {0, 0.3, 1.5, 6}, out[4 * 2], sens[4 * 2 * 2];
  TU_OK(s, muskx_sim_run_sens(s, times, 4, out, sens));
  const double M[4] = {-2, 1, 1, -3}; /* row-major */
  double tr = M[0] + M[3], det = M[0] * M[3] - M[1] * M[2];
  double l1 = (tr + sqrt(tr * tr - 4 * det)) / 2, l2 = (tr - sqrt(tr * tr - 4 * det)) / 2;
  for (int i = 0; i < 4; i++) {
    double t = times[i];
    double c0 = (l1 * exp(l2 * t) - l2 * exp(l1 * t)) / (l1 - l2);
    double c1 = (exp(l1 * t) - exp(l2 * t)) / (l1 - l2);
    double E[4] = {c0 + c1 * M[0], c1 * M[1], c1 * M[2], c0 + c1 * M[3]};
    /* (E - I) e1, then M^-1 of it */
    double v0 = E[0] - 1, v1 = E[2];
    double sb0 = (M[3] * v0 - M[1] * v1) / det, sb1 = (-M[2] * v0 + M[0] * v1) / det;
    TU_CLOSE(SENS(sens, i, 0, 0, 2, 2), sb0, RTOL, ATOL, "dx/db1", t);
    TU_CLOSE(SENS(sens, i, 1, 0, 2, 2), sb1, RTOL, ATOL, "dy/db1", t);
    TU_CLOSE(SENS(sens, i, 0, 1, 2, 2), E[0], RTOL, ATOL, "dx/dx0", t);
    TU_CLOSE(SENS(sens, i, 1, 1, 2, 2), E[2], RTOL, ATOL, "dy/dx0", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A' = -k A; when A < thr: A := A + c. The event time tau = ln(A0/thr)/k
   moves with k, thr and A0; after it A = (thr + c)(A0/thr) e^{-kt}. */
START_TEST(state_reset_at_a_state_dependent_event) {
  muskx_model *m = tu_load_text(
      "muskx: 1\n"
      "model: {id: reset}\n"
      "parameters: {k: 0.5, A0: 1, thr: 0.5, c: 2}\n"
      "species: {A: A0}\n"
      "reactions:\n"
      "  - {equation: A ->, rate: k*A}\n"
      "events:\n"
      "  - {id: kick, when: A < thr, set: {A: A + c}}\n", "sens");
  const char *names[] = {"k", "A0", "thr", "c"};
  muskx_sim *s = sens_sim(m, names, 4);
  double times[5] = {0, 1, 2, 3, 4}, out[5], sens[5 * 4];
  TU_OK(s, muskx_sim_run_sens(s, times, 5, out, sens));
  double k = 0.5, A0 = 1, thr = 0.5, c = 2, tau = log(A0 / thr) / k;
  for (int i = 0; i < 5; i++) {
    double t = times[i], e = exp(-k * t);
    double A = t < tau ? A0 * e : (thr + c) * (A0 / thr) * e;
    double dk = -t * A;
    double dA0 = t < tau ? e : (thr + c) / thr * e;
    double dthr = t < tau ? 0 : -c * A0 / (thr * thr) * e;
    double dc = t < tau ? 0 : A0 / thr * e;
    TU_CLOSE(out[i], A, RTOL, ATOL, "A", t);
    TU_CLOSE(sens[i * 4 + 0], dk, RTOL, ATOL, "dA/dk", t);
    TU_CLOSE(sens[i * 4 + 1], dA0, RTOL, ATOL, "dA/dA0", t);
    TU_CLOSE(sens[i * 4 + 2], dthr, RTOL, ATOL, "dA/dthr", t);
    TU_CLOSE(sens[i * 4 + 3], dc, RTOL, ATOL, "dA/dc", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A decays at k, and k := k2 when t >= 1. */
static const char *const SWITCH_MODEL =
    "muskx: 1\n"
    "model: {id: switch}\n"
    "parameters: {k: 0.4, k2: 1.5}\n"
    "species: {A: 1}\n"
    "reactions:\n"
    "  - {equation: A ->, rate: k*A}\n"
    "events:\n"
    "  - {id: sw, when: t >= 1, set: {k: k2}}\n";

/* when t >= 1: k := k2, so A = e^{-k} e^{-k2 (t-1)} after t = 1. */
START_TEST(event_switches_a_parameter) {
  muskx_model *m = tu_load_text(SWITCH_MODEL, "sens");
  const char *names[] = {"k", "k2"};
  muskx_sim *s = sens_sim(m, names, 2);
  double times[4] = {0, 0.5, 2, 3}, out[4], sens[4 * 2];
  TU_OK(s, muskx_sim_run_sens(s, times, 4, out, sens));
  for (int i = 0; i < 4; i++) {
    double t = times[i];
    double A = t < 1 ? exp(-0.4 * t) : exp(-0.4) * exp(-1.5 * (t - 1));
    TU_CLOSE(out[i], A, RTOL, ATOL, "A", t);
    TU_CLOSE(sens[i * 2], t < 1 ? -t * A : -A, RTOL, ATOL, "dA/dk", t);
    TU_CLOSE(sens[i * 2 + 1], t < 1 ? 0 : -(t - 1) * A, RTOL, ATOL, "dA/dk2", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* The same switch with only k2 chosen: before t = 1 no slot the rate
   reads moves with k2, after it k's row of dP/dp is 1, so the part of the
   fused df/dP program the run executes must be picked again at the event
   (dA/dk2 = 0, then -(t - 1) A; it stays 0 if the pick is not redone). */
START_TEST(a_parameter_moves_with_the_choice_only_after_an_event) {
  muskx_model *m = tu_load_text(SWITCH_MODEL, "sens");
  const char *names[] = {"k2"};
  muskx_sim *s = sens_sim(m, names, 1);
  double times[4] = {0, 0.5, 2, 3}, out[4], sens[4];
  TU_OK(s, muskx_sim_run_sens(s, times, 4, out, sens));
  for (int i = 0; i < 4; i++) {
    double t = times[i];
    double A = t < 1 ? exp(-0.4 * t) : exp(-0.4) * exp(-1.5 * (t - 1));
    TU_CLOSE(out[i], A, RTOL, ATOL, "A", t);
    TU_CLOSE(sens[i], t < 1 ? 0 : -(t - 1) * A, RTOL, ATOL, "dA/dk2", t);
  }
  ck_assert_double_lt(sens[3], -0.01); /* not a trivially zero column */
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(bolus_dose) {
  muskx_model *m = tu_load_text(DECAY, "sens");
  const char *names[] = {"k", "A0"};
  muskx_sim *s = sens_sim(m, names, 2);
  TU_OK(s, muskx_sim_add_dose(s, "A", 1.0, 0.7, 0, 1));
  double times[4] = {0, 0.5, 1, 3}, out[4 * 2], sens[4 * 2 * 2];
  TU_OK(s, muskx_sim_run_sens(s, times, 4, out, sens));
  for (int i = 0; i < 4; i++) {
    double t = times[i], e = exp(-0.5 * t), ed = t >= 1 ? exp(-0.5 * (t - 1)) : 0;
    TU_CLOSE(out[i * 2], 2 * e + 0.7 * ed, RTOL, ATOL, "A", t);
    TU_CLOSE(SENS(sens, i, 0, 0, 2, 2), -t * 2 * e - (t - 1) * 0.7 * ed, RTOL,
             ATOL, "dA/dk", t);
    TU_CLOSE(SENS(sens, i, 0, 1, 2, 2), e, RTOL, ATOL, "dA/dA0", t);
  }
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* Repeated dosing (the cost of hundreds of dose events, bench/RESULTS.md
   "Repeated dosing"): a one-compartment model with first-order absorption
   and 100 daily doses, both as a model event (`every`, the mechanism of
   models/drugs/teriparatide.yaml) and as API doses (muskx_sim_add_dose), against the
   closed-form superposition: each dose D at t_j contributes, for
   tau = t - t_j >= 0,
     depot:   F D e^{-ka tau}
     central: F D ka (e^{-k tau} - e^{-ka tau}) / (ka - k)
   and d(central)/dk = F D ka [(e^{-k tau} - e^{-ka tau})/(ka - k)^2
                               - tau e^{-k tau}/(ka - k)],
   d(central)/dka = F D [k (e^{-ka tau} - e^{-k tau})/(ka - k)^2
                         + ka tau e^{-ka tau}/(ka - k)]. Every dose
   restarts the integrator, so an error in the restart (state, its
   sensitivities, the dose's jump) accumulates over the 100 events. */
static const char DAILY_EVENT[] =
    "muskx: 1\n"
    "model: {id: daily}\n"
    "parameters: {k: 0.3, ka: 6.0, F: 0.8, D: 5.0}\n"
    "species: {Ad: 0, Ac: 0}\n"
    "reactions:\n"
    "  - {equation: Ad -> Ac, rate: ka*Ad}\n"
    "  - {equation: Ac ->, rate: k*Ac}\n"
    "events:\n"
    "  - {id: dose, at: 0, every: 1, until: 99.5, set: {Ad: Ad + F*D}}\n";

static const char DAILY_API[] =
    "muskx: 1\n"
    "model: {id: daily}\n"
    "parameters: {k: 0.3, ka: 6.0}\n"
    "species: {Ad: 0, Ac: 0}\n"
    "reactions:\n"
    "  - {equation: Ad -> Ac, rate: ka*Ad}\n"
    "  - {equation: Ac ->, rate: k*Ac}\n";

/* the closed form at t of ndose doses FD at 0, 1, ...: depot, central,
   d central / dk, d central / dka */
static void daily_reference(double t, int ndose, double FD, double k, double ka,
                            double r[4]) {
  r[0] = r[1] = r[2] = r[3] = 0;
  for (int j = 0; j < ndose && j <= t; j++) {
    double tau = t - j, ek = exp(-k * tau), ea = exp(-ka * tau), d = ka - k;
    r[0] += FD * ea;
    r[1] += FD * ka * (ek - ea) / d;
    r[2] += FD * ka * ((ek - ea) / (d * d) - tau * ek / d);
    r[3] += FD * (k * (ea - ek) / (d * d) + ka * tau * ea / d);
  }
}

static void check_daily(muskx_sim *s, double FD) {
  /* inside the first day, between doses late in the run, just before the
     last dose, just after it, and after the last one */
  double times[7] = {0, 0.25, 37.5, 98.999, 99.001, 99.6, 103.0};
  double out[7 * 2], sens[7 * 2 * 2];
  TU_OK(s, muskx_sim_run_sens(s, times, 7, out, sens));
  for (int i = 0; i < 7; i++) {
    double r[4], t = times[i];
    daily_reference(t, 100, FD, 0.3, 6.0, r);
    TU_CLOSE(out[i * 2], r[0], RTOL, ATOL, "Ad", t);
    TU_CLOSE(out[i * 2 + 1], r[1], RTOL, ATOL, "Ac", t);
    TU_CLOSE(SENS(sens, i, 1, 0, 2, 2), r[2], RTOL, ATOL, "dAc/dk", t);
    TU_CLOSE(SENS(sens, i, 1, 1, 2, 2), r[3], RTOL, ATOL, "dAc/dka", t);
  }
  /* 100 doses; each after the start restarted the integrator, once */
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_EVENTS_FIRED), 100);
  ck_assert_int_eq(muskx_sim_stat(s, MUSKX_STAT_REINITS), 99); /* t = 0: none */
}

START_TEST(hundred_daily_doses_against_superposition) {
  const char *names[] = {"k", "ka"};
  muskx_model *m = tu_load_text(DAILY_EVENT, "sens");
  muskx_sim *s = sens_sim(m, names, 2);
  check_daily(s, 0.8 * 5.0);
  muskx_sim_free(s);
  muskx_model_free(m);
  m = tu_load_text(DAILY_API, "sens");
  s = sens_sim(m, names, 2);
  TU_OK(s, muskx_sim_add_dose(s, "Ad", 0.0, 4.0, 1.0, 100));
  check_daily(s, 4.0);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

/* A' = s - k A, B' = k A - d B: A* = s/k, B* = s/d. */
static const char SYNTH[] =
    "muskx: 1\n"
    "model: {id: synth}\n"
    "parameters: {s: 1, k: 0.5, d: 0.25}\n"
    "species: {A: 0, B: 0}\n"
    "reactions:\n"
    "  - {equation: -> A, rate: s}\n"
    "  - {equation: A -> B, rate: k*A}\n"
    "  - {equation: B ->, rate: d*B}\n";

START_TEST(steady_state_and_a_run_from_it) {
  muskx_model *m = tu_load_text(SYNTH, "sens");
  const char *names[] = {"s", "k", "d"};
  muskx_sim *sim = sens_sim(m, names, 3);
  double y[2], S[2 * 3];
  TU_OK(sim, muskx_sim_steady_state_sens(sim, y, S));
  double s = 1, k = 0.5, d = 0.25;
  TU_CLOSE(y[0], s / k, 1e-8, 1e-12, "A*", 0);
  TU_CLOSE(y[1], s / d, 1e-8, 1e-12, "B*", 0);
  const double ref[6] = {1 / k, -s / (k * k), 0, 1 / d, 0, -s / (d * d)};
  for (int q = 0; q < 6; q++) TU_CLOSE(S[q], ref[q], 1e-8, 1e-12, "dy*/dp", q);
  /* pre-equilibration: then s steps to 2; A = (s/k) e^{-kt} + (2/k)(1 -
     e^{-kt}) whose derivative by s (the parameter of both phases) is 1/k */
  TU_OK(sim, muskx_sim_set_param(sim, "s", 2.0));
  double times[3] = {0, 1, 5}, out[3 * 2], sens[3 * 2 * 3];
  TU_OK(sim, muskx_sim_run_sens(sim, times, 3, out, sens));
  for (int i = 0; i < 3; i++) {
    double t = times[i], e = exp(-k * t);
    TU_CLOSE(out[i * 2], (1 / k) * e + (2 / k) * (1 - e), RTOL, ATOL, "A", t);
    TU_CLOSE(SENS(sens, i, 0, 0, 2, 3), 1 / k, RTOL, ATOL, "dA/ds", t);
    /* dA/dk = d/dk[(1/k) e + (2/k)(1 - e)] */
    double dk = -(1 / (k * k)) * e - t * e / k - (2 / (k * k)) * (1 - e) +
                (2 / k) * t * e;
    TU_CLOSE(SENS(sens, i, 0, 1, 2, 3), dk, RTOL, ATOL, "dA/dk", t);
  }
  /* a plain steady state leaves no sensitivities to start from */
  TU_OK(sim, muskx_sim_steady_state(sim, NULL, 0));
  ck_assert_int_eq(muskx_sim_run_sens(sim, times, 3, out, sens), MUSKX_ESTATE);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(sim), "muskx_sim_steady_state_sens"));
  muskx_sim_free(sim);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_conservation_law_gives_the_constrained_steady_state_sensitivities) {
  /* A <-> B keeps A + B = 1: J is singular, and the steady state
     A = kb / (kf + kb), B = kf / (kf + kb) moves with kf as
     dA/dkf = -kb / (kf + kb)^2 = -2/9, dB/dkf = 2/9; and with the initial
     value A0 (total A0 + B0) as dA/dA0 = kb / (kf + kb) = 2/3. */
  muskx_model *m = tu_load_text(
      "muskx: 1\n"
      "model: {id: closed}\n"
      "parameters: {kf: 1, kb: 2}\n"
      "species: {A: 1, B: 0}\n"
      "reactions:\n"
      "  - {equation: A <-> B, rate: kf*A - kb*B}\n", "sens");
  const char *names[] = {"kf", "A"};
  muskx_sim *s = sens_sim(m, names, 2);
  double y[2], S[4];
  TU_OK(s, muskx_sim_steady_state_sens(s, y, S));
  ck_assert_double_eq_tol(y[0], 2.0 / 3.0, 1e-9);
  ck_assert_double_eq_tol(S[0 * 2 + 0], -2.0 / 9.0, 1e-8);
  ck_assert_double_eq_tol(S[1 * 2 + 0], 2.0 / 9.0, 1e-8);
  ck_assert_double_eq_tol(S[0 * 2 + 1], 2.0 / 3.0, 1e-8);
  ck_assert_double_eq_tol(S[1 * 2 + 1], 1.0 / 3.0, 1e-8);
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(a_singular_jacobian_without_conservation_law_is_refused) {
  /* dA/dt = p - (A - 1)^2 at p = 0: J = 0 at A = 1, and no conservation
     law explains it (J s = -df/dp = -1 has no solution). */
  muskx_model *m = tu_load_text(
      "muskx: 1\n"
      "model: {id: fold}\n"
      "parameters: {p: 0}\n"
      "species: {A: 1}\n"
      "odes: {A: p - (A - 1)^2}\n", "sens");
  const char *names[] = {"p"};
  muskx_sim *s = sens_sim(m, names, 1);
  double y[1], S[1];
  ck_assert_int_eq(muskx_sim_steady_state_sens(s, y, S), MUSKX_ENOTCONV);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "singular"));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

START_TEST(bad_choices_are_named) {
  muskx_model *m = tu_load(TEST_MODEL("step_input.yaml"));
  muskx_sim *s = tu_sim(m);
  const char *bad[] = {"nope"};
  ck_assert_int_eq(muskx_sim_set_sens_params(s, bad, 1), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "'nope'"));
  const char *input[] = {"u"};
  ck_assert_int_eq(muskx_sim_set_sens_params(s, input, 1), MUSKX_ENOTFOUND);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "input"));
  ck_assert_int_eq(muskx_sim_sens_count(s), 0);
  ck_assert_int_eq(muskx_sim_set_sens_params(s, NULL, 2), MUSKX_EINVAL);
  const char *x2[] = {"x", "x"};
  ck_assert_int_eq(muskx_sim_set_sens_params(s, x2, 2), MUSKX_EINVAL);
  double t[2] = {0, 1}, out[4], sens[4];
  ck_assert_int_eq(muskx_sim_run_sens(s, t, 2, out, sens), MUSKX_ESTATE);
  ck_assert_int_eq(muskx_sim_steady_state_sens(s, NULL, NULL), MUSKX_ESTATE);
  TU_OK(s, muskx_sim_set_sens_params(s, x2, 1));
  ck_assert_str_eq(muskx_sim_sens_name(s, 0), "x");
  ck_assert_ptr_null(muskx_sim_sens_name(s, 1));
  TU_OK(s, muskx_sim_set_sens_params(s, NULL, 0));
  ck_assert_int_eq(muskx_sim_sens_count(s), 0);
  ck_assert_int_eq(muskx_sim_sens_count(NULL), -1);
  muskx_sim_free(s);
  muskx_model_free(m);

  m = tu_load_text("muskx: 1\n"
                   "model: {id: dae}\n"
                   "parameters: {k: 0.7, T: 3}\n"
                   "species: {A: 1.5, B: 0, C: 0}\n"
                   "reactions:\n"
                   "  - {equation: A -> B, rate: k*A}\n"
                   "algebraic:\n"
                   "  - A + C - T\n", "sens");
  s = tu_sim(m);
  const char *k[] = {"k"};
  ck_assert_int_eq(muskx_sim_set_sens_params(s, k, 1), MUSKX_EUNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "algebraic"));
  muskx_sim_free(s);
  muskx_model_free(m);

  m = tu_load_text("muskx: 1\n"
                   "model: {id: timed}\n"
                   "parameters: {k: 0.7, t1: 2}\n"
                   "species: {A: 1}\n"
                   "reactions:\n"
                   "  - {equation: A ->, rate: k*A}\n"
                   "events:\n"
                   "  - {id: e1, at: t1, set: {A: 1}}\n", "sens");
  s = tu_sim(m);
  const char *t1[] = {"t1"};
  TU_OK(s, muskx_sim_set_sens_params(s, t1, 1));
  ck_assert_int_eq(muskx_sim_run_sens(s, t, 2, out, sens), MUSKX_EUNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(muskx_sim_errmsg(s), "'e1'"));
  muskx_sim_free(s);
  muskx_model_free(m);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("sens");
  TCase *tc = tcase_create("analytic");
  tcase_add_test(tc, decay_by_rate_and_initial_value_expression);
  tcase_add_test(tc, compartment_volume);
  tcase_add_test(tc, derived_and_direct_parameters_in_one_rate);
  tcase_add_test(tc, linear_two_state_system);
  tcase_add_test(tc, state_reset_at_a_state_dependent_event);
  tcase_add_test(tc, event_switches_a_parameter);
  tcase_add_test(tc, a_parameter_moves_with_the_choice_only_after_an_event);
  tcase_add_test(tc, bolus_dose);
  tcase_add_test(tc, steady_state_and_a_run_from_it);
  tcase_add_test(tc, a_conservation_law_gives_the_constrained_steady_state_sensitivities);
  tcase_add_test(tc, a_singular_jacobian_without_conservation_law_is_refused);
  tcase_add_test(tc, hundred_daily_doses_against_superposition);
  tcase_add_test(tc, bad_choices_are_named);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return tu_run_suite(suite());
}
