#!/usr/bin/env bash
# Issue 16 §2, CI smoke of the training loop at the smallest size: a synthesised 512² pair as the history (its truth as
# the verified polygons), export-training (128-px chips), one tiny epoch of the recipe fine-tuning fusion-unet-v1
# (2 steps of 2 crops), and `weipian detect` on the pair with the carded ONNX it wrote (exit 0, a card that names the
# model and states the history's radiometry), after check_randomise.py (the randomisation seeded, masks unblended). Under a minute on 2 cores; run by run-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Cli -c Release --nologo -v q >/dev/null
/usr/bin/python3 src/Models/recipes/train/check_randomise.py
cli="$PWD/src/Cli/bin/Release/net10.0/weipian.dll"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet "$cli" synth --out "$work/h" --size 512 --seed 3900 --bit-depth 12 --no-shapefiles >/dev/null
printf 'key,before,after\nh,h/before.tif,h/after.tif\n' >"$work/pairs.csv"
dotnet "$cli" export-training --pairs "$work/pairs.csv" --polygons "$work/h/truth.gpkg" --model fusion-unet-v1 \
  --out "$work/export" --chip 128 --split-block 150 2>/dev/null | head -1
/usr/bin/python3 src/Models/recipes/train/train.py "$work/export" --out "$work/model" --name fusion-unet-smoke \
  --epochs 1 --steps-per-epoch 2 --batch 2 --crop 96 --threads 2 >"$work/train.log" 2>&1 || { cat "$work/train.log"; exit 1; }
/usr/bin/python3 - "$work/model" <<'EOF'
import json, sys
card = json.load(open(f"{sys.argv[1]}/fusion-unet-smoke.card.json"))
assert card["name"] == "fusion-unet-smoke" and card["input"]["bitDepth"] == 12, card["input"]
assert card["input"]["scaling"]["max"] == [4095] and card["input"]["gsd"] == 0.8, card["input"]
report = json.load(open(f"{sys.argv[1]}/report.json"))
assert len(report["epochs"]) == 1 and report["steps_per_epoch"] == 2, report["epochs"]
print(f"card {card['name']}@{card['version']}: {card['input']['bitDepth']}-bit, {card['input']['gsd']} m; "
      f"train loss {report['epochs'][0]['train_loss']}")
EOF
dotnet "$cli" detect --before "$work/h/before.tif" --after "$work/h/after.tif" --survey "$work/h/survey.gpkg" \
  --model "$work/model/fusion-unet-smoke.onnx" --out "$work/tuban.gpkg" --threads 2 2>&1 | tail -1
echo "train-smoke: export, one epoch and detect with the new model passed"
