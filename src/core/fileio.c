/* Atomic writes (temporary + fsync + rename) and path helpers. */
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

pm_status pm_mkdirs(const char *dir, char **err)
{
    char *p = pm_strdup(dir);
    if (!p) return PM_ENOMEM;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                if (err) *err = pm_asprintf("%s: cannot create directory: %s", p, strerror(errno));
                free(p);
                return PM_EIO;
            }
            *s = c;
            if (!c) break;
        }
    }
    free(p);
    return PM_OK;
}

static pm_status write_file(const char *path, const void *data, size_t len, int durable,
                            char **err)
{
    pm_tmpfd t;
    pm_status st = pm_tmpfd_create(&t, path, err);
    if (st) return st;
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(t.fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            if (err) *err = pm_asprintf("%s: cannot write: %s", path, strerror(errno));
            pm_tmpfd_abort(&t);
            return PM_EIO;
        }
        p += w;
        len -= (size_t)w;
    }
    return pm_tmpfd_commit(&t, durable, err);
}

pm_status pm_write_atomic(const char *path, const void *data, size_t len, char **err)
{
    return write_file(path, data, len, 1, err);
}

pm_status pm_write_if_changed(const char *path, const void *data, size_t len, int *unchanged,
                              char **err)
{
    if (unchanged) *unchanged = 0;
    if (pm_file_equals(path, data, len)) {
        if (unchanged) *unchanged = 1;
        return PM_OK;
    }
    return pm_write_atomic(path, data, len, err);
}

pm_status pm_write_replace(const char *path, const void *data, size_t len, char **err)
{
    return write_file(path, data, len, 0, err);
}

pm_status pm_sync_dir(const char *dir, char **err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || syncfs(fd) != 0) {
        if (err) *err = pm_asprintf("%s: cannot sync: %s", dir, strerror(errno));
        if (fd >= 0) close(fd);
        return PM_EIO;
    }
    close(fd);
    return PM_OK;
}

pm_status pm_read_file(const char *path, size_t max_len, char **out, size_t *out_len,
                       char **err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err) *err = pm_asprintf("%s: cannot open: %s", path, strerror(errno));
        return errno == ENOENT ? PM_EDATA : PM_EIO;
    }
    pm_status st = PM_OK;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) { fclose(f); return PM_ENOMEM; }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max_len) {
                if (err) *err = pm_asprintf("%s: file too large (over %zu bytes)", path, max_len);
                st = PM_EDATA;
                break;
            }
            char *n = realloc(buf, cap * 2);
            if (!n) { st = PM_ENOMEM; break; }
            buf = n;
            cap *= 2;
        }
        size_t r = fread(buf + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0) {
            if (ferror(f)) {
                if (err) *err = pm_asprintf("%s: read error", path);
                st = PM_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (!st && len > max_len) {
        if (err) *err = pm_asprintf("%s: file too large (over %zu bytes)", path, max_len);
        st = PM_EDATA;
    }
    if (st) { free(buf); return st; }
    buf[len] = '\0';
    *out = buf;
    if (out_len) *out_len = len;
    return PM_OK;
}

char *pm_path_join(const char *dir, const char *rel)
{
    if (!rel) return NULL;
    if (rel[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0) return pm_strdup(rel);
    return pm_asprintf("%s/%s", dir, rel);
}

char *pm_path_dirname(const char *path)
{
    const char *s = strrchr(path, '/');
    if (!s) return pm_strdup(".");
    if (s == path) return pm_strdup("/");
    size_t n = (size_t)(s - path);
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, path, n);
    r[n] = '\0';
    return r;
}

const char *pm_path_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int pm_path_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

int pm_file_equals(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    int same = pm_fd_equals(fd, data, len);
    close(fd);
    return same;
}

int pm_fd_equals(int fd, const void *data, size_t len)
{
    struct stat sb;
    int same = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == len;
    unsigned char buf[16384];
    const unsigned char *want = data;
    for (size_t off = 0; same && off < len;) {
        size_t n = len - off < sizeof buf ? len - off : sizeof buf;
        ssize_t r = read(fd, buf, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0 || memcmp(buf, want + off, (size_t)r) != 0) same = 0;
        else off += (size_t)r;
    }
    return same;
}

int pm_files_equal(const char *a, const char *b)
{
    int fa = open(a, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int fb = fa >= 0 ? open(b, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
    struct stat sa, sb;
    int same = fb >= 0 && fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0 && S_ISREG(sa.st_mode)
               && S_ISREG(sb.st_mode) && sa.st_size == sb.st_size;
    unsigned char ba[16384], bb[sizeof ba];
    for (off_t off = 0; same && off < sa.st_size;) {
        ssize_t n = pread(fa, ba, sizeof ba, off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || pread(fb, bb, (size_t)n, off) != n || memcmp(ba, bb, (size_t)n) != 0) same = 0;
        else off += n;
    }
    if (fa >= 0) close(fa);
    if (fb >= 0) close(fb);
    return same;
}
