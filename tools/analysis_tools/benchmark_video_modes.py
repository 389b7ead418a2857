# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The video tool's fast modes (``--fast window``: crop windows that stay
put, ``tdmi_mmpose/apis/video/window_mode.py``; ``--fast resample``: support
features resampled between crops, ``tdmi_mmpose/apis/video/resample_mode.py``)
against its exact mode: speed and PoseTrack AP, with the same model and the
same boxes, in one process.

    python tools/analysis_tools/benchmark_video_modes.py CONFIG [CHECKPOINT] \
        --sequences data/synthetic_posetrack_benchmark/annotations/val \
        (--bboxes DETECTIONS.json | --gt-bboxes) [--bbox-thr T] \
        [--videos N] [--max-frames N] [--out DIR] \
        [--modes window resample] [--margin 0.03] [--scale-tol 0.1] \
        [--min-iou 0.5] [--interpolation bilinear] [--padding border]

Every sequence's frames are decoded into memory first and the boxes come
from a file, so the timings are the whole rest of the pipeline: cropping,
the model (flip test as configured), decoding heatmaps and tracking; not
video decoding, not detection. Prints seconds and person-frames per mode,
each fast mode's speed-up, backbone crops per person-frame and backbone
calls, the windows it anchored (window) or the support frames it reused or
recomputed (resample), the most it cached, and, when whole sequences ran
(no ``--max-frames``), Total AP of every mode on all key frames and on the
subsets of the ground truth's ``degraded`` field (the synthetic generator
writes it), with the differences to the exact mode, and the keypoint
distance between the modes. The predictions are written under ``--out``
(one folder per mode: ``exact/``, ``window/``, ``resample/``) for
``tools/misc/eval_posetrack.py``.
"""
import argparse
import json
import os
import os.path as osp
import shutil
import sys
import tempfile
import time

import numpy as np

# the checkout's research code (tdmi_research: the synthetic sets, the
# configs of the synthetic runs, the MI-term diagnostics) is not installed
sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument(
        '--sequences',
        required=True,
        help='a folder of PoseTrack18 sequence files (or one file)')
    boxes = parser.add_mutually_exclusive_group(required=True)
    boxes.add_argument('--bboxes', help='a detection file')
    boxes.add_argument('--gt-bboxes', action='store_true')
    parser.add_argument(
        '--bbox-thr',
        type=float,
        help='default: the config\'s test bbox_score_thr (0 with GT boxes)')
    parser.add_argument('--videos', type=int, help='the first N sequences')
    parser.add_argument(
        '--max-frames',
        type=int,
        help='the first N frames of each (speed only: no AP)')
    parser.add_argument(
        '--modes',
        nargs='+',
        choices=['window', 'resample'],
        default=['window', 'resample'],
        help='the fast modes to run against the exact mode')
    parser.add_argument(
        '--margin',
        type=float,
        default=0.03,
        help='window mode: WindowModeEstimator margin')
    parser.add_argument(
        '--scale-tol',
        type=float,
        default=0.1,
        help='window mode: WindowModeEstimator scale_tol')
    parser.add_argument(
        '--min-iou', type=float, default=0.5, help='resample mode')
    parser.add_argument(
        '--interpolation', choices=['bilinear', 'nearest'], default='bilinear')
    parser.add_argument(
        '--padding', choices=['border', 'zeros'], default='border')
    parser.add_argument('--out', help='where to write the predictions')
    parser.add_argument(
        '--feature-error',
        action='store_true',
        help='also print how far the fast mode\'s support features are from '
        'the exact mode\'s: on consecutive frames of the sequences, and on '
        'one frame for crops shifted by 1-32 input pixels or scaled')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def _sequence_files(path: str, videos):
    if osp.isfile(path):
        return [path]
    files = sorted(
        osp.join(path, f) for f in os.listdir(path) if f.endswith('.json'))
    if not files:
        raise ValueError(f'{path}: no sequence files (*.json)')
    return files[:videos] if videos else files


def _run(tracker, frames):
    from tdmi_mmpose.apis.video import posetrack_annotations
    start = time.perf_counter()
    out = list(tracker.run(iter(frames)))
    seconds = time.perf_counter() - start
    images = [dict(id=f.image_id, file_name=f.file_name) for f, _ in out]
    annotations = [
        a for f, people in out for a in posetrack_annotations(f, people)
    ]
    keypoints = [
        np.asarray(p.pred_instances.keypoints)[0] for _, people in out
        for p in people
    ]
    return seconds, images, annotations, keypoints


def _print_feature_errors(model, files, detections, thr, args) -> None:
    """Relative error of the resampled support features against the exact
    mode's (``tdmi_research.support_feature_error``), per stage."""
    from tdmi_mmpose.apis.video import (VideoPoseTracker, ground_truth_boxes,
                                        open_frames)
    from tdmi_mmpose.apis.video.resample_mode import ResampleModeEstimator
    from tdmi_research import support_feature_error
    est = ResampleModeEstimator(
        model,
        min_iou=args.min_iou,
        interpolation=args.interpolation,
        padding=args.padding)
    rows, first = [], None
    for path in files:
        frames = list(open_frames(path)[1])[:args.max_frames]
        boxes = ground_truth_boxes(path) if args.gt_bboxes else detections
        kept = VideoPoseTracker(model, boxes, bbox_thr=thr).frame_boxes(frames)
        for t in range(len(frames) - 1):
            if len(kept[t]) and len(kept[t + 1]):
                rows.append(
                    support_feature_error(est, frames[t].image, kept[t],
                                          frames[t + 1].image, kept[t + 1]))
                first = first or (frames[t].image, kept[t][:1])
    errors = np.concatenate(rows)
    errors = errors[~np.isnan(errors).any(1)]
    names = [f'F^{s + 1}' for s in range(errors.shape[1])]
    print('\nsupport features, fast vs exact (|warped - exact| / |exact|, '
          'median per stage):')
    print('| support crops | ' + ' | '.join(names) + ' |')
    print('|---' * (len(names) + 1) + '|')
    print(f'| consecutive frames, own boxes ({len(errors)} pairs) | ' +
          ' | '.join(f'{v:.3f}' for v in np.median(errors, 0)) + ' |')
    image, box = first
    window = est.crop_windows(image, box)[0]
    per_input_px = (window[2] - window[0]) / model.cfg.codec.input_size[0]
    for shift in (1, 2, 4, 8, 16, 32):
        moved = box.copy()
        moved[:, [0, 2]] += shift * per_input_px
        err = support_feature_error(est, image, box, image, moved)[0]
        print(f'| same frame, crop moved {shift} input px | ' +
              ' | '.join(f'{v:.3f}' for v in err) + ' |')
    for factor in (1.05, 1.1, 1.2):
        center = (box[:, :2] + box[:, 2:4]) / 2
        half = (box[:, 2:4] - box[:, :2]) / 2 * factor
        scaled = box.copy()
        scaled[:, :2], scaled[:, 2:4] = center - half, center + half
        err = support_feature_error(est, image, box, image, scaled)[0]
        print(f'| same frame, crop scaled x{factor} | ' +
              ' | '.join(f'{v:.3f}' for v in err) + ' |')


