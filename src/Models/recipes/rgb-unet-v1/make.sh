#!/usr/bin/env bash
# rgb-unet-v1, end to end (issue 16 §3): a synthesised RGB history of mixed bit depths and sensors, exported in B,G,R,
# fusion-unet-v1 fine-tuned on it with the training recipe (src/Models/recipes/train, domain randomisation on) under
# percentile radiometry, and the carded ONNX installed as src/Models/rgb-unet-v1.onnx + rgb-unet-v1.card.json.
#
#   src/Models/recipes/rgb-unet-v1/make.sh                        # everything (~11 min on 2 cores; README)
#   STAGES=train EPOCHS=1 STEPS=4 src/Models/recipes/rgb-unet-v1/make.sh   # a smoke run of the training alone
#
# Stages: history export train install. Work files go to $WORK (default out/rgb-unet-v1, ignored by git); scenes
# already there are kept. Times of each stage are appended to $WORK/timing.tsv.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
WORK="${WORK:-$REPO/out/rgb-unet-v1}"
STAGES="${STAGES:-history export train install}"
SIZE="${SIZE:-2048}" EPOCHS="${EPOCHS:-14}" STEPS="${STEPS:-}"
cd "$REPO"
mkdir -p "$WORK/history"
dotnet build src/Cli -c Release --nologo -v q >/dev/null
cli=(dotnet "$REPO/src/Cli/bin/Release/net10.0/weipian.dll")

# The history: seed, bits of both dates, bits of the after date, the after date's sensor response, its clouds. 8-bit
# products (a 2-98 % stretch, as delivered orthophotos come), 12- and 16-bit data, and one pair of mixed depths; the
# after date through GF-2's own response (native), GF-1's or an aerial camera's; clouds flagged as nodata, painted, none.
SCENES=(
  "4000 8 8 native Flagged"
  "4001 16 16 gf1 Unflagged"
  "4002 8 8 aerial None"
  "4003 12 12 native Unflagged"
  "4004 8 8 gf1 Flagged"
  "4005 16 16 aerial Flagged"
  "4006 8 8 native Unflagged"
  "4007 16 8 gf1 None"
  "4008 8 8 gf1 Unflagged"
  "4009 8 8 aerial Unflagged"
)
DESCRIPTION="Early-fusion U-Net (611669 parameters) for RGB-only imagery (bands B,G,R; no NIR) classifying bi-temporal \
change into building, pond, mining and facility agriculture. Fine-tuned from fusion-unet-v1@1.0.0 (its first layer's \
B,G,R weights kept) by src/Models/recipes/rgb-unet-v1/make.sh on synthesised scene pairs only: 10 GF-2-like pairs of \
weipian synth (seeds 4000-4009, 2048 px at 0.8 m) read as B,G,R, as 8-bit products (2-98 % stretched), 12-bit and \
16-bit data and one 16-bit/8-bit pair, the after date with GF-2's, GF-1's or an aerial camera's band response, clouds \
flagged, painted or absent, the painted clouds and their shadows given as verified false change; with domain randomisation (bit depth, gain/offset, gamma, haze, blur/sharpening, noise, \
JPEG-like artefacts, season, GSD jitter, 0-3 px misregistration). It was never shown real imagery: it demonstrates the \
engine on synthesised scenes, and a real deployment fine-tunes it on its own verified history (docs/TRAINING.md). \
Radiometry percentile: each date's 2/98 % percentiles per band are mapped onto the reference (10-bit GF-2-like \
units), so 8-, 12- and 16-bit scenes run as they are."

source "$REPO/src/Models/recipes/train/stages.sh"

history() {
  echo "key,before,after" >"$WORK/history/pairs.csv"
  rm -f "$WORK/history/verified.gpkg"
  for scene in "${SCENES[@]}"; do
    read -r seed bits after_bits sensor clouds <<<"$scene"
    local d="$WORK/history/h$seed"
    [[ -f "$d/truth.gpkg" ]] || "${cli[@]}" synth --out "$d" --size "$SIZE" --seed "$seed" --bit-depth "$bits" \
      --after-bit-depth "$after_bits" --after-sensor "$sensor" --clouds "$clouds" --no-shapefiles >/dev/null
    echo "h$seed,h$seed/before.tif,h$seed/after.tif" >>"$WORK/history/pairs.csv"
    # Every planted change is a verified real change (TBLX from the synthesiser's truth)...
    ogr2ogr -f GPKG -nln verified $([[ -f "$WORK/history/verified.gpkg" ]] && echo -append -update) \
      "$WORK/history/verified.gpkg" "$d/truth.gpkg" -sql "SELECT geom, TBLX, 'real' AS PDLX FROM truth"
    # ...and every painted cloud and its shadow a false change (伪变化), as counties judge the polygons a detector draws
    # on clouds: the hard negatives that teach the model a cloud is not new ground (the synthesiser keeps clouds clear of
    # its changes, so none of these touches a real one).
    if [[ $clouds == Unflagged ]]; then
      rm -f "$d/clouds.gpkg"
      gdal_polygonize.py -q "$d/after_clouds.tif" -mask "$d/after_clouds.tif" -f GPKG "$d/clouds.gpkg" clouds DN
      ogr2ogr -f GPKG -nln verified -append -update "$WORK/history/verified.gpkg" "$d/clouds.gpkg" \
        -sql "SELECT geom, NULL AS TBLX, '伪变化' AS PDLX FROM clouds"
    fi
  done
}

# B,G,R chips (card.json: fusion-unet-v1's card cut to B,G,R), 256 px, one unchanged chip per positive and eight per
# false change (jittered) for precision.
export_history() {
  "${cli[@]}" export-training --pairs "$WORK/history/pairs.csv" --polygons "$WORK/history/verified.gpkg" \
    --card "$HERE/card.json" --out "$WORK/export" --chip 256 --split-block 600 --unchanged 1 --per-false-change 8 2>/dev/null
}

train() {
  /usr/bin/python3 src/Models/recipes/train/train.py "$WORK/export" --out "$WORK/model" --name rgb-unet-v1 --version 1.1.0 \
    --base fusion-unet-v1 --radiometry percentile --epochs "$EPOCHS" ${STEPS:+--steps-per-epoch "$STEPS"} \
    --threads 2 --seed 0 --description "$DESCRIPTION"
}

stage history history
stage export export_history
stage train train
stage install install_model rgb-unet-v1
