/* OGR reading: open, decode attributes, check and reproject geometry to WGS 84. */
#include "data/vector.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "core/fileio.h"
#include "data/sheet.h"
#include "geo/gcj02.h"
#include "geo/proj.h"

#define MAX_FEATURES 5000000L
#define MAX_FIELDS 4096

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;
static void gdal_register(void) { GDALAllRegister(); }
void pm_vector_init(void) { pthread_once(&gdal_once, gdal_register); }

typedef struct {
    const pm_source *src;
    pm_diag *diag;
    pm_vlayer *out;
    iconv_t cd;            /* (iconv_t)-1 when text must already be UTF-8 */
    const char *enc;       /* encoding in use, for messages, or NULL */
    char enc_buf[96];
    pm_proj *proj;         /* to WGS 84, NULL if identity */
    int geographic;        /* source CRS is lon/lat */
    int is_csv;
    int is_xlsx;
    size_t bad_text;       /* features refused for their text */
    size_t impossible;     /* features with coordinates impossible for the CRS */
    pm_bbox bad_box;       /* their raw coordinates */
    char *crs;             /* the CRS read in (owned) */
    const char *crs_origin;
} reader;

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int utf8_valid(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s++;
        int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (n < 0 || (n == 1 && c < 0xc2)) return 0;
        for (int i = 0; i < n; i++, s++)
            if ((*s & 0xc0) != 0x80) return 0;
    }
    return 1;
}

/* The encoding named by a shapefile's .cpg (new string), or NULL if there is none. */
static char *read_cpg(const char *shp)
{
    static const char *const exts[] = { ".cpg", ".CPG" };
    size_t n = strlen(shp);
    if (n < 4) return NULL;
    for (int i = 0; i < 2; i++) {
        char *p = pm_asprintf("%.*s%s", (int)(n - 4), shp, exts[i]);
        char *text = NULL;
        if (p && pm_read_file(p, 256, &text, NULL, NULL) == PM_OK) {
            free(p);
            char *s = text, *e;
            while (isspace((unsigned char)*s)) s++;
            if (strncasecmp(s, "ANSI ", 5) == 0) s += 5;
            for (e = s; *e && !isspace((unsigned char)*e); e++) {}
            *e = '\0';
            char *r = NULL;
            if (!*s) r = NULL;
            else if (strcmp(s, "65001") == 0) r = pm_strdup("UTF-8");
            else if (isdigit((unsigned char)*s)) r = pm_asprintf("CP%s", s);
            else r = pm_strdup(s);
            free(text);
            return r;
        }
        free(p);
    }
    return NULL;
}

static int is_utf8_name(const char *e)
{
    return !strcasecmp(e, "UTF-8") || !strcasecmp(e, "UTF8");
}

/* Decodes raw attribute bytes to a new UTF-8 string; NULL with *bad set when the
 * text is not valid in the encoding. */
static char *decode(reader *r, const char *raw, int *bad)
{
    *bad = 0;
    if (r->cd == (iconv_t)-1) {
        if (!utf8_valid((const unsigned char *)raw)) { *bad = 1; return NULL; }
        return pm_strdup(raw);
    }
    size_t inlen = strlen(raw), cap = inlen * 4 + 1, outlen = cap - 1;
    char *buf = malloc(cap), *in = (char *)raw, *outp = buf;
    if (!buf) return NULL;
    iconv(r->cd, NULL, NULL, NULL, NULL);
    if (iconv(r->cd, &in, &inlen, &outp, &outlen) == (size_t)-1) {
        free(buf);
        *bad = 1;
        return NULL;
    }
    *outp = '\0';
    return buf;
}

static void problem(reader *r, const pm_vfeature *f, const char *id, const char *field,
                    const char *msg)
{
    char *where = f ? pm_vfeature_where(r->out, f, id) : NULL;
    pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, where, field, "%s", msg);
    free(where);
}

