#!/usr/bin/python3
"""Builds the tiny ONNX models the inference tests load (tests/Fixtures/models/).

Run with Debian's python (torch 1.13, onnx 1.12 import only there):

    /usr/bin/python3 src/Models/recipes/test-contracts/make_test_models.py [out_dir]

Every weight comes from a closed formula (see `formula_weight`) whose values are multiples of 1/8,
so the C# tests can rebuild the same network as a scalar reference and, with inputs that are
multiples of 1/16, expect bit-exact float32 results. No randomness, no timestamps: running the
recipe twice gives byte-identical files (the test-contracts README says how that was checked).

Models written:
  pair-logits-5c.onnx     (a) pair inputs before/after 1x4x64x64 (fixed batch 1), logits 1x5x64x64,
                              card embedded; logits = conv3x3(concat(before, after)), salt 0
  stacked-change.onnx     (b) one input "images" Nx8xHxW (dynamic N, H, W), output "change" Nx1xHxW
                              (change-logit); card in the sidecar stacked-change.card.json; salt 1
  stacked-rgb-2c.onnx     (c) stacked R,G,B model, input "images" 2x6x32x32 (fixed batch 2), logits
                              2x2x32x32, card embedded; salt 2
  contradicts-graph.onnx  (d) pair model whose graph takes 3 channels per date while its embedded
                              card says B,G,R,NIR (4); salt 3
  stacked-rgb8-change.onnx (e) a model of an 8-bit R,G,B world: input "images" Nx6xHxW (dynamic N, H, W),
                              card (sidecar stacked-rgb8-change.card.json) scaling min 0 max 255, output
                              "change" = a 1x1 convolution reading only red: change where the after
                              date's red exceeds the before date's by at least 63.75 DN (8-bit)
  fp16-paths.onnx         (f) no card: a hand-built graph (onnx.helper, not torch) holding what the float16
                              rewrite must handle beyond the bundled models: Resize scales computed from a
                              ConstantOfShape without a value, Resize scales from a Cast(to=float), an
                              initializer also listed as a graph input, and a value_info entry; input "x"
                              1x2x4x4, output "y" 1x2x8x8 = resize(x) + bias + resize(x)
  screen-pixels.onnx      (h) a screen on full-resolution B,G,R,NIR pairs (dynamic N, H, W): the 4 x 4 block means
                              of before, after and |after - before| (average poolings), a 1x1 head to 2 logits
                              (no change 0; change 4 x the summed mean |after - before| + NIR after - NIR before,
                              scaled, - 12), repeated over each block's 16 pixels; card embedded, tile 128 halo 16
  screen-blocks.onnx      (i) the same head on the three block means the engine computes (input.form "blocks",
                              block 4): what (h) gives per block, one value per block
"""
import json
import os
import sys

import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper

OPSET = 13
CARD_KEY = "weipian.card"

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "tests", "Fixtures", "models")

CLASSES_5 = [
    {"id": 0, "name": "no change", "tblx": None},
    {"id": 1, "name": "building", "tblx": "20"},
    {"id": 2, "name": "pond", "tblx": "KT"},
    {"id": 3, "name": "mining", "tblx": "CK"},
    {"id": 4, "name": "facility agriculture", "tblx": "SN"},
]
SCALING_10BIT = {"min": [0], "max": [1023], "mean": [0.25, 0.3, 0.35, 0.4], "std": [0.125, 0.25, 0.5, 0.25]}


def formula_weight(o, i, dy, dx, salt):
    """Conv weight [o, i, dy, dx]: a multiple of 1/8 in [-5/8, 5/8]. Mirrored in tests/Inference/TestModels.cs."""
    return (((o * 31 + i * 7 + dy * 3 + dx * 5 + salt * 13) % 11) - 5) / 8.0


def formula_bias(o, salt):
    """Conv bias [o]: a multiple of 1/4 in [-1/2, 1/2]."""
    return (((o * 3 + salt) % 5) - 2) / 4.0


