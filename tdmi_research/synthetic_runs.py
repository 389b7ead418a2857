# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Helpers shared by the demo and the synthetic benchmark: point a config at
the generated synthetic PoseTrack set (optionally with an ablation's delta),
and evaluate a Runner's model once."""
import os.path as osp
import re
from typing import Optional, Sequence, Union

__all__ = [
    'synthetic_config', 'evaluate_runner', 'with_ablation', 'resize_config',
    'train_to_plateau', 'PLATEAU'
]

_BASE = re.compile(r"^_base_\s*=\s*\[\s*'([^']*)'\s*\]", re.M)

Ablations = Union[str, Sequence[str], None]


def with_ablation(config: str, ablation: Ablations):
    """``config`` with the delta of an ablation file applied (or of several,
    in turn; None loads ``config`` as it is): each ablation's text with its
    ``_base_`` pointed at the config so far instead of the main recipe,
    loaded by MMEngine (so ``_delete_`` and everything else in the delta
    work as in the file). The same ablation files then run on the W48
    recipes and on the small demo model. An ablation whose base is another
    ablation of its folder (a user's ablation of an ablation; the project's
    own are all deltas of the main recipe) gets that one's delta first."""
    import tempfile

    from mmengine.config import Config
    files = [ablation] if isinstance(ablation, str) else list(ablation or [])
    chain = [f for a in files for f in _ablation_chain(a)]
    cfg = Config.fromfile(config)
    with tempfile.TemporaryDirectory() as tmp:
        for step, delta in enumerate(chain):
            if step:
                config = osp.join(tmp, f'step{step}.py')
                cfg.dump(config)
            cfg = _apply_delta(config, delta)
    return cfg


def _ablation_chain(ablation: str) -> list:
    """The ablation files whose deltas ``ablation`` stands on, base first,
    itself last."""
    folder = osp.dirname(osp.abspath(ablation))
    parent = osp.normpath(osp.join(folder, _base_of(ablation)))
    if osp.dirname(parent) != folder:  # a recipe, not another ablation
        return [ablation]
    return _ablation_chain(parent) + [ablation]


def _base_of(ablation: str) -> str:
    with open(ablation) as f:
        found = _BASE.findall(f.read())
    if len(found) != 1:
        raise ValueError(f'{ablation}: expected one "_base_ = [\'...\']" '
                         'line naming the recipe it changes')
    return found[0]


def _apply_delta(config: str, ablation: str):
    """One ablation's own delta on ``config`` (a file)."""
    from mmengine.config import Config
    with open(ablation) as f:
        text = _BASE.sub(f'_base_ = [{osp.abspath(config)!r}]', f.read())
    cfg = Config.fromstring(text, file_format='.py')
    # MMEngine keeps "_delete_" where the base has no such key (nothing to
    # delete, e.g. a min_estimator the small config leaves at its default)
    plain = cfg.to_dict()
    _drop_delete_keys(plain)
    return Config(plain)


def _drop_delete_keys(node) -> None:
    if isinstance(node, dict):
        node.pop('_delete_', None)
        for value in node.values():
            _drop_delete_keys(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _drop_delete_keys(value)


_CODECS = ('MSRAHeatmap', 'DarkDecodingHeatmap')
_AFFINES = ('TopdownAffine', 'FlipFoldingTopdownAffine')
_TDMI_PARTS = ('temporal_encoder', 'disentangler', 'appearance', 'head')


def resize_config(cfg,
                  channels: Optional[int] = None,
                  heatmap_size: Optional[tuple] = None,
                  sigma: Optional[float] = None):
    """Change the sizes the MI terms depend on, in place, everywhere a
    loaded small config (the demo's TDMI or its single-frame model) states
    them: ``channels`` = C, the width of HRNet's high-resolution branch and
    of every TDMI part (M, M_u, M_n, F_a, Ftilde); ``heatmap_size`` (w, h)
    of the heatmaps and features (the input becomes 4x, HRNet's stride);
    ``sigma`` of the target. Every codec (head decoder and GenerateTarget)
    and every crop affine of the pipelines follow. None keeps a size.
    Returns ``cfg``."""
    if heatmap_size is not None:
        heatmap_size = tuple(int(v) for v in heatmap_size)
        input_size = tuple(4 * v for v in heatmap_size)

    def visit(node) -> None:
        if isinstance(node, dict):
            kind = node.get('type')
            if kind in _CODECS:
                if heatmap_size is not None:
                    node['heatmap_size'] = heatmap_size
                    node['input_size'] = input_size
                if sigma is not None:
                    node['sigma'] = sigma
            elif kind in _AFFINES and heatmap_size is not None:
                node['input_size'] = input_size
            for value in node.values():
                visit(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value)

    for key in cfg.keys():
        visit(cfg[key])
    if channels is not None:
        extra = cfg.model.backbone.extra
        for stage in ('stage2', 'stage3', 'stage4'):
            widths = list(extra[stage].num_channels)
            widths[0] = channels
            extra[stage].num_channels = tuple(widths)
        for part in _TDMI_PARTS:
            if part in cfg.model and 'in_channels' in cfg.model[part]:
                cfg.model[part].in_channels = channels
    return cfg


# the key frames where a passer-by or a moving object covers a person
NUISANCE_SUBSET = 'nuisance'


def _irrelevant_motion(root: str) -> bool:
    """Whether the set under ``root`` was generated with moving objects or
    passers-by (its ``generator.json``), so that its image entries carry the
    ``nuisance`` field a frame subset can select on."""
    import json
    path = osp.join(root, 'generator.json')
    if not osp.isfile(path):
        return False
    with open(path) as f:
        record = json.load(f)
    return bool(record.get('background_objects') or record.get('passers_by'))


def synthetic_config(config: str,
                     data_root: str,
                     work_dir: str,
                     iters: Optional[int] = None,
                     ablation: Ablations = None):
    """Load ``config`` with the delta of ``ablation`` (one file, several in
    turn, or None: see ``with_ablation``) and point it at the synthetic set
    under ``data_root`` (its detections for testing, its per-sequence
    ground truth for the metric; on a set with moving objects or
    passers-by, a frame subset ``nuisance`` of the key frames where they
    cover a person, next to the config's subsets). ``iters`` replaces the
    schedule (x0.1 at 75 %). The caller evaluates before and after training
    itself: no validation inside the training loop, no best-checkpoint
    tracking (``train_to_plateau`` switches validation on)."""
    cfg = with_ablation(config, ablation)
    root = data_root.rstrip('/') + '/'
    cfg.work_dir = work_dir
    for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[split].dataset.data_root = root
    for split in ('val_dataloader', 'test_dataloader'):
        cfg[split].dataset.bbox_file = (
            root + 'detections/posetrack18_val_detections.json')
    motion = _irrelevant_motion(root)
    for name in ('val_evaluator', 'test_evaluator'):
        cfg[name].gt_dir = root + 'annotations/val'
        if motion and cfg[name].get('frame_subsets'):
            cfg[name].frame_subsets[NUISANCE_SUBSET] = dict(
                where=dict(nuisance=['passer_by', 'object']))
    if iters:
        cfg.train_cfg.max_iters = iters
        cfg.default_hooks.checkpoint.interval = iters
        cfg.param_scheduler = [
            dict(
                type='MultiStepLR',
                by_epoch=False,
                milestones=[int(iters * 0.75)],
                gamma=0.1)
        ]
    # MMEngine's IterBasedTrainLoop validates at the last iteration whatever
    # the interval; val_begin past the end keeps it from validating at all
    cfg.train_cfg.val_interval = cfg.train_cfg.max_iters + 1
    cfg.train_cfg.val_begin = cfg.train_cfg.max_iters + 1
    cfg.default_hooks.checkpoint.pop('save_best', None)
    return cfg


# what "trained to a plateau" means in the synthetic studies: validate every
# ``eval_every`` iterations; the learning rate drops x0.1 (once, down to a
# tenth) after ``lr_patience`` + 1 validations in a row without a gain of
# more than ``min_delta`` AP over the best so far, and training stops after
# ``patience`` such validations in a row (or at ``max_iters``)
PLATEAU = dict(
    eval_every=250, max_iters=3000, min_delta=1.0, lr_patience=1, patience=3)


def train_to_plateau(cfg, **plateau):
    """Switch ``cfg`` (a ``synthetic_config``) to training until the
    validation Total AP plateaus, in place: MMEngine's ``ReduceOnPlateauLR``
    and ``EarlyStoppingHook`` on ``posetrack/Total AP``, validation and a
    checkpoint every ``eval_every`` iterations; the settings not given are
    ``PLATEAU``'s. Returns ``cfg``."""
    unknown = set(plateau) - set(PLATEAU)
    if unknown:
        raise ValueError(f'unknown plateau settings {sorted(unknown)}; '
                         f'expected some of {sorted(PLATEAU)}')
    p = dict(PLATEAU, **plateau)
    every = int(p['eval_every'])
    if every < 1 or p['max_iters'] < every:
        raise ValueError(f'need 1 <= eval_every <= max_iters, got {every} '
                         f'and {p["max_iters"]}')
    monitor = 'posetrack/Total AP'
    lr = cfg.optim_wrapper.optimizer.lr
    cfg.train_cfg.max_iters = int(p['max_iters'])
    cfg.train_cfg.val_interval = every
    cfg.train_cfg.val_begin = every
    cfg.default_hooks.checkpoint.interval = every
    # by_epoch: MMEngine steps a metric-driven scheduler after each
    # validation, also in an iteration-based loop
    cfg.param_scheduler = [
        dict(
            type='ReduceOnPlateauLR',
            monitor=monitor,
            rule='greater',
            factor=0.1,
            patience=p['lr_patience'],
            threshold=p['min_delta'],
            threshold_rule='abs',
            min_value=0.1 * lr,
            by_epoch=True)
    ]
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
        dict(
            type='EarlyStoppingHook',
            monitor=monitor,
            rule='greater',
            min_delta=p['min_delta'],
            patience=p['patience'])
    ]
    return cfg


def evaluate_runner(runner, model=None) -> dict:
    """PoseTrack metrics of ``model`` (default: ``runner.model``) with the
    runner's validation dataloader and evaluator, without the loop's hooks
    (the checkpoint hook is only set up once training starts)."""
    import torch
    loop = runner.val_loop
    model = runner.model if model is None else model
    model.eval()
    with torch.no_grad():
        for batch in loop.dataloader:
            loop.evaluator.process(model.val_step(batch), batch)
    return loop.evaluator.evaluate(len(loop.dataloader.dataset))
