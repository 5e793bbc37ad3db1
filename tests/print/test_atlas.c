/* The diagnosis atlas: pages, searchable names, 玉佛城's figures, size, determinism, sentences. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../support/support.h"
#include "app/project.h"
#include "core/fileio.h"
#include "print/atlas.h"
#include "analysis/diagnosis.h"
#include "render/draw.h"

static pm_project P;
static pm_diag D;
static pm_scene S;
static pm_text *T;

static void setup(void)
{
    pm_diag_init(&D);
    cr_assert_eq(pm_project_open(NULL, NULL, &D, &P), PM_OK);
    char *err = NULL;
    cr_assert_eq(pm_scene_build(P.ds, P.cfg->print_crs, &S, &err), PM_OK);
    cr_assert_eq(pm_text_new(P.cfg->font, &T, &err), PM_OK);
}

static void teardown(void)
{
    pm_text_free(T);
    pm_scene_fini(&S);
    pm_project_fini(&P);
    pm_diag_fini(&D);
}

TestSuite(atlas, .init = setup, .fini = teardown, .timeout = PM_T(120));

static pm_atlas atlas_of(int year)
{
    return (pm_atlas){ P.cfg, P.ds, &P.an, &S, &P.res, year, 0 };
}

static long committee(const char *name)
{
    for (size_t c = 0; c < P.ds->ncommittees; c++)
        if (strcmp(P.ds->committees[c].name, name) == 0) return (long)c;
    return -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    char *data = NULL, *err = NULL;
    cr_assert_eq(pm_read_file(path, 1u << 28, &data, len, &err), PM_OK, "%s", err ? err : "");
    return data;
}

/* The text of page k (1-based) of pdftotext's output (pages end with a form feed). */
static char *page_text(const char *all, int k)
{
    const char *p = all;
    for (int i = 1; i < k && p; i++) if ((p = strchr(p, '\f'))) p++;
    cr_assert(p, "page %d in the text", k);
    const char *e = strchr(p, '\f');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *s = malloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

Test(atlas, sample_2016_pages_names_ranks_size_and_bytes)
{
    char *dir = t_tmpdir();
    char *a = pm_asprintf("%s/a/atlas.pdf", dir), *b = pm_asprintf("%s/b/atlas.pdf", dir), *err = NULL;
    pm_atlas at = atlas_of(2016);
    cr_assert_eq(pm_atlas_page_count(&at), 37);
    double t0 = now();
    int same = -1;
    cr_assert_eq(pm_atlas_write(&at, T, a, &same, &err), PM_OK, "%s", err ? err : "");
    double secs = now() - t0;
    cr_assert_eq(same, 0, "a new file is written");
    /* timings are measured, never asserted: the machine is shared */
    fprintf(stderr, "atlas: 2016 rendered in %.2f s\n", secs);
    cr_assert_eq(pm_atlas_write(&at, T, b, NULL, &err), PM_OK);
    size_t la, lb;
    char *da = slurp(a, &la), *db = slurp(b, &lb);
    cr_assert(la == lb && memcmp(da, db, la) == 0, "two renders give identical bytes");
    cr_assert_lt(la, 10u * 1024 * 1024, "under 10 MB (%zu bytes)", la);
    free(da); free(db);

    char *cmd = pm_asprintf("pdfinfo '%s'", a), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0);
    char *pages = strstr(out, "Pages:");
    cr_assert(pages && atoi(pages + 6) == 2 + 35, "cover, contents and 35 committee pages:\n%s", out);
    cr_assert(strstr(out, "595.276 x 841.89 pts (A4)"), "A4 portrait:\n%s", out);
    if (!getenv("SOURCE_DATE_EPOCH"))
        cr_assert(strstr(out, "Dec 31 00:00:00 2016"), "the creation date is the year's end, not now:\n%s", out);
    free(cmd); free(out);

    cmd = pm_asprintf("pdffonts '%s'", a);
    cr_assert_eq(t_run(cmd, &out), 0);
    cr_assert(strstr(out, "NotoSansCJKsc"), "%s", out);
    cr_assert_null(strstr(out, "Type 3"), "%s", out);
    free(cmd); free(out);

    cmd = pm_asprintf("pdftotext '%s' -", a);
    cr_assert_eq(t_run(cmd, &out), 0);
    for (size_t c = 0; c < P.ds->ncommittees; c++) {
        cr_assert(strstr(out, P.ds->committees[c].name), "%s findable", P.ds->committees[c].name);
        char *pg = page_text(out, 3 + (int)c); /* committee pages follow cover and contents */
        cr_assert(strstr(pg, P.ds->committees[c].name), "page %zu is %s's", c + 3, P.ds->committees[c].name);
        free(pg);
    }
    long yf = committee("玉佛城");
    cr_assert_geq(yf, 0);
    char *pg = page_text(out, 3 + (int)yf);
    cr_assert(strstr(pg, "第20名 → 第7名，上升13位"), "玉佛城: 20 → 7:\n%s", pg);
    cr_assert(strstr(pg, "全街道第7名（共35个居民区）"), "%s", pg);
    cr_assert(strstr(pg, "91.7"), "its 2016 service score");
    free(pg);
    pg = page_text(out, 1);
    cr_assert(strstr(pg, "2016年度居民区诊断图集"), "%s", pg);
    cr_assert(strstr(pg, "较2015年+10个"), "excellent/good from 18 to 28:\n%s", pg);
    cr_assert(strstr(pg, "28") && strstr(pg, "689") && strstr(pg, "217"), "%s", pg);
    free(pg);
    free(cmd); free(out);
    t_rm_tree(dir);
    free(a); free(b); free(dir);
}

