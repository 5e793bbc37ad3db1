#!/usr/bin/python3
"""Deterministic generator of partymap's second test place: 澜湖园区, a FICTIONAL park.

Usage: /usr/bin/python3 geodata/gen_park.py OUTDIR

Writes the files an agency would send for a park of 180 communities in five
subdistricts (one GeoJSON per subdistrict in a local transverse-Mercator grid that
the files do not declare, a statistics table instead of population fields, a
context layer in a second, shifted grid, ...) and the config a user would write
for them (park.json).  Nothing here is real: names, codes, boundaries and figures
are invented.  Every draw comes from a SplitMix64 generator with fixed seeds and
every coordinate is an integer number of centimetres, so the output is byte-
identical on every run.  The script checks the files it wrote and exits 1 when a
check fails.  See geodata/README.md ("The second place") for what is in the files.
"""
import json
import math
import os
import sys

from osgeo import gdal, ogr, osr

ogr.UseExceptions()
osr.UseExceptions()
gdal.UseExceptions()

# ---------------------------------------------------------------------------
# The grids

# The park's local grid: a transverse Mercator on GRS80 with a false origin that
# puts the park at x ~ 54 km, y ~ 437 km.  The committee files, the roads and the
# project table use it, and none of them says so (GeoJSON makes GDAL claim WGS 84).
LOCAL_CRS = ("+proj=tmerc +lat_0=0 +lon_0=120.58 +k=1 +x_0=50000 +y_0=-3000000 "
             "+ellps=GRS80 +units=m +no_defs")
# The water layer comes from another office, in the same projection with another
# false origin: read with the local grid it lands 679 km away.
SHIFT_M = (480000, 480000)
WATER_CRS = ("+proj=tmerc +lat_0=0 +lon_0=120.58 +k=1 +x_0=530000 +y_0=-2520000 "
             "+ellps=GRS80 +units=m +no_defs")
CENTRE_LONLAT = (120.62, 31.05)  # fictional: farmland and lakes south of Suzhou

AREA_NAME = "澜湖园区"
COUNTY_CODE = "320590"            # not an existing county code
PARENTS = ["湖心街道", "北塘街道", "金澜街道", "鹭港街道", "枫溪街道"]
CENTRAL, NORTH, EAST, SOUTH, WEST = range(5)
SEEDS_PER_PARENT = [44, 34, 37, 33, 33]   # 181 cells; -2 exclaves merged, +1 enclave
YEARS = (2014, 2015, 2016)
N_PROJECTS = 1500
STATUS_COUNTS = (("运行中", 520), ("计划", 290), ("已完成", 690))

# Outline, km east and north of the centre, counter-clockwise from the east; each
# edge is later cut in three with a deterministic wiggle.
OUTLINE_KM = [
    (7.4, -0.6), (7.6, 1.4), (7.0, 3.3), (5.9, 4.6), (4.3, 5.7), (2.4, 5.9), (0.6, 5.5),
    (-1.1, 6.0), (-3.0, 5.8), (-4.8, 5.1), (-6.2, 4.0), (-7.3, 2.4), (-7.5, 0.4),
    (-7.1, -1.6), (-6.3, -3.4), (-5.0, -4.8), (-3.2, -5.7), (-1.3, -5.9), (0.5, -5.4),
    (2.4, -5.9), (4.3, -5.6), (5.8, -4.5), (6.9, -2.8),
]
# The old street (老街) through the centre: two rows of small communities along it.
OLD_STREET_KM = [(-2.3, -0.9), (0.0, -0.15), (2.4, 0.5)]
STRIP_STEP_M, STRIP_OFFSET_M = 270.0, 150.0

ROADS_KM = [  # (name, class, vertices in km): drawn by hand
    ("澜湖大道", "主干路", [(-8.3, -1.5), (-4.0, -1.1), (-1.0, -0.5), (2.0, 0.3), (5.0, 0.9), (8.4, 1.3)]),
    ("港城大道", "主干路", [(0.9, -6.8), (0.6, -3.0), (0.15, 0.0), (0.5, 3.0), (0.1, 6.7)]),
    ("环湖路", "主干路", [(-3.1, 0.0), (-2.4, 2.1), (0.0, 2.8), (2.6, 2.2), (3.4, 0.3), (2.7, -1.9),
                        (0.2, -2.6), (-2.3, -2.1), (-3.1, 0.0)]),
    ("金澜路", "次干路", [(3.4, -4.9), (4.6, -1.5), (5.4, 2.0), (5.2, 5.6)]),
    ("北塘路", "次干路", [(-5.9, 3.6), (-2.5, 4.2), (1.5, 4.4), (4.6, 5.0)]),
    ("枫溪路", "次干路", [(-4.6, -5.3), (-4.9, -2.0), (-5.2, 1.5), (-4.2, 5.4)]),
    ("鹭港路", "次干路", [(-6.6, -3.6), (-2.8, -4.3), (1.5, -4.1), (5.8, -4.0)]),
    ("澜湖老街", "次干路", [(-2.6, -1.0)] + OLD_STREET_KM + [(2.7, 0.58)]),
    ("学府路", "次干路", [(-1.6, -5.8), (-1.1, -2.5), (-1.5, 1.5), (-2.0, 5.9)]),
]
RIVER_KM = [(-8.3, -3.3), (-6.0, -2.6), (-4.0, -3.2), (-2.5, -2.8), (-1.2, -3.4), (0.6, -3.3),
            (2.5, -2.6), (4.2, -3.0), (6.0, -2.2), (8.3, -2.0)]
RIVER_HALF_WIDTH_M = 40.0

# Names.  Every one is invented; the pools hold stems, the suffix says the kind.
SHEQU = [
    "湖滨", "澜苑", "东园", "西园", "南苑", "北苑", "翠竹", "丽景", "锦绣", "华庭", "金港", "银桥",
    "春晖", "秋实", "晨光", "朝阳", "星海", "月湾", "文昌", "学府", "书香", "桂花", "玉兰", "海棠",
    "紫薇", "芙蓉", "荷塘", "柳岸", "杏林", "梅园", "兰亭", "竹韵", "松涛", "樱花", "水岸", "清风",
    "明月", "长乐", "永安", "太平", "康乐", "福寿", "吉祥", "瑞丰", "兴隆", "新城", "古城", "老街",
    "东街", "西街", "南街", "北街", "中街", "前进", "胜利", "红旗", "光明", "向阳", "友谊", "团结",
    "民主", "建设", "振兴", "复兴", "育才", "钟楼", "鼓楼", "仓前", "河埠", "船坊", "渔港", "码头",
    "桥头", "塘桥", "石桥", "板桥", "双桥", "三元", "四季", "五福", "六合", "七星", "八角", "九里",
    "十里", "百合", "万福", "云锦", "霞光", "彩虹", "金湾", "银湾", "碧波", "绿洲", "青枫", "白鹭",
    "翡翠", "珊瑚", "玲珑", "嘉禾", "稻香", "菱湖", "莲花", "芦荡", "滨河", "临湖", "望湖", "观澜",
    "听涛", "揽月", "映月", "香樟", "银杏", "梧桐", "青松", "翠柏", "港湾", "科创", "智谷", "会展",
    "商贸", "东兴", "西兴", "南兴", "北兴", "花溪", "云栖", "锦江", "澄园", "苇岸", "菖蒲", "雁荡",
    "凤鸣", "鹤鸣", "龙泉", "玉泉", "金泉", "石榴", "青禾", "丰泽", "润泽", "惠民", "和顺",
]
CUN = [
    "沈家", "陆巷", "戴家浜", "姚家湾", "蒋家墩", "顾家港", "钱家浜", "孙家桥", "吴家埭", "郑家荡",
    "王家圩", "冯家坝", "陈家舍", "褚家泾", "卫家庄", "何家港", "吕家湾", "施家桥", "张家墩",
    "孔家埭", "曹家浜", "严家湾", "华家圩", "金家坝", "魏家荡", "陶家港", "姜家舍", "谢家泾",
    "邹家汇", "柏家湾", "水家桥", "章家墩", "云家埭", "苏家浜", "潘家湾", "葛家圩", "范家荡",
]
JUWEI = ["纺机厂", "粮站新村", "港务新村", "机电厂", "航运新村"]
# The same name in several subdistricts (a search must tell them apart).
REPEATS = [("新村社区", (NORTH, EAST, SOUTH)), ("湖滨社区", (CENTRAL, WEST)),
           ("幸福村", (NORTH, WEST)), ("东港社区", (EAST, SOUTH))]
