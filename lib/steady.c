/*
 * steady.c -- steady states f(y) = 0 and their stability.
 *
 * Damped Newton on the species that can change (LAPACK dgetrf/dgetrs),
 * falling back to integrating the autonomous system (inputs frozen at their
 * t = 0 values, no events) over growing horizons when the Jacobian is
 * singular (conservation laws) or Newton stalls; then the eigenvalues of the
 * Jacobian there (dgeev) classify the state. Bone models of the Komarova
 * type have limit cycles, which is why "oscillatory" is its own verdict.
 * A Newton root where the Jacobian is not finite (a negative amount under
 * a fractional power) is set aside for integration from the start; when
 * none is found, ENOTCONV names the entry -- LAPACK never sees a NaN.
 *
 * Convergence: every changing species has |f_i| <= STEADY_RTOL *
 * max(|y_i|, atol_i) -- derivatives below 1e-9 relative, per time unit.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"

#define STEADY_RTOL 1e-9
#define NEWTON_MAX_ITERS 60
/* Largest relative change between two integration horizons that still
   counts as "stopped moving". */
#define STEADY_MOVED 1e-6

extern void dgetrf_(const int *m, const int *n, double *a, const int *lda,
                    int *ipiv, int *info);
extern void dgetrs_(const char *trans, const int *n, const int *nrhs,
                    const double *a, const int *lda, const int *ipiv,
                    double *b, const int *ldb, int *info);
extern void dgeev_(const char *jobvl, const char *jobvr, const int *n,
                   double *a, const int *lda, double *wr, double *wi,
                   double *vl, const int *ldvl, double *vr, const int *ldvr,
                   double *work, const int *lwork, int *info);

typedef struct {
  muskx_sim *s;
  int n, nf;     /* species, free species */
  int *free_idx; /* nf indices of species that can change */
  double *f, *J, *Jf, *dx, *xt, *ft;
  int *ipiv;
} newton_ws;

/* f = dy/dt and J = df/dy (column-major, NULL: not wanted) at x; for a
   model with algebraic equations the row of an algebraic species holds its
   equation g_k and dg_k/dy instead (its dy/dt is identically 0), so that
   f = 0 is the full steady-state system f = 0, g = 0. */
static void eval_full(muskx_sim *s, double t, const double *x, double *f,
                      double *J) {
  const muskx__program *p = s->p;
  size_t n = (size_t)s->m->nspecies;
  muskx_sim_eval_rhs(s, t, x, f, J);
  if (p->nalg == 0) return;
  muskx__sim_eval(s, &p->alg, t, x);
  for (int32_t k = 0; k < p->nalg; k++) f[p->alg_species[k]] = s->R[p->alg.results[k]];
  if (J == NULL) return;
  for (int32_t k = 0; k < p->nalg; k++)
    for (size_t j = 0; j < n; j++) J[j * n + (size_t)p->alg_species[k]] = 0.0;
  muskx__sim_eval(s, &p->alg_jac, t, x);
  for (int32_t k = 0; k < p->alg_jac_nnz; k++)
    J[(size_t)p->alg_jac_col[k] * n + (size_t)p->alg_species[p->alg_jac_row[k]]] +=
        s->R[p->alg_jac.results[k]];
}


/* Relative residual of the free species at x (f must hold f(x)). */
static double rel_residual(const newton_ws *w, const double *x,
                           const double *f) {
  double worst = 0;
  for (int k = 0; k < w->nf; k++) {
    int i = w->free_idx[k];
    double scale = fmax(fabs(x[i]), muskx__sim_atol(w->s, i));
    double r = fabs(f[i]) / scale;
    if (!(r <= worst)) worst = r; /* NaN propagates */
  }
  return worst;
}

static double abs_residual(const newton_ws *w, const double *f) {
  double worst = 0;
  for (int k = 0; k < w->nf; k++) {
    double r = fabs(f[w->free_idx[k]]);
    if (!(r <= worst)) worst = r;
  }
  return worst;
}

/* Reduced Jacobian (free rows and columns), column-major nf x nf. */
static void reduced_jacobian(newton_ws *w, const double *x) {
  eval_full(w->s, 0.0, x, w->f, w->J);
  for (int c = 0; c < w->nf; c++)
    for (int r = 0; r < w->nf; r++)
      w->Jf[(size_t)c * w->nf + r] =
          w->J[(size_t)w->free_idx[c] * w->n + w->free_idx[r]];
}

