/* Diagnosis figures: each committee's value, class, rank and standing on every map of a year. */
#ifndef PM_PRINT_DIAGNOSIS_H
#define PM_PRINT_DIAGNOSIS_H

#include <stddef.h>
#include "analysis/indicators.h"
#include "analysis/thematic.h"
#include "core/status.h"
#include "style/style.h"

/* One index (map) of the diagnosis, this year and the year before. */
typedef struct {
    pm_thematic th;      /* this year's values and classes */
    pm_thematic prev;    /* the year before; prev.n == 0 in the data's first year */
    int *rank;           /* per committee: 1 = best in the style's direction, 0 = no value (owned) */
    int *prev_rank;      /* the same for the year before; all 0 without one (owned) */
    size_t nvalid;       /* committees with a value this year */
    double median;       /* of this year's values; NAN if there are none */
} pm_diagnosis_index;

/* Everything the atlas and the report say about a year.  Immutable once built. */
typedef struct {
    int year, prev_year;       /* prev_year 0 in the data's first year */
    size_t n;                  /* committees */
    pm_diagnosis_index *idx;   /* one per style, same order (owned) */
    size_t nidx;
} pm_diagnosis;

/* Classifies every style's indicator for year and the year before and ranks the
 * committees (competition ranking: ties share a rank; reversed for styles where
 * lower is better).  The first style is the headline index (the service map in
 * the sample).  Problems go to diag (PM_EDATA: unknown indicator or year); out is
 * initialised, free with pm_diagnosis_fini.  Thread-safe given its own out. */
pm_status pm_diagnosis_build(const pm_style *const *styles, size_t nstyles,
                             const pm_indtab *tab, int year, pm_diag *diag, pm_diagnosis *out);
void pm_diagnosis_fini(pm_diagnosis *d);

/* Short name of class k of th: the style's label (优秀) for manual classes, else
 * the numeric range ("85.0 – 89.9"); "—" for k < 0.  Borrowed from th. */
const char *pm_diagnosis_class_name(const pm_thematic *th, int k);

/* Committees in the top k classes of th (e.g. 优秀 + 良好 for k = 2). */
size_t pm_diagnosis_count_top(const pm_thematic *th, size_t k);

/* The strongest and weakest indices of committee c relative to the other
 * committees: indices with a value, ordered by the share of committees ranked at or
 * above c (rank / nvalid, ties by style order).  Up to 2 strongest (best first)
 * into best and up to 2 weakest (worst first) into worst, never the same index
 * twice; counts through *nbest, *nworst.  Pure. */
void pm_diagnosis_standing(const pm_diagnosis *d, size_t c, size_t best[2], size_t *nbest,
                           size_t worst[2], size_t *nworst);

/* One plain Chinese sentence on index i of committee c, as a strength (strength
 * = 1) or a weakness (0), generated from the data, e.g. "群众满意度指数为92.3分，
 * 位列全街道第3名（共35个居民区），处于前10%，高于街道中位数4.1分，是该居民区的
 * 突出优势。"  New string (caller frees); NULL if c has no value or on OOM. */
char *pm_diagnosis_sentence(const pm_diagnosis *d, size_t c, size_t i, int strength);

/* Where rank stands among n: "前10%" when in the top half (rank / n rounded up to
 * tens of percent), "后30%" in the bottom half ((n - rank + 1) / n likewise), and
 * "街道中游" for the middle rank that is in neither (18 of 35). */
void pm_diagnosis_position(int rank, size_t n, char *buf, size_t len);

#endif
