# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TemporalDifferenceEncoder, RepresentationDisentanglementModule and the
appearance feature (TDMI secs. 1.2, 1.3, 1.5)."""
from .appearance_encoder import AppearanceEncoder
from .representation_disentanglement import RepresentationDisentanglementModule
from .temporal_difference_encoder import TemporalDifferenceEncoder

__all__ = [
    'AppearanceEncoder', 'RepresentationDisentanglementModule',
    'TemporalDifferenceEncoder'
]
