/* The house style's drawing set-ups: every size and colour of a map by where it is drawn. */
#include "render/house.h"

#include <math.h>
#include <string.h>

static const pm_rgba HALO = { 1, 1, 1, 0.85 };

/* Posters: sizes follow the page width, so every page size keeps the proportions. */
static void poster(const pm_style *s, double w, pm_mapdraw *md, pm_label_opts *lo)
{
    double ls = w / 125;
    /* down to the print floor: 6 pt is the smallest type that reads on paper */
    *lo = (pm_label_opts){ .size = ls, .min_size = fmin(ls, PM_PRINT_MIN_PT), .sub_ratio = 0.8,
                           .padding = fmax(ls * 0.1, 1.5),
                           .text = { .color = PM_INK, .halo = HALO, .halo_width = ls * 0.28,
                                     .align = PM_ALIGN_CENTER },
                           .obstacle_size = ls * 1.3, .last_resort = 1 };
    md->outline_width = w / 2400;
    md->boundary_width = w / 900;
    md->parent_width = w / 1500;
    md->context = PM_CTX_ALL;
    md->show_points = s->show_points;
    md->point_size = w / 420;
    md->point_zoom = 16; /* the z16 symbols, a tile pixel = 1/2100 of the page width */
    md->point_scale = w / 2100;
    md->context_label_size = w / 150;
}

/* Tiles: pixels by zoom.  Committee names from z13 wherever a committee is at least
 * 8 px across (smaller type and more overhang at z13–14); points from z13, thinned
 * to a spacing below z15, on maps that show them. */
static void tile(const pm_style *s, double px, int z, pm_mapdraw *md, pm_label_opts *lo, int *on)
{
    double fs = (z >= 16 ? 14 : z >= 15 ? 13 : z >= 14 ? 12 : 11) * px;
    int pts = s->show_points && z >= 13;
    double point = (z >= 17 ? 6 : z >= 16 ? 5 : 4) * px;
    *lo = (pm_label_opts){ .size = fs, .min_size = (z >= 15 ? fs * 0.8 : 9 * px), .sub_ratio = 0.85,
                           .padding = (z >= 15 ? 3 : 2) * px,
                           .text = { .color = PM_INK, .halo = { 1, 1, 1, 0.9 },
                                     .halo_width = (z >= 15 ? 3 : 2.2) * px, .align = PM_ALIGN_CENTER },
                           .obstacle_size = pts ? point * 2.6 : 0,
                           .min_room = 8 * px, .spill = z >= 15 ? 1 : 2 };
    md->outline_width = (z >= 15 ? 1.0 : 0.7) * px;
    md->boundary_width = 1.6 * px;
    md->parent_width = 1.3 * px;
    md->context = PM_CTX_RIVERS | PM_CTX_ROADS;
    md->roads_inside = 1;
    md->show_points = pts;
    md->point_size = point;
    md->point_zoom = z;
    md->point_scale = px;
    md->point_spacing = z >= 15 ? 0 : point * (z >= 14 ? 2.5 : 3.5);
    md->context_label_size = 0;
    *on = z >= 13;
}

void pm_house_parent_labels(pm_house_use use, double unit, int z, pm_label_opts *lo)
{
    double size = use == PM_HOUSE_TILE ? (z >= 13 ? 15 : z >= 12 ? 13 : 11) * unit
                : use == PM_HOUSE_POSTER ? unit / 90 : 9;
    *lo = (pm_label_opts){ .size = size, .min_size = size * 0.75, .sub_ratio = 0.8, .padding = size * 0.3,
                           .text = { .color = PM_BOUNDARY, .bold = 1, .halo = { 1, 1, 1, 0.9 },
                                     .halo_width = size * 0.25, .align = PM_ALIGN_CENTER } };
}

/* What the style sets over the house: its values are tile pixels (labels at each
 * zoom, halo at z16, boundary, outline at z15+); prints scale the house's sizes by
 * the style's ratio to the house's tile values, so a style means the same on paper. */
static void style_keys(pm_house_use use, const pm_style *s, int z, pm_mapdraw *md, pm_label_opts *lo)
{
    int tile = use == PM_HOUSE_TILE;
    md->platform_layer = &s->platforms;
    md->project_layer = &s->projects;
    if (s->label_size.n > 0) {
        double k = tile ? pm_zoomed_at(&s->label_size, z, 14) / (z >= 16 ? 14 : z >= 15 ? 13 : z >= 14 ? 12 : 11)
                        : pm_zoomed_at(&s->label_size, 16, 14) / 14;
        lo->size *= k;
        if (tile || lo->min_size > lo->size) lo->min_size = fmin(lo->min_size * k, lo->size);
        if (!tile) lo->min_size = fmax(fmin(lo->min_size, lo->size), fmin(lo->size, PM_PRINT_MIN_PT));
    }
    if (s->label_halo_width >= 0) lo->text.halo_width *= s->label_halo_width / 3;
    if (s->label_halo.a > 0) lo->text.halo = s->label_halo;
    if (s->boundary_width >= 0) md->boundary_width *= s->boundary_width / 1.6;
    if (s->boundary.a > 0) md->boundary = s->boundary;
    if (s->outline_width >= 0) md->outline_width *= s->outline_width;
}

void pm_house_setup(pm_house_use use, const pm_style *s, double unit, int z, pm_mapdraw *md,
                    pm_label_opts *lo, int *labels_on)
{
    memset(md, 0, sizeof *md);
    memset(lo, 0, sizeof *lo);
    md->nodata_fill = s->nodata;
    md->outline = s->outline;
    md->boundary = PM_BOUNDARY;
    *labels_on = 1;
    switch (use) {
    case PM_HOUSE_POSTER: poster(s, unit, md, lo); break;
    case PM_HOUSE_TILE: tile(s, unit, z, md, lo, labels_on); break;
    case PM_HOUSE_ATLAS_OVERVIEW:
        *lo = (pm_label_opts){ .size = 7.5, .min_size = 6, .sub_ratio = 0.8, .padding = 1,
                               .text = { .color = PM_INK, .halo = HALO, .halo_width = 2 } };
        md->outline_width = 0.5;
        md->boundary_width = 1.3;
        md->parent_width = 0.9;
        md->context = PM_CTX_ALL;
        md->show_points = s->show_points;
        md->point_size = 2.5;
        md->point_zoom = 16;
        md->point_scale = 0.5;
        md->context_label_size = 7;
        break;
    case PM_HOUSE_ATLAS_LOCATOR:
        *lo = (pm_label_opts){ .size = 8, .min_size = 6, .sub_ratio = 0.8, .padding = 1.5,
                               .text = { .color = PM_INK, .halo = HALO, .halo_width = 2.2 } };
        md->outline_width = 0.6;
        md->boundary_width = 1.2;
        md->parent_width = 0.9;
        md->context = PM_CTX_ALL;
        md->show_points = 1;
        md->point_size = 3.4;
        md->point_zoom = 16;
        md->point_scale = 0.68;
        md->context_label_size = 6.5;
        break;
    }
    style_keys(use, s, z, md, lo);
}
