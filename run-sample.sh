#!/usr/bin/env bash
# The main-job command: installs what is missing, builds, and runs the engine on the bundled sample
# (data/sample-tiles). Outputs go to out/sample/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-deps.sh
dotnet build src/Cli -c Release --nologo -v q >/dev/null
weipian() { dotnet src/Cli/bin/Release/net10.0/weipian.dll "$@"; }
sample=data/sample-tiles
mkdir -p out/sample
weipian info "$sample/before.tif" "$sample/after.tif" "$sample/survey.gpkg" "$sample/truth.gpkg"
# The synthesiser is deterministic: regenerating the sample's seed gives the bundled rasters again.
weipian synth --out out/sample/regenerated --size 1024 --seed 11
cmp "$sample/before.tif" out/sample/regenerated/before.tif && cmp "$sample/truth.tif" out/sample/regenerated/truth.tif \
  && echo "regenerated sample matches data/sample-tiles byte for byte"
