"""spectral-v1: hand-written spectral change rules as a PyTorch module (no training).

Inputs `before` and `after` are N x 4 x H x W float32 in band order B, G, R, NIR, scaled by the
engine as v = clamp(DN, 0, 1023) / 1023 (the card's scaling). The rules work on approximate surface
reflectance rho = DN / 1000 (GF-2 10-bit products scaled so that reflectance 1 is about 1000 DN);
they rely on band ratios and indices (NDVI, NDWI, a blue-red index), on brightness only with
generous margins, and on local texture, so that a +-15 % gain difference and tens of DN of haze
between the dates do not read as change.

Rules are fuzzy: each condition is a membership in [0, 1] (a sigmoid around a threshold with a
stated softness), AND is the minimum, OR the maximum, NOT is 1 - x. The evidence of each change
class is a membership; its logit is GAIN * (evidence - 0.5) against a no-change logit of 0, so the
argmax picks the strongest class whose evidence exceeds one half.

Every operation is a pointwise function or a stride-1 pooling with "same" padding, so the model is
translation-equivariant and local: an output pixel depends only on inputs within RECEPTIVE_RADIUS
pixels of it, which is no more than HALO (the card's halo).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-4
DN_PER_REFLECTANCE = 1000.0
INPUT_MAX_DN = 1023.0

# ---------------------------------------------------------------- parameters (all hand-set)
P = dict(
    # vegetation / water / bright artificial surfaces (per date), reflectance units
    ndvi_bare=0.10,      # below: bare or built (tilled soil 0.13-0.25; rock, roofs, film 0-0.08)
    ndvi_bare_s=0.025,
    ndwi_water=0.05,     # above (with dark NIR and dark visible): open water
    ndwi_water_s=0.04,
    nir_water=0.10,      # NIR reflectance below: open water
    nir_water_s=0.015,
    vis_dark=0.17,       # mean visible reflectance below: water (turbid water under a high gain included)
    vis_bright=0.15,     # mean visible reflectance above: bright built / bare rock / film
    vis_bright_s=0.02,
    vis_texture=0.11,    # per-pixel visible reflectance above which a bare pixel counts in texture
    blue_roof=0.20,      # blue-red index (B-R)/(B+R) above: blue steel / glazed roof
    orange_roof=-0.30,   # blue-red index below: orange / red steel roof
    colour_s=0.04,
    roof_vis_min=0.12,   # coloured roofs are brighter than this (orange roofs: red band + 0.03)
    # texture: weighted coefficient of variation of visible brightness of bare pixels, 7x7 window
    cv_rough=0.08,       # above: textured (terraces, spoil); new roofs are below
    cv_s=0.015,
    # facility agriculture: bright neutral film cut by narrow dark gaps every few metres
    valley=0.45,         # a pixel this much darker (relative) than its 3x3 closing is a gap
    valley_s=0.08,
    stripes=0.05,        # share of gap pixels in the 11x11 window above which the surface is striped
    stripes_s=0.015,
    film_neutral=0.12,   # |blue-red index| below: neutral film
    # change evidence (between dates)
    dndvi=0.15,          # NDVI change
    dndvi_s=0.04,
    logratio=0.35,       # |log(vis_after / vis_before)|: beyond gain (+-15 %) and haze differences
    logratio_s=0.07,
    dcolour=0.20,        # blue-red index change
    dcolour_s=0.05,
    dndwi_pond=0.20,     # NDWI rise that makes water "newly open" even over a flooded field
    dndwi_pond_s=0.05,
    flooded_max=0.80,    # ... but only over water weaker than this (a flooded field, not a pond)
)
GAIN = 8.0        # logits = GAIN * (evidence - 0.5); no change = 0

CLOSE = 1         # radius of the grey closing that fills one- or two-pixel dark lines
SMOOTH = 1        # radius of the band smoothing (3x3 box): misregistration and noise
TEXTURE = 3       # radius of the texture window (7x7), on raw bands
ROUGH_SPAN = 3    # radius of the window (7x7) throughout which texture must hold
STRIPES = 5       # radius of the window (11x11) counting narrow dark lines (film gaps)
PERSIST = 1       # radius of the persistence (3x3 opening) of the change evidence
GROW = 1          # radius of the dilation after the opening
LOGIT_SMOOTH = 3  # radius of the final logit smoothing (7x7 mean)

RECEPTIVE_RADIUS = max(2 * CLOSE + SMOOTH, TEXTURE + ROUGH_SPAN, 2 * CLOSE + STRIPES) + 2 * PERSIST + GROW + LOGIT_SMOOTH
HALO = 16
assert RECEPTIVE_RADIUS <= HALO


def box(x, r):
    """Mean over a (2r+1)^2 window; at the tile border over the part inside (never kept: halo)."""
    if r == 0:
        return x
    return F.avg_pool2d(x, 2 * r + 1, stride=1, padding=r, count_include_pad=False)


def maxpool(x, r):
    return F.max_pool2d(x, 2 * r + 1, stride=1, padding=r)


def minpool(x, r):
    return -F.max_pool2d(-x, 2 * r + 1, stride=1, padding=r)


def above(x, centre, scale):
    """Membership of x > centre, softness scale."""
    return torch.sigmoid((x - centre) / scale)


def below(x, centre, scale):
    return torch.sigmoid((centre - x) / scale)


def AND(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = torch.minimum(out, x)
    return out


def OR(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = torch.maximum(out, x)
    return out


def NOT(x):
    return 1 - x


class SpectralV1(nn.Module):
    def __init__(self, params=None):
        super().__init__()
        self.p = dict(P)
        if params:
            self.p.update(params)

    def materials(self, b, g, r, n, vis_bright):
        """Indices and material memberships of a (smoothed or raw) spectrum."""
        p = self.p
        vis = (b + g + r) / 3
        ndvi = (n - r) / (n + r + EPS)
        ndwi = (g - n) / (g + n + EPS)
        bri = (b - r) / (b + r + EPS)
        water = AND(above(ndwi, p["ndwi_water"], p["ndwi_water_s"]), below(n, p["nir_water"], p["nir_water_s"]),
                    below(vis, p["vis_dark"], p["vis_bright_s"]))
        bare = below(ndvi, p["ndvi_bare"], p["ndvi_bare_s"])
        neutral_bright = AND(bare, above(vis, vis_bright, p["vis_bright_s"]), NOT(water))
        blue = AND(above(bri, p["blue_roof"], p["colour_s"]), above(vis, p["roof_vis_min"], p["vis_bright_s"]), NOT(water))
        orange = AND(below(bri, p["orange_roof"], p["colour_s"]), above(r, p["roof_vis_min"] + 0.03, p["vis_bright_s"]), bare)
        coloured = OR(blue, orange)
        return dict(vis=vis, ndvi=ndvi, ndwi=ndwi, bri=bri, nir=n, water=water, bare=bare,
                    neutral_bright=neutral_bright, coloured=coloured, artificial=OR(neutral_bright, coloured))

    def date_features(self, x):
        p = self.p
        rho = x * (INPUT_MAX_DN / DN_PER_REFLECTANCE)          # N,4,H,W reflectance
        # a grey closing (3x3) fills dark lines one or two pixels wide (gaps between greenhouse films)
        # so that a surface is judged by its material; smoothing damps noise and misregistration
        closed = minpool(maxpool(rho, CLOSE), CLOSE)
        s = box(closed, SMOOTH)
        f = self.materials(s[:, 0:1], s[:, 1:2], s[:, 2:3], s[:, 3:4], p["vis_bright"])

        # texture of built/bare pixels only (weighted coefficient of variation of visible brightness),
        # so that the edge of a uniform roof against a field does not read as texture
        raw = self.materials(rho[:, 0:1], rho[:, 1:2], rho[:, 2:3], rho[:, 3:4], p["vis_texture"])
        w0 = raw["artificial"]
        v0 = raw["vis"]
        sw = box(w0, TEXTURE)
        mw = box(w0 * v0, TEXTURE) / (sw + 1e-3)
        var = torch.relu(box(w0 * v0 * v0, TEXTURE) / (sw + 1e-3) - mw * mw)
        cv = torch.sqrt(var + 1e-8) / (mw + 0.02)
        f["cv"] = cv
        # texture must hold throughout the neighbourhood: the mixed pixels along a roof's edge are
        # rough only in a thin ring, terraces and spoil are rough everywhere
        f["rough"] = minpool(AND(above(cv, p["cv_rough"], p["cv_s"]), above(sw, 0.3, 0.05)), ROUGH_SPAN)

        # narrow dark lines inside bright surfaces (relative black top-hat of visible brightness)
        vc = (closed[:, 0:1] + closed[:, 1:2] + closed[:, 2:3]) / 3
        valley = (vc - v0) / (vc + 0.02)
        f["lines"] = box(above(valley, p["valley"], p["valley_s"]), STRIPES)
        f["stripes"] = above(f["lines"], p["stripes"], p["stripes_s"])
        f["neutral"] = below(f["bri"].abs(), p["film_neutral"], p["colour_s"])
        return f

    def evidence(self, before, after):
        p = self.p
        fb = self.date_features(before)
        fa = self.date_features(after)
        # spectral change beyond radiometric differences: vegetation, brightness or colour
        changed = OR(above((fa["ndvi"] - fb["ndvi"]).abs(), p["dndvi"], p["dndvi_s"]),
                     above(torch.log((fa["vis"] + 0.01) / (fb["vis"] + 0.01)).abs(), p["logratio"], p["logratio_s"]),
                     above((fa["bri"] - fb["bri"]).abs(), p["dcolour"], p["dcolour_s"]))
        # a built, bare-rock or film surface that was not one before ...
        new_art = AND(fa["artificial"], NOT(fb["artificial"]), changed)
        # ... or, over ground that was already bare, new terraces and spoil (texture)
        new_rough = AND(fa["artificial"], fa["rough"], NOT(fb["rough"]))
        facility = AND(new_art, fa["stripes"], fa["neutral"])
        # bare rock and spoil are neither blue nor orange: a coloured new roof is a building
        mining = AND(OR(new_art, new_rough), fa["rough"], NOT(fa["stripes"]), NOT(fa["coloured"]))
        building = AND(new_art, NOT(fa["stripes"]), OR(NOT(fa["rough"]), fa["coloured"]))
        # open water that was not open water before (or much less so: a flooded field)
        # (a shallow flooded field shows soil through the water: weaker water membership, lower NDWI;
        # an existing pond whose water turns clearer is already strong water and does not count)
        flooded_to_open = AND(above(fa["ndwi"] - fb["ndwi"], p["dndwi_pond"], p["dndwi_pond_s"]),
                              below(fb["water"], p["flooded_max"], 0.05))
        pond = AND(fa["water"], OR(NOT(fb["water"]), flooded_to_open))
        ev = torch.cat([building, pond, mining, facility], dim=1)
        # persistence: an opening drops change narrower than 2*PERSIST+1 pixels (misregistered edges)
        # without eroding real objects; a dilation then restores the edge pixels whose half-mixed
        # spectra fail the rules
        ev = maxpool(minpool(ev, PERSIST), PERSIST + GROW)
        return ev, fb, fa

    def forward(self, before, after):
        ev, _, _ = self.evidence(before, after)
        change = GAIN * (ev - 0.5)
        logits = torch.cat([torch.zeros_like(change[:, :1]), change], dim=1)
        return box(logits, LOGIT_SMOOTH)
