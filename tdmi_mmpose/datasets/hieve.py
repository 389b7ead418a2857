# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""HiEve (Human-in-Events): its 14 keypoints, its pose-track files, and the
datasets that read them once converted.

HiEve publishes pose tracks per video as JSON laid out like PoseTrack17's
``annolist``: ``annolist[].image[0].name``; ``annorect[]`` with ``x1``,
``y1``, ``x2``, ``y2``, ``score``, ``track_id`` and
``annopoints[0].point[]`` (``id``, ``x``, ``y``, ``score``); every value
wrapped in a one-element list; absent joints left out; joint ids 0-13 in
``HIEVE_KEYPOINTS`` order. ``read_hieve_annolist`` reads such a file;
``hieve_to_coco`` turns its frames into the COCO-like per-video file that
``HiEveVideoDataset`` (clips, for TDMI) and ``HiEveDataset`` (single
frames, for stage 1) read; ``hieve_submission`` writes predictions back in
HiEve's layout. ``tools/dataset_converters/hieve_to_posetrack.py`` does the
whole conversion, frames included. docs/data.md says what of the format is
verified and what is assumed.

Shape legend: N people, K = 14 keypoints.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS

from ..posetrack_format import is_number
from .posetrack_video_dataset import PoseTrackVideoDataset, _load_json

__all__ = [
    'HIEVE_KEYPOINTS', 'HIEVE_METAINFO', 'HiEveVideoDataset', 'HiEveDataset',
    'read_hieve_annolist', 'hieve_to_coco', 'hieve_submission'
]

HIEVE_KEYPOINTS = ('nose', 'chest', 'right_shoulder', 'right_elbow',
                   'right_wrist', 'left_shoulder', 'left_elbow', 'left_wrist',
                   'right_hip', 'right_knee', 'right_ankle', 'left_hip',
                   'left_knee', 'left_ankle')
_K = len(HIEVE_KEYPOINTS)
_SWAP = {'right': 'left', 'left': 'right'}
# COCO's sigmas for the joints COCO has; chest: CrowdPose's neck (0.079)
_SIGMAS = dict(
    nose=0.026,
    chest=0.079,
    shoulder=0.079,
    elbow=0.072,
    wrist=0.062,
    hip=0.107,
    knee=0.087,
    ankle=0.089)
_LINKS = [('nose', 'chest'), ('chest', 'right_shoulder'),
          ('right_shoulder', 'right_elbow'), ('right_elbow', 'right_wrist'),
          ('chest', 'left_shoulder'), ('left_shoulder', 'left_elbow'),
          ('left_elbow', 'left_wrist'), ('chest', 'right_hip'),
          ('right_hip', 'right_knee'), ('right_knee', 'right_ankle'),
          ('chest', 'left_hip'), ('left_hip', 'left_knee'),
          ('left_knee', 'left_ankle'), ('right_hip', 'left_hip')]


def _swap(name: str) -> str:
    side, _, part = name.partition('_')
    return f'{_SWAP[side]}_{part}' if side in _SWAP else ''


def _colour(name: str) -> List[int]:
    side = name.partition('_')[0]
    return {
        'left': [0, 255, 0],
        'right': [255, 128, 0]
    }.get(side, [51, 153, 255])


# MMPose's dataset_info layout (parse_pose_metainfo reads it)
HIEVE_METAINFO = dict(
    dataset_name='hieve',
    paper_info=dict(
        author='Lin, Weiyao and others',
        title='Human in Events: A Large-Scale Benchmark for Human-centric '
        'Video Analysis in Complex Events',
        container='arXiv 2005.04490',
        year='2020',
        homepage='http://humaninevents.org'),
    keypoint_info={
        i:
        dict(
            name=name,
            id=i,
            color=_colour(name),
            type='upper' if i < 8 else 'lower',
            swap=_swap(name))
        for i, name in enumerate(HIEVE_KEYPOINTS)
    },
    skeleton_info={
        i: dict(link=link, id=i, color=_colour(link[1]))
        for i, link in enumerate(_LINKS)
    },
    joint_weights=[1.0] * _K,
    sigmas=[_SIGMAS[n.split('_')[-1]] for n in HIEVE_KEYPOINTS])


@DATASETS.register_module()
class HiEveVideoDataset(PoseTrackVideoDataset):
    """``PoseTrackVideoDataset`` over converted HiEve files (14 keypoints;
    see ``tools/dataset_converters/hieve_to_posetrack.py``)."""
    METAINFO: dict = HIEVE_METAINFO


@DATASETS.register_module()
class HiEveDataset(BaseCocoStyleDataset):
    """MMPose's COCO-style single-frame dataset over the converted HiEve
    files' merged form (stage 1)."""
    METAINFO: dict = HIEVE_METAINFO


def _unwrap(value, where: str, field: str):
    if isinstance(value, list):
        if len(value) != 1:
            raise ValueError(f'{where}: "{field}" must be one value or a '
                             f'one-element list, got {value!r}')
        value = value[0]
    return value


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
            malformed field, a joint id outside 0..13, a repeated joint id.
    """
    if not isinstance(data, dict) or not isinstance(
            data.get('annolist'), list):
        raise ValueError(f'{path}: expected a HiEve file with an "annolist" '
                         'list')
    frames = []
    for i, item in enumerate(data['annolist']):
        try:
            name = _unwrap(item['image'], path, 'image')['name']
            name = _unwrap(name, path, 'name')
        except (KeyError, TypeError):
            raise ValueError(
                f'{path}: annolist[{i}] has no image[0].name') from None
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
                           HIEVE_KEYPOINTS.index(b)] for a, b in _LINKS])
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
    return read_hieve_annolist(_load_json(path), path)
