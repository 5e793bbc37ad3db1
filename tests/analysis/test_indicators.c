/* Indicators on the bundled sample against the published figures of 长寿路街道. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "../support/support.h"
#include "analysis/indicators.h"
#include "analysis/thematic.h"
#include "app/project.h"

static pm_project P;
static pm_diag D;

static void setup(void)
{
    pm_diag_init(&D);
    pm_status st = pm_project_open(NULL, NULL, &D, &P);
    char *txt = t_diag_text(&D);
    cr_assert_eq(st, PM_OK, "sample does not load:\n%s", txt);
    free(txt);
}

static void teardown(void)
{
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

static const pm_style *style(const char *id)
{
    for (size_t i = 0; i < P.nstyles; i++)
        if (strcmp(P.styles[i]->id, id) == 0) return P.styles[i];
    cr_assert_fail("no style %s", id);
    return NULL;
}

static long committee(const char *name)
{
    for (size_t i = 0; i < P.ds->ncommittees; i++)
        if (strcmp(P.ds->committees[i].name, name) == 0) return (long)i;
    return -1;
}

/* Committees in the two top service tiers (优秀, 良好) in year. */
static size_t excellent_or_good(int year)
{
    pm_thematic th;
    cr_assert_eq(pm_thematic_build(style("service"), &P.an.tab, year, &D, &th), PM_OK);
    cr_assert_eq(th.classes.n, 4);
    size_t n = th.classes.counts[2] + th.classes.counts[3];
    cr_assert(strstr(th.labels[3], "优秀") && strstr(th.labels[2], "良好"));
    pm_thematic_fini(&th);
    return n;
}

TestSuite(indicators, .init = setup, .fini = teardown);

Test(indicators, excellent_or_good_18_then_28)
{
    cr_assert_eq(excellent_or_good(2015), 18);
    cr_assert_eq(excellent_or_good(2016), 28);
}

Test(indicators, yufocheng_rank_20_then_7)
{
    long c = committee("玉佛城");
    cr_assert(c >= 0);
    long k = pm_indtab_find(&P.an.tab, "service_rank"), ch = pm_indtab_find(&P.an.tab, "service_rank_change");
    cr_assert(k >= 0 && ch >= 0);
    long y15 = pm_indtab_year(&P.an.tab, 2015), y16 = pm_indtab_year(&P.an.tab, 2016);
    cr_assert_float_eq(pm_indtab_get(&P.an.tab, (size_t)y15, (size_t)c, (size_t)k), 20, 1e-9);
    cr_assert_float_eq(pm_indtab_get(&P.an.tab, (size_t)y16, (size_t)c, (size_t)k), 7, 1e-9);
    cr_assert_float_eq(pm_indtab_get(&P.an.tab, (size_t)y16, (size_t)c, (size_t)ch), 13, 1e-9);
}

Test(indicators, most_2016_scores_85_or_above)
{
    long k = pm_indtab_find(&P.an.tab, "service"), y = pm_indtab_year(&P.an.tab, 2016);
    size_t above = 0;
    for (size_t c = 0; c < P.an.tab.ncommittees; c++)
        above += pm_indtab_get(&P.an.tab, (size_t)y, c, (size_t)k) >= 85;
    cr_assert_gt(above * 2, P.an.tab.ncommittees);
}

Test(indicators, needs_projects_platforms)
{
    long k = pm_indtab_find(&P.an.tab, "needs");
    double needs = 0;
    for (size_t y = 0; y < P.an.tab.nyears; y++)
        for (size_t c = 0; c < P.an.tab.ncommittees; c++) needs += pm_indtab_get(&P.an.tab, y, c, (size_t)k);
    cr_assert_float_eq(needs, 9742, 1e-9);
    size_t running = 0, projects = 0, platforms = 0;
    for (size_t c = 0; c < P.ds->ncommittees; c++) {
        running += P.an.n_running[c];
        projects += P.an.n_projects[c];
        platforms += P.an.n_platforms[c];
    }
    cr_assert_eq(projects, 689, "every project joins to one committee");
    cr_assert_eq(running, 217);
    cr_assert_eq(platforms, 14);
}

