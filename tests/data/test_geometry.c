/* Awkward geometry: invalid polygons repaired with a warning (or refused when strict),
 * curves linearised, Z dropped, empty and null geometries reported. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "data/vector.h"

static const char *const GJ =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"bowtie\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[121.40,31.20],[121.41,31.21],[121.41,31.20],[121.40,31.21],[121.40,31.20]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"z\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[121.42,31.20,5],[121.43,31.20,5],[121.43,31.21,5],[121.42,31.20,5]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"none\"},\"geometry\":null}]}";

static pm_status read_gj(const char *text, const char *name, int strict, pm_diag *d, pm_vlayer *l)
{
    char *dir = t_tmpdir(), *path = pm_asprintf("%s/%s", dir, name);
    cr_assert_eq(pm_write_atomic(path, text, strlen(text), NULL), PM_OK);
    pm_source s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.strict = strict;
    pm_status st = pm_vlayer_read(&s, PM_READ_GEOM, d, l);
    t_rm_tree(dir);
    free(dir);
    free(path);
    return st;
}

Test(geometry, invalid_polygon_repaired_with_a_warning_z_dropped_null_kept_empty)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_vlayer l;
    cr_assert_eq(read_gj(GJ, "g.geojson", 0, &d, &l), PM_OK);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "g.geojson: warning: feature 0: geometry: invalid polygon repaired", NULL), "%s", txt);
    cr_assert_eq(l.n, 3);
    cr_assert_eq(l.feats[0].geom.kind, PM_GEOM_POLYGON);
    cr_assert_gt(pm_geom_area(&l.feats[0].geom), 0, "the repaired bowtie has area");
    cr_assert_eq(l.feats[1].geom.kind, PM_GEOM_POLYGON, "a 3D polygon loads as 2D");
    cr_assert_eq(l.feats[2].geom.kind, 0, "a null geometry stays empty (callers report it)");
    free(txt);
    pm_vlayer_fini(&l);
    pm_diag_fini(&d);
}

Test(geometry, strict_refuses_invalid_polygons)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_vlayer l;
    cr_assert_eq(read_gj(GJ, "g.geojson", 1, &d, &l), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "g.geojson: feature 0: geometry: invalid polygon", "strict", NULL), "%s", txt);
    free(txt);
    pm_vlayer_fini(&l);
    pm_diag_fini(&d);
}

Test(geometry, curves_are_linearised)
{
    /* GeoJSON has no curves: a CircularString needs a format with them (WKT in CSV) */
    const char *csv = "name,WKT\n\"arc\",\"CURVEPOLYGON(CIRCULARSTRING(121.40 31.20,121.41 31.21,121.42 31.20,121.41 31.19,121.40 31.20))\"\n";
    char *dir = t_tmpdir(), *path = pm_asprintf("%s/c.csv", dir);
    cr_assert_eq(pm_write_atomic(path, csv, strlen(csv), NULL), PM_OK);
    pm_source s;
    memset(&s, 0, sizeof s);
    s.path = path;
    s.assume_crs = "EPSG:4326";
    pm_diag d;
    pm_diag_init(&d);
    pm_vlayer l;
    pm_status st = pm_vlayer_read(&s, PM_READ_GEOM, &d, &l);
    char *txt = t_diag_text(&d);
    cr_assert_eq(st, PM_OK, "%s", txt);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.feats[0].geom.kind, PM_GEOM_POLYGON);
    cr_assert_gt(l.feats[0].geom.npts, 16, "the circle became many segments");
    free(txt);
    pm_vlayer_fini(&l);
    pm_diag_fini(&d);
    t_rm_tree(dir);
    free(dir);
    free(path);
}