static pm_status read_attrs(reader *r, OGRFeatureH hf, pm_vfeature *f)
{
    size_t nf = r->out->nfields;
    f->attrs = calloc(nf ? nf : 1, sizeof *f->attrs);
    if (!f->attrs) return PM_ENOMEM;
    for (size_t i = 0; i < nf; i++) {
        if (!OGR_F_IsFieldSetAndNotNull(hf, (int)i)) continue;
        const char *raw = OGR_F_GetFieldAsString(hf, (int)i);
        if (!raw || !*raw) continue;
        int bad = 0;
        f->attrs[i] = decode(r, raw, &bad);
        if (bad) {
            /* UTF-8 declared or assumed: Chinese DBFs are nearly always GBK */
            char *msg = r->enc && r->cd != (iconv_t)-1
                ? pm_asprintf("text is not valid %s (is the encoding setting right?)", r->enc)
                : r->enc ? pm_asprintf("not valid UTF-8 although the encoding is %s (is the DBF "
                                       "GBK-encoded? set encoding: GBK)", r->enc)
                         : pm_strdup("not valid UTF-8 (is the DBF GBK-encoded? set encoding: GBK)");
            if (r->bad_text++ < 20) problem(r, f, NULL, r->out->fields[i], msg ? msg : "bad text");
            free(msg);
        } else if (!f->attrs[i]) {
            return PM_ENOMEM;
        }
    }
    return PM_OK;
}

/* Appends the vertices of a simple curve (line or ring) to g as one ring. */
static pm_status add_curve(pm_geom *g, OGRGeometryH c, int hole)
{
    int n = OGR_G_GetPointCount(c);
    if (n <= 0) return PM_OK;
    pm_status st = pm_geom_begin_ring(g, hole);
    for (int i = 0; !st && i < n; i++) {
        pm_pt p = { OGR_G_GetX(c, i), OGR_G_GetY(c, i) };
        st = pm_geom_add_pt(g, p);
    }
    return st;
}

static pm_status add_polygon(pm_geom *g, OGRGeometryH poly)
{
    pm_status st = PM_OK;
    int n = OGR_G_GetGeometryCount(poly);
    for (int i = 0; !st && i < n; i++)
        st = add_curve(g, OGR_G_GetGeometryRef(poly, i), i > 0);
    return st;
}

/* Collects the parts of geometry h (any nesting of collections) of one kind. */
static pm_status collect(pm_geom *g, OGRGeometryH h)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(h));
    switch (t) {
    case wkbPoint:
        if (g->kind != PM_GEOM_POINT) return PM_EDATA;
        return add_curve(g, h, 0);
    case wkbLineString:
    case wkbLinearRing:
        if (g->kind != PM_GEOM_LINE) return PM_EDATA;
        return add_curve(g, h, 0);
    case wkbPolygon:
        if (g->kind != PM_GEOM_POLYGON) return PM_EDATA;
        return add_polygon(g, h);
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
        pm_status st = PM_OK;
        for (int i = 0; !st && i < OGR_G_GetGeometryCount(h); i++)
            st = collect(g, OGR_G_GetGeometryRef(h, i));
        return st;
    }
    default:
        return PM_EDATA;
    }
}

static pm_geom_kind kind_of(OGRGeometryH h)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(h));
    if (t == wkbGeometryCollection && OGR_G_GetGeometryCount(h) > 0)
        return kind_of(OGR_G_GetGeometryRef(h, 0));
    if (t == wkbPoint || t == wkbMultiPoint) return PM_GEOM_POINT;
    if (t == wkbLineString || t == wkbMultiLineString) return PM_GEOM_LINE;
    if (t == wkbPolygon || t == wkbMultiPolygon) return PM_GEOM_POLYGON;
    return 0;
}

/* A feature whose coordinates the CRS cannot hold: counted, reported once per file. */
static int impossible(reader *r, const pm_geom *g)
{
    r->impossible++;
    pm_bbox_union(&r->bad_box, &g->bbox);
    return 0;
}

