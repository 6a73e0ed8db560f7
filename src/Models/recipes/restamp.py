#!/usr/bin/python3
"""Re-stamps the bundled models' cards without re-exporting: metadata only, the graph (weights included) untouched.

    /usr/bin/python3 src/Models/recipes/restamp.py

For spectral-v1 and fusion-unet-v1 the card is built by the recipe's own export.py (spectral-v1: CARD;
fusion-unet-v1: card_for() with the mean, std and parameter count of the checkpoint, read back from the card the
model carries), written to src/Models/NAME.card.json and stamped into metadata_props `weipian.card` of NAME.onnx.
Refuses unless the graph serialises to the same bytes before and after, so a re-export from the same checkpoint
gives the same card and the same graph. Needs torch and onnx (Debian's python3-torch, python3-onnx).
"""
import hashlib
import importlib.util
import json
import os
import re
import sys

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, ".."))
CARD_KEY = "weipian.card"


def recipe(name):
    folder = os.path.join(HERE, name)
    sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name.replace("-", "_") + "_export", os.path.join(folder, "export.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def card_text(name, old):
    if name == "spectral-v1":
        return recipe(name).card_json()
    export = recipe(name)
    scaling = old["input"]["scaling"]
    ckpt = {"mean": scaling["mean"], "std": scaling["std"],
            "parameters": int(re.search(r"(\d+) parameters", old["description"]).group(1))}
    return export.card_json(export.card_for(ckpt, old["input"]["tile"], old["input"]["halo"]))


def main():
    for name in ("spectral-v1", "fusion-unet-v1"):
        path = os.path.join(MODELS, name + ".onnx")
        model = onnx.load(path)
        graph = model.graph.SerializeToString(deterministic=True)
        entry = next(e for e in model.metadata_props if e.key == CARD_KEY)
        text = card_text(name, json.loads(entry.value))
        entry.value = text
        onnx.checker.check_model(model)
        data = model.SerializeToString(deterministic=True)
        if onnx.load_from_string(data).graph.SerializeToString(deterministic=True) != graph:
            sys.exit(f"{name}: the graph changed; only the card may")
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
        with open(os.path.join(MODELS, name + ".card.json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"{name}: card re-stamped, graph sha256 {hashlib.sha256(graph).hexdigest()} unchanged; "
              f"{path} sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
