/* partymap init, the config: sources with their paths (relative to the config), fields,
 * encodings and CRS advice, terms and maps, with "_comment"/"_todo" notes. */
#include "app/init_plan.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/init_roles.h"
#include "core/fileio.h"

typedef struct {
    const pm_probe *pr;
    size_t n;
    pm_init_roles r;
    const char *config_dir;
    json_t *todo;
    pm_init_plan *plan;
    int has_ref, ref_lonlat;  /* the committees' coordinates: their centre as stored */
    double ref_x, ref_y;
    const char *unit_term, *parent_term;
    int com_code, com_name, com_parent, com_hh, com_pop;
    size_t parent_values;
    int population;           /* a population column was found somewhere */
    json_t *indicators;       /* "indicators": the recognised columns' ranges and labels */
    int oom;
} builder;

static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("(not UTF-8)");
}

static void todo(builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void todo(builder *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    pm_init_plan *p = b->plan;
    char **t = s ? realloc(p->todo, (p->ntodo + 1) * sizeof *t) : NULL;
    if (!t) { free(s); b->oom = 1; return; }
    p->todo = t;
    p->todo[p->ntodo++] = s;
    json_array_append_new(b->todo, jstr(s));
}

/* path relative to the folder dir (both made absolute); a copy of path if either
 * cannot be resolved. */
static char *rel_path(const char *dir, const char *path)
{
    char *a = realpath(dir, NULL), *f = realpath(path, NULL), *r = NULL;
    if (a && f) {
        size_t i = 0, cut = 0, ups = 0;
        while (a[i] && a[i] == f[i]) { if (a[i] == '/') cut = i + 1; i++; }
        const char *rest = f + cut;
        if (!a[i] && f[i] == '/') rest = f + i + 1;      /* dir holds path */
        else if (a[cut]) {                               /* up from dir to the fork */
            ups = 1;
            for (const char *q = a + cut; *q; q++) ups += *q == '/';
        }
        if ((r = malloc(3 * ups + strlen(rest) + 1)) != NULL) {
            r[0] = '\0';
            for (size_t k = 0; k < ups; k++) strcat(r, "../");
            strcat(r, rest);
        }
    }
    if (!r) r = pm_strdup(path);
    free(a);
    free(f);
    return r;
}

static json_t *path_json(builder *b, size_t i)
{
    char *r = rel_path(b->config_dir, b->pr[i].path);
    json_t *j = jstr(r);
    free(r);
    return j;
}

static const char *base(const builder *b, size_t i)
{
    return pm_path_basename(b->pr[i].path);
}

static void extent_text(char *buf, size_t len, int lonlat, double x0, double y0, double x1, double y1)
{
    if (lonlat) snprintf(buf, len, "lon %.4f–%.4f, lat %.4f–%.4f", x0, x1, y0, y1);
    else snprintf(buf, len, "x %.0f–%.0f, y %.0f–%.0f", x0, x1, y0, y1);
}

/* How far the centre of (x, y) lies from the committees', in km; -1 if not comparable. */
static double km_from_committees(const builder *b, int lonlat, double x, double y)
{
    if (!b->has_ref || lonlat != b->ref_lonlat) return -1;
    if (!lonlat) return hypot(x - b->ref_x, y - b->ref_y) / 1000.0;
    double kx = 111.32 * cos(b->ref_y * M_PI / 180);
    return hypot((x - b->ref_x) * kx, (y - b->ref_y) * 110.57);
}

/* The CRS of a source made of the files idx[0..k): nothing when the files declare a
 * usable one, else "crs" (a wrong claim) or "assume_crs" (none) and a todo. */
static void crs_advice(builder *b, json_t *src, const char *what, const char *key_path,
                       const size_t *idx, size_t k)
{
    const pm_probe *p = &b->pr[idx[0]];
    double x0 = p->minx, y0 = p->miny, x1 = p->maxx, y1 = p->maxy;
    int lonlat = 1, has = 0;
    for (size_t j = 0; j < k; j++) {
        const pm_probe *q = &b->pr[idx[j]];
        if (!q->has_extent) continue;
        if (!has) { x0 = q->minx; y0 = q->miny; x1 = q->maxx; y1 = q->maxy; }
        has = 1;
        lonlat &= q->lonlat;
        x0 = fmin(x0, q->minx); y0 = fmin(y0, q->miny); x1 = fmax(x1, q->maxx); y1 = fmax(y1, q->maxy);
    }
    if (!has) return;
    double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    char ext[160], files[64], near[160] = "";
    extent_text(ext, sizeof ext, lonlat, x0, y0, x1, y1);
    snprintf(files, sizeof files, k > 1 ? "the %zu files" : "the file", k);
    double km = km_from_committees(b, lonlat, cx, cy);
    if (km > 50) snprintf(near, sizeof near, "; %s %.0f km from the committees': a grid of "
                          "%s own, not the committees'", k > 1 ? "they lie" : "it lies", km,
                          k > 1 ? "their" : "its");
    else if (km >= 0 && !lonlat && strcmp(what, "committees"))
        snprintf(near, sizeof near, "; near the committees' coordinates: probably their CRS");
    int table = p->xfield >= 0, claimed = !table && p->crs_declared;
    if (claimed && (!p->crs_geographic || lonlat)) {
        if (km > 50) todo(b, "%s: %s lies %.0f km from the committees (%s): is its CRS (%s) right? "
                          "/ 与社区边界相距 %.0f 公里，坐标系是否正确？", what, base(b, idx[0]), km, ext,
                          p->crs ? p->crs : "declared", km);
        return;
    }
    const char *key = claimed ? "crs" : "assume_crs";
    if (lonlat && !claimed) {
        json_object_set_new(src, key, jstr("EPSG:4326"));
        todo(b, "%s: %s no CRS; the coordinates look like longitude/latitude (%s), so "
             "%s.assume_crs is EPSG:4326 — confirm / 没有坐标系，坐标像经纬度，已设为 "
             "EPSG:4326，请确认", what, k > 1 ? "the files have" : "the file has", ext, key_path);
        return;
    }
    char *v = pm_asprintf("FILL IN: %s real CRS (coordinates look like metres, e.g. x %.0f, "
                          "y %.0f)%s", k > 1 ? "the files'" : "the file's", cx, cy, near);
    json_object_set_new(src, key, jstr(v));
    free(v);
    todo(b, "%s: the CRS of %s must be set: %s, but the coordinates look like metres (%s)%s; "
         "put the real CRS (EPSG code, WKT or PROJ string) in %s.%s / 坐标系需要填写",
         what, files, !claimed ? "none is declared" : k > 1 ? "they say WGS 84" : "it says WGS 84",
         ext, near, key_path, key);
}

static void encoding_advice(builder *b, json_t *src, const char *what, size_t i)
{
    if (!b->pr[i].encoding) return;
    json_object_set_new(src, "encoding", jstr(b->pr[i].encoding));
    todo(b, "%s: the text of %s is not UTF-8 but reads as %s (no .cpg): encoding set to %s — "
         "confirm / 文字编码猜测为 %s，请确认", what, base(b, i), b->pr[i].encoding,
         b->pr[i].encoding, b->pr[i].encoding);
}

static void field_json(json_t *fields, const char *role, const pm_probe *p, int k)
{
    if (k >= 0) json_object_set_new(fields, role, jstr(p->fields[k].name));
}

/* Most common suffix of the n values among terms, if at least half have one. */
static const char *suffix_term(char *const *values, size_t n, const char *const *terms)
{
    size_t best = 0;
    const char *term = NULL;
    for (const char *const *t = terms; *t; t++) {
        size_t hits = 0, tl = strlen(*t);
        for (size_t i = 0; i < n; i++) {
            size_t vl = strlen(values[i]);
            hits += vl > tl && !strcmp(values[i] + vl - tl, *t);
        }
        if (hits > best) { best = hits; term = *t; }
    }
    return n && 2 * best >= n ? term : NULL;
}

static size_t kept_values(const pm_probe_field *f)
{
    return f->ndistinct < PM_PROBE_VALUES ? f->ndistinct : PM_PROBE_VALUES;
}

/* The parent column's values over every committee file (the first PM_PROBE_VALUES). */
static size_t parent_values(const builder *b, char **vals)
{
    const char *name = b->pr[b->r.com[0]].fields[b->com_parent].name;
    size_t nv = 0;
    for (size_t j = 0; j < b->r.ncom; j++) {
        const pm_probe *p = &b->pr[b->r.com[j]];
        const pm_probe_field *f = &p->fields[pm_probe_field_index(p, name)];
        for (size_t i = 0; i < kept_values(f) && nv < PM_PROBE_VALUES; i++) {
            size_t m = 0;
            while (m < nv && strcmp(vals[m], f->values[i])) m++;
            if (m == nv) vals[nv++] = f->values[i];
        }
    }
    return nv;
}

static void parent_note(builder *b)
{
    static const char *const parents[] = { "街道", "园区", "开发区", "新区", "镇", "乡", NULL };
    char *vals[PM_PROBE_VALUES], list[256] = "";
    size_t nv = parent_values(b, vals);
    b->parent_term = suffix_term(vals, nv, parents);
    for (size_t i = 0; i < nv && i < 3; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", vals[i]);
    const char *name = b->pr[b->r.com[0]].fields[b->com_parent].name;
    todo(b, "committees: parent field guessed: %s (%zu values: %s%s) — confirm / 上级单位字段猜测为 "
         "%s，请确认", name, b->parent_values, list, b->parent_values > 3 ? ", …" : "", name);
}

static void committees(builder *b, json_t *sources)
{
    static const char *const hh_hints[] = { "户数", "households", "hh", NULL };
    static const char *const pop_hints[] = { "人口", "人数", "population", "pop", NULL };
    static const char *const units[] = { "居民区", "居委会", "社区", "村委会", "村", NULL };
    json_t *src = json_object(), *fields = json_object();
    json_object_set_new(sources, "committees", src);
    if (!b->r.ncom) {
        json_object_set_new(src, "path", jstr("FILL IN: the committee boundaries (polygons)"));
        todo(b, "committees: no polygon file with a column of 12-digit codes was found: give the "
             "committee boundaries in sources.committees.path / 未找到社区边界（含12位代码的面）");
        return;
    }
    const pm_probe *p = &b->pr[b->r.com[0]];
    if (b->r.ncom > 1) {
        char *c = pm_asprintf("%zu files with the same fields, read as one layer", b->r.ncom);
        json_object_set_new(src, "_comment", jstr(c));
        free(c);
    }
    if (b->r.ncom == 1) json_object_set_new(src, "path", path_json(b, b->r.com[0]));
    else {
        json_t *a = json_array();
        for (size_t j = 0; j < b->r.ncom; j++) json_array_append_new(a, path_json(b, b->r.com[j]));
        json_object_set_new(src, "path", a);
    }
    encoding_advice(b, src, "committees", b->r.com[0]);
    crs_advice(b, src, "committees", "sources.committees", b->r.com, b->r.ncom);
    b->com_code = pm_init_code_field(p);
    b->com_name = pm_init_name_field(p, b->com_code);
    b->com_parent = pm_init_parent_field(b->pr, b->r.com, b->r.ncom, b->com_code, b->com_name,
                                         &b->parent_values);
    b->com_hh = pm_init_field_by_hint(p, hh_hints, 1);
    b->com_pop = pm_init_field_by_hint(p, pop_hints, 1);
    b->population |= b->com_pop >= 0;
    field_json(fields, "code", p, b->com_code);
    field_json(fields, "name", p, b->com_name);
    field_json(fields, "parent", p, b->com_parent);
    field_json(fields, "households", p, b->com_hh);
    field_json(fields, "population", p, b->com_pop);
    json_object_set_new(src, "fields", fields);
    if (b->com_name < 0)
        todo(b, "committees: no name column found: set sources.committees.fields.name / 未找到名称字段");
    if (b->com_name >= 0)
        b->unit_term = suffix_term(p->fields[b->com_name].values, kept_values(&p->fields[b->com_name]),
                                   units);
    if (b->com_parent >= 0) parent_note(b);
}

static void sites(builder *b, json_t *sources, const char *what, long i)
{
    static const char *const cat[] = { "类别", "类型", "分类", "category", "type", NULL };
    static const char *const partner[] = { "共建单位", "合作单位", "单位", "partner", NULL };
    static const char *const status[] = { "状态", "status", NULL };
    json_t *src = json_object();
    json_object_set_new(sources, what, src);
    if (i < 0) {
        char *v = pm_asprintf("FILL IN: the %s file (points)", what);
        json_object_set_new(src, "path", jstr(v));
        free(v);
        todo(b, "%s: no file found: give it in sources.%s.path / 未找到%s文件", what, what,
             strcmp(what, "platforms") ? "共建项目" : "党建平台");
        return;
    }
    const pm_probe *p = &b->pr[i];
    json_object_set_new(src, "path", path_json(b, (size_t)i));
    if (p->xfield >= 0) {
        json_object_set_new(src, "x", jstr(p->fields[p->xfield].name));
        json_object_set_new(src, "y", jstr(p->fields[p->yfield].name));
    }
    encoding_advice(b, src, what, (size_t)i);
    size_t one = (size_t)i;
    char key[32];
    snprintf(key, sizeof key, "sources.%s", what);
    crs_advice(b, src, what, key, &one, 1);
    json_t *fields = json_object();
    field_json(fields, "name", p, pm_init_name_field(p, -1));
    field_json(fields, "category", p, pm_init_field_by_hint(p, cat, 0));
    field_json(fields, "partner", p, pm_init_field_by_hint(p, partner, 0));
    field_json(fields, "status", p, pm_init_field_by_hint(p, status, 0));
    json_object_set_new(src, "fields", fields);
}

/* What init writes for a recognised evaluation column: its header as the label, and
 * the range partymap checks its values against (scores 0–100, counts from 0), for the
 * user to correct where the agency's scale differs. */
static json_t *indicator_meta(const char *ind, const char *header)
{
    int count = !strcmp(ind, "needs") || !strncmp(ind, "questionnaires", 14);
    json_t *o = json_object();
    json_object_set_new(o, "label", json_string(header));
    if (count) json_object_set_new(o, "min", json_integer(0));
    else json_object_set_new(o, "range", json_pack("[i, i]", 0, 100));
    return o;
}

/* Indicator columns of a table: "columns" unless every header is its indicator's own
 * name (the loader then takes them as they are). */
static json_t *columns(builder *b, const pm_probe *p, int code, int year, int want_scores,
                       json_t *src, unsigned *have)
{
    json_t *cols = json_object(), *left = json_array();
    int identity = 1;
    for (size_t k = 0; k < p->nfields; k++) {
        const pm_probe_field *f = &p->fields[k];
        if ((int)k == code || (int)k == year) continue;
        const char *ind = pm_init_indicator_of(f->name);
        int numeric = f->nonempty && f->numeric >= 0.9 * f->nonempty;
        int score = ind && strcmp(ind, "population") && strcmp(ind, "households");
        if (ind && numeric && (want_scores || !score) && !json_object_get(cols, ind)) {
            json_object_set_new(cols, ind, jstr(f->name));
            if (score && b->indicators && !json_object_get(b->indicators, ind))
                json_object_set_new(b->indicators, ind, indicator_meta(ind, f->name));
            identity &= strcmp(ind, f->name) == 0;
            if (!strcmp(ind, "population")) b->population = 1;
            if (!strcmp(ind, "service")) *have |= 1;
            if (!strcmp(ind, "satisfaction")) *have |= 2;
            if (!strcmp(ind, "workforce")) *have |= 4;
        } else {
            identity = 0;
            if (numeric) json_array_append_new(left, jstr(f->name));
        }
    }
    if (json_array_size(left)) json_object_set_new(src, "_unmapped", left);
    else json_decref(left);
    if (identity) { json_decref(cols); return NULL; }
    return cols;
}

static unsigned table(builder *b, json_t *sources, const char *what, long i, int *years)
{
    unsigned have = 0;
    *years = 0;
    json_t *src = json_object();
    if (i < 0) {
        if (!strcmp(what, "statistics")) { json_decref(src); return 0; }
        json_object_set_new(sources, what, src);
        json_object_set_new(src, "path", jstr("FILL IN: the evaluation table (code, year, indicators)"));
        todo(b, "evaluations: no table with 12-digit codes and indicator columns was found / "
             "未找到测评表");
        return 0;
    }
    json_object_set_new(sources, what, src);
    const pm_probe *p = &b->pr[i];
    json_object_set_new(src, "path", path_json(b, (size_t)i));
    encoding_advice(b, src, what, (size_t)i);
    int code = pm_init_code_field(p), year = pm_init_year_field(p, code);
    json_t *fields = json_object();
    field_json(fields, "code", p, code);
    field_json(fields, "year", p, year);
    json_object_set_new(src, "fields", fields);
    if (year >= 0) *years = (int)p->fields[year].ndistinct;
    else if (!strcmp(what, "evaluations"))
        todo(b, "evaluations: no year column found in %s: set sources.evaluations.fields.year / "
             "未找到年份字段", base(b, (size_t)i));
    json_t *cols = columns(b, p, code, year, !strcmp(what, "evaluations"), src, &have);
    if (cols) json_object_set_new(src, "columns", cols);
    return have;
}

static void context(builder *b, json_t *sources)
{
    json_t *list = json_array();
    for (size_t i = 0; i < b->n; i++) {
        pm_init_role r = b->r.role[i];
        if (r != PM_INIT_AREA && r != PM_INIT_RIVER && r != PM_INIT_ROAD) continue;
        const char *role = r == PM_INIT_AREA ? "area" : r == PM_INIT_RIVER ? "river" : "road";
        json_t *src = json_object();
        json_object_set_new(src, "role", jstr(role));
        json_object_set_new(src, "path", path_json(b, i));
        encoding_advice(b, src, "context", i);
        char what[64], key[48];
        snprintf(what, sizeof what, "context (%s)", base(b, i));
        snprintf(key, sizeof key, "sources.context[%zu]", json_array_size(list));
        crs_advice(b, src, what, key, &i, 1);
        int fn = pm_init_name_field(&b->pr[i], -1);
        if (fn >= 0 && strcmp(b->pr[i].fields[fn].name, "name")) {
            json_t *f = json_object();
            field_json(f, "name", &b->pr[i], fn);
            json_object_set_new(src, "fields", f);
        }
        json_array_append_new(list, src);
    }
    if (json_array_size(list)) json_object_set_new(sources, "context", list);
    else json_decref(list);
}

/* The area's name from a platform called "<area>党群服务中心" that is not a parent's. */
static char *area_name(builder *b)
{
    static const char *const ends[] = { "街道", "园区", "开发区", "新区", "镇", "乡", NULL };
    static const char *const centre = "党群服务中心";
    if (b->r.platforms < 0) return NULL;
    const pm_probe *p = &b->pr[b->r.platforms];
    int fn = pm_init_name_field(p, -1);
    const pm_probe_field *par = b->com_parent >= 0 ? &b->pr[b->r.com[0]].fields[b->com_parent] : NULL;
    for (size_t i = 0; fn >= 0 && i < p->fields[fn].ndistinct && i < PM_PROBE_VALUES; i++) {
        const char *v = p->fields[fn].values[i];
        size_t n = strlen(v), cl = strlen(centre);
        if (n <= cl || strcmp(v + n - cl, centre)) continue;
        char *name = pm_asprintf("%.*s", (int)(n - cl), v);
        int ok = name != NULL, is_parent = 0, has_end = 0;
        for (const char *const *e = ends; ok && *e; e++) {
            size_t el = strlen(*e), nl = strlen(name);
            has_end |= nl > el && !strcmp(name + nl - el, *e);
        }
        for (size_t k = 0; ok && par && k < par->ndistinct && k < PM_PROBE_VALUES; k++)
            is_parent |= !strcmp(par->values[k], name);
        if (ok && has_end && !is_parent) return name;
        free(name);
    }
    return NULL;
}

/* The print CRS: CGCS2000 3-degree Gauss-Kruger for the central meridian nearest the
 * data (EPSG:4534 is 75E ... 4554 is 135E), from a lon/lat layer if there is one. */
static char *print_crs(const builder *b)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < b->n; i++) {
            const pm_probe *p = &b->pr[i];
            if (!p->lonlat || (pass == 0 && b->r.role[i] != PM_INIT_COMMITTEES)) continue;
            int cm = 3 * (int)lround((p->minx + p->maxx) / 6);
            if (cm >= 75 && cm <= 135) return pm_asprintf("EPSG:%d", 4534 + (cm - 75) / 3);
        }
    return pm_strdup("EPSG:4549");
}