Test(atlas, unchanged_atlas_is_not_rewritten)
{
    char *dir = t_tmpdir();
    char *a = pm_asprintf("%s/2015/atlas.pdf", dir), *err = NULL;
    pm_atlas at = atlas_of(2015);
    cr_assert_eq(pm_atlas_write(&at, T, a, NULL, &err), PM_OK, "%s", err ? err : "");
    struct stat s1, s2;
    cr_assert_eq(stat(a, &s1), 0);
    int same = 0;
    cr_assert_eq(pm_atlas_write(&at, T, a, &same, &err), PM_OK);
    cr_assert_eq(same, 1);
    cr_assert_eq(stat(a, &s2), 0);
    cr_assert(s1.st_ino == s2.st_ino && s1.st_mtim.tv_sec == s2.st_mtim.tv_sec
              && s1.st_mtim.tv_nsec == s2.st_mtim.tv_nsec, "file untouched");
    char *ls = pm_asprintf("ls -a '%s/2015' | grep -c tmp", dir), *n = NULL;
    t_run(ls, &n);
    cr_assert_eq(atoi(n), 0, "no temporary left behind");
    free(ls); free(n);
    t_rm_tree(dir);
    free(a); free(dir);
}

Test(atlas, first_year_has_no_rank_change)
{
    pm_atlas at = atlas_of(2014);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 596, 842);
    cairo_t *cr = cairo_create(img);
    char *err = NULL;
    for (size_t page = 0; page < 3; page++)
        cr_assert_eq(pm_atlas_draw_page(&at, T, cr, page, &err), PM_OK, "page %zu: %s", page, err ? err : "");
    cr_assert_eq(pm_atlas_draw_page(&at, T, cr, 37, &err), PM_EUSAGE);
    free(err);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
}

/* Hand-checked against the sample with an independent OGR script: 玉佛城 2016 ranks
 * service 7, satisfaction 9, workforce 24 (55.1, median 58.6), progress 4 (+8.5,
 * median +2.7), resources 6 (10 running projects / 2385 residents = 4.19, median 1.64).
 * In the top third (ranks 1–11 of 35): progress, resources, service, satisfaction; the
 * two best are the strengths.  Nothing in the bottom third (25–35): no weakness (the
 * old rule called workforce, 24th, a weakness and satisfaction, 9th, one too). */
