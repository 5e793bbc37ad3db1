/* Tests of the PROJ wrapper: known transforms (values from cs2cs), round trips, errors, CRS kinds. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/proj.h"

static pm_proj *make(const char *from, const char *to)
{
    pm_proj *p = NULL;
    char *err = NULL;
    pm_status st = pm_proj_new(from, to, &p, &err);
    cr_assert_eq(st, PM_OK, "%s -> %s: %s", from, to, err ? err : "?");
    cr_assert_null(err);
    cr_assert_not_null(p);
    return p;
}

/* Expected: echo "31.24 121.44" | cs2cs -f %.6f EPSG:4326 EPSG:4549
 *   3458477.687222  637187.225274  (EPSG:4549 is northing, easting; we get x = E) */
Test(proj, wgs84_to_cgcs2000_gauss_kruger)
{
    pm_proj *p = make("EPSG:4326", "EPSG:4549");
    pm_pt pt = { 121.44, 31.24 }; /* x = lon, y = lat despite EPSG:4326's lat/lon order */
    cr_assert_eq(pm_proj_points(p, &pt, 1), PM_OK);
    cr_assert_float_eq(pt.x, 637187.225274, 0.01, "x = %.6f", pt.x);
    cr_assert_float_eq(pt.y, 3458477.687222, 0.01, "y = %.6f", pt.y);
    pm_proj_free(p);
}

Test(proj, round_trip)
{
    pm_proj *fwd = make("EPSG:4326", "EPSG:4549"), *inv = make("EPSG:4549", "EPSG:4326");
    pm_pt pts[3] = { { 121.44, 31.24 }, { 121.43, 31.25 }, { 119.5, 30.0 } };
    pm_pt orig[3];
    memcpy(orig, pts, sizeof pts);
    cr_assert_eq(pm_proj_points(fwd, pts, 3), PM_OK);
    cr_assert(fabs(pts[0].x - 637187.225) < 0.01);
    cr_assert(pts[2].x < 500000); /* west of the central meridian */
    cr_assert_eq(pm_proj_points(inv, pts, 3), PM_OK);
    for (int i = 0; i < 3; i++) {
        cr_assert_float_eq(pts[i].x, orig[i].x, 1e-9, "lon %d = %.12f", i, pts[i].x);
        cr_assert_float_eq(pts[i].y, orig[i].y, 1e-9, "lat %d = %.12f", i, pts[i].y);
    }
    pm_proj_free(fwd);
    pm_proj_free(inv);
}

/* Expected: echo "31.24 121.44" | cs2cs -f %.6f EPSG:4326 EPSG:3857 -> 13518638.961935
 * 3663957.093090; "45 180" -> 20037508.342789 5621521.486192. */
Test(proj, web_mercator)
{
    pm_proj *p = make("EPSG:4326", "EPSG:3857");
    pm_pt pts[3] = { { 121.44, 31.24 }, { 0, 0 }, { 180, 45 } };
    cr_assert_eq(pm_proj_points(p, pts, 3), PM_OK);
    cr_assert_float_eq(pts[0].x, 13518638.961935, 0.01);
    cr_assert_float_eq(pts[0].y, 3663957.093090, 0.01);
    cr_assert_float_eq(pts[1].x, 0, 1e-6);
    cr_assert_float_eq(pts[1].y, 0, 1e-6);
    cr_assert_float_eq(pts[2].x, 20037508.342789, 0.01);
    cr_assert_float_eq(pts[2].y, 5621521.486192, 0.01);
    pm_proj_free(p);
}

Test(proj, proj_string_source)
{
    /* a bare "+proj=" string is taken as a CRS, like cs2cs does */
    pm_proj *p = make("+proj=longlat +datum=WGS84 +no_defs", "EPSG:3857");
    pm_pt pt = { 121.44, 31.24 };
    cr_assert_eq(pm_proj_points(p, &pt, 1), PM_OK);
    cr_assert_float_eq(pt.x, 13518638.961935, 0.01);
    cr_assert_float_eq(pt.y, 3663957.093090, 0.01);
    pm_proj_free(p);
}

