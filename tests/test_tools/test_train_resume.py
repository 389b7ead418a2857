# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/train.py trains through MMEngine's Runner and resumes from its own
checkpoint under torch's default weights_only loading."""
import re

import torch
from conftest import ROOT, SMOKE_TOPDOWN, run_cmd, smoke_cfg_options

import tdmi_mmpose  # noqa: F401  (torch.load of MMEngine checkpoints)


def test_resume_two_iteration_run(python, tiny_coco, tmp_path):
    work_dir = tmp_path / 'work'
    train = [
        python, ROOT / 'tools' / 'train.py', SMOKE_TOPDOWN, '--work-dir',
        work_dir
    ]
    data = smoke_cfg_options(tiny_coco)

    run_cmd(train + data + ['train_cfg.max_iters=2'], cwd=tmp_path)
    first = torch.load(work_dir / 'iter_2.pth', map_location='cpu')
    assert first['meta']['iter'] == 2

    out = run_cmd(
        train + ['--resume', work_dir / 'iter_2.pth'] + data +
        ['train_cfg.max_iters=4'],
        cwd=tmp_path).stdout
    assert re.search(r'resumed epoch: \d+, iter: 2', out), out[-3000:]
    # Training went on from iteration 3, not from scratch.
    assert re.search(r'Iter\(train\) \[3/4\]', out)
    assert not re.search(r'Iter\(train\) \[1/4\]', out)
    second = torch.load(work_dir / 'iter_4.pth', map_location='cpu')
    assert second['meta']['iter'] == 4
    # The weights moved on from the resumed ones.
    key = 'backbone.conv1.weight'
    assert not torch.equal(first['state_dict'][key], second['state_dict'][key])
