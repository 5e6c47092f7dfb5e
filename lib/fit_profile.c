/*
 * fit_profile.c -- profile likelihoods (issue 15): for each parameter j,
 * PL(v) = min over the other parameters of nllh with theta_j = v, walked
 * away from the best optimum on each side. The 95 % confidence interval
 * is where PL rises by chi2_1(0.95)/2 = 1.92 above the optimum (Wilks;
 * Raue et al. 2009, Bioinformatics 25:1923); a side where PL stays below
 * that within the bounds marks the parameter practically non-identifiable
 * there.
 *
 * Steps (issue 17: 140 -> 76 inner optimisations on Boehm 2014): the
 * first is half the Gauss-Newton standard error (from J^T J at the
 * optimum) when it is available, else 2 % of the range. After each point
 * below the threshold, a quadratic through the optimum and that point
 * predicts the crossing, and the next point is put 5 % beyond it (so a
 * quadratic profile is bracketed at once); the step may grow at most 4x a
 * step (and is never below 5 % of the first), so a flattening,
 * non-quadratic profile is still walked point by point to its bound. A
 * point whose inner optimisation fails after a grown step is retried at
 * half the step. Each point is re-optimised from the previous point's
 * solution below the threshold (a continuation from the optimum), moved
 * along a first-order prediction of the path (pl_at(): the tangent
 * C[:, j] / C[j, j] at the optimum, then secants; issue 17) unless that
 * start's nllh is higher or its fit fails. A
 * crossing is refined on g = sqrt(PL - PL_min) - sqrt(thr), which is
 * linear in theta_j where the profile is quadratic (one refinement lands
 * on it there): by inverse quadratic interpolation through the bracket
 * and the point before it when that falls inside the bracket, else by the
 * Illinois variant of regula falsi.
 *
 * A crossing is confirmed before it is believed (session 25; session 24's
 * k_mb: a point after a grown step came out at PL +2.41 where the inner
 * optimum is +0.61, and the refinement closed on it, ending the side
 * short of the real crossing). A walk point at or above the threshold,
 * and a refinement point above it (it would become the bracket's end),
 * is re-optimised from its own end point; when that lowers its PL by
 * more than REFINE_FTOL, also from the zeroth-order start next to it
 * (confirm()). The lowest PL counts: below the threshold, the point is
 * an ordinary point below and the walk goes on. And a refinement whose
 * points all fell below the threshold, closing on the bracket's upper
 * end b, re-checks b before it reports the crossing: from b's own end
 * point and always (whatever that gave) from the zeroth-order start at
 * the refined solution next to it; b refuted, the walk goes on from b
 * along the direction that led into the bracket.
 * muskx_fit_profile_rechecks() counts these re-optimisations (they are
 * inner fits too, in muskx_fit_profile_work()) and the crossings refuted.
 * The two sides of every parameter are
 * separate pool tasks, both walked from the optimum, so two threads stay
 * busy to the end and the results do not depend on the thread count.
 *
 * Each point is accepted under the run's mutex: kept in its side's list
 * and passed to the caller's profile callback (muskx_fit_set_profile_
 * callback; issue 17: a profile that is killed keeps its points), which
 * can stop the run; a stopped run accepts no later point, so the points
 * kept are exactly those the callback saw. A point is confirmed before it
 * is accepted, with its confirmed PL; a point above the threshold, the
 * end b of a crossing's bracket, is accepted then too (prof25fix: held
 * back until the refinement ended, it was lost by a run stopped or
 * killed meanwhile, the only evidence that the side crossed). When the
 * closing re-check lowers b's PL, b's entry takes the lower PL and it is
 * passed to the callback again (reaccept()): a bracket end may be passed
 * twice, the later PL counts. A run stopped before that re-check ends
 * keeps the first PL, above the threshold, though the re-check might have
 * refuted the crossing: its side ends stopped, never an interval (the
 * bracket calibrate.py --profiles prints "not refined").
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "alloc.h"
#include "fit.h"

#define REFINE_MAX 40
/* The crossing is refined until PL is within REFINE_FTOL of the threshold
   or the bracket is REFINE_XTOL of h0 (the first step, half a standard
   error) wide, then read off the chord. At the crossing of a quadratic
   profile dPL/dtheta = sqrt(2 thr)/SE = 1.96/SE (95 %), so 1e-4 on PL is
   5e-5 SE on the interval end: far inside the ~2 % of an SE an interval
   needs, but what the Python binding's closed-form tests ask (1e-4 of the
   interval's width; 5e-4 on PL missed a Laplace profile, whose slope at
   the crossing is ~1/20 of a quadratic's). It costs little: with the
   quadratic-interpolation step most sides stop after 2 refinements.
   Issue 15's 1e-7 chased the noise of the inner optima for up to
   REFINE_MAX re-optimisations per side. */
