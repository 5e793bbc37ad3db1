/* The expression language: the NULL rule, operators, functions, prev, aggregates, names. */
#include <pthread.h>
#include <time.h>

#include "fixture.h"

/* y index: 0 = 2014, 1 = 2015, 2 = 2017 */

Test(expr, arithmetic_with_no_data_gives_no_data)
{
    EXPECT("a + b", 0, 1, 6, 2, N, 5.5, 8);
    EXPECT("a - b", 0, 1, -2, 4, N, 4.5, 6);
    EXPECT("a * b", 0, 0, 8, -3, N, 2.5, 7);
    EXPECT("-a", 0, -1, -2, -3, N, -5, -7);
    EXPECT("needs / households * 1000", 0, 250, 0, N, N, 2000, 200);
}

Test(expr, division_and_modulo_by_zero_give_no_data)
{
    EXPECT("a / b", 0, N, 0.5, -3, N, 10, 7);
    EXPECT("a % b", 0, N, 2, 0, N, 0, 0);
    EXPECT("0 / 0", 0, N, N, N, N, N, N);
    EXPECT("a % 0", 1, N, N, N, N, N, N);
    /* % keeps the sign of the dividend, like C's fmod */
    EXPECT("-7 % 3 + 7 % -3 * 10 + 7.5 % 2 * 100", 0, 159, 159, 159, 159, 159, 159);
}

Test(expr, overflow_gives_no_data_and_zero_has_no_sign)
{
    EXPECT("1e308 * 10", 0, N, N, N, N, N, N);
    EXPECT("-1e308 - 1e308", 0, N, N, N, N, N, N);
    pm_expr *e = fx_compile("0 * -1 + -0");
    pm_expr_data d = fx_data();
    double out[NC];
    cr_assert_eq(pm_expr_eval(e, &d, 0, out), PM_OK);
    for (size_t c = 0; c < NC; c++) cr_expect(out[c] == 0 && !signbit(out[c]));
    pm_expr_free(e);
}

Test(expr, comparisons_with_no_data_give_no_data)
{
    EXPECT("a > 2", 0, 0, 0, 1, N, 1, 1);
    EXPECT("a >= 3", 0, 0, 0, 1, N, 1, 1);
    EXPECT("a < 2", 0, 1, 0, 0, N, 0, 0);
    EXPECT("a <= 2", 0, 1, 1, 0, N, 0, 0);
    EXPECT("a == 2", 0, 0, 1, 0, N, 0, 0);
    EXPECT("a != 2", 0, 1, 0, 1, N, 1, 1);
    EXPECT("(a > 2) == (b > 0)", 0, 1, 0, 0, N, 1, 1);
}

/* Strict: no data in, no data out, even where Kleene logic would know the answer
 * (committee 3: a is no data, b is 2). */
Test(expr, logic_is_strict_about_no_data)
{
    EXPECT("a > 2 or b > 0", 0, 0, 1, 1, N, 1, 1);
    EXPECT("a > 2 and b > 100", 0, 0, 0, 0, N, 0, 0);
    EXPECT("not a > 2", 0, 1, 1, 0, N, 0, 0);
    EXPECT("not not a > 2", 0, 0, 0, 1, N, 1, 1);
    EXPECT("b > 0 or a > 2 and false", 0, 0, 1, 0, N, 1, 1); /* and binds tighter */
    EXPECT("true and not false", 0, 1, 1, 1, 1, 1, 1);
}

Test(expr, if_takes_a_boolean_and_looks_only_at_the_chosen_branch)
{
    EXPECT("if(a > 2, a, b)", 0, 0, 4, 3, N, 5, 7);
    EXPECT("if(b > 0, 1, a)", 0, 1, 1, 3, 1, 1, 1);
    EXPECT("if(a > 2, b > 0, false)", 0, 0, 0, 0, N, 1, 1);
    pm_expr *e = fx_compile("if(a > 2, b > 0, false)");
    cr_expect_eq(pm_expr_result_type(e), PM_EXPR_BOOL);
    pm_expr_free(e);
    e = fx_compile("if(a > 2, 1, 0)");
    cr_expect_eq(pm_expr_result_type(e), PM_EXPR_NUMBER);
    pm_expr_free(e);
}

