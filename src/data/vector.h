/* Vector and table input through GDAL/OGR: the one place partymap calls GDAL. */
#ifndef PM_DATA_VECTOR_H
#define PM_DATA_VECTOR_H

#include <stddef.h>
#include "core/status.h"
#include "data/config.h"
#include "geo/geom.h"

/* One feature or table row: attributes as UTF-8 text, geometry in WGS 84 lon/lat. */
typedef struct {
    long fid;        /* OGR feature id */
    long line;       /* CSV: 1-based line in the file (header = 1); XLSX: the sheet's
                      * row number (as Excel shows it); 0 otherwise */
    char **attrs;    /* nfields strings (owned), NULL for null/empty fields */
    pm_geom geom;    /* kind 0 (zeroed) if the feature has no usable geometry */
    unsigned file;   /* index into the layer's files: the file it came from */
} pm_vfeature;

typedef struct {
    char *file;      /* base name of the (first) file, for messages (owned) */
    char **files;    /* base name of each file read (owned), nfiles >= 1 */
    size_t nfiles;
    char *driver;    /* OGR driver short name, e.g. "ESRI Shapefile" (owned) */
    char *sheet;     /* XLSX: the sheet read (owned); NULL for other formats */
    size_t nfields;
    char **fields;   /* field names (owned) */
    pm_vfeature *feats;
    size_t n;
    /* geometry sources (PM_READ_GEOM): */
    char *crs;       /* the CRS the coordinates were read in (owned), NULL if none */
    const char *crs_origin; /* where it came from: "the file", "crs in the config",
                             * "assume_crs in the config" (static) */
    pm_bbox extent;  /* of every usable geometry, WGS 84 lon/lat (empty if none) */
    const char *lost_cause; /* why features lost their geometry in the reader, when
                             * known (an Esri JSON with curveRings): static, or NULL */
} pm_vlayer;

typedef enum {
    PM_READ_TABLE,   /* attributes only (evaluation tables) */
    PM_READ_GEOM     /* attributes and geometry, reprojected to WGS 84 lon/lat */
} pm_read_mode;

/* Reads every feature of src: every file of src->paths, as one layer (fields by name:
 * a field missing from one file is null in its features; each feature keeps its
 * file).  Attributes are decoded from src->encoding, or the
 * shapefile's .cpg, or else must be valid UTF-8: text that is not valid is refused
 * with a hint to set the encoding, never passed on as mojibake.  A source without a
 * CRS is refused unless src->assume_crs is set; src->crs replaces whatever the file
 * declares.  Coordinates impossible for the CRS (outside ±180/±90 for a geographic
 * one, not transformable for another) are one problem per file: how many features,
 * the extent seen and the fix.  Problems (missing file, no CRS, bad encoding,
 * unreadable geometry) go to diag with file, feature and field; returns PM_EDATA if
 * any error was recorded.  out is initialised
 * by the call and owned by the caller (pm_vlayer_fini), also on failure.
 * Spreadsheets (.xlsx): every cell is read as text (codes keep their leading zeros
 * and digits); the header is the first of the first 20 rows with two or more cells,
 * all text (a title or note row above it is skipped); empty rows are dropped; a
 * column without a header is named by its letter; src->layer names the sheet.
 * Thread-safe: GDAL's error state and the XLSX settings are per thread. */
pm_status pm_vlayer_read(const pm_source *src, pm_read_mode mode, pm_diag *diag,
                         pm_vlayer *out);
void pm_vlayer_fini(pm_vlayer *l);

/* Base name of the file feature f came from.  Borrowed from l. */
const char *pm_vfeature_file(const pm_vlayer *l, const pm_vfeature *f);

/* Index of the field named name (exact, then case-insensitive), or -1. */
int pm_vlayer_field(const pm_vlayer *l, const char *name);

/* "feature 12", "line 7" or "sheet 测评 row 7" for messages, with " (id)" appended
 * when id is given. */
char *pm_vfeature_where(const pm_vlayer *l, const pm_vfeature *f, const char *id);

/* Registers GDAL drivers once (idempotent, thread-safe). */
void pm_vector_init(void);

#endif
