/* Tile maths for the EPSG:3857 XYZ scheme. */
#include "tiles/tilemath.h"

#include <math.h>
#include <stdlib.h>

uint64_t pm_tile_first_id(int z)
{
    return (((uint64_t)1 << (2 * z)) - 1) / 3;
}

uint64_t pm_tile_id(int z, uint32_t x, uint32_t y)
{
    uint64_t id = pm_tile_first_id(z);
    uint64_t tx = x, ty = y;
    for (uint64_t s = z > 0 ? (uint64_t)1 << (z - 1) : 0; s > 0; s >>= 1) {
        uint64_t rx = (tx & s) != 0, ry = (ty & s) != 0;
        id += s * s * ((3 * rx) ^ ry);
        if (!ry) { /* rotate the quadrant so the curve stays continuous */
            if (rx) {
                tx = s - 1 - (tx & (s - 1));
                ty = s - 1 - (ty & (s - 1));
            }
            uint64_t t = tx;
            tx = ty;
            ty = t;
        }
        tx &= s - 1;
        ty &= s - 1;
    }
    return id;
}

int pm_tile_from_id(uint64_t id, int *z, uint32_t *x, uint32_t *y)
{
    uint64_t first = 0;
    for (int zz = 0; zz <= PM_TILE_MAXZOOM; zz++) {
        uint64_t count = (uint64_t)1 << (2 * zz);
        if (id - first >= count) {
            first += count;
            continue;
        }
        /* undo the curve from the smallest quadrant up, as the PMTiles spec does */
        uint64_t t = id - first, tx = 0, ty = 0;
        for (uint64_t s = 1; s < ((uint64_t)1 << zz); s <<= 1) {
            uint64_t rx = 1 & (t >> 1), ry = 1 & (t ^ rx);
            if (!ry) {
                if (rx) {
                    tx = s - 1 - tx;
                    ty = s - 1 - ty;
                }
                uint64_t tmp = tx;
                tx = ty;
                ty = tmp;
            }
            tx += s * rx;
            ty += s * ry;
            t >>= 2;
        }
        *z = zz;
        *x = (uint32_t)tx;
        *y = (uint32_t)ty;
        return 0;
    }
    return -1;
}

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