Test(expr, coalesce_picks_the_first_value)
{
    EXPECT("coalesce(a, b)", 1, 2, 2, 3, 4, 0, 2);
    EXPECT("coalesce(a, b)", 2, 10, 1, 10, 10, 10, 1);
    EXPECT("coalesce(a, 7)", 0, 1, 2, 3, 7, 5, 7);
    EXPECT("coalesce(a / b, -1)", 0, -1, 0.5, -3, -1, 10, 7);
    EXPECT("coalesce(a / 0, b / 0, 9)", 0, 9, 9, 9, 9, 9, 9);
    EXPECT("coalesce(a > 2, false)", 0, 0, 0, 1, 0, 1, 1);
}

Test(expr, functions)
{
    EXPECT("min(a, b)", 0, 0, 2, -1, N, 0.5, 1);
    EXPECT("max(a, b, 3)", 0, 3, 4, 3, N, 5, 7);
    EXPECT("abs(b)", 0, 0, 4, 1, 2, 0.5, 1);
    EXPECT("clamp(a, 2, 4)", 0, 2, 2, 3, N, 4, 4);
    EXPECT("clamp(a, b, 4)", 0, 1, 4, 3, N, 4, 4);
    EXPECT("clamp(a, 4, 2)", 0, N, N, N, N, N, N);
    EXPECT("log(b)", 0, N, log(4.0), N, log(2.0), log(0.5), 0);
    EXPECT("sqrt(b)", 0, 0, 2, N, sqrt(2.0), sqrt(0.5), 1);
}

Test(expr, round_half_away_from_zero_on_the_binary_value)
{
    EXPECT("round(2.5, 0) * 1000 + round(-2.5, 0)", 0, 2997, 2997, 2997, 2997, 2997, 2997);
    EXPECT("round(1234.5678, 2)", 0, 1234.57, 1234.57, 1234.57, 1234.57, 1234.57, 1234.57);
    EXPECT("round(1250, -2) + round(-1250, -2)", 0, 0, 0, 0, 0, 0, 0);
    EXPECT("round(1250, -2)", 0, 1300, 1300, 1300, 1300, 1300, 1300);
    EXPECT("round(1e300, 2)", 0, 1e300, 1e300, 1e300, 1e300, 1e300, 1e300);
    /* 1.005 is stored as 1.00499999999999989..., and 1.005 * 100 is 100.49999999999999 */
    EXPECT("round(1.005, 2)", 0, 1, 1, 1, 1, 1, 1);
    EXPECT("round(2.675, 2)", 0, 2.68, 2.68, 2.68, 2.68, 2.68, 2.68); /* 2.675 * 100 is 267.5 */
    /* decimals from the data: no data unless a whole number from -15 to 15 */
    EXPECT("round(a, b)", 0, 1, 2, 0, N, N, 7);
    EXPECT("round(a, b * 100)", 0, 1, N, N, N, N, N);
}

Test(expr, year_and_prev_across_the_gap)
{
    EXPECT("year", 2, 2017, 2017, 2017, 2017, 2017, 2017);
    EXPECT("year - prev(year)", 0, N, N, N, N, N, N);
    EXPECT("year - prev(year)", 1, 1, 1, 1, 1, 1, 1);
    EXPECT("year - prev(year)", 2, 2, 2, 2, 2, 2, 2);       /* 2016 was not evaluated */
    EXPECT("prev(a)", 0, N, N, N, N, N, N);                  /* the first year */
    EXPECT("prev(a)", 1, 1, 2, 3, N, 5, 7);
    EXPECT("prev(a)", 2, 2, 2, N, 4, 0, 2);                  /* 2017's prev is 2015 */
    EXPECT("a - prev(a)", 2, 8, N, N, 6, 10, -1);            /* a gap in committee 2's data */
    EXPECT("prev(prev(a))", 1, N, N, N, N, N, N);
    EXPECT("prev(prev(a))", 2, 1, 2, 3, N, 5, 7);
    EXPECT("prev(1)", 0, N, N, N, N, N, N);
    EXPECT("prev(1)", 1, 1, 1, 1, 1, 1, 1);
    EXPECT("prev(a > 2)", 1, 0, 0, 1, N, 1, 1);
}

