/* Temporaries: exclusive and locked, private folders, and the cleanup of stale ones. */
#include "core/tmpfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"

#define TAG ".tmp-pm-"
enum {
    TAG_LEN = sizeof TAG - 1,
    ID_LEN = 8 + 1 + 8 + 1 + 12, /* HHHHHHHH-BBBBBBBB-RRRRRRRRRRRR */
    TRIES = 16,                  /* names drawn before giving up */
    MAX_DEPTH = 64               /* folders below the cleanup's start */
};

/* The host's and boot's hashes and a secret key for the random part, set once per
 * process: constants, not state that any result depends on. */
static struct {
    uint32_t host, boot;
    uint64_t key;
} ident;
static pthread_once_t ident_once = PTHREAD_ONCE_INIT;
static atomic_uint_fast64_t serial;

static uint32_t fnv32(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void ident_init(void)
{
    char host[256] = "", boot[64] = "";
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (f) {
        if (!fgets(boot, sizeof boot, f)) boot[0] = '\0';
        fclose(f);
        boot[strcspn(boot, "\n")] = '\0';
    }
    ident.host = fnv32(host);
    ident.boot = fnv32(boot);
    uint64_t k;
    if (getrandom(&k, sizeof k, 0) != (ssize_t)sizeof k) /* no entropy source: still unique */
        k = mix((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&k);
    ident.key = k;
}

/* base + TAG + a fresh id: a new string, or NULL (OOM). */
static char *tmp_name(const char *base)
{
    pthread_once(&ident_once, ident_init);
    uint64_t n = atomic_fetch_add(&serial, 1);
    uint64_t r = mix(ident.key ^ mix(n ^ ((uint64_t)getpid() << 40))) & 0xffffffffffffu;
    return pm_asprintf("%s" TAG "%08x-%08x-%012llx", base, (unsigned)ident.host,
                       (unsigned)ident.boot, (unsigned long long)r);
}

static int hexval(const char *p, int n, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return -1;
        v = v << 4 | (uint32_t)d;
    }
    if (out) *out = v;
    return 0;
}

/* 1 if name ends in TAG + id after something, with the id's host and boot. */
static int parse_name(const char *name, uint32_t *host, uint32_t *boot)
{
    size_t n = strlen(name);
    if (n <= TAG_LEN + ID_LEN) return 0;
    const char *t = name + n - ID_LEN - TAG_LEN, *id = t + TAG_LEN;
    return memcmp(t, TAG, TAG_LEN) == 0 && id[8] == '-' && id[17] == '-' &&
           hexval(id, 8, host) == 0 && hexval(id + 9, 8, boot) == 0 &&
           hexval(id + 18, 8, NULL) == 0 && hexval(id + 26, 4, NULL) == 0;
}

int pm_tmp_is_name(const char *name)
{
    uint32_t h, b;
    return parse_name(name, &h, &b);
}

/* Locks fd, just created at name, and checks that name still holds it.  0: it is
 * ours (locked, or the file system has no locks); -1: another process holds its
 * lock or replaced it (a cleanup that found it before we locked it): draw again. */
static int claim(int fd, const char *name)
{
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 && (errno == EWOULDBLOCK || errno == EINTR)) return -1;
    struct stat a, b;
    if (fstat(fd, &a) != 0 || lstat(name, &b) != 0) return -1;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? 0 : -1;
}

static pm_status mkdirs_for(const char *path, char **err)
{
    char *dir = pm_path_dirname(path);
    if (!dir) return PM_ENOMEM;
    pm_status st = pm_mkdirs(dir, err);
    free(dir);
    return st;
}

pm_status pm_tmpfd_create(pm_tmpfd *t, const char *path, char **err)
{
    t->fd = -1;
    t->tmp = NULL;
    t->path = pm_strdup(path);
    if (!t->path) return PM_ENOMEM;
    int made_dirs = 0, e = EEXIST;
    for (int k = 0; k < TRIES; k++) {
        free(t->tmp);
        if (!(t->tmp = tmp_name(path))) break;
        /* folders only when missing: for thousands of tiles a folder, the common case */
        int fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno == ENOENT && !made_dirs) {
            pm_status st = mkdirs_for(path, err);
            if (st) { pm_tmpfd_abort(t); return st; }
            made_dirs = 1;
            k--;
            continue;
        }
        if (fd < 0 && errno != EEXIST) { e = errno; break; }
        if (fd >= 0 && claim(fd, t->tmp) == 0) {
            t->fd = fd;
            return PM_OK;
        }
        if (fd >= 0) close(fd);
    }
    pm_status st = t->tmp ? PM_EIO : PM_ENOMEM;
    if (st && err) *err = pm_asprintf("%s: cannot create a temporary file: %s", path,
                                      e == EEXIST ? "every name tried was taken" : strerror(e));
    pm_tmpfd_abort(t);
    return st;
}

