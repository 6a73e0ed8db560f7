#!/usr/bin/python3
"""Static int8 quantisation of a float32 fusion U-Net ONNX into a QDQ graph that ONNX Runtime runs on int8 kernels.

    /usr/bin/python3 quantise.py --base fusion-unet-v1 --out OUT.onnx SCENE_DIR [SCENE_DIR ...]
        [--percentile 99.99] [--tiles-per-scene 16]

SCENE_DIR: folders written by `weipian synth` and converted by ../fusion-unet-v1/prep.py (x.npy: before and after
B,G,R,NIR in raw DN). Every calibration tile is scaled exactly as the engine scales it with the card's fixed scaling:
(clamp(x, min, max) - min) / (max - min), then (v - mean) / std per band, cut into tiles of the card's size.

Calibration: the float network (the PyTorch twin read from the ONNX's initialisers by ../train/base.py, so the
ranges are those of the very weights being quantised) runs on the tiles with forward hooks on every Conv2d (its
input, and its output where no ReLU follows) and every ReLU (its output). Each range is the (100 - P, P) percentile
of a fixed-seed sample of the tensor's values, P = 99.99 by default, widened to include 0 so zero padding stays
exact. Why a percentile rather than min/max: a handful of very large activations (bright roofs, saturated water
edges) would otherwise set the step for every pixel; clipping the top 0.01 % keeps the step of the bulk small, and
the clipped values still saturate on the same side, which a class decision does not notice. `--percentile 100`
gives plain min/max.

The graph written (opset 13, per-axis DequantizeLinear):
  * activations: uint8, asymmetric (scale = (hi - lo) / 255, zero point round(-lo / scale)), one Q -> DQ pair after
    each tensor the int8 kernels read or write: the Concat of the first layer, every ReLU, every projection Conv,
    every Add of a skip, and MaxPool / Resize outputs with their input's scale (so ONNX Runtime runs them on uint8);
  * weights: int8, symmetric per output channel (scale = max |w| / 127, zero point 0); biases int32 at the scale
    input scale x weight scale, so ONNX Runtime fuses DQ -> Conv -> (ReLU) -> Q into QLinearConv (ReLU made
    redundant by the uint8 zero point 0 of its output);
  * the head (the last 1x1 Conv, 16 -> classes) stays float32: its output is the graph's logits, and 8-bit logits
    would coarsen the argmax between near-tied classes for under 1 % of the network's multiply-adds.
Inputs and outputs stay float32 with the same names; the card (metadata `weipian.card` and the sidecar) is the
base's with its version suffixed `-int8` and its description saying so. onnx.checker must pass.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
sys.path.insert(0, os.path.join(HERE, "..", "fusion-unet-v1"))
import base  # noqa: E402
from export import card_json  # noqa: E402

SAMPLE_PER_CALL = 1 << 13   # values kept per hooked tensor and forward pass, for the percentile


class Ranges:
    """Per module: a fixed-seed sample of its input and output values, and their exact min and max."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.samples = {}
        self.extremes = {}

    def add(self, key, tensor):
        flat = tensor.detach().reshape(-1).numpy()
        pick = self.rng.integers(0, flat.size, size=min(SAMPLE_PER_CALL, flat.size))
        self.samples.setdefault(key, []).append(flat[pick].astype(np.float32))
        lo, hi = float(flat.min()), float(flat.max())
        old = self.extremes.get(key, (lo, hi))
        self.extremes[key] = (min(old[0], lo), max(old[1], hi))

    def range(self, key, percentile):
        if key not in self.samples:
            raise SystemExit(f"no calibration values for {key}: the graph is not the fusion U-Net base.py reads")
        if percentile >= 100:
            lo, hi = self.extremes[key]
        else:
            values = np.concatenate(self.samples[key])
            lo, hi = (float(v) for v in np.percentile(values, [100 - percentile, percentile]))
        return min(lo, 0.0), max(hi, 0.0)


def hook(model, ranges):
    """Forward hooks recording every Conv2d's input and output and every ReLU's output (they return None, so the
    network computes what it computed before)."""
    def record(name, conv):
        def on_forward(_module, inputs, output):
            if conv:
                ranges.add((name, "in"), inputs[0])
            ranges.add((name, "out"), output)
        return on_forward

    for name, module in model.named_modules():
        if isinstance(module, (nn.Conv2d, nn.ReLU)):
            module.register_forward_hook(record(name, isinstance(module, nn.Conv2d)))


