/* The snapshot command: one grid-aligned EPSG:3857 view of a map as a PNG, the tiles' reference. */
#include <stdlib.h>

#include "app/commands.h"
#include "app/project.h"
#include "render/mapsym.h"
#include "render/png.h"
#include "tiles/pyramid.h"
#include "tiles/tilemath.h"

pm_status pm_cmd_snapshot(const pm_cmd_opts *o, FILE *err)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_project p;
    pm_scene merc = { 0 };
    pm_mapsym sym = { 0 };
    cairo_surface_t *img = NULL;
    char *msg = NULL;
    pm_status st = pm_project_open(o->config, o->map, &d, &p);
    pm_diag_print(&d, err);
    if (st) goto done;
    int year = o->year ? o->year : p.ds->years[p.ds->nyears - 1];
    if ((st = pm_scene_build(p.ds, "EPSG:3857", &merc, &msg)) != PM_OK) goto done;
    const pm_style *sty = p.styles[p.sel[0]]; /* the one --map names */
    long yi = pm_results_year(&p.res, year);
    if (yi < 0) {
        fprintf(err, "partymap: --year %d: the evaluations have no rows for that year\n", year);
        st = PM_EUSAGE;
        goto done;
    }
    const pm_thematic *th = &pm_results_at(&p.res, p.sel[0], (size_t)yi)->th;
    if ((st = pm_mapsym_build(th, &merc, p.ds, &p.an.tab, &sym)) != PM_OK) goto done;
    pm_bbox b = merc.extent;
    if (o->has_bbox) {
        pm_pt a = pm_merc_from_lonlat(o->bbox[0], o->bbox[1]), c = pm_merc_from_lonlat(o->bbox[2], o->bbox[3]);
        b = (pm_bbox){ a.x, a.y, c.x, c.y };
    }
    pm_gridmap gm = { &merc, &sym, sty, p.cfg->font, o->scale ? o->scale : 1,
                      (uint32_t)p.cfg->metatile, p.cfg->quantize };
    if ((st = pm_snapshot(&gm, o->zoom, b, &img, NULL, NULL, &msg)) != PM_OK) goto done;
    st = pm_png_write(img, o->output, &msg);
    if (!st && !o->quiet)
        fprintf(err, "partymap: %s (%d × %d px, %s %d, zoom %d)\n", o->output,
                cairo_image_surface_get_width(img), cairo_image_surface_get_height(img),
                sty->id, year, o->zoom);
done:
    if (st && msg) fprintf(err, "partymap: snapshot: %s\n", msg);
    free(msg);
    if (img) cairo_surface_destroy(img);
    pm_mapsym_fini(&sym);
    pm_scene_fini(&merc);
    pm_project_fini(&p);
    pm_diag_fini(&d);
    return st;
}
