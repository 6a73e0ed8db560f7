#!/usr/bin/python3
"""Measures the reference percentiles a model card states (input.scaling.reference; docs/MODEL_CARD.md).

    /usr/bin/python3 reference.py SCENE_DIR [SCENE_DIR ...] > reference.json

For each date (before, after) and band (B, G, R, NIR): the 2 % and 98 % percentiles of the raw DN over the
pixels valid in every band of that date (0 is nodata), measured per scene and averaged over the scenes: the
percentiles of a typical training scene, which `--radiometry percentile` maps each date's own onto. Run on the
training scenes (data.sh train: $WORK/scenes/t2000..t2095); both bundled cards state the result
(reference.json beside this script; spectral-v1's rules were written for the same synthesiser).
"""
import json
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
LOW, HIGH = 2, 98


def percentiles(path):
    ds = gdal.Open(path)
    a = ds.ReadAsArray().astype(np.float64)
    ds = None
    valid = (a != 0).all(axis=0)
    return [(np.percentile(band[valid], LOW), np.percentile(band[valid], HIGH)) for band in a]


def main():
    scenes = sorted(sys.argv[1:])
    out = {}
    for date in ("before", "after"):
        q = np.array([percentiles(os.path.join(s, date + ".tif")) for s in scenes])  # scene x band x (low, high)
        mean = q.mean(axis=0)
        out[date] = {"low": [round(float(v), 1) for v in mean[:, 0]], "high": [round(float(v), 1) for v in mean[:, 1]]}
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    print(f"{len(scenes)} scenes", file=sys.stderr)


if __name__ == "__main__":
    main()
