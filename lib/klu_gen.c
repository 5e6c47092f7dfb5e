/*
 * klu_gen.c -- KLU's solve as generated straight-line C for one factor
 * structure (see klu_gen.h).
 *
 * The statements follow klu_l_solve (KLU 1.3, SuiteSparse 5) for one
 * right-hand side exactly: X = P (R \ b); for each block from the last
 * one (KLU keeps the row scale factors Rs in pivot order), a
 * singleton divided by its pivot or L then U solved column by
 * column, then the block's off-diagonal columns subtracted from the rows
 * above; b = Q X. Each update is KLU's `X[i] -= l * x` with one rounding
 * per operation (vm_native compiles with -ffp-contract=off), so the
 * results are bit-identical. A factor's L and U columns live in
 * LUbx[block] as Llen indices followed by Llen values from Lip (same
 * for U); with 64-bit indices and real values one index takes one
 * value's room, which is checked.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include "klu_gen.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "vm_native.h"

struct muskx__klu_gen {
  pthread_mutex_t lock;
  char *cc, *cache_dir;
  long timeout_ms;
  int tried;                 /* the first structure was compiled or failed */
  void *handle;              /* its shared object */
  muskx__klu_solve_fn solve; /* its solve, or NULL */
  muskx__klu_refactor_fn refactor; /* its refactorisation */
  SuiteSparse_long *desc;    /* its structure (describe()) */
  size_t ndesc;
  long matches;              /* factors given the compiled solve */
};

static char *dup_or_null(const char *s, int *oom) {
  if (s == NULL) return NULL;
  char *d = muskx__calloc(strlen(s) + 1, 1);
  if (d == NULL) *oom = 1;
  else memcpy(d, s, strlen(s));
  return d;
}

muskx__klu_gen *muskx__klu_gen_new(const char *cc, const char *cache_dir,
                                   long timeout_ms) {
  muskx__klu_gen *g = muskx__calloc(1, sizeof *g);
  if (g == NULL) return NULL;
  int oom = 0;
  g->cc = dup_or_null(cc, &oom);
  g->cache_dir = dup_or_null(cache_dir, &oom);
  g->timeout_ms = timeout_ms;
  if (oom || pthread_mutex_init(&g->lock, NULL) != 0) {
    muskx__free(g->cc);
    muskx__free(g->cache_dir);
    muskx__free(g);
    return NULL;
  }
  return g;
}

void muskx__klu_gen_free(muskx__klu_gen *g) {
  if (g == NULL) return;
  pthread_mutex_destroy(&g->lock);
  if (g->handle != NULL) dlclose(g->handle);
  muskx__free(g->desc);
  muskx__free(g->cc);
  muskx__free(g->cache_dir);
  muskx__free(g);
}

/* Statements of one generated solve at most: GCC's time on it grows
   faster than linearly (measured -O1, FRE off: 1,200 statements 0.16
   CPU-s, 5,000 2.3 s, 40,000 120 s and 2 GB, 19 s even in functions of
   1,000), and a larger factor is solved by KLU. */
#define MAX_OPS 8000

/* 1 when the factor is KLU's real, 64-bit layout we generate for, and
   not too large. */
static int supported(const klu_l_symbolic *sym, const klu_l_numeric *num,
                     const SuiteSparse_long *Ap, int scale) {
  if (sym == NULL || num == NULL || Ap == NULL ||
      sizeof(SuiteSparse_long) != sizeof(double) || num->n != sym->n ||
      num->nblocks != sym->nblocks || num->n <= 0 || num->n > MAX_OPS ||
      (scale > 0) != (num->Rs != NULL))
    return 0;
  /* solve and refactorisation: about one statement per entry of A, L, U
     and per update */
  double ops = 4.0 * (double)num->n + 2.0 * (double)Ap[num->n];
  for (SuiteSparse_long b = 0; b < num->nblocks; b++)
    if (sym->R[b + 1] - sym->R[b] > 1)
      for (SuiteSparse_long k = sym->R[b]; k < sym->R[b + 1]; k++)
        ops += 3.0 * (double)num->Llen[k] + 3.0 * (double)num->Ulen[k];
  return ops <= MAX_OPS;
}

/* Everything that fixes klu_l_solve's operations, as one array (of *len
   numbers; freed by the caller), or NULL when out of memory. */
