#!/usr/bin/python3
"""Share of pixels on which two class rasters (band 1) agree, read strip by strip.

    /usr/bin/python3 bench/reference/agreement.py A.tif B.tif

Prints "agreement: <share> (<differing> of <pixels> pixels differ)" and, per class of A, how many of its pixels B
calls something else. A pixel without a result (the band's nodata, 255 in WeiPian's class raster) counts as 0, no
change, as the reference pipeline writes it.
"""
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def classes(ds, y, w, rows):
    band = ds.GetRasterBand(1)
    x = band.ReadAsArray(0, y, w, rows)
    nodata = band.GetNoDataValue()
    if nodata is not None and nodata != 0:
        x[x == nodata] = 0
    return x


def main(a_path, b_path):
    a, b = gdal.Open(a_path), gdal.Open(b_path)
    if (a.RasterXSize, a.RasterYSize) != (b.RasterXSize, b.RasterYSize):
        raise SystemExit(f"{a_path} is {a.RasterXSize}x{a.RasterYSize}, {b_path} is {b.RasterXSize}x{b.RasterYSize}")
    w, h = a.RasterXSize, a.RasterYSize
    differ = 0
    confusion = np.zeros((256, 256), dtype=np.int64)
    for y in range(0, h, 1024):
        rows = min(1024, h - y)
        x = classes(a, y, w, rows)
        z = classes(b, y, w, rows)
        off = x != z
        differ += int(off.sum())
        np.add.at(confusion, (x[off], z[off]), 1)
    total = w * h
    print(f"agreement: {1 - differ / total:.6f} ({differ} of {total} pixels differ)")
    for k in range(256):
        if confusion[k].sum():
            print(f"  class {k} in {a_path}: {confusion[k].sum()} pixels differ (" +
                  ", ".join(f"{n} as {j}" for j, n in enumerate(confusion[k]) if n) + ")")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
