/* Loading and validation: the sample loads; bad inputs give messages naming file, feature, field. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "data/config.h"
#include "data/dataset.h"
#include "data/vector.h"

static pm_status load_cfg(const char *cfgpath, pm_diag *d, pm_dataset **ds)
{
    pm_config *cfg = NULL;
    pm_status st = pm_config_load(cfgpath, d, &cfg);
    if (!st) st = pm_dataset_load(cfg, d, ds);
    pm_config_free(cfg);
    return st;
}

Test(dataset, sample_loads)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_dataset *ds = NULL;
    pm_status st = load_cfg(pm_config_default_path(), &d, &ds);
    char *txt = t_diag_text(&d);
    cr_assert_eq(st, PM_OK, "problems:\n%s", txt);
    free(txt);
    cr_assert_eq(ds->ncommittees, 35);
    cr_assert_eq(ds->nplatforms, 14);
    cr_assert_eq(ds->nprojects, 689);
    cr_assert_eq(ds->nyears, 3);
    cr_assert_eq(ds->years[0], 2014);
    cr_assert_eq(ds->years[2], 2016);
    cr_assert_eq(ds->eval.nrows, 105);
    cr_assert(pm_dataset_find(ds, "310107015001") >= 0);
    int found = 0;
    for (size_t i = 0; i < ds->ncommittees; i++) found |= strcmp(ds->committees[i].name, "玉佛城") == 0;
    cr_assert(found, "玉佛城 is in the sample");
    cr_assert_geq(ds->ncontext, 3);
    pm_dataset_free(ds);
    pm_diag_fini(&d);
}

/* Runs a check of a modified copy of the sample; returns the status and the problems. */
static pm_status load_copy(void (*modify)(const char *dir), pm_diag *d)
{
    char *dir = t_tmpdir();
    cr_assert(dir);
    cr_assert_eq(t_copy_sample(dir), 0);
    modify(dir);
    char *cfg = pm_asprintf("%s/partymap.json", dir);
    pm_dataset *ds = NULL;
    pm_status st = load_cfg(cfg, d, &ds);
    pm_dataset_free(ds);
    free(cfg);
    t_rm_tree(dir);
    free(dir);
    return st;
}

/* The problems of a modified copy of the sample, with their text for messages. */
typedef struct {
    pm_diag d;
    char *txt;
} loaded;

/* Loads the sample copy that modify changed, expecting status want. */
static void load_expect(loaded *r, void (*modify)(const char *dir), pm_status want)
{
    pm_diag_init(&r->d);
    pm_status st = load_copy(modify, &r->d);
    r->txt = t_diag_text(&r->d);
    cr_assert_eq(st, want, "status %d, want %d; problems:\n%s", st, want, r->txt);
}

static void loaded_fini(loaded *r)
{
    free(r->txt);
    pm_diag_fini(&r->d);
}

/* Asserts that one problem holds all the given terms (t_diag_has). */
#define expect_problem(r, ...) cr_assert(t_diag_has(&(r)->d, __VA_ARGS__, NULL), "got:\n%s", (r)->txt)

static void remove_prj(const char *dir)
{
    char *p = pm_asprintf("%s/geodata/changshou/committees.prj", dir);
    cr_assert_eq(unlink(p), 0);
    free(p);
}

Test(dataset, shapefile_without_prj_is_refused)
{
    loaded r;
    load_expect(&r, remove_prj, PM_EDATA);
    expect_problem(&r, "committees.shp", "no .prj file", "assume_crs");
    loaded_fini(&r);
}

static void remove_shp(const char *dir)
{
    char *p = pm_asprintf("%s/geodata/changshou/platforms.geojson", dir);
    cr_assert_eq(unlink(p), 0);
    free(p);
}

Test(dataset, missing_file_is_named)
{
    loaded r;
    load_expect(&r, remove_shp, PM_EDATA);
    expect_problem(&r, "platforms.geojson", "cannot open", "No such file");
    loaded_fini(&r);
}

