# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Evidence in the paper's two-stage protocol, over seeds and conditions.

    python tools/analysis_tools/benchmark_synthetic.py [--seeds 0 1 2 3 4] \
        [--set nuisance|plain] [--iters N] [--threads 1] [--studies] \
        [--only NAME ...] [--work-dir DIR] [--report-only]

On its own synthetic set, generated if missing, for every seed:

1. stage 1: the single-frame model (MMPose's TopdownPoseEstimator,
   ``configs/demo/single_frame_demo_synthetic.py``);
2. stage 2, each from that seed's stage-1 checkpoint (frozen backbone, MI
   projector from its final layer): the paper's ablation ladder, each rung a
   delta of the recipe (``configs/demo/tdmi_demo_synthetic.py``, the W48
   recipe's method at the demo's sizes) by ablation files of
   ``configs/ablations``: the temporal-difference encoder alone
   (``temporal_difference_only.py``), TDE + RDM + appearance without MI
   (``without_mi_losses.py``), the recipe (the authors' nine MI terms) and
   the recipe with every MI weight x0.1 (``mi_weights_x0_1.py``).

Sets (``--set``): ``nuisance`` (default,
``data/synthetic_posetrack_nuisance``): 12 training and 12 validation videos
with the generator's irrelevant motion on (``NUISANCE``: moving background
objects, camera shake, passers-by);
``plain``: the set of the earlier studies (6 training, 12 validation
videos, ``generate_synthetic_posetrack(root, splits=dict(train=6,
val=12))``, ``data/synthetic_posetrack_benchmark``), results under
``<work-dir>/plain``; ``demo``: the demo's set (``data/synthetic_posetrack``,
6 training and 3 validation videos with the irrelevant motion on), results
under ``<work-dir>/demo``: ``--set demo --iters 500`` is the demo's
protocol over seeds.

