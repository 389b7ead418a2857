# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""VideoTopdownPoseEstimator: multi-frame top-down estimation."""
from .video_topdown import VideoTopdownPoseEstimator

__all__ = ['VideoTopdownPoseEstimator']
