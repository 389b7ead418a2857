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
5. trains the TDMI parts only (progress every 50 iterations) and evaluates;
6. renders key frames of a validation video with TDMI's predictions, drawn
   by MMPose's visualiser, to one PNG strip;
7. runs the video tool on one synthetic validation video with the trained
   TDMI (boxes from the synthetic detection file): a rendered video with
   track ids, its PoseTrack JSON, and that video's mAP and MOTA.

Then prints Total AP of both models side by side on all key frames and on
the motion-blurred, occluded and clean ones. Exits 1 if TDMI did not learn
(``--min-gain`` over its untrained AP), not if it loses to the single-frame
model (that is reported).

    python tools/demo.py [--iters N] [--work-dir work_dirs/demo]
"""
import argparse
import os
import os.path as osp
import sys
import time

import cv2
import numpy as np

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SMOKE = osp.join(ROOT, 'configs', 'smoke')
STAGE1 = osp.join(SMOKE, 'single_frame_demo_synthetic.py')
STAGE2 = osp.join(SMOKE, 'tdmi_demo_synthetic.py')
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
        '--work-dir', default=osp.join(ROOT, 'work_dirs', 'demo'))
    parser.add_argument(
        '--data-root', default=osp.join(ROOT, 'data', 'synthetic_posetrack'))
    parser.add_argument(
        '--min-gain',
        type=float,
        default=10.0,
        help='exit 1 unless training raised TDMI\'s mAP by this')
    return parser.parse_args()


def render(model, data_root: str, out_file: str, frames: int = 4) -> None:
    """Predictions on key frames of the first validation video, drawn with
    MMPose's PoseLocalVisualizer, side by side."""
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
            name='demo_visualizer',
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
        # every keypoint is drawn: a briefly trained model's heatmap peaks
        # are low, and its scores rank rather than threshold
        visualizer.add_datasample(
            'demo',
            image,
            data_sample=results,
            draw_gt=False,
            draw_bbox=True,
            show=False,
            kpt_thr=0.0)
        tiles.append(visualizer.get_image())
    strip = np.concatenate(tiles, axis=1)[..., ::-1]
    cv2.imwrite(
        out_file,
        cv2.resize(strip, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST))


def track_one_video(model, data_root: str, out_dir: str) -> dict:
    """The video tool's API on the first validation sequence: rendered
    video, PoseTrack JSON, and that video's AP and MOTA by our metric."""
    import shutil
    import tempfile

    from tdmi_mmpose.apis.video import load_box_file, run_video
    from tdmi_mmpose.evaluation.functional import evaluate_posetrack_folders
    gt_dir = osp.join(data_root, 'annotations', 'val')
    sequence = sorted(f for f in os.listdir(gt_dir) if f.endswith('.json'))[0]
    boxes = load_box_file(
        osp.join(data_root, 'detections', 'posetrack18_val_detections.json'))
    out = run_video(
        model, osp.join(gt_dir, sequence), boxes, out_dir, bbox_thr=0.2)
    with tempfile.TemporaryDirectory() as tmp:
        for side in ('gt', 'pred'):
            os.makedirs(osp.join(tmp, side))
        shutil.copy(osp.join(gt_dir, sequence), osp.join(tmp, 'gt', sequence))
        shutil.copy(out['json'], osp.join(tmp, 'pred', sequence))
        result = evaluate_posetrack_folders(
            osp.join(tmp, 'gt'), osp.join(tmp, 'pred'), track=True)
    return dict(
        out,
        fps=out['frames'] / max(out['seconds'], 1e-9),
        ap=result['ap_groups']['Total'],
        mota=result['mota_groups']['Total'])


def side_by_side(single: dict, tdmi: dict) -> str:
    """Total AP of both models on every subset of key frames."""
    lines = [
        '| key frames | n | single-frame | TDMI | TDMI - single |',
        '|---|---|---|---|---|'
    ]
    for label, key in SUBSETS:
        n = int(tdmi[f'posetrack/{key}num_frames'])
        a = single[f'posetrack/{key}Total AP']
        b = tdmi[f'posetrack/{key}Total AP']
        lines.append(f'| {label} | {n} | {a:.1f} | {b:.1f} | {b - a:+.1f} |')
    return '\n'.join(lines)


