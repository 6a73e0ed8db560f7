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
  if [[ -f "$dir/y.npy" ]]; then continue; fi
  $W synth --out "$dir" --size "$size" --seed "$seed" --gsd "$gsd" --changes-per-km2 "$density" --no-shapefiles >/dev/null
  "$PY" "$HERE/prep.py" "$dir"
  echo "$split $name seed $seed ${size}px ${gsd}m ${density}/km2"
done
