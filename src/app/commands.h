/* The commands behind the command line: check and render. */
#ifndef PM_APP_COMMANDS_H
#define PM_APP_COMMANDS_H

#include <stdint.h>
#include <stdio.h>
#include "core/status.h"

typedef enum { PM_KIND_PRINT = 1, PM_KIND_TILES = 2, PM_KIND_SITE = 4, PM_KIND_ATLAS = 8,
               PM_KIND_DATA = 16 } pm_kind;

typedef struct {
    const char *config;  /* NULL = bundled sample */
    int year;            /* 0 = latest in the data */
    const char *maps;    /* comma list or NULL = all of the config */
    const char *out;     /* NULL = the config's output folder */
    unsigned kinds;      /* pm_kind bits */
    int json;            /* check: JSON report on out */
    int quiet;
    size_t jobs;         /* worker threads; 0 = number of cores */
    unsigned shard_k, shard_n; /* --shard K/N; 0 = no sharding */
    int dry_run;         /* render: list the files that would be written, write nothing */
    /* snapshot */
    const char *map;     /* --map ID */
    int zoom;            /* --zoom Z */
    int has_bbox;
    double bbox[4];      /* --bbox minlon,minlat,maxlon,maxlat */
    int scale;           /* --scale 1|2 */
    const char *output;  /* -o FILE.png */
    /* check: single files replacing the config's sources */
    const char *f_committees, *f_platforms, *f_projects, *f_evaluations;
    const char *encoding, *assume_crs;
} pm_cmd_opts;

/* Validates everything and reports: a human summary, or with json one JSON object
 * (committees, years, names, ranks, summary, problems) on out.  Problems go to err
 * as text (unless json).  Returns the worst status. */
pm_status pm_cmd_check(const pm_cmd_opts *o, FILE *out, FILE *err);

/* Renders the requested outputs; progress and problems on err. */
pm_status pm_cmd_render(const pm_cmd_opts *o, FILE *err);

/* The year's changes against the year before: out/YEAR/changes.csv (UTF-8 with a
 * BOM, one row per committee) and a readable Chinese summary on out; problems on err. */
pm_status pm_cmd_report(const pm_cmd_opts *o, FILE *out, FILE *err);

/* Merges the n shard packages in into out (pm_merge_packages); a summary on err
 * unless quiet.  Refuses (PM_EUSAGE) a set of inputs named .shard-K-of-N that
 * lacks some K. */
pm_status pm_cmd_merge(const char *out, const char *const *in, size_t n, uint64_t max_tiles,
                       int quiet, FILE *err);

/* Draws one grid-aligned EPSG:3857 view of a map as a PNG (the tiles' reference). */
pm_status pm_cmd_snapshot(const pm_cmd_opts *o, FILE *err);

#endif
