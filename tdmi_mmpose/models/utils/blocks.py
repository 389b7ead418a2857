# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Layers shared by the TDMI necks and head.

- ``basic_blocks``: a chain of MMPose's ResNet ``BasicBlock``s
  (conv3x3-BN-ReLU-conv3x3-BN plus shortcut), the first one projecting the
  input width with a 1x1 conv + BN shortcut when the widths differ, or
  always (``project=True``: the lineage's block in the TDE accumulation,
  sec. 1.2 step 4).
- ``ModulatedDeformAlign``: a 3x3 modulated deformable convolution (DCNv2)
  whose offsets and masks are predicted from a guidance feature by two
  dilated 3x3 convs (TDMI sec. 1.2 step 3 and sec. 1.5). Its parameters
  are torchvision's ``DeformConv2d``; on CUDA it runs
  ``torchvision.ops.deform_conv2d``, on CPU ``deform_conv2d_sampled``.
- ``deform_conv2d_sampled``: the same modulated deformable convolution as
  bilinear sampling (``F.grid_sample``) plus one matrix product. Equal to
  torchvision's op in value and in every gradient (1e-10 in float64; the
  tests check it), and faster on CPU, because torchvision's CPU backward
  loops over columns and channels in scalar code (docs/speed.md has the
  figures).
- ``normal_conv_init_`` / ``NormalConvInit`` (MMEngine initialiser): convs
  N(0, 0.001), BatchNorm 1 / 0, every other bias 0: the initialisation of
  everything outside the backbone (sec. 1.4).

Shape legend: N samples, C channels, h x w feature size.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.model.weight_init import BaseInit, update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS
from mmpose.models.backbones.resnet import BasicBlock
from torch import Tensor
from torchvision.ops import DeformConv2d, deform_conv2d

__all__ = [
    'basic_blocks', 'ModulatedDeformAlign', 'MASK_ACTIVATIONS',
    'normal_conv_init_', 'NormalConvInit', 'deform_conv2d_sampled',
    'DEFORM_IMPLS'
]

MASK_ACTIVATIONS = ('none', 'sigmoid')
DEFORM_IMPLS = ('auto', 'torchvision', 'sampled')
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


