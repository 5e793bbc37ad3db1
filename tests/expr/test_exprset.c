/* Sets of named definitions: order, cycles, names, the widened table, and partymap's
 * built-in derived indicators against the hand-written ones of analysis/indicators.c. */
#include "fixture.h"
#include "../support/support.h"
#include "analysis/indicators.h"
#include "app/project.h"

typedef struct {
    pm_exprset *set;
    size_t bad;
    pm_expr_error err;
    pm_status st;
} compiled;

static compiled compile_set(const char *const *names, const char *const *src, size_t n)
{
    pm_expr_schema base = fx_schema(1);
    compiled c = { 0 };
    memset(&c.err, 0, sizeof c.err);
    c.st = pm_exprset_compile(names, src, n, &base, &c.set, &c.bad, &c.err);
    return c;
}

/* The error of a set that must not compile, as the config loader would print it. */
static void expect_refused(const char *const *names, const char *const *src, size_t n,
                           size_t bad, const char *want)
{
    compiled c = compile_set(names, src, n);
    cr_assert_eq(c.st, PM_EDATA);
    cr_expect_null(c.set);
    cr_expect_eq(c.bad, bad);
    char key[96];
    snprintf(key, sizeof key, "indicators.%s", names[c.bad] ? names[c.bad] : "");
    char *t = pm_expr_error_text("partymap.json", key, src[c.bad], &c.err);
    cr_expect_str_eq(t, want, "got:\n%s", t);
    free(t);
}

static double at(const double *t, size_t w, size_t y, size_t c, size_t f)
{
    return t[(y * NC + c) * w + f];
}

Test(exprset, definitions_use_each_other_in_any_order)
{
    /* listed before what they use */
    const char *names[] = { "r", "d", "s", "flag", "ch" };
    const char *src[] = { "rank(d)", "s * 2", "a + b", "d > 10", "s - prev(s)" };
    compiled c = compile_set(names, src, 5);
    cr_assert_eq(c.st, PM_OK, "%s", c.err.message);
    size_t pos[5];
    for (size_t k = 0; k < 5; k++) pos[pm_exprset_order(c.set, k)] = k;
    cr_expect(pos[2] < pos[1] && pos[1] < pos[0] && pos[1] < pos[3] && pos[2] < pos[4]);
    const pm_expr_schema *ws = pm_exprset_schema(c.set);
    cr_assert_eq(ws->nfields, NF + 5);
    cr_expect_str_eq(ws->fields[0], "a");
    cr_expect_str_eq(ws->fields[NF + 1], "d");
    cr_expect_eq(pm_exprset_count(c.set), 5);
    cr_expect_eq(pm_expr_result_type(pm_exprset_expr(c.set, 3)), PM_EXPR_BOOL);
    pm_expr_data d = fx_data();
    size_t w = NF + 5;
    double *t = malloc(NY * NC * w * sizeof *t);
    cr_assert_eq(pm_exprset_eval(c.set, &d, t), PM_OK);
    for (size_t y = 0; y < NY; y++)
        for (size_t c2 = 0; c2 < NC; c2++)
            for (size_t f = 0; f < NF; f++)
                cr_expect(fx_same(at(t, w, y, c2, f), fx_cols[y][f][c2]));
    /* 2014: s = a + b = 1 6 2 N 5.5 8, d = 2 12 4 N 11 16 */
    static const double d14[NC] = { 2, 12, 4, N, 11, 16 }, r14[NC] = { 5, 2, 4, N, 3, 1 },
                        f14[NC] = { 0, 1, 0, N, 1, 1 };
    /* 2015: s = 2 2 N N 2 3; the change against 2014: 1 -4 N N -3.5 -5 */
    static const double ch15[NC] = { 1, -4, N, N, -3.5, -5 };
    for (size_t k = 0; k < NC; k++) {
        cr_expect(fx_same(at(t, w, 0, k, NF + 1), d14[k]), "d %zu", k);
        cr_expect(fx_same(at(t, w, 0, k, NF + 0), r14[k]), "r %zu", k);
        cr_expect(fx_same(at(t, w, 0, k, NF + 3), f14[k]), "flag %zu", k);
        cr_expect(isnan(at(t, w, 0, k, NF + 4)), "no change in the first year");
        cr_expect(fx_same(at(t, w, 1, k, NF + 4), ch15[k]), "ch %zu", k);
    }
    /* a style's expression over the widened table */
    pm_expr *e = NULL;
    cr_assert_eq(pm_expr_compile("d - median(d)", ws, &e, NULL), PM_OK);
    pm_expr_data wd = d;
    wd.nfields = w;
    wd.values = t;
    double out[NC];
    cr_assert_eq(pm_expr_eval(e, &wd, 0, out), PM_OK);
    cr_expect(out[0] == -9 && out[1] == 1 && isnan(out[3]) && out[5] == 5); /* median 11 */
    pm_expr_free(e);
    free(t);
    pm_exprset_free(c.set);
}