Test(indicators, areas_in_projected_crs)
{
    double total = 0;
    for (size_t c = 0; c < P.ds->ncommittees; c++) {
        cr_assert_gt(P.an.area_km2[c], 0.01);
        total += P.an.area_km2[c];
    }
    cr_assert(total > 3.6 && total < 4.4, "subdistrict area %.3f km² (about 4.0)", total);
}

Test(indicators, rates_per_1000_residents)
{
    long k = pm_indtab_find(&P.an.tab, "running_per_1000");
    for (size_t c = 0; c < P.ds->ncommittees; c++) {
        double want = P.an.n_running[c] * 1000.0 / P.ds->committees[c].population;
        cr_assert_float_eq(pm_indtab_get(&P.an.tab, 0, c, (size_t)k), want, 1e-9);
    }
}

Test(ranks, competition_ranking)
{
    double v[] = { 90, 85, NAN, 90, 70 };
    int r[5];
    pm_rank_desc(v, 5, r);
    cr_assert_eq(r[0], 1);
    cr_assert_eq(r[3], 1);
    cr_assert_eq(r[1], 3);
    cr_assert_eq(r[2], 0);
    cr_assert_eq(r[4], 4);
}

Test(join, point_in_polygon_shared_edge)
{
    pm_committee c[2];
    memset(c, 0, sizeof c);
    for (int k = 0; k < 2; k++) {
        pm_geom_init(&c[k].geom, PM_GEOM_POLYGON);
        pm_geom_begin_ring(&c[k].geom, 0);
        pm_pt sq[4] = { { k, 0 }, { k + 1, 0 }, { k + 1, 1 }, { k, 1 } };
        for (int i = 0; i < 4; i++) pm_geom_add_pt(&c[k].geom, sq[i]);
        pm_geom_finish(&c[k].geom);
    }
    cr_assert_eq(pm_join_point(c, 2, (pm_pt){ 0.5, 0.5 }), 0);
    cr_assert_eq(pm_join_point(c, 2, (pm_pt){ 1.5, 0.5 }), 1);
    cr_assert_eq(pm_join_point(c, 2, (pm_pt){ 3, 0.5 }), -1);
    long on_edge = pm_join_point(c, 2, (pm_pt){ 1.0, 0.5 });
    cr_assert(on_edge == 0 || on_edge == 1);
    for (int k = 0; k < 2; k++) pm_geom_fini(&c[k].geom);
}

Test(nodata, a_committee_without_a_row_is_no_data_in_its_map, .timeout = PM_T(60))
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *cmd = pm_asprintf("sed -i '/^310107015003,2016,/d' '%s/geodata/changshou/evaluations.csv'", dir);
    cr_assert_eq(system(cmd), 0);
    char *cfg = pm_asprintf("%s/partymap.json", dir);
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    cr_assert_eq(pm_project_open(cfg, "service", &d, &p), PM_OK);
    pm_thematic th;
    cr_assert_eq(pm_thematic_build(p.styles[0], &p.an.tab, 2016, &d, &th), PM_OK);
    cr_assert_eq(th.classes.nodata, 1, "counted under 无数据 in the legend");
    long c = pm_dataset_find(p.ds, "310107015003");
    cr_assert_eq(th.cls[c], -1, "drawn with the no-data hatch");
    pm_thematic_fini(&th);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    t_rm_tree(dir);
    free(dir); free(cmd); free(cfg);
}

Test(indicators, ranks_by_sorting_equal_the_pairwise_count)
{
    enum { N = 500 };
    double v[N];
    int got[N];
    for (int i = 0; i < N; i++) /* many ties, some missing */
        v[i] = i % 37 == 5 ? NAN : (double)((i * 7919) % 61) / 2;
    pm_rank_desc(v, N, got);
    for (int i = 0; i < N; i++) {
        int want = 0;
        if (!isnan(v[i])) {
            want = 1;
            for (int j = 0; j < N; j++) want += !isnan(v[j]) && v[j] > v[i];
        }
        cr_assert_eq(got[i], want, "value %d (%g): rank %d, want %d", i, v[i], got[i], want);
    }
    pm_rank_desc(v, 0, got);
}

