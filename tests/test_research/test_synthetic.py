# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""The synthetic PoseTrack generator: deterministic, complete, the same
ground truth in both formats, never overwriting; its irrelevant motion
options leave the people as they were; the plain set is unchanged."""
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

import tdmi_mmpose  # noqa: F401
from tdmi_mmpose.evaluation.functional import evaluate_posetrack_folders
from tdmi_research import generate_synthetic_posetrack

PLAIN_DIGEST = (
    '9b77859c60c741024e792822bc93bb7d8477a41b5f4a50ef0b92626e9e481a60')


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


def _ground_truth(root: Path) -> dict:
    """Annotations and detections of a set, as loaded JSON."""
    return {
        str(p.relative_to(root)): json.loads(p.read_text())
        for p in sorted(root.rglob('*.json'))
        if p.parent.name in ('val', 'train',
                             'detections') and 'annotations_pt17' not in str(p)
    }


NUISANCE_KW = dict(
    splits=dict(train=1, val=2), num_frames=8, image_size=(160, 120))


def test_irrelevant_motion_leaves_the_people_as_they_were(tmp_path):
    """Background objects and passers-by draw from their own stream: the
    annotated people, their boxes and the detections are the plain set's;
    passers-by are neither annotated nor detected; frames where they or an
    object cover a person say so; the frames themselves differ."""
    plain, moving = tmp_path / 'plain', tmp_path / 'moving'
    generate_synthetic_posetrack(str(plain), seed=3, **NUISANCE_KW)
    generate_synthetic_posetrack(
        str(moving), seed=3, background_objects=3, passers_by=2, **NUISANCE_KW)
    a, b = _ground_truth(plain), _ground_truth(moving)
    assert a.keys() == b.keys()
    for name in a:
        if name.startswith('detections'):
            assert a[name] == b[name], name
            continue
        for im in b[name]['images']:
            kind = im.pop('nuisance')
            assert kind in (None, 'passer_by', 'object')
            assert 'nuisance' not in next(i for i in a[name]['images']
                                          if i['id'] == im['id'])
        assert a[name] == b[name], name
    kinds = [
        im['nuisance'] for im in json.loads((
            moving / 'annotations/posetrack18_val.json').read_text())['images']
    ]
    assert 'passer_by' in kinds and None in kinds
    frame = 'images/val/200000_synth/000004.jpg'
    assert (plain / frame).read_bytes() != (moving / frame).read_bytes()


def test_camera_shake_moves_every_person_of_a_frame_alike(tmp_path):
    plain, shaken = tmp_path / 'plain', tmp_path / 'shaken'
    # one video: a person the shake moves out of the image draws no
    # detection noise, so a later video's random draws may differ
    kw = dict(NUISANCE_KW, splits=dict(val=1))
    generate_synthetic_posetrack(str(plain), seed=3, **kw)
    generate_synthetic_posetrack(str(shaken), seed=3, camera_shake=2.0, **kw)

    def people(root):
        data = json.loads(
            (root / 'annotations/posetrack18_val.json').read_text())
        return {(a['image_id'], a['track_id']): a for a in data['annotations']}

    a, b = people(plain), people(shaken)
    offsets = {}
    for key in a.keys() & b.keys():
        ka = np.array(a[key]['keypoints']).reshape(17, 3)
        kb = np.array(b[key]['keypoints']).reshape(17, 3)
        both = (ka[:, 2] > 0) & (kb[:, 2] > 0)
        shift = kb[both, :2] - ka[both, :2]
        # one whole-pixel shift per person, up to the annotation's rounding
        assert np.abs(shift - shift[0]).max() < 0.02
        offsets.setdefault(key[0], []).append(shift[0])
    moved = [np.abs(s[0]).max() for s in offsets.values()]
    assert max(moved) >= 1  # the camera shook
    for shifts in offsets.values():  # every person of a frame alike
        assert np.abs(np.array(shifts) - shifts[0]).max() < 0.02


def test_plain_set_is_the_one_earlier_tables_were_measured_on(tmp_path):
    """With the irrelevant motion off, the generator writes the ground truth
    it always wrote (sha256 of the annotation and detection JSON of a
    pinned set, taken from the generator before the options existed)."""
    generate_synthetic_posetrack(str(tmp_path), seed=0, **NUISANCE_KW)
    h = hashlib.sha256()
    for name, data in _ground_truth(tmp_path).items():
        h.update(name.encode())
        h.update(json.dumps(data, sort_keys=True).encode())
    assert h.hexdigest() == PLAIN_DIGEST


def test_ensure_synthetic_set_generates_reuses_and_refuses(tmp_path):
    from tdmi_research import ensure_synthetic_set
    root = tmp_path / 'set'
    kw = dict(splits=dict(val=1), num_frames=4, passers_by=1)
    assert ensure_synthetic_set(str(root), **kw) is True
    record = json.loads((root / 'generator.json').read_text())
    assert record['passers_by'] == 1 and record['splits'] == dict(val=1)
    assert ensure_synthetic_set(str(root), **kw) is False
    with pytest.raises(ValueError, match='generator.json.*passers_by'):
        ensure_synthetic_set(str(root), splits=dict(val=1), num_frames=4)
    (root / 'generator.json').unlink()
    with pytest.raises(ValueError, match='holds files but no generator.json'):
        ensure_synthetic_set(str(root), **kw)
    with pytest.raises(ValueError, match='camera_shake'):
        generate_synthetic_posetrack(
            str(tmp_path / 'bad'), camera_shake=float('nan'))
