#!/usr/bin/python3
"""Trains a change model on a `weipian export-training` folder and exports it as a card-stamped ONNX (issue 16 §2).

    /usr/bin/python3 src/Models/recipes/train/train.py EXPORT_DIR --out DIR --name NAME [--version 1.0.0]
        [--base fusion-unet-v1 | FILE.onnx | none] [--epochs 20] [--batch 8] [--crop 160] [--lr L] [--seed 0]
        [--threads 2] [--steps-per-epoch N] [--bit-depth B] [--radiometry fixed|percentile]
        [--description TEXT]

The network is fusion-unet-v1's (src/Models/recipes/fusion-unet-v1/model.py) for the export's bands: B,G,R,NIR or
an RGB history's B,G,R (export.json says which). `--base` fine-tunes a bundled model (its weights read from the ONNX,
base.py; BatchNorm frozen, learning rate 1e-3); `--base none` trains from scratch (3e-3). Every crop goes through
randomise.py. One epoch draws every train chip once (a random crop of each) in a seeded order; after each, the
validation chips are run whole and scored per class.

Writes to --out: NAME.onnx (the card under metadata `weipian.card`), NAME.card.json, checkpoint.pt, report.json and
report.txt (loss per epoch, validation metrics per class). The card states the history's radiometry: scaling 0 to
2^bits - 1 with the chips' band mean and std, bitDepth, the 2/98 % percentiles as reference, and the chips' GSD; with
`--radiometry percentile` (histories of several bit depths or sensors) each scene's dates are mapped from their own 2/98 %
percentiles onto the base card's reference, and the card says mode percentile with that reference and the base's units.
Needs Debian's python3-torch, python3-onnx, python3-gdal, python3-numpy (/usr/bin/python3).
"""
import argparse
import copy
import math
import os
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import base as base_model  # noqa: E402
import history as hist  # noqa: E402
import report  # noqa: E402
from randomise import Randomiser  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "fusion-unet-v1"))
import export as fusion_export  # noqa: E402
from model import MULTIPLE, FusionUNet, parameters  # noqa: E402

# torch 1.13's exporter warns of shape inference on every Constant; the graph is checked by onnx.checker instead.
warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")


def arguments():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("export")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True, help="the new model's card name, e.g. fusion-unet-county")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--base", default="fusion-unet-v1", help="bundled name or .onnx to fine-tune, or none")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=160)
    ap.add_argument("--lr", type=float)
    ap.add_argument("--weights", default="1,2", help="cross-entropy weight of no change, then of every change class")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps-per-epoch", type=int, help="at most this many steps an epoch (smoke runs)")
    ap.add_argument("--bit-depth", type=int, help="bits of the history's values (default: measured)")
    ap.add_argument("--description", help="the card's description instead of the generated one (a model that ships "
                    "says what it was trained on and what it was never shown)")
    ap.add_argument("--radiometry", choices=("fixed", "percentile"), default="fixed",
                    help="fixed: the history's DN over its bit depth; percentile: each scene stretched onto the base card's "
                         "reference (a history of mixed bit depths or sensors), the card's mode percentile")
    args = ap.parse_args()
    if not 1 <= args.threads <= 2:
        ap.error("--threads: 1 or 2 (the machines this runs on are shared)")
    if args.crop % MULTIPLE or args.crop < 64:
        ap.error(f"--crop {args.crop}: a multiple of {MULTIPLE}, at least 64")
    if args.epochs < 1 or args.batch < 1:
        ap.error("--epochs and --batch: at least 1")
    return args


