/* Dataset loading internals shared by the data module's loaders (not a public contract). */
#ifndef PM_DATA_LOAD_H
#define PM_DATA_LOAD_H

#include "core/status.h"
#include "data/config.h"
#include "data/dataset.h"
#include "data/vector.h"

/* The column of role r in source s: the configured one, else the default name. */
const char *pm_load_fname(const pm_source *s, pm_field_role r);

/* Records an error on feature f (NULL: on the file) of l, with its code and name. */
void pm_load_err(pm_diag *d, const pm_vlayer *l, const pm_vfeature *f, const char *code,
                 const char *name, const char *field, const char *msg);

/* The index of role r's field in l, or -1.  A missing field is a problem naming the
 * fields the file has when required, or when the config maps the role explicitly
 * (a mapped column that is absent is a typo, whatever the role). */
int pm_load_field(pm_diag *d, const pm_vlayer *l, const pm_source *s, pm_field_role r,
                  int required);

/* Parses a finite number (surrounding spaces allowed); 0 if text is not one. */
int pm_load_num(const char *text, double *v);

/* The 12-digit code in text (new string; spreadsheet artefacts such as "…0.0" or an
 * exact "3.10107015001E+11" repaired), or NULL; and why text is not one. */
char *pm_load_code(const char *t);
const char *pm_load_code_problem(const char *t);

/* The evaluation table (and the statistics table's columns joined to it) into ds. */
pm_status pm_load_evaluations(const pm_config *cfg, pm_diag *d, pm_dataset *ds, int committees_ok);

/* Distinct years of the evaluation rows, and a warning for each committee lacking one. */
pm_status pm_load_years(const pm_config *cfg, pm_diag *d, pm_dataset *ds);

/* Adds ds->sources[] entry for a source read into l (role borrowed, copied). */
pm_status pm_load_note_source(pm_dataset *ds, const char *role, const pm_source *s,
                              const pm_vlayer *l);

/* Cross-source checks: every layer overlaps the committees, no stray vertex far from
 * the rest of the committees.  Problems go to d. */
void pm_load_check_extents(const pm_config *cfg, pm_diag *d, const pm_dataset *ds);

#endif
