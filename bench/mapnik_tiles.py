#!/usr/bin/python3
"""Renders a list of XYZ tiles with Mapnik the way renderd does: 8 x 8 metatiles drawn
as one 2048 px image (with the map's buffer), sliced into 256 px tiles, PNG encoded
and written as OUT/z/x/y.png, on N worker processes (renderd's threads each own a map).

usage: mapnik_tiles.py STYLE.xml TILELIST OUTDIR PROCESSES FORMAT
  TILELIST  one "z/x/y" a line: the tiles to write (their metatiles are drawn whole)
  FORMAT    a Mapnik image format: png32 (RGBA, zlib) or png8:m=h (quantised)

The style is loaded once, before the workers are forked (they inherit it, as
renderd's threads share a loaded process).  Prints one JSON line: tiles, bytes,
seconds (the render phase: from the loaded style to the last tile written),
startup_seconds (Python, Mapnik and the style), peak_rss_mb (sum of the workers'
peaks plus the parent's: they run at the same time).
"""
import json
import math
import multiprocessing as mp
import os
import resource
import sys
import time

T0 = time.monotonic()

import mapnik  # noqa: E402  (timed: part of the renderer's start-up)

META = 8
TILE = 256
MERC = 20037508.342789244
FONTS = "/usr/share/fonts/opentype/noto"

_map = None
_fmt = None
_out = None


def init(style, fmt, out):
    global _map, _fmt, _out
    mapnik.register_fonts(FONTS)
    _map = mapnik.Map(META * TILE, META * TILE)
    mapnik.load_map(_map, style)
    _fmt, _out = fmt, out


def render(job):
    z, mx, my, wanted = job
    n = 1 << z
    w = min(META, n - mx * META) if n > mx * META else 0
    h = min(META, n - my * META) if n > my * META else 0
    size = 2 * MERC / n
    x0, y1 = -MERC + mx * META * size, MERC - my * META * size
    _map.resize(w * TILE, h * TILE)
    _map.zoom_to_box(mapnik.Box2d(x0, y1 - h * size, x0 + w * size, y1))
    img = mapnik.Image(w * TILE, h * TILE)
    mapnik.render(_map, img)
    nbytes = 0
    for (x, y) in wanted:
        tile = img.view((x - mx * META) * TILE, (y - my * META) * TILE, TILE, TILE)
        data = tile.tostring(_fmt)
        d = os.path.join(_out, str(z), str(x))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "%d.png" % y), "wb") as f:
            f.write(data)
        nbytes += len(data)
    return nbytes


def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    style, listfile, out, procs, fmt = sys.argv[1:6]
    metas = {}
    for line in open(listfile):
        z, x, y = (int(v) for v in line.strip().split("/"))
        metas.setdefault((z, x // META, y // META), []).append((x, y))
    jobs = [(z, mx, my, sorted(t)) for (z, mx, my), t in sorted(metas.items())]
    tiles = sum(len(j[3]) for j in jobs)
    init(os.path.abspath(style), fmt, out)
    t1 = time.monotonic()
    with mp.get_context("fork").Pool(int(procs)) as pool:
        nbytes = sum(pool.imap_unordered(render, jobs, chunksize=1))
        seconds = time.monotonic() - t1
        peaks = pool.map(_worker_peak, range(int(procs) * 4), chunksize=1)
        pool.close()
        pool.join()  # reaped, so that their CPU time counts in the parent's children
    # each worker answers at least once in practice; take the largest per pid
    per_pid = {}
    for pid, kb in peaks:
        per_pid[pid] = max(kb, per_pid.get(pid, 0))
    rss = (sum(per_pid.values()) + peak()) / 1024
    print(json.dumps({"tiles": tiles, "bytes": nbytes, "seconds": seconds, "startup_seconds": t1 - T0,
                      "peak_rss_mb": rss}))


def _worker_peak(_):
    time.sleep(0.05)
    return os.getpid(), peak()


if __name__ == "__main__":
    main()