Test(exprset, empty_set_copies_the_base)
{
    compiled c = compile_set(NULL, NULL, 0);
    cr_assert_eq(c.st, PM_OK);
    pm_expr_data d = fx_data();
    double *t = malloc(NY * NC * NF * sizeof *t);
    cr_assert_eq(pm_exprset_eval(c.set, &d, t), PM_OK);
    for (size_t i = 0; i < NY * NC * NF; i++) cr_expect(fx_same(t[i], fx_values[i]));
    d.nfields = NF + 1;
    cr_expect_eq(pm_exprset_eval(c.set, &d, t), PM_EDATA);
    free(t);
    pm_exprset_free(c.set);
}

Test(exprset, names_must_be_new)
{
    const char *n1[] = { "composite", "needs" }, *s1[] = { "a + 1", "b * 2" };
    expect_refused(n1, s1, 2, 1, "partymap.json: indicators.needs: \"needs\" is already a field "
                   "of the data: a definition cannot replace it");
    const char *n2[] = { "x", "y", "x" }, *s2[] = { "a", "b", "a + b" };
    expect_refused(n2, s2, 3, 2, "partymap.json: indicators.x: \"x\" is defined twice");
    const char *n3[] = { "x", "" }, *s3[] = { "a", "b" };
    expect_refused(n3, s3, 2, 1, "partymap.json: indicators.: a definition needs a name");
}

Test(exprset, unknown_names_and_bad_sources)
{
    const char *n[] = { "composite", "density" };
    const char *s[] = { "0.7 * satisfaction + 0.3 * workforce", "a / b" };
    expect_refused(n, s, 2, 0, "partymap.json: indicators.composite: column 7: unknown field "
                   "\"satisfaction\"\n    0.7 * satisfaction + 0.3 * workforce\n          ^^^^^^^^^^^^");
    const char *n2[] = { "ok", "typo" }, *s2[] = { "a + 1", "ok + densty" };
    expect_refused(n2, s2, 2, 1, "partymap.json: indicators.typo: column 6: unknown field "
                   "\"densty\"\n    ok + densty\n         ^^^^^^");
    const char *n3[] = { "ok", "typo" }, *s3[] = { "a + 1", "ok2 * 3" };
    expect_refused(n3, s3, 2, 1, "partymap.json: indicators.typo: column 1: unknown field "
                   "\"ok2\" (did you mean \"ok\"?)\n    ok2 * 3\n    ^^^");
}

Test(exprset, cycles_are_named)
{
    const char *n1[] = { "x" }, *s1[] = { "a + x" };
    expect_refused(n1, s1, 1, 0, "partymap.json: indicators.x: column 5: \"x\" refers to itself\n"
                   "    a + x\n        ^");
    const char *n2[] = { "p", "q" }, *s2[] = { "q + 1", "prev(p) * 2" };
    expect_refused(n2, s2, 2, 1, "partymap.json: indicators.q: column 6: a cycle of "
                   "definitions: q -> p -> q\n    prev(p) * 2\n         ^");
    /* z only depends on the cycle, which alone is named */
    const char *n3[] = { "z", "得分", "u", "v" };
    const char *s3[] = { "u + 1", "v * 2", "a + 得分", "u - 1" };
    expect_refused(n3, s3, 4, 3, "partymap.json: indicators.v: column 1: a cycle of "
                   "definitions: v -> u -> 得分 -> v\n    u - 1\n    ^");
}

