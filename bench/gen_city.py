#!/usr/bin/python3
"""A synthetic city for the benchmark: deterministic, Shanghai-sized.

Writes into OUTDIR a partymap project (partymap.json, styles/service.json copied from
the repository) and its data: about 6,000 residential committees as a tessellation of
jittered hexagons (shared vertices and edge midpoints jittered alike, so neighbours
share their edges exactly) over an 80 x 80 km square centred on People's Square, with
12-digit codes, Chinese names, households and population; 120,000 co-building
projects and 300 platforms as points inside them; a river and ten main roads as
context; and an evaluation table for 2015 and 2016.  Same output for the same
arguments, byte for byte.

usage: gen_city.py OUTDIR [REPO]
"""
import json
import math
import os
import random
import shutil
import sys

from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()

CENTRE = (121.4737, 31.2304)   # People's Square
SIDE_KM = 80.0
COMMITTEES = 6000
PROJECTS = 120000
PLATFORMS = 300
SEED = 20161231

SURNAMES = "长寿宜昌曹杨甘泉石泉真如万里长风桃浦宜川梅川武宁石门静安江宁曹家渡天目彭浦临汾共和大宁芷江北站宝山淞南张庙吴淞友谊泗塘杨行罗店顾村" \
           "徐汇天平湖南枫林斜土龙华田林康健虹梅凌云漕河泾华泾长桥长宁新华江苏华阳周家桥虹桥仙霞新泾程家桥北新泾花木洋泾陆家嘴塘桥潍坊金杨"
SUFFIX = ["一村", "二村", "三村", "新村", "苑", "里", "坊", "园", "小区", "公寓", "花园", "东", "西", "南", "北", "中"]


def utm():
    s = osr.SpatialReference()
    s.ImportFromEPSG(32651)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def wgs84():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def jitter(key, amount):
    """A deterministic offset for a lattice point or edge: equal keys, equal offsets."""
    r = random.Random(hash_key(key))
    return (r.uniform(-amount, amount), r.uniform(-amount, amount))


def hash_key(key):
    h = 1469598103934665603
    for v in key:
        h = ((h ^ (v & 0xffffffff)) * 1099511628211) & 0xffffffffffffffff
    return h ^ SEED


def hexagons(to_utm):
    """Jittered pointy-top hexagons covering the square, in UTM metres."""
    area = SIDE_KM * SIDE_KM * 1e6 / COMMITTEES
    s = math.sqrt(area / (1.5 * math.sqrt(3)))
    w, h = math.sqrt(3) * s, 1.5 * s
    cx, cy, _ = to_utm.TransformPoint(CENTRE[0], CENTRE[1])
    half = SIDE_KM * 500
    rows = int(2 * half / h) + 2
    cols = int(2 * half / w) + 2
    out = []
    for r in range(rows):
        for c in range(cols):
            x = cx - half + c * w + (w / 2 if r % 2 else 0)
            y = cy - half + r * h
            if abs(x - cx) > half or abs(y - cy) > half:
                continue
            # corners on a doubled lattice: corner k of cell (r, c) has a global key
            ring = []
            for k in range(6):
                a = math.radians(60 * k - 30)
                px, py = x + s * math.cos(a), y + s * math.sin(a)
                key = (int(round(px * 2 / s)), int(round(py * 2 / s)))
                jx, jy = jitter(key, 0.18 * s)
                ring.append((px + jx, py + jy, key))
            pts = []
            for k in range(6):
                ax, ay, ka = ring[k]
                bx, by, kb = ring[(k + 1) % 6]
                pts.append((ax, ay))
                ek = tuple(sorted([ka, kb]))
                jx, jy = jitter(ek[0] + ek[1], 0.12 * s)
                pts.append(((ax + bx) / 2 + jx, (ay + by) / 2 + jy))
            out.append((x, y, pts))
    return out


def name_of(r):
    a = r.randrange(0, len(SURNAMES) - 1)
    return SURNAMES[a:a + 2] + SUFFIX[r.randrange(len(SUFFIX))]


def write_committees(path, cells, to_wgs):
    drv = ogr.GetDriverByName("ESRI Shapefile")
    if os.path.exists(path):
        drv.DeleteDataSource(path)
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer("committees", wgs84(), ogr.wkbPolygon, options=["ENCODING=UTF-8"])
    for name, kind, width in (("code", ogr.OFTString, 12), ("name", ogr.OFTString, 40),
                              ("households", ogr.OFTInteger, 0), ("population", ogr.OFTInteger, 0)):
        fd = ogr.FieldDefn(name, kind)
        if width:
            fd.SetWidth(width)
        lyr.CreateField(fd)
    r = random.Random(SEED)
    rows = []
    for i, (_, _, pts) in enumerate(cells):
        ring = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in pts + [pts[0]]:
            lon, lat, _ = to_wgs.TransformPoint(x, y)
            ring.AddPoint_2D(round(lon, 7), round(lat, 7))
        poly = ogr.Geometry(ogr.wkbPolygon)
        poly.AddGeometry(ring)
        code = "31%010d" % (1000000000 + i)
        households = r.randint(800, 4200)
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("code", code)
        f.SetField("name", name_of(r))
        f.SetField("households", households)
        f.SetField("population", int(households * r.uniform(2.3, 2.9)))
        f.SetGeometry(poly)
        lyr.CreateFeature(f)
        rows.append(code)
    ds = None
    return rows


