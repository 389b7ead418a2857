# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Data preprocessor for stacked clips (B, T, C, H, W)."""
from .multi_frame_preprocessor import MultiFramePoseDataPreprocessor

__all__ = ['MultiFramePoseDataPreprocessor']
