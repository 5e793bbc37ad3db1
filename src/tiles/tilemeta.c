/* Package metadata formatted once for both package formats, and read back. */
#include "tiles/tilemeta.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiles/pmtiles.h"
#include "tiles/tilemath.h"

/* Written from the PMTiles header's e7 integer, so the text of an MBTiles package and
 * the header of a PMTiles one always say the same number: "%.7f" rounds the decimal
 * expansion, lround(v * 1e7) the product, and the two disagreed at the half (a merge of
 * MBTiles shards into PMTiles differed from the single run in the centre's last digit). */
const char *pm_tilemeta_num(double v, char buf[40])
{
    int32_t e = pm_pmt_e7(v);
    long long a = e < 0 ? -(long long)e : e;
    snprintf(buf, 40, "%s%lld.%07lld", e < 0 ? "-" : "", a / 10000000, a % 10000000);
    char *end = buf + strlen(buf) - 1;
    while (*end == '0') *end-- = '\0';
    if (*end == '.') *end = '\0';
    return buf;
}

pm_status pm_metatext_init(pm_metatext *t, const pm_tilemeta *m, int minz, int maxz)
{
    char a[40], b[40], c[40], d[40];
    memset(t, 0, sizeof *t);
    t->name = m->name ? m->name : "";
    t->description = m->description;
    t->attribution = m->attribution;
    t->format = "png";
    t->type = "overlay";
    t->bounds = pm_asprintf("%s,%s,%s,%s", pm_tilemeta_num(m->bounds[0], a),
                            pm_tilemeta_num(m->bounds[1], b), pm_tilemeta_num(m->bounds[2], c),
                            pm_tilemeta_num(m->bounds[3], d));
    t->center = pm_asprintf("%s,%s,%d", pm_tilemeta_num(m->center[0], a),
                            pm_tilemeta_num(m->center[1], b), (int)lround(m->center[2]));
    t->run_id = m->run_id;
    t->minzoom = pm_asprintf("%d", minz);
    t->maxzoom = pm_asprintf("%d", maxz);
    if (t->bounds && t->center && t->minzoom && t->maxzoom) return PM_OK;
    pm_metatext_fini(t);
    return PM_ENOMEM;
}

void pm_metatext_fini(pm_metatext *t)
{
    free(t->bounds);
    free(t->center);
    free(t->minzoom);
    free(t->maxzoom);
    memset(t, 0, sizeof *t);
}

int pm_tilemeta_parse_nums(const char *text, double *v, int n)
{
    const char *p = text;
    for (int i = 0; i < n; i++) {
        char *end;
        if (!p || *p == '\0' || *p == ' ') return -1;
        v[i] = strtod(p, &end);
        if (end == p || !isfinite(v[i])) return -1;
        if (i < n - 1 && *end != ',') return -1;
        p = end + (i < n - 1);
        if (i == n - 1 && *end) return -1;
    }
    return 0;
}

static int set_str(json_t *o, const char *key, const char *v)
{
    return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

/* The PMTiles members other than the legend, in a fixed order. */
static int fill_full(json_t *o, const pm_metatext *t)
{
    return set_str(o, "name", t->name) || set_str(o, "description", t->description) ||
           set_str(o, "attribution", t->attribution) || set_str(o, "format", t->format) ||
           set_str(o, "type", t->type) || set_str(o, "bounds", t->bounds) ||
           set_str(o, "center", t->center) || set_str(o, "minzoom", t->minzoom) ||
           set_str(o, "maxzoom", t->maxzoom);
}

/* Adds key: the JSON text src (if any) to o; PM_EINTERNAL with *err if not JSON. */
static pm_status set_json(json_t *o, const char *key, const char *src, char **err)
{
    if (!src) return PM_OK;
    json_error_t je;
    json_t *v = json_loads(src, JSON_DECODE_ANY, &je);
    if (!v) {
        if (err) *err = pm_asprintf("%s JSON: line %d: %s", key, je.line, je.text);
        return PM_EINTERNAL;
    }
    return json_object_set_new(o, key, v) ? PM_ENOMEM : PM_OK;
}

pm_status pm_tilemeta_json(const pm_tilemeta *m, int minz, int maxz, int full, char **out,
                           char **err)
{
    *out = NULL;
    if (!full && !m->legend_json) return PM_OK;
    pm_metatext t = {0};
    json_t *o = json_object();
    pm_status st = o ? PM_OK : PM_ENOMEM;
    if (!st && full) st = pm_metatext_init(&t, m, minz, maxz);
    if (!st && full && fill_full(o, &t)) st = PM_ENOMEM;
    if (!st) st = set_json(o, "legend", m->legend_json, err);
    if (!st && full) st = set_json(o, "partymap_run", m->run_id, err);
    if (!st) {
        *out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!*out) st = PM_ENOMEM;
    }
    pm_metatext_fini(&t);
    json_decref(o);
    return st;
}

