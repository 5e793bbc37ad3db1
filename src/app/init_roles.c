/* partymap init, the guesses: each file's role and the fields of each source, from
 * what the probes saw (geometry, field names, what the values look like). */
#include "app/init_roles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fileio.h"

int pm_init_hint(const char *s, const char *const *words)
{
    for (const char *const *w = words; s && *w; w++)
        if (strcasestr(s, *w)) return 1;
    return 0;
}

static double frac(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0;
}

/* A field of mostly values: set in at least 90 % of the rows. */
static int mostly_set(const pm_probe *p, const pm_probe_field *f)
{
    return f->nonempty > 0 && frac(f->nonempty, p->nrows) >= 0.9;
}

static int is_text(const pm_probe_field *f)
{
    return f->nonempty > 0 && frac(f->numeric, f->nonempty) < 0.5;
}

int pm_init_code_field(const pm_probe *p)
{
    static const char *const hints[] = { "代码", "编码", "编号", "code", "dm", "bm", "id", NULL };
    int best = -1, best_score = 0;
    for (size_t k = 0; k < p->nfields; k++) {
        const pm_probe_field *f = &p->fields[k];
        if (!mostly_set(p, f) || frac(f->code12, f->nonempty) < 0.9) continue;
        int score = 1 + 2 * pm_init_hint(f->name, hints);
        if (score > best_score) { best = (int)k; best_score = score; }
    }
    return best;
}

int pm_init_year_field(const pm_probe *p, int not_this)
{
    static const char *const hints[] = { "年", "year", NULL };
    int best = -1, best_score = 0;
    for (size_t k = 0; k < p->nfields; k++) {
        const pm_probe_field *f = &p->fields[k];
        if ((int)k == not_this || !mostly_set(p, f) || f->year < f->nonempty) continue;
        if (f->ndistinct > 60) continue;
        int score = 1 + 2 * pm_init_hint(f->name, hints);
        if (score > best_score) { best = (int)k; best_score = score; }
    }
    return best;
}

/* A name column: Chinese text, nearly every value different. */
int pm_init_name_field(const pm_probe *p, int not_this)
{
    static const char *const hints[] = { "名称", "名字", "name", "mc", NULL };
    int best = -1;
    double best_score = 0;
    for (size_t k = 0; k < p->nfields; k++) {
        const pm_probe_field *f = &p->fields[k];
        if ((int)k == not_this || !is_text(f)) continue;
        size_t seen = f->nonempty < PM_PROBE_VALUES ? f->nonempty : PM_PROBE_VALUES;
        double distinct = frac(f->ndistinct > seen ? seen : f->ndistinct, seen);
        double score = distinct + frac(f->cjk, f->nonempty) + 2 * pm_init_hint(f->name, hints);
        if (distinct >= 0.5 && score > best_score) { best = (int)k; best_score = score; }
    }
    return best;
}

int pm_init_field_by_hint(const pm_probe *p, const char *const *hints, int numeric)
{
    for (size_t k = 0; k < p->nfields; k++) {
        const pm_probe_field *f = &p->fields[k];
        if (f->nonempty && pm_init_hint(f->name, hints)
            && (numeric ? f->numeric >= 0.9 * f->nonempty : 1))
            return (int)k;
    }
    return -1;
}

/* The indicator a column header names: the sample's own names, or the words the
 * evaluation reports use (满意 before 服务: 服务满意度 is a satisfaction). */
