# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Parameter counts and CPU forward time of the default TDMI model.

    python tools/analysis_tools/model_stats.py [--frames 5] [--repeats 3] \
        [--threads N]

Builds the default model (HRNet-W48 backbone, 384x288 input, T frames, every
module at its default: aligned appearance, 4 stages, MI loss with the
authors' estimator) and MMPose's single-frame HRNet-W48 top-down model
(``TopdownPoseEstimator`` + ``HeatmapHead``, as in MMPose's
td-hm_hrnet-w48 COCO config), without pretrained weights. Prints trainable
and total parameters, then the forward time of one clip (batch 1, eval,
no_grad) in one process for: the whole TDMI model, its backbone alone (T
frames), and the single-frame model (one frame), with ratios.
"""
import argparse
import os.path as osp
import time

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

import tdmi_mmpose  # noqa: F401

# HRNet-W48's stages, as the main recipe states them (one source)
W48 = Config.fromfile(
    osp.join(
        osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
        'configs',
        'tdmi_hrnet_w48_posetrack17.py')).model.backbone.extra.to_dict()
CODEC = dict(
    type='MSRAHeatmap', input_size=(288, 384), heatmap_size=(72, 96), sigma=3)


def tdmi_model(frames: int) -> dict:
    return dict(
        type='VideoTopdownPoseEstimator',
        num_frames=frames,
        data_preprocessor=dict(type='MultiFramePoseDataPreprocessor'),
        backbone=dict(type='MultiStageHRNet', in_channels=3, extra=W48),
        temporal_encoder=dict(type='TemporalDifferenceEncoder'),
        disentangler=dict(type='RepresentationDisentanglementModule'),
        appearance=dict(type='AppearanceEncoder'),
        head=dict(type='TDMIHead', decoder=CODEC),
        test_cfg=dict(flip_test=False))


def single_frame_model() -> dict:
    return dict(
        type='TopdownPoseEstimator',
        data_preprocessor=dict(type='PoseDataPreprocessor'),
        backbone=dict(type='HRNet', in_channels=3, extra=W48),
        head=dict(
            type='HeatmapHead',
            in_channels=48,
            out_channels=17,
            deconv_out_channels=None,
            decoder=CODEC),
        test_cfg=dict(flip_test=False))


def count(module: torch.nn.Module):
    total = sum(p.numel() for p in module.parameters())
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    return trainable, total


def best_time(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--frames', type=int, default=5)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('mmpose')
    tdmi = MODELS.build(tdmi_model(args.frames)).eval()
    single = MODELS.build(single_frame_model()).eval()

    trainable, total = count(tdmi)
    backbone = count(tdmi.backbone)[1]
    print(f'TDMI (HRNet-W48, 384x288, T={args.frames}): trainable '
          f'{trainable:,} ({trainable / 1e6:.2f} M), total '
          f'{total / 1e6:.2f} M (frozen backbone {backbone / 1e6:.2f} M, '
          f'frozen projector '
          f'{count(tdmi.head.y_projector)[1]} parameters)')
    for name in ('temporal_encoder', 'disentangler', 'appearance', 'head'):
        print(f'  {name:17s} {count(getattr(tdmi, name))[0]:>9,} trainable')
    print(f'single-frame HRNet-W48 top-down: {count(single)[1] / 1e6:.2f} M')

    clip = torch.randn(1, args.frames, 3, 384, 288)
    with torch.no_grad():
        t_model = best_time(lambda: tdmi(clip, None, mode='tensor'),
                            args.repeats)
        t_backbone = best_time(lambda: tdmi.backbone(clip.flatten(0, 1)),
                               args.repeats)
        t_single = best_time(lambda: single(clip[:, 0], None, mode='tensor'),
                             args.repeats)
    print(f'forward of one clip on CPU ({torch.get_num_threads()} threads, '
          f'best of {args.repeats}):')
    print(f'  TDMI whole model:            {t_model:6.2f} s  '
          f'({t_model / t_single:.2f}x single frame)')
    print(f'  TDMI backbone ({args.frames} frames):     {t_backbone:6.2f} s  '
          f'({t_backbone / t_single:.2f}x single frame, '
          f'{t_backbone / t_model:.0%} of the model)')
    print(f'  single-frame HRNet-W48:      {t_single:6.2f} s  (1.00x)')


if __name__ == '__main__':
    main()
