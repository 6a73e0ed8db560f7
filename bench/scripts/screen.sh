#!/usr/bin/env bash
# The screening cascade (issue 19 §1): `weipian detect` with and without `--screen` on fresh synthesised pairs at
# realistic densities (0.5 and 2 changes/km²) and the synthesiser's default (25), all land. Per density: wall with the
# screen / wall without, tiles the model ran on, share of the unscreened run's polygons found by the screened run
# (matched by overlap: the intersection holds at least half of the smaller polygon), polygons new in the screened run,
# and identical geometries. The issue's targets at 8192²: wall <= 0.35x, >= 99 % found, no new ones.
# Usage: bench/scripts/screen.sh [size=8192] [model=fusion-unet-v1] [screen=screen-v1] [extra detect options...]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-8192}
model=${2:-fusion-unet-v1}
screen=${3:-screen-v1}
shift $(( $# < 3 ? $# : 3 ))
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=src/Cli/bin/Release/net10.0/weipian.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $size² pairs, $model screened by $screen"
detect() { # name, extra options -> "wall seconds" ; log in $work/name.log
  local name=$1 start end
  shift
  start=$(date +%s.%N)
  if ! dotnet "$cli" detect --before "$data/before.tif" --after "$data/after.tif" --all-land --model "$model" \
      --out "$data/$name.gpkg" --profile "$@" >"$work/$name.log" 2>&1; then
    cat "$work/$name.log" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}
for case in "0.5 1901" "2 1902" "25 1903"; do
  read -r density seed <<<"$case"
  data="$work/$density"
  dotnet "$cli" synth --out "$data" --size "$size" --seed "$seed" --changes-per-km2 "$density" --no-shapefiles >/dev/null
  plain=$(detect plain "${@}")
  screened=$(detect screened --screen "$screen" "${@}")
  tiles=$(grep -o 'the model ran on [0-9]* of [0-9]* tiles' "$work/screened.log" | tail -1)
  unread=$(grep -o '[0-9]* of [0-9]* chunks left unread' "$work/screened.log" | tail -1)
  pass=$(grep -o '^Screen *[0-9.]*' "$work/screened.log" | awk '{ print $2 }')
  model_plain=$(grep -o '^Model *[0-9.]*' "$work/plain.log" | awk '{ print $2 }')
  model_screened=$(grep -o '^Model *[0-9.]*' "$work/screened.log" | awk '{ print $2 }')
  match=$(/usr/bin/python3 bench/scripts/match-polygons.py "$data/plain.gpkg" "$data/screened.gpkg")
  echo "$density changes/km²: without ${plain} s, with --screen ${screened} s: $(awk -v a="$plain" -v b="$screened" 'BEGIN { printf "%.2fx", b / a }'); screen pass ${pass} s, model ${model_screened} s (${model_plain} s without); $tiles, $unread; $match"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