void pm_sink_info_fini(pm_sinkinfo *info)
{
    if (!info) return;
    free(info->name);
    free(info->description);
    free(info->attribution);
    free(info->legend_json);
    free(info->run_id);
    memset(info, 0, sizeof *info);
}

void pm_sinkinfo_link(pm_sinkinfo *info)
{
    info->meta.name = info->name;
    info->meta.description = info->description;
    info->meta.attribution = info->attribution;
    info->meta.legend_json = info->legend_json;
    info->meta.run_id = info->run_id;
}

char *pm_tilemeta_compact(const char *json, size_t len)
{
    json_error_t je;
    json_t *v = json_loadb(json, len, JSON_DECODE_ANY, &je);
    char *s = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    return s;
}

/* A copy of o[key] if it is a string; NULL if absent; sets *bad if not a string. */
static char *get_str(json_t *o, const char *key, int *bad)
{
    json_t *v = json_object_get(o, key);
    if (!v) return NULL;
    if (!json_is_string(v)) { *bad = 1; return NULL; }
    char *s = pm_strdup(json_string_value(v));
    if (!s) *bad = 1;
    return s;
}

/* The PMTiles members other than the legend: strings as fill_full writes them. */
static int parse_full(json_t *o, pm_sinkinfo *info)
{
    int bad = 0;
    info->name = get_str(o, "name", &bad);
    info->description = get_str(o, "description", &bad);
    info->attribution = get_str(o, "attribution", &bad);
    char *bounds = get_str(o, "bounds", &bad), *center = get_str(o, "center", &bad);
    char *zmin = get_str(o, "minzoom", &bad), *zmax = get_str(o, "maxzoom", &bad);
    pm_tilemeta *m = &info->meta;
    double z[2];
    bad = bad || !bounds || !center || !zmin || !zmax ||
          pm_tilemeta_parse_nums(bounds, m->bounds, 4) ||
          pm_tilemeta_parse_nums(center, m->center, 3) ||
          pm_tilemeta_parse_nums(zmin, &z[0], 1) || pm_tilemeta_parse_nums(zmax, &z[1], 1) ||
          z[0] < 0 || z[1] > PM_TILE_MAXZOOM || z[0] > z[1];
    if (!bad) {
        m->minzoom = (int)z[0];
        m->maxzoom = (int)z[1];
    }
    free(bounds);
    free(center);
    free(zmin);
    free(zmax);
    return bad;
}

/* o[key] re-serialised as pm_tilemeta_json writes it into *dst (absent: NULL). */
static const char *take_json(json_t *o, const char *key, char **dst)
{
    json_t *v = json_object_get(o, key);
    if (!v) return NULL;
    *dst = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    return *dst ? NULL : "cannot serialise a member";
}

pm_status pm_tilemeta_parse(const char *json, size_t len, int full, const char *what,
                            pm_sinkinfo *info, char **err)
{
    json_error_t je;
    json_t *o = json_loadb(json, len, 0, &je);
    const char *problem = NULL;
    if (!o) problem = je.text;
    else if (!json_is_object(o)) problem = "not a JSON object";
    else if (full && parse_full(o, info))
        problem = "bounds, center, minzoom or maxzoom missing or not numbers";
    else problem = take_json(o, "legend", &info->legend_json);
    if (!problem && full) problem = take_json(o, "partymap_run", &info->run_id);
    if (!problem) pm_sinkinfo_link(info);
    else if (err) *err = pm_asprintf("%s: metadata JSON: %s", what, problem);
    json_decref(o);
    return problem ? PM_EDATA : PM_OK;
}