/* Checks raw coordinates against the source CRS, then reprojects to WGS 84. */
static int check_and_project(reader *r, pm_vfeature *f)
{
    pm_geom *g = &f->geom;
    for (size_t i = 0; i < g->npts; i++) {
        pm_pt p = g->pts[i];
        if (!isfinite(p.x) || !isfinite(p.y)) {
            problem(r, f, NULL, "geometry", "coordinates are not finite numbers");
            return 0;
        }
        if (r->geographic && (fabs(p.x) > 180 || fabs(p.y) > 90)) return impossible(r, g);
    }
    if (r->proj) {
        pm_bbox raw = g->bbox;
        if (pm_proj_geom(r->proj, g) != PM_OK) {
            g->bbox = raw;
            return impossible(r, g);
        }
    }
    if (r->src->gcj02) { /* lon/lat of Chinese web maps: undo the GCJ-02 offset */
        for (size_t i = 0; i < g->npts; i++) g->pts[i] = pm_gcj02_to_wgs84(g->pts[i]);
        pm_geom_update_bbox(g);
    }
    return 1;
}

static pm_status read_geom(reader *r, OGRFeatureH hf, pm_vfeature *f)
{
    OGRGeometryH h = OGR_F_GetGeometryRef(hf);
    if (!h || OGR_G_IsEmpty(h)) return PM_OK; /* callers decide whether that is an error */
    OGRGeometryH lin = NULL, fixed = NULL;
    if (OGR_GT_IsNonLinear(OGR_G_GetGeometryType(h))) h = lin = OGR_G_GetLinearGeometry(h, 0, NULL);
    pm_status st = PM_OK;
    pm_geom_kind k = h ? kind_of(h) : 0;
    if (k == PM_GEOM_POLYGON && !OGR_G_IsValid(h)) {
        /* strict: refuse; else repair with GEOS (through OGR) and say so */
        fixed = r->src->strict ? NULL : OGR_G_MakeValid(h);
        char *m = r->src->strict
            ? pm_strdup("invalid polygon (self-intersecting or badly nested rings); refused "
                        "because the config says \"strict\": true")
            : pm_asprintf("invalid polygon repaired (make-valid)%s", fixed ? "" : " failed");
        char *where = pm_vfeature_where(r->out, f, NULL);
        pm_diag_add(r->diag, fixed ? PM_SEV_WARNING : PM_SEV_ERROR, r->out->file, where,
                    "geometry", "%s", m ? m : "invalid polygon");
        free(where);
        free(m);
        if (fixed) h = fixed;
    }
    if (!k) {
        problem(r, f, NULL, "geometry", "unsupported geometry type");
    } else {
        pm_geom_init(&f->geom, k);
        st = collect(&f->geom, h);
        if (st == PM_EDATA) { /* a collection mixing kinds: keep what matches */
            st = PM_OK;
        }
        pm_geom_finish(&f->geom);
        if (!st && !check_and_project(r, f)) {
            pm_geom_fini(&f->geom);
            memset(&f->geom, 0, sizeof f->geom);
        }
    }
    if (lin) OGR_G_DestroyGeometry(lin);
    if (fixed) OGR_G_DestroyGeometry(fixed);
    return st;
}

/* The CRS of the layer as a string PROJ accepts ("EPSG:n" or WKT2): the config's "crs"
 * (a file's declaration can be wrong: every GeoJSON claims WGS 84), the file's, or the
 * assumed one for a file that has none. */
static char *layer_crs(reader *r, OGRLayerH lyr)
{
    if (r->src->crs) {
        r->crs_origin = "crs in the config";
        return pm_strdup(r->src->crs);
    }
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    r->crs_origin = "the file";
    if (!srs) {
        r->crs_origin = "assume_crs in the config";
        if (r->src->assume_crs) return pm_strdup(r->src->assume_crs);
        const char *what = r->is_csv ? "point columns without a coordinate system"
                         : r->out->file && ends_with(r->out->file, ".shp") ? "no .prj file"
                         : "no coordinate system";
        pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, "", "", "%s: the coordinate system "
                    "is unknown; set assume_crs (e.g. \"EPSG:4326\") in the config if you "
                    "know it", what);
        return NULL;
    }
    const char *auth = OSRGetAuthorityName(srs, NULL), *code = OSRGetAuthorityCode(srs, NULL);
    if ((!auth || !code) && OSRAutoIdentifyEPSG(srs) == OGRERR_NONE) {
        auth = OSRGetAuthorityName(srs, NULL);
        code = OSRGetAuthorityCode(srs, NULL);
    }
    if (auth && code) return pm_asprintf("%s:%s", auth, code);
    char *wkt = NULL;
    const char *opts[] = { "FORMAT=WKT2_2018", NULL };
    if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE) { CPLFree(wkt); return NULL; }
    char *r2 = pm_strdup(wkt);
    CPLFree(wkt);
    return r2;
}

