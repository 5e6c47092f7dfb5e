/*
 * sedml_read.c -- reads a SED-ML Level 1 document (Versions 1-4) with
 * libxml2 into the sed_doc of sedml.h, checking everything first: a
 * construct outside the supported part is refused here, with the file and
 * line of its element, so that no simulation runs for a document whose
 * outputs could not all be made.
 *
 * Targets are XPath expressions into the model; only the form that names
 * one element by id is read ("...[@id='k']" and "...[@id='k']/@value"),
 * which is what SBML-targeted SED-ML writes for parameters, species,
 * compartments and reactions. The time symbol is urn:sedml:symbol:time.
 */
/* realpath() */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>

#include "sedml.h"

static int fail(const sed_doc *d, xmlNodePtr n, const char *fmt, const char *a,
                const char *b) {
  fprintf(stderr, "%s:%ld: ", d->path, n ? xmlGetLineNo(n) : 0L);
  fprintf(stderr, fmt, a ? a : "", b ? b : "");
  fputc('\n', stderr);
  return -1;
}

static int is(xmlNodePtr n, const char *name) {
  return n != NULL && n->type == XML_ELEMENT_NODE &&
         strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr n, const char *name) {
  for (xmlNodePtr c = n ? n->children : NULL; c != NULL; c = c->next)
    if (is(c, name)) return c;
  return NULL;
}

static int count_children(xmlNodePtr n) {
  int k = 0;
  for (xmlNodePtr c = n ? n->children : NULL; c != NULL; c = c->next)
    k += c->type == XML_ELEMENT_NODE;
  return k;
}

/* A malloc'd copy of attribute name, or NULL when absent. */
static char *attr(xmlNodePtr n, const char *name) {
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  if (v == NULL) return NULL;
  char *s = malloc(strlen((const char *)v) + 1);
  if (s != NULL) strcpy(s, (const char *)v);
  xmlFree(v);
  return s;
}

static int attr_double(const sed_doc *d, xmlNodePtr n, const char *name,
                       double *out, int required) {
  char *v = attr(n, name), *end;
  if (v == NULL) {
    if (!required) return 0;
    return fail(d, n, "<%s> needs the attribute '%s'", (const char *)n->name,
                name);
  }
  errno = 0;
  *out = strtod(v, &end);
  int bad = end == v || *end != '\0' || errno != 0 || !isfinite(*out);
  if (bad) fail(d, n, "attribute '%s' is not a finite number: '%s'", name, v);
  free(v);
  return bad ? -1 : 0;
}

static int attr_true(xmlNodePtr n, const char *name) {
  char *v = attr(n, name);
  int t = v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
  free(v);
  return t;
}

/* The id an XPath target names ("...[@id='k']..."), or NULL. */
static char *target_id(const char *xpath) {
  const char *p = xpath ? strstr(xpath, "@id=") : NULL;
  if (p == NULL) return NULL;
  p += 4;
  char q = *p;
  if (q != '\'' && q != '"') return NULL;
  const char *e = strchr(p + 1, q);
  if (e == NULL || e == p + 1) return NULL;
  char *s = malloc((size_t)(e - p));
  if (s != NULL) {
    memcpy(s, p + 1, (size_t)(e - p - 1));
    s[e - p - 1] = '\0';
  }
  return s;
}

/* A variable's or change's model quantity: its target's id, or "time". */
static char *quantity(const sed_doc *d, xmlNodePtr n) {
  char *sym = attr(n, "symbol");
  if (sym != NULL) {
    int time = strcmp(sym, "urn:sedml:symbol:time") == 0;
    if (!time) fail(d, n, "symbol '%s' is not supported (only %s)", sym,
                    "urn:sedml:symbol:time");
    free(sym);
    if (!time) return NULL;
    char *t = malloc(5);
    if (t != NULL) strcpy(t, "time");
    return t;
  }
  char *xp = attr(n, "target");
  char *id = target_id(xp);
  if (id == NULL)
    fail(d, n, "target '%s' is not supported: only an element named by id, "
               "as in %s", xp ? xp : "(none)",
         "/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='k']");
  free(xp);
  return id;
}

/* ---------------------------------------------------------------- models */

