#!/usr/bin/python3
"""Makes a radiometrically perturbed copy of a scene: the after date times a gain plus a haze offset.

    /usr/bin/python3 perturb.py SRC_DIR DST_DIR GAIN HAZE_DN

DST gets after.tif = clip(round(after * GAIN + HAZE_DN * w_b), 1, 1023) with w_b = 1, 0.7, 0.4, 0.2 for
B, G, R, NIR (haze is bluest), nodata (0) kept; before.tif, truth.tif, truth.gpkg, survey.gpkg and
scene.json are links to SRC. Tests that the model does not lean on the synthesiser's exact radiometry
(its own after-date gains span 0.86-1.14 and its haze 3-39 DN). GDAL only (no torch).
"""
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
HAZE_WEIGHT = [1.0, 0.7, 0.4, 0.2]


def main():
    src, dst, gain, haze = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    os.makedirs(dst, exist_ok=True)
    for f in ["before.tif", "truth.tif", "truth.gpkg", "survey.gpkg", "scene.json"]:
        target = os.path.join(dst, f)
        if not os.path.lexists(target):
            os.symlink(os.path.relpath(os.path.join(src, f), dst), target)
    ds = gdal.Open(os.path.join(src, "after.tif"))
    out = gdal.GetDriverByName("GTiff").CreateCopy(os.path.join(dst, "after.tif"), ds, options=["COMPRESS=DEFLATE", "TILED=YES"])
    for b in range(4):
        band = out.GetRasterBand(b + 1)
        a = band.ReadAsArray().astype(np.float32)
        v = np.clip(np.round(a * gain + haze * HAZE_WEIGHT[b]), 1, 1023)
        v[a == 0] = 0
        band.WriteArray(v.astype(np.uint16))
    out.FlushCache()
    out = None
    ds = None


if __name__ == "__main__":
    main()
