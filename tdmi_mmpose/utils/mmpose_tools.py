# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Run MMPose's own ``tools/train.py`` / ``tools/test.py`` with this package
registered, so that their arguments and behaviour are exactly MMPose's."""
import contextlib
import os.path as osp
import runpy

from mmengine.utils import get_installed_path

__all__ = [
    'cpu_distributed', 'cpu_amp_argv', 'check_work_dir', 'find_mmpose_tool',
    'launcher_of', 'option_of', 'run_mmpose_tool'
]


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


@contextlib.contextmanager
def cpu_distributed():
    """Let MMEngine's ``pytorch`` launcher start on a machine without GPUs,
    inside the ``with`` block.

    MMEngine 0.10.7's ``_init_dist_pytorch`` calls
    ``torch.cuda.set_device(local_rank)`` whatever the backend, which fails
    where CUDA is unusable. Where no GPU is visible, that call is a no-op
    inside the block (``torch.cuda.set_device`` is restored after it), so a
    ``gloo`` run (``--cfg-options env_cfg.dist_cfg.backend=gloo
    model_wrapper_cfg.device_ids=None``) goes through MMEngine's own
    launcher and DDP wrapper. Yields whether the call was made a no-op.
    """
    import torch
    if torch.cuda.is_available():
        yield False
        return
    real = torch.cuda.set_device
    torch.cuda.set_device = lambda device: None
    try:
        yield True
    finally:
        torch.cuda.set_device = real


def cpu_amp_argv(argv):
    """``train.py --amp`` on a machine without a GPU: MMPose's script sets
    MMEngine's ``AmpOptimWrapper``, which asserts a GPU. Where none is
    visible, ``--amp`` is replaced by ``--cfg-options
    optim_wrapper.type=CPUAmpOptimWrapper`` (bfloat16 autocast on CPU, see
    ``tdmi_mmpose.engine``); other arguments are kept. Returns the new
    argument list (unchanged with a GPU or without ``--amp``)."""
    import torch
    if '--amp' not in argv or torch.cuda.is_available():
        return list(argv)
    rest = [a for a in argv if a != '--amp']
    return rest + ['--cfg-options', 'optim_wrapper.type=CPUAmpOptimWrapper']


def option_of(argv, name: str, default=None):
    """The value of ``--name`` in MMPose's tool arguments, as argparse
    reads ``--name VALUE`` and ``--name=VALUE``."""
    value = default
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith(name + '='):
            value = arg.split('=', 1)[1]
    return value


def check_work_dir(work_dir: str) -> None:
    """Create ``work_dir`` and write a probe file there, so that an
    unwritable folder fails at once, naming it (MMEngine would fail when it
    first writes a log or checkpoint).

    Raises:
        SystemExit: with the folder and the reason.
    """
    import os
    import tempfile
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir):
            pass
    except OSError as e:
        raise SystemExit(f'error: --work-dir {work_dir} is not a writable '
                         f'folder: {e.strerror or e}') from None


def launcher_of(argv) -> str:
    """The value of ``--launcher`` in MMPose's tool arguments (``'none'``
    when absent), parsed as argparse does."""
    return option_of(argv, '--launcher', 'none')


def run_mmpose_tool(name: str) -> None:
    """Execute MMPose's tool as ``__main__`` with the current ``sys.argv``.

    The one place where ``cpu_distributed`` is applied, around the tool's
    run: only for the ``pytorch`` launcher (the path of MMEngine's
    ``_init_dist_pytorch``) and only where no GPU is visible.
    """
    import sys

    # importing this module imported the package, which registered its
    # modules and the checkpoint loader
    work_dir = option_of(sys.argv[1:], '--work-dir')
    if work_dir:
        check_work_dir(work_dir)
    if name == 'train':
        argv = cpu_amp_argv(sys.argv[1:])
        if argv != sys.argv[1:]:
            print('--amp without a GPU: bfloat16 autocast on CPU '
                  '(CPUAmpOptimWrapper)')
            sys.argv[1:] = argv
    scope = (
        cpu_distributed() if launcher_of(sys.argv[1:]) == 'pytorch' else
        contextlib.nullcontext())
    with scope:
        runpy.run_path(find_mmpose_tool(name), run_name='__main__')