/* Are all of df/dy's structural nonzeros over the free species finite at
   x? The dense check below reads a subset of these values (and zeros),
   so yes settles it without the n x n matrix (an ensemble member's steady
   start checks once, issue 19); no hands over to it for the entry to
   report. Models with algebraic equations always take the dense check. */
static int sparse_finite(newton_ws *w, const double *x) {
  muskx_sim *s = w->s;
  const muskx__program *p = s->p;
  if (p->nalg > 0) return 0;
  muskx_sim_eval_rhs(s, 0.0, x, w->f, NULL);
  muskx__sim_eval(s, &p->jac, 0.0, x);
  for (int j = 0; j < w->n; j++) {
    if (p->species_fixed[j]) continue;
    for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++)
      if (!p->species_fixed[p->jac_rowind[k]] &&
          !isfinite(s->R[p->jac.results[k]]))
        return 0;
  }
  return 1;
}

/* The first entry of df/dy over the free species that is not finite at x
   (*row, *col: species indices), or 0 when all are. A root where the
   Jacobian is NaN or infinite is not a regular steady state: typically
   Newton crossed into negative amounts, where x^h with a fractional h has
   no derivative. */
static int jacobian_nonfinite(newton_ws *w, const double *x, int *row,
                              int *col) {
  if (sparse_finite(w, x)) return 0;
  eval_full(w->s, 0.0, x, w->f, w->J);
  for (int c = 0; c < w->nf; c++)
    for (int r = 0; r < w->nf; r++) {
      double v = w->J[(size_t)w->free_idx[c] * w->n + w->free_idx[r]];
      if (!isfinite(v)) {
        *row = w->free_idx[r];
        *col = w->free_idx[c];
        return 1;
      }
    }
  return 0;
}

/* Is df/dy over the free species finite and non-singular at x (an LU
   without a zero pivot)? */
static int jacobian_regular(newton_ws *w, const double *x) {
  int nf = w->nf, info = 0, jr, jc;
  if (jacobian_nonfinite(w, x, &jr, &jc)) return 0;
  reduced_jacobian(w, x);
  dgetrf_(&nf, &nf, w->Jf, &nf, w->ipiv, &info);
  return info == 0;
}

static int nonneg_ok(const muskx_sim *s, const double *x) {
  for (int i = 0; i < s->m->nspecies; i++)
    if (s->m->species[i].nonnegative && x[i] < 0) return 0;
  return 1;
}

/* Damped Newton from x; returns the relative residual reached. */
static double newton(newton_ws *w, double *x) {
  muskx_sim *s = w->s;
  eval_full(s, 0.0, x, w->f, NULL);
  double res = rel_residual(w, x, w->f);
  for (int it = 0; it < NEWTON_MAX_ITERS && res > STEADY_RTOL * 1e-3; it++) {
    reduced_jacobian(w, x);
    int nf = w->nf, one = 1, info = 0;
    dgetrf_(&nf, &nf, w->Jf, &nf, w->ipiv, &info);
    if (info != 0) break; /* singular: leave it to integration */
    for (int k = 0; k < nf; k++) w->dx[k] = -w->f[w->free_idx[k]];
    dgetrs_("N", &nf, &one, w->Jf, &nf, w->ipiv, w->dx, &nf, &info);
    if (info != 0) break;
    /* Backtracking: accept the first step that lowers the residual. */
    double lambda = 1.0, newres = INFINITY;
    while (lambda > 1e-6) {
      memcpy(w->xt, x, (size_t)w->n * sizeof *x);
      for (int k = 0; k < nf; k++) w->xt[w->free_idx[k]] += lambda * w->dx[k];
      if (nonneg_ok(s, w->xt)) {
        eval_full(s, 0.0, w->xt, w->ft, NULL);
        newres = rel_residual(w, w->xt, w->ft);
        if (newres < res) break;
      }
      lambda *= 0.5;
    }
    if (!(newres < res)) break;
    memcpy(x, w->xt, (size_t)w->n * sizeof *x);
    memcpy(w->f, w->ft, (size_t)w->n * sizeof *x);
    res = newres;
  }
  return res;
}

/* Integrates the autonomous system from x over growing horizons. A point
   counts as steady only when its derivatives are small AND it stopped
   moving between two horizons: unbounded growth (y' = 1) has vanishing
   relative derivatives too, but keeps moving. */