/* ---- the built-in derived indicators on the bundled sample ---- */

static const char *const statics[] = { "population", "households", "area_km2", "platforms",
                                       "projects", "projects_running" };
enum { NSTATIC = sizeof statics / sizeof statics[0] };

/* How analysis/indicators.c would define them: X_change, X_rank and X_rank_change per
 * evaluation column, and the three rates.  Quoted, so that any column name works. */
static size_t builtin_defs(const pm_evaltable *ev, char **names, char **src)
{
    size_t n = 0;
    for (size_t k = 0; k < ev->ncols; k++) {
        char *q = pm_expr_quote(ev->cols[k]);
        names[n] = pm_asprintf("%s_change", ev->cols[k]);
        src[n++] = pm_asprintf("%s - prev(%s)", q, q);
        names[n] = pm_asprintf("%s_rank", ev->cols[k]);
        src[n++] = pm_asprintf("rank(%s)", q);
        names[n] = pm_asprintf("%s_rank_change", ev->cols[k]);
        src[n++] = pm_asprintf("prev(rank(%s)) - rank(%s)", q, q);
        free(q);
    }
    names[n] = pm_strdup("density");
    src[n++] = pm_strdup("population / area_km2");
    names[n] = pm_strdup("running_per_1000");
    src[n++] = pm_strdup("projects_running * 1000 / population");
    names[n] = pm_strdup("running_per_100_needs");
    src[n++] = pm_strdup("projects_running * 100 / needs");
    return n;
}

Test(exprset, builtins_give_the_hand_written_numbers)
{
    pm_diag diag;
    pm_diag_init(&diag);
    pm_project P;
    pm_status st = pm_project_open(NULL, NULL, &diag, &P);
    char *txt = t_diag_text(&diag);
    cr_assert_eq(st, PM_OK, "sample does not load:\n%s", txt);
    free(txt);
    const pm_indtab *tab = &P.an.tab;
    const pm_evaltable *ev = &P.ds->eval;
    size_t nbase = ev->ncols + NSTATIC, nc = tab->ncommittees, ny = tab->nyears;
    const char **base = calloc(nbase, sizeof *base);
    long *col = calloc(nbase, sizeof *col);
    for (size_t f = 0; f < nbase; f++) {
        base[f] = f < ev->ncols ? ev->cols[f] : statics[f - ev->ncols];
        col[f] = pm_indtab_find(tab, base[f]);
        cr_assert_geq(col[f], 0, "%s", base[f]);
    }
    double *bv = malloc(ny * nc * nbase * sizeof *bv);
    for (size_t y = 0; y < ny; y++)
        for (size_t c = 0; c < nc; c++)
            for (size_t f = 0; f < nbase; f++)
                bv[(y * nc + c) * nbase + f] = pm_indtab_get(tab, y, c, (size_t)col[f]);
    char *names[256], *src[256];
    size_t n = builtin_defs(ev, names, src);
    pm_expr_schema schema = { base, nbase, 0 };
    pm_exprset *set = NULL;
    size_t bad = 0;
    pm_expr_error err;
    st = pm_exprset_compile((const char *const *)names, (const char *const *)src, n, &schema,
                            &set, &bad, &err);
    cr_assert_eq(st, PM_OK, "%s: %s", names[bad], err.message);
    pm_expr_data d = { nc, ny, nbase, tab->years, bv, NULL, 0 };
    size_t w = nbase + n;
    double *out = malloc(ny * nc * w * sizeof *out);
    cr_assert_eq(pm_exprset_eval(set, &d, out), PM_OK);
    size_t compared = 0, valued = 0;
    for (size_t i = 0; i < n; i++) {
        long k = pm_indtab_find(tab, names[i]);
        cr_assert_geq(k, 0, "indicators.c has no %s", names[i]);
        for (size_t y = 0; y < ny; y++)
            for (size_t c = 0; c < nc; c++) {
                double want = pm_indtab_get(tab, y, c, (size_t)k), got = out[(y * nc + c) * w + nbase + i];
                cr_expect(fx_same(want, got) || (want == 0 && got == 0), "%s, year %d, %s: %.17g, "
                          "indicators.c %.17g", names[i], tab->years[y], P.ds->committees[c].name, got, want);
                compared++;
                valued += !isnan(got);
            }
    }
    cr_expect_eq(compared, n * ny * nc);
    cr_expect_gt(valued, compared / 2, "most values are data, not no data");
    for (size_t i = 0; i < n; i++) { free(names[i]); free(src[i]); }
    free(out);
    free(bv);
    free(col);
    free(base);
    pm_exprset_free(set);
    pm_project_fini(&P);
    pm_diag_fini(&diag);
}

