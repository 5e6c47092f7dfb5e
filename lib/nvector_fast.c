/*
 * nvector_fast.c -- the serial N_Vector operations CVODE and IDA spend
 * their time in, compiled with the library's flags (-O2).
 *
 * Why: Debian 12's SUNDIALS 6.4.1 (libsundials-cvode6 6.4.1+dfsg1-3) is
 * built without optimisation (its object code keeps every local on the
 * stack: SUNDIALS before 7.0 set no optimisation flag when
 * CMAKE_BUILD_TYPE was empty). For a 20-species problem such as POLLU,
 * about a third of CVODE's time is these loops of 20 (bench/NOTES.md).
 *
 * The operations are installed in the ops table of the vectors the
 * library creates (muskx__nvector_new); CVODE and IDA clone their work
 * vectors from those, and a clone copies the table. Each operation is
 * SUNDIALS 6.4's serial one, special cases included (N_VLinearSum with
 * a == b computes a (x + y), not a x + a y), bit for bit, except the
 * weighted RMS norm, whose sum of squares runs in partial sums (see
 * wsqr_sum): runs differ from SUNDIALS' own vectors within the solver's
 * tolerances. Operations not listed here (masks, constraints, Krylov dot
 * products, ...) stay SUNDIALS' own.
 */
#include <math.h>

#include <nvector/nvector_serial.h>

/* The element loops run four elements at a time (nvector_block.h), which
   GCC vectorizes as a block (SLP). Its loop vectorizer is off here: on
   the blocks' loop it would add run-time overlap checks and a vectorized
   tail, the very cost the blocks remove for short vectors (Boehm: 8
   states). Vectorizing changes no result: every element is computed by
   the same operations, and ISO C mode (-std=c11) contracts nothing into
   FMAs. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-vectorize")
#endif

#include "nvector_block.h"
#include "sim.h"

/* On x86-64 the element-wise loops also get an AVX2 copy (wide.h), and
   so does the sum of squares (in partial sums, see wsqr_sum). */
#include "wide.h"

#define DATA(v) NV_DATA_S(v)
#define LEN(v) NV_LENGTH_S(v)

WIDE static void linear_sum(sunrealtype a, N_Vector x, sunrealtype b,
                            N_Vector y, N_Vector z) {
  /* CVODE's prediction adds Nordsieck columns with a = b = 1 (q (q + 1) /
     2 calls a step) and its corrections have b = 1 (nvector_block.h) */
  muskx__lsum_as(muskx__lsum_case(a, b), LEN(x), a, DATA(x), b, DATA(y),
                 DATA(z));
}

WIDE static void set_const(sunrealtype c, N_Vector z) {
  sunrealtype *zd = DATA(z);
  sunindextype n = LEN(z);
#define E(k) c
  MUSKX__EACH(n, zd, E);
#undef E
}

WIDE static void prod(N_Vector x, N_Vector y, N_Vector z) {
  const sunrealtype *xd = DATA(x), *yd = DATA(y);
  sunrealtype *zd = DATA(z);
  sunindextype n = LEN(x);
#define E(k) (xd[k] * yd[k])
  MUSKX__EACH(n, zd, E);
#undef E
}

WIDE static void divide(N_Vector x, N_Vector y, N_Vector z) {
  const sunrealtype *xd = DATA(x), *yd = DATA(y);
  sunrealtype *zd = DATA(z);
  sunindextype n = LEN(x);
#define E(k) (xd[k] / yd[k])
  MUSKX__EACH(n, zd, E);
#undef E
}

WIDE static void scale(sunrealtype c, N_Vector x, N_Vector z) {
  const sunrealtype *xd = DATA(x);
  sunrealtype *zd = DATA(z);
  sunindextype n = LEN(x);
#define E(k) (c * xd[k])
  MUSKX__EACH(n, zd, E);
#undef E
}

