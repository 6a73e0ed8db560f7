#!/bin/sh
# Regenerates src/Models/spectral-v1.onnx and spectral-v1.card.json (one command), or evaluates.
#   ./run.sh            export (deterministic: prints the sha256, compare with the README)
#   ./run.sh eval [DIR] synthesise development seeds 100-129 and nuisance-only seeds 150-159 under DIR
#                       (default /tmp/spectral-v1-dev) and print the metrics of the README
# Needs Debian's python3-torch, python3-onnx, python3-numpy, python3-gdal (/usr/bin/python3), and for
# eval the .NET SDK to build the weipian CLI. Never use seeds >= 1000 here: they are held-out test seeds.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
PY=/usr/bin/python3
case "${1:-export}" in
  export)
    exec "$PY" "$HERE/export.py"
    ;;
  eval)
    DIR=${2:-/tmp/spectral-v1-dev}
    dotnet build -c Release "$ROOT/src/Cli" >/dev/null
    CLI="$ROOT/src/Cli/bin/Release/net10.0/weipian.dll"
    mkdir -p "$DIR"
    for s in $(seq 100 129); do
      [ -f "$DIR/s$s/scene.json" ] || dotnet "$CLI" synth --out "$DIR/s$s" --size 1024 --seed "$s" --no-shapefiles >/dev/null
    done
    for s in $(seq 150 159); do
      [ -f "$DIR/n$s/scene.json" ] || dotnet "$CLI" synth --out "$DIR/n$s" --size 1024 --seed "$s" --changes-per-km2 0 --no-shapefiles >/dev/null
    done
    echo "== development seeds 100-129, change on farmland"
    "$PY" "$HERE/evaluate.py" "$DIR"/s1[0-2][0-9]
    echo "== nuisance-only seeds 150-159 (synth --changes-per-km2 0), whole scene"
    "$PY" "$HERE/evaluate.py" --everywhere "$DIR"/n15[0-9]
    ;;
  *)
    echo "usage: $0 [export | eval [DIR]]" >&2
    exit 2
    ;;
esac
