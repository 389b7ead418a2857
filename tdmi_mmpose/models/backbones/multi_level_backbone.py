# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MultiLevelBackbone: any MMPose backbone with multi-level outputs as the
stage features the temporal-difference encoder reads.

The TDE takes a list of per-frame feature maps, one per level, all with C
channels at one resolution (what ``MultiStageHRNet`` gives: HRNet's
high-resolution branch after each stage). Here a frozen backbone with
``out_indices`` (ResNet, CSPNeXt, ...) gives levels of other widths and
strides; a small trainable adapter per level (1x1 conv + BatchNorm + ReLU,
then bilinear resizing to the finest level's size, times ``scale_factor``)
brings each to C. A ViT (``mmpretrain.VisionTransformer`` with
``out_type='featmap'``) gives every block at stride 16: ``scale_factor=4``
brings them to the stride 4 of the heatmaps.
Levels are used in the backbone's order (finest first), so the last one,
the most semantic, is the ``F^4`` that steers the modulation and the
appearance path. BatchNorm in the adapters also normalises block outputs
that the backbone leaves un-normalised (a ViT's intermediate blocks).

The wrapped backbone's parameters are the stage-1 model's
(``single_frame_backbone``): ``VideoTopdownPoseEstimator(
single_frame_checkpoint=...)`` loads ``backbone.*`` of a single-frame
checkpoint into it.

Shape legend: N images (B*T frames), C_i level widths, C output width,
h x w the finest level's size times ``scale_factor``.
"""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor

from ..utils import TDMI_INIT_CFG

__all__ = ['MultiLevelBackbone']


@MODELS.register_module()
class MultiLevelBackbone(BaseModule):
    """A frozen multi-level backbone and one adapter per level.

    Args:
        backbone (dict): the backbone's config, with ``out_indices``
            naming the levels (e.g. ``dict(type='ResNet', depth=50,
            out_indices=(0, 1, 2, 3))``).
        in_channels (Sequence[int]): each level's width.
        out_channels (int): C, the width the TDE and the head work at.
        frozen (bool): freeze the backbone (TDMI's stage 2). Defaults to
            True.
        norm_eval (bool): keep the frozen backbone's BatchNorm in eval mode.
            Defaults to True.
        norm_cfg (dict): the adapters' norm. Defaults to BatchNorm.
        scale_factor (float): the output size is the finest level's times
            this (bilinear). Defaults to 1.
        init_cfg (dict, optional): the adapters' initialisation. Defaults to
            ``TDMI_INIT_CFG`` on the adapters only (the backbone keeps its
            own ``init_cfg`` or a checkpoint).
    """

    def __init__(self,
                 backbone: dict,
                 in_channels: Sequence[int],
                 out_channels: int,
                 frozen: bool = True,
                 norm_eval: bool = True,
                 norm_cfg: dict = dict(type='BN'),
                 scale_factor: float = 1.0,
                 init_cfg: Optional[Union[dict, list]] = TDMI_INIT_CFG):
        super().__init__(init_cfg=None)
        if not in_channels or out_channels < 1:
            raise ValueError(f'in_channels must name each level\'s width and '
                             f'out_channels be >= 1, got {in_channels}, '
                             f'{out_channels}')
        if not scale_factor > 0:
            raise ValueError(f'scale_factor must be > 0, got {scale_factor}')
        try:
            self.backbone = MODELS.build(backbone)
        except AssertionError as e:  # MMPose's backbones assert options
            raise ValueError(
                f'backbone {backbone.get("type")} refused its options '
                f'(out_indices {backbone.get("out_indices")}): '
                f'{e or "an assertion of its own failed"}') from e
        self._check_levels(in_channels, backbone)
        self.adapters = nn.ModuleList(
            ConvModule(c, out_channels, 1, norm_cfg=norm_cfg)
            for c in in_channels)
        self.adapter_init_cfg = init_cfg
        self.in_channels = tuple(in_channels)
        self.out_channels = out_channels
        self.scale_factor = scale_factor
        self.frozen = frozen
        self.norm_eval = norm_eval
        if frozen:
            self.backbone.requires_grad_(False)

    def _check_levels(self, in_channels: Sequence[int], cfg: dict) -> None:
        """The backbone's levels, probed once with a small input at build
        time, must be as many and as wide as ``in_channels`` says (else the
        first forward would fail in an adapter's convolution)."""
        was_training = self.backbone.training
        self.backbone.eval()  # the probe leaves BatchNorm statistics alone
        try:
            with torch.no_grad():
                levels = self.backbone(torch.zeros(1, 3, 64, 64))
        finally:
            self.backbone.train(was_training)
        widths = tuple(level.shape[1] for level in levels)
        if widths != tuple(in_channels):
            raise ValueError(
                f'in_channels {tuple(in_channels)} do not match the levels '
                f'of backbone {cfg.get("type")} (out_indices '
                f'{cfg.get("out_indices")}): it gives {len(widths)} levels '
                f'of widths {widths}')

    @property
    def single_frame_backbone(self) -> nn.Module:
        """The module a single-frame checkpoint's ``backbone.*`` loads
        into."""
        return self.backbone

    def init_weights(self) -> None:
        from mmengine.model import initialize
        self.backbone.init_weights()
        if self.adapter_init_cfg:
            initialize(self.adapters, self.adapter_init_cfg)
        self._is_init = True

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """(N, 3, H, W) -> one (N, C, h, w) map per level."""
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and not self.frozen):
            levels = self.backbone(x)
        if len(levels) != len(self.adapters):
            raise ValueError(f'the backbone gave {len(levels)} levels, the '
                             f'adapters expect {len(self.adapters)} '
                             f'(in_channels {self.in_channels})')
        size = tuple(
            int(round(s * self.scale_factor)) for s in levels[0].shape[-2:])
        out = []
        for level, adapter in zip(levels, self.adapters):
            y = adapter(level)
            if y.shape[-2:] != size:
                y = F.interpolate(
                    y, size=size, mode='bilinear', align_corners=False)
            out.append(y)
        return tuple(out)

    def train(self, mode: bool = True) -> 'MultiLevelBackbone':
        super().train(mode)
        if mode and self.frozen and self.norm_eval:
            for m in self.backbone.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self
