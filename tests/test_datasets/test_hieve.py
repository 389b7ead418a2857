# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""HiEve: a generated HiEve-format sample goes through the converter into
the datasets of both recipes; predictions come back in HiEve's layout
(zipped) and the local metric scores them; bad files are named."""
import copy
import importlib.util
import json
import zipfile

import numpy as np
import pytest
from conftest import ROOT
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.registry import init_default_scope
from mmpose.registry import DATASETS

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import HIEVE_KEYPOINTS, HIEVE_METAINFO
from tdmi_mmpose.posetrack_format import read_hieve_annolist
from tdmi_research import generate_synthetic_hieve

TOOL = ROOT / 'tools' / 'dataset_converters' / 'hieve_to_posetrack.py'


def _tool():
    spec = importlib.util.spec_from_file_location('hieve_tool', TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


@pytest.fixture(scope='module')
def hieve(tmp_path_factory):
    """The generated HiEve sample and its conversion."""
    root = tmp_path_factory.mktemp('hieve')
    generate_synthetic_hieve(
        str(root / 'raw'), dict(train=3, test=1), num_frames=10)
    assert _tool().main(
        [str(root / 'raw'),
         str(root / 'data'), '--val-videos', '1']) == 0
    return root


def test_metainfo_is_mmposes_layout():
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(copy.deepcopy(HIEVE_METAINFO))
    assert meta['num_keypoints'] == 14
    names = [meta['keypoint_id2name'][i] for i in meta['flip_indices']]
    # flipping swaps sides and keeps the middle joints
    for name, flipped in zip(HIEVE_KEYPOINTS, names):
        assert flipped == name.replace('left', 'X').replace('right',
                                                            'left').replace(
                                                                'X', 'right')
    assert len(meta['sigmas']) == 14


def test_conversion_keeps_every_annotated_joint(hieve):
    raw = sorted((hieve / 'raw' / 'annotations' / 'train').glob('*.json'))
    converted = {}
    for split in ('train', 'val'):
        for path in (hieve / 'data' / 'annotations' / split).glob('*.json'):
            converted[path.stem] = json.loads(path.read_text())
    assert sorted(converted) == [p.stem for p in raw]
    for path in raw:
        frames = read_hieve_annolist(json.loads(path.read_text()), str(path))
        coco = converted[path.stem]
        assert len(coco['images']) == len(frames)
        kpts = [
            np.asarray(a['keypoints']).reshape(14, 3)
            for a in coco['annotations']
        ]
        expected = [p['keypoints'] for f in frames for p in f['people']]
        assert len(kpts) == len(expected)
        for a, b in zip(kpts, expected):
            np.testing.assert_allclose(a, b, atol=0.01)
        for image in coco['images']:  # every frame was decoded
            assert (hieve / 'data' / image['file_name']).is_file()
    test = hieve / 'data' / 'annotations' / 'test'
    assert [p.stem for p in test.glob('*.json')] == ['200000_synth']


def _recipe_dataset(config, split, data_root):
    init_default_scope('mmpose')
    cfg = Config.fromfile(str(ROOT / config))
    ds = copy.deepcopy(cfg[split].dataset)
    ds.data_root = str(data_root)
    return DATASETS.build(ds)


def test_recipes_read_the_converted_files(hieve):
    data = hieve / 'data'
    clips = _recipe_dataset('configs/tdmi_hrnet_w48_hieve.py',
                            'train_dataloader', data)
    sample = clips[0]
    assert sample['inputs'].shape[:2] == (5, 3)
    assert sample['data_samples'].gt_fields.heatmaps.shape[0] == 14
    single = _recipe_dataset('configs/hieve/hrnet_w48_hieve_384x288.py',
                             'train_dataloader', data)
    assert single[0]['data_samples'].gt_fields.heatmaps.shape[0] == 14
    val = _recipe_dataset('configs/tdmi_hrnet_w48_hieve.py', 'val_dataloader',
                          data)
    assert len(val) and val[0]['inputs'].shape[:2] == (5, 3)
    # both recipes' metrics build; the TDMI test split writes submissions
    from mmpose.registry import METRICS
    for config in ('configs/tdmi_hrnet_w48_hieve.py',
                   'configs/hieve/hrnet_w48_hieve_384x288.py'):
        cfg = Config.fromfile(str(ROOT / config))
        assert METRICS.build(cfg.val_evaluator).ann_dir.endswith('val')
    assert cfg.test_evaluator.type == 'HiEveMetric'
    tdmi = Config.fromfile(str(ROOT / 'configs/tdmi_hrnet_w48_hieve.py'))
    assert tdmi.test_evaluator.format_only
    assert tdmi.model.head.out_channels == 14


def _perfect_predictions(data, ann_dir):
    """Each annotated person of ``ann_dir``'s files as a prediction."""
    samples = []
    for path in sorted(ann_dir.glob('*.json')):
        coco = json.loads(path.read_text())
        file_of = {im['id']: im['file_name'] for im in coco['images']}
        for ann in coco['annotations']:
            kpts = np.asarray(ann['keypoints'], float).reshape(14, 3)
            x, y, w, h = ann['bbox']
            samples.append(
                dict(
                    img_path=str(data / file_of[ann['image_id']]),
                    pred_instances=dict(
                        keypoints=kpts[None, :, :2],
                        keypoint_scores=np.where(kpts[None, :, 2] > 0, 0.9,
                                                 0.1),
                        bboxes=np.array([[x, y, x + w, y + h]]),
                        bbox_scores=np.ones(1),
                        track_ids=np.array([ann['track_id']]))))
    return samples


