# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The main job on the embedded default data (``python3 run.py demo``): the
paper's two-stage protocol at toy size.

1. self-check of the installation (versions, registered modules, mmcv ops,
   checkpoint loading);
2. generates the synthetic PoseTrack video set with irrelevant motion on
   (``data/synthetic_posetrack``: moving background objects, camera shake,
   passers-by; kept for later runs);
3. stage 1: trains the single-frame model (MMPose's TopdownPoseEstimator,
   ``configs/smoke/single_frame_demo_synthetic.py``) on CPU and evaluates
   it on the synthetic validation split (detected boxes);
4. stage 2: builds the small TDMI of ``configs/smoke/tdmi_demo_synthetic.py``
   (the recipes' method: the authors' nine MI terms, the noisy-motion MLP,
   the frozen BatchNorm with batch statistics) on stage 1's backbone,
   frozen, with the MI projector loaded from stage 1's final layer, and the
   same model without MI losses (``configs/ablations/without_mi_losses.py``);
   evaluates both untrained;
5. trains the recipe's TDMI parts (progress every 50 iterations), and
   evaluates;
6. trains the TDMI parts without MI losses (same seed), and evaluates;
7. renders the single-frame model and the recipe's TDMI on the same
   motion-blurred, occluded and nuisance-motion validation key frames,
   drawn by MMPose's visualiser, one row per model, to one PNG;
8. runs the video tool on one synthetic validation video with the recipe's
   TDMI (boxes from the synthetic detection file): a rendered video with
   track ids, its PoseTrack JSON, and that video's mAP and MOTA.

Then prints Total AP of the three models side by side on all key frames and
on the motion-blurred, occluded, clean and nuisance-motion ones, and the
time it took. Exits 1 if a TDMI model did not learn (less than
``--min-gain`` over its untrained AP), not if a model loses to another
(that is reported).

    python tools/demos/synthetic_demo.py [--iters N] [--seed 0] \
        [--work-dir work_dirs/demo]
