/*
 * conservation.c -- conserved moieties kept exactly (issue 18 item 5).
 *
 * A row l with l^T N = 0 (N: net stoichiometry of the species whose
 * dynamics are their reactions only) makes sum_j l_j V_j y_j (amounts)
 * constant. CVODE's own arithmetic lets such a sum drift by a rounding
 * per step, never corrected (the right-hand side's cancelling fluxes and
 * the state updates round differently), so over 1e5 steps a conserved
 * total of order 1 is off by ~1e-14 and a small species that shares it is
 * wrong at late times. Here the compiler finds the laws (the null space
 * of N^T, LAPACK dgesvd; a small dyadic basis when one is exact) and the
 * ODE driver gives CVODE a projection (CVodeSetProjFn, SUNDIALS >= 5.3):
 * after each step the state moves, in the norm of CVODE's error weights
 * (so the large species take the correction), back onto A y = c, where
 * c is the total at the last (re)start and A = L diag(V) with the
 * volumes of then (events may change both; solver.c resets them).
 *
 * Not for: species with an `ode`, `algebraic` or `constant` species
 * (their rows are left out of N), models with more than
 * MUSKX__CONS_MAX_SPECIES reacting species (an SVD would cost more than
 * the run), the DAE path (IDA has no projection).
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"

/* LAPACK (OpenBLAS) */
extern void dgesvd_(const char *jobu, const char *jobvt, const int *m,
                    const int *n, double *a, const int *lda, double *s,
                    double *u, const int *ldu, double *vt, const int *ldvt,
                    double *work, const int *lwork, int *info);
extern void dgesv_(const int *n, const int *nrhs, double *a, const int *lda,
                   int *ipiv, double *b, const int *ldb, int *info);

#define MUSKX__CONS_MAX_SPECIES 400

/* Net coefficient of species sp in reaction rx. */
static double net_coef(const muskx__reaction *rx, int sp) {
  double net = 0;
  for (int q = 0; q < rx->nlhs; q++)
    if (rx->lhs[q].species == sp) net -= rx->lhs[q].coef;
  for (int q = 0; q < rx->nrhs; q++)
    if (rx->rhs[q].species == sp) net += rx->rhs[q].coef;
  return net;
}

/* The row l (length n) scaled to max |l_j| = 1 and rounded to multiples
   of 2^-20 when that keeps l^T N exactly 0 (then the invariant is the
   plain total, A + B + C, not a rounded tilt of it). */
static void tidy_row(double *l, int n, const double *N, int nr) {
  double big = 0;
  for (int j = 0; j < n; j++) big = fmax(big, fabs(l[j]));
  if (big == 0) return;
  int sign = 0;
  for (int j = 0; j < n && sign == 0; j++)
    if (fabs(l[j]) > 1e-9 * big) sign = l[j] > 0 ? 1 : -1;
  for (int j = 0; j < n; j++) l[j] *= sign / big;
  double *d = muskx__calloc((size_t)n, sizeof *d);
  if (d == NULL) return;
  for (int j = 0; j < n; j++) d[j] = ldexp(round(ldexp(l[j], 20)), -20);
  int exact = 1;
  for (int r = 0; r < nr && exact; r++) {
    double sum = 0;
    for (int j = 0; j < n; j++) sum += d[j] * N[(size_t)r * (size_t)n + (size_t)j];
    exact = sum == 0;
  }
  if (exact) memcpy(l, d, (size_t)n * sizeof *l);
  muskx__free(d);
}