static int setup_crs(reader *r, OGRLayerH lyr)
{
    char *crs = layer_crs(r, lyr), *err = NULL;
    if (!crs) return 0;
    r->geographic = pm_proj_is_geographic(crs) == 1;
    int ok = 1;
    if (strcmp(crs, "EPSG:4326") != 0 && pm_proj_new(crs, "EPSG:4326", &r->proj, &err) != PM_OK) {
        pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, "", "crs", "unusable coordinate "
                    "system: %s", err ? err : crs);
        ok = 0;
    }
    free(err);
    r->crs = crs;
    return ok;
}

/* A short name of the CRS for messages: "EPSG:4326 (WGS 84)". */
static char *crs_label(const char *crs)
{
    char *name = pm_proj_crs_name(crs);
    char *r = strncmp(crs, "EPSG:", 5) == 0 || strncmp(crs, "+proj", 5) == 0
        ? (name ? pm_asprintf("%s (%s)", crs, name) : pm_strdup(crs))
        : (name ? pm_strdup(name) : pm_strdup("the declared CRS"));
    free(name);
    return r;
}

/* One problem for every feature whose coordinates the CRS cannot hold. */
static void report_impossible(reader *r)
{
    if (!r->impossible) return;
    char *crs = crs_label(r->crs ? r->crs : "EPSG:4326");
    const pm_bbox *b = &r->bad_box;
    int metres = fabs(b->minx) > 180 || fabs(b->maxx) > 180 || fabs(b->miny) > 90 || fabs(b->maxy) > 90;
    int from_config = r->crs_origin && strcmp(r->crs_origin, "the file") != 0;
    pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, "", "geometry", "%zu of %zu features have "
                "coordinates impossible for %s, the CRS %s: x %.6g to %.6g, y %.6g to %.6g%s; %s",
                r->impossible, r->out->n, crs ? crs : "the CRS",
                from_config ? "set in the config" : "the file declares", b->minx, b->maxx, b->miny,
                b->maxy, metres ? " (these look like metres of a projected grid)" : "",
                from_config ? "is \"crs\" (or \"assume_crs\") on this source the file's real CRS?"
                            : "set \"crs\" on this source to the file's real CRS (an EPSG code, WKT or "
                              "a PROJ string such as \"+proj=tmerc ...\"; the data's supplier knows it)");
    free(crs);
}

/* Why features came back without geometry, when the file tells: GDAL 3.6's Esri JSON
 * reader drops polygons given as curveRings (true arcs). */
static const char *lost_cause(const reader *r, const pm_vlayer *l, const char *path)
{
    int lost = 0;
    for (size_t i = 0; i < l->n && !lost; i++) lost = l->feats[i].geom.kind == 0;
    if (!lost || !l->driver || strcmp(l->driver, "ESRIJSON") != 0) return NULL;
    (void)r;
    char *text = NULL;
    size_t len = 0;
    const char *cause = NULL;
    if (pm_read_file(path, 64u << 20, &text, &len, NULL) == PM_OK && strstr(text, "\"curveRings\""))
        cause = "the file is Esri JSON with curveRings (true curves), which this GDAL's reader "
                "drops; export the layer again with the curves densified (ArcGIS: Densify, or a "
                "REST query with returnTrueCurves=false) or convert it to GeoJSON in QGIS or ArcGIS";
    free(text);
    return cause;
}

