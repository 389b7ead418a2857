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
from importlib import metadata

from mmengine.utils import digit_version

from .version import __version__, version_info

# Supported ranges, [minimum, maximum). mmdet 3.3.0 asserts mmcv < 2.2.0.
SUPPORTED_VERSIONS = {
    'mmcv': ('2.0.0', '2.2.0'),
    'mmengine': ('0.10.0', '1.0.0'),
    'mmpose': ('1.3.0', '1.4.0'),
    'mmdet': ('3.3.0', '3.4.0'),  # imported by mmpose.models, see above
}


def check_version(package: str, installed: str, minimum: str,
                  maximum: str) -> None:
    """Raise ImportError unless ``minimum <= installed < maximum``."""
    if not (digit_version(minimum) <= digit_version(installed) <
            digit_version(maximum)):
        raise ImportError(
            f'tdmi_mmpose {__version__} needs {package}>={minimum},'
            f'<{maximum}, but {package}=={installed} is installed. Install a '
            f'supported version (python3 run.py setup does).')


def _check_installed(package: str, minimum: str, maximum: str) -> None:
    try:
        installed = metadata.version(package)
    except metadata.PackageNotFoundError:
        raise ImportError(
            f'tdmi_mmpose {__version__} needs {package}>={minimum},'
            f'<{maximum}, which is not installed') from None
    check_version(package, installed, minimum, maximum)


def _check_installed_versions() -> None:
    for package, (minimum, maximum) in SUPPORTED_VERSIONS.items():
        _check_installed(package, minimum, maximum)


def require_mmdet():
    """Check mmdet's version and import it (for person detection).

    Raises:
        ImportError: naming the supported range if mmdet is missing or of
            another version.
    """
    _check_installed('mmdet', *SUPPORTED_VERSIONS['mmdet'])
    import mmdet
    return mmdet


_check_installed_versions()

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
