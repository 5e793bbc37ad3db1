/* data.js: the site's values, legends and committee outlines, built with jansson and escaped for a script. */
#include "site/sitedata.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/thematic.h"
#include "site/tileindex.h"

/* Popup rows.  A row whose key is a map's indicator takes that map's unit and
 * decimals instead, so popups and legends format a value the same way. */
static const struct {
    const char *key, *label, *unit;
    int decimals, signed_;
} fields[] = {
    { "service", "服务群众能效得分", "分", 1, 0 },
    { "service_rank", "能效排名", "名", 0, 0 },
    { "service_change", "较上年变化", "分", 1, 1 },
    { "service_rank_change", "排名变化", "位", 0, 1 },
    { "satisfaction", "群众满意度", "分", 1, 0 },
    { "workforce", "社区工作者队伍建设", "分", 1, 0 },
    { "running_per_1000", "每千人在运行项目", "个/千人", 2, 0 },
    { "projects_running", "在运行共建项目", "个", 0, 0 },
    { "platforms", "党建开放平台", "个", 0, 0 },
    { "needs", "收集群众需求", "条", 0, 0 },
};
enum { NFIELDS = sizeof fields / sizeof fields[0] };

/* Sticky failure flag: jansson's *_new calls take ownership even when they fail. */
static void put(json_t *o, const char *k, json_t *v, int *bad)
{
    if (json_object_set_new(o, k, v) != 0) *bad = 1;
}

static void push(json_t *a, json_t *v, int *bad)
{
    if (json_array_append_new(a, v) != 0) *bad = 1;
}

/* Whole numbers (counts, ranks) as integers; no data as null. */
static json_t *num(double v)
{
    if (!isfinite(v)) return json_null();
    if (v == floor(v) && fabs(v) < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *coord(pm_pt p)
{
    return json_pack("[ff]", round(p.x * 1e6) / 1e6, round(p.y * 1e6) / 1e6);
}

static json_t *hex(pm_rgba c)
{
    char buf[8];
    int r = (int)lround(fmin(fmax(c.r, 0), 1) * 255), g = (int)lround(fmin(fmax(c.g, 0), 1) * 255);
    int b = (int)lround(fmin(fmax(c.b, 0), 1) * 255);
    snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
    return json_string(buf);
}

/* A closed GeoJSON ring; RFC 7946 wants exteriors counter-clockwise, holes clockwise. */
static json_t *ring_json(const pm_pt *p, size_t n, int hole, int *bad)
{
    json_t *a = json_array();
    int reverse = (pm_ring_signed_area(p, n) > 0) == hole;
    for (size_t i = 0; i <= n; i++) {
        size_t k = i % n;
        push(a, coord(p[reverse ? (n - k) % n : k]), bad);
    }
    return a;
}

static int ring_contains(const pm_pt *p, size_t n, pm_pt q)
{
    int in = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        if ((p[i].y > q.y) != (p[j].y > q.y) &&
            q.x < (p[j].x - p[i].x) * (q.y - p[i].y) / (p[j].y - p[i].y) + p[i].x)
            in = !in;
    return in;
}

/* Polygon or MultiPolygon: each hole goes to the exterior ring holding its first vertex. */
static json_t *geometry_json(const pm_geom *g, int *bad)
{
    json_t *polys = json_array();
    size_t *owner = calloc(g->nrings + 1, sizeof *owner), nouter = 0;
    if (!owner) { *bad = 1; return polys; }
    for (size_t r = 0; r < g->nrings; r++) {
        const pm_pt *p = g->pts + g->ring_off[r];
        size_t n = g->ring_off[r + 1] - g->ring_off[r];
        if (!g->ring_hole || !g->ring_hole[r] || nouter == 0) {
            owner[r] = nouter++;
            json_t *poly = json_array();
            push(poly, ring_json(p, n, 0, bad), bad);
            push(polys, poly, bad);
            continue;
        }
        owner[r] = 0;
        for (size_t o = 0; o < r; o++) {
            size_t no = g->ring_off[o + 1] - g->ring_off[o];
            if ((!g->ring_hole || !g->ring_hole[o]) && ring_contains(g->pts + g->ring_off[o], no, p[0])) {
                owner[r] = owner[o];
                break;
            }
        }
        push(json_array_get(polys, owner[r]), ring_json(p, n, 1, bad), bad);
    }
    free(owner);
    if (nouter == 1) {
        json_t *one = json_incref(json_array_get(polys, 0));
        json_decref(polys);
        return json_pack("{s:s, s:o}", "type", "Polygon", "coordinates", one);
    }
    return json_pack("{s:s, s:o}", "type", "MultiPolygon", "coordinates", polys);
}

/* A row's unit and decimals: from the map showing that indicator, if any. */
static const pm_style *style_for(const pm_website *w, const char *indicator)
{
    for (size_t i = 0; i < w->nstyles; i++)
        if (strcmp(w->styles[i]->indicator, indicator) == 0) return w->styles[i];
    return NULL;
}

static json_t *field_json(const pm_website *w, const char *key, const char *label,
                          const char *unit, int decimals, int signed_)
{
    const pm_style *s = style_for(w, key);
    return json_pack("{s:s, s:s, s:s, s:i, s:b}", "key", key, "label", label,
                     "unit", s ? s->unit : unit, "decimals", s ? s->decimals : decimals,
                     "signed", signed_);
}

/* The popup rows: the fixed list, then any map indicator it lacks (a sixth map). */
static json_t *fields_json(const pm_website *w, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; i < NFIELDS; i++)
        push(a, field_json(w, fields[i].key, fields[i].label, fields[i].unit,
                           fields[i].decimals, fields[i].signed_), bad);
    for (size_t i = 0; i < w->nstyles; i++) {
        const pm_style *s = w->styles[i];
        int known = 0;
        for (size_t k = 0; k < NFIELDS; k++) known |= strcmp(fields[k].key, s->indicator) == 0;
        if (!known) push(a, field_json(w, s->indicator, s->title, s->unit, s->decimals, 0), bad);
    }
    return a;
}

static json_t *maps_json(const pm_website *w, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; i < w->nstyles; i++) {
        const pm_style *s = w->styles[i];
        push(a, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:b}", "id", s->id, "title", s->title,
                          "unit", s->unit, "decimals", s->decimals, "indicator", s->indicator,
                          "description", s->description, "show_points", s->show_points), bad);
    }
    return a;
}

