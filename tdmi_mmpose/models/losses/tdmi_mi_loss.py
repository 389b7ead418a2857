# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""TDMIMutualInformationLoss: the three groups of mutual-information terms
(TDMI sec. 2 of the method notes), as the authors' code computes them.

Features: M (raw motion), M_u (useful), M_n (noisy), F_a (appearance),
Ftilde (fused) and H (predicted heatmaps). ``mi`` is the configured
estimator; ``mi_y(F, H) = mi(P(F), H)`` where P is the frozen 1x1 layer that
maps a feature to K heatmaps (the pretrained model's final layer), its
output detached. Signs: + minimise, - maximise; default weights:

    motion: 2 * mi(M_u, M_n) - mi(M, M_u)
    modal:  mi(M_u, F_a) - mi(M_u, Ftilde) - mi(F_a, Ftilde)
    reg:    mi_y(M_u, H) - mi(M_u, Ftilde) + mi_y(F_a, H) - mi(F_a, Ftilde)

Gradients: the first argument is detached in every term except
mi(M_u, M_n), where both sides learn (this is what trains the noisy branch).

Each term has its own weight (``term_weights``; 0 switches it off) and each
group a weight (``group_weights``; 0 switches the group off). Terms with a
positive weight use ``min_estimator``, terms with a negative weight use
``max_estimator``: a variational upper bound such as CLUB is only meaningful
for the minimised terms. Every term has its own estimator instance (CLUB's
networks depend on the pair). ``scale`` multiplies every group
(``MIWarmupHook`` sets it to 0 before a given iteration and to 1 from then
on; the estimators' own learning losses are not scaled). All of it runs in
fp32 with autocast off.

Shape legend: B instances, C channels, K keypoints, h x w feature size.
"""
import copy
from typing import Callable, Dict, FrozenSet, Optional

import torch
import torch.nn as nn
from mmpose.registry import MODELS
from torch import Tensor

__all__ = ['TDMIMutualInformationLoss', 'MI_TERMS']

# term -> (group, first feature, second feature, default weight). The
# feature names are the keys of the dict the loss is called with; 'y:'
# marks an argument mapped to heatmaps by the frozen projector.
MI_TERMS = {
    'useful_noisy': ('motion', 'useful', 'noisy', 2.0),
    'motion_useful': ('motion', 'motion', 'useful', -1.0),
    'useful_appearance': ('modal', 'useful', 'appearance', 1.0),
    'modal_useful_fused': ('modal', 'useful', 'fused', -1.0),
    'modal_appearance_fused': ('modal', 'appearance', 'fused', -1.0),
    'y_useful_heatmaps': ('reg', 'y:useful', 'heatmaps', 1.0),
    'reg_useful_fused': ('reg', 'useful', 'fused', -1.0),
    'y_appearance_heatmaps': ('reg', 'y:appearance', 'heatmaps', 1.0),
    'reg_appearance_fused': ('reg', 'appearance', 'fused', -1.0),
}
GROUPS = ('motion', 'modal', 'reg')
# the one term where the first argument is not detached
_BOTH_SIDES = {'useful_noisy'}


@MODELS.register_module()
class TDMIMutualInformationLoss(nn.Module):
    """The TDMI mutual-information objective.

    Args:
        channels (int): C of M, M_u, M_n, F_a and Ftilde. Defaults to 48.
        num_keypoints (int): K of H. Defaults to 17.
        min_estimator (dict): estimator config for minimised terms.
            Defaults to ``dict(type='KLSoftmaxMI')``.
        max_estimator (dict): estimator config for maximised terms.
            Defaults to ``dict(type='KLSoftmaxMI')``.
        group_weights (dict): weight per group (``motion``, ``modal``,
            ``reg``). Missing groups weigh 1.
        term_weights (dict): weight per term of ``MI_TERMS``, overriding
            its default (e.g. ``dict(useful_noisy=0.)``).
    """

    def __init__(self,
                 channels: int = 48,
                 num_keypoints: int = 17,
                 min_estimator: dict = dict(type='KLSoftmaxMI'),
                 max_estimator: dict = dict(type='KLSoftmaxMI'),
                 group_weights: Optional[Dict[str, float]] = None,
                 term_weights: Optional[Dict[str, float]] = None):
        super().__init__()
        group_weights = dict(group_weights or {})
        term_weights = dict(term_weights or {})
        unknown = set(group_weights) - set(GROUPS)
        if unknown:
            raise ValueError(f'unknown MI groups {sorted(unknown)}; '
                             f'expected some of {GROUPS}')
        unknown = set(term_weights) - set(MI_TERMS)
        if unknown:
            raise ValueError(f'unknown MI terms {sorted(unknown)}; expected '
                             f'some of {sorted(MI_TERMS)}')
        dims = dict(
            motion=channels,
            useful=channels,
            noisy=channels,
            appearance=channels,
            fused=channels,
            heatmaps=num_keypoints)
        self.group_weights = {
            g: float(group_weights.get(g, 1.))
            for g in GROUPS
        }
        self.term_weights = {}
        self.estimators = nn.ModuleDict()
        for term, (group, first, second, default) in MI_TERMS.items():
            weight = float(term_weights.get(term, default))
            if weight == 0 or self.group_weights[group] == 0:
                continue
            cfg = copy.deepcopy(min_estimator if weight > 0 else max_estimator)
            estimator_cls = MODELS.get(cfg['type'])
            if weight > 0 and getattr(estimator_cls, 'maximised_only', False):
                raise ValueError(
                    f'{cfg["type"]} only serves maximised terms (negative '
                    f'weight), but it is the min_estimator of the minimised '
                    f'term {term!r}')
            if estimator_cls.needs_channels:
                cfg.setdefault(
                    'x_channels',
                    num_keypoints if first.startswith('y:') else dims[first])
                cfg.setdefault('y_channels', dims[second])
            self.term_weights[term] = weight
            self.estimators[term] = MODELS.build(cfg)
        # set between iterations by MIWarmupHook, never during forward
        self.scale = 1.0

    @property
    def used_features(self) -> FrozenSet[str]:
        """Names of the features the active terms read (``'y:'`` marks one
        that goes through the projector)."""
        return frozenset(name for term in self.estimators
                         for name in MI_TERMS[term][1:3])

    @property
    def projector_terms(self) -> tuple:
        """The active ``mi_y`` terms: they need a pretrained projector."""
        return tuple(term for term in self.estimators
                     if MI_TERMS[term][1].startswith('y:'))

    @staticmethod
    def term_inputs(term: str, feats: Dict[str, Tensor],
                    projector: Callable[[Tensor], Tensor]) -> tuple:
        """The two maps ``term`` compares, with the authors' detach rules:
        the first is detached (except for ``useful_noisy``), and a ``'y:'``
        feature first goes through the frozen projector."""
        _, first, second, _ = MI_TERMS[term]
        if first.startswith('y:'):
            a = projector(feats[first[2:]]).detach()
        else:
            a = feats[first]
            if term not in _BOTH_SIDES:
                a = a.detach()
        return a, feats[second]

    def forward(self, feats: Dict[str, Tensor],
                projector: Callable[[Tensor], Tensor]) -> Dict[str, Tensor]:
        """Args:
            feats: ``motion``, ``useful``, ``noisy``, ``appearance``,
                ``fused`` ((B, C, h, w) each) and ``heatmaps`` (B, K, h, w).
            projector: maps a (B, C, h, w) feature to (B, K, h, w).

        Returns:
            dict: ``loss_mi_<group>`` for every active group and, when an
            estimator has parameters, ``loss_mi_estimator``.
        """
        losses: Dict[str, Tensor] = {}
        learning = []
        for term, estimator in self.estimators.items():
            group = MI_TERMS[term][0]
            a, b = self.term_inputs(term, feats, projector)
            value = self.term_weights[term] * estimator(a, b)
            key = f'loss_mi_{group}'
            losses[key] = losses.get(key, 0.) + value
            extra = estimator.learning_loss(a, b)
            if extra is not None:
                learning.append(extra)
        for group in GROUPS:
            key = f'loss_mi_{group}'
            if key in losses:
                losses[key] = (
                    losses[key] * self.group_weights[group] * self.scale)
        if learning:
            losses['loss_mi_estimator'] = torch.stack(learning).sum()
        return losses
