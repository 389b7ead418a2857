# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack21's official evaluation without its kit.

The kit (github.com/anDoer/PoseTrack21, ``eval/posetrack21``, a fork of
TrackEval) is not on the package index and needs NumPy < 1.24. This module
computes what its two pose metrics compute, on the same files:

- ``PosemAP``: per-joint AP (PCKh 0.5 with head size 0.6 x the diagonal of
  ``bbox_head``; each prediction keeps its best ground-truth person, each
  person its best prediction; AP pooled over sequences, VOC all-point),
  precision and recall, the groups and Total;
- ``HOTAeypoints``: HOTA, DetA, AssA, DetRe, DetPr, AssRe, AssPr, LocA,
  FragA, RHOTA, FA-HOTA, FA-RHOTA per joint (similarity
  ``max(0, 1 - d / 0.5001)``, Hungarian matching per joint, thresholds
  0.05 ... 0.95) and their Total column, sequences combined as the kit
  combines them.

Both read only the labelled frames (``is_labeled``), zero the joints inside
ignore regions and drop people left without any (only in frames that have
regions), use the 15 joints without the ears, and count a joint as present
where x > 0 and y > 0. docs/evaluation.md lists the kit's quirks kept here
and its crashes, which are errors or a stated behaviour here.

Shape legend: G ground-truth people, D predicted people, J = 15 joints,
A = 19 thresholds.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from ...posetrack_format import (PT18_KEYPOINTS, load_json, points_in_regions,
                                 read_posetrack_file)
from .posetrack_eval import voc_area

__all__ = [
    'KIT_JOINTS', 'HOTA_FIELDS', 'Sequence21', 'read_posetrack21',
    'read_posetrack21_pair', 'load_posetrack21_folders',
    'evaluate_posetrack21', 'summarize_posetrack21', 'format_table21',
    'is_posetrack21_ground_truth', 'PoseFrame', 'frame_labels', 'ranked_ap',
    'pooled_ap'
]

# the kit's 15 joints: PoseTrack18's 17 without the ears (indices 3, 4)
KIT_JOINTS = tuple(n for n in PT18_KEYPOINTS if not n.endswith('_ear'))
_KEEP = [i for i, n in enumerate(PT18_KEYPOINTS) if not n.endswith('_ear')]
_J = len(KIT_JOINTS)
_IDX = {n: i for i, n in enumerate(KIT_JOINTS)}
# the kit's groups (map.py, get_cum_vals)
GROUPS21 = {
    'Head': ('head_top', 'head_bottom', 'nose'),
    'Shou': ('left_shoulder', 'right_shoulder'),
    'Elb': ('left_elbow', 'right_elbow'),
    'Wri': ('left_wrist', 'right_wrist'),
    'Hip': ('left_hip', 'right_hip'),
    'Knee': ('left_knee', 'right_knee'),
    'Ankl': ('right_ankle', 'left_ankle'),
}
# the output's joint names: poseval's (``neck`` is PoseTrack's head_bottom),
# as the PoseTrack18 protocol reports them
_OUT_NAMES = {n: ('neck' if n == 'head_bottom' else n) for n in KIT_JOINTS}
ALPHAS = np.arange(0.05, 0.99, 0.05)
_EPS = np.finfo('float').eps
HOTA_FIELDS = ('HOTA', 'DetA', 'AssA', 'LocA', 'DetRe', 'DetPr', 'AssRe',
               'AssPr', 'FragA', 'RHOTA', 'FA-HOTA', 'FA-RHOTA')


@dataclass
class Sequence21:
    """One sequence file, its labelled frames only, as the kit reads it.

    ``poses[t]`` is (N, J, 3): x, y and, for predictions, the joint score
    (for ground truth the file's third value); ``head_sizes[t]`` (N, ) for
    ground truth; ``regions[t]`` the frame's ignore polygons ((P, 2) each).
    ``image_ids`` are the labelled frames' ids, ``num_images`` all frames.
    """
    name: str
    num_images: int
    image_ids: List[object]
    labeled_index: List[int]
    ids: List[np.ndarray]
    poses: List[np.ndarray]
    head_sizes: List[np.ndarray]
    regions: List[List[np.ndarray]]


