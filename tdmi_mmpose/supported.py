# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The versions of the OpenMMLab stack this package supports, and their
checks (a leaf module: it imports nothing of the package, so every floor
may use it; the package's ``__init__`` runs the check on import)."""
from importlib import metadata

from mmengine.utils import digit_version

from .version import __version__

# Supported ranges, [minimum, maximum). mmdet 3.3.0 asserts mmcv < 2.2.0.
SUPPORTED_VERSIONS = {
    'mmcv': ('2.0.0', '2.2.0'),
    'mmengine': ('0.10.0', '1.0.0'),
    'mmpose': ('1.3.0', '1.4.0'),
    # MMPose 1.3.2 imports mmdet (mmpose.models -> rtmo_head): the
    # package's docstring
    'mmdet': ('3.3.0', '3.4.0'),
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


def check_installed_versions() -> None:
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


__all__ = [
    'SUPPORTED_VERSIONS', 'check_version', 'check_installed_versions',
    'require_mmdet'
]
