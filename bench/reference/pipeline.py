#!/usr/bin/python3
"""The plain Python pipeline WeiPian.Engine is measured against (bench/reference/README.md).

    /usr/bin/python3 bench/reference/pipeline.py --before B.tif --after A.tif --survey S.gpkg \
        --model spectral-v1|fusion-unet-v1 --out out.gpkg --class-raster classes.tif [--all-land] [--threads N]

What a GIS engineer with Debian's python3-gdal, python3-torch and numpy would write: the same tiles and
halo as the model card, windows read with GDAL (reflected at the scene's edges, numpy's 'reflect', as the
engine pads), scaled as the card says, the same weights run in PyTorch, argmax of the logits, kept centres
stitched with numpy into a strip per row of tiles, nodata in either date and (unless --all-land) pixels off
farmland (the survey's DLTB farmland parcels burnt with gdal.Rasterize) set to 0, the class raster written
as a GeoTIFF, polygons by gdal.Polygonize (4-connected, class 0 left out) into a GeoPackage.

Weights: spectral-v1 has none (its PyTorch module is the recipe's); fusion-unet-v1's are the .onnx
initializers (BatchNorm already folded into the convolutions) loaded into the recipe's FusionUNet built
without BatchNorm. Prints one line "reference: <seconds> s ..." at the end.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODELS = os.path.join(ROOT, "src", "Models")
FARMLAND = ("0101", "0102", "0103")


def load_model(name):
    """The recipe's PyTorch module with the bundled weights, and the card."""
    with open(os.path.join(MODELS, name + ".card.json"), encoding="utf-8") as f:
        card = json.load(f)
    if name == "spectral-v1":
        sys.path.insert(0, os.path.join(MODELS, "recipes", "spectral-v1"))
        from spectral_v1 import SpectralV1
        return SpectralV1().eval(), card
    if name == "fusion-unet-v1":
        sys.path.insert(0, os.path.join(MODELS, "recipes", "fusion-unet-v1"))
        from model import FusionUNet
        model = FusionUNet(bn_from=99).eval()  # every convolution biased, no BatchNorm: the export folded it
        graph = onnx.load(os.path.join(MODELS, name + ".onnx")).graph
        weights = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        convs = [n for n in graph.node if n.op_type == "Conv"]
        # Modules in the order forward() runs them, which is the graph's (topological) order.
        order = [m for level in model.encoder for m in level.modules() if isinstance(m, torch.nn.Conv2d)]
        for project, level in zip(model.project, model.decoder):
            order += [project] + [m for m in level.modules() if isinstance(m, torch.nn.Conv2d)]
        order.append(model.head)
        if len(order) != len(convs):
            raise SystemExit(f"{name}: {len(convs)} Conv nodes in the graph, {len(order)} in the module")
        with torch.no_grad():
            for module, node in zip(order, convs):
                w, b = (torch.from_numpy(weights[i].copy()) for i in node.input[1:3])
                if module.weight.shape != w.shape:
                    raise SystemExit(f"{name}: {node.name} has {tuple(w.shape)}, the module {tuple(module.weight.shape)}")
                module.weight.copy_(w)
                module.bias.copy_(b)
        return model, card
    raise SystemExit(f"unknown model {name}: spectral-v1 or fusion-unet-v1")


def scaling(card, bands):
    s = card["input"]["scaling"]
    per = lambda v: np.array((v * bands)[:bands] if len(v) == 1 else v, dtype=np.float64)
    lo, hi, mean, std = per(s["min"]), per(s["max"]), per(s["mean"]), per(s["std"])
    a = 1.0 / ((hi - lo) * std)
    c = -lo * a - mean / std
    return [(np.float32(lo[b]), np.float32(hi[b]), np.float32(a[b]), np.float32(c[b])) for b in range(bands)]


