# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/misc/check_dataset.py lists every planted fault of a generated set at
once (the dataset itself would stop at the first), before any training, and
runs on every shipped config's datasets (single-frame stage 1 included)."""
import copy
import json
import subprocess
import sys

import pytest
from conftest import ROOT

from tdmi_research import generate_synthetic_posetrack


def test_every_planted_fault_is_listed(tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=2), num_frames=6, seed=0)
    videos = sorted(p.name for p in (data / 'images' / 'val').iterdir())
    # frames: an empty one, a truncated one, a missing one
    (data / 'images' / 'val' / videos[0] / '000002.jpg').write_bytes(b'')
    broken = data / 'images' / 'val' / videos[0] / '000003.jpg'
    broken.write_bytes(broken.read_bytes()[:40])
    (data / 'images' / 'val' / videos[1] / '000004.jpg').unlink()
    # a frame of another size than the rest of its video
    import cv2
    odd = data / 'images' / 'val' / videos[1] / '000001.jpg'
    image = cv2.imread(str(odd))
    cv2.imwrite(str(odd), cv2.resize(image, None, fx=0.5, fy=0.5))
    # a per-sequence annotation file that is not JSON, next to a good one
    bad_ann = data / 'annotations' / 'val' / 'zz_broken.json'
    bad_ann.write_text('{"images": [')
    # detections: a NaN score and an unknown image
    det_file = data / 'detections' / 'posetrack18_val_detections.json'
    dets = json.loads(det_file.read_text())
    dets[0]['score'] = float('nan')
    dets[1]['image_id'] = 123
    det_file.write_text(json.dumps(dets))

    config = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
    result = subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'misc' / 'check_dataset.py'),
        str(config), '--splits', 'val', '--workers', '2', '--cfg-options',
        f'val_dataloader.dataset.data_root={data}/',
        'val_dataloader.dataset.ann_file=annotations/val',
        f'val_dataloader.dataset.bbox_file={det_file}'
    ],
                            cwd=tmp_path,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            timeout=300)
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    for expected in (f'{videos[0]}/000002.jpg: the file is empty',
                     f'cannot decode frame {broken}',
                     f'{videos[1]}/000004.jpg: no such file',
                     'zz_broken.json: not valid JSON', 'detection 0: "bbox"',
                     'must be finite', 'detection 1 names image_id 123',
                     f'{videos[1]}/000001.jpg: {image.shape[1] // 2}x'
                     f'{image.shape[0] // 2}, the other frames of'):
        assert expected in out, (expected, out[-3000:])
    assert '7 problems' in out


@pytest.fixture(scope='module')
def local_sets(tmp_path_factory):
    """A generated PoseTrack set and a generated, converted HiEve sample."""
    import importlib.util

    from tdmi_research import generate_synthetic_hieve
    root = tmp_path_factory.mktemp('check_sets')
    generate_synthetic_posetrack(
        str(root / 'posetrack'),
        splits=dict(train=1, val=1),
        num_frames=6,
        seed=0)
    generate_synthetic_hieve(
        str(root / 'hieve_raw'), dict(train=2, test=1), num_frames=6)
    spec = importlib.util.spec_from_file_location(
        'hieve_tool',
        ROOT / 'tools' / 'dataset_converters' / 'hieve_to_posetrack.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.main(
        [str(root / 'hieve_raw'),
         str(root / 'hieve'), '--val-videos', '1']) == 0
    return root


def _local(ds_cfg, split: str, root):
    """A shipped dataset config pointed at the generated sets."""
    ds_cfg = copy.deepcopy(ds_cfg)
    if ds_cfg.type.startswith('HiEve'):
        ds_cfg.data_root = str(root / 'hieve')
        ds_cfg.bbox_file = None  # HiEve's detections are its server's
    else:
        name = 'train' if split == 'train_dataloader' else 'val'
        ds_cfg.update(
            data_root=str(root / 'posetrack'),
            ann_file=f'annotations/posetrack18_{name}.json')
        if ds_cfg.get('bbox_file'):
            ds_cfg.bbox_file = str(root / 'posetrack' / 'detections' /
                                   'posetrack18_val_detections.json')
    return ds_cfg


def test_the_check_runs_on_every_shipped_config(local_sets):
    """Every config of the zoo (recipes, stage-1 models, ablations, the
    demo's), each of its splits: the check runs through and finds nothing
    on good data (single-frame stage-1 datasets included)."""
    from mmengine.config import Config

    from tdmi_mmpose.datasets import check_posetrack_split
    checked, kinds = set(), set()
    for path in sorted((ROOT / 'configs').rglob('*.py')):
        cfg = Config.fromfile(str(path))
        for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            ds_cfg = _local(cfg[split].dataset, split, local_sets)
            key = repr(sorted(ds_cfg.to_dict().items(), key=str))
            if key in checked:
                continue  # an ablation's data is its recipe's
            checked.add(key)
            problems, counts = check_posetrack_split(
                ds_cfg, workers=2, progress=False)
            assert problems == [], (path.name, split, problems[:3])
            assert counts['frames'] > 0, (path.name, split)
            kinds.add(ds_cfg.type)
    assert {
        'PoseTrackVideoDataset', 'HiEveVideoDataset', 'HiEveDataset',
        'PoseTrack18Dataset'
    } <= kinds


def test_a_single_frame_split_lists_its_faults(local_sets, tmp_path):
    import shutil

    from mmengine.config import Config

    from tdmi_mmpose.datasets import check_posetrack_split
    data = tmp_path / 'hieve'
    shutil.copytree(local_sets / 'hieve', data)
    cfg = Config.fromfile(
        str(ROOT / 'configs' / 'hieve' / 'hrnet_w48_hieve_384x288.py'))
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.data_root = str(data)
    merged = json.loads((data / ds_cfg.ann_file).read_text())
    missing = data / merged['images'][0]['file_name']
    missing.unlink()
    problems, _ = check_posetrack_split(ds_cfg, workers=2, progress=False)
    assert any(f'{missing}: no such file' in p for p in problems), problems
    merged['annotations'][0]['keypoints'] = [1, 2]
    (data / ds_cfg.ann_file).write_text(json.dumps(merged))
    problems, _ = check_posetrack_split(ds_cfg, workers=2, progress=False)
    assert len(problems) == 1 and '"keypoints" has 2 values' in problems[0]