static int setup_encoding(reader *r, const char *path, int is_shp)
{
    char *cpg = NULL;
    const char *enc = r->src->encoding;
    if (!enc && is_shp) enc = cpg = read_cpg(path);
    r->cd = (iconv_t)-1;
    r->enc = NULL;
    int ok = 1;
    if (enc && !is_utf8_name(enc)) {
        r->cd = iconv_open("UTF-8", enc);
        if (r->cd == (iconv_t)-1) {
            pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, "", "encoding",
                        "unknown encoding \"%s\" (try GBK, GB18030, UTF-8)", enc);
            ok = 0;
        }
    }
    if (enc) {
        snprintf(r->enc_buf, sizeof r->enc_buf, "%s%s", enc, cpg ? " (from the .cpg file)" : "");
        r->enc = r->enc_buf;
    }
    free(cpg);
    return ok;
}

static GDALDatasetH open_source(reader *r, const char *path, int is_shp, int want_geom)
{
    const char *opts[8];
    int n = 0;
    char *xo = NULL, *yo = NULL;
    if (is_shp) opts[n++] = "ENCODING="; /* raw bytes: partymap decodes them itself */
    if (r->is_csv) {
        opts[n++] = "AUTODETECT_TYPE=NO";
        opts[n++] = "EMPTY_STRING_AS_NULL=YES";
        if (want_geom && r->src->x_field && r->src->y_field) {
            xo = pm_asprintf("X_POSSIBLE_NAMES=%s", r->src->x_field);
            yo = pm_asprintf("Y_POSSIBLE_NAMES=%s", r->src->y_field);
            if (xo && yo) { opts[n++] = xo; opts[n++] = yo; opts[n++] = "KEEP_GEOM_COLUMNS=YES"; }
        }
    }
    opts[n] = NULL;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 n ? opts : NULL, NULL);
    free(xo);
    free(yo);
    return ds;
}

/* XLSX: every row as data, every cell as text (GDAL 3.6 takes these as configuration,
 * not open options; thread-local, restored by xlsx_restore).  The header is found
 * by pm_sheet_promote_header, below any title rows. */
static void xlsx_settings(char *saved[2])
{
    static const char *const keys[2] = { "OGR_XLSX_HEADERS", "OGR_XLSX_FIELD_TYPES" };
    static const char *const vals[2] = { "DISABLE", "STRING" };
    for (int i = 0; i < 2; i++) {
        const char *old = CPLGetThreadLocalConfigOption(keys[i], NULL);
        saved[i] = old ? CPLStrdup(old) : NULL;
        CPLSetThreadLocalConfigOption(keys[i], vals[i]);
    }
}

static void xlsx_restore(char *saved[2])
{
    CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", saved[0]);
    CPLSetThreadLocalConfigOption("OGR_XLSX_FIELD_TYPES", saved[1]);
    CPLFree(saved[0]);
    CPLFree(saved[1]);
}

static pm_status read_features(reader *r, OGRLayerH lyr, pm_read_mode mode)
{
    GIntBig total = OGR_L_GetFeatureCount(lyr, 1);
    if (total > MAX_FEATURES) {
        pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, "", "", "%lld features: more than "
                    "partymap reads from one source (%ld)", (long long)total, MAX_FEATURES);
        return PM_EDATA;
    }
    size_t cap = total > 0 ? (size_t)total : 64;
    r->out->feats = calloc(cap, sizeof *r->out->feats);
    if (!r->out->feats) return PM_ENOMEM;
    OGR_L_ResetReading(lyr);
    OGRFeatureH hf;
    pm_status st = PM_OK;
    while (!st && (hf = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (r->out->n == cap) {
            pm_vfeature *nf = cap < (size_t)MAX_FEATURES
                ? realloc(r->out->feats, 2 * cap * sizeof *nf) : NULL;
            if (!nf) { OGR_F_Destroy(hf); st = PM_ENOMEM; break; }
            memset(nf + cap, 0, cap * sizeof *nf);
            r->out->feats = nf;
            cap *= 2;
        }
        pm_vfeature *f = &r->out->feats[r->out->n++];
        f->fid = (long)OGR_F_GetFID(hf);
        f->line = r->is_csv ? f->fid + 1 : r->is_xlsx ? f->fid : 0; /* XLSX: fid = row */
        st = read_attrs(r, hf, f);
        if (!st && mode == PM_READ_GEOM) st = read_geom(r, hf, f);
        OGR_F_Destroy(hf);
    }
    if (!st && CPLGetLastErrorType() >= CE_Failure) {
        pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, "", "", "read error after %zu "
                    "features: %s", r->out->n, CPLGetLastErrorMsg());
    }
    if (r->bad_text > 20)
        pm_diag_add(r->diag, PM_SEV_ERROR, r->out->file, "", "", "%zu more fields with "
                    "undecodable text", r->bad_text - 20);
    return st;
}

