#!/usr/bin/env bash
# make dist-test: the README's recipes for shards ("Shards: a year's tiles over many
# machines"), run exactly as the README prints them, on real engines:
#   1. a single run of the year's tiles (every map, 256 px and @2x): the reference;
#   2. a single-node Slurm cluster started here (tests/dist/cluster.sh), the README's
#      job script and submission (the job array and the merge job), one task killed with
#      SIGKILL mid-run (it requeues itself, as the script says) and run again;
#   3. GNU parallel on this host (-S :, no ssh), one shard killed mid-run and retried;
# each merge compared with the single run's packages byte for byte (cmp), and no
# temporaries left.  Every wait is bounded.  The daemons are stopped by their pid files
# when the test ends, failed or not.
#
# Needs root (munged and slurmd) and Debian's slurmctld, slurmd, slurm-client, munge
# and parallel, installed through make dist-deps.  Without them the test says so and
# skips (exit 0), unless CI=1, where a skip is a failure.
#
# Environment: BUILD (build), DIST_SHARDS (4), DIST_MAXZOOM (15: the sample's tiles to
# z15, small enough for CI; "" keeps the config's z12-18), DIST_CONFIG (a config to
# use instead of the sample; its tiles as they are), DIST_YEAR (2016), DIST_BOUND
# (seconds each engine may take, 300), DIST_KEEP=1 (keep the temporary folder).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
SHARDS=${DIST_SHARDS:-4}
MAXZOOM=${DIST_MAXZOOM-15}
YEAR=${DIST_YEAR:-2016}
BOUND=${DIST_BOUND:-300}
README=$REPO/README.md
T0=$SECONDS
case $SHARDS in ''|*[!0-9]*) SHARDS=0 ;; esac
[ "$SHARDS" -ge 2 ] || { echo "dist-test: DIST_SHARDS must be 2 or more" >&2; exit 2; }

