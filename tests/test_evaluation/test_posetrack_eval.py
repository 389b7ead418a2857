# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The PoseTrack metric reproduces the numbers the official tool (poseval)
printed for every reference case in tests/data/poseval_vectors."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from tdmi_mmpose.evaluation.functional import (POSEVAL_JOINTS, MOTAccumulator,
                                               evaluate_posetrack,
                                               evaluate_posetrack_folders,
                                               load_sequence, summarize,
                                               voc_ap)

VECTORS = Path(__file__).resolve().parents[1] / 'data' / 'poseval_vectors'
CASES = sorted(p.name for p in VECTORS.iterdir() if p.is_dir())
TOL = 0.01


def _expected(case):
    return json.loads((VECTORS / case / 'expected.json').read_text())


# Cases with exact AP (not refused, no platform-dependent ties) and cases
# where poseval printed tracking numbers.
AP_CASES = [
    c for c in CASES if 'poseval_error' not in _expected(c)
    and not _expected(c)['tie_order_sensitive']
]
MOTA_CASES = [
    c for c in CASES if 'poseval_error' not in _expected(c)
    and 'poseval_error' not in _expected(c)['tracking']
]


def _assert_close(mine, theirs, what):
    if theirs is None:  # null is NaN in the vectors
        assert math.isnan(mine), f'{what}: {mine} but poseval gave NaN'
    else:
        assert abs(mine - theirs) <= TOL, f'{what}: {mine} vs {theirs}'


def _evaluate(case, order=None, track=True):
    if order is None:
        return evaluate_posetrack_folders(
            str(VECTORS / case / 'gt'),
            str(VECTORS / case / 'pred'),
            track=track)
    gts = [
        load_sequence(str(VECTORS / case / 'gt' / f'{n}.json')) for n in order
    ]
    preds = [
        load_sequence(str(VECTORS / case / 'pred' / f'{n}.json'))
        for n in order
    ]
    return evaluate_posetrack(gts, preds, track=track)


def test_every_vector_is_covered():
    assert len(CASES) == 23
    kinds = {'tie': 0, 'error': 0}
    for case in CASES:
        exp = _expected(case)
        kinds['tie'] += bool(exp.get('tie_order_sensitive'))
        kinds['error'] += 'poseval_error' in exp
    assert kinds == {'tie': 2, 'error': 1}
    assert len(AP_CASES) == 20 and len(MOTA_CASES) == 17


@pytest.mark.parametrize('case', AP_CASES)
def test_ap_matches_poseval(case):
    exp = _expected(case)
    result = _evaluate(case)
    for j, name in enumerate(POSEVAL_JOINTS):
        _assert_close(result['ap'][j], exp['ap']['per_joint'][name],
                      f'{case} AP {name}')
        _assert_close(result['precision'][j],
                      exp['ap']['precision']['per_joint'][name],
                      f'{case} precision {name}')
        _assert_close(result['recall'][j],
                      exp['ap']['recall']['per_joint'][name],
                      f'{case} recall {name}')
    for group, value in exp['ap']['groups'].items():
        _assert_close(result['ap_groups'][group], value, f'{case} {group}')


@pytest.mark.parametrize('case', MOTA_CASES)
def test_mota_matches_poseval(case):
    exp = _expected(case)
    result = _evaluate(case)
    for theirs, mine in (('mota', 'mota'), ('motp', 'motp'),
                         ('prec', 'mot_precision'), ('rec', 'mot_recall')):
        for j, name in enumerate(POSEVAL_JOINTS):
            _assert_close(result[mine][j],
                          exp['tracking'][theirs]['per_joint'][name],
                          f'{case} {theirs} {name}')
        for group, value in exp['tracking'][theirs]['groups'].items():
            _assert_close(result[f'{mine}_groups'][group], value,
                          f'{case} {theirs} {group}')


@pytest.mark.parametrize('case', ['14_score_ties_mixed', '15_no_scores'])
def test_tied_scores_keep_pooled_order(case):
    """poseval's tie order is platform-dependent; ours keeps pooled order,
    which equals the vectors' stable-descending figure when sequences come
    in poseval's order, and lies within the range of all tie orders."""
    exp = _expected(case)
    other = exp['diagnostics']['total_ap_under_other_tie_orders']
    order = exp['diagnostics']['sequence_order_used_by_poseval']
    total = _evaluate(case, order=order, track=False)['ap_groups']['Total']
    assert abs(total - other['stable_descending']) < 1e-6
    sorted_total = _evaluate(case, track=False)['ap_groups']['Total']
    assert other['false_positives_first'] - TOL <= sorted_total <= \
        other['true_positives_first'] + TOL
    # MOTA does not depend on score order
    test_mota_matches_poseval(case)


def test_duplicate_track_ids_are_refused():
    with pytest.raises(
            ValueError,
            match=r'000389_bonn_test, frame '
            r'images/val/000389_bonn_test/000004\.jpg.*'
            r'non-unique track ids'):
        _evaluate('21_error_duplicate_track_ids')


