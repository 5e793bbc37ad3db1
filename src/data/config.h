/* Project configuration: the JSON project file naming sources, years, print settings and maps. */
#ifndef PM_DATA_CONFIG_H
#define PM_DATA_CONFIG_H

#include <stddef.h>
#include "core/status.h"

/* Roles of fields in a source; each maps to a column name of the file. */
typedef enum {
    PM_F_CODE, PM_F_NAME, PM_F_HOUSEHOLDS, PM_F_POPULATION, /* committees */
    PM_F_CATEGORY, PM_F_PARTNER, PM_F_STATUS,                /* platforms, projects */
    PM_F_YEAR,                                               /* evaluations */
    PM_F_COUNT
} pm_field_role;

/* One input file.  Every string is owned; NULL means "not set". */
typedef struct {
    char *path;        /* resolved against the config file's folder */
    char *layer;       /* layer name in multi-layer sources (GeoPackage); NULL = first */
    char *encoding;    /* attribute encoding, e.g. "GBK"; NULL = .cpg or UTF-8 */
    char *assume_crs;  /* CRS for files without one (.prj missing, CSV points) */
    char *x_field, *y_field; /* CSV point columns, e.g. "lon", "lat" */
    char *field[PM_F_COUNT]; /* column names per role (defaults: code, name, ...) */
    char *role;        /* context layers: "area", "river" or "road" */
    int gcj02;         /* "datum": "gcj02": coordinates are GCJ-02, convert to WGS 84 */
    int strict;        /* refuse invalid polygons instead of repairing them (config "strict") */
    /* evaluations: indicator name → column name pairs ("columns" object) */
    char **col_ind, **col_name;
    size_t ncols;
} pm_source;

/* Accepted range of one indicator column ("ranges" object). */
typedef struct {
    char *indicator;
    double min, max;
} pm_range;

/* Optional basemap under the thematic layer of the site ("site.basemap"). */
typedef struct {
    char *url;            /* NULL = none (the default: the site stays offline); an http(s)
                           * URL template with {z} {x} {y} (and {s}), or a local tile folder's
                           * template resolved against the config's folder */
    int local;            /* url is a local path: the site publishes a copy of the folder */
    char *attribution;    /* required with url */
    char *subdomains;     /* for {s}; default "abc" */
    double opacity;       /* (0, 1], default 1 */
} pm_basemap;

typedef struct {
    char *path;           /* the config file */
    char *dir;            /* its folder: relative paths are resolved against it */
    char *name;           /* subdistrict name, e.g. 长寿路街道 */
    char *title_prefix;   /* poster title prefix, e.g. 长寿路街道居民区 */
    char *credits;        /* data source line for posters */
    pm_source committees, platforms, projects, evaluations;
    pm_source *context;   /* context layers for posters */
    size_t ncontext;
    pm_range *ranges;
    size_t nranges;
    int *years;           /* years to render when --year is absent; NULL = latest in data */
    size_t nyears;
    char *print_crs;      /* default "EPSG:4549" */
    char *page;           /* "A0".."A4", default "A1" */
    int landscape;        /* default 1 */
    double preview_dpi;   /* PNG preview resolution, default 40 */
    char *font;           /* default "Noto Sans CJK SC" */
    int minzoom, maxzoom; /* tile pyramid zooms, default 12–18 */
    int metatile;         /* tiles per metatile side, default 4 */
    int hidpi;            /* also render @2x (512 px) tiles, default 1 */
    int quantize;         /* snap rare edge blends to palette tiles, default 0 (exact) */
    char **maps;          /* map ids in order; style files are <styles>/<id>.json */
    size_t nmaps;
    char *styles_dir;     /* default "styles" */
    /* Map approval (审图号, "approval"): shown on the site's footer and on print. */
    char *approval_number; /* e.g. 沪S（2026）012号; NULL = not configured */
    char *approval_issuer; /* the issuing line, e.g. 长寿路街道办事处 编制; NULL = none */
    /* The public site ("site"): footer registration numbers and the basemap. */
    char *site_icp;       /* ICP filing number (沪ICP备12345678号-1); NULL = none */
    char *site_gov_code;  /* 政府网站标识码, 10 digits; NULL = none */
    pm_basemap basemap;
    /* Local terms: the unit (居民区, 社区, 村), its parent level (街道, 镇) and the
     * whole area's name; defaults 居民区, 街道 and name. */
    char *term_unit, *term_parent, *term_area;
    char *output;         /* default "out" */
} pm_config;

/* Parses and validates the project file.  Every problem goes to diag (file, key,
 * message) and the call returns PM_EDATA; unknown keys are errors.  *out is owned by
 * the caller (pm_config_free).  Thread-safe. */
pm_status pm_config_load(const char *path, pm_diag *diag, pm_config **out);
/* Same from JSON text; dir resolves relative paths. */
pm_status pm_config_parse(const char *name, const char *dir, const char *json, size_t len,
                          pm_diag *diag, pm_config **out);
void pm_config_free(pm_config *c);

/* The range configured for indicator, or the built-in default (scores 0–100,
 * counts >= 0); returns 0 if the indicator has no range check. */
int pm_config_range(const pm_config *c, const char *indicator, double *min, double *max);

/* Page size in points for "A0".."A4" in the configured orientation; 0 if unknown. */
int pm_page_size(const char *page, int landscape, double *w_pt, double *h_pt);

/* The bundled sample's project file (absolute path, static). */
const char *pm_config_default_path(void);

#endif
