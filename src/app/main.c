/* partymap's command line: parses arguments and dispatches to the commands. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/project.h"
#include "app/stage.h"
#include "core/cancel.h"
#include "data/config.h"

static const char *const usage_main =
    "usage: partymap COMMAND [options]\n"
    "\n"
    "Renders community-governance index maps from committee polygons, points and\n"
    "evaluation tables.\n"
    "\n"
    "commands:\n"
    "  render   draw the maps (posters, tiles, packages, website) into the output folder\n"
    "  snapshot draw one map view on the tile grid as a PNG image\n"
    "  check    validate the data, styles and config; report problems\n"
    "  init     write a first config for a folder of the files an agency sends\n"
    "  merge    combine the shard packages of a --shard run into one package\n"
    "  report   a year's changes against the year before: changes.csv and a summary\n"
    "\n"
    "Run 'partymap COMMAND --help' for a command's options.\n";

static const char *const usage_render =
    "usage: partymap render [-c CONFIG] [--year YEAR] [--maps ID,...] [--out DIR]\n"
    "                       [--only KINDS] [--jobs N] [--shard K/N] [--dry-run] [--production]\n"
    "                       [--quiet]\n"
    "\n"
    "  -c, --config FILE  project file (default: the bundled Changshou Road sample)\n"
    "  --year YEAR|all    evaluation year to draw (default: the latest in the data)\n"
    "  --maps ID,...      maps whose posters and tiles to draw (default: every map of\n"
    "                     the config; the atlas, data and site always cover every map)\n"
    "  --out DIR          output folder (default: the config's \"output\")\n"
    "  --only KINDS       comma list of print, tiles, site, atlas, data (default: all)\n"
    "  -j, --jobs N       rendering threads (default: the number of cores)\n"
    "  --shard K/N        render only shard K of N of the tiles (packages only)\n"
    "  --dry-run          list the files that would be written; write nothing\n"
    "  --production       also write the print files for the press: DIR/YEAR/print/ID.print.pdf\n"
    "                     and DIR/YEAR/atlas.print.pdf, CMYK PDF/X-3 with bleed (as the\n"
    "                     config's \"print\": {\"production\": true}); needs print or atlas\n"
    "  -q, --quiet        no progress messages\n"
    "\n"
    "Writes DIR/YEAR/print/ID.pdf and .png, DIR/YEAR/tiles/ID/{z}/{x}/{y}[@2x].png,\n"
    "DIR/YEAR/tiles/ID[@2x].mbtiles and .pmtiles, DIR/YEAR/atlas.pdf (the diagnosis\n"
    "atlas: cover, contents, a page per committee), DIR/site/, DIR/YEAR/evaluation.xlsx\n"
    "and .csv (data) and the GeoPackage DIR/partymap.gpkg styled for QGIS. Exit status:\n"
    "0 success, 1 invalid data or config, 2 usage error, 3 I/O error, 4 internal error.\n";

static const char *const usage_snapshot =
    "usage: partymap snapshot --map ID [--year Y] --zoom Z\n"
    "                         [--bbox MINLON,MINLAT,MAXLON,MAXLAT] [--scale 2] -o FILE.png\n"
    "\n"
    "Draws the map in EPSG:3857 at zoom Z as one image aligned with the tile grid:\n"
    "the tiles of the same region, stitched, are exactly this image. Without --bbox\n"
    "the whole subdistrict is drawn. --scale 2 draws @2x (512 px tile) pixels.\n"
    "  -c, --config FILE  project file (default: the bundled sample)\n";

static const char *const usage_check =
    "usage: partymap check [-c CONFIG] [--maps ID,...] [--json]\n"
    "                      [--committees FILE] [--platforms FILE] [--projects FILE]\n"
    "                      [--evaluations FILE] [--encoding ENC] [--assume-crs CRS]\n"
    "\n"
    "  -c, --config FILE  project file (default: the bundled Changshou Road sample)\n"
    "  --maps ID,...      styles to check (default: every map of the config)\n"
    "  --json             print one JSON object: committees, years, names, ranks,\n"
    "                     summary (classes per year and map) and problems\n"
    "  --committees FILE, --platforms FILE, --projects FILE, --evaluations FILE\n"
    "                     check this file in place of the config's source (the\n"
    "                     config's field names apply)\n"
    "  --encoding ENC     text encoding of those files, e.g. GBK\n"
    "  --assume-crs CRS   CRS of those files when they carry none, e.g. EPSG:4326\n"
    "\n"
    "Exit status: 0 no errors, 1 invalid data or config, 2 usage error.\n";

static const char *const usage_report =
    "usage: partymap report [-c CONFIG] [--year YEAR] [--out DIR]\n"
    "\n"
    "  -c, --config FILE  project file (default: the bundled Changshou Road sample)\n"
    "  --year YEAR        evaluation year (default: the latest in the data)\n"
    "  --out DIR          output folder (default: the config's \"output\")\n"
    "\n"
    "Writes DIR/YEAR/changes.csv (UTF-8 with BOM; per committee: code, name, class and\n"
    "rank of the headline map in the previous year and this year, rank change, score\n"
    "change) and prints a summary: class changes, biggest rank moves, projects by status.\n";

/* --only: a comma list of the stage table's kinds. */
static int parse_kinds(const char *s, unsigned *kinds)
{
    *kinds = 0;
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, ",");
        unsigned bit = pm_stage_kind_bit(p, n);
        if (!bit) return 0;
        *kinds |= bit;
        p += n + (p[n] == ',');
    }
    return *kinds != 0;
}

