# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Multi-stage feature extraction around MMPose's HRNet (TDMI sec. 1.1)."""
from .multi_level_backbone import MultiLevelBackbone
from .multi_stage_hrnet import MultiStageHRNet

__all__ = ['MultiStageHRNet', 'MultiLevelBackbone']
