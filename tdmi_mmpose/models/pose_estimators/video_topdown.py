# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""VideoTopdownPoseEstimator: top-down pose estimation of a key frame from a
clip of T frames (TDMI, Feng et al. CVPR 2023).

Data flow for B person instances (sec. 1 of the method notes)::

    clip (B, T, 3, H, W), frames in temporal order, key frame at index k
      -> flatten(0, 1) -> backbone (B*T, 3, H, W): four stage features
      -> unflatten(0, (B, T)) -> each (B, T, C, h, w)
      -> temporal_encoder (TDE)  -> M   (B, C, h, w)
      -> disentangler (RDM)      -> M_u, M_n
      -> appearance              -> F_a (B, C, h, w)
      -> head: Ftilde = fuse(M_u, F_a) -> heatmaps (B, K, h, w)

Modes are MMPose's: ``loss`` (keypoint MSE + MI terms), ``predict``
(``PoseDataSample`` results for the key frame, in image coordinates, with
MMPose's flip test applied to every frame of the clip) and ``tensor``
(heatmaps). The key-frame index is configured once here and handed to the
encoders that have none; data samples that carry ``frame_offsets`` are
checked against it (offset 0 must sit at the key index).

Shape legend: B instances, T frames, C channels, K keypoints, H x W input,
h x w = H/4 x W/4.
"""
from typing import Dict, Optional

from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS
from torch import Tensor

from ..utils import resolve_key_frame_index

__all__ = ['VideoTopdownPoseEstimator']


@MODELS.register_module()
class VideoTopdownPoseEstimator(TopdownPoseEstimator):
    """Multi-frame top-down pose estimator.

    Args:
        backbone (dict): a backbone returning per-frame stage features,
            e.g. ``MultiStageHRNet``.
        temporal_encoder (dict): e.g. ``TemporalDifferenceEncoder``.
        disentangler (dict): e.g. ``RepresentationDisentanglementModule``.
        appearance (dict): e.g. ``AppearanceEncoder``.
        head (dict): e.g. ``TDMIHead``.
        num_frames (int): T. Defaults to 5.
        key_frame_index (int, optional): defaults to ``num_frames // 2``.
        train_cfg, test_cfg, data_preprocessor, init_cfg, metainfo: as
            MMPose's ``TopdownPoseEstimator``.
    """

    def __init__(self,
                 backbone: dict,
                 temporal_encoder: dict,
                 disentangler: dict,
                 appearance: dict,
                 head: dict,
                 num_frames: int = 5,
                 key_frame_index: Optional[int] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 metainfo: Optional[dict] = None):
        key_frame_index = resolve_key_frame_index(num_frames,
                                                  key_frame_index)
        super().__init__(
            backbone=backbone,
            head=head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg,
            metainfo=metainfo)
        self.num_frames = num_frames
        self.key_frame_index = key_frame_index
        frames = dict(num_frames=num_frames, key_frame_index=key_frame_index)
        self.temporal_encoder = MODELS.build({**frames, **temporal_encoder})
        self.disentangler = MODELS.build(disentangler)
        self.appearance = MODELS.build({**frames, **appearance})
        for name in ('temporal_encoder', 'appearance'):
            module = getattr(self, name)
            if (module.num_frames, module.key_frame_index) != (
                    num_frames, key_frame_index):
                raise ValueError(
                    f'{name} is configured for {module.num_frames} frames '
                    f'with the key at {module.key_frame_index}, the '
                    f'estimator for {num_frames} with the key at '
                    f'{key_frame_index}')

    def extract_feat(self, inputs: Tensor) -> Dict[str, Tensor]:
        """(B, T, 3, H, W) clips -> ``motion``, ``useful``, ``noisy`` and
        ``appearance`` features, each (B, C, h, w)."""
        if inputs.dim() != 5 or inputs.shape[1] != self.num_frames:
            raise ValueError(f'expected clips (B, T={self.num_frames}, 3, H,'
                             f' W), got {tuple(inputs.shape)}')
        b, t = inputs.shape[:2]
        stages = self.backbone(inputs.flatten(0, 1))  # each (B*T, C, h, w)
        stages = [s.unflatten(0, (b, t)) for s in stages]  # (B, T, C, h, w)
        motion = self.temporal_encoder(stages)
        useful, noisy = self.disentangler(motion)
        return dict(motion=motion, useful=useful, noisy=noisy,
                    appearance=self.appearance(stages[-1]))

    def loss(self, inputs: Tensor, data_samples) -> dict:
        self._check_frame_offsets(data_samples)
        return super().loss(inputs, data_samples)

    def predict(self, inputs: Tensor, data_samples):
        self._check_frame_offsets(data_samples)
        return super().predict(inputs, data_samples)

    def _forward(self, inputs: Tensor, data_samples=None) -> Tensor:
        """``tensor`` mode: heatmaps (B, K, h, w)."""
        return self.head.forward(self.extract_feat(inputs))

    def _check_frame_offsets(self, data_samples) -> None:
        for sample in data_samples or []:
            offsets = sample.metainfo.get('frame_offsets')
            if offsets is None:
                continue
            if len(offsets) != self.num_frames or \
                    offsets[self.key_frame_index] != 0:
                raise ValueError(
                    f'data sample {sample.metainfo.get("img_path")} has '
                    f'frame_offsets {list(offsets)}; the model expects '
                    f'{self.num_frames} frames with offset 0 at index '
                    f'{self.key_frame_index}')