def test_metric_scores_and_writes_the_submission(hieve, tmp_path):
    data = hieve / 'data'
    ann_dir = data / 'annotations' / 'val'
    samples = _perfect_predictions(data, ann_dir)
    out = tmp_path / 'submission'
    evaluator = Evaluator(
        dict(
            type='HiEveMetric', ann_dir=str(ann_dir), outfile_prefix=str(out)))
    evaluator.process(samples)
    results = evaluator.evaluate(len(samples))
    assert results['hieve/Total AP'] == pytest.approx(100)
    # a wrong pose scores lower (the metric can fail)
    moved = copy.deepcopy(samples)
    for s in moved:
        s['pred_instances'][
            'keypoints'] = s['pred_instances']['keypoints'] + 40
    evaluator = Evaluator(dict(type='HiEveMetric', ann_dir=str(ann_dir)))
    evaluator.process(moved)
    assert evaluator.evaluate(len(moved))['hieve/Total AP'] < 50
    # one HiEve file per video, zipped, that HiEve's reader reads back
    with zipfile.ZipFile(f'{out}.zip') as z:
        names = z.namelist()
        assert names == [p.name for p in ann_dir.glob('*.json')]
        back = read_hieve_annolist(json.loads(z.read(names[0])), names[0])
    people = sum(len(f['people']) for f in back)
    assert people == len(samples)
    assert back[0]['people'][0]['track_id'] >= 0


@pytest.mark.parametrize('edit, message', [
    (lambda d: d.pop('annolist'), 'annolist'),
    (lambda d: d['annolist'][0].pop('image'), 'image'),
    (lambda d: d['annolist'][0]['annorect'][0].update(track_id=['a']),
     'track_id'),
    (lambda d: d['annolist'][0]['annorect'][0].pop('x1'), '"x1"'),
    (lambda d: d['annolist'][0]['annorect'][0]['annopoints'][0]['point'][0].
     update(id=[14]), 'joint "id"'),
    (lambda d: d['annolist'][0]['annorect'][0]['annopoints'][0]['point'].
     append(d['annolist'][0]['annorect'][0]['annopoints'][0]['point'][0]),
     'repeated'),
    (lambda d: d['annolist'][0]['annorect'][0]['annopoints'][0]['point'][0].
     update(x=[float('nan')]), 'finite'),
])
def test_bad_hieve_files_are_named(hieve, edit, message):
    path = sorted((hieve / 'raw' / 'annotations' / 'train').glob('*.json'))[0]
    data = json.loads(path.read_text())
    edit(data)
    with pytest.raises(ValueError, match=message):
        read_hieve_annolist(data, str(path))


def test_converter_refuses_frames_outside_the_video(hieve, tmp_path, capsys):
    raw = tmp_path / 'raw'
    import shutil
    shutil.copytree(hieve / 'raw', raw)
    path = sorted((raw / 'annotations' / 'train').glob('*.json'))[0]
    data = json.loads(path.read_text())
    data['annolist'][0]['image'][0]['name'] = '000099.jpg'
    path.write_text(json.dumps(data))
    assert _tool().main([str(raw),
                         str(tmp_path / 'out'), '--val-videos', '1']) == 1
    assert 'outside the video' in capsys.readouterr().err


def test_converter_names_a_missing_video(hieve, tmp_path, capsys):
    import shutil
    raw = tmp_path / 'raw'
    shutil.copytree(hieve / 'raw', raw)
    next((raw / 'videos' / 'train').glob('*.mp4')).unlink()
    assert _tool().main([str(raw),
                         str(tmp_path / 'out'), '--val-videos', '1']) == 1
    assert 'missing (the video of' in capsys.readouterr().err


