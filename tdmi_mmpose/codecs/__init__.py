# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .dark_decoding_heatmap import DarkDecodingHeatmap

__all__ = ['DarkDecodingHeatmap']