def read_strip(ds, top, height, halo, padded_width):
    """Rows top..top+height (may reach past the image) and columns -halo..padded_width-halo, reflected."""
    h, w = ds.RasterYSize, ds.RasterXSize
    r0, r1 = max(top, 0), min(top + height, h)
    c1 = min(padded_width - halo, w)
    a = ds.ReadAsArray(0, r0, c1, r1 - r0)  # bands x rows x cols, uint16
    pad_rows = (r0 - top, top + height - r1)
    pad_cols = (halo, padded_width - halo - c1)
    return np.pad(a, ((0, 0), pad_rows, pad_cols), mode="reflect")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--survey")
    ap.add_argument("--model", default="spectral-v1")
    ap.add_argument("--out", required=True)
    ap.add_argument("--class-raster", required=True)
    ap.add_argument("--all-land", action="store_true")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    start = time.perf_counter()
    times = dict(read=0.0, model=0.0, stitch=0.0, write=0.0)

    model, card = load_model(args.model)
    tile, halo = card["input"]["tile"], card["input"]["halo"]
    kept = tile - 2 * halo
    before, after = gdal.Open(args.before), gdal.Open(args.after)
    w, h, bands = before.RasterXSize, before.RasterYSize, before.RasterCount
    nodata = [[ds.GetRasterBand(b + 1).GetNoDataValue() for b in range(bands)] for ds in (before, after)]
    scale = scaling(card, bands)
    columns, rows = -(-w // kept), -(-h // kept)
    padded_width = columns * kept + 2 * halo

    gtiff = gdal.GetDriverByName("GTiff")
    classes = gtiff.Create(args.class_raster, w, h, 1, gdal.GDT_Byte, ["COMPRESS=DEFLATE", "TILED=YES"])
    classes.SetGeoTransform(before.GetGeoTransform())
    classes.SetProjection(before.GetProjection())
    band = classes.GetRasterBand(1)
    band.SetNoDataValue(0)

    farmland = None
    if not args.all_land:
        mem = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdal.GDT_Byte)
        mem.SetGeoTransform(before.GetGeoTransform())
        mem.SetProjection(before.GetProjection())
        codes = ",".join("'%s'" % c for c in FARMLAND)
        gdal.Rasterize(mem, args.survey, layers=["DLTB"], where=f"DLBM IN ({codes})", burnValues=[1])
        farmland = mem

    print(f"reference {args.model}: {w}x{h}, {columns}x{rows} tiles of {tile} (halo {halo}), torch threads {torch.get_num_threads()}",
          file=sys.stderr)
    with torch.no_grad():
        for row in range(rows):
            t = time.perf_counter()
            top = row * kept - halo
            strips = [read_strip(ds, top, tile, halo, padded_width) for ds in (before, after)]
            height = min(kept, h - row * kept)
            valid = np.ones((height, w), dtype=bool)
            for s, nd in zip(strips, nodata):
                centre = s[:, halo:halo + height, halo:halo + w]
                for b in range(bands):
                    if nd[b] is not None:
                        valid &= centre[b] != nd[b]
            scaled = []
            for s in strips:
                x = s.astype(np.float32)
                for b, (lo, hi, a, c) in enumerate(scale):
                    x[b] = np.clip(x[b], lo, hi) * a + c
                scaled.append(x)
            times["read"] += time.perf_counter() - t

            out = np.zeros((height, columns * kept), dtype=np.uint8)
            for col in range(columns):
                t = time.perf_counter()
                x0 = col * kept
                b = torch.from_numpy(np.ascontiguousarray(scaled[0][None, :, :, x0:x0 + tile]))
                a = torch.from_numpy(np.ascontiguousarray(scaled[1][None, :, :, x0:x0 + tile]))
                logits = model(b, a)
                t2 = time.perf_counter()
                times["model"] += t2 - t
                cls = logits[0].argmax(0).numpy().astype(np.uint8)
                out[:, x0:x0 + kept] = cls[halo:halo + height, halo:halo + kept]
                times["stitch"] += time.perf_counter() - t2

            t = time.perf_counter()
            strip = out[:, :w]
            strip[~valid] = 0
            if farmland is not None:
                strip[farmland.GetRasterBand(1).ReadAsArray(0, row * kept, w, height) == 0] = 0
            band.WriteArray(strip, 0, row * kept)
            times["write"] += time.perf_counter() - t

    t = time.perf_counter()
    band.FlushCache()
    srs = osr.SpatialReference(wkt=before.GetProjection())
    out_ds = ogr.GetDriverByName("GPKG").CreateDataSource(args.out)
    layer = out_ds.CreateLayer("tuban", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("class_id", ogr.OFTInteger))
    out_ds.StartTransaction()
    gdal.Polygonize(band, band.GetMaskBand(), layer, 0, [])
    out_ds.CommitTransaction()
    count = layer.GetFeatureCount()
    out_ds = None
    classes = None
    times["polygonize"] = time.perf_counter() - t
    wall = time.perf_counter() - start
    detail = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
    print(f"reference: {wall:.2f} s, {w * h / 1e6 / wall:.2f} Mpx/s, {count} polygons ({detail})")


if __name__ == "__main__":
    main()
