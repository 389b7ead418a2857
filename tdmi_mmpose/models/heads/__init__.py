# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The TDMI heatmap head (fusion, heatmaps, losses)."""
from .tdmi_head import TDMIHead

__all__ = ['TDMIHead']