pm_status pm_tmpfd_commit(pm_tmpfd *t, int durable, char **err)
{
    pm_status st = PM_OK;
    if (durable && fsync(t->fd) != 0) {
        if (err) *err = pm_asprintf("%s: cannot sync: %s", t->tmp, strerror(errno));
        st = PM_EIO;
    }
    /* renamed while still locked: a cleanup never sees it unlocked under its name */
    if (!st && rename(t->tmp, t->path) != 0) {
        if (err) *err = pm_asprintf("%s: cannot rename into place: %s", t->path, strerror(errno));
        st = PM_EIO;
    }
    if (st) unlink(t->tmp);
    if (close(t->fd) != 0 && !st) {
        if (err) *err = pm_asprintf("%s: cannot write: %s", t->path, strerror(errno));
        st = PM_EIO;
    }
    t->fd = -1;
    free(t->path);
    free(t->tmp);
    t->path = t->tmp = NULL;
    return st;
}

void pm_tmpfd_abort(pm_tmpfd *t)
{
    if (t->fd >= 0) {
        unlink(t->tmp);
        close(t->fd);
    }
    t->fd = -1;
    free(t->path);
    free(t->tmp);
    t->path = t->tmp = NULL;
}

/* Removes everything in the folder fd (recursively, by descriptor: a symlink inside
 * is removed, never followed). */
static void empty_folder(int fd, int depth)
{
    int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dh = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!dh) {
        if (dfd >= 0) close(dfd);
        return;
    }
    for (struct dirent *de; (de = readdir(dh)) != NULL;) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (unlinkat(fd, de->d_name, 0) == 0 || errno != EISDIR) continue;
        int sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) {
            if (depth < MAX_DEPTH) empty_folder(sub, depth + 1);
            close(sub);
        }
        unlinkat(fd, de->d_name, AT_REMOVEDIR);
    }
    closedir(dh);
}

pm_status pm_tmpdir_create(pm_tmpdir *d, const char *parent, const char *stem, char **err)
{
    d->fd = -1;
    d->dir = NULL;
    char *base = pm_path_join(parent, stem);
    if (!base) return PM_ENOMEM;
    int e = EEXIST;
    for (int k = 0; k < TRIES; k++) {
        free(d->dir);
        if (!(d->dir = tmp_name(base))) break;
        if (mkdir(d->dir, 0700) != 0) { /* never follows a link planted at the name */
            if (errno != EEXIST) { e = errno; break; }
            continue;
        }
        int fd = open(d->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && claim(fd, d->dir) == 0) {
            d->fd = fd;
            free(base);
            return PM_OK;
        }
        if (fd >= 0) close(fd);
    }
    pm_status st = d->dir ? PM_EIO : PM_ENOMEM;
    if (st && err) *err = pm_asprintf("%s: cannot create a private folder: %s", base,
                                      e == EEXIST ? "every name tried was taken" : strerror(e));
    free(base);
    free(d->dir);
    d->dir = NULL;
    return st;
}

void pm_tmpdir_remove(pm_tmpdir *d)
{
    if (d->fd >= 0) {
        empty_folder(d->fd, 0);
        rmdir(d->dir);
        close(d->fd); /* unlocks: the folder is gone by then */
    }
    d->fd = -1;
    free(d->dir);
    d->dir = NULL;
}

/* The name's stem: without its extension (the last '.' after the first character). */
static char *stem_of(const char *base)
{
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memcpy(s, base, n);
    s[n] = '\0';
    return s;
}

pm_status pm_tmpfile_begin(pm_tmpfile *t, const char *path, char **err)
{
    memset(t, 0, sizeof *t);
    t->dirfd = -1;
    char *dir = pm_path_dirname(path), *stem = stem_of(pm_path_basename(path));
    t->path = pm_strdup(path);
    pm_status st = dir && stem && t->path ? pm_mkdirs(dir, err) : PM_ENOMEM;
    pm_tmpdir d = {NULL, -1};
    if (!st) st = pm_tmpdir_create(&d, dir, stem, err);
    t->dir = d.dir;
    t->dirfd = d.fd;
    if (!st && !(t->tmp = pm_asprintf("%s/%s", d.dir, pm_path_basename(path)))) st = PM_ENOMEM;
    free(dir);
    free(stem);
    if (st) pm_tmpfile_abort(t);
    return st;
}