#define REFINE_XTOL 1e-3
#define REFINE_FTOL 1e-4
/* The predicted crossing is overshot by this factor so the next point
   brackets it; the step grows at most STEP_GROWTH-fold per point. */
#define PREDICT_OVERSHOOT 1.05
#define STEP_GROWTH 4.0

typedef struct prof_run {
  muskx_fit *f;
  const double *best; /* n */
  double fbest, thr;
  const double *h0;  /* n first steps */
  const double *tan; /* n x n: row j is the path's tangent dx/dtheta_j at
                        the optimum, C[:, j] / C[j, j] (the unit vector
                        e_j where the covariance is not available) */
  int max_points;
  const int *which;          /* m profiled parameters */
  muskx__fit_profile *sides; /* 2m: the points of side k = 2 i + (s > 0) of
                                parameter which[i] */
  double *mins;              /* 2m: the lowest PL of each side */
  int *ends;                 /* 2m: how each side ended (muskx_fit_side_end) */
  pthread_mutex_t mu;        /* accepting a point: the lists, the callback */
  int stopped;               /* the callback asked to stop (under mu) */
} prof_run;

void muskx__fit_profiles_free(muskx_fit *f) {
  if (f->prof != NULL)
    for (int j = 0; j < f->n; j++) {
      muskx__free(f->prof[j].values);
      muskx__free(f->prof[j].nllh);
    }
  muskx__free(f->prof);
  f->prof = NULL;
  f->prof_min = NAN;
}

static int add_point(muskx__fit_profile *p, double v, double y) {
  if (p->npoints == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 32;
    double *a = muskx__reallocarray(p->values, cap, sizeof *a);
    if (a == NULL) return -1;
    p->values = a;
    double *b = muskx__reallocarray(p->nllh, cap, sizeof *b);
    if (b == NULL) return -1;
    p->nllh = b;
    p->cap = cap;
  }
  p->values[p->npoints] = v;
  p->nllh[p->npoints] = y;
  p->npoints++;
  return 0;
}

/* Accepts side s's point (v, y) of parameter j into p under the run's
   mutex and passes it to the callback: 0 kept, go on; 1 kept, then the
   callback stopped the run; 2 dropped, the run had stopped; -1 out of
   memory. */
static int accept(prof_run *r, muskx__fit_profile *p, int j, int s, double v,
                  double y) {
  muskx_fit *f = r->f;
  int rc = 0;
  pthread_mutex_lock(&r->mu);
  if (r->stopped) {
    rc = 2;
  } else if (add_point(p, v, y) != 0) {
    rc = -1;
  } else if (f->prof_cb != NULL && f->prof_cb(f->prof_cb_ctx, j, s, v, y) != 0) {
    r->stopped = 1;
    rc = 1;
  }
  pthread_mutex_unlock(&r->mu);
  return rc;
}

/* Passes side s's point v of parameter j again, with its lower PL y:
   the closing re-check of a bracket end lowered it. Its entry in p (the
   last one at v) takes y, under the run's mutex, and the callback sees
   (v, y) again; the codes are accept()'s (2: the run had stopped, the
   entry keeps the PL the callback saw). */
static int reaccept(prof_run *r, muskx__fit_profile *p, int j, int s,
                    double v, double y) {
  muskx_fit *f = r->f;
  int rc = 0;
  pthread_mutex_lock(&r->mu);
  if (r->stopped) {
    rc = 2;
  } else {
    for (size_t i = p->npoints; i-- > 0;)
      if (p->values[i] == v) {
        p->nllh[i] = y;
        break;
      }
    if (f->prof_cb != NULL && f->prof_cb(f->prof_cb_ctx, j, s, v, y) != 0) {
      r->stopped = 1;
      rc = 1;
    }
  }
  pthread_mutex_unlock(&r->mu);
  return rc;
}

/* accept()'s nonzero code as walk() returns on it: NaN, *st ENOMEM when
   out of memory, *end stopped when the run stopped. */
static double quit(int ok, muskx_status *st, int *end) {
  if (ok == -1 && *st == MUSKX_OK) *st = MUSKX_ENOMEM;
  if (ok > 0) *end = MUSKX_FIT_SIDE_STOPPED;
  return NAN;
}

static int stopping(prof_run *r) {
  pthread_mutex_lock(&r->mu);
  int stop = r->stopped;
  pthread_mutex_unlock(&r->mu);
  return stop;
}

/* One inner optimisation with theta_j fixed at x0[j], from x0 into x,
   counted into p; its nllh, NaN when it failed. */
static double inner(prof_run *r, int worker, int j, const double *x0,
                    double *x, muskx__fit_profile *p, muskx_status *st) {
  muskx__fit_outcome o;
  *st = muskx__fit_local(r->f, worker, j, x0, x, &o);
  p->fits++;
  p->iters += o.iters;
  p->evals += o.evals;
  if (*st != MUSKX_OK || isnan(o.nllh)) return NAN;
  return o.nllh;
}

