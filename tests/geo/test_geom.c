/* Tests of the geometry module: builder, bbox, areas, containment, distances, visual centre. */
#include <criterion/criterion.h>
#include "../support/support.h"
#include <math.h>

#include "geo/geom.h"

/* Appends one ring of n vertices from xy (x0, y0, x1, y1, ...). */
static void ring(pm_geom *g, int hole, const double *xy, size_t n)
{
    cr_assert_eq(pm_geom_begin_ring(g, hole), PM_OK);
    for (size_t i = 0; i < n; i++) cr_assert_eq(pm_geom_add_pt(g, (pm_pt){ xy[2 * i], xy[2 * i + 1] }), PM_OK);
}

/* Axis-aligned rectangle ring, counter-clockwise unless cw. */
static void rect(pm_geom *g, int hole, double x0, double y0, double x1, double y1, int cw)
{
    double ccw_xy[] = { x0, y0, x1, y0, x1, y1, x0, y1 };
    double cw_xy[] = { x0, y0, x0, y1, x1, y1, x1, y0 };
    ring(g, hole, cw ? cw_xy : ccw_xy, 4);
}

static pm_pt pt(double x, double y) { return (pm_pt){ x, y }; }

Test(geom, bbox_helpers)
{
    pm_bbox b = pm_bbox_empty(), e = pm_bbox_empty();
    cr_assert(!pm_bbox_valid(&b));
    pm_bbox_add(&b, pt(3, -1));
    cr_assert(pm_bbox_valid(&b));
    pm_bbox_add(&b, pt(-2, 4));
    cr_assert(b.minx == -2 && b.miny == -1 && b.maxx == 3 && b.maxy == 4);
    pm_bbox_union(&b, &e); /* the empty box changes nothing */
    cr_assert(b.minx == -2 && b.miny == -1 && b.maxx == 3 && b.maxy == 4);
    pm_bbox o = { 3, 4, 10, 10 }, far = { 3.5, 0, 5, 1 };
    cr_assert(pm_bbox_intersects(&b, &o)); /* touching at a corner */
    cr_assert(!pm_bbox_intersects(&b, &far));
    cr_assert(!pm_bbox_intersects(&b, &e));
    pm_bbox_union(&e, &o);
    cr_assert(e.minx == 3 && e.maxx == 10 && e.miny == 4 && e.maxy == 10);
}

Test(geom, builder_drops_closing_vertex_and_short_rings)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    double closed[] = { 0, 0, 4, 0, 4, 3, 0, 0 };
    ring(&g, 0, closed, 4);
    double two[] = { 9, 9, 9, 8 };
    ring(&g, 1, two, 2);
    double hole[] = { 1, 1, 2, 1, 2, 2 };
    ring(&g, 1, hole, 3);
    pm_geom_finish(&g);
    cr_assert_eq(g.nrings, 2);
    cr_assert_eq(g.npts, 6);
    cr_assert_eq(g.ring_off[0], 0);
    cr_assert_eq(g.ring_off[1], 3);
    cr_assert_eq(g.ring_off[2], 6);
    cr_assert_eq(g.ring_hole[0], 0);
    cr_assert_eq(g.ring_hole[1], 1);
    cr_assert(g.pts[3].x == 1 && g.pts[3].y == 1);
    cr_assert(g.bbox.minx == 0 && g.bbox.maxx == 4 && g.bbox.miny == 0 && g.bbox.maxy == 3);
    pm_geom_fini(&g);
    cr_assert_null(g.pts);
    pm_geom_fini(&g); /* accepts a zeroed struct */
}

Test(geom, builder_grows_and_copies)
{
    pm_geom g, c;
    pm_geom_init(&g, PM_GEOM_LINE);
    for (int r = 0; r < 50; r++) {
        cr_assert_eq(pm_geom_begin_ring(&g, 1), PM_OK);
        for (int i = 0; i < 37; i++) cr_assert_eq(pm_geom_add_pt(&g, pt(r, i)), PM_OK);
    }
    pm_geom_finish(&g);
    cr_assert_eq(g.npts, 50 * 37);
    cr_assert_eq(g.nrings, 50);
    cr_assert_null(g.ring_hole); /* lines have no hole flags */
    cr_assert(g.pts[49 * 37 + 36].x == 49 && g.pts[49 * 37 + 36].y == 36);
    cr_assert_eq(g.ring_off[50], 50 * 37);
    cr_assert_eq(pm_geom_copy(&c, &g), PM_OK);
    g.pts[0].x = 99; /* deep copy: independent */
    cr_assert(c.pts[0].x == 0);
    /* the builder keeps working on a copy */
    cr_assert_eq(pm_geom_begin_ring(&c, 0), PM_OK);
    for (int i = 0; i < 20; i++) cr_assert_eq(pm_geom_add_pt(&c, pt(-1, i)), PM_OK);
    pm_geom_finish(&c);
    cr_assert_eq(c.nrings, 51);
    cr_assert_eq(c.npts, 50 * 37 + 20);
    cr_assert(c.bbox.minx == -1 && c.bbox.maxx == 49 && c.bbox.maxy == 36);
    pm_geom_fini(&c);
    pm_geom_fini(&g);
}

