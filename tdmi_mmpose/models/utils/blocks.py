# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Layers shared by the TDMI necks and head.

- ``basic_blocks``: a chain of MMPose's ResNet ``BasicBlock``s
  (conv3x3-BN-ReLU-conv3x3-BN plus shortcut), the first one projecting the
  input width with a 1x1 conv + BN shortcut when the widths differ, or
  always (``project=True``: the authors' block in the TDE accumulation,
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
- ``TDMI_INIT_CFG``: the init_cfg of everything outside the backbone
  (sec. 1.4): convs N(0, 0.001), BatchNorm 1 / 0, as MMEngine initialisers.
- ``deform_impl``: a scoped choice of the deformable conv's implementation.

Shape legend: N samples, C channels, h x w feature size.
"""
import contextlib
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmpose.models.backbones.resnet import BasicBlock
from torch import Tensor
from torchvision.ops import DeformConv2d, deform_conv2d

__all__ = [
    'basic_blocks', 'ModulatedDeformAlign', 'MASK_ACTIVATIONS',
    'TDMI_INIT_CFG', 'deform_conv2d_sampled', 'deform_impl', 'DEFORM_IMPLS'
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
    ``project`` is True (the authors' ``ChainOfBasicBlocks`` always has it,
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
            authors' code does; ``'sigmoid'`` is canonical DCNv2.
        deform_dilation (int): dilation (and padding) of the deformable
            conv itself: 1 in the authors' TDE, 3 in its appearance
            alignment. Defaults to 1.
        impl (str): ``'auto'`` (default: ``deform_conv2d_sampled`` on CPU,
            torchvision's op elsewhere, whose CUDA kernel is the reference),
            ``'torchvision'`` or ``'sampled'``. Same parameters and values
            either way; ``deform_impl`` switches a whole model for a block.

    Initialisation: the offset and mask convs are ``nn.Conv2d`` (the
    owner's ``TDMI_INIT_CFG`` initialises them); the deformable conv keeps
    torchvision's default weights and its bias is 0 (the authors' code).
    """

    def __init__(self,
                 channels: int,
                 deform_groups: int = 12,
                 dilation: int = 3,
                 mask_activation: str = 'none',
                 deform_dilation: int = 1,
                 impl: str = 'auto'):
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
        if impl not in DEFORM_IMPLS:
            raise ValueError(f'impl must be one of {DEFORM_IMPLS}, got '
                             f'{impl!r}')
        self.impl = impl
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
        nn.init.zeros_(self.deform_conv.bias)
        self.mask_activation = mask_activation
        self.deform_dilation = deform_dilation

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


# The initialisation of everything outside the backbone (sec. 1.4 of the
# method notes; MMPose's HeatmapHead spells its default the same way): every
# nn.Conv2d (offset and mask convs included) N(0, 0.001) with bias 0,
# BatchNorm weight 1 / bias 0. The deformable convs (torchvision's
# DeformConv2d is not an nn.Conv2d) and the RDM's nn.Linear layers keep
# PyTorch's default weights; their biases are set to 0 where they are
# built (``ModulatedDeformAlign``, ``RepresentationDisentanglementModule``).
TDMI_INIT_CFG = [
    dict(type='Normal', layer='Conv2d', std=0.001, bias=0),
    dict(type='Constant', layer='BatchNorm2d', val=1, bias=0)
]


@contextlib.contextmanager
def deform_impl(model: nn.Module, impl: str):
    """Run every ``ModulatedDeformAlign`` of ``model`` with ``impl`` inside
    the ``with`` block (e.g. torchvision's op for an ONNX export), each
    module's own choice restored after it."""
    if impl not in DEFORM_IMPLS:
        raise ValueError(f'impl must be one of {DEFORM_IMPLS}, got {impl!r}')
    aligns = [
        m for m in model.modules() if isinstance(m, ModulatedDeformAlign)
    ]
    before = [m.impl for m in aligns]
    try:
        for m in aligns:
            m.impl = impl
        yield model
    finally:
        for m, old in zip(aligns, before):
            m.impl = old
