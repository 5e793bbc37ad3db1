/* Every compile error of the expression language, as the user sees it: exact text, carets. */
#include "fixture.h"

#define P "styles/needs.json: indicator: "

typedef struct {
    const char *src;
    const char *want;
} case_t;

static void check(const char *src, int has_parent, const char *want)
{
    pm_expr_schema s = fx_schema(has_parent);
    pm_expr *e = NULL;
    pm_expr_error err;
    memset(&err, 0x55, sizeof err);
    pm_status st = pm_expr_compile(src, &s, &e, &err);
    cr_expect_eq(st, PM_EDATA, "%s: compiled (%d)", src, st);
    cr_expect_null(e);
    if (st != PM_EDATA) { pm_expr_free(e); return; }
    char *t = pm_expr_error_text("styles/needs.json", "indicator", src, &err);
    cr_assert_not_null(t);
    cr_expect_str_eq(t, want, "for %s got:\n%s\nwanted:\n%s", src, t, want);
    free(t);
}

static void check_all(const case_t *c, size_t n)
{
    for (size_t i = 0; i < n; i++) check(c[i].src, 1, c[i].want);
}

#define CHECK_ALL(table) check_all(table, sizeof table / sizeof table[0])

Test(expr_errors, names)
{
    static const case_t c[] = {
        { "needz / households * 1000", P "column 1: unknown field \"needz\" (did you mean \"needs\"?)\n"
          "    needz / households * 1000\n    ^^^^^" },
        { "群众满意 * 0.7", P "column 1: unknown field \"群众满意\" (did you mean \"群众满意度\"?)\n"
          "    群众满意 * 0.7\n    ^^^^^^^^" },
        { "群众满意度 + needz", P "column 9: unknown field \"needz\" (did you mean \"needs\"?)\n"
          "    群众满意度 + needz\n                 ^^^^^" },
        { "\"服务得分\" * 2", P "column 1: unknown field \"服务得分\" (did you mean \"服务 得分\"?)\n"
          "    \"服务得分\" * 2\n    ^^^^^^^^^^" },
        { "zzz + 1", P "column 1: unknown field \"zzz\"\n    zzz + 1\n    ^^^" },
        { "Needs * 2", P "column 1: unknown field \"Needs\" (did you mean \"needs\"?)\n    Needs * 2\n    ^^^^^" },
        { "NOT a > 1", P "column 1: unknown field \"NOT\" (keywords are lower case: not)\n    NOT a > 1\n    ^^^" },
        { "a AND b", P "column 3: expected an operator or the end of the expression, got \"AND\" "
          "(keywords are lower case: and)\n    a AND b\n      ^^^" },
        { "median + 1", P "column 1: median is a function: write median(...)\n    median + 1\n    ^^^^^^" },
        { "medain(a)", P "column 1: unknown function \"medain\" (did you mean \"median\"?)\n    medain(a)\n    ^^^^^^" },
        { "avg(a)", P "column 1: unknown function \"avg\" (did you mean \"mean\"?)\n    avg(a)\n    ^^^" },
        { "pow(a, 2)", P "column 1: unknown function \"pow\" (there is no power function: write x * x)\n"
          "    pow(a, 2)\n    ^^^" },
        { "foo(a)", P "column 1: unknown function \"foo\"\n    foo(a)\n    ^^^" },
        { "needs(2)", P "column 1: \"needs\" is a field, not a function (write needs * (...) to multiply)\n"
          "    needs(2)\n    ^^^^^" },
    };
    CHECK_ALL(c);
}