Test(indicators, the_join_index_finds_what_the_scan_finds)
{
    pm_joinindex *x = pm_joinindex_new(P.ds->committees, P.ds->ncommittees);
    cr_assert_not_null(x);
    pm_bbox all = pm_bbox_empty();
    for (size_t i = 0; i < P.ds->ncommittees; i++) pm_bbox_union(&all, &P.ds->committees[i].geom.bbox);
    size_t inside = 0;
    /* a lattice over the sample and a margin around it, vertices included */
    for (int a = -10; a <= 210; a++)
        for (int b = -10; b <= 210; b++) {
            pm_pt p = { all.minx + (all.maxx - all.minx) * a / 200.0, all.miny + (all.maxy - all.miny) * b / 200.0 };
            long want = pm_join_point(P.ds->committees, P.ds->ncommittees, p);
            cr_assert_eq(pm_joinindex_find(x, p), want, "point %d,%d", a, b);
            inside += want >= 0;
        }
    for (size_t i = 0; i < P.ds->ncommittees; i++) {
        const pm_geom *g = &P.ds->committees[i].geom;
        for (size_t k = 0; k < g->npts; k++)
            cr_assert_eq(pm_joinindex_find(x, g->pts[k]), pm_join_point(P.ds->committees, P.ds->ncommittees, g->pts[k]));
    }
    cr_assert_gt(inside, 10000, "the lattice covers the committees (%zu points inside)", inside);
    pm_joinindex_free(x);
}

/* The built-in derived indicators are definitions of the expression language, and
 * their values are what the arithmetic says (玉佛城: rank 20 in 2015, 7 in 2016). */
Test(indicators, built_ins_are_expressions)
{
    cr_assert_str_eq(pm_analysis_source(&P.an, "service_rank"), "rank(service)");
    cr_assert_str_eq(pm_analysis_source(&P.an, "service_change"), "service - prev(service)");
    cr_assert_str_eq(pm_analysis_source(&P.an, "service_rank_change"), "prev(service_rank) - service_rank");
    cr_assert_str_eq(pm_analysis_source(&P.an, "running_per_1000"), "projects_running * 1000 / population");
    cr_assert_str_eq(pm_analysis_source(&P.an, "density"), "population / area_km2");
    cr_assert_null(pm_analysis_source(&P.an, "service"), "a base field has no definition");
    const pm_indtab *t = &P.an.tab;
    long c = committee("玉佛城");
    long rc = pm_indtab_find(t, "service_rank_change"), ch = pm_indtab_find(t, "service_change");
    long sv = pm_indtab_find(t, "service");
    cr_assert(c >= 0 && rc >= 0 && ch >= 0 && sv >= 0);
    cr_assert_float_eq(pm_indtab_get(t, 2, (size_t)c, (size_t)rc), 13, 0, "20 → 7");
    cr_assert_float_eq(pm_indtab_get(t, 2, (size_t)c, (size_t)ch),
                       pm_indtab_get(t, 2, (size_t)c, (size_t)sv) - pm_indtab_get(t, 1, (size_t)c, (size_t)sv), 0);
    cr_assert(isnan(pm_indtab_get(t, 0, (size_t)c, (size_t)ch)), "no change in the first year");
}

/* An evaluation column named like a derived indicator would hide it: refused, naming
 * both; so is a config indicator named like a column. */
Test(indicators, name_clashes_are_refused)
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *cmd = pm_asprintf("cd '%s' && sed -i '1s/questionnaires_random/service_rank/' "
                            "geodata/changshou/evaluations.csv", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    char *cfg = pm_asprintf("%s/partymap.json", dir);
    pm_project p;
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(pm_project_open(cfg, NULL, &d, &p), PM_EDATA);
    cr_assert(t_diag_has(&d, "evaluations.csv", "service_rank", "clashes with the derived indicator "
                         "service_rank", NULL), "%s", t_diag_text(&d));
    pm_project_fini(&p);
    pm_diag_fini(&d);
    cmd = pm_asprintf("cd '%s' && sed -i '1s/service_rank/questionnaires_random/' geodata/changshou/evaluations.csv"
                      " && sed -i 's/\"indicators\": {/\"indicators\": { \"needs\": \"service * 2\",/' partymap.json", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    pm_diag_init(&d);
    cr_assert_eq(pm_project_open(cfg, NULL, &d, &p), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(strstr(txt, "needs"), "%s", txt);
    free(txt);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    free(cfg);
    t_rm_tree(dir);
    free(dir);
}