static void set_reference(builder *b)
{
    for (size_t j = 0; j < b->r.ncom; j++) {
        const pm_probe *p = &b->pr[b->r.com[j]];
        if (!p->has_extent) continue;
        b->ref_x = (p->minx + p->maxx) / 2; /* the first file's centre is near enough */
        b->ref_y = (p->miny + p->maxy) / 2;
        b->ref_lonlat = p->lonlat;
        b->has_ref = 1;
        return;
    }
}

static const char *role_text(pm_init_role r)
{
    static const char *const t[] = { "not used", "committees", "platforms", "projects",
                                     "evaluations", "statistics", "context: area",
                                     "context: river", "context: road" };
    return t[r];
}

static pm_status found_lines(builder *b, const char *dir)
{
    static const char *const kinds[] = { "rows", "points", "lines", "polygons" };
    static const char *const kind1[] = { "row", "point", "line", "polygon" };
    pm_init_plan *p = b->plan;
    p->found = calloc(b->n + 1, sizeof *p->found);
    if (!p->found) return PM_ENOMEM;
    for (size_t i = 0; i < b->n; i++) {
        const pm_probe *q = &b->pr[i];
        char *rel = rel_path(dir, q->path);
        const char *kind = q->nrows == 1 ? kind1[q->kind] : kinds[q->kind];
        if (q->kind == PM_PROBE_POINTS && q->xfield >= 0) kind = "rows with points (x, y)";
        char multi[48] = "";
        if (q->multi) snprintf(multi, sizeof multi, " (%zu with several parts)", q->multi);
        p->found[i] = b->r.role[i] == PM_INIT_UNUSED
            ? pm_asprintf("%s: %zu %s%s: not used (%s)", rel ? rel : q->path, q->nrows, kind, multi,
                          b->r.why[i])
            : pm_asprintf("%s: %zu %s%s: %s", rel ? rel : q->path, q->nrows, kind, multi,
                          role_text(b->r.role[i]));
        free(rel);
        if (!p->found[i]) return PM_ENOMEM;
        p->nfound++;
    }
    return PM_OK;
}

