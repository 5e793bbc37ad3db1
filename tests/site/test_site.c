/* The static site: files written, data.js as JSON with the published figures, escaping, tile index. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "app/project.h"
#include "core/fileio.h"
#include "site/site.h"
#include "site/tileindex.h"

static pm_project P;
static pm_diag D;
static char *dir;

static void setup(void)
{
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(NULL, NULL, &D, &P), PM_OK);
    dir = t_tmpdir();
    cr_assert(dir);
}

static void teardown(void)
{
    t_rm_tree(dir);
    free(dir);
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(site, .init = setup, .fini = teardown, .timeout = 120);

static pm_status write_site(const int *years, size_t n, char **err)
{
    pm_website w = { P.cfg, P.ds, &P.an, (const pm_style *const *)P.styles, P.nstyles, &P.res,
                     years, n, 12, 18 };
    return pm_site_write(&w, dir, err);
}

static void write_ok(const int *years, size_t n)
{
    char *err = NULL;
    pm_status st = write_site(years, n, &err);
    cr_assert_eq(st, PM_OK, "pm_site_write: %s", err ? err : "?");
}

static char *read_site_file(const char *name)
{
    char *path = pm_asprintf("%s/site/%s", dir, name), *text = NULL, *err = NULL;
    size_t len;
    cr_assert_eq(pm_read_file(path, 64 << 20, &text, &len, &err), PM_OK, "%s", err ? err : path);
    free(path);
    return text;
}

/* data.js is "window.PARTYMAP = " JSON ";\n". */
static json_t *load_data(char **raw_out)
{
    char *raw = read_site_file("data.js");
    static const char prefix[] = "window.PARTYMAP = ";
    cr_assert_eq(strncmp(raw, prefix, sizeof prefix - 1), 0, "data.js starts with %.40s", raw);
    size_t n = strlen(raw);
    cr_assert(n > sizeof prefix + 2 && strcmp(raw + n - 2, ";\n") == 0, "data.js does not end with ;\\n");
    json_error_t e;
    json_t *root = json_loadb(raw + sizeof prefix - 1, n - (sizeof prefix - 1) - 2, 0, &e);
    cr_assert(root, "data.js: line %d: %s", e.line, e.text);
    if (raw_out) *raw_out = raw;
    else free(raw);
    return root;
}

static json_t *feature_by_code(json_t *root, const char *code)
{
    json_t *feats = json_object_get(json_object_get(root, "committees"), "features"), *f;
    size_t i;
    json_array_foreach(feats, i, f)
        if (strcmp(json_string_value(json_object_get(json_object_get(f, "properties"), "code")), code) == 0)
            return f;
    return NULL;
}

Test(site, writes_the_page_leaflet_and_data)
{
    int years[] = { 2015, 2016 };
    write_ok(years, 2);
    const char *files[] = { "index.html", "app.js", "style.css", "data.js", "lib/leaflet/leaflet.js",
                            "lib/leaflet/leaflet.css", "lib/leaflet/images/layers.png",
                            "lib/leaflet/images/marker-icon.png" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = pm_asprintf("%s/site/%s", dir, files[i]);
        struct stat sb;
        cr_assert(stat(p, &sb) == 0 && sb.st_size > 0, "%s missing or empty", p);
        free(p);
    }
    /* Relative paths only, no CDN: the page works from file:// and any host. */
    char *html = read_site_file("index.html");
    cr_assert(strstr(html, "src=\"lib/leaflet/leaflet.js\""));
    cr_assert(strstr(html, "href=\"lib/leaflet/leaflet.css\""));
    cr_assert(strstr(html, "src=\"data.js\"") && strstr(html, "src=\"app.js\""));
    cr_assert_null(strstr(html, "src=\"http"));
    cr_assert_null(strstr(html, "src=\"/"));
    cr_assert_null(strstr(html, "stylesheet\" href=\"http"));
    free(html);
    /* A rerun with the same data leaves data.js as it was (same inode, not renamed over). */
    char *p = pm_asprintf("%s/site/data.js", dir);
    struct stat a, b;
    cr_assert_eq(stat(p, &a), 0);
    write_ok(years, 2);
    cr_assert_eq(stat(p, &b), 0);
    cr_assert_eq(a.st_ino, b.st_ino, "unchanged data.js was rewritten");
    free(p);
}