Test(expr, aggregates_over_the_year)
{
    EXPECT("median(a)", 0, 3, 3, 3, 3, 3, 3);
    EXPECT("median(b)", 0, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75);   /* even count */
    EXPECT("mean(a)", 0, 3.6, 3.6, 3.6, 3.6, 3.6, 3.6);
    EXPECT("rank(a)", 0, 5, 4, 3, N, 2, 1);
    EXPECT("percentile(a)", 0, 20, 40, 60, N, 80, 100);
    EXPECT("a - median(a)", 0, -2, -1, 0, N, 2, 4);
    EXPECT("median(a / 0) + mean(a / 0) + rank(a / 0) + percentile(a / 0)", 0, N, N, N, N, N, N);
    EXPECT("rank(1) * 1000 + percentile(1)", 0, 1100, 1100, 1100, 1100, 1100, 1100);
}

Test(expr, aggregates_with_ties)
{
    EXPECT("rank(a)", 2, 1, N, 1, 1, 1, 5);                  /* 10 10 10 10 1 */
    EXPECT("percentile(a)", 2, 100, N, 100, 100, 100, 20);
    EXPECT("median(a)", 2, 10, 10, 10, 10, 10, 10);
    EXPECT("mean(a)", 2, 8.2, 8.2, 8.2, 8.2, 8.2, 8.2);
    EXPECT("rank(b)", 1, 4, 4, 1, N, 2, 3);                  /* competition rank: 1 2 3 4 4 */
    EXPECT("percentile(b)", 1, 40, 40, 100, N, 80, 60);
    EXPECT("prev(rank(a))", 1, 5, 4, 3, N, 2, 1);
    EXPECT("prev(rank(a)) - rank(a)", 1, 3, 2, N, N, -3, -1);
}

/* parents: committees 0-2 in parent 0, 3-4 in parent 1, 5 in none */
Test(expr, aggregates_within_the_parent)
{
    EXPECT("median_in_parent(a)", 0, 2, 2, 2, 5, 5, N);
    EXPECT("mean_in_parent(a)", 0, 2, 2, 2, 5, 5, N);
    EXPECT("rank_in_parent(a)", 0, 3, 2, 1, N, 1, N);
    EXPECT("percentile_in_parent(a)", 0, 100.0 / 3, 200.0 / 3, 100, N, 100, N);
    EXPECT("rank_in_parent(a)", 2, 1, N, 1, 1, 1, N);        /* ties */
    EXPECT("median_in_parent(b)", 0, 0, 0, 0, 1.25, 1.25, N);
    EXPECT("percentile_in_parent(b)", 1, 200.0 / 3, 200.0 / 3, 100, N, 100, N);
    EXPECT("a - median_in_parent(a)", 0, -1, 0, 1, N, 0, N);
}

Test(expr, chinese_and_quoted_names)
{
    EXPECT("群众满意度 * 0.7 + \"服务 得分\" * 0.3", 0,
           90 * 0.7 + 10 * 0.3, 80 * 0.7 + 20 * 0.3, 70 * 0.7 + 30 * 0.3, 60 * 0.7 + 40 * 0.3, N, N);
    EXPECT("\"a\" + \"群众满意度\"", 1, 93, 83, N, 65, 51, 43);
    const char *f[] = { "year", "and", "say \"hi\"", "a\\b", "2016得分" };
    pm_expr_schema s = { f, 5, 0 };
    double v[5] = { 1, 10, 100, 1000, 10000 };
    int years[1] = { 2020 };
    pm_expr_data d = { 1, 1, 5, years, v, NULL, 0 };
    pm_expr *e = NULL;
    pm_expr_error err;
    cr_assert_eq(pm_expr_compile("year + \"year\" + \"and\" + \"say \\\"hi\\\"\" + \"a\\\\b\" + "
                                 "\"2016得分\"", &s, &e, &err), PM_OK, "%s", err.message);
    double out;
    cr_assert_eq(pm_expr_eval(e, &d, 0, &out), PM_OK);
    cr_expect_eq(out, 2020 + 11111);
    pm_expr_free(e);
}

