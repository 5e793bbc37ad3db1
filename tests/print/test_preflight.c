/* Preflight: the sample's poster passes; a poster made to fail (5 pt text, a 3 % tint, a
 * red-green palette) is flagged, in the API and in check --json. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "analysis/thematic.h"
#include "app/print_prod.h"
#include "app/project.h"
#include "core/fileio.h"
#include "print/preflight.h"
#include "render/house.h"
#include "style/cbsafe.h"

TestSuite(preflight, .timeout = PM_T(120));

static int have_gs(void)
{
    return t_run("command -v gs >/dev/null", NULL) == 0;
}

static void count_problem(void *ctx, const char *topic, const char *msg)
{
    (void)topic;
    fprintf(stderr, "preflight: sample: %s\n", msg);
    (*(size_t *)ctx)++;
}

Test(preflight, sample_service_poster_passes)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    cr_assert_eq(pm_project_open(NULL, "service", &d, &p), PM_OK);
    pm_scene s;
    pm_text *t = NULL;
    char *err = NULL;
    cr_assert_eq(pm_scene_build(p.ds, p.cfg->print_crs, &s, &err), PM_OK);
    cr_assert_eq(pm_text_new(p.cfg->font, &t, &err), PM_OK);
    pm_thematic th;
    cr_assert_eq(pm_thematic_build(p.styles[p.sel[0]], &p.an.tab, 2016, &d, &th), PM_OK);
    pm_poster poster = { p.cfg, p.ds, &p.an, &s, &th, "2016-12-31", 1 };
    pm_printbox pb = pm_printbox_make(3, 0);
    pm_pdfdoc doc;
    cr_assert_eq(pm_poster_render(&poster, t, &pb, &doc, &err), PM_OK);
    size_t len = 0;
    const unsigned char *b = pm_pdfdoc_bytes(&doc, &len);
    pm_preflight pf;
    pm_preflight_init(&pf);
    cr_assert_eq(pm_preflight_pdf(&pf, b, len, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(pm_preflight_map(&pf, &th), PM_OK);
    const double ink[3] = { PM_INK.r, PM_INK.g, PM_INK.b };
    cr_assert_eq(pm_preflight_inks(&pf, ink), PM_OK);
    /* the figures, each against what the poster's layout gives */
    double w, h;
    pm_page_size(p.cfg->page, p.cfg->landscape, &w, &h);
    cr_assert_float_eq(pf.min_text_pt, w / 170, 0.05, "the credits are the smallest text: %.2f pt", pf.min_text_pt);
    cr_assert_geq(pf.min_line_pt, PM_PREFLIGHT_MIN_LINE_PT, "%.3f pt", pf.min_line_pt);
    cr_assert_eq(pf.nfonts, 2, "Noto Sans CJK SC regular and bold");
    cr_assert_eq(pf.nnot_embedded, 0);
    cr_assert_eq(pf.npalettes, 1);
    cr_assert_eq(pf.palettes[0].rating, PM_CB_SAFE, "YlGnBu is rated colour-blind safe");
    if (have_gs()) {
        cr_assert(pf.inks_known, "%s", pf.inks_error ? pf.inks_error : "");
        cr_assert_geq(pf.min_tint, PM_PREFLIGHT_MIN_TINT, "the lightest class: %.1f %%", pf.min_tint);
        cr_assert(pf.max_ink > 150 && pf.max_ink <= PM_PREFLIGHT_MAX_INK, "highest ink %.0f %%", pf.max_ink);
    }
    size_t n = 0;
    pm_preflight_problems(&pf, count_problem, &n);
    cr_assert_eq(n, 0, "the sample's service poster passes the preflight");
    pm_preflight_fini(&pf);
    pm_pdfdoc_abort(&doc);
    pm_thematic_fini(&th);
    pm_text_free(t);
    pm_scene_fini(&s);
    pm_project_fini(&p);
    pm_diag_fini(&d);
}

/* A copy of the sample whose service poster is A4 (5 pt credits) in custom red-green
 * colours with a 3 % tint class. */
