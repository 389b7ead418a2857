# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack ground-truth and prediction files in the official tool's
(poseval's) joint order J = 15:

    0 right_ankle  1 right_knee  2 right_hip  3 left_hip  4 left_knee
    5 left_ankle   6 right_wrist 7 right_elbow 8 right_shoulder
    9 left_shoulder 10 left_elbow 11 left_wrist 12 neck (head_bottom)
    13 nose 14 head_top

Files are read and checked by ``posetrack_format.read_posetrack_file`` (the
reader the dataset and the PoseTrack21 metric use too), with poseval's one
choice on top: annotations whose ``image_id`` names no image are skipped with
a warning, as the official tool skips them. The ears have no poseval id and
are dropped; a PoseTrack18 keypoint is absent only when ``x == y == v == 0``;
a PoseTrack17 rect without points makes its frame count as labelled (see
``posetrack_eval``) but is no person.

Shape legend: P people in a frame, J = 15 joints.
"""
import glob
import os.path as osp
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

import numpy as np

from ...posetrack_format import (MAX_TRACK_ID, MISSING_SCORE, NUM_JOINTS,
                                 POSEVAL_JOINTS, PT18_KEYPOINTS,
                                 PoseTrackFrame, load_json, pt18_name_to_joint,
                                 read_posetrack_file)

__all__ = [
    'PT18_KEYPOINTS', 'pt18_name_to_joint', 'POSEVAL_JOINTS', 'NUM_JOINTS',
    'MAX_TRACK_ID', 'MISSING_SCORE', 'FrameData', 'SequenceData',
    'load_sequence', 'load_sequence_folder', 'parse_sequence', 'sequence_names'
]


@dataclass
class FrameData:
    """One frame of one sequence, normalised.

    Attributes:
        name (str): the image name as the file gives it.
        num_rects (int): person entries of any kind, point-less PoseTrack17
            rects included (the official tool drops a frame only when this
            is 0).
        xy (np.ndarray): (P, J, 2) joint coordinates.
        has (np.ndarray): (P, J) bool, the joint is present.
        scores (np.ndarray): (P, J) joint scores; MISSING_SCORE where the
            file gives none.
        track_ids (np.ndarray): (P, ) int, -1 where the file gives none.
        head_boxes (np.ndarray): (P, 4) x1, y1, x2, y2; NaN where missing.
        ignore_regions (list[np.ndarray]): polygons, each (N, 2).
        image_id: the PoseTrack18 image id (None in PoseTrack17 files).
        attributes (dict): the file's entry for the image (PoseTrack18
            ``images`` item, PoseTrack17 ``annolist`` item without its
            people), for selecting frames (``FrameSubset``).
    """
    name: str
    num_rects: int
    xy: np.ndarray
    has: np.ndarray
    scores: np.ndarray
    track_ids: np.ndarray
    head_boxes: np.ndarray
    ignore_regions: List[np.ndarray] = field(default_factory=list)
    image_id: object = None
    attributes: dict = field(default_factory=dict)

    @property
    def num_people(self) -> int:
        return self.xy.shape[0]


@dataclass
class SequenceData:
    """All frames of one sequence file, in file order."""
    name: str
    path: str
    frames: List[FrameData]


# PoseTrack18 keypoint index of each poseval joint (the ears have none)
_POSEVAL_FROM_PT18 = np.array([
    PT18_KEYPOINTS.index(name)
    for name in sorted(PT18_KEYPOINTS, key=pt18_name_to_joint)
    if pt18_name_to_joint(name) >= 0
])


def _poseval_frame(frame: PoseTrackFrame) -> FrameData:
    """A frame of the shared reader in poseval's joint order."""
    idx = _POSEVAL_FROM_PT18
    return FrameData(
        name=frame.name,
        num_rects=frame.num_rects,
        xy=frame.keypoints[:, idx, :2],
        has=frame.present[:, idx],
        scores=frame.scores[:, idx],
        track_ids=frame.track_ids,
        head_boxes=frame.head_boxes,
        ignore_regions=frame.ignore_regions,
        image_id=frame.image_id,
        attributes=frame.attributes)


def parse_sequence(data: dict,
                   path: str,
                   name: Optional[str] = None) -> SequenceData:
    """Normalise one loaded sequence file (either format; annotations of
    unknown images are skipped with a warning, as the official tool skips
    them)."""
    if name is None:
        name = osp.splitext(osp.basename(path))[0]
    file = read_posetrack_file(data, path, unknown_images='skip')
    return SequenceData(
        name=name, path=path, frames=[_poseval_frame(f) for f in file.frames])


def load_sequence(path: str) -> SequenceData:
    """Read a PoseTrack17 or PoseTrack18/21 sequence file."""
    return parse_sequence(load_json(path), path)


def sequence_names(folder: str) -> Sequence[str]:
    """Sequence file names (``*.json``) of a folder, sorted."""
    return sorted(
        osp.basename(p) for p in glob.glob(osp.join(folder, '*.json')))


def load_sequence_folder(folder: str) -> List[SequenceData]:
    """Every ``*.json`` sequence of a folder, in sorted name order."""
    names = sequence_names(folder)
    if not names:
        raise ValueError(f'{folder}: no *.json sequence files')
    return [load_sequence(osp.join(folder, n)) for n in names]
