/* The dry run lists exactly what a render writes (both come from the stage table and the
 * layout), and writes and removes nothing. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"

/* 1 if path matches pattern, where "{z}", "{x}", "{y}" stand for digits and "*" for any
 * name without a slash. */
static int matches(const char *pat, const char *path)
{
    while (*pat) {
        if (strncmp(pat, "{z}", 3) == 0 || strncmp(pat, "{x}", 3) == 0 || strncmp(pat, "{y}", 3) == 0) {
            if (*path < '0' || *path > '9') return 0;
            while (*path >= '0' && *path <= '9') path++;
            pat += 3;
        } else if (*pat == '*') {
            for (const char *p = path; ; p++) {
                if (matches(pat + 1, p)) return 1;
                if (*p == '\0' || *p == '/') return 0;
            }
        } else if (*pat++ != *path++) {
            return 0;
        }
    }
    return *path == '\0';
}

/* Lines of text as a NULL-terminated array pointing into text (tabs end a line's path). */
static char **lines(char *text, size_t *n)
{
    size_t cap = 16;
    char **v = calloc(cap, sizeof *v), *save = NULL;
    *n = 0;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(l, '\t');
        if (tab) *tab = '\0';
        if (*n + 1 >= cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = l;
    }
    v[*n] = NULL;
    return v;
}

Test(plan, dry_run_lists_exactly_what_a_run_writes, .timeout = PM_T(300))
{
    t_need_binary();
    char *dir = t_tmpdir(), *plan = NULL, *files = NULL, *cmd, *before = NULL, *after = NULL;
    cr_assert_eq(t_copy_sample(dir), 0);
    /* a stale-looking temporary the dry run must leave alone, and nothing else is written */
    char *tmp = pm_asprintf("%s/out/2016/print/service.pdf.tmp-99999-1", dir);
    cmd = pm_asprintf("mkdir -p '%s/out/2016/print' && echo keep > '%s'", dir, tmp);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    cmd = pm_asprintf("cd '%s' && find . | sort", dir);
    cr_assert_eq(t_run(cmd, &before), 0);
    char *args = pm_asprintf("render -c '%s/partymap.json' --year 2016 --out '%s/out' --dry-run", dir, dir);
    cr_assert_eq(t_pm(args, &plan), 0);
    free(args);
    cr_assert_eq(t_run(cmd, &after), 0);
    cr_assert_str_eq(after, before, "the dry run changed the folder");
    free(cmd);
    free(before);
    free(after);
    cr_assert_eq(unlink(tmp), 0);
    free(tmp);

    args = pm_asprintf("render -c '%s/partymap.json' --year 2016 --out '%s/out' --quiet", dir, dir);
    cr_assert_eq(t_pm(args, NULL), 0);
    free(args);
    cmd = pm_asprintf("find '%s/out' -type f | sort", dir);
    cr_assert_eq(t_run(cmd, &files), 0);
    free(cmd);
    size_t np, nf;
    char **pv = lines(plan, &np), **fv = lines(files, &nf);
    cr_assert_gt(np, 10);
    unsigned char *used = calloc(np + 1, 1);
    for (size_t i = 0; i < nf; i++) {
        int found = 0;
        for (size_t k = 0; k < np; k++)
            if (matches(pv[k], fv[i])) { found = 1; used[k] = 1; }
        cr_expect(found, "written but not in the dry run: %s", fv[i]);
    }
    for (size_t k = 0; k < np; k++)
        cr_expect(used[k], "in the dry run but not written: %s", pv[k]);
    free(used);
    free(pv);
    free(fv);
    free(plan);
    free(files);
    t_rm_tree(dir);
    free(dir);
}
