/* The published site folder: outputs linked in, stale ones pruned; pinyin initials; name cores; atlas pages. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/support.h"
#include "app/project.h"
#include "core/fileio.h"
#include "print/atlas.h"
#include "site/pinyin.h"
#include "site/site.h"
#include "site/sitenames.h"
#include "site/sitepub.h"

static pm_project P;
static pm_diag D;
static char *dir;

static void setup(void)
{
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(NULL, NULL, &D, &P), PM_OK);
    dir = t_tmpdir();
    cr_assert(dir);
}

static void teardown(void)
{
    t_rm_tree(dir);
    free(dir);
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(sitepub, .init = setup, .fini = teardown, .timeout = PM_T(120));

static char *at(const char *rel)
{
    return pm_asprintf("%s/%s", dir, rel);
}

static void put(const char *rel, const char *text)
{
    char *p = at(rel), *d = pm_path_dirname(p), *err = NULL;
    cr_assert_eq(pm_mkdirs(d, &err), PM_OK);
    cr_assert_eq(pm_write_atomic(p, text, strlen(text), &err), PM_OK);
    free(d);
    free(p);
}

static ino_t inode(const char *rel)
{
    char *p = at(rel);
    struct stat sb;
    int ok = stat(p, &sb) == 0;
    free(p);
    return ok ? sb.st_ino : 0;
}

static void write_site(const int *years, size_t n, pm_site_summary *sum)
{
    pm_website w = { P.cfg, P.ds, &P.an, (const pm_style *const *)P.styles, P.nstyles, &P.res, years, n, 12, 18, NULL };
    char *err = NULL;
    pm_status st = pm_site_write(&w, dir, sum, &err);
    cr_assert_eq(st, PM_OK, "pm_site_write: %s", err ? err : "?");
}

Test(sitepub, outputs_are_linked_in_and_stale_ones_removed)
{
    put("2016/tiles/service/14/13717/6693.png", "a");
    put("2016/tiles/service/14/13717/6693@2x.png", "b");
    put("2016/tiles/service/14/13717/6694.png", "c");
    put("2016/tiles/service.mbtiles", "package");          /* packages are not published */
    put("2016/print/service.pdf", "pdf");
    put("2016/print/service.png", "png");
    put("2016/atlas.pdf", "atlas");
    put("2016/evaluation.csv", "csv");
    put("2015/tiles/service/14/13717/6693.png", "old");
    int years[] = { 2015, 2016 };
    pm_site_summary sum;
    write_site(years, 2, &sum);
    const char *same[] = { "2016/tiles/service/14/13717/6693.png", "2016/tiles/service/14/13717/6693@2x.png",
                           "2016/print/service.pdf", "2016/atlas.pdf", "2016/evaluation.csv",
                           "2015/tiles/service/14/13717/6693.png" };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        char *s = pm_asprintf("site/%s", same[i]);
        cr_assert(inode(same[i]) && inode(same[i]) == inode(s), "%s is not the same file as %s", s, same[i]);
        free(s);
    }
    cr_assert_eq(inode("site/share.png"), inode("2016/print/service.png"), "the share image is not the preview");
    cr_assert_eq(inode("site/2016/tiles/service.mbtiles"), 0, "a package was published");
    cr_assert_eq(inode("site/2016/evaluation.xlsx"), 0);
    cr_assert_geq(sum.linked, 8);
    char *html = NULL, *err = NULL, *hp = at("site/index.html");
    size_t len;
    cr_assert_eq(pm_read_file(hp, 1 << 20, &html, &len, &err), PM_OK);
    cr_assert(strstr(html, "og:image\" content=\"share.png\""));
    free(html);
    free(hp);
    char *data = NULL, *dp = at("site/data.js");
    cr_assert_eq(pm_read_file(dp, 1 << 24, &data, &len, &err), PM_OK);
    cr_assert(strstr(data, "\"2016\":{\"csv\":\"2016/evaluation.csv\",\"atlas\":\"2016/atlas.pdf\""), "downloads: %.200s",
              strstr(data, "\"downloads\""));
    free(data);
    free(dp);

    /* A tile rewritten (a new inode), a tile gone, a year no longer shown: the site follows. */
    put("2016/tiles/service/14/13717/6693.png", "a2");
    char *gone = at("2016/tiles/service/14/13717/6694.png");
    cr_assert_eq(unlink(gone), 0);
    free(gone);
    int later[] = { 2016 };
    write_site(later, 1, &sum);
    cr_assert_eq(inode("site/2016/tiles/service/14/13717/6693.png"), inode("2016/tiles/service/14/13717/6693.png"));
    cr_assert_eq(inode("site/2016/tiles/service/14/13717/6694.png"), 0, "a stale tile stays");
    cr_assert_eq(inode("site/2015/tiles/service/14/13717/6693.png"), 0, "a year no longer shown stays");
    cr_assert_eq(sum.linked, 1, "only the rewritten tile is linked again");
    cr_assert_geq(sum.removed, 2);
    /* A file of the user's own beside the site is left alone. */
    put("site/CNAME", "map.example.gov.cn");
    write_site(later, 1, &sum);
    cr_assert_neq(inode("site/CNAME"), 0);
}

