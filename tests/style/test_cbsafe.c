/* Colour-blind safety: ColorBrewer's ratings by scheme and class count, and the simulation
 * for custom colours. */
#include <criterion/criterion.h>
#include <math.h>

#include "style/cbsafe.h"
#include "style/palette.h"

Test(cbsafe, colorbrewer_ratings)
{
    cr_assert_eq(pm_palette_cb_rating("YlGnBu", 4), PM_CB_SAFE);
    cr_assert_eq(pm_palette_cb_rating("PuBuGn", 9), PM_CB_SAFE);
    cr_assert_eq(pm_palette_cb_rating("RdYlBu", 11), PM_CB_SAFE);
    cr_assert_eq(pm_palette_cb_rating("RdBu", 2), PM_CB_SAFE, "two classes: the 3-class rating");
    cr_assert_eq(pm_palette_cb_rating("RdYlGn", 3), PM_CB_MAYBE);
    cr_assert_eq(pm_palette_cb_rating("RdYlGn", 5), PM_CB_MAYBE);
    cr_assert_eq(pm_palette_cb_rating("RdYlGn", 6), PM_CB_UNSAFE);
    cr_assert_eq(pm_palette_cb_rating("Spectral", 11), PM_CB_UNSAFE);
    cr_assert_eq(pm_palette_cb_rating("RdGy", 4), PM_CB_MAYBE);
    cr_assert_eq(pm_palette_cb_rating("custom", 4), PM_CB_UNRATED);
    cr_assert_eq(pm_palette_cb_rating("ylgnbu", 4), PM_CB_UNRATED, "names are case-sensitive");
    for (size_t i = 0; pm_palette_name_at(i); i++)
        cr_assert_neq(pm_palette_cb_rating(pm_palette_name_at(i), 5), PM_CB_UNRATED, "%s has a rating",
                      pm_palette_name_at(i));
}

Test(cbsafe, simulation_finds_red_green_pairs)
{
    size_t a, b;
    double seen, normal;
    pm_rgba rg[4] = { { 0.84, 0.10, 0.11, 1 }, { 0.99, 0.97, 0.96, 1 }, { 0.65, 0.85, 0.42, 1 }, { 0.10, 0.59, 0.25, 1 } };
    cr_assert(pm_palette_cvd_confusion(rg, 4, &a, &b, &seen, &normal), "red and green look alike");
    cr_assert(a == 0 && b == 3, "the red and the green: %zu, %zu", a, b);
    cr_assert(seen < 0.35 * normal, "%.1f of %.1f", seen, normal);
    pm_rgba blues[5];
    cr_assert_eq(pm_palette_get("Blues", 5, blues), PM_OK);
    cr_assert(!pm_palette_cvd_confusion(blues, 5, &a, &b, &seen, &normal), "a single hue keeps its lightness steps");
    pm_rgba rdylgn[5];
    cr_assert_eq(pm_palette_get("RdYlGn", 5, rdylgn), PM_OK);
    cr_assert(pm_palette_cvd_confusion(rdylgn, 5, &a, &b, &seen, &normal), "agrees with ColorBrewer on RdYlGn");
    cr_assert(!pm_palette_cvd_confusion(blues, 1, &a, &b, &seen, &normal));
    cr_assert(isinf(seen));
}
