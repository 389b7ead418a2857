# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TDMIHead: fusion of useful motion and appearance into heatmaps, and the
TDMI losses (TDMI sec. 1.4 and 2 of the method notes).

``Ftilde = BasicBlocks(cat(M_u, F_a))`` (2C -> C, 3 blocks), ``H =
conv3x3(Ftilde)`` (C -> K). ``init_cfg`` initialises the fusion and the
final conv; as in MMPose's heads, None means the head's default,
``TDMI_INIT_CFG`` (sec. 1.4: MMEngine's ``Normal`` on the convs,
N(0, 0.001), bias 0; ``Constant`` on BatchNorm, weight 1 / bias 0).

The class is MMPose's ``HeatmapHead`` with this fusion in front: codec,
keypoint loss, decoding and the flip test (``predict`` flips, averages and
shifts as MMPose does) are HeatmapHead's. Its input is the dict of features
that ``VideoTopdownPoseEstimator.extract_feat`` returns. ``loss`` adds the
mutual-information terms; the ``mi_y`` terms need ``y_projector``, a frozen
1x1 conv C -> K: the pretrained single-frame model's final layer. It is
loaded by ``VideoTopdownPoseEstimator(single_frame_checkpoint=...)``, by
``projector_init_cfg=dict(type='Pretrained', checkpoint=...,
prefix='head.final_layer.')`` (``'keypoint_head.final_layer.'`` for an
MMPose 0.x checkpoint) or with a whole TDMI checkpoint; it remembers
whether it was (a ``loaded`` buffer), and ``loss`` refuses to train an
``mi_y`` term against a random projector.

Shape legend: B instances, C channels, K keypoints, h x w heatmap size.
"""
import copy
import math
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule, initialize
from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads import HeatmapHead
from mmpose.registry import MODELS
from mmpose.utils.tensor_utils import to_numpy
from torch import Tensor

from ..losses import SOFTMAX_TEMPERATURE
from ..utils import TDMI_INIT_CFG, basic_blocks

__all__ = ['TDMIHead']


class _FrozenProjector(BaseModule):
    """A frozen 1x1 conv C -> K. Its parameters are ``weight`` and ``bias``
    like a pretrained head's ``final_layer``, so ``init_cfg=dict(
    type='Pretrained', checkpoint=..., prefix='head.final_layer.')`` loads
    them.

    The boolean buffer ``loaded`` says whether they came from a checkpoint:
    it is set when a state dict with ``weight`` loads without error (a
    single-frame model's final layer, which has no flag, counts as loaded;
    a TDMI checkpoint carries its own flag).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        conv = nn.Conv2d(in_channels, out_channels, 1)
        self.weight = nn.Parameter(conv.weight.detach(), requires_grad=False)
        self.bias = nn.Parameter(conv.bias.detach(), requires_grad=False)
        self.register_buffer('loaded', torch.zeros((), dtype=torch.bool))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                              missing_keys, unexpected_keys, error_msgs):
        flag = prefix + 'loaded'
        if prefix + 'weight' in state_dict and flag not in state_dict:
            state_dict[flag] = torch.ones((), dtype=torch.bool)
        errors = len(error_msgs)
        super()._load_from_state_dict(state_dict, prefix, local_metadata,
                                      strict, missing_keys, unexpected_keys,
                                      error_msgs)
        if len(error_msgs) > errors:  # e.g. a shape mismatch
            self.loaded.fill_(False)

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight, self.bias)


