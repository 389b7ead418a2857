# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrack21's evaluation equals the official kit's numbers on the
reference cases of tests/data/posetrack21_vectors (made by running the kit:
make_vectors.py), and refuses what the kit crashes on or misreads."""
import copy
import importlib.util
import json

import numpy as np
import pytest
from conftest import ROOT

from tdmi_mmpose.evaluation.functional.posetrack21_eval import (
    GROUPS21, HOTA_FIELDS, KIT_JOINTS, evaluate_posetrack21,
    load_posetrack21_folders, read_posetrack21_pair, summarize_posetrack21)

VECTORS = ROOT / 'tests' / 'data' / 'posetrack21_vectors'
EXPECTED = json.loads((VECTORS / 'expected.json').read_text())
EVALUATED = sorted(c for c, row in EXPECTED.items() if 'map' in row)


def _ours(case):
    pairs = load_posetrack21_folders(
        str(VECTORS / case / 'gt'), str(VECTORS / case / 'pred' / 'sequences'))
    return evaluate_posetrack21(pairs, track=True)


def _ap_value(result, summary, key, name):
    label = {'map': 'AP', 'precision': 'Precision', 'recall': 'Recall'}[key]
    if name in GROUPS21 or name == 'Total':
        return summary[f'{name} {label}']
    return result['ap' if key == 'map' else key][KIT_JOINTS.index(name)]


@pytest.mark.parametrize('case', EVALUATED)
def test_equals_the_kit(case):
    result = _ours(case)
    summary = summarize_posetrack21(result)
    row = EXPECTED[case]
    for key in ('map', 'precision', 'recall'):
        for name, value in row[key].items():
            assert _ap_value(result, summary, key, name) == pytest.approx(
                value, abs=0.01), (key, name)
    for field in HOTA_FIELDS:
        ours = 100 * result['hota'][field].mean(0)  # per joint and Total
        np.testing.assert_allclose(
            ours, row['hota'][field], atol=0.01, err_msg=field)
        assert summary[field] == pytest.approx(
            row['hota'][field][-1], abs=0.01)


def test_the_cases_tell_implementations_apart():
    """The cases exercise the metric: their numbers differ from each other
    and from perfect (a constant would fail)."""
    totals = {EXPECTED[c]['map']['Total'] for c in EVALUATED}
    hotas = {round(EXPECTED[c]['hota']['HOTA'][-1], 3) for c in EVALUATED}
    assert len(totals) >= 8 and len(hotas) >= 10
    assert EXPECTED['perfect']['hota']['HOTA'][-1] == pytest.approx(100)
    # id swaps keep the AP and lower the association
    swap = EXPECTED['id_swaps']
    assert swap['map']['Total'] > 99 and swap['hota']['AssA'][-1] < 90


def test_cases_are_what_the_script_writes(tmp_path):
    spec = importlib.util.spec_from_file_location('make_vectors',
                                                  VECTORS / 'make_vectors.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_cases(str(tmp_path))
    for path in tmp_path.rglob('*.json'):
        committed = VECTORS / path.relative_to(tmp_path)
        assert json.loads(path.read_text()) == json.loads(
            committed.read_text()), committed


def test_labeled_frame_without_people():
    """The kit crashes on it (its head sizes of the frame are None); here
    the frame's predictions are false positives for the AP and, for HOTA,
    the kit's own branch for a frame without ground truth applies (the
    whole sequence's predicted joints are added to FP)."""
    assert 'TypeError' in EXPECTED['labeled_frame_without_people']['map_error']
    result = _ours('labeled_frame_without_people')
    perfect_like = _ours('perfect')
    assert 0 < result['ap'].mean() < perfect_like['ap'].mean()
    assert result['hota']['HOTA_FP'][0, -1] > 0


# --------------------------------------------------------------- bad input
def _pair():
    case = VECTORS / 'perfect'
    gt = json.loads((case / 'gt' / 'seq_a.json').read_text())
    pred = json.loads((case / 'pred' / 'sequences' / 'seq_a.json').read_text())
    return gt, pred


def _edit_gt(fn):
    gt, pred = _pair()
    fn(gt)
    return gt, pred


