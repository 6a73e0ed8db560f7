#!/usr/bin/python3
"""Writes SCENE_DIR/z.npy (uint8 H x W): y.npy (the truth, 255 where a date has no data), with the detection model's
class (band 1 of detected.tif, 1..4, where label.sh ran it) where the truth says 0. Runs without torch (GDAL and torch are never imported
together here).

    /usr/bin/python3 label.py SCENE_DIR [SCENE_DIR ...]
"""
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def label(folder):
    y = np.load(os.path.join(folder, "y.npy"))
    if not os.path.exists(os.path.join(folder, "detected.tif")):
        np.save(os.path.join(folder, "z.npy"), y)
        print(f"{os.path.basename(folder)}: the truth alone (not at the detection model's GSD)")
        return
    ds = gdal.Open(os.path.join(folder, "detected.tif"))
    detected = ds.GetRasterBand(1).ReadAsArray()
    ds = None
    assert detected.shape == y.shape, folder
    z = y.copy()
    extra = (y == 0) & (detected >= 1) & (detected <= 4)
    z[extra] = detected[extra]
    np.save(os.path.join(folder, "z.npy"), z)
    print(f"{os.path.basename(folder)}: {int(((y >= 1) & (y <= 4)).sum())} px of change in the truth, "
          f"{int(extra.sum())} more from the detection model")


if __name__ == "__main__":
    for f in sys.argv[1:]:
        label(f)