def main() -> int:
    args = parse_args()
    start = time.time()
    from tdmi_mmpose.__main__ import main as self_check
    print('== 1/7 self-check', flush=True)
    self_check([])

    from tdmi_mmpose.datasets import generate_synthetic_posetrack
    print(f'== 2/7 synthetic PoseTrack set in {args.data_root}', flush=True)
    if not osp.isfile(
            osp.join(args.data_root, 'annotations', 'posetrack18_val.json')):
        generate_synthetic_posetrack(args.data_root)

    from tdmi_mmpose.apis import synthetic_config
    cfg1 = synthetic_config(STAGE1, args.data_root,
                            osp.join(args.work_dir, 'single_frame'),
                            args.iters)
    print(
        f'== 3/7 stage 1: training the single-frame model for '
        f'{cfg1.train_cfg.max_iters} iterations (progress every 50)',
        flush=True)
    from mmengine.runner import Runner

    from tdmi_mmpose.apis import evaluate_runner
    stage1_runner = Runner.from_cfg(cfg1)
    stage1_runner.train()
    single = evaluate_runner(stage1_runner)
    stage1 = osp.join(cfg1.work_dir, f'iter_{cfg1.train_cfg.max_iters}.pth')

    cfg = synthetic_config(STAGE2, args.data_root, args.work_dir, args.iters)
    cfg.model.single_frame_checkpoint = stage1
    print(
        '== 4/7 stage 2: TDMI on the frozen stage-1 backbone, MI projector '
        'from its final layer; evaluating it untrained',
        flush=True)
    runner = Runner.from_cfg(cfg)
    runner.model.init_weights()
    before = evaluate_runner(runner)['posetrack/Total AP']
    print(
        f'== 5/7 training the TDMI parts for {cfg.train_cfg.max_iters} '
        'iterations (progress every 50)',
        flush=True)
    runner.train()
    tdmi = evaluate_runner(runner)

    print('== 6/7 rendering predictions', flush=True)
    strip = osp.join(args.work_dir, 'predictions.png')
    runner.model.eval()
    # what mmpose.apis.init_model attaches: the dataset's keypoint metainfo
    # and the config (inference_clip takes its test pipeline)
    runner.model.dataset_meta = runner.val_loop.dataloader.dataset.metainfo
    runner.model.cfg = cfg
    render(runner.model, args.data_root, strip)
    checkpoint = osp.join(args.work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')

    print('== 7/7 the video tool on one validation video', flush=True)
    video = track_one_video(runner.model, args.data_root,
                            osp.join(args.work_dir, 'video'))
    after = tdmi['posetrack/Total AP']
    print('\n== summary')
    print('PoseTrack mAP (Total AP) on the synthetic validation split, '
          'detected boxes:')
    print(side_by_side(single, tdmi))
    print(f'TDMI untrained {before:.1f} -> trained {after:.1f}')
    if after < single['posetrack/Total AP']:
        print('TDMI, trained with the lineage MI terms, is below the '
              'single-frame model here; README "Results" shows why (the two '
              'MI terms on the heatmaps pull against the keypoint loss) and '
              'the same model without MI losses over seeds')
    print(f'checkpoints: {stage1} (stage 1), {checkpoint} (TDMI)')
    print(f'predictions: {strip}')
    print(f'video tool on {video["name"]}: {video["fps"]:.1f} frames/s, '
          f'mAP {video["ap"]:.1f}, MOTA {video["mota"]:.1f}; '
          f'{video["video"]}, {video["json"]}')
    print(f'time: {(time.time() - start) / 60:.1f} min')
    if after - before < args.min_gain:
        print(f'the model did not learn enough: {after - before:+.1f} mAP, '
              f'expected at least +{args.min_gain}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
