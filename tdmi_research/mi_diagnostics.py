# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""What each mutual-information term does to the features it trains.

For a TDMI model and training batches, ``mi_term_diagnostics`` measures, per
active MI term: its weighted value next to the keypoint loss; the gradient
it sends into the feature it trains (its second argument: ``heatmaps``,
``fused``, ``useful`` ...) and the cosine between that gradient and the
keypoint loss's gradient on the same feature (negative: the term pulls
against the keypoint target); and what the authors' surrogate actually looks
at: the spatial entropy of ``softmax(x / temperature)`` of the trained
feature, normalised by ``log(h * w)`` (1 = flat, 0 = one position), and
the feature's scale.

Why the entropy: for ``p = softmax(a / t)``, ``q = softmax(b / t)`` the
authors' value is ``mean(q * (log q - p)) = (-H(q) - <q, p>) / (h w)``; with
``p`` bounded by 1 the entropy ``H(q)`` (up to ``log(h w)``) dominates.
A minimised term (positive weight) therefore rewards a flat ``softmax(b /
t)`` (lower, wider heatmap peaks), a maximised term (negative weight) a
one-hot one (which any growth in ``b``'s scale gives for free).

Shape legend: B instances, C channels, K keypoints, h x w feature size.
"""
import math
from typing import Dict, Iterable

import torch
import torch.nn.functional as F

from tdmi_mmpose.models.losses import MI_TERMS

__all__ = ['mi_term_diagnostics', 'softmax_entropy', 'format_diagnostics']


def softmax_entropy(x: torch.Tensor, temperature: float = 0.05) -> float:
    """Mean over (instance, channel) of H(softmax_hw(x / t)) / log(h w)."""
    logp = F.log_softmax(x.float().flatten(2) / temperature, dim=-1)
    entropy = -(logp.exp() * logp).sum(-1)
    return float(entropy.mean() / math.log(logp.shape[-1]))


def _cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(F.cosine_similarity(a.flatten(), b.flatten(), dim=0))


def mi_term_diagnostics(model, batches: Iterable[dict]) -> Dict[str, dict]:
    """Average the measurements over ``batches`` (dataloader outputs).

    Returns:
        dict: ``'terms'``: term -> ``weight``, ``value`` (weighted, group
        weight included), ``ratio_to_kpt`` (|value| / loss_kpt),
        ``grad_norm`` (of the term on its trained feature), ``kpt_grad_norm``
        (of the keypoint loss on the same feature), ``cosine``;
        ``'features'``: name -> ``entropy`` (see ``softmax_entropy``) and
        ``scale`` (mean of each row's max |x|); ``'loss_kpt'``. A model
        without MI loss gets an empty ``'terms'``.
    """
    head = model.head
    mi = head.mi_loss
    estimators = mi.estimators if mi is not None else {}
    # a model without MI terms still gets its features measured
    temperature = getattr(
        next(iter(estimators.values()), None), 'temperature', 0.05)
    sums: Dict[str, Dict[str, float]] = {}
    feats_sums: Dict[str, Dict[str, float]] = {}
    kpt_total, n = 0.0, 0
    model.train()
    for batch in batches:
        data = model.data_preprocessor(batch, training=True)
        inputs, samples = data['inputs'], data['data_samples']
        with torch.no_grad():
            feats = model.extract_feat(inputs)
        # the trainable features, as leaves of their own
        feats = {
            k: v.detach().requires_grad_(True)
            for k, v in feats.items() if v is not None
        }
        fused, heatmaps = head.forward_features(feats)
        fused.retain_grad()
        heatmaps.retain_grad()
        named = dict(feats, fused=fused, heatmaps=heatmaps)
        gt = torch.stack([d.gt_fields.heatmaps for d in samples])
        weights = torch.cat(
            [d.gt_instance_labels.keypoint_weights for d in samples])
        loss_kpt = head.loss_module(heatmaps, gt, weights)
        # motion and noisy do not reach the heatmaps: zero gradient
        kpt_grads = torch.autograd.grad(
            loss_kpt, [named[k] for k in named],
            retain_graph=True,
            allow_unused=True)
        kpt_grads = {
            k: torch.zeros_like(named[k]) if g is None else g
            for k, g in zip(named, kpt_grads)
        }
        kpt_total += float(loss_kpt)
        for term, estimator in estimators.items():
            group, _, second, _ = MI_TERMS[term]
            a, b = mi.term_inputs(term, named, head.y_projector)
            weight = mi.term_weights[term] * mi.group_weights[group]
            value = weight * estimator(a, b)
            grad, = torch.autograd.grad(
                value, named[second], retain_graph=True)
            kg = kpt_grads[second]
            row = sums.setdefault(term, {})
            for key, v in (('weight', weight), ('value', float(value)),
                           ('grad_norm', float(grad.norm())),
                           ('kpt_grad_norm',
                            float(kg.norm())), ('cosine', _cosine(grad, kg))):
                row[key] = row.get(key, 0.0) + v
        for name in ('heatmaps', 'fused', 'useful', 'appearance'):
            if name not in named:
                continue
            x = named[name].detach()
            row = feats_sums.setdefault(name, {})
            row['entropy'] = row.get('entropy', 0.0) + softmax_entropy(
                x, temperature)
            row['scale'] = row.get('scale', 0.0) + float(
                x.flatten(2).abs().amax(-1).mean())
        n += 1
    if not n:
        raise ValueError('no batches given')
    terms = {t: {k: v / n for k, v in row.items()} for t, row in sums.items()}
    for row in terms.values():
        row['ratio_to_kpt'] = abs(row['value']) / max(kpt_total / n, 1e-12)
    return dict(
        terms=terms,
        features={
            f: {
                k: v / n
                for k, v in row.items()
            }
            for f, row in feats_sums.items()
        },
        loss_kpt=kpt_total / n)


def format_diagnostics(diag: dict) -> str:
    """The tables ``mi_term_diagnostics`` measures, as Markdown."""
    lines = [
        f'keypoint loss: {diag["loss_kpt"]:.3g}', '',
        '| term | weight | weighted value | / loss_kpt | grad norm on '
        'feature | loss_kpt grad norm | cosine |',
        '|---|---|---|---|---|---|---|'
    ]
    for term, row in diag['terms'].items():
        lines.append(f'| {term} | {row["weight"]:g} | {row["value"]:.3g} | '
                     f'{row["ratio_to_kpt"]:.3g} | {row["grad_norm"]:.3g} | '
                     f'{row["kpt_grad_norm"]:.3g} | {row["cosine"]:+.2f} |')
    lines += [
        '', '| feature | entropy of softmax(x/0.05) / log(hw) | scale |',
        '|---|---|---|'
    ]
    for name, row in diag['features'].items():
        lines.append(f'| {name} | {row["entropy"]:.3f} | {row["scale"]:.3g} |')
    return '\n'.join(lines)
