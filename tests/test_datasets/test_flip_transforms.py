# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The flip folded into the warp gives MMPose's crops and targets: the
same random draws, with half-body and box augmentation in between, on a
clip of real frames, plain and UDP warps; and a deferred flip that no
folding affine follows is refused by the dataset."""
import copy

import numpy as np
import pytest
from conftest import ROOT
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import PoseTrackVideoDataset
from tdmi_research import generate_synthetic_posetrack

CODEC = dict(
    type='MSRAHeatmap', input_size=(96, 128), heatmap_size=(24, 32), sigma=2)


def _pipeline(flip, affine, use_udp=False):
    return Compose([
        dict(type='GetBBoxCenterScale'),
        dict(type=flip, prob=0.5),
        dict(type='RandomHalfBody', prob=0.5),
        dict(type='RandomBBoxTransform', rotate_prob=1.0),
        dict(type=affine, input_size=(96, 128), use_udp=use_udp),
        dict(type='GenerateTarget', encoder=CODEC),
    ])


@pytest.fixture(scope='module')
def samples(tmp_path_factory):
    init_default_scope('mmpose')
    root = tmp_path_factory.mktemp('flip')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=1), num_frames=8, seed=5)
    dataset = PoseTrackVideoDataset(
        data_root=str(root),
        ann_file='annotations/posetrack18_train.json',
        pipeline=[
            dict(type='SampleClipFrames', offsets=(-1, 0, 1)),
            dict(type='LoadClip')
        ])
    return [dataset[i] for i in range(min(len(dataset), 12))]


@pytest.mark.parametrize('use_udp', [False, True])
def test_folded_flip_equals_flip_then_affine(samples, use_udp):
    mmpose = _pipeline('RandomFlip', 'TopdownAffine', use_udp)
    folded = _pipeline('DeferredRandomFlip', 'FlipFoldingTopdownAffine',
                       use_udp)
    flipped = 0
    for i, sample in enumerate(samples):
        np.random.seed(i)
        a = mmpose(copy.deepcopy(sample))
        np.random.seed(i)
        b = folded(copy.deepcopy(sample))
        assert a['flip'] == b['flip']
        flipped += a['flip']
        assert 'flip_deferred' not in b
        assert len(a['img']) == len(b['img']) == 3
        for x, y in zip(a['img'], b['img']):
            # the same sampling positions; OpenCV rounds them to 1/32 pixel
            # in fixed point, and x -> w - 1 - x rounds differently: a few
            # grey levels on under 1 % of the pixels (at edges)
            assert x.shape == y.shape
            diff = np.abs(x.astype(int) - y.astype(int))
            assert diff.max() <= 8 and np.mean(diff > 0) < 0.01
            assert diff.mean() < 0.05
        for key in ('transformed_keypoints', 'keypoints_visible', 'heatmaps',
                    'keypoint_weights', 'input_center', 'input_scale'):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert 0 < flipped < len(samples)  # both branches ran


def test_deferred_flip_without_folding_affine_is_refused(tmp_path):
    generate_synthetic_posetrack(
        str(tmp_path), splits=dict(train=1), num_frames=4, seed=0)
    pipeline = [
        dict(type='SampleClipFrames', offsets=(-1, 0, 1)),
        dict(type='LoadClip'),
        dict(type='GetBBoxCenterScale'),
        dict(type='DeferredRandomFlip'),
        dict(type='TopdownAffine', input_size=(96, 128)),
    ]
    with pytest.raises(ValueError, match='FlipFoldingTopdownAffine'):
        PoseTrackVideoDataset(
            data_root=str(tmp_path),
            ann_file='annotations/posetrack18_train.json',
            pipeline=pipeline)
    from tdmi_mmpose.datasets.transforms import DeferredRandomFlip
    with pytest.raises(ValueError, match='horizontal flips only'):
        DeferredRandomFlip(direction=['horizontal', 'vertical'])
    with pytest.raises(ValueError, match='does not flip img_mask'):
        DeferredRandomFlip(prob=1.0).transform(
            dict(
                img=[np.zeros((4, 4, 3), np.uint8)],
                img_mask=np.zeros((4, 4), np.uint8),
                img_shape=(4, 4)))


def test_recipes_use_the_folded_flip():
    from mmengine.config import Config
    cfg = Config.fromfile(str(ROOT / 'configs/tdmi_hrnet_w48_posetrack17.py'))
    types = [t['type'] for t in cfg.train_dataloader.dataset.pipeline]
    assert types.index('DeferredRandomFlip') < types.index(
        'FlipFoldingTopdownAffine')
    assert 'RandomFlip' not in types
