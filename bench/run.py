#!/usr/bin/python3
"""partymap against Mapnik, in one run: `make bench` (README "Performance").

Workloads
  a  the bundled Changshou sample, map service, 2016, zooms 13-18, 256 px tiles
  b  a synthetic city (bench/gen_city.py: ~6,000 committees, 120,000 projects),
     map service, 2016, zooms 10-15 by default (--city-zooms 10-16 for the full
     range: about 33,000 tiles, four times the work), 256 px tiles
  c  the sample's five maps, every output (posters, atlas, tiles, packages, site),
     `render --year 2016`, end to end: partymap only (Mapnik draws no posters)
  site  the website of the synthetic city (service, 2016, z10-14 with @2x tiles) and
     of the sample (its five maps, 2016), served from localhost to Debian's chromium
     as a phone (390 x 844, DPR 3) on simulated Fast 3G with a 4x slower CPU
     (bench/site_bench.mjs): bytes of the first view, time to usable, taps to popups,
     search coverage; the sample also unthrottled

For a and b, partymap (`render --only tiles`, which also writes the MBTiles and
PMTiles packages) and Mapnik (bench/mapnik_tiles.py: 8 x 8 metatiles of 2048 px
sliced into 256 px tiles, as renderd does, PNG "png32" and, once per run,
"png8:m=h") render the same tiles on the same number of threads or processes
(--jobs), interleaved, --reps times, and in each repetition partymap on one thread
and the encode floor too; medians are reported.  Mapnik writes exactly
the tiles partymap wrote (the non-empty ones); tiles/s divides that count by the
render phase (partymap: its own tile timer, from opening the sinks to the packages
finished; Mapnik: from its processes holding the loaded style to the last tile
written); end-to-end seconds include start-up and loading for both.  The encode
floor is partymap's PNG encoder alone on partymap's tiles decoded to pixels
(build/bench/encode_floor), on --jobs threads.

Both renderers write their tiles to --tiles-to: by default a fresh directory on
/dev/shm (tmpfs), so that the ratios compare the renderers and not this machine's
disk (on an ext4 without a journal, every new file after deleting the previous
repetition's thousands scans the recently deleted inodes: on the city the disk added
0.6-2 s to either renderer's tile phase, a quarter to a half of partymap's); `--tiles-to
disk` writes under build/bench instead.  Workload c always writes to build/bench.

Writes out/bench/results.json and out/bench/side_by_side.png, prints a table.
Timings are never asserted anywhere: the machine is shared and noisy.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(REPO, "bench")


def sh(cmd, **kw):
    """Runs cmd; returns (wall seconds, peak RSS MB of the process tree's largest, stdout, stderr)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    if p.returncode != 0:
        raise SystemExit("bench: %s failed (%d):\n%s%s" % (" ".join(cmd), p.returncode, out, err))
    return wall, out, err


def peak_of(cmd):
    """Peak RSS (MB) of a command, through GNU time (the largest process of its tree)."""
    return ["/usr/bin/time", "-f", "PEAKRSS %M CPU %U %S"] + cmd


def cpu_of(err):
    """User + system seconds of the whole process tree, from GNU time's line."""
    m = re.search(r"CPU ([\d.]+) ([\d.]+)", err)
    return float(m.group(1)) + float(m.group(2))


def tree_stats(root):
    tiles, nbytes, names = 0, 0, []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".png") and "@2x" not in f:
                p = os.path.join(d, f)
                tiles += 1
                nbytes += os.path.getsize(p)
                names.append(os.path.relpath(p, root)[:-4])
    return tiles, nbytes, sorted(names)


