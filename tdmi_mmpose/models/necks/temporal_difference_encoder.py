# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TemporalDifferenceEncoder (TDE): raw motion from multi-stage temporal
differences (TDMI, Feng et al. CVPR 2023, sec. 1.2 of the method notes).

For each selected backbone stage j, with the T frames in temporal order:

1. intra-stage differences of consecutive frames, concatenated:
   ``S^j = cat(F_{i+1} - F_i for i = 0..T-2)``, (T-1)*C channels;
2. residual fusion ``D^j = BasicBlocks(S^j)`` -> C channels;
3. spatial modulation: guidance ``g^j = BasicBlock(cat(F^last_key, D^j))``
   predicts offsets and masks of a modulated deformable 3x3 conv,
   ``Dhat^j = DCN(D^j; g^j)``;
4. progressive accumulation ``M^1 = Dhat^1``,
   ``M^j = BasicBlock(M^{j-1} + Dhat^j)``; the output is ``M = M^J``. The
   block's shortcut is a 1x1 conv + BN although the widths are equal, as
   the authors' ``ChainOfBasicBlocks(48, 48, 1)`` [LIN].

The deformable conv itself has dilation 1 (padding 1); only its offset and
mask convs are dilated. Initialisation: ``TDMI_INIT_CFG`` (sec. 1.4).

Options for the paper's ablations: ``stages`` (single vs multi stage),
``modulation=False`` (without spatial modulation, ``Dhat^j = D^j``),
``accumulation='concat'`` (without progressive accumulation: one BasicBlock
over the concatenated ``Dhat^j``), ``mask_activation`` ('none' as in the
authors' code, or 'sigmoid'), and the blocks per stage (the authors' code
uses 2 everywhere; the figure draws 3, 3, ?, 2).

Frame layout: stage features are (B, T, C, h, w), frames in temporal order,
the key frame at ``key_frame_index``.

