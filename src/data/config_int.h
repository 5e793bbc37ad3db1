/* Internal to the config parser (config.c and config_ind.c): the parsing context and
 * the member readers every section uses.  Not for other modules. */
#ifndef PM_DATA_CONFIG_INT_H
#define PM_DATA_CONFIG_INT_H

#include <jansson.h>
#include "data/config.h"

typedef struct {
    const char *file;
    pm_diag *diag;
} pm_cfgctx;

/* An error at key (a dotted path such as "indicators.x.range"). */
void pm_cfg_bad(pm_cfgctx *c, const char *key, const char *msg);
/* Copies an optional non-empty string member into *dst (freeing the old); records a
 * type error at path.  Returns 1 if copied, 0 if absent or wrong. */
int pm_cfg_str(pm_cfgctx *c, json_t *obj, const char *key, const char *path, char **dst);
/* An optional integer member in [lo, hi] into *dst; 1 if set. */
int pm_cfg_int(pm_cfgctx *c, json_t *o, const char *key, const char *path, int lo, int hi, int *dst);
/* Keys starting with "_" (and "$comment") are comments, ignored in every object. */
int pm_cfg_comment(const char *k);
/* Rejects keys outside allowed (NULL-terminated), naming each as prefix.key. */
void pm_cfg_keys(pm_cfgctx *c, json_t *obj, const char *prefix, const char *const *allowed);

/* The sections about indicators (config_ind.c): "ranges", "indicators", "advice"
 * (after "maps": advice is checked against the config's maps). */
void pm_cfg_parse_ranges(pm_cfgctx *c, pm_config *cfg, json_t *o);
void pm_cfg_parse_indicators(pm_cfgctx *c, pm_config *cfg, json_t *o);
void pm_cfg_parse_advice(pm_cfgctx *c, pm_config *cfg, json_t *o);

#endif
