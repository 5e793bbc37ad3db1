/* partymap init: the config it writes for the bundled sample's files (passes check as
 * it is), for the second place (needs only the CRS and the parent confirmed), for a
 * GBK shapefile without .cpg, and its refusals. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

#define PARK_DIR PM_SOURCE_DIR "/build/park"

static void need_binary(void)
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built (make builds it before the tests)");
}

static int run_fmt(char **out, const char *fmt, const char *a, const char *b)
{
    char *args = pm_asprintf(fmt, a, b);
    char *cmd = pm_asprintf("'%s' %s 2>&1", t_bin(), args);
    int rc = t_run(cmd, out);
    free(cmd);
    free(args);
    return rc;
}

static json_t *load_json(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    cr_assert(j, "%s: %s", path, e.text);
    return j;
}

/* The object at a dotted path ("sources.committees.fields"); arrays by index digits. */
static json_t *at(json_t *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && j; tok = strtok(NULL, "."))
        j = json_is_array(j) ? json_array_get(j, (size_t)atoi(tok)) : json_object_get(j, tok);
    return j;
}

static const char *str_at(json_t *j, const char *path)
{
    const char *s = json_string_value(at(j, path));
    cr_assert(s, "%s is a string", path);
    return s;
}

Test(init, sample_files_give_a_config_that_passes_check, .timeout = PM_T(120))
{
    need_binary();
    char *dir = t_tmpdir(), *out = NULL;
    char *cmd = pm_asprintf("mkdir '%s/data' && cp '%s'/geodata/changshou/* '%s/data/'", dir, PM_SOURCE_DIR, dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    char *data = pm_asprintf("%s/data", dir), *cfgp = pm_asprintf("%s/cfg/partymap.json", dir);
    int rc = run_fmt(&out, "init '%s' -o '%s'", data, cfgp);
    cr_assert_eq(rc, 0, "init exits 0 (the config passes check):\n%s", out);
    cr_assert(strstr(out, "35 committees, 14 platforms, 689 projects, years 2014 2015 2016, 5 maps: OK"), "%s", out);
    cr_assert(strstr(out, "committees.shp: 35 polygons: committees"), "%s", out);
    cr_assert(strstr(out, "nothing left to do"), "%s", out);
    json_t *c = load_json(cfgp);
    cr_assert_str_eq(str_at(c, "name"), "长寿路街道", "the area's name from 长寿路街道党群服务中心");
    cr_assert_str_eq(str_at(c, "sources.committees.path"), "../data/committees.shp");
    cr_assert_str_eq(str_at(c, "sources.committees.fields.code"), "code");
    cr_assert_str_eq(str_at(c, "sources.committees.fields.population"), "population");
    cr_assert_null(at(c, "sources.committees.fields.parent"), "no parent in the sample");
    cr_assert_null(at(c, "sources.committees.crs"), "the .prj is right: no crs");
    cr_assert_null(at(c, "terms"), "names without a unit suffix: no terms");
    cr_assert_str_eq(str_at(c, "sources.platforms.path"), "../data/platforms.geojson");
    cr_assert_str_eq(str_at(c, "sources.platforms.fields.category"), "type");
    cr_assert_str_eq(str_at(c, "sources.projects.path"), "../data/projects.geojson");
    cr_assert_str_eq(str_at(c, "sources.evaluations.fields.year"), "year");
    cr_assert_null(at(c, "sources.evaluations.columns"), "the headers are the indicators' names");
    cr_assert_str_eq(str_at(c, "sources.context.1.role"), "river");
    cr_assert_str_eq(str_at(c, "sources.context.2.role"), "road");
    cr_assert_eq(json_array_size(at(c, "maps")), 5);
    cr_assert_eq(json_array_size(at(c, "_todo")), 0);
    char *style = pm_asprintf("%s/cfg/styles/resources.json", dir);
    cr_assert(pm_path_exists(style), "styles copied beside the config");
    free(out);
    rc = run_fmt(&out, "check -c '%s'%s", cfgp, "");
    cr_assert_eq(rc, 0, "check passes as it is today:\n%s", out);
    json_decref(c);
    t_rm_tree(dir);
    free(style); free(out); free(data); free(cfgp); free(dir);
}

/* What the park's config a user writes (park.json) says for a source, against init's. */
static void same_mapping(json_t *mine, json_t *theirs, const char *path)
{
    json_t *a = at(mine, path), *b = at(theirs, path);
    char *sa = a ? json_dumps(a, JSON_SORT_KEYS) : NULL, *sb = b ? json_dumps(b, JSON_SORT_KEYS) : NULL;
    cr_assert(a && b && json_equal(a, b), "%s: init wrote %s, park.json says %s", path,
              sa ? sa : "nothing", sb ? sb : "nothing");
    free(sa);
    free(sb);
}

Test(init, park_needs_only_the_crs_and_the_parent_confirmed, .timeout = PM_T(120))
{
    need_binary();
    struct stat sb;
    if (stat(PARK_DIR "/.stamp", &sb) != 0) cr_skip_test("build/park is absent: `make park` generates it");
    char *dir = t_tmpdir(), *out = NULL;
    char *cmd = pm_asprintf("cp -r '%s' '%s/park'", PARK_DIR, dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    char *park = pm_asprintf("%s/park", dir), *cfgp = pm_asprintf("%s/park/partymap.json", dir);
    int rc = run_fmt(&out, "init '%s'%s", park, "");
    cr_assert_eq(rc, 1, "init exits 1: the config needs the CRS:\n%s", out);
    cr_assert(strstr(out, "committees: the CRS of the 5 files must be set: they say WGS 84, but the "
                          "coordinates look like metres"), "%s", out);
    cr_assert(strstr(out, "parent field guessed: 所属街道 (5 values"), "%s", out);
    cr_assert(strstr(out, "it lies 677 km from the committees'"), "the river's grid:\n%s", out);
    cr_assert(strstr(out, "  park.json: skipped: not a vector file or table GDAL reads"), "%s", out);
    cr_assert(strstr(out, "  projects.csv: 1500 rows with points (x, y): projects"), "%s", out);
    json_t *c = load_json(cfgp), *want = NULL;
    char *wantp = pm_asprintf("%s/park/park.json", dir);
    want = load_json(wantp);
    cr_assert_str_eq(str_at(c, "name"), "澜湖园区");
    json_t *paths = at(c, "sources.committees.path");
    cr_assert_eq(json_array_size(paths), 5, "one committees source with the five files");
    cr_assert_str_eq(json_string_value(json_array_get(paths, 2)), "committees/湖心街道.geojson");
    cr_assert(!strncmp(str_at(c, "sources.committees.crs"), "FILL IN: the files' real CRS (coordinates "
                       "look like metres, e.g. x ", 62), "%s", str_at(c, "sources.committees.crs"));
    cr_assert(!strncmp(str_at(c, "sources.projects.assume_crs"), "FILL IN", 7));
    cr_assert(strstr(str_at(c, "sources.context.0.crs"), "677 km"));
    cr_assert(!strncmp(str_at(c, "sources.context.1.crs"), "FILL IN", 7));
    cr_assert_null(at(c, "sources.platforms.crs"), "platforms are in WGS 84 and say so");
    same_mapping(c, want, "terms");
    same_mapping(c, want, "sources.committees.fields");
    same_mapping(c, want, "sources.statistics");
    same_mapping(c, want, "sources.platforms");
    same_mapping(c, want, "sources.projects.fields");
    same_mapping(c, want, "sources.evaluations");
    same_mapping(c, want, "sources.context.0.fields");
    same_mapping(c, want, "maps");
    cr_assert_str_eq(str_at(c, "sources.projects.x"), "X");
    cr_assert_str_eq(str_at(c, "print.crs"), "EPSG:4549", "Gauss-Kruger 120E from the platforms' lon/lat");
    json_t *todo = at(c, "_todo");
    size_t crs = 0, parent = 0;
    for (size_t i = 0; i < json_array_size(todo); i++) {
        const char *t = json_string_value(json_array_get(todo, i));
        crs += strstr(t, "the CRS of") != NULL;
        parent += strstr(t, "parent field guessed: 所属街道") != NULL;
    }
    cr_assert_eq(crs, 4, "committees, projects, river and roads need their CRS");
    cr_assert_eq(parent, 1);
    cr_assert_eq(json_array_size(todo), 5, "nothing else to do");
    json_decref(c);
    json_decref(want);
    t_rm_tree(dir);
    free(out); free(park); free(cfgp); free(wantp); free(dir);
}

Test(init, gbk_dbf_without_cpg_is_read_as_gbk, .timeout = PM_T(120))
{
    need_binary();
    char *dir = t_tmpdir(), *out = NULL;
    char *cmd = pm_asprintf("cd '%s' && cp '%s'/geodata/changshou/*.geojson '%s'/geodata/changshou/*.csv . && "
                            "ogr2ogr -lco ENCODING=GBK 居委会.shp '%s/geodata/changshou/committees.shp' && "
                            "rm 居委会.cpg", dir, PM_SOURCE_DIR, PM_SOURCE_DIR, PM_SOURCE_DIR);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    free(cmd);
    char *cfgp = pm_asprintf("%s/cfg/p.json", dir);
    int rc = run_fmt(&out, "init '%s' -o '%s'", dir, cfgp);
    cr_assert_eq(rc, 0, "the config passes check:\n%s", out);
    cr_assert(strstr(out, "the text of 居委会.shp is not UTF-8 but reads as GBK (no .cpg)"), "%s", out);
    json_t *c = load_json(cfgp);
    cr_assert_str_eq(str_at(c, "sources.committees.encoding"), "GBK");
    json_decref(c);
    t_rm_tree(dir);
    free(out); free(cfgp); free(dir);
}

Test(init, refusals_name_the_problem)
{
    need_binary();
    char *dir = t_tmpdir(), *out = NULL;
    int rc = run_fmt(&out, "init '%s/nowhere'%s", dir, "");
    cr_assert_eq(rc, 2, "no such folder: usage error:\n%s", out);
    cr_assert(strstr(out, "nowhere: No such file or directory"), "%s", out);
    free(out);
    rc = run_fmt(&out, "init '%s'%s", dir, "");
    cr_assert_eq(rc, 1, "an empty folder:\n%s", out);
    cr_assert(strstr(out, "no vector files or tables found"), "%s", out);
    free(out);
    char *cfg = pm_asprintf("%s/partymap.json", dir);
    cr_assert_eq(t_append(cfg, "{}"), 0);
    rc = run_fmt(&out, "init '%s'%s", dir, "");
    cr_assert_eq(rc, 2, "an existing config is kept:\n%s", out);
    cr_assert(strstr(out, "partymap.json exists: give another name with -o, or --force"), "%s", out);
    free(out);
    rc = run_fmt(&out, "init%s%s", "", "");
    cr_assert_eq(rc, 2);
    cr_assert(strstr(out, "init needs one folder"), "%s", out);
    t_rm_tree(dir);
    free(out); free(cfg); free(dir);
}
