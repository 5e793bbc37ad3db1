/* OGR output: GeoPackage layers, spreadsheets and the QGIS style table, written atomically. */
#include "data/vwriter.h"
#include "data/ogrgeom.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "core/cancel.h"
#include "core/fileio.h"
#include "data/vector.h"

struct pm_vwriter {
    pm_vformat fmt;
    pm_tmpfile tmp;
    GDALDatasetH ds;
    OGRSpatialReferenceH srs;
    OGRLayerH lyr;
    pm_geom_kind kind;
    pm_coltype *types;
    size_t ncols;
    int in_tx;
    pm_status sticky;   /* first failure; later calls return it */
    char *sticky_msg;
    char stamp[40];     /* pm_vwriter_set_time's, as SQL text; "" for now */
};

static const char *const drivers[] = { "GPKG", "XLSX", "CSV" };
static const char *const exts[] = { "gpkg", "xlsx", "csv" };

/* Records the first failure (with GDAL's message when it has one) and returns it. */
static pm_status fail(pm_vwriter *w, pm_status st, char **err, const char *what)
{
    if (!w->sticky) {
        const char *g = CPLGetLastErrorType() >= CE_Failure ? CPLGetLastErrorMsg() : "";
        w->sticky = st;
        w->sticky_msg = *g ? pm_asprintf("%s: %s: %s", w->tmp.path, what, g)
                           : pm_asprintf("%s: %s", w->tmp.path, what);
    }
    if (err) *err = pm_strdup(w->sticky_msg);
    return w->sticky;
}

/* The sticky failure, if any (with a copy of its message in *err). */
static pm_status refused(pm_vwriter *w, char **err)
{
    if (w->sticky && err) *err = pm_strdup(w->sticky_msg);
    return w->sticky;
}

/* Text after a + or - that a spreadsheet can only take as arithmetic on numbers:
 * digits, spaces, . , % + - * / and non-ASCII text (class labels "-2.5 – +2.5",
 * "+3"); without ASCII letters, parentheses, quotes, | or ! no formula can call a
 * function, reach a cell or start a program (DDE). */
static int only_numbers(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x80 && !strchr("0123456789 .,%+-*/", *p)) return 0;
    return 1;
}

static int needs_quote(const char *s)
{
    if (!*s || !strchr("=+-@\t\r", *s)) return 0;
    return !((*s == '+' || *s == '-') && only_numbers(s));
}

char *pm_vwriter_safe_text(const char *s)
{
    return needs_quote(s) ? pm_asprintf("'%s", s) : pm_strdup(s);
}

/* A text cell or header as written: spreadsheets get pm_vwriter_safe_text's (kept
 * in *tmp, caller frees), the GeoPackage the text as it is. */
static const char *cell_text(const pm_vwriter *w, const char *s, char **tmp)
{
    *tmp = NULL;
    if (w->fmt == PM_VW_GPKG || !needs_quote(s)) return s;
    *tmp = pm_vwriter_safe_text(s);
    return *tmp ? *tmp : s;
}

