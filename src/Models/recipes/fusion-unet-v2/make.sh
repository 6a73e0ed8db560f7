#!/usr/bin/env bash
# fusion-unet-v2, end to end (issue 16 §3): fusion-unet-v1 fine-tuned with the training recipe (src/Models/recipes/train,
# domain randomisation on) on a synthesised history with the harder synthesiser's nuisances (`weipian synth --nuisances`:
# plastic mulch, flooded fields, ponds drained or refilled, local haze, crop rotations, new farm roads, demolition
# rubble; buildings at construction stages) given as verified false change, and the carded ONNX installed as
# src/Models/fusion-unet-v2.onnx + fusion-unet-v2.card.json. Measured against v1: bench/scripts/nuisance-bench.sh.
#
#   src/Models/recipes/fusion-unet-v2/make.sh                          # everything (README: times)
#   STAGES=train EPOCHS=1 STEPS=4 src/Models/recipes/fusion-unet-v2/make.sh   # a smoke run of the training alone
#
# Stages: history export train install. Work files go to $WORK (default out/fusion-unet-v2, ignored by git); scenes
# already there are kept. Times of each stage are appended to $WORK/timing.tsv.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
WORK="${WORK:-$REPO/out/fusion-unet-v2}"
STAGES="${STAGES:-history export train install}"
SIZE="${SIZE:-2048}" EPOCHS="${EPOCHS:-10}" STEPS="${STEPS:-}" NUISANCES="${NUISANCES:-40}"
SEEDS=(5000 5001 5002 5003 5004 5005)
cd "$REPO"
mkdir -p "$WORK/history"
dotnet build src/Cli -c Release --nologo -v q >/dev/null
cli=(dotnet "$REPO/src/Cli/bin/Release/net10.0/weipian.dll")
source "$HERE/../train/stages.sh"

DESCRIPTION="Early-fusion U-Net (611669 parameters) classifying bi-temporal change in GF-2-like B,G,R,NIR pairs into \
building, pond, mining and facility agriculture. Fine-tuned from fusion-unet-v1@1.0.0 by \
src/Models/recipes/fusion-unet-v2/make.sh on synthesised scene pairs only: 6 pairs of weipian synth (seeds 5000-5005, \
2048 px at 0.8 m, 10-bit) with ${NUISANCES} nuisances per km² (plastic mulch, flooded fields, fish ponds drained or \
refilled, local haze, crop rotations, new farm roads, demolition rubble) given as verified false change and buildings \
shown finished, as cleared ground or as foundations; with domain randomisation (bit depth, gain/offset, gamma, haze, \
blur/sharpening, noise, JPEG-like artefacts, season, GSD jitter, 0-3 px misregistration). It was never shown real \
imagery: it demonstrates the engine on synthesised scenes, and a real deployment fine-tunes it on its own verified \
history (docs/TRAINING.md). Radiometry fixed: 10-bit values, as fusion-unet-v1."

history() {
  echo "key,before,after" >"$WORK/history/pairs.csv"
  rm -f "$WORK/history/verified.gpkg"
  for seed in "${SEEDS[@]}"; do
    local d="$WORK/history/h$seed"
    [[ -f "$d/nuisance.gpkg" ]] || "${cli[@]}" synth --out "$d" --size "$SIZE" --seed "$seed" --nuisances "$NUISANCES" \
      --no-shapefiles >/dev/null
    echo "h$seed,h$seed/before.tif,h$seed/after.tif" >>"$WORK/history/pairs.csv"
    # Every planted change is a verified real change, every nuisance a false change (伪变化): what a county answers
    # for the polygons a detector draws on mulch, a drained pond or rubble.
    ogr2ogr -f GPKG -nln verified $([[ -f "$WORK/history/verified.gpkg" ]] && echo -append -update) \
      "$WORK/history/verified.gpkg" "$d/truth.gpkg" -sql "SELECT geom, TBLX, 'real' AS PDLX FROM truth"
    ogr2ogr -f GPKG -nln verified -append -update "$WORK/history/verified.gpkg" "$d/nuisance.gpkg" \
      -sql "SELECT geom, NULL AS TBLX, '伪变化' AS PDLX FROM nuisance"
  done
}

# B,G,R,NIR chips of fusion-unet-v1's card, 256 px, one unchanged chip per positive and two per false change (jittered).
export_history() {
  "${cli[@]}" export-training --pairs "$WORK/history/pairs.csv" --polygons "$WORK/history/verified.gpkg" \
    --card src/Models/fusion-unet-v1.card.json --out "$WORK/export" --chip 256 --split-block 600 --unchanged 1 \
    --per-false-change 2 2>/dev/null
}

train() {
  /usr/bin/python3 src/Models/recipes/train/train.py "$WORK/export" --out "$WORK/model" --name fusion-unet-v2 --version 1.0.0 \
    --base fusion-unet-v1 --radiometry fixed --epochs "$EPOCHS" ${STEPS:+--steps-per-epoch "$STEPS"} \
    --threads 2 --seed 0 --description "$DESCRIPTION"
}

stage history history
stage export export_history
stage train train
stage install install_model fusion-unet-v2