WIDE static void absolute(N_Vector x, N_Vector z) {
  const sunrealtype *xd = DATA(x);
  sunrealtype *zd = DATA(z);
  sunindextype n = LEN(x);
#define E(k) fabs(xd[k])
  MUSKX__EACH(n, zd, E);
#undef E
}

WIDE static void inverse(N_Vector x, N_Vector z) {
  const sunrealtype *xd = DATA(x);
  sunrealtype *zd = DATA(z);
  sunindextype n = LEN(x);
#define E(k) (1.0 / xd[k])
  MUSKX__EACH(n, zd, E);
#undef E
}

WIDE static void add_const(N_Vector x, sunrealtype b, N_Vector z) {
  const sunrealtype *xd = DATA(x);
  sunrealtype *zd = DATA(z);
  sunindextype n = LEN(x);
#define E(k) (xd[k] + b)
  MUSKX__EACH(n, zd, E);
#undef E
}

/* The one kernel that is not SUNDIALS' bit for bit: the sum of squares
   runs in LANES interleaved partial sums (element i into sum i % LANES),
   added pairwise at the end. SUNDIALS' single sequential sum waits 4
   cycles per element on the previous addition: 5 % of a crew member's
   time, the norm being taken 3-4 times a step (Newton convergence, error
   test, order choice). The partial sums are no less accurate (each
   rounding error bound shrinks with the shorter chain), but the last bits
   differ, and a step-size decision near a threshold may go the other
   way: results change within the solver's tolerances (bench/NOTES.md,
   bench_crew_accuracy). tests/test_nvector.c checks the norm against a
   long double sum. */
#define LANES 4
/* (the one loop left to GCC's loop vectorizer, which keeps the four sums
   in one register; see the top of the file) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("tree-loop-vectorize", "vect-cost-model=dynamic")
#endif
WIDE static sunrealtype wsqr_sum(N_Vector x, N_Vector w) {
  const sunrealtype *xd = DATA(x), *wd = DATA(w);
  sunindextype n = LEN(x), i = 0;
  sunrealtype s[LANES] = {0.0, 0.0, 0.0, 0.0};
  for (; i + LANES <= n; i += LANES)
    for (int k = 0; k < LANES; k++) {
      sunrealtype p = xd[i + k] * wd[i + k];
      s[k] += p * p;
    }
  for (int k = 0; i < n; i++, k++) {
    sunrealtype p = xd[i] * wd[i];
    s[k] += p * p;
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

static sunrealtype wrms_norm(N_Vector x, N_Vector w) {
  return sqrt(wsqr_sum(x, w) / (sunrealtype)LEN(x));
}

static sunrealtype max_norm(N_Vector x) {
  const sunrealtype *xd = DATA(x);
  sunindextype n = LEN(x);
  sunrealtype m = 0.0;
  for (sunindextype i = 0; i < n; i++)
    if (fabs(xd[i]) > m) m = fabs(xd[i]);
  return m;
}

static sunrealtype min_value(N_Vector x) {
  const sunrealtype *xd = DATA(x);
  sunindextype n = LEN(x);
  sunrealtype m = xd[0];
  for (sunindextype i = 1; i < n; i++)
    if (xd[i] < m) m = xd[i];
  return m;
}

N_Vector muskx__nvector_new(int n, SUNContext ctx) {
  N_Vector v = N_VNew_Serial(n, ctx);
  if (v == NULL) return NULL;
  N_Vector_Ops o = v->ops;
  o->nvlinearsum = linear_sum;
  o->nvconst = set_const;
  o->nvprod = prod;
  o->nvdiv = divide;
  o->nvscale = scale;
  o->nvabs = absolute;
  o->nvinv = inverse;
  o->nvaddconst = add_const;
  o->nvwrmsnorm = wrms_norm;
  o->nvwsqrsumlocal = wsqr_sum;
  o->nvmaxnorm = max_norm;
  o->nvmaxnormlocal = max_norm;
  o->nvmin = min_value;
  o->nvminlocal = min_value;
  muskx__nvector_fast_arrays(v);
  return v;
}
