# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack metrics equal to the official tools (poseval, PoseTrack21's
kit) without them, and a local HiEve evaluation."""
from .functional import evaluate_posetrack, evaluate_posetrack_folders
from .metrics import HiEveMetric, PoseTrackMetric

__all__ = [
    'PoseTrackMetric', 'HiEveMetric', 'evaluate_posetrack',
    'evaluate_posetrack_folders'
]
