# Copyright (c) The tdmi_mmpose Authors. All rights reserved.
"""``mim train tdmi_mmpose CONFIG`` runs this package's training script, for
the editable install that run.py makes and for a regular ``pip install .``,
and the config zoo is installed where mim looks a config name up
(``<package>/.mim/configs``; the lookup itself is mim's). The tiny config
trained here is a test fixture (``tests/configs``), given by its path."""
import shutil
import sys

import pytest
import torch
from conftest import ROOT, SMOKE_TOPDOWN, mim_train, run_cmd, smoke_cfg_options

import tdmi_mmpose  # noqa: F401  (torch.load of MMEngine checkpoints)

MIM = [sys.executable, '-m', 'mim']


def _check_and_test(work_dir, out, tiny_coco, tmp_path, env=None):
    data = smoke_cfg_options(tiny_coco)
    ckpt = torch.load(work_dir / 'iter_4.pth', map_location='cpu')
    assert ckpt['meta']['iter'] == 4
    assert 'Training finished successfully' in out

    out_test = run_cmd(
        MIM + [
            'test', 'tdmi_mmpose', SMOKE_TOPDOWN, '--checkpoint',
            work_dir / 'iter_4.pth', '--work-dir', tmp_path / 'test'
        ] + data,
        cwd=tmp_path,
        env=env).stdout
    assert 'coco/AP' in out_test
    return out


def test_mim_train_editable_install(mim_trained_topdown, tiny_coco, tmp_path):
    work_dir, out = mim_trained_topdown
    _check_and_test(work_dir, out, tiny_coco, tmp_path)
    # The training script that ran is this checkout's tools/train.py.
    assert 'tdmi_mmpose/.mim/tools/train.py' in out
    # the zoo that mim searches is this checkout's configs/ (linked)
    zoo = ROOT / 'tdmi_mmpose' / '.mim' / 'configs'
    assert (zoo / 'tdmi_hrnet_w48_posetrack17.py').resolve() == (
        ROOT / 'configs' / 'tdmi_hrnet_w48_posetrack17.py').resolve()


@pytest.mark.slow
def test_mim_train_regular_install(tiny_coco, tmp_path):
    # Build from a copy so that the wheel build's copies of tools/ and
    # configs/ do not replace the checkout's editable links.
    src = tmp_path / 'src'
    src.mkdir()
    for name in ('setup.py', 'README.md', 'LICENSE'):
        shutil.copy(ROOT / name, src / name)
    for name in ('tdmi_mmpose', 'tools', 'configs', 'requirements'):
        shutil.copytree(
            ROOT / name,
            src / name,
            symlinks=False,
            ignore=shutil.ignore_patterns('.mim', '__pycache__'))
    site = tmp_path / 'site'
    run_cmd([
        sys.executable, '-m', 'pip', 'install', '--no-deps',
        '--no-build-isolation', '--target', site, src
    ],
            cwd=tmp_path)
    installed = site / 'tdmi_mmpose' / '.mim'
    assert (installed / 'tools' / 'train.py').is_file()
    assert (installed / 'configs' / 'tdmi_hrnet_w48_posetrack17.py').is_file()
    assert (installed / 'configs' / 'demo' /
            'tdmi_demo_synthetic.py').is_file()
    assert not (installed / 'tools').is_symlink()

    run_dir = tmp_path / 'run'
    run_dir.mkdir()
    env = {'PYTHONPATH': str(site)}
    work_dir, out = mim_train(tiny_coco, run_dir, env)
    _check_and_test(work_dir, out, tiny_coco, run_dir, env)
    assert f'{site}/tdmi_mmpose/.mim/tools/train.py' in out