/* Is real (a resolved path) inside folder dir (resolved here)? */
static int inside(const char *real, const char *dir) {
  char rd[PATH_MAX];
  if (realpath(dir, rd) == NULL) return 0;
  size_t n = strlen(rd);
  return strncmp(real, rd, n) == 0 && (real[n] == '/' || rd[n - 1] == '/');
}

/* A model file may be read when it lies in the document's folder or in a
   folder of MUSKX_ALLOW_PATH (which --allow-path extends), as imports may
   (muskx(1), FILE ACCESS): an archive cannot make muskx read ../../etc. */
static int source_allowed(const sed_doc *d, const char *path) {
  char real[PATH_MAX];
  if (realpath(path, real) == NULL) return 1; /* missing: the load says so */
  if (inside(real, d->dir)) return 1;
  const char *env = getenv("MUSKX_ALLOW_PATH");
  while (env != NULL && *env != '\0') {
    const char *colon = strchr(env, ':');
    size_t n = colon ? (size_t)(colon - env) : strlen(env);
    char dir[PATH_MAX];
    if (n > 0 && n < sizeof dir) {
      memcpy(dir, env, n);
      dir[n] = '\0';
      if (inside(real, dir)) return 1;
    }
    env = colon ? colon + 1 : NULL;
  }
  return 0;
}

static int read_models(sed_doc *d, xmlNodePtr list) {
  d->models = calloc((size_t)count_children(list) + 1, sizeof *d->models);
  if (d->models == NULL) return fail(d, list, "out of memory%s%s", NULL, NULL);
  for (xmlNodePtr n = list ? list->children : NULL; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (!is(n, "model")) return fail(d, n, "<%s> in listOfModels%s", (const char *)n->name, "");
    sed_model *m = &d->models[d->nmodels++];
    m->id = attr(n, "id");
    char *src = attr(n, "source");
    if (m->id == NULL || src == NULL)
      return free(src), fail(d, n, "<model> needs id and source%s%s", NULL, NULL);
    if (strchr(src, ':') != NULL || src[0] == '#') {
      fail(d, n, "model source '%s' is not supported: only a file next to "
                 "the document (not a URN, URL or another model: %s)", src,
           "download it into the archive");
      free(src);
      return -1;
    }
    size_t len = strlen(d->dir) + strlen(src) + 2;
    m->source = malloc(len);
    if (m->source != NULL)
      snprintf(m->source, len, "%s/%s", src[0] == '/' ? "" : d->dir, src);
    free(src);
    if (m->source != NULL && !source_allowed(d, m->source))
      return fail(d, n, "model source '%s' is outside the document's folder "
                        "(allow its folder with --allow-path%s)", m->source, "");
    xmlNodePtr ch = child(n, "listOfChanges");
    m->changes = calloc((size_t)count_children(ch) + 1, sizeof *m->changes);
    if (m->source == NULL || m->changes == NULL)
      return fail(d, n, "out of memory%s%s", NULL, NULL);
    for (xmlNodePtr c = ch ? ch->children : NULL; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (!is(c, "changeAttribute"))
        return fail(d, c, "<%s> is not supported (of the model changes, "
                          "only changeAttribute%s)", (const char *)c->name, "");
      sed_change *x = &m->changes[m->nchanges];
      if ((x->name = quantity(d, c)) == NULL) return -1;
      m->nchanges++;
      if (attr_double(d, c, "newValue", &x->value, 1) != 0) return -1;
    }
  }
  return 0;
}

/* ---------------------------------------------------------- simulations */

/* Every simulation runs on CVODE (BDF, Newton): a document that asks for
   another algorithm (a stochastic one, say) is told so, by line, instead
   of silently getting the deterministic answer. */
static void warn_algorithm(const sed_doc *d, xmlNodePtr sim, const char *id) {
  xmlNodePtr a = child(sim, "algorithm");
  char *k = a ? attr(a, "kisaoID") : NULL;
  if (k != NULL && strcmp(k, "KISAO:0000019") != 0)
    fprintf(stderr, "%s:%ld: warning: simulation '%s' asks for algorithm %s; "
            "muskx runs every task on CVODE (KISAO:0000019, BDF)\n",
            d->path, xmlGetLineNo(a), id, k);
  free(k);
}