Test(atlas, yufocheng_strengths_and_weaknesses)
{
    pm_diagnosis dx;
    pm_terms terms = pm_config_terms(P.cfg, 0);
    cr_assert_eq(pm_diagnosis_build(&P.res, 2016, &terms, &D, &dx), PM_OK);
    size_t c = (size_t)committee("玉佛城");
    cr_assert_eq(dx.prev_year, 2015);
    int want[5] = { 7, 9, 24, 4, 6 };
    for (int i = 0; i < 5; i++) cr_assert_eq(dx.idx[i].rank[c], want[i], "%s", P.styles[i]->id);
    cr_assert_eq(dx.idx[0].prev_rank[c], 20);
    cr_assert_float_eq(dx.idx[0].median, 88.2, 1e-9);
    size_t best[2], worst[2], nb, nw;
    pm_diagnosis_standing(&dx, c, best, &nb, worst, &nw);
    cr_assert(nb == 2 && nw == 0, "%zu strengths, %zu weaknesses", nb, nw);
    cr_assert_str_eq(P.styles[best[0]]->id, "progress");
    cr_assert_str_eq(P.styles[best[1]]->id, "resources");
    cr_assert_eq(pm_diagnosis_third(&dx, c, 2, NULL), 0, "workforce 24th of 35: the middle third");
    char *s = pm_diagnosis_sentence(&dx, c, best[1], 1);
    cr_assert_str_eq(s, "区域化党建资源指数4.19个/千人，全街道第6名（共35个居民区，前三分之一），"
                        "名次与上年相同，高于街道中位数2.55个/千人，已在最高一级（≥ 3.30）。");
    free(s);
    cr_assert_eq(pm_diagnosis_count_top(dx.idx[0].th, 2), 28, "优秀 + 良好 in 2016");
    cr_assert_eq(pm_diagnosis_count_top(dx.idx[0].prev, 2), 18, "优秀 + 良好 in 2015");
    cr_assert_str_eq(pm_diagnosis_class_name(dx.idx[0].th, dx.idx[0].th->cls[c]), "优秀");
    pm_diagnosis_fini(&dx);
}

/* Every year, every committee: a strength is in the top third and a weakness in the
 * bottom third, of the area or (with parents) of the parent, counted here from the
 * values themselves (committees with a better value, plus one). */
static void check_thirds(const pm_project *pr, const pm_terms *terms)
{
    for (size_t y = 0; y < pr->res.nyears; y++) {
        pm_diagnosis dx;
        cr_assert_eq(pm_diagnosis_build(&pr->res, pr->res.years[y], terms, &D, &dx), PM_OK);
        size_t nstrong = 0, nweak = 0;
        for (size_t c = 0; c < dx.n; c++) {
            size_t best[2], worst[2], nb, nw;
            pm_diagnosis_standing(&dx, c, best, &nb, worst, &nw);
            for (size_t k = 0; k < nb + nw; k++) {
                size_t i = k < nb ? best[k] : worst[k - nb];
                const pm_thematic *th = dx.idx[i].th;
                int up = th->style->higher_is_better;
                size_t ahead = 0, n = 0, pahead = 0, pn = 0;
                long par = pr->res.parent ? pr->res.parent[c] : -1;
                for (size_t o = 0; o < dx.n; o++) {
                    if (isnan(th->value[o])) continue;
                    int better = up ? th->value[o] > th->value[c] : th->value[o] < th->value[c];
                    n++; ahead += better;
                    if (par >= 0 && pr->res.parent[o] == par) { pn++; pahead += better; }
                }
                size_t rank = ahead + 1, prank = pahead + 1;
                if (k < nb) {
                    cr_assert(rank * 3 <= n || (par >= 0 && prank * 3 <= pn), "%d %s: strength %s ranked %zu of %zu (%zu of %zu in its parent)",
                              pr->res.years[y], pr->ds->committees[c].name, th->style->id, rank, n, prank, pn);
                    nstrong++;
                } else {
                    cr_assert((n - rank + 1) * 3 <= n || (par >= 0 && (pn - prank + 1) * 3 <= pn),
                              "%d %s: weakness %s ranked %zu of %zu", pr->res.years[y], pr->ds->committees[c].name,
                              th->style->id, rank, n);
                    nweak++;
                }
            }
        }
        cr_assert_gt(nstrong, dx.n / 2, "strengths are found (%zu)", nstrong);
        cr_assert_gt(nweak, dx.n / 2, "weaknesses are found (%zu)", nweak);
        pm_diagnosis_fini(&dx);
    }
}

