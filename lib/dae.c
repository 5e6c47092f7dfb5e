/*
 * dae.c -- drives IDA (variable-order BDF for F(t, y, y') = 0) through a
 * run of a model with algebraic equations (muskx-model(5), ALGEBRAIC
 * EQUATIONS), with the run semantics of solver.c: outputs at the requested
 * times, every event, dose and input breakpoint a stop time, conditional
 * events by root finding, the value after the event reported at an event
 * time, and a failure that names t and the culprit and keeps the rows.
 *
 * The system is semi-explicit index 1 (compile.h):
 *    F_i = y_i' - rhs_i(t, y)   for a differential species i,
 *    F_a = g_k(t, y)            for the species a = alg_species[k],
 * and the iteration matrix is dF/dy + cj dF/dy' (IDA user guide, "IDALsJacFn"):
 *    row i: -d rhs_i/dy_j + cj [i == j],    row a: d g_k/dy_j,
 * both from the compiler's symbolic Jacobians (jac and alg_jac).
 *
 * Invariants: before every integration (the start and after every change
 * an event makes) IDACalcIC(IDA_YA_YDP_INIT) makes the algebraic species
 * and the derivatives consistent with the differential species, which
 * events and doses set; so a value reported at an event time satisfies
 * the algebraic equations. The event machinery is events.c, shared with
 * the ODE driver. Counters are accumulated across re-inits.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ida/ida.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "alloc.h"
#include "sim.h"

/* As in solver.c: SUNDIALS 6.4 cannot clear a stop time; with no
   discontinuity ahead it is moved out of reach. */
#define NO_STOP 1e300

/* ---- IDA callbacks ----------------------------------------------------- */

static int res_cb(sunrealtype t, N_Vector yy, N_Vector yp, N_Vector rr,
                  void *ud) {
  muskx_sim *s = ud;
  const muskx__program *p = s->p;
  const double *y = N_VGetArrayPointer(yy), *dy = N_VGetArrayPointer(yp);
  double *r = N_VGetArrayPointer(rr);
  const double *R = s->R;
  int bad = -1;
  muskx__sim_eval(s, &p->rhs, t, y);
  for (int32_t i = 0; i < p->rhs.nresults; i++) {
    r[i] = dy[i] - R[p->rhs.results[i]];
    if (bad < 0 && !isfinite(R[p->rhs.results[i]])) bad = i;
  }
  /* the states are in R already: only t and the inputs are reloaded */
  muskx__sim_eval(s, &p->alg, t, NULL);
  for (int32_t k = 0; k < p->nalg; k++) {
    r[p->alg_species[k]] = R[p->alg.results[k]];
    if (bad < 0 && !isfinite(r[p->alg_species[k]])) bad = p->alg_species[k];
  }
  /* A non-finite trial y' of IDA's own (from a nearly singular iteration
     matrix) is no expression's fault: recoverable, but blames nothing. */
  if (bad < 0)
    for (int32_t i = 0; i < p->rhs.nresults; i++)
      if (!isfinite(r[i])) return 1;
  if (bad >= 0) {
    /* Recoverable per IDAResFn: IDA retries with a smaller step. Only a
       finite state shows the model's fault; a trial state IDA built from
       earlier non-finite values would blame whatever comes first. */
    int finite_y = 1;
    for (int32_t i = 0; i < p->rhs.nresults; i++) finite_y &= isfinite(y[i]) != 0;
    if (finite_y || isnan(s->bad_time)) {
      s->bad_time = t;
      s->bad_result = bad;
    }
    return 1;
  }
  return 0;
}

