/* Indicator metadata: the label, unit and decimals every output shows for a column. */
#ifndef PM_ANALYSIS_INDMETA_H
#define PM_ANALYSIS_INDMETA_H

#include <stddef.h>
#include "data/config.h"
#include "style/style.h"

/* How a column of the indicator table is presented.  The strings point into the
 * config, the styles, a constant table or label_buf, so the value lives as long as
 * they do. */
typedef struct {
    const char *label;  /* heading: never NULL */
    const char *unit;   /* never NULL, "" = none */
    int decimals;
    int signed_;        /* a change: shown with its sign (+1.5) */
    char label_buf[192];
} pm_indmeta;

/* The presentation of column: the unit and decimals of a map that draws it, else the
 * config's "indicators" entry, else partymap's own names for its measured and built-in
 * indicators (population 常住人口, running_per_1000 每千人在运行项目, X_rank "LABEL排名",
 * X_change "LABEL较上年变化", X_rank_change "LABEL排名变化", with X's label), else the
 * column's name; the label likewise from the config first, then a map's title for
 * the map's own expression column.  The label: the config's, else the evaluation
 * table's or statistics' own header where it is Chinese (服务群众能效指数), else
 * partymap's, else the name.  styles may be NULL (n 0).  Pure. */
void pm_indmeta_of(const pm_config *cfg, const pm_style *const *styles, size_t n,
                   const char *column, pm_indmeta *out);

#endif
