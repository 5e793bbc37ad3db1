#!/usr/bin/python3
"""Deterministic generator of partymap's bundled sample data (长寿路街道, Putuo, Shanghai).

Usage: /usr/bin/python3 geodata/gen_changshou.py [OUTDIR]   (default: geodata/changshou)

Needs only the standard library and osgeo (python3-gdal). Every random draw comes from
a small SplitMix64 generator with fixed seeds and every coordinate is an integer number
of micro-degrees, so the output is byte-identical on every run. The script checks the
published figures on the files it wrote and exits non-zero when one is off.
See geodata/README.md for what each file holds.
"""
import csv
import json
import math
import os
import sys

from osgeo import gdal, ogr, osr

ogr.UseExceptions()
osr.UseExceptions()
gdal.UseExceptions()

# ---------------------------------------------------------------------------
# Fixed inputs

# Hand-traced, simplified outline of 长寿路街道 (WGS 84 lon/lat, 4 decimals, ~10 m).
# Traced by eye from a plot of the real boundary; not a copy of any source's vertices.
# Starts at the western tip and runs clockwise: north-west edge, the notch and
# northern lobe, the east side, then back west along Suzhou Creek (the south-east edge
# and the southern tip), then up the west side.
OUTLINE = [
    (121.4113, 31.2410), (121.4150, 31.2436), (121.4195, 31.2463), (121.4236, 31.2482),
    (121.4258, 31.2498), (121.4284, 31.2522), (121.4292, 31.2514), (121.4310, 31.2512),
    (121.4331, 31.2500), (121.4340, 31.2515), (121.4352, 31.2546), (121.4362, 31.2551),
    (121.4372, 31.2543), (121.4379, 31.2521), (121.4392, 31.2517), (121.4433, 31.2521),
    (121.4457, 31.2530), (121.4463, 31.2521), (121.4461, 31.2503), (121.4446, 31.2481),
    (121.4438, 31.2470), (121.4446, 31.2459), (121.4455, 31.2452), (121.4447, 31.2444),
    (121.4414, 31.2434), (121.4385, 31.2416), (121.4358, 31.2400), (121.4333, 31.2389),
    (121.4316, 31.2376), (121.4285, 31.2371), (121.4266, 31.2371), (121.4247, 31.2347),
    (121.4233, 31.2322), (121.4218, 31.2314), (121.4198, 31.2306), (121.4181, 31.2335),
    (121.4162, 31.2373), (121.4147, 31.2389), (121.4125, 31.2403),
]
CREEK_FIRST, CREEK_LAST = 22, 34   # OUTLINE[22..34]: east tip .. southern tip, on the creek

SUBDISTRICT_CODE = "310107015"
N_COMMITTEES = 35
YEARS = (2014, 2015, 2016)
TEMPLE = (121.4455, 31.2425)       # 玉佛寺 (Jade Buddha Temple)

# Published figures the sample must reproduce.
GOOD_COUNT = {2015: 18, 2016: 28}  # committees rated 优秀/良好 (service >= 85)
YUFO_RANK = {2015: 20, 2016: 7}    # 玉佛城's rank by service score (1 = best)
N_PLATFORMS, N_PROJECTS, N_RUNNING = 14, 689, 217
N_PLANNED = 163                    # the other 689 - 217 - 163 = 309 are finished
NEEDS_TOTAL = 9742
NEEDS_BY_YEAR = {2014: 2806, 2015: 3215, 2016: 3721}
Q_KEY_2016, Q_RANDOM_2016 = 1790, 511
POPULATION_TOTAL = 99650           # "about 100,000 residents"

# Service tiers (score in tenths): 优秀 >= 90, 良好 >= 85, 合格 >= 75, 待提升 < 75.
# Per year: (lowest, highest, how many) per tier, best tier first.
SCORE_TIERS = {
    2014: [(900, 931, 2), (850, 899, 9), (750, 849, 16), (655, 749, 8)],
    2015: [(900, 946, 5), (850, 899, 13), (750, 849, 13), (680, 749, 4)],
    2016: [(900, 963, 9), (850, 899, 19), (765, 849, 5), (705, 749, 2)],
}

NAMES_REAL = ["玉佛城", "知音苑", "正红里", "圣骊澳门苑"]
NAMES_INVENTED = [
    "沙家浜", "梅芳里", "叶家宅", "西康", "胶州", "武宁", "长风", "昌化", "普雄", "大自鸣钟",
    "安远", "常德", "江宁", "莫干山", "宜昌", "苏河湾", "梦清园", "谈家渡", "余姚", "胜利村",
    "德安里", "海防", "新会", "潘家湾", "三官堂", "恒德里", "两湾城", "光复", "锦绣苑",
    "裕民", "延长西",
]
# Committees named after a street or place sit where that street or place is.
NAME_ANCHORS = [
    ("武宁", (121.4195, 31.2410)), ("长风", (121.4135, 31.2410)),
    ("西康", (121.4450, 31.2500)), ("江宁", (121.4420, 31.2460)),
    ("常德", (121.4385, 31.2480)), ("普雄", (121.4335, 31.2450)),
    ("宜昌", (121.4300, 31.2500)), ("苏河湾", (121.4300, 31.2390)),
    ("圣骊澳门苑", (121.4405, 31.2500)), ("梦清园", (121.4365, 31.2530)),
    ("谈家渡", (121.4205, 31.2330)),
]

