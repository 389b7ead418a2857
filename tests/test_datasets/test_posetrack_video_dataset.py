# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrackVideoDataset, the clip transforms and the synthetic generator."""
import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import (PoseTrackVideoDataset,
                                  generate_synthetic_posetrack)
from tdmi_mmpose.datasets.transforms import (ClippedNormalBBoxTransform,
                                             LoadClip, SampleClipFrames,
                                             edge_frame_numbers)
from tdmi_mmpose.evaluation.functional import evaluate_posetrack_folders

SAMPLE = Path(__file__).resolve().parents[1] / 'data' / 'posetrack18_sample'


@pytest.fixture(scope='module')
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp('synthetic')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=2, val=2), num_frames=8, seed=3)
    return root


def _dataset(**kwargs):
    init_default_scope('mmpose')
    return PoseTrackVideoDataset(**kwargs)


# --------------------------------------------------------------------------
# real PoseTrack18 files
# --------------------------------------------------------------------------
# The sample ships only frame 0 of each video: the check that each video's
# last frame exists is off (check_files=False) where only reading is tested.
def test_real_posetrack18_merged_and_per_sequence_agree():
    merged = _dataset(
        data_root=str(SAMPLE),
        ann_file='annotations/test_posetrack18_val.json',
        check_files=False)
    per_seq = _dataset(
        data_root=str(SAMPLE), ann_file='annotations/val', check_files=False)
    assert len(merged) == len(per_seq) > 0

    def by_id(ds):
        return {ds[i]['id']: ds[i] for i in range(len(ds))}

    merged, per_seq = by_id(merged), by_id(per_seq)
    assert set(merged) == set(per_seq)
    a, b = merged[1012834000000], per_seq[1012834000000]
    assert a['img_path'] == b['img_path']
    assert a['img_path'].endswith('images/val/012834_mpii_test/000000.jpg')
    assert (a['frame_number'], a['frame_digits'], a['first_frame'],
            a['nframes']) == (0, 6, 0, 140)
    np.testing.assert_array_equal(a['keypoints'], b['keypoints'])
    # MMPose's PoseTrack18 metainfo reaches the pipeline
    assert a['flip_indices'][1:3] == [1, 2]


def test_real_detections_in_mmpose_format():
    dets = json.loads(
        (SAMPLE /
         'annotations/test_posetrack18_human_detections.json').read_text())
    ds = _dataset(
        data_root=str(SAMPLE),
        ann_file='annotations/test_posetrack18_val.json',
        bbox_file=str(SAMPLE / 'annotations/'
                      'test_posetrack18_human_detections.json'),
        test_mode=True,
        check_files=False)
    assert len(ds) == sum(d['score'] >= 0.2 for d in dets)
    assert min(ds[i]['bbox_score'][0] for i in range(len(ds))) >= 0.2


def test_missing_support_frame_is_a_clear_error():
    """The sample ships only frame 0 although nframes says 140: refused at
    load (not at frame 61,234 of a training run); without the check, the
    clip loader names the missing frame."""
    with pytest.raises(
            FileNotFoundError,
            match=r'nframes=\d+ \(frames 0..\d+\), '
            r'but its last frame .*/0001\d\d.jpg does not exist'):
        _dataset(data_root=str(SAMPLE), ann_file='annotations/val')
    ds = _dataset(
        data_root=str(SAMPLE),
        ann_file='annotations/val',
        check_files=False,
        pipeline=[
            dict(type='SampleClipFrames', offsets=(-1, 0, 1)),
            dict(type='LoadClip')
        ])
    with pytest.raises(FileNotFoundError, match='000001.jpg: no such file'):
        ds[0]


# --------------------------------------------------------------------------
# formats on the synthetic set
# --------------------------------------------------------------------------
def test_pt18_pt17_and_renamed_pt17_read_alike(synthetic, tmp_path):
    pt18 = _dataset(data_root=str(synthetic), ann_file='annotations/train')
    merged = _dataset(
        data_root=str(synthetic),
        ann_file='annotations/posetrack18_train.json')
    pt17 = _dataset(
        data_root=str(synthetic), ann_file='annotations_pt17/train')
    assert len(pt18) == len(merged) == len(pt17)
    ears = [3, 4]
    for i in range(len(pt18)):
        a, c = pt18[i], pt17[i]
        assert a['img_path'] == c['img_path']
        kept = np.setdiff1d(np.arange(17), ears)
        np.testing.assert_allclose(
            a['keypoints'][0, kept], c['keypoints'][0, kept], atol=0.01)
        assert (c['keypoints_visible'][0, ears] == 0).all()

    # PoseWarper/DCPose renaming: 8 digits, 1-based
    data = json.loads(
        (synthetic / 'annotations/posetrack18_train.json').read_text())
    seq_dir = synthetic / 'images' / 'train'
    for video in seq_dir.iterdir():
        out = tmp_path / 'images' / 'train' / video.name
        out.mkdir(parents=True)
        for f in video.iterdir():
            shutil.copy(f, out / f'{int(f.stem) + 1:08d}.jpg')
    for image in data['images']:
        stem = Path(image['file_name']).stem
        image['file_name'] = image['file_name'].replace(
            f'{stem}.jpg', f'{int(stem) + 1:08d}.jpg')
    (tmp_path / 'renamed.json').write_text(json.dumps(data))
    renamed = _dataset(
        data_root=str(tmp_path),
        ann_file='renamed.json',
        pipeline=[dict(type='SampleClipFrames'),
                  dict(type='LoadClip')])
    sample = renamed[0]
    assert renamed.get_data_info(0)['first_frame'] == 1
    assert all(Path(p).is_file() for p in sample['frame_paths'])
    assert len(sample['img']) == 5


