#!/usr/bin/python3
"""Object and pixel metrics of spectral-v1 on synthetic scene folders (weipian synth output).

    /usr/bin/python3 evaluate.py /tmp/spec/s100 /tmp/spec/s101 ...   [--tiled] [--onnx-logits DIR]

For each folder it runs the model on before.tif/after.tif (the whole image, reflect-padded by the
halo like the engine pads edge tiles; --tiled runs 256-pixel tiles with the card's halo exactly as
the engine does), takes the argmax class, masks nodata (0 in any band of either date) and
non-farmland (DLTB DLBM 0101/0102/0103 rasterised on the scene grid), drops 4-connected regions of
one class smaller than the class's minimum area (building and facility 200 m2, pond 400 m2, mining
600 m2), and scores:

- recall: a true change on farmland (truth.gpkg on_farmland = 1) is FOUND when predicted change
  pixels (any change class) cover at least half of it;
- precision: a predicted object (a 4-connected region of one class after the filters) MATCHES when
  at least half of it lies on true change (truth.tif > 0, any class);
- per-class pixel precision/recall/F1 on valid farmland pixels;
- false objects per km2 (predicted objects that do not match), which on a pair synthesised with
  --changes-per-km2 0 is the nuisance false-alarm rate.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from osgeo import gdal, ogr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spectral_v1 as sv  # noqa: E402

gdal.UseExceptions()
ogr.UseExceptions()

FARMLAND = ("0101", "0102", "0103")
MIN_AREA_M2 = {1: 200.0, 2: 400.0, 3: 600.0, 4: 200.0}
NAMES = {0: "no change", 1: "building", 2: "pond", 3: "mining", 4: "facility"}


def read_pair(folder):
    b = gdal.Open(os.path.join(folder, "before.tif")).ReadAsArray()
    a = gdal.Open(os.path.join(folder, "after.tif")).ReadAsArray()
    return b, a


def to_input(x):
    """Engine scaling from the card: (clamp(x, 0, 1023) - 0) / 1023, mean 0, std 1."""
    return torch.from_numpy(np.clip(x.astype(np.float32), 0, 1023) / 1023.0)[None]


def predict_logits(model, b, a, halo, tiled=False, tile=256):
    """Logits for the whole scene: either one reflect-padded run, or engine-style tiles."""
    with torch.no_grad():
        B, A = to_input(b), to_input(a)
        H, W = b.shape[1:]
        if not tiled:
            pb = torch.nn.functional.pad(B, (halo, halo, halo, halo), mode="reflect")
            pa = torch.nn.functional.pad(A, (halo, halo, halo, halo), mode="reflect")
            return model(pb, pa)[0, :, halo:halo + H, halo:halo + W].numpy()
        core = tile - 2 * halo
        # pad so that every tile is full: reflect by the halo, then reflect further on the far side
        ph = (-H) % core
        pw = (-W) % core
        pb = torch.nn.functional.pad(B, (halo, halo + pw, halo, halo + ph), mode="reflect")
        pa = torch.nn.functional.pad(A, (halo, halo + pw, halo, halo + ph), mode="reflect")
        out = np.zeros((5, H + ph, W + pw), np.float32)
        for y in range(0, H + ph, core):
            for x in range(0, W + pw, core):
                lg = model(pb[:, :, y:y + tile, x:x + tile], pa[:, :, y:y + tile, x:x + tile])
                out[:, y:y + core, x:x + core] = lg[0, :, halo:halo + core, halo:halo + core].numpy()
        return out[:, :H, :W]


def mem_raster(like, dtype=gdal.GDT_Int32):
    m = gdal.GetDriverByName("MEM").Create("", like.RasterXSize, like.RasterYSize, 1, dtype)
    m.SetGeoTransform(like.GetGeoTransform())
    m.SetProjection(like.GetProjection())
    return m


def rasterise_labels(like, layer, where=None):
    """Label raster: 1 + index of the feature holding each pixel centre (0 none), and per-label attributes."""
    drv = ogr.GetDriverByName("Memory")
    src = drv.CreateDataSource("lab")
    lyr = src.CreateLayer("l", layer.GetSpatialRef(), ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("lab", ogr.OFTInteger))
    if where:
        layer.SetAttributeFilter(where)
    feats = []
    layer.ResetReading()
    for f in layer:
        g = ogr.Feature(lyr.GetLayerDefn())
        g.SetGeometry(f.GetGeometryRef().Clone())
        g.SetField("lab", len(feats) + 1)
        lyr.CreateFeature(g)
        feats.append(f.items())
    layer.SetAttributeFilter(None)
    m = mem_raster(like)
    gdal.RasterizeLayer(m, [1], lyr, options=["ATTRIBUTE=lab"])
    return m.GetRasterBand(1).ReadAsArray(), feats


def farmland_mask(folder, like):
    v = ogr.Open(os.path.join(folder, "survey.gpkg"))
    lyr = v.GetLayerByName("DLTB")
    lyr.SetAttributeFilter("DLBM IN (%s)" % ",".join("'%s'" % c for c in FARMLAND))
    m = mem_raster(like, gdal.GDT_Byte)
    gdal.RasterizeLayer(m, [1], lyr, burn_values=[1])
    return m.GetRasterBand(1).ReadAsArray().astype(bool)


def components(cls, like):
    """4-connected regions of equal non-zero class (GDAL Polygonize, then rasterised back): label raster."""
    src = mem_raster(like, gdal.GDT_Byte)
    src.GetRasterBand(1).WriteArray(cls.astype(np.uint8))
    msk = mem_raster(like, gdal.GDT_Byte)
    msk.GetRasterBand(1).WriteArray((cls > 0).astype(np.uint8))
    drv = ogr.GetDriverByName("Memory")
    ds = drv.CreateDataSource("poly")
    lyr = ds.CreateLayer("p", like.GetSpatialRef(), ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(src.GetRasterBand(1), msk.GetRasterBand(1), lyr, 0, [])
    lab, _ = rasterise_labels(like, lyr)
    return lab


def postprocess(logits, valid, farm, like, gsd):
    cls = logits.argmax(0).astype(np.uint8)
    cls[~valid] = 0
    cls[~farm] = 0
    lab = components(cls, like)
    n = lab.max() + 1
    counts = np.bincount(lab.ravel(), minlength=n)
    klass = np.zeros(n, np.int64)
    klass[lab.ravel()] = cls.ravel()
    minpx = np.array([0] + [MIN_AREA_M2[k] / (gsd * gsd) for k in (1, 2, 3, 4)])
    keep = counts >= minpx[klass]
    keep[0] = False
    cls = np.where(keep[lab], cls, 0).astype(np.uint8)
    lab = np.where(keep[lab], lab, 0)
    return cls, lab


def perturb(x, gain, haze):
    """Stress test: an extra gain and an extra haze (DN in blue, falling off to NIR) on one date."""
    if gain == 1.0 and haze == 0.0:
        return x
    add = np.array([1.0, 0.7, 0.4, 0.2], np.float32)[:, None, None] * haze
    y = np.clip(np.rint(x.astype(np.float32) * gain + add), 1, 1023).astype(x.dtype)
    return np.where(x == 0, 0, y)


def score_scene(folder, model, halo, tiled=False, logits=None, everywhere=False, after_gain=1.0, after_haze=0.0):
    like = gdal.Open(os.path.join(folder, "truth.tif"))
    gsd = like.GetGeoTransform()[1]
    truth = like.GetRasterBand(1).ReadAsArray()
    b, a = read_pair(folder)
    a = perturb(a, after_gain, after_haze)
    valid = (b.min(0) > 0) & (a.min(0) > 0)
    farm = np.ones_like(valid) if everywhere else farmland_mask(folder, like)
    if logits is None:
        logits = predict_logits(model, b, a, halo, tiled)
    cls, lab = postprocess(logits, valid, farm, like, gsd)
    tv = ogr.Open(os.path.join(folder, "truth.gpkg"))
    tlab, tfeats = rasterise_labels(like, tv.GetLayerByName("truth"))
    res = dict(found=0, ntrue=0, matched=0, npred=0, missed=[], false=[],
               pix=np.zeros((5, 5), np.int64), km2=valid.sum() * gsd * gsd / 1e6)
    # recall over true changes on farmland
    for i, f in enumerate(tfeats, start=1):
        if int(f["on_farmland"]) != 1 and not everywhere:
            continue
        m = tlab == i
        res["ntrue"] += 1
        cover = (cls[m] > 0).mean() if m.any() else 0.0
        if cover >= 0.5:
            res["found"] += 1
        else:
            ys, xs = np.nonzero(m)
            res["missed"].append((f["class_id"], f["DLBM"], int(m.sum()), round(float(cover), 2), int(ys.mean()), int(xs.mean())))
    # precision over predicted objects
    n = lab.max() + 1
    counts = np.bincount(lab.ravel(), minlength=n)
    ontrue = np.bincount(lab.ravel(), weights=(truth > 0).ravel(), minlength=n)
    klass = np.zeros(n, np.int64)
    klass[lab.ravel()] = cls.ravel()
    for i in np.nonzero(counts)[0]:
        if i == 0:
            continue
        res["npred"] += 1
        if ontrue[i] >= 0.5 * counts[i]:
            res["matched"] += 1
        else:
            ys, xs = np.nonzero(lab == i)
            res["false"].append((int(klass[i]), int(counts[i]), int(ys.mean()), int(xs.mean())))
    m = valid & farm
    np.add.at(res["pix"], (truth[m].astype(np.int64), cls[m].astype(np.int64)), 1)
    return res


def f1_table(pix):
    rows = []
    for k in range(1, 5):
        tp = pix[k, k]
        p = tp / max(1, pix[:, k].sum())
        r = tp / max(1, pix[k, :].sum())
        f = 2 * p * r / max(1e-9, p + r)
        rows.append((NAMES[k], p, r, f, int(pix[k, :].sum())))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--tiled", action="store_true", help="run 256-pixel tiles with the card's halo, as the engine does")
    ap.add_argument("--verbose", "-v", action="store_true", help="list missed and false objects")
    ap.add_argument("--everywhere", action="store_true",
                    help="diagnostic: score the whole scene, not only farmland (all true changes, all predicted objects)")
    ap.add_argument("--after-gain", type=float, default=1.0, help="stress test: multiply the after image by this gain")
    ap.add_argument("--after-haze", type=float, default=0.0,
                    help="stress test: add this haze (DN in blue; 0.7, 0.4, 0.2 of it in G, R, NIR) to the after image")
    ap.add_argument("--json", help="write the totals to this file")
    args = ap.parse_args(argv)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model = sv.SpectralV1().eval()
    halo = sv.HALO
    tot = dict(found=0, ntrue=0, matched=0, npred=0, km2=0.0, pix=np.zeros((5, 5), np.int64))
    print(f"{'scene':<24}{'true':>6}{'found':>7}{'recall':>8}{'pred':>6}{'match':>7}{'prec':>7}{'false/km2':>11}")
    for folder in args.folders:
        r = score_scene(folder, model, halo, args.tiled, everywhere=args.everywhere,
                        after_gain=args.after_gain, after_haze=args.after_haze)
        for k in ("found", "ntrue", "matched", "npred", "km2"):
            tot[k] += r[k]
        tot["pix"] += r["pix"]
        rec = r["found"] / max(1, r["ntrue"])
        pre = r["matched"] / max(1, r["npred"])
        fkm = (r["npred"] - r["matched"]) / r["km2"]
        print(f"{os.path.basename(folder.rstrip('/')):<24}{r['ntrue']:>6}{r['found']:>7}{rec:>8.3f}{r['npred']:>6}{r['matched']:>7}{pre:>7.3f}{fkm:>11.2f}")
        if args.verbose:
            for m in r["missed"]:
                print(f"    missed class={m[0]} on {m[1]} px={m[2]} covered={m[3]} at row {m[4]} col {m[5]}")
            for fo in r["false"]:
                print(f"    false  class={fo[0]} px={fo[1]} at row {fo[2]} col {fo[3]}")
    rec = tot["found"] / max(1, tot["ntrue"])
    pre = tot["matched"] / max(1, tot["npred"])
    fkm = (tot["npred"] - tot["matched"]) / max(1e-9, tot["km2"])
    print(f"{'TOTAL':<24}{tot['ntrue']:>6}{tot['found']:>7}{rec:>8.3f}{tot['npred']:>6}{tot['matched']:>7}{pre:>7.3f}{fkm:>11.2f}")
    print()
    where = "whole scene" if args.everywhere else "on farmland"
    print(f"{'class (pixels ' + where + ')':<28}{'prec':>7}{'recall':>8}{'F1':>7}{'true px':>10}")
    rows = f1_table(tot["pix"])
    for name, p, r, f, n in rows:
        print(f"{name:<28}{p:>7.3f}{r:>8.3f}{f:>7.3f}{n:>10}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(dict(recall=rec, precision=pre, false_per_km2=fkm, found=tot["found"], true=tot["ntrue"],
                           matched=tot["matched"], predicted=tot["npred"], km2=tot["km2"],
                           f1={name: f for name, _, _, f, _ in rows}), fh, indent=2)


if __name__ == "__main__":
    main()
