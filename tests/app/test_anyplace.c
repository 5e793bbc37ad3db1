/* Any place's real data (the second place, build/park): every obstacle a new user hit,
 * and the message they now get (file, feature code and name, cause, fix). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

#define PARK PM_SOURCE_DIR "/build/park"
#define TM "+proj=tmerc +lat_0=0 +lon_0=120.58 +k=1 +x_0=50000 +y_0=-3000000 +ellps=GRS80 +units=m +no_defs"

/* A copy of the park in a new folder (caller removes it); skips without it. */
static char *park_copy(void)
{
    struct stat sb;
    if (stat(PARK "/.stamp", &sb) != 0) cr_skip_test("build/park is absent: `make park` generates it");
    t_need_binary();
    char *dir = t_tmpdir(), *cmd = pm_asprintf("cp -r '%s/.' '%s/' && cd '%s' && python3 -c \"import json; "
                                               "c = json.load(open('park.json')); c['styles'] = '%s/styles'; "
                                               "json.dump(c, open('park.json', 'w'), ensure_ascii=False)\"",
                                               PARK, dir, dir, PM_SOURCE_DIR);
    cr_assert_eq(t_run(cmd, NULL), 0, "%s", cmd);
    free(cmd);
    return dir;
}

/* Edits dir/park.json with a Python expression over the JSON object c. */
static void edit(const char *dir, const char *python)
{
    char *cmd = pm_asprintf("cd '%s' && python3 -c \"import json; c = json.load(open('park.json')); %s; "
                            "json.dump(c, open('park.json', 'w'), ensure_ascii=False)\"", dir, python);
    cr_assert_eq(t_run(cmd, NULL), 0, "%s", cmd);
    free(cmd);
}

/* check on dir's config: exit status; stderr + stdout in *out (caller frees). */
static int check(const char *dir, const char *extra, char **out)
{
    char *args = pm_asprintf("check -c '%s/park.json' %s 2>&1", dir, extra ? extra : "");
    int rc = t_pm(args, out);
    free(args);
    return rc;
}

static void expect(const char *text, const char *want)
{
    cr_expect(strstr(text, want), "missing \"%s\" in:\n%s", want, text);
}

/* The park as shipped: a local grid declared in the config, five files, parents,
 * statistics instead of population: check passes and reports what it read. */
Test(anyplace, park_checks_clean_and_reports_crs_and_extent, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    int rc = check(dir, NULL, &out);
    cr_assert_eq(rc, 0, "%s", out);
    expect(out, "180 committees in 5 街道");
    expect(out, "湖心街道.geojson and 4 more files: 180 features, CRS +proj=tmerc");
    expect(out, "(crs in the config), extent 120.5");
    expect(out, "statistics.csv: 540 rows");
    free(out);
    char *args = pm_asprintf("check -c '%s/park.json' --json", dir);
    cr_assert_eq(t_pm(args, &out), 0);
    json_t *root = json_loads(out, 0, NULL);
    cr_assert(root);
    json_t *src = json_array_get(json_object_get(root, "sources"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(src, "crs_origin")), "crs in the config");
    cr_expect_eq(json_array_size(json_object_get(src, "extent")), 4);
    json_t *rip = json_object_get(json_object_get(root, "rank_in_parent"), "2016");
    cr_expect_eq(json_object_size(rip), 180);
    json_decref(root);
    free(out);
    free(args);
    t_rm_tree(dir);
    free(dir);
}

/* Obstacle 1: the grid is declared nowhere (every GeoJSON claims WGS 84): one
 * problem per file, with the count, the extent seen and the fix. */
Test(anyplace, impossible_coordinates_one_problem_per_file, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    edit(dir, "del c['sources']['committees']['crs']");
    cr_assert_eq(check(dir, NULL, &out), 1);
    expect(out, "湖心街道.geojson: geometry: 44 of 44 features have coordinates impossible for EPSG:4326");
    expect(out, "the CRS the file declares: x ");
    expect(out, "(these look like metres of a projected grid); set \"crs\" on this source to the file's real CRS");
    /* five files, five problems: not one per feature */
    size_t n = 0;
    for (const char *p = out; (p = strstr(p, "coordinates impossible")) != NULL; p++) n++;
    cr_expect_eq(n, 5, "one per file:\n%s", out);
    free(out);
    t_rm_tree(dir);
    free(dir);
}

