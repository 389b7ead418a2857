# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The checks the video tool and the Python API share: each refuses what
a wrong implementation would let through, naming the argument."""
import math

import numpy as np
import pytest

from tdmi_mmpose.apis.video.options import (check_box_table,
                                            check_fast_options, check_fraction,
                                            check_number)


@pytest.mark.parametrize('value', [1.5, -1, math.nan, '0.5', True, None])
def test_fractions_refused(value):
    with pytest.raises(ValueError, match=r'bbox_thr must be'):
        check_fraction('bbox_thr', value)


def test_fractions_and_ranges_accepted():
    assert check_fraction('kpt_thr', 0) == 0.0
    assert check_fraction('kpt_thr', 1) == 1.0
    assert check_number('fps', 25, 0, low_included=False) == 25.0
    with pytest.raises(ValueError, match=r'fps must be > 0, got 0'):
        check_number('fps', 0, 0, low_included=False)


def test_fast_options():
    assert check_fast_options(None, None) == {}
    assert check_fast_options('window', dict(margin=0.1)) == dict(margin=0.1)
    with pytest.raises(ValueError, match='without a fast mode'):
        check_fast_options(None, dict(margin=0.1))
    with pytest.raises(
            ValueError, match="'min_iou' is not an option of the "
            "'window' mode"):
        check_fast_options('window', dict(min_iou=0.5))
    with pytest.raises(
            ValueError,
            match='fast_options scale_tol must be a '
            "number >= 0.0, got nan"):
        check_fast_options('window', dict(scale_tol=math.nan))
    with pytest.raises(ValueError, match="margin must be a number .*got 'a'"):
        check_fast_options('window', dict(margin='a'))
    with pytest.raises(ValueError, match=r'min_iou must be \(0.0, 1.0\]'):
        check_fast_options('resample', dict(min_iou=0))
    with pytest.raises(ValueError, match='padding must be one of'):
        check_fast_options('resample', dict(padding='reflect'))


def test_box_tables():
    table = check_box_table({'v/000000.jpg': [[0, 0, 10, 10, 0.9]], 3: []})
    assert table['v/000000.jpg'].shape == (1, 5) and table[3].shape == (0, 5)
    with pytest.raises(
            ValueError,
            match=r"bboxes\['a'\]: .*shape \(1, 4\) "
            r'\(no scores\?\)'):
        check_box_table({'a': np.zeros((1, 4))})
    with pytest.raises(ValueError, match=r"bboxes\['a'\]: expected \(N, 5\)"):
        check_box_table({'a': [[0, 0, 'x', 1, 1]]})
    with pytest.raises(ValueError, match='negative width or height'):
        check_box_table({'a': [[10, 0, 5, 10, 0.9]]})
    with pytest.raises(ValueError, match='NaN or infinite'):
        check_box_table({'a': [[0, 0, np.inf, 10, 0.9]]})
    with pytest.raises(ValueError, match='must be a dict'):
        check_box_table([[0, 0, 1, 1, 1]])
