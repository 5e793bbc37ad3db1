/* Diagnosis figures: each committee's value, class, rank and standing on every map of a year. */
#ifndef PM_ANALYSIS_DIAGNOSIS_H
#define PM_ANALYSIS_DIAGNOSIS_H

#include <stddef.h>
#include "analysis/results.h"
#include "analysis/thematic.h"
#include "core/status.h"
#include "data/config.h"
#include "style/style.h"

/* One index (map) of the diagnosis, this year and the year before: views into the
 * run's results (borrowed), so the atlas, the report and every other output agree. */
typedef struct {
    const pm_thematic *th;   /* this year's values and classes */
    const pm_thematic *prev; /* the year before; NULL in the data's first year */
    const int *rank;         /* per committee: 1 = best in the style's direction, 0 = no value */
    const int *prev_rank;    /* the same for the year before; all 0 without one */
    size_t nvalid;           /* committees with a value this year */
    double median;           /* of this year's values; NAN if there are none */
    const int *rank_in_parent;   /* per committee: rank within its parent, 0 = none */
    const double *parent_median; /* per parent: the median there; NULL without parents */
} pm_diagnosis_index;

/* Everything the atlas and the report say about a year.  Immutable once built. */
typedef struct {
    int year, prev_year;       /* prev_year 0 in the data's first year */
    size_t n;                  /* committees */
    pm_diagnosis_index *idx;   /* one per map of the results, same order (owned) */
    size_t nidx;
    int *zero;                 /* n zeros: prev_rank without a year before (owned) */
    pm_terms terms;            /* the place's words (borrowed from the config) */
} pm_diagnosis;

/* The diagnosis of year from the run's results r (which must outlive it): every map,
 * this year and the year before.  The first map is the headline index (the service
 * map in the sample).  PM_EDATA (recorded in diag) if the results have no such year,
 * PM_ENOMEM.  out is initialised, free with pm_diagnosis_fini.  Thread-safe given its
 * own out. */
pm_status pm_diagnosis_build(const pm_results *r, int year, const pm_terms *terms, pm_diag *diag,
                             pm_diagnosis *out);
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
void pm_diagnosis_position(const pm_terms *t, int rank, size_t n, char *buf, size_t len);

#endif
