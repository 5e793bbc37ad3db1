/* Package metadata as text: the one formatter (and parser) the MBTiles and PMTiles sinks share. */
#ifndef PM_TILES_TILEMETA_H
#define PM_TILES_TILEMETA_H

#include <stddef.h>
#include "core/status.h"
#include "tiles/sink.h"

/* A package's metadata values as the packages store them, in text.  Each format
 * writes them in its own order (MBTiles rows, PMTiles JSON members). */
typedef struct {
    const char *name;        /* "" when meta has none */
    const char *description; /* NULL when absent (then not written) */
    const char *attribution; /* NULL when absent */
    const char *format;      /* "png" */
    const char *type;        /* "overlay" */
    char *bounds;            /* "minlon,minlat,maxlon,maxlat", short decimals */
    char *center;            /* "lon,lat,zoom" */
    char *minzoom, *maxzoom; /* decimal */
    const char *run_id;      /* JSON text; NULL when absent (then not written) */
} pm_metatext;

/* Formats meta's values with the zoom range minz..maxz (the range stated, which
 * may be wider than meta's).  Strings are borrowed from meta or owned by t (free
 * with pm_metatext_fini, which accepts a zeroed struct).  PM_ENOMEM. */
pm_status pm_metatext_init(pm_metatext *t, const pm_tilemeta *meta, int minz, int maxz);
void pm_metatext_fini(pm_metatext *t);

/* A number as short decimal text of at most 7 decimals ("121.4213", "-31.5", "0"; not
 * finite: "0") into buf, rounded as the PMTiles header rounds it (pm_pmt_e7). */
const char *pm_tilemeta_num(double v, char buf[40]);

/* Parses n comma-separated numbers ("121.42,31.23,121.45,31.25"); 0 if text holds
 * exactly n finite numbers, else -1. */
int pm_tilemeta_parse_nums(const char *text, double *v, int n);

/* Metadata JSON, compact, keys in a fixed order (new string, caller frees).  full:
 * the PMTiles object (name, description, attribution, format, type, bounds, center,
 * minzoom, maxzoom, legend, then partymap_run when meta has a run_id); else the
 * MBTiles "json" value {"legend": ...}, or *out = NULL if meta has no legend.  A
 * legend or run_id that is not valid JSON is PM_EINTERNAL with *err. */
pm_status pm_tilemeta_json(const pm_tilemeta *m, int minz, int maxz, int full, char **out,
                           char **err);

/* Reads metadata JSON back into info (the inverse of pm_tilemeta_json): full, the
 * PMTiles object (name, description, attribution, bounds, center, minzoom, maxzoom,
 * legend, partymap_run); else the MBTiles "json" value (legend only).  legend_json
 * and run_id are re-serialised the way pm_tilemeta_json writes them, so a round trip
 * keeps the bytes.  PM_EDATA with *err (prefixed with what) for text that is not
 * such an object. */
pm_status pm_tilemeta_parse(const char *json, size_t len, int full, const char *what,
                            pm_sinkinfo *info, char **err);

/* The JSON text re-serialised compactly, in its own order, as the packages store a
 * run_id (new string, caller frees); NULL if it is not JSON or on OOM. */
char *pm_tilemeta_compact(const char *json, size_t len);

/* Points info->meta's strings at info's owned copies. */
void pm_sinkinfo_link(pm_sinkinfo *info);

#endif
