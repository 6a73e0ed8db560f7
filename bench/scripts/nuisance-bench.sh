#!/usr/bin/env bash
# Issue 16 §3: fusion-unet-v1 against fusion-unet-v2 on held-out pairs of the harder synthesiser (`weipian synth
# --nuisances`: mulch, flooded fields, ponds drained or refilled, haze, crop rotations, farm roads, rubble; buildings
# finished, cleared or at foundations). Seeds 5100-5102 are never used in training (fusion-unet-v2/make.sh uses
# 5000-5005). `weipian bench-models` scores both on the same cases: objects, false alarms per km², and per nuisance kind
# the share of those objects a model drew a change on, building recall per construction stage.
#
#   bench/scripts/nuisance-bench.sh [MODELS...]   # default: fusion-unet-v1 fusion-unet-v2; work files in $WORK
#                                                 # (default out/nuisance-bench), SIZE (2048), NUISANCES (40 per km²)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${WORK:-out/nuisance-bench} size=${SIZE:-2048} nuisances=${NUISANCES:-40}
models=("$@")
(( ${#models[@]} )) || models=(fusion-unet-v1 fusion-unet-v2)
dotnet build src/Cli -c Release --nologo -v q >/dev/null
cli=(dotnet "$PWD/src/Cli/bin/Release/net10.0/weipian.dll")
for seed in 5100 5101 5102; do
  d=$work/set/h$seed
  [[ -f $d/nuisance.gpkg ]] || "${cli[@]}" synth --out "$d" --size "$size" --seed "$seed" --nuisances "$nuisances" --no-shapefiles >/dev/null
done
t0=$SECONDS
"${cli[@]}" bench-models --models "${models[@]}" --set "$work/set" --threads 2 --out "$work/report" >/dev/null
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); ${#models[@]} models on 3 held-out ${size}² pairs in $((SECONDS - t0)) s"
cat "$work/report/report.md"
