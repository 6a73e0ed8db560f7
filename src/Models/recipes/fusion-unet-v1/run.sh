#!/usr/bin/env bash
# fusion-unet-v1, end to end: synthesise the data, train, export, evaluate through the real engine.
#
#   src/Models/recipes/fusion-unet-v1/run.sh            # everything (66 min measured on 2 CPU cores; see README)
#   STAGES="export eval" src/Models/recipes/fusion-unet-v1/run.sh   # some stages only
#
# Stages: build data train export eval seams. Work files go to $WORK (default out/fusion-unet-v1/, ignored
# by git); the model goes to src/Models/fusion-unet-v1.onnx with its card copy fusion-unet-v1.card.json.
# Times of each stage are appended to $WORK/timing.tsv.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
export WORK="${WORK:-$REPO/out/fusion-unet-v1}"
STAGES="${STAGES:-build data train export eval seams}"
MODEL="${MODEL:-$REPO/src/Models/fusion-unet-v1.onnx}"
# Settings chosen on the validation seeds (2900-2907, 2950-2953); see README.
STEPS="${STEPS:-1000}"
NO_CHANGE_BIAS="${NO_CHANGE_BIAS:-0}"
PY=/usr/bin/python3
mkdir -p "$WORK"
cd "$REPO"

source "$REPO/src/Models/recipes/train/stages.sh"

build() { dotnet build -c Release src/Cli --nologo -v q >/dev/null; }
data() { "$HERE/data.sh" train val valnull; }
train() { "$PY" "$HERE/train.py" --scenes "$WORK/scenes" --out "$WORK/train" --steps "$STEPS" | tee "$WORK/train.log"; }
export_model() { "$PY" "$HERE/export.py" "$WORK/train/checkpoint.pt" "$MODEL" --no-change-bias "$NO_CHANGE_BIAS"; }
evaluate() {
  "$HERE/data.sh" valgsd valradio test testnull
  "$HERE/evaluate.sh" "$MODEL" "$WORK/eval-val" val valnull valgsd valradio | tee "$WORK/eval-val.md"
  "$HERE/evaluate.sh" "$MODEL" "$WORK/eval-test" test testnull | tee "$WORK/eval-test.md"
}
seams() { "$HERE/seams.sh" "$MODEL" "$WORK/seams" "$WORK/scenes/s1500" 256 512 | tee "$WORK/seams.txt"; }

stage build build
stage data data
stage train train
stage export export_model
stage eval evaluate
stage seams seams
