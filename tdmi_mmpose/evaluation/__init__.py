# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack AP / MOTA metric equal to the official tool, without poseval."""
__all__: list = []
