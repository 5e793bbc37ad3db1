/* The command line: check --json on the sample, exit statuses, render outputs. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

static char *cmdf(const char *args)
{
    return pm_asprintf("'%s' %s", t_bin(), args);
}

static int run_args(const char *args, char **out)
{
    char *c = cmdf(args);
    int rc = t_run(c, out);
    free(c);
    return rc;
}

static json_t *class_of(json_t *root, const char *year, const char *map, size_t k)
{
    json_t *cls = json_object_get(json_object_get(json_object_get(json_object_get(root, "summary"), year), map), "classes");
    cr_assert(json_is_array(cls), "summary.%s.%s.classes", year, map);
    return json_array_get(cls, k);
}

Test(cli, check_json_published_figures, .timeout = PM_T(60))
{
    t_need_binary();
    char *out = NULL;
    int rc = run_args("check --json", &out);
    cr_assert_eq(rc, 0, "check --json exits 0; output:\n%s", out);
    json_error_t e;
    json_t *root = json_loads(out, 0, &e);
    cr_assert(root, "valid JSON: %s", e.text);
    cr_assert_eq(json_integer_value(json_object_get(root, "committees")), 35);
    cr_assert_eq(json_array_size(json_object_get(root, "years")), 3);
    json_t *names = json_object_get(root, "names");
    const char *code = NULL, *k;
    json_t *v;
    json_object_foreach(names, k, v) if (strcmp(json_string_value(v), "玉佛城") == 0) code = k;
    cr_assert(code, "玉佛城 in names");
    json_t *ranks = json_object_get(root, "ranks");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(ranks, "2015"), code)), 20);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(ranks, "2016"), code)), 7);
    const char *years[] = { "2015", "2016" };
    int want[] = { 18, 28 };
    for (int i = 0; i < 2; i++) {
        json_int_t good = json_integer_value(json_object_get(class_of(root, years[i], "service", 2), "count"));
        json_int_t best = json_integer_value(json_object_get(class_of(root, years[i], "service", 3), "count"));
        cr_assert_eq(good + best, want[i], "%s: 优秀+良好 = %d", years[i], want[i]);
        cr_assert(strstr(json_string_value(json_object_get(class_of(root, years[i], "service", 3), "label")), "优秀"));
    }
    cr_assert(json_is_array(json_object_get(root, "problems")));
    json_decref(root);
    free(out);
}

Test(cli, usage_errors_exit_2)
{
    t_need_binary();
    cr_assert_eq(run_args("render --year abc 2>/dev/null", NULL), 2);
    cr_assert_eq(run_args("frobnicate 2>/dev/null", NULL), 2);
    cr_assert_eq(run_args("render --only posters 2>/dev/null", NULL), 2);
    cr_assert_eq(run_args("render --help >/dev/null", NULL), 0);
    cr_assert_eq(run_args("check --help >/dev/null", NULL), 0);
    char *out = NULL;
    cr_assert_eq(run_args("render --maps service,nope --dry-run 2>&1", &out), 2);
    cr_assert(strstr(out, "--maps: unknown map \"nope\" (the config lists: service, satisfaction, "
                          "workforce, progress, resources)"), "%s", out);
    free(out);
}

Test(cli, bad_data_exits_1_and_writes_nothing, .timeout = PM_T(60))
{
    t_need_binary();
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *csv = pm_asprintf("%s/geodata/changshou/evaluations.csv", dir);
    cr_assert_eq(t_append(csv, "310107015999,2016,88.0,90.0,70.0,10,,\n"), 0);
    char *args = pm_asprintf("render -c '%s/partymap.json' 2>&1", dir), *cmd = NULL, *out = NULL;
    cr_assert_eq(run_args(args, &out), 1, "%s", out);
    free(args);
    cr_assert(strstr(out, "evaluations.csv: line 107 (310107015999): code: unknown committee code"), "%s", out);
    char *outdir = pm_asprintf("%s/out", dir);
    cr_assert_not(pm_path_exists(outdir), "nothing written on bad input");
    free(out); free(cmd); free(outdir); free(csv);
    t_rm_tree(dir);
    free(dir);
}

Test(cli, render_writes_posters_for_latest_year, .timeout = PM_T(120))
{
    t_need_binary();
    char *dir = t_tmpdir();
    char *args = pm_asprintf("render --quiet --maps service,resources --out '%s' 2>&1", dir), *cmd = NULL, *out = NULL;
    cr_assert_eq(run_args(args, &out), 0, "%s", out);
    free(args);
    const char *files[] = { "2016/print/service.pdf", "2016/print/service.png",
                            "2016/print/resources.pdf", "2016/print/resources.png" };
    for (int i = 0; i < 4; i++) {
        char *p = pm_asprintf("%s/%s", dir, files[i]);
        cr_assert(pm_path_exists(p), "%s written", files[i]);
        free(p);
    }
    char *ls = pm_asprintf("ls -a '%s/2016/print' | grep -c tmp", dir), *n = NULL;
    t_run(ls, &n);
    cr_assert_eq(atoi(n), 0, "no temporaries left");
    free(ls); free(n); free(out); free(cmd);
    t_rm_tree(dir);
    free(dir);
}

/* --maps picks the maps whose posters and tiles are drawn; the outputs that cover
 * every map at once (spreadsheets, GeoPackage, site) keep all of them, or a run for
 * one map would take the other four off the published site and out of the data. */
Test(cli, maps_selects_tiles_but_not_the_shared_outputs, .timeout = PM_T(120))
{
    t_need_binary();
    char *dir = t_tmpdir(), *out = NULL;
    char *args = pm_asprintf("render --quiet --year 2015 --maps service --only tiles,data,site --out '%s' 2>&1", dir);
    cr_assert_eq(run_args(args, &out), 0, "%s", out);
    free(args);
    free(out);
    char *svc = pm_asprintf("%s/2015/tiles/service.pmtiles", dir);
    char *res = pm_asprintf("%s/2015/tiles/resources.pmtiles", dir);
    cr_assert(pm_path_exists(svc), "the selected map's tiles are drawn");
    cr_assert_not(pm_path_exists(res), "another map's tiles are not");
    const char *ids[] = { "service", "satisfaction", "workforce", "progress", "resources" };
    struct { const char *file, *pattern; } shared[] = {
        { "site/data.js", "{\"id\":\"%s\"" },          /* the site's map list */
        { "partymap.gpkg", "%s_class" },                /* the GeoPackage's columns */
    };
    for (size_t f = 0; f < sizeof shared / sizeof *shared; f++) {
        char *path = pm_asprintf("%s/%s", dir, shared[f].file), *text = NULL, *err = NULL;
        size_t len = 0;
        cr_assert_eq(pm_read_file(path, 64 << 20, &text, &len, &err), PM_OK, "%s", err ? err : "");
        for (size_t i = 0; i < 5; i++) {
            char *want = pm_asprintf(shared[f].pattern, ids[i]);
            cr_assert(memmem(text, len, want, strlen(want)), "%s names map %s (%s)", shared[f].file, ids[i], want);
            free(want);
        }
        free(text);
        free(path);
    }
    char *csv = pm_asprintf("%s/2015/evaluation.csv", dir), *text = NULL, *err = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(csv, 1 << 20, &text, &len, &err), PM_OK, "%s", err ? err : "");
    cr_assert(strstr(text, "区域化党建资源指数分级"), "the spreadsheet keeps the resources map's classes");
    free(text); free(csv); free(svc); free(res);
    t_rm_tree(dir);
    free(dir);
}
