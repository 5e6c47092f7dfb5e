/*
 * sbml_import_unit_text.c -- an SBML unit as the unit text muskx reads
 * (unit_parse.h), so an imported model's units are compared like a YAML
 * model's (bindings, load_bind_units.c): a unitDefinition `per_day` (one
 * unit of kind second, exponent -1, multiplier 86400) becomes "1/d", `mM`
 * (mole scale -3, litre exponent -1) "mmol/L". Each unit of a definition
 * is (multiplier * 10^scale * kind)^exponent (SBML L3V2 section 4.4).
 * A definition the grammar cannot hold (a non-integer exponent or one
 * beyond 9, a multiplier that is not positive) keeps its id, which then
 * only equals itself.
 */
#include "sbml_import.h"
#include "unit_parse.h"

#define UNIT_TEXT_MAX 256

/* The word for a kind: the parser's own, an SI form for derived kinds
   biology uses, else the SBML name (a count of its own kind: kelvin). */
static const char *kind_word(UnitKind_t k) {
  switch (k) {
  case UNIT_KIND_SECOND: return "s";
  case UNIT_KIND_GRAM: return "g";
  case UNIT_KIND_KILOGRAM: return "kg";
  case UNIT_KIND_MOLE: return "mol";
  case UNIT_KIND_METRE: case UNIT_KIND_METER: return "m";
  case UNIT_KIND_LITRE: case UNIT_KIND_LITER: return "L";
  case UNIT_KIND_DIMENSIONLESS: return "1";
  case UNIT_KIND_AVOGADRO: return "6.02214076e23"; /* a number (L3V2 4.4.2) */
  case UNIT_KIND_NEWTON: return "N";
  case UNIT_KIND_HERTZ: case UNIT_KIND_BECQUEREL: return "(1/s)";
  case UNIT_KIND_KATAL: return "(mol/s)";
  case UNIT_KIND_JOULE: return "(N*m)";
  case UNIT_KIND_WATT: return "(N*m/s)";
  case UNIT_KIND_PASCAL: return "(N/m^2)";
  default: return UnitKind_toString(k);
  }
}

/* The short name of factor * kind when there is one ("mmol", "d", "kg"). */
static const char *short_name(UnitKind_t k, double factor, char *buf, size_t size) {
  static const struct {
    double seconds;
    const char *name;
  } times[] = {{60, "min"}, {3600, "h"}, {86400, "d"}, {604800, "wk"}};
  static const struct {
    double scale;
    const char *prefix;
  } prefixes[] = {{1e-15, "f"}, {1e-12, "p"}, {1e-9, "n"}, {1e-6, "u"},
                  {1e-3, "m"},  {1e-2, "c"},  {1e-1, "d"}, {1e3, "k"}};
  if (k == UNIT_KIND_KILOGRAM) { /* as grams, so that kg scale -6 is mg */
    k = UNIT_KIND_GRAM;
    factor *= 1e3;
  }
  if (fabs(factor - 1) <= 1e-12) return kind_word(k);
  if (k == UNIT_KIND_SECOND)
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
      if (fabs(factor - times[i].seconds) <= 1e-12 * times[i].seconds)
        return times[i].name;
  if (k != UNIT_KIND_SECOND && k != UNIT_KIND_GRAM && k != UNIT_KIND_MOLE &&
      k != UNIT_KIND_METRE && k != UNIT_KIND_METER && k != UNIT_KIND_LITRE &&
      k != UNIT_KIND_LITER)
    return NULL;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (fabs(factor - prefixes[i].scale) <= 1e-12 * prefixes[i].scale) {
      snprintf(buf, size, "%s%s", prefixes[i].prefix, kind_word(k));
      return buf;
    }
  return NULL;
}

/* Appends one unit as "word" or "word^e" (|e| its exponent's magnitude),
   a factor without a short name as "7*s", or "(7*s)" where a power or a
   '/' before it would bind to the number only; 0 when the unit cannot be
   written. */
static int put_unit(Unit_t *u, int e, int divisor, char *out, size_t size,
                    size_t *used) {
  UnitKind_t k = Unit_getKind(u);
  double factor = Unit_getMultiplier(u) * pow(10.0, Unit_getScale(u));
  if (!(factor > 0) || !isfinite(factor)) return 0;
  char word[64], pre[32];
  const char *name = short_name(k, factor, pre, sizeof pre);
  if (name != NULL) snprintf(word, sizeof word, "%s", name);
  else snprintf(word, sizeof word, e != 1 || divisor ? "(%.17g*%s)" : "%.17g*%s",
                factor, kind_word(k));
  int n = e == 1 ? snprintf(out + *used, size - *used, "%s", word)
                 : snprintf(out + *used, size - *used, "%s^%d", word, e);
  if (n < 0 || (size_t)n >= size - *used) return 0;
  *used += (size_t)n;
  return 1;
}