say() { echo "dist-test: $*"; }
fail() { echo "dist-test: FAIL: $*" >&2; exit 1; }
skip() {
  say "SKIPPED: $*"
  if [ "${CI:-}" = 1 ]; then echo "dist-test: FAIL: CI=1, where the test must run, not skip" >&2; exit 1; fi
  exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root, to start munged, slurmctld and slurmd (run it as root, or in CI)"
"${MAKE:-make}" -C "$REPO" --no-print-directory dist-deps \
  || skip "could not install Debian's slurmctld, slurmd, slurm-client, munge and parallel (make dist-deps)"
for c in munged munge unmunge slurmctld slurmd sbatch squeue scontrol scancel sinfo parallel python3; do
  command -v "$c" >/dev/null || skip "$c not found after make dist-deps"
done
[ -x "$REPO/$BUILD/partymap" ] || fail "$REPO/$BUILD/partymap is not built (make dist-test builds it)"

W=$(mktemp -d /tmp/partymap-dist.XXXXXX)
chmod 755 "$W"   # munged wants every folder above its socket searchable by all
# shellcheck source=tests/dist/cluster.sh
. "$REPO/tests/dist/cluster.sh"
PARALLEL_PID=
cleanup() {
  local rc=$?
  if [ -n "$PARALLEL_PID" ] && kill -0 "$PARALLEL_PID" 2>/dev/null; then
    kill -- "-$PARALLEL_PID" 2>/dev/null || true   # its session: the recipe, parallel, shards
    wait "$PARALLEL_PID" 2>/dev/null || true
  fi
  cluster_stop "$W/slurm" || true
  if [ "${DIST_KEEP:-}" = 1 ] || { [ $rc != 0 ] && [ "${CI:-}" != 1 ]; }; then say "left $W for a look"
  else rm -rf "$W"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The README's block NAME: the indented block after the line "<!-- dist-test: NAME -->",
# without its indent.
recipe() {
  awk -v want="<!-- dist-test: $1 -->" '
    $0 == want { on = 1; next }
    on && /^    / { sub(/^    /, ""); for (; blank > 0; blank--) print ""; print; got = 1; next }
    on && /^[ \t]*$/ { if (got) blank++; next }
    on { exit }' "$README"
}
for r in variables slurm-script slurm-submit parallel; do
  [ -n "$(recipe "$r")" ] || fail "README.md has no block marked <!-- dist-test: $r -->"
done

# The recipes' values here: partymap on the PATH as on every node, the config, the year
# and the shards (OUT and HOSTS per engine).  Not exported: the README's variables
# block must export what the jobs read.
PATH_HERE="$REPO/$BUILD:$PATH"
if [ -n "${DIST_CONFIG:-}" ]; then
  CONFIG=$(cd "$(dirname "$DIST_CONFIG")" && pwd)/$(basename "$DIST_CONFIG")
else
  # the sample with absolute paths (the config may live anywhere) and the test's zooms
  CONFIG=$W/sample.json
  python3 - "$REPO" "$CONFIG" "$MAXZOOM" <<'EOF'
import json, os, sys
repo, out, maxzoom = sys.argv[1], sys.argv[2], sys.argv[3]
c = json.load(open(os.path.join(repo, "partymap.json"), encoding="utf-8"))
here = lambda p: p if os.path.isabs(p) else os.path.join(repo, p)
for s in c["sources"].values():
    for src in s if isinstance(s, list) else [s]:
        p = src["path"]
        src["path"] = [here(x) for x in p] if isinstance(p, list) else here(p)
c["styles"] = here(c.get("styles", "styles"))
if maxzoom:
    c.setdefault("tiles", {})["maxzoom"] = int(maxzoom)
json.dump(c, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
EOF
fi

# A shell script for folder $1 running the README's blocks $3... with OUT=$2: the
# variables block, then the test's values assigned (not exported) over the README's,
# then the blocks.
script() {
  local dir=$1 out=$2 r
  shift 2
  mkdir -p "$dir"
  {
    echo "# the README's variables"; recipe variables
    echo "# this test's values"
    printf 'PATH=%q CONFIG=%q OUT=%q YEAR=%q SHARDS=%q HOSTS=:\n' "$PATH_HERE" "$CONFIG" "$out" "$YEAR" "$SHARDS"
    for r in "$@"; do echo "# the README's $r"; recipe "$r"; done
  } >"$dir/run.sh"
}

# 1. the reference: one run
t=$SECONDS
"$REPO/$BUILD/partymap" render -c "$CONFIG" --only tiles --year "$YEAR" --quiet --jobs 2 --out "$W/single"
SINGLE=$((SECONDS - t))
mapfile -t PACKAGES < <(cd "$W/single/$YEAR/tiles" && ls -- *.mbtiles *.pmtiles)
[ ${#PACKAGES[@]} -ge 2 ] || fail "the single run wrote no packages"
SETS=$((${#PACKAGES[@]} / 2))
say "single run: ${#PACKAGES[@]} packages (${SETS} maps and scales) in ${SINGLE} s"

# Every package of the single run, byte for byte, in $1; no temporaries left there.
same_as_single() {
  local p bad=0
  for p in "${PACKAGES[@]}"; do
    cmp -- "$W/single/$YEAR/tiles/$p" "$1/$p" || bad=1
  done
  [ $bad = 0 ] || fail "$2: the merged packages differ from the single run's (above)"
  if ls "$1" | grep -q '\.tmp-'; then ls -l "$1"; fail "$2: temporaries left in $1"; fi
  say "$2: all ${#PACKAGES[@]} packages identical to the single run's"
}

# The pid of partymap rendering shard $1 of $SHARDS into $2 once that shard has written
# its first package (so it is killed in the middle of its maps), or nothing if it has
# finished first or the engine has stopped (the shell line $3 fails).  Waits up to
# $BOUND seconds.
shard_pid() {
  local k=$1 out=$2 t=0 p comm
  while [ $t -lt $((BOUND * 10)) ] && eval "$3"; do
    for p in /proc/[0-9]*; do
      read -r comm 2>/dev/null <"$p/comm" || continue
      [ "$comm" = partymap ] && renders_shard "$p" "$k" "$out" || continue
      if compgen -G "$out/$YEAR/tiles/*.shard-$k-of-$SHARDS.mbtiles" >/dev/null; then echo "${p#/proc/}"; return; fi
    done
    sleep 0.1; t=$((t + 1))
  done
}

# Whether process folder $1 runs partymap with --shard $2/$SHARDS and --out $3.
renders_shard() {
  local a prev= shard= out=
  local -a args
  mapfile -d "" args 2>/dev/null <"$1/cmdline" || return 1
  for a in "${args[@]}"; do
    case $prev in --shard) shard=$a ;; --out) out=$a ;; esac
    case $a in --shard=*) shard=${a#--shard=} ;; --out=*) out=${a#--out=} ;; esac
    prev=$a
  done
  [ "$shard" = "$2/$SHARDS" ] && [ "$out" = "$3" ]
}

# SIGKILL to partymap pid $1 rendering shard $2 into $3; KILL_NOTE says how far it got.
kill_shard() {
  local had tmp
  had=$( { compgen -G "$3/$YEAR/tiles/*.shard-$2-of-$SHARDS.mbtiles"; compgen -G "$3/$YEAR/tiles/*.shard-$2-of-$SHARDS.pmtiles"; } | wc -l || true)
  tmp=$(compgen -G "$3/$YEAR/tiles/*.shard-$2-of-$SHARDS.*.tmp-*" | wc -l || true)
  kill -KILL "$1" 2>/dev/null || return 1
  KILL_NOTE="partymap pid $1, SIGKILL, $had of the shard's $((2 * SETS)) packages written, $tmp being written"
}

# 2. Slurm
slurm_report() {
  squeue || true
  scontrol show job 2>/dev/null | grep -E 'JobId=|JobState=|Restarts=' || true
  tail -n 20 "$W/slurm-job"/*.out 2>/dev/null || true
  cluster_logs "$W/slurm"
}
# Whether the cluster's jobs may still make progress: some queued, none waiting for a
# dependency that can never be met (a task failed: the merge would wait for ever).
slurm_busy() {
  [ -n "$(squeue -h -o %i)" ] && ! squeue -h -o %r | grep -q DependencyNeverSatisfied
}
t=$SECONDS
cluster_start "$W/slurm" || fail "the Slurm cluster did not start"
OUT=$W/slurm-out
script "$W/slurm-job" "$OUT" slurm-submit
echo 'echo "jid=$jid mid=$mid" >ids' >>"$W/slurm-job/run.sh"
recipe slurm-script >"$W/slurm-job/shards.sbatch"
say "Slurm: shards.sbatch and the submission (run.sh), from the README:"
sed 's/^/    /' "$W/slurm-job/shards.sbatch" "$W/slurm-job/run.sh"
cd "$W/slurm-job"
bash run.sh || { slurm_report; fail "Slurm: the README's submission failed"; }
jid=$(sed -n 's/^jid=\([^ ]*\) .*/\1/p' ids) mid=$(sed -n 's/.* mid=\(.*\)/\1/p' ids)
[ -n "$jid" ] && [ -n "$mid" ] || fail "Slurm: the README's submission must leave the job ids in jid and mid"
say "Slurm: array $jid, merge $mid"
KILLED=2
pid=$(shard_pid $KILLED "$OUT" slurm_busy)
[ -n "$pid" ] || { slurm_report; fail "Slurm: task ${jid}_$KILLED did not write into $OUT, or ended before it could be killed (the jobs' outputs above)"; }
kill_shard "$pid" $KILLED "$OUT" || { slurm_report; fail "Slurm: task ${jid}_$KILLED ended before it could be killed"; }
say "Slurm: killed task ${jid}_$KILLED mid-run ($KILL_NOTE)"
t1=$SECONDS
while slurm_busy; do
  [ $((SECONDS - t1)) -lt "$BOUND" ] || { slurm_report; fail "Slurm: jobs still queued after $BOUND s"; }
  sleep 0.5
done
if [ -n "$(squeue -h -o %i)" ]; then slurm_report; fail "Slurm: a task failed, so the merge job can never run"; fi
for k in $(seq 1 "$SHARDS"); do
  s=$(scontrol show job "${jid}_$k" | grep -o 'JobState=[A-Z_]*' | head -1)
  [ "$s" = JobState=COMPLETED ] || { slurm_report; fail "Slurm: task ${jid}_$k ended in $s"; }
done
restarts=$(scontrol show job "${jid}_$KILLED" | grep -o 'Restarts=[0-9]*' | cut -d= -f2)
[ "${restarts:-0}" -ge 1 ] || { slurm_report; fail "Slurm: the killed task was not run again"; }
s=$(scontrol show job "$mid" | grep -o 'JobState=[A-Z_]*' | head -1)
[ "$s" = JobState=COMPLETED ] || { slurm_report; fail "Slurm: the merge job ended in $s"; }
grep -q "$((2 * SETS)) packages of $SETS shard sets merged" "$W/slurm-job/slurm-$mid.out" \
  || { slurm_report; fail "Slurm: the merge job did not merge every shard set"; }
say "Slurm: $SHARDS tasks completed (task $KILLED run $((restarts + 1)) times), merge completed"
same_as_single "$OUT/$YEAR/tiles" Slurm
cluster_stop "$W/slurm"
SLURM_T=$((SECONDS - t))

# 3. GNU parallel on this host
t=$SECONDS
OUT=$W/parallel-out
script "$W/parallel-job" "$OUT" parallel
say "GNU parallel: run.sh, from the README:"
sed 's/^/    /' "$W/parallel-job/run.sh"
cd "$W/parallel-job"
setsid bash run.sh >parallel.log 2>&1 &   # a session of its own, stopped as one on failure
PARALLEL_PID=$!
KILLED=$((SHARDS < 3 ? SHARDS : 3))
pid=$(shard_pid $KILLED "$OUT" 'kill -0 $PARALLEL_PID 2>/dev/null')
[ -n "$pid" ] || { cat parallel.log; fail "GNU parallel: shard $KILLED did not write into $OUT, or ended before it could be killed (its output above)"; }
kill_shard "$pid" $KILLED "$OUT" || { cat parallel.log; fail "GNU parallel: shard $KILLED ended before it could be killed"; }
say "GNU parallel: killed shard $KILLED mid-run ($KILL_NOTE)"
t1=$SECONDS
while kill -0 "$PARALLEL_PID" 2>/dev/null; do
  [ $((SECONDS - t1)) -lt "$BOUND" ] || { cat parallel.log; fail "GNU parallel: still running after $BOUND s"; }
  sleep 0.5
done
rc=0; wait "$PARALLEL_PID" || rc=$?
PARALLEL_PID=
cat parallel.log
[ $rc = 0 ] || fail "GNU parallel: the README's recipe exited with $rc"
grep -q "$((2 * SETS)) packages of $SETS shard sets merged" parallel.log \
  || fail "GNU parallel: the merge did not merge every shard set"
same_as_single "$OUT/$YEAR/tiles" "GNU parallel"
PARALLEL_T=$((SECONDS - t))

say "passed in $((SECONDS - T0)) s: single run ${SINGLE} s; Slurm ${SLURM_T} s (cluster, $SHARDS shards," \
  "one killed and requeued, merge); GNU parallel ${PARALLEL_T} s ($SHARDS shards, one killed and retried, merge)"