static char *failing_sample(void)
{
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *cmd = pm_asprintf(
        "cd '%s' && sed -i 's/\"page\": \"A1\"/\"page\": \"A4\"/' partymap.json && "
        "sed -i 's/\"palette\": \"YlGnBu\",/\"colors\": [\"#d7191c\", \"#fbf8f6\", \"#a6d96a\", \"#1a9641\"],/' "
        "styles/service.json && grep -q A4 partymap.json && grep -q fbf8f6 styles/service.json", dir);
    cr_assert_eq(t_run(cmd, NULL), 0, "%s", cmd);
    free(cmd);
    return dir;
}

static int has_problem(json_t *o, const char *needle)
{
    json_t *v;
    size_t i;
    json_array_foreach(json_object_get(o, "problems"), i, v)
        if (strstr(json_string_value(v), needle)) return 1;
    return 0;
}

Test(preflight, poster_made_to_fail_is_flagged)
{
    char *dir = failing_sample(), *cfg = pm_asprintf("%s/partymap.json", dir);
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    cr_assert_eq(pm_project_open(cfg, "service", &d, &p), PM_OK);
    json_t *root = json_object();
    FILE *null = fopen("/dev/null", "w");
    cr_assert_eq(pm_prod_check(&p, root, &d, null), PM_OK);
    fclose(null);
    json_t *svc = json_object_get(json_object_get(root, "preflight"), "service");
    char *dump = json_dumps(svc, JSON_INDENT(1));
    cr_assert(svc, "preflight.service");
    cr_assert(json_is_false(json_object_get(svc, "ok")), "flagged:\n%s", dump);
    double text = json_number_value(json_object_get(svc, "min_text_pt"));
    cr_assert(text > 4.8 && text < 5.1, "5 pt text: %.2f", text);
    cr_assert(has_problem(svc, "text of 5.0 pt"), "%s", dump);
    cr_assert(has_problem(svc, "red-green colour-blind"), "%s", dump);
    json_t *pal = json_array_get(json_object_get(svc, "palettes"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(pal, "colorblind")), "not colour-blind safe", "%s", dump);
    if (have_gs()) {
        double tint = json_number_value(json_object_get(svc, "lightest_tint_pct"));
        cr_assert(tint > 1.5 && tint < 4.5, "a 3 %% tint: %.1f\n%s", tint, dump);
        cr_assert(has_problem(svc, "(#fbf8f6) prints as a 3 % tint"), "%s", dump);
    }
    cr_assert(t_diag_has(&d, "2016/print/service.print.pdf", "text of 5.0 pt", NULL), "as a warning of check");
    free(dump);
    json_decref(root);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    t_rm_tree(dir);
    free(dir);
    free(cfg);
}

Test(preflight, check_json_has_the_figures_per_poster_and_atlas)
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    char *cmd = pm_asprintf("'%s' check --json --maps service,satisfaction 2>/dev/null", t_bin()), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    json_error_t je;
    json_t *root = json_loads(out, 0, &je);
    cr_assert(root, "%s", je.text);
    json_t *pf = json_object_get(root, "preflight");
    const char *keys[] = { "service", "satisfaction", "atlas" };
    for (int i = 0; i < 3; i++) {
        json_t *o = json_object_get(pf, keys[i]);
        cr_assert(o, "preflight.%s", keys[i]);
        const char *figs[] = { "min_text_pt", "min_line_pt", "fonts_not_embedded", "lightest_tint_pct",
                               "max_ink_pct", "palettes", "problems", "ok" };
        for (int k = 0; k < 8; k++) cr_assert(json_object_get(o, figs[k]), "preflight.%s.%s", keys[i], figs[k]);
        cr_assert_eq(json_array_size(json_object_get(o, "fonts_not_embedded")), 0);
    }
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(pf, "atlas"), "pages")), 37);
    cr_assert(json_is_true(json_object_get(json_object_get(pf, "service"), "ok")), "the service poster passes");
    /* the sample's satisfaction map starts at a 6 % tint (PuBuGn's lightest class of 5) */
    if (have_gs()) {
        json_t *sat = json_object_get(pf, "satisfaction");
        cr_assert(json_is_false(json_object_get(sat, "ok")) && has_problem(sat, "% tint"), "satisfaction's light class");
    }
    json_decref(root);
    free(cmd);
    free(out);
}