static double integrate(newton_ws *w, double *x) {
  muskx_sim *s = w->s;
  double res = INFINITY;
  double *row = muskx__calloc((size_t)muskx_sim_ncols(s) * 2 + 1, sizeof *row);
  double *prev = muskx__calloc((size_t)w->n + 1, sizeof *prev);
  if (row == NULL || prev == NULL) {
    muskx__free(row);
    muskx__free(prev);
    return res;
  }
  s->autonomous = 1;
  for (double T = 1.0; T <= 1e12; T *= 10.0) {
    double times[2] = {0.0, T};
    memcpy(prev, x, (size_t)w->n * sizeof *x);
    if (muskx__solver_run(s, x, times, 2, row, NULL, x) != MUSKX_OK) break;
    eval_full(s, 0.0, x, w->f, NULL);
    res = rel_residual(w, x, w->f);
    double moved = 0;
    for (int k = 0; k < w->nf; k++) {
      int i = w->free_idx[k];
      double d = fabs(x[i] - prev[i]) / fmax(fabs(x[i]), muskx__sim_atol(s, i));
      if (!(d <= moved)) moved = d;
    }
    if (res <= STEADY_RTOL && moved <= STEADY_MOVED) break;
    if (!(moved <= STEADY_MOVED)) res = fmax(res, moved); /* not settled */
  }
  s->autonomous = 0;
  muskx__free(row);
  muskx__free(prev);
  return res;
}

static void classify(muskx_sim *s) {
  double maxre = -INFINITY, scale = 0;
  int at = -1;
  for (int k = 0; k < s->neig; k++) {
    scale = fmax(scale, hypot(s->eig_re[k], s->eig_im[k]));
    if (s->eig_re[k] > maxre) {
      maxre = s->eig_re[k];
      at = k;
    }
  }
  double tol = 1e-8 * fmax(1.0, scale);
  if (at < 0 || maxre < -tol)
    s->stability = MUSKX_STABLE;
  else if (maxre > tol)
    s->stability = s->eig_im[at] != 0 ? MUSKX_OSCILLATORY : MUSKX_UNSTABLE;
  else /* a zero real part: a centre, a conserved quantity or a
          bifurcation point -- linearisation cannot tell, so say so */
    s->stability = MUSKX_MARGINAL;
}

/*
 * States that nothing depends on -- no other state's derivative and not
 * their own, like a bone-mass accumulator dz/dt = f(cells) -- make J block
 * triangular with a zero eigenvalue that says nothing about stability. They
 * are peeled off (repeatedly: removing one may expose another) and the
 * verdict is taken on the rest; their zeros are still reported.
 */
static void mark_integrators(const muskx_sim *s, const newton_ws *w,
                             uint8_t *integrator) {
  const muskx__program *p = s->p;
  int changed = 1;
  while (changed) {
    changed = 0;
    for (int k = 0; k < w->nf; k++) {
      int j = w->free_idx[k];
      if (integrator[j]) continue;
      int used = 0;
      for (int32_t q = p->jac_colptr[j]; q < p->jac_colptr[j + 1] && !used; q++) {
        int row = p->jac_rowind[q];
        used = !integrator[row] && !p->species_fixed[row];
      }
      if (!used) {
        integrator[j] = 1;
        changed = 1;
      }
    }
  }
}

/* Jf := the Schur complement of J over the free differential species (nk
   of them). Returns -1 when out of memory or J_aa is singular. */