def test_metric_format_only_and_unknown_frames(hieve, tmp_path):
    data = hieve / 'data'
    test_dir = data / 'annotations' / 'test'
    coco = json.loads(next(test_dir.glob('*.json')).read_text())
    sample = dict(
        img_path=str(data / coco['images'][0]['file_name']),
        pred_instances=dict(
            keypoints=np.full((1, 14, 2), 50.0),
            keypoint_scores=np.ones((1, 14)),
            bboxes=np.array([[10., 10., 90., 190.]]),
            bbox_scores=np.ones(1)))
    out = tmp_path / 'sub'
    evaluator = Evaluator(
        dict(
            type='HiEveMetric',
            ann_dir=str(test_dir),
            format_only=True,
            outfile_prefix=str(out)))
    evaluator.process([sample])
    assert evaluator.evaluate(1) == {}
    written = json.loads(next(out.glob('*.json')).read_text())
    # every frame of the video is listed, the predicted one with its person
    assert len(written['annolist']) == len(coco['images'])
    assert len(written['annolist'][0]['annorect']) == 1
    stray = dict(sample, img_path='/elsewhere/video/000000.jpg')
    evaluator = Evaluator(dict(type='HiEveMetric', ann_dir=str(test_dir)))
    evaluator.process([stray])
    with pytest.raises(ValueError, match='frames not in'):
        evaluator.evaluate(1)


def _evaluate(samples, **metric):
    evaluator = Evaluator(dict(type='HiEveMetric', **metric))
    evaluator.process(samples)
    return evaluator.evaluate(len(samples))


def test_metric_coverage_of_the_videos(hieve):
    data = hieve / 'data'
    train = data / 'annotations' / 'train'  # two videos
    videos = sorted(p.stem for p in train.glob('*.json'))
    assert len(videos) == 2
    samples = _perfect_predictions(data, train)
    first = [s for s in samples if f'/{videos[0]}/' in s['img_path']]
    with pytest.raises(
            ValueError,
            match=rf"1 of the 2 videos .*"
            rf"no predicted frame: \['{videos[1]}'\]"):
        _evaluate(first, ann_dir=str(train))
    skipped = _evaluate(first, ann_dir=str(train), missing_videos='skip')
    assert skipped['hieve/Total AP'] == pytest.approx(100)
    missed = _evaluate(first, ann_dir=str(train), missing_videos='missed')
    assert missed['hieve/Total AP'] < 90
    assert _evaluate(samples, ann_dir=str(train))['hieve/Total AP'] == \
        pytest.approx(100)


def test_metric_refuses_other_files_and_outputs_over_inputs(hieve, tmp_path):
    import shutil

    from mmpose.registry import METRICS
    pt18 = tmp_path / 'pt18'
    shutil.copytree(
        ROOT / 'tests' / 'data' / 'posetrack18_sample' / 'annotations' / 'val',
        pt18)
    sample = dict(
        img_path='video/000000.jpg',
        pred_instances=dict(
            keypoints=np.zeros((1, 14, 2)),
            keypoint_scores=np.ones((1, 14)),
            bbox_scores=np.ones(1)))
    with pytest.raises(
            ValueError,
            match='not a converted HiEve file: its '
            r"keypoints are \['nose', 'head_bottom'"):
        _evaluate([sample], ann_dir=str(pt18))
    val = hieve / 'data' / 'annotations' / 'val'
    for out in (val, val / 'sub'):
        with pytest.raises(ValueError, match='inside the input folder'):
            METRICS.build(
                dict(
                    type='HiEveMetric',
                    ann_dir=str(val),
                    outfile_prefix=str(out)))


def test_converter_refuses_to_write_over_its_input(hieve, tmp_path, capsys):
    import shutil
    raw = tmp_path / 'raw'
    shutil.copytree(hieve / 'raw', raw)
    before = {p: p.read_bytes() for p in raw.rglob('*.json')}
    assert _tool().main([str(raw), str(raw), '--val-videos', '1']) == 1
    assert 'inside the input folder' in capsys.readouterr().err
    assert {p: p.read_bytes() for p in raw.rglob('*.json')} == before
    for count in ('0', '-1'):
        assert _tool().main(
            [str(raw), str(tmp_path / 'out'), '--val-videos', count]) == 1
        assert '--val-videos must be an integer >= 1' in \
            capsys.readouterr().err


def test_two_entries_for_one_frame_are_refused(hieve):
    path = sorted((hieve / 'raw' / 'annotations' / 'train').glob('*.json'))[0]
    data = json.loads(path.read_text())
    data['annolist'][1]['image'] = copy.deepcopy(data['annolist'][0]['image'])
    with pytest.raises(
            ValueError,
            match=r'annolist\[1\] names the frame .* '
            r'of annolist\[0\]'):
        read_hieve_annolist(data, str(path))
