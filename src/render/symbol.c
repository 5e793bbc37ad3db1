/* Point symbols: a shape's path, its halo, fill and stroke, opaque over a colour for print. */
#include "render/symbol.h"

#include <math.h>

#include "render/draw.h"
#include "render/house.h"

const char *pm_site_status_name(int status)
{
    switch (status) {
    case PM_SITE_RUNNING: return "running";
    case PM_SITE_PLANNED: return "planned";
    case PM_SITE_FINISHED: return "finished";
    default: return "other";
    }
}

static void shape_path(cairo_t *cr, pm_symbol_shape shape, double x, double y, double r)
{
    cairo_new_path(cr);
    switch (shape) {
    case PM_SYM_SQUARE: cairo_rectangle(cr, x - r * 0.886, y - r * 0.886, r * 1.772, r * 1.772); break;
    case PM_SYM_TRIANGLE:
        cairo_move_to(cr, x, y - r);
        cairo_line_to(cr, x + r * 0.866, y + r * 0.5);
        cairo_line_to(cr, x - r * 0.866, y + r * 0.5);
        cairo_close_path(cr);
        break;
    case PM_SYM_STAR:
        for (int k = 0; k < 10; k++) {
            double a = -M_PI / 2 + k * M_PI / 5, rr = k % 2 ? r * 0.42 : r;
            if (k == 0) cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
            else cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
        }
        cairo_close_path(cr);
        break;
    default: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
    }
}

static void sym_ink(cairo_t *cr, pm_rgba c, const pm_rgba *under)
{
    pm_set_rgba(cr, under && c.a < 1 ? pm_rgba_over(c, *under) : c);
}

void pm_draw_symbol(cairo_t *cr, const pm_symbol *sym, double x, double y, double size,
                    const pm_rgba *under)
{
    double r = size / 2, hw = sym->halo_width * size, sw = sym->stroke_width * size;
    cairo_save(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (hw > 0 && sym->halo.a > 0) { /* a star sits on a disc; other shapes get a rim */
        if (sym->shape == PM_SYM_STAR) {
            cairo_new_path(cr);
            cairo_arc(cr, x, y, r + hw, 0, 2 * M_PI);
            sym_ink(cr, sym->halo, under);
            cairo_fill(cr);
        } else {
            shape_path(cr, sym->shape, x, y, r);
            sym_ink(cr, sym->halo, under);
            cairo_set_line_width(cr, sw + 2 * hw);
            cairo_stroke(cr);
        }
    }
    shape_path(cr, sym->shape, x, y, r);
    if (sym->fill.a > 0) {
        sym_ink(cr, sym->fill, under);
        cairo_fill_preserve(cr);
    }
    if (sw > 0 && sym->stroke.a > 0) {
        pm_rgba u = under ? (sym->fill.a > 0 ? pm_rgba_over(sym->fill, *under) : *under) : PM_WHITE;
        sym_ink(cr, sym->stroke, under ? &u : NULL);
        cairo_set_line_width(cr, sw);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    cairo_restore(cr);
}

void pm_draw_legend_symbol(cairo_t *cr, const pm_style *st, int k, double x, double y, double unit,
                           int print)
{
    const pm_symbol *sym = k == 0 ? pm_point_symbol(&st->platforms, "running", NULL)
                                  : pm_point_symbol(&st->projects, k == 1 ? "running" : "planned", NULL);
    double house = k == 0 ? 14 : 5; /* the house's z16 sizes: unit is drawn at them */
    double size = unit * (k == 0 ? 2.4 : 1) * pm_zoomed_at(&sym->size, 16, house) / house;
    pm_draw_symbol(cr, sym, x, y, size, print ? &PM_WHITE : NULL);
}

