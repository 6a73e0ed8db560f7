#!/usr/bin/env bash
# Synthesises the scenes of the given splits (see scenes.py) into $WORK/scenes/<name>/ and converts them to
# raw arrays (prep.py). Skips scenes already there (delete $WORK/scenes to regenerate).
#   data.sh train val valnull      (training/validation)      data.sh test testnull     (report)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
WORK="${WORK:-$REPO/out/fusion-unet-v1}"
W="dotnet $REPO/src/Cli/bin/Release/net10.0/weipian.dll"
PY=/usr/bin/python3
mkdir -p "$WORK/scenes"
"$PY" "$HERE/scenes.py" "$@" | while read -r split name seed size gsd density; do
  dir="$WORK/scenes/$name"
  if [[ -f "$dir/y.npy" || -f "$dir/after.tif" && "$name" == *-* ]]; then continue; fi
  if [[ "$name" == *-* ]]; then   # a perturbed copy of a generated scene: <base>-g<gain x 100>h<haze DN>
    base="$WORK/scenes/${name%%-*}"; tag="${name#*-}"
    [[ -f "$base/after.tif" ]] || $W synth --out "$base" --size "$size" --seed "$seed" --gsd "$gsd" --changes-per-km2 "$density" --no-shapefiles >/dev/null
    g="${tag#g}"; g="${g%%h*}"; h="${tag#*h}"
    "$PY" "$HERE/perturb.py" "$base" "$dir" "$(awk "BEGIN{print $g/100}")" "$h"
    echo "$split $name: after x $(awk "BEGIN{print $g/100}") + $h DN haze"
    continue
  fi
  $W synth --out "$dir" --size "$size" --seed "$seed" --gsd "$gsd" --changes-per-km2 "$density" --no-shapefiles >/dev/null
  "$PY" "$HERE/prep.py" "$dir"
  echo "$split $name seed $seed ${size}px ${gsd}m ${density}/km2"
done
