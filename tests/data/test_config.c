/* Config comments: keys starting with "_" (what partymap init writes) are ignored in
 * every object, while other unknown keys stay errors naming themselves. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../support/support.h"
#include "data/config.h"

static const char *const base =
    "{ \"name\": \"x\", \"maps\": [\"service\"], \"sources\": { %s"
    "  \"committees\": { \"path\": \"c.shp\", %s \"fields\": { \"code\": \"code\" %s } },"
    "  \"platforms\": \"p.geojson\", \"projects\": \"q.geojson\","
    "  \"evaluations\": { \"path\": \"e.csv\", \"columns\": { \"service\": \"s\" %s } },"
    "  \"context\": [ { \"role\": \"road\", \"path\": \"r.geojson\" %s } ] } %s }";

static pm_status parse(const char *a, const char *b, const char *c, const char *d,
                       const char *e, const char *f, pm_diag *diag, pm_config **cfg)
{
    char text[2048];
    snprintf(text, sizeof text, base, a, b, c, d, e, f);
    return pm_config_parse("t.json", "/tmp", text, strlen(text), diag, cfg);
}

Test(config, underscore_keys_are_comments_everywhere)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_config *cfg = NULL;
    pm_status st = parse("\"_comment\": \"sources\",", "\"_todo\": [\"set crs\"],",
                         ", \"_parent\": \"所属街道 (guessed)\"", ", \"_unmapped\": [\"综合\"]",
                         ", \"_comment\": 1", ", \"_todo\": { \"any\": [1, 2] }, \"ranges\": "
                         "{ \"_comment\": \"none\" }", &d, &cfg);
    char *txt = t_diag_text(&d);
    cr_assert_eq(st, PM_OK, "comments accepted:\n%s", txt);
    cr_assert_str_eq(cfg->committees.field[PM_F_CODE], "code");
    cr_assert_eq(cfg->evaluations.ncols, 1, "the comment is not a column");
    cr_assert_str_eq(cfg->evaluations.col_ind[0], "service");
    cr_assert_eq(cfg->nranges, 0);
    free(txt);
    pm_config_free(cfg);
    pm_diag_fini(&d);
}

Test(config, other_unknown_keys_stay_errors)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_config *cfg = NULL;
    pm_status st = parse("", "\"comment\": \"x\",", "", "", "", "", &d, &cfg);
    cr_assert_eq(st, PM_EDATA);
    cr_assert(t_diag_has(&d, "sources.committees.comment", "unknown key", NULL));
    pm_diag_fini(&d);
}

/* "indicators": expressions and the metadata of columns; ranges only for columns. */
Test(config, indicators_define_and_describe)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_config *cfg = NULL;
    pm_status st = parse("", "", "", "", "", ", \"indicators\": { \"composite\": \"0.7 * satisfaction + 0.3 * "
                         "workforce\", \"service\": { \"label\": \"服务得分\", \"range\": [0, 100] }, "
                         "\"needs\": { \"unit\": \"条\", \"min\": 0, \"decimals\": 0 }, "
                         "\"per\": { \"expression\": \"needs / households * 1000\", \"label\": \"每千户\" } }",
                         &d, &cfg);
    char *txt = t_diag_text(&d);
    cr_assert_eq(st, PM_OK, "%s", txt);
    free(txt);
    cr_assert_eq(cfg->nindicators, 4);
    const pm_indicator_def *c = pm_config_indicator(cfg, "composite");
    cr_assert(c && c->expression && !strcmp(c->expression, "0.7 * satisfaction + 0.3 * workforce"));
    cr_assert_eq(c->decimals, -1);
    double lo, hi;
    cr_assert(pm_config_range(cfg, "service", &lo, &hi));
    cr_assert(lo == 0 && hi == 100);
    cr_assert(pm_config_range(cfg, "needs", &lo, &hi));
    cr_assert(lo == 0 && isinf(hi));
    cr_assert(!pm_config_range(cfg, "workforce", &lo, &hi), "no built-in range");
    cr_assert_str_eq(pm_config_indicator(cfg, "per")->label, "每千户");
    pm_config_free(cfg);
    pm_diag_fini(&d);

    pm_diag_init(&d);
    st = parse("", "", "", "", "", ", \"indicators\": { \"x\": { \"expression\": \"service * 2\", \"min\": 0 }, "
               "\"y\": 3, \"z\": { \"labl\": \"typo\" }, \"w\": { \"range\": [5, 1] } }", &d, &cfg);
    cr_assert_eq(st, PM_EDATA);
    cr_assert(t_diag_has(&d, "indicators.x", "an expression's values are computed", NULL));
    cr_assert(t_diag_has(&d, "indicators.y", "must be an expression", NULL));
    cr_assert(t_diag_has(&d, "indicators.z.labl", "unknown key", NULL));
    cr_assert(t_diag_has(&d, "indicators.w", "min is above max", NULL));
    pm_diag_fini(&d);
}

/* "advice": suggestions keyed by map id; a key that is no map, or a value that is no
 * list of sentences, is named. */
Test(config, advice_is_keyed_by_the_maps)
{
    pm_diag d;
    pm_diag_init(&d);
    pm_config *cfg = NULL;
    pm_status st = parse("", "", "", "", "", ", \"advice\": { \"_comment\": \"x\", \"service\": "
                         "[\"每月召开一次居民议事会\", \"与先进居民区结对\"] }", &d, &cfg);
    char *txt = t_diag_text(&d);
    cr_assert_eq(st, PM_OK, "%s", txt);
    const pm_advice *a = pm_config_advice(cfg, "service");
    cr_assert(a && a->nitems == 2);
    cr_assert_str_eq(a->items[1], "与先进居民区结对");
    cr_assert_null(pm_config_advice(cfg, "workforce"));
    free(txt);
    pm_config_free(cfg);
    pm_diag_fini(&d);

    pm_diag_init(&d);
    cfg = NULL;
    st = parse("", "", "", "", "", ", \"advice\": { \"servce\": [\"x\"], \"service\": \"x\" }", &d, &cfg);
    cr_assert_eq(st, PM_EDATA);
    cr_assert(t_diag_has(&d, "advice.servce", "not a map of this config", NULL));
    cr_assert(t_diag_has(&d, "advice.service", "non-empty list", NULL));
    pm_config_free(cfg);
    pm_diag_fini(&d);
}