def formula_conv(in_ch, out_ch, salt):
    """A 3x3 convolution, zero padding 1, stride 1, with formula weights."""
    conv = torch.nn.Conv2d(in_ch, out_ch, kernel_size=3, padding=1, bias=True)
    with torch.no_grad():
        for o in range(out_ch):
            conv.bias[o] = formula_bias(o, salt)
            for i in range(in_ch):
                for dy in range(3):
                    for dx in range(3):
                        conv.weight[o, i, dy, dx] = formula_weight(o, i, dy, dx, salt)
    return conv


class PairNet(torch.nn.Module):
    """Two inputs; conv3x3 over concat(before, after) on the channel axis."""

    def __init__(self, bands, out_ch, salt):
        super().__init__()
        self.conv = formula_conv(2 * bands, out_ch, salt)

    def forward(self, before, after):
        return self.conv(torch.cat([before, after], dim=1))


class RedRiseNet(torch.nn.Module):
    """Stacked R,G,B of two dates -> change logit = (after R - before R in model units) - 1, a 1x1 convolution.

    With the card's scaling (min 0, max 255, mean 0.5, std 0.25) a model unit is 63.75 DN, so the logit is
    (clamp(R_after, 0, 255) - clamp(R_before, 0, 255)) / 63.75 - 1 and sigmoid >= 0.5 means a rise of 63.75 DN.
    """

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(6, 1, kernel_size=1, bias=True)
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.weight[0, 0, 0, 0] = -1.0   # before R
            self.conv.weight[0, 3, 0, 0] = 1.0    # after R
            self.conv.bias[0] = -1.0

    def forward(self, images):
        return self.conv(images)


class StackedNet(torch.nn.Module):
    """One stacked input (2C channels); conv3x3 over it."""

    def __init__(self, bands, out_ch, salt):
        super().__init__()
        self.conv = formula_conv(2 * bands, out_ch, salt)

    def forward(self, images):
        return self.conv(images)


class ScreenHead(torch.nn.Module):
    """Screens (h) and (i): logits per 4 x 4 block from the block means of each date and of |after - before|."""

    def __init__(self, blocks):
        super().__init__()
        self.blocks = blocks
        self.head = torch.nn.Conv2d(12, 2, kernel_size=1, bias=True)
        with torch.no_grad():
            self.head.weight.zero_()
            self.head.bias.zero_()
            self.head.weight[1, 8:12, 0, 0] = 4.0    # the summed mean |after - before|
            self.head.weight[1, 7, 0, 0] = 1.0       # NIR after
            self.head.weight[1, 3, 0, 0] = -1.0      # NIR before
            self.head.bias[1] = -12.0

    def forward(self, *inputs):
        if self.blocks:
            return self.head(torch.cat(inputs, dim=1))
        before, after = inputs
        means = [F.avg_pool2d(before, 4), F.avg_pool2d(after, 4), F.avg_pool2d(torch.abs(after - before), 4)]
        c = self.head(torch.cat(means, dim=1))
        n, k, h, w = c.shape
        return c[:, :, :, None, :, None].expand(n, k, h, 4, w, 4).reshape(n, k, h * 4, w * 4)


def export(model, args, path, input_names, output_names, dynamic_axes=None, card=None):
    model.eval()
    torch.onnx.export(
        model,
        args,
        path,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=OPSET,
        do_constant_folding=True,
        export_params=True,
    )
    if card is not None:
        proto = onnx.load(path)
        entry = proto.metadata_props.add()
        entry.key = CARD_KEY
        entry.value = card_json(card)
        onnx.save(proto, path)
    onnx.checker.check_model(onnx.load(path))


