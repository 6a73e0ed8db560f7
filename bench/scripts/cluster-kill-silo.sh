#!/usr/bin/env bash
# Losing a machine in the middle of a cluster batch: three `weipian silo` processes and a `weipian reprocess --cluster`
# client, membership and grain state in Redis (or PostgreSQL) on loopback; one silo is `kill -9`ed while it runs a
# scene; the batch must still complete with exactly the output of a single-machine run (nothing lost, nothing doubled).
#
# The scenes are those of reprocess-kill-resume.sh: `weipian synth` draws a 3072 x 2048 pair with its survey, the
# planted changes are burnt into both dates so the tiny test model reports them, and gdal_translate -srcwin cuts it into
# a 4 x 3 grid of overlapping 1024 x 1024 scenes. Then: a single-machine run (`weipian reprocess`, 2 workers) into ref/;
# the store on 127.0.0.1; three silos (1 scene at a time each, leases of 15 s, one-second failure probes); the client
# submitting the manifest into cluster/ (--detach) and following it (--attach); `kill -9` of a silo that is running a scene once K scene files
# exist; and a comparison of cluster/ with ref/: tuban.gpkg byte for byte, every feature (ogrinfo -al), regions.csv, one
# file per scene and no partial files.
#
# Usage: bench/scripts/cluster-kill-silo.sh [store=redis|postgres] [kill-after-scenes=4] [model=tests/Fixtures/models/stacked-change.onnx]
# Needs: the .NET 10 SDK, gdal-bin; installs redis-server (or postgresql) from Debian when missing.
# PostgreSQL needs Orleans' own table scripts (PostgreSQL-Main.sql, -Clustering.sql, -Persistence.sql, -Reminders.sql
# from the Orleans repository, src/AdoNet/...; the 10.x NuGet packages do not ship them): point ORLEANS_SQL at their folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/scripts/cluster-scenes.sh
store=${1:-redis}
kill_after=${2:-4}
model=$(realpath "${3:-tests/Fixtures/models/stacked-change.onnx}")
for tool in gdal_translate gdal_rasterize ogrinfo; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install gdal-bin" >&2; exit 2; }
done
install() { # debian-package
  echo "installing $1 (Debian)" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null
}
case "$store" in
  redis) command -v redis-server >/dev/null || install redis-server ;;
  postgres)
    [ -n "${ORLEANS_SQL:-}" ] && [ -f "$ORLEANS_SQL/PostgreSQL-Main.sql" ] || {
      echo "postgres: set ORLEANS_SQL to a folder with Orleans' PostgreSQL-Main.sql, PostgreSQL-Clustering.sql, PostgreSQL-Persistence.sql and PostgreSQL-Reminders.sql (Orleans repository, src/AdoNet); not shipped in the 10.x packages" >&2
      exit 2
    }
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || install postgresql ;;
  *) echo "store: redis or postgres" >&2; exit 2 ;;
esac
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=$(realpath src/Cli/bin/Release/net10.0/weipian.dll)
work=$(mktemp -d)
pids=()
cleanup() {
  stop_pids   # the silos, the client and a Redis started here; PostgreSQL (pg_ctl) is stopped below
  if [ -n "${pgdata:-}" ] && [ -d "$pgdata" ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ "${status:-1}" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "work folder kept: $work" >&2; fi
}
trap cleanup EXIT
chmod 755 "$work"
cd "$work"
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

echo "== scenes"
make_scenes "$cli"

echo "== single-machine run (2 workers)"
start=$(now)
dotnet "$cli" reprocess --manifest scenes.csv --survey synth/survey.gpkg --model "$model" --out ref --workers 2 > ref.log 2> ref.err \
  || { cat ref.log ref.err; exit 1; }
head -2 ref.log
echo "$(since "$start") s"

echo "== $store on 127.0.0.1"
case "$store" in
  redis)
    port=6391
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --protected-mode yes > redis.log 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
    [ "$(redis-cli -p "$port" ping 2>&1)" = PONG ] || { cat redis.log; exit 1; }
    connection="redis:127.0.0.1:$port"
    echo "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on port $port"
    ;;
  postgres)
    port=5439
    pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
    pgdata="$work/pgdata"
    mkdir -p "$pgdata" && chown postgres "$pgdata"
    runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" --auth=trust -U postgres >/dev/null
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -o "-p $port -c listen_addresses=127.0.0.1 -k $work" -l "$work/pg.log" -w start >/dev/null
    psql -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE orleans" >/dev/null
    for part in Main Clustering Persistence Reminders; do
      psql -h 127.0.0.1 -p "$port" -U postgres -d orleans -q -v ON_ERROR_STOP=1 -f "$ORLEANS_SQL/PostgreSQL-$part.sql" >/dev/null
    done
    connection="postgres:Host=127.0.0.1;Port=$port;Username=postgres;Database=orleans"
    echo "PostgreSQL $("$pgbin/postgres" --version | grep -o '[0-9.]*$') on port $port, Orleans tables from $ORLEANS_SQL"
    ;;
esac

