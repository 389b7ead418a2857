# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""VideoTopdownPoseEstimator with the tiny TDMI config: modes, gradients,
determinism, batch consistency, frame layout, flip test, init_model and the
clip API."""
import copy
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.apis import inference_clip

CONFIG = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
CLIP = Path(__file__).resolve().parents[1] / 'data' / 'posetrack18_clip'
FLIP = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def build(num_frames=3, **changes):
    init_default_scope('mmpose')
    cfg = copy.deepcopy(Config.fromfile(str(CONFIG)).model)
    cfg.num_frames = num_frames  # the preprocessor takes it from here
    for key, value in changes.items():
        cfg[key].update(value)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def with_useful_scale(model):
    """The authors' init's N(0, 0.001) convs give heatmaps of ~1e-6, where
    any absolute tolerance passes: re-draw every conv outside the backbone
    at N(0, 0.1) so that outputs are O(0.1-1)."""
    torch.manual_seed(1)
    for name, module in model.named_modules():
        if isinstance(module,
                      torch.nn.Conv2d) and not name.startswith('backbone'):
            torch.nn.init.normal_(module.weight, std=0.1)
    return model


def samples(b, seed=0):
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(b):
        s = PoseDataSample(
            metainfo=dict(
                input_size=(64, 64),
                input_center=np.array([32., 32.]),
                input_scale=np.array([64., 64.]),
                flip_indices=FLIP))
        s.gt_fields = PixelData(
            heatmaps=torch.from_numpy(
                rng.uniform(size=(17, 16, 16)).astype(np.float32)))
        s.gt_instance_labels = InstanceData(keypoint_weights=torch.ones(1, 17))
        s.gt_instances = InstanceData(
            bboxes=np.zeros((1, 4)), bbox_scores=np.ones(1))
        out.append(s)
    return out


@pytest.mark.parametrize('b', [1, 2])
@pytest.mark.parametrize('t', [2, 3, 5])
def test_tensor_mode_shapes(b, t):
    model = build(t).eval()
    heatmaps = model(torch.randn(b, t, 3, 64, 64), None, mode='tensor')
    assert heatmaps.shape == (b, 17, 16, 16)


def test_loss_mode_and_gradients():
    model = build().train()
    losses = model(torch.randn(2, 3, 3, 64, 64), samples(2), mode='loss')
    assert {
        'loss_kpt', 'acc_pose', 'loss_mi_motion', 'loss_mi_modal',
        'loss_mi_reg'
    } <= set(losses)
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    total.backward()
    missing = [
        n for n, p in model.named_parameters()
        if p.requires_grad and (p.grad is None or not p.grad.abs().sum() > 0)
    ]
    assert missing == []
    assert all(
        torch.isfinite(p.grad).all() for p in model.parameters()
        if p.grad is not None)
    # the noisy branch learns only through the MI loss, and it does
    assert model.disentangler.noisy_mlp[0].weight.grad.abs().sum() > 0
    # frozen parts get nothing
    assert all(p.grad is None for p in model.backbone.parameters())
    assert all(p.grad is None for p in model.head.y_projector.parameters())


def test_noisy_branch_gets_no_gradient_without_the_motion_mi_group():
    """Why the ablations without the motion group drop the noisy branch:
    nothing else trains it."""
    model = build(
        head=dict(
            mi_loss=dict(
                type='TDMIMutualInformationLoss',
                group_weights=dict(motion=0.))))
    losses = model(torch.randn(2, 3, 3, 64, 64), samples(2), mode='loss')
    assert 'loss_mi_motion' not in losses
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert model.disentangler.noisy_mlp[0].weight.grad is None


def test_eval_determinism_and_batch_consistency():
    # float64: at O(1) outputs this deep a net amplifies float32 rounding
    # (which differs with the batch size) to ~0.5 %; in float64 an instance
    # alone and in a batch agree to ~1e-11, so 1e-8 catches any real mixing
    model = with_useful_scale(build()).eval().double()
    x = torch.randn(3, 3, 3, 64, 64, dtype=torch.float64)
    with torch.no_grad():
        a = model(x, None, mode='tensor')
        b = model(x, None, mode='tensor')
        alone = model(x[1:2], None, mode='tensor')
    assert torch.equal(a, b)
    scale = a.abs().max()
    assert scale > 0.05  # a comparison that can fail
    assert (alone[0] - a[1]).abs().max() <= 1e-8 * scale
    # positive control: another instance of the batch differs
    assert (a[0] - a[1]).abs().max() > 0.01 * scale


def test_predict_mode_and_flip_test():
    model = with_useful_scale(build())
    model.test_cfg['output_heatmaps'] = True
    model.eval()
    x = torch.randn(2, 3, 3, 64, 64)
    with torch.no_grad():
        results = model(x, samples(2), mode='predict')
        plain = model(x, None, mode='tensor')
        flipped = model(x.flip(-1), None, mode='tensor')
    expected = (plain + flip_heatmaps(
        flipped, flip_mode='heatmap', flip_indices=FLIP,
        shift_heatmap=True)) / 2
    got = torch.stack([r.pred_fields.heatmaps for r in results])
    scale = expected.abs().max()
    assert scale > 0.05  # a comparison that can fail
    assert (got - expected).abs().max() <= 1e-5 * scale
    # positive control: a flip test without the left/right swap differs
    wrong = (plain + flip_heatmaps(
        flipped,
        flip_mode='heatmap',
        flip_indices=list(range(17)),
        shift_heatmap=True)) / 2
    assert (got - wrong).abs().max() > 0.01 * scale
    for r in results:
        assert isinstance(r, PoseDataSample)
        assert r.pred_instances.keypoints.shape == (1, 17, 2)
        assert r.pred_instances.keypoint_scores.shape == (1, 17)


def test_frame_layout_with_three_frames_and_three_channels():
    """(B, T, C, H, W): frames on dim 1, colour on dim 2; the backbone sees
    flatten(0, 1), i.e. clip-major."""
    model = build()
    pre = model.data_preprocessor
    # frame t, BGR channel c has the value 10 * t + c
    clip = torch.stack([
        torch.stack([torch.full((64, 64), 10. * t + c) for c in range(3)])
        for t in range(3)
    ]).to(torch.uint8)
    batch = pre(dict(inputs=[clip, clip + 100], data_samples=None))['inputs']
    assert batch.shape == (2, 3, 3, 64, 64)
    raw = batch * pre.std + pre.mean  # undo the normalisation
    for t in range(3):
        for c in range(3):  # RGB now: channel c holds BGR channel 2 - c
            assert torch.allclose(raw[0, t, c], torch.tensor(10. * t + 2 - c))
            assert torch.allclose(raw[1, t, c],
                                  torch.tensor(100 + 10. * t + 2 - c))
    seen = []
    hook = model.backbone.register_forward_pre_hook(
        lambda m, args: seen.append(args[0]))
    model.eval()
    with torch.no_grad():
        model(batch, None, mode='tensor')
    hook.remove()
    assert torch.equal(seen[0], batch.flatten(0, 1))
    assert torch.equal(seen[0][4], batch[1, 1])  # clip 1, frame 1


def test_invalid_configurations():
    with pytest.raises(ValueError, match='key_frame_index must be in'):
        MODELS.build(
            dict(Config.fromfile(str(CONFIG)).model, key_frame_index=7))
    with pytest.raises(
            ValueError,
            match='data_preprocessor.num_frames=5 '
            'differs from the estimator'):
        build(data_preprocessor=dict(num_frames=5))
    with pytest.raises(
            ValueError, match='temporal_encoder is configured '
            'for 5 frames'):
        build(temporal_encoder=dict(num_frames=5))
    model = build().eval()
    with pytest.raises(ValueError, match='expected clips'):
        model(torch.randn(1, 5, 3, 64, 64), None, mode='tensor')
    bad = samples(1)
    bad[0].set_metainfo(dict(frame_offsets=[-1, 1, 0]))
    with pytest.raises(ValueError, match='offset 0 at index 1'):
        model(torch.randn(1, 3, 3, 64, 64), bad, mode='predict')
    with pytest.raises(ValueError, match='expected a clip'):
        model.data_preprocessor(dict(inputs=[torch.zeros(3, 64, 64)]))


def test_state_dict_keys_are_pinned():
    keys = set(build().state_dict())
    assert {k.split('.')[0]
            for k in keys} == {
                'backbone', 'temporal_encoder', 'disentangler', 'appearance',
                'head'
            }
    for key in (
            'backbone.conv1.weight',
            'backbone.stage4.0.branches.0.0.conv1.weight',
            'temporal_encoder.fusions.0.0.conv1.weight',
            'temporal_encoder.aligns.3.deform_conv.weight',
            'temporal_encoder.aligns.0.offset_conv.weight',
            'temporal_encoder.accumulators.2.0.conv2.weight',
            'disentangler.useful_mlp.0.weight',
            'disentangler.noisy_mlp.2.bias',
            'appearance.support_align.1.mask_conv.weight',
            'appearance.output_fusion.2.bn2.running_var',
            'head.fusion.0.downsample.0.weight',
            'head.final_layer.weight',
            'head.y_projector.weight',
            # the authors' accumulator shortcut (1x1 conv + BN)
            'temporal_encoder.accumulators.0.0.downsample.0.weight',
            'temporal_encoder.accumulators.2.0.downsample.1.running_var',
            # whether the projector came from a checkpoint
            'head.y_projector.loaded'):
        assert key in keys, key
    assert len(keys) == 679


def test_projector_loads_a_pretrained_final_layer(tmp_path):
    """The MI projector takes a single-frame model's final layer by
    prefix, as the recipe's init_cfg does."""
    stock = {
        'head.final_layer.weight': torch.randn(17, 8, 1, 1),
        'head.final_layer.bias': torch.randn(17),
        'backbone.conv1.weight': torch.randn(64, 3, 3, 3)
    }
    torch.save(dict(state_dict=stock), tmp_path / 'single_frame.pth')
    model = build(
        head=dict(
            projector_init_cfg=dict(
                type='Pretrained',
                checkpoint=str(tmp_path / 'single_frame.pth'),
                prefix='head.final_layer.')))
    assert torch.equal(model.head.y_projector.weight,
                       stock['head.final_layer.weight'])
    assert not model.head.y_projector.weight.requires_grad