/* A side's continuation state: the solution xa at the last accepted
   point a (theta_j = a, below the threshold) and the direction d
   (dx/dtheta_j, d[j] = 1) a first-order start is predicted along. */
typedef struct path {
  double a;
  double *xa, *d;
  double *z, *p, *xs; /* scratch, n each */
  double *dw;         /* the walk's d into a bracket (n) */
  int from_z;         /* pl_at()'s last inner fit started at z */
} path;

/* PL at theta_j = v into x (n; the solution when it succeeds), NaN when
   the optimisation failed. The zeroth-order start z is xa with theta_j
   moved to v; the first-order start p is xa + (v - a) d clipped into the
   box. Both are evaluated (two evaluations) and the inner fit starts
   from p only when its nllh is no higher than z's: where the linear
   prediction fails (Boehm 2014: the tangent at the optimum moves a
   parameter that sits non-identifiable at its bound into the identified
   range, nllh +500) the point keeps the zeroth-order start. When the fit
   from p fails, the point is re-run from z; so a wrong prediction costs
   at most two evaluations or one more fit, never a point that the
   zeroth-order start would have had. */
static double pl_at(prof_run *r, int worker, int j, double v, path *q,
                    double *x, muskx__fit_profile *pr, muskx_status *st) {
  const muskx_fit *f = r->f;
  size_t n = (size_t)f->n;
  int differ = 0;
  memcpy(q->z, q->xa, n * sizeof *q->z);
  q->z[j] = v;
  for (size_t i = 0; i < n; i++) {
    double u = (int)i == j ? v : q->xa[i] + (v - q->a) * q->d[i];
    u = u < f->lower[i] ? f->lower[i] : u > f->upper[i] ? f->upper[i] : u;
    q->p[i] = isfinite(u) ? u : q->z[i];
    differ |= q->p[i] != q->z[i];
  }
  q->from_z = 1;
  if (!f->prof_predict || !differ) return inner(r, worker, j, q->z, x, pr, st);
  double cp = muskx__fit_eval(f, worker, q->p);
  double cz = muskx__fit_eval(f, worker, q->z);
  pr->evals += 2;
  if (isnan(cp) || cp > cz) { /* NaN cz: z fails too, p is no worse */
    pr->fallbacks++;
    return inner(r, worker, j, q->z, x, pr, st);
  }
  q->from_z = 0;
  double y = inner(r, worker, j, q->p, x, pr, st);
  if (*st != MUSKX_OK || !isnan(y)) return y;
  pr->fallbacks++;
  q->from_z = 1;
  return inner(r, worker, j, q->z, x, pr, st);
}

/* Confirms a point v whose PL y (solution in x) rose to the threshold or
   beyond: an inner fit that stopped short of its optimum (its iteration
   cap, a trust region shrunk far from its start; session 24: PL +2.41
   after a grown step where the optimum is +0.61) would otherwise end the
   side at a crossing that is not there. The point is re-optimised from
   its own end point (a fresh trust region), which stops at once where
   the first pass had converged. Only when that lowers PL by more than
   REFINE_FTOL (the first pass had stopped short) is it also re-optimised
   from the zeroth-order start, the solution at the last accepted point a
   with theta_j moved to v (skipped when the first pass started there):
   a near start, after a grown step far nearer than the prediction. The
   lowest PL is kept, its solution in x. Each re-optimisation is an inner
   fit, counted in rechecks too; a crossing refuted (PL below the
   threshold after all), in cleared. On Boehm 2014 the restarts cost 30
   inner fits (76 -> 106) and 10 % more iterations; none lowered a PL.
   near: the zeroth-order start is tried whatever the restart gave (the
   re-check of a bracket end that the refinement closed on from below:
   the solution at a is then next to it). */
static double confirm(prof_run *r, int worker, int j, double v, path *q,
                      double *x, double y, int near,
                      muskx__fit_profile *pr, muskx_status *st) {
  size_t n = (size_t)r->f->n;
  double best = y;
  for (int t = 0; t < 2; t++) {
    double *from = x; /* t = 0: the point's own end point */
    if (t == 1) {
      if (!near && (q->from_z || !(best < y - REFINE_FTOL))) break;
      memcpy(q->z, q->xa, n * sizeof *q->z);
      q->z[j] = v;
      from = q->z;
    }
    double yt = inner(r, worker, j, from, q->xs, pr, st);
    pr->rechecks++;
    if (*st != MUSKX_OK) return NAN;
    if (yt < best || (isnan(best) && !isnan(yt))) {
      best = yt;
      memcpy(x, q->xs, n * sizeof *x);
    }
  }
  if (best - r->fbest < r->thr - REFINE_FTOL) pr->cleared++;
  return best;
}

/* The secant through the solutions xa at a and xb at b (n values). */
static void secant(size_t n, int j, const double *xa, double a,
                   const double *xb, double b, double *d) {
  for (size_t i = 0; i < n; i++) d[i] = (xb[i] - xa[i]) / (b - a);
  d[j] = 1;
}

