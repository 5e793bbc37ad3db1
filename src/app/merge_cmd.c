/* The merge command: shard packages of one run combined into one package. */
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/layout.h"
#include "core/clock.h"
#include "tiles/merge.h"

/* PM_EUSAGE if the inputs are all named as shards of N and some K is missing: a
 * merge of an incomplete set would silently leave holes in the map. */
static pm_status check_complete(const char *const *in, size_t n, FILE *err)
{
    unsigned k, total = 0, nk;
    for (size_t i = 0; i < n; i++) {
        if (!pm_layout_shard_of(in[i], &k, &nk) || (total && nk != total)) return PM_OK;
        total = nk;
    }
    for (unsigned want = 1; want <= total; want++) {
        int found = 0;
        for (size_t i = 0; i < n && !found; i++) found = pm_layout_shard_of(in[i], &k, &nk) && k == want;
        if (!found) {
            fprintf(err, "partymap: merge: shard %u of %u is missing (the map would have holes)\n",
                    want, total);
            return PM_EUSAGE;
        }
    }
    return PM_OK;
}

pm_status pm_cmd_merge(const char *out, const char *const *in, size_t n, uint64_t max_tiles,
                       int quiet, FILE *err)
{
    pm_status st = check_complete(in, n, err);
    if (st) return st;
    pm_mergestats ms;
    char *msg = NULL;
    double t0 = pm_clock_now();
    st = pm_merge_packages(out, in, n, max_tiles, &ms, &msg);
    if (st) fprintf(err, "partymap: merge: %s\n", msg ? msg : pm_strerror(st));
    else if (!quiet)
        fprintf(err, "partymap: %s: %zu packages merged, %zu tiles (%zu distinct), %.1f MB, %s, %.2f s\n",
                out, ms.inputs, ms.tiles, ms.unique, ms.bytes / 1e6,
                ms.unchanged ? "unchanged" : "written", pm_clock_now() - t0);
    free(msg);
    return st;
}
