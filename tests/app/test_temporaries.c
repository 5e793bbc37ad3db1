/* Temporaries of real runs: a dry run removes nothing, runs in other PID namespaces
 * keep each other's live temporaries, and a killed PID 1 run's leftovers go. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"

static void need_binary(void)
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built");
}

/* Root with PID namespaces and strace, or the test is skipped saying why. */
static void need_namespaces(void)
{
    need_binary();
    if (geteuid() != 0) cr_skip_test("unshare -p needs root: run the suite as root for this test");
    if (t_run("unshare -pf --mount-proc true 2>/dev/null", NULL) != 0)
        cr_skip_test("PID namespaces are not available here (unshare -pf failed)");
    if (t_run("strace -f -qq -o /dev/null true 2>/dev/null", NULL) != 0)
        cr_skip_test("strace cannot trace here");
}

static char *sh_out(const char *fmt, const char *a, const char *b)
{
    char *cmd = pm_asprintf(fmt, a, b), *out = NULL;
    t_run(cmd, &out);
    free(cmd);
    return out;
}

static size_t count_tmp(const char *dir)
{
    char *n = sh_out("find '%s' -name '*.tmp-*' %s| wc -l", dir, "");
    size_t r = (size_t)atol(n);
    free(n);
    return r;
}

/* Every file under dir with its checksum and modification time, sorted. */
static char *listing(const char *dir)
{
    return sh_out("cd '%s' && find . %s -printf '%%p %%s %%T@\\n' | sort", dir, "");
}

#define CFG PM_SOURCE_DIR "/partymap.json"
/* strace with sanitizer builds: LeakSanitizer cannot run under ptrace */
#define TRACE "env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -o /dev/null -e trace=fsync "

/* --dry-run writes and removes nothing, even with the output at a folder of inputs
 * whose names look like the temporaries of old versions ("NAME.tmp-PID-N" of a dead
 * pid, which the old cleanup removed) or like partymap's own. */
Test(temporaries, a_dry_run_writes_and_removes_nothing, .timeout = PM_T(120))
{
    need_binary();
    char *dir = t_tmpdir();
    cr_assert_eq(t_copy_sample(dir), 0);
    char *cmd = pm_asprintf("cd '%s/geodata/changshou' && cp evaluations.csv evaluations.csv.tmp-99999-1 && "
                            "echo x > notes.tmp-pm-0000abcd-00000001-000000001e5f && "
                            "mkdir -p old && touch old/book.tmp-99998-0.xlsx", dir);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    char *before = listing(dir), *out = NULL;
    cmd = pm_asprintf("cd '%s' && '%s' render -c partymap.json --year 2016 --out . --dry-run 2>&1", dir, t_bin());
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    char *after = listing(dir);
    cr_assert_str_eq(after, before, "the dry run changed the folder:\n%s", out);
    free(cmd); free(out); free(before); free(after);
    t_rm_tree(dir);
    free(dir);
}

/* Two runs in different PID namespaces share an output folder.  Run A (pid 2 in its
 * namespace) is stopped at its first fsync, its first poster's temporary open; run B
 * (pid 1 in its own) starts, cleans up and renders another map.  A's temporary
 * survives B, and A, resumed, completes. */
Test(temporaries, runs_in_other_pid_namespaces_keep_each_others_temporaries, .timeout = PM_T(400))
{
    need_namespaces();
    char *dir = t_tmpdir(), *logs = t_tmpdir(), *out = NULL;
    /* setsid: a stopped process in a group that becomes orphaned would get SIGHUP */
    char *cmd = pm_asprintf("setsid " TRACE "-e inject=fsync:signal=STOP:when=1 unshare -pf --mount-proc "
                            "sh -c \"'%s' render -c '%s' --only print --maps service --quiet --out '%s'; "
                            "echo \\$? > '%s/a.rc'\" >'%s/a.log' 2>&1 &",
                            t_bin(), CFG, dir, logs, logs);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    /* A is stopped once its process shows state t (traced) with a temporary present */
    cmd = pm_asprintf("for i in $(seq 600); do for p in $(pgrep -f -- '--out %s$'); do "
                      "grep -q '^State:[[:space:]]*[tT]' /proc/$p/status 2>/dev/null && "
                      "[ -n \"$(find '%s' -name '*.tmp-*')\" ] && echo $p && exit 0; done; sleep 0.1; done; exit 1",
                      dir, dir);
    cr_assert_eq(t_run(cmd, &out), 0, "run A never stopped at its fsync");
    long a = atol(out);
    free(out);
    free(cmd);
    char *live = sh_out("find '%s' -name '*.tmp-*' %s", dir, "");
    cmd = pm_asprintf("unshare -pf --mount-proc '%s' render -c '%s' --only print --maps satisfaction --out '%s' 2>&1",
                      t_bin(), CFG, dir);
    int rc = t_run(cmd, &out);
    free(cmd);
    char *still = sh_out("find '%s' -name '*.tmp-*' %s", dir, "");
    cmd = pm_asprintf("kill -CONT %ld; for i in $(seq 1200); do [ -s '%s/a.rc' ] && cat '%s/a.rc' && exit 0; "
                      "sleep 0.1; done; exit 1", a, logs, logs);
    char *arc = NULL;
    int waited = t_run(cmd, &arc);
    free(cmd);
    cr_assert_eq(rc, 0, "run B: %s", out);
    cr_assert(!strstr(out, "removed"), "run B removed a temporary of run A:\n%s", out);
    cr_assert_str_eq(still, live, "run A's live temporary survives run B");
    cr_assert_eq(waited, 0, "run A resumed and ended");
    char *alog = sh_out("cat '%s/a.log' %s", logs, "");
    cr_assert_eq(atoi(arc), 0, "run A completes after run B: %s", alog);
    cr_assert_eq(count_tmp(dir), 0, "no temporary is left");
    free(alog); free(arc); free(out); free(live); free(still);
    t_rm_tree(dir); t_rm_tree(logs);
    free(dir); free(logs);
}

/* A run killed as PID 1 of its namespace (at its first fsync, a temporary open) leaves
 * that temporary; the next run, PID 1 of another namespace, removes it: a pid says
 * nothing about the owner, its lock does. */
Test(temporaries, a_killed_pid_1_runs_temporary_goes_with_the_next_pid_1_run, .timeout = PM_T(300))
{
    need_namespaces();
    char *dir = t_tmpdir(), *out = NULL;
    char *cmd = pm_asprintf(TRACE "-e inject=fsync:signal=KILL:when=1 unshare -pf --mount-proc "
                            "'%s' render -c '%s' --only print --maps service --quiet --out '%s' >/dev/null 2>&1; true",
                            t_bin(), CFG, dir);
    t_run(cmd, NULL);
    free(cmd);
    cr_assert_gt(count_tmp(dir), 0, "the killed run left its temporary");
    cmd = pm_asprintf("unshare -pf --mount-proc '%s' render -c '%s' --only print --maps service --out '%s' 2>&1",
                      t_bin(), CFG, dir);
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    cr_assert(strstr(out, "removed 1 temporary file(s)"), "%s", out);
    cr_assert_eq(count_tmp(dir), 0, "the next PID 1 run removed it");
    free(cmd); free(out);
    t_rm_tree(dir);
    free(dir);
}
