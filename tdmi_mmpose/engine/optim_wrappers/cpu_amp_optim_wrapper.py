# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Mixed precision on CPU: MMEngine's ``AmpOptimWrapper`` asserts a GPU
(or NPU/MLU/MUSA), so ``tools/train.py --amp`` cannot start on a machine
without one. ``CPUAmpOptimWrapper`` runs the forward pass under
``torch.autocast('cpu', dtype=torch.bfloat16)``; bfloat16 has float32's
exponent range, so no loss scaling is needed and the update is an ordinary
``OptimWrapper`` step on float32 parameters. The TDMI MI terms compute in
float32 inside it (autocast off), as under CUDA AMP.

``tools/train.py --amp`` picks it where no GPU is visible (see
``tdmi_mmpose.utils.mmpose_tools``); configs can name it directly::

    optim_wrapper = dict(type='CPUAmpOptimWrapper', optimizer=...)
"""
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper
from mmpose.registry import OPTIM_WRAPPERS

__all__ = ['CPUAmpOptimWrapper']


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward runs under CPU bfloat16 autocast.

    Args:
        dtype (str): autocast dtype, ``'bfloat16'`` (the only one CPU
            autocast supports well). Defaults to ``'bfloat16'``.
        **kwargs: ``OptimWrapper``'s arguments.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs):
        if dtype != 'bfloat16':
            raise ValueError(f'CPUAmpOptimWrapper supports dtype='
                             f"'bfloat16' only, got {dtype!r}")
        super().__init__(**kwargs)
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield
