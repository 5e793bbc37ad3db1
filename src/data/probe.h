/* Probing the files an agency sends: what each one holds (geometry, fields and what
 * their values look like, CRS, extent, text encoding), for partymap init's guesses. */
#ifndef PM_DATA_PROBE_H
#define PM_DATA_PROBE_H

#include <stddef.h>
#include "core/status.h"

typedef enum { PM_PROBE_TABLE, PM_PROBE_POINTS, PM_PROBE_LINES, PM_PROBE_POLYGONS } pm_probe_kind;

/* Distinct values kept per field (ndistinct counts one more to mean "more"). */
#define PM_PROBE_VALUES 64

/* What the values of one field look like, over the rows that have one. */
typedef struct {
    char *name;          /* UTF-8 (owned) */
    size_t nonempty;     /* rows with a value */
    size_t numeric;      /* values that are numbers */
    size_t code12;       /* 12-digit codes (as the committee loader accepts them) */
    size_t year;         /* integers from 1990 to 2100 */
    size_t cjk;          /* values holding Chinese characters */
    size_t ndistinct;    /* distinct values, up to PM_PROBE_VALUES + 1 */
    char **values;       /* the first PM_PROBE_VALUES distinct values, in file order (owned) */
    double min, max;     /* over the numeric values */
} pm_probe_field;

typedef struct {
    char *path;          /* as given (owned) */
    char *driver;        /* OGR driver short name, e.g. "GeoJSON" (owned) */
    pm_probe_kind kind;  /* by the geometry most features have; tables with point columns
                          * (x/y, lon/lat, 经度/纬度) are points */
    size_t nrows;        /* features or table rows */
    size_t multi;        /* features of several parts (exclaves) */
    pm_probe_field *fields;
    size_t nfields;
    int xfield, yfield;  /* tables: the point columns, else -1 */
    char *encoding;      /* "GBK" when the text is not UTF-8 but is GBK (a DBF without a
                          * .cpg, a CSV from Excel); NULL when UTF-8 or declared */
    int has_cpg;         /* a shapefile with a .cpg */
    int crs_declared;    /* the file carries a CRS (GeoJSON always: GDAL says WGS 84) */
    int crs_geographic;  /* ... and it is longitude/latitude */
    char *crs;           /* the declared CRS, "EPSG:4326" or its name; NULL if none (owned) */
    int has_extent;
    double minx, miny, maxx, maxy; /* coordinates as stored in the file */
    int lonlat;          /* every coordinate within +-180 / +-90 */
} pm_probe;

/* Probes one file (its first layer or sheet).  Reads every row.  A file GDAL cannot
 * read as a vector file or a table gives PM_EDATA and *why (caller frees); text that
 * is neither UTF-8 nor GBK too.  out is initialised by the call and owned by the
 * caller (pm_probe_fini), also on failure.  Thread-safe. */
pm_status pm_probe_file(const char *path, pm_probe *out, char **why);
void pm_probe_fini(pm_probe *p);

/* Index of the field named name, or -1. */
int pm_probe_field_index(const pm_probe *p, const char *name);

/* The files under dir, recursively, that may hold data: vector files and tables by
 * their extension (.shp, a .dbf without one, .geojson, .json, .gpkg, .kml, .gml, .csv,
 * .tsv, .xlsx), sorted by path.  Hidden entries and folders named out, styles and
 * node_modules are skipped.  *paths (dir-joined, owned with its strings) and *n are
 * set; PM_EIO with *err when dir cannot be read. */
pm_status pm_probe_list(const char *dir, char ***paths, size_t *n, char **err);

#endif
