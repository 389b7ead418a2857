# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Mutual-information estimators and the TDMI loss terms."""
import warnings

import pytest
import torch
import torch.nn.functional as F

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.models.losses import (CLUBMI, MI_TERMS, KLSoftmaxMI,
                                       SpatialKLMI, TDMIMutualInformationLoss)

C, K = 8, 5


def _feats(scale=1.0, requires_grad=True):
    torch.manual_seed(0)
    shapes = dict(
        motion=C, useful=C, noisy=C, appearance=C, fused=C, heatmaps=K)
    return {
        k: (torch.randn(2, c, 6, 4) * scale).requires_grad_(requires_grad)
        for k, c in shapes.items()
    }


def _projector():
    conv = torch.nn.Conv2d(C, K, 1)
    conv.requires_grad_(False)
    return conv


def test_kl_softmax_is_the_authors_formula():
    a, b = torch.randn(2, 3, 5, 4), torch.randn(2, 3, 5, 4)
    p = F.softmax(a.flatten(2) / 0.05, dim=-1)
    q = F.softmax(b.flatten(2) / 0.05, dim=-1)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        reference = F.kl_div(p, q, reduction='mean')
    assert torch.allclose(KLSoftmaxMI()(a, b), reference, rtol=1e-5, atol=1e-8)
    # a softmax over the positions of each (instance, channel) row:
    # shifting a whole row by a constant changes nothing
    assert torch.allclose(KLSoftmaxMI()(a + 3.0, b), reference)


def test_kl_softmax_gradient_finite_where_softmax_underflows():
    a = torch.randn(2, 3, 16, 16)
    b = (torch.randn(2, 3, 16, 16) * 3).requires_grad_()  # q has exact 0s
    q = F.softmax(b.detach().flatten(2) / 0.05, dim=-1)
    assert (q == 0).any()
    KLSoftmaxMI()(a, b).backward()
    assert torch.isfinite(b.grad).all() and b.grad.abs().sum() > 0
    # torch's kl_div, as the authors' code calls it, is NaN here
    b2 = b.detach().requires_grad_()
    p = F.softmax(a.flatten(2) / 0.05, dim=-1)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        F.kl_div(
            p, F.softmax(b2.flatten(2) / 0.05, dim=-1),
            reduction='mean').backward()
    assert torch.isnan(b2.grad).any()


def test_kl_softmax_finite_for_large_inputs_and_autocast():
    a, b = torch.randn(2, 3, 5, 4) * 1e4, torch.randn(2, 3, 5, 4) * 1e4
    assert torch.isfinite(KLSoftmaxMI()(a, b))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        value = KLSoftmaxMI()(a.bfloat16(), b.bfloat16())
    assert value.dtype == torch.float32 and torch.isfinite(value)
    with pytest.raises(ValueError, match='equal shapes'):
        KLSoftmaxMI()(a, b[:, :2])


def test_club_bounds_and_learns():
    torch.manual_seed(0)
    club = CLUBMI(4, 4, hidden_channels=16)
    opt = torch.optim.Adam(club.parameters(), lr=1e-2)
    x = torch.randn(64, 4, 1, 1)
    y = x + 0.1 * torch.randn_like(x)  # strongly dependent
    before = club.learning_loss(x, y).item()
    for _ in range(200):
        opt.zero_grad()
        club.learning_loss(x, y).backward()
        opt.step()
    assert club.learning_loss(x, y).item() < before
    dependent = club(x, y).item()
    independent = club(x, torch.randn_like(y)).item()
    assert dependent > independent and dependent > 1.0
    # the bound itself does not train the variational network
    club.zero_grad()
    club(x, y.requires_grad_()).backward()
    assert all(p.grad is None for p in club.parameters())
    assert y.grad is not None
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert torch.isfinite(club(x.bfloat16() * 1e3, y.bfloat16()))


def test_club_moves_like_any_module():
    """Runner.wrap_model calls model.to(device): a method of CLUB's named
    like nn.Module._apply broke every CLUB config there."""
    club = CLUBMI(4, 3, hidden_channels=8)
    assert club.to('cpu') is club
    assert club.half().mean_mlp[0].weight.dtype == torch.float16
    x, y = torch.randn(5, 4, 2, 2), torch.randn(5, 3, 2, 2)
    assert torch.isfinite(club.float()(x, y))


def test_default_terms_groups_and_signs():
    loss = TDMIMutualInformationLoss(channels=C, num_keypoints=K)
    assert set(loss.estimators) == set(MI_TERMS)
    out = loss(_feats(), _projector())
    assert set(out) == {'loss_mi_motion', 'loss_mi_modal', 'loss_mi_reg'}
    feats, mi = _feats(), KLSoftmaxMI()
    motion = 2 * mi(feats['useful'], feats['noisy']) - mi(
        feats['motion'], feats['useful'])
    assert torch.allclose(out['loss_mi_motion'], motion)


def test_gradients_follow_the_detach_rules():
    loss = TDMIMutualInformationLoss(channels=C, num_keypoints=K)
    feats = _feats()
    total = sum(loss(feats, _projector()).values())
    total.backward()
    # every feature is the second argument of some term ...
    for name in ('useful', 'noisy', 'fused', 'heatmaps', 'appearance'):
        assert feats[name].grad is not None, name
    # ... but M is only ever a (detached) first argument
    assert feats['motion'].grad is None