/* A CRS PROJ does not know is an error naming the key, also for assume_crs; the
 * command line names the option. */
Test(anyplace, unknown_crs_names_the_key_and_the_option, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    edit(dir, "c['sources']['platforms']['assume_crs'] = 'EPSG:99999'");
    cr_assert_eq(check(dir, NULL, &out), 1);
    expect(out, "sources.platforms.assume_crs: \"EPSG:99999\" is not a usable coordinate system");
    free(out);
    cr_assert_eq(check(dir, "--committees x.geojson --crs EPSG:99999", &out), 2);
    expect(out, "--crs EPSG:99999: not a usable coordinate system");
    free(out);
    cr_assert_eq(t_pm("render --assume-crs EPSG:4326 2>&1", &out), 2);
    expect(out, "render does not take --assume-crs (an option of check)");
    free(out);
    t_rm_tree(dir);
    free(dir);
}

/* A context layer in a second, offset grid is refused with its distance; points in a
 * wrong grid are an error, not a warning, unless the config accepts them. */
Test(anyplace, layers_far_away_are_refused_with_the_distance, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    edit(dir, "c['sources']['context'][0]['crs'] = c['sources']['committees']['crs']");
    cr_assert_eq(check(dir, NULL, &out), 1);
    expect(out, "river.geojson: lies ");
    expect(out, " km from the committees");
    expect(out, "wrong CRS? set \"crs\" on sources.context[0] to the file's real CRS");
    free(out);
    t_rm_tree(dir);
    free(dir);
    dir = park_copy();
    /* the projects 2 km east: most fall outside, all within reach of the extent check */
    edit(dir, "c['sources']['projects']['crs'] = c['sources']['projects']['crs'].replace('+x_0=50000', '+x_0=62000')");
    cr_assert_eq(check(dir, NULL, &out), 1);
    expect(out, "projects.csv: ");
    expect(out, "points lie outside every committee: is the coordinate system right?");
    expect(out, "\"allow_outside\": true");
    free(out);
    edit(dir, "c['sources']['projects']['allow_outside'] = True");
    cr_assert_eq(check(dir, NULL, &out), 0, "%s", out);
    expect(out, "warning: ");
    free(out);
    t_rm_tree(dir);
    free(dir);
}

/* Obstacle 2: no population anywhere: the maps that need it cannot be drawn, named with
 * the field; the others are. */
Test(anyplace, a_map_without_its_field_is_named_and_the_others_render, .timeout = PM_T(300))
{
    char *dir = park_copy(), *out = NULL;
    edit(dir, "del c['sources']['statistics']");
    cr_assert_eq(check(dir, NULL, &out), 1);
    expect(out, "resources.json: indicator: the map resources (区域化党建资源指数) cannot be drawn: its "
                "indicator running_per_1000 has no value for any committee in any year, as no source gives "
                "population");
    free(out);
    char *args = pm_asprintf("render -c '%s/park.json' --only print --year 2016 --out '%s/out' --quiet 2>&1", dir, dir);
    cr_assert_eq(t_pm(args, &out), 1);
    expect(out, "1 map(s) could not be drawn");
    free(out);
    free(args);
    char *p = pm_asprintf("%s/out/2016/print/service.pdf", dir), *q = pm_asprintf("%s/out/2016/print/resources.pdf", dir);
    struct stat sb;
    cr_expect_eq(stat(p, &sb), 0, "the other maps are drawn");
    cr_expect_neq(stat(q, &sb), 0, "not the one that cannot be");
    free(p);
    free(q);
    t_rm_tree(dir);
    free(dir);
}

/* Obstacles 3-5: several files (a list, or a pattern), terms, parents: the poster says
 * 社区 and never doubles it, the atlas follows parents then codes. */