Training: without ``--iters``, every model trains until its validation AP
plateaus (``tdmi_research.PLATEAU``: validation every 250 iterations;
the learning rate x0.1 after two validations in a row without a gain of
more than 1 AP over the best, stop after three, at most 3,000 iterations;
MMEngine's ``ReduceOnPlateauLR`` and ``EarlyStoppingHook``) and keeps its
validation curve; ``--iters N`` trains a fixed N iterations (x0.1 at 75 %).

``--ablation FILE ...`` applies ablation files of ``configs/ablations`` to
every TDMI run after the run's own (results under ``<work-dir>/with_<names>``):
the earlier studies ran with the frozen BatchNorm in eval mode, ``--set plain
--iters 500 --ablation frozen_bn_eval.py`` runs their protocol.

``--threads N`` runs torch with N threads (default 1), results under
``<work-dir>/threads<N>`` unless 1: the same seed at another thread count
measures how much the figures move with the arithmetic's order.

``--sizes NAME`` runs the same study with the sizes the MI terms depend on
changed in both stages (``tdmi_research.resize_config``): ``C48``,
``heatmap96x72``, ``sigma3`` or ``recipe`` (all three: the W48 recipe's C,
heatmap size and sigma; T stays 3); results under ``<work-dir>/<NAME>/``.
``--backbone resnet18`` runs the study with MMPose's SimpleBaseline
ResNet-18 as stage 1 and the TDMI parts (C = 8) on its frozen ResNet-18
behind ``MultiLevelBackbone`` (results under ``<work-dir>/backbone_resnet18/``;
its final layer is not the projector, so only runs without the terms into
Y make sense there: ``--only "no MI losses"``).

``--only NAME ...`` restricts stage 2 to the runs whose name contains one of
the strings. ``--studies`` adds, for the first seed only, the runs that ask
why the MI terms behave as they do (each group alone, no heatmap terms,
the MI terms switched on after a warm-up, VSD + CLUB, CLUB, the frozen
BatchNorm in eval mode, single-stage differences, key-frame appearance,
support-crop jitter, shifted crops, a bfloat16 backbone).

Each run checkpoints at every validation (or every 100 iterations) and
resumes from its latest checkpoint when restarted (its ``train_seconds``
then covers the last process only, ``resumed_from`` says where it started,
and a plateau run's patience count starts again). Each run writes
``<work-dir>/seed<k>/<run>/result.json`` (metrics on all, blurred, occluded,
clean and nuisance-motion key frames, per-joint AP, the validation curve,
wall time, threads, the loss curve, and the MI-term diagnostics of
``tdmi_research.mi_diagnostics``); runs whose file exists are not
repeated, so seeds can run as separate processes (``--seeds 1``), and
``--report-only`` prints the tables of whatever is there: mean +- sample
std over seeds per subset, each rung's paired difference to the recipe with
its 95 % t interval over the seeds, the noise floor (seed spread, the
thread-count difference where ``threads<N>`` results exist, and the seeds a
paired comparison needs to detect 2 AP), per-joint AP, the loss curves and
the diagnostics.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

import numpy as np
from mmengine.hooks import Hook

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from tdmi_research.synthetic import NUISANCE  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIGS = osp.join(ROOT, 'configs', 'demo')
ABLATIONS = osp.join(ROOT, 'configs', 'ablations')
STAGE1 = osp.join(DEMO_CONFIGS, 'single_frame_demo_synthetic.py')
STAGE2 = osp.join(DEMO_CONFIGS, 'tdmi_demo_synthetic.py')

# name -> (ablation file(s) of configs/ablations applied in turn, or None;
# cfg overrides, iteration factor of a fixed schedule)
SINGLE = 'single-frame HRNet (stage 1)'
RECIPE = "TDMI (recipe: authors' MI)"
NO_MI = 'without_mi_losses.py'
# the paper's ablation ladder, each rung a delta of the recipe
RUNS = {
    'TDE alone': ('temporal_difference_only.py', {}, 1),
    'TDMI, no MI losses': (NO_MI, {}, 1),
    RECIPE: (None, {}, 1),
    'TDMI, MI x0.1': ('mi_weights_x0_1.py', {}, 1),
}
STUDIES = {
    'TDMI, no heatmap terms': (None, {
        'model.head.mi_loss.term_weights':
        dict(y_useful_heatmaps=0., y_appearance_heatmaps=0.)
    }, 1),
    'TDMI, no reg group': ('without_mi_reg.py', {}, 1),
    'TDMI, VSD + CLUB estimators': ('vsd_club_estimators.py', {}, 1),
    'TDMI, CLUB for minimised terms': ('club_estimator.py', {}, 1),
    'TDMI, MI after warm-up': (None, {
        'custom_hooks': [dict(type='MIWarmupHook', start_iter=100)]
    }, 1),
    'TDMI, motion group only': (None, {
        'model.head.mi_loss.group_weights':
        dict(modal=0., reg=0.)
    }, 1),
    'TDMI, modal group only': (None, {
        'model.head.mi_loss.group_weights':
        dict(motion=0., reg=0.)
    }, 1),
    'TDMI, reg group only': (None, {
        'model.head.mi_loss.group_weights':
        dict(motion=0., modal=0.)
    }, 1),
    'TDMI, frozen BatchNorm in eval mode': ('frozen_bn_eval.py', {}, 1),
    'TDMI, single-stage differences': ('single_stage_differences.py', {}, 1),
    'TDMI, key-frame appearance': ('keyframe_appearance.py', {}, 1),
    'TDMI, no MI losses, support-crop jitter':
    ((NO_MI, 'support_crop_jitter.py'), {}, 1),
    'TDMI, no MI losses, shifted crops (window mode)':
    ((NO_MI, 'window_mode_training.py'), {}, 1),
    'TDMI, no MI losses, bfloat16 backbone':
    ((NO_MI, 'bf16_backbone.py'), {}, 1),
}
# the benchmark sets: generator arguments and default folder
SETS = {
    'nuisance': (dict(splits=dict(train=12, val=12),
                      **NUISANCE), 'synthetic_posetrack_nuisance'),
    'plain':
    (dict(splits=dict(train=6, val=12)), 'synthetic_posetrack_benchmark'),
    # the demo's own set (python3 run.py demo): its protocol over seeds is
    # --set demo --iters 500
    'demo': (dict(NUISANCE), 'synthetic_posetrack'),
}
# the sizes of the MI terms (C, heatmap (w, h), sigma); 'demo' = as built
SIZES = {
    'demo': {},
    'C48': dict(channels=48),
    'heatmap96x72': dict(heatmap_size=(72, 96)),
    'sigma3': dict(sigma=3.0),
    'recipe': dict(channels=48, heatmap_size=(72, 96), sigma=3.0),
}
# other backbones in both stages: (stage-1 backbone and head, stage-2
# MultiLevelBackbone); the head's input size gives 32 x 24 heatmaps
BACKBONES = {
    'hrnet':
    None,
    'resnet18':
    (dict(type='ResNet', depth=18),
     dict(
         type='HeatmapHead',
         in_channels=512,
         out_channels=17,
         deconv_out_channels=(64, 64, 64),
         deconv_kernel_sizes=(4, 4, 4)),
     dict(
         type='MultiLevelBackbone',
         backbone=dict(type='ResNet', depth=18, out_indices=(0, 1, 2, 3)),
         in_channels=(64, 128, 256, 512),
         out_channels=8)),
}
CHECKPOINT_INTERVAL = 100
SUBSETS = (('all', ''), ('blurred', 'blurred/'), ('occluded', 'occluded/'),
           ('clean', 'clean/'), ('nuisance', 'nuisance/'))
# two-sided 97.5 % quantiles of Student's t, by degrees of freedom
T975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228
}
LOSSES = ('loss_kpt', 'loss_mi_motion', 'loss_mi_modal', 'loss_mi_reg',
          'heatmap_peak', 'heatmap_entropy')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--iters',
        type=int,
        default=None,
        help='a fixed schedule of this many iterations per model (x0.1 at '
        '75 %%); default: train each model to a validation plateau')
    parser.add_argument(
        '--eval-every',
        type=int,
        default=None,
        help='plateau training: validate every N iterations (default: '
        'PLATEAU\'s 250)')
    parser.add_argument(
        '--max-iters',
        type=int,
        default=None,
        help='plateau training: at most N iterations (default: PLATEAU\'s '
        '3000)')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    parser.add_argument(
        '--set',
        choices=sorted(SETS),
        default='nuisance',
        help='the synthetic set (default: nuisance; plain is the set of the '
        'earlier studies, results under WORK_DIR/plain)')
    parser.add_argument(
        '--ablation',
        nargs='+',
        default=[],
        metavar='FILE',
        help='ablation files of configs/ablations applied to every TDMI run '
        'after its own (e.g. frozen_bn_eval.py); results under '
        'WORK_DIR/with_<names>')
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='torch threads (default: 1); results under WORK_DIR/threadsN '
        'unless 1')
    parser.add_argument('--studies', action='store_true')
    parser.add_argument(
        '--only',
        nargs='+',
        metavar='NAME',
        help='run only the TDMI runs whose name contains one of these '
        '(stage 1 always runs)')
    parser.add_argument('--report-only', action='store_true')
    parser.add_argument(
        '--baseline',
        nargs='+',
        default=[],
        metavar='NAME',
        help='report: paired differences to these runs too (a part of a '
        'run\'s name, e.g. single-frame "TDE alone"), after those to the '
        'recipe')
    parser.add_argument(
        '--sizes',
        choices=sorted(SIZES),
        default='demo',
        help='sizes of the MI terms in both stages (default: demo, the '
        'demo configs as they are); results go under WORK_DIR/SIZES unless '
        'demo')
    parser.add_argument(
        '--backbone',
        choices=sorted(BACKBONES),
        default='hrnet',
        help='the backbone of both stages (default: hrnet, the demo\'s); '
        'results go under WORK_DIR/backbone_NAME unless hrnet')
    parser.add_argument(
        '--work-dir', default=osp.join(ROOT, 'work_dirs', 'benchmark'))
    parser.add_argument(
        '--data-root',
        help='the set\'s folder (default: data/<the set\'s folder name>)')
    args = parser.parse_args()
    if args.iters is not None and (args.eval_every or args.max_iters):
        parser.error('--eval-every and --max-iters belong to plateau '
                     'training; --iters gives a fixed schedule')
    if args.threads < 1:
        parser.error(f'--threads must be >= 1, got {args.threads}')
    args.own_data_root = args.data_root is not None
    if args.data_root is None:
        args.data_root = osp.join(ROOT, 'data', SETS[args.set][1])
    return args


