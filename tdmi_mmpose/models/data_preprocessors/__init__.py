# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Data preprocessor for stacked clips (B, T, C, H, W)."""
__all__: list = []