def _check_regions(frame, where: str) -> None:
    """The kit reads every ground-truth image's ignore regions (and
    crashes on a polygon of fewer than 3 points)."""
    if 'ignore_regions_x' not in frame.attributes or \
            'ignore_regions_y' not in frame.attributes:
        raise ValueError(f'{where}: a PoseTrack21 ground-truth image needs '
                         f'"ignore_regions_x" and "ignore_regions_y"')
    for r, polygon in enumerate(frame.ignore_regions):
        if len(polygon) < 3:
            raise ValueError(
                f'{where}: ignore region {r} has {len(polygon)} points; it '
                f'needs at least 3 points (the official kit crashes on fewer)')


def read_posetrack21(data: dict,
                     where: str,
                     name: str,
                     is_gt: bool,
                     labeled: Optional[Sequence[int]] = None) -> Sequence21:
    """A PoseTrack21 sequence file's dict -> its labelled frames.

    The file is read by ``posetrack_format.read_posetrack_file`` (keypoints
    in PoseTrack18's order, by position where the file has no
    ``categories``, as the kit reads them); the kit's own needs are checked
    on top.

    Args:
        data: the file's content (``images`` and ``annotations``).
        where: how errors name it (the file path).
        name: the sequence's name (its file name).
        is_gt: ground truth (needs ``is_labeled``, ignore regions and
            ``bbox_head``) or predictions (``scores`` optional: missing
            scores are the kit's -9999).
        labeled: for predictions, the positions of the frames to keep (the
            ground truth's labelled ones); every frame is checked.

    Raises:
        ValueError: naming the file and the entry, for anything the kit
            would crash on or misread (see docs/evaluation.md).
    """
    file = read_posetrack_file(
        data, where, unknown_images='error', default_names=PT18_KEYPOINTS)
    if file.annolist:
        raise ValueError(f'{where}: a PoseTrack17 annolist file; PoseTrack21 '
                         f'files have "images" and "annotations"')
    if file.keypoint_names not in (None, list(PT18_KEYPOINTS)):
        raise ValueError(
            f'{where}: categories[0].keypoints {file.keypoint_names} are not '
            f'PoseTrack18\'s 17 in order (the official kit reads keypoints '
            f'by position)')
    seq = Sequence21(name, len(file.frames), [], [], [], [], [], [])
    for t, frame in enumerate(file.frames):
        at = f'{where}, image {frame.image_id!r}'
        if is_gt:
            if 'is_labeled' not in frame.attributes:
                raise ValueError(f'{at}: no "is_labeled"')
            _check_regions(frame, at)
        if (frame.track_ids < 0).any():
            ann = frame.ann_ids[np.argmax(frame.track_ids < 0)]
            raise ValueError(f'{at}, annotation id {ann!r}: "track_id" must '
                             f'be an integer >= 0')
        poses = frame.keypoints[:, _KEEP].copy()
        heads = np.zeros(0)
        if is_gt:
            missing = np.isnan(frame.head_boxes).any(1)
            if missing.any():
                ann = frame.ann_ids[np.argmax(missing)]
                raise ValueError(f'{at}, annotation id {ann!r}: "bbox_head" '
                                 f'must be a list of 4 numbers')
            size = frame.head_boxes[:, 2:] - frame.head_boxes[:, :2]
            heads = 0.6 * np.hypot(size[:, 0], size[:, 1])
        else:
            poses[:, :, 2] = frame.scores[:, _KEEP]
        if not (frame.is_labeled if is_gt else
                (labeled is None or t in labeled)):
            continue
        seq.image_ids.append(frame.image_id)
        seq.labeled_index.append(t)
        seq.ids.append(frame.track_ids)
        seq.poses.append(poses)
        seq.head_sizes.append(heads)
        seq.regions.append(frame.ignore_regions)
    return seq


