/*
 * sens_steady.c -- sensitivities of a steady state, for pre-equilibration.
 * At f(y*, p) = 0 the implicit function theorem gives J s = -df/dp
 * (J = df/dy at y*), solved over the species that can change; a species
 * nothing changes keeps its initial value's sensitivity s0, which enters
 * the others' right-hand side: J_FF s_F = -(df_F/dp + J_FX s0_X).
 * LAPACK dgetrf/dgetrs, and dgecon to detect a singular J. A singular J
 * from conservation laws (pre-equilibration of closed networks, as in
 * PEtab problems) is solved with the laws as extra equations
 * (solve_conserved); any other singular J is refused.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"

extern void dgetrf_(const int *m, const int *n, double *a, const int *lda,
                    int *ipiv, int *info);
extern void dgetrs_(const char *trans, const int *n, const int *nrhs,
                    const double *a, const int *lda, const int *ipiv,
                    double *b, const int *ldb, int *info);
extern void dgecon_(const char *norm, const int *n, const double *a,
                    const int *lda, const double *anorm, double *rcond,
                    double *work, int *iwork, int *info);
extern void dgesvd_(const char *jobu, const char *jobvt, const int *m,
                    const int *n, double *a, const int *lda, double *s,
                    double *u, const int *ldu, double *vt, const int *ldvt,
                    double *work, const int *lwork, int *info);
extern void dgels_(const char *trans, const int *m, const int *n,
                   const int *nrhs, double *a, const int *lda, double *b,
                   const int *ldb, double *work, const int *lwork, int *info);

/* Singular values below this fraction of the largest mark the left null
   space of J: the conservation laws w^T y = const. */
#define NULL_TOL 1e-10

/*
 * J s = -df/dp when J (nf x nf, column-major in J0) is singular because of
 * conservation laws w^T f = 0: then w^T s stays what it was at the start,
 * w^T s = w^T s0, and [J; W^T] s = [-b; W^T s0] has one solution (LAPACK
 * dgesvd for W, the left singular vectors of the zero singular values,
 * then dgels). B (nf x np) holds -b on entry and s on return; s0 (nf x
 * np, column-major like B) the initial sensitivities. Returns 0, or -1
 * when the system is not consistent (a singular J without conservation
 * law: a bifurcation) or LAPACK fails or memory runs out.
 */
