# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The video tool's resample mode (apis/video/resample_mode.py): equality
with the exact mode where the fast mode reuses nothing or only identical
crops, the one-pass-per-person-frame count, the bounded cache, the crops it
rebuilds, its diagnostic and refusals (the crop-to-crop geometry itself:
test_models/test_crop_geometry.py)."""
import copy
import json
import subprocess
import sys
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from conftest import ROOT

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.apis.video import (VideoPoseTracker, clip_offsets_of,
                                    open_frames)
from tdmi_mmpose.apis.video.resample_mode import ResampleModeEstimator
from tdmi_mmpose.datasets.transforms.clip_transforms import (
    edge_frame_numbers, read_frame)
from tdmi_research import generate_synthetic_posetrack, support_feature_error

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'


@pytest.fixture(scope='module')
def model(tiny_video_model):
    return tiny_video_model


@pytest.fixture(scope='module')
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp('synthetic_streaming')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=1, val=1), num_frames=12, seed=5)
    return root


def test_each_key_crop_matches_the_cached_crop_it_overlaps_most():
    """IoU by MMPose's ``bbox_overlaps``: the best crop at or above
    ``min_iou``, else -1; no cached crop: -1 for everyone."""
    cached = SimpleNamespace(
        windows=np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]],
                         float))
    key = SimpleNamespace(
        windows=np.array([[5, 0, 15, 10], [0, 0, 10, 10], [40, 40, 50, 50],
                          [6, 0, 16, 10]], float))
    # IoU of the last key crop with the second cached one: 90 / 110 = 0.82
    estimator = SimpleNamespace(min_iou=0.85)
    assert ResampleModeEstimator.match_crops(estimator, key,
                                             cached) == [1, 0, -1, -1]
    estimator.min_iou = 0.8
    assert ResampleModeEstimator.match_crops(estimator, key, cached)[3] == 1
    empty = SimpleNamespace(windows=np.zeros((0, 4)))
    assert ResampleModeEstimator.match_crops(estimator, key, empty) == [-1] * 4


# --------------------------------------------------------------------------
# the estimator in the stream
# --------------------------------------------------------------------------
def _frames(synthetic):
    seq = sorted((synthetic / 'annotations' / 'val').glob('*.json'))[0]
    return list(open_frames(str(seq))[1])


def _keypoints(model, frames, boxes, **kwargs):
    tracker = VideoPoseTracker(model, boxes, bbox_thr=0.0, **kwargs)
    out = [(f.index, [
        np.concatenate([
            np.asarray(p.pred_instances.keypoints)[0],
            np.asarray(p.pred_instances.keypoint_scores)[0][:, None]
        ], 1) for p in people
    ]) for f, people in tracker.run(iter(frames))]
    return tracker, out


def _moving_boxes(frames, step=(3.0, 1.0), grow=1.01):
    """Two people per frame whose boxes move and grow."""
    boxes = {}
    for f in frames:
        t = f.index
        a = [60 + step[0] * t, 40 + step[1] * t, 0, 0]
        a[2], a[3] = a[0] + 50 * grow**t, a[1] + 120 * grow**t
        b = [200 - step[0] * t, 60, 250 - step[0] * t, 190]
        boxes[f.image_id] = np.array([a + [0.9], b + [0.8]], np.float32)
    return boxes


def _assert_same(a, b, atol):
    assert [i for i, _ in a] == [i for i, _ in b]
    for (_, pa), (_, pb) in zip(a, b):
        assert len(pa) == len(pb)
        for x, y in zip(pa, pb):
            np.testing.assert_allclose(x, y, atol=atol)


def test_static_boxes_give_the_exact_mode(model, synthetic):
    """Boxes that do not move: every support crop is the key crop, the
    warp is the identity, so the fast mode's keypoints and scores are the
    exact mode's, with one backbone crop per person-frame."""
    frames = _frames(synthetic)
    boxes = {
        f.image_id:
        np.array([[60, 40, 120, 170, 0.9], [180, 50, 250, 200, 0.8]],
                 np.float32)
        for f in frames
    }
    _, exact = _keypoints(model, frames, boxes)
    tracker, fast = _keypoints(model, frames, boxes, fast='resample')
    _assert_same(exact, fast, atol=1e-3)
    s = tracker.fast_estimator
    assert s.backbone_crops == 2 * len(frames)
    assert s.fallbacks == 0 and s.reused > 0


def test_no_reuse_gives_the_exact_mode(model, synthetic):
    """min_iou = 1: moving boxes never overlap fully, every support frame
    is cropped with the key box as in the exact mode: the same output."""
    frames = _frames(synthetic)
    boxes = _moving_boxes(frames)
    _, exact = _keypoints(model, frames, boxes)
    tracker, fast = _keypoints(
        model, frames, boxes, fast='resample', fast_options=dict(min_iou=1.0))
    _assert_same(exact, fast, atol=1e-3)
    fast = tracker.fast_estimator
    assert fast.reused == 0 and fast.fallbacks > 0


def test_moving_boxes_reuse_and_stay_close(model, synthetic):
    """Moving, growing boxes: each person-frame goes through the backbone
    once, the cache never holds more than one clip window, and the
    keypoints stay near the exact mode's (random weights: a loose bound;
    the accuracy on a trained model is measured by
    tools/analysis_tools/benchmark_video_modes.py)."""
    frames = _frames(synthetic)
    boxes = _moving_boxes(frames)
    _, exact = _keypoints(model, frames, boxes)
    tracker, fast = _keypoints(model, frames, boxes, fast='resample')
    s = tracker.fast_estimator
    assert s.backbone_crops == 2 * len(frames)
    assert s.fallbacks == 0
    offsets = clip_offsets_of(model)
    supports = sum(n != key for key in range(len(frames))
                   for n in edge_frame_numbers(key, offsets, 0,
                                               len(frames) -
                                               1, 'fill_with_key'))
    assert s.reused == 2 * supports  # two people
    assert s.max_cached <= model.num_frames
    assert not s._cache or min(s._cache) >= len(frames) - model.num_frames
    d = np.concatenate([
        np.linalg.norm(x[:, :2] - y[:, :2], axis=1)
        for (_, pa), (_, pb) in zip(exact, fast) for x, y in zip(pa, pb)
    ])
    assert np.median(d) < 8.0