static int jac_cb(sunrealtype t, sunrealtype cj, N_Vector yy, N_Vector yp,
                  N_Vector rr, SUNMatrix J, void *ud, N_Vector t1, N_Vector t2,
                  N_Vector t3) {
  (void)yp; (void)rr; (void)t1; (void)t2; (void)t3;
  muskx_sim *s = ud;
  const muskx__program *p = s->p;
  const muskx_model *m = s->m;
  double *data = SUNDenseMatrix_Data(J);
  sunindextype n = SUNDenseMatrix_Rows(J);
  const double *R = s->R;
  SUNMatZero(J);
  muskx__sim_eval(s, &p->jac, t, N_VGetArrayPointer(yy));
  for (sunindextype j = 0; j < n; j++)
    for (int32_t k = p->jac_colptr[j]; k < p->jac_colptr[j + 1]; k++) {
      double v = R[p->jac.results[k]];
      if (!isfinite(v)) return 1;
      data[j * n + p->jac_rowind[k]] = -v;
    }
  for (sunindextype i = 0; i < n; i++)
    if (!m->species[i].algebraic) data[i * n + i] += cj;
  muskx__sim_eval(s, &p->alg_jac, t, NULL);
  for (int32_t k = 0; k < p->alg_jac_nnz; k++) {
    double v = R[p->alg_jac.results[k]];
    if (!isfinite(v)) return 1;
    data[(sunindextype)p->alg_jac_col[k] * n + p->alg_species[p->alg_jac_row[k]]] += v;
  }
  return 0;
}

static int root_cb(sunrealtype t, N_Vector yy, N_Vector yp, sunrealtype *g,
                   void *ud) {
  (void)yp;
  muskx_sim *s = ud;
  const muskx__prog *roots = &s->p->roots;
  muskx__sim_eval(s, roots, t, N_VGetArrayPointer(yy));
  for (int32_t i = 0; i < roots->nresults; i++) g[i] = s->R[roots->results[i]];
  return 0;
}

/* IDA's messages are kept for our error text instead of being printed. */
static void err_cb(int code, const char *module, const char *function,
                   char *msg, void *ud) {
  (void)code; (void)module;
  muskx_sim *s = ud;
  snprintf(s->errmsg, sizeof s->errmsg, "%s: %s", function, msg);
}

/* ---- workspace --------------------------------------------------------- */

static void free_ls(muskx_sim *s) {
  if (s->dae_LS) SUNLinSolFree(s->dae_LS);
  if (s->dae_A) SUNMatDestroy(s->dae_A);
  s->dae_LS = NULL;
  s->dae_A = NULL;
  s->dae_ls_built = -1;
}

void muskx__dae_free(muskx_sim *s) {
  free_ls(s);
  if (s->ida) IDAFree(&s->ida);
  if (s->yp) N_VDestroy(s->yp);
  if (s->id) N_VDestroy(s->id);
  s->ida = NULL;
  s->yp = s->id = NULL;
  s->ida_ready = 0;
}

