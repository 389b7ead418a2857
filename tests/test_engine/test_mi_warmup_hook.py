# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MIWarmupHook in MMEngine's Runner: the MI groups are 0 before start_iter
and on from it; the head logs its heatmap peak and entropy."""
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ROOT

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.engine import MIWarmupHook
from tdmi_research import generate_synthetic_posetrack, synthetic_config

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'


def test_mi_terms_start_at_start_iter(tmp_path):
    from mmengine.runner import Runner
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=6, seed=0)
    cfg = synthetic_config(str(TINY), str(data), str(tmp_path / 'work'), 4)
    cfg.custom_hooks = [dict(type='MIWarmupHook', start_iter=2)]
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    for group in ('motion', 'modal', 'reg'):
        values = np.asarray(hub.get_scalar(f'train/loss_mi_{group}').data[0])
        assert len(values) == 4
        assert np.all(values[:2] == 0) and np.all(values[2:] != 0), group
    peaks = np.asarray(hub.get_scalar('train/heatmap_peak').data[0])
    entropy = np.asarray(hub.get_scalar('train/heatmap_entropy').data[0])
    assert np.all(peaks > 0) and np.all((entropy > 0) & (entropy <= 1))


def test_refusals():
    with pytest.raises(ValueError, match='start_iter must be an int >= 0'):
        MIWarmupHook(start_iter=-1)
    runner = SimpleNamespace(
        model=SimpleNamespace(head=SimpleNamespace(mi_loss=None)), iter=0)
    with pytest.raises(ValueError, match='model.head.mi_loss is None'):
        MIWarmupHook(start_iter=1).before_train(runner)