Test(atlas, no_strength_outside_the_top_third)
{
    pm_terms terms = pm_config_terms(P.cfg, 0);
    check_thirds(&P, &terms);
}

/* 叶家宅 2016: service 71.4, 待提升 (< 75), 32nd of 35: 3.6 points to 合格 (75.0),
 * 16.8 under the median (88.2); checked by hand in geodata/evaluations.csv. */
Test(atlas, yejiazhai_distance_to_the_next_class)
{
    pm_diagnosis dx;
    pm_terms terms = pm_config_terms(P.cfg, 0);
    cr_assert_eq(pm_diagnosis_build(&P.res, 2016, &terms, &D, &dx), PM_OK);
    size_t c = (size_t)committee("叶家宅");
    cr_assert_float_eq(dx.idx[0].th->value[c], 71.4, 1e-9);
    int next;
    cr_assert_float_eq(pm_diagnosis_to_next(&dx, c, 0, &next), 3.6, 1e-9);
    cr_assert_str_eq(pm_diagnosis_class_name(dx.idx[0].th, next), "合格");
    char *o = NULL, *t = NULL;
    cr_assert_eq(pm_diagnosis_overall(&dx, c, &o, &t), PM_OK);
    cr_assert(strstr(o, "评为“待提升”") && strstr(o, "距“合格”还差3.6分") && strstr(o, "低于街道中位数16.8分"), "%s", o);
    cr_assert(t && strstr(t, "2014年") && strstr(t, "2016年71.4分"), "%s", t ? t : "(none)");
    free(o); free(t);
    /* 苏河湾's weakness: workforce 54.2, 29th (22nd in 2015), median 58.6, class 53.9–60.9 */
    size_t sh = (size_t)committee("苏河湾"), best[2], worst[2], nb, nw;
    pm_diagnosis_standing(&dx, sh, best, &nb, worst, &nw);
    cr_assert(nb == 0 && nw == 2, "%zu, %zu", nb, nw);
    cr_assert_str_eq(P.styles[worst[0]]->id, "progress", "33rd of 35 first");
    char *ws = pm_diagnosis_sentence(&dx, sh, worst[1], 0);
    cr_assert_str_eq(ws, "社区工作者队伍建设指数54.2分，全街道第29名（共35个居民区，后三分之一），较上年下降7位，"
                         "低于街道中位数4.4分，距上一级（60.9分起）还差6.7分。");
    free(ws);
    size_t top = (size_t)committee("沙家浜"); /* 96.3: the best class has no next one */
    cr_assert(isnan(pm_diagnosis_to_next(&dx, top, 0, &next)) && next == -1);
    pm_diagnosis_fini(&dx);
}

/* Sentences of an atlas's pages (pdftotext, split at 。 and ；), and the largest share
 * of one page's sentences that another page repeats. */
