# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tdmi_mmpose: TDMI (Feng et al., CVPR 2023) as an MMPose 1.x plugin.

Importing this package checks the versions of the OpenMMLab stack it
needs, registers every module of the package into MMPose's registries
(configs load it with ``custom_imports = dict(imports=['tdmi_mmpose'])``),
and lets torch's ``weights_only`` loading read MMEngine checkpoints.

No module of this package imports mmdet at import time; only the person
detector of the video tool does (``require_mmdet``, where it is built).
mmdet's version is still checked here because MMPose 1.3.2 itself imports
it: ``mmpose.models`` -> ``heads/hybrid_heads/rtmo_head.py`` does ``from
mmdet.utils import ...`` unconditionally, so MMPose cannot be imported
without a working mmdet (and mmdet 3.3.0 asserts mmcv < 2.2.0).
"""
from .supported import (SUPPORTED_VERSIONS, check_installed_versions,
                        check_version, require_mmdet)
from .version import __version__, version_info

check_installed_versions()

from .utils import list_registered  # noqa: E402
from .utils import register_checked_local_loader  # noqa: E402
from .utils import register_checkpoint_safe_globals  # noqa: E402

register_checkpoint_safe_globals()
register_checked_local_loader()

# Imported for their side effect: registering modules into MMPose.
# isort: off
from . import codecs  # noqa: E402,F401
from . import apis, datasets, engine, evaluation, models  # noqa: E402,F401
# isort: on

__all__ = [
    '__version__', 'version_info', 'SUPPORTED_VERSIONS', 'check_version',
    'list_registered', 'require_mmdet'
]