Test(geom, add_pt_without_ring_starts_one)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POINT);
    cr_assert_eq(pm_geom_add_pt(&g, pt(1, 2)), PM_OK);
    pm_geom_finish(&g);
    cr_assert_eq(g.nrings, 1);
    cr_assert_eq(g.npts, 1);
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(4, 6)), 25, 1e-12);
    pm_geom_fini(&g);
}

Test(geom, ring_signed_area)
{
    pm_pt ccw[] = { { 0, 0 }, { 10, 0 }, { 10, 10 }, { 0, 10 } };
    pm_pt cw[] = { { 0, 0 }, { 0, 10 }, { 10, 10 }, { 10, 0 } };
    pm_pt closed[] = { { 0, 0 }, { 4, 0 }, { 0, 3 }, { 0, 0 } };
    cr_assert_float_eq(pm_ring_signed_area(ccw, 4), 100, 1e-12);
    cr_assert_float_eq(pm_ring_signed_area(cw, 4), -100, 1e-12);
    cr_assert_float_eq(pm_ring_signed_area(closed, 4), 6, 1e-12);
    cr_assert_float_eq(pm_ring_signed_area(ccw, 2), 0, 1e-12);
    /* a 1 m square at Gauss-Kruger magnitudes keeps its digits */
    pm_pt far[] = { { 637187, 3458477 }, { 637188, 3458477 }, { 637188, 3458478 }, { 637187, 3458478 } };
    cr_assert_float_eq(pm_ring_signed_area(far, 4), 1, 1e-9);
}

Test(geom, area_with_holes_and_parts)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    rect(&g, 0, 0, 0, 10, 10, 1);     /* clockwise exterior: orientation must not matter */
    rect(&g, 1, 2, 2, 4, 4, 0);       /* hole, counter-clockwise */
    rect(&g, 0, 20, 0, 23, 3, 0);     /* second part */
    rect(&g, 1, 21, 1, 22, 2, 1);     /* its hole */
    pm_geom_finish(&g);
    cr_assert_float_eq(pm_geom_area(&g), 100 - 4 + 9 - 1, 1e-12);
    pm_geom_fini(&g);

    pm_geom_init(&g, PM_GEOM_LINE);
    rect(&g, 0, 0, 0, 10, 10, 0);
    pm_geom_finish(&g);
    cr_assert_float_eq(pm_geom_area(&g), 0, 1e-12);
    pm_geom_fini(&g);
}

Test(geom, contains_with_hole)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    rect(&g, 0, 0, 0, 10, 10, 0);
    rect(&g, 1, 2, 2, 4, 4, 1);
    pm_geom_finish(&g);
    cr_assert(pm_geom_contains(&g, pt(1, 1)));
    cr_assert(pm_geom_contains(&g, pt(5, 9.5)));
    cr_assert(!pm_geom_contains(&g, pt(3, 3)));   /* in the hole */
    cr_assert(!pm_geom_contains(&g, pt(11, 5)));
    cr_assert(!pm_geom_contains(&g, pt(-0.001, 5)));
    /* half-open: lower and left edges are inside, upper and right ones are not */
    cr_assert(pm_geom_contains(&g, pt(0, 5)));
    cr_assert(pm_geom_contains(&g, pt(5, 0)));
    cr_assert(!pm_geom_contains(&g, pt(10, 5)));
    cr_assert(!pm_geom_contains(&g, pt(5, 10)));
    pm_geom_fini(&g);
}

