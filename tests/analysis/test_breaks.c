/* Breaks across years: by default a map's classes are the same in every year; "each"
 * gives per-year breaks; reference years fix them; legends add up and say what merged. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "analysis/breaks.h"
#include "analysis/results.h"
#include "app/project.h"

static pm_project P;
static pm_diag D;

static void setup(void)
{
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(NULL, NULL, &D, &P), PM_OK);
}

static void teardown(void)
{
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(breaks, .init = setup, .fini = teardown, .timeout = PM_T(60));

static pm_style *style_of(const char *classify)
{
    char *json = pm_asprintf("{\"id\": \"s\", \"title\": \"群众满意度指数\", \"indicator\": \"satisfaction\", "
                             "\"unit\": \"分\", \"decimals\": 1, \"classify\": %s, \"palette\": \"PuBuGn\"}", classify);
    pm_style *s = NULL;
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(pm_style_parse("s.json", json, strlen(json), &d, &s), PM_OK, "%s", classify);
    pm_diag_fini(&d);
    free(json);
    return s;
}

static void results_of(pm_style *s, pm_results *r)
{
    const pm_style *st[1] = { s };
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(pm_results_build(st, 1, &P.an.tab, NULL, 0, &d, r), PM_OK);
    pm_diag_fini(&d);
}

static int same_bounds(const pm_classes *a, const pm_classes *b)
{
    if (a->n != b->n) return 0;
    for (size_t i = 0; i <= a->n; i++)
        if (a->bounds[i] != b->bounds[i]) return 0;
    return 1;
}

Test(breaks, pooled_by_default_the_same_every_year)
{
    pm_style *s = style_of("{\"method\": \"quantile\", \"classes\": 5}");
    pm_results r;
    results_of(s, &r);
    cr_assert_eq(r.nyears, 3);
    const pm_classes *c0 = &pm_results_at(&r, 0, 0)->th.classes;
    for (size_t y = 1; y < r.nyears; y++)
        cr_expect(same_bounds(c0, &pm_results_at(&r, 0, y)->th.classes), "year %d", r.years[y]);
    cr_expect(isinf(c0->bounds[0]) && isinf(c0->bounds[c0->n]), "open ends: a later year always has a class");
    cr_expect_str_eq(pm_results_at(&r, 0, 0)->th.note, "分级以2014–2016年全部数据为准");
    /* every committee counted once: classes and no data add up to the committees */
    for (size_t y = 0; y < r.nyears; y++) {
        const pm_thematic *th = &pm_results_at(&r, 0, y)->th;
        size_t sum = th->classes.nodata;
        for (size_t k = 0; k < th->classes.n; k++) sum += th->classes.counts[k];
        cr_expect_eq(sum, 35);
    }
    /* the sample's satisfaction rose: the pooled breaks leave its top class fuller in 2016 */
    cr_expect_gt(pm_results_at(&r, 0, 2)->th.classes.counts[4], pm_results_at(&r, 0, 0)->th.classes.counts[4]);
    cr_assert(r.moved[0], "2016 moved the breaks of every year: the dry run and report say so");
    pm_results_fini(&r);
    pm_style_free(s);
}

Test(breaks, each_restores_per_year_breaks)
{
    pm_style *s = style_of("{\"method\": \"quantile\", \"classes\": 5, \"years\": \"each\"}");
    pm_results r;
    results_of(s, &r);
    cr_expect(!same_bounds(&pm_results_at(&r, 0, 0)->th.classes, &pm_results_at(&r, 0, 2)->th.classes),
              "2014 and 2016 classified apart");
    /* quantiles of 35 values: each year's classes hold 7 committees */
    const pm_thematic *th = &pm_results_at(&r, 0, 1)->th;
    for (size_t k = 0; k < th->classes.n; k++) cr_expect_eq(th->classes.counts[k], 7);
    cr_expect(!r.moved[0]);
    pm_results_fini(&r);
    pm_style_free(s);
}

Test(breaks, reference_years_fix_the_breaks)
{
    pm_style *s = style_of("{\"method\": \"quantile\", \"classes\": 5, \"years\": [2014, 2015]}");
    pm_results r;
    results_of(s, &r);
    const pm_thematic *th = &pm_results_at(&r, 0, 2)->th;
    cr_expect_str_eq(th->note, "分级以2014、2015年数据为准");
    cr_expect(!r.moved[0], "a new year does not move reference breaks");
    /* the breaks are those of 2014 and 2015's values alone */
    pm_classes want;
    char *note = NULL;
    long k = pm_indtab_find(&P.an.tab, "satisfaction");
    cr_assert_eq(pm_breaks_compute(s, &P.an.tab, (size_t)k, 1, &want, &note), PM_OK);
    cr_expect(same_bounds(&want, &th->classes));
    pm_classes_fini(&want);
    free(note);
    pm_results_fini(&r);
    pm_style_free(s);
}

/* Ties: a quantile of many equal values merges classes, and the legend says so rather
 * than showing "0.00 – 0.00". */
Test(breaks, ties_merge_and_the_legend_says_so)
{
    char *json = pm_strdup("{\"id\": \"p\", \"title\": \"每千人项目\", \"indicator\": \"platforms\", "
                           "\"unit\": \"个\", \"decimals\": 2, \"classify\": {\"method\": \"quantile\", \"classes\": 5}, "
                           "\"palette\": \"Greens\"}");
    pm_style *s = NULL;
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(pm_style_parse("p.json", json, strlen(json), &d, &s), PM_OK);
    pm_results r;
    const pm_style *st[1] = { s };
    cr_assert_eq(pm_results_build(st, 1, &P.an.tab, NULL, 0, &d, &r), PM_OK);
    const pm_thematic *th = &pm_results_at(&r, 0, 2)->th;
    cr_expect(th->merged, "most committees have no platform: fewer classes than asked");
    for (size_t k = 0; k < th->classes.n; k++) {
        cr_expect(!strstr(th->labels[k], "0.00 – 0.00"), "class %zu: %s", k, th->labels[k]);
        cr_expect_gt(th->classes.counts[k], 0, "no empty class");
    }
    pm_results_fini(&r);
    pm_style_free(s);
    pm_diag_fini(&d);
    free(json);
}
