#!/usr/bin/python3
"""Sums the per-scene `weipian eval --json` results of evaluate.sh into one table per split.

    aggregate.py OUTDIR SPLIT [SPLIT ...]     (prints markdown; writes OUTDIR/summary.json)

Object counts (true, found, predicted, matched) and pixel confusion matrices are summed over the scenes
of a split, so the figures are pooled (micro) averages: recall = found / true, precision = matched /
predicted, pixel F1 per class from the summed confusion matrix.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ["no change", "building", "pond", "mining", "facility agriculture"]


def scenes(splits):
    out = subprocess.run([sys.executable, os.path.join(HERE, "scenes.py"), *splits], check=True,
                         capture_output=True, text=True).stdout.split("\n")
    return [line.split() for line in out if line.strip()]


def main():
    root, splits = sys.argv[1], sys.argv[2:]
    summary = {}
    lines = []
    for split in splits:
        rows = scenes([split])
        obj = {"truth": 0, "found": 0, "predicted": 0, "matched": 0}
        by_class = {c: {"truth": 0, "found": 0, "predicted": 0, "matched": 0} for c in range(1, 5)}
        conf = [[0] * 5 for _ in range(5)]
        km2 = 0.0
        have_pixels = False
        for _, name, seed, size, gsd, density in rows:
            d = os.path.join(root, name)
            km2 += int(size) ** 2 * float(gsd) ** 2 / 1e6
            o = json.load(open(os.path.join(d, "objects.json")))["objects"]
            for k in obj:
                obj[k] += o[k]
            for c, m in o.get("byClass", {}).items():
                if int(c) in by_class:
                    for k in obj:
                        by_class[int(c)][k] += m[k]
            p = os.path.join(d, "pixels.json")
            if os.path.exists(p):
                have_pixels = True
                m = json.load(open(p))["pixels"]["confusion"]
                for i in range(5):
                    for j in range(5):
                        conf[i][j] += m[i][j]
        rec = obj["found"] / obj["truth"] if obj["truth"] else None
        prec = obj["matched"] / obj["predicted"] if obj["predicted"] else None
        fa = (obj["predicted"] - obj["matched"]) / km2
        s = {"scenes": len(rows), "km2": round(km2, 3), "objects": obj, "recall": rec, "precision": prec,
             "falseAlarmsPerKm2": round(fa, 3), "byClass": by_class}
        lines.append(f"### {split}: {len(rows)} scenes, {km2:.2f} km²\n")
        if obj["truth"]:
            lines.append(f"- objects on farmland: {obj['found']}/{obj['truth']} found (recall **{rec:.3f}**), "
                         f"{obj['matched']}/{obj['predicted']} predictions on true change (precision **{prec:.3f}**), "
                         f"{fa:.2f} false polygons per km²")
            for c in range(1, 5):
                b = by_class[c]
                lines.append(f"  - {NAMES[c]}: {b['found']}/{b['truth']} found by its class, "
                             f"{b['matched']}/{b['predicted']} of its predictions on its class")
        else:
            lines.append(f"- nuisance only: {obj['predicted']} polygons on farmland over {km2:.2f} km² = "
                         f"**{obj['predicted'] / km2:.2f} false polygons per km²**")
        if have_pixels:
            f1 = {}
            lines.append("\n| class | true px | predicted px | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|")
            for c in range(5):
                tp = conf[c][c]
                t = sum(conf[c])
                pr = sum(conf[i][c] for i in range(5))
                P = tp / pr if pr else float("nan")
                R = tp / t if t else float("nan")
                F = 2 * P * R / (P + R) if pr and t and P + R > 0 else float("nan")
                f1[NAMES[c]] = {"precision": P, "recall": R, "f1": F, "true": t, "predicted": pr}
                lines.append(f"| {c} {NAMES[c]} | {t} | {pr} | {P:.3f} | {R:.3f} | **{F:.3f}** |")
            s["pixels"] = f1
            s["confusion"] = conf
        lines.append("")
        summary[split] = s
    with open(os.path.join(root, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
