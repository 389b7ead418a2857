# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""A whole-model checkpoint that does not fit (another T, another width) is
refused by init_model and by the Runner's loading (tools/test.py), unless
partial loading is asked for explicitly."""
import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmpose.apis import init_model

import tdmi_mmpose  # noqa: F401

TINY = ROOT / 'configs' / 'smoke' / 'tdmi_hrnet_tiny.py'


def _cfg(num_frames=3, **model):
    cfg = Config.fromfile(str(TINY))
    cfg.model.num_frames = num_frames
    cfg.model.update(model)
    return cfg


@pytest.fixture(scope='module')
def t3_checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp('ckpt') / 't3.pth'
    model = init_model(_cfg(3), None, device='cpu')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path


def test_fitting_checkpoint_loads(t3_checkpoint):
    model = init_model(_cfg(3), str(t3_checkpoint), device='cpu')
    saved = torch.load(t3_checkpoint)['state_dict']
    assert torch.equal(model.temporal_encoder.fusions[0][0].conv1.weight,
                       saved['temporal_encoder.fusions.0.0.conv1.weight'])


def test_checkpoint_of_another_t_is_refused(t3_checkpoint):
    with pytest.raises(
            ValueError,
            match=r'(?s)does not fit this '
            r'VideoTopdownPoseEstimator \(T=5\).*'
            r'temporal_encoder\.fusions\.0\.0\.conv1\.weight: '
            r'checkpoint \(8, 16, 3, 3\), model \(8, 32, 3, 3\)'
            r'.*allow_partial_load=True'):
        init_model(_cfg(5), str(t3_checkpoint), device='cpu')
    # asked for explicitly: MMEngine's partial loading, with its warnings
    model = init_model(
        _cfg(5, allow_partial_load=True), str(t3_checkpoint), device='cpu')
    assert model.num_frames == 5


def test_runner_loading_refuses_too(t3_checkpoint, tmp_path):
    """tools/test.py loads through Runner.load_checkpoint."""
    from mmengine.runner import Runner
    cfg = _cfg(5)
    cfg.work_dir = str(tmp_path)
    cfg.load_from = str(t3_checkpoint)
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ValueError, match='does not fit'):
        runner.load_checkpoint(str(t3_checkpoint))
    # a checkpoint of another model (a single-frame HRNet) is refused too
    other = {
        k: v
        for k, v in torch.load(t3_checkpoint)['state_dict'].items()
        if k.startswith('backbone.')
    }
    torch.save(dict(state_dict=other), tmp_path / 'backbone_only.pth')
    with pytest.raises(ValueError, match='parameters missing'):
        init_model(_cfg(3), str(tmp_path / 'backbone_only.pth'), device='cpu')
