/* names.js (the search list of every committee) and the table view's per-year, per-map lists. */
#include "site/sitenames.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "site/pinyin.h"
#include "site/sitejson.h"

const char *pm_site_parent(const pm_website *w, size_t c)
{
    long p = w->ds->committees[c].parent;
    return p >= 0 ? w->ds->parents[p].name : NULL;
}

static const char *const suffixes[] = { "居民委员会", "村民委员会", "居委会", "村委会", "居民区", "社区", "村", NULL };

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return k && n > k && memcmp(s + n - k, suf, k) == 0;
}

size_t pm_site_name_core(const pm_website *w, const char *name)
{
    size_t n = strlen(name);
    for (int round = 0; round < 2; round++) {
        const char *unit = w->cfg->term_unit;
        if (unit && ends_with(name, n, unit)) { n -= strlen(unit); continue; }
        size_t k = 0;
        for (; suffixes[k] && !ends_with(name, n, suffixes[k]); k++) ;
        if (!suffixes[k]) break;
        n -= strlen(suffixes[k]);
    }
    return n;
}


/* "parents" and "parent": distinct names in order of first appearance. */
static void parents_json(const pm_website *w, json_t *root, int *bad)
{
    json_t *names = json_array(), *idx = json_array();
    int any = 0;
    for (size_t c = 0; c < w->ds->ncommittees; c++) {
        const char *p = pm_site_parent(w, c);
        if (!p) { pm_sj_push(idx, json_null(), bad); continue; }
        any = 1;
        size_t k = 0;
        while (k < json_array_size(names) && strcmp(json_string_value(json_array_get(names, k)), p)) k++;
        if (k == json_array_size(names)) pm_sj_push(names, json_string(p), bad);
        pm_sj_push(idx, json_integer((json_int_t)k), bad);
    }
    pm_sj_put(root, "parents", names, bad);
    if (any) pm_sj_put(root, "parent", idx, bad);
    else { json_decref(idx); pm_sj_put(root, "parent", json_null(), bad); }
}

static pm_status names_js(const pm_website *w, const char *site_dir, pm_pathset *written, char **err)
{
    int bad = 0;
    json_t *code = json_array(), *name = json_array(), *ini = json_array(), *other = json_object();
    json_t *centre = json_array();
    for (size_t c = 0; c < w->ds->ncommittees; c++) {
        const pm_committee *cm = &w->ds->committees[c];
        size_t core = pm_site_name_core(w, cm->name);
        char *base = malloc(core + 1), pri[64], alt[64];
        if (!base) { bad = 1; break; }
        memcpy(base, cm->name, core);
        base[core] = '\0';
        pm_pinyin_initials(base, pri, alt, sizeof pri);
        free(base);
        pm_sj_push(code, json_string(cm->code), &bad);
        pm_sj_push(name, json_string(cm->name), &bad);
        pm_sj_push(ini, json_string(pri), &bad);
        if (strspn(alt, ".") != strlen(alt)) {
            char key[24];
            snprintf(key, sizeof key, "%zu", c);
            pm_sj_put(other, key, json_string(alt), &bad);
        }
        pm_pt p = pm_geom_visual_centre(&cm->geom, 1e-6, NULL);
        pm_sj_push(centre, json_real(round(p.x * 1e5) / 1e5), &bad);
        pm_sj_push(centre, json_real(round(p.y * 1e5) / 1e5), &bad);
    }
    json_t *root = json_pack("{s:o, s:o, s:o, s:o, s:o}", "code", code, "name", name, "initials", ini,
                             "initials_other", other, "centre", centre);
    if (root) parents_json(w, root, &bad);
    pm_status st = root && !bad ? pm_sj_write_script(site_dir, "names", root, written, err) : PM_ENOMEM;
    json_decref(root);
    return st;
}

static json_t *ints(const int *v, size_t n, int none, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) pm_sj_push(a, v[i] == none ? json_null() : json_integer(v[i]), bad);
    return a;
}

static pm_status table_js(const pm_website *w, const pm_sitefigs *f, size_t y, size_t m, const char *site_dir,
                          pm_pathset *written, char **err)
{
    const pm_sitefig *g = pm_sitefigs_at(f, y, m);
    int bad = 0;
    json_t *value = json_array();
    for (size_t c = 0; c < f->n; c++) pm_sj_push(value, pm_sj_num(g->value[c]), &bad);
    json_t *root = json_pack("{s:o, s:o, s:o, s:o, s:o}", "value", value, "cls", ints(g->cls, f->n, -1, &bad),
                             "rank", ints(g->rank, f->n, 0, &bad),
                             "rank_change", ints(g->rank_change, f->n, PM_SF_NONE, &bad),
                             "cls_change", ints(g->cls_change, f->n, PM_SF_NONE, &bad));
    char key[96];
    snprintf(key, sizeof key, "table/%d/%s", f->years[y], w->styles[m]->id);
    pm_status st = root && !bad ? pm_sj_write_script(site_dir, key, root, written, err) : PM_ENOMEM;
    json_decref(root);
    return st;
}

pm_status pm_sitenames_write(const pm_website *w, const pm_sitefigs *f, const char *site_dir,
                             pm_pathset *written, char **err)
{
    *err = NULL;
    pm_status st = names_js(w, site_dir, written, err);
    for (size_t k = 0; !st && k < w->nyears; k++) {
        long y = pm_sitefigs_year(f, w->years[k]);
        if (y < 0) {
            *err = pm_asprintf("site: year %d has no evaluation data", w->years[k]);
            return PM_EDATA;
        }
        for (size_t m = 0; !st && m < w->nstyles; m++) st = table_js(w, f, (size_t)y, m, site_dir, written, err);
    }
    if (st == PM_ENOMEM && !*err) *err = pm_strdup("site: names.js: out of memory");
    return st;
}
