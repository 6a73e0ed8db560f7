#!/usr/bin/env bash
# Sourced by the cluster-*.sh scripts: make_scenes CLI writes, in the current folder, the 12 overlapping scenes of
# reprocess-kill-resume.sh (a 3072 x 2048 `weipian synth` pair, seed 7, its planted changes burnt into both dates so
# the tiny test model reports them, cut into a 4 x 3 grid of 1024 x 1024 scenes) and their manifest scenes.csv, with
# the survey at synth/survey.gpkg. stop_pids stops the processes a script started (their pids in the array pids).
make_scenes() { # weipian.dll
  local cli=$1
  dotnet "$cli" synth --out synth --size 3072 --height 2048 --seed 7 --no-shapefiles | tail -1
  cp synth/before.tif before.tif
  cp synth/after.tif after.tif
  gdal_rasterize -q -l truth -b 1 -b 2 -b 3 -b 4 -burn 100 -burn 100 -burn 100 -burn 100 synth/truth.gpkg before.tif
  gdal_rasterize -q -l truth -b 1 -b 2 -b 3 -b 4 -burn 1000 -burn 1000 -burn 1000 -burn 1000 synth/truth.gpkg after.tif
  mkdir -p scenes
  echo "key,before,after,before_date,after_date" > scenes.csv
  local row col key x y
  for row in 0 1 2; do
    for col in 0 1 2 3; do
      key=$(printf "GF2_R%dC%d" "$row" "$col")
      x=$((col * 640)); y=$((row * 512))
      gdal_translate -q -srcwin "$x" "$y" 1024 1024 -co TILED=YES -co COMPRESS=DEFLATE before.tif "scenes/$key-before.tif"
      gdal_translate -q -srcwin "$x" "$y" 1024 1024 -co TILED=YES -co COMPRESS=DEFLATE after.tif "scenes/$key-after.tif"
      echo "$key,scenes/$key-before.tif,scenes/$key-after.tif,20240309,20240629" >> scenes.csv
    done
  done
  echo "12 scenes of 1024 x 1024 px in a 4 x 3 grid, overlapping by 384 px across and 512 px down"
}

stop_pids() { # only the processes in ${pids[@]}, by pid: SIGTERM (a silo stops cleanly), then SIGKILL after 15 s
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 150); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break; sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
