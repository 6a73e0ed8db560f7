"""Domain randomisation: every training crop sees another sensor, season, atmosphere and registration (issue 16 §2).

A history comes from one or a few sensors at one bit depth; the scenes a model later meets do not. Each crop is drawn
through this module with its own draws from one seeded generator (the same seed gives the same crops):

geometry (one affine warp per date, bilinear; the mask nearest on the before date's grid)
  - GSD jitter: the crop covers 0.8-1.25x its side of the chip, so objects change size in pixels;
  - the 8 rotations and flips;
  - misregistration of the after date: a sub-pixel shift always (+-0.5 px) and, in half the crops, 1-3 px more.
radiometry (per date, in units of the card's scaling, DN / max)
  - gain per band (a common 0.8-1.25 with +-7 % per band) and an offset per band (-10 % to +15 % of the band's mean);
  - gamma 0.8-1.25 (half the crops); haze (half): path radiance strongest in blue, with a linear gradient;
  - blur (Gaussian, sigma 0.3-1.0 px) or sharpening (unsharp mask), noise (Gaussian, up to 2 % of the band's mean);
  - JPEG-like artefacts (8x8 DCT coefficients quantised, a fifth of the crops);
  - season: vegetation greener or browner (NIR and red moved apart or together where NDVI > 0.3; green where there is
    no NIR), a third of the crops;
  - bit depth: values requantised to 8, 10, 11 or 12 bits over the crop's range (half the crops).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

HAZE = {"B": 1.0, "G": 0.7, "R": 0.45, "NIR": 0.25}   # relative path radiance per band role


class Randomiser:
    def __init__(self, bands, seed, ignore=255):
        self.bands = list(bands)
        self.rng = np.random.default_rng(seed)
        self.ignore = ignore
        self.haze = torch.tensor([HAZE.get(b, 0.5) for b in self.bands]).view(-1, 1, 1)
        self.dct = _dct_matrix(8)

    def crop(self, before, after, mask, k):
        """A randomised k x k crop of one chip. before/after: C x S x S float tensors in card units (DN / max),
        mask: S x S uint8. Returns (before, after, mask) of k x k, mask int64 with the ignore value kept."""
        rng = self.rng
        size = before.shape[-1]
        scale = min(rng.uniform(0.8, 1.25), size / k)
        half = k * scale / 2
        cx, cy = (rng.uniform(half, size - half) for _ in range(2))
        turn = _dihedral(int(rng.integers(8)))
        shift = rng.uniform(-0.5, 0.5, size=2)
        if rng.random() < 0.5:
            shift += rng.integers(1, 4, size=2) * rng.choice([-1, 1], size=2)
        b = _warp(before, size, k, scale, (cx, cy), turn, "bilinear")
        a = _warp(after, size, k, scale, (cx + shift[0], cy + shift[1]), turn, "bilinear")
        m = _warp(mask[None].float(), size, k, scale, (cx, cy), turn, "nearest")[0].round().long()
        # Nodata (0 in the chip) stays nodata: the mask already ignores it; keep the pixels at 0 as the tiler sees them.
        return self.date(b), self.date(a), m

    def date(self, x):
        rng = self.rng
        c = x.shape[0]
        valid = (x > 0).all(dim=0, keepdim=True)
        mean = (x * valid).sum(dim=(1, 2), keepdim=True) / valid.sum().clamp(min=1)
        gain = rng.uniform(0.8, 1.25) * rng.uniform(0.93, 1.07, size=c)
        offset = rng.uniform(-0.10, 0.15, size=c)
        x = x * _t(gain) + mean * _t(offset)
        if rng.random() < 0.5:
            top = torch.quantile(x[:, ::4, ::4].reshape(c, -1), 0.99, dim=1).view(-1, 1, 1).clamp(min=1e-3)
            x = top * (x.clamp(min=0) / top) ** rng.uniform(0.8, 1.25)
        if rng.random() < 0.5:
            k = x.shape[-1]
            yy, xx = torch.meshgrid(torch.linspace(-0.5, 0.5, k), torch.linspace(-0.5, 0.5, k), indexing="ij")
            angle = rng.uniform(0, 2 * math.pi)
            ramp = 1 + (math.cos(angle) * xx + math.sin(angle) * yy) * rng.uniform(0, 0.6)
            x = x + rng.uniform(0, 0.3) * self.haze * mean.mean() * ramp
        if rng.random() < 0.3:
            x = self.season(x, rng.uniform(0.7, 1.3))
        r = rng.random()
        if r < 0.3:
            x = _blur(x, rng.uniform(0.3, 1.0))
        elif r < 0.5:
            x = x + rng.uniform(0.2, 0.8) * (x - _blur(x, 1.0))
        if rng.random() < 0.5:
            x = x + torch.from_numpy(rng.normal(0, 1, size=x.shape).astype(np.float32)) * mean * rng.uniform(0, 0.02)
        if rng.random() < 0.2:
            x = self.jpeg(x, rng.uniform(0.002, 0.01))
        if rng.random() < 0.5:
            step = x.amax().clamp(min=1e-3) / (2 ** int(rng.choice([8, 10, 11, 12])) - 1)
            x = torch.round(x / step) * step
        return torch.where(valid, x.clamp(1e-4, 1.0), torch.zeros_like(x))

    def season(self, x, u):
        """Vegetation greener (u > 1) or browner: NIR up and red down where NDVI > 0.3, or green without NIR."""
        if "NIR" in self.bands and "R" in self.bands:
            nir, red = self.bands.index("NIR"), self.bands.index("R")
            ndvi = (x[nir] - x[red]) / (x[nir] + x[red]).clamp(min=1e-4)
            veg = (ndvi > 0.3).float()
            x = x.clone()
            x[nir] = x[nir] * (1 + (u - 1) * veg)
            x[red] = x[red] * (1 + (1 / math.sqrt(u) - 1) * veg)
        elif "G" in self.bands and "R" in self.bands:
            g, red = self.bands.index("G"), self.bands.index("R")
            veg = (x[g] > x[red] * 1.05).float()
            x = x.clone()
            x[g] = x[g] * (1 + (math.sqrt(u) - 1) * veg)
        return x

    def jpeg(self, x, step):
        """8x8 blocks through a DCT with coefficients quantised (coarser at higher frequencies), as JPEG does."""
        c, h, w = x.shape
        hh, ww = h - h % 8, w - w % 8
        blocks = x[:, :hh, :ww].reshape(c, hh // 8, 8, ww // 8, 8).permute(0, 1, 3, 2, 4)
        d = self.dct
        coef = d @ blocks @ d.T
        q = step * (1 + torch.arange(8).view(-1, 1) + torch.arange(8).view(1, -1)).float()
        blocks = d.T @ (torch.round(coef / q) * q) @ d
        out = x.clone()
        out[:, :hh, :ww] = blocks.permute(0, 1, 3, 2, 4).reshape(c, hh, ww)
        return out


def _t(values):
    return torch.tensor(values, dtype=torch.float32).view(-1, 1, 1)


def _dihedral(i):
    """The 2x2 matrix of the i-th of the 8 rotations by 90 degrees and flips."""
    r = torch.tensor([[0.0, -1.0], [1.0, 0.0]]).matrix_power(i % 4)
    return r @ torch.tensor([[-1.0, 0.0], [0.0, 1.0]]) if i >= 4 else r


def _warp(x, size, k, scale, centre, turn, mode):
    """x (C x S x S) sampled on a k x k grid covering k * scale pixels around centre (pixel units), turned."""
    theta = torch.zeros(1, 2, 3)
    theta[0, :, :2] = turn * (k * scale / size)
    theta[0, 0, 2] = 2 * centre[0] / size - 1
    theta[0, 1, 2] = 2 * centre[1] / size - 1
    grid = F.affine_grid(theta, [1, x.shape[0], k, k], align_corners=False)
    return F.grid_sample(x[None], grid, mode=mode, padding_mode="reflection", align_corners=False)[0]


def _blur(x, sigma):
    r = max(1, int(math.ceil(2 * sigma)))
    g = torch.exp(-torch.arange(-r, r + 1, dtype=torch.float32) ** 2 / (2 * sigma * sigma))
    g = g / g.sum()
    c = x.shape[0]
    y = F.conv2d(F.pad(x[None], (r, r, 0, 0), mode="reflect"), g.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(F.pad(y, (0, 0, r, r), mode="reflect"), g.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)[0]


def _dct_matrix(n):
    i = torch.arange(n, dtype=torch.float32)
    d = torch.cos(math.pi * (2 * i.view(1, -1) + 1) * i.view(-1, 1) / (2 * n)) * math.sqrt(2 / n)
    d[0] /= math.sqrt(2)
    return d
