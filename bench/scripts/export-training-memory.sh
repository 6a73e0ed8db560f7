#!/usr/bin/env bash
# Peak memory of `weipian export-training` must not grow with the scenes' size: it reads chip windows one at a time
# from one buffer (issue 16 §1). Synthesises a 1024² and a 4096² pair (16x the pixels, 16x the changes at the default
# density), makes a verified history of each from its truth (every polygon a real change), exports 512-px chips and
# prints peak RSS, chips and wall time of each export and the RSS ratio. Usage: bench/scripts/export-training-memory.sh [small] [large]
set -euo pipefail
cd "$(dirname "$0")/../.."
small=${1:-1024}
large=${2:-4096}
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=src/Cli/bin/Release/net10.0/weipian.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # size -> "kB seconds chips"
  dotnet "$cli" synth --out "$work/s$1" --size "$1" --seed 5 --no-shapefiles >/dev/null
  printf 'key,before,after\ns%s,%s/before.tif,%s/after.tif\n' "$1" "$work/s$1" "$work/s$1" >"$work/p$1.csv"
  /usr/bin/time -f "%M %e" -o "$work/time" dotnet "$cli" export-training --pairs "$work/p$1.csv" --polygons "$work/s$1/truth.gpkg" \
    --out "$work/e$1" --chip 512 2>/dev/null >/dev/null
  echo "$(cat "$work/time") $(wc -l <"$work/e$1/index.jsonl")"
  rm -rf "$work/s$1" "$work/e$1"
}
read -r kb_small s_small n_small < <(run "$small")
read -r kb_large s_large n_large < <(run "$large")
awk -v a="$kb_small" -v b="$kb_large" -v sa="$s_small" -v sb="$s_large" -v ns="$small" -v nl="$large" -v ca="$n_small" -v cb="$n_large" 'BEGIN {
  printf "export-training %5d x %-5d %4d chips  peak RSS %7.1f MB  %6.1f s\n", ns, ns, ca, a / 1024, sa
  printf "export-training %5d x %-5d %4d chips  peak RSS %7.1f MB  %6.1f s\n", nl, nl, cb, b / 1024, sb
  printf "pixels x%.0f, peak RSS x%.2f\n", (nl * nl) / (ns * ns), b / a
}'
