# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MultiStageHRNet: MMPose's HRNet returning its four high-resolution stage
features (TDMI sec. 1.1).

    F^1: stage 1 after the first transition layer (e.g. 256 -> 48 channels);
    F^2, F^3, F^4: branch 0 of the outputs of stages 2, 3 and 4 (F^4 is the
    usual HRNet head input).

All four are the highest-resolution branch (C = stage-2 branch-0 width, 1/4
of the input size). The class subclasses MMPose's ``HRNet`` and adds no
parameter, so checkpoint keys are stock HRNet's and MMPose's HRNet-W32/W48
checkpoints load unchanged. ``forward`` runs HRNet's own layers in HRNet's
order and returns the intermediate outputs with the last one: no state is
kept on the module, so the backbone is re-entrant (threads, DataParallel
replicas, nested calls), and ``torch.compile`` / ONNX export see a plain
function. A test pins ``F^4`` to stock ``HRNet.forward``.

With ``frozen=True`` (TDMI freezes the backbone) no parameter requires a
gradient, the forward runs under ``torch.no_grad()`` (no autograd graph for
the T backbone passes), and BatchNorm stays in eval mode while
``norm_eval=True``; ``norm_eval=False`` trains as the authors' code does,
whose frozen BatchNorms still update their running statistics.

With ``channels_last=True`` the weights and the input are kept in PyTorch's
channels-last memory layout, which oneDNN's CPU convolutions (and cuDNN's
tensor-core ones) run faster; the values are the same up to float rounding
(a test), the stage features are returned in the usual contiguous layout
and checkpoints are unchanged (``load_state_dict`` copies values into the
channels-last parameters). Only the backbone uses it: the trainable neck
does not gain (``tools/analysis_tools/benchmark_speed.py`` measures
both).

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
        channels_last (bool): run in the channels-last memory layout (see
            the module doc). Defaults to False.
        **kwargs: the arguments of MMPose's ``HRNet`` (``extra``,
            ``in_channels``, ``init_cfg``, ...).
    """

    def __init__(self,
                 frozen: bool = True,
                 norm_eval: bool = True,
                 channels_last: bool = False,
                 **kwargs):
        super().__init__(norm_eval=norm_eval, **kwargs)
        self.frozen = frozen
        self.channels_last = channels_last
        if frozen:
            self.requires_grad_(False)
        if channels_last:
            self.to(memory_format=torch.channels_last)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """(N, 3, H, W) -> four (N, C, h, w) stage features."""
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.frozen):
            if not self.channels_last:
                return self._stage_features(x)
            feats = self._stage_features(
                x.contiguous(memory_format=torch.channels_last))
            return tuple(f.contiguous() for f in feats)

    def _stage_features(self, x: Tensor) -> Tuple[Tensor, ...]:
        # HRNet.forward's sequence, keeping branch 0 after each stage
        x = self.relu(self.norm1(self.conv1(x)))
        x = self.relu(self.norm2(self.conv2(x)))
        x = self.layer1(x)  # (N, 256, h, w) for the bottleneck stage 1
        # the first transition takes stage 1's single output everywhere
        branches = [
            x if t is None else t(x)
            for t in self.transition1[:self.stage2_cfg['num_branches']]
        ]
        f1 = branches[0]  # F^1, (N, C, h, w)
        y = self.stage2(branches)
        f2 = y[0]
        y = self.stage3(
            self._transit(self.transition2, y,
                          self.stage3_cfg['num_branches']))
        f3 = y[0]
        y = self.stage4(
            self._transit(self.transition3, y,
                          self.stage4_cfg['num_branches']))
        return f1, f2, f3, y[0]

    @staticmethod
    def _transit(transitions, y: List[Tensor],
                 num_branches: int) -> List[Tensor]:
        """HRNet's later transitions: an existing branch passes unchanged
        where it has no transition; a transition reads the last branch."""
        return [
            y[i] if transitions[i] is None else transitions[i](y[-1])
            for i in range(num_branches)
        ]

    def train(self, mode: bool = True) -> 'MultiStageHRNet':
        """HRNet.train keeps BatchNorm in eval mode under ``norm_eval`` but
        returns None; return ``self`` as ``nn.Module.train`` does."""
        super().train(mode)
        return self
