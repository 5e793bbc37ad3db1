#!/usr/bin/python3
"""What shards cost: a year's tiles as one run and as N shards (README "Shards").

Renders the tiles of one year (every map of the config, 256 px and @2x, as the
config says) once as a single run and then, for each N, as shards 1..N one after
the other (each on --jobs threads, as a batch engine would run each on its own
node), merges them with merge --all, checks that the merged packages equal the
single run's byte for byte, and prints per run: wall seconds, CPU seconds and peak
memory (each process's own rusage) of the single run, of the slowest and the
fastest shard, the sum over the shards (the CPU a cluster spends) and the merge,
and what every shard repeats: the loading (a shard with no tiles).

usage: shard_times.py [--bin build/partymap] [--config CONFIG] [--year 2016]
                      [--maps ID,...] [--shards 2,4,8] [--jobs 2] [--reps 1] [--out DIR]
"""
import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time


def run(cmd, reps=1):
    """Runs cmd reps times; returns (wall s, cpu s, peak MB) of that process alone, of
    the repetition with the least wall time (the machine's other load varies)."""
    return min(run_once(cmd) for _ in range(reps))


def run_once(cmd):
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err.decode(errors="replace")))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build/partymap")
    ap.add_argument("--config", default="partymap.json")
    ap.add_argument("--year", default="2016")
    ap.add_argument("--maps", default=None)
    ap.add_argument("--shards", default="2,4,8")
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--reps", type=int, default=1, help="runs of each process, the fastest kept")
    ap.add_argument("--out", default=None, help="work folder (default: a temporary one, removed)")
    a = ap.parse_args()
    work = a.out or tempfile.mkdtemp(prefix="partymap-shards.")
    base = [a.bin, "render", "-c", a.config, "--only", "tiles", "--year", a.year,
            "--jobs", a.jobs, "--quiet"] + (["--maps", a.maps] if a.maps else [])
    rows = []
    single = os.path.join(work, "single")
    rows.append(("single run",) + run(base + ["--out", single], a.reps) + (None,))
    # what every shard repeats: loading, joins, classes (a shard of no metatile)
    rows.append(("loading (no tiles)",) + run(base + ["--shard", "99999/100000", "--out",
                                                      os.path.join(work, "empty")], a.reps) + (None,))
    want = os.path.join(single, a.year, "tiles")
    packages = sorted(f for f in os.listdir(want) if f.endswith((".mbtiles", ".pmtiles")))
    for n in [int(x) for x in a.shards.split(",")]:
        out = os.path.join(work, "shards-%d" % n)
        shards = [run(base + ["--shard", "%d/%d" % (k, n), "--out", out], a.reps) for k in range(1, n + 1)]
        tiles = os.path.join(out, a.year, "tiles")
        merge = run([a.bin, "merge", "--all", tiles, "--quiet"])
        bad = [p for p in packages if not filecmp.cmp(os.path.join(want, p), os.path.join(tiles, p), shallow=False)]
        if bad:
            sys.exit("%d shards: merged packages differ from the single run's: %s" % (n, ", ".join(bad)))
        walls = [s[0] for s in shards]
        rows.append(("%d shards: slowest" % n,) + max(shards) + (None,))
        rows.append(("%d shards: fastest" % n,) + min(shards) + (None,))
        rows.append(("%d shards: sum" % n, sum(walls), sum(s[1] for s in shards),
                     max(s[2] for s in shards), None))
        rows.append(("%d shards: merge" % n,) + merge + ("%d packages identical" % len(packages),))
    print("%s, %s, --jobs %s, %d packages:" % (a.config, a.year, a.jobs, len(packages)))
    print("    %-20s %8s %8s %8s" % ("", "wall s", "cpu s", "peak MB"))
    for name, wall, cpu, peak, note in rows:
        print("    %-20s %8.1f %8.1f %8.0f%s" % (name, wall, cpu, peak, "  " + note if note else ""))
    if not a.out:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