/* Walks one side (s = -1 or +1) into p; returns the crossing or NaN,
   and how the side ended in *end. buf: 8n scratch values. */
static double walk(prof_run *r, int worker, int j, int s,
                   muskx__fit_profile *p, double *ymin, double *buf,
                   muskx_status *st, int *end) {
  muskx_fit *f = r->f;
  size_t n = (size_t)f->n;
  double lo = f->lower[j], hi = f->upper[j], range = hi - lo;
  double h0 = r->h0[j], h = h0;
  double hmax = isfinite(range) ? 0.25 * range : 1e3 * h0;
  double ra = 0;            /* the rise at the last point below the threshold */
  double w = NAN, gw = NAN; /* the point before a, with its g */
  double sq = sqrt(r->thr);
  double *x = buf, *xb = buf + n;
  path q = {r->best[j], buf + 2 * n, buf + 3 * n, buf + 4 * n, buf + 5 * n,
            buf + 6 * n, buf + 7 * n, 0};
  memcpy(q.xa, r->best, n * sizeof *q.xa); /* the solution at a */
  memcpy(q.d, r->tan + (size_t)j * n, n * sizeof *q.d); /* the tangent */
  *end = MUSKX_FIT_SIDE_FAILED;
  for (int k = 0; k < r->max_points; k++) {
    double a = q.a;
    if ((s < 0 && a <= lo) || (s > 0 && a >= hi)) { /* at bound */
      *end = MUSKX_FIT_SIDE_BOUND;
      return NAN;
    }
    if (stopping(r)) {
      *end = MUSKX_FIT_SIDE_STOPPED;
      return NAN;
    }
    double v = a + s * h;
    v = v < lo ? lo : v > hi ? hi : v;
    double y = pl_at(r, worker, j, v, &q, x, p, st);
    int refuted = 0; /* a bracket end the closing re-check refuted */
    /* a point at or above the threshold is confirmed before it is kept */
    if (*st == MUSKX_OK && y - r->fbest > r->thr - REFINE_FTOL)
      y = confirm(r, worker, j, v, &q, x, y, 0, p, st);
    if (*st != MUSKX_OK) return NAN;
    double rise = y - r->fbest;
    /* a point above the threshold, confirmed, is the end b of the
       crossing's bracket: kept (and passed to the callback) now, so a run
       stopped or killed during the refinement keeps the evidence that the
       side crossed; the closing re-check may pass it again, lower */
    int bracket = rise >= r->thr + REFINE_FTOL; /* NaN: no */
    int ok = accept(r, p, j, s, v, y);
    if (ok != 0) return quit(ok, st, end);
    if (isnan(y)) {
      if (h > h0) { /* a grown step failed: retry at half of it */
        h = fmax(h / 2, h0);
        continue;
      }
      return NAN;
    }
    if (y < *ymin) *ymin = y;
    if (fabs(rise - r->thr) < REFINE_FTOL) { /* landed on it */
      *end = MUSKX_FIT_SIDE_CROSSED;
      return v;
    }
    if (bracket) { /* refine between a and v */
      double b = v, c = v, yb = y; /* yb: PL at b */
      double ga = sqrt(fmax(ra, 0)) - sq, gb = sqrt(rise) - sq;
      double ta = ga, tb = gb; /* the true g at a and b (no Illinois) */
      int side = 0, moved = 0, landed = 0; /* b moved; PL hit thr */
      /* the direction that led into the bracket, for the walk's next
         point should the closing re-check refute b */
      memcpy(q.dw, q.d, n * sizeof *q.dw);
      /* the refinement's starts interpolate between the solutions at
         the bracket's ends */
      memcpy(xb, x, n * sizeof *xb);
      secant(n, j, q.xa, a, xb, b, q.d);
      for (int it = 0; it < REFINE_MAX; it++) {
        c = a - ga * (b - a) / (gb - ga);
        /* inverse quadratic interpolation through w, a and b when it
           falls strictly inside the bracket (Brent 1973, ch. 4) */
        if (!isnan(w) && gw != ta && gw != tb && ta != tb) {
          double qc = w * ta * tb / ((gw - ta) * (gw - tb)) +
                      a * gw * tb / ((ta - gw) * (ta - tb)) +
                      b * gw * ta / ((tb - gw) * (tb - ta));
          if (qc > fmin(a, b) && qc < fmax(a, b)) c = qc;
        }
        if (stopping(r)) { /* b kept: a stopped run keeps no more */
          *end = MUSKX_FIT_SIDE_STOPPED;
          return NAN;
        }
        /* started from the solution at a, inside the interval (the inner
           optima followed there from the optimum), moved along d */
        double yc = pl_at(r, worker, j, c, &q, x, p, st);
        /* a refinement point above the threshold would become the
           bracket's end: confirmed first, as the walk's points are (one
           that lands on the threshold is not: that is every side's last
           point on a near-quadratic profile, and a false landing would
           need an inner fit's error to match the gap to 1e-4) */
        if (*st == MUSKX_OK && yc - r->fbest >= r->thr + REFINE_FTOL)
          yc = confirm(r, worker, j, c, &q, x, yc, 0, p, st);
        if (*st != MUSKX_OK) return NAN;
        double rc = yc - r->fbest;
        /* kept at once (above: confirmed, the bracket's new end b) */
        int okc = accept(r, p, j, s, c, yc);
        if (okc != 0) return quit(okc, st, end);
        if (isnan(yc)) return NAN;
        if (fabs(rc - r->thr) < REFINE_FTOL) {
          landed = 1;
          break;
        }
        double gc = sqrt(fmax(rc, 0)) - sq;
        if (gc < 0) {
          w = a;
          gw = ta;
          memcpy(q.xa, x, n * sizeof *q.xa);
          q.a = a = c;
          ra = rc;
          ga = ta = gc;
          if (side == -1) gb /= 2; /* Illinois */
          side = -1;
        } else {
          w = b;
          gw = tb;
          memcpy(xb, x, n * sizeof *xb);
          b = c;
          yb = yc;
          gb = tb = gc;
          if (side == 1) ga /= 2;
          side = 1;
          moved = 1;
        }
        secant(n, j, q.xa, a, xb, b, q.d);
        if (fabs(b - a) < REFINE_XTOL * h0) {
          /* the crossing of the chord of g through the bracket's ends */
          c = a - ta * (b - a) / (tb - ta);
          break;
        }
      }
      /* Every refinement point fell below the threshold and the bracket
         closed on b: b's PL is checked again, from its own end point and
         always from the refined a's solution next to it (the zeroth-order
         start). b was kept when it came; a lower PL replaces its entry
         and is passed to the callback again (the later one counts). */
      if (!landed && !moved) {
        if (stopping(r)) {
          *end = MUSKX_FIT_SIDE_STOPPED;
          return NAN;
        }
        double y2 = confirm(r, worker, j, b, &q, xb, yb, 1, p, st);
        if (*st != MUSKX_OK) return NAN;
        if (y2 < yb) {
          yb = y2;
          int okb = reaccept(r, p, j, s, b, yb);
          if (okb != 0) return quit(okb, st, end);
        }
      }
      double rb = yb - r->fbest;
      if (landed || moved || rb >= r->thr - REFINE_FTOL) {
        if (!landed && !moved) { /* b confirmed: the chord to its PL now */
          tb = sqrt(rb) - sq;
          c = fabs(rb - r->thr) < REFINE_FTOL ? b
                                              : a - ta * (b - a) / (tb - ta);
        }
        *end = MUSKX_FIT_SIDE_CROSSED;
        return c;
      }
      /* b refuted: an ordinary point below, after a (the refined one);
         the walk goes on from it, along the direction that led into the
         bracket (not the secant through a and b, REFINE_XTOL h0 apart:
         the inner fits' noise over 1e-3 h0) */
      if (yb < *ymin) *ymin = yb;
      v = b;
      rise = rb;
      memcpy(x, xb, n * sizeof *x);
      refuted = 1;
    }
    double d = fabs(v - r->best[j]), hn = STEP_GROWTH * h;
    if (rise > 0) /* the crossing a quadratic through the optimum predicts */
      hn = fmin(hn, d * sqrt(r->thr / rise) * PREDICT_OVERSHOOT - d);
    h = fmin(fmax(hn, 0.05 * h0), hmax);
    w = a;
    gw = sqrt(fmax(ra, 0)) - sq;
    /* later steps: along the secant through the last two solutions */
    if (refuted) memcpy(q.d, q.dw, n * sizeof *q.d);
    else secant(n, j, q.xa, a, x, v, q.d);
    memcpy(q.xa, x, n * sizeof *q.xa);
    q.a = v;
    ra = rise;
  }
  /* the last allowed point may have reached the bound: the side ended
     there, as it would have at the next loop's check */
  *end = (s < 0 && q.a <= lo) || (s > 0 && q.a >= hi)
             ? MUSKX_FIT_SIDE_BOUND
             : MUSKX_FIT_SIDE_MAXPOINTS;
  return NAN;
}