def _read_pair(gt_data: dict, pred_data: dict, gt_where: str, pred_where: str,
               name: str):
    """Both files of a sequence, frames paired by position (the kit's
    pairing), checked: same number of images, same ids on labelled
    frames."""
    gt = read_posetrack21(gt_data, gt_where, name, is_gt=True)
    n_pred = len(pred_data.get('images', [])) if isinstance(pred_data,
                                                            dict) else 0
    if n_pred != gt.num_images:
        raise ValueError(
            f'{pred_where}: {n_pred} images, the ground truth '
            f'{gt_where} has {gt.num_images} (the official kit pairs frames '
            f'by position: it crashes on fewer and ignores extra ones)')
    pred = read_posetrack21(
        pred_data,
        pred_where,
        name,
        is_gt=False,
        labeled=set(gt.labeled_index))
    for t, gid, pid in zip(gt.labeled_index, gt.image_ids, pred.image_ids):
        if gid != pid:
            raise ValueError(
                f'{pred_where}: image {t} has id {pid!r}, the ground truth '
                f'{gid!r} (frames are paired by position; the official kit '
                f'asserts equal ids on labelled frames)')
    return gt, pred


def _remove_ignored(poses: np.ndarray, regions: List[np.ndarray]):
    """Zero the joints inside ignore regions; drop people whose joints all
    lie inside, or who are left without a joint (x <= 0 and y <= 0). Only
    frames with regions are touched, as in the kit. Returns the kept
    people's index and poses."""
    keep = np.arange(len(poses))
    if not regions or not len(poses):
        return keep, poses
    inside = points_in_regions(poses[:, :, :2].reshape(-1, 2),
                               regions).reshape(poses.shape[:2])
    poses = poses.copy()
    poses[inside] = 0.0
    gone = inside.all(1) | ((poses[:, :, 0] <= 0) &
                            (poses[:, :, 1] <= 0)).all(1)
    return keep[~gone], poses[~gone]


def _present(poses: np.ndarray) -> np.ndarray:
    return (poses[:, :, 0] > 0) & (poses[:, :, 1] > 0)


def _distances(gt: np.ndarray, heads: np.ndarray,
               pred: np.ndarray) -> np.ndarray:
    """(G, D, J) head-normalised distances, inf where a side lacks the
    joint (the kit's ``_calculate_pckh``)."""
    both = _present(gt)[:, None] & _present(pred)[None]
    diff = gt[:, None, :, :2] - pred[None, :, :, :2]
    with np.errstate(divide='ignore', invalid='ignore'):
        dist = np.linalg.norm(diff, axis=-1) / heads[:, None, None]
    return np.where(both, dist, np.inf)


@dataclass
class PoseFrame:
    """One frame's people: ids, poses (N, J, 3) and the (G, D, J)
    normalised distances between ground truth and predictions."""
    gt_ids: np.ndarray
    pred_ids: np.ndarray
    gt: np.ndarray
    pred: np.ndarray
    dist: np.ndarray


def _frames(gt: Sequence21, pred: Sequence21) -> List[PoseFrame]:
    frames = []
    for t in range(len(gt.image_ids)):
        regions = gt.regions[t]
        pk, pposes = _remove_ignored(pred.poses[t], regions)
        gk, gposes = _remove_ignored(gt.poses[t], regions)
        frames.append(
            PoseFrame(gt.ids[t][gk], pred.ids[t][pk], gposes, pposes,
                      _distances(gposes, gt.head_sizes[t][gk], pposes)))
    for t, f in enumerate(frames):
        for side, ids in (('predictions', f.pred_ids), ('ground truth',
                                                        f.gt_ids)):
            values, counts = np.unique(ids, return_counts=True)
            if (counts > 1).any():
                raise ValueError(
                    f'{gt.name}: the {side} repeat track id(s) '
                    f'{values[counts > 1].tolist()} in image '
                    f'{gt.image_ids[t]!r} (ids must be unique per frame)')
    return frames


