/* A small hand-made table for the expression tests: 6 committees, 3 years (2014,
 * 2015, 2017: 2016 was not evaluated), two parents and one committee without. */
#ifndef PM_TEST_EXPR_FIXTURE_H
#define PM_TEST_EXPR_FIXTURE_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr.h"

#define N NAN
enum { NC = 6, NY = 3, NF = 6 };

static const char *const fx_fields[NF] = { "a", "b", "needs", "households", "群众满意度", "服务 得分" };
static const int fx_years[NY] = { 2014, 2015, 2017 };
static const long fx_parent[NC] = { 0, 0, 0, 1, 1, -1 };

/* [y][f][c]: easier to read and write by hand than the evaluator's layout */
static const double fx_cols[NY][NF][NC] = {
    { /* 2014 */
      { 1, 2, 3, N, 5, 7 },            /* a */
      { 0, 4, -1, 2, 0.5, 1 },         /* b */
      { 100, 0, 50, N, 200, 10 },      /* needs */
      { 400, 300, 0, 200, 100, 50 },   /* households */
      { 90, 80, 70, 60, N, 50 },       /* 群众满意度 */
      { 10, 20, 30, 40, 50, N } },     /* 服务 得分 */
    { /* 2015 */
      { 2, 2, N, 4, 0, 2 },
      { 0, 0, 3, N, 2, 1 },
      { 120, 10, 60, 30, 210, 11 },
      { 400, 300, 0, 200, 100, 50 },
      { 91, 81, 71, 61, 51, 41 },
      { 11, 21, 31, 41, 51, 61 } },
    { /* 2017 */
      { 10, N, 10, 10, 10, 1 },
      { 1, 1, 1, 1, 1, 1 },
      { 130, 20, 70, 40, 220, 12 },
      { 400, 300, 0, 200, 100, 50 },
      { 92, 82, 72, 62, 52, 42 },
      { 12, 22, 32, 42, 52, 62 } },
};

static double fx_values[NY * NC * NF];

static inline void fx_fill(void)
{
    for (size_t y = 0; y < NY; y++)
        for (size_t c = 0; c < NC; c++)
            for (size_t f = 0; f < NF; f++) fx_values[(y * NC + c) * NF + f] = fx_cols[y][f][c];
}

static inline pm_expr_schema fx_schema(int has_parent)
{
    return (pm_expr_schema){ fx_fields, NF, has_parent };
}

static inline pm_expr_data fx_data(void)
{
    fx_fill();
    return (pm_expr_data){ NC, NY, NF, fx_years, fx_values, fx_parent, 2 };
}

static inline pm_expr *fx_compile(const char *src)
{
    pm_expr_schema s = fx_schema(1);
    pm_expr *e = NULL;
    pm_expr_error err;
    pm_status st = pm_expr_compile(src, &s, &e, &err);
    cr_assert_eq(st, PM_OK, "%s: column %zu: %s", src, err.column, err.message);
    return e;
}

/* Values equal, or both no data. */
static inline int fx_same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* src evaluated in year index y must give want[] exactly (N = no data). */
static inline void fx_expect(const char *src, size_t y, const double want[NC])
{
    pm_expr *e = fx_compile(src);
    pm_expr_data d = fx_data();
    double out[NC];
    cr_assert_eq(pm_expr_eval(e, &d, y, out), PM_OK, "%s: eval failed", src);
    for (size_t c = 0; c < NC; c++)
        cr_expect(fx_same(out[c], want[c]), "%s, year %d, committee %zu: got %.17g, want %.17g",
                  src, fx_years[y], c, out[c], want[c]);
    pm_expr_free(e);
}

#define EXPECT(src, y, ...) fx_expect(src, y, (const double[NC]){ __VA_ARGS__ })

#endif