def tiles(folder, card, per_scene, rng):
    """Up to PER_SCENE tiles of the card's size from the scene's x.npy, scaled as the engine's fixed scaling does."""
    x = np.load(os.path.join(folder, "x.npy")).astype(np.float32)
    inp = card["input"]
    bands = len(inp["bands"])
    if x.shape[0] != 2 * bands:
        raise SystemExit(f"{folder}/x.npy: {x.shape[0]} bands, the card wants {bands} per date")
    scaling = inp["scaling"]

    def per_band(key):
        v = np.array(scaling[key], np.float32)
        return np.broadcast_to(v if v.size == bands else v[:1], (bands,)).reshape(bands, 1, 1)

    lo, hi, mean, std = per_band("min"), per_band("max"), per_band("mean"), per_band("std")
    dates = [((np.clip(x[d * bands:(d + 1) * bands], lo, hi) - lo) / (hi - lo) - mean) / std for d in range(2)]
    t = inp["tile"]
    corners = [(r, c) for r in range(0, x.shape[1] - t + 1, t) for c in range(0, x.shape[2] - t + 1, t)]
    if not corners:
        raise SystemExit(f"{folder}: smaller than one {t} px tile")
    chosen = rng.choice(len(corners), size=min(per_scene, len(corners)), replace=False)
    for k in sorted(chosen):
        r, c = corners[k]
        yield tuple(np.ascontiguousarray(d[:, r:r + t, c:c + t])[None] for d in dates)


def calibrate(model, card, scenes, per_scene):
    ranges = Ranges(seed=19)
    hook(model, ranges)
    rng = np.random.default_rng(19)
    count = 0
    with torch.no_grad():
        for folder in scenes:
            for before, after in tiles(folder, card, per_scene, rng):
                model(torch.from_numpy(before), torch.from_numpy(after))
                count += 1
    return ranges, count


def module_of(node):
    """'/encoder.2/encoder.2.0/encoder.2.0.0/Conv' -> 'encoder.2.0.0' (the exporter names nodes after modules)."""
    parts = node.name.split("/")
    return parts[-2] if len(parts) >= 3 else None


def uint8_params(lo, hi):
    scale = max((hi - lo) / 255.0, 1e-8)
    zero = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero)


def activation_params(graph, ranges, percentile, head):
    """(scale, zero point) of every activation the int8 graph quantises, keyed by tensor name."""
    producer = {o: n for n in graph.node for o in n.output}
    params = {}
    for node in graph.node:   # topological order: a MaxPool's or Resize's input is settled before it
        out = node.output[0]
        if node.op_type in ("MaxPool", "Resize"):
            params[out] = params[node.input[0]]
        elif node.op_type == "Relu":
            params[out] = uint8_params(*ranges.range((module_of(node), "out"), percentile))
        elif node.op_type == "Conv" and node.name != head:
            consumers = [n for n in graph.node if out in n.input]
            if not any(c.op_type == "Relu" for c in consumers):
                params[out] = uint8_params(*ranges.range((module_of(node), "out"), percentile))
            source = producer.get(node.input[0])
            if source is not None and source.op_type in ("Concat", "Add"):
                params[node.input[0]] = uint8_params(*ranges.range((module_of(node), "in"), percentile))
    return params


def quantise_weight(w):
    """int8 symmetric per output channel: (q, scale)."""
    peak = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1e-8).astype(np.float32)
    q = np.clip(np.round(w / scale.reshape(-1, *([1] * (w.ndim - 1)))), -127, 127).astype(np.int8)
    return q, scale


