#!/usr/bin/env bash
# Issue 16 §3: rgb-unet-v1 on held-out synthesised RGB pairs, 8-bit and 16-bit, and on a real RGBN pair (NAIP).
# Seeds 1300-1303 and 1310-1313 (change) and 1350, 1360 (nuisance change only) are never used in training (make.sh uses
# 4000-4007). Each case is synthesised at 1024² and cut to a 3-band R,G,B file per date (the order delivered
# orthophotos come in; the model binds bands by role), the after date through GF-2's, GF-1's or an aerial camera's
# response, clouds flagged, painted or absent. `weipian bench-models rgb-unet-v1` scores each set (objects on farmland,
# found when half covered; the card's percentile radiometry). Target (issue 16): recall >= 0.9, precision >= 0.8 per
# bit depth. Then `weipian detect` on NAIP 2009 -> 2020 (8-bit R,G,B,NIR at 5 m; --resample-to-model to the card's
# 0.8 m, --align): the polygon count only, no accuracy claim (no truth exists for it).
#
#   bench/scripts/rgb-unet.sh            # work files in $WORK (default out/rgb-unet-bench); NAIP=0 skips the real pair
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${WORK:-out/rgb-unet-bench} model=${MODEL:-rgb-unet-v1}
dotnet build src/Cli -c Release --nologo -v q >/dev/null
cli=(dotnet "$PWD/src/Cli/bin/Release/net10.0/weipian.dll")

# case seed bits after-sensor clouds changes-per-km2
case8=("c1300 1300 8 native Flagged 25" "c1301 1301 8 gf1 Unflagged 25" "c1302 1302 8 aerial None 25"
  "c1303 1303 8 native Unflagged 25" "n1350 1350 8 gf1 Unflagged 0")
case16=("c1310 1310 16 native Flagged 25" "c1311 1311 16 gf1 Unflagged 25" "c1312 1312 16 aerial None 25"
  "c1313 1313 16 native Unflagged 25" "n1360 1360 16 aerial Unflagged 0")

make_set() {
  local set=$1; shift
  for spec in "$@"; do
    read -r name seed bits sensor clouds density <<<"$spec"
    local d=$set/$name
    [[ -f $d/truth.gpkg ]] && continue
    "${cli[@]}" synth --out "$d" --size 1024 --seed "$seed" --bit-depth "$bits" --after-sensor "$sensor" --clouds "$clouds" \
      --changes-per-km2 "$density" --no-shapefiles >/dev/null
    for date in before after; do
      gdal_translate -q -b 3 -b 2 -b 1 -colorinterp red,green,blue "$d/$date.tif" "$d/$date.rgb.tif"
      mv "$d/$date.rgb.tif" "$d/$date.tif"
    done
  done
}

t0=$SECONDS
make_set "$work/set8" "${case8[@]}"
make_set "$work/set16" "${case16[@]}"
echo "held-out sets: $((SECONDS - t0)) s"
echo "| set | true objects found / true | recall | predictions on true change / predicted | precision | false alarms / km² | mean change F1 (px) | s |"
echo "|---|---|---|---|---|---|---|---|"
for bits in 8 16; do
  t0=$SECONDS
  "${cli[@]}" bench-models --models "$model" --set "$work/set$bits" --threads 2 --out "$work/report$bits" >/dev/null 2>&1
  /usr/bin/python3 - "$work/report$bits/report.json" "$bits" $((SECONDS - t0)) <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))[0]
o, c = s["objects"], s["confusion"]
false_alarms = (o["predicted"] - o["matched"]) / o["areaKm2"]
f1 = [2 * c[k][k] / (sum(c[k]) + sum(r[k] for r in c)) for k in range(1, len(c)) if sum(c[k])]
print(f"| {sys.argv[2]}-bit R,G,B, {s['cases']} cases | {o['found']}/{o['truth']} | {o['found'] / o['truth']:.3f} | {o['matched']}/{o['predicted']} | "
      f"{o['matched'] / o['predicted'] if o['predicted'] else float('nan'):.3f} | {false_alarms:.2f} | {sum(f1) / len(f1):.3f} | {sys.argv[3]} |")
EOF
done

[[ ${NAIP:-1} == 1 ]] || exit 0
naip=../shared/data/real/naip-4dates
mkdir -p "$work/naip"
t0=$SECONDS
"${cli[@]}" detect --before "$naip/m_4709963_se_14_1_20090818.tif" --after "$naip/m_4709963_se_14_1_20200831.tif" --model "$model" \
  --align --resample-to-model --bands R,G,B,NIR --all-land --threads 2 --out "$work/naip/tuban.gpkg" >"$work/naip/stdout" 2>"$work/naip/stderr"
echo "NAIP 2009 -> 2020 ($model, card radiometry, --align --resample-to-model --all-land): $(sed -n 's/^wrote \([0-9]*\) polygon.*/\1/p' "$work/naip/stdout") polygons in $((SECONDS - t0)) s"
grep -E "^scaling|^resampl|^co-registration" "$work/naip/stdout" "$work/naip/stderr" | head -3 || true
