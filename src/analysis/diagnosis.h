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
    const pm_results *r;       /* the run's results: the years before (borrowed) */
    size_t yi;                 /* the year's index in r */
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

/* Where committee c stands on index i, by one rule everywhere: +1 in the top third
 * (rank × 3 <= ranked), -1 in the bottom third ((ranked - rank + 1) × 3 <= ranked),
 * 0 otherwise or without a value; against the whole area, else (when the area says
 * neither) against c's parent.  *parent (may be NULL) is 1 when the parent decided.
 * Pure. */
int pm_diagnosis_third(const pm_diagnosis *d, size_t c, size_t i, int *parent);

/* Committees ranked on index i within c's parent (0 without a parent). */
size_t pm_diagnosis_parent_count(const pm_diagnosis *d, size_t c, size_t i);

/* Committee c's strengths (pm_diagnosis_third +1, best share first) and weaknesses
 * (-1, worst first), up to 2 of each, into best and worst with counts *nbest, *nworst;
 * an index is never both.  Pure. */
void pm_diagnosis_standing(const pm_diagnosis *d, size_t c, size_t best[2], size_t *nbest,
                           size_t worst[2], size_t *nworst);

/* The points committee c lacks on index i to reach the next better class (0.05 above
 * 71.4 for 合格 at 75: 3.6), its class through *next; NAN when c is in the best class
 * or has no value.  Pure. */
double pm_diagnosis_to_next(const pm_diagnosis *d, size_t c, size_t i, int *next);

/* One plain Chinese sentence on index i of committee c as a strength (strength = 1)
 * or a weakness (0): its value, rank and third, the rank change, the rank in its parent
 * (with parents), the distance to the medians and to the next class, e.g. (苏河湾 2016)
 * "社区工作者队伍建设指数54.2分，全街道第29名（共35个居民区，后三分之一），较上年下降
 * 7位，低于街道中位数4.4分，距上一级（60.9分起）还差6.7分。"  New string (caller
 * frees); NULL if c has no value or on OOM. */
char *pm_diagnosis_sentence(const pm_diagnosis *d, size_t c, size_t i, int strength);

/* The headline index (0) of c this year: class, distance to the next class and to
 * the median (not the rank, which the page shows beside it); then its trend over the years up to this one (three years rising, a drop
 * after two rises, ...), with the values.  New strings (caller frees) through *overall
 * and *trend (NULL: no value / a single year); PM_ENOMEM. */
pm_status pm_diagnosis_overall(const pm_diagnosis *d, size_t c, char **overall, char **trend);

/* Up to k (<= 16) committees nearest to c in size (|log size| apart; size per
 * committee, NAN = unknown), each with a headline value, into out; returns how many. */
size_t pm_diagnosis_peers(const pm_diagnosis *d, const double *size, size_t c, size_t k, size_t *out);

/* Where rank stands among n: "前10%" when in the top half (rank / n rounded up to
 * tens of percent), "后30%" in the bottom half ((n - rank + 1) / n likewise), and
 * "街道中游" for the middle rank that is in neither (18 of 35). */
void pm_diagnosis_position(const pm_terms *t, int rank, size_t n, char *buf, size_t len);

#endif
