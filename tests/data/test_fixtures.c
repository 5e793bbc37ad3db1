/* The fixture walk: every awkward file of ../shared/realdata/reader-fixtures given to
 * `check` loads or fails with exit 1 and a message naming it, within 10 s, never a
 * crash, hang or (under the sanitizer build) a leak. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

static int ends(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

Test(fixtures, every_reader_fixture_loads_or_fails_clearly, .timeout = PM_T(3000))
{
    const char *rd = t_realdata();
    if (!rd) cr_skip_test("../shared/realdata is absent (a user's clone): fixture walk skipped");
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
    char *manifest = pm_asprintf("%s/reader-fixtures/MANIFEST.tsv", rd), *text = NULL;
    cr_assert_eq(pm_read_file(manifest, 1 << 20, &text, NULL, NULL), PM_OK);
    static const char *const exts[] = { ".shp", ".json", ".geojson", ".topojson", ".csv", ".tsv",
                                        ".zip", NULL };
    size_t files = 0, loaded = 0, refused = 0;
    char *save = NULL;
    strtok_r(text, "\n", &save); /* header */
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *local = strrchr(line, '\t');
        if (!local) continue;
        local++;
        int want = 0;
        for (const char *const *e = exts; *e; e++) want |= ends(local, *e);
        if (!want) continue;
        int table = ends(local, ".csv") || ends(local, ".tsv");
        char *cmd = pm_asprintf("cd '%s/reader-fixtures' && timeout 10 '%s' check %s '%s' 2>&1",
                                rd, t_bin(), table ? "--evaluations" : "--committees", local);
        char *out = NULL;
        int rc = t_run(cmd, &out);
        files++;
        cr_assert(rc == 0 || rc == 1, "%s: exit %d (124 = hang, >128 = signal):\n%s", local, rc, out);
        if (rc == 1) {
            refused++;
            const char *base = strrchr(local, '/') ? strrchr(local, '/') + 1 : local;
            cr_assert(strstr(out, base), "%s: the message names the file:\n%s", local, out);
        } else {
            loaded++;
        }
        free(cmd);
        free(out);
    }
    fprintf(stderr, "fixture walk: %zu files, %zu loaded, %zu refused with a message\n", files, loaded, refused);
    cr_assert_gt(files, 150);
    free(text);
    free(manifest);
}
