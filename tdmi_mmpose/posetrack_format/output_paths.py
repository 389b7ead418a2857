# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The one check that no output is written over an input or inside an input
folder, used wherever an output location is chosen: the video tool and its
API, the metrics' prediction files, the converters."""
import os
import os.path as osp
from typing import Sequence

__all__ = ['check_outputs']


def check_outputs(outputs: Sequence[str],
                  inputs: Sequence[str],
                  option: str = '--output-root') -> None:
    """Refuse to write where an input lies: an output that is one of
    ``inputs`` (files read), or any output at or inside an input folder.

    Args:
        outputs: the files or folders to be written.
        inputs: the files and folders read.
        option: how the caller's output location is set, for the message.

    Raises:
        ValueError: naming the output, the input and ``option``.
    """
    real_inputs = [osp.realpath(p) for p in inputs if p]
    for out in outputs:
        real = osp.realpath(out)
        for path in real_inputs:
            inside = real == path or real.startswith(
                path.rstrip(os.sep) + os.sep)
            if not osp.isdir(path) and real == path:
                raise ValueError(f'{out} would overwrite the input {path}: '
                                 f'choose another {option}')
            if osp.isdir(path) and inside:
                raise ValueError(
                    f'{out} would be written inside the input folder {path}: '
                    f'choose another {option}')
