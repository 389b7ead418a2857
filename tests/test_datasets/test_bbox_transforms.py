# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""ClippedNormalBBoxTransform draws the clipped-normal box augmentation."""

import numpy as np
import pytest

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets.transforms import ClippedNormalBBoxTransform


def test_box_augmentation_draws_the_clipped_normal_distribution():
    """scale x clip(N*0.35 + 1, 0.65, 1.35); rotation clip(N*45, -90, 90)
    with p 0.6. MMPose's RandomBBoxTransform (normal truncated at 1 sigma)
    would put no mass on the range ends and keep rotations within 45."""
    np.random.seed(0)
    n = 40000
    transform = ClippedNormalBBoxTransform()  # held: mmcv keeps a weakref
    offset, scale, rotate = transform._get_transform_params(n)
    assert not offset.any()  # the authors' code does not shift
    assert scale.min() == np.float32(0.65) and scale.max() == np.float32(1.35)
    assert abs(
        np.mean((scale == np.float32(0.65)) | (scale == np.float32(1.35))) -
        0.317) < 0.01
    assert abs(scale.std() - 0.2514) < 0.005
    assert abs(np.mean(rotate == 0) - 0.4) < 0.01
    turned = rotate[rotate != 0]
    assert abs(turned.std() - 43.2) < 0.8
    assert turned.min() == -90 and turned.max() == 90
    assert abs(np.mean(np.abs(turned) == 90) - 0.0455) < 0.006
    # applied through MMPose's machinery: one box, centre kept
    out = ClippedNormalBBoxTransform()(
        dict(
            bbox_center=np.array([[50., 60.]], dtype=np.float32),
            bbox_scale=np.array([[100., 200.]], dtype=np.float32)))
    assert out['bbox_center'].tolist() == [[50., 60.]]
    assert out['bbox_rotation'].shape == (1, )
    with pytest.raises(ValueError, match='rotate_prob must be in'):
        ClippedNormalBBoxTransform(rotate_prob=1.5)
    with pytest.raises(ValueError, match='scale_range must be'):
        ClippedNormalBBoxTransform(scale_range=(1.3, 0.7))