# Long names, for labels in small cells: (parent, name); the first two go to strip cells.
LONG_NAMES = [(CENTRAL, "澜湖国际花园第一社区"), (CENTRAL, "澜湖国际花园第二社区"),
              (EAST, "金澜科技创新园区社区"), (SOUTH, "鹭港滨水新城东苑社区"),
              (NORTH, "北塘湖畔人家社区"), (SOUTH, "物流园区配套居委会")]
ENCLAVE_NAME = "翠苑新村居委会"
LAKE_NAME = "镜湖"
RIVER_NAME = "澜溪"

CATEGORIES = [  # (category, weight, project topics)
    ("为老服务", 22, ["银龄助餐点", "长者日间照护", "老年助浴服务", "睦邻互助小组", "家门口养老顾问"]),
    ("青少年", 12, ["四点半课堂", "暑期爱心托班", "青少年科普讲堂", "亲子阅读会", "小小志愿者营"]),
    ("环境整治", 14, ["楼道微更新", "垃圾分类驿站", "口袋花园", "河道保洁队", "村容村貌提升"]),
    ("文化体育", 12, ["社区合唱团", "睦邻文化节", "健身步道", "书法沙龙", "乒乓球联赛"]),
    ("就业帮扶", 8, ["就业技能培训", "家门口招聘会", "创业指导站", "灵活就业对接"]),
    ("助残", 7, ["阳光助残服务", "无障碍改造", "康复辅具租借", "残疾人就业辅导"]),
    ("社区治理", 14, ["居民议事会", "楼组自治公约", "物业纠纷调解", "平安志愿巡逻", "村民议事厅"]),
    ("健康医疗", 11, ["家庭医生签约", "健康小屋", "慢病管理讲座", "社区义诊", "心理健康驿站"]),
]
PARTNERS = [  # invented co-building units
    "澜湖置业发展有限公司", "金澜科技园管理有限公司", "鹭港物流集团有限公司", "北塘农业发展有限公司",
    "枫溪文化旅游有限公司", "湖心商业广场管理有限公司", "澜湖园区第一实验学校", "澜湖园区人民医院",
    "湖心社区卫生服务中心", "澜湖园区图书馆", "澜湖园区青少年活动中心", "澜湖园区残疾人联合会",
    "澜湖园区红十字会", "澜湖园区就业服务中心", "澜湖园区消防救援站", "湖心派出所", "北塘派出所",
    "澜湖律师事务所", "澜湖社工服务中心", "澜湖志愿者协会", "澜湖供电服务中心", "澜湖水务有限公司",
    "澜湖公交有限公司", "澜湖职业技术学院", "金澜软件园企业联合会", "鹭港港务有限公司", "枫溪中学",
    "北塘小学", "澜湖农商银行园区支行", "澜湖物业服务有限公司",
]
SERVICE_POINTS = [  # (name, partner, parent) of the 党建服务点
    ("湖心商务楼宇党建服务点", "湖心商业广场管理有限公司", CENTRAL),
    ("金澜软件园党建服务点", "金澜软件园企业联合会", EAST),
    ("鹭港物流园党建服务点", "鹭港物流集团有限公司", SOUTH),
    ("北塘农业园党建服务点", "北塘农业发展有限公司", NORTH),
    ("枫溪文创园党建服务点", "枫溪文化旅游有限公司", WEST),
    ("澜湖职教园党建服务点", "澜湖职业技术学院", CENTRAL),
]
N_STATIONS = 28                   # + 1 park centre, 5 subdistrict centres, 6 points = 40

CM = 100                          # coordinates are integer centimetres
SNAP_CM = 3                       # vertices this close are one vertex
WIGGLE_MIN_M, WIGGLE_STEP_M, WIGGLE_AMPLITUDE = 300.0, 80.0, 0.05
MARGIN_M = 5.0                    # points stay this far inside their community


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
        return sum(self.random() for _ in range(12)) - 6.0  # Irwin-Hall

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


def apportion(total, weights):
    """Largest-remainder split of an integer total by weights (ties by index)."""
    wsum = float(sum(weights))
    shares = [total * w / wsum for w in weights]
    out = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in order[:total - sum(out)]:
        out[i] += 1
    return out


def tenths(v):
    return int(math.floor(v * 10 + 0.5))