pm_status pm_vwriter_open(const char *path, pm_vformat fmt, pm_vwriter **out, char **err)
{
    *out = NULL;
    if (pm_cancelled()) return PM_ECANCEL; /* a signal: stop at this file boundary */
    pm_vector_init();
    pm_vwriter *w = calloc(1, sizeof *w);
    if (!w) return PM_ENOMEM;
    w->fmt = fmt;
    /* in a private folder of its own, under the final name (SQLite's journals of the
     * GeoPackage stay in there too); the drivers go by the extension, so a name
     * without it gets it inside the folder (CSV would even write a folder) */
    pm_status st = pm_tmpfile_begin(&w->tmp, path, err);
    if (st) { free(w); return st; }
    size_t plen = strlen(path), elen = strlen(exts[fmt]);
    if (!(plen > elen + 1 && path[plen - elen - 1] == '.'
          && strcasecmp(path + plen - elen, exts[fmt]) == 0)) {
        char *t = pm_asprintf("%s.%s", w->tmp.tmp, exts[fmt]);
        if (!t) { pm_tmpfile_abort(&w->tmp); free(w); return PM_ENOMEM; }
        free(w->tmp.tmp);
        w->tmp.tmp = t;
    }
    const char *tmp = w->tmp.tmp;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    GDALDriverH drv = GDALGetDriverByName(drivers[fmt]);
    w->ds = drv ? GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!w->ds) st = fail(w, PM_EIO, err, drv ? "cannot create" : "GDAL has no driver for it");
    if (!st && fmt == PM_VW_GPKG) {
        w->srs = OSRNewSpatialReference(NULL);
        if (!w->srs || OSRImportFromEPSG(w->srs, 4326) != OGRERR_NONE)
            st = fail(w, PM_EIO, err, "EPSG:4326 is unknown to PROJ");
        else
            OSRSetAxisMappingStrategy(w->srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    CPLPopErrorHandler();
    if (st) { pm_vwriter_abort(w); return st; }
    *out = w;
    return PM_OK;
}

static pm_status end_layer(pm_vwriter *w, char **err)
{
    if (w->in_tx) {
        w->in_tx = 0;
        if (GDALDatasetCommitTransaction(w->ds) != OGRERR_NONE)
            return fail(w, PM_EIO, err, "cannot commit a layer");
    }
    w->lyr = NULL;
    return PM_OK;
}

static OGRwkbGeometryType geom_type(pm_geom_kind kind)
{
    switch (kind) {
    case PM_GEOM_POINT: return wkbPoint;
    case PM_GEOM_LINE: return wkbMultiLineString;
    case PM_GEOM_POLYGON: return wkbMultiPolygon;
    }
    return wkbNone;
}

static pm_status add_fields(pm_vwriter *w, const pm_column *cols, size_t ncols, char **err)
{
    static const OGRFieldType ogr_type[] = { OFTString, OFTInteger, OFTReal };
    for (size_t i = 0; i < ncols; i++) {
        char *tmp;
        OGRFieldDefnH fd = OGR_Fld_Create(cell_text(w, cols[i].name, &tmp), ogr_type[cols[i].type]);
        free(tmp);
        OGRErr e = fd ? OGR_L_CreateField(w->lyr, fd, TRUE) : OGRERR_NOT_ENOUGH_MEMORY;
        if (fd) OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) {
            char *m = pm_asprintf("cannot create column \"%s\"", cols[i].name);
            pm_status st = fail(w, PM_EIO, err, m ? m : "cannot create a column");
            free(m);
            return st;
        }
        w->types[i] = cols[i].type;
    }
    return PM_OK;
}

pm_status pm_vwriter_layer(pm_vwriter *w, const char *name, pm_geom_kind kind,
                           const pm_column *cols, size_t ncols, char **err)
{
    if (w->sticky) return refused(w, err);
    if (kind && w->fmt != PM_VW_GPKG) return fail(w, PM_EINTERNAL, err, "geometry in a spreadsheet");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    pm_status st = end_layer(w, err);
    const char *gpkg_opts[] = { "GEOMETRY_NAME=geom", "FID=fid", NULL };
    const char *csv_opts[] = { "WRITE_BOM=YES", "STRING_QUOTING=IF_NEEDED", NULL };
    char **opts = w->fmt == PM_VW_GPKG ? (char **)gpkg_opts
                : w->fmt == PM_VW_CSV ? (char **)csv_opts : NULL;
    free(w->types);
    w->types = calloc(ncols + 1, sizeof *w->types);
    w->ncols = ncols;
    w->kind = kind;
    if (!st && !w->types) st = fail(w, PM_ENOMEM, err, "out of memory");
    if (!st) {
        w->lyr = GDALDatasetCreateLayer(w->ds, name, kind ? w->srs : NULL, geom_type(kind), opts);
        if (!w->lyr) st = fail(w, PM_EIO, err, "cannot create a layer");
    }
    if (!st) st = add_fields(w, cols, ncols, err);
    /* one transaction per layer: SQLite commits per row otherwise */
    if (!st && w->fmt == PM_VW_GPKG) {
        if (GDALDatasetStartTransaction(w->ds, FALSE) != OGRERR_NONE)
            st = fail(w, PM_EIO, err, "cannot start a transaction");
        else
            w->in_tx = 1;
    }
    CPLPopErrorHandler();
    return st;
}

