# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Crop-to-crop geometry (models/utils/crop_geometry.py): on a linear ramp,
where bilinear sampling is exact, a resampled crop equals the crop it
stands for; the random affines of the training augmentation stay in their
ranges."""
import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpose.structures.bbox import get_warp_matrix

from tdmi_mmpose.models.utils import crop_to_crop_grid, random_crop_affines

# --------------------------------------------------------------------------
# geometry: on a linear ramp, bilinear resampling is exact, so the warped
# support crop must equal the key crop wherever the support crop saw the
# frame; a wrong convention (offset, stride, mirror) is off by its error
# times the ramp's slope.
# --------------------------------------------------------------------------
RAMP = np.fromfunction(lambda y, x: 0.37 * x + 0.61 * y + 5.0,
                       (240, 320)).astype(np.float64)
SIZE = (48, 64)  # crop (W, H)
# OpenCV's warpAffine interpolates at 1/32 pixel: on the ramp (slope about
# 1 grey level per pixel) that leaves a few hundredths
TOL = 0.05


def _crop(image, center, scale):
    warp = get_warp_matrix(
        np.asarray(center, float), np.asarray(scale, float), 0., SIZE)
    crop = cv2.warpAffine(image, warp, SIZE, flags=cv2.INTER_LINEAR)
    return crop, np.vstack([warp, [0, 0, 1]])


def _resample(support, key_warp, support_warp, size, flipped=False):
    grid = crop_to_crop_grid(support_warp @ np.linalg.inv(key_warp), size,
                             SIZE, flipped).double()
    src = torch.from_numpy(np.ascontiguousarray(support))[None, None]
    return F.grid_sample(
        src, grid[None], align_corners=True, padding_mode='zeros')[0,
                                                                   0].numpy()


MIRROR = np.array([[-1., 0., SIZE[0] - 1.], [0., 1., 0.], [0., 0., 1.]])


def _inside(key_warp, support_warp, size, flipped=False, margin=2):
    """Key-map positions whose sample point lies inside the support map
    (``margin`` positions away from its border)."""
    h, w = size
    sx, sy = SIZE[0] / w, SIZE[1] / h
    affine = support_warp @ np.linalg.inv(key_warp)
    if flipped:
        affine = MIRROR @ affine @ MIRROR
    jj, ii = np.meshgrid(np.arange(w), np.arange(h))
    pts = np.stack([jj * sx, ii * sy, np.ones_like(jj, float)], -1)
    mapped = pts @ affine.T
    return ((mapped[..., 0] / sx >= margin) &
            (mapped[..., 0] / sx <= w - 1 - margin) &
            (mapped[..., 1] / sy >= margin) &
            (mapped[..., 1] / sy <= h - 1 - margin))


KEY = ((160., 120.), (90., 120.))
SUPPORT = ((170., 114.), (104., 138.6))  # moved and 15 % larger


@pytest.mark.parametrize('stride', [1, 4])
def test_grid_maps_support_crop_onto_key_crop(stride):
    key, key_warp = _crop(RAMP, *KEY)
    support, support_warp = _crop(RAMP, *SUPPORT)
    # a map of stride s holds the crop's value at input pixel s * index
    key, support = key[::stride, ::stride], support[::stride, ::stride]
    size = key.shape
    inside = _inside(key_warp, support_warp, size)
    assert inside.mean() > 0.3
    warped = _resample(support, key_warp, support_warp, size)
    assert np.abs(warped - key)[inside].max() < TOL
    # the same maps taken as one crop (no warp) are far apart: the test sees
    # a warp that does nothing
    assert np.abs(support - key)[inside].mean() > 1.0


@pytest.mark.parametrize('stride', [1, 4])
def test_grid_on_mirrored_crops(stride):
    """The flip test's maps are of mirrored crops (the model flips its
    input, map index i is the mirrored crop's pixel s * i): the grid
    conjugated by the mirror maps the mirrored support crop onto the
    mirrored key crop; the unconjugated grid does not."""
    key, key_warp = _crop(RAMP, *KEY)
    support, support_warp = _crop(RAMP, *SUPPORT)
    key = key[:, ::-1][::stride, ::stride]
    support = support[:, ::-1][::stride, ::stride]
    size = key.shape
    inside = _inside(key_warp, support_warp, size, flipped=True)
    assert inside.mean() > 0.3
    warped = _resample(support, key_warp, support_warp, size, flipped=True)
    assert np.abs(warped - key)[inside].max() < TOL
    wrong = _resample(support, key_warp, support_warp, size, flipped=False)
    assert np.abs(wrong - key)[inside].mean() > 1.0


def test_identity_grid_is_exact():
    warp = np.eye(3)
    grid = crop_to_crop_grid(warp, (16, 12), SIZE)
    maps = torch.randn(1, 5, 16, 12)
    out = F.grid_sample(maps, grid[None], align_corners=True)
    assert torch.allclose(out, maps, atol=1e-5)


def test_random_crop_affines_stay_in_range():
    torch.manual_seed(0)
    size = (48, 64)
    affines = random_crop_affines(500, size, shift=0.1, scale=0.2)
    factors = affines[:, 0, 0]
    assert np.array_equal(factors, affines[:, 1, 1])
    assert factors.min() >= 0.8 and factors.max() <= 1.2
    assert factors.max() - factors.min() > 0.3  # they do vary
    center = np.array([(size[0] - 1) / 2, (size[1] - 1) / 2, 1.])
    moved = affines @ center - center  # the crop centre's displacement
    assert np.abs(moved[:, 0]).max() <= 0.1 * size[0] + 1e-9
    assert np.abs(moved[:, 1]).max() <= 0.1 * size[1] + 1e-9
    assert np.abs(moved[:, :2]).max() > 0.05 * size[0]
    torch.manual_seed(0)
    assert np.array_equal(random_crop_affines(500, size, 0.1, 0.2), affines)
    assert np.allclose(random_crop_affines(3, size, 0., 0.), np.eye(3))
