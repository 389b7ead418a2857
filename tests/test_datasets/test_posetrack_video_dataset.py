# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrackVideoDataset: the real PoseTrack18 sample files, the PoseTrack
17/18 and renamed-frame formats, box files, and bad files named."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import PoseTrackVideoDataset

SAMPLE = Path(__file__).resolve().parents[1] / 'data' / 'posetrack18_sample'


def _dataset(**kwargs):
    init_default_scope('mmpose')
    return PoseTrackVideoDataset(**kwargs)


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


def test_pt18_pt17_and_renamed_pt17_read_alike(synthetic_posetrack, tmp_path):
    pt18 = _dataset(
        data_root=str(synthetic_posetrack), ann_file='annotations/train')
    merged = _dataset(
        data_root=str(synthetic_posetrack),
        ann_file='annotations/posetrack18_train.json')
    pt17 = _dataset(
        data_root=str(synthetic_posetrack), ann_file='annotations_pt17/train')
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
    data = json.loads((synthetic_posetrack /
                       'annotations/posetrack18_train.json').read_text())
    seq_dir = synthetic_posetrack / 'images' / 'train'
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


def test_unlabeled_frames_are_never_training_keys(synthetic_posetrack):
    train = _dataset(
        data_root=str(synthetic_posetrack),
        ann_file='annotations/posetrack18_train.json')
    data = json.loads((synthetic_posetrack /
                       'annotations/posetrack18_train.json').read_text())
    unlabeled = {
        im['file_name']
        for im in data['images'] if not im['is_labeled']
    }
    assert unlabeled
    keys = {train.get_data_info(i)['img_path'] for i in range(len(train))}
    assert not any(k.endswith(u) for k in keys for u in unlabeled)
    # at test time every frame with a detection is predicted
    test = _dataset(
        data_root=str(synthetic_posetrack),
        ann_file='annotations/posetrack18_train.json',
        bbox_file=str(synthetic_posetrack / 'detections' /
                      'posetrack18_train_detections.json'),
        test_mode=True)
    tested = {test.get_data_info(i)['img_path'] for i in range(len(test))}
    assert any(k.endswith(u) for k in tested for u in unlabeled)


def test_val_boxes_json_form(synthetic_posetrack, tmp_path):
    dets = json.loads((synthetic_posetrack / 'detections' /
                       'posetrack18_val_detections.json').read_text())
    data = json.loads(
        (synthetic_posetrack / 'annotations/posetrack18_val.json').read_text())
    name_of = {im['id']: im['file_name'] for im in data['images']}
    boxes = [
        dict(
            image_name=name_of[d['image_id']],
            bbox=d['bbox'],
            score=d['score']) for d in dets
    ]
    (tmp_path / 'val_boxes.json').write_text(json.dumps(boxes))
    kwargs = dict(
        data_root=str(synthetic_posetrack),
        ann_file='annotations/posetrack18_val.json',
        test_mode=True)
    a = _dataset(bbox_file=str(tmp_path / 'val_boxes.json'), **kwargs)
    b = _dataset(
        bbox_file=str(synthetic_posetrack / 'detections' /
                      'posetrack18_val_detections.json'),
        **kwargs)
    assert len(a) == len(b) > 0
    assert a[3]['img_path'] == b[3]['img_path']


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def _pt18(synthetic_posetrack):
    return json.loads(
        (synthetic_posetrack / 'annotations/posetrack18_val.json').read_text())


def test_bad_annotation_files(synthetic_posetrack, tmp_path):
    kw = dict(data_root=str(synthetic_posetrack))
    with pytest.raises(ValueError, match='bad.json: not valid JSON'):
        _dataset(ann_file=_write(tmp_path, 'bad.json', '{"images": ['), **kw)
    data = _pt18(synthetic_posetrack)
    data['annotations'][0]['image_id'] = 42
    with pytest.raises(
            ValueError, match=r'annotations\[0\] names image_id '
            '42'):
        _dataset(ann_file=_write(tmp_path, 'a.json', data), **kw)
    data = _pt18(synthetic_posetrack)
    data['annotations'][2]['keypoints'] = [1, 2, 3]
    with pytest.raises(
            ValueError,
            match=r'annotations\[2\].*"keypoints" has 3 '
            'values, expected 51'):
        _dataset(ann_file=_write(tmp_path, 'b.json', data), **kw)
    data = _pt18(synthetic_posetrack)
    data['images'][5]['nframes'] = 3
    with pytest.raises(
            ValueError,
            match='000005.jpg is number 5, outside '
            'its video of 3 frames'):
        _dataset(ann_file=_write(tmp_path, 'c.json', data), **kw)
    with pytest.raises(ValueError, match='neither a PoseTrack17'):
        _dataset(ann_file=_write(tmp_path, 'd.json', {'x': 1}), **kw)


