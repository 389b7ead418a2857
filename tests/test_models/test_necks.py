# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TemporalDifferenceEncoder, RepresentationDisentanglementModule and
AppearanceEncoder: shapes over B and T, options, argument checks."""
import pytest
import torch

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.necks import (AppearanceEncoder,
                                      RepresentationDisentanglementModule,
                                      TemporalDifferenceEncoder)
from tdmi_mmpose.models.utils import TDMI_INIT_CFG

C, G = 8, 2


def _stages(b, t, num=4, h=8, w=6):
    return [torch.randn(b, t, C, h, w) for _ in range(num)]


@pytest.mark.parametrize('b', [1, 2])
@pytest.mark.parametrize('t', [2, 3, 5])
def test_tde_shapes(b, t):
    tde = TemporalDifferenceEncoder(
        in_channels=C, num_frames=t, deform_groups=G)
    assert tde(_stages(b, t)).shape == (b, C, 8, 6)


@pytest.mark.parametrize('options', [
    dict(stages=(3, )),
    dict(modulation=False),
    dict(accumulation='concat'),
    dict(mask_activation='sigmoid'),
    dict(blocks_per_stage=(3, 3, 2, 2)),
    dict(stages=(0, 3), num_backbone_stages=4, blocks_per_stage=1),
])
def test_tde_options(options):
    """Each option builds, keeps the output's shape and changes the output
    (positive control): with every weight the two encoders share copied
    from the default one, visible offsets and masks, the outputs differ by
    more than 1 % of their scale (an option that did nothing would leave
    them equal to float rounding, about 1e-7 of it)."""
    torch.manual_seed(0)
    default = TemporalDifferenceEncoder(
        in_channels=C, num_frames=3, deform_groups=G).eval()
    for m in default.modules():
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.normal_(m.weight, std=0.1)
    tde = TemporalDifferenceEncoder(
        in_channels=C, num_frames=3, deform_groups=G, **options).eval()
    own = tde.state_dict()
    shared = {
        k: v
        for k, v in default.state_dict().items()
        if k in own and own[k].shape == v.shape
    }
    tde.load_state_dict(shared, strict=False)
    x = _stages(2, 3)
    with torch.no_grad():
        out, ref = tde(x), default(x)
    assert out.shape == (2, C, 8, 6)
    assert ref.abs().max() > 1e-2  # a scale at which a difference shows
    assert (out - ref).abs().max() > 0.01 * ref.abs().max(), options


def test_tde_sees_only_temporal_change():
    """On a moving clip, adding the same pattern to every frame of stages
    1-3 (a static appearance) changes nothing: only differences enter. The
    last stage also guides the modulation, so there it does matter."""
    torch.manual_seed(0)
    tde = TemporalDifferenceEncoder(
        in_channels=C, num_frames=3, deform_groups=G).eval()
    for m in tde.modules():  # visible offsets and masks
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.normal_(m.weight, std=0.1)
    moving = _stages(1, 3)
    pattern = torch.randn(1, 1, C, 8, 6)
    static_added = [s + pattern if j < 3 else s for j, s in enumerate(moving)]
    with torch.no_grad():
        base = tde(moving)
        # the scale the tolerance is measured against
        assert base.abs().max() > 1e-2
        assert torch.allclose(tde(static_added), base, atol=1e-5)
        guided = [s + pattern if j == 3 else s for j, s in enumerate(moving)]
        assert not torch.allclose(tde(guided), base, atol=1e-3)


def test_tde_guidance_uses_the_configured_key_frame():
    """With the key at index 0, the guidance reads F^4 of frame 0: changing
    frame 0's last-stage feature changes M; with stage 4 not differenced
    (stages=(0,)), changing the middle frame's F^4 does not."""
    torch.manual_seed(0)
    tde = TemporalDifferenceEncoder(
        in_channels=C,
        num_frames=3,
        key_frame_index=0,
        stages=(0, ),
        deform_groups=G).eval()
    for m in tde.modules():
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.normal_(m.weight, std=0.1)
    feats = _stages(2, 3)

    def changed(frame):
        out = [s.clone() for s in feats]
        out[3][:, frame] += torch.randn_like(out[3][:, frame])
        return out

    with torch.no_grad():
        base = tde(feats)
        assert not torch.allclose(tde(changed(0)), base, atol=1e-4)
        assert torch.equal(tde(changed(1)), base)
        assert torch.equal(tde(changed(2)), base)


