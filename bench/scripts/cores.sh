#!/usr/bin/env bash
# The whole pipeline per core count (issue 19 §3): `weipian detect --all-land --profile` on one synthesised pair, run
# under `taskset` on the first 1, 2, 4, 8, ... cores and on all of them (.NET sizes its lanes and threads from the
# cores it may use: InferenceOptions.ForCores), alternating the core counts over the rounds. Prints per core count the
# best wall, Mpx/s, wall / model and the busy seconds of the read and model stages (a read stage near the wall means
# decoding sets the pace; its busy seconds add up both readers, one per date). The pair is synthesised once (seed 19) and
# cached under $TMPDIR.
# Usage: bench/scripts/cores.sh [size=4096] [model=fusion-unet-v1] [rounds=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-4096}
model=${2:-fusion-unet-v1}
rounds=${3:-1}
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=src/Cli/bin/Release/net10.0/weipian.dll
data="${TMPDIR:-/tmp}/weipian-synth-$size-seed19"
[[ -f "$data/after.tif" ]] || dotnet "$cli" synth --out "$data" --size "$size" --seed 19 --no-shapefiles >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
all=$(nproc)
counts=()
for ((n = 1; n < all; n *= 2)); do counts+=("$n"); done
counts+=("$all")
echo "machine: $all cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $size² pair, $model, $rounds round(s)"
for ((r = 1; r <= rounds; r++)); do
  for n in "${counts[@]}"; do
    rm -rf "$work/out"
    if ! taskset -c "0-$((n - 1))" dotnet "$cli" detect --before "$data/before.tif" --after "$data/after.tif" \
        --out "$work/out/tuban.gpkg" --all-land --model "$model" --profile >"$work/log" 2>&1; then
      cat "$work/log" >&2
      exit 1
    fi
    awk -v n="$n" '
      / Mpx\/s, / { for (i = 1; i <= NF; i++) { if ($i == "in") wall = $(i + 1); if ($i == "Mpx/s,") mpx = $(i - 1) } }
      /^Read / { read = $2 } /^Model / { model = $2 } /^wall \/ model/ { ratio = $5; sub(";", "", ratio) }
      END { printf "%s %s %s %s %s %s\n", n, wall, mpx, ratio, read, model }' "$work/log" >>"$work/rows"
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '| cores | wall s (best) | Mpx/s | wall / model | read busy s | model busy s |\n|---|---|---|---|---|---|\n'
sort -k1,1n -k2,2n "$work/rows" | awk '!seen[$1]++ { printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }'
