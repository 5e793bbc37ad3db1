/* The output stages of a render: print posters, tile pyramids and packages, the site. */
#ifndef PM_APP_OUTPUTS_H
#define PM_APP_OUTPUTS_H

#include <stdio.h>
#include "analysis/thematic.h"
#include "app/commands.h"
#include "app/project.h"

/* Posters of every selected map for year into out/YEAR/print/. */
pm_status pm_out_print(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                       FILE *err);
/* Tiles of every selected map for year: out/YEAR/tiles/ID/{z}/{x}/{y}[@2x].png and the
 * ID[@2x].mbtiles / .pmtiles packages. */
pm_status pm_out_tiles(const pm_project *p, int year, const char *out, const pm_cmd_opts *o,
                       FILE *err);
/* The static website in out/site/ for every year that has tiles. */
pm_status pm_out_site(const pm_project *p, const char *out, const pm_cmd_opts *o, FILE *err);

/* A legend of th as JSON text (caller frees): classes with label, colour, count. */
char *pm_out_legend_json(const pm_thematic *th);

/* Seconds on a monotonic clock. */
double pm_out_now(void);

#endif