# --------------------------------------------------------------------------
# PosemAP
# --------------------------------------------------------------------------
def frame_labels(f: PoseFrame):
    """Per joint, the predicted joints' (scores, labels) of one frame, in
    prediction order (the kit's ``PosemAP.eval_sequence``)."""
    has_pr = _present(f.pred)
    label = np.zeros_like(has_pr)
    if len(f.gt) and len(f.pred):
        match = f.dist <= 0.5  # (G, D, J)
        n_gt = _present(f.gt).sum(1)
        pck = match.sum(2).astype(float)
        pck = np.where(n_gt[:, None] > 0, pck / np.maximum(n_gt, 1)[:, None],
                       pck).T  # (D, G)
        best = np.argmax(pck, axis=1)
        pck = np.where(np.arange(pck.shape[1])[None] == best[:, None], pck, 0)
        pr_to_gt = np.argmax(pck, axis=0)
        pr_to_gt[np.max(pck, axis=0) == 0] = -1
        for g, p in enumerate(pr_to_gt):
            if p >= 0:
                label[p] = match[g, p]
    # a frame with predictions and no ground truth: all false positives
    # (the kit means this but crashes there: NameError 'pre_idx')
    return [(f.pred[has_pr[:, j], j, 2], label[has_pr[:, j], j])
            for j in range(f.pred.shape[1])]


def ranked_ap(scores: np.ndarray, labels: np.ndarray, num_gt: int):
    """AP, last precision and last recall (x100) as the kit's
    ``compute_rpc`` + ``VOCap``; 0 without predictions. Ties: the kit
    sorts ``argsort()[::-1]`` (quicksort, reversed); for up to 17 scores
    per joint that is insertion sort, i.e. tied scores in reverse order of
    appearance, which this stable sort reproduces for any length."""
    if not len(scores):
        return 0.0, 0.0, 0.0
    order = np.argsort(scores, kind='stable')[::-1]
    npos = np.cumsum(labels[order] == 1)
    recall = npos / max(num_gt, 1)
    precision = npos / np.arange(1, len(order) + 1)
    return voc_area(precision, recall)


def pooled_ap(sequences: List[List[PoseFrame]], num_joints: int = _J) -> dict:
    """Per joint AP, last precision and last recall (x100), predictions
    pooled over all frames of all sequences in order (the kit's
    ``PosemAP``)."""
    scores = [[] for _ in range(num_joints)]
    labels = [[] for _ in range(num_joints)]
    num_gt = np.zeros(num_joints, dtype=np.int64)
    for frames in sequences:
        for f in frames:
            num_gt += _present(f.gt).sum(0) if len(f.gt) else 0
            for j, (s, lab) in enumerate(frame_labels(f)):
                scores[j].append(s)
                labels[j].append(lab)
    out = {k: np.zeros(num_joints) for k in ('ap', 'precision', 'recall')}
    for j in range(num_joints):
        ap, pr, rc = ranked_ap(
            np.concatenate(scores[j]) if scores[j] else np.zeros(0),
            np.concatenate(labels[j]) if labels[j] else np.zeros(0),
            int(num_gt[j]))
        out['ap'][j], out['precision'][j], out['recall'][j] = ap, pr, rc
    return out


# --------------------------------------------------------------------------
# HOTAeypoints
# --------------------------------------------------------------------------
def _relabel(ids: List[np.ndarray]) -> List[np.ndarray]:
    every = np.unique(np.concatenate(ids)) if ids else np.zeros(0, int)
    lookup = {v: i for i, v in enumerate(every.tolist())}
    return [
        np.asarray([lookup[v] for v in f.tolist()], dtype=np.int64)
        for f in ids
    ], len(every)


def _final_fields(res: dict) -> dict:
    tp, fn, fp = res['HOTA_TP'], res['HOTA_FN'], res['HOTA_FP']
    res['DetRe'] = tp / np.maximum(1, tp + fn)
    res['DetPr'] = tp / np.maximum(1, tp + fp)
    res['DetA'] = tp / np.maximum(1, tp + fn + fp)
    res['HOTA'] = np.sqrt(res['DetA'] * res['AssA'])
    res['RHOTA'] = np.sqrt(res['DetRe'] * res['AssA'])
    res['FA-HOTA'] = np.sqrt(res['DetA'] * np.sqrt(res['AssA'] * res['FragA']))
    res['FA-RHOTA'] = np.sqrt(res['DetRe'] *
                              np.sqrt(res['AssA'] * res['FragA']))
    return res


