/* partymap init, the guesses: each probed file's role and the columns of each source. */
#ifndef PM_APP_INIT_ROLES_H
#define PM_APP_INIT_ROLES_H

#include <stddef.h>
#include "core/status.h"
#include "data/probe.h"

typedef enum {
    PM_INIT_UNUSED, PM_INIT_COMMITTEES, PM_INIT_PLATFORMS, PM_INIT_PROJECTS,
    PM_INIT_EVALUATIONS, PM_INIT_STATISTICS, PM_INIT_AREA, PM_INIT_RIVER, PM_INIT_ROAD
} pm_init_role;

typedef struct {
    size_t n;
    pm_init_role *role;   /* per probe */
    char **why;           /* per probe: why it is unused, else NULL (owned) */
    size_t *com, ncom;    /* the committee files (indices), same fields, in path order */
    long platforms, projects, evaluations, statistics; /* probe index or -1 */
} pm_init_roles;

/* Roles of the n probes: polygons with a column of 12-digit codes are committees
 * (the largest group of files with the same fields), other polygons context areas or
 * water, lines roads; of the point files the one most like party-building platforms
 * (its name, 服务中心/服务站 among its names) is the platforms, the largest other the
 * projects; tables with codes are evaluations (indicator columns) or statistics
 * (population or households only).  Returns PM_OK or PM_ENOMEM; r is initialised by
 * the call (pm_init_roles_fini). */
pm_status pm_init_roles_guess(const pm_probe *probes, size_t n, pm_init_roles *r);
void pm_init_roles_fini(pm_init_roles *r);

/* 1 if s contains one of the NULL-terminated words (ASCII case-insensitively). */
int pm_init_hint(const char *s, const char *const *words);
/* Column guesses, as field indices or -1.  The code column: at least 90 % 12-digit
 * codes; the year column: integers 1990-2100 with few values; the name column: text,
 * nearly all values distinct, Chinese preferred; not_this excludes one column. */
int pm_init_code_field(const pm_probe *p);
int pm_init_year_field(const pm_probe *p, int not_this);
int pm_init_name_field(const pm_probe *p, int not_this);
/* The first column whose header contains one of hints (and, if numeric, holds numbers). */
int pm_init_field_by_hint(const pm_probe *p, const char *const *hints, int numeric);
/* The parent column over the committee files (see init_roles.c); -1 if none.
 * *nvalues receives its number of distinct values. */
int pm_init_parent_field(const pm_probe *probes, const size_t *files, size_t nfiles, int not1,
                         int not2, size_t *nvalues);
/* The indicator a header names (service, satisfaction, workforce, needs,
 * questionnaires_key, questionnaires_random, population, households), or NULL. */
const char *pm_init_indicator_of(const char *header);

#endif