static json_t *classes_json(const pm_thematic *th, int *bad)
{
    json_t *cl = json_array();
    for (size_t k = 0; k < th->classes.n; k++)
        push(cl, json_pack("{s:s, s:o, s:I}", "label", th->labels[k], "color", hex(th->colors[k]),
                           "count", (json_int_t)th->classes.counts[k]), bad);
    return json_pack("{s:o, s:{s:o, s:I}}", "classes", cl, "nodata", "color",
                     hex(th->style->nodata), "count", (json_int_t)th->classes.nodata);
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
            put(maps, w->styles[i]->id, classes_json(&pm_results_at(w->res, i, (size_t)yi)->th, bad), bad);
        put(legend, key, maps, bad);
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
            put(cov, key, zoom = json_array(), bad);
        }
        if (i == 0 || r->z != t->runs[i - 1].z || r->x != t->runs[i - 1].x)
            push(zoom, col = json_pack("[I]", (json_int_t)r->x), bad);
        push(col, json_integer(r->y0), bad);
        push(col, json_integer(r->y1), bad);
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
    push(list, cov, bad);
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
                if (idx[k].n) put(set, k ? "2x" : "1x", coverage_ref(list, coverage_json(&idx[k], bad), bad), bad);
            if (!st && json_object_size(set)) put(maps, w->styles[i]->id, set, bad);
            else json_decref(set);
            pm_tileindex_fini(&idx[0]);
            pm_tileindex_fini(&idx[1]);
            free(dir);
        }
        put(sets, key, maps, bad);
    }
    return st;
}

/* values[year][key] of committee c; ycol: indtab year index per site year, kcol:
 * indtab column per field (-1: not computed, shown as no data). */
static json_t *values_json(const pm_website *w, size_t c, const long *ycol, json_t *keys,
                           const long *kcol, int *bad)
{
    json_t *v = json_object();
    for (size_t y = 0; y < w->nyears; y++) {
        char key[16];
        snprintf(key, sizeof key, "%d", w->years[y]);
        json_t *row = json_object();
        for (size_t k = 0; k < json_array_size(keys); k++) {
            double x = kcol[k] < 0 ? NAN : pm_indtab_get(&w->an->tab, (size_t)ycol[y], c, (size_t)kcol[k]);
            put(row, json_string_value(json_object_get(json_array_get(keys, k), "key")), num(x), bad);
        }
        put(v, key, row, bad);
    }
    return v;
}

static json_t *committees_json(const pm_website *w, const long *ycol, json_t *keys, int *bad)
{
    long *kcol = calloc(json_array_size(keys) + 1, sizeof *kcol);
    json_t *feats = json_array();
    if (!kcol) *bad = 1;
    for (size_t k = 0; kcol && k < json_array_size(keys); k++)
        kcol[k] = pm_indtab_find(&w->an->tab, json_string_value(json_object_get(json_array_get(keys, k), "key")));
    for (size_t c = 0; kcol && c < w->ds->ncommittees; c++) {
        const pm_committee *cm = &w->ds->committees[c];
        pm_pt centre = pm_geom_visual_centre(&cm->geom, 1e-6, NULL);
        json_t *props = json_pack("{s:s, s:s, s:o, s:o, s:o}", "code", cm->code, "name", cm->name,
                                  "population", num(cm->population), "households", num(cm->households),
                                  "centre", coord(centre));
        put(props, "values", values_json(w, c, ycol, keys, kcol, bad), bad);
        push(feats, json_pack("{s:s, s:o, s:o}", "type", "Feature", "properties", props,
                              "geometry", geometry_json(&cm->geom, bad)), bad);
    }
    free(kcol);
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", feats);
}

