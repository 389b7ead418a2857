# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The main job on the embedded default data (``python3 run.py demo``): the
paper's two-stage protocol at toy size.

1. self-check of the installation (versions, registered modules, mmcv ops,
   checkpoint loading);
2. generates the synthetic PoseTrack video set (``data/synthetic_posetrack``,
   kept for later runs);
3. stage 1: trains the single-frame model (MMPose's TopdownPoseEstimator,
   ``configs/smoke/single_frame_demo_synthetic.py``) on CPU and evaluates
   it on the synthetic validation split (detected boxes);
4. stage 2: builds the small TDMI of ``configs/smoke/tdmi_demo_synthetic.py``
   on stage 1's backbone, frozen, with the MI projector loaded from stage
   1's final layer, and evaluates it untrained;
5. trains the TDMI parts only, with the keypoint loss alone as the
   recipes do (progress every 50 iterations), and evaluates;
6. trains the same TDMI parts (same seed) with the authors' nine MI terms
   (``configs/ablations/with_authors_mi_losses.py``), and evaluates;
7. renders key frames of a validation video with each model's predictions,
   drawn by MMPose's visualiser, one row per model, to one PNG;
8. runs the video tool on one synthetic validation video with each trained
   TDMI (boxes from the synthetic detection file): rendered videos with
   track ids, their PoseTrack JSON, and that video's mAP and MOTA.

Then prints Total AP of the three models side by side on all key frames and
on the motion-blurred, occluded and clean ones, and the time it took. Exits
1 if the recipes' TDMI (no MI) did not learn (``--min-gain`` over its
untrained AP), not if a model loses to the single-frame model (that is
reported, as is whatever the authors' MI terms do).

    python tools/demos/synthetic_demo.py [--iters N] \
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
AUTHORS_MI = osp.join(ROOT, 'configs', 'ablations',
                      'with_authors_mi_losses.py')
AUTHORS = "authors' MI"  # the run with AUTHORS_MI's delta
SUBSETS = (('all', ''), ('blurred', 'blurred/'), ('occluded', 'occluded/'),
           ('clean', 'clean/'))


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
        default=10.0,
        help='exit 1 unless training raised the mAP of the TDMI without MI '
        'by this (default: 10)')
    return parser.parse_args()