static int dae_reduced_jacobian(newton_ws *w, const double *x, int *nk_out) {
  muskx_sim *s = w->s;
  const muskx__program *p = s->p;
  size_t n = (size_t)w->n;
  int na = p->nalg, nd = 0, info = 0;
  eval_full(s, 0.0, x, w->f, w->J);
  int *d = muskx__calloc(n + 1, sizeof *d);
  double *Jaa = muskx__calloc((size_t)na * na + 1, sizeof *Jaa);
  double *X = muskx__calloc((size_t)na * n + 1, sizeof *X); /* J_aa^-1 J_ad */
  int *ipiv = muskx__calloc((size_t)na + 1, sizeof *ipiv);
  int rc = -1;
  if (!d || !Jaa || !X || !ipiv) goto out;
  for (int k = 0; k < w->n; k++)
    if (!p->species_fixed[k] && !s->m->species[k].algebraic) d[nd++] = k;
  for (int c = 0; c < na; c++)
    for (int r = 0; r < na; r++)
      Jaa[(size_t)c * na + r] = w->J[(size_t)p->alg_species[c] * n + (size_t)p->alg_species[r]];
  for (int c = 0; c < nd; c++)
    for (int r = 0; r < na; r++)
      X[(size_t)c * na + r] = w->J[(size_t)d[c] * n + (size_t)p->alg_species[r]];
  dgetrf_(&na, &na, Jaa, &na, ipiv, &info);
  if (info != 0) goto out;
  if (nd > 0) dgetrs_("N", &na, &nd, Jaa, &na, ipiv, X, &na, &info);
  if (info != 0) goto out;
  for (int c = 0; c < nd; c++)
    for (int r = 0; r < nd; r++) {
      double v = w->J[(size_t)d[c] * n + (size_t)d[r]];
      for (int q = 0; q < na; q++)
        v -= w->J[(size_t)p->alg_species[q] * n + (size_t)d[r]] * X[(size_t)c * na + q];
      w->Jf[(size_t)c * nd + r] = v;
    }
  *nk_out = nd;
  rc = 0;
out:
  muskx__free(d);
  muskx__free(Jaa);
  muskx__free(X);
  muskx__free(ipiv);
  return rc;
}

static int eigen(newton_ws *w, const double *x) {
  muskx_sim *s = w->s;
  int nf = w->nf, one = 1, info = 0, lwork = -1;
  muskx__free(s->eig_re);
  muskx__free(s->eig_im);
  s->eig_re = muskx__calloc((size_t)nf + 1, sizeof(double));
  s->eig_im = muskx__calloc((size_t)nf + 1, sizeof(double));
  uint8_t *integrator = muskx__calloc((size_t)w->n + 1, 1);
  s->neig = 0;
  if (!s->eig_re || !s->eig_im || !integrator) {
    muskx__free(integrator);
    return -1;
  }
  int nk = 0;
  if (s->p->nalg > 0) {
    /* A DAE's dynamics live on the algebraic manifold: the eigenvalues are
       those of the Schur complement J_dd - J_da J_aa^-1 J_ad over the free
       differential species d (index 1: J_aa is invertible). */
    muskx__free(integrator);
    nf = 0;
    for (int k = 0; k < w->nf; k++)
      if (!s->m->species[w->free_idx[k]].algebraic) nf++;
    if (dae_reduced_jacobian(w, x, &nk) != 0) return -1;
  } else {
    mark_integrators(s, w, integrator);
    /* the sub-Jacobian over the states that feed back */
    eval_full(s, 0.0, x, w->f, w->J);
    for (int k = 0; k < nf; k++)
      if (!integrator[w->free_idx[k]]) w->dx[nk++] = w->free_idx[k];
    for (int c = 0; c < nk; c++)
      for (int r = 0; r < nk; r++)
        w->Jf[(size_t)c * nk + r] =
            w->J[(size_t)w->dx[c] * w->n + (size_t)w->dx[r]];
    muskx__free(integrator);
  }
  if (nk > 0) {
    double query;
    dgeev_("N", "N", &nk, w->Jf, &nk, s->eig_re, s->eig_im, NULL, &one, NULL,
           &one, &query, &lwork, &info);
    lwork = info == 0 ? (int)query : 4 * nk;
    double *work = muskx__calloc((size_t)lwork + 1, sizeof *work);
    if (work == NULL) return -1;
    dgeev_("N", "N", &nk, w->Jf, &nk, s->eig_re, s->eig_im, NULL, &one, NULL,
           &one, work, &lwork, &info);
    muskx__free(work);
    if (info != 0) return -1;
  }
  s->neig = nk;
  classify(s);
  /* report the integrators' zero eigenvalues after the others */
  for (int k = nk; k < nf; k++) s->eig_re[k] = s->eig_im[k] = 0.0;
  s->neig = nf;
  return 0;
}

/* The inputs a steady state used: each at its value at t = 0 (issue 20:
   a table's first value is taken without saying so otherwise). */
static void inputs_used(const muskx_sim *s, char *buf, size_t size) {
  const muskx_model *m = s->m;
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; i < m->ninputs && len + 1 < size; i++) {
    double a, b;
    muskx__sim_input_coeffs(s, i, 0.0, &a, &b);
    int k = snprintf(buf + len, size - len, "%s%s = %g%s", i ? ", " : "",
                     m->inputs[i].name, a,
                     s->inputs[i].n > 1 ? " (its table's value at t = 0)" : "");
    if (k < 0) break;
    len += (size_t)k;
  }
}

