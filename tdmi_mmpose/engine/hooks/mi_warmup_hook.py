# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""MIWarmupHook: the MI terms switched on after a number of iterations.

Not in the authors' code (which applies every MI term from the first
iteration).
A model that starts from near-zero heatmaps (the authors' initialisation of
the head) can settle where the MI terms' entropy pull balances the heatmap
loss at a low peak; letting the heatmap loss alone shape the heatmaps first
tests that (docs/evidence.md, "The MI terms at the recipe's sizes").
"""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpose.registry import HOOKS

__all__ = ['MIWarmupHook']


@HOOKS.register_module()
class MIWarmupHook(Hook):
    """Sets the MI loss's ``scale`` to 0 before iteration ``start_iter``
    and to 1 from it on.

    Args:
        start_iter (int): the first training iteration (0-based) with the MI
            terms on.
    """
    priority = 'NORMAL'

    def __init__(self, start_iter: int):
        if not isinstance(start_iter, int) or start_iter < 0:
            raise ValueError(
                f'start_iter must be an int >= 0, got {start_iter!r}')
        self.start_iter = start_iter

    @staticmethod
    def _mi_loss(runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        mi_loss = getattr(getattr(model, 'head', None), 'mi_loss', None)
        if mi_loss is None:
            raise ValueError('MIWarmupHook needs a model whose head has an '
                             'MI loss (model.head.mi_loss is None or absent)')
        return mi_loss

    def before_train(self, runner) -> None:
        self._mi_loss(runner)  # fail before the first iteration

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._mi_loss(runner).scale = float(runner.iter >= self.start_iter)
