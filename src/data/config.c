/* Project file parsing and validation (jansson). */
#include "data/config.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "data/config_int.h"
#include "geo/proj.h"

#include <glob.h>

#define CONFIG_MAX_BYTES (1u << 20)

static const char *const field_keys[PM_F_COUNT] = {
    "code", "name", "households", "population", "parent", "category", "partner", "status", "year"
};

void pm_cfg_bad(pm_cfgctx *c, const char *key, const char *msg)
{
    pm_diag_add(c->diag, PM_SEV_ERROR, c->file, "", key, "%s", msg);
}

/* Copies an optional string member; records a type error.  Returns 0 if absent. */
int pm_cfg_str(pm_cfgctx *c, json_t *obj, const char *key, const char *path, char **dst)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v) || json_string_length(v) == 0) {
        pm_cfg_bad(c, path, "must be a non-empty string");
        return 0;
    }
    free(*dst);
    *dst = pm_strdup(json_string_value(v));
    return 1;
}

/* Keys starting with "_" are comments ("_comment", "_todo": partymap init writes
 * them), ignored in every object: JSON has no comments of its own. */
int pm_cfg_comment(const char *k)
{
    return k[0] == '_' || strcmp(k, "$comment") == 0;
}

/* Rejects keys outside allowed (NULL-terminated), naming each as prefix.key. */
void pm_cfg_keys(pm_cfgctx *c, json_t *obj, const char *prefix, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        int ok = pm_cfg_comment(k);
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, k) == 0) ok = 1;
        if (!ok) {
            char *p = pm_asprintf("%s%s%s", prefix, *prefix ? "." : "", k);
            pm_cfg_bad(c, p ? p : k, "unknown key (typo?)");
            free(p);
        }
    }
}

static char *resolve(const pm_config *cfg, const char *rel)
{
    return pm_path_join(cfg->dir, rel);
}

static void parse_fields(pm_cfgctx *c, json_t *o, const char *path, pm_source *s)
{
    if (!json_is_object(o)) { pm_cfg_bad(c, path, "must be an object of role: column"); return; }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (pm_cfg_comment(k)) continue;
        int role = -1;
        for (int i = 0; i < PM_F_COUNT; i++)
            if (strcmp(field_keys[i], k) == 0) role = i;
        char *p = pm_asprintf("%s.%s", path, k);
        if (role < 0) pm_cfg_bad(c, p ? p : path, "unknown field role (code, name, households, population, parent, category, partner, status, year)");
        else if (!json_is_string(v) || !json_string_length(v)) pm_cfg_bad(c, p ? p : path, "must be a column name");
        else { free(s->field[role]); s->field[role] = pm_strdup(json_string_value(v)); }
        free(p);
    }
}

static void parse_columns(pm_cfgctx *c, json_t *o, const char *path, pm_source *s)
{
    if (!json_is_object(o)) { pm_cfg_bad(c, path, "must be an object of indicator: column"); return; }
    size_t n = json_object_size(o), i = 0;
    s->col_ind = calloc(n ? n : 1, sizeof *s->col_ind);
    s->col_name = calloc(n ? n : 1, sizeof *s->col_name);
    if (!s->col_ind || !s->col_name) return;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (pm_cfg_comment(k)) continue;
        if (!json_is_string(v)) { pm_cfg_bad(c, path, "column names must be strings"); continue; }
        s->col_ind[i] = pm_strdup(k);
        s->col_name[i] = pm_strdup(json_string_value(v));
        i++;
    }
    s->ncols = i;
}

int pm_config_crs_ok(const char *crs, int want_projected, char **why)
{
    pm_proj *pj = NULL;
    char *err = NULL;
    if (why) *why = NULL;
    if (pm_proj_new(crs, "EPSG:4326", &pj, &err) != PM_OK) {
        if (why) *why = err;
        else free(err);
        return 0;
    }
    pm_proj_free(pj);
    if (want_projected && pm_proj_is_geographic(crs) != 0) {
        if (why) *why = pm_strdup("a geographic (longitude/latitude) CRS: areas, distances and "
                                  "posters need a projected one, e.g. EPSG:4549");
        return 0;
    }
    return 1;
}

