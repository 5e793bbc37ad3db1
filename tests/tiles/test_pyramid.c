/* Pyramids: stitched tiles equal the snapshot at every default zoom for every map,
 * output does not depend on the thread count, empty tiles are not written. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "analysis/thematic.h"
#include "app/project.h"
#include "render/png.h"
#include "tiles/pyramid.h"
#include "tiles/tilemath.h"

/* A sink that keeps tiles in memory, for comparisons. */
typedef struct {
    pm_sink base;
    pthread_mutex_t lock;
    size_t n, cap;
    struct memtile { int z; uint32_t x, y; unsigned char *png; size_t len; } *t;
} memsink;

static pm_status mem_put(pm_sink *s, int z, uint32_t x, uint32_t y, const unsigned char *png, size_t len)
{
    memsink *m = (memsink *)s;
    pthread_mutex_lock(&m->lock);
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->t = realloc(m->t, m->cap * sizeof *m->t);
    }
    struct memtile *t = &m->t[m->n++];
    *t = (struct memtile){ z, x, y, malloc(len), len };
    memcpy(t->png, png, len);
    pthread_mutex_unlock(&m->lock);
    return PM_OK;
}

static pm_status mem_finish(pm_sink *s, const pm_tilemeta *m, pm_sinkstats *st, char **err)
{
    (void)s; (void)m; (void)st; (void)err;
    return PM_OK;
}

static void mem_free(pm_sink *s)
{
    memsink *m = (memsink *)s;
    for (size_t i = 0; i < m->n; i++) free(m->t[i].png);
    free(m->t);
    pthread_mutex_destroy(&m->lock);
}

static const pm_sink_ops mem_ops = { .put = mem_put, .prepare = mem_finish, .free = mem_free };

static void mem_init(memsink *m)
{
    memset(m, 0, sizeof *m);
    m->base.ops = &mem_ops;
    pthread_mutex_init(&m->lock, NULL);
}

static const struct memtile *mem_find(const memsink *m, int z, uint32_t x, uint32_t y)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->t[i].z == z && m->t[i].x == x && m->t[i].y == y) return &m->t[i];
    return NULL;
}

static pm_project P;
static pm_diag D;
static pm_scene S;

static void setup(void)
{
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(NULL, NULL, &D, &P), PM_OK);
    char *err = NULL;
    cr_assert_eq(pm_scene_build(P.ds, "EPSG:3857", &S, &err), PM_OK);
}

