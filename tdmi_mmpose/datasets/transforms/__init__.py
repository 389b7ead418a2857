# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Multi-frame loading, the authors' box augmentation and the flip folded
into the crop's warp; the rest of a clip pipeline is MMPose's own."""
from .bbox_transforms import ClippedNormalBBoxTransform
from .clip_transforms import LoadClip, SampleClipFrames, edge_frame_numbers
from .flip_transforms import DeferredRandomFlip, FlipFoldingTopdownAffine

__all__ = [
    'ClippedNormalBBoxTransform', 'LoadClip', 'SampleClipFrames',
    'edge_frame_numbers', 'DeferredRandomFlip', 'FlipFoldingTopdownAffine'
]