/* Records a problem at key unless PROJ knows crs (and it is projected, when asked). */
static void check_crs(pm_cfgctx *c, const char *key, const char *crs, int want_projected)
{
    char *why = NULL;
    if (pm_config_crs_ok(crs, want_projected, &why)) return;
    char *m = pm_asprintf("\"%s\" is not a usable coordinate system: %s", crs, why ? why : "unknown to PROJ");
    pm_cfg_bad(c, key, m ? m : "unusable CRS");
    free(m);
    free(why);
}

static int has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* Appends one resolved path (a pattern expands to its matches, sorted). */
static void add_path(pm_cfgctx *c, pm_config *cfg, const char *rel, const char *key, pm_source *s)
{
    char *full = resolve(cfg, rel);
    if (!full) return;
    if (!has_glob(rel)) {
        char **np = realloc(s->paths, (s->npaths + 1) * sizeof *np);
        if (!np) { free(full); return; }
        s->paths = np;
        s->paths[s->npaths++] = full;
        return;
    }
    glob_t g;
    int r = glob(full, 0, NULL, &g);
    if (r == GLOB_NOMATCH || (r == 0 && g.gl_pathc == 0)) {
        char *m = pm_asprintf("no file matches \"%s\"", rel);
        pm_cfg_bad(c, key, m ? m : "no file matches");
        free(m);
    } else if (r == 0 && g.gl_pathc <= 4096) {
        char **np = realloc(s->paths, (s->npaths + g.gl_pathc) * sizeof *np);
        if (np) {
            s->paths = np;
            for (size_t i = 0; i < g.gl_pathc; i++) s->paths[s->npaths++] = pm_strdup(g.gl_pathv[i]);
        }
    } else {
        pm_cfg_bad(c, key, r == 0 ? "the pattern matches more than 4096 files" : "cannot expand the pattern");
    }
    if (r == 0) globfree(&g);
    free(full);
}

/* "path": a file, a pattern, or a list of files and patterns. */
static void parse_paths(pm_cfgctx *c, pm_config *cfg, json_t *v, const char *key, pm_source *s)
{
    if (json_is_string(v) && json_string_length(v)) {
        s->path_spec = pm_strdup(json_string_value(v));
        add_path(c, cfg, json_string_value(v), key, s);
    } else if (json_is_array(v) && json_array_size(v) > 0 && json_array_size(v) <= 4096) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (!json_is_string(e) || !json_string_length(e)) { pm_cfg_bad(c, key, "every entry must be a file name"); continue; }
            add_path(c, cfg, json_string_value(e), key, s);
        }
        s->path_spec = NULL; /* messages name each file */
    } else {
        pm_cfg_bad(c, key, "must be a file name, a pattern or a list of 1 to 4096 file names");
    }
    if (s->npaths) s->path = pm_strdup(s->paths[0]);
}

