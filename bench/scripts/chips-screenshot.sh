#!/usr/bin/env bash
# Renders the chips page ("表格+影像") of a detection on the bundled sample in headless Chromium and saves
# a screenshot, to look at what a county officer opens. Installs Debian's chromium when missing.
# Usage: bench/scripts/chips-screenshot.sh [out.png]
set -euo pipefail
cd "$(dirname "$0")/../.."
shot=${1:-out/chips-screenshot.png}
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
dotnet build -c Release src/Cli -v q -nologo >/dev/null
work=out/chips-sample
rm -rf "$work" && mkdir -p "$work"
dotnet src/Cli/bin/Release/net10.0/weipian.dll detect --before data/sample-tiles/before.tif --after data/sample-tiles/after.tif \
  --survey data/sample-tiles/survey.gpkg --out "$work/tuban.gpkg" --chips "$work/chips" >/dev/null 2>&1
mkdir -p "$(dirname "$shot")"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --window-size=1100,1400 \
  --screenshot="$shot" "file://$(pwd)/$work/chips/index.html" 2>/dev/null
echo "screenshot: $shot ($(stat -c %s "$shot") bytes) of $work/chips/index.html"
