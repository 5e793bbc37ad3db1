/* Project loading: the stages before rendering, each reporting into one problem list. */
#include "app/project.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"

int pm_exit_code(pm_status st)
{
    switch (st) {
    case PM_OK: return 0;
    case PM_EDATA: return 1;
    case PM_EUSAGE: return 2;
    case PM_EIO: return 3;
    case PM_ECANCEL: return 130;
    default: return 4;
    }
}

/* Selects maps: every map of the config, or the comma list in maps, into p->sel
 * (after the styles are loaded: only the maps whose style loaded can be selected). */
static pm_status select_maps(pm_project *p, const char *maps, pm_diag *diag)
{
    size_t cap = p->nstyles + 1;
    if (maps) for (const char *s = maps; *s; s++) cap += *s == ',';
    p->sel = calloc(cap, sizeof *p->sel);
    if (!p->sel) return PM_ENOMEM;
    p->sel_ids = calloc(cap, sizeof *p->sel_ids);
    if (!p->sel_ids) return PM_ENOMEM;
    if (!maps) {
        for (size_t i = 0; i < p->nstyles; i++) p->sel_ids[p->nsel] = p->styles[i]->id, p->sel[p->nsel++] = i;
        return PM_OK;
    }
    char *copy = pm_strdup(maps), *save = NULL;
    if (!copy) return PM_ENOMEM;
    pm_status st = PM_OK;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int known = 0;
        for (size_t i = 0; i < p->cfg->nmaps; i++) known |= strcmp(p->cfg->maps[i], tok) == 0;
        if (!known) {
            char *list = NULL;
            for (size_t i = 0; i < p->cfg->nmaps; i++) {
                char *l = pm_asprintf("%s%s%s", list ? list : "", list ? ", " : "", p->cfg->maps[i]);
                free(list);
                list = l;
            }
            pm_diag_add(diag, PM_SEV_ERROR, "--maps", "", "", "unknown map \"%s\" (the config "
                        "lists: %s)", tok, list ? list : "no maps");
            free(list);
            st = PM_EUSAGE;
            continue;
        }
        for (size_t i = 0; i < p->nstyles; i++) /* a style that failed to load is reported */
            if (strcmp(p->styles[i]->id, tok) == 0) { p->sel_ids[p->nsel] = p->styles[i]->id; p->sel[p->nsel++] = i; break; }
    }
    free(copy);
    return st;
}

/* Loads the style of every map the config lists, then selects the maps asked for. */
static pm_status load_styles(pm_project *p, const char *maps, pm_diag *diag)
{
    size_t n = p->cfg->nmaps;
    p->styles = calloc(n + 1, sizeof *p->styles);
    pm_status st = p->styles ? PM_OK : PM_ENOMEM;
    for (size_t i = 0; !st && i < n; i++) {
        const char *id = p->cfg->maps[i];
        char *path = pm_asprintf("%s/%s.json", p->cfg->styles_dir, id);
        if (!path) { st = PM_ENOMEM; break; }
        pm_status s2 = pm_style_load(path, diag, &p->styles[p->nstyles]);
        if (!s2 && strcmp(p->styles[p->nstyles]->id, id) != 0) {
            pm_diag_add(diag, PM_SEV_ERROR, pm_path_basename(path), "", "id", "is \"%s\" but the "
                        "file is named %s.json: they must agree", p->styles[p->nstyles]->id, id);
            s2 = PM_EDATA;
        }
        if (!s2) p->nstyles++;
        else if (s2 != PM_EDATA) st = s2;
        else pm_style_free(p->styles[p->nstyles]), p->styles[p->nstyles] = NULL;
        free(path);
    }
    if (st) return st;
    return select_maps(p, maps, diag);
}

/* "styles/ID.json": the style file as the user knows it, for messages. */
static char *style_file(const pm_project *p, const pm_style *s)
{
    return pm_asprintf("%s/%s.json", pm_path_basename(p->cfg->styles_dir), s->id);
}

static void drop_style(pm_project *p, size_t i)
{
    pm_style *s = p->styles[i];
    for (size_t k = 0; k < p->nsel; k++) /* the selection borrows the id */
        if (p->sel_ids[k] == s->id) p->sel_ids[k] = NULL;
    pm_style_free(s);
    p->styles[i] = NULL;
    p->ndropped++;
}

static void compact_styles(pm_project *p)
{
    size_t kept = 0;
    for (size_t i = 0; i < p->nstyles; i++)
        if (p->styles[i]) p->styles[kept++] = p->styles[i];
    p->nstyles = kept;
}

