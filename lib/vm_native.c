/*
 * vm_native.c -- generates C for a model's right-hand side and Jacobian,
 * compiles it with the system's C compiler into a shared object, and loads
 * it (see vm_native.h).
 *
 * Invariants: each VM instruction becomes one C statement over the same
 * register file R with the same operation (libm's pow/exp/... for the
 * functions, one rounding per arithmetic operation: -ffp-contract=off), so
 * native and VM results are identical bit for bit (tests/test_vm_native.c).
 * Constants are read from R as the VM does, so the compiler folds nothing
 * the VM does not. The compiler runs without a shell (posix_spawnp); the
 * shared object is written under a unique name and renamed into place, so
 * concurrent builders never load a half-written file, and its name is the
 * hash of the source and the command, so a changed model never loads stale
 * code.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "vm_native.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "klu_gen.h"
#include "vm.h"

extern char **environ;

/* Statements per generated function: keeps the compiler's time linear in
   the program's size (one huge function is superlinear at -O1). */
#define CHUNK 1000

typedef struct {
  char *s;
  size_t len, cap;
  int oom;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) MUSKX__PRINTF(2, 3);
static void put(sbuf *b, const char *fmt, ...) {
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->oom = 1;
      return;
    }
    if ((size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = 2 * b->cap + (size_t)n + 64;
    char *s = muskx__realloc(b->s, cap);
    if (s == NULL) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
}

/* The C function of one unary opcode, or NULL. */
static const char *unary_fn(muskx__opcode op) {
  switch (op) {
    case MUSKX__OP_EXP: return "exp";
    case MUSKX__OP_LOG: return "log";
    case MUSKX__OP_LOG10: return "log10";
    case MUSKX__OP_SQRT: return "sqrt";
    case MUSKX__OP_ABS: return "fabs";
    case MUSKX__OP_FLOOR: return "floor";
    case MUSKX__OP_CEIL: return "ceil";
    case MUSKX__OP_SIN: return "sin";
    case MUSKX__OP_COS: return "cos";
    case MUSKX__OP_TAN: return "tan";
    case MUSKX__OP_TANH: return "tanh";
    case MUSKX__OP_ASIN: return "asin";
    case MUSKX__OP_ACOS: return "acos";
    case MUSKX__OP_ATAN: return "atan";
    default: return NULL;
  }
}

/* The C operator of one binary opcode, or NULL. */
static const char *binary_op(muskx__opcode op) {
  switch (op) {
    case MUSKX__OP_ADD: return "+";
    case MUSKX__OP_SUB: return "-";
    case MUSKX__OP_MUL: return "*";
    case MUSKX__OP_DIV: return "/";
    case MUSKX__OP_LT: return "<";
    case MUSKX__OP_LE: return "<=";
    case MUSKX__OP_GT: return ">";
    case MUSKX__OP_GE: return ">=";
    case MUSKX__OP_EQ: return "==";
    case MUSKX__OP_NE: return "!=";
    default: return NULL;
  }
}

/* Where a register lives in generated code: R[r], or C[slot] when the
   program's instruction writing it depends on parameters only (hoisted). */
typedef struct {
  int32_t *slot; /* per register: C index, or -1 */
} where;

static void operand(char *buf, size_t n, const where *w, int32_t r) {
  if (w->slot[r] >= 0)
    snprintf(buf, n, "C[%d]", (int)w->slot[r]);
  else
    snprintf(buf, n, "R[%d]", (int)r);
}

/* One statement with vm.c's semantics (the operands are read before the
   result is stored, as there); POW through the VM's own expression
   (vm.h's MUSKX__POW_SOURCE). */
static void statement(sbuf *b, const where *w, const muskx__instr *in) {
  muskx__opcode op = (muskx__opcode)in->op;
  char A[32], X[32], Y[32], Z[32];
  operand(A, sizeof A, w, in->a);
  operand(X, sizeof X, w, in->b);
  operand(Y, sizeof Y, w, in->c);
  operand(Z, sizeof Z, w, in->d);
  const char *f = unary_fn(op), *o = binary_op(op);
  if (f != NULL) {
    put(b, "%s=%s(%s);\n", A, f, X);
  } else if (o != NULL) {
    put(b, "%s=%s%s%s;\n", A, X, o, Y);
  } else {
    switch (op) {
      case MUSKX__OP_NEG: put(b, "%s=-%s;\n", A, X); break;
      case MUSKX__OP_NOT: put(b, "%s=%s==0.0;\n", A, X); break;
      case MUSKX__OP_SIGN: put(b, "%s=(%s>0)-(%s<0);\n", A, X, X); break;
      case MUSKX__OP_SQR: put(b, "%s=%s*%s;\n", A, X, X); break;
      case MUSKX__OP_POW:
        put(b, "%s=muskx_pow(%s,%s);\n", A, X, Y);
        break;
      case MUSKX__OP_MIN:
        put(b, "{double B=%s,D=%s;%s=B<D?B:D;}\n", X, Y, A);
        break;
      case MUSKX__OP_MAX:
        put(b, "{double B=%s,D=%s;%s=B>D?B:D;}\n", X, Y, A);
        break;
      case MUSKX__OP_AND:
        put(b, "%s=(%s!=0.0)&&(%s!=0.0);\n", A, X, Y);
        break;
      case MUSKX__OP_OR:
        put(b, "%s=(%s!=0.0)||(%s!=0.0);\n", A, X, Y);
        break;
      case MUSKX__OP_IF: put(b, "%s=%s!=0.0?%s:%s;\n", A, X, Y, Z); break;
      case MUSKX__OP_MULADD: put(b, "%s=%s*%s+%s;\n", A, X, Y, Z); break;
      default: /* unreachable: every opcode is handled above */
        b->oom = 1;
        break;
    }
  }
}

static int arity(muskx__opcode op) {
  if (op == MUSKX__OP_IF || op == MUSKX__OP_MULADD) return 3;
  if (op >= MUSKX__OP_ADD) return 2;
  return 1;
}

/* A register that keeps its value while the parameters keep theirs:
   a literal constant or a parameter-like slot (parameters, volumes). */
static int fixed_leaf(const muskx__program *p, int32_t r) {
  return r < p->nconst ||
         (r >= p->reg_param0 && r < p->reg_param0 + p->nparamlike);
}

/* Emits statements [from, to) of pr that are (hoisted) or are not hoisted,
   as functions name_tag_0, name_tag_1, ... of CHUNK statements; their
   count. */
static int chunks(sbuf *b, const where *w, const char *name, const char *tag,
                  const muskx__prog *pr, int hoisted) {
  int n = 0, in_chunk = 0;
  for (int i = 0; i < pr->ncode; i++) {
    if ((w->slot[pr->code[i].a] >= 0) != hoisted) continue;
    if (in_chunk == 0)
      put(b, "__attribute__((noinline)) static void %s_%s%d(double *restrict"
             " R,double *restrict C){\n", name, tag, n++);
    statement(b, w, &pr->code[i]);
    if (++in_chunk == CHUNK) {
      put(b, "}\n");
      in_chunk = 0;
    }
  }
  if (in_chunk > 0) put(b, "}\n");
  return n;
}

/* The function muskx_native_NAME(R, C) for pr. Instructions reading only
   constants, parameters and such instructions are computed into C (from
   *c0 on: a valid flag, the parameters they read as last seen, their
   values) and again only when one of those parameters changed bitwise,
   since events and scenario phases may set parameters mid-run. */
static int function(sbuf *b, const muskx__program *p, const char *name,
                    const muskx__prog *pr, int32_t *slot, int32_t *c0) {
  int32_t nregs = p->nregs;
  int32_t *dep = muskx__calloc((size_t)nregs + 1, sizeof *dep);
  uint8_t *seen = muskx__calloc((size_t)nregs + 1, 1);
  if (dep == NULL || seen == NULL) {
    muskx__free(dep);
    muskx__free(seen);
    return -1;
  }
  where w = {slot};
  for (int32_t r = 0; r < nregs; r++) slot[r] = -1;
  int32_t ndep = 0, nh = 0;
  /* first pass: which instructions hoist, which parameters they read */
  for (int i = 0; i < pr->ncode; i++) {
    const muskx__instr *in = &pr->code[i];
    int32_t ops[3] = {in->b, in->c, in->d};
    int k, ar = arity((muskx__opcode)in->op), ok = 1;
    for (k = 0; k < ar; k++)
      if (!fixed_leaf(p, ops[k]) && slot[ops[k]] < 0) ok = 0;
    if (!ok) continue;
    for (k = 0; k < ar; k++)
      if (ops[k] >= p->nconst && slot[ops[k]] < 0 && !seen[ops[k]]) {
        seen[ops[k]] = 1;
        dep[ndep++] = ops[k];
      }
    slot[in->a] = 0; /* numbered below, once ndep is known */
    nh++;
  }
  int32_t base = *c0 + 1 + ndep, next = base;
  for (int i = 0; i < pr->ncode; i++)
    if (slot[pr->code[i].a] == 0) slot[pr->code[i].a] = next++;
  int nhc = chunks(b, &w, name, "h", pr, 1);
  int nc = chunks(b, &w, name, "", pr, 0);
  /* NAME_body: the part computed at every call, the cached part as it
     is (muskx_native_rhs_dy_cached runs it without the check) */
  put(b, "static void %s_body(double *restrict R,double *restrict C){\n",
      name);
  for (int k = 0; k < nc; k++) put(b, "%s_%d(R,C);\n", name, k);
  /* results computed into C go back where the caller reads them */
  for (int32_t i = 0; i < pr->nresults; i++)
    if (slot[pr->results[i]] >= 0)
      put(b, "R[%d]=C[%d];\n", (int)pr->results[i],
          (int)slot[pr->results[i]]);
  put(b, "}\n");
  put(b, "void muskx_native_%s(double *restrict R,double *restrict C){\n",
      name);
  if (nh > 0) {
    /* branch-free: one xor per parameter read */
    put(b, "double *S=C+%d;\nuint64_t d=bits(C[%d])^bits(1.0);\n",
        (int)*c0 + 1, (int)*c0);
    for (int32_t k = 0; k < ndep; k++)
      put(b, "d|=bits(S[%d])^bits(R[%d]);\n", (int)k, (int)dep[k]);
    put(b, "if(d!=0){\n");
    for (int k = 0; k < nhc; k++) put(b, "%s_h%d(R,C);\n", name, k);
    for (int32_t k = 0; k < ndep; k++)
      put(b, "S[%d]=R[%d];\n", (int)k, (int)dep[k]);
    put(b, "C[%d]=1.0;\n}\n", (int)*c0);
  }
  put(b, "%s_body(R,C);\n}\n", name);
  *c0 = next;
  muskx__free(dep);
  muskx__free(seen);
  return 0;
}

/* muskx_native_rhs_dy(R, C, dy): muskx_native_rhs, then dy[i] = result i
   (from R or C, where function() left it: the same value) as straight
   code, one load and one store each. slot is function()'s for rhs. */
static int results_to(sbuf *b, const muskx__prog *pr, const int32_t *slot) {
  /* muskx_native_rhs_dy_cached(R, C, dy): the same with rhs_body, i.e.
     the cached part as it is, not checked against the parameters */
  for (int cached = 0; cached <= 1; cached++) {
    put(b, "void muskx_native_rhs_dy%s(double *restrict R,double *restrict "
           "C,double *restrict dy){\n%s(R,C);\n", cached ? "_cached" : "",
        cached ? "rhs_body" : "muskx_native_rhs");
    for (int32_t i = 0; i < pr->nresults; i++) {
      int32_t r = pr->results[i];
      if (slot[r] >= 0)
        put(b, "dy[%d]=C[%d];\n", (int)i, (int)slot[r]);
      else
        put(b, "dy[%d]=R[%d];\n", (int)i, (int)r);
    }
    put(b, "}\n");
  }
  return 0;
}

char *muskx__native_source(const muskx__program *p, const muskx__prog *kept,
                           int32_t *ncache) {
  sbuf b = {NULL, 0, 0, 0};
  int32_t *slot = muskx__calloc((size_t)p->nregs + 1, sizeof *slot);
  int32_t c0 = 0;
  put(&b, "/* generated by libmuskx from a model's VM programs */\n"
          "#include <math.h>\n#include <stdint.h>\n#include <string.h>\n"
          /* GCC's redundancy eliminations find nothing in SSA code that
             the compiler (compile.c) did not already share, and take 60 %
             of GCC's time on the crosstalk model (3.2 -> 1.3 CPU-s) */
          "#if defined(__GNUC__) && !defined(__clang__)\n"
          "#pragma GCC optimize(\"no-tree-fre\", \"no-tree-dominator-opts\")\n"
          "#endif\n"
          "static inline uint64_t bits(double x){uint64_t u;"
          "memcpy(&u,&x,sizeof u);return u;}\n" MUSKX__POW_SOURCE);
  if (slot == NULL || function(&b, p, "rhs", &p->rhs, slot, &c0) != 0 ||
      results_to(&b, &p->rhs, slot) != 0 ||
      function(&b, p, "jac", &p->jac, slot, &c0) != 0 ||
      (kept != NULL && function(&b, p, "out", kept, slot, &c0) != 0))
    b.oom = 1;
  muskx__free(slot);
  if (b.oom) {
    muskx__free(b.s);
    return NULL;
  }
  if (ncache != NULL) *ncache = c0;
  return b.s;
}

/* FNV-1a, 64 bits: names the cached object after what it was built from. */
static uint64_t fnv1a(uint64_t h, const char *s) {
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
  return h;
}

static void say(char *msg, size_t size, const char *fmt, ...)
    MUSKX__PRINTF(3, 4);
static void say(char *msg, size_t size, const char *fmt, ...) {
  if (msg == NULL || size == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, size, fmt, ap);
  va_end(ap);
}

/* Writes text to fd and closes it. */
static int write_all(int fd, const char *text) {
  size_t n = strlen(text), off = 0;
  while (off < n) {
    ssize_t w = write(fd, text + off, n - off);
    if (w <= 0 && errno != EINTR) {
      close(fd);
      return -1;
    }
    if (w > 0) off += (size_t)w;
  }
  return close(fd);
}

/* The flags after the compiler's name; part of the cache key. */
static const char *const FLAGS[] = {"-O1", "-fPIC", "-shared",
                                    "-ffp-contract=off", "-fno-fast-math",
                                    "-w", "-x", "c"};
#define NFLAGS (sizeof FLAGS / sizeof FLAGS[0])

/* Waits for the compiler pid at most timeout_ms; kills its process group
   (the driver and its cc1, as, ld) when it takes longer: a compiler that
   hangs (waits on a licence server, a tty, a lock) must not hang the
   ensemble. 0 with *status, 1 on timeout, -1 with errno. */
static int wait_compiler(pid_t pid, long timeout_ms, int *status) {
  struct timespec t0, now, nap = {0, 5000000}; /* 5 ms between looks */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return 0;
    if (r < 0 && errno != EINTR) return -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (long)(now.tv_sec - t0.tv_sec) * 1000 +
              (now.tv_nsec - t0.tv_nsec) / 1000000;
    if (ms > timeout_ms) {
      kill(-pid, SIGKILL);
      while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
      }
      return 1;
    }
    nanosleep(&nap, NULL);
  }
}