def validate(model, history, rows, units, mean, std, weights, classes):
    """Whole validation chips, padded by reflection to a multiple of 16: (mean loss, per-class scores)."""
    confusion = np.zeros((classes, classes), dtype=np.int64)
    losses = []
    model.eval()
    with torch.no_grad():
        for row in rows:
            b, a, m = history.chip(row)
            h, w = m.shape
            ph, pw = (-h) % MULTIPLE, (-w) % MULTIPLE
            xs = [F.pad(((torch.from_numpy(units(row, d, x)) - mean) / std)[None], (0, pw, 0, ph), mode="reflect")
                  for d, x in enumerate((b, a))]
            logits = model(*xs)[:, :, :h, :w]
            y = torch.from_numpy(m.astype(np.int64))[None]
            if (y != history.ignore).any():
                losses.append(float(F.cross_entropy(logits, y, weight=weights, ignore_index=history.ignore)))
            keep = m != history.ignore
            pred = logits[0].argmax(0).numpy()[keep]
            np.add.at(confusion, (m[keep].astype(np.int64), pred), 1)
    return (float(np.mean(losses)) if losses else None), report.scores(confusion, history.classes)


def card_for(template, args, history, bits, mean, std, reference, gsd, base_name, n_params, n_train):
    """The base's card with the new name, version, description and the history's radiometry; under --radiometry
    percentile the scaling keeps the base's units and reference and says mode percentile."""
    card = copy.deepcopy(template)
    card["name"] = args.name
    card["version"] = args.version
    origin = f"fine-tuned from {base_name}" if base_name else "trained from scratch"
    card["description"] = (
        f"Early-fusion U-Net ({n_params} parameters) classifying bi-temporal change into "
        f"{', '.join(c['name'] for c in history.classes[1:])}; {origin} by src/Models/recipes/train on the verified history "
        f"exported to '{os.path.basename(os.path.normpath(args.export))}' ({n_train} train chips, {','.join(history.bands)}, "
        f"{bits}-bit{' units, each scene percentile-stretched onto the reference' if args.radiometry == 'percentile' else ''}, "
        f"{gsd:.2f} m) with domain randomisation (bit depth, gain/offset, gamma, haze, blur/sharpening, noise, "
        f"JPEG-like artefacts, season, GSD jitter, 0-3 px misregistration). It was shown only that history's sensors, "
        f"places and seasons: check it on the history's test split (bench-models --split test) before use elsewhere.")
    if args.description:
        card["description"] = args.description
    inp = card["input"]
    inp["bands"] = list(history.bands)
    inp["scaling"] = {"min": [0], "max": [2 ** bits - 1], "mean": mean, "std": std, "reference": reference}
    if args.radiometry == "percentile":
        inp["scaling"]["mode"] = "percentile"
    inp["gsd"] = round(gsd, 2)
    inp["bitDepth"] = bits
    card["classes"] = history.classes
    return card


