/* Tests of classification: each method against hand-checked bounds and counts, Jenks against brute force. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/classify.h"

#define EPS 1e-9

static void expect_bounds(const pm_classes *c, const double *b, size_t n)
{
    cr_assert_eq(c->n, n, "expected %zu classes, got %zu", n, c->n);
    for (size_t i = 0; i <= n; i++) {
        if (isinf(b[i])) cr_expect(isinf(c->bounds[i]) && (b[i] > 0) == (c->bounds[i] > 0),
                                   "bound %zu: expected %g, got %g", i, b[i], c->bounds[i]);
        else cr_expect(fabs(c->bounds[i] - b[i]) < EPS, "bound %zu: expected %g, got %.17g",
                       i, b[i], c->bounds[i]);
    }
}

static void expect_counts(const pm_classes *c, const size_t *k)
{
    for (size_t i = 0; i < c->n; i++)
        cr_expect_eq(c->counts[i], k[i], "class %zu: expected %zu members, got %zu", i, k[i],
                     c->counts[i]);
}

static pm_classes run(pm_classify_method m, size_t k, const double *v, size_t n)
{
    pm_classify_spec spec = { .method = m, .nclasses = k, .decimals = 1 };
    pm_classes c;
    cr_assert_eq(pm_classify(&spec, v, n, &c), PM_OK);
    return c;
}

Test(classify, manual_tiers)
{
    const double thr[] = { 75, 85, 90 };
    const double v[] = { 70, 75, 80, 85, 89.9, 90, 95, NAN };
    pm_classify_spec spec = { .method = PM_CLASSIFY_MANUAL, .nclasses = 4, .thresholds = thr };
    pm_classes c;
    cr_assert_eq(pm_classify(&spec, v, 8, &c), PM_OK);
    expect_bounds(&c, (double[]){ -INFINITY, 75, 85, 90, INFINITY }, 4);
    expect_counts(&c, (size_t[]){ 1, 2, 2, 2 });
    cr_expect_eq(c.nodata, 1);
    cr_expect_float_eq(c.vmin[1], 75, EPS);
    cr_expect_float_eq(c.vmax[1], 80, EPS);
    cr_expect_float_eq(c.vmin[2], 85, EPS);
    cr_expect_float_eq(c.vmax[2], 89.9, EPS);
    cr_expect_float_eq(c.vmax[3], 95, EPS);
    pm_classes_fini(&c);
}

Test(classify, manual_empty_class_is_kept)
{
    const double thr[] = { 10, 20 };
    const double v[] = { 5, 25 };
    pm_classify_spec spec = { .method = PM_CLASSIFY_MANUAL, .nclasses = 3, .thresholds = thr };
    pm_classes c;
    cr_assert_eq(pm_classify(&spec, v, 2, &c), PM_OK);
    expect_counts(&c, (size_t[]){ 1, 0, 1 });
    cr_expect(isnan(c.vmin[1]) && isnan(c.vmax[1]));
    pm_classes_fini(&c);
}

Test(classify, invalid_specs)
{
    const double v[] = { 1, 2, 3 };
    pm_classes c;
    const double bad[] = { 75, 90, 85 };
    pm_classify_spec spec = { .method = PM_CLASSIFY_MANUAL, .nclasses = 4, .thresholds = bad };
    cr_expect_eq(pm_classify(&spec, v, 3, &c), PM_EDATA);
    const double dup[] = { 75, 75 };
    spec.thresholds = dup;
    spec.nclasses = 3;
    cr_expect_eq(pm_classify(&spec, v, 3, &c), PM_EDATA);
    spec = (pm_classify_spec){ .method = PM_CLASSIFY_QUANTILE, .nclasses = 0 };
    cr_expect_eq(pm_classify(&spec, v, 3, &c), PM_EDATA);
    spec.nclasses = 13;
    cr_expect_eq(pm_classify(&spec, v, 3, &c), PM_EDATA);
    spec = (pm_classify_spec){ .method = PM_CLASSIFY_DIVERGING, .nclasses = 5, .centre = NAN };
    cr_expect_eq(pm_classify(&spec, v, 3, &c), PM_EDATA);
    cr_expect_null(c.bounds);
}

Test(classify, quantile_one_to_ten)
{
    const double v[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
    pm_classes c = run(PM_CLASSIFY_QUANTILE, 5, v, 10);
    /* Ideal splits after 2, 4, 6, 8 values: each inner bound is the smallest value of
     * the upper class; the last bound is the maximum. */
    expect_bounds(&c, (double[]){ 1, 3, 5, 7, 9, 10 }, 5);
    expect_counts(&c, (size_t[]){ 2, 2, 2, 2, 2 });
    cr_expect_float_eq(c.vmax[4], 10, EPS);
    pm_classes_fini(&c);
}