/* Runs cc on src into out (stdin /dev/null, stdout discarded, stderr to
   errpath, in a process group of its own); on failure the first line of
   its complaint. */
static int run_compiler(const char *cc, const char *src, const char *out,
                        const char *errpath, long timeout_ms, char *msg,
                        size_t size) {
  char *argv[NFLAGS + 8];
  size_t k = 0;
  argv[k++] = (char *)cc;
  for (size_t i = 0; i < NFLAGS; i++) argv[k++] = (char *)FLAGS[i];
  argv[k++] = (char *)src;
  argv[k++] = (char *)"-x";
  argv[k++] = (char *)"none";
  argv[k++] = (char *)"-o";
  argv[k++] = (char *)out;
  argv[k++] = (char *)"-lm";
  argv[k] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  if (posix_spawn_file_actions_init(&fa) != 0) {
    say(msg, size, "cannot start the C compiler '%s' (out of memory)", cc);
    return -1;
  }
  if (posix_spawnattr_init(&at) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    say(msg, size, "cannot start the C compiler '%s' (out of memory)", cc);
    return -1;
  }
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, errpath,
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int rc = posix_spawnp(&pid, cc, &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  if (rc != 0) {
    say(msg, size, "cannot run the C compiler '%s': %s", cc, strerror(rc));
    return -1;
  }
  int status = 0;
  rc = wait_compiler(pid, timeout_ms, &status);
  if (rc < 0) {
    say(msg, size, "waiting for the C compiler '%s': %s", cc,
        strerror(errno));
    return -1;
  }
  if (rc > 0) {
    say(msg, size, "the C compiler '%s' did not finish within %ld s and "
        "was stopped (is it waiting for input, a lock or a licence? "
        "another compiler may do)", cc,
        timeout_ms / 1000);
    return -1;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  char line[200] = "";
  FILE *f = fopen(errpath, "r");
  if (f != NULL) {
    if (fgets(line, sizeof line, f) == NULL) line[0] = '\0';
    fclose(f);
  }
  line[strcspn(line, "\n")] = '\0';
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && line[0] == '\0')
    /* the child could not exec it (posix_spawn may report it so) */
    say(msg, size, "cannot run the C compiler '%s' (exit status 127: not "
        "found?)", cc);
  else if (WIFEXITED(status))
    say(msg, size, "the C compiler '%s' failed (exit status %d%s%s)", cc,
        WEXITSTATUS(status), line[0] ? ": " : "", line);
  else
    say(msg, size, "the C compiler '%s' was killed (signal %d)", cc,
        WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return -1;
}

/* Code is loaded from the cache only where no one else could have put it:
   a folder (not a link) owned by this user and writable by no one else,
   and a regular file likewise. Anything else could run another user's
   code in this process. */
static int private_entry(const char *path, int want_dir) {
  struct stat st;
  if (lstat(path, &st) != 0 || st.st_uid != geteuid() ||
      (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return 0;
  return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* Compiles src_text in dir into final (renamed into place when done). */
static int build_in(const char *dir, const char *cc, const char *src_text,
                    uint64_t key, const char *final, long timeout_ms,
                    char *msg, size_t size) {
  char src[4096], out[4200], err[4200];
  /* a relative folder named -something would read as an option */
  snprintf(src, sizeof src, "%s%s/.muskx-%016llx-XXXXXX",
           dir[0] == '-' ? "./" : "", dir, (unsigned long long)key);
  int fd = mkstemp(src);
  if (fd < 0) {
    say(msg, size, "cannot create a file in %s: %s", dir, strerror(errno));
    return -1;
  }
  snprintf(out, sizeof out, "%s.so", src);
  snprintf(err, sizeof err, "%s.err", src);
  int rc = write_all(fd, src_text);
  if (rc != 0)
    say(msg, size, "cannot write %s: %s", src, strerror(errno));
  else
    rc = run_compiler(cc, src, out, err, timeout_ms, msg, size);
  if (rc == 0 && rename(out, final) != 0) {
    if (errno == ENOENT)
      say(msg, size, "the C compiler '%s' exited with status 0 but wrote no "
          "shared object (is it a C compiler?)", cc);
    else
      say(msg, size, "cannot rename %s to %s: %s", out, final,
          strerror(errno));
    rc = -1;
  }
  unlink(src);
  unlink(err);
  if (rc != 0) unlink(out);
  return rc;
}

/* A copy of kept for n (code and results), 0 or -1. */
static int keep_copy(muskx__native *n, const muskx__prog *kept) {
  muskx__prog *k = &n->kept;
  k->code = muskx__calloc((size_t)kept->ncode + 1, sizeof *k->code);
  k->results = muskx__calloc((size_t)kept->nresults + 1, sizeof *k->results);
  if (k->code == NULL || k->results == NULL) return -1;
  memcpy(k->code, kept->code, (size_t)kept->ncode * sizeof *k->code);
  memcpy(k->results, kept->results,
         (size_t)kept->nresults * sizeof *k->results);
  k->ncode = kept->ncode;
  k->nresults = kept->nresults;
  return 0;
}

muskx__native *muskx__native_build(const muskx__program *p,
                                   const muskx__prog *kept, const char *cc,
                                   const char *cache_dir, char *msg,
                                   size_t size) {
  return muskx__native_build_timed(p, kept, cc, cache_dir,
                                   MUSKX__NATIVE_CC_TIMEOUT_MS, msg, size);
}

/* dlopen of path with every one of syms (NULL-terminated) present. */
static void *open_with(const char *path, const char *const *syms, char *msg,
                       size_t size) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    const char *why = dlerror();
    say(msg, size, "cannot load the native code %s: %s", path,
        why ? why : "?");
    return NULL;
  }
  for (; *syms != NULL; syms++)
    if (dlsym(h, *syms) == NULL) {
      say(msg, size, "%s lacks its function %s", path, *syms);
      dlclose(h);
      return NULL;
    }
  return h;
}

void *muskx__native_object(const char *text, const char *const *syms,
                           const char *cc, const char *cache_dir,
                           long timeout_ms, char *msg, size_t size) {
  if (cc == NULL || cc[0] == '\0') cc = "cc";
  uint64_t key = fnv1a(0xcbf29ce484222325ULL, text);
  key = fnv1a(key, cc);
  for (size_t i = 0; i < NFLAGS; i++) key = fnv1a(key, FLAGS[i]);

  char tmpdir[4096] = "", final[4200];
  const char *dir = cache_dir;
  if (cache_dir != NULL && !private_entry(cache_dir, 1)) {
    say(msg, size, "the cache folder %s is not a folder of this user's "
        "that only this user can write to (mode 0700 is safe): native code "
        "is neither kept nor loaded there", cache_dir);
    return NULL;
  }
  if (dir == NULL) {
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/muskx-native-XXXXXX",
             t != NULL && t[0] == '/' ? t : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
      say(msg, size, "cannot create a temporary folder %s: %s", tmpdir,
          strerror(errno));
      return NULL;
    }
    dir = tmpdir;
  }
  snprintf(final, sizeof final, "%s/muskx-%016llx.so", dir,
           (unsigned long long)key);
  void *h = NULL;
  struct stat st;
  if (cache_dir != NULL && stat(final, &st) == 0 && private_entry(final, 0))
    h = open_with(final, syms, msg, size);
  if (h == NULL &&
      build_in(dir, cc, text, key, final, timeout_ms, msg, size) == 0) {
    h = open_with(final, syms, msg, size);
    if (h == NULL) unlink(final); /* not left for later runs to retry */
  }
  if (tmpdir[0] != '\0') { /* loaded code stays mapped after unlinking */
    unlink(final);
    rmdir(tmpdir);
  }
  return h;
}

muskx__native *muskx__native_build_timed(const muskx__program *p,
                                         const muskx__prog *kept,
                                         const char *cc,
                                         const char *cache_dir,
                                         long timeout_ms, char *msg,
                                         size_t size) {
  long ninstr = (long)p->rhs.ncode + p->jac.ncode +
                (kept != NULL ? kept->ncode : 0);
  if (ninstr > MUSKX__NATIVE_MAX_INSTR) {
    say(msg, size, "the model is too large for native code (%ld "
        "instructions, limit %d)", ninstr, MUSKX__NATIVE_MAX_INSTR);
    return NULL;
  }
  int32_t ncache = 0;
  char *text = muskx__native_source(p, kept, &ncache);
  if (text == NULL) {
    say(msg, size, "out of memory generating native code");
    return NULL;
  }
  const char *syms[] = {"muskx_native_rhs", "muskx_native_rhs_dy",
                        "muskx_native_rhs_dy_cached", "muskx_native_jac",
                        kept != NULL ? "muskx_native_out" : NULL, NULL};
  void *h = muskx__native_object(text, syms, cc, cache_dir, timeout_ms, msg,
                                 size);
  muskx__free(text);
  if (h == NULL) return NULL;
  muskx__native *n = muskx__calloc(1, sizeof *n);
  if (n == NULL) {
    say(msg, size, "out of memory");
    dlclose(h);
    return NULL;
  }
  n->handle = h;
  void *r = dlsym(h, "muskx_native_rhs"), *j = dlsym(h, "muskx_native_jac");
  memcpy(&n->rhs, &r, sizeof r); /* POSIX: object to function pointer */
  void *rd = dlsym(h, "muskx_native_rhs_dy");
  memcpy(&n->rhs_dy, &rd, sizeof rd);
  void *rc = dlsym(h, "muskx_native_rhs_dy_cached");
  memcpy(&n->rhs_dy_cached, &rc, sizeof rc);
  memcpy(&n->jac, &j, sizeof j);
  if (kept != NULL) {
    void *o = dlsym(h, "muskx_native_out");
    memcpy(&n->out, &o, sizeof o);
  }
  n->ncache = ncache;
  n->klu = muskx__klu_gen_new(cc, cache_dir, timeout_ms);
  if (n->klu == NULL || (kept != NULL && keep_copy(n, kept) != 0)) {
    say(msg, size, "out of memory");
    muskx__native_free(n);
    return NULL;
  }
  return n;
}

void muskx__native_free(muskx__native *n) {
  if (n == NULL) return;
  muskx__free(n->kept.code);
  muskx__free(n->kept.results);
  muskx__klu_gen_free(n->klu);
  if (n->handle != NULL) dlclose(n->handle);
  muskx__free(n);
}
