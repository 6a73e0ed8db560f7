#!/usr/bin/python3
"""Exports screen-v1's checkpoint to ONNX with its card embedded, and writes the card sidecar.

    /usr/bin/python3 export.py CHECKPOINT OUT.onnx [--no-change-bias B] [--form blocks|pair]

fusion-unet-v1's export path (its write_onnx: opset 13, dynamic batch, height and width, two exports byte-identical),
with screen-v1's card: classes "no change" and "change" (no TBLX: a screen's classes never reach a polygon), the band
statistics of training, and fusion-unet-v1's radiometric reference (the same training scenes). --no-change-bias is
added to the no-change logit so that the engine's default screen threshold (0.35) flags what the validation chose:
0.619 = ln(0.65 / 0.35) makes it flag where the trained model's change probability is at least 0.5. --form blocks
(the default) exports the graph on the engine's block means (card input.form "blocks", block 4: three inputs, logits per
block); --form pair the full-resolution graph, which averages the blocks itself and repeats the logits over them.
"""
import argparse
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FUSION = os.path.join(HERE, "..", "fusion-unet-v1")
sys.path.insert(0, FUSION)
from export import card_for as fusion_card_for, write_onnx  # noqa: E402  (fusion-unet-v1's card and export path)
sys.path.insert(0, HERE)
from screen_model import FACTOR, MULTIPLE, RADIUS, BlockScreen, ScreenNet, parameters  # noqa: E402


def card_for(ckpt, tile, halo, bias, form):
    """fusion-unet-v1's card (input, scaling, reference: the same training scenes) with screen-v1's name, description and classes."""
    card = fusion_card_for(ckpt, tile, halo)
    card.update({
        "name": "screen-v1",
        "version": "1.1.0" if form == "blocks" else "1.0.0",
        "description": (
            "Screening model for the cascade (--screen): %d parameters on %d x %d block means of both dates and of their "
            "absolute difference, with context at twice the block; two classes (no change, change), trained on "
            "fusion-unet-v1's synthetic training scenes to flag every object that fusion-unet-v1 or the truth holds "
            "(change blocks weighted x%g); no-change logit shifted by %g, so that at the engine's default screen threshold "
            "(0.35) a pixel flags where the trained model's change probability is at least %.2f, the operating point "
            "validation chose. Receptive radius %d px <= halo. Not a detection model: its classes carry no change type. "
            "Recipe: src/Models/recipes/screen-v1."
            % (ckpt["parameters"], FACTOR, FACTOR, ckpt["args"]["change_weight"], bias,
               1 / (1 + math.exp(-(math.log(0.35 / 0.65) + bias))), RADIUS)),
        "classes": [{"id": 0, "name": "no change", "tblx": None}, {"id": 1, "name": "change", "tblx": None}],
    })
    if form == "blocks":
        fields = dict(card["input"], form="blocks", names=["before", "after", "difference"])
        card["input"] = {}
        for key, value in fields.items():
            card["input"][key] = value
            if key == "tile":
                card["input"]["block"] = FACTOR  # after the tile, as the card schema lists it
    return card


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    # Large tiles: the screen is cheap, so the halo read twice would be a large share of its pass.
    ap.add_argument("--tile", type=int, default=512)
    ap.add_argument("--halo", type=int, default=40)
    ap.add_argument("--no-change-bias", type=float, default=0.0)
    ap.add_argument("--form", choices=["blocks", "pair"], default="blocks")
    args = ap.parse_args()
    assert args.tile % MULTIPLE == 0 and args.halo % MULTIPLE == 0 and args.tile > 2 * args.halo and args.halo >= RADIUS

    torch.manual_seed(0)
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    model = ScreenNet()
    model.load_state_dict(ckpt["state_dict"])
    with torch.no_grad():
        model.head.bias[0] += args.no_change_bias
    model.eval()
    ckpt["parameters"] = parameters(model)
    graph = BlockScreen(model).eval() if args.form == "blocks" else model
    write_onnx(graph, card_for(ckpt, args.tile, args.halo, args.no_change_bias, args.form), args.out)


if __name__ == "__main__":
    main()
