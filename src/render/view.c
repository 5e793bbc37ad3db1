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
                  x, y, w, h, s };
    return v;
}

pm_view pm_view_at(double minx, double maxy, double scale, double x, double y,
                   double w, double h)
{
    pm_view v = { { minx, maxy - h / scale, minx + w / scale, maxy }, x, y, w, h, scale };
    return v;
}
