/* GCJ-02: the obfuscated datum of Chinese web maps (Amap, Tencent), and its inverse. */
#ifndef PM_GEO_GCJ02_H
#define PM_GEO_GCJ02_H

#include "geo/geom.h"

/* WGS 84 lon/lat → GCJ-02 (the published forward formula; identity outside China). */
pm_pt pm_gcj02_from_wgs84(pm_pt p);

/* GCJ-02 lon/lat → WGS 84, by fixed-point iteration of the forward formula until it
 * reproduces p to 1e-9 degrees (about 0.1 mm).  Pure, thread-safe. */
pm_pt pm_gcj02_to_wgs84(pm_pt p);

#endif
