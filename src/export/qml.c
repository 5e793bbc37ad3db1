/* QML text for QGIS: graduated fills, labels and temporal settings matching a partymap map. */
#include "export/qml.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void pm_qml_range(const pm_qml_spec *s, size_t i, double *lower, double *upper)
{
    const pm_classes *c = &s->th->classes;
    size_t n = c->n;
    double lo = c->bounds[i], hi = c->bounds[i + 1];
    if (i + 1 < n) {
        hi = nextafter(hi, -INFINITY);
    } else {
        if (isfinite(s->vmax) && (!isfinite(hi) || hi < s->vmax)) hi = s->vmax;
        if (!isfinite(hi)) hi = DBL_MAX;
    }
    if (i == 0) {
        if (isfinite(s->vmin) && (!isfinite(lo) || lo > s->vmin)) lo = s->vmin;
        if (!isfinite(lo)) lo = -DBL_MAX;
    }
    /* an open end class with no value of the layer in it shrinks to its one bound */
    if (lo > hi && i == 0) lo = hi;
    if (lo > hi) hi = lo;
    *lower = lo;
    *upper = hi;
}

/* s with XML's special characters escaped, for attribute values and text. */
static void put_esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void rgba_text(char *buf, size_t len, pm_rgba c)
{
    snprintf(buf, len, "%ld,%ld,%ld,%ld", lround(c.r * 255), lround(c.g * 255),
             lround(c.b * 255), lround(c.a * 255));
}

/* QGIS reads the <Option> map (3.x) and older releases the <prop> list: write both. */
static void put_fill_layer(FILE *f, pm_rgba fill, pm_rgba outline)
{
    static const char *const keys[] = { "color", "outline_color", "outline_style",
                                        "outline_width", "outline_width_unit", "style",
                                        "joinstyle" };
    char vals[7][48];
    rgba_text(vals[0], sizeof vals[0], fill);
    rgba_text(vals[1], sizeof vals[1], outline);
    snprintf(vals[2], sizeof vals[2], "solid");
    snprintf(vals[3], sizeof vals[3], "0.3");
    snprintf(vals[4], sizeof vals[4], "MM");
    snprintf(vals[5], sizeof vals[5], "solid");
    snprintf(vals[6], sizeof vals[6], "bevel");
    fputs("        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
          "          <Option type=\"Map\">\n", f);
    for (int k = 0; k < 7; k++)
        fprintf(f, "            <Option name=\"%s\" type=\"QString\" value=\"%s\"/>\n", keys[k], vals[k]);
    fputs("          </Option>\n", f);
    for (int k = 0; k < 7; k++) fprintf(f, "          <prop k=\"%s\" v=\"%s\"/>\n", keys[k], vals[k]);
    fputs("        </layer>\n", f);
}

static void put_symbol(FILE *f, const char *name, pm_rgba fill, pm_rgba outline)
{
    fprintf(f, "      <symbol type=\"fill\" name=\"%s\" alpha=\"1\" clip_to_extent=\"1\" "
            "force_rhr=\"0\">\n", name);
    put_fill_layer(f, fill, outline);
    fputs("      </symbol>\n", f);
}

static const char *method_id(pm_classify_method m)
{
    switch (m) {
    case PM_CLASSIFY_QUANTILE: return "Quantile";
    case PM_CLASSIFY_JENKS: return "Jenks";
    case PM_CLASSIFY_EQUAL: return "EqualInterval";
    default: return "Custom"; /* manual thresholds, diverging classes */
    }
}