def _with_total(res: dict) -> dict:
    """The kit's per-sequence 16th column: the mean over joints of the
    float fields, the sum of the counts."""
    out = {}
    for k, v in res.items():
        agg = v.sum(
            1, keepdims=True) if k.startswith('HOTA_') else v.mean(
                1, keepdims=True)
        out[k] = np.append(v, agg, axis=1)
    return out


def _empty_sequence_res(num_gt: np.ndarray, num_pred: np.ndarray) -> dict:
    shape = (len(ALPHAS), _J)
    res = {k: np.zeros(shape) for k in ('AssA', 'AssRe', 'AssPr', 'FragA')}
    res['HOTA_TP'] = np.zeros(shape)
    res['HOTA_FN'] = num_gt[None] * np.ones(shape)
    res['HOTA_FP'] = num_pred[None] * np.ones(shape)
    res['LocA'] = np.ones(shape)
    return _with_total(_final_fields(res))


def _hota_sequence(frames: List[PoseFrame], name: str) -> dict:
    """The kit's ``HOTAeypoints.eval_sequence`` for one sequence (with its
    quirks: a frame without ground truth adds the whole sequence's
    predicted joints to FP, one without predictions the whole sequence's
    ground-truth joints to FN)."""
    gt_ids, n_gt_ids = _relabel([f.gt_ids for f in frames])
    pr_ids, n_pr_ids = _relabel([f.pred_ids for f in frames])
    num_gt = sum((_present(f.gt).sum(0) for f in frames if len(f.gt)),
                 np.zeros(_J))
    num_pred = sum((_present(f.pred).sum(0) for f in frames if len(f.pred)),
                   np.zeros(_J))
    if not any(len(f.pred) for f in frames):
        res = _empty_sequence_res(num_gt, np.zeros(_J))
        return res
    if not any(len(f.gt) for f in frames):
        return _empty_sequence_res(np.zeros(_J), num_pred)
    A = len(ALPHAS)
    potential = np.zeros((n_gt_ids, n_pr_ids, _J))
    gt_count = np.zeros((n_gt_ids, 1, _J))
    pr_count = np.zeros((1, n_pr_ids, _J))
    sims = []
    for f, g, p in zip(frames, gt_ids, pr_ids):
        with np.errstate(invalid='ignore'):
            sim = np.maximum(-1 / 0.5001 * f.dist + 1, 0)
        sims.append(sim)
        if len(p):
            denom = sim.sum(0)[None] + sim.sum(1)[:, None] - sim
            iou = np.zeros_like(sim)
            mask = denom > 0 + _EPS
            iou[mask] = sim[mask] / denom[mask]
            potential[g[:, None], p[None, :]] += iou
        if len(g):
            gt_count[g, 0] += _present(f.gt)
        if len(p):
            pr_count[0, p] += _present(f.pred)
    res = {
        k: np.zeros((A, _J))
        for k in ('HOTA_TP', 'HOTA_FN', 'HOTA_FP', 'LocA')
    }
    matches = np.zeros((A, n_gt_ids, n_pr_ids, _J))
    last = -np.ones((A, n_gt_ids, _J), dtype=np.int64)
    current = np.zeros((A, n_gt_ids, n_pr_ids, _J))
    frag_sq = np.zeros((A, n_gt_ids, n_pr_ids, _J))
    for t, (f, g, p, sim) in enumerate(zip(frames, gt_ids, pr_ids, sims)):
        if not len(g):
            res['HOTA_FP'] += num_pred
            continue
        if not len(p):
            res['HOTA_FN'] += num_gt
            continue
        n_gt_t = _present(f.gt).sum(0)
        n_pr_t = _present(f.pred).sum(0)
        for j in range(_J):
            cost = -sim[:, :, j]
            if not np.isfinite(cost).all():
                raise ValueError(
                    f'{name}: undefined similarity (a ground-truth '
                    f'bbox_head of size 0 at a predicted point) in labelled '
                    f'frame {t}; the official kit crashes there too')
            rows, cols = linear_sum_assignment(cost)
            s = sim[rows, cols, j]
            ok = s[None] >= ALPHAS[:, None] - _EPS  # (A, M)
            n = ok.sum(1)
            res['HOTA_TP'][:, j] += n
            res['HOTA_FN'][:, j] += n_gt_t[j] - n
            res['HOTA_FP'][:, j] += n_pr_t[j] - n
            res['LocA'][:, j] += (ok * s[None]).sum(1)
            a, m = np.nonzero(ok)
            gg, dd = g[rows][m], p[cols][m]
            matches[a, gg, dd, j] += 1
            new = last[a, gg, j] != dd
            an, gn, dn = a[new], gg[new], dd[new]
            frag_sq[an, gn, dn, j] += current[an, gn, dn, j]**2
            current[an, gn, dn, j] = 0
            last[an, gn, j] = dn
            current[a, gg, dd, j] += 1
    frag_sq += current**2
    union = np.maximum(1, gt_count + pr_count - matches)  # (A, G, D, J)
    tp = np.maximum(1, res['HOTA_TP'])
    res['AssA'] = (matches * matches / union).sum((1, 2)) / tp
    res['AssRe'] = (matches * matches / np.maximum(1, gt_count)).sum(
        (1, 2)) / tp
    res['AssPr'] = (matches * matches / np.maximum(1, pr_count)).sum(
        (1, 2)) / tp
    res['FragA'] = (frag_sq / union).sum((1, 2)) / tp
    res['LocA'] = np.maximum(1e-10, res['LocA']) / np.maximum(
        1e-10, res['HOTA_TP'])
    return _with_total(_final_fields(res))


