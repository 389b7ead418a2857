# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""DarkDecodingHeatmap: the plain target (Gaussian around the rounded
keypoint) with DARK decoding; unbiased_encoding gives MSRAHeatmap's DARK
pair back."""
import numpy as np
import pytest
from mmpose.codecs import MSRAHeatmap
from mmpose.registry import KEYPOINT_CODECS

import tdmi_mmpose  # noqa: F401

SIZES = dict(input_size=(48, 64), heatmap_size=(12, 16), sigma=2)
# sub-pixel keypoints (input pixels): the two targets differ for them
KEYPOINTS = np.array([[[10.7, 21.3], [30.2, 40.9], [22.5, 9.6]]], np.float32)


def _codec(**kwargs):
    return KEYPOINT_CODECS.build(
        dict(type='DarkDecodingHeatmap', **SIZES, **kwargs))


def test_target_is_the_plain_one_and_decoding_is_dark():
    codec = _codec()
    plain = MSRAHeatmap(**SIZES, unbiased=False)
    dark = MSRAHeatmap(**SIZES, unbiased=True)
    encoded = codec.encode(KEYPOINTS)
    np.testing.assert_array_equal(encoded['heatmaps'],
                                  plain.encode(KEYPOINTS)['heatmaps'])
    # peak 1 exactly at the rounded heatmap position (not DARK's target)
    heatmaps = encoded['heatmaps']
    rounded = (KEYPOINTS[0] / 4 + 0.5).astype(int)
    for k, (x, y) in enumerate(rounded):
        assert heatmaps[k, y, x] == 1.0
    unbiased = dark.encode(KEYPOINTS)['heatmaps']
    assert np.abs(heatmaps - unbiased).max() > 0.05
    # decoding = MMPose's DARK decoding, not the quarter-offset one
    rng = np.random.RandomState(0)
    blurred = unbiased + 0.01 * rng.rand(*unbiased.shape).astype(np.float32)
    keypoints, scores = codec.decode(blurred)
    expected, expected_scores = dark.decode(blurred)
    np.testing.assert_allclose(keypoints, expected)
    np.testing.assert_allclose(scores, expected_scores)
    quarter, _ = plain.decode(blurred)
    assert np.abs(keypoints - quarter).max() > 0.1
    # on a sub-pixel target DARK lands closer than the quarter offset
    dark_error = np.abs(codec.decode(unbiased)[0][0] - KEYPOINTS[0]).mean()
    quarter_error = np.abs(plain.decode(unbiased)[0][0] - KEYPOINTS[0]).mean()
    assert dark_error < quarter_error


def test_unbiased_encoding_is_mmposes_dark_pair():
    codec = _codec(unbiased_encoding=True)
    dark = MSRAHeatmap(**SIZES, unbiased=True)
    np.testing.assert_array_equal(
        codec.encode(KEYPOINTS)['heatmaps'],
        dark.encode(KEYPOINTS)['heatmaps'])


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match='sigma must be > 0'):
        KEYPOINT_CODECS.build(
            dict(type='DarkDecodingHeatmap', **dict(SIZES, sigma=0)))
    with pytest.raises(ValueError, match='positive odd'):
        _codec(blur_kernel_size=4)
    with pytest.raises(ValueError, match='encodes one instance'):
        _codec().encode(np.concatenate([KEYPOINTS, KEYPOINTS]))
