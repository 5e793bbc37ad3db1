/* The output stages of a render: print posters, tile pyramids and packages, the site. */
#ifndef PM_APP_OUTPUTS_H
#define PM_APP_OUTPUTS_H

#include <stdio.h>
#include <time.h>
#include "analysis/thematic.h"
#include "app/commands.h"
#include "app/project.h"
#include "render/scene.h"
#include "render/text.h"

/* The time the outputs record (poster credits, the GeoPackage's timestamps):
 * SOURCE_DATE_EPOCH when set (reproducible builds), else when the newest input file
 * was changed, else now; so that rerunning on unchanged data reproduces the outputs
 * byte for byte. */
time_t pm_out_source_time(const pm_config *c);

/* Posters of every selected map for year into out/YEAR/print/. */
pm_status pm_out_print(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                       FILE *err);
/* Tiles of every selected map for year: out/YEAR/tiles/ID/{z}/{x}/{y}[@2x].png and the
 * ID[@2x].mbtiles / .pmtiles packages. */
pm_status pm_out_tiles(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                       FILE *err);
/* The diagnosis atlas of year: out/YEAR/atlas.pdf (left untouched when its bytes
 * would not change). */
pm_status pm_out_atlas(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                       FILE *err);
/* Dry run (render --dry-run): lists on f, one a line, the files the stages in
 * kinds would write for year (tile trees as a pattern with an estimate), the
 * GeoPackage and the site's files; writes nothing. */
pm_status pm_out_plan(const pm_project *p, int year, const char *out, unsigned kinds,
                      const pm_cmd_opts *o, FILE *f);
pm_status pm_out_plan_gpkg(const char *out, FILE *f);
pm_status pm_out_plan_site(const pm_project *p, const char *out, FILE *f);
/* The static website in out/site/ for every year that has tiles. */
pm_status pm_out_site(const pm_project *p, const char *out, const pm_cmd_opts *o, FILE *err);
/* The evaluation spreadsheets of year: out/YEAR/evaluation.xlsx and .csv (UTF-8 with
 * BOM), one row per committee sorted by the first map's rank, Chinese headers. */
pm_status pm_out_data(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                      FILE *err);
/* The evaluation database out/partymap.gpkg over every year of the data, with a QGIS
 * style per map (the first map's is the default); rebuilt whole on every call. */
pm_status pm_out_gpkg(const pm_project *p, const char *out, const pm_cmd_opts *o, FILE *err);

/* A legend of th as JSON text (caller frees): classes with label, colour, count. */
char *pm_out_legend_json(const pm_thematic *th);

/* What every print output needs: the scene in the print CRS and a text engine.
 * Problems are printed on err.  Free with pm_scene_fini and pm_text_free. */
pm_status pm_out_print_tools(const pm_project *p, pm_scene *scene, pm_text **text, FILE *err);

/* Seconds on a monotonic clock. */
double pm_out_now(void);

#endif
