# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Run a video pose model on one clip, as ``mmpose.apis.inference_topdown``
runs an image model on one image.

The preprocessing is the model config's test pipeline without the steps
that choose and read frames (``SampleClipFrames``, ``LoadClip``), so the
crop (box padding, UDP or not, input size) is exactly what ``tools/test.py``
does with that config: typically MMPose's ``GetBBoxCenterScale``,
``TopdownAffine`` (which warps a list of frames alike, one affine per
person) and ``PackPoseInputs`` (which stacks them to (T, 3, H, W)).
"""
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmpose.structures import PoseDataSample
from mmpose.structures.bbox import bbox_xywh2xyxy
from torch import nn

from ..datasets.transforms.clip_transforms import read_frame

__all__ = ['inference_clip', 'clip_test_pipeline']

# the test-pipeline steps that pick and decode frames: the caller gives them
_FRAME_LOADING = ('SampleClipFrames', 'LoadClip', 'LoadImage')


def clip_test_pipeline(cfg) -> Compose:
    """The config's test pipeline after frame loading (see module doc).

    Raises:
        ValueError: if the config has no test pipeline.
    """
    try:
        steps = cfg.test_dataloader.dataset.pipeline
    except (AttributeError, KeyError):
        raise ValueError('the model config has no '
                         'test_dataloader.dataset.pipeline to take the '
                         'preprocessing from') from None
    return Compose(
        [dict(step) for step in steps if step['type'] not in _FRAME_LOADING])


def _load_frames(frames: Sequence[Union[np.ndarray, str]]) -> List[np.ndarray]:
    loaded = []
    for i, frame in enumerate(frames):
        if isinstance(frame, str):
            frame = read_frame(frame)
        if not isinstance(frame, np.ndarray) or frame.ndim != 3:
            raise ValueError(f'frame {i}: expected an (H, W, 3) BGR image or'
                             f' a path, got {type(frame).__name__}')
        if frame.dtype != np.uint8:
            # float images in [0, 1] would reach the model nearly black
            raise ValueError(
                f'frame {i}: expected uint8 BGR values 0-255 (as cv2.imread '
                f'gives), got {frame.dtype} with values '
                f'{float(frame.min()):g}..{float(frame.max()):g}; convert '
                f'with (frame * 255).round().astype(np.uint8) if it is in '
                f'[0, 1]')
        loaded.append(frame)
    shapes = {f.shape for f in loaded}
    if len(shapes) != 1:
        raise ValueError(f'frames of one clip must have one size, got '
                         f'{sorted(shapes)}')
    return loaded


def _check_boxes(bboxes: np.ndarray, bbox_format: str, width: int,
                 height: int) -> None:
    """Finite boxes and scores, positive size: an inverted box (e.g. xywh
    given as xyxy) would silently mirror the result; a box that does not
    overlap the frame (boxes of another resolution?) would place keypoints
    outside the image."""
    for i, box in enumerate(bboxes):
        if not np.isfinite(box).all():
            raise ValueError(f'box {i} {box.tolist()}: NaN or infinite '
                             f'values')
        if bbox_format == 'xyxy':
            size = box[2] - box[0], box[3] - box[1]
        else:
            size = box[2], box[3]
        if size[0] <= 0 or size[1] <= 0:
            raise ValueError(
                f'box {i} {box.tolist()} has width {size[0]:g} and height '
                f'{size[1]:g} as {bbox_format}; boxes must have a positive '
                f'size (xywh given as xyxy? set bbox_format)')
        x2, y2 = box[0] + size[0], box[1] + size[1]
        if box[0] >= width or box[1] >= height or x2 <= 0 or y2 <= 0:
            raise ValueError(
                f'box {i} {box.tolist()} ({bbox_format}) lies entirely '
                f'outside the {width}x{height} frame (boxes of another '
                f'image size?)')


def inference_clip(model: nn.Module,
                   frames: Sequence[Union[np.ndarray, str]],
                   bboxes: Optional[np.ndarray] = None,
                   bbox_format: str = 'xyxy') -> List[PoseDataSample]:
    """Estimate the poses of the people of a clip's key frame.

    Args:
        model: a ``VideoTopdownPoseEstimator`` (e.g. from
            ``mmpose.apis.init_model``).
        frames: ``model.num_frames`` frames (BGR arrays or paths) in
            temporal order; the key frame is ``frames[model.key_frame_index]``
            (so for offsets -2..2, frames t-2..t+2).
        bboxes: (N, 4) person boxes of the key frame, or (N, 5) with a
            score; None or empty: the whole frame.
        bbox_format: ``'xyxy'`` or ``'xywh'``.

    Returns:
        list[PoseDataSample]: one per box, ``pred_instances.keypoints``
        (1, K, 2) in key-frame image coordinates and ``keypoint_scores``.
    """
    if getattr(model, 'dataset_meta', None) is None or getattr(
            model, 'cfg', None) is None:
        raise ValueError('the model has no dataset_meta (keypoint names, '
                         'flip indices) or no cfg (its test pipeline); '
                         'build it with mmpose.apis.init_model')
    if not hasattr(model, 'num_frames'):
        raise ValueError(
            f'inference_clip runs a video model (VideoTopdownPoseEstimator);'
            f' got a {type(model).__name__}: for a single-frame model use '
            f'mmpose.apis.inference_topdown')
    if len(frames) != model.num_frames:
        raise ValueError(f'the model takes {model.num_frames} frames, got '
                         f'{len(frames)}')
    if bbox_format not in ('xyxy', 'xywh'):
        raise ValueError(f'bbox_format must be xyxy or xywh, got '
                         f'{bbox_format!r}')
    init_default_scope(model.cfg.get('default_scope', 'mmpose') or 'mmpose')
    images = _load_frames(frames)
    h, w = images[0].shape[:2]
    if bboxes is None or len(bboxes) == 0:
        bboxes = np.array([[0, 0, w, h]], dtype=np.float32)
    bboxes = np.asarray(bboxes, dtype=np.float32)
    if bboxes.ndim != 2 or bboxes.shape[1] not in (4, 5):
        raise ValueError(f'bboxes must be (N, 4) or (N, 5), got '
                         f'{bboxes.shape}')
    _check_boxes(bboxes, bbox_format, w, h)
    scores = bboxes[:, 4] if bboxes.shape[1] == 5 else np.ones(len(bboxes))
    boxes = bboxes[:, :4]
    if bbox_format == 'xywh':
        boxes = bbox_xywh2xyxy(boxes)

    pipeline = clip_test_pipeline(model.cfg)
    data_list = []
    for box, score in zip(boxes, scores):
        info = dict(
            img=list(images),
            bbox=box[None],
            bbox_score=np.array([score], dtype=np.float32),
            img_shape=(h, w),
            ori_shape=(h, w))
        info.update(model.dataset_meta)
        data_list.append(pipeline(info))
    with torch.no_grad():
        return model.test_step(pseudo_collate(data_list))
