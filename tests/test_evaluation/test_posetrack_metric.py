# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""PoseTrackMetric: MMPose-style data samples in, poseval's numbers out."""
import json
from pathlib import Path

import numpy as np
import pytest
from mmengine.evaluator import Evaluator

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.evaluation import PoseTrackMetric, evaluate_posetrack_folders
from tdmi_mmpose.evaluation.functional import PT18_KEYPOINTS

VECTORS = Path(__file__).resolve().parents[1] / 'data' / 'poseval_vectors'
META = dict(
    keypoint_id2name=dict(enumerate(PT18_KEYPOINTS)), sigmas=np.full(17, 0.08))


def _samples_from_prediction_files(pred_dir, box_score=1.0, data_root='/d/'):
    """One top-down data sample per predicted person, as MMPose packs
    them (one instance per sample)."""
    samples = []
    for path in sorted(Path(pred_dir).glob('*.json')):
        data = json.loads(path.read_text())
        names = data['categories'][0]['keypoints']
        assert names == list(PT18_KEYPOINTS)
        file_of = {im['id']: im['file_name'] for im in data['images']}
        for i, ann in enumerate(data['annotations']):
            if ann['image_id'] not in file_of:
                continue
            kpts = np.asarray(
                ann['keypoints'], dtype=np.float64).reshape(17, 3)
            scores = np.asarray(ann.get('scores') or kpts[:, 2])
            samples.append(
                dict(
                    id=i,
                    img_path=data_root + file_of[ann['image_id']],
                    pred_instances=dict(
                        keypoints=kpts[None, :, :2],
                        keypoint_scores=scores[None],
                        track_ids=np.array([ann['track_id']])),
                    gt_instances=dict(
                        bbox_scores=np.array([box_score]),
                        bbox_scales=np.array([[100., 200.]]))))
    return samples


def _run(metric, samples, batch=7):
    evaluator = Evaluator(metric)
    evaluator.dataset_meta = META
    for i in range(0, len(samples), batch):
        evaluator.process(samples[i:i + batch])
    return evaluator.evaluate(len(samples))


def test_tdmi_protocol_reproduces_poseval(tmp_path):
    case = VECTORS / '06_synth_basic'
    expected = json.loads((case / 'expected.json').read_text())
    out_dir = tmp_path / 'preds'
    metric = PoseTrackMetric(
        gt_dir=str(case / 'gt'), track=True, outfile_prefix=str(out_dir))
    results = _run(metric, _samples_from_prediction_files(case / 'pred'))
    assert results['posetrack/Total AP'] == pytest.approx(
        expected['ap']['groups']['Total'], abs=0.01)
    assert results['posetrack/Total MOTA'] == pytest.approx(
        expected['tracking']['mota']['groups']['Total'], abs=0.01)
    for name, value in expected['ap']['per_joint'].items():
        assert results[f'posetrack/{name}'] == pytest.approx(value, abs=0.01)
    # the written files are complete PoseTrack18 prediction files that
    # evaluate to the same numbers on their own
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        p.name for p in (case / 'gt').iterdir())
    again = evaluate_posetrack_folders(str(case / 'gt'), str(out_dir))
    assert again['ap_groups']['Total'] == pytest.approx(
        results['posetrack/Total AP'])


def test_tdmi_protocol_multiplies_box_score(tmp_path):
    case = VECTORS / '06_synth_basic'
    out = tmp_path / 'p'
    _run(
        PoseTrackMetric(gt_dir=str(case / 'gt'), outfile_prefix=str(out)),
        _samples_from_prediction_files(case / 'pred', box_score=0.5))
    written = json.loads((out / '007349_mpii_test.json').read_text())
    source = json.loads((case / 'pred' / '007349_mpii_test.json').read_text())
    ann_w, ann_s = written['annotations'][0], source['annotations'][0]
    np.testing.assert_allclose(ann_w['scores'],
                               np.asarray(ann_s['scores']) * 0.5)
    assert [im['id'] for im in written['images']] == [
        im['id']
        for im in json.loads((case / 'gt' /
                              '007349_mpii_test.json').read_text())['images']
    ]


def test_mmpose_protocol_suppresses_duplicates(tmp_path):
    case = VECTORS / '10_duplicates'
    samples = _samples_from_prediction_files(case / 'pred')
    out_t, out_m = tmp_path / 't', tmp_path / 'm'
    tdmi = _run(
        PoseTrackMetric(gt_dir=str(case / 'gt'), outfile_prefix=str(out_t)),
        samples)
    mmp = _run(
        PoseTrackMetric(
            gt_dir=str(case / 'gt'),
            protocol='mmpose',
            outfile_prefix=str(out_m)), samples)

    def count(folder):
        return sum(
            len(json.loads(p.read_text())['annotations'])
            for p in folder.iterdir())

    assert count(out_m) < count(out_t) == len(samples)
    # duplicated people are false positives without NMS
    assert mmp['posetrack/Total AP'] > tdmi['posetrack/Total AP']
    # person score: box score x mean of keypoint scores above 0.2
    ann = json.loads(next(out_m.iterdir()).read_text())['annotations'][0]
    scores = np.asarray(ann['scores'])
    assert ann['score'] == pytest.approx(scores[scores > 0.2].mean())


def test_real_posetrack18_ground_truth_and_image_paths(tmp_path):
    """Real PoseTrack18 files: predictions equal to the GT score 100."""
    case = VECTORS / '01_perfect_real'
    samples = _samples_from_prediction_files(
        case / 'pred', data_root='data/posetrack18/')
    results = _run(PoseTrackMetric(gt_dir=str(case / 'gt')), samples)
    assert results['posetrack/Total AP'] == pytest.approx(100.0)


