/* Point thinning: the spacing holds, platforms come first, running projects before the rest. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/thin.h"

Test(thin, spacing_holds_platforms_first_running_next)
{
    enum { NP = 3, NQ = 400 };
    pm_pt plat[NP] = { { 0, 0 }, { 100, 0 }, { 5, 0 } }; /* the third within 10 of the first */
    pm_pt proj[NQ];
    pm_site sites[NQ];
    memset(sites, 0, sizeof sites);
    unsigned long rng = 7;
    for (int i = 0; i < NQ; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        proj[i] = (pm_pt){ (double)(rng >> 40 & 1023) / 5, (double)(rng >> 20 & 1023) / 5 };
        sites[i].status = i % 3 ? PM_SITE_PLANNED : PM_SITE_RUNNING;
    }
    pm_scene s;
    memset(&s, 0, sizeof s);
    s.nplatforms = NP;
    s.platforms = plat;
    s.nprojects = NQ;
    s.projects = proj;
    s.project_sites = sites;
    unsigned char *kp, *kq;
    cr_assert_eq(pm_points_thin(&s, 1.0, 10, &kp, &kq), PM_OK);
    cr_expect(kp[0] && kp[1] && !kp[2], "platforms: %d %d %d", kp[0], kp[1], kp[2]);
    size_t kept = 0, run = 0, other = 0;
    for (int i = 0; i < NQ; i++) {
        if (!kq[i]) continue;
        kept++;
        run += sites[i].status == PM_SITE_RUNNING;
        other += sites[i].status != PM_SITE_RUNNING;
        for (int p = 0; p < NP; p++)
            if (kp[p]) cr_expect_geq(hypot(proj[i].x - plat[p].x, proj[i].y - plat[p].y), 10);
        for (int j = 0; j < i; j++)
            if (kq[j]) cr_expect_geq(hypot(proj[i].x - proj[j].x, proj[i].y - proj[j].y), 10, "%d %d", i, j);
    }
    cr_expect(kept > 100 && kept < NQ, "kept %zu", kept);
    cr_expect_gt(run * 2, other, "running first: %zu running, %zu others kept", run, other);
    /* deterministic, and spacing 0 keeps everything */
    unsigned char *kp2, *kq2;
    cr_assert_eq(pm_points_thin(&s, 1.0, 10, &kp2, &kq2), PM_OK);
    cr_expect_eq(memcmp(kq, kq2, NQ), 0);
    free(kp2);
    free(kq2);
    cr_assert_eq(pm_points_thin(&s, 1.0, 0, &kp2, &kq2), PM_OK);
    for (int i = 0; i < NQ; i++) cr_expect(kq2[i]);
    free(kp);
    free(kq);
    free(kp2);
    free(kq2);
}
