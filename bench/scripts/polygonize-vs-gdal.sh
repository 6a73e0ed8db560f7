#!/usr/bin/env bash
# GDALPolygonize (GDAL 3.6, into an in-memory OGR layer) against the engine's streaming Polygonizer (strips of 256
# rows into an in-memory PolygonStore), one timed run of each per size in one process, single thread; prints both
# times (wall and CPU), the polygon counts and the speed-up, then the Polygonizer's peak live managed memory when it
# streams 4096² and 8192² in strips of 256 rows with the polygons discarded (it should grow with the width, not the area).
#
# Rasters: "blocks6" = values 0..3 uniform per 6x6 block (~240 k polygons at 4096², ~960 k at 8192²);
#          "noise"   = values 0..3 uniform per pixel (~8.7 M polygons at 4096²; GDAL cannot hold 8192² in 23 GB).
# Usage: bench/scripts/polygonize-vs-gdal.sh [4|8] [--quick]    (--quick: blocks6 only)
set -euo pipefail
cd "$(dirname "$0")/../.."
connectivity=${1:-4}
dotnet build -c Release bench -v q -nologo >/dev/null
bench=bench/bin/Release/net10.0/WeiPian.Bench.dll
# Keep the garbage collector on the calling thread: a single-threaded comparison.
export DOTNET_gcServer=0 DOTNET_gcConcurrent=0
dotnet "$bench" polygonize-vs-gdal --sizes 4096,8192 --pattern blocks6 --connectivity "$connectivity" --memory
if [[ "${2:-}" != "--quick" ]]; then
  dotnet "$bench" polygonize-vs-gdal --sizes 4096 --pattern noise --connectivity "$connectivity"
fi