pm_status pm_tmpfile_sync(pm_tmpfile *t, char **err)
{
    int fd = open(t->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    pm_status st = fd >= 0 && fsync(fd) == 0 ? PM_OK : PM_EIO;
    if (st && err) *err = pm_asprintf("%s: cannot sync: %s", t->path, strerror(errno));
    if (fd >= 0) close(fd);
    return st;
}

pm_status pm_tmpfile_commit(pm_tmpfile *t, char **err)
{
    pm_status st = pm_tmpfile_sync(t, err);
    if (!st && rename(t->tmp, t->path) != 0) {
        if (err) *err = pm_asprintf("%s: cannot rename into place: %s", t->path, strerror(errno));
        st = PM_EIO;
    }
    pm_tmpfile_abort(t); /* the folder, with the writer's side files */
    return st;
}

void pm_tmpfile_abort(pm_tmpfile *t)
{
    pm_tmpdir d = {t->dir, t->dirfd};
    pm_tmpdir_remove(&d);
    free(t->path);
    free(t->tmp);
    memset(t, 0, sizeof *t);
    t->dirfd = -1;
}

int pm_tmp_anonymous(const char *dir)
{
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
#endif
    char *base = pm_path_join(dir, ".partymap-spool");
    int e = base ? EEXIST : ENOMEM;
    for (int k = 0; base && k < TRIES; k++) {
        char *name = tmp_name(base);
        int fd = name ? open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
        e = name ? errno : ENOMEM;
        if (fd >= 0) unlink(name);
        free(name);
        if (fd >= 0 || e != EEXIST) {
            free(base);
            errno = e;
            return fd;
        }
    }
    free(base);
    errno = e;
    return -1;
}

/* The cleanup's walk. */
typedef struct {
    pm_stale_fn fn;
    void *ctx;
    int remove;
    size_t count;
    uid_t uid;
} walk;

/* 1 if the temporary open as fd is stale: its lock was free (now ours), or, on a
 * file system without locks, its name says this host and an earlier boot. */
static int stale(int fd, uint32_t host, uint32_t boot)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return 1;
    if (errno == EWOULDBLOCK || errno == EINTR) return 0;
    pthread_once(&ident_once, ident_init);
    return host == ident.host && boot != ident.boot;
}

/* A temporary's name in the folder fd (path in messages): checked, then reported
 * and, when removing, removed while its lock is held. */
static void consider(walk *w, int fd, const char *path, const char *name, uint32_t host,
                     uint32_t boot)
{
    struct stat sb, now;
    /* only files and folders (no device is opened), only this user's */
    if (fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || sb.st_uid != w->uid ||
        !(S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode)))
        return;
    int tfd = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (tfd < 0) return;
    int folder = S_ISDIR(sb.st_mode), found = 0;
    /* still the same file under the name once locked (its owner may have renamed it) */
    if (fstat(tfd, &now) == 0 && now.st_ino == sb.st_ino && now.st_dev == sb.st_dev &&
        stale(tfd, host, boot) && fstatat(fd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
        now.st_ino == sb.st_ino && now.st_dev == sb.st_dev) {
        found = 1;
        if (w->remove) {
            if (folder) empty_folder(tfd, 0);
            found = unlinkat(fd, name, folder ? AT_REMOVEDIR : 0) == 0;
        }
    }
    if (found) {
        w->count++;
        char *full = w->fn ? pm_asprintf("%s/%s", path, name) : NULL;
        if (full) w->fn(w->ctx, full, folder);
        free(full);
    }
    close(tfd);
}

static pm_status walk_folder(walk *w, int fd, const char *path, int depth, char **err)
{
    int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dh = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!dh) {
        if (dfd >= 0) close(dfd);
        if (err) *err = pm_asprintf("%s: cannot scan for stale temporaries: %s", path, strerror(errno));
        return PM_EIO;
    }
    pm_status st = PM_OK;
    for (struct dirent *de; !st && (de = readdir(dh)) != NULL;) {
        const char *n = de->d_name;
        uint32_t host, boot;
        if (!strcmp(n, ".") || !strcmp(n, "..")) continue;
        if (parse_name(n, &host, &boot)) { /* a temporary: what is inside is its owner's */
            consider(w, fd, path, n, host, boot);
            continue;
        }
        if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) continue;
        int sub = openat(fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) continue; /* not a folder, or a link to one: never followed */
        char *p = depth < MAX_DEPTH ? pm_asprintf("%s/%s", path, n) : NULL;
        if (p) st = walk_folder(w, sub, p, depth + 1, err);
        else if (depth < MAX_DEPTH) st = PM_ENOMEM;
        free(p);
        close(sub);
    }
    closedir(dh);
    return st;
}

static pm_status run_walk(walk *w, const char *dir, char **err)
{
    w->uid = geteuid();
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) return PM_OK;
    if (fd < 0) {
        if (err) *err = pm_asprintf("%s: cannot scan for stale temporaries: %s", dir, strerror(errno));
        return PM_EIO;
    }
    pm_status st = walk_folder(w, fd, dir, 0, err);
    close(fd);
    return st;
}

pm_status pm_find_stale_tmp(const char *dir, pm_stale_fn fn, void *ctx, char **err)
{
    walk w = {fn, ctx, 0, 0, 0};
    return run_walk(&w, dir, err);
}

pm_status pm_clean_stale_tmp(const char *dir, size_t *removed, char **err)
{
    walk w = {NULL, NULL, 1, 0, 0};
    pm_status st = run_walk(&w, dir, err);
    if (removed) *removed = w.count;
    return st;
}
