#!/usr/bin/env bash
# Bad inputs and faults through the real `weipian` command line (issue 14): a table of rows, each a command that must
# be refused (or cancelled) the way README promises, checked from the outside:
#   - the exit code (2 for bad input, 130 for SIGINT, 143 for SIGTERM, a timeout is a hang);
#   - stderr is one line starting with "weipian:" (or "weipian COMMAND:" for a parse error) that names the file or option (a row's pattern), optionally followed
#     by one line pointing to --help; no stack frames ("   at "), exception type names, "(Parameter '",
#     "Actual value was", "Unhandled" on stdout or stderr;
#   - the fixture folder afterwards equals the one before: same folders, same files, same sha256, so no input and no
#     pre-existing output was changed or deleted, nothing was written under the final name, and no temporary file
#     (.partial-*, -journal, -wal, -shm, tmp/) was left; $TMPDIR (a private folder) is empty too.
# Every row starts from the same pristine fixture folder (restored after a row that changed it), so one destructive
# row cannot spoil the next. Control rows (exit 0) prove the same commands work on the good fixtures.
#
# Fixtures (tiny, made once in a temp folder): a `weipian synth --size 256 --seed 3` scene, a 2048² scene for the
# signal rows, a class raster to polygonise, a detection to recheck, a batch folder, and broken variants: empty,
# truncated and text files named .tif/.gpkg/.onnx, a folder named .tif, a one-band image, shifted and smaller grids,
# a pair at 1.6 m, an 8-bit after date, a 1024² pair with clouds nobody flagged,
# float and out-of-range class rasters, 1,000,000² declared VRTs, a self-referencing VRT, Shapefile surveys without
# .shx/.dbf/.prj, a GeoPackage without DLTB, XZQDM values that collide as file names or are 200 digits long, model
# cards with bad JSON, Latin-1 bytes, huge tiles, unknown or path-like TBLX, manifests with an unknown column, an
# unterminated quote, a duplicated column or a missing scene, a non-batch folder with tmp/ and .partial-* files,
# corrupt journals.
#
# Each command runs under limits so that a runaway row cannot take the machine: address space 4 GiB, files 1 GiB,
# DOTNET_GCHeapHardLimit 1 GiB, a wall-clock timeout (default 20 s; the process group is killed). The .NET runtime's
# diagnostic sockets are turned off (DOTNET_EnableDiagnostics=0) so that $TMPDIR holds only what weipian leaves.
#
# Usage: bench/scripts/bad-inputs.sh [--report FILE] [--only REGEX] [--timeout S] [--keep]
#   --report FILE  write the results table as markdown; when FILE has the markers <!-- bad-inputs:results --> and
#                  <!-- /bad-inputs:results --> only the part between them is replaced (docs/BAD_INPUTS.md)
#   --only REGEX   run only the rows whose id matches (grep -E)
#   --timeout S    seconds before a row counts as a hang (default 20)
#   --keep         keep the work folder (fixtures, each row's stdout/stderr) and print its path
# WEIPIAN_CLI=path/to/weipian.dll uses that build instead of building src/Cli in Release.
# Needs: the .NET 10 SDK, gdal-bin (gdal_translate, gdalinfo, ogrinfo, ogr2ogr), sqlite3, python3 (standard library only).
# Prints one line per row and ends with "N passed, M failed"; the exit code is 1 when any row failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

report="" only="" timeout_s=20 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --report) report=$(realpath -m "$2"); shift 2 ;;
    --only) only=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bad-inputs.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in gdal_translate gdalinfo ogrinfo ogr2ogr sqlite3 python3 sha256sum iconv; do
  command -v "$tool" >/dev/null || { echo "bad-inputs.sh: needs $tool (apt-get install gdal-bin sqlite3 python3)" >&2; exit 2; }
done

if [ -n "${WEIPIAN_CLI:-}" ]; then
  cli=$(realpath "$WEIPIAN_CLI")
else
  dotnet build -c Release src/Cli -v q -nologo >/dev/null || { echo "bad-inputs.sh: the CLI does not build" >&2; exit 2; }
  cli=$repo/src/Cli/bin/Release/net10.0/weipian.dll
fi
model=$repo/tests/Fixtures/models/stacked-change.onnx

work=$(mktemp -d)
if [ "$keep" = 1 ]; then echo "work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
F=$work/f            # the fixture folder every row runs in (its current folder)
pristine=$work/pristine
mkdir -p "$F" "$work/tmp" "$work/rows"

# ---------------------------------------------------------------------------------------------------------------------
# The runner: one command with limits, a timeout and optionally a signal once the command has started its work.
# Prints "exit N", "signal N", "timeout" or "nostop" (did not end within 5 s of the signal), then the seconds.
cat > "$work/run.py" <<'PY'
import os, resource, signal, subprocess, sys, time
timeout, sig, trigger, out, err = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
cmd = sys.argv[6:]
def limits():
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 30, 1 << 30))
start = time.time()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=open(out, "wb"), stderr=open(err, "wb"),
                     preexec_fn=limits, start_new_session=True)
def kill_group():
    try: os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError: pass
verdict = None
if sig != "-":
    # The signal goes once the command has begun its work: after its first stderr output (a progress line) or
    # after a delay in seconds; a command that ends before that is reported as it ended.
    while p.poll() is None and time.time() - start < timeout:
        if trigger == "stderr" and os.path.getsize(err) > 0: break
        if trigger != "stderr" and time.time() - start >= float(trigger): break
        time.sleep(0.02)
    if p.poll() is None and time.time() - start < timeout:
        time.sleep(0.3)
        if p.poll() is None:
            os.kill(p.pid, getattr(signal, "SIG" + sig))
            try: p.wait(5)
            except subprocess.TimeoutExpired:
                kill_group(); p.wait(); verdict = "nostop"
