/* The static site: files written, data.js and the index files with the published figures, escaping,
 * the tile index, the published copies of the outputs. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "app/project.h"
#include "core/fileio.h"
#include "site/siteindex.h"
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

TestSuite(site, .init = setup, .fini = teardown, .timeout = PM_T(120));

static pm_status write_site(const int *years, size_t n, char **err)
{
    size_t *pages = calloc(P.ds->ncommittees + 1, sizeof *pages);
    for (size_t c = 0; c < P.ds->ncommittees; c++) pages[c] = 3 + c;
    pm_website w = { P.cfg, P.ds, &P.an, (const pm_style *const *)P.styles, P.nstyles, &P.res,
                     years, n, 12, 18, pages };
    pm_status st = pm_site_write(&w, dir, NULL, err);
    free(pages);
    return st;
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

/* A file loaded on demand: PARTYMAP_LOAD("KEY", JSON);\n with KEY its own name. */
static json_t *load_script(const char *rel)
{
    char *raw = read_site_file(rel), *want = pm_asprintf("PARTYMAP_LOAD(\"%.*s\", ", (int)(strlen(rel) - 3), rel);
    size_t n = strlen(raw), k = strlen(want);
    cr_assert_eq(strncmp(raw, want, k), 0, "%s starts with %.60s", rel, raw);
    cr_assert(n > k + 3 && strcmp(raw + n - 3, ");\n") == 0, "%s does not end with );\\n", rel);
    json_error_t e;
    json_t *root = json_loadb(raw + k, n - k - 3, 0, &e);
    cr_assert(root, "%s: line %d: %s", rel, e.line, e.text);
    free(want);
    free(raw);
    return root;
}

static long index_of(json_t *names, const char *code)
{
    json_t *codes = json_object_get(names, "code"), *v;
    size_t i;
    json_array_foreach(codes, i, v)
        if (strcmp(json_string_value(v), code) == 0) return (long)i;
    return -1;
}

/* The index file of the tile holding committee i's inner point, and its record. */
static json_t *record_of(json_t *root, json_t *names, long i, json_t **tile_out)
{
    json_t *X = json_object_get(root, "index"), *ct = json_object_get(names, "centre");
    int z = (int)json_integer_value(json_object_get(X, "zoom"));
    pm_pt p = pm_siteindex_project(json_number_value(json_array_get(ct, 2 * (size_t)i)),
                                   json_number_value(json_array_get(ct, 2 * (size_t)i + 1)), z);
    char *rel = pm_asprintf("index/%d/%.0f/%.0f.js", z, floor(p.x / 256), floor(p.y / 256));
    json_t *tile = load_script(rel), *c = json_object_get(tile, "c"), *r;
    free(rel);
    size_t k;
    json_array_foreach(c, k, r)
        if (json_integer_value(json_object_get(r, "i")) == i) { *tile_out = tile; return r; }
    cr_assert_fail("committee %ld is not in the index tile of its inner point", i);
    return NULL;
}

