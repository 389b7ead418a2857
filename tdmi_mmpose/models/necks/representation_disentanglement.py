# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""RepresentationDisentanglementModule (RDM): split raw motion into useful
and noisy constituents (TDMI sec. 1.3 of the method notes).

``z = GAP(M)``; two separate MLPs C -> hidden -> C (ReLU between, sigmoid at
the end) give channel weights ``a_u`` and ``a_n``; ``M_u = a_u * M`` and
``M_n = a_n * M``. Only ``M_u`` feeds the prediction; ``M_n`` exists for the
mutual-information loss, which is what trains the noisy MLP.

``mode='split'`` is the paper's channel-split ablation: the first half of
the channels is the useful part and the second half the noisy part (the
other half zeroed, so both keep C channels and every loss term keeps its
shape).

``mode='identity'`` is the "temporal-difference encoder alone" ablation:
``M_u = M``, no parameter, no noisy part (``noisy_branch`` must be False).

``noisy_branch=False`` builds no noisy MLP and returns ``M_n = None``: for
configs in which no loss uses M_n (no MI losses, or none of the terms with
M_n), where an untrained MLP would make DDP fail on parameters without
gradients.

Initialisation (sec. 1.4): the linear layers keep PyTorch's default
weights, their biases are 0 (set where they are built); ``init_cfg``
(``TDMI_INIT_CFG``) covers any conv or BatchNorm.

Shape legend: B instances, C channels, h x w feature size.
"""
from typing import Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor

from ..utils import TDMI_INIT_CFG

__all__ = ['RepresentationDisentanglementModule']

_MODES = ('attention', 'split', 'identity')


@MODELS.register_module()
class RepresentationDisentanglementModule(BaseModule):
    """Channel-attention disentanglement of motion features.

    Args:
        in_channels (int): C. Defaults to 48.
        hidden_channels (int): width of the MLPs. Defaults to 128.
        mode (str): ``'attention'`` (default), ``'split'`` or
            ``'identity'``.
        noisy_branch (bool): compute M_n. Defaults to True.
        init_cfg (dict, optional): MMEngine's initialisation config.
            Defaults to ``TDMI_INIT_CFG`` (MMEngine's ``Normal`` on the
            convs, N(0, 0.001), bias 0, and ``Constant`` on BatchNorm, 1 / 0;
            the authors' initialisation, method notes sec. 1.4); None keeps
            PyTorch's.
    """

    def __init__(self,
                 in_channels: int = 48,
                 hidden_channels: int = 128,
                 mode: str = 'attention',
                 noisy_branch: bool = True,
                 init_cfg: Optional[Union[dict, list]] = TDMI_INIT_CFG):
        super().__init__(init_cfg=init_cfg)
        if mode not in _MODES:
            raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')
        if mode == 'split' and in_channels % 2:
            raise ValueError(f"mode='split' needs an even number of "
                             f'channels, got {in_channels}')
        if mode == 'identity' and noisy_branch:
            raise ValueError("mode='identity' has no noisy part: set "
                             'noisy_branch=False (and no MI loss that reads '
                             'M_n)')
        if in_channels < 1 or hidden_channels < 1:
            raise ValueError('in_channels and hidden_channels must be >= 1')
        self.in_channels = in_channels
        self.mode = mode
        self.noisy_branch = noisy_branch
        if mode == 'attention':
            self.useful_mlp = self._mlp(in_channels, hidden_channels)
            if noisy_branch:
                self.noisy_mlp = self._mlp(in_channels, hidden_channels)
        elif mode == 'split':
            half = torch.arange(in_channels) < in_channels // 2
            self.register_buffer('useful_mask', half.float(), persistent=False)

    @staticmethod
    def _mlp(channels: int, hidden: int) -> nn.Sequential:
        mlp = nn.Sequential(
            nn.Linear(channels, hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, channels), nn.Sigmoid())
        for layer in (mlp[0], mlp[2]):  # the authors' code: biases 0
            nn.init.zeros_(layer.bias)
        return mlp

    @property
    def out_channels(self) -> int:
        return self.in_channels

    def forward(self, motion: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        """(B, C, h, w) raw motion M -> useful M_u and noisy M_n, each
        (B, C, h, w); M_n is None without the noisy branch."""
        if motion.dim() != 4 or motion.shape[1] != self.in_channels:
            raise ValueError(f'expected (B, {self.in_channels}, h, w) motion,'
                             f' got {tuple(motion.shape)}')
        if self.mode == 'identity':
            return motion, None
        if self.mode == 'split':
            w_u = self.useful_mask.view(1, -1, 1, 1)
            noisy = motion * (1 - w_u) if self.noisy_branch else None
            return motion * w_u, noisy
        z = motion.mean(dim=(2, 3))  # (B, C)
        a_u = self.useful_mlp(z)[..., None, None]  # (B, C, 1, 1)
        if not self.noisy_branch:
            return a_u * motion, None
        a_n = self.noisy_mlp(z)[..., None, None]
        return a_u * motion, a_n * motion
