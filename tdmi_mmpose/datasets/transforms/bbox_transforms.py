# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""ClippedNormalBBoxTransform: the authors' box augmentation (TDMI sec. 3 of
the method notes).

The authors' code (DCPose, FAMI-Pose) draws, per person instance::

    scale  x clip(N(0, 1) * 0.35 + 1, 0.65, 1.35)              always
    rotate   clip(N(0, 1) * 45, -90, 90) degrees               with p 0.6

i.e. normals *clipped* at the range, so the range ends carry mass (31.7 % of
the scales sit exactly at 0.65 or 1.35). MMPose's ``RandomBBoxTransform``
draws a normal *truncated* at +-1 sigma and multiplies it by the factor:
with ``rotate_factor=45`` every rotation stays within +-45 degrees (std
about 24 degrees instead of about 43), a different distribution that no
choice of its parameters turns into this one. This subclass changes only
how the parameters are drawn; applying them (and hence one affine for all
frames of a clip, via ``TopdownAffine``) is MMPose's.
"""
from typing import Tuple

import numpy as np
from mmcv.transforms.utils import cache_randomness
from mmpose.datasets.transforms import RandomBBoxTransform
from mmpose.registry import TRANSFORMS

__all__ = ['ClippedNormalBBoxTransform']


def _check_range(name: str, low_high: Tuple[float, float]) -> tuple:
    low, high = (float(v) for v in low_high)
    if not low <= high:
        raise ValueError(f'{name} must be (low, high) with low <= high, got '
                         f'{tuple(low_high)}')
    return low, high


@TRANSFORMS.register_module()
class ClippedNormalBBoxTransform(RandomBBoxTransform):
    """Shift, scale and rotate the box with clipped-normal draws.

    Required keys: ``bbox_center``, ``bbox_scale``. Modified keys:
    ``bbox_center``, ``bbox_scale``. Added keys: ``bbox_rotation``.

    Args:
        shift_factor (float): shift as MMPose's (truncated normal times the
            box size). Defaults to 0.16.
        shift_prob (float): probability of a shift. Defaults to 0 (the
            the authors' code does not shift).
        scale_sigma (float): std of the scale factor around 1.
            Defaults to 0.35.
        scale_range (tuple[float, float]): clip of the scale factor.
            Defaults to (0.65, 1.35).
        scale_prob (float): probability of scaling. Defaults to 1.
        rotate_sigma (float): std of the rotation in degrees. Defaults to 45.
        rotate_range (tuple[float, float]): clip of the rotation.
            Defaults to (-90, 90).
        rotate_prob (float): probability of a rotation. Defaults to 0.6.
    """

    def __init__(self,
                 shift_factor: float = 0.16,
                 shift_prob: float = 0.,
                 scale_sigma: float = 0.35,
                 scale_range: Tuple[float, float] = (0.65, 1.35),
                 scale_prob: float = 1.,
                 rotate_sigma: float = 45.,
                 rotate_range: Tuple[float, float] = (-90., 90.),
                 rotate_prob: float = 0.6) -> None:
        scale_range = _check_range('scale_range', scale_range)
        rotate_range = _check_range('rotate_range', rotate_range)
        if scale_sigma < 0 or rotate_sigma < 0:
            raise ValueError(f'scale_sigma and rotate_sigma must be >= 0, got '
                             f'{scale_sigma} and {rotate_sigma}')
        if scale_range[0] <= 0:
            raise ValueError(f'scale_range must be positive, got '
                             f'{scale_range}')
        for name, p in (('shift_prob', shift_prob), ('scale_prob', scale_prob),
                        ('rotate_prob', rotate_prob)):
            if not 0 <= p <= 1:
                raise ValueError(f'{name} must be in [0, 1], got {p}')
        super().__init__(
            shift_factor=shift_factor,
            shift_prob=shift_prob,
            scale_factor=scale_range,
            scale_prob=scale_prob,
            rotate_factor=rotate_sigma,
            rotate_prob=rotate_prob)
        self.scale_sigma = scale_sigma
        self.scale_range = scale_range
        self.rotate_sigma = rotate_sigma
        self.rotate_range = rotate_range

    @cache_randomness
    def _get_transform_params(self, num_bboxes: int) -> Tuple:
        """Offsets (n, 2), scale factors (n, 1), rotations (n, ) degrees."""
        offset = self._truncnorm(size=(num_bboxes, 2)) * self.shift_factor
        offset = np.where(
            np.random.rand(num_bboxes, 1) < self.shift_prob, offset, 0.)
        scale = np.clip(
            np.random.randn(num_bboxes, 1) * self.scale_sigma + 1,
            *self.scale_range)
        scale = np.where(
            np.random.rand(num_bboxes, 1) < self.scale_prob, scale, 1.)
        rotate = np.clip(
            np.random.randn(num_bboxes) * self.rotate_sigma,
            *self.rotate_range)
        rotate = np.where(
            np.random.rand(num_bboxes) < self.rotate_prob, rotate, 0.)
        return (offset.astype(np.float32), scale.astype(np.float32),
                rotate.astype(np.float32))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(shift_prob={self.shift_prob}, '
                f'shift_factor={self.shift_factor}, '
                f'scale_sigma={self.scale_sigma}, '
                f'scale_range={self.scale_range}, '
                f'scale_prob={self.scale_prob}, '
                f'rotate_sigma={self.rotate_sigma}, '
                f'rotate_range={self.rotate_range}, '
                f'rotate_prob={self.rotate_prob})')
