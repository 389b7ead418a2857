# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MultiStageHRNet: MMPose's HRNet returning its four high-resolution stage
features (TDMI sec. 1.1).

    F^1: stage 1 after the first transition layer (e.g. 256 -> 48 channels);
    F^2, F^3, F^4: branch 0 of the outputs of stages 2, 3 and 4 (F^4 is the
    usual HRNet head input).

All four are the highest-resolution branch (C = stage-2 branch-0 width, 1/4
of the input size). The class subclasses MMPose's ``HRNet`` and adds no
parameter, so checkpoint keys are stock HRNet's and MMPose's HRNet-W32/W48
checkpoints load unchanged; the intermediate outputs are taken with forward
hooks on HRNet's own modules, so HRNet's forward is not copied.

With ``frozen=True`` (TDMI freezes the backbone) no parameter requires a
gradient, the forward runs under ``torch.no_grad()`` (no autograd graph for
the T backbone passes), and BatchNorm stays in eval mode while
``norm_eval=True``; ``norm_eval=False`` reproduces the lineage code, whose
frozen BatchNorms still update their running statistics.

Shape legend: N images (B*T frames), C channels, H x W input, h = H/4,
w = W/4.
"""
from typing import List, Tuple

import torch
from mmpose.models.backbones import HRNet
from mmpose.registry import MODELS
from torch import Tensor

__all__ = ['MultiStageHRNet']


@MODELS.register_module()
class MultiStageHRNet(HRNet):
    """HRNet that returns ``(F^1, F^2, F^3, F^4)``, each (N, C, h, w).

    Args:
        frozen (bool): freeze every parameter and run without autograd.
            Defaults to True.
        norm_eval (bool): keep BatchNorm in eval mode during training.
            Defaults to True.
        **kwargs: the arguments of MMPose's ``HRNet`` (``extra``,
            ``in_channels``, ``init_cfg``, ...).
    """

    def __init__(self, frozen: bool = True, norm_eval: bool = True,
                 **kwargs):
        super().__init__(norm_eval=norm_eval, **kwargs)
        if self.stage4_cfg['num_branches'] < 1:
            raise ValueError('MultiStageHRNet needs HRNet stages 2-4')
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)
        self._stage_feats: List[Tensor] = []
        # F^1: the first transition's branch 0 (stage 1's output when the
        # widths already match and HRNet has no transition there)
        first = self.transition1[0] if self.transition1[0] is not None \
            else self.layer1
        first.register_forward_hook(self._keep_output)
        for stage in (self.stage2, self.stage3):
            stage.register_forward_hook(self._keep_branch0)

    def _keep_output(self, module, args, output: Tensor) -> None:
        self._stage_feats.append(output)

    def _keep_branch0(self, module, args, outputs: List[Tensor]) -> None:
        self._stage_feats.append(outputs[0])

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """(N, 3, H, W) -> four (N, C, h, w) stage features."""
        self._stage_feats = []
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.frozen):
            final = super().forward(x)
        feats = (*self._stage_feats, final[0])
        self._stage_feats = []
        return feats


    def train(self, mode: bool = True) -> 'MultiStageHRNet':
        """HRNet.train keeps BatchNorm in eval mode under ``norm_eval`` but
        returns None; return ``self`` as ``nn.Module.train`` does."""
        super().train(mode)
        return self