Test(expr_errors, arity)
{
    static const case_t c[] = {
        { "round(a)", P "column 1: round takes 2 arguments (x, decimals), got 1\n    round(a)\n    ^^^^^^^^" },
        { "abs(a, b)", P "column 1: abs takes 1 argument (x), got 2\n    abs(a, b)\n    ^^^^^^^^^" },
        { "min(a)", P "column 1: min takes at least 2 arguments (a, b, ...), got 1\n    min(a)\n    ^^^^^^" },
        { "coalesce()", P "column 1: coalesce takes at least 2 arguments (x, fallback, ...), got 0\n"
          "    coalesce()\n    ^^^^^^^^^^" },
        { "if(a > 1, a)", P "column 1: if takes 3 arguments (condition, then, else), got 2\n"
          "    if(a > 1, a)\n    ^^^^^^^^^^^^" },
        { "1 + clamp(a, 1, 2, 3)", P "column 5: clamp takes 3 arguments (x, lo, hi), got 4\n"
          "    1 + clamp(a, 1, 2, 3)\n        ^^^^^^^^^^^^^^^^^" },
        { "rank()", P "column 1: rank takes 1 argument (x), got 0\n    rank()\n    ^^^^^^" },
    };
    CHECK_ALL(c);
}

#define BOOL "a boolean (a comparison or logical expression)"

Test(expr_errors, types)
{
    static const case_t c[] = {
        { "if(needs, 1, 0)", P "column 4: if: the condition must be a comparison or a logical "
          "expression, got a number\n    if(needs, 1, 0)\n       ^^^^^" },
        { "if(a > 1, a, b > 1)", P "column 14: if: both branches must have the same type, got a "
          "number and " BOOL "\n    if(a > 1, a, b > 1)\n                 ^^^^^" },
        { "(a > 1) + 1", P "column 1: \"+\" needs numbers, got " BOOL "\n    (a > 1) + 1\n    ^^^^^^^" },
        { "1 * (a > 1)", P "column 5: \"*\" needs numbers, got " BOOL "\n    1 * (a > 1)\n        ^^^^^^^" },
        { "true + 1", P "column 1: \"+\" needs numbers, got " BOOL "\n    true + 1\n    ^^^^" },
        { "-(a > 1)", P "column 2: \"-\" needs a number, got " BOOL "\n    -(a > 1)\n     ^^^^^^^" },
        { "not a", P "column 5: not needs a comparison or a logical expression, got a number\n"
          "    not a\n        ^" },
        { "a > 1 and b", P "column 11: and needs a comparison or a logical expression on each "
          "side, got a number\n    a > 1 and b\n              ^" },
        { "a or b > 1", P "column 1: or needs a comparison or a logical expression on each "
          "side, got a number\n    a or b > 1\n    ^" },
        { "a < (b > 1)", P "column 5: \"<\" compares numbers, got " BOOL "\n    a < (b > 1)\n        ^^^^^^^" },
        { "a == (b > 1)", P "column 1: \"==\" compares values of the same type, got a number and "
          BOOL "\n    a == (b > 1)\n    ^^^^^^^^^^^^" },
        { "a < b < 3", P "column 7: comparisons do not chain: write a < b and b < c\n"
          "    a < b < 3\n          ^" },
        { "median(a > 1)", P "column 8: median: x must be a number, got " BOOL "\n"
          "    median(a > 1)\n           ^^^^^" },
        { "clamp(a, 1, b > 1)", P "column 13: clamp: hi must be a number, got " BOOL "\n"
          "    clamp(a, 1, b > 1)\n                ^^^^^" },
        { "round(a, 2.5)", P "column 10: round: decimals must be a whole number from -15 to 15, "
          "got 2.5\n    round(a, 2.5)\n             ^^^" },
        { "round(a, -16)", P "column 10: round: decimals must be a whole number from -15 to 15, "
          "got -16\n    round(a, -16)\n             ^^^" },
        { "round(a, b > 1)", P "column 10: round: decimals must be a number, got " BOOL "\n"
          "    round(a, b > 1)\n             ^^^^^" },
        { "min(a, b > 1)", P "column 8: min: the arguments must be numbers, got " BOOL "\n"
          "    min(a, b > 1)\n           ^^^^^" },
        { "coalesce(a, b > 1)", P "column 13: coalesce: the arguments must have the same type, "
          "got a number and " BOOL "\n    coalesce(a, b > 1)\n                ^^^^^" },
        { "1 + not a > 1", P "column 5: not needs parentheses here: (not ...)\n"
          "    1 + not a > 1\n        ^^^" },
    };
    CHECK_ALL(c);
}

