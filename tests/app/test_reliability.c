/* Nothing lost, nothing half-written: signals, kills at any point, a full disk. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../support/support.h"
#include "core/fileio.h"

static int sh(const char *fmt, const char *a, const char *b, char **out)
{
    char *cmd = pm_asprintf(fmt, a, b);
    int rc = t_run(cmd, out);
    free(cmd);
    return rc;
}

static size_t count_tmp(const char *dir)
{
    char *n = NULL;
    sh("find '%s' -name '*.tmp-*' %s| wc -l", dir, "", &n);
    size_t r = (size_t)atol(n);
    free(n);
    return r;
}

Test(reliability, sigterm_stops_cleanly_without_temporaries, .timeout = PM_T(300))
{
    t_need_binary();
    char *dir = t_tmpdir(), *out = NULL;
    char *cmd = pm_asprintf("'%s' render --only tiles --quiet --out '%s' 2>/dev/null & pid=$!; sleep 1.5; "
                            "kill -TERM $pid; wait $pid; echo \"rc=$?\"", t_bin(), dir);
    t_run(cmd, &out);
    char *rc = strstr(out, "rc=");
    cr_assert(rc, "%s", out);
    int code = atoi(rc + 3);
    /* 130: stopped cleanly; 143: the signal came before the handler was installed
     * (while the libraries load), when nothing can have been written yet; 0: done */
    cr_assert(code == 130 || code == 143 || code == 0, "stopped with 130 (or had finished): %s", out);
    cr_assert_eq(count_tmp(dir), 0, "no temporaries left after SIGTERM");
    free(cmd); free(out);
    t_rm_tree(dir);
    free(dir);
}

/* strace can stop a run with SIGKILL at its Nth call of a system call: kill points
 * that do not depend on the machine's speed (a timed kill on a loaded machine lands
 * wherever the scheduler puts it). */
/* LeakSanitizer cannot run under ptrace: traced runs of a sanitizer build check
 * everything else (the untraced runs below check leaks). */
#define TRACE "ASAN_OPTIONS=detect_leaks=0 strace -f -qq "

static int have_strace(void)
{
    return t_run("strace -f -qq -o /dev/null true 2>/dev/null", NULL) == 0;
}

static char *outputs_md5(const char *dir)
{
    char *got = NULL;
    sh("cd '%s' && find . -type f %s| sort | xargs md5sum", dir,
       "! -name '*.pdf' ! -name '*.gpkg' ! -path './site/*' ", &got);
    return got;
}

/* Reruns after a killed run: the rerun succeeds, removes the killed run's
 * temporaries and gives what a clean run gives. */
static void rerun_and_compare(const char *dir, const char *args, const char *want, const char *when)
{
    char *out = NULL;
    char *cmd = pm_asprintf("'%s' render %s --out '%s' 2>&1", t_bin(), args, dir);
    cr_assert_eq(t_run(cmd, &out), 0, "rerun after SIGKILL %s:\n%s", when, out);
    free(cmd); free(out);
    cr_assert_eq(count_tmp(dir), 0, "temporaries of the run killed %s removed", when);
    char *got = outputs_md5(dir);
    cr_assert_str_eq(got, want, "after a kill %s and a rerun the output equals a clean run's", when);
    free(got);
    sh("for f in '%s'/2016/print/*.pdf '%s'/2016/*.pdf; do pdfinfo \"$f\" >/dev/null 2>&1 || echo BAD $f; done",
       dir, dir, &got);
    cr_assert_eq(strstr(got, "BAD"), NULL, "every PDF is complete after a kill %s: %s", when, got);
    free(got);
}

