/*
 * test_parse.c -- the expression parser (lib/expr.c): precedence and
 * associativity, literals and names, node positions, and every error
 * message with the position it points at.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "testutil.h"

/* Parses s as if it started at line 1, column 1 of "t.yaml". */
static muskx__expr *parse(const char *s, muskx_error *err) {
  return muskx__expr_parse(s, strlen(s), "t.yaml", 1, 1, err);
}

/* Renders a tree in fully parenthesised prefix form: (+ 1 (* 2 3)). */
static void render(const muskx__expr *e, char *buf, size_t size) {
  static const char *const ops[] = {
      [MUSKX__E_NEG] = "neg", [MUSKX__E_NOT] = "!",  [MUSKX__E_ADD] = "+",
      [MUSKX__E_SUB] = "-",   [MUSKX__E_MUL] = "*",  [MUSKX__E_DIV] = "/",
      [MUSKX__E_POW] = "^",   [MUSKX__E_EQ] = "==",  [MUSKX__E_NE] = "!=",
      [MUSKX__E_LT] = "<",    [MUSKX__E_LE] = "<=",  [MUSKX__E_GT] = ">",
      [MUSKX__E_GE] = ">=",   [MUSKX__E_AND] = "&&", [MUSKX__E_OR] = "||"};
  size_t n = strlen(buf);
  if (e->kind == MUSKX__E_NUM) {
    snprintf(buf + n, size - n, "%g", e->num);
    return;
  }
  if (e->kind == MUSKX__E_NAME) {
    snprintf(buf + n, size - n, "%s", e->name);
    return;
  }
  snprintf(buf + n, size - n, "(%s", e->kind == MUSKX__E_CALL ? e->name : ops[e->kind]);
  for (int i = 0; i < e->nargs; i++) {
    n = strlen(buf);
    snprintf(buf + n, size - n, " ");
    render(e->args[i], buf, size);
  }
  n = strlen(buf);
  snprintf(buf + n, size - n, ")");
}

static void check_tree(const char *src, const char *want) {
  muskx_error err;
  memset(&err, 0, sizeof err);
  muskx__expr *e = parse(src, &err);
  ck_assert_msg(e != NULL, "'%s' failed: %s", src, err.message);
  char buf[1024] = "";
  render(e, buf, sizeof buf);
  ck_assert_str_eq(buf, want);
  muskx__expr_free(e);
}

static void check_error(const char *src, muskx_status st, int col,
                        const char *msg) {
  muskx_error err;
  memset(&err, 0, sizeof err);
  muskx__expr *e = parse(src, &err);
  ck_assert_msg(e == NULL, "'%s' should not parse", src);
  ck_assert_int_eq(err.status, st);
  ck_assert_int_eq(err.line, 1);
  ck_assert_msg(err.column == col, "'%s': column %d, want %d (%s)", src,
                err.column, col, err.message);
  ck_assert_str_eq(err.message, msg);
  ck_assert_str_eq(err.file, "t.yaml");
}

START_TEST(multiplication_binds_tighter_than_addition) {
  check_tree("1 + 2 * 3", "(+ 1 (* 2 3))");
  check_tree("1 * 2 + 3", "(+ (* 1 2) 3)");
  check_tree("(1 + 2) * 3", "(* (+ 1 2) 3)");
  check_tree("a / b * c", "(* (/ a b) c)");
}
END_TEST

START_TEST(subtraction_is_left_associative) {
  check_tree("a - b - c", "(- (- a b) c)");
}
END_TEST

START_TEST(power_is_right_associative) {
  check_tree("2^3^2", "(^ 2 (^ 3 2))");
}
END_TEST

START_TEST(unary_minus_binds_looser_than_power) {
  check_tree("-2^2", "(neg (^ 2 2))");
  check_tree("-a^b", "(neg (^ a b))");
  check_tree("2^-1", "(^ 2 -1)");
  check_tree("- -a", "(neg (neg a))");
}
END_TEST

START_TEST(a_minus_sign_on_a_literal_makes_a_negative_number) {
  check_tree("-2", "-2");
  check_tree("+3", "3");
  check_tree("a * -2", "(* a -2)");
}
END_TEST

