/* View construction. */
#include "render/view.h"

pm_view pm_view_fit(pm_bbox e, double x, double y, double w, double h)
{
    double ew = e.maxx - e.minx, eh = e.maxy - e.miny;
    if (ew <= 0) ew = 1;
    if (eh <= 0) eh = 1;
    double sx = w / ew, sy = h / eh;
    double s = sx < sy ? sx : sy;
    double cx = (e.minx + e.maxx) / 2, cy = (e.miny + e.maxy) / 2;
    pm_view v = { { cx - w / s / 2, cy - h / s / 2, cx + w / s / 2, cy + h / s / 2 },
                  x, y, w, h, s, 0, 0, x, y };
    v.ox = v.extent.minx;
    v.oy = v.extent.maxy;
    return v;
}

pm_view pm_view_grid(double ox, double oy, double scale, double px, double py,
                     double w, double h)
{
    pm_view v = { { ox + px / scale, oy - (py + h) / scale, ox + (px + w) / scale, oy - py / scale },
                  0, 0, w, h, scale, ox, oy, -px, -py };
    return v;
}

pm_view pm_view_at(double minx, double maxy, double scale, double x, double y,
                   double w, double h)
{
    pm_view v = pm_view_grid(minx, maxy, scale, 0, 0, w, h);
    v.x = v.sx = x;
    v.y = v.sy = y;
    return v;
}
