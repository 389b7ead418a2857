# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Training-engine parts MMEngine lacks (as ``mmpose.engine``)."""
from .hooks import MIWarmupHook
from .optim_wrappers import CPUAmpOptimWrapper

__all__ = ['CPUAmpOptimWrapper', 'MIWarmupHook']
