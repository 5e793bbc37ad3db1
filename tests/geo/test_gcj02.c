/* GCJ-02: the inverse reproduces the forward formula, and on real Shanghai addresses
 * converting GCJ-02 to WGS 84 puts points back into the right subdistrict. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "analysis/indicators.h"
#include "core/fileio.h"
#include "data/vector.h"
#include "geo/gcj02.h"

Test(gcj02, inverse_round_trip_and_published_offset)
{
    pm_pt w = { 121.4390798, 31.25939384 };
    pm_pt g = pm_gcj02_from_wgs84(w);
    /* the address file's own pair for 中山北路1243弄 */
    cr_assert_float_eq(g.x, 121.443688, 2e-5);
    cr_assert_float_eq(g.y, 31.257533, 2e-5);
    pm_pt back = pm_gcj02_to_wgs84(g);
    cr_assert_float_eq(back.x, w.x, 1e-8);
    cr_assert_float_eq(back.y, w.y, 1e-8);
    pm_pt paris = { 2.35, 48.85 };
    cr_assert_float_eq(pm_gcj02_from_wgs84(paris).x, 2.35, 0, "identity outside China");
}

/* "真如镇街道" and "真如镇" name the same unit. */
static void stem(const char *in, char *out, size_t n)
{
    snprintf(out, n, "%s", in ? in : "");
    size_t l = strlen(out);
    if (l > 6 && strcmp(out + l - 6, "街道") == 0) out[l -= 6] = '\0';
    if (l > 3 && strcmp(out + l - 3, "镇") == 0) out[l - 3] = '\0';
}

static double share(const pm_committee *c, size_t nc, const pm_vlayer *pts, int fstreet)
{
    size_t ok = 0;
    for (size_t i = 0; i < pts->n; i++) {
        long k = pm_join_point(c, nc, pts->feats[i].geom.pts[0]);
        char a[128], b[128];
        stem(k >= 0 ? c[k].name : "", a, sizeof a);
        stem(pts->feats[i].attrs[fstreet], b, sizeof b);
        ok += k >= 0 && strcmp(a, b) == 0;
    }
    return (double)ok / (double)pts->n;
}

static void read_points(const char *path, const char *x, const char *y, int gcj, pm_vlayer *l)
{
    pm_source s;
    memset(&s, 0, sizeof s);
    s.path = (char *)path;
    s.x_field = (char *)x;
    s.y_field = (char *)y;
    s.assume_crs = "EPSG:4326";
    s.gcj02 = gcj;
    pm_diag d;
    pm_diag_init(&d);
    cr_assert_eq(pm_vlayer_read(&s, PM_READ_GEOM, &d, l), PM_OK);
    pm_diag_fini(&d);
}

Test(gcj02, addresses_join_to_the_right_subdistrict_after_conversion, .timeout = PM_T(120))
{
    const char *rd = t_realdata();
    if (!rd) cr_skip_test("../shared/realdata is absent (a user's clone): GCJ-02 test skipped");
    char *tp = pm_asprintf("%s/shanghai-townships/上海市_乡镇边界.shp", rd);
    char *ap = pm_asprintf("%s/shanghai-addresses-2022/geo_putuo.csv", rd);
    pm_source ts;
    memset(&ts, 0, sizeof ts);
    ts.path = tp;
    ts.encoding = "GBK";
    pm_diag d;
    pm_diag_init(&d);
    pm_vlayer town;
    cr_assert_eq(pm_vlayer_read(&ts, PM_READ_GEOM, &d, &town), PM_OK);
    int fn = pm_vlayer_field(&town, "Name");
    pm_committee *c = calloc(town.n, sizeof *c);
    for (size_t i = 0; i < town.n; i++) { c[i].name = town.feats[i].attrs[fn]; c[i].geom = town.feats[i].geom; }
    pm_vlayer raw, conv, wgs;
    read_points(ap, "gcj02_lng", "gcj02_lat", 0, &raw);
    read_points(ap, "gcj02_lng", "gcj02_lat", 1, &conv);
    read_points(ap, "wgs84_lng", "wgs84_lat", 0, &wgs);
    int fs = pm_vlayer_field(&raw, "street_level");
    double s_raw = share(c, town.n, &raw, fs), s_conv = share(c, town.n, &conv, fs), s_wgs = share(c, town.n, &wgs, fs);
    fprintf(stderr, "GCJ-02 test, %zu Putuo addresses joined to the right subdistrict: GCJ-02 as is %.1f%%, "
            "converted %.1f%%, published WGS 84 %.1f%%\n", raw.n, 100 * s_raw, 100 * s_conv, 100 * s_wgs);
    cr_assert_gt(s_conv, s_raw + 0.1, "conversion helps: %.3f vs %.3f", s_conv, s_raw);
    cr_assert_geq(s_conv, s_wgs - 0.01, "as good as the published WGS 84: %.3f vs %.3f", s_conv, s_wgs);
    free(c);
    pm_vlayer_fini(&raw); pm_vlayer_fini(&conv); pm_vlayer_fini(&wgs); pm_vlayer_fini(&town);
    pm_diag_fini(&d);
    free(tp); free(ap);
}
