# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Models, laid out as MMPose's: backbones, necks, losses, pose estimators and
data preprocessors. Each subpackage registers into ``mmpose.registry.MODELS``
when imported."""
from . import (backbones, data_preprocessors, losses, necks,  # noqa: F401
               pose_estimators)
