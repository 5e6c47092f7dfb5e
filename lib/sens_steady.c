/*
 * sens_steady.c -- sensitivities of a steady state, for pre-equilibration.
 * At f(y*, p) = 0 the implicit function theorem gives J s = -df/dp
 * (J = df/dy at y*), solved over the species that can change; a species
 * nothing changes keeps its initial value's sensitivity s0, which enters
 * the others' right-hand side: J_FF s_F = -(df_F/dp + J_FX s0_X).
 * LAPACK dgetrf/dgetrs, and dgecon to refuse a singular J (a conservation
 * law, where the steady state depends on the initial values instead).
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
  if (!x || !f || !J || !A || !S || !B || !fp || !work || !freei || !ipiv ||
      !iwork) {
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
    dgetrf_(&nf, &nf, A, &nf, ipiv, &info);
    if (info == 0) dgecon_("1", &nf, A, &nf, &anorm, &rcond, work, iwork, &info);
    if (info != 0 || !(rcond >= RCOND_MIN)) {
      st = muskx__sim_err(s, MUSKX_ENOTCONV,
                          "the Jacobian at the steady state is singular "
                          "(reciprocal condition %g): a conservation law or "
                          "a bifurcation, where J s = -df/dp does not give "
                          "the steady state's sensitivities", rcond);
      goto done;
    }
    dgetrs_("N", &nf, &np, A, &nf, ipiv, B, &nf, &info);
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
  return st;
}