static int solve_conserved(int nf, int np, const double *J0, double *B,
                           const double *s0) {
  int info = 0, lwork = -1, ok = -1;
  double q;
  double *Jc = muskx__calloc((size_t)nf * nf, sizeof *Jc);
  double *U = muskx__calloc((size_t)nf * nf, sizeof *U);
  double *sv = muskx__calloc((size_t)nf, sizeof *sv);
  double *M = NULL, *R = NULL, *work = NULL;
  if (!Jc || !U || !sv) goto out;
  memcpy(Jc, J0, (size_t)nf * nf * sizeof *Jc);
  dgesvd_("A", "N", &nf, &nf, Jc, &nf, sv, U, &nf, NULL, &nf, &q, &lwork, &info);
  lwork = (int)q + 1;
  if (info != 0 || (work = muskx__calloc((size_t)lwork, sizeof *work)) == NULL)
    goto out;
  dgesvd_("A", "N", &nf, &nf, Jc, &nf, sv, U, &nf, NULL, &nf, work, &lwork, &info);
  if (info != 0) goto out;
  int c = 0;
  while (c < nf && sv[nf - 1 - c] <= NULL_TOL * sv[0]) c++;
  int m = nf + c;
  M = muskx__calloc((size_t)m * nf, sizeof *M);
  R = muskx__calloc((size_t)m * np, sizeof *R);
  if (!M || !R) goto out;
  for (int col = 0; col < nf; col++) {
    for (int r = 0; r < nf; r++) M[(size_t)col * m + r] = J0[(size_t)col * nf + r];
    for (int w = 0; w < c; w++) /* row nf + w: column nf - 1 - w of U */
      M[(size_t)col * m + nf + w] = U[(size_t)(nf - 1 - w) * nf + col];
  }
  for (int k = 0; k < np; k++) {
    for (int r = 0; r < nf; r++) R[(size_t)k * m + r] = B[(size_t)k * nf + r];
    for (int w = 0; w < c; w++) {
      double v = 0;
      for (int r = 0; r < nf; r++)
        v += U[(size_t)(nf - 1 - w) * nf + r] * s0[(size_t)k * nf + r];
      R[(size_t)k * m + nf + w] = v;
    }
  }
  /* Keep the system to judge its consistency afterwards. */
  double *M0 = muskx__calloc((size_t)m * nf, sizeof *M0);
  double *R0 = muskx__calloc((size_t)m * np, sizeof *R0);
  if (!M0 || !R0) {
    muskx__free(M0);
    muskx__free(R0);
    goto out;
  }
  memcpy(M0, M, (size_t)m * nf * sizeof *M);
  memcpy(R0, R, (size_t)m * np * sizeof *R);
  muskx__free(work);
  lwork = -1;
  dgels_("N", &m, &nf, &np, M, &m, R, &m, &q, &lwork, &info);
  lwork = (int)q + 1;
  work = muskx__calloc((size_t)lwork, sizeof *work);
  if (work != NULL && info == 0) {
    dgels_("N", &m, &nf, &np, M, &m, R, &m, work, &lwork, &info);
    ok = info == 0 ? 0 : -1;
  }
  for (int k = 0; k < np && ok == 0; k++) { /* residual of each column */
    double rn = 0, bn = 0;
    for (int r = 0; r < m; r++) {
      double v = -R0[(size_t)k * m + r];
      for (int col = 0; col < nf; col++)
        v += M0[(size_t)col * m + r] * R[(size_t)k * m + col];
      rn = fmax(rn, fabs(v));
      bn = fmax(bn, fabs(R0[(size_t)k * m + r]));
    }
    if (!(rn <= 1e-6 * (bn + 1e-300) + 1e-12)) ok = -1;
    for (int r = 0; r < nf; r++) B[(size_t)k * nf + r] = R[(size_t)k * m + r];
  }
  muskx__free(M0);
  muskx__free(R0);
out:
  muskx__free(Jc); muskx__free(U); muskx__free(sv); muskx__free(M);
  muskx__free(R); muskx__free(work);
  return ok;
}

/* Below this reciprocal condition number J is taken as singular: s would
   have no correct digit left. */
#define RCOND_MIN 1e-14

