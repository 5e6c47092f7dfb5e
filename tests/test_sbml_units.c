/*
 * test_sbml_units.c -- SBML units arrive as unit text the unit parser
 * reads (lib/sbml_import_unit_text.c), so an imported SBML model's units
 * are compared like a YAML model's: a unitDefinition per_day (second,
 * exponent -1, multiplier 86400) is one per day, mM (mole scale -3, litre
 * exponent -1) one mol/m^3, a concentration species is its substance per
 * its compartment's volume. The expected sizes are SI's and the SBML
 * specification's ((multiplier 10^scale kind)^exponent, L3V2 4.4), read
 * back through the parser; a binding of per_day to 1/h is refused with
 * the calendar's factor 24.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "muskx.h"
#include "testutil.h"
#include "unit_parse.h"

#ifdef MUSKX_HAVE_SBML
static const char sbml[] =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<sbml xmlns='http://www.sbml.org/sbml/level3/version2/core' level='3' "
    "version='2'>\n"
    " <model id='u' timeUnits='msec' substanceUnits='mmole' volumeUnits='litre'>\n"
    "  <listOfUnitDefinitions>\n"
    "   <unitDefinition id='msec'><listOfUnits><unit kind='second' exponent='1' "
    "scale='-3' multiplier='1'/></listOfUnits></unitDefinition>\n"
    "   <unitDefinition id='per_day'><listOfUnits><unit kind='second' "
    "exponent='-1' scale='0' multiplier='86400'/></listOfUnits></unitDefinition>\n"
    "   <unitDefinition id='mmole'><listOfUnits><unit kind='mole' exponent='1' "
    "scale='-3' multiplier='1'/></listOfUnits></unitDefinition>\n"
    "   <unitDefinition id='mM'><listOfUnits><unit kind='mole' exponent='1' "
    "scale='-3' multiplier='1'/><unit kind='litre' exponent='-1' scale='0' "
    "multiplier='1'/></listOfUnits></unitDefinition>\n"
    "   <unitDefinition id='per_mM_day'><listOfUnits><unit kind='mole' "
    "exponent='-1' scale='-3' multiplier='1'/><unit kind='litre' exponent='1' "
    "scale='0' multiplier='1'/><unit kind='second' exponent='-1' scale='0' "
    "multiplier='86400'/></listOfUnits></unitDefinition>\n"
    "   <unitDefinition id='ugram'><listOfUnits><unit kind='kilogram' "
    "exponent='1' scale='-9' multiplier='1'/></listOfUnits></unitDefinition>\n"
    "   <unitDefinition id='sq15s'><listOfUnits><unit kind='second' exponent='2' "
    "scale='1' multiplier='1.5'/></listOfUnits></unitDefinition>\n"
    "   <unitDefinition id='root_kelvin'><listOfUnits><unit kind='kelvin' "
    "exponent='0.5' scale='0' multiplier='1'/></listOfUnits></unitDefinition>\n"
    "  </listOfUnitDefinitions>\n"
    "  <listOfCompartments><compartment id='c' size='2' spatialDimensions='3' "
    "constant='true'/></listOfCompartments>\n"
    "  <listOfSpecies>\n"
    "   <species id='S' compartment='c' initialConcentration='1' "
    "hasOnlySubstanceUnits='false' boundaryCondition='false' constant='false'/>\n"
    "   <species id='A' compartment='c' initialAmount='1' "
    "hasOnlySubstanceUnits='true' boundaryCondition='false' constant='false'/>\n"
    "  </listOfSpecies>\n"
    "  <listOfParameters>\n"
    "   <parameter id='k' value='0.5' units='per_day' constant='true'/>\n"
    "   <parameter id='k2' value='0.5' units='per_mM_day' constant='true'/>\n"
    "   <parameter id='Km' value='0.5' units='mM' constant='true'/>\n"
    "   <parameter id='m' value='0.5' units='ugram' constant='true'/>\n"
    "   <parameter id='q' value='0.5' units='sq15s' constant='true'/>\n"
    "   <parameter id='f' value='0.5' units='hertz' constant='true'/>\n"
    "   <parameter id='T' value='0.5' units='root_kelvin' constant='true'/>\n"
    "  </listOfParameters>\n"
    "  <listOfReactions><reaction id='r' reversible='false'><listOfReactants>"
    "<speciesReference species='S' stoichiometry='1' constant='true'/>"
    "</listOfReactants><kineticLaw><math "
    "xmlns='http://www.w3.org/1998/Math/MathML'><apply><times/><ci>k</ci>"
    "<ci>S</ci><ci>c</ci></apply></math></kineticLaw></reaction>"
    "</listOfReactions>\n"
    " </model>\n"
    "</sbml>\n";

typedef struct files {
  char dir[256], sbml[320], module[320], top[320];
} files;

/* The SBML above as dir/u.xml and its translation as dir/module.yaml. */
static void write_files(files *f) {
  tu_tmpdir(f->dir, sizeof f->dir, "muskx_sbml_units");
  snprintf(f->sbml, sizeof f->sbml, "%s/u.xml", f->dir);
  snprintf(f->module, sizeof f->module, "%s/module.yaml", f->dir);
  snprintf(f->top, sizeof f->top, "%s/top.yaml", f->dir);
  FILE *fp = fopen(f->sbml, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(sbml, fp);
  fclose(fp);
  char *yaml = NULL;
  muskx_error err;
  ck_assert_msg(muskx_sbml_to_yaml(f->sbml, &yaml, &err) == MUSKX_OK, "%s",
                err.message);
  fp = fopen(f->module, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(yaml, fp);
  fclose(fp);
  muskx_free_string(yaml);
}

static void remove_files(files *f) {
  remove(f->sbml);
  remove(f->module);
  remove(f->top);
  rmdir(f->dir);
}

/* The unit of name reads as dimension dim with scale (in s, g, mol, m). */
static void expect_unit(const muskx_model *m, muskx_kind kind, const char *name,
                        const char *dim, double scale) {
  int i = muskx_model_find(m, kind, name);
  ck_assert_int_ge(i, 0);
  const char *text = muskx_model_unit(m, kind, i);
  muskx__unit u;
  char msg[200], d[160];
  ck_assert_msg(muskx__unit_parse(text, &u, msg, sizeof msg, NULL) == 0,
                "%s: unit '%s': %s", name, text, msg);
  muskx__unit_dimension(&u, d, sizeof d);
  ck_assert_msg(strcmp(d, dim) == 0, "%s: unit '%s' is %s, want %s", name, text,
                d, dim);
  ck_assert_msg(fabs(u.scale - scale) <= 1e-12 * scale,
                "%s: unit '%s' has scale %.17g, want %.17g", name, text, u.scale,
                scale);
}

START_TEST(sbml_unit_definitions_arrive_as_units_the_parser_reads) {
  files f;
  write_files(&f);
  muskx_model *m = tu_load(f.sbml);
  expect_unit(m, MUSKX_PARAMETER, "k", "time^-1", 1.0 / 86400);
  /* (1e-3 mol)^-1 L (86400 s)^-1 = 1e-3 m^3 / (1e-3 mol 86400 s) */
  expect_unit(m, MUSKX_PARAMETER, "k2", "time^-1 amount^-1 length^3", 1.0 / 86400);
  expect_unit(m, MUSKX_PARAMETER, "Km", "amount length^-3", 1); /* 1 mM = 1 mol/m^3 */
  expect_unit(m, MUSKX_PARAMETER, "m", "mass", 1e-6);           /* 1e-9 kg */
  expect_unit(m, MUSKX_PARAMETER, "q", "time^2", 225);          /* (1.5*10 s)^2 */
  expect_unit(m, MUSKX_PARAMETER, "f", "time^-1", 1);           /* hertz */
  expect_unit(m, MUSKX_COMPARTMENT, "c", "length^3", 1e-3);     /* litre */
  /* S holds a concentration: mmol per litre; A an amount */
  expect_unit(m, MUSKX_SPECIES, "S", "amount length^-3", 1);
  expect_unit(m, MUSKX_SPECIES, "A", "amount", 1e-3);
  /* a non-integer power cannot be written: the id is kept */
  ck_assert_str_eq(muskx_model_unit(m, MUSKX_PARAMETER,
                                    muskx_model_find(m, MUSKX_PARAMETER, "T")),
                   "root_kelvin");
  /* the time unit, 1e-3 s, as unit text a scenario reads */
  ck_assert_str_eq(muskx_model_time_unit(m), "ms");
  muskx_model_free(m);
  remove_files(&f);
}
END_TEST

/* A YAML model binding the translated module's k (per_day) to kk. */
static muskx_status bind_k(files *f, const char *kk_unit, muskx_error *err) {
  FILE *fp = fopen(f->top, "w");
  ck_assert_ptr_nonnull(fp);
  fprintf(fp,
          "muskx: 1\n"
          "model: {id: top, time_unit: ms}\n"
          "parameters:\n"
          "  kk: {value: 1, unit: \"%s\"}\n"
          "imports:\n"
          "  - file: module.yaml\n"
          "    as: s\n"
          "    bind: {k: kk}\n",
          kk_unit);
  fclose(fp);
  muskx_model *m = NULL;
  muskx_status st = muskx_model_load_file(f->top, &m, err);
  muskx_model_free(m);
  return st;
}

START_TEST(an_imported_sbml_models_bindings_are_checked_like_yaml_ones) {
  files f;
  write_files(&f);
  muskx_error err;
  ck_assert_msg(bind_k(&f, "d^-1", &err) == MUSKX_OK, "%s", err.message);
  ck_assert_msg(bind_k(&f, "1/day", &err) == MUSKX_OK, "%s", err.message);
  ck_assert_msg(bind_k(&f, "1/(24*h)", &err) == MUSKX_OK, "%s", err.message);
  ck_assert_int_eq(bind_k(&f, "1/h", &err), MUSKX_EMODEL);
  ck_assert_msg(strstr(err.message, "one 1/h is 24 1/d") != NULL, "%s", err.message);
  ck_assert_int_eq(err.line, 8);
  ck_assert_int_eq(bind_k(&f, "1/mg", &err), MUSKX_EMODEL);
  ck_assert_msg(strstr(err.message, "the units have different dimensions") != NULL,
                "%s", err.message);
  remove_files(&f);
}
END_TEST
#endif /* MUSKX_HAVE_SBML */

#ifndef MUSKX_HAVE_SBML
START_TEST(without_libsbml_translation_is_refused) {
  char *yaml = NULL;
  muskx_error err;
  ck_assert_int_eq(muskx_sbml_to_yaml("u.xml", &yaml, &err), MUSKX_EUNSUPPORTED);
}
END_TEST
#endif

int main(void) {
  Suite *s = suite_create("sbml_units");
  TCase *tc = tcase_create("core");
#ifdef MUSKX_HAVE_SBML
  tcase_add_test(tc, sbml_unit_definitions_arrive_as_units_the_parser_reads);
  tcase_add_test(tc, an_imported_sbml_models_bindings_are_checked_like_yaml_ones);
#else
  tcase_add_test(tc, without_libsbml_translation_is_refused);
#endif
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