static int by_value(const void *pa, const void *pb) {
  const double *a = pa, *b = pb;
  return (a[0] > b[0]) - (a[0] < b[0]);
}

static muskx_status sort_points(muskx__fit_profile *p) {
  double *pairs = muskx__calloc(p->npoints ? 2 * p->npoints : 1, sizeof *pairs);
  if (pairs == NULL) return MUSKX_ENOMEM;
  for (size_t i = 0; i < p->npoints; i++) {
    pairs[2 * i] = p->values[i];
    pairs[2 * i + 1] = p->nllh[i];
  }
  qsort(pairs, p->npoints, 2 * sizeof *pairs, by_value);
  for (size_t i = 0; i < p->npoints; i++) {
    p->values[i] = pairs[2 * i];
    p->nllh[i] = pairs[2 * i + 1];
  }
  muskx__free(pairs);
  return MUSKX_OK;
}

/* Task k walks side s = k odd ? +1 : -1 of parameter j = which[k / 2]. */
static muskx_status profile_task(void *arg, int worker, size_t k) {
  prof_run *r = arg;
  int j = r->which[k / 2], s = k % 2 ? 1 : -1;
  size_t n = (size_t)r->f->n;
  double *x = muskx__calloc(8 * n, sizeof *x);
  if (x == NULL) return MUSKX_ENOMEM;
  muskx_status st = MUSKX_OK;
  r->mins[k] = r->fbest;
  double c = walk(r, worker, j, s, &r->sides[k], &r->mins[k], x, &st,
                  &r->ends[k]);
  if (s < 0) r->f->prof[j].lower = c;
  else r->f->prof[j].upper = c;
  muskx__free(x);
  return st;
}