int muskx__conservation_laws(const muskx_model *m, muskx__program *p) {
  p->ncons = 0;
  p->cons_nsp = 0;
  int ns = m->nspecies, nr = m->nreactions;
  if (ns == 0 || nr == 0 || m->nalgebraics > 0) return 0;
  int *sp = muskx__calloc((size_t)ns, sizeof *sp);
  if (sp == NULL) return -1;
  int n = 0;
  for (int i = 0; i < ns; i++) {
    const muskx__species *s = &m->species[i];
    if (s->has_ode || s->algebraic || s->constant) continue;
    int moves = 0;
    for (int r = 0; r < nr && !moves; r++) moves = net_coef(&m->reactions[r], i) != 0;
    if (moves) sp[n++] = i;
  }
  if (n < 2 || n > MUSKX__CONS_MAX_SPECIES) {
    muskx__free(sp);
    return 0;
  }
  /* A = N^T, nr x n, column-major for LAPACK; Nrow = N^T row-major (the
     same numbers) for checking rows */
  int lda = nr > 1 ? nr : 1, info = 0, lwork = -1;
  double *A = muskx__calloc((size_t)nr * (size_t)n, sizeof *A);
  double *Nrow = muskx__calloc((size_t)nr * (size_t)n, sizeof *Nrow);
  double *sv = muskx__calloc((size_t)(nr < n ? nr : n) + 1, sizeof *sv);
  double *vt = muskx__calloc((size_t)n * (size_t)n, sizeof *vt);
  double wq = 0, *work = NULL;
  int rc = -1;
  if (!A || !Nrow || !sv || !vt) goto out;
  for (int r = 0; r < nr; r++)
    for (int j = 0; j < n; j++) {
      double c = net_coef(&m->reactions[r], sp[j]);
      A[(size_t)j * (size_t)nr + (size_t)r] = c;
      Nrow[(size_t)r * (size_t)n + (size_t)j] = c;
    }
  dgesvd_("N", "A", &nr, &n, A, &lda, sv, NULL, &n, vt, &n, &wq, &lwork, &info);
  lwork = info == 0 && wq >= 1 ? (int)wq : 5 * (nr + n);
  if ((work = muskx__calloc((size_t)lwork, sizeof *work)) == NULL) goto out;
  /* dgesvd overwrites A: fill it again */
  for (int r = 0; r < nr; r++)
    for (int j = 0; j < n; j++)
      A[(size_t)j * (size_t)nr + (size_t)r] = Nrow[(size_t)r * (size_t)n + (size_t)j];
  dgesvd_("N", "A", &nr, &n, A, &lda, sv, NULL, &n, vt, &n, work, &lwork, &info);
  if (info != 0) {
    rc = 0; /* no laws rather than no model */
    goto out;
  }
  int nsv = nr < n ? nr : n, rank = 0;
  double tol = (nr > n ? nr : n) * 2.220446049250313e-16 * (nsv > 0 ? sv[0] : 0);
  while (rank < nsv && sv[rank] > tol) rank++;
  int k = n - rank;
  if (k <= 0) {
    rc = 0;
    goto out;
  }
  p->cons_sp = muskx__calloc((size_t)n, sizeof *p->cons_sp);
  p->cons_L = muskx__calloc((size_t)k * (size_t)n, sizeof *p->cons_L);
  if (!p->cons_sp || !p->cons_L) goto out;
  memcpy(p->cons_sp, sp, (size_t)n * sizeof *sp);
  /* rows rank..n-1 of V^T (vt is n x n column-major: row i is vt[i + j n]) */
  for (int q = 0; q < k; q++) {
    double *l = &p->cons_L[(size_t)q * (size_t)n];
    for (int j = 0; j < n; j++) l[j] = vt[(size_t)(rank + q) + (size_t)j * (size_t)n];
    tidy_row(l, n, Nrow, nr);
  }
  p->ncons = k;
  p->cons_nsp = n;
  rc = 0;
out:
  muskx__free(sp);
  muskx__free(A);
  muskx__free(Nrow);
  muskx__free(sv);
  muskx__free(vt);
  muskx__free(work);
  return rc;
}

/* ---- run time ----------------------------------------------------------- */

/* sum of x_j y_j, compensated (TwoSum): a total of order 1 is then exact
   to a rounding of the total, not of its largest term */
static double dot_exact(const double *x, const double *y, const int *idx, int n) {
  double s = 0, c = 0;
  for (int j = 0; j < n; j++) {
    double t = x[j] * y[idx[j]], u = s + t, bb = u - s;
    c += (s - (u - bb)) + (t - bb);
    s = u;
  }
  return s + c;
}

muskx_status muskx__cons_reset(muskx_sim *s, const double *y) {
  const muskx__program *p = s->p;
  int k = p->ncons, n = p->cons_nsp;
  if (k == 0) return MUSKX_OK;
  if (s->cons_a == NULL) {
    /* A (k x n), c (k), M (k x k), rhs (k), ipiv (k), w (n) */
    s->cons_a = muskx__calloc((size_t)k * (size_t)n + 3 * (size_t)k +
                                  (size_t)k * (size_t)k + (size_t)n, sizeof(double));
    s->cons_ipiv = muskx__calloc((size_t)k, sizeof(int));
    if (s->cons_a == NULL || s->cons_ipiv == NULL)
      return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory for conservation laws");
  }
  double *A = s->cons_a, *c = A + (size_t)k * (size_t)n;
  for (int j = 0; j < n; j++) {
    int comp = s->m->species[p->cons_sp[j]].compartment;
    double V = comp >= 0 ? s->R[p->reg_param0 + s->m->nparams + comp] : 1.0;
    for (int q = 0; q < k; q++)
      A[(size_t)q * (size_t)n + (size_t)j] = p->cons_L[(size_t)q * (size_t)n + (size_t)j] * V;
  }
  for (int q = 0; q < k; q++) c[q] = dot_exact(&A[(size_t)q * (size_t)n], y, p->cons_sp, n);
  return MUSKX_OK;
}

