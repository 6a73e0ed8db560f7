"""Reads a `weipian export-training` folder (docs/TRAINING.md): export.json, index.jsonl, before/, after/, mask/.

Chips are read whole through GDAL in their native type (Byte or UInt16) and kept in a small cache, so an epoch over a
few thousand chips reads each file once per pass at most. Nothing here scales values: that is the card's business
(train.py) and the randomisation's (randomise.py).
"""
import json
import os
from collections import OrderedDict

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
FORMAT = "weipian-training-export/1"
SPLITS = ("train", "validation", "test")


class History:
    """One export folder: its summary, its chips per split, and the chips' pixels."""

    def __init__(self, folder, cache_chips=512):
        self.folder = folder
        summary = os.path.join(folder, "export.json")
        if not os.path.isfile(summary):
            raise SystemExit(f"{folder}: not an export-training folder (no export.json); make one with weipian export-training")
        with open(summary, encoding="utf-8") as f:
            self.summary = json.load(f)
        if self.summary.get("format") != FORMAT:
            raise SystemExit(f"{summary}: format {self.summary.get('format')!r}, expected {FORMAT!r}")
        self.bands = list(self.summary["bands"])
        self.classes = self.summary["classes"]
        self.ignore = int(self.summary["ignore"])
        with open(os.path.join(folder, "index.jsonl"), encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        self.rows = {s: [r for r in rows if r["split"] == s] for s in SPLITS}
        self._cache = OrderedDict()
        self._cache_chips = cache_chips

    def chip(self, row):
        """(before C x H x W, after C x H x W, mask H x W uint8) of an index row, native types."""
        key = row["id"]
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        arrays = tuple(_read(os.path.join(self.folder, row[part])) for part in ("before", "after", "mask"))
        value = (arrays[0], arrays[1], arrays[2][0])
        self._cache[key] = value
        if len(self._cache) > self._cache_chips:
            self._cache.popitem(last=False)
        return value

    def pixel_size(self):
        """Metres per pixel of the chips (the median over the first train chips' geotransforms)."""
        sizes = []
        for row in self.rows["train"][:32]:
            ds = gdal.Open(os.path.join(self.folder, row["before"]))
            sizes.append(abs(ds.GetGeoTransform()[1]))
        return float(np.median(sizes)) if sizes else None

    def dtype(self):
        ds = gdal.Open(os.path.join(self.folder, self.rows["train"][0]["before"]))
        return gdal.GetDataTypeName(ds.GetRasterBand(1).DataType)


def _read(path):
    ds = gdal.Open(path)
    a = ds.ReadAsArray()
    return a[None] if a.ndim == 2 else a


def bit_depth(history, rows):
    """Bits per sample of the history: 8 for Byte chips, else the smallest of 10, 12, 14, 16 that holds the 99.99th
    percentile of the valid values (a few hot pixels do not make 10-bit data 16-bit)."""
    if history.dtype() == "Byte":
        return 8
    highs = []
    for row in rows[:64]:
        b, a, _ = history.chip(row)
        v = np.concatenate([b[b > 0], a[a > 0]])
        if v.size:
            highs.append(np.percentile(v, 99.99))
    high = max(highs) if highs else 1023
    return next(bits for bits in (10, 12, 14, 16) if high <= 2 ** bits - 1)


def reference(history, rows):
    """The 2 % and 98 % percentiles of the raw values per date and band over the valid pixels of the chips (every
    chip's own, averaged), as the card's input.scaling.reference states them for --radiometry percentile."""
    out = {}
    for date in (0, 1):
        q = []
        for row in rows[:256]:
            x = history.chip(row)[date].astype(np.float64)
            valid = (x != 0).all(axis=0)
            if valid.sum() > 100:
                q.append([(np.percentile(band[valid], 2), np.percentile(band[valid], 98)) for band in x])
        mean = np.array(q).mean(axis=0)
        out["before" if date == 0 else "after"] = {"low": [round(float(v), 1) for v in mean[:, 0]],
                                                   "high": [round(float(v), 1) for v in mean[:, 1]]}
    return out


def band_stats(history, rows, units):
    """Per-band mean and std in card units (Units) over the valid pixels of both dates (every 4th row and column)."""
    s = s2 = 0.0
    n = 0
    for row in rows:
        b, a, m = history.chip(row)
        valid = m[::4, ::4] != history.ignore
        for date, x in enumerate((b, a)):
            v = units(row, date, x[:, ::4, ::4])[:, valid].astype(np.float64)
            s = s + v.sum(axis=1)
            s2 = s2 + (v * v).sum(axis=1)
            n += v.shape[1]
    mean = s / n
    std = np.sqrt(s2 / n - mean * mean)
    return [round(float(v), 4) for v in mean], [round(float(max(v, 1e-3)), 4) for v in std]

def scene_percentiles(history, low=2, high=98):
    """Per scene of the export and date, the LOW and HIGH percentiles per band over the valid pixels (nonzero in every
    band) of all its chips, every split (values only, no labels), every 2nd row and column: how the engine's
    `--radiometry percentile` measures a whole scene, from the part of it the export holds."""
    by_scene = {}
    for split in SPLITS:
        for row in history.rows[split]:
            by_scene.setdefault(row["scene"], []).append(row)
    out = {}
    for scene, rows in by_scene.items():
        dates = []
        for date in (0, 1):
            values = []
            for row in rows:
                x = history.chip(row)[date][:, ::2, ::2]
                values.append(x[:, (x != 0).all(axis=0)].astype(np.float64))
            v = np.concatenate(values, axis=1)
            dates.append((np.percentile(v, low, axis=1), np.percentile(v, high, axis=1)))
        out[scene] = dates
    return out


class Units:
    """Raw chip values to the card's units (DN / max, 0..1; nodata stays 0).

    fixed: DN / DN_MAX, for a history at one bit depth. percentile: each scene's date mapped per band from its own
    LOW/HIGH percentiles (scene_percentiles) onto the card's reference, x' = t_low + (x - p_low) (t_high - t_low) /
    (p_high - p_low), clamped to 0..DN_MAX, then / DN_MAX: exactly the engine's percentile radiometry, so 8-bit, 12-bit and
    16-bit scenes of one history meet the model in the same units, as they will at detection."""

    def __init__(self, dn_max, history=None, reference=None):
        self.dn_max = dn_max
        self.maps = None
        if reference is not None:
            self.maps = {}
            for scene, dates in scene_percentiles(history).items():
                self.maps[scene] = []
                for (p_low, p_high), ref in zip(dates, (reference["before"], reference["after"])):
                    t_low, t_high = np.array(ref["low"], np.float64), np.array(ref["high"], np.float64)
                    gain = (t_high - t_low) / np.maximum(p_high - p_low, 1e-6)
                    self.maps[scene].append((gain.reshape(-1, 1, 1), (t_low - p_low * gain).reshape(-1, 1, 1)))

    def __call__(self, row, date, x):
        """Chip values X (C x H x W, raw) of ROW's date (0 before, 1 after) in card units, float32."""
        if self.maps is None:
            return (x.astype(np.float32) / self.dn_max)
        gain, offset = self.maps[row["scene"]][date]
        y = np.clip(x * gain + offset, 0, self.dn_max) / self.dn_max
        return np.where((x != 0).all(axis=0), y, 0).astype(np.float32)
