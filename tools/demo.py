# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The main job on the embedded default data (``python3 run.py demo``).

1. self-check of the installation (versions, registered modules, mmcv ops,
   checkpoint loading);
2. generates the synthetic PoseTrack video set (``data/synthetic_posetrack``,
   kept for later runs);
3. evaluates the untrained model of ``configs/smoke/tdmi_demo_synthetic.py``
   on the synthetic validation split with PoseTrackMetric;
4. trains it on CPU through MMEngine's Runner (progress every 50
   iterations), evaluates again and saves the checkpoint;
5. renders key frames of a validation video with the trained model's
   predictions, drawn by MMPose's visualiser, to one PNG strip;
6. runs the video tool on one synthetic validation video with the trained
   model (boxes from the synthetic detection file): a rendered video with
   track ids, its PoseTrack JSON, and that video's mAP and MOTA.

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
CONFIG = osp.join(ROOT, 'configs', 'smoke', 'tdmi_demo_synthetic.py')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--iters',
        type=int,
        default=None,
        help='training iterations (default: the config)')
    parser.add_argument(
        '--work-dir', default=osp.join(ROOT, 'work_dirs', 'demo'))
    parser.add_argument(
        '--data-root', default=osp.join(ROOT, 'data', 'synthetic_posetrack'))
    parser.add_argument(
        '--min-gain',
        type=float,
        default=10.0,
        help='exit 1 unless training raised the mAP by this')
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


def main() -> int:
    args = parse_args()
    start = time.time()
    from tdmi_mmpose.__main__ import main as self_check
    print('== 1/6 self-check', flush=True)
    self_check([])

    from tdmi_mmpose.datasets import generate_synthetic_posetrack
    print(f'== 2/6 synthetic PoseTrack set in {args.data_root}', flush=True)
    if not osp.isfile(
            osp.join(args.data_root, 'annotations', 'posetrack18_val.json')):
        generate_synthetic_posetrack(args.data_root)

    from mmengine.runner import Runner

    from tdmi_mmpose.apis import evaluate_runner, synthetic_config
    cfg = synthetic_config(CONFIG, args.data_root, args.work_dir, args.iters)
    runner = Runner.from_cfg(cfg)
    print('== 3/6 evaluating the untrained model', flush=True)
    runner.model.init_weights()
    before = evaluate_runner(runner)['posetrack/Total AP']
    print(
        f'== 4/6 training for {cfg.train_cfg.max_iters} iterations on CPU'
        ' (progress every 50)',
        flush=True)
    runner.train()
    after = evaluate_runner(runner)['posetrack/Total AP']

    print('== 5/6 rendering predictions', flush=True)
    strip = osp.join(args.work_dir, 'predictions.png')
    runner.model.eval()
    # what mmpose.apis.init_model attaches: the dataset's keypoint metainfo
    # and the config (inference_clip takes its test pipeline)
    runner.model.dataset_meta = runner.val_loop.dataloader.dataset.metainfo
    runner.model.cfg = cfg
    render(runner.model, args.data_root, strip)
    checkpoint = osp.join(args.work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')

    print('== 6/6 the video tool on one validation video', flush=True)
    video = track_one_video(runner.model, args.data_root,
                            osp.join(args.work_dir, 'video'))
    print('\n== summary')
    print(f'PoseTrack mAP (Total AP) on the synthetic validation split: '
          f'untrained {before:.1f} -> trained {after:.1f}')
    print(f'checkpoint: {checkpoint}')
    print(f'predictions: {strip}')
    print(f'video tool on {video["name"]}: {video["fps"]:.1f} frames/s, '
          f'mAP {video["ap"]:.1f}, MOTA {video["mota"]:.1f}; '
          f'{video["video"]}, {video["json"]}')
    print(f'time: {(time.time() - start) / 60:.1f} min')
    if after - before < args.min_gain:
        print(f'the model did not learn enough: +{after - before:.1f} mAP, '
              f'expected at least +{args.min_gain}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