echo "== three silos"
declare -A silo_pid
for i in 1 2 3; do
  dotnet "$cli" silo --cluster "$connection" --port $((11130 + i)) --gateway-port $((30030 + i)) --workers 1 --name "silo$i" \
    --lease 15 --fast-failure > "silo$i.log" 2>&1 &
  silo_pid[silo$i]=$!
  pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 600); do grep -q "up: port" "silo$i.log" && break; sleep 0.1; done
  grep -q "up: port" "silo$i.log" || { cat "silo$i.log"; exit 1; }
done
echo "silo1, silo2, silo3 up (1 scene at a time each)"

echo "== client: submit (--detach), then follow (--attach)"
start=$(now)
batch=$(dotnet "$cli" reprocess --cluster "$connection" --manifest scenes.csv --survey synth/survey.gpkg --model "$model" --out cluster \
  --threads 1 --detach 2> submit.err) || { cat submit.err; exit 1; }
echo "submitted batch $batch in $(since "$start") s"
dotnet "$cli" reprocess --cluster "$connection" --attach "$batch" > client.log 2> client.err &
client=$!
pids+=($client)
victim=""
while kill -0 "$client" 2>/dev/null; do
  count=$( (find cluster/scenes -maxdepth 1 -name '*.gpkg' ! -name '.*' 2>/dev/null || true) | wc -l)
  if [ "$count" -ge "$kill_after" ]; then
    # A silo whose last scene line says "started" is running a scene now.
    for i in 1 2 3; do
      last=$(grep -E "scene [^ ]+ of batch [^ ]+: (started|done|failed)" "silo$i.log" | tail -1 || true)
      if [[ $last == *started* ]]; then victim=silo$i; break; fi
    done
    [ -n "$victim" ] && break
  fi
  sleep 0.1
done
[ -n "$victim" ] || { echo "the batch ended before a silo could be killed; try a smaller kill-after" >&2; cat client.log client.err; exit 1; }
pid=${silo_pid[$victim]}
[ "$(ps -o comm= -p "$pid" 2>/dev/null || true)" = dotnet ] || { echo "pid $pid is not the dotnet process" >&2; exit 1; }
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
running=$(grep -E "scene [^ ]+ of batch [^ ]+: started" "$victim.log" | tail -1 | grep -o 'scene [^ ]*' || true)
echo "kill -9 $victim (pid $pid) at $(since "$start") s while it runs $running; $count scene file(s) in place"
echo "  last progress: $(grep '\[' client.err | tail -1 | sed 's/^[0-9:]* //')"

code=0
for _ in $(seq 3000); do kill -0 "$client" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$client" 2>/dev/null; then echo "the batch did not finish within 5 minutes" >&2; tail -5 client.err; exit 1; fi
wait "$client" || code=$?
elapsed=$(since "$start")
cat client.log
echo "client exit $code; batch $elapsed s from submission"
grep -h "taken back" silo*.log | sed 's/^.*Batch [^:]*: /  batch log: /' | head -5 || true

echo "== compare with the single-machine run"
status=0
[ "$code" -eq 0 ] || { echo "client exit code $code"; status=1; }
if cmp -s ref/tuban.gpkg cluster/tuban.gpkg; then echo "tuban.gpkg: byte-identical"; else echo "tuban.gpkg: bytes differ"; status=1; fi
ogrinfo -ro -al -q ref/tuban.gpkg | tail -n +2 > ref.txt
ogrinfo -ro -al -q cluster/tuban.gpkg | tail -n +2 > cluster.txt
features=$(grep -c '^OGRFeature' ref.txt || true)
if diff -q ref.txt cluster.txt >/dev/null; then echo "features: all $features identical, field by field and geometry (ogrinfo -al)"; else diff ref.txt cluster.txt | head -20; status=1; fi
if cmp -s ref/regions.csv cluster/regions.csv; then echo "regions.csv: identical"; else echo "regions.csv: differs"; status=1; fi
ref_files=$(cd ref/scenes && ls | sort | tr '\n' ' ')
cluster_files=$(cd cluster/scenes && ls -A | sort | tr '\n' ' ')
if [ "$ref_files" = "$cluster_files" ]; then echo "scene files: $(echo "$cluster_files" | wc -w), one per scene, no partial files"; else echo "scene files differ: $cluster_files"; status=1; fi
for f in ref/scenes/*.gpkg; do
  k=$(basename "$f")
  ogrinfo -ro -al -q "$f" | tail -n +2 > a.txt; ogrinfo -ro -al -q "cluster/scenes/$k" | tail -n +2 > b.txt
  cmp -s a.txt b.txt || { echo "scene $k differs"; status=1; }
done
grep -q "taken back from lost silos" client.log || { echo "no scene was taken back from the killed silo"; status=1; }
echo "script time so far: ${SECONDS} s (build, scenes, single-machine run, store, silos, cluster run)"
[ "$status" -eq 0 ] && echo "RESULT: complete, nothing lost, nothing doubled: identical to the single-machine run" || echo "RESULT: DIFFERENT"
exit "$status"
