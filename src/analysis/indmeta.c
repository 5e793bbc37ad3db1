/* Indicator metadata: one place for the labels, units and decimals of the columns. */
#include "analysis/indmeta.h"

#include <stdio.h>
#include <string.h>

/* partymap's own indicators (measured from the geometry and the points, or built in):
 * the place's data does not name them. */
static const struct {
    const char *name, *label, *unit;
    int decimals;
} own[] = {
    { "population", "常住人口", "人", 0 },
    { "households", "户数", "户", 0 },
    { "area_km2", "面积", "平方千米", 2 },
    { "density", "人口密度", "人/平方千米", 0 },
    { "platforms", "党建开放平台", "个", 0 },
    { "projects", "共建项目", "个", 0 },
    { "projects_running", "在运行共建项目", "个", 0 },
    { "running_per_1000", "每千人在运行项目", "个/千人", 2 },
    { "running_per_100_needs", "每百条需求在运行项目", "个", 1 },
};

static const pm_style *style_drawing(const pm_style *const *styles, size_t n, const char *column)
{
    for (size_t i = 0; styles && i < n; i++)
        if (strcmp(pm_style_column(styles[i]), column) == 0) return styles[i];
    return NULL;
}

/* The base of a built-in per-column indicator (service_rank_change → service, kind 2). */
static int derived_of(const char *column, char *base, size_t len)
{
    static const char *const suffix[] = { "_rank_change", "_change", "_rank" };
    size_t n = strlen(column);
    for (int k = 0; k < 3; k++) {
        size_t s = strlen(suffix[k]);
        if (n > s && strcmp(column + n - s, suffix[k]) == 0 && n - s < len) {
            snprintf(base, len, "%.*s", (int)(n - s), column);
            return k == 0 ? 3 : k == 1 ? 1 : 2;
        }
    }
    return 0;
}

static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return 1;
    return 0;
}

/* The evaluation table's (or statistics') own header of column when it is Chinese:
 * the agency's heading comes back to it. */
static const char *source_header(const pm_config *cfg, const char *column)
{
    const pm_source *src[] = { cfg ? &cfg->evaluations : NULL, cfg ? &cfg->statistics : NULL };
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; src[k] && i < src[k]->ncols; i++)
            if (strcmp(src[k]->col_ind[i], column) == 0 && has_non_ascii(src[k]->col_name[i]))
                return src[k]->col_name[i];
    return NULL;
}

/* Label, unit and decimals without a map: the config, then partymap's own names. */
static void plain(const pm_config *cfg, const pm_style *const *styles, size_t n,
                  const char *column, pm_indmeta *m, int depth)
{
    const pm_indicator_def *d = pm_config_indicator(cfg, column);
    m->label = d && d->label ? d->label : source_header(cfg, column);
    m->unit = d && d->unit ? d->unit : NULL;
    m->decimals = d && d->decimals >= 0 ? d->decimals : -1;
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (strcmp(own[i].name, column) == 0) {
            if (!m->label) m->label = own[i].label;
            if (!m->unit) m->unit = own[i].unit;
            if (m->decimals < 0) m->decimals = own[i].decimals;
        }
    char base[128];
    int kind = depth == 0 ? derived_of(column, base, sizeof base) : 0;
    m->signed_ = kind == 1 || kind == 3;
    if (kind && (!m->label || !m->unit || m->decimals < 0)) {
        pm_indmeta b;
        const pm_style *s = style_drawing(styles, n, base);
        plain(cfg, styles, n, base, &b, depth + 1);
        if (s && !pm_config_indicator(cfg, base)) b.label = s->title;
        if (!m->label) {
            static const char *const word[] = { "", "较上年变化", "排名", "排名变化" };
            snprintf(m->label_buf, sizeof m->label_buf, "%s%s", b.label, word[kind]);
            m->label = m->label_buf;
        }
        if (!m->unit) m->unit = kind == 1 ? (s ? s->unit : b.unit) : kind == 2 ? "名" : "位";
        if (m->decimals < 0) m->decimals = kind == 1 ? (s ? s->decimals : b.decimals) : 0;
    }
    if (!m->label) m->label = column;
    if (!m->unit) m->unit = "";
    if (m->decimals < 0) m->decimals = 1;
}

void pm_indmeta_of(const pm_config *cfg, const pm_style *const *styles, size_t n,
                   const char *column, pm_indmeta *out)
{
    memset(out, 0, sizeof *out);
    plain(cfg, styles, n, column, out, 0);
    const pm_style *s = style_drawing(styles, n, column);
    if (!s) return;
    out->unit = s->unit;
    out->decimals = s->decimals;
    /* the map's own expression column is named by the map: its title says it better */
    const pm_indicator_def *d = pm_config_indicator(cfg, column);
    if (strcmp(s->id, column) == 0 && strcmp(s->indicator, column) != 0 && !(d && d->label))
        out->label = s->title;
}
