# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Evidence in the paper's two-stage protocol, over seeds and conditions.

    python tools/analysis_tools/benchmark_synthetic.py [--iters 500] \
        [--seeds 0 1 2] [--studies] [--work-dir work_dirs/benchmark] \
        [--report-only]

On its own synthetic set (``data/synthetic_posetrack_benchmark``: the demo's
6 training videos and 12 validation videos, generated if missing), for every
seed:

1. stage 1: the single-frame model (MMPose's TopdownPoseEstimator,
   ``configs/smoke/single_frame_demo_synthetic.py``);
2. stage 2, each from that seed's stage-1 checkpoint (frozen backbone, MI
   projector from its final layer), same budget: the demo's TDMI
   (``configs/smoke/tdmi_demo_synthetic.py``, no MI losses, as the
   recipes) and the same model with the delta of ablation files of
   ``configs/ablations`` (the authors' MI terms,
   ``with_authors_mi_losses.py``, run as "TDMI (lineage MI)"; CLUB for the
   minimised terms; single-stage differences; key-frame appearance).

``--sizes NAME`` runs the same study with the sizes the MI terms depend on
changed in both stages (``tdmi_mmpose.analysis.resize_config``): ``C48`` (C =
48 in HRNet's high-resolution branch and every TDMI part), ``heatmap96x72``
(96 x 72 heatmaps and features, 384 x 288 input), ``sigma3`` (target sigma
3), or ``recipe`` (all three: the W48 recipe's C, heatmap size and sigma;
T stays 3, since T does not enter the MI terms, which compare per-instance
C x h x w maps); its results go under ``<work-dir>/<NAME>/``.

``--backbone resnet18`` runs the study on another backbone in both stages
(results under ``<work-dir>/backbone_resnet18/``): stage 1 is MMPose's
SimpleBaseline (ResNet-18 and three 4x4 deconvolutions of 64 channels,
MMPose's ``HeatmapHead``), stage 2 the same TDMI parts (C = 8) on its
frozen ResNet-18 behind ``MultiLevelBackbone``'s adapters (four levels,
strides 4-32). Its final layer is not loaded as the MI projector (C = 8 is
not its input width), so only runs without the projector's terms make
sense there (``--only "no MI losses"``).

``--only NAME ...`` restricts stage 2 to the runs whose name contains one of
the strings. ``--studies`` adds, for the first seed only, the runs that ask
why the MI terms behave as they do: every MI weight x0.1, the lineage terms
without the two that act on the heatmaps, without the reg group, each group
alone, the MI terms switched on after 100 iterations (``MIWarmupHook``; a
fifth of the default 500), the VSD + CLUB estimators, the two architecture
ablations with the authors' MI terms, TDMI with and without MI at three
times the budget, and the support-crop jitter.

Each run checkpoints every 100 iterations and resumes from its latest
checkpoint when restarted (its ``train_seconds`` then covers the last
process only, and ``resumed_from`` says where it started). Each run writes
``<work-dir>/seed<k>/<run>/result.json`` (metrics on all,
blurred, occluded and clean key frames, per-joint AP, wall time, the loss
curve, and the MI-term diagnostics of ``tdmi_mmpose.analysis.mi_diagnostics``);
runs whose file exists are not repeated, so seeds can run as separate
processes (``--seeds 1``) and ``--report-only`` prints the tables of
whatever is there: mean +- sample std over seeds of Total AP per subset,
per-joint AP (mean over seeds), the loss curves and the diagnostics.
"""
import argparse
import json
import os
import os.path as osp
import time

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SMOKE = osp.join(ROOT, 'configs', 'smoke')
ABLATIONS = osp.join(ROOT, 'configs', 'ablations')
STAGE1 = osp.join(SMOKE, 'single_frame_demo_synthetic.py')
STAGE2 = osp.join(SMOKE, 'tdmi_demo_synthetic.py')

# name -> (ablation file(s) of configs/ablations applied in turn, or None;
# cfg overrides, iteration factor)
SINGLE = 'single-frame HRNet (stage 1)'
AUTHORS_MI = 'with_authors_mi_losses.py'
RUNS = {
    'TDMI (lineage MI)': (AUTHORS_MI, {}, 1),
    'TDMI, no MI losses': (None, {}, 1),
    'TDMI, CLUB for minimised terms': ('club_estimator.py', {}, 1),
    'TDMI, single-stage differences': ('single_stage_differences.py', {}, 1),
    'TDMI, key-frame appearance': ('keyframe_appearance.py', {}, 1),
}
STUDIES = {
    'TDMI, MI weights x0.1': (AUTHORS_MI, {
        'model.head.mi_loss.group_weights':
        dict(motion=0.1, modal=0.1, reg=0.1)
    }, 1),
    'TDMI, no heatmap terms': (AUTHORS_MI, {
        'model.head.mi_loss.term_weights':
        dict(y_useful_heatmaps=0., y_appearance_heatmaps=0.)
    }, 1),
    'TDMI, no reg group': ('without_mi_reg.py', {}, 1),
    'TDMI, VSD + CLUB estimators': ('vsd_club_estimators.py', {}, 1),
    'TDMI, MI after warm-up': (AUTHORS_MI, {
        'custom_hooks': [dict(type='MIWarmupHook', start_iter=100)]
    }, 1),
    'TDMI, motion group only': (AUTHORS_MI, {
        'model.head.mi_loss.group_weights':
        dict(modal=0., reg=0.)
    }, 1),
    'TDMI, modal group only': (AUTHORS_MI, {
        'model.head.mi_loss.group_weights':
        dict(motion=0., reg=0.)
    }, 1),
    'TDMI, reg group only': (AUTHORS_MI, {
        'model.head.mi_loss.group_weights':
        dict(motion=0., modal=0.)
    }, 1),
    'TDMI (lineage MI), single-stage differences':
    ((AUTHORS_MI, 'single_stage_differences.py'), {}, 1),
    'TDMI (lineage MI), key-frame appearance':
    ((AUTHORS_MI, 'keyframe_appearance.py'), {}, 1),
    'TDMI (lineage MI), 3x budget': (AUTHORS_MI, {}, 3),
    'TDMI, no MI losses, 3x budget': (None, {}, 3),
    'TDMI, no MI losses, support-crop jitter':
    ('support_crop_jitter.py', {}, 1),
    'TDMI, no MI losses, shifted crops (window mode)':
    ('window_mode_training.py', {}, 1),
    'TDMI, no MI losses, bfloat16 backbone': ('bf16_backbone.py', {}, 1),
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
           ('clean', 'clean/'))
LOSSES = ('loss_kpt', 'loss_mi_motion', 'loss_mi_modal', 'loss_mi_reg',
          'heatmap_peak', 'heatmap_entropy')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--iters', type=int, default=500)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--studies', action='store_true')
    parser.add_argument(
        '--only',
        nargs='+',
        metavar='NAME',
        help='run only the TDMI runs whose name contains one of these '
        '(stage 1 always runs)')
    parser.add_argument('--report-only', action='store_true')
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
        default=osp.join(ROOT, 'data', 'synthetic_posetrack_benchmark'))
    return parser.parse_args()


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


def _run(name, cfg, out_file, diagnose: bool) -> dict:
    from mmengine.runner import Runner, find_latest_checkpoint

    from tdmi_mmpose.analysis import evaluate_runner, mi_term_diagnostics
    print(
        f'== {name}: {cfg.train_cfg.max_iters} iterations -> '
        f'{osp.dirname(out_file)}',
        flush=True)
    latest = find_latest_checkpoint(cfg.work_dir) if osp.isdir(
        cfg.work_dir) else None
    cfg.resume = latest is not None
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    seconds = time.time() - start
    metrics = evaluate_runner(runner)
    result = dict(
        name=name,
        iters=cfg.train_cfg.max_iters,
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
        f'   Total AP {metrics["posetrack/Total AP"]:.1f}, trained in '
        f'{seconds / 60:.1f} min' +
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
    from tdmi_mmpose.analysis import resize_config
    _use_backbone(cfg, args.backbone)
    resize_config(cfg, **SIZES[args.sizes])
    cfg.randomness = dict(seed=seed)
    hook = cfg.default_hooks.checkpoint
    hook.interval = min(CHECKPOINT_INTERVAL, cfg.train_cfg.max_iters)
    hook.max_keep_ckpts = 2
    return cfg


def run_seed(args, seed: int, studies: bool) -> None:
    from tdmi_mmpose.analysis import synthetic_config
    base = osp.join(args.work_dir, f'seed{seed}')
    work = osp.join(base, _slug(SINGLE))
    cfg = _prepare(
        synthetic_config(STAGE1, args.data_root, work, args.iters), args, seed)
    out = osp.join(work, 'result.json')
    if not osp.isfile(out):
        _run(SINGLE, cfg, out, diagnose=False)
    checkpoint = osp.join(work, f'iter_{args.iters}.pth')
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
            args.iters * factor,
            ablation=[
                osp.join(ABLATIONS, a) for a in
                ([ablation] if isinstance(ablation, str) else ablation or [])
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
                    found.setdefault(name, []).append(json.load(f))
    return found


def report(args) -> None:
    from tdmi_mmpose.posetrack_format import POSEVAL_JOINTS
    found = _load(args)
    if not found:
        print(f'no results under {args.work_dir}')
        return
    n_frames = next(iter(found.values()))[0]['metrics']
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
            values = np.array(
                [r['metrics'][f'posetrack/{key}Total AP'] for r in results])
            # sample standard deviation; one seed has none
            spread = f' +- {values.std(ddof=1):.1f}' if len(values) > 1 else ''
            cells.append(f'{values.mean():.1f}{spread}')
        minutes = np.mean([r['train_seconds'] for r in results]) / 60
        if any(r.get('resumed_from') for r in results):
            minutes = float('nan')  # resumed: one process's time only
        print(f'| {name} | {len(results)} | {results[0]["iters"]} | ' +
              ' | '.join(cells) + f' | {minutes:.1f} |')

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
    from tdmi_mmpose.analysis.mi_diagnostics import format_diagnostics
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
    if not args.report_only:
        if not osp.isfile(
                osp.join(args.data_root, 'annotations',
                         'posetrack18_val.json')):
            from tdmi_mmpose.datasets import generate_synthetic_posetrack
            generate_synthetic_posetrack(
                args.data_root, splits=dict(train=6, val=12))
        start = time.time()
        for i, seed in enumerate(args.seeds):
            run_seed(args, seed, args.studies and i == 0)
        print(f'\nwall time: {(time.time() - start) / 60:.1f} min')
    report(args)


if __name__ == '__main__':
    main()
