/* File probing for partymap init: geometry and CRS through OGR, attributes through the
 * same reader the loaders use (so a guessed encoding is one that reader accepts). */
#include "data/probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "core/fileio.h"
#include "data/config.h"
#include "data/vector.h"

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int parse_number(const char *t, double *v)
{
    char *end;
    while (isspace((unsigned char)*t)) t++;
    *v = strtod(t, &end);
    while (isspace((unsigned char)*end)) end++;
    return end != t && *end == '\0' && isfinite(*v);
}

/* 12 digits, optionally followed by ".0" (a code read from a float column). */
static int is_code12(const char *t)
{
    while (isspace((unsigned char)*t)) t++;
    size_t n = 0;
    while (isdigit((unsigned char)t[n])) n++;
    const char *rest = t + n;
    if (*rest == '.') { rest++; while (*rest == '0') rest++; }
    while (isspace((unsigned char)*rest)) rest++;
    return n == 12 && *rest == '\0';
}

/* 1 if the UTF-8 text holds a CJK unified ideograph (U+4E00..U+9FFF). */
static int has_cjk(const char *t)
{
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (p[0] >= 0xe4 && p[0] <= 0xe9 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
            return 1;
    return 0;
}

static pm_status note_value(pm_probe_field *f, const char *v)
{
    double d;
    f->nonempty++;
    if (parse_number(v, &d)) {
        if (f->numeric++ == 0) f->min = f->max = d;
        if (d < f->min) f->min = d;
        if (d > f->max) f->max = d;
        if (d == floor(d) && d >= 1990 && d <= 2100) f->year++;
    }
    if (is_code12(v)) f->code12++;
    if (has_cjk(v)) f->cjk++;
    if (f->ndistinct > PM_PROBE_VALUES) return PM_OK;
    for (size_t i = 0; i < f->ndistinct && i < PM_PROBE_VALUES; i++)
        if (strcmp(f->values[i], v) == 0) return PM_OK;
    if (f->ndistinct++ == PM_PROBE_VALUES) return PM_OK; /* one more: "more than kept" */
    return (f->values[f->ndistinct - 1] = pm_strdup(v)) ? PM_OK : PM_ENOMEM;
}

static pm_status field_stats(pm_probe *p, const pm_vlayer *l)
{
    p->fields = calloc(l->nfields + 1, sizeof *p->fields);
    if (!p->fields) return PM_ENOMEM;
    for (size_t k = 0; k < l->nfields; k++) {
        pm_probe_field *f = &p->fields[p->nfields++];
        f->values = calloc(PM_PROBE_VALUES, sizeof *f->values);
        f->name = pm_strdup(l->fields[k]);
        if (!f->values || !f->name) return PM_ENOMEM;
        for (size_t r = 0; r < l->n; r++) {
            const char *v = l->feats[r].attrs[k];
            if (v && *v && note_value(f, v) != PM_OK) return PM_ENOMEM;
        }
    }
    p->nrows = l->n;
    return PM_OK;
}

/* Reads the attributes as the loaders would, as UTF-8 and else as GBK. */
static pm_status read_attributes(pm_probe *p, char **why)
{
    static const char *const tries[] = { NULL, "GBK" };
    pm_status st = PM_EDATA;
    for (size_t t = 0; t < 2 && st == PM_EDATA; t++) {
        if (t == 1 && p->has_cpg) break; /* a declared encoding that fails is the file's fault */
        pm_source src = { 0 };
        src.path = p->path;
        src.encoding = (char *)tries[t];
        pm_diag d;
        pm_diag_init(&d);
        pm_vlayer l;
        st = pm_vlayer_read(&src, PM_READ_TABLE, &d, &l);
        if (st == PM_OK) {
            st = field_stats(p, &l);
            if (!st && tries[t] && !(p->encoding = pm_strdup(tries[t]))) st = PM_ENOMEM;
        } else if (st == PM_EDATA && t == 0 && d.count) {
            free(*why);
            *why = pm_problem_format(&d.items[0]);
        }
        pm_vlayer_fini(&l);
        pm_diag_fini(&d);
    }
    return st;
}

static void add_extent(pm_probe *p, double x0, double y0, double x1, double y1)
{
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1)) return;
    if (!p->has_extent) { p->minx = x0; p->miny = y0; p->maxx = x1; p->maxy = y1; }
    p->has_extent = 1;
    if (x0 < p->minx) p->minx = x0;
    if (y0 < p->miny) p->miny = y0;
    if (x1 > p->maxx) p->maxx = x1;
    if (y1 > p->maxy) p->maxy = y1;
}

