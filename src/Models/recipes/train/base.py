"""The model a run starts from: a bundled (or any) fusion U-Net ONNX, read back into the PyTorch network.

The bundled models ship as ONNX only (the checkpoint behind fusion-unet-v1 is 47 minutes of training away), so the
weights are taken from the graph's initialisers: each Conv node is named after the module that made it
("/encoder.2/encoder.2.0/encoder.2.0.0/Conv" -> module encoder.2.0.0), which gives the module whatever the
initialiser itself is called. BatchNorm was folded into the convolutions at export; the network gets the folded weight
and bias, and its BatchNorm is set to the identity (mean 0, variance 1 - eps, scale 1, shift = the folded bias) and
kept frozen while fine-tuning, so the network computes exactly what the ONNX does. `check_round_trip` proves it by
exporting the network again and comparing every convolution with the base's.

An RGB history fine-tunes an RGBN base by keeping the first layer's weights of the bands it has (before, after and
after - before each lose their NIR inputs).
"""
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "fusion-unet-v1"))
from model import FusionUNet  # noqa: E402

CARD_KEY = "weipian.card"


def resolve(base):
    """A bundled model's name (src/Models/NAME.onnx) or an .onnx path."""
    path = base if base.endswith(".onnx") else os.path.join(MODELS, base + ".onnx")
    if not os.path.isfile(path):
        raise SystemExit(f"--base {base}: no such model (a bundled name such as fusion-unet-v1, or an .onnx file)")
    return path


def card_of(path):
    proto = onnx.load(path)
    entry = next((e for e in proto.metadata_props if e.key == CARD_KEY), None)
    if entry is None:
        side = os.path.splitext(path)[0] + ".card.json"
        if not os.path.isfile(side):
            raise SystemExit(f"{path}: no card (metadata {CARD_KEY} or {side})")
        with open(side, encoding="utf-8") as f:
            return json.load(f)
    return json.loads(entry.value)


def _conv_weights(proto):
    inits = {i.name: numpy_helper.to_array(i) for i in proto.graph.initializer}
    out = {}
    for node in proto.graph.node:
        if node.op_type == "Conv":
            module = node.name.rsplit("/", 2)[-2]
            weight = np.array(inits[node.input[1]])
            bias = np.array(inits[node.input[2]]) if len(node.input) > 2 else np.zeros(weight.shape[0], np.float32)
            out[module] = (weight, bias)
    return out


def _bn_after(model):
    """Each Conv2d followed by a BatchNorm2d in the same block."""
    pairs = {}
    for m in model.modules():
        if isinstance(m, nn.Sequential) and len(m) >= 2 and isinstance(m[0], nn.Conv2d) and isinstance(m[1], nn.BatchNorm2d):
            pairs[m[0]] = m[1]
    return pairs


def load(path, bands, classes):
    """A FusionUNet for BANDS (a subset of the base card's, in any order) and CLASSES with the base's weights."""
    card = card_of(path)
    base_bands = card["input"]["bands"]
    missing = [b for b in bands if b not in base_bands]
    if missing:
        raise SystemExit(f"--base {path}: the history has band(s) {','.join(missing)} the base model was never shown "
                         f"(its bands: {','.join(base_bands)}); train from scratch with --base none")
    if len(card["classes"]) != classes:
        raise SystemExit(f"--base {path}: {len(card['classes'])} classes, the history {classes}; train from scratch with --base none")
    weights = _conv_weights(onnx.load(path))
    model = FusionUNet(bands=len(bands), classes=classes)
    bn = _bn_after(model)
    pick = [base_bands.index(b) for b in bands]
    first = [g * len(base_bands) + i for g in range(3) for i in pick]
    names = {m: n for n, m in model.named_modules()}
    with torch.no_grad():
        for conv in (m for m in model.modules() if isinstance(m, nn.Conv2d)):
            name = names[conv]
            if name not in weights:
                raise SystemExit(f"--base {path}: no Conv node for {name}; only fusion U-Nets made by src/Models/recipes can be fine-tuned")
            w, b = weights[name]
            if name == "encoder.0.0.0":
                w = w[:, first]
            if tuple(w.shape) != tuple(conv.weight.shape):
                raise SystemExit(f"--base {path}: {name} has shape {w.shape}, the network {tuple(conv.weight.shape)}")
            conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            if conv in bn:
                norm = bn[conv]
                norm.weight.fill_(1.0)
                norm.bias.copy_(torch.from_numpy(b))
                norm.running_mean.zero_()
                norm.running_var.fill_(1.0 - norm.eps)
            else:
                conv.bias.copy_(torch.from_numpy(b))
    return model, card


def freeze_batchnorm(model):
    """BatchNorm in inference mode (running statistics fixed): a folded base has no batch statistics to resume from."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()


def check_round_trip(model, path, bands):
    """Exports MODEL and compares each convolution with the base's (same bands only): refuses on any difference
    beyond float rounding, so a wrong name, a wrong band order or a BatchNorm left active cannot pass silently."""
    base = _conv_weights(onnx.load(path))
    tmp = tempfile.mkdtemp(prefix="roundtrip-")
    try:
        file = os.path.join(tmp, "m.onnx")
        x = torch.zeros(1, len(bands), 64, 64)
        model.eval()
        torch.onnx.export(model, (x, x), file, input_names=["before", "after"], output_names=["logits"],
                          opset_version=13, do_constant_folding=True)
        again = _conv_weights(onnx.load(file))
    finally:
        for f in os.listdir(tmp):
            os.remove(os.path.join(tmp, f))
        os.rmdir(tmp)
    worst = 0.0
    for name, (w, b) in again.items():
        bw, bb = base[name]
        if name != "encoder.0.0.0":
            worst = max(worst, float(np.abs(w - bw).max()), float(np.abs(b - bb).max()))
    if worst > 1e-5:
        raise SystemExit(f"{path}: the network read back differs from the base by {worst:g}")
    return worst


def reference_for(card, bands):
    """The card's input.scaling.reference (the training data's 2/98 % percentiles per date) for BANDS, in their order:
    what a percentile-trained model maps each scene onto, so the base's first layer keeps meeting the values it learnt."""
    ref = card["input"]["scaling"].get("reference")
    if ref is None:
        raise SystemExit(f"--radiometry percentile: the base {card['name']}'s card states no reference percentiles to map scenes onto")
    pick = [card["input"]["bands"].index(b) for b in bands]
    return {date: {k: [ref[date][k][i] for i in pick] for k in ("low", "high")} for date in ("before", "after")}