Test(site, data_js_holds_the_published_figures)
{
    int years[] = { 2014, 2015, 2016 };
    write_ok(years, 3);
    json_t *root = load_data(NULL);
    cr_assert_str_eq(json_string_value(json_object_get(root, "name")), "长寿路街道");
    cr_assert_str_eq(json_string_value(json_object_get(root, "tiles")), "../{year}/tiles/{map}/{z}/{x}/{y}{r}.png");
    cr_assert_str_eq(json_string_value(json_object_get(root, "poster")), "../{year}/print/{map}.pdf");
    cr_assert_eq(json_integer_value(json_object_get(root, "minzoom")), 12);
    cr_assert_eq(json_integer_value(json_object_get(root, "maxzoom")), 18);
    json_t *ys = json_object_get(root, "years");
    cr_assert_eq(json_array_size(ys), 3);
    cr_assert_eq(json_integer_value(json_array_get(ys, 2)), 2016);
    const char *ids[] = { "service", "satisfaction", "workforce", "progress", "resources" };
    json_t *maps = json_object_get(root, "maps");
    cr_assert_eq(json_array_size(maps), 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(maps, i), "id")), ids[i]);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(maps, 0), "title")), "服务群众能效指数");

    /* Committees rated excellent or good: 18 in 2015, 28 in 2016 (the published figures). */
    json_t *lg = json_object_get(json_object_get(json_object_get(root, "legend"), "2016"), "service");
    json_t *cls = json_object_get(lg, "classes");
    cr_assert_eq(json_array_size(cls), 4);
    cr_assert(strstr(json_string_value(json_object_get(json_array_get(cls, 3), "label")), "优秀"));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cls, 3), "color")), "#225ea8");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cls, 0), "color")), "#ffffcc");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(cls, 2), "count")) +
                 json_integer_value(json_object_get(json_array_get(cls, 3), "count")), 28);
    json_t *cls15 = json_object_get(json_object_get(json_object_get(json_object_get(root, "legend"), "2015"),
                                                    "service"), "classes");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(cls15, 2), "count")) +
                 json_integer_value(json_object_get(json_array_get(cls15, 3), "count")), 18);
    /* The first year has no change: every committee is no data on the progress map. */
    json_t *nd = json_object_get(json_object_get(json_object_get(json_object_get(root, "legend"), "2014"),
                                                 "progress"), "nodata");
    cr_assert_eq(json_integer_value(json_object_get(nd, "count")), 35);
    cr_assert_str_eq(json_string_value(json_object_get(nd, "color")), "#d9d9d9");

    /* Yufocheng (玉佛城) moved from rank 20 (2015) to rank 7 (2016). */
    json_t *f = feature_by_code(root, "310107015014");
    cr_assert(f);
    json_t *props = json_object_get(f, "properties");
    cr_assert_str_eq(json_string_value(json_object_get(props, "name")), "玉佛城");
    json_t *v = json_object_get(props, "values");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "2015"), "service_rank")), 20);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "2016"), "service_rank")), 7);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(v, "2016"), "service_rank_change")), 13);
    cr_assert(json_is_null(json_object_get(json_object_get(v, "2014"), "service_change")));
    cr_assert(json_is_number(json_object_get(json_object_get(v, "2016"), "running_per_1000")));
    json_decref(root);
}

Test(site, committee_outlines_are_geojson)
{
    int years[] = { 2016 };
    write_ok(years, 1);
    json_t *root = load_data(NULL);
    json_t *feats = json_object_get(json_object_get(root, "committees"), "features"), *f;
    cr_assert_eq(json_array_size(feats), P.ds->ncommittees);
    size_t i;
    json_array_foreach(feats, i, f) {
        json_t *g = json_object_get(f, "geometry"), *ring = json_array_get(json_object_get(g, "coordinates"), 0);
        cr_assert_str_eq(json_string_value(json_object_get(g, "type")), "Polygon");
        size_t n = json_array_size(ring);
        cr_assert(n >= 4);
        pm_pt *pts = calloc(n, sizeof *pts);
        for (size_t k = 0; k < n; k++) {
            json_t *c = json_array_get(ring, k);
            pts[k] = (pm_pt){ json_number_value(json_array_get(c, 0)), json_number_value(json_array_get(c, 1)) };
            cr_assert_lt(fabs(pts[k].x * 1e6 - round(pts[k].x * 1e6)), 1e-3, "not rounded: %.10f", pts[k].x);
        }
        cr_assert(pts[0].x == pts[n - 1].x && pts[0].y == pts[n - 1].y, "ring not closed");
        cr_assert_gt(pm_ring_signed_area(pts, n), 0, "exterior ring not counter-clockwise");
        free(pts);
        json_t *c = json_object_get(json_object_get(f, "properties"), "centre");
        pm_pt centre = { json_number_value(json_array_get(c, 0)), json_number_value(json_array_get(c, 1)) };
        cr_assert(pm_geom_contains(&P.ds->committees[i].geom, centre), "centre of feature %zu outside it", i);
    }
    json_decref(root);
}