static int read_sims(sed_doc *d, xmlNodePtr list) {
  d->sims = calloc((size_t)count_children(list) + 1, sizeof *d->sims);
  if (d->sims == NULL) return fail(d, list, "out of memory%s%s", NULL, NULL);
  for (xmlNodePtr n = list ? list->children : NULL; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    sed_sim *s = &d->sims[d->nsims];
    if (is(n, "uniformTimeCourse")) {
      double steps = 0;
      s->kind = SED_TIME_COURSE;
      if (attr_double(d, n, "initialTime", &s->t0, 1) ||
          attr_double(d, n, "outputStartTime", &s->out_start, 1) ||
          attr_double(d, n, "outputEndTime", &s->out_end, 1))
        return -1;
      char *np = attr(n, "numberOfPoints");
      char *ns = attr(n, "numberOfSteps");
      const char *which = np ? "numberOfPoints" : "numberOfSteps";
      free(np);
      free(ns);
      if (attr_double(d, n, which, &steps, 1)) return -1;
      if (!(steps >= 1 && steps <= 1e7 && steps == floor(steps)))
        return fail(d, n, "%s must be a whole number from 1 to 1e7%s", which, "");
      if (!(s->t0 <= s->out_start && s->out_start <= s->out_end))
        return fail(d, n, "needs initialTime <= outputStartTime <= "
                          "outputEndTime%s%s", NULL, NULL);
      s->steps = (long)steps;
    } else if (is(n, "steadyState")) {
      s->kind = SED_STEADY_STATE;
    } else {
      return fail(d, n, "simulation <%s> is not supported (uniformTimeCourse "
                        "and steadyState are%s)", (const char *)n->name, "");
    }
    if ((s->id = attr(n, "id")) == NULL)
      return fail(d, n, "a simulation needs an id%s%s", NULL, NULL);
    warn_algorithm(d, n, s->id);
    d->nsims++;
  }
  return 0;
}

/* ---------------------------------------------------------------- tasks */

/* The values of a uniformRange or vectorRange. */
static int read_range(sed_doc *d, xmlNodePtr r, sed_task *t) {
  if (is(r, "vectorRange")) {
    t->values = calloc((size_t)count_children(r) + 1, sizeof *t->values);
    if (t->values == NULL) return fail(d, r, "out of memory%s%s", NULL, NULL);
    for (xmlNodePtr v = r->children; v; v = v->next) {
      if (!is(v, "value")) continue;
      xmlChar *txt = xmlNodeGetContent(v);
      const char *s = txt ? (const char *)txt : "";
      char *end;
      errno = 0;
      double x = strtod(s, &end);
      while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') end++;
      /* all of it: "0.5abc" or a decimal comma "1,5" is no number */
      int bad = end == s || *end != '\0' || errno != 0 || !isfinite(x);
      if (bad) fail(d, v, "a vectorRange value is not a number: '%.60s'%s", s, NULL);
      xmlFree(txt);
      if (bad) return -1;
      t->values[t->nvalues++] = x;
    }
    return t->nvalues > 0 ? 0 : fail(d, r, "an empty vectorRange%s%s", NULL, NULL);
  }
  if (!is(r, "uniformRange"))
    return fail(d, r, "range <%s> is not supported (uniformRange and "
                      "vectorRange are%s)", (const char *)r->name, "");
  double a, b, k = 0;
  char *np = attr(r, "numberOfPoints");
  const char *which = np ? "numberOfPoints" : "numberOfSteps";
  free(np);
  if (attr_double(d, r, "start", &a, 1) || attr_double(d, r, "end", &b, 1) ||
      attr_double(d, r, which, &k, 1))
    return -1;
  if (!(k >= 1 && k <= 1e6 && k == floor(k)))
    return fail(d, r, "%s must be a whole number from 1 to 1e6%s", which, "");
  char *type = attr(r, "type");
  int lg = type != NULL && strcmp(type, "log") == 0;
  int lin = type == NULL || strcmp(type, "linear") == 0;
  free(type);
  if (!lg && !lin) return fail(d, r, "uniformRange type must be linear or log%s%s", NULL, NULL);
  if (lg && !(a > 0 && b > 0)) return fail(d, r, "a log range needs start, end > 0%s%s", NULL, NULL);
  int n = (int)k + 1;
  t->values = calloc((size_t)n, sizeof *t->values);
  if (t->values == NULL) return fail(d, r, "out of memory%s%s", NULL, NULL);
  for (int i = 0; i < n; i++) {
    double f = (double)i / (double)(n - 1);
    t->values[i] = lg ? exp(log(a) + f * (log(b) - log(a))) : a + f * (b - a);
  }
  t->nvalues = n;
  return 0;
}

