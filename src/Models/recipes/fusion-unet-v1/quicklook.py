#!/usr/bin/python3
"""Draws a quicklook of one evaluated scene: before, after (R,G,B), truth and the engine's class raster.

    /usr/bin/python3 quicklook.py SCENE_DIR CLASS_RASTER OUT.png [--size 384]

Picks the window (on a 64-pixel grid) holding the most change classes, then the most change pixels.
Colours: building red, pond blue, mining orange, facility agriculture magenta; black = nodata.
GDAL and PIL only (no torch).
"""
import argparse

import numpy as np
from osgeo import gdal
from PIL import Image, ImageDraw

COLOURS = np.array([[0, 0, 0], [230, 40, 40], [40, 110, 240], [245, 160, 30], [220, 60, 220]], dtype=np.uint8)


def rgb(path, r0, c0, k):
    ds = gdal.Open(path)
    a = ds.ReadAsArray(c0, r0, k, k).astype(np.float32)   # B,G,R,NIR
    img = a[[2, 1, 0]].transpose(1, 2, 0)
    valid = (a > 0).all(axis=0)
    lo, hi = np.percentile(img[valid], 1), np.percentile(img[valid], 99)
    out = np.clip((img - lo) / (hi - lo) * 255, 0, 255).astype(np.uint8)
    out[~valid] = 0
    return out


def classes(values, nodata=None):
    out = COLOURS[np.clip(values, 0, 4)].copy()
    out[values == 0] = [235, 235, 235]
    if nodata is not None:
        out[nodata] = 0
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scene")
    ap.add_argument("class_raster")
    ap.add_argument("out")
    ap.add_argument("--size", type=int, default=384)
    args = ap.parse_args()
    k = args.size
    truth = gdal.Open(f"{args.scene}/truth.tif").ReadAsArray()
    h, w = truth.shape
    best = None
    for r0 in range(0, h - k + 1, 64):
        for c0 in range(0, w - k + 1, 64):
            t = truth[r0:r0 + k, c0:c0 + k]
            score = (len(set(np.unique(t)) - {0}), int((t > 0).sum()))
            if best is None or score > best[0]:
                best = (score, r0, c0)
    _, r0, c0 = best
    before = rgb(f"{args.scene}/before.tif", r0, c0, k)
    after = rgb(f"{args.scene}/after.tif", r0, c0, k)
    ds = gdal.Open(args.class_raster)   # keep the dataset referenced while its band is read (else GDAL segfaults)
    pred = ds.GetRasterBand(1).ReadAsArray(c0, r0, k, k)
    nodata = (after == 0).all(axis=2)
    panels = [before, after, classes(truth[r0:r0 + k, c0:c0 + k]), classes(pred, nodata)]
    gap, top = 6, 22
    canvas = Image.new("RGB", (4 * k + 3 * gap, k + top), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for i, (p, title) in enumerate(zip(panels, ["before", "after", "truth", "fusion-unet-v1 (engine, all land)"])):
        canvas.paste(Image.fromarray(p), (i * (k + gap), top))
        draw.text((i * (k + gap) + 4, 5), title, fill=(0, 0, 0))
    canvas.quantize(colors=128, method=Image.MEDIANCUT).save(args.out, optimize=True)
    print(f"{args.out}: window rows {r0}-{r0 + k}, columns {c0}-{c0 + k}")


if __name__ == "__main__":
    main()