Test(expr_errors, in_parent_without_parents)
{
    check("a - median_in_parent(a)", 0, P "column 5: median_in_parent: the units have no parent "
          "(the data names no parent field)\n    a - median_in_parent(a)\n        ^^^^^^^^^^^^^^^^");
    check("rank_in_parent(a)", 0, P "column 1: rank_in_parent: the units have no parent "
          "(the data names no parent field)\n    rank_in_parent(a)\n    ^^^^^^^^^^^^^^");
}

Test(expr_errors, structure)
{
    static const case_t c[] = {
        { "(a + 1", P "column 1: unbalanced \"(\": missing \")\"\n    (a + 1\n    ^" },
        { "a + 1)", P "column 6: unbalanced \")\": there is no \"(\" to close\n    a + 1)\n         ^" },
        { "round(a, 1", P "column 6: unbalanced \"(\" of round: missing \")\"\n    round(a, 1\n         ^" },
        { "round(a 1)", P "column 9: expected \",\" or \")\" in the call of round, got \"1\"\n"
          "    round(a 1)\n            ^" },
        { "(a 1)", P "column 4: expected \")\" or an operator, got \"1\"\n    (a 1)\n       ^" },
        { "needs households", P "column 7: expected an operator or the end of the expression, got "
          "\"households\"\n    needs households\n          ^^^^^^^^^^" },
        { "2 (a)", P "column 3: expected an operator before \"(\" (write * to multiply)\n    2 (a)\n      ^" },
        { "a, b", P "column 2: \",\" outside a function call\n    a, b\n     ^" },
        { "", P "column 1: empty expression\n    \n    ^" },
        { " \t ", P "column 1: empty expression\n       \n    ^" },
        { "a /", P "column 4: expected a value after \"/\", got the end of the expression\n    a /\n       ^" },
        { "a > 1 and", P "column 10: expected a value after \"and\", got the end of the expression\n"
          "    a > 1 and\n             ^" },
        { "a + * b", P "column 5: expected a value after \"+\", got \"*\"\n    a + * b\n        ^" },
        { "min(a,)", P "column 7: expected a value after \",\", got \")\"\n    min(a,)\n          ^" },
        { "+a", P "column 1: expected a value, got \"+\"\n    +a\n    ^" },
    };
    CHECK_ALL(c);
}

Test(expr_errors, characters)
{
    static const case_t c[] = {
        { "a = 1", P "column 3: \"=\" is not a comparison: write ==\n    a = 1\n      ^" },
        { "a && b", P "column 3: write and instead of \"&&\"\n    a && b\n      ^^" },
        { "a || b", P "column 3: write or instead of \"||\"\n    a || b\n      ^^" },
        { "!a", P "column 1: write not instead of \"!\"\n    !a\n    ^" },
        { "a <> b", P "column 3: write != instead of \"<>\"\n    a <> b\n      ^^" },
        { "a ^ 2", P "column 3: there is no power operator: write x * x (or sqrt(x))\n    a ^ 2\n      ^" },
        { "'服务 得分'", P "column 1: names are quoted with double quotes (\"服务 得分\"), not single ones\n"
          "    '服务 得分'\n    ^" },
        { "round（a, 1)", P "column 6: full-width \"（\": write the ASCII \"(\"\n    round（a, 1)\n         ^^" },
        { "a，b", P "column 2: full-width \"，\": write the ASCII \",\"\n    a，b\n     ^^" },
        { "a　+ 1", P "column 2: a full-width space: write an ASCII space\n    a　+ 1\n     ^^" },
        { "a # b", P "column 3: unexpected character \"#\"\n    a # b\n      ^" },
        { "2x + 1", P "column 1: \"2x\" is not a number: write 2 * x, or quote a name that starts "
          "with a digit (\"2x\")\n    2x + 1\n    ^^" },
        { "1.2.3", P "column 1: \"1.2.3\" is not a number\n    1.2.3\n    ^^^^^" },
        { "1e999", P "column 1: the number is too large\n    1e999\n    ^^^^^" },
        { "\"服务 得分 + 1", P "column 1: unterminated quoted name: add the closing \"\n"
          "    \"服务 得分 + 1\n    ^" },
        { "\"\" + 1", P "column 1: empty quoted name\n    \"\" + 1\n    ^^" },
        { "\"a\\n\"", P "column 3: unknown escape in a quoted name (only \\\" and \\\\)\n"
          "    \"a\\n\"\n      ^^" },
        { "a + \xff", P "column 5: not valid UTF-8 (byte 0xFF): save the file as UTF-8\n    a + ?\n        ^" },
        { "a +\n\tzz", P "column 6: unknown field \"zz\"\n    a +  zz\n         ^^" },
    };
    CHECK_ALL(c);
}