def test_unlabeled_frames_are_never_training_keys(synthetic):
    train = _dataset(
        data_root=str(synthetic),
        ann_file='annotations/posetrack18_train.json')
    data = json.loads(
        (synthetic / 'annotations/posetrack18_train.json').read_text())
    unlabeled = {
        im['file_name']
        for im in data['images'] if not im['is_labeled']
    }
    assert unlabeled
    keys = {train.get_data_info(i)['img_path'] for i in range(len(train))}
    assert not any(k.endswith(u) for k in keys for u in unlabeled)
    # at test time every frame with a detection is predicted
    test = _dataset(
        data_root=str(synthetic),
        ann_file='annotations/posetrack18_train.json',
        bbox_file=str(synthetic / 'detections' /
                      'posetrack18_train_detections.json'),
        test_mode=True)
    tested = {test.get_data_info(i)['img_path'] for i in range(len(test))}
    assert any(k.endswith(u) for k in tested for u in unlabeled)


def test_val_boxes_json_form(synthetic, tmp_path):
    dets = json.loads((synthetic / 'detections' /
                       'posetrack18_val_detections.json').read_text())
    data = json.loads(
        (synthetic / 'annotations/posetrack18_val.json').read_text())
    name_of = {im['id']: im['file_name'] for im in data['images']}
    boxes = [
        dict(
            image_name=name_of[d['image_id']],
            bbox=d['bbox'],
            score=d['score']) for d in dets
    ]
    (tmp_path / 'val_boxes.json').write_text(json.dumps(boxes))
    kwargs = dict(
        data_root=str(synthetic),
        ann_file='annotations/posetrack18_val.json',
        test_mode=True)
    a = _dataset(bbox_file=str(tmp_path / 'val_boxes.json'), **kwargs)
    b = _dataset(
        bbox_file=str(synthetic / 'detections' /
                      'posetrack18_val_detections.json'),
        **kwargs)
    assert len(a) == len(b) > 0
    assert a[3]['img_path'] == b[3]['img_path']


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------
def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def _pt18(synthetic):
    return json.loads(
        (synthetic / 'annotations/posetrack18_val.json').read_text())


def test_bad_annotation_files(synthetic, tmp_path):
    kw = dict(data_root=str(synthetic))
    with pytest.raises(ValueError, match='bad.json: not valid JSON'):
        _dataset(ann_file=_write(tmp_path, 'bad.json', '{"images": ['), **kw)
    data = _pt18(synthetic)
    data['annotations'][0]['image_id'] = 42
    with pytest.raises(
            ValueError, match=r'annotations\[0\] names image_id '
            '42'):
        _dataset(ann_file=_write(tmp_path, 'a.json', data), **kw)
    data = _pt18(synthetic)
    data['annotations'][2]['keypoints'] = [1, 2, 3]
    with pytest.raises(
            ValueError,
            match=r'annotations\[2\].*3 keypoint '
            'values, expected 51'):
        _dataset(ann_file=_write(tmp_path, 'b.json', data), **kw)
    data = _pt18(synthetic)
    data['images'][5]['nframes'] = 3
    with pytest.raises(
            ValueError,
            match='000005.jpg is number 5, outside '
            'its video of 3 frames'):
        _dataset(ann_file=_write(tmp_path, 'c.json', data), **kw)
    with pytest.raises(ValueError, match='neither a PoseTrack17'):
        _dataset(ann_file=_write(tmp_path, 'd.json', {'x': 1}), **kw)