def test_single_evaluated_frame_is_left_out_of_mota(caplog):
    # poseval crashes here (IndexError); the other sequences still count
    result = _evaluate('17_one_eval_frame_crash')
    assert np.isfinite(result['mota_groups']['Total'])
    exp = _expected('17_one_eval_frame_crash')
    _assert_close(result['ap_groups']['Total'], exp['ap']['groups']['Total'],
                  'Total AP')


def test_summary_keys():
    summary = summarize(_evaluate('06_synth_basic'))
    assert list(summary)[:15] == list(POSEVAL_JOINTS)
    for key in ('Head AP', 'Shou AP', 'Elb AP', 'Wri AP', 'Hip AP', 'Knee AP',
                'Ankl AP', 'Total AP', 'Total MOTA', 'Total MOTP',
                'Total Prec', 'Total Rec', 'Head MOTA'):
        assert key in summary
    assert abs(summary['Total AP'] - 85.3991) < TOL


def test_voc_ap_edge_cases():
    assert voc_ap(np.zeros(0), np.zeros(0, bool), 3) == (0.0, 0.0, 0.0)
    ap, prec, rec = voc_ap(np.array([0.9, 0.8]), np.array([True, False]), 1)
    assert (ap, prec, rec) == (100.0, 50.0, 100.0)
    # a true positive ranked below a false one halves the precision there
    ap, _, _ = voc_ap(np.array([0.9, 0.8]), np.array([False, True]), 1)
    assert ap == pytest.approx(50.0)
    ap, prec, rec = voc_ap(np.array([0.5]), np.array([False]), 0)
    assert math.isnan(ap) and prec == 0.0 and math.isnan(rec)


def test_accumulator_equals_motmetrics():
    """Random sequences with re-used, swapped and vanishing ids, against
    motmetrics 1.4 (the library poseval drives), including poseval's
    distance sum over all events."""
    mm = pytest.importorskip('motmetrics')
    rng = np.random.RandomState(0)
    names = [
        'num_misses', 'num_switches', 'num_false_positives', 'num_objects',
        'num_detections'
    ]
    for trial in range(40):
        ours, theirs = MOTAccumulator(), mm.MOTAccumulator(auto_id=True)
        for _ in range(rng.randint(1, 12)):
            oids = rng.choice(6, rng.randint(0, 5), replace=False)
            hids = rng.choice(7, rng.randint(0, 5), replace=False)
            d = rng.uniform(0, 0.5, (len(oids), len(hids)))
            d[rng.uniform(size=d.shape) < 0.4] = np.nan
            if rng.uniform() < 0.2:  # exact ties
                d[np.isfinite(d)] = 0.25
            ours.update(oids, hids, d)
            theirs.update(oids, hids, d)
        got = mm.metrics.create().compute(
            theirs, metrics=names, return_dataframe=False)
        assert (ours.misses, ours.switches, ours.false_positives, ours.objects,
                ours.matches) == tuple(got[n] for n in names), f'trial {trial}'
        dsum = theirs.events['D'].sum()
        assert ours.dist_sum == pytest.approx(0 if np.isnan(dsum) else dsum)


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------
def _copy_case(tmp_path, case='06_synth_basic'):
    gt, pred = tmp_path / 'gt', tmp_path / 'pred'
    gt.mkdir()
    pred.mkdir()
    for side, folder in (('gt', gt), ('pred', pred)):
        for f in (VECTORS / case / side).glob('*.json'):
            (folder / f.name).write_text(f.read_text())
    return gt, pred


def _edit(path, fn):
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


def test_missing_prediction_file(tmp_path):
    gt, pred = _copy_case(tmp_path)
    (pred / '007349_mpii_test.json').unlink()
    with pytest.raises(
            ValueError, match='no prediction file.*'
            '007349_mpii_test.json'):
        evaluate_posetrack_folders(str(gt), str(pred))


def test_frame_count_mismatch(tmp_path):
    gt, pred = _copy_case(tmp_path)
    _edit(pred / '007349_mpii_test.json', lambda d: d['images'].pop())
    with pytest.raises(
            ValueError,
            match='sequence 007349_mpii_test.*'
            'has 10 frames.*has 11'):
        evaluate_posetrack_folders(str(gt), str(pred))


@pytest.mark.parametrize('edit, message', [
    (lambda a: a.__setitem__('track_id', 10000), 'track ids must be < 10000'),
    (lambda a: a['keypoints'].__setitem__(0, float('nan')),
     r'keypoints \[0\] are NaN or infinite'),
    (lambda a: a['keypoints'].pop(), r'"keypoints" has 50 values, expected'),
    (lambda a: a.__setitem__('scores', [0.5] * 3), r'"scores" has 3 values'),
])
def test_bad_prediction_values(tmp_path, edit, message):
    gt, pred = _copy_case(tmp_path)
    _edit(pred / '014731_mpii_test.json', lambda d: edit(d['annotations'][0]))
    with pytest.raises(ValueError, match=message) as info:
        evaluate_posetrack_folders(str(gt), str(pred))
    assert '014731_mpii_test' in str(info.value)