def deform_conv2d_sampled(x: Tensor,
                          offset: Tensor,
                          mask: Tensor,
                          weight: Tensor,
                          bias: Optional[Tensor] = None,
                          padding: int = 0,
                          dilation: int = 1) -> Tensor:
    """Modulated deformable conv (stride 1), torchvision's semantics.

    Output position (i, j), kernel tap k = (ky, kx), offset group g samples
    ``x`` bilinearly at ``(i - padding + ky * dilation + dy,
    j - padding + kx * dilation + dx)`` with ``(dy, dx)`` =
    ``offset[:, g * 2K + 2k : g * 2K + 2k + 2]`` (K = kh * kw taps),
    corners outside the map reading 0, times ``mask[:, g * K + k]``; the
    output is the kernel's weighted sum of those samples plus the bias.
    All taps go through one ``F.grid_sample`` (with ``align_corners=False``
    pixel i sits at (2i + 1) / size - 1, so maps of any size work).

    Args:
        x: (N, C, h, w).
        offset: (N, 2 * G * K, h, w).
        mask: (N, G * K, h, w).
        weight: (O, C, kh, kw).
        bias: (O, ) or None.

    Returns:
        Tensor: (N, O, h, w).
    """
    n, c, h, w = x.shape
    out_channels, _, kh, kw = weight.shape
    taps = kh * kw
    groups = mask.shape[1] // taps
    if offset.shape[1] != 2 * groups * taps or c % groups:
        raise ValueError(f'offset {tuple(offset.shape)} / mask '
                         f'{tuple(mask.shape)} do not fit {groups} groups of '
                         f'{taps} taps over {c} channels')
    dtype, device = x.dtype, x.device
    rows = torch.arange(h, dtype=dtype, device=device).view(1, 1, h, 1)
    cols = torch.arange(w, dtype=dtype, device=device).view(1, 1, 1, w)
    tap_y = (torch.arange(kh, dtype=dtype, device=device) * dilation -
             padding).repeat_interleave(kw).view(1, taps, 1, 1)
    tap_x = (torch.arange(kw, dtype=dtype, device=device) * dilation -
             padding).repeat(kh).view(1, taps, 1, 1)
    offset = offset.reshape(n * groups, taps, 2, h, w)
    py = rows + tap_y + offset[:, :, 0]  # (N*G, K, h, w)
    px = cols + tap_x + offset[:, :, 1]
    grid = torch.stack([(2 * px + 1) / w - 1, (2 * py + 1) / h - 1], dim=-1)
    samples = F.grid_sample(
        x.reshape(n * groups, c // groups, h, w),
        grid.view(n * groups, taps * h, w, 2),
        mode='bilinear',
        padding_mode='zeros',
        align_corners=False)  # (N*G, C/G, K*h, w)
    samples = samples.view(n, groups, c // groups, taps, h, w) * mask.view(
        n, groups, 1, taps, h, w)
    out = torch.einsum('nckhw,ock->nohw', samples.reshape(n, c, taps, h, w),
                       weight.reshape(out_channels, c, taps))
    return out if bias is None else out + bias.view(1, -1, 1, 1)


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

    Attributes:
        impl (str): ``'auto'`` (default: ``deform_conv2d_sampled`` on CPU,
            torchvision's op elsewhere, whose CUDA kernel is the reference),
            ``'torchvision'`` or ``'sampled'``. Same parameters and values
            either way.
    """
    impl = 'auto'

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
        normal_conv_init_(self)

    def forward(self, x: Tensor, guide: Tensor) -> Tensor:
        """(N, C, h, w) feature and guidance -> (N, C, h, w)."""
        offset = self.offset_conv(guide)  # (N, 2*G*9, h, w)
        mask = self.mask_conv(guide)  # (N, G*9, h, w)
        if self.mask_activation == 'sigmoid':
            mask = mask.sigmoid()
        if self.impl not in DEFORM_IMPLS:
            raise ValueError(f'impl must be one of {DEFORM_IMPLS}, got '
                             f'{self.impl!r}')
        conv = self.deform_conv
        if self.impl == 'sampled' or (self.impl == 'auto'
                                      and x.device.type == 'cpu'):
            return deform_conv2d_sampled(x, offset, mask, conv.weight,
                                         conv.bias, self.deform_dilation,
                                         self.deform_dilation)
        return deform_conv2d(
            x,
            offset,
            conv.weight,
            conv.bias,
            padding=self.deform_dilation,
            dilation=self.deform_dilation,
            mask=mask)


def normal_conv_init_(module: nn.Module, std: float = 0.001) -> None:
    """Initialise ``module`` in place: every ``nn.Conv2d`` (offset and mask
    convs included) weight N(0, ``std``), bias 0; BatchNorm weight 1, bias
    0; every other bias 0. Other weights (torchvision's ``DeformConv2d``,
    which is not an ``nn.Conv2d``, and ``nn.Linear``) keep PyTorch's
    default. This is how the authors' code initialises everything outside
    the backbone (method notes, sec. 1.4).
    """
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, std=std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(getattr(m, 'bias', None), nn.Parameter):
            nn.init.zeros_(m.bias)


# Registered in MMEngine's root registry, not MMPose's child one: MMEngine's
# ``initialize`` builds initialisers from the root, which finds it whatever
# the default scope (MMPose's child registry is searched only under scope
# 'mmpose').
@WEIGHT_INITIALIZERS.register_module()
class NormalConvInit(BaseInit):
    """``init_cfg=dict(type='NormalConvInit', std=0.001)``: the whole module
    as ``normal_conv_init_`` does (the default of the TDMI necks and head).

    Args:
        std (float): standard deviation of the conv weights. Defaults to
            0.001.
    """

    def __init__(self, std: float = 0.001, **kwargs):
        super().__init__(**kwargs)
        if std <= 0:
            raise ValueError(f'std must be > 0, got {std}')
        self.std = std

    def __call__(self, module: nn.Module) -> None:
        normal_conv_init_(module, self.std)
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return (f'{self.__class__.__name__}: Conv2d N(0, {self.std}), '
                f'BatchNorm 1/0, other biases 0')