def test_each_term_and_group_switchable():
    for term, (group, *_rest) in MI_TERMS.items():
        loss = TDMIMutualInformationLoss(
            channels=C, num_keypoints=K, term_weights={term: 0.})
        assert term not in loss.estimators
        feats = _feats()
        full = TDMIMutualInformationLoss(
            channels=C, num_keypoints=K)(feats, _projector())
        part = loss(feats, _projector())
        assert not torch.allclose(part[f'loss_mi_{group}'],
                                  full[f'loss_mi_{group}']), term
    for group in ('motion', 'modal', 'reg'):
        loss = TDMIMutualInformationLoss(
            channels=C, num_keypoints=K, group_weights={group: 0.})
        assert f'loss_mi_{group}' not in loss(_feats(), _projector())
    with pytest.raises(ValueError, match='unknown MI terms'):
        TDMIMutualInformationLoss(term_weights=dict(mi_xy=1.))
    with pytest.raises(ValueError, match='unknown MI groups'):
        TDMIMutualInformationLoss(group_weights=dict(temporal=1.))


def test_club_for_minimised_terms_only():
    loss = TDMIMutualInformationLoss(
        channels=C, num_keypoints=K, min_estimator=dict(type='CLUBMI'))
    for term, estimator in loss.estimators.items():
        expected = CLUBMI if MI_TERMS[term][3] > 0 else KLSoftmaxMI
        assert isinstance(estimator, expected), term
    # the mi_y terms compare projected heatmaps (K) with heatmaps (K)
    y_term = loss.estimators['y_useful_heatmaps']
    assert y_term.mean_mlp[0].in_features == K
    out = loss(_feats(), _projector())
    assert 'loss_mi_estimator' in out
    assert all(torch.isfinite(v) for v in out.values())


def test_losses_finite_with_large_activations_under_autocast():
    loss = TDMIMutualInformationLoss(channels=C, num_keypoints=K)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = loss({
            k: v.bfloat16()
            for k, v in _feats(1e4).items()
        },
                   _projector().bfloat16())
    for key, value in out.items():
        assert torch.isfinite(value), key


def test_spatial_kl_is_a_true_kl_between_spatial_distributions():
    torch.manual_seed(0)
    a, b = torch.randn(2, 3, 6, 4), torch.randn(2, 3, 6, 4)
    estimator = SpatialKLMI(temperature=0.5)
    log_p = F.log_softmax(a.flatten(2) / 0.5, dim=-1)
    log_q = F.log_softmax(b.flatten(2) / 0.5, dim=-1)
    # torch's kl_div(input=log q, target=log p) = p (log p - log q)
    reference = F.kl_div(
        log_q, log_p, log_target=True, reduction='none').sum(-1).mean()
    assert torch.allclose(estimator(a, b), -reference, rtol=1e-5, atol=1e-7)
    assert float(estimator(a, b)) < 0
    assert float(estimator(a, a)) == pytest.approx(0, abs=1e-6)
    # summed over positions, not averaged: each position split into 2 x 2
    # equal ones (nearest upsampling) leaves the KL unchanged, while the
    # authors' surrogate, a mean over h*w, shrinks
    up = dict(scale_factor=2, mode='nearest')
    a4, b4 = F.interpolate(a, **up), F.interpolate(b, **up)
    assert torch.allclose(estimator(a4, b4), estimator(a, b), rtol=1e-4)
    surrogate = KLSoftmaxMI(temperature=0.5)
    assert not torch.allclose(surrogate(a4, b4), surrogate(a, b), rtol=0.1)


def test_spatial_kl_serves_maximised_terms_and_pulls_b_toward_a():
    with pytest.raises(ValueError, match='only serves maximised terms'):
        TDMIMutualInformationLoss(
            channels=C,
            num_keypoints=K,
            min_estimator=dict(type='SpatialKLMI'))
    loss = TDMIMutualInformationLoss(
        channels=C,
        num_keypoints=K,
        min_estimator=dict(type='CLUBMI'),
        max_estimator=dict(type='SpatialKLMI'))
    for term, estimator in loss.estimators.items():
        expected = CLUBMI if MI_TERMS[term][3] > 0 else SpatialKLMI
        assert isinstance(estimator, expected), term
    # a maximised term adds +KL: one gradient step on b lowers the KL
    torch.manual_seed(1)
    a = torch.randn(2, 3, 6, 4)
    b = torch.randn(2, 3, 6, 4, requires_grad=True)
    term = -1.0 * SpatialKLMI()(a, b)
    term.backward()
    stepped = (b - 0.5 * b.grad).detach()
    assert float(-SpatialKLMI()(a, stepped)) < term.item()


def test_scale_multiplies_every_group():
    loss = TDMIMutualInformationLoss(channels=C, num_keypoints=K)
    full = loss(_feats(), _projector())
    loss.scale = 0.0
    off = loss(_feats(), _projector())
    assert set(off) == set(full)
    for key in full:
        assert float(off[key]) == 0.0 and float(full[key]) != 0.0