/* Writes one feature with the cells and a geometry (owned; may be NULL). */
static pm_status put_row(pm_vwriter *w, const pm_cell *cells, OGRGeometryH geom, char **err)
{
    if (!w->lyr) {
        if (geom) OGR_G_DestroyGeometry(geom);
        return fail(w, PM_EINTERNAL, err, "a row before any layer");
    }
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(w->lyr));
    if (!f) {
        if (geom) OGR_G_DestroyGeometry(geom);
        return fail(w, PM_ENOMEM, err, "out of memory");
    }
    for (size_t i = 0; i < w->ncols; i++) {
        const pm_cell *c = &cells[i];
        if (w->types[i] == PM_COL_TEXT) {
            char *tmp = NULL;
            if (c->text) OGR_F_SetFieldString(f, (int)i, cell_text(w, c->text, &tmp));
            else OGR_F_SetFieldNull(f, (int)i);
            free(tmp);
        } else if (!isfinite(c->num)) {
            OGR_F_SetFieldNull(f, (int)i);
        } else if (w->types[i] == PM_COL_INT) {
            OGR_F_SetFieldInteger(f, (int)i, fabs(c->num) < INT_MAX ? (int)lround(c->num) : 0);
        } else {
            OGR_F_SetFieldDouble(f, (int)i, c->num);
        }
    }
    if (geom) OGR_F_SetGeometryDirectly(f, geom);
    OGRErr e = OGR_L_CreateFeature(w->lyr, f);
    OGR_F_Destroy(f);
    return e == OGRERR_NONE ? PM_OK : fail(w, PM_EIO, err, "cannot write a row");
}

pm_status pm_vwriter_row(pm_vwriter *w, const pm_cell *cells, const pm_geom *geom, char **err)
{
    if (w->sticky) return refused(w, err);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    pm_status st = PM_OK;
    OGRGeometryH h = NULL;
    if (geom && w->kind && geom->npts > 0) {
        if (geom->kind != w->kind) st = fail(w, PM_EINTERNAL, err, "geometry of another kind");
        else if (!(h = pm_ogr_geometry(geom))) st = fail(w, PM_ENOMEM, err, "cannot build a geometry");
    }
    if (!st) st = put_row(w, cells, h, err);
    CPLPopErrorHandler();
    return st;
}

pm_status pm_vwriter_row_union(pm_vwriter *w, const pm_cell *cells,
                               const pm_geom *const *polys, size_t n, char **err)
{
    if (w->sticky) return refused(w, err);
    if (w->kind != PM_GEOM_POLYGON) return fail(w, PM_EINTERNAL, err, "union into a non-polygon layer");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    pm_status st = PM_OK;
    OGRGeometryH u = pm_ogr_union(polys, n);
    if (!u) st = fail(w, PM_EIO, err, "cannot union the polygons");
    else u = OGR_G_ForceToMultiPolygon(u);
    if (!st) st = put_row(w, cells, u, err);
    CPLPopErrorHandler();
    return st;
}

/* s as an SQL string literal (new string). */
static char *sql_quote(const char *s)
{
    if (!s) return pm_strdup("NULL");
    size_t n = 3;
    for (const char *p = s; *p; p++) n += *p == '\'' ? 2 : 1;
    char *r = malloc(n), *o = r;
    if (!r) return NULL;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') *o++ = '\'';
        *o++ = *p;
    }
    *o++ = '\'';
    *o = '\0';
    return r;
}

/* Runs an SQL statement in the dataset's own dialect (SQLite for a GeoPackage). */
static pm_status exec_sql(pm_vwriter *w, const char *sql, char **err)
{
    CPLErrorReset();
    OGRLayerH r = GDALDatasetExecuteSQL(w->ds, sql, NULL, NULL);
    if (r) GDALDatasetReleaseResultSet(w->ds, r);
    return CPLGetLastErrorType() >= CE_Failure ? fail(w, PM_EIO, err, "SQL failed") : PM_OK;
}