START_TEST(logic_and_comparison_follow_the_documented_levels) {
  check_tree("a || b && c", "(|| a (&& b c))");
  check_tree("a && b || c", "(|| (&& a b) c)");
  check_tree("a < b + 1", "(< a (+ b 1))");
  check_tree("a < b == c", "(== (< a b) c)");
  check_tree("a <= b != c >= d", "(>= (!= (<= a b) c) d)");
  check_tree("!a + b", "(+ (! a) b)");
  check_tree("a > 1 && !(b == 2)", "(&& (> a 1) (! (== b 2)))");
}
END_TEST

START_TEST(numbers_follow_strtod_spelling) {
  check_tree("1e-3", "0.001");
  check_tree(".5", "0.5");
  check_tree("5.", "5");
  check_tree("2.5E+2", "250");
  check_tree("3.0e7", "3e+07");
}
END_TEST

START_TEST(inf_and_nan_are_ordinary_names) {
  check_tree("inf + nan", "(+ inf nan)");
}
END_TEST

START_TEST(dotted_names_are_one_name) {
  check_tree("bone.OCa * 2", "(* bone.OCa 2)");
  check_tree("a.b.c_1", "a.b.c_1");
}
END_TEST

START_TEST(calls_take_any_number_of_arguments) {
  check_tree("min(a, b, c)", "(min a b c)");
  check_tree("f()", "(f)");
  check_tree("hill(x, K, n) * 2", "(* (hill x K n) 2)");
  check_tree("if(t > 1, exp(-k * t), 0)", "(if (> t 1) (exp (* (neg k) t)) 0)");
}
END_TEST

START_TEST(every_node_records_its_first_character) {
  muskx_error err;
  const char *s = "k1 * (A + hill(B, 2, 3))";
  muskx__expr *e = muskx__expr_parse(s, strlen(s), "f", 10, 20, &err);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->line, 10);
  ck_assert_int_eq(e->col, 20); /* the product starts at k1 */
  muskx__expr *sum = e->args[1];
  ck_assert_int_eq(sum->col, 26); /* A */
  muskx__expr *call = sum->args[1];
  ck_assert_int_eq(call->kind, MUSKX__E_CALL);
  ck_assert_int_eq(call->col, 30);
  ck_assert_int_eq(call->args[2]->col, 41);
  ck_assert_int_eq(call->sym_kind, MUSKX__SYM_NONE);
  ck_assert_int_eq(call->builtin, MUSKX__F_NONE);
  muskx__expr_free(e);
}
END_TEST

START_TEST(a_newline_advances_the_line_and_restarts_at_the_base_column) {
  muskx_error err;
  const char *s = "a +\n  b";
  muskx__expr *e = muskx__expr_parse(s, strlen(s), "f", 3, 5, &err);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->args[1]->line, 4);
  ck_assert_int_eq(e->args[1]->col, 7);
  muskx__expr_free(e);
  s = "a +\n  )";
  ck_assert_ptr_null(muskx__expr_parse(s, strlen(s), "f", 3, 5, &err));
  ck_assert_int_eq(err.line, 4);
  ck_assert_int_eq(err.column, 7);
}
END_TEST

START_TEST(text_need_not_be_nul_terminated) {
  muskx_error err;
  muskx__expr *e = muskx__expr_parse("a+b)))", 3, "f", 1, 1, &err);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->kind, MUSKX__E_ADD);
  muskx__expr_free(e);
}
END_TEST

START_TEST(syntax_errors_name_the_token_and_point_at_it) {
  check_error(")", MUSKX_ESYNTAX, 1, "unexpected ')' in expression");
  check_error("a + )", MUSKX_ESYNTAX, 5, "unexpected ')' in expression");
  check_error("a b", MUSKX_ESYNTAX, 3, "unexpected 'b' in expression");
  check_error("a +", MUSKX_ESYNTAX, 4, "unexpected end of expression");
  check_error("(a + b", MUSKX_ESYNTAX, 7, "expected ')' to close '(' at column 1");
  check_error("2 * (a + (b)", MUSKX_ESYNTAX, 13,
              "expected ')' to close '(' at column 5");
  check_error("min(a, b", MUSKX_ESYNTAX, 9, "expected ')' to close '(' at column 4");
  check_error("min(a,)", MUSKX_ESYNTAX, 7, "unexpected ')' in expression");
  check_error("(a b)", MUSKX_ESYNTAX, 4, "unexpected 'b' in expression");
  check_error("a $ b", MUSKX_ESYNTAX, 3, "unknown character '$' in expression");
  check_error("a | b", MUSKX_ESYNTAX, 3, "unknown character '|' in expression");
  check_error("a & b", MUSKX_ESYNTAX, 3, "unknown character '&' in expression");
  check_error("a = b", MUSKX_ESYNTAX, 3,
              "unexpected '=' in expression (comparison is '==')");
  check_error("a \x01", MUSKX_ESYNTAX, 3, "unknown character '\\x01' in expression");
  check_error("", MUSKX_ESYNTAX, 1, "empty expression");
  check_error("   ", MUSKX_ESYNTAX, 1, "empty expression");
}
END_TEST