static double worst_overlap(const char *pdf, int *pa, int *pb)
{
    char *cmd = pm_asprintf("pdftotext '%s' -", pdf), *out = NULL;
    cr_assert_eq(t_run(cmd, &out), 0);
    size_t np = 1;
    for (const char *q = out; *q; q++) np += *q == '\f';
    char ***sent = calloc(np, sizeof *sent);
    size_t *ns = calloc(np, sizeof *ns);
    char *p = out;
    for (size_t k = 0; k < np; k++) {
        char *e = strchr(p, '\f');
        if (e) *e = '\0';
        sent[k] = calloc(strlen(p) / 3 + 2, sizeof **sent);
        for (char *tok = p; *tok;) {
            char *a = strstr(tok, "。"), *b = strstr(tok, "；"), *end = a && (!b || a < b) ? a : b;
            size_t len = end ? (size_t)(end - tok) : strlen(tok);
            char *sx = malloc(len + 1), *w = sx;
            for (size_t i = 0; i < len; i++) if (tok[i] != '\n' && tok[i] != ' ') *w++ = tok[i];
            *w = '\0';
            if (strlen(sx) >= 6) sent[k][ns[k]++] = sx; else free(sx);
            tok += len + (end ? 3 : 0);
        }
        p = e ? e + 1 : p + strlen(p);
    }
    double worst = 0;
    for (size_t a = 0; a < np; a++)
        for (size_t b = a + 1; b < np; b++) {
            size_t shared = 0;
            for (size_t i = 0; i < ns[a]; i++)
                for (size_t j = 0; j < ns[b]; j++)
                    if (strcmp(sent[a][i], sent[b][j]) == 0) { shared++; break; }
            size_t fewer = ns[a] < ns[b] ? ns[a] : ns[b];
            double share = fewer ? (double)shared / (double)fewer : 0;
            if (share > worst) { worst = share; *pa = (int)a + 1; *pb = (int)b + 1; }
        }
    for (size_t k = 0; k < np; k++) { for (size_t i = 0; i < ns[k]; i++) free(sent[k][i]); free(sent[k]); }
    free(sent); free(ns); free(cmd); free(out);
    return worst;
}

Test(atlas, pages_share_under_a_third_of_their_sentences)
{
    char *dir = t_tmpdir(), *pdf = pm_asprintf("%s/atlas.pdf", dir), *err = NULL;
    pm_atlas at = atlas_of(2016);
    cr_assert_eq(pm_atlas_write(&at, T, pdf, NULL, &err), PM_OK, "%s", err ? err : "");
    int a = 0, b = 0;
    double w = worst_overlap(pdf, &a, &b);
    fprintf(stderr, "atlas: sample 2016, the most repeated sentences: pages %d and %d share %.0f%%\n", a, b, w * 100);
    cr_assert_lt(w, 1.0 / 3, "pages %d and %d share %.0f%% of their sentences", a, b, w * 100);
    /* no stock verdict: the old atlas ended 26 of its 140 diagnosis sentences in
     * 是需要重点提升的短板 (19%); the last clause of a sentence now comes from the data */
    char *py = pm_asprintf("python3 -c \"import re, subprocess, collections; "
                           "t = subprocess.run(['pdftotext', '%s', '-'], capture_output=True, text=True).stdout; "
                           "c = collections.Counter(); n = 0\n"
                           "for p in t.split(chr(12))[2:]:\n"
                           " p = p.replace(chr(10), '').replace(' ', ''); i = p.find('诊断意见'); j = p.find('历年得分', i)\n"
                           " for x in p[i:j].split('。'):\n"
                           "  if '，' in x: c[x.split('，')[-1]] += 1; n += 1\n"
                           "k, v = c.most_common(1)[0]; print(v, n, k)\"", pdf), *fin = NULL;
    cr_assert_eq(t_run(py, &fin), 0, "%s", fin ? fin : "");
    int most = 0, all = 0;
    cr_assert_eq(sscanf(fin, "%d %d", &most, &all), 2, "%s", fin);
    fprintf(stderr, "atlas: the most frequent last clause: %s", fin);
    cr_assert_geq(all, 35 * 5, "%s", fin);
    cr_assert_lt(most * 10, all, "one last clause ends %d of %d sentences: %s", most, all, fin);
    free(py); free(fin);
    /* and the diagnosis is there: advice from the config, the trend, the peers */
    char *cmd = pm_asprintf("pdftotext '%s' - | grep -c '针对\\|历年走势\\|相近的'", pdf), *out = NULL;
    t_run(cmd, &out);
    cr_assert_geq(atoi(out), 35 * 3, "%s", out);
    free(cmd); free(out);
    t_rm_tree(dir);
    free(pdf); free(dir);
}

#define PARK PM_SOURCE_DIR "/build/park"