static muskx_status setup_ida(muskx_sim *s, double t0) {
  const muskx_model *m = s->m;
  int n = m->nspecies; /* >= 1: every algebraic equation has a species */
  if (s->y == NULL) s->y = muskx__nvector_new(n, s->ctx);
  if (s->abstol == NULL) s->abstol = muskx__nvector_new(n, s->ctx);
  if (s->yp == NULL) s->yp = muskx__nvector_new(n, s->ctx);
  if (s->id == NULL) s->id = muskx__nvector_new(n, s->ctx);
  if (!s->y || !s->abstol || !s->yp || !s->id)
    return muskx__sim_err(s, MUSKX_ENOMEM, "out of memory creating vectors");
  if (s->ida == NULL) {
    s->ida = IDACreate(s->ctx);
    if (s->ida == NULL) return muskx__sim_err(s, MUSKX_ENOMEM, "IDACreate failed");
    IDASetErrHandlerFn(s->ida, err_cb, s);
  }
  if (!s->ida_ready) {
    N_VConst(0.0, s->y);
    N_VConst(0.0, s->yp);
    if (IDAInit(s->ida, res_cb, t0, s->y, s->yp) != IDA_SUCCESS ||
        IDASetUserData(s->ida, s) != IDA_SUCCESS)
      return muskx__sim_err(s, MUSKX_ESOLVER, "IDAInit failed: %s", s->errmsg);
    if (s->p->nroots > 0 &&
        IDARootInit(s->ida, s->p->nroots, root_cb) != IDA_SUCCESS)
      return muskx__sim_err(s, MUSKX_ESOLVER, "IDARootInit failed");
    IDASetNoInactiveRootWarn(s->ida);
    s->ida_ready = 1;
  }
  /* KLU would need the DAE's own sparsity pattern: dense or LAPACK here */
  muskx_linear_solver ls = s->ls == MUSKX_LS_LAPACK || s->ls == MUSKX_LS_DENSE
                               ? s->ls
                               : n <= MUSKX__DENSE_MAX ? MUSKX_LS_DENSE : MUSKX_LS_LAPACK;
  if ((int)ls != s->dae_ls_built) {
    free_ls(s);
    s->dae_A = SUNDenseMatrix(n, n, s->ctx);
    if (s->dae_A)
      s->dae_LS = ls == MUSKX_LS_LAPACK ? muskx__lapack_ls(s->y, s->dae_A, s->ctx)
                                        : muskx__dense_ls_new(s->y, s->dae_A, s->ctx);
    if (s->dae_A == NULL || s->dae_LS == NULL) {
      free_ls(s);
      return muskx__sim_err(s, MUSKX_ENOMEM, "cannot create linear solver");
    }
    if (IDASetLinearSolver(s->ida, s->dae_LS, s->dae_A) != IDA_SUCCESS ||
        IDASetJacFn(s->ida, jac_cb) != IDA_SUCCESS) {
      free_ls(s);
      return muskx__sim_err(s, MUSKX_ESOLVER, "cannot attach linear solver");
    }
    s->dae_ls_built = (int)ls;
  }
  double *id = N_VGetArrayPointer(s->id);
  int any_nonneg;
  muskx_status st = muskx__sim_tolerance_vectors(s, n, &any_nonneg);
  if (st != MUSKX_OK) return st;
  for (int i = 0; i < n; i++) id[i] = m->species[i].algebraic ? 0.0 : 1.0;
  IDASetId(s->ida, s->id);
  IDASVtolerances(s->ida, s->rtol, s->abstol);
  IDASetMaxNumSteps(s->ida, s->max_steps);
  IDASetMaxStep(s->ida, s->hmax);
  if (any_nonneg) IDASetConstraints(s->ida, s->constraints);
  s->stats[MUSKX_STAT_LINEAR_SOLVER] = ls;
  return MUSKX_OK;
}