/* Joins the optimum (when accepted) and both sides' points of parameter
   which[i], sorted. */
static muskx_status join_sides(prof_run *r, int i, int with_optimum) {
  int j = r->which[i];
  muskx__fit_profile *p = &r->f->prof[j];
  if (with_optimum && add_point(p, r->best[j], r->fbest) != 0)
    return MUSKX_ENOMEM;
  p->end_lo = r->ends[2 * i];
  p->end_hi = r->ends[2 * i + 1];
  p->fits = p->iters = p->evals = p->fallbacks = p->rechecks = p->cleared = 0;
  for (int k = 2 * i; k < 2 * i + 2; k++) {
    p->fits += r->sides[k].fits;
    p->iters += r->sides[k].iters;
    p->evals += r->sides[k].evals;
    p->fallbacks += r->sides[k].fallbacks;
    p->rechecks += r->sides[k].rechecks;
    p->cleared += r->sides[k].cleared;
  }
  for (int k = 2 * i; k < 2 * i + 2; k++)
    for (size_t i = 0; i < r->sides[k].npoints; i++)
      if (add_point(p, r->sides[k].values[i], r->sides[k].nllh[i]) != 0)
        return MUSKX_ENOMEM;
  return sort_points(p);
}

/* A Jacobian GSL's covariance can take: finite and not all zero (a zero
   rank would reach GSL's aborting error handler). */
static int usable(const double *J, size_t len) {
  int nonzero = 0;
  for (size_t i = 0; i < len; i++) {
    if (!isfinite(J[i])) return 0;
    nonzero |= J[i] != 0;
  }
  return nonzero;
}

/* First steps: half the Gauss-Newton standard errors where J^T J at the
   optimum gives them, else 2 % of the range (or of max(1, |theta|)).
   The tangents tan (n x n, row j): dx/dtheta_j of the profile path at
   the optimum, C[:, j] / C[j, j] for the Gauss-Newton covariance C =
   (J^T J)^-1 -- the conditional mean of the other parameters given
   theta_j under the Gaussian approximation, exact for a linear model --
   else e_j (the zeroth-order start). */
static muskx_status first_steps(muskx_fit *f, const double *best, double *h0,
                                double *tan) {
  size_t n = (size_t)f->n;
  for (size_t j = 0; j < n; j++) {
    for (size_t i = 0; i < n; i++) tan[j * n + i] = i == j;
    double range = f->upper[j] - f->lower[j];
    h0[j] = isfinite(range) && range > 0 ? 0.02 * range
                                         : 0.02 * fmax(1, fabs(best[j]));
  }
  if (f->resid == NULL || f->nres < n) return MUSKX_OK;
  gsl_matrix *J = gsl_matrix_alloc(f->nres, n);
  gsl_matrix *C = gsl_matrix_alloc(n, n);
  double *res = muskx__calloc(f->nres, sizeof *res);
  muskx_status st = MUSKX_OK;
  if (J == NULL || C == NULL || res == NULL) {
    st = MUSKX_ENOMEM;
  } else if (f->resid(f->ctx, 0, best, res, J->data) == 0 &&
             usable(J->data, f->nres * n) &&
             gsl_multifit_nlinear_covar(J, 1e-12, C) == 0) {
    for (size_t j = 0; j < n; j++) {
      double se = sqrt(gsl_matrix_get(C, j, j));
      double range = f->upper[j] - f->lower[j];
      if (isfinite(se) && se > 0 && !(se > range)) h0[j] = 0.5 * se;
      int ok = isfinite(se) && se > 0;
      for (size_t i = 0; i < n && ok; i++)
        ok = isfinite(gsl_matrix_get(C, i, j));
      for (size_t i = 0; i < n && ok; i++)
        if (i != j)
          tan[j * n + i] = gsl_matrix_get(C, i, j) / gsl_matrix_get(C, j, j);
    }
  }
  gsl_matrix_free(J);
  gsl_matrix_free(C);
  muskx__free(res);
  return st;
}

