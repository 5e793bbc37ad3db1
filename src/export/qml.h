/* QGIS styles (QML) for partymap's maps: a graduated renderer with the same classes, colours and labels. */
#ifndef PM_EXPORT_QML_H
#define PM_EXPORT_QML_H

#include "analysis/thematic.h"

typedef struct {
    const pm_thematic *th;   /* the classes the style shows (borrowed) */
    const char *attr;        /* field holding the map's value, e.g. "service_value" */
    const char *label_field; /* field drawn as the label, e.g. "name" */
    const char *font;        /* label font family, e.g. "Noto Sans CJK SC" */
    const char *time_field;  /* integer year field for QGIS's temporal controller, or NULL */
    double vmin, vmax;       /* range of attr over the whole layer (NAN if unknown) */
} pm_qml_spec;

/* Lower and upper value of class i as a QGIS range.  QGIS gives a value to the first
 * range with lower <= v <= upper, partymap to the class with bounds[i] <= v <
 * bounds[i+1]; so the upper value of every class but the last is the double just
 * below the next bound, which keeps a value on a threshold in the upper class.  Open
 * ends (±INF) and data-driven ends are widened to vmin/vmax, so the rows of other
 * years, classified with this year's classes, are drawn too.  Pure. */
void pm_qml_range(const pm_qml_spec *s, size_t i, double *lower, double *upper);

/* The style as QML text (new string, caller frees; NULL if out of memory): renderer
 * "graduatedSymbol" on attr with one range per class (label and fill colour from
 * th, outline from the style), rows drawn in ascending time_field order (so the
 * latest year is on top), simple labels of label_field in font with a white halo,
 * and temporal properties on time_field when given.  Thread-safe. */
char *pm_qml_graduated(const pm_qml_spec *s);

#endif