def _slug(name: str) -> str:
    return ''.join(c if c.isalnum() else '_' for c in name).strip('_')


def _loss_curve(runner, points: int = 10) -> dict:
    """Mean of each logged loss over ``points`` equal windows of training."""
    curve = {}
    for key in LOSSES:
        name = f'train/{key}'
        if name not in runner.message_hub.log_scalars:
            continue
        values = np.asarray(runner.message_hub.get_scalar(name).data[0])
        curve[key] = [float(w.mean()) for w in np.array_split(values, points)]
    return curve


class _Curve(Hook):
    """Keeps (iteration, Total AP per subset, learning rate) after every
    validation of a plateau run, and the last validation's metrics."""
    priority = 'LOWEST'

    def __init__(self):
        self.points = []
        self.last = (None, None)  # (iteration, metrics)

    def after_val_epoch(self, runner, metrics=None):
        if not metrics:
            return
        self.last = (runner.iter, dict(metrics))
        self.points.append(
            dict(
                iter=runner.iter,
                lr=runner.optim_wrapper.get_lr()['lr'][0],
                **{
                    label: metrics.get(f'posetrack/{key}Total AP')
                    for label, key in SUBSETS
                }))


def _run(name, cfg, out_file, diagnose: bool) -> dict:
    import torch
    from mmengine.runner import Runner, find_latest_checkpoint

    from tdmi_research import evaluate_runner, mi_term_diagnostics
    plateau = cfg.train_cfg.val_interval <= cfg.train_cfg.max_iters
    print(
        f'== {name}: ' +
        (f'to a plateau (at most {cfg.train_cfg.max_iters} iterations, '
         f'validation every {cfg.train_cfg.val_interval})'
         if plateau else f'{cfg.train_cfg.max_iters} iterations') +
        f' -> {osp.dirname(out_file)}',
        flush=True)
    latest = find_latest_checkpoint(cfg.work_dir) if osp.isdir(
        cfg.work_dir) else None
    cfg.resume = latest is not None
    start = time.time()
    runner = Runner.from_cfg(cfg)
    curve = _Curve()
    runner.register_hook(curve)
    runner.train()
    seconds = time.time() - start
    # training ends with a validation of the final model (the plateau
    # rule's, or the loop's at max_iters): its metrics are the result
    at, metrics = curve.last
    if at != runner.iter:
        metrics = evaluate_runner(runner)
    result = dict(
        name=name,
        iters=runner.iter,
        max_iters=cfg.train_cfg.max_iters,
        plateau=plateau,
        curve=curve.points,
        checkpoint=osp.join(cfg.work_dir, f'iter_{runner.iter}.pth'),
        threads=torch.get_num_threads(),
        train_seconds=seconds,
        resumed_from=latest and osp.basename(latest),
        metrics=metrics,
        losses=_loss_curve(runner))
    if diagnose:
        loader = runner.train_dataloader
        batches = [b for b, _ in zip(loader, range(4))]
        result['diagnostics'] = mi_term_diagnostics(runner.model, batches)
    with open(out_file, 'w') as f:
        json.dump(result, f, indent=1)
    print(
        f'   Total AP {metrics["posetrack/Total AP"]:.1f} after '
        f'{runner.iter} iterations, trained in {seconds / 60:.1f} min' +
        (f' (resumed from {latest})' if latest else ''),
        flush=True)
    return result


