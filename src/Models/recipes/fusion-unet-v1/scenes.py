#!/usr/bin/python3
"""The scene list of the recipe: which synthetic pairs are generated for training, validation and the report.

Prints one line per scene: `<split> <name> <seed> <size> <gsd> <changes-per-km2>`. run.sh feeds it to
`weipian synth`. Seed ranges (see README): training and validation use 2000-2999 only; the final report
uses the held-out test seeds 1500-1519 (1024 px at 0.8 m) and 1500-1504 with no planted change.
Seeds 1000-1999 are never trained or tuned on; seeds 100-199 are left alone.
"""
import sys

GSDS = [0.8, 0.8, 1.0, 1.25, 1.6, 2.0]       # 0.8 m (the GF-2 report setting) twice as often
SIZES = [1024, 768, 1024, 512]


def scenes():
    out = []
    # Training: 96 pairs, seeds 2000-2095, sizes 512-1024 px, GSD 0.8-2 m, denser planted change than the
    # default (50 /km²) so more of each scene is positive; every 16th pair has no planted change at all.
    for i in range(96):
        seed = 2000 + i
        gsd = GSDS[i % len(GSDS)]
        size = SIZES[(i // len(GSDS)) % len(SIZES)]
        density = 0 if i % 16 == 7 else 50
        out.append(("train", f"t{seed}", seed, size, gsd, density))
    # Validation (model selection and the no-change bias): 1024 px at 0.8 m, default density, and
    # nuisance-only pairs, like the report but on seeds of the training range kept out of training.
    for seed in range(2900, 2908):
        out.append(("val", f"v{seed}", seed, 1024, 0.8, 25))
    for seed in range(2950, 2954):
        out.append(("valnull", f"n{seed}", seed, 1024, 0.8, 0))
    # Validation at the coarser GSDs the card also claims (1-2 m), default density.
    for k, gsd in enumerate([1.0, 1.25, 1.6, 2.0]):
        out.append(("valgsd", f"g{2910 + k}", 2910 + k, 1024, gsd, 25))
    # Radiometric robustness (validation seeds): the after date of four validation pairs with a gain and
    # haze outside what the synthesiser draws (perturb.py); name suffix g<gain x 100>h<haze DN>.
    for seed, tag in [(2900, "g80h0"), (2901, "g120h0"), (2902, "g100h40"), (2903, "g85h30")]:
        out.append(("valradio", f"v{seed}-{tag}", seed, 1024, 0.8, 25))
    # Report (held-out test seeds; evaluation only).
    for seed in range(1500, 1520):
        out.append(("test", f"s{seed}", seed, 1024, 0.8, 25))
    for seed in range(1500, 1505):
        out.append(("testnull", f"z{seed}", seed, 1024, 0.8, 0))
    return out


if __name__ == "__main__":
    splits = set(sys.argv[1:])
    for s in scenes():
        if not splits or s[0] in splits:
            print(*s)
