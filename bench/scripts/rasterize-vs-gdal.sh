#!/usr/bin/env bash
# The engine's PolygonRasterizer against GDALRasterizeLayers (GDAL 3.6), pixel-centre rule, burn value 1, same polygons
# and grid, single thread, best of 3, with the masks compared pixel for pixel:
#   * each real parcel layer under ../shared/data/real/parcels on a grid over its extent, 8192 px on the longer side;
#   * the farmland (DLTB 0101/0102/0103) of a synthesised survey on its 8192² scene grid (weipian synth --size 8192
#     --seed 11, cached under $TMPDIR), burnt whole and strip by strip as the pipeline does.
# Usage: bench/scripts/rasterize-vs-gdal.sh [size=8192]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-8192}
dotnet build -c Release src/Cli -v q -nologo >/dev/null
dotnet build -c Release bench -v q -nologo >/dev/null
synth="${TMPDIR:-/tmp}/weipian-synth-$size-seed11"
[[ -f "$synth/survey.gpkg" ]] || dotnet src/Cli/bin/Release/net10.0/weipian.dll synth --out "$synth" --size "$size" --seed 11 --no-shapefiles
parcels=()
[[ -d ../shared/data/real/parcels ]] && parcels=(--parcels ../shared/data/real/parcels)
export DOTNET_gcServer=0 DOTNET_gcConcurrent=0
dotnet bench/bin/Release/net10.0/WeiPian.Bench.dll rasterize-vs-gdal "${parcels[@]}" \
  --survey "$synth/survey.gpkg" --grid "$synth/before.tif" --size "$size" --repeat 3