def _counters(estimator, into: dict) -> None:
    """Add a fast mode's counters (``WindowModeEstimator`` /
    ``ResampleModeEstimator``) to ``into``."""
    for name in ('backbone_crops', 'backbone_calls', 'windows', 'keys',
                 'reused', 'fallbacks'):
        into[name] = into.get(name, 0) + getattr(estimator, name, 0)
    into['max_cached'] = max(into.get('max_cached', 0), estimator.max_cached)


def _print_counters(mode: str, c: dict, people: int, num_frames: int):
    line = (f'{mode} mode: {c["backbone_crops"] / people:.2f} backbone '
            f'crops per person-frame (exact: {num_frames}), '
            f'{c["backbone_calls"]} backbone calls; ')
    if mode == 'window':
        line += (f'{c["windows"]} windows anchored for {c["keys"]} person '
                 f'key frames ({100 * c["windows"] / max(c["keys"], 1):.1f} '
                 f'%); at most {c["max_cached"]} crops cached')
    else:
        supports = c['reused'] + c['fallbacks']
        line += (f'support frames reused {c["reused"]}, recomputed '
                 f'{c["fallbacks"]} '
                 f'({100 * c["fallbacks"] / max(supports, 1):.1f} %); at '
                 f'most {c["max_cached"]} frames cached')
    print(line)


