"""The network: an early-fusion U-Net for bi-temporal change classification (torch only, no GDAL).

Input: before and after, N x 4 x H x W each, already scaled by the card ((x/1023 - mean) / std).
The first layer sees [before, after, after - before] (12 channels). Encoder of five levels (full
resolution down to 1/16) with 2x2 max pooling; decoder in the LinkNet/FPN manner: the coarser map is
projected by a 1x1 convolution to the finer level's width, upsampled (nearest neighbour), added to that
level's encoder map and refined by one 3x3 convolution. 3x3 convolutions use zero padding; the two
finest levels have biased convolutions without normalisation (cheap on the CPU), the coarser ones
BatchNorm (folded into the convolutions at export). Output: logits N x 5 x H x W.

Only local operations: nothing pools or normalises over the whole tile, so a tile's kept centre does not
depend on the tile's size. H and W must be multiples of 16 (four 2x poolings).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

CHANNELS = (16, 32, 64, 96, 128)   # per level: 1, 1/2, 1/4, 1/8, 1/16 resolution
ENCODER_CONVS = (1, 1, 2, 2, 2)    # 3x3 convolutions per encoder level
BN_FROM = 2                        # levels from this one down use BatchNorm
CLASSES = 5
MULTIPLE = 2 ** (len(CHANNELS) - 1)


def conv3(cin, cout, bn):
    if bn:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True))


class FusionUNet(nn.Module):
    def __init__(self, channels=CHANNELS, encoder_convs=ENCODER_CONVS, bn_from=BN_FROM, bands=4, classes=CLASSES):
        super().__init__()
        self.encoder = nn.ModuleList()
        cin = 3 * bands
        for level, (c, n) in enumerate(zip(channels, encoder_convs)):
            self.encoder.append(nn.Sequential(*[conv3(cin if k == 0 else c, c, level >= bn_from) for k in range(n)]))
            cin = c
        fine = range(len(channels) - 2, -1, -1)
        self.project = nn.ModuleList(nn.Conv2d(channels[l + 1], channels[l], 1) for l in fine)
        self.decoder = nn.ModuleList(conv3(channels[l], channels[l], l >= bn_from) for l in fine)
        self.head = nn.Conv2d(channels[0], classes, 1)

    def forward(self, before, after):
        x = torch.cat([before, after, after - before], dim=1)
        skips = []
        for i, level in enumerate(self.encoder):
            if i > 0:
                x = F.max_pool2d(x, 2)
            x = level(x)
            skips.append(x)
        for j, (project, level) in enumerate(zip(self.project, self.decoder)):
            x = level(F.interpolate(project(x), scale_factor=2.0, mode="nearest") + skips[-2 - j])
        return self.head(x)


def parameters(model):
    return sum(p.numel() for p in model.parameters())