/* A whole decimal integer in [lo, hi]: no sign tricks, no wrap, no trailing text. */
static int parse_long(const char *s, long lo, long hi, long *v)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s)) return 0;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno || *end || x < lo || x > hi) return 0;
    *v = x;
    return 1;
}

/* "K/N" with 1 <= K <= N <= 100000. */
static int parse_shard(const char *s, unsigned *k, unsigned *n)
{
    const char *slash = strchr(s, '/');
    char kbuf[16];
    long kv, nv;
    if (!slash || (size_t)(slash - s) >= sizeof kbuf) return 0;
    memcpy(kbuf, s, (size_t)(slash - s));
    kbuf[slash - s] = '\0';
    if (!parse_long(kbuf, 1, 100000, &kv) || !parse_long(slash + 1, 1, 100000, &nv) || kv > nv) return 0;
    *k = (unsigned)kv;
    *n = (unsigned)nv;
    return 1;
}

/* MINLON,MINLAT,MAXLON,MAXLAT: four finite numbers, a box on the Web Mercator grid. */
static int parse_bbox(const char *s, double b[4])
{
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        b[i] = strtod(p, &end);
        if (end == p || errno || !isfinite(b[i])) return 0;
        if (*end != (i < 3 ? ',' : '\0')) return 0;
        p = end + 1;
    }
    return b[0] >= -180 && b[2] <= 180 && b[1] >= -85.0511 && b[3] <= 85.0511 && b[0] < b[2]
           && b[1] < b[3];
}

/* A comma list naming at least one map (no empty names). */
static int parse_maps(const char *s)
{
    if (!*s) return 0;
    for (const char *p = s; *p; p++)
        if (*p == ',' && (p == s || p[1] == ',' || p[1] == '\0')) return 0;
    return *s != ',';
}

enum { C_RENDER = 1, C_SNAPSHOT = 2, C_CHECK = 4, C_REPORT = 8 };

static const char *cmd_name(unsigned c)
{
    return c == C_RENDER ? "render" : c == C_SNAPSHOT ? "snapshot" : c == C_CHECK ? "check" : "report";
}

/* Which commands take each option: a known option given to another command names
 * itself and where it belongs, instead of a bare usage text. */
static const struct { const char *name; unsigned cmds; } takes[] = {
    { "config", C_RENDER | C_SNAPSHOT | C_CHECK | C_REPORT }, { "year", C_RENDER | C_SNAPSHOT | C_REPORT },
    { "maps", C_RENDER | C_CHECK }, { "out", C_RENDER | C_REPORT }, { "only", C_RENDER },
    { "json", C_CHECK }, { "quiet", C_RENDER | C_SNAPSHOT | C_CHECK | C_REPORT },
    { "help", C_RENDER | C_SNAPSHOT | C_CHECK | C_REPORT }, { "jobs", C_RENDER }, { "shard", C_RENDER },
    { "map", C_SNAPSHOT }, { "zoom", C_SNAPSHOT }, { "bbox", C_SNAPSHOT }, { "scale", C_SNAPSHOT },
    { "output", C_SNAPSHOT }, { "committees", C_CHECK }, { "platforms", C_CHECK }, { "projects", C_CHECK },
    { "evaluations", C_CHECK }, { "encoding", C_CHECK }, { "assume-crs", C_CHECK }, { "crs", C_CHECK },
    { "dry-run", C_RENDER }, { "production", C_RENDER },
};