const char *pm_init_indicator_of(const char *h)
{
    static const char *const same[] = { "service", "satisfaction", "workforce", "needs",
                                        "questionnaires_key", "questionnaires_random",
                                        "population", "households", NULL };
    static const struct { const char *word, *word2, *ind; } words[] = {
        { "满意", NULL, "satisfaction" }, { "satisf", NULL, "satisfaction" },
        { "问卷", "重点", "questionnaires_key" }, { "问卷", "随机", "questionnaires_random" },
        { "questionnaire", "key", "questionnaires_key" },
        { "questionnaire", "random", "questionnaires_random" },
        { "队伍", NULL, "workforce" }, { "workforce", NULL, "workforce" },
        { "急难愁盼", NULL, "needs" }, { "需求", NULL, "needs" }, { "诉求", NULL, "needs" },
        { "服务", NULL, "service" }, { "能效", NULL, "service" },
        { "人口", NULL, "population" }, { "人数", NULL, "population" },
        { "户数", NULL, "households" },
    };
    for (const char *const *s = same; *s; s++)
        if (!strcasecmp(h, *s)) return *s;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcasestr(h, words[i].word) && (!words[i].word2 || strcasestr(h, words[i].word2)))
            return words[i].ind;
    return NULL;
}

static int is_score_indicator(const char *ind)
{
    return ind && strcmp(ind, "population") && strcmp(ind, "households");
}

static void count_indicators(const pm_probe *p, int *ind, int *pop)
{
    *ind = *pop = 0;
    for (size_t k = 0; k < p->nfields; k++) {
        const pm_probe_field *f = &p->fields[k];
        if (!f->nonempty || f->numeric < 0.9 * f->nonempty || f->code12 || f->year == f->nonempty)
            continue;
        const char *i = pm_init_indicator_of(f->name);
        if (is_score_indicator(i)) (*ind)++;
        else if (i) (*pop)++;
    }
}

/* Water: the file name or its text says river, lake or canal. */
static int is_water(const pm_probe *p)
{
    static const char *const names[] = { "river", "water", "lake", "canal", "河", "湖", "水系",
                                         "水域", NULL };
    static const char *const values[] = { "河流", "湖泊", "水域", "水系", "运河", "河道", NULL };
    static const char *const ends[] = { "河", "江", "溪", "湖", "浜", "渠", NULL };
    if (pm_init_hint(pm_path_basename(p->path), names)) return 1;
    for (size_t k = 0; k < p->nfields; k++)
        for (size_t i = 0; i < p->fields[k].ndistinct && i < PM_PROBE_VALUES; i++) {
            const char *v = p->fields[k].values[i];
            size_t n = strlen(v);
            if (pm_init_hint(v, values)) return 1;
            for (const char *const *e = ends; *e; e++)
                if (n > strlen(*e) && !strcmp(v + n - strlen(*e), *e)) return 1;
        }
    return 0;
}

/* How much a point file looks like the platforms: its name, and names of service
 * centres and stations among its values. */
static double platform_score(const pm_probe *p)
{
    static const char *const file[] = { "平台", "阵地", "站点", "platform", "station", NULL };
    static const char *const vals[] = { "服务中心", "服务站", "服务点", "党群", NULL };
    double s = 2.0 * pm_init_hint(pm_path_basename(p->path), file);
    static const char *const proj[] = { "项目", "project", NULL };
    s -= 2.0 * pm_init_hint(pm_path_basename(p->path), proj);
    int fn = pm_init_name_field(p, -1);
    if (fn >= 0) {
        const pm_probe_field *f = &p->fields[fn];
        size_t hit = 0, n = f->ndistinct < PM_PROBE_VALUES ? f->ndistinct : PM_PROBE_VALUES;
        for (size_t i = 0; i < n; i++) hit += pm_init_hint(f->values[i], vals);
        s += frac(hit, n);
    }
    return s;
}

static char *signature(const pm_probe *p)
{
    size_t len = 1;
    for (size_t k = 0; k < p->nfields; k++) len += strlen(p->fields[k].name) + 1;
    char *s = calloc(len, 1);
    for (size_t k = 0; s && k < p->nfields; k++) {
        strcat(s, p->fields[k].name);
        strcat(s, "\x1f");
    }
    return s;
}

static void set_why(pm_init_roles *r, size_t i, char *why)
{
    free(r->why[i]);
    r->why[i] = why;
    r->role[i] = PM_INIT_UNUSED;
}

/* The largest group of polygon files with codes and the same fields are the
 * committees (one agency file per subdistrict); other coded polygons are left. */
