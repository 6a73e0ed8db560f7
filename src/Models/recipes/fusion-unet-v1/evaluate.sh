#!/usr/bin/env bash
# Runs a model through the real engine on the scenes of the given splits and scores it with `weipian eval`.
#   evaluate.sh MODEL.onnx OUTDIR SPLIT [SPLIT ...]     e.g. evaluate.sh src/Models/fusion-unet-v1.onnx out/eval test testnull
# Per scene: `weipian detect` on farmland (the default) -> object metrics against truth.gpkg's farmland polygons;
# `weipian detect --all-land` -> pixel metrics of the class raster against truth.tif. Nuisance-only scenes
# (no planted change) are scored by their polygons per km². aggregate.py sums the counts over scenes.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
WORK="${WORK:-$REPO/out/fusion-unet-v1}"
W="dotnet $REPO/src/Cli/bin/Release/net10.0/weipian.dll"
MODEL="$(realpath "$1")"; OUT="$2"; shift 2
mkdir -p "$OUT"
/usr/bin/python3 "$HERE/scenes.py" "$@" | while read -r split name seed size gsd density; do
  s="$WORK/scenes/$name"; o="$OUT/$name"; mkdir -p "$o"
  km2=$(/usr/bin/python3 -c "print($size*$size*$gsd*$gsd/1e6)")
  $W detect --before "$s/before.tif" --after "$s/after.tif" --survey "$s/survey.gpkg" --model "$MODEL" \
     --out "$o/farmland.gpkg" ${DETECT_ARGS:-} >"$o/detect.log" 2>&1
  $W eval --truth "$s/truth.gpkg" --pred "$o/farmland.gpkg" --truth-where "on_farmland = 1" --area-km2 "$km2" --json >"$o/objects.json"
  if [[ "$density" != 0 ]]; then
    $W detect --before "$s/before.tif" --after "$s/after.tif" --survey "$s/survey.gpkg" --model "$MODEL" \
       --out "$o/all.gpkg" --all-land --class-raster "$o/class-all.tif" ${DETECT_ARGS:-} >"$o/detect-all.log" 2>&1
    $W eval --truth "$s/truth.tif" --pred "$o/class-all.tif" --json >"$o/pixels.json"
  fi
  echo "$split $name done" >&2
done
/usr/bin/python3 "$HERE/aggregate.py" "$OUT" "$@"