/* ENOTCONV naming the species that moves most (relative to its size), its
   value and derivative, why integration stopped when it did, and the
   input values used. */
static muskx_status not_converged(newton_ws *w, const double *x, double res) {
  muskx_sim *s = w->s;
  const muskx_model *m = s->m;
  char why[384] = "", inputs[384] = "", mover[320] = "";
  if (s->errmsg[0] != '\0')
    snprintf(why, sizeof why, "; integration stopped: %.340s", s->errmsg);
  int worst = -1;
  double wr = -1;
  for (int k = 0; k < w->nf; k++) {
    int i = w->free_idx[k];
    double r = fabs(w->f[i]) / fmax(fabs(x[i]), muskx__sim_atol(s, i));
    if (worst < 0 || !(r <= wr)) {
      worst = i;
      wr = r;
    }
  }
  int drifting = worst >= 0 && wr <= STEADY_RTOL;
  if (drifting) {
    /* small relative derivatives, yet still moving between horizons:
       unbounded growth; name the species with the largest derivative */
    double big = -1;
    for (int k = 0; k < w->nf; k++) {
      int i = w->free_idx[k];
      if (!(fabs(w->f[i]) <= big)) {
        big = fabs(w->f[i]);
        worst = i;
      }
    }
  }
  if (worst >= 0)
    snprintf(mover, sizeof mover,
             "species '%.60s' still moves (d%.60s/dt = %g at %.60s = %g%s)",
             m->species[worst].name, m->species[worst].name, w->f[worst],
             m->species[worst].name, x[worst],
             drifting ? ": it grows without bound or drifts" : "");
  else
    snprintf(mover, sizeof mover, "the state still moves");
  inputs_used(s, inputs, sizeof inputs);
  return muskx__sim_err(s, MUSKX_ENOTCONV,
                        "no steady state found: after Newton and integration "
                        "to t=1e12 %s; needs a relative derivative <= %g, "
                        "best %g%s%s%s",
                        mover, STEADY_RTOL, res, why,
                        inputs[0] ? "; inputs held at " : "", inputs);
}

