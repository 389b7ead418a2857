# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .hieve_metric import HiEveMetric
from .posetrack_metric import PoseTrackMetric

__all__ = ['PoseTrackMetric', 'HiEveMetric']
