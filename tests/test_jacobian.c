/*
 * test_jacobian.c -- the compiled symbolic Jacobian of every model in the
 * repository agrees with finite differences of the compiled right-hand
 * side (style.md: "The Jacobian is checked against finite differences for
 * every shipped model").
 *
 * Every *.yaml under models/ and tests/models/ (walked at run time, in
 * sorted order, so a new model is checked without editing this file; none
 * is skipped) is loaded and evaluated through muskx_sim_eval_rhs() at 5
 * pseudo-random points near its default initial values. The points come
 * from a fixed seed derived from the file's path, so failures reproduce.
 *
 * Finite differences: central differences with Richardson extrapolation,
 *   D(h) = (f(y + h e_j) - f(y - h e_j)) / 2h,  J_fd = (4 D(h/2) - D(h)) / 3
 * (truncation error O(h^4)), with h = 1e-3 |y_j|, which keeps y_j's sign.
 * An entry passes when
 *   |J - J_fd| <= 1e-5 max(|J|, |J_fd|) + 100 eps F_i / h_j,
 * where F_i = |f_i| + sum_k |J_fd,ik y_k| estimates the size of the terms
 * summed in f_i: the second term bounds the rounding error of the
 * difference quotient, the absolute floor for entries that cancel.
 *
 * Where f bends sharply (a smoothed ramp such as the osteocytes' reload
 * term of models/bone/sost_wnt.yaml), O(h^4) at h = 1e-3 |y_j| can still be
 * far off. An entry that fails is therefore re-checked with the steps h/100
 * and h/1000: it passes when those two estimates agree with each other
 * (the difference quotient has converged) and the analytic entry agrees
 * with the h/1000 one, both within the same bound taken at h/1000 (whose
 * rounding term is 1000 times larger).
 */
#include <check.h>
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "muskx.h"
#include "testutil.h"

#define NPOINTS 5
#define JAC_RTOL 1e-5

/* ---------------------------------------------------- finding models */

typedef struct pathlist {
  char **v;
  size_t n, cap;
  int oom; /* -1 after a failed allocation */
} pathlist;

/* Returns 0, or -1 when out of memory (l->oom is set; no Check calls here:
   main() lists the models too, outside any test). */
static int pathlist_add(pathlist *l, const char *path) {
  char *copy;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 32;
    char **v = realloc(l->v, cap * sizeof *v);
    if (v == NULL) return l->oom = -1;
    l->v = v;
    l->cap = cap;
  }
  if ((copy = malloc(strlen(path) + 1)) == NULL) return l->oom = -1;
  strcpy(copy, path);
  l->v[l->n++] = copy;
  return 0;
}

static void pathlist_free(pathlist *l) {
  size_t i;
  for (i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Adds every *.yaml under dir (recursively; hidden entries skipped). */
static void walk(pathlist *l, const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  if (d == NULL) return; /* models/ may not exist yet */
  while ((e = readdir(d)) != NULL) {
    char path[4096];
    struct stat st;
    if (e->d_name[0] == '.') continue;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
        sizeof path)
      continue;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode))
      walk(l, path);
    else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".yaml") &&
             pathlist_add(l, path) != 0)
      break;
  }
  closedir(d);
}

/* The spaceflight models (the shipped one and its PEtab wrapper, 204
   and 207 species) run last, in their own test case (main). */
static int is_spaceflight(const char *path) { return strstr(path, "spaceflight") != NULL; }

static int cmp_str(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  if (is_spaceflight(x) != is_spaceflight(y)) return is_spaceflight(x) - is_spaceflight(y);
  return strcmp(x, y);
}

static pathlist all_models(void) {
  pathlist l = {NULL, 0, 0, 0};
  walk(&l, "models");
  walk(&l, "tests/models");
  if (l.n > 1) qsort(l.v, l.n, sizeof *l.v, cmp_str);
  return l;
}

/* ------------------------------------------------------ the check */

/* xorshift64*: a fixed, portable sequence in [0, 1). */
static double next_uniform(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return (double)((x * UINT64_C(2685821657736338717)) >> 11) * 0x1.0p-53;
}

static uint64_t seed_of(const char *path) { /* FNV-1a */
  uint64_t h = UINT64_C(14695981039346656037);
  for (; *path; path++) h = (h ^ (unsigned char)*path) * UINT64_C(1099511628211);
  return h ? h : 1;
}

typedef struct worst {
  double ratio; /* |J - J_fd| / tolerance, largest seen */
  int point, row, col;
  double analytic, fd;
} worst;

static void eval(muskx_sim *s, const double *y, double *f, double *jac,
                 const char *path) {
  muskx_status st = muskx_sim_eval_rhs(s, 0.0, y, f, jac);
  ck_assert_msg(st == MUSKX_OK, "%s: muskx_sim_eval_rhs -> %s: %s", path,
                muskx_status_name(st), muskx_sim_errmsg(s));
}