"""
import argparse
import os
import os.path as osp
import sys
import time

import cv2
import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SMOKE = osp.join(ROOT, 'configs', 'smoke')
STAGE1 = osp.join(SMOKE, 'single_frame_demo_synthetic.py')
STAGE2 = osp.join(SMOKE, 'tdmi_demo_synthetic.py')
WITHOUT_MI = osp.join(ROOT, 'configs', 'ablations', 'without_mi_losses.py')
RECIPE = "TDMI (recipe: authors' MI)"
NO_MI = 'TDMI, no MI'
SUBSETS = (('all', ''), ('blurred', 'blurred/'), ('occluded', 'occluded/'),
           ('clean', 'clean/'), ('nuisance', 'nuisance/'))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--iters',
        type=int,
        default=None,
        help='training iterations of each stage (default: the configs)')
    parser.add_argument(
        '--work-dir',
        default=osp.join(ROOT, 'work_dirs', 'demo'),
        help='checkpoints, pictures and videos (default: work_dirs/demo)')
    parser.add_argument(
        '--data-root',
        default=osp.join(ROOT, 'data', 'synthetic_posetrack'),
        help='the synthetic set, generated if missing (default: '
        'data/synthetic_posetrack)')
    parser.add_argument(
        '--min-gain',
        type=float,
        default=1.0,
        help='exit 1 unless training raised the mAP of each TDMI model by '
        'this over its untrained start (default: 1; a model that did not '
        'learn stays at its untrained mAP, about 1-2 here)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='random seed of both stages (default: 0)')
    return parser.parse_args()


def pick_key_frames(data_root: str, count: int = 4) -> list:
    """Validation key frames where one frame is not enough, the first of
    each kind in turn (blurred, occluded, a passer-by, a moving object)
    until ``count``: each as (kind, clip frame paths t-1, t, t+1, detected
    boxes (N, 5) xywh + score >= 0.2)."""
    import json
    root = osp.join(data_root, 'annotations')
    with open(osp.join(root, 'posetrack18_val.json')) as f:
        data = json.load(f)
    with open(
            osp.join(data_root, 'detections',
                     'posetrack18_val_detections.json')) as f:
        dets = json.load(f)
    videos = {}
    for im in data['images']:
        videos.setdefault(osp.dirname(im['file_name']), []).append(im)
    by_kind = {}
    for images in videos.values():
        for k in range(1, len(images) - 1):
            im = images[k]
            kind = im.get('degraded') or im.get('nuisance')
            if kind and im['is_labeled']:
                by_kind.setdefault(kind, []).append((images, k))
    picked = []
    for i in range(count):
        for kind in ('blur', 'occluder', 'passer_by', 'object'):
            if len(picked) < count and len(by_kind.get(kind, [])) > i:
                picked.append((kind, *by_kind[kind][i]))
    frames = []
    for kind, images, k in picked:
        boxes = np.array([
            d['bbox'] + [d['score']] for d in dets
            if d['image_id'] == images[k]['id'] and d['score'] >= 0.2
        ],
                         dtype=np.float32).reshape(-1, 5)
        if len(boxes):
            clip = [
                osp.join(data_root, images[j]['file_name'])
                for j in (k - 1, k, k + 1)
            ]
            frames.append((kind, clip, boxes))
    return frames


def render(model, frames: list) -> np.ndarray:
    """One model's predictions on ``frames`` (of ``pick_key_frames``),
    drawn with MMPose's PoseLocalVisualizer, side by side (BGR). A video
    model reads each clip, a single-frame model its key frame."""
    from mmpose.apis import inference_topdown
    from mmpose.registry import VISUALIZERS
    from mmpose.structures import merge_data_samples

    from tdmi_mmpose.apis import inference_clip
    visualizer = VISUALIZERS.build(
        dict(
            type='PoseLocalVisualizer',
            name=f'demo_visualizer_{id(model)}',
            radius=2,
            line_width=1))
    visualizer.set_dataset_meta(model.dataset_meta)
    video = hasattr(model, 'num_frames')
    tiles = []
    for kind, clip, boxes in frames:
        if video:
            samples = inference_clip(model, clip, boxes, bbox_format='xywh')
        else:
            samples = inference_topdown(
                model, clip[1], boxes[:, :4], bbox_format='xywh')
        image = cv2.imread(clip[1])[..., ::-1]
        # every keypoint is drawn: the scores of a briefly trained model
        # rank rather than threshold (with the MI terms, peaks are low)
        visualizer.add_datasample(
            'demo',
            image,
            data_sample=merge_data_samples(samples),
            draw_gt=False,
            draw_bbox=True,
            show=False,
            kpt_thr=0.0)
        tile = visualizer.get_image()[..., ::-1].copy()
        cv2.putText(tile, kind, (4, tile.shape[0] - 6),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1,
                    cv2.LINE_AA)
        tiles.append(tile)
    return np.concatenate(tiles, axis=1)


def labelled(strip: np.ndarray, label: str) -> np.ndarray:
    """``strip`` under a white band naming the model."""
    band = np.full((18, strip.shape[1], 3), 255, np.uint8)
    cv2.putText(band, label, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0),
                1, cv2.LINE_AA)
    return np.concatenate([band, strip], axis=0)


def track_one_video(model, data_root: str, out_dir: str) -> dict:
    """The video tool's API on the first validation sequence: rendered
    video (every keypoint drawn), PoseTrack JSON, and that video's AP and
    MOTA by our metric (poseval's), and HOTA (PoseTrack21's kit) where the
    ground truth is in PoseTrack21's form, as the synthetic set's is."""
    from tdmi_mmpose.apis.video import load_box_file, run_video, score_sequence
    gt_dir = osp.join(data_root, 'annotations', 'val')
    sequence = sorted(f for f in os.listdir(gt_dir) if f.endswith('.json'))[0]
    boxes = load_box_file(
        osp.join(data_root, 'detections', 'posetrack18_val_detections.json'))
    out = run_video(
        model,
        osp.join(gt_dir, sequence),
        boxes,
        out_dir,
        bbox_thr=0.2,
        kpt_thr=0.0)
    scores = score_sequence(osp.join(gt_dir, sequence), out['json'])
    return dict(out, fps=out['frames'] / max(out['seconds'], 1e-9), **scores)


def side_by_side(results: dict) -> str:
    """Total AP of every model on every subset of key frames, and each
    TDMI's difference to the single-frame model."""
    names = list(results)
    single = results[names[0]]
    lines = [
        '| key frames | n | ' + ' | '.join(names) + ' | ' +
        ' | '.join(f'{n} - single' for n in names[1:]) + ' |',
        '|---|---|' + '---|' * (2 * len(names) - 1)
    ]
    for label, key in SUBSETS:
        n = int(single[f'posetrack/{key}num_frames'])
        ap = [results[name][f'posetrack/{key}Total AP'] for name in names]
        lines.append(f'| {label} | {n} | ' + ' | '.join(f'{a:.1f}'
                                                        for a in ap) + ' | ' +
                     ' | '.join(f'{a - ap[0]:+.1f}' for a in ap[1:]) + ' |')
    return '\n'.join(lines)


