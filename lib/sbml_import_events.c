/*
 * sbml_import_events.c -- SBML events as muskx events (issue 5; split from
 * sbml_import.c, whose banner gives the mapping from SBML to muskx).
 */
#include "sbml_import.h"

#include "sbml_annotation.h"

/* An event a muskx export wrote for a timed one (its annotation says
   timed, names the helper parameters next and left): at, every, count,
   until come back from the helpers' initial values, next's assignment
   (next + every) and the trigger (... && time <= until); the helpers'
   own assignments are left out of `set`. 1 when written so. */
static int write_timed(tr *T, sb *o, Event_t *ev, char **next, char **left) {
  char *timed = muskx__sbml_annotation((SBase_t *)ev, "timed");
  int is = timed != NULL;
  muskx__free(timed);
  if (!is) return 0;
  *next = muskx__sbml_annotation((SBase_t *)ev, "next");
  *left = muskx__sbml_annotation((SBase_t *)ev, "left");
  char *every = muskx__sbml_annotation((SBase_t *)ev, "every");
  char *until = muskx__sbml_annotation((SBase_t *)ev, "until");
  int nx = *next ? muskx__sbml_sv_of(T, *next) : -1;
  int lf = *left ? muskx__sbml_sv_of(T, *left) : -1;
  ctx c = run_ctx();
  c.init = 2;
  sb e = {0};
  if (nx >= 0) muskx__sbml_initial_symbol(T, &e, nx, &c);
  sb_puts(o, "    at: ");
  sb_quoted(o, e.s ? e.s : "0");
  sb_putn(o, "\n", 1);
  sb_free(&e);
  c = run_ctx();
  unsigned na = Event_getNumEventAssignments(ev);
  for (unsigned j = 0; every != NULL && j < na; j++) {
    EventAssignment_t *ea = Event_getEventAssignment(ev, j);
    const ASTNode_t *m = EventAssignment_getMath(ea);
    if (m == NULL || strcmp(EventAssignment_getVariable(ea), *next) != 0 ||
        ASTNode_getNumChildren(m) != 2)
      continue;
    sb_puts(o, "    every: ");
    muskx__sbml_qexpr(T, o, ASTNode_getRightChild(m), &c);
    sb_putn(o, "\n", 1);
  }
  if (lf >= 0) {
    c.init = 2;
    muskx__sbml_initial_symbol(T, &e, lf, &c);
    sb_puts(o, "    count: ");
    sb_quoted(o, e.s ? e.s : "1");
    sb_putn(o, "\n", 1);
    sb_free(&e);
    c = run_ctx();
  }
  /* time <= until, the right-most conjunct of the trigger */
  const ASTNode_t *tr_ = Trigger_getMath(Event_getTrigger(ev));
  while (until != NULL && tr_ != NULL && ASTNode_getType(tr_) == AST_LOGICAL_AND &&
         ASTNode_getNumChildren(tr_) >= 2) {
    const ASTNode_t *last = ASTNode_getChild(tr_, ASTNode_getNumChildren(tr_) - 1);
    if (ASTNode_getType(last) == AST_RELATIONAL_LEQ) {
      sb_puts(o, "    until: ");
      muskx__sbml_qexpr(T, o, ASTNode_getRightChild(last), &c);
      sb_putn(o, "\n", 1);
      break;
    }
    tr_ = ASTNode_getLeftChild(tr_);
  }
  muskx__free(every);
  muskx__free(until);
  return 1;
}