def _use_backbone(cfg, name: str) -> None:
    """Put the ``--backbone`` of ``BACKBONES`` into a stage-1
    (TopdownPoseEstimator) or stage-2 config."""
    if BACKBONES[name] is None:
        return
    single, head, multi = BACKBONES[name]
    if cfg.model.type == 'TopdownPoseEstimator':
        cfg.model.backbone = dict(single)
        cfg.model.head = dict(
            head, loss=cfg.model.head.loss, decoder=cfg.model.head.decoder)
    else:
        cfg.model.backbone = dict(multi)
        cfg.model.projector_from_checkpoint = False


def _prepare(cfg, args, seed: int):
    """The seed, the backbone, the sizes of ``--sizes`` and resumable
    checkpoints."""
    from tdmi_research import resize_config, train_to_plateau
    _use_backbone(cfg, args.backbone)
    resize_config(cfg, **SIZES[args.sizes])
    cfg.randomness = dict(seed=seed)
    hook = cfg.default_hooks.checkpoint
    if args.iters is None:
        plateau = {
            k: v
            for k, v in (('eval_every', args.eval_every),
                         ('max_iters', args.max_iters)) if v
        }
        train_to_plateau(cfg, **plateau)
    else:
        hook.interval = min(CHECKPOINT_INTERVAL, cfg.train_cfg.max_iters)
    hook.max_keep_ckpts = 2
    return cfg


