# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Predictions in PoseTrack18's layout, written by the metric
(``PoseTrackMetric``'s ``outfile_prefix``) and by the video tool: one
annotation per person and the sequence file around them.

Shape legend: N people, K keypoints.
"""
from typing import Optional, Sequence

import numpy as np

__all__ = ['box_weighted_scores', 'posetrack18_annotation', 'posetrack18_file']


def box_weighted_scores(keypoint_scores: np.ndarray,
                        box_scores: np.ndarray) -> np.ndarray:
    """(N, K) keypoint scores x (N, ) box scores -> (N, K): the joint scores
    of the TDMI protocol (``PoseTrackMetric(protocol='tdmi')``), which the
    video tool writes too."""
    return np.asarray(keypoint_scores) * np.asarray(box_scores)[:, None]


def posetrack18_annotation(image_id,
                           keypoints: np.ndarray,
                           keypoint_scores: np.ndarray,
                           score: float,
                           track_id: int,
                           bbox: Optional[Sequence[float]] = None) -> dict:
    """One person: ``keypoints`` (K, 2) with their scores (K, ) as
    PoseTrack18's flat [x, y, score] * K, the scores again as ``scores``
    (what the official tool reads), the person ``score``, ``track_id`` and,
    when given, ``bbox``."""
    keypoints = np.asarray(keypoints)
    keypoint_scores = np.asarray(keypoint_scores)
    out = dict(
        image_id=image_id,
        keypoints=np.concatenate([keypoints, keypoint_scores[:, None]],
                                 axis=1).ravel().tolist(),
        scores=keypoint_scores.tolist(),
        score=float(score),
        track_id=int(track_id))
    if bbox is not None:
        out['bbox'] = [float(v) for v in bbox]
    return out


def posetrack18_file(images: Sequence[dict], annotations: Sequence[dict],
                     keypoint_names: Sequence[str]) -> dict:
    """A sequence's prediction file: its ``images`` (``id``,
    ``file_name``, ...), the ``annotations`` and the one person category
    with the keypoint names."""
    categories = [
        dict(
            id=1,
            name='person',
            supercategory='person',
            keypoints=list(keypoint_names))
    ]
    return dict(
        images=list(images),
        annotations=list(annotations),
        categories=categories)