START_TEST(malformed_numbers_are_one_token) {
  check_error("1.2.3", MUSKX_ESYNTAX, 1, "malformed number '1.2.3'");
  check_error("x + 1e", MUSKX_ESYNTAX, 5, "malformed number '1e'");
  check_error("1e+", MUSKX_ESYNTAX, 1, "malformed number '1e'");
  check_error("0x10", MUSKX_ESYNTAX, 1, "malformed number '0x10'");
  check_error("2B", MUSKX_ESYNTAX, 1, "malformed number '2B'");
  check_error("1e999", MUSKX_ESYNTAX, 1, "number '1e999' is out of range");
  /* underflow: not read as 0 or as a denormal without a word */
  check_error("k * 1e-400", MUSKX_ESYNTAX, 5, "number '1e-400' is too small to represent (below 2.2e-308 in magnitude)");
  check_error("1e-310", MUSKX_ESYNTAX, 1, "number '1e-310' is too small to represent (below 2.2e-308 in magnitude)");
  check_error("a.", MUSKX_ESYNTAX, 1, "malformed name 'a.'");
  check_error("a..b", MUSKX_ESYNTAX, 1, "malformed name 'a..b'");
}
END_TEST

START_TEST(names_longer_than_255_characters_are_a_limit) {
  char s[300];
  memset(s, 'x', 256);
  s[256] = '\0';
  muskx_error err;
  ck_assert_ptr_null(parse(s, &err));
  ck_assert_int_eq(err.status, MUSKX_ELIMIT);
  s[255] = '\0';
  muskx__expr *e = parse(s, &err);
  ck_assert_ptr_nonnull(e);
  muskx__expr_free(e);
}
END_TEST

static char *repeat(const char *open, int n, const char *mid, const char *close) {
  size_t lo = strlen(open), lc = strlen(close), lm = strlen(mid);
  char *s = malloc((size_t)n * (lo + lc) + lm + 1), *p = s;
  for (int i = 0; i < n; i++, p += lo) memcpy(p, open, lo);
  memcpy(p, mid, lm);
  p += lm;
  for (int i = 0; i < n; i++, p += lc) memcpy(p, close, lc);
  *p = '\0';
  return s;
}

START_TEST(nesting_deeper_than_200_levels_is_refused) {
  muskx_error err;
  char *ok = repeat("(", 199, "a", ")");
  muskx__expr *e = parse(ok, &err);
  ck_assert_msg(e != NULL, "%s", err.message);
  muskx__expr_free(e);
  free(ok);
  char *deep = repeat("(", 201, "a", ")");
  ck_assert_ptr_null(parse(deep, &err));
  ck_assert_int_eq(err.status, MUSKX_ELIMIT);
  ck_assert_str_eq(err.message, "expression nested deeper than 200 levels");
  ck_assert_int_eq(err.column, 201);
  free(deep);
  char *minus = repeat("-", 300, "a", "");
  ck_assert_ptr_null(parse(minus, &err));
  ck_assert_int_eq(err.status, MUSKX_ELIMIT);
  free(minus);
}
END_TEST

START_TEST(a_chain_of_operators_counts_as_nesting_so_trees_stay_shallow) {
  /* 150 terms are fine; 10,000 would make a tree 10,000 deep, which every
     recursive walker downstream would have to survive. */
  muskx_error err;
  char *ok = repeat("a+", 150, "a", "");
  muskx__expr *e = parse(ok, &err);
  ck_assert_msg(e != NULL, "%s", err.message);
  muskx__expr_free(e);
  free(ok);
  char *longer = repeat("a+", 10000, "a", "");
  ck_assert_ptr_null(parse(longer, &err));
  ck_assert_int_eq(err.status, MUSKX_ELIMIT);
  free(longer);
}
END_TEST

