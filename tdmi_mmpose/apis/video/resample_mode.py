# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The video tool's ``'resample'`` fast mode (``--fast``): one backbone
pass per person-frame; and ``CropFeatureCache``, what it shares with the
``'window'`` mode (``crop_windows.py``).

Every frame is cropped once per person, with that person's own box in that
frame, and the backbone's stage features of the crop (and of its mirror,
for the flip test) are kept while a later key frame can need them (at most
one clip window: ``forget``). For key frame t, support frame t + d
contributes the kept crop that overlaps t's crop window most (IoU),
resampled into the key crop's coordinates (both crops are affine images of
the frame: ``crop_to_crop_grid``, one ``grid_sample`` per stage); below
``min_iou`` the support frame is cropped with the key box, as in the exact
mode. The key frame's own features are the exact mode's. Why resampling,
and how far it is from the exact mode: docs/video.md (fast modes).

Shape legend: N people in a frame, B people of the key frame, T frames,
C channels, H x W input, h x w stage feature size.
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmcv.transforms import Compose
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmpose.structures.bbox import get_udp_warp_matrix, get_warp_matrix
from torch import Tensor

from ...models.utils import crop_to_crop_grid
from ..inference import clip_test_pipeline

__all__ = ['CropFeatureCache', 'ResampleModeEstimator']


@dataclass
class _FrameFeatures:
    """One frame's crops: their data samples (the key frame's predictions
    are written into them), ``windows`` (N, 4) crop windows x1, y1, x2, y2
    in the frame, ``warps`` (N, 3, 3) frame -> crop input pixels, the stage
    features (each (N, C, h, w)) of the crops and of their mirror images
    (None without the flip test)."""
    samples: list
    windows: np.ndarray
    warps: np.ndarray
    stages: List[Tensor]
    flipped: Optional[List[Tensor]]


def pipeline_step(pipeline_cfg: Sequence[dict], name: str) -> dict:
    """The one step of type ``name`` of a test pipeline; an error naming
    the pipeline's steps if there is not exactly one."""
    steps = [s for s in pipeline_cfg if s.get('type') == name]
    if len(steps) != 1:
        raise ValueError(
            f'the fast video mode needs a test pipeline with exactly one '
            f'MMPose {name} (the crop it reproduces); this config has '
            f'{[s.get("type") for s in pipeline_cfg]}')
    return steps[0]


class CropFeatureCache:
    """What both reuse modes share: the model checks, the config's test
    pipeline as the crop (``_crop``), one backbone call for a batch of
    crops and their mirrors (``_backbone``), and the counters
    ``backbone_crops`` (crops passed through the backbone, a crop and its
    mirror counted once), ``backbone_calls`` and ``max_cached``.
    """

    def __init__(self, model):
        if not hasattr(model, 'predict_from_stages'):
            raise ValueError(
                f'the fast video mode runs a torch VideoTopdownPoseEstimator'
                f', got {type(model).__name__} (the onnxruntime backend '
                f'runs whole clips: use the exact mode)')
        if not hasattr(model.data_preprocessor, 'normalise'):
            raise ValueError(
                'the fast video mode needs the model\'s data preprocessor to '
                'be MultiFramePoseDataPreprocessor, got '
                f'{type(model.data_preprocessor).__name__}')
        self.model = model
        self.pipeline: Compose = clip_test_pipeline(model.cfg)
        self.pipeline_cfg = model.cfg.test_dataloader.dataset.pipeline
        self.affine = pipeline_step(self.pipeline_cfg, 'TopdownAffine')
        self.use_udp = bool(self.affine.get('use_udp', False))
        self.flip_test = bool(model.test_cfg.get('flip_test', False))
        self.backbone_crops = self.backbone_calls = self.max_cached = 0
        self._input_size = None  # (W, H) of the crops, set by _crop

    def _crop(self, images: Sequence[np.ndarray], boxes: np.ndarray):
        """(N, 5) boxes, box i on ``images[i]`` (or all on one image) ->
        (N, 3, H, W) normalised crops, their data samples, windows (N, 4)
        and warps (N, 3, 3)."""
        if isinstance(images, np.ndarray):
            images = [images] * len(boxes)
        data = []
        for image, box in zip(images, boxes):
            h, w = image.shape[:2]
            info = dict(
                img=[image],
                bbox=np.asarray(box[None, :4], np.float32),
                bbox_score=np.asarray(box[4:5], np.float32),
                img_shape=(h, w),
                ori_shape=(h, w))
            info.update(self.model.dataset_meta)
            data.append(self.pipeline(info))
        data = pseudo_collate(data)
        inputs = torch.stack([x[0] for x in data['inputs']])
        device = next(self.model.parameters()).device
        inputs = self.model.data_preprocessor.normalise(inputs.to(device))
        samples = data['data_samples']
        windows, warps = [], []
        for sample in samples:
            center = np.asarray(sample.metainfo['input_center'], np.float64)
            scale = np.asarray(sample.metainfo['input_scale'], np.float64)
            size = sample.metainfo['input_size']
            warp = (get_udp_warp_matrix if self.use_udp else get_warp_matrix)(
                center, scale, 0., output_size=size)
            warps.append(np.vstack([warp, [0., 0., 1.]]))
            self._input_size = tuple(size)
            windows.append(
                np.concatenate([center - scale / 2, center + scale / 2]))
        return inputs, samples, np.asarray(windows), np.asarray(warps)

    def _backbone(self, inputs: Tensor, flip: bool = True):
        """(N, 3, H, W) -> stage features of the crops and, with the flip
        test (and ``flip``), of their mirrors, each (N, C, h, w), in one
        backbone call."""
        n = len(inputs)
        self.backbone_crops += n
        self.backbone_calls += 1
        flip = flip and self.flip_test
        if flip:
            inputs = torch.cat([inputs, inputs.flip(-1)])
        stages = self.model.frame_stages(inputs)
        if not flip:
            return list(stages), None
        return [s[:n] for s in stages], [s[n:] for s in stages]

    def _enter_scope(self) -> None:
        init_default_scope(
            self.model.cfg.get('default_scope', 'mmpose') or 'mmpose')