def test_a_person_missing_from_support_frames_falls_back(model, synthetic):
    """Frames without boxes around a key frame: the key's support frames
    are cropped with the key box (counted as fallbacks)."""
    frames = _frames(synthetic)
    boxes = _moving_boxes(frames)
    for f in frames[4:7]:
        if f.index != 5:
            boxes[f.image_id] = np.zeros((0, 5), np.float32)
    _, exact = _keypoints(model, frames, boxes)
    tracker, fast = _keypoints(model, frames, boxes, fast='resample')
    assert tracker.fast_estimator.fallbacks > 0
    # frame 5's people had only fallbacks and themselves: exact
    _assert_same([exact[5]], [fast[5]], atol=1e-3)


def test_refusals(model):
    with pytest.raises(ValueError, match='torch VideoTopdownPoseEstimator'):
        ResampleModeEstimator(object())
    with pytest.raises(ValueError, match='MultiFramePoseDataPreprocessor'):
        ResampleModeEstimator(
            SimpleNamespace(
                predict_from_stages=None,
                data_preprocessor=torch.nn.Identity()))
    with pytest.raises(ValueError, match='min_iou'):
        ResampleModeEstimator(model, min_iou=0.0)
    with pytest.raises(ValueError, match='interpolation'):
        ResampleModeEstimator(model, interpolation='bicubic')
    with pytest.raises(ValueError, match='padding'):
        VideoPoseTracker(
            model, {},
            fast='resample',
            fast_options=dict(padding='reflection'))
    cfg = copy.deepcopy(model.cfg)
    cfg.test_dataloader.dataset.pipeline = [
        dict(type='GetBBoxCenterScale'),
        dict(type='PackPoseInputs')
    ]
    original = model.cfg
    model.cfg = cfg
    try:
        with pytest.raises(ValueError, match='TopdownAffine'):
            ResampleModeEstimator(model)
    finally:
        model.cfg = original


def test_crop_warps_reproduce_the_pipeline(model):
    """The warp matrices rebuilt from the packed metainfo give the test
    pipeline's own crops."""
    image = read_frame(
        str(ROOT / 'tests' / 'data' / 'posetrack18_clip' / '000000.jpg'))
    est = ResampleModeEstimator(model)
    boxes = np.array([[350, 80, 650, 680, 0.9]], np.float32)
    inputs, _, windows, warps = est._crop(image, boxes)
    w, h = est._input_size
    crop = cv2.warpAffine(image, warps[0][:2], (w, h), flags=cv2.INTER_LINEAR)
    expected = model.data_preprocessor.normalise(
        torch.from_numpy(crop).permute(2, 0, 1))
    assert torch.allclose(inputs[0], expected, atol=1e-5)
    assert windows[0][2] - windows[0][0] == pytest.approx(
        (windows[0][3] - windows[0][1]) * w / h)


def _script(name, *args):
    return subprocess.run(
        [sys.executable,
         str(ROOT / 'tools' / name), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600)


def test_video_tool_fast_option(synthetic, tmp_path):
    seq = sorted((synthetic / 'annotations' / 'val').glob('*.json'))[0]
    det = synthetic / 'detections' / 'posetrack18_val_detections.json'
    outs = {}
    modes = {'exact': [], 'fast': ['--fast'], 'window': ['--fast', 'window']}
    for mode, flags in modes.items():
        result = _script('demos/video_demo.py', TINY, '--input', seq,
                         '--bboxes', det, '--output-root', tmp_path / mode,
                         '--save-predictions', '--no-video', *flags)
        assert result.returncode == 0, result.stdout[-3000:]
        outs[mode] = json.loads(
            (tmp_path / mode / f'{seq.stem}.json').read_text())
    for mode in ('fast', 'window'):
        assert outs[mode]['images'] == outs['exact']['images']
        assert len(outs[mode]['annotations']) == len(
            outs['exact']['annotations']) > 0
    refused = _script('demos/video_demo.py', TINY, '--input', seq, '--bboxes',
                      det, '--output-root', tmp_path / 'x', '--fast',
                      '--backend', 'onnxruntime', '--onnx',
                      tmp_path / 'none.onnx')
    assert refused.returncode == 2 and '--fast runs the torch model' in \
        refused.stdout


def test_feature_error_diagnostic(model, synthetic):
    """Zero for the same crop, positive for a moved one, NaN where the fast
    mode would recompute (no crop overlapping by min_iou)."""
    frame = _frames(synthetic)[0]
    est = ResampleModeEstimator(model)
    box = np.array([[60, 40, 120, 170, 0.9]], np.float32)
    same = support_feature_error(est, frame.image, box, frame.image, box)
    assert same.shape == (1, 4) and np.allclose(same, 0, atol=1e-5)
    window = est.crop_windows(frame.image, box)[0]
    moved = box.copy()
    moved[:, [0, 2]] += 0.1 * (window[2] - window[0])
    assert (support_feature_error(est, frame.image, box, frame.image, moved)
            > 0.01).all()
    far = box.copy()
    far[:, [0, 2]] += 150
    assert np.isnan(
        support_feature_error(est, frame.image, box, frame.image, far)).all()
    assert est.max_cached == 0  # a diagnostic caches nothing