def with_tiles(src_cfg, dst_cfg, minzoom, maxzoom):
    cfg = json.load(open(src_cfg, encoding="utf-8"))
    cfg["tiles"] = {"minzoom": minzoom, "maxzoom": maxzoom, "hidpi": False, "quantize": True}
    with open(dst_cfg, "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)


class Bench:
    def __init__(self, args):
        self.a = args
        self.build = os.path.join(REPO, args.build)
        self.pm = os.path.join(self.build, "partymap")
        self.floor = os.path.join(self.build, "bench", "encode_floor")
        self.work = os.path.join(self.build, "bench")
        self.out = os.path.join(REPO, "out", "bench")
        os.makedirs(self.out, exist_ok=True)
        self.scratch = None  # tile outputs of a and b: None = beside each workload's data
        if args.tiles_to != "disk":
            root = args.tiles_to or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
            if root:
                self.scratch = os.path.join(root, "partymap-bench-%d" % os.getpid())
                os.makedirs(self.scratch)
        self.results = {"machine": {"cores": os.cpu_count(), "jobs": args.jobs,
                                    "load_before": os.getloadavg()[0]},
                        "reps": args.reps, "tiles_to": self.scratch or "disk", "workloads": {}}

    # --- partymap -----------------------------------------------------------
    def partymap_tiles(self, cfg, outdir, jobs):
        shutil.rmtree(outdir, ignore_errors=True)
        wall, out, err = sh(peak_of([self.pm, "render", "-c", cfg, "--only", "tiles", "--maps", "service",
                                     "--year", "2016", "--jobs", str(jobs), "--out", outdir]))
        m = re.search(r"tiles z\d+-\d+: (\d+) tiles .*?, ([\d.]+) s\n", err)
        if not m:
            raise SystemExit("bench: cannot read partymap's tile line:\n" + err)
        tiles, nbytes, names = tree_stats(os.path.join(outdir, "2016", "tiles", "service"))
        rss = float(re.search(r"PEAKRSS (\d+)", err).group(1)) / 1024
        return {"tiles": tiles, "bytes": nbytes, "seconds": float(m.group(2)), "wall_seconds": wall,
                "cpu_seconds": cpu_of(err), "peak_rss_mb": rss}, names

    # --- Mapnik -------------------------------------------------------------
    def mapnik_tiles(self, style, listfile, outdir, fmt):
        shutil.rmtree(outdir, ignore_errors=True)
        wall, out, err = sh(peak_of(["/usr/bin/python3", os.path.join(BENCH, "mapnik_tiles.py"), style, listfile,
                                     outdir, str(self.a.jobs), fmt]))
        r = json.loads(out.strip().splitlines()[-1])
        r["wall_seconds"] = wall
        r["cpu_seconds"] = cpu_of(err)
        return r

    def encode_floor(self, tiledir):
        _, out, _ = sh([self.floor, tiledir, str(self.a.jobs)])
        return json.loads(out)

    # --- workloads ------------------------------------------------------------
    def prepare_a(self):
        d = os.path.join(self.work, "a")
        os.makedirs(d, exist_ok=True)
        for sub in ("geodata", "styles"):
            shutil.rmtree(os.path.join(d, sub), ignore_errors=True)
            shutil.copytree(os.path.join(REPO, sub), os.path.join(d, sub))
        with_tiles(os.path.join(REPO, "partymap.json"), os.path.join(d, "partymap.json"), 13, 18)
        return d

    def prepare_b(self):
        d = os.path.join(self.work, "city")
        stamp = os.path.join(d, "generator.stamp")
        gen = os.path.join(BENCH, "gen_city.py")
        want = str(os.path.getmtime(gen)) + open(gen, "rb").read().hex()[:64]
        if not os.path.exists(stamp) or open(stamp).read() != want:
            shutil.rmtree(d, ignore_errors=True)
            sh(["/usr/bin/python3", gen, d, REPO])
            open(stamp, "w").write(want)
        z0, z1 = (int(v) for v in self.a.city_zooms.split("-"))
        with_tiles(os.path.join(d, "partymap.json"), os.path.join(d, "bench.json"), z0, z1)
        return d, os.path.join(d, "bench.json")

    def tile_workload(self, key, title, d, cfg):
        print("bench: workload %s: %s" % (key, title), file=sys.stderr)
        tiles_dir = os.path.join(self.scratch, key) if self.scratch else d
        pm_out, mk_out = os.path.join(tiles_dir, "pm-out"), os.path.join(tiles_dir, "mapnik-out")
        first, names = self.partymap_tiles(cfg, pm_out, self.a.jobs)
        listfile = os.path.join(d, "tiles.txt")
        open(listfile, "w").write("\n".join(names) + "\n")
        mk = os.path.join(d, "mapnik")
        sh(["/usr/bin/python3", os.path.join(BENCH, "mapnik_prep.py"), cfg, "service", "2016",
            os.path.join(pm_out, "2016", "tiles", "service.mbtiles"), mk])
        style = os.path.join(mk, "service.xml")
        # Every measurement the ratios need is taken in every repetition, one after
        # the other, so that a slow spell of this shared machine hits them alike.
        runs = {"partymap": [first], "mapnik_png32": [], "partymap_1job": [], "encode_floor": []}
        for rep in range(self.a.reps):
            runs["mapnik_png32"].append(self.mapnik_tiles(style, listfile, mk_out + "-png32", "png32"))
            if rep:
                runs["partymap"].append(self.partymap_tiles(cfg, pm_out, self.a.jobs)[0])
            runs["encode_floor"].append(self.encode_floor(os.path.join(pm_out, "2016", "tiles", "service")))
            runs["partymap_1job"].append(self.partymap_tiles(cfg, pm_out + "-1", 1)[0])
            print("bench:   rep %d: partymap %.2f s (1 job %.2f s), mapnik %.2f s, encode floor %.2f s"
                  % (rep + 1, runs["partymap"][-1]["seconds"], runs["partymap_1job"][-1]["seconds"],
                     runs["mapnik_png32"][-1]["seconds"], runs["encode_floor"][-1]["seconds"]),
                  file=sys.stderr)
        shutil.rmtree(pm_out + "-1", ignore_errors=True)
        runs["mapnik_png8"] = [self.mapnik_tiles(style, listfile, mk_out + "-png8", "png8:m=h")]
        res = {name: median_run(r) for name, r in runs.items()}
        fl = res["encode_floor"]
        pm = res["partymap"]
        res["ratio_vs_mapnik"] = pm["tiles_per_s"] / res["mapnik_png32"]["tiles_per_s"]
        res["ratio_vs_mapnik_png8"] = pm["tiles_per_s"] / res["mapnik_png8"]["tiles_per_s"]
        res["bytes_vs_mapnik"] = pm["bytes"] / res["mapnik_png32"]["bytes"]
        res["bytes_vs_mapnik_png8"] = pm["bytes"] / res["mapnik_png8"]["bytes"]
        res["vs_encode_floor"] = pm["seconds"] / fl["seconds"]
        res["jobs_scaling"] = pm["tiles_per_s"] / res["partymap_1job"]["tiles_per_s"]
        # on a machine shared with other work, CPU time is the steadier comparison
        res["cpu_ratio_vs_mapnik"] = res["mapnik_png32"]["cpu_seconds"] / pm["cpu_seconds"]
        res["jobs_cpu_overhead"] = pm["cpu_seconds"] / res["partymap_1job"]["cpu_seconds"]
        res["title"] = title
        self.results["workloads"][key] = res
        return pm_out, mk_out + "-png32", names

    def end_to_end(self):
        d = os.path.join(self.work, "c")
        print("bench: workload c: the sample's five maps, every output", file=sys.stderr)
        runs = []
        for rep in range(self.a.reps):
            shutil.rmtree(os.path.join(d, "out"), ignore_errors=True)
            wall, out, err = sh(peak_of([self.pm, "render", "--year", "2016", "--jobs", str(self.a.jobs),
                                         "--out", os.path.join(d, "out"), "--quiet"]))
            tiles, nbytes = 0, 0
            for m in os.listdir(os.path.join(d, "out", "2016", "tiles")):
                p = os.path.join(d, "out", "2016", "tiles", m)
                if os.path.isdir(p):
                    for dd, _, files in os.walk(p):
                        tiles += sum(1 for f in files if f.endswith(".png"))
                        nbytes += sum(os.path.getsize(os.path.join(dd, f)) for f in files if f.endswith(".png"))
            runs.append({"tiles": tiles, "bytes": nbytes, "seconds": wall, "cpu_seconds": cpu_of(err),
                         "peak_rss_mb": float(re.search(r"PEAKRSS (\d+)", err).group(1)) / 1024})
        res = {"partymap": median_run(runs), "title": "sample, five maps, every output (render --year 2016)"}
        self.results["workloads"]["c"] = res

    def site(self):
        """The site workload: partymap renders the sites, bench/site_bench.mjs measures them."""
        print("bench: workload site: the city's and the sample's websites on a simulated phone", file=sys.stderr)
        d, _ = self.prepare_b()
        root = self.scratch or os.path.join(self.work, "site")
        cfg = os.path.join(d, "site.json")
        src = json.load(open(os.path.join(d, "partymap.json"), encoding="utf-8"))
        src["tiles"] = {"minzoom": 10, "maxzoom": 14, "hidpi": True, "quantize": True}
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump(src, f, ensure_ascii=False, indent=2)
        res = {"title": "websites on a phone: first view, time to usable, taps to popups"}
        city_out = os.path.join(root, "site-city")
        shutil.rmtree(city_out, ignore_errors=True)
        wall, _, err = sh([self.pm, "render", "-c", cfg, "--only", "tiles,site", "--year", "2016",
                           "--jobs", str(self.a.jobs), "--out", city_out])
        m = re.search(r"site .*?\(.*?(\d+) index files at z(\d+).*?\) ([\d.]+) s", err)
        res["city_render"] = {"seconds": wall, "site_seconds": float(m.group(3)) if m else None,
                              "index_files": int(m.group(1)) if m else None, "index_zoom": int(m.group(2)) if m else None}
        sample_out = os.path.join(root, "site-sample")
        shutil.rmtree(sample_out, ignore_errors=True)
        sh([self.pm, "render", "--only", "tiles,atlas,data,site", "--year", "2016", "--jobs", str(self.a.jobs),
            "--out", sample_out, "--quiet"])
        runs = [("city", city_out, []), ("sample", sample_out, []), ("sample_unthrottled", sample_out, ["--no-throttle"])]
        for name, out, extra in runs:
            _, js, _ = sh(["node", os.path.join(BENCH, "site_bench.mjs"), os.path.join(out, "site"),
                           "--reps", str(self.a.reps), "--label", name] + extra)
            res[name] = json.loads(js)
        self.results["workloads"]["site"] = res

    def side_by_side(self, pm_dir, mk_dir, names):
        import mapnik
        pick = []  # per zoom the busiest tile (most bytes): labels, edges, roads
        for z in (14, 15, 16, 17):
            at = [n for n in names if n.startswith("%d/" % z)]
            if at:
                pick.append(max(at, key=lambda n: (os.path.getsize(os.path.join(pm_dir, n + ".png")), n)))
        pad, label = 8, 0
        img = mapnik.Image(2 * 256 + 3 * pad, len(pick) * (256 + pad) + pad)
        img.fill(mapnik.Color("#808080"))
        img.premultiply()
        for i, n in enumerate(pick):
            for j, root in enumerate((pm_dir, mk_dir)):
                t = mapnik.Image.open(os.path.join(root, n + ".png"))
                t.premultiply()
                img.composite(t, mapnik.CompositeOp.src_over, 1.0, pad + j * (256 + pad), pad + i * (256 + pad))
        img.demultiply()
        path = os.path.join(self.out, "side_by_side.png")
        img.save(path, "png32")
        self.results["side_by_side"] = {"file": os.path.relpath(path, REPO), "tiles": pick,
                                        "columns": ["partymap", "mapnik png32"]}


def median_run(runs):
    keys = runs[0].keys()
    med = {k: statistics.median(r[k] for r in runs) for k in keys}
    med["tiles"] = int(med["tiles"])
    med["bytes"] = int(med["bytes"])
    med["tiles_per_s"] = med["tiles"] / med["seconds"] if med["seconds"] else 0
    med["ms_per_tile"] = 1000 * med["seconds"] / med["tiles"] if med["tiles"] else 0
    med["runs"] = len(runs)
    return med


def site_table(w):
    rows = [("site", "first view KB", "uncompressed KB", "usable s", "interactive s", "tap at usable ms",
             "tap ms median", "tap ms max", "tap to DOM ms", "DOM nodes", "search")]
    for name in ("city", "sample", "sample_unthrottled"):
        r = w.get(name)
        if not r:
            continue
        s = r["search"]
        rows.append((name, "%.0f" % (r["first_view_bytes"] / 1024), "%.0f" % (r["first_view_bytes_uncompressed"] / 1024),
                     "%.2f" % (r["usable_ms"] / 1000), "%.2f" % (r["interactive_ms"] / 1000),
                     "%.0f" % r["click_at_usable_ms"], "%.0f" % r["click_ms_median"], "%.0f" % r["click_ms_max"],
                     "%.0f" % r["click_dom_ms_median"], "%d" % r["dom_nodes"], "%d/%d names, %d/%d found" % (s["names"], s["committees"], s["found"], s["tried"])))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("site: a phone 390x844 (DPR 3) on Fast 3G (562.5 ms, 1.47 Mbit/s) with a 4x slower CPU, served "
                 "from localhost with gzip; first view: the bytes transferred until its tiles are drawn "
                 "(usable); taps: the page's own time from the tap to the end of the frame that shows the popup, "
                 "and to the popup in the page (tap to DOM); load average %s during the city's run (targets: 1 MB, 3 s, "
                 "100 ms)" % w.get("city", {}).get("load_average", "?"))
    return "\n".join(lines)


def table(res):
    rows = [("workload", "renderer", "tiles", "MB", "render s", "tiles/s", "ms/tile", "e2e s", "cpu s", "peak MB")]
    for key, w in res["workloads"].items():
        if key == "site":
            continue
        for name in ("partymap", "partymap_1job", "mapnik_png32", "mapnik_png8", "encode_floor"):
            if name not in w:
                continue
            r = w[name]
            rows.append((key, name, str(r["tiles"]), "%.2f" % (r["bytes"] / 1e6), "%.2f" % r["seconds"],
                         "%.0f" % (r["tiles"] / r["seconds"]), "%.3f" % (1000 * r["seconds"] / r["tiles"]),
                         "%.2f" % r.get("wall_seconds", r["seconds"]) if name != "encode_floor" else "-",
                         "%.2f" % r["cpu_seconds"] if "cpu_seconds" in r else "-",
                         "%.0f" % r["peak_rss_mb"] if "peak_rss_mb" in r else "-"))
    if len(rows) == 1:   # the site workload alone
        return site_table(res["workloads"]["site"]) if "site" in res["workloads"] else ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(widths[i]) if i > 1 else c.ljust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("render s: the tile phase (partymap's own timer; Mapnik from the loaded style to the last "
                 "tile); e2e s: the whole process; cpu s: user + system of the whole process tree; "
                 "tiles of a and b written to %s" % res["tiles_to"])
    for key, w in res["workloads"].items():
        if "ratio_vs_mapnik" in w:
            lines.append("%s: partymap/Mapnik tiles/s %.1fx (png8:m=h %.1fx); bytes %.0f%% of png32, %.0f%% of png8; "
                         "render time %.2fx the encode floor; 2 jobs %.2fx the rate of 1 (%.2fx its CPU); "
                         "Mapnik/partymap CPU %.1fx"
                         % (key, w["ratio_vs_mapnik"], w["ratio_vs_mapnik_png8"], 100 * w["bytes_vs_mapnik"],
                            100 * w["bytes_vs_mapnik_png8"], w["vs_encode_floor"], w["jobs_scaling"],
                            w["jobs_cpu_overhead"], w["cpu_ratio_vs_mapnik"]))
    if "site" in res["workloads"]:
        lines.append("")
        lines.append(site_table(res["workloads"]["site"]))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--workloads", default="a,b,c,site")
    ap.add_argument("--city-zooms", default="10-15")
    ap.add_argument("--tiles-to", default="", help="directory for the tiles of a and b (default: /dev/shm), "
                    "or 'disk' for beside the workloads' data under build/bench")
    args = ap.parse_args()
    b = Bench(args)
    try:
        run(b, args)
    finally:
        if b.scratch:
            shutil.rmtree(b.scratch, ignore_errors=True)


def run(b, args):
    todo = args.workloads.split(",")
    if "a" in todo:
        d = b.prepare_a()
        pm_dir, mk_dir, names = b.tile_workload("a", "Changshou sample, service, z13-18", d,
                                                os.path.join(d, "partymap.json"))
        b.side_by_side(os.path.join(pm_dir, "2016", "tiles", "service"), mk_dir, names)
    if "b" in todo:
        d, cfg = b.prepare_b()
        b.tile_workload("b", "synthetic city, service, z%s" % args.city_zooms, d, cfg)
    if "c" in todo:
        b.end_to_end()
    if "site" in todo:
        b.site()
    b.results["machine"]["load_after"] = os.getloadavg()[0]
    with open(os.path.join(b.out, "results.json"), "w") as f:
        json.dump(b.results, f, indent=2)
    print(table(b.results))


if __name__ == "__main__":
    main()
