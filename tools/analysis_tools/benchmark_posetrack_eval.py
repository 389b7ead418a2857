# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Time the PoseTrack metric on a large synthetic case.

    python tools/analysis_tools/benchmark_posetrack_eval.py [--sequences 50] \
        [--frames 30] [--people 5] [--repeats 3]

Writes PoseTrack18 ground truth and predictions (every frame labelled, each
person with all joints, jitter, misses, false positives, identity swaps and
an ignore region per sequence) to a temporary folder, then times in this one
process:

- ours, AP: reading the files and computing AP;
- ours, AP + MOTA: the same plus tracking;
- baseline, MOTA bookkeeping with motmetrics: the per-sequence, per-joint
  ``motmetrics.MOTAccumulator`` updates and ``compute`` that the official
  tool (poseval) runs, fed the same per-frame inputs (the official tool's
  whole run includes this and more). Needs motmetrics (a test dependency).

Prints seconds (best of --repeats) and the ratio baseline / ours.
"""
import argparse
import json
import os.path as osp
import tempfile
import time

import numpy as np

from tdmi_mmpose.evaluation.functional import (PT18_KEYPOINTS,
                                               evaluate_posetrack_folders,
                                               load_sequence, sequence_names)
from tdmi_mmpose.evaluation.functional.posetrack_eval import (
    NUM_JOINTS, _evaluated_frames, _frame_mot_inputs, _match_frame)


def write_case(root: str,
               sequences: int,
               frames: int,
               people: int,
               seed: int = 0) -> None:
    rng = np.random.RandomState(seed)
    categories = [dict(id=1, name='person', keypoints=list(PT18_KEYPOINTS))]
    for s in range(sequences):
        name = f'{s:06d}_bench'
        images, gt_anns, pred_anns = [], [], []
        centres = rng.uniform(200, 1700, (people, 2))
        velocity = rng.normal(0, 5, (people, 2))
        offsets = rng.normal(0, 60, (people, 17, 2))
        for f in range(frames):
            image_id = s * 1000 + f
            image = dict(
                id=image_id, file_name=f'images/val/{name}/'
                f'{f:06d}.jpg')
            if f == 0:
                image.update(
                    ignore_regions_x=[[0, 150, 150, 0]],
                    ignore_regions_y=[[0, 0, 150, 150]])
            images.append(image)
            centres += velocity
            swap = rng.uniform() < 0.05
            for p in range(people):
                xy = centres[p] + offsets[p]
                kpts = np.concatenate([xy, np.ones((17, 1))], 1)
                gt_anns.append(
                    dict(
                        image_id=image_id,
                        track_id=p,
                        keypoints=kpts.ravel().tolist(),
                        bbox_head=[*(xy[2] - 30).tolist(), 60, 60]))
                if rng.uniform() < 0.05:
                    continue  # a missed person
                noisy = xy + rng.normal(0, 8, xy.shape)
                scores = rng.uniform(0.05, 1, 17)
                track = (p + 1) % people if swap else p
                pred_anns.append(
                    dict(
                        image_id=image_id,
                        track_id=track,
                        keypoints=np.concatenate([noisy, scores[:, None]],
                                                 1).ravel().tolist(),
                        scores=scores.tolist(),
                        score=float(scores.mean())))
            if rng.uniform() < 0.3:  # a false positive person
                fp = rng.uniform(0, 1900, (17, 2))
                scores = rng.uniform(0.05, 0.6, 17)
                pred_anns.append(
                    dict(
                        image_id=image_id,
                        track_id=people + f,
                        keypoints=np.concatenate([fp, scores[:, None]],
                                                 1).ravel().tolist(),
                        scores=scores.tolist(),
                        score=float(scores.mean())))
        for folder, anns in (('gt', gt_anns), ('pred', pred_anns)):
            with open(osp.join(root, folder, f'{name}.json'), 'w') as f:
                json.dump(
                    dict(
                        images=images, annotations=anns,
                        categories=categories), f)


def motmetrics_baseline(gt_dir: str, pred_dir: str) -> float:
    """Seconds the official tool's MOTA engine (motmetrics) takes on the
    same per-frame inputs; and its Total MOTA, to show they agree."""
    import motmetrics as mm
    names = [
        'num_misses', 'num_switches', 'num_false_positives', 'num_objects'
    ]
    inputs = []
    for n in sequence_names(gt_dir):
        gt = load_sequence(osp.join(gt_dir, n))
        pairs = _evaluated_frames(gt, load_sequence(osp.join(pred_dir, n)))
        matches = [_match_frame(g, p, gt.name) for g, p in pairs]
        inputs.append([
            _frame_mot_inputs(g, p, m)
            for (g, p), m in zip(pairs[:-1], matches[:-1])
        ])
    start = time.perf_counter()
    totals = np.zeros((NUM_JOINTS, 4))
    host = mm.metrics.create()
    for frames in inputs:
        for j in range(NUM_JOINTS):
            acc = mm.MOTAccumulator(auto_id=True)
            for per_joint in frames:
                acc.update(*per_joint[j])
            got = host.compute(acc, metrics=names, return_dataframe=False)
            totals[j] += [got[k] for k in names]
    seconds = time.perf_counter() - start
    mota = 100 * (1 - totals[:, :3].sum(1) / totals[:, 3])
    return seconds, float(np.nanmean(mota))


def best_of(repeats: int, fn):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--sequences', type=int, default=50)
    parser.add_argument('--frames', type=int, default=30)
    parser.add_argument('--people', type=int, default=5)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        import os
        os.makedirs(osp.join(root, 'gt'))
        os.makedirs(osp.join(root, 'pred'))
        write_case(root, args.sequences, args.frames, args.people)
        gt, pred = osp.join(root, 'gt'), osp.join(root, 'pred')
        t_ap, r_ap = best_of(args.repeats,
                             lambda: evaluate_posetrack_folders(gt, pred))
        t_all, r_all = best_of(
            args.repeats,
            lambda: evaluate_posetrack_folders(gt, pred, track=True))
        print(f'case: {args.sequences} sequences x {args.frames} labelled '
              f'frames x {args.people} people')
        print(f'ours, AP:        {t_ap:7.2f} s  (Total AP '
              f'{r_ap["ap_groups"]["Total"]:.2f})')
        print(f'ours, AP + MOTA: {t_all:7.2f} s  (Total MOTA '
              f'{r_all["mota_groups"]["Total"]:.2f})')
        try:
            t_mm, mota_mm = motmetrics_baseline(gt, pred)
        except ImportError:
            print('motmetrics is not installed: no baseline')
            return
        print(f'baseline, motmetrics MOTA bookkeeping alone: {t_mm:7.2f} s '
              f'(Total MOTA {mota_mm:.2f})')
        print(f'ratio baseline MOTA bookkeeping / ours AP + MOTA: '
              f'{t_mm / t_all:.1f}x')


if __name__ == '__main__':
    main()