static void maps(builder *b, json_t *root, unsigned have, int years)
{
    static const struct { const char *id, *why; unsigned need; } m[] = {
        { "service", "no service column (服务/能效) in the evaluation table", 1 },
        { "satisfaction", "no satisfaction column (满意度) in the evaluation table", 2 },
        { "workforce", "no workforce column (队伍) in the evaluation table", 4 },
        { "progress", "it needs the service column and two years or more", 1 },
        { "resources", "it needs the projects and a population column", 0 },
    };
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
        int ok = (have & m[i].need) == m[i].need;
        if (!strcmp(m[i].id, "progress")) ok = ok && years >= 2;
        if (!strcmp(m[i].id, "resources")) ok = b->r.projects >= 0 && b->population;
        if (ok) json_array_append_new(list, jstr(m[i].id));
        else todo(b, "maps: %s left out: %s / 缺少数据，未加入该专题图", m[i].id, m[i].why);
    }
    if (!json_array_size(list)) json_array_append_new(list, jstr("service"));
    pm_init_plan *p = b->plan;
    p->maps = calloc(json_array_size(list) + 1, sizeof *p->maps);
    for (size_t i = 0; p->maps && i < json_array_size(list); i++)
        if ((p->maps[p->nmaps] = pm_strdup(json_string_value(json_array_get(list, i)))) != NULL)
            p->nmaps++;
    if (!p->maps) b->oom = 1;
    json_object_set_new(root, "maps", list);
}