@MODELS.register_module()
class TDMIHead(HeatmapHead):
    """Heatmap head over fused useful motion and appearance.

    Args:
        in_channels (int): C of M_u and F_a. Defaults to 48.
        out_channels (int): K keypoints. Defaults to 17.
        fusion_blocks (int): BasicBlocks of the fusion. Defaults to 3.
        mi_loss (dict, optional): config of the mutual-information loss;
            None trains with the keypoint loss alone.
        projector_init_cfg (dict, optional): init_cfg of the frozen
            projector used by the ``mi_y`` terms.
        loss (dict): keypoint loss. Defaults to
            ``dict(type='KeypointMSELoss', use_target_weight=True)``.
        decoder (dict, optional): the heatmap codec.
        init_cfg (dict, optional): initialisation of the fusion and the
            final conv (the projector has ``projector_init_cfg``, the MI
            estimators their own). None (default) is ``default_init_cfg``,
            ``TDMI_INIT_CFG``.
    """

    def __init__(
            self,
            in_channels: int = 48,
            out_channels: int = 17,
            fusion_blocks: int = 3,
            mi_loss: Optional[dict] = dict(type='TDMIMutualInformationLoss'),
            projector_init_cfg: Optional[dict] = None,
            loss: dict = dict(type='KeypointMSELoss', use_target_weight=True),
            decoder: Optional[dict] = None,
            init_cfg: Optional[dict] = None):
        super().__init__(
            in_channels=in_channels,
            out_channels=out_channels,
            deconv_out_channels=None,
            conv_out_channels=None,
            final_layer=dict(kernel_size=3, padding=1),
            loss=loss,
            decoder=decoder,
            init_cfg=init_cfg)
        self.fusion = basic_blocks(2 * in_channels, in_channels, fusion_blocks)
        self.y_projector = _FrozenProjector(in_channels, out_channels,
                                            projector_init_cfg)
        self.mi_loss = None
        if mi_loss is not None:
            mi_loss = dict(mi_loss)
            mi_loss.setdefault('channels', in_channels)
            mi_loss.setdefault('num_keypoints', out_channels)
            self.mi_loss = MODELS.build(mi_loss)

    @property
    def default_init_cfg(self) -> dict:
        """What ``init_cfg=None`` means (HeatmapHead reads it)."""
        return copy.deepcopy(TDMI_INIT_CFG)

    def init_weights(self) -> None:
        """``init_cfg`` on the fusion and the final conv, then the
        projector's own ``init_cfg`` (a pretrained final layer). The MI
        estimators are left as built: an initialiser over the whole head
        would also reset their layers."""
        for part in (self.fusion, self.final_layer):
            initialize(part, self.init_cfg)
        self.y_projector.init_weights()
        self._is_init = True

    def _check_projector(self) -> None:
        terms = self.mi_loss.projector_terms if self.mi_loss else ()
        if terms and not bool(self.y_projector.loaded):
            raise RuntimeError(
                f'the MI terms {list(terms)} map features to heatmaps with '
                f'head.y_projector, which was not loaded from a checkpoint '
                f'(a random projector would pull the heatmaps toward a '
                f'random projection). Set model.single_frame_checkpoint to '
                f'the stage-1 single-frame model (or '
                f'model.head.projector_init_cfg, or load_from a TDMI '
                f'checkpoint), or switch the terms off with '
                f'model.head.mi_loss.term_weights='
                f'{ {t: 0 for t in terms} }.')

    def forward_features(self, feats: Dict[str,
                                           Tensor]) -> Tuple[Tensor, Tensor]:
        """Features of ``extract_feat`` -> the fused feature Ftilde
        (B, C, h, w) and the heatmaps (B, K, h, w)."""
        fused = self.fusion(
            torch.cat([feats['useful'], feats['appearance']], dim=1))
        heatmaps = self.final_layer(fused)
        self._check_heatmap_size(heatmaps)
        return fused, heatmaps  # (B, C, h, w), (B, K, h, w)

    def _check_heatmap_size(self, heatmaps: Tensor) -> None:
        """Heatmaps of another size than the codec's would be decoded
        with every keypoint scaled by the ratio (and trained against
        targets of another size): refused, naming both sizes."""
        size = getattr(self.decoder, 'heatmap_size', None)
        if size is None:
            return
        got = tuple(heatmaps.shape[-1:-3:-1])  # (w, h)
        if got != tuple(size):
            raise ValueError(
                f'the model gives heatmaps of {got} (w, h), its codec '
                f'(head.decoder) has heatmap_size {tuple(size)}: every '
                f'keypoint would be scaled by the ratio. Make them agree '
                f'(the input size / 4 for HRNet; a ViT MultiLevelBackbone '
                f'needs scale_factor=4)')

    def forward(self, feats: Dict[str, Tensor]) -> Tensor:
        """Features of ``extract_feat`` -> heatmaps (B, K, h, w)."""
        return self.forward_features(feats)[1]

    @staticmethod
    @torch.no_grad()
    def _heatmap_stats(heatmaps: Tensor, weights: Tensor) -> Dict[str, Tensor]:
        """Logged, not optimised: the mean peak of the predicted heatmaps and
        the normalised entropy of softmax(heatmap / SOFTMAX_TEMPERATURE)
        (the MI surrogate's temperature) over the joints with a target; the
        two numbers the heatmap MI terms move (docs/evidence.md, "The MI
        terms at the recipe's sizes")."""
        rows = heatmaps.float().flatten(2)  # (B, K, h*w)
        valid = weights.flatten() > 0
        if not valid.any():
            return {}
        log_q = F.log_softmax(rows / SOFTMAX_TEMPERATURE, dim=-1)
        entropy = -(log_q.exp() * log_q).sum(-1) / math.log(rows.shape[-1])
        return dict(
            heatmap_peak=rows.amax(-1).flatten()[valid].mean(),
            heatmap_entropy=entropy.flatten()[valid].mean())

    def loss(self,
             feats: Dict[str, Tensor],
             batch_data_samples,
             train_cfg: dict = {}) -> dict:
        """Keypoint MSE (``loss_kpt``), ``acc_pose`` and the MI groups."""
        self._check_projector()
        fused, heatmaps = self.forward_features(feats)
        gt_heatmaps = torch.stack(
            [d.gt_fields.heatmaps for d in batch_data_samples])
        keypoint_weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ])
        losses = dict(
            loss_kpt=self.loss_module(heatmaps, gt_heatmaps, keypoint_weights))
        if train_cfg.get('compute_acc', True):
            # float(): NumPy has no bfloat16 (CPU autocast)
            _, avg_acc, _ = pose_pck_accuracy(
                output=to_numpy(heatmaps.float()),
                target=to_numpy(gt_heatmaps),
                mask=to_numpy(keypoint_weights) > 0)
            losses['acc_pose'] = torch.tensor(
                avg_acc, device=gt_heatmaps.device)
            losses.update(self._heatmap_stats(heatmaps, keypoint_weights))
        if self.mi_loss is not None:
            losses.update(
                self.mi_loss(
                    dict(feats, fused=fused, heatmaps=heatmaps),
                    projector=self.y_projector))
        return losses
