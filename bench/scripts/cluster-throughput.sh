#!/usr/bin/env bash
# Throughput of a reprocessing cluster on this machine, and its own cost per scene.
#
# 1. Scenes per minute: the 12 scenes of cluster-scenes.sh on one silo, then on two silos (each silo one scene at a
#    time with one inference thread, so one silo uses one core), with the single-machine `weipian reprocess` (1 and 2
#    workers, one thread each) beside them. On a 2-core machine two silos can at best double one silo: the figure is
#    bounded by the cores, not by the cluster.
# 2. Scheduling overhead: N no-op scenes (`weipian silo --no-op-scenes`: the scene is handed out on a lease, the
#    stateless worker is called and answers at once, the result is recorded and stored) on one silo with one lane, so
#    scenes go one after another: scene time / N = the cluster's cost per scene (lease, worker call, result, two
#    state writes), for in-memory state (localhost) and, when redis-server is installed, for Redis.
#
# Usage: bench/scripts/cluster-throughput.sh [noop-scenes=300] [model=tests/Fixtures/models/stacked-change.onnx]
# Needs: the .NET 10 SDK, gdal-bin; redis-server for the Redis overhead line (skipped when missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/cluster-scenes.sh
noop=${1:-300}
model=$(realpath "${2:-tests/Fixtures/models/stacked-change.onnx}")
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=$(realpath src/Cli/bin/Release/net10.0/weipian.dll)
work=$(mktemp -d)
pids=()
trap 'stop_pids; rm -rf "$work"' EXIT
cd "$work"
echo "== scenes"
make_scenes "$cli"

silos() { # count connection extra-silo-args...
  local n=$1 connection=$2; shift 2
  [ "$connection" = localhost ] && connection=localhost:11141   # the first silo is the primary
  for i in $(seq "$n"); do
    dotnet "$cli" silo --cluster "$connection" --port $((11140 + i)) --gateway-port $((30040 + i)) --workers 1 --name "silo$i" "$@" \
      > "silo$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq "$n"); do
    for _ in $(seq 600); do grep -q "up: port" "silo$i.log" && break; sleep 0.1; done
    grep -q "up: port" "silo$i.log" || { cat "silo$i.log"; exit 1; }
  done
}
client_connection() { # count connection
  if [ "$2" = localhost ]; then echo "localhost:$(seq -s, 30041 $((30040 + $1)))"; else echo "$2"; fi
}
scenes_seconds() { grep -o 'scenes [0-9.]* s' "$1" | grep -o '[0-9.]*'; }

echo "== single machine (weipian reprocess, one inference thread per worker)"
for w in 1 2; do
  start=$(date +%s.%N)
  dotnet "$cli" reprocess --manifest scenes.csv --survey synth/survey.gpkg --model "$model" --out "local$w" --workers "$w" --threads 1 > "local$w.log" 2>&1
  t=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  echo "$w worker(s): 12 scenes in $t s (whole command) = $(awk -v t="$t" 'BEGIN { printf "%.1f", 12 * 60 / t }') scenes/min"
done

echo "== cluster, localhost clustering, in-memory state"
for n in 1 2; do
  silos "$n" localhost
  dotnet "$cli" reprocess --cluster "$(client_connection "$n" localhost)" --manifest scenes.csv --survey synth/survey.gpkg --model "$model" \
    --out "cluster$n" --threads 1 > "cluster$n.log" 2> "cluster$n.err" || { cat "cluster$n.log" "cluster$n.err"; exit 1; }
  t=$(scenes_seconds "cluster$n.log")
  cmp -s local1/tuban.gpkg "cluster$n/tuban.gpkg" && same="tuban.gpkg identical to the single-machine run" || same="tuban.gpkg DIFFERS"
  echo "$n silo(s) x 1 scene at a time: 12 scenes in $t s (submission to last scene) = $(awk -v t="$t" 'BEGIN { printf "%.1f", 12 * 60 / t }') scenes/min; $(grep '^silo ' "cluster$n.log" | tr '\n' ' ')| $same"
  stop_pids
done

echo "== scheduling overhead: $noop no-op scenes, one silo, one lane (scenes one after another)"
{ echo "key,before,after"; for i in $(seq -w 1 "$noop"); do echo "N$i,scenes/GF2_R0C0-before.tif,scenes/GF2_R0C0-after.tif"; done; } > noop.csv
overhead() { # name connection description
  silos 1 "$2" --no-op-scenes
  dotnet "$cli" reprocess --cluster "$(client_connection 1 "$2")" --manifest noop.csv --survey synth/survey.gpkg --model "$model" \
    --out "noop-$1" > "noop-$1.log" 2> "noop-$1.err" || true   # every no-op scene "fails": exit 3 or 1 is expected
  t=$(scenes_seconds "noop-$1.log")
  echo "$3: $noop scenes in $t s = $(awk -v t="$t" -v n="$noop" 'BEGIN { printf "%.1f", t * 1000 / n }') ms per scene"
  stop_pids
}
overhead memory localhost "in-memory state (localhost clustering)"
if command -v redis-server >/dev/null; then
  redis-server --port 6392 --bind 127.0.0.1 --save "" --appendonly no > redis.log 2>&1 &
  redis_pid=$!
  trap 'stop_pids; kill "$redis_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 100); do [ "$(redis-cli -p 6392 ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
  overhead redis redis:127.0.0.1:6392 "Redis state, membership and reminders"
  kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
else
  echo "Redis: skipped (no redis-server)"
fi
echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