def run_seed(args, seed: int, studies: bool) -> None:
    from tdmi_research import synthetic_config
    base = osp.join(args.work_dir, f'seed{seed}')
    work = osp.join(base, _slug(SINGLE))
    cfg = _prepare(
        synthetic_config(STAGE1, args.data_root, work, args.iters), args, seed)
    out = osp.join(work, 'result.json')
    if not osp.isfile(out):
        _run(SINGLE, cfg, out, diagnose=False)
    with open(out) as f:
        stage1 = json.load(f)
    checkpoint = stage1.get('checkpoint') or osp.join(
        work, f'iter_{stage1["iters"]}.pth')
    runs = dict(RUNS, **(STUDIES if studies else {}))
    if args.only:
        runs = {
            n: r
            for n, r in runs.items() if any(o in n for o in args.only)
        }
        if not runs:
            raise SystemExit(f'--only {args.only}: no run of that name')
    for name, (ablation, changes, factor) in runs.items():
        work = osp.join(base, _slug(name))
        out = osp.join(work, 'result.json')
        if osp.isfile(out):
            continue
        cfg = synthetic_config(
            STAGE2,
            args.data_root,
            work,
            args.iters and args.iters * factor,
            ablation=[
                osp.join(ABLATIONS, a) for a in ([ablation] if isinstance(
                    ablation, str) else list(ablation or [])) + args.ablation
            ])
        cfg.merge_from_dict(changes)
        cfg.model.single_frame_checkpoint = checkpoint
        _prepare(cfg, args, seed)
        _run(name, cfg, out, diagnose=True)


def _load(args) -> dict:
    """run name -> list of results over the seeds found."""
    found = {}
    seeds = os.listdir(args.work_dir) if osp.isdir(args.work_dir) else []
    for seed in sorted(d for d in seeds if d.startswith('seed')):
        for name in [SINGLE] + list(RUNS) + list(STUDIES):
            path = osp.join(args.work_dir, seed, _slug(name), 'result.json')
            if osp.isfile(path):
                with open(path) as f:
                    result = json.load(f)
                result['seed'] = int(seed[len('seed'):])
                found.setdefault(name, []).append(result)
    return found


def _ap(result: dict, key: str) -> float:
    return result['metrics'].get(f'posetrack/{key}Total AP', float('nan'))


def _interval(values) -> str:
    """mean [95 % t interval] of paired differences over seeds."""
    values = np.asarray(values, float)
    if len(values) < 2:
        return f'{values.mean():+.1f}' if len(values) else 'n/a'
    half = T975.get(len(values) - 1, 1.96) * values.std(ddof=1) / np.sqrt(
        len(values))
    return (f'{values.mean():+.1f} [{values.mean() - half:+.1f}, '
            f'{values.mean() + half:+.1f}]')


def seeds_needed(sd: float, delta: float = 2.0) -> int:
    """Seeds a paired two-sided test at 5 % needs to detect a difference of
    ``delta`` with 80 % power when the paired differences have standard
    deviation ``sd``: ((1.96 + 0.84) sd / delta)^2, rounded up."""
    return int(np.ceil(((1.96 + 0.84) * sd / delta)**2))