/* CSV rows are named by the line they start on in the file, which GDAL's record
 * numbers are not after a quoted cell over two lines or an empty line. */
static void csv_physical_lines(const char *path, pm_vlayer *out)
{
    long *lines;
    size_t n;
    if (pm_csv_record_lines(path, &lines, &n) != PM_OK) return; /* GDAL's numbers, then */
    for (size_t i = 0; i < out->n; i++) {
        pm_vfeature *f = &out->feats[i];
        if (f->fid >= 0 && (size_t)f->fid < n) f->line = lines[f->fid];
    }
    free(lines);
}

/* Reads one file (path, with src's settings) into out. */
static pm_status read_one(const pm_source *src, const char *path, pm_read_mode mode, pm_diag *diag,
                          pm_vlayer *out)
{
    memset(out, 0, sizeof *out);
    pm_vector_init();
    reader r = { .src = src, .diag = diag, .out = out, .cd = (iconv_t)-1, .bad_box = pm_bbox_empty() };
    out->extent = pm_bbox_empty();
    out->file = pm_strdup(path ? pm_path_basename(path) : "(no path)");
    out->files = calloc(1, sizeof *out->files);
    if (!out->file || !out->files || !(out->files[0] = pm_strdup(out->file))) return PM_ENOMEM;
    out->nfiles = 1;
    if (!path) {
        pm_diag_add(diag, PM_SEV_ERROR, out->file, "", "", "no path given");
        return PM_EDATA;
    }
    if (!pm_path_exists(path)) {
        pm_diag_add(diag, PM_SEV_ERROR, out->file, "", "", "cannot open %s: %s", path,
                    strerror(ENOENT));
        return PM_EDATA;
    }
    int is_shp = ends_with(path, ".shp") || ends_with(path, ".dbf");
    r.is_csv = ends_with(path, ".csv") || ends_with(path, ".tsv");
    r.is_xlsx = ends_with(path, ".xlsx") || ends_with(path, ".xlsm");
    char *xlsx_saved[2] = { NULL, NULL };
    if (r.is_xlsx) xlsx_settings(xlsx_saved);
    size_t errors0 = diag->errors;
    pm_status st = PM_OK;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    GDALDatasetH ds = open_source(&r, path, is_shp, mode == PM_READ_GEOM);
    OGRLayerH lyr = NULL;
    if (!ds) {
        const char *why = CPLGetLastErrorMsg();
        if (strstr(why, "SHAPE_RESTORE_SHX"))
            pm_diag_add(diag, PM_SEV_ERROR, out->file, "", "", "the .shx index file is missing "
                        "(copy it along with the .shp; or rebuild it with ogr2ogr --config "
                        "SHAPE_RESTORE_SHX YES)");
        else
            pm_diag_add(diag, PM_SEV_ERROR, out->file, "", "", "not a readable vector file: %s",
                        *why ? why : "no OGR driver recognises it");
        goto done;
    }
    out->driver = pm_strdup(GDALGetDriverShortName(GDALGetDatasetDriver(ds)));
    lyr = src->layer ? GDALDatasetGetLayerByName(ds, src->layer) : GDALDatasetGetLayer(ds, 0);
    if (!lyr) {
        pm_diag_add(diag, PM_SEV_ERROR, out->file, "", "", src->layer ? "no layer named \"%s\""
                    : "the file holds no layer%s", src->layer ? src->layer : "");
        goto done;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int nf = OGR_FD_GetFieldCount(defn);
    if (nf < 0 || nf > MAX_FIELDS) {
        pm_diag_add(diag, PM_SEV_ERROR, out->file, "", "", "%d fields: too many", nf);
        goto done;
    }
    out->fields = calloc((size_t)nf + 1, sizeof *out->fields);
    if (!out->fields) { st = PM_ENOMEM; goto done; }
    if (!setup_encoding(&r, path, is_shp)) goto done;
    for (int i = 0; i < nf; i++) {
        int bad = 0;
        out->fields[i] = decode(&r, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), &bad);
        if (!out->fields[i]) out->fields[i] = pm_strdup("?");
        if (bad) pm_diag_add(diag, PM_SEV_ERROR, out->file, "", "", "field name %d is not valid "
                             "text in the declared encoding (set encoding)", i + 1);
        out->nfields++;
    }
    if (mode == PM_READ_GEOM && !setup_crs(&r, lyr)) goto done;
    st = read_features(&r, lyr, mode);
    if (!st && mode == PM_READ_GEOM) {
        report_impossible(&r);
        out->lost_cause = lost_cause(&r, out, path);
        for (size_t i = 0; i < out->n; i++)
            if (out->feats[i].geom.kind) pm_bbox_union(&out->extent, &out->feats[i].geom.bbox);
        out->crs = r.crs;
        r.crs = NULL;
        out->crs_origin = r.crs_origin;
    }
    if (!st && r.is_csv) csv_physical_lines(path, out);
    if (!st && r.is_xlsx) {
        int index = 0;
        while (index < GDALDatasetGetLayerCount(ds) && GDALDatasetGetLayer(ds, index) != lyr) index++;
        st = pm_sheet_check_formulas(path, index, OGR_L_GetName(lyr), out->file, diag);
    }
    if (!st && r.is_xlsx) {
        out->sheet = pm_strdup(OGR_L_GetName(lyr));
        st = out->sheet ? pm_sheet_promote_header(out, diag) : PM_ENOMEM;
    }
done:
    if (ds) GDALClose(ds);
    if (r.is_xlsx) xlsx_restore(xlsx_saved);
    CPLPopErrorHandler();
    if (r.cd != (iconv_t)-1) iconv_close(r.cd);
    pm_proj_free(r.proj);
    free(r.crs);
    if (!st && diag->errors > errors0) st = PM_EDATA;
    return st;
}

