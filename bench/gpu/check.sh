#!/usr/bin/env bash
# The GPU check of issue 6: builds the GPU variant of the CLI (-p:Gpu=true: Microsoft.ML.OnnxRuntime.Gpu.Linux),
# synthesises a large pair, detects on it with --device cpu, --device cuda and --device cuda --fp16 (same build, same
# model), and prints Mpx/s for each and the share of pixels on which each CUDA class raster agrees with the CPU's.
#
#   bench/gpu/check.sh [size] [model]          (defaults 8192, fusion-unet-v1)
#
# Needs: the .NET 10 SDK, an NVIDIA GPU with its driver, CUDA 13 (libcudart.so.13, libcublas.so.13,
# libcublasLt.so.13, libcurand.so.10) and cuDNN 9 (libcudnn.so.9) findable by the loader (LD_LIBRARY_PATH), GDAL 3.6
# (libgdal32) and python3 (standard library only). Without a GPU it stops at once and says so; with
# WEIPIAN_GPU_CHECK_SKIP_CUDA=1 it runs only the CPU half, float32 and --fp16 with their agreement (to check the script
# and the build on a machine without one).
# WEIPIAN_GPU_CHECK_OUT=DIR keeps the build, the scene and the outputs in DIR (reused when there).
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-8192}
model=${2:-fusion-unet-v1}
seed=7
skip_cuda=${WEIPIAN_GPU_CHECK_SKIP_CUDA:-0}

if [ "$skip_cuda" != 1 ]; then
  if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
    echo "bench/gpu/check.sh: no NVIDIA GPU here (nvidia-smi is missing or lists none). Run it on a machine with an NVIDIA" >&2
    echo "GPU, CUDA 13 and cuDNN 9, or set WEIPIAN_GPU_CHECK_SKIP_CUDA=1 to run only the CPU half." >&2
    exit 3
  fi
fi

out=${WEIPIAN_GPU_CHECK_OUT:-}
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

# The GPU variant builds into its own artifacts folder, so it never mixes with the CPU build's obj/ and bin/.
echo "building the GPU variant (-p:Gpu=true) into $out/build"
dotnet build src/Cli -c Release -p:Gpu=true --artifacts-path "$out/build" -v q -nologo >"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log" >&2; echo "bench/gpu/check.sh: the GPU build failed (log above)" >&2; exit 1; }
cli=$(find "$out/build/bin/WeiPian.Cli" -name weipian.dll -path '*release*' | head -1)
[ -n "$cli" ] || { echo "bench/gpu/check.sh: no weipian.dll under $out/build/bin/WeiPian.Cli" >&2; exit 1; }

scene="$out/s$size-seed$seed"
[ -f "$scene/after.tif" ] || dotnet "$cli" synth --out "$scene" --size "$size" --seed "$seed" --no-shapefiles >/dev/null
inputs=(--before "$scene/before.tif" --after "$scene/after.tif" --survey "$scene/survey.gpkg" --model "$model")

detect() { # name device [options...] -> the summary line's Mpx/s
  local name=$1 device=$2
  shift 2
  dotnet "$cli" detect "${inputs[@]}" --device "$device" "$@" --out "$out/tuban-$name.gpkg" --class-raster "$out/classes-$name.tif" \
    --profile >"$out/detect-$name.log" 2>&1 \
    || { tail -20 "$out/detect-$name.log" >&2; echo "bench/gpu/check.sh: detect $name failed (log above)" >&2; return 1; }
  grep -oE '[0-9.]+ Mpx/s' "$out/detect-$name.log" | head -1
}

run() { # name device [options...]: prints Mpx/s and the profile's model and wall lines
  local mpx
  mpx=$(detect "$@")
  echo "$1: $mpx"
  grep -E "^(Model|wall)" "$out/detect-$1.log" | sed "s/^/  $1 /"
}

# Agreement: the diagonal of the pixel confusion matrix between two class rasters, over the pixels the CPU run gave a
# result (eval leaves out either raster's nodata, 255).
agree() { # name: the CPU's class raster against this run's
  dotnet "$cli" eval --truth "$out/classes-cpu.tif" --pred "$out/classes-$1.tif" --json >"$out/eval-$1.json"
  python3 - "$out/eval-$1.json" "$1" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["pixels"]
same = sum(m["confusion"][k][k] for k in range(len(m["confusion"])))
print(f"class rasters agree on {same / m['total']:.6%} of {m['total']} pixels (cpu vs {sys.argv[2]})")
EOF
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); scene ${size}x${size} seed $seed, model $model"
[ "$skip_cuda" = 1 ] || nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /'
run cpu cpu
if [ "$skip_cuda" = 1 ]; then
  # The same steps on the CPU, so the script's every path is checked on a machine without a GPU.
  run cpu-fp16 cpu --fp16
  agree cpu-fp16
  echo "cuda: skipped (WEIPIAN_GPU_CHECK_SKIP_CUDA=1)"
  exit 0
fi
run cuda cuda
run cuda-fp16 cuda --fp16
agree cuda
agree cuda-fp16
