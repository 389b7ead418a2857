# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The synthetic PoseTrack generator: deterministic, complete, the same
ground truth in both formats, never overwriting."""
import hashlib
import json
import os
from pathlib import Path

import pytest

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.datasets import generate_synthetic_posetrack
from tdmi_mmpose.evaluation.functional import evaluate_posetrack_folders


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob('*')):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_generator_is_deterministic_and_complete(tmp_path):
    kwargs = dict(splits=dict(val=2), num_frames=6, image_size=(96, 64))
    generate_synthetic_posetrack(str(tmp_path / 'a'), seed=1, **kwargs)
    generate_synthetic_posetrack(str(tmp_path / 'b'), seed=1, **kwargs)
    generate_synthetic_posetrack(str(tmp_path / 'c'), seed=2, **kwargs)
    assert _digest(tmp_path / 'a') == _digest(tmp_path / 'b')
    assert _digest(tmp_path / 'a') != _digest(tmp_path / 'c')
    root = tmp_path / 'a'
    assert len(list((root / 'images/val').rglob('*.jpg'))) == 12
    for folder in ('annotations/val', 'annotations_pt17/val'):
        assert len(os.listdir(root / folder)) == 2


def test_generated_pt17_and_pt18_ground_truth_agree(synthetic_posetrack):
    """Each form of the ground truth, evaluated against the other as a
    prediction, is perfect: the two files describe the same people."""
    r = evaluate_posetrack_folders(
        str(synthetic_posetrack / 'annotations/val'),
        str(synthetic_posetrack / 'annotations_pt17/val'),
        track=True)
    assert r['ap_groups']['Total'] == pytest.approx(100.0)
    assert r['mota_groups']['Total'] == pytest.approx(100.0)


def test_generated_content(synthetic_posetrack):
    data = json.loads(
        (synthetic_posetrack / 'annotations/posetrack18_val.json').read_text())
    dets = json.loads((synthetic_posetrack / 'detections' /
                       'posetrack18_val_detections.json').read_text())
    labelled = [im for im in data['images'] if im['is_labeled']]
    assert 0 < len(labelled) < len(data['images'])
    assert any('degraded' in im for im in data['images'])
    assert all(im['ignore_regions_x'] for im in data['images'])
    tracks = {(a['image_id'], a['track_id']) for a in data['annotations']}
    assert len({t for _, t in tracks}) >= 2  # several people
    # noisy detections: misses, false positives (low scores)
    assert any(d['score'] < 0.45 for d in dets)
    gt_boxes = {a['image_id']: a['bbox'] for a in data['annotations']}
    assert len(gt_boxes) > 0


def test_synthetic_generator_does_not_overwrite(tmp_path):
    root = tmp_path / 'set'
    kwargs = dict(splits=dict(train=1, val=1), num_frames=4)
    generate_synthetic_posetrack(str(root), seed=1, **kwargs)
    before = sorted(p.name for p in (root / 'images' / 'val').iterdir())
    with pytest.raises(FileExistsError, match='is not empty.*overwrite=True'):
        generate_synthetic_posetrack(str(root), seed=2, **kwargs)
    assert sorted(p.name
                  for p in (root / 'images' / 'val').iterdir()) == before
    generate_synthetic_posetrack(
        str(root),
        seed=2,
        overwrite=True,
        splits=dict(train=1, val=2),
        num_frames=4)
    # the previous set is gone, not mixed in
    assert len(list((root / 'images' / 'val').iterdir())) == 2
