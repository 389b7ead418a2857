# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""How far the video tool's resample mode's support features are from the exact
mode's (``tools/analysis_tools/benchmark_video_modes.py --feature-error``).

Shape legend: B people of the key frame, S backbone stages.
"""
import numpy as np
import torch
from mmengine.registry import init_default_scope

from tdmi_mmpose.apis.video.resample_mode import ResampleModeEstimator

__all__ = ['support_feature_error']


def support_feature_error(estimator: ResampleModeEstimator,
                          key_image: np.ndarray, key_boxes: np.ndarray,
                          support_image: np.ndarray,
                          support_boxes: np.ndarray) -> np.ndarray:
    """Relative error of the fast mode's support features (nothing is
    cached in ``estimator``).

    Returns:
        np.ndarray: (B, S) ``|resampled - exact| / |exact|`` per key person
        and stage, where ``resampled`` is the support frame's
        best-overlapping crop resampled into the key crop and ``exact`` the
        support frame cropped with the key box; NaN for people the fast
        mode would recompute (below ``estimator.min_iou``).
    """
    model = estimator.model
    init_default_scope(model.cfg.get('default_scope', 'mmpose') or 'mmpose')
    with torch.no_grad():
        # the unmirrored crops only
        key_crops = estimator.crop_features(key_image, key_boxes, flip=False)
        support_crops = estimator.crop_features(support_image, support_boxes,
                                                False)
        matches = estimator.match_crops(key_crops, support_crops)
        resampled = estimator.resample_into_key_crops(
            key_crops, support_crops, matches, flipped=False)
        exact = estimator.crop_features(support_image, key_boxes, False).stages
    errors = np.array([[
        float((r[b] - e[b]).norm() / e[b].norm().clamp_min(1e-12))
        for r, e in zip(resampled, exact)
    ] for b in range(len(matches))])
    errors[np.asarray(matches) < 0] = np.nan
    return errors
