#!/usr/bin/python3
"""Trains the fusion U-Net on the synthesised training scenes (CPU, 2 threads, fixed seeds).

    /usr/bin/python3 train.py --scenes WORK/scenes --out WORK/train [--steps N] [--crop 160] [--batch 12]

Reads x.npy / y.npy written by prep.py (no GDAL here). Writes OUT/checkpoint.pt (weights, card scaling,
settings) and OUT/log.tsv (step, seconds, loss, learning rate). Everything random comes from fixed seeds:
crop positions, augmentations, initial weights.
"""
import argparse
import json
import math
import os
import queue
import sys
import threading
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import FusionUNet, MULTIPLE, parameters  # noqa: E402

IGNORE = 255
DN_MAX = 1023.0
HAZE_BASE = np.array([26.0, 18.0, 10.0, 5.0], dtype=np.float32)   # typical path radiance per band, DN


class Scene:
    def __init__(self, folder):
        self.name = os.path.basename(folder)
        self.x = np.load(os.path.join(folder, "x.npy"), mmap_mode="r")
        self.y = np.load(os.path.join(folder, "y.npy"))
        self.h, self.w = self.y.shape
        # Positions of change pixels per class (every 7th, to keep the lists small).
        self.where = {}
        for c in range(1, 5):
            rr, cc = np.nonzero(self.y == c)
            if len(rr):
                self.where[c] = np.stack([rr[::7], cc[::7]], axis=1).astype(np.int32)


def load_scenes(root, prefix):
    names = sorted(n for n in os.listdir(root) if n.startswith(prefix) and os.path.exists(os.path.join(root, n, "y.npy")))
    return [Scene(os.path.join(root, n)) for n in names]


def band_stats(scenes):
    """Per-band mean and std of x/1023 over valid pixels of both dates (every 4th row and column)."""
    s = np.zeros(4)
    s2 = np.zeros(4)
    n = 0
    for sc in scenes:
        x = np.asarray(sc.x[:, ::4, ::4], dtype=np.float64) / DN_MAX
        valid = sc.y[::4, ::4] != IGNORE
        for d in range(2):
            v = x[4 * d:4 * d + 4][:, valid]
            s += v.sum(axis=1)
            s2 += (v * v).sum(axis=1)
            n += v.shape[1]
    mean = s / n
    std = np.sqrt(s2 / n - mean * mean)
    return [round(float(v), 4) for v in mean], [round(float(v), 4) for v in std]


