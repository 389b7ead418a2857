# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Crop-to-crop geometry: resampling a map of one crop of a frame into the
coordinates of another crop of the same frame (both affine images of the
frame, as MMPose's ``TopdownAffine`` makes them). Used by the video tool's
fast mode (``apis/video/resample_mode.py``) and by the estimator's
``support_crop_jitter`` training augmentation, which simulates it."""
from typing import Tuple

import numpy as np
import torch
from torch import Tensor

__all__ = ['crop_to_crop_grid', 'random_crop_affines']


def crop_to_crop_grid(key_to_support: np.ndarray,
                      size: Tuple[int, int],
                      input_size: Tuple[int, int],
                      flipped: bool = False) -> Tensor:
    """The ``grid_sample`` grid (h, w, 2) that resamples a map of the
    support crop into the key crop's coordinates.

    Args:
        key_to_support: (3, 3) affine from key-crop input pixels to
            support-crop input pixels (``M_support @ inv(M_key)``).
        size: (h, w) of the map; its position (i, j) sits at input pixel
            (i * H / h, j * W / w), the convention of MMPose's heatmap
            codecs (HRNet's stride-2 convolutions centre there).
        input_size: (W, H) of the crops.
        flipped: the maps are of the mirrored crops (the flip test's
            ``inputs.flip(-1)``): the affine is conjugated by the mirror
            x -> W - 1 - x.

    Use ``grid_sample(..., align_corners=True)``.
    """
    h, w = size
    width, height = input_size
    affine = np.asarray(key_to_support, dtype=np.float64)
    if flipped:
        mirror = np.array([[-1., 0., width - 1.], [0., 1., 0.], [0., 0., 1.]])
        affine = mirror @ affine @ mirror
    sx, sy = width / w, height / h
    jj, ii = np.meshgrid(np.arange(w), np.arange(h))  # x, y indices
    points = np.stack([jj * sx, ii * sy, np.ones_like(jj, float)], -1)
    mapped = points @ affine.T  # (h, w, 3) support-crop input pixels
    gx = mapped[..., 0] / sx / max(w - 1, 1) * 2 - 1
    gy = mapped[..., 1] / sy / max(h - 1, 1) * 2 - 1
    return torch.from_numpy(np.stack([gx, gy], -1)).float()


def random_crop_affines(num: int,
                        input_size: Tuple[int, int],
                        shift: float,
                        scale: float,
                        generator: torch.Generator = None) -> np.ndarray:
    """(num, 3, 3) random affines of crop input pixels: a zoom by a factor
    in [1 - scale, 1 + scale] about the crop centre, then a shift by up to
    ``shift`` of the crop's width and height, each uniform (drawn with
    torch's generator, so seeding torch seeds them)."""
    width, height = input_size
    draws = torch.rand(num, 3, generator=generator).double().numpy() * 2 - 1
    out = np.tile(np.eye(3), (num, 1, 1))
    factor = 1 + scale * draws[:, 0]
    cx, cy = (width - 1) / 2, (height - 1) / 2
    out[:, 0, 0] = out[:, 1, 1] = factor
    out[:, 0, 2] = cx - factor * cx + shift * width * draws[:, 1]
    out[:, 1, 2] = cy - factor * cy + shift * height * draws[:, 2]
    return out
