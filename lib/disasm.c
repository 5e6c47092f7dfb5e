/*
 * disasm.c -- prints a model's compiled programs in the register notation
 * of opcodes.h, for `muskx info --bytecode` and for golden tests.
 *
 * Registers are named by role: k3 (constant, value shown), t, p:name
 * (parameter or compartment), u:name (input), y:name (state), r12
 * (temporary). Output is plain text, snprintf-style into a caller buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compile.h"
#include "numlocale.h"

typedef struct {
  char *buf;
  size_t size, len; /* len counts what would be written */
} out_buf;

static void emit(out_buf *o, const char *fmt, ...) MUSKX__PRINTF(2, 3);
static void emit(out_buf *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *dst = o->len < o->size ? o->buf + o->len : NULL;
  size_t room = o->len < o->size ? o->size - o->len : 0;
  int n = vsnprintf(dst, room, fmt, ap);
  va_end(ap);
  if (n > 0) o->len += (size_t)n;
}

static void reg_name(const muskx_model *m, int32_t r, char *s, size_t n) {
  const muskx__program *p = m->program;
  if (r < p->nconst)
    snprintf(s, n, "k%d(%.6g)", (int)r, p->consts[r]);
  else if (r == p->reg_time)
    snprintf(s, n, "t");
  else if (r < p->reg_input0) {
    int i = r - p->reg_param0;
    snprintf(s, n, "p:%s", i < m->nparams ? m->params[i].name
                                          : m->compartments[i - m->nparams].name);
  } else if (r < p->reg_state0)
    snprintf(s, n, "u:%s", m->inputs[r - p->reg_input0].name);
  else if (r < p->reg_delay0)
    snprintf(s, n, "y:%s", m->species[r - p->reg_state0].name);
  else if (r < p->reg_instant0)
    snprintf(s, n, "delay%d", (int)(r - p->reg_delay0));
  else if (r < p->reg_temp0)
    snprintf(s, n, "instant%d", (int)(r - p->reg_instant0));
  else
    snprintf(s, n, "r%d", (int)(r - p->reg_temp0));
}

static int operands(muskx__opcode op) {
  if (op == MUSKX__OP_IF || op == MUSKX__OP_MULADD) return 3;
  if (op >= MUSKX__OP_ADD) return 2;
  return 1;
}

static void program(out_buf *o, const muskx_model *m, const char *title,
                    const muskx__prog *pr,
                    const char *(*label)(const muskx_model *, int, char *,
                                         size_t)) {
  char a[160], b[160], c[160], d[160], l[600];
  emit(o, "%s: %d instructions, %d results\n", title, (int)pr->ncode,
       (int)pr->nresults);
  for (int32_t i = 0; i < pr->ncode; i++) {
    const muskx__instr *in = &pr->code[i];
    int k = operands((muskx__opcode)in->op);
    reg_name(m, in->a, a, sizeof a);
    reg_name(m, in->b, b, sizeof b);
    reg_name(m, in->c, c, sizeof c);
    reg_name(m, in->d, d, sizeof d);
    emit(o, "  %4d  %-6s %s %s%s%s%s%s    ; %s\n", (int)i,
         muskx__opcode_name((muskx__opcode)in->op), a, b, k > 1 ? " " : "",
         k > 1 ? c : "", k > 2 ? " " : "", k > 2 ? d : "",
         muskx__opcode_synopsis((muskx__opcode)in->op));
  }
  for (int32_t i = 0; i < pr->nresults; i++) {
    reg_name(m, pr->results[i], a, sizeof a);
    emit(o, "  => %s = %s\n", label(m, i, l, sizeof l), a);
  }
}

static const char *rhs_label(const muskx_model *m, int i, char *s, size_t n) {
  snprintf(s, n, "d(%s)/dt", m->species[i].name);
  return s;
}

static const char *jac_label(const muskx_model *m, int k, char *s, size_t n) {
  const muskx__program *p = m->program;
  int col = 0;
  while (p->jac_colptr[col + 1] <= k) col++;
  snprintf(s, n, "d(%s)/d(%s)", m->species[p->jac_rowind[k]].name,
           m->species[col].name);
  return s;
}

static const char *output_label(const muskx_model *m, int i, char *s,
                                size_t n) {
  snprintf(s, n, "%s", m->outputs[i].name);
  return s;
}

static const char *rate_label(const muskx_model *m, int i, char *s, size_t n) {
  snprintf(s, n, "rate of %s", m->reactions[i].id);
  return s;
}

static const char *root_label(const muskx_model *m, int i, char *s, size_t n) {
  (void)m;
  snprintf(s, n, "g%d", i);
  return s;
}

int muskx_model_bytecode(const muskx_model *m, char *buf, size_t size) {
  if (m == NULL || m->program == NULL || (buf == NULL && size > 0)) return -1;
  const muskx__program *p = m->program;
  muskx__c_numeric num; /* constants with a '.' point (numlocale.h) */
  if (muskx__c_numeric_enter(&num, NULL) != MUSKX_OK) return -1;
  out_buf o = {buf, size, 0};
  if (size > 0) buf[0] = '\0';
  emit(&o, "registers: %d constants, t, %d parameters, %d inputs, %d states, "
       "%d temporaries\n", (int)p->nconst, (int)p->nparamlike, m->ninputs,
       m->nspecies, (int)(p->nregs - p->reg_temp0));
  program(&o, m, "rhs (d/dt of each species)", &p->rhs, rhs_label);
  program(&o, m, "jacobian (nonzeros, column-major)", &p->jac, jac_label);
  program(&o, m, "outputs", &p->outputs, output_label);
  program(&o, m, "rates", &p->rates, rate_label);
  if (p->nroots > 0)
    program(&o, m, "event root functions", &p->roots, root_label);
  muskx__c_numeric_leave(&num);
  return o.len > (size_t)2147483647 ? -1 : (int)o.len;
}
