# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MultiLevelBackbone: TDMI on backbones other than HRNet (a tiny
ResNet-18, a tiny CSPNeXt and a tiny ViT, four levels each): they build,
only the adapters and the TDMI parts train and each gets a gradient, predict
returns keypoints, a few Runner iterations train on the synthetic set, and a
single-frame checkpoint loads the wrapped backbone (and the projector where
the stage-1 model has a heatmap layer; RTMPose's SimCC head has none)."""
import copy

import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS
from test_video_topdown import samples

import tdmi_mmpose  # noqa: F401

CONFIG = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
RESNET = dict(
    type='MultiLevelBackbone',
    backbone=dict(type='ResNet', depth=18, out_indices=(0, 1, 2, 3)),
    in_channels=(64, 128, 256, 512),
    out_channels=8)
# CSPNeXt as RTMPose builds it, at the smallest depth and width
CSPNEXT = dict(
    type='MultiLevelBackbone',
    backbone=dict(
        type='CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=0.33,
        widen_factor=0.125,
        out_indices=(1, 2, 3, 4),
        channel_attention=True,
        act_cfg=dict(type='SiLU')),
    in_channels=(16, 32, 64, 128),
    out_channels=8)
# ViTPose's backbone (mmpretrain's VisionTransformer, every block at stride
# 16), four blocks of width 32, upsampled to stride 4
VIT = dict(
    type='MultiLevelBackbone',
    backbone=dict(
        type='mmpretrain.VisionTransformer',
        arch=dict(
            embed_dims=32, num_layers=4, num_heads=2, feedforward_channels=64),
        img_size=(64, 64),
        patch_size=16,
        qkv_bias=True,
        with_cls_token=False,
        out_type='featmap',
        out_indices=(0, 1, 2, 3),
        patch_cfg=dict(padding=2)),
    in_channels=(32, 32, 32, 32),
    out_channels=8,
    scale_factor=4)
BACKBONES = dict(resnet=RESNET, cspnext=CSPNEXT, vit=VIT)


def _build(backbone=RESNET, **changes):
    init_default_scope('mmpose')
    cfg = copy.deepcopy(Config.fromfile(str(CONFIG)).model)
    cfg.backbone = copy.deepcopy(backbone)
    cfg.update(changes)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    if backbone is CSPNEXT and not cfg.get('single_frame_checkpoint'):
        _calibrate_batchnorm(model.backbone.backbone)
    return model


def _calibrate_batchnorm(backbone):
    """Set the BatchNorm statistics of a randomly initialised backbone from
    one batch, as training would: with PyTorch's init and identity
    statistics CSPNeXt's deep levels shrink to ~1e-10, where gradients
    underflow; a trained stage-1 model has unit-scale levels."""
    bns = [
        m for m in backbone.modules()
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
    ]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # a cumulative average: this batch's statistics
        bn.train()
    with torch.no_grad():
        backbone(torch.randn(4, 3, 64, 64))
    for bn in bns:
        bn.momentum = 0.1
        bn.eval()


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


def test_cspnext_builds_with_the_stated_trainable_parameters():
    model = _build(CSPNEXT)
    assert _trainable(model.backbone.backbone) == 0  # frozen CSPNeXt
    assert _trainable(model.backbone.adapters) == 8 * 240 + 4 * 16
    heatmaps = model.eval()(torch.randn(2, 3, 3, 64, 64), None, mode='tensor')
    assert heatmaps.shape == (2, 17, 16, 16)


@pytest.mark.parametrize('name', sorted(BACKBONES))
def test_every_trainable_parameter_gets_a_gradient(name):
    model = _build(BACKBONES[name]).train()
    losses = model(torch.randn(2, 3, 3, 64, 64), samples(2), mode='loss')
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    missing = [
        n for n, p in model.named_parameters()
        if p.requires_grad and (p.grad is None or not p.grad.abs().sum() > 0)
    ]
    assert missing == []
    assert all(p.grad is None for p in model.backbone.backbone.parameters())
    # the frozen backbone's BatchNorm keeps its statistics in training
    bns = [
        m for m in model.backbone.backbone.modules()
        if isinstance(m, torch.nn.BatchNorm2d)
    ]
    assert (name == 'vit' or bns) and not any(bn.training for bn in bns)


@pytest.mark.parametrize('name', sorted(BACKBONES))
def test_predict_returns_keypoints(name):
    model = _build(BACKBONES[name]).eval()
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


def _rtmpose_like_state(tmp_path):
    """A stage-1 checkpoint shaped like RTMPose's: backbone.* and a SimCC
    head whose final layer is a 7x7 conv to K maps (no heatmap layer)."""
    init_default_scope('mmpose')
    torch.manual_seed(5)
    cspnext = MODELS.build(CSPNEXT['backbone'])
    state = {
        f'backbone.{k}': v.clone()
        for k, v in cspnext.state_dict().items()
    }
    state['head.final_layer.weight'] = torch.randn(17, 128, 7, 7)
    state['head.final_layer.bias'] = torch.randn(17)
    state['head.cls_x.weight'] = torch.randn(384, 256)
    path = tmp_path / 'rtmpose.pth'
    torch.save(dict(state_dict=state), path)
    return state, path


def test_stage1_without_a_heatmap_layer_loads_the_backbone_only(tmp_path):
    state, path = _rtmpose_like_state(tmp_path)
    # the default reads the final layer as the projector: refused, with
    # the option named
    with pytest.raises(ValueError, match='projector_from_checkpoint=False'):
        _build(CSPNEXT, single_frame_checkpoint=str(path))
    model = _build(
        CSPNEXT,
        single_frame_checkpoint=str(path),
        projector_from_checkpoint=False)
    for key, value in model.backbone.backbone.state_dict().items():
        assert torch.equal(value, state[f'backbone.{key}']), key
    assert not bool(model.head.y_projector.loaded)
    # the tiny config's MI terms leave the projector unread: training runs
    model.train()
    losses = model(torch.randn(2, 3, 3, 64, 64), samples(2), mode='loss')
    assert torch.isfinite(losses['loss_kpt'])
    # the two terms that read it are refused, not trained against noise
    with_y = _build(
        CSPNEXT,
        single_frame_checkpoint=str(path),
        projector_from_checkpoint=False,
        head=dict(
            mi_loss=dict(
                term_weights=dict(
                    y_useful_heatmaps=1., y_appearance_heatmaps=1.)))).train()
    with pytest.raises(RuntimeError, match='y_projector'):
        with_y(torch.randn(2, 3, 3, 64, 64), samples(2), mode='loss')


@pytest.mark.parametrize('name', sorted(BACKBONES))
def test_a_few_runner_iterations_on_the_synthetic_set(name, tmp_path):
    from mmengine.runner import Runner

    from tdmi_research import generate_synthetic_posetrack, synthetic_config
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=6, seed=0)
    cfg = synthetic_config(str(CONFIG), str(data), str(tmp_path / 'work'), 3)
    cfg.model.backbone = copy.deepcopy(BACKBONES[name])
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss_kpt').data[0]
    assert len(losses) == 3 and all(v > 0 for v in losses)


