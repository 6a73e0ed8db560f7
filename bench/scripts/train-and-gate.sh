#!/usr/bin/env bash
# Issue 16 §2: one command from a `weipian export-training` folder to a gated model version. Trains (fine-tunes the base,
# or from scratch with --base none) with src/Models/recipes/train/train.py, then runs `weipian bench-models` on the
# export's TEST split (chips on land no train or validation chip touches) with the base as --baseline and the new model
# as the candidate; the gate's verdict is the exit code: 0 promoted, 4 a headline metric dropped more than --max-drop.
#
#   bench/scripts/train-and-gate.sh EXPORT_DIR [--base fusion-unet-v1|FILE.onnx|none] [--name NAME] [--version 1.0.0]
#       [--epochs 20] [--out DIR] [--radiometry card] [--baseline-radiometry percentile] [--max-drop 0.02] [-- TRAIN.PY OPTIONS...]
#
# --radiometry (default card) is how the new model meets the test chips in bench-models: its card states the history's
# bit depth and scaling. --baseline-radiometry (default percentile) is the base's: it was trained on other data, so its
# card's fixed scaling usually refuses a history of another bit depth, and a deployment runs it with percentile. Options after -- go to train.py as they are (--batch, --crop, --lr, --seed, --steps-per-epoch).
# Writes to --out (default out/train/NAME): NAME.onnx, NAME.card.json, report.json, report.txt, checkpoint.pt, train.log,
# bench/report.{md,csv,json}.
set -euo pipefail
usage() { sed -n '7,8p' "$0" | sed 's/^# *//' >&2; exit 2; }
[[ $# -ge 1 && "$1" != -* ]] || usage
export_dir="$1"; shift
base=fusion-unet-v1 name="" version=1.0.0 epochs=20 out="" radiometry=card baseline_radiometry=percentile max_drop=0.02 extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --base) base="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --radiometry) radiometry="$2"; shift 2 ;;
    --baseline-radiometry) baseline_radiometry="$2"; shift 2 ;;
    --max-drop) max_drop="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "train-and-gate.sh: unknown option $1" >&2; usage ;;
  esac
done
[[ -f "$export_dir/export.json" ]] || { echo "train-and-gate.sh: $export_dir: not an export-training folder (no export.json)" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/../.." && pwd)"
if [[ -z "$name" ]]; then
  if [[ "$base" == none ]]; then name=fusion-unet-history; else name="$(basename "${base%.onnx}")-ft"; fi
fi
[[ -n "$out" ]] || out="$repo/out/train/$name"
# The gate compares against the model being replaced: the base, or the bundled fusion U-Net for a model from scratch.
baseline="$base"; [[ "$base" == none ]] && baseline=fusion-unet-v1
mkdir -p "$out"
dotnet build "$repo/src/Cli" -c Release --nologo -v q >/dev/null
cli="$repo/src/Cli/bin/Release/net10.0/weipian.dll"

t0=$SECONDS
/usr/bin/python3 "$repo/src/Models/recipes/train/train.py" "$export_dir" --out "$out" --name "$name" --version "$version" \
  --base "$base" --epochs "$epochs" --threads 2 "${extra[@]}" 2>&1 | tee "$out/train.log"
train_s=$((SECONDS - t0))

t0=$SECONDS
set +e
dotnet "$cli" bench-models --set "$export_dir" --split test --baseline "$baseline" --models "$out/$name.onnx" \
  --radiometry "$radiometry" --baseline-radiometry "$baseline_radiometry" --max-drop "$max_drop" --threads 2 --out "$out/bench"
gate=$?
set -e
echo "train ${train_s} s, bench-models $((SECONDS - t0)) s"
echo "model:  $out/$name.onnx"
echo "card:   $out/$name.card.json"
echo "report: $out/report.txt (and report.json); bench-models: $out/bench/report.md"
case $gate in
  0) echo "gate: $name@$version passes against $baseline on the test split of $export_dir" ;;
  4) echo "gate: $name@$version does NOT pass against $baseline (exit 4); keep $baseline" ;;
  *) echo "gate: bench-models ended with exit $gate" ;;
esac
exit $gate
