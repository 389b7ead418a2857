# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""Evaluation on a chosen set of frames: a hand-computed case, equality with
evaluating files that hold only the chosen frames (AP and MOTA), and the
refusals."""
import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tdmi_mmpose.evaluation.functional import (FrameSubset, evaluate_posetrack,
                                               evaluate_posetrack_folders,
                                               load_sequence, parse_sequence)
from tdmi_mmpose.evaluation.metrics import PoseTrackMetric
from tdmi_mmpose.posetrack_format import PT18_KEYPOINTS

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / 'tests' / 'data' / 'poseval_vectors'


def _person(frame, dx, score, track_id=1):
    """One person whose 17 keypoints are a grid shifted by ``dx``."""
    xy = np.stack([100 + 10 * np.arange(17) + dx, 200 + 5 * np.arange(17)], 1)
    kpts = np.concatenate([xy, np.ones((17, 1))], 1)
    return dict(
        image_id=frame,
        track_id=track_id,
        keypoints=kpts.ravel().tolist(),
        scores=[score] * 17,
        bbox_head=[100, 100, 40, 40])


def _hand_case():
    """Three labelled frames, one person each; the prediction is right on
    frames 0 and 2 (scores 0.9, 0.7) and 500 px off on frame 1 (0.8).
    Frame 1 is marked ``degraded: blur``."""
    images = [
        dict(
            id=i,
            file_name=f'images/val/seq/{i:06d}.jpg',
            is_labeled=True,
            **({
                'degraded': 'blur'
            } if i == 1 else {})) for i in range(3)
    ]
    cats = [dict(id=1, name='person', keypoints=list(PT18_KEYPOINTS))]
    gt = dict(
        images=images,
        annotations=[_person(i, 0, 1.0) for i in range(3)],
        categories=cats)
    pred = dict(
        images=images,
        annotations=[
            _person(0, 0, 0.9),
            _person(1, 500, 0.8),
            _person(2, 0, 0.7)
        ],
        categories=cats)
    return (parse_sequence(gt, 'gt/seq.json'),
            parse_sequence(pred, 'pred/seq.json'))


def test_hand_computed_subsets():
    gt, pred = _hand_case()
    # all frames: pooled (0.9 right, 0.8 wrong, 0.7 right), 3 positives:
    # VOC AP = 1/3 * 1 + 1/3 * 2/3 = 5/9
    whole = evaluate_posetrack([gt], [pred])
    assert whole['num_frames'] == 3
    assert whole['ap_groups']['Total'] == pytest.approx(100 * 5 / 9)
    clean = evaluate_posetrack([gt], [pred],
                               frames=FrameSubset(where=dict(degraded=None)))
    assert clean['num_frames'] == 2
    assert clean['ap_groups']['Total'] == pytest.approx(100.0)
    blurred = evaluate_posetrack(
        [gt], [pred], frames=FrameSubset(where=dict(degraded='blur')))
    assert blurred['num_frames'] == 1
    assert blurred['ap_groups']['Total'] == pytest.approx(0.0)
    # by id and by file name (any root), combined with where
    for frames in ([0, 1], ['other/root/seq/000000.jpg', 'seq/000001.jpg']):
        part = evaluate_posetrack([gt], [pred], frames=FrameSubset(frames))
        # 0.9 right, 0.8 wrong, 2 positives: AP = 1/2
        assert part['ap_groups']['Total'] == pytest.approx(50.0)
    both = FrameSubset([0, 1], where=dict(degraded=['blur', 'occluder']))
    assert evaluate_posetrack([gt], [pred], frames=both)['num_frames'] == 1


def _write_case(root, case, keep):
    """Copy a reference case keeping only the frames at positions ``keep``
    in both files."""
    for side in ('gt', 'pred'):
        (root / side).mkdir(parents=True)
        for path in (VECTORS / case / side).glob('*.json'):
            data = json.loads(path.read_text())
            ids = [
                im['id'] for i, im in enumerate(data['images']) if i in keep
            ]
            data['images'] = [im for im in data['images'] if im['id'] in ids]
            data['annotations'] = [
                a for a in data['annotations'] if a['image_id'] in ids
            ]
            (root / side / path.name).write_text(json.dumps(data))


@pytest.mark.parametrize('case', ['06_synth_basic', '12_id_swaps'])
def test_subset_equals_files_holding_only_those_frames(tmp_path, case):
    """poseval's semantics: a subset scores exactly like the official tool
    on files with the other frames deleted (AP and MOTA)."""
    gt_dir = VECTORS / case / 'gt'
    keep = {0, 2, 3, 5, 8}
    frames = [
        f.name for path in sorted(gt_dir.glob('*.json'))
        for i, f in enumerate(load_sequence(str(path)).frames) if i in keep
    ]
    _write_case(tmp_path / 'cut', case, keep)
    cut = evaluate_posetrack_folders(
        str(tmp_path / 'cut' / 'gt'),
        str(tmp_path / 'cut' / 'pred'),
        track=True)
    part = evaluate_posetrack_folders(
        str(gt_dir), str(VECTORS / case / 'pred'), track=True, frames=frames)
    whole = evaluate_posetrack_folders(
        str(gt_dir), str(VECTORS / case / 'pred'), track=True)
    for key in ('ap', 'mota', 'motp', 'mot_precision', 'mot_recall'):
        np.testing.assert_allclose(part[key], cut[key], err_msg=key)
    assert part['num_frames'] == cut['num_frames'] < whole['num_frames']
    assert not np.allclose(part['mota'], whole['mota'], equal_nan=True)


def test_subset_refusals(tmp_path):
    gt, _ = _hand_case()
    with pytest.raises(ValueError, match=r"'blurred'.*not in the ground"):
        FrameSubset(['seq/000009.jpg'], name='blurred').check([gt])
    with pytest.raises(ValueError, match=r'not in the ground.*\[.7.\]'):
        FrameSubset([7]).check([gt])
    with pytest.raises(
            ValueError, match="no ground-truth image has the "
            "field 'occluded'"):
        FrameSubset(where=dict(occluded=True)).check([gt])
    with pytest.raises(ValueError, match='selects no labelled'):
        FrameSubset(where=dict(degraded='occluder')).check([gt])
    with pytest.raises(ValueError, match='image ids .int. or image file'):
        FrameSubset([1.5])
    with pytest.raises(ValueError, match='give frames'):
        FrameSubset()
    bad = tmp_path / 'frames.json'
    bad.write_text('{"frames": [1], "typo": 2}')
    with pytest.raises(ValueError, match='expected a list of image ids'):
        FrameSubset.build(str(bad))
    bad.write_text('[1,')
    with pytest.raises(ValueError, match='frames.json is not valid JSON'):
        FrameSubset.build(str(bad))
    with pytest.raises(ValueError, match='names must be non-empty'):
        PoseTrackMetric(gt_dir=str(tmp_path), frame_subsets={'a/b': [1]})


def test_eval_tool_subset_options(tmp_path):
    case = '06_synth_basic'
    gt_dir = VECTORS / case / 'gt'
    data = json.loads(next(gt_dir.glob('*.json')).read_text())
    marked = copy.deepcopy(data)
    for im in marked['images'][:4]:
        im['degraded'] = 'blur'
    (tmp_path / 'gt').mkdir()
    (tmp_path / 'gt' / next(gt_dir.glob('*.json')).name).write_text(
        json.dumps(marked))
    pred = tmp_path / 'pred'
    shutil.copytree(VECTORS / case / 'pred', pred)
    ids = [im['id'] for im in data['images'][:4]]
    (tmp_path / 'ids.json').write_text(json.dumps(ids))

    def run(*extra):
        out = tmp_path / 'out.json'
        proc = subprocess.run([
            sys.executable,
            str(ROOT / 'tools' / 'misc' / 'eval_posetrack.py'), '--gt',
            str(tmp_path / 'gt'), '--pred',
            str(pred), '--out',
            str(out), *extra
        ],
                              capture_output=True,
                              text=True)
        return proc, (
            json.loads(out.read_text()) if proc.returncode == 0 else None)

    _, by_ids = run('--frames', str(tmp_path / 'ids.json'))
    proc, by_field = run('--where', 'degraded=blur')
    assert 'on 4 selected frames' in proc.stdout
    _, whole = run()
    assert by_ids == by_field
    assert by_ids['Total AP'] != whole['Total AP']
    proc, _ = run('--where', 'degraded')
    assert proc.returncode == 1 and 'expected FIELD=VALUE' in proc.stderr


def test_metric_reports_subsets_and_nan_for_empty_ones(tmp_path):
    """PoseTrackMetric's named subsets equal the tool's numbers on the same
    frames; a subset without a labelled frame is NaN, with a warning."""
    from mmengine.evaluator import Evaluator
    from test_posetrack_metric import META, _samples_from_prediction_files
    case = VECTORS / '06_synth_basic'
    gt_files = sorted((case / 'gt').glob('*.json'))
    first = [
        f.name for path in gt_files
        for f in load_sequence(str(path)).frames[:4]
    ]
    (tmp_path / 'first.json').write_text(json.dumps(first))
    gt_dir = tmp_path / 'gt'
    gt_dir.mkdir()
    for path in gt_files:  # a field only on frames it does not select
        data = json.loads(path.read_text())
        data['images'][0]['crowd'] = 'yes'
        data['images'][0]['is_labeled'] = True
        (gt_dir / path.name).write_text(json.dumps(data))
    metric = PoseTrackMetric(
        gt_dir=str(gt_dir),
        frame_subsets=dict(
            first=str(tmp_path / 'first.json'),
            calm=dict(frames=first, where=dict(crowd='no'))))
    evaluator = Evaluator(metric)
    evaluator.dataset_meta = META
    samples = _samples_from_prediction_files(case / 'pred')
    evaluator.process(samples)
    from mmengine.logging import MMLogger
    logger = MMLogger.get_current_instance()
    warnings = []
    original = logger.warning
    logger.warning = lambda msg, *a, **k: warnings.append(msg)
    try:
        results = evaluator.evaluate(len(samples))
    finally:
        logger.warning = original
    expected = evaluate_posetrack_folders(
        str(case / 'gt'), str(case / 'pred'), frames=first)
    assert results['posetrack/first/Total AP'] == pytest.approx(
        expected['ap_groups']['Total'])
    assert results['posetrack/first/num_frames'] == expected['num_frames']
    assert results['posetrack/Total AP'] != pytest.approx(
        expected['ap_groups']['Total'])
    assert np.isnan(results['posetrack/calm/Total AP'])
    assert results['posetrack/calm/num_frames'] == 0
    assert any("'calm' selects no labelled" in w for w in warnings)