Shape legend: B instances, T frames, C channels, h x w feature size.
"""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor

from ..utils import (TDMI_INIT_CFG, ModulatedDeformAlign, basic_blocks,
                     resolve_key_frame_index)

__all__ = ['TemporalDifferenceEncoder']

_ACCUMULATIONS = ('progressive', 'concat')


@MODELS.register_module()
class TemporalDifferenceEncoder(BaseModule):
    """Multi-stage temporal difference encoder.

    Args:
        in_channels (int): C, the width of every backbone stage feature
            (48 for HRNet-W48).
        num_frames (int): T >= 2.
        key_frame_index (int): index of the key frame in the T frames.
            Defaults to ``num_frames // 2`` (symmetric offsets).
        stages (Sequence[int]): which of the backbone's stage features to
            use, in order; the last backbone feature (F^4 of the key frame)
            is always the guidance. Defaults to (0, 1, 2, 3).
        num_backbone_stages (int): how many stage features the backbone
            gives. Defaults to 4.
        blocks_per_stage (int | Sequence[int]): BasicBlocks of the residual
            fusion per used stage. Defaults to 2.
        modulation (bool): use the deformable spatial modulation.
            Defaults to True.
        accumulation (str): ``'progressive'`` or ``'concat'``.
        deform_groups (int): G of the deformable conv. Defaults to 12.
        dilation (int): dilation of the offset / mask convs. Defaults to 3.
        mask_activation (str): ``'none'`` (the authors') or ``'sigmoid'``.
        accumulator_projection (bool): the accumulation blocks' shortcut is
            a 1x1 conv + BN even at equal widths (the authors'). Defaults to
            True; False gives an identity shortcut.
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
                 stages: Sequence[int] = (0, 1, 2, 3),
                 num_backbone_stages: int = 4,
                 blocks_per_stage=2,
                 modulation: bool = True,
                 accumulation: str = 'progressive',
                 deform_groups: int = 12,
                 dilation: int = 3,
                 mask_activation: str = 'none',
                 accumulator_projection: bool = True,
                 init_cfg: Optional[Union[dict, list]] = TDMI_INIT_CFG):
        super().__init__(init_cfg=init_cfg)
        # temporal differences need at least two frames
        key_frame_index = resolve_key_frame_index(
            num_frames, key_frame_index, min_frames=2)
        stages = tuple(stages)
        if not stages or any(not 0 <= s < num_backbone_stages for s in stages):
            raise ValueError(f'stages must be a non-empty list of indices in '
                             f'[0, {num_backbone_stages}), got {stages}')
        if isinstance(blocks_per_stage, int):
            blocks_per_stage = (blocks_per_stage, ) * len(stages)
        if len(blocks_per_stage) != len(stages):
            raise ValueError(f'blocks_per_stage has {len(blocks_per_stage)} '
                             f'entries for {len(stages)} stages')
        if accumulation not in _ACCUMULATIONS:
            raise ValueError(f'accumulation must be one of {_ACCUMULATIONS},'
                             f' got {accumulation!r}')
        self.in_channels = in_channels
        self.num_frames = num_frames
        self.key_frame_index = key_frame_index
        self.stages = stages
        self.num_backbone_stages = num_backbone_stages
        self.modulation = modulation
        self.accumulation = accumulation

        c = in_channels
        self.fusions = nn.ModuleList(
            basic_blocks((num_frames - 1) * c, c, n) for n in blocks_per_stage)
        if modulation:
            self.guides = nn.ModuleList(
                basic_blocks(2 * c, c, 1) for _ in stages)
            self.aligns = nn.ModuleList(
                ModulatedDeformAlign(c, deform_groups, dilation,
                                     mask_activation) for _ in stages)
        if accumulation == 'progressive':
            self.accumulators = nn.ModuleList(
                basic_blocks(c, c, 1, project=accumulator_projection)
                for _ in stages[1:])
        else:
            self.accumulators = nn.ModuleList(
                [basic_blocks(len(stages) * c, c, 1)])

    @property
    def out_channels(self) -> int:
        return self.in_channels

    def forward(self, stage_feats: Sequence[Tensor]) -> Tensor:
        """Raw motion M.

        Args:
            stage_feats: the backbone's stage features, each (B, T, C, h, w).

        Returns:
            Tensor: M, (B, C, h, w).
        """
        self._check_inputs(stage_feats)
        key_appearance = stage_feats[-1][:, self.key_frame_index]  # (B,C,h,w)
        motions = []
        for i, stage in enumerate(self.stages):
            feats = stage_feats[stage]  # (B, T, C, h, w)
            # consecutive differences: (B, (T-1)*C, h, w)
            diffs = (feats[:, 1:] - feats[:, :-1]).flatten(1, 2)
            d = self.fusions[i](diffs)  # (B, C, h, w)
            if self.modulation:
                guide = self.guides[i](torch.cat([key_appearance, d], dim=1))
                d = self.aligns[i](d, guide)
            motions.append(d)
        return self._accumulate(motions)

    def _accumulate(self, motions: Sequence[Tensor]) -> Tensor:
        if self.accumulation == 'concat':
            return self.accumulators[0](torch.cat(motions, dim=1))
        m = motions[0]
        for block, d in zip(self.accumulators, motions[1:]):
            m = block(m + d)  # M^j = BasicBlock(M^{j-1} + Dhat^j)
        return m

    def _check_inputs(self, stage_feats: Sequence[Tensor]) -> None:
        if len(stage_feats) != self.num_backbone_stages:
            raise ValueError(f'expected {self.num_backbone_stages} stage '
                             f'features, got {len(stage_feats)}')
        for j, f in enumerate(stage_feats):
            if f.dim() != 5 or f.shape[1] != self.num_frames or \
                    f.shape[2] != self.in_channels:
                raise ValueError(
                    f'stage feature {j} has shape {tuple(f.shape)}; expected'
                    f' (B, T={self.num_frames}, C={self.in_channels}, h, w)')