CATEGORIES = [  # (category, weight, project topics)
    ("为老服务", 22, ["银龄助餐点", "长者日间照护", "老年助浴服务", "睦邻互助小组", "智慧养老体验",
                   "家门口养老顾问"]),
    ("青少年", 12, ["四点半课堂", "暑期爱心托班", "青少年科普讲堂", "亲子阅读会", "小小志愿者营"]),
    ("环境整治", 14, ["楼道微更新", "垃圾分类驿站", "口袋花园", "加装电梯协调", "弄堂美化"]),
    ("文化体育", 12, ["社区合唱团", "睦邻文化节", "健身步道", "书法沙龙", "社区乒乓联赛"]),
    ("就业帮扶", 8, ["就业技能培训", "家门口招聘会", "创业指导站", "灵活就业对接"]),
    ("助残", 7, ["阳光助残服务", "无障碍改造", "康复辅具租借", "残疾人就业辅导"]),
    ("社区治理", 14, ["居民议事会", "楼组自治公约", "物业纠纷调解", "平安志愿巡逻", "社区规划师"]),
    ("健康医疗", 11, ["家庭医生签约", "健康小屋", "慢病管理讲座", "社区义诊", "心理健康驿站"]),
]
PARTNERS = [  # invented co-building units of the area
    "上海苏河湾置业有限公司", "上海长寿商业广场管理有限公司", "上海莫干山路创意园区管理有限公司",
    "上海常德物业服务有限公司", "上海江宁物业管理有限公司", "上海西康路物流有限公司",
    "上海申普电力工程有限公司", "上海绿苑环境科技有限公司", "上海武宁科技园发展有限公司",
    "上海澳门路科创园管理有限公司", "上海普陀文化发展有限公司", "上海宜昌路菜场经营管理有限公司",
    "上海苏河律师事务所", "上海苏河社工师事务所", "上海星光公益服务社", "上海长寿养老服务中心",
    "长寿路商圈联合会", "普陀区长寿路社区卫生服务中心", "普陀区第二中心医院",
    "普陀区苏河中医门诊部", "上海市普陀区苏河中学", "普陀区西康路小学", "普陀区安远路幼儿园",
    "普陀区社区学院长寿路分院", "普陀区图书馆长寿分馆", "普陀区青少年活动中心长寿分部",
    "普陀区就业促进中心", "普陀区残疾人联合会", "普陀区红十字会长寿路工作站",
    "长寿路派出所", "长寿路市场监督管理所", "普陀区消防救援支队长寿路站",
]
BUILDING_POINTS = [  # (name, partner) of the three 党建服务点
    ("苏河湾楼宇党建服务点", "上海苏河湾置业有限公司"),
    ("长寿商圈党建服务点", "上海长寿商业广场管理有限公司"),
    ("莫干山路创意园区党建服务点", "上海莫干山路创意园区管理有限公司"),
]

ROADS = [  # (name, class, vertices): drawn by hand, plausible not surveyed
    ("长寿路", "primary", [(121.4255, 31.2335), (121.4268, 31.2378), (121.4320, 31.2405),
                          (121.4400, 31.2442), (121.4440, 31.2466), (121.4490, 31.2480)]),
    ("武宁路", "primary", [(121.4240, 31.2285), (121.4222, 31.2325), (121.4185, 31.2400),
                          (121.4140, 31.2480), (121.4110, 31.2540)]),
    ("江宁路", "primary", [(121.4428, 31.2360), (121.4422, 31.2440), (121.4415, 31.2520),
                          (121.4410, 31.2600)]),
    ("西康路", "secondary", [(121.4462, 31.2400), (121.4452, 31.2470), (121.4448, 31.2600)]),
    ("常德路", "secondary", [(121.4386, 31.2355), (121.4382, 31.2480), (121.4380, 31.2590)]),
    ("普雄路", "secondary", [(121.4342, 31.2396), (121.4338, 31.2505)]),
    ("宜昌路", "secondary", [(121.4262, 31.2492), (121.4330, 31.2508), (121.4400, 31.2514),
                            (121.4470, 31.2512)]),
]
# Neighbouring areas: label point inside each sector of the surrounding ring.
NEIGHBOURS = [
    ("天目西路街道", (121.4540, 31.2480)), ("宜川路街道", (121.4380, 31.2600)),
    ("石泉路街道", (121.4150, 31.2560)), ("曹杨新村街道", (121.4040, 31.2430)),
    ("长风新村街道", (121.4060, 31.2280)), ("华阳路街道", (121.4190, 31.2240)),
    ("曹家渡街道", (121.4320, 31.2260)), ("江宁路街道", (121.4480, 31.2330)),
]
RING_MARGIN = (0.0105, 0.0090)     # ~1 km in lon, lat
# Sector dividers: from an outline vertex straight out to a point on the ring's box.
DIVIDERS = [(16, (121.4568, 31.2600)), (5, (121.4250, 31.2641)), (1, (121.4008, 31.2500)),
            (0, (121.4008, 31.2360)), (34, (121.4120, 31.2216)), (32, (121.4260, 31.2216)),
            (27, (121.4390, 31.2216)), (22, (121.4568, 31.2420))]
# Suzhou Creek continues beyond the subdistrict at both ends of its boundary stretch.
CREEK_WEST = [(121.4130, 31.2268), (121.4172, 31.2282)]
CREEK_EAST = [(121.4500, 31.2466), (121.4560, 31.2474)]
CREEK_WIDTH_M = 70.0

# Local equirectangular frame for the generator's own geometry (metres); the checks
# use UTM 51N through PROJ instead.
LON0, LAT0 = 121.4290, 31.2430
KX, KY = 95172.0, 110874.0         # metres per degree of lon / lat at 31.24 N
MARGIN_M = 8.0                     # sampled points stay this far inside a committee
MICRO = 1000000


# ---------------------------------------------------------------------------
# Deterministic randomness and small helpers

class Rng:
    """SplitMix64: tiny, portable, identical on every Python version."""
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def random(self):
        return (self.next64() >> 11) * (1.0 / 9007199254740992.0)

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self.random()

    def below(self, n):
        return self.next64() % n

    def normal(self):
        # Irwin-Hall: pure arithmetic, so no libm differences between platforms.
        return sum(self.random() for _ in range(12)) - 6.0

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]

    def weighted(self, weights):
        r = self.random() * sum(weights)
        for i, w in enumerate(weights):
            r -= w
            if r < 0:
                return i
        return len(weights) - 1


def micro(v):
    """Degrees to integer micro-degrees (round half away from zero)."""
    return int(math.floor(v * MICRO + 0.5))


