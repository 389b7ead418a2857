# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The video tool's window mode (apis/video/window_mode.py): a key frame's
keypoints are the exact mode's with the window as the box, a window's crop
of a frame goes through the backbone once, windows are re-anchored where
the person leaves the margin, the crops a key frame needs go through the
backbone in one call, the cache is bounded, and the refusals."""
import copy

import numpy as np
import pytest
from conftest import ROOT

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.apis import inference_clip
from tdmi_mmpose.apis.video import (VideoPoseTracker, clip_edge_of,
                                    clip_offsets_of, open_frames)
from tdmi_mmpose.apis.video.tracking import fast_mode_of
from tdmi_mmpose.apis.video.window_mode import WindowModeEstimator
from tdmi_mmpose.datasets.transforms.clip_transforms import (
    edge_frame_numbers, read_frame)
from tdmi_research import generate_synthetic_posetrack


@pytest.fixture(scope='module')
def model(tiny_video_model):
    return tiny_video_model


@pytest.fixture(scope='module')
def frames(tmp_path_factory):
    root = tmp_path_factory.mktemp('synthetic_windows')
    generate_synthetic_posetrack(
        str(root), splits=dict(train=1, val=1), num_frames=12, seed=5)
    seq = sorted((root / 'annotations' / 'val').glob('*.json'))[0]
    return list(open_frames(str(seq))[1])


def _boxes(frames, step):
    """Person a drifts right by ``step`` px per frame, b stands still."""
    return {
        f.image_id:
        np.array([[60 + step * f.index, 40, 110 + step * f.index, 160, 0.9],
                  [200, 60, 250, 190, 0.8]], np.float32)
        for f in frames
    }


def _run(model, frames, boxes, **kwargs):
    tracker = VideoPoseTracker(model, boxes, bbox_thr=0.0, **kwargs)
    return tracker, [people for _, people in tracker.run(iter(frames))]


def _keypoints(people):
    return [np.asarray(p.pred_instances.keypoints)[0] for p in people]


def test_static_boxes_give_the_exact_mode(model, frames):
    """Boxes that do not move: one window per person, anchored on the
    box's own crop, so the keypoints, boxes and ids are the exact mode's,
    with each frame's crop through the backbone once per person."""
    boxes = _boxes(frames, 0.0)
    _, exact = _run(model, frames, boxes)
    tracker, window = _run(model, frames, boxes, fast='window')
    for a, b in zip(exact, window):
        for x, y in zip(_keypoints(a), _keypoints(b)):
            np.testing.assert_allclose(x, y, atol=1e-4)
        assert [p.track_id for p in a] == [p.track_id for p in b]
    est = tracker.fast_estimator
    assert est.windows == 2 and est.keys == 2 * len(frames)
    assert est.backbone_crops == 2 * len(frames)
    assert est.backbone_calls <= len(frames)


def test_keys_are_the_exact_mode_with_the_window_as_box(model, frames):
    """Drifting boxes: each key frame's keypoints equal ``inference_clip``
    on its clip with the windows as boxes (nothing resampled), the people
    keep their own boxes and scores, the drifting person's window is
    re-anchored once it leaves the margin, and every (frame, window) crop
    went through the backbone once."""
    boxes = _boxes(frames, 3.0)
    est = WindowModeEstimator(model, margin=0.05)
    offsets, edge = clip_offsets_of(model), clip_edge_of(model)
    images = {f.index: f.image for f in frames}
    pairs = set()
    for f in frames:
        numbers = edge_frame_numbers(f.index, offsets, 0,
                                     len(frames) - 1, edge)
        key_boxes = boxes[f.image_id]
        people = est.estimate(
            f.index, numbers,
            {n: (images[n], boxes[frames[n].image_id])
             for n in set(numbers)})
        windows = est.assign_windows(key_boxes)  # the same: nothing moved
        window_boxes = np.stack([est._windows[w].box for w in windows])
        expected = inference_clip(model, [images[n] for n in numbers],
                                  window_boxes)
        for person, ref, box in zip(people, expected, key_boxes):
            np.testing.assert_allclose(
                np.asarray(person.pred_instances.keypoints),
                np.asarray(ref.pred_instances.keypoints),
                atol=1e-4)
            np.testing.assert_array_equal(
                np.asarray(person.pred_instances.bboxes)[0], box[:4])
            assert float(np.asarray(
                person.pred_instances.bbox_scores)[0]) == pytest.approx(box[4])
        pairs |= {(n, w) for w in windows for n in numbers}
        est.forget(f.index - max(offsets))
    # 3 px per frame is about 4 % of the crop's width: a new window every
    # one to two frames for person a, one window for person b
    assert 1 + 4 <= est.windows <= 1 + len(frames)
    assert est.backbone_crops == len(pairs)  # each crop computed once


