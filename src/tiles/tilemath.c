/* Tile maths for the EPSG:3857 XYZ scheme. */
#include "tiles/tilemath.h"

#include <math.h>
#include <stdlib.h>

double pm_tile_scale(int z, int tile_px)
{
    return (double)tile_px * ldexp(1.0, z) / (2 * PM_MERC_MAX);
}

static uint32_t clampi(double v, uint32_t n)
{
    if (v < 0) return 0;
    if (v >= n) return n - 1;
    return (uint32_t)v;
}

pm_tilerange pm_tile_range(int z, pm_bbox b)
{
    uint32_t n = (uint32_t)1 << z;
    double t = 2 * PM_MERC_MAX / n;
    pm_tilerange r = { z, clampi(floor((b.minx + PM_MERC_MAX) / t), n),
                       clampi(floor((PM_MERC_MAX - b.maxy) / t), n),
                       clampi(floor((b.maxx + PM_MERC_MAX) / t), n),
                       clampi(floor((PM_MERC_MAX - b.miny) / t), n) };
    return r;
}

pm_metatile *pm_metatiles(const pm_tilerange *r, uint32_t m, size_t *count, int *oom)
{
    *count = 0;
    *oom = 0;
    if (m < 1) m = 1;
    uint32_t mx0 = r->x0 / m, mx1 = r->x1 / m, my0 = r->y0 / m, my1 = r->y1 / m;
    size_t n = (size_t)(mx1 - mx0 + 1) * (my1 - my0 + 1);
    pm_metatile *out = malloc(n * sizeof *out);
    if (!out) { *oom = 1; return NULL; }
    for (uint32_t my = my0; my <= my1; my++)
        for (uint32_t mx = mx0; mx <= mx1; mx++) {
            uint32_t x = mx * m > r->x0 ? mx * m : r->x0, y = my * m > r->y0 ? my * m : r->y0;
            uint32_t xe = (mx + 1) * m - 1 < r->x1 ? (mx + 1) * m - 1 : r->x1;
            uint32_t ye = (my + 1) * m - 1 < r->y1 ? (my + 1) * m - 1 : r->y1;
            out[(*count)++] = (pm_metatile){ r->z, x, y, xe - x + 1, ye - y + 1 };
        }
    return out;
}

pm_bbox pm_tile_bbox(int z, uint32_t x, uint32_t y)
{
    double t = 2 * PM_MERC_MAX / ldexp(1.0, z);
    pm_bbox b = { -PM_MERC_MAX + x * t, PM_MERC_MAX - (y + 1) * t,
                  -PM_MERC_MAX + (x + 1) * t, PM_MERC_MAX - y * t };
    return b;
}

pm_pt pm_merc_from_lonlat(double lon, double lat)
{
    if (lat > 85.05112878) lat = 85.05112878;
    if (lat < -85.05112878) lat = -85.05112878;
    pm_pt p = { lon * PM_MERC_MAX / 180.0,
                log(tan((90.0 + lat) * M_PI / 360.0)) * PM_MERC_MAX / M_PI };
    return p;
}

int pm_shard_has(size_t i, unsigned k, unsigned n)
{
    return n <= 1 || i % n == (size_t)(k - 1);
}