muskx_status muskx_sim_steady_state_sens(muskx_sim *s, double *y,
                                         double *sens) {
  if (s == NULL) return MUSKX_EINVAL;
  const muskx_model *m = s->m;
  int n = m->nspecies, np = s->nsens;
  if (np == 0)
    return muskx__sim_err(s, MUSKX_ESTATE,
                          "no sensitivity parameters: call "
                          "muskx_sim_set_sens_params() first");
  muskx_status st = muskx__sens_unsupported(s);
  if (st != MUSKX_OK) return st;
  size_t nn = (size_t)n + 1, nsp = nn * (size_t)np;
  double *x = muskx__calloc(nn, sizeof *x), *f = muskx__calloc(nn, sizeof *f);
  double *J = muskx__calloc(nn * nn, sizeof *J), *A = muskx__calloc(nn * nn, sizeof *A);
  double *S = muskx__calloc(nsp, sizeof *S), *B = muskx__calloc(nsp, sizeof *B);
  double *fp = muskx__calloc(nsp, sizeof *fp), *work = muskx__calloc(4 * nn, sizeof *work);
  int *freei = muskx__calloc(nn, sizeof *freei), *ipiv = muskx__calloc(nn, sizeof *ipiv);
  int *iwork = muskx__calloc(nn, sizeof *iwork);
  double *J0 = muskx__calloc(nn * nn, sizeof *J0), *s0 = muskx__calloc(nsp, sizeof *s0);
  if (!x || !f || !J || !A || !S || !B || !fp || !work || !freei || !ipiv ||
      !iwork || !J0 || !s0) {
    st = muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (steady state "
                        "sensitivities)");
    goto done;
  }
  /* s0: the sensitivities of the initial values the steady state starts
     from (they stay for the species nothing changes) */
  s->t_start = 0.0;
  muskx__sim_load_values(s, x);
  muskx__sens_initial(s);
  memcpy(S, s->sens_y, (size_t)n * np * sizeof *S);
  if ((st = muskx_sim_steady_state(s, x, (size_t)n)) != MUSKX_OK) {
    if (y != NULL) memcpy(y, x, (size_t)n * sizeof *x);
    goto done;
  }
  if (y != NULL) memcpy(y, x, (size_t)n * sizeof *x);
  muskx_sim_eval_rhs(s, 0.0, x, f, J);
  muskx__sens_dfdp(s, 0.0, x, fp);
  int nf = 0, info = 0;
  for (int i = 0; i < n; i++)
    if (!s->p->species_fixed[i]) freei[nf++] = i;
  double anorm = 0;
  for (int c = 0; c < nf; c++) {
    double col = 0;
    for (int r = 0; r < nf; r++) {
      double v = J[(size_t)freei[c] * n + freei[r]];
      A[(size_t)c * nf + r] = v;
      col += fabs(v);
    }
    if (col > anorm) anorm = col;
  }
  for (int k = 0; k < np; k++)
    for (int r = 0; r < nf; r++) {
      int i = freei[r];
      double b = fp[(size_t)i * np + k];
      for (int j = 0; j < n; j++)
        if (s->p->species_fixed[j])
          b += J[(size_t)j * n + i] * S[(size_t)j * np + k];
      B[(size_t)k * nf + r] = -b;
    }
  if (nf > 0) {
    double rcond = 0;
    memcpy(J0, A, (size_t)nf * nf * sizeof *A);
    dgetrf_(&nf, &nf, A, &nf, ipiv, &info);
    if (info == 0) dgecon_("1", &nf, A, &nf, &anorm, &rcond, work, iwork, &info);
    if (info != 0 || !(rcond >= RCOND_MIN)) {
      /* Conservation laws: w^T s keeps its initial value. */
      for (int k = 0; k < np; k++)
        for (int r = 0; r < nf; r++)
          s0[(size_t)k * nf + r] = S[(size_t)freei[r] * np + k];
      if (solve_conserved(nf, np, J0, B, s0) != 0) {
        st = muskx__sim_err(s, MUSKX_ENOTCONV,
                            "the Jacobian at the steady state is singular "
                            "(reciprocal condition %g) and not only by "
                            "conservation laws (a bifurcation?): J s = "
                            "-df/dp does not give the steady state's "
                            "sensitivities", rcond);
        goto done;
      }
    } else {
      dgetrs_("N", &nf, &np, A, &nf, ipiv, B, &nf, &info);
    }
    for (int k = 0; k < np; k++)
      for (int r = 0; r < nf; r++)
        S[(size_t)freei[r] * np + k] = B[(size_t)k * nf + r];
  }
  for (size_t q = 0; q < (size_t)n * np; q++)
    if (!isfinite(S[q])) {
      st = muskx__sim_err(s, MUSKX_ENONFINITE,
                          "steady state sensitivity of '%s' to '%s' is not "
                          "finite", m->species[q / np].name,
                          s->sens_names[q % np]);
      goto done;
    }
  memcpy(s->sens_ss, S, (size_t)n * np * sizeof *S);
  for (int i = 0; i < n; i++) s->init_ss[i] = 2;
  if (sens != NULL) memcpy(sens, S, (size_t)n * np * sizeof *S);
  s->errmsg[0] = '\0';
done:
  muskx__free(x); muskx__free(f); muskx__free(J); muskx__free(A);
  muskx__free(S); muskx__free(B); muskx__free(fp); muskx__free(work);
  muskx__free(freei); muskx__free(ipiv); muskx__free(iwork);
  muskx__free(J0); muskx__free(s0);
  return st;
}