Test(proj, geometry_and_bbox)
{
    pm_proj *p = make("EPSG:4326", "EPSG:3857");
    pm_geom g;
    pm_geom_init(&g, PM_GEOM_POLYGON);
    pm_pt sq[] = { { 0, 0 }, { 121.44, 0 }, { 121.44, 31.24 }, { 0, 31.24 } };
    cr_assert_eq(pm_geom_begin_ring(&g, 0), PM_OK);
    for (int i = 0; i < 4; i++) cr_assert_eq(pm_geom_add_pt(&g, sq[i]), PM_OK);
    pm_geom_finish(&g);
    cr_assert_eq(pm_proj_geom(p, &g), PM_OK);
    cr_assert_float_eq(g.bbox.minx, 0, 1e-6);
    cr_assert_float_eq(g.bbox.miny, 0, 1e-6);
    cr_assert_float_eq(g.bbox.maxx, 13518638.961935, 0.01);
    cr_assert_float_eq(g.bbox.maxy, 3663957.093090, 0.01);
    /* tolerance: the 1e-6 m rounding of cs2cs's output times the sides is ~9 m^2 */
    cr_assert_float_eq(pm_geom_area(&g), 13518638.961935 * 3663957.093090, 10, "%.6f", pm_geom_area(&g));
    pm_geom_fini(&g);
    pm_proj_free(p);
}

Test(proj, untransformable_point)
{
    pm_proj *p = make("EPSG:4326", "EPSG:4549");
    pm_pt pts[3] = { { 121.44, 31.24 }, { 121.44, 95 }, { NAN, 31 } };
    cr_assert_eq(pm_proj_points(p, pts, 3), PM_EDATA);
    cr_assert_float_eq(pts[0].x, 637187.225274, 0.01); /* the good one is still done */
    cr_assert(pts[1].x == HUGE_VAL && pts[1].y == HUGE_VAL);
    cr_assert(pts[2].x == HUGE_VAL && pts[2].y == HUGE_VAL);
    /* the transform stays usable */
    pm_pt ok = { 121.44, 31.24 };
    cr_assert_eq(pm_proj_points(p, &ok, 1), PM_OK);
    cr_assert_eq(pm_proj_points(p, NULL, 0), PM_OK);
    pm_proj_free(p);
}

static void expect_bad(const char *from, const char *to, const char *named)
{
    pm_proj *p = (pm_proj *)1;
    char *err = NULL;
    cr_assert_eq(pm_proj_new(from, to, &p, &err), PM_EDATA);
    cr_assert_null(p);
    cr_assert_not_null(err);
    cr_assert(strstr(err, named), "message \"%s\" does not name %s", err, named);
    free(err);
}

Test(proj, unknown_crs_is_a_data_error)
{
    expect_bad("EPSG:4326", "EPSG:99999", "EPSG:99999");
    expect_bad("EPSG:99999", "EPSG:4326", "EPSG:99999");
    expect_bad("EPSG:4326", "not a crs at all", "not a crs at all");
    expect_bad("+proj=nosuchprojection", "EPSG:4326", "+proj=nosuchprojection");
    expect_bad("EPSG:4326", NULL, "no CRS");
    /* the reason from PROJ is kept */
    pm_proj *p = NULL;
    char *err = NULL;
    cr_assert_eq(pm_proj_new("EPSG:4326", "EPSG:99999", &p, &err), PM_EDATA);
    cr_assert(strstr(err, "not found"), "%s", err);
    free(err);
    pm_proj_free(NULL);
}

Test(proj, is_geographic)
{
    cr_assert_eq(pm_proj_is_geographic("EPSG:4326"), 1);
    cr_assert_eq(pm_proj_is_geographic("EPSG:4490"), 1);        /* CGCS2000 */
    cr_assert_eq(pm_proj_is_geographic("EPSG:4979"), 1);        /* 3D */
    cr_assert_eq(pm_proj_is_geographic("EPSG:4326+5773"), 1);   /* compound with height */
    cr_assert_eq(pm_proj_is_geographic("+proj=longlat +ellps=GRS80 +towgs84=0,0,0"), 1); /* bound */
    cr_assert_eq(pm_proj_is_geographic("EPSG:4549"), 0);
    cr_assert_eq(pm_proj_is_geographic("EPSG:3857"), 0);
    cr_assert_eq(pm_proj_is_geographic("EPSG:4978"), 0);        /* geocentric */
    cr_assert_eq(pm_proj_is_geographic("EPSG:99999"), -1);
    cr_assert_eq(pm_proj_is_geographic(""), -1);
    cr_assert_eq(pm_proj_is_geographic(NULL), -1);
}

Test(proj, crs_name)
{
    char *n = pm_proj_crs_name("EPSG:4549");
    cr_assert_str_eq(n, "CGCS2000 / 3-degree Gauss-Kruger CM 120E");
    free(n);
    n = pm_proj_crs_name("EPSG:4326");
    cr_assert_str_eq(n, "WGS 84");
    free(n);
    cr_assert_null(pm_proj_crs_name("EPSG:99999"));
}
