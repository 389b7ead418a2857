# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""``mim train ... --launcher pytorch --gpus 2`` runs MMEngine's distributed
path: two CPU processes with the gloo backend train the tiny TDMI and
evaluate it together."""
import re
import sys

import torch

import tdmi_mmpose  # noqa: F401
from conftest import run_cmd
from tdmi_mmpose.datasets import generate_synthetic_posetrack


def test_two_process_gloo_training(tmp_path):
    data = tmp_path / 'data'
    generate_synthetic_posetrack(str(data), splits=dict(train=1, val=1),
                                 num_frames=8, seed=0)
    work = tmp_path / 'work'
    det = f'{data}/detections/posetrack18_val_detections.json'
    options = [
        '--cfg-options', 'env_cfg.dist_cfg.backend=gloo',
        'model_wrapper_cfg.type=MMDistributedDataParallel',
        'model_wrapper_cfg.device_ids=None',
        f'train_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.data_root={data}/',
        f'val_dataloader.dataset.bbox_file={det}',
        f'test_dataloader.dataset.data_root={data}/',
        f'test_dataloader.dataset.bbox_file={det}',
        f'val_evaluator.gt_dir={data}/annotations/val',
        f'test_evaluator.gt_dir={data}/annotations/val'
    ]
    launch = ['--launcher', 'pytorch', '--gpus', '2']
    env = {'OMP_NUM_THREADS': '1'}
    out = run_cmd([
        sys.executable, '-m', 'mim', 'train', 'tdmi_mmpose',
        'tdmi_hrnet_tiny.py', *launch, '--work-dir', work, *options
    ], cwd=tmp_path, env=env).stdout
    assert 'torch.distributed.launch' in out and '--nproc_per_node=2' in out
    assert re.search(r'Distributed training: True', out)
    assert re.search(r'posetrack/Total AP: \d', out)
    ckpt = torch.load(work / 'iter_4.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 4

    out = run_cmd([
        sys.executable, '-m', 'mim', 'test', 'tdmi_mmpose',
        'tdmi_hrnet_tiny.py', '--checkpoint', work / 'iter_4.pth', *launch,
        '--work-dir', tmp_path / 'test', *options
    ], cwd=tmp_path, env=env).stdout
    assert '--nproc_per_node=2' in out
    assert re.search(r'Iter\(test\).*posetrack/Total AP: \d', out)
