# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TemporalDifferenceEncoder and RepresentationDisentanglementModule
(TDMI secs. 1.2-1.3)."""
__all__: list = []
