/* Dry runs: the files a render would write, listed on a stream instead of written. */
#include <stdio.h>

#include "app/outputs.h"
#include "tiles/tilemath.h"

/* Tiles of the committees' extent per zoom: the pyramid skips empty tiles and the
 * directory sink rewrites only tiles whose bytes change, so this is an upper bound
 * (strokes and halos reaching past the extent aside). */
static size_t tile_estimate(const pm_project *p)
{
    pm_bbox ll = pm_bbox_empty();
    for (size_t i = 0; i < p->ds->ncommittees; i++) pm_bbox_union(&ll, &p->ds->committees[i].geom.bbox);
    if (!pm_bbox_valid(&ll)) return 0;
    pm_pt a = pm_merc_from_lonlat(ll.minx, ll.miny), b = pm_merc_from_lonlat(ll.maxx, ll.maxy);
    pm_bbox m = { a.x, a.y, b.x, b.y };
    size_t n = 0;
    for (int z = p->cfg->minzoom; z <= p->cfg->maxzoom; z++) {
        pm_tilerange r = pm_tile_range(z, m);
        n += (size_t)(r.x1 - r.x0 + 1) * (r.y1 - r.y0 + 1);
    }
    return n;
}

static void plan_tiles(const pm_project *p, int year, const char *out, const pm_cmd_opts *o, FILE *f)
{
    char shard[48] = "";
    if (o->shard_n > 1) snprintf(shard, sizeof shard, ".shard-%u-of-%u", o->shard_k, o->shard_n);
    size_t est = tile_estimate(p);
    for (size_t k = 0; k < p->nsel; k++)
        for (int scale = 1; scale <= (p->cfg->hidpi ? 2 : 1); scale++) {
            const char *sfx = scale == 2 ? "@2x" : "", *id = p->styles[p->sel[k]]->id;
            if (o->shard_n <= 1)
                fprintf(f, "%s/%d/tiles/%s/{z}/{x}/{y}%s.png\t(up to about %zu tiles, z%d-%d; "
                        "empty and unchanged tiles are not written)\n", out, year, id, sfx, est,
                        p->cfg->minzoom, p->cfg->maxzoom);
            fprintf(f, "%s/%d/tiles/%s%s%s.mbtiles\n", out, year, id, sfx, shard);
            fprintf(f, "%s/%d/tiles/%s%s%s.pmtiles\n", out, year, id, sfx, shard);
        }
}

pm_status pm_out_plan(const pm_project *p, int year, const char *out, unsigned kinds,
                      const pm_cmd_opts *o, FILE *f)
{
    for (size_t k = 0; (kinds & PM_KIND_PRINT) && k < p->nsel; k++) {
        fprintf(f, "%s/%d/print/%s.pdf\n", out, year, p->styles[p->sel[k]]->id);
        fprintf(f, "%s/%d/print/%s.png\n", out, year, p->styles[p->sel[k]]->id);
    }
    if (kinds & PM_KIND_ATLAS)
        fprintf(f, "%s/%d/atlas.pdf\t(left alone when unchanged)\n", out, year);
    if (kinds & PM_KIND_TILES) plan_tiles(p, year, out, o, f);
    if (kinds & PM_KIND_DATA) {
        fprintf(f, "%s/%d/evaluation.xlsx\n", out, year);
        fprintf(f, "%s/%d/evaluation.csv\n", out, year);
    }
    return ferror(f) ? PM_EIO : PM_OK;
}

pm_status pm_out_plan_gpkg(const char *out, FILE *f)
{
    fprintf(f, "%s/partymap.gpkg\n", out);
    return ferror(f) ? PM_EIO : PM_OK;
}

pm_status pm_out_plan_site(const pm_project *p, const char *out, FILE *f)
{
    (void)p;
    static const char *const files[] = { "index.html", "app.js", "style.css", "data.js", "names.js",
                                         "favicon.svg", "favicon.png", "apple-touch-icon.png",
                                         "lib/leaflet/leaflet.js", "lib/leaflet/leaflet.css",
                                         "lib/leaflet/images/*.png", "index/{z}/{x}/{y}.js",
                                         "points/{z}/{x}/{y}.js", "table/YEAR/MAP.js",
                                         "YEAR/tiles/MAP/ (hard links to YEAR/tiles/MAP/)",
                                         "YEAR/print/, YEAR/atlas.pdf, YEAR/evaluation.* (hard links)",
                                         "share.png (hard link)" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        fprintf(f, "%s/site/%s\t(rewritten only when changed)\n", out, files[i]);
    return ferror(f) ? PM_EIO : PM_OK;
}
