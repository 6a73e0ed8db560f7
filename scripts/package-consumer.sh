#!/usr/bin/env bash
# The packages as a consumer gets them. Packs WeiPian.Engine, WeiPian.Models and the WeiPian.Cli tool once (Release)
# into a local folder feed in a temporary folder outside the repository; creates a fresh console project there that
# references the two library packages from that feed (everything else from the registry of the machine's NuGet
# config), pastes README.md's library example verbatim as its Program.cs, builds it without and with
# RuntimeIdentifier linux-x64 (printing the size of each output), and runs both in empty folders holding only a copy
# of the sample data. Then installs the tool into a temporary tool path and runs `weipian --help`, `weipian info` and
# `weipian detect --model spectral-v1` (the bundled model must be found beside the installed tool).
# Run by run-tests.sh after the test suite; quiet on success, the failing command's output on failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/weipian-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A version no package cache has seen, so what is restored and installed is what was just packed, never a stale 0.1.0.
version="0.1.0-consumer.$(date -u +%Y%m%d%H%M%S)"
feed=$work/feed
sample=$repo/data/sample-tiles
# New packages go to a throw-away folder; those already in the machine's cache are read from there, not fetched again.
restore=(-p:RestorePackagesPath="$work/packages" -p:RestoreFallbackFolders="$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')")

quiet() { local log; log=$("$@" 2>&1) || { printf '%s\n' "$log" >&2; echo "package-consumer: failed: $*" >&2; return 1; }; }
step() { echo "== $* (${SECONDS}s)"; }
fail() { echo "package-consumer: $*" >&2; exit 1; }

step "pack $version into $feed"
quiet dotnet build "$repo/src/Cli" -c Release --nologo -v q
for project in Engine/WeiPian.Engine Models/WeiPian.Models; do
  quiet dotnet pack "$repo/src/$project.csproj" -c Release --no-build --nologo -o "$feed" -p:PackageVersion="$version"
done
# The tool is packed for linux-x64 (a small pointer package and WeiPian.Cli.linux-x64): its own publish, so no --no-build.
quiet dotnet pack "$repo/src/Cli/WeiPian.Cli.csproj" -c Release --nologo -o "$feed" -p:PackageVersion="$version"
ls -s --block-size=K "$feed" | sed 's/^/   /'

step "fresh console project referencing WeiPian.Engine and WeiPian.Models"
app=$work/consumer
quiet dotnet new console -o "$app" -n Consumer --no-restore
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="weipian-local" value="$feed" />
  </packageSources>
</configuration>
XML
quiet dotnet add "$app/Consumer.csproj" package WeiPian.Engine --version "$version" --no-restore
quiet dotnet add "$app/Consumer.csproj" package WeiPian.Models --version "$version" --no-restore
# The example exactly as README.md shows it between its library-example markers, fences left out.
awk '/<!-- library-example/ { inside = 1; next } /<!-- \/library-example -->/ { inside = 0 } inside' "$repo/README.md" \
  | sed '/^```/d' > "$app/Program.cs"
grep -q 'BundledModels.Resolve' "$app/Program.cs" || fail "no library example found between the markers in README.md"

# Runs the built example in an empty folder with only data/sample-tiles copied in; prints what it printed.
run_example() {
  local dir=$1; shift
  mkdir -p "$dir/data" && cp -r "$sample" "$dir/data/"
  (cd "$dir" && "$@") > "$dir.log" 2>&1 || { cat "$dir.log" >&2; fail "the README example failed in $dir"; }
  [ -s "$dir/out/tuban.gpkg" ] || fail "the README example wrote no out/tuban.gpkg"
  grep -Eq '^[0-9]+ polygons, [0-9.]+ 亩 of farmland$' "$dir.log" || { cat "$dir.log" >&2; fail "no summary line"; }
}

step "build and run without a RuntimeIdentifier"
quiet dotnet build "$app/Consumer.csproj" --nologo -v q "${restore[@]}"
any_mb=$(du -sm "$app/bin" | cut -f1)
run_example "$work/run-any" dotnet "$app/bin/Debug/net10.0/Consumer.dll"
tail -1 "$work/run-any.log" | sed 's/^/   /'

step "build and run with RuntimeIdentifier linux-x64"
rm -rf "$app/bin" "$app/obj"
quiet dotnet build "$app/Consumer.csproj" --nologo -v q -p:RuntimeIdentifier=linux-x64 "${restore[@]}"
rid_mb=$(du -sm "$app/bin" | cut -f1)
run_example "$work/run-rid" "$app/bin/Debug/net10.0/linux-x64/Consumer"
cmp -s "$work/run-any.log" "$work/run-rid.log" || { diff "$work/run-any.log" "$work/run-rid.log" >&2; fail "the two builds printed different results"; }
echo "   consumer bin: ${any_mb} MB without a RuntimeIdentifier, ${rid_mb} MB with linux-x64"

step "dotnet tool install WeiPian.Cli"
tools=$work/tools
(cd "$work" && quiet dotnet tool install WeiPian.Cli --version "$version" --tool-path "$tools" --add-source "$feed")
"$tools/weipian" --help > "$work/help.log" 2>&1 || { cat "$work/help.log" >&2; fail "weipian --help failed"; }
grep -q detect "$work/help.log" || { cat "$work/help.log" >&2; fail "weipian --help lists no detect"; }
"$tools/weipian" info "$sample/before.tif" > "$work/info.log" 2>&1 || { cat "$work/info.log" >&2; fail "weipian info failed"; }
mkdir "$work/run-tool"
(cd "$work/run-tool" && "$tools/weipian" detect --before "$sample/before.tif" --after "$sample/after.tif" \
  --survey "$sample/survey.gpkg" --model spectral-v1 --out tuban.gpkg) > "$work/detect.log" 2>&1 \
  || { cat "$work/detect.log" >&2; fail "weipian detect with the bundled spectral-v1 failed"; }
[ -s "$work/run-tool/tuban.gpkg" ] || fail "weipian detect wrote no tuban.gpkg"
for model in "$repo"/src/Models/*.onnx; do
  [ -n "$(find "$tools" -path "*/models/$(basename "$model")")" ] || fail "the installed tool lacks the bundled $(basename "$model")"
done
echo "   weipian --help, info and detect --model spectral-v1 work from the installed tool; every bundled model is beside it"
step "done"
