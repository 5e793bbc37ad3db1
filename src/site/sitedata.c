/* data.js: the first view of the site (legends, tile coverage, terms, footer), built with jansson. */
#include "site/sitedata.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/thematic.h"
#include "core/fileio.h"
#include "analysis/diagnosis.h"
#include "analysis/indmeta.h"
#include "site/sitejson.h"
#include "site/tileindex.h"

/* One popup row: label, unit and decimals as every output shows the column. */
static json_t *field_json(const pm_website *w, const char *key)
{
    pm_indmeta m;
    pm_indmeta_of(w->cfg, w->styles, w->nstyles, key, &m);
    return json_pack("{s:s, s:s, s:s, s:i, s:b}", "key", key, "label", m.label, "unit", m.unit,
                     "decimals", m.decimals, "signed", m.signed_);
}

/* key is a column of the table and not yet a row. */
static int wanted(const pm_website *w, json_t *a, const char *key)
{
    if (pm_indtab_find(&w->an->tab, key) < 0) return 0;
    for (size_t i = 0; i < json_array_size(a); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(a, i), "key")), key)) return 0;
    return 1;
}

static void push_field(const pm_website *w, json_t *a, const char *key, int *bad)
{
    if (wanted(w, a, key)) pm_sj_push(a, field_json(w, key), bad);
}

json_t *pm_sitedata_fields(const pm_website *w)
{
    int bad = 0, *b = &bad;
    json_t *a = json_array();
    if (!a) return NULL;
    if (w->nstyles) { /* the first map's column, its rank and changes */
        const char *head = pm_style_column(w->styles[0]);
        static const char *const fmt[] = { "%s", "%s_rank", "%s_change", "%s_rank_change" };
        for (size_t k = 0; k < 4; k++) {
            char key[160];
            snprintf(key, sizeof key, fmt[k], head);
            push_field(w, a, key, b);
        }
    }
    for (size_t i = 1; i < w->nstyles; i++) push_field(w, a, pm_style_column(w->styles[i]), b);
    push_field(w, a, "projects_running", b);
    push_field(w, a, "platforms", b);
    for (size_t i = 0; w->cfg && i < w->cfg->nindicators; i++) push_field(w, a, w->cfg->indicators[i].name, b);
    if (bad) { json_decref(a); return NULL; }
    return a;
}

static json_t *maps_json(const pm_website *w, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; i < w->nstyles; i++) {
        const pm_style *s = w->styles[i];
        pm_sj_push(a, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:b}", "id", s->id, "title", s->title,
                          "unit", s->unit, "decimals", s->decimals, "indicator", pm_style_column(s),
                          "description", s->description, "show_points", s->show_points), bad);
    }
    return a;
}

static json_t *classes_json(const pm_thematic *th, int *bad)
{
    json_t *cl = json_array();
    for (size_t k = 0; k < th->classes.n; k++)
        pm_sj_push(cl, json_pack("{s:s, s:s, s:o, s:I}", "label", th->labels[k],
                                 "name", pm_diagnosis_class_name(th, (int)k), "color", pm_sj_hex(th->colors[k]),
                                 "count", (json_int_t)th->classes.counts[k]), bad);
    return json_pack("{s:o, s:{s:o, s:I}}", "classes", cl, "nodata", "color",
                     pm_sj_hex(th->style->nodata), "count", (json_int_t)th->classes.nodata);
}

/* legend[year][map] from the run's results, the classification the tiles are drawn with. */
static pm_status legend_json(const pm_website *w, json_t *legend, int *bad, char **err)
{
    for (size_t y = 0; y < w->nyears; y++) {
        char key[16];
        snprintf(key, sizeof key, "%d", w->years[y]);
        long yi = pm_results_year(w->res, w->years[y]);
        if (yi < 0) {
            *err = pm_asprintf("site: year %d has no evaluation data", w->years[y]);
            return PM_EDATA;
        }
        json_t *maps = json_object();
        for (size_t i = 0; i < w->nstyles; i++)
            pm_sj_put(maps, w->styles[i]->id, classes_json(&pm_results_at(w->res, i, (size_t)yi)->th, bad), bad);
        pm_sj_put(legend, key, maps, bad);
    }
    return PM_OK;
}

