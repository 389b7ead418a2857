# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Multi-frame loading; the rest of a clip pipeline is MMPose's own."""
from .clip_transforms import LoadClip, SampleClipFrames

__all__ = ['LoadClip', 'SampleClipFrames']
