# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .blocks import (DEFORM_IMPLS, MASK_ACTIVATIONS, TDMI_INIT_CFG,
                     ModulatedDeformAlign, basic_blocks, deform_impl)
from .crop_geometry import crop_to_crop_grid, random_crop_affines
from .frames import resolve_key_frame_index

__all__ = [
    'MASK_ACTIVATIONS', 'ModulatedDeformAlign', 'basic_blocks',
    'resolve_key_frame_index', 'TDMI_INIT_CFG', 'deform_impl', 'DEFORM_IMPLS',
    'crop_to_crop_grid', 'random_crop_affines'
]