static void parse_source(pm_cfgctx *c, pm_config *cfg, json_t *o, const char *path, pm_source *s,
                         int required)
{
    static const char *const keys[] = { "path", "layer", "encoding", "assume_crs", "crs", "x", "y",
                                        "fields", "columns", "role", "datum", "allow_outside", NULL };
    if (!o) {
        if (required) pm_cfg_bad(c, path, "missing (an input source is required)");
        return;
    }
    char *p = pm_asprintf("%s.path", path);
    if (json_is_string(o)) { /* shorthand: just a path */
        parse_paths(c, cfg, o, p ? p : path, s);
        free(p);
        return;
    }
    if (!json_is_object(o)) { pm_cfg_bad(c, path, "must be an object or a path"); free(p); return; }
    pm_cfg_keys(c, o, path, keys);
    json_t *pv = json_object_get(o, "path");
    if (!pv) pm_cfg_bad(c, p ? p : path, "missing (the file to read, a list of files or a pattern such as \"committees/*.shp\")");
    else parse_paths(c, cfg, pv, p ? p : path, s);
    free(p);
    pm_cfg_str(c, o, "layer", path, &s->layer);
    pm_cfg_str(c, o, "encoding", path, &s->encoding);
    p = pm_asprintf("%s.assume_crs", path);
    if (pm_cfg_str(c, o, "assume_crs", p ? p : path, &s->assume_crs)) check_crs(c, p ? p : path, s->assume_crs, 0);
    free(p);
    p = pm_asprintf("%s.crs", path);
    if (pm_cfg_str(c, o, "crs", p ? p : path, &s->crs)) check_crs(c, p ? p : path, s->crs, 0);
    free(p);
    json_t *ao = json_object_get(o, "allow_outside");
    if (ao && !json_is_boolean(ao)) pm_cfg_bad(c, path, "allow_outside must be true or false");
    else s->allow_outside = json_is_true(ao);
    pm_cfg_str(c, o, "x", path, &s->x_field);
    pm_cfg_str(c, o, "y", path, &s->y_field);
    pm_cfg_str(c, o, "role", path, &s->role);
    char *datum = NULL;
    if (pm_cfg_str(c, o, "datum", path, &datum)) {
        if (strcmp(datum, "gcj02") == 0) s->gcj02 = 1;
        else if (strcmp(datum, "wgs84") != 0) pm_cfg_bad(c, path, "datum must be \"wgs84\" or \"gcj02\"");
    }
    free(datum);
    json_t *f = json_object_get(o, "fields");
    if (f) { p = pm_asprintf("%s.fields", path); parse_fields(c, f, p ? p : path, s); free(p); }
    json_t *cols = json_object_get(o, "columns");
    if (cols) { p = pm_asprintf("%s.columns", path); parse_columns(c, cols, p ? p : path, s); free(p); }
}

static void parse_sources(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    static const char *const keys[] = { "committees", "platforms", "projects", "evaluations",
                                        "statistics", "context", NULL };
    if (!json_is_object(o)) { pm_cfg_bad(c, "sources", "missing or not an object"); return; }
    pm_cfg_keys(c, o, "sources", keys);
    parse_source(c, cfg, json_object_get(o, "committees"), "sources.committees", &cfg->committees, 1);
    parse_source(c, cfg, json_object_get(o, "platforms"), "sources.platforms", &cfg->platforms, 1);
    parse_source(c, cfg, json_object_get(o, "projects"), "sources.projects", &cfg->projects, 1);
    parse_source(c, cfg, json_object_get(o, "evaluations"), "sources.evaluations", &cfg->evaluations, 1);
    parse_source(c, cfg, json_object_get(o, "statistics"), "sources.statistics", &cfg->statistics, 0);
    json_t *ctxl = json_object_get(o, "context");
    if (!ctxl) return;
    if (!json_is_array(ctxl) || json_array_size(ctxl) > 64) {
        pm_cfg_bad(c, "sources.context", "must be a list of at most 64 layers");
        return;
    }
    cfg->context = calloc(json_array_size(ctxl) + 1, sizeof *cfg->context);
    if (!cfg->context) return;
    size_t i;
    json_t *v;
    json_array_foreach(ctxl, i, v) {
        char *p = pm_asprintf("sources.context[%zu]", i);
        pm_source *s = &cfg->context[cfg->ncontext++];
        parse_source(c, cfg, v, p ? p : "sources.context", s, 1);
        if (!s->role || (strcmp(s->role, "area") && strcmp(s->role, "river") && strcmp(s->role, "road")))
            pm_cfg_bad(c, p ? p : "sources.context", "role must be \"area\", \"river\" or \"road\"");
        free(p);
    }
}