def fmt1(t):
    return "%d.%d" % (t // 10, t % 10)


def fmt_cm(v):
    sign = "-" if v < 0 else ""
    v = abs(v)
    return "%s%d.%02d" % (sign, v // CM, v % CM)


def fmt6(v):
    m = int(math.floor(v * 1000000 + 0.5))
    sign = "-" if m < 0 else ""
    m = abs(m)
    return "%s%d.%06d" % (sign, m // 1000000, m % 1000000)


def srs_of(text):
    s = osr.SpatialReference()
    s.ImportFromProj4(text)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def wgs84():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def centre_m():
    """The park's centre in the local grid, whole metres."""
    ct = osr.CoordinateTransformation(wgs84(), srs_of(LOCAL_CRS))
    x, y, _ = ct.TransformPoint(*CENTRE_LONLAT)
    return int(round(x)), int(round(y))


# ---------------------------------------------------------------------------
# Rings: lists of (x, y) integer centimetres in the local grid, not closed

def ring_area2(ring):
    s = 0
    for i in range(len(ring)):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % len(ring)]
        s += x1 * y2 - x2 * y1
    return s


def normalize_ring(ring, ccw=True):
    """Drop repeats, orient, start at the smallest vertex: a canonical ring."""
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
            r.AddPoint_2D(x / CM, y / CM)
        poly.AddGeometry(r)
    return poly


def ogr_multi(parts):
    """parts: list of polygons, each a list of rings."""
    if len(parts) == 1:
        return ogr_polygon(parts[0])
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for rings in parts:
        m.AddGeometry(ogr_polygon(rings))
    return m


def ogr_point_m(x, y):
    g = ogr.Geometry(ogr.wkbPoint)
    g.AddPoint_2D(x, y)
    return g


def ogr_line_m(pts):
    g = ogr.Geometry(ogr.wkbLineString)
    for x, y in pts:
        g.AddPoint_2D(x, y)
    return g


def rings_of(poly):
    """Centimetre rings of an OGR polygon (exterior first)."""
    out = []
    for k in range(poly.GetGeometryCount()):
        r = poly.GetGeometryRef(k)
        out.append([(int(round(r.GetX(i) * CM)), int(round(r.GetY(i) * CM)))
                    for i in range(r.GetPointCount() - 1)])
    return out


# ---------------------------------------------------------------------------
# Outline and subdistrict regions

def outline_ring(cx, cy):
    rng = Rng(3205)
    pts = []
    n = len(OUTLINE_KM)
    for i in range(n):
        (x1, y1), (x2, y2) = OUTLINE_KM[i], OUTLINE_KM[(i + 1) % n]
        dx, dy = x2 - x1, y2 - y1
        for t in (0.0, 1.0 / 3, 2.0 / 3):
            w = 0.0 if t == 0.0 else rng.uniform(-0.06, 0.06)
            px, py = x1 + t * dx - w * dy, y1 + t * dy + w * dx
            pts.append(((cx + int(round(px * 1000))) * CM, (cy + int(round(py * 1000))) * CM))
    return normalize_ring(pts)


def central_radius(theta):
    """Radius (m) of the central subdistrict's boundary at polar angle theta."""
    a, b, rot = 2600.0, 1900.0, 0.28
    t = theta - rot
    r = a * b / math.sqrt((b * math.cos(t)) ** 2 + (a * math.sin(t)) ** 2)
    return r * (1.0 + 0.07 * math.sin(3 * theta + 1.0))


def parent_at(x, y):
    """The subdistrict of a point given in metres from the centre."""
    r = math.hypot(x, y)
    theta = math.atan2(y, x)
    if r <= central_radius(theta):
        return CENTRAL
    deg = math.degrees(theta) % 360.0
    wig = 10.0 * math.sin(r / 900.0)
    if 50 + wig <= deg < 135 + wig:
        return NORTH
    if 135 + wig <= deg < 222 + wig:
        return WEST
    if 222 + wig <= deg < 318 + wig:
        return SOUTH
    return EAST


def spacing(x, y):
    """Relative seed spacing: small communities in the centre, large ones outside."""
    r = math.hypot(x / 1.15, y)
    t = min(1.0, max(0.0, (r - 1600.0) / 5200.0))
    return 1.0 + 7.5 * t ** 1.7


# ---------------------------------------------------------------------------
# Communities: Voronoi cells of the seeds clipped to the outline

def old_street_m():
    return [(x * 1000.0, y * 1000.0) for x, y in OLD_STREET_KM]


def strip_seeds():
    """Two rows of seeds along the old street (the dense strip)."""
    line = ogr_line_m(old_street_m())
    length = line.Length()
    seeds = []
    k = 0
    d = STRIP_STEP_M / 2
    while d < length:
        p0 = line.Value(max(0.0, d - 1.0))
        p1 = line.Value(min(length, d + 1.0))
        tx, ty = p1.GetX() - p0.GetX(), p1.GetY() - p0.GetY()
        norm = math.hypot(tx, ty)
        nx, ny = -ty / norm, tx / norm
        p = line.Value(d)
        for side in (1, -1):
            seeds.append((p.GetX() + side * STRIP_OFFSET_M * nx, p.GetY() + side * STRIP_OFFSET_M * ny))
        d += STRIP_STEP_M
        k += 1
    return seeds


def best_candidate_seeds(rng, outline_rel, counts, fixed):
    """Seeds per subdistrict, each the best of 30 candidates (spread by spacing())."""
    env = outline_rel.GetEnvelope()
    seeds = list(fixed)
    owner = [CENTRAL] * len(fixed)
    for p in range(len(PARENTS)):
        need = counts[p] - sum(1 for o in owner if o == p)
        for _ in range(need):
            best, best_score = None, -1.0
            got = 0
            while got < 30:
                x, y = rng.uniform(env[0], env[1]), rng.uniform(env[2], env[3])
                if parent_at(x, y) != p or not outline_rel.Contains(ogr_point_m(x, y)):
                    continue
                got += 1
                sx = spacing(x, y)
                score = min((math.hypot(x - q[0], y - q[1]) / (0.5 * (sx + spacing(*q)))
                             for q in seeds), default=1e9)
                if score > best_score:
                    best, best_score = (x, y), score
            seeds.append(best)
            owner.append(p)
    return seeds, owner


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
        others = sorted((j for j in range(len(seeds)) if j != i),
                        key=lambda j: ((seeds[j][0] - si[0]) ** 2 + (seeds[j][1] - si[1]) ** 2, j))
        poly = box
        for j in others:
            sj = seeds[j]
            reach = max(math.hypot(p[0] - si[0], p[1] - si[1]) for p in poly)
            if math.hypot(sj[0] - si[0], sj[1] - si[1]) > 2 * reach:
                break
            a, b = sj[0] - si[0], sj[1] - si[1]
            c = (a * (sj[0] + si[0]) + b * (sj[1] + si[1])) / 2.0
            poly = clip_halfplane(poly, a, b, c)
        cells.append(poly)
    return cells


def snap_rings(rings):
    """Merge vertices closer than SNAP_CM so shared edges have identical vertices."""
    canon = {}
    out = []
    for ring in rings:
        new = []
        for p in ring:
            hit = None
            for dx in range(-SNAP_CM, SNAP_CM + 1):
                for dy in range(-SNAP_CM, SNAP_CM + 1):
                    q = canon.get((p[0] + dx, p[1] + dy))
                    if q is not None and hit is None:
                        hit = q
            if hit is None:
                canon[p] = p
                hit = p
            new.append(hit)
        out.append(normalize_ring(new))
    return out


def node_rings(rings):
    """Insert into every edge the vertices of other rings that lie on it (no T-joints)."""
    verts = sorted({p for r in rings for p in r})
    grid = {}
    for p in verts:
        grid.setdefault((p[0] // 20000, p[1] // 20000), []).append(p)
    out = []
    for ring in rings:
        new = []
        n = len(ring)
        for i in range(n):
            a, b = ring[i], ring[(i + 1) % n]
            new.append(a)
            gx0, gx1 = sorted((a[0] // 20000, b[0] // 20000))
            gy0, gy1 = sorted((a[1] // 20000, b[1] // 20000))
            on = []
            for gx in range(gx0, gx1 + 1):
                for gy in range(gy0, gy1 + 1):
                    for p in grid.get((gx, gy), ()):
                        if p == a or p == b:
                            continue
                        ex, ey = b[0] - a[0], b[1] - a[1]
                        t = ((p[0] - a[0]) * ex + (p[1] - a[1]) * ey) / float(ex * ex + ey * ey)
                        if not 0.0 < t < 1.0:
                            continue
                        cross = (p[0] - a[0]) * ey - (p[1] - a[1]) * ex
                        if abs(cross) / math.sqrt(ex * ex + ey * ey) <= 1.0:
                            on.append((t, p))
            new.extend(p for _, p in sorted(on))
        out.append(normalize_ring(new))
    return out


def wiggle_points(a, b):
    """Vertices between a and b (exclusive, from the smaller end) along a gently
    winding line; both neighbours of the edge get the same ones."""
    lo, hi = min(a, b), max(a, b)
    rng = Rng((lo[0] * 73856093) ^ (lo[1] * 19349663) ^ (hi[0] * 83492791) ^ (hi[1] * 2654435761))
    dx, dy = hi[0] - lo[0], hi[1] - lo[1]
    length = math.hypot(dx, dy)
    k = int(length / (WIGGLE_STEP_M * CM))
    walk, pts = 0.0, []
    for j in range(1, k):
        t = j / float(k)
        walk = min(1.0, max(-1.0, walk + rng.uniform(-0.6, 0.6)))
        off = WIGGLE_AMPLITUDE * length * walk * math.sin(math.pi * t)
        pts.append((int(round(lo[0] + t * dx - off * dy / length)),
                    int(round(lo[1] + t * dy + off * dx / length))))
    return pts if lo == a else list(reversed(pts))


def wiggle_rings(rings, straight):
    """Interior edges longer than WIGGLE_MIN_M wind a little, like real boundaries
    along field edges and canals; the outline and the strip's streets stay as they are."""
    owner = {}
    for k, r in enumerate(rings):
        for i in range(len(r)):
            owner[(r[i], r[(i + 1) % len(r)])] = k
    out = []
    for k, r in enumerate(rings):
        new = []
        for i in range(len(r)):
            a, b = r[i], r[(i + 1) % len(r)]
            new.append(a)
            other = owner.get((b, a))
            if other is None or straight[k] or straight[other]:
                continue
            if math.hypot(b[0] - a[0], b[1] - a[1]) >= WIGGLE_MIN_M * CM:
                new.extend(wiggle_points(a, b))
        out.append(normalize_ring(new))
    return out


def cell_ok(g):
    if g.GetGeometryType() != ogr.wkbPolygon or g.GetGeometryCount() != 1:
        return False
    return 4 * math.pi * g.GetArea() / g.Boundary().Length() ** 2 >= 0.35


def build_cells(cx, cy, outline):
    """Try fixed seeds in order until every clipped cell is one compact polygon."""
    outline_g = ogr_polygon([outline])
    outline_rel = ogr_polygon([[(x - cx * CM, y - cy * CM) for x, y in outline]])
    env = outline_rel.GetEnvelope()
    box = [(env[0] - 3000, env[2] - 3000), (env[1] + 3000, env[2] - 3000),
           (env[1] + 3000, env[3] + 3000), (env[0] - 3000, env[3] + 3000)]
    fixed = strip_seeds()
    for seed in range(2016, 2016 + 100):
        rng = Rng(seed)
        seeds, owner = best_candidate_seeds(rng, outline_rel, SEEDS_PER_PARENT, fixed)
        geoms = []
        for cell in voronoi_cells(seeds, box):
            g = ogr_polygon([[(int(round((cx + x) * CM)), int(round((cy + y) * CM)))
                              for x, y in cell]])
            geoms.append(g.Intersection(outline_g))
        if not all(cell_ok(g) for g in geoms):
            continue
        rings = node_rings(snap_rings([rings_of(g)[0] for g in geoms]))
        rings = wiggle_rings(rings, [k < len(fixed) for k in range(len(rings))])
        if all(ogr_polygon([r]).IsValid() for r in rings):
            return seed, rings, owner, [(cx + x, cy + y) for x, y in seeds]
    raise RuntimeError("no acceptable community layout")


# ---------------------------------------------------------------------------
# Holes, the enclave and the exclaves

def edge_owners(units):
    """Directed edge -> unit index, over every ring of every part."""
    edges = {}
    for k, u in enumerate(units):
        for rings in u["parts"]:
            for r in rings:
                for i in range(len(r)):
                    edges.setdefault((r[i], r[(i + 1) % len(r)]), []).append(k)
    return edges


def neighbours(units):
    edges = edge_owners(units)
    nb = [set() for _ in units]
    for (a, b), owners in edges.items():
        for o in edges.get((b, a), ()):
            for k in owners:
                if o != k:
                    nb[k].add(o)
    return nb


def blob_ring(rng, host, radius, margin):
    """An irregular ring around the host's inner point, at least margin inside it."""
    inner = host.Buffer(-margin, 8)
    c = host.PointOnSurface()
    ox, oy = c.GetX(), c.GetY()
    phase = rng.uniform(0, 6.28)
    jit = [rng.uniform(-0.06, 0.06) for _ in range(18)]
    for _ in range(40):
        ring = []
        for k in range(18):
            th = 2 * math.pi * k / 18
            r = radius * (1.0 + 0.16 * math.sin(2 * th + phase) + jit[k])
            ring.append((int(round((ox + r * math.cos(th)) * CM)),
                         int(round((oy + r * math.sin(th)) * CM))))
        ring = normalize_ring(ring)
        if inner.Contains(ogr_polygon([ring])):
            return ring
        radius *= 0.9
    raise RuntimeError("no room for a hole")


def add_holes(units):
    """A lake in the largest western cell, an enclave estate in the largest northern one."""
    rng = Rng(1618)
    area = [ogr_polygon(u["parts"][0]).GetArea() for u in units]
    lake_host = max((k for k, u in enumerate(units) if u["parent"] == WEST), key=lambda k: area[k])
    lake = blob_ring(rng, ogr_polygon(units[lake_host]["parts"][0]), 420.0, 120.0)
    units[lake_host]["parts"][0].append(list(reversed(lake)))
    host = max((k for k, u in enumerate(units) if u["parent"] == NORTH), key=lambda k: area[k])
    estate = blob_ring(rng, ogr_polygon(units[host]["parts"][0]), 270.0, 150.0)
    units[host]["parts"][0].append(list(reversed(estate)))
    units.append({"parts": [[estate]], "parent": NORTH, "kind": "居委会", "enclave": True,
                  "seed": None})
    return lake, lake_host, host


def add_exclaves(units, lake_host, estate_host):
    """Two cells become detached parts of a nearby community: one within its
    subdistrict, one lying in the neighbouring subdistrict's territory."""
    nb = neighbours(units)
    area = [ogr_polygon(u["parts"][0]).GetArea() for u in units]
    taken = {lake_host, estate_host, len(units) - 1}
    merged = []
    for want_cross in (False, True):
        order = sorted(range(len(units)), key=lambda k: (units[k]["seed"] or (0, 0))[1])
        done = False
        for q in order:
            if q in taken or units[q].get("enclave") or not 0.3e6 < area[q] < 1.2e6:
                continue
            if units[q].get("strip") or len(nb[q]) < 4:
                continue
            second = set()
            for n in nb[q]:
                second |= nb[n]
            cands = sorted(p for p in second - nb[q] - {q} - taken
                           if (units[p]["parent"] != units[q]["parent"]) == want_cross
                           and area[p] > area[q] and not units[p].get("enclave"))
            if not cands:
                continue
            p = cands[0]
            units[p]["parts"].append(units[q]["parts"][0])
            merged.append((p, q))
            taken |= {p, q} | nb[q]
            done = True
            break
        if not done:
            raise RuntimeError("no exclave pair found")
    drop = {q for _, q in merged}
    hosts = [units[p] for p, _ in merged]
    kept = [u for k, u in enumerate(units) if k not in drop]
    for u in hosts:
        u["exclave"] = True
    return kept


# ---------------------------------------------------------------------------
# Kinds, codes and names

def unit_geom(u):
    return ogr_multi(u["parts"])


def classify_and_code(units, cx, cy):
    """社区, 村 or 居委会; codes in rows north to south, west to east (村 from 201)."""
    for u in units:
        g = unit_geom(u)
        c = ogr_polygon(u["parts"][0]).Centroid()
        u["area"] = g.GetArea()
        u["cx"], u["cy"] = c.GetX(), c.GetY()
        r = math.hypot((u["cx"] - cx) / 1.15, u["cy"] - cy)
        if u.get("kind") is None:
            u["kind"] = "村" if u["parent"] != CENTRAL and (u["area"] > 1.7e6 or
                                                          (r > 5200 and u["area"] > 1.1e6)) else "社区"
    rng = Rng(5)
    mids = sorted((k for k, u in enumerate(units) if u["kind"] == "社区" and not u.get("strip")
                   and 0.25e6 < u["area"] < 0.9e6), key=lambda k: (units[k]["cy"], units[k]["cx"]))
    rng.shuffle(mids)
    for k in mids[:len(JUWEI)]:
        units[k]["kind"] = "居委会"
    top = max(u["cy"] for u in units)
    for p in range(len(PARENTS)):
        mine = [u for u in units if u["parent"] == p]
        mine.sort(key=lambda u: (int((top - u["cy"]) / 1200.0), u["cx"]))
        n_res, n_vil = 0, 0
        for u in mine:
            if u["kind"] == "村":
                n_vil += 1
                u["code"] = "%s%03d%03d" % (COUNTY_CODE, p + 1, 200 + n_vil)
            else:
                n_res += 1
                u["code"] = "%s%03d%03d" % (COUNTY_CODE, p + 1, n_res)
    units.sort(key=lambda u: u["code"])


def assign_names(units):
    rng = Rng(88)
    repeated = {name for name, _ in REPEATS}
    sq = [s for s in SHEQU if s + "社区" not in repeated]
    cun = [s for s in CUN if s + "村" not in repeated]
    jw = list(JUWEI)
    rng.shuffle(sq)
    rng.shuffle(cun)
    for name, parents in REPEATS:
        kind = "村" if name.endswith("村") and not name.endswith("社区") else "社区"
        for p in parents:
            free = [u for u in units if u["parent"] == p and u["kind"] == kind and "name" not in u
                    and not u.get("strip")]
            free[rng.below(len(free))]["name"] = name
    strip_free = [u for u in units if u.get("strip") and "name" not in u and u["kind"] == "社区"]
    strip_free.sort(key=lambda u: u["code"])
    for k, (p, name) in enumerate(LONG_NAMES):
        if k < 2:
            target = strip_free[3 + k]
        else:
            kind = "居委会" if name.endswith("居委会") else "社区"
            free = [u for u in units if u["parent"] == p and "name" not in u and u["kind"] == kind]
            if not free:
                free = [u for u in units if u["parent"] == p and "name" not in u and u["kind"] == "社区"]
                free[0]["kind"] = kind
            target = free[rng.below(len(free))]
        target["name"] = name
    for u in units:
        if "name" in u:
            continue
        if u.get("enclave"):
            u["name"] = ENCLAVE_NAME
        elif u["kind"] == "村":
            u["name"] = cun.pop(0) + "村"
        elif u["kind"] == "居委会":
            u["name"] = jw.pop(0) + "居委会"
        else:
            u["name"] = sq.pop(0) + "社区"


# ---------------------------------------------------------------------------
# Figures: population per year, evaluations

def populations(units, cx, cy):
    """Residents per community and year: dense in the centre, sparse in the villages."""
    rng = Rng(9)
    for u in units:
        km2 = u["area"] / 1e6
        r = math.hypot(u["cx"] - cx, u["cy"] - cy) / 1000.0
        if u["kind"] == "村":
            base = km2 * rng.uniform(700, 1500)
            lo, hi = 1200, 6500
        elif u["kind"] == "居委会":
            base = rng.uniform(1800, 4200)
            lo, hi = 1500, 5000
        else:
            base = km2 * (30000 * math.exp(-r / 2.5) + 4000) * rng.uniform(0.7, 1.3)
            lo, hi = 1500, 14000
        p = min(hi, max(lo, base))
        growth = rng.uniform(-0.02, 0.06) if u["kind"] != "村" else rng.uniform(-0.03, 0.01)
        per = rng.uniform(2.3, 2.9)
        u["pop"], u["hh"] = {}, {}
        for y in YEARS:
            v = int(p * (1.0 + growth) ** (y - YEARS[0]) + 0.5)
            u["pop"][y] = v
            u["hh"][y] = int(v / per + 0.5)


def evaluations(units):
    """Indicators per community and year, in the sample's ranges (see styles/)."""
    rng = Rng(2014)
    for u in units:
        q = rng.normal()
        trend = 2.2 + 1.3 * rng.normal()          # points per year; about 1 in 7 falls
        wf_base = 48.0 + 42.0 * rng.random() ** 2.3
        u["eval"] = {}
        for y in YEARS:
            s = 82.5 + 5.0 * q + trend * (y - 2015) + 0.9 * rng.normal()
            s = min(97.9, max(62.0, s))
            sat = min(99.5, max(55.0, 0.8 * s + 0.2 * 78.0 + 2.6 * rng.normal()))
            wf = min(99.0, max(30.0, wf_base + 1.8 * (y - 2014) + 0.12 * (s - 84.0) + 1.2 * rng.normal()))
            needs = int(u["pop"][y] * 0.031 * rng.uniform(0.6, 1.4) + 0.5)
            row = {"service": tenths(s), "satisfaction": tenths(sat), "workforce": tenths(wf),
                   "needs": needs, "qk": None, "qr": None}
            if y == 2016:
                row["qk"] = int(u["pop"][y] * 0.018 * rng.uniform(0.8, 1.2) + 0.5)
                row["qr"] = int(u["pop"][y] * 0.005 * rng.uniform(0.8, 1.2) + 0.5)
            u["eval"][y] = row


# ---------------------------------------------------------------------------
# Points

def sample_in(rng, geom, around=None, spread=None):
    """A centimetre point at least MARGIN_M inside a community (holes excluded)."""
    env = geom.GetEnvelope()
    boundary = geom.Boundary()
    for _ in range(20000):
        if around is None:
            x, y = rng.uniform(env[0], env[1]), rng.uniform(env[2], env[3])
        else:
            x = around[0] + rng.uniform(-spread, spread)
            y = around[1] + rng.uniform(-spread, spread)
        p = (int(round(x * CM)), int(round(y * CM)))
        g = ogr_point_m(p[0] / CM, p[1] / CM)
        if geom.Contains(g) and boundary.Distance(g) >= MARGIN_M:
            return p
    raise RuntimeError("cannot place a point")


def projects(units):
    rng = Rng(1500)
    n = len(units)
    w = [math.sqrt(u["pop"][2016]) * rng.uniform(0.4, 1.6) for u in units]
    counts = [2 + c for c in apportion(N_PROJECTS - 2 * n, w)]
    statuses = []
    for s, k in STATUS_COUNTS:
        statuses += [s] * k
    rng.shuffle(statuses)
    cat_w = [c[1] for c in CATEGORIES]
    seen = {}
    rows = []
    for k, u in enumerate(units):
        g = unit_geom(u)
        stem = short_name(u["name"])
        for _ in range(counts[k]):
            cat, _, topics = CATEGORIES[rng.weighted(cat_w)]
            base = stem + topics[rng.below(len(topics))]
            seen[base] = seen.get(base, 0) + 1
            name = base if seen[base] == 1 else "%s（%s期）" % (base, numeral(seen[base]))
            rows.append({"name": name, "category": cat, "partner": PARTNERS[rng.below(len(PARTNERS))],
                         "status": statuses.pop(), "pt": sample_in(rng, g), "unit": k})
    order = list(range(len(rows)))
    rng.shuffle(order)  # an agency's table is in no particular order
    rows = [rows[i] for i in order]
    for i, r in enumerate(rows):
        r["id"] = "XM%04d" % (i + 1)
    return rows


def short_name(name):
    for suf in ("居委会", "社区", "村"):
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[:-len(suf)]
    return name


def numeral(k):
    digits = "零一二三四五六七八九十"
    return digits[k] if k <= 10 else str(k)


def platforms(units, cx, cy):
    """1 park centre, 5 subdistrict centres, 28 stations, 6 service points: 40 in all,
    each in a different community."""
    rng = Rng(40)
    used = set()
    feats = []

    def nearest(cands, x, y):
        return min(cands, key=lambda k: ((units[k]["cx"] - x) ** 2 + (units[k]["cy"] - y) ** 2, k))

    def add(k, name, kind, partner, status="运行中"):
        used.add(k)
        g = unit_geom(units[k])
        inner = ogr_polygon(units[k]["parts"][0]).PointOnSurface()
        pt = sample_in(rng, g, (inner.GetX(), inner.GetY()), 80.0)
        feats.append({"name": name, "type": kind, "partner": partner, "status": status,
                      "pt": pt, "unit": k})

    allk = range(len(units))
    k = nearest([k for k in allk if units[k]["parent"] == CENTRAL], cx, cy)
    add(k, AREA_NAME + "党群服务中心", "党群服务中心", AREA_NAME + "党工委")
    for p in range(len(PARENTS)):
        mine = [k for k in allk if units[k]["parent"] == p and k not in used]
        mx = sum(units[k]["cx"] for k in mine) / len(mine)
        my = sum(units[k]["cy"] for k in mine) / len(mine)
        add(nearest(mine, mx, my), PARENTS[p] + "党群服务中心", "党群服务中心", PARENTS[p] + "党工委")
    for name, partner, p in SERVICE_POINTS:
        mine = [k for k in allk if units[k]["parent"] == p and k not in used]
        add(mine[rng.below(len(mine))], name, "党建服务点", partner)
    for i in range(N_STATIONS):  # farthest-point over the whole park
        far = max((k for k in allk if k not in used),
                  key=lambda k: (min((units[k]["cx"] - units[j]["cx"]) ** 2 +
                                     (units[k]["cy"] - units[j]["cy"]) ** 2 for j in used), -k))
        status = "筹备中" if i in (9, 21) else "运行中"
        add(far, units[far]["name"] + "党群服务站", "党群服务站",
            PARTNERS[rng.below(len(PARTNERS))], status)
    for i, f in enumerate(feats):
        f["id"] = "PT%02d" % (i + 1)
    return feats


# ---------------------------------------------------------------------------
# Context: roads (local grid), river and lake (shifted grid)

def roads(cx, cy):
    out = []
    for name, cls, pts in ROADS_KM:
        out.append((name, cls, [((cx + int(round(x * 1000))) * CM, (cy + int(round(y * 1000))) * CM)
                                for x, y in pts]))
    return out


def river(cx, cy):
    line = ogr_line_m([(cx + x * 1000, cy + y * 1000) for x, y in RIVER_KM])
    water = line.Buffer(RIVER_HALF_WIDTH_M, 4)
    rings = rings_of(water)
    return [normalize_ring(rings[0])] + [normalize_ring(r, ccw=False) for r in rings[1:]]


# ---------------------------------------------------------------------------
# Writers

def pos_cm(p, shift=(0, 0)):
    return "[%s,%s]" % (fmt_cm(p[0] + shift[0] * CM), fmt_cm(p[1] + shift[1] * CM))


def polygon_coords(rings, shift=(0, 0)):
    out = []
    for k, r in enumerate(rings):
        r = normalize_ring(r, ccw=(k == 0))
        out.append("[%s]" % ",".join(pos_cm(p, shift) for p in r + [r[0]]))
    return "[%s]" % ",".join(out)


def geometry_json(parts, shift=(0, 0)):
    if len(parts) == 1:
        return '{"type":"Polygon","coordinates":%s}' % polygon_coords(parts[0], shift)
    return '{"type":"MultiPolygon","coordinates":[%s]}' % ",".join(
        polygon_coords(p, shift) for p in parts)


def props_json(pairs):
    return json.dumps(dict(pairs), ensure_ascii=False, separators=(",", ":"))


def collection(name, feats, crs84=False):
    head = '{"type":"FeatureCollection","name":%s,' % json.dumps(name, ensure_ascii=False)
    if crs84:
        head += '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},'
    lines = [head + '"features":[']
    for k, (props, geom) in enumerate(feats):
        sep = "," if k + 1 < len(feats) else ""
        lines.append('{"type":"Feature","properties":%s,"geometry":%s}%s' % (props, geom, sep))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def write_text(path, text, bom=False, crlf=False):
    data = text.replace("\n", "\r\n") if crlf else text
    with open(path, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))


def write_committees(outdir, units):
    folder = os.path.join(outdir, "committees")
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".geojson"):
            os.remove(os.path.join(folder, name))
    rng = Rng(7)
    for p, pname in enumerate(PARENTS):
        mine = [u for u in units if u["parent"] == p]
        rng.shuffle(mine)  # the agency's files are not in code order
        feats = []
        for u in mine:
            props = props_json([("社区代码", u["code"]), ("社区名称", u["name"]), ("所属街道", pname),
                                ("Shape_Area", round(u["area"], 2))])
            feats.append((props, geometry_json(u["parts"])))
        write_text(os.path.join(folder, pname + ".geojson"), collection(pname, feats))


def write_tables(outdir, units):
    lines = ["社区代码,年份,常住人口,户数"]
    for u in units:
        for y in YEARS:
            lines.append("%s,%d,%d,%d" % (u["code"], y, u["pop"][y], u["hh"][y]))
    write_text(os.path.join(outdir, "statistics.csv"), "\n".join(lines) + "\n", bom=True, crlf=True)
    cols = ["社区代码", "社区名称", "年度", "服务群众能效指数", "群众满意度指数", "社区工作者队伍建设指数",
            "急难愁盼需求数", "重点问卷数", "随机问卷数"]
    lines = [",".join(cols)]
    for y in YEARS:
        for u in units:
            e = u["eval"][y]
            lines.append(",".join([u["code"], u["name"], str(y), fmt1(e["service"]),
                                   fmt1(e["satisfaction"]), fmt1(e["workforce"]), str(e["needs"]),
                                   "" if e["qk"] is None else str(e["qk"]),
                                   "" if e["qr"] is None else str(e["qr"])]))
    write_text(os.path.join(outdir, "evaluations.csv"), "\n".join(lines) + "\n")


def write_points(outdir, proj_rows, plats):
    lines = ["项目编号,项目名称,类别,共建单位,状态,X,Y"]
    for r in proj_rows:
        lines.append(",".join([r["id"], r["name"], r["category"], r["partner"], r["status"],
                               fmt_cm(r["pt"][0]), fmt_cm(r["pt"][1])]))
    write_text(os.path.join(outdir, "projects.csv"), "\n".join(lines) + "\n")
    ct = osr.CoordinateTransformation(srs_of(LOCAL_CRS), wgs84())
    feats = []
    for f in plats:
        lon, lat, _ = ct.TransformPoint(f["pt"][0] / CM, f["pt"][1] / CM)
        props = props_json([("编号", f["id"]), ("名称", f["name"]), ("类型", f["type"]),
                            ("共建单位", f["partner"]), ("状态", f["status"])])
        feats.append((props, '{"type":"Point","coordinates":[%s,%s]}' % (fmt6(lon), fmt6(lat))))
    write_text(os.path.join(outdir, "platforms.geojson"), collection("platforms", feats, crs84=True))


def write_context(outdir, road_list, river_rings, lake):
    folder = os.path.join(outdir, "context")
    os.makedirs(folder, exist_ok=True)
    feats = []
    for name, cls, pts in road_list:
        props = props_json([("名称", name), ("道路等级", cls)])
        feats.append((props, '{"type":"LineString","coordinates":[%s]}'
                      % ",".join(pos_cm(p) for p in pts)))
    write_text(os.path.join(folder, "roads.geojson"), collection("roads", feats))
    feats = [(props_json([("名称", RIVER_NAME), ("类型", "河流")]),
              geometry_json([river_rings], SHIFT_M)),
             (props_json([("名称", LAKE_NAME), ("类型", "湖泊")]),
              geometry_json([[lake]], SHIFT_M))]
    write_text(os.path.join(folder, "river.geojson"), collection("water", feats))


def config_json(outdir):
    """The config a user writes for these files (park.json), with issue 15's keys."""
    here = os.path.dirname(os.path.abspath(__file__))
    styles = os.path.relpath(os.path.join(os.path.dirname(here), "styles"), os.path.abspath(outdir))
    cfg = {
        "$comment": "澜湖园区 (fictional test place made by geodata/gen_park.py). Paths are "
                    "relative to this file. Uses the keys of issue 15: crs, path lists, "
                    "fields.parent, sources.statistics, terms.",
        "name": AREA_NAME,
        "credits": AREA_NAME + "党工委、第三方评估机构年度测评（虚构测试数据）",
        "terms": {"unit": "社区", "parent": "街道", "area": AREA_NAME},
        "sources": {
            "committees": {
                "path": ["committees/%s.geojson" % p for p in PARENTS],
                "crs": LOCAL_CRS,
                "fields": {"code": "社区代码", "name": "社区名称", "parent": "所属街道"},
            },
            "statistics": {
                "path": "statistics.csv",
                "fields": {"code": "社区代码", "year": "年份"},
                "columns": {"population": "常住人口", "households": "户数"},
            },
            "platforms": {
                "path": "platforms.geojson",
                "fields": {"name": "名称", "category": "类型", "partner": "共建单位", "status": "状态"},
            },
            "projects": {
                "path": "projects.csv", "x": "X", "y": "Y", "crs": LOCAL_CRS,
                "fields": {"name": "项目名称", "category": "类别", "partner": "共建单位", "status": "状态"},
            },
            "evaluations": {
                "path": "evaluations.csv",
                "fields": {"code": "社区代码", "year": "年度"},
                "columns": {"service": "服务群众能效指数", "satisfaction": "群众满意度指数",
                            "workforce": "社区工作者队伍建设指数", "needs": "急难愁盼需求数",
                            "questionnaires_key": "重点问卷数", "questionnaires_random": "随机问卷数"},
            },
            "context": [
                {"role": "river", "path": "context/river.geojson", "crs": WATER_CRS,
                 "fields": {"name": "名称"}},
                {"role": "road", "path": "context/roads.geojson", "crs": LOCAL_CRS,
                 "fields": {"name": "名称"}},
            ],
        },
        "indicators": {
            "service": {"range": [0, 100]}, "satisfaction": {"range": [0, 100]},
            "workforce": {"range": [0, 100]}, "needs": {"unit": "条", "min": 0},
            "questionnaires_key": {"unit": "份", "min": 0},
            "questionnaires_random": {"unit": "份", "min": 0},
        },
        "print": {"crs": "EPSG:4549", "page": "A1", "orientation": "landscape", "preview_dpi": 40},
        "tiles": {"minzoom": 11, "maxzoom": 16},
        "font": "Noto Sans CJK SC",
        "maps": ["service", "satisfaction", "workforce", "progress", "resources"],
        "styles": styles,
        "output": "out",
    }
    return json.dumps(cfg, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------
# Self-check on the written files

def read_layer(path, want_props=True):
    ds = ogr.Open(path)
    lyr = ds.GetLayer()
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        out.append(({k: f.GetField(k) for k in f.keys()} if want_props else None,
                    g.Clone() if g else None))
    claimed = lyr.GetSpatialRef()
    ds = None
    return out, claimed


def polygonal_area(g):
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        return g.GetArea()
    if t == ogr.wkbGeometryCollection:
        return sum(polygonal_area(g.GetGeometryRef(k)) for k in range(g.GetGeometryCount()))
    return 0.0


def all_rings(g):
    t = ogr.GT_Flatten(g.GetGeometryType())
    polys = [g] if t == ogr.wkbPolygon else [g.GetGeometryRef(k) for k in range(g.GetGeometryCount())]
    out = []
    for p in polys:
        out.extend(rings_of(p))
    return out


def self_check(outdir, outline, lake):
    fails, info = [], []

    def check(ok, what):
        (info if ok else fails).append(what)

    com = []
    for p, pname in enumerate(PARENTS):
        feats, claimed = read_layer(os.path.join(outdir, "committees", pname + ".geojson"))
        check(claimed is not None and claimed.IsGeographic(),
              "%s: %d features; GDAL claims a geographic CRS (the real one is declared nowhere)"
              % (pname, len(feats)))
        check(30 <= len(feats) <= 45, "%s: 30..45 communities (%d)" % (pname, len(feats)))
        for props, g in feats:
            com.append((props, g, p))
    check(175 <= len(com) <= 185, "%d communities in all" % len(com))
    codes = [c[0]["社区代码"] for c in com]
    check(len(set(codes)) == len(codes) and all(len(c) == 12 and c.isdigit() and
                                                c.startswith(COUNTY_CODE) for c in codes),
          "codes: 12 digits, distinct, %s..." % COUNTY_CODE)
    check(all(c[0]["所属街道"] == PARENTS[c[2]] and c[0]["社区代码"][6:9] == "%03d" % (c[2] + 1)
              for c in com), "parent column and code agree with the file")
    check(all("population" not in c[0] and "常住人口" not in c[0] and "户数" not in c[0] for c in com),
          "no population or households in the polygons")
    by_name = {}
    for c in com:
        by_name.setdefault(c[0]["社区名称"], set()).add(c[2])
    per_parent = {(c[0]["社区名称"], c[2]) for c in com}
    check(len(per_parent) == len(com), "names distinct within each subdistrict")
    rep = sorted(n for n, ps in by_name.items() if len(ps) > 1)
    check(len(rep) >= 3, "names repeated across subdistricts: %s" % ", ".join(rep))
    longest = max(len(n) for n in by_name)
    check(longest >= 9 and sum(1 for n in by_name if len(n) >= 8) >= 4,
          "long names: %d of 8+ characters, longest %d" % (sum(1 for n in by_name if len(n) >= 8), longest))
    kinds = {s: sum(1 for c in com if c[0]["社区名称"].endswith(s)) for s in ("社区", "村", "居委会")}
    check(all(kinds.values()), "kinds: %s" % ", ".join("%s %d" % kv for kv in kinds.items()))

    geoms = [c[1] for c in com]
    check(all(g.IsValid() for g in geoms), "every feature valid (OGR IsValid)")
    multi = sum(1 for g in geoms if ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbMultiPolygon)
    holes = sum(1 for g in geoms if ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbPolygon
                and g.GetGeometryCount() > 1)
    check(multi >= 2 and holes >= 2, "%d multipolygons (exclaves), %d polygons with holes" % (multi, holes))
    areas = sorted(g.GetArea() for g in geoms)
    check(0.08e6 <= areas[0] and areas[-1] <= 5.5e6,
          "areas %.3f .. %.3f km2, median %.3f" % (areas[0] / 1e6, areas[-1] / 1e6, areas[len(areas) // 2] / 1e6))
    coll = ogr.Geometry(ogr.wkbMultiPolygon)
    for g in geoms:
        if ogr.GT_Flatten(g.GetGeometryType()) == ogr.wkbPolygon:
            coll.AddGeometry(g)
        else:
            for k in range(g.GetGeometryCount()):
                coll.AddGeometry(g.GetGeometryRef(k))
    union = coll.UnionCascaded()
    a_sum, a_union = sum(areas), union.GetArea()
    outline_g = ogr_polygon([outline])
    lake_g = ogr_polygon([lake])
    a_expect = outline_g.GetArea() - lake_g.GetArea()
    check(abs(a_sum - a_union) / a_union < 0.001 and abs(a_union - a_expect) / a_expect < 0.001,
          "sum of areas %.3f km2 = union %.3f km2 = outline minus the lake %.3f km2 (0.1%%)"
          % (a_sum / 1e6, a_union / 1e6, a_expect / 1e6))
    env = union.GetEnvelope()
    check(13000 < env[1] - env[0] < 17000 and 10000 < env[3] - env[2] < 14000,
          "extent %.1f x %.1f km" % ((env[1] - env[0]) / 1e3, (env[3] - env[2]) / 1e3))
    check(edges_shared([all_rings(g) for g in geoms], outline_g, lake_g), "shared edges identical")

    ct = osr.CoordinateTransformation(srs_of(LOCAL_CRS), wgs84())
    c = union.Centroid()
    lon, lat, _ = ct.TransformPoint(c.GetX(), c.GetY())
    check(118 < lon < 123 and 29 < lat < 33, "centre at %.4f E, %.4f N once the grid is declared" % (lon, lat))

    check_tables(outdir, codes, check)
    check_points(outdir, com, check)
    check_context(outdir, union, check)
    return fails, info


def edges_shared(feature_rings, outline_g, lake_g):
    """Every edge is shared, reversed, with another feature, or lies on the outline or lake."""
    edges = {}
    for k, rings in enumerate(feature_rings):
        for r in rings:
            for i in range(len(r)):
                edges.setdefault((r[i], r[(i + 1) % len(r)]), []).append(k)
    free = ogr.Geometry(ogr.wkbMultiLineString)
    free.AddGeometry(outline_g.Boundary())
    free.AddGeometry(lake_g.Boundary())
    for (a, b), owners in edges.items():
        if len(owners) != 1:
            return False
        other = edges.get((b, a))
        if other is not None:
            if other == owners:
                return False
            continue
        mid = ogr_point_m((a[0] + b[0]) / 2.0 / CM, (a[1] + b[1]) / 2.0 / CM)
        if free.Distance(mid) > 0.02:
            return False
    return True


def read_csv(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    rows = [line.split(",") for line in text.rstrip("\n").split("\n")]
    return raw, rows[0], rows[1:]


def check_tables(outdir, codes, check):
    raw, head, rows = read_csv(os.path.join(outdir, "statistics.csv"))
    check(raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and len(rows) == 3 * len(codes)
          and head == ["社区代码", "年份", "常住人口", "户数"],
          "statistics.csv: BOM, CRLF (as Excel writes it), %d rows" % len(rows))
    pops = [int(r[2]) for r in rows]
    check(min(pops) >= 1000 and {r[0] for r in rows} == set(codes),
          "population %d .. %d, total %d in 2016" % (min(pops), max(pops),
                                                     sum(int(r[2]) for r in rows if r[1] == "2016")))
    raw, head, rows = read_csv(os.path.join(outdir, "evaluations.csv"))
    check(len(rows) == 3 * len(codes) and head[0] == "社区代码" and head[2] == "年度",
          "evaluations.csv: %d rows, %d columns" % (len(rows), len(head)))
    svc = {y: {r[0]: float(r[3]) for r in rows if r[2] == str(y)} for y in YEARS}
    mean = {y: sum(v.values()) / len(v) for y, v in svc.items()}
    down = sum(1 for c in codes if svc[2016][c] < svc[2015][c])
    good = {y: sum(1 for v in svc[y].values() if v >= 85) for y in YEARS}
    check(mean[2014] < mean[2015] < mean[2016] and 10 <= down <= 50,
          "service mean %.1f / %.1f / %.1f; >= 85: %d / %d / %d; %d fall 2015->2016"
          % (mean[2014], mean[2015], mean[2016], good[2014], good[2015], good[2016], down))
    tiers = [0, 0, 0, 0]
    for v in svc[2016].values():
        tiers[0 if v >= 90 else 1 if v >= 85 else 2 if v >= 75 else 3] += 1
    check(all(t >= 3 for t in tiers), "2016 tiers 优秀/良好/合格/待提升 = %s" % tiers)
    vals = [float(r[k]) for r in rows for k in (3, 4, 5)]
    check(all(0 <= v <= 100 for v in vals), "scores within 0..100")
    check(all((r[7] == "") == (r[2] != "2016") for r in rows), "questionnaires in 2016 only")


def check_points(outdir, com, check):
    geoms = [c[1] for c in com]
    bounds = [g.Boundary() for g in geoms]
    _, head, rows = read_csv(os.path.join(outdir, "projects.csv"))
    ok = True
    per = [0] * len(com)
    for r in rows:
        g = ogr_point_m(float(r[5]), float(r[6]))
        hits = [i for i, c in enumerate(geoms) if c.Contains(g)]
        if len(hits) != 1 or bounds[hits[0]].Distance(g) < MARGIN_M - 0.01:
            ok = False
        else:
            per[hits[0]] += 1
    status = {}
    for r in rows:
        status[r[4]] = status.get(r[4], 0) + 1
    check(ok and len(rows) == N_PROJECTS and min(per) >= 2,
          "projects.csv: %d points, each inside one community (>= %g m from its edge), %d .. %d each; %s"
          % (len(rows), MARGIN_M, min(per), max(per),
             ", ".join("%s %d" % kv for kv in sorted(status.items()))))
    feats, claimed = read_layer(os.path.join(outdir, "platforms.geojson"))
    ct = osr.CoordinateTransformation(wgs84(), srs_of(LOCAL_CRS))
    seen = set()
    ok = True
    for props, g in feats:
        x, y, _ = ct.TransformPoint(g.GetX(), g.GetY())
        hits = [i for i, c in enumerate(geoms) if c.Contains(ogr_point_m(x, y))]
        ok = ok and len(hits) == 1 and hits[0] not in seen
        seen.update(hits)
    check(ok and len(feats) == 40, "platforms.geojson: %d points in WGS 84, each in a different community"
          % len(feats))


def check_context(outdir, union, check):
    feats, _ = read_layer(os.path.join(outdir, "context", "roads.geojson"))
    check(len(feats) >= 6 and all(g.Intersects(union) for _, g in feats),
          "roads: %d, every one crosses the park" % len(feats))
    feats, _ = read_layer(os.path.join(outdir, "context", "river.geojson"))
    env = union.GetEnvelope()
    near = []
    for _, g in feats:
        e = g.GetEnvelope()
        dx = (e[0] + e[1]) / 2 - (env[0] + env[1]) / 2
        dy = (e[2] + e[3]) / 2 - (env[2] + env[3]) / 2
        near.append(math.hypot(dx, dy) / 1000.0)
        moved = g.Clone()
        moved.Transform(osr.CoordinateTransformation(srs_of(WATER_CRS), srs_of(LOCAL_CRS)))
    check(len(feats) == 2 and all(600 < d < 760 for d in near) and moved.Intersects(union),
          "river.geojson: read with the committees' grid it lies %.0f km away; with its own, on the park"
          % near[0])


# ---------------------------------------------------------------------------

def main(argv):
    if len(argv) != 2:
        print("usage: gen_park.py OUTDIR", file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    cx, cy = centre_m()
    outline = outline_ring(cx, cy)
    if not ogr_polygon([outline]).IsValid():
        raise RuntimeError("outline is not valid")
    seed, rings, owner, seeds = build_cells(cx, cy, outline)
    n_strip = len(strip_seeds())
    units = [{"parts": [[r]], "parent": owner[k], "kind": None, "seed": seeds[k],
              "strip": k < n_strip} for k, r in enumerate(rings)]
    lake, lake_host, estate_host = add_holes(units)
    units = add_exclaves(units, lake_host, estate_host)
    classify_and_code(units, cx, cy)
    assign_names(units)
    populations(units, cx, cy)
    evaluations(units)

    write_committees(outdir, units)
    write_tables(outdir, units)
    write_points(outdir, projects(units), platforms(units, cx, cy))
    write_context(outdir, roads(cx, cy), river(cx, cy), lake)
    write_text(os.path.join(outdir, "park.json"), config_json(outdir))

    fails, info = self_check(outdir, outline, lake)
    print("gen_park: wrote %s (layout seed %d, centre %d E %d N in the local grid)" % (outdir, seed, cx, cy))
    for line in info:
        print("  ok   " + line)
    for line in fails:
        print("  FAIL " + line)
    if fails:
        print("gen_park: %d check(s) failed" % len(fails), file=sys.stderr)
        return 1
    print("gen_park: all %d checks passed" % len(info))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