Test(sitepub, copies_where_links_fail)
{
    put("src/a.png", "tile");
    char *src = at("src/a.png"), *dst = at("dst/a.png"), *d = at("dst"), *err = NULL;
    cr_assert_eq(pm_mkdirs(d, &err), PM_OK);
    pm_pubstats ps = { 0 };
    cr_assert_eq(pm_sitepub_link(src, dst, &ps, &err), PM_OK);
    cr_assert_eq(ps.linked, 1);
    cr_assert_eq(pm_sitepub_link(src, dst, &ps, &err), PM_OK);
    cr_assert_eq(ps.kept, 1, "an existing link is kept");
    free(d);
    free(dst);
    free(src);
}

Test(sitepub, pinyin_initials)
{
    char p[64], o[64];
    cr_assert_eq(pm_pinyin_initials("两湾城", p, o, sizeof p), 3);
    cr_assert_str_eq(p, "lwc");
    pm_pinyin_initials("长寿路", p, o, sizeof p);
    cr_assert_str_eq(p, "csl");
    cr_assert_eq(o[0], 'z', "长 reads chang or zhang");
    pm_pinyin_initials("曹杨新村 2-A", p, NULL, sizeof p);
    cr_assert_str_eq(p, "cyxc2a");
    cr_assert_eq(pm_pinyin_initials("玉佛城", p, o, 3), 2, "truncated to the buffer");
    cr_assert_str_eq(p, "yf");
    pm_pinyin_initials("\xff\xfe厦门", p, o, sizeof p);   /* invalid bytes are skipped */
    cr_assert_str_eq(p, "sm");
    cr_assert_eq(o[0], 'x', "厦 reads sha or xia");
}

Test(sitepub, name_cores_drop_unit_suffixes)
{
    pm_website w = { P.cfg, P.ds, &P.an, NULL, 0, &P.res, NULL, 0, 12, 18, NULL };
    const char *in[] = { "两湾城居委会", "两湾城居民区", "两湾城社区", "两湾城", "曹杨新村", "张村村委会", "居委会" };
    const char *want[] = { "两湾城", "两湾城", "两湾城", "两湾城", "曹杨新", "张", "居委会" };
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        size_t n = pm_site_name_core(&w, in[i]);
        cr_assert(n == strlen(want[i]) && strncmp(in[i], want[i], n) == 0, "%s -> %.*s", in[i], (int)n, in[i]);
    }
}

Test(sitepub, atlas_pages_follow_cover_and_contents)
{
    pm_atlas a = { P.cfg, P.ds, &P.an, NULL, &P.res, 2016, 0 };
    size_t n = P.ds->ncommittees, total = pm_atlas_page_count(&a);
    cr_assert_eq(pm_atlas_page_of(&a, n - 1), total, "the last committee is the last page");
    cr_assert_eq(pm_atlas_page_of(&a, 0), total - n + 1);
    cr_assert_eq(pm_atlas_page_of(&a, 0), 3, "the sample: cover, one contents page, then committees");
}

Test(sitepub, a_local_basemap_is_published)
{
    put("tdt/13/6860/3347.png", "basemap tile");
    put("tdt/notes.txt", "not a tile");
    char *tpl = at("tdt/{z}/{x}/{y}.png");
    P.cfg->basemap.url = tpl;
    P.cfg->basemap.local = 1;
    P.cfg->basemap.attribution = pm_strdup("天地图");
    P.cfg->basemap.subdomains = pm_strdup("abc");
    P.cfg->basemap.opacity = 0.6;
    put("2016/tiles/service/14/13717/6693.png", "a");
    int years[] = { 2016 };
    write_site(years, 1, NULL);
    cr_assert_eq(inode("site/basemap/13/6860/3347.png"), inode("tdt/13/6860/3347.png"), "the basemap tile is not published");
    cr_assert_eq(inode("site/basemap/notes.txt"), 0);
    char *data = NULL, *err = NULL, *dp = at("site/data.js");
    size_t len;
    cr_assert_eq(pm_read_file(dp, 1 << 24, &data, &len, &err), PM_OK);
    cr_assert(strstr(data, "\"basemap\":{\"url\":\"basemap/{z}/{x}/{y}.png\",\"attribution\":\"天地图\",\"opacity\":0.6"),
              "%.200s", strstr(data, "\"basemap\""));
    free(data);
    free(dp);
    /* Configured off again: the copy goes. */
    free(P.cfg->basemap.url);
    P.cfg->basemap.url = NULL;
    write_site(years, 1, NULL);
    cr_assert_eq(inode("site/basemap/13/6860/3347.png"), 0, "a basemap no longer configured stays");
}
