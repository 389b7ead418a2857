# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Mutual-information estimators between two feature maps (TDMI sec. 2 of
the method notes).

Interface: ``estimator(a, b)`` returns a scalar estimate of I(a; b) that a
loss adds with a sign; ``estimator.learning_loss(a, b)`` returns the loss
that trains the estimator's own parameters (None for estimators without
any). Both run in fp32 with autocast off, whatever the model's precision.

- ``KLSoftmaxMI``: the surrogate of the authors' code (FAMI-Pose,
  TDMI), reproduced exactly. **It is not a mutual-information bound.** Per
  (instance, channel) row, ``p = softmax_hw(a / 0.05)`` and
  ``q = softmax_hw(b / 0.05)``, and the value is
  ``torch.nn.functional.kl_div(p, q, reduction='mean')`` with ``p`` passed
  where kl_div expects log-probabilities, i.e. ``mean(q * (log q - p))``.
  The same value is computed from ``log_softmax`` so that its gradient stays
  finite where ``q`` underflows to 0 (kl_div's own gradient is NaN there).
- ``CLUBMI``: the sampled variational upper bound vCLUB (Cheng et al., ICML
  2020) on globally pooled features: a Gaussian ``q(y|x)`` whose mean and
  log-variance come from two MLPs; the bound is
  ``E[log q(y_i|x_i)] - E[log q(y_perm(i)|x_i)]`` over a random permutation
  of the batch, computed with the MLPs' parameters detached so that only
  ``learning_loss`` (the negative log-likelihood on detached inputs) trains
  them. With one instance in the batch the bound is 0.
- ``SpatialKLMI``: the variational self-distillation form (Tian et al.,
  CVPR 2021) for terms that are *maximised*: per (instance, channel) row a
  true KL divergence ``KL(p || q)`` between ``p = softmax_hw(a / tau)`` (the
  detached target) and ``q = softmax_hw(b / tau)``, computed from
  log-probabilities, summed over the h*w positions and averaged over rows.
  The estimator returns ``-KL``, so that a maximised term (negative weight)
  adds ``+KL`` to the loss: minimising the divergence raises the mutual
  information. Summed over positions, not averaged: unlike the surrogate
  its value does not shrink as 1/hw with the map's size.

Shape legend: B instances, C channels, h x w feature size.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpose.registry import MODELS
from torch import Tensor

__all__ = ['KLSoftmaxMI', 'CLUBMI', 'SpatialKLMI', 'SOFTMAX_TEMPERATURE']

# the softmax temperature of the authors' MI surrogate (KLSoftmaxMI)
SOFTMAX_TEMPERATURE = 0.05


def _spatial_logits(estimator: nn.Module, a: Tensor, b: Tensor,
                    temperature: float):
    """The (instance, channel) rows of two (B, C, h, w) maps of equal
    shape, over their h*w positions, divided by the temperature, in fp32:
    (B, C, h*w) each."""
    if a.shape != b.shape:
        raise ValueError(f'{type(estimator).__name__} needs equal shapes, '
                         f'got {tuple(a.shape)} and {tuple(b.shape)}')
    return (a.float().flatten(2) / temperature,
            b.float().flatten(2) / temperature)


class _SpatialSoftmaxMI(nn.Module):
    """Estimators comparing softmax_hw(x / temperature) rows: no parameters
    of their own, no learning loss."""
    needs_channels = False

    def __init__(self, temperature: float):
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        self.temperature = temperature

    def learning_loss(self, a: Tensor, b: Tensor) -> Optional[Tensor]:
        return None


@MODELS.register_module()
class KLSoftmaxMI(_SpatialSoftmaxMI):
    """The authors' code's softmax-KL surrogate (not a proper MI bound).

    Args:
        temperature (float): softmax temperature. Defaults to
            ``SOFTMAX_TEMPERATURE`` (0.05, the authors').
    """

    def __init__(self, temperature: float = SOFTMAX_TEMPERATURE):
        super().__init__(temperature)

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        """Two (B, C, h, w) maps of equal shape -> scalar."""
        with torch.autocast(a.device.type, enabled=False):
            x_a, x_b = _spatial_logits(self, a, b, self.temperature)
            p = F.softmax(x_a, dim=-1)
            log_q = F.log_softmax(x_b, dim=-1)
            # The authors' value kl_div(p, q, reduction='mean') with p given
            # where kl_div expects log-probabilities: mean(q * (log q - p)),
            # 0 where q = 0. Written with log_softmax, because at a
            # temperature of 0.05 q underflows to exact zeros, where
            # kl_div's gradient log(q) is -inf and the loss turns NaN.
            return (log_q.exp() * (log_q - p)).mean()


@MODELS.register_module()
class SpatialKLMI(_SpatialSoftmaxMI):
    """Variational self-distillation: ``-KL(softmax(a/tau) || softmax(b/tau))``
    per spatial row (for maximised terms only).

    Args:
        temperature (float): softmax temperature tau. Defaults to 1.
    """
    # -KL is a gain, not a bound: minimising it would push the maps apart
    maximised_only = True

    def __init__(self, temperature: float = 1.0):
        super().__init__(temperature)

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        """Two (B, C, h, w) maps of equal shape -> scalar ``-KL``."""
        with torch.autocast(a.device.type, enabled=False):
            x_a, x_b = _spatial_logits(self, a, b, self.temperature)
            log_p = F.log_softmax(x_a, dim=-1)
            log_q = F.log_softmax(x_b, dim=-1)
            kl = (log_p.exp() * (log_p - log_q)).sum(-1)  # (B, C)
            return -kl.mean()


@MODELS.register_module()
class CLUBMI(nn.Module):
    """Sampled vCLUB upper bound on pooled features.

    Args:
        x_channels (int): channels of the first argument.
        y_channels (int): channels of the second argument.
        hidden_channels (int): width of the two MLPs. Defaults to 64.
    """
    needs_channels = True

    def __init__(self,
                 x_channels: int,
                 y_channels: int,
                 hidden_channels: int = 64):
        super().__init__()
        if min(x_channels, y_channels, hidden_channels) < 1:
            raise ValueError('channels must be >= 1')
        self.mean_mlp = nn.Sequential(
            nn.Linear(x_channels, hidden_channels), nn.ReLU(),
            nn.Linear(hidden_channels, y_channels))
        self.logvar_mlp = nn.Sequential(
            nn.Linear(x_channels, hidden_channels), nn.ReLU(),
            nn.Linear(hidden_channels, y_channels), nn.Tanh())

    @staticmethod
    def _pool(t: Tensor) -> Tensor:
        return t.float().mean(dim=(2, 3)) if t.dim() == 4 else t.float()

    @staticmethod
    def _run_mlp(mlp: nn.Sequential, x: Tensor, detach: bool) -> Tensor:
        for layer in mlp:
            if isinstance(layer, nn.Linear) and detach:
                x = F.linear(x, layer.weight.detach(), layer.bias.detach())
            else:
                x = layer(x)
        return x

    def _gaussian(self, x: Tensor, detach: bool):
        return (self._run_mlp(self.mean_mlp, x,
                              detach), self._run_mlp(self.logvar_mlp, x,
                                                     detach))

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        """(B, Cx, h, w) and (B, Cy, h', w') -> scalar upper bound."""
        with torch.autocast(a.device.type, enabled=False):
            x, y = self._pool(a), self._pool(b)  # (B, Cx), (B, Cy)
            mean, logvar = self._gaussian(x, detach=True)
            perm = torch.randperm(len(y), device=y.device)
            positive = -((mean - y)**2 / logvar.exp()).sum(-1) / 2
            negative = -((mean - y[perm])**2 / logvar.exp()).sum(-1) / 2
            return (positive - negative).mean()

    def learning_loss(self, a: Tensor, b: Tensor) -> Tensor:
        """Negative log-likelihood of q(y|x) on detached inputs."""
        with torch.autocast(a.device.type, enabled=False):
            x, y = self._pool(a).detach(), self._pool(b).detach()
            mean, logvar = self._gaussian(x, detach=False)
            return (((mean - y)**2 / logvar.exp() + logvar).sum(-1) / 2).mean()