class Sampler:
    """Draws augmented training crops: a share centred on change (classes drawn evenly), the rest anywhere."""

    def __init__(self, scenes, crop, batch, change_share, seed, mean, std):
        self.scenes = scenes
        self.crop = crop
        self.batch = batch
        self.change_share = change_share
        self.rng = np.random.default_rng(seed)
        area = np.array([s.h * s.w for s in scenes], dtype=np.float64)
        self.scene_p = area / area.sum()
        self.by_class = {c: [i for i, s in enumerate(scenes) if c in s.where] for c in range(1, 5)}
        self.mean = np.array(mean, dtype=np.float32).reshape(4, 1, 1)
        self.std = np.array(std, dtype=np.float32).reshape(4, 1, 1)

    def crop_at(self, sc, r, c):
        k = self.crop
        r = int(np.clip(r, 0, sc.h - k))
        c = int(np.clip(c, 0, sc.w - k))
        return np.array(sc.x[:, r:r + k, c:c + k], dtype=np.float32), sc.y[r:r + k, c:c + k].copy()

    def one(self):
        rng = self.rng
        k = self.crop
        if rng.random() < self.change_share:
            cls = int(rng.integers(1, 5))
            si = self.by_class[cls][int(rng.integers(len(self.by_class[cls])))]
            sc = self.scenes[si]
            pts = sc.where[cls]
            r, c = pts[int(rng.integers(len(pts)))]
            r = r - int(rng.integers(k // 8, k - k // 8))
            c = c - int(rng.integers(k // 8, k - k // 8))
        else:
            sc = self.scenes[int(rng.choice(len(self.scenes), p=self.scene_p))]
            r = int(rng.integers(0, sc.h - k + 1))
            c = int(rng.integers(0, sc.w - k + 1))
        x, y = self.crop_at(sc, r, c)
        nodata = x == 0
        # Radiometry per date: a common gain (+-15 %) with a little per-band spread, a haze offset per band
        # and a linear haze gradient across the crop, so the model does not lean on the synthesiser's constants.
        yy, xx = np.mgrid[0:k, 0:k].astype(np.float32) / k - 0.5
        for d in range(2):
            gain = rng.uniform(0.85, 1.15) * rng.uniform(0.97, 1.03, size=4)
            haze = rng.uniform(-0.4, 0.8) * HAZE_BASE * rng.uniform(0.8, 1.2, size=4)
            angle = rng.uniform(0, 2 * math.pi)
            ramp = (math.cos(angle) * xx + math.sin(angle) * yy) * rng.uniform(0, 0.6)
            for b in range(4):
                x[4 * d + b] = x[4 * d + b] * gain[b] + haze[b] * (1 + ramp)
            if rng.random() < 0.5:
                x[4 * d:4 * d + 4] += rng.normal(0, rng.uniform(0.5, 2.5), size=(4, k, k)).astype(np.float32)
        np.clip(x, 1, DN_MAX, out=x)
        x[nodata] = 0
        # Dihedral: rot90 k times, optional flip.
        t = int(rng.integers(4))
        x = np.rot90(x, t, axes=(1, 2))
        y = np.rot90(y, t)
        if rng.random() < 0.5:
            x = x[:, :, ::-1]
            y = y[:, ::-1]
        x = x / DN_MAX
        before = (x[:4] - self.mean) / self.std
        after = (x[4:] - self.mean) / self.std
        return np.ascontiguousarray(before), np.ascontiguousarray(after), np.ascontiguousarray(y)

    def batch_arrays(self):
        items = [self.one() for _ in range(self.batch)]
        return (np.stack([i[0] for i in items]), np.stack([i[1] for i in items]),
                np.stack([i[2] for i in items]).astype(np.int64))


def prefetch(sampler, steps, depth=3):
    """Batches made on a helper thread in a fixed order (one sampler, one RNG): deterministic."""
    q = queue.Queue(maxsize=depth)

    def work():
        for _ in range(steps):
            q.put(sampler.batch_arrays())

    threading.Thread(target=work, daemon=True).start()
    for _ in range(steps):
        yield q.get()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenes", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--crop", type=int, default=160)
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--change-share", type=float, default=0.6)
    ap.add_argument("--weights", default="1,2,2,2,2", help="cross-entropy class weights")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    assert args.crop % MULTIPLE == 0

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    scenes = load_scenes(args.scenes, "t")
    mean, std = band_stats(scenes)
    print(f"{len(scenes)} training scenes, {sum(s.h * s.w for s in scenes) / 1e6:.1f} Mpx; band mean {mean} std {std}", flush=True)

    model = FusionUNet().to(memory_format=torch.channels_last)
    print(f"FusionUNet: {parameters(model)} parameters", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.05,
                                                div_factor=20, final_div_factor=200)
    weights = torch.tensor([float(v) for v in args.weights.split(",")])
    sampler = Sampler(scenes, args.crop, args.batch, args.change_share, args.seed + 1, mean, std)

    t0 = time.time()
    c0 = time.process_time()
    log = open(os.path.join(args.out, "log.tsv"), "w")
    log.write("step\tseconds\tloss\tlr\n")
    avg = None
    model.train()
    for step, (b, a, y) in enumerate(prefetch(sampler, args.steps), start=1):
        b = torch.from_numpy(b).contiguous(memory_format=torch.channels_last)
        a = torch.from_numpy(a).contiguous(memory_format=torch.channels_last)
        y = torch.from_numpy(y)
        logits = model(b, a)
        loss = F.cross_entropy(logits, y, weight=weights, ignore_index=IGNORE)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        if step % 25 == 0 or step == args.steps:
            el = time.time() - t0
            log.write(f"{step}\t{el:.0f}\t{avg:.4f}\t{sched.get_last_lr()[0]:.2e}\n")
            log.flush()
            print(f"step {step}/{args.steps}  loss {avg:.4f}  {el / 60:.1f} min  (eta {(args.steps - step) * el / step / 60:.1f} min)", flush=True)
    model = model.to(memory_format=torch.contiguous_format)
    torch.save({"state_dict": model.state_dict(), "mean": mean, "std": std, "args": vars(args),
                "train_seconds": round(time.time() - t0), "scenes": [s.name for s in scenes]},
               os.path.join(args.out, "checkpoint.pt"))
    with open(os.path.join(args.out, "train.json"), "w") as f:
        json.dump({"mean": mean, "std": std, "args": vars(args), "train_seconds": round(time.time() - t0),
                   "train_cpu_seconds": round(time.process_time() - c0),
                   "parameters": parameters(model), "scenes": len(scenes)}, f, indent=2)
    print(f"trained in {(time.time() - t0) / 60:.1f} min ({(time.process_time() - c0) / 60:.1f} CPU min)", flush=True)


if __name__ == "__main__":
    main()
