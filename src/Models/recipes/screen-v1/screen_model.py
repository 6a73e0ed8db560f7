"""The network of screen-v1: 16 thousand parameters at a quarter and an eighth of the resolution (torch only, no
GDAL).

Input: before and after, N x 4 x H x W each, scaled by the card ((x/1023 - mean) / std). Each date is averaged over
4 x 4 blocks, and so is |after - before| at full resolution (a small object changes the block's mean little but its
mean absolute difference a lot). The 16 channels [before, after, after - before, mean |after - before|] go through two
3x3 convolutions at 1/4; a 2x2 max pooling and two 3x3 convolutions at 1/8 give context (a field greening as a whole
is crop growth, a compact bright patch is not), projected back and added; one more 3x3 convolution and a 1x1 head give
2 logits (no change, change) per block. The bundled graph is BlockScreen (card input.form "blocks"): it takes the three
block means the engine computes, N x 4 x H/4 x W/4 each, and gives logits N x 2 x H/4 x W/4. ScreenNet itself (the
"pair" form) takes the full-resolution dates and repeats each block's logits over its 16 pixels. H and W must be
multiples of 8.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

FACTOR = 4
MULTIPLE = 2 * FACTOR
# Receptive field 64 px: the block (4), two 3x3 convolutions at 1/4 (+16), the pooling (+4), two 3x3 at 1/8 (+32) and
# the merging 3x3 at 1/4 (+8). Its radius is the least halo that keeps a kept pixel's logits free of the tile's edge.
RADIUS = 32
WIDTH = 16
CONTEXT = 24


def conv3(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True))


class ScreenNet(nn.Module):
    def __init__(self, bands=4, width=WIDTH, context=CONTEXT, factor=FACTOR):
        super().__init__()
        self.factor = factor
        self.fine = nn.Sequential(conv3(4 * bands, width), conv3(width, width))
        self.context = nn.Sequential(conv3(width, context), conv3(context, context))
        self.project = nn.Conv2d(context, width, 1)
        self.merge = conv3(width, width)
        self.head = nn.Conv2d(width, 2, 1)

    def coarse(self, before, after):
        """Logits per 4 x 4 block: N x 2 x H/4 x W/4 (what training scores)."""
        f = self.factor
        return self.blocks(F.avg_pool2d(before, f), F.avg_pool2d(after, f), F.avg_pool2d(torch.abs(after - before), f))

    def blocks(self, b, a, d):
        """Logits per block from the block means of each date (b, a) and of |after - before| (d), N x 4 x H/4 x W/4 each."""
        x = self.fine(torch.cat([b, a, a - b, d], dim=1))
        c = self.context(F.max_pool2d(x, 2))
        x = self.merge(x + F.interpolate(self.project(c), scale_factor=2.0, mode="nearest"))
        return self.head(x)

    def forward(self, before, after):
        # Nearest upsampling as a broadcast (Unsqueeze, Expand, Reshape in the graph), not Resize: ONNX Runtime runs a
        # Resize in its blocked layout, 16 channels wide for these 2, and reorders the result, which took a third of the
        # screen's time; the broadcast writes the same values once.
        c = self.coarse(before, after)
        n, k, h, w = c.shape
        f = self.factor
        return c[:, :, :, None, :, None].expand(n, k, h, f, w, f).reshape(n, k, h * f, w * f)


class BlockScreen(nn.Module):
    """The graph of the card's "blocks" form: the engine averages the blocks while it scales the tiles (what the three
    4 x 4 average poolings of the full-resolution graph did, and they were most of its time), and reads one pair of
    logits per block."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, before, after, difference):
        return self.net.blocks(before, after, difference)


def parameters(model):
    return sum(p.numel() for p in model.parameters())
