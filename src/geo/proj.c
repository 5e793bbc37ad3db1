/* PROJ wrapper: CRS parsing, transforms with lon/lat axis order, CRS kind and name. */
#include "geo/proj.h"

#include <math.h>
#include <proj.h>
#include <stdlib.h>
#include <string.h>

/* PROJ reports why a CRS is unknown only through its logger; this keeps the first
 * error message of a context instead of letting PROJ print it to stderr. */
typedef struct {
    char msg[256];
} proj_log;

struct pm_proj {
    PJ_CONTEXT *ctx;
    PJ *pj;
    proj_log log; /* the context's logger writes here: must live as long as ctx */
};

static void log_capture(void *data, int level, const char *msg)
{
    proj_log *l = data;
    if (level != PJ_LOG_ERROR || l->msg[0] || !msg) return;
    strncpy(l->msg, msg, sizeof l->msg - 1);
    l->msg[sizeof l->msg - 1] = '\0';
}

static PJ_CONTEXT *ctx_new(proj_log *l)
{
    l->msg[0] = '\0';
    PJ_CONTEXT *ctx = proj_context_create();
    if (!ctx) return NULL;
    proj_log_func(ctx, l, log_capture);
    proj_log_level(ctx, PJ_LOG_ERROR);
    return ctx;
}

/* Parses a CRS definition.  A bare "+proj=..." string is a coordinate operation to
 * PROJ; with +type=crs it is the CRS users mean by it (as cs2cs does).  Anything
 * that is not a CRS is refused.  PM_EDATA or PM_ENOMEM; *out NULL on failure. */
static pm_status crs_new(PJ_CONTEXT *ctx, const char *def, PJ **out)
{
    *out = NULL;
    if (!def || !*def) return PM_EDATA;
    const char *s = def + strspn(def, " \t\r\n");
    char *tmp = NULL;
    if (s[0] == '+' && !strstr(s, "type=crs")) {
        if (!(tmp = pm_asprintf("%s +type=crs", s))) return PM_ENOMEM;
        s = tmp;
    }
    PJ *pj = proj_create(ctx, s);
    free(tmp);
    if (pj && !proj_is_crs(pj)) {
        proj_destroy(pj);
        pj = NULL;
    }
    *out = pj;
    return pj ? PM_OK : PM_EDATA;
}

/* Why PROJ failed: its logged message, else its error code's text. */
static const char *why(PJ_CONTEXT *ctx, const proj_log *l)
{
    if (l->msg[0]) return l->msg;
    int e = proj_context_errno(ctx);
    if (e) return proj_context_errno_string(ctx, e);
    return "not a coordinate reference system";
}

/* WKT and PROJJSON definitions can be kilobytes long: quote the start only. */
static char *crs_error(const char *what, const char *def, PJ_CONTEXT *ctx, const proj_log *l)
{
    if (!def) return pm_asprintf("%s: no CRS given", what);
    int cut = strlen(def) > 80;
    return pm_asprintf("%s \"%.80s%s\": %s", what, def, cut ? "..." : "", why(ctx, l));
}

static void set_err(char **err, char *msg)
{
    if (err && !*err) *err = msg;
    else free(msg);
}

pm_status pm_proj_new(const char *from, const char *to, pm_proj **out, char **err)
{
    PJ *src = NULL, *dst = NULL, *op = NULL;
    pm_status st = PM_ENOMEM;
    *out = NULL;
    if (err) *err = NULL;
    pm_proj *p = calloc(1, sizeof *p);
    if (!p || !(p->ctx = ctx_new(&p->log))) goto fail;
    if ((st = crs_new(p->ctx, from, &src)) != PM_OK) {
        if (st == PM_EDATA) set_err(err, crs_error("unknown CRS", from, p->ctx, &p->log));
        goto fail;
    }
    p->log.msg[0] = '\0';
    if ((st = crs_new(p->ctx, to, &dst)) != PM_OK) {
        if (st == PM_EDATA) set_err(err, crs_error("unknown CRS", to, p->ctx, &p->log));
        goto fail;
    }
    st = PM_EDATA;
    p->log.msg[0] = '\0';
    if (!(op = proj_create_crs_to_crs_from_pj(p->ctx, src, dst, NULL, NULL))) {
        set_err(err, pm_asprintf("no transformation from %.80s to %.80s: %s", from, to,
                                 why(p->ctx, &p->log)));
        goto fail;
    }
    /* Geographic CRSs from the EPSG registry are lat/lon; partymap is always x = lon. */
    if (!(p->pj = proj_normalize_for_visualization(p->ctx, op))) {
        set_err(err, pm_asprintf("cannot normalise the axis order of %.80s to %.80s: %s", from,
                                 to, why(p->ctx, &p->log)));
        goto fail;
    }
    proj_destroy(op);
    proj_destroy(dst);
    proj_destroy(src);
    *out = p;
    return PM_OK;
fail:
    proj_destroy(op);
    proj_destroy(dst);
    proj_destroy(src);
    pm_proj_free(p);
    return st;
}

