#!/usr/bin/env bash
# Peak memory of `weipian detect` must not grow with the scene's area (issue 6): at most 1.5 GB on a
# 16384² pair and at most 1.3x the peak on a 4096² pair. Synthesises both sizes with a fixed seed, runs
# detect on each under /usr/bin/time -v, prints both peak RSS figures, the times and the ratio.
# Usage: bench/scripts/detect-memory.sh [small] [large] [model]    (defaults 4096 16384 spectral-v1)
# WEIPIAN_MEMORY_DATA=DIR keeps the synthesised pairs in DIR (reused when there) instead of a temp folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
small=${1:-4096}
large=${2:-16384}
model=${3:-spectral-v1}
seed=7
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=src/Cli/bin/Release/net10.0/weipian.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=${WEIPIAN_MEMORY_DATA:-$work}
scene() { # size -> folder with the pair
  local dir="$data/s$1-seed$seed"
  [ -f "$dir/after.tif" ] || dotnet "$cli" synth --out "$dir" --size "$1" --seed "$seed" --no-shapefiles >/dev/null
  echo "$dir"
}
peak() { # size -> "kB seconds"
  local dir
  dir=$(scene "$1")
  /usr/bin/time -v -o "$work/time$1" dotnet "$cli" detect --before "$dir/before.tif" --after "$dir/after.tif" \
    --survey "$dir/survey.gpkg" --model "$model" --out "$work/tuban$1.gpkg" >"$work/detect$1.log" 2>&1
  local kb s
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time$1")
  s=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); t = 0; for (i = 1; i <= n; i++) t = t * 60 + p[i]; print t}' "$work/time$1")
  echo "$kb $s"
}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; model $model, seed $seed"
read -r kb_small s_small < <(peak "$small")
read -r kb_large s_large < <(peak "$large")
awk -v a="$kb_small" -v b="$kb_large" -v sa="$s_small" -v sb="$s_large" -v ns="$small" -v nl="$large" 'BEGIN {
  printf "detect %5d x %-5d peak RSS %7.1f MB  %7.1f s\n", ns, ns, a / 1024, sa
  printf "detect %5d x %-5d peak RSS %7.1f MB  %7.1f s\n", nl, nl, b / 1024, sb
  printf "pixels x%.0f, peak RSS x%.2f (targets: large <= 1536 MB, ratio <= 1.30): %s\n", (nl * nl) / (ns * ns), b / a,
    (b / 1024 <= 1536 && b / a <= 1.30) ? "met" : "MISSED"
}'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
