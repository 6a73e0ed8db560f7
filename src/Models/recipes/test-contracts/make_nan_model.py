#!/usr/bin/env python3
"""Writes nan-change.onnx: a stacked change-logit model whose every output is NaN (a 1x1 convolution with NaN
weights), for the test that detect says so instead of reporting no change in silence. Plain protobuf encoding,
no onnx or torch needed; the sidecar card is stacked-change's with another name.

    /usr/bin/python3 src/Models/recipes/test-contracts/make_nan_model.py [OUT_DIR]   # default tests/Fixtures/models
"""
import json
import os
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field(number, value):
    """A length-delimited field (bytes or str) or a varint field (int)."""
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(number << 3 | 2) + varint(len(value)) + value


def tensor_type(dims):
    shape = b"".join(field(1, field(2, d) if isinstance(d, str) else field(1, d)) for d in dims)
    return field(1, field(1, 1) + field(2, shape))  # TypeProto.tensor_type {elem_type FLOAT, shape}


def value_info(name, dims):
    return field(1, name) + field(2, tensor_type(dims))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "tests", "Fixtures", "models")
    nan = struct.pack("<f", float("nan")) * 8
    weight = field(1, 1) + field(1, 8) + field(1, 1) + field(1, 1) + field(2, 1) + field(8, "w") + field(9, nan)
    node = field(1, "images") + field(1, "w") + field(2, "change") + field(3, "conv") + field(4, "Conv")
    graph = (field(1, node) + field(2, "nan-change") + field(5, weight)
             + field(11, value_info("images", ["N", 8, "H", "W"])) + field(12, value_info("change", ["N", 1, "H", "W"])))
    model = field(1, 7) + field(2, "weipian-test") + field(7, graph) + field(8, field(1, "") + field(2, 13))
    with open(os.path.join(out, "nan-change.onnx"), "wb") as f:
        f.write(model)
    here = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "tests", "Fixtures", "models", "stacked-change.card.json")
    with open(here, encoding="utf-8") as f:
        card = json.load(f)
    card["name"] = "test-nan-change"
    card["description"] = "Test model: every output NaN (1x1 convolution with NaN weights); sidecar card."
    with open(os.path.join(out, "nan-change.card.json"), "w", encoding="utf-8") as f:
        json.dump(card, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