Test(anyplace, files_terms_and_parents_reach_the_outputs, .timeout = PM_T(300))
{
    char *dir = park_copy(), *out = NULL;
    edit(dir, "c['sources']['committees']['path'] = 'committees/*.geojson'");
    char *args = pm_asprintf("render -c '%s/park.json' --only print,atlas --maps service --year 2016 --out '%s/out' --quiet", dir, dir);
    cr_assert_eq(t_pm(args, NULL), 0);
    free(args);
    args = pm_asprintf("pdftotext '%s/out/2016/print/service.pdf' -", dir);
    cr_assert_eq(t_run(args, &out), 0);
    expect(out, "180个社区");
    cr_expect(!strstr(out, "居民区"), "no 居民区 on a place of 社区:\n%s", out);
    free(out);
    free(args);
    args = pm_asprintf("pdftotext '%s/out/2016/atlas.pdf' -", dir);
    cr_assert_eq(t_run(args, &out), 0);
    expect(out, "2016年度社区诊断图集");
    expect(out, "按所属街道、再按代码排列");
    cr_expect(!strstr(out, "社区社区") && !strstr(out, "居民区"), "no doubled or foreign unit words");
    /* pages follow the parents: the first committee page is of the first parent */
    const char *first = strstr(out, "· 社区代码 ");
    cr_assert(first);
    cr_expect(strncmp(first - strlen("湖心街道 "), "湖心街道 · 社区代码 320590001001", strlen("湖心街道 · 社区代码 320590001001")) == 0,
              "first page: %.120s", first - strlen("湖心街道 "));
    free(out);
    free(args);
    t_rm_tree(dir);
    free(dir);
}

/* Obstacle 6: feature-level messages name the file, the feature, its code and name;
 * repeated problems are summarised; check --json holds them as objects. */
Test(anyplace, messages_name_file_feature_code_and_name, .timeout = PM_T(120))
{
    char *dir = park_copy(), *out = NULL;
    /* five communities of one file lose their name's field: the same problem five times */
    char *cmd = pm_asprintf("cd '%s/committees' && python3 -c \"import json; f = '湖心街道.geojson'; d = json.load(open(f)); "
                            "[x['properties'].update({'社区名称': 'a\\tb'}) for x in d['features'][:5]]; "
                            "json.dump(d, open(f, 'w'), ensure_ascii=False)\"", dir);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    cr_assert_eq(check(dir, NULL, &out), 1);
    expect(out, "湖心街道.geojson: feature 0 (320590001");
    expect(out, "): 社区名称: the name holds control characters");
    expect(out, "湖心街道.geojson: 社区名称: the name holds control characters (line breaks, tabs or escape "
                "codes): correct it in the file: and 2 more features");
    free(out);
    char *args = pm_asprintf("check -c '%s/park.json' --json", dir);
    cr_assert_eq(t_pm(args, &out), 1);
    json_t *root = json_loads(out, 0, NULL);
    cr_assert(root);
    json_t *pr = json_array_get(json_object_get(root, "problems"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(pr, "file")), "湖心街道.geojson");
    cr_expect_eq(strlen(json_string_value(json_object_get(pr, "code"))), 12);
    cr_expect(!strstr(out, "see above"), "check --json never refers to text it does not hold");
    json_decref(root);
    free(out);
    free(args);
    t_rm_tree(dir);
    free(dir);
}

/* An Esri JSON with curveRings: GDAL drops the geometry; the message says why and
 * what to do. */
Test(anyplace, esri_curve_rings_are_explained, .timeout = PM_T(120))
{
    t_need_binary();
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *esri = pm_asprintf("%s/curves.json", dir);
    const char *text =
        "{\"displayFieldName\":\"\",\"geometryType\":\"esriGeometryPolygon\","
        "\"spatialReference\":{\"wkid\":4326},\"fields\":[{\"name\":\"code\",\"type\":\"esriFieldTypeString\"},"
        "{\"name\":\"name\",\"type\":\"esriFieldTypeString\"},{\"name\":\"households\",\"type\":\"esriFieldTypeInteger\"},"
        "{\"name\":\"population\",\"type\":\"esriFieldTypeInteger\"}],\"features\":[{\"attributes\":{\"code\":\"310107015001\","
        "\"name\":\"圆弧\",\"households\":10,\"population\":20},\"geometry\":{\"curveRings\":[[[121.42,31.24],[121.43,31.24],{\"c\":[[121.42,31.24],"
        "[121.425,31.245]]}]]}}]}";
    cr_assert_eq(pm_write_atomic(esri, text, strlen(text), NULL), PM_OK);
    char *args = pm_asprintf("check -c '%s/partymap.json' --committees '%s' 2>&1", dir, esri);
    char *out = NULL;
    cr_assert_eq(t_pm(args, &out), 1);
    expect(out, "curves.json: feature 0 (310107015001 圆弧): geometry: empty or missing geometry: the file is "
                "Esri JSON with curveRings");
    expect(out, "export the layer again with the curves densified");
    free(out);
    free(args);
    free(esri);
    t_rm_tree(dir);
    free(dir);
}
