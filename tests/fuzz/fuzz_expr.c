/* libFuzzer target: expressions and sets of definitions must compile or be refused with
 * a located message, and evaluate to numbers or no data, never crash, hang or overflow.
 * An input starting with "#set\n" is a set: one "name=source" a line; else one expression. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

enum { NC = 7, NY = 3, NF = 5, MAXDEFS = 32 };
static const char *const fields[NF] = { "a", "b", "needs", "群众满意度", "服务 得分" };
static const int years[NY] = { 2014, 2015, 2017 };
static const long parent[NC] = { 0, 0, 1, 1, 1, -1, 0 };
static const double values[NY * NC * NF] = {
    1, 0, 100, 90, 10,    2, 4, 0, 80, 20,    3, -1, 50, 70, NAN,   NAN, 2, NAN, 60, 40,
    5, 0.5, 200, NAN, 50, 7, 1, 10, 50, 60,   3, 1e308, -1e308, 0, -0.0,
    2, 0, 120, 91, 11,    2, 0, 10, 81, 21,   NAN, 3, 60, 71, 31,   4, NAN, 30, 61, 41,
    0, 2, 210, 51, 51,    2, 1, 11, 41, 61,   2, 2, 2, 2, 2,
    10, 1, 130, 92, 12,   NAN, 1, 20, 82, 22, 10, 1, 70, 72, 32,    10, 1, 40, 62, 42,
    10, 1, 220, 52, 52,   1, 1, 12, 42, 62,   NAN, NAN, NAN, NAN, NAN,
};

static size_t codepoints(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void check_values(const double *v, size_t n, pm_expr_type t)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(isnan(v[i]) || isfinite(v[i]));
        CHECK(!(v[i] == 0 && signbit(v[i])));
        if (t == PM_EXPR_BOOL) CHECK(isnan(v[i]) || v[i] == 0 || v[i] == 1);
    }
}

static void check_error(const char *src, const pm_expr_error *err)
{
    CHECK(memchr(err->message, '\0', sizeof err->message) && err->message[0]);
    CHECK(err->column <= codepoints(src) + 1);
    char *t = pm_expr_error_text("fuzz.json", "indicator", src, err);
    CHECK(t);
    free(t);
}

static void one(const char *src, int has_parent)
{
    pm_expr_schema s = { fields, NF, has_parent };
    pm_expr *e = NULL;
    pm_expr_error err;
    if (pm_expr_compile(src, &s, &e, &err) != PM_OK) {
        CHECK(!e);
        check_error(src, &err);
        return;
    }
    size_t refs[NF + 1];
    size_t n = pm_expr_field_refs(e, refs, NF + 1);
    CHECK(n <= NF);
    for (size_t i = 0; i < n; i++) CHECK(refs[i] < NF && (i == 0 || refs[i] > refs[i - 1]));
    pm_expr_data d = { NC, NY, NF, years, values, parent, 2 };
    double out[NC];
    for (size_t y = 0; y < NY; y++) {
        CHECK(pm_expr_eval(e, &d, y, out) == PM_OK);
        check_values(out, NC, pm_expr_result_type(e));
    }
    pm_expr_free(e);
}

static void set(char *text)
{
    const char *names[MAXDEFS], *src[MAXDEFS];
    size_t n = 0;
    for (char *line = text; line && n < MAXDEFS;) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = '\0';
            names[n] = line;
            src[n++] = eq + 1;
        }
        line = next;
    }
    pm_expr_schema base = { fields, NF, 1 };
    pm_exprset *s = NULL;
    size_t bad = 0;
    pm_expr_error err;
    if (pm_exprset_compile(names, src, n, &base, &s, &bad, &err) != PM_OK) {
        CHECK(!s && bad < (n ? n : 1));
        if (n) check_error(err.column ? src[bad] : "", &err);
        return;
    }
    double *out = malloc(NY * NC * (NF + n) * sizeof *out);
    pm_expr_data d = { NC, NY, NF, years, values, parent, 2 };
    CHECK(out && pm_exprset_eval(s, &d, out) == PM_OK);
    for (size_t r = 0; r < NY * NC; r++)
        for (size_t i = 0; i < n; i++)
            check_values(&out[r * (NF + n) + NF + i], 1, pm_expr_result_type(pm_exprset_expr(s, i)));
    free(out);
    pm_exprset_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 20000) return 0; /* past the 16 KiB limit is enough */
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (strncmp(s, "#set\n", 5) == 0) {
        set(s + 5);
    } else {
        one(s, 1);
        one(s, 0);
    }
    free(s);
    return 0;
}