def main():
    args = arguments()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    history = hist.History(args.export)
    train_rows, val_rows = history.rows["train"], history.rows["validation"]
    if not train_rows:
        raise SystemExit(f"{args.export}: the export has no train chips")
    classes = len(history.classes)
    os.makedirs(args.out, exist_ok=True)
    fine_tune = args.base.lower() != "none"
    if fine_tune:
        path = base_model.resolve(args.base)
        model, template = base_model.load(path, history.bands, classes)
        if list(history.bands) == list(template["input"]["bands"]):
            worst = base_model.check_round_trip(model, path, history.bands)
            print(f"{args.base}: weights read from the ONNX; exported again they differ by at most {worst:g}", flush=True)
        base_name = f"{template['name']}@{template['version']}"
    else:
        model = FusionUNet(bands=len(history.bands), classes=classes)
        template = base_model.card_of(base_model.resolve("fusion-unet-v1"))
        base_name = None
    if args.radiometry == "percentile":
        bits = template["input"].get("bitDepth") or int(template["input"]["scaling"]["max"][0]).bit_length()
        reference = base_model.reference_for(template, history.bands)
        units = hist.Units(float(2 ** bits - 1), history, reference)
    else:
        bits = args.bit_depth or hist.bit_depth(history, train_rows)
        reference = hist.reference(history, train_rows)
        units = hist.Units(float(2 ** bits - 1))
    mean, std = hist.band_stats(history, train_rows, units)
    gsd = history.pixel_size()
    print(f"{args.export}: {len(train_rows)} train, {len(val_rows)} validation chips; bands {','.join(history.bands)}, "
          f"{bits}-bit{' units (percentile)' if args.radiometry == 'percentile' else ''}, {gsd:.2f} m; "
          f"band mean {mean} std {std}", flush=True)

    lr = args.lr or (1e-3 if fine_tune else 3e-3)
    w = [float(v) for v in args.weights.split(",")]
    weights = torch.tensor([w[0]] + [w[-1]] * (classes - 1) if len(w) == 2 else w)
    mean_t, std_t = torch.tensor(mean).view(-1, 1, 1), torch.tensor(std).view(-1, 1, 1)

    steps_per_epoch = math.ceil(len(train_rows) / args.batch)
    if args.steps_per_epoch:
        steps_per_epoch = min(steps_per_epoch, args.steps_per_epoch)
    total = steps_per_epoch * args.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=total, pct_start=0.1 if fine_tune else 0.05,
                                                div_factor=10 if fine_tune else 20, final_div_factor=100)
    randomiser = Randomiser(history.bands, args.seed + 1, history.ignore)
    order_rng = np.random.default_rng(args.seed + 2)
    t0 = time.time()
    epochs = []
    per_class = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        if fine_tune:
            base_model.freeze_batchnorm(model)
        order = order_rng.permutation(len(train_rows))
        losses = []
        for step in range(steps_per_epoch):
            items = []
            for i in order[step * args.batch:(step + 1) * args.batch]:
                b, a, m = history.chip(train_rows[i])
                k = min(args.crop, m.shape[0] - m.shape[0] % MULTIPLE)
                row = train_rows[i]
                rb, ra, rm = randomiser.crop(torch.from_numpy(units(row, 0, b)), torch.from_numpy(units(row, 1, a)),
                                             torch.from_numpy(m), k)
                items.append(((rb - mean_t) / std_t, (ra - mean_t) / std_t, rm))
            xb, xa, y = (torch.stack([it[j] for it in items]) for j in range(3))
            loss = F.cross_entropy(model(xb, xa), y, weight=weights, ignore_index=history.ignore)
            opt.zero_grad(set_to_none=True)
            if torch.isfinite(loss):
                loss.backward()
                opt.step()
                losses.append(float(loss))
            sched.step()
        val_loss, per_class = validate(model, history, val_rows, units, mean_t, std_t, weights, classes) if val_rows else (None, [])
        epochs.append({"epoch": epoch, "train_loss": round(float(np.mean(losses)) if losses else float("nan"), 4),
                       "validation_loss": None if val_loss is None else round(val_loss, 4),
                       "validation_mean_change_f1": report.mean_change_f1(per_class), "seconds": round(time.time() - t0)})
        e = epochs[-1]
        print(f"epoch {epoch}/{args.epochs}  train loss {e['train_loss']:.4f}  validation loss {e['validation_loss']}  "
              f"mean change F1 {e['validation_mean_change_f1']}  {e['seconds']} s", flush=True)

    model.eval()
    card = card_for(template, args, history, bits, mean, std, reference, gsd, base_name, parameters(model), len(train_rows))
    torch.save({"state_dict": model.state_dict(), "card": card, "args": vars(args)}, os.path.join(args.out, "checkpoint.pt"))
    onnx_path = os.path.join(args.out, args.name + ".onnx")
    torch.manual_seed(0)
    side = fusion_export.write_onnx(model, card, onnx_path)
    text = report.write(os.path.join(args.out, "report.json"), os.path.join(args.out, "report.txt"), {
        "model": {"name": args.name, "version": args.version, "onnx": onnx_path, "card": side},
        "base": base_name or "none (from scratch)", "history": os.path.abspath(args.export),
        "chips": {s: len(history.rows[s]) for s in hist.SPLITS}, "bands": history.bands, "bit_depth": bits, "radiometry": args.radiometry, "gsd": gsd,
        "settings": {k: v for k, v in vars(args).items() if k not in ("export", "out")} | {"lr": lr},
        "steps_per_epoch": steps_per_epoch, "seconds": round(time.time() - t0),
        "epochs": epochs, "validation": per_class})
    print(text, flush=True)


if __name__ == "__main__":
    main()