Test(classify, quantile_uneven_count)
{
    const double v[] = { 1, 2, 3, 4, 5, 6, 7 };
    pm_classes c = run(PM_CLASSIFY_QUANTILE, 3, v, 7);
    /* Ideal splits at 2.33 and 4.67 values: nearest are 2 and 5. */
    expect_bounds(&c, (double[]){ 1, 3, 6, 7 }, 3);
    expect_counts(&c, (size_t[]){ 2, 3, 2 });
    pm_classes_fini(&c);
}

Test(classify, quantile_keeps_ties_together)
{
    const double v[] = { 1, 2, 2, 2, 2, 2, 2, 3, 4, 5 };
    /* k=2: the ideal split after 5 values falls inside the run of 2s; the nearest
     * split between distinct values is after 7 (distance 2), not after 1 (4). */
    pm_classes c = run(PM_CLASSIFY_QUANTILE, 2, v, 10);
    expect_bounds(&c, (double[]){ 1, 3, 5 }, 2);
    expect_counts(&c, (size_t[]){ 7, 3 });
    pm_classes_fini(&c);
    /* k=3: ideal 3.33 → after 1 (2.33 away, vs 3.67); ideal 6.67 → after 7. */
    c = run(PM_CLASSIFY_QUANTILE, 3, v, 10);
    expect_bounds(&c, (double[]){ 1, 2, 3, 5 }, 3);
    expect_counts(&c, (size_t[]){ 1, 6, 3 });
    pm_classes_fini(&c);
}

Test(classify, fewer_distinct_values_than_classes)
{
    const double v[] = { 7, 4, 9, 7, NAN, 4, 7 };
    pm_classify_method ms[] = { PM_CLASSIFY_QUANTILE, PM_CLASSIFY_JENKS };
    for (size_t i = 0; i < 2; i++) {
        pm_classes c = run(ms[i], 5, v, 7);
        expect_bounds(&c, (double[]){ 4, 7, 9, 9 }, 3);
        expect_counts(&c, (size_t[]){ 2, 3, 1 });
        cr_expect_eq(c.nodata, 1);
        pm_classes_fini(&c);
    }
    /* Equal intervals over 4..9 in 3 classes: 5.67 and 7.33 rounded to 1 decimal. */
    pm_classes c = run(PM_CLASSIFY_EQUAL, 5, v, 7);
    expect_bounds(&c, (double[]){ 4, 5.7, 7.3, 9 }, 3);
    expect_counts(&c, (size_t[]){ 2, 3, 1 });
    pm_classes_fini(&c);
    const double same[] = { 5, 5, 5 };
    c = run(PM_CLASSIFY_JENKS, 4, same, 3);
    expect_bounds(&c, (double[]){ 5, 5 }, 1);
    expect_counts(&c, (size_t[]){ 3 });
    pm_classes_fini(&c);
}

Test(classify, no_data_gives_one_open_class)
{
    const double v[] = { NAN, NAN };
    pm_classes c = run(PM_CLASSIFY_QUANTILE, 5, v, 2);
    expect_bounds(&c, (double[]){ -INFINITY, INFINITY }, 1);
    expect_counts(&c, (size_t[]){ 0 });
    cr_expect_eq(c.nodata, 2);
    pm_classes_fini(&c);
}

Test(classify, equal_intervals)
{
    const double v[] = { 0, 10, 35, 50, 99, 100 };
    pm_classes c = run(PM_CLASSIFY_EQUAL, 4, v, 6);
    expect_bounds(&c, (double[]){ 0, 25, 50, 75, 100 }, 4);
    expect_counts(&c, (size_t[]){ 2, 1, 1, 2 });
    pm_classes_fini(&c);
    /* 1 + 1/3 and 1 + 2/3 rounded to 1 decimal; the middle class is empty. */
    const double w[] = { 1, 1.2, 2 };
    c = run(PM_CLASSIFY_EQUAL, 3, w, 3);
    expect_bounds(&c, (double[]){ 1, 1.3, 1.7, 2 }, 3);
    expect_counts(&c, (size_t[]){ 2, 0, 1 });
    pm_classes_fini(&c);
    const double z[] = { 0, 1, 2, 10 };
    pm_classify_spec spec = { .method = PM_CLASSIFY_EQUAL, .nclasses = 3, .decimals = 0 };
    cr_assert_eq(pm_classify(&spec, z, 4, &c), PM_OK);
    expect_bounds(&c, (double[]){ 0, 3, 7, 10 }, 3);
    pm_classes_fini(&c);
}

