# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Write the PoseTrack21 reference cases, and with ``--kit`` their numbers
by the official kit.

    python tests/data/posetrack21_vectors/make_vectors.py OUT_DIR
    KIT/bin/python tests/data/posetrack21_vectors/make_vectors.py OUT_DIR \
        --kit PoseTrack21/eval/posetrack21

The cases (``OUT_DIR/<case>/gt/*.json`` and ``pred/sequences/*.json``) need
NumPy only and are deterministic. With ``--kit`` (run in an environment
where the kit runs: Python 3.11 with numpy 1.23.5, scipy 1.11, shapely 2.0,
tqdm, and the kit's folder) each case is evaluated by the kit's
``PosemAP`` (through ``PoseEvaluator``) and ``HOTAeypoints`` (through
``Evaluator``), and ``OUT_DIR/expected.json`` holds, per case, the AP,
precision and recall per joint and group and the HOTA family's Total
column and per-joint values (mean over thresholds, x100), or the kit's
error where it crashes. docs/evaluation.md says how these were made.
"""
import argparse
import json
import os
import os.path as osp
import shutil
import sys

import numpy as np

NAMES = ('nose', 'head_bottom', 'head_top', 'left_ear', 'right_ear',
         'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
         'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee',
         'right_knee', 'left_ankle', 'right_ankle')
CATEGORIES = [dict(id=1, name='person', keypoints=list(NAMES))]
# a standing figure, head at the top, in units of its head size
SHAPE = np.array([[0, 0], [0, 0.6], [0, -0.8], [-0.3, -0.1], [0.3, -0.1],
                  [-1.2, 1.2], [1.2, 1.2], [-1.6, 2.6], [1.6,
                                                         2.6], [-1.8, 4.0],
                  [1.8, 4.0], [-0.8, 4.4], [0.8, 4.4], [-0.9, 6.4], [0.9, 6.4],
                  [-0.9, 8.4], [0.9, 8.4]])


def person(cx, cy, size=20.0):
    """(17, 2) joints and its head box (x, y, w, h)."""
    xy = np.array([cx, cy]) + SHAPE * size
    head = [cx - 0.6 * size, cy - 0.9 * size, 1.2 * size, 1.6 * size]
    return xy, head


def gt_file(frames, labeled=None, regions=None):
    """frames: list of lists of (track_id, xy (17, 2), head box, present
    (17,) bool)."""
    images, anns = [], []
    for t, people in enumerate(frames):
        rx, ry = ([], []) if regions is None else regions.get(t, ([], []))
        images.append(
            dict(
                id=1000 + t,
                file_name=f'images/val/seq/{t:06d}.jpg',
                is_labeled=bool(True if labeled is None else labeled[t]),
                ignore_regions_x=rx,
                ignore_regions_y=ry))
        for tid, xy, head, present in people:
            kpts = np.zeros((17, 3))
            kpts[present, :2] = xy[present]
            kpts[present, 2] = 1
            anns.append(
                dict(
                    image_id=1000 + t,
                    track_id=int(tid),
                    keypoints=kpts.ravel().round(3).tolist(),
                    bbox_head=[round(v, 3) for v in head]))
    return dict(images=images, annotations=anns, categories=CATEGORIES)


def pred_file(frames, with_scores=True, num_images=None):
    """frames: list of lists of (track_id, xy (17, 2), scores (17,))."""
    images, anns = [], []
    for t, people in enumerate(frames):
        images.append(
            dict(id=1000 + t, file_name=f'images/val/seq/'
                 f'{t:06d}.jpg'))
        for tid, xy, scores in people:
            kpts = np.zeros((17, 3))
            kpts[:, :2] = xy
            kpts[:, 2] = scores
            ann = dict(
                image_id=1000 + t,
                track_id=int(tid),
                keypoints=kpts.ravel().round(3).tolist())
            if with_scores:
                ann['scores'] = np.round(scores, 4).tolist()
            anns.append(ann)
    return dict(images=images, annotations=anns, categories=CATEGORIES)


def _walk(rng, num_frames, num_people, step=3.0):
    """Ground truth tracks: people walking with their own speed."""
    starts = rng.uniform([60, 40], [500, 200], size=(num_people, 2))
    speed = rng.uniform(-step, step, size=(num_people, 2))
    sizes = rng.uniform(12, 24, size=num_people)
    tracks = []
    for t in range(num_frames):
        people = []
        for p in range(num_people):
            xy, head = person(*(starts[p] + t * speed[p]), sizes[p])
            people.append((p + 1, xy, head, np.ones(17, dtype=bool)))
        tracks.append(people)
    return tracks


def _as_pred(gt, rng, noise=0.0, score=0.9):
    frames = []
    for people in gt:
        frames.append([(tid,
                        xy + rng.normal(0, noise, xy.shape) * (head[3] / 1.6),
                        np.full(17, score)) for tid, xy, head, _ in people])
    return frames


def cases():
    """{case: {sequence: (gt dict, pred dict)}}"""
    rng = np.random.default_rng(21)
    out = {}

    gt = _walk(rng, 6, 3)
    gt2 = _walk(rng, 5, 2)
    out['perfect'] = {
        'seq_a.json': (gt_file(gt), pred_file(_as_pred(gt, rng))),
        'seq_b.json': (gt_file(gt2), pred_file(_as_pred(gt2, rng))),
    }

    gt = _walk(rng, 8, 4)
    pred = []
    for people in gt:
        frame = []
        for tid, xy, head, _ in people:
            scale = head[3] / 1.6
            noise = rng.normal(0, rng.choice([0.1, 0.3, 0.6]), xy.shape)
            frame.append((tid, xy + noise * scale, rng.uniform(0.1, 1, 17)))
        pred.append(frame)
    out['jitter'] = {'seq.json': (gt_file(gt), pred_file(pred))}

    gt = _walk(rng, 6, 3)
    for people in gt:  # ground truth with joints not annotated
        for k, (tid, xy, head, present) in enumerate(people):
            present = present.copy()
            present[rng.choice(17, 4, replace=False)] = False
            people[k] = (tid, xy, head, present)
    pred = _as_pred(gt, rng, 0.2)
    for people in pred:  # predictions without some joints
        for k, (tid, xy, s) in enumerate(people):
            xy = xy.copy()
            xy[rng.choice(17, 3, replace=False)] = 0
            people[k] = (tid, xy, rng.uniform(0.2, 1, 17))
    out['missing_joints'] = {'seq.json': (gt_file(gt), pred_file(pred))}

    gt = _walk(rng, 6, 2)
    pred = _as_pred(gt, rng, 0.15, 0.8)
    for t, people in enumerate(pred):
        for k in range(t % 3 + 1):
            xy, _ = person(*rng.uniform([50, 50], [550, 300]), 18)
            people.append((50 + k, xy, rng.uniform(0, 1, 17)))
    out['false_positives'] = {'seq.json': (gt_file(gt), pred_file(pred))}

    gt = _walk(rng, 5, 3)
    pred = _as_pred(gt, rng, 0.1, 0.9)
    for people in pred:
        tid, xy, s = people[0]
        people.append((77, xy + rng.normal(0, 2, xy.shape), s * 0.7))
    out['duplicates'] = {'seq.json': (gt_file(gt), pred_file(pred))}

    gt = _walk(rng, 6, 2)
    pred = _as_pred(gt, rng, 0.1, 0.9)
    pred[2] = []  # labelled frames with people, nothing predicted
    pred[4] = []
    out['empty_frames'] = {'seq.json': (gt_file(gt), pred_file(pred))}

    # a labelled frame without people: the kit crashes (TypeError: its
    # head sizes of such a frame are None)
    gt = _walk(rng, 5, 2)
    pred = _as_pred(gt, rng, 0.1, 0.9)
    gt[3] = []
    out['labeled_frame_without_people'] = {
        'seq.json': (gt_file(gt), pred_file(pred))
    }

    gt = _walk(rng, 8, 3)
    pred = _as_pred(gt, rng, 0.1, 0.9)
    for people in pred[4:]:  # the first two swap ids halfway
        a, b = people[0], people[1]
        people[0], people[1] = (b[0], a[1], a[2]), (a[0], b[1], b[2])
    out['id_swaps'] = {'seq.json': (gt_file(gt), pred_file(pred))}

    gt = _walk(rng, 9, 2)
    pred = _as_pred(gt, rng, 0.1, 0.9)
    for t, people in enumerate(pred):  # person 1: a new id every 3 frames
        tid, xy, s = people[0]
        people[0] = (100 + t // 3, xy, s)
        if t in (4, 7):  # person 2 missed, then found under its old id
            people.pop(1)
    out['fragmented'] = {'seq.json': (gt_file(gt), pred_file(pred))}

    gt = _walk(rng, 5, 3)
    pred = _as_pred(gt, rng, 0.15, 0.85)
    regions = {}
    for t in (1, 3):
        xy = gt[t][0][1]  # a box around the first person's legs
        x0, y0 = xy[11:].min(0) - 5
        x1, y1 = xy[11:].max(0) + 5
        regions[t] = ([[x0, x1, x1, x0]], [[y0, y0, y1, y1]])
    xy = gt[2][1][1]  # all of the second person in frame 2
    x0, y0 = xy.min(0) - 5
    x1, y1 = xy.max(0) + 5
    regions[2] = ([[x0, x1, x1, x0]], [[y0, y0, y1, y1]])
    out['ignore_regions'] = {
        'seq.json': (gt_file(gt, regions=regions), pred_file(pred))
    }

    gt = _walk(rng, 8, 2)
    pred = _as_pred(gt, rng, 0.2, 0.9)
    for t in (1, 2, 5):  # garbage on unlabelled frames
        xy, _ = person(300, 100, 15)
        pred[t].append((9, xy, np.ones(17)))
    out['unlabeled_frames'] = {
        'seq.json':
        (gt_file(gt, labeled=[t % 3 != 1 and t != 5
                              for t in range(8)]), pred_file(pred))
    }

    gt = _walk(rng, 4, 2)
    out['missing_scores'] = {
        'seq.json':
        (gt_file(gt), pred_file(_as_pred(gt, rng, 0.3), with_scores=False))
    }

    # ties: few predictions per joint (the kit's sort is insertion sort up
    # to 17 values: tied scores in reverse order of appearance)
    gt = _walk(rng, 2, 2)
    pred = []
    for t, people in enumerate(gt):
        frame = []
        for tid, xy, head, _ in people:
            frame.append(
                (tid, xy + rng.normal(0, 0.5, xy.shape) * (head[3] / 1.6),
                 np.full(17, 0.5)))
        xy, _ = person(*rng.uniform([50, 50], [550, 300]), 18)
        frame.append((60 + t, xy, np.full(17, 0.5)))
        pred.append(frame)
    out['ties'] = {'seq.json': (gt_file(gt), pred_file(pred))}
    return out


def write_cases(out_dir):
    for case, seqs in cases().items():
        for name, (gt, pred) in seqs.items():
            for sub, data in (('gt', gt), ('pred/sequences', pred)):
                folder = osp.join(out_dir, case, sub)
                os.makedirs(folder, exist_ok=True)
                with open(osp.join(folder, name), 'w') as f:
                    json.dump(data, f)


def run_kit(kit, out_dir):
    """The kit's numbers for every case (its own evaluators, serial)."""
    sys.path.insert(0, kit)
    import posetrack21.trackeval as te
    from posetrack21.trackeval.metrics import map as kit_map

    joints = [n for n in NAMES if not n.endswith('_ear')]
    parts = kit_map.PosemAP.get_pose_parts
    cum = kit_map.PosemAP.get_cum_vals
    # report the 15 joints too (nothing else changes)
    kit_map.PosemAP.get_pose_parts = staticmethod(
        lambda: parts() + list(joints))
    kit_map.PosemAP.get_cum_vals = staticmethod(
        lambda vals: cum(vals) + [vals[j, 0] for j in range(15)])
    expected = {}
    for case in sorted(os.listdir(out_dir)):
        root = osp.join(out_dir, case)
        if not osp.isdir(root):
            continue
        tmp = osp.join('/tmp', 'pt21_kit_run', case)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(root, tmp)
        dataset = dict(
            GT_FOLDER=osp.join(tmp, 'gt'),
            TRACKERS_FOLDER=osp.join(tmp, 'pred', 'sequences'),
            PRINT_CONFIG=False)
        evaluation = dict(
            USE_PARALLEL=False,
            PRINT_RESULTS=False,
            PRINT_CONFIG=False,
            TIME_PROGRESS=False,
            OUTPUT_SUMMARY=False,
            LOG_ON_ERROR=None,
            BREAK_ON_ERROR=True)
        row = {}
        try:
            res, _ = te.PoseEvaluator(evaluation).evaluate(
                [te.datasets.PoseTrack(dataset)], [te.metrics.PosemAP()])
            comb = res['PoseTrack']['sequences']['COMBINED_SEQ']['person'][
                'PosemAP']
            row['map'] = {k: float(v) for k, v in comb['map'].items()}
            row['precision'] = {
                k: float(v)
                for k, v in comb['precision'].items()
            }
            row['recall'] = {k: float(v) for k, v in comb['recall'].items()}
        except Exception as e:  # the kit's crash, recorded
            row['map_error'] = f'{type(e).__name__}: {e}'
        try:
            res, _ = te.Evaluator(evaluation).evaluate(
                [te.datasets.PoseTrack(dataset)], [te.metrics.HOTAeypoints()])
            comb = res['PoseTrack']['sequences']['COMBINED_SEQ']['person'][
                'HOTAeypoints']
            row['hota'] = {
                field: [
                    float(100 * np.mean(comb[field][:, j]))
                    for j in range(comb[field].shape[1])
                ]
                for field in ('HOTA', 'DetA', 'AssA', 'LocA', 'DetRe', 'DetPr',
                              'AssRe', 'AssPr', 'FragA', 'RHOTA', 'FA-HOTA',
                              'FA-RHOTA')
            }
        except Exception as e:
            row['hota_error'] = f'{type(e).__name__}: {e}'
        expected[case] = row
    with open(osp.join(out_dir, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    return expected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('out_dir', help='folder to write the cases to')
    parser.add_argument(
        '--kit',
        help='the kit\'s folder (eval/posetrack21 of the PoseTrack21 '
        'repository): also write expected.json (default: cases only)')
    args = parser.parse_args()
    write_cases(args.out_dir)
    if args.kit:
        expected = run_kit(args.kit, args.out_dir)
        for case, row in expected.items():
            print(case,
                  row.get('map', {}).get('Total'),
                  row.get('hota', {}).get('HOTA', [None])[-1],
                  row.get('map_error', ''), row.get('hota_error', ''))


if __name__ == '__main__':
    main()