static void parse_print(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    static const char *const keys[] = { "crs", "page", "orientation", "preview_dpi", "production",
                                        "bleed_mm", "crop_marks", NULL };
    if (!o) return;
    if (!json_is_object(o)) { pm_cfg_bad(c, "print", "must be an object"); return; }
    pm_cfg_keys(c, o, "print", keys);
    if (pm_cfg_str(c, o, "crs", "print.crs", &cfg->print_crs)) check_crs(c, "print.crs", cfg->print_crs, 1);
    pm_cfg_str(c, o, "page", "print.page", &cfg->page);
    double w, h;
    if (cfg->page && !pm_page_size(cfg->page, 1, &w, &h)) pm_cfg_bad(c, "print.page", "must be one of A0, A1, A2, A3, A4");
    char *orient = NULL;
    if (pm_cfg_str(c, o, "orientation", "print.orientation", &orient)) {
        if (strcmp(orient, "landscape") == 0) cfg->landscape = 1;
        else if (strcmp(orient, "portrait") == 0) cfg->landscape = 0;
        else pm_cfg_bad(c, "print.orientation", "must be \"landscape\" or \"portrait\"");
    }
    free(orient);
    json_t *d = json_object_get(o, "preview_dpi");
    if (d) {
        if (!json_is_number(d) || json_number_value(d) < 10 || json_number_value(d) > 300)
            pm_cfg_bad(c, "print.preview_dpi", "must be a number from 10 to 300");
        else cfg->preview_dpi = json_number_value(d);
    }
    json_t *pr = json_object_get(o, "production"), *cm = json_object_get(o, "crop_marks");
    if (pr && !json_is_boolean(pr)) pm_cfg_bad(c, "print.production", "must be true or false");
    else if (pr) cfg->print_production = json_is_true(pr);
    if (cm && !json_is_boolean(cm)) pm_cfg_bad(c, "print.crop_marks", "must be true or false");
    else if (cm) cfg->crop_marks = json_is_true(cm);
    json_t *b = json_object_get(o, "bleed_mm");
    if (b) {
        if (!json_is_number(b) || json_number_value(b) < 0 || json_number_value(b) > 20)
            pm_cfg_bad(c, "print.bleed_mm", "must be a number of millimetres from 0 to 20 (shops ask for 3)");
        else cfg->bleed_mm = json_number_value(b);
    }
}

/* "approval": {"number": "沪S（2026）012号", "issuer": "..."}: the map approval number
 * (审图号) that published maps in China carry, and its issuing line. */
static void parse_approval(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    static const char *const keys[] = { "number", "issuer", NULL };
    if (!o) return;
    if (!json_is_object(o)) { pm_cfg_bad(c, "approval", "must be an object with number and issuer"); return; }
    pm_cfg_keys(c, o, "approval", keys);
    if (!pm_cfg_str(c, o, "number", "approval.number", &cfg->approval_number) && !json_object_get(o, "number"))
        pm_cfg_bad(c, "approval.number", "missing (the map approval number, e.g. 沪S（2026）012号)");
    pm_cfg_str(c, o, "issuer", "approval.issuer", &cfg->approval_issuer);
}

int pm_cfg_int(pm_cfgctx *c, json_t *o, const char *key, const char *path, int lo, int hi, int *dst)
{
    json_t *v = json_object_get(o, key);
    if (!v) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char *m = pm_asprintf("must be an integer from %d to %d", lo, hi);
        pm_cfg_bad(c, path, m ? m : "out of range");
        free(m);
        return 0;
    }
    *dst = (int)json_integer_value(v);
    return 1;
}

static void parse_tiles(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    static const char *const keys[] = { "minzoom", "maxzoom", "metatile", "hidpi", "quantize",
                                        "max_tiles", NULL };
    if (!o) return;
    if (!json_is_object(o)) { pm_cfg_bad(c, "tiles", "must be an object"); return; }
    pm_cfg_keys(c, o, "tiles", keys);
    pm_cfg_int(c, o, "minzoom", "tiles.minzoom", 0, 22, &cfg->minzoom);
    pm_cfg_int(c, o, "maxzoom", "tiles.maxzoom", 0, 22, &cfg->maxzoom);
    pm_cfg_int(c, o, "metatile", "tiles.metatile", 1, 16, &cfg->metatile);
    json_t *h = json_object_get(o, "hidpi");
    if (h && !json_is_boolean(h)) pm_cfg_bad(c, "tiles.hidpi", "must be true or false");
    else if (h) cfg->hidpi = json_is_true(h);
    json_t *q = json_object_get(o, "quantize");
    if (q && !json_is_boolean(q)) pm_cfg_bad(c, "tiles.quantize", "must be true or false");
    else if (q) cfg->quantize = json_is_true(q);
    if (cfg->minzoom > cfg->maxzoom) pm_cfg_bad(c, "tiles.minzoom", "must not be greater than tiles.maxzoom");
    json_t *mt = json_object_get(o, "max_tiles");
    if (mt && (!json_is_integer(mt) || json_integer_value(mt) < 1 || json_integer_value(mt) > (1LL << 40)))
        pm_cfg_bad(c, "tiles.max_tiles", "must be a whole number of tiles from 1 to 2^40");
    else if (mt) cfg->max_tiles = json_integer_value(mt);
}

