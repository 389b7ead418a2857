# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack17/18/21 multi-frame datasets and the synthetic PoseTrack-format
video generator."""
from . import transforms  # noqa: F401

__all__: list = []
