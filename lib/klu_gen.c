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
#define MAX_OPS 5000

/* 1 when the factor is KLU's real, 64-bit layout we generate for, and
   not too large. */
static int supported(const klu_l_symbolic *sym, const klu_l_numeric *num) {
  if (sym == NULL || num == NULL || sizeof(SuiteSparse_long) != sizeof(double) ||
      num->n != sym->n || num->nblocks != sym->nblocks || num->n <= 0 ||
      num->n > MAX_OPS)
    return 0;
  double ops = 3.0 * (double)num->n + (double)num->nzoff;
  for (SuiteSparse_long b = 0; b < num->nblocks; b++)
    if (sym->R[b + 1] - sym->R[b] > 1)
      for (SuiteSparse_long k = sym->R[b]; k < sym->R[b + 1]; k++)
        ops += (double)num->Llen[k] + (double)num->Ulen[k];
  return ops <= MAX_OPS;
}

/* Everything that fixes klu_l_solve's operations, as one array (of *len
   numbers; freed by the caller), or NULL when out of memory. */
static SuiteSparse_long *describe(const klu_l_symbolic *sym,
                                  const klu_l_numeric *num, size_t *len) {
  SuiteSparse_long n = num->n, nb = num->nblocks, *R = sym->R;
  size_t m = 3 + (size_t)(nb + 1) + 3 * (size_t)n + 1 + (size_t)num->nzoff;
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

char *muskx__klu_gen_source(const klu_l_symbolic *sym,
                            const klu_l_numeric *num) {
  if (!supported(sym, num)) return NULL;
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
                    const klu_l_numeric *num, SuiteSparse_long *desc,
                    size_t ndesc) {
  char *text = muskx__klu_gen_source(sym, num);
  if (text == NULL) return;
  const char *syms[] = {"muskx_klu_solve", NULL};
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
  g->desc = copy;
  g->ndesc = ndesc;
}

muskx__klu_solve_fn muskx__klu_gen_match(muskx__klu_gen *g,
                                         const klu_l_symbolic *sym,
                                         const klu_l_numeric *num) {
  if (g == NULL || !supported(sym, num)) return NULL;
  size_t ndesc = 0;
  SuiteSparse_long *desc = describe(sym, num, &ndesc);
  if (desc == NULL) return NULL;
  muskx__klu_solve_fn fn = NULL;
  pthread_mutex_lock(&g->lock);
  if (!g->tried) {
    g->tried = 1;
    compile(g, sym, num, desc, ndesc);
  }
  if (g->solve != NULL && g->ndesc == ndesc &&
      memcmp(g->desc, desc, ndesc * sizeof *desc) == 0)
    fn = g->solve;
  if (fn != NULL) g->matches++;
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
