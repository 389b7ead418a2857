# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Layers shared by the TDMI necks and head.

- ``basic_blocks``: a chain of MMPose's ResNet ``BasicBlock``s
  (conv3x3-BN-ReLU-conv3x3-BN plus shortcut), the first one projecting the
  input width with a 1x1 conv + BN shortcut when the widths differ, or
  always (``project=True``: the lineage's block in the TDE accumulation,
  sec. 1.2 step 4).
- ``ModulatedDeformAlign``: a 3x3 modulated deformable convolution (DCNv2)
  whose offsets and masks are predicted from a guidance feature by two
  dilated 3x3 convs (TDMI sec. 1.2 step 3 and sec. 1.5). It uses
  ``torchvision.ops.deform_conv2d`` (CPU and CUDA, nothing to compile).
- ``lineage_init_``: the lineage's initialisation of everything outside the
  backbone (sec. 1.4).

Shape legend: N samples, C channels, h x w feature size.
"""
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmpose.models.backbones.resnet import BasicBlock
from torch import Tensor
from torchvision.ops import DeformConv2d

__all__ = [
    'basic_blocks', 'ModulatedDeformAlign', 'MASK_ACTIVATIONS', 'lineage_init_'
]

MASK_ACTIVATIONS = ('none', 'sigmoid')
# 3x3 sampling grid of the deformable convolution
_KERNEL = 3


def basic_blocks(in_channels: int,
                 out_channels: int,
                 num_blocks: int,
                 project: bool = False) -> nn.Sequential:
    """``num_blocks`` BasicBlocks from ``in_channels`` to ``out_channels``.

    The first block's shortcut is a 1x1 conv + BN when the widths differ or
    ``project`` is True (the lineage's ``ChainOfBasicBlocks`` always has it,
    even at equal widths); otherwise the identity.
    """
    if num_blocks < 1:
        raise ValueError(f'num_blocks must be >= 1, got {num_blocks}')
    downsample = None
    if project or in_channels != out_channels:
        downsample = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, bias=False),
            build_norm_layer(dict(type='BN'), out_channels)[1])
    layers = [BasicBlock(in_channels, out_channels, downsample=downsample)]
    layers += [
        BasicBlock(out_channels, out_channels) for _ in range(num_blocks - 1)
    ]
    return nn.Sequential(*layers)


class ModulatedDeformAlign(nn.Module):
    """DCNv2 of ``x`` with offsets and masks predicted from ``guide``.

    Args:
        channels (int): C of ``x``, ``guide`` and the output.
        deform_groups (int): G, offset groups; must divide C.
        dilation (int): dilation (and padding) of the offset / mask convs.
        mask_activation (str): ``'none'`` uses the predicted mask raw, as the
            authors' lineage code does; ``'sigmoid'`` is canonical DCNv2.
        deform_dilation (int): dilation (and padding) of the deformable
            conv itself: 1 in the lineage's TDE, 3 in its appearance
            alignment. Defaults to 1.
    """

    def __init__(self,
                 channels: int,
                 deform_groups: int = 12,
                 dilation: int = 3,
                 mask_activation: str = 'none',
                 deform_dilation: int = 1):
        super().__init__()
        if channels % deform_groups:
            raise ValueError(f'deform_groups ({deform_groups}) must divide '
                             f'the channels ({channels})')
        if dilation < 1 or deform_dilation < 1:
            raise ValueError(f'dilations must be >= 1, got dilation='
                             f'{dilation}, deform_dilation={deform_dilation}')
        if mask_activation not in MASK_ACTIVATIONS:
            raise ValueError(f'mask_activation must be one of '
                             f'{MASK_ACTIVATIONS}, got {mask_activation!r}')
        taps = deform_groups * _KERNEL * _KERNEL
        self.offset_conv = nn.Conv2d(
            channels, 2 * taps, _KERNEL, padding=dilation, dilation=dilation)
        self.mask_conv = nn.Conv2d(
            channels, taps, _KERNEL, padding=dilation, dilation=dilation)
        self.deform_conv = DeformConv2d(
            channels,
            channels,
            _KERNEL,
            padding=deform_dilation,
            dilation=deform_dilation)
        self.mask_activation = mask_activation
        self.deform_dilation = deform_dilation
        lineage_init_(self)

    def forward(self, x: Tensor, guide: Tensor) -> Tensor:
        """(N, C, h, w) feature and guidance -> (N, C, h, w)."""
        offset = self.offset_conv(guide)  # (N, 2*G*9, h, w)
        mask = self.mask_conv(guide)  # (N, G*9, h, w)
        if self.mask_activation == 'sigmoid':
            mask = mask.sigmoid()
        return self.deform_conv(x, offset, mask)


def lineage_init_(module: nn.Module) -> None:
    """Initialise ``module`` in place as the lineage does (sec. 1.4).

    Every ``nn.Conv2d`` (offset and mask convs included): weight N(0, 0.001),
    bias 0; BatchNorm: weight 1, bias 0. The lineage's loop matches
    ``nn.Conv2d`` only, and zeroes every other bias: torchvision's
    ``DeformConv2d`` (not an ``nn.Conv2d``) and ``nn.Linear`` keep their
    default weight initialisation, with zero biases.
    """
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, std=0.001)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(getattr(m, 'bias', None), nn.Parameter):
            nn.init.zeros_(m.bias)
