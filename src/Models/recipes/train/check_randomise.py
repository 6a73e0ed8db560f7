#!/usr/bin/python3
"""Checks randomise.py on a synthetic chip (run by bench/scripts/train-smoke.sh; torch and numpy only):
the same seed gives the same crops, another seed other ones; masks keep only the chip's class ids and the ignore value
(nearest sampling, no blends); nodata stays 0; every date stays within the card's units (0..1); crops are k x k."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from randomise import Randomiser  # noqa: E402


def crops(seed, n=24):
    rng = np.random.default_rng(5)
    before = torch.from_numpy(rng.uniform(0.05, 0.6, size=(4, 128, 128)).astype(np.float32))
    after = before.clone()
    after[:, 40:80, 40:80] = 0.8
    before[:, :8] = 0                      # a nodata strip
    mask = np.zeros((128, 128), np.uint8)
    mask[40:80, 40:80] = 3
    mask[:8] = 255
    r = Randomiser(["B", "G", "R", "NIR"], seed)
    return [r.crop(before, after, torch.from_numpy(mask), 96) for _ in range(n)]


def main():
    a, b, c = crops(1), crops(1), crops(2)
    assert all(torch.equal(x[i], y[i]) for x, y in zip(a, b) for i in range(3)), "the same seed gave other crops"
    assert any(not torch.equal(x[0], y[0]) for x, y in zip(a, c)), "another seed gave the same crops"
    zero = ignored = 0
    for before, after, mask in a:
        assert before.shape == after.shape == (4, 96, 96) and mask.shape == (96, 96)
        assert set(mask.unique().tolist()) <= {0, 3, 255}, mask.unique()
        assert float(before.min()) >= 0 and float(before.max()) <= 1 and float(after.max()) <= 1
        zero += int((before[:, mask == 255] == 0).sum())
        ignored += 4 * int((mask == 255).sum())
    # Nodata stays 0 but for the rim that bilinear sampling blends with its valid neighbours.
    assert ignored and zero / ignored > 0.6, (zero, ignored)
    print(f"randomise: {len(a)} crops deterministic per seed, masks {{0, 3, 255}} only, values within 0..1, "
          f"{zero / ignored:.2f} of nodata pixels still 0")


if __name__ == "__main__":
    main()