static SuiteSparse_long *describe(const klu_l_symbolic *sym,
                                  const klu_l_numeric *num,
                                  const SuiteSparse_long *Ap,
                                  const SuiteSparse_long *Ai, int scale,
                                  size_t *len) {
  SuiteSparse_long n = num->n, nb = num->nblocks, *R = sym->R;
  size_t m = 4 + (size_t)(nb + 1) + 4 * (size_t)n + 2 + (size_t)num->nzoff +
             (size_t)Ap[n];
  for (SuiteSparse_long b = 0; b < nb; b++)
    if (R[b + 1] - R[b] > 1)
      for (SuiteSparse_long k = R[b]; k < R[b + 1]; k++)
        m += 4 + (size_t)num->Llen[k] + (size_t)num->Ulen[k];
  SuiteSparse_long *d = muskx__calloc(m + 1, sizeof *d);
  if (d == NULL) return NULL;
  size_t w = 0;
  d[w++] = n;
  d[w++] = nb;
  d[w++] = num->Rs != NULL;
  d[w++] = scale > 1 ? 2 : scale; /* KLU: 2 and more are the same */
  for (SuiteSparse_long k = 0; k <= n; k++) d[w++] = Ap[k];
  for (SuiteSparse_long p = 0; p < Ap[n]; p++) d[w++] = Ai[p];
  for (SuiteSparse_long b = 0; b <= nb; b++) d[w++] = R[b];
  for (SuiteSparse_long k = 0; k < n; k++) d[w++] = sym->Q[k];
  for (SuiteSparse_long k = 0; k < n; k++) d[w++] = num->Pnum[k];
  for (SuiteSparse_long k = 0; k <= n; k++) d[w++] = num->Offp[k];
  for (SuiteSparse_long p = 0; p < num->nzoff; p++) d[w++] = num->Offi[p];
  for (SuiteSparse_long b = 0; b < nb; b++) {
    if (R[b + 1] - R[b] <= 1) continue;
    const SuiteSparse_long *LU = num->LUbx[b];
    for (SuiteSparse_long k = R[b]; k < R[b + 1]; k++) {
      d[w++] = num->Lip[k];
      d[w++] = num->Llen[k];
      for (SuiteSparse_long p = 0; p < num->Llen[k]; p++)
        d[w++] = LU[num->Lip[k] + p];
      d[w++] = num->Uip[k];
      d[w++] = num->Ulen[k];
      for (SuiteSparse_long p = 0; p < num->Ulen[k]; p++)
        d[w++] = LU[num->Uip[k] + p];
    }
  }
  *len = w;
  return d;
}

/* klu_l_refactor's operations (with klu_l_scale's row scale factors
   before them) as the function muskx_klu_refactor: the workspace X
   cleared, each block's columns scattered (scaled), the U column
   computed and cleared entry by entry, the pivot checked, the L column
   divided, exactly in KLU's order (KLU's Rs are computed into W, used
   unpermuted, then stored in pivot order). */
