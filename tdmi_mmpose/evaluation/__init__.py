# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack AP / MOTA metric equal to the official tool, without poseval."""
from .functional import evaluate_posetrack, evaluate_posetrack_folders
from .metrics import PoseTrackMetric

__all__ = [
    'PoseTrackMetric', 'evaluate_posetrack', 'evaluate_posetrack_folders'
]
