/* The commands behind the command line: check and render. */
#ifndef PM_APP_COMMANDS_H
#define PM_APP_COMMANDS_H

#include <stdint.h>
#include <stdio.h>
#include "core/status.h"

typedef struct {
    const char *config;  /* NULL = bundled sample */
    int year;            /* 0 = latest in the data */
    const char *maps;    /* comma list or NULL = all of the config */
    const char *out;     /* NULL = the config's output folder */
    unsigned kinds;      /* --only: bits of the stage kinds (pm_stage_kind_bit); 0 = all */
    int json;            /* check: JSON report on out */
    int quiet;
    size_t jobs;         /* worker threads; 0 = number of cores */
    unsigned shard_k, shard_n; /* --shard K/N; 0 = no sharding */
    int dry_run;         /* render: list the files that would be written, write nothing */
    int production;      /* render --production: also the CMYK PDF/X print files */
    /* snapshot */
    const char *map;     /* --map ID */
    int zoom;            /* --zoom Z */
    int has_bbox;
    double bbox[4];      /* --bbox minlon,minlat,maxlon,maxlat */
    int scale;           /* --scale 1|2 */
    const char *output;  /* -o FILE.png */
    /* check: single files replacing the config's sources */
    const char *f_committees, *f_platforms, *f_projects, *f_evaluations;
    const char *encoding, *assume_crs, *crs;
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

/* merge --all DIR: every shard set in dir (the packages BASE.shard-K-of-N.mbtiles or
 * .pmtiles that render --shard writes, BASE a map id with "@2x" for 512 px tiles) merged
 * into dir/BASE.mbtiles and dir/BASE.pmtiles through pm_cmd_merge, a summary line per
 * package and one for the folder on err unless quiet.  Each output is merged from the
 * shards of its own format when every shard has one, else from the MBTiles shards (a
 * shard without tiles writes no PMTiles), a shard's other package standing in for a
 * missing one.  Checks every set first and merges nothing (PM_EUSAGE, each problem on
 * err) if one lacks a shard, holds shards of two different N, or dir holds no shard at
 * all; PM_EUSAGE also for a missing dir.  Stops with PM_ECANCEL between packages once a
 * signal asked to.  max_tiles as for pm_cmd_merge (0: the default). */
pm_status pm_cmd_merge_all(const char *dir, uint64_t max_tiles, int quiet, FILE *err);

/* A first config from the files under dir (partymap init): probes every vector file
 * and table (data/probe.h), guesses each one's role and fields (app/init_plan.h) and
 * writes config (NULL: dir/partymap.json) with "_comment" and "_todo" notes, plus the
 * styles of its maps in styles/ beside it (a style already there is kept); then runs
 * check on it.  An existing config is replaced only with force.  What was found, the
 * check and what is still to do go to out, failures to err.  Returns the check's
 * status (PM_OK: ready to render; PM_EDATA: the config needs the user's input), or
 * PM_EUSAGE (no such folder, config exists), PM_EIO, PM_ENOMEM. */
pm_status pm_cmd_init(const char *dir, const char *config, int force, FILE *out, FILE *err);

/* Draws one grid-aligned EPSG:3857 view of a map as a PNG (the tiles' reference). */
pm_status pm_cmd_snapshot(const pm_cmd_opts *o, FILE *err);

#endif
