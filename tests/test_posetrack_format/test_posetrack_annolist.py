# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""One reader of PoseTrack17 annolist points for the dataset and the metric:
the same keypoints and the same errors from one file (the official tool's
behaviour: first point of a repeated id, points without an id skipped)."""
import json

import numpy as np
import pytest
from mmengine.registry import init_default_scope

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import PoseTrackVideoDataset
from tdmi_mmpose.evaluation.functional import load_sequence
from tdmi_mmpose.posetrack_format import (POSEVAL_JOINTS, PT18_KEYPOINTS,
                                          parse_annolist_points)


def _point(joint, x, y):
    return dict(id=[joint], x=[x], y=[y], is_visible=[1])


def _annolist_file(root, points):
    """A one-frame PoseTrack17 sequence whose only person has ``points``."""
    frame = root / 'images' / 'seq' / '00000001.jpg'
    frame.parent.mkdir(parents=True)
    import cv2
    cv2.imwrite(str(frame), np.zeros((40, 40, 3), np.uint8))
    data = dict(annolist=[
        dict(
            image=[dict(name='images/seq/00000001.jpg')],
            annorect=[
                dict(
                    x1=[0],
                    y1=[0],
                    x2=[30],
                    y2=[30],
                    track_id=[0],
                    annopoints=[dict(point=points)])
            ],
            is_labeled=[1])
    ])
    path = root / 'seq.json'
    path.write_text(json.dumps(data))
    return path


def test_dataset_and_metric_read_the_same_points(tmp_path):
    nose = POSEVAL_JOINTS.index('nose')
    points = [
        _point(0, 10., 20.),
        _point(nose, 5., 6.),
        _point(nose, 25., 26.),  # a repeated id: the first one counts
        dict(x=[1.], y=[2.]),  # no id: skipped
    ]
    path = _annolist_file(tmp_path, points)
    parsed = parse_annolist_points(points, str(path), 'here')
    assert parsed.repeated == 1 and parsed.unlabelled == 1
    assert parsed.xy[nose].tolist() == [5., 6.] and parsed.has.sum() == 2

    gt = load_sequence(str(path)).frames[0]
    assert gt.xy[0, nose].tolist() == [5., 6.]
    assert gt.has[0].sum() == 2

    init_default_scope('mmpose')
    dataset = PoseTrackVideoDataset(
        ann_file=str(path), data_root=str(tmp_path), data_prefix=dict(img=''))
    kpts = dataset.get_data_info(0)['keypoints'][0]
    assert kpts[PT18_KEYPOINTS.index('nose')].tolist() == [5., 6.]
    assert kpts[PT18_KEYPOINTS.index('right_ankle')].tolist() == [10., 20.]
    assert dataset.get_data_info(0)['keypoints_visible'][0].sum() == 2


@pytest.mark.parametrize('bad, message', [
    (_point(99, 1., 1.), r'annorect\[0\]: point id 99 is not a PoseTrack '
     r'joint id \(0..14\)'),
    (dict(id=[2], x=[1., 2.], y=[1.]), r'"x" should be a one-element list'),
    (dict(id=[2], y=[1.]), r'point id 2 has no "x"'),
])
def test_dataset_and_metric_refuse_alike(tmp_path, bad, message):
    path = _annolist_file(tmp_path, [_point(0, 1., 1.), bad])
    with pytest.raises(ValueError, match=f'seq.json: .*{message}'):
        load_sequence(str(path))
    init_default_scope('mmpose')
    with pytest.raises(ValueError, match=f'seq.json: .*{message}'):
        PoseTrackVideoDataset(
            ann_file=str(path),
            data_root=str(tmp_path),
            data_prefix=dict(img=''))
