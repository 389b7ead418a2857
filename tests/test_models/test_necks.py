# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TemporalDifferenceEncoder, RepresentationDisentanglementModule and
AppearanceEncoder: shapes over B and T, options, argument checks."""
import pytest
import torch

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.necks import (AppearanceEncoder,
                                      RepresentationDisentanglementModule,
                                      TemporalDifferenceEncoder)

C, G = 8, 2


def _stages(b, t, num=4, h=8, w=6):
    return [torch.randn(b, t, C, h, w) for _ in range(num)]


@pytest.mark.parametrize('b', [1, 2])
@pytest.mark.parametrize('t', [2, 3, 5])
def test_tde_shapes(b, t):
    tde = TemporalDifferenceEncoder(in_channels=C, num_frames=t,
                                    deform_groups=G)
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
    tde = TemporalDifferenceEncoder(in_channels=C, num_frames=3,
                                    deform_groups=G, **options)
    assert tde(_stages(2, 3)).shape == (2, C, 8, 6)


def test_tde_sees_only_temporal_change():
    """A static clip gives the same motion whatever its content differences
    between frames would have been: the differences are what is encoded."""
    tde = TemporalDifferenceEncoder(in_channels=C, num_frames=3,
                                    deform_groups=G, modulation=False).eval()
    static = [s[:, :1].expand(-1, 3, -1, -1, -1) for s in _stages(1, 3)]
    shifted = [s + 5.0 for s in static]  # same (zero) differences
    assert torch.allclose(tde(static), tde(shifted))
    moving = _stages(1, 3)
    assert not torch.allclose(tde(static), tde(moving))


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
    tde = TemporalDifferenceEncoder(in_channels=C, num_frames=3,
                                    deform_groups=G)
    with pytest.raises(ValueError, match='expected 4 stage features'):
        tde(_stages(1, 3, num=3))
    with pytest.raises(ValueError, match='T=3'):
        tde(_stages(1, 5))


@pytest.mark.parametrize('mode', ['attention', 'split'])
def test_rdm(mode):
    rdm = RepresentationDisentanglementModule(in_channels=C,
                                              hidden_channels=16, mode=mode)
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
        assert torch.allclose(ratio, ratio[..., :1, :1].expand_as(ratio),
                              atol=1e-5)
        assert ((ratio > 0) & (ratio < 1)).all()
        assert not torch.allclose(useful, noisy)


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
    enc = AppearanceEncoder(in_channels=C, num_frames=t, mode=mode,
                            deform_groups=G)
    feats = torch.randn(b, t, C, 8, 6)
    out = enc(feats)
    assert out.shape == (b, C, 8, 6)
    if mode == 'keyframe':
        assert torch.equal(out, feats[:, t // 2])


def test_appearance_invalid():
    with pytest.raises(ValueError, match='mode must be one of'):
        AppearanceEncoder(mode='flow')
    with pytest.raises(ValueError, match='num_frames must be >= 2'):
        AppearanceEncoder(num_frames=1, key_frame_index=0)
    with pytest.raises(ValueError, match='T=5'):
        AppearanceEncoder(in_channels=C, deform_groups=G)(
            torch.randn(1, 3, C, 4, 4))
