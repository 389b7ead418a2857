# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""HiEve's pose-track files: its 14 keypoints, the reader, the converter to
the COCO-like per-video file the HiEve datasets read, and the writer of
predictions in HiEve's layout.

HiEve publishes pose tracks per video as JSON laid out like PoseTrack17's
``annolist``: ``annolist[].image[0].name``; ``annorect[]`` with ``x1``,
``y1``, ``x2``, ``y2``, ``score``, ``track_id`` and
``annopoints[0].point[]`` (``id``, ``x``, ``y``, ``score``); every value
wrapped in a one-element list; absent joints left out; joint ids 0-13 in
``HIEVE_KEYPOINTS`` order. docs/data.md says what of the format is
verified and what is assumed.

Shape legend: N people, K = 14 keypoints.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np

from .json_files import load_json
from .posetrack_annolist import is_number, unwrap

__all__ = [
    'HIEVE_KEYPOINTS', 'HIEVE_LINKS', 'read_hieve_annolist', 'load_hieve_file',
    'hieve_to_coco', 'hieve_submission'
]

HIEVE_KEYPOINTS = ('nose', 'chest', 'right_shoulder', 'right_elbow',
                   'right_wrist', 'left_shoulder', 'left_elbow', 'left_wrist',
                   'right_hip', 'right_knee', 'right_ankle', 'left_hip',
                   'left_knee', 'left_ankle')
_K = len(HIEVE_KEYPOINTS)
# the skeleton (pairs of keypoint names)
HIEVE_LINKS = [('nose', 'chest'), ('chest', 'right_shoulder'),
               ('right_shoulder', 'right_elbow'),
               ('right_elbow', 'right_wrist'), ('chest', 'left_shoulder'),
               ('left_shoulder', 'left_elbow'), ('left_elbow', 'left_wrist'),
               ('chest', 'right_hip'), ('right_hip', 'right_knee'),
               ('right_knee', 'right_ankle'), ('chest', 'left_hip'),
               ('left_hip', 'left_knee'), ('left_knee', 'left_ankle'),
               ('right_hip', 'left_hip')]


def _unwrap(value, where: str, field: str):
    """``unwrap`` with ``where`` already naming the file."""
    return unwrap(value, where, '', field)


def _number(rect: dict, field: str, where: str) -> float:
    value = _unwrap(rect.get(field), where, field)
    if not is_number(value) or not np.isfinite(value):
        raise ValueError(f'{where}: "{field}" must be a finite number, got '
                         f'{value!r}')
    return float(value)


def read_hieve_annolist(data: dict, path: str) -> List[dict]:
    """A HiEve pose-track file -> its frames, in file order.

    Returns:
        list[dict]: per frame ``name`` (``image[0].name``) and ``people``,
        each with ``track_id``, ``bbox`` (x1, y1, x2, y2), ``score`` and
        ``keypoints`` (K, 3): x, y, 1 for annotated joints, 0 elsewhere.

    Raises:
        ValueError: naming the file, frame and rectangle, for a missing or
            malformed field, a joint id outside 0..13, a repeated joint id,
            two entries naming one frame (their people would be attached
            to one frame and the other's left empty).
    """
    if not isinstance(data, dict) or not isinstance(
            data.get('annolist'), list):
        raise ValueError(f'{path}: expected a HiEve file with an "annolist" '
                         'list')
    frames, first = [], {}
    for i, item in enumerate(data['annolist']):
        try:
            name = _unwrap(item['image'], path, 'image')['name']
            name = _unwrap(name, path, 'name')
        except (KeyError, TypeError):
            raise ValueError(
                f'{path}: annolist[{i}] has no image[0].name') from None
        if name in first:
            raise ValueError(f'{path}: annolist[{i}] names the frame {name!r}'
                             f' of annolist[{first[name]}]; each frame once')
        first[name] = i
        people = []
        for j, rect in enumerate(item.get('annorect') or []):
            where = f'{path}: annolist[{i}] ({name}), annorect[{j}]'
            tid = _unwrap(rect.get('track_id'), where, 'track_id')
            if isinstance(tid, bool) or not isinstance(tid, int) or tid < 0:
                raise ValueError(f'{where}: "track_id" must be an integer '
                                 f'>= 0, got {tid!r}')
            box = [_number(rect, k, where) for k in ('x1', 'y1', 'x2', 'y2')]
            score = _number(rect, 'score', where) if 'score' in rect else 1.0
            kpts = np.zeros((_K, 3), np.float32)
            seen = set()
            points = (_unwrap(
                rect.get('annopoints') or [{}], where, 'annopoints')
                      or {}).get('point') or []
            for p, point in enumerate(points):
                at = f'{where}, point[{p}]'
                jid = _unwrap(point.get('id'), at, 'id')
                if isinstance(
                        jid,
                        bool) or not isinstance(jid, int) or not 0 <= jid < _K:
                    raise ValueError(f'{at}: joint "id" must be an integer '
                                     f'0..{_K - 1}, got {jid!r}')
                if jid in seen:
                    raise ValueError(f'{at}: joint {jid} repeated')
                seen.add(jid)
                kpts[jid] = (_number(point, 'x', at), _number(point, 'y',
                                                              at), 1)
            people.append(
                dict(track_id=tid, bbox=box, score=score, keypoints=kpts))
        frames.append(dict(name=name, people=people))
    return frames