static int allowed(const char *opt, unsigned cmd)
{
    for (size_t i = 0; i < sizeof takes / sizeof *takes; i++)
        if (strcmp(takes[i].name, opt) == 0) {
            if (takes[i].cmds & cmd) return 1;
            char list[64] = "";
            for (unsigned b = 1; b <= C_REPORT; b <<= 1)
                if (takes[i].cmds & b)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? ", " : "", cmd_name(b));
            fprintf(stderr, "partymap: %s does not take --%s (an option of %s)\n", cmd_name(cmd), opt, list);
            return 0;
        }
    return 1;
}

/* A bad value: names the option and what it takes. */
static int bad_value(const char *opt, const char *val, const char *want)
{
    fprintf(stderr, "partymap: --%s %s: expected %s\n", opt, val, want);
    return 0;
}

static int run(const char *cmd, int argc, char **argv)
{
    enum { O_YEAR = 256, O_MAPS, O_OUT, O_ONLY, O_JSON, O_SHARD, O_MAP, O_ZOOM, O_BBOX, O_SCALE,
           O_FCOMM, O_FPLAT, O_FPROJ, O_FEVAL, O_ENC, O_ACRS, O_DRY, O_CRS, O_PROD };
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' }, { "year", required_argument, NULL, O_YEAR },
        { "maps", required_argument, NULL, O_MAPS }, { "out", required_argument, NULL, O_OUT },
        { "only", required_argument, NULL, O_ONLY }, { "json", no_argument, NULL, O_JSON },
        { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
        { "jobs", required_argument, NULL, 'j' }, { "shard", required_argument, NULL, O_SHARD },
        { "map", required_argument, NULL, O_MAP }, { "zoom", required_argument, NULL, O_ZOOM },
        { "bbox", required_argument, NULL, O_BBOX }, { "scale", required_argument, NULL, O_SCALE },
        { "output", required_argument, NULL, 'o' },
        { "committees", required_argument, NULL, O_FCOMM }, { "platforms", required_argument, NULL, O_FPLAT },
        { "projects", required_argument, NULL, O_FPROJ }, { "evaluations", required_argument, NULL, O_FEVAL },
        { "encoding", required_argument, NULL, O_ENC }, { "assume-crs", required_argument, NULL, O_ACRS },
        { "crs", required_argument, NULL, O_CRS }, { "dry-run", no_argument, NULL, O_DRY },
        { "production", no_argument, NULL, O_PROD },
        { 0, 0, 0, 0 },
    };
    unsigned cm = !strcmp(cmd, "render") ? C_RENDER : !strcmp(cmd, "snapshot") ? C_SNAPSHOT
                : !strcmp(cmd, "report") ? C_REPORT : C_CHECK;
    int render = cm == C_RENDER, snap = cm == C_SNAPSHOT;
    const char *usage = render ? usage_render : snap ? usage_snapshot : cm == C_REPORT ? usage_report : usage_check;
    pm_cmd_opts o = { 0 };
    int c, li;
    long v;
    o.zoom = -1;
    opterr = 0; /* partymap words its own messages */
    while ((li = -1, c = getopt_long(argc, argv, ":c:qhj:o:", opts, &li)) != -1) {
        const char *name = li >= 0 ? opts[li].name : c == 'c' ? "config" : c == 'q' ? "quiet"
                         : c == 'h' ? "help" : c == 'j' ? "jobs" : c == 'o' ? "output" : NULL;
        if (c == '?' || c == ':') {
            const char *arg = argv[optind - 1];
            if (c == ':') fprintf(stderr, "partymap: %s needs a value\n", arg);
            else if (optopt) fprintf(stderr, "partymap: unknown option -%c\n", optopt);
            else fprintf(stderr, "partymap: unknown option %s\n", arg);
            goto bad;
        }
        if (name && !allowed(name, cm)) goto bad;
        switch (c) {
        case 'c': o.config = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case O_MAPS:
            if (!parse_maps(optarg)) { bad_value("maps", optarg, "a comma list of map ids, e.g. service,satisfaction"); goto bad; }
            o.maps = optarg;
            break;
        case O_YEAR:
            if (render && strcmp(optarg, "all") == 0) o.year = -1;
            else if (parse_long(optarg, 1900, 2200, &v)) o.year = (int)v;
            else { bad_value("year", optarg, render ? "a year from 1900 to 2200, or all" : "a year from 1900 to 2200"); goto bad; }
            break;
        case 'j':
            if (!parse_long(optarg, 1, 256, &v)) { bad_value("jobs", optarg, "a number of threads from 1 to 256"); goto bad; }
            o.jobs = (size_t)v;
            break;
        case O_SHARD:
            if (!parse_shard(optarg, &o.shard_k, &o.shard_n)) {
                fprintf(stderr, "partymap: --shard: expected K/N with 1 <= K <= N <= 100000\n");
                return 2;
            }
            break;
        case O_MAP: o.map = optarg; break;
        case O_ZOOM:
            if (!parse_long(optarg, 0, 22, &v)) { bad_value("zoom", optarg, "a zoom level from 0 to 22"); goto bad; }
            o.zoom = (int)v;
            break;
        case O_BBOX:
            if (!parse_bbox(optarg, o.bbox)) {
                fprintf(stderr, "partymap: --bbox: expected MINLON,MINLAT,MAXLON,MAXLAT (finite, min < max, "
                        "longitudes -180..180, latitudes -85.05..85.05)\n");
                return 2;
            }
            o.has_bbox = 1;
            break;
        case O_SCALE:
            if (!parse_long(optarg, 1, 2, &v)) { bad_value("scale", optarg, "1 or 2"); goto bad; }
            o.scale = (int)v;
            break;
        case 'o': o.output = optarg; break;
        case O_FCOMM: o.f_committees = optarg; break;
        case O_FPLAT: o.f_platforms = optarg; break;
        case O_FPROJ: o.f_projects = optarg; break;
        case O_FEVAL: o.f_evaluations = optarg; break;
        case O_ENC: o.encoding = optarg; break;
        case O_ACRS:
        case O_CRS: {
            char *why = NULL;
            if (!pm_config_crs_ok(optarg, 0, &why)) {
                fprintf(stderr, "partymap: --%s %s: not a usable coordinate system: %s\n", name, optarg,
                        why ? why : "unknown to PROJ");
                free(why);
                return 2;
            }
            if (c == O_CRS) o.crs = optarg;
            else o.assume_crs = optarg;
            break;
        }
        case O_OUT: o.out = optarg; break;
        case O_DRY: o.dry_run = 1; break;
        case O_PROD: o.production = 1; break;
        case O_ONLY:
            if (!parse_kinds(optarg, &o.kinds)) {
                char kinds[128];
                pm_stage_kind_list(kinds, sizeof kinds);
                fprintf(stderr, "partymap: --only: expected a comma list of %s\n", kinds);
                return 2;
            }
            break;
        case O_JSON: o.json = 1; break;
        default: goto bad;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "partymap: unexpected argument '%s'\n", argv[optind]);
        goto bad;
    }
    if (snap && (!o.map || o.zoom < 0 || !o.output)) {
        fprintf(stderr, "partymap: snapshot needs --map, --zoom and -o\n");
        goto bad;
    }
    if (o.production && o.kinds && !(o.kinds & (pm_stage_kind_bit("print", 5) | pm_stage_kind_bit("atlas", 5)))) {
        fprintf(stderr, "partymap: --production makes the print files of posters and the atlas: "
                        "use it with --only print or atlas\n");
        return 2;
    }
    if (snap) return pm_exit_code(pm_cmd_snapshot(&o, stderr));
    if (cm == C_REPORT) return pm_exit_code(pm_cmd_report(&o, stdout, stderr));
    return pm_exit_code(render ? pm_cmd_render(&o, stderr) : pm_cmd_check(&o, stdout, stderr));
bad:
    fputs(usage, stderr);
    return 2;
}

