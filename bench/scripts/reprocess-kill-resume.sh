#!/usr/bin/env bash
# Kill-and-resume check of `weipian reprocess`: a batch killed with SIGKILL in the middle and then run again must end
# with exactly the output of an uninterrupted run (same polygons, same JCBH, same bytes).
#
# Makes a province-sized test in miniature: `weipian synth` draws a 3072 x 2048 scene pair with its survey and planted
# changes; the planted changes are burnt into both dates (before 100, after 1000 in every band) so the tiny test model
# (tests/Fixtures/models/stacked-change.onnx, no trained model needed) reports them; gdal_translate -srcwin cuts the
# pair into a 4 x 3 grid of overlapping 1024 x 1024 scenes (overlaps of 384 and 512 px), as neighbouring scenes overlap.
# Then: an uninterrupted run into ref/; a run into killed/ that is `kill -9`ed once K scene files exist; the same
# command again in killed/; and a comparison of killed/ with ref/: tuban.gpkg byte for byte, every feature's fields and
# geometry (ogrinfo -al), regions.csv.
#
# Usage: bench/scripts/reprocess-kill-resume.sh [workers=2] [kill-after-scenes=4] [model=tests/Fixtures/models/stacked-change.onnx]
# Needs: the .NET 10 SDK, gdal-bin (gdal_translate, gdal_rasterize, ogrinfo), sqlite3 (only to show the journal).
set -euo pipefail
cd "$(dirname "$0")/../.."
workers=${1:-2}
kill_after=${2:-4}
model=$(realpath "${3:-tests/Fixtures/models/stacked-change.onnx}")
for tool in gdal_translate gdal_rasterize ogrinfo; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install gdal-bin" >&2; exit 2; }
done
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=$(realpath src/Cli/bin/Release/net10.0/weipian.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== scenes"
dotnet "$cli" synth --out synth --size 3072 --height 2048 --seed 7 --no-shapefiles | tail -1
cp synth/before.tif before.tif
cp synth/after.tif after.tif
gdal_rasterize -q -l truth -b 1 -b 2 -b 3 -b 4 -burn 100 -burn 100 -burn 100 -burn 100 synth/truth.gpkg before.tif
gdal_rasterize -q -l truth -b 1 -b 2 -b 3 -b 4 -burn 1000 -burn 1000 -burn 1000 -burn 1000 synth/truth.gpkg after.tif
mkdir scenes
echo "key,before,after,before_date,after_date" > scenes.csv
for row in 0 1 2; do
  for col in 0 1 2 3; do
    key=$(printf "GF2_R%dC%d" "$row" "$col")
    x=$((col * 640)); y=$((row * 512))
    gdal_translate -q -srcwin "$x" "$y" 1024 1024 -co TILED=YES -co COMPRESS=DEFLATE before.tif "scenes/$key-before.tif"
    gdal_translate -q -srcwin "$x" "$y" 1024 1024 -co TILED=YES -co COMPRESS=DEFLATE after.tif "scenes/$key-after.tif"
    echo "$key,scenes/$key-before.tif,scenes/$key-after.tif,20240309,20240629" >> scenes.csv
  done
done
echo "12 scenes of 1024 x 1024 px in a 4 x 3 grid, overlapping by 384 px across and 512 px down"

run() { # out-dir
  dotnet "$cli" reprocess --manifest scenes.csv --survey synth/survey.gpkg --model "$model" --out "$1" --workers "$workers"
}

echo "== uninterrupted run"
start=$(date +%s.%N)
run ref > ref.log 2> ref.err || { cat ref.log ref.err; exit 1; }
printf "%s\n" "$(head -2 ref.log)"
awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s\n", e - s }'

echo "== run killed with SIGKILL once $kill_after scene files exist"
# Started directly (not through the function) so that $! is the weipian process itself, not a subshell.
dotnet "$cli" reprocess --manifest scenes.csv --survey synth/survey.gpkg --model "$model" --out killed --workers "$workers" \
  > killed-1.log 2> killed-1.err &
pid=$!
count=0
while kill -0 "$pid" 2>/dev/null; do
  count=$( (find killed/scenes -maxdepth 1 -name '*.gpkg' ! -name '.*' 2>/dev/null || true) | wc -l)
  [ "$count" -ge "$kill_after" ] && break
  sleep 0.05
done
[ "$(ps -o comm= -p "$pid" 2>/dev/null || true)" = dotnet ] || { echo "pid $pid is not the dotnet process" >&2; exit 1; }
if ! kill -9 "$pid" 2>/dev/null; then echo "the batch ended before it could be killed; try a smaller kill-after" >&2; exit 1; fi
wait "$pid" 2>/dev/null || true
if kill -0 "$pid" 2>/dev/null; then echo "pid $pid survived kill -9" >&2; exit 1; fi
echo "killed pid $pid with $count scene file(s) in place"
if command -v sqlite3 >/dev/null; then
  echo "journal after the kill: $(sqlite3 killed/journal.sqlite "SELECT group_concat(state || ' ' || n, ', ') FROM (SELECT state, count(*) n FROM scenes GROUP BY state)")"
fi
echo "$( (ls -a killed/scenes | grep -c partial) || true) partial file(s) left by the kill"
[ -e killed/tuban.gpkg ] && { echo "merged output exists after the kill: it should not" >&2; exit 1; }

echo "== the same command again"
run killed > killed-2.log 2> killed-2.err || { cat killed-2.log killed-2.err; exit 1; }
head -2 killed-2.log

echo "== compare with the uninterrupted run"
status=0
if cmp -s ref/tuban.gpkg killed/tuban.gpkg; then echo "tuban.gpkg: byte-identical"; else echo "tuban.gpkg: bytes differ"; status=1; fi
ogrinfo -ro -al -q ref/tuban.gpkg | tail -n +2 > ref.txt
ogrinfo -ro -al -q killed/tuban.gpkg | tail -n +2 > killed.txt
features=$(grep -c '^OGRFeature' ref.txt || true)
if diff -q ref.txt killed.txt >/dev/null; then echo "features: all $features identical, field by field and geometry (ogrinfo -al)"; else diff ref.txt killed.txt | head -20; status=1; fi
if cmp -s ref/regions.csv killed/regions.csv; then echo "regions.csv: identical"; else echo "regions.csv: differs"; status=1; fi
grep -o 'JCBH (String) = [^ ]*' ref.txt | head -3 | sed 's/^/  e.g. /'
[ "$status" -eq 0 ] && echo "RESULT: resumed output is identical to the uninterrupted run" || echo "RESULT: DIFFERENT"
exit "$status"