def test_unknown_frame_and_bad_arguments(tmp_path):
    case = VECTORS / '06_synth_basic'
    samples = _samples_from_prediction_files(case / 'pred')[:3]
    samples[1]['img_path'] = '/d/images/val/999999_mpii_test/000000.jpg'
    with pytest.raises(ValueError, match='999999_mpii_test/000000.jpg'):
        _run(PoseTrackMetric(gt_dir=str(case / 'gt')), samples)
    with pytest.raises(ValueError, match='protocol must be one of'):
        PoseTrackMetric(gt_dir='x', protocol='dcpose')
    with pytest.raises(ValueError, match='format_only=True needs'):
        PoseTrackMetric(gt_dir='x', format_only=True)
    with pytest.raises(ValueError, match='track=True needs'):
        samples = _samples_from_prediction_files(case / 'pred')[:1]
        del samples[0]['pred_instances']['track_ids']
        PoseTrackMetric(
            gt_dir=str(case / 'gt'), track=True).process([], samples)


def test_format_only_writes_files_without_evaluating(tmp_path):
    case = VECTORS / '06_synth_basic'
    out = tmp_path / 'submission'
    results = _run(
        PoseTrackMetric(
            gt_dir=str(case / 'gt'), format_only=True,
            outfile_prefix=str(out)),
        _samples_from_prediction_files(case / 'pred'))
    assert results == {}
    assert len(list(out.glob('*.json'))) == 3


def test_output_folder_may_not_overwrite_or_join_the_ground_truth(tmp_path):
    gt = VECTORS / '06_synth_basic' / 'gt'
    for out in (gt, gt / 'preds', f'{gt}/'):
        with pytest.raises(
                ValueError,
                match='inside the input folder .*choose another '
                'outfile_prefix'):
            PoseTrackMetric(gt_dir=str(gt), outfile_prefix=str(out))
    link = tmp_path / 'link'
    link.symlink_to(gt, target_is_directory=True)
    with pytest.raises(ValueError, match='inside the input folder'):
        PoseTrackMetric(gt_dir=str(gt), outfile_prefix=str(link))
    # a sibling folder whose name starts like gt_dir is fine
    PoseTrackMetric(gt_dir=str(gt), outfile_prefix=f'{gt}_predictions')


def test_sequences_without_predictions(tmp_path):
    """A gt_dir with a video the dataset did not predict: refused by
    default; 'skip' equals evaluating the predicted videos alone; 'missed'
    scores the video as missed (lower)."""
    import shutil
    case = VECTORS / '06_synth_basic'
    samples = [
        s for s in _samples_from_prediction_files(case / 'pred')
        if '014731_mpii_test' not in s['img_path']
    ]
    with pytest.raises(
            ValueError,
            match=r"1 of the 3 ground-truth "
            r"sequences .* have no predicted frame: "
            r"\['014731_mpii_test'\]"):
        _run(PoseTrackMetric(gt_dir=str(case / 'gt')), samples)
    skipped = _run(
        PoseTrackMetric(gt_dir=str(case / 'gt'), missing_sequences='skip'),
        samples)
    two = tmp_path / 'gt_two'
    two.mkdir()
    for name in ('005627_bonn_test.json', '007349_mpii_test.json'):
        shutil.copy(case / 'gt' / name, two / name)
    alone = _run(PoseTrackMetric(gt_dir=str(two)), samples)
    assert skipped['posetrack/Total AP'] == pytest.approx(
        alone['posetrack/Total AP'])
    missed = _run(
        PoseTrackMetric(gt_dir=str(case / 'gt'), missing_sequences='missed'),
        samples)
    assert missed['posetrack/Total AP'] < skipped['posetrack/Total AP'] - 1
    with pytest.raises(ValueError, match='missing_sequences must be one of'):
        PoseTrackMetric(gt_dir=str(case / 'gt'), missing_sequences='drop')


def test_posetrack21_kit_through_the_metric(tmp_path):
    """official_kit='posetrack21': data samples in, the PoseTrack21 kit's
    AP and HOTA out (a case made by running the kit)."""
    vectors = VECTORS.parent / 'posetrack21_vectors'
    case = vectors / 'fragmented'
    expected = json.loads((vectors / 'expected.json').read_text())
    expected = expected['fragmented']
    pred = json.loads((case / 'pred' / 'sequences' / 'seq.json').read_text())
    file_of = {im['id']: im['file_name'] for im in pred['images']}
    samples = []
    for i, ann in enumerate(pred['annotations']):
        kpts = np.asarray(ann['keypoints'], dtype=np.float64).reshape(17, 3)
        samples.append(
            dict(
                id=i,
                img_path='/d/' + file_of[ann['image_id']],
                pred_instances=dict(
                    keypoints=kpts[None, :, :2],
                    keypoint_scores=np.asarray(ann['scores'])[None],
                    track_ids=np.array([ann['track_id']]))))
    metric = PoseTrackMetric(
        gt_dir=str(case / 'gt'), track=True, official_kit='posetrack21')
    results = _run(metric, samples)
    assert results['posetrack/Total AP'] == pytest.approx(
        expected['map']['Total'], abs=0.01)
    for field in ('HOTA', 'DetA', 'AssA', 'LocA'):
        assert results[f'posetrack/{field}'] == pytest.approx(
            expected['hota'][field][-1], abs=0.01)
    with pytest.raises(ValueError, match='official_kit must be one of'):
        PoseTrackMetric(gt_dir=str(case / 'gt'), official_kit='poseval21')
