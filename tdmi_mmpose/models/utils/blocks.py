# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Layers shared by the TDMI necks and head.

- ``basic_blocks``: a chain of MMPose's ResNet ``BasicBlock``s
  (conv3x3-BN-ReLU-conv3x3-BN plus shortcut), the first one projecting the
  input width with a 1x1 conv + BN shortcut when the widths differ.
- ``ModulatedDeformAlign``: a 3x3 modulated deformable convolution (DCNv2)
  whose offsets and masks are predicted from a guidance feature by two
  dilated 3x3 convs (TDMI sec. 1.2 step 3 and sec. 1.5). It uses
  ``torchvision.ops.deform_conv2d`` (CPU and CUDA, nothing to compile).

Shape legend: N samples, C channels, h x w feature size.
"""
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmpose.models.backbones.resnet import BasicBlock
from torch import Tensor
from torchvision.ops import DeformConv2d

__all__ = ['basic_blocks', 'ModulatedDeformAlign', 'MASK_ACTIVATIONS']

MASK_ACTIVATIONS = ('none', 'sigmoid')
# 3x3 sampling grid of the deformable convolution
_KERNEL = 3


def basic_blocks(in_channels: int, out_channels: int,
                 num_blocks: int) -> nn.Sequential:
    """``num_blocks`` BasicBlocks from ``in_channels`` to ``out_channels``."""
    if num_blocks < 1:
        raise ValueError(f'num_blocks must be >= 1, got {num_blocks}')
    downsample = None
    if in_channels != out_channels:
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
    """

    def __init__(self,
                 channels: int,
                 deform_groups: int = 12,
                 dilation: int = 3,
                 mask_activation: str = 'none'):
        super().__init__()
        if channels % deform_groups:
            raise ValueError(f'deform_groups ({deform_groups}) must divide '
                             f'the channels ({channels})')
        if mask_activation not in MASK_ACTIVATIONS:
            raise ValueError(f'mask_activation must be one of '
                             f'{MASK_ACTIVATIONS}, got {mask_activation!r}')
        taps = deform_groups * _KERNEL * _KERNEL
        self.offset_conv = nn.Conv2d(channels, 2 * taps, _KERNEL,
                                     padding=dilation, dilation=dilation)
        self.mask_conv = nn.Conv2d(channels, taps, _KERNEL, padding=dilation,
                                   dilation=dilation)
        self.deform_conv = DeformConv2d(channels, channels, _KERNEL,
                                        padding=1)
        self.mask_activation = mask_activation
        for conv in (self.offset_conv, self.mask_conv):
            nn.init.normal_(conv.weight, std=0.001)
            nn.init.zeros_(conv.bias)

    def forward(self, x: Tensor, guide: Tensor) -> Tensor:
        """(N, C, h, w) feature and guidance -> (N, C, h, w)."""
        offset = self.offset_conv(guide)  # (N, 2*G*9, h, w)
        mask = self.mask_conv(guide)  # (N, G*9, h, w)
        if self.mask_activation == 'sigmoid':
            mask = mask.sigmoid()
        return self.deform_conv(x, offset, mask)
