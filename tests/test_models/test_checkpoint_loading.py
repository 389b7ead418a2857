# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Checkpoint loading: stage 1 -> stage 2 (the single-frame checkpoint loads
the backbone and the projector, MMPose 1.x and 0.x names, the W48 recipe
with the key names of MMPose's released PoseTrack18 HRNet-W48), wrong
checkpoints refused, a random projector never trained against, and a
whole-model checkpoint that does not fit (another T, another width)
refused by init_model and by the Runner's loading unless partial loading
is asked for."""
import copy

import pytest
import torch
from conftest import ROOT, single_frame_state_dict, w48_model_cfg
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.apis import init_model
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'

Y_ON = dict(term_weights=dict(y_useful_heatmaps=1., y_appearance_heatmaps=1.))


def _cfg(**changes):
    init_default_scope('mmpose')
    cfg = copy.deepcopy(Config.fromfile(str(TINY)).model)
    cfg.update(changes)
    return cfg


def _single_frame_state(prefix='head.final_layer.', channels=8):
    """A single-frame top-down model's state dict as MMPose 1.x
    (``head.``) or 0.x (``keypoint_head.``) names it."""
    return single_frame_state_dict(_cfg().backbone, prefix, channels)


def _samples_and_clip():
    from test_video_topdown import samples
    return torch.randn(2, 3, 3, 64, 64), samples(2)


@pytest.mark.parametrize('prefix',
                         ['head.final_layer.', 'keypoint_head.final_layer.'])
def test_single_frame_checkpoint_loads_backbone_and_projector(
        tmp_path, prefix):
    state = _single_frame_state(prefix)
    torch.save(dict(state_dict=state), tmp_path / 'stage1.pth')
    model = MODELS.build(
        _cfg(single_frame_checkpoint=str(tmp_path / 'stage1.pth')))
    model.init_weights()
    assert torch.equal(model.backbone.conv1.weight,
                       state['backbone.conv1.weight'])
    assert torch.equal(model.head.y_projector.weight, state[prefix + 'weight'])
    assert model.head.y_projector.loaded
    # now the mi_y terms may train
    model.head.mi_loss = MODELS.build(
        dict(type='TDMIMutualInformationLoss', channels=8, **Y_ON))
    model.train()
    losses = model(*_samples_and_clip(), mode='loss')
    assert torch.isfinite(losses['loss_mi_reg'])


def test_wrong_single_frame_checkpoints_are_refused(tmp_path):
    state = _single_frame_state()
    del state['backbone.stage4.0.branches.0.0.conv1.weight']
    torch.save(state, tmp_path / 'partial.pth')
    model = MODELS.build(
        _cfg(single_frame_checkpoint=str(tmp_path / 'partial.pth')))
    with pytest.raises(
            KeyError, match='partial.pth.*backbone keys are '
            'missing'):
        model.init_weights()
    state = _single_frame_state(channels=32)  # another width
    torch.save(state, tmp_path / 'w32.pth')
    model = MODELS.build(
        _cfg(single_frame_checkpoint=str(tmp_path / 'w32.pth')))
    with pytest.raises(
            ValueError, match='final_layer.weight has shape '
            r'\(17, 32, 1, 1\)'):
        model.init_weights()
    state = _single_frame_state()
    del state['head.final_layer.weight']
    torch.save(state, tmp_path / 'nohead.pth')
    model = MODELS.build(
        _cfg(single_frame_checkpoint=str(tmp_path / 'nohead.pth')))
    with pytest.raises(KeyError, match='no final layer'):
        model.init_weights()
    with pytest.raises(ValueError, match='loaded twice'):
        MODELS.build(
            _cfg(
                single_frame_checkpoint='x.pth',
                backbone=dict(
                    _cfg().backbone,
                    init_cfg=dict(type='Pretrained', checkpoint='x.pth'))))


def test_random_projector_is_refused_and_loaded_ones_are_not(tmp_path):
    cfg = _cfg()
    cfg.head.mi_loss = dict(type='TDMIMutualInformationLoss', **Y_ON)
    model = MODELS.build(cfg)
    model.init_weights()
    model.train()
    with pytest.raises(
            RuntimeError, match=r"y_useful_heatmaps.*"
            r"single_frame_checkpoint"):
        model(*_samples_and_clip(), mode='loss')
    # a projector given by projector_init_cfg counts as loaded
    state = _single_frame_state()
    torch.save(dict(state_dict=state), tmp_path / 'stage1.pth')
    cfg.head.projector_init_cfg = dict(
        type='Pretrained',
        checkpoint=str(tmp_path / 'stage1.pth'),
        prefix='head.final_layer.')
    model = MODELS.build(cfg)
    model.init_weights()
    assert model.head.y_projector.loaded
    # a TDMI checkpoint carries the flag to the next model (load_from)
    saved = model.state_dict()
    again = MODELS.build(_cfg(head=dict(cfg.head, projector_init_cfg=None)))
    again.init_weights()
    assert not again.head.y_projector.loaded
    again.load_state_dict(saved)
    assert again.head.y_projector.loaded
    again.train()
    again(*_samples_and_clip(), mode='loss')
    # a final layer of the wrong shape does not count as loaded
    fresh = MODELS.build(_cfg(head=dict(cfg.head, projector_init_cfg=None)))
    from mmengine.runner.checkpoint import load_state_dict
    load_state_dict(
        fresh.head.y_projector,
        dict(weight=torch.zeros(17, 4, 1, 1), bias=torch.zeros(17)))
    assert not fresh.head.y_projector.loaded


def test_noisy_branch_only_where_a_loss_trains_it():
    cfg = _cfg()
    cfg.disentangler.noisy_branch = False
    with pytest.raises(ValueError, match='uses the noisy motion'):
        MODELS.build(cfg)  # the default MI loss reads M_n
    cfg.head.mi_loss = None
    model = MODELS.build(cfg)
    assert not hasattr(model.disentangler, 'noisy_mlp')
    model.init_weights()
    model.train()
    losses = model(*_samples_and_clip(), mode='loss')
    losses['loss_kpt'].backward()
    # every trainable parameter gets a gradient (what DDP needs)
    assert [
        n for n, p in model.named_parameters()
        if p.requires_grad and p.grad is None
    ] == []


def _whole_cfg(num_frames=3, **model):
    cfg = Config.fromfile(str(TINY))
    cfg.model.num_frames = num_frames
    cfg.model.update(model)
    return cfg


@pytest.fixture(scope='module')
def t3_checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp('ckpt') / 't3.pth'
    model = init_model(_whole_cfg(3), None, device='cpu')
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return path


def test_fitting_checkpoint_loads(t3_checkpoint):
    model = init_model(_whole_cfg(3), str(t3_checkpoint), device='cpu')
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
        init_model(_whole_cfg(5), str(t3_checkpoint), device='cpu')
    # asked for explicitly: MMEngine's partial loading, with its warnings
    model = init_model(
        _whole_cfg(5, allow_partial_load=True),
        str(t3_checkpoint),
        device='cpu')
    assert model.num_frames == 5


def test_runner_loading_refuses_too(t3_checkpoint, tmp_path):
    """tools/test.py loads through Runner.load_checkpoint."""
    from mmengine.runner import Runner
    cfg = _whole_cfg(5)
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
        init_model(
            _whole_cfg(3), str(tmp_path / 'backbone_only.pth'), device='cpu')


def _released_posetrack18_state_dict():
    """Key names and shapes of hrnet_w48_posetrack18_384x288-5fd6d3ff (an
    MMPose 0.x TopDown model: ``backbone.*`` and a 1x1
    ``keypoint_head.final_layer``), with random values."""
    return single_frame_state_dict(w48_model_cfg().backbone,
                                   'keypoint_head.final_layer.', 48)


def test_recipe_loads_the_released_single_frame_checkpoint(tmp_path):
    state = _released_posetrack18_state_dict()
    path = tmp_path / 'hrnet_w48_posetrack18_384x288.pth'
    torch.save(
        dict(meta=dict(mmpose_version='0.21.0'), state_dict=state), path)
    torch.manual_seed(1)
    model = MODELS.build(w48_model_cfg(single_frame_checkpoint=str(path)))
    assert not model.head.y_projector.loaded
    model.init_weights()
    own = model.backbone.state_dict()
    for key, value in own.items():
        assert torch.equal(value, state[f'backbone.{key}']), key
    assert torch.equal(model.head.y_projector.weight,
                       state['keypoint_head.final_layer.weight'])
    assert torch.equal(model.head.y_projector.bias,
                       state['keypoint_head.final_layer.bias'])
    assert model.head.y_projector.loaded