static void parse_years(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    if (!o) return;
    if (!json_is_array(o) || json_array_size(o) > 200) { pm_cfg_bad(c, "years", "must be a list of years"); return; }
    cfg->years = calloc(json_array_size(o) + 1, sizeof *cfg->years);
    if (!cfg->years) return;
    size_t i;
    json_t *v;
    json_array_foreach(o, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1900 || json_integer_value(v) > 2200)
            pm_cfg_bad(c, "years", "each year must be an integer from 1900 to 2200");
        else cfg->years[cfg->nyears++] = (int)json_integer_value(v);
    }
}

static void parse_maps(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    if (!json_is_array(o) || json_array_size(o) == 0 || json_array_size(o) > 64) {
        pm_cfg_bad(c, "maps", "must be a list of 1 to 64 map ids (style files in the styles folder)");
        return;
    }
    cfg->maps = calloc(json_array_size(o), sizeof *cfg->maps);
    if (!cfg->maps) return;
    size_t i;
    json_t *v;
    json_array_foreach(o, i, v) {
        const char *s = json_string_value(v);
        int ok = s && *s && strlen(s) <= 32;
        for (const char *p = s; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
        int dup = 0;
        for (size_t k = 0; ok && k < cfg->nmaps; k++) dup |= strcmp(cfg->maps[k], s) == 0;
        if (!ok) pm_cfg_bad(c, "maps", "map ids are 1-32 characters of a-z, 0-9, _ and -");
        else if (dup) {
            char *m = pm_asprintf("\"%s\" is listed twice (each map is one style file and one set of outputs)", s);
            pm_cfg_bad(c, "maps", m ? m : "a map is listed twice");
            free(m);
        } else cfg->maps[cfg->nmaps++] = pm_strdup(s);
    }
}

/* "terms": what the place calls its units, the level above them and itself. */
static void parse_terms(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    static const char *const keys[] = { "unit", "parent", "area", NULL };
    if (!o) return;
    if (!json_is_object(o)) { pm_cfg_bad(c, "terms", "must be an object such as {\"unit\": \"社区\", \"parent\": \"街道\"}"); return; }
    pm_cfg_keys(c, o, "terms", keys);
    pm_cfg_str(c, o, "unit", "terms.unit", &cfg->term_unit);
    pm_cfg_str(c, o, "parent", "terms.parent", &cfg->term_parent);
    pm_cfg_str(c, o, "area", "terms.area", &cfg->term_area);
}

/* A tile URL template: {z}, {x} and {y}; an http(s) URL or a local path. */
static void parse_basemap(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    static const char *const keys[] = { "url", "attribution", "opacity", "subdomains", NULL };
    pm_basemap *b = &cfg->basemap;
    if (!json_is_object(o)) { pm_cfg_bad(c, "site.basemap", "must be an object with url and attribution"); return; }
    pm_cfg_keys(c, o, "site.basemap", keys);
    char *url = NULL;
    if (!pm_cfg_str(c, o, "url", "site.basemap.url", &url)) {
        if (!json_object_get(o, "url")) pm_cfg_bad(c, "site.basemap.url", "missing (a tile URL template or folder)");
        return;
    }
    if (!strstr(url, "{z}") || !strstr(url, "{x}") || !strstr(url, "{y}")) {
        pm_cfg_bad(c, "site.basemap.url", "must contain {z}, {x} and {y}");
    } else if (strstr(url, "://")) {
        if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
            pm_cfg_bad(c, "site.basemap.url", "a URL must start with https:// or http://");
    } else {
        b->local = 1;
        const char *slash = strchr(url, '/'), *brace = strchr(url, '{');
        if (!slash || slash > brace)
            pm_cfg_bad(c, "site.basemap.url", "a local tile folder's template names the folder, e.g. "
                "basemap/{z}/{x}/{y}.png (relative to the config's folder)");
    }
    b->url = b->local ? resolve(cfg, url) : pm_strdup(url);
    free(url);
    if (!pm_cfg_str(c, o, "attribution", "site.basemap.attribution", &b->attribution) &&
        !json_object_get(o, "attribution"))
        pm_cfg_bad(c, "site.basemap.attribution", "missing (the basemap's provider must be credited on the map)");
    if (pm_cfg_str(c, o, "subdomains", "site.basemap.subdomains", &b->subdomains))
        for (const char *p = b->subdomains; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
                pm_cfg_bad(c, "site.basemap.subdomains", "must be letters a-z and digits, one per subdomain");
                break;
            }
    json_t *op = json_object_get(o, "opacity");
    if (op && (!json_is_number(op) || !(json_number_value(op) > 0) || json_number_value(op) > 1))
        pm_cfg_bad(c, "site.basemap.opacity", "must be a number above 0 and at most 1");
    else if (op) b->opacity = json_number_value(op);
}

static void parse_site(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    static const char *const keys[] = { "icp", "gov_code", "basemap", NULL };
    if (!o) return;
    if (!json_is_object(o)) { pm_cfg_bad(c, "site", "must be an object"); return; }
    pm_cfg_keys(c, o, "site", keys);
    if (pm_cfg_str(c, o, "icp", "site.icp", &cfg->site_icp) &&
        (strlen(cfg->site_icp) > 64 || !strstr(cfg->site_icp, "ICP")))
        pm_cfg_bad(c, "site.icp", "must be an ICP filing number such as 沪ICP备12345678号-1");
    if (pm_cfg_str(c, o, "gov_code", "site.gov_code", &cfg->site_gov_code)) {
        size_t n = strspn(cfg->site_gov_code, "0123456789");
        if (n != 10 || cfg->site_gov_code[n])
            pm_cfg_bad(c, "site.gov_code", "must be the 10-digit government website code (政府网站标识码)");
    }
    json_t *b = json_object_get(o, "basemap");
    if (b && !json_is_null(b)) parse_basemap(c, cfg, b);
}

static int set_defaults(pm_config *cfg)
{
    if (!cfg->print_crs) cfg->print_crs = pm_strdup("EPSG:4549");
    if (!cfg->page) cfg->page = pm_strdup("A1");
    if (!cfg->font) cfg->font = pm_strdup("Noto Sans CJK SC");
    if (!cfg->styles_dir) cfg->styles_dir = resolve(cfg, "styles");
    if (!cfg->output) cfg->output = resolve(cfg, "out");
    if (!cfg->name) cfg->name = pm_strdup("");
    if (!cfg->title_prefix) cfg->title_prefix = pm_strdup(cfg->name ? cfg->name : "");
    if (!cfg->credits) cfg->credits = pm_strdup("");
    if (!cfg->term_unit) cfg->term_unit = pm_strdup("居民区");
    if (!cfg->term_parent) cfg->term_parent = pm_strdup("街道");
    if (!cfg->term_area) cfg->term_area = pm_strdup(cfg->name ? cfg->name : "");
    if (cfg->basemap.url && !cfg->basemap.subdomains) cfg->basemap.subdomains = pm_strdup("abc");
    if (!cfg->term_whole && cfg->term_parent) cfg->term_whole = pm_asprintf("全%s", cfg->term_parent);
    return cfg->print_crs && cfg->page && cfg->font && cfg->styles_dir && cfg->output
           && cfg->name && cfg->title_prefix && cfg->credits && cfg->term_unit && cfg->term_parent
           && cfg->term_area && cfg->term_whole && (!cfg->basemap.url || cfg->basemap.subdomains);
}

static void parse_root(pm_cfgctx *c, pm_config *cfg, json_t *root)
{
    static const char *const keys[] = { "name", "title_prefix", "credits", "sources", "years",
                                        "print", "font", "maps", "styles", "output", "ranges", "indicators",
                                        "tiles", "strict", "terms", "approval", "site", "advice", NULL };
    pm_cfg_keys(c, root, "", keys);
    pm_cfg_str(c, root, "name", "name", &cfg->name);
    pm_cfg_str(c, root, "title_prefix", "title_prefix", &cfg->title_prefix);
    pm_cfg_str(c, root, "credits", "credits", &cfg->credits);
    pm_cfg_str(c, root, "font", "font", &cfg->font);
    char *rel = NULL;
    if (pm_cfg_str(c, root, "styles", "styles", &rel)) { cfg->styles_dir = resolve(cfg, rel); free(rel); rel = NULL; }
    if (pm_cfg_str(c, root, "output", "output", &rel)) { cfg->output = resolve(cfg, rel); free(rel); }
    parse_sources(c, cfg, json_object_get(root, "sources"));
    parse_years(c, cfg, json_object_get(root, "years"));
    parse_print(c, cfg, json_object_get(root, "print"));
    parse_maps(c, cfg, json_object_get(root, "maps"));
    pm_cfg_parse_ranges(c, cfg, json_object_get(root, "ranges"));
    pm_cfg_parse_indicators(c, cfg, json_object_get(root, "indicators"));
    parse_tiles(c, cfg, json_object_get(root, "tiles"));
    parse_terms(c, cfg, json_object_get(root, "terms"));
    parse_approval(c, cfg, json_object_get(root, "approval"));
    pm_cfg_parse_advice(c, cfg, json_object_get(root, "advice"));
    parse_site(c, cfg, json_object_get(root, "site"));
    json_t *strict = json_object_get(root, "strict");
    if (strict && !json_is_boolean(strict)) pm_cfg_bad(c, "strict", "must be true or false");
    int st = json_is_true(strict);
    cfg->committees.strict = cfg->platforms.strict = cfg->projects.strict = st;
    cfg->evaluations.strict = cfg->statistics.strict = st;
    for (size_t i = 0; i < cfg->ncontext; i++) cfg->context[i].strict = st;
}

pm_status pm_config_parse(const char *name, const char *dir, const char *json, size_t len,
                          pm_diag *diag, pm_config **out)
{
    *out = NULL;
    pm_cfgctx c = { name, diag };
    size_t errors_before = diag->errors;
    json_error_t jerr;
    /* a UTF-8 BOM, as Windows editors save (the style files take one too) */
    if (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) { json += 3; len -= 3; }
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        pm_diag_add(diag, PM_SEV_ERROR, name, "", "", "JSON syntax error at line %d, column %d: %s",
                    jerr.line, jerr.column, jerr.text);
        return PM_EDATA;
    }
    pm_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) { json_decref(root); return PM_ENOMEM; }
    cfg->landscape = 1;
    cfg->preview_dpi = 40;
    cfg->bleed_mm = 3;
    cfg->minzoom = 12;
    cfg->maxzoom = 18;
    cfg->metatile = 4; /* PM_METATILE (tiles/pyramid.h) */
    cfg->hidpi = 1;
    cfg->max_tiles = PM_MAX_TILES;
    cfg->basemap.opacity = 1;
    cfg->dir = pm_strdup(dir ? dir : ".");
    if (!json_is_object(root)) pm_cfg_bad(&c, "", "the project file must hold one JSON object");
    else parse_root(&c, cfg, root);
    json_decref(root);
    if (!cfg->dir || !set_defaults(cfg)) { pm_config_free(cfg); return PM_ENOMEM; }
    if (diag->errors > errors_before) { pm_config_free(cfg); return PM_EDATA; }
    *out = cfg;
    return PM_OK;
}

