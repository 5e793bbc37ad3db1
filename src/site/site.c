/* The static website: copies the hand-written page and Leaflet, writes data.js. */
#include "site/site.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "site/sitedata.h"

#ifndef PM_SOURCE_DIR
#define PM_SOURCE_DIR "."
#endif
/* Debian's libjs-leaflet: the site ships this copy, so it needs no CDN. */
#ifndef PM_LEAFLET_DIR
#define PM_LEAFLET_DIR "/usr/share/javascript/leaflet"
#endif

enum { MAX_ASSET = 16 << 20 };

static const char *const assets[] = { "index.html", "app.js", "style.css" };

static const char *const files[] = { "index.html", "app.js", "style.css", "data.js",
                                     "lib/leaflet/leaflet.js", "lib/leaflet/leaflet.css",
                                     "lib/leaflet/images/*.png", NULL };

const char *const *pm_site_files(void)
{
    return files;
}

/* Writes atomically unless the file already holds exactly these bytes: a rerun
 * keeps the site's files and their times as they were. */
static pm_status write_if_changed(const char *path, const char *data, size_t len, char **err)
{
    char *old = NULL;
    size_t old_len = 0;
    char *ignore = NULL;
    if (pm_read_file(path, len + 1, &old, &old_len, &ignore) == PM_OK && old_len == len &&
        memcmp(old, data, len) == 0) {
        free(old);
        return PM_OK;
    }
    free(old);
    free(ignore);
    return pm_write_atomic(path, data, len, err);
}

/* Copies dir/name to dst_dir/name; hint is appended to a read error. */
static pm_status copy_file(const char *dir, const char *name, const char *dst_dir,
                           const char *hint, char **err)
{
    char *src = pm_path_join(dir, name), *dst = pm_path_join(dst_dir, name), *data = NULL, *msg = NULL;
    size_t len = 0;
    pm_status st = src && dst ? PM_OK : PM_ENOMEM;
    if (!st && (st = pm_read_file(src, MAX_ASSET, &data, &len, &msg)) != PM_OK) {
        *err = pm_asprintf("site: %s%s", msg ? msg : src, hint);
        goto done;
    }
    if (!st) st = write_if_changed(dst, data, len, err);
done:
    free(msg);
    free(data);
    free(dst);
    free(src);
    return st;
}

/* Leaflet's script, stylesheet and every image the stylesheet refers to. */
static pm_status copy_leaflet(const char *site_dir, char **err)
{
    static const char hint[] = " (Leaflet comes from Debian's libjs-leaflet: run make deps)";
    char *lib = pm_asprintf("%s/lib/leaflet", site_dir), *img = pm_asprintf("%s/lib/leaflet/images", site_dir);
    DIR *d = NULL;
    pm_status st = lib && img ? pm_mkdirs(img, err) : PM_ENOMEM;
    if (!st) st = copy_file(PM_LEAFLET_DIR, "leaflet.js", lib, hint, err);
    if (!st) st = copy_file(PM_LEAFLET_DIR, "leaflet.css", lib, hint, err);
    if (!st && !(d = opendir(PM_LEAFLET_DIR "/images"))) {
        *err = pm_asprintf("site: %s/images: cannot open%s", PM_LEAFLET_DIR, hint);
        st = PM_EIO;
    }
    for (struct dirent *e; !st && (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".png") == 0)
            st = copy_file(PM_LEAFLET_DIR "/images", e->d_name, img, hint, err);
    }
    if (d) closedir(d);
    free(img);
    free(lib);
    return st;
}

pm_status pm_site_write(const pm_website *site, const char *out_dir, char **err)
{
    *err = NULL;
    char *dir = pm_path_join(out_dir, "site"), *data_js = NULL, *js = NULL;
    size_t len = 0;
    pm_status st = dir ? pm_mkdirs(dir, err) : PM_ENOMEM;
    /* data.js first: a data error leaves the previous site untouched. */
    if (!st) st = pm_sitedata_build(site, out_dir, &js, &len, err);
    for (size_t i = 0; !st && i < sizeof assets / sizeof assets[0]; i++)
        st = copy_file(PM_SOURCE_DIR "/site", assets[i], dir, " (the site's files ship with partymap's source)", err);
    if (!st) st = copy_leaflet(dir, err);
    if (!st && !(data_js = pm_path_join(dir, "data.js"))) st = PM_ENOMEM;
    if (!st) st = write_if_changed(data_js, js, len, err);
    if (st == PM_ENOMEM && !*err) *err = pm_strdup("site: out of memory");
    free(data_js);
    free(js);
    free(dir);
    return st;
}
