/* House colours shared by every output: text, secondary text, the subdistrict boundary, the accent. */
#ifndef PM_RENDER_INK_H
#define PM_RENDER_INK_H

#include "style/style.h"

/* Constants only (no state): a poster, an atlas page and a tile use the same inks. */
static const pm_rgba PM_INK = { 0.13, 0.13, 0.15, 1 };      /* text */
static const pm_rgba PM_GREY = { 0.40, 0.40, 0.42, 1 };     /* secondary text */
static const pm_rgba PM_BOUNDARY = { 0.30, 0.22, 0.20, 1 }; /* the subdistrict's outline */
static const pm_rgba PM_RED = { 0.78, 0.09, 0.11, 1 };      /* accent: rules, highlights */

#endif