def set_threads() -> int:
    """Threads for torch: the cores not busy with other processes (load
    average over the last minute), at least 1. A tiny model with one
    thread per core stalls when another process takes a core (the threads
    wait on a descheduled one): README, "Threads"."""
    import torch
    if os.environ.get('OMP_NUM_THREADS'):
        return torch.get_num_threads()
    cores = len(os.sched_getaffinity(0))
    busy = int(os.getloadavg()[0] + 0.5)
    threads = max(1, cores - busy)
    torch.set_num_threads(threads)
    return threads


def main() -> int:
    args = parse_args()
    start = time.time()
    from tdmi_mmpose.__main__ import main as self_check
    print('== 1/8 self-check', flush=True)
    self_check([])
    threads = set_threads()
    print(
        f'torch threads: {threads} (set OMP_NUM_THREADS to choose)',
        flush=True)

    from tdmi_mmpose.datasets import NUISANCE, ensure_synthetic_set
    print(
        f'== 2/8 synthetic PoseTrack set with irrelevant motion in '
        f'{args.data_root}',
        flush=True)
    try:
        ensure_synthetic_set(args.data_root, **NUISANCE)
    except ValueError as e:
        print(f'error: {e}', file=sys.stderr)
        return 2

    from tdmi_mmpose.analysis import synthetic_config
    cfg1 = synthetic_config(STAGE1, args.data_root,
                            osp.join(args.work_dir, 'single_frame'),
                            args.iters)
    # the recipe's TDMI (its checkpoint at the top of the work dir) and the
    # same model without MI losses, same seed
    cfg = synthetic_config(STAGE2, args.data_root, args.work_dir, args.iters)
    cfg_no_mi = synthetic_config(
        STAGE2,
        args.data_root,
        osp.join(args.work_dir, 'without_mi'),
        args.iters,
        ablation=WITHOUT_MI)
    for c in (cfg1, cfg, cfg_no_mi):
        c.randomness = dict(seed=args.seed)
    print(
        f'== 3/8 stage 1: training the single-frame model for '
        f'{cfg1.train_cfg.max_iters} iterations (progress every 50)',
        flush=True)
    from mmengine.runner import Runner

    from tdmi_mmpose.analysis import evaluate_runner
    stage1_runner = Runner.from_cfg(cfg1)
    stage1_runner.train()
    single = evaluate_runner(stage1_runner)
    stage1 = osp.join(cfg1.work_dir, f'iter_{cfg1.train_cfg.max_iters}.pth')
    for c in (cfg, cfg_no_mi):
        c.model.single_frame_checkpoint = stage1
    print(
        '== 4/8 stage 2: TDMI on the frozen stage-1 backbone, MI projector '
        'from its final layer; evaluating it untrained',
        flush=True)
    runners, before = {}, {}
    for key, c in ((RECIPE, cfg), (NO_MI, cfg_no_mi)):
        runners[key] = Runner.from_cfg(c)
        runners[key].model.init_weights()
        before[key] = evaluate_runner(runners[key])['posetrack/Total AP']
    trained = {}
    for step, key, what in ((5, RECIPE, "as the recipes: the authors' nine "
                             'MI terms (KLSoftmaxMI, group weights 1)'),
                            (6, NO_MI, 'without MI losses')):
        print(
            f'== {step}/8 training the TDMI parts {what} for '
            f'{cfg.train_cfg.max_iters} iterations (progress every 50)',
            flush=True)
        runners[key].train()
        trained[key] = evaluate_runner(runners[key])
    names = {'single-frame': single, **trained}

    print(
        '== 7/8 rendering single-frame and the recipe\'s TDMI on the same '
        'key frames',
        flush=True)
    strip = osp.join(args.work_dir, 'predictions.png')
    frames = pick_key_frames(args.data_root)
    rows = []
    for label, runner in (('single-frame (stage 1)', stage1_runner),
                          (RECIPE, runners[RECIPE])):
        runner.model.eval()
        # what mmpose.apis.init_model attaches: the dataset's keypoint
        # metainfo and the config (the inference helpers take its test
        # pipeline)
        runner.model.dataset_meta = runner.val_loop.dataloader.dataset.metainfo
        runner.model.cfg = runner.cfg
        rows.append(labelled(render(runner.model, frames), label))
    cv2.imwrite(strip, np.concatenate(rows, axis=0))

    print(
        '== 8/8 the video tool on one validation video with the recipe\'s '
        'TDMI',
        flush=True)
    video = track_one_video(runners[RECIPE].model, args.data_root,
                            osp.join(args.work_dir, 'video'))
    print('\n== summary')
    print('PoseTrack mAP (Total AP) on the synthetic validation split, '
          'detected boxes:')
    print(side_by_side(names))
    ap = {key: result['posetrack/Total AP'] for key, result in trained.items()}
    print('TDMI untrained -> trained: ' +
          ', '.join(f'{key} {before[key]:.1f} -> {ap[key]:.1f}'
                    for key in trained))
    for key in trained:
        if ap[key] < single['posetrack/Total AP']:
            print(f'{key} is below the single-frame model here; '
                  'docs/evidence.md says what the seeds show')
    checkpoint = osp.join(args.work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')
    print(f'checkpoints: {stage1} (stage 1), {checkpoint} ({RECIPE}), '
          f'{osp.join(cfg_no_mi.work_dir, osp.basename(checkpoint))} '
          f'({NO_MI})')
    print(f'predictions (single-frame above the recipe\'s TDMI, the same '
          f'key frames: {", ".join(k for k, _, _ in frames)}): {strip}')
    print(f'video tool, {RECIPE}, on {video["name"]}: '
          f'{video["fps"]:.1f} frames/s, mAP {video["ap"]:.1f}, MOTA '
          f'{video["mota"]:.1f}' +
          ('' if video['hota'] is
           None else f', HOTA {video["hota"]:.1f} (PoseTrack21\'s kit)') +
          f'; {video["video"]}, {video["json"]}')
    print(f'time: {(time.time() - start) / 60:.1f} min with {threads} '
          f'torch thread(s)')
    # the gate: each TDMI model learned (whatever it does against the
    # others is reported, not gated)
    failed = [key for key in trained if ap[key] - before[key] < args.min_gain]
    for key in failed:
        print(f'the model did not learn enough: {key} gained '
              f'{ap[key] - before[key]:+.1f} mAP, expected at least '
              f'+{args.min_gain}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