def _combine_hota(per_seq: List[dict]) -> dict:
    """The kit's ``combine_sequences``: counts summed, association scores
    and LocA weighted by each sequence's TP, column by column."""
    res = {
        k: sum(r[k] for r in per_seq)
        for k in ('HOTA_TP', 'HOTA_FN', 'HOTA_FP')
    }
    tp = res['HOTA_TP']
    for k in ('AssRe', 'AssPr', 'AssA', 'FragA'):
        res[k] = sum(r[k] * r['HOTA_TP']
                     for r in per_seq) / np.maximum(1.0, tp)
    res['LocA'] = np.maximum(1e-10,
                             sum(r['LocA'] * r['HOTA_TP']
                                 for r in per_seq)) / np.maximum(1e-10, tp)
    return _final_fields(res)


# --------------------------------------------------------------------------
def load_posetrack21_folders(gt_dir: str, pred_dir: str):
    """Pairs of (ground truth, predictions) for every ``*.json`` of
    ``gt_dir``, the prediction file of the same name in ``pred_dir``, in
    the kit's (sorted) sequence order."""
    if not osp.isdir(gt_dir):
        raise ValueError(f'{gt_dir}: not a folder of ground-truth files')
    names = sorted(n for n in os.listdir(gt_dir) if n.endswith('.json'))
    if not names:
        raise ValueError(f'{gt_dir}: no .json ground-truth files')
    missing = [n for n in names if not osp.isfile(osp.join(pred_dir, n))]
    if missing:
        raise ValueError(
            f'{pred_dir}: no prediction file for {len(missing)} of the '
            f'{len(names)} sequences: {missing[:10]}')
    pairs = []
    for name in names:
        files = [osp.join(gt_dir, name), osp.join(pred_dir, name)]
        data = [load_json(path) for path in files]
        pairs.append(_read_pair(data[0], data[1], files[0], files[1], name))
    return pairs


