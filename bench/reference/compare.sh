#!/usr/bin/env bash
# WeiPian against the plain Python pipeline (bench/reference/pipeline.py) on the same synthesised scene (issue 6:
# WeiPian at least 3x faster end to end on CPU, its class raster equal to the reference's on >= 99.9 % of pixels).
# Each round runs both, one after the other (the order alternating between rounds), as whole processes timed from
# start to exit; the ratio is of the summed times, so a shared machine's load falls on both alike.
# Usage: bench/reference/compare.sh [size] [rounds] [model...]   (defaults 4096, 2, spectral-v1 fusion-unet-v1)
# WEIPIAN_REFERENCE_DATA=DIR keeps the synthesised scene in DIR (reused when there); REFERENCE_THREADS=N sets torch's
# threads (default: torch's own default); COMPARE_ALL_LAND=1 runs both with --all-land (no farmland mask, so the engine
# leaves no tile out of the model either).
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-4096}
rounds=${2:-2}
shift $(( $# > 2 ? 2 : $# ))
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(spectral-v1 fusion-unet-v1)
seed=7
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=src/Cli/bin/Release/net10.0/weipian.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=${WEIPIAN_REFERENCE_DATA:-$work}
scene="$data/s$size-seed$seed"
[ -f "$scene/after.tif" ] || dotnet "$cli" synth --out "$scene" --size "$size" --seed "$seed" --no-shapefiles >/dev/null
inputs=(--before "$scene/before.tif" --after "$scene/after.tif" --survey "$scene/survey.gpkg")
threads=()
[ -z "${REFERENCE_THREADS:-}" ] || threads=(--threads "$REFERENCE_THREADS")
[ "${COMPARE_ALL_LAND:-0}" != 1 ] || inputs+=(--all-land)

seconds() { # command... -> wall seconds on stdout, the command's output in $work/last.log
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
weipian() { seconds dotnet "$cli" detect "${inputs[@]}" --model "$1" --out "$work/w-$1.gpkg" --class-raster "$work/w-$1.tif" --profile; }
reference() { seconds /usr/bin/python3 bench/reference/pipeline.py "${inputs[@]}" --model "$1" --out "$work/r-$1.gpkg" --class-raster "$work/r-$1.tif" "${threads[@]}"; }

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), scene ${size}x${size} seed $seed${COMPARE_ALL_LAND:+, all land}"
for model in "${models[@]}"; do
  total_w=0 total_r=0
  for round in $(seq 1 "$rounds"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if (( round % 2 == 1 )); then
      w=$(weipian "$model"); cp "$work/last.log" "$work/w-$model.log"
      r=$(reference "$model"); cp "$work/last.log" "$work/r-$model.log"
    else
      r=$(reference "$model"); cp "$work/last.log" "$work/r-$model.log"
      w=$(weipian "$model"); cp "$work/last.log" "$work/w-$model.log"
    fi
    echo "$model round $round (load $load): weipian $w s, reference $r s, ratio $(awk -v a="$w" -v b="$r" 'BEGIN { printf "%.2f", b / a }')"
    total_w=$(awk -v a="$total_w" -v b="$w" 'BEGIN { print a + b }')
    total_r=$(awk -v a="$total_r" -v b="$r" 'BEGIN { print a + b }')
  done
  echo "$model: weipian $total_w s, reference $total_r s over $rounds round(s): weipian $(awk -v a="$total_w" -v b="$total_r" 'BEGIN { printf "%.2f", b / a }')x faster (target >= 3)"
  grep -E "^(Read|Scale|Model|Stitch|Mask|WriteRaster|Polygonize|Attribute|WritePolygons) |^wall" "$work/w-$model.log" | sed 's/^/  weipian (last round) /'
  grep -E "^reference" "$work/r-$model.log" | sed 's/^/  /'
  /usr/bin/python3 bench/reference/agreement.py "$work/w-$model.tif" "$work/r-$model.tif" | sed 's/^/  /'
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
