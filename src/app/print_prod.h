/* Print production and preflight: the CMYK PDF/X beside each poster and atlas, and the
 * checks of what prints badly. */
#ifndef PM_APP_PRINT_PROD_H
#define PM_APP_PRINT_PROD_H

#include <jansson.h>
#include <stdio.h>
#include "app/context.h"
#include "app/project.h"
#include "print/atlas.h"
#include "print/poster.h"

/* Where a poster or atlas goes: the screen PDF, its preview (posters; NULL for the
 * atlas) and the print PDF (written with rc->o.production). */
typedef struct {
    const char *pdf, *png, *print_pdf;
} pm_prod_paths;

/* A poster: the screen PDF and its preview (as pm_poster_write), the preflight (its
 * problems on err as warnings unless quiet) and, with production, the print PDF.
 * Progress lines and errors on err; errors (gs failing, I/O) name the file. */
pm_status pm_prod_poster(const pm_runctx *rc, const pm_poster *poster, pm_text *t,
                         const pm_prod_paths *to, FILE *err);

/* The atlas: the screen PDF (as pm_atlas_write: *unchanged, *msg on failure), its
 * preflight and, with production, the print PDF (its progress line on err). */
pm_status pm_prod_atlas(const pm_runctx *rc, const pm_atlas *a, pm_text *t, const pm_prod_paths *to,
                        int *unchanged, char **msg, FILE *err);

/* check: the preflight of every selected map's poster and of the atlas of the latest
 * year, drawn for print; adds a "preflight" object to root (may be NULL) and each
 * problem as a warning to d. */
pm_status pm_prod_check(const pm_project *p, json_t *root, pm_diag *d, FILE *err);

#endif
