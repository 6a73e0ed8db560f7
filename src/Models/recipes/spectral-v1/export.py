#!/usr/bin/python3
"""Exports spectral-v1 to ONNX with its model card embedded (metadata_props key `weipian.card`).

    /usr/bin/python3 export.py [--out ../../spectral-v1.onnx] [--card ../../spectral-v1.card.json]

Deterministic: the module has no weights to learn, every constant is written in spectral_v1.py, and
the graph is traced from a fixed all-zero input, so the same torch/onnx versions write the same
bytes (the script also clears the fields that could vary: doc strings and, for safety, re-serialises
the model with sorted metadata). Before writing it checks that the model is local, that is that an
impulse at one pixel changes the logits no further than RECEPTIVE_RADIUS pixels away (<= halo).
"""
import argparse
import hashlib
import io
import json
import os
import sys

import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spectral_v1 as sv  # noqa: E402

TILE = 256
OPSET = 13
VERSION = "1.0.0"
# What the rules assume of the data (docs/MODEL_CARD.md): 10-bit DN at the synthesiser's default 0.8 m, and the
# reference percentiles of the synthesiser's scenes that --radiometry percentile maps each date onto, measured by
# ../fusion-unet-v1/reference.py on the training scenes of that recipe (the same synthesiser the rules were written for).
with open(os.path.join(HERE, "..", "fusion-unet-v1", "reference.json"), encoding="utf-8") as _f:
    REFERENCE = json.load(_f)

CARD = {
    "name": "spectral-v1",
    "version": VERSION,
    "description": (
        "Hand-written spectral change rules, no training: per date NDVI, NDWI, a blue-red index, "
        "visible brightness, weighted local texture and narrow-dark-line (film gap) density; between "
        "dates NDVI, log-brightness and colour change. Fuzzy rules (sigmoid memberships, min/max) score "
        "new buildings (bright or blue/orange uniform roofs), ponds (new open water), mining (new bright "
        "textured bare rock/spoil) and facility agriculture (new bright neutral film with stripes); "
        "scores are opened, grown by a pixel and smoothed (7x7) so the class map is not speckled. "
        "Assumes DN ~ 1000 x surface reflectance (GF-2 10-bit); tolerant of +-15 %% gain and tens of DN "
        "of haze between dates. Local: receptive radius %d px <= halo. Recipe: "
        "src/Models/recipes/spectral-v1." % sv.RECEPTIVE_RADIUS
    ),
    "input": {
        "form": "pair",
        "names": ["before", "after"],
        "bands": ["B", "G", "R", "NIR"],
        "scaling": {"min": [0, 0, 0, 0], "max": [1023, 1023, 1023, 1023], "mean": [0, 0, 0, 0], "std": [1, 1, 1, 1],
                    "reference": REFERENCE},
        "tile": TILE,
        "halo": sv.HALO,
        "batch": 0,
        "gsd": 0.8,
        "bitDepth": 10,
    },
    "output": {"name": "logits", "form": "logits"},
    "classes": [
        {"id": 0, "name": "no change", "tblx": None},
        {"id": 1, "name": "building", "tblx": "20"},
        {"id": 2, "name": "pond", "tblx": "KT"},
        {"id": 3, "name": "mining", "tblx": "CK"},
        {"id": 4, "name": "facility agriculture", "tblx": "SN"},
    ],
}


def card_json():
    return json.dumps(CARD, ensure_ascii=False, indent=2) + "\n"


def check_locality(model, size=96):
    """Largest distance (Chebyshev, pixels) at which an impulse in either input changes any logit."""
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1234)
    base_b = 0.08 + 0.3 * torch.rand(1, 4, size, size, generator=g)
    base_a = 0.08 + 0.3 * torch.rand(1, 4, size, size, generator=g)
    c = size // 2
    worst = 0
    with torch.no_grad():
        ref = model(base_b, base_a)
        for which in (0, 1):
            for band in range(4):
                pb, pa = base_b.clone(), base_a.clone()
                (pb if which == 0 else pa)[0, band, c, c] += 0.5
                d = (model(pb, pa) - ref).abs().amax(dim=(0, 1))
                ys, xs = torch.nonzero(d > 0, as_tuple=True)
                if len(ys):
                    worst = max(worst, int(torch.maximum((ys - c).abs(), (xs - c).abs()).max()))
    return worst


def export_bytes():
    model = sv.SpectralV1().eval()
    dummy = (torch.zeros(1, 4, TILE, TILE), torch.zeros(1, 4, TILE, TILE))
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            model, dummy, buf,
            input_names=["before", "after"], output_names=["logits"],
            dynamic_axes={"before": {0: "N"}, "after": {0: "N"}, "logits": {0: "N"}},
            opset_version=OPSET, do_constant_folding=True, export_params=True,
        )
    m = onnx.load_from_string(buf.getvalue())
    m.graph.name = "spectral-v1"
    m.doc_string = "spectral-v1 %s: hand-written spectral change rules (no training)" % VERSION
    m.model_version = 1
    del m.metadata_props[:]
    for k, v in sorted({"weipian.card": card_json()}.items()):
        e = m.metadata_props.add()
        e.key, e.value = k, v
    onnx.checker.check_model(m)
    return m.SerializeToString(deterministic=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.normpath(os.path.join(HERE, "..", "..", "spectral-v1.onnx")))
    ap.add_argument("--card", default=os.path.normpath(os.path.join(HERE, "..", "..", "spectral-v1.card.json")))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    r = check_locality(sv.SpectralV1().eval())
    print(f"receptive radius: measured {r} px, declared {sv.RECEPTIVE_RADIUS} px, halo {sv.HALO} px")
    if r > sv.RECEPTIVE_RADIUS or sv.RECEPTIVE_RADIUS > sv.HALO:
        sys.exit("the model is not local enough for its halo")

    data = export_bytes()
    again = export_bytes()
    if data != again:
        sys.exit("two exports in one process differ: the export is not deterministic")
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, args.out)
    with open(args.card + ".tmp", "w", encoding="utf-8") as fh:
        fh.write(card_json())
    os.replace(args.card + ".tmp", args.card)
    print(f"wrote {args.out} ({len(data)} bytes) sha256 {hashlib.sha256(data).hexdigest()}")
    print(f"wrote {args.card}")
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, opset {OPSET}")


if __name__ == "__main__":
    main()