/* {"z": [[x, y0, y1, y0, y1, ...], ...]}: each column's runs of existing rows. */
static json_t *coverage_json(const pm_tileindex *t, int *bad)
{
    json_t *cov = json_object(), *zoom = NULL, *col = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const pm_tilerun *r = &t->runs[i];
        if (i == 0 || r->z != t->runs[i - 1].z) {
            char key[16];
            snprintf(key, sizeof key, "%d", r->z);
            pm_sj_put(cov, key, zoom = json_array(), bad);
        }
        if (i == 0 || r->z != t->runs[i - 1].z || r->x != t->runs[i - 1].x)
            pm_sj_push(zoom, col = json_pack("[I]", (json_int_t)r->x), bad);
        pm_sj_push(col, json_integer(r->y0), bad);
        pm_sj_push(col, json_integer(r->y1), bad);
    }
    return cov;
}

/* Index of cov in the list of distinct coverages (maps of a year usually share
 * one), appending it if new; steals cov. */
static json_t *coverage_ref(json_t *list, json_t *cov, int *bad)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (json_equal(json_array_get(list, i), cov)) {
            json_decref(cov);
            return json_integer((json_int_t)i);
        }
    pm_sj_push(list, cov, bad);
    return json_integer((json_int_t)json_array_size(list) - 1);
}

/* tilesets[year][map] = {"1x": i, "2x": j} into coverages, for the tiles present
 * under out_dir/YEAR/tiles/MAP/ ("2x" only if @2x tiles exist). */
