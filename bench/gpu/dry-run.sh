#!/usr/bin/env bash
# The call plan of bench/gpu/README.md played on this machine, to check every step but CUDA itself before device time
# is spent: for each part that bench/gpu/pack.sh made, a scratch checkout holding only the scripts, that part and the
# manifest (as one device call carries them) runs bench/gpu/unpack-and-run.sh store; the last one runs it with run and
# the benchmark options given. Without a GPU the benchmark prints the CPU figures and "cuda: not available (...)".
#
#   bench/gpu/dry-run.sh [benchmark options]        e.g. --size 1024 --passes 1
#
# WEIPIAN_GPU_DIR is the stand-in for the device machine's /tmp/weipian-gpu (default: a temporary folder, removed after).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f .gpu-carry/manifest ] || { echo "bench/gpu/dry-run.sh: no .gpu-carry/manifest: run bench/gpu/pack.sh first" >&2; exit 2; }
scratch=$(mktemp -d)
if [ -z "${WEIPIAN_GPU_DIR:-}" ]; then
  export WEIPIAN_GPU_DIR=$scratch/device
fi
trap 'rm -rf "$scratch"' EXIT
mapfile -t parts < <(awk '$3 != "archive" { print $3 }' .gpu-carry/manifest)
for i in "${!parts[@]}"; do
  checkout=$scratch/checkout
  rm -rf "$checkout"
  mkdir -p "$checkout/bench/gpu" "$checkout/.gpu-carry"
  cp bench/gpu/unpack-and-run.sh "$checkout/bench/gpu/"
  cp .gpu-carry/manifest ".gpu-carry/${parts[$i]}" "$checkout/.gpu-carry/"
  if [ $((i + 1)) -lt ${#parts[@]} ]; then
    echo "== call $((i + 1)): store, carrying ${parts[$i]} and the manifest"
    bash "$checkout/bench/gpu/unpack-and-run.sh" store
  else
    echo "== call $((i + 1)): run $*, carrying ${parts[$i]} and the manifest"
    bash "$checkout/bench/gpu/unpack-and-run.sh" run "$@"
  fi
done
