# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""SampleClipFrames (edge frames, offsets) and LoadClip (one affine per
clip, the frame cache)."""

import pytest
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import PoseTrackVideoDataset
from tdmi_mmpose.datasets.transforms import (LoadClip, SampleClipFrames,
                                             edge_frame_numbers)


def _dataset(**kwargs):
    init_default_scope('mmpose')
    return PoseTrackVideoDataset(**kwargs)


def _key(number, nframes=10, first=0):
    return dict(
        img_path=f'/v/seq/{number:06d}.jpg',
        frame_number=number,
        frame_digits=6,
        first_frame=first,
        nframes=nframes)


# The authors' clips at a video's edges (method notes sec. 1.6), as tables
# by key position r in a video of N = 10 frames; every other position is
# the plain window r + offsets.
N = 10

KEY_FILL_EDGES = {
    3: {
        0: [0, 0, 1],
        9: [8, 9, 9]
    },
    5: {
        0: [0, 0, 0, 1, 2],
        1: [0, 1, 1, 2, 3],
        8: [6, 7, 8, 9, 9],
        9: [7, 8, 9, 9, 9]
    },
    7: {
        0: [0, 0, 0, 0, 1, 2, 3],
        1: [0, 1, 1, 1, 2, 3, 4],
        2: [0, 1, 2, 2, 3, 4, 5],
        7: [4, 5, 6, 7, 8, 9, 9],
        8: [5, 6, 7, 8, 9, 9, 9],
        9: [6, 7, 8, 9, 9, 9, 9]
    },
}


@pytest.mark.parametrize('frames', [3, 5, 7])
@pytest.mark.parametrize(
    'first, digits', [(0, 6), (1, 8)],
    ids=['posetrack18', 'posetrack17_renamed'])
def test_edge_frames_fill_with_the_key_frame(frames, first, digits):
    half = frames // 2
    offsets = list(range(-half, half + 1))
    sampler = SampleClipFrames(offsets=offsets)  # the default edge policy
    for r in range(N):
        key = dict(
            _key(first + r, N, first),
            frame_digits=digits,
            img_path=f'/v/seq/{first + r:0{digits}d}.jpg')
        out = sampler(key)
        expected = KEY_FILL_EDGES[frames].get(r, [r + o for o in offsets])
        assert out['frame_numbers'] == [first + e for e in expected], r
        assert out['frame_offsets'] == offsets
        assert out['frame_paths'] == [
            f'/v/seq/{first + e:0{digits}d}.jpg' for e in expected
        ]
        # temporal order: the first differences never change sign
        assert out['frame_numbers'] == sorted(out['frame_numbers'])


def test_edge_frames_clamped_as_mmpose():
    sampler = SampleClipFrames(edge='clamp')
    assert sampler(_key(1))['frame_numbers'] == [0, 0, 1, 2, 3]
    assert sampler(_key(0))['frame_numbers'] == [0, 0, 0, 1, 2]
    assert sampler(_key(9))['frame_numbers'] == [7, 8, 9, 9, 9]
    # 1-based frames (PoseTrack17 renamed): frame 0 does not exist
    assert sampler(_key(2, first=1))['frame_numbers'] == [1, 1, 2, 3, 4]


def test_edge_frame_numbers_validates():
    with pytest.raises(ValueError, match='outside the video'):
        edge_frame_numbers(10, (-1, 0, 1), 0, 9)
    with pytest.raises(ValueError, match='edge must be one of'):
        edge_frame_numbers(1, (-1, 0, 1), 0, 9, edge='key')


def test_random_offsets_drawn_per_call():
    sampler = SampleClipFrames(random_range=(1, 4))
    drawn = {tuple(sampler(_key(50, 100))['frame_offsets']) for _ in range(30)}
    assert len(drawn) > 5  # anew on every call, i.e. every epoch
    for offsets in drawn:
        assert list(offsets) == sorted(offsets) and offsets[2] == 0
        assert all(1 <= abs(o) <= 4 for o in offsets if o)


@pytest.mark.parametrize('kwargs, message', [
    (dict(offsets=(-1, 1)), 'exactly one 0'),
    (dict(offsets=(1, 0, -1)), 'increasing'),
    (dict(edge='wrap'), 'edge must be one of'),
    (dict(random_range=(1, 1)), 'hold 2 distinct'),
])
def test_sampler_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SampleClipFrames(**kwargs)


def test_clip_pipeline_shares_one_affine(synthetic_posetrack, tmp_path):
    """A clip of one frame repeated stays identical frame for frame through
    random flip, half-body, scale and rotation: one affine for all."""
    init_default_scope('mmpose')
    info = _dataset(
        data_root=str(synthetic_posetrack),
        ann_file='annotations/posetrack18_train.json').get_data_info(4)
    pipeline = Compose([
        dict(type='SampleClipFrames', offsets=(-2, -1, 0, 1, 2)),
        dict(type='LoadClip'),
        dict(type='GetBBoxCenterScale'),
        dict(type='RandomFlip', direction='horizontal', prob=1.0),
        dict(type='RandomBBoxTransform', rotate_prob=1.0),
        dict(type='TopdownAffine', input_size=(64, 64)),
        dict(
            type='PackPoseInputs',
            meta_keys=('img_path', 'frame_offsets', 'flip')),
    ])
    # all five paths point at the key frame
    info['nframes'], info['first_frame'] = 1, info['frame_number']
    packed = pipeline(info)
    clip = packed['inputs']
    assert clip.shape == (5, 3, 64, 64)
    for t in range(1, 5):
        assert clip[t].equal(clip[0])
    assert packed['data_samples'].metainfo['frame_offsets'] == [
        -2, -1, 0, 1, 2
    ]
    assert packed['data_samples'].metainfo['flip']


def test_frame_cache_hits_and_is_read_only(synthetic_posetrack):
    paths = sorted(
        str(p) for p in (synthetic_posetrack / 'images/val').rglob('*.jpg'))
    loader = LoadClip(cache_size=4)
    first = loader(dict(frame_paths=paths[:3], img_path=paths[1]))
    loader(dict(frame_paths=paths[1:4], img_path=paths[2]))
    assert (loader.hits, loader.misses) == (2, 4)
    with pytest.raises(ValueError):
        first['img'][0][0, 0, 0] = 1  # cached frames are read-only
    loader(dict(frame_paths=paths[4:9], img_path=paths[5]))
    assert len(loader._cache) == 4  # bounded
    uncached = LoadClip(cache_size=0)
    for _ in range(2):
        uncached(dict(frame_paths=paths[:3], img_path=paths[1]))
    assert uncached.hits == 0 and uncached.misses == 6


def test_offsets_stated_once_on_the_dataset(synthetic_posetrack):
    """``frame_offsets`` on the dataset reach ``SampleClipFrames()`` (no
    offsets of its own); a second, different statement is an error."""
    ann = str(synthetic_posetrack / 'annotations/posetrack18_val.json')
    dataset = _dataset(
        data_root=str(synthetic_posetrack),
        ann_file=ann,
        frame_offsets=(-1, 0, 1))
    info = dataset.get_data_info(0)
    assert tuple(info['clip_offsets']) == (-1, 0, 1)
    out = SampleClipFrames()(dict(_key(5), clip_offsets=(-1, 0, 1)))
    assert out['frame_numbers'] == [4, 5, 6]
    with pytest.raises(
            ValueError,
            match=r'has offsets \[-2, -1, 0, 1, 2\] '
            r'but the dataset says frame_offsets=\[-1, 0, 1\]'):
        SampleClipFrames(offsets=(-2, -1, 0, 1, 2))(
            dict(_key(5), clip_offsets=(-1, 0, 1)))
    with pytest.raises(ValueError, match='exactly one 0'):
        _dataset(
            data_root=str(synthetic_posetrack),
            ann_file=ann,
            frame_offsets=(-1, 1))
