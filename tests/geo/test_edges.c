/* Tests of the edge network: each boundary once, the coverage's outline apart. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "geo/edges.h"

static void poly(pm_geom *g, const double *xy, size_t n)
{
    pm_geom_init(g, PM_GEOM_POLYGON);
    cr_assert_eq(pm_geom_begin_ring(g, 0), PM_OK);
    for (size_t i = 0; i < n; i++) cr_assert_eq(pm_geom_add_pt(g, (pm_pt){ xy[2 * i], xy[2 * i + 1] }), PM_OK);
    pm_geom_finish(g);
}

static double length(const pm_geom *g)
{
    double len = 0;
    for (size_t r = 0; r < g->nrings; r++)
        for (uint32_t i = g->ring_off[r] + 1; i < g->ring_off[r + 1]; i++)
            len += hypot(g->pts[i].x - g->pts[i - 1].x, g->pts[i].y - g->pts[i - 1].y);
    return len;
}

static double perimeter(const pm_geom *g)
{
    double len = 0;
    for (size_t r = 0; r < g->nrings; r++) {
        uint32_t a = g->ring_off[r], n = g->ring_off[r + 1] - a;
        for (uint32_t i = 0; i < n; i++) {
            pm_pt p = g->pts[a + i], q = g->pts[a + (i + 1) % n];
            len += hypot(q.x - p.x, q.y - p.y);
        }
    }
    return len;
}

Test(edges, two_squares_share_one_edge)
{
    pm_geom g[2];
    double a[] = { 0, 0, 1, 0, 1, 1, 0, 1 };
    double b[] = { 1, 1, 1, 0, 2, 0, 2, 1 }; /* the shared edge runs the other way */
    poly(&g[0], a, 4);
    poly(&g[1], b, 4);
    pm_edges e;
    cr_assert_eq(pm_edges_build(g, 2, &e), PM_OK);
    cr_assert_float_eq(length(&e.all), 7, 1e-12, "seven unit edges, the shared one once");
    cr_assert_float_eq(length(&e.outer), 6, 1e-12, "the outline of the 2 x 1 rectangle");
    /* the first square is one closed polyline; the second adds its three own edges */
    cr_assert_eq(e.all.nrings, 2);
    cr_assert_eq(e.all.ring_off[1] - e.all.ring_off[0], 5);
    cr_assert_eq(e.outer.nrings, 2);
    for (size_t r = 0; r < e.all.nrings; r++) cr_assert(pm_bbox_valid(&e.all_bbox[r]));
    cr_assert_float_eq(e.outer_bbox[1].maxx, 2, 1e-12);
    pm_edges_fini(&e);
    pm_geom_fini(&g[0]);
    pm_geom_fini(&g[1]);
}

Test(edges, a_tessellation_draws_each_boundary_once)
{
    /* a 6 x 5 grid of jittered quads sharing their corners, plus holes nowhere */
    enum { NX = 6, NY = 5 };
    double cx[NX + 1][NY + 1], cy[NX + 1][NY + 1];
    for (int i = 0; i <= NX; i++)
        for (int j = 0; j <= NY; j++) {
            cx[i][j] = i + 0.3 * sin(i * 7.1 + j * 3.3) * (i > 0 && i < NX);
            cy[i][j] = j + 0.3 * cos(i * 2.7 + j * 5.9) * (j > 0 && j < NY);
        }
    pm_geom g[NX * NY];
    double sum = 0;
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < NY; j++) {
            double xy[] = { cx[i][j], cy[i][j], cx[i + 1][j], cy[i + 1][j],
                            cx[i + 1][j + 1], cy[i + 1][j + 1], cx[i][j + 1], cy[i][j + 1] };
            poly(&g[i * NY + j], xy, 4);
            sum += perimeter(&g[i * NY + j]);
        }
    pm_edges e;
    cr_assert_eq(pm_edges_build(g, NX * NY, &e), PM_OK);
    /* every segment is in one or two rings: the perimeters count shared ones twice */
    cr_assert_float_eq(sum, 2 * length(&e.all) - length(&e.outer), 1e-9);
    cr_assert_float_eq(length(&e.outer), 2 * (NX + NY), 1e-9, "the grid's straight outline");
    cr_assert_eq(e.outer.nrings, 2 * (NX + NY) - 4, "one run per cell on the edge, got %zu", e.outer.nrings);
    pm_edges_fini(&e);
    for (int k = 0; k < NX * NY; k++) pm_geom_fini(&g[k]);
}

Test(edges, unmatched_neighbours_and_repeated_vertices)
{
    pm_geom g[2];
    /* the neighbour's shared side has an extra vertex: nothing matches exactly */
    double a[] = { 0, 0, 1, 0, 1, 0, 1, 1, 0, 1 }; /* (1,0) repeated */
    double b[] = { 1, 0, 2, 0, 2, 1, 1, 1, 1, 0.5 };
    poly(&g[0], a, 5);
    poly(&g[1], b, 5);
    pm_edges e;
    cr_assert_eq(pm_edges_build(g, 2, &e), PM_OK);
    cr_assert_float_eq(length(&e.all), 8, 1e-12, "both sides of the unmatched boundary");
    cr_assert_float_eq(length(&e.outer), 8, 1e-12);
    pm_edges_fini(&e);
    /* no polygons at all */
    cr_assert_eq(pm_edges_build(NULL, 0, &e), PM_OK);
    cr_assert_eq(e.all.nrings, 0);
    cr_assert_eq(e.outer.nrings, 0);
    pm_edges_fini(&e);
    pm_geom_fini(&g[0]);
    pm_geom_fini(&g[1]);
}

Test(edges, holes_are_outline)
{
    pm_geom g[2];
    pm_geom_init(&g[0], PM_GEOM_POLYGON);
    double outer[] = { 0, 0, 4, 0, 4, 4, 0, 4 }, hole[] = { 1, 1, 1, 3, 3, 3, 3, 1 };
    cr_assert_eq(pm_geom_begin_ring(&g[0], 0), PM_OK);
    for (int i = 0; i < 4; i++) pm_geom_add_pt(&g[0], (pm_pt){ outer[2 * i], outer[2 * i + 1] });
    cr_assert_eq(pm_geom_begin_ring(&g[0], 1), PM_OK);
    for (int i = 0; i < 4; i++) pm_geom_add_pt(&g[0], (pm_pt){ hole[2 * i], hole[2 * i + 1] });
    pm_geom_finish(&g[0]);
    /* an island in the hole, its edges shared with the hole's */
    double island[] = { 1, 1, 3, 1, 3, 3, 1, 3 };
    poly(&g[1], island, 4);
    pm_edges e;
    cr_assert_eq(pm_edges_build(g, 2, &e), PM_OK);
    cr_assert_float_eq(length(&e.all), 24, 1e-12);
    cr_assert_float_eq(length(&e.outer), 16, 1e-12, "only the outside square: the island fills the hole");
    pm_edges_fini(&e);
    pm_geom_fini(&g[0]);
    pm_geom_fini(&g[1]);
}
