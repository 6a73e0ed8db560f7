#!/usr/bin/env bash
# The device machine's half of the GPU check (bench/gpu/README.md has the call plan): keeps the parts that
# bench/gpu/pack.sh made, one or more per call, outside the repository (files there stay while the machine is warm);
# then reassembles them, checks the hash, unpacks the benchmark, puts the CUDA 13 and cuDNN 9 libraries of python3's
# nvidia wheels on LD_LIBRARY_PATH and runs it on cpu, cuda and cuda:fp16.
#
#   bench/gpu/unpack-and-run.sh store                  keep the carried .gpu-carry/part* (checked against .gpu-carry/manifest)
#   bench/gpu/unpack-and-run.sh run [benchmark options] store, then reassemble, check, unpack and run
#
# Benchmark options (weipian-infer-bench): [--size 4096] [--seed 7] [--model fusion-unet-v1] [--variants cpu,cuda,cuda:fp16]
# [--passes 2] [--batch 0]. The output goes to stdout and is appended to $OUT/infer-bench.txt (OUT is the device tool's
# folder; elsewhere WEIPIAN_GPU_DIR/out). WEIPIAN_GPU_DIR (default /tmp/weipian-gpu) holds the parts and the unpacked
# benchmark; a second run in the same warm machine reuses the unpacked benchmark, so it needs only the manifest carried.
# WEIPIAN_GPU_RUN_LIMIT (default 420) is the benchmark's time limit in seconds. Needs python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-}
[ "$mode" = store ] || [ "$mode" = run ] || { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
shift
dir=${WEIPIAN_GPU_DIR:-/tmp/weipian-gpu}
out=${OUT:-$dir/out}
mkdir -p "$dir/parts" "$out"
[ -f .gpu-carry/manifest ] || { echo "unpack-and-run.sh: no .gpu-carry/manifest here: name it in carry (bench/gpu/README.md)" >&2; exit 2; }

# Parts of another pack are dropped: the manifest's archive hash names the pack.
if [ -f "$dir/manifest" ] && ! cmp -s "$dir/manifest" .gpu-carry/manifest; then
  echo "a new pack: dropping the parts kept from another"
  rm -f "$dir/parts"/*
fi
cp .gpu-carry/manifest "$dir/manifest"

python3 - "$dir" <<'EOF'
import hashlib, os, shutil, sys
dir = sys.argv[1]
want = {}
for line in open(os.path.join(dir, "manifest")):
    sha, size, name = line.split()
    want[name] = (sha, int(size))
def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
for name in sorted(n for n in want if n != "archive"):
    src = os.path.join(".gpu-carry", name)
    if not os.path.exists(src):
        continue
    sha, size = want[name]
    if os.path.getsize(src) != size or sha256(src) != sha:
        sys.exit(f"unpack-and-run.sh: .gpu-carry/{name} is not the part the manifest names (size or sha256 differ)")
    shutil.copyfile(src, os.path.join(dir, "parts", name))
    print(f"stored {name} ({size} bytes, sha256 checked)")
held = [n for n in sorted(want) if n != "archive" and os.path.exists(os.path.join(dir, "parts", n))]
missing = [n for n in sorted(want) if n != "archive" and n not in held]
print(f"held: {' '.join(held) or 'none'}; missing: {' '.join(missing) or 'none'}")
EOF

echo "machine: $(nproc) cores, $(df -h --output=avail "$dir" | tail -1 | tr -d ' ') free in $dir; python3 $(python3 -c 'import platform; print(platform.python_version())')"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /' || echo "gpu: nvidia-smi found none"

# Every folder of python3's nvidia wheels that holds shared libraries (nvidia/*/lib, nvidia/cu13/lib, ...), then the driver's.
cuda_libs=$(python3 - <<'EOF'
import glob, os, sys
roots = {p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages") and os.path.isdir(p)}
dirs = sorted({os.path.dirname(f) for r in roots for f in glob.glob(os.path.join(r, "nvidia", "**", "lib*.so*"), recursive=True)})
dirs += [d for d in ("/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/local/cuda/lib64") if os.path.isdir(d)]
print(":".join(dirs))
EOF
)
echo "cuda libraries: ${cuda_libs:-none found}"
[ "$mode" = run ] || exit 0

# A rerun in the same warm machine (other benchmark options) reuses what the last run unpacked from the same pack.
if cmp -s "$dir/manifest" "$dir/weipian-gpu.manifest" 2>/dev/null && [ -x "$dir/weipian-gpu/weipian-infer-bench" ]; then
  echo "unpacked already: $dir/weipian-gpu"
else
python3 - "$dir" <<'EOF'
import hashlib, os, shutil, sys, tarfile
dir = sys.argv[1]
want = [line.split() for line in open(os.path.join(dir, "manifest"))]
parts = [name for _, _, name in want if name != "archive"]
missing = [p for p in parts if not os.path.exists(os.path.join(dir, "parts", p))]
if missing:
    sys.exit(f"unpack-and-run.sh: parts missing: {' '.join(missing)}; carry them first (bench/gpu/README.md)")
sha, size = next((s, int(n)) for s, n, name in want if name == "archive")
archive = os.path.join(dir, "weipian-gpu.tar.xz")
h = hashlib.sha256()
with open(archive, "wb") as out:
    for p in parts:
        with open(os.path.join(dir, "parts", p), "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
                out.write(block)
if os.path.getsize(archive) != size or h.hexdigest() != sha:
    sys.exit("unpack-and-run.sh: the reassembled archive's sha256 is not the manifest's")
print(f"reassembled {len(parts)} parts: {size} bytes, sha256 {sha[:16]}... checked")
shutil.rmtree(os.path.join(dir, "weipian-gpu"), ignore_errors=True)
with tarfile.open(archive, "r:xz") as tar:
    tar.extractall(dir, filter="tar")
os.remove(archive)
print(f"unpacked into {dir}/weipian-gpu")
EOF
  cp "$dir/manifest" "$dir/weipian-gpu.manifest"
fi

bench=$dir/weipian-gpu
export LD_LIBRARY_PATH=$bench${cuda_libs:+:$cuda_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
missing=$(ldd "$bench/libonnxruntime_providers_cuda.so" 2>&1 | awk '/not found/ { print $1 }' | tr '\n' ' ' || true)
echo "CUDA provider's libraries not found: ${missing:-none}"
cudnn=$(IFS=:; for d in $LD_LIBRARY_PATH; do [ -e "$d/libcudnn.so.9" ] && echo "$d/libcudnn.so.9" && break; done || true)
echo "libcudnn.so.9 (loaded at run time): ${cudnn:-not found}"
set +e
echo "== weipian-infer-bench $*" | tee -a "$out/infer-bench.txt"
timeout "${WEIPIAN_GPU_RUN_LIMIT:-420}" "$bench/weipian-infer-bench" "$@" 2>&1 | tee -a "$out/infer-bench.txt"
rc=${PIPESTATUS[0]}
echo "== exit code $rc" | tee -a "$out/infer-bench.txt"
exit "$rc"
