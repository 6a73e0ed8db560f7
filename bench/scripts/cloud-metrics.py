#!/usr/bin/python3
"""How the cloud screen did on a `weipian synth --clouds unflagged` pair (issue 15 §3), for real-scenes.sh.

Reads the synthesiser's cloud truth (after_clouds.tif: 1 cloud, 2 shadow, 0 clear; on the after date's grid, which is
the before date's in this case), the class raster of an --all-land detection with --clouds (255 = no result: screened,
or nodata), its polygons and truth.tif (planted change). Prints one line of JSON:
  cloudPixels        pixels the synthesiser painted as cloud or shadow
  cloudDetected      their share that the run left out (class 255)
  clearScreened      the share of clear pixels left out as well (the screen's cost)
  falsePolygons      polygons touching a painted cloud or shadow pixel that are false alarms (less than half of the
                     polygon on planted change, the rule of `weipian eval`)
  falsePerKm2        falsePolygons per km² of the scene
Usage: cloud-metrics.py AFTER_CLOUDS.tif CLASSES.tif POLYGONS.gpkg TRUTH.tif
"""
import json
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()


def band(path):
    ds = gdal.Open(path)
    return ds, ds.GetRasterBand(1).ReadAsArray()


def main(clouds_path, classes_path, polygons_path, truth_path):
    _, clouds = band(clouds_path)
    _, classes = band(classes_path)
    truth_ds, truth = band(truth_path)
    if clouds.shape != classes.shape or clouds.shape != truth.shape:
        sys.exit(f"cloud-metrics: {clouds_path}, {classes_path} and {truth_path} must share one grid "
                 f"({clouds.shape}, {classes.shape}, {truth.shape})")
    cloudy = clouds > 0
    screened = classes == 255
    cloud_pixels = int(cloudy.sum())
    clear_pixels = int((~cloudy).sum())

    # Each polygon burnt with its own number (1..n) onto the truth's grid, pixel centres inside, as the detection drew them.
    source = ogr.Open(polygons_path)
    layer = source.GetLayer(0)
    memory = ogr.GetDriverByName("Memory").CreateDataSource("")
    numbered = memory.CreateLayer("numbered", layer.GetSpatialRef(), ogr.wkbMultiPolygon)
    numbered.CreateField(ogr.FieldDefn("n", ogr.OFTInteger))
    count = 0
    for feature in layer:
        count += 1
        out = ogr.Feature(numbered.GetLayerDefn())
        out.SetGeometry(feature.GetGeometryRef().Clone())
        out.SetField("n", count)
        numbered.CreateFeature(out)
    ids_ds = gdal.GetDriverByName("MEM").Create("", truth_ds.RasterXSize, truth_ds.RasterYSize, 1, gdal.GDT_Int32)
    ids_ds.SetGeoTransform(truth_ds.GetGeoTransform())
    ids_ds.SetProjection(truth_ds.GetProjection())
    gdal.RasterizeLayer(ids_ds, [1], numbered, options=["ATTRIBUTE=n"])
    ids = ids_ds.GetRasterBand(1).ReadAsArray()

    size = np.bincount(ids.ravel(), minlength=count + 1)
    on_change = np.bincount(ids.ravel(), weights=(truth.ravel() > 0) & (truth.ravel() != 255), minlength=count + 1)
    on_cloud = np.bincount(ids.ravel(), weights=cloudy.ravel(), minlength=count + 1)
    false_alarm = on_change[1:] < 0.5 * size[1:]
    false_polygons = int(np.sum(false_alarm & (on_cloud[1:] > 0)))
    gt = truth_ds.GetGeoTransform()
    km2 = truth_ds.RasterXSize * truth_ds.RasterYSize * abs(gt[1] * gt[5]) / 1e6
    print(json.dumps({
        "cloudPixels": cloud_pixels,
        "cloudDetected": float((cloudy & screened).sum()) / cloud_pixels if cloud_pixels else 0.0,
        "clearScreened": float((~cloudy & screened).sum()) / clear_pixels if clear_pixels else 0.0,
        "falsePolygons": false_polygons,
        "falsePerKm2": false_polygons / km2,
        "polygons": count,
        "km2": km2,
    }))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