/* Richardson-extrapolated central difference of f along e_j, (4 D(h/2) -
   D(h)) / 3, into col (n values); fp, fm, d1 and d2 are scratch. */
static void richardson(muskx_sim *s, double *y, int n, int j, double h,
                       double *fp, double *fm, double *d1, double *d2,
                       double *col, const char *path);

/* Central difference of f along e_j with step h, into col (n values). */
static void central(muskx_sim *s, double *y, int n, int j, double h,
                    double *fp, double *fm, double *col, const char *path) {
  double yj = y[j];
  int i;
  y[j] = yj + h;
  eval(s, y, fp, NULL, path);
  y[j] = yj - h;
  eval(s, y, fm, NULL, path);
  y[j] = yj;
  for (i = 0; i < n; i++) col[i] = (fp[i] - fm[i]) / (2.0 * h);
}

static void richardson(muskx_sim *s, double *y, int n, int j, double h,
                       double *fp, double *fm, double *d1, double *d2,
                       double *col, const char *path) {
  int i;
  central(s, y, n, j, h, fp, fm, d1, path);
  central(s, y, n, j, h / 2, fp, fm, d2, path);
  for (i = 0; i < n; i++) col[i] = (4.0 * d2[i] - d1[i]) / 3.0;
}

/* The pass bound of an entry (see the header) for difference step h. */
static double bound(double a, double d, double F, double h) {
  return JAC_RTOL * fmax(fabs(a), fabs(d)) + 100.0 * DBL_EPSILON * F / h +
         DBL_MIN;
}

/* |a - J_fd| / bound of entry (i, j) re-checked at the steps h/100 and
   h/1000 (see the header): its ratio there when the two agree, else the
   original ratio. c10 and c100 are scratch columns. */
static double refined_ratio(muskx_sim *s, double *y, int n, int i, int j,
                            double h, double a, double F, double ratio,
                            double *fp, double *fm, double *d1, double *d2,
                            double *c10, double *c100, const char *path) {
  richardson(s, y, n, j, h / 100, fp, fm, d1, d2, c10, path);
  richardson(s, y, n, j, h / 1000, fp, fm, d1, d2, c100, path);
  if (fabs(c10[i] - c100[i]) > bound(c10[i], c100[i], F, h / 1000))
    return ratio; /* not converged: keep the failure */
  return fabs(a - c100[i]) / bound(a, c100[i], F, h / 1000);
}