/* Solves (A W A^T) mu = b for mu, in place in b; 0 or -1 (singular). */
static int solve_normal(muskx_sim *s, const double *w, double *b) {
  const muskx__program *p = s->p;
  int k = p->ncons, n = p->cons_nsp, one = 1, info = 0;
  const double *A = s->cons_a;
  double *M = s->cons_a + (size_t)k * (size_t)n + 3 * (size_t)k;
  for (int a = 0; a < k; a++)
    for (int b2 = 0; b2 < k; b2++) {
      double sum = 0;
      for (int j = 0; j < n; j++)
        sum += A[(size_t)a * (size_t)n + (size_t)j] * w[j] * A[(size_t)b2 * (size_t)n + (size_t)j];
      M[(size_t)a + (size_t)b2 * (size_t)k] = sum;
    }
  if (k > 8) {
    dgesv_(&k, &one, M, &k, s->cons_ipiv, b, &k, &info);
    return info == 0 ? 0 : -1;
  }
  /* a few laws (the usual case): M is symmetric positive definite, and a
     call into LAPACK would cost more than the whole projection; Cholesky
     here, M = R^T R with R upper (column-major) */
  for (int j = 0; j < k; j++) {
    double d = M[(size_t)j * (size_t)k + (size_t)j];
    for (int q = 0; q < j; q++) d -= M[(size_t)j * (size_t)k + (size_t)q] * M[(size_t)j * (size_t)k + (size_t)q];
    if (!(d > 0)) return -1;
    d = sqrt(d);
    M[(size_t)j * (size_t)k + (size_t)j] = d;
    for (int i = j + 1; i < k; i++) {
      double v = M[(size_t)i * (size_t)k + (size_t)j];
      for (int q = 0; q < j; q++) v -= M[(size_t)i * (size_t)k + (size_t)q] * M[(size_t)j * (size_t)k + (size_t)q];
      M[(size_t)i * (size_t)k + (size_t)j] = v / d; /* L(i, j), row-major lower */
    }
  }
  for (int i = 0; i < k; i++) { /* L z = b */
    double v = b[i];
    for (int q = 0; q < i; q++) v -= M[(size_t)i * (size_t)k + (size_t)q] * b[q];
    b[i] = v / M[(size_t)i * (size_t)k + (size_t)i];
  }
  for (int i = k - 1; i >= 0; i--) { /* L^T mu = z */
    double v = b[i];
    for (int q = i + 1; q < k; q++) v -= M[(size_t)q * (size_t)k + (size_t)i] * b[q];
    b[i] = v / M[(size_t)i * (size_t)k + (size_t)i];
  }
  return 0;
}

int muskx__cons_project(double t, N_Vector ycur, N_Vector corr, double eps,
                        N_Vector err, void *ud) {
  (void)t, (void)eps;
  muskx_sim *s = ud;
  const muskx__program *p = s->p;
  int k = p->ncons, n = p->cons_nsp;
  const double *y = N_VGetArrayPointer(ycur);
  double *cr = N_VGetArrayPointer(corr);
  const double *A = s->cons_a, *c = A + (size_t)k * (size_t)n;
  double *rhs = s->cons_a + (size_t)k * (size_t)n + (size_t)k;
  double *w = s->cons_a + (size_t)k * (size_t)n + 3 * (size_t)k + (size_t)k * (size_t)k;
  N_VConst(0.0, corr);
  /* the correction goes where CVODE allows the most error */
  for (int j = 0; j < n; j++) {
    double tol = s->rtol * fabs(y[p->cons_sp[j]]) + muskx__sim_atol(s, p->cons_sp[j]);
    w[j] = tol * tol;
  }
  for (int q = 0; q < k; q++)
    rhs[q] = dot_exact(&A[(size_t)q * (size_t)n], y, p->cons_sp, n) - c[q];
  if (solve_normal(s, w, rhs) != 0) return 1; /* recoverable: CVODE retries */
  for (int j = 0; j < n; j++) {
    double sum = 0;
    for (int q = 0; q < k; q++) sum += A[(size_t)q * (size_t)n + (size_t)j] * rhs[q];
    cr[p->cons_sp[j]] = -w[j] * sum;
  }
  if (err != NULL) {
    /* the error estimate loses its component off the manifold too */
    double *e = N_VGetArrayPointer(err);
    double *re = rhs + k;
    for (int q = 0; q < k; q++) {
      double sum = 0;
      for (int j = 0; j < n; j++) sum += A[(size_t)q * (size_t)n + (size_t)j] * e[p->cons_sp[j]];
      re[q] = sum;
    }
    if (solve_normal(s, w, re) != 0) return 1;
    for (int j = 0; j < n; j++) {
      double sum = 0;
      for (int q = 0; q < k; q++) sum += A[(size_t)q * (size_t)n + (size_t)j] * re[q];
      e[p->cons_sp[j]] -= w[j] * sum;
    }
  }
  return 0;
}