static void accumulate_stats(muskx_sim *s) {
  long v;
  if (IDAGetNumSteps(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_STEPS] += v;
  if (IDAGetNumResEvals(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_RHS_EVALS] += v;
  if (IDAGetNumJacEvals(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_JAC_EVALS] += v;
  if (IDAGetNumLinSolvSetups(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_LIN_SETUPS] += v;
  if (IDAGetNumErrTestFails(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_ERR_TEST_FAILS] += v;
  if (IDAGetNumNonlinSolvIters(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_NONLIN_ITERS] += v;
  if (IDAGetNumNonlinSolvConvFails(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_CONV_FAILS] += v;
  if (IDAGetNumGEvals(s->ida, &v) == IDA_SUCCESS) s->stats[MUSKX_STAT_ROOT_EVALS] += v;
}

/* The algebraic equation (by species) whose residual is largest relative
   to its species' tolerance: the culprit of a failed IC or step. */
static int worst_equation(muskx_sim *s, double t) {
  const muskx__program *p = s->p;
  muskx__sim_eval(s, &p->alg, t, N_VGetArrayPointer(s->y));
  int worst = 0;
  double best = -1;
  for (int32_t k = 0; k < p->nalg; k++) {
    double g = fabs(s->R[p->alg.results[k]]);
    if (!(g <= best)) {
      best = g;
      worst = k;
    }
  }
  return worst;
}

/* Restarts IDA at (t, s->y) and makes the algebraic species and all
   derivatives consistent (IDA_YA_YDP_INIT keeps the differential species
   as they are). tnext: the next time a solution is wanted (IDACalcIC
   takes its step scale from it). how: 0 at the start (IDA's counters
   still hold the previous run's), 1 after an event at t0 (counters kept),
   2 a restart during the run (counted as one). */
static muskx_status consistent(muskx_sim *s, double t, double tnext, int how) {
  const muskx__program *p = s->p;
  int n = s->m->nspecies;
  double *y = N_VGetArrayPointer(s->y), *yp = N_VGetArrayPointer(s->yp);
  if (how > 0) accumulate_stats(s);
  if (how == 2) s->stats[MUSKX_STAT_REINITS]++;
  /* a good guess for y' of the differential species: the right-hand side */
  muskx__sim_eval(s, &p->rhs, t, y);
  for (int i = 0; i < n; i++)
    yp[i] = s->m->species[i].algebraic ? 0.0 : s->R[p->rhs.results[i]];
  for (int i = 0; i < n; i++)
    if (!isfinite(yp[i])) yp[i] = 0.0;
  if (IDAReInit(s->ida, t, s->y, s->yp) != IDA_SUCCESS)
    return muskx__sim_err(s, MUSKX_ESOLVER, "t=%g: IDAReInit failed: %s", t,
                          s->errmsg);
  double dt = tnext - t;
  if (!(dt > 0) || !isfinite(dt)) dt = 1.0;
  s->bad_time = NAN;
  int flag = IDACalcIC(s->ida, IDA_YA_YDP_INIT, t + dt);
  if (flag < 0) {
    char idamsg[512];
    size_t len = strnlen(s->errmsg, sizeof idamsg - 1);
    memcpy(idamsg, s->errmsg, len);
    idamsg[len] = '\0';
    char *fname = IDAGetReturnFlagName(flag);
    const muskx__named_expr *eq = &s->m->algebraics[worst_equation(s, t)];
    s->fail_time = t;
    muskx_status st = muskx__sim_err(
        s, MUSKX_ESOLVER,
        "t=%g: no values of the algebraic species satisfy the algebraic "
        "equations (IDACalcIC failed, %s): %.300s; worst equation '%.200s' "
        "(%s:%d:%d) for species '%s'", t, fname ? fname : "?", idamsg,
        eq->name, eq->loc.file ? eq->loc.file : s->m->source, eq->loc.line,
        eq->loc.col, s->m->species[eq->target].name);
    free(fname); /* allocated by SUNDIALS */
    return st;
  }
  if (IDAGetConsistentIC(s->ida, s->y, s->yp) != IDA_SUCCESS)
    return muskx__sim_err(s, MUSKX_ESOLVER, "t=%g: IDAGetConsistentIC failed", t);
  return MUSKX_OK;
}

/* Interpolated state a little past a root at t, as set_probe in solver.c. */
static void set_probe(muskx_sim *s, double t) {
  double tn = t, h = 0;
  s->probe_y = NULL;
  if (IDAGetCurrentTime(s->ida, &tn) != IDA_SUCCESS ||
      IDAGetLastStep(s->ida, &h) != IDA_SUCCESS)
    return;
  double dt = 1e4 * DBL_EPSILON * (fabs(t) + fabs(h));
  double tp = t + dt < tn ? t + dt : tn;
  if (!(tp > t)) return;
  if (s->yprobe == NULL && (s->yprobe = N_VClone(s->y)) == NULL) return;
  if (IDAGetDky(s->ida, tp, 0, s->yprobe) != IDA_SUCCESS) return;
  muskx__events_probe_set(s, tp);
}

/* Names what went wrong at an IDA failure: a non-finite residual (the
   equation or the species' derivative), else the species with the largest
   weighted local error. */
static muskx_status dae_failure(muskx_sim *s, int flag, double t) {
  char idamsg[512];
  size_t len = strnlen(s->errmsg, sizeof idamsg - 1);
  memcpy(idamsg, s->errmsg, len);
  idamsg[len] = '\0';
  const muskx_model *m = s->m;
  char *fname = IDAGetReturnFlagName(flag);
  const char *flagname = fname ? fname : "?";
  if (flag == IDA_CONSTR_FAIL)
    flagname = "IDA_CONSTR_FAIL: a nonnegative species could not be kept >= 0 "
               "(try tighter tolerances)";
  else if (strcmp(flagname, "NONE") == 0)
    flagname = "unnamed IDA flag";
  muskx_status st;
  s->fail_time = t;
  if (!isnan(s->bad_time) && flag != IDA_TOO_MUCH_WORK) {
    int sp = s->bad_result;
    s->fail_time = s->bad_time;
    if (m->species[sp].algebraic) {
      const muskx__named_expr *eq = &m->algebraics[m->species[sp].algebraic - 1];
      st = muskx__sim_err(s, MUSKX_ENONFINITE,
                          "t=%g: algebraic equation '%.200s' (%s:%d:%d) is not "
                          "finite (%s)", s->bad_time, eq->name,
                          eq->loc.file ? eq->loc.file : m->source, eq->loc.line,
                          eq->loc.col, flagname);
    } else {
      st = muskx__events_nonfinite_error(s, flagname);
    }
  } else {
    N_Vector ele = N_VClone(s->y), ewt = N_VClone(s->y);
    /* no estimate before a step was attempted (as in solver.c) */
    long nst = 0, netf = 0, ncfn = 0;
    int tried = IDAGetNumSteps(s->ida, &nst) == IDA_SUCCESS &&
                IDAGetNumErrTestFails(s->ida, &netf) == IDA_SUCCESS &&
                IDAGetNumNonlinSolvConvFails(s->ida, &ncfn) == IDA_SUCCESS &&
                nst + netf + ncfn > 0;
    int have = tried && ele && ewt &&
               IDAGetEstLocalErrors(s->ida, ele) == IDA_SUCCESS &&
               IDAGetErrWeights(s->ida, ewt) == IDA_SUCCESS;
    const char *worst = muskx__events_worst_species(
        s, have ? N_VGetArrayPointer(ele) : NULL,
        have ? N_VGetArrayPointer(ewt) : NULL);
    if (ele) N_VDestroy(ele);
    if (ewt) N_VDestroy(ewt);
    st = muskx__sim_err(s, MUSKX_ESOLVER, "t=%g: IDA failed (%s): %.400s; worst "
                        "species '%s'", t, flagname, idamsg, worst);
  }
  free(fname); /* allocated by SUNDIALS */
  return st;
}

/* The next time a solution is wanted after t. */
static double next_wanted(const muskx_sim *s, const double *times,
                          size_t ntimes, size_t k, double t) {
  while (k < ntimes && times[k] <= t) k++;
  double next = k < ntimes ? times[k] : INFINITY;
  double d = muskx__events_next_stop(s, t);
  return d < next ? d : next;
}

muskx_status muskx__dae_run(muskx_sim *s, const double *y0,
                            const double *times, size_t ntimes, double *out,
                            size_t *rows_done, double *yfinal) {
  const muskx_model *m = s->m;
  int n = m->nspecies, ncols = muskx_sim_ncols(s);
  size_t k = 0;
  double t = times[0];
  muskx_status st = MUSKX_OK;
  memset(s->stats, 0, sizeof s->stats);
  s->fail_time = NAN;
  s->bad_time = NAN;
  s->errmsg[0] = '\0';
  if (!s->autonomous) muskx__sim_inputs_at(s, t);
  if ((st = muskx__events_schedule(s, t)) != MUSKX_OK) goto done;
  if ((st = setup_ida(s, t)) != MUSKX_OK) goto done;
  double *y = N_VGetArrayPointer(s->y);
  memcpy(y, y0, (size_t)n * sizeof *y);
  /* Consistent values first: conditions at t0 see a state that satisfies
     the algebraic equations (SBML L3V2 3.4.8: rules hold at t0). */
  if ((st = consistent(s, t, next_wanted(s, times, ntimes, k, t), 0)) != MUSKX_OK)
    goto done;
  /* Conditional events start from their initial_value; one already true at
     the start fires only if initial_value is false. */
  if ((st = muskx__events_start(s, t, y)) != MUSKX_OK) goto done;
  int changed = 0;
  if ((st = muskx__events_fire_due(s, t, y, &changed)) != MUSKX_OK) goto done;
  if (changed &&
      (st = consistent(s, t, next_wanted(s, times, ntimes, k, t), 1)) != MUSKX_OK)
    goto done;
  while (k < ntimes) {
    if (times[k] <= t) {
      muskx__events_record(s, t, y, out + k * (size_t)ncols);
      if ((st = muskx__sim_check_row(s, t, out + k * (size_t)ncols)) != MUSKX_OK)
        goto done;
      k++;
      continue;
    }
    double tdisc = muskx__events_next_stop(s, t);
    double tstop = times[k] < tdisc ? times[k] : tdisc;
    double tret = t;
    IDASetStopTime(s->ida, isfinite(tdisc) ? tdisc : NO_STOP);
    s->bad_time = NAN;
    int flag = IDASolve(s->ida, tstop, &tret, s->y, s->yp, IDA_NORMAL);
    double tn;
    if (flag >= 0 && IDAGetCurrentTime(s->ida, &tn) == IDA_SUCCESS && tn < tret) {
      /* a step size of 0 "passed" tstop: the state would be extrapolated,
         not integrated (issue 16; see solver.c) */
      s->fail_time = tn;
      st = muskx__sim_err(s, MUSKX_ENONFINITE,
                          "t=%g: IDA's step size fell to 0: the model's rates "
                          "are too fast to integrate in double precision", tn);
      goto done;
    }
    if (flag < 0) {
      st = dae_failure(s, flag, tret);
      goto done;
    }
    t = tret;
    if (flag == IDA_ROOT_RETURN) {
      changed = 0;
      set_probe(s, t);
      /* which roots: an equality on one is true at this instant */
      if (IDAGetRootInfo(s->ida, s->rootsfound) != IDA_SUCCESS)
        memset(s->rootsfound, 0, (size_t)s->p->nroots * sizeof *s->rootsfound);
      st = muskx__events_fire_due(s, t, y, &changed);
      s->probe_y = NULL;
      if (st != MUSKX_OK) goto done;
      /* Restart even when nothing changed (see solver.c: a root where some
         g is exactly 0 would stop IDA again at once). */
      if ((st = consistent(s, t, next_wanted(s, times, ntimes, k, t), 2)) != MUSKX_OK)
        goto done;
      continue;
    }
    if (t >= tdisc) {
      changed = muskx__events_inputs_changed_at(s, t);
      if ((st = muskx__events_fire_due(s, t, y, &changed)) != MUSKX_OK) goto done;
      if (changed &&
          (st = consistent(s, t, next_wanted(s, times, ntimes, k, t), 2)) != MUSKX_OK)
        goto done;
    }
  }
  if (yfinal != NULL) memcpy(yfinal, y, (size_t)n * sizeof *y);
done:
  if (st != MUSKX_OK && isnan(s->fail_time)) s->fail_time = t;
  if (s->ida_ready) accumulate_stats(s);
  if (rows_done != NULL) *rows_done = k;
  return st;
}