Test(geom, shared_edge_belongs_to_exactly_one)
{
    pm_geom a, b;
    pm_geom_init(&a, PM_GEOM_POLYGON);
    pm_geom_init(&b, PM_GEOM_POLYGON);
    rect(&a, 0, 0, 0, 1, 1, 0);
    rect(&b, 0, 1, 0, 2, 1, 1);
    pm_geom_finish(&a);
    pm_geom_finish(&b);
    cr_assert(!pm_geom_contains(&a, pt(1, 0.5)));
    cr_assert(pm_geom_contains(&b, pt(1, 0.5)));   /* b's left edge */
    pm_geom_fini(&a);
    pm_geom_fini(&b);

    /* A slanted shared edge (0,0)-(3,7), traversed in opposite directions by the two
     * triangles: points on it (up to rounding) land in exactly one of them. */
    double ta[] = { 0, 0, 3, 7, -2, 5 }, tb[] = { 0, 0, 5, 1, 3, 7 };
    pm_geom_init(&a, PM_GEOM_POLYGON);
    pm_geom_init(&b, PM_GEOM_POLYGON);
    ring(&a, 0, ta, 3);
    ring(&b, 0, tb, 3);
    pm_geom_finish(&a);
    pm_geom_finish(&b);
    for (int k = 1; k < 1000; k++) {
        double t = k / 1000.0;
        pm_pt p = pt(3 * t, 7 * t);
        cr_assert_eq(pm_geom_contains(&a, p) + pm_geom_contains(&b, p), 1, "t = %g", t);
    }
    pm_geom_fini(&a);
    pm_geom_fini(&b);
}

Test(geom, shared_vertex_of_four_squares)
{
    pm_geom sq[4];
    int n = 0;
    for (int i = 0; i < 4; i++) {
        double x = i % 2, y = i / 2;
        pm_geom_init(&sq[i], PM_GEOM_POLYGON);
        rect(&sq[i], 0, x, y, x + 1, y + 1, i % 2);
        pm_geom_finish(&sq[i]);
        n += pm_geom_contains(&sq[i], pt(1, 1));
    }
    cr_assert_eq(n, 1);
    cr_assert(pm_geom_contains(&sq[3], pt(1, 1))); /* the upper right one: its lower-left corner */
    for (int i = 0; i < 4; i++) pm_geom_fini(&sq[i]);
}

Test(geom, dist2_to_boundary)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    rect(&g, 0, 0, 0, 10, 10, 0);
    pm_geom_finish(&g);
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(5, 5)), 25, 1e-12);
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(2, 7)), 4, 1e-12);
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(13, 14)), 25, 1e-12); /* corner */
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(-1, 5)), 1, 1e-12);   /* closing edge */
    pm_geom_fini(&g);

    /* a line is not closed: (0,5) is 5 from the path (0,0)-(10,0)-(10,10) */
    double xy[] = { 0, 0, 10, 0, 10, 10 };
    pm_geom_init(&g, PM_GEOM_LINE);
    ring(&g, 0, xy, 3);
    pm_geom_finish(&g);
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(0, 5)), 25, 1e-12);
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(5, 3)), 9, 1e-12);
    cr_assert_float_eq(pm_geom_dist2_to_boundary(&g, pt(-3, -4)), 25, 1e-12);
    pm_geom_fini(&g);

    pm_geom_init(&g, PM_GEOM_POLYGON);
    cr_assert(isinf(pm_geom_dist2_to_boundary(&g, pt(0, 0))));
    pm_geom_fini(&g);
}

Test(geom, centroid_with_hole)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    rect(&g, 0, 0, 0, 10, 10, 1);
    rect(&g, 1, 6, 6, 8, 8, 1);
    pm_geom_finish(&g);
    /* (100 * 5 - 4 * 7) / 96 */
    pm_pt c = pm_geom_centroid(&g);
    cr_assert_float_eq(c.x, 472.0 / 96, 1e-12);
    cr_assert_float_eq(c.y, 472.0 / 96, 1e-12);
    pm_geom_fini(&g);

    /* zero area: the mean of the vertices */
    double flat[] = { 0, 0, 2, 0, 7, 0 };
    pm_geom_init(&g, PM_GEOM_POLYGON);
    ring(&g, 0, flat, 3);
    pm_geom_finish(&g);
    c = pm_geom_centroid(&g);
    cr_assert_float_eq(c.x, 3, 1e-12);
    cr_assert_float_eq(c.y, 0, 1e-12);
    pm_geom_fini(&g);
}

/* ---- visual centre ---- */

static void assert_centre(const pm_geom *g, double prec, pm_pt want, double want_r, double tol)
{
    double r = -1;
    pm_pt c = pm_geom_visual_centre(g, prec, &r);
    cr_assert(pm_geom_contains(g, c), "(%g, %g) is not inside", c.x, c.y);
    cr_assert_float_eq(c.x, want.x, tol, "x = %.9g, want %.9g", c.x, want.x);
    cr_assert_float_eq(c.y, want.y, tol, "y = %.9g, want %.9g", c.y, want.y);
    cr_assert_float_eq(r, want_r, prec + 1e-12, "r = %.9g, want %.9g", r, want_r);
    /* the radius is the true distance of the returned point */
    cr_assert_float_eq(r, sqrt(pm_geom_dist2_to_boundary(g, c)), 1e-9);
}