/* The park (180 communities in five parents): thirds by the same rule, pages distinct. */
Test(atlas_park, thirds_and_sentences, .timeout = PM_T(300))
{
    struct stat sb;
    if (stat(PARK "/.stamp", &sb) != 0) cr_skip_test("build/park is absent: `make park` generates it");
    pm_project pk;
    pm_diag dg;
    pm_diag_init(&dg);
    cr_assert_eq(pm_project_open(PARK "/park.json", NULL, &dg, &pk), PM_OK);
    pm_terms terms = pm_config_terms(pk.cfg, 1);
    check_thirds(&pk, &terms);
    pm_scene sc;
    pm_text *tx;
    char *err = NULL, *dir = t_tmpdir(), *pdf = pm_asprintf("%s/atlas.pdf", dir);
    cr_assert_eq(pm_scene_build(pk.ds, pk.cfg->print_crs, &sc, &err), PM_OK);
    cr_assert_eq(pm_text_new(pk.cfg->font, &tx, &err), PM_OK);
    pm_atlas at = { pk.cfg, pk.ds, &pk.an, &sc, &pk.res, 2016, 0 };
    cr_assert_eq(pm_atlas_write(&at, tx, pdf, NULL, &err), PM_OK, "%s", err ? err : "");
    int a = 0, b = 0;
    double w = worst_overlap(pdf, &a, &b);
    fprintf(stderr, "atlas: park 2016, the most repeated sentences: pages %d and %d share %.0f%%\n", a, b, w * 100);
    cr_assert_lt(w, 1.0 / 3, "pages %d and %d share %.0f%% of their sentences", a, b, w * 100);
    t_rm_tree(dir);
    free(pdf); free(dir);
    pm_text_free(tx);
    pm_scene_fini(&sc);
    pm_project_fini(&pk);
    pm_diag_fini(&dg);
}

Test(atlas, position_buckets)
{
    char b[32];
    struct { int rank; size_t n; const char *want; } cases[] = {
        { 1, 35, "前10%" }, { 3, 35, "前10%" }, { 4, 35, "前20%" }, { 7, 35, "前20%" },
        { 8, 35, "前30%" }, { 17, 35, "前50%" }, { 18, 35, "街道中游" }, { 19, 35, "后50%" },
        { 33, 35, "后10%" }, { 35, 35, "后10%" }, { 1, 2, "前50%" }, { 2, 2, "后50%" }, { 2, 4, "前50%" }, { 3, 4, "后50%" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pm_terms terms = pm_config_terms(P.cfg, 0);
        pm_diagnosis_position(&terms, cases[i].rank, cases[i].n, b, sizeof b);
        cr_assert_str_eq(b, cases[i].want, "%d of %zu", cases[i].rank, cases[i].n);
    }
}

/* The locator's highlight: the highlighted committee keeps its colour, the others
 * are veiled, and a red outline runs along the highlighted boundary. */
Test(atlas, highlight_veils_the_others)
{
    size_t n = S.ncommittees, c = (size_t)committee("玉佛城"), o = (size_t)committee("普雄");
    pm_rgba *fill = calloc(n, sizeof *fill);
    unsigned char *hl = calloc(n, 1);
    for (size_t i = 0; i < n; i++) fill[i] = (pm_rgba){ 0, 0, 0.5, 1 };
    hl[c] = 1;
    pm_view v = pm_view_fit(S.extent, 0, 0, 400, 400);
    pm_mapdraw md = { .fill = fill, .outline = { 1, 1, 1, 1 }, .outline_width = 0.5,
                      .boundary = { 0, 0, 0, 1 }, .boundary_width = 1.5, .highlight = hl };
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 400);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cr_assert_eq(pm_draw_map(cr, T, &v, &S, &md), PM_OK);
    cairo_surface_flush(img);
    unsigned char *px = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    pm_pt a = pm_view_to_dev(&v, S.centre[c]), b = pm_view_to_dev(&v, S.centre[o]);
    unsigned char *pa = px + (int)a.y * stride + 4 * (int)a.x, *pb = px + (int)b.y * stride + 4 * (int)b.x;
    cr_assert(pa[0] >= 125 && pa[0] <= 129 && pa[2] == 0, "highlighted: the fill itself (%d,%d,%d)", pa[2], pa[1], pa[0]);
    cr_assert(pb[0] > 180 && pb[2] > 120, "others veiled (%d,%d,%d)", pb[2], pb[1], pb[0]);
    /* along the highlighted boundary: red */
    const pm_geom *g = &S.committees[c];
    pm_pt e = pm_view_to_dev(&v, g->pts[0]);
    unsigned char *pe = px + (int)e.y * stride + 4 * (int)e.x;
    cr_assert(pe[2] > 150 && pe[1] < 90, "red outline (%d,%d,%d)", pe[2], pe[1], pe[0]);
    cairo_destroy(cr);
    cairo_surface_destroy(img);
    free(fill);
    free(hl);
}