Test(expr, field_refs_and_bare_fields)
{
    pm_expr *e = fx_compile("b + a * a + prev(needs) + mean(b)");
    size_t r[4] = { 9, 9, 9, 9 };
    cr_expect_eq(pm_expr_field_refs(e, r, 4), 3);
    cr_expect(r[0] == 0 && r[1] == 1 && r[2] == 2 && r[3] == 9);
    cr_expect_eq(pm_expr_field_refs(e, r, 1), 3);
    cr_expect_eq(pm_expr_field_refs(e, NULL, 0), 3);
    size_t f = 99;
    cr_expect_not(pm_expr_is_field(e, &f));
    pm_expr_free(e);
    const char *bare[] = { "needs", "(needs)", "\"needs\"" };
    for (size_t i = 0; i < 3; i++) {
        e = fx_compile(bare[i]);
        cr_expect(pm_expr_is_field(e, &f) && f == 2, "%s", bare[i]);
        pm_expr_free(e);
    }
    const char *not_bare[] = { "needs + 0", "prev(needs)", "-needs", "1" };
    for (size_t i = 0; i < 4; i++) {
        e = fx_compile(not_bare[i]);
        cr_expect_not(pm_expr_is_field(e, NULL), "%s", not_bare[i]);
        pm_expr_free(e);
    }
}

Test(expr, data_that_does_not_fit_is_refused)
{
    pm_expr_data d = fx_data();
    double out[NC];
    pm_expr *e = fx_compile("rank_in_parent(needs) + year");
    cr_expect_eq(pm_expr_eval(e, &d, NY, out), PM_EDATA);
    pm_expr_data x = d;
    x.nfields = 2;
    cr_expect_eq(pm_expr_eval(e, &x, 0, out), PM_EDATA);
    x = d;
    x.parent = NULL;
    cr_expect_eq(pm_expr_eval(e, &x, 0, out), PM_EDATA);
    long bad[NC] = { 0, 0, 2, 1, 1, -1 };
    x = d;
    x.parent = bad;
    cr_expect_eq(pm_expr_eval(e, &x, 0, out), PM_EDATA);
    x = d;
    x.years = NULL;
    cr_expect_eq(pm_expr_eval(e, &x, 0, out), PM_EDATA);
    x = d;
    x.ncommittees = 0;
    cr_expect_eq(pm_expr_eval(e, &x, 0, out), PM_OK);
    pm_expr_free(e);
    e = fx_compile("needs * 2"); /* needs no parents nor years */
    x = d;
    x.parent = NULL;
    x.years = NULL;
    cr_expect_eq(pm_expr_eval(e, &x, 0, out), PM_OK);
    cr_expect_eq(out[0], 200);
    pm_expr_free(e);
}

Test(expr, infinite_input_is_no_data)
{
    const char *f[] = { "x" };
    pm_expr_schema s = { f, 1, 0 };
    double v[3] = { INFINITY, -INFINITY, 2 }, out[3];
    int years[1] = { 2020 };
    pm_expr_data d = { 3, 1, 1, years, v, NULL, 0 };
    pm_expr *e = NULL;
    cr_assert_eq(pm_expr_compile("coalesce(x, 0) + 1", &s, &e, NULL), PM_OK);
    cr_assert_eq(pm_expr_eval(e, &d, 0, out), PM_OK);
    cr_expect(out[0] == 1 && out[1] == 1 && out[2] == 3);
    pm_expr_free(e);
}

/* ---- limits ---- */

static char *repeat(const char *pre, size_t n, const char *mid, const char *post, size_t m)
{
    size_t lp = strlen(pre), lpost = strlen(post);
    char *s = malloc(n * lp + strlen(mid) + m * lpost + 1), *p = s;
    for (size_t i = 0; i < n; i++, p += lp) memcpy(p, pre, lp);
    p = stpcpy(p, mid);
    for (size_t i = 0; i < m; i++, p += lpost) memcpy(p, post, lpost);
    *p = '\0';
    return s;
}

static pm_status try_compile(const char *src, pm_expr_error *err, double *y0c0)
{
    pm_expr_schema s = fx_schema(1);
    pm_expr *e = NULL;
    pm_status st = pm_expr_compile(src, &s, &e, err);
    if (st == PM_OK && y0c0) {
        pm_expr_data d = fx_data();
        double out[NC];
        cr_assert_eq(pm_expr_eval(e, &d, 0, out), PM_OK);
        *y0c0 = out[0];
    }
    pm_expr_free(e);
    return st;
}

Test(expr, source_of_16_kib_accepted_one_byte_more_refused)
{
    char *s = repeat("1+", 8191, "1 ", "", 0);
    cr_assert_eq(strlen(s), PM_EXPR_MAX_SOURCE);
    pm_expr_error err;
    double v = 0;
    cr_expect_eq(try_compile(s, &err, &v), PM_OK, "%s", err.message);
    cr_expect_eq(v, 8192);
    free(s);
    s = repeat("1+", 8191, "1  ", "", 0);
    cr_expect_eq(try_compile(s, &err, NULL), PM_EDATA);
    cr_expect_eq(err.column, 0);
    cr_expect_str_eq(err.message, "the expression is longer than 16384 bytes");
    free(s);
}