/* Compiles every style's indicator against the indicator table's columns: a name
 * draws that column; an expression becomes a column of its own, named by the map's
 * id.  A map whose indicator does not compile is left out with the error (file, key,
 * column and caret), the others are drawn. */
static pm_status compile_indicators(pm_project *p, pm_diag *diag)
{
    const pm_expr_schema *sch = pm_analysis_schema(&p->an);
    if (!sch) return PM_OK; /* no analysis: nothing to compile against */
    const char **names = calloc(p->nstyles + 1, sizeof *names);
    const char **srcs = calloc(p->nstyles + 1, sizeof *srcs);
    char **files = calloc(p->nstyles + 1, sizeof *files);
    size_t n = 0;
    pm_status st = names && srcs && files ? PM_OK : PM_ENOMEM;
    for (size_t i = 0; !st && i < p->nstyles; i++) {
        pm_style *s = p->styles[i];
        pm_expr *e = NULL;
        pm_expr_error err;
        char *file = style_file(p, s);
        if (!file) { st = PM_ENOMEM; break; }
        pm_status cs = pm_expr_compile(s->indicator, sch, &e, &err);
        size_t f;
        if (cs == PM_ENOMEM) st = cs;
        else if (cs) {
            char *txt = pm_expr_error_text(NULL, NULL, err.column ? s->indicator : NULL, &err);
            pm_diag_add(diag, PM_SEV_ERROR, file, "", "indicator", "%s", txt ? txt : err.message);
            free(txt);
            drop_style(p, i);
        } else if (pm_expr_is_field(e, &f)) {
            if (!(s->column = pm_strdup(sch->fields[f]))) st = PM_ENOMEM;
        } else if (pm_indtab_find(&p->an.tab, s->id) >= 0) {
            pm_diag_add(diag, PM_SEV_ERROR, file, "", "indicator", "the map's expression needs a "
                        "column of its own, named by the map's id, but %s is already an indicator "
                        "(rename the map, or define the expression in the config's \"indicators\" "
                        "and name it here)", s->id);
            drop_style(p, i);
        } else {
            names[n] = s->id;
            srcs[n] = s->indicator;
            files[n++] = file;
            file = NULL;
            if (!(s->column = pm_strdup(s->id))) st = PM_ENOMEM;
        }
        pm_expr_free(e);
        free(file);
    }
    if (!st) st = pm_analysis_define(&p->an, names, srcs, (const char *const *)files, n, diag);
    for (size_t i = 0; files && i < n; i++) free(files[i]);
    free(names); free(srcs); free(files);
    compact_styles(p);
    return st;
}

/* Maps whose indicator has no value for any committee in any year (the place lacks the
 * field it needs) are left out, each with an error naming the map and the field; the
 * other maps are drawn. */
static pm_status drop_unavailable(pm_project *p, pm_diag *diag)
{
    const pm_indtab *t = &p->an.tab;
    for (size_t i = 0; i < p->nstyles; i++) {
        pm_style *s = p->styles[i];
        long k = pm_indtab_find(t, pm_style_column(s));
        int any = k < 0; /* an unknown indicator is reported by the results */
        for (size_t y = 0; !any && y < t->nyears; y++)
            for (size_t c = 0; !any && c < t->ncommittees; c++) any = !isnan(pm_indtab_get(t, y, c, (size_t)k));
        if (any || t->ncommittees == 0) continue;
        char *file = style_file(p, s), need[256] = "";
        size_t miss[8], m = pm_analysis_missing_inputs(&p->an, (size_t)k, miss, 8), used = 0;
        for (size_t j = 0; j < m && used + 80 < sizeof need; j++)
            used += (size_t)snprintf(need + used, sizeof need - used, "%s%s", j ? ", " : "", t->names[miss[j]]);
        if (m)
            pm_diag_add(diag, PM_SEV_ERROR, file ? file : s->id, "", "indicator", "the map %s (%s) "
                        "cannot be drawn: its indicator %s has no value for any committee in any "
                        "year, as no source gives %s (add %s %s column%s to the committees, the "
                        "evaluation table or sources.statistics); the other maps are drawn",
                        s->id, s->title, s->indicator, need, m > 1 ? "the" : "a", need, m > 1 ? "s" : "");
        else
            pm_diag_add(diag, PM_SEV_ERROR, file ? file : s->id, "", "indicator", "the map %s (%s) "
                        "cannot be drawn: its indicator %s has no value for any committee in any "
                        "year (its inputs have values, but it gives no data for any: a division "
                        "by zero or a condition never met?); the other maps are drawn",
                        s->id, s->title, s->indicator);
        free(file);
        drop_style(p, i);
    }
    compact_styles(p);
    return PM_OK;
}