def evaluate_posetrack21(pairs: Sequence[tuple], track: bool = False) -> dict:
    """The kit's numbers for ``(ground truth, predictions)`` pairs (from
    ``load_posetrack21_folders`` or ``read_posetrack21_pair``).

    Returns:
        dict: ``ap``, ``precision``, ``recall`` (J, ) per joint in
        ``KIT_JOINTS`` order; with ``track`` also ``hota``: field -> (A,
        J + 1) arrays (the last column the kit's Total); ``num_frames``.
    """
    if not pairs:
        raise ValueError('no sequence to evaluate')
    if not any(gt.image_ids for gt, _ in pairs):
        raise ValueError(
            f'no labelled frame to evaluate: no image of the '
            f'{len(pairs)} ground-truth sequences (e.g. {pairs[0][0].name}) '
            f'has "is_labeled": true (AP and HOTA of nothing would read 0)')
    sequences = [_frames(gt, pred) for gt, pred in pairs]
    out = pooled_ap(sequences)
    out['num_frames'] = sum(len(s) for s in sequences)
    if track:
        out['hota'] = _combine_hota([
            _hota_sequence(frames, gt.name)
            for frames, (gt, _) in zip(sequences, pairs)
        ])
    return out


def read_posetrack21_pair(gt_data: dict,
                          pred_data: dict,
                          name: str,
                          gt_where: str = '<ground truth>',
                          pred_where: str = '<predictions>') -> tuple:
    """One sequence's (ground truth, predictions) from their dicts."""
    return _read_pair(gt_data, pred_data, gt_where, pred_where, name)


def summarize_posetrack21(result: dict) -> Dict[str, float]:
    """Flat numbers: the joints' AP under poseval's names (``neck`` for
    head_bottom), ``'<Group> AP'``, ``'Total AP'``, ``'<Group> Precision'``
    / ``'<Group> Recall'``, and with tracking the kit's summary values of
    its Total column (mean over the thresholds, x100) under ``'HOTA'``,
    ``'DetA'``, ``'AssA'``, ...."""
    out = {
        _OUT_NAMES[n]: float(result['ap'][i])
        for i, n in enumerate(KIT_JOINTS)
    }
    for key, label in (('ap', 'AP'), ('precision', 'Precision'), ('recall',
                                                                  'Recall')):
        values = result[key]
        for group, members in GROUPS21.items():
            out[f'{group} {label}'] = float(
                np.mean([values[_IDX[m]] for m in members]))
        out[f'Total {label}'] = float(np.mean(values))
    if 'hota' in result:
        for field in HOTA_FIELDS:
            out[field] = float(100 * np.mean(result['hota'][field][:, -1]))
    return out


def format_table21(result: dict) -> str:
    """The kit's summary rows (AP, and with tracking HOTA, DetA, AssA, LocA
    Total) as a readable table."""
    summary = summarize_posetrack21(result)
    cols = list(GROUPS21) + ['Total']
    lines = [
        '| ' + ' | '.join(f'{c:>6s}' for c in [''] + cols) + ' |',
        '|' + '|'.join(['--------'] * (len(cols) + 1)) + '|', '| ' +
        ' | '.join(['    AP'] + [f'{summary[f"{c} AP"]:6.1f}'
                                 for c in cols]) + ' |'
    ]
    if 'hota' in result:
        lines.append('  '.join(f'{k} {summary[k]:.2f}'
                               for k in HOTA_FIELDS[:8]))
    return '\n'.join(lines)


def is_posetrack21_ground_truth(data: dict) -> bool:
    """Whether a loaded ground-truth file carries what PoseTrack21's kit
    reads: ``is_labeled`` and ignore regions on every image, ``bbox_head``
    and ``track_id`` on every annotation."""
    images = data.get('images') if isinstance(data, dict) else None
    if not isinstance(images, list) or not images:
        return False
    return all(
        isinstance(im, dict) and 'is_labeled' in im
        and 'ignore_regions_x' in im and 'ignore_regions_y' in im
        for im in images) and all(
            isinstance(a, dict) and 'bbox_head' in a and 'track_id' in a
            for a in data.get('annotations', []))