Test(expr, one_mib_refused_quickly)
{
    char *s = repeat("a+", 512 * 1024, "a", "", 0);
    pm_expr_error err;
    clock_t t0 = clock();
    cr_expect_eq(try_compile(s, &err, NULL), PM_EDATA);
    double ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    cr_expect(ms < 100, "took %.1f ms: the length is checked before anything else", ms);
    cr_expect_str_eq(err.message, "the expression is longer than 16384 bytes");
    free(s);
}

Test(expr, nesting_64_accepted_65_refused)
{
    static const char *const opens[] = { "(", "abs(", "prev(", "-(" };
    for (size_t k = 0; k < 4; k++) {
        char *s = repeat(opens[k], 64, "a", ")", 64);
        pm_expr_error err;
        double v = 0;
        cr_expect_eq(try_compile(s, &err, &v), PM_OK, "%s: %s", opens[k], err.message);
        cr_expect(k == 2 ? isnan(v) : v == 1, "%s: %g", opens[k], v);
        free(s);
        s = repeat(opens[k], 65, "a", ")", 65);
        cr_expect_eq(try_compile(s, &err, NULL), PM_EDATA, "%s", opens[k]);
        cr_expect_eq(err.column, 64 * strlen(opens[k]) + strlen(opens[k]), "%s: %zu", opens[k], err.column);
        cr_expect_str_eq(err.message, "nested deeper than 64 levels (parentheses and function "
                         "calls): split the expression");
        free(s);
    }
}

Test(expr, long_chains_are_loops_not_recursion)
{
    pm_expr_error err;
    double v = 0;
    char *s = repeat("-", 16000, "a", "", 0);
    cr_expect_eq(try_compile(s, &err, &v), PM_OK, "%s", err.message);
    cr_expect_eq(v, 1);
    free(s);
    s = repeat("-", 15999, "a", "", 0);
    cr_expect_eq(try_compile(s, &err, &v), PM_OK);
    cr_expect_eq(v, -1);
    free(s);
    s = repeat("not ", 4000, "a > 0", "", 0);
    cr_expect_eq(try_compile(s, &err, &v), PM_OK);
    cr_expect_eq(v, 1);
    free(s);
    s = repeat("a+", 8000, "a", "", 0);
    cr_expect_eq(try_compile(s, &err, &v), PM_OK);
    cr_expect_eq(v, 8001);
    free(s);
    s = repeat("min(a, ", 64, "a", ")", 64); /* nested n-ary calls */
    cr_expect_eq(try_compile(s, &err, &v), PM_OK);
    cr_expect_eq(v, 1);
    free(s);
}

/* ---- determinism ---- */

static const char *const busy = "if(a > median(a), rank(needs / households), percentile_in_parent(b)) "
                                "+ coalesce(prev(mean(a)), 0) - round(群众满意度 * 0.7, 1)";

static void *eval_thread(void *arg)
{
    const pm_expr *e = arg;
    pm_expr_data d = { NC, NY, NF, fx_years, fx_values, fx_parent, 2 }; /* filled by the caller */
    double *out = malloc(NY * NC * sizeof *out);
    for (size_t y = 0; y < NY; y++)
        if (pm_expr_eval(e, &d, y, out + y * NC) != PM_OK) { free(out); return NULL; }
    return out;
}

Test(expr, deterministic_across_compiles_calls_and_threads)
{
    fx_fill();
    pm_expr *e1 = fx_compile(busy), *e2 = fx_compile(busy);
    double *first = eval_thread(e1), *second = eval_thread(e2);
    cr_assert(first && second);
    cr_expect_eq(memcmp(first, second, NY * NC * sizeof *first), 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) cr_assert_eq(pthread_create(&t[i], NULL, eval_thread, e1), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        cr_assert(r);
        cr_expect_eq(memcmp(first, r, NY * NC * sizeof *first), 0, "thread %d", i);
        free(r);
    }
    size_t finite = 0;
    for (size_t i = 0; i < NY * NC; i++) finite += !isnan(first[i]);
    cr_expect_gt(finite, NC, "the expression should give values, not only no data");
    free(first);
    free(second);
    pm_expr_free(e1);
    pm_expr_free(e2);
}