static void add_bad_rows(const char *dir)
{
    char *p = pm_asprintf("%s/geodata/changshou/evaluations.csv", dir);
    cr_assert_eq(t_append(p, "310107015999,2016,88.0,90.0,70.0,10,,\n"
                             "310107015001,2016,88.0,90.0,70.0,10,,\n"
                             "310107015002,2016,abc,190,70.0,10,,\n"), 0);
    free(p);
}

Test(dataset, evaluation_rows_report_every_problem)
{
    loaded r;
    load_expect(&r, add_bad_rows, PM_EDATA);
    /* header is line 1, 105 data rows: the appended rows are lines 107..109 */
    expect_problem(&r, "evaluations.csv: line 107 (310107015999): code: unknown committee code");
    expect_problem(&r, "evaluations.csv: line 108 (310107015001 宜昌)", "duplicate row", "first on line 72");
    expect_problem(&r, "line 109 (310107015002 知音苑): service: not a number: \"abc\"");
    expect_problem(&r, "line 109 (310107015002 知音苑): satisfaction: 190 is out of range (0 to 100)");
    loaded_fini(&r);
}

/* The fourth committee takes the second's code (GDAL's Python bindings, a Debian
 * package the tests install). */
static void duplicate_code(const char *dir)
{
    char *cmd = pm_asprintf(
        "/usr/bin/python3 -c \"from osgeo import ogr; ds = ogr.Open('%s/geodata/changshou/committees.shp', 1); "
        "l = ds.GetLayer(); f = l.GetFeature(1); code = f.GetField('code'); g = l.GetFeature(3); "
        "g.SetField('code', code); l.SetFeature(g); ds = None\"", dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    free(cmd);
}

/* Duplicates are found through the table of codes (a scan each was quadratic in a
 * city's thousands of committees): one problem, on the later feature, naming both
 * features with their codes and names. */
Test(dataset, duplicate_committee_code_is_named)
{
    loaded r;
    load_expect(&r, duplicate_code, PM_EDATA);
    expect_problem(&r, "committees.shp: feature 3 (310107015002 常德): code: duplicate committee code: "
                   "also feature 1 (310107015002 知音苑) in committees.shp");
    size_t dups = 0;
    for (size_t i = 0; i < r.d.count; i++) dups += strstr(r.d.items[i].message, "duplicate committee code") != NULL;
    cr_assert_eq(dups, 1, "one problem for the pair, got:\n%s", r.txt);
    loaded_fini(&r);
}

static void drop_2015_row(const char *dir)
{
    char *p = pm_asprintf("%s/geodata/changshou/evaluations.csv", dir);
    char *cmd = pm_asprintf("sed -i '/^310107015003,2015,/d' '%s'", p);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(p);
}

Test(dataset, missing_year_is_reported)
{
    loaded r;
    load_expect(&r, drop_2015_row, PM_OK); /* a missing row is not fatal */
    expect_problem(&r, "evaluations.csv: warning: committee (310107015003 梦清园): year:", "no evaluation row for 2015",
                   "drawn as no data");
    loaded_fini(&r);
}

static pm_source townships(const char *enc, char *path)
{
    pm_source s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.encoding = (char *)enc;
    return s;
}

Test(dataset, gbk_townships_need_an_encoding)
{
    const char *rd = t_realdata();
    if (!rd) cr_skip_test("../shared/realdata is absent (a user's clone): GBK test skipped");
    char *path = pm_asprintf("%s/shanghai-townships/上海市_乡镇边界.shp", rd);
    pm_diag d;
    pm_diag_init(&d);
    pm_source s = townships(NULL, path);
    pm_vlayer l;
    cr_assert_eq(pm_vlayer_read(&s, PM_READ_GEOM, &d, &l), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "上海市_乡镇边界.shp: feature", "not valid UTF-8", "set encoding: GBK", NULL), "got:\n%s", txt);
    free(txt);
    pm_vlayer_fini(&l);
    pm_diag_fini(&d);

    pm_diag_init(&d);
    s = townships("GBK", path);
    cr_assert_eq(pm_vlayer_read(&s, PM_READ_GEOM, &d, &l), PM_OK);
    int fn = pm_vlayer_field(&l, "Name"), fc = pm_vlayer_field(&l, "code");
    cr_assert(fn >= 0 && fc >= 0);
    int found = 0;
    for (size_t i = 0; i < l.n; i++)
        if (l.feats[i].attrs[fc] && strcmp(l.feats[i].attrs[fc], "310107015000") == 0) {
            cr_assert_str_eq(l.feats[i].attrs[fn], "长寿路街道");
            cr_assert_eq(l.feats[i].geom.kind, PM_GEOM_POLYGON);
            cr_assert(l.feats[i].geom.bbox.minx > 121.3 && l.feats[i].geom.bbox.maxx < 121.5);
            found = 1;
        }
    cr_assert(found, "310107015000 (长寿路街道) is in the file");
    pm_vlayer_fini(&l);
    pm_diag_fini(&d);
    free(path);
}

