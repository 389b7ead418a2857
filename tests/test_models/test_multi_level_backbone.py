# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MultiLevelBackbone: TDMI on a backbone other than HRNet (a tiny
ResNet-18 with four levels): it builds, only the adapters and the TDMI
parts train and each gets a gradient, predict returns keypoints, and a
single-frame checkpoint loads the wrapped backbone and the projector."""
import copy

import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS
from test_video_topdown import samples

import tdmi_mmpose  # noqa: F401

CONFIG = ROOT / 'configs' / 'smoke' / 'tdmi_hrnet_tiny.py'
RESNET = dict(
    type='MultiLevelBackbone',
    backbone=dict(type='ResNet', depth=18, out_indices=(0, 1, 2, 3)),
    in_channels=(64, 128, 256, 512),
    out_channels=8)


def _build(**changes):
    init_default_scope('mmpose')
    cfg = copy.deepcopy(Config.fromfile(str(CONFIG)).model)
    cfg.backbone = copy.deepcopy(RESNET)
    cfg.update(changes)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def test_builds_with_the_stated_trainable_parameters():
    model = _build()
    assert _trainable(model.backbone.backbone) == 0  # frozen ResNet
    # one 1x1 conv (no bias) + BN per level: 8 x (64 + 128 + 256 + 512)
    # weights and 4 x 16 BN parameters
    assert _trainable(model.backbone.adapters) == 8 * 960 + 4 * 16
    heatmaps = model.eval()(torch.randn(2, 3, 3, 64, 64), None, mode='tensor')
    assert heatmaps.shape == (2, 17, 16, 16)


def test_every_trainable_parameter_gets_a_gradient():
    model = _build().train()
    losses = model(torch.randn(2, 3, 3, 64, 64), samples(2), mode='loss')
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    missing = [
        n for n, p in model.named_parameters()
        if p.requires_grad and (p.grad is None or not p.grad.abs().sum() > 0)
    ]
    assert missing == []
    assert all(p.grad is None for p in model.backbone.backbone.parameters())
    # the frozen backbone's BatchNorm keeps its statistics in training
    bn = model.backbone.backbone.bn1
    assert not bn.training


def test_predict_returns_keypoints():
    model = _build().eval()
    with torch.no_grad():
        results = model(
            torch.randn(1, 3, 3, 64, 64), samples(1), mode='predict')
    assert results[0].pred_instances.keypoints.shape == (1, 17, 2)


def test_single_frame_checkpoint_loads_the_wrapped_backbone(tmp_path):
    init_default_scope('mmpose')
    torch.manual_seed(3)
    resnet = MODELS.build(dict(type='ResNet', depth=18))
    state = {
        f'backbone.{k}': v.clone()
        for k, v in resnet.state_dict().items()
    }
    state['head.final_layer.weight'] = torch.randn(17, 8, 1, 1)
    state['head.final_layer.bias'] = torch.randn(17)
    path = tmp_path / 'stage1.pth'
    torch.save(dict(state_dict=state), path)
    model = _build(single_frame_checkpoint=str(path))
    for key, value in model.backbone.backbone.state_dict().items():
        assert torch.equal(value, state[f'backbone.{key}']), key
    assert torch.equal(model.head.y_projector.weight,
                       state['head.final_layer.weight'])
    assert bool(model.head.y_projector.loaded)


def test_resnet50_recipe_parameters():
    """The ResNet-50 recipe's TDMI parts at C = 256 (the stage-1 final
    layer's input width): the trainable count docs/model.md states."""
    init_default_scope('mmpose')
    cfg = Config.fromfile(
        str(ROOT / 'configs' / 'tdmi_resnet50_posetrack18.py')).model
    cfg.single_frame_checkpoint = None  # no download in tests
    model = MODELS.build(cfg)
    assert _trainable(model) == 57_521_681
    assert _trainable(model.backbone) == 985_088  # the four adapters
    assert _trainable(model.backbone.backbone) == 0
    assert model.head.y_projector.weight.shape == (17, 256, 1, 1)