static void declared_crs(pm_probe *p, OGRLayerH lyr)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    if (!srs) return;
    p->crs_declared = 1;
    p->crs_geographic = OSRIsGeographic(srs);
    const char *auth = OSRGetAuthorityName(srs, NULL), *code = OSRGetAuthorityCode(srs, NULL);
    if (auth && code) p->crs = pm_asprintf("%s:%s", auth, code);
    else if (OSRGetName(srs)) p->crs = pm_strdup(OSRGetName(srs));
}

/* Geometry kind by majority, parts, extent and CRS of the first layer. */
static int read_geometry(pm_probe *p, char **why)
{
    GDALDatasetH ds = GDALOpenEx(p->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        const char *m = CPLGetLastErrorMsg();
        free(*why);
        *why = pm_asprintf("not a vector file or table GDAL reads%s%s", *m ? ": " : "", m);
        return 0;
    }
    p->driver = pm_strdup(GDALGetDriverShortName(GDALGetDatasetDriver(ds)));
    OGRLayerH lyr = GDALDatasetGetLayerCount(ds) > 0 ? GDALDatasetGetLayer(ds, 0) : NULL;
    size_t count[4] = { 0, 0, 0, 0 };
    if (lyr) {
        declared_crs(p, lyr);
        OGR_L_ResetReading(lyr);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            if (g && !OGR_G_IsEmpty(g)) {
                OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
                int k = t == wkbPoint || t == wkbMultiPoint ? PM_PROBE_POINTS
                      : t == wkbLineString || t == wkbMultiLineString ? PM_PROBE_LINES
                      : t == wkbPolygon || t == wkbMultiPolygon ? PM_PROBE_POLYGONS : PM_PROBE_TABLE;
                count[k]++;
                if ((t == wkbMultiPolygon || t == wkbMultiLineString) && OGR_G_GetGeometryCount(g) > 1)
                    p->multi++;
                OGREnvelope e;
                OGR_G_GetEnvelope(g, &e);
                add_extent(p, e.MinX, e.MinY, e.MaxX, e.MaxY);
            }
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
    p->kind = PM_PROBE_TABLE;
    for (int k = PM_PROBE_POINTS; k <= PM_PROBE_POLYGONS; k++)
        if (count[k] > count[p->kind]) p->kind = (pm_probe_kind)k;
    if (p->kind == PM_PROBE_TABLE) p->crs_declared = p->crs_geographic = 0;
    return 1;
}

/* A table's point columns: the first pair of names that says x/y and holds numbers. */
static void point_columns(pm_probe *p)
{
    static const char *const pairs[][2] = {
        { "x", "y" }, { "lon", "lat" }, { "lng", "lat" }, { "longitude", "latitude" },
        { "经度", "纬度" }, { "x坐标", "y坐标" }, { "横坐标", "纵坐标" }, { "东坐标", "北坐标" },
        { "point_x", "point_y" },
    };
    p->xfield = p->yfield = -1;
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs && p->xfield < 0; i++) {
        int xi = -1, yi = -1;
        for (size_t k = 0; k < p->nfields; k++) {
            if (!strcasecmp(p->fields[k].name, pairs[i][0])) xi = (int)k;
            if (!strcasecmp(p->fields[k].name, pairs[i][1])) yi = (int)k;
        }
        if (xi < 0 || yi < 0) continue;
        const pm_probe_field *x = &p->fields[xi], *y = &p->fields[yi];
        if (!x->numeric || x->numeric < 0.9 * x->nonempty || y->numeric < 0.9 * y->nonempty) continue;
        p->xfield = xi;
        p->yfield = yi;
        p->kind = PM_PROBE_POINTS;
        add_extent(p, x->min, y->min, x->max, y->max);
    }
}

static int has_cpg(const char *path)
{
    size_t n = strlen(path);
    if (n < 4 || !(ends_with(path, ".shp") || ends_with(path, ".dbf"))) return 0;
    int found = 0;
    for (int i = 0; i < 2 && !found; i++) {
        char *c = pm_asprintf("%.*s%s", (int)(n - 4), path, i ? ".CPG" : ".cpg");
        found = c && pm_path_exists(c);
        free(c);
    }
    return found;
}