/* def as "a*b^2/c" (positive exponents first); 0 when it cannot be. */
static int definition_text(UnitDefinition_t *def, char *out, size_t size) {
  unsigned n = UnitDefinition_getNumUnits(def);
  size_t used = 0;
  int npos = 0;
  out[0] = '\0';
  for (unsigned i = 0; i < n; i++) {
    double e = Unit_getExponentAsDouble(UnitDefinition_getUnit(def, i));
    if (e != floor(e) || fabs(e) > 9) return 0;
  }
  for (int pass = 0; pass < 2; pass++)
    for (unsigned i = 0; i < n; i++) {
      Unit_t *u = UnitDefinition_getUnit(def, i);
      int e = (int)Unit_getExponentAsDouble(u);
      if (e == 0 || (pass == 0) != (e > 0)) continue;
      const char *sep = pass == 0 ? (npos ? "*" : "") : (npos ? "/" : "1/");
      size_t sl = strlen(sep);
      if (used + sl >= size) return 0;
      memcpy(out + used, sep, sl + 1);
      used += sl;
      if (pass == 0) npos++;
      if (!put_unit(u, e < 0 ? -e : e, pass == 1, out, size, &used)) return 0;
      if (pass == 1 && npos == 0) npos = 1; /* "1/a/b" */
    }
  if (used == 0) snprintf(out, size, "1"); /* no units: dimensionless */
  return 1;
}

/* The text for unit reference id; NULL for none. A unitDefinition, else a
   base kind (L2-L3 allow one as a unit reference), else L1-L2's built-in
   substance, volume, area, length, time; else the id as it is. */
static const char *id_text(tr *T, const char *id, char *buf, size_t size) {
  if (id == NULL || id[0] == '\0') return NULL;
  UnitDefinition_t *def = Model_getUnitDefinitionById(T->m, id);
  muskx__unit u;
  char msg[8];
  /* what the parser cannot read back (a kind name that is not a word)
     stays the id */
  if (def != NULL)
    return definition_text(def, buf, size) &&
                   muskx__unit_parse(buf, &u, msg, sizeof msg, NULL) == 0
               ? buf
               : id;
  UnitKind_t k = UnitKind_forName(id);
  if (k != UNIT_KIND_INVALID) {
    const char *w = kind_word(k); /* "1/s" alone needs no parentheses */
    size_t n = strlen(w);
    if (w[0] != '(' || n >= size) return w;
    memcpy(buf, w + 1, n - 2);
    buf[n - 2] = '\0';
    return buf;
  }
  if (T->level < 3) {
    static const char *const builtin[][2] = {{"substance", "mol"}, {"volume", "L"},
                                             {"area", "m^2"},     {"length", "m"},
                                             {"time", "s"}};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
      if (strcmp(id, builtin[i][0]) == 0) return builtin[i][1];
  }
  return id;
}

/* The unit id a compartment's size is in, with the defaults of its level. */
static const char *compartment_units(tr *T, const sv *c) {
  if (c->units != NULL && c->units[0] != '\0') return c->units;
  Compartment_t *cp = (Compartment_t *)c->el;
  double dims = Compartment_getSpatialDimensionsAsDouble(cp);
  if (T->level >= 3) {
    if (!Compartment_isSetSpatialDimensions(cp)) return NULL;
    return dims == 3 ? Model_getVolumeUnits(T->m)
           : dims == 2 ? Model_getAreaUnits(T->m)
           : dims == 1 ? Model_getLengthUnits(T->m)
                       : NULL;
  }
  return dims == 3 ? "volume" : dims == 2 ? "area" : dims == 1 ? "length" : NULL;
}

/* Writes into buf the unit of what muskx variable v holds: its own unit,
   and for a species that holds a concentration its substance per its
   compartment's size. NULL when SBML gives none. */
const char *muskx__sbml_unit_text(tr *T, const sv *v, char *buf, size_t size) {
  if (v->type == S_COMPARTMENT) return id_text(T, compartment_units(T, v), buf, size);
  if (v->type != S_SPECIES) return id_text(T, v->units, buf, size);
  const char *subst = v->units;
  if (subst == NULL || subst[0] == '\0')
    subst = T->level >= 3 ? Model_getSubstanceUnits(T->m) : "substance";
  if (v->hosu || v->amount_state || v->comp < 0) return id_text(T, subst, buf, size);
  char a[UNIT_TEXT_MAX], b[UNIT_TEXT_MAX];
  const char *st = id_text(T, subst, a, sizeof a);
  const char *ct = id_text(T, compartment_units(T, &T->v[v->comp]), b, sizeof b);
  if (st == NULL || ct == NULL) return NULL; /* a concentration of unknowns */
  /* the volume in parentheses when it is a product or quotient */
  int group = strpbrk(ct, "*/") != NULL;
  int n = snprintf(buf, size, group ? "%s/(%s)" : "%s/%s", st, ct);
  return n > 0 && (size_t)n < size ? buf : NULL;
}

/* As muskx__sbml_unit_text() for a unit id (a local parameter's, the
   model's time units). */
const char *muskx__sbml_unit_id_text(tr *T, const char *id, char *buf, size_t size) {
  return id_text(T, id, buf, size);
}