def write_points(path, cells, n, to_wgs, kind):
    r = random.Random(SEED + n)
    cats = ["文化体育", "环境整治", "为老服务", "青少年", "就业帮扶", "平安建设"]
    partners = ["区卫健委", "街道社区党委", "区文旅局", "上海某某物业有限公司", "社区基金会", "区青年联合会"]
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for i in range(n):
            x, y, pts = cells[r.randrange(len(cells))]
            # a point near the cell's centre: well inside the jittered hexagon
            d, a = r.uniform(0, 0.45) * math.dist(pts[0], (x, y)), r.uniform(0, 2 * math.pi)
            lon, lat, _ = to_wgs.TransformPoint(x + d * math.cos(a), y + d * math.sin(a))
            if kind == "project":
                props = {"category": cats[i % len(cats)], "id": "P%06d" % (i + 1),
                         "name": "共建项目%d" % (i + 1), "partner": partners[r.randrange(len(partners))],
                         "status": ("running", "planned", "finished")[r.randrange(3)]}
            else:
                props = {"id": "S%03d" % (i + 1), "name": "党群服务站%d" % (i + 1),
                         "partner": "街道社区党委", "status": "running", "type": "党群服务站"}
            f.write('%s{"type":"Feature","properties":%s,"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}'
                    % (",\n" if i else "", json.dumps(props, ensure_ascii=False, sort_keys=True), lon, lat))
        f.write("\n]}\n")


def write_context(out, to_wgs, to_utm):
    cx, cy, _ = to_utm.TransformPoint(CENTRE[0], CENTRE[1])
    half = SIDE_KM * 500
    # a meandering river, 400 m wide, north-south through the city
    left, right = [], []
    for k in range(81):
        y = cy - half + k * 2 * half / 80
        x = cx + 6000 * math.sin(k / 9.0) + 2500 * math.sin(k / 3.1)
        left.append((x - 200, y))
        right.append((x + 200, y))
    ring = left + right[::-1]
    coords = [list(map(lambda v: round(v, 6), to_wgs.TransformPoint(x, y)[:2])) for x, y in ring]
    coords.append(coords[0])
    with open(os.path.join(out, "context_river.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "黄浦江"},
                   "geometry": {"type": "Polygon", "coordinates": [coords]}}]}, f, ensure_ascii=False)
    feats = []
    for k in range(10):
        horizontal = k % 2 == 0
        off = -half + (k // 2 + 1) * 2 * half / 6
        line = []
        for t in range(41):
            u = -half + t * 2 * half / 40
            x, y = (cx + u, cy + off + 1500 * math.sin(t / 5.0)) if horizontal else (cx + off + 1500 * math.sin(t / 5.0), cy + u)
            line.append([round(v, 6) for v in to_wgs.TransformPoint(x, y)[:2]])
        feats.append({"type": "Feature", "properties": {"class": "primary" if k < 6 else "secondary",
                      "name": "干道%d号" % (k + 1)}, "geometry": {"type": "LineString", "coordinates": line}})
    with open(os.path.join(out, "context_roads.geojson"), "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f, ensure_ascii=False)


def write_evaluations(path, codes):
    r = random.Random(SEED + 7)
    with open(path, "w", encoding="utf-8") as f:
        f.write("code,year,service,satisfaction,workforce,needs,questionnaires_key,questionnaires_random\n")
        for code in codes:
            base = r.uniform(68, 95)
            for year in (2015, 2016):
                s = min(99.5, base + (year - 2015) * r.uniform(-2, 5))
                f.write("%s,%d,%.1f,%.1f,%.1f,%d,,\n" % (code, year, s, min(99.5, s + r.uniform(-4, 4)),
                                                        r.uniform(40, 95), r.randint(5, 200)))


def main():
    out = sys.argv[1]
    repo = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = os.path.join(out, "data")
    os.makedirs(data, exist_ok=True)
    to_utm = osr.CoordinateTransformation(wgs84(), utm())
    to_wgs = osr.CoordinateTransformation(utm(), wgs84())
    cells = hexagons(to_utm)
    codes = write_committees(os.path.join(data, "committees.shp"), cells, to_wgs)
    write_points(os.path.join(data, "projects.geojson"), cells, PROJECTS, to_wgs, "project")
    write_points(os.path.join(data, "platforms.geojson"), cells, PLATFORMS, to_wgs, "platform")
    write_context(data, to_wgs, to_utm)
    write_evaluations(os.path.join(data, "evaluations.csv"), codes)
    os.makedirs(os.path.join(out, "styles"), exist_ok=True)
    shutil.copy(os.path.join(repo, "styles", "service.json"), os.path.join(out, "styles", "service.json"))
    cfg = {
        "name": "上海市（合成）", "title_prefix": "上海市居民区", "credits": "partymap benchmark: synthetic data",
        "sources": {
            "committees": {"path": "data/committees.shp", "encoding": "UTF-8",
                           "fields": {"code": "code", "name": "name", "households": "households", "population": "population"}},
            "platforms": {"path": "data/platforms.geojson", "fields": {"category": "type"}},
            "projects": {"path": "data/projects.geojson"},
            "evaluations": {"path": "data/evaluations.csv"},
            "context": [{"role": "river", "path": "data/context_river.geojson"},
                        {"role": "road", "path": "data/context_roads.geojson"}],
        },
        "print": {"crs": "EPSG:4549", "page": "A1", "orientation": "landscape", "preview_dpi": 40},
        "tiles": {"minzoom": 10, "maxzoom": 16, "hidpi": False, "quantize": True},
        "font": "Noto Sans CJK SC",
        "maps": ["service"], "styles": "styles", "output": "out",
    }
    with open(os.path.join(out, "partymap.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
    print("gen_city: %d committees, %d projects, %d platforms in %s" % (len(cells), PROJECTS, PLATFORMS, out))


if __name__ == "__main__":
    main()
