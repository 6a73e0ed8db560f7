#!/usr/bin/python3
"""Trains screen-v1 on fusion-unet-v1's training scenes with label.sh's labels, and scores it on the validation scenes.

    /usr/bin/python3 train.py --scenes WORK/scenes --out WORK/train [--steps N]

Crops, augmentation and band statistics are fusion-unet-v1's (its train.py's Sampler: gain, haze, noise, dihedral);
the labels are z.npy (the truth plus what fusion-unet-v1 reports), binarised to change / no change and taken per 4 x 4
block (a block is change when any of its pixels is, and left out of the loss when all its pixels lack data). The
loss weighs change blocks more (--change-weight): the screen is for recall. Writes OUT/checkpoint.pt and prints, per
threshold on the change probability, the validation objects found and the share of blocks and detection tiles flagged.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fusion-unet-v1"))
import train as fusion  # noqa: E402  (fusion-unet-v1's Scene, Sampler, band statistics)
sys.path.insert(0, HERE)
from screen_model import FACTOR, ScreenNet, parameters  # noqa: E402

IGNORE = 255
THRESHOLDS = (0.1, 0.2, 0.35, 0.5)
KEPT, MARGIN = 160, 48   # fusion-unet-v1's tile grid: kept centre and halo
# An object worth a polygon: the smallest minimum mapping area (200 m², DOMAIN) at 0.8 m is 312 px; counting those that
# touch at least 192 px worth of blocks leaves room for their shape. Smaller specks of the detection model's class
# raster never become polygons.
MIN_BLOCKS = max(1, 192 // (FACTOR * FACTOR))


def relabel(scene):
    """Swaps the scene's truth for label.sh's z.npy and recomputes the change positions the sampler centres crops on."""
    scene.y = np.load(os.path.join(os.path.dirname(scene.x.filename), "z.npy"))
    scene.where = {}
    for c in range(1, 5):
        rr, cc = np.nonzero(scene.y == c)
        if len(rr):
            scene.where[c] = np.stack([rr[::7], cc[::7]], axis=1).astype(np.int32)
    return scene


def coarse_target(y):
    """N x H x W classes (255 = no data) -> N x H/4 x W/4: 1 where any pixel changes, 0, or 255 where none has data."""
    y = torch.as_tensor(y)
    change = ((y >= 1) & (y <= 4)).float().unsqueeze(1)
    valid = (y != IGNORE).float().unsqueeze(1)
    t = F.max_pool2d(change, FACTOR).squeeze(1).long()
    t[F.max_pool2d(valid, FACTOR).squeeze(1) == 0] = IGNORE
    return t


def components(mask):
    """4-connected components of a 2-D bool array: list of (rows, cols) index arrays (no scipy here)."""
    seen = np.zeros_like(mask, dtype=bool)
    out = []
    h, w = mask.shape
    for r0, c0 in zip(*np.nonzero(mask)):
        if seen[r0, c0]:
            continue
        stack, rows, cols = [(r0, c0)], [], []
        seen[r0, c0] = True
        while stack:
            r, c = stack.pop()
            rows.append(r)
            cols.append(c)
            for rr, cc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= rr < h and 0 <= cc < w and mask[rr, cc] and not seen[rr, cc]:
                    seen[rr, cc] = True
                    stack.append((rr, cc))
        out.append((np.array(rows), np.array(cols)))
    return out


def score(model, scenes, mean, std):
    """Per threshold: objects found (a change component of z with a flagged block), blocks flagged, detection tiles passed."""
    m = torch.tensor(mean, dtype=torch.float32).reshape(1, 4, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).reshape(1, 4, 1, 1)
    found = {t: 0 for t in THRESHOLDS}
    flagged = {t: 0 for t in THRESHOLDS}
    passed = {t: 0 for t in THRESHOLDS}
    objects = blocks = tiles = 0
    for sc in scenes:
        h, w = (sc.h // FACTOR) * FACTOR, (sc.w // FACTOR) * FACTOR
        x = torch.from_numpy(np.asarray(sc.x[:, :h, :w], dtype=np.float32)).unsqueeze(0) / fusion.DN_MAX
        with torch.no_grad():
            p = torch.softmax(model.coarse((x[:, :4] - m) / s, (x[:, 4:] - m) / s), dim=1)[0, 1].numpy()
        t = coarse_target(sc.y[None, :h, :w])[0].numpy()
        valid = t != IGNORE
        comps = [c for c in components(t == 1) if len(c[0]) >= MIN_BLOCKS]
        objects += len(comps)
        blocks += int(valid.sum())
        rows, cols = -(-h // KEPT), -(-w // KEPT)
        tiles += rows * cols
        for th in THRESHOLDS:
            flag = (p >= th) & valid
            flagged[th] += int(flag.sum())
            found[th] += sum(1 for rr, cc in comps if flag[rr, cc].any())
            passes = np.zeros((rows, cols), dtype=bool)
            for r, c in zip(*np.nonzero(flag)):
                y0, y1 = max(0, r * FACTOR - MARGIN), min(h - 1, r * FACTOR + FACTOR - 1 + MARGIN)
                x0, x1 = max(0, c * FACTOR - MARGIN), min(w - 1, c * FACTOR + FACTOR - 1 + MARGIN)
                passes[y0 // KEPT:y1 // KEPT + 1, x0 // KEPT:x1 // KEPT + 1] = True
            passed[th] += int(passes.sum())
    return {th: {"found": found[th], "objects": objects, "blocks": round(flagged[th] / blocks, 4),
                 "tiles": round(passed[th] / tiles, 4)} for th in THRESHOLDS}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenes", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--change-share", type=float, default=0.4)
    ap.add_argument("--change-weight", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    scenes = [relabel(s) for s in fusion.load_scenes(args.scenes, "t")]
    val = [relabel(s) for s in fusion.load_scenes(args.scenes, "v") + fusion.load_scenes(args.scenes, "n")]
    mean, std = fusion.band_stats(scenes)
    model = ScreenNet()
    print(f"{len(scenes)} training scenes, {len(val)} validation; ScreenNet {parameters(model)} parameters; "
          f"band mean {mean} std {std}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.05,
                                                div_factor=20, final_div_factor=200)
    weights = torch.tensor([1.0, args.change_weight])
    sampler = fusion.Sampler(scenes, args.crop, args.batch, args.change_share, args.seed + 1, mean, std)
    t0 = time.time()
    avg = None
    for step, (b, a, y) in enumerate(fusion.prefetch(sampler, args.steps), start=1):
        logits = model.coarse(torch.from_numpy(b), torch.from_numpy(a))
        loss = F.cross_entropy(logits, coarse_target(y), weight=weights, ignore_index=IGNORE)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        if step % 250 == 0 or step == args.steps:
            print(f"step {step}/{args.steps}  loss {avg:.4f}  {(time.time() - t0) / 60:.1f} min", flush=True)
    model.eval()
    scores = {split: score(model, [s for s in val if s.name[0] == prefix], mean, std)
              for split, prefix in (("val", "v"), ("valnull", "n"))}
    for th in THRESHOLDS:
        v, n = scores["val"][th], scores["valnull"][th]
        print(f"threshold {th}: val (25/km²) {v['found']}/{v['objects']} objects found, {100 * v['tiles']:.1f} % of detection "
              f"tiles passed; valnull (no change) {100 * n['blocks']:.2f} % of blocks flagged, {100 * n['tiles']:.1f} % of "
              f"tiles passed", flush=True)
    torch.save({"state_dict": model.state_dict(), "mean": mean, "std": std, "args": vars(args),
                "train_seconds": round(time.time() - t0), "scenes": [s.name for s in scenes]},
               os.path.join(args.out, "checkpoint.pt"))
    with open(os.path.join(args.out, "train.json"), "w") as f:
        json.dump({"mean": mean, "std": std, "args": vars(args), "train_seconds": round(time.time() - t0),
                   "parameters": parameters(model), "scenes": len(scenes),
                   "validation": {split: {str(k): v for k, v in d.items()} for split, d in scores.items()}}, f, indent=2)


if __name__ == "__main__":
    main()
