/* Project configuration: the JSON project file naming sources, years, print settings and maps. */
#ifndef PM_DATA_CONFIG_H
#define PM_DATA_CONFIG_H

#include <stddef.h>
#include "core/status.h"

/* Default of tiles.max_tiles: 5,000,000 tiles of one map's pyramid, about 3.7 times a
 * city's (Shanghai's extent, 6,300 km², at z12-18: 1.35 million). */
#define PM_MAX_TILES 5000000LL

/* Roles of fields in a source; each maps to a column name of the file. */
typedef enum {
    PM_F_CODE, PM_F_NAME, PM_F_HOUSEHOLDS, PM_F_POPULATION, /* committees */
    PM_F_PARENT,                                             /* committees: the unit above */
    PM_F_CATEGORY, PM_F_PARTNER, PM_F_STATUS,                /* platforms, projects */
    PM_F_YEAR,                                               /* evaluations */
    PM_F_COUNT
} pm_field_role;

/* One input source: one file, or several read as one layer.  Every string is owned;
 * NULL means "not set". */
typedef struct {
    char *path;        /* the first file, resolved against the config file's folder */
    char **paths;      /* every file ("path" as a list, or a glob expanded in name
                        * order), resolved; npaths >= 1 whenever path is set */
    size_t npaths;
    char *path_spec;   /* "path" as the config gives it, for messages */
    char *layer;       /* layer name in multi-layer sources (GeoPackage); NULL = first */
    char *encoding;    /* attribute encoding, e.g. "GBK"; NULL = .cpg or UTF-8 */
    char *assume_crs;  /* CRS for files without one (.prj missing, CSV points) */
    char *crs;         /* the files' real CRS, overriding what they declare (a GeoJSON
                        * in a local grid claims WGS 84); validated through PROJ */
    int allow_outside; /* points: most of them may lie outside every committee */
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

/* One entry of "indicators" (README "Indicator expressions"): a derived indicator
 * defined by an expression of the language of expr/expr.h, or the label, unit and
 * accepted range of a column (an evaluation column or a built-in indicator). */
typedef struct {
    char *name;
    char *expression;   /* NULL: metadata of an existing column */
    char *label;        /* heading in spreadsheets and popups; NULL = the name */
    char *unit;         /* NULL = none */
    int decimals;       /* -1 = not set */
    int has_min, has_max;
    double min, max;    /* accepted range of a column's values (not of an expression) */
} pm_indicator_def;

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

/* One map's advice list. */
typedef struct {
    char *map;            /* the map id the advice is keyed by */
    char **items;         /* the suggestions, one sentence each */
    size_t nitems;
} pm_advice;

typedef struct {
    char *path;           /* the config file */
    char *dir;            /* its folder: relative paths are resolved against it */
    char *name;           /* subdistrict name, e.g. 长寿路街道 */
    char *title_prefix;   /* poster title prefix, e.g. 长寿路街道居民区 */
    char *credits;        /* data source line for posters */
    char *term_unit;      /* "terms": what a unit is called: 居民区 (default), 社区, 居委会, 村 */
    char *term_parent;    /* the unit above: 街道 (default), 镇, 园区 */
    char *term_area;      /* the whole area's name in sentences; default: name */
    char *term_whole;     /* "全" + term_parent: the whole area when it is one parent unit */
    pm_source committees, platforms, projects, evaluations;
    pm_source statistics; /* optional (path NULL): per-committee numbers by code, and
                           * by year where the table has a year column ("columns" maps
                           * indicator names such as population to its columns) */
    pm_source *context;   /* context layers for posters */
    size_t ncontext;
    pm_range *ranges;     /* "ranges" (older form of indicators.X.range) */
    size_t nranges;
    pm_indicator_def *indicators; /* "indicators", in the file's order */
    size_t nindicators;
    int *years;           /* years to render when --year is absent; NULL = latest in data */
    size_t nyears;
    char *print_crs;      /* default "EPSG:4549" */
    char *page;           /* "A0".."A4", default "A1" */
    int landscape;        /* default 1 */
    double preview_dpi;   /* PNG preview resolution, default 40 */
    int print_production; /* "print": {"production": true}: also the CMYK PDF/X files
                           * print/<map>.print.pdf and atlas.print.pdf; default 0 */
    double bleed_mm;      /* "print": {"bleed_mm"}: bleed of the print PDFs, default 3 */
    int crop_marks;       /* "print": {"crop_marks"}: crop marks on them, default 0 */
    char *approval_number; /* "approval": {"number"}: the map approval number (审图号)
                            * printed on posters and the atlas; NULL when unset */
    char *approval_issuer; /* "approval": {"issuer"}: its issuing line; NULL when unset */
    char *font;           /* default "Noto Sans CJK SC" */
    int minzoom, maxzoom; /* tile pyramid zooms, default 12–18 */
    int metatile;         /* tiles per metatile side, default 4 */
    int hidpi;            /* also render @2x (512 px) tiles, default 1 */
    int quantize;         /* snap rare edge blends to palette tiles, default 0 (exact) */
    long long max_tiles;  /* "tiles": {"max_tiles"}: render refuses a map whose pyramid
                           * (one year and scale, the committees' extent at every zoom)
                           * has more tiles, before drawing; default PM_MAX_TILES */
    char **maps;          /* map ids in order; style files are <styles>/<id>.json */
    size_t nmaps;
    char *styles_dir;     /* default "styles" */
    /* The public site ("site"): footer registration numbers and the basemap. */
    char *site_icp;       /* ICP filing number (沪ICP备12345678号-1); NULL = none */
    char *site_gov_code;  /* 政府网站标识码, 10 digits; NULL = none */
    pm_basemap basemap;
    char *output;         /* default "out" */
    /* "advice": {"<map id>": ["...", ...]}: the agency's suggestions for a committee
     * whose weakness is that map, one or two of which the atlas prints (in order,
     * picked by the committee so that neighbouring pages differ). */
    pm_advice *advice;
    size_t nadvice;
} pm_config;

/* Parses and validates the project file.  Every problem goes to diag (file, key,
 * message) and the call returns PM_EDATA; unknown keys are errors.  *out is owned by
 * the caller (pm_config_free).  Thread-safe. */
pm_status pm_config_load(const char *path, pm_diag *diag, pm_config **out);

/* The words a place uses, as outputs need them.  All borrowed from the config. */
typedef struct {
    const char *unit;    /* a unit: 居民区, 社区, 居委会, 村 */
    const char *parent;  /* the level above: 街道, 镇, 园区 */
    const char *area;    /* the whole area's name: 长寿路街道, 澜湖园区 */
    const char *whole;   /* the whole area in "位列X第5名": 全街道 when the area is one parent
                          * unit (no parent field), else its name (a park of five 街道) */
    const char *median;  /* whose median "X中位数" is: 街道, or the area's name */
} pm_terms;

/* The terms of c for a dataset with (has_parents 1) or without a parent level. */
pm_terms pm_config_terms(const pm_config *c, int has_parents);

/* The advice list keyed by map id in c, or NULL when it has none.  Borrowed. */
const pm_advice *pm_config_advice(const pm_config *c, const char *map);

/* Validates a CRS string through PROJ: 1 if PROJ knows it, 0 if not (then *why, when
 * not NULL, gets PROJ's reason; caller frees).  want_projected 1 also refuses a
 * geographic CRS.  For config keys and command-line options.  Thread-safe. */
int pm_config_crs_ok(const char *crs, int want_projected, char **why);

/* "name" with the unit term appended unless it already ends in it or in another
 * unit word (社区, 居委会, 居民区, 村委会, 委员会): 汀兰社区 stays 汀兰社区 whatever the
 * term.  New string (caller frees), NULL on OOM.  Pure. */
char *pm_config_unit_title(const pm_config *c, const char *name);
/* Same from JSON text; dir resolves relative paths. */
pm_status pm_config_parse(const char *name, const char *dir, const char *json, size_t len,
                          pm_diag *diag, pm_config **out);
void pm_config_free(pm_config *c);

/* The range configured for indicator ("ranges", or "indicators" min/max/range; an
 * unset bound is -INFINITY or INFINITY); returns 0 if the indicator has no range
 * check.  There is no built-in range: partymap init writes them for the columns it
 * recognises. */
int pm_config_range(const pm_config *c, const char *indicator, double *min, double *max);

/* The "indicators" entry named name, or NULL. */
const pm_indicator_def *pm_config_indicator(const pm_config *c, const char *name);

/* Page size in points for "A0".."A4" in the configured orientation; 0 if unknown. */
int pm_page_size(const char *page, int landscape, double *w_pt, double *h_pt);

/* The bundled sample's project file (absolute path, static). */
const char *pm_config_default_path(void);

#endif