Test(reliability, sigkill_at_any_point_then_rerun_gives_complete_output, .timeout = PM_T(1500))
{
    t_need_binary();
    char *dir = t_tmpdir(), *clean = t_tmpdir(), *log = NULL;
    /* the sample with tiles to z15 only: every kill point is a rerun, so keep runs short */
    char *proj = t_tmpdir();
    cr_assert_eq(t_copy_sample(proj), 0);
    char *cfg = pm_asprintf("%s/partymap.json", proj), *text = NULL, *err = NULL;
    size_t len;
    cr_assert_eq(pm_read_file(cfg, 1 << 20, &text, &len, &err), PM_OK);
    *strrchr(text, '}') = '\0';
    char *json = pm_asprintf("%s, \"tiles\": { \"minzoom\": 12, \"maxzoom\": 15, \"hidpi\": true } }\n", text);
    cr_assert_eq(pm_write_atomic(cfg, json, strlen(json), &err), PM_OK);
    free(text); free(json);
    char *args = pm_asprintf("-c '%s' --maps resources --quiet", cfg);
    int traced = have_strace();
    /* PM_KILL_SAMPLE=N: every Nth kill point only (the sanitizer run; natively all) */
    const char *ks = getenv("PM_KILL_SAMPLE");
    int step = ks && atoi(ks) > 1 ? atoi(ks) : 1;
    char *cmd = traced
        ? pm_asprintf(TRACE "-e trace=fsync -o '%s/fsync.log' '%s' render %s --out '%s/out'",
                      clean, t_bin(), args, clean)
        : pm_asprintf("'%s' render %s --out '%s/out'", t_bin(), args, clean);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    char *out_clean = pm_asprintf("%s/out", clean);
    char *want = outputs_md5(out_clean);
    if (traced) {
        /* at every fsync (each commit of a poster, preview, atlas, package,
         * spreadsheet, GeoPackage or site file) and at two tile renames */
        char *n = NULL;
        sh("grep -c 'fsync(' '%s/fsync.log' %s", clean, "", &n);
        int fsyncs = atoi(n);
        free(n);
        cr_assert_gt(fsyncs, 8, "a run commits its outputs with fsync (%d seen)", fsyncs);
        for (int at = 1; at <= fsyncs; at += step) {
            log = pm_asprintf("at fsync %d of %d", at, fsyncs);
            cmd = pm_asprintf(TRACE "-o /dev/null -e trace=fsync -e inject=fsync:signal=KILL:when=%d "
                              "'%s' render %s --out '%s' >/dev/null 2>&1; true", at, t_bin(), args, dir);
            t_run(cmd, NULL);
            free(cmd);
            rerun_and_compare(dir, args, want, log);
            free(log);
        }
        static const int renames[] = { 10, 40 };
        for (size_t i = 0; i < sizeof renames / sizeof *renames; i++) {
            log = pm_asprintf("at a thread's tile rename %d", renames[i]);
            cmd = pm_asprintf(TRACE "-o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=%d "
                              "'%s' render %s --out '%s' >/dev/null 2>&1; true", renames[i], t_bin(), args, dir);
            t_run(cmd, NULL);
            free(cmd);
            rerun_and_compare(dir, args, want, log);
            free(log);
        }
    } else {
        cr_log_info("strace cannot trace here: kill points are timed instead");
    }
    /* and at moments in the middle of anything, writes included */
    static const char *const delays[] = { "0.3", "0.8", "1.5" };
    for (size_t i = 0; i < sizeof delays / sizeof *delays; i += (size_t)step) {
        cmd = pm_asprintf("('%s' render %s --out '%s' 2>/dev/null & pid=$!; sleep %s; kill -KILL $pid; wait $pid) 2>/dev/null; true",
                          t_bin(), args, dir, delays[i]);
        t_run(cmd, NULL);
        free(cmd);
        log = pm_asprintf("at %s s", delays[i]);
        rerun_and_compare(dir, args, want, log);
        free(log);
    }
    free(want); free(out_clean); free(args); free(cfg);
    t_rm_tree(dir); t_rm_tree(clean); t_rm_tree(proj);
    free(dir); free(clean); free(proj);
}

Test(reliability, full_disk_fails_clearly_and_keeps_earlier_outputs, .timeout = PM_T(300))
{
    t_need_binary();
    char *dir = t_tmpdir(), *out = NULL, *before = NULL, *after = NULL;
    char *cmd = pm_asprintf("'%s' render --year 2015 --only print --maps service --quiet --out '%s'", t_bin(), dir);
    cr_assert_eq(t_run(cmd, NULL), 0);
    free(cmd);
    sh("cd '%s' && find . -type f | sort | xargs md5sum %s", dir, "", &before);
    /* a file size limit stands in for a full disk: writes fail with EFBIG */
    /* last year's posters exist; this year's do not fit */
    cmd = pm_asprintf("trap '' XFSZ; ulimit -f 40; '%s' render --year 2016 --only print --maps service --out '%s' 2>&1", t_bin(), dir);
    int rc = t_run(cmd, &out);
    cr_assert_eq(rc, 3, "an I/O failure exits 3:\n%s", out);
    cr_assert(strstr(out, "service.pdf") && strstr(out, "File too large"), "the message names the file and the cause:\n%s", out);
    sh("cd '%s' && find . -type f | sort | xargs md5sum %s", dir, "", &after);
    cr_assert_str_eq(after, before, "earlier outputs are intact, no temporary and no half-written file is left");
    free(cmd); free(out); free(before); free(after);
    t_rm_tree(dir);
    free(dir);
}