def test_missing_key_image_and_unknown_detections(synthetic_posetrack,
                                                  tmp_path):
    data = _pt18(synthetic_posetrack)
    data['images'][1]['file_name'] = 'images/val/nowhere/000001.jpg'
    with pytest.raises(FileNotFoundError, match='images/val/nowhere/0000'):
        _dataset(
            data_root=str(synthetic_posetrack),
            ann_file=_write(tmp_path, 'e.json', data))
    ann = str(synthetic_posetrack / 'annotations/posetrack18_val.json')
    with pytest.raises(ValueError, match='names image_id 7, which is not'):
        _dataset(
            data_root=str(synthetic_posetrack),
            ann_file=ann,
            test_mode=True,
            bbox_file=_write(tmp_path, 'f.json',
                             [dict(image_id=7, bbox=[0, 0, 9, 9], score=0.9)]))
    # boxes all below the threshold: skipped, counted; none left: an error
    with pytest.raises(ValueError, match='no samples'):
        _dataset(
            data_root=str(synthetic_posetrack),
            ann_file=ann,
            test_mode=True,
            bbox_file=_write(tmp_path, 'g.json', [
                dict(
                    image_id=data['images'][0]['id'],
                    bbox=[0, 0, 9, 9],
                    score=0.1)
            ]))


@pytest.mark.parametrize('edit, message', [
    (dict(score=float('nan')), r'detection 0: .*must be finite'),
    (dict(bbox=[0, 0, float('inf'), 9]), r'detection 0: .*must be finite'),
    (dict(score='0.9'), r'detection 0: "score" must be a number'),
    (dict(bbox=['0', 0, 9, 9]), r'detection 0: "bbox" must be four numbers'),
    (dict(bbox=[0, 0, 9]), r'detection 0: "bbox" must be four numbers'),
])
def test_bad_detections_are_refused_at_load(synthetic_posetrack, tmp_path,
                                            edit, message):
    ann = str(synthetic_posetrack / 'annotations/posetrack18_val.json')
    image_id = _pt18(synthetic_posetrack)['images'][0]['id']
    det = dict(image_id=image_id, bbox=[0, 0, 9, 9], score=0.9)
    det.update(edit)
    path = tmp_path / 'dets.json'
    path.write_text(json.dumps([det]))
    with pytest.raises(ValueError, match=f'dets.json: {message}'):
        _dataset(
            data_root=str(synthetic_posetrack),
            ann_file=ann,
            test_mode=True,
            bbox_file=str(path))


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
     r'annotations\[1\] \(image .*\): "bbox" has 3 values, expected 4'),
    (lambda d: d['annotations'][1].__setitem__('bbox', [1, 2, 'w', 4]),
     r'"bbox" must be a list of numbers, found \'w\''),
    (lambda d: _set_keypoint(d, 'x'),
     r'annotations\[1\] .*"keypoints" must be a list of numbers, found '
     r"'x'"),
    (lambda d: _set_keypoint(d, float('nan')),
     r'annotations\[1\] .*keypoints \[1\] are NaN or infinite'),
    (lambda d: [im.__setitem__('nframes', 40) for im in d['images']],
     r'says nframes=40 \(frames 0..39\), but its last frame .*000039.jpg '
     r'does not exist'),
])
def test_bad_ground_truth_named(synthetic_posetrack, tmp_path, edit, message):
    data = _pt18(synthetic_posetrack)
    edit(data)
    with pytest.raises((ValueError, FileNotFoundError),
                       match=f'g.json: .*{message}'):
        _dataset(
            data_root=str(synthetic_posetrack),
            ann_file=_write(tmp_path, 'g.json', data))


def test_empty_ground_truth_boxes_are_counted(synthetic_posetrack, tmp_path,
                                              monkeypatch):
    from tdmi_mmpose.datasets import posetrack_video_dataset as module
    logged = []
    monkeypatch.setattr(module, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    data = _pt18(synthetic_posetrack)
    data['annotations'][0]['bbox'] = [5, 5, 0, 10]
    data['annotations'][1]['bbox'] = [5, 5, 10, -1]
    full = _dataset(
        data_root=str(synthetic_posetrack),
        ann_file=str(synthetic_posetrack / 'annotations' /
                     'posetrack18_val.json'))
    ds = _dataset(
        data_root=str(synthetic_posetrack),
        ann_file=_write(tmp_path, 'h.json', data))
    assert len(ds) == len(full) - 2
    assert any('h.json: 2 labelled people with a box of zero or negative' in m
               for m in logged)