Test(geom, visual_centre_of_square_is_its_centre)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    rect(&g, 0, 0, 0, 10, 10, 1);
    pm_geom_finish(&g);
    assert_centre(&g, 0.01, pt(5, 5), 5, 1e-9);
    pm_geom_fini(&g);
}

/* L with arms of width 1: the largest circle sits in the corner square, touching the
 * two outer walls and the reflex vertex (1,1): c = sqrt(2) (1 - c), c = 2 - sqrt(2). */
static void l_shape(pm_geom *g, double ox, double oy)
{
    double xy[] = { 0, 0, 4, 0, 4, 1, 1, 1, 1, 4, 0, 4 };
    for (int i = 0; i < 12; i += 2) {
        xy[i] += ox;
        xy[i + 1] += oy;
    }
    pm_geom_init(g, PM_GEOM_POLYGON);
    ring(g, 0, xy, 6);
    pm_geom_finish(g);
}

Test(geom, visual_centre_of_l_shape)
{
    pm_geom g;
    double c = 2 - sqrt(2);
    l_shape(&g, 0, 0);
    assert_centre(&g, 0.001, pt(c, c), c, 0.01);
    pm_pt ctr = pm_geom_centroid(&g); /* (4 * 2 + 3 * 0.5) / 7 = 19/14: outside the L */
    cr_assert_float_eq(ctr.x, 19.0 / 14, 1e-12);
    cr_assert_float_eq(ctr.y, 19.0 / 14, 1e-12);
    cr_assert(!pm_geom_contains(&g, ctr));
    pm_geom_fini(&g);
    /* the same at Gauss-Kruger magnitudes */
    l_shape(&g, 637000, 3458000);
    assert_centre(&g, 0.001, pt(637000 + c, 3458000 + c), c, 0.01);
    pm_geom_fini(&g);
}

/* C opening to the right: back bar [0,2] x [0,5], arms 1 thick reaching x = 6.  Its
 * centroid (7/3, 5/2) lies in the gap; the best circles (r = 1) are centred on x = 1,
 * 1 <= y <= 4. */
Test(geom, visual_centre_of_c_shape)
{
    double xy[] = { 0, 0, 6, 0, 6, 1, 2, 1, 2, 4, 6, 4, 6, 5, 0, 5 };
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    ring(&g, 0, xy, 8);
    pm_geom_finish(&g);
    pm_pt ctr = pm_geom_centroid(&g);
    cr_assert_float_eq(ctr.x, 7.0 / 3, 1e-12);
    cr_assert(!pm_geom_contains(&g, ctr));
    double r;
    pm_pt c = pm_geom_visual_centre(&g, 0.001, &r);
    cr_assert(pm_geom_contains(&g, c));
    cr_assert_float_eq(r, 1, 0.001);
    cr_assert_float_eq(c.x, 1, 0.01);
    cr_assert(c.y >= 1 - 0.01 && c.y <= 4 + 0.01, "y = %g", c.y);
    /* deterministic: the same call gives the same bits */
    double r2;
    pm_pt c2 = pm_geom_visual_centre(&g, 0.001, &r2);
    cr_assert(c2.x == c.x && c2.y == c.y && r2 == r);
    pm_geom_fini(&g);
}

/* Square [0,10]^2 with hole [4,6]^2: the best circles sit in the corners, touching two
 * walls and a hole corner: c = sqrt(2) (4 - c), c = 4 (2 - sqrt(2)). */
Test(geom, visual_centre_around_a_hole)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    rect(&g, 0, 0, 0, 10, 10, 0);
    rect(&g, 1, 4, 4, 6, 6, 0);
    pm_geom_finish(&g);
    double r, want = 4 * (2 - sqrt(2));
    pm_pt c = pm_geom_visual_centre(&g, 0.001, &r);
    cr_assert(pm_geom_contains(&g, c));
    cr_assert_float_eq(r, want, 0.001);
    cr_assert_float_eq(fabs(c.x - 5), 5 - want, 0.01);
    cr_assert_float_eq(fabs(c.y - 5), 5 - want, 0.01);
    pm_geom_fini(&g);
}

