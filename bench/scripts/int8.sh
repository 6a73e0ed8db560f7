#!/usr/bin/env bash
# fusion-unet-v1 in float32 against its int8 quantisation fusion-unet-v1:int8 (issue 19 §2) on one fresh synthesised
# pair (seed 1919, the synthesiser's default density), through the real command line:
#  1. `weipian bench-models --models fusion-unet-v1 fusion-unet-v1:int8` on the pair as a one-case set: Mpx/s, object
#     recall/precision, per-class pixel F1 of each;
#  2. `weipian detect --all-land --profile` alternately float32, int8, float32, int8 (RUNS pairs): each run's wall and
#     model stage, the int8/float32 ratio of the summed walls and of the summed model stages with the range over the
#     pairs, and the float32 polygons found in the int8 run (match-polygons.py: found, new, identical);
#  3. the model stage alone, without GDAL: weipian-infer-bench (bench/gpu/InferBench: the real ChangeModel on a pair
#     rendered in memory, detect's tiles, batch and lanes) --variants cpu, alternately float32 and int8 (RUNS pairs of
#     two timed passes each): Mpx/s inside the model, the int8/float32 speed-up and its range.
# Usage: bench/scripts/int8.sh [size=2048] [runs=2] [extra detect options...]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-2048}
runs=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
dotnet build -c Release src/Cli -v q -nologo >/dev/null
dotnet build -c Release bench/gpu/InferBench -v q -nologo >/dev/null
cli=src/Cli/bin/Release/net10.0/weipian.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vnni=$(grep -q avx512_vnni /proc/cpuinfo && echo "AVX-512 VNNI" || echo "no AVX-512 VNNI")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $vnni; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $size² pair"
data="$work/set/s1919"
dotnet "$cli" synth --out "$data" --size "$size" --seed 1919 >/dev/null
dotnet "$cli" bench-models --models fusion-unet-v1 fusion-unet-v1:int8 --set "$work/set" --out "$work/report" 2>/dev/null
detect() { # model, name -> "wall model" seconds; polygons in $work/name.gpkg
  local model=$1 name=$2 start end stage
  shift 2
  start=$(date +%s.%N)
  if ! dotnet "$cli" detect --before "$data/before.tif" --after "$data/after.tif" --all-land --model "$model" \
      --out "$work/$name.gpkg" --profile "$@" >"$work/$name.log" 2>&1; then
    cat "$work/$name.log" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  stage=$(grep -o '^Model *[0-9.]*' "$work/$name.log" | awk '{ print $2 }')
  awk -v a="$start" -v b="$end" -v m="$stage" 'BEGIN { printf "%.2f %s", b - a, m }'
}
rows=()
for i in $(seq 1 "$runs"); do
  read -r fw fm <<<"$(detect fusion-unet-v1 fp32-$i "$@")"
  read -r iw im <<<"$(detect fusion-unet-v1:int8 int8-$i "$@")"
  echo "pair $i: float32 wall $fw s (model $fm s), int8 wall $iw s (model $im s): wall ratio $(awk -v a="$fw" -v b="$iw" 'BEGIN { printf "%.2f", b / a }'), model ratio $(awk -v a="$fm" -v b="$im" 'BEGIN { printf "%.2f", b / a }')"
  rows+=("$fw $fm $iw $im")
done
printf '%s\n' "${rows[@]}" | awk '
  { fw += $1; fm += $2; iw += $3; im += $4; r = $3 / $1; q = $4 / $2
    if (NR == 1 || r < rmin) rmin = r; if (NR == 1 || r > rmax) rmax = r
    if (NR == 1 || q < qmin) qmin = q; if (NR == 1 || q > qmax) qmax = q }
  END { printf "int8 / float32 over %d pairs: wall %.2fx (pairs %.2f-%.2f), model stage %.2fx (pairs %.2f-%.2f); speed-up %.2fx wall, %.2fx model\n",
        NR, iw / fw, rmin, rmax, im / fm, qmin, qmax, fw / iw, fm / im }'
echo "float32 polygons in the int8 run: $(/usr/bin/python3 bench/scripts/match-polygons.py "$work/fp32-1.gpkg" "$work/int8-1.gpkg")"
infer() { # model -> "Mpx/s inside the model"
  dotnet bench/gpu/InferBench/bin/Release/net10.0/weipian-infer-bench.dll --size "$size" --seed 1919 --model "$1" \
    --variants cpu --passes 2 >"$work/infer.log"
  grep -o '(model [0-9.]* Mpx/s' "$work/infer.log" | awk '{ print $2 }'
}
speeds=()
for i in $(seq 1 "$runs"); do
  f=$(infer fusion-unet-v1)
  q=$(infer fusion-unet-v1:int8)
  echo "model stage alone, pair $i: float32 $f Mpx/s, int8 $q Mpx/s: $(awk -v a="$f" -v b="$q" 'BEGIN { printf "%.2fx", b / a }')"
  speeds+=("$f $q")
done
printf '%s\n' "${speeds[@]}" | awk '{ f += $1; q += $2; r = $2 / $1; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r }
  END { printf "model stage alone over %d pairs: float32 %.2f, int8 %.2f Mpx/s: speed-up %.2fx (pairs %.2f-%.2f)\n", NR, f / NR, q / NR, q / f, lo, hi }'
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