Test(exprset, quote_escapes)
{
    char *q = pm_expr_quote("say \"hi\" \\ 服务 得分");
    cr_expect_str_eq(q, "\"say \\\"hi\\\" \\\\ 服务 得分\"");
    free(q);
}

/* Every example of the README's "Indicator expressions" compiles, and the two-definition
 * flag finds the committee that dropped a class. */
Test(exprset, readme_examples)
{
    static const char *const f[] = { "service", "satisfaction", "workforce", "needs",
                                     "households", "projects_running", "群众满意度", "服务 得分" };
    pm_expr_schema s = { f, 8, 1 };
    static const char *const ex[] = {
        "0.7 * satisfaction + 0.3 * workforce", "projects_running * 100 / needs",
        "needs * 1000 / households", "service - median_in_parent(service)",
        "service - prev(prev(service))", "prev(rank(service)) - rank(service)",
        "percentile(service) > 75", "coalesce(satisfaction, median(satisfaction))",
        "群众满意度 * 0.7 + \"服务 得分\" * 0.3",
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        pm_expr *e = NULL;
        pm_expr_error err;
        cr_expect_eq(pm_expr_compile(ex[i], &s, &e, &err), PM_OK, "%s: %s", ex[i], err.message);
        pm_expr_free(e);
    }
    const char *names[] = { "tier", "dropped_tier" };
    const char *src[] = { "if(service >= 90, 4, if(service >= 85, 3, if(service >= 75, 2, 1)))",
                          "tier < prev(tier)" };
    pm_exprset *set = NULL;
    pm_expr_error err;
    cr_assert_eq(pm_exprset_compile(names, src, 2, &s, &set, NULL, &err), PM_OK, "%s", err.message);
    /* three committees, two years: 92 -> 84 drops from 4 to 2; 80 -> 86 rises; 70 -> no data */
    double v[2 * 3 * 8];
    for (size_t i = 0; i < 48; i++) v[i] = 1;
    const double svc[2][3] = { { 92, 80, 70 }, { 84, 86, N } };
    for (size_t y = 0; y < 2; y++)
        for (size_t c = 0; c < 3; c++) v[(y * 3 + c) * 8] = svc[y][c];
    int years[2] = { 2015, 2016 };
    long parent[3] = { 0, 0, 0 };
    pm_expr_data d = { 3, 2, 8, years, v, parent, 1 };
    double out[2 * 3 * 10];
    cr_assert_eq(pm_exprset_eval(set, &d, out), PM_OK);
    cr_expect(out[(3 + 0) * 10 + 8] == 2 && out[(3 + 0) * 10 + 9] == 1);
    cr_expect(out[(3 + 1) * 10 + 8] == 3 && out[(3 + 1) * 10 + 9] == 0);
    cr_expect(isnan(out[(3 + 2) * 10 + 9]) && isnan(out[0 * 10 + 9]));
    pm_exprset_free(set);
}
