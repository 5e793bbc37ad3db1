/* Exporters: the evaluation database (GeoPackage) and the year's spreadsheets, from a run's results. */
#ifndef PM_EXPORT_EXPORT_H
#define PM_EXPORT_EXPORT_H

#include <time.h>
#include "analysis/indicators.h"
#include "analysis/results.h"
#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"

/* What the exporters read; all borrowed and read-only. */
typedef struct {
    const pm_config *cfg;
    const pm_dataset *ds;
    const pm_analysis *an;
    const pm_results *res;  /* every map (res->styles) of every year */
    time_t source_time;     /* the time the files record (SOURCE_DATE_EPOCH or the data's) */
} pm_export_src;

/* The spreadsheets of year: one row per committee sorted by the first map's rank
 * (pm_results: in its style's direction, ties by code; no value last), with Chinese
 * headers: 名称, 编码, every evaluation column, each map's value (where it is not an
 * evaluation column) and class, the first map's rank and its change since the year
 * before, running projects, platforms.  Written as XLSX to xlsx and as CSV (UTF-8 with
 * a BOM) to csv, each atomically, either may be NULL.  PM_EIO, PM_ENOMEM with *err
 * (caller frees); PM_EINTERNAL if the results have no such year or no map. */
pm_status pm_export_sheets(const pm_export_src *s, int year, const char *xlsx, const char *csv,
                           char **err);

/* The evaluation database of every year at path (GeoPackage, EPSG:4326, written
 * atomically, rebuilt whole): layer committees (a row per committee and year with
 * every indicator and per map <map>_value, _class, _label, _rank from the results),
 * platforms and projects with the committee they fall in, outline (the union of the
 * committees), the class_breaks table and a QGIS style per map in layer_styles (the
 * first map's is the default).  Timestamps are s->source_time.  Errors as above. */
pm_status pm_export_gpkg(const pm_export_src *s, const char *path, char **err);

#endif