static pm_status pick_committees(pm_init_roles *r, const pm_probe *pr, size_t n)
{
    char **sig = calloc(n + 1, sizeof *sig);
    if (!sig) return PM_ENOMEM;
    long best = -1;
    size_t best_rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (r->role[i] != PM_INIT_COMMITTEES) continue;
        if (!(sig[i] = signature(&pr[i]))) { best = -2; break; }
        size_t rows = 0;
        for (size_t j = 0; j <= i; j++)
            if (sig[j] && !strcmp(sig[j], sig[i])) rows += pr[j].nrows;
        if (rows > best_rows) { best = (long)i; best_rows = rows; }
    }
    for (size_t i = 0; best >= 0 && i < n; i++) {
        if (r->role[i] != PM_INIT_COMMITTEES) continue;
        if (!strcmp(sig[i], sig[best])) r->com[r->ncom++] = i;
        else set_why(r, i, pm_asprintf("polygons with 12-digit codes, but with other fields than %s",
                                       pm_path_basename(pr[best].path)));
    }
    for (size_t i = 0; i < n; i++) free(sig[i]);
    free(sig);
    return best == -2 ? PM_ENOMEM : PM_OK;
}

static void pick_points(pm_init_roles *r, const pm_probe *pr, size_t n)
{
    long plat = -1, proj = -1;
    double best = -1e9;
    size_t npts = 0;
    for (size_t i = 0; i < n; i++)
        if (r->role[i] == PM_INIT_PROJECTS) npts++;
    for (size_t i = 0; npts >= 2 && i < n; i++) {
        if (r->role[i] != PM_INIT_PROJECTS) continue;
        double s = platform_score(&pr[i]) - 1e-7 * (double)pr[i].nrows; /* ties: the fewer */
        if (s > best) { best = s; plat = (long)i; }
    }
    for (size_t i = 0; npts == 1 && i < n; i++)
        if (r->role[i] == PM_INIT_PROJECTS && platform_score(&pr[i]) >= 1.0) plat = (long)i;
    for (size_t i = 0; i < n; i++) {
        if (r->role[i] != PM_INIT_PROJECTS || (long)i == plat) continue;
        if (proj < 0 || pr[i].nrows > pr[proj].nrows) proj = (long)i;
    }
    for (size_t i = 0; i < n; i++) {
        if (r->role[i] != PM_INIT_PROJECTS) continue;
        if ((long)i == plat) r->role[i] = PM_INIT_PLATFORMS;
        else if ((long)i != proj)
            set_why(r, i, pm_asprintf("more points (platforms: %s, projects: %s)",
                                      plat >= 0 ? pm_path_basename(pr[plat].path) : "none",
                                      pm_path_basename(pr[proj].path)));
    }
    r->platforms = plat;
    r->projects = proj;
}

