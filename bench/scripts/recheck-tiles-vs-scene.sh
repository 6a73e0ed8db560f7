#!/usr/bin/env bash
# What running the model only over the tiles that cover the earlier polygons saves, against a whole-scene run.
#
# `weipian synth --recheck` draws a size x size scene with its third date; its planted polygons (recheck_truth.gpkg)
# are the earlier polygons. `weipian recheck` then runs on them twice per round, covering tiles only and
# --whole-scene, alternating, `rounds` rounds after one warm-up of each; the medians of wall time (the whole command:
# start, model load, reading, inference, judging, writing) and of the time inside the model are compared, and the two
# outputs must hold the same results (ogrinfo -al, file names aside).
#
# Usage: bench/scripts/recheck-tiles-vs-scene.sh [size=4096] [changes-per-km2=8] [rounds=3] [model] [threads=2]
# model: an .onnx; default src/Models/spectral-v1.onnx, else $WEIPIAN_RECHECK_MODEL, else the tiny test model
# (tests/Fixtures/models/pair-logits-5c.onnx, tile 64: its tile counts differ, its verdicts mean nothing).
# Needs: the .NET 10 SDK, gdal-bin (ogrinfo), GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-4096}
density=${2:-8}
rounds=${3:-3}
model=${4:-}
threads=${5:-2}
if [ -z "$model" ]; then
  if [ -f src/Models/spectral-v1.onnx ]; then model=src/Models/spectral-v1.onnx
  elif [ -n "${WEIPIAN_RECHECK_MODEL:-}" ]; then model=$WEIPIAN_RECHECK_MODEL
  else model=tests/Fixtures/models/pair-logits-5c.onnx; echo "note: no spectral-v1 in the tree; using the tiny test model" >&2
  fi
fi
model=$(realpath "$model")
command -v ogrinfo >/dev/null || { echo "needs ogrinfo: apt-get install gdal-bin" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=$(realpath src/Cli/bin/Release/net10.0/weipian.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

dotnet "$cli" synth --out s --size "$size" --seed 31 --changes-per-km2 "$density" --no-shapefiles --recheck | tail -2

run() { # mode out -> "wall_s model_s tiles_run tiles_scene"
  local extra=()
  [ "$1" = whole ] && extra=(--whole-scene)
  /usr/bin/time -f "%e" -o time.txt dotnet "$cli" recheck --polygons s/recheck_truth.gpkg --layer recheck_truth \
    --image s/newest.tif --reference s/before.tif --model "$model" --threads "$threads" --out "$2" "${extra[@]}" 2>/dev/null > summary.txt
  local line
  line=$(grep "tiles run" summary.txt)
  # "  tiles run 86 of 361 in the scene (24 %); model 1.2 s of 3.4 s"
  echo "$(cat time.txt) $(echo "$line" | awk '{print $12, $3, $5}')"
}

run tiles warm-tiles.gpkg >/dev/null
run whole warm-whole.gpkg >/dev/null
: > tiles.txt
: > whole.txt
for i in $(seq "$rounds"); do
  run tiles "tiles$i.gpkg" >> tiles.txt
  run whole "whole$i.gpkg" >> whole.txt
done
n=$(ogrinfo -ro -al -so tiles1.gpkg | awk -F': ' '/Feature Count/ {print $2}')
diff <(ogrinfo -ro -al tiles1.gpkg | grep -v "^INFO: Open") <(ogrinfo -ro -al whole1.gpkg | grep -v "^INFO: Open") >/dev/null \
  && same="identical" || same="DIFFERENT"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
tw=$(awk '{print $1}' tiles.txt | median); ww=$(awk '{print $1}' whole.txt | median)
tm=$(awk '{print $2}' tiles.txt | median); wm=$(awk '{print $2}' whole.txt | median)
read -r _ _ tr ts < <(tail -1 tiles.txt)
awk -v n="$n" -v size="$size" -v tr="$tr" -v ts="$ts" -v tw="$tw" -v ww="$ww" -v tm="$tm" -v wm="$wm" -v same="$same" \
    -v model="$(basename "$model")" -v rounds="$rounds" -v threads="$threads" 'BEGIN {
  printf "scene %d x %d px, %d earlier polygons, model %s, %d threads, median of %d rounds\n", size, size, n, model, threads, rounds
  printf "  covering tiles: %4d tiles  wall %6.2f s  model %6.2f s\n", tr, tw, tm
  printf "  whole scene:    %4d tiles  wall %6.2f s  model %6.2f s\n", ts, ww, wm
  printf "  tiles ratio %.3f   wall-time ratio %.3f   model-time ratio %.3f   results %s\n", tr / ts, tw / ww, tm / wm, same
}'
