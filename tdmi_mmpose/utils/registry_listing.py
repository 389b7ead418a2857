# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""What tdmi_mmpose registered into MMPose's registries."""
from typing import Dict

import mmpose.registry as mmpose_registry
from mmengine.registry import Registry

__all__ = ['list_registered']


def list_registered() -> Dict[str, Dict[str, str]]:
    """Return ``{registry name: {registered name: 'module.Class'}}`` for every
    module of this package in MMPose's registries (empty registries left
    out)."""
    found: Dict[str, Dict[str, str]] = {}
    for attr in sorted(dir(mmpose_registry)):
        registry = getattr(mmpose_registry, attr)
        if not isinstance(registry, Registry):
            continue
        ours = {
            name: f'{obj.__module__}.{obj.__qualname__}'
            for name, obj in registry.module_dict.items()
            if getattr(obj, '__module__', '').startswith('tdmi_mmpose.')
        }
        if ours:
            found[attr] = dict(sorted(ours.items()))
    return found
