# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""resize_config: the sizes the MI terms depend on change everywhere a
small config states them, in both stages."""
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.analysis import resize_config

SMOKE = ROOT / 'configs' / 'smoke'


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
            Config.fromfile(str(SMOKE / name)),
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
    base = Config.fromfile(str(SMOKE / 'tdmi_demo_synthetic.py'))
    cfg = resize_config(
        Config.fromfile(str(SMOKE / 'tdmi_demo_synthetic.py')), sigma=3.0)
    assert cfg.model.head.decoder.sigma == 3.0
    assert cfg.model.head.decoder.heatmap_size == base.model.head.decoder.\
        heatmap_size
    assert cfg.model.backbone.extra == base.model.backbone.extra
    assert cfg.model.temporal_encoder.in_channels == 8
