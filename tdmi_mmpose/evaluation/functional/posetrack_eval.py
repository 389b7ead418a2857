# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack multi-person AP and MOTA, equal to the official tool (poseval).

MMPose's own ``PoseTrack18Metric`` calls poseval, which is not on PyPI. This
is an independent NumPy implementation of what poseval computes (see
``docs/posetrack_eval.md``), checked against numbers that
poseval printed. It reproduces poseval's documented behaviours on purpose,
because published PoseTrack numbers come from them:

- frames are paired with predictions by position; GT frames with no person
  entry are dropped together with the prediction frame at that position;
- joints inside ignore regions (strict interior, as shapely's ``contains``)
  are removed on both sides; on such frames people left without joints are
  removed, joint-less people elsewhere stay;
- per frame, each prediction keeps only its best GT by PCKh (first on ties)
  and each GT takes the best remaining prediction: a one-shot mutual-best
  assignment, not Hungarian, blind to person scores;
- a predicted joint whose GT joint is not annotated is a false positive;
- AP is the all-point VOC AP; Total is the NaN-skipping mean of the 15
  joints (not of the 7 groups); a joint with neither GT nor predictions has
  AP 0 and counts in Total;
- MOTA: the last evaluated frame of each sequence is not tracked; a frame
  where one side is empty adds one miss and one false positive per joint;
  MOTP's distance sum includes motmetrics' raw (candidate-pair) events, as
  poseval's does.

Ties in score: poseval sorts with NumPy's unstable ``argsort()[::-1]``, whose
tie order depends on the CPU and on file order. Here ties keep pooled order
(sequences in the given order, frames, then people), which is deterministic
everywhere; numbers differ from poseval's only where equal scores mix
correct and wrong joints.

Where poseval crashes (a sequence with one evaluated frame, for MOTA), this
skips the sequence's tracking with a warning instead.

Shape legend: Pp predicted people, Pg GT people, J = 15 joints.
"""
import logging
import os.path as osp
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log
from scipy.optimize import linear_sum_assignment

from ...posetrack_format import frame_key, points_in_regions
from .frame_subsets import FrameSubset
from .posetrack_io import (MAX_TRACK_ID, NUM_JOINTS, POSEVAL_JOINTS, FrameData,
                           SequenceData, load_sequence, load_sequence_folder)

__all__ = [
    'GROUPS', 'PCKH_THRESHOLD', 'evaluate_posetrack',
    'evaluate_posetrack_folders', 'summarize', 'format_table', 'voc_ap',
    'group_means', 'MOTAccumulator'
]

PCKH_THRESHOLD = 0.5
# Groups as the official tool prints them, by poseval joint id.
GROUPS = {
    'Head': (14, 12, 13),
    'Shou': (9, 8),
    'Elb': (10, 7),
    'Wri': (11, 6),
    'Hip': (3, 2),
    'Knee': (4, 1),
    'Ankl': (5, 0),
}


# --------------------------------------------------------------------------
# validation and clean-up
# --------------------------------------------------------------------------
def _name_key(name: str) -> Optional[str]:
    """``'<folder>/<file>'`` (or ``'<file>'``) of a frame name; None when
    the name is no file name (e.g. an image id written as the name)."""
    key = frame_key(name)
    return key if '.' in key.split('/')[-1] else None


def _check_names(gt: SequenceData, pred: SequenceData) -> None:
    """Frames are paired by position, as the official tool does; where both
    sides name a frame, the names must agree (the folder too, where both
    give one), else the prediction is scored against the wrong frame."""
    for i, (g, p) in enumerate(zip(gt.frames, pred.frames)):
        gk, pk = _name_key(g.name), _name_key(p.name)
        if gk is None or pk is None:
            continue
        if '/' not in gk or '/' not in pk:
            gk, pk = gk.split('/')[-1], pk.split('/')[-1]
        if gk != pk:
            raise ValueError(
                f'sequence {gt.name}: frame {i} of the prediction file '
                f'{pred.path} is {p.name!r}, of the ground truth {gt.path} '
                f'{g.name!r}; frames are paired by position, so the '
                f'prediction must list the same images in the same order '
                f'(pair_by_position=True / --pair-by-position skips this '
                f'check, as the official tool does)')


def _check_pair(gt: SequenceData,
                pred: SequenceData,
                pair_by_position: bool = False) -> None:
    if len(gt.frames) != len(pred.frames):
        raise ValueError(
            f'sequence {gt.name}: the prediction file {pred.path} has '
            f'{len(pred.frames)} frames, the ground truth {gt.path} has '
            f'{len(gt.frames)}; frames are paired by position, so the '
            'prediction must list the same images in the same order')
    if not pair_by_position:
        _check_names(gt, pred)
    for frame in pred.frames:
        where = f'sequence {gt.name}, frame {frame.name} ({pred.path})'
        ids = frame.track_ids[frame.track_ids >= 0]
        if (ids >= MAX_TRACK_ID).any():
            raise ValueError(f'{where}: track ids must be < {MAX_TRACK_ID} '
                             f'(as in the official tool), got {ids.max()}')
        if len(np.unique(ids)) != len(ids):
            raise ValueError(f'{where}: non-unique track ids {ids.tolist()}')
        bad = frame.has & ~np.isfinite(frame.xy).all(-1)
        if bad.any():
            raise ValueError(f'{where}: NaN or infinite coordinates for '
                             f'joints {np.nonzero(bad.any(0))[0].tolist()}')
        if np.isnan(frame.scores[frame.has]).any():
            raise ValueError(f'{where}: NaN joint scores')


def _remove_ignored(frame: FrameData) -> FrameData:
    """Drop joints in ignore regions, then people left without joints."""
    if not frame.ignore_regions or frame.num_people == 0:
        return frame
    inside = points_in_regions(frame.xy.reshape(-1, 2),
                               frame.ignore_regions).reshape(frame.has.shape)
    has = frame.has & ~inside
    keep = has.any(axis=1)
    return FrameData(frame.name, frame.num_rects, frame.xy[keep], has[keep],
                     frame.scores[keep], frame.track_ids[keep],
                     frame.head_boxes[keep], frame.ignore_regions)


def _evaluated_frames(gt: SequenceData,
                      pred: SequenceData,
                      frames: Optional[FrameSubset] = None
                      ) -> List[Tuple[FrameData, FrameData]]:
    """The (GT, prediction) frame pairs the official tool evaluates; with
    ``frames``, only those whose GT frame is in that subset (selected after
    pairing, so pairing is the official tool's)."""
    pairs = []
    for g, p in zip(gt.frames, pred.frames):
        if g.num_rects == 0 or (frames is not None and not frames.selects(g)):
            continue
        # ignore regions are the GT frame's, applied to both sides
        p = FrameData(p.name, p.num_rects, p.xy, p.has, p.scores, p.track_ids,
                      p.head_boxes, g.ignore_regions)
        pairs.append((_remove_ignored(g), _remove_ignored(p)))
    return pairs


# --------------------------------------------------------------------------
# per-frame matching
# --------------------------------------------------------------------------
@dataclass
class _FrameMatch:
    """What one frame contributes.

    scores, labels: (Pp, J) joint scores and correctness of every predicted
        person's joints; only entries where ``pred_has`` count.
    dist: (Pp, Pg, J) normalised distances, inf where a side lacks the joint.
    correct: (Pp, Pg, J) dist <= threshold.
    """
    pred_has: np.ndarray
    gt_has: np.ndarray
    scores: np.ndarray
    labels: np.ndarray
    dist: np.ndarray
    correct: np.ndarray


def _match_frame(gt: FrameData, pred: FrameData, seq: str) -> _FrameMatch:
    num_pred, num_gt = pred.num_people, gt.num_people
    labels = np.zeros((num_pred, NUM_JOINTS), dtype=bool)
    dist = np.full((num_pred, num_gt, NUM_JOINTS), np.inf)
    if num_pred and num_gt:
        boxes = gt.head_boxes
        if np.isnan(boxes).any():
            raise ValueError(f'sequence {seq}, frame {gt.name}: a GT person '
                             'has no head box (bbox_head / x1..y2), needed '
                             'for PCKh')
        # head size = 0.6 x head-box diagonal
        head = 0.6 * np.hypot(boxes[:, 2] - boxes[:, 0],
                              boxes[:, 3] - boxes[:, 1])  # (Pg, )
        # (Pp, 1, J, 2) - (1, Pg, J, 2) -> (Pp, Pg, J)
        diff = pred.xy[:, None] - gt.xy[None]
        both = pred.has[:, None] & gt.has[None]
        with np.errstate(divide='ignore', invalid='ignore'):
            norm = np.sqrt((diff**2).sum(-1)) / head[None, :, None]
        dist = np.where(both, norm, np.inf)
    correct = dist <= PCKH_THRESHOLD

    if num_pred and num_gt:
        # PCKh of each prediction against each GT, over the GT's joints
        num_gt_joints = gt.has.sum(axis=1)  # (Pg, )
        pck = correct.sum(axis=2).astype(np.float64)  # (Pp, Pg)
        pck = np.where(num_gt_joints[None] > 0,
                       pck / np.maximum(num_gt_joints[None], 1), pck)
        # each prediction keeps only its favourite GT (first on ties) ...
        favourite = np.argmax(pck, axis=1)
        pck = np.where(np.arange(num_gt)[None] == favourite[:, None], pck, 0.0)
        # ... then each GT takes the best prediction left (first on ties)
        pred_of_gt = np.argmax(pck, axis=0)
        matched = pck.max(axis=0) > 0
        for g in np.nonzero(matched)[0]:
            labels[pred_of_gt[g]] = correct[pred_of_gt[g], g]
    return _FrameMatch(pred.has, gt.has, pred.scores, labels, dist, correct)


# --------------------------------------------------------------------------
# AP
# --------------------------------------------------------------------------
def voc_ap(scores: np.ndarray, labels: np.ndarray,
           num_positives: float) -> Tuple[float, float, float]:
    """All-point VOC AP, last precision and last recall, each x100.

    Ties in ``scores`` keep their given order. With no predictions all three
    are 0 (the official tool's value); with predictions but no positives,
    recall and AP are NaN.
    """
    if len(scores) == 0:
        return 0.0, 0.0, 0.0
    order = np.argsort(-scores, kind='stable')
    true_pos = np.cumsum(labels[order])
    with np.errstate(divide='ignore', invalid='ignore'):
        recall = true_pos / np.float64(num_positives)
    precision = true_pos / np.arange(1, len(order) + 1)
    return voc_area(precision, recall)


def voc_area(precision: np.ndarray,
             recall: np.ndarray) -> Tuple[float, float, float]:
    """All-point VOC AP of a ranked precision / recall curve, its last
    precision and last recall, each x100 (shared by poseval's and
    PoseTrack21's AP)."""
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.nonzero(mrec[1:] != mrec[:-1])[0] + 1
    ap = np.sum((mrec[steps] - mrec[steps - 1]) * mpre[steps])
    return float(ap * 100), float(precision[-1] * 100), float(recall[-1] * 100)


def group_means(per_joint: np.ndarray) -> Dict[str, float]:
    """The 7 group means (NaN if any member is NaN) and Total, the
    NaN-skipping mean of the 15 joints."""
    out = {
        name: float(np.mean(per_joint[list(ids)]))
        for name, ids in GROUPS.items()
    }
    with warnings.catch_warnings():  # all-NaN input: Total is NaN
        warnings.simplefilter('ignore', RuntimeWarning)
        out['Total'] = float(np.nanmean(per_joint))
    return out


# --------------------------------------------------------------------------
# MOTA
# --------------------------------------------------------------------------
def _lsa_with_missing_edges(
        costs: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """motmetrics' scipy solver: non-finite costs become one large constant
    (so that scipy sees the same matrix, ties included), then pairs on
    missing edges are dropped."""
    valid = np.isfinite(costs)
    if not valid.any():
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    if not valid.all():
        big = 2 * min(costs.shape) * (np.abs(costs[valid]).max() + 1) + 1
        costs = np.where(valid, costs, big)
    rows, cols = linear_sum_assignment(costs)
    keep = valid[rows, cols]
    return rows[keep], cols[keep]


class MOTAccumulator:
    """The CLEAR-MOT bookkeeping of ``motmetrics.MOTAccumulator`` (1.4, the
    version poseval runs), reduced to the totals poseval reads.

    Per update: first keep last frame's correspondences where still within
    reach, then solve the rest with the Hungarian method; a match of an
    object to another hypothesis than its last is a switch (at any gap).

    ``dist_sum`` is what poseval sums as ``acc.events['D']``: the distances
    of matches and switches, of motmetrics' extra ASCEND / TRANSFER /
    MIGRATE events, and of every raw candidate pair.
    """

    def __init__(self):
        self.misses = self.switches = self.false_positives = 0
        self.objects = self.matches = 0
        self.dist_sum = 0.0
        self._last_hyp: Dict[int, int] = {}  # object -> last matched hyp
        self._last_obj: Dict[int, int] = {}  # hyp -> last matched object
        self._matched_objects = set()
        self._seen_hyps = set()

    def update(self, oids: Sequence[int], hids: Sequence[int],
               dists: np.ndarray) -> None:
        """Args: (No, ) object ids, (Nh, ) hypothesis ids, (No, Nh)
        distances with NaN for pairs that cannot match."""
        oids = [int(o) for o in oids]
        hids = [int(h) for h in hids]
        self.objects += len(oids)
        if not (oids and hids):
            self.misses += len(oids)
            self.false_positives += len(hids)
            return
        dists = np.asarray(
            dists, dtype=np.float64).reshape(len(oids), len(hids))
        finite = np.isfinite(dists)
        self.dist_sum += float(dists[finite].sum())  # raw events
        o_done = np.zeros(len(oids), dtype=bool)
        h_done = np.zeros(len(hids), dtype=bool)
        # 1. re-establish last frame's correspondences
        for i, o in enumerate(oids):
            last = self._last_hyp.get(o)
            if last is None:
                continue
            j = next(
                (j for j, h in enumerate(hids) if h == last and not h_done[j]),
                None)
            if j is not None and finite[i, j]:
                o_done[i] = h_done[j] = True
                self._record(o, last, dists[i, j], switch=False)
        # 2. Hungarian on what is left
        rest = finite & ~o_done[:, None] & ~h_done[None, :]
        if rest.any():
            if (rest.sum(0) <= 1).all() and (rest.sum(1) <= 1).all():
                # disjoint candidate pairs: the assignment takes them all
                rows, cols = np.nonzero(rest)
            else:
                rows, cols = _lsa_with_missing_edges(
                    np.where(rest, dists, np.nan))
            for i, j in zip(rows.tolist(), cols.tolist()):
                o, h, d = oids[i], hids[j], dists[i, j]
                switch = o in self._last_hyp and self._last_hyp[o] != h
                if switch and h not in self._seen_hyps:
                    self.dist_sum += d  # ASCEND event
                if h in self._last_obj and self._last_obj[h] != o:
                    if o not in self._matched_objects:
                        self.dist_sum += d  # MIGRATE event
                    self.dist_sum += d  # TRANSFER event
                o_done[i] = h_done[j] = True
                self._last_obj[h] = o
                self._record(o, h, d, switch)
        self.misses += int((~o_done).sum())
        self.false_positives += int((~h_done).sum())

    def _record(self, o: int, h: int, d: float, switch: bool) -> None:
        self.matches += 1
        self.switches += int(switch)
        self.dist_sum += d
        self._last_hyp[o] = h
        self._matched_objects.add(o)
        self._seen_hyps.add(h)


def _frame_mot_inputs(gt: FrameData, pred: FrameData,
                      match: _FrameMatch) -> list:
    """Per joint: object ids, hypothesis ids and (No, Nh) distances (NaN
    where not within the threshold) of one frame; the official tool's
    stand-in (one object, one hypothesis, no match) when either side is
    empty."""
    if gt.num_people == 0 or pred.num_people == 0:
        dummy = ([0], [0], np.full((1, 1), np.nan))
        return [dummy] * NUM_JOINTS
    # (Pp, Pg, J) -> (J, Pg, Pp)
    reachable = np.where(match.correct, match.dist, np.nan).transpose(2, 1, 0)
    inputs = []
    for j in range(NUM_JOINTS):
        gi = np.nonzero(gt.has[:, j])[0]
        pi = np.nonzero(pred.has[:, j])[0]
        inputs.append(
            (gt.track_ids[gi], pred.track_ids[pi], reachable[j][gi][:, pi]))
    return inputs


# --------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------
def evaluate_posetrack(gt_seqs: Sequence[SequenceData],
                       pred_seqs: Sequence[SequenceData],
                       track: bool = False,
                       pair_by_position: bool = False,
                       frames: Optional[FrameSubset] = None) -> dict:
    """Evaluate predictions against ground truth, sequence by sequence.

    Args:
        gt_seqs: ground-truth sequences.
        pred_seqs: predictions, one per GT sequence, in the same order.
        track: also compute MOTA / MOTP / precision / recall.
        pair_by_position: pair frames by position only, as the official
            tool does; by default the frame names must also agree where
            both files give them.
        frames: evaluate on these ground-truth frames only (see
            ``FrameSubset``; call its ``check`` first to refuse unknown
            frames). Defaults to None (all).

    Returns:
        dict: ``ap``, ``precision``, ``recall`` (each (J, ) arrays in poseval
        joint order), ``ap_groups`` (7 groups + Total), ``num_frames`` (the
        evaluated frames), and with ``track``
        ``mota``, ``motp``, ``mot_precision``, ``mot_recall`` (arrays) and
        their ``*_groups``.
    """
    if len(gt_seqs) != len(pred_seqs):
        raise ValueError(f'{len(gt_seqs)} GT sequences but '
                         f'{len(pred_seqs)} prediction sequences')
    pooled_scores: List[np.ndarray] = []
    pooled_labels: List[np.ndarray] = []
    pooled_has: List[np.ndarray] = []
    positives = np.zeros(NUM_JOINTS)
    trackers = [MOTAccumulator() for _ in range(NUM_JOINTS)]
    num_frames = 0

    for gt, pred in zip(gt_seqs, pred_seqs):
        _check_pair(gt, pred, pair_by_position)
        pairs = _evaluated_frames(gt, pred, frames)
        num_frames += len(pairs)
        matches = [_match_frame(g, p, gt.name) for g, p in pairs]
        for (g, _), m in zip(pairs, matches):
            pooled_scores.append(m.scores)
            pooled_labels.append(m.labels)
            pooled_has.append(m.pred_has)
            positives += g.has.sum(axis=0)
        if track:
            _track_sequence(gt, pairs, matches, trackers)

    if num_frames == 0 and frames is None:
        names = ', '.join(g.name for g in gt_seqs[:3])
        raise ValueError(
            f'nothing to evaluate: no sequence ({len(gt_seqs)}: {names}'
            f'{", ..." if len(gt_seqs) > 3 else ""}) has a frame with '
            f'ground-truth people; an AP over no frame would read 0.0')
    scores = np.concatenate(pooled_scores) if pooled_scores else np.zeros(
        (0, NUM_JOINTS))
    labels = np.concatenate(pooled_labels) if pooled_labels else np.zeros(
        (0, NUM_JOINTS), dtype=bool)
    has = np.concatenate(pooled_has) if pooled_has else np.zeros(
        (0, NUM_JOINTS), dtype=bool)
    ap, precision, recall = np.zeros((3, NUM_JOINTS))
    for j in range(NUM_JOINTS):
        ap[j], precision[j], recall[j] = voc_ap(scores[has[:, j], j],
                                                labels[has[:, j],
                                                       j], positives[j])
    result = dict(
        ap=ap,
        precision=precision,
        recall=recall,
        ap_groups=group_means(ap),
        positives=positives,
        num_frames=num_frames)
    if track:
        result.update(_mot_summary(trackers))
    return result


def _track_sequence(gt: SequenceData, pairs, matches,
                    trackers: List[MOTAccumulator]) -> None:
    if len(pairs) < 2:
        if len(pairs) == 1:
            print_log(
                f'sequence {gt.name} has one evaluated frame and is left out '
                'of MOTA (the official tool crashes on it with IndexError)',
                logger='current',
                level=logging.WARNING)
        return
    for (g, p), m in zip(pairs, matches):
        for frame, kind in ((g, 'ground truth'), (p, 'prediction')):
            if frame.num_people and (frame.track_ids < 0).any():
                raise ValueError(f'sequence {gt.name}, frame {frame.name}: '
                                 f'a {kind} person has no track_id; MOTA '
                                 'needs track ids')
    per_joint = [MOTAccumulator() for _ in range(NUM_JOINTS)]
    # the last evaluated frame is not tracked (as in the official tool)
    for (g, p), m in zip(pairs[:-1], matches[:-1]):
        for acc, inputs in zip(per_joint, _frame_mot_inputs(g, p, m)):
            acc.update(*inputs)
    for total, acc in zip(trackers, per_joint):
        total.misses += acc.misses
        total.switches += acc.switches
        total.false_positives += acc.false_positives
        total.objects += acc.objects
        total.matches += acc.matches
        total.dist_sum += acc.dist_sum


def _mot_summary(trackers: List[MOTAccumulator]) -> dict:
    miss, switch, fp, obj, det, dsum = (
        np.array([getattr(t, k) for t in trackers], dtype=np.float64)
        for k in ('misses', 'switches', 'false_positives', 'objects',
                  'matches', 'dist_sum'))
    with np.errstate(divide='ignore', invalid='ignore'):
        # a joint without objects has MOTA NaN in the official tool
        mota = np.where(obj == 0, np.nan,
                        100 * (1.0 - (miss + switch + fp) / obj))
        motp = np.where(det == 0, 0.0, 100 * (1.0 - dsum / det))
        prec = 100 * det / (det + fp)
        rec = 100 * det / obj
    return dict(
        mota=mota,
        motp=motp,
        mot_precision=prec,
        mot_recall=rec,
        mota_groups=group_means(mota),
        motp_groups=group_means(motp),
        mot_precision_groups=group_means(prec),
        mot_recall_groups=group_means(rec))


def evaluate_posetrack_folders(gt_dir: str,
                               pred_dir: str,
                               track: bool = False,
                               pair_by_position: bool = False,
                               frames=None) -> dict:
    """Evaluate every ``*.json`` sequence of ``gt_dir`` against the file of
    the same name in ``pred_dir`` (sequences in sorted name order); see
    ``evaluate_posetrack`` for ``pair_by_position``; ``frames``: a subset
    spec (``FrameSubset.build``), checked against ``gt_dir``."""
    gts = load_sequence_folder(gt_dir)
    if frames is not None:
        frames = FrameSubset.build(frames)
        frames.check(gts)
    names = [osp.basename(g.path) for g in gts]
    missing = [n for n in names if not osp.isfile(osp.join(pred_dir, n))]
    if missing:
        raise ValueError(
            f'{pred_dir}: no prediction file for {len(missing)} of '
            f'{len(names)} sequences, e.g. {missing[0]}; write one per '
            'ground-truth sequence (with the same images in the same order)')
    preds = [load_sequence(osp.join(pred_dir, n)) for n in names]
    return evaluate_posetrack(
        gts,
        preds,
        track=track,
        pair_by_position=pair_by_position,
        frames=frames)


def summarize(result: dict) -> Dict[str, float]:
    """Flat, named numbers: the 15 joints' AP under poseval's joint names,
    ``'<Group> AP'`` and ``'Total AP'``, and with tracking ``'Total MOTA'``,
    ``'Total MOTP'``, ``'Total Prec'``, ``'Total Rec'`` and
    ``'<Group> MOTA'``."""
    out = {name: float(v) for name, v in zip(POSEVAL_JOINTS, result['ap'])}
    out.update({f'{g} AP': v for g, v in result['ap_groups'].items()})
    if 'mota' in result:
        out.update({f'{g} MOTA': v for g, v in result['mota_groups'].items()})
        out['Total MOTP'] = result['motp_groups']['Total']
        out['Total Prec'] = result['mot_precision_groups']['Total']
        out['Total Rec'] = result['mot_recall_groups']['Total']
    return out


def format_table(result: dict) -> str:
    """The official tool's summary rows as a readable table."""
    cols = list(GROUPS) + ['Total']
    lines = [
        '| ' + ' | '.join(f'{c:>6s}' for c in [''] + cols) + ' |',
        '|' + '|'.join(['--------'] * (len(cols) + 1)) + '|'
    ]
    rows = [('AP', result['ap_groups'])]
    if 'mota' in result:
        rows += [('MOTA', result['mota_groups']),
                 ('MOTP', result['motp_groups']),
                 ('Prec', result['mot_precision_groups']),
                 ('Rec', result['mot_recall_groups'])]
    for label, values in rows:
        lines.append('| ' + ' | '.join([f'{label:>6s}'] +
                                       [f'{values[c]:6.1f}'
                                        for c in cols]) + ' |')
    return '\n'.join(lines)