class ResampleModeEstimator(CropFeatureCache):
    """Estimate key frames of a stream with each frame's backbone features
    computed once per person (see the module doc): the ``'resample'`` fast
    mode.

    Args:
        model: a ``VideoTopdownPoseEstimator`` (torch, from ``init_model``)
            whose data preprocessor is ``MultiFramePoseDataPreprocessor``.
        min_iou (float): the least crop-window IoU for a support frame's
            cached crop to stand in for the key box's crop; below it that
            frame is cropped with the key box (exact). Defaults to 0.5.
        interpolation (str): ``grid_sample``'s mode for the resampling,
            ``'bilinear'`` (default) or ``'nearest'``.
        padding (str): what the key crop gets where the support crop did
            not reach: ``'border'`` (the nearest feature, default) or
            ``'zeros'``.

    Counters (for benchmarks and tests), besides ``CropFeatureCache``'s:
    ``reused`` and ``fallbacks`` (support frames warped / recomputed).
    """

    def __init__(self,
                 model,
                 min_iou: float = 0.5,
                 interpolation: str = 'bilinear',
                 padding: str = 'border'):
        super().__init__(model)
        if not 0.0 < min_iou <= 1.0:
            raise ValueError(f'min_iou must be in (0, 1], got {min_iou}')
        if interpolation not in ('bilinear', 'nearest'):
            raise ValueError(f'interpolation must be bilinear or nearest, '
                             f'got {interpolation!r}')
        if padding not in ('border', 'zeros'):
            raise ValueError(f'padding must be border or zeros, got '
                             f'{padding!r}')
        self.interpolation = interpolation
        self.padding = padding
        self.min_iou = min_iou
        self._cache: Dict[int, _FrameFeatures] = {}
        self.reused = self.fallbacks = 0

    def crop_features(self,
                      image: np.ndarray,
                      boxes: np.ndarray,
                      flip: bool = True) -> _FrameFeatures:
        """A frame's crops, one per box, and their stage features (and, with
        the flip test and ``flip``, their mirrors')."""
        if not len(boxes):
            return _FrameFeatures([], np.zeros((0, 4)), np.zeros((0, 3, 3)),
                                  [], None)
        inputs, samples, windows, warps = self._crop(image, boxes)
        stages, flipped = self._backbone(inputs, flip)
        return _FrameFeatures(samples, windows, warps, stages, flipped)

    def _frame(self, index: int, image: np.ndarray,
               boxes: np.ndarray) -> _FrameFeatures:
        if index not in self._cache:
            self._cache[index] = self.crop_features(image, boxes)
            self.max_cached = max(self.max_cached, len(self._cache))
        return self._cache[index]

    def forget(self, before: int) -> None:
        """Drop the features of frames with an index below ``before``."""
        for index in [i for i in self._cache if i < before]:
            del self._cache[index]

    # a key frame --------------------------------------------------------
    def estimate(self, key_index: int, clip_indices: Sequence[int],
                 frames: Dict[int, Tuple[np.ndarray, np.ndarray]]):
        """The key frame's people as ``PoseDataSample`` (image coordinates),
        like ``inference_clip`` with the key frame's boxes.

        Args:
            key_index: the key frame's index.
            clip_indices: the T frame indices of the clip (the key among them,
                at the model's key index; edge frames may repeat).
            frames: {index: (BGR image, (N, 5) kept boxes)} holding at least
                the clip's frames.
        """
        self._enter_scope()
        image, boxes = frames[key_index]
        with torch.no_grad():
            key_crops = self._frame(key_index, image, boxes)
            # once per frame: edge frames may repeat in the clip
            features = {
                n:
                self._support(key_crops, frames, n, boxes)
                if n != key_index else (key_crops.stages, key_crops.flipped)
                for n in dict.fromkeys(clip_indices)
            }
            per_frame = [features[n] for n in clip_indices]
            stages = [
                torch.stack([f[0][s] for f in per_frame], 1)
                for s in range(len(key_crops.stages))
            ]  # each (B, T, C, h, w)
            flipped = None
            if self.flip_test:
                flipped = [
                    torch.stack([f[1][s] for f in per_frame], 1)
                    for s in range(len(key_crops.stages))
                ]
            return self.model.predict_from_stages(stages, key_crops.samples,
                                                  flipped)

    def _support(self, key_crops: _FrameFeatures, frames, index: int,
                 key_boxes: np.ndarray):
        """The stage features (each (B, C, h, w)) of frame ``index`` in the
        key crops' coordinates, and those of the mirrored crops (None
        without the flip test)."""
        image, boxes = frames[index]
        support_crops = self._frame(index, image, boxes)
        matches = self.match_crops(key_crops, support_crops)
        exact = [b for b, j in enumerate(matches) if j < 0]
        self.reused += len(matches) - len(exact)
        self.fallbacks += len(exact)
        out = self.resample_into_key_crops(
            key_crops, support_crops, matches, flipped=False)
        out_flip = self.resample_into_key_crops(
            key_crops, support_crops, matches,
            flipped=True) if self.flip_test else None
        if exact:  # cropped with the key box, as the exact mode does
            inputs, _, _, _ = self._crop(image, key_boxes[exact])
            stages, flipped = self._backbone(inputs)
            where = torch.as_tensor(exact, device=stages[0].device)
            for s in range(len(out)):
                out[s] = out[s].index_copy(0, where, stages[s])
                if out_flip is not None:
                    out_flip[s] = out_flip[s].index_copy(0, where, flipped[s])
        return out, out_flip

    def match_crops(self, key_crops: _FrameFeatures,
                    support_crops: _FrameFeatures) -> List[int]:
        """Per key person: the cached crop overlapping its crop most, or -1
        below ``min_iou``."""
        from mmpose.structures.bbox import bbox_overlaps
        if not len(support_crops.windows):
            return [-1] * len(key_crops.windows)
        iou = bbox_overlaps(
            torch.as_tensor(np.asarray(key_crops.windows, np.float64)),
            torch.as_tensor(np.asarray(support_crops.windows,
                                       np.float64))).numpy()
        best = iou.argmax(1)
        return [
            int(j) if iou[b, j] >= self.min_iou else -1
            for b, j in enumerate(best)
        ]

    def crop_windows(self, image: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """(N, 4) the crop windows x1, y1, x2, y2 (frame pixels) that the
        test pipeline gives (N, 5) boxes."""
        return self._crop(image, boxes)[2]

    def resample_into_key_crops(self, key_crops: _FrameFeatures,
                                support_crops: _FrameFeatures,
                                matches: List[int],
                                flipped: bool) -> List[Tensor]:
        """Resample the picked cached crops' stage features into the key
        crops (rows with match -1 are placeholders, overwritten)."""
        source = support_crops.flipped if flipped else support_crops.stages
        reference = key_crops.flipped if flipped else key_crops.stages
        grids: Dict[tuple, Tensor] = {}
        out = []
        for s, ref in enumerate(reference):
            size = tuple(ref.shape[-2:])
            if size not in grids:
                grids[size] = torch.stack([
                    crop_to_crop_grid(
                        support_crops.warps[j] @ np.linalg.inv(
                            key_crops.warps[b]), size, self._input_size,
                        flipped) if j >= 0 else torch.zeros(*size, 2)
                    for b, j in enumerate(matches)
                ]).to(ref.device, ref.dtype)
            maps = torch.stack([
                source[s][j] if j >= 0 else ref[b]
                for b, j in enumerate(matches)
            ])
            out.append(
                F.grid_sample(
                    maps,
                    grids[size],
                    mode=self.interpolation,
                    padding_mode=self.padding,
                    align_corners=True))
        return out