def test_missing_key_image_and_unknown_detections(synthetic, tmp_path):
    data = _pt18(synthetic)
    data['images'][1]['file_name'] = 'images/val/nowhere/000001.jpg'
    with pytest.raises(FileNotFoundError, match='images/val/nowhere/0000'):
        _dataset(
            data_root=str(synthetic),
            ann_file=_write(tmp_path, 'e.json', data))
    ann = str(synthetic / 'annotations/posetrack18_val.json')
    with pytest.raises(ValueError, match='names image_id 7, which is not'):
        _dataset(
            data_root=str(synthetic),
            ann_file=ann,
            test_mode=True,
            bbox_file=_write(tmp_path, 'f.json',
                             [dict(image_id=7, bbox=[0, 0, 9, 9], score=0.9)]))
    # boxes all below the threshold: skipped, counted; none left: an error
    with pytest.raises(ValueError, match='no samples'):
        _dataset(
            data_root=str(synthetic),
            ann_file=ann,
            test_mode=True,
            bbox_file=_write(tmp_path, 'g.json', [
                dict(
                    image_id=data['images'][0]['id'],
                    bbox=[0, 0, 9, 9],
                    score=0.1)
            ]))


# --------------------------------------------------------------------------
# transforms
# --------------------------------------------------------------------------
def _key(number, nframes=10, first=0):
    return dict(
        img_path=f'/v/seq/{number:06d}.jpg',
        frame_number=number,
        frame_digits=6,
        first_frame=first,
        nframes=nframes)


# The lineage's clips at a video's edges (method notes sec. 1.6), as tables
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


def test_clip_pipeline_shares_one_affine(synthetic, tmp_path):
    """A clip of one frame repeated stays identical frame for frame through
    random flip, half-body, scale and rotation: one affine for all."""
    init_default_scope('mmpose')
    info = _dataset(
        data_root=str(synthetic),
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


def test_frame_cache_hits_and_is_read_only(synthetic):
    paths = sorted(str(p) for p in (synthetic / 'images/val').rglob('*.jpg'))
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


# --------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------
def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob('*')):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_generator_is_deterministic_and_complete(tmp_path):
    kwargs = dict(splits=dict(val=2), num_frames=6, image_size=(96, 64))
    generate_synthetic_posetrack(str(tmp_path / 'a'), seed=1, **kwargs)
    generate_synthetic_posetrack(str(tmp_path / 'b'), seed=1, **kwargs)
    generate_synthetic_posetrack(str(tmp_path / 'c'), seed=2, **kwargs)
    assert _digest(tmp_path / 'a') == _digest(tmp_path / 'b')
    assert _digest(tmp_path / 'a') != _digest(tmp_path / 'c')
    root = tmp_path / 'a'
    assert len(list((root / 'images/val').rglob('*.jpg'))) == 12
    for folder in ('annotations/val', 'annotations_pt17/val'):
        assert len(os.listdir(root / folder)) == 2


def test_generated_pt17_and_pt18_ground_truth_agree(synthetic):
    """Each form of the ground truth, evaluated against the other as a
    prediction, is perfect: the two files describe the same people."""
    r = evaluate_posetrack_folders(
        str(synthetic / 'annotations/val'),
        str(synthetic / 'annotations_pt17/val'),
        track=True)
    assert r['ap_groups']['Total'] == pytest.approx(100.0)
    assert r['mota_groups']['Total'] == pytest.approx(100.0)


def test_generated_content(synthetic):
    data = json.loads(
        (synthetic / 'annotations/posetrack18_val.json').read_text())
    dets = json.loads((synthetic / 'detections' /
                       'posetrack18_val_detections.json').read_text())
    labelled = [im for im in data['images'] if im['is_labeled']]
    assert 0 < len(labelled) < len(data['images'])
    assert any('degraded' in im for im in data['images'])
    assert all(im['ignore_regions_x'] for im in data['images'])
    tracks = {(a['image_id'], a['track_id']) for a in data['annotations']}
    assert len({t for _, t in tracks}) >= 2  # several people
    # noisy detections: misses, false positives (low scores)
    assert any(d['score'] < 0.45 for d in dets)
    gt_boxes = {a['image_id']: a['bbox'] for a in data['annotations']}
    assert len(gt_boxes) > 0


def test_box_augmentation_draws_the_clipped_normal_distribution():
    """scale x clip(N*0.35 + 1, 0.65, 1.35); rotation clip(N*45, -90, 90)
    with p 0.6. MMPose's RandomBBoxTransform (normal truncated at 1 sigma)
    would put no mass on the range ends and keep rotations within 45."""
    np.random.seed(0)
    n = 40000
    transform = ClippedNormalBBoxTransform()  # held: mmcv keeps a weakref
    offset, scale, rotate = transform._get_transform_params(n)
    assert not offset.any()  # the lineage does not shift
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


