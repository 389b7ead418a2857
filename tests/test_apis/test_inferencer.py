# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""VideoPoseInferencer: MMPose's inferencer conventions on a video model:
a detector (or a box file), per-frame predictions with track ids, the video
and the JSON written; offline without a box source, a clear message."""
import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
from conftest import ROOT, write_clip_boxes

from tdmi_mmpose.apis.video import VideoPoseInferencer
from tdmi_mmpose.apis.video.inferencer import NoPersonDetector

TINY = str(ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py')
CLIP = ROOT / 'tests' / 'data' / 'posetrack18_clip'
FIELDS = {'keypoints', 'keypoint_scores', 'bbox', 'bbox_score', 'track_id'}


def _check(results, frames):
    assert len(results) == frames
    for result in results:
        assert set(result) == {'predictions', 'visualization'}
        for person in result['predictions']:
            assert set(person) == FIELDS
            assert np.asarray(person['keypoints']).shape == (17, 2)
            assert len(person['bbox']) == 1 and len(person['bbox'][0]) == 4
            assert isinstance(person['track_id'], int)


@pytest.mark.slow
def test_clip_with_a_random_weight_rtmdet(tmp_path):
    inferencer = VideoPoseInferencer(
        TINY,
        det_model='mmdet::rtmdet/rtmdet_tiny_8xb32-300e_coco.py',
        device='cpu')
    results = list(
        inferencer(
            str(CLIP / 'posetrack18_clip.mp4'),
            bbox_thr=0.0,
            vis_out_dir=str(tmp_path),
            pred_out_dir=str(tmp_path),
            return_vis=True))
    _check(results, 5)
    assert results[0]['visualization'][0].shape == (720, 1280, 3)
    capture = cv2.VideoCapture(str(tmp_path / 'posetrack18_clip.mp4'))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 5
    written = json.loads((tmp_path / 'posetrack18_clip.json').read_text())
    assert len(written['images']) == 5


def test_frame_folder_with_a_box_file(tmp_path):
    boxes = write_clip_boxes(tmp_path / 'boxes.json')
    inferencer = VideoPoseInferencer(TINY, device='cpu')
    summary = {}
    results = list(
        inferencer(
            str(CLIP),
            bboxes=str(boxes),
            pred_out_dir=str(tmp_path / 'out'),
            summary=summary))
    _check(results, 5)
    # one person per frame, one track through the clip
    ids = {p['track_id'] for r in results for p in r['predictions']}
    assert [len(r['predictions']) for r in results] == [1] * 5
    assert len(ids) == 1
    with open(summary['json']) as f:
        written = json.load(f)
    assert {a['track_id'] for a in written['annotations']} == ids
    assert summary['video'] is None  # no vis_out_dir: nothing rendered


def test_vis_and_pred_out_dirs_apart_as_mmpose_calls_them(tmp_path):
    """MMPose's call shape: the drawn video in ``vis_out_dir``, the
    predictions in ``pred_out_dir``, each only there."""
    boxes = write_clip_boxes(tmp_path / 'boxes.json')
    inferencer = VideoPoseInferencer(TINY, device='cpu')
    vis, pred = tmp_path / 'out' / 'vis', tmp_path / 'out' / 'pred'
    results = list(
        inferencer(
            str(CLIP),
            bboxes=str(boxes),
            vis_out_dir=str(vis),
            pred_out_dir=str(pred)))
    _check(results, 5)
    assert sorted(p.name for p in vis.iterdir()) == ['posetrack18_clip.mp4']
    assert sorted(p.name for p in pred.iterdir()) == ['posetrack18_clip.json']
    written = json.loads((pred / 'posetrack18_clip.json').read_text())
    assert len(written['images']) == 5


def test_a_list_of_frames_and_boxes_as_a_dict():
    frames = [cv2.imread(str(p)) for p in sorted(CLIP.glob('*.jpg'))]
    boxes = {
        i: np.array([[350., 80., 650., 680., 0.9]])
        for i in range(len(frames))
    }
    inferencer = VideoPoseInferencer(TINY, device='cpu')
    results = list(inferencer(frames, bboxes=boxes))
    _check(results, len(frames))
    assert all(len(r['predictions']) == 1 for r in results)
    with pytest.raises(ValueError, match='BGR uint8'):
        list(inferencer([np.zeros((4, 4))], bboxes=boxes))


def test_offline_without_a_box_source_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    inferencer = VideoPoseInferencer(TINY, device='cpu')
    with pytest.raises(NoPersonDetector, match='--bboxes'):
        next(inferencer(str(CLIP)))
    # the CLI: exit 1 with the same message
    result = subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'demos' / 'video_demo.py'), TINY, '--input',
        str(CLIP), '--output-root',
        str(tmp_path / 'out')
    ],
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            env=dict(
                                os.environ,
                                TORCH_HOME=str(tmp_path / 'torch')),
                            timeout=600)
    assert result.returncode == 1, result.stdout[-2000:]
    assert 'default person detector' in result.stdout
    assert '--gt-bboxes' in result.stdout