void pm_vlayer_fini(pm_vlayer *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) {
        for (size_t j = 0; l->feats[i].attrs && j < l->nfields; j++) free(l->feats[i].attrs[j]);
        free(l->feats[i].attrs);
        pm_geom_fini(&l->feats[i].geom);
    }
    for (size_t j = 0; l->fields && j < l->nfields; j++) free(l->fields[j]);
    free(l->fields);
    free(l->feats);
    free(l->file);
    for (size_t i = 0; l->files && i < l->nfiles; i++) free(l->files[i]);
    free(l->files);
    free(l->driver);
    free(l->sheet);
    free(l->crs);
    memset(l, 0, sizeof *l);
}

const char *pm_vfeature_file(const pm_vlayer *l, const pm_vfeature *f)
{
    return f->file < l->nfiles ? l->files[f->file] : l->file;
}

/* Index of name among the merged fields, added if new; -1 on OOM. */
static long merged_field(pm_vlayer *m, const char *name)
{
    for (size_t i = 0; i < m->nfields; i++)
        if (strcmp(m->fields[i], name) == 0) return (long)i;
    char **nf = realloc(m->fields, (m->nfields + 1) * sizeof *nf);
    if (!nf) return -1;
    m->fields = nf;
    if (!(m->fields[m->nfields] = pm_strdup(name))) return -1;
    return (long)m->nfields++;
}

/* Merges the layers read from each file into m: fields by name (the union, in order of
 * first appearance), the features in file order, each with its file index.  The parts
 * are emptied (their features move). */