def render(model, data_root: str, frames: int = 4) -> np.ndarray:
    """Predictions on key frames of the first validation video, drawn with
    MMPose's PoseLocalVisualizer, side by side (BGR)."""
    import json

    from mmpose.registry import VISUALIZERS
    from mmpose.structures import merge_data_samples

    from tdmi_mmpose.apis import inference_clip
    data = json.load(
        open(osp.join(data_root, 'annotations', 'posetrack18_val.json')))
    dets = json.load(
        open(
            osp.join(data_root, 'detections',
                     'posetrack18_val_detections.json')))
    video = osp.dirname(data['images'][0]['file_name'])
    images = [
        im for im in data['images'] if osp.dirname(im['file_name']) == video
    ]
    visualizer = VISUALIZERS.build(
        dict(
            type='PoseLocalVisualizer',
            name=f'demo_visualizer_{id(model)}',
            radius=2,
            line_width=1))
    visualizer.set_dataset_meta(model.dataset_meta)
    half = model.num_frames // 2
    tiles = []
    for k in np.linspace(half, len(images) - 1 - half, frames).astype(int):
        clip = [
            osp.join(data_root, images[k + o]['file_name'])
            for o in range(-half, model.num_frames - half)
        ]
        boxes = np.array([
            d['bbox'] + [d['score']] for d in dets
            if d['image_id'] == images[k]['id'] and d['score'] >= 0.2
        ],
                         dtype=np.float32)
        if not len(boxes):
            continue
        results = merge_data_samples(
            inference_clip(model, clip, boxes, bbox_format='xywh'))
        image = cv2.imread(clip[half])[..., ::-1]
        # every keypoint is drawn: the scores of a briefly trained model
        # rank rather than threshold (with the MI terms, peaks are low)
        visualizer.add_datasample(
            'demo',
            image,
            data_sample=results,
            draw_gt=False,
            draw_bbox=True,
            show=False,
            kpt_thr=0.0)
        tiles.append(visualizer.get_image())
    return np.concatenate(tiles, axis=1)[..., ::-1]


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

    from tdmi_mmpose.datasets import generate_synthetic_posetrack
    print(f'== 2/8 synthetic PoseTrack set in {args.data_root}', flush=True)
    if not osp.isfile(
            osp.join(args.data_root, 'annotations', 'posetrack18_val.json')):
        generate_synthetic_posetrack(args.data_root)

    from tdmi_mmpose.analysis import synthetic_config
    cfg1 = synthetic_config(STAGE1, args.data_root,
                            osp.join(args.work_dir, 'single_frame'),
                            args.iters)
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

    # the same TDMI twice, same seed: as the recipes train it (keypoint
    # loss alone; its checkpoint at the top of the work dir), and with the
    # authors' MI terms
    cfg = synthetic_config(STAGE2, args.data_root, args.work_dir, args.iters)
    cfg_mi = synthetic_config(
        STAGE2,
        args.data_root,
        osp.join(args.work_dir, 'authors_mi'),
        args.iters,
        ablation=AUTHORS_MI)
    for c in (cfg, cfg_mi):
        c.model.single_frame_checkpoint = stage1
    print(
        '== 4/8 stage 2: TDMI on the frozen stage-1 backbone, MI projector '
        'from its final layer; evaluating it untrained',
        flush=True)
    runners = {}
    for key, c in (('no MI', cfg), (AUTHORS, cfg_mi)):
        runners[key] = Runner.from_cfg(c)
        runners[key].model.init_weights()
    before = evaluate_runner(runners['no MI'])['posetrack/Total AP']
    trained = {}
    for step, key, what in ((5, 'no MI', 'without MI losses (the recipes)'),
                            (6, AUTHORS, "with the authors' MI terms "
                             '(KLSoftmaxMI, group weights 1)')):
        print(
            f'== {step}/8 training the TDMI parts {what} for '
            f'{cfg.train_cfg.max_iters} iterations (progress every 50)',
            flush=True)
        runners[key].train()
        trained[key] = evaluate_runner(runners[key])
    names = {
        'single-frame': single,
        'TDMI, no MI (recipe)': trained['no MI'],
        "TDMI, authors' MI": trained[AUTHORS]
    }

    print('== 7/8 rendering predictions', flush=True)
    strip = osp.join(args.work_dir, 'predictions.png')
    rows = []
    for label, key in (('TDMI, no MI (the recipes)', 'no MI'),
                       ("TDMI, authors' MI terms", AUTHORS)):
        runner = runners[key]
        runner.model.eval()
        # what mmpose.apis.init_model attaches: the dataset's keypoint
        # metainfo and the config (inference_clip takes its test pipeline)
        runner.model.dataset_meta = runner.val_loop.dataloader.dataset.metainfo
        runner.model.cfg = runner.cfg
        rows.append(labelled(render(runner.model, args.data_root), label))
    image = np.concatenate(rows, axis=0)
    cv2.imwrite(
        strip,
        cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST))

    print('== 8/8 the video tool on one validation video', flush=True)
    videos = {
        key:
        track_one_video(runners[key].model, args.data_root,
                        osp.join(args.work_dir, 'video', slug))
        for key, slug in (('no MI', 'no_mi'), (AUTHORS, 'authors_mi'))
    }
    print('\n== summary')
    print('PoseTrack mAP (Total AP) on the synthetic validation split, '
          'detected boxes:')
    print(side_by_side(names))
    ap = {key: result['posetrack/Total AP'] for key, result in trained.items()}
    print(f'TDMI untrained {before:.1f} -> trained without MI '
          f'{ap["no MI"]:.1f}, with the authors\' MI terms '
          f'{ap[AUTHORS]:.1f}')
    for key in trained:
        if ap[key] < single['posetrack/Total AP']:
            print(f'TDMI ({key}) is below the single-frame model here; '
                  'docs/evidence.md says why')
    checkpoint = osp.join(args.work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')
    print(f'checkpoints: {stage1} (stage 1), {checkpoint} (TDMI, no MI), '
          f'{osp.join(cfg_mi.work_dir, osp.basename(checkpoint))} (TDMI, '
          'authors\' MI)')
    print(f'predictions (one row per TDMI model): {strip}')
    for key, video in videos.items():
        print(f'video tool, TDMI {key}, on {video["name"]}: '
              f'{video["fps"]:.1f} frames/s, mAP {video["ap"]:.1f}, MOTA '
              f'{video["mota"]:.1f}' +
              ('' if video['hota'] is
               None else f', HOTA {video["hota"]:.1f} (PoseTrack21\'s kit)') +
              f'; {video["video"]}, {video["json"]}')
    print(f'time: {(time.time() - start) / 60:.1f} min with {threads} '
          f'torch thread(s)')
    # the gate is on the model the recipes train; the authors' MI terms
    # are reported, whatever they do
    gain = ap['no MI'] - before
    if gain < args.min_gain:
        print(f'the model did not learn enough: TDMI (no MI) gained '
              f'{gain:+.1f} mAP, expected at least +{args.min_gain}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