Test(site, writes_the_page_leaflet_and_data)
{
    int years[] = { 2015, 2016 };
    write_ok(years, 2);
    const char *files[] = { "index.html", "app.js", "style.css", "data.js", "names.js", "favicon.svg",
                            "favicon.png", "apple-touch-icon.png", "lib/leaflet/leaflet.js",
                            "lib/leaflet/leaflet.css", "lib/leaflet/images/layers.png", "table/2016/service.js" };
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
    cr_assert(strstr(html, "<title>长寿路街道 · 党建资源地图</title>"), "the head's title is not filled in");
    cr_assert_null(strstr(html, "<!--PM:HEAD-->"));
    cr_assert_null(strstr(html, "src=\"http"));
    cr_assert_null(strstr(html, "src=\"/"));
    cr_assert_null(strstr(html, "stylesheet\" href=\"http"));
    free(html);
    /* app.js holds every part of site/js, in order. */
    char *js = read_site_file("app.js");
    char *core = strstr(js, "partymap site, core:"), *main_ = strstr(js, "partymap site, start-up");
    cr_assert(core && main_ && core < main_, "app.js lacks its parts or has them out of order");
    free(js);
    /* Leaflet: Debian's minified copy where it ships one, without its source-map line. */
    char *leaflet = read_site_file("lib/leaflet/leaflet.js");
    cr_assert_null(strstr(leaflet, "sourceMappingURL"));
    if (pm_path_exists("/usr/share/javascript/leaflet/leaflet.min.js"))
        cr_assert_lt(strlen(leaflet), 200000, "leaflet.js is not the minified copy (%zu bytes)", strlen(leaflet));
    free(leaflet);
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
    char *raw = NULL;
    json_t *root = load_data(&raw);
    cr_assert_str_eq(json_string_value(json_object_get(root, "name")), "长寿路街道");
    cr_assert_str_eq(json_string_value(json_object_get(root, "tiles")), "{year}/tiles/{map}/{z}/{x}/{y}{r}.png");
    cr_assert_str_eq(json_string_value(json_object_get(root, "poster")), "{year}/print/{map}.pdf");
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
    /* Terms, the footer's numbers (the sample configures them), no outline inline. */
    json_t *terms = json_object_get(root, "terms");
    cr_assert_str_eq(json_string_value(json_object_get(terms, "unit")), "居民区");
    cr_assert_str_eq(json_string_value(json_object_get(terms, "parent")), "街道");
    cr_assert_str_eq(json_string_value(json_object_get(terms, "area")), "长寿路街道");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "approval"), "number")), "沪S（2026）012号");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "site"), "gov_code")), "3101070001");
    cr_assert(json_is_null(json_object_get(root, "basemap")), "a basemap without configuring one");
    cr_assert_null(strstr(raw, "\"geometry\""), "data.js holds outlines");
    cr_assert_null(strstr(raw, "\"coordinates\""), "data.js holds outlines");
    free(raw);

    /* Committees rated excellent or good: 18 in 2015, 28 in 2016 (the published figures). */
    json_t *lg = json_object_get(json_object_get(json_object_get(root, "legend"), "2016"), "service");
    json_t *cls = json_object_get(lg, "classes");
    cr_assert_eq(json_array_size(cls), 4);
    cr_assert(strstr(json_string_value(json_object_get(json_array_get(cls, 3), "label")), "优秀"));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cls, 3), "name")), "优秀");
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
    json_t *st = json_object_get(json_object_get(json_object_get(root, "stats"), "2016"), "service");
    cr_assert_eq(json_integer_value(json_object_get(st, "ranked")), 35, "the N of 第7名 / 共N个");
    cr_assert(json_number_value(json_object_get(st, "median")) > 80);

    /* Yufocheng (玉佛城) moved from rank 20 (2015) to rank 7 (2016): its record in the
     * index tile of its inner point; m[year][map] = [class, rank, rank change, class change]. */
    json_t *names = load_script("names.js"), *tile = NULL;
    long i = index_of(names, "310107015014");
    cr_assert(i >= 0);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(names, "name"), (size_t)i)), "玉佛城");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(names, "initials"), (size_t)i)), "yfc");
    json_t *r = record_of(root, names, i, &tile);
    cr_assert_str_eq(json_string_value(json_object_get(r, "name")), "玉佛城");
    json_t *m = json_object_get(r, "m");
    json_t *s15 = json_array_get(json_array_get(m, 1), 0), *s16 = json_array_get(json_array_get(m, 2), 0);
    cr_assert_eq(json_integer_value(json_array_get(s15, 1)), 20);
    cr_assert_eq(json_integer_value(json_array_get(s16, 1)), 7);
    cr_assert_eq(json_integer_value(json_array_get(s16, 2)), 13, "rank change 20 -> 7");
    cr_assert(json_is_null(json_array_get(json_array_get(json_array_get(m, 0), 0), 2)), "a rank change in the first year");
    int c15 = (int)json_integer_value(json_array_get(s15, 0)), c16 = (int)json_integer_value(json_array_get(s16, 0));
    cr_assert_eq(json_integer_value(json_array_get(s16, 3)), (c16 > c15) - (c16 < c15), "class change");
    cr_assert_eq(json_integer_value(json_object_get(r, "a")), 3 + i, "atlas page");
    /* v[year] holds the popup fields in data.js "fields" order. */
    json_t *fields = json_object_get(root, "fields");
    for (size_t k = 0; k < json_array_size(fields); k++)
        if (strcmp(json_string_value(json_object_get(json_array_get(fields, k), "key")), "service_rank") == 0)
            cr_assert_eq(json_integer_value(json_array_get(json_array_get(json_object_get(r, "v"), 2), k)), 7);
    /* The table of 2016's service map agrees. */
    json_t *tab = load_script("table/2016/service.js");
    cr_assert_eq(json_integer_value(json_array_get(json_object_get(tab, "rank"), (size_t)i)), 7);
    cr_assert_eq(json_integer_value(json_array_get(json_object_get(tab, "rank_change"), (size_t)i)), 13);
    cr_assert_eq(json_array_size(json_object_get(tab, "value")), 35);
    json_decref(tab);
    json_decref(tile);
    json_decref(names);
    json_decref(root);
}