static void refactor_source(FILE *f, const klu_l_symbolic *sym,
                            const klu_l_numeric *num,
                            const SuiteSparse_long *Ap,
                            const SuiteSparse_long *Ai, int scale) {
  SuiteSparse_long n = num->n, nb = num->nblocks, *R = sym->R;
  long mb = (long)sym->maxblock, poff = 0, nzoff = (long)sym->nzoff;
  fprintf(f, "int muskx_klu_refactor(const double *restrict A,void *const *LU,"
             "double *restrict D,double *restrict O,double *restrict Rs){\n"
             "double X[%ld],W[%ld];\n(void)W;(void)Rs;(void)O;\n"
             "for(long i=0;i<%ld;i++)X[i]=0.0;\n",
          mb > 0 ? mb : 1, (long)n, mb);
  const char *div = scale > 0 ? "/W[" : "";
  if (scale > 0) {
    fprintf(f, "for(long i=0;i<%ld;i++)W[i]=0.0;\n", (long)n);
    for (SuiteSparse_long c = 0; c < n; c++)
      for (SuiteSparse_long p = Ap[c]; p < Ap[c + 1]; p++) {
        long r = (long)Ai[p];
        fprintf(f, "{double a=A[%ld]>=0?A[%ld]:-A[%ld];", (long)p, (long)p,
                (long)p);
        if (scale == 1)
          fprintf(f, "W[%ld]+=a;}\n", r);
        else
          fprintf(f, "W[%ld]=W[%ld]>a?W[%ld]:a;}\n", r, r, r);
      }
    fprintf(f, "for(long i=0;i<%ld;i++)if(W[i]==0.0)W[i]=1.0;\n", (long)n);
  }
  for (SuiteSparse_long b = 0; b < nb; b++) {
    long k1 = (long)R[b], nk = (long)(R[b + 1] - R[b]);
    const SuiteSparse_long *LU = num->LUbx[b];
    if (nk == 1) {
      fprintf(f, "{double s=0.0;\n");
    } else {
      fprintf(f, "{double *restrict L=LU[%ld];\n", (long)b);
    }
    for (long k = 0; k < nk; k++) {
      long col = (long)sym->Q[k1 + k];
      for (SuiteSparse_long p = Ap[col]; p < Ap[col + 1]; p++) {
        long row = (long)Ai[p], nr = (long)num->Pinv[row] - k1;
        char val[64];
        if (scale > 0)
          snprintf(val, sizeof val, "A[%ld]%s%ld]", (long)p, div, row);
        else
          snprintf(val, sizeof val, "A[%ld]", (long)p);
        if (nr < 0 && poff < nzoff)
          fprintf(f, "O[%ld]=%s;\n", poff++, val);
        else if (nk == 1)
          fprintf(f, "s=%s;\n", val);
        else
          fprintf(f, "X[%ld]=%s;\n", nr, val);
      }
      if (nk == 1) break;
      long g = k1 + k, uip = (long)num->Uip[g], ulen = (long)num->Ulen[g];
      for (long up = 0; up < ulen; up++) {
        long j = (long)LU[uip + up], gj = k1 + j;
        long lip = (long)num->Lip[gj], llen = (long)num->Llen[gj];
        fprintf(f, "{double u=X[%ld];X[%ld]=0.0;L[%ld]=u;\n", j, j,
                uip + ulen + up);
        for (long p = 0; p < llen; p++)
          fprintf(f, "X[%ld]-=L[%ld]*u;\n", (long)LU[lip + p],
                  lip + llen + p);
        fprintf(f, "}\n");
      }
      long lip = (long)num->Lip[g], llen = (long)num->Llen[g];
      fprintf(f, "{double u=X[%ld];X[%ld]=0.0;if(u==0.0)return 0;"
                 "D[%ld]=u;\n", k, k, g);
      for (long p = 0; p < llen; p++) {
        long i = (long)LU[lip + p];
        fprintf(f, "L[%ld]=X[%ld]/u;X[%ld]=0.0;\n", lip + llen + p, i, i);
      }
      fprintf(f, "}\n");
    }
    if (nk == 1)
      fprintf(f, "D[%ld]=s;}\n", k1);
    else
      fprintf(f, "(void)L;}\n");
  }
  if (scale > 0)
    for (SuiteSparse_long k = 0; k < n; k++)
      fprintf(f, "Rs[%ld]=W[%ld];\n", (long)k, (long)num->Pnum[k]);
  fprintf(f, "return 1;\n}\n");
}

char *muskx__klu_gen_source(const klu_l_symbolic *sym,
                            const klu_l_numeric *num,
                            const SuiteSparse_long *Ap,
                            const SuiteSparse_long *Ai, int scale) {
  if (!supported(sym, num, Ap, scale)) return NULL;
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  if (f == NULL) return NULL;
  SuiteSparse_long n = num->n, nb = num->nblocks, *R = sym->R;
  fprintf(f, "/* generated by libmuskx: klu_l_solve for one factor */\n"
             "#if defined(__GNUC__) && !defined(__clang__)\n"
             "#pragma GCC optimize(\"no-tree-fre\", "
             "\"no-tree-dominator-opts\")\n#endif\n"
             "void muskx_klu_solve(void *const *LU,const double *restrict D,"
             "const double *restrict O,const double *restrict Rs,"
             "double *restrict B){\ndouble X[%ld];\n(void)Rs;(void)O;\n",
          (long)n);
  for (SuiteSparse_long k = 0; k < n; k++) {
    long i = (long)num->Pnum[k];
    if (num->Rs != NULL)
      fprintf(f, "X[%ld]=B[%ld]/Rs[%ld];\n", (long)k, i, (long)k);
    else
      fprintf(f, "X[%ld]=B[%ld];\n", (long)k, i);
  }
  for (SuiteSparse_long b = nb - 1; b >= 0; b--) {
    long k1 = (long)R[b], k2 = (long)R[b + 1];
    if (k2 - k1 == 1) {
      fprintf(f, "X[%ld]=X[%ld]/D[%ld];\n", k1, k1, k1);
    } else {
      const SuiteSparse_long *LU = num->LUbx[b];
      fprintf(f, "{const double *restrict L=LU[%ld];\n", (long)b);
      for (long k = k1; k < k2; k++) { /* L: unit diagonal, not stored */
        long ip = (long)num->Lip[k], len = (long)num->Llen[k];
        for (long p = 0; p < len; p++)
          fprintf(f, "X[%ld]-=L[%ld]*X[%ld];\n", k1 + (long)LU[ip + p],
                  ip + len + p, k);
      }
      for (long k = k2 - 1; k >= k1; k--) {
        long ip = (long)num->Uip[k], len = (long)num->Ulen[k];
        fprintf(f, "X[%ld]=X[%ld]/D[%ld];\n", k, k, k);
        for (long p = 0; p < len; p++)
          fprintf(f, "X[%ld]-=L[%ld]*X[%ld];\n", k1 + (long)LU[ip + p],
                  ip + len + p, k);
      }
      fprintf(f, "}\n");
    }
    if (b > 0)
      for (long k = k1; k < k2; k++)
        for (long p = (long)num->Offp[k]; p < (long)num->Offp[k + 1]; p++)
          fprintf(f, "X[%ld]-=O[%ld]*X[%ld];\n", (long)num->Offi[p], p, k);
  }
  for (SuiteSparse_long k = 0; k < n; k++)
    fprintf(f, "B[%ld]=X[%ld];\n", (long)sym->Q[k], (long)k);
  fprintf(f, "}\n");
  refactor_source(f, sym, num, Ap, Ai, scale);
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) {
    free(text); /* open_memstream's buffer is malloc's */
    return NULL;
  }
  /* into our allocator, which the caller frees with */
  char *copy = muskx__calloc(size + 1, 1);
  if (copy != NULL) memcpy(copy, text, size);
  free(text);
  return copy;
}

