/* The static website: the hand-written page and Leaflet, the data files, the published outputs. */
#include "site/site.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/cancel.h"
#include "core/fileio.h"
#include "site/sitedata.h"
#include "site/sitefigs.h"
#include "site/siteindex.h"
#include "site/sitenames.h"
#include "site/sitepub.h"

#ifndef PM_SOURCE_DIR
#define PM_SOURCE_DIR "."
#endif
/* Debian's libjs-leaflet: the site ships this copy, so it needs no CDN. */
#ifndef PM_LEAFLET_DIR
#define PM_LEAFLET_DIR "/usr/share/javascript/leaflet"
#endif

enum { MAX_ASSET = 16 << 20 };

static const char *const assets[] = { "style.css", "favicon.svg", "favicon.png", "apple-touch-icon.png" };
/* app.js is these parts of site/js/, in this order (each one an IIFE on window.PM). */
static const char *const js_parts[] = { "core.js", "loader.js", "mapview.js", "hit.js", "popup.js",
                                        "panel.js", "search.js", "table.js", "main.js" };
static const char hint_src[] = " (the site's files ship with partymap's source)";

static pm_status read_asset(const char *dir, const char *name, const char *hint, char **data, size_t *len,
                            char **err)
{
    char *src = pm_path_join(dir, name), *msg = NULL;
    pm_status st = src ? pm_read_file(src, MAX_ASSET, data, len, &msg) : PM_ENOMEM;
    if (st && st != PM_ENOMEM) *err = pm_asprintf("site: %s%s", msg ? msg : src, hint);
    free(msg);
    free(src);
    return st;
}

static pm_status write_file(const char *dst_dir, const char *name, const char *data, size_t len, char **err)
{
    if (pm_cancelled()) return PM_ECANCEL; /* a signal: stop at this file boundary */
    char *dst = pm_path_join(dst_dir, name);
    pm_status st = dst ? pm_write_if_changed(dst, data, len, NULL, err) : PM_ENOMEM;
    free(dst);
    return st;
}

static pm_status copy_file(const char *dir, const char *name, const char *dst_dir, const char *as,
                           const char *hint, char **err)
{
    char *data = NULL;
    size_t len = 0;
    pm_status st = read_asset(dir, name, hint, &data, &len, err);
    if (!st) st = write_file(dst_dir, as, data, len, err);
    free(data);
    return st;
}

/* Leaflet's script (minified when Debian ships it; without its source-map line,
 * since the map is not published), stylesheet and the images it refers to. */
static pm_status copy_leaflet(const char *site_dir, char **err)
{
    static const char hint[] = " (Leaflet comes from Debian's libjs-leaflet: run make deps)";
    char *lib = pm_asprintf("%s/lib/leaflet", site_dir), *img = pm_asprintf("%s/lib/leaflet/images", site_dir);
    char *js = NULL;
    size_t len = 0;
    DIR *d = NULL;
    pm_status st = lib && img ? pm_mkdirs(img, err) : PM_ENOMEM;
    const char *script = pm_path_exists(PM_LEAFLET_DIR "/leaflet.min.js") ? "leaflet.min.js" : "leaflet.js";
    if (!st) st = read_asset(PM_LEAFLET_DIR, script, hint, &js, &len, err);
    char *map = st ? NULL : strstr(js, "\n//# sourceMappingURL=");
    if (map) len = (size_t)(map - js) + 1;
    if (!st) st = write_file(lib, "leaflet.js", js, len, err);
    if (!st) st = copy_file(PM_LEAFLET_DIR, "leaflet.css", lib, "leaflet.css", hint, err);
    if (!st && !(d = opendir(PM_LEAFLET_DIR "/images"))) {
        *err = pm_asprintf("site: %s/images: cannot open%s", PM_LEAFLET_DIR, hint);
        st = PM_EIO;
    }
    for (struct dirent *e; !st && (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".png") == 0)
            st = copy_file(PM_LEAFLET_DIR "/images", e->d_name, img, e->d_name, hint, err);
    }
    if (d) closedir(d);
    free(js);
    free(img);
    free(lib);
    return st;
}

/* s with &, <, > and " as entities; new string or NULL. */
static char *html_escape(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++) n += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' ? 6 : 1;
    char *out = malloc(n + 1), *o = out;
    for (const char *p = s; out && *p; p++) {
        const char *e = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '"' ? "&quot;" : NULL;
        if (e) { strcpy(o, e); o += strlen(e); }
        else *o++ = *p;
    }
    if (out) *o = '\0';
    return out;
}

/* index.html with its <!--PM:HEAD--> marker replaced by the title, the share tags and
 * the first view's script. */
