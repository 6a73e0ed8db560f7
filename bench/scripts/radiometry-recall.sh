#!/usr/bin/env bash
# Issue 15 §1: object recall and precision on farmland of the bundled models when the after date arrives at another
# bit depth, against the same scene in its native 10-bit form. Per seed, `weipian synth` renders the pair three times
# (the same ground: --after-bit-depth 10, 8 and 12); detect runs with the card's scaling on the native pair and with
# --radiometry percentile (and match) on the others; `weipian eval` scores each against the synthesiser's truth.
#
#   bench/scripts/radiometry-recall.sh [SEEDS...]      (default: held-out test seeds 1501 1502 1503, 1024 px at 0.8 m)
#
# Prints one row per model and case with the objects summed over the seeds. Work files go to out/radiometry-recall.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Cli -c Release --nologo -v q >/dev/null
cli="$PWD/src/Cli/bin/Release/net10.0/weipian.dll"
seeds=("${@:-1501 1502 1503}"); read -r -a seeds <<<"${seeds[*]}"
work=out/radiometry-recall
mkdir -p "$work"
for seed in "${seeds[@]}"; do
  for bits in 10 8 12; do
    d="$work/s$seed-$bits"
    [[ -f "$d/after.tif" ]] || dotnet "$cli" synth --out "$d" --size 1024 --seed "$seed" --after-bit-depth "$bits" --no-shapefiles >/dev/null
  done
done
printf '| model | after date | --radiometry | objects found / true | recall | predicted on true change / predicted | precision |\n|---|---|---|---|---|---|---|\n'
for model in spectral-v1 fusion-unet-v1; do
  for case in "10 card" "8 percentile" "12 percentile" "8 match" "12 match"; do
    read -r bits mode <<<"$case"
    found=0 truth=0 matched=0 predicted=0
    for seed in "${seeds[@]}"; do
      d="$work/s$seed-$bits"; out="$work/$model-$seed-$bits-$mode.gpkg"
      dotnet "$cli" detect --before "$d/before.tif" --after "$d/after.tif" --survey "$d/survey.gpkg" --model "$model" \
        --radiometry "$mode" --out "$out" --threads 2 --lanes 1 >"${out%.gpkg}.log" 2>&1
      read -r f t m p < <(dotnet "$cli" eval --truth "$d/truth.gpkg" --truth-where "on_farmland = 1" --pred "$out" --json |
        /usr/bin/python3 -c 'import json,sys; o=json.load(sys.stdin)["objects"]; print(o["found"], o["truth"], o["matched"], o["predicted"])')
      found=$((found + f)); truth=$((truth + t)); matched=$((matched + m)); predicted=$((predicted + p))
    done
    awk -v m="$model" -v b="$bits" -v r="$mode" -v f=$found -v t=$truth -v x=$matched -v p=$predicted \
      'BEGIN { printf "| %s | %d-bit | %s | %d / %d | %.3f | %d / %d | %.3f |\n", m, b, r, f, t, f / t, x, p, (p ? x / p : 0) }'
  done
done