def paired_report(found: dict, baseline: str = RECIPE) -> None:
    """Each run minus ``baseline`` (a run name, or a part of one), seed by
    seed, with 95 % t intervals."""
    names = [n for n in found if baseline in n]
    if not names:
        return
    baseline = RECIPE if RECIPE in names else names[0]
    base = {r['seed']: r for r in found[baseline]}
    print(f'\npaired difference to {baseline} (same seed, same stage 1), '
          'mean [95 % t interval] over the seeds both ran')
    print('| run | seeds | ' + ' | '.join(label
                                          for label, _ in SUBSETS) + ' |')
    print('|---|---|' + '---|' * len(SUBSETS))
    for name, results in found.items():
        if name == baseline:
            continue
        pairs = [(r, base[r['seed']]) for r in results if r['seed'] in base]
        if not pairs:
            continue
        cells = [
            _interval([_ap(r, key) - _ap(q, key) for r, q in pairs])
            for _, key in SUBSETS
        ]
        print(f'| {name} | {len(pairs)} | ' + ' | '.join(cells) + ' |')


def noise_floor(args, found: dict) -> None:
    """How much Total AP moves with the seed and with the thread count,
    and the seeds a paired comparison needs to see 2 AP."""
    print('\nnoise floor (all key frames)')
    print('| run | seeds | sd over seeds | same seed, other threads |')
    print('|---|---|---|---|')
    for name in (SINGLE, RECIPE, 'TDMI, no MI losses'):
        results = found.get(name, [])
        if not results:
            continue
        values = np.array([_ap(r, '') for r in results])
        sd = f'{values.std(ddof=1):.1f}' if len(values) > 1 else 'n/a'
        other = []
        if osp.isdir(args.work_dir):
            for folder in sorted(os.listdir(args.work_dir)):
                if not folder.startswith('threads'):
                    continue
                for r in results:
                    path = osp.join(args.work_dir, folder, f'seed{r["seed"]}',
                                    _slug(name), 'result.json')
                    if osp.isfile(path):
                        with open(path) as f:
                            t = json.load(f)
                        other.append(
                            f'seed {r["seed"]}: {_ap(r, ""):.1f} at '
                            f'{r.get("threads", 1)} -> {_ap(t, ""):.1f} at '
                            f'{t.get("threads")} threads')
        print(f'| {name} | {len(values)} | {sd} | '
              f'{"; ".join(other) or "n/a"} |')
    recipe = {r['seed']: r for r in found.get(RECIPE, [])}
    for name, results in found.items():
        diffs = [
            _ap(r, '') - _ap(recipe[r['seed']], '') for r in results
            if r['seed'] in recipe and name != RECIPE
        ]
        if len(diffs) > 1:
            sd = float(np.std(diffs, ddof=1))
            need = seeds_needed(sd)
            print(f'{name} - recipe: sd of the paired difference {sd:.1f} '
                  f'AP over {len(diffs)} seeds: detecting 2 AP at 5 % with '
                  f'80 % power needs about {need} seeds')


