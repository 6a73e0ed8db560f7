#!/usr/bin/env bash
# Peak memory of `weipian synth` must not grow with the scene's area: it renders and writes strip by
# strip. Synthesises a 2048² and an 8192² pair (16x the pixels) and prints both peak RSS figures
# and their ratio. Usage: bench/scripts/synth-memory.sh [small] [large]
set -euo pipefail
cd "$(dirname "$0")/../.."
small=${1:-2048}
large=${2:-8192}
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=src/Cli/bin/Release/net10.0/weipian.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
peak() { # size -> "kB seconds"
  /usr/bin/time -f "%M %e" -o "$work/time" dotnet "$cli" synth --out "$work/s$1" --size "$1" --seed 5 --no-shapefiles >/dev/null
  cat "$work/time"
  rm -rf "$work/s$1"
}
read -r kb_small s_small < <(peak "$small")
read -r kb_large s_large < <(peak "$large")
awk -v a="$kb_small" -v b="$kb_large" -v sa="$s_small" -v sb="$s_large" -v ns="$small" -v nl="$large" 'BEGIN {
  printf "synth %5d x %-5d peak RSS %7.1f MB  %6.1f s\n", ns, ns, a / 1024, sa
  printf "synth %5d x %-5d peak RSS %7.1f MB  %6.1f s\n", nl, nl, b / 1024, sb
  printf "pixels x%.0f, peak RSS x%.2f\n", (nl * nl) / (ns * ns), b / a
}'
