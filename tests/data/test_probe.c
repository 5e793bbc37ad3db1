/* File probing (partymap init's eyes) on the second place's files: geometry kind, the
 * CRS GDAL claims against the coordinates, what the fields hold, the folder listing. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fileio.h"
#include "data/probe.h"

#define PARK_DIR PM_SOURCE_DIR "/build/park"

static void need_park(void)
{
    struct stat sb;
    if (stat(PARK_DIR "/.stamp", &sb) != 0) cr_skip_test("build/park is absent: `make park` generates it");
}

static const pm_probe_field *field(const pm_probe *p, const char *name)
{
    int k = pm_probe_field_index(p, name);
    cr_assert_geq(k, 0, "field %s", name);
    return &p->fields[k];
}

Test(probe, committee_file_claims_wgs84_with_metres)
{
    need_park();
    pm_probe p;
    char *why = NULL;
    cr_assert_eq(pm_probe_file(PARK_DIR "/committees/湖心街道.geojson", &p, &why), PM_OK, "%s", why);
    cr_assert_eq(p.kind, PM_PROBE_POLYGONS);
    cr_assert_eq(p.nrows, 44);
    cr_assert(p.crs_declared && p.crs_geographic, "GDAL says WGS 84");
    cr_assert_str_eq(p.crs, "EPSG:4326");
    cr_assert(!p.lonlat && p.minx > 40000 && p.maxy > 400000, "but the coordinates are metres");
    cr_assert_eq(field(&p, "社区代码")->code12, 44);
    cr_assert_eq(field(&p, "所属街道")->ndistinct, 1);
    cr_assert_str_eq(field(&p, "所属街道")->values[0], "湖心街道");
    cr_assert_eq(field(&p, "社区名称")->cjk, 44);
    cr_assert_eq(field(&p, "Shape_Area")->numeric, 44);
    cr_assert_null(p.encoding);
    pm_probe_fini(&p);
}

Test(probe, tables_and_point_tables)
{
    need_park();
    pm_probe p;
    char *why = NULL;
    cr_assert_eq(pm_probe_file(PARK_DIR "/statistics.csv", &p, &why), PM_OK, "%s", why);
    cr_assert_eq(p.kind, PM_PROBE_TABLE);
    cr_assert_eq(p.nrows, 540);
    cr_assert_str_eq(p.fields[0].name, "社区代码", "the BOM is not part of the first header");
    const pm_probe_field *y = field(&p, "年份");
    cr_assert(y->year == 540 && y->ndistinct == 3);
    cr_assert(!p.crs_declared);
    pm_probe_fini(&p);
    cr_assert_eq(pm_probe_file(PARK_DIR "/projects.csv", &p, &why), PM_OK, "%s", why);
    cr_assert_eq(p.kind, PM_PROBE_POINTS, "X and Y columns make points");
    cr_assert_str_eq(p.fields[p.xfield].name, "X");
    cr_assert_str_eq(p.fields[p.yfield].name, "Y");
    cr_assert(p.has_extent && !p.lonlat);
    pm_probe_fini(&p);
}

Test(probe, not_data_is_refused_with_a_reason)
{
    need_park();
    pm_probe p;
    char *why = NULL;
    cr_assert_eq(pm_probe_file(PARK_DIR "/park.json", &p, &why), PM_EDATA);
    cr_assert(why && strstr(why, "not a vector file or table"), "%s", why ? why : "");
    free(why);
    pm_probe_fini(&p);
}

Test(probe, folder_listing_is_recursive_and_sorted)
{
    need_park();
    char **paths = NULL, *err = NULL;
    size_t n = 0;
    cr_assert_eq(pm_probe_list(PARK_DIR, &paths, &n, &err), PM_OK);
    cr_assert_eq(n, 12, "5 committee files, 2 context files, 4 tables and point files, park.json");
    cr_assert_str_eq(paths[0], PARK_DIR "/committees/北塘街道.geojson");
    for (size_t i = 1; i < n; i++) cr_assert_lt(strcmp(paths[i - 1], paths[i]), 0);
    for (size_t i = 0; i < n; i++) {
        cr_assert_null(strstr(paths[i], ".stamp"));
        free(paths[i]);
    }
    free(paths);
    cr_assert_neq(pm_probe_list(PARK_DIR "/nowhere", &paths, &n, &err), PM_OK);
    cr_assert(err && strstr(err, "nowhere"));
    free(err);
}