def report(args) -> None:
    from tdmi_mmpose.posetrack_format import POSEVAL_JOINTS
    found = _load(args)
    if not found:
        print(f'no results under {args.work_dir}')
        return
    n_frames = next(iter(found.values()))[0]['metrics']
    n_frames = {
        f'posetrack/{key}num_frames':
        n_frames.get(f'posetrack/{key}num_frames', 0)
        for _, key in SUBSETS
    }
    if args.backbone != 'hrnet':
        print(f'\nbackbone of both stages: {args.backbone} (the run names '
              'keep the HRNet study\'s)')
    print('\nTotal AP on the synthetic validation split (detected boxes), '
          'mean +- sample std over seeds; key frames: ' +
          ', '.join(f'{label} {int(n_frames[f"posetrack/{key}num_frames"])}'
                    for label, key in SUBSETS))
    print('| run | seeds | iters | ' +
          ' | '.join(label for label, _ in SUBSETS) + ' | train min |')
    print('|---|---|---|' + '---|' * (len(SUBSETS) + 1))
    for name, results in found.items():
        cells = []
        for _, key in SUBSETS:
            values = np.array([_ap(r, key) for r in results])
            # sample standard deviation; one seed has none
            spread = f' +- {values.std(ddof=1):.1f}' if len(values) > 1 else ''
            cells.append(f'{values.mean():.1f}{spread}')
        minutes = np.mean([r['train_seconds'] for r in results]) / 60
        if any(r.get('resumed_from') for r in results):
            minutes = float('nan')  # resumed: one process's time only
        iters = sorted({r['iters'] for r in results})
        iters = str(iters[0]) if len(iters) == 1 else \
            f'{iters[0]}-{iters[-1]}'
        print(f'| {name} | {len(results)} | {iters} | ' + ' | '.join(cells) +
              f' | {minutes:.1f} |')
    for baseline in [RECIPE] + list(args.baseline):
        paired_report(found, baseline)
    noise_floor(args, found)
    if any(r.get('curve') for results in found.values() for r in results):
        print('\nvalidation curves (first seed: iteration Total AP, the '
              'learning rate where it dropped)')
        for name, results in found.items():
            points = results[0].get('curve') or []
            cells = []
            for i, p in enumerate(points):
                drop = i and p['lr'] < points[i - 1]['lr']
                cells.append(f'{p["iter"]}:{p["all"]:.1f}' +
                             (f' (lr {p["lr"]:.0e})' if drop else ''))
            if cells:
                print(f'{name:34s} ' + ' '.join(cells))

    print('\nper-joint AP, mean over seeds (all key frames)')
    print('| run | ' + ' | '.join(POSEVAL_JOINTS) + ' |')
    print('|---|' + '---|' * len(POSEVAL_JOINTS))
    for name, results in found.items():
        print(f'| {name} | ' + ' | '.join(
            f'{np.mean([r["metrics"][f"posetrack/{j}"] for r in results]):.1f}'
            for j in POSEVAL_JOINTS) + ' |')

    print('\nlosses over training (first seed; mean over each tenth)')
    for name, results in found.items():
        for key, values in results[0]['losses'].items():
            print(f'{name:34s} {key:15s} ' + ' '.join(f'{v:+.4f}'
                                                      for v in values))

    print('\nMI-term diagnostics after training (first seed, 4 training '
          'batches; tools/analysis_tools/analyze_mi_terms.py)')
    from tdmi_research.mi_diagnostics import format_diagnostics
    for name, results in found.items():
        diag = results[0].get('diagnostics')
        if diag:
            print(f'\n{name}\n' + format_diagnostics(diag))


def main() -> None:
    args = parse_args()
    if args.backbone != 'hrnet':
        if args.sizes != 'demo':
            raise SystemExit('--sizes changes the HRNet demo model only')
        args.work_dir = osp.join(args.work_dir, f'backbone_{args.backbone}')
    if args.sizes != 'demo':
        args.work_dir = osp.join(args.work_dir, args.sizes)
    if args.set != 'nuisance':
        args.work_dir = osp.join(args.work_dir, args.set)
    for name in args.ablation:
        if not osp.isfile(osp.join(ABLATIONS, name)):
            raise SystemExit(f'--ablation {name}: no such file in {ABLATIONS}')
    if args.ablation:
        args.work_dir = osp.join(
            args.work_dir, 'with_' +
            '_'.join(osp.splitext(osp.basename(a))[0] for a in args.ablation))
    if args.threads != 1:
        args.work_dir = osp.join(args.work_dir, f'threads{args.threads}')
    if not args.report_only:
        import torch

        from tdmi_research import ensure_synthetic_set
        torch.set_num_threads(args.threads)
        if args.own_data_root and osp.isfile(
                osp.join(args.data_root, 'annotations',
                         'posetrack18_val.json')):
            print(f'the set in {args.data_root} as it is', flush=True)
        elif ensure_synthetic_set(args.data_root, **SETS[args.set][0]):
            print(f'generated the {args.set} set in {args.data_root}')
        start = time.time()
        for i, seed in enumerate(args.seeds):
            run_seed(args, seed, args.studies and i == 0)
        print(f'\nwall time: {(time.time() - start) / 60:.1f} min')
    report(args)


if __name__ == '__main__':
    main()