def test_vit_blocks_at_stride_16_come_out_at_stride_4():
    """Every ViT block is at stride 16; scale_factor=4 gives the TDE and
    the heatmaps stride 4, and the adapters' BatchNorm brings the blocks
    (no layer norm but the last) to one scale."""
    model = _build(VIT)
    assert _trainable(model.backbone.backbone) == 0
    assert _trainable(model.backbone.adapters) == 4 * (8 * 32 + 16)
    model.train()
    levels = model.backbone(torch.randn(6, 3, 64, 64))
    assert [tuple(x.shape) for x in levels] == [(6, 8, 16, 16)] * 4
    with pytest.raises(ValueError, match='scale_factor'):
        MODELS.build(dict(VIT, scale_factor=0))


@pytest.mark.parametrize(
    'recipe, stage1, projector, channels, trainable, adapters', [
        ('tdmi_resnet50_posetrack18.py', 'res50_posetrack18', True, 256,
         57_587_601, 985_088),
        ('tdmi_cspnext_m_posetrack18.py', 'rtmpose-m_simcc-coco', False, 48,
         2_933_217, 69_504),
        ('tdmi_vitpose_b_posetrack18.py', 'ViTPose-base', False, 48, 3_011_553,
         147_840),
    ])
def test_recipe_parameters(recipe, stage1, projector, channels, trainable,
                           adapters):
    """The trainable counts docs/model.md states; ResNet-50's C is its
    stage-1 final layer's input width (the projector loads), RTMPose's
    SimCC head has no heatmap layer and ViTPose-B's maps to COCO's
    keypoints (no projector, C = 48); every level comes out at the
    heatmaps' 96 x 72."""
    init_default_scope('mmpose')
    cfg = Config.fromfile(str(ROOT / 'configs' / recipe)).model
    assert cfg.get('projector_from_checkpoint', True) is projector
    assert stage1 in cfg.single_frame_checkpoint
    cfg.single_frame_checkpoint = None  # no download in tests
    model = MODELS.build(cfg).eval()
    assert _trainable(model) == trainable
    assert _trainable(model.backbone) == adapters
    assert _trainable(model.backbone.backbone) == 0
    assert model.head.y_projector.weight.shape == (17, channels, 1, 1)
    with torch.no_grad():
        levels = model.backbone(torch.zeros(1, 3, 384, 288))
    assert [tuple(x.shape) for x in levels] == [(1, channels, 96, 72)] * 4


def test_options_that_do_not_fit_the_backbone_are_refused_at_build():
    init_default_scope('mmpose')
    resnet50_widths = dict(RESNET, in_channels=(256, 512, 1024, 2048))
    with pytest.raises(
            ValueError,
            match=r'in_channels \(256, 512, 1024, 2048\) do not match the '
            r'levels of backbone ResNet .*widths \(64, 128, 256, 512\)'):
        MODELS.build(resnet50_widths)
    three = dict(RESNET, in_channels=(64, 128, 256))
    with pytest.raises(ValueError, match='gives 4 levels'):
        MODELS.build(three)
    beyond = copy.deepcopy(RESNET)
    beyond['backbone']['out_indices'] = (0, 1, 2, 3, 4)
    with pytest.raises(
            ValueError,
            match=r'backbone ResNet refused its options \(out_indices '
            r'\(0, 1, 2, 3, 4\)\)'):
        MODELS.build(beyond)


def test_heatmaps_of_another_size_than_the_codec_are_refused():
    """A ViT without scale_factor=4 gives heatmaps a quarter the codec's
    size: decoding would put every keypoint in the crop's top-left corner."""
    model = _build(dict(VIT, scale_factor=1)).eval()
    clip = torch.randn(1, model.num_frames, 3, 64, 64)
    with pytest.raises(
            ValueError,
            match=r'heatmaps of \(4, 4\) \(w, h\), its codec .* '
            r'heatmap_size \(16, 16\)'):
        model(clip, None, mode='tensor')