def write_fp16_paths(path):
    f32 = TensorProto.FLOAT
    bias = helper.make_tensor("bias", f32, [1, 2, 1, 1], [0.25, -0.5])
    nodes = [
        # Scales computed at run time: ConstantOfShape without a value gives float32 zeros, plus (1, 1, 2, 2).
        helper.make_node("Constant", [], ["shape4"], value=helper.make_tensor("shape4_v", TensorProto.INT64, [1], [4])),
        helper.make_node("ConstantOfShape", ["shape4"], ["zeros"]),
        helper.make_node("Constant", [], ["ones_twos"], value=helper.make_tensor("ones_twos_v", f32, [4], [1, 1, 2, 2])),
        helper.make_node("Add", ["zeros", "ones_twos"], ["scales"]),
        helper.make_node("Resize", ["x", "", "scales"], ["up"], mode="nearest"),
        # Scales from a Cast(to=float) read only by Resize: stays float32.
        helper.make_node("Constant", [], ["int_scales"], value=helper.make_tensor("int_scales_v", TensorProto.INT64, [4], [1, 1, 2, 2])),
        helper.make_node("Cast", ["int_scales"], ["scales2"], to=f32),
        helper.make_node("Resize", ["x", "", "scales2"], ["up2"], mode="nearest"),
        helper.make_node("Add", ["up", "bias"], ["biased"]),
        helper.make_node("Add", ["biased", "up2"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "fp16-paths",
        # "bias" is an initializer and also a graph input, as exporters of IR version 3 wrote them.
        [helper.make_tensor_value_info("x", f32, [1, 2, 4, 4]), helper.make_tensor_value_info("bias", f32, [1, 2, 1, 1])],
        [helper.make_tensor_value_info("y", f32, [1, 2, 8, 8])],
        initializer=[bias],
        value_info=[helper.make_tensor_value_info("up", f32, [1, 2, 8, 8])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="weipian-test-contracts")
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)


def card_json(card):
    return json.dumps(card, indent=2, ensure_ascii=False) + "\n"


def main():
    out = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)

    # (a) pair, logits, 5 classes, fixed batch 1, tile 64 halo 8, card embedded.
    card_a = {
        "name": "test-pair-logits",
        "version": "1.0.0",
        "description": "Test model (a): conv3x3 over concat(before, after), formula weights (salt 0).",
        "input": {
            "form": "pair",
            "names": ["before", "after"],
            "bands": ["B", "G", "R", "NIR"],
            "scaling": SCALING_10BIT,
            "tile": 64,
            "halo": 8,
            "batch": 1,
        },
        "output": {"name": "logits", "form": "logits"},
        "classes": CLASSES_5,
    }
    x = torch.zeros(1, 4, 64, 64)
    export(PairNet(4, 5, 0), (x, x), os.path.join(out, "pair-logits-5c.onnx"),
           ["before", "after"], ["logits"], card=card_a)

    # (b) stacked (OpenMMLab-style "images"), dynamic batch/height/width, change-logit, sidecar card.
    card_b = {
        "name": "test-stacked-change",
        "version": "0.3.1",
        "description": "Test model (b): conv3x3 over the stacked 8-channel input (salt 1); sidecar card.",
        "input": {
            "form": "stacked",
            "names": ["images"],
            "stackOrder": "before-after",
            "bands": ["B", "G", "R", "NIR"],
            "scaling": {"min": [0], "max": [1023], "mean": [0.5], "std": [0.25]},
            "tile": 48,
            "halo": 4,
            "batch": 0,
        },
        "output": {"name": "change", "form": "change-logit", "threshold": 0.5, "changeClass": 1},
        "classes": [{"id": 0, "name": "no change", "tblx": None}, {"id": 1, "name": "building", "tblx": "20"}],
    }
    x = torch.zeros(2, 8, 48, 48)
    export(StackedNet(4, 1, 1), (x,), os.path.join(out, "stacked-change.onnx"),
           ["images"], ["change"],
           dynamic_axes={"images": {0: "batch", 2: "height", 3: "width"},
                         "change": {0: "batch", 2: "height", 3: "width"}})
    with open(os.path.join(out, "stacked-change.card.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(card_json(card_b))

    # (c) stacked R,G,B model, fixed batch 2, for band selection and batch padding.
    card_c = {
        "name": "test-stacked-rgb",
        "version": "2.0.0",
        "description": "Test model (c): R,G,B stacked, conv3x3 (salt 2), fixed batch 2.",
        "input": {
            "form": "stacked",
            "names": ["images"],
            "stackOrder": "before-after",
            "bands": ["R", "G", "B"],
            "scaling": {"min": [0], "max": [1023], "mean": [0.5, 0.5, 0.5], "std": [0.25]},
            "tile": 32,
            "halo": 4,
            "batch": 2,
        },
        "output": {"name": "logits", "form": "logits"},
        "classes": [{"id": 0, "name": "no change", "tblx": None}, {"id": 1, "name": "building", "tblx": "20"}],
    }
    x = torch.zeros(2, 6, 32, 32)
    export(StackedNet(3, 2, 2), (x,), os.path.join(out, "stacked-rgb-2c.onnx"),
           ["images"], ["logits"], card=card_c)

    # (d) a card that contradicts its graph: the card says 4 bands, the graph takes 3 per date.
    card_d = json.loads(json.dumps(card_a))
    card_d["name"] = "test-contradicts-graph"
    card_d["description"] = "Test model (d): the card says B,G,R,NIR but the graph takes 3 channels per date."
    x = torch.zeros(1, 3, 64, 64)
    export(PairNet(3, 5, 3), (x, x), os.path.join(out, "contradicts-graph.onnx"),
           ["before", "after"], ["logits"], card=card_d)

    # (e) 8-bit scaling: an R,G,B model trained on 8-bit imagery, run on 4-band scenes (bands chosen by role),
    # 8-bit (Byte) as the card says, or 10-bit UInt16 with a sidecar saying max 1023.
    card_e = {
        "name": "test-stacked-rgb8-change",
        "version": "1.0.0",
        "description": "Test model (e): 8-bit R,G,B; change where red rises by at least 63.75 DN (1x1 convolution).",
        "input": {
            "form": "stacked",
            "names": ["images"],
            "stackOrder": "before-after",
            "bands": ["R", "G", "B"],
            "scaling": {"min": [0], "max": [255], "mean": [0.5], "std": [0.25]},
            "tile": 32,
            "halo": 2,
            "batch": 0,
        },
        "output": {"name": "change", "form": "change-logit", "threshold": 0.5, "changeClass": 1},
        "classes": [{"id": 0, "name": "no change", "tblx": None}, {"id": 1, "name": "building", "tblx": "20"}],
    }
    x = torch.zeros(1, 6, 32, 32)
    export(RedRiseNet(), (x,), os.path.join(out, "stacked-rgb8-change.onnx"),
           ["images"], ["change"],
           dynamic_axes={"images": {0: "batch", 2: "height", 3: "width"},
                         "change": {0: "batch", 2: "height", 3: "width"}})
    with open(os.path.join(out, "stacked-rgb8-change.card.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(card_json(card_e))

    # (f) the float16 rewrite's less common paths; every value a multiple of 1/16 so float16 is exact too.
    write_fp16_paths(os.path.join(out, "fp16-paths.onnx"))

    # (h), (i) one screen, on full-resolution pairs and on the engine's block means.
    dyn = {0: "batch", 2: "height", 3: "width"}
    for name, blocks in (("screen-pixels", False), ("screen-blocks", True)):
        names = ["before", "after", "difference"] if blocks else ["before", "after"]
        card = {
            "name": "test-" + name,
            "version": "1.0.0",
            "description": "Test screens (h), (i): a 1x1 head on 4 x 4 block means; " + ("the engine's block means." if blocks else "full-resolution pairs."),
            "input": {"form": "blocks" if blocks else "pair", "names": names, "bands": ["B", "G", "R", "NIR"],
                      "scaling": SCALING_10BIT, "tile": 128, **({"block": 4} if blocks else {}), "halo": 16, "batch": 0},
            "output": {"name": "logits", "form": "logits"},
            "classes": [{"id": 0, "name": "no change", "tblx": None}, {"id": 1, "name": "change", "tblx": None}],
        }
        side = 32 if blocks else 128
        x = torch.zeros(1, 4, side, side)
        export(ScreenHead(blocks), tuple(x for _ in names), os.path.join(out, name + ".onnx"), names, ["logits"],
               dynamic_axes={**{n: dyn for n in names}, "logits": dyn}, card=card)

    for name in sorted(os.listdir(out)):
        print(f"{os.path.getsize(os.path.join(out, name)):8d}  {name}")


if __name__ == "__main__":
    main()