def _renumber_first_image(pred):
    old = pred['images'][0]['id']
    pred['images'][0]['id'] = 7
    for ann in pred['annotations']:
        if ann['image_id'] == old:
            ann['image_id'] = 7


def _edit_pred(fn):
    gt, pred = _pair()
    fn(pred)
    return gt, pred


@pytest.mark.parametrize('make, message', [
    (lambda: _edit_gt(lambda g: g['images'][0].pop('is_labeled')),
     'no "is_labeled"'),
    (lambda: _edit_gt(lambda g: g['images'][1].pop('ignore_regions_x')),
     'ignore_regions_x'),
    (lambda: _edit_gt(lambda g: g['images'][1].update(
        ignore_regions_x=[[1, 2]], ignore_regions_y=[[1, 2]])),
     'at least 3 points'),
    (lambda: _edit_gt(lambda g: g['annotations'][0].pop('bbox_head')),
     '"bbox_head" must be'),
    (lambda: _edit_gt(lambda g: g['annotations'][0].update(image_id=5)),
     'not in "images"'),
    (lambda: _edit_pred(lambda p: p['annotations'][0].update(track_id=1.5)),
     '"track_id" must be an integer'),
    (lambda: _edit_pred(lambda p: p['annotations'][0].update(
        keypoints=[0] * 30)), '"keypoints" has 30 values, expected 51'),
    (lambda: _edit_pred(lambda p: p['annotations'][0].update(
        scores=[float('nan')] * 17)), 'NaN'),
    (lambda: _edit_pred(lambda p: p['images'].pop()), 'images, the ground'),
    (lambda: _edit_pred(_renumber_first_image), 'paired by position'),
    (lambda: _edit_pred(lambda p: p['annotations'][1].update(track_id=p[
        'annotations'][0]['track_id'])), 'repeat track id'),
    (lambda: _edit_gt(
        lambda g: [im.update(is_labeled=False)
                   for im in g['images']]), 'no labelled frame to evaluate'),
])
def test_bad_input_is_named(make, message):
    gt, pred = make()
    with pytest.raises(ValueError, match=message):
        evaluate_posetrack21(
            [read_posetrack21_pair(gt, pred, 'seq_a.json', 'GT', 'PRED')],
            track=True)


def test_missing_prediction_file_is_named(tmp_path):
    with pytest.raises(ValueError, match='no prediction file'):
        load_posetrack21_folders(
            str(VECTORS / 'perfect' / 'gt'), str(tmp_path))


def test_missing_scores_are_the_kits_default():
    gt, pred = _pair()
    without = copy.deepcopy(pred)
    for ann in without['annotations']:
        ann.pop('scores')
    a = evaluate_posetrack21([read_posetrack21_pair(gt, pred, 's')])
    b = evaluate_posetrack21([read_posetrack21_pair(gt, without, 's')])
    # perfect poses: the scores only order them, all correct either way
    assert a['ap'] == pytest.approx(b['ap'])


def test_evaluation_tool_writes_the_kits_numbers(tmp_path):
    spec = importlib.util.spec_from_file_location(
        'eval_posetrack', ROOT / 'tools' / 'misc' / 'eval_posetrack.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    case = VECTORS / 'fragmented'
    out = tmp_path / 'result.json'
    assert tool.main([
        '--gt',
        str(case / 'gt'), '--pred',
        str(case / 'pred' / 'sequences'), '--protocol', 'posetrack21',
        '--track', '--out',
        str(out)
    ]) == 0
    written = json.loads(out.read_text())
    row = EXPECTED['fragmented']
    assert written['Total AP'] == pytest.approx(row['map']['Total'], abs=0.01)
    for field in ('HOTA', 'DetA', 'AssA', 'LocA', 'DetRe', 'DetPr', 'AssRe',
                  'AssPr'):
        assert written[field] == pytest.approx(
            row['hota'][field][-1], abs=0.01)
    # the poseval-only options are refused with this protocol
    assert tool.main([
        '--gt',
        str(case / 'gt'), '--pred',
        str(case / 'pred' / 'sequences'), '--protocol', 'posetrack21',
        '--where', 'a=1'
    ]) == 1