def _options(mode: str, args) -> dict:
    if mode == 'window':
        return dict(margin=args.margin, scale_tol=args.scale_tol)
    return dict(
        min_iou=args.min_iou,
        interpolation=args.interpolation,
        padding=args.padding)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch
    from mmpose.apis import init_model

    import tdmi_mmpose  # noqa: F401
    from tdmi_mmpose.apis.video import (VideoPoseTracker, ground_truth_boxes,
                                        load_box_file, open_frames,
                                        posetrack_file)
    from tdmi_mmpose.evaluation.functional import evaluate_posetrack_folders
    model = init_model(args.config, args.checkpoint, device=args.device)
    if args.bbox_thr is not None:
        thr = args.bbox_thr
    elif args.gt_bboxes:
        thr = 0.0
    else:
        thr = model.cfg.test_dataloader.dataset.get('bbox_score_thr', 0.2)
    files = _sequence_files(args.sequences, args.videos)
    detections = load_box_file(args.bboxes) if args.bboxes else None
    id2name = model.dataset_meta['keypoint_id2name']
    names = [id2name[i] for i in range(len(id2name))]
    out_root = args.out or tempfile.mkdtemp(prefix='video_modes_')
    modes = ['exact'] + list(dict.fromkeys(args.modes))
    totals = {m: dict(seconds=0.0, people=0) for m in modes}
    counters = {m: {} for m in modes[1:]}
    distances = {m: [] for m in modes[1:]}
    print(f'{len(files)} sequences, T = {model.num_frames}, flip test '
          f'{bool(model.test_cfg.get("flip_test"))}, '
          f'{torch.get_num_threads()} threads, device {args.device}')
    for path in files:
        boxes = ground_truth_boxes(path) if args.gt_bboxes else detections
        _, frames = open_frames(path)
        frames = list(frames)[:args.max_frames]  # decoded before timing
        keypoints = {}
        for mode in modes:
            tracker = VideoPoseTracker(
                model,
                boxes,
                bbox_thr=thr,
                fast=False if mode == 'exact' else mode,
                fast_options=None if mode == 'exact' else _options(mode, args))
            seconds, images, anns, keypoints[mode] = _run(tracker, frames)
            totals[mode]['seconds'] += seconds
            totals[mode]['people'] += len(keypoints[mode])
            os.makedirs(osp.join(out_root, mode), exist_ok=True)
            with open(osp.join(out_root, mode, osp.basename(path)), 'w') as f:
                json.dump(posetrack_file(images, anns, names), f)
            if mode != 'exact':
                _counters(tracker.fast_estimator, counters[mode])
                distances[mode] += [
                    np.linalg.norm(a - b, axis=-1)
                    for a, b in zip(keypoints['exact'], keypoints[mode])
                ]
    people = max(totals['exact']['people'], 1)
    print('\n| mode | seconds | person-frames | s per person-frame | '
          'speed-up over exact |')
    print('|---|---|---|---|---|')
    for mode in modes:
        t = totals[mode]
        print(f'| {mode} | {t["seconds"]:.2f} | {t["people"]} | '
              f'{t["seconds"] / max(t["people"], 1):.4f} | '
              f'{totals["exact"]["seconds"] / t["seconds"]:.2f}x |')
    print()
    for mode in modes[1:]:
        print(f'{mode} mode speed-up: '
              f'{totals["exact"]["seconds"] / totals[mode]["seconds"]:.2f}x '
              '(decoding and detection excluded)')
        _print_counters(mode, counters[mode], people, model.num_frames)
        if distances[mode]:
            d = np.concatenate(distances[mode])
            print(f'keypoint distance {mode} vs exact (px): median '
                  f'{np.median(d):.2f}, 90th percentile '
                  f'{np.percentile(d, 90):.2f}, max {d.max():.2f}')
    if args.max_frames:
        print('AP not computed (--max-frames cuts the sequences)')
        return 0
    gt_dir = osp.join(out_root, 'gt')  # the sequences that ran
    os.makedirs(gt_dir, exist_ok=True)
    values, labelled = set(), False
    for path in files:
        shutil.copy(path, gt_dir)
        with open(path) as f:
            for image in json.load(f)['images']:
                if 'degraded' in image:
                    labelled = True
                    values.add(image['degraded'])
    subsets = [('all', None)]
    if labelled:
        subsets += [(v or 'clean', dict(where=dict(degraded=v)))
                    for v in sorted(values, key=str)]
    print('\n| key frames | ' + ' | '.join(f'{m} Total AP' for m in modes) +
          ''.join(f' | {m} - exact' for m in modes[1:]) + ' |')
    print('|---' * (2 * len(modes)) + '|')
    for name, spec in subsets:
        ap = {}
        for mode in modes:
            result = evaluate_posetrack_folders(
                gt_dir, osp.join(out_root, mode), frames=spec)
            ap[mode] = float(result['ap_groups']['Total'])
        print(f'| {name} ({result["num_frames"]}) | ' +
              ' | '.join(f'{ap[m]:.2f}' for m in modes) +
              ''.join(f' | {ap[m] - ap["exact"]:+.2f}'
                      for m in modes[1:]) + ' |')
    print('\npredictions: ' + ', '.join(f'{out_root}/{m}' for m in modes))
    if args.feature_error:
        _print_feature_errors(model, files, detections, thr, args)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(1)
