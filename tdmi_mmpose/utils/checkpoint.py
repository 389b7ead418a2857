# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Let ``torch.load``'s ``weights_only`` mode read MMEngine checkpoints.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine 0.10.7
does not pass ``weights_only=False``. A Runner checkpoint holds, besides
tensors, NumPy values (in ``meta``) and the MessageHub's ``HistoryBuffer``
objects, whose statistics methods are pickled as
``getattr(HistoryBuffer, 'min')``. Without help, resuming, ``load_from`` and
``init_cfg=dict(type='Pretrained')`` all fail with ``UnpicklingError``.

Rather than turn ``weights_only`` off (which lets a checkpoint run arbitrary
code), this allow-lists exactly those types and maps ``builtins.getattr`` to
a version that only resolves HistoryBuffer's own public methods.
"""
import inspect
from typing import Any, List

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

__all__ = [
    'register_checkpoint_safe_globals', 'history_buffer_getattr',
    'load_from_local_checked', 'register_checked_local_loader'
]


def history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to the public methods of ``HistoryBuffer``.

    Raises:
        ValueError: for any other object or attribute.
    """
    if (obj is HistoryBuffer and not name.startswith('_')
            and inspect.isfunction(getattr(HistoryBuffer, name, None))):
        return getattr(HistoryBuffer, name)
    raise ValueError(
        f'weights_only checkpoint loading refused getattr({obj!r}, {name!r}):'
        ' tdmi_mmpose only allows the methods of mmengine HistoryBuffer')


def _numpy_globals() -> List[Any]:
    core = np.core.multiarray
    found = [np.ndarray, np.dtype, core._reconstruct, core.scalar]
    dtypes = getattr(np, 'dtypes', None)  # the DType classes, NumPy >= 1.25
    if dtypes is not None:
        found += [getattr(dtypes, name) for name in dtypes.__all__]
    return found


def register_checkpoint_safe_globals() -> None:
    """Allow-list what MMEngine checkpoints contain (idempotent)."""
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return  # torch < 2.4 loads without weights_only by default
    torch.serialization.add_safe_globals(
        _numpy_globals() +
        [HistoryBuffer, (history_buffer_getattr, 'builtins.getattr')])


def load_from_local_checked(filename: str, map_location=None):
    """MMEngine's local checkpoint loader, with errors that say what is
    wrong with the file: an empty file or a truncated / foreign one raises
    ``ValueError`` naming it (torch alone raises ``EOFError`` or
    "PytorchStreamReader failed reading zip archive")."""
    import os.path as osp
    import pickle
    import zipfile
    filename = osp.expanduser(filename)
    if osp.isdir(filename):
        raise ValueError(f'checkpoint {filename} is a directory; expected a '
                         f'checkpoint file (.pth)')
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} can not be found')
    if osp.getsize(filename) == 0:
        raise ValueError(f'checkpoint {filename} is an empty file (an '
                         f'interrupted save?)')
    try:
        return torch.load(filename, map_location=map_location)
    except pickle.UnpicklingError as e:
        if 'Unsupported global' in str(e) or 'refused getattr' in str(e):
            raise  # weights_only refusals of a type explain themselves
        # no torch.save file (a plain pickle, a text file): torch's message
        # would suggest weights_only=False, which would not help
        first = str(e).split('WeightsUnpickler error:')[-1].strip()
        first = first.splitlines()[0] if first else type(e).__name__
        raise ValueError(
            f'checkpoint {filename} ({osp.getsize(filename)} bytes) is not a '
            f'torch checkpoint ({first})') from None
    except (EOFError, RuntimeError, zipfile.BadZipFile, pickle.PickleError,
            IndexError, KeyError, TypeError, ValueError, AttributeError) as e:
        raise ValueError(
            f'checkpoint {filename} ({osp.getsize(filename)} bytes) cannot '
            f'be read: truncated, or not a torch checkpoint ({e})') from None


def register_checked_local_loader() -> None:
    """Use ``load_from_local_checked`` for local paths in MMEngine's
    ``CheckpointLoader`` (Runner, ``load_from``, ``init_model``,
    ``Pretrained``), in place of its plain ``torch.load`` (idempotent)."""
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local_checked, force=True)