Test(classify, jenks_three_clusters)
{
    const double v[] = { 1, 2, 3, 10, 11, 12, 20, 21, 22 };
    double br[2];
    cr_assert_eq(pm_jenks_breaks(v, 9, 3, br), PM_OK);
    cr_expect_float_eq(br[0], 10, EPS);
    cr_expect_float_eq(br[1], 20, EPS);
    pm_classes c = run(PM_CLASSIFY_JENKS, 3, v, 9);
    expect_bounds(&c, (double[]){ 1, 10, 20, 22 }, 3);
    expect_counts(&c, (size_t[]){ 3, 3, 3 });
    pm_classes_fini(&c);
    /* One outlier: {1,2,4,5} costs 10 as a class; any other split costs far more. */
    const double o[] = { 1, 2, 4, 5, 100 };
    cr_assert_eq(pm_jenks_breaks(o, 5, 2, br), PM_OK);
    cr_expect_float_eq(br[0], 100, EPS);
}

static double ssd(const double *v, size_t a, size_t b)
{
    double m = 0, s = 0;
    for (size_t i = a; i < b; i++) m += v[i];
    m /= (double)(b - a);
    for (size_t i = a; i < b; i++) s += (v[i] - m) * (v[i] - m);
    return s;
}

/* Cost of classes split before the indices cut[0..k-2] (ascending). */
static double cost(const double *v, size_t n, const size_t *cut, size_t k)
{
    double s = 0;
    size_t start = 0;
    for (size_t i = 0; i + 1 < k; i++) { s += ssd(v, start, cut[i]); start = cut[i]; }
    return s + ssd(v, start, n);
}

/* Least cost over every placement of k-1 cuts (including cuts inside runs of ties),
 * by recursion over the next cut. */
static double brute(const double *v, size_t n, size_t k, size_t *cut, size_t depth)
{
    if (depth == k - 1) return cost(v, n, cut, k);
    double best = INFINITY;
    size_t first = depth ? cut[depth - 1] + 1 : 1;
    for (size_t j = first; j + (k - 2 - depth) < n; j++) {
        cut[depth] = j;
        double c = brute(v, n, k, cut, depth + 1);
        if (c < best) best = c;
    }
    return best;
}

