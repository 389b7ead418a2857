# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .blocks import MASK_ACTIVATIONS, ModulatedDeformAlign, basic_blocks

__all__ = ['MASK_ACTIVATIONS', 'ModulatedDeformAlign', 'basic_blocks']
