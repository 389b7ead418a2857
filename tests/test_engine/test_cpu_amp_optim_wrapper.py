# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""CPUAmpOptimWrapper: the forward runs in bfloat16, the MI terms and the
parameter update in float32, and the argument rewrite of ``train.py --amp``
happens only without a GPU."""
import pytest
import torch
import torch.nn as nn
from mmpose.registry import OPTIM_WRAPPERS

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.losses import KLSoftmaxMI
from tdmi_mmpose.utils.mmpose_tools import cpu_amp_argv


def test_forward_in_bfloat16_update_in_float32():
    model = nn.Conv2d(3, 4, 3)
    wrapper = OPTIM_WRAPPERS.build(
        dict(
            type='CPUAmpOptimWrapper',
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    x = torch.randn(2, 3, 8, 8)
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        y = model(x)
        mi = KLSoftmaxMI()(y, y.flip(-1))
    assert y.dtype == torch.bfloat16
    assert mi.dtype == torch.float32  # the MI terms leave autocast
    wrapper.update_params(y.float().square().mean() + mi)
    assert model.weight.dtype == torch.float32
    assert not torch.equal(model.weight, before)
    with pytest.raises(ValueError, match="dtype='bfloat16' only"):
        OPTIM_WRAPPERS.build(
            dict(
                type='CPUAmpOptimWrapper',
                dtype='float16',
                optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))


def test_amp_argument_rewritten_only_without_gpu(monkeypatch):
    argv = ['cfg.py', '--amp', '--cfg-options', 'a=1']
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert cpu_amp_argv(argv) == [
        'cfg.py', '--cfg-options', 'a=1', '--cfg-options',
        'optim_wrapper.type=CPUAmpOptimWrapper'
    ]
    assert cpu_amp_argv(['cfg.py']) == ['cfg.py']
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert cpu_amp_argv(argv) == argv