def rewrite(proto, params, head):
    graph = proto.graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    new_inits, weight_nodes, nodes = [], [], []

    def dq_param(name, scale, zero, x_name, axis=None):
        new_inits.extend([numpy_helper.from_array(np.asarray(scale), name + "/scale"),
                          numpy_helper.from_array(np.asarray(zero), name + "/zero_point")])
        kw = {} if axis is None else {"axis": axis}
        return helper.make_node("DequantizeLinear", [x_name, name + "/scale", name + "/zero_point"], [name + "/dq"],
                                name=name + "/DequantizeLinear", **kw)

    rename = {t: t + "/dq" for t in params}
    used = set()
    for node in graph.node:
        inputs = [rename.get(i, i) for i in node.input]
        if node.op_type == "Conv" and node.name != head:
            x_scale = params[node.input[0]][0]
            w = inits[node.input[1]]
            q, w_scale = quantise_weight(w)
            wname = node.input[1]
            new_inits.append(numpy_helper.from_array(q, wname + "/int8"))
            weight_nodes.append(dq_param(wname, w_scale, np.zeros_like(q[:, 0, 0, 0]), wname + "/int8", axis=0))
            inputs[1] = wname + "/dq"
            used.add(wname)
            if len(node.input) > 2:
                bname = node.input[2]
                b_scale = (x_scale * w_scale).astype(np.float32)
                qb = np.round(inits[bname] / b_scale).astype(np.int32)
                new_inits.append(numpy_helper.from_array(qb, bname + "/int32"))
                weight_nodes.append(dq_param(bname, b_scale, np.zeros_like(qb), bname + "/int32", axis=0))
                inputs[2] = bname + "/dq"
                used.add(bname)
        del node.input[:]
        node.input.extend(inputs)
        nodes.append(node)
        for out in node.output:
            if out in params:
                scale, zero = params[out]
                new_inits.extend([numpy_helper.from_array(np.asarray(scale), out + "/scale"),
                                  numpy_helper.from_array(np.asarray(zero), out + "/zero_point")])
                nodes.append(helper.make_node("QuantizeLinear", [out, out + "/scale", out + "/zero_point"], [out + "/q"],
                                              name=out + "/QuantizeLinear"))
                nodes.append(helper.make_node("DequantizeLinear", [out + "/q", out + "/scale", out + "/zero_point"],
                                              [out + "/dq"], name=out + "/DequantizeLinear"))
    kept = [i for i in graph.initializer if i.name not in used]
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    del graph.node[:]
    graph.node.extend(weight_nodes + nodes)
    del graph.value_info[:]   # intermediate shapes and types changed; ONNX Runtime infers them again


def int8_card(card, percentile, scenes, tiles_used):
    card = json.loads(json.dumps(card))
    card["version"] = card["version"] + "-int8"
    card["description"] = (
        f"int8 variant of {card['name']} (static QDQ: uint8 asymmetric activations, int8 per-channel weights, "
        f"float32 head; calibrated on {tiles_used} tiles of {len(scenes)} synthesised scenes, {percentile:g} % "
        f"percentile ranges, by src/Models/recipes/int8/quantise.py). " + card["description"])
    return card


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenes", nargs="+", help="calibration scene folders with x.npy (weipian synth + prep.py)")
    ap.add_argument("--base", default="fusion-unet-v1", help="bundled float32 fusion U-Net name or .onnx file")
    ap.add_argument("--out", required=True, help="the int8 .onnx to write (its .card.json beside it)")
    ap.add_argument("--percentile", type=float, default=99.99, help="range percentile (100: min/max)")
    ap.add_argument("--tiles-per-scene", type=int, default=16)
    args = ap.parse_args()
    if not 50 < args.percentile <= 100:
        raise SystemExit(f"--percentile {args.percentile}: give a percentile above 50 and at most 100, e.g. 99.99")
    torch.set_num_threads(2)
    path = base.resolve(args.base)
    card = base.card_of(path)
    model, _ = base.load(path, card["input"]["bands"], len(card["classes"]))
    model.eval()
    ranges, used = calibrate(model, card, args.scenes, args.tiles_per_scene)

    proto = onnx.load(path)
    output = proto.graph.output[0].name
    head = next(n for n in proto.graph.node if output in n.output)
    if head.op_type != "Conv":
        raise SystemExit(f"{path}: the output {output} is not made by a Conv; only fusion U-Nets are handled")
    head = head.name
    params = activation_params(proto.graph, ranges, args.percentile, head)
    rewrite(proto, params, head)
    int8 = int8_card(card, args.percentile, args.scenes, used)
    for entry in proto.metadata_props:
        if entry.key == base.CARD_KEY:
            entry.value = card_json(int8)
    proto.producer_name = "weipian int8/quantise.py"
    onnx.checker.check_model(proto)
    onnx.save(proto, args.out)
    with open(os.path.splitext(args.out)[0] + ".card.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(card_json(int8))
    convs = sum(1 for n in proto.graph.node if n.op_type == "Conv")
    print(f"{args.out}: {os.path.getsize(args.out)} bytes; {len(params)} quantised activations, {convs - 1} int8 "
          f"Convs + float32 head; calibrated on {used} tiles of {len(args.scenes)} scenes, {args.percentile:g} % ranges")


if __name__ == "__main__":
    main()
