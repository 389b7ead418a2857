# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Training-pipeline throughput on full-HD frames, with and without the
frame cache, against MMPose's single-frame top-down pipeline.

    python tools/analysis_tools/benchmark_pipeline.py [--videos 2] \
        [--frames 16] [--people 3] [--samples 200] [--frames-per-clip 5]

Generates synthetic PoseTrack videos at 1920x1080 (JPEG quality 90) in a
temporary folder, then, in this one process (one worker, no DataLoader),
runs each pipeline over the same training samples in the same shuffled
order and prints samples per second:

- MMPose single frame: ``LoadImage`` + the same augmentation and target
  transforms, on the key frame only (the baseline);
- TDMI clip, T frames, cache off (``LoadClip(cache_size=0)``);
- TDMI clip, T frames, cache on (``LoadClip(cache_size=64)``);
- both again with the flip folded into the warp (``DeferredRandomFlip`` +
  ``FlipFoldingTopdownAffine``, the main recipe's).
"""
import argparse
import os.path as osp
import sys
import tempfile
import time

import numpy as np
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import PoseTrackVideoDataset

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from tdmi_research import generate_synthetic_posetrack  # noqa: E402

INPUT_SIZE = (288, 384)
CODEC = dict(
    type='MSRAHeatmap', input_size=INPUT_SIZE, heatmap_size=(72, 96), sigma=3)
AUGMENT = [
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform'),
    dict(type='TopdownAffine', input_size=INPUT_SIZE),
    dict(type='GenerateTarget', encoder=CODEC),
    dict(type='PackPoseInputs'),
]


def folded(steps: list) -> list:
    """The same transforms with the flip folded into the warp."""
    swap = dict(
        RandomFlip='DeferredRandomFlip',
        TopdownAffine='FlipFoldingTopdownAffine')
    return [dict(t, type=swap.get(t['type'], t['type'])) for t in steps]


def clip_pipeline(frames: int, cache: int, fold: bool = False) -> Compose:
    half = frames // 2
    offsets = tuple(range(-half, frames - half))
    return Compose([
        dict(type='SampleClipFrames', offsets=offsets),
        dict(type='LoadClip', cache_size=cache),
    ] + (folded(AUGMENT) if fold else AUGMENT))


def run(pipeline: Compose, infos, order) -> float:
    start = time.perf_counter()
    for i in order:
        pipeline(dict(infos[i]))
    return len(order) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--videos', type=int, default=2)
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--people', type=int, default=3)
    parser.add_argument('--samples', type=int, default=200)
    parser.add_argument('--frames-per-clip', type=int, default=5)
    args = parser.parse_args()
    init_default_scope('mmpose')
    with tempfile.TemporaryDirectory() as root:
        generate_synthetic_posetrack(
            root,
            splits=dict(train=args.videos),
            num_frames=args.frames,
            image_size=(1920, 1080),
            people=(args.people, args.people))
        dataset = PoseTrackVideoDataset(
            data_root=root, ann_file='annotations/posetrack18_train.json')
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        rng = np.random.RandomState(0)
        order = rng.choice(
            len(infos), args.samples, replace=len(infos) < args.samples)
        single = Compose([dict(type='LoadImage')] + AUGMENT)
        rates = {
            'MMPose single frame (baseline)':
            run(single, infos, order),
            f'TDMI clip T={args.frames_per_clip}, cache off':
            run(clip_pipeline(args.frames_per_clip, 0), infos, order),
            f'TDMI clip T={args.frames_per_clip}, cache on':
            run(clip_pipeline(args.frames_per_clip, 64), infos, order),
            f'TDMI clip T={args.frames_per_clip}, cache off, folded flip':
            run(
                clip_pipeline(args.frames_per_clip, 0, fold=True), infos,
                order),
            f'TDMI clip T={args.frames_per_clip}, cache on, folded flip':
            run(
                clip_pipeline(args.frames_per_clip, 64, fold=True), infos,
                order),
        }
    print(f'{len(infos)} training samples ({args.videos} videos x '
          f'{args.frames} frames x {args.people} people, 1920x1080 JPEG); '
          f'{args.samples} samples, one worker')
    base = rates['MMPose single frame (baseline)']
    for name, rate in rates.items():
        print(f'  {name:34s} {rate:7.1f} samples/s  ({rate / base:.2f}x '
              'baseline)')


if __name__ == '__main__':
    main()