/* Files under dir that are not temporaries. */
static size_t count_files(const char *dir)
{
    char *n = NULL;
    sh("find '%s' -type f ! -name '*.tmp-*' %s| wc -l", dir, "", &n);
    size_t r = (size_t)atol(n);
    free(n);
    return r;
}

/* SIGINT or SIGTERM in every phase (issue 19 item 7): strace delivers the signal as
 * the phase commits its first file (a rename), wherever the scheduler is; the run
 * stops at the next file boundary with exit 130, leaving what it committed whole and
 * no temporary.  Before the fix the site ran on to its end and exited 0. */
Test(reliability, a_signal_in_every_phase_stops_at_the_next_file_with_130, .timeout = PM_T(900))
{
    t_need_binary();
    if (!have_strace()) cr_skip_test("strace is not installed (it delivers the signals at a fixed point)");
    char *tiles = t_tmpdir(), *out = NULL;
    char *cmd = pm_asprintf("'%s' render --only tiles --year all --quiet --out '%s' 2>&1", t_bin(), tiles);
    cr_assert_eq(t_run(cmd, &out), 0, "%s", out);
    free(cmd); free(out);
    static const struct { const char *kind, *sig; size_t most; } ph[] = {
        /* most: files the phase may still finish after the signal (the one being
         * committed; a poster's PDF and its preview; the tiles' whole tree) */
        { "print", "SIGINT", 2 }, { "atlas", "SIGTERM", 1 }, { "data", "SIGINT", 1 },
        { "site", "SIGTERM", 1 }, { "tiles", "SIGINT", 0 },
    };
    for (size_t i = 0; i < sizeof ph / sizeof ph[0]; i++) {
        /* the site publishes the tiles: it starts from a folder that has them */
        char *full = t_tmpdir(), *cut = t_tmpdir();
        const char *maps = strcmp(ph[i].kind, "tiles") == 0 ? "--maps service" : "";
        if (strcmp(ph[i].kind, "site") == 0) {
            sh("cp -r '%s/.' '%s/'", tiles, full, NULL);
            sh("cp -r '%s/.' '%s/'", tiles, cut, NULL);
        }
        size_t base = count_files(full);
        cmd = pm_asprintf("'%s' render --only %s %s --year all --quiet --out '%s' 2>&1", t_bin(), ph[i].kind,
                          maps, full);
        cr_assert_eq(t_run(cmd, &out), 0, "%s: %s", ph[i].kind, out);
        free(cmd); free(out);
        size_t all = count_files(full) - base;
        cmd = pm_asprintf(TRACE "-o /dev/null -e trace=rename -e inject=rename:signal=%s:when=1 "
                          "'%s' render --only %s %s --year all --quiet --out '%s' 2>&1; echo \"rc=$?\"",
                          ph[i].sig, t_bin(), ph[i].kind, maps, cut);
        t_run(cmd, &out);
        char *rc = strstr(out, "rc=");
        cr_assert(rc, "%s", out);
        cr_expect_eq(atoi(rc + 3), 130, "%s: %s stops the run with 130: %s", ph[i].kind, ph[i].sig, out);
        cr_expect(strstr(out, "stopped by a signal"), "%s: says so: %s", ph[i].kind, out);
        size_t got = count_files(cut) - base;
        if (ph[i].most) cr_expect_leq(got, ph[i].most, "%s: %zu of %zu files written after the signal",
                                      ph[i].kind, got, all);
        else cr_expect_lt(2 * got, all, "%s: %zu of %zu files written after the signal", ph[i].kind, got, all);
        cr_expect_eq(count_tmp(cut), 0, "%s: no temporaries left", ph[i].kind);
        free(cmd); free(out);
        t_rm_tree(full); t_rm_tree(cut);
        free(full); free(cut);
    }
    t_rm_tree(tiles);
    free(tiles);
}
