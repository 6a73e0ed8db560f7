#!/usr/bin/env bash
# This machine's half of the GPU check (bench/gpu/README.md has the call plan). The device machine has no .NET SDK, no
# GDAL and no network, and one call carries 64 MiB with the working tree; so here: publish the inference benchmark
# (bench/gpu/InferBench) self-contained and trimmed for linux-x64 with the CUDA build of ONNX Runtime (-p:Gpu=true), pack
# it into one tar.xz, split that into parts that each fit one call beside the working tree, and write a manifest of
# hashes and sizes that bench/gpu/unpack-and-run.sh checks there.
#
#   bench/gpu/pack.sh              publish, compress (xz -9e: about 10 CPU-minutes), split
#   bench/gpu/pack.sh --resplit    split the archive of the last pack again (another working tree, another part size)
#
# Run it in the checkout the device calls are made from: the part size is 60 MiB less that working tree (tracked and
# untracked files git does not ignore), at most 52 MiB, which leaves a few MiB for the tree to grow before the calls;
# WEIPIAN_GPU_PART_MIB=N sets it. Writes, all git-ignored, under .gpu-carry/: weipian-gpu.tar.xz, part1 .. partN,
# manifest, publish.log, and the build and staging folders. Needs the .NET 10 SDK, the NuGet packages restored (or a
# registry), xz, split and python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/../.."
carry=.gpu-carry
archive=$carry/weipian-gpu.tar.xz
resplit=0
case "${1:-}" in
  --resplit) resplit=1 ;;
  "") ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
mkdir -p "$carry"
rm -f "$carry"/part* "$carry/manifest"
[ "$resplit" = 0 ] || [ -f "$archive" ] || { echo "bench/gpu/pack.sh: no $archive to split again: run it without --resplit" >&2; exit 2; }

tree_bytes=$(git ls-files -z --cached --others --exclude-standard | python3 -c '
import os, sys
print(sum(os.path.getsize(p) for p in sys.stdin.buffer.read().decode().split("\0") if p and os.path.isfile(p)))')
if [ -n "${WEIPIAN_GPU_PART_MIB:-}" ]; then
  part_mib=$WEIPIAN_GPU_PART_MIB
else
  part_mib=$(( (60 * 1048576 - tree_bytes) / 1048576 ))
  [ "$part_mib" -le 52 ] || part_mib=52
fi
[ "$part_mib" -ge 8 ] || { echo "bench/gpu/pack.sh: the working tree ($tree_bytes bytes) leaves too little of a call's 64 MiB for a part" >&2; exit 1; }

if [ "$resplit" = 0 ]; then
  rm -rf "$carry/stage" "$archive"
  echo "publishing bench/gpu/InferBench: self-contained, trimmed, linux-x64, -p:Gpu=true (Microsoft.ML.OnnxRuntime.Gpu.Linux)"
  # Its own artifacts folder, so the GPU build never mixes with the CPU build's obj/ and bin/.
  dotnet publish bench/gpu/InferBench -c Release -r linux-x64 --self-contained -p:Gpu=true -p:PublishTrimmed=true \
    --artifacts-path "$carry/build" -o "$carry/stage/weipian-gpu" -nologo -v q >"$carry/publish.log" 2>&1 \
    || { tail -30 "$carry/publish.log" >&2; echo "bench/gpu/pack.sh: the publish failed (log above)" >&2; exit 1; }
  echo "published: $(du -sb "$carry/stage/weipian-gpu" | cut -f1) bytes in $(find "$carry/stage/weipian-gpu" -type f | wc -l) files; the largest:"
  find "$carry/stage/weipian-gpu" -type f -printf '%s %P\n' | sort -rn | head -8 | awk '{ printf "  %7.1f MiB  %s\n", $1 / 1048576, $2 }'

  echo "compressing (xz -9e: about 10 CPU-minutes)"
  # Fixed owners, times and order, so the same publish gives the same archive.
  tar -C "$carry/stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - weipian-gpu | xz -9e -T0 >"$archive.tmp"
  mv "$archive.tmp" "$archive"
fi
split -b "${part_mib}M" --numeric-suffixes=1 -a 1 "$archive" "$carry/part"

python3 - "$carry" "$archive" >"$carry/manifest" <<'EOF'
import glob, hashlib, os, sys
carry, archive = sys.argv[1], sys.argv[2]
def line(path, name):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    print(h.hexdigest(), os.path.getsize(path), name)
line(archive, "archive")
for part in sorted(glob.glob(os.path.join(carry, "part[0-9]"))):
    line(part, os.path.basename(part))
EOF

echo "working tree: $tree_bytes bytes; parts of at most $part_mib MiB:"
awk '{ printf "  %-8s %10d bytes (%5.1f MiB)  sha256 %s\n", $3, $2, $2 / 1048576, $1 }' "$carry/manifest"
echo "carry in call k: .gpu-carry/partk and .gpu-carry/manifest (bench/gpu/README.md)"
