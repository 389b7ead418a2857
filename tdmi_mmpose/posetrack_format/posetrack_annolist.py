# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The one reader of a PoseTrack17 ``annolist`` person's points, used by the
dataset (training targets) and the metric (ground truth, predictions).

A point is ``{"id": [j], "x": [x], "y": [y]}`` (values may be wrapped in
one-element lists, as PoseTrack17 files do), optionally with ``"score"``;
``j`` is the official tool's (poseval's) joint id, 0..14. One documented
behaviour, the official tool's (``getPointGTbyID`` takes the first point of
an id):

- a repeated joint id: the first point is kept, the later ones are
  counted in ``repeated`` (the callers log them);
- a point without an ``id``: skipped and counted in ``unlabelled``, as the
  official tool skips it;
- an id outside 0..14, a value wrapped in a list of another length, a
  point without ``x`` / ``y``: ``ValueError`` naming the file, the place
  and the field.

Shape legend: J = 15 poseval joints.
"""
from typing import NamedTuple

import numpy as np

from .posetrack_keypoints import NUM_JOINTS

__all__ = [
    'AnnolistPoints', 'parse_annolist_points', 'unwrap', 'MISSING_SCORE',
    'is_number'
]

# score of a point that has none (the official tool's fallback)
MISSING_SCORE = -9999.0


class AnnolistPoints(NamedTuple):
    """One person's points in poseval order."""
    xy: np.ndarray  # (J, 2)
    has: np.ndarray  # (J, ) bool
    scores: np.ndarray  # (J, ), MISSING_SCORE where absent
    repeated: int  # later points of an id already seen (ignored)
    unlabelled: int  # points without an id (ignored)


def is_number(value) -> bool:
    """A JSON number (int or float, not a bool or a string)."""
    return isinstance(value,
                      (int, float, np.number)) and not isinstance(value, bool)


def unwrap(value, path: str, where: str, key: str):
    """PoseTrack17 (and HiEve) wrap every value in a one-element list; the
    error names ``path``, ``where`` (either may be empty) and ``key``."""
    if isinstance(value, list):
        if len(value) != 1:
            place = ': '.join(p for p in (path, where) if p)
            raise ValueError(f'{place}: "{key}" should be a one-element '
                             f'list, got {value!r}')
        return value[0]
    return value


def _joint_id(value, path: str, where: str) -> int:
    # the official tool compares ids with ==, so 3.0 is joint 3
    integral = is_number(value) and float(value).is_integer()
    if not integral or not 0 <= int(value) < NUM_JOINTS:
        raise ValueError(f'{path}: {where}: point id {value!r} is not a '
                         f'PoseTrack joint id (0..{NUM_JOINTS - 1})')
    return int(value)


def parse_annolist_points(points, path: str, where: str) -> AnnolistPoints:
    """Read a rect's ``annopoints[0].point`` list (see module doc).

    Args:
        points (list | None): the points.
        path (str): the file, for error messages.
        where (str): the place in it, e.g. ``'frame images/x/1.jpg,
            annorect[2]'``.
    """
    xy = np.zeros((NUM_JOINTS, 2))
    has = np.zeros(NUM_JOINTS, dtype=bool)
    scores = np.full(NUM_JOINTS, MISSING_SCORE)
    repeated = unlabelled = 0
    for point in points or []:
        if not isinstance(point, dict):
            raise ValueError(f'{path}: {where}: a point should be an object '
                             f'with id, x and y, got {point!r}')
        if point.get('id') is None:
            unlabelled += 1
            continue
        joint = _joint_id(unwrap(point['id'], path, where, 'id'), path, where)
        if has[joint]:
            repeated += 1
            continue
        for key in ('x', 'y'):
            if key not in point:
                raise ValueError(f'{path}: {where}: point id {joint} has no '
                                 f'"{key}"')
        xy[joint] = (unwrap(point['x'], path, where,
                            'x'), unwrap(point['y'], path, where, 'y'))
        has[joint] = True
        if 'score' in point:
            scores[joint] = unwrap(point['score'], path, where, 'score')
    return AnnolistPoints(xy, has, scores, repeated, unlabelled)
