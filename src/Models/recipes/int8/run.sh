#!/usr/bin/env bash
# fusion-unet-v1-int8 from fusion-unet-v1 in one command: synthesises the calibration scenes (seeds 2960-2963, in the
# training range but never trained or tuned on; 1024 px at 0.8, 1.0, 1.6 and 2 m, default density), converts them to
# x.npy (../fusion-unet-v1/prep.py, GDAL in its own process) and writes src/Models/fusion-unet-v1-int8.onnx and its card.
#   src/Models/recipes/int8/run.sh            (BASE=fusion-unet-v1 OUT=src/Models/fusion-unet-v1-int8.onnx by default)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
WORK="${WORK:-$REPO/out/int8}"
BASE="${BASE:-fusion-unet-v1}"
OUT="${OUT:-$REPO/src/Models/$BASE-int8.onnx}"
PY=/usr/bin/python3
dotnet build "$REPO/src/Cli" -c Release --nologo -v q >/dev/null
W="dotnet $REPO/src/Cli/bin/Release/net10.0/weipian.dll"
mkdir -p "$WORK"
scenes=()
for spec in "2960 0.8" "2961 1.0" "2962 1.6" "2963 2.0"; do
  read -r seed gsd <<<"$spec"
  dir="$WORK/c$seed"
  if [[ ! -f "$dir/x.npy" ]]; then
    $W synth --out "$dir" --size 1024 --seed "$seed" --gsd "$gsd" --no-shapefiles >/dev/null
    "$PY" "$HERE/../fusion-unet-v1/prep.py" "$dir"
  fi
  scenes+=("$dir")
done
OMP_NUM_THREADS=2 "$PY" "$HERE/quantise.py" --base "$BASE" --out "$OUT" "${scenes[@]}"
sha256sum "$OUT"
