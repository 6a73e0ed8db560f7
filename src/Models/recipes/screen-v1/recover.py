#!/usr/bin/python3
"""Recovers screen-v1's training checkpoint from an exported screen-v1.onnx, for export.py without training again.

    /usr/bin/python3 recover.py MODEL.onnx CHECKPOINT.pt [--no-change-bias B]

The graph's initializers are the network's parameters under their PyTorch names (with a "net." prefix in the blocks
form); the no-change bias the export added is taken off again, as the float32 that gives back the stored bias exactly.
The band statistics come from the card; the training arguments export.py reads are those run.sh trains with. Check:
export.py --form pair on the recovered checkpoint of the pair export reproduces its sha256.
"""
import argparse
import json

import numpy as np
import onnx
import torch
from onnx import numpy_helper

CARD_KEY = "weipian.card"


def unbias(stored, bias):
    """The float32 x with float32(x + bias) == stored: what the export's `head.bias[0] += bias` started from."""
    x = np.float32(np.float32(stored) - np.float32(bias))
    for _ in range(8):
        got = np.float32(x + np.float32(bias))
        if got == stored:
            return x
        x = np.nextafter(x, np.float32(np.inf) if got < stored else np.float32(-np.inf), dtype=np.float32)
    raise SystemExit(f"no float32 gives back the bias {stored} after adding {bias}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("checkpoint")
    ap.add_argument("--no-change-bias", type=float, default=0.619)
    ap.add_argument("--change-weight", type=float, default=3.0)
    args = ap.parse_args()
    proto = onnx.load(args.model)
    card = json.loads(next(p.value for p in proto.metadata_props if p.key == CARD_KEY))
    state = {i.name.removeprefix("net."): torch.from_numpy(numpy_helper.to_array(i).copy()) for i in proto.graph.initializer}
    bias = state["head.bias"]
    bias[0] = float(unbias(bias[0].numpy(), args.no_change_bias))
    scaling = card["input"]["scaling"]
    torch.save({"state_dict": state, "mean": scaling["mean"], "std": scaling["std"],
                "args": {"change_weight": args.change_weight}, "recovered_from": card["name"] + "@" + card["version"]},
               args.checkpoint)
    print(f"{args.checkpoint}: {len(state)} tensors from {args.model}")


if __name__ == "__main__":
    main()