/* The fixed part: name, view limits, years, maps, popup rows, URL templates. */
static json_t *head_json(const pm_website *w, int *bad)
{
    pm_bbox b = pm_bbox_empty();
    for (size_t c = 0; c < w->ds->ncommittees; c++) pm_bbox_union(&b, &w->ds->committees[c].geom.bbox);
    pm_pt mid = { (b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2 };
    json_t *bounds = json_pack("[ffff]", floor(b.minx * 1e6) / 1e6, floor(b.miny * 1e6) / 1e6,
                               ceil(b.maxx * 1e6) / 1e6, ceil(b.maxy * 1e6) / 1e6);
    json_t *years = json_array();
    for (size_t y = 0; y < w->nyears; y++) push(years, json_integer(w->years[y]), bad);
    const char *credits = w->cfg->credits ? w->cfg->credits : "";
    size_t running = 0;
    for (size_t i = 0; i < w->ds->nprojects; i++) running += w->ds->projects[i].status == PM_SITE_RUNNING;
    return json_pack("{s:s, s:s, s:o, s:o, s:i, s:i, s:o, s:o, s:o, s:s, s:s, s:{s:I, s:I, s:I}}",
                     "name", w->cfg->name ? w->cfg->name : "", "credits", credits,
                     "bounds", bounds, "center", coord(mid), "minzoom", w->minzoom,
                     "maxzoom", w->maxzoom, "years", years, "maps", maps_json(w, bad),
                     "fields", fields_json(w, bad),
                     "tiles", "../{year}/tiles/{map}/{z}/{x}/{y}{r}.png",
                     "poster", "../{year}/print/{map}.pdf", "points",
                     "platforms", (json_int_t)w->ds->nplatforms, "projects", (json_int_t)w->ds->nprojects,
                     "running", (json_int_t)running);
}

/* "window.PARTYMAP = " json ";\n" with the characters that could end a script or
 * a JS string escaped; they occur only inside JSON strings, so \uXXXX is exact. */
static char *script_text(const char *json, size_t *len)
{
    static const char prefix[] = "window.PARTYMAP = ", suffix[] = ";\n";
    size_t n = strlen(json), extra = 0;
    for (size_t i = 0; i < n; i++)
        extra += json[i] == '<' || json[i] == '>' || json[i] == '&' ? 5 : (unsigned char)json[i] == 0xE2 ? 3 : 0;
    char *out = malloc(sizeof prefix + n + extra + sizeof suffix);
    if (!out) return NULL;
    char *o = out + sizeof prefix - 1;
    memcpy(out, prefix, sizeof prefix - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)json[i];
        if (ch == '<' || ch == '>' || ch == '&') {
            o += sprintf(o, "\\u%04x", ch);
        } else if (ch == 0xE2 && i + 2 < n && (unsigned char)json[i + 1] == 0x80 &&
                   ((unsigned char)json[i + 2] == 0xA8 || (unsigned char)json[i + 2] == 0xA9)) {
            o += sprintf(o, "\\u%04x", 0x2000 + ((unsigned char)json[i + 2] - 0x80));
            i += 2;
        } else {
            *o++ = (char)ch;
        }
    }
    memcpy(o, suffix, sizeof suffix);
    *len = (size_t)(o - out) + sizeof suffix - 1;
    return out;
}

pm_status pm_sitedata_build(const pm_website *w, const char *out_dir, char **out, size_t *len,
                            char **err)
{
    *out = NULL;
    *len = 0;
    *err = NULL;
    int bad = 0;
    char *json = NULL;
    long *ycol = calloc(w->nyears + 1, sizeof *ycol);
    json_t *root = head_json(w, &bad), *legend = json_object(), *sets = json_object(), *covs = json_array();
    pm_status st = ycol && root && legend && sets && covs ? PM_OK : PM_ENOMEM;
    for (size_t y = 0; !st && y < w->nyears; y++)
        if ((ycol[y] = pm_indtab_year(&w->an->tab, w->years[y])) < 0) {
            *err = pm_asprintf("site: year %d has no evaluation data", w->years[y]);
            st = PM_EDATA;
        }
    if (!st) st = legend_json(w, legend, &bad, err);
    if (!st) st = tilesets_json(w, out_dir, sets, covs, &bad, err);
    if (st) goto done;
    put(root, "legend", json_incref(legend), &bad);
    put(root, "tilesets", json_incref(sets), &bad);
    put(root, "coverage", json_incref(covs), &bad);
    put(root, "committees", committees_json(w, ycol, json_object_get(root, "fields"), &bad), &bad);
    if (!bad) json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    if (bad || !json || !(*out = script_text(json, len))) st = PM_ENOMEM;
done:
    if (st == PM_ENOMEM && !*err) *err = pm_strdup("site: data.js: out of memory");
    free(json);
    json_decref(covs);
    json_decref(sets);
    json_decref(legend);
    json_decref(root);
    free(ycol);
    return st;
}
