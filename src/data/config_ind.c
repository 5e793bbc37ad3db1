/* The config's tables about indicators: "indicators" (derived indicators and the
 * columns' labels, units and ranges), the older "ranges", and "advice". */
#include "data/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "advice": {"service": ["...", ...], ...}: suggestions keyed by the map of a weakness. */
void pm_cfg_parse_advice(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    if (!o) return;
    if (!json_is_object(o)) { pm_cfg_bad(c, "advice", "must be an object of map ids to lists of suggestions"); return; }
    size_t n = json_object_size(o);
    cfg->advice = calloc(n + 1, sizeof *cfg->advice);
    if (!cfg->advice) { pm_cfg_bad(c, "advice", "out of memory"); return; }
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (key[0] == '_') continue; /* a comment, as everywhere */
        char *path = pm_asprintf("advice.%s", key);
        int known = 0;
        for (size_t m = 0; m < cfg->nmaps; m++) known |= strcmp(cfg->maps[m], key) == 0;
        if (!known) {
            /* a warning: a config may list fewer maps for a while, keeping their advice */
            pm_diag_add(c->diag, PM_SEV_WARNING, c->file, "", path ? path : "advice", "not a map of "
                        "this config: ignored (advice is keyed by the map ids in \"maps\"; a typo?)");
            free(path);
            continue;
        }
        if (!json_is_array(v) || json_array_size(v) == 0) {
            pm_cfg_bad(c, path ? path : "advice", "must be a non-empty list of suggestions (strings)");
            free(path);
            continue;
        }
        pm_advice *a = &cfg->advice[cfg->nadvice++];
        a->map = pm_strdup(key);
        a->items = calloc(json_array_size(v) + 1, sizeof *a->items);
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (!json_is_string(e) || !*json_string_value(e)) { pm_cfg_bad(c, path ? path : "advice", "every suggestion must be a non-empty string"); continue; }
            if (a->items) a->items[a->nitems++] = pm_strdup(json_string_value(e));
        }
        free(path);
    }
}

const pm_advice *pm_config_advice(const pm_config *c, const char *map)
{
    for (size_t i = 0; i < c->nadvice; i++)
        if (strcmp(c->advice[i].map, map) == 0 && c->advice[i].nitems) return &c->advice[i];
    return NULL;
}

void pm_cfg_parse_ranges(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    if (!o) return;
    if (!json_is_object(o)) { pm_cfg_bad(c, "ranges", "must be an object of indicator: [min, max]"); return; }
    cfg->ranges = calloc(json_object_size(o) + 1, sizeof *cfg->ranges);
    if (!cfg->ranges) return;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (pm_cfg_comment(k)) continue;
        json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
        if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(a) || !json_is_number(b)
            || json_number_value(a) > json_number_value(b)) {
            char *p = pm_asprintf("ranges.%s", k);
            pm_cfg_bad(c, p ? p : "ranges", "must be [min, max] with min <= max");
            free(p);
            continue;
        }
        pm_range *r = &cfg->ranges[cfg->nranges++];
        r->indicator = pm_strdup(k);
        r->min = json_number_value(a);
        r->max = json_number_value(b);
    }
}

/* A bound of indicators.NAME (min or max, or range [min, max]). */
static int get_bound(pm_cfgctx *c, json_t *v, const char *path, double *dst)
{
    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        pm_cfg_bad(c, path, "must be a number");
        return 0;
    }
    *dst = json_number_value(v);
    return 1;
}

