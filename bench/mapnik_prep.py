#!/usr/bin/python3
"""Mapnik's copy of a partymap map: the same data layers in EPSG:3857 and an XML style.

Reads a partymap project (config, style file, evaluations) with GDAL/OGR, joins the
year's indicator to the committees and classifies it with the style's manual
thresholds, and writes into OUT/: committees.geojson (name, cls), boundary.geojson
(the union of the committees), rivers.geojson, roads.geojson (clipped to the
committees, as partymap draws them) and service.xml, a Mapnik style that draws what
partymap's tile pyramid draws: class fills, 1 px white outlines, the outer boundary,
roads, and Noto Sans CJK SC labels with halos from z14.

The class colours come from the legend partymap wrote into its MBTiles package of
the same map and year (so both renderers use exactly the same colours).

usage: mapnik_prep.py CONFIG MAP YEAR PARTYMAP.mbtiles OUTDIR
"""
import csv
import json
import os
import sqlite3
import sys

from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()


def srs(code):
    s = osr.SpatialReference()
    s.ImportFromEPSG(code)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def project(geom, src):
    g = geom.Clone()
    if src is not None:
        g.AssignSpatialReference(src)
        g.TransformTo(srs(3857))
    return g


def write_geojson(path, feats):
    """feats: list of (ogr geometry in EPSG:3857, properties dict)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for i, (g, props) in enumerate(feats):
            if i:
                f.write(",\n")
            f.write('{"type":"Feature","properties":%s,"geometry":%s}'
                    % (json.dumps(props, ensure_ascii=False), g.ExportToJson(["COORDINATE_PRECISION=2"])))
        f.write("\n]}\n")


def layer_feats(path):
    ds = ogr.Open(path)
    lyr = ds.GetLayer(0)
    src = lyr.GetSpatialRef()
    if src is not None:
        src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        if g is None:
            continue
        out.append((project(g, src), {k: f.GetField(k) for k in f.keys()}))
    return out


def legend_colours(mbtiles):
    db = sqlite3.connect(mbtiles)
    row = db.execute("select value from metadata where name='json'").fetchone()
    db.close()
    return [c["color"] for c in json.loads(row[0])["legend"]["classes"]]


def classify(v, thresholds):
    k = 0
    while k < len(thresholds) and v >= thresholds[k]:
        k += 1
    return k


def prep(config, mapid, year, mbtiles, out):
    os.makedirs(out, exist_ok=True)
    base = os.path.dirname(os.path.abspath(config))
    cfg = json.load(open(config, encoding="utf-8"))
    style = json.load(open(os.path.join(base, cfg.get("styles", "styles"), mapid + ".json"), encoding="utf-8"))
    if style["classify"]["method"] != "manual":
        raise SystemExit("mapnik_prep: only manual classes are supported (map %s)" % mapid)
    thresholds = style["classify"]["thresholds"]
    src = cfg["sources"]
    fields = src["committees"].get("fields", {})
    fcode, fname = fields.get("code", "code"), fields.get("name", "name")
    values = {}
    with open(os.path.join(base, src["evaluations"]["path"]), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["year"]) == year and row.get(style["indicator"], "") not in ("", None):
                values[row["code"]] = float(row[style["indicator"]])
    comm = []
    union = None
    for g, p in layer_feats(os.path.join(base, src["committees"]["path"])):
        code = str(p[fcode])
        cls = classify(values[code], thresholds) if code in values else -1
        comm.append((g, {"name": p[fname], "cls": cls}))
    union = ogr.Geometry(ogr.wkbMultiPolygon)
    for g, _ in comm:
        if g.GetGeometryType() in (ogr.wkbMultiPolygon, ogr.wkbMultiPolygon25D):
            for k in range(g.GetGeometryCount()):
                union.AddGeometry(g.GetGeometryRef(k))
        else:
            union.AddGeometry(g)
    union = union.UnionCascaded()
    write_geojson(os.path.join(out, "committees.geojson"), comm)
    write_geojson(os.path.join(out, "boundary.geojson"), [(union, {})])
    rivers, roads = [], []
    for c in src.get("context", []):
        path = os.path.join(base, c["path"])
        if c["role"] == "river":
            rivers += [(g, {}) for g, _ in layer_feats(path)]
        elif c["role"] == "road":
            for g, p in layer_feats(path):
                clipped = g.Intersection(union)
                if clipped is not None and not clipped.IsEmpty():
                    roads.append((clipped, {"major": 1 if p.get("class") == "primary" else 0}))
    write_geojson(os.path.join(out, "rivers.geojson"), rivers)
    write_geojson(os.path.join(out, "roads.geojson"), roads)
    colours = legend_colours(mbtiles)
    with open(os.path.join(out, "service.xml"), "w", encoding="utf-8") as f:
        f.write(style_xml(colours, style.get("nodata", "#d9d9d9"), style.get("outline", "#ffffff")))


# Web Mercator as Mapnik knows it without a PROJ lookup.
MERC_SRS = ("+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 "
            "+units=m +nadgrids=@null +wktext +no_defs")


# Scale denominators of the 256 px zoom levels (Mapnik's 0.28 mm pixel).
def denom(z):
    return 559082264.028 / (2 ** z)


def between(zmin, zmax):
    """Rule limits for zooms zmin..zmax inclusive (None = open)."""
    s = ""
    if zmin is not None:
        s += "<MaxScaleDenominator>%.3f</MaxScaleDenominator>" % (denom(zmin) * 1.5)
    if zmax is not None:
        s += "<MinScaleDenominator>%.3f</MinScaleDenominator>" % (denom(zmax) / 1.5)
    return s


def style_xml(colours, nodata, outline):
    # partymap (src/tiles/pyramid.c zoom_init, src/render/draw.c): outline 0.7 px below
    # z15 and 1 px from z15; the outer boundary a 1.6 px band (stroked 3.2 px under the
    # fills); roads w = 1.9 (primary) or 1.2 × outline width on a white casing 2.2 w;
    # names from z14 at 12/13/14 px, ink #212126, a 3 px wide white halo at 0.9.
    fills = "".join('<Rule><Filter>[cls] = %d</Filter><PolygonSymbolizer fill="%s"/></Rule>' % (k, c)
                    for k, c in enumerate(colours))
    fills += '<Rule><Filter>[cls] = -1</Filter><PolygonSymbolizer fill="%s"/></Rule>' % nodata
    lines = ('<Rule>%s<LineSymbolizer stroke="%s" stroke-width="0.7" stroke-linejoin="round" stroke-linecap="round"/></Rule>'
             '<Rule>%s<LineSymbolizer stroke="%s" stroke-width="1.0" stroke-linejoin="round" stroke-linecap="round"/></Rule>'
             % (between(None, 14), outline, between(15, None), outline))
    roads = ""
    for zmin, zmax, ow in ((None, 14, 0.7), (15, None, 1.0)):
        for major, f in ((1, 1.9), (0, 1.2)):
            w = f * ow
            roads += ('<Rule>%s<Filter>[major] = %d</Filter>'
                      '<LineSymbolizer stroke="#ffffff" stroke-opacity="0.55" stroke-width="%.3f" stroke-linejoin="round" stroke-linecap="round"/>'
                      '<LineSymbolizer stroke="#6b6661" stroke-opacity="0.75" stroke-width="%.3f" stroke-linejoin="round" stroke-linecap="round"/>'
                      '</Rule>' % (between(zmin, zmax), major, w * 2.2, w))
    labels = ""
    for zmin, zmax, size in ((14, 14, 12), (15, 15, 13), (16, None, 14)):
        labels += ('<Rule>%s<TextSymbolizer face-name="Noto Sans CJK SC Regular" size="%d" fill="#212126" '
                   'halo-fill="rgba(255,255,255,0.9)" halo-radius="1.5" placement="interior" '
                   'margin="3">[name]</TextSymbolizer></Rule>' % (between(zmin, zmax), size))
    def layer(name, styles, path):
        return ('<Layer name="%s" srs="%s">%s<Datasource><Parameter name="type">geojson</Parameter>'
                '<Parameter name="file">%s</Parameter></Datasource></Layer>'
                % (name, MERC_SRS, "".join("<StyleName>%s</StyleName>" % s for s in styles), path))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<Map srs="%s" buffer-size="128">\n'
            '<Style name="rivers"><Rule><PolygonSymbolizer fill="#b8d6eb"/></Rule></Style>\n'
            '<Style name="boundary"><Rule><LineSymbolizer stroke="#4d3833" stroke-width="3.2" stroke-linejoin="round"/></Rule></Style>\n'
            '<Style name="fills">%s</Style>\n<Style name="outlines">%s</Style>\n'
            '<Style name="roads">%s</Style>\n<Style name="labels">%s</Style>\n'
            '%s\n%s\n%s\n%s\n%s\n</Map>\n'
            % (MERC_SRS, fills, lines, roads, labels,
               layer("rivers", ["rivers"], "rivers.geojson"),
               layer("boundary", ["boundary"], "boundary.geojson"),
               layer("committees", ["fills", "outlines"], "committees.geojson"),
               layer("roads", ["roads"], "roads.geojson"),
               layer("labels", ["labels"], "committees.geojson")))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    prep(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
