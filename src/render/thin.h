/* Point thinning: which platforms and projects a small-scale map shows, by a minimum spacing. */
#ifndef PM_RENDER_THIN_H
#define PM_RENDER_THIN_H

#include "core/status.h"
#include "render/scene.h"

/* Marks the points of s to draw at scale (device units per CRS unit) so that no two
 * kept symbols are closer than spacing device units: platforms first (in order),
 * then running projects, then the others, each kept unless a kept point lies within
 * spacing.  Computed once per scale for the whole map, so every tile of a zoom
 * agrees (a symbol is never in one tile and missing from its neighbour).
 * *plat and *proj get nplatforms and nprojects flags (1 = draw), owned by the caller
 * (free); spacing <= 0 keeps every point.  Deterministic.  PM_ENOMEM. */
pm_status pm_points_thin(const pm_scene *s, double scale, double spacing, unsigned char **plat,
                         unsigned char **proj);

#endif