def test_init_model_and_clip_api_on_real_frames():
    from mmpose.apis import init_model
    model = init_model(str(CONFIG), None, device='cpu')
    assert type(model).__name__ == 'VideoTopdownPoseEstimator'
    frames = [str(p) for p in sorted(CLIP.glob('*.jpg'))][1:4]
    results = inference_clip(model, frames,
                             np.array([[300, 100, 700, 700, 0.9]]))
    assert len(results) == 1
    assert results[0].pred_instances.keypoints.shape == (1, 17, 2)
    np.testing.assert_allclose(results[0].pred_instances.bbox_scores, [0.9])
    # the whole frame when no box is given; errors name what is wrong
    assert len(inference_clip(model, frames)) == 1
    with pytest.raises(ValueError, match='takes 3 frames, got 5'):
        inference_clip(model, [str(p) for p in sorted(CLIP.glob('*.jpg'))])
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        inference_clip(model, frames[:2] + ['missing.jpg'])


def build_jittered(jitter):
    init_default_scope('mmpose')
    cfg = copy.deepcopy(Config.fromfile(str(CONFIG)).model)
    cfg.num_frames = 3
    cfg.support_crop_jitter = jitter
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def test_support_crop_jitter():
    """No jitter: the same stage features; jitter: the key frame's features
    untouched, the support frames' changed; the loss trains every
    trainable parameter; bad settings refused."""
    torch.manual_seed(3)
    x = torch.randn(2, 3, 3, 64, 64)
    with torch.no_grad():  # eval: BatchNorm's statistics of the batch
        ref = build().eval().clip_stages(x)
        still = build_jittered(dict(prob=1., shift=0., scale=0.)).eval()
        out = still.crop_jitter(x, still.clip_stages)
    for r, o in zip(ref, out):
        torch.testing.assert_close(o, r, atol=1e-4, rtol=1e-4)
    model = build_jittered(dict(prob=1., shift=0.1, scale=0.1)).eval()
    with torch.no_grad():
        out = model.crop_jitter(x, model.clip_stages)
    k = model.key_frame_index
    supports = [i for i in range(3) if i != k]
    for r, o in zip(ref, out):
        assert torch.equal(o[:, k], r[:, k])
        change = (o[:, supports] - r[:, supports]).norm() / r.norm()
        assert change > 0.05
    never = build_jittered(dict(prob=0., shift=0.1, scale=0.1)).eval()
    with torch.no_grad():
        for r, o in zip(ref, never.crop_jitter(x, never.clip_stages)):
            assert torch.equal(o, r)
    model.train()
    losses = model.loss(x, samples(2))
    total = sum(v for n, v in losses.items() if n.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    missing = [
        n for n, p in model.named_parameters()
        if p.requires_grad and (p.grad is None or not p.grad.abs().sum())
    ]
    assert not missing, missing[:5]
    for bad in (dict(prob=1.), dict(prob=2., shift=0., scale=0.),
                dict(prob=1., shift=0.6, scale=0.), 'yes'):
        with pytest.raises(ValueError, match='support_crop_jitter'):
            build_jittered(bad)


def _built(**options):
    init_default_scope('mmpose')
    cfg = copy.deepcopy(Config.fromfile(str(CONFIG)).model)
    cfg.update(options)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def test_channels_last_neck_and_head_give_the_same_outputs():
    """channels_last: the weights after the backbone in that layout, the
    same heatmaps and loss as the default layout's (float rounding), and
    checkpoints that load either way."""
    plain = with_useful_scale(_built()).eval()
    fast = _built(channels_last=True).eval()
    fast.load_state_dict(plain.state_dict())
    weight = fast.appearance.output_fusion[0].conv1.weight
    assert weight.is_contiguous(memory_format=torch.channels_last)
    x = torch.randn(2, 3, 3, 64, 64)
    with torch.no_grad():
        stages = plain.clip_stages(x)
        motion = plain.temporal_encoder(stages)
        assert (fast.temporal_encoder(stages) - motion).abs().max() <= \
            1e-5 * motion.abs().max()
        expected = plain(x, None, mode='tensor')
        got = fast(x, None, mode='tensor')
    assert expected.abs().max() > 0.05
    # the appearance encoder's four chained deformable convs, their offsets
    # predicted from features at N(0, 0.1) weights, amplify float rounding
    # (to ~3e-3 here; equal to 1e-14 in float64); a wrong layout is O(1)
    assert (got - expected).abs().max() <= 1e-2 * expected.abs().max()
    back = _built()
    back.load_state_dict(fast.state_dict())
    with torch.no_grad():
        assert torch.equal(back.eval()(x, None, mode='tensor'), expected)


def test_backbone_autocast():
    """bfloat16 autocast on the backbone alone: float32 stage features
    near float32's, the neck in float32, a loss that trains; a dtype it
    does not know is refused."""
    model = with_useful_scale(_built(backbone_autocast='bfloat16'))
    x = torch.randn(2, 3, 3, 64, 64)
    with torch.no_grad():
        half = model.clip_stages(x)
        model.backbone_autocast = None
        full = model.clip_stages(x)
        model.backbone_autocast = 'bfloat16'
    for h, f in zip(half, full):
        assert h.dtype == torch.float32
        err = ((h - f).abs().max() / f.abs().max()).item()
        assert 0 < err < 0.05  # rounded, not recomputed in float32
    model.train()
    losses = model.loss(x, samples(2))
    loss = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert loss.dtype == torch.float32 and torch.isfinite(loss)
    loss.backward()
    with pytest.raises(ValueError, match='bfloat16'):
        _built(backbone_autocast='int8')