/* s equals want once leading and trailing white space is dropped. */
static int trimmed_equal(const char *s, const char *want) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  size_t n = strlen(s);
  while (n > 0 && strchr(" \t\r\n", s[n - 1])) n--;
  return strlen(want) == n && strncmp(s, want, n) == 0;
}

/* A repeatedTask: one range, at most one setValue whose math is that
   range, one subTask, resetModel true. */
static int read_repeated(sed_doc *d, xmlNodePtr n, sed_task *t) {
  t->repeated = 1;
  char *range = attr(n, "range");
  xmlNodePtr ranges = child(n, "listOfRanges");
  xmlNodePtr rnode = NULL;
  int nranges = count_children(ranges);
  for (xmlNodePtr r = ranges ? ranges->children : NULL; r; r = r->next) {
    char *id = r->type == XML_ELEMENT_NODE ? attr(r, "id") : NULL;
    if (id && range && strcmp(id, range) == 0) rnode = r;
    free(id);
  }
  if (rnode == NULL || nranges != 1) {
    free(range);
    return fail(d, n, "a repeatedTask needs exactly one range, named by its "
                      "range attribute (nested or parallel ranges are not "
                      "supported%s%s)", NULL, NULL);
  }
  if (!attr_true(n, "resetModel")) {
    free(range);
    return fail(d, n, "repeatedTask with resetModel=\"false\" is not "
                      "supported (each repeat starts from the model%s%s)", NULL, NULL);
  }
  if (read_range(d, rnode, t) != 0) return free(range), -1;
  xmlNodePtr sets = child(n, "listOfChanges");
  if (count_children(sets) > 1) {
    free(range);
    return fail(d, sets, "more than one setValue is not supported%s%s", NULL, NULL);
  }
  for (xmlNodePtr c = sets ? sets->children : NULL; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    xmlNodePtr math = child(c, "math");
    xmlNodePtr ci = math ? child(math, "ci") : NULL;
    xmlChar *txt = ci ? xmlNodeGetContent(ci) : NULL;
    int ok = is(c, "setValue") && txt != NULL && count_children(math) == 1 &&
             trimmed_equal((const char *)txt, range);
    xmlFree(txt);
    if (!ok) {
      fail(d, c, "only <setValue> whose math is the range itself "
                 "(<ci>%s</ci>) is supported%s", range, "");
      free(range);
      return -1;
    }
    if ((t->set_name = quantity(d, c)) == NULL) return free(range), -1;
  }
  free(range);
  xmlNodePtr subs = child(n, "listOfSubTasks");
  xmlNodePtr sub = child(subs, "subTask");
  if (sub == NULL || count_children(subs) != 1)
    return fail(d, n, "a repeatedTask needs exactly one subTask%s%s", NULL, NULL);
  if ((t->sub = attr(sub, "task")) == NULL)
    return fail(d, sub, "a subTask needs a task attribute%s%s", NULL, NULL);
  return 0;
}

static int read_tasks(sed_doc *d, xmlNodePtr list) {
  d->tasks = calloc((size_t)count_children(list) + 1, sizeof *d->tasks);
  if (d->tasks == NULL) return fail(d, list, "out of memory%s%s", NULL, NULL);
  for (xmlNodePtr n = list ? list->children : NULL; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    sed_task *t = &d->tasks[d->ntasks++];
    if ((t->id = attr(n, "id")) == NULL)
      return fail(d, n, "a task needs an id%s%s", NULL, NULL);
    if (is(n, "task")) {
      t->model = attr(n, "modelReference");
      t->sim = attr(n, "simulationReference");
      if (t->model == NULL || t->sim == NULL)
        return fail(d, n, "task '%s' needs modelReference and "
                          "simulationReference%s", t->id, "");
    } else if (is(n, "repeatedTask")) {
      if (read_repeated(d, n, t) != 0) return -1;
    } else {
      return fail(d, n, "<%s> is not supported (task and repeatedTask are%s)",
                  (const char *)n->name, "");
    }
  }
  return 0;
}

