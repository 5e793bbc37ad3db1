/* GCJ-02 conversion (the widely published forward formula, inverted numerically). */
#include "geo/gcj02.h"

#include <math.h>

static const double A = 6378245.0;              /* Krasovsky 1940 semi-major axis */
static const double EE = 0.00669342162296594323; /* its eccentricity squared */

static int outside_china(pm_pt p)
{
    return p.x < 72.004 || p.x > 137.8347 || p.y < 0.8293 || p.y > 55.8271;
}

static double tlat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * M_PI) + 320 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double tlon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
    return r;
}

pm_pt pm_gcj02_from_wgs84(pm_pt p)
{
    if (outside_china(p)) return p;
    double dlat = tlat(p.x - 105.0, p.y - 35.0), dlon = tlon(p.x - 105.0, p.y - 35.0);
    double rad = p.y / 180.0 * M_PI, magic = sin(rad);
    magic = 1 - EE * magic * magic;
    double sq = sqrt(magic);
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sq) * M_PI);
    dlon = (dlon * 180.0) / (A / sq * cos(rad) * M_PI);
    pm_pt r = { p.x + dlon, p.y + dlat };
    return r;
}

pm_pt pm_gcj02_to_wgs84(pm_pt p)
{
    pm_pt w = p;
    for (int i = 0; i < 30; i++) {
        pm_pt g = pm_gcj02_from_wgs84(w);
        double ex = g.x - p.x, ey = g.y - p.y;
        w.x -= ex;
        w.y -= ey;
        if (fabs(ex) < 1e-9 && fabs(ey) < 1e-9) break;
    }
    return w;
}
