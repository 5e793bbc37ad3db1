/* Output layout: the folder tree of a run, spelled out once. */
#include "app/layout.h"

#include <stdio.h>
#include <string.h>

#include "core/fileio.h"

char *pm_layout_poster(const char *out, int year, const char *map, const char *ext)
{
    return pm_asprintf("%s/%d/print/%s.%s", out, year, map, ext);
}

char *pm_layout_atlas(const char *out, int year)
{
    return pm_asprintf("%s/%d/atlas.pdf", out, year);
}

char *pm_layout_atlas_print(const char *out, int year)
{
    return pm_asprintf("%s/%d/atlas.print.pdf", out, year);
}

char *pm_layout_year_tiles(const char *out, int year)
{
    return pm_asprintf("%s/%d/tiles", out, year);
}

char *pm_layout_tile_dir(const char *out, int year, const char *map)
{
    return pm_asprintf("%s/%d/tiles/%s", out, year, map);
}

char *pm_layout_tile_pattern(const char *out, int year, const char *map, const char *suffix)
{
    return pm_asprintf("%s/%d/tiles/%s/{z}/{x}/{y}%s.png", out, year, map, suffix);
}

void pm_layout_shard_part(unsigned k, unsigned n, char *buf, size_t len)
{
    if (n > 1) snprintf(buf, len, ".shard-%u-of-%u", k, n);
    else if (len) buf[0] = '\0';
}

char *pm_layout_package(const char *out, int year, const char *map, const char *suffix,
                        unsigned k, unsigned n, const char *ext)
{
    char shard[48];
    pm_layout_shard_part(k, n, shard, sizeof shard);
    return pm_asprintf("%s/%d/tiles/%s%s%s.%s", out, year, map, suffix, shard, ext);
}

char *pm_layout_sheet(const char *out, int year, const char *ext)
{
    return pm_asprintf("%s/%d/evaluation.%s", out, year, ext);
}

char *pm_layout_changes(const char *out, int year)
{
    return pm_asprintf("%s/%d/changes.csv", out, year);
}

char *pm_layout_gpkg(const char *out)
{
    return pm_asprintf("%s/partymap.gpkg", out);
}

char *pm_layout_site(const char *out, const char *file)
{
    return *file ? pm_asprintf("%s/site/%s", out, file) : pm_asprintf("%s/site", out);
}

int pm_layout_shard_of(const char *path, unsigned *k, unsigned *n)
{
    const char *p = strstr(path, ".shard-");
    char tail[16];
    return p && sscanf(p, ".shard-%u-of-%u.%15s", k, n, tail) == 3 && *k >= 1 && *k <= *n;
}