/* ------------------------------------------------------ data generators */

static int read_dgs(sed_doc *d, xmlNodePtr list) {
  d->dgs = calloc((size_t)count_children(list) + 1, sizeof *d->dgs);
  if (d->dgs == NULL) return fail(d, list, "out of memory%s%s", NULL, NULL);
  for (xmlNodePtr n = list ? list->children : NULL; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    sed_dg *g = &d->dgs[d->ndgs++];
    if ((g->id = attr(n, "id")) == NULL || (g->math = child(n, "math")) == NULL)
      return fail(d, n, "a dataGenerator needs an id and math%s%s", NULL, NULL);
    xmlNodePtr vl = child(n, "listOfVariables");
    xmlNodePtr pl = child(n, "listOfParameters");
    g->vars = calloc((size_t)count_children(vl) + 1, sizeof *g->vars);
    g->pnames = calloc((size_t)count_children(pl) + 1, sizeof *g->pnames);
    g->pvalues = calloc((size_t)count_children(pl) + 1, sizeof *g->pvalues);
    if (!g->vars || !g->pnames || !g->pvalues)
      return fail(d, n, "out of memory%s%s", NULL, NULL);
    for (xmlNodePtr v = vl ? vl->children : NULL; v; v = v->next) {
      if (!is(v, "variable")) continue;
      sed_var *x = &g->vars[g->nvars++];
      x->id = attr(v, "id");
      x->task = attr(v, "taskReference");
      if (x->id == NULL || x->task == NULL)
        return fail(d, v, "a variable needs id and taskReference (model "
                          "variables without a task are not supported%s%s)", NULL, NULL);
      if ((x->target = quantity(d, v)) == NULL) return -1;
    }
    for (xmlNodePtr p = pl ? pl->children : NULL; p; p = p->next) {
      if (!is(p, "parameter")) continue;
      if ((g->pnames[g->nparams] = attr(p, "id")) == NULL)
        return fail(d, p, "a parameter needs an id%s%s", NULL, NULL);
      if (attr_double(d, p, "value", &g->pvalues[g->nparams++], 1)) return -1;
    }
  }
  return 0;
}

/* -------------------------------------------------------------- outputs */

