#!/usr/bin/env bash
# Seam check: the class raster of tiled runs must equal a whole-image run (one tile = scene + 2 x halo).
#   seams.sh MODEL.onnx OUTDIR SCENE_DIR [TILE ...]      (default tiles: 256 and 512; halo from the card)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
W="dotnet $REPO/src/Cli/bin/Release/net10.0/weipian.dll"
MODEL="$(realpath "$1")"; OUT="$2"; S="$3"; shift 3
TILES=("${@:-256 512}"); TILES=(${TILES[@]})
mkdir -p "$OUT"
halo=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['input']['halo'])" "${MODEL%.onnx}.card.json")
size=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['width'])" "$S/scene.json")
whole=$(( (size + 15) / 16 * 16 + 2 * halo ))
for t in "$whole" "${TILES[@]}"; do
  $W detect --before "$S/before.tif" --after "$S/after.tif" --model "$MODEL" --all-land --tile "$t" \
     --out "$OUT/tile$t.gpkg" --class-raster "$OUT/tile$t.tif" >"$OUT/tile$t.log" 2>&1
done
/usr/bin/python3 - "$OUT" "$whole" "${TILES[@]}" <<'PY'
import sys
import numpy as np
from osgeo import gdal
out, whole, tiles = sys.argv[1], sys.argv[2], sys.argv[3:]
ref = gdal.Open(f"{out}/tile{whole}.tif").ReadAsArray()
for t in tiles:
    a = gdal.Open(f"{out}/tile{t}.tif").ReadAsArray()
    same_c = (a[0] == ref[0]).mean()
    same_p = (a[1] == ref[1]).mean()
    near_p = (np.abs(a[1].astype(int) - ref[1]) <= 1).mean()
    print(f"tile {t} vs whole image (tile {whole}): class equal {100 * same_c:.3f} %, "
          f"confidence equal {100 * same_p:.3f} % (within 1 %: {100 * near_p:.3f} %)")
PY
