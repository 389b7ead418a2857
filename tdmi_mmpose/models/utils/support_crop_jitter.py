# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""A training augmentation for the video tool's resample mode
(``apis/video/resample_mode.py``), which reads each support frame's features
from a crop placed by that frame's own box and resamples them into the key
crop (not in the paper; off in every recipe).

With probability ``prob`` per training clip, every support frame is seen
through a crop zoomed by up to ``1 +- scale`` and moved by up to ``shift``
of the crop size (its input resampled, the content outside the key crop the
mean colour), and its stage features are resampled back into the key
crop's coordinates as the resample mode does; the key frame is untouched.

Shape legend: B clips, T frames, H x W input, each stage (B, T, C, h, w).
"""
from typing import Callable, List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from .crop_geometry import crop_to_crop_grid, random_crop_affines

__all__ = ['SupportCropJitter']


class SupportCropJitter(nn.Module):
    """Moved support crops in, their stage features moved back out.

    Args:
        prob (float): chance per clip, in [0, 1].
        shift (float): largest shift, a fraction of the crop size, in
            [0, 0.5).
        scale (float): largest zoom change, in [0, 1).
        key_frame_index (int): the key frame's index in the clip (never
            moved).
    """

    def __init__(self, prob: float, shift: float, scale: float,
                 key_frame_index: int):
        super().__init__()
        if not 0 <= prob <= 1 or not 0 <= shift < 0.5 or not 0 <= scale < 1:
            raise ValueError(
                f'support_crop_jitter needs 0 <= prob <= 1, 0 <= shift < '
                f'0.5, 0 <= scale < 1; got prob={prob}, shift={shift}, '
                f'scale={scale}')
        self.prob, self.shift, self.scale = prob, shift, scale
        self.key_frame_index = key_frame_index

    def forward(self, inputs: Tensor,
                stages_of: Callable[[Tensor], List[Tensor]]) -> List[Tensor]:
        """(B, T, 3, H, W) clips and the backbone's ``stages_of`` -> the
        stage features with the chosen clips' support frames seen through
        moved crops (one backbone pass), resampled back into the key crops.
        """
        b, t, _, height, width = inputs.shape
        chosen = (torch.rand(b) < self.prob).nonzero().flatten().tolist()
        pairs = [(c, i) for c in chosen for i in range(t)
                 if i != self.key_frame_index]
        if not pairs:
            return stages_of(inputs)
        clips, frames = (torch.as_tensor(v) for v in zip(*pairs))
        affines = random_crop_affines(
            len(pairs), (width, height), self.shift, self.scale)

        def grids(affine_of, size):
            return torch.stack([
                crop_to_crop_grid(affine_of(a), size, (width, height))
                for a in affines
            ]).to(inputs)

        moved_crops = F.grid_sample(
            inputs[clips, frames],
            grids(np.linalg.inv, (height, width)),
            padding_mode='zeros',
            align_corners=True)
        inputs = inputs.index_put((clips, frames), moved_crops)
        back = {}  # one grid per map size
        out = []
        for s in stages_of(inputs):
            size = tuple(s.shape[-2:])
            if size not in back:
                back[size] = grids(lambda a: a, size)
            moved = F.grid_sample(
                s[clips, frames],
                back[size],
                padding_mode='border',
                align_corners=True)
            out.append(s.index_put((clips, frames), moved))
        return out
