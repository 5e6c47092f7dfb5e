/*
 * fit_gngain.c -- the largest decrease of the cost 0.5 |r|^2 that the
 * Gauss-Newton (linear) model promises from the current point: with gn
 * the minimum-norm least-squares solution of J_F gn = -r over the free
 * parameters, gain = 0.5 (|r|^2 - |r + J_F gn|^2) = 0.5 g'(J'J)^+ g.
 *
 * The hybrid's convergence test (fit_local.c): unlike the gradient it is
 * invariant to the parameters' scaling, so it does not stop a start on a
 * plateau where the gradient is 1e-9 but a long Gauss-Newton step still
 * promises a large gain (Boehm's plateau starts), and unlike a test on
 * the gains of the last iterations it does not stop a slow crawl whose
 * model still sees a way down. Where it promises less than a
 * thousandth of a likelihood unit, the start has converged for any
 * statistical purpose, and the iterations the LM would spend polishing
 * (about a third of a Boehm start's, docs/fitting.md) are saved.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "fit.h"

extern void dgelsd_(const int *m, const int *n, const int *nrhs, double *a,
                    const int *lda, double *b, const int *ldb, double *s,
                    const double *rcond, int *rank, double *work,
                    const int *lwork, int *iwork, int *info);

double muskx__lsq_gn_gain(const double *J, const double *r, size_t m, int n,
                          const int *freev, int nf) {
  if (nf <= 0 || m == 0) return 0;
  int mm = (int)m, nn = nf, one = 1, rank = 0, info = 0, lwork = -1;
  int ldb = mm > nn ? mm : nn;
  double rcond = -1, wq = 0;
  int iwq = 0;
  double *A = muskx__calloc(m * (size_t)nf, sizeof *A);
  double *b = muskx__calloc((size_t)ldb, sizeof *b);
  double *sv = muskx__calloc((size_t)nf, sizeof *sv);
  double gain = NAN;
  if (A == NULL || b == NULL || sv == NULL) goto done;
  dgelsd_(&mm, &nn, &one, A, &mm, b, &ldb, sv, &rcond, &rank, &wq, &lwork,
          &iwq, &info); /* workspace query */
  if (info != 0) goto done;
  lwork = (int)wq + 1;
  double *work = muskx__calloc((size_t)lwork, sizeof *work);
  int *iwork = muskx__calloc((size_t)(iwq > 1 ? iwq : 1), sizeof *iwork);
  if (work != NULL && iwork != NULL) {
    for (int c = 0; c < nf; c++) /* column-major copy of J_F */
      for (size_t i = 0; i < m; i++)
        A[(size_t)c * m + i] = J[i * (size_t)n + (size_t)freev[c]];
    for (size_t i = 0; i < m; i++) b[i] = -r[i];
    dgelsd_(&mm, &nn, &one, A, &mm, b, &ldb, sv, &rcond, &rank, work, &lwork,
            iwork, &info);
    if (info == 0) {
      double before = 0, after = 0;
      for (size_t i = 0; i < m; i++) {
        double a = r[i];
        for (int c = 0; c < nf; c++)
          a += J[i * (size_t)n + (size_t)freev[c]] * b[c];
        before += r[i] * r[i];
        after += a * a;
      }
      gain = fmax(0.0, 0.5 * (before - after));
    }
  }
  muskx__free(work);
  muskx__free(iwork);
done:
  muskx__free(A);
  muskx__free(b);
  muskx__free(sv);
  return gain;
}
