# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The one reader of PoseTrack17, 18 and 21 annotation and prediction files.

The dataset (training targets, test frames), the PoseTrack17/18 metric
(poseval's protocol) and the PoseTrack21 metric (the kit's protocol) all
read files through ``read_posetrack_file``; each then applies only its own
protocol's rules (poseval skips annotations of unknown images, the
PoseTrack21 kit needs ``is_labeled`` and head boxes, the dataset needs the
frame file names), so a file is checked the same way wherever it goes.

Two layouts:

- COCO-like (PoseTrack18 / 21, the merged PoseTrack17 files of the
  PoseWarper/DCPose tools, converted HiEve): ``images``, ``annotations``
  and ``categories[0].keypoints``; keypoints are placed **by name** into
  the caller's keypoint list (names the list lacks are ignored with a
  warning, as poseval ignores them). A keypoint is *present* unless
  ``x == y == v == 0`` (poseval's rule).
- PoseTrack17 ``annolist``: points carry poseval joint ids (see
  ``posetrack_annolist``), placed by name; a rect without points still
  counts in ``num_rects`` (poseval keeps its frame) but is no person.

Every value the consumers would otherwise meet as a raw NumPy error or read
wrongly (keypoint counts, non-numbers, NaN, repeated image ids, polygons
with unequal x / y, fractional track ids) is a ``ValueError`` naming the
file, the entry and the field.

Shape legend: P people in a frame, K keypoints (the caller's list).
"""
import itertools
import logging
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.logging import print_log

from .json_files import load_json
from .posetrack_annolist import (MISSING_SCORE, is_number,
                                 parse_annolist_points, unwrap)
from .posetrack_keypoints import (POSEVAL_JOINTS, PT18_KEYPOINTS,
                                  pt18_name_to_joint)

__all__ = ['PoseTrackFrame', 'PoseTrackFile', 'read_posetrack_file']


@dataclass
class PoseTrackFrame:
    """One image entry of a file and its people.

    Attributes:
        name (str): ``file_name`` (COCO-like; the image id as text where
            it has none) or ``image[0].name`` (annolist).
        image_id: the COCO-like image id; None in annolist files.
        attributes (dict): the file's image entry (annolist: the item
            without ``annorect``), for ``nframes``, ``is_labeled`` and frame
            selection.
        ignore_regions (list[np.ndarray]): polygons, each (N, 2).
        num_rects (int): person entries of any kind (point-less annolist
            rects included).
        keypoints (np.ndarray): (P, K, 3) x, y and the file's third value
            (annolist: 1 for a labelled point), in the caller's order.
        present (np.ndarray): (P, K) bool.
        scores (np.ndarray): (P, K); ``MISSING_SCORE`` where none.
        track_ids (np.ndarray): (P, ) int; -1 where none.
        boxes (np.ndarray): (P, 4) person ``bbox`` x, y, w, h; NaN where
            none (annolist files have none).
        head_boxes (np.ndarray): (P, 4) x1, y1, x2, y2; NaN where none.
        ann_ids (list): the annotation's ``id``; where it has none, its
            position in the file (annolist: item * 1000 + rect).
    """
    name: str
    image_id: object
    attributes: dict
    ignore_regions: List[np.ndarray]
    num_rects: int
    keypoints: np.ndarray
    present: np.ndarray
    scores: np.ndarray
    track_ids: np.ndarray
    boxes: np.ndarray
    head_boxes: np.ndarray
    ann_ids: list = field(default_factory=list)

    @property
    def num_people(self) -> int:
        return self.keypoints.shape[0]

    @property
    def is_labeled(self) -> bool:
        """The frame's ``is_labeled`` (True where the file has none)."""
        return bool(
            unwrap(
                self.attributes.get('is_labeled', True), '', '', 'is_labeled'))


@dataclass
class PoseTrackFile:
    """A file's frames, in file order.

    ``annolist``: the PoseTrack17 layout; ``keypoint_names``: the
    COCO-like file's ``categories[0].keypoints`` (None where it has none).
    """
    path: str
    annolist: bool
    keypoint_names: Optional[List[str]]
    frames: List[PoseTrackFrame]


def _error(path: str, where: str, msg: str) -> ValueError:
    return ValueError(f'{path}: {where}: {msg}')


# the types json.load gives numbers
_JSON_NUMBERS = frozenset((int, float))


def _all_json_numbers(lists) -> bool:
    """Whether every value of these lists is an int or a float (one pass in
    C over a whole file's values; a file that fails is checked value by
    value, for the message)."""
    return set(
        map(
            type,
            itertools.chain.from_iterable(
                v for v in lists if isinstance(v, list)))) <= _JSON_NUMBERS


def _numbers(value,
             path: str,
             where: str,
             key: str,
             length: int,
             typed: bool = False) -> np.ndarray:
    """``length`` finite numbers, or a ValueError naming ``key``
    (``typed``: the values are known to be ints and floats)."""
    is_list = isinstance(value, (list, tuple))
    if not is_list or not (typed or all(is_number(v) for v in value)):
        bad = value if not is_list else next(
            v for v in value if not is_number(v))
        raise _error(path, where, f'"{key}" must be a list of numbers, '
                     f'found {bad!r}')
    if len(value) != length:
        raise _error(path, where, f'"{key}" has {len(value)} values, '
                     f'expected {length}')
    out = np.asarray(value, dtype=np.float64)
    if not np.isfinite(out).all():
        bad = np.flatnonzero(~np.isfinite(out))
        if key == 'keypoints':  # x, y, v per keypoint
            raise _error(
                path, where, f'keypoints {sorted(set((bad // 3).tolist()))} '
                'are NaN or infinite')
        raise _error(
            path, where, f'"{key}" holds NaN or infinite values '
            f'(at {bad.tolist()})')
    return out


def _track_id(value, path: str, where: str) -> int:
    if value is None:
        return -1
    if not (is_number(value) and float(value).is_integer()):
        raise _error(path, where, f'"track_id" must be an integer, got '
                     f'{value!r}')
    return int(value)


def _polygon(xs, ys, path: str, where: str) -> np.ndarray:
    if not isinstance(xs, list) or not isinstance(ys, list) or len(xs) != len(
            ys) or not all(is_number(v) for v in xs + ys):
        raise _error(
            path, where, 'an ignore region needs equally many x and y '
            f'numbers, got {str(xs)[:40]} and {str(ys)[:40]}')
    return np.stack([np.asarray(xs, float), np.asarray(ys, float)], axis=1)


class _People:
    """The people of one frame, stacked at the end."""

    def __init__(self, num_keypoints: int):
        self.k = num_keypoints
        self.rows: List[tuple] = []

    def add(self, kpts, present, scores, track_id, box, head, ann_id):
        self.rows.append((kpts, present, scores, track_id, box, head, ann_id))

    def frame(self, name, image_id, attributes, regions,
              num_rects) -> PoseTrackFrame:
        p, k = len(self.rows), self.k
        cols = list(zip(*self.rows)) or [[]] * 7
        return PoseTrackFrame(
            name=name,
            image_id=image_id,
            attributes=attributes,
            ignore_regions=regions,
            num_rects=num_rects,
            keypoints=np.asarray(cols[0], np.float64).reshape(p, k, 3),
            present=np.asarray(cols[1], bool).reshape(p, k),
            scores=np.asarray(cols[2], np.float64).reshape(p, k),
            track_ids=np.asarray(cols[3], np.int64).reshape(p),
            boxes=np.asarray(cols[4], np.float64).reshape(p, 4),
            head_boxes=np.asarray(cols[5], np.float64).reshape(p, 4),
            ann_ids=list(cols[6]))


def _read_coco_like(data: dict, path: str, keypoints: Sequence[str],
                    unknown_images: str,
                    default_names: Optional[Sequence[str]]) -> PoseTrackFile:
    for key in ('images', 'annotations'):
        if key not in data:
            raise _error(
                path, 'top level', f'missing "{key}" (a PoseTrack18 '
                'file has images, annotations and categories)')
        if not isinstance(data[key], list):
            raise _error(
                path, 'top level', f'"{key}" must be a list, got '
                f'{type(data[key]).__name__}')
    categories = data.get('categories')
    if categories is None and default_names is not None:
        names = None
    elif not categories or not isinstance(categories[0], dict) or \
            'keypoints' not in categories[0]:
        raise _error(path, 'categories[0]', 'missing the "keypoints" names')
    else:
        names = list(categories[0]['keypoints'])
    file_names = names if names is not None else list(default_names)
    unknown = [n for n in file_names if n not in keypoints]
    if unknown:
        print_log(
            f'{path}: keypoints {unknown} are not among the '
            f'{len(keypoints)} read here and are ignored, as the official '
            'tool ignores them',
            logger='current',
            level=logging.WARNING)
    # file keypoint index -> the caller's index
    to_ours = np.array([
        list(keypoints).index(n) if n in keypoints else -1 for n in file_names
    ])
    used = to_ours >= 0
    k_file, k = len(file_names), len(keypoints)

    people: Dict[object, _People] = {}
    images = {}
    for i, image in enumerate(data['images']):
        where = f'images[{i}]'
        if not isinstance(image, dict) or 'id' not in image:
            raise _error(path, where, 'missing "id"')
        if image['id'] in images:
            first = images[image['id']][0]
            raise ValueError(
                f'{path}: {where} ({image.get("file_name", "no file_name")})'
                f' repeats image id {image["id"]!r} of '
                f'{first.get("file_name", "an earlier image")}; image ids '
                'must be unique in a file')
        xs_all = image.get('ignore_regions_x') or []
        ys_all = image.get('ignore_regions_y') or []
        if not isinstance(xs_all, list) or not isinstance(
                ys_all, list) or len(xs_all) != len(ys_all):
            raise _error(
                path, where, 'ignore_regions_x and ignore_regions_y must '
                'be lists of equally many polygons')
        images[image['id']] = (image, [
            _polygon(xs, ys, path, where) for xs, ys in zip(xs_all, ys_all)
        ])
        people[image['id']] = _People(k)

    typed = _all_json_numbers(
        a.get(key) for a in data['annotations'] if isinstance(a, dict)
        for key in ('keypoints', 'scores'))
    stray = []
    for i, ann in enumerate(data['annotations']):
        if not isinstance(ann, dict):
            raise _error(path, f'annotations[{i}]',
                         f'expected an object, got {ann!r}')
        if ann.get('image_id') not in images:
            stray.append((i, ann.get('image_id')))
            continue
        image = images[ann['image_id']][0]
        where = (f'annotations[{i}] (image '
                 f'{image.get("file_name", image["id"])})')
        raw = _numbers(
            ann.get('keypoints'), path, where, 'keypoints', 3 * k_file,
            typed).reshape(k_file, 3)
        kpts = np.zeros((k, 3))
        kpts[to_ours[used]] = raw[used]
        present = np.zeros(k, bool)
        present[to_ours[used]] = ~(raw[used] == 0).all(1)
        scores = np.full(k, MISSING_SCORE)
        if ann.get('scores'):
            scores[to_ours[used]] = _numbers(ann['scores'], path, where,
                                             'scores', k_file, typed)[used]
        box = np.full(4, np.nan)
        if ann.get('bbox') is not None:
            box = _numbers(ann['bbox'], path, where, 'bbox', 4)
        head = np.full(4, np.nan)
        if ann.get('bbox_head') is not None:
            x, y, w, h = _numbers(ann['bbox_head'], path, where, 'bbox_head',
                                  4)
            head = np.array([x, y, x + w, y + h])
        people[ann['image_id']].add(
            kpts, present, scores, _track_id(ann.get('track_id'), path, where),
            box, head, ann.get('id', i))
    if stray:
        message = (f'{path}: annotations[{stray[0][0]}] names image_id '
                   f'{stray[0][1]!r}, which is not in "images" '
                   f'({len(stray)} annotations name no image)')
        if unknown_images == 'error':
            raise ValueError(message)
        print_log(
            f'{message}; they are skipped, as the official tool skips '
            'them',
            logger='current',
            level=logging.WARNING)
    frames = [
        people[key].frame(
            image.get('file_name', str(key)), key, image, regions,
            len(people[key].rows)) for key, (image, regions) in images.items()
    ]
    return PoseTrackFile(path, False, names, frames)


def _read_annolist(data: dict, path: str,
                   keypoints: Sequence[str]) -> PoseTrackFile:
    missing = [n for n in POSEVAL_JOINTS if n != 'neck' and n not in keypoints]
    if missing or 'head_bottom' not in keypoints:
        raise _error(
            path, 'annolist', 'PoseTrack17 points carry PoseTrack joint ids; '
            f'the keypoints read here ({list(keypoints)[:5]}...) are not '
            'PoseTrack\'s')
    # poseval joint id -> the caller's index
    to_ours = np.array([
        list(keypoints).index(name)
        for name in sorted(PT18_KEYPOINTS, key=pt18_name_to_joint)
        if pt18_name_to_joint(name) >= 0
    ])
    annolist = data['annolist']
    if not isinstance(annolist, list):
        raise _error(path, 'top level', '"annolist" must be a list')
    k, frames, ignored = len(keypoints), [], 0
    for i, item in enumerate(annolist):
        try:
            name = item['image'][0]['name']
        except (KeyError, IndexError, TypeError):
            raise _error(path, f'annolist[{i}]',
                         'missing image[0].name') from None
        where = f'frame {name}'
        regions = []
        for region in item.get('ignore_regions') or []:
            points = region.get('point') or []
            regions.append(
                _polygon([unwrap(p['x'], path, where, 'x') for p in points],
                         [unwrap(p['y'], path, where, 'y') for p in points],
                         path, where))
        people = _People(k)
        rects = item.get('annorect') or []
        for j, rect in enumerate(rects):
            here = f'{where}, annorect[{j}]'
            annopoints = rect.get('annopoints')
            if not (annopoints and len(annopoints[0]) > 0
                    and 'point' in annopoints[0]):
                continue  # a point-less rect: counted, but no person
            points = parse_annolist_points(annopoints[0]['point'], path, here)
            ignored += points.repeated + points.unlabelled
            kpts = np.zeros((k, 3))
            kpts[to_ours, :2] = points.xy
            kpts[to_ours, 2] = points.has
            present = np.zeros(k, bool)
            present[to_ours] = points.has
            scores = np.full(k, MISSING_SCORE)
            scores[to_ours] = points.scores
            head = np.full(4, np.nan)
            if all(key in rect for key in ('x1', 'y1', 'x2', 'y2')):
                head = np.array([
                    unwrap(rect[key], path, here, key)
                    for key in ('x1', 'y1', 'x2', 'y2')
                ],
                                dtype=np.float64)
            track = unwrap(rect.get('track_id'), path, here, 'track_id')
            people.add(kpts, present, scores, _track_id(track, path, here),
                       np.full(4, np.nan), head, i * 1000 + j)
        attributes = {key: v for key, v in item.items() if key != 'annorect'}
        frames.append(
            people.frame(name, None, attributes, regions, len(rects)))
    if ignored:
        print_log(
            f'{path}: {ignored} points ignored (repeated joint ids: the '
            'first point is used; points without an id), as the official '
            'tool reads them',
            logger='current',
            level=logging.WARNING)
    return PoseTrackFile(path, True, None, frames)


def read_posetrack_file(
        source: Union[str, dict],
        path: Optional[str] = None,
        keypoints: Sequence[str] = PT18_KEYPOINTS,
        unknown_images: str = 'error',
        default_names: Optional[Sequence[str]] = None) -> PoseTrackFile:
    """Read and check a PoseTrack file (see the module docstring).

    Args:
        source (str | dict): the file's path, or its loaded content.
        path (str, optional): how errors name a loaded ``source``.
        keypoints (Sequence[str]): the keypoint names to read, in the
            order of the returned arrays. Defaults to PoseTrack18's 17.
        unknown_images (str): annotations whose ``image_id`` is not in
            ``images``: ``'error'``, or ``'skip'`` with a warning
            (poseval's behaviour).
        default_names (Sequence[str], optional): the keypoint names of a
            COCO-like file without ``categories`` (the PoseTrack21 kit
            reads keypoints by position); None: ``categories`` required.
    """
    if unknown_images not in ('error', 'skip'):
        raise ValueError(f'unknown_images must be "error" or "skip", got '
                         f'{unknown_images!r}')
    if isinstance(source, str):
        path = source if path is None else path
        source = load_json(source)
    path = '<loaded file>' if path is None else path
    if not isinstance(source, dict):
        raise _error(path, 'top level', 'expected a JSON object')
    if 'annolist' in source:
        return _read_annolist(source, path, keypoints)
    if 'images' in source:
        return _read_coco_like(source, path, keypoints, unknown_images,
                               default_names)
    raise _error(
        path, 'top level', 'neither a PoseTrack17 "annolist" nor a '
        'COCO-like file (images / annotations)')
