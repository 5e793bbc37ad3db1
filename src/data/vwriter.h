/* Vector and table output through GDAL/OGR: GeoPackage, XLSX and CSV, each written atomically. */
#ifndef PM_DATA_VWRITER_H
#define PM_DATA_VWRITER_H

#include <stddef.h>
#include <time.h>
#include "core/status.h"
#include "geo/geom.h"

typedef enum { PM_VW_GPKG, PM_VW_XLSX, PM_VW_CSV } pm_vformat;

typedef enum { PM_COL_TEXT, PM_COL_INT, PM_COL_REAL } pm_coltype;

typedef struct {
    const char *name;   /* UTF-8; becomes the header cell in XLSX and CSV */
    pm_coltype type;
} pm_column;

/* One cell: text for PM_COL_TEXT columns (NULL = null), num for the others (NAN =
 * null; PM_COL_INT columns are 32-bit: num is rounded, and 0 beyond ±2^31). */
typedef struct {
    const char *text;
    double num;
} pm_cell;

/* A QGIS style for the GeoPackage's layer_styles table (the table QGIS reads when it
 * opens a layer).  Every string is borrowed. */
typedef struct {
    const char *table;       /* layer the style is for, e.g. "committees" */
    const char *geom_column; /* its geometry column ("geom" for layers of this module) */
    const char *name;        /* styleName, listed in QGIS's style manager */
    const char *description;
    const char *qml;         /* the style as QGIS QML text */
    int is_default;          /* useAsDefault: QGIS applies it when the layer is opened */
} pm_qgis_style;

/* s as a spreadsheet text cell may hold it (new string, caller frees; NULL on OOM):
 * text beginning with =, @, a tab or a carriage return, which spreadsheets would run
 * as a formula (a name "=HYPERLINK(...)"), gets a leading apostrophe (the OWASP
 * CSV-injection rule); so does text beginning with + or - unless the rest is only
 * numbers, signs, spaces and non-ASCII text ("-3", the class label "-2.5 – +2.5"),
 * which can be nothing but arithmetic.  Applied by the XLSX and CSV writers below to
 * every text cell and header; for CSV written by hand. */
char *pm_vwriter_safe_text(const char *s);

/* An output file being written: layers are written one after the other (a new layer
 * finishes the previous one).  Not thread-safe; one writer per thread.  The first
 * failure is kept: every later call returns it without doing anything. */
typedef struct pm_vwriter pm_vwriter;

/* Starts writing path in fmt under a temporary name in the same folder (folders are
 * created).  Nothing appears at path until pm_vwriter_commit.  *out is owned by the
 * caller, who ends it with commit or abort.  PM_EIO with *err (caller frees);
 * PM_ECANCEL (nothing started) once SIGINT or SIGTERM asked the run to stop. */
pm_status pm_vwriter_open(const char *path, pm_vformat fmt, pm_vwriter **out, char **err);

/* Timestamps the file records (GeoPackage: gpkg_contents.last_change and
 * layer_styles.update_time) become t instead of the time of writing, so that equal
 * contents give equal bytes.  Call before the first layer.  (GDAL takes the time from
 * its OGR_CURRENT_DATE option, set for this thread until commit or abort.) */
void pm_vwriter_set_time(pm_vwriter *w, time_t t);

/* Starts layer name (an XLSX sheet; CSV: the one table) with ncols columns.  kind 0
 * makes a table without geometry; GeoPackage layers have their geometry in "geom"
 * (EPSG:4326, lon/lat; polygons as multipolygons, lines as multilines) and their key
 * in "fid".  XLSX and CSV take no geometry.  CSV files start with a UTF-8 BOM so that
 * Excel reads Chinese text.  cols is copied.  PM_EIO with *err. */
pm_status pm_vwriter_layer(pm_vwriter *w, const char *name, pm_geom_kind kind,
                           const pm_column *cols, size_t ncols, char **err);

/* Appends a row to the current layer: cells[ncols], geom of the layer's kind or NULL
 * (no geometry).  PM_EIO with *err. */
pm_status pm_vwriter_row(pm_vwriter *w, const pm_cell *cells, const pm_geom *geom, char **err);

/* Appends a row whose geometry is the union of n polygons (OGR's cascaded union), e.g.
 * a subdistrict outline from its committees.  PM_EIO with *err (GEOS failed). */
pm_status pm_vwriter_row_union(pm_vwriter *w, const pm_cell *cells,
                               const pm_geom *const *polys, size_t n, char **err);

/* GeoPackage only: creates the standard QGIS layer_styles table (registered in
 * gpkg_contents as attributes, so ogrinfo lists it) and inserts the n styles.
 * PM_EUSAGE for another format, PM_EIO with *err. */
pm_status pm_vwriter_qgis_styles(pm_vwriter *w, const pm_qgis_style *styles, size_t n,
                                 char **err);

/* Finishes the file, syncs it and renames it to path, replacing an older file; then
 * frees w (also on failure, when the temporary is removed and the older file is left
 * as it was).  When path already is a regular file holding exactly the new bytes, it
 * is kept as it is (modification time included) and the new one discarded.  Accepts
 * NULL (returns PM_OK).  PM_EIO with *err. */
pm_status pm_vwriter_commit(pm_vwriter *w, char **err);

/* Discards the file: removes the temporary and frees w.  Accepts NULL. */
void pm_vwriter_abort(pm_vwriter *w);

#endif
