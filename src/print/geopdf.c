/* Geospatial PDF viewports: frame box, corner coordinates and the CRS as PDF dictionaries. */
#include "print/geopdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/proj.h"
#include "print/pdfobj.h"

/* Corners in the order of LPTS below: top-left, bottom-left, bottom-right, top-right
 * (ISO 32000-2 §12.10: LPTS are the points of GPTS in the viewport's unit square,
 * y up). */
static const double LPTS[8] = { 0, 1, 0, 0, 1, 0, 1, 1 };

struct pm_geopdf_crs {
    char *name;
    int epsg, geographic;
    char *wkt_literal;   /* the WKT as a PDF string */
    pm_proj *to_geog;
};

pm_status pm_geopdf_crs_new(const char *crs, pm_geopdf_crs **out, char **err)
{
    *out = NULL;
    pm_geopdf_crs *c = calloc(1, sizeof *c);
    char *wkt = NULL, *geog = NULL;
    pm_status st = c ? pm_proj_crs_describe(crs, &c->epsg, &wkt, &geog) : PM_ENOMEM;
    if (st == PM_EDATA && err) *err = pm_asprintf("%s: unknown CRS: no geospatial viewport", crs);
    if (!st) st = pm_proj_new(crs, geog, &c->to_geog, err);
    if (!st && (!(c->wkt_literal = pm_pdf_literal(wkt)) || !(c->name = pm_strdup(crs)))) st = PM_ENOMEM;
    if (!st) c->geographic = strncmp(wkt, "GEOGCS", 6) == 0;
    free(wkt);
    free(geog);
    if (st) { pm_geopdf_crs_free(c); return st; }
    *out = c;
    return PM_OK;
}

void pm_geopdf_crs_free(pm_geopdf_crs *c)
{
    if (!c) return;
    free(c->name);
    free(c->wkt_literal);
    pm_proj_free(c->to_geog);
    free(c);
}

const char *pm_geopdf_crs_name(const pm_geopdf_crs *c) { return c->name; }

static pm_status corners_latlon(const pm_view *v, pm_geopdf_crs *c, pm_pt ll[4], char **err)
{
    pm_pt dev[4] = { { v->x, v->y }, { v->x, v->y + v->h }, { v->x + v->w, v->y + v->h },
                     { v->x + v->w, v->y } };
    for (int i = 0; i < 4; i++) ll[i] = pm_view_to_crs(v, dev[i]);
    if (pm_proj_points(c->to_geog, ll, 4) == PM_OK) return PM_OK;
    if (err && !*err) *err = pm_asprintf("%s: the map frame's corners have no latitude and longitude", c->name);
    return PM_EDATA;
}

static pm_status put_numbers(char **b, size_t *len, size_t *cap, const double *v, size_t n, int dec)
{
    pm_status st = pm_pdfbuf_put(b, len, cap, "[", 1);
    for (size_t i = 0; !st && i < n; i++) {
        char num[64];
        pm_pdf_num(v[i], dec, num, sizeof num);
        st = pm_pdfbuf_printf(b, len, cap, " %s", num);
    }
    return st ? st : pm_pdfbuf_put(b, len, cap, " ]", 2);
}

pm_status pm_geopdf_viewport(const pm_view *v, pm_geopdf_crs *crs, const char *name,
                             const pm_geopdf_place *at, char **dict, char **err)
{
    *dict = NULL;
    char *nstr = pm_pdf_text_string(name ? name : ""), *b = NULL;
    size_t len = 0, cap = 0;
    pm_pt ll[4];
    pm_status st = nstr ? corners_latlon(v, crs, ll, err) : PM_ENOMEM;
    double bbox[4] = { at->ox + v->x, at->page_h - (at->oy + v->y + v->h), at->ox + v->x + v->w,
                       at->page_h - (at->oy + v->y) };
    double gpts[8];
    for (int i = 0; i < 4; i++) { gpts[2 * i] = ll[i].y; gpts[2 * i + 1] = ll[i].x; }
    if (!st) st = pm_pdfbuf_printf(&b, &len, &cap, "<< /Type /Viewport /Name %s /BBox ", nstr);
    if (!st) st = put_numbers(&b, &len, &cap, bbox, 4, 4);
    if (!st) st = pm_pdfbuf_printf(&b, &len, &cap, " /Measure << /Type /Measure /Subtype /GEO /Bounds ");
    if (!st) st = put_numbers(&b, &len, &cap, LPTS, 8, 0);
    if (!st) st = pm_pdfbuf_printf(&b, &len, &cap, " /LPTS ");
    if (!st) st = put_numbers(&b, &len, &cap, LPTS, 8, 0);
    if (!st) st = pm_pdfbuf_printf(&b, &len, &cap, " /GPTS ");
    if (!st) st = put_numbers(&b, &len, &cap, gpts, 8, 11);
    if (!st) st = pm_pdfbuf_printf(&b, &len, &cap, " /GCS << /Type /%s", crs->geographic ? "GEOGCS" : "PROJCS");
    if (!st && crs->epsg) st = pm_pdfbuf_printf(&b, &len, &cap, " /EPSG %d", crs->epsg);
    if (!st) st = pm_pdfbuf_printf(&b, &len, &cap, " /WKT %s >> /PDU [ /M /SQM /DEG ] >> >>", crs->wkt_literal);
    if (st) free(b);
    else *dict = b;
    free(nstr);
    return st;
}