Test(geom, visual_centre_of_multipolygon_is_in_the_largest_room)
{
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    rect(&g, 0, 0, 0, 1, 1, 0);
    rect(&g, 0, 10, 0, 20, 10, 1);
    pm_geom_finish(&g);
    assert_centre(&g, 0.01, pt(15, 5), 5, 1e-9);
    pm_geom_fini(&g);
}

Test(geom, visual_centre_of_degenerate_input)
{
    pm_geom g;
    double r = -1;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    pm_geom_finish(&g);
    pm_pt c = pm_geom_visual_centre(&g, 1, &r);
    cr_assert(r == 0 && c.x == 0 && c.y == 0);
    pm_geom_fini(&g);

    double flat[] = { 0, 0, 2, 0, 7, 0 };
    pm_geom_init(&g, PM_GEOM_POLYGON);
    ring(&g, 0, flat, 3);
    pm_geom_finish(&g);
    r = -1;
    c = pm_geom_visual_centre(&g, 1, &r);
    cr_assert(r == 0);
    cr_assert_float_eq(c.x, 3, 1e-12);
    pm_geom_fini(&g);

    /* not a polygon: bbox centre; radius may be NULL */
    double xy[] = { 0, 0, 10, 0, 10, 4 };
    pm_geom_init(&g, PM_GEOM_LINE);
    ring(&g, 0, xy, 3);
    pm_geom_finish(&g);
    c = pm_geom_visual_centre(&g, 1, NULL);
    cr_assert(c.x == 5 && c.y == 2);
    pm_geom_fini(&g);
}

/* A comb: teeth 1 wide and 100 long at x = [2i, 2i+1], on a base y = [-1, 0]. */
static void comb(pm_geom *g, int teeth)
{
    pm_geom_init(g, PM_GEOM_POLYGON);
    cr_assert_eq(pm_geom_begin_ring(g, 0), PM_OK);
    cr_assert_eq(pm_geom_add_pt(g, pt(0, -1)), PM_OK);
    cr_assert_eq(pm_geom_add_pt(g, pt(2 * teeth - 1, -1)), PM_OK);
    for (int i = teeth - 1; i >= 0; i--) {
        double x = 2 * i;
        double xy[] = { x + 1, 0, x + 1, 100, x, 100, x, 0 };
        for (int k = 0; k < 8; k += 2) cr_assert_eq(pm_geom_add_pt(g, pt(xy[k], xy[k + 1])), PM_OK);
    }
    pm_geom_finish(g);
    cr_assert_float_eq(pm_geom_area(g), 2 * teeth - 1 + 100.0 * teeth, 1e-6);
}

/* The best circle of a comb sits where an inner tooth meets the base, touching the
 * bottom and the two reflex corners: 0.25 + y^2 = (y + 1)^2, so y = -0.375 and
 * r = 0.625 (the end teeth only reach 2 - sqrt(2), a tooth's middle 0.5). */
Test(geom, visual_centre_of_comb)
{
    pm_geom g;
    double r;
    comb(&g, 10);
    pm_pt c = pm_geom_visual_centre(&g, 0.0001, &r);
    cr_assert_float_eq(r, 0.625, 0.0001, "r = %.9g", r);
    cr_assert_float_eq(c.y, -0.375, 0.001, "y = %.9g", c.y);
    double tooth = floor(c.x / 2);
    cr_assert(tooth >= 1 && tooth <= 8, "x = %g", c.x);
    cr_assert_float_eq(c.x - 2 * tooth, 0.5, 0.001, "x = %.9g", c.x);
    pm_geom_fini(&g);
}

/* A sliver (1 km long, 1 um thick) and a comb of 4000 teeth, with precision 0: the
 * work cap ends the search (0.3 s natively; the timeout leaves room for valgrind),
 * and the answer is still a good interior point. */
Test(geom, visual_centre_of_pathological_polygons, .timeout = PM_T(120))
{
    double sliver[] = { 0, 0, 1000, 0, 1000, 1e-6 };
    pm_geom g;
    double r;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    ring(&g, 0, sliver, 3);
    pm_geom_finish(&g);
    pm_pt c = pm_geom_visual_centre(&g, 0, &r);
    cr_assert(pm_geom_contains(&g, c));
    cr_assert(r > 0 && r < 1e-6);
    pm_geom_fini(&g);

    comb(&g, 4000);
    c = pm_geom_visual_centre(&g, 0, &r);
    cr_assert(pm_geom_contains(&g, c), "(%g, %g)", c.x, c.y);
    cr_assert(r >= 0.5 - 1e-9 && r <= 0.625 + 1e-9, "r = %g", r);
    pm_geom_fini(&g);
}