@pytest.mark.parametrize('kwargs, message', [
    (dict(num_frames=1), 'num_frames must be >= 2'),
    (dict(key_frame_index=5), 'key_frame_index must be in'),
    (dict(stages=()), 'stages must be a non-empty'),
    (dict(stages=(4, )), 'stages must be a non-empty'),
    (dict(blocks_per_stage=(2, 2)), 'blocks_per_stage has 2 entries'),
    (dict(accumulation='sum'), 'accumulation must be one of'),
    (dict(deform_groups=3), 'deform_groups \\(3\\) must divide'),
    (dict(mask_activation='relu'), 'mask_activation must be one of'),
])
def test_tde_invalid_arguments(kwargs, message):
    args = dict(in_channels=C, num_frames=3, deform_groups=G)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        TemporalDifferenceEncoder(**args)


def test_tde_rejects_wrong_inputs():
    tde = TemporalDifferenceEncoder(
        in_channels=C, num_frames=3, deform_groups=G)
    with pytest.raises(ValueError, match='expected 4 stage features'):
        tde(_stages(1, 3, num=3))
    with pytest.raises(ValueError, match='T=3'):
        tde(_stages(1, 5))


@pytest.mark.parametrize('mode', ['attention', 'split'])
def test_rdm(mode):
    rdm = RepresentationDisentanglementModule(
        in_channels=C, hidden_channels=16, mode=mode)
    m = torch.randn(2, C, 8, 6)
    useful, noisy = rdm(m)
    assert useful.shape == noisy.shape == m.shape
    if mode == 'split':
        assert torch.equal(useful + noisy, m)
        assert (useful[:, C // 2:] == 0).all() and \
            (noisy[:, :C // 2] == 0).all()
    else:
        # channel attention: a per-(instance, channel) weight in (0, 1)
        ratio = useful / m
        assert torch.allclose(
            ratio, ratio[..., :1, :1].expand_as(ratio), atol=1e-5)
        assert ((ratio > 0) & (ratio < 1)).all()
        assert not torch.allclose(useful, noisy)


def test_rdm_identity_passes_the_motion_through_without_parameters():
    rdm = RepresentationDisentanglementModule(
        in_channels=C, mode='identity', noisy_branch=False)
    m = torch.randn(2, C, 8, 6)
    useful, noisy = rdm(m)
    assert torch.equal(useful, m) and noisy is None
    assert not list(rdm.parameters())
    with pytest.raises(ValueError, match='identity.*noisy_branch=False'):
        RepresentationDisentanglementModule(in_channels=C, mode='identity')


def test_rdm_invalid():
    with pytest.raises(ValueError, match='mode must be one of'):
        RepresentationDisentanglementModule(mode='gate')
    with pytest.raises(ValueError, match='even number of channels'):
        RepresentationDisentanglementModule(in_channels=7, mode='split')
    with pytest.raises(ValueError, match='expected \\(B, 8, h, w\\)'):
        RepresentationDisentanglementModule(in_channels=C)(
            torch.randn(1, 4, 2, 2))


@pytest.mark.parametrize('b', [1, 2])
@pytest.mark.parametrize('t', [2, 3, 5])
@pytest.mark.parametrize('mode', ['aligned', 'keyframe'])
def test_appearance(b, t, mode):
    enc = AppearanceEncoder(
        in_channels=C, num_frames=t, mode=mode, deform_groups=G)
    feats = torch.randn(b, t, C, 8, 6)
    out = enc(feats)
    assert out.shape == (b, C, 8, 6)
    if mode == 'keyframe':
        assert torch.equal(out, feats[:, t // 2])
        return
    # 'aligned' reads the support frames (positive control): changing one
    # changes the output beyond float rounding (~1e-7 of its scale; at
    # PyTorch's initialisation the supports' share is ~1e-3 of it)
    support = 0 if t // 2 else 1
    moved = feats.clone()
    moved[:, support] += torch.randn_like(moved[:, support])
    assert out.abs().max() > 1e-3
    assert (enc(moved) - out).abs().max() > 1e-4 * out.abs().max()


def test_appearance_invalid():
    with pytest.raises(ValueError, match='mode must be one of'):
        AppearanceEncoder(mode='flow')
    with pytest.raises(ValueError, match='num_frames must be >= 2'):
        AppearanceEncoder(num_frames=1, key_frame_index=0)
    with pytest.raises(ValueError, match='T=5'):
        AppearanceEncoder(
            in_channels=C, deform_groups=G)(
                torch.randn(1, 3, C, 4, 4))


def test_appearance_last_alignment_is_steered_by_the_aligned_feature():
    """DCN_4 predicts its offsets and mask from DCN_3's output (the
    authors' code), DCN_1-3 from the guidance; the option steers DCN_4 by
    the guidance too."""
    for guide, expect_aligned in (('aligned', True), ('guide', False)):
        enc = AppearanceEncoder(
            in_channels=C,
            num_frames=3,
            deform_groups=G,
            last_align_guide=guide).eval()
        seen = {}

        def keep(name, what):

            def hook(module, args, out):
                seen[name] = out if what == 'out' else args[0]

            return hook

        enc.support_align[0].register_forward_hook(keep('dcn3_out', 'out'))
        enc.support_align[0].offset_conv.register_forward_hook(
            keep('dcn3_steer', 'in'))
        enc.guide_refine[1].register_forward_hook(keep('guide', 'out'))
        enc.support_align[1].offset_conv.register_forward_hook(
            keep('dcn4_steer', 'in'))
        with torch.no_grad():
            enc(torch.randn(2, 3, C, 8, 6))
        assert torch.equal(seen['dcn3_steer'], seen['guide'])
        assert torch.equal(seen['dcn4_steer'], seen['dcn3_out']) is \
            expect_aligned
        assert torch.equal(seen['dcn4_steer'], seen['guide']) is not \
            expect_aligned
    with pytest.raises(ValueError, match='last_align_guide must be one of'):
        AppearanceEncoder(last_align_guide='key')


def _conv_std(module) -> float:
    convs = [
        m.weight for m in module.modules()
        if isinstance(m, torch.nn.Conv2d) and m.weight.numel() > 500
    ]
    return float(torch.cat([w.detach().flatten() for w in convs]).std())


@pytest.mark.parametrize('build', [
    lambda **kw: TemporalDifferenceEncoder(
        in_channels=C, num_frames=3, deform_groups=G, **kw),
    lambda **kw: AppearanceEncoder(
        in_channels=C, num_frames=3, deform_groups=G, **kw),
])
def test_init_cfg_default_and_none(build):
    """The default init_cfg is TDMI_INIT_CFG (MMEngine's Normal on the
    convs, N(0, 0.001), Constant on BatchNorm); None means what it means in
    MMEngine: PyTorch's own initialisation."""
    torch.manual_seed(0)
    default = build()
    default.init_weights()
    assert default.init_cfg == TDMI_INIT_CFG
    assert abs(_conv_std(default) - 1e-3) < 2e-4
    plain = build(init_cfg=None)
    plain.init_weights()
    assert _conv_std(plain) > 0.01


def test_head_init_cfg_none_is_its_default():
    """As in MMPose's heads, None is the head's ``default_init_cfg``; it
    initialises the fusion and final conv, not the MI estimators."""
    from mmpose.registry import MODELS
    head = MODELS.build(
        dict(
            type='TDMIHead',
            in_channels=C,
            out_channels=3,
            mi_loss=dict(
                type='TDMIMutualInformationLoss',
                min_estimator=dict(type='CLUBMI', hidden_channels=4))))
    assert head.init_cfg == TDMI_INIT_CFG
    club = [
        m for m in head.mi_loss.modules() if isinstance(m, torch.nn.Linear)
    ]
    biases = [m.bias.detach().clone() for m in club]
    head.init_weights()
    assert abs(_conv_std(head.fusion) - 1e-3) < 2e-4
    assert club and all(
        torch.equal(b, m.bias) and b.any() for b, m in zip(biases, club))