def hieve_to_coco(frames: List[dict], video: str, split: str,
                  frame_numbers: Sequence[int], num_frames: int, first_id: int,
                  size: Sequence[int]) -> dict:
    """Converted frames of one video -> a COCO-like file that
    ``HiEveVideoDataset`` and ``HiEveDataset`` read: images
    ``images/<split>/<video>/<6-digit frame>.jpg`` with ``nframes``
    (``num_frames``, the video's length), ``width`` / ``height``
    (``size``) and ``is_labeled``; annotations
    with 14 keypoints, ``bbox`` [x, y, w, h], ``track_id``,
    ``num_keypoints``."""
    images, annotations = [], []
    for t, (frame, number) in enumerate(zip(frames, frame_numbers)):
        image_id = first_id + t
        images.append(
            dict(
                id=image_id,
                file_name=f'images/{split}/{video}/{number:06d}.jpg',
                nframes=num_frames,
                frame_id=int(number),
                vid_id=video,
                width=int(size[0]),
                height=int(size[1]),
                is_labeled=True))
        for person in frame['people']:
            x1, y1, x2, y2 = person['bbox']
            kpts = person['keypoints']
            annotations.append(
                dict(
                    id=first_id * 100 + len(annotations),
                    image_id=image_id,
                    category_id=1,
                    track_id=person['track_id'],
                    bbox=[x1, y1, x2 - x1, y2 - y1],
                    area=max(x2 - x1, 0) * max(y2 - y1, 0),
                    iscrowd=0,
                    num_keypoints=int((kpts[:, 2] > 0).sum()),
                    keypoints=kpts.ravel().round(2).tolist()))
    return dict(
        images=images,
        annotations=annotations,
        categories=[
            dict(
                id=1,
                name='person',
                supercategory='person',
                keypoints=list(HIEVE_KEYPOINTS),
                skeleton=[[HIEVE_KEYPOINTS.index(a),
                           HIEVE_KEYPOINTS.index(b)] for a, b in HIEVE_LINKS])
        ])


def hieve_submission(names: Sequence[str],
                     people: Dict[str, List[dict]],
                     keypoint_thr: Optional[float] = None) -> dict:
    """Predictions of one video in HiEve's layout.

    Args:
        names: the video's image names, in order (``image[0].name``).
        people: image name -> predicted people, each with ``track_id``,
            ``bbox`` (x1, y1, x2, y2), ``score``, ``keypoints`` (K, 2) and
            ``keypoint_scores`` (K, ).
        keypoint_thr: joints scored below it are left out (HiEve's files
            omit absent joints); None keeps all.
    """
    annolist = []
    for name in names:
        rects = []
        for person in people.get(name, []):
            x1, y1, x2, y2 = (float(v) for v in person['bbox'])
            points = [
                dict(id=[j], x=[float(x)], y=[float(y)], score=[float(s)])
                for j, ((x, y), s) in enumerate(
                    zip(person['keypoints'], person['keypoint_scores']))
                if keypoint_thr is None or s >= keypoint_thr
            ]
            rects.append(
                dict(
                    x1=[x1],
                    y1=[y1],
                    x2=[x2],
                    y2=[y2],
                    score=[float(person['score'])],
                    track_id=[int(person['track_id'])],
                    annopoints=[dict(point=points)]))
        annolist.append(dict(image=[dict(name=name)], annorect=rects))
    return dict(annolist=annolist)


def load_hieve_file(path: str) -> List[dict]:
    """``read_hieve_annolist`` of a file (errors name it)."""
    return read_hieve_annolist(load_json(path), path)