def fmt6(m):
    sign = "-" if m < 0 else ""
    m = abs(m)
    return "%s%d.%06d" % (sign, m // MICRO, m % MICRO)


def tenths(v):
    return int(math.floor(v * 10 + 0.5))


def fmt1(t):
    return "%d.%d" % (t // 10, t % 10)


def to_m(lon, lat):
    return ((lon - LON0) * KX, (lat - LAT0) * KY)


def to_ll(x, y):
    return (LON0 + x / KX, LAT0 + y / KY)


def apportion(total, weights, caps=None):
    """Largest-remainder split of an integer total by weights (ties by index)."""
    n = len(weights)
    caps = caps or [total] * n
    out = [0] * n
    left = total
    free = [i for i in range(n) if caps[i] > 0]
    while left > 0 and free:
        wsum = sum(weights[i] for i in free)
        shares = {i: left * weights[i] / wsum for i in free}
        add = {i: min(int(shares[i]), caps[i] - out[i]) for i in free}
        rest = left - sum(add.values())
        order = sorted(free, key=lambda i: (-(shares[i] - int(shares[i])), i))
        for i in order:
            if rest == 0:
                break
            if out[i] + add[i] < caps[i]:
                add[i] += 1
                rest -= 1
        for i in free:
            out[i] += add[i]
        left = total - sum(out)
        free = [i for i in free if out[i] < caps[i]]
    if left != 0:
        raise RuntimeError("apportion: caps too small")
    return out


# ---------------------------------------------------------------------------
# Geometry helpers (rings are lists of (x, y) micro-degree tuples, not closed)

def ring_area2(ring):
    s = 0
    for i in range(len(ring)):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % len(ring)]
        s += x1 * y2 - x2 * y1
    return s


def normalize_ring(ring, ccw=True):
    """Drop repeats, orient, and start at the smallest vertex: a canonical ring."""
    out = []
    for p in ring:
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if (ring_area2(out) > 0) != ccw:
        out.reverse()
    k = out.index(min(out))
    return out[k:] + out[:k]


def ogr_polygon(rings):
    poly = ogr.Geometry(ogr.wkbPolygon)
    for ring in rings:
        r = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in list(ring) + [ring[0]]:
            r.AddPoint_2D(x / MICRO, y / MICRO)
        poly.AddGeometry(r)
    return poly


def ogr_point(p):
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(p[0] / MICRO, p[1] / MICRO)
    return g


def ogr_line(pts):
    g = ogr.Geometry(ogr.wkbLineString)
    for x, y in pts:
        g.AddPoint_2D(x, y)
    return g


def polygon_rings(geom):
    """Micro-degree rings of an OGR polygon (exterior first)."""
    rings = []
    for k in range(geom.GetGeometryCount()):
        r = geom.GetGeometryRef(k)
        rings.append([(micro(r.GetX(i)), micro(r.GetY(i))) for i in range(r.GetPointCount())])
    return rings


def metric_geom(geom):
    """Copy of a lon/lat geometry in the local metric frame."""
    g = geom.Clone()
    _map_points(g, to_m)
    return g


def lonlat_geom(geom):
    g = geom.Clone()
    _map_points(g, to_ll)
    return g


def _map_points(g, fn):
    if g.GetGeometryCount() > 0:
        for k in range(g.GetGeometryCount()):
            _map_points(g.GetGeometryRef(k), fn)
        return
    for i in range(g.GetPointCount()):
        x, y = fn(g.GetX(i), g.GetY(i))
        g.SetPoint_2D(i, x, y)


def utm_transform():
    src = osr.SpatialReference()
    src.ImportFromEPSG(4326)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst = osr.SpatialReference()
    dst.ImportFromEPSG(32651)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(src, dst)


def in_utm(geom, ct):
    g = geom.Clone()
    g.Transform(ct)
    return g


# ---------------------------------------------------------------------------
# Committees: Lloyd-relaxed Voronoi cells clipped to the outline

def clip_halfplane(poly, a, b, c):
    """Sutherland-Hodgman step: keep the part of a convex polygon with a*x+b*y <= c."""
    out = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp = a * p[0] + b * p[1] - c
        fq = a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(seeds, box):
    cells = []
    for i, si in enumerate(seeds):
        poly = box
        for j, sj in enumerate(seeds):
            if j != i:
                a, b = sj[0] - si[0], sj[1] - si[1]
                c = (a * (sj[0] + si[0]) + b * (sj[1] + si[1])) / 2.0
                poly = clip_halfplane(poly, a, b, c)
        cells.append(poly)
    return cells


def clipped_cells(seeds, outline_geom, box):
    out = []
    for cell in voronoi_cells(seeds, box):
        ll = [to_ll(x, y) for x, y in cell]
        r = ogr.Geometry(ogr.wkbLinearRing)
        for x, y in ll + [ll[0]]:
            r.AddPoint_2D(x, y)
        g = ogr.Geometry(ogr.wkbPolygon)
        g.AddGeometry(r)
        out.append(g.Intersection(outline_geom))
    return out


def initial_seeds(rng, outline_geom, n):
    env = outline_geom.GetEnvelope()
    seeds = []
    tries = 0
    while len(seeds) < n:
        tries += 1
        if tries > 100000:
            raise RuntimeError("cannot place seeds")
        lon = rng.uniform(env[0], env[1])
        lat = rng.uniform(env[2], env[3])
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(lon, lat)
        if not outline_geom.Contains(pt):
            continue
        m = to_m(lon, lat)
        if all((m[0] - s[0]) ** 2 + (m[1] - s[1]) ** 2 >= 190.0 ** 2 for s in seeds):
            seeds.append(m)
    return seeds


def snap_rings(cell_rings):
    """Merge vertices closer than 2 micro-degrees so shared edges match exactly."""
    canon = {}
    out = []
    for ring in cell_rings:
        new = []
        for p in ring:
            hit = None
            for dx in (-2, -1, 0, 1, 2):
                for dy in (-2, -1, 0, 1, 2):
                    q = canon.get((p[0] + dx, p[1] + dy))
                    if q is not None and hit is None:
                        hit = q
            if hit is None:
                canon[p] = p
                hit = p
            new.append(hit)
        out.append(normalize_ring(new))
    return out


def cells_acceptable(geoms):
    areas = []
    for g in geoms:
        if g.GetGeometryType() != ogr.wkbPolygon or g.GetGeometryCount() != 1:
            return False
        m = metric_geom(g)
        areas.append(m.GetArea())
        if 4 * math.pi * m.GetArea() / m.Boundary().Length() ** 2 < 0.45:
            return False
    mean = sum(areas) / len(areas)
    return min(areas) > 0.4 * mean and max(areas) < 2.2 * mean


def build_committee_rings(outline_geom):
    """Try fixed seeds in order until every cell is one compact polygon."""
    env = outline_geom.GetEnvelope()
    x0, y0 = to_m(env[0], env[2])
    x1, y1 = to_m(env[1], env[3])
    box = [(x0 - 2000, y0 - 2000), (x1 + 2000, y0 - 2000), (x1 + 2000, y1 + 2000),
           (x0 - 2000, y1 + 2000)]
    for seed in range(20160, 20160 + 200):
        rng = Rng(seed)
        seeds = initial_seeds(rng, outline_geom, N_COMMITTEES)
        for _ in range(3):  # a few Lloyd steps: compact but not uniform cells
            geoms = clipped_cells(seeds, outline_geom, box)
            seeds = [to_m(g.Centroid().GetX(), g.Centroid().GetY()) for g in geoms]
        geoms = clipped_cells(seeds, outline_geom, box)
        if not cells_acceptable(geoms):
            continue
        rings = snap_rings([polygon_rings(g)[0] for g in geoms])
        polys = [ogr_polygon([r]) for r in rings]
        if all(p.IsValid() for p in polys):
            return seed, rings
    raise RuntimeError("no acceptable committee layout")


def order_and_name(rings):
    """Codes run in rows from north to south, west to east; names follow anchors."""
    cents = [ogr_polygon([r]).Centroid() for r in rings]
    ymax = max(c.GetY() for c in cents)
    order = sorted(range(len(rings)),
                   key=lambda i: (int((ymax - cents[i].GetY()) / 0.004), cents[i].GetX()))
    rings = [rings[i] for i in order]
    cents = [cents[i] for i in order]
    polys = [ogr_polygon([r]) for r in rings]
    names = [None] * len(rings)

    temple = ogr.Geometry(ogr.wkbPoint)
    temple.AddPoint_2D(*TEMPLE)
    yufo = min(range(len(polys)), key=lambda i: (polys[i].Distance(temple), i))
    names[yufo] = "玉佛城"
    for name, (lon, lat) in NAME_ANCHORS:
        free = [i for i in range(len(rings)) if names[i] is None]
        best = min(free, key=lambda i: ((cents[i].GetX() - lon) * KX) ** 2
                   + ((cents[i].GetY() - lat) * KY) ** 2)
        names[best] = name
    anchored = {n for n, _ in NAME_ANCHORS} | {"玉佛城"}
    rest = [n for n in NAMES_REAL + NAMES_INVENTED if n not in anchored]
    for i in range(len(rings)):
        if names[i] is None:
            names[i] = rest.pop(0)
    inside = polys[yufo].Contains(temple)
    return rings, names, yufo, inside


def committee_sizes(rings):
    rng = Rng(3101)
    areas = [metric_geom(ogr_polygon([r])).GetArea() for r in rings]
    mean_area = sum(areas) / len(areas)
    n = len(rings)
    # Bigger cells hold more people, with plenty of noise; 1,500 .. 4,000 residents.
    weights = [max(0.05, 0.5 * a / mean_area + rng.uniform(0.0, 1.0)) for a in areas]
    extra = apportion(POPULATION_TOTAL - 1500 * n, weights, caps=[2500] * n)
    population = [1500 + e for e in extra]
    households = [int(p / rng.uniform(2.3, 2.7) + 0.5) for p in population]
    return households, population


# ---------------------------------------------------------------------------
# Evaluations

def score_list(rng, year):
    """35 distinct service scores (tenths) with the year's tier counts, best first."""
    values = []
    for lo, hi, k in SCORE_TIERS[year]:
        pool = list(range(lo, hi + 1))
        rng.shuffle(pool)
        values.extend(pool[:k])
    return sorted(values, reverse=True)


def evaluations(names, population):
    rng = Rng(2014)
    n = len(names)
    yufo = names.index("玉佛城")
    quality = [rng.normal() for _ in range(n)]
    trend = [0.6 * rng.normal() for _ in range(n)]
    fixed_rank = {2014: 22, 2015: YUFO_RANK[2015], 2016: YUFO_RANK[2016]}
    service = {}
    for y in YEARS:
        key = [quality[i] + trend[i] * (y - 2015) + 0.35 * rng.normal() for i in range(n)]
        order = sorted(range(n), key=lambda i: (-key[i], i))
        order.remove(yufo)
        order.insert(fixed_rank[y] - 1, yufo)
        scores = score_list(rng, y)
        service[y] = [0] * n
        for rank, i in enumerate(order):
            service[y][i] = scores[rank]

    wf_base = [48.0 + 42.0 * rng.random() ** 2.3 for _ in range(n)]  # right-skewed
    needs_w = {y: [population[i] * rng.uniform(0.6, 1.4) for i in range(n)] for y in YEARS}
    needs = {y: apportion(NEEDS_BY_YEAR[y], needs_w[y]) for y in YEARS}
    q_key = apportion(Q_KEY_2016, [float(p) for p in population])
    q_rand = apportion(Q_RANDOM_2016, [p * rng.uniform(0.8, 1.2) for p in population])
    rows = []
    for y in YEARS:
        for i in range(n):
            s = service[y][i] / 10.0
            sat = min(99.5, max(55.0, 0.8 * s + 0.2 * 78.0 + 2.8 * rng.normal()))
            wf = wf_base[i] + 1.8 * (y - 2014) + 0.12 * (s - 84.0) + 1.2 * rng.normal()
            wf = min(99.0, max(30.0, wf))
            rows.append({
                "i": i, "year": y, "service": service[y][i], "satisfaction": tenths(sat),
                "workforce": tenths(wf), "needs": needs[y][i],
                "questionnaires_key": q_key[i] if y == 2016 else None,
                "questionnaires_random": q_rand[i] if y == 2016 else None,
            })
    return rows


# ---------------------------------------------------------------------------
# Points

def sample_in(rng, poly_m, around=None, spread=None):
    """A micro-degree point at least MARGIN_M inside a metric polygon."""
    env = poly_m.GetEnvelope()
    boundary = poly_m.Boundary()
    for _ in range(20000):
        if around is None:
            x, y = rng.uniform(env[0], env[1]), rng.uniform(env[2], env[3])
        else:
            x = around[0] + rng.uniform(-spread, spread)
            y = around[1] + rng.uniform(-spread, spread)
        lon, lat = to_ll(x, y)
        p = (micro(lon), micro(lat))
        pm = ogr.Geometry(ogr.wkbPoint)
        pm.AddPoint_2D(*to_m(p[0] / MICRO, p[1] / MICRO))
        if poly_m.Contains(pm) and boundary.Distance(pm) >= MARGIN_M:
            return p
    raise RuntimeError("cannot place a point")


def projects(polys_m, names, population):
    rng = Rng(689)
    n = len(names)
    run_w = [0.08 + rng.random() ** 1.8 for _ in range(n)]  # very uneven
    running = [1 + r for r in apportion(N_RUNNING - n, run_w, caps=[14] * n)]
    other_w = [population[i] / 1000.0 * rng.uniform(0.5, 1.5) for i in range(n)]
    other = apportion(N_PROJECTS - N_RUNNING, other_w)
    statuses = ["planned"] * N_PLANNED + ["finished"] * (N_PROJECTS - N_RUNNING - N_PLANNED)
    rng.shuffle(statuses)
    cat_w = [c[1] for c in CATEGORIES]
    seen = {}
    feats = []
    for i in range(n):
        for k in range(running[i] + other[i]):
            status = "running" if k < running[i] else statuses.pop()
            cat, _, topics = CATEGORIES[rng.weighted(cat_w)]
            base = names[i] + topics[rng.below(len(topics))]
            seen[base] = seen.get(base, 0) + 1
            name = base if seen[base] == 1 else "%s（%s期）" % (base, numeral(seen[base]))
            feats.append({"props": {"category": cat, "name": name,
                                    "partner": PARTNERS[rng.below(len(PARTNERS))],
                                    "status": status},
                          "point": sample_in(rng, polys_m[i])})
    for k, f in enumerate(feats):
        f["props"]["id"] = "P%04d" % (k + 1)
    return feats, running


def numeral(k):
    digits = "零一二三四五六七八九十"
    return digits[k] if k <= 10 else str(k)


def platforms(polys_m, names):
    rng = Rng(14)
    n = len(names)
    cents = [polys_m[i].Centroid() for i in range(n)]
    pts = [(c.GetX(), c.GetY()) for c in cents]
    mid = (sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n)
    chosen = [min(range(n), key=lambda i: ((pts[i][0] - mid[0]) ** 2 + (pts[i][1] - mid[1]) ** 2, i))]
    if names.index("玉佛城") not in chosen:
        chosen.append(names.index("玉佛城"))
    while len(chosen) < N_PLATFORMS:  # farthest-point: spread over the subdistrict
        far = max((i for i in range(n) if i not in chosen),
                  key=lambda i: (min((pts[i][0] - pts[j][0]) ** 2 + (pts[i][1] - pts[j][1]) ** 2
                                     for j in chosen), -i))
        chosen.append(far)
    feats = []
    for k, i in enumerate(chosen):
        if k == 0:
            props = {"name": "长寿路街道党群服务中心", "type": "党群服务中心",
                     "partner": "长寿路街道社区党委"}
        elif k < N_PLATFORMS - len(BUILDING_POINTS):
            props = {"name": names[i] + "居民区党群服务站", "type": "党群服务站",
                     "partner": PARTNERS[rng.below(len(PARTNERS))]}
        else:
            bname, partner = BUILDING_POINTS[k - (N_PLATFORMS - len(BUILDING_POINTS))]
            props = {"name": bname, "type": "党建服务点", "partner": partner}
        props["status"] = "running"
        props["id"] = "S%02d" % (k + 1)
        feats.append({"props": props, "point": sample_in(rng, polys_m[i], pts[i], 60.0)})
    return feats


# ---------------------------------------------------------------------------
# Context layers

def context_areas(outline_geom):
    env = outline_geom.GetEnvelope()
    bx0, bx1 = round(env[0] - RING_MARGIN[0], 6), round(env[1] + RING_MARGIN[0], 6)
    by0, by1 = round(env[2] - RING_MARGIN[1], 6), round(env[3] + RING_MARGIN[1], 6)
    lines = ogr.Geometry(ogr.wkbMultiLineString)
    lines.AddGeometry(ogr_line([(bx0, by0), (bx1, by0), (bx1, by1), (bx0, by1), (bx0, by0)]))
    lines.AddGeometry(ogr_line(OUTLINE + [OUTLINE[0]]))
    for k, end in DIVIDERS:
        lines.AddGeometry(ogr_line([OUTLINE[k], end]))
    start = ogr.Geometry(ogr.wkbPoint)
    start.AddPoint_2D(bx0, by0)
    faces = lines.Union(start).Polygonize()
    out = []
    for name, (lon, lat) in NEIGHBOURS:
        label = ogr.Geometry(ogr.wkbPoint)
        label.AddPoint_2D(lon, lat)
        hits = [faces.GetGeometryRef(k) for k in range(faces.GetGeometryCount())
                if faces.GetGeometryRef(k).Contains(label)]
        if len(hits) != 1:
            raise RuntimeError("context area %s: %d faces" % (name, len(hits)))
        rings = polygon_rings(hits[0])
        out.append((name, [normalize_ring(rings[0])] +
                    [normalize_ring(r, ccw=False) for r in rings[1:]]))
    return out


def context_river(outline_geom):
    chain = [OUTLINE[k] for k in range(CREEK_LAST, CREEK_FIRST - 1, -1)]
    along = metric_geom(ogr_line(chain)).Buffer(CREEK_WIDTH_M, 4)
    west = metric_geom(ogr_line(CREEK_WEST + [chain[0]])).Buffer(CREEK_WIDTH_M / 2, 4)
    east = metric_geom(ogr_line([chain[-1]] + CREEK_EAST)).Buffer(CREEK_WIDTH_M / 2, 4)
    water = lonlat_geom(along.Union(west).Union(east))
    water = ogr_polygon([normalize_ring(polygon_rings(water)[0])])
    water = water.Difference(outline_geom)
    if water.GetGeometryType() != ogr.wkbPolygon:
        raise RuntimeError("river is not one polygon")
    rings = polygon_rings(water)
    return [normalize_ring(rings[0])] + [normalize_ring(r, ccw=False) for r in rings[1:]]


# ---------------------------------------------------------------------------
# Writers

def geojson_text(features):
    """features: list of (properties, geometry_json_text)."""
    lines = ['{"type":"FeatureCollection","features":[']
    for k, (props, geom) in enumerate(features):
        sep = "," if k + 1 < len(features) else ""
        lines.append('{"type":"Feature","properties":%s,"geometry":%s}%s' % (
            json.dumps(props, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            geom, sep))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def pos_json(p):
    return "[%s,%s]" % (fmt6(p[0]), fmt6(p[1]))


def point_json(p):
    return '{"type":"Point","coordinates":%s}' % pos_json(p)


def polygon_json(rings):
    parts = ["[%s]" % ",".join(pos_json(p) for p in r + [r[0]]) for r in rings]
    return '{"type":"Polygon","coordinates":[%s]}' % ",".join(parts)


def line_json(pts):
    return '{"type":"LineString","coordinates":[%s]}' % ",".join(pos_json(p) for p in pts)


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_committees(outdir, rings, names, households, population):
    path = os.path.join(outdir, "committees.shp")
    drv = ogr.GetDriverByName("ESRI Shapefile")
    for ext in ("shp", "shx", "dbf", "prj", "cpg"):
        p = os.path.join(outdir, "committees." + ext)
        if os.path.exists(p):
            os.remove(p)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ds = drv.CreateDataSource(path)
    lyr = ds.CreateLayer("committees", srs, ogr.wkbPolygon,
                         options=["ENCODING=UTF-8", "DBF_DATE_LAST_UPDATE=2016-12-31"])
    for fname, ftype, width in (("code", ogr.OFTString, 12), ("name", ogr.OFTString, 40),
                                ("households", ogr.OFTInteger, 9),
                                ("population", ogr.OFTInteger, 9)):
        fd = ogr.FieldDefn(fname, ftype)
        fd.SetWidth(width)
        lyr.CreateField(fd)
    for i, ring in enumerate(rings):
        feat = ogr.Feature(lyr.GetLayerDefn())
        feat.SetField("code", "%s%03d" % (SUBDISTRICT_CODE, i + 1))
        feat.SetField("name", names[i])
        feat.SetField("households", households[i])
        feat.SetField("population", population[i])
        feat.SetGeometry(ogr_polygon([list(reversed(ring))]))  # shapefile: clockwise
        lyr.CreateFeature(feat)
    ds = None


def write_evaluations(outdir, rows, codes):
    cols = ["code", "year", "service", "satisfaction", "workforce", "needs",
            "questionnaires_key", "questionnaires_random"]
    lines = [",".join(cols)]
    for r in sorted(rows, key=lambda r: (r["year"], codes[r["i"]])):
        qk, qr = r["questionnaires_key"], r["questionnaires_random"]
        lines.append(",".join([codes[r["i"]], str(r["year"]), fmt1(r["service"]),
                               fmt1(r["satisfaction"]), fmt1(r["workforce"]), str(r["needs"]),
                               "" if qk is None else str(qk), "" if qr is None else str(qr)]))
    write_text(os.path.join(outdir, "evaluations.csv"), "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# Self-check on the written files

def self_check(outdir, outline_geom):
    ct = utm_transform()
    fails = []
    info = []

    def check(ok, what):
        (info if ok else fails).append(what)

    outline_u = in_utm(outline_geom, ct)
    a_out = outline_u.GetArea()
    info.append("outline: %d vertices, %.4f km2 (UTM 51N)" % (len(OUTLINE), a_out / 1e6))

    ds = ogr.Open(os.path.join(outdir, "committees.shp"))
    lyr = ds.GetLayer()
    com = []
    for f in lyr:
        com.append((f.GetField("code"), f.GetField("name"), f.GetField("households"),
                    f.GetField("population"), f.GetGeometryRef().Clone()))
    ds = None
    codes = [c[0] for c in com]
    check(codes == ["%s%03d" % (SUBDISTRICT_CODE, i) for i in range(1, 36)],
          "35 committees, codes 310107015001..035")
    check(len(set(c[1] for c in com)) == 35 and all("居委" not in c[1] for c in com),
          "35 distinct names")
    pops = [c[3] for c in com]
    check(all(1500 <= p <= 4000 for p in pops), "population 1500..4000 each, total %d"
          % sum(pops))
    with open(os.path.join(outdir, "committees.cpg"), encoding="ascii") as f:
        check(f.read().strip() == "UTF-8", ".cpg says UTF-8")

    geoms_u = [in_utm(c[4], ct) for c in com]
    check(all(g.IsValid() and g.GetGeometryType() == ogr.wkbPolygon
              and g.GetGeometryCount() == 1 for g in geoms_u), "every cell one valid polygon")
    a_sum = sum(g.GetArea() for g in geoms_u)
    union = geoms_u[0]
    for g in geoms_u[1:]:
        union = union.Union(g)
    a_union = union.GetArea()
    worst = 0.0
    for i in range(35):
        for j in range(i + 1, 35):
            if geoms_u[i].Intersects(geoms_u[j]):
                worst = max(worst, polygonal_area(geoms_u[i].Intersection(geoms_u[j])))
    check(abs(a_sum - a_out) / a_out < 0.001,
          "sum of cell areas %.4f km2 = outline within 0.1%%" % (a_sum / 1e6))
    check(abs(a_union - a_out) / a_out < 0.001 and
          outline_u.SymDifference(union).GetArea() / a_out < 0.001,
          "union of cells %.4f km2 = outline within 0.1%%" % (a_union / 1e6))
    check(worst <= 1.0, "largest pairwise overlap %.6f m2 <= 1 m2" % worst)
    check(shared_edges_match([c[4] for c in com], outline_geom), "shared edges identical")
    cells_by_area = sorted(g.GetArea() for g in geoms_u)
    compact = min(4 * math.pi * g.GetArea() / g.Boundary().Length() ** 2 for g in geoms_u)
    check(compact >= 0.4 and cells_by_area[0] > 0.4 * a_out / 35,
          "cells compact: areas %.0f .. %.0f m2, min 4*pi*A/P^2 = %.2f"
          % (cells_by_area[0], cells_by_area[-1], compact))

    yufo = [c[0] for c in com if c[1] == "玉佛城"]
    check(len(yufo) == 1, "玉佛城 present")
    temple = ogr.Geometry(ogr.wkbPoint)
    temple.AddPoint_2D(*TEMPLE)
    nearest = min(com, key=lambda c: c[4].Distance(temple))[1]
    check(nearest == "玉佛城", "玉佛城 is the committee nearest the temple (temple %s outline)"
          % ("inside" if outline_geom.Contains(temple) else "outside"))

    check_evaluations(outdir, codes, yufo[0] if yufo else None, check, info)
    check_points(outdir, com, geoms_u, ct, check, info)
    check_context(outdir, outline_geom, outline_u, ct, check)
    return fails, info


def polygonal_area(g):
    """Area of the polygonal part of a GEOS result (shared edges come back as lines)."""
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        return g.GetArea()
    if t == ogr.wkbGeometryCollection:
        return sum(polygonal_area(g.GetGeometryRef(k)) for k in range(g.GetGeometryCount()))
    return 0.0


def shared_edges_match(geoms, outline_geom):
    """Every cell edge is either shared, reversed, by one other cell, or on the outline."""
    edges = {}
    for k, g in enumerate(geoms):
        r = polygon_rings(g)[0]
        for i in range(len(r) - 1):
            edges.setdefault((r[i], r[i + 1]), []).append(k)
    bound = outline_geom.Boundary()
    for (a, b), owners in edges.items():
        if len(owners) != 1:
            return False
        other = edges.get((b, a))
        if other is not None:
            if other == owners:
                return False
            continue
        mid = ogr.Geometry(ogr.wkbPoint)
        mid.AddPoint_2D((a[0] + b[0]) / 2e6, (a[1] + b[1]) / 2e6)
        if bound.Distance(mid) > 2e-6 or bound.Distance(ogr_point(a)) > 2e-6:
            return False
    return True


def check_evaluations(outdir, codes, yufo, check, info):
    path = os.path.join(outdir, "evaluations.csv")
    with open(path, "rb") as f:
        raw = f.read()
    check(not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, "CSV: UTF-8, no BOM, LF")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 105, "105 evaluation rows")
    keys = [(int(r["year"]), r["code"]) for r in rows]
    check(keys == sorted(keys) and keys == [(y, c) for y in YEARS for c in codes],
          "rows sorted by year then code, one per committee and year")
    by_year = {y: {r["code"]: r for r in rows if int(r["year"]) == y} for y in YEARS}
    svc = {y: {c: float(r["service"]) for c, r in by_year[y].items()} for y in YEARS}
    for y in YEARS:
        check(len(set(svc[y].values())) == 35, "%d: service scores distinct" % y)
    good = {y: sum(1 for v in svc[y].values() if v >= 85) for y in YEARS}
    check(good[2015] == GOOD_COUNT[2015] and good[2016] == GOOD_COUNT[2016],
          "优秀/良好 (>=85): 2014 %d, 2015 %d, 2016 %d" % (good[2014], good[2015], good[2016]))
    mean = {y: sum(svc[y].values()) / 35 for y in YEARS}
    check(mean[2014] < mean[2015] < mean[2016] and good[2014] < good[2015],
          "mean service 2014 %.2f < 2015 %.2f < 2016 %.2f" % (mean[2014], mean[2015], mean[2016]))
    ranks = {}
    for y in YEARS:
        order = sorted(svc[y], key=lambda c: -svc[y][c])
        ranks[y] = order.index(yufo) + 1 if yufo in order else None
    check(ranks[2015] == YUFO_RANK[2015] and ranks[2016] == YUFO_RANK[2016],
          "玉佛城 rank (score): 2014 %s (%.1f), 2015 %s (%.1f), 2016 %s (%.1f)"
          % tuple(v for y in YEARS for v in (ranks[y], svc[y].get(yufo, 0.0))))
    tiers = [0, 0, 0, 0]
    for v in svc[2016].values():
        tiers[0 if v >= 90 else 1 if v >= 85 else 2 if v >= 75 else 3] += 1
    check(all(t >= 2 for t in tiers), "2016 tiers 优秀/良好/合格/待提升 = %s" % tiers)
    delta = [svc[2016][c] - svc[2015][c] for c in codes]
    up, down = sum(1 for d in delta if d > 0), sum(1 for d in delta if d < 0)
    check(up >= 24 and 3 <= down <= 9, "2015->2016: %d improve, %d decline" % (up, down))
    needs = sum(int(r["needs"]) for r in rows)
    check(needs == NEEDS_TOTAL, "needs sum %d" % needs)
    qk = sum(int(r["questionnaires_key"]) for r in by_year[2016].values())
    qr = sum(int(r["questionnaires_random"]) for r in by_year[2016].values())
    empty = all(r["questionnaires_key"] == "" and r["questionnaires_random"] == ""
                for y in (2014, 2015) for r in by_year[y].values())
    check(qk == Q_KEY_2016 and qr == Q_RANDOM_2016 and empty,
          "2016 questionnaires key %d, random %d (2014/2015 empty)" % (qk, qr))
    ranges = all(0 <= float(r[k]) <= 100 for r in rows
                 for k in ("service", "satisfaction", "workforce"))
    check(ranges, "indicator values within 0..100")
    corr = pearson([float(r["service"]) for r in rows], [float(r["satisfaction"]) for r in rows])
    check(0.5 < corr < 0.97, "corr(service, satisfaction) = %.2f" % corr)
    wf = sorted(float(r["workforce"]) for r in by_year[2016].values())
    skew = (sum(wf) / 35 - wf[17])
    check(skew > 0, "workforce 2016 right-skewed (mean - median = %.1f)" % skew)


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    return cov / math.sqrt(va * vb)


def load_points(path):
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    out = []
    for feat in fc["features"]:
        lon, lat = feat["geometry"]["coordinates"]
        g = ogr.Geometry(ogr.wkbPoint)
        g.AddPoint_2D(lon, lat)
        out.append((feat["properties"], g))
    return out


def check_points(outdir, com, geoms_u, ct, check, info):
    bounds = [g.Boundary() for g in geoms_u]
    for fname, count in (("projects.geojson", N_PROJECTS), ("platforms.geojson", N_PLATFORMS)):
        pts = load_points(os.path.join(outdir, fname))
        check(len(pts) == count, "%s: %d features" % (fname, len(pts)))
        per = [0] * len(com)
        run = [0] * len(com)
        ok = True
        for props, g in pts:
            gu = in_utm(g, ct)
            hits = [i for i, c in enumerate(geoms_u) if c.Contains(gu)]
            if len(hits) != 1 or bounds[hits[0]].Distance(gu) < 5.0:
                ok = False
                continue
            per[hits[0]] += 1
            run[hits[0]] += props["status"] == "running"
        check(ok, "%s: every point in one committee, >= 5 m from its boundary" % fname)
        status = {}
        for props, _ in pts:
            status[props["status"]] = status.get(props["status"], 0) + 1
        if fname == "projects.geojson":
            check(status.get("running") == N_RUNNING and
                  status.get("planned", 0) + status.get("finished", 0) == N_PROJECTS - N_RUNNING
                  and len(status) == 3, "project status %s" % json.dumps(status, sort_keys=True))
            check(min(per) >= 1, "every committee has projects (%d .. %d)" % (min(per), max(per)))
            rate = [run[i] * 1000.0 / com[i][3] for i in range(len(com))]
            check(min(run) >= 1 and max(run) <= 15 and max(rate) > 3 * min(rate),
                  "running per committee %d .. %d; per 1,000 residents %.2f .. %.2f"
                  % (min(run), max(run), min(rate), max(rate)))
            names = [p["name"] for p, _ in pts]
            check(len(set(names)) == len(names), "project names distinct")
        else:
            check(status == {"running": N_PLATFORMS} and max(per) == 1,
                  "platforms all running, one per committee at most")


def check_context(outdir, outline_geom, outline_u, ct, check):
    with open(os.path.join(outdir, "context_area.geojson"), encoding="utf-8") as f:
        areas = json.load(f)["features"]
    worst = 0.0
    for feat in areas:
        g = in_utm(ogr.CreateGeometryFromJson(json.dumps(feat["geometry"])), ct)
        worst = max(worst, polygonal_area(g.Intersection(outline_u)))
    check(4 <= len(areas) <= 8 and worst < 1.0,
          "context areas: %d, overlap with outline %.3f m2" % (len(areas), worst))
    with open(os.path.join(outdir, "context_river.geojson"), encoding="utf-8") as f:
        river = json.load(f)["features"]
    g = in_utm(ogr.CreateGeometryFromJson(json.dumps(river[0]["geometry"])), ct)
    check(len(river) == 1 and g.IsValid() and polygonal_area(g.Intersection(outline_u)) < 1.0,
          "river: %.3f km2, outside the outline" % (g.GetArea() / 1e6))
    with open(os.path.join(outdir, "context_roads.geojson"), encoding="utf-8") as f:
        roads = json.load(f)["features"]
    crossing = sum(1 for r in roads
                   if ogr.CreateGeometryFromJson(json.dumps(r["geometry"])).Intersects(outline_geom))
    check(5 <= len(roads) <= 8 and crossing == len(roads),
          "roads: %d, all cross the subdistrict" % len(roads))


# ---------------------------------------------------------------------------

def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = argv[1] if len(argv) > 1 else os.path.join(here, "changshou")
    os.makedirs(outdir, exist_ok=True)

    outline_ring = normalize_ring([(micro(x), micro(y)) for x, y in OUTLINE])
    outline_geom = ogr_polygon([outline_ring])
    if not outline_geom.IsValid():
        raise RuntimeError("outline is not valid")

    seed, rings = build_committee_rings(outline_geom)
    rings, names, yufo, temple_inside = order_and_name(rings)
    households, population = committee_sizes(rings)
    codes = ["%s%03d" % (SUBDISTRICT_CODE, i + 1) for i in range(len(rings))]
    polys_m = [metric_geom(ogr_polygon([r])) for r in rings]

    write_committees(outdir, rings, names, households, population)
    write_evaluations(outdir, evaluations(names, population), codes)
    proj, running = projects(polys_m, names, population)
    write_text(os.path.join(outdir, "projects.geojson"),
               geojson_text([(f["props"], point_json(f["point"])) for f in proj]))
    plat = platforms(polys_m, names)
    write_text(os.path.join(outdir, "platforms.geojson"),
               geojson_text([(f["props"], point_json(f["point"])) for f in plat]))
    write_text(os.path.join(outdir, "context_area.geojson"),
               geojson_text([({"name": n}, polygon_json(r)) for n, r in context_areas(outline_geom)]))
    write_text(os.path.join(outdir, "context_river.geojson"),
               geojson_text([({"name": "苏州河"}, polygon_json(context_river(outline_geom)))]))
    write_text(os.path.join(outdir, "context_roads.geojson"),
               geojson_text([({"class": c, "name": n},
                              line_json([(micro(x), micro(y)) for x, y in pts]))
                             for n, c, pts in ROADS]))

    fails, info = self_check(outdir, outline_geom)
    print("gen_changshou: wrote %s (layout seed %d; 玉佛城 = %s, temple %s the outline)"
          % (outdir, seed, codes[yufo], "inside" if temple_inside else "outside"))
    for line in info:
        print("  ok   " + line)
    for line in fails:
        print("  FAIL " + line)
    if fails:
        print("gen_changshou: %d check(s) failed" % len(fails), file=sys.stderr)
        return 1
    print("gen_changshou: all %d checks passed" % (len(info) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