/* The trend over the years on made-up values of one committee (the sample has three
 * years, so a drop after two rises needs a fourth): the results of one map, by hand. */
static char *trend_for(const double *vals, size_t ny)
{
    static const int years[4] = { 2014, 2015, 2016, 2017 };
    pm_mapyear my[4];
    double v[4];
    int cls[4], rank[4];
    double bounds[3] = { 0, 90, 100 };
    pm_rgba col[2] = { { 0, 0, 0, 1 }, { 0, 0, 0, 1 } };
    memset(my, 0, sizeof my);
    for (size_t y = 0; y < ny; y++) {
        v[y] = vals[y];
        cls[y] = vals[y] >= 90;
        rank[y] = 1;
        my[y].th = (pm_thematic){ .style = P.styles[0], .year = years[y], .n = 1, .value = &v[y], .cls = &cls[y],
                                  .classes = { .n = 2, .bounds = bounds }, .colors = col };
        my[y].rank = &rank[y];
        my[y].nvalid = 1;
        my[y].median = vals[y];
    }
    pm_results r = { .styles = (const pm_style *const *)P.styles, .nmaps = 1, .nyears = ny, .ncommittees = 1,
                     .years = years, .my = my };
    pm_terms terms = pm_config_terms(P.cfg, 0);
    pm_diagnosis dx;
    cr_assert_eq(pm_diagnosis_build(&r, years[ny - 1], &terms, &D, &dx), PM_OK);
    char *o = NULL, *t = NULL;
    cr_assert_eq(pm_diagnosis_overall(&dx, 0, &o, &t), PM_OK);
    free(o);
    pm_diagnosis_fini(&dx);
    return t;
}

Test(atlas, trend_rising_and_a_drop_after_two_rises)
{
    struct { double v[4]; size_t n; const char *want; } cases[] = {
        { { 80, 82, 85 }, 3, "历年走势：2014年80.0→2015年82.0→2016年85.0分，连续两年上升，累计提高5.0分。" },
        { { 80, 82, 85, 83 }, 4, "历年走势：2014年80.0→2015年82.0→2016年85.0→2017年83.0分，在连续两年上升之后，今年回落2.0分，需警惕下滑。" },
        { { 80, 82, 85, 88 }, 4, "历年走势：2014年80.0→2015年82.0→2016年85.0→2017年88.0分，连续三年上升，累计提高8.0分。" },
        { { 85, 82, 84 }, 3, "历年走势：2014年85.0→2015年82.0→2016年84.0分，上年下降之后今年回升2.0分。" },
        { { 85, 82, 80 }, 3, "历年走势：2014年85.0→2015年82.0→2016年80.0分，连续两年下降，累计下降5.0分。" },
        { { 85, 85 }, 2, "历年走势：2014年85.0→2015年85.0分，今年与上年持平。" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = trend_for(cases[i].v, cases[i].n);
        cr_assert(t, "case %zu", i);
        cr_assert_str_eq(t, cases[i].want, "case %zu", i);
        free(t);
    }
    double one = 80;
    cr_assert_null(trend_for(&one, 1), "a single year has no trend");
}