static pm_status merge_parts(pm_vlayer *m, pm_vlayer *parts, size_t n)
{
    size_t total = 0;
    m->files = calloc(n + 1, sizeof *m->files);
    if (!m->files) return PM_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < parts[k].nfields; i++)
            if (merged_field(m, parts[k].fields[i]) < 0) return PM_ENOMEM;
        total += parts[k].n;
        if (!(m->files[m->nfiles++] = pm_strdup(parts[k].file))) return PM_ENOMEM;
        pm_bbox_union(&m->extent, &parts[k].extent);
    }
    m->feats = calloc(total + 1, sizeof *m->feats);
    if (!m->feats) return PM_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        pm_vlayer *p = &parts[k];
        for (size_t i = 0; i < p->n; i++) {
            pm_vfeature *f = &m->feats[m->n];
            *f = p->feats[i];
            f->file = (unsigned)k;
            f->attrs = calloc(m->nfields + 1, sizeof *f->attrs);
            if (!f->attrs) { f->attrs = p->feats[i].attrs; return PM_ENOMEM; }
            for (size_t j = 0; j < p->nfields; j++)
                f->attrs[merged_field(m, p->fields[j])] = p->feats[i].attrs[j];
            free(p->feats[i].attrs);
            p->feats[i].attrs = NULL;
            memset(&p->feats[i].geom, 0, sizeof p->feats[i].geom);
            m->n++;
        }
        p->n = 0;
        if (!m->lost_cause) m->lost_cause = p->lost_cause;
    }
    return PM_OK;
}

pm_status pm_vlayer_read(const pm_source *src, pm_read_mode mode, pm_diag *diag,
                         pm_vlayer *out)
{
    if (src->npaths <= 1) return read_one(src, src->path, mode, diag, out);
    memset(out, 0, sizeof *out);
    out->extent = pm_bbox_empty();
    pm_vlayer *parts = calloc(src->npaths, sizeof *parts);
    if (!parts) return PM_ENOMEM;
    pm_status st = PM_OK;
    size_t errors0 = diag->errors;
    for (size_t k = 0; k < src->npaths && st != PM_ENOMEM; k++) {
        pm_status s2 = read_one(src, src->paths[k], mode, diag, &parts[k]);
        if (s2 && !st) st = s2;
    }
    if (st != PM_ENOMEM) {
        pm_status s2 = merge_parts(out, parts, src->npaths);
        if (s2) st = s2;
    }
    if (st != PM_ENOMEM) {
        out->file = pm_strdup(parts[0].file);
        out->driver = parts[0].driver ? pm_strdup(parts[0].driver) : NULL;
        out->crs = parts[0].crs ? pm_strdup(parts[0].crs) : NULL;
        out->crs_origin = parts[0].crs_origin;
        if (!out->file) st = PM_ENOMEM;
    }
    for (size_t k = 0; k < src->npaths; k++) pm_vlayer_fini(&parts[k]);
    free(parts);
    if (!st && diag->errors > errors0) st = PM_EDATA;
    return st;
}
int pm_vlayer_field(const pm_vlayer *l, const char *name)
{
    if (!name) return -1;
    for (size_t i = 0; i < l->nfields; i++)
        if (strcmp(l->fields[i], name) == 0) return (int)i;
    for (size_t i = 0; i < l->nfields; i++)
        if (strcasecmp(l->fields[i], name) == 0) return (int)i;
    return -1;
}

char *pm_vfeature_where(const pm_vlayer *l, const pm_vfeature *f, const char *id)
{
    const char *what = f->line ? "line" : "feature";
    long n = f->line ? f->line : f->fid;
    if (l->sheet && f->line) {
        if (id && *id) return pm_asprintf("sheet %s row %ld (%s)", l->sheet, n, id);
        return pm_asprintf("sheet %s row %ld", l->sheet, n);
    }
    if (id && *id) return pm_asprintf("%s %ld (%s)", what, n, id);
    return pm_asprintf("%s %ld", what, n);
}