muskx_status muskx_sim_steady_state(muskx_sim *s, double *y, size_t ny) {
  if (s == NULL) return MUSKX_EINVAL;
  const muskx_model *m = s->m;
  int n = m->nspecies;
  if (y != NULL && ny < (size_t)n)
    return muskx__sim_err(s, MUSKX_EINVAL,
                          "steady state needs room for %d species, got %zu",
                          n, ny);
  newton_ws w = {0};
  w.s = s;
  w.n = n;
  size_t nn = (size_t)n + 1;
  w.free_idx = muskx__calloc(nn, sizeof *w.free_idx);
  w.f = muskx__calloc(nn, sizeof(double));
  /* written before every read (eval_full, reduced_jacobian, eigen): no
     need to clear 2 (n+1)^2 doubles per steady state */
  w.J = muskx__reallocarray(NULL, nn * nn, sizeof(double));
  w.Jf = muskx__reallocarray(NULL, nn * nn, sizeof(double));
  w.dx = muskx__calloc(nn, sizeof(double));
  w.xt = muskx__calloc(nn, sizeof(double));
  w.ft = muskx__calloc(nn, sizeof(double));
  w.ipiv = muskx__calloc(nn, sizeof(int));
  double *x = muskx__calloc(nn, sizeof(double));
  double *keep = muskx__calloc(nn, sizeof(double)); /* integrated point */
  double *root = muskx__calloc(nn, sizeof(double)); /* Newton's, if singular */
  muskx_status st = MUSKX_OK;
  if (!w.free_idx || !w.f || !w.J || !w.Jf || !w.dx || !w.xt || !w.ft ||
      !w.ipiv || !x || !keep || !root) {
    st = muskx__sim_err(s, MUSKX_ENOMEM, "out of memory (steady state)");
    goto done;
  }
  for (int i = 0; i < n; i++)
    if (!s->p->species_fixed[i]) w.free_idx[w.nf++] = i;
  muskx__sim_load_values(s, x);
  s->stability = MUSKX_UNKNOWN;
  double res = newton(&w, x);
  const char *method = "newton";
  int jr = -1, jc = -1;
  int regular = 0; /* df/dy known finite at x, which then stays */
  if (res <= STEADY_RTOL) {
    if (jacobian_nonfinite(&w, x, &jr, &jc)) {
      /* a singular root (see jacobian_nonfinite): integrate from the start */
      memcpy(root, x, (size_t)n * sizeof *x);
      muskx__sim_load_values(s, x);
      res = INFINITY;
    } else {
      regular = 1;
    }
  }
  if (!(res <= STEADY_RTOL)) {
    res = integrate(&w, x);
    method = "integration";
    if (!isnan(res)) {
      /* polish; keep the integrated point if Newton cannot improve it or
         lands where the Jacobian is not finite. When a stiff tail kept
         integration from settling, Newton may finish the job -- but only
         at a regular root: unbounded growth (y' = 1) has a singular
         Jacobian and relative derivatives that vanish as y grows. */
      int settled = res <= STEADY_RTOL;
      memcpy(keep, x, (size_t)n * sizeof *x);
      double r2 = newton(&w, x);
      int jr2, jc2;
      if (!(r2 <= res) ||
          (r2 <= STEADY_RTOL && jacobian_nonfinite(&w, x, &jr2, &jc2)) ||
          (!settled && !jacobian_regular(&w, x)))
        memcpy(x, keep, (size_t)n * sizeof *x);
      else
        res = r2;
    }
  }
  eval_full(s, 0.0, x, w.f, NULL);
  s->steady_resid = abs_residual(&w, w.f);
  if (y != NULL) memcpy(y, x, (size_t)n * sizeof *x);
  if (!(res <= STEADY_RTOL) && jr >= 0) {
    /* integration did not get past it either: report Newton's root */
    memcpy(x, root, (size_t)n * sizeof *x);
    if (y != NULL) memcpy(y, x, (size_t)n * sizeof *x);
    method = "newton";
    jacobian_nonfinite(&w, x, &jr, &jc);
    res = 0;
  }
  if (!(res <= STEADY_RTOL)) {
    st = not_converged(&w, x, res);
    goto done;
  }
  /* Its stability and the sensitivities at it (J s = -df/dp) need a
     finite Jacobian; LAPACK would reject NaN as an illegal argument. */
  if (!regular && jacobian_nonfinite(&w, x, &jr, &jc)) {
    st = muskx__sim_err(s, MUSKX_ENOTCONV,
                        "no regular steady state found: at the state reached "
                        "(by %s) d(d%.60s/dt)/d%.60s is %g (at %.60s = %g, "
                        "%.60s = %g): a negative amount under a fractional "
                        "power, or a division by zero",
                        method, s->m->species[jr].name,
                        s->m->species[jc].name,
                        w.J[(size_t)jc * (size_t)n + (size_t)jr],
                        s->m->species[jr].name, x[jr],
                        s->m->species[jc].name, x[jc]);
    goto done;
  }
  /* an ensemble member's stability is never read: skip the LAPACK work */
  if (!s->skip_eigen && eigen(&w, x) != 0) {
    st = muskx__sim_err(s, MUSKX_ENOMEM, "eigenvalue computation failed");
    goto done;
  }
  for (int i = 0; i < n; i++) {
    s->init_user[i] = x[i];
    s->init_set[i] = 1;
    s->init_ss[i] = 1; /* sens_steady.c makes it 2 */
  }
  (void)method;
  s->errmsg[0] = '\0';
done:
  muskx__free(w.free_idx);
  muskx__free(w.f);
  muskx__free(w.J);
  muskx__free(w.Jf);
  muskx__free(w.dx);
  muskx__free(w.xt);
  muskx__free(w.ft);
  muskx__free(w.ipiv);
  muskx__free(x);
  muskx__free(keep);
  muskx__free(root);
  return st;
}

double muskx_sim_steady_residual(const muskx_sim *s) {
  return s == NULL ? NAN : s->steady_resid;
}

int muskx_sim_eigenvalues(const muskx_sim *s, double *re, double *im,
                          size_t n) {
  if (s == NULL || s->stability == MUSKX_UNKNOWN) return -1;
  for (int k = 0; k < s->neig && (size_t)k < n; k++) {
    if (re) re[k] = s->eig_re[k];
    if (im) im[k] = s->eig_im[k];
  }
  return s->neig;
}

muskx_stability muskx_sim_stability(const muskx_sim *s) {
  return s == NULL ? MUSKX_UNKNOWN : s->stability;
}