def test_a_key_frames_new_crops_go_through_the_backbone_at_once(model, frames):
    """The first key frame needs its T frames for both people: one
    backbone call; later key frames one call each at most."""
    tracker, _ = _run(model, frames, _boxes(frames, 3.0), fast='window')
    est = tracker.fast_estimator
    assert est.backbone_calls <= len(frames) < est.backbone_crops
    first = WindowModeEstimator(model)
    offsets, edge = clip_offsets_of(model), clip_edge_of(model)
    numbers = edge_frame_numbers(0, offsets, 0, len(frames) - 1, edge)
    boxes = _boxes(frames, 3.0)
    first.estimate(0, numbers, {
        n: (frames[n].image, boxes[frames[n].image_id])
        for n in set(numbers)
    })
    assert first.backbone_calls == 1
    assert first.backbone_crops == 2 * len(set(numbers))


def test_the_cache_holds_one_clip_window(model, frames):
    tracker, _ = _run(model, frames, _boxes(frames, 3.0), fast='window')
    est = tracker.fast_estimator
    # at most T frames' crops per live window, for two people, plus the
    # windows a re-anchoring leaves behind for the frames still held
    assert est.max_cached <= 2 * 2 * model.num_frames
    assert all(n >= len(frames) - model.num_frames for n, _ in est._cache)


def test_own_crops_are_the_pipelines(model):
    """The window of a new person is the crop the test pipeline takes for
    its box (MMPose's bbox_xyxy2cs and aspect-ratio fix)."""
    image = read_frame(
        str(ROOT / 'tests' / 'data' / 'posetrack18_clip' / '000000.jpg'))
    est = WindowModeEstimator(model)
    boxes = np.array([[350, 80, 650, 680, 0.9], [10, 20, 90, 60, 0.5]],
                     np.float32)
    center, scale = est.own_crops(boxes)
    _, _, windows, _ = est._crop(image, boxes)
    np.testing.assert_allclose(
        np.concatenate([center - scale / 2, center + scale / 2], 1),
        windows,
        atol=1e-3)
    wid = est.assign_windows(boxes)
    _, _, anchored, _ = est._crop(image,
                                  np.stack([est._windows[w].box for w in wid]))
    np.testing.assert_allclose(anchored, windows, atol=1e-3)


def test_margin_and_scale_decide_reanchoring(model):
    est = WindowModeEstimator(model, margin=0.1, scale_tol=0.1)
    box = np.array([[100, 100, 200, 300, 0.9]], np.float32)
    first = est.assign_windows(box)
    width = est._windows[first[0]].scale[0]
    inside = box.copy()
    inside[:, [0, 2]] += 0.09 * width
    assert est.assign_windows(inside) == first
    outside = box.copy()
    outside[:, [0, 2]] += 0.12 * width
    moved = est.assign_windows(outside)
    assert moved != first and est.windows == 2
    grown = outside.copy()
    grown[:, 2:4] += (grown[:, 2:4] - grown[:, :2]) * 0.25
    assert est.assign_windows(grown) != moved and est.windows == 3


def test_refusals_and_mode_names(model):
    with pytest.raises(ValueError, match='margin'):
        WindowModeEstimator(model, margin=0.5)
    with pytest.raises(ValueError, match='scale_tol'):
        WindowModeEstimator(model, scale_tol=-0.1)
    with pytest.raises(ValueError, match='margin'):
        VideoPoseTracker(
            model, {}, fast='window', fast_options=dict(margin=-1))
    cfg = copy.deepcopy(model.cfg)
    cfg.test_dataloader.dataset.pipeline = [
        s for s in cfg.test_dataloader.dataset.pipeline
        if s['type'] != 'GetBBoxCenterScale'
    ]
    original = model.cfg
    model.cfg = cfg
    try:
        with pytest.raises(ValueError, match='GetBBoxCenterScale'):
            WindowModeEstimator(model)
    finally:
        model.cfg = original
    assert fast_mode_of(True) == 'resample' and fast_mode_of(False) is None
    assert fast_mode_of('window') == 'window'
    with pytest.raises(ValueError, match='resample'):
        fast_mode_of('warp')