static void put_renderer(FILE *f, const pm_qml_spec *s)
{
    const pm_thematic *th = s->th;
    fputs("  <renderer-v2 type=\"graduatedSymbol\" attr=\"", f);
    put_esc(f, s->attr);
    fprintf(f, "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" forceraster=\"0\" "
            "referencescale=\"-1\" enableorderby=\"%d\">\n    <ranges>\n", s->time_field ? 1 : 0);
    for (size_t i = 0; i < th->classes.n; i++) {
        double lo, hi;
        pm_qml_range(s, i, &lo, &hi);
        fprintf(f, "      <range symbol=\"%zu\" lower=\"%.17g\" upper=\"%.17g\" label=\"", i, lo, hi);
        put_esc(f, th->labels[i]);
        fputs("\" render=\"true\"/>\n", f);
    }
    fputs("    </ranges>\n    <symbols>\n", f);
    for (size_t i = 0; i < th->classes.n; i++) {
        char name[24];
        snprintf(name, sizeof name, "%zu", i);
        put_symbol(f, name, th->colors[i], th->style->outline);
    }
    fputs("    </symbols>\n    <source-symbol>\n", f);
    put_symbol(f, "0", th->classes.n ? th->colors[0] : th->style->nodata, th->style->outline);
    fprintf(f, "    </source-symbol>\n    <classificationMethod id=\"%s\">\n"
            "      <symmetricMode enabled=\"0\" symmetrypoint=\"0\" astride=\"0\"/>\n"
            "      <labelFormat format=\"%%1 - %%2\" labelprecision=\"%d\" trimtrailingzeroes=\"0\"/>\n"
            "      <parameters><Option/></parameters>\n      <extraInformation/>\n"
            "    </classificationMethod>\n    <rotation/>\n    <sizescale/>\n",
            method_id(th->style->classify.method), th->style->decimals);
    if (s->time_field) {
        fputs("    <orderby>\n      <orderByClause asc=\"1\" nullsFirst=\"0\">&quot;", f);
        put_esc(f, s->time_field);
        fputs("&quot;</orderByClause>\n    </orderby>\n", f);
    }
    fputs("  </renderer-v2>\n", f);
}

static void put_labeling(FILE *f, const pm_qml_spec *s)
{
    fputs("  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
          "      <text-style fieldName=\"", f);
    put_esc(f, s->label_field);
    fputs("\" isExpression=\"0\" fontFamily=\"", f);
    put_esc(f, s->font);
    fputs("\" namedStyle=\"Regular\" fontSize=\"9\" fontSizeUnit=\"Point\" fontWeight=\"50\" "
          "fontItalic=\"0\" textColor=\"51,51,51,255\" textOpacity=\"1\" multilineHeight=\"1\" "
          "capitalization=\"0\" blendMode=\"0\" allowHtml=\"0\" textOrientation=\"horizontal\">\n"
          "        <families/>\n"
          "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" "
          "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.9\" bufferNoFill=\"1\" "
          "bufferJoinStyle=\"128\" bufferBlendMode=\"0\"/>\n"
          "      </text-style>\n"
          "      <text-format wrapChar=\"\" autoWrapLength=\"0\" multilineAlign=\"3\"/>\n"
          /* offset from the centroid, forced inside the polygon (pole of inaccessibility),
           * as partymap places its labels at the visual centre */
          "      <placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" "
          "fitInPolygonOnly=\"0\" quadOffset=\"4\" dist=\"0\" distUnits=\"MM\" "
          "offsetType=\"0\" priority=\"5\" polygonPlacementFlags=\"2\" placementFlags=\"10\"/>\n"
          "      <rendering drawLabels=\"1\" obstacle=\"1\" obstacleType=\"1\" obstacleFactor=\"1\" "
          "displayAll=\"0\" labelPerPart=\"0\" mergeLines=\"0\" scaleVisibility=\"0\" "
          "limitNumLabels=\"0\" maxNumLabels=\"2000\" minFeatureSize=\"0\" upsidedownLabels=\"0\" "
          "zIndex=\"0\" fontLimitPixelSize=\"0\"/>\n"
          "    </settings>\n  </labeling>\n", f);
}

/* Start and end of the row's year, so QGIS's temporal controller shows one year at a time. */
static void put_temporal(FILE *f, const char *field)
{
    fputs("  <temporal enabled=\"1\" mode=\"4\" accumulate=\"0\" limitMode=\"0\" "
          "startField=\"\" endField=\"\" durationField=\"\" durationUnit=\"min\" "
          "fixedDuration=\"0\" startExpression=\"make_date(&quot;", f);
    put_esc(f, field);
    fputs("&quot;,1,1)\" endExpression=\"make_date(&quot;", f);
    put_esc(f, field);
    fputs("&quot;,12,31)\">\n    <fixedRange><start></start><end></end></fixedRange>\n"
          "  </temporal>\n", f);
}

char *pm_qml_graduated(const pm_qml_spec *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            "<qgis version=\"3.22.16-Białowieża\" styleCategories=\"Symbology|Labeling%s\" "
            "labelsEnabled=\"1\">\n", s->time_field ? "|Temporal" : "");
    if (s->time_field) put_temporal(f, s->time_field);
    put_renderer(f, s);
    put_labeling(f, s);
    fputs("  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n"
          "  <layerGeometryType>2</layerGeometryType>\n</qgis>\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}
