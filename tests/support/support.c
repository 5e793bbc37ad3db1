/* Test support implementation. */
#include "support.h"
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fileio.h"

char *t_tmpdir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *d = pm_asprintf("%s/partymap-test-XXXXXX", base);
    if (d && !mkdtemp(d)) { free(d); return NULL; }
    return d;
}

void t_rm_tree(const char *dir)
{
    if (!dir || strlen(dir) < 8) return;
    char *cmd = pm_asprintf("rm -rf '%s'", dir);
    if (cmd && system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    free(cmd);
}

int t_copy(const char *src, const char *dst)
{
    char *data = NULL, *err = NULL;
    size_t len = 0;
    if (pm_read_file(src, 1u << 30, &data, &len, &err) != PM_OK) { free(err); return -1; }
    int r = pm_write_atomic(dst, data, len, &err) == PM_OK ? 0 : -1;
    free(err);
    free(data);
    return r;
}

int t_copy_sample(const char *dir)
{
    char *cmd = pm_asprintf("cp -r '%s/geodata' '%s/styles' '%s/partymap.json' '%s/'",
                            PM_SOURCE_DIR, PM_SOURCE_DIR, PM_SOURCE_DIR, dir);
    int r = cmd ? system(cmd) : -1;
    free(cmd);
    return r;
}

int t_append(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    if (!f) return -1;
    int r = fputs(text, f) < 0;
    return fclose(f) != 0 || r ? -1 : 0;
}

int t_diag_has(const pm_diag *d, ...)
{
    for (size_t i = 0; i < d->count; i++) {
        char *s = pm_problem_format(&d->items[i]);
        int all = s != NULL;
        va_list ap;
        va_start(ap, d);
        for (const char *sub; all && (sub = va_arg(ap, const char *)) != NULL;)
            all = strstr(s, sub) != NULL;
        va_end(ap);
        free(s);
        if (all) return 1;
    }
    return 0;
}

char *t_diag_text(const pm_diag *d)
{
    size_t cap = 1, len = 0;
    for (size_t i = 0; i < d->count; i++) cap += strlen(d->items[i].message) + 256;
    char *r = calloc(cap + 1, 1);
    for (size_t i = 0; r && i < d->count; i++) {
        char *s = pm_problem_format(&d->items[i]);
        if (s) len += (size_t)snprintf(r + len, cap - len, "%s\n", s);
        free(s);
    }
    return r;
}

const char *t_realdata(void)
{
    static const char *const p = PM_SOURCE_DIR "/../shared/realdata";
    struct stat sb;
    return stat(p, &sb) == 0 ? p : NULL;
}

int t_run(const char *cmd, char **out)
{
    FILE *f = popen(cmd, "r");
    if (!f) return -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (len + 1 >= cap) {
            char *n = realloc(buf, cap *= 2);
            if (!n) { free(buf); buf = NULL; }
            buf = n;
        }
    }
    if (buf) buf[len] = '\0';
    int st = pclose(f);
    if (out) *out = buf;
    else free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *t_bin(void)
{
    const char *b = getenv("PM_BIN");
    return b && *b ? b : PM_SOURCE_DIR "/build/partymap";
}

void t_need_binary(void)
{
    struct stat sb;
    if (stat(t_bin(), &sb) != 0) cr_skip_test("build/partymap not built (make builds it before the tests)");
}

int t_pm(const char *args, char **out)
{
    char *cmd = pm_asprintf("'%s' %s", t_bin(), args);
    if (!cmd) return -1;
    int rc = t_run(cmd, out);
    free(cmd);
    return rc;
}

typedef struct {
    const unsigned char *p;
    size_t len, at;
} png_reader;

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int n)
{
    png_reader *r = closure;
    if (r->at + n > r->len) return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p + r->at, n);
    r->at += n;
    return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *t_png_decode(const unsigned char *png, size_t len)
{
    png_reader r = { png, len, 0 };
    return cairo_image_surface_create_from_png_stream(png_read, &r);
}
