# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Read PoseTrack ground-truth and prediction files into arrays.

Both on-disk formats are read into one structure, in the official tool's
(poseval's) joint order J = 15:

    0 right_ankle  1 right_knee  2 right_hip  3 left_hip  4 left_knee
    5 left_ankle   6 right_wrist 7 right_elbow 8 right_shoulder
    9 left_shoulder 10 left_elbow 11 left_wrist 12 neck (head_bottom)
    13 nose 14 head_top

- PoseTrack18/21 (COCO-like ``images`` / ``annotations`` / ``categories``):
  keypoints are mapped **by name** from the category's keypoint list
  (``left_ear`` / ``right_ear`` have no poseval id and are dropped). A
  keypoint is absent only when ``x == y == v == 0``. Person order within a
  frame is the order of ``annotations``; annotations whose ``image_id`` names
  no image are skipped with a warning, as the official tool skips them.
- PoseTrack17 (``annolist``): points carry their poseval ``id``; there is no
  zero test (a point at (0, 0) is a point). A rect without ``annopoints``
  (or with an empty list, or without ``point``) is a *point-less rect*: it
  still makes its frame count as labelled (see ``posetrack_eval``) but is no
  person.

Shape legend: P people in a frame, J = 15 joints.
"""
import glob
import json
import logging
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.logging import print_log

from ...posetrack_format import (MAX_TRACK_ID, MISSING_SCORE, NUM_JOINTS,
                                 POSEVAL_JOINTS, PT18_KEYPOINTS, is_number,
                                 parse_annolist_points, pt18_name_to_joint,
                                 unwrap)

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


class _FrameBuilder:
    """Collects people of one frame, then stacks them into a FrameData."""

    def __init__(self,
                 name: str,
                 ignore_regions: List[np.ndarray],
                 image_id: object = None,
                 attributes: Optional[dict] = None):
        self.name = name
        self.image_id = image_id
        self.attributes = attributes or {}
        self.ignore_regions = ignore_regions
        self.num_rects = 0
        self.people: List[tuple] = []

    def add(self, xy, has, scores, track_id, head_box) -> None:
        self.people.append((xy, has, scores, track_id, head_box))

    def build(self) -> FrameData:
        p = len(self.people)
        if p:
            xy, has, scores, tids, boxes = map(np.asarray, zip(*self.people))
        else:
            xy = np.zeros((0, NUM_JOINTS, 2))
            has = np.zeros((0, NUM_JOINTS), dtype=bool)
            scores = np.zeros((0, NUM_JOINTS))
            tids = np.zeros((0, ), dtype=np.int64)
            boxes = np.zeros((0, 4))
        return FrameData(
            name=self.name,
            num_rects=self.num_rects,
            xy=xy.astype(np.float64).reshape(p, NUM_JOINTS, 2),
            has=has.astype(bool).reshape(p, NUM_JOINTS),
            scores=scores.astype(np.float64).reshape(p, NUM_JOINTS),
            track_ids=tids.astype(np.int64).reshape(p),
            head_boxes=boxes.astype(np.float64).reshape(p, 4),
            ignore_regions=self.ignore_regions,
            image_id=self.image_id,
            attributes=self.attributes)


def _error(path: str, where: str, msg: str) -> ValueError:
    return ValueError(f'{path}: {where}: {msg}')


def _polygon(xs, ys, path: str, where: str) -> np.ndarray:
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise _error(
            path, where, 'ignore region x and y lists differ in '
            f'length ({xs.size} vs {ys.size})')
    return np.stack([xs, ys], axis=1)


def _check_annotation(ann: dict, path: str, where: str) -> None:
    """Values the bulk conversion below would otherwise reject with a raw
    NumPy error, or silently truncate."""
    for key in ('keypoints', 'scores'):
        bad = [v for v in ann.get(key) or [] if not is_number(v)]
        if bad:
            raise _error(path, where, f'"{key}" must hold numbers, found '
                         f'{bad[0]!r}')
    if not np.isfinite(ann['keypoints']).all():
        raise _error(path, where, '"keypoints" holds NaN or infinite values')
    track = ann.get('track_id')
    if track is not None and not (is_number(track)
                                  and float(track).is_integer()):
        raise _error(path, where, f'"track_id" must be an integer, got '
                     f'{track!r}')
    head = ann.get('bbox_head')
    if head is not None and (not isinstance(head,
                                            (list, tuple)) or len(head) != 4
                             or not all(is_number(v) for v in head)):
        raise _error(
            path, where, f'"bbox_head" must be four numbers '
            f'[x, y, w, h], got {head!r}')


def _parse_pt18(data: dict, path: str) -> List[FrameData]:
    for key in ('images', 'annotations', 'categories'):
        if key not in data:
            raise _error(
                path, 'top level', f'missing "{key}" (a PoseTrack18 '
                'file has images, annotations and categories)')
    if not data['categories'] or 'keypoints' not in data['categories'][0]:
        raise _error(path, 'categories[0]', 'missing the "keypoints" names')
    names = list(data['categories'][0]['keypoints'])
    unknown = [n for n in names if n not in PT18_KEYPOINTS]
    if unknown:
        print_log(
            f'{path}: keypoints {unknown} have no PoseTrack joint and are '
            'ignored, as the official tool ignores them',
            logger='current',
            level=logging.WARNING)
    # file keypoint index -> poseval id (-1: not evaluated)
    to_id = np.array(
        [pt18_name_to_joint(n) if n in PT18_KEYPOINTS else -1 for n in names])
    used = to_id >= 0

    frames: Dict[object, _FrameBuilder] = {}
    order = []
    for i, image in enumerate(data['images']):
        where = f'images[{i}]'
        if 'id' not in image:
            raise _error(path, where, 'missing "id"')
        regions = []
        xs_all = image.get('ignore_regions_x') or []
        ys_all = image.get('ignore_regions_y') or []
        if len(xs_all) != len(ys_all):
            raise _error(
                path, where, 'ignore_regions_x and ignore_regions_y '
                f'hold {len(xs_all)} and {len(ys_all)} polygons')
        for xs, ys in zip(xs_all, ys_all):
            regions.append(_polygon(xs, ys, path, where))
        if image['id'] in frames:
            raise _error(path, where, f'duplicate image id {image["id"]}')
        frames[image['id']] = _FrameBuilder(
            image.get('file_name', str(image['id'])), regions, image['id'],
            image)
        order.append(image['id'])

    # all annotations of the file at once: (A, K, 3) keypoints
    anns = data['annotations']
    if not isinstance(anns, list):
        raise _error(
            path, 'top level', f'"annotations" must be a list, got '
            f'{type(anns).__name__}')
    slot = {key: i for i, key in enumerate(order)}
    frame_of = np.array([slot.get(a.get('image_id'), -1) for a in anns],
                        dtype=np.int64)
    stray = [a.get('image_id') for a, f in zip(anns, frame_of) if f < 0]
    if stray:
        print_log(
            f'{path}: {len(stray)} annotations name image ids that are not '
            f'in "images" (e.g. {stray[0]}); they are skipped, as the '
            'official tool skips them',
            logger='current',
            level=logging.WARNING)
    num_kpts = len(names)
    for i, a in enumerate(anns):
        if frame_of[i] >= 0 and len(a.get('keypoints') or []) != 3 * num_kpts:
            raise _error(
                path, f'frame {frames[order[frame_of[i]]].name}, '
                f'annotations[{i}]', f'"keypoints" has '
                f'{len(a.get("keypoints") or [])} values, expected 3 x '
                f'{num_kpts} for the category\'s keypoint names')
        scores_i = a.get('scores') or []
        if frame_of[i] >= 0 and len(scores_i) not in (0, num_kpts):
            raise _error(
                path, f'frame {frames[order[frame_of[i]]].name}, '
                f'annotations[{i}]', f'"scores" has {len(scores_i)} values, '
                f'expected {num_kpts}')
        if frame_of[i] >= 0:
            _check_annotation(
                a, path, f'frame {frames[order[frame_of[i]]].name}, '
                f'annotations[{i}]')
    kept = [a for a, f in zip(anns, frame_of) if f >= 0]
    frame_of = frame_of[frame_of >= 0]
    kpts = np.array([a['keypoints'] for a in kept],
                    dtype=np.float64).reshape(len(kept), num_kpts, 3)
    present = ~((kpts[..., 0] == 0) & (kpts[..., 1] == 0) &
                (kpts[..., 2] == 0))
    xy = np.zeros((len(kept), NUM_JOINTS, 2))
    has = np.zeros((len(kept), NUM_JOINTS), dtype=bool)
    scores = np.full((len(kept), NUM_JOINTS), MISSING_SCORE)
    xy[:, to_id[used]] = kpts[:, used, :2]
    has[:, to_id[used]] = present[:, used]
    for i, a in enumerate(kept):
        if a.get('scores'):
            scores[i, to_id[used]] = np.asarray(
                a['scores'], dtype=np.float64)[used]
    boxes = np.full((len(kept), 4), np.nan)
    for i, a in enumerate(kept):
        if a.get('bbox_head') is not None:
            x, y, w, h = a['bbox_head']
            boxes[i] = (x, y, x + w, y + h)
    track_ids = np.array(
        [-1 if a.get('track_id') is None else a['track_id'] for a in kept],
        dtype=np.int64)

    out = []
    for f, key in enumerate(order):
        builder = frames[key]
        idx = np.nonzero(frame_of == f)[0]
        out.append(
            FrameData(
                name=builder.name,
                num_rects=len(idx),
                xy=xy[idx],
                has=has[idx],
                scores=scores[idx],
                track_ids=track_ids[idx],
                head_boxes=boxes[idx],
                ignore_regions=builder.ignore_regions,
                image_id=key,
                attributes=builder.attributes))
    return out


def _log_ignored_points(points, path: str, where: str) -> None:
    if points.repeated or points.unlabelled:
        print_log(
            f'{path}: {where}: {points.repeated} repeated joint ids (the '
            f'first point of an id is used) and {points.unlabelled} points '
            'without an id (skipped), as the official tool reads them',
            logger='current',
            level=logging.WARNING)


def _parse_pt17(data: dict, path: str) -> List[FrameData]:
    frames = []
    for i, item in enumerate(data['annolist']):
        where = f'annolist[{i}]'
        try:
            name = item['image'][0]['name']
        except (KeyError, IndexError, TypeError):
            raise _error(path, where, 'missing image[0].name') from None
        where = f'frame {name}'
        regions = []
        for region in item.get('ignore_regions') or []:
            points = region.get('point') or []
            regions.append(
                _polygon([unwrap(p['x'], path, where, 'x') for p in points],
                         [unwrap(p['y'], path, where, 'y') for p in points],
                         path, where))
        builder = _FrameBuilder(
            name,
            regions,
            attributes={
                k: v
                for k, v in item.items() if k != 'annorect'
            })
        for j, rect in enumerate(item.get('annorect') or []):
            builder.num_rects += 1
            annopoints = rect.get('annopoints')
            if not (annopoints and len(annopoints[0]) > 0
                    and 'point' in annopoints[0]):
                continue  # a point-less rect: counted, but no person
            points = parse_annolist_points(annopoints[0]['point'], path,
                                           f'{where}, annorect[{j}]')
            _log_ignored_points(points, path, f'{where}, annorect[{j}]')
            xy, has, scores = points.xy, points.has, points.scores
            box = np.full(4, np.nan)
            if all(k in rect for k in ('x1', 'y1', 'x2', 'y2')):
                box = np.array([
                    unwrap(rect[k], path, where, k)
                    for k in ('x1', 'y1', 'x2', 'y2')
                ],
                               dtype=np.float64)
            track_id = unwrap(
                rect.get('track_id', [-1]), path, where, 'track_id')
            builder.add(xy, has, scores, track_id, box)
        frames.append(builder.build())
    return frames


def parse_sequence(data: dict,
                   path: str,
                   name: Optional[str] = None) -> SequenceData:
    """Normalise one loaded sequence file (either format)."""
    if name is None:
        name = osp.splitext(osp.basename(path))[0]
    if not isinstance(data, dict):
        raise _error(path, 'top level', 'expected a JSON object')
    frames = _parse_pt17(data, path) if 'annolist' in data else \
        _parse_pt18(data, path)
    return SequenceData(name=name, path=path, frames=frames)


def load_sequence(path: str) -> SequenceData:
    """Read a PoseTrack17 or PoseTrack18/21 sequence file."""
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{path}: not valid JSON ({e})') from None
    return parse_sequence(data, path)


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
