/* The second test place (geodata/gen_park.py, generated into build/park by make): the
 * properties the issue-15 tests rely on, checked on the files with GDAL/OGR itself. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../support/support.h"
#include "core/fileio.h"

#define PARK_DIR PM_SOURCE_DIR "/build/park"
#define LOCAL_CRS "+proj=tmerc +lat_0=0 +lon_0=120.58 +k=1 +x_0=50000 +y_0=-3000000 " \
                  "+ellps=GRS80 +units=m +no_defs"

static const char *const parents[5] = { "湖心街道", "北塘街道", "金澜街道", "鹭港街道", "枫溪街道" };

typedef struct {
    OGRGeometryH geom[256];
    char *name[256];
    int parent[256];
    size_t n;
    size_t per_file[5];
    int claims_geographic;
} park;

static void need_park(void)
{
    struct stat sb;
    if (stat(PARK_DIR "/.stamp", &sb) != 0)
        cr_skip_test("build/park is absent: `make park` (or `make test`) generates it");
}

static void park_load(park *p)
{
    memset(p, 0, sizeof *p);
    GDALAllRegister();
    p->claims_geographic = 1;
    for (int k = 0; k < 5; k++) {
        char *path = pm_asprintf("%s/committees/%s.geojson", PARK_DIR, parents[k]);
        GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        cr_assert(ds, "%s opens", path);
        OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
        p->claims_geographic &= srs && OSRIsGeographic(srs);
        int fname = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "社区名称");
        cr_assert_geq(fname, 0, "%s has 社区名称", path);
        cr_assert_lt(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "常住人口"), 0, "no population");
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
            cr_assert_lt(p->n, 256);
            p->geom[p->n] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
            p->name[p->n] = pm_strdup(OGR_F_GetFieldAsString(f, fname));
            p->parent[p->n++] = k;
            p->per_file[k]++;
            OGR_F_Destroy(f);
        }
        GDALClose(ds);
        free(path);
    }
}

static void park_free(park *p)
{
    for (size_t i = 0; i < p->n; i++) { OGR_G_DestroyGeometry(p->geom[i]); free(p->name[i]); }
}

Test(park, about_180_communities_in_five_files_declared_nowhere)
{
    need_park();
    park p;
    park_load(&p);
    cr_assert(p.n >= 175 && p.n <= 185, "%zu communities", p.n);
    for (int k = 0; k < 5; k++)
        cr_assert(p.per_file[k] >= 30 && p.per_file[k] <= 45, "%s: %zu", parents[k], p.per_file[k]);
    /* GDAL says WGS 84, but the coordinates are metres of a local grid */
    cr_assert(p.claims_geographic, "GeoJSON: GDAL claims a geographic CRS");
    OGREnvelope e;
    OGR_G_GetEnvelope(p.geom[0], &e);
    cr_assert(e.MinX > 180 && e.MinY > 90, "coordinates (%.0f, %.0f) are metres", e.MinX, e.MinY);
    park_free(&p);
}

Test(park, valid_tessellation_with_holes_and_exclaves, .timeout = PM_T(60))
{
    need_park();
    park p;
    park_load(&p);
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
    double sum = 0;
    size_t holes = 0, multi = 0;
    for (size_t i = 0; i < p.n; i++) {
        OGRGeometryH g = p.geom[i];
        cr_assert(OGR_G_IsValid(g), "feature %zu (%s) is valid", i, p.name[i]);
        sum += OGR_G_Area(g);
        if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbMultiPolygon) {
            multi++;
            for (int k = 0; k < OGR_G_GetGeometryCount(g); k++)
                OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(g, k));
        } else {
            holes += OGR_G_GetGeometryCount(g) > 1;
            OGR_G_AddGeometry(all, g);
        }
    }
    OGRGeometryH u = OGR_G_UnionCascaded(all);
    cr_assert(u, "union computed");
    double ua = OGR_G_Area(u);
    /* no overlaps: overlapping features would make the sum exceed the union */
    cr_assert(fabs(sum - ua) / ua < 0.001, "sum of areas %.0f m2 = union %.0f m2 within 0.1%%", sum, ua);
    OGREnvelope e;
    OGR_G_GetEnvelope(u, &e);
    cr_assert(e.MaxX - e.MinX > 13000 && e.MaxX - e.MinX < 17000, "about 15 km wide");
    cr_assert(e.MaxY - e.MinY > 10000 && e.MaxY - e.MinY < 14000, "about 12 km high");
    cr_assert_geq(holes, 1, "a polygon with a hole");
    cr_assert_geq(multi, 1, "a multipolygon (an exclave)");
    OGR_G_DestroyGeometry(u);
    OGR_G_DestroyGeometry(all);
    park_free(&p);
}

Test(park, names_repeat_across_parents)
{
    need_park();
    park p;
    park_load(&p);
    size_t repeated = 0, long_names = 0;
    for (size_t i = 0; i < p.n; i++) {
        long_names += strlen(p.name[i]) >= 8 * 3; /* 8 CJK characters, 3 bytes each */
        for (size_t j = i + 1; j < p.n; j++)
            if (strcmp(p.name[i], p.name[j]) == 0) {
                cr_assert_neq(p.parent[i], p.parent[j], "%s twice in %s", p.name[i], parents[p.parent[i]]);
                repeated++;
            }
    }
    cr_assert_geq(repeated, 3, "names repeated across subdistricts");
    cr_assert_geq(long_names, 3, "long names");
    park_free(&p);
}

Test(park, the_declared_grid_puts_it_in_eastern_china)
{
    need_park();
    park p;
    park_load(&p);
    OGRSpatialReferenceH local = OSRNewSpatialReference(NULL), wgs = OSRNewSpatialReference(NULL);
    cr_assert_eq(OSRImportFromProj4(local, LOCAL_CRS), OGRERR_NONE);
    OSRImportFromEPSG(wgs, 4326);
    OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(local, wgs);
    OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
    cr_assert_eq(OGR_G_Centroid(p.geom[0], c), OGRERR_NONE);
    double x = OGR_G_GetX(c, 0), y = OGR_G_GetY(c, 0);
    cr_assert(OCTTransform(ct, 1, &x, &y, NULL));
    cr_assert(x > 119.5 && x < 121.5 && y > 30 && y < 32, "lands at %.4f E, %.4f N", x, y);
    OGR_G_DestroyGeometry(c);
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(local);
    OSRDestroySpatialReference(wgs);
    park_free(&p);
}

Test(park, generation_is_deterministic, .timeout = PM_T(120))
{
    need_park();
    char *tmp = t_tmpdir();
    cr_assert(tmp);
    char *cmd = pm_asprintf("/usr/bin/python3 '%s/geodata/gen_park.py' '%s/a' >/dev/null && "
                            "/usr/bin/python3 '%s/geodata/gen_park.py' '%s/b' >/dev/null && "
                            "diff -r '%s/a' '%s/b'", PM_SOURCE_DIR, tmp, PM_SOURCE_DIR, tmp, tmp, tmp);
    char *out = NULL;
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "two generations give identical bytes:\n%s", out ? out : "");
    free(out);
    free(cmd);
    /* and build/park is what the script makes now (park.json's styles path differs) */
    cmd = pm_asprintf("diff -r -x park.json -x .stamp '%s/a' '%s'", tmp, PARK_DIR);
    rc = t_run(cmd, &out);
    cr_assert_eq(rc, 0, "build/park is stale (run make park):\n%s", out ? out : "");
    free(out);
    free(cmd);
    t_rm_tree(tmp);
    free(tmp);
}
