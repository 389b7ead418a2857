# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack17/18/21 multi-frame datasets and the synthetic PoseTrack-format
video generator."""
from . import transforms  # noqa: F401
from .check import check_posetrack_split
from .posetrack_video_dataset import PoseTrackVideoDataset
from .synthetic import generate_synthetic_posetrack

__all__ = [
    'PoseTrackVideoDataset', 'generate_synthetic_posetrack',
    'check_posetrack_split'
]