pm_status pm_config_load(const char *path, pm_diag *diag, pm_config **out)
{
    *out = NULL;
    char *text = NULL, *err = NULL;
    size_t len = 0;
    pm_status st = pm_read_file(path, CONFIG_MAX_BYTES, &text, &len, &err);
    if (st) {
        pm_diag_add(diag, PM_SEV_ERROR, path, "", "", "%s", err ? err : pm_strerror(st));
        free(err);
        return st == PM_ENOMEM ? st : PM_EDATA;
    }
    char *dir = pm_path_dirname(path);
    st = dir ? pm_config_parse(pm_path_basename(path), dir, text, len, diag, out) : PM_ENOMEM;
    if (!st && !((*out)->path = pm_strdup(path))) { pm_config_free(*out); *out = NULL; st = PM_ENOMEM; }
    free(dir);
    free(text);
    return st;
}

static void source_fini(pm_source *s)
{
    for (size_t i = 0; i < s->npaths; i++) free(s->paths[i]);
    free(s->paths); free(s->path_spec); free(s->crs);
    free(s->path); free(s->layer); free(s->encoding); free(s->assume_crs);
    free(s->x_field); free(s->y_field); free(s->role);
    for (int i = 0; i < PM_F_COUNT; i++) free(s->field[i]);
    for (size_t i = 0; i < s->ncols; i++) { free(s->col_ind[i]); free(s->col_name[i]); }
    free(s->col_ind); free(s->col_name);
}

