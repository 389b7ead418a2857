# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Multi-frame loading and the lineage's box augmentation; the rest of a
clip pipeline is MMPose's own."""
from .bbox_transforms import ClippedNormalBBoxTransform
from .clip_transforms import LoadClip, SampleClipFrames, edge_frame_numbers

__all__ = [
    'ClippedNormalBBoxTransform', 'LoadClip', 'SampleClipFrames',
    'edge_frame_numbers'
]
