#!/usr/bin/env bash
# Installs what the engine needs on a fresh Debian 12 machine, only when it is missing:
# GDAL 3.6 (libgdal32) and its command-line tools (gdal-bin, the reference tools the tests and
# benchmarks compare against), GNU time for the memory scripts, sqlite3 for bench/scripts/bad-inputs.sh (it reads the
# batch journal), python3-torch/-onnx/-gdal/-numpy for the training smoke. The .NET 10 SDK must be present;
# NuGet packages are restored by the first build.
set -euo pipefail
missing=()
# Captured first: `ldconfig -p | grep -q` under pipefail fails whenever grep's early exit makes ldconfig die of SIGPIPE.
libraries=$(ldconfig -p 2>/dev/null || true)
grep -q 'libgdal\.so\.32' <<<"$libraries" || missing+=(libgdal32)
command -v gdalinfo >/dev/null 2>&1 || missing+=(gdal-bin)
[ -x /usr/bin/time ] || missing+=(time)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
# The training recipe's smoke (bench/scripts/train-smoke.sh): Debian's PyTorch, ONNX, GDAL and NumPy under /usr/bin/python3.
/usr/bin/python3 -c 'import torch, onnx, numpy; from osgeo import gdal' >/dev/null 2>&1 || missing+=(python3-torch python3-onnx python3-gdal python3-numpy)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is missing: install it (https://learn.microsoft.com/dotnet/core/install/linux-debian) and rerun." >&2
  exit 1
fi
