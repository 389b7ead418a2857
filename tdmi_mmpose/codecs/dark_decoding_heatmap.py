# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""DarkDecodingHeatmap: the training target of the authors' code with DARK
decoding (method notes, section 3).

MMPose's ``MSRAHeatmap(unbiased=True)`` switches two things together: the
training target becomes DARK's unbiased Gaussian (centred on the sub-pixel
keypoint) and decoding becomes DARK's refinement. The authors' code trains on
the plain target (a Gaussian around the rounded keypoint, cut at 3 sigma:
``MSRAHeatmap(unbiased=False)``'s target) and uses DARK only when decoding.
This codec is exactly that pair; ``unbiased_encoding=True`` gives back
``MSRAHeatmap(unbiased=True)`` in both directions.

Shape legend: N instances (1 when encoding), K keypoints, H x W heatmap.
"""
from typing import Optional, Tuple

import numpy as np
from mmpose.codecs import MSRAHeatmap
from mmpose.codecs.utils.gaussian_heatmap import (
    generate_gaussian_heatmaps, generate_unbiased_gaussian_heatmaps)
from mmpose.registry import KEYPOINT_CODECS

__all__ = ['DarkDecodingHeatmap']


@KEYPOINT_CODECS.register_module()
class DarkDecodingHeatmap(MSRAHeatmap):
    """MSRA heatmaps with DARK decoding and, by default, the plain target.

    Args:
        input_size (tuple): image size (w, h).
        heatmap_size (tuple): heatmap size (W, H).
        sigma (float): the target Gaussian's sigma, in heatmap pixels.
        unbiased_encoding (bool): train on DARK's unbiased target instead of
            the Gaussian around the rounded keypoint. Defaults to False (the
            the authors').
        blur_kernel_size (int): DARK's Gaussian blur before the Taylor step
            (MMPose's and DARK's reference default 11). Defaults to 11.
    """

    def __init__(self,
                 input_size: Tuple[int, int],
                 heatmap_size: Tuple[int, int],
                 sigma: float,
                 unbiased_encoding: bool = False,
                 blur_kernel_size: int = 11) -> None:
        if sigma <= 0:
            raise ValueError(f'sigma must be > 0, got {sigma}')
        if blur_kernel_size < 1 or blur_kernel_size % 2 == 0:
            raise ValueError('blur_kernel_size must be a positive odd '
                             f'number, got {blur_kernel_size}')
        # unbiased=True: MSRAHeatmap.decode applies DARK's refinement
        super().__init__(
            input_size=input_size,
            heatmap_size=heatmap_size,
            sigma=sigma,
            unbiased=True,
            blur_kernel_size=blur_kernel_size)
        self.unbiased_encoding = unbiased_encoding

    def encode(self,
               keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """(1, K, 2) keypoints in input pixels -> ``heatmaps`` (K, H, W) and
        ``keypoint_weights`` (1, K)."""
        if keypoints.shape[0] != 1:
            raise ValueError(f'{type(self).__name__} encodes one instance, '
                             f'got {keypoints.shape[0]}')
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)
        generate = (
            generate_unbiased_gaussian_heatmaps
            if self.unbiased_encoding else generate_gaussian_heatmaps)
        heatmaps, keypoint_weights = generate(
            heatmap_size=self.heatmap_size,
            keypoints=keypoints / self.scale_factor,
            keypoints_visible=keypoints_visible,
            sigma=self.sigma)
        return dict(heatmaps=heatmaps, keypoint_weights=keypoint_weights)