static int read_outputs(sed_doc *d, xmlNodePtr list) {
  d->outputs = calloc((size_t)count_children(list) + 1, sizeof *d->outputs);
  if (d->outputs == NULL) return fail(d, list, "out of memory%s%s", NULL, NULL);
  for (xmlNodePtr n = list ? list->children : NULL; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    sed_output *o = &d->outputs[d->noutputs++];
    const char *items;
    if (is(n, "report")) {
      o->kind = SED_REPORT;
      items = "listOfDataSets";
    } else if (is(n, "plot2D")) {
      o->kind = SED_PLOT2D;
      items = "listOfCurves";
      /* L1V4: <xAxis type="log10"/>; earlier: logX/logY on the curves */
      char *tx = attr(child(n, "xAxis") ? child(n, "xAxis") : n, "type");
      char *ty = attr(child(n, "yAxis") ? child(n, "yAxis") : n, "type");
      o->logx = tx != NULL && strcmp(tx, "log10") == 0;
      o->logy = ty != NULL && strcmp(ty, "log10") == 0;
      free(tx);
      free(ty);
    } else {
      return fail(d, n, "output <%s> is not supported (report and plot2D "
                        "are%s)", (const char *)n->name, "");
    }
    o->id = attr(n, "id");
    o->name = attr(n, "name");
    if (o->id == NULL || strchr(o->id, '/') != NULL || o->id[0] == '.')
      return fail(d, n, "an output needs an id that can name a file%s%s", NULL, NULL);
    xmlNodePtr l = child(n, items);
    o->items = calloc((size_t)count_children(l) + 1, sizeof *o->items);
    if (o->items == NULL) return fail(d, n, "out of memory%s%s", NULL, NULL);
    for (xmlNodePtr c = l ? l->children : NULL; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      sed_item *it = &o->items[o->nitems++];
      if (o->kind == SED_REPORT) {
        it->label = attr(c, "label");
        if (it->label == NULL) it->label = attr(c, "id");
        it->y = attr(c, "dataReference");
      } else {
        if (is(c, "shadedArea") || !is(c, "curve"))
          return fail(d, c, "<%s> in a plot2D is not supported (curve is%s)",
                      (const char *)c->name, "");
        char *type = attr(c, "type");
        int points = type == NULL || strcmp(type, "points") == 0;
        free(type);
        if (!points)
          return fail(d, c, "curve types other than points are not supported%s%s", NULL, NULL);
        it->label = attr(c, "name");
        if (it->label == NULL) it->label = attr(c, "id");
        it->x = attr(c, "xDataReference");
        it->y = attr(c, "yDataReference");
        o->logx |= attr_true(c, "logX");
        o->logy |= attr_true(c, "logY");
        if (it->x == NULL) return fail(d, c, "a curve needs xDataReference%s%s", NULL, NULL);
      }
      if (it->y == NULL || it->label == NULL)
        return fail(d, c, "a data set or curve needs an id and a data "
                          "reference%s%s", NULL, NULL);
    }
  }
  return 0;
}

/* ---------------------------------------------------------- cross-refs */

static int find_dg(const sed_doc *d, const char *id) {
  for (int i = 0; id && i < d->ndgs; i++)
    if (strcmp(d->dgs[i].id, id) == 0) return i;
  return -1;
}

static int check_refs(sed_doc *d, xmlNodePtr root) {
  for (int i = 0; i < d->ntasks; i++) {
    sed_task *t = &d->tasks[i];
    if (!t->repeated) {
      int m = 0, s = 0;
      for (int k = 0; k < d->nmodels; k++) m |= strcmp(d->models[k].id, t->model) == 0;
      for (int k = 0; k < d->nsims; k++) s |= strcmp(d->sims[k].id, t->sim) == 0;
      if (!m || !s)
        return fail(d, root, "task '%s' names a missing model or simulation%s", t->id, "");
      continue;
    }
    int sub = -1;
    for (int k = 0; k < d->ntasks; k++)
      if (strcmp(d->tasks[k].id, t->sub) == 0) sub = k;
    if (sub < 0 || d->tasks[sub].repeated)
      return fail(d, root, "repeatedTask '%s': its subTask must be a plain "
                           "task of this document (nested repeated tasks are "
                           "not supported%s)", t->id, "");
  }
  for (int i = 0; i < d->ndgs; i++)
    for (int k = 0; k < d->dgs[i].nvars; k++) {
      int found = 0;
      for (int j = 0; j < d->ntasks; j++)
        found |= strcmp(d->tasks[j].id, d->dgs[i].vars[k].task) == 0;
      if (!found)
        return fail(d, root, "dataGenerator '%s' names a missing task '%s'",
                    d->dgs[i].id, d->dgs[i].vars[k].task);
    }
  for (int i = 0; i < d->noutputs; i++)
    for (int k = 0; k < d->outputs[i].nitems; k++) {
      const sed_item *it = &d->outputs[i].items[k];
      if (find_dg(d, it->y) < 0 || (it->x != NULL && find_dg(d, it->x) < 0))
        return fail(d, root, "output '%s' names a missing dataGenerator "
                             "'%s'", d->outputs[i].id,
                    find_dg(d, it->y) < 0 ? it->y : it->x);
    }
  return 0;
}

