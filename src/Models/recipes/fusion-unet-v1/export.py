#!/usr/bin/python3
"""Exports the trained checkpoint to ONNX with its model card embedded, and writes the card sidecar.

    /usr/bin/python3 export.py CHECKPOINT OUT.onnx [--halo 48] [--tile 256] [--no-change-bias 0]

Opset 13, dynamic batch, height and width, BatchNorm folded into the convolutions (eval-mode export with
constant folding), fixed input/output names, the card under metadata_props key `weipian.card`.
Exports twice and checks the two files are byte-identical (sha256) before writing OUT.onnx and
OUT.card.json (the same card, for reading without onnx).
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import MULTIPLE, FusionUNet, parameters  # noqa: E402

NAME = "fusion-unet-v1"
VERSION = "1.0.0"
CARD_KEY = "weipian.card"
# The training data's 2/98 % percentiles per date and band (reference.py over the training scenes), which
# --radiometry percentile maps each date's onto; 10-bit DN; the GSD stated is the synthesiser's default, 0.8 m.
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "reference.json"), encoding="utf-8") as _f:
    REFERENCE = json.load(_f)
CLASSES = [
    {"id": 0, "name": "no change", "tblx": None},
    {"id": 1, "name": "building", "tblx": "20"},
    {"id": 2, "name": "pond", "tblx": "KT"},
    {"id": 3, "name": "mining", "tblx": "CK"},
    {"id": 4, "name": "facility agriculture", "tblx": "SN"},
]


def card_for(ckpt, tile, halo):
    return {
        "name": NAME,
        "version": VERSION,
        "description": (
            "Early-fusion U-Net (5 levels, 16-128 channels, additive skips, %d parameters) classifying bi-temporal change into "
            "building, pond, mining and facility agriculture; trained on synthetic GF-2-like B,G,R,NIR pairs "
            "(weipian synth, seeds 2000-2095, 0.8-2 m) by src/Models/recipes/fusion-unet-v1. Dynamic batch, height and "
            "width: any tile that is a multiple of %d and larger than twice the halo." % (ckpt["parameters"], MULTIPLE)),
        "input": {
            "form": "pair",
            "names": ["before", "after"],
            "bands": ["B", "G", "R", "NIR"],
            "scaling": {"min": [0], "max": [1023], "mean": ckpt["mean"], "std": ckpt["std"], "reference": REFERENCE},
            "tile": tile,
            "halo": halo,
            "batch": 0,
            "gsd": 0.8,
            "bitDepth": 10,
        },
        "output": {"name": "logits", "form": "logits"},
        "classes": CLASSES,
    }


def card_json(card):
    return json.dumps(card, indent=2, ensure_ascii=False) + "\n"


def export_once(model, path, card, tile):
    # One input per card name, tile / block a side (a screen of block means takes one value per block).
    names = card["input"]["names"]
    side = tile // card["input"].get("block", 1)
    x = torch.zeros(1, len(card["input"]["bands"]), side, side)
    dyn = {0: "batch", 2: "height", 3: "width"}
    torch.onnx.export(model, tuple(x for _ in names), path, input_names=names, output_names=["logits"],
                      dynamic_axes={**{name: dyn for name in names}, "logits": dyn},
                      opset_version=13, do_constant_folding=True, export_params=True)
    proto = onnx.load(path)
    entry = proto.metadata_props.add()
    entry.key = CARD_KEY
    entry.value = card_json(card)
    onnx.save(proto, path)
    onnx.checker.check_model(onnx.load(path))
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--halo", type=int, default=48)
    ap.add_argument("--no-change-bias", type=float, default=0.0,
                    help="added to the no-change logit (chosen on validation seeds; see README)")
    args = ap.parse_args()
    assert args.tile % MULTIPLE == 0 and (args.tile - 2 * args.halo) % MULTIPLE == 0 and args.tile > 2 * args.halo

    torch.manual_seed(0)
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    model = FusionUNet()
    model.load_state_dict(ckpt["state_dict"])
    with torch.no_grad():
        model.head.bias[0] += args.no_change_bias
    model.eval()
    ckpt["parameters"] = parameters(model)
    card = card_for(ckpt, args.tile, args.halo)

    write_onnx(model, card, args.out)


def write_onnx(model, card, out):
    """Exports MODEL (eval mode) twice at the card's tile, refuses unless both files are byte-identical and free of
    BatchNormalization, then writes OUT and its card sidecar OUT-without-.onnx.card.json. Shared with recipes/train."""
    tile = card["input"]["tile"]
    tmp = tempfile.mkdtemp(prefix="export-")
    try:
        h1 = export_once(model, os.path.join(tmp, "a.onnx"), card, tile)
        h2 = export_once(model, os.path.join(tmp, "b.onnx"), card, tile)
        if h1 != h2:
            sys.exit(f"export is not deterministic: {h1} != {h2}")
        proto = onnx.load(os.path.join(tmp, "a.onnx"))
        ops = sorted({n.op_type for n in proto.graph.node})
        assert "BatchNormalization" not in ops, ops
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        shutil.copyfile(os.path.join(tmp, "a.onnx"), out)
    finally:
        shutil.rmtree(tmp)
    side = os.path.splitext(out)[0] + ".card.json"
    with open(side, "w", encoding="utf-8", newline="\n") as f:
        f.write(card_json(card))
    print(f"{out}: {os.path.getsize(out)} bytes, sha256 {h1} (two exports identical), "
          f"{card['input']['tile']}/{card['input']['halo']} tile/halo, ops {','.join(ops)}")
    return side


if __name__ == "__main__":
    main()