static pm_status tilesets_json(const pm_website *w, const char *out_dir, json_t *sets,
                               json_t *list, int *bad, char **err)
{
    pm_status st = PM_OK;
    for (size_t y = 0; !st && y < w->nyears; y++) {
        char key[16];
        snprintf(key, sizeof key, "%d", w->years[y]);
        json_t *maps = json_object();
        for (size_t i = 0; !st && i < w->nstyles; i++) {
            pm_tileindex idx[2] = { { 0 }, { 0 } };
            char *dir = pm_asprintf("%s/%d/tiles/%s", out_dir, w->years[y], w->styles[i]->id);
            st = dir ? pm_tileindex_scan(dir, idx, err) : PM_ENOMEM;
            json_t *set = json_object();
            for (int k = 0; !st && k < 2; k++)
                if (idx[k].n) pm_sj_put(set, k ? "2x" : "1x", coverage_ref(list, coverage_json(&idx[k], bad), bad), bad);
            if (!st && json_object_size(set)) pm_sj_put(maps, w->styles[i]->id, set, bad);
            else json_decref(set);
            pm_tileindex_fini(&idx[0]);
            pm_tileindex_fini(&idx[1]);
            free(dir);
        }
        pm_sj_put(sets, key, maps, bad);
    }
    return st;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* stats[year][map] = {median, ranked} for every year of the data. */
static json_t *stats_json(const pm_website *w, const pm_sitefigs *f, int *bad)
{
    json_t *o = json_object();
    for (size_t y = 0; y < f->nyears; y++) {
        char key[16];
        snprintf(key, sizeof key, "%d", f->years[y]);
        json_t *maps = json_object();
        for (size_t m = 0; m < f->nmaps; m++) {
            const pm_sitefig *g = pm_sitefigs_at(f, y, m);
            pm_sj_put(maps, w->styles[m]->id, json_pack("{s:o, s:I}", "median", pm_sj_num(g->median),
                                                        "ranked", (json_int_t)g->nranked), bad);
        }
        pm_sj_put(o, key, maps, bad);
    }
    return o;
}

/* rel ("2016/atlas.pdf") if out_dir/rel exists: the site publishes a copy there. */
static void download(json_t *o, const char *key, const char *out_dir, const char *rel, int *bad)
{
    char *p = pm_path_join(out_dir, rel);
    if (!p) *bad = 1;
    else if (pm_path_exists(p)) pm_sj_put(o, key, json_string(rel), bad);
    free(p);
}

static json_t *downloads_json(const pm_website *w, const char *out_dir, int *bad)
{
    json_t *o = json_object();
    for (size_t y = 0; y < w->nyears; y++) {
        char key[16], rel[160];
        snprintf(key, sizeof key, "%d", w->years[y]);
        json_t *d = json_object(), *posters = json_object();
        const char *files[][2] = { { "csv", "evaluation.csv" }, { "xlsx", "evaluation.xlsx" }, { "atlas", "atlas.pdf" } };
        for (size_t i = 0; i < 3; i++) {
            snprintf(rel, sizeof rel, "%d/%s", w->years[y], files[i][1]);
            download(d, files[i][0], out_dir, rel, bad);
        }
        for (size_t m = 0; m < w->nstyles; m++) {
            snprintf(rel, sizeof rel, "%d/print/%s.pdf", w->years[y], w->styles[m]->id);
            download(posters, w->styles[m]->id, out_dir, rel, bad);
        }
        pm_sj_put(d, "posters", posters, bad);
        pm_sj_put(o, key, d, bad);
    }
    return o;
}

static json_t *basemap_json(const pm_sitedata_parts *x, const pm_config *c)
{
    if (!x->basemap_url) return json_null();
    return json_pack("{s:s, s:s, s:f, s:s}", "url", x->basemap_url, "attribution", c->basemap.attribution,
                     "opacity", c->basemap.opacity, "subdomains", c->basemap.subdomains);
}

static json_t *index_json(const pm_sitedata_parts *x, int *bad)
{
    return json_pack("{s:i, s:[ff], s:o, s:s, s:o, s:s, s:s}", "zoom", x->index->zoom, "origin", x->index->ox,
                     x->index->oy, "coverage", coverage_json(&x->index->tiles, bad), "path", "index/{z}/{x}/{y}.js",
                     "points", x->points ? json_string("points/{z}/{x}/{y}.js") : json_null(),
                     "names", "names.js", "table", "table/{year}/{map}.js");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median committee's width in Web Mercator pixels at zoom 0: the page opens a
 * phone at a zoom where committees can be told apart and tapped. */
static double median_px0(const pm_website *w)
{
    size_t n = w->ds->ncommittees;
    double *v = malloc((n + 1) * sizeof *v), m = 0;
    if (!v || !n) { free(v); return 0; }
    for (size_t c = 0; c < n; c++) {
        const pm_bbox *b = &w->ds->committees[c].geom.bbox;
        v[c] = pm_siteindex_project(b->maxx, 0, 0).x - pm_siteindex_project(b->minx, 0, 0).x;
    }
    qsort(v, n, sizeof *v, cmp_double);
    m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    free(v);
    return m;
}

/* The fixed part: name, terms, footer, view limits, years, maps, popup rows, URL templates. */
static json_t *head_json(const pm_website *w, const pm_sitedata_parts *x, int *bad)
{
    const pm_config *c = w->cfg;
    pm_bbox b = pm_bbox_empty();
    for (size_t i = 0; i < w->ds->ncommittees; i++) pm_bbox_union(&b, &w->ds->committees[i].geom.bbox);
    pm_pt mid = { (b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2 };
    json_t *bounds = json_pack("[ffff]", floor(b.minx * 1e6) / 1e6, floor(b.miny * 1e6) / 1e6,
                               ceil(b.maxx * 1e6) / 1e6, ceil(b.maxy * 1e6) / 1e6);
    json_t *years = json_array(), *all = json_array();
    for (size_t y = 0; y < w->nyears; y++) pm_sj_push(years, json_integer(w->years[y]), bad);
    for (size_t y = 0; y < x->figs->nyears; y++) pm_sj_push(all, json_integer(x->figs->years[y]), bad);
    size_t running = 0;
    for (size_t i = 0; i < w->ds->nprojects; i++) running += w->ds->projects[i].status == PM_SITE_RUNNING;
    json_t *h = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:o}, s:o, s:o, s:i, s:i, s:o, s:o}",
                          "name", c->name ? c->name : "", "credits", c->credits ? c->credits : "",
                          "terms", "unit", c->term_unit, "parent", c->term_parent, "area", c->term_area,
                          "approval", c->approval_number ? json_pack("{s:s, s:o}", "number", c->approval_number,
                                                                     "issuer", str_or_null(c->approval_issuer))
                                                         : json_null(),
                          "site", "icp", str_or_null(c->site_icp), "gov_code", str_or_null(c->site_gov_code),
                          "bounds", bounds, "center", pm_sj_coord(mid), "minzoom", w->minzoom,
                          "maxzoom", w->maxzoom, "years", years, "data_years", all);
    pm_sj_put(h, "maps", maps_json(w, bad), bad);
    pm_sj_put(h, "fields", json_incref(x->fields), bad);
    pm_sj_put(h, "tiles", json_string("{year}/tiles/{map}/{z}/{x}/{y}{r}.png"), bad);
    pm_sj_put(h, "poster", json_string("{year}/print/{map}.pdf"), bad);
    pm_sj_put(h, "points", json_pack("{s:I, s:I, s:I}", "platforms", (json_int_t)w->ds->nplatforms,
                                     "projects", (json_int_t)w->ds->nprojects, "running", (json_int_t)running), bad);
    pm_sj_put(h, "committees", json_pack("{s:I}", "count", (json_int_t)w->ds->ncommittees), bad);
    pm_sj_put(h, "basemap", basemap_json(x, c), bad);
    pm_sj_put(h, "share", str_or_null(x->share), bad);
    pm_sj_put(h, "stats", stats_json(w, x->figs, bad), bad);
    pm_sj_put(h, "index", index_json(x, bad), bad);
    pm_sj_put(h, "committee_px0", json_real(median_px0(w)), bad);
    return h;
}