static pm_status write_index_html(const pm_website *w, const char *site_dir, int share, const char *first,
                                  char **err)
{
    char *tpl = NULL, *name = html_escape(w->cfg->name ? w->cfg->name : ""), *head = NULL, *page = NULL;
    size_t len = 0;
    pm_status st = name ? read_asset(PM_SOURCE_DIR "/site", "index.html", hint_src, &tpl, &len, err) : PM_ENOMEM;
    char *mark = st ? NULL : strstr(tpl, "<!--PM:HEAD-->");
    if (!st && !mark) {
        *err = pm_asprintf("site: %s/site/index.html: no <!--PM:HEAD--> marker", PM_SOURCE_DIR);
        st = PM_EIO;
    }
    if (!st) {
        head = pm_asprintf("<title>%s · 党建资源地图</title>\n"
                           "  <meta name=\"description\" content=\"%s各%s服务群众能效等测评结果专题地图\">\n"
                           "  <meta property=\"og:type\" content=\"website\">\n"
                           "  <meta property=\"og:title\" content=\"%s · 党建资源地图\">\n"
                           "%s\n  <script>%s</script>", name, name, w->cfg->term_unit, name,
                           share ? "  <meta property=\"og:image\" content=\"share.png\">" : "", first);
        *mark = '\0';
        page = head ? pm_asprintf("%s%s%s", tpl, head, mark + strlen("<!--PM:HEAD-->")) : NULL;
        st = page ? write_file(site_dir, "index.html", page, strlen(page), err) : PM_ENOMEM;
    }
    free(page);
    free(head);
    free(tpl);
    free(name);
    return st;
}

/* app.js: the parts of site/js/ one after the other. */
static pm_status write_app_js(const char *site_dir, char **err)
{
    char *all = NULL;
    size_t n = 0;
    pm_status st = PM_OK;
    for (size_t i = 0; !st && i < sizeof js_parts / sizeof *js_parts; i++) {
        char *part = NULL, *grown;
        size_t len = 0;
        st = read_asset(PM_SOURCE_DIR "/site/js", js_parts[i], hint_src, &part, &len, err);
        if (!st && !(grown = realloc(all, n + len + 2))) st = PM_ENOMEM;
        if (!st) {
            all = grown;
            memcpy(all + n, part, len);
            n += len;
            if (n && all[n - 1] != '\n') all[n++] = '\n';
        }
        free(part);
    }
    if (!st) st = write_file(site_dir, "app.js", all, n, err);
    free(all);
    return st;
}

/* ---- published outputs -------------------------------------------------- */

typedef struct {
    const pm_website *w;
    const char *out_dir, *site_dir;
    pm_pubstats ps;
} pubctx;

/* site/rel is out/rel when that exists; removed otherwise. */
static pm_status publish_one(pubctx *p, const char *rel, pm_pathset *keep, char **err)
{
    char *src = pm_path_join(p->out_dir, rel), *dst = pm_path_join(p->site_dir, rel);
    char *dir = dst ? pm_path_dirname(dst) : NULL;
    pm_status st = src && dst && dir ? PM_OK : PM_ENOMEM;
    if (!st && pm_path_exists(src)) {
        st = pm_mkdirs(dir, err);
        if (!st) st = pm_sitepub_link(src, dst, &p->ps, err);
        if (!st && keep) st = pm_pathset_add(keep, pm_path_basename(rel));
    } else if (!st && pm_path_exists(dst) && remove(dst) == 0) {
        p->ps.removed++;
    }
    free(dir);
    free(dst);
    free(src);
    return st;
}

/* Removes the folders under dir that are not named in keep (stale maps or years). */
static pm_status prune_dirs(const char *dir, pm_pathset *keep, int digits_only, char **err)
{
    DIR *d = opendir(dir);
    pm_status st = PM_OK;
    for (struct dirent *e; d && !st && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.' || pm_pathset_has(keep, e->d_name)) continue;
        if (digits_only && strspn(e->d_name, "0123456789") != strlen(e->d_name)) continue;
        char *path = pm_path_join(dir, e->d_name);
        DIR *sub = path ? opendir(path) : NULL;
        if (sub) { closedir(sub); st = pm_sitepub_rmtree(path, err); }
        free(path);
    }
    if (d) closedir(d);
    return st;
}