static void check_model(const char *path) {
  muskx_model *m = tu_load(path);
  muskx_sim *s = tu_sim(m);
  int n = muskx_model_count(m, MUSKX_SPECIES);
  int nnz = muskx_model_jacobian_nnz(m);
  size_t nn = (size_t)(n > 0 ? n : 1);
  double *y0 = calloc(nn, sizeof *y0), *y = calloc(nn, sizeof *y);
  double *f = calloc(nn, sizeof *f), *f2 = calloc(nn, sizeof *f2);
  double *fp = calloc(nn, sizeof *fp), *fm = calloc(nn, sizeof *fm);
  double *d1 = calloc(nn, sizeof *d1), *d2 = calloc(nn, sizeof *d2);
  double *ja = calloc(nn * nn, sizeof *ja), *jfd = calloc(nn * nn, sizeof *jfd);
  double *hs = calloc(nn, sizeof *hs);
  double *c10 = calloc(nn, sizeof *c10), *c100 = calloc(nn, sizeof *c100);
  char *structural = calloc(nn * nn, 1);
  int *prow = calloc((size_t)(nnz > 0 ? nnz : 1), sizeof *prow);
  int *pcol = calloc((size_t)(nnz > 0 ? nnz : 1), sizeof *pcol);
  uint64_t rng = seed_of(path);
  worst w = {0.0, -1, -1, -1, 0.0, 0.0};
  double scale = 1.0;
  int p, i, j, k;

  ck_assert(y0 && y && f && f2 && fp && fm && d1 && d2 && ja && jfd && hs &&
            c10 && c100 && structural && prow && pcol);
  ck_assert_msg(n >= 0 && nnz >= 0, "%s: bad counts", path);
  ck_assert_int_eq(muskx_model_jacobian_pattern(m, prow, pcol), nnz);
  for (k = 0; k < nnz; k++) {
    ck_assert(prow[k] >= 0 && prow[k] < n && pcol[k] >= 0 && pcol[k] < n);
    structural[(size_t)pcol[k] * nn + (size_t)prow[k]] = 1;
  }
  for (j = 0; j < n; j++) {
    y0[j] = muskx_model_default(m, MUSKX_SPECIES, j);
    ck_assert_msg(isfinite(y0[j]), "%s: initial value of %s is %g", path,
                  muskx_model_name_at(m, MUSKX_SPECIES, j), y0[j]);
    if (fabs(y0[j]) > scale) scale = fabs(y0[j]);
  }

  for (p = 0; p < NPOINTS && n > 0; p++) {
    /* Near the defaults: +-10 % of a nonzero value; a zero becomes a
       small positive amount (1e-4 .. 1.1e-3 of the model's scale). */
    for (j = 0; j < n; j++) {
      double u = next_uniform(&rng);
      y[j] = y0[j] != 0.0 ? y0[j] * (1.0 + 0.2 * (u - 0.5))
                          : scale * 1e-3 * (0.1 + u);
      hs[j] = 1e-3 * fabs(y[j]);
    }
    eval(s, y, f, ja, path);
    eval(s, y, f2, NULL, path); /* the RHS does not depend on asking for J */
    for (i = 0; i < n; i++) {
      ck_assert_msg(isfinite(f[i]), "%s: f[%s] = %g at point %d", path,
                    muskx_model_name_at(m, MUSKX_SPECIES, i), f[i], p);
      ck_assert_msg(f[i] == f2[i], "%s: f[%d] differs with and without J",
                    path, i);
    }
    for (j = 0; j < n; j++)
      richardson(s, y, n, j, hs[j], fp, fm, d1, d2, jfd + (size_t)j * nn, path);
    for (i = 0; i < n; i++) {
      double F = fabs(f[i]);
      for (k = 0; k < n; k++) F += fabs(jfd[(size_t)k * nn + (size_t)i] * y[k]);
      for (j = 0; j < n; j++) {
        size_t at = (size_t)j * nn + (size_t)i; /* column-major, as the API */
        double a = ja[at], d = jfd[at];
        double ratio = fabs(a - d) / bound(a, d, F, hs[j]);
        if (ratio > 1.0)
          ratio = refined_ratio(s, y, n, i, j, hs[j], a, F, ratio, fp, fm,
                                d1, d2, c10, c100, path);
        ck_assert_msg(isfinite(a), "%s: J[%s][%s] = %g at point %d", path,
                      muskx_model_name_at(m, MUSKX_SPECIES, i),
                      muskx_model_name_at(m, MUSKX_SPECIES, j), a, p);
        ck_assert_msg(a == 0.0 || structural[at],
                      "%s: J[%s][%s] = %g outside the structural pattern",
                      path, muskx_model_name_at(m, MUSKX_SPECIES, i),
                      muskx_model_name_at(m, MUSKX_SPECIES, j), a);
        if (!(ratio <= w.ratio)) {
          w.ratio = ratio;
          w.point = p, w.row = i, w.col = j, w.analytic = a, w.fd = d;
        }
      }
    }
  }
  ck_assert_msg(w.ratio <= 1.0,
                "%s: worst entry d f[%s] / d %s at point %d: analytic %.10g, "
                "finite differences %.10g (%.2f x tolerance)",
                path, muskx_model_name_at(m, MUSKX_SPECIES, w.row),
                muskx_model_name_at(m, MUSKX_SPECIES, w.col), w.point,
                w.analytic, w.fd, w.ratio);

  free(y0), free(y), free(f), free(f2), free(fp), free(fm), free(d1);
  free(d2), free(ja), free(jfd), free(hs), free(c10), free(c100);
  free(structural), free(prow);
  free(pcol);
  muskx_sim_free(s);
  muskx_model_free(m);
}

/* _i indexes the sorted list of models (the spaceflight ones last) (the list is rebuilt per test, so
   no state is shared between tests). */
START_TEST(the_jacobian_of_every_model_matches_finite_differences) {
  pathlist l = all_models();
  ck_assert_msg(l.oom == 0, "out of memory listing models");
  ck_assert_msg((size_t)_i < l.n, "model %d of %zu vanished", _i, l.n);
  check_model(l.v[_i]);
  pathlist_free(&l);
}
END_TEST

START_TEST(the_model_directories_hold_models) {
  pathlist l = all_models();
  ck_assert_msg(l.oom == 0, "out of memory listing models");
  ck_assert_msg(l.n > 0, "no *.yaml under models/ or tests/models/ (run the "
                         "tests from the repository root)");
  pathlist_free(&l);
}
END_TEST

int main(void) {
  Suite *s = suite_create("jacobian");
  TCase *tc = tcase_create("finite_differences");
  pathlist l = all_models();

  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, the_model_directories_hold_models);
  int nsf = 0;
  for (size_t i = 0; i < l.n; i++) nsf += is_spaceflight(l.v[i]);
  tcase_add_loop_test(tc, the_jacobian_of_every_model_matches_finite_differences,
                      0, (int)l.n - nsf);
  suite_add_tcase(s, tc);
  /* the spaceflight models: more than 90 % of this binary's CPU time */
  TCase *sf = tu_long_tcase("spaceflight");
  tcase_set_timeout(sf, 60);
  tcase_add_loop_test(sf, the_jacobian_of_every_model_matches_finite_differences,
                      (int)l.n - nsf, (int)l.n);
  suite_add_tcase(s, sf);
  pathlist_free(&l);

  return tu_run_suite(s);
}