void pm_config_free(pm_config *c)
{
    if (!c) return;
    free(c->path); free(c->dir); free(c->name); free(c->title_prefix); free(c->credits);
    source_fini(&c->committees); source_fini(&c->platforms);
    source_fini(&c->projects); source_fini(&c->evaluations); source_fini(&c->statistics);
    free(c->term_unit); free(c->term_parent); free(c->term_area); free(c->term_whole);
    for (size_t i = 0; i < c->ncontext; i++) source_fini(&c->context[i]);
    free(c->context);
    for (size_t i = 0; i < c->nranges; i++) free(c->ranges[i].indicator);
    free(c->ranges);
    for (size_t i = 0; i < c->nindicators; i++) {
        pm_indicator_def *d = &c->indicators[i];
        free(d->name); free(d->expression); free(d->label); free(d->unit);
    }
    free(c->indicators);
    free(c->years); free(c->print_crs); free(c->page); free(c->font);
    free(c->approval_number); free(c->approval_issuer);
    for (size_t i = 0; i < c->nadvice; i++) {
        for (size_t k = 0; k < c->advice[i].nitems; k++) free(c->advice[i].items[k]);
        free(c->advice[i].items);
        free(c->advice[i].map);
    }
    free(c->advice);
    for (size_t i = 0; i < c->nmaps; i++) free(c->maps[i]);
    free(c->maps); free(c->styles_dir); free(c->output);
    free(c->site_icp); free(c->site_gov_code);
    free(c->basemap.url); free(c->basemap.attribution); free(c->basemap.subdomains);
    free(c);
}