static pm_status publish_year(pubctx *p, int year, char **err)
{
    static const char *const png[] = { ".png", NULL };
    pm_pathset maps = { 0 }, prints = { 0 };
    char rel[256];
    pm_status st = PM_OK;
    for (size_t m = 0; !st && m < p->w->nstyles; m++) {
        const char *id = p->w->styles[m]->id;
        snprintf(rel, sizeof rel, "%d/tiles/%s", year, id);
        char *src = pm_path_join(p->out_dir, rel), *dst = pm_path_join(p->site_dir, rel);
        st = src && dst ? pm_sitepub_mirror(src, dst, png, &p->ps, err) : PM_ENOMEM;
        if (!st) st = pm_pathset_add(&maps, id);
        free(dst);
        free(src);
        for (int k = 0; !st && k < 2; k++) {
            snprintf(rel, sizeof rel, "%d/print/%s.%s", year, id, k ? "png" : "pdf");
            st = publish_one(p, rel, &prints, err);
        }
    }
    snprintf(rel, sizeof rel, "%s/%d/tiles", p->site_dir, year);
    if (!st) st = prune_dirs(rel, &maps, 0, err);
    snprintf(rel, sizeof rel, "%s/%d/print", p->site_dir, year);
    size_t removed = 0;
    if (!st) st = pm_sitepub_prune(rel, &prints, &removed, err);
    p->ps.removed += removed;
    const char *files[] = { "atlas.pdf", "evaluation.csv", "evaluation.xlsx" };
    for (size_t i = 0; !st && i < 3; i++) {
        snprintf(rel, sizeof rel, "%d/%s", year, files[i]);
        st = publish_one(p, rel, NULL, err);
    }
    pm_pathset_fini(&prints);
    pm_pathset_fini(&maps);
    return st;
}

static pm_status publish(pubctx *p, char **err)
{
    pm_pathset years = { 0 };
    pm_status st = PM_OK;
    for (size_t y = 0; !st && y < p->w->nyears; y++) {
        char key[16];
        snprintf(key, sizeof key, "%d", p->w->years[y]);
        st = publish_year(p, p->w->years[y], err);
        if (!st) st = pm_pathset_add(&years, key);
    }
    if (!st) st = prune_dirs(p->site_dir, &years, 1, err);
    pm_pathset_fini(&years);
    return st;
}

/* share.png: the latest year's preview of the first map; 1 if there is one. */
static pm_status publish_share(pubctx *p, int *share, char **err)
{
    char rel[256];
    *share = 0;
    if (!p->w->nyears || !p->w->nstyles) return PM_OK;
    snprintf(rel, sizeof rel, "%d/print/%s.png", p->w->years[p->w->nyears - 1], p->w->styles[0]->id);
    char *src = pm_path_join(p->out_dir, rel), *dst = pm_path_join(p->site_dir, "share.png");
    pm_status st = src && dst ? PM_OK : PM_ENOMEM;
    if (!st && pm_path_exists(src)) {
        st = pm_sitepub_link(src, dst, &p->ps, err);
        *share = !st;
    } else if (!st && pm_path_exists(dst) && remove(dst) == 0) {
        p->ps.removed++;
    }
    free(dst);
    free(src);
    return st;
}

/* A local basemap folder is published as basemap/; *url is the page's template. */
static pm_status publish_basemap(pubctx *p, char **url, char **err)
{
    static const char *const exts[] = { ".png", ".jpg", ".jpeg", ".webp", NULL };
    const pm_basemap *b = &p->w->cfg->basemap;
    char *dst = pm_path_join(p->site_dir, "basemap");
    pm_status st = dst ? PM_OK : PM_ENOMEM;
    *url = NULL;
    if (!st && b->url && !b->local) {
        if (!(*url = pm_strdup(b->url))) st = PM_ENOMEM;
    } else if (!st && b->url) {
        const char *brace = strchr(b->url, '{'), *slash = brace;
        while (slash > b->url && slash[-1] != '/') slash--;
        char *folder = slash > b->url ? pm_asprintf("%.*s", (int)(slash - b->url - 1), b->url) : NULL;
        if (!folder || !(*url = pm_asprintf("basemap/%s", slash))) st = PM_ENOMEM;
        if (!st && !pm_path_exists(folder)) {
            *err = pm_asprintf("site.basemap.url: %s: no such folder", folder);
            st = PM_EIO;
        }
        if (!st) st = pm_sitepub_mirror(folder, dst, exts, &p->ps, err);
        free(folder);
    }
    if (!st && !b->url && pm_path_exists(dst)) st = pm_sitepub_rmtree(dst, err);
    free(dst);
    return st;
}

