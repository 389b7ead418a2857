# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .blocks import (MASK_ACTIVATIONS, ModulatedDeformAlign, NormalConvInit,
                     basic_blocks, normal_conv_init_)
from .crop_geometry import crop_to_crop_grid, random_crop_affines
from .frames import resolve_key_frame_index

__all__ = [
    'MASK_ACTIVATIONS', 'ModulatedDeformAlign', 'basic_blocks',
    'resolve_key_frame_index', 'normal_conv_init_', 'NormalConvInit',
    'crop_to_crop_grid', 'random_crop_affines'
]