def test_offsets_stated_once_on_the_dataset(synthetic):
    """``frame_offsets`` on the dataset reach ``SampleClipFrames()`` (no
    offsets of its own); a second, different statement is an error."""
    ann = str(synthetic / 'annotations/posetrack18_val.json')
    dataset = _dataset(
        data_root=str(synthetic), ann_file=ann, frame_offsets=(-1, 0, 1))
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
        _dataset(data_root=str(synthetic), ann_file=ann, frame_offsets=(-1, 1))


@pytest.mark.parametrize('edit, message', [
    (dict(score=float('nan')), r'detection 0: .*must be finite'),
    (dict(bbox=[0, 0, float('inf'), 9]), r'detection 0: .*must be finite'),
    (dict(score='0.9'), r'detection 0: "score" must be a number'),
    (dict(bbox=['0', 0, 9, 9]), r'detection 0: "bbox" must be four numbers'),
    (dict(bbox=[0, 0, 9]), r'detection 0: "bbox" must be four numbers'),
])
def test_bad_detections_are_refused_at_load(synthetic, tmp_path, edit,
                                            message):
    ann = str(synthetic / 'annotations/posetrack18_val.json')
    image_id = _pt18(synthetic)['images'][0]['id']
    det = dict(image_id=image_id, bbox=[0, 0, 9, 9], score=0.9)
    det.update(edit)
    path = tmp_path / 'dets.json'
    path.write_text(json.dumps([det]))
    with pytest.raises(ValueError, match=f'dets.json: {message}'):
        _dataset(
            data_root=str(synthetic),
            ann_file=ann,
            test_mode=True,
            bbox_file=str(path))


def test_synthetic_generator_does_not_overwrite(tmp_path):
    root = tmp_path / 'set'
    kwargs = dict(splits=dict(train=1, val=1), num_frames=4)
    generate_synthetic_posetrack(str(root), seed=1, **kwargs)
    before = sorted(p.name for p in (root / 'images' / 'val').iterdir())
    with pytest.raises(FileExistsError, match='is not empty.*overwrite=True'):
        generate_synthetic_posetrack(str(root), seed=2, **kwargs)
    assert sorted(p.name
                  for p in (root / 'images' / 'val').iterdir()) == before
    generate_synthetic_posetrack(
        str(root),
        seed=2,
        overwrite=True,
        splits=dict(train=1, val=2),
        num_frames=4)
    # the previous set is gone, not mixed in
    assert len(list((root / 'images' / 'val').iterdir())) == 2


def _set_keypoint(data, value):
    data['annotations'][1]['keypoints'][3] = value


def _repeat_image_id(data):
    data['images'][3]['id'] = data['images'][2]['id']


@pytest.mark.parametrize('edit, message', [
    (lambda d: d.__setitem__('annotations', {}),
     r'"annotations" must be a list, got dict'),
    (_repeat_image_id, r'images\[3\] \(.*000003.jpg\) repeats image id .* '
     r'of .*000002.jpg'),
    (lambda d: d['annotations'][1].__setitem__('bbox', [1, 2, 3]),
     r'annotations\[1\] \(image .*\): "bbox" must be four finite numbers'),
    (lambda d: d['annotations'][1].__setitem__('bbox', [1, 2, 'w', 4]),
     r'"bbox" must be four finite numbers'),
    (lambda d: _set_keypoint(d, 'x'),
     r'annotations\[1\] .*"keypoints" must be a list of numbers, found '
     r"'x'"),
    (lambda d: _set_keypoint(d, float('nan')),
     r'annotations\[1\] .*keypoints \[1\] are NaN or infinite'),
    (lambda d: [im.__setitem__('nframes', 40) for im in d['images']],
     r'says nframes=40 \(frames 0..39\), but its last frame .*000039.jpg '
     r'does not exist'),
])
def test_bad_ground_truth_named(synthetic, tmp_path, edit, message):
    data = _pt18(synthetic)
    edit(data)
    with pytest.raises((ValueError, FileNotFoundError),
                       match=f'g.json: .*{message}'):
        _dataset(
            data_root=str(synthetic),
            ann_file=_write(tmp_path, 'g.json', data))


def test_empty_ground_truth_boxes_are_counted(synthetic, tmp_path,
                                              monkeypatch):
    from tdmi_mmpose.datasets import posetrack_video_dataset as module
    logged = []
    monkeypatch.setattr(module, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    data = _pt18(synthetic)
    data['annotations'][0]['bbox'] = [5, 5, 0, 10]
    data['annotations'][1]['bbox'] = [5, 5, 10, -1]
    full = _dataset(
        data_root=str(synthetic),
        ann_file=str(synthetic / 'annotations' / 'posetrack18_val.json'))
    ds = _dataset(
        data_root=str(synthetic), ann_file=_write(tmp_path, 'h.json', data))
    assert len(ds) == len(full) - 2
    assert any('h.json: 2 labelled people with a box of zero or negative' in m
               for m in logged)