START_TEST(clone_copies_the_whole_tree) {
  muskx_error err;
  muskx__expr *e = parse("if(a > 1, min(b, 2, c), -d^2)", &err);
  ck_assert_ptr_nonnull(e);
  e->sym_index = 7;
  muskx__expr *c = muskx__expr_clone(e);
  ck_assert_ptr_nonnull(c);
  char b1[256] = "", b2[256] = "";
  render(e, b1, sizeof b1);
  render(c, b2, sizeof b2);
  ck_assert_str_eq(b1, b2);
  ck_assert_int_eq(c->sym_index, 7);
  ck_assert_ptr_ne(c->args, e->args);
  ck_assert_ptr_ne(c->name, e->name);
  muskx__expr_free(e);
  muskx__expr_free(c);
  muskx__expr_free(NULL);
  ck_assert_ptr_null(muskx__expr_clone(NULL));
}
END_TEST

START_TEST(the_builtin_table_knows_names_and_arities) {
  ck_assert_int_eq(muskx__builtin_lookup("ln"), MUSKX__F_LOG);
  ck_assert_int_eq(muskx__builtin_lookup("log"), MUSKX__F_LOG);
  ck_assert_int_eq(muskx__builtin_lookup("hill_inh"), MUSKX__F_HILLINH);
  ck_assert_int_eq(muskx__builtin_lookup("sinh"), MUSKX__F_NONE);
  ck_assert_int_eq(muskx__builtin_lookup(NULL), MUSKX__F_NONE);
  ck_assert_int_eq(muskx__builtin_arity(MUSKX__F_MIN), -2);
  ck_assert_int_eq(muskx__builtin_arity(MUSKX__F_MAX), -2);
  ck_assert_int_eq(muskx__builtin_arity(MUSKX__F_IF), 3);
  ck_assert_int_eq(muskx__builtin_arity(MUSKX__F_HILL), 3);
  ck_assert_int_eq(muskx__builtin_arity(MUSKX__F_POW), 2);
  ck_assert_int_eq(muskx__builtin_arity(MUSKX__F_EXP), 1);
  ck_assert_str_eq(muskx__builtin_name(MUSKX__F_LOG), "log");
  ck_assert_str_eq(muskx__builtin_name(MUSKX__F_TANH), "tanh");
  for (int f = 0; f < MUSKX__F_COUNT; f++)
    ck_assert_int_eq(muskx__builtin_lookup(muskx__builtin_name((muskx__builtin)f)), f);
}
END_TEST

int main(void) {
  Suite *s = suite_create("parse");
  TCase *tc = tcase_create("expressions");
  tcase_add_test(tc, multiplication_binds_tighter_than_addition);
  tcase_add_test(tc, subtraction_is_left_associative);
  tcase_add_test(tc, power_is_right_associative);
  tcase_add_test(tc, unary_minus_binds_looser_than_power);
  tcase_add_test(tc, a_minus_sign_on_a_literal_makes_a_negative_number);
  tcase_add_test(tc, logic_and_comparison_follow_the_documented_levels);
  tcase_add_test(tc, numbers_follow_strtod_spelling);
  tcase_add_test(tc, inf_and_nan_are_ordinary_names);
  tcase_add_test(tc, dotted_names_are_one_name);
  tcase_add_test(tc, calls_take_any_number_of_arguments);
  tcase_add_test(tc, every_node_records_its_first_character);
  tcase_add_test(tc, a_newline_advances_the_line_and_restarts_at_the_base_column);
  tcase_add_test(tc, text_need_not_be_nul_terminated);
  tcase_add_test(tc, syntax_errors_name_the_token_and_point_at_it);
  tcase_add_test(tc, malformed_numbers_are_one_token);
  tcase_add_test(tc, names_longer_than_255_characters_are_a_limit);
  tcase_add_test(tc, nesting_deeper_than_200_levels_is_refused);
  tcase_add_test(tc, a_chain_of_operators_counts_as_nesting_so_trees_stay_shallow);
  tcase_add_test(tc, clone_copies_the_whole_tree);
  tcase_add_test(tc, the_builtin_table_knows_names_and_arities);
  suite_add_tcase(s, tc);
  return tu_run_suite(s);
}