/* Under g->lock: generates and compiles the solve for this factor. */
static void compile(muskx__klu_gen *g, const klu_l_symbolic *sym,
                    const klu_l_numeric *num, const SuiteSparse_long *Ap,
                    const SuiteSparse_long *Ai, int scale,
                    SuiteSparse_long *desc, size_t ndesc) {
  char *text = muskx__klu_gen_source(sym, num, Ap, Ai, scale);
  if (text == NULL) return;
  const char *syms[] = {"muskx_klu_solve", "muskx_klu_refactor", NULL};
  char msg[256];
  g->handle = muskx__native_object(text, syms, g->cc, g->cache_dir,
                                   g->timeout_ms, msg, sizeof msg);
  muskx__free(text);
  if (g->handle == NULL) return; /* the members keep klu_l_solve */
  SuiteSparse_long *copy = muskx__calloc(ndesc + 1, sizeof *copy);
  if (copy == NULL) return;
  memcpy(copy, desc, ndesc * sizeof *copy);
  void *fn = dlsym(g->handle, "muskx_klu_solve");
  memcpy(&g->solve, &fn, sizeof fn); /* POSIX: object to function pointer */
  fn = dlsym(g->handle, "muskx_klu_refactor");
  memcpy(&g->refactor, &fn, sizeof fn);
  g->desc = copy;
  g->ndesc = ndesc;
}

muskx__klu_solve_fn muskx__klu_gen_match(muskx__klu_gen *g,
                                         const klu_l_symbolic *sym,
                                         const klu_l_numeric *num,
                                         const SuiteSparse_long *Ap,
                                         const SuiteSparse_long *Ai, int scale,
                                         muskx__klu_refactor_fn *refactor) {
  if (refactor != NULL) *refactor = NULL;
  if (g == NULL || !supported(sym, num, Ap, scale)) return NULL;
  size_t ndesc = 0;
  SuiteSparse_long *desc = describe(sym, num, Ap, Ai, scale, &ndesc);
  if (desc == NULL) return NULL;
  muskx__klu_solve_fn fn = NULL;
  pthread_mutex_lock(&g->lock);
  if (!g->tried) {
    g->tried = 1;
    compile(g, sym, num, Ap, Ai, scale, desc, ndesc);
  }
  if (g->solve != NULL && g->ndesc == ndesc &&
      memcmp(g->desc, desc, ndesc * sizeof *desc) == 0)
    fn = g->solve;
  if (fn != NULL) g->matches++;
  if (fn != NULL && refactor != NULL) *refactor = g->refactor;
  pthread_mutex_unlock(&g->lock);
  muskx__free(desc);
  return fn;
}

long muskx__klu_gen_matches(muskx__klu_gen *g) {
  if (g == NULL) return 0;
  pthread_mutex_lock(&g->lock);
  long n = g->matches;
  pthread_mutex_unlock(&g->lock);
  return n;
}