Test(expr_errors, long_sources_are_cut_around_the_problem)
{
    char src[200] = "", want[600];
    for (int i = 0; i < 60; i++) strcat(src, "a+");
    strcat(src, "zz"); /* 122 characters, the problem at the end */
    char tail[64] = "";
    for (int i = 0; i < 15; i++) strcat(tail, "a+");
    snprintf(want, sizeof want, P "column 121: unknown field \"zz\"\n    ...%szz\n    %33s^^", tail, "");
    check(src, 1, want);
    strcpy(src, "zz");
    for (int i = 0; i < 60; i++) strcat(src, "+a"); /* the problem at the start */
    char head[100] = "zz";
    for (int i = 0; i < 44; i++) strcat(head, "+a");
    snprintf(want, sizeof want, P "column 1: unknown field \"zz\"\n    %s...\n    ^^", head);
    check(src, 1, want);
}

Test(expr_errors, limits)
{
    char *s = malloc(PM_EXPR_MAX_SOURCE + 2);
    memset(s, 'a', PM_EXPR_MAX_SOURCE + 1);
    s[PM_EXPR_MAX_SOURCE + 1] = '\0';
    pm_expr_schema sc = fx_schema(1);
    pm_expr *e = NULL;
    pm_expr_error err;
    cr_assert_eq(pm_expr_compile(s, &sc, &e, &err), PM_EDATA);
    char *t = pm_expr_error_text("styles/needs.json", "indicator", s, &err);
    cr_expect_str_eq(t, P "the expression is longer than 16384 bytes");
    free(t);
    free(s);
    char deep[200] = "";
    for (int i = 0; i < 65; i++) strcat(deep, "(");
    strcat(deep, "a");
    for (int i = 0; i < 65; i++) strcat(deep, ")");
    char want[600], pad[80];
    memset(pad, ' ', 64);
    pad[64] = '\0';
    /* 131 columns: cut to 90 from 30 before the problem */
    snprintf(want, sizeof want, P "column 65: nested deeper than 64 levels (parentheses and "
             "function calls): split the expression\n    ...%.31sa%.58s...\n    %s^",
             deep, deep + 66, pad + 31);
    check(deep, 1, want);
}

Test(expr_errors, text_without_file_key_or_source)
{
    pm_expr_error err = { 3, 2, "unknown field \"zz\"" };
    char *t = pm_expr_error_text(NULL, "", "a +zz", &err);
    cr_expect_str_eq(t, "column 3: unknown field \"zz\"\n    a +zz\n      ^^");
    free(t);
    t = pm_expr_error_text("partymap.json", "indicators.composite", NULL, &err);
    cr_expect_str_eq(t, "partymap.json: indicators.composite: unknown field \"zz\"");
    free(t);
    err.column = 0;
    t = pm_expr_error_text("f.json", NULL, "a +zz", &err);
    cr_expect_str_eq(t, "f.json: unknown field \"zz\"");
    free(t);
}

Test(expr_errors, error_is_optional_and_long_names_are_cut)
{
    pm_expr_schema s = fx_schema(1);
    pm_expr *e = (pm_expr *)&s;
    cr_expect_eq(pm_expr_compile("zz +", &s, &e, NULL), PM_EDATA);
    cr_expect_null(e);
    char src[400] = "";
    for (int i = 0; i < 100; i++) strcat(src, "名");
    pm_expr_error err;
    cr_assert_eq(pm_expr_compile(src, &s, &e, &err), PM_EDATA);
    cr_expect_eq(err.column, 1);
    cr_expect_eq(err.length, 100);
    cr_expect_lt(strlen(err.message), sizeof err.message);
    cr_expect(strstr(err.message, "...\""), "%s", err.message);
}
