/* The file layer: atomic writes, temporaries that no link or other run can subvert, and the
 * clean-up of what a killed run left behind. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/support.h"
#include "core/fileio.h"

/* A name partymap gives a temporary of NAME (the id's digits from k). */
static char *tmp_of(const char *name, unsigned k)
{
    return pm_asprintf("%s.tmp-pm-0000abcd-%08x-%012x", name, k, k * 7919u);
}

static void touch(const char *dir, const char *name)
{
    char *path = pm_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f, "create %s", path);
    fputs("half", f);
    fclose(f);
    free(path);
}

static int exists(const char *dir, const char *name)
{
    char *path = pm_asprintf("%s/%s", dir, name);
    struct stat sb;
    int r = lstat(path, &sb) == 0;
    free(path);
    return r;
}

static void sh_ok(const char *cmd)
{
    char *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0, "%s: %s", cmd, out ? out : "");
    free(out);
}

/* A process holding an flock on path (inside a new PID namespace when ns), until
 * stop_holder; returns its pid once it holds the lock. */
static long hold_lock(const char *path, int ns)
{
    /* sleep itself holds the lock (flock's own child would inherit it); unshare,
     * killed with SIGKILL, takes its namespace's processes with it */
    char *cmd = pm_asprintf("%s sh -c \"exec 9<'%s' && flock 9 && exec sleep 120\" >/dev/null 2>&1 & echo $!",
                            ns ? "unshare -pf --kill-child --mount-proc" : "", path), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0);
    long pid = atol(out);
    free(out);
    free(cmd);
    cmd = pm_asprintf("flock -n '%s' true", path);
    int held = 0;
    for (int i = 0; i < 200 && !held; i++) {
        held = t_run(cmd, NULL) != 0;
        if (!held) usleep(20000);
    }
    free(cmd);
    cr_assert(held, "the lock holder started");
    return pid;
}

/* Ends the holder and waits until its lock on path is free. */
static void stop_holder(long pid, const char *path)
{
    char *cmd = pm_asprintf("kill -KILL %ld; for i in $(seq 100); do flock -n '%s' true && exit 0; "
                            "sleep 0.05; done; exit 1", pid, path);
    cr_assert_eq(t_run(cmd, NULL), 0, "the holder ended");
    free(cmd);
}

/* The names a killed run leaves, as every writer names them: files beside their final
 * name, deep in the tile tree, and private folders holding a writer's files. */
typedef struct {
    char *dir, *sub;
    char *stale[3];     /* files, relative to dir */
    char *folder;       /* a private folder with a GeoPackage, its journal and a tree */
    char *live_fd, *live_dir, *held;
    char *keep[9];      /* not temporaries, or not ours */
} scene;

static void make_scene(scene *s)
{
    s->dir = t_tmpdir();
    s->sub = pm_asprintf("%s/2016/tiles/service/12", s->dir);
    char *cmd = pm_asprintf("mkdir -p '%s'", s->sub);
    sh_ok(cmd);
    free(cmd);
    s->stale[0] = tmp_of("service.pdf", 1);
    s->stale[1] = tmp_of("evaluation.csv", 2);
    char *tile = tmp_of("1234.png", 3);
    s->stale[2] = pm_asprintf("2016/tiles/service/12/%s", tile);
    free(tile);
    for (int i = 0; i < 3; i++) touch(s->dir, s->stale[i]);
    s->folder = tmp_of("partymap", 4);
    cmd = pm_asprintf("cd '%s' && mkdir -p '%s/z/3' && echo x > '%s/partymap.gpkg' && "
                      "echo j > '%s/partymap.gpkg-journal' && echo t > '%s/z/3/4.png'",
                      s->dir, s->folder, s->folder, s->folder, s->folder);
    sh_ok(cmd);
    free(cmd);
    /* the old names (a dead pid's) and lookalikes are not partymap's temporaries */
    const char *keep[] = { "input.csv.tmp-99999-1", "notes.tmp-x.txt", "a.tmp-12",
                           "b.tmp-pm-0000ABCD-00000001-000000001e5f", ".tmp-pm-0000abcd-00000001-000000001e5f",
                           "c.tmp-pm-0000abcd-00000001-000000001e5" };
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
        s->keep[i] = pm_strdup(keep[i]);
        touch(s->dir, keep[i]);
    }
    /* a symlink named like a temporary, and another user's temporary */
    touch(s->dir, "victim.txt");
    s->keep[6] = tmp_of("link.pdf", 5);
    s->keep[7] = tmp_of("theirs.pdf", 6);
    s->keep[8] = pm_strdup("victim.txt");
    cmd = pm_asprintf("cd '%s' && ln -s victim.txt '%s' && echo t > '%s' && chown 65534 '%s'",
                      s->dir, s->keep[6], s->keep[7], s->keep[7]);
    if (geteuid() == 0) sh_ok(cmd);
    else { touch(s->dir, s->keep[7]); free(s->keep[7]); s->keep[7] = pm_strdup("notes.tmp-x.txt"); }
    free(cmd);
    s->held = tmp_of("held.mbtiles", 7);
    touch(s->dir, s->held);
}

