#!/usr/bin/python3
"""Polygons of run A found in run B: /usr/bin/python3 bench/scripts/match-polygons.py A.gpkg B.gpkg

Prints `found F/N (share), new K, identical I/N`: A's polygons overlapped by one of B's (the intersection holds at
least half of the smaller polygon), B's polygons overlapping none of A's, and A's polygons with a geometry and class
equal in B. Used by screen.sh (unscreened vs screened) and int8.sh (float32 vs int8).
"""
import sys

from osgeo import ogr


def polygons(path):
    ds = ogr.Open(path)
    return [(f.GetField("class_id"), f.GetGeometryRef().Clone()) for f in ds.GetLayer(0)]


def overlaps(a, b):
    inter = a.Intersection(b)
    return inter is not None and inter.GetArea() >= 0.5 * min(a.GetArea(), b.GetArea())


first, second = polygons(sys.argv[1]), polygons(sys.argv[2])
found = sum(1 for c, g in first if any(overlaps(g, h) for _, h in second))
new = sum(1 for c, g in second if not any(overlaps(g, h) for _, h in first))
same = sum(1 for c, g in first if any(c == d and g.Equals(h) for d, h in second))
share = found / len(first) if first else 1.0
print(f"found {found}/{len(first)} ({share:.1%}), new {new}, identical {same}/{len(first)}")
