# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The default W48 model against the authors' code (method notes sec. 1.2,
1.4, 1.5, 3): trainable parameter counts, the deformable convs' geometry
and the initialisation of a freshly built model. Loading the released
stage-1 checkpoint: test_checkpoint_loading.py."""

import pytest
import torch
import torch.nn as nn
from conftest import w48_model_cfg
from mmpose.registry import MODELS
from torchvision.ops import DeformConv2d

import tdmi_mmpose  # noqa: F401


@pytest.fixture(scope='module')
def w48():
    torch.manual_seed(0)
    model = MODELS.build(w48_model_cfg())
    model.init_weights()
    return model


def _trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def test_trainable_parameters_equal_the_authors_model(w48):
    """The recipe (the authors' MI terms, the noisy-motion MLP) has the
    authors' model's count; without MI losses
    (configs/ablations/without_mi_losses.py) no noisy-motion MLP is built
    (12,464 parameters fewer)."""
    assert _trainable(w48.temporal_encoder) == 1_664_304
    assert _trainable(w48.appearance) == 1_016_688
    assert _trainable(w48.head) == 157_793
    assert _trainable(w48.disentangler) == 24_928
    assert _trainable(w48.backbone) == 0
    assert _trainable(w48) == 2_863_713
    cfg = w48_model_cfg()
    cfg.disentangler.noisy_branch = False
    cfg.head.mi_loss = None
    without_mi = MODELS.build(cfg)
    assert _trainable(without_mi.disentangler) == 12_464
    assert _trainable(without_mi) == 2_851_249


def test_deformable_conv_geometry(w48):
    """Appearance DCNs: 3x3, dilation 3, padding 3; TDE DCNs: dilation 1,
    padding 1; every offset / mask conv dilation 3, padding 3."""
    for align in [*w48.appearance.guide_refine, *w48.appearance.support_align]:
        assert align.deform_conv.dilation == (3, 3)
        assert align.deform_conv.padding == (3, 3)
    for align in w48.temporal_encoder.aligns:
        assert align.deform_conv.dilation == (1, 1)
        assert align.deform_conv.padding == (1, 1)
    for align in [
            *w48.temporal_encoder.aligns, *w48.appearance.guide_refine,
            *w48.appearance.support_align
    ]:
        for conv in (align.offset_conv, align.mask_conv):
            assert conv.dilation == (3, 3) and conv.padding == (3, 3)
    # the accumulators project their shortcut although widths are equal
    for block in w48.temporal_encoder.accumulators:
        assert isinstance(block[0].downsample[0], nn.Conv2d)


def test_fresh_model_has_the_normal_conv_initialisation(w48):
    outside = [
        w48.temporal_encoder, w48.appearance, w48.disentangler,
        w48.head.fusion, w48.head.final_layer
    ]
    convs = bns = dcns = linears = 0
    for part in outside:
        for m in part.modules():
            if isinstance(m, nn.Conv2d):
                convs += 1
                if m.weight.numel() > 10_000:
                    assert abs(m.weight.std().item() - 1e-3) < 1e-4
                assert m.weight.abs().max() < 0.01
                assert m.bias is None or not m.bias.any()
            elif isinstance(m, nn.BatchNorm2d):
                bns += 1
                assert (m.weight == 1).all() and not m.bias.any()
            elif isinstance(m, DeformConv2d):
                dcns += 1
                # PyTorch's default (kaiming uniform), far from N(0, 0.001)
                assert m.weight.std() > 0.01
                assert not m.bias.any()
            elif isinstance(m, nn.Linear):
                linears += 1
                assert m.weight.std() > 0.01
                assert not m.bias.any()
    # the RDM's useful- and noisy-motion MLPs
    assert dcns == 8 and linears == 4 and convs > 50 and bns > 40