/* Removes the files under site/sub (index/, points/, table/) that this run did not write. */
static pm_status prune_written(const char *site_dir, const char *sub, pm_pathset *written, size_t *removed,
                               char **err)
{
    pm_pathset keep = { 0 };
    size_t k = strlen(sub), n = 0;
    pm_status st = PM_OK;
    for (size_t i = 0; !st && i < written->n; i++)
        if (strncmp(written->v[i], sub, k) == 0 && written->v[i][k] == '/')
            st = pm_pathset_add(&keep, written->v[i] + k + 1);
    char *dir = pm_path_join(site_dir, sub);
    if (!st) st = dir ? pm_sitepub_prune(dir, &keep, &n, err) : PM_ENOMEM;
    *removed += n;
    free(dir);
    pm_pathset_fini(&keep);
    return st;
}

static int any_points(const pm_website *w)
{
    for (size_t i = 0; i < w->nstyles; i++)
        if (w->styles[i]->show_points) return 1;
    return 0;
}

/* The data files: index/, points/, names.js, table/ and data.js. */
static pm_status write_data(const pm_website *w, const pm_sitefigs *figs, pubctx *p, int share,
                            const char *basemap_url, pm_site_summary *sum, char **first, char **err)
{
    pm_pathset written = { 0 };
    pm_siteindex idx;
    json_t *fields = pm_sitedata_fields(w);
    char *js = NULL;
    size_t len = 0;
    int points = any_points(w);
    pm_status st = fields ? pm_siteindex_write(w, figs, fields, p->site_dir, points, &written, &idx, err) : PM_ENOMEM;
    if (st) goto done;
    sum->index_zoom = idx.zoom;
    sum->index_files = written.n;
    st = pm_sitenames_write(w, figs, p->site_dir, &written, err);
    const char *subs[] = { "index", "points", "table" };
    for (size_t i = 0; !st && i < 3; i++) st = prune_written(p->site_dir, subs[i], &written, &p->ps.removed, err);
    pm_sitedata_parts parts = { figs, &idx, fields, points, share ? "share.png" : NULL, basemap_url };
    if (!st) st = pm_sitedata_build(w, &parts, p->out_dir, &js, &len, first, err);
    if (!st) st = write_file(p->site_dir, "data.js", js, len, err);
    free(js);
    pm_siteindex_fini(&idx);
done:
    json_decref(fields);
    pm_pathset_fini(&written);
    return st;
}

pm_status pm_site_write(const pm_website *site, const char *out_dir, pm_site_summary *summary, char **err)
{
    *err = NULL;
    pm_site_summary sum = { 0 };
    char *dir = pm_path_join(out_dir, "site"), *basemap_url = NULL, *first = NULL;
    pm_sitefigs figs = { 0 };
    pubctx p = { site, out_dir, dir, { 0 } };
    int share = 0;
    pm_status st = dir ? PM_OK : PM_ENOMEM;
    /* Data errors first: they leave the previous site untouched. */
    for (size_t y = 0; !st && y < site->nyears; y++)
        if (pm_indtab_year(&site->an->tab, site->years[y]) < 0) {
            *err = pm_asprintf("site: year %d has no evaluation data", site->years[y]);
            st = PM_EDATA;
        }
    if (!st) st = pm_sitefigs_build(site, &figs, err);
    if (!st) st = pm_mkdirs(dir, err);
    if (!st) st = publish(&p, err);
    if (!st) st = publish_share(&p, &share, err);
    if (!st) st = publish_basemap(&p, &basemap_url, err);
    if (!st) st = write_data(site, &figs, &p, share, basemap_url, &sum, &first, err);
    if (!st) st = write_index_html(site, dir, share, first, err);
    if (!st) st = write_app_js(dir, err);
    for (size_t i = 0; !st && i < sizeof assets / sizeof assets[0]; i++)
        st = copy_file(PM_SOURCE_DIR "/site", assets[i], dir, assets[i], hint_src, err);
    if (!st) st = copy_leaflet(dir, err);
    if (st == PM_ENOMEM && !*err) *err = pm_strdup("site: out of memory");
    sum.linked = p.ps.linked;
    sum.copied = p.ps.copied;
    sum.kept = p.ps.kept;
    sum.removed = p.ps.removed;
    if (summary) *summary = sum;
    pm_sitefigs_fini(&figs);
    free(first);
    free(basemap_url);
    free(dir);
    return st;
}

static const char *const files[] = { "index.html", "app.js", "style.css", "data.js", "names.js",
                                     "favicon.svg", "favicon.png", "apple-touch-icon.png",
                                     "lib/leaflet/leaflet.js", "lib/leaflet/leaflet.css",
                                     "lib/leaflet/images/*.png", "index/{z}/{x}/{y}.js",
                                     "points/{z}/{x}/{y}.js", NULL };

const char *const *pm_site_files(void)
{
    return files;
}
