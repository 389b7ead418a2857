# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""VideoTopdownPoseEstimator: multi-frame top-down estimation."""
__all__: list = []
