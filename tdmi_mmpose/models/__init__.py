# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Models, laid out as MMPose's: backbones, necks, heads, losses, pose
estimators and data preprocessors. Importing registers them into
``mmpose.registry.MODELS``."""
# imported for their side effect: registering into MMPose
from . import backbones  # noqa: F401
from . import data_preprocessors  # noqa: F401
from . import heads  # noqa: F401
from . import losses  # noqa: F401
from . import necks  # noqa: F401
from . import pose_estimators  # noqa: F401