static void free_scene(scene *s)
{
    for (int i = 0; i < 3; i++) free(s->stale[i]);
    for (int i = 0; i < 9; i++) free(s->keep[i]);
    free(s->folder); free(s->held); free(s->sub);
    t_rm_tree(s->dir);
    free(s->dir);
}

static void count_found(void *ctx, const char *path, int is_folder)
{
    (void)is_folder;
    cr_assert(strstr(path, ".tmp-pm-"), "%s", path);
    (*(size_t *)ctx)++;
}

/* What a killed run left is removed; what a live run holds (here, in another process
 * or this one) is kept, and so is everything else, whatever its name or owner. */
Test(fileio, stale_temporaries_are_those_whose_lock_is_free, .timeout = PM_T(60))
{
    scene s;
    make_scene(&s);
    char *err = NULL, *held = pm_asprintf("%s/%s", s.dir, s.held);
    pm_tmpfd live;
    char *livepath = pm_asprintf("%s/live.pdf", s.dir);
    cr_assert_eq(pm_tmpfd_create(&live, livepath, &err), PM_OK, "%s", err ? err : "");
    pm_tmpdir livedir;
    cr_assert_eq(pm_tmpdir_create(&livedir, s.sub, "book", &err), PM_OK, "%s", err ? err : "");
    long holder = hold_lock(held, 0);

    size_t found = 0;
    cr_assert_eq(pm_find_stale_tmp(s.dir, count_found, &found, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(found, 4, "three files and a folder are stale, got %zu", found);
    for (int i = 0; i < 3; i++) cr_assert(exists(s.dir, s.stale[i]), "finding removes nothing");

    size_t removed = 0;
    cr_assert_eq(pm_clean_stale_tmp(s.dir, &removed, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(removed, 4, "every stale temporary removed, got %zu", removed);
    for (int i = 0; i < 3; i++) cr_assert(!exists(s.dir, s.stale[i]), "%s removed", s.stale[i]);
    cr_assert(!exists(s.dir, s.folder), "a stale private folder goes with its contents");
    cr_assert(pm_path_exists(live.tmp), "this process's live temporary is kept");
    cr_assert(pm_path_exists(livedir.dir), "this process's live folder is kept");
    cr_assert(pm_path_exists(held), "a temporary another process holds is kept");
    for (int i = 0; i < 9; i++) cr_assert(exists(s.dir, s.keep[i]), "%s is kept", s.keep[i]);
    char *victim = NULL;
    size_t len;
    char *vp = pm_asprintf("%s/victim.txt", s.dir);
    cr_assert_eq(pm_read_file(vp, 100, &victim, &len, NULL), PM_OK);
    cr_assert_str_eq(victim, "half", "a link's target is never touched");
    stop_holder(holder, held);
    removed = 0;
    cr_assert_eq(pm_clean_stale_tmp(s.dir, &removed, &err), PM_OK);
    cr_assert_eq(removed, 1, "once its holder has ended, its temporary is stale");
    cr_assert(!pm_path_exists(held));
    cr_assert_eq(pm_tmpfd_commit(&live, 0, &err), PM_OK, "a live temporary survives the cleanups");
    pm_tmpdir_remove(&livedir);
    free(victim); free(vp); free(held); free(livepath);
    free_scene(&s);
}

/* The owner's lock, not its pid, tells: a holder in another PID namespace (a
 * container sharing the folder) keeps its temporary. */
Test(fileio, an_owner_in_another_pid_namespace_keeps_its_temporary, .timeout = PM_T(60))
{
    if (geteuid() != 0) cr_skip_test("unshare -p needs root");
    if (t_run("unshare -pf --mount-proc true 2>/dev/null", NULL) != 0) cr_skip_test("no PID namespaces here");
    char *dir = t_tmpdir(), *name = tmp_of("service.mbtiles", 9);
    touch(dir, name);
    char *path = pm_asprintf("%s/%s", dir, name);
    long holder = hold_lock(path, 1);
    size_t removed = 9;
    cr_assert_eq(pm_clean_stale_tmp(dir, &removed, NULL), PM_OK);
    cr_assert_eq(removed, 0);
    cr_assert(pm_path_exists(path), "the other namespace's live temporary is kept");
    stop_holder(holder, path);
    cr_assert_eq(pm_clean_stale_tmp(dir, &removed, NULL), PM_OK);
    cr_assert_eq(removed, 1, "and removed once that run has ended");
    free(path); free(name);
    t_rm_tree(dir);
    free(dir);
}

/* Temporaries are created exclusively: symlinks planted at every name the old code
 * would have used ("NAME.tmp-PID-N") and one at the final name are never written
 * through, and the output ends up a regular file. */
Test(fileio, atomic_writes_never_follow_a_planted_symlink)
{
    char *dir = t_tmpdir();
    touch(dir, "victim.txt");
    char *victim = pm_asprintf("%s/victim.txt", dir);
    for (int n = 0; n < 64; n++) {
        char *cmd = pm_asprintf("ln -s '%s' '%s/out.txt.tmp-%ld-%d' && ln -s '%s' '%s/same.txt.tmp-%ld-%d'",
                                victim, dir, (long)getpid(), n, victim, dir, (long)getpid(), n);
        sh_ok(cmd);
        free(cmd);
    }
    char *cmd = pm_asprintf("ln -s '%s' '%s/link.txt' && ln -s '%s' '%s/same.txt'", victim, dir, victim, dir);
    sh_ok(cmd);
    free(cmd);
    char *out = pm_asprintf("%s/out.txt", dir), *link = pm_asprintf("%s/link.txt", dir);
    char *same = pm_asprintf("%s/same.txt", dir), *err = NULL;
    cr_assert_eq(pm_write_atomic(out, "new", 3, &err), PM_OK, "%s", err ? err : "");
    cr_assert_eq(pm_write_replace(link, "new", 3, &err), PM_OK, "%s", err ? err : "");
    int unchanged = 1; /* the link's target holds these bytes: still not "unchanged" */
    cr_assert_eq(pm_write_if_changed(same, "half", 4, &unchanged, &err), PM_OK);
    cr_assert_eq(unchanged, 0, "a symlink at the final name is replaced, not kept");
    const char *paths[] = { out, link, same };
    for (int i = 0; i < 3; i++) {
        struct stat sb;
        cr_assert_eq(lstat(paths[i], &sb), 0);
        cr_assert(S_ISREG(sb.st_mode), "%s is a regular file, not a link", paths[i]);
    }
    char *v = NULL;
    size_t len;
    cr_assert_eq(pm_read_file(victim, 100, &v, &len, NULL), PM_OK);
    cr_assert_str_eq(v, "half", "the links' target is untouched");
    free(v); free(out); free(link); free(same); free(victim);
    t_rm_tree(dir);
    free(dir);
}

/* A writer that needs a path writes inside a private folder: mode 0700, named as a
 * temporary, gone after commit or abort with the writer's side files. */
Test(fileio, private_folders_hold_a_writers_files)
{
    char *dir = t_tmpdir(), *path = pm_asprintf("%s/deep/book.xlsx", dir), *err = NULL;
    for (int k = 0; k < 2; k++) {
        pm_tmpfile t;
        cr_assert_eq(pm_tmpfile_begin(&t, path, &err), PM_OK, "%s", err ? err : "");
        struct stat sb;
        cr_assert_eq(lstat(t.dir, &sb), 0);
        cr_assert(S_ISDIR(sb.st_mode) && (sb.st_mode & 0777) == 0700, "a private folder");
        cr_assert(pm_tmp_is_name(pm_path_basename(t.dir)), "%s", t.dir);
        cr_assert(!strstr(pm_path_basename(t.dir), ".xlsx"), "no extension in the folder's name");
        cr_assert_str_eq(pm_path_basename(t.tmp), "book.xlsx", "the writer sees the final name");
        cr_assert_eq(pm_write_atomic(t.tmp, "zip", 3, NULL), PM_OK);
        char *side = pm_asprintf("%s-journal", t.tmp);
        cr_assert_eq(pm_write_atomic(side, "j", 1, NULL), PM_OK);
        char *folder = pm_strdup(t.dir);
        if (k == 0) {
            cr_assert_eq(pm_tmpfile_commit(&t, &err), PM_OK, "%s", err ? err : "");
            cr_assert(pm_path_exists(path));
        } else {
            pm_tmpfile_abort(&t);
        }
        cr_assert(!pm_path_exists(folder), "the folder is gone with the side file");
        free(side); free(folder);
    }
    char *cmd = pm_asprintf("ls -A '%s/deep'", dir), *ls = NULL;
    t_run(cmd, &ls);
    cr_assert_str_eq(ls, "book.xlsx\n", "only the file is left");
    free(ls); free(cmd); free(path);
    t_rm_tree(dir);
    free(dir);
}

Test(fileio, temporary_names_are_unpredictable_and_recognised)
{
    char *dir = t_tmpdir(), *path = pm_asprintf("%s/a.txt", dir), *err = NULL;
    pm_tmpfd a, b;
    cr_assert_eq(pm_tmpfd_create(&a, path, &err), PM_OK);
    cr_assert_eq(pm_tmpfd_create(&b, path, &err), PM_OK);
    cr_assert_str_neq(a.tmp, b.tmp);
    cr_assert(pm_tmp_is_name(pm_path_basename(a.tmp)), "%s", a.tmp);
    /* the random part is not a counter: the two differ in more than their last digits */
    const char *ra = strrchr(a.tmp, '-') + 1, *rb = strrchr(b.tmp, '-') + 1;
    cr_assert_eq(strlen(ra), 12);
    cr_assert_neq(strncmp(ra, rb, 8), 0, "%s vs %s", ra, rb);
    cr_assert(!pm_tmp_is_name("a.txt.tmp-123-4"), "the old names are not recognised");
    pm_tmpfd_abort(&a);
    pm_tmpfd_abort(&b);
    char *cmd = pm_asprintf("ls -A '%s' | wc -l", dir), *n = NULL;
    t_run(cmd, &n);
    cr_assert_eq(atoi(n), 0, "an aborted temporary is removed");
    free(n); free(cmd); free(path);
    t_rm_tree(dir);
    free(dir);
}

Test(fileio, missing_folder_is_not_an_error)
{
    size_t removed = 5;
    cr_assert_eq(pm_clean_stale_tmp("/nonexistent/partymap-test", &removed, NULL), PM_OK);
    cr_assert_eq(removed, 0);
}

Test(fileio, atomic_write_leaves_only_the_file)
{
    char *dir = t_tmpdir();
    char *path = pm_asprintf("%s/out.txt", dir);
    char *err = NULL;
    cr_assert_eq(pm_write_atomic(path, "hello", 5, &err), PM_OK, "%s", err ? err : "");
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(pm_read_file(path, 100, &buf, &len, &err), PM_OK);
    cr_assert_eq(len, 5);
    cr_assert_str_eq(buf, "hello");
    char *n = NULL;
    char *cmd = pm_asprintf("ls -A '%s' | wc -l", dir);
    t_run(cmd, &n);
    cr_assert_eq(atoi(n), 1, "no temporary beside the file");
    free(n); free(cmd); free(buf); free(path);
    t_rm_tree(dir);
    free(dir);
}