Test(config, unknown_keys_and_bad_values_are_named)
{
    const char *json = "{\"maps\": [\"service\"], \"sourcez\": {}, \"print\": {\"page\": \"B5\"},"
                       "\"sources\": {\"committees\": \"a.shp\", \"platforms\": \"b.geojson\","
                       "\"projects\": \"c.geojson\"}}";
    pm_diag d;
    pm_diag_init(&d);
    pm_config *c = NULL;
    cr_assert_eq(pm_config_parse("p.json", ".", json, strlen(json), &d, &c), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "p.json: sourcez: unknown key", NULL), "got:\n%s", txt);
    cr_assert(t_diag_has(&d, "p.json: print.page: must be one of A0", NULL), "got:\n%s", txt);
    cr_assert(t_diag_has(&d, "p.json: sources.evaluations: missing", NULL), "got:\n%s", txt);
    free(txt);
    pm_diag_fini(&d);
}

Test(config, defaults)
{
    const char *json = "{\"maps\": [\"service\"], \"sources\": {\"committees\": \"a.shp\","
                       "\"platforms\": \"b.geojson\", \"projects\": \"c.geojson\", \"evaluations\": \"e.csv\"}}";
    pm_diag d;
    pm_diag_init(&d);
    pm_config *c = NULL;
    cr_assert_eq(pm_config_parse("p.json", "/data", json, strlen(json), &d, &c), PM_OK);
    cr_assert_str_eq(c->print_crs, "EPSG:4549");
    cr_assert_str_eq(c->page, "A1");
    cr_assert_str_eq(c->font, "Noto Sans CJK SC");
    cr_assert_str_eq(c->committees.path, "/data/a.shp");
    cr_assert_str_eq(c->output, "/data/out");
    double w, h;
    cr_assert(pm_page_size("A1", 1, &w, &h));
    cr_assert_float_eq(w, 841 * 72 / 25.4, 1e-9);
    cr_assert_float_eq(h, 594 * 72 / 25.4, 1e-9);
    pm_config_free(c);
    pm_diag_fini(&d);
}

Test(config, map_ids_cannot_leave_the_output_folder)
{
    const char *json = "{\"maps\": [\"../../etc/passwd\", \"ok\"], \"sources\": {\"committees\": \"a.shp\","
                       "\"platforms\": \"b.geojson\", \"projects\": \"c.geojson\", \"evaluations\": \"e.csv\"},"
                       "\"tiles\": {\"maxzoom\": 99}, \"years\": [\"2016/../..\"]}";
    pm_diag d;
    pm_diag_init(&d);
    pm_config *c = NULL;
    cr_assert_eq(pm_config_parse("p.json", ".", json, strlen(json), &d, &c), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "p.json: maps: map ids are 1-32 characters of a-z, 0-9, _ and -", NULL), "%s", txt);
    cr_assert(t_diag_has(&d, "p.json: tiles.maxzoom: must be an integer from 0 to 22", NULL), "%s", txt);
    cr_assert(t_diag_has(&d, "p.json: years: each year must be an integer", NULL), "%s", txt);
    free(txt);
    pm_diag_fini(&d);
}
