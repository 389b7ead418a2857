# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .cpu_amp_optim_wrapper import CPUAmpOptimWrapper

__all__ = ['CPUAmpOptimWrapper']