def test_malformed_files(tmp_path):
    gt, pred = _copy_case(tmp_path)
    (pred / '014731_mpii_test.json').write_text('{"images": [')
    with pytest.raises(
            ValueError, match='014731_mpii_test.json: not valid '
            'JSON'):
        evaluate_posetrack_folders(str(gt), str(pred))
    (pred / '014731_mpii_test.json').write_text('{"images": []}')
    with pytest.raises(ValueError, match='missing "annotations"'):
        evaluate_posetrack_folders(str(gt), str(pred))


def test_nothing_labelled_is_refused(tmp_path):
    """No sequence with an annotated frame: an error, not AP 0.0."""
    gt, pred = _copy_case(tmp_path)
    for path in gt.glob('*.json'):
        _edit(path, lambda d: d['annotations'].clear())
    with pytest.raises(ValueError, match='nothing to evaluate: no sequence'):
        evaluate_posetrack_folders(str(gt), str(pred))


def test_tracking_needs_track_ids(tmp_path):
    gt, pred = _copy_case(tmp_path)
    _edit(pred / '014731_mpii_test.json',
          lambda d: d['annotations'][0].pop('track_id'))
    evaluate_posetrack_folders(str(gt), str(pred))  # AP needs none
    with pytest.raises(ValueError, match='has no track_id'):
        evaluate_posetrack_folders(str(gt), str(pred), track=True)


def test_frames_named_differently_are_refused(tmp_path):
    """Paired by position like the official tool, but where both files name
    their frames the names must agree: a reversed image list or another
    video's frame names would be scored against the wrong frames."""
    gt, pred = _copy_case(tmp_path)
    name = '007349_mpii_test.json'
    _edit(pred / name, lambda d: d['images'].reverse())
    with pytest.raises(
            ValueError,
            match=r"sequence 007349_mpii_test: "
            r"frame 0 of the prediction file .* is '.*', of the "
            r"ground truth .* '.*'; frames are paired by "
            r'position'):
        evaluate_posetrack_folders(str(gt), str(pred))
    # the official tool's behaviour on request
    evaluate_posetrack_folders(str(gt), str(pred), pair_by_position=True)

    (tmp_path / 'other').mkdir()
    gt, pred = _copy_case(tmp_path / 'other')
    other = json.loads((gt / '014731_mpii_test.json').read_text())
    folder = other['images'][0]['file_name'].rsplit('/', 2)[-2]

    def rename(data):
        for image in data['images']:
            parts = image['file_name'].split('/')
            image['file_name'] = '/'.join(parts[:-2] + [folder, parts[-1]])

    _edit(pred / name, rename)
    with pytest.raises(ValueError, match='frame 0 of the prediction file'):
        evaluate_posetrack_folders(str(gt), str(pred))
    # files that name frames by id only cannot be checked: accepted
    _edit(pred / name, lambda d: [im.pop('file_name') for im in d['images']])
    evaluate_posetrack_folders(str(gt), str(pred))


@pytest.mark.parametrize('edit, message', [
    (lambda a: a.__setitem__('track_id', 1.5),
     r'"track_id" must be an integer, got 1.5'),
    (lambda a: a.__setitem__('track_id', 'a'),
     r'"track_id" must be an integer, got \'a\''),
    (lambda a: a['keypoints'].__setitem__(4, 'x'),
     r'"keypoints" must be a list of numbers, found \'x\''),
    (lambda a: a.__setitem__('bbox_head', [1, 2, 3]),
     r'"bbox_head" has 3 values, expected 4'),
])
def test_bad_values_named_in_either_file(tmp_path, edit, message):
    gt, pred = _copy_case(tmp_path)
    _edit(pred / '014731_mpii_test.json', lambda d: edit(d['annotations'][0]))
    with pytest.raises(ValueError, match=message) as info:
        evaluate_posetrack_folders(str(gt), str(pred))
    assert 'pred/014731_mpii_test.json: annotations[0] (image ' in str(
        info.value)
    (tmp_path / 'again').mkdir()
    gt, pred = _copy_case(tmp_path / 'again')
    _edit(gt / '014731_mpii_test.json', lambda d: edit(d['annotations'][0]))
    with pytest.raises(ValueError, match=message) as info:
        evaluate_posetrack_folders(str(gt), str(pred))
    assert 'gt/014731_mpii_test.json: annotations[0] (image ' in str(
        info.value)


def test_annotations_must_be_a_list(tmp_path):
    gt, pred = _copy_case(tmp_path)
    _edit(pred / '014731_mpii_test.json',
          lambda d: d.__setitem__('annotations', {}))
    with pytest.raises(ValueError, match='"annotations" must be a list'):
        evaluate_posetrack_folders(str(gt), str(pred))