static const char *const usage_init =
    "usage: partymap init DIR [-o CONFIG] [--force]\n"
    "\n"
    "Reads the vector files and tables under DIR (shapefiles, GeoJSON, GeoPackage, CSV,\n"
    "XLSX; recursively), guesses what each one is (committees, platforms, projects,\n"
    "evaluations, statistics, context layers), the fields, the text encoding and\n"
    "whether the CRS looks wrong, and writes a config with notes (\"_comment\",\n"
    "\"_todo\") and the styles of its maps beside it.  Then it runs check on the config\n"
    "and lists what is still to set or confirm.\n"
    "\n"
    "  -o, --output CONFIG  the config to write (default: DIR/partymap.json)\n"
    "  --force              replace CONFIG if it exists\n"
    "\n"
    "Exit status: 0 the config passes check, 1 it still needs your input (see the\n"
    "list), 2 usage error (no such folder, CONFIG exists), 3 I/O error.\n";

static int run_init_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
    };
    const char *out = NULL;
    int force = 0, c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'h') { fputs(usage_init, stdout); return 0; }
        if (c == 'o') out = optarg;
        else if (c == 'f') force = 1;
        else { fputs(usage_init, stderr); return 2; }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "partymap: init needs one folder\n%s", usage_init);
        return 2;
    }
    return pm_exit_code(pm_cmd_init(argv[optind], out, force, stdout, stderr));
}

