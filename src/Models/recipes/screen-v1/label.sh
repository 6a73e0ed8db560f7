#!/usr/bin/env bash
# The screen's labels: what it must not miss is the change the detection model it screens would report, so each scene
# of $WORK/scenes/<prefix>* (written by fusion-unet-v1's data.sh) at the detection model's GSD (0.8 m, within 10 %)
# is run through `weipian detect --model fusion-unet-v1 --all-land` and label.py writes z.npy: the truth's change
# classes, plus the detection model's where the truth says "no change". The scenes at other GSDs, which the detection
# model refuses, keep the truth alone. Skips scenes that already have z.npy.
#   label.sh t v n
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
WORK="${WORK:-$REPO/out/screen-v1}"
W="dotnet $REPO/src/Cli/bin/Release/net10.0/weipian.dll"
for prefix in "$@"; do
  for dir in "$WORK"/scenes/"$prefix"*; do
    [[ -f "$dir/y.npy" && ! -f "$dir/z.npy" ]] || continue
    rm -f "$dir/detected.gpkg" "$dir/detected.tif"
    gsd=$(gdalinfo "$dir/before.tif" | sed -n 's/^Pixel Size = (\([0-9.]*\),.*/\1/p')
    if awk -v g="$gsd" 'BEGIN { exit !(g >= 0.72 && g <= 0.88) }'; then
      $W detect --before "$dir/before.tif" --after "$dir/after.tif" --all-land --model fusion-unet-v1 \
        --out "$dir/detected.gpkg" --class-raster "$dir/detected.tif" >/dev/null
    fi
    /usr/bin/python3 "$HERE/label.py" "$dir"
  done
done
