# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .mi_warmup_hook import MIWarmupHook

__all__ = ['MIWarmupHook']
