/* partymap's command line: parses arguments and dispatches to the commands. */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/project.h"
#include "core/cancel.h"

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
    "  merge    combine the shard packages of a --shard run into one package\n"
    "  report   a year's changes against the year before: changes.csv and a summary\n"
    "\n"
    "Run 'partymap COMMAND --help' for a command's options.\n";

static const char *const usage_render =
    "usage: partymap render [-c CONFIG] [--year YEAR] [--maps ID,...] [--out DIR]\n"
    "                       [--only KINDS] [--jobs N] [--shard K/N] [--dry-run] [--quiet]\n"
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

static int parse_kinds(const char *s, unsigned *kinds)
{
    static const struct { const char *name; pm_kind k; } names[] = {
        { "print", PM_KIND_PRINT }, { "tiles", PM_KIND_TILES },
        { "site", PM_KIND_SITE }, { "atlas", PM_KIND_ATLAS }, { "data", PM_KIND_DATA },
    };
    *kinds = 0;
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = 0;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == n && strncmp(names[i].name, p, n) == 0) {
                *kinds |= names[i].k;
                found = 1;
            }
        if (!found) return 0;
        p += n + (p[n] == ',');
    }
    return *kinds != 0;
}

static int parse_year(const char *s, int *year)
{
    char *end;
    long y = strtol(s, &end, 10);
    if (*s == '\0' || *end || y < 1900 || y > 2200) return 0;
    *year = (int)y;
    return 1;
}

static int run(const char *cmd, int argc, char **argv)
{
    enum { O_YEAR = 256, O_MAPS, O_OUT, O_ONLY, O_JSON, O_SHARD, O_MAP, O_ZOOM, O_BBOX, O_SCALE,
           O_FCOMM, O_FPLAT, O_FPROJ, O_FEVAL, O_ENC, O_CRS, O_DRY };
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
        { "encoding", required_argument, NULL, O_ENC }, { "assume-crs", required_argument, NULL, O_CRS },
        { "dry-run", no_argument, NULL, O_DRY },
        { 0, 0, 0, 0 },
    };
    int render = strcmp(cmd, "render") == 0, snap = strcmp(cmd, "snapshot") == 0;
    int check = strcmp(cmd, "check") == 0;
    int report = strcmp(cmd, "report") == 0;
    const char *usage = render ? usage_render : snap ? usage_snapshot : report ? usage_report : usage_check;
    pm_cmd_opts o = { 0 };
    int c;
    char *end, ch;
    o.zoom = -1;
    while ((c = getopt_long(argc, argv, "c:qhj:o:", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o.config = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case O_MAPS: o.maps = optarg; break;
        case O_YEAR:
            if (render && strcmp(optarg, "all") == 0) o.year = -1;
            else if ((!render && !snap && !report) || !parse_year(optarg, &o.year)) goto bad;
            break;
        case 'j': {
            long j = strtol(optarg, &end, 10);
            if (!render || *end || j < 1 || j > 256) goto bad;
            o.jobs = (size_t)j;
            break;
        }
        case O_SHARD:
            if (!render || sscanf(optarg, "%u/%u%c", &o.shard_k, &o.shard_n, &ch) != 2
                || o.shard_n < 1 || o.shard_k < 1 || o.shard_k > o.shard_n) {
                fprintf(stderr, "partymap: --shard: expected K/N with 1 <= K <= N\n");
                return 2;
            }
            break;
        case O_MAP: if (!snap) goto bad; o.map = optarg; break;
        case O_ZOOM: {
            long z = strtol(optarg, &end, 10);
            if (!snap || *end || z < 0 || z > 22) goto bad;
            o.zoom = (int)z;
            break;
        }
        case O_BBOX:
            if (!snap || sscanf(optarg, "%lf,%lf,%lf,%lf%c", &o.bbox[0], &o.bbox[1], &o.bbox[2],
                                &o.bbox[3], &ch) != 4 || o.bbox[0] >= o.bbox[2] || o.bbox[1] >= o.bbox[3]) {
                fprintf(stderr, "partymap: --bbox: expected MINLON,MINLAT,MAXLON,MAXLAT\n");
                return 2;
            }
            o.has_bbox = 1;
            break;
        case O_SCALE:
            if (!snap || (strcmp(optarg, "1") && strcmp(optarg, "2"))) goto bad;
            o.scale = atoi(optarg);
            break;
        case 'o': if (!snap) goto bad; o.output = optarg; break;
        case O_FCOMM: if (!check) goto bad; o.f_committees = optarg; break;
        case O_FPLAT: if (!check) goto bad; o.f_platforms = optarg; break;
        case O_FPROJ: if (!check) goto bad; o.f_projects = optarg; break;
        case O_FEVAL: if (!check) goto bad; o.f_evaluations = optarg; break;
        case O_ENC: if (!check) goto bad; o.encoding = optarg; break;
        case O_CRS: if (!check) goto bad; o.assume_crs = optarg; break;
        case O_OUT: if (!render && !report) goto bad; o.out = optarg; break;
        case O_DRY: if (!render) goto bad; o.dry_run = 1; break;
        case O_ONLY:
            if (!render || !parse_kinds(optarg, &o.kinds)) {
                fprintf(stderr, "partymap: --only: expected a comma list of print, tiles, site, atlas, data\n");
                return 2;
            }
            break;
        case O_JSON: if (render || report) goto bad; o.json = 1; break;
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
    if (snap) return pm_exit_code(pm_cmd_snapshot(&o, stderr));
    if (report) return pm_exit_code(pm_cmd_report(&o, stdout, stderr));
    return pm_exit_code(render ? pm_cmd_render(&o, stderr) : pm_cmd_check(&o, stdout, stderr));
bad:
    fputs(usage, stderr);
    return 2;
}

static const char *const usage_merge =
    "usage: partymap merge -o OUT.mbtiles|OUT.pmtiles [--max-tiles N] [--quiet] SHARD...\n"
    "\n"
    "Combines the packages that 'render --shard K/N' wrote (MAP.shard-K-of-N.mbtiles or\n"
    ".pmtiles, in any order) into one package, byte for byte the one a single run\n"
    "writes.  Refuses shards of different runs, overlapping shards, and a set of\n"
    "shards named K-of-N with one missing.  A shard without tiles writes no PMTiles\n"
    "(the format cannot be empty): give the .mbtiles shards, for either output.\n"
    "  --max-tiles N      refuse inputs addressing more than N tiles together\n"
    "                     (default 10000000; README \"Resource limits\")\n";

static int run_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
        { "max-tiles", required_argument, NULL, 'm' }, { "help", no_argument, NULL, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *out = NULL;
    int quiet = 0, c;
    uint64_t max_tiles = 0;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        if (c == 'h') { fputs(usage_merge, stdout); return 0; }
        if (c == 'o') out = optarg;
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
    if (strcmp(argv[1], "render") && strcmp(argv[1], "check") && strcmp(argv[1], "snapshot")
        && strcmp(argv[1], "report")) {
        fprintf(stderr, "partymap: unknown command '%s'\n\n%s", argv[1], usage_main);
        return 2;
    }
    return run(argv[1], argc - 1, argv + 1);
}