static void teardown(void)
{
    pm_scene_fini(&S);
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(pyramid, .init = setup, .fini = teardown, .timeout = PM_T(600));

static cairo_surface_t *decode(const unsigned char *png, size_t len)
{
    cairo_surface_t *s = t_png_decode(png, len);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    return s;
}

/* Renders the tiles of a small region around the centre of the data at every zoom
 * 12..18, then compares them pixel by pixel with the snapshot of the same region,
 * both decoded from PNG (so both went through the same encoder). */
static void stitch_check(const pm_style *st, int scale, int quantize)
{
    pm_thematic th;
    pm_mapsym sym;
    cr_assert_eq(pm_thematic_build(st, &P.an.tab, 2016, &D, &th), PM_OK);
    cr_assert_eq(pm_mapsym_build(&th, &S, P.ds, &P.an.tab, &sym), PM_OK);
    pm_gridmap gm = { &S, &sym, st, P.cfg->font, scale, 8, quantize };
    int T = 256 * scale;
    for (int z = 12; z <= 18; z++) {
        /* a 3 x 2 tile block at the centre of the data */
        double cx = (S.extent.minx + S.extent.maxx) / 2, cy = (S.extent.miny + S.extent.maxy) / 2;
        pm_tilerange c = pm_tile_range(z, (pm_bbox){ cx, cy, cx, cy });
        uint32_t x0 = c.x0 ? c.x0 - 1 : 0, y0 = c.y0;
        pm_bbox tl = pm_tile_bbox(z, x0, y0), br = pm_tile_bbox(z, x0 + 2, y0 + 1);
        pm_bbox region = { tl.minx, br.miny, br.maxx, tl.maxy };
        memsink ms;
        mem_init(&ms);
        pm_sink *sinks[1] = { &ms.base };
        pm_pyramid_job job = { .map = gm, .minzoom = z, .maxzoom = z, .jobs = 2,
                               .limit = &region, .sinks = sinks, .nsinks = 1 };
        pm_pyramid_stats ps;
        char *err = NULL;
        cr_assert_eq(pm_pyramid_render(&job, &ps, &err), PM_OK, "%s", err ? err : "");
        cairo_surface_t *snap = NULL;
        double px0, py0;
        cr_assert_eq(pm_snapshot(&gm, z, region, &snap, &px0, &py0, &err), PM_OK);
        cr_assert_eq(cairo_image_surface_get_width(snap), 3 * T, "z%d: snapshot is tile-aligned", z);
        cr_assert_eq(cairo_image_surface_get_height(snap), 2 * T);
        unsigned char *png;
        size_t len;
        cr_assert_eq(pm_png_encode(snap, &png, &len), PM_OK);
        cairo_surface_t *want = decode(png, len);
        free(png);
        int ws = cairo_image_surface_get_stride(want);
        const unsigned char *wp = cairo_image_surface_get_data(want);
        for (uint32_t j = 0; j < 2; j++)
            for (uint32_t i = 0; i < 3; i++) {
                const struct memtile *t = mem_find(&ms, z, x0 + i, y0 + j);
                int empty = 1;
                for (int y = 0; y < T && empty; y++)
                    for (int x = 0; x < T && empty; x++)
                        empty = ((const uint32_t *)(wp + (size_t)(j * T + y) * ws))[i * T + x] == 0;
                if (!t) { cr_assert(empty, "%s z%d %u/%u: tile missing but snapshot has content", st->id, z, x0 + i, y0 + j); continue; }
                cairo_surface_t *got = decode(t->png, t->len);
                const unsigned char *gp = cairo_image_surface_get_data(got);
                int gs = cairo_image_surface_get_stride(got);
                for (int y = 0; y < T; y++) {
                    if (memcmp(gp + (size_t)y * gs, wp + (size_t)(j * T + y) * ws + (size_t)i * T * 4, (size_t)T * 4)) {
                        cairo_surface_write_to_png(got, PM_SOURCE_DIR "/build/stitch-tile.png");
                        cairo_surface_write_to_png(want, PM_SOURCE_DIR "/build/stitch-snapshot.png");
                        for (int x = 0; x < T; x++) {
                            uint32_t a = ((const uint32_t *)(gp + (size_t)y * gs))[x];
                            uint32_t b = ((const uint32_t *)(wp + (size_t)(j * T + y) * ws))[i * T + x];
                            if (a != b) { fprintf(stderr, "first difference at x %d: tile %08x snapshot %08x\n", x, a, b); break; }
                        }
                    }
                    cr_assert_eq(memcmp(gp + (size_t)y * gs, wp + (size_t)(j * T + y) * ws + (size_t)i * T * 4, (size_t)T * 4), 0,
                                 "%s@%d z%d tile %u/%u row %d differs from the snapshot (build/stitch-*.png)", st->id, scale, z, x0 + i, y0 + j, y);
                }
                cairo_surface_destroy(got);
            }
        cairo_surface_destroy(want);
        cairo_surface_destroy(snap);
        mem_free(&ms.base);
    }
    pm_mapsym_fini(&sym);
    pm_thematic_fini(&th);
}

Test(pyramid, stitched_tiles_equal_the_snapshot_every_zoom_every_map)
{
    for (size_t i = 0; i < P.nstyles; i++) stitch_check(P.styles[i], 1, 0);
    stitch_check(P.styles[0], 2, 0);
    stitch_check(P.styles[4], 1, 1); /* quantized tiles too */
}

/* Renders one map's pyramid z0-z1 at scale (1 or 2) with the given thread count and
 * metatile size. */
static void render_range(const pm_style *st, size_t jobs, uint32_t metatile, int scale, int z0,
                         int z1, memsink *ms, pm_pyramid_stats *ps)
{
    pm_thematic th;
    pm_mapsym sym;
    cr_assert_eq(pm_thematic_build(st, &P.an.tab, 2016, &D, &th), PM_OK);
    cr_assert_eq(pm_mapsym_build(&th, &S, P.ds, &P.an.tab, &sym), PM_OK);
    mem_init(ms);
    pm_sink *sinks[1] = { &ms->base };
    pm_pyramid_job job = { .map = { &S, &sym, st, P.cfg->font, scale, metatile }, .minzoom = z0,
                           .maxzoom = z1, .jobs = jobs, .sinks = sinks, .nsinks = 1 };
    char *err = NULL;
    cr_assert_eq(pm_pyramid_render(&job, ps, &err), PM_OK);
    pm_mapsym_fini(&sym);
    pm_thematic_fini(&th);
}

/* One map's z12-16 pyramid with the given thread count. */
static void render_all(const pm_style *st, size_t jobs, memsink *ms, pm_pyramid_stats *ps)
{
    render_range(st, jobs, 8, 1, 12, 16, ms, ps);
}

Test(pyramid, jobs_1_and_2_give_identical_bytes_and_palette_pngs)
{
    memsink a, b;
    pm_pyramid_stats sa, sb;
    render_all(P.styles[4], 1, &a, &sa);
    render_all(P.styles[4], 2, &b, &sb);
    cr_assert_eq(a.n, b.n);
    cr_assert_gt(a.n, 20);
    cr_assert_eq(sa.tiles, a.n);
    size_t palette = 0;
    for (size_t i = 0; i < a.n; i++) {
        const struct memtile *t = mem_find(&b, a.t[i].z, a.t[i].x, a.t[i].y);
        cr_assert(t, "tile %d/%u/%u in both runs", a.t[i].z, a.t[i].x, a.t[i].y);
        cr_assert_eq(t->len, a.t[i].len);
        cr_assert_eq(memcmp(t->png, a.t[i].png, t->len), 0);
        palette += a.t[i].png[25] == 3; /* IHDR colour type 3: indexed */
        cairo_surface_t *s = decode(a.t[i].png, a.t[i].len);
        cairo_surface_destroy(s);
    }
    cr_assert_gt(palette, 0, "tiles with at most 256 colours are palette PNGs");
    mem_free(&a.base);
    mem_free(&b.base);
}

Test(pyramid, tiles_outside_the_data_cost_nothing)
{
    memsink a;
    pm_pyramid_stats s;
    render_all(P.styles[0], 2, &a, &s);
    /* at z16 the subdistrict spans about 7 x 6 tiles; far fewer than its bbox range holds none */
    for (size_t i = 0; i < a.n; i++) {
        pm_bbox b = pm_tile_bbox(a.t[i].z, a.t[i].x, a.t[i].y);
        cr_assert(pm_bbox_intersects(&b, &S.extent) || b.maxx < S.extent.minx + 1000
                  || b.minx > S.extent.maxx - 1000 || b.maxy < S.extent.miny + 1000 || b.miny > S.extent.maxy - 1000);
    }
    cr_assert_gt(s.tiles_empty + s.metatiles_empty, 0, "some tiles of the range are empty and skipped");
    mem_free(&a.base);
}

Test(pyramid, the_tiles_written_do_not_depend_on_the_metatile_size)
{
    /* metatiles without committees in reach are skipped; the river beyond the
     * committees must not make the tile set depend on where metatiles begin */
    memsink a, b;
    pm_pyramid_stats sa, sb;
    render_range(P.styles[0], 2, 8, 2, 17, 18, &a, &sa);
    render_range(P.styles[0], 2, 2, 2, 17, 18, &b, &sb);
    cr_assert_gt(a.n, 100);
    for (size_t i = 0; i < a.n; i++)
        cr_assert(mem_find(&b, a.t[i].z, a.t[i].x, a.t[i].y), "tile %d/%u/%u@2x of 8 x 8 metatiles is "
                  "missing with 2 x 2", a.t[i].z, a.t[i].x, a.t[i].y);
    for (size_t i = 0; i < b.n; i++)
        cr_assert(mem_find(&a, b.t[i].z, b.t[i].x, b.t[i].y), "tile %d/%u/%u@2x of 2 x 2 metatiles is "
                  "missing with 8 x 8", b.t[i].z, b.t[i].x, b.t[i].y);
    mem_free(&a.base);
    mem_free(&b.base);
}
