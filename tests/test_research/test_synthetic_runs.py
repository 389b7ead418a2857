# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""resize_config: the sizes the MI terms depend on change everywhere a
small config states them, in both stages. with_ablation / synthetic_config:
an ablation's delta (and the deltas it builds on) lands on the small
model."""
import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401
from tdmi_research import resize_config, synthetic_config, with_ablation

DEMO_CONFIGS = ROOT / 'configs' / 'demo'
ABLATIONS = ROOT / 'configs' / 'ablations'
DEMO = str(DEMO_CONFIGS / 'tdmi_demo_synthetic.py')


def _codecs_and_affines(node, found):
    if isinstance(node, dict):
        if node.get('type') in ('MSRAHeatmap', 'DarkDecodingHeatmap',
                                'TopdownAffine'):
            found.append(node)
        for value in node.values():
            _codecs_and_affines(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _codecs_and_affines(value, found)
    return found


def test_recipe_sizes_in_both_stages():
    init_default_scope('mmpose')
    for name in ('tdmi_demo_synthetic.py', 'single_frame_demo_synthetic.py'):
        cfg = resize_config(
            Config.fromfile(str(DEMO_CONFIGS / name)),
            channels=48,
            heatmap_size=(72, 96),
            sigma=3.0)
        found = _codecs_and_affines(cfg.to_dict(), [])
        # head decoder, train target, train and val crops
        assert len(found) >= 4, name
        for node in found:
            assert tuple(node['input_size']) == (288, 384), (name, node)
            if 'heatmap_size' in node:
                assert tuple(node['heatmap_size']) == (72, 96)
                assert node['sigma'] == 3.0
        model = MODELS.build(cfg.model).eval()
        if name.startswith('tdmi'):
            clip = torch.zeros(1, 3, 3, 384, 288)  # (B, T, 3, H, W)
            stages = model.backbone(clip.flatten(0, 1))
            assert all(s.shape == (3, 48, 96, 72) for s in stages)
            assert model.head.final_layer.in_channels == 48
        else:
            feats = model.backbone(torch.zeros(1, 3, 384, 288))
            assert feats[0].shape == (1, 48, 96, 72)
            assert model.head.final_layer.in_channels == 48


def test_one_size_at_a_time_keeps_the_others():
    base = Config.fromfile(str(DEMO_CONFIGS / 'tdmi_demo_synthetic.py'))
    cfg = resize_config(
        Config.fromfile(str(DEMO_CONFIGS / 'tdmi_demo_synthetic.py')),
        sigma=3.0)
    assert cfg.model.head.decoder.sigma == 3.0
    assert cfg.model.head.decoder.heatmap_size == base.model.head.decoder.\
        heatmap_size
    assert cfg.model.backbone.extra == base.model.backbone.extra
    assert cfg.model.temporal_encoder.in_channels == 8


def test_ablation_delta_lands_on_the_small_model():
    demo = Config.fromfile(DEMO)
    # as the recipes: the authors' MI terms
    assert demo.model.head.mi_loss.group_weights == dict(
        motion=1.0, modal=1.0, reg=1.0)
    cfg = with_ablation(DEMO, str(ABLATIONS / 'without_mi_losses.py'))
    assert cfg.model.head.mi_loss is None
    assert cfg.model.disentangler.noisy_branch is False
    # the rest is the small model's, not the W48 recipe's
    assert cfg.model.disentangler.in_channels == 8
    assert cfg.model.backbone == demo.model.backbone
    assert '_delete_' not in cfg.pretty_text


def test_ablation_on_another_ablation_gets_both_deltas(tmp_path):
    """An ablation whose base is another ablation of its folder gets that
    one's delta first; several files apply in turn."""
    (tmp_path / 'weak_mi.py').write_text(
        "# q\n_base_ = ['../tdmi_hrnet_w48_posetrack17.py']\n"
        'model = dict(head=dict(mi_loss=dict(group_weights=dict('
        'motion=0.5))))\n')
    (tmp_path / 'weak_mi_no_reg.py').write_text(
        "# q\n_base_ = ['./weak_mi.py']\n"
        'model = dict(head=dict(mi_loss=dict(group_weights=dict(reg=0.))))\n')
    cfg = with_ablation(DEMO, str(tmp_path / 'weak_mi_no_reg.py'))
    mi = cfg.model.head.mi_loss
    assert mi.type == 'TDMIMutualInformationLoss'
    assert mi.group_weights == dict(motion=0.5, modal=1.0, reg=0.0)
    assert mi.min_estimator == dict(type='KLSoftmaxMI', temperature=0.05)
    # two files in turn: an MI ablation, then an architecture change
    cfg = synthetic_config(
        DEMO,
        '/data',
        '/work',
        ablation=[
            str(ABLATIONS / 'without_mi_reg.py'),
            str(ABLATIONS / 'single_stage_differences.py')
        ])
    assert cfg.model.temporal_encoder.stages == (3, )
    assert cfg.model.head.mi_loss.group_weights.reg == 0.0
    assert cfg.model.disentangler.in_channels == 8
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    assert model.head.mi_loss is not None


def test_train_to_plateau_uses_mmengines_plateau_parts():
    from tdmi_research import PLATEAU, train_to_plateau
    cfg = train_to_plateau(
        synthetic_config(DEMO, '/data', '/work'), eval_every=100)
    assert cfg.train_cfg.val_interval == cfg.train_cfg.val_begin == 100
    assert cfg.train_cfg.max_iters == PLATEAU['max_iters']
    assert cfg.default_hooks.checkpoint.interval == 100
    (scheduler, ) = cfg.param_scheduler
    assert scheduler.type == 'ReduceOnPlateauLR'
    assert scheduler.monitor == 'posetrack/Total AP'
    assert scheduler.rule == 'greater' and scheduler.threshold_rule == 'abs'
    assert scheduler.min_value == pytest.approx(0.1 *
                                                cfg.optim_wrapper.optimizer.lr)
    stop = [h for h in cfg.custom_hooks if h.type == 'EarlyStoppingHook']
    assert stop and stop[0].patience == PLATEAU['patience']
    with pytest.raises(ValueError, match='unknown plateau settings'):
        train_to_plateau(synthetic_config(DEMO, '/data', '/work'), every=1)
    with pytest.raises(ValueError, match='eval_every <= max_iters'):
        train_to_plateau(
            synthetic_config(DEMO, '/data', '/work'),
            eval_every=10,
            max_iters=5)


def test_nuisance_subset_only_on_a_set_with_irrelevant_motion(tmp_path):
    import json
    plain, moving = tmp_path / 'plain', tmp_path / 'moving'
    for root, record in ((plain, dict(background_objects=0, passers_by=0)),
                         (moving, dict(background_objects=0, passers_by=1))):
        root.mkdir()
        (root / 'generator.json').write_text(json.dumps(record))
    cfg = synthetic_config(DEMO, str(plain), '/work')
    assert set(
        cfg.val_evaluator.frame_subsets) == {'blurred', 'occluded', 'clean'}
    cfg = synthetic_config(DEMO, str(moving), '/work')
    assert cfg.test_evaluator.frame_subsets.nuisance == dict(
        where=dict(nuisance=['passer_by', 'object']))
    # the clean key frames have neither a degradation nor irrelevant motion
    assert cfg.val_evaluator.frame_subsets.clean == dict(
        where=dict(degraded=None, nuisance=None))