/* Cost of the breaks Jenks returned: each break is the first value of its class. */
static double cost_of_breaks(const double *v, size_t n, const double *br, size_t k)
{
    size_t cut[12];
    for (size_t i = 0; i + 1 < k; i++) {
        size_t j = 0;
        while (j < n && v[j] < br[i]) j++;
        cut[i] = j;
    }
    return cost(v, n, cut, k);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check_against_brute(const double *v, size_t n, size_t k)
{
    double br[12];
    size_t cut[12];
    cr_assert_eq(pm_jenks_breaks(v, n, k, br), PM_OK);
    for (size_t i = 1; i + 1 < k; i++) cr_expect(br[i] > br[i - 1]);
    double got = cost_of_breaks(v, n, br, k), want = brute(v, n, k, cut, 0);
    cr_expect(fabs(got - want) < 1e-9 * (1 + want),
              "n=%zu k=%zu: Jenks cost %.12g, optimum %.12g", n, k, got, want);
}

Test(classify, jenks_matches_brute_force)
{
    const double v[] = { 0.5, 1.1, 1.9, 3.2, 4.0, 4.1, 7.5, 8.0, 8.2, 9.9, 12.0, 15.5, 15.6, 16.0 };
    for (size_t k = 2; k <= 6; k++) check_against_brute(v, 14, k);
    /* Pseudo-random integers 0..20 (an LCG, so the test is repeatable): many ties,
     * which the brute force may split and Jenks may not; the optimum must agree. */
    double r[24];
    unsigned s = 12345;
    for (size_t i = 0; i < 24; i++) {
        s = s * 1103515245u + 12345u;
        r[i] = (double)((s >> 16) % 21);
    }
    qsort(r, 24, sizeof *r, cmp_double);
    for (size_t k = 2; k <= 4; k++) check_against_brute(r, 24, k);
}

Test(classify, jenks_refusals)
{
    double br[4];
    const double unsorted[] = { 3, 1, 2 };
    cr_expect_eq(pm_jenks_breaks(unsorted, 3, 2, br), PM_EDATA);
    const double few[] = { 1, 1, 2 };
    cr_expect_eq(pm_jenks_breaks(few, 3, 3, br), PM_EDATA);
    cr_expect_eq(pm_jenks_breaks(few, 3, 2, br), PM_OK);
    cr_expect_float_eq(br[0], 2, EPS);
    double *big = calloc(20001, sizeof *big);
    cr_assert_not_null(big);
    cr_expect_eq(pm_jenks_breaks(big, 20001, 2, br), PM_EDATA);
    free(big);
}

Test(classify, diverging_odd_symmetric)
{
    const double v[] = { -3.2, -1.0, 0, 0.4, 2.5, 7.9, NAN, NAN };
    pm_classify_spec spec = { .method = PM_CLASSIFY_DIVERGING, .nclasses = 5, .centre = 0 };
    pm_classes c;
    cr_assert_eq(pm_classify(&spec, v, 8, &c), PM_OK);
    /* max |v| = 7.9, 2·7.9/5 = 3.16 → width 5; the middle class straddles 0. */
    expect_bounds(&c, (double[]){ -INFINITY, -7.5, -2.5, 2.5, 7.5, INFINITY }, 5);
    expect_counts(&c, (size_t[]){ 0, 1, 3, 1, 1 });
    cr_expect_eq(c.nodata, 2);
    for (size_t i = 1; i < 5; i++) cr_expect_float_eq(c.bounds[i], -c.bounds[5 - i], EPS);
    pm_classes_fini(&c);
}

Test(classify, diverging_even_has_centre_bound)
{
    const double v[] = { -3.2, -1.0, 0, 0.4, 2.5, 7.9 };
    pm_classify_spec spec = { .method = PM_CLASSIFY_DIVERGING, .nclasses = 4, .centre = 0 };
    pm_classes c;
    cr_assert_eq(pm_classify(&spec, v, 6, &c), PM_OK);
    /* 2·7.9/4 = 3.95 → width 5. */
    expect_bounds(&c, (double[]){ -INFINITY, -5, 0, 5, INFINITY }, 4);
    expect_counts(&c, (size_t[]){ 0, 2, 3, 1 });
    pm_classes_fini(&c);
}

Test(classify, diverging_other_centres_and_scales)
{
    pm_classes c;
    const double v[] = { 70, 95 };
    pm_classify_spec spec = { .method = PM_CLASSIFY_DIVERGING, .nclasses = 3, .centre = 80 };
    cr_assert_eq(pm_classify(&spec, v, 2, &c), PM_OK);
    expect_bounds(&c, (double[]){ -INFINITY, 75, 85, INFINITY }, 3); /* 2·15/3 = 10 */
    expect_counts(&c, (size_t[]){ 1, 0, 1 });
    pm_classes_fini(&c);
    const double s[] = { -0.04, 0.03 };
    spec.centre = 0;
    cr_assert_eq(pm_classify(&spec, s, 2, &c), PM_OK);
    expect_bounds(&c, (double[]){ -INFINITY, -0.025, 0.025, INFINITY }, 3); /* 0.0267 → 0.05 */
    cr_expect_eq(c.bounds[2], 0.025); /* rounded to the exact decimal, not 0.025000000001 */
    pm_classes_fini(&c);
    const double none[] = { NAN };
    cr_assert_eq(pm_classify(&spec, none, 1, &c), PM_OK);
    expect_bounds(&c, (double[]){ -INFINITY, -0.5, 0.5, INFINITY }, 3);
    cr_expect_eq(c.nodata, 1);
    pm_classes_fini(&c);
}

Test(classify, find_edges)
{
    const double v[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    pm_classes c = run(PM_CLASSIFY_QUANTILE, 5, v, 10);
    cr_expect_eq(pm_classes_find(&c, 1), 0);
    cr_expect_eq(pm_classes_find(&c, 2.999), 0);
    cr_expect_eq(pm_classes_find(&c, 3), 1);
    cr_expect_eq(pm_classes_find(&c, 8.999), 3);
    cr_expect_eq(pm_classes_find(&c, 9), 4);
    cr_expect_eq(pm_classes_find(&c, 10), 4);  /* the last class holds its upper bound */
    cr_expect_eq(pm_classes_find(&c, 11), 4);  /* above the range: last class */
    cr_expect_eq(pm_classes_find(&c, -5), 0);  /* below the range: first class */
    cr_expect_eq(pm_classes_find(&c, NAN), -1);
    cr_expect_eq(pm_classes_find(&c, INFINITY), -1);
    pm_classes_fini(&c);
    const double thr[] = { 75, 85, 90 };
    pm_classify_spec spec = { .method = PM_CLASSIFY_MANUAL, .nclasses = 4, .thresholds = thr };
    cr_assert_eq(pm_classify(&spec, NULL, 0, &c), PM_OK);
    cr_expect_eq(pm_classes_find(&c, 74.99), 0);
    cr_expect_eq(pm_classes_find(&c, 75), 1);
    cr_expect_eq(pm_classes_find(&c, 90), 3);
    cr_expect_eq(pm_classes_find(&c, -1e300), 0);
    pm_classes_fini(&c);
    pm_classes_fini(&c); /* idempotent */
}