pm_status pm_probe_file(const char *path, pm_probe *out, char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    out->xfield = out->yfield = -1;
    if (!(out->path = pm_strdup(path))) return PM_ENOMEM;
    out->has_cpg = has_cpg(path);
    pm_vector_init();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    int ok = read_geometry(out, why);
    CPLPopErrorHandler();
    if (!ok) return PM_EDATA;
    pm_status st = read_attributes(out, why);
    if (st == PM_EDATA && !*why) *why = pm_strdup("its attributes cannot be read");
    if (st) return st;
    free(*why);
    *why = NULL;
    if (out->kind == PM_PROBE_TABLE) point_columns(out);
    out->lonlat = out->has_extent && fabs(out->minx) <= 180 && fabs(out->maxx) <= 180
                  && fabs(out->miny) <= 90 && fabs(out->maxy) <= 90;
    return PM_OK;
}

void pm_probe_fini(pm_probe *p)
{
    if (!p) return;
    for (size_t k = 0; k < p->nfields; k++) {
        for (size_t i = 0; i < p->fields[k].ndistinct && i < PM_PROBE_VALUES; i++)
            free(p->fields[k].values[i]);
        free(p->fields[k].values);
        free(p->fields[k].name);
    }
    free(p->fields);
    free(p->path);
    free(p->driver);
    free(p->encoding);
    free(p->crs);
    memset(p, 0, sizeof *p);
}

int pm_probe_field_index(const pm_probe *p, const char *name)
{
    for (size_t k = 0; name && k < p->nfields; k++)
        if (strcmp(p->fields[k].name, name) == 0) return (int)k;
    return -1;
}

/* ---- listing ---- */

typedef struct {
    char **paths;
    size_t n, cap;
} list;

static int data_extension(const char *name)
{
    static const char *const exts[] = { ".shp", ".dbf", ".geojson", ".json", ".gpkg", ".kml",
                                        ".gml", ".csv", ".tsv", ".xlsx", NULL };
    for (const char *const *e = exts; *e; e++)
        if (ends_with(name, *e)) return 1;
    return 0;
}

/* A .dbf beside a .shp of the same name is part of that shapefile. */
static int shapefile_part(const char *path)
{
    size_t n = strlen(path);
    if (!ends_with(path, ".dbf")) return 0;
    int found = 0;
    for (int i = 0; i < 2 && !found; i++) {
        char *s = pm_asprintf("%.*s%s", (int)(n - 4), path, i ? ".SHP" : ".shp");
        found = s && pm_path_exists(s);
        free(s);
    }
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static pm_status walk(const char *dir, int depth, list *l, char **err)
{
    DIR *d = opendir(dir);
    if (!d) {
        *err = pm_asprintf("cannot read the folder %s: %s", dir, strerror(errno));
        return PM_EIO;
    }
    pm_status st = PM_OK;
    struct dirent *e;
    while (!st && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (n[0] == '.' || !strcmp(n, "out") || !strcmp(n, "styles") || !strcmp(n, "node_modules"))
            continue;
        char *p = pm_path_join(dir, n);
        struct stat sb;
        if (!p) { st = PM_ENOMEM; break; }
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            if (depth < 8) st = walk(p, depth + 1, l, err);
            free(p);
            continue;
        }
        if (!S_ISREG(sb.st_mode) || !data_extension(n) || shapefile_part(p)) { free(p); continue; }
        st = pm_grow((void **)&l->paths, &l->cap, l->n + 1, sizeof *l->paths);
        if (st) { free(p); break; }
        l->paths[l->n++] = p;
    }
    closedir(d);
    return st;
}

pm_status pm_probe_list(const char *dir, char ***paths, size_t *n, char **err)
{
    list l = { 0 };
    *paths = NULL;
    *n = 0;
    *err = NULL;
    pm_status st = walk(dir, 0, &l, err);
    if (st) {
        for (size_t i = 0; i < l.n; i++) free(l.paths[i]);
        free(l.paths);
        return st;
    }
    if (l.n) qsort(l.paths, l.n, sizeof *l.paths, cmp_str);
    *paths = l.paths;
    *n = l.n;
    return PM_OK;
}
