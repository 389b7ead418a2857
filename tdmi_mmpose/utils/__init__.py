# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
from .checkpoint import (history_buffer_getattr, load_from_local_checked,
                         register_checked_local_loader,
                         register_checkpoint_safe_globals)
from .mmpose_tools import find_mmpose_tool, run_mmpose_tool
from .registry_listing import list_registered

__all__ = [
    'history_buffer_getattr', 'register_checkpoint_safe_globals',
    'load_from_local_checked', 'register_checked_local_loader',
    'find_mmpose_tool', 'run_mmpose_tool', 'list_registered'
]
