# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Run MMPose's own ``tools/train.py`` / ``tools/test.py`` with this package
registered, so that their arguments and behaviour are exactly MMPose's."""
import os.path as osp
import runpy

from mmengine.utils import get_installed_path

__all__ = ['find_mmpose_tool', 'run_mmpose_tool']


def find_mmpose_tool(name: str) -> str:
    """Path of MMPose's ``tools/<name>.py`` (in ``mmpose/.mim`` for a wheel
    install, in the source tree for an editable one)."""
    root = get_installed_path('mmpose')
    candidates = [
        osp.join(root, '.mim', 'tools', f'{name}.py'),
        osp.join(osp.dirname(root), 'tools', f'{name}.py'),
    ]
    for path in candidates:
        if osp.isfile(path):
            return path
    raise FileNotFoundError(
        f'MMPose\'s tools/{name}.py was not found (looked at '
        f'{", ".join(candidates)}); reinstall mmpose from its wheel')


def run_mmpose_tool(name: str) -> None:
    """Execute MMPose's tool as ``__main__`` with the current ``sys.argv``."""
    import tdmi_mmpose  # noqa: F401  (registers modules, checkpoint loading)
    runpy.run_path(find_mmpose_tool(name), run_name='__main__')