void pm_proj_free(pm_proj *p)
{
    if (!p) return;
    proj_destroy(p->pj);
    if (p->ctx) proj_context_destroy(p->ctx);
    free(p);
}

pm_status pm_proj_points(pm_proj *p, pm_pt *pts, size_t n)
{
    if (n == 0) return PM_OK;
    proj_errno_reset(p->pj);
    /* pm_pt is {x, y}: PROJ walks the two coordinates with the struct as stride. */
    proj_trans_generic(p->pj, PJ_FWD, &pts[0].x, sizeof *pts, n, &pts[0].y, sizeof *pts, n,
                       NULL, 0, 0, NULL, 0, 0);
    pm_status st = PM_OK;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(pts[i].x) && isfinite(pts[i].y)) continue;
        pts[i].x = pts[i].y = HUGE_VAL;
        st = PM_EDATA;
    }
    proj_errno_reset(p->pj);
    return st;
}

pm_status pm_proj_geom(pm_proj *p, pm_geom *g)
{
    pm_status st = pm_proj_points(p, g->pts, g->npts);
    pm_geom_update_bbox(g);
    return st;
}

/* Looks through compound (horizontal part) and bound (source) CRSs. */
static int geographic(PJ_CONTEXT *ctx, const PJ *crs, int depth)
{
    PJ *sub = NULL;
    int r;
    switch (proj_get_type(crs)) {
    case PJ_TYPE_GEOGRAPHIC_CRS:
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
        return 1;
    case PJ_TYPE_COMPOUND_CRS:
        sub = proj_crs_get_sub_crs(ctx, crs, 0);
        break;
    case PJ_TYPE_BOUND_CRS:
        sub = proj_get_source_crs(ctx, crs);
        break;
    case PJ_TYPE_UNKNOWN:
        return -1;
    default:
        return proj_is_crs(crs) ? 0 : -1;
    }
    r = sub && depth < 4 ? geographic(ctx, sub, depth + 1) : -1;
    proj_destroy(sub);
    return r;
}

int pm_proj_is_geographic(const char *crs)
{
    proj_log l;
    PJ *pj = NULL;
    PJ_CONTEXT *ctx = ctx_new(&l);
    int r = -1;
    if (!ctx) return -1;
    if (crs_new(ctx, crs, &pj) == PM_OK) r = geographic(ctx, pj, 0);
    proj_destroy(pj);
    proj_context_destroy(ctx);
    return r;
}

char *pm_proj_crs_name(const char *crs)
{
    proj_log l;
    PJ *pj = NULL;
    PJ_CONTEXT *ctx = ctx_new(&l);
    char *name = NULL;
    if (!ctx) return NULL;
    if (crs_new(ctx, crs, &pj) == PM_OK && proj_get_name(pj)) name = pm_strdup(proj_get_name(pj));
    proj_destroy(pj);
    proj_context_destroy(ctx);
    return name;
}

pm_status pm_proj_crs_describe(const char *crs, int *epsg, char **wkt1, char **geog)
{
    *epsg = 0;
    *wkt1 = *geog = NULL;
    proj_log l;
    PJ *pj = NULL, *base = NULL;
    PJ_CONTEXT *ctx = ctx_new(&l);
    if (!ctx) return PM_ENOMEM;
    pm_status st = crs_new(ctx, crs, &pj);
    const char *auth = st ? NULL : proj_get_id_auth_name(pj, 0);
    const char *code = st ? NULL : proj_get_id_code(pj, 0);
    if (auth && code && strcmp(auth, "EPSG") == 0) *epsg = atoi(code);
    if (!st && !*epsg) { /* "+proj=..." or WKT without an ID: ask the registry */
        PJ_OBJ_LIST *cands = NULL;
        int *conf = NULL;
        cands = proj_identify(ctx, pj, "EPSG", NULL, &conf);
        if (cands && proj_list_get_count(cands) > 0 && conf && conf[0] >= 90) {
            PJ *c = proj_list_get(ctx, cands, 0);
            const char *cc = c ? proj_get_id_code(c, 0) : NULL;
            if (cc) *epsg = atoi(cc);
            proj_destroy(c);
        }
        proj_int_list_destroy(conf);
        proj_list_destroy(cands);
    }
    const char *w = st ? NULL : proj_as_wkt(ctx, pj, PJ_WKT1_GDAL, NULL);
    if (!st && !(base = proj_crs_get_geodetic_crs(ctx, pj))) st = PM_EDATA;
    const char *g = st ? NULL : proj_as_wkt(ctx, base, PJ_WKT2_2019, NULL);
    if (!st && (!w || !g)) st = PM_EDATA;
    if (!st && (!(*wkt1 = pm_strdup(w)) || !(*geog = pm_strdup(g)))) st = PM_ENOMEM;
    if (st) { free(*wkt1); free(*geog); *wkt1 = *geog = NULL; }
    proj_destroy(base);
    proj_destroy(pj);
    proj_context_destroy(ctx);
    return st;
}
