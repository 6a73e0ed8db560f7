#!/usr/bin/python3
"""Converts synthesised scene folders to raw arrays the trainer reads without GDAL.

    /usr/bin/python3 prep.py SCENE_DIR [SCENE_DIR ...]

For each folder (written by `weipian synth`) writes beside its GeoTIFFs:
  x.npy  uint16 [8, H, W]: before B,G,R,NIR then after B,G,R,NIR (raw DN, 0 = nodata)
  y.npy  uint8  [H, W]: truth classes 0..4, 255 where either date is nodata (ignored by the loss)
Runs in its own process, without torch: GDAL and torch are never imported together (an
`osgeo` + torch mix has been seen to segfault on this machine).
"""
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def read(path):
    ds = gdal.Open(path)
    a = ds.ReadAsArray()
    ds = None
    return a


def prep(folder):
    before = read(os.path.join(folder, "before.tif")).astype(np.uint16)
    after = read(os.path.join(folder, "after.tif")).astype(np.uint16)
    truth = read(os.path.join(folder, "truth.tif")).astype(np.uint8)
    assert before.shape[0] == 4 and after.shape == before.shape and truth.shape == before.shape[1:], folder
    nodata = (before == 0).any(axis=0) | (after == 0).any(axis=0)
    truth[nodata] = 255
    np.save(os.path.join(folder, "x.npy"), np.concatenate([before, after], axis=0))
    np.save(os.path.join(folder, "y.npy"), truth)


if __name__ == "__main__":
    for f in sys.argv[1:]:
        prep(f)