static const char *const usage_merge =
    "usage: partymap merge -o OUT.mbtiles|OUT.pmtiles [--max-tiles N] [--quiet] SHARD...\n"
    "       partymap merge --all DIR [--max-tiles N] [--quiet]\n"
    "\n"
    "Combines the packages that 'render --shard K/N' wrote (MAP.shard-K-of-N.mbtiles or\n"
    ".pmtiles, in any order) into one package, byte for byte the one a single run\n"
    "writes.  Refuses shards of different runs, overlapping shards, and a set of\n"
    "shards named K-of-N with one missing.  A shard without tiles writes no PMTiles\n"
    "(the format cannot be empty): give the .mbtiles shards, for either output.\n"
    "  --max-tiles N      refuse inputs addressing more than N tiles together\n"
    "                     (default 10000000; README \"Resource limits\")\n"
    "\n"
    "--all DIR merges every shard set in DIR (out/YEAR/tiles: every map, 256 px and\n"
    "@2x) into DIR/MAP.mbtiles and DIR/MAP.pmtiles, after checking that every set is\n"
    "whole (nothing is merged otherwise).\n";

static int run_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
        { "max-tiles", required_argument, NULL, 'm' }, { "all", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
    };
    const char *out = NULL, *all = NULL;
    int quiet = 0, c;
    uint64_t max_tiles = 0;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        if (c == 'h') { fputs(usage_merge, stdout); return 0; }
        if (c == 'o') out = optarg;
        else if (c == 'a') all = optarg;
        else if (c == 'q') quiet = 1;
        else if (c == 'm') {
            char *end = NULL;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (optarg[0] < '1' || optarg[0] > '9' || *end || errno || v > (1ull << 40)) {
                fprintf(stderr, "partymap: --max-tiles: expected a whole number from 1 to 2^40\n");
                return 2;
            }
            max_tiles = v;
        } else { fputs(usage_merge, stderr); return 2; }
    }
    if (all && (out || optind < argc)) {
        fprintf(stderr, "partymap: merge --all takes a folder alone, without -o or shards\n%s", usage_merge);
        return 2;
    }
    if (all) return pm_exit_code(pm_cmd_merge_all(all, max_tiles, quiet, stderr));
    if (!out || optind >= argc) {
        fprintf(stderr, "partymap: merge needs -o OUT and at least one shard\n%s", usage_merge);
        return 2;
    }
    return pm_exit_code(pm_cmd_merge(out, (const char *const *)argv + optind, (size_t)(argc - optind),
                                     max_tiles, quiet, stderr));
}

int main(int argc, char **argv)
{
    /* Cairo's per-metatile scratch images (clip masks, megabytes each) would otherwise
     * be mapped and unmapped, or trimmed with madvise, again and again: with several
     * threads every such call stops all CPUs of the process (a TLB shootdown), which
     * made two threads slower than one.  Freed memory stays in the heap instead. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    pm_cancel_install();
    if (argc < 2) { fputs(usage_main, stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "merge")) return run_merge(argc - 1, argv + 1);
    if (!strcmp(argv[1], "init")) return run_init_cmd(argc - 1, argv + 1);
    if (strcmp(argv[1], "render") && strcmp(argv[1], "check") && strcmp(argv[1], "snapshot")
        && strcmp(argv[1], "report")) {
        fprintf(stderr, "partymap: unknown command '%s'\n\n%s", argv[1], usage_main);
        return 2;
    }
    return run(argv[1], argc - 1, argv + 1);
}