static muskx_status profile(muskx_fit *f, double level, int max_points);

muskx_status muskx_fit_profile(muskx_fit *f, double level, int max_points) {
  if (f == NULL) return MUSKX_EINVAL;
  /* from the profile callback (which must not): its run's points and
     lists would be freed under it */
  if (f->prof_busy)
    return muskx__fit_err(f, MUSKX_ESTATE, "muskx_fit_profile() called "
                          "while this fit's profiles run (from the profile "
                          "callback?)");
  f->prof_busy = 1;
  muskx_status st = profile(f, level, max_points);
  f->prof_busy = 0;
  return st;
}

static muskx_status profile(muskx_fit *f, double level, int max_points) {
  size_t b = muskx_fit_best(f);
  if (b == (size_t)-1)
    return muskx__fit_err(f, MUSKX_ESTATE, "no successful fit to profile: "
                          "run muskx_fit_run() first");
  if (!(level > 0 && level < 1))
    return muskx__fit_err(f, MUSKX_EINVAL, "confidence level %g: must lie "
                          "strictly between 0 and 1", level);
  if (max_points < 1)
    return muskx__fit_err(f, MUSKX_EINVAL, "%d profile points per side: need "
                          "at least 1", max_points);
  muskx__fit_profiles_free(f);
  size_t n = (size_t)f->n, m = 0;
  f->prof = muskx__calloc(n, sizeof *f->prof);
  double *h0 = muskx__calloc(n, sizeof *h0);
  double *tan = muskx__calloc(n * n, sizeof *tan);
  int *which = muskx__calloc(n, sizeof *which);
  double *mins = muskx__calloc(2 * n, sizeof *mins);
  int *ends = muskx__calloc(2 * n, sizeof *ends);
  muskx__fit_profile *sides = muskx__calloc(2 * n, sizeof *sides);
  muskx_status st = MUSKX_OK;
  int stopped = 0;
  if (f->prof == NULL || h0 == NULL || tan == NULL || which == NULL || mins == NULL ||
      ends == NULL || sides == NULL)
    st = MUSKX_ENOMEM;
  else
    for (size_t j = 0; j < n; j++)
      if (f->prof_sel == NULL || f->prof_sel[j]) which[m++] = (int)j;
  if (st == MUSKX_OK) st = first_steps(f, f->theta + b * n, h0, tan);
  if (st == MUSKX_OK) {
    for (size_t j = 0; j < n; j++) f->prof[j].lower = f->prof[j].upper = NAN;
    for (size_t k = 0; k < 2 * m; k++) ends[k] = MUSKX_FIT_SIDE_STOPPED;
    prof_run r;
    memset(&r, 0, sizeof r);
    r.f = f;
    r.best = f->theta + b * n;
    r.fbest = f->nllh[b];
    r.thr = gsl_cdf_chisq_Pinv(level, 1) / 2;
    r.h0 = h0;
    r.tan = tan;
    r.max_points = max_points;
    r.which = which;
    r.sides = sides;
    r.mins = mins;
    r.ends = ends;
    f->prof_threshold = r.thr;
    if (pthread_mutex_init(&r.mu, NULL) != 0) {
      st = muskx__fit_err(f, MUSKX_ESTATE, "cannot create a mutex");
    } else {
      /* the optima first, on the calling thread, in index order */
      size_t opt = 0; /* the profiled parameters whose optimum was taken */
      while (opt < m && !r.stopped) {
        int j = which[opt++];
        if (f->prof_cb != NULL &&
            f->prof_cb(f->prof_cb_ctx, j, 0, r.best[j], r.fbest) != 0)
          r.stopped = 1;
      }
      for (size_t k = 0; k < 2 * m; k++) mins[k] = r.fbest;
      if (!r.stopped) st = muskx__fit_pool(f, 2 * m, profile_task, &r);
      for (size_t i = 0; i < m && st == MUSKX_OK; i++)
        st = join_sides(&r, (int)i, i < opt);
      stopped = r.stopped;
      pthread_mutex_destroy(&r.mu);
    }
  }
  if (st == MUSKX_OK) {
    f->prof_min = f->nllh[b];
    for (size_t k = 0; k < 2 * m; k++) f->prof_min = fmin(f->prof_min, mins[k]);
  }
  if (sides != NULL)
    for (size_t k = 0; k < 2 * m; k++) {
      muskx__free(sides[k].values);
      muskx__free(sides[k].nllh);
    }
  muskx__free(sides);
  muskx__free(h0);
  muskx__free(tan);
  muskx__free(which);
  muskx__free(mins);
  muskx__free(ends);
  if (st != MUSKX_OK) {
    muskx__fit_profiles_free(f);
    if (st == MUSKX_ENOMEM)
      return muskx__fit_err(f, st, "out of memory computing profiles");
    return st;
  }
  if (stopped)
    return muskx__fit_err(f, MUSKX_ESTOPPED, "the profile callback stopped "
                          "the profiles: the points so far are kept, and the "
                          "sides not finished are marked stopped");
  f->errmsg[0] = '\0';
  return MUSKX_OK;
}