/* Returns whether it wrote the `events:` header. */
int muskx__sbml_write_events(tr *T, sb *o) {
  int any = 0;
  for (int i = 0; i < T->nev && T->st == MUSKX_OK; i++) {
    Event_t *ev = Model_getEvent(T->m, (unsigned)i);
    unsigned na = Event_getNumEventAssignments(ev), nset = 0;
    for (unsigned j = 0; j < na; j++)
      if (EventAssignment_getMath(Event_getEventAssignment(ev, j)) != NULL) nset++;
    if (nset == 0) continue; /* changes nothing (L3V2: no math, no change) */
    Trigger_t *tg = Event_getTrigger(ev);
    if (tg == NULL || Trigger_getMath(tg) == NULL) continue; /* never fires */
    if (!any) sb_puts(o, "\nevents:\n");
    any = 1;
    ctx c = run_ctx();
    sb_printf(o, "  - id: %s\n", T->ev_names[i]);
    char *hnext = NULL, *hleft = NULL;
    int timed = write_timed(T, o, ev, &hnext, &hleft);
    if (!timed) {
      sb_puts(o, "    when: ");
      muskx__sbml_qexpr(T, o, Trigger_getMath(tg), &c);
      sb_putn(o, "\n", 1);
    }
    if (timed) {
      /* nothing: a timed event has no trigger flags */
    } else if (T->level >= 3) {
      if (!Trigger_getInitialValue(tg)) sb_puts(o, "    initial_value: false\n");
      if (!Trigger_getPersistent(tg)) sb_puts(o, "    persistent: false\n");
    } else if (T->l2_initial_trigger >= 0) {
      /* Level 1-2 leave it open: the reading chosen on import */
      sb_printf(o, "    initial_value: %s\n", T->l2_initial_trigger ? "true" : "false");
    }
    Delay_t *d = Event_getDelay(ev);
    if (d && Delay_getMath(d)) {
      sb_puts(o, "    delay: ");
      muskx__sbml_qexpr(T, o, Delay_getMath(d), &c);
      sb_putn(o, "\n", 1);
    }
    /* also without a delay: simultaneous events execute one after another
       (by priority), and a later one then sees the earlier one's changes */
    if ((T->level > 2 || (T->level == 2 && SBMLDocument_getVersion(T->doc) >= 4)) &&
        !Event_getUseValuesFromTriggerTime(ev))
      sb_puts(o, "    use_values_from_trigger_time: false\n");
    Priority_t *p = Event_getPriority(ev);
    if (p && Priority_getMath(p)) {
      sb_puts(o, "    priority: ");
      muskx__sbml_qexpr(T, o, Priority_getMath(p), &c);
      sb_putn(o, "\n", 1);
    }
    char *kept = muskx__sbml_kept_doc((SBase_t *)ev);
    const char *nm = kept ? kept : SBase_getName((SBase_t *)ev);
    if (nm && nm[0]) {
      sb_puts(o, "    doc: ");
      sb_quoted(o, nm);
      sb_putn(o, "\n", 1);
    }
    muskx__free(kept);
    sb_puts(o, "    set:\n");
    /* new values of what the moieties depend on (fast_subsystem) */
    char **set = NULL;
    for (unsigned j = 0; j < na && set == NULL && T->nmo > 0; j++) {
      EventAssignment_t *ea = Event_getEventAssignment(ev, j);
      int k = muskx__sbml_sv_of(T, EventAssignment_getVariable(ea));
      if (k < 0 || EventAssignment_getMath(ea) == NULL || !muskx__sbml_fast_reset_needed(T, k))
        continue;
      if (d && Delay_getMath(d) && Event_getUseValuesFromTriggerTime(ev)) {
        /* the moieties would need the other species' values at execution
           time, and our `set` is computed at trigger time */
        fail(T, MUSKX_EUNSUPPORTED, ea,
             "delayed event '%s' with values from trigger time assigns '%s', "
             "which a fast reaction's conserved moiety depends on: not "
             "supported", T->ev_names[i], T->v[k].id);
        return any;
      }
      if ((set = muskx__calloc((size_t)T->nv + 1, sizeof *set)) == NULL) {
        nomem(T);
        return any;
      }
    }
    for (unsigned j = 0; j < na && T->st == MUSKX_OK; j++) {
      EventAssignment_t *ea = Event_getEventAssignment((Event_t *)ev, j);
      const char *var = EventAssignment_getVariable(ea);
      if ((hnext && strcmp(var, hnext) == 0) || (hleft && strcmp(var, hleft) == 0))
        continue; /* a timed event's helpers */
      int k = muskx__sbml_sv_of(T, var);
      if (k < 0 || EventAssignment_getMath(ea) == NULL) continue;
      sv *v = &T->v[k];
      if (v->kind == V_ASSIGN) {
        fail(T, MUSKX_EMODEL, ea, "event assigns '%s', which has an assignment rule",
             v->id);
        break;
      }
      if (v->amount_state && d && Delay_getMath(d) &&
          Event_getUseValuesFromTriggerTime(ev)) {
        /* SBML fixes the concentration at trigger time but converts it to
           an amount with the compartment size at execution time; our
           events compute the whole value at one time, so this would be
           silently wrong: refuse it. */
        fail(T, MUSKX_EUNSUPPORTED, ea,
             "delayed event '%s' assigns concentration species '%s' in a "
             "compartment of varying size with values from trigger time: "
             "not supported", T->ev_names[i], v->id);
        break;
      }
      sb e = {0};
      muskx__sbml_sub(T, &e, EventAssignment_getMath(ea), &c, v->amount_state ? P_UN : P_OR);
      if (v->amount_state) {
        /* the state is the amount: the new concentration times the size
           the compartment has when the values are computed (before this
           event's own assignments, as the SBML Test Suite expects) */
        sb_puts(&e, " * ");
        sb_puts(&e, T->v[v->comp].name);
      }
      sb_printf(o, "      %s: ", v->name);
      sb_quoted(o, e.s ? e.s : "0");
      sb_putn(o, "\n", 1);
      if (e.oom) o->oom = 1;
      if (set != NULL && e.s != NULL && (set[k] = muskx__sbml_fx_strdup(T, e.s)) == NULL) {
        sb_free(&e);
        break;
      }
      sb_free(&e);
    }
    /* the moieties after the event: the fast equilibrium then takes them
       as they are (IDACalcIC) */
    for (int k = 0; set != NULL && k < T->nmo && T->st == MUSKX_OK; k++) {
      sb e = {0};
      muskx__sbml_moiety_sum(T, &e, k, &c, set);
      sb_printf(o, "      %s: ", T->mo_names[k]);
      sb_quoted(o, e.s ? e.s : "0");
      sb_putn(o, "\n", 1);
      if (e.oom) o->oom = 1;
      sb_free(&e);
    }
    for (int k = 0; set != NULL && k < T->nv; k++) muskx__free(set[k]);
    muskx__free(set);
    muskx__free(hnext);
    muskx__free(hleft);
  }
  return any;
}
