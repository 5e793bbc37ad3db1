/* Style values that outputs look up: numbers by zoom, point symbols, colour contrast. */
#include "style/style.h"

#include <math.h>
#include <string.h>

double pm_zoomed_at(const pm_zoomed *z, int zoom, double dflt)
{
    if (!z || z->n <= 0) return dflt;
    double v = z->v[0];
    for (int i = 0; i < z->n; i++)
        if (z->z[i] <= zoom) v = z->v[i];
    return v;
}

const pm_symbol *pm_point_symbol(const pm_point_layer *l, const char *status, const char *category)
{
    const char *v = !l->field ? NULL : strcmp(l->field, "status") == 0 ? status
                  : strcmp(l->field, "category") == 0 ? category : NULL;
    for (size_t i = 0; v && i < l->ncases; i++)
        if (strcmp(l->cases[i].value, v) == 0) return &l->cases[i].sym;
    return &l->base;
}

static double channel(double c)
{
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(pm_rgba c)
{
    double a = c.a < 0 ? 0 : c.a > 1 ? 1 : c.a; /* over white */
    double r = c.r * a + (1 - a), g = c.g * a + (1 - a), b = c.b * a + (1 - a);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

double pm_rgba_contrast(pm_rgba a, pm_rgba b)
{
    double la = luminance(a), lb = luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

/* part over bg as it shows (alpha blended), against bg */
static double part(pm_rgba c, pm_rgba bg, int on)
{
    if (!on || c.a <= 0) return 1;
    pm_rgba o = { c.r * c.a + bg.r * (1 - c.a), c.g * c.a + bg.g * (1 - c.a),
                  c.b * c.a + bg.b * (1 - c.a), 1 };
    bg.a = 1;
    return pm_rgba_contrast(o, bg);
}

double pm_symbol_contrast(const pm_symbol *s, pm_rgba bg)
{
    double k = part(s->fill, bg, 1);
    k = fmax(k, part(s->stroke, bg, s->stroke_width > 0));
    return fmax(k, part(s->halo, bg, s->halo_width > 0));
}
