/* Point thinning by a minimum spacing on a hash grid of kept points. */
#include "render/thin.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double cell;
    int32_t *heads;  /* nheads chains (power of two) of kept points, -1 terminated */
    size_t nheads;
    int32_t *next;   /* per kept point */
    pm_pt *pts;      /* kept points, device units */
    size_t n;
} kept;

static size_t bucket(const kept *k, int64_t cx, int64_t cy)
{
    uint64_t h = (uint64_t)cx * 0x9E3779B97F4A7C15ull ^ ((uint64_t)cy + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (size_t)(h & (k->nheads - 1));
}

static int64_t cell(double v, double c)
{
    double f = floor(v / c);
    return (int64_t)fmax(-1e15, fmin(1e15, f));
}

/* 1 if p is spacing or more from every kept point (the 3 × 3 cells around it). */
static int clear(const kept *k, pm_pt p)
{
    int64_t cx = cell(p.x, k->cell), cy = cell(p.y, k->cell);
    double s2 = k->cell * k->cell;
    for (int64_t y = cy - 1; y <= cy + 1; y++)
        for (int64_t x = cx - 1; x <= cx + 1; x++)
            for (int32_t e = k->heads[bucket(k, x, y)]; e >= 0; e = k->next[e]) {
                double dx = k->pts[e].x - p.x, dy = k->pts[e].y - p.y;
                if (dx * dx + dy * dy < s2) return 0;
            }
    return 1;
}

static void keep(kept *k, pm_pt p)
{
    size_t h = bucket(k, cell(p.x, k->cell), cell(p.y, k->cell));
    k->pts[k->n] = p;
    k->next[k->n] = k->heads[h];
    k->heads[h] = (int32_t)k->n++;
}

pm_status pm_points_thin(const pm_scene *s, double scale, double spacing, unsigned char **plat,
                         unsigned char **proj)
{
    size_t np = s->nplatforms, nq = s->nprojects, n = np + nq;
    *plat = calloc(np + 1, 1);
    *proj = calloc(nq + 1, 1);
    kept k = { .cell = spacing };
    k.nheads = 64;
    while (k.nheads < 2 * n && k.nheads < ((size_t)1 << 24)) k.nheads *= 2;
    k.heads = malloc(k.nheads * sizeof *k.heads);
    k.next = malloc((n + 1) * sizeof *k.next);
    k.pts = malloc((n + 1) * sizeof *k.pts);
    pm_status st = *plat && *proj && k.heads && k.next && k.pts && n < INT32_MAX ? PM_OK : PM_ENOMEM;
    if (st) goto done;
    if (!(spacing > 0)) {
        memset(*plat, 1, np);
        memset(*proj, 1, nq);
        goto done;
    }
    for (size_t i = 0; i < k.nheads; i++) k.heads[i] = -1;
    for (int pass = 0; pass < 3; pass++) { /* platforms, running projects, the others */
        size_t m = pass ? nq : np;
        for (size_t i = 0; i < m; i++) {
            if (pass && (s->project_sites[i].status == PM_SITE_RUNNING) != (pass == 1)) continue;
            pm_pt c = pass ? s->projects[i] : s->platforms[i];
            pm_pt d = { c.x * scale, -c.y * scale };
            if (!isfinite(d.x) || !isfinite(d.y) || !clear(&k, d)) continue;
            keep(&k, d);
            (pass ? *proj : *plat)[i] = 1;
        }
    }
done:
    free(k.heads);
    free(k.next);
    free(k.pts);
    if (st) {
        free(*plat);
        free(*proj);
        *plat = *proj = NULL;
    }
    return st;
}