static void name_and_terms(builder *b, json_t *root, const char *dir)
{
    char *name = area_name(b);
    if (!name) {
        char *abs = realpath(dir, NULL);
        name = pm_strdup(pm_path_basename(abs ? abs : dir));
        free(abs);
        todo(b, "name: the folder's name \"%s\" stands in for the area's name: put the area's name "
             "(e.g. 长寿路街道) in \"name\" / 请填写地区名称", name ? name : "");
    }
    json_object_set_new(root, "name", jstr(name));
    if (b->com_parent >= 0 || (b->unit_term && strcmp(b->unit_term, "居民区"))) {
        json_t *t = json_object();
        if (b->unit_term) json_object_set_new(t, "unit", jstr(b->unit_term));
        if (b->parent_term) json_object_set_new(t, "parent", jstr(b->parent_term));
        json_object_set_new(t, "area", jstr(name));
        json_object_set_new(root, "terms", t);
    }
    free(name);
}

static pm_status build(builder *b, const char *dir)
{
    json_t *root = json_object(), *sources = json_object();
    char *c = pm_asprintf("Written by partymap init from the files in %s: check the \"_todo\" list, "
                          "then partymap check -c THIS_FILE and partymap render -c THIS_FILE. Keys "
                          "starting with _ are notes, ignored by partymap. Paths are relative to this "
                          "file.", dir);
    json_object_set_new(root, "_comment", jstr(c));
    free(c);
    json_object_set(root, "_todo", b->todo);
    set_reference(b);
    committees(b, sources);
    int years = 0, syears = 0;
    table(b, sources, "statistics", b->r.statistics, &syears);
    sites(b, sources, "platforms", b->r.platforms);
    sites(b, sources, "projects", b->r.projects);
    unsigned have = table(b, sources, "evaluations", b->r.evaluations, &years);
    context(b, sources);
    if (!b->population)
        todo(b, "population: no population column (人口) in the committees, a statistics table or "
             "the evaluation table / 未找到人口数据");
    name_and_terms(b, root, dir);
    json_object_set_new(root, "sources", sources);
    if (b->indicators && json_object_size(b->indicators)) json_object_set(root, "indicators", b->indicators);
    char *pc = print_crs(b);
    json_object_set_new(root, "print", json_pack("{s:o}", "crs", jstr(pc)));
    free(pc);
    maps(b, root, have, years);
    json_object_set_new(root, "styles", jstr("styles"));
    json_object_set_new(root, "output", jstr("out"));
    b->plan->config = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!b->plan->config || b->oom) return PM_ENOMEM;
    return found_lines(b, dir);
}

pm_status pm_init_guess(const pm_probe *probes, size_t n, const char *config_dir, const char *dir,
                        pm_init_plan *out)
{
    memset(out, 0, sizeof *out);
    builder b = { .pr = probes, .n = n, .config_dir = config_dir, .plan = out,
                  .com_code = -1, .com_name = -1, .com_parent = -1, .com_hh = -1, .com_pop = -1 };
    b.todo = json_array();
    b.indicators = json_object();
    pm_status st = b.todo && b.indicators ? pm_init_roles_guess(probes, n, &b.r) : PM_ENOMEM;
    if (!st) st = build(&b, dir);
    json_decref(b.todo);
    json_decref(b.indicators);
    pm_init_roles_fini(&b.r);
    return st;
}

void pm_init_plan_fini(pm_init_plan *p)
{
    if (!p) return;
    free(p->config);
    for (size_t i = 0; i < p->nfound; i++) free(p->found[i]);
    free(p->found);
    for (size_t i = 0; i < p->ntodo; i++) free(p->todo[i]);
    free(p->todo);
    for (size_t i = 0; i < p->nmaps; i++) free(p->maps[i]);
    free(p->maps);
    memset(p, 0, sizeof *p);
}
