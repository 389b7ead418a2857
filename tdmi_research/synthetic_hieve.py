# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""A small HiEve-format sample from the synthetic PoseTrack generator: mp4
videos and HiEve pose-track files (14 keypoints), for the tests and for
trying the HiEve converter without the dataset.

    <root>/videos/<split>/<video>.mp4
    <root>/annotations/<split>/<video>.json      (not for the test split)

Image names are ``<6-digit 0-based frame>.jpg``; the chest is the midpoint
of the shoulders where both are present.
"""
import json
import os
import os.path as osp
import tempfile
from typing import Dict

import cv2
import numpy as np

from tdmi_mmpose.posetrack_format import HIEVE_KEYPOINTS, PT18_KEYPOINTS
from .synthetic import generate_synthetic_posetrack

__all__ = ['generate_synthetic_hieve']


def _hieve_points(kpts17: np.ndarray) -> list:
    """(17, 3) PoseTrack keypoints -> HiEve points (present joints only)."""
    by_name = dict(zip(PT18_KEYPOINTS, kpts17))
    shoulders = [by_name['left_shoulder'], by_name['right_shoulder']]
    if all(s[2] > 0 for s in shoulders):
        by_name['chest'] = (shoulders[0] + shoulders[1]) / 2
    points = []
    for j, name in enumerate(HIEVE_KEYPOINTS):
        k = by_name.get(name)
        if k is not None and k[2] > 0:
            points.append(
                dict(
                    id=[j],
                    x=[round(float(k[0]), 2)],
                    y=[round(float(k[1]), 2)],
                    score=[1.0]))
    return points


def generate_synthetic_hieve(root: str,
                             splits: Dict[str, int] = None,
                             num_frames: int = 12,
                             seed: int = 0,
                             fps: float = 10.0) -> str:
    """Write the sample under ``root`` (see the module docstring).

    Args:
        splits: videos per split, e.g. ``dict(train=3, test=1)``.
    """
    splits = splits or dict(train=3, test=1)
    with tempfile.TemporaryDirectory() as tmp:
        pt_splits = {
            ('train' if s == 'train' else 'val'): n
            for s, n in splits.items()
        }
        generate_synthetic_posetrack(
            tmp, splits=pt_splits, num_frames=num_frames, seed=seed)
        for split in splits:
            source = 'train' if split == 'train' else 'val'
            ann_dir = osp.join(tmp, 'annotations', source)
            for seq in sorted(os.listdir(ann_dir)):
                with open(osp.join(ann_dir, seq)) as f:
                    data = json.load(f)
                video = osp.splitext(seq)[0]
                _write_video(tmp, data, root, split, video, fps)
                if split == 'test':
                    continue
                _write_annotations(data, root, split, video)
    return root


def _write_video(tmp, data, root, split, video, fps) -> None:
    os.makedirs(osp.join(root, 'videos', split), exist_ok=True)
    path = osp.join(root, 'videos', split, f'{video}.mp4')
    writer = None
    for image in data['images']:
        frame = cv2.imread(osp.join(tmp, image['file_name']))
        if writer is None:
            h, w = frame.shape[:2]
            writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'),
                                     fps, (w, h))
        writer.write(frame)
    writer.release()


def _write_annotations(data, root, split, video) -> None:
    people = {}
    for ann in data['annotations']:
        people.setdefault(ann['image_id'], []).append(ann)
    annolist = []
    for t, image in enumerate(data['images']):
        rects = []
        for ann in people.get(image['id'], []):
            kpts = np.asarray(ann['keypoints'], float).reshape(17, 3)
            x, y, w, h = ann['bbox']
            rects.append(
                dict(
                    x1=[x],
                    y1=[y],
                    x2=[x + w],
                    y2=[y + h],
                    score=[1.0],
                    track_id=[int(ann['track_id'])],
                    annopoints=[dict(point=_hieve_points(kpts))]))
        annolist.append(
            dict(image=[dict(name=f'{t:06d}.jpg')], annorect=rects))
    os.makedirs(osp.join(root, 'annotations', split), exist_ok=True)
    with open(osp.join(root, 'annotations', split, f'{video}.json'), 'w') as f:
        json.dump(dict(annolist=annolist), f)
