# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""tools/train.py trains through MMEngine's Runner and resumes from its own
checkpoint under torch's default weights_only loading."""
import re

import torch
from conftest import ROOT, SMOKE_TOPDOWN, run_cmd, smoke_cfg_options

import tdmi_mmpose  # noqa: F401  (torch.load of MMEngine checkpoints)


def test_resume_a_finished_run(python, mim_trained_topdown, tiny_coco,
                               tmp_path):
    """Resume the shared 4-iteration run to 6 iterations."""
    first_dir, _ = mim_trained_topdown
    first = torch.load(first_dir / 'iter_4.pth', map_location='cpu')
    assert first['meta']['iter'] == 4
    work_dir = tmp_path / 'work'
    out = run_cmd(
        [
            python, ROOT / 'tools' / 'train.py', SMOKE_TOPDOWN, '--work-dir',
            work_dir, '--resume', first_dir / 'iter_4.pth'
        ] + smoke_cfg_options(tiny_coco) + ['train_cfg.max_iters=6'],
        cwd=tmp_path).stdout
    assert re.search(r'resumed epoch: \d+, iter: 4', out), out[-3000:]
    # Training went on from iteration 5, not from scratch.
    assert re.search(r'Iter\(train\) \[5/6\]', out)
    assert not re.search(r'Iter\(train\) \[1/6\]', out)
    second = torch.load(work_dir / 'iter_6.pth', map_location='cpu')
    assert second['meta']['iter'] == 6
    # The weights moved on from the resumed ones.
    key = 'backbone.conv1.weight'
    assert not torch.equal(first['state_dict'][key], second['state_dict'][key])


def _tiny_tdmi_cfg(data, work_dir, iters):
    from mmengine.config import Config
    cfg = Config.fromfile(
        str(ROOT / 'configs' / 'demo' / 'tdmi_hrnet_tiny.py'))
    cfg.work_dir = str(work_dir)
    cfg.train_dataloader.dataset.data_root = f'{data}/'
    cfg.train_cfg = dict(by_epoch=False, max_iters=iters, val_interval=1000)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', interval=2, by_epoch=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    return cfg


def _train(cfg, resume=False):
    from mmengine.runner import Runner
    cfg.resume = resume
    runner = Runner.from_cfg(cfg)
    runner.train()
    losses = runner.message_hub.get_scalar('train/loss').data[0].tolist()
    return torch.load(
        f'{cfg.work_dir}/iter_4.pth', map_location='cpu')['state_dict'], losses


def test_resume_is_exact_and_survives_an_interrupted_save(tmp_path):
    """4 iterations in one go equal 2 + resume + 2 (weights and logged
    losses), on the tiny TDMI with the authors' random augmentation. The
    second run is resumed after a save of iteration 4 was cut off:
    MMEngine writes ``last_checkpoint`` only after a checkpoint is
    complete, so the automatic resume takes iteration 2, not the broken
    file."""
    from tdmi_research import generate_synthetic_posetrack
    data = tmp_path / 'data'
    generate_synthetic_posetrack(
        str(data), splits=dict(train=1, val=1), num_frames=6, seed=0)
    whole, whole_losses = _train(_tiny_tdmi_cfg(data, tmp_path / 'a', 4))

    split = tmp_path / 'b'
    from mmengine.runner import Runner
    Runner.from_cfg(_tiny_tdmi_cfg(data, split, 2)).train()
    assert (split / 'last_checkpoint').read_text().endswith('iter_2.pth')
    # an interrupted save of iteration 4: a truncated file, no pointer
    complete = (split / 'iter_2.pth').read_bytes()
    (split / 'iter_4.pth').write_bytes(complete[:len(complete) // 3])
    resumed, resumed_losses = _train(
        _tiny_tdmi_cfg(data, split, 4), resume=True)

    assert resumed_losses == whole_losses
    assert resumed.keys() == whole.keys()
    different = [k for k in whole if not torch.equal(whole[k], resumed[k])]
    assert different == []
