#!/usr/bin/env bash
# The main-job command: installs what is missing, builds, and runs change detection with the bundled
# spectral-v1 model on the bundled sample (data/sample-tiles), then scores it against the sample's truth.
# Outputs go to out/sample/: tuban.gpkg (the polygons), class.tif (the class raster), chips/index.html.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-deps.sh
# Quiet when the build succeeds; its output, with the errors, when it fails.
build_log=$(dotnet build src/Cli -c Release --nologo -v q 2>&1) || { printf '%s\n' "$build_log" >&2; exit 1; }
weipian() { dotnet src/Cli/bin/Release/net10.0/weipian.dll "$@"; }
sample=data/sample-tiles
mkdir -p out/sample
weipian info "$sample/before.tif" "$sample/after.tif" "$sample/survey.gpkg" "$sample/truth.gpkg"
# The synthesiser is deterministic: regenerating the sample's seed gives the bundled rasters again.
weipian synth --out out/sample/regenerated --size 1024 --seed 11
cmp "$sample/before.tif" out/sample/regenerated/before.tif && cmp "$sample/truth.tif" out/sample/regenerated/truth.tif \
  && echo "regenerated sample matches data/sample-tiles byte for byte"
# The main job: change polygons on farmland between the two dates, with chips for each polygon.
weipian detect --before "$sample/before.tif" --after "$sample/after.tif" --survey "$sample/survey.gpkg" \
  --model spectral-v1 --out out/sample/tuban.gpkg --class-raster out/sample/class.tif --chips out/sample/chips --profile
# How it did: polygons against the true change on farmland, and the class raster against truth.tif.
weipian eval --truth "$sample/truth.gpkg" --truth-where "on_farmland = 1" --pred out/sample/tuban.gpkg
echo "polygons: out/sample/tuban.gpkg; chips: out/sample/chips/index.html"