/* The best table of a role: most indicator columns (evaluations) or rows. */
static void pick_table(pm_init_roles *r, const pm_probe *pr, size_t n, pm_init_role role, long *out)
{
    int best_ind = -1;
    *out = -1;
    for (size_t i = 0; i < n; i++) {
        if (r->role[i] != role) continue;
        int ind, pop;
        count_indicators(&pr[i], &ind, &pop);
        if (*out < 0 || ind > best_ind || (ind == best_ind && pr[i].nrows > pr[*out].nrows)) {
            *out = (long)i;
            best_ind = ind;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (r->role[i] == role && (long)i != *out)
            set_why(r, i, pm_asprintf("another table like %s, which was taken",
                                      pm_path_basename(pr[*out].path)));
}

static void first_role(pm_init_roles *r, size_t i, const pm_probe *p)
{
    int code = pm_init_code_field(p), ind, pop;
    switch (p->kind) {
    case PM_PROBE_POLYGONS:
        r->role[i] = code >= 0 ? PM_INIT_COMMITTEES : is_water(p) ? PM_INIT_RIVER : PM_INIT_AREA;
        break;
    case PM_PROBE_LINES: r->role[i] = PM_INIT_ROAD; break;
    case PM_PROBE_POINTS: r->role[i] = PM_INIT_PROJECTS; break; /* split in pick_points */
    case PM_PROBE_TABLE:
        count_indicators(p, &ind, &pop);
        if (code < 0) set_why(r, i, pm_strdup("a table without a column of 12-digit codes"));
        else if (ind > 0) r->role[i] = PM_INIT_EVALUATIONS;
        else if (pop > 0) r->role[i] = PM_INIT_STATISTICS;
        else set_why(r, i, pm_strdup("a table with codes but no indicator, population or "
                                     "households column"));
        break;
    }
}

pm_status pm_init_roles_guess(const pm_probe *pr, size_t n, pm_init_roles *r)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->role = calloc(n + 1, sizeof *r->role);
    r->why = calloc(n + 1, sizeof *r->why);
    r->com = calloc(n + 1, sizeof *r->com);
    if (!r->role || !r->why || !r->com) return PM_ENOMEM;
    for (size_t i = 0; i < n; i++) first_role(r, i, &pr[i]);
    pm_status st = pick_committees(r, pr, n);
    if (st) return st;
    pick_points(r, pr, n);
    pick_table(r, pr, n, PM_INIT_EVALUATIONS, &r->evaluations);
    pick_table(r, pr, n, PM_INIT_STATISTICS, &r->statistics);
    for (size_t i = 0; i < n; i++)
        if (r->role[i] == PM_INIT_UNUSED && !r->why[i] && !(r->why[i] = pm_strdup("not used")))
            return PM_ENOMEM;
    return PM_OK;
}

void pm_init_roles_fini(pm_init_roles *r)
{
    for (size_t i = 0; r->why && i < r->n; i++) free(r->why[i]);
    free(r->why);
    free(r->role);
    free(r->com);
    memset(r, 0, sizeof *r);
}

/* The parent column of the committees: text whose values repeat and group the
 * features (a few values over many features; in one agency file per subdistrict,
 * one value a file).  *nvalues receives the number of distinct values. */
int pm_init_parent_field(const pm_probe *pr, const size_t *files, size_t nfiles, int not1,
                         int not2, size_t *nvalues)
{
    static const char *const hints[] = { "街道", "镇", "乡", "所属", "上级", "parent", "town",
                                         "subdistrict", "street", NULL };
    const pm_probe *p0 = &pr[files[0]];
    int best = -1;
    double best_score = 0;
    for (size_t k = 0; k < p0->nfields; k++) {
        if ((int)k == not1 || (int)k == not2) continue;
        const char *vals[PM_PROBE_VALUES];
        size_t nv = 0, rows = 0, set = 0, constant = 1, text = 1;
        for (size_t j = 0; j < nfiles && nv <= PM_PROBE_VALUES; j++) {
            const pm_probe *p = &pr[files[j]];
            int fk = pm_probe_field_index(p, p0->fields[k].name);
            const pm_probe_field *f = &p->fields[fk];
            rows += p->nrows;
            set += f->nonempty;
            text &= is_text(f);
            constant &= f->ndistinct == 1;
            for (size_t i = 0; i < f->ndistinct && i < PM_PROBE_VALUES && nv <= PM_PROBE_VALUES; i++) {
                size_t m = 0;
                while (m < nv && strcmp(vals[m], f->values[i])) m++;
                if (m == nv) {
                    if (nv == PM_PROBE_VALUES) { nv++; break; }
                    vals[nv++] = f->values[i];
                }
            }
            if (f->ndistinct > PM_PROBE_VALUES) nv = PM_PROBE_VALUES + 1;
        }
        if (!text || frac(set, rows) < 0.9 || nv < 2 || nv > PM_PROBE_VALUES || (double)nv > rows / 4.0)
            continue;
        double score = 1 + 4 * pm_init_hint(p0->fields[k].name, hints)
                     + 2 * (constant && nfiles > 1) - (double)nv / (double)rows;
        if (score > best_score) { best = (int)k; best_score = score; *nvalues = nv; }
    }
    return best;
}
