/* The print production's settings: config keys, their defaults and errors, and
 * render --production on the command line. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"
#include "data/config.h"

#define SOURCES "\"sources\": {\"committees\": \"a.shp\", \"platforms\": \"b.geojson\", " \
                "\"projects\": \"c.geojson\", \"evaluations\": \"e.csv\"}"

Test(printconf, defaults_and_values)
{
    const char *plain = "{\"maps\": [\"service\"], " SOURCES "}";
    const char *set = "{\"maps\": [\"service\"], " SOURCES ", \"print\": {\"production\": true, "
                      "\"bleed_mm\": 5, \"crop_marks\": true}, \"approval\": {\"number\": \"沪S（2026）012号\", "
                      "\"issuer\": \"长寿路街道办事处 编制\"}}";
    pm_diag d;
    pm_diag_init(&d);
    pm_config *c = NULL;
    cr_assert_eq(pm_config_parse("p.json", ".", plain, strlen(plain), &d, &c), PM_OK);
    cr_assert_eq(c->print_production, 0, "production is off by default");
    cr_assert_float_eq(c->bleed_mm, 3, 1e-12);
    cr_assert_eq(c->crop_marks, 0);
    cr_assert_null(c->approval_number);
    cr_assert_null(c->approval_issuer);
    pm_config_free(c);
    cr_assert_eq(pm_config_parse("p.json", ".", set, strlen(set), &d, &c), PM_OK);
    cr_assert_eq(c->print_production, 1);
    cr_assert_float_eq(c->bleed_mm, 5, 1e-12);
    cr_assert_eq(c->crop_marks, 1);
    cr_assert_str_eq(c->approval_number, "沪S（2026）012号");
    cr_assert_str_eq(c->approval_issuer, "长寿路街道办事处 编制");
    pm_config_free(c);
    pm_diag_fini(&d);
}

Test(printconf, bad_values_are_named)
{
    const char *json = "{\"maps\": [\"service\"], " SOURCES ", \"print\": {\"production\": \"yes\", "
                       "\"bleed_mm\": -1, \"crop_marks\": 1, \"bleed\": 3}, \"approval\": {\"nummer\": \"x\", "
                       "\"issuer\": 7}}";
    pm_diag d;
    pm_diag_init(&d);
    pm_config *c = NULL;
    cr_assert_eq(pm_config_parse("p.json", ".", json, strlen(json), &d, &c), PM_EDATA);
    char *txt = t_diag_text(&d);
    cr_assert(t_diag_has(&d, "print.production: must be true or false", NULL), "%s", txt);
    cr_assert(t_diag_has(&d, "print.bleed_mm: must be a number of millimetres", NULL), "%s", txt);
    cr_assert(t_diag_has(&d, "print.crop_marks: must be true or false", NULL), "%s", txt);
    cr_assert(t_diag_has(&d, "print.bleed: unknown key", NULL), "%s", txt);
    cr_assert(t_diag_has(&d, "approval.nummer: unknown key", NULL), "%s", txt);
    cr_assert(t_diag_has(&d, "approval.issuer: must be a non-empty string", NULL), "%s", txt);
    free(txt);
    pm_diag_fini(&d);
}

Test(printconf, production_needs_print_or_atlas)
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    char *cmd = pm_asprintf("'%s' render --only tiles,site --production 2>&1", t_bin()), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 2, "a usage error: %s", out);
    cr_assert(strstr(out, "--production") && strstr(out, "--only print or atlas"), "%s", out);
    free(cmd);
    free(out);
    cmd = pm_asprintf("'%s' render --only atlas --production --dry-run 2>&1", t_bin());
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    cr_assert(strstr(out, "/2016/atlas.print.pdf"), "the dry run lists the print atlas:\n%s", out);
    free(cmd);
    free(out);
}
