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

TDMI is trained in two stages (sec. 3 of the method notes): a single-frame
top-down model (MMPose's ``TopdownPoseEstimator`` with HRNet) is trained
first; ``single_frame_checkpoint`` names its checkpoint, from which
``init_weights`` loads both the frozen backbone (``backbone.*``) and the MI
projector (the single-frame head's final 1x1 layer, ``head.final_layer.*``
in MMPose 1.x checkpoints, ``keypoint_head.final_layer.*`` in MMPose 0.x
ones such as the released PoseTrack18 HRNet-W48).

Shape legend: B instances, T frames, C channels, K keypoints, H x W input,
h x w = H/4 x W/4.
"""
import logging
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.logging import print_log
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import MODELS
from torch import Tensor

from ..utils import resolve_key_frame_index
from ..utils.single_frame_checkpoint import (load_single_frame_checkpoint,
                                             refuse_misfits)
from ..utils.support_crop_jitter import SupportCropJitter

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
        single_frame_checkpoint (str, optional): path or URL of the stage-1
            single-frame model; ``init_weights`` loads the backbone and the
            MI projector from it. Do not combine with a ``Pretrained``
            ``init_cfg`` of the backbone.
        projector_from_checkpoint (bool): load the MI projector from the
            single-frame checkpoint's final 1x1 heatmap layer. False for a
            stage 1 without one (RTMPose's SimCC head): only the backbone
            loads, the projector stays unloaded, and the two MI terms that
            read it are refused in training (``TDMIHead.loss``). Defaults
            to True.
        support_crop_jitter (dict, optional): ``SupportCropJitter``'s
            ``prob``, ``shift``, ``scale``: a training augmentation for the
            video tool's resample mode (not in the paper). Defaults to None
            (off).
        channels_last (bool): keep the weights of everything after the
            backbone (temporal encoder, disentangler, appearance encoder,
            head) in PyTorch's channels-last layout, as
            ``MultiStageHRNet(channels_last=True)`` does for the backbone:
            the same values (float rounding), checkpoints load either way;
            its convolutions run faster on CPU (figures: docs/speed.md).
            Defaults to False.
        backbone_autocast (str, optional): run the backbone's forward under
            ``torch.autocast`` in this dtype (``'bfloat16'`` or
            ``'float16'``), its stage features cast back to float32 for the
            neck and head, which stay in float32. For the frozen backbone
            on hardware with fast half-precision convolutions (a CPU with
            AVX-512 BF16 or AMX, a GPU); elsewhere slower. Defaults to None
            (float32). Not in the paper; measured in docs/speed.md.
        allow_partial_load (bool): load a whole-model checkpoint whose
            tensors do not all fit (other shapes, missing parameters), as
            MMEngine would with warnings. Defaults to False: such a
            checkpoint (e.g. of another T or width) is refused, because
            testing it would report numbers of randomly initialised
            layers.
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
                 single_frame_checkpoint: Optional[str] = None,
                 projector_from_checkpoint: bool = True,
                 support_crop_jitter: Optional[dict] = None,
                 channels_last: bool = False,
                 backbone_autocast: Optional[str] = None,
                 allow_partial_load: bool = False,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 metainfo: Optional[dict] = None):
        key_frame_index = resolve_key_frame_index(num_frames, key_frame_index)
        backbone_init = (backbone.get('init_cfg') or {})
        if single_frame_checkpoint and isinstance(
                backbone_init,
                dict) and backbone_init.get('type') == 'Pretrained':
            raise ValueError(
                'both single_frame_checkpoint and backbone.init_cfg='
                'Pretrained are set: the backbone would be loaded twice; '
                'keep one (single_frame_checkpoint also loads the projector)')
        data_preprocessor = _with_num_frames(data_preprocessor, num_frames)
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
        self.single_frame_checkpoint = single_frame_checkpoint
        self.projector_from_checkpoint = projector_from_checkpoint
        self.crop_jitter = None
        if support_crop_jitter is not None:
            keys = {'prob', 'shift', 'scale'}
            if not isinstance(support_crop_jitter,
                              dict) or set(support_crop_jitter) != keys:
                raise ValueError(f'support_crop_jitter must be a dict with '
                                 f'the keys {sorted(keys)}, got '
                                 f'{support_crop_jitter!r}')
            self.crop_jitter = SupportCropJitter(
                **support_crop_jitter, key_frame_index=key_frame_index)
        self.allow_partial_load = allow_partial_load
        self._register_load_state_dict_pre_hook(self._refuse_misfits)
        frames = dict(num_frames=num_frames, key_frame_index=key_frame_index)
        self.temporal_encoder = MODELS.build({**frames, **temporal_encoder})
        self.disentangler = MODELS.build(disentangler)
        self.appearance = MODELS.build({**frames, **appearance})
        for name in ('temporal_encoder', 'appearance'):
            module = getattr(self, name)
            if (module.num_frames,
                    module.key_frame_index) != (num_frames, key_frame_index):
                raise ValueError(
                    f'{name} is configured for {module.num_frames} frames '
                    f'with the key at {module.key_frame_index}, the '
                    f'estimator for {num_frames} with the key at '
                    f'{key_frame_index}')
        self._check_noisy_branch()
        if backbone_autocast not in _AUTOCAST_DTYPES:
            raise ValueError(f'backbone_autocast must be one of '
                             f'{sorted(k for k in _AUTOCAST_DTYPES if k)} '
                             f'or None, got {backbone_autocast!r}')
        self.backbone_autocast = backbone_autocast
        self.channels_last = channels_last
        if channels_last:
            for part in (self.temporal_encoder, self.disentangler,
                         self.appearance, self.head):
                part.to(memory_format=torch.channels_last)

    def _check_noisy_branch(self) -> None:
        """M_n must exist where a loss reads it, and should not where none
        does (its MLP would get no gradient, which breaks DDP)."""
        mi_loss = getattr(self.head, 'mi_loss', None)
        used = mi_loss is not None and 'noisy' in mi_loss.used_features
        has = getattr(self.disentangler, 'noisy_branch', True)
        if used and not has:
            raise ValueError(
                'the MI loss uses the noisy motion M_n but the disentangler '
                'was built with noisy_branch=False')
        if has and not used and any(p.requires_grad
                                    for p in self.disentangler.parameters()):
            print_log(
                'no loss uses the noisy motion M_n, so the disentangler\'s '
                'noisy branch gets no gradient (DDP fails on such '
                'parameters): set model.disentangler.noisy_branch=False',
                logger='current',
                level=logging.WARNING)

    def _refuse_misfits(self, state_dict, prefix, local_metadata, *args):
        """Refuse a whole-model checkpoint that does not fit (see
        ``allow_partial_load``); runs before any tensor is copied."""
        if not self.allow_partial_load:
            refuse_misfits(self, state_dict, prefix, self.num_frames)

    def init_weights(self) -> None:
        """MMEngine's initialisation, then the stage-1 single-frame model's
        backbone and final layer if ``single_frame_checkpoint`` is set
        (``load_single_frame_checkpoint``)."""
        super().init_weights()
        if self.single_frame_checkpoint:
            load_single_frame_checkpoint(self, self.single_frame_checkpoint,
                                         self.projector_from_checkpoint)

    def clip_stages(self, inputs: Tensor) -> List[Tensor]:
        """(B, T, 3, H, W) clips -> the backbone's stage features, each
        (B, T, C, h, w): one backbone pass per frame."""
        if inputs.dim() != 5 or inputs.shape[1] != self.num_frames:
            raise ValueError(f'expected clips (B, T={self.num_frames}, 3, H,'
                             f' W), got {tuple(inputs.shape)}')
        b, t = inputs.shape[:2]
        stages = self.frame_stages(inputs.flatten(0, 1))  # (B*T, C, h, w)
        return [s.unflatten(0, (b, t)) for s in stages]

    def frame_stages(self, images: Tensor) -> List[Tensor]:
        """(N, 3, H, W) frames -> the backbone's stage features, each
        (N, C, h, w) in float32 (under ``backbone_autocast`` when set)."""
        if self.backbone_autocast is None:
            return list(self.backbone(images))
        with torch.autocast(
                images.device.type,
                dtype=_AUTOCAST_DTYPES[self.backbone_autocast]):
            stages = self.backbone(images)
        return [s.float() for s in stages]

    def features_from_stages(self,
                             stages: Sequence[Tensor]) -> Dict[str, Tensor]:
        """Stage features (each (B, T, C, h, w)) -> ``motion``, ``useful``,
        ``noisy`` and ``appearance``, each (B, C, h, w) (``noisy`` is None
        when the disentangler has no noisy branch). Everything after the
        backbone: the video tool's resample mode
        (``apis/video/resample_mode.py``) feeds it
        stage features it computed once per person-frame."""
        motion = self.temporal_encoder(list(stages))
        useful, noisy = self.disentangler(motion)
        return dict(
            motion=motion,
            useful=useful,
            noisy=noisy,
            appearance=self.appearance(stages[-1]))

    def extract_feat(self, inputs: Tensor) -> Dict[str, Tensor]:
        """(B, T, 3, H, W) clips -> the features of ``features_from_stages``.
        """
        return self.features_from_stages(self.clip_stages(inputs))

    def loss(self, inputs: Tensor, data_samples) -> dict:
        """MMPose's ``TopdownPoseEstimator.loss``, with the stage features
        through ``support_crop_jitter`` when it is set."""
        self._check_frame_offsets(data_samples)
        if self.crop_jitter is None:
            stages = self.clip_stages(inputs)
        else:
            stages = self.crop_jitter(inputs, self.clip_stages)
        feats = self.features_from_stages(stages)
        losses = dict()
        losses.update(
            self.head.loss(feats, data_samples, train_cfg=self.train_cfg))
        return losses

    def predict(self, inputs: Tensor, data_samples):
        """MMPose's ``TopdownPoseEstimator.predict`` (flip test on the
        width-flipped clip), through ``predict_from_stages``."""
        self._check_frame_offsets(data_samples)
        flipped = None
        if self.test_cfg.get('flip_test', False):
            flipped = self.clip_stages(inputs.flip(-1))
        return self.predict_from_stages(
            self.clip_stages(inputs), data_samples, flipped)

    def predict_from_stages(self,
                            stages: Sequence[Tensor],
                            data_samples,
                            flipped_stages: Optional[Sequence[Tensor]] = None):
        """Predictions from stage features (each (B, T, C, h, w)) of the
        clips and, with the flip test, of the width-flipped clips; the head
        decodes, MMPose's ``add_pred_to_datasample`` maps the keypoints to
        image coordinates."""
        if self.test_cfg.get('flip_test', False) != (flipped_stages
                                                     is not None):
            raise ValueError('give the flipped clips\' stage features '
                             'exactly when test_cfg.flip_test is set')
        if flipped_stages is None:
            feats = self.features_from_stages(stages)
        else:  # both directions through the neck in one batch (2B)
            both = self.features_from_stages(
                [torch.cat(pair) for pair in zip(stages, flipped_stages)])
            b = len(stages[0])
            feats = [{
                k: None if v is None else v[half]
                for k, v in both.items()
            } for half in (slice(None, b), slice(b, None))]
        preds = self.head.predict(feats, data_samples, test_cfg=self.test_cfg)
        fields = None
        if isinstance(preds, tuple):
            preds, fields = preds
        return self.add_pred_to_datasample(preds, fields, data_samples)

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


_AUTOCAST_DTYPES = {
    None: None,
    'bfloat16': torch.bfloat16,
    'float16': torch.float16
}


def _with_num_frames(cfg: Optional[dict], num_frames: int):
    """The multi-frame preprocessor takes T from the estimator (one source
    of truth); a different T given there is an error."""
    if not isinstance(
            cfg, dict) or cfg.get('type') != 'MultiFramePoseDataPreprocessor':
        return cfg
    given = cfg.get('num_frames')
    if given is not None and given != num_frames:
        raise ValueError(f'data_preprocessor.num_frames={given} differs from '
                         f'the estimator\'s num_frames={num_frames}; leave '
                         f'it out (the estimator sets it)')
    return dict(cfg, num_frames=num_frames)
