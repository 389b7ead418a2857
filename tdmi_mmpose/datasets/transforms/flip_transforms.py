# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The horizontal flip folded into the crop's affine warp.

MMPose's top-down pipeline flips whole frames (``RandomFlip``) and later
crops them (``TopdownAffine``). For a clip of T full-HD frames the flip
costs T full-frame copies (OpenCV copies the flipped views it is given)
for pixels the crop mostly throws away. The pair here gives the same crops
and targets with one warp per frame:

- ``DeferredRandomFlip``: MMPose's ``RandomFlip`` (same random draw, same
  flipped box centre and keypoints with the flip indices, same ``flip`` /
  ``flip_direction``) except that the frames' pixels are left as they are
  and ``results['flip_deferred']`` records the frame width;
- ``FlipFoldingTopdownAffine``: MMPose's ``TopdownAffine``; where a flip
  was deferred, each frame is warped with ``M @ F`` instead of ``M``, where
  F is the flip ``x -> w - 1 - x`` (MMPose's own convention for images,
  centres and keypoints), so the crop equals ``warp(flip(frame), M)``.

Every transform between the two (half-body, box augmentation) sees exactly
what it sees in MMPose's order. ``PoseTrackVideoDataset`` refuses a pipeline
with a ``DeferredRandomFlip`` that no ``FlipFoldingTopdownAffine`` follows
(the frames would silently stay unflipped).
"""
import cv2
import numpy as np
from mmpose.datasets.transforms import RandomFlip, TopdownAffine
from mmpose.registry import TRANSFORMS
from mmpose.structures.bbox import get_udp_warp_matrix, get_warp_matrix

__all__ = [
    'DeferredRandomFlip', 'FlipFoldingTopdownAffine', 'check_flip_folding'
]


@TRANSFORMS.register_module()
class DeferredRandomFlip(RandomFlip):
    """``RandomFlip`` (horizontal) whose pixel flip is left to
    ``FlipFoldingTopdownAffine``. Same arguments as ``RandomFlip``."""

    def __init__(self, prob: float = 0.5, direction='horizontal') -> None:
        super().__init__(prob=prob, direction=direction)
        directions = direction if isinstance(direction,
                                             (list, tuple)) else [direction]
        if set(directions) - {'horizontal'}:
            raise ValueError('DeferredRandomFlip folds horizontal flips '
                             f'only, got direction={direction!r}')

    def transform(self, results: dict) -> dict:
        if 'img_mask' in results:
            raise ValueError('DeferredRandomFlip does not flip img_mask; use '
                             "MMPose's RandomFlip for masked samples")
        frames = results['img']
        # RandomFlip flips every frame of a list: give it none to flip
        results['img'] = []
        try:
            results = super().transform(results)
        finally:
            results['img'] = frames
        if results['flip']:
            # the width RandomFlip used for the centre and the keypoints
            _, width = results.get('input_size', results['img_shape'])
            results['flip_deferred'] = int(width)
        return results


@TRANSFORMS.register_module()
class FlipFoldingTopdownAffine(TopdownAffine):
    """``TopdownAffine`` that applies a deferred horizontal flip inside its
    warp. Same arguments as ``TopdownAffine``."""

    def transform(self, results: dict) -> dict:
        width = results.pop('flip_deferred', None)
        if width is None:
            return super().transform(results)
        frames = results['img']
        single = not isinstance(frames, list)
        # MMPose's transform does the boxes, keypoints and metadata; its
        # own warps run on 1x1 placeholders
        blank = np.zeros((1, 1) + _channels(frames), np.uint8)
        results['img'] = blank if single else [blank] * len(frames)
        results = super().transform(results)
        center = results['bbox_center'][0]
        scale = results['bbox_scale'][0]
        rot = results['bbox_rotation'][0] if 'bbox_rotation' in results \
            else 0.
        w, h = self.input_size
        make = get_udp_warp_matrix if self.use_udp else get_warp_matrix
        warp = make(center, scale, rot, output_size=(w, h))
        flip = np.array([[-1., 0., width - 1.], [0., 1., 0.], [0., 0., 1.]])
        folded = warp @ flip
        size = (int(w), int(h))
        crops = [
            cv2.warpAffine(f, folded, size, flags=cv2.INTER_LINEAR)
            for f in ([frames] if single else frames)
        ]
        results['img'] = crops[0] if single else crops
        return results


def _channels(frames) -> tuple:
    """The channel dimensions of a frame (or of a clip's first frame)."""
    first = frames if not isinstance(frames, list) else frames[0]
    return tuple(first.shape[2:])


def check_flip_folding(transforms) -> None:
    """Refuse a ``DeferredRandomFlip`` that no ``FlipFoldingTopdownAffine``
    follows before another transform that warps the frames (its flip would
    never reach the pixels)."""
    deferred = False
    for t in transforms:
        if isinstance(t, DeferredRandomFlip):
            deferred = True
        elif isinstance(t, FlipFoldingTopdownAffine):
            deferred = False
        elif deferred and isinstance(t, TopdownAffine):
            raise ValueError(
                f'the pipeline has a DeferredRandomFlip followed by '
                f'{type(t).__name__}, which would leave the frames unflipped '
                f'while their keypoints are flipped: use '
                f'FlipFoldingTopdownAffine (or MMPose\'s RandomFlip)')
    if deferred:
        raise ValueError('the pipeline has a DeferredRandomFlip but no '
                         'FlipFoldingTopdownAffine after it to apply the flip')
