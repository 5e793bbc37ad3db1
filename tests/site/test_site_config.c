/* The config keys of the site and the map approval: parsed, validated, unknown keys refused. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../support/support.h"
#include "data/config.h"

static const char base[] = "\"maps\": [\"service\"], \"name\": \"长寿路街道\", \"sources\": {\"committees\": \"a.shp\", "
                           "\"platforms\": \"b.geojson\", \"projects\": \"c.geojson\", \"evaluations\": \"e.csv\"}";

static pm_status parse(const char *extra, pm_diag *d, pm_config **c)
{
    char *json = pm_asprintf("{%s%s%s}", base, *extra ? ", " : "", extra);
    pm_diag_init(d);
    pm_status st = pm_config_parse("p.json", "/data", json, strlen(json), d, c);
    free(json);
    return st;
}

Test(site_config, approval_and_site_keys)
{
    pm_diag d;
    pm_config *c = NULL;
    cr_assert_eq(parse("\"approval\": {\"number\": \"沪S（2026）012号\", \"issuer\": \"长寿路街道办事处 编制\"},"
                       "\"site\": {\"icp\": \"沪ICP备12345678号-1\", \"gov_code\": \"3101070001\","
                       "\"basemap\": {\"url\": \"https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY\","
                       "\"attribution\": \"天地图\", \"opacity\": 0.6, \"subdomains\": \"01234567\"}}", &d, &c), PM_OK);
    cr_assert_str_eq(c->approval_number, "沪S（2026）012号");
    cr_assert_str_eq(c->approval_issuer, "长寿路街道办事处 编制");
    cr_assert_str_eq(c->site_icp, "沪ICP备12345678号-1");
    cr_assert_str_eq(c->site_gov_code, "3101070001");
    cr_assert(strstr(c->basemap.url, "tianditu") && !c->basemap.local);
    cr_assert_float_eq(c->basemap.opacity, 0.6, 1e-9);
    cr_assert_str_eq(c->basemap.subdomains, "01234567");
    pm_config_free(c);
    pm_diag_fini(&d);
}

Test(site_config, defaults_without_the_keys)
{
    pm_diag d;
    pm_config *c = NULL;
    cr_assert_eq(parse("", &d, &c), PM_OK);
    cr_assert_null(c->approval_number);
    cr_assert_null(c->site_icp);
    cr_assert_null(c->basemap.url, "the basemap is off unless configured");
    cr_assert_str_eq(c->term_unit, "居民区");
    cr_assert_str_eq(c->term_parent, "街道");
    cr_assert_str_eq(c->term_area, "长寿路街道");
    pm_config_free(c);
    pm_diag_fini(&d);
}

Test(site_config, a_local_basemap_folder)
{
    pm_diag d;
    pm_config *c = NULL;
    cr_assert_eq(parse("\"site\": {\"basemap\": {\"url\": \"tiles/tdt/{z}/{x}/{y}.png\", \"attribution\": \"天地图\"}}", &d, &c), PM_OK);
    cr_assert(c->basemap.local);
    cr_assert_str_eq(c->basemap.url, "/data/tiles/tdt/{z}/{x}/{y}.png");
    cr_assert_float_eq(c->basemap.opacity, 1, 1e-9);
    cr_assert_str_eq(c->basemap.subdomains, "abc");
    pm_config_free(c);
    pm_diag_fini(&d);
}

Test(site_config, bad_values_are_named)
{
    pm_diag d;
    pm_config *c = NULL;
    cr_assert_eq(parse("\"approval\": {\"issuer\": \"x\", \"numbr\": \"y\"},"
                       "\"site\": {\"icp\": \"12345678\", \"gov_code\": \"31010700\", \"logo\": \"x.png\","
                       "\"basemap\": {\"url\": \"ftp://x/{z}/{x}/{y}\", \"opacity\": 1.5, \"subdomains\": \"a,b\"}}",
                       &d, &c), PM_EDATA);
    char *txt = t_diag_text(&d);
    const char *want[] = { "p.json: approval.numbr: unknown key", "p.json: approval.number: missing",
                           "p.json: site.logo: unknown key", "p.json: site.icp: must be an ICP filing number",
                           "p.json: site.gov_code: must be the 10-digit", "p.json: site.basemap.url: a URL must start with https://",
                           "p.json: site.basemap.attribution: missing", "p.json: site.basemap.opacity: must be a number above 0",
                           "p.json: site.basemap.subdomains: must be letters" };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_assert(t_diag_has(&d, want[i], NULL), "no \"%s\" in:\n%s", want[i], txt);
    free(txt);
    pm_diag_fini(&d);
    cr_assert_eq(parse("\"site\": {\"basemap\": {\"url\": \"https://x/tiles.png\", \"attribution\": \"a\"}}", &d, &c), PM_EDATA);
    cr_assert(t_diag_has(&d, "site.basemap.url: must contain {z}, {x} and {y}", NULL));
    pm_diag_fini(&d);
    cr_assert_eq(parse("\"approval\": \"沪S（2026）012号\"", &d, &c), PM_EDATA);
    cr_assert(t_diag_has(&d, "approval: must be an object", NULL));
    pm_diag_fini(&d);
}
