# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .posetrack_metric import PoseTrackMetric

__all__ = ['PoseTrackMetric']
