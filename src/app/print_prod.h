/* Print production and preflight: the CMYK PDF/X beside each poster and atlas, and the
 * checks of what prints badly. */
#ifndef PM_APP_PRINT_PROD_H
#define PM_APP_PRINT_PROD_H

#include <jansson.h>
#include <stdio.h>
#include "app/commands.h"
#include "app/project.h"
#include "print/atlas.h"
#include "print/poster.h"

/* 1 when this render writes the print files (--production or "print": {"production"}). */
int pm_prod_enabled(const pm_project *p, const pm_cmd_opts *o);

/* A poster: the screen PDF at pdf and its preview at png (as pm_poster_write), the
 * preflight (its problems on err as warnings unless quiet) and, with production, the
 * print PDF beside it (<map>.print.pdf).  Progress lines and errors on err; errors
 * (gs failing, I/O) name the file. */
pm_status pm_prod_poster(const pm_project *p, const pm_poster *poster, pm_text *t,
                         const char *pdf, const char *png, const pm_cmd_opts *o, FILE *err);

/* The atlas: the screen PDF at path (as pm_atlas_write: *unchanged, *msg on failure),
 * its preflight and, with production, atlas.print.pdf beside it (its progress line on
 * err). */
pm_status pm_prod_atlas(const pm_project *p, const pm_atlas *a, pm_text *t, const char *path,
                        int *unchanged, const pm_cmd_opts *o, char **msg, FILE *err);

/* check: the preflight of every selected map's poster and of the atlas of the latest
 * year, drawn for print; adds a "preflight" object to root (may be NULL) and each
 * problem as a warning to d. */
pm_status pm_prod_check(const pm_project *p, json_t *root, pm_diag *d, FILE *err);

#endif