int sed_read(const char *path, sed_doc *d) {
  memset(d, 0, sizeof *d);
  size_t n = strlen(path);
  d->path = malloc(n + 1);
  d->dir = malloc(n + 2);
  if (d->path == NULL || d->dir == NULL) return fail(d, NULL, "out of memory%s%s", NULL, NULL);
  strcpy(d->path, path);
  strcpy(d->dir, path);
  char *slash = strrchr(d->dir, '/');
  if (slash != NULL) *slash = '\0';
  else strcpy(d->dir, ".");
  /* libxml2 prints "I/O error : Is a directory" itself and then says the
     document is empty: say what is wrong instead */
  struct stat sb;
  if (stat(path, &sb) != 0) {
    fprintf(stderr, "%s: cannot read a SED-ML file: %s\n", path,
            strerror(errno));
    return -1;
  }
  if (S_ISDIR(sb.st_mode)) {
    fprintf(stderr, "%s: cannot read a SED-ML file: it is a directory\n",
            path);
    return -1;
  }
  /* no network, no external entities */
  d->doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                       XML_PARSE_NOWARNING);
  if (d->doc == NULL) {
    const xmlError *e = xmlGetLastError();
    const char *msg = e && e->message ? e->message : "";
    int len = (int)strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) len--;
    fprintf(stderr, "%s:%d: not a readable XML document%s%.*s\n", path,
            e ? e->line : 0, len ? ": " : "", len, msg);
    return -1;
  }
  xmlNodePtr root = xmlDocGetRootElement(d->doc);
  if (!is(root, "sedML"))
    return fail(d, root, "the root element is not <sedML>%s%s", NULL, NULL);
  char *level = attr(root, "level"), *version = attr(root, "version");
  int ok = level && strcmp(level, "1") == 0 && version &&
           strchr("1234", version[0]) && version[1] == '\0';
  if (!ok) fail(d, root, "SED-ML level %s version %s is not supported (Level 1 "
                         "Versions 1-4 are)", level ? level : "?",
                version ? version : "?");
  free(level);
  free(version);
  if (!ok) return -1;
  for (xmlNodePtr c = root->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || is(c, "notes") || is(c, "annotation") ||
        is(c, "listOfModels") || is(c, "listOfSimulations") ||
        is(c, "listOfTasks") || is(c, "listOfDataGenerators") ||
        is(c, "listOfOutputs"))
      continue;
    if (count_children(c) > 0)
      return fail(d, c, "<%s> is not supported%s", (const char *)c->name, "");
  }
  if (read_models(d, child(root, "listOfModels")) ||
      read_sims(d, child(root, "listOfSimulations")) ||
      read_tasks(d, child(root, "listOfTasks")) ||
      read_dgs(d, child(root, "listOfDataGenerators")) ||
      read_outputs(d, child(root, "listOfOutputs")) || check_refs(d, root))
    return -1;
  return 0;
}

void sed_free(sed_doc *d) {
  for (int i = 0; d->models && i < d->nmodels; i++) {
    for (int k = 0; k < d->models[i].nchanges; k++) free(d->models[i].changes[k].name);
    free(d->models[i].changes);
    free(d->models[i].id);
    free(d->models[i].source);
  }
  for (int i = 0; d->sims && i < d->nsims; i++) free(d->sims[i].id);
  for (int i = 0; d->tasks && i < d->ntasks; i++) {
    sed_task *t = &d->tasks[i];
    free(t->id); free(t->model); free(t->sim); free(t->sub);
    free(t->set_name); free(t->values);
  }
  for (int i = 0; d->dgs && i < d->ndgs; i++) {
    sed_dg *g = &d->dgs[i];
    for (int k = 0; k < g->nvars; k++) {
      free(g->vars[k].id); free(g->vars[k].task); free(g->vars[k].target);
    }
    for (int k = 0; k < g->nparams; k++) free(g->pnames[k]);
    free(g->vars); free(g->pnames); free(g->pvalues); free(g->id);
  }
  for (int i = 0; d->outputs && i < d->noutputs; i++) {
    sed_output *o = &d->outputs[i];
    for (int k = 0; k < o->nitems; k++) {
      free(o->items[k].label); free(o->items[k].x); free(o->items[k].y);
    }
    free(o->items); free(o->id); free(o->name);
  }
  free(d->models); free(d->sims); free(d->tasks); free(d->dgs); free(d->outputs);
  if (d->doc) xmlFreeDoc(d->doc);
  free(d->path);
  free(d->dir);
  memset(d, 0, sizeof *d);
}
