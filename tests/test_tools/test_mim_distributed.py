# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""``mim train ... --launcher pytorch --gpus 2`` runs MMEngine's distributed
path: two CPU processes with the gloo backend train the tiny TDMI and
evaluate it together; an ablation whose noisy branch no loss trains runs
under DDP too."""
import re
import sys

import pytest
import torch
from conftest import ROOT, run_cmd, synthetic_cfg_options

import tdmi_mmpose  # noqa: F401
from tdmi_research import generate_synthetic_posetrack

TINY = ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'
LAUNCH = ['--launcher', 'pytorch', '--gpus', '2']
ENV = {'OMP_NUM_THREADS': '1'}


def _options(data):
    """The generated set, two CPU processes (gloo, no device ids)."""
    return synthetic_cfg_options(data) + [
        'env_cfg.dist_cfg.backend=gloo',
        'model_wrapper_cfg.type=MMDistributedDataParallel',
        'model_wrapper_cfg.device_ids=None'
    ]


def _data(tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=8, seed=0)
    return data


@pytest.mark.slow
def test_two_process_gloo_training(tmp_path):
    data = _data(tmp_path)
    work = tmp_path / 'work'
    options, launch, env = _options(data), LAUNCH, ENV
    out = run_cmd([
        sys.executable, '-m', 'mim', 'train', 'tdmi_mmpose', TINY, *launch,
        '--work-dir', work, *options
    ],
                  cwd=tmp_path,
                  env=env).stdout
    assert 'torch.distributed.launch' in out and '--nproc_per_node=2' in out
    assert re.search(r'Distributed training: True', out)
    assert re.search(r'posetrack/Total AP: \d', out)
    ckpt = torch.load(work / 'iter_4.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 4

    out = run_cmd([
        sys.executable, '-m', 'mim', 'test', 'tdmi_mmpose', TINY,
        '--checkpoint', work / 'iter_4.pth', *launch, '--work-dir',
        tmp_path / 'test', *options
    ],
                  cwd=tmp_path,
                  env=env).stdout
    assert '--nproc_per_node=2' in out
    assert re.search(r'Iter\(test\).*posetrack/Total AP: \d', out)


@pytest.mark.slow
def test_ablation_without_the_motion_group_trains_under_ddp(tmp_path):
    """configs/ablations/without_mi_motion.py's delta on the tiny model:
    with the noisy branch built, DDP would stop on its parameters without
    gradients; the ablation does not build it."""
    data = _data(tmp_path)
    work = tmp_path / 'work'
    ablation = [
        'model.head.mi_loss.group_weights.motion=0.0',
        'model.disentangler.noisy_branch=False'
    ]
    out = run_cmd([
        sys.executable, '-m', 'mim', 'train', 'tdmi_mmpose', TINY, *LAUNCH,
        '--work-dir', work, *_options(data), *ablation
    ],
                  cwd=tmp_path,
                  env=ENV).stdout
    assert re.search(r'Distributed training: True', out)
    assert 'loss_mi_motion' not in out and 'loss_mi_modal' in out
    assert torch.load(
        work / 'iter_4.pth', map_location='cpu')['meta']['iter'] == 4