muskx_status muskx_fit_set_profile_params(muskx_fit *f, const int *params,
                                          int nparams) {
  if (f == NULL) return MUSKX_EINVAL;
  if (params == NULL || nparams == 0) {
    muskx__free(f->prof_sel);
    f->prof_sel = NULL;
    return MUSKX_OK;
  }
  if (nparams < 0)
    return muskx__fit_err(f, MUSKX_EINVAL, "%d profiled parameters: need at "
                          "least 0", nparams);
  int *sel = muskx__calloc((size_t)f->n, sizeof *sel);
  if (sel == NULL)
    return muskx__fit_err(f, MUSKX_ENOMEM, "out of memory selecting the "
                          "profiled parameters");
  for (int i = 0; i < nparams; i++) {
    if (params[i] < 0 || params[i] >= f->n) {
      muskx__free(sel);
      return muskx__fit_err(f, MUSKX_EINVAL, "profiled parameter index %d: "
                            "the fit has parameters 0..%d", params[i], f->n - 1);
    }
    sel[params[i]] = 1;
  }
  muskx__free(f->prof_sel);
  f->prof_sel = sel;
  return MUSKX_OK;
}

size_t muskx_fit_profile_npoints(const muskx_fit *f, int j) {
  if (f == NULL || f->prof == NULL || j < 0 || j >= f->n) return 0;
  return f->prof[j].npoints;
}

muskx_status muskx_fit_profile_points(const muskx_fit *f, int j,
                                      double *values, double *nllh, size_t n) {
  size_t np = muskx_fit_profile_npoints(f, j);
  if (np == 0 || n < np || values == NULL || nllh == NULL) return MUSKX_EINVAL;
  memcpy(values, f->prof[j].values, np * sizeof *values);
  memcpy(nllh, f->prof[j].nllh, np * sizeof *nllh);
  return MUSKX_OK;
}

int muskx_fit_profile_ci(const muskx_fit *f, int j, double *lower,
                         double *upper) {
  if (muskx_fit_profile_npoints(f, j) == 0) return -1;
  if (lower != NULL) *lower = f->prof[j].lower;
  if (upper != NULL) *upper = f->prof[j].upper;
  return !isnan(f->prof[j].lower) && !isnan(f->prof[j].upper);
}

muskx_status muskx_fit_set_profile_predictor(muskx_fit *f, int on) {
  if (f == NULL) return MUSKX_EINVAL;
  f->prof_predict = on != 0;
  return MUSKX_OK;
}

int muskx_fit_profile_work(const muskx_fit *f, int j, int *fits, int *iters,
                           int *evals, int *fallbacks) {
  if (muskx_fit_profile_npoints(f, j) == 0) return -1;
  if (fits != NULL) *fits = f->prof[j].fits;
  if (iters != NULL) *iters = f->prof[j].iters;
  if (evals != NULL) *evals = f->prof[j].evals;
  if (fallbacks != NULL) *fallbacks = f->prof[j].fallbacks;
  return 0;
}

int muskx_fit_profile_rechecks(const muskx_fit *f, int j, int *rechecks,
                               int *cleared) {
  if (muskx_fit_profile_npoints(f, j) == 0) return -1;
  if (rechecks != NULL) *rechecks = f->prof[j].rechecks;
  if (cleared != NULL) *cleared = f->prof[j].cleared;
  return 0;
}

double muskx_fit_profile_min(const muskx_fit *f) {
  return f == NULL ? NAN : f->prof_min;
}

muskx_status muskx_fit_set_profile_callback(muskx_fit *f,
                                            muskx_fit_profile_fn fn,
                                            void *ctx) {
  if (f == NULL) return MUSKX_EINVAL;
  f->prof_cb = fn;
  f->prof_cb_ctx = fn != NULL ? ctx : NULL;
  return MUSKX_OK;
}

const char *muskx_fit_side_end_name(muskx_fit_side_end end) {
  switch (end) {
  case MUSKX_FIT_SIDE_CROSSED: return "crossed";
  case MUSKX_FIT_SIDE_BOUND: return "bound";
  case MUSKX_FIT_SIDE_MAXPOINTS: return "max_points";
  case MUSKX_FIT_SIDE_FAILED: return "failed";
  case MUSKX_FIT_SIDE_STOPPED: return "stopped";
  }
  return "?";
}

int muskx_fit_profile_side_end(const muskx_fit *f, int j, int side) {
  if (muskx_fit_profile_npoints(f, j) == 0 || (side != -1 && side != 1))
    return -1;
  return side < 0 ? f->prof[j].end_lo : f->prof[j].end_hi;
}