static void parse_indicator(pm_cfgctx *c, pm_indicator_def *d, const char *name, json_t *v)
{
    static const char *const keys[] = { "expression", "label", "unit", "decimals", "range",
                                        "min", "max", NULL };
    char *key = pm_asprintf("indicators.%s", name), path[160];
    const char *k = key ? key : "indicators";
    d->name = pm_strdup(name);
    d->decimals = -1;
    if (json_is_string(v)) {
        if (json_string_length(v) == 0) pm_cfg_bad(c, k, "an empty expression");
        else d->expression = pm_strdup(json_string_value(v));
        free(key);
        return;
    }
    if (!json_is_object(v)) {
        pm_cfg_bad(c, k, "must be an expression (\"0.7 * satisfaction + 0.3 * workforce\") or an object "
            "with expression, label, unit, decimals, range");
        free(key);
        return;
    }
    pm_cfg_keys(c, v, k, keys);
    snprintf(path, sizeof path, "%s.expression", k);
    pm_cfg_str(c, v, "expression", path, &d->expression);
    snprintf(path, sizeof path, "%s.label", k);
    pm_cfg_str(c, v, "label", path, &d->label);
    snprintf(path, sizeof path, "%s.unit", k);
    json_t *u = json_object_get(v, "unit");
    if (u && json_is_string(u)) d->unit = pm_strdup(json_string_value(u)); /* "" = none */
    else if (u) pm_cfg_bad(c, path, "must be a string");
    snprintf(path, sizeof path, "%s.decimals", k);
    pm_cfg_int(c, v, "decimals", path, 0, 6, &d->decimals);
    json_t *r = json_object_get(v, "range");
    if (r) {
        snprintf(path, sizeof path, "%s.range", k);
        if (!json_is_array(r) || json_array_size(r) != 2) pm_cfg_bad(c, path, "must be [min, max]");
        else {
            d->has_min = get_bound(c, json_array_get(r, 0), path, &d->min);
            d->has_max = get_bound(c, json_array_get(r, 1), path, &d->max);
        }
    }
    snprintf(path, sizeof path, "%s.min", k);
    if (json_object_get(v, "min")) d->has_min = get_bound(c, json_object_get(v, "min"), path, &d->min);
    snprintf(path, sizeof path, "%s.max", k);
    if (json_object_get(v, "max")) d->has_max = get_bound(c, json_object_get(v, "max"), path, &d->max);
    if (d->has_min && d->has_max && d->min > d->max) pm_cfg_bad(c, k, "min is above max");
    if (d->expression && (d->has_min || d->has_max))
        pm_cfg_bad(c, k, "a range checks the values read from a file; an expression's values are "
            "computed (set the range on the columns it uses)");
    free(key);
}

/* "indicators": derived indicators by expression, and columns' labels and ranges.
 * The expressions are compiled by the analysis, against the data's columns. */
void pm_cfg_parse_indicators(pm_cfgctx *c, pm_config *cfg, json_t *o)
{
    if (!o) return;
    if (!json_is_object(o)) {
        pm_cfg_bad(c, "indicators", "must be an object of name: expression or name: {expression, label, "
            "unit, decimals, range}");
        return;
    }
    cfg->indicators = calloc(json_object_size(o) + 1, sizeof *cfg->indicators);
    if (!cfg->indicators) return;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (pm_cfg_comment(k)) continue;
        parse_indicator(c, &cfg->indicators[cfg->nindicators++], k, v);
    }
}

int pm_config_range(const pm_config *c, const char *ind, double *min, double *max)
{
    for (size_t i = 0; c && i < c->nranges; i++)
        if (strcmp(c->ranges[i].indicator, ind) == 0) {
            *min = c->ranges[i].min;
            *max = c->ranges[i].max;
            return 1;
        }
    const pm_indicator_def *d = pm_config_indicator(c, ind);
    if (!d || (!d->has_min && !d->has_max)) return 0;
    *min = d->has_min ? d->min : -INFINITY;
    *max = d->has_max ? d->max : INFINITY;
    return 1;
}

const pm_indicator_def *pm_config_indicator(const pm_config *c, const char *name)
{
    for (size_t i = 0; c && name && i < c->nindicators; i++)
        if (strcmp(c->indicators[i].name, name) == 0) return &c->indicators[i];
    return NULL;
}