if verdict is None:
    try: p.wait(max(0.1, timeout - (time.time() - start)))
    except subprocess.TimeoutExpired:
        kill_group(); p.wait(); verdict = "timeout"
kill_group()  # children left behind (bench-models runs each model in its own process)
if verdict is None:
    verdict = f"exit {p.returncode}" if p.returncode >= 0 else f"signal {-p.returncode}"
print(verdict, f"{time.time() - start:.1f}")
PY

weipian() { dotnet "$cli" "$@"; }
fail_setup() { echo "bad-inputs.sh: fixture step failed: $*" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------------------------------
echo "== fixtures in $F"
cd "$F"
weipian synth --out s --size 256 --seed 3 >/dev/null || fail_setup "synth s"
weipian synth --out big --size 1536 --seed 5 --no-shapefiles >/dev/null || fail_setup "synth big"
weipian synth --out cl --size 1024 --seed 2 --clouds unflagged --no-shapefiles >/dev/null || fail_setup "synth cl"
rm -f cl/truth.tif cl/truth.gpkg cl/after_clouds.tif
rm -f big/truth.tif big/truth.gpkg
cp s/truth.tif r.tif
weipian detect --before s/before.tif --after s/after.tif --survey s/survey.gpkg --out d.gpkg >/dev/null 2>&1 \
  || fail_setup "detect d.gpkg"
cp d.gpkg existing.gpkg
mkdir outdir && echo "the user's notes" > outdir/notes.txt
mkdir usr && cp s/before.tif usr/before.tif  # a user's image under a name synth writes, and no scene.json
mkdir x.gdb && : > x.gdb/a00000001.gdbtable && : > x.gdb/gdb && echo "the user's notes" > x.gdb/notes.txt
mkdir dir.tif emptyset set && cp -r s set/case1 && rm -rf set/case1/survey_shp
: > empty.tif; : > empty.csv
echo "this is not a GeoTIFF" > text.tif
echo "this is not a GeoPackage" > text.gpkg
echo "this is not an ONNX model" > text.onnx
head -c 4000 s/before.tif > trunc.tif
head -c 60000 s/truth.gpkg > trunc.gpkg
gdal_translate -q -b 1 s/before.tif oneband.tif || fail_setup oneband
gdal_translate -q -srcwin 0 0 200 200 s/after.tif small.tif || fail_setup small
gdal_translate -q -srcwin 0 0 200 200 r.tif rsmall.tif || fail_setup rsmall
gdal_translate -q -tr 1.6 1.6 s/after.tif coarse.tif || fail_setup coarse
gdal_translate -q -tr 1.6 1.6 s/before.tif coarseb.tif || fail_setup coarseb
gdal_translate -q -ot Byte -scale 0 1023 0 255 s/after.tif after8.tif || fail_setup after8
gdal_translate -q -of GPKG r.tif rg.gpkg || fail_setup rg.gpkg
read -r ulx uly lrx lry < <(gdalinfo -json s/after.tif | python3 -c '
import json, sys
c = json.load(sys.stdin)["cornerCoordinates"]
print(c["upperLeft"][0] + 1000, c["upperLeft"][1], c["lowerRight"][0] + 1000, c["lowerRight"][1])')
gdal_translate -q -a_ullr "$ulx" "$uly" "$lrx" "$lry" s/after.tif shifted.tif || fail_setup shifted
gdal_translate -q -ot Float32 -scale 0 4 0.5 4.5 r.tif float.tif || fail_setup float
gdal_translate -q -ot Int16 -scale 0 4 0 400 r.tif wide.tif || fail_setup wide
huge_vrt() { # file bands type
  {
    echo '<VRTDataset rasterXSize="1000000" rasterYSize="1000000">'
    echo '  <SRS>EPSG:4546</SRS>'
    echo '  <GeoTransform>500000, 0.8, 0, 3400000, 0, -0.8</GeoTransform>'
    for b in $(seq 1 "$2"); do echo "  <VRTRasterBand dataType=\"$3\" band=\"$b\"><NoDataValue>0</NoDataValue></VRTRasterBand>"; done
    echo '</VRTDataset>'
  } > "$1"
}
huge_vrt huge.vrt 1 Byte
huge_vrt huge4.vrt 4 UInt16
cat > self.vrt <<'VRT'
<VRTDataset rasterXSize="256" rasterYSize="256">
  <VRTRasterBand dataType="Byte" band="1">
    <SimpleSource><SourceFilename relativeToVRT="1">self.vrt</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>
VRT

for variant in noshx nodbf noprj; do cp -r s/survey_shp "shp_$variant"; done
rm shp_noshx/DLTB.shx shp_nodbf/DLTB.dbf shp_noprj/*.prj
ogr2ogr -f GPKG nodltb.gpkg s/survey.gpkg XZQ YJJBNTTB || fail_setup nodltb
cp s/survey.gpkg badxzq.gpkg
ogrinfo -q badxzq.gpkg -sql "UPDATE XZQ SET XZQDM = CASE WHEN fid % 2 = 1 THEN 'a/b' ELSE 'a_b' END;" >/dev/null || fail_setup badxzq
cp s/survey.gpkg longxzq.gpkg
ogrinfo -q longxzq.gpkg -sql "UPDATE XZQ SET XZQDM = substr(replace(hex(zeroblob(100)), '0', '4'), 1, 200);" >/dev/null || fail_setup longxzq

mkdir cards
card() { # name, then a python expression editing the card dict c (or "raw:TEXT" for the file's text)
  cp "$model" "cards/$1.onnx"
  python3 - "$repo/tests/Fixtures/models/stacked-change.card.json" "cards/$1.card.json" "$2" <<'PY' || fail_setup "card $1"
import json, sys
src, dst, edit = sys.argv[1:]
if edit.startswith("raw:"):
    open(dst, "wb").write(edit[4:].encode("utf-8")); sys.exit()
c = json.load(open(src, encoding="utf-8"))
exec(edit)
open(dst, "w", encoding="utf-8").write(json.dumps(c, ensure_ascii=False, indent=2))
PY
}
card ok 'pass'
card badjson 'raw:{"name": "broken", "input": {'
card tile20000 'c["input"]["tile"] = 20000'
card tile100000 'c["input"]["tile"] = 100000'
card tblx99 'c["classes"][1]["tblx"] = "99"'
card tblxpath 'c["classes"][1]["tblx"] = "../../etc/passwd"'
card latin1 'c["classes"][1]["name"] = "bâtiment"'
iconv -f UTF-8 -t LATIN1 cards/latin1.card.json > cards/latin1.tmp && mv cards/latin1.tmp cards/latin1.card.json

printf 'key,before,after,before_date,after_date\nA,s/before.tif,s/after.tif,20240314,20240527\n' > m.csv
printf 'key,before,after,befor_date,after_date\nA,s/before.tif,s/after.tif,20240314,20240527\n' > m_unknown.csv
printf 'key,before,after,before_date,after_date\n"A,s/before.tif,s/after.tif,20240314,20240527\n' > m_quote.csv
printf 'key,before,after,after,after_date\nA,s/before.tif,s/after.tif,s/after.tif,20240527\n' > m_duphdr.csv
printf 'key,before,after,before_date,after_date\nA,s/before.tif,s/after.tif,20240314,20240527\nB,nosuch.tif,s/after.tif,20240314,20240527\n' > m_noscene.csv
printf 'key,before,after,before_date,after_date\n' > mbig.csv
for k in A B C D E F; do echo "$k,big/before.tif,big/after.tif,20240314,20240527" >> mbig.csv; done
printf 'this,is,not\na,judgements,file\n' > j_bad.csv
mkdir -p notbatch/tmp && echo "the user's notes" > notbatch/notes.txt && echo keep > notbatch/tmp/keep.txt \
  && echo keep > notbatch/.x.partial-1234
weipian reprocess --manifest m.csv --survey s/survey.gpkg --model "$model" --out batch_ok >/dev/null 2>&1 \
  || fail_setup "reprocess batch_ok"
cp -a batch_ok batch_trunc && head -c 1500 batch_ok/journal.sqlite > batch_trunc/journal.sqlite
cp -a batch_ok batch_garbage && echo "this is not a journal" > batch_garbage/journal.sqlite
cp -a "$F/." "$pristine/"
cd "$work"

manifest() { # every folder, link and file (with its sha256) under $F
  [ -d "$F" ] || { echo "x the fixture folder itself is no longer a folder"; return; }
  (cd "$F" && {
    find . -mindepth 1 -type d -printf 'd %p\n'
    find . -mindepth 1 -type l -printf 'l %p -> %l\n'
    find . -type f -print0 | xargs -0 -r sha256sum | sed 's/^\([0-9a-f]*\)  /f \1 /'
  } | LC_ALL=C sort)
}
manifest > "$work/before.txt"
echo "$(grep -c '^f ' "$work/before.txt") fixture files, $(du -sh "$F" | cut -f1)"

# ---------------------------------------------------------------------------------------------------------------------
# The table. row ID EXPECTED-EXIT PATTERN 'ARGS' [key=value ...]
#   PATTERN  extended regex the "weipian:" line must match (the file or option it names)
#   ARGS     the weipian arguments, as typed in a shell, run in the fixture folder
#   keys     timeout=S; signal=INT|TERM, sent after the first stderr output (a progress line) or trigger=SECONDS
#            after the start; allow=GLOB (new paths that may stay,
#            e.g. a resumable batch folder); check='shell test run in the fixture folder afterwards'; control=1 (a
#            good run: exit 0, its outputs may stay, stderr not checked); lines=2 (a line saying what the command waits
#            for may come before the message)
ids=() rcs=() pats=() cmds=() opts=()
row() { ids+=("$1"); rcs+=("$2"); pats+=("$3"); cmds+=("$4"); shift 4; opts+=("$(printf '%q ' "$@")"); }

D='--before s/before.tif --after s/after.tif --survey s/survey.gpkg'
P='--polygons d.gpkg --image s/after.tif --reference s/before.tif'
B='--survey s/survey.gpkg'
M="--model $model"

# info
row info-missing       2 "missing\.tif"      'info missing.tif'
row info-empty         2 "empty\.tif"        'info empty.tif'
row info-text          2 "text\.tif"         'info text.tif'
row info-folder        2 "dir\.tif"          'info dir.tif'
row info-self-vrt      2 "self\.vrt"         'info self.vrt'
row info-trunc-gpkg    2 "trunc\.gpkg"       'info trunc.gpkg'
row info-no-args       2 "files|argument"    'info'
row info-unknown-opt   2 "--bogus"           'info --bogus s/before.tif'
# synth
row synth-size-0       2 "--size"            'synth --out n1 --size 0'
row synth-size-neg     2 "--size"            'synth --out n1 --size -5'
row synth-size-text    2 "--size"            'synth --out n1 --size abc'
row synth-size-huge    2 "--size"            'synth --out n1 --size 3000000'
row synth-height-0     2 "--height"          'synth --out n1 --size 64 --height 0'
row synth-gsd-nan      2 "--gsd"             'synth --out n1 --size 64 --gsd NaN'
row synth-gsd-0        2 "--gsd"             'synth --out n1 --size 64 --gsd 0'
row synth-gsd-neg      2 "--gsd"             'synth --out n1 --size 64 --gsd -1'
row synth-changes-1e9  2 "--changes-per-km2" 'synth --out n1 --size 64 --changes-per-km2 1e9'
row synth-changes-neg  2 "--changes-per-km2" 'synth --out n1 --size 64 --changes-per-km2 -1'
row synth-epsg-bad     2 "--epsg"            'synth --out n1 --size 64 --epsg 99999'
row synth-out-user-files 2 "usr.*before\.tif" 'synth --out usr --size 64'
row synth-out-file     2 "before\.tif"       'synth --out s/before.tif --size 64'
# detect: files
row detect-before-missing 2 "missing\.tif"   'detect --before missing.tif --after s/after.tif --survey s/survey.gpkg --out o.gpkg'
row detect-before-empty   2 "empty\.tif"     'detect --before empty.tif --after s/after.tif --survey s/survey.gpkg --out o.gpkg'
row detect-before-text    2 "text\.tif"      'detect --before text.tif --after s/after.tif --survey s/survey.gpkg --out o.gpkg'
row detect-before-trunc   2 "trunc\.tif"     'detect --before trunc.tif --after s/after.tif --survey s/survey.gpkg --out existing.gpkg'
row detect-before-folder  2 "dir\.tif"       'detect --before dir.tif --after s/after.tif --survey s/survey.gpkg --out o.gpkg'
row detect-one-band       2 "oneband\.tif"   'detect --before oneband.tif --after s/after.tif --survey s/survey.gpkg --out o.gpkg'
row detect-grid-shifted   2 "shifted\.tif"   'detect --before s/before.tif --after shifted.tif --survey s/survey.gpkg --out o.gpkg'
row detect-grid-pixel     2 "coarse\.tif"    'detect --before s/before.tif --after coarse.tif --survey s/survey.gpkg --out o.gpkg'
row detect-huge-raster    2 "huge4\.vrt|pixels" 'detect --before huge4.vrt --after huge4.vrt --survey s/survey.gpkg --out o.gpkg'
row detect-survey-missing 2 "missing\.gpkg"  "detect --before s/before.tif --after s/after.tif --survey missing.gpkg --out o.gpkg"
row detect-survey-text    2 "text\.gpkg"     "detect --before s/before.tif --after s/after.tif --survey text.gpkg --out o.gpkg"
row detect-survey-no-dltb 2 "nodltb\.gpkg.*DLTB|DLTB.*nodltb\.gpkg" "detect --before s/before.tif --after s/after.tif --survey nodltb.gpkg --out o.gpkg"
row detect-shp-no-shx     2 "DLTB\.shx|\.shx" "detect --before s/before.tif --after s/after.tif --survey shp_noshx --out o.gpkg"
row detect-shp-no-dbf     2 "DLTB\.dbf|\.dbf" "detect --before s/before.tif --after s/after.tif --survey shp_nodbf --out o.gpkg"
row detect-shp-no-prj     2 "\.prj|CRS"      "detect --before s/before.tif --after s/after.tif --survey shp_noprj --out o.gpkg"
row detect-xzqdm-collide  2 "XZQDM"          "detect --before s/before.tif --after s/after.tif --survey badxzq.gpkg --out o.gpkg --split-by county"
row detect-xzqdm-long     2 "XZQDM"          "detect --before s/before.tif --after s/after.tif --survey longxzq.gpkg --out o.gpkg --split-by county"
# detect: models and cards
row detect-model-missing  2 "missing\.onnx"  "detect $D --out o.gpkg --model missing.onnx"
row detect-model-text     2 "text\.onnx"     "detect $D --out o.gpkg --model text.onnx"
row detect-model-name     2 "nosuchmodel"    "detect $D --out o.gpkg --model nosuchmodel"
row detect-card-bad-json  2 "badjson\.card\.json" "detect $D --out o.gpkg --model cards/badjson.onnx"
row detect-card-latin1    2 "latin1\.card\.json"  "detect $D --out o.gpkg --model cards/latin1.onnx"
row detect-card-tile-20k  2 "tile"           "detect $D --out o.gpkg --model cards/tile20000.onnx"
row detect-card-tile-100k 2 "tile"           "detect $D --out o.gpkg --model cards/tile100000.onnx"
row detect-card-tblx-99   2 "TBLX|tblx"      "detect $D --out o.gpkg --model cards/tblx99.onnx"
row detect-card-tblx-path 2 "TBLX|tblx"      "detect $D --out o.gpkg --model cards/tblxpath.onnx"
# detect: options
row detect-tile-30000     2 "--tile"         "detect $D --out o.gpkg --model $model --tile 30000"
row detect-tile-neg       2 "--tile"         "detect $D --out o.gpkg --tile -1"
row detect-tile-text      2 "--tile"         "detect $D --out o.gpkg --tile abc"
row detect-halo-neg       2 "--halo"         "detect $D --out o.gpkg --halo -3"
row detect-threads-100k   2 "--threads"      "detect $D --out o.gpkg --threads 100000"
row detect-threads-neg    2 "--threads"      "detect $D --out o.gpkg --threads -1"
row detect-lanes-neg      2 "--lanes"        "detect $D --out o.gpkg --lanes -2"
row detect-batch-neg      2 "--batch"        "detect $D --out o.gpkg --batch -1"
row detect-bands-unknown  2 "--bands"        "detect $D --out o.gpkg --bands B,G,X,NIR"
row detect-bands-count    2 "--bands"        "detect $D --out o.gpkg --bands B,G,R"
row detect-date-bad       2 "--before-date"  "detect $D --out o.gpkg --before-date 20241345"
row detect-simplify-neg   2 "--simplify"     "detect $D --out o.gpkg --simplify -1"
row detect-simplify-nan   2 "--simplify"     "detect $D --out o.gpkg --simplify NaN"
row detect-split-by-bad   2 "--split-by"     "detect $D --out o.gpkg --split-by town"
row detect-device-bad     2 "--device"       "detect $D --out o.gpkg --device tpu"
row detect-encoding-bad   2 "--encoding"     "detect $D --out o.shp --encoding KOI9"
row detect-missing-out    2 "--out"          "detect $D"
# detect: data the model would misread, refused naming the option that makes it fit
row detect-after-8bit     2 "after8\.tif.*--radiometry" "detect --before s/before.tif --after after8.tif --survey s/survey.gpkg --out o.gpkg"
row detect-gsd-model      2 "coarseb\.tif.*--resample-to-model" "detect --before coarseb.tif --after coarse.tif --survey s/survey.gpkg --out o.gpkg"
row detect-clouds-unsaid  2 "cl/after\.tif.*--clouds" "detect --before cl/before.tif --after cl/after.tif --survey cl/survey.gpkg --out o.gpkg"
# detect: outputs
row detect-out-ext-xyz    2 "o\.xyz"         "detect $D --out o.xyz"
row detect-out-ext-tif    2 "o\.tif"         "detect $D --out o.tif"
row detect-out-is-survey  2 "survey\.gpkg"   "detect $D --out s/survey.gpkg"
row detect-out-is-before  2 "before\.tif"    "detect $D --out s/before.tif"
row detect-classr-before  2 "before\.tif"    "detect $D --out o.gpkg --class-raster s/before.tif"
row detect-out-is-mask    2 "truth\.gpkg"    "detect $D --mask-after s/truth.gpkg --out s/truth.gpkg"
row detect-classr-is-mask 2 "truth\.tif"     "detect $D --out o.gpkg --mask-before s/truth.tif --class-raster s/truth.tif"
row detect-out-is-card    2 "ok\.card\.json" "detect $D $M --card cards/ok.card.json --out cards/ok.card.json"
row detect-out-folder     2 "outdir"         "detect $D --out outdir"
row detect-out-dot        2 "folder|directory|'\.'" "detect $D --out ."
row detect-classr-folder  2 "outdir"         "detect $D --out o.gpkg --class-raster outdir"
row detect-out-new-folder 0 ""               "detect $D --out nodir/o.gpkg" control=1 check='[ -f nodir/o.gpkg ]' allow='./nodir*' 
row detect-chips-file     2 "before\.tif|--chips" "detect $D --out o.gpkg --chips s/before.tif"
# polygonize
row poly-missing          2 "missing\.tif"   'polygonize missing.tif o.gpkg'
row poly-text             2 "text\.tif"      'polygonize text.tif o.gpkg'
row poly-self-vrt         2 "self\.vrt"      'polygonize self.vrt o.gpkg'
row poly-in-is-out        2 "r\.tif"         'polygonize r.tif r.tif'
row poly-in-is-out-gpkg   2 "rg\.gpkg"       'polygonize rg.gpkg rg.gpkg'
row poly-out-folder       2 "outdir"         'polygonize r.tif outdir'
row poly-out-gdb-notes    2 "x\.gdb"         'polygonize r.tif x.gdb'
row poly-out-dot          2 "folder|directory|'\.'" 'polygonize r.tif .'
row poly-out-ext-xyz      2 "o\.xyz"         'polygonize r.tif o.xyz'
row poly-band-2           2 "--band"         'polygonize r.tif o.gpkg --band 2'
row poly-band-0           2 "--band"         'polygonize r.tif o.gpkg --band 0'
row poly-connectivity-6   2 "--connectivity" 'polygonize r.tif o.gpkg --connectivity 6'
row poly-format-kml       2 "--format"       'polygonize r.tif o.gpkg --format KML'
row poly-float-values     2 "float\.tif"     'polygonize float.tif o.gpkg'
row poly-values-over-255  2 "wide\.tif"      'polygonize wide.tif o.gpkg'
row poly-huge-raster      2 "huge\.vrt|pixels" 'polygonize huge.vrt o.gpkg'
row poly-missing-out      2 "out|argument"   'polygonize r.tif'
row poly-existing-kept    2 "missing\.tif"   'polygonize missing.tif existing.gpkg'
# eval
row eval-truth-missing    2 "missing\.tif"   'eval --truth missing.tif --pred r.tif'
row eval-pred-text        2 "text\.tif"      'eval --truth s/truth.tif --pred text.tif'
row eval-grid-size        2 "rsmall\.tif"    'eval --truth s/truth.tif --pred rsmall.tif'
row eval-class-out-range  2 "before\.tif"    'eval --truth s/truth.tif --pred s/before.tif'
row eval-classes-1e9      2 "--classes"      'eval --truth s/truth.tif --pred r.tif --classes 1000000000'
row eval-classes-0        2 "--classes"      'eval --truth s/truth.tif --pred r.tif --classes 0'
row eval-area-0           2 "--area-km2"     'eval --truth s/truth.tif --pred r.tif --area-km2 0'
row eval-area-neg         2 "--area-km2"     'eval --truth s/truth.tif --pred r.tif --area-km2 -1'
row eval-where-field      2 "nosuchfield|--truth-where" 'eval --truth s/truth.gpkg --pred d.gpkg --truth-where "nosuchfield = 1"'
row eval-truth-gpkg-text  2 "text\.gpkg"     'eval --truth text.gpkg --pred d.gpkg'
# bench-models
row bench-set-missing     2 "nosuchset"      'bench-models --models spectral-v1 --set nosuchset'
row bench-set-empty       2 "emptyset"       'bench-models --models spectral-v1 --set emptyset'
row bench-model-missing   2 "missing\.onnx"  'bench-models --models missing.onnx --set set'
row bench-max-drop-neg    2 "--max-drop"     'bench-models --models spectral-v1 --set set --max-drop -1'
row bench-max-drop-nan    2 "--max-drop"     'bench-models --models spectral-v1 --set set --max-drop NaN'
row bench-fp17            2 "fp17"           'bench-models --models spectral-v1:fp17 --set set'
row bench-out-file        2 "before\.tif"    'bench-models --models spectral-v1 --set set --out s/before.tif'
row bench-threads-neg     2 "--threads"      'bench-models --models spectral-v1 --set set --threads -4'
# reprocess
row repro-manifest-missing 2 "missing\.csv"  "reprocess --manifest missing.csv $B $M --out b1"
row repro-manifest-empty  2 "empty\.csv"     "reprocess --manifest empty.csv $B $M --out b1"
row repro-unknown-column  2 "befor_date"     "reprocess --manifest m_unknown.csv $B $M --out b1"
row repro-open-quote      2 "m_quote\.csv"   "reprocess --manifest m_quote.csv $B $M --out b1"
row repro-dup-header      2 "m_duphdr\.csv.*after|after.*m_duphdr\.csv" "reprocess --manifest m_duphdr.csv $B $M --out b1"
row repro-scene-missing   2 "nosuch\.tif"    "reprocess --manifest m_noscene.csv $B $M --out b1"
row repro-out-not-batch   2 "notbatch"       "reprocess --manifest m.csv $B $M --out notbatch"
row repro-out-file        2 "before\.tif"    "reprocess --manifest m.csv $B $M --out s/before.tif"
row repro-journal-trunc   2 "journal\.sqlite" "reprocess --manifest m.csv $B $M --out batch_trunc"
row repro-journal-garbage 2 "journal\.sqlite" "reprocess --manifest m.csv $B $M --out batch_garbage"
row repro-previous-text   2 "text\.gpkg"     "reprocess --manifest m.csv $B $M --out b1 --previous text.gpkg"
row repro-previous-nojcbh 2 "truth\.gpkg|JCBH|tuban" "reprocess --manifest m.csv $B $M --out b1 --previous s/truth.gpkg"
row repro-previous-in-out 2 "batch_ok.*tuban\.gpkg|tuban\.gpkg.*batch_ok" "reprocess --manifest m.csv $B $M --out batch_ok --previous batch_ok/tuban.gpkg"
row repro-judgements-bad  2 "j_bad\.csv"     "reprocess --manifest m.csv $B $M --out b1 --judgements j_bad.csv"
row repro-survey-no-prj   2 "\.prj|CRS"      "reprocess --manifest m.csv --survey shp_noprj $M --out b1"
row repro-epsg-bad        2 "--epsg"         "reprocess --manifest m.csv $B $M --out b1 --epsg 99999"
row repro-workers-0       2 "--workers"      "reprocess --manifest m.csv $B $M --out b1 --workers 0"
row repro-merge-overlap-5 2 "--merge-overlap" "reprocess --manifest m.csv $B $M --out b1 --merge-overlap 5"
row repro-merge-overlap-nan 2 "--merge-overlap" "reprocess --manifest m.csv $B $M --out b1 --merge-overlap NaN"
row repro-link-overlap-neg 2 "--link-overlap" "reprocess --manifest m.csv $B $M --out b1 --link-overlap -1"
row repro-threads-100k    2 "--threads"      "reprocess --manifest m.csv $B $M --out b1 --threads 100000"
row repro-cluster-bad     2 "--cluster|nosuchstore"      "reprocess --manifest m.csv $B $M --out b1 --cluster nosuchstore:x"
row repro-attach-no-silo  2 "attach|silo|cluster" "reprocess --cluster localhost:39999 --attach nosuchbatch" timeout=45 lines=2
# recheck
row recheck-polygons-missing 2 "missing\.gpkg" 'recheck --polygons missing.gpkg --image s/after.tif --reference s/before.tif --out rc.gpkg'
row recheck-id-field      2 "nosuchfield|--id-field" "recheck $P --out rc.gpkg --id-field nosuchfield"
row recheck-image-text    2 "text\.tif"      'recheck --polygons d.gpkg --image text.tif --reference s/before.tif --out rc.gpkg'
row recheck-ref-shifted   2 "shifted\.tif"   'recheck --polygons d.gpkg --image s/after.tif --reference shifted.tif --out rc.gpkg'
row recheck-image-1band   2 "oneband\.tif"   'recheck --polygons d.gpkg --image oneband.tif --reference s/before.tif --out rc.gpkg'
row recheck-out-is-input  2 "d\.gpkg"        "recheck $P --out d.gpkg"
row recheck-out-folder    2 "outdir"         "recheck $P --out outdir"
row recheck-obscured-2    2 "--max-obscured" "recheck $P --out rc.gpkg --max-obscured 2"
row recheck-margin-neg    2 "--margin"       "recheck $P --out rc.gpkg --margin -5"
row recheck-inverted      2 "--restored-max|--not-restored-min" "recheck $P --out rc.gpkg --restored-max 0.9 --not-restored-min 0.1"
row recheck-layer-missing 2 "nosuchlayer"    "recheck $P --out rc.gpkg --layer nosuchlayer"
row recheck-date-bad      2 "--newest-date"  "recheck $P --out rc.gpkg --newest-date 20241345"
# signals: cancel cleanly, exit 130/143 within 5 s, nothing partial left
# fusion-unet-v1, not the default spectral-v1: it takes seconds on big/, so the signal comes while the tiles run.
row signal-detect-int     130 "SIGINT|cancel|interrupt"       'detect --before big/before.tif --after big/after.tif --survey big/survey.gpkg --model fusion-unet-v1 --out o.gpkg --class-raster c.tif' signal=INT
row signal-detect-term    143 "SIGTERM|cancel|terminat"       'detect --before big/before.tif --after big/after.tif --survey big/survey.gpkg --model fusion-unet-v1 --out o.gpkg' signal=TERM
row signal-synth-int      130 "SIGINT|cancel|interrupt"       'synth --out n1 --size 4096 --seed 9' signal=INT trigger=1.5
row signal-repro-int      130 "SIGINT|cancel|interrupt"       "reprocess --manifest mbig.csv --survey big/survey.gpkg $M --out b1" signal=INT allow='./b1*' \
  check='test "$(sqlite3 b1/journal.sqlite "SELECT count(*) FROM scenes WHERE state = '"'running'"'")" = 0'
# a run killed with SIGKILL leaves partials owned by a dead process: the next run of the same output removes them and
# says so (exit 0; the output may stay, no partial may)
row stale-partial-detect  0 "partial|temporary|left over|leftover|stale" 'detect --before big/before.tif --after big/after.tif --survey big/survey.gpkg --model fusion-unet-v1 --out o.gpkg' rerun=1 allow='./o.gpkg'
# controls: the same commands on good inputs work
row control-detect        0 ""               "detect $D --out o.gpkg --class-raster c.tif" control=1
row control-detect-card   0 ""               "detect $D --out o.gpkg --model cards/ok.onnx" control=1
row control-detect-clouds 0 ""               "detect --before cl/before.tif --after cl/after.tif --survey cl/survey.gpkg --out o.gpkg --clouds" control=1
row control-polygonize    0 ""               'polygonize r.tif o.gpkg' control=1
row control-eval          0 ""               'eval --truth s/truth.tif --pred r.tif' control=1
row control-recheck       0 ""               "recheck $P --out rc.gpkg" control=1
row control-reprocess     0 ""               "reprocess --manifest m.csv $B $M --out b1" control=1
row control-bench         0 ""               'bench-models --models spectral-v1 --set set --out bm' control=1
row control-synth         0 ""               'synth --out n1 --size 64' control=1

# ---------------------------------------------------------------------------------------------------------------------
trace_re='^[[:space:]]+at |Exception|\(Parameter |Actual value was|Unhandled|Out of memory'
partial_re='\.partial-|-journal$|-wal$|-shm$|/tmp/'
results=() pass=0 failed=0 n=0
restore() { rm -rf "$F" && cp -a "$pristine" "$F"; }
md_cell() { printf '%s' "$1" | sed 's/|/\\|/g; s/`/'"'"'/g'; }

echo "== rows"
for i in "${!ids[@]}"; do
  id=${ids[$i]} want=${rcs[$i]} pat=${pats[$i]} args=${cmds[$i]}
  [ -n "$only" ] && ! grep -Eq -- "$only" <<< "$id" && continue
  n=$((n + 1))
  timeout_row=$timeout_s sig=- trigger=stderr allow="" check="" control=0 rerun=0 max_lines=1
  eval "local_opts=(${opts[$i]})"
  for kv in "${local_opts[@]}"; do
    case "$kv" in
      timeout=*) timeout_row=${kv#timeout=} ;; signal=*) sig=${kv#signal=} ;; trigger=*) trigger=${kv#trigger=} ;;
      allow=*) allow=${kv#allow=} ;;
      check=*) check=${kv#check=} ;; control=*) control=${kv#control=} ;; rerun=*) rerun=${kv#rerun=} ;;
      lines=*) max_lines=${kv#lines=} ;;
    esac
  done
  out=$work/rows/$id.out err=$work/rows/$id.err
  eval "argv=($args)"
  if [ "$rerun" = 1 ]; then  # first the same command killed with SIGKILL once it has begun, leaving its partials
    (cd "$F" && TMPDIR=$work/tmp DOTNET_EnableDiagnostics=0 DOTNET_GCHeapHardLimit=0x40000000 \
      python3 "$work/run.py" "$timeout_row" KILL stderr "$out" "$err" dotnet "$cli" "${argv[@]}" >/dev/null)
    [[ "$(ls -A "$F")" == *partial* ]] || echo "  ($id: the killed run left no partial file; the rerun proves less)"
  fi
  got=$(cd "$F" && TMPDIR=$work/tmp DOTNET_EnableDiagnostics=0 DOTNET_GCHeapHardLimit=0x40000000 \
        python3 "$work/run.py" "$timeout_row" "$sig" "$trigger" "$out" "$err" dotnet "$cli" "${argv[@]}")
  verdict=${got% *} secs=${got##* }
  why=()
  case "$verdict" in
    timeout) why+=("hang: no end within ${timeout_row} s (killed)") ;;
    nostop) why+=("did not stop within 5 s of SIG$sig (killed)") ;;
    "exit $want") ;;
    *) why+=("$verdict, want exit $want") ;;
  esac
  mapfile -t lines < <(grep -v '^[[:space:]]*$' "$err")
  first=${lines[0]:-}
  if [ "$control" != 1 ]; then
    if [ "$sig" != - ] || [ "$rerun" = 1 ]; then  # progress lines are fine: one line must be the message
      [ "${#lines[@]}" -gt 0 ] && first=$(printf '%s\n' "${lines[@]}" | grep -E -m1 -e "^weipian( [a-z-]+)?: .*($pat)" || echo "${lines[${#lines[@]}-1]}")
      msg_lines=1
    elif [ "$max_lines" -gt 1 ] && [ "${#lines[@]}" -le "$max_lines" ]; then  # the message is the last line
      first=${lines[${#lines[@]}-1]}
      msg_lines=1
    else
      msg_lines=${#lines[@]}
      [ "$msg_lines" = 2 ] && grep -q -- '--help' <<< "${lines[1]}" && msg_lines=1
    fi
    if [ "${#lines[@]}" = 0 ]; then why+=("stderr empty")
    else
      grep -Eq '^weipian( [a-z-]+)?: ' <<< "$first" || why+=("stderr line does not start with 'weipian:'")
      [ "$msg_lines" = 1 ] || why+=("stderr has ${#lines[@]} lines")
      grep -Eq -e "$pat" <<< "$first" || why+=("message does not name /$pat/")
    fi
    internal=$(cat "$out" "$err" | grep -Eo -m1 -e "($trace_re).{0,40}" | head -1)
    [ -n "$internal" ] && why+=("stack trace or internal names: $internal")
  fi
  if [ -n "$check" ] && ! (cd "$F" && eval "$check") >/dev/null 2>&1; then why+=("check failed: $check"); fi
  manifest > "$work/after.txt"
  if grep -q '^x ' "$work/after.txt"; then
    why+=("the fixture folder was deleted or replaced by a file")
    restore
  elif ! cmp -s "$work/before.txt" "$work/after.txt"; then
    gone=$(comm -23 "$work/before.txt" "$work/after.txt" | awk '{print $NF}' | sort -u)
    new=$(comm -13 "$work/before.txt" "$work/after.txt" | awk '{print ($1 == "l" ? $2 : $NF)}' | sort -u)
    changed=$(comm -12 <(echo "$gone") <(echo "$new") | grep -v '^$')
    deleted=$(comm -23 <(echo "$gone") <(echo "$new") | grep -v '^$')
    added=$(comm -13 <(echo "$gone") <(echo "$new") | grep -v '^$')
    [ -n "$changed" ] && why+=("changed: $(echo $changed | cut -c1-120)")
    [ -n "$deleted" ] && why+=("deleted: $(echo $deleted | cut -c1-120)")
    if [ -n "$added" ]; then
      temp=$(grep -E -- "$partial_re" <<< "$added")
      kept=$(grep -Ev -- "$partial_re" <<< "$added")
      if [ "$control" != 1 ] && [ -n "$allow" ]; then
        kept=$(while read -r p; do [ -n "$p" ] && [[ "$p" != $allow ]] && echo "$p"; done <<< "$kept")
      fi
      [ -n "$temp" ] && why+=("temp files left: $(echo $temp | cut -c1-120)")
      [ "$control" != 1 ] && [ -n "$kept" ] && why+=("written: $(echo $kept | cut -c1-120)")
    fi
    restore
  fi
  # .ses is ONNX Runtime's telemetry session file: one fixed name, rewritten by every process that loads it
  if [ -n "$(ls -A "$work/tmp" | grep -vx '\.ses')" ]; then
    why+=("left in \$TMPDIR: $(ls -A "$work/tmp" | grep -vx '\.ses' | head -3 | tr '\n' ' ')")
  fi
  rm -rf "${work:?}/tmp" && mkdir "$work/tmp"
  if [ ${#why[@]} = 0 ]; then result=pass; pass=$((pass + 1)); else result=FAIL; failed=$((failed + 1)); fi
  reason=$(IFS=';'; echo "${why[*]:-}" | sed 's/;/; /g')
  shown=$(cut -c1-160 <<< "$first")
  printf '%-26s %-4s %-12s %5ss  %s\n' "$id" "$result" "$verdict" "$secs" "${reason:-$shown}"
  want_text="exit $want"; [ "$sig" != - ] && want_text="SIG$sig → exit $want"
  [ "$control" = 1 ] || want_text="$want_text, /$pat/"
  results+=("| $id | \`weipian $(md_cell "$args" | sed "s#$model#stacked-change.onnx#g")\` | $(md_cell "$want_text") | $(md_cell "$verdict") | $result | $(md_cell "${reason:-}") | $(md_cell "$shown") |")
done
summary="$pass passed, $failed failed"

if [ -n "$report" ]; then
  table=$(
    echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on commit $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- src || echo ' (with local changes)'): $summary."
    echo
    echo "| row | command | expected | got | result | why it failed | first stderr line |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${results[@]}"
  )
  if [ -f "$report" ] && grep -q '<!-- bad-inputs:results -->' "$report"; then
    python3 - "$report" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
text = re.sub(r"(<!-- bad-inputs:results -->\n).*?(<!-- /bad-inputs:results -->)",
              lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
open(path, "w", encoding="utf-8").write(text)
PY
  else
    printf '%s\n' "$table" > "$report"
  fi
  echo "report: $report"
fi
echo "$summary"
[ "$failed" = 0 ]