Test(site, text_is_escaped_for_the_script_and_the_page)
{
    static const char evil[] = "<script>alert(1)</script>&\"";
    free(P.ds->committees[0].name);
    P.ds->committees[0].name = pm_strdup(evil);
    free(P.cfg->credits);
    P.cfg->credits = pm_strdup("line\xe2\x80\xa8separator");
    int years[] = { 2016 };
    write_ok(years, 1);
    char *raw = NULL;
    json_t *root = load_data(&raw);
    cr_assert_null(strchr(raw, '<'), "a raw '<' in data.js");
    cr_assert_null(strchr(raw, '>'), "a raw '>' in data.js");
    cr_assert_null(strchr(raw, '&'), "a raw '&' in data.js");
    cr_assert_null(strstr(raw, "\xe2\x80\xa8"), "a raw U+2028 in data.js");
    cr_assert(strstr(raw, "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026\\\""));
    cr_assert(strstr(raw, "line\\u2028separator"));
    /* The escapes are exact: the page gets the name back unchanged (and shows it as text). */
    json_t *f = feature_by_code(root, P.ds->committees[0].code);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "properties"), "name")), evil);
    cr_assert_str_eq(json_string_value(json_object_get(root, "credits")), "line\xe2\x80\xa8separator");
    free(raw);
    json_decref(root);
    /* The page inserts data with textContent only. */
    char *js = read_site_file("app.js");
    cr_assert_null(strstr(js, "innerHTML"));
    cr_assert_null(strstr(js, "insertAdjacentHTML"));
    free(js);
}

static void touch(const char *rel)
{
    char *p = pm_asprintf("%s/%s", dir, rel), *d = pm_path_dirname(p), *err = NULL;
    cr_assert_eq(pm_mkdirs(d, &err), PM_OK);
    cr_assert_eq(pm_write_atomic(p, "x", 1, &err), PM_OK);
    free(d);
    free(p);
}

Test(site, indexes_the_tiles_that_exist)
{
    touch("2016/tiles/service/14/13717/6693.png");
    touch("2016/tiles/service/14/13717/6694.png");
    touch("2016/tiles/service/14/13717/6696.png");
    touch("2016/tiles/service/14/13717/6693@2x.png");
    touch("2016/tiles/service/15/27434/13386.png");
    touch("2016/tiles/service/15/27434/notes.txt");
    touch("2016/tiles/service/15/99999999/1.png");   /* beyond zoom 15's columns */
    pm_tileindex idx[2];
    char *err = NULL, *tdir = pm_asprintf("%s/2016/tiles/service", dir);
    cr_assert_eq(pm_tileindex_scan(tdir, idx, &err), PM_OK);
    cr_assert_eq(idx[0].tiles, 4);
    cr_assert_eq(idx[0].n, 3);
    pm_tilerun want[] = { { 14, 13717, 6693, 6694 }, { 14, 13717, 6696, 6696 }, { 15, 27434, 13386, 13386 } };
    for (size_t i = 0; i < 3; i++)
        cr_assert(memcmp(&idx[0].runs[i], &want[i], sizeof want[i]) == 0, "run %zu: %d/%u %u-%u", i,
                  idx[0].runs[i].z, idx[0].runs[i].x, idx[0].runs[i].y0, idx[0].runs[i].y1);
    cr_assert_eq(idx[1].tiles, 1);
    pm_tileindex_fini(&idx[0]);
    pm_tileindex_fini(&idx[1]);
    free(tdir);

    int years[] = { 2016 };
    write_ok(years, 1);
    json_t *root = load_data(NULL);
    json_t *sets = json_object_get(json_object_get(root, "tilesets"), "2016");
    cr_assert_eq(json_object_size(sets), 1, "only service has tiles");
    json_t *svc = json_object_get(sets, "service");
    cr_assert_eq(json_integer_value(json_object_get(svc, "1x")), 0);
    cr_assert_eq(json_integer_value(json_object_get(svc, "2x")), 1);
    char *cov = json_dumps(json_array_get(json_object_get(root, "coverage"), 0), JSON_COMPACT);
    cr_assert_str_eq(cov, "{\"14\":[[13717,6693,6694,6696,6696]],\"15\":[[27434,13386,13386]]}");
    free(cov);
    json_decref(root);
}

Test(site, refuses_a_year_without_data)
{
    int years[] = { 2013 };
    char *err = NULL;
    cr_assert_eq(write_site(years, 1, &err), PM_EDATA);
    cr_assert(err && strstr(err, "2013"), "message: %s", err ? err : "(none)");
    free(err);
    char *p = pm_asprintf("%s/site/data.js", dir);
    cr_assert_not(pm_path_exists(p), "data.js written despite the error");
    free(p);
}
