#!/usr/bin/env bash
# `weipian polygonize` against `gdal_polygonize.py` (GDAL 3.6), file to file: the same GeoTIFF in, a GeoPackage out
# (field `value`, the raster's CRS), each as its own process, one after the other. Prints wall and CPU seconds and peak
# memory of each (GNU time), the feature counts, and the ratio GDAL / ours.
#
# Raster (bench/Vector/ClassRasters.cs, written as a tiled GeoTIFF, 0.8 m, EPSG:4546):
#   noise   = values 0..3 uniform per pixel: 8.65 M polygons at 4096² (4-connected)   [default]
#   blocks6 = values 0..3 uniform per 6x6 block: ~240 k polygons at 4096²
# Usage: bench/scripts/polygonize-cli-vs-gdal.sh [size=4096] [pattern=noise] [connectivity=4]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-4096}
pattern=${2:-noise}
connectivity=${3:-4}
command -v gdal_polygonize.py >/dev/null || { echo "gdal_polygonize.py missing: apt-get install gdal-bin python3-gdal" >&2; exit 2; }
dotnet build -c Release src/Cli -v q -nologo >/dev/null
dotnet build -c Release bench -v q -nologo >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/polygonize-cli-vs-gdal.XXXXXX")
trap 'rm -rf "$work"' EXIT
dotnet bench/bin/Release/net10.0/WeiPian.Bench.dll class-raster --pattern "$pattern" --size "$size" --out "$work/classes.tif"
eight=()
[[ "$connectivity" == 8 ]] && eight=(-8)
export DOTNET_gcServer=0

measure() { # label, command...: prints "label wall user sys maxrss"
  local label=$1; shift
  /usr/bin/time -f "$label %e %U %S %M" -o "$work/$label.time" "$@" >/dev/null
  cat "$work/$label.time"
}
echo "raster: $pattern ${size}x${size}, ${connectivity}-connected, GeoTIFF -> GeoPackage"
ours=$(measure ours dotnet src/Cli/bin/Release/net10.0/weipian.dll polygonize "$work/classes.tif" "$work/ours.gpkg" --connectivity "$connectivity")
gdal=$(measure gdal gdal_polygonize.py -q "${eight[@]}" "$work/classes.tif" -f GPKG "$work/gdal.gpkg" gdal value)
count() { ogrinfo -so "$1" "$2" | sed -n 's/^Feature Count: //p'; }
n_ours=$(count "$work/ours.gpkg" ours)
n_gdal=$(count "$work/gdal.gpkg" gdal)
read -r _ ow ou os om <<<"$ours"
read -r _ gw gu gs gm <<<"$gdal"
printf 'weipian polygonize   %10s features  %8.2f s wall  %8.2f s cpu  %6d MB peak\n' "$n_ours" "$ow" "$(echo "$ou + $os" | bc)" $((om / 1024))
printf 'gdal_polygonize.py   %10s features  %8.2f s wall  %8.2f s cpu  %6d MB peak\n' "$n_gdal" "$gw" "$(echo "$gu + $gs" | bc)" $((gm / 1024))
printf 'ratio GDAL / ours: x%.1f wall, x%.1f cpu\n' "$(echo "$gw / $ow" | bc -l)" "$(echo "($gu + $gs) / ($ou + $os)" | bc -l)"
[[ "$n_ours" == "$n_gdal" ]] || echo "FEATURE COUNTS DIFFER"
