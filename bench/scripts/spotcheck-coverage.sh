#!/usr/bin/env bash
# The quarterly spot check (季核) measured against planted truth (issue 20, "done when").
#
# `weipian synth --recheck` draws a size x size scene with its third date; `weipian synth-verdicts` makes the two
# counties' verdicts on its planted changes: the first reports 20 % of its polygons as false change (伪变化), the
# second reports its demolished-not-farmed changes (rubble) as rectified (已整改); verdicts_counties.csv holds each
# county's planted authenticity over the verdicts imagery can check. Then `weipian spotcheck` runs:
#   1. once on every verdict (--sample 100%): each planted false verdict that imagery can see must come out doubtful
#      (and how many honest ones are called doubtful is counted);
#   2. once per sampling seed 1..seeds at --sample share: the planted false verdicts the sample drew that imagery can
#      see must all be doubtful, and each county's planted authenticity must lie within its stated interval in at
#      least 90 % of (seed, county) pairs;
#   3. seed 1 again: the same sample (strata.csv, authenticity.csv and sample.gpkg's rows identical).
#
# Usage: bench/scripts/spotcheck-coverage.sh [size=2048] [seeds=25] [share=30%] [scene-seed=41] [changes-per-km2=60]
# Needs: the .NET 10 SDK, python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-2048}
seeds=${2:-25}
share=${3:-30%}
scene_seed=${4:-41}
density=${5:-60}
dotnet build -c Release src/Cli -v q -nologo >/dev/null
cli=$(realpath src/Cli/bin/Release/net10.0/weipian.dll)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
start=$(date +%s)
dotnet "$cli" synth --out s --size "$size" --seed "$scene_seed" --changes-per-km2 "$density" --no-shapefiles --recheck | tail -1
dotnet "$cli" synth-verdicts --scene s --seed 1
spot() { # seed sample out
  dotnet "$cli" spotcheck --reported s/verdicts.csv --polygons s/recheck_truth.gpkg --image s/newest.tif --reference s/before.tif \
    --sample "$2" --seed "$1" --threads 2 --out "$3" >/dev/null 2>"$3.err" || { cat "$3.err" >&2; exit 1; }
}
spot 1 100% census
for seed in $(seq 1 "$seeds"); do spot "$seed" "$share" "run$seed"; done
spot 1 "$share" again1
python3 - "$seeds" "$share" <<'PY'
import csv, sqlite3, sys
seeds, share = int(sys.argv[1]), sys.argv[2]
truth = {r["JCBH"]: r for r in csv.DictReader(open("s/verdicts_truth.csv", encoding="utf-8"))}
planted = {r["XZQDM"]: r for r in csv.DictReader(open("s/verdicts_counties.csv", encoding="utf-8"))}
def sample(d):
    con = sqlite3.connect(f"{d}/sample.gpkg")
    rows = con.execute("select JCBH, XZQDM, PDLX, stratum, stratum_N, drawn, weight, outcome, rc_verdict, changed from sample order by JCBH").fetchall()
    con.close()
    return rows
def regions(d):
    return {r["code"]: r for r in csv.DictReader(open(f"{d}/authenticity.csv", encoding="utf-8")) if r["level"] == "county"}
census = sample("census")
visible = [r for r in census if truth[r[0]]["visible"] == "1"]
found = [r for r in visible if r[7] == "doubtful"]
honest_doubtful = [r for r in census if truth[r[0]]["planted_false"] == "0" and r[7] == "doubtful"]
print(f"census: {len(census)} verdicts, {sum(t['planted_false'] == '1' for t in truth.values())} planted false, {len(visible)} visible to imagery: "
      f"{len(found)} found doubtful; honest verdicts called doubtful: {len(honest_doubtful)}")
for r in visible:
    if r[7] != "doubtful": print(f"  missed {r[0]} ({truth[r[0]]['fate']}, reported {r[2]}): {r[8]}, changed {r[9]}")
for c, p in sorted(planted.items()): print(f"  county {c}: {p['reported']} reported, {p['checkable']} checkable, {p['visible_false']} visibly false, planted authenticity {float(p['authenticity']):.4f}")
pairs = inside = drawn_visible = found_visible = 0
for seed in range(1, seeds + 1):
    d = f"run{seed}"
    for r in sample(d):
        if truth[r[0]]["visible"] == "1":
            drawn_visible += 1
            found_visible += r[7] == "doubtful"
    for c, g in regions(d).items():
        if not g["rate"]: continue
        pairs += 1
        t = float(planted[c]["authenticity"])
        ok = float(g["lower"]) - 1e-9 <= t <= float(g["upper"]) + 1e-9
        inside += ok
        print(f"  seed {seed:2d} county {c}: sampled {g['sampled']:>3}, checkable {g['checkable']:>3}, doubtful {g['doubtful']:>2}, rate {float(g['rate']):.3f} [{float(g['lower']):.3f}, {float(g['upper']):.3f}] truth {t:.3f} {'in' if ok else 'OUT'}")
same = sample("run1") == sample("again1") and open("run1/strata.csv").read() == open("again1/strata.csv").read() \
    and open("run1/authenticity.csv").read() == open("again1/authenticity.csv").read()
print(f"samples at {share}, seeds 1-{seeds}: planted false verdicts drawn that imagery can see {drawn_visible}, found doubtful {found_visible}")
print(f"coverage: planted authenticity inside the stated interval in {inside} of {pairs} (seed, county) pairs = {inside / pairs:.1%} (target >= 90 %)")
print(f"same seed, same sample: {'yes' if same else 'NO'}")
ok = len(found) == len(visible) and found_visible == drawn_visible and inside >= 0.9 * pairs and same
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
echo "wall $(( $(date +%s) - start )) s"
