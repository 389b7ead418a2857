# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""AppearanceEncoder: the appearance feature F_a fused with useful motion
(TDMI sec. 1.5 of the method notes; an [OPEN] point, both variants here).

- ``mode='keyframe'`` (the paper's figure): ``F_a = F^4_key``.
- ``mode='aligned'`` (the authors' code, FAMI-Pose design, default):
  the support frames' F^4 are concatenated and fused by 2 BasicBlocks into
  S; a guidance ``g = BasicBlock(cat(S, F^4_key))``; then four modulated
  deformable 3x3 convs, each with dilation 3 and padding 3 in the deformable
  conv itself [LIN]::

      g = DCN_1(g; offsets/mask from g)     # refine the guidance
      g = DCN_2(g; offsets/mask from g)
      A = DCN_3(S; offsets/mask from g)     # align the support feature
      A = DCN_4(A; offsets/mask from A)     # refine A from itself
      F_a = 3 BasicBlocks(cat(F^4_key, A))

  ``deform_dilation=1`` and ``last_align_guide='guide'`` give the variant
  with DCN dilation 1 and DCN_4 steered by g.

Initialisation: ``TDMI_INIT_CFG`` (sec. 1.4).

Frame layout: (B, T, C, h, w), frames in temporal order, the key frame at
``key_frame_index``.

Shape legend: B instances, T frames, C channels, h x w feature size.
"""
from typing import Optional, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor

from ..utils import (TDMI_INIT_CFG, ModulatedDeformAlign, basic_blocks,
                     resolve_key_frame_index)

__all__ = ['AppearanceEncoder']

_MODES = ('aligned', 'keyframe')
_LAST_ALIGN_GUIDES = ('aligned', 'guide')


@MODELS.register_module()
class AppearanceEncoder(BaseModule):
    """Appearance feature of the key frame.

    Args:
        in_channels (int): C. Defaults to 48.
        num_frames (int): T (>= 2 for ``'aligned'``). Defaults to 5.
        key_frame_index (int): defaults to ``num_frames // 2``.
        mode (str): ``'aligned'`` (default) or ``'keyframe'``.
        deform_groups (int): G of the deformable convs. Defaults to 12.
        dilation (int): dilation of their offset / mask convs. Defaults to 3.
        mask_activation (str): ``'none'`` (the authors') or ``'sigmoid'``.
        deform_dilation (int): dilation (and padding) of the deformable
            convs themselves. Defaults to 3 (the authors').
        last_align_guide (str): what DCN_4 predicts its offsets and mask
            from: ``'aligned'`` (the aligned feature itself, the authors',
            default) or ``'guide'`` (the refined guidance).
        init_cfg (dict, optional): MMEngine's initialisation config.
            Defaults to ``TDMI_INIT_CFG`` (MMEngine's ``Normal`` on the
            convs, N(0, 0.001), bias 0, and ``Constant`` on BatchNorm, 1 / 0;
            the authors' initialisation, method notes sec. 1.4); None keeps
            PyTorch's.
    """

    def __init__(self,
                 in_channels: int = 48,
                 num_frames: int = 5,
                 key_frame_index: int = None,
                 mode: str = 'aligned',
                 deform_groups: int = 12,
                 dilation: int = 3,
                 mask_activation: str = 'none',
                 deform_dilation: int = 3,
                 last_align_guide: str = 'aligned',
                 init_cfg: Optional[Union[dict, list]] = TDMI_INIT_CFG):
        super().__init__(init_cfg=init_cfg)
        if mode not in _MODES:
            raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')
        if last_align_guide not in _LAST_ALIGN_GUIDES:
            raise ValueError(f'last_align_guide must be one of '
                             f'{_LAST_ALIGN_GUIDES}, got {last_align_guide!r}')
        # the aligned mode needs support frames
        key_frame_index = resolve_key_frame_index(
            num_frames,
            key_frame_index,
            min_frames=2 if mode == 'aligned' else 1)
        self.in_channels = in_channels
        self.num_frames = num_frames
        self.key_frame_index = key_frame_index
        self.mode = mode
        self.last_align_guide = last_align_guide
        if mode == 'keyframe':
            return
        c = in_channels

        def align() -> ModulatedDeformAlign:
            return ModulatedDeformAlign(c, deform_groups, dilation,
                                        mask_activation, deform_dilation)

        self.support_fusion = basic_blocks((num_frames - 1) * c, c, 2)
        self.guide = basic_blocks(2 * c, c, 1)
        self.guide_refine = nn.ModuleList([align(), align()])
        self.support_align = nn.ModuleList([align(), align()])
        self.output_fusion = basic_blocks(2 * c, c, 3)

    @property
    def out_channels(self) -> int:
        return self.in_channels

    def forward(self, feats: Tensor) -> Tensor:
        """(B, T, C, h, w) last-stage features -> F_a, (B, C, h, w)."""
        if feats.dim() != 5 or feats.shape[1] != self.num_frames or \
                feats.shape[2] != self.in_channels:
            raise ValueError(
                f'expected (B, T={self.num_frames}, C={self.in_channels}, '
                f'h, w) features, got {tuple(feats.shape)}')
        key = feats[:, self.key_frame_index]  # (B, C, h, w)
        if self.mode == 'keyframe':
            return key
        support_idx = [
            t for t in range(self.num_frames) if t != self.key_frame_index
        ]
        support = self.support_fusion(feats[:, support_idx].flatten(
            1, 2))  # (B, C, h, w)
        guide = self.guide(torch.cat([support, key], dim=1))
        for refine in self.guide_refine:
            guide = refine(guide, guide)
        aligned = self.support_align[0](support, guide)  # DCN_3
        last_guide = aligned if self.last_align_guide == 'aligned' else guide
        aligned = self.support_align[1](aligned, last_guide)  # DCN_4
        return self.output_fusion(torch.cat([key, aligned], dim=1))
