/* partymap's command line: parses arguments and dispatches to the commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/project.h"

static const char *const usage_main =
    "usage: partymap COMMAND [options]\n"
    "\n"
    "Renders community-governance index maps from committee polygons, points and\n"
    "evaluation tables.\n"
    "\n"
    "commands:\n"
    "  render   draw the maps (print posters) into the output folder\n"
    "  check    validate the data, styles and config; report problems\n"
    "\n"
    "Run 'partymap COMMAND --help' for a command's options.\n";

static const char *const usage_render =
    "usage: partymap render [-c CONFIG] [--year YEAR] [--maps ID,...] [--out DIR]\n"
    "                       [--only KINDS] [--quiet]\n"
    "\n"
    "  -c, --config FILE  project file (default: the bundled Changshou Road sample)\n"
    "  --year YEAR        evaluation year to draw (default: the latest in the data)\n"
    "  --maps ID,...      maps to draw (default: every map of the config)\n"
    "  --out DIR          output folder (default: the config's \"output\")\n"
    "  --only KINDS       comma list of print, tiles, site, atlas (default: all)\n"
    "  -q, --quiet        no progress messages\n"
    "\n"
    "Writes DIR/YEAR/print/ID.pdf and ID.png. Exit status: 0 success, 1 invalid data\n"
    "or config, 2 usage error, 3 I/O error, 4 internal error.\n";

static const char *const usage_check =
    "usage: partymap check [-c CONFIG] [--maps ID,...] [--json]\n"
    "\n"
    "  -c, --config FILE  project file (default: the bundled Changshou Road sample)\n"
    "  --maps ID,...      styles to check (default: every map of the config)\n"
    "  --json             print one JSON object: committees, years, names, ranks,\n"
    "                     summary (classes per year and map) and problems\n"
    "\n"
    "Exit status: 0 no errors, 1 invalid data or config, 2 usage error.\n";

static int parse_kinds(const char *s, unsigned *kinds)
{
    static const struct { const char *name; pm_kind k; } names[] = {
        { "print", PM_KIND_PRINT }, { "tiles", PM_KIND_TILES },
        { "site", PM_KIND_SITE }, { "atlas", PM_KIND_ATLAS },
    };
    *kinds = 0;
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = 0;
        for (size_t i = 0; i < 4; i++)
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
    enum { O_YEAR = 256, O_MAPS, O_OUT, O_ONLY, O_JSON };
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' }, { "year", required_argument, NULL, O_YEAR },
        { "maps", required_argument, NULL, O_MAPS }, { "out", required_argument, NULL, O_OUT },
        { "only", required_argument, NULL, O_ONLY }, { "json", no_argument, NULL, O_JSON },
        { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
    };
    int render = strcmp(cmd, "render") == 0;
    const char *usage = render ? usage_render : usage_check;
    pm_cmd_opts o = { 0 };
    int c;
    while ((c = getopt_long(argc, argv, "c:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o.config = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case O_MAPS: o.maps = optarg; break;
        case O_YEAR:
            if (!render || !parse_year(optarg, &o.year)) goto bad;
            break;
        case O_OUT: if (!render) goto bad; o.out = optarg; break;
        case O_ONLY:
            if (!render || !parse_kinds(optarg, &o.kinds)) {
                fprintf(stderr, "partymap: --only: expected a comma list of print, tiles, site, atlas\n");
                return 2;
            }
            break;
        case O_JSON: if (render) goto bad; o.json = 1; break;
        default: goto bad;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "partymap: unexpected argument '%s'\n", argv[optind]);
        goto bad;
    }
    return pm_exit_code(render ? pm_cmd_render(&o, stderr) : pm_cmd_check(&o, stdout, stderr));
bad:
    fputs(usage, stderr);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fputs(usage_main, stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[1], "render") && strcmp(argv[1], "check")) {
        fprintf(stderr, "partymap: unknown command '%s'\n\n%s", argv[1], usage_main);
        return 2;
    }
    return run(argv[1], argc - 1, argv + 1);
}
