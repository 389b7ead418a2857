# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Models, laid out as MMPose's: backbones, necks, heads, losses, pose
estimators and data preprocessors. Importing registers them into
``mmpose.registry.MODELS``."""
from . import (backbones, data_preprocessors, heads, losses,  # noqa: F401
               necks, pose_estimators)