/* window.PARTYMAP_FIRST: what index.html's head needs to request the first view's
 * tiles before the scripts arrive (the first map of the latest year). */
static json_t *first_json(const pm_website *w, json_t *root, json_t *covs, int *bad)
{
    if (!w->nyears || !w->nstyles) return json_null();
    int year = w->years[w->nyears - 1];
    const char *id = w->styles[0]->id;
    char key[16], *tiles = pm_asprintf("%d/tiles/%s/{z}/{x}/{y}{r}.png", year, id);
    snprintf(key, sizeof key, "%d", year);
    json_t *set = json_object_get(json_object_get(json_object_get(root, "tilesets"), key), id);
    json_t *c1 = json_object_get(set, "1x"), *c2 = json_object_get(set, "2x");
    /* cov: the @2x tiles' coverage, else the 1x tiles'; cov1 the 1x one where it differs. */
    json_t *main_ = c2 ? c2 : c1, *other = c1 && c2 && !json_equal(c1, c2) ? c1 : NULL;
    json_t *o = json_pack("{s:O, s:O, s:O, s:s, s:i, s:s, s:O, s:b, s:b, s:o, s:o}", "bounds",
                          json_object_get(root, "bounds"), "minzoom", json_object_get(root, "minzoom"),
                          "maxzoom", json_object_get(root, "maxzoom"), "map", id, "year", year,
                          "tiles", tiles ? tiles : "", "px0", json_object_get(root, "committee_px0"),
                          "has1x", c1 != NULL, "has2x", c2 != NULL,
                          "cov", main_ ? json_incref(json_array_get(covs, (size_t)json_integer_value(main_))) : json_null(),
                          "cov1", other ? json_incref(json_array_get(covs, (size_t)json_integer_value(other))) : json_null());
    if (!tiles || !o) *bad = 1;
    free(tiles);
    return o;
}

pm_status pm_sitedata_build(const pm_website *w, const pm_sitedata_parts *x, const char *out_dir, char **out,
                            size_t *len, char **first, char **err)
{
    *out = NULL;
    *len = 0;
    *first = NULL;
    *err = NULL;
    int bad = 0;
    json_t *root = head_json(w, x, &bad), *legend = json_object(), *sets = json_object(), *covs = json_array();
    pm_status st = root && legend && sets && covs ? PM_OK : PM_ENOMEM;
    for (size_t y = 0; !st && y < w->nyears; y++)
        if (pm_indtab_year(&w->an->tab, w->years[y]) < 0) {
            *err = pm_asprintf("site: year %d has no evaluation data", w->years[y]);
            st = PM_EDATA;
        }
    if (!st) st = legend_json(w, legend, &bad, err);
    if (!st) st = tilesets_json(w, out_dir, sets, covs, &bad, err);
    if (st) goto done;
    pm_sj_put(root, "legend", json_incref(legend), &bad);
    pm_sj_put(root, "tilesets", json_incref(sets), &bad);
    pm_sj_put(root, "coverage", json_incref(covs), &bad);
    pm_sj_put(root, "downloads", downloads_json(w, out_dir, &bad), &bad);
    if (bad || !(*out = pm_sj_script("window.PARTYMAP = ", root, ";\n", len))) st = PM_ENOMEM;
    json_t *fv = st ? NULL : first_json(w, root, covs, &bad);
    size_t flen;
    if (!st && (bad || !fv || !(*first = pm_sj_script("window.PARTYMAP_FIRST = ", fv, ";", &flen)))) st = PM_ENOMEM;
    json_decref(fv);
    if (st) { free(*out); *out = NULL; }
done:
    if (st == PM_ENOMEM && !*err) *err = pm_strdup("site: data.js: out of memory");
    json_decref(covs);
    json_decref(sets);
    json_decref(legend);
    json_decref(root);
    return st;
}