/* The --maps selection again, by id, after maps were left out. */
static pm_status reselect(pm_project *p)
{
    size_t n = 0;
    for (size_t k = 0; k < p->nsel; k++) {
        const char *id = p->sel_ids[k];
        if (!id) continue; /* left out */
        for (size_t i = 0; i < p->nstyles; i++)
            if (strcmp(p->styles[i]->id, id) == 0) { p->sel[n++] = i; break; }
    }
    p->nsel = n;
    return PM_OK;
}

/* Replaces one source's files with one file; its field mapping and settings stay unless
 * overridden. */
static pm_status override(pm_source *s, const char *path, const pm_overrides *ov)
{
    if (!path) return PM_OK;
    char *np = pm_strdup(path), *np2 = pm_strdup(path), *spec = pm_strdup(path);
    char **paths = calloc(1, sizeof *paths);
    char *enc = ov->encoding ? pm_strdup(ov->encoding) : NULL;
    char *crs = ov->assume_crs ? pm_strdup(ov->assume_crs) : NULL;
    char *real = ov->crs ? pm_strdup(ov->crs) : NULL;
    if (!np || !np2 || !spec || !paths || (ov->encoding && !enc) || (ov->assume_crs && !crs)
        || (ov->crs && !real)) {
        free(np); free(np2); free(spec); free(paths); free(enc); free(crs); free(real);
        return PM_ENOMEM;
    }
    /* encoding and CRS describe a file, not a role: the replaced file's settings go */
    for (size_t i = 0; i < s->npaths; i++) free(s->paths[i]);
    free(s->paths);
    free(s->path);
    free(s->path_spec);
    free(s->encoding);
    free(s->assume_crs);
    free(s->crs);
    paths[0] = np2;
    s->paths = paths;
    s->npaths = 1;
    s->path = np;
    s->path_spec = spec;
    s->encoding = enc;
    s->assume_crs = crs;
    s->crs = real;
    return PM_OK;
}

static pm_status apply_overrides(pm_config *c, const pm_overrides *ov)
{
    if (!ov) return PM_OK;
    pm_status st = override(&c->committees, ov->committees, ov);
    if (!st) st = override(&c->platforms, ov->platforms, ov);
    if (!st) st = override(&c->projects, ov->projects, ov);
    if (!st) st = override(&c->evaluations, ov->evaluations, ov);
    return st;
}

pm_status pm_project_open(const char *config_path, const char *maps, pm_diag *diag,
                          pm_project *p)
{
    return pm_project_open_ex(config_path, maps, NULL, diag, p);
}

pm_status pm_project_open_ex(const char *config_path, const char *maps, const pm_overrides *ov,
                             pm_diag *diag, pm_project *p)
{
    memset(p, 0, sizeof *p);
    size_t errors0 = diag->errors;
    pm_status st = pm_config_load(config_path ? config_path : pm_config_default_path(), diag, &p->cfg);
    if (st) return st;
    if ((st = apply_overrides(p->cfg, ov)) != PM_OK) return st;
    st = load_styles(p, maps, diag);
    if (st == PM_ENOMEM) return st;
    pm_status ds = pm_dataset_load_ex(p->cfg, diag, &p->ds, &p->sources, &p->nsources);
    if (ds == PM_ENOMEM || ds == PM_EIO) return ds;
    if (st) return st;
    if (ds) return ds;
    st = pm_analysis_run(p->ds, p->cfg, diag, &p->an);
    if (!st) st = compile_indicators(p, diag);
    if (!st) st = drop_unavailable(p, diag);
    size_t map_errors = p->ndropped;
    if (!st) st = pm_results_build((const pm_style *const *)p->styles, p->nstyles, &p->an.tab,
                                   p->ds->parent_of, p->ds->nparents, diag, &p->res);
    if (!st) st = reselect(p);
    /* a map that cannot be drawn is its own error: the others are still drawn */
    if (!st && diag->errors > errors0 + map_errors) st = PM_EDATA;
    return st;
}

void pm_project_fini(pm_project *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nstyles; i++) pm_style_free(p->styles[i]);
    free(p->styles);
    free(p->sel);
    free(p->sel_ids);
    pm_sourceinfo_free(p->sources, p->nsources);
    pm_results_fini(&p->res);
    pm_analysis_fini(&p->an);
    pm_dataset_free(p->ds);
    pm_config_free(p->cfg);
    memset(p, 0, sizeof *p);
}