/* Even-odd over the decoded rings of record r (index units relative to the origin). */
static int record_contains(json_t *r, double x, double y)
{
    int in = 0;
    json_t *rings = json_object_get(r, "g"), *ring;
    size_t k;
    json_array_foreach(rings, k, ring) {
        size_t n = json_array_size(ring) / 2;
        double *px = calloc(n + 1, sizeof *px), *py = calloc(n + 1, sizeof *py), ax = 0, ay = 0;
        for (size_t v = 0; v < n; v++) {
            ax += (double)json_integer_value(json_array_get(ring, 2 * v));
            ay += (double)json_integer_value(json_array_get(ring, 2 * v + 1));
            px[v] = ax;
            py[v] = ay;
        }
        for (size_t a = 0, b = n - 1; a < n; b = a++)
            if ((py[a] > y) != (py[b] > y) && x < (px[b] - px[a]) * (y - py[a]) / (py[b] - py[a]) + px[a]) in = !in;
        free(px);
        free(py);
    }
    return in;
}

Test(site, index_tiles_hold_every_committee)
{
    int years[] = { 2016 };
    write_ok(years, 1);
    json_t *root = load_data(NULL), *names = load_script("names.js");
    json_t *X = json_object_get(root, "index"), *origin = json_object_get(X, "origin");
    double ox = json_number_value(json_array_get(origin, 0)), oy = json_number_value(json_array_get(origin, 1));
    cr_assert_eq(json_array_size(json_object_get(names, "code")), P.ds->ncommittees);
    for (size_t i = 0; i < P.ds->ncommittees; i++) {
        json_t *tile = NULL, *r = record_of(root, names, (long)i, &tile);
        cr_assert_str_eq(json_string_value(json_object_get(r, "code")), P.ds->committees[i].code);
        /* The inner point lies inside the committee and inside its decoded outline. */
        json_t *ct = json_object_get(names, "centre");
        pm_pt c = { json_number_value(json_array_get(ct, 2 * i)), json_number_value(json_array_get(ct, 2 * i + 1)) };
        cr_assert(pm_geom_contains(&P.ds->committees[i].geom, c), "inner point of %zu outside it", i);
        pm_pt u = pm_siteindex_project(c.x, c.y, PM_SITEINDEX_UNITS_ZOOM);
        cr_assert(record_contains(r, u.x - ox, u.y - oy), "inner point of %zu outside its index outline", i);
        /* A point well outside (the far corner of the bbox, pushed out) is not inside. */
        pm_pt far = pm_siteindex_project(P.ds->committees[i].geom.bbox.maxx + 0.01,
                                         P.ds->committees[i].geom.bbox.maxy + 0.01, PM_SITEINDEX_UNITS_ZOOM);
        cr_assert_not(record_contains(r, far.x - ox, far.y - oy));
        json_decref(tile);
    }
    json_decref(names);
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
    const char *files[] = { "data.js", "names.js" };
    for (size_t k = 0; k < 2; k++) {
        char *text = k ? read_site_file(files[k]) : raw;
        cr_assert_null(strchr(text, '<'), "a raw '<' in %s", files[k]);
        cr_assert_null(strchr(text, '>'), "a raw '>' in %s", files[k]);
        cr_assert_null(strchr(text, '&'), "a raw '&' in %s", files[k]);
        cr_assert_null(strstr(text, "\xe2\x80\xa8"), "a raw U+2028 in %s", files[k]);
        if (k) {
            cr_assert(strstr(text, "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026\\\""));
            free(text);
        }
    }
    cr_assert(strstr(raw, "line\\u2028separator"));
    /* The escapes are exact: the page gets the name back unchanged (and shows it as text). */
    json_t *names = load_script("names.js");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(names, "name"), 0)), evil);
    cr_assert_str_eq(json_string_value(json_object_get(root, "credits")), "line\xe2\x80\xa8separator");
    char *title = read_site_file("index.html");
    cr_assert(strstr(title, "<title>长寿路街道 · 党建资源地图</title>"));
    free(title);
    json_decref(names);
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