void pm_vwriter_set_time(pm_vwriter *w, time_t t)
{
    struct tm tm;
    char iso[32];
    if (!gmtime_r(&t, &tm) || !strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S.000Z", &tm)) return;
    snprintf(w->stamp, sizeof w->stamp, "'%s'", iso);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", iso);
}

/* The SQL expression of the time to record: the set time, or now. */
static const char *stamp_sql(const pm_vwriter *w)
{
    return *w->stamp ? w->stamp : "strftime('%Y-%m-%dT%H:%M:%fZ','now')";
}

static pm_status insert_style(pm_vwriter *w, const pm_qgis_style *s, char **err)
{
    char *q[5] = { sql_quote(s->table), sql_quote(s->geom_column), sql_quote(s->name),
                   sql_quote(s->qml), sql_quote(s->description ? s->description : "") };
    char *sql = q[0] && q[1] && q[2] && q[3] && q[4]
        ? pm_asprintf("INSERT INTO layer_styles (f_table_catalog, f_table_schema, "
                      "f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
                      "useAsDefault, description, owner, ui, update_time) VALUES ('', '', %s, "
                      "%s, %s, %s, '', %d, %s, 'partymap', '', %s)", q[0], q[1], q[2], q[3],
                      s->is_default ? 1 : 0, q[4], stamp_sql(w))
        : NULL;
    pm_status st = sql ? exec_sql(w, sql, err) : fail(w, PM_ENOMEM, err, "out of memory");
    free(sql);
    for (int i = 0; i < 5; i++) free(q[i]);
    return st;
}

pm_status pm_vwriter_qgis_styles(pm_vwriter *w, const pm_qgis_style *styles, size_t n,
                                 char **err)
{
    /* QGIS's own layout of the table (what it creates when it saves a style) */
    static const char *const create =
        "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
        "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
        "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
        "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))";
    if (w->sticky) return refused(w, err);
    if (w->fmt != PM_VW_GPKG) return fail(w, PM_EUSAGE, err, "styles need a GeoPackage");
    char *reg = pm_asprintf("INSERT INTO gpkg_contents (table_name, data_type, identifier, "
                            "description, last_change) VALUES ('layer_styles', 'attributes', "
                            "'layer_styles', 'QGIS layer styles', %s)", stamp_sql(w));
    if (!reg) return fail(w, PM_ENOMEM, err, "out of memory");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    pm_status st = end_layer(w, err);
    if (!st) st = exec_sql(w, create, err);
    if (!st) st = exec_sql(w, reg, err);
    for (size_t i = 0; !st && i < n; i++) st = insert_style(w, &styles[i], err);
    CPLPopErrorHandler();
    free(reg);
    return st;
}

static void release(pm_vwriter *w)
{
    if (*w->stamp) CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    if (w->srs) OSRDestroySpatialReference(w->srs);
    free(w->types);
    free(w->sticky_msg);
    free(w);
}

pm_status pm_vwriter_commit(pm_vwriter *w, char **err)
{
    if (!w) return PM_OK;
    if (w->sticky) {
        pm_status st = refused(w, err);
        pm_vwriter_abort(w);
        return st;
    }
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    pm_status st = end_layer(w, err);
    GDALClose(w->ds); /* the drivers write XLSX and CSV files out here */
    w->ds = NULL;
    if (!st && CPLGetLastErrorType() >= CE_Failure) st = fail(w, PM_EIO, err, "cannot finish the file");
    CPLPopErrorHandler();
    if (st) { pm_vwriter_abort(w); return st; }
    /* the same bytes as the file there (a rerun on unchanged data): keep it and its
     * modification time, as every other output does */
    if (pm_files_equal(w->tmp.tmp, w->tmp.path)) {
        pm_vwriter_abort(w);
        return PM_OK;
    }
    st = pm_tmpfile_commit(&w->tmp, err);
    release(w);
    return st;
}

void pm_vwriter_abort(pm_vwriter *w)
{
    if (!w) return;
    if (w->ds) {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        GDALClose(w->ds);
        CPLPopErrorHandler();
    }
    pm_tmpfile_abort(&w->tmp);
    release(w);
}
