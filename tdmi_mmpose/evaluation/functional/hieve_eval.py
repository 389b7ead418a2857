# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""A local HiEve pose evaluation (HiEve's own metric runs on its server and
is not public): per-joint AP over the 14 HiEve joints with PoseTrack's
matching (PCKh 0.5, each prediction keeps its best person, each person its
best prediction, AP pooled over videos; ``posetrack21_eval.pooled_ap``).

HiEve has no head boxes, so the distance is normalised by a head size
derived from the joints: ``HEAD_FROM_NOSE_CHEST`` x the nose-chest distance
where both are annotated, else ``HEAD_FROM_BOX`` x the diagonal of the
annotated joints' box. Both factors are this package's choice, stated in
docs/evaluation.md; numbers from it are not HiEve's official ones.

Shape legend: G ground-truth people, D predicted people, K = 14 joints.
"""
from typing import Dict, List, Sequence

import numpy as np

from ...posetrack_format import HIEVE_KEYPOINTS
from .posetrack21_eval import PoseFrame, pooled_ap

__all__ = ['hieve_head_sizes', 'evaluate_hieve', 'HIEVE_GROUPS']

HEAD_FROM_NOSE_CHEST = 1.0
HEAD_FROM_BOX = 0.15
_K = len(HIEVE_KEYPOINTS)
_IDX = {n: i for i, n in enumerate(HIEVE_KEYPOINTS)}
HIEVE_GROUPS = {
    'Head': ('nose', 'chest'),
    'Shou': ('left_shoulder', 'right_shoulder'),
    'Elb': ('left_elbow', 'right_elbow'),
    'Wri': ('left_wrist', 'right_wrist'),
    'Hip': ('left_hip', 'right_hip'),
    'Knee': ('left_knee', 'right_knee'),
    'Ankl': ('left_ankle', 'right_ankle'),
}


def hieve_head_sizes(poses: np.ndarray) -> np.ndarray:
    """(G, K, 3) annotated poses (third value > 0: annotated) -> (G, ) head
    sizes (see the module docstring); 0 for a person without joints."""
    present = poses[:, :, 2] > 0
    out = np.zeros(len(poses))
    nose, chest = _IDX['nose'], _IDX['chest']
    for g, (pose, has) in enumerate(zip(poses, present)):
        if has[nose] and has[chest]:
            out[g] = HEAD_FROM_NOSE_CHEST * np.linalg.norm(pose[nose, :2] -
                                                           pose[chest, :2])
        elif has.any():
            extent = pose[has, :2].max(0) - pose[has, :2].min(0)
            out[g] = HEAD_FROM_BOX * np.linalg.norm(extent)
    return out


def _frame(gt: np.ndarray, pred: np.ndarray) -> PoseFrame:
    """Annotated joints are those flagged in the ground truth's third value
    (HiEve leaves absent joints out); predictions carry scores there."""
    gt_xy = np.where(gt[:, :, 2:] > 0, gt, 0.0)
    heads = hieve_head_sizes(gt)
    both = (gt[:, None, :, 2] > 0) & (pred[None, :, :, 0] > 0) & (
        pred[None, :, :, 1] > 0)
    with np.errstate(divide='ignore', invalid='ignore'):
        dist = np.linalg.norm(
            gt_xy[:, None, :, :2] - pred[None, :, :, :2],
            axis=-1) / heads[:, None, None]
    # pooled_ap counts a ground-truth joint where x > 0 and y > 0
    gt_xy[gt[:, :, 2] <= 0] = 0
    return PoseFrame(
        np.arange(len(gt)), np.arange(len(pred)), gt_xy, pred,
        np.where(both & (heads[:, None, None] > 0), dist, np.inf))


def evaluate_hieve(videos: Sequence[List[tuple]]) -> Dict[str, float]:
    """AP per joint, per group and Total, x100.

    Args:
        videos: per video, its labelled frames as ``(ground truth (G, K,
            3), predictions (D, K, 3))``, the predictions' third value the
            joint score.
    """
    frames = [[
        _frame(
            np.asarray(g, float).reshape(-1, _K, 3),
            np.asarray(p, float).reshape(-1, _K, 3)) for g, p in video
    ] for video in videos]
    if not any(frames):
        raise ValueError('no labelled frame to evaluate')
    ap = pooled_ap(frames, _K)['ap']
    out = {name: float(ap[i]) for i, name in enumerate(HIEVE_KEYPOINTS)}
    for group, members in HIEVE_GROUPS.items():
        out[f'{group} AP'] = float(np.mean([ap[_IDX[m]] for m in members]))
    out['Total AP'] = float(np.mean(ap))
    return out
