# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The checks that the video tool's command line and the Python API
(``VideoPoseInferencer``, ``VideoPoseTracker``, ``iter_video``) share, so
that both refuse the same inputs with the same message naming the argument
(the command line adds its argparse messages on top).

Shape legend: N boxes of a frame.
"""
import math
from typing import Dict, Optional

import numpy as np

from ...posetrack_format import is_number

__all__ = [
    'check_number', 'check_fraction', 'check_fast_options', 'check_box_table',
    'FAST_OPTIONS'
]

# each fast mode's options (its estimator's arguments): name -> (low, high,
# high included, low included) for numbers, or the allowed words
FAST_OPTIONS = {
    'window': {
        'margin': (0.0, 0.5, False, True),
        'scale_tol': (0.0, math.inf, False, True)
    },
    'resample': {
        'min_iou': (0.0, 1.0, True, False),
        'interpolation': ('bilinear', 'nearest'),
        'padding': ('border', 'zeros')
    },
}


def check_number(name: str,
                 value,
                 low: float = -math.inf,
                 high: float = math.inf,
                 high_included: bool = True,
                 low_included: bool = True) -> float:
    """``value`` as a float: a finite real number (not a bool, a string or
    NaN) within [low, high] (ends as the flags say).

    Raises:
        ValueError: naming ``name``, the value and the range.
    """
    lo, hi = '[' if low_included else '(', ']' if high_included else ')'
    span = f'{lo}{low}, {high}{hi}' if high < math.inf else \
        f'>= {low}' if low_included else f'> {low}'
    if not is_number(value) or math.isnan(value):
        raise ValueError(f'{name} must be a number {span}, got {value!r}')
    above = low <= value if low_included else low < value
    below = value <= high if high_included else value < high
    if not (above and below):
        raise ValueError(f'{name} must be {span}, got {value!r}')
    return float(value)


def check_fraction(name: str, value) -> float:
    """A threshold in [0, 1] (``bbox_thr``, ``kpt_thr``, ``track_thr``)."""
    return check_number(name, value, 0.0, 1.0)


def check_fast_options(fast: Optional[str], options: Optional[dict]) -> dict:
    """The fast mode's options, checked: none without a fast mode (they
    would be ignored), only that mode's names, each of its type and range.
    """
    options = dict(options or {})
    if not options:
        return options
    if fast is None:
        raise ValueError(f'fast_options {options} given without a fast mode:'
                         f' they would be ignored; set fast='
                         f'{" or ".join(map(repr, sorted(FAST_OPTIONS)))}')
    allowed = FAST_OPTIONS[fast]
    for key, value in options.items():
        if key not in allowed:
            raise ValueError(
                f'fast_options: {key!r} is not an option of the {fast!r} '
                f'mode (its options: {sorted(allowed)})')
        rule = allowed[key]
        if isinstance(rule[0], str):
            if value not in rule:
                raise ValueError(f'fast_options {key} must be one of '
                                 f'{list(rule)}, got {value!r}')
        else:
            check_number(f'fast_options {key}', value, *rule)
    return options


def check_box_table(boxes: Dict[object, object],
                    what: str = 'bboxes') -> Dict[object, np.ndarray]:
    """A ``{image id | frame key: boxes}`` table as (N, 5) float32 arrays
    x1, y1, x2, y2, score; ``what`` names it in the errors.

    Raises:
        ValueError: for a value that is not N x 5 finite numbers (e.g. boxes
            without scores), or a box whose x2 < x1 or y2 < y1, naming the
            frame and the box. Boxes of zero width or height are kept: the
            tracker skips and counts them, as the dataset does.
    """
    if not isinstance(boxes, dict):
        raise ValueError(f'{what} must be a dict {{image id or '
                         f'"<video>/<frame file>": (N, 5) boxes}}, got '
                         f'{type(boxes).__name__}')
    out = {}
    for key, value in boxes.items():
        try:
            array = np.asarray(value, dtype=np.float32)
        except (TypeError, ValueError):
            raise ValueError(
                f'{what}[{key!r}]: expected (N, 5) numbers x1, '
                f'y1, x2, y2, score, got {str(value)[:60]}') from None
        if array.size == 0:
            array = array.reshape(0, 5)
        if array.ndim != 2 or array.shape[1] != 5:
            raise ValueError(
                f'{what}[{key!r}]: expected (N, 5) boxes x1, y1, x2, y2, '
                f'score, got shape {array.shape}' +
                (' (no scores?)'
                 if array.ndim == 2 and array.shape[1] == 4 else ''))
        if not np.isfinite(array).all():
            bad = array[~np.isfinite(array).all(1)][0]
            raise ValueError(f'{what}[{key!r}]: box {bad.tolist()} holds NaN '
                             'or infinite values')
        reversed_ = (array[:, 2] < array[:, 0]) | (array[:, 3] < array[:, 1])
        if reversed_.any():
            bad = array[reversed_][0]
            raise ValueError(
                f'{what}[{key!r}]: box {bad.tolist()} has a negative width or'
                f' height (boxes are x1, y1, x2, y2, score with x2 >= x1, '
                f'y2 >= y1)')
        out[key] = array
    return out
