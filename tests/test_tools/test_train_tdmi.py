# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""End to end through MMEngine's Runner: the tiny TDMI trains on a generated
PoseTrack set and is evaluated by PoseTrackMetric, which picks the best
checkpoint by 'posetrack/Total AP'."""
import math
import re

import torch
from conftest import ROOT, run_cmd

import tdmi_mmpose  # noqa: F401
from tdmi_research import generate_synthetic_posetrack

CONFIG = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'


def test_train_and_evaluate_tiny_tdmi(python, tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=2, val=1), num_frames=8, seed=0)
    work = tmp_path / 'work'
    out = run_cmd([
        python, ROOT / 'tools' / 'train.py', CONFIG, '--work-dir', work,
        '--cfg-options', f'train_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.bbox_file={data}/detections/'
        'posetrack18_val_detections.json',
        f'test_dataloader.dataset.data_root={data}/',
        f'test_dataloader.dataset.bbox_file={data}/detections/'
        'posetrack18_val_detections.json',
        f'val_evaluator.gt_dir={data}/annotations/val',
        f'test_evaluator.gt_dir={data}/annotations/val'
    ],
                  cwd=tmp_path).stdout
    assert re.search(r'Iter\(train\) \[4/4\].*loss_mi_motion', out)
    assert re.search(r'posetrack/Total AP: \d', out)
    best = list(work.glob('best_posetrack_Total AP_iter_4.pth'))
    assert best, sorted(p.name for p in work.iterdir())
    ckpt = torch.load(best[0], map_location='cpu')
    assert 'temporal_encoder.aligns.0.deform_conv.weight' in \
        ckpt['state_dict']


def test_amp_training_on_cpu(python, tmp_path):
    """``--amp`` where no GPU is visible: MMEngine's AmpOptimWrapper would
    assert; the tool switches to CPUAmpOptimWrapper (bfloat16 autocast) and
    the losses stay finite."""
    if torch.cuda.is_available():
        import pytest
        pytest.skip('the CPU path is taken only without a GPU')
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=6, seed=0)
    out = run_cmd([
        python, ROOT / 'tools' / 'train.py', CONFIG, '--amp', '--work-dir',
        tmp_path / 'work', '--cfg-options',
        f'train_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.bbox_file={data}/detections/'
        'posetrack18_val_detections.json',
        f'val_evaluator.gt_dir={data}/annotations/val',
        'train_cfg.val_interval=100', 'train_cfg.max_iters=3'
    ],
                  cwd=tmp_path).stdout
    assert 'bfloat16 autocast on CPU' in out
    assert "type='CPUAmpOptimWrapper'" in out
    losses = re.findall(r'Iter\(train\) \[\d/3\].* loss: (\S+)', out)
    assert len(losses) == 3, out[-2000:]
    assert all(math.isfinite(float(v)) for v in losses)