int pm_page_size(const char *page, int landscape, double *w, double *h)
{
    static const struct { const char *name; double w_mm, h_mm; } sizes[] = {
        { "A0", 841, 1189 }, { "A1", 594, 841 }, { "A2", 420, 594 },
        { "A3", 297, 420 }, { "A4", 210, 297 },
    };
    for (size_t i = 0; page && i < sizeof sizes / sizeof *sizes; i++) {
        if (strcmp(sizes[i].name, page) != 0) continue;
        double a = sizes[i].w_mm * 72 / 25.4, b = sizes[i].h_mm * 72 / 25.4;
        *w = landscape ? b : a;
        *h = landscape ? a : b;
        return 1;
    }
    return 0;
}

const char *pm_config_default_path(void)
{
    return PM_SOURCE_DIR "/partymap.json";
}

char *pm_config_unit_title(const pm_config *c, const char *name)
{
    /* not "村" alone: 曹杨新村 is a housing estate, 曹杨新村居民区 its committee */
    static const char *const units[] = { "社区", "居委会", "居民区", "村委会", "委员会", NULL };
    size_t n = strlen(name);
    const char *term = c && c->term_unit ? c->term_unit : "居民区";
    size_t t = strlen(term);
    if (n >= t && strcmp(name + n - t, term) == 0) return pm_strdup(name);
    for (const char *const *u = units; *u; u++) {
        size_t k = strlen(*u);
        if (n > k && strcmp(name + n - k, *u) == 0) return pm_strdup(name);
    }
    return pm_asprintf("%s%s", name, term);
}

pm_terms pm_config_terms(const pm_config *c, int has_parents)
{
    pm_terms t = { c->term_unit, c->term_parent, c->term_area,
                   has_parents ? c->term_area : c->term_whole,
                   has_parents ? c->term_area : c->term_parent };
    return t;
}
